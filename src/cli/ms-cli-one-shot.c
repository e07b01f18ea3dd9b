/* ms-cli-one-shot.c: `memscope-cli pressure moderate|critical`, `suppress-pressure on|off`
 * and `purge --yes`: one Memory command each, sent through the live target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "ms-cli-commands.h"

typedef struct
{
  const char    *word;        /* the parameter, or NULL when the command takes none */
  MsLiveCommand  command;
  const char    *done;        /* printed when answered; NULL for purge, which names the target */
} OneShotChoice;

typedef struct
{
  const char    *name;
  const char    *parameter;
  const char    *summary;
  const char    *description;
  const char    *missing;     /* no parameter given */
  const char    *refusal;     /* without --yes; NULL: no --yes needed */
  OneShotChoice  choices[2];
} OneShot;

static const OneShot pressure = {
  "pressure", "moderate|critical",
  N_("Simulate a memory pressure notification in the browser "
     "(Memory.simulatePressureNotification)."),
  NULL,
  N_("missing the level: moderate or critical"),
  NULL,
  { { "moderate", MS_LIVE_COMMAND_PRESSURE_MODERATE, N_("Simulated moderate memory pressure") },
    { "critical", MS_LIVE_COMMAND_PRESSURE_CRITICAL, N_("Simulated critical memory pressure") } },
};

static const OneShot suppress_pressure = {
  "suppress-pressure", "on|off",
  N_("Suppress (on) or allow again (off) memory pressure notifications "
     "(Memory.setPressureNotificationsSuppressed)."),
  NULL,
  N_("missing the setting: on or off"),
  NULL,
  { { "on", MS_LIVE_COMMAND_SUPPRESS_PRESSURE, N_("Memory pressure notifications suppressed") },
    { "off", MS_LIVE_COMMAND_ALLOW_PRESSURE, N_("Memory pressure notifications allowed") } },
};

static const OneShot purge = {
  "purge", "",
  N_("Forcibly purge the JavaScript memory of a target (Memory.forciblyPurgeJavaScriptMemory)."),
  N_("This destroys the page's scripts: afterwards nothing can be evaluated in it until it is "
     "reloaded."),
  NULL,
  N_("refusing to purge without --yes: it destroys the page's scripts, which stop working until "
     "a reload"),
  { { NULL, MS_LIVE_COMMAND_PURGE, NULL } },
};

typedef struct
{
  MsCliContext        *ctx;
  MsLiveTarget        *target;
  const OneShotChoice *choice;
} Run;

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  MsCdpTarget *target;

  ok = ms_live_target_send_finish (MS_LIVE_TARGET (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;
  if (!ok)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  target = ms_live_target_get_target (self->target);
  if (self->choice->done != NULL)
    printf ("%s", _(self->choice->done));
  else
    /* Translators: %s is the page's URL. */
    printf (_("Purged the JavaScript memory of %s"),
            target ? ms_cdp_target_get_url (target) : ms_cli_context_get_ws_url (self->ctx));
  printf ("\n");
  fflush (stdout);
  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *self = user_data;

  if (!ms_cli_context_connect_finish (self->ctx, MS_LIVE_TARGET (object), result))
    return;

  ms_cli_context_hold (self->ctx);
  ms_live_target_send_async (self->target, self->choice->command,
                             ms_cli_context_get_cancellable (self->ctx), on_sent, self);
}

/* The parameter names the choice; a command without one has a single choice. */
static const OneShotChoice *
parse_choice (MsCliContext  *ctx,
              const OneShot *one_shot,
              GStrv          args)
{
  guint n_params = one_shot->choices[0].word != NULL ? 1 : 0;

  if (n_params == 1 && args[1] == NULL)
    {
      ms_cli_context_usage_error (ctx, "%s", _(one_shot->missing));
      return NULL;
    }
  if (args[1] != NULL && args[1 + n_params] != NULL)
    {
      ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), args[1 + n_params]);
      return NULL;
    }
  if (n_params == 0)
    return &one_shot->choices[0];

  for (guint i = 0; i < G_N_ELEMENTS (one_shot->choices); i++)
    if (one_shot->choices[i].word != NULL && g_str_equal (args[1], one_shot->choices[i].word))
      return &one_shot->choices[i];

  if (one_shot == &pressure)
    ms_cli_context_usage_error (ctx, _("“%s” is not a pressure level: give moderate or critical"),
                                args[1]);
  else
    ms_cli_context_usage_error (ctx, _("“%s” is neither on nor off"), args[1]);
  return NULL;
}

static int
run_one_shot (MsCliContext  *ctx,
              GStrv          args,
              const OneShot *one_shot)
{
  g_auto(GStrv) owned_args = args;
  g_autoptr(MsLiveTarget) target = NULL;
  gboolean yes = FALSE;
  const GOptionEntry yes_entries[] = {
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes,
      _("Confirm: the page's scripts are destroyed and will not run again"), NULL },
    { NULL }
  };
  Run self = { ctx };
  int status;

  if (!ms_cli_context_parse_options (ctx, one_shot->name, one_shot->parameter,
                                     _(one_shot->summary),
                                     one_shot->description ? _(one_shot->description) : NULL,
                                     one_shot->refusal ? yes_entries : NULL,
                                     MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  self.choice = parse_choice (ctx, one_shot, owned_args);
  if (self.choice == NULL)
    return MS_CLI_EXIT_ERROR;
  if (one_shot->refusal != NULL && !yes)
    return ms_cli_context_usage_error (ctx, "%s", _(one_shot->refusal));

  target = ms_cli_context_new_live_target (ctx);
  if (target == NULL)
    return ms_cli_context_run (ctx);

  self.target = target;
  ms_cli_context_hold (ctx);
  ms_live_target_connect_async (target, ms_cli_context_get_target_selector (ctx),
                                ms_cli_context_get_cancellable (ctx), on_connected, &self);
  status = ms_cli_context_run (ctx);

  return status;
}

int
ms_cli_pressure (MsCliContext *ctx,
                 GStrv         args)
{
  return run_one_shot (ctx, args, &pressure);
}

int
ms_cli_suppress_pressure (MsCliContext *ctx,
                          GStrv         args)
{
  return run_one_shot (ctx, args, &suppress_pressure);
}

int
ms_cli_purge (MsCliContext *ctx,
              GStrv         args)
{
  return run_one_shot (ctx, args, &purge);
}
