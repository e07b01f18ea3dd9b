/* ms-snapshot-timeline.c: every profile of a recording as a strip of bars, to scrub through
 *
 * One bar per profile, its height the profile's estimated heap; the peak is marked,
 * the selected bar is the profile the window shows, a second (Ctrl+click, or C for the
 * selected one) is the baseline a comparison is drawn against. Profiles are loaded by
 * index off the main thread, from the recording file or the recorder's memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-snapshot-timeline.h"

#define SUMMARY_HEIGHT 20
#define BOTTOM_PAD 4
#define MARK_HEIGHT 6

typedef struct
{
  gint64  time_us;
  guint   n_samples;
  guint64 total_bytes;
} Snapshot;

/* What profiles are loaded from, shared with the loading threads. Loads hold the mutex:
 * a recording file keeps the last decoded frame for the next, and is not thread-safe. */
typedef struct
{
  gatomicrefcount  ref;
  GMutex           mutex;
  MsSessionFile   *session;    /* an opened file, never changed after opening */
  char            *live_path;  /* a live recording's output file */
  MsRecordingFile *live_file;  /* live_path as last read, under the mutex */
} Source;

struct _MsSnapshotTimeline
{
  GtkWidget     parent_instance;

  GArray       *snapshots;     /* of Snapshot, in time order */
  guint         peak;
  guint         selected;
  guint         compare;
  guint         hover;         /* under the pointer: the summary line tells it */
  gboolean      has_range;
  gint64        range_start;
  gint64        range_end;

  Source       *source;
  MsRecorder   *recorder;      /* live: its "profile" signal grows the strip */
  MsCounterChart *chart;       /* whose range selection restricts the strip */
  GCancellable *scan_cancellable;
  PangoLayout  *layout;
};

enum {
  PROP_0,
  PROP_SELECTED,
  PROP_COMPARE,
  PROP_N_SNAPSHOTS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MsSnapshotTimeline, ms_snapshot_timeline, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static Source *
source_new (void)
{
  Source *source = g_new0 (Source, 1);

  g_atomic_ref_count_init (&source->ref);
  g_mutex_init (&source->mutex);
  return source;
}

static Source *
source_ref (Source *source)
{
  g_atomic_ref_count_inc (&source->ref);
  return source;
}

static void
source_unref (Source *source)
{
  if (!g_atomic_ref_count_dec (&source->ref))
    return;
  g_clear_object (&source->session);
  g_clear_object (&source->live_file);
  g_free (source->live_path);
  g_mutex_clear (&source->mutex);
  g_free (source);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Source, source_unref)

static const Snapshot *
get (MsSnapshotTimeline *self,
     guint               index)
{
  return &g_array_index (self->snapshots, Snapshot, index);
}

/* Formatting */

static char *
format_clock (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("?");
}

/* What snapshot @index is (the selection, or the one under the pointer), for the
 * strip's summary line and for assistive technologies. */
static char *
describe (MsSnapshotTimeline *self,
          guint               index)
{
  const Snapshot *s, *base;
  g_autofree char *clock = NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  if (self->snapshots->len == 0)
    return g_strdup (_("No profiles yet"));
  if (index == MS_SNAPSHOT_TIMELINE_NONE)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u profile", "%u profiles",
                                         self->snapshots->len),
                            self->snapshots->len);
  s = get (self, index);
  clock = format_clock (s->time_us);
  size = g_format_size_full (s->total_bytes, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: the selected profile of the timeline, e.g.
   * "Profile 3 of 12 at 12:00:05: 4.2 MiB estimated, 1234 samples" */
  text = g_strdup_printf (_("Profile %u of %u at %s: %s estimated, %u samples"),
                          index + 1, self->snapshots->len, clock, size, s->n_samples);
  if (index == self->peak)
    {
      g_autofree char *plain = g_steal_pointer (&text);

      /* Translators: the profile with the largest heap, e.g. "Profile 3 of 12 at …, (peak)" */
      text = g_strdup_printf (_("%s (peak)"), plain);
    }
  if (self->compare == MS_SNAPSHOT_TIMELINE_NONE || self->compare == index)
    return g_steal_pointer (&text);

  base = get (self, self->compare);
  {
    guint64 magnitude = s->total_bytes >= base->total_bytes ? s->total_bytes - base->total_bytes
                                                            : base->total_bytes - s->total_bytes;
    g_autofree char *delta = g_format_size_full (magnitude, G_FORMAT_SIZE_IEC_UNITS);

    /* Translators: a comparison, e.g. "Profile 5 of 9 …, compared with profile 2: +1.2 MiB" */
    return g_strdup_printf (_("%s, compared with profile %u: %s%s"), text, self->compare + 1,
                            s->total_bytes >= base->total_bytes ? "+" : "\u2212", delta);
  }
}

