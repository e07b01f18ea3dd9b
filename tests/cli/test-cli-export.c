/* test-cli-export.c: `memscope-cli export` and `diff` on the recorded fixtures
 *
 * Every expected figure is computed here from the raw JSON with json-glib and the
 * contract's definitions, independently of the analysis layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-test-profile.h"
#include "cli-test-run.h"

static char *
fixture_path (const char *name)
{
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");

  if (dir == NULL)
    {
      g_test_skip ("MEMSCOPE_FIXTURES is not set");
      return NULL;
    }
  return g_build_filename (dir, "small", name, NULL);
}

static guint64
sum_totals (GArray *samples)
{
  guint64 sum = 0;

  for (guint i = 0; i < samples->len; i++)
    sum += g_array_index (samples, CliTestSample, i).total;
  return sum;
}

static void
test_folded_by_address (void)
{
  g_autofree char *path = fixture_path ("getSamplingProfile.json");
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GHashTable) expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;

  if (path == NULL)
    return;
  samples = cli_test_read_samples (path);
  expected = cli_test_expected_folded (samples);

  g_assert_cmpint (cli_test_run (&out, &err, "export", path, "--format", "folded",
                                 "--frames", "address", NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (err, ==, "");
  lines = cli_test_lines (out);
  g_assert_cmpuint (g_strv_length (lines), ==, g_hash_table_size (expected));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');
      g_autofree char *stack = NULL;
      guint64 *sum;

      g_assert_nonnull (space);
      stack = g_strndup (lines[i], space - lines[i]);
      sum = g_hash_table_lookup (expected, stack);
      g_assert_nonnull (sum);
      g_assert_cmpuint (g_ascii_strtoull (space + 1, NULL, 10), ==, *sum);
    }
}

static void
test_folded_by_module (void)
{
  g_autofree char *path = fixture_path ("getSamplingProfile.json");
  g_autoptr(GArray) samples = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 sum = 0;

  if (path == NULL)
    return;
  samples = cli_test_read_samples (path);

  g_assert_cmpint (cli_test_run (&out, NULL, "export", path, "--format", "folded",
                                 "--frames", "module", NULL), ==, CLI_EXIT_OK);
  lines = cli_test_lines (out);
  for (guint i = 0; lines[i] != NULL; i++)
    sum += g_ascii_strtoull (strrchr (lines[i], ' ') + 1, NULL, 10);
  /* However the frames are named, every sample's bytes are there once. */
  g_assert_cmpuint (sum, ==, sum_totals (samples));
  g_assert_null (strstr (out, "0x"));
}

static void
check_histogram (guint bytes_per_block)
{
  g_autofree char *path = fixture_path ("getSamplingProfile.json");
  g_autofree char *bpb = g_strdup_printf ("%u", bytes_per_block);
  g_autoptr(GArray) samples = NULL;
  g_autofree char *out = NULL;

  if (path == NULL)
    return;
  samples = cli_test_read_samples (path);

  g_assert_cmpint (cli_test_run (&out, NULL, "export", path, "--format", "histogram",
                                 "--bytes-per-block", bpb, NULL), ==, CLI_EXIT_OK);
  cli_test_check_histogram (out, samples, bytes_per_block);
}

static void
test_histogram (void)
{
  check_histogram (16);
}

static void
test_histogram_bytes_per_block (void)
{
  check_histogram (64);
}

static void
test_json (void)
{
  g_autofree char *path = fixture_path ("getSamplingProfile.json");
  g_autoptr(GArray) samples = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object, *tree;

  if (path == NULL)
    return;
  samples = cli_test_read_samples (path);

  g_assert_cmpint (cli_test_run (&out, NULL, "export", path, "--format", "json", NULL), ==,
                   CLI_EXIT_OK);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "samples"), ==, samples->len);
  g_assert_cmpint (json_object_get_int_member (object, "totalBytes"), ==, sum_totals (samples));
  tree = json_object_get_object_member (object, "tree");
  g_assert_cmpint (json_object_get_int_member (tree, "totalBytes"), ==, sum_totals (samples));
  g_assert_cmpint (json_object_get_int_member (tree, "totalSamples"), ==, samples->len);
}

