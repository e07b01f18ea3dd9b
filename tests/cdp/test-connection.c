/* test-connection.c: MsCdpConnection against an in-process DevTools peer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ms-cdp-connection.h"
#include "ms-cdp-connection-private.h"
#include "ms-cdp-error.h"
#include "ms-cdp-memory.h"

#include "cdp-test-peer.h"

typedef struct
{
  CdpTestPeer     *peer;
  MsCdpConnection *conn;
  GAsyncResult    *result;
  GPtrArray       *events;     /* method names seen, in order */
  GPtrArray       *log;        /* "event:NAME" and "reply" in arrival order */
} Fixture;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->result);
  f->result = g_object_ref (result);
}

static void
on_any_event (MsCdpConnection *conn,
              const char      *method,
              JsonObject      *params,
              Fixture         *f)
{
  g_ptr_array_add (f->events, g_strdup (method));
  g_ptr_array_add (f->log, g_strdup_printf ("event:%s", method));
}

static void
fixture_connect (Fixture    *f,
                 const char *url)
{
  g_autoptr(GError) error = NULL;

  ms_cdp_connection_new_async (url, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  f->conn = ms_cdp_connection_new_finish (f->result, &error);
  g_clear_object (&f->result);
  g_assert_no_error (error);
  g_assert_nonnull (f->conn);
  g_signal_connect (f->conn, "event", G_CALLBACK (on_any_event), f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->peer = cdp_test_peer_new ();
  f->events = g_ptr_array_new_with_free_func (g_free);
  f->log = g_ptr_array_new_with_free_func (g_free);
  fixture_connect (f, f->peer->ws_url);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->conn);
  g_clear_object (&f->result);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
  g_clear_pointer (&f->events, g_ptr_array_unref);
  g_clear_pointer (&f->log, g_ptr_array_unref);
}

/* Calls @method and waits; returns the result or NULL with @error set. */
static JsonObject *
call_and_wait (Fixture     *f,
               const char  *method,
               JsonObject  *params,
               guint        timeout,
               GError     **error)
{
  JsonObject *result;

  ms_cdp_connection_call_async (f->conn, method, params, timeout, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  result = ms_cdp_connection_call_finish (f->conn, f->result, error);
  g_clear_object (&f->result);
  if (result != NULL)
    g_ptr_array_add (f->log, g_strdup ("reply"));
  return result;
}

/* Responders */

static void
reply_echo_params (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                   gpointer data)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, params);
  text = json_to_string (node, FALSE);
  cdp_test_peer_reply_result (peer, id, text);
}

static void
test_call_roundtrip (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;

  f->peer->responder = reply_echo_params;
  json_object_set_int_member (params, "samplingInterval", 4096);
  json_object_set_string_member (params, "quote", "a\"b\\c\n");

  result = call_and_wait (f, "Memory.startSampling", params, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "samplingInterval"), ==, 4096);
  g_assert_cmpstr (json_object_get_string_member (result, "quote"), ==, "a\"b\\c\n");
  g_assert_cmpstr (f->peer->last_method, ==, "Memory.startSampling");
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CONNECTED);
  g_assert_cmpuint (ms_cdp_connection_get_n_pending (f->conn), ==, 0);
}

static void
test_no_origin_header (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (f->peer->n_handshakes, >=, 1);
  g_assert_false (f->peer->saw_origin);
}

typedef struct
{
  const char *fixture;
  gint64      code;
  const char *message;
  const char *data;
} ErrorReplyCase;

static void
reply_with_case_fixture (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                         gpointer data)
{
  const ErrorReplyCase *c = data;
  cdp_test_peer_reply_fixture (peer, id, c->fixture);
}

static const ErrorReplyCase error_replies[] = {
  { "unknown-method.json", -32601, "'Memory.nope' wasn't found", NULL },
  { "startSampling-zero-interval.json", -32000, "Invalid sampling rate.", NULL },
  { "stopSampling-not-started.json", -32000, "Sampling profiler is not started.", NULL },
  { "simulatePressureNotification-bad-level.json", -32602,
    "Invalid memory pressure level 'bogus'", NULL },
  { "setPressureNotificationsSuppressed-missing-param.json", -32602, "Invalid parameters",
    "Failed to deserialize params.suppressed - BINDINGS: mandatory field missing at position 8" },
};

