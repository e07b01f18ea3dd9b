/* test-window.c: MsWindow opening a saved session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ms-session-file.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
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

/* The fixture's DOM counter @name, read with json-glib. */
static double
fixture_counter (const char *name)
{
  g_autoptr(GBytes) bytes = read_fixture ("getDOMCounters.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              &error);
  g_assert_no_error (error);
  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                    "result"), name);
}

/* A session file of two profiles of the fixture, three counter readings, one alarm. */
static GFile *
write_session_named (const char *dir,
                     const char *name)
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GBytes) profile = read_fixture ("getSamplingProfile.json");
  g_autoptr(GBytes) counters = read_fixture ("getDOMCounters.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GFile *file = g_file_new_for_path (path);
  /* Frames are the browser's text: never markup. */
  const char *stack[] = { "posix_memalign", "std::vector<int>&", "main", NULL };

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

static GFile *
write_session (const char *dir)
{
  return write_session_named (dir, "fixture.memscope");
}

static gboolean
is_bottom_up (gpointer user_data)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (MS_WINDOW (user_data)->flame_graph);

  return tree != NULL && ms_flame_tree_get_direction (tree) == MS_FLAME_DIRECTION_BOTTOM_UP;
}

static gboolean
has_64_byte_blocks (gpointer user_data)
{
  MsSizeHistogram *histogram = ms_histogram_view_get_histogram (ms_window_get_histogram_view (user_data));

  return histogram != NULL && ms_size_histogram_get_bytes_per_block (histogram) == 64;
}

static gboolean
timeline_has_two (gpointer user_data)
{
  return ms_snapshot_timeline_get_n_snapshots (ms_window_get_snapshot_timeline (user_data)) == 2;
}

static gboolean
shows_first_profile (gpointer user_data)
{
  return g_str_has_prefix (gtk_label_get_text (MS_WINDOW (user_data)->flame_status), "Profile 1 at ");
}

static gboolean
has_tree (gpointer user_data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) != NULL;
}

/* Independently of the library: the fixture's samples, read with json-glib. */
typedef struct
{
  guint   n_samples;
  guint64 total;         /* sum of "total" */
  guint64 max_stack;     /* the longest stack */
} FixtureFigures;

static void
read_fixture_figures (FixtureFigures *figures)
{
  g_autoptr(GBytes) bytes = read_fixture ("getSamplingProfile.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *samples;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              &error);
  g_assert_no_error (error);
  samples = json_object_get_array_member (
              json_object_get_object_member (
                json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                               "result"), "profile"), "samples");
  memset (figures, 0, sizeof *figures);
  figures->n_samples = json_array_get_length (samples);
  for (guint i = 0; i < figures->n_samples; i++)
    {
      JsonObject *sample = json_array_get_object_element (samples, i);

      figures->total += json_object_get_int_member (sample, "total");
      figures->max_stack = MAX (figures->max_stack,
                                json_array_get_length (json_object_get_array_member (sample, "stack")));
    }
}

/* The histogram shows every sample and every estimated byte, in some bucket. */
static void
assert_histogram_holds (MsSizeHistogram      *histogram,
                        const FixtureFigures *figures)
{
  guint64 n = 0, bytes = 0;

  g_assert_nonnull (histogram);
  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      guint64 estimated_bytes = 0;

      n += ms_size_histogram_get_bucket (histogram, i, NULL, NULL, &estimated_bytes);
      bytes += estimated_bytes;
    }
  g_assert_cmpuint (n, ==, figures->n_samples);
  g_assert_cmpuint (bytes, ==, figures->total);
}

