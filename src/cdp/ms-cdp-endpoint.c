/* ms-cdp-endpoint.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "ms-cdp-endpoint.h"
#include "ms-cdp-error.h"

struct _MsCdpEndpoint
{
  gatomicrefcount  ref_count;
  char            *host;     /* IPv6 literals without brackets */
  guint16          port;
  char            *ws_path;  /* path and query, or NULL */
};

G_DEFINE_BOXED_TYPE (MsCdpEndpoint, ms_cdp_endpoint, ms_cdp_endpoint_ref, ms_cdp_endpoint_unref)

#define DEVTOOLS_ACTIVE_PORT "DevToolsActivePort"

MsCdpEndpoint *
ms_cdp_endpoint_new (const char *host,
                     guint16     port,
                     const char *ws_path)
{
  MsCdpEndpoint *self;

  g_return_val_if_fail (host != NULL && *host != '\0', NULL);
  g_return_val_if_fail (port > 0, NULL);
  g_return_val_if_fail (ws_path == NULL || ws_path[0] == '/', NULL);

  self = g_new0 (MsCdpEndpoint, 1);
  g_atomic_ref_count_init (&self->ref_count);

  /* Accept "[::1]" as well as "::1", keep the bare form. */
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    self->host = g_strndup (host + 1, strlen (host) - 2);
  else
    self->host = g_strdup (host);

  self->port = port;
  self->ws_path = g_strdup (ws_path);

  return self;
}

MsCdpEndpoint *
ms_cdp_endpoint_ref (MsCdpEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
ms_cdp_endpoint_unref (MsCdpEndpoint *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->host);
      g_free (self->ws_path);
      g_free (self);
    }
}

const char *
ms_cdp_endpoint_get_host (const MsCdpEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->host;
}

guint16
ms_cdp_endpoint_get_port (const MsCdpEndpoint *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

const char *
ms_cdp_endpoint_get_ws_path (const MsCdpEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ws_path;
}

gboolean
ms_cdp_endpoint_is_loopback (const MsCdpEndpoint *self)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (g_ascii_strcasecmp (self->host, "localhost") == 0 ||
      g_str_has_suffix (self->host, ".localhost"))
    return TRUE;

  address = g_inet_address_new_from_string (self->host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* "HOST:PORT", with brackets around IPv6 literals. */
char *
ms_cdp_endpoint_to_string (const MsCdpEndpoint *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (strchr (self->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", self->host, self->port);
  else
    return g_strdup_printf ("%s:%u", self->host, self->port);
}

char *
ms_cdp_endpoint_http_url (const MsCdpEndpoint *self,
                          const char          *path)
{
  g_autofree char *authority = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (path == NULL || path[0] == '/', NULL);

  authority = ms_cdp_endpoint_to_string (self);

  return g_strconcat ("http://", authority, path, NULL);
}

static gboolean
is_usable_path (const char *path)
{
  return path != NULL && path[0] == '/' && path[1] != '\0';
}

char *
ms_cdp_endpoint_ws_url (const MsCdpEndpoint *self,
                        const char          *debugger_url,
                        GError             **error)
{
  g_autofree char *authority = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *path;
  const char *query;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authority = ms_cdp_endpoint_to_string (self);

  if (debugger_url == NULL || *debugger_url == '\0')
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                           _("The DevTools server gave no webSocketDebuggerUrl"));
      return NULL;
    }

  if (debugger_url[0] == '/')
    {
      if (!is_usable_path (debugger_url))
        goto no_path;

      return g_strconcat ("ws://", authority, debugger_url, NULL);
    }

  /* ENCODED keeps the path and query byte for byte as the server spelled them. */
  uri = g_uri_parse (debugger_url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    goto no_path;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   _("webSocketDebuggerUrl “%s” is not a ws:// URL"), debugger_url);
      return NULL;
    }

  path = g_uri_get_path (uri);
  query = g_uri_get_query (uri);
  if (!is_usable_path (path))
    goto no_path;

  /* Host and port of @debugger_url are ignored on purpose: a server (or whatever
   * answers in its place) must not redirect us to another machine. */
  if (query != NULL)
    return g_strconcat ("ws://", authority, path, "?", query, NULL);
  else
    return g_strconcat ("ws://", authority, path, NULL);

no_path:
  g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
               _("webSocketDebuggerUrl “%s” has no usable path"), debugger_url);
  return NULL;
}

