/* bench-browser-cost.c: how much of the renderer's time our polling takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-browser-cost [--seconds S]
 *
 * Starts headless Chromium (MsBrowserLauncher) on a page served from
 * 127.0.0.1 (the fixtures' page: 2,000 divs with listeners and arrays), and
 * polls it as the window does by default: Memory.getDOMCounters every second,
 * Memory.getSamplingProfile every 2 s or after the wait the recorder's adaptive
 * refresh sets (ms_recorder_compute_profile_delay_ms(), at the default maximum
 * cost of 2%), sampling every 32 KiB. Two page states: the page as loaded, and
 * after sampling every 64 bytes through grow() × 30 (a profile of about 40 MB,
 * as the large fixture).
 *
 * For each state, S seconds without polling, then polling for at least S
 * seconds and until the next profile is due: the polled window is whole cycles
 * of the refresh, from the first profile request to the one it ends on (after a
 * 40 MB profile, 12–15 minutes). The renderer processes' CPU time (utime +
 * stime from /proc, all processes of the browser started with --type=renderer)
 * in each window, and the round trip of every call. The cost is the renderer CPU
 * of the polling window minus the idle one, over the wall time. Two upper bounds
 * of the same: the time during which at least one of our calls waits for its
 * reply, over the wall time (what the recorder's browser-cost property measures),
 * and the round trips summed (a counters reading sent while a profile is being
 * built waits for it, and counts that wait again). After grow(), S seconds pass
 * unmeasured first, for the page to settle (its collections of garbage).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-connection.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-memory.h"
#include "ms-recorder.h"

#define PAGE \
  "<html><body><div id=root></div><script>\n" \
  "window.leak=[]; function grow(){ for(let i=0;i<2000;i++){ const d=document.createElement('div'); " \
  "d.textContent='x'+i; d.addEventListener('click',()=>{}); document.getElementById('root').appendChild(d); " \
  "window.leak.push(new Array(1000).fill(i)); } }\n" \
  "grow(); window.ready = true;\n" \
  "</script></body></html>"

#define PROFILE_INTERVAL_MS 2000
#define COUNTER_INTERVAL_MS 1000

static GAsyncResult *pending;
static MsCdpConnection *conn;
static const char *profile_dir;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  pending = g_object_ref (result);
}

static GAsyncResult *
wait_result (void)
{
  GAsyncResult *r;

  while (pending == NULL)
    g_main_context_iteration (NULL, TRUE);
  r = pending;
  pending = NULL;
  return r;
}

static void
page_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, PAGE, strlen (PAGE));
}

static gboolean
call (const char  *method,
      const char  *params_json,
      char       **value)
{
  g_autoptr(JsonNode) node = json_from_string (params_json, NULL);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  ms_cdp_connection_call_async (conn, method, json_node_get_object (node), 300, NULL, got_result, NULL);
  r = wait_result ();
  reply = ms_cdp_connection_call_finish (conn, r, &error);
  if (reply == NULL)
    {
      g_printerr ("%s: %s\n", method, error->message);
      return FALSE;
    }
  if (value != NULL)
    {
      JsonObject *remote = json_object_get_object_member (reply, "result");

      *value = remote != NULL && json_object_has_member (remote, "value")
               ? json_to_string (json_object_get_member (remote, "value"), FALSE) : NULL;
    }
  return TRUE;
}

/* CPU seconds of our browser's renderer processes ("--type=renderer" and our
 * profile directory on the command line; Chromium rewrites its argv as one
 * string, so this looks at the whole text), or of its browser process (no
 * --type=). */
static double
processes_cpu (gboolean renderers)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  double total = 0;
  long ticks = sysconf (_SC_CLK_TCK);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *cmdline_path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *cmdline = NULL, *stat = NULL;
      gsize len = 0;
      const char *after;
      unsigned long utime = 0, stime = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (cmdline_path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, profile_dir) == NULL
          || (renderers ? strstr (cmdline, "--type=renderer") == NULL : strstr (cmdline, "--type=") != NULL)
          || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* fields after the command name: state ppid ... utime (14th) stime (15th) */
      after = strrchr (stat, ')');
      if (after != NULL
          && sscanf (after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) == 2)
        total += (double)(utime + stime) / ticks;
    }

  return total;
}

typedef struct
{
  gint64   end_us;
  gboolean done;              /* the window ended where the next profile was due */
  double   counters_share;    /* as the recorder measures it */
  gboolean counters_clean;    /* no profile in flight when the reading was asked */
  gboolean profile_in_flight, counters_in_flight;
  gint64   profile_sent_us, counters_sent_us;
  guint    profile_delay_ms;
  guint    n_profiles, n_counters;
  double   profile_rtt_sum, counters_rtt_sum, profile_rtt_max;
  guint    n_outstanding;     /* our calls without a reply */
  gint64   busy_since_us, busy_us;
  gsize    profile_bytes;
  guint    profile_source, counter_source;
} Poll;

static gboolean profile_tick (gpointer data);

