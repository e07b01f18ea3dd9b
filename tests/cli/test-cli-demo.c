/* test-cli-demo.c: `memscope-cli demo`, which launches its own (one) headless Chromium
 *
 * Every figure the demo prints is checked against demo.memscope, the session it wrote,
 * read here with json-glib.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ms-session-file.h"

#include "cli-test-profile.h"
#include "cli-test-run.h"

#define ALARM_MIN_BYTES (4 * 1024 * 1024)

static JsonObject *
reply_result (JsonObject *entry)
{
  return json_object_get_object_member (json_object_get_object_member (entry, "reply"), "result");
}

/* The lines of @lines after the one starting with @title, up to a blank line. */
static GStrv
section (GStrv        lines,
         const char  *title,
         char       **title_line)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint i = 0;

  while (lines[i] != NULL && !g_str_has_prefix (lines[i], title))
    i++;
  if (lines[i] == NULL)
    g_error ("no section “%s”", title);
  *title_line = g_strdup (lines[i]);

  for (i++; lines[i] != NULL && *lines[i] != '\0'; i++)
    g_strv_builder_add (builder, lines[i]);

  return g_strv_builder_end (builder);
}

/* Least-squares slope of @name over every reading, per minute. */
static double
growth_per_minute (JsonArray  *counters,
                   const char *name)
{
  guint n = json_array_get_length (counters);
  gint64 last = json_object_get_int_member (json_array_get_object_element (counters, n - 1), "time");
  double sum_t = 0, sum_v = 0, sum_tt = 0, sum_tv = 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *entry = json_array_get_object_element (counters, i);
      double t = (json_object_get_int_member (entry, "time") - last) / (60.0 * G_USEC_PER_SEC);
      double v = json_object_get_int_member (reply_result (entry), name);

      sum_t += t;
      sum_v += v;
      sum_tt += t * t;
      sum_tv += t * v;
    }

  return (n * sum_tv - sum_t * sum_v) / (n * sum_tt - sum_t * sum_t);
}

static void
check_counter_line (const char *line,
                    JsonArray  *counters,
                    const char *name)
{
  g_auto(GStrv) words = g_strsplit_set (line, " ", -1);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  guint n = json_array_get_length (counters);
  JsonObject *first = reply_result (json_array_get_object_element (counters, 0));
  JsonObject *last = reply_result (json_array_get_object_element (counters, n - 1));
  const char *rate;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_ptr_array_add (fields, words[i]);

  /* name first → last +rate/min */
  g_assert_cmpuint (fields->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (fields, 0), ==, name);
  g_assert_cmpint (g_ascii_strtoll (g_ptr_array_index (fields, 1), NULL, 10), ==,
                   json_object_get_int_member (first, name));
  g_assert_cmpstr (g_ptr_array_index (fields, 2), ==, "→");
  g_assert_cmpint (g_ascii_strtoll (g_ptr_array_index (fields, 3), NULL, 10), ==,
                   json_object_get_int_member (last, name));
  rate = g_ptr_array_index (fields, 4);
  g_assert_true (g_str_has_suffix (rate, "/min"));
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (rate, NULL), growth_per_minute (counters, name),
                                  0.05 + 1e-6);
}

