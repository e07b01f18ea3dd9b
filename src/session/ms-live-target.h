/* ms-live-target.h: a browser page to inspect, from "launch" or "connect" to a recording
 *
 * What both front ends do when the user presses Launch or Connect: start a browser (or
 * take the endpoint the user named), find the page, attach to it, record it, run the
 * Memory domain's one-shot commands on it, and let go of it all again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-recorder.h"
#include "ms-target-connection.h"

G_BEGIN_DECLS

#define MS_TYPE_LIVE_TARGET (ms_live_target_get_type ())

G_DECLARE_FINAL_TYPE (MsLiveTarget, ms_live_target, MS, LIVE_TARGET, GObject)

/**
 * MsLiveTargetState:
 * @MS_LIVE_TARGET_STATE_IDLE: nothing started yet, or disconnected
 * @MS_LIVE_TARGET_STATE_LAUNCHING: the browser is starting
 * @MS_LIVE_TARGET_STATE_CONNECTING: looking for the page and attaching to it
 * @MS_LIVE_TARGET_STATE_CONNECTED: attached; commands can be sent
 * @MS_LIVE_TARGET_STATE_RECORDING: attached and the recorder is running
 * @MS_LIVE_TARGET_STATE_LOST: the connection went away after it was up (the session
 *   may still be reconnecting: see ms_target_connection_get_state()); the last error says why
 * @MS_LIVE_TARGET_STATE_FAILED: launching or connecting failed; the last error says why
 */
typedef enum
{
  MS_LIVE_TARGET_STATE_IDLE,
  MS_LIVE_TARGET_STATE_LAUNCHING,
  MS_LIVE_TARGET_STATE_CONNECTING,
  MS_LIVE_TARGET_STATE_CONNECTED,
  MS_LIVE_TARGET_STATE_RECORDING,
  MS_LIVE_TARGET_STATE_LOST,
  MS_LIVE_TARGET_STATE_FAILED,
} MsLiveTargetState;

/**
 * MsLiveCommand:
 * @MS_LIVE_COMMAND_PURGE: Memory.forciblyPurgeJavaScriptMemory (destroys the page's scripts)
 * @MS_LIVE_COMMAND_PRESSURE_MODERATE: Memory.simulatePressureNotification, moderate
 * @MS_LIVE_COMMAND_PRESSURE_CRITICAL: Memory.simulatePressureNotification, critical
 * @MS_LIVE_COMMAND_SUPPRESS_PRESSURE: Memory.setPressureNotificationsSuppressed, true
 * @MS_LIVE_COMMAND_ALLOW_PRESSURE: Memory.setPressureNotificationsSuppressed, false
 *
 * The one-shot commands without a result. Their nicks ("purge", "pressure-moderate", …)
 * are the kinds of the markers they leave in the recording.
 */
typedef enum
{
  MS_LIVE_COMMAND_PURGE,
  MS_LIVE_COMMAND_PRESSURE_MODERATE,
  MS_LIVE_COMMAND_PRESSURE_CRITICAL,
  MS_LIVE_COMMAND_SUPPRESS_PRESSURE,
  MS_LIVE_COMMAND_ALLOW_PRESSURE,
} MsLiveCommand;

/* The marker kind count_leaks leaves in the recording. */
#define MS_LIVE_TARGET_MARKER_LEAK_COUNTERS "leak-counters"

/* A browser started on @url (NULL: about:blank), with a window unless @headless, from
 * @browser (NULL: $MEMSCOPE_BROWSER, else the first Chromium-family browser on $PATH). */
MsLiveTarget        *ms_live_target_new_for_launch          (const char           *url,
                                                             gboolean              headless,
                                                             const char           *browser);
/* A running browser: "HOST:PORT", "http://HOST:PORT", a DevToolsActivePort file, or a
 * target's "ws://HOST:PORT/devtools/page/ID" (connect then opens that path directly).
 * NULL with MS_CDP_ERROR_INVALID_ENDPOINT naming what was wrong. */
MsLiveTarget        *ms_live_target_new_for_endpoint        (const char           *text,
                                                             GError              **error);

/* The bundled demo page: $MEMSCOPE_DATADIR, the source tree, the installed data. */
char                *ms_live_target_find_demo_page          (GError              **error);

/* Longest wait for any answer, in seconds (default 15): the browser's start, each
 * call, the WebSocket handshake, and how long a launched browser may take to show a
 * page. */
void                 ms_live_target_set_timeout             (MsLiveTarget         *self,
                                                             guint                 seconds);
guint                ms_live_target_get_timeout             (MsLiveTarget         *self);
/* How long to look for the target again after the socket closes; 0 never. Default 30 s
 * for an endpoint; a launched browser that goes away does not come back, so 0 there. */