/* Parsing what a user typed */

static gboolean
parse_port (const char  *port_text,
            const char  *text,
            guint16     *port,
            GError     **error)
{
  guint64 value = 0;

  if (port_text == NULL || *port_text == '\0')
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("“%s” has no port (expected HOST:PORT, e.g. 127.0.0.1:9222)"), text);
      return FALSE;
    }

  for (const char *p = port_text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("The port “%s” in “%s” is not a number"), port_text, text);
          return FALSE;
        }
    }

  if (strlen (port_text) > 5 ||
      !g_ascii_string_to_unsigned (port_text, 10, 1, G_MAXUINT16, &value, NULL))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("The port %s in “%s” is out of range (1–65535)"), port_text, text);
      return FALSE;
    }

  *port = (guint16) value;

  return TRUE;
}

static gboolean
is_valid_host_name (const char *host)
{
  if (*host == '\0' || *host == '.' || *host == '-')
    return FALSE;

  for (const char *p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
        return FALSE;
    }

  return TRUE;
}

/* Splits "HOST:PORT" or "[V6]:PORT" (an authority without user info) and checks both. */
static gboolean
parse_authority (const char  *authority,
                 const char  *text,
                 char       **host,
                 guint16     *port,
                 GError     **error)
{
  g_autofree char *host_part = NULL;
  const char *port_text = NULL;

  if (authority[0] == '[')
    {
      const char *close = strchr (authority, ']');

      if (close == NULL)
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("“%s” has an unclosed “[” around an IPv6 address"), text);
          return FALSE;
        }

      host_part = g_strndup (authority + 1, close - authority - 1);
      if (!g_hostname_is_ip_address (host_part) || strchr (host_part, ':') == NULL)
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("“%s” in “%s” is not an IPv6 address"), host_part, text);
          return FALSE;
        }

      if (close[1] == ':')
        port_text = close + 2;
      else if (close[1] != '\0')
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("Unexpected “%s” after the address in “%s”"), close + 1, text);
          return FALSE;
        }
    }
  else
    {
      const char *colon = strrchr (authority, ':');

      if (colon != NULL && memchr (authority, ':', colon - authority) != NULL)
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("Put the IPv6 address in “%s” in brackets, e.g. [::1]:9222"), text);
          return FALSE;
        }

      if (colon != NULL)
        {
          host_part = g_strndup (authority, colon - authority);
          port_text = colon + 1;
        }
      else
        host_part = g_strdup (authority);

      if (*host_part == '\0')
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("“%s” has no host (expected HOST:PORT, e.g. 127.0.0.1:9222)"), text);
          return FALSE;
        }

      if (!is_valid_host_name (host_part))
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("“%s” in “%s” is not a host name or address"), host_part, text);
          return FALSE;
        }
    }

  if (!parse_port (port_text, text, port, error))
    return FALSE;

  *host = g_steal_pointer (&host_part);

  return TRUE;
}

