/* bench-recording.c: a long recording of a 41.7 MB profile into a recording file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-recording [--polls N] [--max-browser-cost F] [--keep FILE] [--file-only] PROFILE.json[.gz]
 *
 * A DevTools peer in a child process of its own (so that its memory and CPU are
 * not counted as the recorder's) replays PROFILE (a whole
 * Memory.getSamplingProfile reply) with a small change per poll (four `size`
 * values, one digit each); MsRecorder records it into a recording file as the
 * window and `memscope-cli record` do, one profile per poll as fast as it allows,
 * with DOM counters every second. Its adaptive refresh would keep the peer's
 * "browser" 98% idle (the default maximum browser cost, 2%: a wait of about 70
 * times each reply's round trip); here it may take half of it (--max-browser-cost,
 * 0.5: a wait of 1.7 round trips, about the pace of the recorder before the rule),
 * since what is measured is the recording, not the browser. Reported:
 *
 * - file size / bytes received after N polls;
 * - RSS after each poll: at poll 100, at the end, the highest from poll 100 on,
 *   each over the size of one reply;
 * - CPU: the writer's per appended profile (compression, checksum, write: timed
 *   again on this thread over the same replies) and the whole process's per poll,
 *   each over one parse of the reply;
 * - the longest main-thread stall while recording (a 1 ms timer's worst lateness),
 *   with the main thread's CPU time in it (the rest is waiting for a core), and
 *   the most CPU time the main thread spent between two ticks;
 * - opening the file and showing the last profile (open, decode, parse, flame
 *   tree); any profile by index (every 7th, worst and median).
 *
 * With --file-only, no recording: N replies like the peer's are written with
 * MsRecordingWriter (as the recorder's appender does), then the file is opened
 * as above.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ms-allocation-alarm.h"
#include "ms-flame-tree.h"
#include "ms-recorder.h"
#include "ms-recording-file.h"
#include "ms-recording-format-private.h"
#include "ms-recording-writer.h"
#include "ms-session-file.h"

#include "cdp-test-peer.h"
#include "bench-stats.h"

typedef struct
{
  GBytes      *result;       /* the reply's "result" value */
  GArray      *size_digits;  /* offsets of the first digit of each "size" value */
  CdpTestPeer *peer;         /* in the child */
  guint        n_sent;
} Replay;

static Replay replay;

static double
seconds_of (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static guint64
current_rss (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL) ||
      sscanf (text, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (guint64) resident * sysconf (_SC_PAGESIZE);
}

static GBytes *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  if (g_str_has_suffix (path, ".gz"))
    {
      g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      g_autoptr(GInputStream) base = g_memory_input_stream_new_from_data (contents, len, g_free);
      g_autoptr(GInputStream) in = g_converter_input_stream_new (base, G_CONVERTER (z));
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                  G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error) < 0)
        g_error ("%s", error->message);
      return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    }
  return g_bytes_new_take (contents, len);
}

/* The reply the peer sends for poll @n (1-based), with @id. */
static GBytes *
make_reply (guint  n,
            gint64 id)
{
  gsize len = 0;
  const char *result = g_bytes_get_data (replay.result, &len);
  g_autofree char *head = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":", id);
  gsize head_len = strlen (head);
  char *text = g_malloc (head_len + len + 1);
  guint n_sizes = replay.size_digits->len;

  memcpy (text, head, head_len);
  memcpy (text + head_len, result, len);
  text[head_len + len] = '}';
  /* The small change: four sizes get another first digit (never 0: still a number). */
  for (guint j = 0; j < 4; j++)
    {
      gsize at = g_array_index (replay.size_digits, gsize, (n * 7919 + j * 104729) % n_sizes);
      text[head_len + at] = '1' + (n + j) % 9;
    }
  return g_bytes_new_take (text, head_len + len + 1);
}

static void
responder (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  if (g_str_equal (method, "Memory.getSamplingProfile"))
    {
      g_autoptr(GBytes) reply = make_reply (++replay.n_sent, id);

      cdp_test_peer_send_bytes (peer, reply);
    }
  else if (g_str_equal (method, "Memory.getDOMCounters"))
    cdp_test_peer_reply_result (peer, id, "{\"documents\":2,\"nodes\":4012,\"jsEventListeners\":2000}");
  else
    cdp_test_peer_reply_result (peer, id, "{}");
}

