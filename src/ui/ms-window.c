/* ms-window.c: the main window: a live recording or an opened session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-symbols-dialog.h"
#include "ms-ui-resources.h"
#include "ms-window-export.h"
#include "ms-window-private.h"

#define SAMPLING_INTERVAL 32768
#define PROFILE_INTERVAL 2
#define COUNTER_INTERVAL 1
#define ALARM_FRAMES 3

G_DEFINE_FINAL_TYPE (MsWindow, ms_window, ADW_TYPE_APPLICATION_WINDOW)

/* Messages */

void
ms_window_toast (MsWindow   *self,
                 const char *format,
                 ...)
{
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  /* Toast titles are markup in libadwaita 1.2. */
  toast = adw_toast_new ("");
  adw_toast_set_title (toast, escaped = g_markup_escape_text (text, -1));
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
ms_window_show_error (MsWindow     *self,
                      const char   *prefix,
                      const GError *error)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("%s: %s", prefix, error->message);
  ms_window_toast (self, "%s: %s", prefix, error->message);
}

void
ms_window_end_live (MsWindow     *self,
                    const char   *prefix,
                    const GError *error)
{
  ms_window_show_error (self, prefix, error);
  ms_window_close_live (self);
  ms_window_show_page (self, "empty");
}

typedef struct
{
  MsWindowConfirmedFunc callback;
  gpointer              data;
  GDestroyNotify        destroy_data;
  char                 *response_id;
} Confirmation;

static void
confirmation_free (Confirmation *confirmation)
{
  if (confirmation->destroy_data != NULL)
    confirmation->destroy_data (confirmation->data);
  g_free (confirmation->response_id);
  g_free (confirmation);
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     MsWindow         *self)
{
  Confirmation *confirmation = g_object_get_data (G_OBJECT (dialog), "ms-confirmation");

  if (g_str_equal (response, confirmation->response_id))
    confirmation->callback (self, confirmation->data);
}

void
ms_window_confirm (MsWindow              *self,
                   const char            *heading,
                   const char            *body,
                   const char            *response_id,
                   const char            *response_label,
                   MsWindowConfirmedFunc  callback,
                   gpointer               data,
                   GDestroyNotify         destroy_data)
{
  Confirmation *confirmation = g_new0 (Confirmation, 1);
  AdwMessageDialog *dialog;

  confirmation->callback = callback;
  confirmation->data = data;
  confirmation->destroy_data = destroy_data;
  confirmation->response_id = g_strdup (response_id);

  /* Heading and body are plain text (their use-markup is off by default). */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", response_id, response_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response_id, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ms-confirmation", confirmation,
                          (GDestroyNotify) confirmation_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rows only: the placeholder is a child of the list too, and stays. */
void
ms_window_clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

/* Pages */

void
ms_window_show_page (MsWindow   *self,
                     const char *name)
{
  gtk_stack_set_visible_child_name (self->main_stack, name);
  /* Only the session page has views to switch between. */
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title,
                                                     g_str_equal (name, "session"));
  gtk_spinner_set_spinning (self->busy_spinner, g_str_equal (name, "busy"));
  ms_window_update_state (self);
}

void
ms_window_set_busy (MsWindow   *self,
                    const char *title,
                    const char *description)
{
  g_autofree char *escaped = description ? g_markup_escape_text (description, -1) : NULL;

  adw_status_page_set_title (self->busy_page, title);
  /* A description is markup; URLs and file names are not. */
  adw_status_page_set_description (self->busy_page, escaped);
  ms_window_show_page (self, "busy");
}

static const char *
recorder_state_text (MsRecorderState state)
{
  switch (state)
    {
    case MS_RECORDER_STATE_IDLE:
      return "Not recording";
    case MS_RECORDER_STATE_STARTING:
      return "Starting…";
    case MS_RECORDER_STATE_RECORDING:
      return "Recording";
    case MS_RECORDER_STATE_STOPPING:
      return "Stopping…";
    case MS_RECORDER_STATE_STOPPED:
    default:
      return "Stopped";
    }
}

