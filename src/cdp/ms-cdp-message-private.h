/* ms-cdp-message-private.h: a cheap look at a CDP message before decoding it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

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

/* The same one-pass check for any JSON text (an array or a scalar at the top too):
 * what every caller runs before handing untrusted JSON to json-glib, whose
 * recursive parser a deeply nested text would take down. */
gboolean ms_cdp_json_check (const char  *data,
                            gsize        length,
                            GError     **error);

/* Decodes a reply (already scanned) into its "result" object. A CDP error reply
 * becomes MS_CDP_ERROR_PROTOCOL; bad JSON MS_CDP_ERROR_MALFORMED; a reply with no
 * object "result" MS_CDP_ERROR_WRONG_SHAPE. Safe on any thread. */
JsonObject *ms_cdp_message_decode_reply (GBytes      *message,
                                         const char  *method,
                                         GError     **error);

G_END_DECLS
