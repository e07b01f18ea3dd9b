/* ms-counter-chart.c: DOM counters over time as min/max lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ms-counter-chart.h"

#define AXIS_WIDTH 64
#define TIME_AXIS_HEIGHT 22
#define LANE_GAP 10
#define LEGEND_HEIGHT 22
/* A live chart's time axis spans at least this much, so a new recording fills from the
 * left; an opened recording's fits its readings. */
#define MIN_SPAN_USEC (60 * G_USEC_PER_SEC)
/* A press that moves less than this is a click, not a range. */
#define DRAG_THRESHOLD 4

typedef struct
{
  gint64            time_us;
  MsChartMarkerKind kind;
} Marker;

/* The growth of one counter, kept until its readings or the range change. */
typedef struct
{
  guint    n_points;
  gint64   last_time;
  gint64   start;
  gint64   end;
  gboolean valid;
  gboolean ok;
  double   per_minute;
} Growth;

struct _MsCounterChart
{
  GtkWidget        parent_instance;

  MsCounterSeries *series;
  PangoLayout     *layout;
  GArray          *markers;      /* of Marker */

  gboolean         has_hover;
  gint64           hover_time;

  gboolean         has_selection;
  gint64           selection_start;
  gint64           selection_end;
  gboolean         dragging;
  double           drag_x0;
  double           drag_x1;

  Growth           growth[3];
  gboolean         fit_to_data;
};

enum {
  PROP_0,
  PROP_SERIES,
  N_PROPS
};

enum {
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MsCounterChart, ms_counter_chart, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char * const counter_names[] = { "documents", "nodes", "jsEventListeners", NULL };
static const char * const counter_titles[] = { N_("Documents"), N_("Nodes"), N_("JS event listeners") };
static const GdkRGBA marker_colors[] = {
  { 0.57f, 0.25f, 0.67f, 1.0f },  /* purge: purple 3 */
  { 0.90f, 0.65f, 0.04f, 1.0f },  /* pressure: yellow 5 */
  { 0.39f, 0.27f, 0.18f, 1.0f },  /* leak prep: brown 4 */
  { 0.88f, 0.11f, 0.14f, 1.0f },  /* alarm: red 3 */
  { 0.47f, 0.47f, 0.47f, 1.0f },  /* other: grey */
};
static const char * const marker_tags[] = { N_("Purge"), N_("Pressure"), N_("Leak prep"),
                                            N_("Alarm"), N_("Action") };
static const GdkRGBA counter_colors[] = {
  { 0.21f, 0.52f, 0.89f, 1.0f },  /* Adwaita blue 3 */
  { 1.00f, 0.47f, 0.00f, 1.0f },  /* orange 3 */
  { 0.15f, 0.64f, 0.41f, 1.0f },  /* green 5 */
};

const char * const *
ms_counter_chart_get_names (void)
{
  return counter_names;
}

static gboolean
get_time_range (MsCounterChart *self,
                gint64         *start,
                gint64         *end)
{
  gboolean any = FALSE;

  *start = G_MAXINT64;
  *end = G_MININT64;

  if (self->series == NULL)
    return FALSE;

  for (guint i = 0; counter_names[i] != NULL; i++)
    {
      guint n = ms_counter_series_get_n_points (self->series, counter_names[i]);
      gint64 first, last;

      if (n == 0)
        continue;
      ms_counter_series_get_point (self->series, counter_names[i], 0, &first, NULL);
      ms_counter_series_get_point (self->series, counter_names[i], n - 1, &last, NULL);
      *start = MIN (*start, first);
      *end = MAX (*end, last);
      any = TRUE;
    }

  /* without overflow: a file's times may lie anywhere in a gint64 */
  if (any && self->fit_to_data && *end > *start)
    return TRUE;
  if (any && (guint64)*end - (guint64)*start < MIN_SPAN_USEC)
    {
      if (*start <= G_MAXINT64 - MIN_SPAN_USEC)
        *end = *start + MIN_SPAN_USEC;
      else
        {
          *end = G_MAXINT64;
          *start = G_MAXINT64 - MIN_SPAN_USEC;
        }
    }

  return any;
}

GArray *
ms_counter_chart_decimate (MsCounterChart *self,
                           const char     *name,
                           guint           n_columns)
{
  gint64 start, end;

  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (n_columns == 0 || !get_time_range (self, &start, &end) ||
      ms_counter_series_get_n_points (self->series, name) == 0)
    return NULL;

  return ms_counter_series_decimate (self->series, name, start, end, n_columns);
}


/* Readings and their growth */

/* The first reading of @name at or after @time (n when none is). */
static guint
first_at_or_after (MsCounterSeries *series,
                   const char      *name,
                   gint64           time)
{
  guint lo = 0, hi = ms_counter_series_get_n_points (series, name);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 t;

      ms_counter_series_get_point (series, name, mid, &t, NULL);
      if (t < time)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The latest reading of @name at or before @time. */
static gboolean
value_at (MsCounterSeries *series,
          const char      *name,
          gint64           time,
          guint           *index,
          double          *value)
{
  guint after = time == G_MAXINT64 ? ms_counter_series_get_n_points (series, name)
                                   : first_at_or_after (series, name, time + 1);

  if (after == 0)
    return FALSE;
  if (index != NULL)
    *index = after - 1;
  return ms_counter_series_get_point (series, name, after - 1, NULL, value);
}

/* Least squares over the readings from @start to @end, time in minutes since @start. */
static gboolean
compute_growth (MsCounterSeries *series,
                const char      *name,
                gint64           start,
                gint64           end,
                double          *per_minute)
{
  guint n_points = ms_counter_series_get_n_points (series, name);
  double n = 0, sum_t = 0, sum_v = 0, sum_tt = 0, sum_tv = 0, denominator;

  for (guint i = first_at_or_after (series, name, start); i < n_points; i++)
    {
      gint64 time;
      double value, t;

      ms_counter_series_get_point (series, name, i, &time, &value);
      if (time > end)
        break;
      t = (double)((guint64)time - (guint64)start) / (60.0 * G_USEC_PER_SEC);
      n += 1;
      sum_t += t;
      sum_v += value;
      sum_tt += t * t;
      sum_tv += t * value;
    }
  denominator = n * sum_tt - sum_t * sum_t;
  if (n < 2 || denominator <= 0)
    return FALSE;
  *per_minute = (n * sum_tv - sum_t * sum_v) / denominator;
  return TRUE;
}

gboolean
ms_counter_chart_get_growth (MsCounterChart *self,
                             const char     *name,
                             double         *per_minute)
{
  gint64 start = G_MININT64, end = G_MAXINT64;
  guint n_points;
  gint64 last = 0;
  Growth *g = NULL;
  double slope = 0;

  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), FALSE);
  g_return_val_if_fail (name != NULL && per_minute != NULL, FALSE);