static const char *
live_state_text (MsWindow *self)
{
  MsTargetConnection *session = ms_live_target_get_connection (self->live);

  switch (ms_live_target_get_state (self->live))
    {
    case MS_LIVE_TARGET_STATE_LAUNCHING:
    case MS_LIVE_TARGET_STATE_CONNECTING:
      return "Connecting…";
    case MS_LIVE_TARGET_STATE_CONNECTED:
    case MS_LIVE_TARGET_STATE_RECORDING:
      return recorder_state_text (self->recorder ? ms_recorder_get_state (self->recorder)
                                                 : MS_RECORDER_STATE_IDLE);
    case MS_LIVE_TARGET_STATE_LOST:
      if (session != NULL && ms_target_connection_get_state (session) == MS_TARGET_CONNECTION_STATE_RECONNECTING)
        return "Reconnecting…";
      if (session != NULL && ms_target_connection_get_state (session) == MS_TARGET_CONNECTION_STATE_CRASHED)
        return "Renderer crashed";
      return "Disconnected";
    case MS_LIVE_TARGET_STATE_IDLE:
    case MS_LIVE_TARGET_STATE_FAILED:
    default:
      return "Disconnected";
    }
}

/* "State — page" for the header and the status line. */
static char *
describe_shown (MsWindow *self)
{
  MsCdpTarget *target;
  const char *what;

  if (self->opened_file != NULL && self->opened_gfile != NULL)
    {
      g_autofree char *name = g_file_get_basename (self->opened_gfile);

      return g_strdup_printf ("%s (read-only)", name);
    }
  if (self->live == NULL)
    return NULL;

  target = ms_live_target_get_target (self->live);
  what = target ? ms_cdp_target_get_title (target) : NULL;
  if (what == NULL || *what == '\0')
    what = target ? ms_cdp_target_get_url (target) : "";
  return g_strdup_printf ("%s — %s", live_state_text (self), what);
}

static void
update_status_line (MsWindow   *self,
                    const char *subtitle,
                    gboolean    recording)
{
  g_autoptr(GString) status = g_string_new (subtitle);

  if (subtitle == NULL)
    {
      gtk_label_set_text (self->session_status, "");
      return;
    }
  if (self->recorder != NULL)
    {
      guint n_profiles = ms_recorder_get_profiles (self->recorder)->len;
      guint n_alarms = ms_recorder_get_alarms (self->recorder)->len;
      gint64 start = ms_recorder_get_start_time (self->recorder);

      g_string_append_printf (status, " · %u profile%s · %u alarm%s", n_profiles,
                              n_profiles == 1 ? "" : "s", n_alarms, n_alarms == 1 ? "" : "s");
      if (start > 0 && recording)
        g_string_append_printf (status, " · %" G_GINT64_FORMAT " s",
                                (g_get_real_time () - start) / G_USEC_PER_SEC);
      if (recording)
        {
          g_string_append (status, " · ");
          /* Translators: the share of the page's time that Memscope's polling takes */
          g_string_append_printf (status, _("Browser cost %.1f %%"),
                                  100 * ms_recorder_get_browser_cost (self->recorder));
        }
    }
  else if (self->opened_file != NULL)
    g_string_append_printf (status, " · %u profiles · %u counter readings",
                            ms_session_file_get_n_profiles (self->opened_file),
                            ms_session_file_get_n_counters (self->opened_file));
  gtk_label_set_text (self->session_status, status->str);
}

