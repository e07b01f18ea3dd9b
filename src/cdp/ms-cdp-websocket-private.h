/* ms-cdp-websocket-private.h: the WebSocket under MsCdpConnection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Opens the stream of a client WebSocket to @uri (ws:// or wss://): a direct TCP
 * connection (never through a proxy), the opening handshake, and a stream that reads
 * every frame header as it arrives. A message whose frames add up to more than the
 * limit (ms_cdp_websocket_set_max_message_size()) fails the stream with
 * MS_CDP_ERROR_TOO_LARGE before its payload is read: libsoup 3.2 limits each frame,
 * never the message it assembles from continuation frames.
 *
 * @timeout_seconds bounds the connection and the handshake. Errors are in
 * MS_CDP_ERROR and name @uri. */
void                     ms_cdp_websocket_connect_async  (GUri                *uri,
                                                          const char          *user_agent,
                                                          guint                timeout_seconds,
                                                          gsize                max_message_size,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GIOStream               *ms_cdp_websocket_connect_finish (GAsyncResult        *result,
                                                          GError             **error);

/* The WebSocket on a stream from ms_cdp_websocket_connect_finish(). It reads, writes
 * and times out on the thread-default main context of the thread that calls this:
 * use it from that thread only. */
SoupWebsocketConnection *ms_cdp_websocket_new            (GIOStream           *stream,
                                                          GUri                *uri);

void                     ms_cdp_websocket_set_max_message_size (SoupWebsocketConnection *ws,
                                                                gsize                    max_size);

G_END_DECLS
