/* test-cli-snapshots.c: `memscope-cli snapshots`, the profiles of a recording by index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files are written here: a recording (format 2) with MsRecordingWriter and the
 * same readings as a session file (format 1) as JSON text. What each row must say is
 * worked out from the readings the test chose, with plain loops: the samples and
 * bytes from the reply's own samples, the counters as the last reading at or before
 * the profile, the times from the chosen microseconds.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ms-recording-writer.h"

#include "cli-test-run.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)

/* Profile i arrives at profile_times[i]; counters reading j at counter_times[j]. The
 * first profile comes before any reading; the second at the same microsecond as one. */
static const gint64 profile_times[] = { T0 + 250000, T0 + 500000, T0 + 2750000, T0 + 4000123 };
static const gint64 counter_times[] = { T0 + 500000, T0 + 1500000, T0 + 3999999 };
#define N_PROFILES G_N_ELEMENTS (profile_times)
#define N_COUNTERS G_N_ELEMENTS (counter_times)

typedef struct
{
  char *dir;
  char *recording;  /* format 2 */
  char *session;    /* format 1, the same readings */
} Fixture;

/* Profile @i: 1 + i samples, each with its own total. */
static char *
profile_text (guint i)
{
  g_autoptr(GString) text = g_string_new ("{\"samples\":[");

  for (guint s = 0; s <= i; s++)
    g_string_append_printf (text, "%s{\"size\":%u,\"total\":%u,\"stack\":[\"0x%x leaf\",\"0x20 main\"]}",
                            s ? "," : "", 16 * (s + 1), 1000 * (i + 1) + 7 * s, 0x100 + s);
  g_string_append (text, "],\"modules\":[]}");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
reply_text (guint i)
{
  g_autofree char *profile = profile_text (i);

  return g_strdup_printf ("{\"id\":%u,\"result\":{\"profile\":%s}}", 10 + i, profile);
}

static gint64
documents_of (guint j)
{
  return 1 + j;
}

static gint64
nodes_of (guint j)
{
  return 500 + 100 * j;
}

static gint64
listeners_of (guint j)
{
  return 3 * (j + 1);
}

static char *
counters_text (guint j)
{
  return g_strdup_printf ("{\"id\":%u,\"result\":{\"documents\":%" G_GINT64_FORMAT ",\"nodes\":%"
                          G_GINT64_FORMAT ",\"jsEventListeners\":%" G_GINT64_FORMAT "}}",
                          100 + j, documents_of (j), nodes_of (j), listeners_of (j));
}

/* The samples and their summed totals, read back from the profile's JSON. */
static void
profile_figures (guint    i,
                 guint   *n_samples,
                 guint64 *total_bytes)
{
  g_autofree char *text = profile_text (i);
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  JsonArray *samples = json_object_get_array_member (json_node_get_object (root), "samples");

  *n_samples = json_array_get_length (samples);
  *total_bytes = 0;
  for (guint s = 0; s < *n_samples; s++)
    *total_bytes += json_object_get_int_member (json_array_get_object_element (samples, s), "total");
}

/* The last counters reading at or before profile @i, or -1. */
static int
counters_for (guint i)
{
  int last = -1;

  for (guint j = 0; j < N_COUNTERS; j++)
    if (counter_times[j] <= profile_times[i])
      last = j;
  return last;
}

static gint64
start_time (void)
{
  return MIN (profile_times[0], counter_times[0]);
}

static void
write_recording (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (path, &error);
  guint i = 0, j = 0;

  g_assert_no_error (error);
  ms_recording_writer_set_key_interval (writer, 2);
  /* In time order, a reading before a profile of the same microsecond. */
  while (i < N_PROFILES || j < N_COUNTERS)
    {
      if (j < N_COUNTERS && (i == N_PROFILES || counter_times[j] <= profile_times[i]))
        {
          g_autofree char *text = counters_text (j);
          g_autoptr(GBytes) reply = g_bytes_new (text, strlen (text));

          g_assert_true (ms_recording_writer_append_counters (writer, counter_times[j++], reply, &error));
        }
      else
        {
          g_autofree char *text = reply_text (i);
          g_autoptr(GBytes) reply = g_bytes_new (text, strlen (text));
          guint n_samples;
          guint64 total_bytes;

          profile_figures (i, &n_samples, &total_bytes);
          g_assert_true (ms_recording_writer_append_profile (writer, profile_times[i++],
                                                             "getSamplingProfile", reply,
                                                             n_samples, total_bytes, &error));
        }
      g_assert_no_error (error);
    }
  g_assert_true (ms_recording_writer_close (writer, &error));
  g_assert_no_error (error);
}

static void
write_session (const char *path)
{
  g_autoptr(GString) text = g_string_new ("{\"format\":\"memscope-session\",\"version\":1,"
                                          "\"counters\":[");

  for (guint j = 0; j < N_COUNTERS; j++)
    {
      g_autofree char *reply = counters_text (j);

      g_string_append_printf (text, "%s{\"time\":%" G_GINT64_FORMAT ",\"reply\":%s}",
                              j ? "," : "", counter_times[j], reply);
    }
  g_string_append (text, "],\"alarms\":[],\"profiles\":[");
  for (guint i = 0; i < N_PROFILES; i++)
    {
      g_autofree char *reply = reply_text (i);

      g_string_append_printf (text, "%s{\"time\":%" G_GINT64_FORMAT ",\"method\":"
                              "\"getSamplingProfile\",\"reply\":%s}", i ? "," : "",
                              profile_times[i], reply);
    }
  g_string_append (text, "]}");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("memscope-cli-snapshots-XXXXXX", &error);
  g_assert_no_error (error);
  f->recording = g_build_filename (f->dir, "rec.memscope", NULL);
  f->session = g_build_filename (f->dir, "session.memscope", NULL);
  write_recording (f->recording);
  write_session (f->session);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unlink (f->recording);
  g_unlink (f->session);
  g_rmdir (f->dir);
  g_free (f->recording);
  g_free (f->session);
  g_free (f->dir);
}

/* "2023-11-14T22:13:20.250Z" */
static char *
expected_timestamp (gint64 time_us)
{
  g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autofree char *text = g_date_time_format (second, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", text, (int) (time_us % G_USEC_PER_SEC / 1000));
}

static char *
expected_count (int     reading,
                gint64 (*count_of) (guint))
{
  return reading < 0 ? g_strdup ("-") : g_strdup_printf ("%" G_GINT64_FORMAT, count_of (reading));
}

/* The table: a header, then one row per profile with every column as expected, every
 * line as long as the header (aligned columns). */
static void
check_table (const char *out,
             guint       n_profiles)
{
  g_auto(GStrv) lines = cli_test_lines (out);
  g_autoptr(GRegex) spaces = g_regex_new (" +", 0, 0, NULL);
  g_auto(GStrv) header = NULL;
  const char *const columns[] = { "index", "seconds", "time", "samples", "bytes", "documents",
                                  "nodes", "listeners", NULL };

  g_assert_cmpuint (g_strv_length (lines), ==, 1 + n_profiles);
  header = g_regex_split (spaces, lines[0], 0);
  g_assert_cmpstrv (header, columns);

  for (guint i = 0; i < n_profiles; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[1 + i]));
      g_auto(GStrv) cells = g_regex_split (spaces, line, 0);
      int reading = counters_for (i);
      guint n_samples;
      guint64 total_bytes;
      g_autofree char *index = g_strdup_printf ("%u", i + 1);
      g_autofree char *seconds = g_strdup_printf ("%.3f", (profile_times[i] - start_time ()) / 1e6);
      g_autofree char *timestamp = expected_timestamp (profile_times[i]);
      g_autofree char *samples = NULL;
      g_autofree char *bytes = NULL;
      g_autofree char *documents = expected_count (reading, documents_of);
      g_autofree char *nodes = expected_count (reading, nodes_of);
      g_autofree char *listeners = expected_count (reading, listeners_of);

      profile_figures (i, &n_samples, &total_bytes);
      samples = g_strdup_printf ("%u", n_samples);
      bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, total_bytes);
      {
        const char *const want[] = { index, seconds, timestamp, samples, bytes, documents, nodes,
                                     listeners, NULL };

        g_assert_cmpstrv (cells, want);
      }
      g_assert_cmpuint (strlen (lines[1 + i]), ==, strlen (lines[0]));
    }
}

