/* ms-cdp-message-private.h: a cheap look at a CDP message before decoding it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deeper nesting than any CDP message has; a guard for recursive JSON decoders. */
#define MS_CDP_MAX_NESTING 512

typedef struct
{
  gint64   id;
  guint    has_id : 1;
  guint    has_method : 1;
  guint    has_result : 1;
  guint    has_error : 1;
  guint    max_depth;
} MsCdpMessageScan;

/* Validates the JSON syntax of a whole message in one pass without building a tree,
 * and reads its top-level "id" (when present before any syntax error, so that a
 * broken reply can still fail the call it answers). FALSE with a message saying
 * where it broke; nesting deeper than MS_CDP_MAX_NESTING is an error too. */
gboolean ms_cdp_message_scan (GBytes            *message,
                              MsCdpMessageScan  *scan,
                              GError           **error);

G_END_DECLS
