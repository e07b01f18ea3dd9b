/* ms-session-file.h: a recorded session, saved and loaded as versioned JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ms-counter-series.h"
#include "ms-profile.h"
#include "ms-recording-file.h"

G_BEGIN_DECLS

#define MS_SESSION_FILE_FORMAT  "memscope-session"
#define MS_SESSION_FILE_VERSION 1
/* The latest time a file may hold: 9999-12-31T23:59:59.999999Z, in microseconds
 * since 1970 (the earliest is 0). */
#define MS_SESSION_FILE_MAX_TIME G_GINT64_CONSTANT (253402300799999999)

#define MS_TYPE_SESSION_FILE (ms_session_file_get_type ())

G_DECLARE_FINAL_TYPE (MsSessionFile, ms_session_file, MS, SESSION_FILE, GObject)

MsSessionFile     *ms_session_file_new                 (void);
MsSessionFile     *ms_session_file_new_from_file       (GFile           *file,
                                                        GCancellable    *cancellable,
                                                        GError         **error);
MsSessionFile     *ms_session_file_new_from_data       (const char      *data,
                                                        gsize            len,
                                                        GError         **error);
MsSessionFile     *ms_session_file_new_from_recording  (MsRecordingFile *recording,
                                                        GError         **error);
MsRecordingFile   *ms_session_file_get_recording       (MsSessionFile   *self);
gboolean           ms_session_file_save                (MsSessionFile   *self,
                                                        GFile           *file,
                                                        GCancellable    *cancellable,
                                                        GError         **error);
GBytes            *ms_session_file_to_bytes            (MsSessionFile   *self);

JsonObject        *ms_session_file_get_browser         (MsSessionFile   *self);
void               ms_session_file_set_browser         (MsSessionFile   *self,
                                                        JsonObject      *browser);
JsonObject        *ms_session_file_get_target          (MsSessionFile   *self);
void               ms_session_file_set_target          (MsSessionFile   *self,
                                                        JsonObject      *target);
JsonObject        *ms_session_file_get_sampling        (MsSessionFile   *self);
void               ms_session_file_set_sampling        (MsSessionFile   *self,
                                                        JsonObject      *sampling);

gboolean           ms_session_file_add_profile_reply   (MsSessionFile   *self,
                                                        gint64           time_usec,
                                                        const char      *method,
                                                        GBytes          *reply,
                                                        GError         **error);
guint              ms_session_file_get_n_profiles      (MsSessionFile   *self);
GBytes            *ms_session_file_get_profile_reply   (MsSessionFile   *self,
                                                        guint            index,
                                                        gint64          *time_usec,
                                                        const char     **method);
MsProfile         *ms_session_file_load_profile        (MsSessionFile   *self,
                                                        guint            index,
                                                        GError         **error);

gboolean           ms_session_file_add_counters_reply  (MsSessionFile   *self,
                                                        gint64           time_usec,
                                                        GBytes          *reply,
                                                        GError         **error);
guint              ms_session_file_get_n_counters      (MsSessionFile   *self);
GBytes            *ms_session_file_get_counters_reply  (MsSessionFile   *self,
                                                        guint            index,
                                                        gint64          *time_usec);
MsCounterSeries   *ms_session_file_build_counter_series (MsSessionFile  *self,
                                                        guint            capacity,
                                                        GError         **error);

void               ms_session_file_add_alarm_event     (MsSessionFile   *self,
                                                        gint64           time_usec,
                                                        guint64          size,
                                                        guint64          total,
                                                        const char * const *stack);
MsAlarmList       *ms_session_file_get_alarms          (MsSessionFile   *self);

G_END_DECLS