/* The child: serves until its parent goes away. */
static void
run_peer (int port_fd)
{
  guint16 port;

  replay.peer = cdp_test_peer_new ();
  replay.peer->responder = responder;
  port = replay.peer->port;
  if (write (port_fd, &port, sizeof port) != sizeof port)
    _exit (1);
  close (port_fd);
  for (;;)
    {
      g_main_context_iteration (NULL, TRUE);
      if (getppid () == 1)
        _exit (0);
    }
}

static pid_t
start_peer (guint16 *port)
{
  int fds[2];
  pid_t pid;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      close (fds[0]);
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      run_peer (fds[1]);
    }
  close (fds[1]);
  if (read (fds[0], port, sizeof *port) != sizeof *port)
    g_error ("the peer did not start");
  close (fds[0]);
  return pid;
}

typedef struct
{
  guint16    port;
  guint      polls;
  guint      n_saved;
  guint64    bytes_received;
  guint64    rss_at_100;
  guint64    rss_last;
  guint64    rss_max_after_100;
  guint64    rss_max;
  gint64     last_tick_us;
  gint64     worst_stall_us;
  double     worst_stall_cpu;    /* the main thread's CPU time in that stall */
  double     last_tick_cpu;
  double     worst_tick_cpu;     /* the most between two ticks */
  guint      n_ticks;
  guint      n_stalls_over_16ms;
  gboolean   ticking;
  double     cpu_start;
  double     cpu_end;
  double     main_cpu_start;     /* the main thread's CPU time while polling */
  double     main_cpu_end;
  GAsyncResult *result;
} Run;

static void
on_profile (MsRecorder *recorder,
            guint       index,
            Run        *run)
{
  MsRecordedProfile *p = g_ptr_array_index (ms_recorder_get_profiles (recorder), index);

  run->bytes_received += g_bytes_get_size (p->raw);
}

static void
on_saved (MsRecorder *recorder,
          GFile      *file,
          Run        *run)
{
  guint64 rss = current_rss ();

  run->n_saved++;
  run->rss_last = rss;
  run->rss_max = MAX (run->rss_max, rss);
  if (run->n_saved == 100)
    run->rss_at_100 = rss;
  if (run->n_saved >= 100)
    run->rss_max_after_100 = MAX (run->rss_max_after_100, rss);
  if (run->n_saved % 50 == 0)
    fprintf (stderr, "  %u polls, RSS %.1f MiB\n", run->n_saved, rss / 1048576.0);
}

static gboolean
on_tick (gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();
  double cpu = seconds_of (CLOCK_THREAD_CPUTIME_ID);

  if (run->last_tick_us > 0)
    {
      gint64 stall = now - run->last_tick_us - 1000;

      run->n_ticks++;
      if (stall > 16000)
        run->n_stalls_over_16ms++;
      if (stall > run->worst_stall_us)
        {
          run->worst_stall_us = stall;
          run->worst_stall_cpu = cpu - run->last_tick_cpu;
        }
      run->worst_tick_cpu = MAX (run->worst_tick_cpu, cpu - run->last_tick_cpu);
    }
  run->last_tick_us = now;
  run->last_tick_cpu = cpu;
  return run->ticking ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
got_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  run->result = g_object_ref (result);
}

