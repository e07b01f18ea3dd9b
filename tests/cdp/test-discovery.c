/* test-discovery.c: /json/version, /json/list and /json/protocol against an in-process server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ms-cdp-discovery.h"
#include "ms-cdp-discovery-private.h"
#include "ms-cdp-error.h"

static char *
fixture_path (const char *name)
{
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");

  if (dir == NULL)
    g_error ("MEMSCOPE_FIXTURES is not set; run the tests through meson");

  return g_build_filename (dir, "small", name, NULL);
}

static char *
load_fixture (const char *name,
              gsize      *length)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);

  return contents;
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Parsing, no server */

static void
test_discovery_parse_version (void)
{
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  JsonObject *expected;
  gsize length = 0;

  data = load_fixture ("json-version.json", &length);
  version = ms_cdp_browser_version_new_from_json (data, length, &error);
  g_assert_no_error (error);

  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  expected = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (ms_cdp_browser_version_get_browser (version), ==, "Chrome/156.0.8078.79");
  g_assert_cmpstr (ms_cdp_browser_version_get_protocol_version (version), ==, "1.3");
  g_assert_cmpstr (ms_cdp_browser_version_get_user_agent (version), ==,
                   json_object_get_string_member (expected, "User-Agent"));
  g_assert_cmpstr (ms_cdp_browser_version_get_v8_version (version), ==,
                   json_object_get_string_member (expected, "V8-Version"));
  g_assert_cmpstr (ms_cdp_browser_version_get_webkit_version (version), ==,
                   json_object_get_string_member (expected, "WebKit-Version"));
  g_assert_cmpstr (ms_cdp_browser_version_get_debugger_url (version), ==,
                   json_object_get_string_member (expected, "webSocketDebuggerUrl"));
}

static void
test_discovery_parse_targets (void)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  JsonArray *expected;
  gsize length = 0;

  data = load_fixture ("json-list.json", &length);
  targets = ms_cdp_target_list_new_from_json (data, length, &error);
  g_assert_no_error (error);

  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
  expected = json_node_get_array (json_parser_get_root (parser));

  g_assert_cmpuint (targets->len, ==, json_array_get_length (expected));
  g_assert_cmpuint (targets->len, ==, 3);

  for (guint i = 0; i < targets->len; i++)
    {
      MsCdpTarget *target = g_ptr_array_index (targets, i);
      JsonObject *object = json_array_get_object_element (expected, i);

      g_assert_true (MS_IS_CDP_TARGET (target));
      g_assert_cmpstr (ms_cdp_target_get_id (target), ==, json_object_get_string_member (object, "id"));
      g_assert_cmpstr (ms_cdp_target_get_target_type (target), ==, json_object_get_string_member (object, "type"));
      g_assert_cmpstr (ms_cdp_target_get_title (target), ==, json_object_get_string_member (object, "title"));
      g_assert_cmpstr (ms_cdp_target_get_url (target), ==, json_object_get_string_member (object, "url"));
      g_assert_cmpstr (ms_cdp_target_get_debugger_url (target), ==,
                       json_object_get_string_member (object, "webSocketDebuggerUrl"));
    }

  g_assert_cmpstr (ms_cdp_target_get_target_type (g_ptr_array_index (targets, 0)), ==, "page");
  g_assert_cmpstr (ms_cdp_target_get_url (g_ptr_array_index (targets, 0)), ==,
                   "http://127.0.0.1:8765/page.html");
}

typedef enum
{
  PARSE_VERSION,
  PARSE_TARGETS,
  PARSE_PROTOCOL,
} ParseKind;

typedef struct
{
  ParseKind   kind;
  const char *data;
  int         code;
  const char *message_part;
} BadReply;

