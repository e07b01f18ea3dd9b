/* ms-symbol-module-report-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-symbol-module-report.h"

G_BEGIN_DECLS

MsSymbolModuleReport *ms_symbol_module_report_new (const char           *build_id,
                                                   const char           *module_name,
                                                   MsSymbolModuleStatus  status,
                                                   MsSymbolSource        source,
                                                   const char           *elf_path,
                                                   const char           *debug_path,
                                                   gboolean              has_dwarf,
                                                   const char           *detail,
                                                   guint                 n_offsets,
                                                   guint                 n_resolved);

G_END_DECLS
