/* ms-json-index-private.h: raw slices of a session file's members (simdjson)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MsJsonSlice MsJsonSlice;

/**
 * MsJsonSlice:
 * @key: the member's name, %NULL for an array element
 * @type: 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
 * @offset: where the value's raw JSON text starts (0 for an indexed array)
 * @length: its length (0 for an indexed array)
 * @children: (nullable): elements of a top-level array, or the members of an
 *   object that is such an element
 *
 * Top-level members, elements of top-level arrays and members of object
 * elements are indexed; everything deeper stays raw text, so a 40 MB reply
 * inside costs one skip over its bytes and no tree.
 */
struct _MsJsonSlice
{
  char   *key;
  char    type;
  gsize   offset;
  gsize   length;
  GArray *children;
};

/* @buf must be followed by MS_JSON_PADDING readable bytes. */
GArray *ms_json_index_session (const char  *buf,
                               gsize        len,
                               GError     **error);

G_END_DECLS
