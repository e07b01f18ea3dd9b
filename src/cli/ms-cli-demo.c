/* ms-cli-demo.c: `memscope-cli demo`, Memscope on a page that leaks, in one command
 *
 * Launches a browser on the bundled demo page, records it (profiles every 2 s,
 * counters every second, the allocation alarm armed at 4 MiB), writes the session
 * and prints what the recording shows: DOM counters and their growth, the
 * allocation sizes and the heaviest stacks of the last profile, and the alarms.
 * Everything printed comes from the session file as written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ms-export.h"
#include "ms-flame-tree.h"
#include "ms-size-histogram.h"

#include "ms-cli-commands.h"
#include "ms-cli-recording.h"

#define DEMO_PAGE_NAME "leaky-page.html"
#define DEMO_OUTPUT "demo.memscope"
#define DEMO_DEFAULT_DURATION 10
#define DEMO_PROFILE_INTERVAL 2
#define DEMO_COUNTER_INTERVAL 1
#define DEMO_SAMPLING_INTERVAL 32768
#define DEMO_ALARM_MIN_BYTES (4 * 1024 * 1024)
#define DEMO_TOP_STACKS 5
#define DEMO_ALARM_FRAMES 3

typedef struct
{
  MsCliContext      *ctx;
  MsLiveTarget      *target;
  MsCliRecording    *recording;
  char              *page_url;
  char              *output;
  int                duration;
  gboolean           keep_browser;
  gboolean           waiting_for_ctrl_c;
} Demo;

/* The report */

static void
print_counters (MsSessionFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCounterSeries) series = NULL;
  static const char *const names[] = { "documents", "nodes", "jsEventListeners" };

  printf ("%s\n", _("DOM counters (first → last, growth per minute):"));
  series = ms_session_file_build_counter_series (file,
                                                 MAX (MS_COUNTER_SERIES_DEFAULT_CAPACITY,
                                                      ms_session_file_get_n_counters (file)),
                                                 &error);
  if (series == NULL)
    {
      printf ("  ");
      printf (_("unreadable: %s"), error->message);
      printf ("\n");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      guint n = ms_counter_series_get_n_points (series, names[i]);
      gint64 first_time, last_time;
      double first, last, per_minute;

      if (n == 0)
        {
          printf ("  %-18s %s\n", names[i], _("no readings"));
          continue;
        }

      ms_counter_series_get_point (series, names[i], 0, &first_time, &first);
      ms_counter_series_get_point (series, names[i], n - 1, &last_time, &last);
      /* The whole recording, both ends included. */
      if (ms_counter_series_get_growth_rate (series, names[i], last_time - first_time,
                                             &per_minute))
        {
          /* Translators: a growth rate, "+12.5/min". */
          g_autofree char *rate = g_strdup_printf (_("%+.1f/min"), per_minute);

          printf ("  %-18s %10.0f → %-10.0f %s\n", names[i], first, last, rate);
        }
      else
        printf ("  %-18s %10.0f → %-10.0f %s\n", names[i], first, last,
                _("(too few readings for a rate)"));
    }
}

typedef struct
{
  char    *stack;
  guint64  bytes;
} FoldedLine;

static int
compare_folded_lines (gconstpointer a,
                      gconstpointer b)
{
  const FoldedLine *x = a;
  const FoldedLine *y = b;

  if (x->bytes != y->bytes)
    return x->bytes > y->bytes ? -1 : 1;

  return strcmp (x->stack, y->stack);
}

static void
folded_line_clear (gpointer data)
{
  g_free (((FoldedLine *) data)->stack);
}

static void
print_top_stacks (MsProfile *profile)
{
  g_autoptr(MsFlameTree) tree = NULL;
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (FoldedLine));
  g_autofree char *folded = NULL;
  g_auto(GStrv) rows = NULL;
  MsFlameTreeOptions options;

  g_array_set_clear_func (lines, folded_line_clear);
  ms_flame_tree_options_init (&options);
  options.label_mode = MS_LABEL_MODE_SYMBOL;
  tree = ms_flame_tree_new (profile, &options);
  folded = ms_export_folded_to_string (tree, MS_FLAME_VALUE_TOTAL_BYTES);
  rows = g_strsplit (folded, "\n", -1);

  for (guint i = 0; rows[i] != NULL; i++)
    {
      const char *space = strrchr (rows[i], ' ');
      FoldedLine line;

      if (space == NULL)
        continue;
      line.stack = g_strndup (rows[i], space - rows[i]);
      line.bytes = g_ascii_strtoull (space + 1, NULL, 10);
      g_array_append_val (lines, line);
    }
  g_array_sort (lines, compare_folded_lines);

  printf (_("Top %u allocation stacks by estimated bytes (folded, root first):"), DEMO_TOP_STACKS);
  printf ("\n");
  if (lines->len == 0)
    printf ("  %s\n", _("none sampled"));
  for (guint i = 0; i < lines->len && i < DEMO_TOP_STACKS; i++)
    {
      const FoldedLine *line = &g_array_index (lines, FoldedLine, i);

      printf ("%s %" G_GUINT64_FORMAT "\n", line->stack, line->bytes);
    }
}

