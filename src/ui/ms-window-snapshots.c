/* ms-window-snapshots.c: the window's snapshot timeline, and what follows it
 *
 * The timeline lists every profile of the live recording or the opened file; the
 * profile it selects is loaded off the main thread and shown in the flame graph and the
 * histogram; with a baseline chosen, both show the difference from it (the flame view's
 * differential flame graph, the histogram's per size class). The counters
 * chart gets the recording's markers, and its range selection restricts the timeline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-counter-chart.h"
#include "ms-flame-view.h"
#include "ms-histogram-view.h"
#include "ms-snapshot-timeline.h"
#include "ms-window-private.h"

typedef struct _Load Load;

typedef struct
{
  MsWindow           *window;        /* unowned: this lives in its data */
  MsSnapshotTimeline *timeline;      /* template children, owned by the window */
  GtkToggleButton    *compare_button;
  MsRecorder         *recorder;      /* live: whose markers reach the chart */
  guint               n_markers;     /* of the recorder's, already on the chart */
  guint               window_shows;  /* the profile the window shows or is loading */
  guint               generation;    /* of the latest selection; older loads are dropped */
  gboolean            quiet;         /* the selection is set to what is already shown */
  gboolean            loading;       /* a profile is being loaded: one at a time */
  Load               *pending;       /* the load to start when it is done, if any */
  MsSizeHistogram    *diff_before;   /* the histograms of the comparison shown */
  MsSizeHistogram    *diff_after;
  MsProfile          *baseline;      /* and its profiles, for the flame view */
  MsProfile          *compared;
} Snapshots;

static void load_free (Load *load);

static void
snapshots_free (Snapshots *s)
{
  g_clear_pointer (&s->pending, load_free);
  if (s->recorder != NULL)
    g_signal_handlers_disconnect_by_data (s->recorder, s->window);
  g_clear_object (&s->recorder);
  g_clear_object (&s->diff_before);
  g_clear_object (&s->diff_after);
  g_clear_object (&s->baseline);
  g_clear_object (&s->compared);
  g_free (s);
}

static Snapshots *
get_snapshots (MsWindow *self)
{
  return g_object_get_data (G_OBJECT (self), "ms-window-snapshots");
}

MsSnapshotTimeline *
ms_window_get_snapshot_timeline (MsWindow *self)
{
  return get_snapshots (self)->timeline;
}

/* Loading what the timeline selects */

struct _Load
{
  MsWindow  *window;
  guint      generation;
  guint      index;
  guint      compare;
  MsProfile *after;     /* the selected profile, while the baseline loads */
  MsProfile *before;
  MsSizeHistogram *histogram_before;
  MsSizeHistogram *histogram_after;
};

static void
load_free (Load *load)
{
  g_clear_object (&load->window);
  g_clear_object (&load->after);
  g_clear_object (&load->before);
  g_clear_object (&load->histogram_before);
  g_clear_object (&load->histogram_after);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static gboolean
load_is_current (Load *load)
{
  Snapshots *s = get_snapshots (load->window);

  return s != NULL && s->generation == load->generation;
}

/* The comparison goes on top of what the window shows once it shows the profile
 * compared: called when the comparison is ready and whenever new views replace the
 * histogram (the flame view has just taken the new tree then). */
static void
apply_diff (MsWindow *self)
{
  Snapshots *s = get_snapshots (self);

  if (s->diff_after != NULL && ms_histogram_view_get_histogram (self->histogram_view) != NULL)
    ms_histogram_view_set_diff (self->histogram_view, s->diff_before, s->diff_after);
  if (s->compared != NULL && ms_flame_view_get_profile (self->flame_view) == s->compared &&
      ms_flame_view_get_baseline (self->flame_view) != s->baseline)
    ms_flame_view_set_diff (self->flame_view, s->baseline, s->compared);
}

static gboolean
shows_comparison (MsWindow *self)
{
  return ms_histogram_view_get_diff_mode (self->histogram_view) ||
         ms_flame_view_get_baseline (self->flame_view) != NULL;
}

static void
build_diff_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Load *load = task_data;
  guint block = MS_SIZE_HISTOGRAM_DEFAULT_BYTES_PER_BLOCK;

  load->histogram_before = ms_size_histogram_new_for_profile (load->before, block);
  load->histogram_after = ms_size_histogram_new_for_profile (load->after, block);
  g_task_return_boolean (task, TRUE);
}