static void
update_accessible (MsSnapshotTimeline *self)
{
  g_autofree char *text = describe (self, self->selected);
  guint n = self->snapshots->len;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, (double)(n > 0 ? 1 : 0),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, (double)n,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                  (double)(self->selected == MS_SNAPSHOT_TIMELINE_NONE ? 0
                                           : self->selected + 1),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
changed (MsSnapshotTimeline *self)
{
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The model */

gboolean
ms_snapshot_timeline_get_visible (MsSnapshotTimeline *self,
                                  guint              *first,
                                  guint              *n)
{
  guint lo = 0, hi;

  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), FALSE);

  hi = self->snapshots->len;
  if (self->has_range)
    {
      while (lo < hi && get (self, lo)->time_us < self->range_start)
        lo++;
      while (hi > lo && get (self, hi - 1)->time_us > self->range_end)
        hi--;
    }
  if (first != NULL)
    *first = lo;
  if (n != NULL)
    *n = hi - lo;
  return hi > lo;
}

/* Snapshots at the end; one notification, however many (a file lists thousands). */
static void
append_snapshots (MsSnapshotTimeline *self,
                  const Snapshot     *snapshots,
                  guint               n)
{
  gboolean follow = ms_snapshot_timeline_get_follows_latest (self);

  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_array_append_val (self->snapshots, snapshots[i]);
      if (self->peak == MS_SNAPSHOT_TIMELINE_NONE ||
          snapshots[i].total_bytes > get (self, self->peak)->total_bytes)
        self->peak = self->snapshots->len - 1;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SNAPSHOTS]);
  if (follow)
    ms_snapshot_timeline_set_selected (self, self->snapshots->len - 1);
  else
    changed (self);
}

static void
append_snapshot (MsSnapshotTimeline *self,
                 gint64              time_us,
                 guint               n_samples,
                 guint64             total_bytes)
{
  Snapshot s = { time_us, n_samples, total_bytes };

  append_snapshots (self, &s, 1);
}

static void
reset (MsSnapshotTimeline *self)
{
  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_clear_object (&self->recorder);
  g_clear_pointer (&self->source, source_unref);
  g_array_set_size (self->snapshots, 0);
  self->peak = self->hover = MS_SNAPSHOT_TIMELINE_NONE;
  ms_snapshot_timeline_set_compare (self, MS_SNAPSHOT_TIMELINE_NONE);
  ms_snapshot_timeline_set_selected (self, MS_SNAPSHOT_TIMELINE_NONE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SNAPSHOTS]);
  changed (self);
}

void
ms_snapshot_timeline_clear (MsSnapshotTimeline *self)
{
  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));

  reset (self);
}

/* A format 1 session lists no totals: each profile is parsed once, off the main thread. */
static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MsSessionFile *session = task_data;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Snapshot));

  for (guint i = 0; i < ms_session_file_get_n_profiles (session); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsProfile) profile = NULL;
      Snapshot s = { 0, 0, 0 };

      if (g_task_return_error_if_cancelled (task))
        return;
      ms_session_file_get_profile_reply (session, i, &s.time_us, NULL);
      profile = ms_session_file_load_profile (session, i, &error);
      if (profile != NULL)
        {
          s.n_samples = ms_profile_get_n_samples (profile);
          s.total_bytes = ms_profile_get_total_bytes (profile);
        }
      /* An unreadable profile stays in the strip, empty: indices must match the file. */
      g_array_append_val (found, s);
    }
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_array_unref);
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GArray) found = g_task_propagate_pointer (G_TASK (result), NULL);
  MsSnapshotTimeline *self;

  if (found == NULL)
    return;  /* cancelled: the timeline moved on, and may be gone */
  self = MS_SNAPSHOT_TIMELINE (object);
  append_snapshots (self, (const Snapshot *)(gpointer)found->data, found->len);
}

