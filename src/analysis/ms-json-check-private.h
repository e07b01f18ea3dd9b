/* ms-json-check-private.h: a strict, bounded syntax check before json-glib parses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* json-glib recurses once per level of nesting: deeper input than this is refused
 * before it parses anything, as the DevTools client does for messages. */
#define MS_JSON_MAX_NESTING 512

gboolean ms_json_check (const char  *data,
                        gssize       len,
                        GError     **error);

G_END_DECLS
