/* test-window-live.c: every window action on a live target, against the in-process
 * DevTools peer (no browser), what the widgets show then, and the recording file the
 * window writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cdp-test-peer.h"
#include "ms-recording-writer.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
#include "ms-window-private.h"

/* What the peer lists and answers: titles and names with markup characters in them. */
#define PAGE_TITLE "Q&A <b>page</b>"
#define PAGE_URL "https://x/?a=1&b=2"
#define PAGE_HOST "x"
#define LEAK_NAME "Q&A<nodes>"
#define LEAK_BASE 7
#define LEAK_STEP 5
#define LISTENERS_BASE 3
#define NODES 40

typedef struct
{
  CdpTestPeer    *peer;
  MsWindow       *window;
  GPtrArray      *methods;        /* each call, "Method" or "Method suppressed=…" */
  guint           n_profiles_sent;
  guint           n_leak_counts;
  const guint64  *alarm_sizes;    /* when set, profile i holds samples of sizes 0..i */
  guint           n_alarm_sizes;
  GSettings      *settings;
  char           *dir;            /* the recordings folder of the test */
} Fixture;

/* Profile @n of the alarm test: one sample per size up to @n, each its own stack. */
static char *
alarm_profile (Fixture *f,
               guint    n)
{
  g_autoptr(GString) json = g_string_new ("{\"profile\":{\"samples\":[");

  for (guint i = 0; i <= n && i < f->n_alarm_sizes; i++)
    g_string_append_printf (json, "%s{\"size\":%" G_GUINT64_FORMAT ",\"total\":%" G_GUINT64_FORMAT
                            ",\"stack\":[\"0x%x alloc%u\",\"0x1 main\"]}",
                            i ? "," : "", f->alarm_sizes[i], f->alarm_sizes[i], 0x100 + i, i);
  g_string_append (json, "],\"modules\":[]}}");
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/* Leak counters grow by LEAK_STEP at each count: what "now − baseline" must show. */
static char *
leak_counters (guint n)
{
  return g_strdup_printf ("{\"counters\":[{\"name\":\"" "Q&A<nodes>" "\",\"count\":%u},"
                          "{\"name\":\"jsEventListeners\",\"count\":%u}]}",
                          LEAK_BASE + n * LEAK_STEP, LISTENERS_BASE);
}

static void
respond (CdpTestPeer *peer,
         gint64       id,
         const char  *method,
         JsonObject  *params,
         gpointer     user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (method, "Memory.startSampling"))
    g_ptr_array_add (f->methods, g_strdup_printf ("%s samplingInterval=%" G_GINT64_FORMAT
                                                  " suppressRandomness=%s", method,
                                                  json_object_get_int_member_with_default (params, "samplingInterval", -1),
                                                  json_object_get_boolean_member_with_default (params, "suppressRandomness", FALSE)
                                                  ? "true" : "false"));
  else if (g_str_equal (method, "Memory.setPressureNotificationsSuppressed"))
    g_ptr_array_add (f->methods, g_strdup_printf ("%s suppressed=%s", method,
                                                  json_object_get_boolean_member (params, "suppressed")
                                                  ? "true" : "false"));
  else
    g_ptr_array_add (f->methods, g_strdup (method));

  if (g_str_equal (method, "Runtime.evaluate"))
    cdp_test_peer_reply_result (peer, id, "{\"result\":{\"type\":\"boolean\",\"value\":true}}");
  else if (g_str_equal (method, "Memory.getDOMCounters"))
    cdp_test_peer_reply_result (peer, id, "{\"documents\":2,\"nodes\":40,\"jsEventListeners\":5}");
  else if (g_str_equal (method, "Memory.getSamplingProfile") && f->alarm_sizes != NULL)
    {
      g_autofree char *profile = alarm_profile (f, f->n_profiles_sent++);

      cdp_test_peer_reply_result (peer, id, profile);
    }
  else if (g_str_has_suffix (method, "SamplingProfile"))
    {
      f->n_profiles_sent++;
      cdp_test_peer_reply_fixture (peer, id, "getSamplingProfile.json");
    }
  else if (g_str_equal (method, "Memory.getDOMCountersForLeakDetection"))
    {
      g_autofree char *counters = leak_counters (f->n_leak_counts++);

      cdp_test_peer_reply_result (peer, id, counters);
    }
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

static gboolean
sent (Fixture    *f,
      const char *method)
{
  return g_ptr_array_find_with_equal_func (f->methods, method, g_str_equal, NULL);
}

static gboolean
on_targets_page (gpointer user_data)
{
  return ms_test_shows_page (user_data, "targets");
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
has_n_profiles (gpointer user_data)
{
  Fixture *f = user_data;
  guint wanted = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->window), "ms-test-profiles"));
  MsRecorder *recorder = ms_window_get_recorder (f->window);

  return recorder != NULL && ms_recorder_get_profiles (recorder)->len >= wanted;
}

