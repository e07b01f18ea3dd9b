/* test-faults.c: a DevTools peer that breaks the protocol below the JSON level
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <stdlib.h>

#include "ms-cdp-connection.h"
#include "ms-cdp-error.h"

#include "cdp-test-peer.h"

typedef struct
{
  CdpTestPeer     *peer;
  MsCdpConnection *conn;
  GAsyncResult    *result;
  gint64           last_id;
  GThread         *writer;
  guint            n_flood;
} Fixture;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;
  f->result = g_object_ref (result);
}

static void
remember_id (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  Fixture *f = data;
  f->last_id = id;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->peer = cdp_test_peer_new ();
  f->peer->responder = remember_id;
  f->peer->responder_data = f;
  ms_cdp_connection_new_async (f->peer->ws_url, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  f->conn = ms_cdp_connection_new_finish (f->result, &error);
  g_assert_no_error (error);
  g_clear_object (&f->result);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->writer != NULL)
    g_thread_join (f->writer);
  g_clear_object (&f->conn);
  g_clear_object (&f->result);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
}

/* Sends a call, lets the peer see it, and returns its id. */
static gint64
send_call (Fixture    *f,
           const char *method,
           guint       timeout)
{
  f->last_id = 0;
  ms_cdp_connection_call_async (f->conn, method, NULL, timeout, NULL, got_result, f);
  while (f->last_id == 0)
    g_main_context_iteration (NULL, TRUE);
  return f->last_id;
}

static JsonObject *
finish_call (Fixture  *f,
             GError  **error)
{
  JsonObject *result;

  cdp_test_wait_for_result (&f->result);
  result = ms_cdp_connection_call_finish (f->conn, f->result, error);
  g_clear_object (&f->result);
  return result;
}

/* Peak resident memory since the last reset_peak_rss(), from VmHWM. */
static glong
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "\nVmHWM:");
  g_assert_nonnull (line);
  return strtol (line + strlen ("\nVmHWM:"), NULL, 10);
}

/* Writing 5 to clear_refs resets VmHWM to the current RSS: so that one test's peak
 * never masks the next one's. */
static void
reset_peak_rss (void)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full ("/proc/self/clear_refs", "5", 1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
}

#define FLOOD_CHUNK (1024 * 1024)

/* A peer that sends @n_frames text frames of @frame_size bytes each, all one message
 * (the first a text frame, the others continuations, the last with FIN), as fast as
 * the socket takes them, from a thread; it stops when the client hangs up. */
typedef struct
{
  GOutputStream *out;
  guint          n_frames;
  guint64        frame_size;
  guint64        sent;         /* bytes written, headers included */
} Flood;

static gpointer
flood_writer (gpointer data)
{
  Flood *flood = data;
  g_autofree char *chunk = g_malloc (FLOOD_CHUNK);

  memset (chunk, ' ', FLOOD_CHUNK);
  for (guint i = 0; i < flood->n_frames; i++)
    {
      guint8 header[10];
      guint64 left = flood->frame_size;

      header[0] = (i + 1 == flood->n_frames ? 0x80 : 0x00) | (i == 0 ? 0x01 : 0x00);
      header[1] = 127;
      for (int b = 0; b < 8; b++)
        header[2 + b] = (flood->frame_size >> (56 - 8 * b)) & 0xff;
      if (!g_output_stream_write_all (flood->out, header, sizeof header, NULL, NULL, NULL))
        return NULL;
      flood->sent += sizeof header;

      while (left > 0)
        {
          gsize n = MIN (left, FLOOD_CHUNK);

          if (!g_output_stream_write_all (flood->out, chunk, n, NULL, NULL, NULL))
            return NULL;
          flood->sent += n;
          left -= n;
        }
    }

  return NULL;
}

static void
start_flood (Fixture *f,
             Flood   *flood)
{
  flood->out = g_io_stream_get_output_stream (soup_websocket_connection_get_io_stream (f->peer->ws));
  f->writer = g_thread_new ("flood-peer", flood_writer, flood);
}

