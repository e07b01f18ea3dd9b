/* ms-window.c: the main window: a live recording or an opened session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <unistd.h>

#include <glib/gi18n.h>

#include "ms-symbols-dialog.h"
#include "ms-ui-resources.h"
#include "ms-window-export.h"
#include "ms-window-private.h"

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
  /* The toast goes after a few seconds: the start page keeps saying why. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", prefix, error->message);
      g_autofree char *escaped = g_markup_escape_text (text, -1);

      adw_status_page_set_description (self->empty_page, escaped);
    }
  ms_window_show_page (self, "empty");
}

/* The start page's own description again, as a new attempt starts. */
void
ms_window_clear_start_error (MsWindow *self)
{
  adw_status_page_set_description (self->empty_page, self->empty_description);
}

typedef struct
{
  MsWindowAnsweredFunc callback;
  gpointer             data;
  GDestroyNotify       destroy_data;
} Question;

static void
question_free (Question *question)
{
  if (question->destroy_data != NULL)
    question->destroy_data (question->data);
  g_free (question);
}

static void
on_question_response (AdwMessageDialog *dialog,
                      const char       *response,
                      MsWindow         *self)
{
  Question *question = g_object_get_data (G_OBJECT (dialog), "ms-question");

  question->callback (self, response, question->data);
}

