/* test-window-browser.c: the window's launch action on a real headless Chromium
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>

#include <adwaita.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>

#include "ms-browser-launcher.h"
#include "ms-ui-test-browser.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
#include "ms-window-private.h"

static gboolean
has_tree (gpointer user_data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) != NULL;
}

static gboolean
has_counters (gpointer user_data)
{
  MsCounterSeries *series = ms_counter_chart_get_series (ms_window_get_counter_chart (user_data));

  return series != NULL && ms_counter_series_get_n_points (series, "nodes") >= 2;
}

/* Both counts answered: every counter has a baseline and a now. */
static gboolean
has_leak_counters (gpointer user_data)
{
  MsWindow *window = user_data;

  return g_list_model_get_n_items (G_LIST_MODEL (window->leak_names)) > 0 &&
         ms_recorder_get_markers (ms_window_get_recorder (window))->len >= 2;
}

static gboolean
has_target_rows (gpointer user_data)
{
  MsWindow *window = user_data;

  return gtk_list_box_get_row_at_index (window->targets_list, 0) != NULL;
}

/* The pressure command was answered: its marker is in the recording. */
static gboolean
has_pressure_marker (gpointer user_data)
{
  GArray *markers = ms_recorder_get_markers (user_data);

  for (guint i = 0; i < markers->len; i++)
    if (g_str_equal (g_array_index (markers, MsRecordedMarker, i).kind, "pressure-moderate"))
      return TRUE;
  return FALSE;
}

static gboolean
process_gone (gpointer user_data)
{
  GPid pid = GPOINTER_TO_INT (user_data);

  return kill (pid, 0) != 0 && errno == ESRCH;
}

