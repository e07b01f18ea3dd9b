/* test-snapshot-timeline.c: MsSnapshotTimeline over a recording this test writes, driven
 * by real pointer and key events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ms-counter-chart.h"
#include "ms-snapshot-timeline.h"
#include "ms-ui-test-input.h"
#include "ms-ui-test-recording.h"
#include "ms-ui-test-timeline.h"

#define NONE MS_SNAPSHOT_TIMELINE_NONE

typedef struct
{
  char          *dir;
  char          *path;
  TestProfile    profiles[N_PROFILES];
  MsSessionFile *session;
  GtkWindow     *window;
  GtkWidget     *chart;
  GtkWidget     *timeline;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(MsCounterSeries) series = NULL;
  GtkWidget *box;

  f->dir = g_dir_make_tmp ("memscope-timeline-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "recording.memscope", NULL);
  for (guint i = 0; i < N_PROFILES; i++)
    ms_test_make_profile (i, &f->profiles[i]);
  ms_test_write_recording (f->path, f->profiles);

  file = g_file_new_for_path (f->path);
  f->session = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ms_session_file_get_recording (f->session));
  series = ms_session_file_build_counter_series (f->session, 1000, &error);
  g_assert_no_error (error);

  f->chart = ms_counter_chart_new ();
  f->timeline = ms_snapshot_timeline_new ();
  ms_counter_chart_set_series (MS_COUNTER_CHART (f->chart), series);
  ms_snapshot_timeline_set_session_file (MS_SNAPSHOT_TIMELINE (f->timeline), f->session);
  gtk_widget_set_vexpand (f->chart, TRUE);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), f->chart);
  gtk_box_append (GTK_BOX (box), f->timeline);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 560);
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
  ms_test_settle (300);
  ms_test_focus_window (f->window);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (f->window);
  ms_test_settle (50);
  g_clear_object (&f->session);
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static MsSnapshotTimeline *
timeline (Fixture *f)
{
  return MS_SNAPSHOT_TIMELINE (f->timeline);
}

/* The centre of bar @index when @first.. @first + @n − 1 are shown: equal widths. */
static void
click_bar (Fixture *f,
           guint    first,
           guint    n,
           guint    index)
{
  double w = (double) gtk_widget_get_width (f->timeline) / n;

  ms_test_click (f->timeline, (index - first + 0.5) * w, gtk_widget_get_height (f->timeline) - 8);
}

static void
test_lists_profiles (Fixture       *f,
                     gconstpointer  data)
{
  guint first, n;

  g_assert_cmpuint (ms_snapshot_timeline_get_n_snapshots (timeline (f)), ==, N_PROFILES);
  for (guint i = 0; i < N_PROFILES; i++)
    {
      gint64 time_us;
      guint n_samples;
      guint64 total;

      g_assert_true (ms_snapshot_timeline_get_snapshot (timeline (f), i, &time_us, &n_samples, &total));
      g_assert_cmpint (time_us, ==, f->profiles[i].time_us);
      g_assert_cmpuint (n_samples, ==, f->profiles[i].n_samples);
      g_assert_cmpuint (total, ==, ms_test_sum_totals (&f->profiles[i]));
    }
  g_assert_false (ms_snapshot_timeline_get_snapshot (timeline (f), N_PROFILES, NULL, NULL, NULL));
  g_assert_true (ms_snapshot_timeline_get_visible (timeline (f), &first, &n));
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (n, ==, N_PROFILES);
}

