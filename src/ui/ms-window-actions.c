/* ms-window-actions.c: the window's win. actions: launching, connecting, recording,
 * files and the Memory domain's one-shot commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include "ms-window-private.h"

/* The launch (its page may take long to show), each call, the handshake. */
#define LAUNCH_TIMEOUT_S 30
#define CONNECT_TIMEOUT_S 15

/* What the live target is doing, on the busy page; the rest is update_state's. */
static void
on_live_state (MsLiveTarget *live,
               GParamSpec   *pspec,
               MsWindow     *self)
{
  g_autofree char *where = ms_live_target_describe (live);

  switch (ms_live_target_get_state (live))
    {
    case MS_LIVE_TARGET_STATE_LAUNCHING:
      ms_window_set_busy (self, _("Starting the Browser"), where);
      break;
    case MS_LIVE_TARGET_STATE_CONNECTING:
      ms_window_set_busy (self, _("Connecting"), where);
      break;
    case MS_LIVE_TARGET_STATE_LOST:
      ms_window_show_error (self, _("Connection lost"), ms_live_target_get_last_error (live));
      ms_window_update_state (self);
      break;
    default:
      ms_window_update_state (self);
    }
}

static void
on_live_connected (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = ms_live_target_connect_finish (MS_LIVE_TARGET (object), result, &error);

  if (MS_LIVE_TARGET (object) != self->live)
    return;
  if (!ok)
    {
      ms_window_end_live (self, _("Could not connect"), error);
      return;
    }
  ms_window_show_page (self, "session");
  if (self->record_on_connect)
    ms_window_start_recording (self);
}

static void
take_live (MsWindow     *self,
           MsLiveTarget *live)
{
  ms_window_close_live (self);
  ms_window_clear_start_error (self);
  g_clear_object (&self->opened_file);
  g_clear_object (&self->opened_gfile);
  self->live = g_object_ref (live);
  g_signal_connect (live, "notify::state", G_CALLBACK (on_live_state), self);
}

/* Launching */

void
ms_window_launch (MsWindow   *self,
                  const char *url,
                  gboolean    headless)
{
  g_autofree char *demo_url = NULL;
  g_autoptr(MsLiveTarget) live = NULL;

  g_return_if_fail (MS_IS_WINDOW (self));

  if (url == NULL || *url == '\0')
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *page = ms_live_target_find_demo_page (&error);

      if (page == NULL)
        {
          ms_window_show_error (self, _("Could not launch"), error);
          return;
        }
      url = demo_url = g_filename_to_uri (page, NULL, &error);
      /* Never about:blank in its place, without a word. */
      if (url == NULL)
        {
          ms_window_show_error (self, _("Could not launch the demo page"), error);
          return;
        }
    }

  live = ms_live_target_new_for_launch (url, headless, NULL);
  ms_live_target_set_timeout (live, LAUNCH_TIMEOUT_S);
  take_live (self, live);
  ms_live_target_connect_async (live, NULL, self->cancellable, on_live_connected,
                                g_object_ref (self));
}

void
ms_window_launch_demo (MsWindow *self)
{
  ms_window_launch (self, NULL, TRUE);
}

static void
on_launch_confirmed (MsWindow *self,
                     gpointer  data)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));

  g_settings_set_string (self->settings, "last-launch-url", url);
  ms_window_launch (self, url, !gtk_switch_get_active (self->show_browser_switch));
}

/* Launch, Connect and Open during a recording ask what becomes of it first. */
static void
launch_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  ms_window_end_recording_then (MS_WINDOW (widget), on_launch_confirmed, NULL, NULL);
}

static void
on_url_row_activated (MsWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.launch", NULL);
}

/* Connecting to a running browser */

static void
on_target_activated (MsWindow      *self,
                     GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "ms-target-id");

  if (id == NULL || self->live == NULL)
    return;
  ms_live_target_connect_async (self->live, id, self->cancellable, on_live_connected,
                                g_object_ref (self));
}

