/* ms-cli-leak.c: running JavaScript in a target and taking leak-detection counters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ms-cdp-memory.h"

#include "ms-cli-leak.h"

#define OBJECT_GROUP "memscope-cli"

/* A page can define its own `gc`; the flag's is native code. */
#define EXPOSE_GC_CHECK \
  "typeof gc === 'function' && /\\[native code\\]/.test(Function.prototype.toString.call(gc))"

/* Evaluate */

typedef struct
{
  char     *expression;
  gboolean  by_value;
  JsonNode *value;
} Evaluation;

static void
evaluation_free (Evaluation *evaluation)
{
  g_free (evaluation->expression);
  g_clear_pointer (&evaluation->value, json_node_unref);
  g_free (evaluation);
}

/* The exception's first line, or NULL when the details hold no text. */
static char *
describe_exception (JsonObject *details)
{
  JsonObject *exception = NULL;
  const char *text = NULL;
  const char *newline;

  if (json_object_has_member (details, "exception") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (details, "exception")))
    exception = json_object_get_object_member (details, "exception");

  if (exception != NULL && json_object_has_member (exception, "description") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (exception, "description")))
    text = json_object_get_string_member (exception, "description");
  else if (json_object_has_member (details, "text") &&
           JSON_NODE_HOLDS_VALUE (json_object_get_member (details, "text")))
    text = json_object_get_string_member (details, "text");

  if (text == NULL)
    return NULL;

  /* The stack trace follows on the next lines; the first says what happened. */
  newline = strchr (text, '\n');
  return newline ? g_strndup (text, newline - text) : g_strdup (text);
}

static void
on_object_group_released (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Evaluation *evaluation = g_task_get_task_data (task);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = ms_cdp_connection_call_finish (MS_CDP_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (evaluation->value != NULL)
    g_task_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                                            json_node_get_string (evaluation->value)));
  else
    g_task_return_pointer (task, json_node_init_null (json_node_alloc ()),
                           (GDestroyNotify) json_node_unref);
}

static void
on_evaluated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsCdpConnection *conn = MS_CDP_CONNECTION (object);
  Evaluation *evaluation = g_task_get_task_data (task);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exception = NULL;

  reply = ms_cdp_connection_call_finish (conn, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (json_object_has_member (reply, "exceptionDetails") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (reply, "exceptionDetails")))
    {
      g_autofree char *description =
        describe_exception (json_object_get_object_member (reply, "exceptionDetails"));

      if (description != NULL)
        /* Translators: the first %s is JavaScript code, the second the exception's message,
         * "ReferenceError: x is not defined". */
        exception = g_strdup_printf (_("“%s” threw %s"), evaluation->expression, description);
      else
        exception = g_strdup_printf (_("“%s” threw an exception"), evaluation->expression);
    }

  if (!evaluation->by_value)
    {
      g_autoptr(JsonObject) params = json_object_new ();

      /* Keep the message until the group is released; the release must happen either way. */
      if (exception != NULL)
        evaluation->value = json_node_init_string (json_node_alloc (), exception);
      json_object_set_string_member (params, "objectGroup", OBJECT_GROUP);
      ms_cdp_connection_call_async (conn, "Runtime.releaseObjectGroup", params, 0,
                                    g_task_get_cancellable (task),
                                    on_object_group_released, g_object_ref (task));
      return;
    }

  if (exception != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", exception);
      return;
    }

  if (json_object_has_member (reply, "result") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (reply, "result")))
    {
      JsonObject *remote = json_object_get_object_member (reply, "result");

      if (json_object_has_member (remote, "value"))
        {
          g_task_return_pointer (task, json_node_copy (json_object_get_member (remote, "value")),
                                 (GDestroyNotify) json_node_unref);
          return;
        }
    }

  g_task_return_pointer (task, json_node_init_null (json_node_alloc ()),
                         (GDestroyNotify) json_node_unref);
}

void
ms_cli_evaluate_async (MsCdpConnection     *conn,
                       const char          *expression,
                       gboolean             by_value,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) params = json_object_new ();
  Evaluation *evaluation;

  task = g_task_new (conn, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_cli_evaluate_async);
  evaluation = g_new0 (Evaluation, 1);
  evaluation->expression = g_strdup (expression);
  evaluation->by_value = by_value;
  g_task_set_task_data (task, evaluation, (GDestroyNotify) evaluation_free);

  json_object_set_string_member (params, "expression", expression);
  json_object_set_boolean_member (params, "awaitPromise", TRUE);
  json_object_set_boolean_member (params, "returnByValue", by_value);
  if (!by_value)
    json_object_set_string_member (params, "objectGroup", OBJECT_GROUP);
  ms_cdp_connection_call_async (conn, "Runtime.evaluate", params, 0, cancellable,
                                on_evaluated, g_steal_pointer (&task));
}

