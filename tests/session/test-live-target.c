/* test-live-target.c: MsLiveTarget launching, connecting, commands and markers, against
 * the in-process DevTools peer (a script plays the browser: it writes the peer's port
 * into DevToolsActivePort and sleeps)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ms-cdp-error.h"
#include "ms-live-target.h"

#include "cdp-test-peer.h"

#define PAGE_URL "http://127.0.0.1/test.html"

typedef struct
{
  CdpTestPeer  *peer;
  MsLiveTarget *target;
  GAsyncResult *result;
  GArray       *states;        /* every notify::state, in order */
  guint         n_error_notifies;
  /* /json/list: empty for this many requests (G_MAXUINT: always) */
  guint         empty_lists;
  guint         n_lists;
  gboolean      list_worker_first;
  gboolean      kill_browser_on_list;
  GCancellable *cancel_on_list;
  GPtrArray    *methods;       /* every request the peer saw, "Method params" */
  gboolean      no_expose_gc;  /* the page has no native gc() */
  const char   *error_for;     /* a method answered with a protocol error */
  char         *dir;
  char         *script;
} Fixture;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture *f)
{
  g_clear_object (&f->result);
  cdp_test_wait_for_result (&f->result);
  return f->result;
}

static void
on_state (MsLiveTarget *target,
          GParamSpec   *pspec,
          Fixture      *f)
{
  MsLiveTargetState state = ms_live_target_get_state (target);

  g_array_append_val (f->states, state);
}

static void
on_last_error (MsLiveTarget *target,
               GParamSpec   *pspec,
               Fixture      *f)
{
  f->n_error_notifies++;
}

/* The peer's answers */

static void
respond (CdpTestPeer *peer,
         gint64       id,
         const char  *method,
         JsonObject  *params,
         gpointer     user_data)
{
  Fixture *f = user_data;
  g_autofree char *params_text = NULL;

  /* No params and empty params read the same. */
  if (params != NULL && json_object_get_size (params) > 0)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, params);
      params_text = json_to_string (node, FALSE);
    }
  g_ptr_array_add (f->methods, g_strdup_printf ("%s %s", method, params_text ? params_text : "-"));

  if (g_strcmp0 (method, f->error_for) == 0)
    {
      g_autofree char *text = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"error\":{\"code\":-32000,"
                                               "\"message\":\"refused by the test\"}}", id);
      cdp_test_peer_send_text (peer, text);
      return;
    }
  if (g_str_equal (method, "Runtime.evaluate"))
    cdp_test_peer_reply_result (peer, id, f->no_expose_gc ? "{\"result\":{\"type\":\"boolean\",\"value\":false}}"
                                                          : "{\"result\":{\"type\":\"boolean\",\"value\":true}}");
  else if (g_str_equal (method, "Memory.getDOMCounters"))
    cdp_test_peer_reply_result (peer, id, "{\"documents\":2,\"nodes\":345,\"jsEventListeners\":6}");
  else if (g_str_equal (method, "Memory.getDOMCountersForLeakDetection"))
    cdp_test_peer_reply_result (peer, id, "{\"counters\":[{\"name\":\"Document\",\"count\":3},"
                                "{\"name\":\"Node\",\"count\":120}]}");
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
#define PAGE_JSON "{\"id\":\"TEST\",\"title\":\"Test page\",\"type\":\"page\",\"url\":\"" PAGE_URL "\"," \
                  "\"webSocketDebuggerUrl\":\"%s\"}"