  if (self->series == NULL || (n_points = ms_counter_series_get_n_points (self->series, name)) < 2)
    return FALSE;
  if (self->has_selection)
    {
      start = self->selection_start;
      end = self->selection_end;
    }
  if (!self->has_selection)
    {
      /* from the first reading, so the sums stay well conditioned */
      ms_counter_series_get_point (self->series, name, 0, &start, NULL);
    }
  ms_counter_series_get_point (self->series, name, n_points - 1, &last, NULL);

  for (guint i = 0; i < 3; i++)
    if (g_str_equal (name, counter_names[i]))
      g = &self->growth[i];
  /* A redraw reuses the slope until a reading comes or the range changes. */
  if (g != NULL && g->valid && g->n_points == n_points && g->last_time == last &&
      g->start == start && g->end == end)
    {
      *per_minute = g->per_minute;
      return g->ok;
    }
  if (g == NULL)
    return compute_growth (self->series, name, start, end, per_minute);
  /* Over everything, the series fits its own ring in one pass (a live chart does this
   * at every reading); a selection needs the readings in it alone. */
  if (!self->has_selection)
    g->ok = ms_counter_series_get_growth_rate (self->series, name,
                                               (gint64)((guint64)last - (guint64)start), &slope);
  else
    g->ok = compute_growth (self->series, name, start, end, &slope);
  g->per_minute = slope;
  g->n_points = n_points;
  g->last_time = last;
  g->start = start;
  g->end = end;
  g->valid = TRUE;
  *per_minute = slope;
  return g->ok;
}

/* "+120", "−3.5", "0" */
static char *
format_signed (double value)
{
  double magnitude = fabs (value);
  const char *sign = value >= 0.05 ? "+" : value <= -0.05 ? "\u2212" : "";

  if (magnitude < 0.05)
    return g_strdup ("0");
  return g_strdup_printf (magnitude < 10 ? "%s%.1f" : "%s%.0f", sign, magnitude);
}

