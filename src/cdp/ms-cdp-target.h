/* ms-cdp-target.h: one entry of /json/list, and finding the one the user means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_CDP_TARGET (ms_cdp_target_get_type ())

G_DECLARE_FINAL_TYPE (MsCdpTarget, ms_cdp_target, MS, CDP_TARGET, GObject)

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

G_END_DECLS
