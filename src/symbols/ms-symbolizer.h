/* ms-symbolizer.h: module-relative offsets to function names, off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-symbol-results.h"

G_BEGIN_DECLS

#define MS_TYPE_SYMBOLIZER (ms_symbolizer_get_type ())

G_DECLARE_FINAL_TYPE (MsSymbolizer, ms_symbolizer, MS, SYMBOLIZER, GObject)

MsSymbolizer     *ms_symbolizer_new                 (void);

char            **ms_symbolizer_dup_search_dirs     (MsSymbolizer         *self);
void              ms_symbolizer_set_search_dirs     (MsSymbolizer         *self,
                                                     const char * const   *search_dirs);
void              ms_symbolizer_add_search_dir      (MsSymbolizer         *self,
                                                     const char           *search_dir);
gboolean          ms_symbolizer_get_use_debuginfod  (MsSymbolizer         *self);
void              ms_symbolizer_set_use_debuginfod  (MsSymbolizer         *self,
                                                     gboolean              use_debuginfod);
void              ms_symbolizer_clear_cache         (MsSymbolizer         *self);

MsSymbolResults  *ms_symbolizer_resolve             (MsSymbolizer         *self,
                                                     GPtrArray            *requests,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
void              ms_symbolizer_resolve_async       (MsSymbolizer         *self,
                                                     GPtrArray            *requests,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
MsSymbolResults  *ms_symbolizer_resolve_finish      (MsSymbolizer         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
