/* ms-cdp-json.c: reading the DevTools server's HTTP replies with json-glib
 *
 * Every WRONG_SHAPE message names the member as a path, e.g. “[2].id”.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <string.h>

#include "ms-cdp-error.h"
#include "ms-cdp-json-private.h"
#include "ms-cdp-message-private.h"

JsonNode *
ms_cdp_json_parse (const char  *data,
                   gssize       length,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL)
    data = "";
  if (length < 0)
    length = strlen (data);

  /* json-glib's parser recurses once per level: refuse deep nesting before it sees it. */
  if (!ms_cdp_json_check (data, length, &local_error))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED,
                   "The reply is not JSON: %s", local_error->message);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED,
                   "The reply is not JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED,
                           "The reply is empty");
      return NULL;
    }

  return root;
}

static char *
member_path (const char *prefix,
             const char *member)
{
  if (prefix == NULL || *prefix == '\0')
    return g_strdup (member);
  else if (member[0] == '[')
    return g_strconcat (prefix, member, NULL);
  else
    return g_strconcat (prefix, ".", member, NULL);
}

void
ms_cdp_json_set_wrong_shape (GError     **error,
                             const char  *prefix,
                             const char  *member,
                             const char  *expected)
{
  g_autofree char *path = member_path (prefix, member);

  g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
               "Member “%s” %s", path, expected);
}

/* Copies the string member @member into @out. A missing (or null) optional member leaves
 * @out NULL. */
gboolean
ms_cdp_json_read_string_member (JsonObject  *object,
                                const char  *prefix,
                                const char  *member,
                                gboolean     required,
                                char       **out,
                                GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          ms_cdp_json_set_wrong_shape (error, prefix, member, "is missing");
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      ms_cdp_json_set_wrong_shape (error, prefix, member, "is not a string");
      return FALSE;
    }

  *out = g_strdup (json_node_get_string (node));

  return TRUE;
}

JsonArray *
ms_cdp_json_get_array_member (JsonObject  *object,
                              const char  *prefix,
                              const char  *member,
                              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      ms_cdp_json_set_wrong_shape (error, prefix, member, "is missing");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      ms_cdp_json_set_wrong_shape (error, prefix, member, "is not an array");
      return NULL;
    }

  return json_node_get_array (node);
}