static void
test_recording_table (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_test_run (&out, &err, "snapshots", f->recording, NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (err, ==, "");
  check_table (out, N_PROFILES);
}

static void
test_session_table (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_test_run (&out, &err, "snapshots", f->session, NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (err, ==, "");
  check_table (out, N_PROFILES);
}

static void
check_count_member (JsonObject *object,
                    const char *name,
                    int         reading,
                    gint64    (*count_of) (guint))
{
  g_assert_true (json_object_has_member (object, name));
  if (reading < 0)
    g_assert_true (json_object_get_null_member (object, name));
  else
    g_assert_cmpint (json_object_get_int_member (object, name), ==, count_of (reading));
}

static void
check_json (const char *path)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *snapshots;

  g_assert_cmpint (cli_test_run (&out, NULL, "snapshots", "--json", path, NULL), ==, CLI_EXIT_OK);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "startUs"), ==, start_time ());
  g_assert_true (json_object_get_null_member (object, "tornTail"));
  snapshots = json_object_get_array_member (object, "snapshots");
  g_assert_cmpuint (json_array_get_length (snapshots), ==, N_PROFILES);

  for (guint i = 0; i < N_PROFILES; i++)
    {
      JsonObject *snapshot = json_array_get_object_element (snapshots, i);
      g_autofree char *timestamp = expected_timestamp (profile_times[i]);
      int reading = counters_for (i);
      guint n_samples;
      guint64 total_bytes;

      profile_figures (i, &n_samples, &total_bytes);
      g_assert_cmpint (json_object_get_int_member (snapshot, "index"), ==, i + 1);
      g_assert_cmpint (json_object_get_int_member (snapshot, "timeUs"), ==, profile_times[i]);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (snapshot, "seconds"),
                                      (profile_times[i] - start_time ()) / 1e6, 1e-9);
      g_assert_cmpstr (json_object_get_string_member (snapshot, "timestamp"), ==, timestamp);
      g_assert_cmpint (json_object_get_int_member (snapshot, "samples"), ==, n_samples);
      g_assert_cmpint (json_object_get_int_member (snapshot, "bytes"), ==, total_bytes);
      check_count_member (snapshot, "documents", reading, documents_of);
      check_count_member (snapshot, "nodes", reading, nodes_of);
      check_count_member (snapshot, "jsEventListeners", reading, listeners_of);
    }
}

