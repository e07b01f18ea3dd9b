/* ms-window-actions.c: the window's win. actions: launching, connecting, recording,
 * files and the Memory domain's one-shot commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include "ms-cdp-memory.h"
#include "ms-window-private.h"

#define DEMO_PAGE_NAME "leaky-page.html"
#define SESSION_TIMEOUT_S 15
#define TARGET_WAIT_S 30
#define TARGET_POLL_MS 150
/* A launched browser shows our page first; after this long any page will do. */
#define TARGET_ANY_PAGE_AFTER_US (3 * G_USEC_PER_SEC)

char *
ms_window_find_demo_page (GError **error)
{
  const char *env = g_getenv ("MEMSCOPE_DATADIR");
  const char *dirs[] = { env, MS_UI_SOURCE_DATADIR, MS_UI_INSTALL_DATADIR };
  g_autoptr(GString) tried = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || *dirs[i] == '\0')
        continue;
      path = g_build_filename (dirs[i], "demo", DEMO_PAGE_NAME, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
      g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", path);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "the demo page is not installed (tried %s)", tried->str);
  return NULL;
}

/* Connecting a session to one target */

static void
on_session_state (MsSession  *session,
                  GParamSpec *pspec,
                  MsWindow   *self)
{
  MsSessionState state = ms_session_get_state (session);

  if (state == MS_SESSION_STATE_FAILED && ms_session_get_error (session) != NULL)
    ms_window_show_error (self, "Connection lost", ms_session_get_error (session));
  ms_window_update_state (self);
}

static void
on_session_connected (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_session_connect_finish (MS_SESSION (object), result, &error))
    {
      if (MS_SESSION (object) == self->session)
        {
          ms_window_show_error (self, "Could not connect", error);
          ms_window_close_live (self);
          ms_window_show_page (self, "empty");
        }
      return;
    }
  if (MS_SESSION (object) != self->session)
    return;

  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_state), self);
  ms_window_show_page (self, "session");
  ms_window_start_recording (self);
}

static void
connect_session (MsWindow   *self,
                 const char *target_selector,
                 gboolean    own_browser)
{
  g_autofree char *where = ms_cdp_endpoint_to_string (self->endpoint);

  g_clear_object (&self->opened_file);
  g_clear_object (&self->opened_gfile);
  self->session = ms_session_new (self->endpoint, target_selector);
  ms_session_set_timeout (self->session, SESSION_TIMEOUT_S);
  /* A browser of our own that closes does not come back. */
  if (own_browser)
    ms_session_set_reconnect_window (self->session, 0);

  ms_window_set_busy (self, "Connecting", where);
  ms_session_connect_async (self->session, self->cancellable, on_session_connected,
                            g_object_ref (self));
}

/* Launching */

static void poll_launched_targets (MsWindow *self);

static gboolean
on_target_poll (gpointer user_data)
{
  MsWindow *self = user_data;

  self->target_poll_id = 0;
  poll_launched_targets (self);
  return G_SOURCE_REMOVE;
}

static void
on_launched_targets (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCdpTarget) target = NULL;

  targets = ms_cdp_discovery_list_targets_finish (MS_CDP_DISCOVERY (object), result, &error);
  if (MS_CDP_DISCOVERY (object) != self->discovery)
    return;
  if (targets == NULL)
    {
      ms_window_show_error (self, "Could not list the browser's pages", error);
      ms_window_close_live (self);
      ms_window_show_page (self, "empty");
      return;
    }

  target = ms_cdp_target_list_find (targets, self->page_url, NULL);
  if (target == NULL &&
      g_get_monotonic_time () + TARGET_WAIT_S * G_USEC_PER_SEC - self->target_deadline_us >
        TARGET_ANY_PAGE_AFTER_US)
    target = ms_cdp_target_list_find (targets, NULL, NULL);

  if (target != NULL)
    {
      connect_session (self, ms_cdp_target_get_id (target), TRUE);
      return;
    }

  if (g_get_monotonic_time () > self->target_deadline_us)
    {
      ms_window_toast (self, "The browser opened no page within %d s", TARGET_WAIT_S);
      ms_window_close_live (self);
      ms_window_show_page (self, "empty");
      return;
    }

  self->target_poll_id = g_timeout_add (TARGET_POLL_MS, on_target_poll, self);
}

static void
poll_launched_targets (MsWindow *self)
{
  ms_cdp_discovery_list_targets_async (self->discovery, self->cancellable, on_launched_targets,
                                       g_object_ref (self));
}

static void
on_browser_started (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  MsCdpEndpoint *endpoint;

  endpoint = ms_browser_launcher_start_finish (MS_BROWSER_LAUNCHER (object), result, &error);
  if (MS_BROWSER_LAUNCHER (object) != self->launcher)
    {
      g_clear_pointer (&endpoint, ms_cdp_endpoint_unref);
      return;
    }
  if (endpoint == NULL)
    {
      ms_window_show_error (self, "Could not launch the browser", error);
      ms_window_close_live (self);
      ms_window_show_page (self, "empty");
      return;
    }

  self->endpoint = endpoint;
  self->discovery = ms_cdp_discovery_new (self->endpoint);
  ms_cdp_discovery_set_timeout (self->discovery, SESSION_TIMEOUT_S);
  self->target_deadline_us = g_get_monotonic_time () + TARGET_WAIT_S * G_USEC_PER_SEC;
  adw_status_page_set_title (self->busy_page, "Waiting for the Page");
  poll_launched_targets (self);
}

