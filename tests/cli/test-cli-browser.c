/* test-cli-browser.c: memscope-cli against a real headless Chromium
 *
 * One browser, started by MsBrowserLauncher, on three pages this test serves from
 * 127.0.0.1: one that leaks N_DIVS divs (each with a text node and a click listener) per
 * call of step(), one whose step() builds and drops as many, one to purge. Expected
 * figures come from the page's construction and from the test's own DevTools
 * connections, never from the program's output.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-connection.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-error.h"
#include "ms-cdp-memory.h"

#include "cli-test-profile.h"
#include "cli-test-run.h"

#define N_DIVS 25
/* Each div brings its text node along. */
#define NODES_PER_DIV 2

#define PAGE \
  "<!doctype html><html><head><title>%s</title></head><body><div id=root></div><script>\n" \
  "const LEAKS = %s;\n" \
  "function step () { const root = document.getElementById('root');\n" \
  "  for (let i = 0; i < %d; i++) { const d = document.createElement('div');\n" \
  "    d.textContent = 'x'; d.addEventListener('click', () => {}); root.appendChild(d);\n" \
  "    if (!LEAKS) root.removeChild(d); } }\n" \
  "function stepLater () { return new Promise(r => setTimeout(() => { step(); r(true); }, 300)); }\n" \
  "window.buffers = [];\n" \
  "function startAllocating () { setInterval(() => { const b = new ArrayBuffer(4 << 20);\n" \
  "  new Uint8Array(b).fill(1); buffers.push(b); if (buffers.length > 2) buffers.shift(); }, 250); }\n" \
  "window.ready = true;\n" \
  "</script></body></html>"

typedef enum
{
  PAGE_LEAKY,
  PAGE_CLEAN,
  PAGE_PURGE,
  N_PAGES
} PageId;

static const char *const page_names[N_PAGES] = { "leaky", "clean", "purge" };

typedef struct
{
  SoupServer        *http;
  MsBrowserLauncher *launcher;
  MsCdpEndpoint     *endpoint;
  char              *endpoint_text;
  MsCdpDiscovery    *discovery;
  MsCdpConnection   *browser_conn;
  char              *urls[N_PAGES];
  char              *ids[N_PAGES];
  char              *ws_urls[N_PAGES];
  MsCdpConnection   *conns[N_PAGES];
} Browser;

static Browser browser;

/* Waiting for async results */

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return g_steal_pointer (slot);
}

static JsonObject *
call (MsCdpConnection  *conn,
      const char       *method,
      const char       *params_json,
      GError          **error)
{
  g_autoptr(JsonNode) params = json_from_string (params_json ? params_json : "{}", NULL);
  g_autoptr(GAsyncResult) r = NULL;
  GAsyncResult *slot = NULL;

  ms_cdp_connection_call_async (conn, method, json_node_get_object (params), 60, NULL,
                                got_result, &slot);
  r = wait_result (&slot);
  return ms_cdp_connection_call_finish (conn, r, error);
}

static char *
evaluate (PageId       page,
          const char  *expression,
          GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) params = NULL;
  g_autofree char *params_json = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *remote;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "expression");
  json_builder_add_string_value (builder, expression);
  json_builder_set_member_name (builder, "returnByValue");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "awaitPromise");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  params = json_builder_get_root (builder);
  params_json = json_to_string (params, FALSE);

  reply = call (browser.conns[page], "Runtime.evaluate", params_json, error);
  if (reply == NULL)
    return NULL;
  remote = json_object_get_object_member (reply, "result");
  if (json_object_has_member (remote, "value"))
    return json_to_string (json_object_get_member (remote, "value"), FALSE);
  return g_strdup ("undefined");
}

/* The test's own measurement: after a full GC, as the CLI promises to measure. */
static MsCdpDomCounters
dom_counters_after_gc (PageId page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(JsonObject) prepared = NULL;
  GAsyncResult *slot = NULL;
  MsCdpDomCounters counters;

  prepared = call (browser.conns[page], "Memory.prepareForLeakDetection", NULL, &error);
  g_assert_no_error (error);
  ms_cdp_memory_get_dom_counters_async (browser.conns[page], NULL, got_result, &slot);
  r = wait_result (&slot);
  g_assert_true (ms_cdp_memory_get_dom_counters_finish (browser.conns[page], r, &counters, &error));
  g_assert_no_error (error);

  return counters;
}

static MsCdpDomCounters
dom_counters (PageId page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  GAsyncResult *slot = NULL;
  MsCdpDomCounters counters;

  ms_cdp_memory_get_dom_counters_async (browser.conns[page], NULL, got_result, &slot);
  r = wait_result (&slot);
  g_assert_true (ms_cdp_memory_get_dom_counters_finish (browser.conns[page], r, &counters, &error));
  g_assert_no_error (error);

  return counters;
}

/* Set-up */

