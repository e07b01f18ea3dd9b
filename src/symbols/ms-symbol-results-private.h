/* ms-symbol-results-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-symbol-module-report.h"
#include "ms-symbol-results.h"

G_BEGIN_DECLS

MsSymbolResults *ms_symbol_results_new        (void);
void             ms_symbol_results_add_report (MsSymbolResults      *self,
                                               MsSymbolModuleReport *report);
gboolean         ms_symbol_results_add_symbol (MsSymbolResults      *self,
                                               const char           *build_id,
                                               MsSymbol             *symbol);

G_END_DECLS