static char *
format_legend (MsCounterChart *self,
               guint           index)
{
  const char *name = counter_names[index];
  guint n = self->series ? ms_counter_series_get_n_points (self->series, name) : 0;
  double last = 0, per_minute;
  g_autofree char *number = NULL;
  g_autofree char *growth = NULL;

  if (n == 0)
    /* Translators: a counter in the chart's legend before its first reading */
    return g_strdup_printf (_("%s: no readings yet"), _(counter_titles[index]));
  ms_counter_series_get_point (self->series, name, n - 1, NULL, &last);
  if (!ms_counter_chart_get_growth (self, name, &per_minute))
    /* Translators: a counter in the chart's legend and its latest value, "Nodes: 1234" */
    return g_strdup_printf (_("%s: %.0f"), _(counter_titles[index]), last);
  number = format_signed (per_minute);
  /* Translators: growth per minute in the chart's legend; %s is a signed number, "+120" */
  growth = index == 0 ? g_strdup_printf (_("%s documents/min"), number)
         : index == 1 ? g_strdup_printf (_("%s nodes/min"), number)
         : g_strdup_printf (_("%s listeners/min"), number);
  /* Translators: a counter in the legend, its latest value and its growth,
   * "Nodes: 1234, +120 nodes/min" */
  return g_strdup_printf (_("%s: %.0f, %s"), _(counter_titles[index]), last, growth);
}

/* The markers within a few pixels of the crosshair, a line each: "Purge at 25.0 s". */
static char *
append_near_markers (MsCounterChart *self,
                     char           *text,
                     gint64          start,
                     gint64          end)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double plot_width = MAX (width - AXIS_WIDTH - 8, 1);
  double near = 3 * (double)((guint64)end - (guint64)start) / plot_width;
  GString *lines = g_string_new (text);

  g_free (text);
  for (guint i = 0; i < self->markers->len; i++)
    {
      const Marker *m = &g_array_index (self->markers, Marker, i);
      double distance = fabs ((double)m->time_us - (double)self->hover_time);
      g_autofree char *at = NULL;

      if (distance > near)
        continue;
      at = g_strdup_printf (_("%.1f s"), (double)((guint64)m->time_us - (guint64)start) / G_USEC_PER_SEC);
      g_string_append_c (lines, '\n');
      /* Translators: a marker near the chart's crosshair, "Purge at 25.0 s" */
      g_string_append_printf (lines, _("%s at %s"), _(marker_tags[m->kind]), at);
    }
  return g_string_free (lines, FALSE);
}

char *
ms_counter_chart_dup_hover_text (MsCounterChart *self)
{
  char *values[3] = { NULL, NULL, NULL };
  g_autofree char *elapsed = NULL;
  char *text;
  gint64 start = 0, end;

  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), NULL);

  if (!self->has_hover || !get_time_range (self, &start, &end))
    return NULL;
  for (guint i = 0; i < 3; i++)
    {
      double value;

      values[i] = value_at (self->series, counter_names[i], self->hover_time, NULL, &value)
                  ? g_strdup_printf ("%.0f", value) : g_strdup ("\u2013");
    }
  elapsed = g_strdup_printf (_("%.1f s"),
                             (double)((guint64)self->hover_time - (guint64)start) / G_USEC_PER_SEC);
  /* Translators: the chart's crosshair label: the time since the first reading and
   * each counter's value then, "At 35.0 s: documents 3, nodes 1234, JS event listeners 56" */
  text = g_strdup_printf (_("At %s: documents %s, nodes %s, JS event listeners %s"),
                          elapsed, values[0], values[1], values[2]);
  for (guint i = 0; i < 3; i++)
    g_free (values[i]);
  return append_near_markers (self, text, start, end);
}