static const BadReply bad_replies[] = {
  { PARSE_VERSION, "", MS_CDP_ERROR_MALFORMED, "" },
  { PARSE_VERSION, "<html>", MS_CDP_ERROR_MALFORMED, "not JSON" },
  { PARSE_VERSION, "[]", MS_CDP_ERROR_WRONG_SHAPE, "not a JSON object" },
  { PARSE_VERSION, "{\"Protocol-Version\":\"1.3\",\"webSocketDebuggerUrl\":\"ws://a:1/b\"}",
    MS_CDP_ERROR_WRONG_SHAPE, "“Browser” is missing" },
  { PARSE_VERSION, "{\"Browser\":156,\"Protocol-Version\":\"1.3\",\"webSocketDebuggerUrl\":\"ws://a:1/b\"}",
    MS_CDP_ERROR_WRONG_SHAPE, "“Browser” is not a string" },
  { PARSE_VERSION, "{\"Browser\":\"Chrome/1\",\"Protocol-Version\":\"1.3\",\"webSocketDebuggerUrl\":\"ws://a:1/b\",\"V8-Version\":[]}",
    MS_CDP_ERROR_WRONG_SHAPE, "“V8-Version” is not a string" },
  { PARSE_TARGETS, "not json", MS_CDP_ERROR_MALFORMED, "not JSON" },
  { PARSE_TARGETS, "{}", MS_CDP_ERROR_WRONG_SHAPE, "not a JSON array" },
  { PARSE_TARGETS, "[{\"id\":\"a\",\"type\":\"page\",\"url\":\"u\"},"
                   "{\"id\":\"b\",\"type\":\"page\",\"url\":\"u\"},"
                   "{\"type\":\"page\",\"url\":\"u\"}]",
    MS_CDP_ERROR_WRONG_SHAPE, "“[2].id” is missing" },
  { PARSE_TARGETS, "[{\"id\":\"a\",\"type\":\"page\",\"url\":\"u\"}, 3]",
    MS_CDP_ERROR_WRONG_SHAPE, "“[1]” is not an object" },
  { PARSE_TARGETS, "[{\"id\":\"a\",\"type\":\"page\",\"url\":\"u\",\"title\":{}}]",
    MS_CDP_ERROR_WRONG_SHAPE, "“[0].title” is not a string" },
  { PARSE_PROTOCOL, "{", MS_CDP_ERROR_MALFORMED, "not JSON" },
  { PARSE_PROTOCOL, "{\"version\":{}}", MS_CDP_ERROR_WRONG_SHAPE, "“domains” is missing" },
  { PARSE_PROTOCOL, "{\"domains\":[{\"domain\":\"Page\"},{}]}", MS_CDP_ERROR_WRONG_SHAPE,
    "“domains[1].domain” is missing" },
  { PARSE_PROTOCOL, "{\"domains\":[{\"domain\":\"Memory\",\"commands\":{}}]}", MS_CDP_ERROR_WRONG_SHAPE,
    "“domains[0].commands” is not an array" },
  { PARSE_PROTOCOL, "{\"domains\":[{\"domain\":\"Page\",\"commands\":[]}]}", MS_CDP_ERROR_NOT_SUPPORTED,
    "no Memory domain" },
  { PARSE_PROTOCOL, "{\"domains\":[{\"domain\":\"Memory\",\"commands\":[{\"name\":\"getDOMCounters\"}]}]}",
    MS_CDP_ERROR_NOT_SUPPORTED, "lacks getDOMCountersForLeakDetection, prepareForLeakDetection" },
};

static void
test_discovery_parse_bad_replies (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_replies); i++)
    {
      const BadReply *reply = &bad_replies[i];
      g_autoptr(GError) error = NULL;

      g_test_message ("bad reply %u: %s", i, reply->data);

      switch (reply->kind)
        {
        case PARSE_VERSION:
          g_assert_null (ms_cdp_browser_version_new_from_json (reply->data, -1, &error));
          break;

        case PARSE_TARGETS:
          g_assert_null (ms_cdp_target_list_new_from_json (reply->data, -1, &error));
          break;

        case PARSE_PROTOCOL:
          g_assert_false (ms_cdp_protocol_has_memory_domain (reply->data, -1, &error));
          break;

        default:
          g_assert_not_reached ();
        }

      g_assert_error (error, MS_CDP_ERROR, reply->code);
      g_test_message ("  -> %s", error->message);
      g_assert_nonnull (strstr (error->message, reply->message_part));
    }
}

