/* ms-cdp-connection.h: one DevTools WebSocket, requests matched to replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ms-cdp-enums.h"

G_BEGIN_DECLS

#define MS_TYPE_CDP_CONNECTION (ms_cdp_connection_get_type ())

G_DECLARE_FINAL_TYPE (MsCdpConnection, ms_cdp_connection, MS, CDP_CONNECTION, GObject)

/**
 * MsCdpTargetState:
 * @MS_CDP_TARGET_STATE_CONNECTING: handshake under way
 * @MS_CDP_TARGET_STATE_CONNECTED: calls can be made
 * @MS_CDP_TARGET_STATE_CRASHED: the renderer crashed (`Inspector.targetCrashed`); the socket may
 *   still be open but calls will not be answered
 * @MS_CDP_TARGET_STATE_DETACHED: the target detached (`Inspector.detached`)
 * @MS_CDP_TARGET_STATE_CLOSED: the socket is closed (browser gone, or ms_cdp_connection_close())
 */
typedef enum
{
  MS_CDP_TARGET_STATE_CONNECTING,
  MS_CDP_TARGET_STATE_CONNECTED,
  MS_CDP_TARGET_STATE_CRASHED,
  MS_CDP_TARGET_STATE_DETACHED,
  MS_CDP_TARGET_STATE_CLOSED,
} MsCdpTargetState;

/* 256 MiB: what Chromium itself may send in one message. The limit holds for a whole
 * message, however many frames it comes in; a larger one closes the connection with
 * MS_CDP_ERROR_TOO_LARGE as soon as a frame header announces it. */
#define MS_CDP_MAX_MESSAGE_SIZE (256u * 1024u * 1024u)
/* A 41.7 MB profile took the browser 13.5 s to build; leave ample room. */
#define MS_CDP_DEFAULT_TIMEOUT_SECONDS 120

void             ms_cdp_connection_new_async        (const char          *ws_url,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
MsCdpConnection *ms_cdp_connection_new_finish       (GAsyncResult        *result,
                                                     GError             **error);

const char      *ms_cdp_connection_get_url          (MsCdpConnection     *self);
MsCdpTargetState ms_cdp_connection_get_state        (MsCdpConnection     *self);
/* Why the connection is no longer usable, or NULL while it is. */
const GError    *ms_cdp_connection_get_failure      (MsCdpConnection     *self);
guint            ms_cdp_connection_get_timeout      (MsCdpConnection     *self);
void             ms_cdp_connection_set_timeout      (MsCdpConnection     *self,
                                                     guint                seconds);
gsize            ms_cdp_connection_get_max_message_size (MsCdpConnection *self);
void             ms_cdp_connection_set_max_message_size (MsCdpConnection *self,
                                                         gsize            max_size);
guint            ms_cdp_connection_get_n_pending    (MsCdpConnection     *self);

/* Sends {"id","method","params"}; @params may be NULL (sent as {}), and is not consumed.
 * @timeout_seconds 0 uses the connection's timeout. The result is the reply's "result"
 * object; a CDP error reply becomes MS_CDP_ERROR_PROTOCOL. */
void             ms_cdp_connection_call_async       (MsCdpConnection     *self,
                                                     const char          *method,
                                                     JsonObject          *params,
                                                     guint                timeout_seconds,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonObject      *ms_cdp_connection_call_finish      (MsCdpConnection     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Like call, but yields the whole reply message undecoded (for profiles of tens of MB that
 * the analysis layer parses with its own fast reader). A CDP error reply still becomes
 * MS_CDP_ERROR_PROTOCOL. */
void             ms_cdp_connection_call_raw_async   (MsCdpConnection     *self,
                                                     const char          *method,
                                                     JsonObject          *params,
                                                     guint                timeout_seconds,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GBytes          *ms_cdp_connection_call_raw_finish  (MsCdpConnection     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Closes the socket; pending calls fail with MS_CDP_ERROR_CLOSED. */
void             ms_cdp_connection_close            (MsCdpConnection     *self);

/* Signals, all emitted on the thread-default main context the connection was made on:
 *   "event" (detailed by method, e.g. "event::Inspector.targetCrashed"):
 *        void (*) (MsCdpConnection *, const char *method, JsonObject *params)
 *   "notify::state" when the state changes. */

G_END_DECLS
