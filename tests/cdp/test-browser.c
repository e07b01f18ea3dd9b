/* test-browser.c: the whole Memory domain against a real headless Chromium
 *
 * The browser is started by MsBrowserLauncher on a page this test serves from
 * 127.0.0.1; every expectation comes from what that page built.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-connection.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-error.h"
#include "ms-cdp-memory.h"

#include "cdp-test-peer.h"

/* The page: N_DIVS divs, each with one listener and a text node; grow() allocates
 * native memory (DOM nodes and their layout objects) the sampler can see. */
#define N_DIVS 1500
#define PAGE \
  "<!doctype html><html><head><title>memscope-test</title></head><body><div id=root></div><script>\n" \
  "window.keep = [];\n" \
  "function build (n) { const root = document.getElementById('root');\n" \
  "  for (let i = 0; i < n; i++) { const d = document.createElement('div');\n" \
  "    d.textContent = 'x' + i; d.addEventListener('click', () => {}); root.appendChild(d); } }\n" \
  "function grow () { for (let i = 0; i < 2000; i++) { const s = document.createElement('span');\n" \
  "    s.textContent = 'y' + i; window.keep.push(s); window.keep.push(new Array(1000).fill(i)); } return window.keep.length; }\n" \
  "build (%d); window.ready = true;\n" \
  "</script></body></html>"

typedef struct
{
  SoupServer        *http;
  char              *page_url;
  MsBrowserLauncher *launcher;
  MsCdpEndpoint     *endpoint;
  MsCdpDiscovery    *discovery;
  MsCdpConnection   *conn;
  GAsyncResult      *result;
} Browser;

static Browser browser;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_result (void)
{
  GAsyncResult *r;

  cdp_test_wait_for_result (&browser.result);
  r = browser.result;
  browser.result = NULL;
  return r;
}

static void
page_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  if (g_str_equal (path, "/page.html"))
    {
      char *body = g_strdup_printf (PAGE, N_DIVS);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_TAKE, body, strlen (body));
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* Evaluates @expression in the page, awaiting a promise; returns result.value as JSON text. */
static char *
evaluate (const char  *expression,
          GError     **error)
{
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *remote;

  json_object_set_string_member (params, "expression", expression);
  json_object_set_boolean_member (params, "returnByValue", TRUE);
  json_object_set_boolean_member (params, "awaitPromise", TRUE);
  ms_cdp_connection_call_async (browser.conn, "Runtime.evaluate", params, 60, NULL,
                                got_result, &browser.result);
  r = wait_result ();
  reply = ms_cdp_connection_call_finish (browser.conn, r, error);
  if (reply == NULL)
    return NULL;
  remote = json_object_get_object_member (reply, "result");
  if (json_object_has_member (remote, "value"))
    return json_to_string (json_object_get_member (remote, "value"), FALSE);
  return g_strdup ("undefined");
}

static JsonObject *
call_raw_params (const char  *method,
                 const char  *params_json,
                 GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (params_json, NULL);
  g_autoptr(GAsyncResult) r = NULL;

  ms_cdp_connection_call_async (browser.conn, method, json_node_get_object (node), 30, NULL,
                                got_result, &browser.result);
  r = wait_result ();
  return ms_cdp_connection_call_finish (browser.conn, r, error);
}

