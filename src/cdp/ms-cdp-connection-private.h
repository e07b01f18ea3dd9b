/* ms-cdp-connection-private.h: what the tests of MsCdpConnection may look at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-cdp-connection.h"

G_BEGIN_DECLS

/* How many events of 256 KiB and more were decoded (off this thread, on the
 * WebSocket's, as every message is read, checked and scanned there). */
guint ms_cdp_connection_get_n_threaded_events (MsCdpConnection *self);

G_END_DECLS
