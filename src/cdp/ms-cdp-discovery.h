/* ms-cdp-discovery.h: /json/version, /json/list and /json/protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-cdp-endpoint.h"

G_BEGIN_DECLS

#define MS_TYPE_CDP_BROWSER_VERSION (ms_cdp_browser_version_get_type ())
#define MS_TYPE_CDP_TARGET          (ms_cdp_target_get_type ())
#define MS_TYPE_CDP_DISCOVERY       (ms_cdp_discovery_get_type ())

G_DECLARE_FINAL_TYPE (MsCdpBrowserVersion, ms_cdp_browser_version, MS, CDP_BROWSER_VERSION, GObject)
G_DECLARE_FINAL_TYPE (MsCdpTarget, ms_cdp_target, MS, CDP_TARGET, GObject)
G_DECLARE_FINAL_TYPE (MsCdpDiscovery, ms_cdp_discovery, MS, CDP_DISCOVERY, GObject)

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

/* One entry of /json/list. */
const char *ms_cdp_target_get_id           (MsCdpTarget *self);
const char *ms_cdp_target_get_target_type  (MsCdpTarget *self);  /* "page", "iframe", "worker", ... */
const char *ms_cdp_target_get_title        (MsCdpTarget *self);
const char *ms_cdp_target_get_url          (MsCdpTarget *self);
const char *ms_cdp_target_get_debugger_url (MsCdpTarget *self);  /* may be NULL (already attached) */
/* Parses a /json/list body into MsCdpTarget objects. */
GPtrArray  *ms_cdp_target_list_new_from_json (const char *data,
                                              gssize      length,
                                              GError    **error);
/* @selector NULL: the first "page" target. Otherwise an exact id, else the first target
 * whose URL contains @selector. MS_CDP_ERROR_TARGET_NOT_FOUND naming the selector. */
MsCdpTarget *ms_cdp_target_list_find (GPtrArray  *targets,
                                      const char *selector,
                                      GError    **error);

/* HTTP side of a DevTools server: one SoupSession, no Origin header, a timeout. */
MsCdpDiscovery *ms_cdp_discovery_new                (MsCdpEndpoint *endpoint);
MsCdpEndpoint  *ms_cdp_discovery_get_endpoint       (MsCdpDiscovery *self);
void            ms_cdp_discovery_set_timeout        (MsCdpDiscovery *self,
                                                     guint           seconds);

void                 ms_cdp_discovery_get_version_async   (MsCdpDiscovery      *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
MsCdpBrowserVersion *ms_cdp_discovery_get_version_finish  (MsCdpDiscovery      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
/* Element type MsCdpTarget. */
void                 ms_cdp_discovery_list_targets_async  (MsCdpDiscovery      *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
GPtrArray           *ms_cdp_discovery_list_targets_finish (MsCdpDiscovery      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
/* TRUE when /json/protocol lists the Memory domain with all 11 commands; otherwise FALSE with
 * MS_CDP_ERROR_NOT_SUPPORTED naming what is missing. */
void                 ms_cdp_discovery_check_memory_domain_async  (MsCdpDiscovery      *self,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
gboolean             ms_cdp_discovery_check_memory_domain_finish (MsCdpDiscovery      *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);
/* Same check on a /json/protocol body, for tests and offline use. */
gboolean             ms_cdp_protocol_has_memory_domain (const char *data,
                                                        gssize      length,
                                                        GError    **error);

/* The ws:// URL to connect to for a target / for the browser, host and port from the endpoint. */
char *ms_cdp_discovery_target_ws_url  (MsCdpDiscovery *self,
                                       MsCdpTarget    *target,
                                       GError        **error);

G_END_DECLS