/* One sample whose stack is 100,000 frames deep: the JSON tree nests as deep,
 * written without recursion. The test reads it without a parser: the labels in
 * order, then the closing brackets. */
static void
test_json_deep_stack (void)
{
  const guint n = 100000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GString) profile = g_string_new ("{\"samples\":[{\"size\":16,\"total\":32,\"stack\":[");
  g_autoptr(GString) closing = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (profile, "%s\"0x%x f%u\"", i ? "," : "", 0x1000 + i, i);
  g_string_append (profile, "]}],\"modules\":[]}");
  path = g_build_filename (dir, "deep.json", NULL);
  g_file_set_contents (path, profile->str, profile->len, &error);
  g_assert_no_error (error);

  g_assert_cmpint (cli_test_run (&out, NULL, "export", path, "--format", "json", NULL), ==,
                   CLI_EXIT_OK);
  g_assert_true (g_str_has_prefix (out, "{\"samples\":1,\"totalBytes\":32,\"totalSize\":16,\"tree\":"));
  /* the root, then the frames root first: the stack's last frame first (a plain
   * scan: splitting 12 MB with strstr is quadratic under AddressSanitizer) */
  {
    gsize len = strlen (out);
    guint n_names = 0;

    for (gsize i = 0; i + 9 <= len; i++)
      {
        g_autofree char *label = NULL;

        if (out[i] != '{' || memcmp (out + i, "{\"name\":\"", 9) != 0)
          continue;
        label = n_names == 0 ? g_strdup ("all\",") : g_strdup_printf ("f%u\",", n - n_names);
        g_assert_cmpint (strncmp (out + i + 9, label, strlen (label)), ==, 0);
        n_names++;
      }
    g_assert_cmpuint (n_names, ==, 1 + n);
  }
  for (guint k = 0; k < n + 1; k++)
    g_string_append (closing, "]}");
  g_string_append (closing, "}\n");
  g_assert_true (g_str_has_suffix (out, closing->str));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_svg_to_file (void)
{
  g_autofree char *path = fixture_path ("getSamplingProfile.json");
  g_autofree char *dir = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *stdout_svg = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_assert_no_error (error);
  svg = g_build_filename (dir, "flame.svg", NULL);

  g_assert_cmpint (cli_test_run (&out, NULL, "export", path, "--format", "svg", "-o", svg, NULL),
                   ==, CLI_EXIT_OK);
  g_assert_cmpstr (out, ==, "");
  g_file_get_contents (svg, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "<svg"));
  g_assert_true (g_str_has_suffix (g_strchomp (contents), "</svg>"));

  g_assert_cmpint (cli_test_run (&stdout_svg, NULL, "export", path, "--format", "svg", NULL), ==,
                   CLI_EXIT_OK);
  g_assert_cmpstr (g_strchomp (stdout_svg), ==, contents);

  g_unlink (svg);
  g_rmdir (dir);
}

static void
test_diff_same (void)
{
  g_autofree char *path = fixture_path ("getSamplingProfile.json");
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GHashTable) expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *svg = NULL;
  g_auto(GStrv) lines = NULL;

  if (path == NULL)
    return;
  samples = cli_test_read_samples (path);
  expected = cli_test_expected_folded (samples);

  g_assert_cmpint (cli_test_run (&out, NULL, "diff", path, path, "--format", "folded",
                                 "--frames", "address", NULL), ==, CLI_EXIT_OK);
  lines = cli_test_lines (out);
  g_assert_cmpuint (g_strv_length (lines), ==, g_hash_table_size (expected));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (fields);
      guint64 *sum;

      /* difffolded: stack, A's value, B's value. */
      g_assert_cmpuint (n, ==, 3);
      sum = g_hash_table_lookup (expected, fields[0]);
      g_assert_nonnull (sum);
      g_assert_cmpuint (g_ascii_strtoull (fields[1], NULL, 10), ==, *sum);
      g_assert_cmpuint (g_ascii_strtoull (fields[2], NULL, 10), ==, *sum);
    }

  /* the same profile twice: every frame grey, at the profile's widths */
  g_assert_cmpint (cli_test_run (&svg, NULL, "diff", path, path, "--format", "svg", "--frames",
                                 "address", NULL), ==, CLI_EXIT_OK);
  cli_test_check_diff_svg (svg, samples, samples, 1200);
  g_assert_null (strstr (svg, "fill=\"rgb(255,"));
  g_assert_nonnull (strstr (svg, "fill=\"rgb(235,235,235)\""));
}

