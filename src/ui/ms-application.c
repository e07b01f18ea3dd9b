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

  gboolean       demo;
};

G_DEFINE_FINAL_TYPE (MsApplication, ms_application, ADW_TYPE_APPLICATION)

static MsWindow *
new_window (MsApplication *self)
{
  return ms_window_new (ADW_APPLICATION (self));
}

static void
ms_application_activate (GApplication *app)
{
  MsApplication *self = MS_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL || self->demo)
    window = GTK_WINDOW (new_window (self));
  gtk_window_present (window);

  if (self->demo)
    {
      self->demo = FALSE;
      ms_window_launch_demo (MS_WINDOW (window));
    }
}

static void
ms_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  MsApplication *self = MS_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      MsWindow *window = new_window (self);

      gtk_window_present (GTK_WINDOW (window));
      ms_window_open_file (window, files[i]);
    }
}

static int
ms_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  MsApplication *self = MS_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("memscope %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "demo"))
    self->demo = TRUE;

  return G_APPLICATION_CLASS (ms_application_parent_class)->handle_local_options (app, options);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Destroying the windows stops the browsers they launched. */
  while (windows != NULL)
    {
      gtk_window_destroy (windows->data);
      windows = gtk_application_get_windows (GTK_APPLICATION (app));
    }
  g_application_quit (app);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (new_window (MS_APPLICATION (user_data))));
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
ms_application_class_init (MsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = ms_application_activate;
  app_class->open = ms_application_open;
  app_class->startup = ms_application_startup;
  app_class->handle_local_options = ms_application_handle_local_options;
}

static void
ms_application_init (MsApplication *self)
{
  static const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      "Launch a headless browser on the bundled demo page and record it", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version and exit", NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[FILE.memscope…]");
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