static void
test_discovery_protocol_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  data = load_fixture ("protocol-memory-domain.json", &length);
  g_assert_true (ms_cdp_protocol_has_memory_domain (data, length, &error));
  g_assert_no_error (error);
}

static void
test_discovery_find_target (void)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GPtrArray) no_pages = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  static const struct {
    const char *selector;
    const char *id;
  } cases[] = {
    { NULL, "AA781E4ADB46ABB700677CC3D044D6D3" },
    { "938359CAD54ACE89D004020147BB8648", "938359CAD54ACE89D004020147BB8648" },
    { "omnibox_popup_aim", "C7D33CFEAE25119E1D98747444FBACC0" },
    { "omnibox-popup", "938359CAD54ACE89D004020147BB8648" },
    { "8765/page.html", "AA781E4ADB46ABB700677CC3D044D6D3" },
  };

  data = load_fixture ("json-list.json", NULL);
  targets = ms_cdp_target_list_new_from_json (data, -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MsCdpTarget) target = ms_cdp_target_list_find (targets, cases[i].selector, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (ms_cdp_target_get_id (target), ==, cases[i].id);
    }

  {
    g_autoptr(MsCdpTarget) target = ms_cdp_target_list_find (targets, "no-such-target", &error);

    g_assert_null (target);
    g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no-such-target"));
    g_clear_error (&error);
  }

  /* Only browser_ui targets: no default page. */
  g_ptr_array_remove_index (targets, 0);
  {
    g_autoptr(MsCdpTarget) target = ms_cdp_target_list_find (targets, NULL, &error);

    g_assert_null (target);
    g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND);
    g_clear_error (&error);
  }

  no_pages = g_ptr_array_new ();
  g_assert_null (ms_cdp_target_list_find (no_pages, NULL, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND);
}

/* Against an in-process DevTools server */

typedef enum
{
  SERVE_FIXTURES,
  SERVE_404,
  SERVE_500,
  SERVE_NOT_JSON,
  SERVE_WRONG_SHAPE,
  SERVE_NO_MEMORY_DOMAIN,
} ServeMode;

typedef struct
{
  SoupServer     *server;
  MsCdpEndpoint  *endpoint;
  MsCdpDiscovery *discovery;
  ServeMode       mode;
  guint           n_requests;
  guint           n_origin_headers;
  char           *last_path;
} ServerFixture;

static void
serve (SoupServer        *server,
       SoupServerMessage *message,
       const char        *path,
       GHashTable        *query,
       gpointer           user_data)
{
  ServerFixture *fixture = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  g_autofree char *body = NULL;
  const char *file = NULL;
  gsize length = 0;

  fixture->n_requests++;
  if (soup_message_headers_get_one (request_headers, "Origin") != NULL)
    fixture->n_origin_headers++;
  g_free (fixture->last_path);
  fixture->last_path = g_strdup (path);

  switch (fixture->mode)
    {
    case SERVE_404:
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;

    case SERVE_500:
      soup_server_message_set_status (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;

    case SERVE_NOT_JSON:
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>DevTools</html>", strlen ("<html>DevTools</html>"));
      return;

    case SERVE_WRONG_SHAPE:
      body = g_strdup ("[{\"id\":\"a\",\"type\":\"page\",\"url\":\"about:blank\"},"
                       " {\"id\":\"b\",\"type\":\"page\",\"url\":\"about:blank\"},"
                       " {\"id\":3,\"type\":\"page\",\"url\":\"about:blank\"}]");
      length = strlen (body);
      break;

    case SERVE_NO_MEMORY_DOMAIN:
      body = g_strdup ("{\"version\":{\"major\":\"1\",\"minor\":\"3\"},\"domains\":[{\"domain\":\"Page\",\"commands\":[]}]}");
      length = strlen (body);
      break;

    case SERVE_FIXTURES:
    default:
      if (g_strcmp0 (path, "/json/version") == 0)
        file = "json-version.json";
      else if (g_strcmp0 (path, "/json/list") == 0 || g_strcmp0 (path, "/json") == 0)
        file = "json-list.json";
      else if (g_strcmp0 (path, "/json/protocol") == 0)
        file = "protocol-memory-domain.json";

      if (file == NULL)
        {
          soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
          return;
        }

      body = load_fixture (file, &length);
      break;
    }

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json; charset=UTF-8",
                                    SOUP_MEMORY_TAKE, g_steal_pointer (&body), length);
}

