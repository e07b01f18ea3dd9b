/* ms-cdp-discovery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ms-cdp-discovery.h"
#include "ms-cdp-discovery-private.h"
#include "ms-cdp-error.h"
#include "ms-cdp-message-private.h"

#define DEFAULT_TIMEOUT_SECONDS 10

/* /json/protocol is 1–2 MB and /json/list grows with the tabs; nothing a DevTools
 * server sends comes near this. */
#define DEFAULT_MAX_BODY_SIZE (64 * 1024 * 1024)

/* Reads of the body are this size; the cap is checked after each. */
#define READ_CHUNK_SIZE (64 * 1024)

/* What the Memory domain must offer for every view of Memscope to work. */
static const char * const memory_commands[] = {
  "getDOMCounters",
  "getDOMCountersForLeakDetection",
  "prepareForLeakDetection",
  "forciblyPurgeJavaScriptMemory",
  "setPressureNotificationsSuppressed",
  "simulatePressureNotification",
  "startSampling",
  "stopSampling",
  "getAllTimeSamplingProfile",
  "getBrowserSamplingProfile",
  "getSamplingProfile",
};

/* JSON helpers: every WRONG_SHAPE message names the member as a path, e.g. “[2].id” */

static JsonNode *
parse_json (const char  *data,
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

static void
set_wrong_shape (GError     **error,
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
static gboolean
read_string_member (JsonObject  *object,
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
          set_wrong_shape (error, prefix, member, "is missing");
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_wrong_shape (error, prefix, member, "is not a string");
      return FALSE;
    }

  *out = g_strdup (json_node_get_string (node));

  return TRUE;
}

static JsonArray *
get_array_member (JsonObject  *object,
                  const char  *prefix,
                  const char  *member,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      set_wrong_shape (error, prefix, member, "is missing");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_wrong_shape (error, prefix, member, "is not an array");
      return NULL;
    }

  return json_node_get_array (node);
}

/* MsCdpBrowserVersion */

struct _MsCdpBrowserVersion
{
  GObject  parent_instance;

  char    *browser;
  char    *protocol_version;
  char    *user_agent;
  char    *v8_version;
  char    *webkit_version;
  char    *debugger_url;
};

G_DEFINE_FINAL_TYPE (MsCdpBrowserVersion, ms_cdp_browser_version, G_TYPE_OBJECT)

enum {
  VERSION_PROP_0,
  VERSION_PROP_BROWSER,
  VERSION_PROP_PROTOCOL_VERSION,
  VERSION_PROP_USER_AGENT,
  VERSION_PROP_V8_VERSION,
  VERSION_PROP_WEBKIT_VERSION,
  VERSION_PROP_DEBUGGER_URL,
  VERSION_N_PROPS
};

static GParamSpec *version_properties[VERSION_N_PROPS];

static void
ms_cdp_browser_version_finalize (GObject *object)
{
  MsCdpBrowserVersion *self = (MsCdpBrowserVersion *)object;

  g_clear_pointer (&self->browser, g_free);
  g_clear_pointer (&self->protocol_version, g_free);
  g_clear_pointer (&self->user_agent, g_free);
  g_clear_pointer (&self->v8_version, g_free);
  g_clear_pointer (&self->webkit_version, g_free);
  g_clear_pointer (&self->debugger_url, g_free);

  G_OBJECT_CLASS (ms_cdp_browser_version_parent_class)->finalize (object);
}

