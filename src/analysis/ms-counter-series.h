/* ms-counter-series.h: bounded time series of DOM and leak-detection counters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_COUNTER_SERIES_DEFAULT_CAPACITY (6 * 60 * 60)
/* Distinct counter names kept: Chromium reports 3 DOM counters and about a dozen
 * leak-detection counters. */
#define MS_COUNTER_SERIES_MAX_NAMES 128

#define MS_TYPE_COUNTER_SERIES (ms_counter_series_get_type ())

G_DECLARE_FINAL_TYPE (MsCounterSeries, ms_counter_series, MS, COUNTER_SERIES, GObject)

/**
 * MsCounterBucket:
 * @start_usec: the bucket's start time (inclusive)
 * @end_usec: its end time (exclusive, except for the last bucket)
 * @n_points: points that fell in the bucket; @min and @max are 0 when none did
 * @min: smallest value in the bucket
 * @max: largest value in the bucket
 */
typedef struct
{
  gint64 start_usec;
  gint64 end_usec;
  guint  n_points;
  double min;
  double max;
} MsCounterBucket;

MsCounterSeries *ms_counter_series_new            (guint              capacity);
guint            ms_counter_series_get_capacity   (MsCounterSeries   *self);
gboolean         ms_counter_series_append         (MsCounterSeries   *self,
                                                   const char        *name,
                                                   gint64             time_usec,
                                                   double             value);
gboolean         ms_counter_series_append_reply   (MsCounterSeries   *self,
                                                   gint64             time_usec,
                                                   const char        *reply,
                                                   gssize             length,
                                                   GError           **error);
GStrv            ms_counter_series_dup_names      (MsCounterSeries   *self);
guint            ms_counter_series_get_n_points   (MsCounterSeries   *self,
                                                   const char        *name);
gboolean         ms_counter_series_get_point      (MsCounterSeries   *self,
                                                   const char        *name,
                                                   guint              index,
                                                   gint64            *time_usec,
                                                   double            *value);
GArray          *ms_counter_series_decimate       (MsCounterSeries   *self,
                                                   const char        *name,
                                                   gint64             start_usec,
                                                   gint64             end_usec,
                                                   guint              n_buckets);
gboolean         ms_counter_series_get_growth_rate (MsCounterSeries  *self,
                                                   const char        *name,
                                                   gint64             window_usec,
                                                   double            *per_minute);

G_END_DECLS