static void
page_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  for (guint i = 0; i < N_PAGES; i++)
    {
      g_autofree char *page_path = g_strdup_printf ("/%s.html", page_names[i]);

      if (g_str_equal (path, page_path))
        {
          char *body = g_strdup_printf (PAGE, page_names[i], i == PAGE_LEAKY ? "true" : "false",
                                        N_DIVS);

          soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
          soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_TAKE, body,
                                            strlen (body));
          return;
        }
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
connect_page (PageId page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  GAsyncResult *slot = NULL;

  /* The target may take a moment to show up in /json/list. */
  for (guint attempt = 0; attempt < 200 && browser.ws_urls[page] == NULL; attempt++)
    {
      g_autoptr(GPtrArray) targets = NULL;
      g_autoptr(MsCdpTarget) target = NULL;

      ms_cdp_discovery_list_targets_async (browser.discovery, NULL, got_result, &slot);
      r = wait_result (&slot);
      targets = ms_cdp_discovery_list_targets_finish (browser.discovery, r, &error);
      g_assert_no_error (error);
      g_clear_object (&r);

      target = ms_cdp_target_list_find (targets, browser.urls[page], NULL);
      if (target != NULL)
        {
          browser.ids[page] = g_strdup (ms_cdp_target_get_id (target));
          browser.ws_urls[page] = ms_cdp_discovery_target_ws_url (browser.discovery, target,
                                                                  &error);
          g_assert_no_error (error);
        }
      else
        g_usleep (50 * 1000);
    }
  g_assert_nonnull (browser.ws_urls[page]);

  ms_cdp_connection_new_async (browser.ws_urls[page], NULL, got_result, &slot);
  r = wait_result (&slot);
  browser.conns[page] = ms_cdp_connection_new_finish (r, &error);
  g_assert_no_error (error);

  for (guint attempt = 0; attempt < 200; attempt++)
    {
      g_autofree char *ready = evaluate (page, "window.ready === true", &error);

      g_assert_no_error (error);
      if (g_strcmp0 (ready, "true") == 0)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("page %s never became ready", page_names[page]);
}

static void
browser_start (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autofree char *browser_ws = NULL;
  GAsyncResult *slot = NULL;
  GSList *uris;
  int port;

  browser.http = soup_server_new (NULL, NULL);
  soup_server_add_handler (browser.http, NULL, page_handler, NULL, NULL);
  soup_server_listen (browser.http, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (browser.http);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  for (guint i = 0; i < N_PAGES; i++)
    browser.urls[i] = g_strdup_printf ("http://127.0.0.1:%d/%s.html", port, page_names[i]);

  browser.launcher = ms_browser_launcher_new ();
  ms_browser_launcher_set_headless (browser.launcher, TRUE);
  ms_browser_launcher_set_url (browser.launcher, browser.urls[PAGE_LEAKY]);
  ms_browser_launcher_start_async (browser.launcher, NULL, got_result, &slot);
  r = wait_result (&slot);
  browser.endpoint = ms_browser_launcher_start_finish (browser.launcher, r, &error);
  g_assert_no_error (error);
  g_clear_object (&r);
  browser.endpoint_text = ms_cdp_endpoint_to_string (browser.endpoint);
  browser.discovery = ms_cdp_discovery_new (browser.endpoint);

  /* The other two pages, opened through the browser target. */
  browser_ws = ms_cdp_endpoint_ws_url (browser.endpoint,
                                       ms_cdp_endpoint_get_ws_path (browser.endpoint), &error);
  g_assert_no_error (error);
  ms_cdp_connection_new_async (browser_ws, NULL, got_result, &slot);
  r = wait_result (&slot);
  browser.browser_conn = ms_cdp_connection_new_finish (r, &error);
  g_assert_no_error (error);
  g_clear_object (&r);
  for (guint i = PAGE_CLEAN; i < N_PAGES; i++)
    {
      g_autofree char *params = g_strdup_printf ("{\"url\":\"%s\"}", browser.urls[i]);
      g_autoptr(JsonObject) reply = call (browser.browser_conn, "Target.createTarget", params,
                                          &error);

      g_assert_no_error (error);
    }

  for (guint i = 0; i < N_PAGES; i++)
    connect_page (i);
}

static void
browser_stop (void)
{
  for (guint i = 0; i < N_PAGES; i++)
    {
      if (browser.conns[i] != NULL)
        ms_cdp_connection_close (browser.conns[i]);
      g_clear_object (&browser.conns[i]);
      g_clear_pointer (&browser.urls[i], g_free);
      g_clear_pointer (&browser.ids[i], g_free);
      g_clear_pointer (&browser.ws_urls[i], g_free);
    }
  if (browser.browser_conn != NULL)
    ms_cdp_connection_close (browser.browser_conn);
  g_clear_object (&browser.browser_conn);
  g_clear_object (&browser.discovery);
  if (browser.launcher != NULL)
    ms_browser_launcher_stop (browser.launcher);
  g_clear_object (&browser.launcher);
  g_clear_pointer (&browser.endpoint, ms_cdp_endpoint_unref);
  g_clear_pointer (&browser.endpoint_text, g_free);
  g_clear_object (&browser.http);
}

/* Runs memscope-cli --endpoint E ARGS... */
static int
run_cli (char **out,
         char **err,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--endpoint");
  g_ptr_array_add (args, browser.endpoint_text);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return cli_test_runv ((const char * const *) args->pdata, 120, out, err);
}

static JsonObject *
parse_object (const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (line, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
  return json_node_get_int (node);
}

/* A leak-check table row: name before after delta per-iteration budget [EXCEEDED]. */
typedef struct
{
  gint64   before;
  gint64   after;
  gint64   delta;
  double   per_iteration;
  gboolean exceeded;
} Row;

static Row
find_row (const char *out,
          const char *name)
{
  g_auto(GStrv) lines = cli_test_lines (out);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (lines[i], " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      Row row;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);

      if (words->len < 6 || !g_str_equal (g_ptr_array_index (words, 0), name))
        continue;

      row.before = g_ascii_strtoll (g_ptr_array_index (words, 1), NULL, 10);
      row.after = g_ascii_strtoll (g_ptr_array_index (words, 2), NULL, 10);
      row.delta = g_ascii_strtoll (g_ptr_array_index (words, 3), NULL, 10);
      row.per_iteration = g_ascii_strtod (g_ptr_array_index (words, 4), NULL);
      row.exceeded = words->len > 6 && g_str_equal (g_ptr_array_index (words, 6), "EXCEEDED");
      return row;
    }

  g_error ("no row for %s in:\n%s", name, out);
}

/* Tests */

static void
test_targets (void)
{
  g_autofree char *out = NULL;
  g_autofree char *json_out = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  JsonArray *targets;

  ms_cdp_discovery_get_version_async (browser.discovery, NULL, got_result, &slot);
  r = wait_result (&slot);
  version = ms_cdp_discovery_get_version_finish (browser.discovery, r, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (&out, NULL, "targets", NULL), ==, CLI_EXIT_OK);
  g_assert_true (g_str_has_prefix (out, ms_cdp_browser_version_get_browser (version)));
  for (guint i = 0; i < N_PAGES; i++)
    {
      g_autofree char *start = g_strdup_printf ("\n%s  page", browser.ids[i]);

      g_assert_nonnull (strstr (out, start));
      g_assert_nonnull (strstr (out, browser.urls[i]));
    }

  g_assert_cmpint (run_cli (&json_out, NULL, "targets", "--json", NULL), ==, CLI_EXIT_OK);
  g_assert_true (g_str_has_suffix (json_out, "}\n"));
  root = parse_object (json_out);
  g_assert_cmpstr (json_object_get_string_member (root, "browser"), ==,
                   ms_cdp_browser_version_get_browser (version));
  g_assert_cmpstr (json_object_get_string_member (root, "protocolVersion"), ==,
                   ms_cdp_browser_version_get_protocol_version (version));
  targets = json_object_get_array_member (root, "targets");
  for (guint i = 0; i < N_PAGES; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < json_array_get_length (targets); j++)
        {
          JsonObject *target = json_array_get_object_element (targets, j);

          if (g_strcmp0 (json_object_get_string_member (target, "id"), browser.ids[i]) == 0)
            {
              g_assert_cmpstr (json_object_get_string_member (target, "type"), ==, "page");
              g_assert_cmpstr (json_object_get_string_member (target, "url"), ==, browser.urls[i]);
              g_assert_cmpstr (json_object_get_string_member (target, "title"), ==, page_names[i]);
              found = TRUE;
            }
        }
      g_assert_true (found);
    }
}

static void
test_counters_json (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GDateTime) started = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) finished = NULL;
  MsCdpDomCounters expected = dom_counters (PAGE_CLEAN);
  MsCdpDomCounters expected_after;

  g_assert_cmpint (run_cli (&out, &err, "counters", "--target", "clean.html", "--json",
                            "--count", "3", "--interval", "0.2", NULL), ==, CLI_EXIT_OK);
  finished = g_date_time_new_now_utc ();
  expected_after = dom_counters (PAGE_CLEAN);
  /* Nothing runs in the page meanwhile. */
  g_assert_cmpint (expected.nodes, ==, expected_after.nodes);
  g_assert_cmpstr (err, ==, "");

  lines = cli_test_lines (out);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) sample = parse_object (lines[i]);
      g_autoptr(GDateTime) time = NULL;

      g_assert_cmpuint (json_object_get_size (sample), ==, 4);
      time = g_date_time_new_from_iso8601 (json_object_get_string_member (sample, "timestamp"),
                                           NULL);
      g_assert_nonnull (time);
      /* Millisecond timestamps: allow for the truncation. */
      g_assert_cmpint (g_date_time_difference (time, started), >=, -1000);
      g_assert_cmpint (g_date_time_difference (finished, time), >=, 0);
      g_assert_cmpint (int_member (sample, "documents"), ==, expected.documents);
      g_assert_cmpint (int_member (sample, "nodes"), ==, expected.nodes);
      g_assert_cmpint (int_member (sample, "jsEventListeners"), ==, expected.js_event_listeners);
    }
}

