/* test-window-browser.c: the window's launch action on a real headless Chromium
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <signal.h>

#include <adwaita.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-connection.h"
#include "ms-cdp-error.h"
#include "ms-ui-test-input.h"
#include "ms-ui-test-browser.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
#include "ms-window-export.h"
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

/* One browser for the feature tests below: a window launched on a page the test serves,
 * which allocates only when the test asks it to (through the test's own connection to
 * the page), so that what the widgets show can be checked against what the page did. */

#define PAGE_HTML \
  "<!DOCTYPE html><html><body><div id=root></div><script>\n" \
  "window.kept = [];\n" \
  "function makeNodes (k) { const root = document.getElementById ('root');\n" \
  "  for (let i = 0; i < k; i++) root.appendChild (document.createElement ('div'));\n" \
  "  return root.childElementCount; }\n" \
  "function addListeners (m) { const root = document.getElementById ('root');\n" \
  "  for (let i = 0; i < m; i++) root.children[i].addEventListener ('click', () => {});\n" \
  "  return m; }\n" \
  "function allocateBuffer (bytes) { const a = new Uint8Array (bytes); a.fill (1);\n" \
  "  window.kept.push (a); return a.length; }\n" \
  "</script></body></html>\n"

/* What the page does at the test's request. */
#define PAGE_NODES      250                /* K: <div>s added after the baseline */
#define PAGE_LISTENERS  100                /* M: click listeners on M of them */
#define PAGE_BUFFER     8388608            /* 8 MiB in one buffer, far above the alarm threshold */
#define ALARM_THRESHOLD 2097152            /* 2 MiB */
/* A frame every real profile of Chromium's renderer has near its root (see
 * ../shared/fixtures/chromium-156): the Memory domain's profiles are native stacks, so
 * the page's JavaScript functions never appear in them. */
#define SEARCH_FRAME    "ChromeMain"

typedef struct
{
  SoupServer      *server;
  char            *url;
  MsWindow        *window;
  MsCdpConnection *page;       /* the test's own connection to the page */
  gboolean         failed;     /* the launch failed once: do not try again */
} Browser;

static Browser shared;

static void
serve_test_page (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                    PAGE_HTML, strlen (PAGE_HTML));
}

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

/* Runtime.evaluate on the page through the test's own connection: the value as JSON. */
static char *
evaluate (const char  *expression,
          GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *remote;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "expression");
  json_builder_add_string_value (builder, expression);
  json_builder_set_member_name (builder, "returnByValue");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  params = json_builder_get_root (builder);
  ms_cdp_connection_call_async (shared.page, "Runtime.evaluate", json_node_get_object (params),
                                30, NULL, got_result, &result);
  g_assert_true (ms_test_wait_for (has_result, &result, 40));
  reply = ms_cdp_connection_call_finish (shared.page, result, error);
  if (reply == NULL)
    return NULL;
  if (json_object_has_member (reply, "exceptionDetails"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the page threw on %s", expression);
      return NULL;
    }
  remote = json_object_get_object_member (reply, "result");
  if (json_object_has_member (remote, "value"))
    return json_to_string (json_object_get_member (remote, "value"), FALSE);
  return g_strdup ("undefined");
}

static void
evaluate_expecting (const char *expression,
                    const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = evaluate (expression, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, expected);
}