#define WORKER_JSON "{\"id\":\"W\",\"title\":\"\",\"type\":\"service_worker\"," \
                    "\"url\":\"http://127.0.0.1/sw.js\",\"webSocketDebuggerUrl\":\"%s\"}"
  g_autofree char *body = NULL;

  f->n_lists++;
  if (f->kill_browser_on_list && ms_live_target_get_browser_pid (f->target) > 0)
    kill (ms_live_target_get_browser_pid (f->target), SIGKILL);
  if (f->cancel_on_list != NULL)
    g_cancellable_cancel (f->cancel_on_list);

  if (f->n_lists <= f->empty_lists)
    body = g_strdup ("[]");
  else
    {
      g_autofree char *page_json = g_strdup_printf (PAGE_JSON, f->peer->ws_url);
      g_autofree char *worker_json = g_strdup_printf (WORKER_JSON, f->peer->ws_url);

      body = f->list_worker_first ? g_strdup_printf ("[%s,%s]", worker_json, page_json)
                                  : g_strdup_printf ("[%s]", page_json);
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* A browser that is only a script: it announces the peer's port and waits. */
static char *
write_fake_browser (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *script;

  f->dir = g_dir_make_tmp ("memscope-live-XXXXXX", &error);
  g_assert_no_error (error);
  script = g_build_filename (f->dir, "fake-browser", NULL);
  text = g_strdup_printf ("#!/bin/sh\n"
                          "for arg; do\n"
                          "  case \"$arg\" in --user-data-dir=*) dir=\"${arg#--user-data-dir=}\";; esac\n"
                          "done\n"
                          "printf '%u\\n/devtools/browser/B\\n' > \"$dir/port.tmp\"\n"
                          "mv \"$dir/port.tmp\" \"$dir/DevToolsActivePort\"\n"
                          "exec sleep 600\n", f->peer->port);
  g_file_set_contents (script, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  return script;
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->states = g_array_new (FALSE, FALSE, sizeof (MsLiveTargetState));
  f->methods = g_ptr_array_new_with_free_func (g_free);
  f->peer = cdp_test_peer_new ();
  f->peer->responder = respond;
  f->peer->responder_data = f;
  /* More specific than the peer's catch-all handler. */
  soup_server_add_handler (f->peer->server, "/json/list", list_handler, f, NULL);
}

static void
watch_target (Fixture *f)
{
  g_signal_connect (f->target, "notify::state", G_CALLBACK (on_state), f);
  g_signal_connect (f->target, "notify::last-error", G_CALLBACK (on_last_error), f);
}

static void
setup_endpoint (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  setup (f, data);
  text = g_strdup_printf ("127.0.0.1:%u", f->peer->port);
  f->target = ms_live_target_new_for_endpoint (text, &error);
  g_assert_no_error (error);
  watch_target (f);
}

static void
setup_launch (Fixture       *f,
              gconstpointer  data)
{
  setup (f, data);
  f->script = write_fake_browser (f);
  f->target = ms_live_target_new_for_launch (PAGE_URL, TRUE, f->script);
  ms_live_target_set_timeout (f->target, 2);
  watch_target (f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  /* A result holds its source object. */
  g_clear_object (&f->result);
  if (f->target != NULL)
    {
      /* An operation the target cancelled (a discovery request when the browser died,
       * a stop in flight) holds it until its callback runs on this context: let those
       * finish, then the target must be gone. */
      GObject *weak = G_OBJECT (g_steal_pointer (&f->target));
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      g_object_add_weak_pointer (weak, (gpointer *) &weak);
      g_object_unref (weak);
      while (weak != NULL && g_get_monotonic_time () < deadline)
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (1000);
        }
      g_assert_null (weak);
    }
  g_clear_object (&f->cancel_on_list);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
  g_clear_pointer (&f->states, g_array_unref);
  g_clear_pointer (&f->methods, g_ptr_array_unref);
  if (f->script != NULL)
    g_unlink (f->script);
  if (f->dir != NULL)
    g_rmdir (f->dir);
  g_free (f->script);
  g_free (f->dir);
}

static void
assert_states (Fixture                 *f,
               const MsLiveTargetState *expected,
               guint                    n_expected)
{
  for (guint i = 0; i < MIN (f->states->len, n_expected); i++)
    g_assert_cmpint (g_array_index (f->states, MsLiveTargetState, i), ==, expected[i]);
  g_assert_cmpuint (f->states->len, ==, n_expected);
}

static gboolean
connect_target (Fixture     *f,
                const char  *which,
                GError     **error)
{
  ms_live_target_connect_async (f->target, which, NULL, got_result, f);
  return ms_live_target_connect_finish (f->target, wait_result (f), error);
}

static gboolean
process_exists (GPid pid)
{
  return kill (pid, 0) == 0 || errno != ESRCH;
}

/* Connecting to an endpoint */

static void
test_endpoint_connect (Fixture *f, gconstpointer data)
{
  static const MsLiveTargetState expected[] = {
    MS_LIVE_TARGET_STATE_CONNECTING, MS_LIVE_TARGET_STATE_CONNECTED,
  };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ms_live_target_get_state (f->target), ==, MS_LIVE_TARGET_STATE_IDLE);
  g_assert_null (ms_live_target_get_browser_version (f->target));
  g_assert_true (connect_target (f, NULL, &error));
  g_assert_no_error (error);
  assert_states (f, expected, G_N_ELEMENTS (expected));
  g_assert_cmpstr (ms_cdp_target_get_id (ms_live_target_get_target (f->target)), ==, "TEST");
  /* What the peer's /json/version says. */
  g_assert_cmpstr (ms_live_target_get_browser_version (f->target), ==, "Chrome/156.0.8078.79");
  g_assert_null (ms_live_target_get_last_error (f->target));
  g_assert_cmpuint (f->n_error_notifies, ==, 0);
  g_assert_false (ms_live_target_is_remote (f->target));
  g_assert_cmpint (ms_live_target_get_browser_pid (f->target), ==, 0);
}

static void
test_endpoint_list_targets (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;

  f->list_worker_first = TRUE;
  ms_live_target_list_targets_async (f->target, NULL, got_result, f);
  targets = ms_live_target_list_targets_finish (f->target, wait_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 2);
  /* The server listed the worker first; pages come first. */
  g_assert_cmpstr (ms_cdp_target_get_id (g_ptr_array_index (targets, 0)), ==, "TEST");
  g_assert_cmpstr (ms_cdp_target_get_id (g_ptr_array_index (targets, 1)), ==, "W");
  /* Listing does not connect. */
  g_assert_cmpuint (f->states->len, ==, 0);
}

static void
test_endpoint_picked_target (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->list_worker_first = TRUE;
  g_assert_true (connect_target (f, "W", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ms_cdp_target_get_id (ms_live_target_get_target (f->target)), ==, "W");
}

static void
test_endpoint_unknown_target (Fixture *f, gconstpointer data)
{
  static const MsLiveTargetState expected[] = {
    MS_LIVE_TARGET_STATE_CONNECTING, MS_LIVE_TARGET_STATE_FAILED,
  };
  g_autoptr(GError) error = NULL;

  g_assert_false (connect_target (f, "nowhere.html", &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nowhere.html"));
  assert_states (f, expected, G_N_ELEMENTS (expected));
  g_assert_cmpstr (ms_live_target_get_last_error (f->target)->message, ==, error->message);
  g_assert_cmpuint (f->n_error_notifies, ==, 1);
}

static const struct
{
  const char *name;
  const char *text;
  const char *message_part;
} bad_endpoints[] = {
  { "empty", "", "" },
  { "no-port", "127.0.0.1", "127.0.0.1" },
  { "port-zero", "127.0.0.1:0", "0" },
  { "port-too-large", "127.0.0.1:70000", "70000" },
};

static void
test_bad_endpoint (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLiveTarget) target = ms_live_target_new_for_endpoint (bad_endpoints[i].text, &error);

  g_assert_null (target);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT);
  g_assert_nonnull (strstr (error->message, bad_endpoints[i].message_part));
}

/* Launching */

static void
test_launch_connect (Fixture *f, gconstpointer data)
{
  static const MsLiveTargetState expected[] = {
    MS_LIVE_TARGET_STATE_LAUNCHING, MS_LIVE_TARGET_STATE_CONNECTING,
    MS_LIVE_TARGET_STATE_CONNECTED,
  };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_assert_true (connect_target (f, NULL, &error));
  g_assert_no_error (error);
  assert_states (f, expected, G_N_ELEMENTS (expected));
  g_assert_cmpstr (ms_cdp_target_get_url (ms_live_target_get_target (f->target)), ==, PAGE_URL);
  pid = ms_live_target_get_browser_pid (f->target);
  g_assert_cmpint (pid, >, 0);
  g_assert_true (process_exists (pid));
  /* One to find the page, one by the session attaching to it. */
  g_assert_cmpuint (f->n_lists, ==, 2);

  /* Disconnecting stops the browser it started. */
  ms_live_target_disconnect_async (f->target, NULL, got_result, f);
  g_assert_true (ms_live_target_disconnect_finish (f->target, wait_result (f), &error));
  g_assert_no_error (error);
  g_assert_cmpint (ms_live_target_get_state (f->target), ==, MS_LIVE_TARGET_STATE_IDLE);
  g_assert_cmpint (ms_live_target_get_browser_pid (f->target), ==, 0);
  g_assert_false (process_exists (pid));
}

static void
test_launch_late_target (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->empty_lists = 3;
  g_assert_true (connect_target (f, NULL, &error));
  g_assert_no_error (error);
  /* Three empty lists, the one with the page, the session's own. */
  g_assert_cmpuint (f->n_lists, ==, 5);
  g_assert_cmpstr (ms_cdp_target_get_id (ms_live_target_get_target (f->target)), ==, "TEST");
  g_assert_cmpint (ms_live_target_get_state (f->target), ==, MS_LIVE_TARGET_STATE_CONNECTED);
}

static void
test_launch_no_target (Fixture *f, gconstpointer data)
{
  static const MsLiveTargetState expected[] = {
    MS_LIVE_TARGET_STATE_LAUNCHING, MS_LIVE_TARGET_STATE_CONNECTING,
    MS_LIVE_TARGET_STATE_FAILED,
  };
  g_autoptr(GError) error = NULL;

  f->empty_lists = G_MAXUINT;
  ms_live_target_set_timeout (f->target, 1);
  g_assert_false (connect_target (f, NULL, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "the browser did not open " PAGE_URL " within 1 s");
  assert_states (f, expected, G_N_ELEMENTS (expected));
  g_assert_cmpstr (ms_live_target_get_last_error (f->target)->message, ==, error->message);
  g_assert_cmpuint (f->n_lists, >, 1);
  /* The browser it started is stopped. */
  g_assert_cmpint (ms_live_target_get_browser_pid (f->target), ==, 0);
}

static void
test_launch_cancelled (Fixture *f, gconstpointer data)
{
  static const MsLiveTargetState expected[] = {
    MS_LIVE_TARGET_STATE_LAUNCHING, MS_LIVE_TARGET_STATE_CONNECTING,
    MS_LIVE_TARGET_STATE_IDLE,
  };
  g_autoptr(GError) error = NULL;

  f->empty_lists = G_MAXUINT;
  f->cancel_on_list = g_cancellable_new ();
  ms_live_target_connect_async (f->target, NULL, f->cancel_on_list, got_result, f);
  g_assert_false (ms_live_target_connect_finish (f->target, wait_result (f), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_states (f, expected, G_N_ELEMENTS (expected));
  /* Cancelling is not a failure. */
  g_assert_null (ms_live_target_get_last_error (f->target));
  g_assert_cmpint (ms_live_target_get_browser_pid (f->target), ==, 0);
}

static void
test_launch_browser_dies (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->empty_lists = G_MAXUINT;
  f->kill_browser_on_list = TRUE;
  ms_live_target_set_timeout (f->target, 30);
  g_assert_false (connect_target (f, NULL, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED);
  g_assert_cmpstr (error->message, ==,
                   "the browser exited while Memscope was connecting to its page");
  g_assert_cmpint (ms_live_target_get_state (f->target), ==, MS_LIVE_TARGET_STATE_FAILED);
}

static void
test_launch_missing_browser (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "no-such-browser", NULL);

  g_clear_object (&f->target);
  f->target = ms_live_target_new_for_launch (PAGE_URL, TRUE, missing);
  g_assert_false (connect_target (f, NULL, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_cmpint (ms_live_target_get_state (f->target), ==, MS_LIVE_TARGET_STATE_FAILED);
}

/* The connection going away */

static void
test_lost (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  ms_live_target_set_reconnect_window (f->target, 0);
  g_assert_true (connect_target (f, NULL, &error));
  g_assert_no_error (error);
  soup_websocket_connection_close (f->peer->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "bye");
  while (ms_live_target_get_state (f->target) != MS_LIVE_TARGET_STATE_LOST)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (ms_live_target_get_last_error (f->target));
}

/* One-shot commands */

static const struct
{
  const char    *name;
  MsLiveCommand  command;
  const char    *request;   /* method and params as the peer saw them */
  const char    *marker;
} commands[] = {
  { "purge", MS_LIVE_COMMAND_PURGE, "Memory.forciblyPurgeJavaScriptMemory -", "purge" },
  { "pressure-moderate", MS_LIVE_COMMAND_PRESSURE_MODERATE,
    "Memory.simulatePressureNotification {\"level\":\"moderate\"}", "pressure-moderate" },
  { "pressure-critical", MS_LIVE_COMMAND_PRESSURE_CRITICAL,
    "Memory.simulatePressureNotification {\"level\":\"critical\"}", "pressure-critical" },
  { "suppress-pressure", MS_LIVE_COMMAND_SUPPRESS_PRESSURE,
    "Memory.setPressureNotificationsSuppressed {\"suppressed\":true}", "suppress-pressure" },
  { "allow-pressure", MS_LIVE_COMMAND_ALLOW_PRESSURE,
    "Memory.setPressureNotificationsSuppressed {\"suppressed\":false}", "allow-pressure" },
};

/* Connected, recording with no polling: only startSampling goes out. */
static MsRecorder *
start_recording (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  MsRecorder *recorder;

  g_assert_true (connect_target (f, NULL, &error));
  g_assert_no_error (error);
  recorder = ms_live_target_new_recording (f->target);
  g_assert_nonnull (recorder);
  g_assert_true (ms_live_target_get_recorder (f->target) == recorder);
  ms_recorder_set_profile_interval (recorder, 0);
  ms_recorder_set_counter_interval (recorder, 0);
  ms_recorder_start_async (recorder, NULL, got_result, f);
  g_assert_true (ms_recorder_start_finish (recorder, wait_result (f), &error));
  g_assert_no_error (error);
  g_assert_cmpint (ms_live_target_get_state (f->target), ==, MS_LIVE_TARGET_STATE_RECORDING);
  g_ptr_array_set_size (f->methods, 0);
  return recorder;
}

static void
test_command (Fixture *f, gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->target), "ms-test-row"));
  g_autoptr(GError) error = NULL;
  MsRecorder *recorder = start_recording (f);
  GArray *markers;
  const MsRecordedMarker *marker;
  JsonArray *saved;
  gint64 before = g_get_real_time (), after;

  ms_live_target_send_async (f->target, commands[i].command, NULL, got_result, f);
  g_assert_true (ms_live_target_send_finish (f->target, wait_result (f), &error));
  after = g_get_real_time ();
  g_assert_no_error (error);
  g_assert_cmpuint (f->methods->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->methods, 0), ==, commands[i].request);

  markers = ms_recorder_get_markers (recorder);
  g_assert_cmpuint (markers->len, ==, 1);
  marker = &g_array_index (markers, MsRecordedMarker, 0);
  g_assert_cmpstr (marker->kind, ==, commands[i].marker);
  g_assert_cmpint (marker->time_us, >=, before);
  g_assert_cmpint (marker->time_us, <=, after);
  /* And in what gets saved. */
  saved = json_object_get_array_member (ms_session_file_get_sampling (ms_recorder_get_session_file (recorder)),
                                        "markers");
  g_assert_cmpuint (json_array_get_length (saved), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (saved, 0), "kind"),
                   ==, commands[i].marker);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (saved, 0), "time"),
                   ==, marker->time_us);
}

