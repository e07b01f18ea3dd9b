/* test-counter-chart.c: MsCounterChart's min/max decimation per pixel column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "ms-counter-chart.h"
#include "ms-ui-test-input.h"
#include "ms-ui-test-render.h"

#define T0 (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)

static const MsCounterBucket *
bucket (GArray *buckets,
        guint   index)
{
  return &g_array_index (buckets, MsCounterBucket, index);
}

/* The palette's colours (Adwaita orange 3 and green 5), as 8-bit RGB. */
static const guint8 nodes_rgb[3] = { 255, 120, 0 };
static const guint8 listeners_rgb[3] = { 38, 162, 105 };

static gboolean
pixel_is (const guint8 *argb,
          const guint8  rgb[3])
{
  /* Cairo's ARGB32 is premultiplied, native-endian: B G R A on little-endian. */
  guint a = argb[3];

  if (a < 200)
    return FALSE;
  return ABS ((int) (argb[2] * 255 / a) - rgb[0]) <= 30 &&
         ABS ((int) (argb[1] * 255 / a) - rgb[1]) <= 30 &&
         ABS ((int) (argb[0] * 255 / a) - rgb[2]) <= 30;
}

/* 121 nodes readings over 120 s with the spike at 55 s; no jsEventListeners readings. */
static void
assert_drawn_line (GtkWidget *chart)
{
  cairo_surface_t *surface = ms_test_render_widget (chart);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int min_x = G_MAXINT, max_x = -1, spike_x = -1;
  guint n_nodes = 0, n_listeners = 0;
  double where;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *pixel = data + y * stride + x * 4;

        if (pixel_is (pixel, listeners_rgb))
          n_listeners++;
        if (!pixel_is (pixel, nodes_rgb))
          continue;
        n_nodes++;
        min_x = MIN (min_x, x);
        max_x = MAX (max_x, x);
      }
  /* The highest line pixel right of the swatch (which starts the lane at min_x). */
  for (int y = 0; y < height && spike_x < 0; y++)
    for (int x = min_x + 12; x < width && spike_x < 0; x++)
      if (pixel_is (data + y * stride + x * 4, nodes_rgb))
        spike_x = x;

  /* The legend swatches are 10×10: the listeners' lane has nothing else of its colour. */
  g_assert_cmpuint (n_listeners, <=, 100);
  g_assert_cmpuint (n_listeners, >=, 64);
  /* The nodes line runs across the plot, beyond its swatch... */
  g_assert_cmpuint (n_nodes, >, 100 + width / 2);
  g_assert_cmpint (max_x - min_x, >, width / 2);
  /* ...and its highest point, the spike of 1000, sits at 55 s of 120 s. */
  where = (double) (spike_x - min_x) / (max_x - min_x);
  g_test_message ("line from x=%d to %d, spike at x=%d (%.3f)", min_x, max_x, spike_x, where);
  g_assert_cmpfloat (where, >, 55.0 / 120 - 0.03);
  g_assert_cmpfloat (where, <, 55.0 / 120 + 0.03);
  cairo_surface_destroy (surface);
}

