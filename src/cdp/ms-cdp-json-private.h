/* ms-cdp-json-private.h: reading the DevTools server's HTTP replies with json-glib
 *
 * Shared by the types parsed from /json/version, /json/list and /json/protocol.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The root of @data (@length -1: NUL-terminated); MS_CDP_ERROR_MALFORMED when it is
 * not JSON, nests too deep or is empty. */
JsonNode  *ms_cdp_json_parse              (const char  *data,
                                           gssize       length,
                                           GError     **error);
/* MS_CDP_ERROR_WRONG_SHAPE: "Member “PREFIX.MEMBER” EXPECTED". */
void       ms_cdp_json_set_wrong_shape    (GError     **error,
                                           const char  *prefix,
                                           const char  *member,
                                           const char  *expected);
/* Copies the string member @member into @out. A missing (or null) optional member
 * leaves @out NULL. */
gboolean   ms_cdp_json_read_string_member (JsonObject  *object,
                                           const char  *prefix,
                                           const char  *member,
                                           gboolean     required,
                                           char       **out,
                                           GError     **error);
JsonArray *ms_cdp_json_get_array_member   (JsonObject  *object,
                                           const char  *prefix,
                                           const char  *member,
                                           GError     **error);

G_END_DECLS