static GtkWidget *
target_row_new (MsCdpTarget *target)
{
  const char *title = ms_cdp_target_get_title (target);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", ms_cdp_target_get_target_type (target),
                                               ms_cdp_target_get_url (target));
  GtkWidget *row = adw_action_row_new ();

  /* Titles and URLs are the page's: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 title && *title ? title : ms_cdp_target_get_url (target));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "ms-target-id",
                          g_strdup (ms_cdp_target_get_id (target)), g_free);
  return row;
}

static void
on_targets_listed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  g_autofree char *escaped = NULL;

  targets = ms_live_target_list_targets_finish (MS_LIVE_TARGET (object), result, &error);
  if (MS_LIVE_TARGET (object) != self->live)
    return;
  if (targets == NULL)
    {
      ms_window_end_live (self, _("Could not list targets"), error);
      return;
    }

  ms_window_clear_list (self->targets_list);
  for (guint i = 0; i < targets->len; i++)
    gtk_list_box_append (self->targets_list, target_row_new (g_ptr_array_index (targets, i)));

  /* Status page descriptions are markup. */
  where = ms_live_target_describe (self->live);
  escaped = g_markup_escape_text (where, -1);
  adw_status_page_set_description (self->targets_page, targets->len
                                   ? escaped : _("The browser has no targets"));
  ms_window_show_page (self, "targets");
}

void
ms_window_connect_to (MsWindow     *self,
                      MsLiveTarget *live)
{
  g_autofree char *where = ms_live_target_describe (live);

  ms_live_target_set_timeout (live, CONNECT_TIMEOUT_S);
  take_live (self, live);
  ms_window_set_busy (self, _("Looking for Targets"), where);
  ms_live_target_list_targets_async (live, self->cancellable, on_targets_listed,
                                     g_object_ref (self));
}

static void
on_remote_confirmed (MsWindow *self,
                     gpointer  data)
{
  ms_window_connect_to (self, data);
}

static void
on_connect_confirmed (MsWindow *self,
                      gpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLiveTarget) live = NULL;
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row))));
  g_autofree char *where = NULL;
  g_autofree char *body = NULL;

  live = ms_live_target_new_for_endpoint (text, &error);
  if (live == NULL)
    {
      ms_window_show_error (self, _("Invalid endpoint"), error);
      return;
    }
  g_settings_set_string (self->settings, "last-endpoint", text);
  if (!ms_live_target_is_remote (live))
    {
      ms_window_connect_to (self, live);
      return;
    }

  where = ms_live_target_describe (live);
  /* Translators: %s is HOST:PORT. */
  body = g_strdup_printf (_("%s is not this computer. The DevTools protocol is unencrypted and "
                            "unauthenticated: anyone on the way can read the page's memory, and "
                            "the browser runs whatever the connection asks."), where);
  ms_window_confirm (self, _("Connect to Another Computer?"), body, "connect", _("C_onnect"),
                     on_remote_confirmed, g_steal_pointer (&live), g_object_unref);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  ms_window_end_recording_then (MS_WINDOW (widget), on_connect_confirmed, NULL, NULL);
}

gboolean
ms_window_connect (MsWindow    *self,
                   const char  *endpoint,
                   const char  *target,
                   GError     **error)
{
  g_autoptr(MsLiveTarget) live = NULL;

  g_return_val_if_fail (MS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (endpoint != NULL, FALSE);

  live = ms_live_target_new_for_endpoint (endpoint, error);
  if (live == NULL)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);
  if (target == NULL)
    {
      ms_window_connect_to (self, live);
      return TRUE;
    }
  ms_live_target_set_timeout (live, CONNECT_TIMEOUT_S);
  take_live (self, live);
  ms_live_target_connect_async (live, target, self->cancellable, on_live_connected,
                                g_object_ref (self));
  return TRUE;
}

void
ms_window_set_record_on_connect (MsWindow *self,
                                 gboolean  record)
{
  g_return_if_fail (MS_IS_WINDOW (self));

  self->record_on_connect = record;
}

static void
on_endpoint_row_activated (MsWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.connect", NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);

  ms_window_close_live (self);
  ms_window_show_page (self, "empty");
}

/* Recording */

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "session"))
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "flame");
  gtk_widget_grab_focus (GTK_WIDGET (self->flame_search));
}

static void
toggle_recording_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  MsLiveTargetState state = self->live ? ms_live_target_get_state (self->live)
                                       : MS_LIVE_TARGET_STATE_IDLE;

  /* The previous recording is in its file: recording again starts another. */
  if (state == MS_LIVE_TARGET_STATE_RECORDING)
    ms_window_stop_recording (self);
  else if (state == MS_LIVE_TARGET_STATE_CONNECTED)
    ms_window_start_recording (self);
}

static void
show_alarms_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  adw_view_stack_set_visible_child_name (MS_WINDOW (widget)->view_stack, "alarms");
}

