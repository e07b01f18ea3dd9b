/* ms-size-histogram.h: sampled allocations by size class
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ms-profile.h"

G_BEGIN_DECLS

#define MS_SIZE_HISTOGRAM_N_BUCKETS 16
#define MS_SIZE_HISTOGRAM_DEFAULT_BYTES_PER_BLOCK 16

#define MS_TYPE_SIZE_HISTOGRAM (ms_size_histogram_get_type ())

G_DECLARE_FINAL_TYPE (MsSizeHistogram, ms_size_histogram, MS, SIZE_HISTOGRAM, GObject)

MsSizeHistogram *ms_size_histogram_new             (guint             bytes_per_block);
MsSizeHistogram *ms_size_histogram_new_for_profile (MsProfile        *profile,
                                                    guint             bytes_per_block);
void             ms_size_histogram_add_profile     (MsSizeHistogram  *self,
                                                    MsProfile        *profile);
void             ms_size_histogram_add_sample      (MsSizeHistogram  *self,
                                                    guint64           size,
                                                    guint64           total);
void             ms_size_histogram_clear           (MsSizeHistogram  *self);
guint            ms_size_histogram_get_bytes_per_block (MsSizeHistogram *self);
guint            ms_size_histogram_bucket_for_size (MsSizeHistogram  *self,
                                                    guint64           size);
guint64          ms_size_histogram_get_bucket      (MsSizeHistogram  *self,
                                                    guint             index,
                                                    guint64          *upper_bound,
                                                    double           *estimated_allocations,
                                                    guint64          *estimated_bytes);
char            *ms_size_histogram_to_table        (MsSizeHistogram  *self);

G_END_DECLS
