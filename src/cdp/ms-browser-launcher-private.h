/* ms-browser-launcher-private.h: the launcher's parts that tests reach directly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets @error to MS_CDP_ERROR_BROWSER_NOT_FOUND for a search that found no browser:
 * @tried lists the programs looked for. Inside a Flatpak sandbox (@in_flatpak) the
 * host's browsers cannot be seen at all, so the message says instead how to start one
 * on the host and connect to it. */
void ms_browser_launcher_set_not_found_error (GError     **error,
                                              gboolean     in_flatpak,
                                              const char  *tried);

G_END_DECLS
