/* ms-recording-writer.h: appending records to a recording file (format 2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MS_TYPE_RECORDING_WRITER (ms_recording_writer_get_type ())

G_DECLARE_FINAL_TYPE (MsRecordingWriter, ms_recording_writer, MS, RECORDING_WRITER, GObject)

MsRecordingWriter *ms_recording_writer_new              (const char          *path,
                                                         GError             **error);
const char        *ms_recording_writer_get_path         (MsRecordingWriter   *self);
guint64            ms_recording_writer_get_size         (MsRecordingWriter   *self);
guint              ms_recording_writer_get_n_profiles   (MsRecordingWriter   *self);
void               ms_recording_writer_set_key_interval (MsRecordingWriter   *self,
                                                         guint                interval);
void               ms_recording_writer_set_compression_level (MsRecordingWriter *self,
                                                         int                  level);

gboolean           ms_recording_writer_append_metadata  (MsRecordingWriter   *self,
                                                         gint64               time_us,
                                                         JsonObject          *browser,
                                                         JsonObject          *target,
                                                         JsonObject          *sampling,
                                                         GError             **error);
gboolean           ms_recording_writer_append_counters  (MsRecordingWriter   *self,
                                                         gint64               time_us,
                                                         GBytes              *reply,
                                                         GError             **error);
gboolean           ms_recording_writer_append_profile   (MsRecordingWriter   *self,
                                                         gint64               time_us,
                                                         const char          *method,
                                                         GBytes              *reply,
                                                         guint                n_samples,
                                                         guint64              total_bytes,
                                                         GError             **error);
gboolean           ms_recording_writer_append_alarm     (MsRecordingWriter   *self,
                                                         gint64               time_us,
                                                         guint64              size,
                                                         guint64              total,
                                                         const char * const  *stack,
                                                         GError             **error);
gboolean           ms_recording_writer_append_action    (MsRecordingWriter   *self,
                                                         gint64               time_us,
                                                         const char          *kind,
                                                         const char          *detail,
                                                         GError             **error);
gboolean           ms_recording_writer_sync             (MsRecordingWriter   *self,
                                                         GError             **error);
gboolean           ms_recording_writer_close            (MsRecordingWriter   *self,
                                                         GError             **error);

gboolean           ms_recording_writer_copy_complete    (const char          *src_path,
                                                         GFile               *dest,
                                                         GCancellable        *cancellable,
                                                         GError             **error);

G_END_DECLS