static void
test_protocol_errors (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_replies); i++)
    {
      const ErrorReplyCase *c = &error_replies[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) result = NULL;

      f->peer->responder = reply_with_case_fixture;
      f->peer->responder_data = (gpointer) c;
      result = call_and_wait (f, "Memory.nope", NULL, 0, &error);
      g_assert_null (result);
      g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
      g_assert_cmpint (ms_cdp_error_get_protocol_code (error), ==, c->code);
      g_assert_cmpstr (ms_cdp_error_get_protocol_message (error), ==, c->message);
      g_assert_cmpstr (ms_cdp_error_get_protocol_data (error), ==, c->data);
      g_assert_cmpstr (ms_cdp_error_get_method (error), ==, "Memory.nope");
      g_assert_nonnull (strstr (error->message, c->message));
    }
  /* Protocol errors leave the connection usable. */
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CONNECTED);
}

static void
reply_unknown_id_first (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                        gpointer data)
{
  cdp_test_peer_reply_result (peer, id + 1000, "{\"wrong\":true}");
  cdp_test_peer_reply_result (peer, id, "{\"right\":true}");
}

static void
test_unknown_id (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  f->peer->responder = reply_unknown_id_first;
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (result, "right"));
  g_assert_false (json_object_has_member (result, "wrong"));
}

static void
reply_after_event (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                   gpointer data)
{
  cdp_test_peer_send_text (peer, "{\"method\":\"Memory.fakeEvent\",\"params\":{\"n\":7}}");
  cdp_test_peer_send_text (peer, "{\"method\":\"Page.other\"}");
  cdp_test_peer_reply_result (peer, id, "{}");
}

static void
on_fake_event (MsCdpConnection *conn,
               const char      *method,
               JsonObject      *params,
               gint64          *n)
{
  g_assert_cmpstr (method, ==, "Memory.fakeEvent");
  *n = json_object_get_int_member (params, "n");
}

static void
test_event_between (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  gint64 n = 0;

  g_signal_connect (f->conn, "event::Memory.fakeEvent", G_CALLBACK (on_fake_event), &n);
  f->peer->responder = reply_after_event;
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 7);
  g_assert_cmpuint (f->log->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->log, 0), ==, "event:Memory.fakeEvent");
  g_assert_cmpstr (g_ptr_array_index (f->log, 1), ==, "event:Page.other");
  g_assert_cmpstr (g_ptr_array_index (f->log, 2), ==, "reply");
}

#define LARGE_EVENT_PAD (1024u * 1024u)

static void
reply_after_large_event (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                         gpointer data)
{
  g_autofree char *pad = g_malloc (LARGE_EVENT_PAD + 1);
  g_autofree char *big = NULL;
  g_autofree char *reply = NULL;

  memset (pad, 'p', LARGE_EVENT_PAD);
  pad[LARGE_EVENT_PAD] = '\0';
  big = g_strdup_printf ("{\"method\":\"Memory.big\",\"params\":{\"pad\":\"%s\"}}", pad);
  reply = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"ok\":true}}", id);

  cdp_test_peer_send_text (peer, "{\"method\":\"Memory.before\",\"params\":{}}");
  cdp_test_peer_send_text (peer, big);
  cdp_test_peer_send_text (peer, "{\"method\":\"Memory.after1\",\"params\":{}}");
  cdp_test_peer_send_text (peer, "{\"method\":\"Memory.after2\",\"params\":{}}");
  cdp_test_peer_send_text (peer, reply);
}

static void
on_big_event (MsCdpConnection *conn,
              const char      *method,
              JsonObject      *params,
              gsize           *pad_length)
{
  *pad_length = strlen (json_object_get_string_member (params, "pad"));
}

/* A large event is decoded off the main thread, like a large reply; the messages
 * behind it wait for it, so that delivery keeps the order of arrival. */