void
ms_window_launch (MsWindow   *self,
                  const char *url,
                  gboolean    headless)
{
  g_autofree char *demo_url = NULL;

  g_return_if_fail (MS_IS_WINDOW (self));

  if (url == NULL || *url == '\0')
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *page = ms_window_find_demo_page (&error);

      if (page == NULL)
        {
          ms_window_show_error (self, "Could not launch", error);
          return;
        }
      url = demo_url = g_filename_to_uri (page, NULL, NULL);
    }

  ms_window_close_live (self);
  self->launcher = ms_browser_launcher_new ();
  ms_browser_launcher_set_url (self->launcher, url);
  ms_browser_launcher_set_headless (self->launcher, headless);
  g_free (self->page_url);
  self->page_url = g_strdup (url);

  ms_window_set_busy (self, "Starting the Browser", url);
  ms_browser_launcher_start_async (self->launcher, self->cancellable, on_browser_started,
                                   g_object_ref (self));
}

void
ms_window_launch_demo (MsWindow *self)
{
  ms_window_launch (self, NULL, TRUE);
}

static void
launch_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));

  ms_window_launch (self, url, !gtk_switch_get_active (self->show_browser_switch));
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

  if (id == NULL || self->endpoint == NULL)
    return;
  connect_session (self, id, FALSE);
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

  targets = ms_cdp_discovery_list_targets_finish (MS_CDP_DISCOVERY (object), result, &error);
  if (MS_CDP_DISCOVERY (object) != self->discovery)
    return;
  if (targets == NULL)
    {
      ms_window_show_error (self, "Could not list targets", error);
      ms_window_close_live (self);
      ms_window_show_page (self, "empty");
      return;
    }

  ms_window_clear_list (self->targets_list);

  /* Pages first: they are what the Memory domain is for; workers and browser UI after. */
  for (guint i = 0; i < 2 * targets->len; i++)
    {
      MsCdpTarget *target = g_ptr_array_index (targets, i % targets->len);
      gboolean is_page = g_strcmp0 (ms_cdp_target_get_target_type (target), "page") == 0;
      const char *title = ms_cdp_target_get_title (target);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", ms_cdp_target_get_target_type (target),
                                                   ms_cdp_target_get_url (target));
      GtkWidget *row;

      if (is_page != (i < targets->len))
        continue;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     title && *title ? title : ms_cdp_target_get_url (target));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "ms-target-id",
                              g_strdup (ms_cdp_target_get_id (target)), g_free);
      gtk_list_box_append (self->targets_list, row);
    }

  where = ms_cdp_endpoint_to_string (self->endpoint);
  adw_status_page_set_description (self->targets_page, targets->len
                                   ? where : "The browser has no targets");
  ms_window_show_page (self, "targets");
}

void
ms_window_connect_to (MsWindow      *self,
                      MsCdpEndpoint *endpoint)
{
  g_autofree char *where = ms_cdp_endpoint_to_string (endpoint);

  ms_window_close_live (self);
  self->endpoint = ms_cdp_endpoint_ref (endpoint);
  self->discovery = ms_cdp_discovery_new (endpoint);
  ms_cdp_discovery_set_timeout (self->discovery, SESSION_TIMEOUT_S);
  ms_window_set_busy (self, "Looking for Targets", where);
  ms_cdp_discovery_list_targets_async (self->discovery, self->cancellable, on_targets_listed,
                                       g_object_ref (self));
}