static void
print_alarms (MsSessionFile *file)
{
  MsAlarmList *alarms = ms_session_file_get_alarms (file);
  guint n = ms_alarm_list_get_n_events (alarms);

  printf (_("Allocation alarms (%d bytes or more): %u"), DEMO_ALARM_MIN_BYTES, n);
  printf ("\n");
  for (guint i = 0; i < n; i++)
    {
      const MsAlarmEvent *alarm = ms_alarm_list_get_event (alarms, i);
      gint64 time_us = alarm->time_us;
      guint64 size = alarm->size, total = alarm->total;
      const char * const *stack = (const char * const *) alarm->stack;
      g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
      g_autoptr(GDateTime) time = g_date_time_add (seconds, time_us % G_USEC_PER_SEC);
      g_autofree char *timestamp = ms_cli_format_timestamp (time);
      guint n_frames = stack ? g_strv_length ((GStrv) stack) : 0;

      printf ("  ");
      /* Translators: %s is a time, "2026-11-22T02:08:13.123Z"; then two numbers of bytes. */
      printf (_("at %s: an allocation of %" PRIu64 " bytes (%" PRIu64 " bytes estimated)"),
              timestamp, (uint64_t) size, (uint64_t) total);
      printf ("\n");
      for (guint f = 0; f < n_frames && f < DEMO_ALARM_FRAMES; f++)
        printf ("      %s\n", stack[f]);
      if (n_frames > DEMO_ALARM_FRAMES)
        {
          printf ("      ");
          printf (g_dngettext (GETTEXT_PACKAGE, "… %u more frame", "… %u more frames",
                               n_frames - DEMO_ALARM_FRAMES),
                  n_frames - DEMO_ALARM_FRAMES);
          printf ("\n");
        }
    }
}

static gboolean
print_report (Demo    *self,
              GError **error)
{
  MsRecorder *recorder = ms_cli_recording_get_recorder (self->recording);
  MsSessionFile *file = ms_recorder_get_session_file (recorder);
  guint n_profiles = ms_session_file_get_n_profiles (file);
  g_autoptr(MsProfile) last = NULL;
  double seconds = (g_get_real_time () - ms_recorder_get_start_time (recorder)) /
                   (double) G_USEC_PER_SEC;
  guint n_counters = ms_session_file_get_n_counters (file);
  g_autofree char *profiles = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u profile",
                                                            "%u profiles", n_profiles),
                                               n_profiles);
  g_autofree char *counters = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u counter reading",
                                                            "%u counter readings", n_counters),
                                               n_counters);

  /* Translators: "Recorded 10 s of file:///…/leaky-page.html into demo.memscope: 5 profiles,
   * 10 counter readings."; the last two %s are "%u profiles" and "%u counter readings". */
  printf (_("Recorded %.0f s of %s into %s: %s, %s."), seconds, self->page_url, self->output,
          profiles, counters);
  printf ("\n\n");

  print_counters (file);
  printf ("\n");

  if (n_profiles == 0)
    printf ("%s\n", _("No profile was taken."));
  else
    {
      g_autoptr(MsSizeHistogram) histogram = NULL;
      g_autofree char *table = NULL;

      last = ms_session_file_load_profile (file, n_profiles - 1, error);
      if (last == NULL)
        return FALSE;

      histogram = ms_size_histogram_new_for_profile (last, MS_SIZE_HISTOGRAM_DEFAULT_BYTES_PER_BLOCK);
      table = ms_export_histogram_table (histogram);
      printf (_("Allocation sizes in the last profile (%u samples; index, up to bytes, sampled, "
                "estimated allocations, estimated bytes):"),
              ms_profile_get_n_samples (last));
      printf ("\n%s\n", table);
      print_top_stacks (last);
    }
  printf ("\n");

  print_alarms (file);
  printf ("\n");
  printf (_("Explore it further: memscope-cli export %s --format svg -o demo.svg"), self->output);
  printf ("\n");
  fflush (stdout);

  return TRUE;
}

/* Running */

static void
on_interrupt_kept (MsCliContext *ctx,
                   gpointer      user_data)
{
  ms_cli_context_exit (ctx, MS_CLI_EXIT_OK);
}