/* One whole message written from a thread, straight to the socket. */
typedef struct
{
  GOutputStream *out;
  GBytes        *frame;
  GMutex         lock;
  GCond          cond;
  gboolean       done;
} Sender;

static gpointer
sender_write (gpointer data)
{
  Sender *sender = data;
  gsize len;
  const void *bytes = g_bytes_get_data (sender->frame, &len);

  g_output_stream_write_all (sender->out, bytes, len, NULL, NULL, NULL);
  g_mutex_lock (&sender->lock);
  sender->done = TRUE;
  g_cond_signal (&sender->cond);
  g_mutex_unlock (&sender->lock);
  return NULL;
}

#define BLOCKED_PAD (64u * 1024u * 1024u)

/* The WebSocket is read, assembled and scanned off the main thread: a 64 MiB reply
 * goes in whole while the main context is not iterated at all. (Read on the main
 * context, the peer would block as soon as the socket's buffers were full, a few MB
 * into the message, and the wait below would give up.) */
static void
test_reply_read_while_main_blocked (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autofree char *head = NULL;
  Sender sender = { NULL, };
  guint8 header[10];
  gsize header_len;
  gint64 deadline;
  gint64 id;

  id = send_call (f, "Memory.getSamplingProfile", 120);
  head = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"pad\":\"", id);
  header_len = cdp_test_frame_header (strlen (head) + BLOCKED_PAD + strlen ("\"}}"), header);
  g_byte_array_append (frame, header, header_len);
  g_byte_array_append (frame, (const guint8 *) head, strlen (head));
  g_byte_array_set_size (frame, frame->len + BLOCKED_PAD);
  memset (frame->data + frame->len - BLOCKED_PAD, 'x', BLOCKED_PAD);
  g_byte_array_append (frame, (const guint8 *) "\"}}", 3);

  sender.out = g_io_stream_get_output_stream (soup_websocket_connection_get_io_stream (f->peer->ws));
  sender.frame = g_byte_array_free_to_bytes (g_steal_pointer (&frame));
  g_mutex_init (&sender.lock);
  g_cond_init (&sender.cond);
  f->writer = g_thread_new ("blocked-main-peer", sender_write, &sender);

  /* A guard against a hang, not a measure of speed. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_mutex_lock (&sender.lock);
  while (!sender.done && g_cond_wait_until (&sender.cond, &sender.lock, deadline))
    ;
  g_mutex_unlock (&sender.lock);
  g_assert_true (sender.done);
  g_thread_join (g_steal_pointer (&f->writer));

  result = finish_call (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json_object_get_string_member (result, "pad")), ==, BLOCKED_PAD);

  g_bytes_unref (sender.frame);
  g_mutex_clear (&sender.lock);
  g_cond_clear (&sender.cond);
}

/* The peer sends all of the 300 MB it announced (far more than the 64 MiB bound
 * below): the client must refuse the frame from its header and never buffer it. */
static void
test_reply_over_limit_300mb (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  Flood flood = { NULL, 1, 300u * 1000u * 1000u, 0 };
  glong rss_before;
  gint64 id;

  id = send_call (f, "Memory.getSamplingProfile", 30);
  g_assert_cmpint (id, >, 0);

  reset_peak_rss ();
  rss_before = peak_rss_kib ();
  start_flood (f, &flood);

  result = finish_call (f, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "The browser sent a message larger than the limit of 268435456 bytes "
                   "(300000000 bytes announced in 1 frame); the connection was closed");
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CLOSED);

  g_thread_join (g_steal_pointer (&f->writer));
  g_test_message ("peak RSS grew by %ld KiB; the peer got %" G_GUINT64_FORMAT
                  " of %" G_GUINT64_FORMAT " bytes out", peak_rss_kib () - rss_before,
                  flood.sent, flood.frame_size + 10);
  g_assert_cmpint (peak_rss_kib () - rss_before, <, 64 * 1024);
  g_assert_cmpuint (flood.sent, <, flood.frame_size);
}

/* 2 GiB in 16 frames of 128 MiB, each under the per-frame limit: libsoup 3.2 would
 * assemble all of them. The client must refuse the message at the header that takes it
 * past 256 MiB (the third), before the rest is sent or stored. */