/* Overlapping calls count once, as in the recorder. */
static void
call_started (Poll *poll)
{
  if (poll->n_outstanding++ == 0)
    poll->busy_since_us = g_get_monotonic_time ();
}

static void
call_done (Poll *poll)
{
  if (--poll->n_outstanding == 0)
    poll->busy_us += g_get_monotonic_time () - poll->busy_since_us;
}

static void
on_profile (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  Poll *poll = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = ms_cdp_memory_get_sampling_profile_raw_finish (conn, result, &error);
  double rtt = (g_get_monotonic_time () - poll->profile_sent_us) / 1e6;

  poll->profile_in_flight = FALSE;
  call_done (poll);
  if (bytes == NULL)
    {
      g_printerr ("getSamplingProfile: %s\n", error->message);
      return;
    }
  poll->n_profiles++;
  poll->profile_rtt_sum += rtt;
  poll->profile_rtt_max = MAX (poll->profile_rtt_max, rtt);
  poll->profile_bytes = g_bytes_get_size (bytes);
  /* the recorder's adaptive refresh */
  poll->profile_delay_ms = ms_recorder_compute_profile_delay_ms (MS_RECORDER_DEFAULT_MAX_BROWSER_COST,
                                                                 poll->counters_share,
                                                                 PROFILE_INTERVAL_MS, rtt * 1e6);
  g_print ("  profile %u: %.1f MB in %.3f s; the next in %.1f s\n", poll->n_profiles,
           poll->profile_bytes / 1e6, rtt, poll->profile_delay_ms / 1e3);
  poll->profile_source = g_timeout_add (poll->profile_delay_ms, profile_tick, poll);
}