/* Two profiles: what grew is red, what shrank blue, widths by B. */
static void
test_diff_svg (void)
{
  g_autofree char *a_path = fixture_path ("getSamplingProfile.json");
  g_autofree char *b_path = fixture_path ("getAllTimeSamplingProfile.json");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autofree char *svg = NULL;

  if (a_path == NULL)
    return;
  a = cli_test_read_samples (a_path);
  b = cli_test_read_samples (b_path);

  g_assert_cmpint (cli_test_run (&svg, NULL, "diff", a_path, b_path, "--format", "svg", "--frames",
                                 "address", NULL), ==, CLI_EXIT_OK);
  cli_test_check_diff_svg (svg, a, b, 1200);
  g_assert_nonnull (strstr (svg, "fill=\"rgb(255,"));
}


/* Sessions: built here from the fixture's raw replies, as the session format says
 * (format tag, version, replies embedded as they are). */

#define SESSION_T0 1700000000000000

static char *
read_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (path == NULL)
    return NULL;
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return g_strstrip (contents);
}

/* A session with the small profile first and the all-time profile last, and three
 * counter readings a second (and a millisecond) apart. */
static char *
write_session (const char *dir,
               const char *name,
               int         version)
{
  g_autofree char *first = read_fixture ("getSamplingProfile.json");
  g_autofree char *last = read_fixture ("getAllTimeSamplingProfile.json");
  g_autofree char *counters = read_fixture ("getDOMCounters.json");
  g_autofree char *path = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (first == NULL || last == NULL || counters == NULL)
    return NULL;

  g_string_append_printf (text, "{\"format\":\"memscope-session\",\"version\":%d,", version);
  g_string_append (text, "\"browser\":{\"Browser\":\"Chrome/156.0.8078.79\"},\"counters\":[");
  for (guint i = 0; i < 3; i++)
    g_string_append_printf (text, "%s{\"time\":%" G_GINT64_FORMAT ",\"reply\":%s}", i ? "," : "",
                            (gint64) SESSION_T0 + i * G_USEC_PER_SEC + i * 1000, counters);
  g_string_append (text, "],\"alarms\":[],\"profiles\":[");
  g_string_append_printf (text, "{\"time\":%" G_GINT64_FORMAT ",\"method\":\"getSamplingProfile\","
                          "\"reply\":%s},", (gint64) SESSION_T0, first);
  g_string_append_printf (text, "{\"time\":%" G_GINT64_FORMAT ",\"method\":\"getAllTimeSamplingProfile\","
                          "\"reply\":%s}]}\n", (gint64) SESSION_T0 + 2 * G_USEC_PER_SEC, last);

  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
export_output (const char *first,
               ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "export");
  g_ptr_array_add (args, (gpointer) first);
  va_start (ap, first);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_assert_cmpint (cli_test_runv ((const char * const *) args->pdata, 60, &out, NULL), ==,
                   CLI_EXIT_OK);
  return g_steal_pointer (&out);
}

