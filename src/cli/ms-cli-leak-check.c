/* ms-cli-leak-check.c: `memscope-cli leak-check`, a leak check with an exit status for CI
 *
 * Counters are taken after a full garbage collection (Memory.prepareForLeakDetection)
 * before and after the action runs N times; a counter that grows past its budget fails
 * the check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ms-cli-commands.h"
#include "ms-cli-leak.h"

#define DEFAULT_ITERATIONS 5
#define DEFAULT_WARMUP 1
#define MAX_ITERATIONS 1000000
#define DEFAULT_BUDGETS "documents=0,nodes=0,jsEventListeners=0"

typedef struct
{
  char   *name;
  gint64  max_growth;
} Budget;

typedef struct
{
  MsCliContext *ctx;
  MsLiveTarget *target;
  char         *action;
  int           iterations;
  int           warmup;
  GArray       *budgets;      /* Budget */
  guint         n_run;        /* actions run so far, warm-up included */
  GArray       *before;       /* MsCdpDomCounter: the DOM counters, then the leak counters */
  GArray       *after;
  GArray       *taking;       /* the snapshot under way */
  gboolean      progress;
} LeakCheck;

static void run_next (LeakCheck *self);

static void
budget_clear (gpointer data)
{
  Budget *budget = data;

  g_clear_pointer (&budget->name, g_free);
}

static gboolean
is_counter_name (const char *name)
{
  if (!g_ascii_isalpha (*name) && *name != '_')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_')
        return FALSE;
    }

  return TRUE;
}

/* "nodes=10,jsEventListeners=0": each item NAME=COUNT, COUNT a whole number. */
static gboolean
parse_budgets (const char  *text,
               GArray      *budgets,
               GError     **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *equals = strchr (items[i], '=');
      g_autofree char *name = NULL;
      guint64 max_growth;
      Budget budget;

      if (equals == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--max-growth: expected NAME=COUNT, got “%s”"), items[i]);
          return FALSE;
        }

      name = g_strndup (items[i], equals - items[i]);
      if (!is_counter_name (name))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--max-growth: “%s” is not a counter name in “%s”"), name,
                       items[i]);
          return FALSE;
        }

      if (!g_ascii_string_to_unsigned (equals + 1, 10, 0, G_MAXINT64, &max_growth, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       /* Translators: what the user gave, a counter's name, the whole item. */
                       _("--max-growth: “%s” is not a whole number of %s in “%s”"),
                       equals + 1, name, items[i]);
          return FALSE;
        }

      for (guint j = 0; j < budgets->len; j++)
        {
          if (g_str_equal (g_array_index (budgets, Budget, j).name, name))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--max-growth: %s is given twice"), name);
              return FALSE;
            }
        }

      budget.name = g_steal_pointer (&name);
      budget.max_growth = max_growth;
      g_array_append_val (budgets, budget);
    }

  return TRUE;
}

static const Budget *
find_budget (LeakCheck  *self,
             const char *name)
{
  for (guint i = 0; i < self->budgets->len; i++)
    {
      const Budget *budget = &g_array_index (self->budgets, Budget, i);

      if (g_str_equal (budget->name, name))
        return budget;
    }

  return NULL;
}

static const MsCdpDomCounter *
find_counter (GArray     *counters,
              const char *name)
{
  for (guint i = 0; i < counters->len; i++)
    {
      const MsCdpDomCounter *counter = &g_array_index (counters, MsCdpDomCounter, i);

      if (g_str_equal (counter->name, name))
        return counter;
    }

  return NULL;
}