void
ms_snapshot_timeline_set_session_file (MsSnapshotTimeline *self,
                                       MsSessionFile      *file)
{
  MsRecordingFile *recording;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));
  g_return_if_fail (file == NULL || MS_IS_SESSION_FILE (file));

  reset (self);
  if (file == NULL)
    return;
  self->source = source_new ();
  self->source->session = g_object_ref (file);

  recording = ms_session_file_get_recording (file);
  if (recording != NULL)
    {
      guint n = ms_recording_file_get_n_profiles (recording);
      g_autofree Snapshot *listed = g_new (Snapshot, n);

      for (guint i = 0; i < n; i++)
        {
          MsRecordingSnapshot s;

          ms_recording_file_get_snapshot (recording, i, &s);
          listed[i] = (Snapshot) { s.time_us, s.n_samples, s.total_bytes };
        }
      append_snapshots (self, listed, n);
      return;
    }

  self->scan_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->scan_cancellable, on_scanned, NULL);
  g_task_set_source_tag (task, ms_snapshot_timeline_set_session_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, scan_thread);
}

static void
on_recorder_profile (MsRecorder         *recorder,
                     guint               index,
                     MsSnapshotTimeline *self)
{
  GPtrArray *profiles = ms_recorder_get_profiles (recorder);
  const MsRecordedProfile *recorded;

  /* Indices must match the recording's; one missed would shift every later one. */
  while (self->snapshots->len <= index && self->snapshots->len < profiles->len)
    {
      recorded = g_ptr_array_index (profiles, self->snapshots->len);
      append_snapshot (self, recorded->time_us,
                       recorded->profile ? ms_profile_get_n_samples (recorded->profile) : 0,
                       recorded->profile ? ms_profile_get_total_bytes (recorded->profile) : 0);
    }
}

void
ms_snapshot_timeline_set_recorder (MsSnapshotTimeline *self,
                                   MsRecorder         *recorder)
{
  GFile *output;
  GPtrArray *profiles;

  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));
  g_return_if_fail (recorder == NULL || MS_IS_RECORDER (recorder));

  reset (self);
  if (recorder == NULL)
    return;
  self->recorder = g_object_ref (recorder);
  self->source = source_new ();
  output = ms_recorder_get_output (recorder);
  if (output != NULL)
    self->source->live_path = g_file_get_path (output);
  g_signal_connect (recorder, "profile", G_CALLBACK (on_recorder_profile), self);

  profiles = ms_recorder_get_profiles (recorder);
  if (profiles->len > 0)
    on_recorder_profile (recorder, profiles->len - 1, self);
}

guint
ms_snapshot_timeline_get_n_snapshots (MsSnapshotTimeline *self)
{
  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), 0);

  return self->snapshots->len;
}

gboolean
ms_snapshot_timeline_get_snapshot (MsSnapshotTimeline *self,
                                   guint               index,
                                   gint64             *time_us,
                                   guint              *n_samples,
                                   guint64            *total_bytes)
{
  const Snapshot *s;

  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), FALSE);

  if (index >= self->snapshots->len)
    return FALSE;
  s = get (self, index);
  if (time_us != NULL)
    *time_us = s->time_us;
  if (n_samples != NULL)
    *n_samples = s->n_samples;
  if (total_bytes != NULL)
    *total_bytes = s->total_bytes;
  return TRUE;
}

guint
ms_snapshot_timeline_get_peak (MsSnapshotTimeline *self)
{
  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), MS_SNAPSHOT_TIMELINE_NONE);

  return self->peak;
}

guint
ms_snapshot_timeline_get_selected (MsSnapshotTimeline *self)
{
  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), MS_SNAPSHOT_TIMELINE_NONE);

  return self->selected;
}