static void
test_open_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autoptr(GFile) file = NULL;
  g_autofree char *samples_text = NULL;
  FixtureFigures figures;
  MsWindow *window;
  MsFlameTree *tree;
  MsCounterSeries *series;

  g_assert_no_error (error);
  file = write_session (dir);
  read_fixture_figures (&figures);
  g_assert_cmpuint (figures.n_samples, >, 0);

  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  g_assert_true (ms_test_wait_for (has_tree, window, 20));

  /* The last profile: every sampled byte under the root. */
  tree = ms_flame_graph_get_tree (ms_window_get_flame_graph (window));
  g_assert_cmpuint (ms_flame_tree_get_node (tree, 0)->total_bytes, ==, figures.total);
  g_assert_cmpint (ms_flame_tree_get_direction (tree), ==, MS_FLAME_DIRECTION_TOP_DOWN);
  /* The line above the graph: profile 2 of 2, the fixture's number of samples. */
  samples_text = g_strdup_printf ("· %u samples ·", figures.n_samples);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (window->flame_status), "Profile 2 at "));
  g_assert_nonnull (strstr (gtk_label_get_text (window->flame_status), samples_text));
  /* It sits in the flame view's own header row, beside the zoom path and the drop-downs,
   * not in a row of its own above the view. */
  g_assert_true (gtk_widget_get_ancestor (GTK_WIDGET (window->flame_status), MS_TYPE_FLAME_VIEW) ==
                 GTK_WIDGET (window->flame_view));
  g_assert_true (gtk_widget_get_parent (GTK_WIDGET (window->flame_status)) ==
                 gtk_widget_get_parent (GTK_WIDGET (window->flame_direction)));

  /* Its histogram, and the counters: three readings of the fixture's values. */
  assert_histogram_holds (ms_histogram_view_get_histogram (ms_window_get_histogram_view (window)),
                          &figures);
  series = ms_counter_chart_get_series (ms_window_get_counter_chart (window));
  g_assert_nonnull (series);
  g_assert_cmpuint (ms_counter_series_get_n_points (series, "nodes"), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      gint64 time;
      double value;

      ms_counter_series_get_point (series, "nodes", i, &time, &value);
      g_assert_cmpint (time, ==, T0 + i * G_USEC_PER_SEC);
      g_assert_cmpfloat (value, ==, fixture_counter ("nodes"));
    }
  /* The alarm, its frames shown literally. */
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->alarms_list), "posix_memalign ← std::vector<int>& ← main"));

  /* Bottom up: the same profile again, the same bytes at the root. */
  gtk_drop_down_set_selected (window->flame_direction, 1);
  g_assert_true (ms_test_wait_for (is_bottom_up, window, 20));
  g_assert_cmpuint (ms_flame_tree_get_node (ms_flame_graph_get_tree (window->flame_graph), 0)->total_bytes,
                    ==, figures.total);
  gtk_drop_down_set_selected (window->flame_direction, 0);

  /* Read-only: nothing is recording. */
  g_assert_null (ms_window_get_recorder (window));

  /* Every profile of the file, not only the last: the first, on request. */
  g_assert_cmpuint (ms_window_get_n_snapshots (window), ==, 2);
  g_assert_cmpuint (ms_window_get_shown_snapshot (window), ==, 1);
  g_assert_true (ms_test_wait_for (timeline_has_two, window, 20));
  ms_window_show_snapshot (window, 0);
  g_assert_true (ms_test_wait_for (shows_first_profile, window, 20));
  g_assert_cmpuint (ms_window_get_shown_snapshot (window), ==, 0);
  g_assert_cmpuint (ms_flame_tree_get_node (ms_flame_graph_get_tree (window->flame_graph), 0)->total_bytes,
                    ==, figures.total);
  /* The histogram's block size (a setting): the views are built again with it, every
   * sample still counted. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_uint (settings, "histogram-bytes-per-block", 64);
    g_assert_cmpuint (gtk_spin_button_get_value_as_int (window->histogram_block_spin), ==, 64);
    g_assert_true (ms_test_wait_for (has_64_byte_blocks, window, 20));
    assert_histogram_holds (ms_histogram_view_get_histogram (ms_window_get_histogram_view (window)),
                            &figures);
    g_settings_reset (settings, "histogram-bytes-per-block");
  }
  /* Past the end: nothing changes. */
  ms_window_show_snapshot (window, 2);
  g_assert_cmpuint (ms_window_get_shown_snapshot (window), ==, 0);

  /* Saved again, it holds the same session. */
  {
    g_autofree char *copy_path = g_build_filename (dir, "copy.memscope", NULL);
    g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
    g_autoptr(MsSessionFile) reread = NULL;
    g_autoptr(GError) save_error = ms_test_save_window (window, copy);

    g_assert_no_error (save_error);

    reread = ms_session_file_new_from_file (copy, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ms_session_file_get_n_profiles (reread), ==, 2);
    g_assert_cmpuint (ms_session_file_get_n_counters (reread), ==, 3);
    g_assert_cmpuint (ms_alarm_list_get_n_events (ms_session_file_get_alarms (reread)), ==, 1);
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

static gboolean
is_back_on_empty_page (gpointer user_data)
{
  return g_str_equal (gtk_stack_get_visible_child_name (MS_WINDOW (user_data)->main_stack), "empty");
}

static void
test_open_bad_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "Q&A bad.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  MsWindow *window;

  g_file_set_contents (path, "{\"format\": \"something else\"}", -1, &error);
  g_assert_no_error (error);

  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  /* Busy with the file, its name shown as it is; then back, the error in a toast. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "busy");
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->busy_page), "Q&A bad.memscope"));
  g_assert_true (ms_test_wait_for (is_back_on_empty_page, window, 20));
  g_assert_true (ms_test_shows_toast (window, "Could not open the session: "));
  g_assert_true (is_showing_empty_page (window));
  gtk_window_destroy (GTK_WINDOW (window));

  g_unlink (path);
  g_rmdir (dir);
}

/* A file name with markup characters shows as it is, everywhere (a markup error would
 * be a fatal warning). */
static void
test_markup_file_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autoptr(GFile) file = write_session_named (dir, "Q&A.memscope");
  MsWindow *window = ms_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->busy_page), "Q&A.memscope"));
  g_assert_true (ms_test_wait_for (has_tree, window, 20));
  ms_test_settle (100);
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->switcher_title), "Q&A.memscope (read-only)"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (window->session_status),
                                   "Q&A.memscope (read-only) · 2 profiles · 3 counter readings"));
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpint (g_unlink (g_file_peek_path (file)), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The launch action with a URL holding markup characters; the browser is a script that
 * fails, so nothing is launched for real. */
static void
test_markup_launch_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autofree char *script = g_build_filename (dir, "failing-browser", NULL);
  MsWindow *window;

  g_file_set_contents (script, "#!/bin/sh\necho 'no <display> & no luck'\nexit 3\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  g_setenv ("MEMSCOPE_BROWSER", script, TRUE);

  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ms_window_set_launch_url (window, "https://x/?a=1&b=2");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.launch", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "busy");
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->busy_page), "https://x/?a=1&b=2"));
  g_assert_true (ms_test_wait_for (is_back_on_empty_page, window, 30));
  g_assert_true (ms_test_shows_toast (window, "Could not connect: "));
  g_assert_null (ms_window_get_live_target (window));
  /* The toast goes; the start page keeps saying why, markup and all, until the next
   * attempt. */
  {
    g_autoptr(GPtrArray) texts = ms_test_collect_labels (GTK_WIDGET (window->empty_page));
    gboolean found = FALSE;

    for (guint i = 0; i < texts->len; i++)
      found |= g_str_has_prefix (g_ptr_array_index (texts, i), "Could not connect: ") &&
               strstr (g_ptr_array_index (texts, i), "no <display> & no luck") != NULL;
    g_assert_true (found);
  }
  ms_window_set_launch_url (window, "https://x/?a=1&b=2");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.launch", NULL));
  g_assert_cmpstr (adw_status_page_get_description (window->empty_page), ==,
                   "Launch Chromium on a page, or connect to a browser started with "
                   "--remote-debugging-port");
  g_assert_true (ms_test_wait_for (is_back_on_empty_page, window, 30));
  gtk_window_destroy (GTK_WINDOW (window));

  g_unsetenv ("MEMSCOPE_BROWSER");
  g_assert_cmpint (g_unlink (script), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* MEMSCOPE_DATADIR=data, relative to the current folder: the start page offers the demo
 * page's file:// URI and --demo launches it, never about:blank. The browser is a script
 * that fails, so nothing is launched for real. */
static void
test_demo_relative_datadir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autofree char *demo_dir = g_build_filename (dir, "data", "demo", NULL);
  g_autofree char *page = g_build_filename (demo_dir, "leaky-page.html", NULL);
  g_autofree char *script = g_build_filename (dir, "failing-browser", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *old_datadir = g_strdup (g_getenv ("MEMSCOPE_DATADIR"));
  /* g_dir_make_tmp names the folder with letters and digits only: nothing to escape. */
  g_autofree char *expected = g_strconcat ("file://", dir, "/data/demo/leaky-page.html", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  MsLiveTarget *live;
  MsWindow *window;

  g_assert_no_error (error);
  g_assert_true (g_path_is_absolute (dir));
  g_assert_cmpint (g_mkdir_with_parents (demo_dir, 0700), ==, 0);
  g_file_set_contents (page, "<html></html>\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (script, "#!/bin/sh\nexit 3\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  g_setenv ("MEMSCOPE_BROWSER", script, TRUE);
  g_assert_cmpint (g_chdir (dir), ==, 0);
  g_setenv ("MEMSCOPE_DATADIR", "data", TRUE);
  /* Not a page launched before: the demo page is offered. */
  g_settings_reset (settings, "last-launch-url");

  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->url_row)), ==, expected);
  ms_window_launch_demo (window);
  live = ms_window_get_live_target (window);
  g_assert_nonnull (live);
  g_assert_cmpstr (ms_live_target_get_launch_url (live), ==, expected);
  g_assert_true (ms_test_wait_for (is_back_on_empty_page, window, 30));
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_setenv ("MEMSCOPE_DATADIR", old_datadir, TRUE);
  g_unsetenv ("MEMSCOPE_BROWSER");
  ms_test_remove_tree (dir);
}

