/* ms-cdp-target.c: one entry of /json/list, and finding the one the user means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <string.h>

#include "ms-cdp-error.h"
#include "ms-cdp-json-private.h"
#include "ms-cdp-target.h"

struct _MsCdpTarget
{
  GObject  parent_instance;

  char    *id;
  char    *target_type;
  char    *title;
  char    *url;
  char    *debugger_url;
};

G_DEFINE_FINAL_TYPE (MsCdpTarget, ms_cdp_target, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TARGET_TYPE,
  PROP_TITLE,
  PROP_URL,
  PROP_DEBUGGER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ms_cdp_target_finalize (GObject *object)
{
  MsCdpTarget *self = (MsCdpTarget *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->target_type, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->debugger_url, g_free);

  G_OBJECT_CLASS (ms_cdp_target_parent_class)->finalize (object);
}

static void
ms_cdp_target_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MsCdpTarget *self = MS_CDP_TARGET (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_TARGET_TYPE:
      g_value_set_string (value, self->target_type);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_DEBUGGER_URL:
      g_value_set_string (value, self->debugger_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_target_class_init (MsCdpTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ms_cdp_target_finalize;
  object_class->get_property = ms_cdp_target_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TARGET_TYPE] =
    g_param_spec_string ("target-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEBUGGER_URL] =
    g_param_spec_string ("debugger-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_cdp_target_init (MsCdpTarget *self)
{
}

const char *
ms_cdp_target_get_id (MsCdpTarget *self)
{
  g_return_val_if_fail (MS_IS_CDP_TARGET (self), NULL);

  return self->id;
}

const char *
ms_cdp_target_get_target_type (MsCdpTarget *self)
{
  g_return_val_if_fail (MS_IS_CDP_TARGET (self), NULL);

  return self->target_type;
}

const char *
ms_cdp_target_get_title (MsCdpTarget *self)
{
  g_return_val_if_fail (MS_IS_CDP_TARGET (self), NULL);

  return self->title;
}

const char *
ms_cdp_target_get_url (MsCdpTarget *self)
{
  g_return_val_if_fail (MS_IS_CDP_TARGET (self), NULL);

  return self->url;
}

const char *
ms_cdp_target_get_debugger_url (MsCdpTarget *self)
{
  g_return_val_if_fail (MS_IS_CDP_TARGET (self), NULL);

  return self->debugger_url;
}

static MsCdpTarget *
ms_cdp_target_new_from_node (JsonNode    *node,
                             guint        index,
                             GError     **error)
{
  g_autoptr(MsCdpTarget) self = NULL;
  g_autofree char *prefix = g_strdup_printf ("[%u]", index);
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ms_cdp_json_set_wrong_shape (error, NULL, prefix, "is not an object");
      return NULL;
    }

  object = json_node_get_object (node);
  self = g_object_new (MS_TYPE_CDP_TARGET, NULL);

  if (!ms_cdp_json_read_string_member (object, prefix, "id", TRUE, &self->id, error) ||
      !ms_cdp_json_read_string_member (object, prefix, "type", TRUE, &self->target_type, error) ||
      !ms_cdp_json_read_string_member (object, prefix, "url", TRUE, &self->url, error) ||
      !ms_cdp_json_read_string_member (object, prefix, "title", FALSE, &self->title, error) ||
      !ms_cdp_json_read_string_member (object, prefix, "webSocketDebuggerUrl", FALSE,
                                       &self->debugger_url, error))
    return NULL;

  if (self->title == NULL)
    self->title = g_strdup ("");

  return g_steal_pointer (&self);
}

GPtrArray *
ms_cdp_target_list_new_from_json (const char  *data,
                                  gssize       length,
                                  GError     **error)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  guint n_targets;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(root = ms_cdp_json_parse (data, length, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                           "The target list is not a JSON array");
      return NULL;
    }

  array = json_node_get_array (root);
  n_targets = json_array_get_length (array);
  targets = g_ptr_array_new_full (n_targets, g_object_unref);

  for (guint i = 0; i < n_targets; i++)
    {
      MsCdpTarget *target = ms_cdp_target_new_from_node (json_array_get_element (array, i), i,
                                                         error);

      if (target == NULL)
        return NULL;

      g_ptr_array_add (targets, target);
    }

  return g_steal_pointer (&targets);
}

/* Returns a new reference. */
MsCdpTarget *
ms_cdp_target_list_find (GPtrArray   *targets,
                         const char  *selector,
                         GError     **error)
{
  g_return_val_if_fail (targets != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (selector == NULL)
    {
      for (guint i = 0; i < targets->len; i++)
        {
          MsCdpTarget *target = g_ptr_array_index (targets, i);

          if (g_strcmp0 (target->target_type, "page") == 0)
            return g_object_ref (target);
        }

      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND,
                   "No page among the browser's %u targets; open a tab first", targets->len);
      return NULL;
    }

  /* An id wins over a URL that happens to contain it. */
  for (guint i = 0; i < targets->len; i++)
    {
      MsCdpTarget *target = g_ptr_array_index (targets, i);

      if (g_strcmp0 (target->id, selector) == 0)
        return g_object_ref (target);
    }

  for (guint i = 0; i < targets->len; i++)
    {
      MsCdpTarget *target = g_ptr_array_index (targets, i);

      if (target->url != NULL && strstr (target->url, selector) != NULL)
        return g_object_ref (target);
    }

  g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND,
               "No target has the id “%s” or a URL containing it", selector);
  return NULL;
}
