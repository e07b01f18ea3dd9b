/* ms-cdp-endpoint.h: where a DevTools server is, from what a user typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_CDP_ENDPOINT (ms_cdp_endpoint_get_type ())

/**
 * MsCdpEndpoint:
 *
 * An immutable, ref-counted description of one DevTools server: host, port and,
 * when the user gave a `ws://` URL or a `DevToolsActivePort` file, the WebSocket path.
 * Memscope only ever connects to this host and port: a `webSocketDebuggerUrl`
 * given by the server contributes its path and nothing else.
 */
typedef struct _MsCdpEndpoint MsCdpEndpoint;

GType          ms_cdp_endpoint_get_type      (void) G_GNUC_CONST;

/* Accepts "HOST:PORT", "[V6]:PORT", "http://HOST:PORT[/]", "ws://HOST:PORT/devtools/...",
 * or the path of a DevToolsActivePort file (first line the port, second the browser path;
 * the host is then 127.0.0.1). Errors: MS_CDP_ERROR_INVALID_ENDPOINT naming what was wrong. */
MsCdpEndpoint *ms_cdp_endpoint_parse         (const char     *text,
                                              GError        **error);
MsCdpEndpoint *ms_cdp_endpoint_new           (const char     *host,
                                              guint16         port,
                                              const char     *ws_path);
MsCdpEndpoint *ms_cdp_endpoint_ref           (MsCdpEndpoint  *self);
void           ms_cdp_endpoint_unref         (MsCdpEndpoint  *self);

const char    *ms_cdp_endpoint_get_host      (const MsCdpEndpoint *self);
guint16        ms_cdp_endpoint_get_port      (const MsCdpEndpoint *self);
/* The path (e.g. "/devtools/browser/UUID") when known, else NULL. */
const char    *ms_cdp_endpoint_get_ws_path   (const MsCdpEndpoint *self);
gboolean       ms_cdp_endpoint_is_loopback   (const MsCdpEndpoint *self);

/* "http://HOST:PORT" + path; path starts with '/'. */
char          *ms_cdp_endpoint_http_url      (const MsCdpEndpoint *self,
                                              const char          *path);
/* "ws://HOST:PORT" + the path of @debugger_url (a full ws:// URL from /json/..., or a bare
 * path). Host and port of @debugger_url are ignored on purpose. NULL with
 * MS_CDP_ERROR_WRONG_SHAPE if @debugger_url has no usable path. */
char          *ms_cdp_endpoint_ws_url        (const MsCdpEndpoint *self,
                                              const char          *debugger_url,
                                              GError             **error);
/* "HOST:PORT" for messages. */
char          *ms_cdp_endpoint_to_string     (const MsCdpEndpoint *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCdpEndpoint, ms_cdp_endpoint_unref)

G_END_DECLS