AdwMessageDialog *
ms_window_ask (MsWindow               *self,
               const char             *heading,
               const char             *body,
               const MsWindowResponse *responses,
               MsWindowAnsweredFunc    callback,
               gpointer                data,
               GDestroyNotify          destroy_data)
{
  Question *question = g_new0 (Question, 1);
  AdwMessageDialog *dialog;

  question->callback = callback;
  question->data = data;
  question->destroy_data = destroy_data;

  /* Heading and body are plain text (their use-markup is off by default). */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  for (guint i = 0; responses[i].id != NULL; i++)
    {
      adw_message_dialog_add_response (dialog, responses[i].id, _(responses[i].label));
      adw_message_dialog_set_response_appearance (dialog, responses[i].id, responses[i].appearance);
    }
  /* Escape and the default are the first, harmless answer. */
  adw_message_dialog_set_default_response (dialog, responses[0].id);
  adw_message_dialog_set_close_response (dialog, responses[0].id);
  g_object_set_data_full (G_OBJECT (dialog), "ms-question", question,
                          (GDestroyNotify) question_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_question_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
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
on_confirmed (MsWindow   *self,
              const char *response,
              gpointer    data)
{
  Confirmation *confirmation = data;

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
  /* The labels are looked up in the catalogue by ms_window_ask(): already translated
   * here, they are looked up again harmlessly. */
  MsWindowResponse responses[] = {
    { "cancel", N_("_Cancel"), ADW_RESPONSE_DEFAULT },
    { response_id, response_label, ADW_RESPONSE_DESTRUCTIVE },
    { NULL }
  };
  Confirmation *confirmation = g_new0 (Confirmation, 1);

  confirmation->callback = callback;
  confirmation->data = data;
  confirmation->destroy_data = destroy_data;
  confirmation->response_id = g_strdup (response_id);
  ms_window_ask (self, heading, body, responses, on_confirmed, confirmation,
                 (GDestroyNotify) confirmation_free);
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
      return _("Not recording");
    case MS_RECORDER_STATE_STARTING:
      return _("Starting…");
    case MS_RECORDER_STATE_RECORDING:
      return _("Recording");
    case MS_RECORDER_STATE_STOPPING:
      return _("Stopping…");
    case MS_RECORDER_STATE_STOPPED:
    default:
      return _("Stopped");
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
      return _("Connecting…");
    case MS_LIVE_TARGET_STATE_CONNECTED:
    case MS_LIVE_TARGET_STATE_RECORDING:
      return recorder_state_text (self->recorder ? ms_recorder_get_state (self->recorder)
                                                 : MS_RECORDER_STATE_IDLE);
    case MS_LIVE_TARGET_STATE_LOST:
      if (session != NULL && ms_target_connection_get_state (session) == MS_TARGET_CONNECTION_STATE_RECONNECTING)
        return _("Reconnecting…");
      if (session != NULL && ms_target_connection_get_state (session) == MS_TARGET_CONNECTION_STATE_CRASHED)
        return _("Renderer crashed");
      return _("Disconnected");
    case MS_LIVE_TARGET_STATE_IDLE:
    case MS_LIVE_TARGET_STATE_FAILED:
    default:
      return _("Disconnected");
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

      /* Translators: %s is a file name. */
      return g_strdup_printf (_("%s (read-only)"), name);
    }
  if (self->live == NULL)
    return NULL;

  target = ms_live_target_get_target (self->live);
  what = target ? ms_cdp_target_get_title (target) : NULL;
  if (what == NULL || *what == '\0')
    what = target ? ms_cdp_target_get_url (target) : "";
  /* Translators: the state of the recording ("Recording"), then the page. */
  return g_strdup_printf (_("%s — %s"), live_state_text (self), what);
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

      g_string_append (status, " · ");
      g_string_append_printf (status, g_dngettext (GETTEXT_PACKAGE, "%u profile", "%u profiles",
                                                   n_profiles), n_profiles);
      g_string_append (status, " · ");
      g_string_append_printf (status, g_dngettext (GETTEXT_PACKAGE, "%u alarm", "%u alarms",
                                                   n_alarms), n_alarms);
      if (start > 0 && recording)
        {
          g_string_append (status, " · ");
          /* Translators: seconds since the recording started. */
          g_string_append_printf (status, _("%u s"),
                                  (guint) ((g_get_real_time () - start) / G_USEC_PER_SEC));
        }
      if (ms_recorder_get_output (self->recorder) != NULL)
        {
          g_autofree char *file = g_file_get_basename (ms_recorder_get_output (self->recorder));

          g_string_append (status, " · ");
          g_string_append (status, file);
        }
      if (recording)
        {
          g_string_append (status, " · ");
          /* Translators: the share of the page's time that Memscope's polling takes */
          g_string_append_printf (status, _("Browser cost %.1f %%"),
                                  100 * ms_recorder_get_browser_cost (self->recorder));
        }
    }
  else if (self->opened_file != NULL)
    {
      guint n_profiles = ms_session_file_get_n_profiles (self->opened_file);
      guint n_counters = ms_session_file_get_n_counters (self->opened_file);

      g_string_append (status, " · ");
      g_string_append_printf (status, g_dngettext (GETTEXT_PACKAGE, "%u profile", "%u profiles",
                                                   n_profiles), n_profiles);
      g_string_append (status, " · ");
      g_string_append_printf (status, g_dngettext (GETTEXT_PACKAGE, "%u counter reading",
                                                   "%u counter readings", n_counters), n_counters);
    }
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
  adw_button_content_set_label (self->record_button_content, recording ? _("_Stop") : _("_Record"));
  adw_button_content_set_use_underline (self->record_button_content, TRUE);
  /* Without the mnemonic's underscore, and only once: GTK 4.8 reads the label, then
   * the content's label the button is labelled by ("Stop Stop"). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->record_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  recording ? _("Stop") : _("Record"), -1);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->record_button),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
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
                                 self->opened_file != NULL || have_recording ||
                                 (self->recorder != NULL && ms_recorder_get_output (self->recorder) != NULL &&
                                  rstate != MS_RECORDER_STATE_IDLE && rstate != MS_RECORDER_STATE_STARTING));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.purge", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leak-baseline", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leak-count", connected);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "suppress-pressure")),
                               connected);
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
  guint            bytes_per_block;
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
  views->histogram = ms_size_histogram_new_for_profile (views->profile, views->bytes_per_block);
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

  /* Translators: "Profile 3 at 12:04:01 · 4.0 MiB estimated · 120 samples · 40 frames deep". */
  status = g_strdup_printf (_("Profile %u at %s · %s estimated · %u samples · %u frames deep"),
                            views->index + 1, clock, size,
                            ms_profile_get_n_samples (views->profile),
                            ms_flame_tree_get_max_depth (views->tree));
  gtk_label_set_text (self->flame_status, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->flame_status), status);
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