static void
test_decimate (void)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (1000);
  GtkWidget *chart = ms_counter_chart_new ();
  g_autoptr(GArray) buckets = NULL;
  GtkWindow *window;

  g_object_ref_sink (chart);

  /* Nothing to decimate yet. */
  g_assert_null (ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "nodes", 10));
  ms_counter_chart_set_series (MS_COUNTER_CHART (chart), series);
  g_assert_null (ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "nodes", 10));

  /* 121 readings a second apart, 0 to 120, with one spike at 55 s. */
  for (guint t = 0; t <= 120; t++)
    {
      g_assert_true (ms_counter_series_append (series, "nodes", T0 + t * G_USEC_PER_SEC,
                                               t == 55 ? 1000 : t));
      g_assert_true (ms_counter_series_append (series, "documents", T0 + t * G_USEC_PER_SEC, 1));
    }
  ms_counter_chart_update (MS_COUNTER_CHART (chart));

  /* 12 columns of 10 s each over [0 s, 120 s]. */
  buckets = ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "nodes", 12);
  g_assert_nonnull (buckets);
  g_assert_cmpuint (buckets->len, ==, 12);

  g_assert_cmpint (bucket (buckets, 0)->start_usec, ==, T0);
  g_assert_cmpuint (bucket (buckets, 0)->n_points, ==, 10);
  g_assert_cmpfloat (bucket (buckets, 0)->min, ==, 0);
  g_assert_cmpfloat (bucket (buckets, 0)->max, ==, 9);

  /* The spike survives: the column keeps its min and its max. */
  g_assert_cmpuint (bucket (buckets, 5)->n_points, ==, 10);
  g_assert_cmpfloat (bucket (buckets, 5)->min, ==, 50);
  g_assert_cmpfloat (bucket (buckets, 5)->max, ==, 1000);

  /* The last column includes its end. */
  g_assert_cmpuint (bucket (buckets, 11)->n_points, ==, 11);
  g_assert_cmpfloat (bucket (buckets, 11)->min, ==, 110);
  g_assert_cmpfloat (bucket (buckets, 11)->max, ==, 120);

  /* Every point lands in exactly one column. */
  {
    guint total = 0;

    for (guint i = 0; i < buckets->len; i++)
      total += bucket (buckets, i)->n_points;
    g_assert_cmpuint (total, ==, 121);
  }
  g_clear_pointer (&buckets, g_array_unref);

  /* More columns than points: empty columns between them. */
  buckets = ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "nodes", 240);
  g_assert_cmpuint (buckets->len, ==, 240);
  g_assert_cmpuint (bucket (buckets, 0)->n_points, ==, 1);
  g_assert_cmpuint (bucket (buckets, 1)->n_points, ==, 0);
  g_clear_pointer (&buckets, g_array_unref);

  /* A counter with no readings has no line. */
  g_assert_null (ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "jsEventListeners", 12));

  /* And it draws: the pixels hold the nodes line with its spike, and no line for the
   * counter without readings. */
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 640, 480);
  gtk_window_set_child (window, chart);
  gtk_window_present (window);
  ms_test_settle (200);
  assert_drawn_line (chart);
  gtk_window_destroy (window);
  g_object_unref (chart);
}

/* A short recording still spans a minute, so it fills in from the left. */
static void
test_short_recording (void)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (100);
  g_autoptr(GtkWidget) chart = g_object_ref_sink (ms_counter_chart_new ());
  g_autoptr(GArray) buckets = NULL;

  ms_counter_chart_set_series (MS_COUNTER_CHART (chart), series);
  for (guint t = 0; t < 6; t++)
    ms_counter_series_append (series, "nodes", T0 + t * G_USEC_PER_SEC, 100 + t);

  buckets = ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "nodes", 60);
  g_assert_cmpuint (buckets->len, ==, 60);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_cmpuint (bucket (buckets, i)->n_points, ==, 1);
      g_assert_cmpfloat (bucket (buckets, i)->max, ==, 100 + i);
    }
  for (guint i = 6; i < 60; i++)
    g_assert_cmpuint (bucket (buckets, i)->n_points, ==, 0);
}

/* Times at the ends of a gint64 (a session file may hold them) span without overflow. */
static void
test_extreme_times (void)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (100);
  g_autoptr(GtkWidget) chart = g_object_ref_sink (ms_counter_chart_new ());
  g_autoptr(GArray) buckets = NULL;

  ms_counter_chart_set_series (MS_COUNTER_CHART (chart), series);
  g_assert_true (ms_counter_series_append (series, "nodes", G_MAXINT64, 7));
  buckets = ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "nodes", 10);
  g_assert_nonnull (buckets);
  g_assert_cmpint (bucket (buckets, 9)->end_usec, ==, G_MAXINT64);
  g_assert_cmpuint (bucket (buckets, 9)->n_points, ==, 1);
  g_assert_cmpfloat (bucket (buckets, 9)->max, ==, 7);
  g_clear_pointer (&buckets, g_array_unref);

  g_assert_true (ms_counter_series_append (series, "documents", G_MININT64, 3));
  buckets = ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "nodes", 10);
  g_assert_cmpint (bucket (buckets, 0)->start_usec, ==, G_MININT64);
  g_assert_cmpuint (bucket (buckets, 0)->n_points, ==, 0);
  g_assert_cmpuint (bucket (buckets, 9)->n_points, ==, 1);
  g_clear_pointer (&buckets, g_array_unref);
  buckets = ms_counter_chart_decimate (MS_COUNTER_CHART (chart), "documents", 10);
  g_assert_cmpuint (bucket (buckets, 0)->n_points, ==, 1);
  g_assert_cmpfloat (bucket (buckets, 0)->min, ==, 3);
  g_assert_cmpuint (bucket (buckets, 9)->n_points, ==, 0);
}