static void
test_recording_json (Fixture       *f,
                     gconstpointer  data)
{
  check_json (f->recording);
}

static void
test_session_json (Fixture       *f,
                   gconstpointer  data)
{
  check_json (f->session);
}

/* Cut inside the last profile's frame: the others are listed, the cut is noted. */
static void
test_torn_tail (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json_out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) err_lines = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->recording, &contents, &len, NULL));
  /* The END frame is 28 bytes: cutting 30 cuts into the last profile's frame. */
  g_assert_true (g_file_set_contents (f->recording, contents, len - 30, NULL));

  g_assert_cmpint (cli_test_run (&out, &err, "snapshots", f->recording, NULL), ==, CLI_EXIT_OK);
  err_lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (err_lines), ==, 1);
  g_assert_true (g_str_has_prefix (err_lines[0], "memscope-cli: snapshots: warning: "));
  g_assert_nonnull (strstr (err_lines[0], "the recording ends inside frame"));
  check_table (out, N_PROFILES - 1);

  g_assert_cmpint (cli_test_run (&json_out, NULL, "snapshots", f->recording, "--json", NULL), ==,
                   CLI_EXIT_OK);
  root = json_from_string (json_out, NULL);
  g_assert_nonnull (root);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (root), "tornTail"),
                            "the recording ends inside frame"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                                         "snapshots")),
                    ==, N_PROFILES - 1);
}

/* A flipped byte in the first frame (profile 0) and a cut in the last profile: what
 * lies between is listed, and each damaged range is warned of once, in file order. */
