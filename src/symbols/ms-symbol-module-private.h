/* ms-symbol-module-private.h: one module's ELF opened in libdwfl, with memoised lookups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-symbol.h"
#include "ms-symbol-module-report.h"

G_BEGIN_DECLS

typedef struct _MsSymbolModule MsSymbolModule;

MsSymbolModule       *ms_symbol_module_load          (const char           *build_id,
                                                      const char           *module_name,
                                                      const char           *path_hint,
                                                      const char * const   *search_dirs,
                                                      gboolean              use_debuginfod,
                                                      GCancellable         *cancellable);
MsSymbolModule       *ms_symbol_module_ref           (MsSymbolModule       *self);
void                  ms_symbol_module_unref         (MsSymbolModule       *self);
MsSymbolModuleStatus  ms_symbol_module_get_status    (MsSymbolModule       *self);
gboolean              ms_symbol_module_was_loaded_for (MsSymbolModule      *self,
                                                      const char           *module_name,
                                                      const char           *path_hint);
MsSymbol             *ms_symbol_module_lookup        (MsSymbolModule       *self,
                                                      guint64               offset);
MsSymbolModuleReport *ms_symbol_module_create_report (MsSymbolModule       *self,
                                                      const char           *module_name,
                                                      guint                 n_offsets,
                                                      guint                 n_resolved);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSymbolModule, ms_symbol_module_unref)

G_END_DECLS
