/* ms-symbol-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-symbol.h"

G_BEGIN_DECLS

MsSymbol *ms_symbol_new (guint64     offset,
                         const char *raw_name,
                         guint64     symbol_offset,
                         const char *file,
                         guint       line,
                         guint       column);

G_END_DECLS