static void
test_large_event_in_order (Fixture *f, gconstpointer data)
{
  static const char * const expected[] = {
    "event:Memory.before", "event:Memory.big", "event:Memory.after1", "event:Memory.after2", "reply",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  gsize pad_length = 0;

  g_signal_connect (f->conn, "event::Memory.big", G_CALLBACK (on_big_event), &pad_length);
  f->peer->responder = reply_after_large_event;
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (f->log->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (f->log, i), ==, expected[i]);
  g_assert_cmpuint (pad_length, ==, LARGE_EVENT_PAD);
  g_assert_cmpuint (ms_cdp_connection_get_n_threaded_events (f->conn), ==, 1);
}

#define BIG_SIZE (64u * 1024u * 1024u)

static GBytes *
make_big_reply (gint64 id,
                gsize  payload)
{
  g_autofree char *head = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"blob\":\"", id);
  const char *tail = "\"}}";
  gsize head_len = strlen (head);
  gsize total = head_len + payload + strlen (tail);
  char *buf = g_malloc (total);

  memcpy (buf, head, head_len);
  memset (buf + head_len, 'x', payload);
  memcpy (buf + head_len + payload, tail, strlen (tail));
  return g_bytes_new_take (buf, total);
}

static void
reply_big (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  g_autoptr(GBytes) bytes = make_big_reply (id, GPOINTER_TO_SIZE (data));
  cdp_test_peer_send_bytes (peer, bytes);
}

static void
test_big_reply (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(JsonObject) result = NULL;
  gsize expected_len;

  f->peer->responder = reply_big;
  f->peer->responder_data = GSIZE_TO_POINTER (BIG_SIZE);

  ms_cdp_connection_call_raw_async (f->conn, "Memory.getSamplingProfile", NULL, 0, NULL,
                                    got_result, f);
  cdp_test_wait_for_result (&f->result);
  raw = ms_cdp_connection_call_raw_finish (f->conn, f->result, &error);
  g_clear_object (&f->result);
  g_assert_no_error (error);
  expected_len = strlen ("{\"id\":00,\"result\":{\"blob\":\"") + BIG_SIZE + strlen ("\"}}");
  /* ids are 1 or 2 digits here */
  g_assert_cmpuint (g_bytes_get_size (raw), >=, expected_len - 1);
  g_assert_cmpuint (g_bytes_get_size (raw), <=, expected_len);

  /* The decoded path too: parsed off the main thread, same content. */
  result = call_and_wait (f, "Memory.getSamplingProfile", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json_object_get_string_member (result, "blob")), ==, BIG_SIZE);
}

static void
test_over_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  ms_cdp_connection_set_max_message_size (f->conn, 1024 * 1024);
  f->peer->responder = reply_big;
  f->peer->responder_data = GSIZE_TO_POINTER (2 * 1024 * 1024);
  result = call_and_wait (f, "Memory.getSamplingProfile", NULL, 0, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE);
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CLOSED);
}

static void
close_on_call (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  soup_websocket_connection_close (peer->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "bye");
}

static void
test_close_while_pending (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  f->peer->responder = close_on_call;
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED);
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CLOSED);
  g_assert_nonnull (ms_cdp_connection_get_failure (f->conn));
  g_clear_error (&error);

  /* A call after the close fails at once with the same reason. */
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED);
}

typedef struct
{
  const char *reply;     /* %s is replaced by the id */
  int         code;
  const char *substring;
} BadReplyCase;

static const BadReplyCase bad_replies[] = {
  { "{\"id\":%s,\"result\":{", MS_CDP_ERROR_MALFORMED, "not valid JSON" },
  { "{\"id\":%s,\"result\":{\"a\":tru}}", MS_CDP_ERROR_MALFORMED, "not valid JSON" },
  { "{\"id\":%s,\"result\":{\"a\":\"\x01\"}}", MS_CDP_ERROR_MALFORMED, "not valid JSON" },
  { "{\"id\":%s,\"result\":[1,2]}", MS_CDP_ERROR_WRONG_SHAPE, "“result” member that is not an object" },
  { "{\"id\":%s}", MS_CDP_ERROR_WRONG_SHAPE, "neither “result” nor “error”" },
  { "{\"id\":%s,\"error\":\"boom\"}", MS_CDP_ERROR_WRONG_SHAPE, "“error” member that is not an object" },
  { "garbage", MS_CDP_ERROR_MALFORMED, "not valid JSON" },
  { "", MS_CDP_ERROR_MALFORMED, "empty" },
};