static void
test_peak_key (Fixture       *f,
               gconstpointer  data)
{
  guint peak = 0;

  for (guint i = 1; i < N_PROFILES; i++)
    if (ms_test_sum_totals (&f->profiles[i]) > ms_test_sum_totals (&f->profiles[peak]))
      peak = i;
  g_assert_cmpuint (ms_snapshot_timeline_get_peak (timeline (f)), ==, peak);

  click_bar (f, 0, N_PROFILES, 1);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 1);
  g_assert_true (gtk_widget_has_focus (f->timeline));
  ms_test_key (XK_p, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, peak);

  /* A screen reader hears a slider at the peak, and what it holds. */
  {
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (f->profiles[peak].time_us / G_USEC_PER_SEC);
    g_autofree char *clock = g_date_time_format (time, "%H:%M:%S");
    g_autofree char *size = g_format_size_full (ms_test_sum_totals (&f->profiles[peak]),
                                                G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *expected = g_strdup_printf ("Profile %u of %u at %s: %s estimated, %u samples (peak)",
                                                 peak + 1, N_PROFILES, clock, size,
                                                 f->profiles[peak].n_samples);

    gtk_test_accessible_assert_role (GTK_ACCESSIBLE (f->timeline), GTK_ACCESSIBLE_ROLE_SLIDER);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->timeline), GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                         (double) (peak + 1));
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->timeline), GTK_ACCESSIBLE_PROPERTY_VALUE_MAX,
                                         (double) N_PROFILES);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->timeline), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                         expected);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (f->timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "Profiles over time");
  }
}

/* The profile the selection names, loaded off the main thread, holds what was written. */
static void
assert_loads_selected (Fixture *f)
{
  guint index = ms_snapshot_timeline_get_selected (timeline (f));
  g_autoptr(MsProfile) profile = ms_test_timeline_load (timeline (f), index);

  g_assert_cmpuint (ms_profile_get_n_samples (profile), ==, f->profiles[index].n_samples);
  g_assert_cmpuint (ms_profile_get_total_bytes (profile), ==, ms_test_sum_totals (&f->profiles[index]));
}

static void
test_scrub_keys (Fixture       *f,
                 gconstpointer  data)
{
  click_bar (f, 0, N_PROFILES, 3);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 3);
  ms_test_key (XK_Right, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 4);
  assert_loads_selected (f);
  ms_test_key (XK_Left, FALSE);
  ms_test_key (XK_Left, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 2);
  assert_loads_selected (f);
  ms_test_key (XK_Home, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 0);
  ms_test_key (XK_Left, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 0);
  assert_loads_selected (f);
  ms_test_key (XK_End, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, N_PROFILES - 1);
  ms_test_key (XK_Right, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, N_PROFILES - 1);
  assert_loads_selected (f);
}

/* The pointer over a bar names it without selecting it. */
static void
test_hover (Fixture       *f,
            gconstpointer  data)
{
  double w = (double) gtk_widget_get_width (f->timeline) / N_PROFILES;

  click_bar (f, 0, N_PROFILES, 1);
  ms_test_pointer_move (f->timeline, 4.5 * w, gtk_widget_get_height (f->timeline) - 8);
  g_assert_cmpuint (ms_snapshot_timeline_get_hover (timeline (f)), ==, 4);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 1);
  ms_test_pointer_move (f->timeline, 6.5 * w, gtk_widget_get_height (f->timeline) - 8);
  g_assert_cmpuint (ms_snapshot_timeline_get_hover (timeline (f)), ==, 6);
  /* Off the strip: nothing under the pointer. */
  ms_test_pointer_move (f->chart, 10, 10);
  g_assert_cmpuint (ms_snapshot_timeline_get_hover (timeline (f)), ==, NONE);
}

static void
test_scrub_drag (Fixture       *f,
                 gconstpointer  data)
{
  double w = (double) gtk_widget_get_width (f->timeline) / N_PROFILES;
  double y = gtk_widget_get_height (f->timeline) - 8;

  ms_test_pointer_move (f->timeline, 1.5 * w, y);
  ms_test_button (TRUE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 1);
  ms_test_pointer_move (f->timeline, 4.5 * w, y);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 4);
  ms_test_pointer_move (f->timeline, 6.5 * w, y);
  ms_test_button (FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 6);
}

static void
test_compare (Fixture       *f,
              gconstpointer  data)
{
  click_bar (f, 0, N_PROFILES, 5);
  ms_test_pointer_move (f->timeline, 2.5 * gtk_widget_get_width (f->timeline) / N_PROFILES,
                        gtk_widget_get_height (f->timeline) - 8);
  ms_test_key_hold (XK_Control_L, TRUE);
  ms_test_button (TRUE);
  ms_test_button (FALSE);
  ms_test_key_hold (XK_Control_L, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 5);
  g_assert_cmpuint (ms_snapshot_timeline_get_compare (timeline (f)), ==, 2);

  ms_test_key (XK_Escape, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_compare (timeline (f)), ==, NONE);
  /* C: the shown profile becomes the baseline, and scrubbing compares with it. */
  ms_test_key (XK_c, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_compare (timeline (f)), ==, 5);
  ms_test_key (XK_Right, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 6);
  g_assert_cmpuint (ms_snapshot_timeline_get_compare (timeline (f)), ==, 5);
}