static void
on_diff_built (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Load *load = g_task_get_task_data (G_TASK (result));
  Snapshots *s;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || !load_is_current (load))
    return;
  s = get_snapshots (load->window);
  g_set_object (&s->diff_before, load->histogram_before);
  g_set_object (&s->diff_after, load->histogram_after);
  g_set_object (&s->baseline, load->before);
  g_set_object (&s->compared, load->after);
  apply_diff (load->window);
}

static void
on_baseline_loaded (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  load->before = ms_snapshot_timeline_load_profile_finish (MS_SNAPSHOT_TIMELINE (object), result, &error);
  if (!load_is_current (load))
    return;
  if (load->before == NULL)
    {
      ms_window_show_error (load->window, _("Could not load the baseline profile"), error);
      return;
    }
  task = g_task_new (object, NULL, on_diff_built, NULL);
  g_task_set_source_tag (task, on_baseline_loaded);
  g_task_set_task_data (task, g_steal_pointer (&load), (GDestroyNotify) load_free);
  g_task_run_in_thread (task, build_diff_thread);
}

static void on_selected_loaded (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data);

/* Scrubbing may select faster than profiles load: only the newest selection waits. */
static void
start_load (MsWindow *self,
            Load     *load)
{
  Snapshots *s = get_snapshots (self);

  if (s->loading)
    {
      g_clear_pointer (&s->pending, load_free);
      s->pending = load;
      return;
    }
  s->loading = TRUE;
  ms_snapshot_timeline_load_profile_async (s->timeline, load->index, NULL, on_selected_loaded, load);
}

static void
start_pending (MsWindow *self)
{
  Snapshots *s = get_snapshots (self);

  if (s == NULL)
    return;
  s->loading = FALSE;
  /* A window being destroyed loads nothing more. */
  if (gtk_widget_get_parent (GTK_WIDGET (s->timeline)) == NULL)
    g_clear_pointer (&s->pending, load_free);
  if (s->pending != NULL)
    start_load (self, g_steal_pointer (&s->pending));
}

static void
on_selected_loaded (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(GError) error = NULL;
  MsSnapshotTimeline *timeline = MS_SNAPSHOT_TIMELINE (object);
  gint64 time_us = 0;
  guint compare;

  load->after = ms_snapshot_timeline_load_profile_finish (timeline, result, &error);
  start_pending (load->window);
  if (!load_is_current (load) || gtk_widget_get_parent (GTK_WIDGET (timeline)) == NULL)
    return;
  if (load->after == NULL)
    {
      ms_window_show_error (load->window, _("Could not load the profile"), error);
      return;
    }
  ms_snapshot_timeline_get_snapshot (timeline, load->index, &time_us, NULL, NULL);
  ms_window_show_profile (load->window, load->after, load->index, time_us);
  if (load->compare == MS_SNAPSHOT_TIMELINE_NONE)
    return;
  compare = load->compare;
  ms_snapshot_timeline_load_profile_async (timeline, compare, NULL, on_baseline_loaded,
                                           g_steal_pointer (&load));
}

static void compare_toggled (GtkToggleButton *button,
                             MsWindow        *self);