static gboolean
profile_tick (gpointer data)
{
  Poll *poll = data;

  poll->profile_source = 0;
  if (g_get_monotonic_time () >= poll->end_us && poll->n_profiles > 0)
    {
      poll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  poll->profile_in_flight = TRUE;
  call_started (poll);
  poll->profile_sent_us = g_get_monotonic_time ();
  ms_cdp_memory_get_sampling_profile_raw_async (conn, MS_CDP_PROFILE_SINCE_START, NULL, on_profile, poll);
  return G_SOURCE_REMOVE;
}

static void
on_counters (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  Poll *poll = data;
  MsCdpDomCounters counters;

  poll->counters_in_flight = FALSE;
  call_done (poll);
  if (ms_cdp_memory_get_dom_counters_finish (conn, result, &counters, NULL))
    {
      double rtt = (g_get_monotonic_time () - poll->counters_sent_us) / 1e6;

      poll->n_counters++;
      poll->counters_rtt_sum += rtt;
      /* a reading no profile overlapped, as the recorder takes it */
      if (poll->counters_clean && !poll->profile_in_flight &&
          poll->profile_sent_us < poll->counters_sent_us)
        poll->counters_share = rtt * 1000 / COUNTER_INTERVAL_MS;
    }
}

static gboolean
counter_tick (gpointer data)
{
  Poll *poll = data;

  if (poll->done)
    {
      poll->counter_source = 0;
      return G_SOURCE_REMOVE;
    }
  if (!poll->counters_in_flight)
    {
      poll->counters_in_flight = TRUE;
      call_started (poll);
      poll->counters_sent_us = g_get_monotonic_time ();
      poll->counters_clean = !poll->profile_in_flight;
      ms_cdp_memory_get_dom_counters_async (conn, NULL, on_counters, poll);
    }
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  double renderer, browser, self;
} Cpu;

static void
cpu_now (Cpu *cpu)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  cpu->renderer = processes_cpu (TRUE);
  cpu->browser = processes_cpu (FALSE);
  cpu->self = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
settle (guint seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
}

static void
measure (const char *state,
         guint       seconds)
{
  Poll poll = { 0, };
  Cpu c0, c1, c2;
  double idle_s, busy_s, load[1] = { -1 };
  gint64 t0, t1, t2;

  /* idle: the page with sampling on and nobody asking */
  cpu_now (&c0);
  t0 = g_get_monotonic_time ();
  settle (seconds);
  cpu_now (&c1);
  t1 = g_get_monotonic_time ();

  /* polling as the window does */
  poll.end_us = t1 + (gint64)seconds * G_USEC_PER_SEC;
  poll.counter_source = g_timeout_add (COUNTER_INTERVAL_MS, counter_tick, &poll);
  counter_tick (&poll);
  poll.profile_source = g_timeout_add (PROFILE_INTERVAL_MS, profile_tick, &poll);
  while (!poll.done || poll.profile_in_flight || poll.counters_in_flight)
    g_main_context_iteration (NULL, TRUE);
  /* nothing may fire on this frame once it is gone */
  g_clear_handle_id (&poll.profile_source, g_source_remove);
  g_clear_handle_id (&poll.counter_source, g_source_remove);
  cpu_now (&c2);
  t2 = g_get_monotonic_time ();

  idle_s = (t1 - t0) / 1e6;
  busy_s = (t2 - t1) / 1e6;
  getloadavg (load, 1);
  g_print ("%-24s profile %5.1f MB: %2u getSamplingProfile (mean %6.3f s, longest %6.3f s), "
           "%3u getDOMCounters (mean %6.1f ms) in %5.1f s\n", state, poll.profile_bytes / 1e6, poll.n_profiles,
           poll.n_profiles ? poll.profile_rtt_sum / poll.n_profiles : 0, poll.profile_rtt_max,
           poll.n_counters, poll.n_counters ? 1000 * poll.counters_rtt_sum / poll.n_counters : 0, busy_s);
  g_print ("%-24s CPU, idle -> polled, of wall time: renderer %5.2f%% -> %5.2f%% (cost %5.2f%%), "
           "browser process %5.2f%% -> %5.2f%%, memscope side %5.2f%% | calls waiting %5.2f%% of wall, "
           "round trips summed %6.2f%% | load %.2f\n",
           "", 100 * (c1.renderer - c0.renderer) / idle_s, 100 * (c2.renderer - c1.renderer) / busy_s,
           100 * ((c2.renderer - c1.renderer) / busy_s - (c1.renderer - c0.renderer) / idle_s),
           100 * (c1.browser - c0.browser) / idle_s, 100 * (c2.browser - c1.browser) / busy_s,
           100 * (c2.self - c1.self) / busy_s, 100 * poll.busy_us / 1e6 / busy_s,
           100 * (poll.profile_rtt_sum + poll.counters_rtt_sum) / busy_s, load[0]);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) http = soup_server_new (NULL, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(MsCdpDiscovery) discovery = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autofree char *page_url = NULL, *ws_url = NULL;
  GSList *uris;
  guint seconds = 30;

  if (argc == 3 && strcmp (argv[1], "--seconds") == 0)
    seconds = MAX (5, atoi (argv[2]));

  soup_server_add_handler (http, NULL, page_handler, NULL, NULL);
  if (!soup_server_listen (http, address, 0, &error))
    g_error ("%s", error->message);
  uris = soup_server_get_uris (http);
  page_url = g_strdup_printf ("http://127.0.0.1:%d/page.html", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  ms_browser_launcher_set_headless (launcher, TRUE);
  ms_browser_launcher_set_url (launcher, page_url);
  ms_browser_launcher_start_async (launcher, NULL, got_result, NULL);
  r = wait_result ();
  endpoint = ms_browser_launcher_start_finish (launcher, r, &error);
  if (endpoint == NULL)
    {
      g_print ("SKIP: no browser: %s\n", error->message);
      return 77;
    }
  g_clear_object (&r);
  profile_dir = ms_browser_launcher_get_profile_dir (launcher);
  discovery = ms_cdp_discovery_new (endpoint);

  for (guint attempt = 0; attempt < 100 && ws_url == NULL; attempt++)
    {
      g_autoptr(GPtrArray) targets = NULL;
      MsCdpTarget *target;

      ms_cdp_discovery_list_targets_async (discovery, NULL, got_result, NULL);
      r = wait_result ();
      targets = ms_cdp_discovery_list_targets_finish (discovery, r, NULL);
      g_clear_object (&r);
      target = targets != NULL ? ms_cdp_target_list_find (targets, page_url, NULL) : NULL;
      if (target != NULL)
        ws_url = ms_cdp_discovery_target_ws_url (discovery, target, NULL);
      else
        g_usleep (100000);
    }
  if (ws_url == NULL)
    g_error ("the page never appeared");
  ms_cdp_connection_new_async (ws_url, NULL, got_result, NULL);
  r = wait_result ();
  conn = ms_cdp_connection_new_finish (r, &error);
  if (conn == NULL)
    g_error ("%s", error->message);
  g_clear_object (&r);
  ms_cdp_connection_set_max_message_size (conn, 512 * 1024 * 1024);

  for (guint attempt = 0; attempt < 200; attempt++)
    {
      g_autofree char *ready = NULL;

      if (call ("Runtime.evaluate", "{\"expression\":\"window.ready === true\",\"returnByValue\":true}", &ready)
          && g_strcmp0 (ready, "true") == 0)
        break;
      g_usleep (50000);
    }

  g_print ("# headless Chromium; polling as the window does: counters every 1 s, a profile every 2 s "
           "or after the recorder's adaptive wait (at most 2%% of the browser's time); %u s idle, then "
           "at least %u s polled and up to the next profile due, per state\n", seconds, seconds);

  call ("Memory.startSampling", "{\"samplingInterval\":32768}", NULL);
  measure ("demo page, 32 KiB", seconds);
  call ("Memory.stopSampling", "{}", NULL);

  call ("Memory.startSampling", "{\"samplingInterval\":64}", NULL);
  call ("Runtime.evaluate", "{\"expression\":\"for (let i = 0; i < 30; i++) grow(); 0\",\"returnByValue\":true}", NULL);
  settle (seconds);
  measure ("after grow() x 30, 64 B", seconds);
  call ("Memory.stopSampling", "{}", NULL);

  ms_cdp_connection_close (conn);
  g_clear_object (&conn);
  ms_browser_launcher_stop (launcher);

  return 0;
}
