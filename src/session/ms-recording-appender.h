/* ms-recording-appender.h: appending to a recording file off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MS_TYPE_RECORDING_APPENDER (ms_recording_appender_get_type ())

G_DECLARE_FINAL_TYPE (MsRecordingAppender, ms_recording_appender, MS, RECORDING_APPENDER, GObject)

MsRecordingAppender *ms_recording_appender_new             (const char           *path);
const char          *ms_recording_appender_get_path        (MsRecordingAppender  *self);
guint                ms_recording_appender_get_n_pending   (MsRecordingAppender  *self);
guint                ms_recording_appender_get_n_pending_profiles (MsRecordingAppender *self);
guint64              ms_recording_appender_get_size        (MsRecordingAppender  *self);

/* Each call queues one record and returns at once; the worker thread compresses
 * and writes it. The objects passed are taken (metadata) or referenced. */
void                 ms_recording_appender_add_metadata    (MsRecordingAppender  *self,
                                                            gint64                time_us,
                                                            JsonObject           *browser,
                                                            JsonObject           *target,
                                                            JsonObject           *sampling);
void                 ms_recording_appender_add_counters    (MsRecordingAppender  *self,
                                                            gint64                time_us,
                                                            GBytes               *reply);
void                 ms_recording_appender_add_profile     (MsRecordingAppender  *self,
                                                            gint64                time_us,
                                                            const char           *method,
                                                            GBytes               *reply,
                                                            guint                 n_samples,
                                                            guint64               total_bytes);
void                 ms_recording_appender_add_alarm       (MsRecordingAppender  *self,
                                                            gint64                time_us,
                                                            guint64               size,
                                                            guint64               total,
                                                            const char * const   *stack);
void                 ms_recording_appender_add_action      (MsRecordingAppender  *self,
                                                            gint64                time_us,
                                                            const char           *kind,
                                                            const char           *detail);
/* Writes the end mark, syncs and closes, after every record queued before. */
void                 ms_recording_appender_close_async     (MsRecordingAppender  *self,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             ms_recording_appender_close_finish    (MsRecordingAppender  *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

/* Signals, on the main context the appender was made on:
 *   "appended" (guint record type, MS_RECORDING_RECORD_*)   a record is in the file
 *   "failed"   (const GError *)                             a record could not be written */

G_END_DECLS