/* The selection or the baseline, notified only on a change. */
static void
set_index (MsSnapshotTimeline *self,
           guint              *field,
           guint               index,
           guint               prop)
{
  if (*field == index)
    return;
  *field = index;
  changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
ms_snapshot_timeline_set_selected (MsSnapshotTimeline *self,
                                   guint               index)
{
  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));
  g_return_if_fail (index == MS_SNAPSHOT_TIMELINE_NONE || index < self->snapshots->len);

  set_index (self, &self->selected, index, PROP_SELECTED);
}

guint
ms_snapshot_timeline_get_hover (MsSnapshotTimeline *self)
{
  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), MS_SNAPSHOT_TIMELINE_NONE);

  return self->hover;
}

gboolean
ms_snapshot_timeline_get_follows_latest (MsSnapshotTimeline *self)
{
  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), FALSE);

  return self->selected == MS_SNAPSHOT_TIMELINE_NONE || self->selected + 1 == self->snapshots->len;
}

void
ms_snapshot_timeline_go_to_peak (MsSnapshotTimeline *self)
{
  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));

  if (self->peak == MS_SNAPSHOT_TIMELINE_NONE)
    return;
  /* The peak may lie outside a restricted range: show everything again (the chart's
   * selection, when it made the range, goes too). */
  if (self->has_range && (get (self, self->peak)->time_us < self->range_start ||
                          get (self, self->peak)->time_us > self->range_end))
    {
      if (self->chart != NULL)
        ms_counter_chart_clear_selection (self->chart);
      ms_snapshot_timeline_clear_time_range (self);
    }
  ms_snapshot_timeline_set_selected (self, self->peak);
}

guint
ms_snapshot_timeline_get_compare (MsSnapshotTimeline *self)
{
  g_return_val_if_fail (MS_IS_SNAPSHOT_TIMELINE (self), MS_SNAPSHOT_TIMELINE_NONE);

  return self->compare;
}

void
ms_snapshot_timeline_set_compare (MsSnapshotTimeline *self,
                                  guint               index)
{
  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));
  g_return_if_fail (index == MS_SNAPSHOT_TIMELINE_NONE || index < self->snapshots->len);

  set_index (self, &self->compare, index, PROP_COMPARE);
}

static void
clamp_selection_to_visible (MsSnapshotTimeline *self)
{
  guint first, n;

  if (!ms_snapshot_timeline_get_visible (self, &first, &n) ||
      self->selected == MS_SNAPSHOT_TIMELINE_NONE)
    return;
  if (self->selected < first)
    ms_snapshot_timeline_set_selected (self, first);
  else if (self->selected >= first + n)
    ms_snapshot_timeline_set_selected (self, first + n - 1);
}

void
ms_snapshot_timeline_set_time_range (MsSnapshotTimeline *self,
                                     gint64              start_us,
                                     gint64              end_us)
{
  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));
  g_return_if_fail (start_us <= end_us);

  self->has_range = TRUE;
  self->range_start = start_us;
  self->range_end = end_us;
  self->hover = MS_SNAPSHOT_TIMELINE_NONE;  /* the bars move */
  clamp_selection_to_visible (self);
  changed (self);
}

void
ms_snapshot_timeline_clear_time_range (MsSnapshotTimeline *self)
{
  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));

  if (!self->has_range)
    return;
  self->has_range = FALSE;
  self->hover = MS_SNAPSHOT_TIMELINE_NONE;
  changed (self);
}

static void
on_chart_selection_changed (MsCounterChart     *chart,
                            MsSnapshotTimeline *self)
{
  gint64 start, end;

  if (ms_counter_chart_get_selection (chart, &start, &end))
    ms_snapshot_timeline_set_time_range (self, start, end);
  else
    ms_snapshot_timeline_clear_time_range (self);
}

void
ms_snapshot_timeline_bind_counter_chart (MsSnapshotTimeline *self,
                                         MsCounterChart     *chart)
{
  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));
  g_return_if_fail (chart == NULL || MS_IS_COUNTER_CHART (chart));

  if (self->chart != NULL)
    g_signal_handlers_disconnect_by_data (self->chart, self);
  g_set_object (&self->chart, chart);
  if (chart == NULL)
    return;
  g_signal_connect (chart, "selection-changed", G_CALLBACK (on_chart_selection_changed), self);
  on_chart_selection_changed (chart, self);
}