static void
test_fragmented_2gb (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  Flood flood = { NULL, 16, 128u * 1024u * 1024u, 0 };
  guint64 message_size = flood.n_frames * flood.frame_size;
  glong rss_before;
  glong growth;

  send_call (f, "Memory.getSamplingProfile", 60);

  reset_peak_rss ();
  rss_before = peak_rss_kib ();
  start_flood (f, &flood);

  result = finish_call (f, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "The browser sent a message larger than the limit of 268435456 bytes "
                   "(402653184 bytes announced in 3 frames); the connection was closed");
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CLOSED);

  g_thread_join (g_steal_pointer (&f->writer));
  growth = peak_rss_kib () - rss_before;
  g_test_message ("peak RSS grew by %ld KiB for a %" G_GUINT64_FORMAT " byte message; the peer "
                  "got %" G_GUINT64_FORMAT " bytes out", growth, message_size, flood.sent);

  /* What the limit lets in (two frames) is held; the rest is never read. */
  g_assert_cmpint (growth, <, (glong) (message_size / 2 / 1024));
  g_assert_cmpuint (flood.sent, <, message_size / 4);
}

static void
test_close_mid_message (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *partial = NULL;
  guint8 header[10];
  gsize header_len;
  gint64 id;

  id = send_call (f, "Memory.getDOMCounters", 30);
  partial = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"documents\":", id);
  header_len = cdp_test_frame_header (1000, header);
  cdp_test_peer_write_raw (f->peer, header, header_len);
  cdp_test_peer_write_raw (f->peer, partial, strlen (partial));
  g_io_stream_close (soup_websocket_connection_get_io_stream (f->peer->ws), NULL, NULL);

  result = finish_call (f, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED);
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CLOSED);
}

typedef struct
{
  GOutputStream *out;
  GBytes        *frame;
} SlowWrite;

/* One byte per millisecond, from a thread so that the client keeps reading. */
static gpointer
slow_writer (gpointer data)
{
  SlowWrite *w = data;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (w->frame, &len);

  for (gsize i = 0; i < len; i++)
    {
      if (!g_output_stream_write_all (w->out, bytes + i, 1, NULL, NULL, NULL))
        break;
      g_output_stream_flush (w->out, NULL, NULL);
      g_usleep (1000);
    }
  g_object_unref (w->out);
  g_bytes_unref (w->frame);
  g_free (w);
  return NULL;
}

static void
start_slow_reply (Fixture    *f,
                  const char *payload)
{
  SlowWrite *w = g_new0 (SlowWrite, 1);
  GByteArray *frame = g_byte_array_new ();
  guint8 header[10];
  gsize header_len = cdp_test_frame_header (strlen (payload), header);

  g_byte_array_append (frame, header, header_len);
  g_byte_array_append (frame, (const guint8 *) payload, strlen (payload));
  w->frame = g_byte_array_free_to_bytes (frame);
  w->out = g_object_ref (g_io_stream_get_output_stream (soup_websocket_connection_get_io_stream (f->peer->ws)));
  f->writer = g_thread_new ("slow-peer", slow_writer, w);
}

static void
test_slow_peer (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *reply = NULL;
  gint64 id;

  id = send_call (f, "Memory.getDOMCounters", 10);
  reply = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"documents\":2,\"nodes\":4012,"
                           "\"jsEventListeners\":2000,\"padding\":\"%0200d\"}}", id, 0);
  start_slow_reply (f, reply);

  result = finish_call (f, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (result, "nodes"), ==, 4012);
}

static void
test_slow_peer_past_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *reply = NULL;
  gint64 id;

  /* About 2.5 s of trickle against a 1 s timeout. */
  id = send_call (f, "Memory.getDOMCounters", 1);
  reply = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"padding\":\"%02400d\"}}", id, 0);
  start_slow_reply (f, reply);

  result = finish_call (f, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT);

  /* The late reply is dropped when it finally lands, and nothing breaks. */
  g_thread_join (g_steal_pointer (&f->writer));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CONNECTED);
  g_assert_cmpuint (ms_cdp_connection_get_n_pending (f->conn), ==, 0);
}