static void
reset_zoom_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  ms_flame_graph_reset_zoom (MS_WINDOW (widget)->flame_graph);
}

/* Files */

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  MsWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        ms_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static GtkFileFilter *
session_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Memscope sessions"));
  gtk_file_filter_add_pattern (filter, "*.memscope");
  return filter;
}

static void
on_open_confirmed (MsWindow *self,
                   gpointer  data)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = session_filter ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  dialog = gtk_file_chooser_native_new (_("Open a Session"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ms_window_end_recording_then (MS_WINDOW (widget), on_open_confirmed, NULL, NULL);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  MsWindow *self = MS_WINDOW (object);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_window_save_to_file_finish (self, result, &error))
    ms_window_show_error (self, _("Could not save"), error);
  else
    {
      g_autofree char *name = g_file_get_basename (file);

      /* Translators: %s is a file name. */
      ms_window_toast (self, _("Saved as %s"), name);
    }
  ms_window_update_state (self);
}

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  MsWindow        *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL)
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", FALSE);
  ms_window_save_to_file_async (self, file, on_saved, g_object_ref (file));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = session_filter ();

  g_autofree char *name = NULL;

  dialog = gtk_file_chooser_native_new (_("Save the Session"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* The recording's own name: the copy is easy to tell from others. */
  if (self->recorder != NULL && ms_recorder_get_output (self->recorder) != NULL)
    name = g_file_get_basename (ms_recorder_get_output (self->recorder));
  else if (self->opened_gfile != NULL)
    name = g_file_get_basename (self->opened_gfile);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name ? name : "recording.memscope");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The Memory domain's one-shot commands */

/* By MsLiveCommand. */
static const char *const command_done[] = {
  N_("JavaScript memory purged"),
  N_("Moderate memory-pressure notification sent"),
  N_("Critical memory-pressure notification sent"),
  N_("Memory-pressure notifications suppressed"),
  N_("Memory-pressure notifications allowed"),
};

typedef struct
{
  MsWindow      *self;
  MsLiveCommand  command;
} SentCommand;

static void
on_command_sent (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SentCommand *sent = user_data;
  g_autoptr(MsWindow) self = sent->self;
  MsLiveCommand command = sent->command;
  g_autoptr(GError) error = NULL;

  g_free (sent);
  if (!ms_live_target_send_finish (MS_LIVE_TARGET (object), result, &error))
    ms_window_show_error (self, _("The browser refused"), error);
  else
    ms_window_toast (self, "%s", _(command_done[command]));
}

static void
send_command (MsWindow      *self,
              MsLiveCommand  command)
{
  SentCommand *sent;

  G_STATIC_ASSERT (G_N_ELEMENTS (command_done) == MS_LIVE_COMMAND_ALLOW_PRESSURE + 1);

  if (self->live == NULL)
    return;
  sent = g_new (SentCommand, 1);
  sent->self = g_object_ref (self);
  sent->command = command;
  ms_live_target_send_async (self->live, command, self->cancellable, on_command_sent, sent);
}

static void
on_purge_confirmed (MsWindow *self,
                    gpointer  data)
{
  send_command (self, MS_LIVE_COMMAND_PURGE);
}

static void
purge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  ms_window_confirm (MS_WINDOW (widget), _("Purge JavaScript Memory?"),
                     _("This destroys the page's scripts: the page stops working until it is "
                       "reloaded."), "purge", _("_Purge"), on_purge_confirmed, NULL, NULL);
}

static void
pressure_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  const char *level = g_variant_get_string (param, NULL);

  if (g_str_equal (level, "moderate"))
    send_command (MS_WINDOW (widget), MS_LIVE_COMMAND_PRESSURE_MODERATE);
  else if (g_str_equal (level, "critical"))
    send_command (MS_WINDOW (widget), MS_LIVE_COMMAND_PRESSURE_CRITICAL);
}

void
ms_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.launch", NULL, launch_action);
  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-recording", NULL,
                                   toggle_recording_action);
  gtk_widget_class_install_action (widget_class, "win.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_install_action (widget_class, "win.show-alarms", NULL, show_alarms_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.purge", NULL, purge_action);
  gtk_widget_class_install_action (widget_class, "win.pressure", "s", pressure_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.toggle-recording", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);

  gtk_widget_class_bind_template_callback (widget_class, on_url_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_endpoint_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_target_activated);
}