static void
on_remote_response (AdwMessageDialog *dialog,
                    const char       *response,
                    MsWindow         *self)
{
  MsCdpEndpoint *endpoint = g_object_get_data (G_OBJECT (dialog), "ms-endpoint");

  if (g_str_equal (response, "connect"))
    ms_window_connect_to (self, endpoint);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row))));
  GtkWidget *dialog;

  endpoint = ms_cdp_endpoint_parse (text, &error);
  if (endpoint == NULL)
    {
      ms_window_show_error (self, "Invalid endpoint", error);
      return;
    }

  if (ms_cdp_endpoint_is_loopback (endpoint))
    {
      ms_window_connect_to (self, endpoint);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Connect to Another Computer?", NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  "%s is not this computer. The DevTools protocol is "
                                  "unencrypted and unauthenticated: anyone on the way can "
                                  "read the page's memory, and the browser runs whatever "
                                  "the connection asks.",
                                  ms_cdp_endpoint_get_host (endpoint));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", "_Cancel",
                                    "connect", "C_onnect",
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "connect",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ms-endpoint",
                          ms_cdp_endpoint_ref (endpoint), (GDestroyNotify) ms_cdp_endpoint_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remote_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     MsWindow         *self)
{
  if (g_str_equal (response, "discard") && self->session != NULL)
    ms_window_start_recording (self);
}

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
  MsRecorderState state = self->recorder ? ms_recorder_get_state (self->recorder)
                                         : MS_RECORDER_STATE_IDLE;

  if (state == MS_RECORDER_STATE_RECORDING || state == MS_RECORDER_STATE_STARTING)
    ms_window_stop_recording (self);
  else if (self->session != NULL)
    {
      GtkWidget *dialog;

      if (self->recording_saved || self->recorder == NULL ||
          ms_recorder_get_profiles (self->recorder)->len == 0)
        {
          ms_window_start_recording (self);
          return;
        }

      /* A new recording replaces the stopped one. */
      dialog = adw_message_dialog_new (GTK_WINDOW (self), "Discard the Recording?",
                                       "Recording again replaces the current recording, "
                                       "which has not been saved.");
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", "_Cancel",
                                        "discard", "_Discard and Record",
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
    }
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

  gtk_file_filter_set_name (filter, "Memscope sessions");
  gtk_file_filter_add_pattern (filter, "*.memscope");
  return filter;
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = session_filter ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, "All files");
  gtk_file_filter_add_pattern (all, "*");
  dialog = gtk_file_chooser_native_new ("Open a Session", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
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
    ms_window_show_error (self, "Could not save", error);
  else
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *escaped = g_markup_escape_text (name, -1);

      ms_window_toast (self, "Saved as %s", escaped);
      if (self->opened_file == NULL)
        self->recording_saved = TRUE;
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

  dialog = gtk_file_chooser_native_new ("Save the Session", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "recording.memscope");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The Memory domain's one-shot commands */

static MsCdpConnection *
get_connection (MsWindow *self)
{
  if (self->session == NULL || ms_session_get_state (self->session) != MS_SESSION_STATE_CONNECTED)
    return NULL;
  return ms_session_get_connection (self->session);
}

static void
on_purged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_cdp_memory_forcibly_purge_javascript_memory_finish (MS_CDP_CONNECTION (object),
                                                              result, &error))
    ms_window_show_error (self, "Could not purge", error);
  else
    ms_window_toast (self, "JavaScript memory purged");
}

static void
on_purge_response (AdwMessageDialog *dialog,
                   const char       *response,
                   MsWindow         *self)
{
  MsCdpConnection *conn = get_connection (self);

  if (!g_str_equal (response, "purge") || conn == NULL)
    return;
  ms_cdp_memory_forcibly_purge_javascript_memory_async (conn, self->cancellable, on_purged,
                                                        g_object_ref (self));
}

static void
purge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Purge JavaScript Memory?",
                                   "This destroys the page's scripts: the page stops "
                                   "working until it is reloaded.");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", "_Cancel",
                                    "purge", "_Purge",
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "purge",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_purge_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_leak_counters (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counters = NULL;

  counters = ms_cdp_memory_get_dom_counters_for_leak_detection_finish (MS_CDP_CONNECTION (object),
                                                                      result, &error);
  if (counters == NULL)
    {
      ms_window_show_error (self, "Could not count objects", error);
      return;
    }

  ms_window_clear_list (self->leak_list);

  for (guint i = 0; i < counters->len; i++)
    {
      const MsCdpDomCounter *counter = &g_array_index (counters, MsCdpDomCounter, i);
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, counter->count);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *label = gtk_label_new (count);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), counter->name);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (self->leak_list, row);
    }
}

static void
on_prepared_for_leaks (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_cdp_memory_prepare_for_leak_detection_finish (MS_CDP_CONNECTION (object), result, &error))
    {
      ms_window_show_error (self, "Could not prepare for leak detection", error);
      return;
    }
  ms_cdp_memory_get_dom_counters_for_leak_detection_async (MS_CDP_CONNECTION (object),
                                                           self->cancellable, on_leak_counters,
                                                           g_object_ref (self));
}

static void
leak_counters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  MsCdpConnection *conn = get_connection (self);

  if (conn == NULL)
    return;
  ms_cdp_memory_prepare_for_leak_detection_async (conn, self->cancellable, on_prepared_for_leaks,
                                                  g_object_ref (self));
}

static void
on_pressure_sent (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_cdp_memory_simulate_pressure_notification_finish (MS_CDP_CONNECTION (object), result,
                                                            &error))
    ms_window_show_error (self, "Could not simulate memory pressure", error);
  else
    ms_window_toast (self, "Memory-pressure notification sent");
}

static void
pressure_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  MsCdpConnection *conn = get_connection (self);
  MsCdpPressureLevel level;

  if (conn == NULL || !ms_cdp_pressure_level_from_string (g_variant_get_string (param, NULL), &level))
    return;
  ms_cdp_memory_simulate_pressure_notification_async (conn, level, self->cancellable,
                                                      on_pressure_sent, g_object_ref (self));
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
  gtk_widget_class_install_action (widget_class, "win.leak-counters", NULL, leak_counters_action);
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
