/* test-window-live.c: every window action on a live target, against the in-process
 * DevTools peer (no browser), and what the widgets show then
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cdp-test-peer.h"
#include "ms-ui-test-util.h"
#include "ms-window-private.h"

/* What the peer lists and answers: titles and names with markup characters in them. */
#define PAGE_TITLE "Q&A <b>page</b>"
#define PAGE_URL "https://x/?a=1&b=2"
#define LEAK_NAME "Q&A<nodes>"
#define LEAK_COUNT 7
#define NODES 40

typedef struct
{
  CdpTestPeer *peer;
  MsWindow    *window;
  GPtrArray   *methods;
} Fixture;

static void
respond (CdpTestPeer *peer,
         gint64       id,
         const char  *method,
         JsonObject  *params,
         gpointer     user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->methods, g_strdup (method));
  if (g_str_equal (method, "Runtime.evaluate"))
    cdp_test_peer_reply_result (peer, id, "{\"result\":{\"type\":\"boolean\",\"value\":true}}");
  else if (g_str_equal (method, "Memory.getDOMCounters"))
    cdp_test_peer_reply_result (peer, id, "{\"documents\":2,\"nodes\":40,\"jsEventListeners\":5}");
  else if (g_str_equal (method, "Memory.getSamplingProfile"))
    cdp_test_peer_reply_fixture (peer, id, "getSamplingProfile.json");
  else if (g_str_equal (method, "Memory.getDOMCountersForLeakDetection"))
    cdp_test_peer_reply_result (peer, id, "{\"counters\":[{\"name\":\"Q&A<nodes>\",\"count\":7}]}");
  else
    cdp_test_peer_reply_result (peer, id, "{}");
}

static void
list_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *f = user_data;
  g_autofree char *body = g_strdup_printf ("[{\"id\":\"TEST\",\"title\":\"Q&A <b>page</b>\","
                                           "\"type\":\"page\",\"url\":\"" PAGE_URL "\","
                                           "\"webSocketDebuggerUrl\":\"%s\"}]", f->peer->ws_url);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* Every label's text under @widget, as shown (markup already applied). */
static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  collect_labels (widget, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;
  return FALSE;
}

static gboolean
shows_page (MsWindow   *window,
            const char *name)
{
  return g_str_equal (gtk_stack_get_visible_child_name (window->main_stack), name);
}

static gboolean
on_targets_page (gpointer user_data)
{
  return shows_page (user_data, "targets");
}

static gboolean
has_profile_and_counters (gpointer user_data)
{
  MsRecorder *recorder = ms_window_get_recorder (user_data);
  MsCounterSeries *series = ms_counter_chart_get_series (ms_window_get_counter_chart (user_data));

  return recorder != NULL && ms_recorder_get_profiles (recorder)->len > 0 &&
         ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) != NULL &&
         series != NULL && ms_counter_series_get_n_points (series, "nodes") > 0;
}

static gboolean
has_n_markers (gpointer user_data)
{
  Fixture *f = user_data;
  guint wanted = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->window), "ms-test-markers"));

  return ms_recorder_get_markers (ms_window_get_recorder (f->window))->len >= wanted;
}

static void
wait_for_markers (Fixture *f,
                  guint    n)
{
  g_object_set_data (G_OBJECT (f->window), "ms-test-markers", GUINT_TO_POINTER (n));
  g_assert_true (ms_test_wait_for (has_n_markers, f, 20));
}

static gboolean
has_leak_row (gpointer user_data)
{
  return gtk_list_box_get_row_at_index (MS_WINDOW (user_data)->leak_list, 0) != NULL;
}

static gboolean
has_stopped (gpointer user_data)
{
  MsRecorder *recorder = ms_window_get_recorder (user_data);

  return recorder != NULL && ms_recorder_get_state (recorder) == MS_RECORDER_STATE_STOPPED;
}

