/* ms-cli-leak.c: running JavaScript in a target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ms-cli-leak.h"

#define OBJECT_GROUP "memscope-cli"

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
    return g_strdup ("an exception");

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

      exception = g_strdup_printf (_("“%s” threw %s"), evaluation->expression, description);
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