static void
test_two_damaged (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *first = NULL;
  g_auto(GStrv) err_lines = NULL;
  g_auto(GStrv) out_lines = NULL;
  guint n_listed = 0;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->recording, &contents, &len, NULL));
  contents[16 + 28 + 1] ^= 0x01;   /* the first frame's payload, after the 16-byte header */
  g_assert_true (g_file_set_contents (f->recording, contents, len - 30, NULL));

  g_assert_cmpint (cli_test_run (&out, &err, "snapshots", f->recording, NULL), ==, CLI_EXIT_OK);
  err_lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (err_lines), ==, 2);
  first = g_strdup_printf ("memscope-cli: snapshots: warning: %s: frame 1 at byte 16 is damaged: ",
                           f->recording);
  g_assert_true (g_str_has_prefix (err_lines[0], first));
  g_assert_true (g_str_has_prefix (err_lines[1], "memscope-cli: snapshots: warning: "));
  g_assert_nonnull (strstr (err_lines[1], "the recording ends inside frame"));

  /* Listed: the key frames (every 2nd profile) but profile 0, damaged, and the last, cut;
   * the delta after profile 0 lost its base. */
  for (guint i = 0; i < N_PROFILES; i++)
    n_listed += i % 2 == 0 && i != 0 && i != N_PROFILES - 1;
  out_lines = cli_test_lines (out);
  g_assert_cmpuint (n_listed, ==, 1);
  g_assert_cmpuint (g_strv_length (out_lines), ==, 1 + n_listed);
}

/* A file without a profile lists the header alone. */
static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "empty.memscope", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *text = "{\"format\":\"memscope-session\",\"version\":1,\"counters\":[],"
                     "\"alarms\":[],\"profiles\":[]}";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (cli_test_run (&out, NULL, "snapshots", path, NULL), ==, CLI_EXIT_OK);
  g_unlink (path);
  lines = cli_test_lines (out);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_true (g_str_has_prefix (lines[0], "index"));
}

typedef struct
{
  const char *name;
  const char *args[4];
  const char *contents;   /* written to FILE first, when set */
  const char *message;
} BadInput;

#define FILE_ARG "@FILE@"

static const BadInput bad_inputs[] = {
  { "no-file", { "snapshots" }, NULL, "missing FILE" },
  { "extra-argument", { "snapshots", FILE_ARG, "more" }, "{}", "unexpected argument “more”" },
  { "unknown-option", { "snapshots", FILE_ARG, "--frob" }, "{}", "--frob" },
  { "connection-option", { "snapshots", FILE_ARG, "--endpoint", "127.0.0.1:1" }, "{}",
    "--endpoint" },
  { "no-such-file", { "snapshots", FILE_ARG }, NULL, FILE_ARG ": " },
  { "not-a-session", { "snapshots", FILE_ARG }, "{\"samples\":[],\"modules\":[]}",
    FILE_ARG ": missing member \"format\"" },
  { "future-version", { "snapshots", FILE_ARG },
    "{\"format\":\"memscope-session\",\"version\":2,\"profiles\":[]}",
    FILE_ARG ": version: unsupported version 2" },
  { "broken-profile", { "snapshots", FILE_ARG },
    "{\"format\":\"memscope-session\",\"version\":1,\"counters\":[],\"alarms\":[],"
    "\"profiles\":[{\"time\":1,\"method\":\"getSamplingProfile\",\"reply\":{\"id\":1,"
    "\"result\":{\"profile\":{\"samples\":7}}}}]}",
    FILE_ARG ": profile 1: " },
};

static void
test_bad_input (gconstpointer data)
{
  const BadInput *input = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-snapshots-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "input.memscope", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) message = g_string_new (input->message);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  if (input->contents != NULL)
    g_assert_true (g_file_set_contents (path, input->contents, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (input->args) && input->args[i] != NULL; i++)
    g_ptr_array_add (args, g_str_equal (input->args[i], FILE_ARG) ? g_strdup (path)
                                                                  : g_strdup (input->args[i]));
  g_ptr_array_add (args, NULL);
  g_string_replace (message, FILE_ARG, path, 0);

  g_assert_cmpint (cli_test_runv ((const char * const *) args->pdata, 30, &out, &err), ==,
                   CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_true (g_str_has_prefix (lines[0], "memscope-cli: snapshots: "));
  g_assert_nonnull (strstr (lines[0], message->str));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/memscope/cli/snapshots/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("recording-table", test_recording_table);
  ADD ("recording-json", test_recording_json);
  ADD ("session-table", test_session_table);
  ADD ("session-json", test_session_json);
  ADD ("torn-tail", test_torn_tail);
  ADD ("two-damaged", test_two_damaged);
  ADD ("empty", test_empty);
#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/cli/snapshots/bad/%s", bad_inputs[i].name);

      g_test_add_data_func (path, &bad_inputs[i], test_bad_input);
    }

  return g_test_run ();
}
