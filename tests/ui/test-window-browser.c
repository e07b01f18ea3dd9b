/* test-window-browser.c: the window's launch action on a real headless Chromium
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ms-browser-launcher.h"
#include "ms-ui-test-util.h"
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

static gboolean
has_leak_counters (gpointer user_data)
{
  MsWindow *window = user_data;

  return gtk_list_box_get_row_at_index (window->leak_list, 0) != NULL;
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
has_stopped (gpointer user_data)
{
  return ms_recorder_get_state (user_data) == MS_RECORDER_STATE_STOPPED;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} SaveResult;

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  SaveResult *save = user_data;

  save->ok = ms_window_save_to_file_finish (MS_WINDOW (object), result, &save->error);
  save->done = TRUE;
}

static gboolean
is_saved (gpointer user_data)
{
  return ((SaveResult *) user_data)->done;
}

static AdwMessageDialog *
find_message_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)) &&
          gtk_window_get_transient_for (toplevel) == parent)
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
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
  MsWindow *window;
  MsRecorder *recorder;

  if (browser == NULL)
    {
      g_test_skip (error->message);
      return;
    }

  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));

  /* The launch action with its defaults: the demo page, headless. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.launch", NULL));
  g_assert_true (ms_test_wait_for (has_tree, window, 120));

  recorder = ms_window_get_recorder (window);
  g_assert_nonnull (recorder);
  g_assert_cmpint (ms_recorder_get_state (recorder), ==, MS_RECORDER_STATE_RECORDING);
  g_assert_cmpuint (ms_recorder_get_profiles (recorder)->len, >=, 1);
  g_assert_nonnull (ms_histogram_view_get_histogram (ms_window_get_histogram_view (window)));
  g_assert_true (ms_test_wait_for (has_counters, window, 30));

  /* The Tools page: leak-detection counters into the table, memory pressure. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leak-counters", NULL));
  g_assert_true (ms_test_wait_for (has_leak_counters, window, 60));
  /* Counting objects left its marker; pressure has none yet. */
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

  /* A stopped recording can be saved. */
  {
    g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "demo.memscope", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(MsSessionFile) reread = NULL;
    SaveResult save = { 0 };

    ms_window_save_to_file_async (window, file, on_saved, &save);
    g_assert_true (ms_test_wait_for (is_saved, &save, 30));
    g_assert_no_error (save.error);
    reread = ms_session_file_new_from_file (file, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ms_session_file_get_n_profiles (reread), >=, 1);
    g_assert_cmpint (g_unlink (path), ==, 0);
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }

  /* Recording again asks before it replaces the stopped, unsaved-by-the-user recording. */
  {
    AdwMessageDialog *dialog;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-recording", NULL));
    dialog = find_message_dialog (GTK_WINDOW (window));
    g_assert_nonnull (dialog);
    g_assert_true (ms_window_get_recorder (window) == recorder);
    adw_message_dialog_response (dialog, "discard");
    gtk_window_close (GTK_WINDOW (dialog));
    g_assert_true (ms_window_get_recorder (window) != recorder);
    g_assert_true (ms_test_wait_for (is_recording, window, 60));
  }

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

  /* Closing the window stops the browser it launched. */
  {
    GPid pid = ms_live_target_get_browser_pid (ms_window_get_live_target (window));

    g_assert_cmpint (pid, >, 0);
    g_assert_false (process_gone (GINT_TO_POINTER (pid)));
    gtk_window_destroy (GTK_WINDOW (window));
    g_assert_true (ms_test_wait_for (process_gone, GINT_TO_POINTER (pid), 30));
  }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/memscope/ui/window-browser/launch-and-record", test_launch_and_record);

  return g_test_run ();
}