static void
reply_bad_case (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                gpointer data)
{
  const BadReplyCase *c = data;
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_auto(GStrv) parts = g_strsplit (c->reply, "%s", -1);
  g_autofree char *text = g_strjoinv (id_text, parts);

  cdp_test_peer_send_text (peer, text);
}

static void
test_bad_replies (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_replies); i++)
    {
      const BadReplyCase *c = &bad_replies[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) result = NULL;

      g_test_message ("bad reply %u: %s", i, c->reply);
      f->peer->responder = reply_bad_case;
      f->peer->responder_data = (gpointer) c;
      result = call_and_wait (f, "Memory.getDOMCounters", NULL, 5, &error);
      g_assert_null (result);
      g_assert_error (error, MS_CDP_ERROR, c->code);
      g_assert_nonnull (strstr (error->message, c->substring));
    }

  /* The client keeps working after every one of them. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) result = NULL;

    f->peer->responder = reply_echo_params;
    result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_nonnull (result);
  }
}

typedef struct
{
  const char *result;
  const char *substring;
} ShapeCase;

static const ShapeCase dom_counter_shapes[] = {
  { "{}", "documents: missing (expected a number)" },
  { "{\"documents\":\"2\",\"nodes\":1,\"jsEventListeners\":1}", "documents: expected a number, got a string" },
  { "{\"documents\":2,\"nodes\":-4,\"jsEventListeners\":1}", "nodes: negative number -4" },
  { "{\"documents\":2,\"nodes\":4.5,\"jsEventListeners\":1}", "nodes: expected a whole number" },
  { "{\"documents\":2,\"nodes\":4,\"jsEventListeners\":null}", "jsEventListeners: expected a number, got null" },
};

static void
reply_shape_case (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                  gpointer data)
{
  const ShapeCase *c = data;
  cdp_test_peer_reply_result (peer, id, c->result);
}

static void
test_wrong_shape_counters (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (dom_counter_shapes); i++)
    {
      const ShapeCase *c = &dom_counter_shapes[i];
      g_autoptr(GError) error = NULL;
      MsCdpDomCounters counters = { -1, -1, -1 };

      f->peer->responder = reply_shape_case;
      f->peer->responder_data = (gpointer) c;
      ms_cdp_memory_get_dom_counters_async (f->conn, NULL, got_result, f);
      cdp_test_wait_for_result (&f->result);
      g_assert_false (ms_cdp_memory_get_dom_counters_finish (f->conn, f->result, &counters, &error));
      g_clear_object (&f->result);
      g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE);
      g_assert_nonnull (strstr (error->message, c->substring));
      g_assert_nonnull (strstr (error->message, "Memory.getDOMCounters"));
      /* Nothing half-filled. */
      g_assert_cmpint (counters.documents, ==, -1);
    }
}

static void
reply_never (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  gint64 *last = data;
  *last = id;
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  gint64 late_id = 0;

  f->peer->responder = reply_never;
  f->peer->responder_data = &late_id;
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 1, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "Memory.getDOMCounters"));
  g_clear_error (&error);

  /* A reply that arrives after the timeout is dropped; the next call still works. */
  cdp_test_peer_reply_result (f->peer, late_id, "{\"late\":true}");
  f->peer->responder = reply_echo_params;
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (result, "late"));
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  gint64 late_id = 0;

  f->peer->responder = reply_never;
  f->peer->responder_data = &late_id;
  ms_cdp_connection_call_async (f->conn, "Memory.getDOMCounters", NULL, 0, cancellable,
                                got_result, f);
  while (late_id == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (ms_cdp_connection_get_n_pending (f->conn), ==, 1);
  g_cancellable_cancel (cancellable);
  cdp_test_wait_for_result (&f->result);
  result = ms_cdp_connection_call_finish (f->conn, f->result, &error);
  g_clear_object (&f->result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ms_cdp_connection_get_n_pending (f->conn), ==, 0);
}

static void
crash_on_call (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  cdp_test_peer_send_text (peer, "{\"method\":\"Inspector.targetCrashed\",\"params\":{}}");
}

