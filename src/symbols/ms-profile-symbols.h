/* ms-profile-symbols.h: symbolizing the frames of a sampling heap profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-profile.h"
#include "ms-symbolizer.h"

G_BEGIN_DECLS

MsSymbolResults *ms_profile_symbolize        (MsProfile            *profile,
                                              MsSymbolizer         *symbolizer,
                                              const char           *path_hint,
                                              GCancellable         *cancellable,
                                              GError              **error);
void             ms_profile_symbolize_async  (MsProfile            *profile,
                                              MsSymbolizer         *symbolizer,
                                              const char           *path_hint,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
MsSymbolResults *ms_profile_symbolize_finish (MsProfile            *profile,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