static void
server_fixture_set_up (ServerFixture *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture->mode = GPOINTER_TO_INT (user_data);
  fixture->server = soup_server_new ("server-header", "memscope-test", NULL);
  soup_server_add_handler (fixture->server, NULL, serve, fixture, NULL);

  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  g_assert_nonnull (uris);
  fixture->endpoint = ms_cdp_endpoint_new ("127.0.0.1", g_uri_get_port (uris->data), NULL);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fixture->discovery = ms_cdp_discovery_new (fixture->endpoint);
}

static void
server_fixture_tear_down (ServerFixture *fixture,
                          gconstpointer  user_data)
{
  /* A Chromium would refuse any of these. */
  g_assert_cmpuint (fixture->n_origin_headers, ==, 0);

  g_clear_object (&fixture->discovery);
  g_clear_pointer (&fixture->endpoint, ms_cdp_endpoint_unref);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_pointer (&fixture->last_path, g_free);

  /* Let the closed connections go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_discovery_get_version (ServerFixture *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(GError) error = NULL;

  ms_cdp_discovery_get_version_async (fixture->discovery, NULL, store_result, &result);
  version = ms_cdp_discovery_get_version_finish (fixture->discovery, wait_for_result (&result), &error);
  g_assert_no_error (error);

  g_assert_cmpstr (fixture->last_path, ==, "/json/version");
  g_assert_cmpuint (fixture->n_requests, ==, 1);
  g_assert_cmpuint (fixture->n_origin_headers, ==, 0);
  g_assert_cmpstr (ms_cdp_browser_version_get_browser (version), ==, "Chrome/156.0.8078.79");
  g_assert_cmpstr (ms_cdp_browser_version_get_protocol_version (version), ==, "1.3");
  g_assert_cmpstr (ms_cdp_browser_version_get_v8_version (version), ==, "15.6.75.27");
  g_assert_true (ms_cdp_discovery_get_endpoint (fixture->discovery) == fixture->endpoint);
}

static void
test_discovery_list_targets (ServerFixture *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(MsCdpTarget) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *expected_url = NULL;

  ms_cdp_discovery_list_targets_async (fixture->discovery, NULL, store_result, &result);
  targets = ms_cdp_discovery_list_targets_finish (fixture->discovery, wait_for_result (&result), &error);
  g_assert_no_error (error);

  g_assert_cmpstr (fixture->last_path, ==, "/json/list");
  g_assert_cmpuint (targets->len, ==, 3);

  page = ms_cdp_target_list_find (targets, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_cdp_target_get_title (page), ==, "127.0.0.1:8765/page.html");

  /* The fixture says port 9222; we connect where we asked. */
  ws_url = ms_cdp_discovery_target_ws_url (fixture->discovery, page, &error);
  g_assert_no_error (error);
  expected_url = g_strdup_printf ("ws://127.0.0.1:%u/devtools/page/AA781E4ADB46ABB700677CC3D044D6D3",
                                  ms_cdp_endpoint_get_port (fixture->endpoint));
  g_assert_cmpstr (ws_url, ==, expected_url);
}