/* Loading a profile */

typedef struct
{
  Source    *source;
  guint      index;
  GBytes    *reply;    /* live, in memory: the reply, taken on the main thread */
  MsProfile *profile;  /* live: the newest profile, already parsed */
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_clear_pointer (&job->source, source_unref);
  g_clear_pointer (&job->reply, g_bytes_unref);
  g_clear_object (&job->profile);
  g_free (job);
}

/* A live recording's file grows: read it again when it lists too few profiles. */
static MsProfile *
load_from_live_file (Source  *source,
                     guint    index,
                     GError **error)
{
  if (source->live_file == NULL || index >= ms_recording_file_get_n_profiles (source->live_file))
    {
      g_clear_object (&source->live_file);
      source->live_file = ms_recording_file_new_for_path (source->live_path, error);
      if (source->live_file == NULL)
        return NULL;
    }
  if (index >= ms_recording_file_get_n_profiles (source->live_file))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Profile %u is not in the recording file yet"), index + 1);
      return NULL;
    }
  return ms_recording_file_load_profile (source->live_file, index, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;
  MsProfile *profile = NULL;

  if (job->profile != NULL)
    profile = g_object_ref (job->profile);
  else if (job->reply != NULL)
    profile = ms_profile_new_from_bytes (job->reply, &error);
  else
    {
      g_mutex_lock (&job->source->mutex);
      if (job->source->session != NULL)
        profile = ms_session_file_load_profile (job->source->session, job->index, &error);
      else
        profile = load_from_live_file (job->source, job->index, &error);
      g_mutex_unlock (&job->source->mutex);
    }

  if (profile == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, profile, g_object_unref);
}

/* Live: the newest profile is in memory; without an output file, every reply is. */
static void
take_live_profile (MsSnapshotTimeline *self,
                   LoadJob            *job)
{
  GPtrArray *profiles = ms_recorder_get_profiles (self->recorder);

  if (job->index < profiles->len)
    {
      const MsRecordedProfile *recorded = g_ptr_array_index (profiles, job->index);

      if (recorded->profile != NULL)
        job->profile = g_object_ref (recorded->profile);
      else if (recorded->raw != NULL)
        job->reply = g_bytes_ref (recorded->raw);
    }
  if (job->profile == NULL && job->reply == NULL && self->source->live_path == NULL)
    {
      MsSessionFile *memory = ms_recorder_get_session_file (self->recorder);

      if (memory != NULL && job->index < ms_session_file_get_n_profiles (memory))
        job->reply = g_bytes_ref (ms_session_file_get_profile_reply (memory, job->index,
                                                                     NULL, NULL));
    }
}

void
ms_snapshot_timeline_load_profile_async (MsSnapshotTimeline  *self,
                                         guint                index,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (MS_IS_SNAPSHOT_TIMELINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_snapshot_timeline_load_profile_async);
  if (self->source == NULL || index >= self->snapshots->len)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64)index + 1);

      /* Translators: %s is a profile's number, from 1 */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no profile %s"), number);
      return;
    }

  job = g_new0 (LoadJob, 1);
  job->source = source_ref (self->source);
  job->index = index;
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  if (self->recorder != NULL)
    take_live_profile (self, job);
  if (job->profile == NULL && job->reply == NULL && job->source->session == NULL &&
      job->source->live_path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("Profile %u is no longer kept"), index + 1);
      return;
    }
  g_task_run_in_thread (task, load_thread);
}