static void
on_selection_changed (MsWindow *self)
{
  Snapshots *s = get_snapshots (self);
  guint index = ms_snapshot_timeline_get_selected (s->timeline);
  guint compare = ms_snapshot_timeline_get_compare (s->timeline);
  Load *load;

  g_signal_handlers_block_by_func (s->compare_button, compare_toggled, self);
  gtk_toggle_button_set_active (s->compare_button, compare != MS_SNAPSHOT_TIMELINE_NONE);
  g_signal_handlers_unblock_by_func (s->compare_button, compare_toggled, self);

  s->generation++;
  g_clear_object (&s->diff_before);
  g_clear_object (&s->diff_after);
  g_clear_object (&s->baseline);
  g_clear_object (&s->compared);
  g_clear_pointer (&s->pending, load_free);
  if (compare == index)
    compare = MS_SNAPSHOT_TIMELINE_NONE;
  if (s->quiet || index == MS_SNAPSHOT_TIMELINE_NONE)
    return;
  /* The window is showing it already (the newest live profile, an opened file's last). */
  if (compare == MS_SNAPSHOT_TIMELINE_NONE && index == s->window_shows && !shows_comparison (self))
    return;
  s->window_shows = index;

  load = g_new0 (Load, 1);
  load->window = g_object_ref (self);
  load->generation = s->generation;
  load->index = index;
  load->compare = compare;
  start_load (self, load);
}

static void
compare_toggled (GtkToggleButton *button,
                 MsWindow        *self)
{
  Snapshots *s = get_snapshots (self);

  ms_snapshot_timeline_set_compare (s->timeline, gtk_toggle_button_get_active (button)
                                                 ? ms_snapshot_timeline_get_selected (s->timeline)
                                                 : MS_SNAPSHOT_TIMELINE_NONE);
}

static void
on_peak_clicked (GtkButton *button,
                 MsWindow  *self)
{
  Snapshots *s = get_snapshots (self);

  ms_snapshot_timeline_go_to_peak (s->timeline);
  gtk_widget_grab_focus (GTK_WIDGET (s->timeline));
}

/* Markers on the counters chart */

static void
add_recorder_markers (MsWindow *self)
{
  Snapshots *s = get_snapshots (self);
  GArray *markers = ms_recorder_get_markers (s->recorder);

  for (; s->n_markers < markers->len; s->n_markers++)
    {
      const MsRecordedMarker *m = &g_array_index (markers, MsRecordedMarker, s->n_markers);

      ms_counter_chart_add_marker (self->counter_chart, m->time_us,
                                   ms_counter_chart_marker_kind_for_action (m->kind));
    }
}

static void
on_recorder_counters (MsRecorder *recorder,
                      gpointer    counters,
                      MsWindow   *self)
{
  add_recorder_markers (self);
}

static void
on_recorder_alarm (MsRecorder            *recorder,
                   const MsRecordedAlarm *alarm,
                   MsWindow              *self)
{
  ms_counter_chart_add_marker (self->counter_chart, alarm->time_us, MS_CHART_MARKER_ALARM);
}

static void
add_file_markers (MsWindow      *self,
                  MsSessionFile *file)
{
  MsRecordingFile *recording = ms_session_file_get_recording (file);
  JsonObject *sampling = ms_session_file_get_sampling (file);
  JsonArray *markers = NULL;

  MsAlarmList *alarms = ms_session_file_get_alarms (file);

  for (guint i = 0; i < ms_alarm_list_get_n_events (alarms); i++)
    ms_counter_chart_add_marker (self->counter_chart, ms_alarm_list_get_event (alarms, i)->time_us,
                                 MS_CHART_MARKER_ALARM);
  for (guint i = 0; recording != NULL && i < ms_recording_file_get_n_actions (recording); i++)
    {
      gint64 time_us;
      const char *kind = ms_recording_file_get_action (recording, i, &time_us, NULL);

      ms_counter_chart_add_marker (self->counter_chart, time_us,
                                   ms_counter_chart_marker_kind_for_action (kind));
    }
  /* Format 1 keeps its markers in "sampling". */
  if (recording == NULL && sampling != NULL && json_object_has_member (sampling, "markers"))
    markers = json_object_get_array_member (sampling, "markers");
  for (guint i = 0; markers != NULL && i < json_array_get_length (markers); i++)
    {
      JsonNode *node = json_array_get_element (markers, i);
      JsonObject *m = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (m == NULL || !json_object_has_member (m, "time"))
        continue;
      ms_counter_chart_add_marker (self->counter_chart, json_object_get_int_member (m, "time"),
                                   ms_counter_chart_marker_kind_for_action (
                                     json_object_get_string_member_with_default (m, "kind", NULL)));
    }
}

