/* ms-symbol-module-report.h: whether and from where one module was symbolized
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MsSymbolModuleStatus:
 * @MS_SYMBOL_MODULE_SYMBOLIZED: an ELF with the module's build-id and a symbol table was found
 * @MS_SYMBOL_MODULE_NO_BUILD_ID: the request had no usable build-id, so no file could be
 *   trusted to describe the module
 * @MS_SYMBOL_MODULE_NO_ELF_FOUND: no candidate file exists anywhere that was searched
 * @MS_SYMBOL_MODULE_BUILD_ID_MISMATCH: candidate files exist, but none has the module's build-id
 * @MS_SYMBOL_MODULE_NO_SYMBOLS: the matching ELF has no symbol table
 */
typedef enum
{
  MS_SYMBOL_MODULE_SYMBOLIZED,
  MS_SYMBOL_MODULE_NO_BUILD_ID,
  MS_SYMBOL_MODULE_NO_ELF_FOUND,
  MS_SYMBOL_MODULE_BUILD_ID_MISMATCH,
  MS_SYMBOL_MODULE_NO_SYMBOLS,
} MsSymbolModuleStatus;

/**
 * MsSymbolSource:
 * @MS_SYMBOL_SOURCE_NONE: nothing was found
 * @MS_SYMBOL_SOURCE_PATH_HINT: the path the user gave for the module
 * @MS_SYMBOL_SOURCE_MODULE_PATH: the module's own name, an absolute path
 * @MS_SYMBOL_SOURCE_BUILD_ID_DIR: `<search dir>/.build-id/xx/yyyy.debug`
 * @MS_SYMBOL_SOURCE_SEARCH_DIR: the module's basename in a search directory
 * @MS_SYMBOL_SOURCE_DEBUGINFOD: downloaded from a debuginfod server
 */
typedef enum
{
  MS_SYMBOL_SOURCE_NONE,
  MS_SYMBOL_SOURCE_PATH_HINT,
  MS_SYMBOL_SOURCE_MODULE_PATH,
  MS_SYMBOL_SOURCE_BUILD_ID_DIR,
  MS_SYMBOL_SOURCE_SEARCH_DIR,
  MS_SYMBOL_SOURCE_DEBUGINFOD,
} MsSymbolSource;

#define MS_TYPE_SYMBOL_MODULE_REPORT (ms_symbol_module_report_get_type ())

typedef struct _MsSymbolModuleReport MsSymbolModuleReport;

GType                 ms_symbol_module_report_get_type        (void) G_GNUC_CONST;
MsSymbolModuleReport *ms_symbol_module_report_ref             (MsSymbolModuleReport       *self);
void                  ms_symbol_module_report_unref           (MsSymbolModuleReport       *self);

const char           *ms_symbol_module_report_get_build_id    (const MsSymbolModuleReport *self);
const char           *ms_symbol_module_report_get_module_name (const MsSymbolModuleReport *self);
MsSymbolModuleStatus  ms_symbol_module_report_get_status      (const MsSymbolModuleReport *self);
MsSymbolSource        ms_symbol_module_report_get_source      (const MsSymbolModuleReport *self);
const char           *ms_symbol_module_report_get_elf_path    (const MsSymbolModuleReport *self);
const char           *ms_symbol_module_report_get_debug_path  (const MsSymbolModuleReport *self);
gboolean              ms_symbol_module_report_get_has_dwarf   (const MsSymbolModuleReport *self);
const char           *ms_symbol_module_report_get_detail      (const MsSymbolModuleReport *self);
guint                 ms_symbol_module_report_get_n_offsets   (const MsSymbolModuleReport *self);
guint                 ms_symbol_module_report_get_n_resolved  (const MsSymbolModuleReport *self);
char                 *ms_symbol_module_report_to_string       (const MsSymbolModuleReport *self);

const char           *ms_symbol_module_status_to_string       (MsSymbolModuleStatus        status);
const char           *ms_symbol_source_to_string              (MsSymbolSource              source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSymbolModuleReport, ms_symbol_module_report_unref)

G_END_DECLS