static void
test_discovery_check_memory_domain (ServerFixture *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ms_cdp_discovery_check_memory_domain_async (fixture->discovery, NULL, store_result, &result);
  ok = ms_cdp_discovery_check_memory_domain_finish (fixture->discovery, wait_for_result (&result), &error);

  g_assert_cmpstr (fixture->last_path, ==, "/json/protocol");

  if (fixture->mode == SERVE_FIXTURES)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_NOT_SUPPORTED);
      g_assert_false (ok);
    }
}

static void
test_discovery_http_error (ServerFixture *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = ms_cdp_endpoint_http_url (fixture->endpoint, "/json/version");
  const char *status = fixture->mode == SERVE_404 ? "404" : "500";

  ms_cdp_discovery_get_version_async (fixture->discovery, NULL, store_result, &result);
  version = ms_cdp_discovery_get_version_finish (fixture->discovery, wait_for_result (&result), &error);

  g_assert_null (version);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_HTTP);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, url));
  g_assert_nonnull (strstr (error->message, status));
}

static void
test_discovery_not_json (ServerFixture *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  ms_cdp_discovery_list_targets_async (fixture->discovery, NULL, store_result, &result);
  targets = ms_cdp_discovery_list_targets_finish (fixture->discovery, wait_for_result (&result), &error);

  g_assert_null (targets);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "/json/list"));
}

static void
test_discovery_wrong_shape (ServerFixture *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  ms_cdp_discovery_list_targets_async (fixture->discovery, NULL, store_result, &result);
  targets = ms_cdp_discovery_list_targets_finish (fixture->discovery, wait_for_result (&result), &error);

  g_assert_null (targets);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“[2].id”"));
}

static void
test_discovery_timeout_property (ServerFixture *fixture,
                                 gconstpointer  user_data)
{
  guint timeout = 0;

  g_object_get (fixture->discovery, "timeout", &timeout, NULL);
  g_assert_cmpuint (timeout, ==, 10);

  ms_cdp_discovery_set_timeout (fixture->discovery, 3);
  g_object_get (fixture->discovery, "timeout", &timeout, NULL);
  g_assert_cmpuint (timeout, ==, 3);
}

/* No server: a port nobody listens on, and one that accepts but never answers */

static void
test_discovery_connection_refused (void)
{
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(MsCdpDiscovery) discovery = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *where = NULL;

  /* Bound but not listening: connecting is refused, and no one else gets the port meanwhile. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  endpoint = ms_cdp_endpoint_new ("127.0.0.1",
                                  g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)),
                                  NULL);
  where = ms_cdp_endpoint_to_string (endpoint);
  discovery = ms_cdp_discovery_new (endpoint);

  ms_cdp_discovery_get_version_async (discovery, NULL, store_result, &result);
  version = ms_cdp_discovery_get_version_finish (discovery, wait_for_result (&result), &error);

  g_assert_null (version);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CONNECTION_REFUSED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, where));
}

typedef struct
{
  GSocketService *service;
  GPtrArray      *connections;  /* held open, never answered */
  MsCdpEndpoint  *endpoint;
} SilentFixture;

static gboolean
on_silent_incoming (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source_object,
                    gpointer           user_data)
{
  SilentFixture *fixture = user_data;

  g_ptr_array_add (fixture->connections, g_object_ref (connection));

  return TRUE;
}

static void
silent_fixture_set_up (SilentFixture *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  fixture->connections = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (fixture->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->service, "incoming", G_CALLBACK (on_silent_incoming), fixture);
  g_socket_service_start (fixture->service);

  fixture->endpoint = ms_cdp_endpoint_new ("127.0.0.1",
                                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)),
                                           NULL);
}