static void
update_accessible (MsCounterChart *self)
{
  g_autofree char *text = ms_counter_chart_dup_hover_text (self);

  if (text == NULL)
    {
      g_auto(GStrv) legends = g_new0 (char *, 4);

      for (guint i = 0; i < 3; i++)
        legends[i] = format_legend (self, i);
      text = g_strjoinv ("; ", legends);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
nice_max (double  max,
          double *nice)
{
  double magnitude, normalized;

  if (max <= 1)
    {
      *nice = MAX (max, 1);
      return;
    }
  magnitude = pow (10, floor (log10 (max)));
  normalized = max / magnitude;
  if (normalized <= 1)
    *nice = magnitude;
  else if (normalized <= 2)
    *nice = 2 * magnitude;
  else if (normalized <= 5)
    *nice = 5 * magnitude;
  else
    *nice = 10 * magnitude;
}

static void
draw_text (MsCounterChart *self,
           cairo_t        *cr,
           const char     *text,
           double          x,
           double          y,
           double          xalign,
           double          yalign)
{
  int width, height;

  pango_layout_set_text (self->layout, text, -1);
  pango_layout_get_pixel_size (self->layout, &width, &height);
  cairo_move_to (cr, x - xalign * width, y - yalign * height);
  pango_cairo_show_layout (cr, self->layout);
}

static void
draw_lane (MsCounterChart *self,
           cairo_t        *cr,
           guint           index,
           double          top,
           double          height,
           double          plot_width,
           const GdkRGBA  *fg)
{
  const char *name = counter_names[index];
  g_autoptr(GArray) buckets = NULL;
  double max = 0, scale;
  g_autofree char *max_text = NULL;
  g_autofree char *legend = NULL;
  gboolean started = FALSE;
  double legend_top = top;

  /* The legend sits above the plot, the plot below it. */
  top += LEGEND_HEIGHT;
  height -= LEGEND_HEIGHT;

  /* Frame and grid */
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.15);
  cairo_rectangle (cr, AXIS_WIDTH + 0.5, top + 0.5, plot_width - 1, height - 1);
  cairo_stroke (cr);
  cairo_move_to (cr, AXIS_WIDTH, top + height / 2 + 0.5);
  cairo_line_to (cr, AXIS_WIDTH + plot_width, top + height / 2 + 0.5);
  cairo_stroke (cr);

  buckets = ms_counter_chart_decimate (self, name, MAX (1, (guint)plot_width));
  if (buckets != NULL)
    for (guint i = 0; i < buckets->len; i++)
      {
        const MsCounterBucket *b = &g_array_index (buckets, MsCounterBucket, i);

        if (b->n_points > 0)
          max = MAX (max, b->max);
      }
  /* Headroom, so the line never runs along the frame. */
  nice_max (max * 1.05, &max);
  scale = (height - 4) / max;

  /* Axis labels */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
  max_text = g_strdup_printf ("%.0f", max);
  draw_text (self, cr, max_text, AXIS_WIDTH - 6, top, 1.0, 0.0);
  draw_text (self, cr, "0", AXIS_WIDTH - 6, top + height, 1.0, 1.0);

  /* The line: per pixel column, from the bucket's max to its min. */
  if (buckets != NULL)
    {
      gdk_cairo_set_source_rgba (cr, &counter_colors[index]);
      cairo_set_line_width (cr, 1.5);
      for (guint i = 0; i < buckets->len; i++)
        {
          const MsCounterBucket *b = &g_array_index (buckets, MsCounterBucket, i);
          double x = AXIS_WIDTH + i + 0.5;
          double bottom = top + height - 2;

          if (b->n_points == 0)
            continue;
          if (!started)
            cairo_move_to (cr, x, bottom - b->max * scale);
          else
            cairo_line_to (cr, x, bottom - b->max * scale);
          cairo_line_to (cr, x, bottom - b->min * scale);
          started = TRUE;
        }
      cairo_stroke (cr);
    }

  /* Legend: swatch, name, latest value, growth per minute */
  gdk_cairo_set_source_rgba (cr, &counter_colors[index]);
  cairo_rectangle (cr, AXIS_WIDTH, legend_top + 5, 10, 10);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.9);
  legend = format_legend (self, index);
  draw_text (self, cr, legend, AXIS_WIDTH + 16, legend_top + 1, 0.0, 0.0);
}

/* Where times are drawn */

static gboolean
plot_geometry (MsCounterChart *self,
               gint64         *start,
               gint64         *end,
               double         *plot_width)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  *plot_width = width - AXIS_WIDTH - 8;
  if (*plot_width < 10 || height < 3 * 20 + TIME_AXIS_HEIGHT)
    return FALSE;
  return get_time_range (self, start, end);
}

static double
x_for_time (gint64 start,
            gint64 end,
            double plot_width,
            gint64 time)
{
  double fraction = (double)((guint64)time - (guint64)start) / (double)((guint64)end - (guint64)start);

  if (time < start)
    return AXIS_WIDTH;
  return AXIS_WIDTH + CLAMP (fraction, 0, 1) * plot_width;
}

