/* test-counter-chart.c: MsCounterChart's min/max decimation per pixel column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ms-counter-chart.h"
#include "ms-ui-test-util.h"

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

static cairo_surface_t *
render_widget (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* 121 nodes readings over 120 s with the spike at 55 s; no jsEventListeners readings. */
static void
assert_drawn_line (GtkWidget *chart)
{
  cairo_surface_t *surface = render_widget (chart);
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

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/ui/counter-chart/decimate", test_decimate);
  g_test_add_func ("/memscope/ui/counter-chart/short-recording", test_short_recording);
  g_test_add_func ("/memscope/ui/counter-chart/extreme-times", test_extreme_times);

  return g_test_run ();
}
