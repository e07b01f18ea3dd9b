/* ms-preferences-window.h: the recording, alarm and symbol settings, bound to GSettings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MS_TYPE_PREFERENCES_WINDOW (ms_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (MsPreferencesWindow, ms_preferences_window, MS, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

MsPreferencesWindow *ms_preferences_window_new            (GtkWindow           *parent);
GSettings           *ms_preferences_window_get_settings   (MsPreferencesWindow *self);
/* What the folder chooser's response does: appends @dir unless it is listed already. */
void                 ms_preferences_window_add_search_dir (MsPreferencesWindow *self,
                                                           GFile               *dir);
/* What a row's remove button does. */
void                 ms_preferences_window_remove_search_dir (MsPreferencesWindow *self,
                                                              const char          *path);

G_END_DECLS
