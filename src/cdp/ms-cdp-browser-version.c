/* ms-cdp-browser-version.c: what /json/version says about the browser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include "ms-cdp-browser-version.h"
#include "ms-cdp-error.h"
#include "ms-cdp-json-private.h"

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
  PROP_0,
  PROP_BROWSER,
  PROP_PROTOCOL_VERSION,
  PROP_USER_AGENT,
  PROP_V8_VERSION,
  PROP_WEBKIT_VERSION,
  PROP_DEBUGGER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
    case PROP_BROWSER:
      g_value_set_string (value, self->browser);
      break;

    case PROP_PROTOCOL_VERSION:
      g_value_set_string (value, self->protocol_version);
      break;

    case PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;

    case PROP_V8_VERSION:
      g_value_set_string (value, self->v8_version);
      break;

    case PROP_WEBKIT_VERSION:
      g_value_set_string (value, self->webkit_version);
      break;

    case PROP_DEBUGGER_URL:
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

  properties[PROP_BROWSER] =
    g_param_spec_string ("browser", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROTOCOL_VERSION] =
    g_param_spec_string ("protocol-version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_V8_VERSION] =
    g_param_spec_string ("v8-version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WEBKIT_VERSION] =
    g_param_spec_string ("webkit-version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEBUGGER_URL] =
    g_param_spec_string ("debugger-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
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

  if (!(root = ms_cdp_json_parse (data, length, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                           "The reply is not a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  self = g_object_new (MS_TYPE_CDP_BROWSER_VERSION, NULL);

  /* Required, then optional: a member of the wrong type is an error either way. */
  {
    const struct { const char *member; gboolean required; char **out; } members[] = {
      { "Browser", TRUE, &self->browser },
      { "Protocol-Version", TRUE, &self->protocol_version },
      { "webSocketDebuggerUrl", TRUE, &self->debugger_url },
      { "User-Agent", FALSE, &self->user_agent },
      { "V8-Version", FALSE, &self->v8_version },
      { "WebKit-Version", FALSE, &self->webkit_version },
    };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      {
        if (!ms_cdp_json_read_string_member (object, NULL, members[i].member,
                                             members[i].required, members[i].out, error))
          return NULL;
      }
  }

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
