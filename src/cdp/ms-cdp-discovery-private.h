/* ms-cdp-discovery-private.h: what the tests of MsCdpDiscovery may change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-cdp-discovery.h"

G_BEGIN_DECLS

/* The largest body a reply may have (64 MiB unless changed); a longer one fails with
 * MS_CDP_ERROR_TOO_LARGE while it is read. */
void ms_cdp_discovery_set_max_body_size (MsCdpDiscovery *self,
                                         gsize           max_size);

G_END_DECLS