void
ms_window_update_state (MsWindow *self)
{
  MsLiveTargetState lstate = self->live ? ms_live_target_get_state (self->live)
                                        : MS_LIVE_TARGET_STATE_IDLE;
  MsRecorderState rstate = self->recorder ? ms_recorder_get_state (self->recorder)
                                          : MS_RECORDER_STATE_IDLE;
  gboolean connected = lstate == MS_LIVE_TARGET_STATE_CONNECTED ||
                       lstate == MS_LIVE_TARGET_STATE_RECORDING;
  gboolean recording = rstate == MS_RECORDER_STATE_RECORDING ||
                       rstate == MS_RECORDER_STATE_STARTING;
  gboolean transition = rstate == MS_RECORDER_STATE_STARTING ||
                        rstate == MS_RECORDER_STATE_STOPPING;
  gboolean have_recording = self->recorder != NULL && !recording &&
                            rstate != MS_RECORDER_STATE_STOPPING &&
                            rstate != MS_RECORDER_STATE_IDLE;
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  g_autofree char *subtitle = describe_shown (self);

  gtk_widget_set_visible (GTK_WIDGET (self->record_button),
                          connected || lstate == MS_LIVE_TARGET_STATE_LOST);
  adw_button_content_set_label (self->record_button_content, recording ? "_Stop" : "_Record");
  adw_button_content_set_use_underline (self->record_button_content, TRUE);
  adw_button_content_set_icon_name (self->record_button_content,
                                    recording ? "media-playback-stop-symbolic"
                                              : "media-record-symbolic");
  if (recording)
    gtk_widget_add_css_class (GTK_WIDGET (self->record_button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "destructive-action");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.toggle-recording",
                                 (connected || recording) && !transition);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as",
                                 self->opened_file != NULL || have_recording);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.purge", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leak-counters", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pressure", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel",
                                 page == NULL || !g_str_equal (page, "session"));

  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle ? subtitle : "");
  /* The same, with what was recorded, below the views: in a wide window the header bar
   * shows the view switcher instead of the subtitle. */
  update_status_line (self, subtitle, recording);
}

/* Views of one profile, built off the main thread */

typedef struct
{
  MsProfile       *profile;
  MsFlameTree     *tree;
  MsSizeHistogram *histogram;
  guint            generation;
  guint            index;
  gint64           time_us;
  MsFlameDirection direction;
} ProfileViews;

static void
profile_views_free (ProfileViews *views)
{
  g_clear_object (&views->profile);
  g_clear_object (&views->tree);
  g_clear_object (&views->histogram);
  g_free (views);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProfileViews, profile_views_free)

static void
build_profile_views (ProfileViews *views)
{
  MsFlameTreeOptions options;

  ms_flame_tree_options_init (&options);
  options.direction = views->direction;
  options.label_mode = MS_LABEL_MODE_SYMBOL;
  views->tree = ms_flame_tree_new (views->profile, &options);
  views->histogram = ms_size_histogram_new_for_profile (views->profile,
                                                        MS_SIZE_HISTOGRAM_DEFAULT_BYTES_PER_BLOCK);
}