static void
test_demo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-demo-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected_head = NULL;
  g_autofree char *title = NULL;
  g_autofree char *histogram_text = NULL;
  g_autofree char *samples_title = NULL;
  g_autofree char *n_samples_text = NULL;
  g_autofree char *alarms_title = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GHashTable) by_address = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) counter_lines = NULL;
  g_auto(GStrv) histogram = NULL;
  g_auto(GStrv) stacks = NULL;
  g_auto(GStrv) alarm_lines = NULL;
  JsonObject *session, *last;
  JsonArray *profiles, *counters, *alarms;
  guint64 total = 0, largest_by_address = 0, sum_printed = 0, previous = G_MAXUINT64;
  guint n_alarm_lines = 0;
  GHashTableIter iter;
  gpointer value;

  g_assert_no_error (error);
  /* The default output: demo.memscope in the current folder. */
  g_assert_cmpint (cli_test_runv_in (dir, (const char *[]) { "demo", "--duration", "4", NULL },
                                     120, &out, &err), ==, CLI_EXIT_OK);

  path = g_build_filename (dir, "demo.memscope", NULL);
  /* The recording (format 2) as version 1 JSON: every reply as the browser sent it. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(MsSessionFile) recording = ms_session_file_new_from_file (file, NULL, &error);
    g_autoptr(GBytes) v1 = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (ms_session_file_get_recording (recording));
    v1 = ms_session_file_to_bytes (recording);
    json_parser_load_from_data (parser, g_bytes_get_data (v1, NULL), g_bytes_get_size (v1), &error);
    g_assert_no_error (error);
  }
  session = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (session, "format"), ==, "memscope-session");
  profiles = json_object_get_array_member (session, "profiles");
  counters = json_object_get_array_member (session, "counters");
  alarms = json_object_get_array_member (session, "alarms");
  g_assert_cmpuint (json_array_get_length (profiles), >=, 1);
  g_assert_cmpuint (json_array_get_length (counters), >=, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (session, "sampling"),
                                               "samplingInterval"), ==, 32768);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (session, "sampling"),
                                               "alarmMinBytes"), ==, ALARM_MIN_BYTES);
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (session,
                                                                                          "target"),
                                                           "url"), "/demo/leaky-page.html"));

  lines = cli_test_lines (out);
  g_assert_true (g_str_has_prefix (lines[0], "Recorded "));
  expected_head = g_strdup_printf (" into demo.memscope: %u profile%s, %u counter readings.",
                                   json_array_get_length (profiles),
                                   json_array_get_length (profiles) == 1 ? "" : "s",
                                   json_array_get_length (counters));
  g_assert_true (g_str_has_suffix (lines[0], expected_head));

  /* DOM counters: first → last and the growth, from the file's readings. */
  counter_lines = section (lines, "DOM counters (first → last, growth per minute):", &title);
  g_assert_cmpuint (g_strv_length (counter_lines), ==, 3);
  check_counter_line (counter_lines[0], counters, "documents");
  check_counter_line (counter_lines[1], counters, "nodes");
  check_counter_line (counter_lines[2], counters, "jsEventListeners");
  /* The page leaks nodes and listeners all the time. */
  g_assert_cmpfloat (growth_per_minute (counters, "nodes"), >, 0);
  g_assert_cmpfloat (growth_per_minute (counters, "jsEventListeners"), >, 0);

  /* The last profile's sizes, as `export --format histogram` gives them. */
  last = json_object_get_object_member (
    reply_result (json_array_get_object_element (profiles, json_array_get_length (profiles) - 1)),
    "profile");
  samples = cli_test_samples_from_profile (last);
  histogram = section (lines, "Allocation sizes in the last profile (", &samples_title);
  n_samples_text = g_strdup_printf ("%u samples;", samples->len);
  g_assert_true (g_str_has_prefix (samples_title + strlen ("Allocation sizes in the last profile ("),
                                   n_samples_text));
  histogram_text = g_strjoinv ("\n", histogram);
  cli_test_check_histogram (histogram_text, samples, 16);

  /* Top stacks: at most 5, heaviest first, none heavier than the profile. Frames merge
   * by label, so the heaviest is at least the heaviest stack of addresses. */
  for (guint i = 0; i < samples->len; i++)
    total += g_array_index (samples, CliTestSample, i).total;
  by_address = cli_test_expected_folded (samples);
  g_hash_table_iter_init (&iter, by_address);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    largest_by_address = MAX (largest_by_address, *(guint64 *) value);

  g_clear_pointer (&title, g_free);
  stacks = section (lines, "Top 5 allocation stacks by estimated bytes (folded, root first):",
                    &title);
  g_assert_cmpuint (g_strv_length (stacks), >=, MIN (1, samples->len));
  g_assert_cmpuint (g_strv_length (stacks), <=, 5);
  for (guint i = 0; samples->len > 0 && stacks[i] != NULL; i++)
    {
      const char *space = strrchr (stacks[i], ' ');
      guint64 bytes;

      g_assert_nonnull (space);
      g_assert_nonnull (strchr (stacks[i], ';'));
      bytes = g_ascii_strtoull (space + 1, NULL, 10);
      g_assert_cmpuint (bytes, >, 0);
      g_assert_cmpuint (bytes, <=, previous);
      previous = bytes;
      sum_printed += bytes;
      if (i == 0)
        g_assert_cmpuint (bytes, >=, largest_by_address);
    }
  g_assert_cmpuint (sum_printed, <=, total);

  /* Alarms: as many as the file holds. */
  g_clear_pointer (&title, g_free);
  alarm_lines = section (lines, "Allocation alarms (", &title);
  alarms_title = g_strdup_printf ("Allocation alarms (%d bytes or more): %u", ALARM_MIN_BYTES,
                                  json_array_get_length (alarms));
  g_assert_cmpstr (title, ==, alarms_title);
  for (guint i = 0; alarm_lines[i] != NULL; i++)
    if (g_str_has_prefix (alarm_lines[i], "  at "))
      n_alarm_lines++;
  g_assert_cmpuint (n_alarm_lines, ==, json_array_get_length (alarms));
  for (guint i = 0; i < json_array_get_length (alarms); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (alarms, i), "size"),
                     >=, ALARM_MIN_BYTES);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/cli/demo", test_demo);

  return g_test_run ();
}