static void
silent_fixture_tear_down (SilentFixture *fixture,
                          gconstpointer  user_data)
{
  g_socket_service_stop (fixture->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fixture->service));
  g_clear_object (&fixture->service);
  g_clear_pointer (&fixture->connections, g_ptr_array_unref);
  g_clear_pointer (&fixture->endpoint, ms_cdp_endpoint_unref);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_discovery_timed_out (SilentFixture *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(MsCdpDiscovery) discovery = ms_cdp_discovery_new (fixture->endpoint);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;
  gint64 elapsed;

  ms_cdp_discovery_set_timeout (discovery, 1);

  started = g_get_monotonic_time ();
  ms_cdp_discovery_get_version_async (discovery, NULL, store_result, &result);
  version = ms_cdp_discovery_get_version_finish (discovery, wait_for_result (&result), &error);
  elapsed = g_get_monotonic_time () - started;

  g_assert_null (version);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT);
  g_test_message ("%s after %" G_GINT64_FORMAT " ms", error->message, elapsed / 1000);
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC * 9 / 10);
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC * 5);
  g_assert_cmpuint (fixture->connections->len, >=, 1);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

static void
test_discovery_cancelled (SilentFixture *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(MsCdpDiscovery) discovery = ms_cdp_discovery_new (fixture->endpoint);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  g_timeout_add (100, cancel_later, cancellable);
  ms_cdp_discovery_list_targets_async (discovery, cancellable, store_result, &result);
  targets = ms_cdp_discovery_list_targets_finish (discovery, wait_for_result (&result), &error);

  g_assert_null (targets);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Hostile servers: one bad reply per row, each with the exact error it must give */

typedef enum
{
  HOSTILE_DEEP,           /* 200,000 “[”: json-glib's recursive parser must never see it */
  HOSTILE_REDIRECT,       /* 302 to a second server, which must get no request */
  HOSTILE_ENDLESS,        /* a chunked body that never ends, against a 1 MiB cap */
  HOSTILE_LONG_LENGTH,    /* a Content-Length over a 1 MiB cap */
} HostileMode;

#define DEEP_LEVELS 200000
#define HOSTILE_CAP (1024 * 1024)
#define ENDLESS_CHUNK (64 * 1024)
#define ENDLESS_TOTAL (64 * 1024 * 1024)

typedef struct
{
  const char  *name;
  HostileMode  mode;
  const char  *path;
  int          code;
  const char  *message;   /* @URL@: the URL asked; @PORT@: the port of the second server */
} HostileRow;

static const HostileRow hostile_rows[] = {
  { "deep-version", HOSTILE_DEEP, "/json/version", MS_CDP_ERROR_MALFORMED,
    "GET @URL@: The reply is not JSON: Nesting deeper than 512 levels at byte 512" },
  { "deep-list", HOSTILE_DEEP, "/json/list", MS_CDP_ERROR_MALFORMED,
    "GET @URL@: The reply is not JSON: Nesting deeper than 512 levels at byte 512" },
  { "deep-protocol", HOSTILE_DEEP, "/json/protocol", MS_CDP_ERROR_MALFORMED,
    "GET @URL@: The reply is not JSON: Nesting deeper than 512 levels at byte 512" },
  { "redirect-version", HOSTILE_REDIRECT, "/json/version", MS_CDP_ERROR_HTTP,
    "GET @URL@ answered HTTP 302, a redirect to http://127.0.0.1:@PORT@/json/version; "
    "Memscope does not follow redirects from a DevTools server" },
  { "redirect-list", HOSTILE_REDIRECT, "/json/list", MS_CDP_ERROR_HTTP,
    "GET @URL@ answered HTTP 302, a redirect to http://127.0.0.1:@PORT@/json/list; "
    "Memscope does not follow redirects from a DevTools server" },
  { "endless-list", HOSTILE_ENDLESS, "/json/list", MS_CDP_ERROR_TOO_LARGE,
    "GET @URL@: the reply is larger than the limit of 1048576 bytes" },
  { "endless-protocol", HOSTILE_ENDLESS, "/json/protocol", MS_CDP_ERROR_TOO_LARGE,
    "GET @URL@: the reply is larger than the limit of 1048576 bytes" },
  { "long-content-length", HOSTILE_LONG_LENGTH, "/json/version", MS_CDP_ERROR_TOO_LARGE,
    "GET @URL@: the reply is larger than the limit of 1048576 bytes" },
};

typedef struct
{
  const HostileRow *row;
  SoupServer       *server;
  SoupServer       *other;          /* where the redirect points */
  guint16           port;
  guint16           other_port;
  guint             n_other_requests;
  gsize             n_streamed;     /* bytes of the endless body handed to the server */
} HostileFixture;

static guint16
listen_on_loopback (SoupServer *server)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint16 port;

  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

static void
serve_other (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  HostileFixture *fixture = user_data;
  static const char version[] = "{\"Browser\":\"Elsewhere/1\",\"Protocol-Version\":\"1.3\","
                                "\"webSocketDebuggerUrl\":\"ws://127.0.0.1:1/x\"}";

  fixture->n_other_requests++;
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    version, strlen (version));
}