static void
build_views_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  build_profile_views (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
show_profile_views (MsWindow     *self,
                    ProfileViews *views)
{
  g_autofree char *size = g_format_size_full (ms_profile_get_total_bytes (views->profile),
                                              G_FORMAT_SIZE_IEC_UNITS);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (views->time_us / G_USEC_PER_SEC);
  g_autofree char *clock = time ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("");
  g_autofree char *status = NULL;

  g_set_object (&self->shown_profile, views->profile);
  self->shown_index = views->index;
  self->shown_time_us = views->time_us;
  ms_flame_view_set_tree (self->flame_view, views->tree);
  ms_histogram_view_set_histogram (self->histogram_view, views->histogram);

  status = g_strdup_printf ("Profile %u at %s · %s estimated · %u samples · %u frames deep",
                            views->index + 1, clock, size,
                            ms_profile_get_n_samples (views->profile),
                            ms_flame_tree_get_max_depth (views->tree));
  gtk_label_set_text (self->flame_status, status);
}

static void
on_views_built (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  MsWindow *self = MS_WINDOW (object);
  ProfileViews *views = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  /* A newer profile (or another session) took over while this one was built. */
  if (views->generation != self->view_generation)
    return;

  show_profile_views (self, views);
}

static void
show_profile (MsWindow  *self,
              MsProfile *profile,
              guint      index,
              gint64     time_us)
{
  g_autoptr(GTask) task = NULL;
  ProfileViews *views = g_new0 (ProfileViews, 1);

  views->profile = g_object_ref (profile);
  views->generation = ++self->view_generation;
  views->index = index;
  views->time_us = time_us;
  views->direction = ms_window_get_flame_direction (self);

  task = g_task_new (self, self->view_cancellable, on_views_built, NULL);
  g_task_set_source_tag (task, show_profile);
  g_task_set_task_data (task, views, (GDestroyNotify) profile_views_free);
  g_task_run_in_thread (task, build_views_thread);
}

void
ms_window_show_profile (MsWindow  *self,
                        MsProfile *profile,
                        guint      index,
                        gint64     time_us)
{
  show_profile (self, profile, index, time_us);
}

static void
clear_views (MsWindow *self)
{
  self->view_generation++;
  g_clear_object (&self->shown_profile);
  ms_flame_view_set_tree (self->flame_view, NULL);
  ms_histogram_view_set_histogram (self->histogram_view, NULL);
  ms_counter_chart_set_series (self->counter_chart, NULL);
  gtk_label_set_text (self->flame_status, "Waiting for the first profile…");
  ms_window_clear_list (self->alarms_list);
  ms_window_clear_list (self->leak_list);
  ms_window_snapshots_clear (self);
}

/* Alarms */

void
ms_window_show_alarm (MsWindow           *self,
                      gint64              time_us,
                      guint64             size,
                      const char * const *frames)
{
  g_autofree char *bytes = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *clock = time ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("");
  g_autofree char *title = g_strdup_printf ("%s allocation at %s", bytes, clock);
  g_autoptr(GString) stack = g_string_new (NULL);
  GtkWidget *row;

  for (guint i = 0; frames != NULL && frames[i] != NULL && i < ALARM_FRAMES; i++)
    g_string_append_printf (stack, "%s%s", i ? " ← " : "", frames[i]);

  row = adw_action_row_new ();
  /* Frames are the browser's text ("std::vector<int>"): never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), stack->len ? stack->str : "(no frames)");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
  gtk_list_box_prepend (self->alarms_list, row);
}

static void
apply_alarm (MsWindow *self)
{
  MsAllocationAlarm *alarm;

  if (self->recorder == NULL)
    return;
  alarm = ms_recorder_get_alarm (self->recorder);
  if (gtk_switch_get_active (self->alarm_switch))
    ms_allocation_alarm_arm_bytes (alarm,
                                   gtk_spin_button_get_value (self->alarm_spin) * 1024 * 1024);
  else
    ms_allocation_alarm_disarm (alarm);
}

static void
on_alarm_changed (MsWindow *self)
{
  apply_alarm (self);
}

/* Recording */

static void
on_recorder_counters (MsRecorder               *recorder,
                      const MsRecordedCounters *counters,
                      MsWindow                 *self)
{
  ms_counter_chart_update (self->counter_chart);
  ms_window_update_state (self);
}

static void
on_recorder_profile (MsRecorder *recorder,
                     guint       index,
                     MsWindow   *self)
{
  GPtrArray *profiles = ms_recorder_get_profiles (recorder);
  const MsRecordedProfile *recorded;

  if (index >= profiles->len)
    return;
  recorded = g_ptr_array_index (profiles, index);
  if (ms_window_snapshots_take_newest (self, index))
    show_profile (self, recorded->profile, index, recorded->time_us);
  ms_window_update_state (self);
}

static void
on_alarm_toast_dismissed (MsWindow *self)
{
  self->alarm_toast = NULL;
  self->n_toasted_alarms = 0;
}

static void
on_recorder_alarm (MsRecorder            *recorder,
                   const MsRecordedAlarm *alarm,
                   MsWindow              *self)
{
  GPtrArray *profiles = ms_recorder_get_profiles (recorder);
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bytes = g_format_size_full (alarm->size, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;

  if (alarm->profile_index < profiles->len)
    {
      const MsRecordedProfile *recorded = g_ptr_array_index (profiles, alarm->profile_index);
      guint n_frames = 0;
      const guint32 *stack = ms_profile_get_sample (recorded->profile, alarm->sample_index,
                                                    NULL, NULL, &n_frames);

      for (guint i = 0; stack != NULL && i < n_frames && i < ALARM_FRAMES; i++)
        g_ptr_array_add (frames, ms_profile_dup_frame_label (recorded->profile, stack[i],
                                                             MS_LABEL_MODE_SYMBOL));
    }
  g_ptr_array_add (frames, NULL);

  ms_window_show_alarm (self, alarm->time_us, alarm->size, (const char * const *) frames->pdata);

  /* One toast for a run of alarms, counting them, rather than one every profile. */
  self->n_toasted_alarms++;
  if (self->alarm_toast == NULL)
    {
      self->alarm_toast = adw_toast_new ("");
      adw_toast_set_timeout (self->alarm_toast, 5);
      adw_toast_set_button_label (self->alarm_toast, "_Show");
      adw_toast_set_action_name (self->alarm_toast, "win.show-alarms");
      g_signal_connect_object (self->alarm_toast, "dismissed", G_CALLBACK (on_alarm_toast_dismissed),
                               self, G_CONNECT_SWAPPED);
      adw_toast_overlay_add_toast (self->toast_overlay, self->alarm_toast);
    }
  if (self->n_toasted_alarms == 1)
    title = g_strdup_printf ("Alarm: a %s allocation appeared", bytes);
  else
    title = g_strdup_printf ("%u alarms, the latest a %s allocation", self->n_toasted_alarms, bytes);
  /* Only figures, but toast titles are markup: escaped like every other. */
  escaped = g_markup_escape_text (title, -1);
  adw_toast_set_title (self->alarm_toast, escaped);
  ms_window_update_state (self);
}

static void
on_recorder_warning (MsRecorder   *recorder,
                     const GError *error,
                     MsWindow     *self)
{
  ms_window_show_error (self, "Recording", error);
}

static void
on_recorder_state (MsRecorder *recorder,
                   GParamSpec *pspec,
                   MsWindow   *self)
{
  ms_window_update_state (self);
}

static void
on_recording_started (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_recorder_start_finish (MS_RECORDER (object), result, &error))
    ms_window_show_error (self, "Could not start recording", error);
  ms_window_update_state (self);
}

void
ms_window_start_recording (MsWindow *self)
{
  MsRecorder *recorder;

  g_return_if_fail (self->live != NULL);

  if (self->recorder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      g_clear_object (&self->recorder);
    }
  clear_views (self);

  recorder = ms_live_target_new_recording (self->live);
  if (recorder == NULL)
    return;
  self->recorder = g_object_ref (recorder);
  self->recording_saved = FALSE;
  ms_recorder_set_sampling_interval (self->recorder, SAMPLING_INTERVAL);
  ms_recorder_set_profile_interval (self->recorder, PROFILE_INTERVAL);
  ms_recorder_set_counter_interval (self->recorder, COUNTER_INTERVAL);
  apply_alarm (self);

  g_signal_connect (self->recorder, "counters", G_CALLBACK (on_recorder_counters), self);
  g_signal_connect (self->recorder, "profile", G_CALLBACK (on_recorder_profile), self);
  g_signal_connect (self->recorder, "alarm", G_CALLBACK (on_recorder_alarm), self);
  g_signal_connect (self->recorder, "warning", G_CALLBACK (on_recorder_warning), self);
  g_signal_connect (self->recorder, "notify::state", G_CALLBACK (on_recorder_state), self);
  g_signal_connect (self->recorder, "notify::browser-cost", G_CALLBACK (on_recorder_state), self);

  ms_counter_chart_set_series (self->counter_chart,
                               ms_recorder_get_counter_series (self->recorder));
  ms_window_snapshots_set_recorder (self, self->recorder);

  ms_recorder_start_async (self->recorder, self->cancellable, on_recording_started,
                           g_object_ref (self));
  ms_window_update_state (self);
}

static void
on_recording_stopped (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_recorder_stop_finish (MS_RECORDER (object), result, &error))
    ms_window_show_error (self, "Stopping", error);
  ms_window_update_state (self);
}

void
ms_window_stop_recording (MsWindow *self)
{
  if (self->recorder == NULL)
    return;
  ms_recorder_stop_async (self->recorder, NULL, on_recording_stopped, g_object_ref (self));
  ms_window_update_state (self);
}

void
ms_window_close_live (MsWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->recorder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      g_clear_object (&self->recorder);
    }
  if (self->live != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->live, self);
      /* Stops sampling in the browser, then the browser if it is ours. */
      ms_live_target_disconnect_async (self->live, NULL, NULL, NULL);
      g_clear_object (&self->live);
    }
  ms_window_update_state (self);
}