static void
test_command_error (Fixture *f, gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->target), "ms-test-row"));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) request = g_strsplit (commands[i].request, " ", 2);
  MsRecorder *recorder = start_recording (f);

  f->error_for = request[0];
  ms_live_target_send_async (f->target, commands[i].command, NULL, got_result, f);
  g_assert_false (ms_live_target_send_finish (f->target, wait_result (f), &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_cmpint (ms_cdp_error_get_protocol_code (error), ==, -32000);
  g_assert_cmpstr (ms_cdp_error_get_protocol_message (error), ==, "refused by the test");
  /* Not done, so not marked. */
  g_assert_cmpuint (ms_recorder_get_markers (recorder)->len, ==, 0);
}

static void
test_count_leaks (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counters = NULL;
  MsRecorder *recorder = start_recording (f);

  ms_live_target_count_leaks_async (f->target, NULL, got_result, f);
  counters = ms_live_target_count_leaks_finish (f->target, wait_result (f), &error);
  g_assert_no_error (error);
  /* The --expose-gc check, garbage collection, then the counters. */
  g_assert_cmpuint (f->methods->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->methods, 0), "Runtime.evaluate {"));
  g_assert_cmpstr (g_ptr_array_index (f->methods, 1), ==, "Memory.prepareForLeakDetection -");
  g_assert_cmpstr (g_ptr_array_index (f->methods, 2), ==, "Memory.getDOMCountersForLeakDetection -");
  g_assert_cmpuint (counters->len, ==, 2);
  g_assert_cmpstr (g_array_index (counters, MsCdpDomCounter, 0).name, ==, "Document");
  g_assert_cmpint (g_array_index (counters, MsCdpDomCounter, 0).count, ==, 3);
  g_assert_cmpstr (g_array_index (counters, MsCdpDomCounter, 1).name, ==, "Node");
  g_assert_cmpint (g_array_index (counters, MsCdpDomCounter, 1).count, ==, 120);
  g_assert_cmpuint (ms_recorder_get_markers (recorder)->len, ==, 1);
  g_assert_cmpstr (g_array_index (ms_recorder_get_markers (recorder), MsRecordedMarker, 0).kind,
                   ==, "leak-counters");
  /* The counts the peer returned, in its order, as compact JSON. */
  g_assert_cmpstr (g_array_index (ms_recorder_get_markers (recorder), MsRecordedMarker, 0).detail,
                   ==, "{\"counters\":{\"Document\":3,\"Node\":120}}");
}

