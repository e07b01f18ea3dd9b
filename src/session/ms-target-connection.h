/* ms-target-connection.h: one attached DevTools target that survives reconnects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-cdp-connection.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-endpoint.h"
#include "ms-session-enums.h"

G_BEGIN_DECLS

#define MS_TYPE_TARGET_CONNECTION       (ms_target_connection_get_type ())

G_DECLARE_FINAL_TYPE (MsTargetConnection, ms_target_connection, MS, TARGET_CONNECTION, GObject)

/**
 * MsTargetConnectionState:
 * @MS_TARGET_CONNECTION_STATE_IDLE: not connected yet
 * @MS_TARGET_CONNECTION_STATE_CONNECTING: first connection under way
 * @MS_TARGET_CONNECTION_STATE_CONNECTED: calls can be made on ms_target_connection_get_connection()
 * @MS_TARGET_CONNECTION_STATE_RECONNECTING: the socket closed; looking for the target again
 * @MS_TARGET_CONNECTION_STATE_CRASHED: the target's renderer crashed; waiting for a reload
 * @MS_TARGET_CONNECTION_STATE_FAILED: gave up; ms_target_connection_get_error() says why
 * @MS_TARGET_CONNECTION_STATE_CLOSED: closed by ms_target_connection_close()
 */
typedef enum
{
  MS_TARGET_CONNECTION_STATE_IDLE,
  MS_TARGET_CONNECTION_STATE_CONNECTING,
  MS_TARGET_CONNECTION_STATE_CONNECTED,
  MS_TARGET_CONNECTION_STATE_RECONNECTING,
  MS_TARGET_CONNECTION_STATE_CRASHED,
  MS_TARGET_CONNECTION_STATE_FAILED,
  MS_TARGET_CONNECTION_STATE_CLOSED,
} MsTargetConnectionState;

/* @target_selector: NULL for the first page, else a target id or URL substring. A
 * selector of the form "ws://…" connects to that WebSocket path directly. */
MsTargetConnection      *ms_target_connection_new                  (MsCdpEndpoint        *endpoint,
                                                                    const char           *target_selector);
MsCdpEndpoint           *ms_target_connection_get_endpoint         (MsTargetConnection   *self);
/* Per-call timeout for the connection, and the HTTP timeout of discovery. */
void                     ms_target_connection_set_timeout          (MsTargetConnection   *self,
                                                                    guint                 seconds);
guint                    ms_target_connection_get_timeout          (MsTargetConnection   *self);
/* How long to keep looking for the target after the socket closes (0: never reconnect). */
void                     ms_target_connection_set_reconnect_window (MsTargetConnection   *self,
                                                                    guint                 seconds);

void                     ms_target_connection_connect_async        (MsTargetConnection   *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
gboolean                 ms_target_connection_connect_finish       (MsTargetConnection   *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

MsTargetConnectionState  ms_target_connection_get_state            (MsTargetConnection   *self);
/* NULL unless the state is CONNECTED or CRASHED. */
MsCdpConnection         *ms_target_connection_get_connection       (MsTargetConnection   *self);
MsCdpBrowserVersion     *ms_target_connection_get_browser_version  (MsTargetConnection   *self);
MsCdpTarget             *ms_target_connection_get_target           (MsTargetConnection   *self);
const GError            *ms_target_connection_get_error            (MsTargetConnection   *self);
guint                    ms_target_connection_get_n_reconnects     (MsTargetConnection   *self);
void                     ms_target_connection_close                (MsTargetConnection   *self);

/* Signals (on the main context the session was made on):
 *   "notify::state"
 *   "reconnected" () after a lost connection was replaced by a new one;
 *     anything set up on the old one (sampling!) must be set up again. */

G_END_DECLS
