/* ms-cli-symbols.c: --symbolize for `export` and `record`
 *
 * Symbols are a label: the frames keep their addresses, and only the symbol
 * labelling mode (--frames symbol, the default) shows the names found.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "ms-profile-symbols.h"
#include "ms-symbol-module-report.h"
#include "ms-symbolizer.h"

#include "ms-cli-symbols.h"

void
ms_cli_symbolize_async (MsCliContext        *ctx,
                        MsProfile           *profile,
                        const char          *symbol_path,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(MsSymbolizer) symbolizer = ms_symbolizer_new ();

  if (symbol_path == NULL && g_file_test (MS_CLI_DEFAULT_SYMBOL_PATH, G_FILE_TEST_EXISTS))
    symbol_path = MS_CLI_DEFAULT_SYMBOL_PATH;

  /* The resolve task keeps the symbolizer alive. */
  ms_profile_symbolize_async (profile, symbolizer, symbol_path, ms_cli_context_get_cancellable (ctx),
                              callback, user_data);
}

MsSymbolResults *
ms_cli_symbolize_finish (MsCliContext  *ctx,
                         MsProfile     *profile,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(MsSymbolResults) results = ms_profile_symbolize_finish (profile, result, error);
  GPtrArray *reports;

  if (results == NULL)
    return NULL;

  reports = ms_symbol_results_get_reports (results);
  for (guint i = 0; reports != NULL && i < reports->len; i++)
    {
      g_autofree char *line = ms_symbol_module_report_to_string (g_ptr_array_index (reports, i));

      /* Translators: %s says which module was symbolized and from where. */
      ms_cli_context_warn (ctx, _("symbols: %s"), line);
    }

  return g_steal_pointer (&results);
}