static void
wait_result (Run *run)
{
  while (run->result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static double max_browser_cost = 0.5;

static void
record (const char *path,
        Run        *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsTargetConnection) session = NULL;
  g_autoptr(MsRecorder) recorder = NULL;
  MsCdpEndpoint *endpoint = ms_cdp_endpoint_new ("127.0.0.1", run->port, NULL);

  session = ms_target_connection_new (endpoint, NULL);
  ms_target_connection_connect_async (session, NULL, got_result, run);
  wait_result (run);
  if (!ms_target_connection_connect_finish (session, run->result, &error))
    g_error ("connect: %s", error->message);
  g_clear_object (&run->result);

  recorder = ms_recorder_new (session);
  if (!ms_recorder_set_output (recorder, file, 0, &error))
    g_error ("%s", error->message);
  ms_recorder_set_profile_interval_ms (recorder, 1);
  ms_recorder_set_max_browser_cost (recorder, max_browser_cost);
  g_signal_connect (recorder, "saved", G_CALLBACK (on_saved), run);
  g_signal_connect (recorder, "profile", G_CALLBACK (on_profile), run);

  run->cpu_start = seconds_of (CLOCK_PROCESS_CPUTIME_ID);
  ms_recorder_start_async (recorder, NULL, got_result, run);
  wait_result (run);
  if (!ms_recorder_start_finish (recorder, run->result, &error))
    g_error ("start: %s", error->message);
  g_clear_object (&run->result);

  run->ticking = TRUE;
  g_timeout_add (1, on_tick, run);
  run->main_cpu_start = seconds_of (CLOCK_THREAD_CPUTIME_ID);
  while (run->n_saved < run->polls)
    g_main_context_iteration (NULL, TRUE);
  run->main_cpu_end = seconds_of (CLOCK_THREAD_CPUTIME_ID);
  run->ticking = FALSE;

  ms_recorder_stop_async (recorder, NULL, got_result, run);
  wait_result (run);
  if (!ms_recorder_stop_finish (recorder, run->result, &error))
    g_error ("stop: %s", error->message);
  g_clear_object (&run->result);
  run->cpu_end = seconds_of (CLOCK_PROCESS_CPUTIME_ID);
  ms_cdp_endpoint_unref (endpoint);
}

/* CPU of one parse of the first reply, best of 3 (this thread). */
static double
parse_cpu (GBytes *reply)
{
  double best = G_MAXDOUBLE;

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      double t = seconds_of (CLOCK_THREAD_CPUTIME_ID);
      g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (reply, &error);

      if (profile == NULL)
        g_error ("%s", error->message);
      best = MIN (best, seconds_of (CLOCK_THREAD_CPUTIME_ID) - t);
    }
  return best;
}

/* The per-profile passes the recorder ran (or runs) on the main thread, each timed
 * alone on this thread over @n successive replies like the peer's: median and
 * worst wall time, in ms. */
typedef struct
{
  GArray *alarm_whole;     /* ms_allocation_alarm_check(): the whole check */
  GArray *alarm_main;      /* begin + end: what the main thread does now */
  GArray *free_previous;   /* dropping the reply and model before */
  GArray *session_add;     /* ms_session_file_add_profile_reply() (no output file) */
  GArray *flame_tree;      /* a top-down flame tree (the window builds it on a worker) */
} Passes;

static double
median_ms (GArray  *times,
           double  *worst)
{
  g_array_sort (times, bench_compare_doubles);
  *worst = g_array_index (times, double, times->len - 1) * 1000;
  return g_array_index (times, double, times->len / 2) * 1000;
}

static void
time_into (GArray *times,
           double  since)
{
  double t = seconds_of (CLOCK_MONOTONIC) - since;

  g_array_append_val (times, t);
}

static void
main_thread_passes (guint n)
{
  g_autoptr(MsAllocationAlarm) whole = ms_allocation_alarm_new ();
  g_autoptr(MsAllocationAlarm) split = ms_allocation_alarm_new ();
  g_autoptr(GBytes) previous_raw = NULL;
  g_autoptr(MsProfile) previous = NULL;
  GArray **all[5];
  const char *names[] = { "alarm check, whole (was on the main thread)",
                          "alarm check, begin + end (on the main thread now)",
                          "free the previous reply and model (now on a worker)",
                          "add the reply to the in-memory session (no output file)",
                          "flame tree, top-down (the window: on a worker)" };
  Passes p;

  p.alarm_whole = g_array_new (FALSE, FALSE, sizeof (double));
  p.alarm_main = g_array_new (FALSE, FALSE, sizeof (double));
  p.free_previous = g_array_new (FALSE, FALSE, sizeof (double));
  p.session_add = g_array_new (FALSE, FALSE, sizeof (double));
  p.flame_tree = g_array_new (FALSE, FALSE, sizeof (double));
  all[0] = &p.alarm_whole; all[1] = &p.alarm_main; all[2] = &p.free_previous;
  all[3] = &p.session_add; all[4] = &p.flame_tree;
  ms_allocation_alarm_arm_bytes (whole, 1 << 20);
  ms_allocation_alarm_arm_bytes (split, 1 << 20);
  for (guint i = 1; i <= n + 1; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) raw = make_reply (i, i);
      g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (raw, &error);
      g_autoptr(MsProfile) copy = ms_profile_new_from_bytes (raw, &error);
      g_autoptr(MsAllocationAlarmCheck) check = NULL;
      g_autoptr(MsFlameTree) tree = NULL;
      g_autoptr(MsSessionFile) session = ms_session_file_new ();
      MsFlameTreeOptions options;
      double t;

      if (profile == NULL || copy == NULL)
        g_error ("%s", error->message);
      t = seconds_of (CLOCK_MONOTONIC);
      ms_allocation_alarm_check (whole, profile);
      if (i > 1)
        time_into (p.alarm_whole, t);

      check = ms_allocation_alarm_begin_check (split);
      ms_allocation_alarm_check_compute (check, copy);
      t = seconds_of (CLOCK_MONOTONIC);
      ms_allocation_alarm_end_check (split, check);
      if (i > 1)
        time_into (p.alarm_main, t);
      g_clear_pointer (&check, ms_allocation_alarm_check_free);

      t = seconds_of (CLOCK_MONOTONIC);
      if (!ms_session_file_add_profile_reply (session, i, "Memory.getSamplingProfile", raw, &error))
        g_error ("%s", error->message);
      time_into (p.session_add, t);

      ms_flame_tree_options_init (&options);
      t = seconds_of (CLOCK_MONOTONIC);
      tree = ms_flame_tree_new (profile, &options);
      time_into (p.flame_tree, t);

      t = seconds_of (CLOCK_MONOTONIC);
      g_clear_pointer (&previous_raw, g_bytes_unref);
      g_clear_object (&previous);
      if (i > 1)
        time_into (p.free_previous, t);
      previous_raw = g_steal_pointer (&raw);
      previous = g_steal_pointer (&profile);
    }
  printf ("per-profile passes, each alone on one thread, %u profiles (median / worst):\n", n);
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      double worst, median = median_ms (*all[k], &worst);

      printf ("  %-58s %7.2f / %7.2f ms\n", names[k], median, worst);
      g_array_unref (*all[k]);
    }
}

