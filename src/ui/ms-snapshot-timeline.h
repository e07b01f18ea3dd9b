/* ms-snapshot-timeline.h: every profile of a recording as a strip of bars, to scrub through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-counter-chart.h"
#include "ms-profile.h"
#include "ms-recorder.h"
#include "ms-session-file.h"

G_BEGIN_DECLS

#define MS_TYPE_SNAPSHOT_TIMELINE (ms_snapshot_timeline_get_type ())

G_DECLARE_FINAL_TYPE (MsSnapshotTimeline, ms_snapshot_timeline, MS, SNAPSHOT_TIMELINE, GtkWidget)

/* Value for "no snapshot" in the selection, the comparison and the peak. */
#define MS_SNAPSHOT_TIMELINE_NONE G_MAXUINT

GtkWidget *ms_snapshot_timeline_new               (void);

/* Where the snapshots come from; each replaces the others and clears the selection.
 * An opened file: a format 2 recording is listed at once from its index; a format 1
 * session is measured off the main thread (every profile is parsed once). */
void       ms_snapshot_timeline_set_session_file  (MsSnapshotTimeline *self,
                                                   MsSessionFile      *file);
/* A live recording: the strip grows with the recorder's "profile" signal. */
void       ms_snapshot_timeline_set_recorder      (MsSnapshotTimeline *self,
                                                   MsRecorder         *recorder);
void       ms_snapshot_timeline_clear             (MsSnapshotTimeline *self);

guint      ms_snapshot_timeline_get_n_snapshots   (MsSnapshotTimeline *self);
gboolean   ms_snapshot_timeline_get_snapshot      (MsSnapshotTimeline *self,
                                                   guint               index,
                                                   gint64             *time_us,
                                                   guint              *n_samples,
                                                   guint64            *total_bytes);
/* The snapshot with the largest estimated heap (the first of equals). */
guint      ms_snapshot_timeline_get_peak          (MsSnapshotTimeline *self);

/* The snapshot shown ("selected"); setting it notifies, even from the keyboard. */
guint      ms_snapshot_timeline_get_selected      (MsSnapshotTimeline *self);
void       ms_snapshot_timeline_set_selected      (MsSnapshotTimeline *self,
                                                   guint               index);
void       ms_snapshot_timeline_go_to_peak        (MsSnapshotTimeline *self);
/* The snapshot under the pointer, which the summary line describes meanwhile. */
guint      ms_snapshot_timeline_get_hover         (MsSnapshotTimeline *self);
/* Whether the selection moves to each new live snapshot (nothing chosen, or the newest). */
gboolean   ms_snapshot_timeline_get_follows_latest (MsSnapshotTimeline *self);
/* The baseline of a comparison ("compare"): the selected snapshot is shown as its
 * difference from this one. NONE ends the comparison. */
guint      ms_snapshot_timeline_get_compare       (MsSnapshotTimeline *self);
void       ms_snapshot_timeline_set_compare       (MsSnapshotTimeline *self,
                                                   guint               index);

/* Shows only the snapshots taken from @start_us to @end_us (inclusive); the selection
 * moves into the range when it falls outside. */
void       ms_snapshot_timeline_set_time_range    (MsSnapshotTimeline *self,
                                                   gint64              start_us,
                                                   gint64              end_us);
void       ms_snapshot_timeline_clear_time_range  (MsSnapshotTimeline *self);
/* The indices shown: @first to @first + @n − 1. FALSE when none are. */
gboolean   ms_snapshot_timeline_get_visible       (MsSnapshotTimeline *self,
                                                   guint              *first,
                                                   guint              *n);

/* Follows @chart's range selection (a drag on it): only the snapshots in the range are
 * shown; a cleared selection shows them all. NULL stops following. */
void       ms_snapshot_timeline_bind_counter_chart (MsSnapshotTimeline *self,
                                                    MsCounterChart     *chart);

/* Loads snapshot @index's profile off the main thread (from the file, or the
 * recorder's memory). */
void       ms_snapshot_timeline_load_profile_async  (MsSnapshotTimeline  *self,
                                                     guint                index,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
MsProfile *ms_snapshot_timeline_load_profile_finish (MsSnapshotTimeline  *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
