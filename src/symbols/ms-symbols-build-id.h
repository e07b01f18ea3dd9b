/* ms-symbols-build-id.h: build-ids as Chromium reports them and as ELF files carry them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ms_symbols_build_id_from_uuid  (const char    *uuid,
                                      GError       **error);
char *ms_symbols_build_id_normalize  (const char    *build_id,
                                      GError       **error);
char *ms_symbols_build_id_to_hex     (const guint8  *bits,
                                      gsize          n_bits);
char *ms_symbols_read_build_id       (const char    *path,
                                      GError       **error);

G_END_DECLS
