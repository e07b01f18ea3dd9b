/* ms-cdp-discovery.h: /json/version, /json/list and /json/protocol
 *
 * Includes the types of their replies: MsCdpBrowserVersion and MsCdpTarget.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-cdp-browser-version.h"
#include "ms-cdp-endpoint.h"
#include "ms-cdp-target.h"

G_BEGIN_DECLS

#define MS_TYPE_CDP_DISCOVERY (ms_cdp_discovery_get_type ())

G_DECLARE_FINAL_TYPE (MsCdpDiscovery, ms_cdp_discovery, MS, CDP_DISCOVERY, GObject)

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