static void
open_page_connection (void)
{
  MsLiveTarget *live = ms_window_get_live_target (shared.window);
  g_autofree char *where = ms_live_target_describe (live);
  g_autofree char *ws_url = g_strdup_printf ("ws://%s/devtools/page/%s", where,
                                             ms_cdp_target_get_id (ms_live_target_get_target (live)));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ms_cdp_connection_new_async (ws_url, NULL, got_result, &result);
  g_assert_true (ms_test_wait_for (has_result, &result, 30));
  shared.page = ms_cdp_connection_new_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
has_profiles (gpointer user_data)
{
  MsRecorder *recorder = ms_window_get_recorder (shared.window);

  return recorder != NULL && ms_recorder_get_profiles (recorder)->len >= GPOINTER_TO_UINT (user_data);
}

/* The window recording the test page, launched on first use; NULL (the test skipped)
 * without a browser. */
static MsWindow *
browser_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *browser = NULL;
  GSList *uris;

  if (shared.window != NULL)
    return shared.window;
  browser = ms_browser_launcher_find_browser (NULL, &error);
  if (browser == NULL || shared.failed)
    {
      g_test_skip (browser == NULL ? error->message : "the browser did not start before");
      return NULL;
    }
  shared.failed = TRUE;
  shared.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (shared.server, "/test-page.html", serve_test_page, NULL, NULL);
  soup_server_listen_local (shared.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (shared.server);
  shared.url = g_strdup_printf ("http://127.0.0.1:%d/test-page.html", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  shared.window = ms_window_new (NULL);
  /* A profile a second, each sample standing for 4 KiB: a few profiles in seconds, each
   * with the renderer's main thread in it. */
  g_settings_set_uint (shared.window->settings, "poll-interval", 1);
  g_settings_set_uint (shared.window->settings, "sampling-interval", 4096);
  gtk_window_set_default_size (GTK_WINDOW (shared.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (shared.window));
  ms_window_set_launch_url (shared.window, shared.url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (shared.window), "win.launch", NULL));
  g_assert_true (ms_test_wait_for (has_tree, shared.window, 120));
  g_assert_true (ms_test_wait_for (is_recording, shared.window, 30));
  open_page_connection ();
  /* The page as served: no nodes under the root, no listeners. */
  evaluate_expecting ("document.getElementById ('root').childElementCount", "0");
  shared.failed = FALSE;
  return shared.window;
}

/* The profile @index of the recording as the browser sent it, from the recording's file
 * (read again each time: it grows while recording), or NULL while not written yet. */
static GBytes *
recorded_reply (MsWindow *window,
                guint     index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingFile) file =
    ms_recording_file_new_for_path (g_file_peek_path (ms_window_get_recording_output (window)), &error);

  g_assert_no_error (error);
  if (index >= ms_recording_file_get_n_profiles (file))
    return NULL;
  return ms_recording_file_get_profile_reply (file, index, NULL);
}

typedef struct
{
  guint    index;
  GBytes  *reply;
} ReplyWait;

static gboolean
has_recorded_reply (gpointer user_data)
{
  ReplyWait *wait = user_data;

  if (wait->reply == NULL)
    wait->reply = recorded_reply (shared.window, wait->index);
  return wait->reply != NULL;
}

static GBytes *
wait_recorded_reply (guint index)
{
  ReplyWait wait = { index, NULL };

  g_assert_true (ms_test_wait_for (has_recorded_reply, &wait, 30));
  return wait.reply;
}

/* Figures of a reply computed here, from the samples as sent. */
typedef struct
{
  guint    n_samples;
  guint64  total;          /* sum of the samples' "total" */
  guint64  match_total;    /* of the samples with a frame containing the search */
  guint    n_match_samples;
  GArray  *crumb_counts;   /* guint: root-to-match path lengths (root and match included) */
} ReplyFigures;

static void
reply_figures (GBytes       *reply,
               const char   *search,
               ReplyFigures *figures)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *needle = search ? g_ascii_strdown (search, -1) : NULL;
  gsize len;
  const char *data = g_bytes_get_data (reply, &len);
  JsonObject *profile;
  JsonArray *samples;

  memset (figures, 0, sizeof *figures);
  figures->crumb_counts = g_array_new (FALSE, FALSE, sizeof (guint));
  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  profile = json_object_get_object_member (json_object_get_object_member (
    json_node_get_object (json_parser_get_root (parser)), "result"), "profile");
  samples = json_object_get_array_member (profile, "samples");
  figures->n_samples = json_array_get_length (samples);
  for (guint i = 0; i < figures->n_samples; i++)
    {
      JsonObject *sample = json_array_get_object_element (samples, i);
      JsonArray *stack = json_object_get_array_member (sample, "stack");
      guint64 total = json_object_get_int_member (sample, "total");
      guint n = json_array_get_length (stack);

      figures->total += total;
      if (needle == NULL)
        continue;
      /* From the root (the stack's last frame): the first frame that matches. */
      for (guint k = n; k > 0; k--)
        {
          g_autofree char *frame = g_ascii_strdown (json_array_get_string_element (stack, k - 1), -1);
          guint crumbs = n - (k - 1) + 1;

          if (strstr (frame, needle) == NULL)
            continue;
          figures->match_total += total;
          figures->n_match_samples++;
          g_array_append_val (figures->crumb_counts, crumbs);
          break;
        }
    }
}

static void
reply_figures_clear (ReplyFigures *figures)
{
  g_clear_pointer (&figures->crumb_counts, g_array_unref);
}

