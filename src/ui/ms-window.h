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
#include "ms-recording-file.h"
#include "ms-session-file.h"

G_BEGIN_DECLS

#define MS_TYPE_WINDOW (ms_window_get_type ())

G_DECLARE_FINAL_TYPE (MsWindow, ms_window, MS, WINDOW, AdwApplicationWindow)

MsWindow        *ms_window_new                (AdwApplication *application);
/* Launches a browser on @url (NULL: the demo page), connects and records. */
void             ms_window_launch             (MsWindow       *self,
                                               const char     *url,
                                               gboolean        headless);
void             ms_window_launch_demo        (MsWindow       *self);
/* Connects to the browser at @endpoint ("HOST:PORT", as the Connect row takes it);
 * with @target (a target id or a substring of its URL) attaches to that target at once,
 * else lists the targets to choose from. FALSE, with MS_CDP_ERROR_INVALID_ENDPOINT
 * naming what is wrong, for a bad endpoint. */
gboolean         ms_window_connect            (MsWindow       *self,
                                               const char     *endpoint,
                                               const char     *target,
                                               GError        **error);
/* Whether attaching to a page (launch or connect) starts recording; default TRUE. */
void             ms_window_set_record_on_connect (MsWindow    *self,
                                               gboolean        record);
/* Shows a saved session read-only, every profile of it (ms_window_show_snapshot()). */
void             ms_window_open_file          (MsWindow       *self,
                                               GFile          *file);
/* Offers back, one at a time, each recording in the recordings folder that was never
 * closed (Memscope stopped while recording it): Open, Discard or Later. */
void             ms_window_offer_interrupted  (MsWindow       *self);

/* Snapshots: the profiles of the opened file, or of the live recording. */
guint            ms_window_get_n_snapshots    (MsWindow       *self);
/* Loads profile @index off the main thread; the views follow. While recording, showing
 * the last one follows the new profiles again. */
void             ms_window_show_snapshot      (MsWindow       *self,
                                               guint           index);
/* The profile the views show (or are building), G_MAXUINT when none. */
guint            ms_window_get_shown_snapshot (MsWindow       *self);
/* The opened session, NULL while live. */
MsSessionFile   *ms_window_get_opened_file    (MsWindow       *self);
/* The opened recording (format 2), NULL for a version 1 session or while live. */
MsRecordingFile *ms_window_get_recording_file (MsWindow       *self);
/* The file the live recording is written to, NULL when none. */
GFile           *ms_window_get_recording_output (MsWindow     *self);
/* Saves a copy of what is shown (the live recording's file, even while it records, or
 * the opened session): written to a temporary file renamed over @file. */
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