static void
test_counters_text (void)
{
  g_autofree char *out = NULL;
  g_autofree char *expected_row = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  MsCdpDomCounters expected = dom_counters (PAGE_CLEAN);

  g_assert_cmpint (run_cli (&out, NULL, "counters", "--target", browser.ids[PAGE_CLEAN], NULL),
                   ==, CLI_EXIT_OK);
  lines = cli_test_lines (out);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_nonnull (strstr (lines[0], "documents"));
  g_assert_nonnull (strstr (lines[0], "jsEventListeners"));
  expected_row = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                  expected.documents, expected.nodes, expected.js_event_listeners);
  fields = g_strsplit_set (lines[1], " ", -1);
  {
    g_autoptr(GString) row = g_string_new (NULL);

    for (guint i = 1; fields[i] != NULL; i++)
      if (*fields[i] != '\0')
        g_string_append_printf (row, "%s%s", row->len ? " " : "", fields[i]);
    g_assert_cmpstr (row->str, ==, expected_row);
  }
}

static void
test_counters_ws (void)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) sample = NULL;
  MsCdpDomCounters expected = dom_counters (PAGE_CLEAN);

  /* --ws replaces --endpoint: run without run_cli()'s --endpoint. */
  g_assert_cmpint (cli_test_run (&out, NULL, "counters", "--json", "--ws",
                                 browser.ws_urls[PAGE_CLEAN], NULL), ==, CLI_EXIT_OK);
  sample = parse_object (out);
  g_assert_cmpint (int_member (sample, "nodes"), ==, expected.nodes);
}

