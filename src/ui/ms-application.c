/* ms-application.c: the memscope application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-application.h"
#include "ms-preferences-window.h"
#include "ms-window.h"

#define WEBSITE_URL "https://github.com/memscope/memscope"
#define ISSUE_URL "https://github.com/memscope/memscope/issues"

struct _MsApplication
{
  AdwApplication parent_instance;

  /* What the command line asked for, done by the first window */
  gboolean       demo;
  char          *connect;        /* HOST:PORT */
  char          *target;         /* id or URL substring, with connect */
  char          *launch;         /* URL */
  gboolean       record;
  gboolean       offered;        /* interrupted recordings were offered */
};

G_DEFINE_FINAL_TYPE (MsApplication, ms_application, ADW_TYPE_APPLICATION)

/* The first window offers back the recordings an earlier Memscope left unfinished. */
static MsWindow *
new_window (MsApplication *self)
{
  MsWindow *window = ms_window_new (ADW_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (window));
  if (!self->offered)
    {
      self->offered = TRUE;
      ms_window_offer_interrupted (window);
    }
  return window;
}

/* --connect, --launch or --demo: what the window does first. */
static void
start_command_line (MsApplication *self,
                    MsWindow      *window)
{
  g_autoptr(GError) error = NULL;

  if (self->connect != NULL)
    {
      ms_window_set_record_on_connect (window, self->record);
      /* Checked in handle_local_options already: this cannot fail. */
      if (!ms_window_connect (window, self->connect, self->target, &error))
        g_warning ("--connect: %s", error->message);
    }
  else if (self->launch != NULL)
    {
      ms_window_set_record_on_connect (window, self->record);
      ms_window_set_launch_url (window, self->launch);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.launch", NULL);
    }
  else if (self->demo)
    ms_window_launch_demo (window);
  g_clear_pointer (&self->connect, g_free);
  g_clear_pointer (&self->launch, g_free);
  self->demo = FALSE;
}

static void
ms_application_activate (GApplication *app)
{
  MsApplication *self = MS_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gboolean command = self->demo || self->connect != NULL || self->launch != NULL;

  if (window == NULL || command)
    window = GTK_WINDOW (new_window (self));
  gtk_window_present (window);
  if (command)
    start_command_line (self, MS_WINDOW (window));
}

/* A window showing nothing yet: no page, no file, no question open. */
static gboolean
window_is_empty (GtkWindow *window)
{
  return MS_IS_WINDOW (window) &&
         ms_window_get_live_target (MS_WINDOW (window)) == NULL &&
         ms_window_get_opened_file (MS_WINDOW (window)) == NULL &&
         ms_window_get_n_snapshots (MS_WINDOW (window)) == 0;
}

/* One window per file; an empty window takes the first. */
static void
ms_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  MsApplication *self = MS_APPLICATION (app);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));

  for (int i = 0; i < n_files; i++)
    {
      MsWindow *window;

      if (i == 0 && active != NULL && window_is_empty (active))
        window = MS_WINDOW (active);
      else
        window = new_window (self);
      gtk_window_present (GTK_WINDOW (window));
      ms_window_open_file (window, files[i]);
    }
}

static gboolean
check_command_line (MsApplication  *self,
                    GError        **error)
{
  g_autoptr(MsLiveTarget) live = NULL;

  if (self->connect != NULL && self->launch != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--connect and --launch cannot be used together"));
      return FALSE;
    }
  if (self->target != NULL && self->connect == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--target needs --connect"));
      return FALSE;
    }
  if (self->record && self->connect == NULL && self->launch == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--record needs --connect or --launch"));
      return FALSE;
    }
  if (self->launch != NULL && *g_strstrip (self->launch) == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--launch needs a page URL"));
      return FALSE;
    }
  if (self->connect != NULL &&
      (live = ms_live_target_new_for_endpoint (self->connect, error)) == NULL)
    return FALSE;
  return TRUE;
}

static int
ms_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  MsApplication *self = MS_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("memscope %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->demo = g_variant_dict_contains (options, "demo");
  self->record = g_variant_dict_contains (options, "record");
  g_variant_dict_lookup (options, "connect", "s", &self->connect);
  g_variant_dict_lookup (options, "target", "s", &self->target);
  g_variant_dict_lookup (options, "launch", "s", &self->launch);
  if (!check_command_line (self, &error))
    {
      g_printerr ("memscope: %s\n", error->message);
      return 1;
    }

  return G_APPLICATION_CLASS (ms_application_parent_class)->handle_local_options (app, options);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_object_unref);

  /* Each window closes as its close button would: one still recording asks first (keep,
   * discard or cancel), and stops sampling in its browser. The application ends with
   * its last window. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    g_ptr_array_add (windows, g_object_ref (l->data));
  for (guint i = 0; i < windows->len; i++)
    gtk_window_close (g_ptr_array_index (windows, i));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  new_window (MS_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _("The Memscope authors"), NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Memscope"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("A native memory inspector for Chromium"),
                         "website", WEBSITE_URL,
                         "issue-url", ISSUE_URL,
                         "developer-name", _("The Memscope authors"),
                         "copyright", _("© The Memscope authors"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: your names, one a line, as "Name <email>" */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (ms_preferences_window_new (parent)));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "new-window", new_window_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static void
ms_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control>n", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  /* The window's class registers the resources, which GtkApplication's startup reads
   * gtk/help-overlay.ui (the shortcuts window, Ctrl+?) from. */
  g_type_class_unref (g_type_class_ref (MS_TYPE_WINDOW));

  G_APPLICATION_CLASS (ms_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window", new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
}

static void
ms_application_finalize (GObject *object)
{
  MsApplication *self = MS_APPLICATION (object);

  g_free (self->connect);
  g_free (self->target);
  g_free (self->launch);

  G_OBJECT_CLASS (ms_application_parent_class)->finalize (object);
}

static void
ms_application_class_init (MsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = ms_application_activate;
  app_class->open = ms_application_open;
  app_class->startup = ms_application_startup;
  app_class->handle_local_options = ms_application_handle_local_options;
  G_OBJECT_CLASS (klass)->finalize = ms_application_finalize;
}

static void
ms_application_init (MsApplication *self)
{
  static const GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, NULL,
      N_("Connect to the browser whose DevTools port is at HOST:PORT"), N_("HOST:PORT") },
    { "target", 't', 0, G_OPTION_ARG_STRING, NULL,
      N_("With --connect: attach to the target with this id, or the first whose URL contains "
         "this text, instead of listing the targets"), N_("ID|URL-SUBSTRING") },
    { "launch", 'l', 0, G_OPTION_ARG_STRING, NULL,
      N_("Launch a headless Chromium on URL and attach to its page"), N_("URL") },
    { "record", 'r', 0, G_OPTION_ARG_NONE, NULL,
      N_("With --connect or --launch: start recording once attached"), NULL },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Launch a headless browser on the bundled demo page and record it"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE.memscope…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Inspect the memory of a Chromium page: open saved "
                                              "recordings, or attach to a browser and record it."));
}

MsApplication *
ms_application_new (void)
{
  /* Each process owns the browsers it launches: no single instance. */
  return g_object_new (MS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/memscope/Memscope",
                       NULL);
}