static void
browser_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *ws_url = NULL;
  MsCdpTarget *target;

  browser.http = soup_server_new (NULL, NULL);
  soup_server_add_handler (browser.http, NULL, page_handler, NULL, NULL);
  soup_server_listen (browser.http, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (browser.http);
  browser.page_url = g_strdup_printf ("http://127.0.0.1:%d/page.html",
                                      g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  browser.launcher = ms_browser_launcher_new ();
  ms_browser_launcher_set_headless (browser.launcher, TRUE);
  ms_browser_launcher_set_url (browser.launcher, browser.page_url);
  ms_browser_launcher_start_async (browser.launcher, NULL, got_result, &browser.result);
  r = wait_result ();
  browser.endpoint = ms_browser_launcher_start_finish (browser.launcher, r, &error);
  g_assert_no_error (error);
  g_clear_object (&r);

  browser.discovery = ms_cdp_discovery_new (browser.endpoint);

  ms_cdp_discovery_check_memory_domain_async (browser.discovery, NULL, got_result, &browser.result);
  r = wait_result ();
  g_assert_true (ms_cdp_discovery_check_memory_domain_finish (browser.discovery, r, &error));
  g_assert_no_error (error);
  g_clear_object (&r);

  /* The page target may take a moment to appear in /json/list. */
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      ms_cdp_discovery_list_targets_async (browser.discovery, NULL, got_result, &browser.result);
      r = wait_result ();
      targets = ms_cdp_discovery_list_targets_finish (browser.discovery, r, &error);
      g_assert_no_error (error);
      g_clear_object (&r);
      target = ms_cdp_target_list_find (targets, browser.page_url, NULL);
      if (target != NULL)
        break;
      g_clear_pointer (&targets, g_ptr_array_unref);
      g_usleep (100 * 1000);
    }
  g_assert_nonnull (targets);
  target = ms_cdp_target_list_find (targets, browser.page_url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_cdp_target_get_target_type (target), ==, "page");

  ws_url = ms_cdp_discovery_target_ws_url (browser.discovery, target, &error);
  g_assert_no_error (error);
  ms_cdp_connection_new_async (ws_url, NULL, got_result, &browser.result);
  r = wait_result ();
  browser.conn = ms_cdp_connection_new_finish (r, &error);
  g_assert_no_error (error);
  g_clear_object (&r);

  /* Wait until the page's script ran. */
  for (guint attempt = 0; attempt < 200; attempt++)
    {
      g_autofree char *ready = evaluate ("window.ready === true", &error);
      g_assert_no_error (error);
      if (g_strcmp0 (ready, "true") == 0)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("The test page never became ready");
}

static void
browser_stop (void)
{
  g_clear_object (&browser.conn);
  g_clear_object (&browser.discovery);
  g_clear_pointer (&browser.endpoint, ms_cdp_endpoint_unref);
  if (browser.launcher != NULL)
    ms_browser_launcher_stop (browser.launcher);
  g_clear_object (&browser.launcher);
  if (browser.http != NULL)
    soup_server_disconnect (browser.http);
  g_clear_object (&browser.http);
  g_clear_pointer (&browser.page_url, g_free);
}

static void
test_dom_counters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autofree char *n_divs = NULL;
  MsCdpDomCounters c;

  ms_cdp_memory_get_dom_counters_async (browser.conn, NULL, got_result, &browser.result);
  r = wait_result ();
  g_assert_true (ms_cdp_memory_get_dom_counters_finish (browser.conn, r, &c, &error));
  g_assert_no_error (error);

  n_divs = evaluate ("document.getElementById('root').children.length", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_ascii_strtoll (n_divs, NULL, 10), ==, N_DIVS);

  g_test_message ("documents=%" G_GINT64_FORMAT " nodes=%" G_GINT64_FORMAT
                  " jsEventListeners=%" G_GINT64_FORMAT, c.documents, c.nodes, c.js_event_listeners);
  g_assert_cmpint (c.documents, >=, 1);
  /* Each div has a text node; the rest of the document adds a handful. */
  g_assert_cmpint (c.nodes, >=, 2 * N_DIVS);
  g_assert_cmpint (c.nodes, <, 2 * N_DIVS + 100);
  g_assert_cmpint (c.js_event_listeners, ==, N_DIVS);
}

static gboolean
address_in_modules (JsonArray *modules,
                    guint64    address)
{
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonObject *m = json_array_get_object_element (modules, i);
      guint64 base = g_ascii_strtoull (json_object_get_string_member (m, "baseAddress") + 2, NULL, 16);

      if (address >= base && address < base + (guint64) json_object_get_int_member (m, "size"))
        return TRUE;
    }
  return FALSE;
}