static void
ms_cdp_browser_version_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  MsCdpBrowserVersion *self = MS_CDP_BROWSER_VERSION (object);

  switch (prop_id)
    {
    case VERSION_PROP_BROWSER:
      g_value_set_string (value, self->browser);
      break;

    case VERSION_PROP_PROTOCOL_VERSION:
      g_value_set_string (value, self->protocol_version);
      break;

    case VERSION_PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;

    case VERSION_PROP_V8_VERSION:
      g_value_set_string (value, self->v8_version);
      break;

    case VERSION_PROP_WEBKIT_VERSION:
      g_value_set_string (value, self->webkit_version);
      break;

    case VERSION_PROP_DEBUGGER_URL:
      g_value_set_string (value, self->debugger_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_browser_version_class_init (MsCdpBrowserVersionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ms_cdp_browser_version_finalize;
  object_class->get_property = ms_cdp_browser_version_get_property;

  version_properties[VERSION_PROP_BROWSER] =
    g_param_spec_string ("browser", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  version_properties[VERSION_PROP_PROTOCOL_VERSION] =
    g_param_spec_string ("protocol-version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  version_properties[VERSION_PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  version_properties[VERSION_PROP_V8_VERSION] =
    g_param_spec_string ("v8-version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  version_properties[VERSION_PROP_WEBKIT_VERSION] =
    g_param_spec_string ("webkit-version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  version_properties[VERSION_PROP_DEBUGGER_URL] =
    g_param_spec_string ("debugger-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, VERSION_N_PROPS, version_properties);
}

static void
ms_cdp_browser_version_init (MsCdpBrowserVersion *self)
{
}

MsCdpBrowserVersion *
ms_cdp_browser_version_new_from_json (const char  *data,
                                      gssize       length,
                                      GError     **error)
{
  g_autoptr(MsCdpBrowserVersion) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(root = parse_json (data, length, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                           "The reply is not a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  self = g_object_new (MS_TYPE_CDP_BROWSER_VERSION, NULL);

  if (!read_string_member (object, NULL, "Browser", TRUE, &self->browser, error) ||
      !read_string_member (object, NULL, "Protocol-Version", TRUE, &self->protocol_version, error) ||
      !read_string_member (object, NULL, "webSocketDebuggerUrl", TRUE, &self->debugger_url, error) ||
      !read_string_member (object, NULL, "User-Agent", FALSE, &self->user_agent, error) ||
      !read_string_member (object, NULL, "V8-Version", FALSE, &self->v8_version, error) ||
      !read_string_member (object, NULL, "WebKit-Version", FALSE, &self->webkit_version, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
ms_cdp_browser_version_get_browser (MsCdpBrowserVersion *self)
{
  g_return_val_if_fail (MS_IS_CDP_BROWSER_VERSION (self), NULL);

  return self->browser;
}

const char *
ms_cdp_browser_version_get_protocol_version (MsCdpBrowserVersion *self)
{
  g_return_val_if_fail (MS_IS_CDP_BROWSER_VERSION (self), NULL);

  return self->protocol_version;
}

const char *
ms_cdp_browser_version_get_user_agent (MsCdpBrowserVersion *self)
{
  g_return_val_if_fail (MS_IS_CDP_BROWSER_VERSION (self), NULL);

  return self->user_agent;
}

const char *
ms_cdp_browser_version_get_v8_version (MsCdpBrowserVersion *self)
{
  g_return_val_if_fail (MS_IS_CDP_BROWSER_VERSION (self), NULL);

  return self->v8_version;
}

const char *
ms_cdp_browser_version_get_webkit_version (MsCdpBrowserVersion *self)
{
  g_return_val_if_fail (MS_IS_CDP_BROWSER_VERSION (self), NULL);

  return self->webkit_version;
}

const char *
ms_cdp_browser_version_get_debugger_url (MsCdpBrowserVersion *self)
{
  g_return_val_if_fail (MS_IS_CDP_BROWSER_VERSION (self), NULL);

  return self->debugger_url;
}

/* MsCdpTarget */

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
  TARGET_PROP_0,
  TARGET_PROP_ID,
  TARGET_PROP_TARGET_TYPE,
  TARGET_PROP_TITLE,
  TARGET_PROP_URL,
  TARGET_PROP_DEBUGGER_URL,
  TARGET_N_PROPS
};

static GParamSpec *target_properties[TARGET_N_PROPS];

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
    case TARGET_PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case TARGET_PROP_TARGET_TYPE:
      g_value_set_string (value, self->target_type);
      break;

    case TARGET_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case TARGET_PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case TARGET_PROP_DEBUGGER_URL:
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

  target_properties[TARGET_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  target_properties[TARGET_PROP_TARGET_TYPE] =
    g_param_spec_string ("target-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  target_properties[TARGET_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  target_properties[TARGET_PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  target_properties[TARGET_PROP_DEBUGGER_URL] =
    g_param_spec_string ("debugger-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, TARGET_N_PROPS, target_properties);
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
      set_wrong_shape (error, NULL, prefix, "is not an object");
      return NULL;
    }

  object = json_node_get_object (node);
  self = g_object_new (MS_TYPE_CDP_TARGET, NULL);

  if (!read_string_member (object, prefix, "id", TRUE, &self->id, error) ||
      !read_string_member (object, prefix, "type", TRUE, &self->target_type, error) ||
      !read_string_member (object, prefix, "url", TRUE, &self->url, error) ||
      !read_string_member (object, prefix, "title", FALSE, &self->title, error) ||
      !read_string_member (object, prefix, "webSocketDebuggerUrl", FALSE, &self->debugger_url, error))
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

  if (!(root = parse_json (data, length, error)))
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
      MsCdpTarget *target = ms_cdp_target_new_from_node (json_array_get_element (array, i), i, error);

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

/* /json/protocol */

gboolean
ms_cdp_protocol_has_memory_domain (const char  *data,
                                   gssize       length,
                                   GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GHashTable) offered = NULL;
  JsonArray *domains;
  JsonArray *commands = NULL;
  guint n_domains;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(root = parse_json (data, length, error)))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                           "The protocol description is not a JSON object");
      return FALSE;
    }

  if (!(domains = get_array_member (json_node_get_object (root), NULL, "domains", error)))
    return FALSE;

  n_domains = json_array_get_length (domains);
  for (guint i = 0; i < n_domains && commands == NULL; i++)
    {
      JsonNode *node = json_array_get_element (domains, i);
      g_autofree char *prefix = g_strdup_printf ("domains[%u]", i);
      g_autofree char *name = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          set_wrong_shape (error, NULL, prefix, "is not an object");
          return FALSE;
        }

      if (!read_string_member (json_node_get_object (node), prefix, "domain", TRUE, &name, error))
        return FALSE;

      if (g_strcmp0 (name, "Memory") != 0)
        continue;

      if (!(commands = get_array_member (json_node_get_object (node), prefix, "commands", error)))
        return FALSE;
    }

  if (commands == NULL)
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_NOT_SUPPORTED,
                           "This browser's DevTools protocol has no Memory domain");
      return FALSE;
    }

  offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (commands); i++)
    {
      JsonNode *node = json_array_get_element (commands, i);
      char *name = NULL;

      /* Commands of a shape we do not understand count as absent. */
      if (JSON_NODE_HOLDS_OBJECT (node) &&
          read_string_member (json_node_get_object (node), NULL, "name", FALSE, &name, NULL) &&
          name != NULL)
        g_hash_table_add (offered, name);
    }

  missing = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (memory_commands); i++)
    {
      if (!g_hash_table_contains (offered, memory_commands[i]))
        g_ptr_array_add (missing, (gpointer) memory_commands[i]);
    }

  if (missing->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (missing, NULL);
      list = g_strjoinv (", ", (char **) missing->pdata);
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_NOT_SUPPORTED,
                   "This browser's Memory domain lacks %s", list);
      return FALSE;
    }

  return TRUE;
}

/* MsCdpDiscovery */

struct _MsCdpDiscovery
{
  GObject        parent_instance;

  MsCdpEndpoint *endpoint;
  SoupSession   *session;
  guint          timeout;
  gsize          max_body_size;
};

G_DEFINE_FINAL_TYPE (MsCdpDiscovery, ms_cdp_discovery, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ms_cdp_discovery_dispose (GObject *object)
{
  MsCdpDiscovery *self = (MsCdpDiscovery *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ms_cdp_discovery_parent_class)->dispose (object);
}

static void
ms_cdp_discovery_finalize (GObject *object)
{
  MsCdpDiscovery *self = (MsCdpDiscovery *)object;

  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);

  G_OBJECT_CLASS (ms_cdp_discovery_parent_class)->finalize (object);
}

static void
ms_cdp_discovery_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MsCdpDiscovery *self = MS_CDP_DISCOVERY (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_boxed (value, self->endpoint);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_discovery_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MsCdpDiscovery *self = MS_CDP_DISCOVERY (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      self->endpoint = g_value_dup_boxed (value);
      break;

    case PROP_TIMEOUT:
      ms_cdp_discovery_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_discovery_class_init (MsCdpDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_cdp_discovery_dispose;
  object_class->finalize = ms_cdp_discovery_finalize;
  object_class->get_property = ms_cdp_discovery_get_property;
  object_class->set_property = ms_cdp_discovery_set_property;

  properties[PROP_ENDPOINT] =
    g_param_spec_boxed ("endpoint", NULL, NULL,
                        MS_TYPE_CDP_ENDPOINT,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /* Seconds for a whole request; 0 means none. */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_cdp_discovery_init (MsCdpDiscovery *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->max_body_size = DEFAULT_MAX_BODY_SIZE;
  self->session = soup_session_new_with_options ("user-agent", "Memscope/" PACKAGE_VERSION,
                                                 "timeout", self->timeout,
                                                 NULL);

  /* A DevTools port is a local or tunnelled debugging socket, never something a web
   * proxy should see (or answer for). */
  soup_session_set_proxy_resolver (self->session, NULL);
}

MsCdpDiscovery *
ms_cdp_discovery_new (MsCdpEndpoint *endpoint)
{
  g_return_val_if_fail (endpoint != NULL, NULL);

  return g_object_new (MS_TYPE_CDP_DISCOVERY,
                       "endpoint", endpoint,
                       NULL);
}

MsCdpEndpoint *
ms_cdp_discovery_get_endpoint (MsCdpDiscovery *self)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);

  return self->endpoint;
}

void
ms_cdp_discovery_set_timeout (MsCdpDiscovery *self,
                              guint           seconds)
{
  g_return_if_fail (MS_IS_CDP_DISCOVERY (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  soup_session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
ms_cdp_discovery_set_max_body_size (MsCdpDiscovery *self,
                                    gsize           max_size)
{
  g_return_if_fail (MS_IS_CDP_DISCOVERY (self));
  g_return_if_fail (max_size > 0);

  self->max_body_size = max_size;
}

/* One GET, its timeout and its cancellation */

typedef enum
{
  FETCH_VERSION,
  FETCH_TARGETS,
  FETCH_PROTOCOL,
} FetchKind;

typedef struct
{
  FetchKind     kind;
  char         *url;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  GCancellable *cancellable;         /* ours, cancelled by the caller's or the timeout */
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *timeout_source;
  gboolean      timed_out;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  if (fetch->timeout_source != NULL)
    {
      g_source_destroy (fetch->timeout_source);
      g_clear_pointer (&fetch->timeout_source, g_source_unref);
    }

  if (fetch->caller_handler != 0)
    g_cancellable_disconnect (fetch->caller_cancellable, fetch->caller_handler);

  g_clear_object (&fetch->caller_cancellable);
  g_clear_object (&fetch->cancellable);
  g_clear_object (&fetch->stream);
  g_clear_object (&fetch->message);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_free (fetch->url);
  g_free (fetch);
}

static void
on_caller_cancelled (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static gboolean
on_fetch_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);

  fetch->timed_out = TRUE;
  g_cancellable_cancel (fetch->cancellable);

  return G_SOURCE_REMOVE;
}

static void
return_transport_error (GTask          *task,
                        MsCdpDiscovery *self,
                        Fetch          *fetch,
                        GError         *error)
{
  g_autofree char *where = ms_cdp_endpoint_to_string (self->endpoint);

  if (fetch->timed_out ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT,
                             "%s did not answer within %u s", fetch->url, self->timeout);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CONNECTION_REFUSED,
                             "Nothing is listening at %s (connection refused); "
                             "is the browser running with --remote-debugging-port?", where);
  else if (error->domain == G_RESOLVER_ERROR ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CONNECTION_REFUSED,
                             "Cannot reach %s: %s", where, error->message);
  else
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                             "GET %s failed: %s", fetch->url, error->message);
}

static void
return_too_large (GTask          *task,
                  MsCdpDiscovery *self,
                  Fetch          *fetch)
{
  g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE,
                           "GET %s: the reply is larger than the limit of %" G_GSIZE_FORMAT
                           " bytes", fetch->url, self->max_body_size);
}

static void
fetch_parse_body (GTask          *task,
                  MsCdpDiscovery *self,
                  Fetch          *fetch)
{
  g_autoptr(GError) error = NULL;
  const char *data = (const char *) fetch->body->data;
  gsize length = fetch->body->len;

  switch (fetch->kind)
    {
    case FETCH_VERSION:
      {
        MsCdpBrowserVersion *version = ms_cdp_browser_version_new_from_json (data, length, &error);

        if (version != NULL)
          g_task_return_pointer (task, version, g_object_unref);
      }
      break;

    case FETCH_TARGETS:
      {
        GPtrArray *targets = ms_cdp_target_list_new_from_json (data, length, &error);

        if (targets != NULL)
          g_task_return_pointer (task, targets, (GDestroyNotify) g_ptr_array_unref);
      }
      break;

    case FETCH_PROTOCOL:
      if (ms_cdp_protocol_has_memory_domain (data, length, &error))
        g_task_return_boolean (task, TRUE);
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    {
      /* NOT_SUPPORTED speaks of the browser, the others of what came over the wire. */
      if (!g_error_matches (error, MS_CDP_ERROR, MS_CDP_ERROR_NOT_SUPPORTED))
        g_prefix_error (&error, "GET %s: ", fetch->url);
      g_task_return_error (task, g_steal_pointer (&error));
    }
}

/* The end of a fetch, whatever its outcome: the connection goes back to the session
 * (libsoup holds it until the body stream is closed) and the timeout is over. */
static void
fetch_stop_timeout (Fetch *fetch)
{
  if (fetch->timeout_source != NULL)
    {
      g_source_destroy (fetch->timeout_source);
      g_clear_pointer (&fetch->timeout_source, g_source_unref);
    }

  if (fetch->stream != NULL)
    {
      /* Fully read or given up on: closing does not block. */
      g_input_stream_close (fetch->stream, NULL, NULL);
      g_clear_object (&fetch->stream);
    }
}

static void fetch_read_next (GTask *task);

static void
on_fetch_chunk (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsCdpDiscovery *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      fetch_stop_timeout (fetch);
      return_transport_error (task, self, fetch, error);
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      fetch_stop_timeout (fetch);
      fetch_parse_body (task, self, fetch);
      return;
    }

  /* Refused while reading: a peer that streams without end costs one chunk over the cap. */
  if (size > self->max_body_size - fetch->body->len)
    {
      fetch_stop_timeout (fetch);
      g_cancellable_cancel (fetch->cancellable);
      return_too_large (task, self, fetch);
      return;
    }

  g_byte_array_append (fetch->body, g_bytes_get_data (chunk, NULL), size);
  fetch_read_next (g_steal_pointer (&task));
}

static void
fetch_read_next (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   fetch->cancellable, on_fetch_chunk, task);
}

static void
on_fetch_sent (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  MsCdpDiscovery *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset content_length;
  guint status;

  fetch->stream = soup_session_send_finish (session, result, &error);
  if (fetch->stream == NULL)
    {
      fetch_stop_timeout (fetch);
      return_transport_error (task, self, fetch, error);
      return;
    }

  status = soup_message_get_status (fetch->message);
  headers = soup_message_get_response_headers (fetch->message);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      const char *location = soup_message_headers_get_one (headers, "Location");

      /* Following it would send a request to a host the user never named. */
      fetch_stop_timeout (fetch);
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_HTTP,
                               "GET %s answered HTTP %u, a redirect to %s; "
                               "Memscope does not follow redirects from a DevTools server",
                               fetch->url, status, location ? location : "nowhere");
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      const char *reason = soup_message_get_reason_phrase (fetch->message);

      fetch_stop_timeout (fetch);
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_HTTP,
                               "GET %s answered HTTP %u %s", fetch->url, status,
                               reason ? reason : soup_status_get_phrase (status));
      return;
    }

  content_length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      content_length > 0 && (guint64) content_length > self->max_body_size)
    {
      fetch_stop_timeout (fetch);
      g_cancellable_cancel (fetch->cancellable);
      return_too_large (task, self, fetch);
      return;
    }

  fetch->body = g_byte_array_new ();
  fetch_read_next (g_steal_pointer (&task));
}

