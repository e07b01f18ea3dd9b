/* ms-cli-leak-counters.c: `memscope-cli leak-counters`, the counters Blink keeps for
 * leak detection, taken after a full garbage collection
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
  MsCliContext *ctx;
  MsLiveTarget *target;
  gboolean      json;
} LeakCounters;

static void
print_counters (LeakCounters *self,
                GArray       *counters)
{
  if (self->json)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *timestamp = ms_cli_format_timestamp (now);
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_string_member (object, "timestamp", timestamp);
      for (guint i = 0; i < counters->len; i++)
        {
          const MsCdpDomCounter *counter = &g_array_index (counters, MsCdpDomCounter, i);

          json_object_set_int_member (object, counter->name, counter->count);
        }
      json_node_set_object (node, object);
      ms_cli_print_json_line (node);
      return;
    }

  for (guint i = 0; i < counters->len; i++)
    {
      const MsCdpDomCounter *counter = &g_array_index (counters, MsCdpDomCounter, i);

      printf ("%-40s  %12" G_GINT64_FORMAT "\n", counter->name, counter->count);
    }
  fflush (stdout);
}

static void
on_counted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  LeakCounters *self = user_data;
  g_autoptr(GArray) counters = NULL;
  g_autoptr(GError) error = NULL;

  counters = ms_live_target_count_leaks_finish (MS_LIVE_TARGET (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (counters == NULL)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  print_counters (self, counters);
  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LeakCounters *self = user_data;

  if (!ms_cli_context_connect_finish (self->ctx, MS_LIVE_TARGET (object), result))
    return;

  ms_cli_context_hold (self->ctx);
  ms_live_target_count_leaks_async (self->target, ms_cli_context_get_cancellable (self->ctx),
                                    on_counted, self);
}

int
ms_cli_leak_counters (MsCliContext *ctx,
                      GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autoptr(MsLiveTarget) target = NULL;
  LeakCounters self = { ctx, NULL, FALSE };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &self.json,
      _("Print one JSON object: timestamp and one member per counter"), NULL },
    { NULL }
  };

  if (!ms_cli_context_parse_options (ctx, "leak-counters", "",
                                     _("Collect garbage (Memory.prepareForLeakDetection), then "
                                       "print Memory.getDOMCountersForLeakDetection."),
                                     _("The browser must run with --js-flags=--expose-gc "
                                       "(“memscope-cli launch” adds it)."),
                                     entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);

  target = ms_cli_context_new_live_target (ctx);
  if (target == NULL)
    return ms_cli_context_run (ctx);

  self.target = target;
  ms_cli_context_hold (ctx);
  ms_live_target_connect_async (target, ms_cli_context_get_target_selector (ctx),
                                ms_cli_context_get_cancellable (ctx), on_connected, &self);

  return ms_cli_context_run (ctx);
}