static char *
list_counter_names (GArray *counters)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < counters->len; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, g_array_index (counters, MsCdpDomCounter, i).name);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
report (LeakCheck *self)
{
  g_autoptr(GString) failures = g_string_new (NULL);

  /* Translators: the measured runs, then the runs before the baseline. */
  printf (_("%d iterations of the action after %d warm-up runs\n"), self->iterations,
          self->warmup);
  printf ("%-40s  %10s  %10s  %10s  %13s  %10s\n",
          _("counter"), _("before"), _("after"), _("delta"), _("per-iteration"), _("budget"));

  for (guint i = 0; i < self->after->len; i++)
    {
      const MsCdpDomCounter *after = &g_array_index (self->after, MsCdpDomCounter, i);
      const MsCdpDomCounter *before = find_counter (self->before, after->name);
      const Budget *budget = find_budget (self, after->name);
      g_autofree char *budget_text = NULL;
      gboolean exceeded;
      gint64 delta;

      /* A counter that appeared between the two snapshots started from nothing. */
      delta = after->count - (before ? before->count : 0);
      exceeded = budget != NULL && delta > budget->max_growth;
      budget_text = budget ? g_strdup_printf ("%" G_GINT64_FORMAT, budget->max_growth)
                           : g_strdup ("-");

      printf ("%-40s  %10" G_GINT64_FORMAT "  %10" G_GINT64_FORMAT "  %+10" G_GINT64_FORMAT
              "  %+13.2f  %10s%s%s\n",
              after->name, before ? before->count : 0, after->count, delta,
              (double) delta / self->iterations, budget_text, exceeded ? "  " : "",
              exceeded ? _("EXCEEDED") : "");

      if (exceeded)
        {
          if (failures->len > 0)
            g_string_append (failures, ", ");
          /* Translators: a counter's name, its growth, and the growth allowed. */
          g_string_append_printf (failures, _("%s grew by %lld (budget %lld)"), after->name,
                                  (long long) delta, (long long) budget->max_growth);
        }
    }

  if (failures->len > 0)
    {
      /* Translators: the counters that grew past their budgets. */
      printf (_("FAIL: %s\n"), failures->str);
      fflush (stdout);
      ms_cli_context_exit (self->ctx, MS_CLI_EXIT_CHECK_FAILED);
      return;
    }

  printf (_("PASS: no counter grew past its budget\n"));
  fflush (stdout);
  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_action_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  LeakCheck *self = user_data;
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) error = NULL;

  value = ms_cli_evaluate_finish (MS_CDP_CONNECTION (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (value == NULL)
    {
      if (self->n_run < (guint) self->warmup)
        ms_cli_context_fail_prefixed (self->ctx, error, _("warm-up run %u"), self->n_run + 1);
      else
        ms_cli_context_fail_prefixed (self->ctx, error, _("iteration %u"),
                                      self->n_run - self->warmup + 1);
      return;
    }

  self->n_run++;
  run_next (self);
}

/* The baseline is in: check the budgets' names against it, then run the action. */
static void
on_before (LeakCheck *self)
{
  /* A misspelt budget would otherwise pass silently. */
  for (guint i = 0; i < self->budgets->len; i++)
    {
      const Budget *budget = &g_array_index (self->budgets, Budget, i);

      if (find_counter (self->before, budget->name) == NULL)
        {
          g_autofree char *names = list_counter_names (self->before);

          ms_cli_context_failf (self->ctx, _("--max-growth: the browser has no counter named %s; "
                                "it has %s"), budget->name, names);
          return;
        }
    }

  run_next (self);
}

static void
snapshot_failed (LeakCheck    *self,
                 const GError *error)
{
  g_clear_pointer (&self->taking, g_array_unref);
  if (self->before == NULL)
    ms_cli_context_fail (self->ctx, error);
  else
    ms_cli_context_fail_prefixed (self->ctx, error, _("after the iterations"));
}

static void
insert_counter (GArray     *counters,
                guint       index,
                const char *name,
                gint64      count)
{
  MsCdpDomCounter counter = { g_strdup (name), count };

  g_array_insert_val (counters, index, counter);
}

static void
on_dom_counted (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  LeakCheck *self = user_data;
  g_autoptr(GError) error = NULL;
  MsCdpDomCounters dom;
  gboolean ok;

  ok = ms_live_target_get_dom_counters_finish (MS_LIVE_TARGET (object), result, &dom, &error);
  if (!ms_cli_context_release (self->ctx))
    return;
  if (!ok)
    {
      snapshot_failed (self, error);
      return;
    }

  /* The DOM counters first, under their protocol names. */
  insert_counter (self->taking, 0, "documents", dom.documents);
  insert_counter (self->taking, 1, "nodes", dom.nodes);
  insert_counter (self->taking, 2, "jsEventListeners", dom.js_event_listeners);
  if (self->before == NULL)
    {
      self->before = g_steal_pointer (&self->taking);
      on_before (self);
      return;
    }
  self->after = g_steal_pointer (&self->taking);
  report (self);
}

static void
on_leaks_counted (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LeakCheck *self = user_data;
  g_autoptr(GError) error = NULL;

  self->taking = ms_live_target_count_leaks_finish (MS_LIVE_TARGET (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;
  if (self->taking == NULL)
    {
      snapshot_failed (self, error);
      return;
    }

  ms_cli_context_hold (self->ctx);
  ms_live_target_get_dom_counters_async (self->target, ms_cli_context_get_cancellable (self->ctx),
                                         on_dom_counted, self);
}

/* After a full garbage collection: the leak counters, then the DOM counters. */
static void
take_snapshot (LeakCheck *self)
{
  ms_cli_context_hold (self->ctx);
  ms_live_target_count_leaks_async (self->target, ms_cli_context_get_cancellable (self->ctx),
                                    on_leaks_counted, self);
}

static void
run_next (LeakCheck *self)
{
  MsTargetConnection *connection = ms_live_target_get_connection (self->target);
  MsCdpConnection *conn = ms_target_connection_get_connection (connection);
  guint total = self->warmup + self->iterations;

  if (self->n_run == (guint) self->warmup && self->before == NULL)
    {
      take_snapshot (self);
      return;
    }

  if (self->n_run == total)
    {
      if (self->progress)
        fprintf (stderr, "\n");
      take_snapshot (self);
      return;
    }

  if (self->progress)
    {
      if (self->n_run < (guint) self->warmup)
        {
          fputc ('\r', stderr);
          fprintf (stderr, _("warm-up %u/%d"), self->n_run + 1, self->warmup);
          fputs ("   ", stderr);
        }
      else
        {
          fputc ('\r', stderr);
          fprintf (stderr, _("iteration %u/%d"), self->n_run - self->warmup + 1,
                   self->iterations);
          fputs ("   ", stderr);
        }
      fflush (stderr);
    }

  /* The page may have gone away (and the connection be looking for it again). */
  if (conn == NULL)
    {
      const GError *error = ms_target_connection_get_error (connection);

      ms_cli_context_failf (self->ctx, "%s", error ? error->message : _("not connected to a page"));
      return;
    }

  ms_cli_context_hold (self->ctx);
  ms_cli_evaluate_async (conn, self->action, FALSE, ms_cli_context_get_cancellable (self->ctx),
                         on_action_done, self);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LeakCheck *self = user_data;

  if (ms_cli_context_connect_finish (self->ctx, MS_LIVE_TARGET (object), result))
    run_next (self);
}

int
ms_cli_leak_check (MsCliContext *ctx,
                   GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_auto(GStrv) max_growth = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsLiveTarget) target = NULL;
  LeakCheck self = { ctx, NULL, NULL, DEFAULT_ITERATIONS, DEFAULT_WARMUP };
  const GOptionEntry entries[] = {
    { "action", 0, 0, G_OPTION_ARG_STRING, &action,
      N_("JavaScript run in the page on each iteration; a returned promise is awaited "
         "(required)"), "JS" },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &self.iterations,
      N_("Measured runs of the action (default 5)"), "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &self.warmup,
      N_("Runs before the baseline, for caches and lazy set-up (default 1)"), "N" },
    { "max-growth", 0, 0, G_OPTION_ARG_STRING_ARRAY, &max_growth,
      /* The default written out (a macro cannot be translated): DEFAULT_BUDGETS. */
      N_("Largest allowed growth over all iterations, per counter: documents, nodes, "
         "jsEventListeners or a live_* counter (default "
         "documents=0,nodes=0,jsEventListeners=0)"), "NAME=N,..." },
    { NULL }
  };
  int status;

  if (!ms_cli_context_parse_options (ctx, "leak-check", "",
                                     _("Run an action repeatedly in a page and check that its "
                                       "DOM and leak-detection counters do not grow."),
                                     _("Counters are taken after a full garbage collection "
                                       "(Memory.prepareForLeakDetection) before and after the "
                                       "iterations; the browser must run with "
                                       "--js-flags=--expose-gc (“memscope-cli launch” adds "
                                       "it).\n"
                                       "Exit status: 0 within budget, 1 a counter grew past its "
                                       "budget, 2 an error."),
                                     entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);
  if (action == NULL || *action == '\0')
    return ms_cli_context_usage_error (ctx, _("missing --action JS: the JavaScript to repeat"));
  if (self.iterations < 1 || self.iterations > MAX_ITERATIONS)
    return ms_cli_context_usage_error (ctx, _("--iterations: %d is not between 1 and %d"),
                                       self.iterations, MAX_ITERATIONS);
  if (self.warmup < 0 || self.warmup > MAX_ITERATIONS)
    return ms_cli_context_usage_error (ctx, _("--warmup: %d is not between 0 and %d"),
                                       self.warmup, MAX_ITERATIONS);

  self.budgets = g_array_new (FALSE, FALSE, sizeof (Budget));
  g_array_set_clear_func (self.budgets, budget_clear);
  if (max_growth == NULL)
    parse_budgets (DEFAULT_BUDGETS, self.budgets, NULL);
  for (guint i = 0; max_growth != NULL && max_growth[i] != NULL; i++)
    {
      if (!parse_budgets (max_growth[i], self.budgets, &error))
        {
          g_array_unref (self.budgets);
          return ms_cli_context_usage_error (ctx, "%s", error->message);
        }
    }

  self.action = action;
  self.progress = isatty (STDERR_FILENO);

  target = ms_cli_context_connect_live_target (ctx, on_connected, &self);
  self.target = target;
  status = ms_cli_context_run (ctx);

  g_clear_pointer (&self.taking, g_array_unref);
  g_clear_pointer (&self.before, g_array_unref);
  g_clear_pointer (&self.after, g_array_unref);
  g_clear_pointer (&self.budgets, g_array_unref);

  return status;
}
