/* ms-symbol.h: what one module-relative offset resolved to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_SYMBOL (ms_symbol_get_type ())

typedef struct _MsSymbol MsSymbol;

GType       ms_symbol_get_type          (void) G_GNUC_CONST;
MsSymbol   *ms_symbol_ref               (MsSymbol *self);
void        ms_symbol_unref             (MsSymbol *self);

guint64     ms_symbol_get_offset        (const MsSymbol *self);
const char *ms_symbol_get_name          (const MsSymbol *self);
const char *ms_symbol_get_raw_name      (const MsSymbol *self);
guint64     ms_symbol_get_symbol_offset (const MsSymbol *self);
const char *ms_symbol_get_file          (const MsSymbol *self);
guint       ms_symbol_get_line          (const MsSymbol *self);
guint       ms_symbol_get_column        (const MsSymbol *self);
char       *ms_symbol_to_string         (const MsSymbol *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSymbol, ms_symbol_unref)

G_END_DECLS