JsonNode *
ms_cli_evaluate_finish (MsCdpConnection  *conn,
                        GAsyncResult     *result,
                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, conn), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Snapshot */

typedef struct
{
  gboolean  with_dom_counters;
  GArray   *counters;
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->counters, g_array_unref);
  g_free (snapshot);
}

static void
counter_clear (gpointer data)
{
  MsCliCounter *counter = data;

  g_clear_pointer (&counter->name, g_free);
}

static void
append_counter (GArray     *counters,
                const char *name,
                gint64      count)
{
  MsCliCounter counter = { g_strdup (name), count };

  g_array_append_val (counters, counter);
}

static void
on_leak_counters (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Snapshot *snapshot = g_task_get_task_data (task);
  g_autoptr(GArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = ms_cdp_memory_get_dom_counters_for_leak_detection_finish (MS_CDP_CONNECTION (object),
                                                                   result, &error);
  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < list->len; i++)
    {
      const MsCdpDomCounter *counter = &g_array_index (list, MsCdpDomCounter, i);

      append_counter (snapshot->counters, counter->name, counter->count);
    }

  g_task_return_pointer (task, g_steal_pointer (&snapshot->counters),
                         (GDestroyNotify) g_array_unref);
}

static void
on_dom_counters (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Snapshot *snapshot = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  MsCdpDomCounters counters;

  if (!ms_cdp_memory_get_dom_counters_finish (MS_CDP_CONNECTION (object), result, &counters,
                                              &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  append_counter (snapshot->counters, "documents", counters.documents);
  append_counter (snapshot->counters, "nodes", counters.nodes);
  append_counter (snapshot->counters, "jsEventListeners", counters.js_event_listeners);

  cancellable = g_task_get_cancellable (task);
  ms_cdp_memory_get_dom_counters_for_leak_detection_async (MS_CDP_CONNECTION (object),
                                                           cancellable, on_leak_counters,
                                                           g_steal_pointer (&task));
}

static void
on_prepared (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Snapshot *snapshot = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!ms_cdp_memory_prepare_for_leak_detection_finish (MS_CDP_CONNECTION (object), result,
                                                        &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Not in the argument lists below: the task is stolen there. */
  cancellable = g_task_get_cancellable (task);
  if (snapshot->with_dom_counters)
    ms_cdp_memory_get_dom_counters_async (MS_CDP_CONNECTION (object), cancellable,
                                          on_dom_counters, g_steal_pointer (&task));
  else
    ms_cdp_memory_get_dom_counters_for_leak_detection_async (MS_CDP_CONNECTION (object),
                                                             cancellable, on_leak_counters,
                                                             g_steal_pointer (&task));
}

static void
on_expose_gc_checked (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsCdpConnection *conn = MS_CDP_CONNECTION (object);
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  value = ms_cli_evaluate_finish (conn, result, &error);
  if (value == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("cannot check that the browser runs with "
                                 "--js-flags=--expose-gc: %s"),
                               error->message);
      return;
    }

  if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN ||
      !json_node_get_boolean (value))
    {
      /* Without the flag, prepareForLeakDetection kills the renderer and every later call
       * on the target hangs: refuse instead. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s",
                               _("the browser does not run with --js-flags=--expose-gc, without "
                                 "which Memory.prepareForLeakDetection crashes the page; start "
                                 "it with “memscope-cli launch” or add that flag"));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  ms_cdp_memory_prepare_for_leak_detection_async (conn, cancellable, on_prepared,
                                                  g_steal_pointer (&task));
}

void
ms_cli_leak_snapshot_async (MsCdpConnection     *conn,
                            gboolean             with_dom_counters,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Snapshot *snapshot;

  task = g_task_new (conn, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_cli_leak_snapshot_async);
  snapshot = g_new0 (Snapshot, 1);
  snapshot->with_dom_counters = with_dom_counters;
  snapshot->counters = g_array_new (FALSE, FALSE, sizeof (MsCliCounter));
  g_array_set_clear_func (snapshot->counters, counter_clear);
  g_task_set_task_data (task, snapshot, (GDestroyNotify) snapshot_free);

  ms_cli_evaluate_async (conn, EXPOSE_GC_CHECK, TRUE, cancellable, on_expose_gc_checked,
                         g_steal_pointer (&task));
}

GArray *
ms_cli_leak_snapshot_finish (MsCdpConnection  *conn,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, conn), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const MsCliCounter *
ms_cli_counters_find (GArray     *counters,
                      const char *name)
{
  for (guint i = 0; i < counters->len; i++)
    {
      const MsCliCounter *counter = &g_array_index (counters, MsCliCounter, i);

      if (g_str_equal (counter->name, name))
        return counter;
    }

  return NULL;
}