static guint64
flame_total (MsWindow *window)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (ms_window_get_flame_graph (window));
  guint n_nodes = 0;
  const MsFlameNode *nodes;

  if (tree == NULL)
    return 0;
  nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  return n_nodes > 0 ? nodes[0].total_bytes : 0;
}

typedef struct
{
  guint   index;
  guint64 total;
} ShownWait;

/* The flame graph shows profile @index, whose samples sum to @total. */
static gboolean
shows_profile (gpointer user_data)
{
  ShownWait *wait = user_data;

  return ms_window_get_shown_snapshot (shared.window) == wait->index &&
         flame_total (shared.window) == wait->total;
}

static guint64
reply_total (GBytes *reply)
{
  ReplyFigures figures;
  guint64 total;

  reply_figures (reply, NULL, &figures);
  total = figures.total;
  reply_figures_clear (&figures);
  return total;
}

static void
assert_shows_profile (guint       index,
                      const char *why)
{
  g_autoptr(GBytes) reply = wait_recorded_reply (index);
  ShownWait wait = { index, reply_total (reply) };

  g_test_message ("%s: expecting profile %u, %" G_GUINT64_FORMAT " bytes", why, index, wait.total);
  g_assert_true (ms_test_wait_for (shows_profile, &wait, 30));
}

/* Recording: the timeline lists every profile the recorder took, each as the browser
 * sent it; Home and Right, as real key presses, scrub, and the flame graph follows. */
static void
test_browser_timeline (void)
{
  MsWindow *window = browser_window ();
  MsSnapshotTimeline *timeline;
  guint n;

  if (window == NULL)
    return;
  g_assert_true (ms_test_wait_for (has_profiles, GUINT_TO_POINTER (3), 60));
  timeline = ms_window_get_snapshot_timeline (window);
  n = ms_recorder_get_profiles (ms_window_get_recorder (window))->len;
  g_assert_cmpuint (ms_snapshot_timeline_get_n_snapshots (timeline), >=, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) reply = wait_recorded_reply (i);
      ReplyFigures figures;
      guint n_samples = 0;
      guint64 total = 0;
      gint64 time_us = 0;

      reply_figures (reply, NULL, &figures);
      g_assert_true (ms_snapshot_timeline_get_snapshot (timeline, i, &time_us, &n_samples, &total));
      g_assert_cmpint (time_us, ==, ((MsRecordedProfile *) g_ptr_array_index (
                         ms_recorder_get_profiles (ms_window_get_recorder (window)), i))->time_us);
      g_assert_cmpuint (n_samples, ==, figures.n_samples);
      g_assert_cmpuint (total, ==, figures.total);
      reply_figures_clear (&figures);
    }

  adw_view_stack_set_visible_child_name (window->view_stack, "flame");
  ms_test_settle (200);
  ms_test_focus_window (GTK_WINDOW (window));
  gtk_widget_grab_focus (GTK_WIDGET (timeline));
  ms_test_key (XK_Home, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline), ==, 0);
  assert_shows_profile (0, "Home");
  /* Each profile listed above, one Right at a time. */
  for (guint i = 1; i < n; i++)
    {
      ms_test_key (XK_Right, FALSE);
      g_assert_cmpuint (ms_snapshot_timeline_get_selected (timeline), ==, i);
      assert_shows_profile (i, "Right");
    }
  ms_test_key (XK_Home, FALSE);
  ms_test_key (XK_Right, FALSE);
  assert_shows_profile (1, "Home, Right");
  /* Scrubbed back: new profiles keep coming without taking the view away. */
  {
    guint had = ms_recorder_get_profiles (ms_window_get_recorder (window))->len;

    g_assert_true (ms_test_wait_for (has_profiles, GUINT_TO_POINTER (had + 1), 30));
    assert_shows_profile (1, "a new profile arrived");
    g_assert_cmpuint (ms_snapshot_timeline_get_n_snapshots (timeline), >=, had + 1);
  }
  ms_test_save_screenshot (GTK_WIDGET (window), "window-browser-timeline.png");
}

static gboolean
timeline_lists (gpointer user_data)
{
  MsSnapshotTimeline *timeline = ms_window_get_snapshot_timeline (shared.window);

  return ms_snapshot_timeline_get_n_snapshots (timeline) >= GPOINTER_TO_UINT (user_data);
}

