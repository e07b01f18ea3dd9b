/* ms-cdp-memory.c: the Memory domain's 11 commands, typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <math.h>
#include <inttypes.h>
#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "ms-cdp-error.h"
#include "ms-cdp-memory.h"

const char *
ms_cdp_pressure_level_to_string (MsCdpPressureLevel level)
{
  switch (level)
    {
    case MS_CDP_PRESSURE_MODERATE:
      return "moderate";
    case MS_CDP_PRESSURE_CRITICAL:
      return "critical";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
ms_cdp_pressure_level_from_string (const char         *text,
                                   MsCdpPressureLevel *level)
{
  if (g_strcmp0 (text, "moderate") == 0)
    *level = MS_CDP_PRESSURE_MODERATE;
  else if (g_strcmp0 (text, "critical") == 0)
    *level = MS_CDP_PRESSURE_CRITICAL;
  else
    return FALSE;
  return TRUE;
}

const char *
ms_cdp_profile_source_to_method (MsCdpProfileSource source)
{
  switch (source)
    {
    case MS_CDP_PROFILE_SINCE_START:
      return "Memory.getSamplingProfile";
    case MS_CDP_PROFILE_ALL_TIME:
      return "Memory.getAllTimeSamplingProfile";
    case MS_CDP_PROFILE_BROWSER:
      return "Memory.getBrowserSamplingProfile";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Shape checks: each failure names the member by its path in the result. */

/* Translators: what a member of a reply holds, in “counters: expected an array, got a
 * string”. */
static const char *
json_type_name (JsonNode *node)
{
  if (node == NULL)
    return _("nothing");
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      {
        GType t = json_node_get_value_type (node);
        if (t == G_TYPE_STRING)
          return _("a string");
        if (t == G_TYPE_BOOLEAN)
          return _("a boolean");
        return _("a number");
      }
    default:
      return _("something else");
    }
}

static gboolean
wrong_shape (GError    **error,
             const char *path,
             const char *expected,
             JsonNode   *node)
{
  if (node == NULL)
    g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                 _("%s: missing (expected %s)"), path, expected);
  else
    g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                 _("%s: expected %s, got %s"), path, expected, json_type_name (node));
  return FALSE;
}

static gboolean
is_number (JsonNode *node)
{
  GType t;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean
get_count (JsonNode    *node,
           const char  *path,
           gint64      *out,
           GError     **error)
{
  if (!is_number (node))
    return wrong_shape (error, path, _("a number"), node);

  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (!isfinite (d) || d != floor (d) || fabs (d) > 9.007199254740992e15)
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                       _("%s: expected a whole number, got %g"), path, d);
          return FALSE;
        }
      *out = (gint64) d;
    }
  else
    *out = json_node_get_int (node);

  if (*out < 0)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   _("%s: negative number %" PRId64), path, (int64_t) *out);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_string (JsonNode    *node,
            const char  *path,
            const char **out,
            GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_shape (error, path, _("a string"), node);
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
ms_cdp_dom_counters_from_json (JsonObject        *result,
                               MsCdpDomCounters  *counters,
                               GError           **error)
{
  MsCdpDomCounters c = { 0 };

  if (!get_count (json_object_get_member (result, "documents"), "documents", &c.documents, error) ||
      !get_count (json_object_get_member (result, "nodes"), "nodes", &c.nodes, error) ||
      !get_count (json_object_get_member (result, "jsEventListeners"), "jsEventListeners",
                  &c.js_event_listeners, error))
    return FALSE;

  *counters = c;
  return TRUE;
}

static void
dom_counter_clear (MsCdpDomCounter *counter)
{
  g_clear_pointer (&counter->name, g_free);
}

GArray *
ms_cdp_dom_counter_list_from_json (JsonObject  *result,
                                   GError     **error)
{
  g_autoptr(GArray) list = g_array_new (FALSE, TRUE, sizeof (MsCdpDomCounter));
  JsonNode *node = json_object_get_member (result, "counters");
  JsonArray *array;

  g_array_set_clear_func (list, (GDestroyNotify) dom_counter_clear);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      wrong_shape (error, "counters", _("an array"), node);
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *path = g_strdup_printf ("counters[%u]", i);
      g_autofree char *name_path = g_strdup_printf ("counters[%u].name", i);
      g_autofree char *count_path = g_strdup_printf ("counters[%u].count", i);
      MsCdpDomCounter counter = { 0 };
      const char *name = NULL;
      JsonObject *obj;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          wrong_shape (error, path, _("an object"), item);
          return NULL;
        }
      obj = json_node_get_object (item);
      if (!get_string (json_object_get_member (obj, "name"), name_path, &name, error) ||
          !get_count (json_object_get_member (obj, "count"), count_path, &counter.count, error))
        return NULL;
      counter.name = g_strdup (name);
      g_array_append_val (list, counter);
    }

  return g_steal_pointer (&list);
}