static void
on_recorded (MsCliRecording *recording,
             const GError   *error,
             gpointer        user_data)
{
  Demo *self = user_data;
  g_autoptr(GError) report_error = NULL;

  if (error != NULL)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  if (!print_report (self, &report_error))
    {
      ms_cli_context_fail_prefixed (self->ctx, report_error, "%s", self->output);
      return;
    }

  if (self->keep_browser && !ms_cli_context_get_interrupted (self->ctx) &&
      ms_live_target_get_browser_pid (self->target) != 0)
    {
      g_autofree char *where = ms_live_target_describe (self->target);

      printf ("\n");
      printf (_("The browser keeps running with its DevTools at %s; press Ctrl-C to stop it."),
              where);
      printf ("\n");
      fflush (stdout);
      self->waiting_for_ctrl_c = TRUE;
      ms_cli_context_set_interrupt_func (self->ctx, on_interrupt_kept, self);
      return;
    }

  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

/* While recording, the recording notices and ends with an error. */
static void
on_target_state (MsLiveTarget *target,
                 GParamSpec   *pspec,
                 Demo         *self)
{
  if (self->waiting_for_ctrl_c && ms_live_target_get_state (target) == MS_LIVE_TARGET_STATE_LOST)
    ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
setup_recorder (MsRecorder *recorder,
                gpointer    user_data)
{
  Demo *self = user_data;

  ms_recorder_set_sampling_interval (recorder, DEMO_SAMPLING_INTERVAL);
  ms_recorder_set_profile_interval (recorder, DEMO_PROFILE_INTERVAL);
  ms_recorder_set_counter_interval (recorder, DEMO_COUNTER_INTERVAL);
  ms_allocation_alarm_arm_bytes (ms_recorder_get_alarm (recorder), DEMO_ALARM_MIN_BYTES);
  if (isatty (STDERR_FILENO))
    {
      fprintf (stderr, _("Recording %s for %d s…"), self->page_url, self->duration);
      fputc ('\n', stderr);
    }
}

int
ms_cli_demo (MsCliContext *ctx,
             GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autofree char *output = NULL;
  g_autofree char *browser = NULL;
  g_autofree char *page = NULL;
  g_autoptr(GError) error = NULL;
  gboolean headless = FALSE;
  Demo self = { ctx };
  /* Translators: %s is a file name, demo.memscope. */
  g_autofree char *output_help = g_strdup_printf (_("Where to write the session (default %s in "
                                                    "the current folder)"), DEMO_OUTPUT);
  const GOptionEntry entries[] = {
    { "duration", 0, 0, G_OPTION_ARG_INT, &self.duration,
      _("Record for S seconds (default 10)"), "S" },
    { "headless", 0, 0, G_OPTION_ARG_NONE, &headless,
      _("Run the browser without a window (the default when there is no display)"), NULL },
    { "keep-browser", 0, 0, G_OPTION_ARG_NONE, &self.keep_browser,
      _("Keep the browser running after the report, until Ctrl-C"), NULL },
    { "browser", 0, 0, G_OPTION_ARG_FILENAME, &browser,
      _("Browser to run (default $MEMSCOPE_BROWSER, else the first Chromium-family browser on "
        "$PATH)"), "PATH" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      output_help, "FILE" },
    { NULL }
  };
  g_autofree char *description = NULL;
  int status;

  self.duration = DEMO_DEFAULT_DURATION;
  /* Translators: %s is the page's file name, leaky-page.html. */
  description = g_strdup_printf (_("Launches a browser on demo/%s (found in $MEMSCOPE_DATADIR, "
                                   "the source tree, then the installed data), samples every "
                                   "32768 bytes, takes a profile every 2 s and DOM counters every "
                                   "second, arms a 4 MiB allocation alarm, writes the session "
                                   "and prints the DOM counters with their growth, the last "
                                   "profile's allocation sizes and top 5 stacks, and the alarms."),
                                 DEMO_PAGE_NAME);

  if (!ms_cli_context_parse_options (ctx, "demo", "",
                                     _("Record the bundled demo page, which leaks DOM nodes, "
                                       "listeners and buffers, and show what Memscope finds."),
                                     description,
                                     entries, MS_CLI_OPTIONS_TIMEOUT, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);
  if (self.duration < 1)
    return ms_cli_context_usage_error (ctx, _("--duration: %d is not a positive number of "
                                            "seconds"), self.duration);

  page = ms_live_target_find_demo_page (&error);
  if (page == NULL)
    {
      ms_cli_context_fail (ctx, error);
      return ms_cli_context_run (ctx);
    }

  self.page_url = g_filename_to_uri (page, NULL, &error);
  if (self.page_url == NULL)
    {
      ms_cli_context_fail_prefixed (ctx, error, "%s", page);
      return ms_cli_context_run (ctx);
    }
  self.output = output ? g_strdup (output) : g_strdup (DEMO_OUTPUT);

  /* No display, no window. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    headless = TRUE;

  self.target = ms_live_target_new_for_launch (self.page_url, headless, browser);
  ms_live_target_set_timeout (self.target, ms_cli_context_get_timeout (ctx));
  g_signal_connect (self.target, "notify::state", G_CALLBACK (on_target_state), &self);

  self.recording = ms_cli_recording_new (ctx, self.target);
  ms_cli_recording_set_duration (self.recording, self.duration);
  if (!ms_cli_recording_set_output (self.recording, self.output, &error))
    ms_cli_context_fail (ctx, error);
  else
    ms_cli_recording_start (self.recording, setup_recorder, on_recorded, &self);
  status = ms_cli_context_run (ctx);

  g_clear_pointer (&self.recording, ms_cli_recording_free);
  g_signal_handlers_disconnect_by_data (self.target, &self);
  /* Stops the browser. */
  g_clear_object (&self.target);
  g_free (self.page_url);
  g_free (self.output);

  return status;
}