static void
wait_for_profiles (Fixture *f,
                   guint    n)
{
  g_object_set_data (G_OBJECT (f->window), "ms-test-profiles", GUINT_TO_POINTER (n));
  g_assert_true (ms_test_wait_for (has_n_profiles, f, 60));
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

static gboolean
is_null (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
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

/* The fixture profile's number of samples, read with json-glib. */
static guint
fixture_n_samples (void)
{
  g_autofree char *path = ms_test_fixture_path ("getSamplingProfile.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *result;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  result = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                          "result");
  return json_array_get_length (json_object_get_array_member (json_object_get_object_member (result, "profile"),
                                                              "samples"));
}

/* Endpoint → targets (shown literally) → recording. */
static void
connect_and_record (Fixture *f)
{
  g_autofree char *endpoint = g_strdup_printf ("127.0.0.1:%u", f->peer->port);
  GtkListBoxRow *row;

  /* Nothing live yet: the live-only actions are off (no purge dialog). */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.purge", NULL);
  g_assert_null (ms_test_find_message_dialog (GTK_WINDOW (f->window)));

  gtk_editable_set_text (GTK_EDITABLE (f->window->endpoint_row), endpoint);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.connect", NULL));
  g_assert_true (ms_test_wait_for (on_targets_page, f->window, 20));
  row = gtk_list_box_get_row_at_index (f->window->targets_list, 0);
  g_assert_nonnull (row);
  g_assert_true (ms_test_shows_text (GTK_WIDGET (row), PAGE_TITLE));
  g_assert_true (ms_test_shows_text (GTK_WIDGET (row), "page · " PAGE_URL));
  g_assert_true (ms_test_shows_text (GTK_WIDGET (f->window->targets_page), endpoint));

  g_signal_emit_by_name (f->window->targets_list, "row-activated", row);
  g_assert_true (ms_test_wait_for (has_profile_and_counters, f->window, 30));
  g_assert_true (ms_test_shows_page (f->window, "session"));
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

static gboolean
has_n_leak_rows (gpointer user_data)
{
  Fixture *f = user_data;

  return g_list_model_get_n_items (G_LIST_MODEL (f->window->leak_names)) == 2 &&
         f->n_leak_counts == GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->window), "ms-test-counts"));
}

typedef struct
{
  GtkWidget          *widget;
  const char * const *texts;
} Sequence;

static gboolean
shows_sequence (gpointer user_data)
{
  Sequence *sequence = user_data;

  return ms_test_shows_sequence (sequence->widget, sequence->texts);
}

/* The rows are laid out some time after the model changed: waited for. */
static void
assert_leak_row (Fixture            *f,
                 const char * const *texts)
{
  Sequence sequence = { GTK_WIDGET (f->window->leak_view), texts };

  g_assert_true (ms_test_wait_for (shows_sequence, &sequence, 20));
}

/* "Set Baseline", then "Count Now": each leak counter with baseline, now and delta. */
static void
check_leak_table (Fixture *f)
{
  g_autofree char *base = g_strdup_printf ("%d", LEAK_BASE);
  g_autofree char *now = g_strdup_printf ("%d", LEAK_BASE + LEAK_STEP);
  g_autofree char *delta = g_strdup_printf ("+%d", LEAK_STEP);
  g_autofree char *listeners = g_strdup_printf ("%d", LISTENERS_BASE);
  const char *nodes_row[] = { LEAK_NAME, base, now, delta, NULL };
  const char *listeners_row[] = { "jsEventListeners", listeners, listeners, "+0", NULL };
  const char *baseline_row[] = { LEAK_NAME, base, "—", "—", NULL };

  g_object_set_data (G_OBJECT (f->window), "ms-test-counts", GUINT_TO_POINTER (1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leak-baseline", NULL));
  g_assert_true (ms_test_wait_for (has_n_leak_rows, f, 20));
  assert_leak_row (f, baseline_row);

  g_object_set_data (G_OBJECT (f->window), "ms-test-counts", GUINT_TO_POINTER (2));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leak-count", NULL));
  g_assert_true (ms_test_wait_for (has_n_leak_rows, f, 20));
  /* The name shown literally, the figures the peer sent, the delta computed here. */
  assert_leak_row (f, nodes_row);
  assert_leak_row (f, listeners_row);
  /* Each count was a garbage collection first. */
  g_assert_true (sent (f, "Memory.prepareForLeakDetection"));
}

static gboolean
suppress_sent (gpointer user_data)
{
  Fixture *f = user_data;
  const char *wanted = g_object_get_data (G_OBJECT (f->window), "ms-test-suppress");

  return sent (f, wanted);
}

/* The switch's action sends the command with the switch's new value. */
static void
check_suppress_switch (Fixture *f)
{
  GVariant *state;

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->window), "suppress-pressure"));
  g_object_set_data (G_OBJECT (f->window), "ms-test-suppress",
                     "Memory.setPressureNotificationsSuppressed suppressed=true");
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "suppress-pressure", NULL);
  g_assert_true (ms_test_wait_for (suppress_sent, f, 20));
  g_assert_false (sent (f, "Memory.setPressureNotificationsSuppressed suppressed=false"));
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->window), "suppress-pressure");
  g_assert_true (g_variant_get_boolean (state));
  g_variant_unref (state);
  g_assert_true (gtk_switch_get_active (f->window->suppress_switch));

  g_object_set_data (G_OBJECT (f->window), "ms-test-suppress",
                     "Memory.setPressureNotificationsSuppressed suppressed=false");
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "suppress-pressure", NULL);
  g_assert_true (ms_test_wait_for (suppress_sent, f, 20));
  g_assert_false (gtk_switch_get_active (f->window->suppress_switch));
}