/* Readings at irregular times, so that "latest at or before" is not "nearest". */
#define N_READINGS 200

static gint64
reading_time (guint i)
{
  return T0 + (gint64) i * 700000 + (i % 3) * 150000;
}

static double
reading_value (guint counter,
               guint i)
{
  switch (counter)
    {
    case 0: return 1 + i / 50;
    case 1: return 1000 + 7 * i + (i * 37) % 11;
    default: return 20 + (i % 5);
    }
}

static GtkWindow *
show_chart (GtkWidget       *chart,
            MsCounterSeries *series)
{
  const char * const *names = ms_counter_chart_get_names ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  for (guint i = 0; i < N_READINGS; i++)
    for (guint c = 0; c < 3; c++)
      g_assert_true (ms_counter_series_append (series, names[c], reading_time (i), reading_value (c, i)));
  ms_counter_chart_set_series (MS_COUNTER_CHART (chart), series);
  gtk_window_set_default_size (window, 800, 500);
  gtk_window_set_child (window, chart);
  gtk_window_present (window);
  ms_test_settle (300);
  ms_test_focus_window (window);
  return window;
}

/* The label the crosshair must show at @time, from the readings alone. */
static char *
expected_hover_text (gint64 time)
{
  char *values[3];
  char *text;

  for (guint c = 0; c < 3; c++)
    {
      int latest = -1;

      for (guint i = 0; i < N_READINGS; i++)
        if (reading_time (i) <= time)
          latest = i;
      values[c] = latest < 0 ? g_strdup ("\u2013") : g_strdup_printf ("%.0f", reading_value (c, latest));
    }
  text = g_strdup_printf ("At %.1f s: documents %s, nodes %s, JS event listeners %s",
                          (double) (time - T0) / G_USEC_PER_SEC, values[0], values[1], values[2]);
  for (guint c = 0; c < 3; c++)
    g_free (values[c]);
  return text;
}

static void
test_hover (void)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (1000);
  GtkWidget *chart = ms_counter_chart_new ();
  GtkWindow *window = show_chart (chart, series);
  gint64 start, end, hover, target = reading_time (77) + 100000;
  double plot_x, plot_width, column;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  g_assert_false (ms_counter_chart_get_hover (MS_COUNTER_CHART (chart), NULL));
  g_assert_null (ms_counter_chart_dup_hover_text (MS_COUNTER_CHART (chart)));
  g_assert_true (ms_counter_chart_get_plot_area (MS_COUNTER_CHART (chart), &start, &end,
                                                 &plot_x, &plot_width));
  g_assert_cmpint (start, ==, reading_time (0));
  g_assert_cmpint (end, ==, reading_time (N_READINGS - 1));
  column = (double) (end - start) / plot_width;

  ms_test_pointer_move (chart, plot_x + (target - start) / column + 0.5, 200);
  g_assert_true (ms_counter_chart_get_hover (MS_COUNTER_CHART (chart), &hover));
  g_assert_cmpfloat (ABS (hover - target), <=, column);
  text = ms_counter_chart_dup_hover_text (MS_COUNTER_CHART (chart));
  expected = expected_hover_text (hover);
  g_assert_cmpstr (text, ==, expected);
  /* Assistive technologies get the same: a focusable image described by the crosshair. */
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "DOM counters over time");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       expected);
  g_assert_true (gtk_widget_get_focusable (chart));
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);

  /* With the focus, Right steps from the reading shown to the next one. */
  gtk_widget_grab_focus (chart);
  {
    guint shown = 0;

    while (shown + 1 < N_READINGS && reading_time (shown + 1) <= hover)
      shown++;
    ms_test_key (XK_Right, FALSE);
    g_assert_true (ms_counter_chart_get_hover (MS_COUNTER_CHART (chart), &hover));
    g_assert_cmpint (hover, ==, reading_time (shown + 1));
  }
  expected = expected_hover_text (hover);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       expected);
  g_clear_pointer (&expected, g_free);
  text = ms_counter_chart_dup_hover_text (MS_COUNTER_CHART (chart));
  expected = expected_hover_text (hover);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);

  ms_test_key (XK_End, FALSE);
  g_assert_true (ms_counter_chart_get_hover (MS_COUNTER_CHART (chart), &hover));
  g_assert_cmpint (hover, ==, reading_time (N_READINGS - 1));
  ms_test_key (XK_Escape, FALSE);
  g_assert_false (ms_counter_chart_get_hover (MS_COUNTER_CHART (chart), NULL));
  gtk_window_destroy (window);
}

