/* ms-histogram-view.h: sampled allocations by power-of-two size class, as bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-size-histogram.h"

G_BEGIN_DECLS

#define MS_TYPE_HISTOGRAM_VIEW (ms_histogram_view_get_type ())

G_DECLARE_FINAL_TYPE (MsHistogramView, ms_histogram_view, MS, HISTOGRAM_VIEW, GtkWidget)

GtkWidget       *ms_histogram_view_new           (void);
MsSizeHistogram *ms_histogram_view_get_histogram (MsHistogramView *self);
void             ms_histogram_view_set_histogram (MsHistogramView *self,
                                                  MsSizeHistogram *histogram);
/* Diff mode: per size class, what changed from @before to @after (grown bars up in
 * red, shrunk bars down in blue). NULL for both leaves diff mode. */
void             ms_histogram_view_set_diff      (MsHistogramView *self,
                                                  MsSizeHistogram *before,
                                                  MsSizeHistogram *after);
gboolean         ms_histogram_view_get_diff_mode (MsHistogramView *self);
/* In diff mode, @index's change in sampled count and in estimated bytes. */
gboolean         ms_histogram_view_get_diff_bucket (MsHistogramView *self,
                                                  guint            index,
                                                  gint64          *count_delta,
                                                  gint64          *bytes_delta);

G_END_DECLS
