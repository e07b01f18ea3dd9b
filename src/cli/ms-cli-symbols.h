/* ms-cli-symbols.h: --symbolize for `export` and `record`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-profile.h"
#include "ms-symbol-results.h"

#include "ms-cli-context.h"

G_BEGIN_DECLS

/* Debian's Chromium: the main executable whose .dynsym names Chromium's own frames. */
#define MS_CLI_DEFAULT_SYMBOL_PATH "/usr/lib/chromium/chromium"

/* Names @profile's frames (off the main thread): modules by build-id, the main
 * executable from @symbol_path (a file or the folder holding it; NULL for
 * MS_CLI_DEFAULT_SYMBOL_PATH when it exists). The caller holds the context meanwhile. */
void             ms_cli_symbolize_async  (MsCliContext         *ctx,
                                          MsProfile            *profile,
                                          const char           *symbol_path,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* Prints one line per module on stderr ("memscope-cli: COMMAND: symbols: …"). */
MsSymbolResults *ms_cli_symbolize_finish (MsCliContext         *ctx,
                                          MsProfile            *profile,
                                          GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