static gint64
time_for_x (gint64 start,
            gint64 end,
            double plot_width,
            double x)
{
  double fraction = CLAMP ((x - AXIS_WIDTH) / plot_width, 0, 1);
  guint64 range = (guint64)end - (guint64)start;

  return (gint64)((guint64)start + (guint64)(fraction * (double)range));
}

gboolean
ms_counter_chart_get_plot_area (MsCounterChart *self,
                                gint64         *start_us,
                                gint64         *end_us,
                                double         *x,
                                double         *width)
{
  gint64 start, end;
  double plot_width;

  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), FALSE);

  if (!plot_geometry (self, &start, &end, &plot_width))
    return FALSE;
  if (start_us != NULL)
    *start_us = start;
  if (end_us != NULL)
    *end_us = end;
  if (x != NULL)
    *x = AXIS_WIDTH;
  if (width != NULL)
    *width = plot_width;
  return TRUE;
}

/* A marker's tag where it overlaps no tag drawn before; at the right edge, to the
 * left of its line rather than cut off. */
static void
draw_marker_tag (MsCounterChart *self,
                 cairo_t        *cr,
                 const Marker   *m,
                 double          x,
                 double          plot_width,
                 double          plot_bottom,
                 GArray         *taken)
{
  int tag_width, tag_height;
  double x0;

  pango_layout_set_text (self->layout, _(marker_tags[m->kind]), -1);
  pango_layout_get_pixel_size (self->layout, &tag_width, &tag_height);
  x0 = x + 2 + tag_width <= AXIS_WIDTH + plot_width ? x + 2 : x - 2 - tag_width;
  for (guint i = 0; i < taken->len; i += 2)
    if (x0 < g_array_index (taken, double, i + 1) && x0 + tag_width + 4 > g_array_index (taken, double, i))
      return;
  gdk_cairo_set_source_rgba (cr, &marker_colors[m->kind]);
  cairo_move_to (cr, x0, plot_bottom - tag_height);
  pango_cairo_show_layout (cr, self->layout);
  g_array_append_val (taken, x0);
  x0 += tag_width + 4;
  g_array_append_val (taken, x0);
}

static void
draw_markers (MsCounterChart *self,
              cairo_t        *cr,
              gint64          start,
              gint64          end,
              double          plot_width,
              double          plot_bottom)
{
  static const double dash[] = { 4, 3 };
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (double));  /* [x0, x1) pairs */

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, dash, 2, 0);
  /* The lines, then the tags: first what the user did (rare), then alarms where there
   * is room left (they may come every poll). */
  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < self->markers->len; i++)
      {
        const Marker *m = &g_array_index (self->markers, Marker, i);
        double x;

        if (m->time_us < start || m->time_us > end ||
            (pass > 0 && (m->kind == MS_CHART_MARKER_ALARM) != (pass == 2)))
          continue;
        x = floor (x_for_time (start, end, plot_width, m->time_us)) + 0.5;
        if (pass > 0)
          {
            draw_marker_tag (self, cr, m, x, plot_width, plot_bottom, taken);
            continue;
          }
        gdk_cairo_set_source_rgba (cr, &marker_colors[m->kind]);
        cairo_move_to (cr, x, LEGEND_HEIGHT);
        cairo_line_to (cr, x, plot_bottom);
        cairo_stroke (cr);
      }
  cairo_restore (cr);
}

/* Seconds since the first reading, at round steps (5 s, 10 s, 30 s, 1 min, …), at
 * most about six of them. */
static void
draw_time_axis (MsCounterChart *self,
                cairo_t        *cr,
                double          span_s,
                double          plot_width,
                double          height)
{
  static const guint steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
                                 7200, 14400, 28800, 86400 };
  guint step = steps[G_N_ELEMENTS (steps) - 1];

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (span_s / steps[i] <= 6)
      {
        step = steps[i];
        break;
      }
  for (guint64 t = 0; t <= span_s; t += step)
    {
      double x = AXIS_WIDTH + (span_s > 0 ? plot_width * t / span_s : 0);
      g_autofree char *label = step >= 60 ? g_strdup_printf (_("%u min"), (guint) (t / 60))
                                          : g_strdup_printf (_("%.0f s"), (double) t);
      int width, label_height;

      pango_layout_set_text (self->layout, label, -1);
      pango_layout_get_pixel_size (self->layout, &width, &label_height);
      /* Inside the plot at both ends */
      draw_text (self, cr, label, CLAMP (x - width / 2.0, AXIS_WIDTH, AXIS_WIDTH + plot_width - width),
                 height, 0.0, 1.0);
    }
}