MsProfile *
ms_snapshot_timeline_load_profile_finish (MsSnapshotTimeline  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Drawing */

static void
bar_geometry (MsSnapshotTimeline *self,
              guint               n_visible,
              double             *bar_width)
{
  *bar_width = (double)gtk_widget_get_width (GTK_WIDGET (self)) / MAX (n_visible, 1);
}

static void
draw_bar (MsSnapshotTimeline *self,
          cairo_t            *cr,
          guint               index,
          double              x,
          double              w,
          double              plot_top,
          double              plot_height,
          guint64             max)
{
  static const GdkRGBA bar = { 0.21f, 0.52f, 0.89f, 1.0f };    /* blue 3 */
  static const GdkRGBA peak = { 1.00f, 0.47f, 0.00f, 1.0f };   /* orange 3 */
  static const GdkRGBA base = { 0.57f, 0.25f, 0.67f, 1.0f };   /* purple 3 */
  const Snapshot *s = get (self, index);
  double h = max ? (double)s->total_bytes / max * plot_height : 0;
  double gap = w >= 6 ? 2 : 0;
  const GdkRGBA *color = index == self->compare ? &base : index == self->peak ? &peak : &bar;

  h = MAX (h, 1);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue,
                         index == self->selected || index == self->compare ? 1.0 : 0.45);
  cairo_rectangle (cr, x + gap / 2, plot_top + plot_height - h, MAX (w - gap, 1), h);
  cairo_fill (cr);

  if (index == self->peak)
    {
      /* A downward triangle over the peak, as high-water-mark views draw it. */
      gdk_cairo_set_source_rgba (cr, &peak);
      cairo_move_to (cr, x + w / 2 - MARK_HEIGHT, plot_top - MARK_HEIGHT);
      cairo_line_to (cr, x + w / 2 + MARK_HEIGHT, plot_top - MARK_HEIGHT);
      cairo_line_to (cr, x + w / 2, plot_top);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
}

/* More profiles than pixels: one bar per pixel column, as high as the largest profile
 * in it, then the peak, the baseline and the selection drawn on top at their places. */
static void
draw_dense (MsSnapshotTimeline *self,
            cairo_t            *cr,
            guint               first,
            guint               n,
            int                 width,
            double              plot_top,
            double              plot_height,
            guint64             max)
{
  double w = (double)width / n;
  guint special[3] = { self->peak, self->compare, self->selected };

  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.45);
  for (int column = 0; column < width; column++)
    {
      guint from = first + (guint)((guint64)column * n / width);
      guint to = first + (guint)((guint64)(column + 1) * n / width);
      guint64 top = 0;
      double h;

      for (guint i = from; i < MAX (to, from + 1) && i < first + n; i++)
        top = MAX (top, get (self, i)->total_bytes);
      h = MAX (max ? (double)top / max * plot_height : 0, 1);
      cairo_rectangle (cr, column, plot_top + plot_height - h, 1, h);
    }
  cairo_fill (cr);
  for (guint k = 0; k < G_N_ELEMENTS (special); k++)
    if (special[k] != MS_SNAPSHOT_TIMELINE_NONE && special[k] >= first && special[k] < first + n)
      draw_bar (self, cr, special[k], (special[k] - first) * w, w, plot_top, plot_height, max);
}

static void
draw_selection (MsSnapshotTimeline *self,
                cairo_t            *cr,
                double              x,
                double              w,
                double              top,
                double              height,
                const GdkRGBA      *fg)
{
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.9);
  cairo_set_line_width (cr, 2);
  cairo_rectangle (cr, x + 1, top + 1, MAX (w - 2, 1), height - 2);
  cairo_stroke (cr);
}

