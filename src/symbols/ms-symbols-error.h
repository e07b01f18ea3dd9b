/* ms-symbols-error.h: the error domain of the symbols layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MS_SYMBOLS_ERROR (ms_symbols_error_quark ())

/**
 * MsSymbolsError:
 * @MS_SYMBOLS_ERROR_INVALID_BUILD_ID: a build-id or module uuid is not what it should be
 *   (not hexadecimal, empty, an odd number of digits, no age digit)
 * @MS_SYMBOLS_ERROR_NOT_ELF: the file is not an ELF file
 * @MS_SYMBOLS_ERROR_NO_BUILD_ID: the ELF file carries no NT_GNU_BUILD_ID note
 * @MS_SYMBOLS_ERROR_FAILED: elfutils failed in a way not covered above
 *
 * Per-module outcomes (no ELF found, build-id mismatch, ...) are not errors:
 * they are in each #MsSymbolModuleReport.
 */
typedef enum
{
  MS_SYMBOLS_ERROR_INVALID_BUILD_ID,
  MS_SYMBOLS_ERROR_NOT_ELF,
  MS_SYMBOLS_ERROR_NO_BUILD_ID,
  MS_SYMBOLS_ERROR_FAILED,
} MsSymbolsError;

GQuark ms_symbols_error_quark (void);

G_END_DECLS
