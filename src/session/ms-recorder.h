/* ms-recorder.h: recording a target's memory over time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-allocation-alarm.h"
#include "ms-cdp-memory.h"
#include "ms-counter-series.h"
#include "ms-profile.h"
#include "ms-session-file.h"
#include "ms-target-connection.h"

G_BEGIN_DECLS

#define MS_TYPE_RECORDER       (ms_recorder_get_type ())

G_DECLARE_FINAL_TYPE (MsRecorder, ms_recorder, MS, RECORDER, GObject)

typedef enum
{
  MS_RECORDER_STATE_IDLE,
  MS_RECORDER_STATE_STARTING,
  MS_RECORDER_STATE_RECORDING,
  MS_RECORDER_STATE_STOPPING,
  MS_RECORDER_STATE_STOPPED,
} MsRecorderState;

/* One profile as captured: the reply exactly as the browser sent it, and its model.
 * Only the latest profile keeps @raw and @profile: earlier ones are in the
 * recording (ms_recorder_get_session_file()), and keep only their time here. */
typedef struct
{
  gint64     time_us;      /* wall clock, g_get_real_time() */
  GBytes    *raw;          /* the whole {"id":…,"result":{"profile":…}} message, or NULL */
  MsProfile *profile;      /* or NULL */
} MsRecordedProfile;

/* One reading of Memory.getDOMCounters. */
typedef struct
{
  gint64 time_us;
  gint64 documents;
  gint64 nodes;
  gint64 js_event_listeners;
} MsRecordedCounters;

/* One firing of the allocation alarm. */
typedef struct
{
  gint64  time_us;
  guint   profile_index;   /* into ms_recorder_get_profiles() */
  guint   sample_index;
  guint64 size;
  guint64 total;
} MsRecordedAlarm;

/* A user action during the recording (a purge, a pressure notification…). */
typedef struct
{
  gint64  time_us;         /* wall clock, g_get_real_time() */
  char   *kind;            /* e.g. "purge", "pressure-critical" */
  char   *detail;          /* or NULL */
} MsRecordedMarker;

MsRecorder        *ms_recorder_new                    (MsTargetConnection  *connection);
MsTargetConnection *ms_recorder_get_connection         (MsRecorder          *self);
MsRecorderState    ms_recorder_get_state              (MsRecorder          *self);

/* Settings; change them before start. */
/* Bytes between samples; 0 leaves the browser's default (128 KiB). */
void               ms_recorder_set_sampling_interval  (MsRecorder          *self,
                                                       guint                bytes);
guint              ms_recorder_get_sampling_interval  (MsRecorder          *self);
void               ms_recorder_set_suppress_randomness (MsRecorder         *self,
                                                       gboolean             suppress);
gboolean           ms_recorder_get_suppress_randomness (MsRecorder         *self);
void               ms_recorder_set_source             (MsRecorder          *self,
                                                       MsCdpProfileSource   source);
MsCdpProfileSource ms_recorder_get_source             (MsRecorder          *self);
/* Seconds between profiles; 0 takes one profile when stopping. */
void               ms_recorder_set_profile_interval   (MsRecorder          *self,
                                                       guint                seconds);
void               ms_recorder_set_profile_interval_ms (MsRecorder         *self,
                                                       guint                ms);
/* Seconds between DOM counter readings; 0 reads none. Default 1. */
void               ms_recorder_set_counter_interval   (MsRecorder          *self,
                                                       guint                seconds);
/* Where the recording goes: a recording file (format 2, MsRecordingFile), created
 * (0600) when recording starts, to which every counters reading, profile, alarm and
 * marker is appended as it comes, compressed and written off the main thread
 * (MsRecordingAppender), so a crash of Memscope loses at most the last poll. Nothing
 * is rewritten; memory holds the latest profile, not every reply. @autosave_seconds
 * is not used any more (every record is appended at once). An existing @file is only
 * replaced when it is a readable Memscope session (version 1 or 2); anything else
 * (another file, a damaged session) is refused with an error and left untouched.
 * Without an output file, the recording is kept in memory (a MsSessionFile). */
gboolean           ms_recorder_set_output             (MsRecorder          *self,
                                                       GFile               *file,
                                                       guint                autosave_seconds,
                                                       GError             **error);
