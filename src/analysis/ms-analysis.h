/* ms-analysis.h: the analysis layer (GLib only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ms-allocation-alarm.h"
#include "ms-analysis-error.h"
#include "ms-counter-series.h"
#include "ms-export.h"
#include "ms-flame-tree.h"
#include "ms-profile.h"
#include "ms-profile-diff.h"
#include "ms-recording-file.h"
#include "ms-recording-writer.h"
#include "ms-session-file.h"
#include "ms-size-histogram.h"
