/* ms-symbols-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include "ms-symbols-error.h"

G_DEFINE_QUARK (ms-symbols-error-quark, ms_symbols_error)