void
ms_window_show_profile (MsWindow  *self,
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
  views->bytes_per_block = ms_window_get_histogram_bytes_per_block (self);

  task = g_task_new (self, self->view_cancellable, on_views_built, NULL);
  g_task_set_source_tag (task, ms_window_show_profile);
  g_task_set_task_data (task, views, (GDestroyNotify) profile_views_free);
  g_task_run_in_thread (task, build_views_thread);
}

static void
clear_views (MsWindow *self)
{
  self->view_generation++;
  g_clear_object (&self->shown_profile);
  ms_flame_view_set_tree (self->flame_view, NULL);
  ms_histogram_view_set_histogram (self->histogram_view, NULL);
  ms_counter_chart_set_series (self->counter_chart, NULL);
  gtk_label_set_text (self->flame_status, _("Waiting for the first profile…"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->flame_status), NULL);
  ms_window_clear_list (self->alarms_list);
  ms_window_clear_leaks (self);
  ms_window_snapshots_clear (self);
}

/* Alarms */

/* Parts libadwaita builds that GTK 4.8 names by their class: a combo row's popover list
 * ("GtkListView"), an entry row's pencil and an action row's icon ("GtkImage"). */
static void
name_descendants (GtkWidget  *widget,
                  GType       type,
                  const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
      name_descendants (child, type, label);
    }
}

void
ms_window_show_alarm (MsWindow           *self,
                      gint64              time_us,
                      guint64             size,
                      const char * const *frames)
{
  g_autofree char *bytes = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *clock = time ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("");
  /* Translators: "4.0 MiB allocation at 12:04:01". */
  g_autofree char *title = g_strdup_printf (_("%s allocation at %s"), bytes, clock);
  g_autoptr(GString) stack = g_string_new (NULL);
  GtkWidget *row;

  for (guint i = 0; frames != NULL && frames[i] != NULL && i < ALARM_FRAMES; i++)
    g_string_append_printf (stack, "%s%s", i ? " ← " : "", frames[i]);

  row = adw_action_row_new ();
  /* Frames are the browser's text ("std::vector<int>"): never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), stack->len ? stack->str : _("(no frames)"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
  name_descendants (row, GTK_TYPE_IMAGE, _("Warning"));
  gtk_list_box_prepend (self->alarms_list, row);
}

/* Recording */

/* The appender makes the file on its thread some time after the start: locked once it
 * is there. */
static void
ensure_recording_locked (MsWindow *self)
{
  if (self->recording_lock < 0 && ms_window_is_recording (self))
    ms_window_lock_recording_file (self);
}

static void
on_recorder_saved (MsRecorder *recorder,
                   GFile      *file,
                   MsWindow   *self)
{
  ensure_recording_locked (self);
}

static void
on_recorder_counters (MsRecorder               *recorder,
                      const MsRecordedCounters *counters,
                      MsWindow                 *self)
{
  ensure_recording_locked (self);
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
  /* Looking at an earlier snapshot (here or in the timeline): it stays until the last
   * one is chosen again. */
  if (self->follow_latest && recorded->profile != NULL && ms_window_snapshots_take_newest (self, index))
    ms_window_show_profile (self, recorded->profile, index, recorded->time_us);
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
      adw_toast_set_button_label (self->alarm_toast, _("_Show"));
      adw_toast_set_action_name (self->alarm_toast, "win.show-alarms");
      g_signal_connect_object (self->alarm_toast, "dismissed", G_CALLBACK (on_alarm_toast_dismissed),
                               self, G_CONNECT_SWAPPED);
      adw_toast_overlay_add_toast (self->toast_overlay, self->alarm_toast);
    }
  if (self->n_toasted_alarms == 1)
    title = g_strdup_printf (_("Alarm: a %s allocation appeared"), bytes);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alarm, the latest a %s allocation",
                                          "%u alarms, the latest a %s allocation",
                                          self->n_toasted_alarms),
                             self->n_toasted_alarms, bytes);
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
  ms_window_show_error (self, _("Recording"), error);
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
    ms_window_show_error (self, _("Could not start recording"), error);
  else if (MS_RECORDER (object) == self->recorder)
    ensure_recording_locked (self);
  ms_window_update_state (self);
}