/* Shows the profile before the newest (the callers wait for three) and returns its reply.
 * Not the newest: the window follows the newest profile, so a profile arriving meanwhile
 * would take its place in the view. */
static GBytes *
pin_profile (MsWindow *window)
{
  guint index = ms_recorder_get_profiles (ms_window_get_recorder (window))->len - 2;
  g_autoptr(GBytes) reply = NULL;

  /* The timeline lists the newest too, so that @index is not its last. */
  g_assert_true (ms_test_wait_for (timeline_lists, GUINT_TO_POINTER (index + 2), 30));

  reply = wait_recorded_reply (index);
  ms_window_show_snapshot (window, index);
  assert_shows_profile (index, "pinned");
  return g_steal_pointer (&reply);
}

static void
type_text (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    ms_test_key ((KeySym) (guchar) *c, FALSE);
}

static gboolean
has_matches (gpointer user_data)
{
  return ms_flame_graph_get_n_matches (user_data) > 0;
}

/* The breadcrumb's crumbs, in order, without the separators. */
static GPtrArray *
breadcrumb_texts (MsWindow *window)
{
  g_autoptr(GPtrArray) labels = ms_test_collect_labels (ms_flame_view_get_breadcrumb (window->flame_view));
  GPtrArray *crumbs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < labels->len; i++)
    if (!g_str_equal (g_ptr_array_index (labels, i), "›"))
      g_ptr_array_add (crumbs, g_strdup (g_ptr_array_index (labels, i)));
  return crumbs;
}

static gboolean
array_has (GArray *array,
           guint   value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return TRUE;
  return FALSE;
}

/* Flame navigation on a real profile: Ctrl+F, the frame typed as a user would, the
 * count label with the bytes of the stacks through it; Enter goes to the match, Escape
 * resets, Enter zooms again; the breadcrumb shows the path to it. */
static void
test_browser_flame_search (void)
{
  MsWindow *window = browser_window ();
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GPtrArray) crumbs = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *expected_label = NULL;
  MsFlameGraph *graph;
  MsFlameTree *tree;
  ReplyFigures figures;
  guint n, match, depth = 0;

  if (window == NULL)
    return;
  g_assert_true (ms_test_wait_for (has_profiles, GUINT_TO_POINTER (3), 60));
  reply = pin_profile (window);
  reply_figures (reply, SEARCH_FRAME, &figures);
  g_test_message ("%u of %u samples through %s", figures.n_match_samples, figures.n_samples, SEARCH_FRAME);
  g_assert_cmpuint (figures.n_match_samples, >, 0);
  graph = ms_window_get_flame_graph (window);

  ms_test_focus_window (GTK_WINDOW (window));
  ms_test_key (XK_f, TRUE);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "flame");
  type_text ("chromemain");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->flame_search)), ==, "chromemain");
  g_assert_true (ms_test_wait_for (has_matches, graph, 10));
  n = ms_flame_graph_get_n_matches (graph);
  amount = g_format_size_full (figures.match_total, G_FORMAT_SIZE_IEC_UNITS);
  {
    guint64 bytes = 0, samples = 0;

    ms_flame_graph_get_match_totals (graph, &bytes, &samples);
    g_assert_cmpuint (bytes, ==, figures.match_total);
  }
  expected_label = g_strdup_printf (n == 1 ? "%u frame, %s" : "%u frames, %s", n, amount);
  g_assert_cmpstr (gtk_label_get_text (ms_flame_view_get_match_label (window->flame_view)), ==, expected_label);

  /* Enter in the entry goes to the first match: zoomed to it, the path to it above. */
  ms_test_key (XK_Return, FALSE);
  match = ms_flame_graph_get_zoom_node (graph);
  tree = ms_flame_graph_get_tree (graph);
  g_assert_cmpuint (match, !=, 0);
  g_assert_nonnull (strstr (ms_flame_tree_get_node_label (tree, match), SEARCH_FRAME));
  g_assert_cmpuint (ms_flame_graph_get_focus_node (graph), ==, match);
  g_free (expected_label);
  expected_label = g_strdup_printf (n == 1 ? "1 of %u frame, %s" : "1 of %u frames, %s", n, amount);
  g_assert_cmpstr (gtk_label_get_text (ms_flame_view_get_match_label (window->flame_view)), ==, expected_label);

  /* Escape in the graph resets the zoom; Enter zooms to the focused frame again. */
  gtk_widget_grab_focus (GTK_WIDGET (graph));
  ms_test_key (XK_Escape, FALSE);
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (graph), ==, 0);
  crumbs = breadcrumb_texts (window);
  g_assert_cmpuint (crumbs->len, ==, 1);
  g_clear_pointer (&crumbs, g_ptr_array_unref);
  ms_flame_graph_set_focus_node (graph, match);
  ms_test_key (XK_Return, FALSE);
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (graph), ==, match);

  /* The breadcrumb: one crumb per frame from the root to the match, as deep as the
   * frame sits in one of the samples through it. */
  crumbs = breadcrumb_texts (window);
  tree = ms_flame_graph_get_tree (graph);
  g_assert_nonnull (tree);
  for (guint node = match; node != G_MAXUINT; node = ms_flame_tree_get_node (tree, node)->parent)
    depth++;
  g_assert_cmpuint (crumbs->len, ==, depth);
  g_assert_true (array_has (figures.crumb_counts, crumbs->len));
  g_assert_nonnull (strstr (g_ptr_array_index (crumbs, crumbs->len - 1), SEARCH_FRAME));
  for (guint i = 0; i < crumbs->len - 1; i++)
    g_assert_null (strstr (g_ptr_array_index (crumbs, i), SEARCH_FRAME));
  ms_test_save_screenshot (GTK_WIDGET (window), "window-browser-flame-search.png");

  /* Leave the graph whole for the tests after. */
  ms_test_key (XK_Escape, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (window->flame_search), "");
  reply_figures_clear (&figures);
}

