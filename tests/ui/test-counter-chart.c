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

  /* And it draws. */
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 640, 480);
  gtk_window_set_child (window, chart);
  gtk_window_present (window);
  ms_test_settle (200);
  g_assert_cmpint (gtk_widget_get_width (chart), >, 0);
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
