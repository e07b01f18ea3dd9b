/* test-target-connection.c: MsTargetConnection attaching, losing and finding its target again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libglib-testing/signal-logger.h>

#include "ms-cdp-error.h"
#include "ms-cdp-memory.h"
#include "ms-target-connection.h"

#include "cdp-test-peer.h"

typedef struct
{
  CdpTestPeer   *peer;
  MsCdpEndpoint *endpoint;
  MsTargetConnection     *session;
  GAsyncResult  *result;
  /* notify::state and reconnected, in the order they came */
  GtSignalLogger *signals;
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
reply_ok (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  cdp_test_peer_reply_result (peer, id, "{\"documents\":1,\"nodes\":10,\"jsEventListeners\":2}");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->peer = cdp_test_peer_new ();
  f->peer->responder = reply_ok;
  f->endpoint = ms_cdp_endpoint_new ("127.0.0.1", f->peer->port, NULL);
  f->session = ms_target_connection_new (f->endpoint, data);
  ms_target_connection_set_reconnect_window (f->session, 5);
  f->signals = gt_signal_logger_new ();
  gt_signal_logger_connect (f->signals, f->session, "notify::state");
  gt_signal_logger_connect (f->signals, f->session, "reconnected");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->signals, gt_signal_logger_free);
  g_clear_object (&f->session);
  g_clear_object (&f->result);
  g_clear_pointer (&f->endpoint, ms_cdp_endpoint_unref);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
}

static gboolean
connect_session (Fixture  *f,
                 GError  **error)
{
  gboolean ok;

  ms_target_connection_connect_async (f->session, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  ok = ms_target_connection_connect_finish (f->session, f->result, error);
  g_clear_object (&f->result);
  return ok;
}

static void
wait_for_state (Fixture        *f,
                MsTargetConnectionState  state)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (ms_target_connection_get_state (f->session) != state)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The next @n signals logged are notify::state: @n state changes, each notified once. */
static void
pop_state_changes (Fixture *f,
                   guint    n)
{
  for (guint i = 0; i < n; i++)
    gt_signal_logger_assert_notify_emission_pop (f->signals, f->session, "state");
}

static void
assert_call_works (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  MsCdpDomCounters counters;

  ms_cdp_memory_get_dom_counters_async (ms_target_connection_get_connection (f->session), NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  g_assert_true (ms_cdp_memory_get_dom_counters_finish (ms_target_connection_get_connection (f->session),
                                                        f->result, &counters, &error));
  g_clear_object (&f->result);
  g_assert_no_error (error);
  g_assert_cmpint (counters.nodes, ==, 10);
}

static void
test_connect (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_session (f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ms_target_connection_get_state (f->session), ==, MS_TARGET_CONNECTION_STATE_CONNECTED);
  /* IDLE → CONNECTING → CONNECTED */
  pop_state_changes (f, 2);
  gt_signal_logger_assert_no_emissions (f->signals);
  g_assert_cmpstr (ms_cdp_browser_version_get_browser (ms_target_connection_get_browser_version (f->session)),
                   ==, "Chrome/156.0.8078.79");
  g_assert_cmpstr (ms_cdp_target_get_id (ms_target_connection_get_target (f->session)), ==, "TEST");
  assert_call_works (f);
}

static void
test_reconnect (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_session (f, &error));
  pop_state_changes (f, 2);
  soup_websocket_connection_close (f->peer->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "restart");
  wait_for_state (f, MS_TARGET_CONNECTION_STATE_RECONNECTING);
  wait_for_state (f, MS_TARGET_CONNECTION_STATE_CONNECTED);
  /* CONNECTED → RECONNECTING → CONNECTED, then reconnected, once */
  pop_state_changes (f, 2);
  gt_signal_logger_assert_emission_pop (f->signals, f->session, "reconnected", NULL);
  gt_signal_logger_assert_no_emissions (f->signals);
  g_assert_cmpuint (ms_target_connection_get_n_reconnects (f->session), ==, 1);
  assert_call_works (f);
}

static void
test_give_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const GError *failure;

  ms_target_connection_set_reconnect_window (f->session, 1);
  g_assert_true (connect_session (f, &error));
  pop_state_changes (f, 2);

  /* The browser goes away for good: its port closes. */
  soup_websocket_connection_close (f->peer->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  soup_server_disconnect (f->peer->server);
  wait_for_state (f, MS_TARGET_CONNECTION_STATE_FAILED);
  failure = ms_target_connection_get_error (f->session);
  g_assert_nonnull (failure);
  g_assert_nonnull (strstr (failure->message, "Gave up reconnecting"));
  g_assert_null (ms_target_connection_get_connection (f->session));
  /* CONNECTED → RECONNECTING → FAILED, and never reconnected */
  pop_state_changes (f, 2);
  gt_signal_logger_assert_no_emissions (f->signals);
}

static void
test_crash_and_reload (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_session (f, &error));
  pop_state_changes (f, 2);
  cdp_test_peer_send_text (f->peer, "{\"method\":\"Inspector.targetCrashed\",\"params\":{}}");
  wait_for_state (f, MS_TARGET_CONNECTION_STATE_CRASHED);
  g_assert_error (ms_target_connection_get_error (f->session), MS_CDP_ERROR, MS_CDP_ERROR_TARGET_CRASHED);

  cdp_test_peer_send_text (f->peer, "{\"method\":\"Inspector.targetReloadedAfterCrash\",\"params\":{}}");
  wait_for_state (f, MS_TARGET_CONNECTION_STATE_CONNECTED);
  /* CONNECTED → CRASHED → CONNECTED: the same socket, so no reconnected */
  pop_state_changes (f, 2);
  gt_signal_logger_assert_no_emissions (f->signals);
  assert_call_works (f);
}