static void
ms_cdp_discovery_fetch_async (MsCdpDiscovery      *self,
                              FetchKind            kind,
                              const char          *path,
                              gpointer             source_tag,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;

  g_return_if_fail (MS_IS_CDP_DISCOVERY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  fetch = g_new0 (Fetch, 1);
  fetch->kind = kind;
  fetch->url = ms_cdp_endpoint_http_url (self->endpoint, path);
  fetch->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  /* Never set an Origin header: Chromium refuses requests that carry one. */
  fetch->message = soup_message_new (SOUP_METHOD_GET, fetch->url);
  if (fetch->message == NULL)
    {
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                               "Cannot build a request for %s", fetch->url);
      return;
    }
  soup_message_add_flags (fetch->message, SOUP_MESSAGE_NO_REDIRECT);

  if (cancellable != NULL)
    {
      fetch->caller_cancellable = g_object_ref (cancellable);
      fetch->caller_handler = g_cancellable_connect (cancellable,
                                                     G_CALLBACK (on_caller_cancelled),
                                                     g_object_ref (fetch->cancellable),
                                                     g_object_unref);
    }

  /* libsoup's own timeout is per I/O step; this one bounds the whole request. */
  if (self->timeout > 0)
    {
      fetch->timeout_source = g_timeout_source_new (self->timeout * 1000);
      g_source_set_static_name (fetch->timeout_source, "[ms-cdp] discovery timeout");
      g_task_attach_source (task, fetch->timeout_source, on_fetch_timeout);
    }

  soup_session_send_async (self->session,
                           fetch->message,
                           G_PRIORITY_DEFAULT,
                           fetch->cancellable,
                           on_fetch_sent,
                           g_steal_pointer (&task));
}