/* The leak table's row @name: its baseline, now and delta cells as shown. */
static gboolean
leak_row (MsWindow    *window,
          const char  *name,
          char       **baseline,
          char       **now,
          char       **delta)
{
  g_autoptr(GPtrArray) labels = ms_test_collect_labels (GTK_WIDGET (window->leak_view));

  for (guint i = 0; i + 3 < labels->len; i++)
    if (g_str_equal (g_ptr_array_index (labels, i), name))
      {
        *baseline = g_strdup (g_ptr_array_index (labels, i + 1));
        *now = g_strdup (g_ptr_array_index (labels, i + 2));
        *delta = g_strdup (g_ptr_array_index (labels, i + 3));
        return TRUE;
      }
  return FALSE;
}

static gboolean
has_leak_baseline (gpointer user_data)
{
  MsWindow *window = user_data;

  return window->leak_baseline != NULL && window->leak_now == NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (window->leak_names)) > 0;
}

static gboolean
has_leak_now (gpointer user_data)
{
  return ((MsWindow *) user_data)->leak_now != NULL;
}

static gboolean
counts_listeners (gpointer user_data)
{
  MsCounterSeries *series = ms_counter_chart_get_series (ms_window_get_counter_chart (shared.window));
  guint n = series ? ms_counter_series_get_n_points (series, "jsEventListeners") : 0;
  double value = -1;

  return n > 0 && ms_counter_series_get_point (series, "jsEventListeners", n - 1, NULL, &value) &&
         value == GPOINTER_TO_UINT (user_data);
}

/* Leak table: Set Baseline, the page adds K nodes and M listeners, Count Now: the
 * delta of live_nodes is K; the counters chart reaches M listeners. */