/* Counted as the caller's baseline: the role goes first in the detail. */
static void
test_count_leaks_role (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counters = NULL;
  MsRecorder *recorder = start_recording (f);

  ms_live_target_count_leaks_as_async (f->target, "baseline", NULL, got_result, f);
  counters = ms_live_target_count_leaks_finish (f->target, wait_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counters->len, ==, 2);
  g_assert_cmpuint (ms_recorder_get_markers (recorder)->len, ==, 1);
  g_assert_cmpstr (g_array_index (ms_recorder_get_markers (recorder), MsRecordedMarker, 0).detail,
                   ==, "{\"role\":\"baseline\",\"counters\":{\"Document\":3,\"Node\":120}}");
}

static void
test_count_leaks_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counters = NULL;

  g_assert_true (connect_target (f, NULL, &error));
  f->error_for = "Memory.prepareForLeakDetection";
  ms_live_target_count_leaks_async (f->target, NULL, got_result, f);
  counters = ms_live_target_count_leaks_finish (f->target, wait_result (f), &error);
  g_assert_null (counters);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_true (g_str_has_prefix (error->message, "preparing for leak detection: "));
  /* The counters are not asked for after a failed collection. */
  g_assert_cmpuint (f->methods->len, ==, 2);
}

/* Without --expose-gc the collection would crash the page: nothing is sent. */
static void
test_count_leaks_no_expose_gc (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counters = NULL;

  g_assert_true (connect_target (f, NULL, &error));
  f->no_expose_gc = TRUE;
  ms_live_target_count_leaks_async (f->target, NULL, got_result, f);
  counters = ms_live_target_count_leaks_finish (f->target, wait_result (f), &error);
  g_assert_null (counters);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "the browser does not run with --js-flags=--expose-gc, without which "
                   "Memory.prepareForLeakDetection crashes the page; start it from Memscope "
                   "(Launch, or memscope-cli launch) or add that flag");
  g_assert_cmpuint (f->methods->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->methods, 0), "Runtime.evaluate {"));
}