/* Least squares by the textbook, in minutes since the first reading in range. */
static double
expected_slope (guint  counter,
                gint64 from,
                gint64 to)
{
  double n = 0, mean_t = 0, mean_v = 0, sxx = 0, sxy = 0;

  for (guint i = 0; i < N_READINGS; i++)
    if (reading_time (i) >= from && reading_time (i) <= to)
      {
        n++;
        mean_t += (reading_time (i) - T0) / 60e6;
        mean_v += reading_value (counter, i);
      }
  mean_t /= n;
  mean_v /= n;
  for (guint i = 0; i < N_READINGS; i++)
    if (reading_time (i) >= from && reading_time (i) <= to)
      {
        double dt = (reading_time (i) - T0) / 60e6 - mean_t;

        sxx += dt * dt;
        sxy += dt * (reading_value (counter, i) - mean_v);
      }
  return sxy / sxx;
}

static void
test_growth (void)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (1000);
  GtkWidget *chart = ms_counter_chart_new ();
  GtkWindow *window = show_chart (chart, series);
  const char * const *names = ms_counter_chart_get_names ();
  gint64 from = reading_time (40), to = reading_time (90) + 1;

  for (guint c = 0; c < 3; c++)
    {
      double per_minute, expected = expected_slope (c, G_MININT64, G_MAXINT64);

      g_assert_true (ms_counter_chart_get_growth (MS_COUNTER_CHART (chart), names[c], &per_minute));
      g_test_message ("%s: %.6f/min (expected %.6f)", names[c], per_minute, expected);
      g_assert_cmpfloat (fabs (per_minute - expected), <=, 1e-6 * MAX (1, fabs (expected)));
    }
  /* The legend says it, as assistive technologies read it without a crosshair. */
  {
    static const char *titles[] = { "Documents", "Nodes", "JS event listeners" };
    static const char *units[] = { "documents/min", "nodes/min", "listeners/min" };
    g_autoptr(GString) legend = g_string_new (NULL);

    for (guint c = 0; c < 3; c++)
      {
        double slope = expected_slope (c, G_MININT64, G_MAXINT64);

        g_string_append_printf (legend, "%s%s: %.0f, ", c ? "; " : "", titles[c],
                                reading_value (c, N_READINGS - 1));
        /* one decimal below 10 a minute, none above */
        g_string_append_printf (legend, fabs (slope) < 10 ? "%s%.1f %s" : "%s%.0f %s",
                                slope > 0 ? "+" : "\u2212", fabs (slope), units[c]);
      }
    g_test_message ("legend: %s", legend->str);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         legend->str);
  }
  /* Over a selected range only its readings count. */
  ms_counter_chart_set_selection (MS_COUNTER_CHART (chart), from, to);
  for (guint c = 0; c < 3; c++)
    {
      double per_minute, expected = expected_slope (c, from, to);

      g_assert_true (ms_counter_chart_get_growth (MS_COUNTER_CHART (chart), names[c], &per_minute));
      g_assert_cmpfloat (fabs (per_minute - expected), <=, 1e-6 * MAX (1, fabs (expected)));
    }
  /* One reading has no slope. */
  ms_counter_chart_set_selection (MS_COUNTER_CHART (chart), reading_time (5), reading_time (5));
  {
    double per_minute;

    g_assert_false (ms_counter_chart_get_growth (MS_COUNTER_CHART (chart), names[1], &per_minute));
  }
  gtk_window_destroy (window);
}