#define N_FLOOD 100000

static void
on_flood (MsCdpConnection *conn,
          const char      *method,
          JsonObject      *params,
          Fixture         *f)
{
  f->n_flood++;
}

static void
test_event_flood (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *reply = NULL;
  gint64 id;

  g_signal_connect (f->conn, "event::Memory.flood", G_CALLBACK (on_flood), f);
  id = send_call (f, "Memory.getDOMCounters", 60);
  for (guint i = 0; i < N_FLOOD; i++)
    {
      g_autofree char *event = g_strdup_printf ("{\"method\":\"Memory.flood\",\"params\":{\"i\":%u}}", i);
      cdp_test_peer_send_text (f->peer, event);
    }
  /* Unknown event names must not grow the quark table. */
  cdp_test_peer_send_text (f->peer, "{\"method\":\"Made.up.name.1234567\",\"params\":{}}");
  reply = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"ok\":true}}", id);
  cdp_test_peer_send_text (f->peer, reply);

  result = finish_call (f, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpuint (f->n_flood, ==, N_FLOOD);
  g_assert_cmpuint (g_quark_try_string ("Made.up.name.1234567"), ==, 0);
}

static void
test_deep_nesting (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  GString *reply = g_string_new (NULL);
  g_autofree char *text = NULL;
  gint64 id;

  id = send_call (f, "Memory.getDOMCounters", 30);
  g_string_append_printf (reply, "{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"a\":", id);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (reply, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (reply, ']');
  g_string_append (reply, "}}");
  text = g_string_free (reply, FALSE);
  cdp_test_peer_send_text (f->peer, text);

  result = finish_call (f, &error);
  g_assert_null (result);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "Nesting deeper than 512 levels"));
  g_assert_cmpint (ms_cdp_connection_get_state (f->conn), ==, MS_CDP_TARGET_STATE_CONNECTED);
}

/* A system proxy that sees every connection made through the default resolver: the
 * environment below points all of them here. The DevTools client must never use it. */
static guint proxy_hits;

static gboolean
on_proxy_incoming (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source_object,
                   gpointer           user_data)
{
  proxy_hits++;
  return TRUE;
}

static GSocketService *
start_fake_system_proxy (void)
{
  GSocketService *service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_proxy_incoming), NULL);
  g_socket_service_start (service);

  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_setenv ("http_proxy", url, TRUE);
  g_setenv ("https_proxy", url, TRUE);
  g_setenv ("all_proxy", url, TRUE);
  g_unsetenv ("no_proxy");
  g_unsetenv ("NO_PROXY");
  return service;
}

static void
got_control (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Every connection of the tests above went straight to the peer, while an ordinary
 * client of the same process goes through the proxy. */
static void
test_no_proxy (Fixture *f, gconstpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/json/version", f->peer->port);
  gboolean done = FALSE;

  g_assert_cmpuint (proxy_hits, ==, 0);

  g_socket_client_connect_to_uri_async (client, url, 80, cancellable, got_control, &done);
  while (!done && proxy_hits == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  if (proxy_hits == 0)
    {
      g_test_skip ("this system's proxy resolver ignores $http_proxy, so a proxied client "
                   "cannot be told from a direct one");
      return;
    }
  g_assert_cmpuint (proxy_hits, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSocketService) proxy = NULL;

  /* Before anything asks for the default proxy resolver. */
  proxy = start_fake_system_proxy ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/memscope/faults/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("reply-over-limit-300mb", test_reply_over_limit_300mb);
  ADD ("fragmented-2gb", test_fragmented_2gb);
  ADD ("close-mid-message", test_close_mid_message);
  ADD ("reply-read-while-main-blocked", test_reply_read_while_main_blocked);
  ADD ("slow-peer", test_slow_peer);
  ADD ("slow-peer-past-timeout", test_slow_peer_past_timeout);
  ADD ("event-flood", test_event_flood);
  ADD ("deep-nesting", test_deep_nesting);
  ADD ("no-proxy", test_no_proxy);
#undef ADD

  return g_test_run ();
}