typedef gpointer (*ResultParser) (JsonObject *result, GError **error);

/* How a command's "result" becomes its typed value; NULL parse: the result is {}. */
typedef struct
{
  ResultParser   parse;
  GDestroyNotify free_value;
} ResultType;

static void
command_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const ResultType *type = g_task_get_task_data (task);
  g_autoptr(JsonObject) reply = NULL;
  GError *error = NULL;
  gpointer value;

  reply = ms_cdp_connection_call_finish (MS_CDP_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (type == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  value = type->parse (reply, &error);
  if (value == NULL)
    {
      g_prefix_error (&error, _("Unexpected reply to %s: "),
                      (const char *) g_task_get_name (task));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, value, type->free_value);
}

static void
run_command (MsCdpConnection     *conn,
             const char          *method,
             JsonObject          *params,
             const ResultType    *type,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  GTask *task;

  g_return_if_fail (MS_IS_CDP_CONNECTION (conn));

  task = g_task_new (conn, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, method);
  g_task_set_task_data (task, (gpointer) type, NULL);
  ms_cdp_connection_call_async (conn, method, params, 0, cancellable, command_cb, task);
}

static gboolean
finish_boolean (MsCdpConnection  *conn,
                GAsyncResult     *result,
                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, conn), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
parse_dom_counters (JsonObject  *result,
                    GError     **error)
{
  MsCdpDomCounters *c = g_new0 (MsCdpDomCounters, 1);

  if (!ms_cdp_dom_counters_from_json (result, c, error))
    {
      g_free (c);
      return NULL;
    }
  return c;
}

void
ms_cdp_memory_get_dom_counters_async (MsCdpConnection     *conn,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  static const ResultType type = { parse_dom_counters, g_free };

  run_command (conn, "Memory.getDOMCounters", NULL, &type,
               cancellable, callback, user_data, ms_cdp_memory_get_dom_counters_async);
}

gboolean
ms_cdp_memory_get_dom_counters_finish (MsCdpConnection   *conn,
                                       GAsyncResult      *result,
                                       MsCdpDomCounters  *counters,
                                       GError           **error)
{
  g_autofree MsCdpDomCounters *c = NULL;

  g_return_val_if_fail (g_task_is_valid (result, conn), FALSE);

  c = g_task_propagate_pointer (G_TASK (result), error);
  if (c == NULL)
    return FALSE;
  if (counters != NULL)
    *counters = *c;
  return TRUE;
}

static gpointer
parse_dom_counter_list (JsonObject  *result,
                        GError     **error)
{
  return ms_cdp_dom_counter_list_from_json (result, error);
}

void
ms_cdp_memory_get_dom_counters_for_leak_detection_async (MsCdpConnection     *conn,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data)
{
  static const ResultType type = { parse_dom_counter_list, (GDestroyNotify) g_array_unref };

  run_command (conn, "Memory.getDOMCountersForLeakDetection", NULL, &type,
               cancellable, callback, user_data,
               ms_cdp_memory_get_dom_counters_for_leak_detection_async);
}

GArray *
ms_cdp_memory_get_dom_counters_for_leak_detection_finish (MsCdpConnection  *conn,
                                                          GAsyncResult     *result,
                                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, conn), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ms_cdp_memory_prepare_for_leak_detection_async (MsCdpConnection     *conn,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  run_command (conn, "Memory.prepareForLeakDetection", NULL, NULL,
               cancellable, callback, user_data, ms_cdp_memory_prepare_for_leak_detection_async);
}

gboolean
ms_cdp_memory_prepare_for_leak_detection_finish (MsCdpConnection  *conn,
                                                 GAsyncResult     *result,
                                                 GError          **error)
{
  return finish_boolean (conn, result, error);
}

void
ms_cdp_memory_forcibly_purge_javascript_memory_async (MsCdpConnection     *conn,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  run_command (conn, "Memory.forciblyPurgeJavaScriptMemory", NULL, NULL,
               cancellable, callback, user_data,
               ms_cdp_memory_forcibly_purge_javascript_memory_async);
}

gboolean
ms_cdp_memory_forcibly_purge_javascript_memory_finish (MsCdpConnection  *conn,
                                                       GAsyncResult     *result,
                                                       GError          **error)
{
  return finish_boolean (conn, result, error);
}

void
ms_cdp_memory_set_pressure_notifications_suppressed_async (MsCdpConnection     *conn,
                                                           gboolean             suppressed,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data)
{
  g_autoptr(JsonObject) params = json_object_new ();

  json_object_set_boolean_member (params, "suppressed", !!suppressed);
  run_command (conn, "Memory.setPressureNotificationsSuppressed", params, NULL,
               cancellable, callback, user_data,
               ms_cdp_memory_set_pressure_notifications_suppressed_async);
}

gboolean
ms_cdp_memory_set_pressure_notifications_suppressed_finish (MsCdpConnection  *conn,
                                                            GAsyncResult     *result,
                                                            GError          **error)
{
  return finish_boolean (conn, result, error);
}

void
ms_cdp_memory_simulate_pressure_notification_async (MsCdpConnection     *conn,
                                                    MsCdpPressureLevel   level,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  g_autoptr(JsonObject) params = json_object_new ();
  const char *name = ms_cdp_pressure_level_to_string (level);

  g_return_if_fail (name != NULL);

  json_object_set_string_member (params, "level", name);
  run_command (conn, "Memory.simulatePressureNotification", params, NULL,
               cancellable, callback, user_data,
               ms_cdp_memory_simulate_pressure_notification_async);
}

gboolean
ms_cdp_memory_simulate_pressure_notification_finish (MsCdpConnection  *conn,
                                                     GAsyncResult     *result,
                                                     GError          **error)
{
  return finish_boolean (conn, result, error);
}

void
ms_cdp_memory_start_sampling_async (MsCdpConnection     *conn,
                                    guint                sampling_interval,
                                    gboolean             suppress_randomness,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) params = json_object_new ();

  if (sampling_interval > 0)
    json_object_set_int_member (params, "samplingInterval", sampling_interval);
  if (suppress_randomness)
    json_object_set_boolean_member (params, "suppressRandomness", TRUE);
  run_command (conn, "Memory.startSampling", params, NULL,
               cancellable, callback, user_data, ms_cdp_memory_start_sampling_async);
}

gboolean
ms_cdp_memory_start_sampling_finish (MsCdpConnection  *conn,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  return finish_boolean (conn, result, error);
}

void
ms_cdp_memory_stop_sampling_async (MsCdpConnection     *conn,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  run_command (conn, "Memory.stopSampling", NULL, NULL,
               cancellable, callback, user_data, ms_cdp_memory_stop_sampling_async);
}

gboolean
ms_cdp_memory_stop_sampling_finish (MsCdpConnection  *conn,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  return finish_boolean (conn, result, error);
}

void
ms_cdp_memory_get_sampling_profile_raw_async (MsCdpConnection     *conn,
                                              MsCdpProfileSource   source,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  const char *method = ms_cdp_profile_source_to_method (source);

  g_return_if_fail (method != NULL);
  ms_cdp_connection_call_raw_async (conn, method, NULL, 0, cancellable, callback, user_data);
}

GBytes *
ms_cdp_memory_get_sampling_profile_raw_finish (MsCdpConnection  *conn,
                                               GAsyncResult     *result,
                                               GError          **error)
{
  return ms_cdp_connection_call_raw_finish (conn, result, error);
}