static const char *const screenshot_pages[] = { "counters", "flame", "histogram", "alarms", "tools" };

static void
test_live_actions (Fixture *f, gconstpointer data)
{
  MsRecorder *recorder;

  connect_and_record (f);
  recorder = ms_window_get_recorder (f->window);

  /* win.pressure, both levels; win.purge after its confirmation. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.pressure", "s", "moderate"));
  wait_for_markers (f, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.pressure", "s", "critical"));
  wait_for_markers (f, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.purge", NULL));
  ms_test_answer_dialog (f->window, "cancel");
  g_assert_cmpuint (ms_recorder_get_markers (recorder)->len, ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.purge", NULL));
  ms_test_answer_dialog (f->window, "purge");
  wait_for_markers (f, 3);
  assert_marker (recorder, 0, "pressure-moderate");
  assert_marker (recorder, 1, "pressure-critical");
  assert_marker (recorder, 2, "purge");
  g_assert_true (sent (f, "Memory.forciblyPurgeJavaScriptMemory"));

  check_leak_table (f);
  wait_for_markers (f, 5);
  assert_marker (recorder, 3, "leak-counters");
  assert_marker (recorder, 4, "leak-counters");
  check_suppress_switch (f);

  /* Each page as the test left it, when asked for ($MEMSCOPE_SCREENSHOT_DIR). */
  for (guint i = 0; i < G_N_ELEMENTS (screenshot_pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("window-live-%s.png", screenshot_pages[i]);

      adw_view_stack_set_visible_child_name (f->window->view_stack, screenshot_pages[i]);
      ms_test_save_screenshot (GTK_WIDGET (f->window), name);
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

  /* win.toggle-recording stops (stopSampling sent); recording again starts another
   * recording, in another file, without asking: the first one is in its file. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (has_stopped, f->window, 20));
  g_assert_true (sent (f, "Memory.stopSampling"));
  g_assert_cmpint (ms_live_target_get_state (ms_window_get_live_target (f->window)), ==,
                   MS_LIVE_TARGET_STATE_CONNECTED);
  {
    g_autoptr(GFile) first = g_object_ref (ms_window_get_recording_output (f->window));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
    g_assert_null (ms_test_find_message_dialog (GTK_WINDOW (f->window)));
    g_assert_true (ms_window_get_recorder (f->window) != recorder);
    g_assert_true (ms_test_wait_for (is_recording, f->window, 20));
    g_assert_false (g_file_equal (first, ms_window_get_recording_output (f->window)));
    g_assert_true (g_file_query_exists (first, NULL));
  }
}

/* The recording goes to a file named after the page's host and the time, in the
 * recordings folder; stopped, the file reopens with every profile the peer sent. */
static void
test_recording_file (Fixture *f, gconstpointer data)
{
  g_autoptr(MsRecordingFile) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *folder = NULL;
  GFile *output;
  guint n_samples = fixture_n_samples ();
  guint n_recorded;

  connect_and_record (f);
  output = ms_window_get_recording_output (f->window);
  g_assert_nonnull (output);
  g_assert_true (g_file_query_exists (output, NULL));
  name = g_file_get_basename (output);
  folder = g_path_get_dirname (g_file_peek_path (output));
  g_assert_cmpstr (folder, ==, f->dir);
  g_assert_true (g_str_has_prefix (name, PAGE_HOST "-"));
  g_assert_true (g_str_has_suffix (name, ".memscope"));
  /* PAGE-YYYY-MM-DD-HHMM.memscope */
  g_assert_cmpuint (strlen (name), ==, strlen (PAGE_HOST "-2026-12-01-0412.memscope"));

  wait_for_profiles (f, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.pressure", "s", "critical"));
  wait_for_markers (f, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (has_stopped, f->window, 20));

  reopened = ms_recording_file_new_for_path (g_file_peek_path (output), &error);
  g_assert_no_error (error);
  g_assert_true (ms_recording_file_get_closed (reopened));
  g_assert_null (ms_recording_file_get_torn_tail (reopened));
  /* Every profile the peer sent, but one in flight when recording stopped. */
  n_recorded = ms_recording_file_get_n_profiles (reopened);
  g_assert_cmpuint (n_recorded, <=, f->n_profiles_sent);
  g_assert_cmpuint (n_recorded + 1, >=, f->n_profiles_sent);
  g_assert_cmpuint (n_recorded, ==, ms_recorder_get_profiles (ms_window_get_recorder (f->window))->len);
  for (guint i = 0; i < n_recorded; i++)
    {
      MsRecordingSnapshot snapshot;

      ms_recording_file_get_snapshot (reopened, i, &snapshot);
      g_assert_cmpuint (snapshot.n_samples, ==, n_samples);
    }
  /* The user's actions are in it too. */
  g_assert_cmpuint (ms_recording_file_get_n_actions (reopened), ==, 1);
  g_assert_cmpstr (ms_recording_file_get_action (reopened, 0, NULL, NULL), ==, "pressure-critical");

  /* Any profile of it, in the window while still connected. */
  g_assert_cmpuint (ms_window_get_n_snapshots (f->window), ==, n_recorded);
}

static gboolean
is_back_on_empty_page (gpointer user_data)
{
  return ms_test_shows_page (user_data, "empty");
}

/* With no folder chosen, recordings go to $XDG_DATA_HOME/memscope/recordings. */
static void
test_default_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *expected = g_build_filename (g_getenv ("XDG_DATA_HOME"), "memscope", "recordings",
                                                NULL);
  g_autofree char *folder = NULL;

  g_settings_reset (f->settings, "recording-folder");
  connect_and_record (f);
  folder = g_path_get_dirname (g_file_peek_path (ms_window_get_recording_output (f->window)));
  g_assert_cmpstr (folder, ==, expected);
  g_assert_true (g_file_query_exists (ms_window_get_recording_output (f->window), NULL));
}

static gboolean
output_has_two_profiles (gpointer user_data)
{
  GFile *output = ms_window_get_recording_output (user_data);
  g_autoptr(MsRecordingFile) recording = NULL;

  if (output == NULL)
    return FALSE;
  recording = ms_recording_file_new_for_path (g_file_peek_path (output), NULL);
  return recording != NULL && ms_recording_file_get_n_profiles (recording) >= 2;
}

static gboolean has_dialog (gpointer user_data);
static GFile *write_interrupted (Fixture *f, const char *name, gboolean close_it);

/* A second window, started now, offers an interrupted recording written beside the
 * others (a control, so there is something to wait for) and nothing else: discarded,
 * the next one would be asked about at once, and there is none. */
static void
assert_only_control_offered (Fixture *f)
{
  g_autoptr(GFile) control = write_interrupted (f, "cut.memscope", FALSE);
  AdwMessageDialog *dialog;
  MsWindow *second = ms_window_new (NULL);

  gtk_window_present (GTK_WINDOW (second));
  ms_window_offer_interrupted (second);
  g_assert_true (ms_test_wait_for (has_dialog, second, 20));
  dialog = ms_test_find_message_dialog (GTK_WINDOW (second));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“cut.memscope”"));
  ms_test_answer_dialog (second, "discard");
  g_assert_null (ms_test_find_message_dialog (GTK_WINDOW (second)));
  g_assert_false (g_file_query_exists (control, NULL));
  gtk_window_destroy (GTK_WINDOW (second));
}

/* Save As while recording, into the recordings folder: a copy of every frame written
 * so far (a prefix of the recording's file) with an end of its own, so it opens closed
 * with no torn tail and is not offered back as an interrupted recording; the recording
 * goes on into its file. */
static void
test_save_while_recording (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "copy&.memscope", NULL);
  g_autoptr(GFile) copy = g_file_new_for_path (path);
  g_autoptr(MsRecordingFile) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *live = NULL;
  gsize copied_len, live_len;
  GStatBuf st;
  guint n;

  connect_and_record (f);
  /* Two profiles written (the recorder tells of a profile before its thread wrote it). */
  g_assert_true (ms_test_wait_for (output_has_two_profiles, f->window, 60));
  error = ms_test_save_window (f->window, copy);
  g_assert_no_error (error);
  reopened = ms_recording_file_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_recording_file_get_n_profiles (reopened), >=, 2);
  g_assert_true (ms_recording_file_get_closed (reopened));
  g_assert_null (ms_recording_file_get_torn_tail (reopened));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The copy is the file as it was, and a 28-byte END frame (type 6) after it. */
  g_file_get_contents (path, &copied, &copied_len, &error);
  g_assert_no_error (error);
  g_file_get_contents (g_file_peek_path (ms_window_get_recording_output (f->window)), &live,
                       &live_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copied_len, >, 16 + 28);
  g_assert_cmpuint (copied_len - 28, <=, live_len);
  g_assert_cmpmem (copied, copied_len - 28, live, copied_len - 28);
  g_assert_cmpint (copied[copied_len - 28 + 4], ==, 6);

  n = ms_recorder_get_profiles (ms_window_get_recorder (f->window))->len;
  g_assert_true (is_recording (f->window));
  wait_for_profiles (f, n + 1);
  g_assert_false (g_file_equal (copy, ms_window_get_recording_output (f->window)));

  /* Offered on start: not the copy (nor the running recording). */
  assert_only_control_offered (f);
  g_assert_true (g_file_query_exists (copy, NULL));
}

/* Closing during a recording asks: keep (file kept, closed), discard (file deleted) or
 * cancel (nothing changes). Keep and discard stop sampling in the browser first. */
static void
test_close_asks (Fixture *f, gconstpointer data)
{
  const char *response = data;
  g_autoptr(GFile) output = NULL;
  MsWindow *window;

  connect_and_record (f);
  output = g_object_ref (ms_window_get_recording_output (f->window));
  window = f->window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_ptr_array_set_size (f->methods, 0);

  gtk_window_close (GTK_WINDOW (f->window));
  ms_test_settle (50);
  g_assert_nonnull (window);
  g_assert_true (is_recording (f->window));
  ms_test_answer_dialog (f->window, response);

  if (g_str_equal (response, "cancel"))
    {
      ms_test_settle (200);
      g_assert_nonnull (window);
      g_assert_true (is_recording (f->window));
      g_assert_false (sent (f, "Memory.stopSampling"));
      g_assert_true (g_file_query_exists (output, NULL));
      g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      return;
    }

  f->window = NULL;
  g_assert_true (ms_test_wait_for (is_null, &window, 20));
  g_assert_true (sent (f, "Memory.stopSampling"));
  if (g_str_equal (response, "discard"))
    g_assert_false (g_file_query_exists (output, NULL));
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsRecordingFile) kept = ms_recording_file_new_for_path (g_file_peek_path (output),
                                                                         &error);

      g_assert_no_error (error);
      g_assert_true (ms_recording_file_get_closed (kept));
      /* Every profile the peer sent, but one in flight when the recording stopped. */
      g_assert_cmpuint (ms_recording_file_get_n_profiles (kept), <=, f->n_profiles_sent);
      g_assert_cmpuint (ms_recording_file_get_n_profiles (kept) + 1, >=, f->n_profiles_sent);
    }
}