/* Opening a saved session */

typedef struct
{
  GFile           *file;
  MsSessionFile   *session_file;
  MsCounterSeries *series;
  ProfileViews    *views;
  MsFlameDirection direction;
} OpenedSession;

static void
opened_session_free (OpenedSession *opened)
{
  g_clear_object (&opened->file);
  g_clear_object (&opened->session_file);
  g_clear_object (&opened->series);
  g_clear_pointer (&opened->views, profile_views_free);
  g_free (opened);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenedSession *opened = task_data;
  GError *error = NULL;
  guint n_profiles;

  opened->session_file = ms_session_file_new_from_file (opened->file, cancellable, &error);
  if (opened->session_file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  opened->series = ms_session_file_build_counter_series (opened->session_file,
                                                         MS_COUNTER_SERIES_DEFAULT_CAPACITY,
                                                         &error);
  if (opened->series == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  n_profiles = ms_session_file_get_n_profiles (opened->session_file);
  if (n_profiles > 0)
    {
      ProfileViews *views = g_new0 (ProfileViews, 1);

      opened->views = views;
      views->direction = opened->direction;
      views->index = n_profiles - 1;
      ms_session_file_get_profile_reply (opened->session_file, views->index, &views->time_us, NULL);
      views->profile = ms_session_file_load_profile (opened->session_file, views->index, &error);
      if (views->profile == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      build_profile_views (views);
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MsWindow *self = MS_WINDOW (object);
  OpenedSession *opened = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  MsAlarmList *alarms;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      ms_window_show_error (self, "Could not open the session", error);
      ms_window_show_page (self, "empty");
      return;
    }

  clear_views (self);
  g_set_object (&self->opened_file, opened->session_file);
  g_set_object (&self->opened_gfile, opened->file);
  ms_counter_chart_set_series (self->counter_chart, opened->series);
  ms_window_snapshots_set_session_file (self, opened->session_file);
  if (opened->views != NULL)
    show_profile_views (self, opened->views);
  else
    gtk_label_set_text (self->flame_status, "This session holds no profile");

  alarms = ms_session_file_get_alarms (opened->session_file);
  for (guint i = 0; i < ms_alarm_list_get_n_events (alarms); i++)
    {
      const MsAlarmEvent *alarm = ms_alarm_list_get_event (alarms, i);

      ms_window_show_alarm (self, alarm->time_us, alarm->size,
                            (const char * const *) alarm->stack);
    }

  ms_window_show_page (self, "session");
}

void
ms_window_open_file (MsWindow *self,
                     GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  OpenedSession *opened;
  g_autofree char *name = NULL;

  g_return_if_fail (MS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  ms_window_close_live (self);
  g_clear_object (&self->opened_file);
  g_clear_object (&self->opened_gfile);

  name = g_file_get_basename (file);
  ms_window_set_busy (self, "Opening the Session", name);

  opened = g_new0 (OpenedSession, 1);
  opened->file = g_object_ref (file);
  opened->direction = ms_window_get_flame_direction (self);
  task = g_task_new (self, self->cancellable, on_opened, NULL);
  g_task_set_source_tag (task, ms_window_open_file);
  g_task_set_task_data (task, opened, (GDestroyNotify) opened_session_free);
  g_task_run_in_thread (task, open_thread);
}

/* Saving */

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MsSessionFile *session_file = g_object_get_data (G_OBJECT (task), "ms-session-file");
  GError *error = NULL;

  if (!ms_session_file_save (session_file, task_data, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
ms_window_save_to_file_finish (MsWindow      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ms_window_save_to_file_async (MsWindow            *self,
                              GFile               *file,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MsSessionFile *session_file;

  g_return_if_fail (MS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ms_window_save_to_file_async);

  session_file = self->opened_file ? self->opened_file
               : self->recorder ? ms_recorder_get_session_file (self->recorder)
               : NULL;
  if (session_file == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "nothing recorded yet");
      return;
    }
  if (self->recorder != NULL && session_file != self->opened_file)
    {
      MsRecorderState state = ms_recorder_get_state (self->recorder);

      /* The recorder appends to the file on this thread while the save reads it on another. */
      if (state != MS_RECORDER_STATE_STOPPED && state != MS_RECORDER_STATE_IDLE)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                                   "stop recording before saving");
          return;
        }
    }

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "ms-session-file", g_object_ref (session_file),
                          g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

/* Template callbacks */

MsFlameDirection
ms_window_get_flame_direction (MsWindow *self)
{
  return gtk_drop_down_get_selected (self->flame_direction) == 1 ? MS_FLAME_DIRECTION_BOTTOM_UP
                                                                 : MS_FLAME_DIRECTION_TOP_DOWN;
}

static void
on_flame_zoom_changed (MsWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset-zoom",
                                 ms_flame_graph_get_zoom_node (self->flame_graph) != 0);
}

/* GObject */

static void
ms_window_dispose (GObject *object)
{
  MsWindow *self = MS_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->view_cancellable != NULL)
    g_cancellable_cancel (self->view_cancellable);

  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_clear_object (&self->recorder);
  if (self->live != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->live, self);
      ms_live_target_disconnect_async (self->live, NULL, NULL, NULL);
      g_clear_object (&self->live);
    }
  g_clear_object (&self->opened_file);
  g_clear_object (&self->opened_gfile);
  g_clear_object (&self->shown_profile);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->view_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_WINDOW);

  G_OBJECT_CLASS (ms_window_parent_class)->dispose (object);
}

static void
ms_window_class_init (MsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_window_dispose;

  ms_ui_register_resource ();
  g_type_ensure (MS_TYPE_COUNTER_CHART);
  g_type_ensure (MS_TYPE_FLAME_VIEW);
  g_type_ensure (MS_TYPE_HISTOGRAM_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/memscope/Memscope/ms-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, record_button);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, record_button_content);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, targets_page);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, targets_list);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, show_browser_switch);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, session_status);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, counter_chart);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, flame_view);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, flame_status);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, histogram_view);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_spin);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_switch);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarms_list);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, leak_list);
  gtk_widget_class_bind_template_callback (widget_class, on_alarm_changed);

  ms_window_snapshots_class_init (widget_class);
  ms_window_class_init_actions (widget_class);
  ms_window_class_init_export_actions (widget_class);
  ms_symbols_dialog_install_action (widget_class);
}