/* The reply undecoded, read here with json-glib: its "profile" object. */
static JsonObject *
get_profile (MsCdpProfileSource source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *result;

  ms_cdp_memory_get_sampling_profile_raw_async (browser.conn, source, NULL, got_result, &browser.result);
  r = wait_result ();
  raw = ms_cdp_memory_get_sampling_profile_raw_finish (browser.conn, r, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), &error);
  g_assert_no_error (error);
  result = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "result");
  return json_object_ref (json_object_get_object_member (result, "profile"));
}

static void
expect_ok (gboolean (*finish) (MsCdpConnection *, GAsyncResult *, GError **))
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = wait_result ();

  g_assert_true (finish (browser.conn, r, &error));
  g_assert_no_error (error);
}

static void
test_sampling (void)
{
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(JsonObject) all_time = NULL;
  g_autoptr(JsonObject) browser_profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *grown = NULL;
  guint frames = 0, frames_inside = 0, samples_inside = 0;
  gboolean has_v8_heap = FALSE;
  JsonArray *samples, *modules;

  ms_cdp_memory_start_sampling_async (browser.conn, 4096, FALSE, NULL, got_result, &browser.result);
  expect_ok (ms_cdp_memory_start_sampling_finish);

  grown = evaluate ("grow()", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_ascii_strtoll (grown, NULL, 10), ==, 4000);

  profile = get_profile (MS_CDP_PROFILE_SINCE_START);
  samples = json_object_get_array_member (profile, "samples");
  modules = json_object_get_array_member (profile, "modules");
  g_assert_cmpuint (json_array_get_length (samples), >, 0);
  g_assert_cmpuint (json_array_get_length (modules), >, 0);

  for (guint i = 0; i < json_array_get_length (samples); i++)
    {
      JsonObject *s = json_array_get_object_element (samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");
      gint64 size = json_object_get_int_member (s, "size");
      gint64 total = json_object_get_int_member (s, "total");
      gboolean any = FALSE;

      g_assert_cmpint (size, >, 0);
      /* total: a multiple of the interval or of the size (the notes) */
      g_assert_cmpint (total, >, 0);
      g_assert_true (total % 4096 == 0 || total % size == 0);
      g_assert_cmpuint (json_array_get_length (stack), >, 0);
      for (guint j = 0; j < json_array_get_length (stack); j++)
        {
          const char *frame = json_array_get_string_element (stack, j);
          guint64 address;

          g_assert_true (g_str_has_prefix (frame, "0x"));
          address = g_ascii_strtoull (frame + 2, NULL, 16);
          frames++;
          if (address_in_modules (modules, address))
            {
              frames_inside++;
              any = TRUE;
            }
        }
      if (any)
        samples_inside++;
    }
  g_test_message ("%u samples, %u modules, %u/%u frames inside a module",
                  json_array_get_length (samples), json_array_get_length (modules),
                  frames_inside, frames);
  /* Native stacks: every sample has frames in the browser's own modules. */
  g_assert_cmpuint (samples_inside, ==, json_array_get_length (samples));
  g_assert_cmpuint (frames_inside * 10, >=, frames * 9);

  all_time = get_profile (MS_CDP_PROFILE_ALL_TIME);
  samples = json_object_get_array_member (all_time, "samples");
  for (guint i = 0; i < json_array_get_length (samples); i++)
    {
      JsonArray *stack = json_object_get_array_member (json_array_get_object_element (samples, i),
                                                       "stack");

      if (json_array_get_length (stack) == 1 &&
          g_str_equal (json_array_get_string_element (stack, 0), "<V8 Heap>"))
        has_v8_heap = TRUE;
    }
  g_assert_true (has_v8_heap);
  /* Not compared with the first profile's count: only live allocations are reported,
   * and some of those may have been freed between the two calls. */
  g_assert_cmpuint (json_array_get_length (samples), >, 1);

  browser_profile = get_profile (MS_CDP_PROFILE_BROWSER);
  g_assert_true (json_object_has_member (browser_profile, "samples"));

  ms_cdp_memory_stop_sampling_async (browser.conn, NULL, got_result, &browser.result);
  expect_ok (ms_cdp_memory_stop_sampling_finish);

  /* Stopping again: the protocol error from the notes, with its code. */
  {
    g_autoptr(GAsyncResult) r = NULL;

    ms_cdp_memory_stop_sampling_async (browser.conn, NULL, got_result, &browser.result);
    r = wait_result ();
    g_assert_false (ms_cdp_memory_stop_sampling_finish (browser.conn, r, &error));
    g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
    g_assert_cmpint (ms_cdp_error_get_protocol_code (error), ==, -32000);
    g_assert_cmpstr (ms_cdp_error_get_protocol_message (error), ==, "Sampling profiler is not started.");
  }
}

static void
test_raw_profile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  ms_cdp_memory_get_sampling_profile_raw_async (browser.conn, MS_CDP_PROFILE_ALL_TIME, NULL,
                                                got_result, &browser.result);
  r = wait_result ();
  raw = ms_cdp_memory_get_sampling_profile_raw_finish (browser.conn, r, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (raw, NULL),
                                             g_bytes_get_size (raw), &error));
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (json_object_get_object_member (
                   json_node_get_object (json_parser_get_root (parser)), "result"), "profile"));
}