static void
test_session_profiles (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *session = NULL;
  g_autofree char *first_path = fixture_path ("getSamplingProfile.json");
  g_autofree char *last_path = fixture_path ("getAllTimeSamplingProfile.json");
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) last = NULL;
  g_autofree char *by_default = NULL;
  g_autofree char *second = NULL;
  g_autofree char *picked_first = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  session = write_session (dir, "two.memscope", 1);
  if (session == NULL)
    return;
  first = cli_test_read_samples (first_path);
  last = cli_test_read_samples (last_path);

  /* The last profile unless --profile picks one. */
  by_default = export_output (session, "--format", "folded", "--frames", "address", NULL);
  cli_test_check_folded (by_default, last);
  second = export_output (session, "--format", "folded", "--frames", "address", "--profile", "2",
                          NULL);
  g_assert_cmpstr (second, ==, by_default);
  picked_first = export_output (session, "--format", "folded", "--frames", "address",
                                "--profile", "1", NULL);
  cli_test_check_folded (picked_first, first);

  svg = export_output (session, "--format", "svg", "--profile", "1", NULL);
  g_assert_nonnull (strstr (svg, "two.memscope, profile 1 of 2"));

  g_assert_cmpint (cli_test_run (&out, &err, "export", session, "--format", "folded",
                                 "--profile", "3", NULL), ==, CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "there is no profile 3: the session holds 2"));

  g_unlink (session);
  g_rmdir (dir);
}

static void
test_session_histogram (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *session = NULL;
  g_autofree char *last_path = fixture_path ("getAllTimeSamplingProfile.json");
  g_autofree char *from_session = NULL;
  g_autofree char *from_raw = NULL;

  g_assert_no_error (error);
  session = write_session (dir, "histogram.memscope", 1);
  if (session == NULL)
    return;

  from_session = export_output (session, "--format", "histogram", NULL);
  from_raw = export_output (last_path, "--format", "histogram", NULL);
  g_assert_cmpstr (from_session, ==, from_raw);

  g_unlink (session);
  g_rmdir (dir);
}

static void
test_session_csv (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *session = NULL;
  g_autofree char *counters = read_fixture ("getDOMCounters.json");
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *result;

  g_assert_no_error (error);
  session = write_session (dir, "counters.memscope", 1);
  if (session == NULL)
    return;
  reply = json_from_string (counters, &error);
  g_assert_no_error (error);
  result = json_object_get_object_member (json_node_get_object (reply), "result");

  out = export_output (session, "--format", "csv", NULL);
  lines = g_strsplit (out, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[4], ==, "");
  g_assert_cmpstr (lines[0], ==, "time,documents,nodes,jsEventListeners");
  for (guint i = 0; i < 3; i++)
    {
      gint64 time = SESSION_T0 + i * G_USEC_PER_SEC + i * 1000;
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT ".%03d,%" G_GINT64_FORMAT
                                                   ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                                                   time / G_USEC_PER_SEC,
                                                   (int) (time % G_USEC_PER_SEC / 1000),
                                                   json_object_get_int_member (result, "documents"),
                                                   json_object_get_int_member (result, "nodes"),
                                                   json_object_get_int_member (result, "jsEventListeners"));

      g_assert_cmpstr (lines[i + 1], ==, expected);
    }

  g_unlink (session);
  g_rmdir (dir);
}