/* The writer's CPU per appended profile, over @n replies like the peer's. */
static double
append_cpu (const char *dir,
            guint       n)
{
  g_autofree char *path = g_build_filename (dir, "append-cpu.memscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (path, &error);
  double total = 0;

  if (writer == NULL)
    g_error ("%s", error->message);
  for (guint i = 1; i <= n; i++)
    {
      g_autoptr(GBytes) reply = make_reply (i, i);
      double t = seconds_of (CLOCK_THREAD_CPUTIME_ID);

      if (!ms_recording_writer_append_profile (writer, i, "Memory.getSamplingProfile", reply, 1, 1, &error))
        g_error ("%s", error->message);
      total += seconds_of (CLOCK_THREAD_CPUTIME_ID) - t;
    }
  ms_recording_writer_close (writer, NULL);
  g_unlink (path);
  return total / n;
}

/* A file of @n profiles like the peer's, written as the recorder's appender does
 * (with a key frame every @key_interval profiles; 0: the writer's default). */
static void
write_file (const char *path,
            guint       n,
            guint       key_interval)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (path, &error);
  double t = seconds_of (CLOCK_MONOTONIC);
  guint64 written = 0;
  struct stat st;

  if (writer == NULL)
    g_error ("%s", error->message);
  if (key_interval > 0)
    ms_recording_writer_set_key_interval (writer, key_interval);
  for (guint i = 1; i <= n; i++)
    {
      g_autoptr(GBytes) reply = make_reply (i, i);

      written += g_bytes_get_size (reply);

      if (!ms_recording_writer_append_profile (writer, i * G_USEC_PER_SEC, "Memory.getSamplingProfile",
                                               reply, 1, 1, &error))
        g_error ("%s", error->message);
    }
  if (!ms_recording_writer_close (writer, &error))
    g_error ("%s", error->message);
  printf ("wrote %u profiles with MsRecordingWriter in %.1f s\n", n, seconds_of (CLOCK_MONOTONIC) - t);
  if (stat (path, &st) != 0)
    g_error ("%s: %s", path, g_strerror (errno));
  printf ("key frame every %u profiles: file %.2f MB for %.1f MB of replies: %.3f%%\n",
          key_interval > 0 ? key_interval : MS_RECORDING_DEFAULT_KEY_INTERVAL,
          st.st_size / 1e6, written / 1e6, 100.0 * st.st_size / written);
}