static void
test_pressure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  ms_cdp_memory_simulate_pressure_notification_async (browser.conn, MS_CDP_PRESSURE_MODERATE, NULL,
                                                      got_result, &browser.result);
  expect_ok (ms_cdp_memory_simulate_pressure_notification_finish);
  ms_cdp_memory_simulate_pressure_notification_async (browser.conn, MS_CDP_PRESSURE_CRITICAL, NULL,
                                                      got_result, &browser.result);
  expect_ok (ms_cdp_memory_simulate_pressure_notification_finish);
  ms_cdp_memory_set_pressure_notifications_suppressed_async (browser.conn, TRUE, NULL,
                                                             got_result, &browser.result);
  expect_ok (ms_cdp_memory_set_pressure_notifications_suppressed_finish);
  ms_cdp_memory_set_pressure_notifications_suppressed_async (browser.conn, FALSE, NULL,
                                                             got_result, &browser.result);
  expect_ok (ms_cdp_memory_set_pressure_notifications_suppressed_finish);

  /* The error replies the notes list, as protocol errors with their codes. */
  reply = call_raw_params ("Memory.simulatePressureNotification", "{\"level\":\"bogus\"}", &error);
  g_assert_null (reply);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_cmpint (ms_cdp_error_get_protocol_code (error), ==, -32602);
  g_assert_cmpstr (ms_cdp_error_get_protocol_message (error), ==, "Invalid memory pressure level 'bogus'");
  g_clear_error (&error);

  reply = call_raw_params ("Memory.setPressureNotificationsSuppressed", "{}", &error);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_cmpint (ms_cdp_error_get_protocol_code (error), ==, -32602);
  g_assert_nonnull (ms_cdp_error_get_protocol_data (error));
  g_assert_nonnull (strstr (ms_cdp_error_get_protocol_data (error), "suppressed"));
  g_clear_error (&error);

  reply = call_raw_params ("Memory.startSampling", "{\"samplingInterval\":0}", &error);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_cmpint (ms_cdp_error_get_protocol_code (error), ==, -32000);
  g_assert_cmpstr (ms_cdp_error_get_protocol_message (error), ==, "Invalid sampling rate.");
  g_clear_error (&error);

  reply = call_raw_params ("Memory.nope", "{}", &error);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_cmpint (ms_cdp_error_get_protocol_code (error), ==, -32601);
  g_assert_cmpstr (ms_cdp_error_get_protocol_message (error), ==, "'Memory.nope' wasn't found");
}