/* Open during a recording asks too; kept, the file chooser follows. */
static gboolean
has_file_chooser (gpointer user_data)
{
  return ms_test_find_file_chooser (user_data) != NULL;
}

static void
test_open_asks (Fixture *f, gconstpointer data)
{
  GtkWindow *chooser;

  connect_and_record (f);
  g_ptr_array_set_size (f->methods, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open", NULL));
  g_assert_null (ms_test_find_file_chooser (GTK_WINDOW (f->window)));
  ms_test_answer_dialog (f->window, "keep");
  g_assert_true (ms_test_wait_for (has_stopped, f->window, 20));
  g_assert_true (sent (f, "Memory.stopSampling"));
  g_assert_true (ms_test_wait_for (has_file_chooser, f->window, 20));
  chooser = ms_test_find_file_chooser (GTK_WINDOW (f->window));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  ms_test_settle (100);
}

/* Connect (and Launch, the same way) during a recording asks too: cancelled, the
 * recording goes on; discarded, its file goes, sampling stops, and the connect follows. */
static void
test_connect_asks (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) output = NULL;
  MsRecorder *recorder;

  connect_and_record (f);
  recorder = ms_window_get_recorder (f->window);
  output = g_object_ref (ms_window_get_recording_output (f->window));
  g_ptr_array_set_size (f->methods, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.connect", NULL));
  ms_test_answer_dialog (f->window, "cancel");
  g_assert_true (ms_window_get_recorder (f->window) == recorder);
  g_assert_true (is_recording (f->window));
  g_assert_true (ms_test_shows_page (f->window, "session"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.connect", NULL));
  ms_test_answer_dialog (f->window, "discard");
  g_assert_true (ms_test_wait_for (on_targets_page, f->window, 20));
  g_assert_true (sent (f, "Memory.stopSampling"));
  g_assert_false (g_file_query_exists (output, NULL));
  g_assert_null (ms_window_get_recorder (f->window));
}

/* Closing the window without asking (destroy) stops sampling in the page and lets the
 * live target go; the file is kept. */
static void
test_destroy_while_recording (Fixture *f, gconstpointer data)
{
  MsLiveTarget *live;
  g_autoptr(GFile) output = NULL;

  connect_and_record (f);
  output = g_object_ref (ms_window_get_recording_output (f->window));
  live = ms_window_get_live_target (f->window);
  g_object_add_weak_pointer (G_OBJECT (live), (gpointer *) &live);
  g_ptr_array_set_size (f->methods, 0);
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_assert_true (ms_test_wait_for (is_null, &live, 20));
  g_assert_true (sent (f, "Memory.stopSampling"));
  g_assert_true (g_file_query_exists (output, NULL));
}

/* Memscope stopped while it recorded: the file has no end. */
static GFile *
write_interrupted (Fixture    *f,
                   const char *name,
                   gboolean    close_it)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *fixture = ms_test_fixture_path ("getSamplingProfile.json");
  g_autoptr(MsRecordingWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;
  char *data;
  gsize len;

  g_file_get_contents (fixture, &data, &len, &error);
  g_assert_no_error (error);
  reply = g_bytes_new_take (data, len);
  writer = ms_recording_writer_new (path, &error);
  g_assert_no_error (error);
  ms_recording_writer_append_profile (writer, g_get_real_time (), "getSamplingProfile", reply,
                                      fixture_n_samples (), 1, &error);
  g_assert_no_error (error);
  if (close_it)
    {
      ms_recording_writer_close (writer, &error);
      g_assert_no_error (error);
    }
  return g_file_new_for_path (path);
}

static gboolean
has_dialog (gpointer user_data)
{
  return ms_test_find_message_dialog (user_data) != NULL;
}

static gboolean
has_tree (gpointer user_data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) != NULL;
}

/* On start the interrupted recording is offered (not the closed one): Open opens it
 * (moved aside so it is not offered again), Discard deletes it, Later leaves it. */
static void
test_interrupted_offered (Fixture *f, gconstpointer data)
{
  const char *response = data;
  g_autoptr(GFile) interrupted = write_interrupted (f, "cut&.memscope", FALSE);
  g_autoptr(GFile) closed = write_interrupted (f, "whole.memscope", TRUE);
  g_autofree char *recovered = g_build_filename (f->dir, "recovered", "cut&.memscope", NULL);
  AdwMessageDialog *dialog;

  ms_window_offer_interrupted (f->window);
  g_assert_true (ms_test_wait_for (has_dialog, f->window, 20));
  dialog = ms_test_find_message_dialog (GTK_WINDOW (f->window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Open Interrupted Recording?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“cut&.memscope”"));
  ms_test_answer_dialog (f->window, response);
  /* Only one was interrupted: no second question. */
  ms_test_settle (200);
  g_assert_null (ms_test_find_message_dialog (GTK_WINDOW (f->window)));
  g_assert_true (g_file_query_exists (closed, NULL));

  if (g_str_equal (response, "open"))
    {
      g_assert_true (ms_test_wait_for (has_tree, f->window, 20));
      g_assert_false (g_file_query_exists (interrupted, NULL));
      g_assert_true (g_file_test (recovered, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpuint (ms_window_get_n_snapshots (f->window), ==, 1);
      g_assert_nonnull (ms_window_get_recording_file (f->window));
    }
  else if (g_str_equal (response, "discard"))
    g_assert_false (g_file_query_exists (interrupted, NULL));
  else
    g_assert_true (g_file_query_exists (interrupted, NULL));
}

/* A recording still being written (locked by its window) is not offered: only the
 * interrupted one beside it is. */
static void
test_running_not_offered (Fixture *f, gconstpointer data)
{
  connect_and_record (f);
  assert_only_control_offered (f);
  g_assert_true (g_file_query_exists (ms_window_get_recording_output (f->window), NULL));
}

/* The alarm in blocks: fires for newly appeared samples of at least blocks ×
 * bytes-per-block bytes, the first N skipped. */
static const guint64 alarm_sizes[] = { 16, 31, 32, 40, 100, 32, 8 };
#define ALARM_BLOCKS 4
#define ALARM_BLOCK_SIZE 8
#define ALARM_IGNORE 1

static void
test_alarm_blocks (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (guint64));
  GArray *alarms;
  guint skipped = 0;

  f->alarm_sizes = alarm_sizes;
  f->n_alarm_sizes = G_N_ELEMENTS (alarm_sizes);
  g_settings_set_enum (f->settings, "alarm-unit", 1);
  g_settings_set_uint (f->settings, "alarm-threshold-blocks", ALARM_BLOCKS);
  g_settings_set_uint (f->settings, "alarm-bytes-per-block", ALARM_BLOCK_SIZE);
  g_settings_set_uint (f->settings, "alarm-ignore-count", ALARM_IGNORE);
  /* The window's rows follow the unit. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window->alarm_blocks_row)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window->alarm_bytes_row)));

  /* Profile 0 only sets the baseline; profile i brings size i. */
  for (guint i = 1; i < G_N_ELEMENTS (alarm_sizes); i++)
    if (alarm_sizes[i] >= ALARM_BLOCKS * ALARM_BLOCK_SIZE && skipped++ >= ALARM_IGNORE)
      g_array_append_val (expected, alarm_sizes[i]);

  connect_and_record (f);
  wait_for_profiles (f, G_N_ELEMENTS (alarm_sizes) + 1);
  alarms = ms_recorder_get_alarms (ms_window_get_recorder (f->window));
  g_assert_cmpuint (alarms->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpuint (g_array_index (alarms, MsRecordedAlarm, i).size, ==,
                      g_array_index (expected, guint64, i));
  /* One row each in the Alarms page. */
  g_assert_nonnull (gtk_list_box_get_row_at_index (f->window->alarms_list, expected->len - 1));
  g_assert_null (gtk_list_box_get_row_at_index (f->window->alarms_list, expected->len));
}

/* The recording settings are read when a recording starts: the sampling interval and
 * randomness go with Memory.startSampling, the profile source picks the command (here
 * through the window's menu action). */
static void
test_recording_settings (Fixture *f, gconstpointer data)
{
  MsRecorder *recorder;

  g_settings_set_uint (f->settings, "sampling-interval", 4096);
  g_settings_set_boolean (f->settings, "suppress-randomness", TRUE);
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "profile-source",
                                      g_variant_new_string ("all-time"));
  g_assert_cmpint (g_settings_get_enum (f->settings, "profile-source"), ==, 1);

  connect_and_record (f);
  g_assert_true (sent (f, "Memory.startSampling samplingInterval=4096 suppressRandomness=true"));
  g_assert_true (sent (f, "Memory.getAllTimeSamplingProfile"));
  g_assert_false (sent (f, "Memory.getSamplingProfile"));
  recorder = ms_window_get_recorder (f->window);
  g_assert_cmpuint (ms_recorder_get_sampling_interval (recorder), ==, 4096);

  /* Changed while recording: the next recording, not this one. */
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "profile-source",
                                      g_variant_new_string ("browser"));
  g_assert_cmpint (ms_recorder_get_source (recorder), ==, MS_CDP_PROFILE_ALL_TIME);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (has_stopped, f->window, 20));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-recording", NULL));
  g_assert_true (ms_test_wait_for (is_recording, f->window, 20));
  wait_for_profiles (f, 1);
  g_assert_true (sent (f, "Memory.getBrowserSamplingProfile"));
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
  g_assert_true (is_back_on_empty_page (f->window));
  g_assert_null (ms_window_get_live_target (f->window));
}

static gboolean
is_connected (gpointer user_data)
{
  MsLiveTarget *live = ms_window_get_live_target (user_data);

  return live != NULL && ms_live_target_get_state (live) == MS_LIVE_TARGET_STATE_CONNECTED;
}

/* ms_window_connect() with a target attaches at once; without recording unless asked. */
static void
test_connect_target (Fixture *f, gconstpointer data)
{
  g_autofree char *endpoint = g_strdup_printf ("127.0.0.1:%u", f->peer->port);
  g_autoptr(GError) error = NULL;

  ms_window_set_record_on_connect (f->window, FALSE);
  g_assert_true (ms_window_connect (f->window, endpoint, "x/?a=1", &error));
  g_assert_no_error (error);
  g_assert_true (ms_test_wait_for (is_connected, f->window, 20));
  g_assert_cmpstr (ms_cdp_target_get_id (ms_live_target_get_target (ms_window_get_live_target (f->window))),
                   ==, "TEST");
  g_assert_null (ms_window_get_recorder (f->window));
  g_assert_false (sent (f, "Memory.startSampling"));

  g_assert_false (ms_window_connect (f->window, "no port here", NULL, &error));
  g_assert_nonnull (error);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->methods = g_ptr_array_new_with_free_func (g_free);
  f->dir = g_dir_make_tmp ("memscope-ui-rec-XXXXXX", &error);
  g_assert_no_error (error);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "recording-folder", f->dir);
  g_settings_set_uint (f->settings, "poll-interval", 1);
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
  static const char * const keys[] = {
    "recording-folder", "poll-interval", "alarm-unit", "alarm-threshold-blocks",
    "alarm-bytes-per-block", "alarm-ignore-count", "sampling-interval", "suppress-randomness",
    "profile-source", NULL
  };

  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  ms_test_settle (100);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
  g_clear_pointer (&f->methods, g_ptr_array_unref);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (f->settings, keys[i]);
  g_clear_object (&f->settings);
  ms_test_remove_tree (f->dir);
  g_free (f->dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("memscope-ui-data-XXXXXX", NULL);
  int status;

  /* Before anything reads it: the default recordings folder goes there. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func, data) \
  g_test_add ("/memscope/ui/window-live/" path, Fixture, data, setup, func, teardown)
  ADD ("actions", test_live_actions, NULL);
  ADD ("recording-file", test_recording_file, NULL);
  ADD ("default-folder", test_default_folder, NULL);
  ADD ("save-while-recording", test_save_while_recording, NULL);
  ADD ("close-asks/keep", test_close_asks, "keep");
  ADD ("close-asks/discard", test_close_asks, "discard");
  ADD ("close-asks/cancel", test_close_asks, "cancel");
  ADD ("open-asks", test_open_asks, NULL);
  ADD ("connect-asks", test_connect_asks, NULL);
  ADD ("destroy-while-recording", test_destroy_while_recording, NULL);
  ADD ("interrupted/open", test_interrupted_offered, "open");
  ADD ("interrupted/discard", test_interrupted_offered, "discard");
  ADD ("interrupted/later", test_interrupted_offered, "later");
  ADD ("interrupted/running-not-offered", test_running_not_offered, NULL);
  ADD ("alarm-blocks", test_alarm_blocks, NULL);
  ADD ("recording-settings", test_recording_settings, NULL);
  ADD ("cancel", test_cancel, NULL);
  ADD ("connect-target", test_connect_target, NULL);
#undef ADD

  status = g_test_run ();
  ms_test_remove_tree (data_home);
  return status;
}
