/* ms-symbol-module-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include "ms-symbol-module-report-private.h"

struct _MsSymbolModuleReport
{
  char                 *build_id;
  char                 *module_name;
  char                 *elf_path;
  char                 *debug_path;
  char                 *detail;
  MsSymbolModuleStatus  status;
  MsSymbolSource        source;
  guint                 n_offsets;
  guint                 n_resolved;
  gboolean              has_dwarf;
};

G_DEFINE_BOXED_TYPE (MsSymbolModuleReport, ms_symbol_module_report,
                     ms_symbol_module_report_ref, ms_symbol_module_report_unref)

static void
ms_symbol_module_report_clear (gpointer data)
{
  MsSymbolModuleReport *self = data;

  g_clear_pointer (&self->build_id, g_free);
  g_clear_pointer (&self->module_name, g_free);
  g_clear_pointer (&self->elf_path, g_free);
  g_clear_pointer (&self->debug_path, g_free);
  g_clear_pointer (&self->detail, g_free);
}

MsSymbolModuleReport *
ms_symbol_module_report_new (const char           *build_id,
                             const char           *module_name,
                             MsSymbolModuleStatus  status,
                             MsSymbolSource        source,
                             const char           *elf_path,
                             const char           *debug_path,
                             gboolean              has_dwarf,
                             const char           *detail,
                             guint                 n_offsets,
                             guint                 n_resolved)
{
  MsSymbolModuleReport *self;

  self = g_atomic_rc_box_new0 (MsSymbolModuleReport);
  self->build_id = g_strdup (build_id);
  self->module_name = g_strdup (module_name);
  self->status = status;
  self->source = source;
  self->elf_path = g_strdup (elf_path);
  self->debug_path = g_strdup (debug_path);
  self->has_dwarf = !!has_dwarf;
  self->detail = g_strdup (detail);
  self->n_offsets = n_offsets;
  self->n_resolved = n_resolved;

  return self;
}

MsSymbolModuleReport *
ms_symbol_module_report_ref (MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
ms_symbol_module_report_unref (MsSymbolModuleReport *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, ms_symbol_module_report_clear);
}

/**
 * ms_symbol_module_report_get_build_id:
 *
 * Returns: (nullable): the build-id the module was looked up by, lower-case hex
 */
const char *
ms_symbol_module_report_get_build_id (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->build_id;
}

const char *
ms_symbol_module_report_get_module_name (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->module_name;
}

MsSymbolModuleStatus
ms_symbol_module_report_get_status (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, MS_SYMBOL_MODULE_NO_ELF_FOUND);

  return self->status;
}

MsSymbolSource
ms_symbol_module_report_get_source (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, MS_SYMBOL_SOURCE_NONE);

  return self->source;
}

/**
 * ms_symbol_module_report_get_elf_path:
 *
 * Returns: (nullable): the ELF file whose build-id matched and whose symbols are used
 */
const char *
ms_symbol_module_report_get_elf_path (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->elf_path;
}

/**
 * ms_symbol_module_report_get_debug_path:
 *
 * Returns: (nullable): the separate debug file DWARF came from, when it is not
 *   the ELF file itself
 */
const char *
ms_symbol_module_report_get_debug_path (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->debug_path;
}

gboolean
ms_symbol_module_report_get_has_dwarf (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->has_dwarf;
}

/**
 * ms_symbol_module_report_get_detail:
 *
 * Returns: (nullable): a sentence for a user: where the symbols came from, or
 *   why there are none (e.g. which files were rejected for their build-id)
 */
const char *
ms_symbol_module_report_get_detail (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->detail;
}

guint
ms_symbol_module_report_get_n_offsets (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_offsets;
}

guint
ms_symbol_module_report_get_n_resolved (const MsSymbolModuleReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_resolved;
}

const char *
ms_symbol_module_status_to_string (MsSymbolModuleStatus status)
{
  switch (status)
    {
    case MS_SYMBOL_MODULE_SYMBOLIZED:
      return "symbolized";
    case MS_SYMBOL_MODULE_NO_BUILD_ID:
      return "no build-id";
    case MS_SYMBOL_MODULE_NO_ELF_FOUND:
      return "no ELF found";
    case MS_SYMBOL_MODULE_BUILD_ID_MISMATCH:
      return "build-id mismatch";
    case MS_SYMBOL_MODULE_NO_SYMBOLS:
      return "no symbols";
    default:
      return "unknown";
    }
}

const char *
ms_symbol_source_to_string (MsSymbolSource source)
{
  switch (source)
    {
    case MS_SYMBOL_SOURCE_NONE:
      return "none";
    case MS_SYMBOL_SOURCE_PATH_HINT:
      return "path hint";
    case MS_SYMBOL_SOURCE_MODULE_PATH:
      return "module path";
    case MS_SYMBOL_SOURCE_BUILD_ID_DIR:
      return "build-id directory";
    case MS_SYMBOL_SOURCE_SEARCH_DIR:
      return "search directory";
    case MS_SYMBOL_SOURCE_DEBUGINFOD:
      return "debuginfod";
    default:
      return "unknown";
    }
}

/**
 * ms_symbol_module_report_to_string:
 *
 * Returns: (transfer full): one line for a log or the CLI's stderr, e.g.
 *   "libc.so.6 (93ac…): symbolized 2/2 from build-id directory …"
 */
char *
ms_symbol_module_report_to_string (const MsSymbolModuleReport *self)
{
  GString *str;

  g_return_val_if_fail (self != NULL, NULL);

  str = g_string_new (NULL);
  g_string_append_printf (str, "%s (%s): %s",
                          self->module_name ? self->module_name : "(unnamed module)",
                          self->build_id ? self->build_id : "no build-id",
                          ms_symbol_module_status_to_string (self->status));
  if (self->status == MS_SYMBOL_MODULE_SYMBOLIZED)
    g_string_append_printf (str, " %u/%u", self->n_resolved, self->n_offsets);
  if (self->detail != NULL)
    g_string_append_printf (str, ": %s", self->detail);

  return g_string_free (str, FALSE);
}
