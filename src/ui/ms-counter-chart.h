/* ms-counter-chart.h: DOM counters over time as min/max lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-counter-series.h"

G_BEGIN_DECLS

#define MS_TYPE_COUNTER_CHART (ms_counter_chart_get_type ())

G_DECLARE_FINAL_TYPE (MsCounterChart, ms_counter_chart, MS, COUNTER_CHART, GtkWidget)

GtkWidget       *ms_counter_chart_new           (void);
MsCounterSeries *ms_counter_chart_get_series    (MsCounterChart  *self);
void             ms_counter_chart_set_series    (MsCounterChart  *self,
                                                 MsCounterSeries *series);
/* Call when points were appended to the series. */
void             ms_counter_chart_update        (MsCounterChart  *self);
/* The three counters drawn: "documents", "nodes", "jsEventListeners". */
const char * const *ms_counter_chart_get_names  (void);
/* What one line is drawn from at @n_columns pixel columns: min/max buckets
 * (MsCounterBucket) over the series' time range, one per column; NULL if no points. */
GArray          *ms_counter_chart_decimate      (MsCounterChart  *self,
                                                 const char      *name,
                                                 guint            n_columns);

G_END_DECLS