static void
test_browser_leak_table (void)
{
  MsWindow *window = browser_window ();
  g_autofree char *baseline = NULL, *now = NULL, *delta = NULL;
  g_autofree char *expected = NULL;

  if (window == NULL)
    return;
  adw_view_stack_set_visible_child_name (window->view_stack, "tools");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leak-baseline", NULL));
  g_assert_true (ms_test_wait_for (has_leak_baseline, window, 60));
  ms_test_settle (100);
  g_assert_true (leak_row (window, "live_nodes", &baseline, &now, &delta));
  g_assert_cmpstr (now, ==, "—");
  g_assert_cmpstr (delta, ==, "—");
  g_clear_pointer (&baseline, g_free);
  g_clear_pointer (&now, g_free);
  g_clear_pointer (&delta, g_free);

  evaluate_expecting ("makeNodes (" G_STRINGIFY (PAGE_NODES) ")", G_STRINGIFY (PAGE_NODES));
  evaluate_expecting ("addListeners (" G_STRINGIFY (PAGE_LISTENERS) ")", G_STRINGIFY (PAGE_LISTENERS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leak-count", NULL));
  g_assert_true (ms_test_wait_for (has_leak_now, window, 60));
  ms_test_settle (100);
  g_assert_true (leak_row (window, "live_nodes", &baseline, &now, &delta));
  g_test_message ("live_nodes: %s → %s (%s)", baseline, now, delta);
  expected = g_strdup_printf ("%+d", PAGE_NODES);
  g_assert_cmpstr (delta, ==, expected);
  g_assert_cmpint (g_ascii_strtoll (now, NULL, 10) - g_ascii_strtoll (baseline, NULL, 10), ==, PAGE_NODES);
  g_assert_true (ms_test_shows_text (GTK_WIDGET (window->leak_status), "Counted. Delta: now minus the baseline."));
  /* Each <div> is laid out: one layout object more per node. The document stays one. */
  {
    g_autofree char *b = NULL, *w = NULL, *d = NULL;

    g_assert_true (leak_row (window, "live_layout_objects", &b, &w, &d));
    g_assert_cmpstr (d, ==, expected);
  }
  {
    g_autofree char *b = NULL, *w = NULL, *d = NULL;

    g_assert_true (leak_row (window, "live_documents", &b, &w, &d));
    g_assert_cmpstr (d, ==, "+0");
  }
  g_assert_true (ms_test_wait_for (counts_listeners, GUINT_TO_POINTER (PAGE_LISTENERS), 30));
  ms_test_save_screenshot (GTK_WIDGET (window), "window-browser-leaks.png");
}

static guint
count_markers (MsWindow   *window,
               const char *kind)
{
  GArray *markers = ms_recorder_get_markers (ms_window_get_recorder (window));
  guint n = 0;

  for (guint i = 0; i < markers->len; i++)
    if (g_str_equal (g_array_index (markers, MsRecordedMarker, i).kind, kind))
      n++;
  return n;
}

typedef struct
{
  const char *kind;
  guint       n;
} MarkerWait;

static gboolean
has_markers (gpointer user_data)
{
  MarkerWait *wait = user_data;

  return count_markers (shared.window, wait->kind) >= wait->n;
}

static GtkWidget *
find_action_widget (GtkWidget  *widget,
                    const char *action,
                    const char *target)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    {
      GVariant *value = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

      if (target == NULL || (value != NULL && g_str_equal (g_variant_get_string (value, NULL), target)))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_widget (child, action, target);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
click_center (GtkWidget *widget)
{
  g_assert_true (gtk_widget_is_drawable (widget));
  ms_test_click (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
}

/* A marker of @kind appears (the browser answered), and no error toast. */
static void
assert_answered (MsWindow   *window,
                 const char *kind,
                 guint       n)
{
  MarkerWait wait = { kind, n };

  g_assert_true (ms_test_wait_for (has_markers, &wait, 30));
  g_assert_cmpuint (count_markers (window, kind), ==, n);
  g_assert_false (ms_test_shows_toast (window, "The browser refused"));
}

/* The chart gets the recording's markers with its next counters reading. */
static gboolean
chart_has_markers (gpointer user_data)
{
  return ms_counter_chart_get_n_markers (ms_window_get_counter_chart (shared.window)) >=
         GPOINTER_TO_UINT (user_data);
}

/* The suppress-pressure switch and the pressure buttons, clicked: each is answered and
 * leaves its marker in the recording and on the chart. */
static void
test_browser_pressure (void)
{
  MsWindow *window = browser_window ();
  guint chart_markers;

  if (window == NULL)
    return;
  adw_view_stack_set_visible_child_name (window->view_stack, "tools");
  ms_test_settle (200);
  ms_test_focus_window (GTK_WINDOW (window));
  chart_markers = ms_counter_chart_get_n_markers (ms_window_get_counter_chart (window));

  g_assert_false (gtk_switch_get_active (window->suppress_switch));
  click_center (GTK_WIDGET (window->suppress_switch));
  assert_answered (window, "suppress-pressure", 1);
  g_assert_true (gtk_switch_get_active (window->suppress_switch));
  click_center (find_action_widget (GTK_WIDGET (window), "win.pressure", "moderate"));
  assert_answered (window, "pressure-moderate", 1);
  click_center (find_action_widget (GTK_WIDGET (window), "win.pressure", "critical"));
  assert_answered (window, "pressure-critical", 1);
  click_center (GTK_WIDGET (window->suppress_switch));
  assert_answered (window, "allow-pressure", 1);
  g_assert_false (gtk_switch_get_active (window->suppress_switch));
  /* Four markers more on the chart. */
  g_assert_true (ms_test_wait_for (chart_has_markers, GUINT_TO_POINTER (chart_markers + 4), 30));
  g_assert_cmpuint (ms_counter_chart_get_n_markers (ms_window_get_counter_chart (window)), ==,
                    chart_markers + 4);
  ms_test_save_screenshot (GTK_WIDGET (window), "window-browser-tools.png");
}

static gboolean
shows_alarm (gpointer user_data)
{
  g_autofree char *prefix = g_strdup_printf ("%s allocation at ", (const char *) user_data);
  g_autoptr(GPtrArray) labels = ms_test_collect_labels (GTK_WIDGET (shared.window->alarms_list));

  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (labels, i), prefix))
      return TRUE;
  return FALSE;
}

/* The alarm, armed at a threshold below the buffer the page then allocates: the alarm
 * list shows it fired, with the buffer's size. */
static void
test_browser_alarm (void)
{
  MsWindow *window = browser_window ();
  g_autofree char *size = g_format_size_full (PAGE_BUFFER, G_FORMAT_SIZE_IEC_UNITS);
  MsAllocationAlarm *alarm;
  guint had;

  if (window == NULL)
    return;
  adw_view_stack_set_visible_child_name (window->view_stack, "alarms");
  gtk_spin_button_set_value (window->alarm_spin, ALARM_THRESHOLD);
  gtk_switch_set_active (window->alarm_switch, TRUE);
  alarm = ms_recorder_get_alarm (ms_window_get_recorder (window));
  g_assert_true (ms_allocation_alarm_get_armed (alarm));
  g_assert_cmpuint (ms_allocation_alarm_get_min_bytes (alarm), ==, ALARM_THRESHOLD);
  g_assert_false (shows_alarm (size));

  had = ms_recorder_get_alarms (ms_window_get_recorder (window))->len;
  evaluate_expecting ("allocateBuffer (" G_STRINGIFY (PAGE_BUFFER) ")", G_STRINGIFY (PAGE_BUFFER));
  g_assert_true (ms_test_wait_for (shows_alarm, size, 30));
  g_assert_cmpuint (ms_recorder_get_alarms (ms_window_get_recorder (window))->len, >, had);
  ms_test_save_screenshot (GTK_WIDGET (window), "window-browser-alarms.png");
}

static gboolean
file_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_EXISTS);
}