static gboolean
is_gone (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

static gboolean
has_stopped (gpointer user_data)
{
  return ms_recorder_get_state (user_data) == MS_RECORDER_STATE_STOPPED;
}

static gboolean
is_recording (gpointer user_data)
{
  MsRecorder *recorder = ms_window_get_recorder (user_data);

  return recorder != NULL && ms_recorder_get_state (recorder) == MS_RECORDER_STATE_RECORDING;
}

static void
test_launch_and_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *browser = ms_browser_launcher_find_browser (NULL, &error);
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *url = NULL;
  MsWindow *window;
  MsRecorder *recorder;

  if (browser == NULL)
    {
      g_test_skip (error->message);
      return;
    }

  server = ms_test_serve_demo_page (&url);
  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));

  /* The launch action on the demo page served from 127.0.0.1, headless. */
  ms_window_set_launch_url (window, url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.launch", NULL));
  g_assert_true (ms_test_wait_for (has_tree, window, 120));
  /* Recorded into a file named after the page's host. */
  {
    g_autofree char *name = g_file_get_basename (ms_window_get_recording_output (window));

    g_assert_true (g_str_has_prefix (name, "127.0.0.1-"));
  }

  recorder = ms_window_get_recorder (window);
  g_assert_nonnull (recorder);
  g_assert_cmpint (ms_recorder_get_state (recorder), ==, MS_RECORDER_STATE_RECORDING);
  g_assert_cmpuint (ms_recorder_get_profiles (recorder)->len, >=, 1);
  g_assert_nonnull (ms_histogram_view_get_histogram (ms_window_get_histogram_view (window)));
  g_assert_true (ms_test_wait_for (has_counters, window, 30));

  /* The Tools page: a leak baseline, a count (the table: the page's counters, each
   * with its delta), memory pressure. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leak-baseline", NULL));
  ms_test_settle (200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leak-count", NULL));
  g_assert_true (ms_test_wait_for (has_leak_counters, window, 60));
  ms_test_settle (100);
  /* Counter names as Chromium 156 gives them (the fixture leak-detection reply). */
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->leak_view), "live_nodes"));
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->leak_view), "live_documents"));
  /* Counting objects left its markers; pressure has none yet. */
  g_assert_cmpstr (g_array_index (ms_recorder_get_markers (recorder), MsRecordedMarker, 0).kind,
                   ==, "leak-counters");
  g_assert_false (has_pressure_marker (recorder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pressure", "s", "moderate"));
  g_assert_true (ms_test_wait_for (has_pressure_marker, recorder, 30));

  /* Stop through the header bar's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (has_stopped, recorder, 60));
  g_assert_cmpint (ms_live_target_get_state (ms_window_get_live_target (window)), ==,
                   MS_LIVE_TARGET_STATE_CONNECTED);

  /* The recording is in its file, which reopens with every profile; a copy can be saved. */
  {
    g_autoptr(MsRecordingFile) reopened =
      ms_recording_file_new_for_path (g_file_peek_path (ms_window_get_recording_output (window)), &error);
    g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "demo.memscope", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(MsSessionFile) reread = NULL;
    g_autoptr(GError) save_error = NULL;

    g_assert_no_error (error);
    g_assert_true (ms_recording_file_get_closed (reopened));
    g_assert_cmpuint (ms_recording_file_get_n_profiles (reopened), ==,
                      ms_recorder_get_profiles (recorder)->len);
    save_error = ms_test_save_window (window, file);
    g_assert_no_error (save_error);
    reread = ms_session_file_new_from_file (file, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ms_session_file_get_n_profiles (reread), ==,
                      ms_recorder_get_profiles (recorder)->len);
    g_assert_cmpint (g_unlink (path), ==, 0);
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }

  /* Recording again starts another recording at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-recording", NULL));
  g_assert_null (ms_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_true (ms_window_get_recorder (window) != recorder);
  g_assert_true (ms_test_wait_for (is_recording, window, 60));

  /* A second window connects to the same browser through the endpoint entry and the
   * target list, and records too. */
  {
    g_autofree char *where = ms_live_target_describe (ms_window_get_live_target (window));
    MsWindow *second = ms_window_new (NULL);
    GtkListBoxRow *row;

    gtk_window_present (GTK_WINDOW (second));
    gtk_editable_set_text (GTK_EDITABLE (second->endpoint_row), where);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.connect", NULL));
    g_assert_true (ms_test_wait_for (has_target_rows, second, 30));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (second->main_stack), ==, "targets");

    row = gtk_list_box_get_row_at_index (second->targets_list, 0);
    g_signal_emit_by_name (second->targets_list, "row-activated", row);
    g_assert_true (ms_test_wait_for (has_tree, second, 120));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (second->main_stack), ==, "session");
    g_assert_cmpint (ms_recorder_get_state (ms_window_get_recorder (second)), ==,
                     MS_RECORDER_STATE_RECORDING);
    gtk_window_destroy (GTK_WINDOW (second));
  }

  /* Closing the window during the recording asks; kept, sampling stops in the browser,
   * the file is closed with every profile, and the browser the window launched stops. */
  {
    GPid pid = ms_live_target_get_browser_pid (ms_window_get_live_target (window));
    g_autoptr(GFile) output = g_object_ref (ms_window_get_recording_output (window));
    g_autoptr(MsRecordingFile) kept = NULL;
    MsWindow *closing = window;
    guint n_profiles;

    g_assert_cmpint (pid, >, 0);
    g_assert_false (process_gone (GINT_TO_POINTER (pid)));
    g_object_add_weak_pointer (G_OBJECT (closing), (gpointer *) &closing);
    gtk_window_close (GTK_WINDOW (window));
    ms_test_settle (100);
    g_assert_nonnull (closing);
    n_profiles = ms_recorder_get_profiles (ms_window_get_recorder (window))->len;
    ms_test_answer_dialog (window, "keep");
    g_assert_true (ms_test_wait_for (is_gone, &closing, 60));
    g_assert_true (ms_test_wait_for (process_gone, GINT_TO_POINTER (pid), 30));
    kept = ms_recording_file_new_for_path (g_file_peek_path (output), &error);
    g_assert_no_error (error);
    g_assert_true (ms_recording_file_get_closed (kept));
    /* The profiles seen when closing, and the one taken when it stopped, if any. */
    g_assert_cmpuint (ms_recording_file_get_n_profiles (kept), >=, n_profiles);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("memscope-ui-data-XXXXXX", NULL);
  int status;

  /* The window records into $XDG_DATA_HOME/memscope/recordings: a folder of the test. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/memscope/ui/window-browser/launch-and-record", test_launch_and_record);

  status = g_test_run ();
  ms_test_remove_tree (data_home);
  return status;
}