/* A purge marker is a purple line at its time; an alarm a red one. */
static void
test_markers (void)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (1000);
  GtkWidget *chart = ms_counter_chart_new ();
  GtkWindow *window = show_chart (chart, series);
  static const guint8 purple[3] = { 145, 65, 172 };
  static const guint8 red[3] = { 224, 27, 36 };
  gint64 start, end, purge = reading_time (50), alarm = reading_time (150);
  double plot_x, plot_width;
  cairo_surface_t *surface;
  const guint8 *data;
  int stride, height;
  guint n_purple = 0, n_red = 0, n_purple_elsewhere = 0;
  int purge_x, alarm_x;

  g_assert_cmpint (ms_counter_chart_marker_kind_for_action ("purge"), ==, MS_CHART_MARKER_PURGE);
  g_assert_cmpint (ms_counter_chart_marker_kind_for_action ("pressure-critical"), ==, MS_CHART_MARKER_PRESSURE);
  g_assert_cmpint (ms_counter_chart_marker_kind_for_action ("leak-counters"), ==, MS_CHART_MARKER_LEAK_PREP);
  g_assert_cmpint (ms_counter_chart_marker_kind_for_action ("suspend"), ==, MS_CHART_MARKER_OTHER);
  ms_counter_chart_add_marker (MS_COUNTER_CHART (chart), purge, MS_CHART_MARKER_PURGE);
  ms_counter_chart_add_marker (MS_COUNTER_CHART (chart), alarm, MS_CHART_MARKER_ALARM);
  g_assert_cmpuint (ms_counter_chart_get_n_markers (MS_COUNTER_CHART (chart)), ==, 2);
  ms_test_settle (100);
  g_assert_true (ms_counter_chart_get_plot_area (MS_COUNTER_CHART (chart), &start, &end,
                                                 &plot_x, &plot_width));
  purge_x = (int) (plot_x + (double) (purge - start) / (end - start) * plot_width);
  alarm_x = (int) (plot_x + (double) (alarm - start) / (end - start) * plot_width);

  surface = ms_test_render_widget (chart);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  height = cairo_image_surface_get_height (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        const guint8 *pixel = data + y * stride + x * 4;

        if (pixel_is (pixel, purple))
          {
            if (ABS (x - purge_x) <= 1)
              n_purple++;
            else if (x < purge_x - 1 || x > purge_x + 60)  /* beyond the line and its tag */
              n_purple_elsewhere++;
          }
        if (pixel_is (pixel, red) && ABS (x - alarm_x) <= 1)
          n_red++;
      }
  cairo_surface_destroy (surface);
  g_test_message ("purge at x=%d: %u pixels; alarm at x=%d: %u", purge_x, n_purple, alarm_x, n_red);
  /* dashed lines down the plot: half their length is drawn */
  g_assert_cmpuint (n_purple, >, height / 4);
  g_assert_cmpuint (n_red, >, height / 4);
  g_assert_cmpuint (n_purple_elsewhere, ==, 0);

  /* The crosshair on the purge names it under the values. */
  ms_counter_chart_set_hover (MS_COUNTER_CHART (chart), purge);
  {
    g_autofree char *text = ms_counter_chart_dup_hover_text (MS_COUNTER_CHART (chart));
    g_autofree char *values = expected_hover_text (purge);
    g_autofree char *expected = g_strdup_printf ("%s\nPurge at %.1f s", values,
                                                 (double) (purge - T0) / G_USEC_PER_SEC);

    g_assert_cmpstr (text, ==, expected);
  }
  ms_counter_chart_set_hover (MS_COUNTER_CHART (chart), reading_time (100));
  {
    g_autofree char *text = ms_counter_chart_dup_hover_text (MS_COUNTER_CHART (chart));
    g_autofree char *expected = expected_hover_text (reading_time (100));

    g_assert_cmpstr (text, ==, expected);
  }

  ms_counter_chart_clear_markers (MS_COUNTER_CHART (chart));
  g_assert_cmpuint (ms_counter_chart_get_n_markers (MS_COUNTER_CHART (chart)), ==, 0);
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  /* The test accessibility backend keeps what the widgets tell assistive technologies. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/ui/counter-chart/decimate", test_decimate);
  g_test_add_func ("/memscope/ui/counter-chart/short-recording", test_short_recording);
  g_test_add_func ("/memscope/ui/counter-chart/extreme-times", test_extreme_times);
  g_test_add_func ("/memscope/ui/counter-chart/hover", test_hover);
  g_test_add_func ("/memscope/ui/counter-chart/growth", test_growth);
  g_test_add_func ("/memscope/ui/counter-chart/markers", test_markers);

  return g_test_run ();
}