/* Read when each recording starts: changes apply to the next one. */
static void
apply_recording_settings (MsWindow *self)
{
  ms_recorder_set_sampling_interval (self->recorder,
                                     g_settings_get_uint (self->settings, "sampling-interval"));
  ms_recorder_set_suppress_randomness (self->recorder,
                                       g_settings_get_boolean (self->settings, "suppress-randomness"));
  ms_recorder_set_source (self->recorder, g_settings_get_enum (self->settings, "profile-source"));
  ms_recorder_set_profile_interval (self->recorder,
                                    g_settings_get_uint (self->settings, "poll-interval"));
  ms_recorder_set_counter_interval (self->recorder,
                                    g_settings_get_uint (self->settings, "counter-interval"));
  ms_window_apply_alarm (self, TRUE);
}

void
ms_window_start_recording (MsWindow *self)
{
  MsRecorder *recorder;

  g_autoptr(GError) error = NULL;

  g_return_if_fail (self->live != NULL);

  if (self->recorder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      g_clear_object (&self->recorder);
    }
  ms_window_release_recording_file (self);
  clear_views (self);

  recorder = ms_live_target_new_recording (self->live);
  if (recorder == NULL)
    return;
  self->recorder = g_object_ref (recorder);
  self->follow_latest = TRUE;
  apply_recording_settings (self);
  /* Without a file (the folder cannot be made), the recording stays in memory. */
  if (!ms_window_set_recording_file (self, &error))
    ms_window_show_error (self, _("Recording in memory only"), error);

  g_signal_connect (self->recorder, "counters", G_CALLBACK (on_recorder_counters), self);
  g_signal_connect (self->recorder, "profile", G_CALLBACK (on_recorder_profile), self);
  g_signal_connect (self->recorder, "alarm", G_CALLBACK (on_recorder_alarm), self);
  g_signal_connect (self->recorder, "warning", G_CALLBACK (on_recorder_warning), self);
  g_signal_connect (self->recorder, "saved", G_CALLBACK (on_recorder_saved), self);
  g_signal_connect (self->recorder, "notify::state", G_CALLBACK (on_recorder_state), self);
  g_signal_connect (self->recorder, "notify::browser-cost", G_CALLBACK (on_recorder_state), self);

  ms_counter_chart_set_fit_to_data (self->counter_chart, FALSE);
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
    ms_window_show_error (self, _("Stopping"), error);
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

static void
on_live_disconnected (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  int lock = GPOINTER_TO_INT (user_data) - 1;

  ms_live_target_disconnect_finish (MS_LIVE_TARGET (object), result, NULL);
  if (lock >= 0)
    close (lock);
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
      /* Stops sampling in the browser (the recorder closes its file), then the browser if
       * it is ours; the file stays locked until then. */
      ms_live_target_disconnect_async (self->live, NULL, on_live_disconnected,
                                       GINT_TO_POINTER (self->recording_lock + 1));
      self->recording_lock = -1;
      g_clear_object (&self->live);
    }
  ms_window_release_recording_file (self);
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
  guint            bytes_per_block;
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

/* When profile @index was taken, without decoding it when it is in a recording. */
static gint64
snapshot_time (MsSessionFile *session,
               guint          index)
{
  MsRecordingFile *recording = ms_session_file_get_recording (session);
  gint64 time_us = 0;

  if (recording != NULL)
    {
      MsRecordingSnapshot snapshot;

      ms_recording_file_get_snapshot (recording, index, &snapshot);
      return snapshot.time_us;
    }
  ms_session_file_get_profile_reply (session, index, &time_us, NULL);
  return time_us;
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
      views->bytes_per_block = opened->bytes_per_block;
      views->time_us = snapshot_time (opened->session_file, views->index);
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

/* A recording cut short (a crash while recording, a copy in progress) opens up to the
 * cut; the window says so until the notice is dismissed. */
static void
show_torn_tail (MsWindow      *self,
                MsSessionFile *session)
{
  MsRecordingFile *recording = ms_session_file_get_recording (session);
  const GError *torn_tail = recording ? ms_recording_file_get_torn_tail (recording) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *offset = NULL;
  guint64 start = 0;
  AdwToast *toast;

  if (torn_tail == NULL)
    return;
  g_debug ("torn tail: %s", torn_tail->message);
  /* The torn tail tells of the first damaged range; 0 when the header itself is cut. */
  if (ms_recording_file_get_n_damaged (recording) > 0)
    ms_recording_file_get_damaged (recording, 0, &start, NULL, NULL);
  if (start > 0)
    offset = g_strdup_printf ("%" G_GUINT64_FORMAT, start);
  if (offset != NULL)
    /* Translators: %s is a byte offset in the file, e.g. 2686 */
    text = g_strdup_printf (_("The recording ends with a damaged or unfinished frame at byte %s; "
                              "everything before it is shown"), offset);
  else
    text = g_strdup (_("The recording ends with a damaged or unfinished frame; everything "
                       "before it is shown"));
  toast = adw_toast_new ("");
  adw_toast_set_title (toast, escaped = g_markup_escape_text (text, -1));
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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
      ms_window_show_error (self, _("Could not open the session"), error);
      ms_window_show_page (self, "empty");
      return;
    }

  clear_views (self);
  g_set_object (&self->opened_file, opened->session_file);
  g_set_object (&self->opened_gfile, opened->file);
  ms_counter_chart_set_fit_to_data (self->counter_chart, TRUE);
  ms_counter_chart_set_series (self->counter_chart, opened->series);
  ms_window_snapshots_set_session_file (self, opened->session_file);
  ms_window_show_recorded_leaks (self, opened->session_file);
  if (opened->views != NULL)
    show_profile_views (self, opened->views);
  else
    gtk_label_set_text (self->flame_status, _("This session holds no profile"));

  alarms = ms_session_file_get_alarms (opened->session_file);
  for (guint i = 0; i < ms_alarm_list_get_n_events (alarms); i++)
    {
      const MsAlarmEvent *alarm = ms_alarm_list_get_event (alarms, i);

      ms_window_show_alarm (self, alarm->time_us, alarm->size,
                            (const char * const *) alarm->stack);
    }

  ms_window_show_page (self, "session");
  show_torn_tail (self, opened->session_file);
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
  ms_window_set_busy (self, _("Opening the Session"), name);

  opened = g_new0 (OpenedSession, 1);
  opened->file = g_object_ref (file);
  opened->direction = ms_window_get_flame_direction (self);
  opened->bytes_per_block = ms_window_get_histogram_bytes_per_block (self);
  task = g_task_new (self, self->cancellable, on_opened, NULL);
  g_task_set_source_tag (task, ms_window_open_file);
  g_task_set_task_data (task, opened, (GDestroyNotify) opened_session_free);
  g_task_run_in_thread (task, open_thread);
}

/* Snapshots: any profile of the opened file or of the live recording */

typedef struct
{
  MsSessionFile *session;        /* or NULL: read @recording's file */
  GFile         *recording;
  ProfileViews  *views;
} SnapshotLoad;

static void
snapshot_load_free (SnapshotLoad *load)
{
  g_clear_object (&load->session);
  g_clear_object (&load->recording);
  g_clear_pointer (&load->views, profile_views_free);
  g_free (load);
}

static MsProfile *
load_snapshot (MsWindow      *self,
               SnapshotLoad  *load,
               GError       **error)
{
  ProfileViews *views = load->views;
  g_autoptr(MsRecordingFile) recording = NULL;
  MsProfile *profile;

  if (load->session != NULL)
    {
      g_mutex_lock (&self->snapshot_lock);
      views->time_us = snapshot_time (load->session, views->index);
      profile = ms_session_file_load_profile (load->session, views->index, error);
      g_mutex_unlock (&self->snapshot_lock);
      return profile;
    }

  /* The live recording's file, as far as it is written. */
  recording = ms_recording_file_new_for_path (g_file_peek_path (load->recording), error);
  if (recording == NULL)
    return NULL;
  if (views->index >= ms_recording_file_get_n_profiles (recording))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Profile %u is not in the recording yet"), views->index + 1);
      return NULL;
    }
  {
    MsRecordingSnapshot snapshot;

    ms_recording_file_get_snapshot (recording, views->index, &snapshot);
    views->time_us = snapshot.time_us;
  }
  return ms_recording_file_load_profile (recording, views->index, error);
}

