/* test-window-leaks.c: the Tools page of an opened recording shows the leak counts the
 * recording holds, the first as the baseline and the last as now; an older recording
 * without them says so
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include <glib/gstdio.h>

#include "ms-recording-writer.h"
#include "ms-session-file.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
#include "ms-window-private.h"

#define T0 (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)

typedef struct
{
  const char *name;
  gint64      first;
  gint64      middle;
  gint64      last;
} LeakCounter;

/* Three counts in the protocol's order; one counter shrinks. */
static const LeakCounter counters[] = {
  { "documents", 3, 5, 4 },
  { "nodes", 46030, 47000, 46152 },
  { "jsEventListeners", 120, 111, 110 },
  { "Node \"quoted\"", 7, 7, 7 },
};

/* A count's detail, written here by hand as the live target writes it. */
static char *
detail_as (const char *role,
           guint       which)
{
  GString *text = g_string_new ("{");

  if (role != NULL)
    g_string_append_printf (text, "\"role\":\"%s\",", role);
  g_string_append (text, "\"counters\":{");

  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      gint64 count = which == 0 ? counters[i].first
                   : which == 1 ? counters[i].middle : counters[i].last;
      g_autofree char *escaped = g_strescape (counters[i].name, NULL);

      g_string_append_printf (text, "%s\"%s\":%" G_GINT64_FORMAT, i ? "," : "", escaped, count);
    }
  g_string_append (text, "}}");
  return g_string_free (text, FALSE);
}

static char *
detail_for (guint which)
{
  return detail_as (NULL, which);
}

/* A recording with counters and the given actions (kind, detail; NULL-terminated). */
static void
write_recording (const char         *path,
                 const char * const *actions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (path, &error);
  g_autoptr(JsonObject) target = json_object_new ();

  g_assert_no_error (error);
  json_object_set_string_member (target, "url", "http://127.0.0.1/page");
  g_assert_true (ms_recording_writer_append_metadata (writer, T0, NULL, target, NULL, &error));
  for (guint s = 0; s < 10; s++)
    {
      const char *text = "{\"id\":7,\"result\":{\"documents\":1,\"nodes\":100,\"jsEventListeners\":2}}";
      g_autoptr(GBytes) reply = g_bytes_new (text, strlen (text));

      g_assert_true (ms_recording_writer_append_counters (writer, T0 + s * G_USEC_PER_SEC, reply,
                                                          &error));
    }
  for (guint i = 0; actions[i] != NULL; i += 2)
    g_assert_true (ms_recording_writer_append_action (writer, T0 + (i + 1) * G_USEC_PER_SEC,
                                                      actions[i], actions[i + 1], &error));
  g_assert_true (ms_recording_writer_close (writer, &error));
  g_assert_no_error (error);
}

typedef struct
{
  MsWindow   *window;
  const char *status;
} Expect;

static gboolean
status_is (gpointer user_data)
{
  Expect *e = user_data;

  return g_strcmp0 (gtk_label_get_text (e->window->leak_status), e->status) == 0;
}

static gboolean
shows_sequence (gpointer user_data)
{
  Expect *e = user_data;
  const char * const *texts = (const char * const *) e->status;

  return ms_test_shows_sequence (GTK_WIDGET (e->window->leak_view), texts);
}

static char *
clock_at (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);

  return g_date_time_format (time, "%H:%M:%S");
}

/* Each counter's row: the first count as baseline, the last as now, and the delta
 * computed here. */
static void
assert_first_last_rows (MsWindow *window)
{
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT, counters[i].first);
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, counters[i].last);
      g_autofree char *delta = g_strdup_printf ("%+" G_GINT64_FORMAT,
                                                counters[i].last - counters[i].first);
      const char *row[] = { counters[i].name, base, now, delta, NULL };
      Expect r = { window, (const char *) row };

      g_test_message ("row %s %s %s %s", row[0], row[1], row[2], row[3]);
      g_assert_true (ms_test_wait_for (shows_sequence, &r, 20));
    }
}

/* A single count shown: as the baseline (the first counts) or as now (the middle ones),
 * the other columns empty. */