/* A drag over the counters chart from 15 s to 52 s shows the profiles taken then. */
static void
test_chart_range (Fixture       *f,
                  gconstpointer  data)
{
  MsCounterChart *chart = MS_COUNTER_CHART (f->chart);
  gint64 start, end, sel_start, sel_end;
  gint64 from = T0 + 15 * G_USEC_PER_SEC, to = T0 + 52 * G_USEC_PER_SEC;
  double plot_x, plot_width, column, y = gtk_widget_get_height (f->chart) / 2.0;
  guint first, n, expected_first = NONE, expected_n = 0;

  ms_snapshot_timeline_bind_counter_chart (timeline (f), chart);
  click_bar (f, 0, N_PROFILES, 7);
  g_assert_true (ms_counter_chart_get_plot_area (chart, &start, &end, &plot_x, &plot_width));
  g_assert_cmpint (start, ==, T0);
  g_assert_cmpint (end, ==, T0 + N_SECONDS * G_USEC_PER_SEC);
  column = (double) (end - start) / plot_width;

  ms_test_pointer_move (f->chart, plot_x + (from - start) / column, y);
  ms_test_button (TRUE);
  ms_test_pointer_move (f->chart, plot_x + (from - start) / column + 30, y);
  ms_test_pointer_move (f->chart, plot_x + (to - start) / column, y);
  ms_test_button (FALSE);

  g_assert_true (ms_counter_chart_get_selection (chart, &sel_start, &sel_end));
  g_assert_cmpfloat (ABS (sel_start - from), <=, 2 * column);
  g_assert_cmpfloat (ABS (sel_end - to), <=, 2 * column);
  for (guint i = 0; i < N_PROFILES; i++)
    if (f->profiles[i].time_us >= from && f->profiles[i].time_us <= to)
      {
        if (expected_first == NONE)
          expected_first = i;
        expected_n++;
      }
  g_assert_cmpuint (expected_first, ==, 2);
  g_assert_true (ms_snapshot_timeline_get_visible (timeline (f), &first, &n));
  g_assert_cmpuint (first, ==, expected_first);
  g_assert_cmpuint (n, ==, expected_n);
  /* The selection moved into the range, to its last profile. */
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, expected_first + expected_n - 1);

  /* Clicking the first shown bar selects it: bars span the range alone. */
  click_bar (f, first, n, first);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, first);
  ms_test_key (XK_Home, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, first);

  /* P goes to the peak; outside the range, the range and the chart's selection go. */
  {
    gint64 late = T0 + 45 * G_USEC_PER_SEC;
    guint peak = 0;

    for (guint i = 1; i < N_PROFILES; i++)
      if (ms_test_sum_totals (&f->profiles[i]) > ms_test_sum_totals (&f->profiles[peak]))
        peak = i;
    g_assert_cmpint (f->profiles[peak].time_us, <, late);
    ms_counter_chart_set_selection (chart, late, end);
    g_assert_true (ms_snapshot_timeline_get_visible (timeline (f), &first, &n));
    g_assert_cmpuint (first, >, peak);
    gtk_widget_grab_focus (f->timeline);
    ms_test_key (XK_p, FALSE);
    g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, peak);
    g_assert_false (ms_counter_chart_get_selection (chart, NULL, NULL));
    g_assert_true (ms_snapshot_timeline_get_visible (timeline (f), &first, &n));
    g_assert_cmpuint (n, ==, N_PROFILES);
    ms_counter_chart_set_selection (chart, sel_start, sel_end);
    g_assert_true (ms_snapshot_timeline_get_visible (timeline (f), &first, &n));
    g_assert_cmpuint (n, ==, expected_n);
  }

  /* Escape on the chart clears the range: every profile again. */
  gtk_widget_grab_focus (f->chart);
  ms_test_key (XK_Escape, FALSE);
  g_assert_false (ms_counter_chart_get_selection (chart, NULL, NULL));
  g_assert_true (ms_snapshot_timeline_get_visible (timeline (f), &first, &n));
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (n, ==, N_PROFILES);
}