static void
snapshot_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SnapshotLoad *load = task_data;
  GError *error = NULL;

  load->views->profile = load_snapshot (source_object, load, &error);
  if (load->views->profile == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  build_profile_views (load->views);
  g_task_return_boolean (task, TRUE);
}

static void
on_snapshot_loaded (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  MsWindow *self = MS_WINDOW (object);
  SnapshotLoad *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      ms_window_show_error (self, _("Could not load the profile"), error);
      return;
    }
  if (load->views->generation == self->view_generation)
    show_profile_views (self, load->views);
}

guint
ms_window_get_n_snapshots (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), 0);

  if (self->opened_file != NULL)
    return ms_session_file_get_n_profiles (self->opened_file);
  if (self->recorder != NULL)
    return ms_recorder_get_profiles (self->recorder)->len;
  return 0;
}

void
ms_window_show_snapshot (MsWindow *self,
                         guint     index)
{
  g_autoptr(GTask) task = NULL;
  guint n = ms_window_get_n_snapshots (self);
  SnapshotLoad *load;

  g_return_if_fail (MS_IS_WINDOW (self));
  if (index >= n)
    return;

  /* The timeline lists it already: selected there, it loads and shows it (and keeps
   * showing it while new live profiles come, unless it is the last). */
  if (index < ms_snapshot_timeline_get_n_snapshots (ms_window_get_snapshot_timeline (self)))
    {
      self->follow_latest = index + 1 == n;
      ms_snapshot_timeline_set_selected (ms_window_get_snapshot_timeline (self), index);
      return;
    }

  if (self->opened_file == NULL)
    {
      const MsRecordedProfile *latest = g_ptr_array_index (ms_recorder_get_profiles (self->recorder),
                                                            n - 1);

      self->follow_latest = index == n - 1;
      if (self->follow_latest && latest->profile != NULL)
        {
          ms_window_show_profile (self, latest->profile, index, latest->time_us);
          return;
        }
    }

  load = g_new0 (SnapshotLoad, 1);
  load->views = g_new0 (ProfileViews, 1);
  load->views->index = index;
  load->views->generation = ++self->view_generation;
  load->views->direction = ms_window_get_flame_direction (self);
  load->views->bytes_per_block = ms_window_get_histogram_bytes_per_block (self);
  if (self->opened_file != NULL)
    load->session = g_object_ref (self->opened_file);
  else if (ms_recorder_get_output (self->recorder) != NULL)
    load->recording = g_object_ref (ms_recorder_get_output (self->recorder));
  else
    load->session = g_object_ref (ms_recorder_get_session_file (self->recorder));
  self->shown_index = index;

  task = g_task_new (self, self->view_cancellable, on_snapshot_loaded, NULL);
  g_task_set_source_tag (task, ms_window_show_snapshot);
  g_task_set_task_data (task, load, (GDestroyNotify) snapshot_load_free);
  g_task_run_in_thread (task, snapshot_thread);
}