static void
assert_single_rows (MsWindow *window,
                    gboolean  as_baseline)
{
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                as_baseline ? counters[i].first : counters[i].middle);
      const char *baseline_row[] = { counters[i].name, count, "—", "—", NULL };
      const char *now_row[] = { counters[i].name, "—", count, "—", NULL };
      Expect r = { window, (const char *) (as_baseline ? baseline_row : now_row) };

      g_assert_true (ms_test_wait_for (shows_sequence, &r, 20));
    }
}

static MsWindow *
open_recording (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  MsWindow *window = ms_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  return window;
}

/* Writes @actions into a recording at @path (unless NULL), opens it, and waits for the
 * Tools page to say @status. */
static MsWindow *
open_showing (const char         *path,
              const char * const *actions,
              const char         *status)
{
  Expect e;

  if (actions != NULL)
    write_recording (path, actions);
  e.window = open_recording (path);
  e.status = status;
  g_assert_true (ms_test_wait_for (status_is, &e, 20));
  return e.window;
}

static void
test_recorded_counts (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-leaks-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "leaks.memscope", NULL);
  g_autofree char *first = detail_for (0);
  g_autofree char *middle = detail_for (1);
  g_autofree char *last = detail_for (2);
  /* Actions i (0, 2, 4, 6) are at T0 + (i + 1) s: the counts at 3, 5 and 7 s. */
  const char *actions[] = { "purge", NULL, "leak-counters", first, "leak-counters", middle,
                            "leak-counters", last, NULL };
  g_autofree char *first_clock = clock_at (T0 + 3 * G_USEC_PER_SEC);
  g_autofree char *last_clock = clock_at (T0 + 7 * G_USEC_PER_SEC);
  g_autofree char *status = g_strdup_printf ("Recorded: the first of 3 leak counts, taken at %s, "
                                             "is the baseline; the last, taken at %s, is now.",
                                             first_clock, last_clock);
  Expect e;

  e.window = open_showing (path, actions, status);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (e.window->leak_names)), ==,
                    G_N_ELEMENTS (counters));
  assert_first_last_rows (e.window);
  /* The page as the test left it, when asked for ($MEMSCOPE_SCREENSHOT_DIR). */
  adw_view_stack_set_visible_child_name (e.window->view_stack, "tools");
  ms_test_settle (500);
  ms_test_save_screenshot (GTK_WIDGET (e.window), "window-recorded-leaks.png");
  gtk_window_destroy (GTK_WINDOW (e.window));
  ms_test_remove_tree (dir);
}

static void
test_one_count (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-leaks-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "one.memscope", NULL);
  g_autofree char *only = detail_for (1);
  const char *actions[] = { "leak-counters", only, NULL };
  g_autofree char *clock = clock_at (T0 + 1 * G_USEC_PER_SEC);
  g_autofree char *status = g_strdup_printf ("The recording holds one leak count, taken at %s; "
                                             "it is shown as now, without a baseline.", clock);
  Expect e;

  e.window = open_showing (path, actions, status);
  assert_single_rows (e.window, FALSE);
  gtk_window_destroy (GTK_WINDOW (e.window));
  ms_test_remove_tree (dir);
}

/* Counted in the window: what its table showed when the recording ended, the latest
 * baseline and the latest count after it. */
static void
test_roles (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-leaks-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "roles.memscope", NULL);
  g_autofree char *old_now = detail_as ("now", 2);
  g_autofree char *baseline = detail_as ("baseline", 0);
  g_autofree char *middle = detail_as ("now", 1);
  g_autofree char *last = detail_as ("now", 2);
  /* At 1, 3, 5 and 7 s. */
  const char *actions[] = { "leak-counters", old_now, "leak-counters", baseline,
                            "leak-counters", middle, "leak-counters", last, NULL };
  g_autofree char *baseline_clock = clock_at (T0 + 3 * G_USEC_PER_SEC);
  g_autofree char *last_clock = clock_at (T0 + 7 * G_USEC_PER_SEC);
  g_autofree char *status = g_strdup_printf ("Recorded: the baseline taken at %s, and the count "
                                             "taken at %s.", baseline_clock, last_clock);
  const char *only_baseline[] = { "leak-counters", last, "leak-counters", baseline, NULL };
  g_autofree char *only_status = g_strdup_printf ("Recorded: a baseline taken at %s, not counted "
                                                  "again before the recording ended.",
                                                  baseline_clock);
  Expect e;

  e.window = open_showing (path, actions, status);
  assert_first_last_rows (e.window);
  gtk_window_destroy (GTK_WINDOW (e.window));

  /* A baseline last: it alone, as the live table shows after "Set Baseline". */
  g_assert_cmpint (g_unlink (path), ==, 0);
  e.window = open_showing (path, only_baseline, only_status);
  assert_single_rows (e.window, TRUE);
  gtk_window_destroy (GTK_WINDOW (e.window));
  ms_test_remove_tree (dir);
}

