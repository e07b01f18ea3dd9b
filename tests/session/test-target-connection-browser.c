/* test-target-connection-browser.c: recording a real Chromium, and the browser dying under it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-error.h"
#include "ms-recorder.h"

#define PAGE \
  "<!doctype html><html><body><ul id=l></ul><script>\n" \
  "window.keep = [];\n" \
  "setInterval (() => { const l = document.getElementById('l');\n" \
  "  for (let i = 0; i < 100; i++) { const li = document.createElement('li'); li.textContent = i;\n" \
  "    li.addEventListener('click', () => {}); l.appendChild(li); }\n" \
  "  window.keep.push(new ArrayBuffer(65536)); }, 200);\n" \
  "</script></body></html>"

static SoupServer *http;
static char *page_url;
static MsBrowserLauncher *launcher;
static MsCdpEndpoint *endpoint;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  GAsyncResult *r;

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  r = *slot;
  *slot = NULL;
  return r;
}

static void
page_handler (SoupServer *server, SoupServerMessage *msg, const char *path,
              GHashTable *query, gpointer user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, PAGE, strlen (PAGE));
}

static void
start_browser (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  GAsyncResult *slot = NULL;

  http = soup_server_new (NULL, NULL);
  soup_server_add_handler (http, NULL, page_handler, NULL, NULL);
  soup_server_listen (http, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (http);
  page_url = g_strdup_printf ("http://127.0.0.1:%d/leak.html", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  launcher = ms_browser_launcher_new ();
  ms_browser_launcher_set_headless (launcher, TRUE);
  ms_browser_launcher_set_url (launcher, page_url);
  ms_browser_launcher_start_async (launcher, NULL, got_result, &slot);
  r = wait_result (&slot);
  endpoint = ms_browser_launcher_start_finish (launcher, r, &error);
  g_assert_no_error (error);
}

typedef struct
{
  guint n_profiles;
  guint n_counters;
  guint n_saved;
} Counts;

static void on_profile (MsRecorder *r, guint index, Counts *c) { c->n_profiles++; }
static void on_counters (MsRecorder *r, gpointer reading, Counts *c) { c->n_counters++; }
static void on_saved (MsRecorder *r, GFile *file, Counts *c) { c->n_saved++; }

static void
test_record_then_browser_dies (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsTargetConnection) session = NULL;
  g_autoptr(MsRecorder) recorder = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(MsSessionFile) saved = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rec.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GAsyncResult *slot = NULL;
  Counts counts = { 0 };
  guint profiles_before_death;
  gint64 deadline;

  session = ms_target_connection_new (endpoint, "leak.html");
  ms_target_connection_set_reconnect_window (session, 3);
  ms_target_connection_connect_async (session, NULL, got_result, &slot);
  r = wait_result (&slot);
  g_assert_true (ms_target_connection_connect_finish (session, r, &error));
  g_assert_no_error (error);
  g_clear_object (&r);

  recorder = ms_recorder_new (session);
  g_signal_connect (recorder, "profile", G_CALLBACK (on_profile), &counts);
  g_signal_connect (recorder, "counters", G_CALLBACK (on_counters), &counts);
  g_signal_connect (recorder, "saved", G_CALLBACK (on_saved), &counts);
  ms_recorder_set_sampling_interval (recorder, 16384);
  ms_recorder_set_profile_interval (recorder, 1);
  g_assert_true (ms_recorder_set_output (recorder, file, 1, &error));
  ms_recorder_start_async (recorder, NULL, got_result, &slot);
  r = wait_result (&slot);
  g_assert_true (ms_recorder_start_finish (recorder, r, &error));
  g_assert_no_error (error);
  g_clear_object (&r);

  /* Record until there is something worth losing. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (counts.n_profiles < 2 || counts.n_counters < 2 || counts.n_saved < 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  profiles_before_death = counts.n_profiles;

  /* The page's counters grow: the page adds 100 nodes every 200 ms. */
  {
    GArray *readings = ms_recorder_get_counters (recorder);
    MsRecordedCounters *first = &g_array_index (readings, MsRecordedCounters, 0);
    MsRecordedCounters *last = &g_array_index (readings, MsRecordedCounters, readings->len - 1);
    g_assert_cmpint (last->nodes, >, first->nodes);
  }

  /* The browser dies without warning. */
  kill (ms_browser_launcher_get_pid (launcher), SIGKILL);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (ms_target_connection_get_state (session) != MS_TARGET_CONNECTION_STATE_FAILED)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (ms_target_connection_get_error (session));
  g_test_message ("session: %s", ms_target_connection_get_error (session)->message);

  /* Stopping reports that sampling could not be stopped, but keeps and saves everything. */
  ms_recorder_stop_async (recorder, NULL, got_result, &slot);
  r = wait_result (&slot);
  g_assert_false (ms_recorder_stop_finish (recorder, r, &error));
  g_assert_nonnull (error);
  g_test_message ("stop: %s", error->message);
  g_clear_error (&error);

  saved = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_session_file_get_n_profiles (saved), >=, profiles_before_death);
  g_assert_cmpuint (ms_session_file_get_n_counters (saved), >=, 2);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/memscope/target-connection-browser/record-then-browser-dies", test_record_then_browser_dies);

  start_browser ();
  ret = g_test_run ();

  ms_browser_launcher_stop (launcher);
  g_clear_object (&launcher);
  g_clear_pointer (&endpoint, ms_cdp_endpoint_unref);
  soup_server_disconnect (http);
  g_clear_object (&http);
  g_free (page_url);
  return ret;
}