static void
test_session_diff (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *session = NULL;
  g_autofree char *first_path = fixture_path ("getSamplingProfile.json");
  g_autofree char *last_path = fixture_path ("getAllTimeSamplingProfile.json");
  g_autofree char *from_session = NULL;
  g_autofree char *from_raw = NULL;
  g_autofree char *mixed = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  session = write_session (dir, "diff.memscope", 1);
  if (session == NULL)
    return;

  /* First → last of one session is the diff of the two raw profiles. */
  g_assert_cmpint (cli_test_run (&from_session, NULL, "diff", session, session, "--profile-a", "1",
                                 "--format", "folded", "--frames", "address", NULL), ==, CLI_EXIT_OK);
  g_assert_cmpint (cli_test_run (&from_raw, NULL, "diff", first_path, last_path, "--format",
                                 "folded", "--frames", "address", NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (from_session, ==, from_raw);
  g_assert_cmpint (cli_test_run (&mixed, NULL, "diff", first_path, session, "--format", "folded",
                                 "--frames", "address", NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (mixed, ==, from_raw);

  g_assert_cmpint (cli_test_run (NULL, &err, "diff", first_path, session, "--profile-a", "1",
                                 "--format", "folded", NULL), ==, CLI_EXIT_ERROR);
  g_assert_nonnull (strstr (err, "--profile-a picks a profile of a session file"));

  g_unlink (session);
  g_rmdir (dir);
}

/* A session this build cannot read says so, rather than being read as a profile. */
static void
test_session_bad_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *session = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  session = write_session (dir, "future.memscope", 99);
  if (session == NULL)
    return;

  g_assert_cmpint (cli_test_run (&out, &err, "export", session, "--format", "folded", NULL), ==,
                   CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_nonnull (strstr (lines[0], session));
  g_assert_nonnull (strstr (lines[0], "version"));
  g_assert_nonnull (strstr (lines[0], "99"));

  g_unlink (session);
  g_rmdir (dir);
}

/* The fixture's libc frames resolve through libc6-dbg's build-id files. */
static void
test_symbolize (void)
{
  g_autofree char *path = fixture_path ("getSamplingProfile.json");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *plain = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean libc_symbolized = FALSE;

  if (path == NULL)
    return;
  if (!g_file_test ("/usr/lib/debug/.build-id", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no /usr/lib/debug/.build-id (libc6-dbg is not installed)");
      return;
    }

  g_assert_cmpint (cli_test_run (&out, &err, "export", path, "--format", "folded", "--symbolize",
                                 NULL), ==, CLI_EXIT_OK);
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), >, 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], "memscope-cli: export: symbols: "));
      if (strstr (lines[i], "symbols: libc.so.6 ") != NULL)
        {
          g_assert_nonnull (strstr (lines[i], ": symbolized "));
          libc_symbolized = TRUE;
        }
    }
  g_assert_true (libc_symbolized);
  g_assert_nonnull (strstr (out, "start_thread"));

  /* Without it, the frames keep their module+offset labels. */
  g_assert_cmpint (cli_test_run (&plain, NULL, "export", path, "--format", "folded", NULL), ==,
                   CLI_EXIT_OK);
  g_assert_null (strstr (plain, "start_thread"));
}

/* Bad files: each exits 2 with one line naming the file. */
typedef struct
{
  const char *name;
  const char *contents;
  gssize      length;       /* -1: no file at all */
  const char *format;
  const char *message;
} BadFile;

static const BadFile bad_files[] = {
  { "missing", NULL, -1, "folded", "No such file" },
  { "empty", "", 0, "folded", "empty" },
  { "blank", " \n\t\n", 4, "svg", "empty" },
  { "truncated", "{\"id\":4,\"result\":{\"profile\":{\"samples\":[{\"size\":16,", 48, "folded",
    "truncated" },
  { "binary", "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0", 20, "histogram", "" },
  { "not-json", "samples: 1\n", 11, "json", "" },
  { "wrong-type", "{\"result\":{\"profile\":{\"samples\":{},\"modules\":[]}}}", 48, "folded", "samples" },
  { "cdp-error", "{\"id\":1,\"error\":{\"code\":-32000,\"message\":\"boom\"}}", 49, "folded", "" },
  { "csv-of-profile", NULL, -2, "csv", "CSV" },
  /* a FIFO would block the reader until someone writes to it */
  { "fifo", NULL, -3, "folded", "not a regular file" },
};

