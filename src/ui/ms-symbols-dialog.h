/* ms-symbols-dialog.h: symbolizing the shown profile, with progress, and the module report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ms-flame-graph.h"
#include "ms-symbol-module-report.h"
#include "ms-symbolizer.h"

G_BEGIN_DECLS

/* One row of the dialog's list: one module's report. */
#define MS_TYPE_SYMBOLS_MODULE_ITEM (ms_symbols_module_item_get_type ())

G_DECLARE_FINAL_TYPE (MsSymbolsModuleItem, ms_symbols_module_item, MS, SYMBOLS_MODULE_ITEM, GObject)

MsSymbolModuleReport *ms_symbols_module_item_get_report (MsSymbolsModuleItem *self);

#define MS_TYPE_SYMBOLS_DIALOG (ms_symbols_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MsSymbolsDialog, ms_symbols_dialog, MS, SYMBOLS_DIALOG, AdwWindow)

MsSymbolsDialog *ms_symbols_dialog_new        (GtkWindow       *parent);
/* Names the frames of @graph's profile off the main thread with the settings' search
 * directories (and debuginfod when DEBUGINFOD_URLS is set), then gives @graph a tree
 * with the names and lists the modules. ::finished follows, whatever the outcome. */
void             ms_symbols_dialog_symbolize  (MsSymbolsDialog *self,
                                               MsFlameGraph    *graph);
void             ms_symbols_dialog_cancel     (MsSymbolsDialog *self);
/* The symbolizer the last ms_symbols_dialog_symbolize() built from the settings; NULL
 * before. */
MsSymbolizer    *ms_symbols_dialog_get_symbolizer (MsSymbolsDialog *self);
/* MsSymbolsModuleItem, one per module that has frames, in the profile's order. */
GListModel      *ms_symbols_dialog_get_modules (MsSymbolsDialog *self);
/* Why it failed, once finished; NULL when it did not. */
const GError    *ms_symbols_dialog_get_error  (MsSymbolsDialog *self);
gboolean         ms_symbols_dialog_is_finished (MsSymbolsDialog *self);

/* win.symbolize on @widget_class, a MsWindow's: the dialog for the shown profile. */
void             ms_symbols_dialog_install_action (GtkWidgetClass *widget_class);

G_END_DECLS
