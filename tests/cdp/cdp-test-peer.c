/* cdp-test-peer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cdp-test-peer.h"

char *
cdp_test_fixture_path (const char *relative)
{
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");

  g_assert_nonnull (dir);
  return g_build_filename (dir, relative, NULL);
}

char *
cdp_test_fixture_contents (const char *relative,
                           gsize      *length)
{
  g_autofree char *path = cdp_test_fixture_path (relative);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

void
cdp_test_wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_peer_message (SoupWebsocketConnection *ws,
                 SoupWebsocketDataType    type,
                 GBytes                  *message,
                 CdpTestPeer             *peer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  JsonObject *object;
  JsonObject *params = NULL;
  const char *method;
  gint64 id;

  /* A request that crossed our own close frame goes unanswered, as with a browser. */
  if (soup_websocket_connection_get_state (ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  if (peer->ws != ws)
    g_set_object (&peer->ws, ws);

  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_int_member (object, "id");
  method = json_object_get_string_member (object, "method");
  if (json_object_has_member (object, "params"))
    params = json_object_get_object_member (object, "params");

  if (g_str_equal (method, "Inspector.enable"))
    {
      cdp_test_peer_reply_result (peer, id, "{}");
      return;
    }

  peer->n_requests++;
  g_free (peer->last_method);
  peer->last_method = g_strdup (method);

  if (peer->responder != NULL)
    peer->responder (peer, id, method, params, peer->responder_data);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  CdpTestPeer *peer = user_data;

  g_clear_object (&peer->ws);
  peer->ws = g_object_ref (connection);
  soup_websocket_connection_set_max_incoming_payload_size (connection, 0);
  g_signal_connect (connection, "message", G_CALLBACK (on_peer_message), peer);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    CdpTestPeer       *peer)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  peer->n_handshakes++;
  if (soup_message_headers_get_one (headers, "Origin") != NULL)
    peer->saw_origin = TRUE;
}

/* Anything outside /devtools: /json/version and /json/list, else 404; or, when
 * handshake_status is set, that status for everything (403 plays Chromium's refusal
 * of a foreign Origin). */
static void
handshake_filter_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  CdpTestPeer *peer = user_data;
  char *body = NULL;

  if (peer->handshake_status != 0)
    {
      soup_server_message_set_status (msg, peer->handshake_status, NULL);
      return;
    }

  /* Enough of the JSON endpoints for discovery: one browser, one page target at ws_url. */
  if (g_str_equal (path, "/json/version"))
    body = g_strdup_printf ("{\"Browser\":\"Chrome/156.0.8078.79\",\"Protocol-Version\":\"1.3\","
                            "\"User-Agent\":\"Test\",\"V8-Version\":\"15.6\","
                            "\"WebKit-Version\":\"537.36\","
                            "\"webSocketDebuggerUrl\":\"ws://127.0.0.1:%u/devtools/browser/B\"}",
                            peer->port);
  else if (g_str_equal (path, "/json/list") || g_str_equal (path, "/json"))
    body = g_strdup_printf ("[{\"description\":\"\",\"id\":\"TEST\",\"title\":\"Test page\","
                            "\"type\":\"page\",\"url\":\"http://127.0.0.1/test.html\","
                            "\"webSocketDebuggerUrl\":\"%s\"}]",
                            peer->listed_ws_url ? peer->listed_ws_url : peer->ws_url);

  if (body != NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        body, strlen (body));
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

CdpTestPeer *
cdp_test_peer_new (void)
{
  CdpTestPeer *peer = g_new0 (CdpTestPeer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  peer->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (peer->server, NULL, handshake_filter_cb, peer, NULL);
  soup_server_add_websocket_handler (peer->server, "/devtools", NULL, NULL,
                                     websocket_cb, peer, NULL);
  g_signal_connect (peer->server, "request-started", G_CALLBACK (request_started_cb), peer);

  soup_server_listen (peer->server, address, 0, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (peer->server);
  g_assert_nonnull (uris);
  peer->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  peer->ws_url = g_strdup_printf ("ws://127.0.0.1:%u/devtools/page/TEST", peer->port);

  return peer;
}

void
cdp_test_peer_free (CdpTestPeer *peer)
{
  if (peer->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (peer->ws, peer);
      if (soup_websocket_connection_get_state (peer->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (peer->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&peer->ws);
    }
  soup_server_disconnect (peer->server);
  g_clear_object (&peer->server);
  g_free (peer->ws_url);
  g_free (peer->listed_ws_url);
  g_free (peer->last_method);
  g_free (peer);

  /* Let the sockets wind down before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
cdp_test_peer_send_text (CdpTestPeer *peer,
                         const char  *text)
{
  g_assert_nonnull (peer->ws);
  soup_websocket_connection_send_text (peer->ws, text);
}

void
cdp_test_peer_send_bytes (CdpTestPeer *peer,
                          GBytes      *bytes)
{
  g_assert_nonnull (peer->ws);
  /* Text frames: CDP sends everything as text. */
  soup_websocket_connection_send_message (peer->ws, SOUP_WEBSOCKET_DATA_TEXT, bytes);
}

void
cdp_test_peer_reply_result (CdpTestPeer *peer,
                            gint64       id,
                            const char  *result_json)
{
  g_autofree char *text = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":%s}",
                                           id, result_json);
  cdp_test_peer_send_text (peer, text);
}

void
cdp_test_peer_reply_fixture (CdpTestPeer *peer,
                             gint64       id,
                             const char  *name)
{
  g_autofree char *relative = g_build_filename ("small", name, NULL);
  g_autofree char *contents = cdp_test_fixture_contents (relative, NULL);
  g_autoptr(GRegex) regex = g_regex_new ("^\\{\"id\":[0-9]+,", 0, 0, NULL);
  g_autofree char *replacement = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",", id);
  g_autofree char *text = NULL;

  g_assert_true (g_regex_match (regex, contents, 0, NULL));
  text = g_regex_replace_literal (regex, contents, -1, 0, replacement, 0, NULL);
  cdp_test_peer_send_text (peer, text);
}

/* Writes bytes straight to the socket under the WebSocket, bypassing libsoup's framing,
 * to play peers that break the protocol mid-frame. */
void
cdp_test_peer_write_raw (CdpTestPeer  *peer,
                         const void   *data,
                         gsize         len)
{
  GIOStream *stream;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (peer->ws);
  stream = soup_websocket_connection_get_io_stream (peer->ws);
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (g_io_stream_get_output_stream (stream), NULL, &error);
  g_assert_no_error (error);
}

/* The header of an unmasked server-to-client text frame with FIN set. */
gsize
cdp_test_frame_header (guint64  payload_len,
                       guint8   header[10])
{
  header[0] = 0x81;
  if (payload_len < 126)
    {
      header[1] = payload_len;
      return 2;
    }
  if (payload_len <= G_MAXUINT16)
    {
      header[1] = 126;
      header[2] = payload_len >> 8;
      header[3] = payload_len & 0xff;
      return 4;
    }
  header[1] = 127;
  for (int i = 0; i < 8; i++)
    header[2 + i] = (payload_len >> (56 - 8 * i)) & 0xff;
  return 10;
}