/* Through what the file chooser's response runs; the file once it is there. */
static char *
export_through_response (MsWindow       *window,
                         MsWindowExport  format,
                         const char     *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  ms_window_export_to_file (window, format, file);
  g_assert_true (ms_test_wait_for (file_exists, (gpointer) path, 30));
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* Exports of the real profile shown: the folded stacks sum to the profile's total as
 * the browser sent it; the SVG draws the frame the profile has. */
static void
test_browser_exports (void)
{
  MsWindow *window = browser_window ();
  g_autofree char *dir = NULL;
  g_autofree char *folded_path = NULL, *svg_path = NULL;
  g_autofree char *folded = NULL, *svg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_auto(GStrv) lines = NULL;
  ReplyFigures figures;
  guint64 sum = 0;

  if (window == NULL)
    return;
  dir = g_dir_make_tmp ("memscope-ui-browser-XXXXXX", NULL);
  folded_path = g_build_filename (dir, "stacks.folded", NULL);
  svg_path = g_build_filename (dir, "flame.svg", NULL);
  adw_view_stack_set_visible_child_name (window->view_stack, "flame");
  reply = pin_profile (window);
  reply_figures (reply, SEARCH_FRAME, &figures);
  /* The search test before this one left the view zoomed; the export is of the view. */
  ms_flame_graph_reset_zoom (ms_window_get_flame_graph (window));
  ms_test_settle (200);

  folded = export_through_response (window, MS_WINDOW_EXPORT_FOLDED, folded_path);
  lines = g_strsplit (folded, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');

      if (*lines[i] == '\0')
        continue;
      g_assert_nonnull (space);
      sum += g_ascii_strtoull (space + 1, NULL, 10);
    }
  g_test_message ("folded: %u lines, %" G_GUINT64_FORMAT " bytes", g_strv_length (lines), sum);
  g_assert_cmpuint (sum, ==, figures.total);

  svg = export_through_response (window, MS_WINDOW_EXPORT_FLAME_SVG, svg_path);
  g_assert_nonnull (strstr (svg, "<svg"));
  g_assert_nonnull (strstr (svg, "</svg>"));
  g_assert_nonnull (strstr (svg, SEARCH_FRAME));
  g_assert_false (ms_test_shows_toast (window, "Could not"));
  reply_figures_clear (&figures);
  ms_test_remove_tree (dir);
}

static gboolean
window_gone (gpointer user_data)
{
  return shared.window == NULL;
}

/* Purge, confirmed in its dialog: the page's scripts are gone (the test's own
 * evaluation fails), the window keeps recording and marks the purge. Last: it ends the
 * page; then the window closes and the browser stops. */
static void
test_browser_purge (void)
{
  MsWindow *window = browser_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  guint chart_markers, had;
  GPid pid;

  if (window == NULL)
    return;
  ms_window_show_snapshot (window, ms_window_get_n_snapshots (window) - 1);
  chart_markers = ms_counter_chart_get_n_markers (ms_window_get_counter_chart (window));
  evaluate_expecting ("typeof makeNodes", "\"function\"");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.purge", NULL));
  ms_test_settle (100);
  ms_test_answer_dialog (window, "purge");
  assert_answered (window, "purge", 1);
  g_assert_true (ms_test_wait_for (chart_has_markers, GUINT_TO_POINTER (chart_markers + 1), 30));
  g_assert_cmpuint (ms_counter_chart_get_n_markers (ms_window_get_counter_chart (window)), ==,
                    chart_markers + 1);
  value = evaluate ("typeof makeNodes", &error);
  g_assert_null (value);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_test_message ("after the purge: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Cannot find default execution context"));

  /* Still recording: profiles keep coming and show. */
  had = ms_recorder_get_profiles (ms_window_get_recorder (window))->len;
  g_assert_true (ms_test_wait_for (has_profiles, GUINT_TO_POINTER (had + 1), 30));
  g_assert_cmpint (ms_recorder_get_state (ms_window_get_recorder (window)), ==, MS_RECORDER_STATE_RECORDING);
  g_assert_true (ms_test_wait_for (has_tree, window, 10));
  ms_test_save_screenshot (GTK_WIDGET (window), "window-browser-purged.png");

  /* Stop, close: the browser the window launched stops. */
  pid = ms_live_target_get_browser_pid (ms_window_get_live_target (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (has_stopped, ms_window_get_recorder (window), 60));
  g_clear_object (&shared.page);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &shared.window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ms_test_wait_for (window_gone, NULL, 30));
  g_assert_true (ms_test_wait_for (process_gone, GINT_TO_POINTER (pid), 30));
}