static gboolean
has_n_snapshots (gpointer user_data)
{
  Fixture *f = user_data;

  return ms_snapshot_timeline_get_n_snapshots (timeline (f)) == 3;
}

/* A format 1 session (no index of totals) is measured off the main thread. */
static void
test_session_in_memory (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) reply = ms_test_reply_for (&f->profiles[i], i);

      g_assert_true (ms_session_file_add_profile_reply (session, f->profiles[i].time_us,
                                                        "Memory.getSamplingProfile", reply, &error));
      g_assert_no_error (error);
    }
  ms_snapshot_timeline_set_session_file (timeline (f), session);
  g_assert_true (ms_test_wait_for (has_n_snapshots, f, 10));
  for (guint i = 0; i < 3; i++)
    {
      guint n_samples;
      guint64 total;

      g_assert_true (ms_snapshot_timeline_get_snapshot (timeline (f), i, NULL, &n_samples, &total));
      g_assert_cmpuint (n_samples, ==, f->profiles[i].n_samples);
      g_assert_cmpuint (total, ==, ms_test_sum_totals (&f->profiles[i]));
    }
  click_bar (f, 0, 3, 1);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline (f)), ==, 1);
  assert_loads_selected (f);
}

/* Loads that cannot succeed, each with the error it must give. */
typedef struct
{
  const char *name;
  gboolean    with_file;
  guint       index;
  const char *message;
} LoadError;

static const LoadError load_errors[] = {
  { "out-of-range", TRUE, N_PROFILES, "There is no profile 9" },
  { "far-out-of-range", TRUE, G_MAXUINT - 1, "There is no profile 4294967295" },
  { "none", TRUE, MS_SNAPSHOT_TIMELINE_NONE, "There is no profile 4294967296" },
  { "no-source", FALSE, 0, "There is no profile 1" },
};

typedef struct
{
  GError   *error;
  gboolean  done;
} Failed;

static void
on_failed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Failed *failed = user_data;

  g_assert_null (ms_snapshot_timeline_load_profile_finish (MS_SNAPSHOT_TIMELINE (object), result,
                                                           &failed->error));
  failed->done = TRUE;
}

static gboolean
has_failed (gpointer user_data)
{
  return ((Failed *) user_data)->done;
}

static void
test_load_error (Fixture       *f,
                 gconstpointer  data)
{
  const LoadError *row = data;
  Failed failed = { NULL, FALSE };

  if (!row->with_file)
    ms_snapshot_timeline_clear (timeline (f));
  ms_snapshot_timeline_load_profile_async (timeline (f), row->index, NULL, on_failed, &failed);
  g_assert_true (ms_test_wait_for (has_failed, &failed, 10));
  g_assert_error (failed.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (failed.error->message, ==, row->message);
  g_error_free (failed.error);
}

int
main (int   argc,
      char *argv[])
{
  /* The test accessibility backend keeps what the widgets tell assistive technologies. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/memscope/ui/snapshot-timeline/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("lists-profiles", test_lists_profiles);
  ADD ("peak-key", test_peak_key);
  ADD ("scrub-keys", test_scrub_keys);
  ADD ("scrub-drag", test_scrub_drag);
  ADD ("hover", test_hover);
  ADD ("compare", test_compare);
  ADD ("chart-range", test_chart_range);
  ADD ("session-in-memory", test_session_in_memory);
#undef ADD
  for (guint i = 0; i < G_N_ELEMENTS (load_errors); i++)
    {
      g_autofree char *path = g_strconcat ("/memscope/ui/snapshot-timeline/load-error/",
                                           load_errors[i].name, NULL);

      g_test_add (path, Fixture, &load_errors[i], fixture_setup, test_load_error, fixture_teardown);
    }

  return g_test_run ();
}