/* The test's own leak-detection counters of @page, after leak-prep's full GC. */
static GArray *
own_leak_counters (PageId page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(JsonObject) prepared = NULL;
  GAsyncResult *slot = NULL;
  GArray *counters;

  prepared = call (browser.conns[page], "Memory.prepareForLeakDetection", NULL, &error);
  g_assert_no_error (error);
  ms_cdp_memory_get_dom_counters_for_leak_detection_async (browser.conns[page], NULL, got_result,
                                                           &slot);
  r = wait_result (&slot);
  counters = ms_cdp_memory_get_dom_counters_for_leak_detection_finish (browser.conns[page], r,
                                                                      &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counters->len, >, 0);

  return counters;
}

static gint64
own_count (GArray     *counters,
           const char *name)
{
  for (guint i = 0; i < counters->len; i++)
    {
      const MsCdpDomCounter *counter = &g_array_index (counters, MsCdpDomCounter, i);

      if (g_str_equal (counter->name, name))
        return counter->count;
    }

  g_error ("the browser reports no counter %s", name);
}

/* `leak-counters --json` gives every counter the browser has, each with the value the
 * test reads itself (when it holds still around the program's reading), and counts
 * the nodes the page then builds. */
static void
test_leak_counters (void)
{
  g_autofree char *out = NULL;
  g_autofree char *more_out = NULL;
  g_autofree char *text_out = NULL;
  g_autofree char *built = NULL;
  g_autofree char *dropped = NULL;
  g_autoptr(JsonObject) sample = NULL;
  g_autoptr(JsonObject) more = NULL;
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(GError) error = NULL;
  guint n_stable = 0;

  before = own_leak_counters (PAGE_CLEAN);
  g_assert_cmpint (run_cli (&out, NULL, "leak-counters", "--target", "clean.html", "--json", NULL),
                   ==, CLI_EXIT_OK);
  after = own_leak_counters (PAGE_CLEAN);

  sample = parse_object (out);
  g_assert_true (json_object_has_member (sample, "timestamp"));
  g_assert_cmpuint (json_object_get_size (sample), ==, before->len + 1);
  for (guint i = 0; i < before->len; i++)
    {
      const MsCdpDomCounter *counter = &g_array_index (before, MsCdpDomCounter, i);
      gint64 later = own_count (after, counter->name);

      g_assert_true (json_object_has_member (sample, counter->name));
      if (counter->count == later)
        {
          g_assert_cmpint (int_member (sample, counter->name), ==, counter->count);
          n_stable++;
        }
      else
        g_test_message ("%s moved from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                        " around the reading: not compared", counter->name, (gint64) counter->count,
                        later);
    }
  /* the pages are idle after a full GC: their nodes and documents hold still */
  g_assert_cmpint (own_count (before, "live_nodes"), ==, own_count (after, "live_nodes"));
  g_assert_cmpint (own_count (before, "live_documents"), ==, own_count (after, "live_documents"));
  g_assert_cmpint (int_member (sample, "live_documents"), >=, 1);
  g_assert_cmpuint (n_stable, >=, 2);

  /* the page keeps N_DIVS divs, each with its text node: that many more nodes */
  built = evaluate (PAGE_CLEAN, "window.kept = []; for (let i = 0; i < " G_STRINGIFY (N_DIVS)
                    "; i++) { const d = document.createElement('div'); d.textContent = 'x';"
                    " window.kept.push(d); } window.kept.length", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (built, ==, G_STRINGIFY (N_DIVS));
  g_assert_cmpint (run_cli (&more_out, NULL, "leak-counters", "--target", "clean.html", "--json",
                            NULL), ==, CLI_EXIT_OK);
  more = parse_object (more_out);
  g_assert_cmpint (int_member (more, "live_nodes") - int_member (sample, "live_nodes"), ==,
                   N_DIVS * NODES_PER_DIV);
  dropped = evaluate (PAGE_CLEAN, "delete window.kept", &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (&text_out, NULL, "leak-counters", "--target", "clean.html", NULL), ==,
                   CLI_EXIT_OK);
  g_assert_nonnull (strstr (text_out, "live_nodes"));
}

static void
test_leak_check_leaky (void)
{
  g_autofree char *out = NULL;
  MsCdpDomCounters before = dom_counters_after_gc (PAGE_LEAKY);
  MsCdpDomCounters after;
  const int iterations = 4, warmup = 1;
  Row nodes, listeners, documents;

  g_assert_cmpint (run_cli (&out, NULL, "leak-check", "--target", "leaky.html",
                            "--action", "step()", "--iterations", "4", "--warmup", "1", NULL),
                   ==, CLI_EXIT_CHECK_FAILED);
  after = dom_counters_after_gc (PAGE_LEAKY);

  /* The page keeps every div: the test sees warm-up and iterations alike. */
  g_assert_cmpint (after.nodes - before.nodes, ==, (iterations + warmup) * N_DIVS * NODES_PER_DIV);
  g_assert_cmpint (after.js_event_listeners - before.js_event_listeners, ==,
                   (iterations + warmup) * N_DIVS);

  nodes = find_row (out, "nodes");
  g_assert_cmpint (nodes.delta, ==, iterations * N_DIVS * NODES_PER_DIV);
  g_assert_cmpint (nodes.after - nodes.before, ==, nodes.delta);
  g_assert_cmpint (nodes.after, ==, after.nodes);
  g_assert_cmpfloat_with_epsilon (nodes.per_iteration, N_DIVS * NODES_PER_DIV, 0.001);
  g_assert_true (nodes.exceeded);
  listeners = find_row (out, "jsEventListeners");
  g_assert_cmpint (listeners.delta, ==, iterations * N_DIVS);
  g_assert_true (listeners.exceeded);
  documents = find_row (out, "documents");
  g_assert_cmpint (documents.delta, ==, 0);
  g_assert_false (documents.exceeded);
  g_assert_nonnull (strstr (out, "\nFAIL: "));
}

static void
test_leak_check_awaits_promise (void)
{
  g_autofree char *out = NULL;
  Row nodes;

  /* stepLater() leaks 300 ms after it is called: only an awaited promise counts it. */
  g_assert_cmpint (run_cli (&out, NULL, "leak-check", "--target", "leaky.html",
                            "--action", "stepLater()", "--iterations", "2", "--warmup", "0", NULL),
                   ==, CLI_EXIT_CHECK_FAILED);
  nodes = find_row (out, "nodes");
  g_assert_cmpint (nodes.delta, ==, 2 * N_DIVS * NODES_PER_DIV);
}

static void
test_leak_check_within_budget (void)
{
  g_autofree char *out = NULL;
  g_autofree char *budget = g_strdup_printf ("nodes=%d,jsEventListeners=%d",
                                             3 * N_DIVS * NODES_PER_DIV, 3 * N_DIVS);
  g_autofree char *tight = g_strdup_printf ("nodes=%d", 3 * N_DIVS * NODES_PER_DIV - 1);
  g_autofree char *tight_out = NULL;

  g_assert_cmpint (run_cli (&out, NULL, "leak-check", "--target", "leaky.html", "--action", "step()",
                            "--iterations", "3", "--max-growth", budget, NULL), ==, CLI_EXIT_OK);
  g_assert_nonnull (strstr (out, "\nPASS"));

  g_assert_cmpint (run_cli (&tight_out, NULL, "leak-check", "--target", "leaky.html",
                            "--action", "step()", "--iterations", "3", "--max-growth", tight, NULL),
                   ==, CLI_EXIT_CHECK_FAILED);
}

static void
test_leak_check_clean (void)
{
  g_autofree char *out = NULL;
  Row nodes, listeners;

  g_assert_cmpint (run_cli (&out, NULL, "leak-check", "--target", "clean.html",
                            "--action", "step()", "--iterations", "4", NULL), ==, CLI_EXIT_OK);
  nodes = find_row (out, "nodes");
  listeners = find_row (out, "jsEventListeners");
  g_assert_cmpint (nodes.delta, ==, 0);
  g_assert_cmpint (listeners.delta, ==, 0);
  g_assert_false (nodes.exceeded);
  g_assert_nonnull (strstr (out, "\nPASS"));
}

static void
test_leak_check_errors (void)
{
  g_autofree char *err = NULL;
  g_autofree char *throw_err = NULL;

  g_assert_cmpint (run_cli (NULL, &err, "leak-check", "--target", "clean.html", "--action",
                            "step()", "--max-growth", "live_bogus=1", NULL), ==, CLI_EXIT_ERROR);
  g_assert_nonnull (strstr (err, "live_bogus"));

  g_assert_cmpint (run_cli (NULL, &throw_err, "leak-check", "--target", "clean.html", "--action",
                            "throw new Error('boom')", NULL), ==, CLI_EXIT_ERROR);
  g_assert_nonnull (strstr (throw_err, "Error: boom"));
}

static void
test_pressure (void)
{
  const char *const levels[] = { "moderate", "critical" };
  const char *const settings[] = { "on", "off" };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (NULL, &err, "pressure", levels[i], "--target", "clean.html", NULL),
                       ==, CLI_EXIT_OK);
      g_assert_cmpstr (err, ==, "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (NULL, &err, "suppress-pressure", settings[i], NULL), ==,
                       CLI_EXIT_OK);
      g_assert_cmpstr (err, ==, "");
    }
}