/* What the window calls */

void
ms_window_snapshots_clear (MsWindow *self)
{
  Snapshots *s = get_snapshots (self);

  if (s->recorder != NULL)
    g_signal_handlers_disconnect_by_data (s->recorder, self);
  g_clear_object (&s->recorder);
  s->n_markers = 0;
  s->window_shows = MS_SNAPSHOT_TIMELINE_NONE;
  s->quiet = TRUE;
  ms_snapshot_timeline_clear (s->timeline);
  s->quiet = FALSE;
}

void
ms_window_snapshots_set_recorder (MsWindow   *self,
                                  MsRecorder *recorder)
{
  Snapshots *s = get_snapshots (self);

  ms_window_snapshots_clear (self);
  s->recorder = g_object_ref (recorder);
  s->window_shows = MS_SNAPSHOT_TIMELINE_NONE;
  ms_snapshot_timeline_set_recorder (s->timeline, recorder);
  g_signal_connect (recorder, "counters", G_CALLBACK (on_recorder_counters), self);
  g_signal_connect (recorder, "alarm", G_CALLBACK (on_recorder_alarm), self);
}

/* The window shows the file's last profile itself: the timeline selects it quietly. */
void
ms_window_snapshots_set_session_file (MsWindow      *self,
                                      MsSessionFile *file)
{
  Snapshots *s = get_snapshots (self);
  guint n;

  ms_window_snapshots_clear (self);
  add_file_markers (self, file);
  n = ms_session_file_get_n_profiles (file);
  s->window_shows = n > 0 ? n - 1 : MS_SNAPSHOT_TIMELINE_NONE;
  s->quiet = TRUE;
  ms_snapshot_timeline_set_session_file (s->timeline, file);
  n = ms_snapshot_timeline_get_n_snapshots (s->timeline);
  if (n > 0)
    ms_snapshot_timeline_set_selected (s->timeline, n - 1);
  s->quiet = FALSE;
}

/* A new live profile @index: the window shows it unless the user scrubbed back. */
gboolean
ms_window_snapshots_take_newest (MsWindow *self,
                                 guint     index)
{
  Snapshots *s = get_snapshots (self);

  if (!ms_snapshot_timeline_get_follows_latest (s->timeline))
    return FALSE;
  s->window_shows = index;
  return TRUE;
}

void
ms_window_snapshots_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (MS_TYPE_SNAPSHOT_TIMELINE);
  gtk_widget_class_bind_template_child_full (widget_class, "snapshot_timeline", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "snapshot_peak_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "snapshot_compare_button", FALSE, 0);
}

void
ms_window_snapshots_init (MsWindow *self)
{
  Snapshots *s = g_new0 (Snapshots, 1);
  GtkWidget *peak;

  s->window = self;
  s->window_shows = MS_SNAPSHOT_TIMELINE_NONE;
  s->timeline = MS_SNAPSHOT_TIMELINE (gtk_widget_get_template_child (GTK_WIDGET (self), MS_TYPE_WINDOW,
                                                                     "snapshot_timeline"));
  s->compare_button = GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (self), MS_TYPE_WINDOW,
                                                                        "snapshot_compare_button"));
  peak = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), MS_TYPE_WINDOW,
                                                    "snapshot_peak_button"));
  g_object_set_data_full (G_OBJECT (self), "ms-window-snapshots", s, (GDestroyNotify) snapshots_free);

  ms_snapshot_timeline_bind_counter_chart (s->timeline, self->counter_chart);
  /* The timeline can outlive the window for a moment (a scan of the file finishing after
   * the window closed): its signals must not reach a finalized window. */
  g_signal_connect_object (s->timeline, "notify::selected", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (s->timeline, "notify::compare", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (s->compare_button, "toggled", G_CALLBACK (compare_toggled), self);
  g_signal_connect (peak, "clicked", G_CALLBACK (on_peak_clicked), self);
  /* A new profile's views replace the histogram: the comparison goes back on top. */
  g_signal_connect_swapped (self->histogram_view, "notify::histogram", G_CALLBACK (apply_diff), self);
}