/* win.open and win.save-as ask for a file; cancelled, nothing changes. */
static void
test_file_actions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autoptr(GFile) file = write_session (dir);
  MsWindow *window = ms_window_new (NULL);
  GtkWindow *chooser;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL));
  chooser = ms_test_find_file_chooser (GTK_WINDOW (window));
  g_assert_nonnull (chooser);
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Open a Session");
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_OPEN);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  ms_test_settle (100);
  g_assert_null (ms_test_find_file_chooser (GTK_WINDOW (window)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "empty");

  /* The recordings folder is chosen in a folder chooser. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.choose-recordings-folder", NULL));
  chooser = ms_test_find_file_chooser (GTK_WINDOW (window));
  g_assert_nonnull (chooser);
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  ms_test_settle (100);

  /* Nothing to save yet: the action is off. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save-as", NULL);
  g_assert_null (ms_test_find_file_chooser (GTK_WINDOW (window)));

  ms_window_open_file (window, file);
  g_assert_true (ms_test_wait_for (has_tree, window, 20));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save-as", NULL));
  chooser = ms_test_find_file_chooser (GTK_WINDOW (window));
  g_assert_nonnull (chooser);
  g_assert_cmpstr (gtk_window_get_title (chooser), ==, "Save the Session");
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  ms_test_settle (100);

  /* A copy never goes over the file itself, nor over a file that is not a session
   * (which stays as it was). */
  {
    g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
    g_autoptr(GFile) notes_file = g_file_new_for_path (notes);
    g_autoptr(GError) save_error = NULL;
    g_autofree char *contents = NULL;

    save_error = ms_test_save_window (window, file);
    g_assert_error (save_error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_clear_error (&save_error);
    g_file_set_contents (notes, "not a session", -1, &error);
    g_assert_no_error (error);
    save_error = ms_test_save_window (window, notes_file);
    g_assert_error (save_error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_file_get_contents (notes, &contents, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (contents, ==, "not a session");
    g_assert_cmpint (g_unlink (notes), ==, 0);
  }
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpint (g_unlink (g_file_peek_path (file)), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Another computer's DevTools port: asked first, and nothing happens on Cancel. */
static void
test_connect_remote_asks (void)
{
  MsWindow *window = ms_window_new (NULL);
  AdwMessageDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (ms_test_find_message_dialog (GTK_WINDOW (window)));

  gtk_editable_set_text (GTK_EDITABLE (window->endpoint_row), "192.0.2.1:9222");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect", NULL));
  dialog = ms_test_find_message_dialog (GTK_WINDOW (window));
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
  g_assert_null (ms_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_nonnull (ms_window_get_live_target (window));
  /* Nothing listens there: back to the start, the error in a toast. */
  g_assert_true (ms_test_wait_for (is_on_empty_page, window, 20));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* What the window remembers (GSETTINGS_BACKEND=memory: for this process): its size,
 * the flame graph's direction, the last endpoint and page URL used. */
static void
test_settings_persist (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  MsWindow *window = ms_window_new (NULL);
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_drop_down_set_selected (window->flame_direction, 1);
  gtk_editable_set_text (GTK_EDITABLE (window->endpoint_row), "127.0.0.1:1");
  gtk_editable_set_text (GTK_EDITABLE (window->url_row), "http://127.0.0.1:1/a&b");
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect", NULL));
  g_assert_true (ms_test_wait_for (is_on_empty_page, window, 20));
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  {
    g_autofree char *direction = g_settings_get_string (settings, "flame-graph-direction");

    g_assert_cmpstr (direction, ==, "bottom-up");
  }
  window = ms_window_new (NULL);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 600);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->flame_direction), ==, 1);
  g_assert_cmpint (ms_window_get_flame_direction (window), ==, MS_FLAME_DIRECTION_BOTTOM_UP);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->endpoint_row)), ==, "127.0.0.1:1");
  /* The URL was typed, not launched: the demo page is offered still. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->url_row)), !=, "http://127.0.0.1:1/a&b");
  /* The direction is an action too (the menu's). */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "flame-graph-direction",
                                      g_variant_new_string ("top-down"));
  g_assert_cmpuint (gtk_drop_down_get_selected (window->flame_direction), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "flame-graph-direction");
}

