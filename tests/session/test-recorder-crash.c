/* test-recorder-crash.c: a recording killed with SIGKILL at random moments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each trial runs recorder-crash-helper (a recorder against an in-process peer, in a
 * child process), kills it after a random delay, and reopens the file. The child
 * says on stdout how many profile replies its peer sent; the recorder asks for a
 * profile only when the one before is written, so the file must hold every profile
 * but the last one sent, each exactly as sent.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ms-recording-file.h"

#define N_TRIALS 50

typedef struct
{
  gboolean started;
  guint    n_sent;
} Said;

static Said
read_said (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  Said said = { 0 };

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return said;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_equal (lines[i], "started"))
        said.started = TRUE;
      else if (g_str_has_prefix (lines[i], "sent "))
        said.n_sent = MAX (said.n_sent, (guint) g_ascii_strtoull (lines[i] + 5, NULL, 10));
    }
  return said;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

/* One trial; adds to the counts of trials that had profiles and that had a torn tail. */
static void
run_trial (guint  delay_ms,
           guint *with_profiles,
           guint *torn)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "rec.memscope", NULL);
  g_autofree char *out = g_build_filename (dir, "said.txt", NULL);
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "session", "recorder-crash-helper", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(MsRecordingFile) rec = NULL;
  Said said;
  guint n;

  g_assert_no_error (error);
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  child = g_subprocess_launcher_spawn (launcher, &error, helper, path, NULL);
  g_assert_no_error (error);
  g_usleep (delay_ms * 1000);
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  /* Killed, not exited: an error in the helper must not pass for a crash. */
  g_assert_true (g_subprocess_get_if_signaled (child));

  said = read_said (out);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* Profile 2 is asked for only once profile 1 is in the file. */
      g_assert_cmpuint (said.n_sent, <=, 1);
      remove_dir (dir);
      return;
    }

  rec = ms_recording_file_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  n = ms_recording_file_get_n_profiles (rec);
  g_test_message ("killed after %u ms: %u profiles sent, %u in the file%s", delay_ms, said.n_sent, n,
                  ms_recording_file_get_torn_tail (rec) != NULL ? ", torn tail" : "");
  g_assert_cmpuint (n, <=, said.n_sent);
  if (said.n_sent > 0)
    g_assert_cmpuint (n, >=, said.n_sent - 1);
  g_assert_false (ms_recording_file_get_closed (rec));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) reply = ms_recording_file_get_profile_reply (rec, i, &error);
      g_autofree char *mark = g_strdup_printf ("\"samples\":[{\"size\":%u,", 1000 + i + 1);

      g_assert_no_error (error);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), mark));
    }
  /* Every counters reading that made it is whole. */
  for (guint i = 0; i < ms_recording_file_get_n_counters (rec); i++)
    {
      GBytes *reply = ms_recording_file_get_counters_reply (rec, i, NULL);

      g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                      "\"nodes\":4012"));
    }

  *with_profiles += n > 0;
  *torn += ms_recording_file_get_torn_tail (rec) != NULL;
  remove_dir (dir);
}

static void
test_kill_at_random (void)
{
  guint with_profiles = 0, torn = 0;

  for (guint trial = 0; trial < N_TRIALS; trial++)
    run_trial (g_test_rand_int_range (20, 1500), &with_profiles, &torn);

  g_test_message ("%u trials: %u with profiles, %u with a torn tail", N_TRIALS, with_profiles, torn);
  /* The trials must have killed the recorder while it recorded, not only at start. */
  g_assert_cmpuint (with_profiles, >=, N_TRIALS / 4);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/recorder-crash/kill-at-random", test_kill_at_random);

  return g_test_run ();
}