static void
ms_window_init (MsWindow *self)
{
  static gboolean icons_added;
  g_autofree char *page = NULL;

  self->cancellable = g_cancellable_new ();
  self->view_cancellable = g_cancellable_new ();

  /* AdwApplication adds this path too, but the window is also used without one (tests). */
  if (!icons_added)
    {
      gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                        "/io/github/memscope/Memscope/icons");
      icons_added = TRUE;
    }

  gtk_widget_init_template (GTK_WIDGET (self));
  ms_window_snapshots_init (self);

  page = ms_live_target_find_demo_page (NULL);
  if (page != NULL)
    {
      g_autofree char *uri = g_filename_to_uri (page, NULL, NULL);

      if (uri != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->url_row), uri);
    }

  ms_window_show_page (self, "empty");
  self->flame_graph = ms_flame_view_get_graph (self->flame_view);
  self->flame_search = ms_flame_view_get_search_entry (self->flame_view);
  self->flame_direction = ms_flame_view_get_direction_dropdown (self->flame_view);
  g_signal_connect_swapped (self->flame_graph, "notify::zoom-node", G_CALLBACK (on_flame_zoom_changed), self);
  on_flame_zoom_changed (self);
}

MsWindow *
ms_window_new (AdwApplication *application)
{
  return g_object_new (MS_TYPE_WINDOW, "application", application, NULL);
}

void
ms_window_set_launch_url (MsWindow   *self,
                          const char *url)
{
  g_return_if_fail (MS_IS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url ? url : "");
}

MsRecorder *
ms_window_get_recorder (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->recorder;
}

MsLiveTarget *
ms_window_get_live_target (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->live;
}

MsFlameGraph *
ms_window_get_flame_graph (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->flame_graph;
}

MsCounterChart *
ms_window_get_counter_chart (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->counter_chart;
}

MsHistogramView *
ms_window_get_histogram_view (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->histogram_view;
}