static void
test_target_crashed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  f->peer->responder = crash_on_call;
  result = call_and_wait (f, "Memory.prepareForLeakDetection", NULL, 0, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_CRASHED);
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CRASHED);
  g_assert_true (g_ptr_array_find_with_equal_func (f->events, "Inspector.targetCrashed",
                                                   g_str_equal, NULL));
  g_clear_error (&error);

  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_CRASHED);
}

static void
detach_on_call (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  cdp_test_peer_send_text (peer, "{\"method\":\"Inspector.detached\",\"params\":{\"reason\":\"target_closed\"}}");
}

static void
test_target_detached (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  f->peer->responder = detach_on_call;
  result = call_and_wait (f, "Memory.getDOMCounters", NULL, 0, &error);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_DETACHED);
  g_assert_nonnull (strstr (error->message, "target_closed"));
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_DETACHED);
}

/* Every fixture reply of a real Chromium through the typed API. */

static void
reply_fixture_by_method (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params,
                         gpointer data)
{
  g_autofree char *name = g_strdup_printf ("%s.json", method + strlen ("Memory."));
  cdp_test_peer_reply_fixture (peer, id, name);
}

static JsonObject *
fixture_result (const char *name)
{
  g_autofree char *relative = g_build_filename ("small", name, NULL);
  g_autofree char *path = cdp_test_fixture_path (relative);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                         "result"));
}

static void
test_fixtures_typed (Fixture *f, gconstpointer data)
{
  static const struct {
    MsCdpProfileSource source;
    const char *fixture;
  } profiles[] = {
    { MS_CDP_PROFILE_SINCE_START, "getSamplingProfile.json" },
    { MS_CDP_PROFILE_ALL_TIME, "getAllTimeSamplingProfile.json" },
    { MS_CDP_PROFILE_BROWSER, "getBrowserSamplingProfile.json" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) expected = NULL;
  g_autoptr(GArray) counters = NULL;
  MsCdpDomCounters dom;
  JsonArray *expected_counters;

  f->peer->responder = reply_fixture_by_method;

  /* getDOMCounters */
  expected = fixture_result ("getDOMCounters.json");
  ms_cdp_memory_get_dom_counters_async (f->conn, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  g_assert_true (ms_cdp_memory_get_dom_counters_finish (f->conn, f->result, &dom, &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);
  g_assert_cmpint (dom.documents, ==, json_object_get_int_member (expected, "documents"));
  g_assert_cmpint (dom.nodes, ==, json_object_get_int_member (expected, "nodes"));
  g_assert_cmpint (dom.js_event_listeners, ==, json_object_get_int_member (expected, "jsEventListeners"));
  g_clear_pointer (&expected, json_object_unref);

  /* getDOMCountersForLeakDetection */
  expected = fixture_result ("getDOMCountersForLeakDetection.json");
  expected_counters = json_object_get_array_member (expected, "counters");
  ms_cdp_memory_get_dom_counters_for_leak_detection_async (f->conn, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  counters = ms_cdp_memory_get_dom_counters_for_leak_detection_finish (f->conn, f->result, &error);
  g_assert_no_error (error);
  g_clear_object (&f->result);
  g_assert_cmpuint (counters->len, ==, json_array_get_length (expected_counters));
  for (guint i = 0; i < counters->len; i++)
    {
      JsonObject *e = json_array_get_object_element (expected_counters, i);
      MsCdpDomCounter *c = &g_array_index (counters, MsCdpDomCounter, i);
      g_assert_cmpstr (c->name, ==, json_object_get_string_member (e, "name"));
      g_assert_cmpint (c->count, ==, json_object_get_int_member (e, "count"));
    }
  g_clear_pointer (&expected, json_object_unref);

  /* The commands whose result is {} */
  {
    ms_cdp_memory_prepare_for_leak_detection_async (f->conn, NULL, got_result, f);
    cdp_test_wait_for_result (&f->result);
    g_assert_true (ms_cdp_memory_prepare_for_leak_detection_finish (f->conn, f->result, &error));
    g_assert_no_error (error);
    g_clear_object (&f->result);

    ms_cdp_memory_start_sampling_async (f->conn, 4096, FALSE, NULL, got_result, f);
    cdp_test_wait_for_result (&f->result);
    g_assert_true (ms_cdp_memory_start_sampling_finish (f->conn, f->result, &error));
    g_assert_no_error (error);
    g_clear_object (&f->result);

    ms_cdp_memory_stop_sampling_async (f->conn, NULL, got_result, f);
    cdp_test_wait_for_result (&f->result);
    g_assert_true (ms_cdp_memory_stop_sampling_finish (f->conn, f->result, &error));
    g_assert_no_error (error);
    g_clear_object (&f->result);
  }

  /* Profiles: the whole reply, undecoded (the analysis layer reads it; the bad shapes
   * are tested there), with the fixture's profile intact. */
  for (guint p = 0; p < G_N_ELEMENTS (profiles); p++)
    {
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *reply;

      expected = fixture_result (profiles[p].fixture);
      ms_cdp_memory_get_sampling_profile_raw_async (f->conn, profiles[p].source, NULL, got_result, f);
      cdp_test_wait_for_result (&f->result);
      raw = ms_cdp_memory_get_sampling_profile_raw_finish (f->conn, f->result, &error);
      g_assert_no_error (error);
      g_clear_object (&f->result);
      g_assert_cmpstr (f->peer->last_method, ==, ms_cdp_profile_source_to_method (profiles[p].source));

      json_parser_load_from_data (parser, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), &error);
      g_assert_no_error (error);
      reply = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_node_equal (json_object_get_member (json_object_get_object_member (reply, "result"),
                                                              "profile"),
                                      json_object_get_member (expected, "profile")));
      g_clear_pointer (&expected, json_object_unref);
    }
}

static void
got_result_ptr (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static MsCdpConnection *
connect_sync (const char *url, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ms_cdp_connection_new_async (url, NULL, got_result_ptr, &result);
  cdp_test_wait_for_result (&result);
  return ms_cdp_connection_new_finish (result, error);
}

static void
test_handshake_errors (void)
{
  g_autoptr(CdpTestPeer) peer = cdp_test_peer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCdpConnection) conn = NULL;
  g_autofree char *forbidden = g_strdup_printf ("ws://127.0.0.1:%u/forbidden", peer->port);
  g_autofree char *missing = g_strdup_printf ("ws://127.0.0.1:%u/nothing", peer->port);

  peer->handshake_status = SOUP_STATUS_FORBIDDEN;
  conn = connect_sync (forbidden, &error);
  g_assert_null (conn);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "--remote-allow-origins"));
  g_assert_false (peer->saw_origin);
  g_clear_error (&error);

  peer->handshake_status = SOUP_STATUS_NOT_FOUND;
  conn = connect_sync (missing, &error);
  g_assert_null (conn);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "404"));
  g_clear_error (&error);

  conn = connect_sync ("http://127.0.0.1:1/x", &error);
  g_assert_null (conn);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT);
  g_clear_error (&error);
}

