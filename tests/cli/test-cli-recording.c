/* test-cli-recording.c: `export` and `diff` on recordings (format 2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The recordings are written here with MsRecordingWriter; what the command prints
 * is compared with the same command on the raw reply alone (a plain JSON file,
 * which does not go through the store) and with values taken from the inputs.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ms-recording-writer.h"

#include "cli-test-run.h"

#define N_PROFILES 5

typedef struct
{
  char *dir;
  char *path;      /* the recording */
  char *raw[N_PROFILES];
} Fixture;

/* Profile @i: its own sizes and stacks, so that profiles tell apart. */
static char *
reply_text (guint i)
{
  return g_strdup_printf ("{\"id\":%u,\"result\":{\"profile\":{\"samples\":["
                          "{\"size\":%u,\"total\":%u,\"stack\":[\"0x10 leaf%u\",\"0x20 main\"]},"
                          "{\"size\":64,\"total\":%u,\"stack\":[\"0x30 other\",\"0x20 main\"]}],"
                          "\"modules\":[]}}}", i, 100 + i, 1000 * (i + 1), i, 10 * (i + 1));
}

static char *
counters_text (guint i)
{
  return g_strdup_printf ("{\"id\":9,\"result\":{\"documents\":1,\"nodes\":%u,\"jsEventListeners\":3}}",
                          500 + i);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = NULL;

  f->dir = g_dir_make_tmp ("memscope-cli-recording-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "rec.memscope", NULL);
  writer = ms_recording_writer_new (f->path, &error);
  g_assert_no_error (error);
  ms_recording_writer_set_key_interval (writer, 2);

  for (guint i = 0; i < N_PROFILES; i++)
    {
      g_autofree char *text = reply_text (i);
      g_autofree char *counters = counters_text (i);
      g_autoptr(GBytes) reply = g_bytes_new (text, strlen (text));
      g_autoptr(GBytes) reading = g_bytes_new (counters, strlen (counters));
      g_autofree char *name = g_strdup_printf ("raw%u.json", i + 1);

      g_assert_true (ms_recording_writer_append_counters (writer, 1700000000000000 + i * 1000000, reading, &error));
      g_assert_true (ms_recording_writer_append_profile (writer, 1700000000500000 + i * 1000000,
                                                         "Memory.getSamplingProfile", reply, 2, 0, &error));
      g_assert_no_error (error);
      f->raw[i] = g_build_filename (f->dir, name, NULL);
      g_assert_true (g_file_set_contents (f->raw[i], text, -1, NULL));
    }
  g_assert_true (ms_recording_writer_close (writer, &error));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  for (guint i = 0; i < N_PROFILES; i++)
    g_free (f->raw[i]);
  g_free (f->dir);
  g_free (f->path);
}

/* `export --profile N` of a recording prints what the raw reply N prints. */
static void
test_export_profile (Fixture *f, gconstpointer data)
{
  for (guint n = 1; n <= N_PROFILES; n++)
    {
      g_autofree char *number = g_strdup_printf ("%u", n);
      g_autofree char *from_recording = NULL;
      g_autofree char *from_raw = NULL;
      g_autofree char *leaf = g_strdup_printf ("leaf%u", n - 1);

      g_assert_cmpint (cli_test_run (&from_recording, NULL, "export", f->path, "--format", "folded",
                                     "--profile", number, NULL), ==, CLI_EXIT_OK);
      g_assert_cmpint (cli_test_run (&from_raw, NULL, "export", f->raw[n - 1], "--format", "folded",
                                     NULL), ==, CLI_EXIT_OK);
      g_assert_cmpstr (from_recording, ==, from_raw);
      g_assert_nonnull (strstr (from_recording, leaf));
    }
}

/* Without --profile: the last one. */
static void
test_export_last (Fixture *f, gconstpointer data)
{
  g_autofree char *from_recording = NULL;
  g_autofree char *from_raw = NULL;

  g_assert_cmpint (cli_test_run (&from_recording, NULL, "export", f->path, "--format", "folded", NULL),
                   ==, CLI_EXIT_OK);
  g_assert_cmpint (cli_test_run (&from_raw, NULL, "export", f->raw[N_PROFILES - 1], "--format", "folded",
                                 NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (from_recording, ==, from_raw);
}

static void
test_export_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (cli_test_run (&out, NULL, "export", f->path, "--format", "csv", NULL), ==, CLI_EXIT_OK);
  lines = g_strsplit (out, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_PROFILES + 2);
  g_assert_cmpstr (lines[0], ==, "time,documents,nodes,jsEventListeners");
  for (guint i = 0; i < N_PROFILES; i++)
    {
      g_autofree char *tail = g_strdup_printf (",1,%u,3", 500 + i);

      g_assert_true (g_str_has_suffix (lines[i + 1], tail));
    }
}

static void
test_no_such_profile (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_test_run (NULL, &err, "export", f->path, "--format", "folded", "--profile", "9", NULL),
                   ==, CLI_EXIT_ERROR);
  g_assert_nonnull (strstr (err, "there is no profile 9: the session holds 5"));
}

/* Profile numbers count from 1: 0 and below are refused, naming the option. */
typedef struct
{
  const char *name;
  const char *args[6];
  const char *error;
} BadNumber;

static const BadNumber bad_numbers[] = {
  { "export-0", { "export", "--profile", "0" },
    "export: --profile: 0 is not a profile number (1 is the first)\n" },
  { "export-minus-1", { "export", "--profile", "-1" },
    "export: --profile: -1 is not a profile number (1 is the first)\n" },
  { "diff-a-0", { "diff", "--profile-a", "0" },
    "diff: --profile-a: 0 is not a profile number (1 is the first)\n" },
  { "diff-b-0", { "diff", "--profile-b", "0" },
    "diff: --profile-b: 0 is not a profile number (1 is the first)\n" },
};

static void
test_bad_profile_number (Fixture *f, gconstpointer data)
{
  const BadNumber *row = data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gboolean is_diff = g_str_equal (row->args[0], "diff");
  const char *args[] = { row->args[0], f->path, is_diff ? f->path : "--format", is_diff ? "--format" : "folded",
                         is_diff ? "folded" : row->args[1], is_diff ? row->args[1] : row->args[2],
                         is_diff ? row->args[2] : NULL, NULL };

  g_assert_cmpint (cli_test_runv (args, 30, &out, &err), ==, CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_suffix (err, row->error));
}

/* diff reads a recording on either side. */
static void
test_diff (Fixture *f, gconstpointer data)
{
  g_autofree char *from_recording = NULL;
  g_autofree char *from_raw = NULL;

  g_assert_cmpint (cli_test_run (&from_recording, NULL, "diff", f->path, f->raw[0], "--format", "folded",
                                 NULL), ==, CLI_EXIT_OK);
  g_assert_cmpint (cli_test_run (&from_raw, NULL, "diff", f->raw[N_PROFILES - 1], f->raw[0], "--format",
                                 "folded", NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (from_recording, ==, from_raw);
}

/* A recording cut inside its last frame: exported up to the cut, with a warning. */
static void
test_torn_tail (Fixture *f, gconstpointer data)
{
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *from_raw = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  /* The END frame is 28 bytes: cutting 30 cuts into the last profile's frame. */
  g_assert_true (g_file_set_contents (f->path, contents, len - 30, NULL));
  g_assert_cmpint (cli_test_run (&out, &err, "export", f->path, "--format", "folded", NULL), ==, CLI_EXIT_OK);
  g_assert_nonnull (strstr (err, "warning: "));
  g_assert_nonnull (strstr (err, "the recording ends inside frame 10"));
  g_assert_cmpint (cli_test_run (&from_raw, NULL, "export", f->raw[N_PROFILES - 2], "--format", "folded",
                                 NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (out, ==, from_raw);
}

/* A damaged profile ends what can be read: the profiles before it are listed and
 * exported with a warning naming the damaged frame, every profile `snapshots` lists
 * exports, and the file is left as it was. */
static void
test_damaged (Fixture *f, gconstpointer data)
{
  g_autofree char *contents = NULL;
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *from_raw = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len = 0, after_len = 0;

  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  /* The last byte before the END frame belongs to profile 5's payload (frame 10). */
  contents[len - 29] ^= 0x55;
  g_assert_true (g_file_set_contents (f->path, contents, len, NULL));

  g_assert_cmpint (cli_test_run (&listed, &err, "snapshots", f->path, NULL), ==, CLI_EXIT_OK);
  g_assert_nonnull (strstr (err, "warning: "));
  g_assert_nonnull (strstr (err, "frame 10 at byte "));
  g_assert_nonnull (strstr (err, " is damaged: its contents (a profile record) do not match their checksum"));
  lines = g_strsplit (listed, "\n", -1);
  /* A heading, the 4 intact profiles and the empty string after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + (N_PROFILES - 1) + 1);
  g_clear_pointer (&err, g_free);

  for (guint n = 1; n < N_PROFILES; n++)
    {
      g_autofree char *number = g_strdup_printf ("%u", n);
      g_autofree char *one = NULL;
      g_autofree char *raw = NULL;

      g_assert_cmpint (cli_test_run (&one, NULL, "export", f->path, "--format", "folded", "--profile",
                                     number, NULL), ==, CLI_EXIT_OK);
      g_assert_cmpint (cli_test_run (&raw, NULL, "export", f->raw[n - 1], "--format", "folded", NULL),
                       ==, CLI_EXIT_OK);
      g_assert_cmpstr (one, ==, raw);
    }

  /* The last readable profile is profile 4. */
  g_assert_cmpint (cli_test_run (&out, &err, "export", f->path, "--format", "folded", NULL), ==, CLI_EXIT_OK);
  g_assert_nonnull (strstr (err, "frame 10 at byte "));
  g_assert_cmpint (cli_test_run (&from_raw, NULL, "export", f->raw[N_PROFILES - 2], "--format", "folded",
                                 NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (out, ==, from_raw);

  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, contents, len);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/memscope/cli/recording/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("export-profile", test_export_profile);
  ADD ("export-last", test_export_last);
  ADD ("export-csv", test_export_csv);
  ADD ("no-such-profile", test_no_such_profile);
  ADD ("diff", test_diff);
  for (guint i = 0; i < G_N_ELEMENTS (bad_numbers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/cli/recording/bad-profile-number/%s",
                                               bad_numbers[i].name);

      g_test_add (path, Fixture, &bad_numbers[i], fixture_setup, test_bad_profile_number, fixture_teardown);
    }
  ADD ("torn-tail", test_torn_tail);
  ADD ("damaged", test_damaged);
#undef ADD

  return g_test_run ();
}