guint
ms_window_get_shown_snapshot (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), G_MAXUINT);

  return self->shown_profile != NULL || self->view_generation > 0 ? self->shown_index : G_MAXUINT;
}

void
ms_window_rebuild_views (MsWindow *self)
{
  g_autoptr(MsProfile) profile = NULL;

  /* The same profile again, built with the new settings. */
  if (self->shown_profile == NULL)
    return;
  profile = g_object_ref (self->shown_profile);
  ms_window_show_profile (self, profile, self->shown_index, self->shown_time_us);
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
  GFile *source = NULL;
  MsSessionFile *session_file;

  g_return_if_fail (MS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* A file: copied, even while the recording goes on into it. */
  if (self->opened_file != NULL)
    source = self->opened_gfile;
  else if (self->recorder != NULL)
    source = ms_recorder_get_output (self->recorder);
  if (source != NULL)
    {
      ms_window_copy_file_async (self, source, file, callback, user_data);
      return;
    }

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ms_window_save_to_file_async);

  /* A recording kept in memory (it could not have a file). */
  session_file = self->recorder ? ms_recorder_get_session_file (self->recorder) : NULL;
  if (session_file == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Nothing recorded yet"));
      return;
    }
  if (ms_window_is_recording (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("Stop recording before saving"));
      return;
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

static void unbind_window_settings (MsWindow *self);

/* Accessible names libadwaita 1.2 leaves wrong in widgets it builds */

/* A toast's buttons: GTK 4.8 names the action button by its label, underscore and all,
 * then by the label inside it ("_Show Show"), and the close button by its image's class
 * ("GtkImage"). */
static void
name_toast_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *label = GTK_IS_BUTTON (child) ? gtk_button_get_label (GTK_BUTTON (child)) : NULL;

      if (label != NULL)
        {
          g_autoptr(GString) plain = g_string_new (label);

          if (gtk_button_get_use_underline (GTK_BUTTON (child)))
            g_string_replace (plain, "_", "", 1);
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          plain->str, -1);
          gtk_accessible_reset_relation (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
        }
      else if (GTK_IS_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Dismiss"), -1);
      name_toast_buttons (child);
    }
}

static void
on_toast_children_changed (MsWindow   *self,
                           guint       position,
                           guint       removed,
                           guint       added,
                           GListModel *children)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) child = g_list_model_get_item (children, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        name_toast_buttons (child);
    }
}