static void
on_endless_wrote_chunk (SoupServerMessage *message,
                        HostileFixture    *fixture)
{
  static char spaces[ENDLESS_CHUNK];
  SoupMessageBody *body = soup_server_message_get_response_body (message);

  if (fixture->n_streamed >= ENDLESS_TOTAL)
    {
      soup_message_body_complete (body);
      return;
    }
  memset (spaces, ' ', sizeof spaces);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, spaces, sizeof spaces);
  fixture->n_streamed += sizeof spaces;
}

static void
serve_hostile (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  HostileFixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  switch (fixture->row->mode)
    {
    case HOSTILE_DEEP:
      {
        char *body = g_malloc (DEEP_LEVELS);

        memset (body, '[', DEEP_LEVELS);
        soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                          body, DEEP_LEVELS);
      }
      break;

    case HOSTILE_REDIRECT:
      {
        g_autofree char *location = g_strdup_printf ("http://127.0.0.1:%u%s", fixture->other_port, path);

        soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, location);
      }
      break;

    case HOSTILE_ENDLESS:
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      g_signal_connect (message, "wrote-chunk", G_CALLBACK (on_endless_wrote_chunk), fixture);
      on_endless_wrote_chunk (message, fixture);
      break;

    case HOSTILE_LONG_LENGTH:
      {
        gsize length = 2 * HOSTILE_CAP;
        char *body = g_malloc (length);

        memset (body, ' ', length);
        soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                          body, length);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
hostile_fixture_set_up (HostileFixture *fixture,
                        gconstpointer   user_data)
{
  fixture->row = user_data;
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, serve_hostile, fixture, NULL);
  fixture->port = listen_on_loopback (fixture->server);
  fixture->other = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->other, NULL, serve_other, fixture, NULL);
  fixture->other_port = listen_on_loopback (fixture->other);
}