/* Format 1 keeps the markers, with their details, in "sampling". */
static void
test_format1 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-leaks-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "session.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(JsonObject) sampling = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *text = "{\"id\":1,\"result\":{\"profile\":{\"samples\":[],\"modules\":[]}}}";
  g_autoptr(GBytes) reply = g_bytes_new (text, strlen (text));
  const gint64 times[] = { T0 + 2 * G_USEC_PER_SEC, T0 + 4 * G_USEC_PER_SEC, T0 + 9 * G_USEC_PER_SEC };
  g_autofree char *first_clock = clock_at (times[1]);
  g_autofree char *last_clock = clock_at (times[2]);
  g_autofree char *status = g_strdup_printf ("Recorded: the first of 2 leak counts, taken at %s, "
                                             "is the baseline; the last, taken at %s, is now.",
                                             first_clock, last_clock);
  JsonArray *markers = json_array_new ();
  Expect e;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      JsonObject *marker = json_object_new ();
      g_autofree char *detail = detail_for (i == 1 ? 0 : 2);

      json_object_set_int_member (marker, "time", times[i]);
      json_object_set_string_member (marker, "kind", i == 0 ? "purge" : "leak-counters");
      if (i > 0)
        json_object_set_string_member (marker, "detail", detail);
      json_array_add_object_element (markers, marker);
    }
  json_object_set_array_member (sampling, "markers", markers);
  ms_session_file_set_sampling (session, sampling);
  g_assert_true (ms_session_file_add_profile_reply (session, T0 + G_USEC_PER_SEC,
                                                    "Memory.getSamplingProfile", reply, &error));
  g_assert_true (ms_session_file_save (session, file, NULL, &error));
  g_assert_no_error (error);

  e.window = open_showing (path, NULL, status);
  assert_first_last_rows (e.window);
  gtk_window_destroy (GTK_WINDOW (e.window));
  ms_test_remove_tree (dir);
}

/* Older recordings: the marker without its counts, or a detail that is not a count. */
static const struct
{
  const char *name;
  const char *detail;
} no_counts[] = {
  { "no-detail", NULL },
  { "not-json", "{\"counters\":" },
  { "no-counters-member", "{\"count\":{\"nodes\":1}}" },
  { "counters-not-object", "{\"counters\":[1,2]}" },
};

static void
test_no_counts (gconstpointer data)
{
  guint row = GPOINTER_TO_UINT (data);
  g_autofree char *dir = g_dir_make_tmp ("memscope-leaks-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.memscope", NULL);
  const char *actions[] = { "purge", NULL, "leak-counters", no_counts[row].detail, NULL };
  Expect e;

  e.window = open_showing (path, actions, "This recording holds no leak counts.");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (e.window->leak_names)), ==, 0);
  /* The recording itself opened. */
  g_assert_true (ms_test_shows_page (e.window, "session"));
  gtk_window_destroy (GTK_WINDOW (e.window));
  ms_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/memscope/ui/window-leaks/recorded", test_recorded_counts);
  g_test_add_func ("/memscope/ui/window-leaks/one-count", test_one_count);
  g_test_add_func ("/memscope/ui/window-leaks/roles", test_roles);
  g_test_add_func ("/memscope/ui/window-leaks/format1", test_format1);
  for (guint i = 0; i < G_N_ELEMENTS (no_counts); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/ui/window-leaks/none/%s", no_counts[i].name);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_no_counts);
    }

  return g_test_run ();
}