static void
test_leak_detection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GArray) counters = NULL;
  gint64 live_nodes = -1;

  ms_cdp_memory_prepare_for_leak_detection_async (browser.conn, NULL, got_result, &browser.result);
  expect_ok (ms_cdp_memory_prepare_for_leak_detection_finish);

  ms_cdp_memory_get_dom_counters_for_leak_detection_async (browser.conn, NULL, got_result,
                                                           &browser.result);
  r = wait_result ();
  counters = ms_cdp_memory_get_dom_counters_for_leak_detection_finish (browser.conn, r, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < counters->len; i++)
    {
      MsCdpDomCounter *c = &g_array_index (counters, MsCdpDomCounter, i);
      g_test_message ("%s = %" G_GINT64_FORMAT, c->name, c->count);
      if (g_str_equal (c->name, "live_nodes"))
        live_nodes = c->count;
    }
  /* The divs, their text nodes, and the spans grow() keeps alive. */
  g_assert_cmpint (live_nodes, >=, 2 * N_DIVS);
  g_assert_cmpint (ms_cdp_connection_get_state (browser.conn), ==, MS_CDP_TARGET_STATE_CONNECTED);
}

static void
test_purge (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  ms_cdp_memory_forcibly_purge_javascript_memory_async (browser.conn, NULL, got_result, &browser.result);
  expect_ok (ms_cdp_memory_forcibly_purge_javascript_memory_finish);

  /* As the notes say: the page's scripts are gone afterwards. */
  value = evaluate ("1 + 1", &error);
  g_assert_null (value);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_test_message ("after purge: %s", error->message);
}

static void
test_renderer_crash (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* Page.crash kills the renderer; the call itself is never answered. */
  ms_cdp_connection_call_async (browser.conn, "Page.crash", NULL, 60, NULL, got_result, &browser.result);
  r = wait_result ();
  g_assert_null (ms_cdp_connection_call_finish (browser.conn, r, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_CRASHED);
  g_assert_cmpint (ms_cdp_connection_get_state (browser.conn), ==, MS_CDP_TARGET_STATE_CRASHED);
  g_clear_error (&error);

  /* Later calls fail at once instead of hanging. */
  ms_cdp_memory_get_dom_counters_async (browser.conn, NULL, got_result, &browser.result);
  r2 = wait_result ();
  g_assert_false (ms_cdp_memory_get_dom_counters_finish (browser.conn, r2, NULL, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_TARGET_CRASHED);
  g_assert_cmpint (g_get_monotonic_time (), <, deadline);
}

static void
on_state (MsCdpConnection *conn,
          GParamSpec      *pspec,
          gboolean        *changed)
{
  *changed = TRUE;
}

static void
test_browser_gone (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  gboolean changed = FALSE;

  g_signal_connect (browser.conn, "notify::state", G_CALLBACK (on_state), &changed);

  /* A call in flight when the browser dies fails instead of hanging. */
  ms_cdp_memory_get_dom_counters_async (browser.conn, NULL, got_result, &browser.result);
  ms_browser_launcher_stop (browser.launcher);
  r = wait_result ();
  g_assert_false (ms_cdp_memory_get_dom_counters_finish (browser.conn, r, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("pending call: %s", error->message);

  while (ms_cdp_connection_get_state (browser.conn) != MS_CDP_TARGET_STATE_CLOSED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (changed);
  g_assert_false (ms_browser_launcher_is_running (browser.launcher));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* Order matters: purge destroys the page's scripts, and the last test stops the browser. */
  g_test_add_func ("/memscope/browser/dom-counters", test_dom_counters);
  g_test_add_func ("/memscope/browser/sampling", test_sampling);
  g_test_add_func ("/memscope/browser/raw-profile", test_raw_profile);
  g_test_add_func ("/memscope/browser/pressure", test_pressure);
  g_test_add_func ("/memscope/browser/leak-detection", test_leak_detection);
  g_test_add_func ("/memscope/browser/purge", test_purge);
  g_test_add_func ("/memscope/browser/renderer-crash", test_renderer_crash);
  g_test_add_func ("/memscope/browser/browser-gone", test_browser_gone);

  browser_start ();
  ret = g_test_run ();
  browser_stop ();
  return ret;
}
