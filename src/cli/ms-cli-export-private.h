/* ms-cli-export-private.h: option parsing shared by `export` and `diff`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-profile.h"

G_BEGIN_DECLS

/* NULL means the default, symbol. */
gboolean ms_cli_parse_label_mode (const char          *text,
                                  MsLabelMode         *mode);
/* Index of @text in the NULL-terminated @names. */
gboolean ms_cli_parse_format     (const char          *text,
                                  const char * const  *names,
                                  guint               *format);

G_END_DECLS
