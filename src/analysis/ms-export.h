/* ms-export.h: folded stacks, SVG flame graphs, CSV and tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ms-counter-series.h"
#include "ms-flame-tree.h"
#include "ms-profile-diff.h"
#include "ms-size-histogram.h"

G_BEGIN_DECLS

gboolean  ms_export_folded          (MsFlameTree      *tree,
                                     MsFlameValue      value,
                                     GOutputStream    *stream,
                                     GCancellable     *cancellable,
                                     GError          **error);
char     *ms_export_folded_to_string (MsFlameTree     *tree,
                                     MsFlameValue      value);
gboolean  ms_export_flame_svg       (MsFlameTree      *tree,
                                     const char       *title,
                                     guint             width,
                                     GOutputStream    *stream,
                                     GCancellable     *cancellable,
                                     GError          **error);
gboolean  ms_export_diff_folded     (MsProfileDiff    *diff,
                                     GOutputStream    *stream,
                                     GCancellable     *cancellable,
                                     GError          **error);
gboolean  ms_export_diff_svg        (MsProfileDiff    *diff,
                                     const char       *title,
                                     guint             width,
                                     GOutputStream    *stream,
                                     GCancellable     *cancellable,
                                     GError          **error);
gboolean  ms_export_counters_csv    (MsCounterSeries  *series,
                                     GOutputStream    *stream,
                                     GCancellable     *cancellable,
                                     GError          **error);
char     *ms_export_histogram_table (MsSizeHistogram  *histogram);
gboolean  ms_export_histogram_csv   (MsSizeHistogram  *histogram,
                                     GOutputStream    *stream,
                                     GCancellable     *cancellable,
                                     GError          **error);

G_END_DECLS
