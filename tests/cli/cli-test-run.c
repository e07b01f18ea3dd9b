/* cli-test-run.c: run the built memscope-cli as a subprocess
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sys/resource.h>

#include "cli-test-run.h"

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  char     *out;
  char     *err;
  GError   *error;
} Run;

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

static void
on_communicated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err,
                                        &run->error);
  run->done = TRUE;
}

static int
exit_status_of (GSubprocess *process,
                const char  *err)
{
  if (g_subprocess_get_if_signaled (process))
    g_error ("memscope-cli died of signal %d; stderr:\n%s",
             g_subprocess_get_term_sig (process), err ? err : "");

  return g_subprocess_get_exit_status (process);
}

/* In the child, before exec: files may grow to this many bytes, and a write past
 * it fails with EFBIG instead of killing the process with SIGXFSZ. */
static void
limit_file_size (gpointer user_data)
{
  struct rlimit limit;

  limit.rlim_cur = limit.rlim_max = GPOINTER_TO_SIZE (user_data);
  setrlimit (RLIMIT_FSIZE, &limit);
  signal (SIGXFSZ, SIG_IGN);
}

static GSubprocess *
spawn_limited (const char         *cwd,
               const char * const *args,
               gsize               max_file_bytes)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (gpointer) MEMSCOPE_CLI_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  if (max_file_bytes > 0)
    g_subprocess_launcher_set_child_setup (launcher, limit_file_size,
                                           GSIZE_TO_POINTER (max_file_bytes), NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

static GSubprocess *
spawn_in (const char         *cwd,
          const char * const *args)
{
  return spawn_limited (cwd, args, 0);
}

GSubprocess *
cli_test_spawn (const char * const *args)
{
  return spawn_in (NULL, args);
}

int
cli_test_runv (const char * const  *args,
               guint                max_seconds,
               char               **out,
               char               **err)
{
  return cli_test_runv_in (NULL, args, max_seconds, out, err);
}

int
cli_test_runv_in (const char          *cwd,
                  const char * const  *args,
                  guint                max_seconds,
                  char               **out,
                  char               **err)
{
  return cli_test_runv_limited (cwd, args, 0, max_seconds, out, err);
}

int
cli_test_runv_limited (const char          *cwd,
                       const char * const  *args,
                       gsize                max_file_bytes,
                       guint                max_seconds,
                       char               **out,
                       char               **err)
{
  g_autoptr(GSubprocess) process = spawn_limited (cwd, args, max_file_bytes);
  g_autofree char *joined = g_strjoinv (" ", (char **) args);
  Run run = { FALSE, FALSE, NULL, NULL, NULL };
  guint deadline;
  int status;

  deadline = g_timeout_add_seconds (max_seconds, on_deadline, &run.timed_out);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &run);
  while (!run.done && !run.timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!run.done)
    {
      g_subprocess_force_exit (process);
      while (!run.done)
        g_main_context_iteration (NULL, TRUE);
      g_error ("memscope-cli %s ran longer than %u s; stderr:\n%s", joined, max_seconds,
               run.err ? run.err : "");
    }
  g_source_remove (deadline);
  g_assert_no_error (run.error);

  /* communicate returns at EOF; the process may not be reaped yet. */
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  status = exit_status_of (process, run.err);
  g_test_message ("memscope-cli %s → %d\nstdout:\n%s\nstderr:\n%s", joined, status,
                  run.out, run.err);

  if (out != NULL)
    *out = g_steal_pointer (&run.out);
  if (err != NULL)
    *err = g_steal_pointer (&run.err);
  g_free (run.out);
  g_free (run.err);

  return status;
}

int
cli_test_run (char **out,
              char **err,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return cli_test_runv ((const char * const *) args->pdata, 60, out, err);
}

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

int
cli_test_wait (GSubprocess *process,
               guint        max_seconds)
{
  gboolean done = FALSE;
  gboolean timed_out = FALSE;
  guint deadline;

  deadline = g_timeout_add_seconds (max_seconds, on_deadline, &timed_out);
  g_subprocess_wait_async (process, NULL, on_waited, &done);
  while (!done && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!done)
    {
      g_subprocess_force_exit (process);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      g_error ("memscope-cli did not exit within %u s", max_seconds);
    }
  g_source_remove (deadline);

  return exit_status_of (process, NULL);
}

typedef struct
{
  gboolean  done;
  char     *line;
} ReadLine;

static void
on_line (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ReadLine *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, NULL);
  read->done = TRUE;
}

char *
cli_test_read_line (GDataInputStream *stream,
                    guint             max_seconds)
{
  ReadLine read = { FALSE, NULL };
  gboolean timed_out = FALSE;
  guint deadline;

  deadline = g_timeout_add_seconds (max_seconds, on_deadline, &timed_out);
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL, on_line, &read);
  while (!read.done && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!read.done)
    g_error ("no line from memscope-cli within %u s", max_seconds);
  g_source_remove (deadline);

  return read.line;
}

GStrv
cli_test_lines (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;
      g_strv_builder_add (builder, lines[i]);
    }

  return g_strv_builder_end (builder);
}
