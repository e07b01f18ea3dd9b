/* ms-symbol-request.h: one module and the offsets inside it to resolve
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MS_TYPE_SYMBOL_REQUEST (ms_symbol_request_get_type ())

typedef struct _MsSymbolRequest MsSymbolRequest;

GType            ms_symbol_request_get_type        (void) G_GNUC_CONST;
MsSymbolRequest *ms_symbol_request_new             (const char            *build_id,
                                                    const char            *module_name);
MsSymbolRequest *ms_symbol_request_ref             (MsSymbolRequest       *self);
void             ms_symbol_request_unref           (MsSymbolRequest       *self);

const char      *ms_symbol_request_get_build_id    (const MsSymbolRequest *self);
const char      *ms_symbol_request_get_module_name (const MsSymbolRequest *self);
const char      *ms_symbol_request_get_path_hint   (const MsSymbolRequest *self);
void             ms_symbol_request_set_path_hint   (MsSymbolRequest       *self,
                                                    const char            *path_hint);
void             ms_symbol_request_add_offset      (MsSymbolRequest       *self,
                                                    guint64                offset);
void             ms_symbol_request_add_offsets     (MsSymbolRequest       *self,
                                                    const guint64         *offsets,
                                                    gsize                  n_offsets);
const guint64   *ms_symbol_request_get_offsets     (const MsSymbolRequest *self,
                                                    gsize                 *n_offsets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSymbolRequest, ms_symbol_request_unref)

G_END_DECLS