static void
fix_accessible_names (MsWindow *self)
{
  self->toast_children = gtk_widget_observe_children (GTK_WIDGET (self->toast_overlay));
  g_signal_connect_object (self->toast_children, "items-changed",
                           G_CALLBACK (on_toast_children_changed), self, G_CONNECT_SWAPPED);
  name_descendants (GTK_WIDGET (self->alarm_unit_row), GTK_TYPE_LIST_VIEW,
                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->alarm_unit_row)));
  /* Translators: what the pencil in a text field says: the text can be edited */
  name_descendants (GTK_WIDGET (self->url_row), GTK_TYPE_IMAGE, _("Editable"));
  name_descendants (GTK_WIDGET (self->endpoint_row), GTK_TYPE_IMAGE, _("Editable"));
}

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
      ms_live_target_disconnect_async (self->live, NULL, on_live_disconnected,
                                       GINT_TO_POINTER (self->recording_lock + 1));
      self->recording_lock = -1;
      g_clear_object (&self->live);
    }
  ms_window_release_recording_file (self);
  g_queue_clear_full (&self->interrupted, g_object_unref);
  unbind_window_settings (self);
  g_clear_object (&self->opened_file);
  g_clear_object (&self->opened_gfile);
  g_clear_object (&self->shown_profile);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->view_cancellable);
  g_clear_object (&self->toast_children);
  g_clear_object (&self->export_folder);
  g_clear_pointer (&self->empty_description, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_WINDOW);

  G_OBJECT_CLASS (ms_window_parent_class)->dispose (object);
}

static void
ms_window_finalize (GObject *object)
{
  MsWindow *self = MS_WINDOW (object);

  ms_window_finalize_tools (self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->connect_target, g_free);
  g_mutex_clear (&self->snapshot_lock);

  G_OBJECT_CLASS (ms_window_parent_class)->finalize (object);
}

