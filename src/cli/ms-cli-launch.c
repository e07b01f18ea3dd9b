/* ms-cli-launch.c: `memscope-cli launch`, a browser ready for inspection
 *
 * Prints the endpoint on stdout and keeps the browser running until Ctrl-C (or until
 * the browser exits); then stops it and removes its temporary profile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ms-browser-launcher.h"

#include "ms-cli-commands.h"

typedef struct
{
  MsCliContext      *ctx;
  MsBrowserLauncher *launcher;
  gboolean           started;
  gboolean           stopping;
  guint              deadline_id;
  gboolean           timed_out;
  GCancellable      *cancellable;
} Launch;

static void
on_exited (MsBrowserLauncher *launcher,
           int                wait_status,
           gpointer           user_data)
{
  Launch *self = user_data;

  /* Our own SIGTERM, on the way out, is no failure. */
  if (!self->started || self->stopping || !ms_cli_context_is_running (self->ctx))
    return;

  if (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0)
    {
      ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
      return;
    }

  if (WIFSIGNALED (wait_status))
    ms_cli_context_failf (self->ctx, _("the browser was killed by signal %d"),
                          WTERMSIG (wait_status));
  else
    ms_cli_context_failf (self->ctx, _("the browser exited with status %d"),
                          WEXITSTATUS (wait_status));
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Launch *self = user_data;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  endpoint = ms_browser_launcher_start_finish (MS_BROWSER_LAUNCHER (object), result, &error);
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (endpoint == NULL)
    {
      if (self->timed_out)
        ms_cli_context_failf (self->ctx, _("the browser did not open its DevTools port within "
                                           "%u s"),
                              ms_cli_context_get_timeout (self->ctx));
      else
        ms_cli_context_fail (self->ctx, error);
      return;
    }

  self->started = TRUE;
  where = ms_cdp_endpoint_to_string (endpoint);
  printf ("%s\n", where);
  fflush (stdout);

  if (isatty (STDERR_FILENO))
    {
      /* Translators: the first %s is HOST:PORT, the second the browser's profile folder. */
      fprintf (stderr, _("Browser running with its DevTools at %s (profile %s); press Ctrl-C to "
                         "stop it."),
               where, ms_browser_launcher_get_profile_dir (self->launcher));
      fputc ('\n', stderr);
    }
}

static gboolean
on_deadline (gpointer user_data)
{
  Launch *self = user_data;

  self->deadline_id = 0;
  self->timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_interrupt (MsCliContext *ctx,
              gpointer      user_data)
{
  Launch *self = user_data;

  if (!self->started)
    {
      ms_cli_context_failf (ctx, "%s", _("interrupted before the browser was ready"));
      return;
    }

  /* Stopping is what the user asked for: a clean exit. */
  self->stopping = TRUE;
  ms_browser_launcher_stop (self->launcher);
  ms_cli_context_exit (ctx, MS_CLI_EXIT_OK);
}

static void
on_context_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

int
ms_cli_launch (MsCliContext *ctx,
               GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autofree char *url = NULL;
  g_autofree char *browser = NULL;
  gboolean headless = FALSE;
  Launch self = { ctx };
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &headless, _("Run without a window"), NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, _("Page to open (default about:blank)"), "URL" },
    { "browser", 0, 0, G_OPTION_ARG_FILENAME, &browser,
      _("Browser to run (default $MEMSCOPE_BROWSER, else the first Chromium-family browser on "
        "$PATH)"), "PATH" },
    { NULL }
  };
  gulong cancelled_id;
  int status;

  if (!ms_cli_context_parse_options (ctx, "launch", "",
                                     _("Start a browser ready for inspection, print its "
                                       "endpoint (HOST:PORT) and keep it running until Ctrl-C."),
                                     _("The browser gets a fresh temporary profile, "
                                       "--remote-debugging-port=0 and --js-flags=--expose-gc; "
                                       "pass the printed endpoint to the other commands with "
                                       "--endpoint."),
                                     entries, MS_CLI_OPTIONS_TIMEOUT, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);

  self.launcher = ms_browser_launcher_new ();
  ms_browser_launcher_set_headless (self.launcher, headless);
  ms_browser_launcher_set_url (self.launcher, url);
  if (browser != NULL)
    ms_browser_launcher_set_browser (self.launcher, browser);
  g_signal_connect (self.launcher, "exited", G_CALLBACK (on_exited), &self);

  /* The launcher's own wait is fixed; --timeout bounds it too. */
  self.cancellable = g_cancellable_new ();
  cancelled_id = g_cancellable_connect (ms_cli_context_get_cancellable (ctx),
                                        G_CALLBACK (on_context_cancelled),
                                        g_object_ref (self.cancellable), g_object_unref);
  self.deadline_id = g_timeout_add_seconds (ms_cli_context_get_timeout (ctx), on_deadline, &self);

  ms_cli_context_set_interrupt_func (ctx, on_interrupt, &self);
  ms_cli_context_hold (ctx);
  ms_browser_launcher_start_async (self.launcher, self.cancellable, on_started, &self);
  status = ms_cli_context_run (ctx);

  g_clear_handle_id (&self.deadline_id, g_source_remove);
  g_cancellable_disconnect (ms_cli_context_get_cancellable (ctx), cancelled_id);
  g_signal_handlers_disconnect_by_data (self.launcher, &self);
  self.stopping = TRUE;
  ms_browser_launcher_stop (self.launcher);
  g_clear_object (&self.launcher);
  g_clear_object (&self.cancellable);

  return status;
}
