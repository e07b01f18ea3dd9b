/* ms-cli-counters.c: `memscope-cli counters`, DOM counters once or at an interval
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "ms-cli-commands.h"

/* Below this, the browser spends more time answering than the page runs. */
#define MIN_INTERVAL_SECONDS 0.01
#define COUNT_UNSET G_MININT

typedef struct
{
  MsCliContext *ctx;
  MsLiveTarget *target;
  gboolean      json;
  double        interval;
  int           count;
  guint         n_taken;
  guint         timer_id;
  gboolean      header_printed;
} Counters;

static void take_sample (Counters *self);

static void
print_sample (Counters               *self,
              const MsCdpDomCounters *counters)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *timestamp = ms_cli_format_timestamp (now);

  if (self->json)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_string_member (object, "timestamp", timestamp);
      json_object_set_int_member (object, "documents", counters->documents);
      json_object_set_int_member (object, "nodes", counters->nodes);
      json_object_set_int_member (object, "jsEventListeners", counters->js_event_listeners);
      json_node_set_object (node, object);
      ms_cli_print_json_line (node);
      return;
    }

  if (!self->header_printed)
    {
      printf ("%-24s  %10s  %10s  %16s\n", "timestamp", "documents", "nodes", "jsEventListeners");
      self->header_printed = TRUE;
    }
  printf ("%-24s  %10" G_GINT64_FORMAT "  %10" G_GINT64_FORMAT "  %16" G_GINT64_FORMAT "\n",
          timestamp, counters->documents, counters->nodes, counters->js_event_listeners);
  fflush (stdout);
}

static gboolean
on_timer (gpointer user_data)
{
  Counters *self = user_data;

  self->timer_id = 0;
  take_sample (self);

  return G_SOURCE_REMOVE;
}

static void
on_counters (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Counters *self = user_data;
  g_autoptr(GError) error = NULL;
  MsCdpDomCounters counters;
  gboolean ok;

  ok = ms_live_target_get_dom_counters_finish (MS_LIVE_TARGET (object), result, &counters, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  print_sample (self, &counters);
  self->n_taken++;

  if (self->count > 0 && self->n_taken >= (guint) self->count)
    {
      ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
      return;
    }

  self->timer_id = g_timeout_add ((guint) (self->interval * 1000.0), on_timer, self);
}

static void
take_sample (Counters *self)
{
  ms_cli_context_hold (self->ctx);
  ms_live_target_get_dom_counters_async (self->target, ms_cli_context_get_cancellable (self->ctx),
                                         on_counters, self);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Counters *self = user_data;

  if (ms_cli_context_connect_finish (self->ctx, MS_LIVE_TARGET (object), result))
    take_sample (self);
}

static void
on_interrupt (MsCliContext *ctx,
              gpointer      user_data)
{
  /* Stopping a series by hand is how it normally ends. */
  ms_cli_context_exit (ctx, MS_CLI_EXIT_OK);
}

int
ms_cli_counters (MsCliContext *ctx,
                 GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autoptr(MsLiveTarget) target = NULL;
  Counters self = { ctx, NULL, FALSE, -1.0, COUNT_UNSET, 0, 0, FALSE };
  const GOptionEntry entries[] = {
    { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &self.interval,
      N_("Take a sample every S seconds (default 1) until Ctrl-C or --count"), "S" },
    { "count", 0, 0, G_OPTION_ARG_INT, &self.count,
      N_("Stop after N samples (default 1 without --interval; 0 means no limit)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &self.json,
      N_("Print one JSON object per sample per line: timestamp, documents, nodes, "
         "jsEventListeners"), NULL },
    { NULL }
  };
  int status;

  if (!ms_cli_context_parse_options (ctx, "counters", "",
                                     _("Print the DOM counters of a target "
                                       "(Memory.getDOMCounters)."),
                                     NULL, entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);

  if (self.interval != -1.0 && (!isfinite (self.interval) || self.interval < MIN_INTERVAL_SECONDS ||
                                self.interval > MS_CLI_MAX_TIMEOUT_SECONDS))
    return ms_cli_context_usage_error (ctx, _("--interval: %g is not a number of seconds "
                                              "between %g and %d"), self.interval,
                                       MIN_INTERVAL_SECONDS, MS_CLI_MAX_TIMEOUT_SECONDS);

  if (self.count < 0 && self.count != COUNT_UNSET)
    return ms_cli_context_usage_error (ctx, _("--count: %d is negative"), self.count);

  if (self.count == COUNT_UNSET)
    self.count = self.interval == -1.0 ? 1 : 0;
  if (self.interval == -1.0)
    self.interval = 1.0;

  ms_cli_context_set_interrupt_func (ctx, on_interrupt, &self);
  target = ms_cli_context_connect_live_target (ctx, on_connected, &self);
  self.target = target;
  status = ms_cli_context_run (ctx);

  g_clear_handle_id (&self.timer_id, g_source_remove);

  return status;
}
