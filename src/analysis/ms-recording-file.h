/* ms-recording-file.h: a saved recording (format 2), read lazily by index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ms-alarm-list.h"
#include "ms-profile.h"

G_BEGIN_DECLS

#define MS_TYPE_RECORDING_FILE (ms_recording_file_get_type ())

G_DECLARE_FINAL_TYPE (MsRecordingFile, ms_recording_file, MS, RECORDING_FILE, GObject)

/**
 * MsRecordingSnapshot:
 * @time_us: when the profile arrived (microseconds since the epoch)
 * @method: the profile getter, e.g. "getSamplingProfile"
 * @n_samples: samples in the profile
 * @total_bytes: the profile's estimated bytes (sum of the samples' totals)
 * @reply_bytes: size of the raw reply
 * @stored_bytes: size of its frame's payload in the file
 * @key_frame: whether it decodes on its own
 * @has_counters: whether a counters reading came at or before @time_us
 * @counters_time_us: @documents: @nodes: @js_event_listeners: that reading
 *
 * One profile of a recording, as listed without decompressing it.
 */
typedef struct
{
  gint64      time_us;
  const char *method;
  guint       n_samples;
  guint64     total_bytes;
  guint64     reply_bytes;
  guint64     stored_bytes;
  gboolean    key_frame;
  gboolean    has_counters;
  gint64      counters_time_us;
  gint64      documents;
  gint64      nodes;
  gint64      js_event_listeners;
} MsRecordingSnapshot;

gboolean         ms_recording_file_sniff              (const void       *data,
                                                       gsize             len);

MsRecordingFile *ms_recording_file_new_for_path       (const char       *path,
                                                       GError          **error);
MsRecordingFile *ms_recording_file_new_from_bytes     (GBytes           *bytes,
                                                       GError          **error);

const GError    *ms_recording_file_get_torn_tail      (MsRecordingFile  *self);
guint            ms_recording_file_get_n_damaged      (MsRecordingFile  *self);
const GError    *ms_recording_file_get_damaged        (MsRecordingFile  *self,
                                                       guint             index,
                                                       guint64          *start,
                                                       guint64          *end,
                                                       guint            *n_profiles_dropped);
gboolean         ms_recording_file_get_closed         (MsRecordingFile  *self);
guint64          ms_recording_file_get_size           (MsRecordingFile  *self);

JsonObject      *ms_recording_file_get_browser        (MsRecordingFile  *self);
JsonObject      *ms_recording_file_get_target         (MsRecordingFile  *self);
JsonObject      *ms_recording_file_get_sampling       (MsRecordingFile  *self);

guint            ms_recording_file_get_n_counters     (MsRecordingFile  *self);
GBytes          *ms_recording_file_get_counters_reply (MsRecordingFile  *self,
                                                       guint             index,
                                                       gint64           *time_us);

MsAlarmList     *ms_recording_file_get_alarms         (MsRecordingFile  *self);

guint            ms_recording_file_get_n_actions      (MsRecordingFile  *self);
const char      *ms_recording_file_get_action         (MsRecordingFile  *self,
                                                       guint             index,
                                                       gint64           *time_us,
                                                       const char      **detail);

guint            ms_recording_file_get_n_profiles     (MsRecordingFile  *self);
void             ms_recording_file_get_snapshot       (MsRecordingFile  *self,
                                                       guint             index,
                                                       MsRecordingSnapshot *snapshot);
GBytes          *ms_recording_file_get_profile_reply  (MsRecordingFile  *self,
                                                       guint             index,
                                                       GError          **error);
MsProfile       *ms_recording_file_load_profile       (MsRecordingFile  *self,
                                                       guint             index,
                                                       GError          **error);

G_END_DECLS