static void
on_close_confirmed (MsWindow *self,
                    gpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Closing during a recording asks first (keep, discard or cancel). */
static gboolean
ms_window_close_request (GtkWindow *window)
{
  MsWindow *self = MS_WINDOW (window);

  if (!ms_window_is_recording (self))
    return GTK_WINDOW_CLASS (ms_window_parent_class)->close_request (window);
  ms_window_end_recording_then (self, on_close_confirmed, NULL, NULL);
  return TRUE;
}

static void
ms_window_class_init (MsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_window_dispose;
  object_class->finalize = ms_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = ms_window_close_request;

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
  gtk_widget_class_bind_template_child (widget_class, MsWindow, empty_page);
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
  gtk_widget_class_bind_template_child (widget_class, MsWindow, histogram_view);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_spin);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_switch);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarms_list);

  ms_window_snapshots_class_init (widget_class);
  ms_window_class_init_actions (widget_class);
  ms_window_class_init_export_actions (widget_class);
  ms_symbols_dialog_install_action (widget_class);
  ms_window_class_init_tools (widget_class);
  ms_window_class_init_recording (widget_class);
}

/* The last page launched (else the demo page) and the last endpoint: saved when used. */
static void
restore_last_target (MsWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "last-launch-url");
  g_autofree char *endpoint = g_settings_get_string (self->settings, "last-endpoint");

  if (*url == '\0')
    {
      g_autofree char *page = ms_live_target_find_demo_page (NULL);

      g_free (url);
      url = page ? g_filename_to_uri (page, NULL, NULL) : NULL;
    }
  if (url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);
}

static void
bind_window_settings (MsWindow *self)
{
  static const char * const directions[] = { "top-down", "bottom-up", NULL };
  /* win.profile-source… for the menu; the Preferences window shows the same keys. */
  static const char * const keys[] = {
    "profile-source", "suppress-randomness", "flame-graph-direction", NULL
  };

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  ms_window_bind_enum_selected (self->settings, "flame-graph-direction", self->flame_direction,
                                directions);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, keys[i]);

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }
  restore_last_target (self);
}

/* The settings outlive a closed window: nothing of it may follow them any more. */
static void
unbind_window_settings (MsWindow *self)
{
  static const char * const actions[] = {
    "profile-source", "suppress-randomness", "flame-graph-direction", "suppress-pressure", NULL
  };

  g_settings_unbind (self, "default-width");
  g_settings_unbind (self, "default-height");
  g_settings_unbind (self, "maximized");
  for (guint i = 0; actions[i] != NULL; i++)
    g_action_map_remove_action (G_ACTION_MAP (self), actions[i]);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
}

static void
ms_window_init (MsWindow *self)
{
  static gboolean icons_added;

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->recording_lock = -1;
  self->record_on_connect = TRUE;
  g_mutex_init (&self->snapshot_lock);
  g_queue_init (&self->interrupted);
  self->view_cancellable = g_cancellable_new ();

  /* AdwApplication adds this path too, but the window is also used without one (tests). */
  if (!icons_added)
    {
      gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                        "/io/github/memscope/Memscope/icons");
      icons_added = TRUE;
    }

  gtk_widget_init_template (GTK_WIDGET (self));
  self->empty_description = g_strdup (adw_status_page_get_description (self->empty_page));
  self->flame_graph = ms_flame_view_get_graph (self->flame_view);
  self->flame_status = ms_flame_view_get_profile_label (self->flame_view);
  gtk_label_set_text (self->flame_status, _("Waiting for the first profile…"));
  gtk_widget_set_visible (GTK_WIDGET (self->flame_status), TRUE);
  self->flame_search = ms_flame_view_get_search_entry (self->flame_view);
  self->flame_direction = ms_flame_view_get_direction_dropdown (self->flame_view);
  ms_window_init_tools (self);
  ms_window_snapshots_init (self);
  bind_window_settings (self);
  fix_accessible_names (self);

  ms_window_show_page (self, "empty");
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

MsSessionFile *
ms_window_get_opened_file (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->opened_file;
}

MsRecordingFile *
ms_window_get_recording_file (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->opened_file ? ms_session_file_get_recording (self->opened_file) : NULL;
}

GFile *
ms_window_get_recording_output (MsWindow *self)
{
  g_return_val_if_fail (MS_IS_WINDOW (self), NULL);

  return self->recorder ? ms_recorder_get_output (self->recorder) : NULL;
}