/* The page keeps 4 MiB ArrayBuffers alive, a new one every 250 ms. */
static void
test_watch (void)
{
  g_autofree char *out = NULL;
  g_autofree char *quiet_out = NULL;
  g_autofree char *started = NULL;
  g_autofree char *threshold = g_strdup_printf ("%d", 1 << 20);
  g_autofree char *high_threshold = g_strdup_printf ("%d", 64 << 20);
  g_autofree char *size = g_strdup_printf (" %d bytes", 4 << 20);
  g_autoptr(GError) error = NULL;

  started = evaluate (PAGE_LEAKY, "startAllocating(), true", &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (&out, NULL, "watch", "--target", "leaky.html", "--alarm-min-bytes",
                            threshold, "--duration", "4", NULL), ==, CLI_EXIT_ALARM);
  g_assert_true (g_str_has_prefix (out, "alarm at "));
  g_assert_nonnull (strstr (out, size));

  g_assert_cmpint (run_cli (&quiet_out, NULL, "watch", "--target", "leaky.html",
                            "--alarm-min-bytes", high_threshold, "--duration", "3", NULL), ==,
                   CLI_EXIT_OK);
  g_assert_cmpstr (quiet_out, ==, "");
}


/* record */

static JsonObject *
load_session (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "memscope-session");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);

  return json_object_ref (root);
}