static void
draw_selection_band (MsCounterChart *self,
                     cairo_t        *cr,
                     gint64          start,
                     gint64          end,
                     double          plot_width,
                     double          plot_bottom)
{
  double x0, x1;

  if (self->dragging && fabs (self->drag_x1 - self->drag_x0) >= DRAG_THRESHOLD)
    {
      x0 = CLAMP (MIN (self->drag_x0, self->drag_x1), AXIS_WIDTH, AXIS_WIDTH + plot_width);
      x1 = CLAMP (MAX (self->drag_x0, self->drag_x1), AXIS_WIDTH, AXIS_WIDTH + plot_width);
    }
  else if (self->has_selection)
    {
      x0 = x_for_time (start, end, plot_width, self->selection_start);
      x1 = x_for_time (start, end, plot_width, self->selection_end);
    }
  else
    return;
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.18);
  cairo_rectangle (cr, x0, 0, MAX (x1 - x0, 1), plot_bottom);
  cairo_fill (cr);
}

static void
draw_crosshair (MsCounterChart *self,
                cairo_t        *cr,
                gint64          start,
                gint64          end,
                double          plot_width,
                double          plot_bottom,
                const GdkRGBA  *fg)
{
  g_autofree char *text = ms_counter_chart_dup_hover_text (self);
  double x = floor (x_for_time (start, end, plot_width, self->hover_time)) + 0.5;
  gboolean dark_text = fg->red + fg->green + fg->blue < 1.5;
  int text_width, text_height;
  double box_x;

  if (text == NULL)
    return;
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, x, 0);
  cairo_line_to (cr, x, plot_bottom);
  cairo_stroke (cr);

  pango_layout_set_text (self->layout, text, -1);
  pango_layout_get_pixel_size (self->layout, &text_width, &text_height);
  box_x = x + 8 + text_width + 8 <= AXIS_WIDTH + plot_width ? x + 8 : x - 8 - text_width - 8;
  box_x = MAX (box_x, 0);
  /* A box in the opposite of the text's colour, so the label reads over the lines. */
  cairo_set_source_rgba (cr, dark_text ? 1 : 0.14, dark_text ? 1 : 0.14, dark_text ? 1 : 0.14, 0.92);
  cairo_rectangle (cr, box_x, 2, text_width + 8, text_height + 4);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 1);
  cairo_move_to (cr, box_x + 4, 4);
  pango_cairo_show_layout (cr, self->layout);
}

static void
ms_counter_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  MsCounterChart *self = MS_COUNTER_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double plot_width = width - AXIS_WIDTH - 8;
  double lane_height;
  GdkRGBA fg;
  cairo_t *cr;
  gint64 start, end;

  if (plot_width < 10 || height < 3 * 20 + TIME_AXIS_HEIGHT)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  lane_height = (height - TIME_AXIS_HEIGHT - 2 * LANE_GAP) / 3.0;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < 3; i++)
    draw_lane (self, cr, i, i * (lane_height + LANE_GAP), lane_height, plot_width, &fg);

  /* Time axis: seconds since the first reading. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  if (get_time_range (self, &start, &end))
    draw_time_axis (self, cr, (double)((guint64)end - (guint64)start) / G_USEC_PER_SEC,
                    plot_width, height);
  else
    draw_text (self, cr, _("Waiting for the first counter reading…"), AXIS_WIDTH + plot_width / 2,
               height, 0.5, 1.0);

  if (get_time_range (self, &start, &end))
    {
      double plot_bottom = height - TIME_AXIS_HEIGHT;

      draw_selection_band (self, cr, start, end, plot_width, plot_bottom);
      draw_markers (self, cr, start, end, plot_width, plot_bottom);
      if (self->has_hover)
        draw_crosshair (self, cr, start, end, plot_width, plot_bottom, &fg);
    }
  if (gtk_widget_has_visible_focus (widget))
    {
      static const double dash[] = { 2, 2 };

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

/* Input */

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MsCounterChart           *self)
{
  gint64 start, end;
  double plot_width;

  if (!plot_geometry (self, &start, &end, &plot_width) ||
      x < AXIS_WIDTH || x > AXIS_WIDTH + plot_width)
    {
      ms_counter_chart_clear_hover (self);
      return;
    }
  ms_counter_chart_set_hover (self, time_for_x (start, end, plot_width, x));
}

