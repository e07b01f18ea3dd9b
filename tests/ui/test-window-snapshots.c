/* test-window-snapshots.c: the window's snapshot timeline over an opened recording,
 * driven by real pointer and key events: the flame graph and the histogram follow it
 *
 * With MEMSCOPE_SCREENSHOT_DIR set, the window is saved there as PNG at each step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include <glib/gstdio.h>

#include "ms-counter-chart.h"
#include "ms-flame-graph.h"
#include "ms-flame-view.h"
#include "ms-histogram-view.h"
#include "ms-snapshot-timeline.h"
#include "ms-ui-test-input.h"
#include "ms-ui-test-recording.h"
#include "ms-ui-test-window.h"
#include "ms-window.h"

typedef struct
{
  MsWindow    *window;
  TestProfile  profiles[N_PROFILES];
  guint64      expected_total;
} Test;

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  GtkWidget *shown = GTK_IS_BUTTON (widget) ? gtk_button_get_child (GTK_BUTTON (widget)) : NULL;

  if (GTK_IS_LABEL (shown) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (shown)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint64
shown_total (MsWindow *window)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (ms_window_get_flame_graph (window));
  guint n_nodes = 0;
  const MsFlameNode *nodes;

  if (tree == NULL)
    return 0;
  nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  return n_nodes > 0 ? nodes[0].total_bytes : 0;
}

static gboolean
shows_expected_total (gpointer user_data)
{
  Test *t = user_data;

  return shown_total (t->window) == t->expected_total;
}

static gboolean
histogram_in_diff_mode (gpointer user_data)
{
  return ms_histogram_view_get_diff_mode (ms_window_get_histogram_view (user_data));
}

static gboolean
histogram_plain (gpointer user_data)
{
  return !histogram_in_diff_mode (user_data);
}

static gboolean
flame_view_compares (gpointer user_data)
{
  GtkWidget *view = find_widget (user_data, MS_TYPE_FLAME_VIEW);

  return ms_flame_view_get_baseline (MS_FLAME_VIEW (view)) != NULL;
}

static gboolean
flame_view_plain (gpointer user_data)
{
  return !flame_view_compares (user_data);
}

/* Size class of @size with 16-byte blocks, and the change per class from @a to @b. */
static guint
class_of (guint64 size)
{
  guint64 bound = 16;
  guint i = 0;

  while (i + 1 < 16 && size > bound)
    {
      bound *= 2;
      i++;
    }
  return i;
}

static void
assert_histogram_diff (MsHistogramView   *view,
                       const TestProfile *a,
                       const TestProfile *b)
{
  gint64 counts[16] = { 0 }, bytes[16] = { 0 };

  for (guint k = 0; k < a->n_samples; k++)
    {
      counts[class_of (a->size[k])]--;
      bytes[class_of (a->size[k])] -= a->total[k];
    }
  for (guint k = 0; k < b->n_samples; k++)
    {
      counts[class_of (b->size[k])]++;
      bytes[class_of (b->size[k])] += b->total[k];
    }
  for (guint i = 0; i < 16; i++)
    {
      gint64 count_delta, bytes_delta;

      g_assert_true (ms_histogram_view_get_diff_bucket (view, i, &count_delta, &bytes_delta));
      g_assert_cmpint (count_delta, ==, counts[i]);
      g_assert_cmpint (bytes_delta, ==, bytes[i]);
    }
}

static void
show_flame_then (Test       *t,
                 guint       index,
                 const char *why)
{
  t->expected_total = ms_test_sum_totals (&t->profiles[index]);
  g_test_message ("%s: expecting profile %u, %" G_GUINT64_FORMAT " bytes", why, index, t->expected_total);
  g_assert_true (ms_test_wait_for (shows_expected_total, t, 20));
}