/* Every button with a mnemonic is named without its underscore (GTK 4.8 names a button
 * by its own label, underscore and all, then by the label again: "_Purge… Purge…"):
 * either its accessible label says it plainly, or it is labelled by its child label. */
static void
check_mnemonic_buttons (GtkWidget *widget,
                        guint     *n_checked)
{
  GtkWidget *child = GTK_IS_BUTTON (widget) ? gtk_button_get_child (GTK_BUTTON (widget)) : NULL;

  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_autoptr(GString) expected = g_string_new (gtk_button_get_label (GTK_BUTTON (widget)));
      g_autofree char *problem = NULL;

      g_string_replace (expected, "_", "", 1);
      problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                    GTK_ACCESSIBLE_PROPERTY_LABEL, expected->str);
      if (problem != NULL)
        g_error ("button “%s”: %s", gtk_button_get_label (GTK_BUTTON (widget)), problem);
      (*n_checked)++;
    }
  else if (GTK_IS_LABEL (child) && gtk_label_get_use_underline (GTK_LABEL (child)))
    {
      if (!gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        g_error ("button “%s” is not labelled by its label", gtk_label_get_label (GTK_LABEL (child)));
      (*n_checked)++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_mnemonic_buttons (c, n_checked);
}

static void
test_mnemonic_names (void)
{
  MsWindow *window = ms_window_new (NULL);
  guint n_checked = 0;

  gtk_window_present (GTK_WINDOW (window));
  check_mnemonic_buttons (GTK_WIDGET (window), &n_checked);
  /* Launch, Connect, Cancel, Back, Moderate, Critical, Purge, Set Baseline, Count Now,
   * Go to Peak, Compare with This at least (Reset Zoom is the breadcrumb's "All" and
   * Escape). */
  g_assert_cmpuint (n_checked, >=, 11);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's test accessibility backend: accessible properties can be read back. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/memscope/ui/window/open-session", test_open_session);
  g_test_add_func ("/memscope/ui/window/open-bad-file", test_open_bad_file);
  g_test_add_func ("/memscope/ui/window/connect-remote-asks", test_connect_remote_asks);
  g_test_add_func ("/memscope/ui/window/markup-file-name", test_markup_file_name);
  g_test_add_func ("/memscope/ui/window/markup-launch-url", test_markup_launch_url);
  g_test_add_func ("/memscope/ui/window/demo-relative-datadir", test_demo_relative_datadir);
  g_test_add_func ("/memscope/ui/window/file-actions", test_file_actions);
  g_test_add_func ("/memscope/ui/window/settings-persist", test_settings_persist);
  g_test_add_func ("/memscope/ui/window/mnemonic-names", test_mnemonic_names);

  return g_test_run ();
}
