/* ms-symbol-results.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include "ms-symbol-results-private.h"

struct _MsSymbolResults
{
  /* MsSymbolModuleReport, one per request, in request order */
  GPtrArray  *reports;
  /* build-id → (offset → MsSymbol) */
  GHashTable *modules;
  guint       n_resolved;
};

G_DEFINE_BOXED_TYPE (MsSymbolResults, ms_symbol_results,
                     ms_symbol_results_ref, ms_symbol_results_unref)

static void
ms_symbol_results_clear (gpointer data)
{
  MsSymbolResults *self = data;

  g_clear_pointer (&self->reports, g_ptr_array_unref);
  g_clear_pointer (&self->modules, g_hash_table_unref);
}

MsSymbolResults *
ms_symbol_results_new (void)
{
  MsSymbolResults *self;

  self = g_atomic_rc_box_new0 (MsSymbolResults);
  self->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_symbol_module_report_unref);
  self->modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);

  return self;
}

MsSymbolResults *
ms_symbol_results_ref (MsSymbolResults *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
ms_symbol_results_unref (MsSymbolResults *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, ms_symbol_results_clear);
}

void
ms_symbol_results_add_report (MsSymbolResults      *self,
                              MsSymbolModuleReport *report)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (report != NULL);

  g_ptr_array_add (self->reports, ms_symbol_module_report_ref (report));
}

/* Returns %TRUE when the symbol is new to the results (the same module may be
 * requested twice in one batch). */
gboolean
ms_symbol_results_add_symbol (MsSymbolResults *self,
                              const char      *build_id,
                              MsSymbol        *symbol)
{
  GHashTable *symbols;
  guint64 offset;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (build_id != NULL, FALSE);
  g_return_val_if_fail (symbol != NULL, FALSE);

  symbols = g_hash_table_lookup (self->modules, build_id);
  if (symbols == NULL)
    {
      symbols = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify) ms_symbol_unref);
      g_hash_table_insert (self->modules, g_strdup (build_id), symbols);
    }

  offset = ms_symbol_get_offset (symbol);
  if (g_hash_table_contains (symbols, &offset))
    return FALSE;

  g_hash_table_insert (symbols, g_memdup2 (&offset, sizeof offset), ms_symbol_ref (symbol));

  self->n_resolved++;

  return TRUE;
}

/**
 * ms_symbol_results_get_reports:
 *
 * Returns: (transfer none) (element-type MsSymbolModuleReport): one report per
 *   request, in the order of the requests
 */
GPtrArray *
ms_symbol_results_get_reports (const MsSymbolResults *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->reports;
}

/**
 * ms_symbol_results_lookup:
 * @build_id: the module's build-id (either case)
 * @offset: the module-relative offset as it was requested
 *
 * Returns: (transfer none) (nullable): the symbol, or %NULL when the offset was
 *   not resolved (keep showing the frame as `module+0xoffset` then)
 */
MsSymbol *
ms_symbol_results_lookup (const MsSymbolResults *self,
                          const char            *build_id,
                          guint64                offset)
{
  g_autofree char *lower = NULL;
  GHashTable *symbols;

  g_return_val_if_fail (self != NULL, NULL);

  if (build_id == NULL)
    return NULL;

  lower = g_ascii_strdown (build_id, -1);
  symbols = g_hash_table_lookup (self->modules, lower);
  if (symbols == NULL)
    return NULL;

  return g_hash_table_lookup (symbols, &offset);
}

/**
 * ms_symbol_results_get_n_resolved:
 *
 * Returns: how many distinct (module, offset) pairs resolved to a symbol
 */
guint
ms_symbol_results_get_n_resolved (const MsSymbolResults *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_resolved;
}