static void
on_leave (GtkEventControllerMotion *controller,
          MsCounterChart           *self)
{
  ms_counter_chart_clear_hover (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               MsCounterChart *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->dragging = TRUE;
  self->drag_x0 = self->drag_x1 = x;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                MsCounterChart *self)
{
  self->drag_x1 = self->drag_x0 + dx;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             MsCounterChart *self)
{
  gint64 start, end;
  double plot_width, x0, x1;

  self->dragging = FALSE;
  self->drag_x1 = self->drag_x0 + dx;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (fabs (dx) < DRAG_THRESHOLD || !plot_geometry (self, &start, &end, &plot_width))
    return;
  x0 = MIN (self->drag_x0, self->drag_x1);
  x1 = MAX (self->drag_x0, self->drag_x1);
  ms_counter_chart_set_selection (self, time_for_x (start, end, plot_width, x0),
                                  time_for_x (start, end, plot_width, x1));
}

/* The readings the keyboard steps through: the first counter that has any. */
static const char *
stepping_series (MsCounterChart *self)
{
  for (guint i = 0; self->series != NULL && counter_names[i] != NULL; i++)
    if (ms_counter_series_get_n_points (self->series, counter_names[i]) > 0)
      return counter_names[i];
  return NULL;
}

static gboolean
move_hover (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  MsCounterChart *self = MS_COUNTER_CHART (widget);
  const char *name = stepping_series (self);
  int step = g_variant_get_int32 (args);
  guint n, index = 0;
  gint64 target, time;

  if (name == NULL)
    return TRUE;
  n = ms_counter_series_get_n_points (self->series, name);
  if (step == G_MININT32)
    target = 0;
  else if (step == G_MAXINT32)
    target = n - 1;
  else if (!self->has_hover)
    target = step < 0 ? n - 1 : 0;
  else if (!value_at (self->series, name, self->hover_time, &index, NULL))
    target = 0;
  else
    target = (gint64)index + step;
  ms_counter_series_get_point (self->series, name, CLAMP (target, 0, (gint64)n - 1), &time, NULL);
  ms_counter_chart_set_hover (self, time);
  return TRUE;
}

static gboolean
escape (GtkWidget *widget,
        GVariant  *args,
        gpointer   user_data)
{
  MsCounterChart *self = MS_COUNTER_CHART (widget);

  if (!self->has_selection && !self->has_hover)
    return FALSE;
  ms_counter_chart_clear_selection (self);
  ms_counter_chart_clear_hover (self);
  return TRUE;
}

static void
add_key_bindings (GtkWidgetClass *widget_class)
{
  static const struct { guint key; int step; } keys[] = {
    { GDK_KEY_Left, -1 }, { GDK_KEY_KP_Left, -1 }, { GDK_KEY_Right, 1 }, { GDK_KEY_KP_Right, 1 },
    { GDK_KEY_Home, G_MININT32 }, { GDK_KEY_KP_Home, G_MININT32 },
    { GDK_KEY_End, G_MAXINT32 }, { GDK_KEY_KP_End, G_MAXINT32 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding (widget_class, keys[i].key, 0, move_hover, "i", keys[i].step);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape, NULL);
}

static void
ms_counter_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 600;
    }
  else
    {
      *minimum = 3 * (60 + LEGEND_HEIGHT) + 2 * LANE_GAP + TIME_AXIS_HEIGHT;
      *natural = 3 * (120 + LEGEND_HEIGHT) + 2 * LANE_GAP + TIME_AXIS_HEIGHT;
    }
}

static void
ms_counter_chart_dispose (GObject *object)
{
  MsCounterChart *self = MS_COUNTER_CHART (object);

  g_clear_object (&self->series);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->markers, g_array_unref);

  G_OBJECT_CLASS (ms_counter_chart_parent_class)->dispose (object);
}

