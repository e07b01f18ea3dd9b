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

/**
 * MsChartMarkerKind:
 * What happened at a marker: each kind has its colour and its tag.
 */
typedef enum
{
  MS_CHART_MARKER_PURGE,
  MS_CHART_MARKER_PRESSURE,
  MS_CHART_MARKER_LEAK_PREP,
  MS_CHART_MARKER_ALARM,
  MS_CHART_MARKER_OTHER,
} MsChartMarkerKind;

GtkWidget       *ms_counter_chart_new           (void);
MsCounterSeries *ms_counter_chart_get_series    (MsCounterChart  *self);
void             ms_counter_chart_set_series    (MsCounterChart  *self,
                                                 MsCounterSeries *series);
/* TRUE for a finished recording: the time axis fits its readings (a live chart keeps a
 * minimum window). */
void             ms_counter_chart_set_fit_to_data (MsCounterChart *self,
                                                   gboolean        fit);
/* Call when points were appended to the series. */
void             ms_counter_chart_update        (MsCounterChart  *self);
/* The three counters drawn: "documents", "nodes", "jsEventListeners". */
const char * const *ms_counter_chart_get_names  (void);
/* What one line is drawn from at @n_columns pixel columns: min/max buckets
 * (MsCounterBucket) over the series' time range, one per column; NULL if no points. */
GArray          *ms_counter_chart_decimate      (MsCounterChart  *self,
                                                 const char      *name,
                                                 guint            n_columns);


/* Markers: vertical lines at the times of commands and alarms. */
void             ms_counter_chart_add_marker    (MsCounterChart    *self,
                                                 gint64             time_us,
                                                 MsChartMarkerKind  kind);
void             ms_counter_chart_clear_markers (MsCounterChart    *self);
guint            ms_counter_chart_get_n_markers (MsCounterChart    *self);
/* The kind of a recorded action ("purge", "pressure-critical", "leak-counters"…). */
MsChartMarkerKind ms_counter_chart_marker_kind_for_action (const char *action);

/* The plot's rectangle (where times map to x) in widget coordinates; FALSE when the
 * chart is too small to draw or has no readings. */
gboolean         ms_counter_chart_get_plot_area (MsCounterChart    *self,
                                                 gint64            *start_us,
                                                 gint64            *end_us,
                                                 double            *x,
                                                 double            *width);

/* The crosshair: set by the pointer, or by Left/Right/Home/End when focused. */
gboolean         ms_counter_chart_get_hover     (MsCounterChart    *self,
                                                 gint64            *time_us);
void             ms_counter_chart_set_hover     (MsCounterChart    *self,
                                                 gint64             time_us);
void             ms_counter_chart_clear_hover   (MsCounterChart    *self);
/* The crosshair's label: the time and each counter's latest reading at or before it;
 * NULL without a crosshair. */
char            *ms_counter_chart_dup_hover_text (MsCounterChart   *self);

/* The time range chosen by dragging; Escape clears it. "selection-changed" tells. */
gboolean         ms_counter_chart_get_selection (MsCounterChart    *self,
                                                 gint64            *start_us,
                                                 gint64            *end_us);
void             ms_counter_chart_set_selection (MsCounterChart    *self,
                                                 gint64             start_us,
                                                 gint64             end_us);
void             ms_counter_chart_clear_selection (MsCounterChart  *self);

/* Growth of @name per minute: the least-squares slope of its readings over the
 * selection, or over everything without one. FALSE with fewer than 2 readings. */
gboolean         ms_counter_chart_get_growth    (MsCounterChart    *self,
                                                 const char        *name,
                                                 double            *per_minute);

G_END_DECLS