/* When the purge test did not run (a test chosen with -p): the browser stops all the same. */
static void
close_browser_window (void)
{
  GPid pid;

  g_clear_object (&shared.page);
  if (shared.window != NULL)
    {
      pid = ms_live_target_get_browser_pid (ms_window_get_live_target (shared.window));
      if (ms_window_is_recording (shared.window))
        {
          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (shared.window), "win.toggle-recording", NULL));
          g_assert_true (ms_test_wait_for (has_stopped, ms_window_get_recorder (shared.window), 60));
        }
      g_object_add_weak_pointer (G_OBJECT (shared.window), (gpointer *) &shared.window);
      gtk_window_close (GTK_WINDOW (shared.window));
      g_assert_true (ms_test_wait_for (window_gone, NULL, 30));
      if (pid > 0)
        g_assert_true (ms_test_wait_for (process_gone, GINT_TO_POINTER (pid), 30));
    }
  g_clear_object (&shared.server);
  g_clear_pointer (&shared.url, g_free);
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
  /* These share one browser, launched by the first that runs; purge ends its page. */
  g_test_add_func ("/memscope/ui/window-browser/timeline", test_browser_timeline);
  g_test_add_func ("/memscope/ui/window-browser/flame-search", test_browser_flame_search);
  g_test_add_func ("/memscope/ui/window-browser/leak-table", test_browser_leak_table);
  g_test_add_func ("/memscope/ui/window-browser/pressure", test_browser_pressure);
  g_test_add_func ("/memscope/ui/window-browser/alarm", test_browser_alarm);
  g_test_add_func ("/memscope/ui/window-browser/exports", test_browser_exports);
  g_test_add_func ("/memscope/ui/window-browser/purge", test_browser_purge);

  status = g_test_run ();
  close_browser_window ();
  ms_test_remove_tree (data_home);
  return status;
}
