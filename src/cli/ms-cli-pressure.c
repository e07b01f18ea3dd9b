/* ms-cli-pressure.c: `memscope-cli pressure moderate|critical`,
 * Memory.simulatePressureNotification
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
  MsCliContext       *ctx;
  MsCdpPressureLevel  level;
} Pressure;

static void
on_simulated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pressure *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ms_cdp_memory_simulate_pressure_notification_finish (MS_CDP_CONNECTION (object), result,
                                                            &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  printf ("Simulated %s memory pressure\n", ms_cdp_pressure_level_to_string (self->level));
  fflush (stdout);
  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_connected (MsCliContext *ctx,
              gpointer      user_data)
{
  Pressure *self = user_data;

  ms_cli_context_hold (ctx);
  ms_cdp_memory_simulate_pressure_notification_async (ms_cli_context_get_connection (ctx),
                                                      self->level,
                                                      ms_cli_context_get_cancellable (ctx),
                                                      on_simulated, self);
}

int
ms_cli_pressure (MsCliContext *ctx,
                 GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  Pressure self = { ctx, MS_CDP_PRESSURE_MODERATE };

  if (!ms_cli_context_parse_options (ctx, "pressure", "moderate|critical",
                                     "Simulate a memory pressure notification in the browser "
                                     "(Memory.simulatePressureNotification).",
                                     NULL, NULL, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] == NULL)
    return ms_cli_context_usage_error (ctx, "missing the level: moderate or critical");
  if (owned_args[2] != NULL)
    return ms_cli_context_usage_error (ctx, "unexpected argument “%s”", owned_args[2]);
  if (!ms_cdp_pressure_level_from_string (owned_args[1], &self.level))
    return ms_cli_context_usage_error (ctx, "“%s” is not a pressure level: give moderate or "
                                       "critical", owned_args[1]);

  ms_cli_context_connect (ctx, on_connected, &self);

  return ms_cli_context_run (ctx);
}