static void
test_bad_file (gconstpointer data)
{
  const BadFile *bad = data;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *named = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_assert_no_error (error);
  if (bad->length == -2)
    {
      path = fixture_path ("getSamplingProfile.json");
      if (path == NULL)
        return;
    }
  else
    {
      path = g_build_filename (dir, bad->name, NULL);
      if (bad->length >= 0)
        {
          g_file_set_contents (path, bad->contents, bad->length, &error);
          g_assert_no_error (error);
        }
      else if (bad->length == -3)
        g_assert_cmpint (mkfifo (path, 0600), ==, 0);
    }

  g_assert_cmpint (cli_test_run (&out, &err, "export", path, "--format", bad->format, NULL), ==,
                   CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  named = g_strdup_printf ("memscope-cli: export: %s: ", path);
  g_assert_true (g_str_has_prefix (lines[0], named));
  g_assert_nonnull (strstr (lines[0], bad->message));

  if (bad->length >= 0 || bad->length == -3)
    g_unlink (path);
  g_rmdir (dir);
}

/* A failed export or diff leaves the file it was to replace as it was, and no
 * temporary file beside it. */

#define PROFILE "@PROFILE@"
#define BAD "@BAD@"
#define DEEP_COUNTERS "@DEEP_COUNTERS@"
#define DEEP_BROWSER "@DEEP_BROWSER@"
#define OUT "@OUT@"
#define OLD_CONTENTS "time,documents\n1.000,1\n"

typedef struct
{
  const char *name;
  const char *args[9];
  gsize       max_file_bytes;   /* 0: no limit */
  const char *message;          /* the one line on stderr, once the paths are put in */
} KeepOutput;

static const KeepOutput keep_outputs[] = {
  { "export-bad-counters", { "export", BAD, "--format", "csv", "-o", OUT }, 0,
    "memscope-cli: export: " BAD ": counters[1].reply: result.documents: expected a number" },
  { "export-deep-counters", { "export", DEEP_COUNTERS, "--format", "csv", "-o", OUT }, 0,
    "memscope-cli: export: " DEEP_COUNTERS ": counters[0].reply: counters: arrays and objects "
    "nest deeper than 512 levels (at byte 546)" },
  { "export-deep-browser", { "export", DEEP_BROWSER, "--format", "folded", "-o", OUT }, 0,
    "memscope-cli: export: " DEEP_BROWSER ": browser: arrays and objects nest deeper than 512 "
    "levels (at byte 516)" },
  { "export-write-fails", { "export", PROFILE, "--format", "svg", "-o", OUT }, 4096,
    "memscope-cli: export: writing " OUT ": Error writing to file descriptor: File too large" },
  { "diff-write-fails", { "diff", PROFILE, PROFILE, "--format", "svg", "-o", OUT }, 4096,
    "memscope-cli: diff: writing " OUT ": Error writing to file descriptor: File too large" },
  { "diff-no-profile", { "diff", PROFILE, BAD, "--format", "folded", "-o", OUT }, 0,
    "memscope-cli: diff: " BAD ": the session holds no profile" },
};

/* @before, 200,000 nested arrays, @after. */
static char *
deep_session (const char *dir,
              const char *name,
              const char *before,
              const char *after)
{
  g_autoptr(GString) text = g_string_new (before);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 200000; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (text, ']');
  g_string_append (text, after);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);

  return path;
}

static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;

  return n;
}