static MsCdpEndpoint *
parse_url (const char  *text,
           GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) uri_error = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *ws_path = NULL;
  const char *after_scheme;
  const char *path;
  const char *query;
  guint16 port = 0;
  gboolean is_ws;

  scheme = g_uri_parse_scheme (text);
  if (scheme == NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("“%s” is not a URL"), text);
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0)
    is_ws = FALSE;
  else if (g_ascii_strcasecmp (scheme, "ws") == 0)
    is_ws = TRUE;
  else
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("Unsupported scheme “%s” in “%s”: a DevTools server speaks plain http:// "
                     "and ws://"),
                   scheme, text);
      return NULL;
    }

  /* Check host and port ourselves first: GUri's messages for them are too vague. */
  after_scheme = strstr (text, "://");
  if (after_scheme == NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("“%s” has no host"), text);
      return NULL;
    }
  else
    {
      const char *start = after_scheme + 3;
      g_autofree char *authority = g_strndup (start, strcspn (start, "/?#"));

      if (strchr (authority, '@') != NULL)
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("“%s” has user information; a DevTools server takes none"), text);
          return NULL;
        }

      if (!parse_authority (authority, text, &host, &port, error))
        return NULL;
    }

  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED, &uri_error);
  if (uri == NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("“%s” is not a valid URL: %s"), text, uri_error->message);
      return NULL;
    }

  if (g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("“%s” has a fragment (#...); a DevTools endpoint takes none"), text);
      return NULL;
    }

  path = g_uri_get_path (uri);
  query = g_uri_get_query (uri);

  if (!is_ws)
    {
      if ((*path != '\0' && g_strcmp0 (path, "/") != 0) || query != NULL)
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("“%s” has a path; give the server only, e.g. http://127.0.0.1:9222"),
                       text);
          return NULL;
        }
    }
  else if (is_usable_path (path))
    {
      ws_path = query ? g_strconcat (path, "?", query, NULL) : g_strdup (path);
    }
  else if (query != NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("“%s” has a query but no path"), text);
      return NULL;
    }

  return ms_cdp_endpoint_new (host, port, ws_path);
}

static MsCdpEndpoint *
parse_active_port_file (const char  *path,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *file_path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *port_line = NULL;
  guint64 port = 0;
  const char *ws_path = NULL;

  /* A profile directory stands for the DevToolsActivePort file inside it. */
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    file_path = g_build_filename (path, DEVTOOLS_ACTIVE_PORT, NULL);
  else
    file_path = g_strdup (path);

  if (!g_file_get_contents (file_path, &contents, NULL, &local_error))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("Cannot read the DevToolsActivePort file “%s”: %s"),
                   file_path, local_error->message);
      return NULL;
    }

  lines = g_strsplit (contents, "\n", 3);
  port_line = g_strstrip (g_strdup (lines[0] ? lines[0] : ""));

  if (!g_ascii_string_to_unsigned (port_line, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                   _("The first line of “%s” is not a port: “%s”"), file_path, port_line);
      return NULL;
    }

  if (lines[0] != NULL && lines[1] != NULL)
    {
      char *second = g_strstrip (lines[1]);

      if (*second != '\0')
        {
          if (!is_usable_path (second))
            {
              g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                           _("The second line of “%s” is not a DevTools path: “%s”"),
                           file_path, second);
              return NULL;
            }
          ws_path = second;
        }
    }

  return ms_cdp_endpoint_new ("127.0.0.1", (guint16) port, ws_path);
}

static gboolean
looks_like_path (const char *text)
{
  return text[0] == '/' || text[0] == '.' || text[0] == '~' ||
         strchr (text, '/') != NULL ||
         g_file_test (text, G_FILE_TEST_EXISTS);
}

MsCdpEndpoint *
ms_cdp_endpoint_parse (const char  *text,
                       GError     **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = g_strstrip (g_strdup (text ? text : ""));

  if (*stripped == '\0')
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                           _("The endpoint is empty (expected HOST:PORT, e.g. 127.0.0.1:9222)"));
      return NULL;
    }

  if (strstr (stripped, "://") != NULL)
    return parse_url (stripped, error);

  if (looks_like_path (stripped))
    return parse_active_port_file (stripped, error);

  {
    g_autofree char *host = NULL;
    guint16 port = 0;

    if (strpbrk (stripped, "/?#@") != NULL ||
        !parse_authority (stripped, stripped, &host, &port, error))
      {
        if (error != NULL && *error == NULL)
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                       _("“%s” is not HOST:PORT"), stripped);
        return NULL;
      }

    return ms_cdp_endpoint_new (host, port, NULL);
  }
}
