/* ms-cdp-error.h: the one error domain of the DevTools client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MS_CDP_ERROR (ms_cdp_error_quark ())

/**
 * MsCdpError:
 * @MS_CDP_ERROR_PROTOCOL: the browser answered the call with a CDP error object;
 *   its code, message and data are kept (ms_cdp_error_get_protocol_code() and friends)
 * @MS_CDP_ERROR_CONNECTION_REFUSED: nothing listens at the endpoint
 * @MS_CDP_ERROR_FORBIDDEN: the WebSocket handshake was refused with HTTP 403
 *   (an Origin check; the browser needs `--remote-allow-origins`)
 * @MS_CDP_ERROR_HTTP: an HTTP request to the DevTools server failed with a status
 * @MS_CDP_ERROR_CLOSED: the connection closed (before or during the call)
 * @MS_CDP_ERROR_TIMED_OUT: no reply within the call's timeout
 * @MS_CDP_ERROR_MALFORMED: the peer sent something that is not JSON
 * @MS_CDP_ERROR_WRONG_SHAPE: valid JSON, but a member is missing or of the wrong type
 * @MS_CDP_ERROR_TOO_LARGE: a message over the size limit
 * @MS_CDP_ERROR_TARGET_CRASHED: the target's renderer crashed
 * @MS_CDP_ERROR_TARGET_DETACHED: the target went away (closed tab, detached)
 * @MS_CDP_ERROR_INVALID_ENDPOINT: what the user typed names no DevTools endpoint
 * @MS_CDP_ERROR_NOT_SUPPORTED: the browser does not offer what was asked (e.g. no Memory domain)
 * @MS_CDP_ERROR_TARGET_NOT_FOUND: no target matches
 * @MS_CDP_ERROR_BROWSER_NOT_FOUND: no Chromium-family browser could be found
 * @MS_CDP_ERROR_LAUNCH_FAILED: the browser was found but did not start or exited early
 */
typedef enum
{
  MS_CDP_ERROR_PROTOCOL,
  MS_CDP_ERROR_CONNECTION_REFUSED,
  MS_CDP_ERROR_FORBIDDEN,
  MS_CDP_ERROR_HTTP,
  MS_CDP_ERROR_CLOSED,
  MS_CDP_ERROR_TIMED_OUT,
  MS_CDP_ERROR_MALFORMED,
  MS_CDP_ERROR_WRONG_SHAPE,
  MS_CDP_ERROR_TOO_LARGE,
  MS_CDP_ERROR_TARGET_CRASHED,
  MS_CDP_ERROR_TARGET_DETACHED,
  MS_CDP_ERROR_INVALID_ENDPOINT,
  MS_CDP_ERROR_NOT_SUPPORTED,
  MS_CDP_ERROR_TARGET_NOT_FOUND,
  MS_CDP_ERROR_BROWSER_NOT_FOUND,
  MS_CDP_ERROR_LAUNCH_FAILED,
} MsCdpError;

GQuark      ms_cdp_error_quark                (void);

void        ms_cdp_set_protocol_error         (GError     **error,
                                               gint64       code,
                                               const char  *message,
                                               const char  *data,
                                               const char  *method);
gint64      ms_cdp_error_get_protocol_code    (const GError *error);
const char *ms_cdp_error_get_protocol_message (const GError *error);
const char *ms_cdp_error_get_protocol_data    (const GError *error);
const char *ms_cdp_error_get_method           (const GError *error);

G_END_DECLS