static void
test_command_not_connected (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  ms_live_target_send_async (f->target, MS_LIVE_COMMAND_PURGE, NULL, got_result, f);
  g_assert_false (ms_live_target_send_finish (f->target, wait_result (f), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, "not connected to a page");
  g_assert_null (ms_live_target_new_recording (f->target));
  g_assert_cmpuint (f->methods->len, ==, 0);
}

/* Reading the counters changes nothing in the page, so it leaves no marker. */
static void
test_dom_counters (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MsRecorder *recorder = start_recording (f);
  MsCdpDomCounters counters = { -1, -1, -1 };

  ms_live_target_get_dom_counters_async (f->target, NULL, got_result, f);
  g_assert_true (ms_live_target_get_dom_counters_finish (f->target, wait_result (f), &counters,
                                                         &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->methods->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->methods, 0), ==, "Memory.getDOMCounters -");
  g_assert_cmpint (counters.documents, ==, 2);
  g_assert_cmpint (counters.nodes, ==, 345);
  g_assert_cmpint (counters.js_event_listeners, ==, 6);
  g_assert_cmpuint (ms_recorder_get_markers (recorder)->len, ==, 0);
}

static void
test_dom_counters_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MsCdpDomCounters counters = { -1, -1, -1 };

  g_assert_true (connect_target (f, NULL, &error));
  f->error_for = "Memory.getDOMCounters";
  ms_live_target_get_dom_counters_async (f->target, NULL, got_result, f);
  g_assert_false (ms_live_target_get_dom_counters_finish (f->target, wait_result (f), &counters,
                                                          &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_cmpstr (ms_cdp_error_get_protocol_message (error), ==, "refused by the test");
  g_assert_cmpint (counters.documents, ==, -1);
}

static void
test_dom_counters_not_connected (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MsCdpDomCounters counters;

  ms_live_target_get_dom_counters_async (f->target, NULL, got_result, f);
  g_assert_false (ms_live_target_get_dom_counters_finish (f->target, wait_result (f), &counters,
                                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, "not connected to a page");
  g_assert_cmpuint (f->methods->len, ==, 0);
}

/* The version comes from the endpoint without attaching to a page. */
static void
test_endpoint_version (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;

  ms_live_target_get_version_async (f->target, NULL, got_result, f);
  version = ms_live_target_get_version_finish (f->target, wait_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_cdp_browser_version_get_browser (version), ==, "Chrome/156.0.8078.79");
  g_assert_cmpuint (f->states->len, ==, 0);
  g_assert_null (f->peer->ws);
}

/* A launch has no endpoint to ask before its browser runs. */
static void
test_launch_version_before_launch (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;

  ms_live_target_get_version_async (f->target, NULL, got_result, f);
  version = ms_live_target_get_version_finish (f->target, wait_result (f), &error);
  g_assert_null (version);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, "the browser is not running");
  g_assert_cmpuint (f->states->len, ==, 0);
}

/* Disconnecting while recording stops sampling in the browser first. */
static void
test_disconnect_recording (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MsRecorder *recorder = start_recording (f);

  ms_live_target_disconnect_async (f->target, NULL, got_result, f);
  g_assert_true (ms_live_target_disconnect_finish (f->target, wait_result (f), &error));
  g_assert_no_error (error);
  g_assert_cmpint (ms_recorder_get_state (recorder), ==, MS_RECORDER_STATE_STOPPED);
  g_assert_cmpuint (f->methods->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (f->methods, f->methods->len - 1), ==, "Memory.stopSampling -");
  g_assert_cmpint (ms_live_target_get_state (f->target), ==, MS_LIVE_TARGET_STATE_IDLE);
}

/* Rows of the command tables: the row travels on the target. */
typedef struct
{
  guint row;
  void (*test) (Fixture *f, gconstpointer data);
} RowTest;

static void
run_row (Fixture *f, gconstpointer data)
{
  const RowTest *row = data;

  g_object_set_data (G_OBJECT (f->target), "ms-test-row", GUINT_TO_POINTER (row->row));
  row->test (f, NULL);
}

int
main (int argc, char **argv)
{
  static RowTest rows[2 * G_N_ELEMENTS (commands)];

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/memscope/live-target/endpoint/connect", Fixture, NULL, setup_endpoint,
              test_endpoint_connect, teardown);
  g_test_add ("/memscope/live-target/endpoint/list-targets", Fixture, NULL, setup_endpoint,
              test_endpoint_list_targets, teardown);
  g_test_add ("/memscope/live-target/endpoint/picked-target", Fixture, NULL, setup_endpoint,
              test_endpoint_picked_target, teardown);
  g_test_add ("/memscope/live-target/endpoint/unknown-target", Fixture, NULL, setup_endpoint,
              test_endpoint_unknown_target, teardown);
  for (guint i = 0; i < G_N_ELEMENTS (bad_endpoints); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/live-target/bad-endpoint/%s",
                                               bad_endpoints[i].name);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_bad_endpoint);
    }
  g_test_add ("/memscope/live-target/launch/connect", Fixture, NULL, setup_launch,
              test_launch_connect, teardown);
  g_test_add ("/memscope/live-target/launch/late-target", Fixture, NULL, setup_launch,
              test_launch_late_target, teardown);
  g_test_add ("/memscope/live-target/launch/no-target", Fixture, NULL, setup_launch,
              test_launch_no_target, teardown);
  g_test_add ("/memscope/live-target/launch/cancelled", Fixture, NULL, setup_launch,
              test_launch_cancelled, teardown);
  g_test_add ("/memscope/live-target/launch/browser-dies", Fixture, NULL, setup_launch,
              test_launch_browser_dies, teardown);
  g_test_add ("/memscope/live-target/launch/missing-browser", Fixture, NULL, setup_launch,
              test_launch_missing_browser, teardown);
  g_test_add ("/memscope/live-target/lost", Fixture, NULL, setup_endpoint, test_lost, teardown);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/live-target/command/%s", commands[i].name);
      g_autofree char *error_path = g_strdup_printf ("/memscope/live-target/command-error/%s",
                                                     commands[i].name);

      rows[2 * i] = (RowTest) { i, test_command };
      rows[2 * i + 1] = (RowTest) { i, test_command_error };
      g_test_add (path, Fixture, &rows[2 * i], setup_endpoint, run_row, teardown);
      g_test_add (error_path, Fixture, &rows[2 * i + 1], setup_endpoint, run_row, teardown);
    }
  g_test_add ("/memscope/live-target/command/leak-counters", Fixture, NULL, setup_endpoint,
              test_count_leaks, teardown);
  g_test_add ("/memscope/live-target/command/leak-counters-as-baseline", Fixture, NULL,
              setup_endpoint, test_count_leaks_role, teardown);
  g_test_add ("/memscope/live-target/command-error/leak-counters", Fixture, NULL, setup_endpoint,
              test_count_leaks_error, teardown);
  g_test_add ("/memscope/live-target/command-error/leak-counters-without-expose-gc", Fixture, NULL,
              setup_endpoint, test_count_leaks_no_expose_gc, teardown);
  g_test_add ("/memscope/live-target/command/not-connected", Fixture, NULL, setup_endpoint,
              test_command_not_connected, teardown);
  g_test_add ("/memscope/live-target/disconnect-while-recording", Fixture, NULL, setup_endpoint,
              test_disconnect_recording, teardown);
  g_test_add ("/memscope/live-target/dom-counters", Fixture, NULL, setup_endpoint,
              test_dom_counters, teardown);
  g_test_add ("/memscope/live-target/dom-counters-error", Fixture, NULL, setup_endpoint,
              test_dom_counters_error, teardown);
  g_test_add ("/memscope/live-target/dom-counters-not-connected", Fixture, NULL, setup_endpoint,
              test_dom_counters_not_connected, teardown);
  g_test_add ("/memscope/live-target/endpoint/version", Fixture, NULL, setup_endpoint,
              test_endpoint_version, teardown);
  g_test_add ("/memscope/live-target/launch/version-before-launch", Fixture, NULL, setup_launch,
              test_launch_version_before_launch, teardown);

  return g_test_run ();
}