static void
ms_snapshot_timeline_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  MsSnapshotTimeline *self = MS_SNAPSHOT_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double plot_top = SUMMARY_HEIGHT + MARK_HEIGHT;
  double plot_height = height - plot_top - BOTTOM_PAD;
  g_autofree char *summary = NULL;
  guint first = 0, n = 0;
  guint64 max = 0;
  double w;
  GdkRGBA fg;
  cairo_t *cr;

  if (width < 10 || plot_height < 4)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (!ms_snapshot_timeline_get_visible (self, &first, &n) && self->snapshots->len > 0)
    summary = g_strdup (_("No profile in the selected time range"));
  else
    summary = describe (self, self->hover != MS_SNAPSHOT_TIMELINE_NONE ? self->hover
                                                                       : self->selected);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
  pango_layout_set_text (self->layout, summary, -1);
  cairo_move_to (cr, 4, 1);
  pango_cairo_show_layout (cr, self->layout);

  for (guint i = first; i < first + n; i++)
    max = MAX (max, get (self, i)->total_bytes);
  bar_geometry (self, n, &w);
  if (w >= 2)
    for (guint i = first; i < first + n; i++)
      draw_bar (self, cr, i, (i - first) * w, w, plot_top, plot_height, max);
  else
    draw_dense (self, cr, first, n, width, plot_top, plot_height, max);
  if (self->hover != MS_SNAPSHOT_TIMELINE_NONE && self->hover >= first && self->hover < first + n &&
      self->hover != self->selected)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, (self->hover - first) * w + 0.5, plot_top + 0.5, MAX (w - 1, 1), plot_height - 1);
      cairo_stroke (cr);
    }
  if (self->selected != MS_SNAPSHOT_TIMELINE_NONE && self->selected >= first &&
      self->selected < first + n)
    draw_selection (self, cr, (self->selected - first) * w, w, plot_top, plot_height, &fg);

  if (gtk_widget_has_visible_focus (widget))
    {
      static const double dash[] = { 2, 2 };

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
ms_snapshot_timeline_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 600;
    }
  else
    {
      *minimum = SUMMARY_HEIGHT + MARK_HEIGHT + BOTTOM_PAD + 24;
      *natural = SUMMARY_HEIGHT + MARK_HEIGHT + BOTTOM_PAD + 56;
    }
}

/* Input */

static guint
index_at (MsSnapshotTimeline *self,
          double              x)
{
  guint first, n;
  double w;
  int column;

  if (!ms_snapshot_timeline_get_visible (self, &first, &n))
    return MS_SNAPSHOT_TIMELINE_NONE;
  bar_geometry (self, n, &w);
  column = (int)(x / w);
  return first + CLAMP (column, 0, (int)n - 1);
}

static void
set_hover (MsSnapshotTimeline *self,
           guint               index)
{
  if (self->hover == index)
    return;
  self->hover = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MsSnapshotTimeline       *self)
{
  set_hover (self, index_at (self, x));
}

static void
on_leave (GtkEventControllerMotion *controller,
          MsSnapshotTimeline       *self)
{
  set_hover (self, MS_SNAPSHOT_TIMELINE_NONE);
}