static gboolean
is_recording (gpointer user_data)
{
  MsRecorder *recorder = ms_window_get_recorder (user_data);

  return recorder != NULL && ms_recorder_get_state (recorder) == MS_RECORDER_STATE_RECORDING;
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

static void
answer_dialog (MsWindow   *window,
               const char *response)
{
  AdwMessageDialog *dialog = find_message_dialog (GTK_WINDOW (window));

  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  ms_test_settle (50);
}

static void
assert_marker (MsRecorder *recorder,
               guint       index,
               const char *kind)
{
  GArray *markers = ms_recorder_get_markers (recorder);

  g_assert_cmpuint (index, <, markers->len);
  g_assert_cmpstr (g_array_index (markers, MsRecordedMarker, index).kind, ==, kind);
}

/* Endpoint → targets (shown literally) → recording. */
static void
connect_and_record (Fixture *f)
{
  g_autofree char *endpoint = g_strdup_printf ("127.0.0.1:%u", f->peer->port);
  GtkListBoxRow *row;

  /* Nothing live yet: the live-only actions are off (no purge dialog). */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.purge", NULL);
  g_assert_null (find_message_dialog (GTK_WINDOW (f->window)));

  gtk_editable_set_text (GTK_EDITABLE (f->window->endpoint_row), endpoint);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.connect", NULL));
  g_assert_true (ms_test_wait_for (on_targets_page, f->window, 20));
  row = gtk_list_box_get_row_at_index (f->window->targets_list, 0);
  g_assert_nonnull (row);
  g_assert_true (shows_text (GTK_WIDGET (row), PAGE_TITLE));
  g_assert_true (shows_text (GTK_WIDGET (row), "page · " PAGE_URL));
  g_assert_true (shows_text (GTK_WIDGET (f->window->targets_page), endpoint));

  g_signal_emit_by_name (f->window->targets_list, "row-activated", row);
  g_assert_true (ms_test_wait_for (has_profile_and_counters, f->window, 30));
  g_assert_true (shows_page (f->window, "session"));
  g_assert_cmpint (ms_live_target_get_state (ms_window_get_live_target (f->window)), ==,
                   MS_LIVE_TARGET_STATE_RECORDING);
  /* The counters the peer sent, in the chart's series. */
  {
    MsCounterSeries *series = ms_counter_chart_get_series (ms_window_get_counter_chart (f->window));
    double value;

    ms_counter_series_get_point (series, "nodes", 0, NULL, &value);
    g_assert_cmpfloat (value, ==, NODES);
  }
  /* The status line names the page as listed. */
  g_assert_nonnull (strstr (gtk_label_get_text (f->window->session_status), PAGE_TITLE));
}

static void
test_live_actions (Fixture *f, gconstpointer data)
{
  MsRecorder *recorder;

  connect_and_record (f);
  recorder = ms_window_get_recorder (f->window);

  /* win.pressure, both levels; win.purge after its confirmation; win.leak-counters. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.pressure", "s", "moderate"));
  wait_for_markers (f, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.pressure", "s", "critical"));
  wait_for_markers (f, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.purge", NULL));
  answer_dialog (f->window, "cancel");
  g_assert_cmpuint (ms_recorder_get_markers (recorder)->len, ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.purge", NULL));
  answer_dialog (f->window, "purge");
  wait_for_markers (f, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leak-counters", NULL));
  g_assert_true (ms_test_wait_for (has_leak_row, f->window, 20));
  wait_for_markers (f, 4);
  assert_marker (recorder, 0, "pressure-moderate");
  assert_marker (recorder, 1, "pressure-critical");
  assert_marker (recorder, 2, "purge");
  assert_marker (recorder, 3, "leak-counters");
  g_assert_true (g_ptr_array_find_with_equal_func (f->methods, "Memory.forciblyPurgeJavaScriptMemory",
                                                   g_str_equal, NULL));

  /* The leak table shows the name literally, and the count. */
  {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (f->window->leak_list, 0);
    g_autofree char *count = g_strdup_printf ("%d", LEAK_COUNT);

    g_assert_true (shows_text (GTK_WIDGET (row), LEAK_NAME));
    g_assert_true (shows_text (GTK_WIDGET (row), count));
    g_assert_null (gtk_list_box_get_row_at_index (f->window->leak_list, 1));
  }

  /* win.show-alarms and win.find switch views; find focuses the search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-alarms", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->window->view_stack), ==, "alarms");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.find", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->window->view_stack), ==, "flame");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         GTK_WIDGET (f->window->flame_search)));

  /* win.reset-zoom: enabled only while zoomed. */
  ms_flame_graph_zoom_to_node (ms_window_get_flame_graph (f->window), 1);
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (ms_window_get_flame_graph (f->window)), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.reset-zoom", NULL));
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (ms_window_get_flame_graph (f->window)), ==, 0);

  /* win.toggle-recording stops (stopSampling sent), then asks before replacing it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (has_stopped, f->window, 20));
  g_assert_true (g_ptr_array_find_with_equal_func (f->methods, "Memory.stopSampling", g_str_equal,
                                                   NULL));
  g_assert_cmpint (ms_live_target_get_state (ms_window_get_live_target (f->window)), ==,
                   MS_LIVE_TARGET_STATE_CONNECTED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  answer_dialog (f->window, "cancel");
  g_assert_true (ms_window_get_recorder (f->window) == recorder);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  answer_dialog (f->window, "discard");
  g_assert_true (ms_window_get_recorder (f->window) != recorder);
  g_assert_true (ms_test_wait_for (is_recording, f->window, 20));
}

static gboolean
is_null (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

/* Closing the window stops sampling in the page and lets the live target go. */
static void
test_close_while_recording (Fixture *f, gconstpointer data)
{
  MsLiveTarget *live;

  connect_and_record (f);
  live = ms_window_get_live_target (f->window);
  g_object_add_weak_pointer (G_OBJECT (live), (gpointer *) &live);
  g_ptr_array_set_size (f->methods, 0);
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_assert_true (ms_test_wait_for (is_null, &live, 20));
  g_assert_true (g_ptr_array_find_with_equal_func (f->methods, "Memory.stopSampling", g_str_equal,
                                                   NULL));
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ms_window_save_to_file_finish (MS_WINDOW (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_done (gpointer user_data)
{
  return *(gboolean *) user_data;
}

/* The markers are saved with the recording. */
static void
test_markers_saved (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "Q&A.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsSessionFile) reread = NULL;
  JsonArray *markers;
  gboolean done = FALSE;

  connect_and_record (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.pressure", "s", "critical"));
  wait_for_markers (f, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (has_stopped, f->window, 20));

  ms_window_save_to_file_async (f->window, file, on_saved, &done);
  g_assert_true (ms_test_wait_for (is_done, &done, 20));
  reread = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  markers = json_object_get_array_member (ms_session_file_get_sampling (reread), "markers");
  g_assert_cmpuint (json_array_get_length (markers), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (markers, 0), "kind"),
                   ==, "pressure-critical");

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* win.cancel from the target list: back to the start, nothing live. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *endpoint = g_strdup_printf ("127.0.0.1:%u", f->peer->port);

  gtk_editable_set_text (GTK_EDITABLE (f->window->endpoint_row), endpoint);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.connect", NULL));
  g_assert_true (ms_test_wait_for (on_targets_page, f->window, 20));
  g_assert_nonnull (ms_window_get_live_target (f->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.cancel", NULL));
  g_assert_true (shows_page (f->window, "empty"));
  g_assert_null (ms_window_get_live_target (f->window));
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->methods = g_ptr_array_new_with_free_func (g_free);
  f->peer = cdp_test_peer_new ();
  f->peer->responder = respond;
  f->peer->responder_data = f;
  soup_server_add_handler (f->peer->server, "/json/list", list_handler, f, NULL);
  f->window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  ms_test_settle (100);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
  g_clear_pointer (&f->methods, g_ptr_array_unref);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/memscope/ui/window-live/actions", Fixture, NULL, setup, test_live_actions, teardown);
  g_test_add ("/memscope/ui/window-live/markers-saved", Fixture, NULL, setup, test_markers_saved,
              teardown);
  g_test_add ("/memscope/ui/window-live/cancel", Fixture, NULL, setup, test_cancel, teardown);
  g_test_add ("/memscope/ui/window-live/close-while-recording", Fixture, NULL, setup,
              test_close_while_recording, teardown);

  return g_test_run ();
}
