/* ms-cli-suppress-pressure.c: `memscope-cli suppress-pressure on|off`,
 * Memory.setPressureNotificationsSuppressed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>

#include "ms-cdp-memory.h"

#include "ms-cli-commands.h"

typedef struct
{
  MsCliContext *ctx;
  gboolean      suppressed;
} SuppressPressure;

static void
on_set (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  SuppressPressure *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ms_cdp_memory_set_pressure_notifications_suppressed_finish (MS_CDP_CONNECTION (object),
                                                                   result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  printf ("Memory pressure notifications %s\n", self->suppressed ? "suppressed" : "allowed");
  fflush (stdout);
  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_connected (MsCliContext *ctx,
              gpointer      user_data)
{
  SuppressPressure *self = user_data;

  ms_cli_context_hold (ctx);
  ms_cdp_memory_set_pressure_notifications_suppressed_async (ms_cli_context_get_connection (ctx),
                                                             self->suppressed,
                                                             ms_cli_context_get_cancellable (ctx),
                                                             on_set, self);
}

int
ms_cli_suppress_pressure (MsCliContext *ctx,
                          GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  SuppressPressure self = { ctx, FALSE };

  if (!ms_cli_context_parse_options (ctx, "suppress-pressure", "on|off",
                                     "Suppress (on) or allow again (off) memory pressure "
                                     "notifications (Memory.setPressureNotificationsSuppressed).",
                                     NULL, NULL, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] == NULL)
    return ms_cli_context_usage_error (ctx, "missing the setting: on or off");
  if (owned_args[2] != NULL)
    return ms_cli_context_usage_error (ctx, "unexpected argument “%s”", owned_args[2]);

  if (g_str_equal (owned_args[1], "on"))
    self.suppressed = TRUE;
  else if (g_str_equal (owned_args[1], "off"))
    self.suppressed = FALSE;
  else
    return ms_cli_context_usage_error (ctx, "“%s” is neither on nor off", owned_args[1]);

  ms_cli_context_connect (ctx, on_connected, &self);

  return ms_cli_context_run (ctx);
}
