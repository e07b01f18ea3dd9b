/* test-window.c: MsWindow opening a saved session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ms-session-file.h"
#include "ms-ui-test-util.h"
#include "ms-window-private.h"

#define T0 (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = ms_test_fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* A session file of two profiles of the fixture, three counter readings, one alarm. */
static GFile *
write_session (const char *dir)
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GBytes) profile = read_fixture ("getSamplingProfile.json");
  g_autoptr(GBytes) counters = read_fixture ("getDOMCounters.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "fixture.memscope", NULL);
  GFile *file = g_file_new_for_path (path);
  const char *stack[] = { "posix_memalign", "main", NULL };

  for (guint i = 0; i < 2; i++)
    {
      ms_session_file_add_profile_reply (session, T0 + i * 2 * G_USEC_PER_SEC,
                                         "Memory.getSamplingProfile", profile, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 3; i++)
    {
      ms_session_file_add_counters_reply (session, T0 + i * G_USEC_PER_SEC, counters, &error);
      g_assert_no_error (error);
    }
  ms_session_file_add_alarm_event (session, T0 + G_USEC_PER_SEC, 5 * 1024 * 1024,
                                   5 * 1024 * 1024, stack);

  ms_session_file_save (session, file, NULL, &error);
  g_assert_no_error (error);

  return file;
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

static gboolean
is_bottom_up (gpointer user_data)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (MS_WINDOW (user_data)->flame_graph);

  return tree != NULL && ms_flame_tree_get_direction (tree) == MS_FLAME_DIRECTION_BOTTOM_UP;
}

static gboolean
has_tree (gpointer user_data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) != NULL;
}

static void
test_open_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autoptr(GFile) file = NULL;
  g_autoptr(MsProfile) profile = ms_test_load_fixture_profile ();
  g_autoptr(MsFlameTree) expected = NULL;
  MsFlameTreeOptions options;
  MsWindow *window;
  MsFlameTree *tree;
  MsCounterSeries *series;

  g_assert_no_error (error);
  file = write_session (dir);

  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  g_assert_true (ms_test_wait_for (has_tree, window, 20));

  /* The last profile, as a top-down tree of symbols. */
  ms_flame_tree_options_init (&options);
  expected = ms_flame_tree_new (profile, &options);
  tree = ms_flame_graph_get_tree (ms_window_get_flame_graph (window));
  g_assert_cmpuint (ms_flame_tree_get_n_nodes (tree), ==, ms_flame_tree_get_n_nodes (expected));
  g_assert_cmpuint (ms_flame_tree_get_node (tree, 0)->total_bytes, ==,
                    ms_flame_tree_get_node (expected, 0)->total_bytes);

  /* Its histogram, and the counters. */
  g_assert_nonnull (ms_histogram_view_get_histogram (ms_window_get_histogram_view (window)));
  series = ms_counter_chart_get_series (ms_window_get_counter_chart (window));
  g_assert_nonnull (series);
  g_assert_cmpuint (ms_counter_series_get_n_points (series, "nodes"), ==, 3);

  /* Bottom up: the same profile again, the allocating frames at the root's children. */
  gtk_drop_down_set_selected (window->flame_direction, 1);
  g_assert_true (ms_test_wait_for (is_bottom_up, window, 20));
  g_assert_cmpuint (ms_flame_tree_get_node (ms_flame_graph_get_tree (window->flame_graph), 0)->total_bytes,
                    ==, ms_flame_tree_get_node (expected, 0)->total_bytes);
  gtk_drop_down_set_selected (window->flame_direction, 0);

  /* Read-only: nothing is recording. */
  g_assert_null (ms_window_get_recorder (window));

  /* Saved again, it holds the same session. */
  {
    g_autofree char *copy_path = g_build_filename (dir, "copy.memscope", NULL);
    g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
    g_autoptr(MsSessionFile) reread = NULL;
    SaveResult save = { 0 };

    ms_window_save_to_file_async (window, copy, on_saved, &save);
    g_assert_true (ms_test_wait_for (is_saved, &save, 20));
    g_assert_no_error (save.error);
    g_assert_true (save.ok);

    reread = ms_session_file_new_from_file (copy, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ms_session_file_get_n_profiles (reread), ==, 2);
    g_assert_cmpuint (ms_session_file_get_n_counters (reread), ==, 3);
    g_assert_cmpuint (ms_session_file_get_n_alarm_events (reread), ==, 1);
    g_assert_cmpint (g_unlink (copy_path), ==, 0);
  }

  ms_test_settle (200);
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpint (g_unlink (g_file_peek_path (file)), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
is_on_empty_page (gpointer user_data)
{
  MsWindow *window = user_data;

  return ms_window_get_live_target (window) == NULL &&
         g_str_equal (gtk_stack_get_visible_child_name (window->main_stack), "empty");
}

static gboolean
is_showing_empty_page (gpointer user_data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) == NULL &&
         ms_counter_chart_get_series (ms_window_get_counter_chart (user_data)) == NULL;
}

static void
test_open_bad_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bad.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  MsWindow *window;

  g_file_set_contents (path, "{\"format\": \"something else\"}", -1, &error);
  g_assert_no_error (error);

  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  ms_test_settle (500);
  /* Nothing shown; the error went to a toast. */
  g_assert_true (is_showing_empty_page (window));
  gtk_window_destroy (GTK_WINDOW (window));

  g_unlink (path);
  g_rmdir (dir);
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

/* Another computer's DevTools port: asked first, and nothing happens on Cancel. */
static void
test_connect_remote_asks (void)
{
  MsWindow *window = ms_window_new (NULL);
  AdwMessageDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (find_message_dialog (GTK_WINDOW (window)));

  gtk_editable_set_text (GTK_EDITABLE (window->endpoint_row), "192.0.2.1:9222");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect", NULL));
  dialog = find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "connect"));
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");

  /* Escape or the close button: the close response, "cancel". */
  gtk_window_close (GTK_WINDOW (dialog));
  ms_test_settle (100);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "empty");
  g_assert_null (ms_window_get_live_target (window));

  /* A loopback endpoint is not asked about: it goes looking for targets at once. */
  gtk_editable_set_text (GTK_EDITABLE (window->endpoint_row), "127.0.0.1:1");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect", NULL));
  g_assert_null (find_message_dialog (GTK_WINDOW (window)));
  g_assert_nonnull (ms_window_get_live_target (window));
  /* Nothing listens there: back to the start, the error in a toast. */
  g_assert_true (ms_test_wait_for (is_on_empty_page, window, 20));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/memscope/ui/window/open-session", test_open_session);
  g_test_add_func ("/memscope/ui/window/open-bad-file", test_open_bad_file);
  g_test_add_func ("/memscope/ui/window/connect-remote-asks", test_connect_remote_asks);

  return g_test_run ();
}
