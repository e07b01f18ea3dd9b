/* ms-cdp-browser-version.h: what /json/version says about the browser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_CDP_BROWSER_VERSION (ms_cdp_browser_version_get_type ())

G_DECLARE_FINAL_TYPE (MsCdpBrowserVersion, ms_cdp_browser_version, MS, CDP_BROWSER_VERSION, GObject)

/* From /json/version. "Browser" e.g. "Chrome/156.0.8078.79". */
const char *ms_cdp_browser_version_get_browser          (MsCdpBrowserVersion *self);
const char *ms_cdp_browser_version_get_protocol_version (MsCdpBrowserVersion *self);
const char *ms_cdp_browser_version_get_user_agent       (MsCdpBrowserVersion *self);
const char *ms_cdp_browser_version_get_v8_version       (MsCdpBrowserVersion *self);
const char *ms_cdp_browser_version_get_webkit_version   (MsCdpBrowserVersion *self);
/* As the server gave it; connect through ms_cdp_endpoint_ws_url(), never directly. */
const char *ms_cdp_browser_version_get_debugger_url     (MsCdpBrowserVersion *self);
/* Parses a /json/version body; MS_CDP_ERROR_MALFORMED / _WRONG_SHAPE naming the member. */
MsCdpBrowserVersion *ms_cdp_browser_version_new_from_json (const char *data,
                                                           gssize      length,
                                                           GError    **error);

G_END_DECLS