static void
test_connection_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCdpConnection) conn = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* Find a port that is free, then close it again. */
  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_close (listener);

  url = g_strdup_printf ("ws://127.0.0.1:%u/devtools/page/X", port);
  conn = connect_sync (url, &error);
  g_assert_null (conn);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, "--remote-debugging-port"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/memscope/connection/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("roundtrip", test_call_roundtrip);
  ADD ("no-origin-header", test_no_origin_header);
  ADD ("protocol-errors", test_protocol_errors);
  ADD ("unknown-id", test_unknown_id);
  ADD ("event-between", test_event_between);
  ADD ("large-event-in-order", test_large_event_in_order);
  ADD ("reply-64mb", test_big_reply);
  ADD ("reply-over-limit", test_over_limit);
  ADD ("close-while-pending", test_close_while_pending);
  ADD ("bad-replies", test_bad_replies);
  ADD ("wrong-shape-counters", test_wrong_shape_counters);
  ADD ("timeout", test_timeout);
  ADD ("cancel", test_cancel);
  ADD ("target-crashed", test_target_crashed);
  ADD ("target-detached", test_target_detached);
  ADD ("fixtures-typed", test_fixtures_typed);
#undef ADD
  g_test_add_func ("/memscope/connection/handshake-errors", test_handshake_errors);
  g_test_add_func ("/memscope/connection/connection-refused", test_connection_refused);

  return g_test_run ();
}
