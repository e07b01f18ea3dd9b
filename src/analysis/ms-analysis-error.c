/* ms-analysis-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ms-analysis-error.h"

G_DEFINE_QUARK (ms-analysis-error-quark, ms_analysis_error)