static JsonObject *
reply_result (JsonObject *entry)
{
  return json_object_get_object_member (json_object_get_object_member (entry, "reply"), "result");
}

static char *
read_pipe (GInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *buffer = g_malloc0 (64 * 1024);
  gsize n_read = 0;

  g_input_stream_read_all (stream, buffer, 64 * 1024 - 1, &n_read, NULL, &error);
  g_assert_no_error (error);
  buffer[n_read] = '\0';

  return buffer;
}

/* Iterates the main context until @path exists (the recorder saved once). */
static void
wait_for_file (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (50 * 1000);
    }
}

/* Memory.stopSampling fails when no sampling runs: whoever recorded stopped it. */
static void
assert_not_sampling (PageId page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = call (browser.conns[page], "Memory.stopSampling", NULL, &error);

  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
}

static void
check_summary (const char *out,
               const char *path,
               JsonObject *session)
{
  JsonArray *profiles = json_object_get_array_member (session, "profiles");
  JsonArray *counters = json_object_get_array_member (session, "counters");
  guint n_profiles = json_array_get_length (profiles);
  guint n_counters = json_array_get_length (counters);
  JsonObject *last = json_object_get_object_member (
    reply_result (json_array_get_object_element (profiles, n_profiles - 1)), "profile");
  g_autoptr(GArray) samples = cli_test_samples_from_profile (last);
  g_autofree char *expected = NULL;
  JsonObject *first_counters, *last_counters;

  g_assert_cmpuint (n_counters, >, 0);
  first_counters = reply_result (json_array_get_object_element (counters, 0));
  last_counters = reply_result (json_array_get_object_element (counters, n_counters - 1));
  expected = g_strdup_printf ("file: %s\nprofiles: %u\nsamples in last profile: %u\n"
                              "counter readings: %u\n"
                              "documents: %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "\n"
                              "nodes: %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "\n"
                              "jsEventListeners: %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "\n",
                              path, n_profiles, samples->len, n_counters,
                              json_object_get_int_member (first_counters, "documents"),
                              json_object_get_int_member (last_counters, "documents"),
                              json_object_get_int_member (first_counters, "nodes"),
                              json_object_get_int_member (last_counters, "nodes"),
                              json_object_get_int_member (first_counters, "jsEventListeners"),
                              json_object_get_int_member (last_counters, "jsEventListeners"));
  g_assert_cmpstr (out, ==, expected);
}

