/* ms-symbol-results.h: the symbols and module reports of one resolve call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ms-symbol.h"

G_BEGIN_DECLS

#define MS_TYPE_SYMBOL_RESULTS (ms_symbol_results_get_type ())

typedef struct _MsSymbolResults MsSymbolResults;

GType            ms_symbol_results_get_type       (void) G_GNUC_CONST;
MsSymbolResults *ms_symbol_results_ref            (MsSymbolResults       *self);
void             ms_symbol_results_unref          (MsSymbolResults       *self);

GPtrArray       *ms_symbol_results_get_reports    (const MsSymbolResults *self);
MsSymbol        *ms_symbol_results_lookup         (const MsSymbolResults *self,
                                                   const char            *build_id,
                                                   guint64                offset);
guint            ms_symbol_results_get_n_resolved (const MsSymbolResults *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSymbolResults, ms_symbol_results_unref)

G_END_DECLS
