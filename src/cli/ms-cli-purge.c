/* ms-cli-purge.c: `memscope-cli purge --yes`, Memory.forciblyPurgeJavaScriptMemory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>

#include "ms-cdp-memory.h"

#include "ms-cli-commands.h"

static void
on_purged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MsCliContext *ctx = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ms_cdp_memory_forcibly_purge_javascript_memory_finish (MS_CDP_CONNECTION (object), result,
                                                              &error);
  if (!ms_cli_context_release (ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail (ctx, error);
      return;
    }

  printf ("Purged the JavaScript memory of %s\n", ms_cli_context_describe_target (ctx));
  fflush (stdout);
  ms_cli_context_exit (ctx, MS_CLI_EXIT_OK);
}

static void
on_connected (MsCliContext *ctx,
              gpointer      user_data)
{
  ms_cli_context_hold (ctx);
  ms_cdp_memory_forcibly_purge_javascript_memory_async (ms_cli_context_get_connection (ctx),
                                                        ms_cli_context_get_cancellable (ctx),
                                                        on_purged, ctx);
}

int
ms_cli_purge (MsCliContext *ctx,
              GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  gboolean yes = FALSE;
  const GOptionEntry entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes,
      "Confirm: the page's scripts are destroyed and will not run again", NULL },
    { NULL }
  };

  if (!ms_cli_context_parse_options (ctx, "purge", "",
                                     "Forcibly purge the JavaScript memory of a target "
                                     "(Memory.forciblyPurgeJavaScriptMemory).",
                                     "This destroys the page's scripts: afterwards nothing can be "
                                     "evaluated in it until it is reloaded.",
                                     entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, "unexpected argument “%s”", owned_args[1]);

  if (!yes)
    return ms_cli_context_usage_error (ctx, "refusing to purge without --yes: it destroys the "
                                       "page's scripts, which stop working until a reload");

  ms_cli_context_connect (ctx, on_connected, NULL);

  return ms_cli_context_run (ctx);
}
