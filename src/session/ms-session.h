/* ms-session.h: one attached DevTools target that survives reconnects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-cdp-connection.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-endpoint.h"
#include "ms-session-enums.h"

G_BEGIN_DECLS

#define MS_TYPE_SESSION       (ms_session_get_type ())

G_DECLARE_FINAL_TYPE (MsSession, ms_session, MS, SESSION, GObject)

/**
 * MsSessionState:
 * @MS_SESSION_STATE_IDLE: not connected yet
 * @MS_SESSION_STATE_CONNECTING: first connection under way
 * @MS_SESSION_STATE_CONNECTED: calls can be made on ms_session_get_connection()
 * @MS_SESSION_STATE_RECONNECTING: the socket closed; looking for the target again
 * @MS_SESSION_STATE_CRASHED: the target's renderer crashed; waiting for a reload
 * @MS_SESSION_STATE_FAILED: gave up; ms_session_get_error() says why
 * @MS_SESSION_STATE_CLOSED: closed by ms_session_close()
 */
typedef enum
{
  MS_SESSION_STATE_IDLE,
  MS_SESSION_STATE_CONNECTING,
  MS_SESSION_STATE_CONNECTED,
  MS_SESSION_STATE_RECONNECTING,
  MS_SESSION_STATE_CRASHED,
  MS_SESSION_STATE_FAILED,
  MS_SESSION_STATE_CLOSED,
} MsSessionState;

/* @target_selector: NULL for the first page, else a target id or URL substring. A
 * selector of the form "ws://…" connects to that WebSocket path directly. */
MsSession           *ms_session_new                 (MsCdpEndpoint       *endpoint,
                                                     const char          *target_selector);
MsCdpEndpoint       *ms_session_get_endpoint        (MsSession           *self);
/* Per-call timeout for the connection, and the HTTP timeout of discovery. */
void                 ms_session_set_timeout         (MsSession           *self,
                                                     guint                seconds);
guint                ms_session_get_timeout         (MsSession           *self);
/* How long to keep looking for the target after the socket closes (0: never reconnect). */
void                 ms_session_set_reconnect_window (MsSession          *self,
                                                     guint                seconds);

void                 ms_session_connect_async       (MsSession           *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean             ms_session_connect_finish      (MsSession           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

MsSessionState       ms_session_get_state           (MsSession           *self);
/* NULL unless the state is CONNECTED or CRASHED. */
MsCdpConnection     *ms_session_get_connection      (MsSession           *self);
MsCdpBrowserVersion *ms_session_get_browser_version (MsSession           *self);
MsCdpTarget         *ms_session_get_target          (MsSession           *self);
const GError        *ms_session_get_error           (MsSession           *self);
guint                ms_session_get_n_reconnects    (MsSession           *self);
void                 ms_session_close               (MsSession           *self);

/* Signals (on the main context the session was made on):
 *   "notify::state"
 *   "reconnected" () after a lost connection was replaced by a new one;
 *     anything set up on the old one (sampling!) must be set up again. */

G_END_DECLS