static void
test_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *started = NULL;
  g_autofree char *stopped = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *histogram = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(GArray) samples = NULL;
  g_auto(GStrv) rows = NULL;
  JsonArray *profiles, *counters;
  JsonObject *last;

  g_assert_no_error (error);
  path = g_build_filename (dir, "record.memscope", NULL);

  /* The page allocates while it is recorded. */
  started = evaluate (PAGE_LEAKY, "window.recordTimer = setInterval(step, 100), true", &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_cli (&out, &err, "record", "--target", "leaky.html", "--every", "1",
                            "--duration", "3", "--sampling-interval", "4096", "-o", path, NULL),
                   ==, CLI_EXIT_OK);
  stopped = evaluate (PAGE_LEAKY, "clearInterval(window.recordTimer), true", &error);
  g_assert_no_error (error);
  /* Not a terminal: no progress. */
  g_assert_cmpstr (err, ==, "");
  assert_not_sampling (PAGE_LEAKY);

  session = load_session (path);
  profiles = json_object_get_array_member (session, "profiles");
  counters = json_object_get_array_member (session, "counters");
  g_assert_cmpuint (json_array_get_length (profiles), >=, 2);
  g_assert_cmpuint (json_array_get_length (counters), >=, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session, "target"),
                                                  "url"), ==, browser.urls[PAGE_LEAKY]);
  check_summary (out, path, session);

  last = json_object_get_object_member (
    reply_result (json_array_get_object_element (profiles, json_array_get_length (profiles) - 1)),
    "profile");
  samples = cli_test_samples_from_profile (last);
  g_assert_cmpuint (samples->len, >, 0);

  /* What the session exports is its last profile, and its counters. */
  g_assert_cmpint (cli_test_run (&folded, NULL, "export", path, "--format", "folded", "--frames",
                                 "address", NULL), ==, CLI_EXIT_OK);
  cli_test_check_folded (folded, samples);
  g_assert_cmpint (cli_test_run (&histogram, NULL, "export", path, "--format", "histogram", NULL),
                   ==, CLI_EXIT_OK);
  cli_test_check_histogram (histogram, samples, 16);

  g_assert_cmpint (cli_test_run (&csv, NULL, "export", path, "--format", "csv", NULL), ==,
                   CLI_EXIT_OK);
  rows = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (rows[0], ==, "time,documents,nodes,jsEventListeners");
  g_assert_cmpuint (g_strv_length (rows), ==, json_array_get_length (counters) + 2);
  for (guint i = 0; i < json_array_get_length (counters); i++)
    {
      JsonObject *entry = json_array_get_object_element (counters, i);
      JsonObject *result = reply_result (entry);
      gint64 time = json_object_get_int_member (entry, "time");
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT ".%03d,%" G_GINT64_FORMAT
                                                   ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                                                   time / G_USEC_PER_SEC,
                                                   (int) (time % G_USEC_PER_SEC / 1000),
                                                   json_object_get_int_member (result, "documents"),
                                                   json_object_get_int_member (result, "nodes"),
                                                   json_object_get_int_member (result,
                                                                               "jsEventListeners"));

      g_assert_cmpstr (rows[i + 1], ==, expected);
    }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_record_ws (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) session = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "ws.memscope", NULL);

  /* --ws replaces --endpoint: run without run_cli()'s --endpoint. */
  g_assert_cmpint (cli_test_run (&out, NULL, "record", "--ws", browser.ws_urls[PAGE_CLEAN],
                                 "--duration", "1", "-o", path, NULL), ==, CLI_EXIT_OK);
  session = load_session (path);
  /* One profile, taken when stopping. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (session, "profiles")), ==, 1);
  check_summary (out, path, session);
  assert_not_sampling (PAGE_CLEAN);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_record_refuses_other_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  static const char text[] = "{\"not\":\"a session\"}\n";

  g_assert_no_error (error);
  path = g_build_filename (dir, "other.json", NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (&out, &err, "record", "--target", "clean.html", "--duration", "1",
                            "-o", path, NULL), ==, CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "memscope-cli: record: "));
  g_assert_nonnull (strstr (err, "not a readable Memscope session"));
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, text);

  g_unlink (path);
  g_rmdir (dir);
}

/* Ctrl-C stops sampling, writes the file and exits 0. */
static void
test_record_interrupt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonObject) session = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "interrupted.memscope", NULL);
  process = cli_test_spawn ((const char *[]) { "--endpoint", browser.endpoint_text, "record",
                                               "--target", "clean.html", "--every", "1",
                                               "-o", path, NULL });
  wait_for_file (path);
  g_subprocess_send_signal (process, SIGINT);
  g_assert_cmpint (cli_test_wait (process, 60), ==, CLI_EXIT_OK);
  out = read_pipe (g_subprocess_get_stdout_pipe (process));

  session = load_session (path);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (session, "profiles")), >=, 1);
  check_summary (out, path, session);
  assert_not_sampling (PAGE_CLEAN);

  g_unlink (path);
  g_rmdir (dir);
}

/* The target closes mid-recording: exit 2, and the file keeps what was saved. */
static void
test_record_target_closes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *params = NULL;
  g_autofree char *close_params = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) closed = NULL;
  g_autoptr(JsonObject) session = NULL;
  const char *target_id;

  g_assert_no_error (error);
  path = g_build_filename (dir, "closed.memscope", NULL);
  params = g_strdup_printf ("{\"url\":\"%s?closing\"}", browser.urls[PAGE_CLEAN]);
  created = call (browser.browser_conn, "Target.createTarget", params, &error);
  g_assert_no_error (error);
  target_id = json_object_get_string_member (created, "targetId");

  process = cli_test_spawn ((const char *[]) { "--endpoint", browser.endpoint_text, "record",
                                               "--target", target_id, "--every", "1",
                                               "--timeout", "2", "-o", path, NULL });
  wait_for_file (path);
  close_params = g_strdup_printf ("{\"targetId\":\"%s\"}", target_id);
  closed = call (browser.browser_conn, "Target.closeTarget", close_params, &error);
  g_assert_no_error (error);

  g_assert_cmpint (cli_test_wait (process, 60), ==, CLI_EXIT_ERROR);
  out = read_pipe (g_subprocess_get_stdout_pipe (process));
  err = read_pipe (g_subprocess_get_stderr_pipe (process));
  g_assert_nonnull (strstr (err, "went away"));
  g_assert_nonnull (strstr (err, "holds what was recorded until then"));

  session = load_session (path);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (session, "profiles")), >=, 1);
  check_summary (out, path, session);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_target_not_found (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (NULL, &err, "counters", "--target", "no-such-page", NULL), ==,
                   CLI_EXIT_ERROR);
  g_assert_nonnull (strstr (err, "no-such-page"));
}