static void
test_foreign_debugger_url (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint handshakes_before;

  /* A DevTools server that points Memscope at another host: only the path is taken,
   * so the connection still goes to the host and port the user named. 127.0.0.2
   * would refuse, so reaching CONNECTED proves nothing went there. */
  f->peer->listed_ws_url = g_strdup ("ws://127.0.0.2:9/devtools/page/TEST");
  handshakes_before = f->peer->n_handshakes;
  g_assert_true (connect_session (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->peer->n_handshakes, >, handshakes_before);
  g_assert_cmpstr (ms_cdp_connection_get_url (ms_target_connection_get_connection (f->session)), ==,
                   f->peer->ws_url);
  assert_call_works (f);
}

static void
test_target_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (connect_session (f, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-page"));
  g_assert_cmpint (ms_target_connection_get_state (f->session), ==, MS_TARGET_CONNECTION_STATE_FAILED);
  /* IDLE → CONNECTING → FAILED */
  pop_state_changes (f, 2);
  gt_signal_logger_assert_no_emissions (f->signals);
}

/* A server that takes the connection and never answers the handshake: the timeout
 * bounds the wait, with an error that says so. */
static void
test_silent_handshake (Fixture *f, gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) silent = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *expected = NULL;
  guint16 port;

  silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (silent, address, FALSE, &error));
  g_assert_true (g_socket_listen (silent, &error));
  bound = g_socket_get_local_address (silent, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  ws_url = g_strdup_printf ("ws://127.0.0.1:%u/devtools/page/SILENT", port);
  endpoint = ms_cdp_endpoint_parse (ws_url, &error);
  g_assert_no_error (error);
  g_clear_object (&f->session);
  f->session = ms_target_connection_new (endpoint, ws_url);
  ms_target_connection_set_timeout (f->session, 1);

  g_assert_false (connect_session (f, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT);
  expected = g_strdup_printf ("127.0.0.1:%u did not complete the WebSocket handshake within 1 s",
                              port);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (ms_target_connection_get_state (f->session), ==, MS_TARGET_CONNECTION_STATE_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/memscope/target-connection/connect", Fixture, NULL, fixture_setup, test_connect, fixture_teardown);
  g_test_add ("/memscope/target-connection/connect-by-url", Fixture, "test.html", fixture_setup, test_connect,
              fixture_teardown);
  g_test_add ("/memscope/target-connection/reconnect", Fixture, NULL, fixture_setup, test_reconnect, fixture_teardown);
  g_test_add ("/memscope/target-connection/give-up", Fixture, NULL, fixture_setup, test_give_up, fixture_teardown);
  g_test_add ("/memscope/target-connection/crash-and-reload", Fixture, NULL, fixture_setup, test_crash_and_reload,
              fixture_teardown);
  g_test_add ("/memscope/target-connection/foreign-debugger-url", Fixture, NULL, fixture_setup,
              test_foreign_debugger_url, fixture_teardown);
  g_test_add ("/memscope/target-connection/target-not-found", Fixture, "no-such-page", fixture_setup,
              test_target_not_found, fixture_teardown);
  g_test_add ("/memscope/target-connection/silent-handshake", Fixture, NULL, fixture_setup,
              test_silent_handshake, fixture_teardown);

  return g_test_run ();
}