static void
ms_counter_chart_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MsCounterChart *self = MS_COUNTER_CHART (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      g_value_set_object (value, self->series);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_counter_chart_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MsCounterChart *self = MS_COUNTER_CHART (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      ms_counter_chart_set_series (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_counter_chart_class_init (MsCounterChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_counter_chart_dispose;
  object_class->get_property = ms_counter_chart_get_property;
  object_class->set_property = ms_counter_chart_set_property;

  widget_class->snapshot = ms_counter_chart_snapshot;
  widget_class->measure = ms_counter_chart_measure;

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL, MS_TYPE_COUNTER_SERIES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The time range chosen by dragging was set or cleared. */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  add_key_bindings (widget_class);
  gtk_widget_class_set_css_name (widget_class, "counterchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ms_counter_chart_init (MsCounterChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("DOM counters over time"),
                                  -1);
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  self->markers = g_array_new (FALSE, FALSE, sizeof (Marker));

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  update_accessible (self);
}

GtkWidget *
ms_counter_chart_new (void)
{
  return g_object_new (MS_TYPE_COUNTER_CHART, NULL);
}

MsCounterSeries *
ms_counter_chart_get_series (MsCounterChart *self)
{
  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), NULL);

  return self->series;
}

void
ms_counter_chart_set_series (MsCounterChart  *self,
                             MsCounterSeries *series)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  if (!g_set_object (&self->series, series))
    return;
  /* Another recording: its own range, markers and growth. */
  for (guint i = 0; i < 3; i++)
    self->growth[i].valid = FALSE;
  g_array_set_size (self->markers, 0);
  self->has_hover = FALSE;
  ms_counter_chart_clear_selection (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
}

/**
 * ms_counter_chart_set_fit_to_data:
 * @fit: %TRUE for a finished recording: the time axis runs from the first reading to
 *   the last; %FALSE (live) keeps a minimum window that the readings grow
 */
void
ms_counter_chart_set_fit_to_data (MsCounterChart *self,
                                  gboolean        fit)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  fit = !!fit;
  if (self->fit_to_data == fit)
    return;
  self->fit_to_data = fit;
  for (guint i = 0; i < 3; i++)
    self->growth[i].valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ms_counter_chart_update (MsCounterChart *self)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  if (!self->has_hover)
    update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ms_counter_chart_add_marker (MsCounterChart    *self,
                             gint64             time_us,
                             MsChartMarkerKind  kind)
{
  Marker marker = { time_us, kind };

  g_return_if_fail (MS_IS_COUNTER_CHART (self));
  g_return_if_fail (kind <= MS_CHART_MARKER_OTHER);

  g_array_append_val (self->markers, marker);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ms_counter_chart_clear_markers (MsCounterChart *self)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  g_array_set_size (self->markers, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ms_counter_chart_get_n_markers (MsCounterChart *self)
{
  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), 0);

  return self->markers->len;
}

MsChartMarkerKind
ms_counter_chart_marker_kind_for_action (const char *action)
{
  if (action == NULL)
    return MS_CHART_MARKER_OTHER;
  if (g_str_has_prefix (action, "purge"))
    return MS_CHART_MARKER_PURGE;
  if (strstr (action, "pressure") != NULL)
    return MS_CHART_MARKER_PRESSURE;
  if (strstr (action, "leak") != NULL)
    return MS_CHART_MARKER_LEAK_PREP;
  if (strstr (action, "alarm") != NULL)
    return MS_CHART_MARKER_ALARM;
  return MS_CHART_MARKER_OTHER;
}

gboolean
ms_counter_chart_get_hover (MsCounterChart *self,
                            gint64         *time_us)
{
  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), FALSE);

  if (self->has_hover && time_us != NULL)
    *time_us = self->hover_time;
  return self->has_hover;
}

void
ms_counter_chart_set_hover (MsCounterChart *self,
                            gint64          time_us)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  if (self->has_hover && self->hover_time == time_us)
    return;
  self->has_hover = TRUE;
  self->hover_time = time_us;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ms_counter_chart_clear_hover (MsCounterChart *self)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  if (!self->has_hover)
    return;
  self->has_hover = FALSE;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
ms_counter_chart_get_selection (MsCounterChart *self,
                                gint64         *start_us,
                                gint64         *end_us)
{
  g_return_val_if_fail (MS_IS_COUNTER_CHART (self), FALSE);

  if (self->has_selection)
    {
      if (start_us != NULL)
        *start_us = self->selection_start;
      if (end_us != NULL)
        *end_us = self->selection_end;
    }
  return self->has_selection;
}

void
ms_counter_chart_set_selection (MsCounterChart *self,
                                gint64          start_us,
                                gint64          end_us)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));
  g_return_if_fail (start_us <= end_us);

  self->has_selection = TRUE;
  self->selection_start = start_us;
  self->selection_end = end_us;
  if (!self->has_hover)
    update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
ms_counter_chart_clear_selection (MsCounterChart *self)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  if (!self->has_selection)
    return;
  self->has_selection = FALSE;
  if (!self->has_hover)
    update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}