static void
test_purge (void)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  before = evaluate (PAGE_PURGE, "typeof step", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before, ==, "\"function\"");

  g_assert_cmpint (run_cli (NULL, &err, "purge", "--target", "purge.html", NULL), ==,
                   CLI_EXIT_ERROR);
  g_assert_nonnull (strstr (err, "--yes"));
  after = evaluate (PAGE_PURGE, "typeof step", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, "\"function\"");

  g_assert_cmpint (run_cli (&out, NULL, "purge", "--yes", "--target", "purge.html", NULL), ==,
                   CLI_EXIT_OK);
  g_assert_nonnull (strstr (out, browser.urls[PAGE_PURGE]));
  /* The page's scripts are gone: nothing evaluates any more. */
  g_clear_pointer (&after, g_free);
  after = evaluate (PAGE_PURGE, "typeof step", &error);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
}

/* GET @url from the test's own HTTP client; the status (0 when nothing answered) and
 * the body. */
static guint
http_get (const char  *url,
          char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  soup_session_set_proxy_resolver (session, NULL);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, got_result, &slot);
  r = wait_result (&slot);
  bytes = soup_session_send_and_read_finish (session, r, &error);
  if (bytes == NULL)
    {
      g_test_message ("GET %s: %s", url, error->message);
      return 0;
    }
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_message_get_status (message);
}

/* `launch` prints an endpoint whose DevTools answer, with the page asked for open,
 * and Ctrl-C stops that browser: afterwards nothing answers there. */
static void
test_launch (void)
{
  const char *args[] = { "launch", "--headless", "--url", browser.urls[PAGE_CLEAN], NULL };
  g_autoptr(GSubprocess) process = cli_test_spawn (args);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *version_url = NULL, *list_url = NULL;
  g_autofree char *version = NULL, *list = NULL;
  g_autoptr(JsonObject) version_object = NULL;
  g_autoptr(GRegex) shape = g_regex_new ("^127\\.0\\.0\\.1:[0-9]+$", 0, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) targets = NULL;
  gboolean page_open = FALSE;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  endpoint = cli_test_read_line (lines, 120);
  g_assert_nonnull (endpoint);
  g_assert_true (g_regex_match (shape, endpoint, 0, NULL));
  /* a browser of its own, not the one this test runs */
  g_assert_cmpstr (endpoint, !=, browser.endpoint_text);

  version_url = g_strdup_printf ("http://%s/json/version", endpoint);
  g_assert_cmpuint (http_get (version_url, &version), ==, 200);
  version_object = parse_object (version);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (version_object,
                                                                  "webSocketDebuggerUrl"),
                                   "ws://127.0.0.1:"));
  g_assert_nonnull (strstr (json_object_get_string_member (version_object, "Browser"), "/"));

  /* the page asked for is one of its targets */
  list_url = g_strdup_printf ("http://%s/json/list", endpoint);
  g_assert_cmpuint (http_get (list_url, &list), ==, 200);
  targets = json_from_string (list, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (targets)); i++)
    {
      JsonObject *target = json_array_get_object_element (json_node_get_array (targets), i);

      page_open |= g_strcmp0 (json_object_get_string_member (target, "url"),
                              browser.urls[PAGE_CLEAN]) == 0;
    }
  g_assert_true (page_open);

  /* Ctrl-C: a clean exit, and the browser is gone when it returns */
  g_subprocess_send_signal (process, SIGINT);
  g_assert_cmpint (cli_test_wait (process, 60), ==, CLI_EXIT_OK);
  g_assert_cmpuint (http_get (version_url, NULL), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  browser_start ();

  g_test_add_func ("/memscope/cli/browser/targets", test_targets);
  g_test_add_func ("/memscope/cli/browser/counters-json", test_counters_json);
  g_test_add_func ("/memscope/cli/browser/counters-text", test_counters_text);
  g_test_add_func ("/memscope/cli/browser/counters-ws", test_counters_ws);
  g_test_add_func ("/memscope/cli/browser/leak-counters", test_leak_counters);
  g_test_add_func ("/memscope/cli/browser/leak-check-leaky", test_leak_check_leaky);
  g_test_add_func ("/memscope/cli/browser/leak-check-awaits-promise", test_leak_check_awaits_promise);
  g_test_add_func ("/memscope/cli/browser/leak-check-within-budget", test_leak_check_within_budget);
  g_test_add_func ("/memscope/cli/browser/leak-check-clean", test_leak_check_clean);
  g_test_add_func ("/memscope/cli/browser/leak-check-errors", test_leak_check_errors);
  g_test_add_func ("/memscope/cli/browser/pressure", test_pressure);
  g_test_add_func ("/memscope/cli/browser/target-not-found", test_target_not_found);
  g_test_add_func ("/memscope/cli/browser/watch", test_watch);
  g_test_add_func ("/memscope/cli/browser/record", test_record);
  g_test_add_func ("/memscope/cli/browser/record-ws", test_record_ws);
  g_test_add_func ("/memscope/cli/browser/record-refuses-other-file", test_record_refuses_other_file);
  g_test_add_func ("/memscope/cli/browser/record-interrupt", test_record_interrupt);
  g_test_add_func ("/memscope/cli/browser/record-target-closes", test_record_target_closes);
  g_test_add_func ("/memscope/cli/browser/purge", test_purge);
  g_test_add_func ("/memscope/cli/browser/launch", test_launch);

  status = g_test_run ();
  browser_stop ();

  return status;
}