void                 ms_live_target_set_reconnect_window    (MsLiveTarget         *self,
                                                             guint                 seconds);

/* Whether connecting to the endpoint leaves this computer (the protocol is unencrypted
 * and unauthenticated: front ends warn). FALSE for a launch. */
gboolean             ms_live_target_is_remote               (MsLiveTarget         *self);
/* "HOST:PORT" of the endpoint (for a launch, once the browser runs), else the URL to
 * launch. */
char                *ms_live_target_describe                (MsLiveTarget         *self);
/* The URL a launch opens, NULL for an endpoint. */
const char          *ms_live_target_get_launch_url          (MsLiveTarget         *self);

MsLiveTargetState    ms_live_target_get_state               (MsLiveTarget         *self);
/* The target attached to, NULL before. */
MsCdpTarget         *ms_live_target_get_target              (MsLiveTarget         *self);
/* "Chrome/156.0.8078.79", NULL before connecting. */
const char          *ms_live_target_get_browser_version     (MsLiveTarget         *self);
MsRecorder          *ms_live_target_get_recorder            (MsLiveTarget         *self);
/* Why the state is FAILED or LOST. */
const GError        *ms_live_target_get_last_error          (MsLiveTarget         *self);
/* The attachment (reconnects, crashes), NULL before connecting. */
MsTargetConnection  *ms_live_target_get_connection          (MsLiveTarget         *self);
/* The launched browser's process id while it runs, else 0. */
GPid                 ms_live_target_get_browser_pid         (MsLiveTarget         *self);

/* The browser's targets, pages first; element type MsCdpTarget. G_IO_ERROR_NOT_CONNECTED
 * while a launch has not started its browser yet. */
void                 ms_live_target_list_targets_async      (MsLiveTarget         *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
GPtrArray           *ms_live_target_list_targets_finish     (MsLiveTarget         *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Launches (for a launch) and attaches. @target is the id or a URL substring the user
 * picked; NULL means the launched page (any page once the browser has shown none for a
 * few seconds, failing after the timeout), or for an endpoint its first page.
 * Cancelling stops a browser this started and returns to IDLE. */
void                 ms_live_target_connect_async           (MsLiveTarget         *self,
                                                             const char           *target,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             ms_live_target_connect_finish          (MsLiveTarget         *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Stops the recorder (which sends Memory.stopSampling and saves), closes the socket,
 * stops a browser this started, and returns to IDLE. Cancels a pending connect. */
void                 ms_live_target_disconnect_async        (MsLiveTarget         *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             ms_live_target_disconnect_finish       (MsLiveTarget         *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* A new recorder on the attached target, replacing the previous one (stopped first by
 * the caller); configure it, then ms_recorder_start_async(). NULL when not connected. */
MsRecorder          *ms_live_target_new_recording           (MsLiveTarget         *self);

/* One-shot commands. Each answered command leaves a marker (its nick, at the time it
 * was sent) in the current recording. G_IO_ERROR_NOT_CONNECTED when not attached. */
void                 ms_live_target_send_async              (MsLiveTarget         *self,
                                                             MsLiveCommand         command,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             ms_live_target_send_finish             (MsLiveTarget         *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
/* Memory.prepareForLeakDetection (a full garbage collection), then
 * Memory.getDOMCountersForLeakDetection. Element type MsCdpDomCounter. Refused with
 * G_IO_ERROR_NOT_SUPPORTED, before anything is sent, when the browser runs without
 * --js-flags=--expose-gc: that collection would crash the page. */
void                 ms_live_target_count_leaks_async       (MsLiveTarget         *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
/* The same, with what the count is to the caller ("baseline", "now" or NULL), kept in the
 * marker's detail as "role"; finished with ms_live_target_count_leaks_finish(). */
void                 ms_live_target_count_leaks_as_async    (MsLiveTarget         *self,
                                                             const char           *role,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
GArray              *ms_live_target_count_leaks_finish      (MsLiveTarget         *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Memory.getDOMCounters: documents, nodes and listeners now (no marker: it changes
 * nothing). G_IO_ERROR_NOT_CONNECTED when not attached. */
void                 ms_live_target_get_dom_counters_async  (MsLiveTarget         *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             ms_live_target_get_dom_counters_finish (MsLiveTarget         *self,
                                                             GAsyncResult         *result,
                                                             MsCdpDomCounters     *counters,
                                                             GError              **error);

/* The browser's /json/version, without attaching to a page (launches nothing:
 * G_IO_ERROR_NOT_CONNECTED when a launch has not started its browser yet). */
void                 ms_live_target_get_version_async       (MsLiveTarget         *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
MsCdpBrowserVersion *ms_live_target_get_version_finish      (MsLiveTarget         *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

G_END_DECLS