static void
hostile_fixture_tear_down (HostileFixture *fixture,
                           gconstpointer   user_data)
{
  soup_server_disconnect (fixture->server);
  soup_server_disconnect (fixture->other);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->other);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_discovery_hostile (HostileFixture *fixture,
                        gconstpointer   user_data)
{
  const HostileRow *row = fixture->row;
  g_autoptr(MsCdpEndpoint) endpoint = ms_cdp_endpoint_new ("127.0.0.1", fixture->port, NULL);
  g_autoptr(MsCdpDiscovery) discovery = ms_cdp_discovery_new (endpoint);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", fixture->port, row->path);
  g_autoptr(GString) expected = g_string_new (row->message);
  g_autofree char *other_port = g_strdup_printf ("%u", fixture->other_port);

  g_string_replace (expected, "@URL@", url, 0);
  g_string_replace (expected, "@PORT@", other_port, 0);

  if (row->mode == HOSTILE_ENDLESS || row->mode == HOSTILE_LONG_LENGTH)
    ms_cdp_discovery_set_max_body_size (discovery, HOSTILE_CAP);

  if (g_str_equal (row->path, "/json/version"))
    {
      g_autoptr(MsCdpBrowserVersion) version = NULL;

      ms_cdp_discovery_get_version_async (discovery, NULL, store_result, &result);
      version = ms_cdp_discovery_get_version_finish (discovery, wait_for_result (&result), &error);
      g_assert_null (version);
    }
  else if (g_str_equal (row->path, "/json/list"))
    {
      g_autoptr(GPtrArray) targets = NULL;

      ms_cdp_discovery_list_targets_async (discovery, NULL, store_result, &result);
      targets = ms_cdp_discovery_list_targets_finish (discovery, wait_for_result (&result), &error);
      g_assert_null (targets);
    }
  else
    {
      ms_cdp_discovery_check_memory_domain_async (discovery, NULL, store_result, &result);
      g_assert_false (ms_cdp_discovery_check_memory_domain_finish (discovery, wait_for_result (&result),
                                                                   &error));
    }

  g_assert_error (error, MS_CDP_ERROR, row->code);
  g_assert_cmpstr (error->message, ==, expected->str);

  /* No request may reach a host the user did not name. */
  g_assert_cmpuint (fixture->n_other_requests, ==, 0);

  /* Refused while reading: the server had far more to send than the cap when it stopped. */
  if (row->mode == HOSTILE_ENDLESS)
    {
      g_test_message ("the server had streamed %" G_GSIZE_FORMAT " of %u bytes", fixture->n_streamed,
                      ENDLESS_TOTAL);
      g_assert_cmpuint (fixture->n_streamed, <, ENDLESS_TOTAL / 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/discovery/parse-version", test_discovery_parse_version);
  g_test_add_func ("/memscope/discovery/parse-targets", test_discovery_parse_targets);
  g_test_add_func ("/memscope/discovery/parse-bad-replies", test_discovery_parse_bad_replies);
  g_test_add_func ("/memscope/discovery/protocol-fixture", test_discovery_protocol_fixture);
  g_test_add_func ("/memscope/discovery/find-target", test_discovery_find_target);

  g_test_add ("/memscope/discovery/server/get-version", ServerFixture, GINT_TO_POINTER (SERVE_FIXTURES),
              server_fixture_set_up, test_discovery_get_version, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/list-targets", ServerFixture, GINT_TO_POINTER (SERVE_FIXTURES),
              server_fixture_set_up, test_discovery_list_targets, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/memory-domain", ServerFixture, GINT_TO_POINTER (SERVE_FIXTURES),
              server_fixture_set_up, test_discovery_check_memory_domain, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/no-memory-domain", ServerFixture, GINT_TO_POINTER (SERVE_NO_MEMORY_DOMAIN),
              server_fixture_set_up, test_discovery_check_memory_domain, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/http-404", ServerFixture, GINT_TO_POINTER (SERVE_404),
              server_fixture_set_up, test_discovery_http_error, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/http-500", ServerFixture, GINT_TO_POINTER (SERVE_500),
              server_fixture_set_up, test_discovery_http_error, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/not-json", ServerFixture, GINT_TO_POINTER (SERVE_NOT_JSON),
              server_fixture_set_up, test_discovery_not_json, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/wrong-shape", ServerFixture, GINT_TO_POINTER (SERVE_WRONG_SHAPE),
              server_fixture_set_up, test_discovery_wrong_shape, server_fixture_tear_down);
  g_test_add ("/memscope/discovery/server/timeout-property", ServerFixture, GINT_TO_POINTER (SERVE_FIXTURES),
              server_fixture_set_up, test_discovery_timeout_property, server_fixture_tear_down);

  g_test_add_func ("/memscope/discovery/connection-refused", test_discovery_connection_refused);
  g_test_add ("/memscope/discovery/timed-out", SilentFixture, NULL,
              silent_fixture_set_up, test_discovery_timed_out, silent_fixture_tear_down);
  g_test_add ("/memscope/discovery/cancelled", SilentFixture, NULL,
              silent_fixture_set_up, test_discovery_cancelled, silent_fixture_tear_down);

  for (guint i = 0; i < G_N_ELEMENTS (hostile_rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/discovery/hostile/%s", hostile_rows[i].name);

      g_test_add (path, HostileFixture, &hostile_rows[i],
                  hostile_fixture_set_up, test_discovery_hostile, hostile_fixture_tear_down);
    }

  return g_test_run ();
}
