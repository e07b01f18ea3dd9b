/* ms-symbols.h: the symbols layer, from module+offset to function names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-symbol.h"
#include "ms-symbol-module-report.h"
#include "ms-symbol-request.h"
#include "ms-symbol-results.h"
#include "ms-symbolizer.h"
#include "ms-symbols-build-id.h"
#include "ms-symbols-error.h"
