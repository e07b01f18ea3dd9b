/* ms-counter-chart.c: DOM counters over time as min/max lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <math.h>

#include "ms-counter-chart.h"

#define AXIS_WIDTH 64
#define TIME_AXIS_HEIGHT 22
#define LANE_GAP 10
#define LEGEND_HEIGHT 22
/* The time axis spans at least this much, so a new recording fills from the left. */
#define MIN_SPAN_USEC (60 * G_USEC_PER_SEC)

struct _MsCounterChart
{
  GtkWidget        parent_instance;

  MsCounterSeries *series;
  PangoLayout     *layout;
};

enum {
  PROP_0,
  PROP_SERIES,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MsCounterChart, ms_counter_chart, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char * const counter_names[] = { "documents", "nodes", "jsEventListeners", NULL };
static const char * const counter_titles[] = { "Documents", "Nodes", "JS event listeners" };
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
  guint n = self->series ? ms_counter_series_get_n_points (self->series, name) : 0;
  double last = 0;
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

  if (n > 0)
    ms_counter_series_get_point (self->series, name, n - 1, NULL, &last);

  /* Legend: swatch, name, latest value */
  gdk_cairo_set_source_rgba (cr, &counter_colors[index]);
  cairo_rectangle (cr, AXIS_WIDTH, legend_top + 5, 10, 10);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.9);
  legend = n > 0 ? g_strdup_printf ("%s: %.0f", counter_titles[index], last)
                 : g_strdup_printf ("%s: no readings yet", counter_titles[index]);
  draw_text (self, cr, legend, AXIS_WIDTH + 16, legend_top + 1, 0.0, 0.0);
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
    {
      double span_s = (double)((guint64)end - (guint64)start) / G_USEC_PER_SEC;
      guint n_ticks = 6;

      for (guint t = 0; t <= n_ticks; t++)
        {
          g_autofree char *label = g_strdup_printf ("%.0f s", span_s * t / n_ticks);

          draw_text (self, cr, label, AXIS_WIDTH + plot_width * t / n_ticks, height,
                     t == 0 ? 0.0 : t == n_ticks ? 1.0 : 0.5, 1.0);
        }
    }
  else
    draw_text (self, cr, "Waiting for the first counter reading…", AXIS_WIDTH + plot_width / 2,
               height, 0.5, 1.0);
  cairo_destroy (cr);
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

  gtk_widget_class_set_css_name (widget_class, "counterchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ms_counter_chart_init (MsCounterChart *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "DOM counters over time",
                                  -1);
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
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
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
}

void
ms_counter_chart_update (MsCounterChart *self)
{
  g_return_if_fail (MS_IS_COUNTER_CHART (self));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}