void
ms_cdp_discovery_get_version_async (MsCdpDiscovery      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  ms_cdp_discovery_fetch_async (self, FETCH_VERSION, "/json/version",
                                ms_cdp_discovery_get_version_async,
                                cancellable, callback, user_data);
}

MsCdpBrowserVersion *
ms_cdp_discovery_get_version_finish (MsCdpDiscovery  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_cdp_discovery_get_version_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ms_cdp_discovery_list_targets_async (MsCdpDiscovery      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ms_cdp_discovery_fetch_async (self, FETCH_TARGETS, "/json/list",
                                ms_cdp_discovery_list_targets_async,
                                cancellable, callback, user_data);
}

GPtrArray *
ms_cdp_discovery_list_targets_finish (MsCdpDiscovery  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_cdp_discovery_list_targets_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ms_cdp_discovery_check_memory_domain_async (MsCdpDiscovery      *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  ms_cdp_discovery_fetch_async (self, FETCH_PROTOCOL, "/json/protocol",
                                ms_cdp_discovery_check_memory_domain_async,
                                cancellable, callback, user_data);
}

gboolean
ms_cdp_discovery_check_memory_domain_finish (MsCdpDiscovery  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_cdp_discovery_check_memory_domain_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
ms_cdp_discovery_target_ws_url (MsCdpDiscovery  *self,
                                MsCdpTarget     *target,
                                GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);
  g_return_val_if_fail (MS_IS_CDP_TARGET (target), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (target->debugger_url == NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   "Target %s (%s) has no webSocketDebuggerUrl; another client may be attached to it",
                   target->id, target->url);
      return NULL;
    }

  return ms_cdp_endpoint_ws_url (self->endpoint, target->debugger_url, error);
}