static void
test_open_and_scrub (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-window-snapshots-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "recording.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  Test t = { NULL };
  MsSnapshotTimeline *timeline;
  GtkWidget *stack;
  guint peak = 0;
  double w, y;

  for (guint i = 0; i < N_PROFILES; i++)
    ms_test_make_profile (i, &t.profiles[i]);
  for (guint i = 1; i < N_PROFILES; i++)
    if (ms_test_sum_totals (&t.profiles[i]) > ms_test_sum_totals (&t.profiles[peak]))
      peak = i;
  ms_test_write_recording (path, t.profiles);

  t.window = ms_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (t.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (t.window));
  ms_window_open_file (t.window, file);
  /* The file opens on its last profile. */
  show_flame_then (&t, N_PROFILES - 1, "opened");
  timeline = MS_SNAPSHOT_TIMELINE (find_widget (GTK_WIDGET (t.window), MS_TYPE_SNAPSHOT_TIMELINE));
  g_assert_nonnull (timeline);
  g_assert_cmpuint (ms_snapshot_timeline_get_n_snapshots (timeline), ==, N_PROFILES);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline), ==, N_PROFILES - 1);
  /* The purge and the alarm the recording holds are markers on the chart. */
  g_assert_cmpuint (ms_counter_chart_get_n_markers (ms_window_get_counter_chart (t.window)), ==, 2);
  ms_test_settle (300);
  ms_test_focus_window (GTK_WINDOW (t.window));

  stack = find_widget (GTK_WIDGET (t.window), ADW_TYPE_VIEW_STACK);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "flame");
  w = (double) gtk_widget_get_width (GTK_WIDGET (timeline)) / N_PROFILES;
  y = gtk_widget_get_height (GTK_WIDGET (timeline)) - 8;
  ms_test_click (GTK_WIDGET (timeline), 2.5 * w, y);
  show_flame_then (&t, 2, "clicked bar 2");
  ms_test_key (XK_Right, FALSE);
  show_flame_then (&t, 3, "Right");
  ms_test_key (XK_End, FALSE);
  show_flame_then (&t, N_PROFILES - 1, "End");
  /* Keys faster than profiles load: the last one selected is the one shown. */
  ms_test_key (XK_Home, FALSE);
  for (guint i = 0; i < 5; i++)
    ms_test_key (XK_Right, FALSE);
  show_flame_then (&t, 5, "Home, then Right five times");
  ms_test_settle (300);
  g_assert_cmpuint (shown_total (t.window), ==, ms_test_sum_totals (&t.profiles[5]));
  g_assert_cmpuint (peak, !=, N_PROFILES - 1);
  ms_test_key (XK_p, FALSE);
  show_flame_then (&t, peak, "P");
  ms_test_save_screenshot (GTK_WIDGET (t.window), "window-snapshots-flame.png");
  /* The button does the same as P. */
  ms_test_key (XK_Home, FALSE);
  show_flame_then (&t, 0, "Home");
  {
    GtkWidget *button = find_button (GTK_WIDGET (t.window), "Go to _Peak");

    g_assert_nonnull (button);
    ms_test_click (button, gtk_widget_get_width (button) / 2.0, gtk_widget_get_height (button) / 2.0);
    show_flame_then (&t, peak, "Go to Peak");
    g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline), ==, peak);
  }

  /* C: the peak is the baseline; Left shows the profile before it, as a difference. */
  ms_test_key (XK_c, FALSE);
  ms_test_key (XK_Left, FALSE);
  show_flame_then (&t, peak - 1, "Left after C");
  g_assert_true (ms_test_wait_for (histogram_in_diff_mode, t.window, 20));
  assert_histogram_diff (ms_window_get_histogram_view (t.window), &t.profiles[peak],
                         &t.profiles[peak - 1]);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "histogram");
  ms_test_save_screenshot (GTK_WIDGET (t.window), "window-snapshots-histogram-diff.png");
  /* The flame view draws the difference: from the peak to the profile before it. */
  g_assert_true (ms_test_wait_for (flame_view_compares, t.window, 20));
  {
    MsFlameView *view = MS_FLAME_VIEW (find_widget (GTK_WIDGET (t.window), MS_TYPE_FLAME_VIEW));

    g_assert_cmpuint (ms_profile_get_total_bytes (ms_flame_view_get_baseline (view)), ==,
                      ms_test_sum_totals (&t.profiles[peak]));
    g_assert_cmpuint (ms_profile_get_total_bytes (ms_flame_view_get_profile (view)), ==,
                      ms_test_sum_totals (&t.profiles[peak - 1]));
    adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "flame");
    ms_test_save_screenshot (GTK_WIDGET (t.window), "window-snapshots-flame-diff.png");
  }

  /* Escape ends the comparison: the plain histogram of the shown profile again. */
  gtk_widget_grab_focus (GTK_WIDGET (timeline));
  ms_test_key (XK_Escape, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_compare (timeline), ==, MS_SNAPSHOT_TIMELINE_NONE);
  g_assert_true (ms_test_wait_for (histogram_plain, t.window, 20));
  g_assert_true (ms_test_wait_for (flame_view_plain, t.window, 20));

  /* A drag over the counters from 15 s to 52 s leaves the profiles taken then. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "counters");
  ms_test_settle (200);
  {
    MsCounterChart *chart = ms_window_get_counter_chart (t.window);
    gint64 start, end;
    double plot_x, plot_width, column, cy;
    guint first, n;

    g_assert_true (ms_counter_chart_get_plot_area (chart, &start, &end, &plot_x, &plot_width));
    column = (double) (end - start) / plot_width;
    cy = gtk_widget_get_height (GTK_WIDGET (chart)) / 2.0;
    ms_test_pointer_move (GTK_WIDGET (chart), plot_x + 15 * G_USEC_PER_SEC / column, cy);
    ms_test_button (TRUE);
    ms_test_pointer_move (GTK_WIDGET (chart), plot_x + 30 * G_USEC_PER_SEC / column, cy);
    ms_test_pointer_move (GTK_WIDGET (chart), plot_x + 52 * G_USEC_PER_SEC / column, cy);
    ms_test_button (FALSE);
    g_assert_true (ms_snapshot_timeline_get_visible (timeline, &first, &n));
    g_assert_cmpuint (first, ==, 2);
    g_assert_cmpuint (n, ==, 4);
    ms_test_pointer_move (GTK_WIDGET (chart), plot_x + 40 * G_USEC_PER_SEC / column, cy);
    g_assert_true (ms_counter_chart_get_hover (chart, NULL));
    ms_test_save_screenshot (GTK_WIDGET (t.window), "window-snapshots-counters.png");
  }

  gtk_window_destroy (GTK_WINDOW (t.window));
  ms_test_settle (100);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
chart_has_plot (gpointer user_data)
{
  return ms_counter_chart_get_plot_area (ms_window_get_counter_chart (user_data), NULL, NULL,
                                         NULL, NULL);
}

/* An opened recording 20 s long: the counters' time axis runs from its first reading to
 * its last, not over a live chart's minimum window. The readings come every 1.3 s, so
 * the last one is no round figure. */