static void
test_keep_output (gconstpointer data)
{
  const KeepOutput *row = data;
  g_autofree char *profile = fixture_path ("getSamplingProfile.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *bad = NULL, *deep_counters = NULL, *deep_browser = NULL, *out_path = NULL;
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  const char *args[G_N_ELEMENTS (row->args) + 1] = { NULL };
  g_autofree char *out = NULL, *err = NULL, *contents = NULL, *message = NULL;
  g_auto(GStrv) lines = NULL;
  const char *paths[][2] = { { BAD, NULL }, { DEEP_COUNTERS, NULL }, { DEEP_BROWSER, NULL },
                             { OUT, NULL }, { PROFILE, NULL } };

  g_assert_no_error (error);
  if (profile == NULL)
    return;
  bad = g_build_filename (dir, "bad.memscope", NULL);
  g_file_set_contents (bad, "{\"format\":\"memscope-session\",\"version\":1,\"counters\":["
                       "{\"time\":1,\"reply\":{\"id\":1,\"result\":{\"documents\":1,\"nodes\":2,"
                       "\"jsEventListeners\":3}}},{\"time\":2,\"reply\":{\"id\":2,\"result\":"
                       "{\"documents\":\"x\"}}}],\"alarms\":[],\"profiles\":[]}", -1, &error);
  g_assert_no_error (error);
  deep_counters = deep_session (dir, "deep-counters.memscope",
                                "{\"format\":\"memscope-session\",\"version\":1,\"counters\":["
                                "{\"time\":1,\"reply\":{\"id\":1,\"result\":{\"documents\":1,"
                                "\"x\":", "}}}],\"alarms\":[],\"profiles\":[]}");
  deep_browser = deep_session (dir, "deep-browser.memscope",
                               "{\"format\":\"memscope-session\",\"version\":1,\"browser\":"
                               "{\"a\":", "},\"counters\":[],\"alarms\":[],\"profiles\":[]}");
  out_path = g_build_filename (dir, "report.out", NULL);
  g_file_set_contents (out_path, OLD_CONTENTS, -1, &error);
  g_assert_no_error (error);

  paths[0][1] = bad;
  paths[1][1] = deep_counters;
  paths[2][1] = deep_browser;
  paths[3][1] = out_path;
  paths[4][1] = profile;
  message = g_strdup (row->message);
  for (guint i = 0; row->args[i] != NULL; i++)
    {
      args[i] = row->args[i];
      for (guint k = 0; k < G_N_ELEMENTS (paths); k++)
        if (g_str_equal (row->args[i], paths[k][0]))
          args[i] = paths[k][1];
    }
  for (guint k = 0; k < G_N_ELEMENTS (paths); k++)
    {
      char *replaced = replace_all (message, paths[k][0], paths[k][1]);

      g_free (message);
      message = replaced;
    }

  g_assert_cmpint (cli_test_runv_limited (NULL, args, row->max_file_bytes, 60, &out, &err), ==,
                   CLI_EXIT_ERROR);
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_cmpstr (lines[0], ==, message);

  g_file_get_contents (out_path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, OLD_CONTENTS);
  /* bad, the two deep sessions and the output: no temporary file left */
  g_assert_cmpuint (count_files (dir), ==, 4);

  g_unlink (bad);
  g_unlink (deep_counters);
  g_unlink (deep_browser);
  g_unlink (out_path);
  g_rmdir (dir);
}

/* A successful export replaces the file in place: the new contents, the old mode,
 * and through a symbolic link, the file it points to. */
static void
test_output_replaces (void)
{
  g_autofree char *profile = fixture_path ("getSamplingProfile.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *target = NULL, *link = NULL, *expected = NULL, *contents = NULL;
  g_autofree char *link_target = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  if (profile == NULL)
    return;
  target = g_build_filename (dir, "flame.folded", NULL);
  link = g_build_filename (dir, "latest.folded", NULL);
  g_file_set_contents (target, OLD_CONTENTS, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (target, 0640), ==, 0);
  g_assert_cmpint (symlink ("flame.folded", link), ==, 0);

  g_assert_cmpint (cli_test_run (&expected, NULL, "export", profile, "--format", "folded", NULL),
                   ==, CLI_EXIT_OK);
  g_assert_cmpint (cli_test_run (NULL, NULL, "export", profile, "--format", "folded", "-o", link,
                                 NULL), ==, CLI_EXIT_OK);

  g_file_get_contents (target, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  link_target = g_file_read_link (link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (link_target, ==, "flame.folded");
  g_assert_cmpuint (count_files (dir), ==, 2);

  g_unlink (link);
  g_unlink (target);
  g_rmdir (dir);
}

typedef struct
{
  const char *name;
  const char *args[8];
  const char *message;
} BadArguments;

static const BadArguments bad_arguments[] = {
  { "missing-file", { "export", "--format", "folded" }, "missing FILE" },
  { "missing-format", { "export", PROFILE }, "--format" },
  { "bad-format", { "export", PROFILE, "--format", "pdf" }, "“pdf”" },
  { "bad-frames", { "export", PROFILE, "--format", "folded", "--frames", "names" }, "“names”" },
  { "bad-bytes-per-block", { "export", PROFILE, "--format", "histogram", "--bytes-per-block", "0" },
    "--bytes-per-block" },
  { "output-in-missing-folder", { "export", PROFILE, "--format", "folded", "-o",
                                  "/nonexistent/folder/out.txt" }, "/nonexistent/folder/out.txt" },
  { "diff-one-file", { "diff", PROFILE, "--format", "folded" }, "A and B" },
  { "diff-bad-format", { "diff", PROFILE, PROFILE, "--format", "histogram" }, "“histogram”" },
  { "diff-missing-b", { "diff", PROFILE, "/nonexistent/b.json", "--format", "folded" },
    "/nonexistent/b.json" },
  { "profile-negative", { "export", PROFILE, "--format", "folded", "--profile", "-1" },
    "--profile" },
  { "profile-of-raw-profile", { "export", PROFILE, "--format", "folded", "--profile", "1" },
    "raw profile" },
  { "csv-with-profile", { "export", PROFILE, "--format", "csv", "--profile", "1" },
    "do not apply" },
  { "symbol-path-without-symbolize", { "export", PROFILE, "--format", "folded", "--symbol-path",
                                       "/usr/lib" }, "--symbolize" },
  { "diff-bad-profile-b", { "diff", PROFILE, PROFILE, "--format", "folded", "--profile-b", "-2" },
    "--profile-b" },
};

static void
test_bad_arguments (gconstpointer data)
{
  const BadArguments *bad = data;
  g_autofree char *profile = fixture_path ("getSamplingProfile.json");
  const char *args[G_N_ELEMENTS (bad->args) + 1] = { NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;

  if (profile == NULL)
    return;
  for (guint i = 0; bad->args[i] != NULL; i++)
    args[i] = g_str_equal (bad->args[i], PROFILE) ? profile : bad->args[i];

  g_assert_cmpint (cli_test_runv (args, 30, &out, &err), ==, CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_nonnull (strstr (lines[0], bad->message));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/cli/export/folded-by-address", test_folded_by_address);
  g_test_add_func ("/memscope/cli/export/folded-by-module", test_folded_by_module);
  g_test_add_func ("/memscope/cli/export/histogram", test_histogram);
  g_test_add_func ("/memscope/cli/export/histogram-bytes-per-block", test_histogram_bytes_per_block);
  g_test_add_func ("/memscope/cli/export/json", test_json);
  g_test_add_func ("/memscope/cli/export/json-deep-stack", test_json_deep_stack);
  g_test_add_func ("/memscope/cli/export/svg-to-file", test_svg_to_file);
  g_test_add_func ("/memscope/cli/diff/same-profile", test_diff_same);
  g_test_add_func ("/memscope/cli/diff/svg", test_diff_svg);
  g_test_add_func ("/memscope/cli/export/session-profiles", test_session_profiles);
  g_test_add_func ("/memscope/cli/export/session-histogram", test_session_histogram);
  g_test_add_func ("/memscope/cli/export/session-csv", test_session_csv);
  g_test_add_func ("/memscope/cli/export/session-bad-version", test_session_bad_version);
  g_test_add_func ("/memscope/cli/export/symbolize", test_symbolize);
  g_test_add_func ("/memscope/cli/diff/session", test_session_diff);
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/cli/export/bad-file/%s", bad_files[i].name);

      g_test_add_data_func (path, &bad_files[i], test_bad_file);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_arguments); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/cli/export/bad-arguments/%s",
                                               bad_arguments[i].name);

      g_test_add_data_func (path, &bad_arguments[i], test_bad_arguments);
    }
  for (guint i = 0; i < G_N_ELEMENTS (keep_outputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/cli/export/keeps-output/%s",
                                               keep_outputs[i].name);

      g_test_add_data_func (path, &keep_outputs[i], test_keep_output);
    }
  g_test_add_func ("/memscope/cli/export/output-replaces", test_output_replaces);

  return g_test_run ();
}
