/* ms-window.h: the main window: a live recording or an opened session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ms-counter-chart.h"
#include "ms-flame-graph.h"
#include "ms-histogram-view.h"
#include "ms-live-target.h"

G_BEGIN_DECLS

#define MS_TYPE_WINDOW (ms_window_get_type ())

G_DECLARE_FINAL_TYPE (MsWindow, ms_window, MS, WINDOW, AdwApplicationWindow)

MsWindow        *ms_window_new                (AdwApplication *application);
/* Launches a browser on @url (NULL: the demo page), connects and records. */
void             ms_window_launch             (MsWindow       *self,
                                               const char     *url,
                                               gboolean        headless);
void             ms_window_launch_demo        (MsWindow       *self);
/* Shows a saved session read-only. */
void             ms_window_open_file          (MsWindow       *self,
                                               GFile          *file);
/* Saves what is shown (the stopped recording or the opened session). */
void             ms_window_save_to_file_async  (MsWindow            *self,
                                                GFile               *file,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         ms_window_save_to_file_finish (MsWindow            *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* The page URL the launch action uses; defaults to the demo page. */
void             ms_window_set_launch_url     (MsWindow       *self,
                                               const char     *url);
MsRecorder      *ms_window_get_recorder       (MsWindow       *self);
/* What the window launched or connected to, or NULL. */
MsLiveTarget    *ms_window_get_live_target    (MsWindow       *self);
MsFlameGraph    *ms_window_get_flame_graph    (MsWindow       *self);
MsCounterChart  *ms_window_get_counter_chart  (MsWindow       *self);
MsHistogramView *ms_window_get_histogram_view (MsWindow       *self);

G_END_DECLS