static void
on_drag_begin (GtkGestureDrag     *gesture,
               double              x,
               double              y,
               MsSnapshotTimeline *self)
{
  guint index = index_at (self, x);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (index == MS_SNAPSHOT_TIMELINE_NONE)
    return;
  /* Ctrl+click picks the baseline to compare the shown profile with. */
  if (state & GDK_CONTROL_MASK)
    {
      ms_snapshot_timeline_set_compare (self, self->compare == index ? MS_SNAPSHOT_TIMELINE_NONE
                                                                     : index);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  ms_snapshot_timeline_set_selected (self, index);
}

static void
on_drag_update (GtkGestureDrag     *gesture,
                double              dx,
                double              dy,
                MsSnapshotTimeline *self)
{
  double x0, y0;
  guint index;

  gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
  index = index_at (self, x0 + dx);
  if (index != MS_SNAPSHOT_TIMELINE_NONE)
    ms_snapshot_timeline_set_selected (self, index);
}

static gboolean
move_selection (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  MsSnapshotTimeline *self = MS_SNAPSHOT_TIMELINE (widget);
  int step = g_variant_get_int32 (args);
  guint first, n;
  gint64 target;

  if (!ms_snapshot_timeline_get_visible (self, &first, &n))
    return TRUE;
  /* ±1 moves by one; the extremes go to the first or the last shown. */
  if (step == G_MININT32)
    target = first;
  else if (step == G_MAXINT32)
    target = first + n - 1;
  else if (self->selected == MS_SNAPSHOT_TIMELINE_NONE)
    target = step < 0 ? first + n - 1 : first;
  else
    target = (gint64)self->selected + step;
  ms_snapshot_timeline_set_selected (self, CLAMP (target, (gint64)first, (gint64)(first + n - 1)));
  return TRUE;
}

static void
action_go_to_peak (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ms_snapshot_timeline_go_to_peak (MS_SNAPSHOT_TIMELINE (widget));
}

static void
action_compare (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MsSnapshotTimeline *self = MS_SNAPSHOT_TIMELINE (widget);

  ms_snapshot_timeline_set_compare (self, self->selected);
}

static void
action_clear_compare (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ms_snapshot_timeline_set_compare (MS_SNAPSHOT_TIMELINE (widget), MS_SNAPSHOT_TIMELINE_NONE);
}

/* GObject */

static void
ms_snapshot_timeline_dispose (GObject *object)
{
  MsSnapshotTimeline *self = MS_SNAPSHOT_TIMELINE (object);

  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_clear_object (&self->recorder);
  g_clear_pointer (&self->source, source_unref);
  if (self->chart != NULL)
    g_signal_handlers_disconnect_by_data (self->chart, self);
  g_clear_object (&self->chart);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (ms_snapshot_timeline_parent_class)->dispose (object);
}

static void
ms_snapshot_timeline_finalize (GObject *object)
{
  MsSnapshotTimeline *self = MS_SNAPSHOT_TIMELINE (object);

  g_array_unref (self->snapshots);

  G_OBJECT_CLASS (ms_snapshot_timeline_parent_class)->finalize (object);
}

static void
ms_snapshot_timeline_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MsSnapshotTimeline *self = MS_SNAPSHOT_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_uint (value, self->selected);
      break;
    case PROP_COMPARE:
      g_value_set_uint (value, self->compare);
      break;
    case PROP_N_SNAPSHOTS:
      g_value_set_uint (value, self->snapshots->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_key_bindings (GtkWidgetClass *widget_class)
{
  static const struct { guint key; GdkModifierType mods; int step; } keys[] = {
    { GDK_KEY_Left, 0, -1 }, { GDK_KEY_KP_Left, 0, -1 },
    { GDK_KEY_Right, 0, 1 }, { GDK_KEY_KP_Right, 0, 1 },
    { GDK_KEY_Home, 0, G_MININT32 }, { GDK_KEY_KP_Home, 0, G_MININT32 },
    { GDK_KEY_End, 0, G_MAXINT32 }, { GDK_KEY_KP_End, 0, G_MAXINT32 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding (widget_class, keys[i].key, keys[i].mods, move_selection,
                                  "i", keys[i].step);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "timeline.go-to-peak", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_SHIFT_MASK,
                                       "timeline.go-to-peak", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, 0, "timeline.compare", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "timeline.clear-compare", NULL);
}

static void
ms_snapshot_timeline_class_init (MsSnapshotTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_snapshot_timeline_dispose;
  object_class->finalize = ms_snapshot_timeline_finalize;
  object_class->get_property = ms_snapshot_timeline_get_property;

  widget_class->snapshot = ms_snapshot_timeline_snapshot;
  widget_class->measure = ms_snapshot_timeline_measure;

  properties[PROP_SELECTED] =
    g_param_spec_uint ("selected", NULL, NULL, 0, G_MAXUINT, MS_SNAPSHOT_TIMELINE_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPARE] =
    g_param_spec_uint ("compare", NULL, NULL, 0, G_MAXUINT, MS_SNAPSHOT_TIMELINE_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SNAPSHOTS] =
    g_param_spec_uint ("n-snapshots", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "timeline.go-to-peak", NULL, action_go_to_peak);
  gtk_widget_class_install_action (widget_class, "timeline.compare", NULL, action_compare);
  gtk_widget_class_install_action (widget_class, "timeline.clear-compare", NULL,
                                   action_clear_compare);
  add_key_bindings (widget_class);

  gtk_widget_class_set_css_name (widget_class, "snapshottimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
}

static void
ms_snapshot_timeline_init (MsSnapshotTimeline *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->snapshots = g_array_new (FALSE, FALSE, sizeof (Snapshot));
  self->peak = self->selected = self->compare = self->hover = MS_SNAPSHOT_TIMELINE_NONE;
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Profiles over time"),
                                  -1);
  update_accessible (self);
}

GtkWidget *
ms_snapshot_timeline_new (void)
{
  return g_object_new (MS_TYPE_SNAPSHOT_TIMELINE, NULL);
}