GFile             *ms_recorder_get_output             (MsRecorder          *self);
/* The check set_output makes, for callers that must refuse before a recorder exists. */
gboolean           ms_recorder_check_output           (GFile               *file,
                                                       GError             **error);

/* The alarm every new profile is checked against (disarmed until armed). */
MsAllocationAlarm *ms_recorder_get_alarm              (MsRecorder          *self);

/* The delay the recorder really waits between profiles: at least the interval, and
 * long enough after the last profile for the time that profile and the DOM counters
 * took in the browser to stay under the maximum browser cost (the rule is at
 * adaptive_delay_ms() in ms-recorder.c): about 70 times the last profile's round
 * trip at the default of 2% (it plans for 1.5%), so a 40 MB profile (10–13 s to
 * build) is taken every 12–15 minutes. */
guint              ms_recorder_get_effective_profile_interval_ms (MsRecorder *self);

/* The share of the browser's time the polling may take, 0 < @fraction <= 1; default
 * MS_RECORDER_DEFAULT_MAX_BROWSER_COST. Change it before start. */
#define MS_RECORDER_DEFAULT_MAX_BROWSER_COST 0.02
void               ms_recorder_set_max_browser_cost   (MsRecorder          *self,
                                                       double               fraction);
double             ms_recorder_get_max_browser_cost   (MsRecorder          *self);
/* The measured share (0…1) of the browser's time our calls take: the "browser-cost"
 * property, notified when it changes. */
double             ms_recorder_get_browser_cost       (MsRecorder          *self);
/* The adaptive refresh's rule alone (the recorder applies it after each profile):
 * the wait before the next profile after one whose round trip took @fetch_us, when
 * the DOM counters take @counters_share of the browser's time. */
guint              ms_recorder_compute_profile_delay_ms (double              max_browser_cost,
                                                         double              counters_share,
                                                         guint               profile_interval_ms,
                                                         gint64              fetch_us);

/* Starts sampling (Memory.startSampling) and the polling. */
void               ms_recorder_start_async            (MsRecorder          *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           ms_recorder_start_finish           (MsRecorder          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Stops polling, takes the last profile when the profile interval is 0 (or none was
 * taken yet), and always sends Memory.stopSampling. Data recorded so far is kept
 * even when this fails. */
void               ms_recorder_stop_async             (MsRecorder          *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           ms_recorder_stop_finish            (MsRecorder          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Records @kind (and @detail, may be NULL) at the current time. Markers are kept in
 * the session file's "sampling" object as "markers": [{"time":µs,"kind":…,"detail":…}]. */
void               ms_recorder_add_marker             (MsRecorder          *self,
                                                       const char          *kind,
                                                       const char          *detail);
/* Element type MsRecordedMarker. */
GArray            *ms_recorder_get_markers            (MsRecorder          *self);

/* Element types MsRecordedProfile, MsRecordedCounters, MsRecordedAlarm. */
GPtrArray         *ms_recorder_get_profiles           (MsRecorder          *self);
GArray            *ms_recorder_get_counters           (MsRecorder          *self);
GArray            *ms_recorder_get_alarms             (MsRecorder          *self);
gint64             ms_recorder_get_start_time         (MsRecorder          *self);
/* Everything recorded: the raw replies, metadata, alarm events. With an output file,
 * this reads the file back (metadata and counters; profiles are decoded when asked
 * for): blocking I/O, meant for after stop. Without one, the session in memory. */
MsSessionFile     *ms_recorder_get_session_file       (MsRecorder          *self);
/* The DOM counters as a bounded series (6 h at 1 Hz) for live charts. */
MsCounterSeries   *ms_recorder_get_counter_series     (MsRecorder          *self);

/* Signals, all on the main context the recorder was made on:
 *   "counters"  (const MsRecordedCounters *)
 *   "profile"   (guint index)                 a new profile was added
 *   "alarm"     (const MsRecordedAlarm *)     the alarm fired
 *   "warning"   (const GError *)              a poll or a save failed; recording goes on
 *   "saved"     (GFile *)                     a profile (or the end) is in the output file
 *   "notify::state", "notify::browser-cost" */

G_END_DECLS