static void
open_and_show (const char *path,
               guint       polls)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  double t0 = seconds_of (CLOCK_MONOTONIC), t_open, t_last, worst = 0, worst_cpu = 0;
  g_autoptr(MsRecordingFile) rec = ms_recording_file_new_for_path (path, &error);
  g_autoptr(MsProfile) last = NULL;
  g_autoptr(MsFlameTree) tree = NULL;
  MsFlameTreeOptions options;
  guint n;

  if (rec == NULL)
    g_error ("%s", error->message);
  t_open = seconds_of (CLOCK_MONOTONIC) - t0;
  n = ms_recording_file_get_n_profiles (rec);
  last = ms_recording_file_load_profile (rec, n - 1, &error);
  if (last == NULL)
    g_error ("%s", error->message);
  ms_flame_tree_options_init (&options);
  tree = ms_flame_tree_new (last, &options);
  t_last = seconds_of (CLOCK_MONOTONIC) - t0;
  printf ("open a %u-profile file (%u counters): %.3f s; and show the last profile (decode, "
          "parse, flame tree): %.3f s\n", n, ms_recording_file_get_n_counters (rec), t_open, t_last);

  /* Any profile by index, each from a freshly opened file (no decoded profile cached). */
  for (guint i = 0; i < n; i += 7)
    {
      g_autoptr(MsRecordingFile) fresh = ms_recording_file_new_for_path (path, NULL);
      double t = seconds_of (CLOCK_MONOTONIC);
      double cpu = seconds_of (CLOCK_THREAD_CPUTIME_ID);
      g_autoptr(MsProfile) profile = ms_recording_file_load_profile (fresh, i, &error);

      if (profile == NULL)
        g_error ("%s", error->message);
      t = seconds_of (CLOCK_MONOTONIC) - t;
      worst_cpu = MAX (worst_cpu, seconds_of (CLOCK_THREAD_CPUTIME_ID) - cpu);
      worst = MAX (worst, t);
      g_array_append_val (times, t);
    }
  g_array_sort (times, bench_compare_doubles);
  {
    guint m = times->len;
    double median = g_array_index (times, double, m / 2);

    printf ("any profile by index (open, decode from its key frame, parse; %u of them): "
            "median %.3f s, worst %.3f s (the most CPU time of one: %.3f s)\n", m, median, worst,
            worst_cpu);
  }
  (void) polls;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GBytes) first_reply = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *keep = NULL;
  int polls = 300;
  gboolean file_only = FALSE;
  int key_interval = 0;
  int passes = 0;
  GOptionEntry entries[] = {
    { "polls", 0, 0, G_OPTION_ARG_INT, &polls, "Polls to record (default 300)", "N" },
    { "max-browser-cost", 0, 0, G_OPTION_ARG_DOUBLE, &max_browser_cost,
      "The recorder's maximum browser cost (default 0.5)", "F" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Write the recording here and keep it", "FILE" },
    { "file-only", 0, 0, G_OPTION_ARG_NONE, &file_only,
      "No recording: write N profiles with MsRecordingWriter, then open the file", NULL },
    { "passes", 0, 0, G_OPTION_ARG_INT, &passes,
      "No recording: time the per-profile passes over N replies, each alone", "N" },
    { "key-interval", 0, 0, G_OPTION_ARG_INT, &key_interval,
      "With --file-only: a key frame every N profiles (default: the writer's)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PROFILE.json[.gz]");
  Run run = { 0 };
  const char *text;
  const char *result_start;
  gsize len;
  struct stat st;
  double parse, append, cpu_per_poll;
  pid_t peer_pid;
  guint64 received;
  gsize reply_size;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || polls < 1 ||
      max_browser_cost <= 0 || max_browser_cost > 1)
    {
      fprintf (stderr, "usage: bench-recording [--polls N] [--max-browser-cost 0<F≤1] [--keep FILE] "
               "PROFILE.json[.gz]\n");
      return 2;
    }

  whole = load (argv[1]);
  text = g_bytes_get_data (whole, &len);
  result_start = strstr (text, "\"result\":");
  if (result_start == NULL || text[len - 1] != '}')
    g_error ("%s is not a whole reply", argv[1]);
  result_start += strlen ("\"result\":");
  replay.result = g_bytes_new_from_bytes (whole, result_start - text, len - 1 - (result_start - text));
  replay.size_digits = g_array_new (FALSE, FALSE, sizeof (gsize));
  {
    const char *r = g_bytes_get_data (replay.result, NULL);
    gsize rlen = g_bytes_get_size (replay.result);
    const char *p = r;

    while ((p = g_strstr_len (p, rlen - (p - r), "\"size\":")) != NULL)
      {
        gsize at = p + strlen ("\"size\":") - r;

        if (r[at] >= '1' && r[at] <= '9')
          g_array_append_val (replay.size_digits, at);
        p += 1;
      }
  }

  if (passes > 0)
    {
      main_thread_passes (passes);
      return 0;
    }

  if (file_only)
    {
      dir = g_dir_make_tmp ("bench-recording-XXXXXX", &error);
      g_assert_no_error (error);
      path = keep != NULL ? g_strdup (keep) : g_build_filename (dir, "rec.memscope", NULL);
      write_file (path, polls, MAX (key_interval, 0));
      open_and_show (path, polls);
      if (keep == NULL)
        g_unlink (path);
      g_rmdir (dir);
      return 0;
    }

  /* Before any thread exists. */
  peer_pid = start_peer (&run.port);
  first_reply = make_reply (1, 1);
  reply_size = g_bytes_get_size (first_reply);
  printf ("reply: %.1f MB, %u sizes to vary; %d polls, maximum browser cost %.2f\n",
          reply_size / 1e6, replay.size_digits->len, polls, max_browser_cost);
  parse = parse_cpu (first_reply);
  g_clear_pointer (&first_reply, g_bytes_unref);

  dir = g_dir_make_tmp ("bench-recording-XXXXXX", &error);
  g_assert_no_error (error);
  path = keep != NULL ? g_strdup (keep) : g_build_filename (dir, "rec.memscope", NULL);
  append = append_cpu (dir, 32);

  /* The parent keeps nothing of the fixture: the peer (the child) has its copy. */
  g_clear_pointer (&replay.result, g_bytes_unref);
  g_clear_pointer (&whole, g_bytes_unref);
  run.polls = polls;
  printf ("RSS before recording: %.1f MiB\n", current_rss () / 1048576.0);
  {
    gint64 t = g_get_monotonic_time ();

    record (path, &run);
    printf ("recorded %u polls in %.1f s\n", run.n_saved, (g_get_monotonic_time () - t) / 1e6);
  }

  received = run.bytes_received;
  kill (peer_pid, SIGKILL);
  if (g_stat (path, &st) != 0)
    g_error ("no recording at %s", path);
  cpu_per_poll = (run.cpu_end - run.cpu_start) / run.n_saved;

  printf ("file: %.2f MB for %.1f MB received: %.3f%%\n", st.st_size / 1e6,
          received / 1e6, 100.0 * st.st_size / received);
  if (run.n_saved >= 100)
    printf ("RSS: %.1f MiB at poll 100, %.1f MiB at poll %u, %.1f MiB highest from poll 100 on, "
            "%.1f MiB highest overall; one reply %.1f MiB: %.2f×, %.2f×\n",
            run.rss_at_100 / 1048576.0, run.rss_last / 1048576.0, run.n_saved,
            run.rss_max_after_100 / 1048576.0, run.rss_max / 1048576.0, reply_size / 1048576.0,
            (double) run.rss_max_after_100 / reply_size, (double) run.rss_max / reply_size);
  else
    printf ("RSS: %.1f MiB at poll %u, %.1f MiB highest; one reply %.1f MiB: %.2f×\n",
            run.rss_last / 1048576.0, run.n_saved, run.rss_max / 1048576.0,
            reply_size / 1048576.0, (double) run.rss_max / reply_size);
  printf ("CPU: one parse %.3f s; the writer per appended profile %.4f s = %.2f× a parse; the "
          "recording process per poll (receive, parse, alarm check, append) %.3f s = %.2f×\n",
          parse, append, append / parse, cpu_per_poll, cpu_per_poll / parse);
  printf ("longest main-thread stall while recording: %.1f ms (the main thread's CPU in it: %.1f ms); "
          "%u of %u ticks late by more than 16 ms; the most CPU the main thread spent between two "
          "ticks: %.1f ms\n", run.worst_stall_us / 1000.0, run.worst_stall_cpu * 1000,
          run.n_stalls_over_16ms, run.n_ticks, run.worst_tick_cpu * 1000);
  printf ("the main thread's CPU while polling: %.3f s, %.2f ms a poll (with the benchmark's own "
          "1 ms timer and RSS readings)\n", run.main_cpu_end - run.main_cpu_start,
          (run.main_cpu_end - run.main_cpu_start) * 1000 / run.n_saved);

  open_and_show (path, run.n_saved);

  if (keep == NULL)
    g_unlink (path);
  g_rmdir (dir);
  return 0;
}