static void
test_short_recording_fits (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-window-snapshots-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "recording.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (path, &error);
  g_autoptr(JsonObject) target = json_object_new ();
  gint64 first = G_MAXINT64, last = G_MININT64, start = 0, end = 0;
  MsWindow *window;

  g_assert_no_error (error);
  json_object_set_string_member (target, "url", "http://127.0.0.1/page");
  g_assert_true (ms_recording_writer_append_metadata (writer, T0, NULL, target, NULL, &error));
  for (guint i = 0; i * 13 <= 200; i++)
    {
      gint64 time_us = T0 + i * 13 * (G_USEC_PER_SEC / 10);
      g_autofree char *text = g_strdup_printf ("{\"id\":7,\"result\":{\"documents\":1,"
                                               "\"nodes\":%u,\"jsEventListeners\":%u}}",
                                               100 + i, 10 + i);
      g_autoptr(GBytes) counters = g_bytes_new (text, strlen (text));

      g_assert_true (ms_recording_writer_append_counters (writer, time_us, counters, &error));
      first = MIN (first, time_us);
      last = MAX (last, time_us);
    }
  g_assert_true (ms_recording_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (last - first, <, 60 * G_USEC_PER_SEC);

  window = ms_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  g_assert_true (ms_test_wait_for (chart_has_plot, window, 20));
  g_assert_true (ms_counter_chart_get_plot_area (ms_window_get_counter_chart (window), &start,
                                                 &end, NULL, NULL));
  g_assert_cmpint (start, ==, first);
  g_assert_cmpint (end, ==, last);
  ms_test_save_screenshot (GTK_WIDGET (window), "window-snapshots-short-counters.png");
  gtk_window_destroy (GTK_WINDOW (window));
  ms_test_settle (100);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
lists_three (gpointer user_data)
{
  return ms_snapshot_timeline_get_n_snapshots (user_data) == 3;
}

/* A recording cut inside its alarm frame (a crash, a copy in progress) opens with what
 * precedes the cut, and the window says where the cut is. The frames are walked here
 * from the documented layout: a 16-byte file header, then frames of a 28-byte header
 * whose first four bytes are the payload's length, little-endian. */
static void
test_torn_tail (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-window-snapshots-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "recording.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize len = 0, offset = 16, last = 0, before_last = 0;
  Test t = { NULL };

  for (guint i = 0; i < N_PROFILES; i++)
    ms_test_make_profile (i, &t.profiles[i]);
  ms_test_write_recording (path, t.profiles);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  while (offset + 28 <= len)
    {
      const guint8 *p = (const guint8 *) contents + offset;

      before_last = last;
      last = offset;
      offset += 28 + (p[0] | p[1] << 8 | p[2] << 16 | (gsize) p[3] << 24);
    }
  g_assert_cmpuint (offset, ==, len);
  /* The last frame is the empty END; before it, the alarm: cut 3 bytes into its payload. */
  g_assert_cmpuint (len - last, ==, 28);
  g_file_set_contents (path, contents, before_last + 28 + 3, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("The recording ends with a damaged or unfinished frame at byte %"
                              G_GSIZE_FORMAT "; everything before it is shown", before_last);

  t.window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (t.window));
  g_assert_false (ms_test_shows_toast (t.window, "The recording ends"));
  ms_window_open_file (t.window, file);
  show_flame_then (&t, N_PROFILES - 1, "opened");
  ms_test_settle (200);
  g_assert_true (ms_test_shows_toast (t.window, expected));
  /* Every profile is there; the purge is, the alarm (cut) is not. */
  g_assert_cmpuint (ms_counter_chart_get_n_markers (ms_window_get_counter_chart (t.window)), ==, 1);

  /* An intact recording opens without it. */
  gtk_window_destroy (GTK_WINDOW (t.window));
  ms_test_write_recording (path, t.profiles);
  t.window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (t.window));
  ms_window_open_file (t.window, file);
  show_flame_then (&t, N_PROFILES - 1, "opened intact");
  ms_test_settle (200);
  g_assert_false (ms_test_shows_toast (t.window, "The recording ends"));
  gtk_window_destroy (GTK_WINDOW (t.window));

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A format 1 session: its markers are in "sampling", its profiles measured when opened. */
static void
test_session_format1 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-window-snapshots-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "session.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(JsonObject) sampling = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *stack[] = { "0x100 leaf0", "0x20 main", NULL };
  static const char *kinds[] = { "purge", "pressure-critical" };
  JsonArray *markers = json_array_new ();
  MsSnapshotTimeline *timeline;
  Test t = { NULL };

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) reply = NULL;
      JsonObject *marker = json_object_new ();

      ms_test_make_profile (i, &t.profiles[i]);
      reply = ms_test_reply_for (&t.profiles[i], i);
      g_assert_true (ms_session_file_add_profile_reply (session, t.profiles[i].time_us,
                                                        "Memory.getSamplingProfile", reply, &error));
      g_assert_no_error (error);
      if (i < G_N_ELEMENTS (kinds))
        {
          json_object_set_int_member (marker, "time", t.profiles[i].time_us + 1000);
          json_object_set_string_member (marker, "kind", kinds[i]);
          json_array_add_object_element (markers, marker);
        }
      else
        json_object_unref (marker);
    }
  json_object_set_array_member (sampling, "markers", markers);
  ms_session_file_set_sampling (session, sampling);
  ms_session_file_add_alarm_event (session, t.profiles[1].time_us, 4096, 8192, stack);
  g_assert_true (ms_session_file_save (session, file, NULL, &error));
  g_assert_no_error (error);

  t.window = ms_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (t.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (t.window));
  ms_window_open_file (t.window, file);
  show_flame_then (&t, 2, "opened");
  timeline = MS_SNAPSHOT_TIMELINE (find_widget (GTK_WIDGET (t.window), MS_TYPE_SNAPSHOT_TIMELINE));
  g_assert_true (ms_test_wait_for (lists_three, timeline, 20));
  g_assert_cmpuint (ms_counter_chart_get_n_markers (ms_window_get_counter_chart (t.window)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      guint64 total;

      g_assert_true (ms_snapshot_timeline_get_snapshot (timeline, i, NULL, NULL, &total));
      g_assert_cmpuint (total, ==, ms_test_sum_totals (&t.profiles[i]));
    }
  ms_test_settle (200);
  ms_test_focus_window (GTK_WINDOW (t.window));
  gtk_widget_grab_focus (GTK_WIDGET (timeline));
  ms_test_key (XK_Home, FALSE);
  show_flame_then (&t, 0, "Home");

  gtk_window_destroy (GTK_WINDOW (t.window));
  ms_test_settle (100);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/memscope/ui/window-snapshots/open-and-scrub", test_open_and_scrub);
  g_test_add_func ("/memscope/ui/window-snapshots/session-format1", test_session_format1);
  g_test_add_func ("/memscope/ui/window-snapshots/torn-tail", test_torn_tail);
  g_test_add_func ("/memscope/ui/window-snapshots/short-recording-fits", test_short_recording_fits);

  return g_test_run ();
}
