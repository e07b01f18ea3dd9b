/* bench-profile.c: parse → flame tree → folded export, checked, then timed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-profile [--runs N] [--python PYTHON SCRIPT] [--cli MEMSCOPE-CLI] [PROFILE.json[.gz]]
 *        bench-profile --child PROFILE TEXT_BYTES RUNS
 *
 * Sizes: the given profile (default: the large fixture) as it is on disk, the
 * same decompressed, and a synthetic profile 4× larger made by repeating the
 * samples with perturbed sizes. MB/s are of the decompressed JSON text.
 *
 * 1. Check. With --python, each size's folded output from this library is
 *    compared byte for byte with SCRIPT's (python-reference.py, the plain
 *    Python way) before anything is timed; a difference fails the benchmark.
 * 2. In-process figures. Each size runs in a child process of its own (so its
 *    peak RSS belongs to that size alone), RUNS times; the median and the
 *    fastest run are printed, with user and system CPU of the median run.
 *    With --python, SCRIPT does the same on the same files right after.
 * 3. Whole process. With --cli (and --python), `memscope-cli export FILE
 *    --format folded -o OUT` and `SCRIPT --folded FILE OUT` run RUNS times
 *    each, alternating, on the given file and the decompressed one: wall time
 *    (median, fastest) and peak RSS, as a user would see them.
 *
 * Every line carries the 1-minute load average read before and after it.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ms-export.h"
#include "ms-flame-tree.h"
#include "ms-profile.h"
#include "ms-profile-private.h"
#include "bench-stats.h"

#ifndef MS_BENCH_BUILDTYPE
#define MS_BENCH_BUILDTYPE "unknown"
#endif

#define DEFAULT_RUNS 7

static double
load_average (void)
{
  double load[1] = { -1 };

  if (getloadavg (load, 1) != 1)
    return -1;

  return load[0];
}

static double
median (double *v,
        guint   n)
{
  g_autofree double *sorted = g_memdup2 (v, n * sizeof (double));

  qsort (sorted, n, sizeof (double), bench_compare_doubles);

  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static double
minimum (const double *v,
         guint         n)
{
  double m = G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    m = MIN (m, v[i]);

  return m;
}

static double
timeval_seconds (struct timeval tv)
{
  return tv.tv_sec + tv.tv_usec / 1e6;
}

/* The whole job once: @path → profile → top-down tree → folded text on @out. */
static gboolean
run_pipeline (const char     *path,
              GOutputStream  *out,
              gint64          t[4],
              guint          *n_samples,
              GError        **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsFlameTree) tree = NULL;

  t[0] = g_get_monotonic_time ();
  profile = ms_profile_new_from_file (file, NULL, error);
  t[1] = g_get_monotonic_time ();
  if (profile == NULL)
    return FALSE;
  tree = ms_flame_tree_new (profile, NULL);
  t[2] = g_get_monotonic_time ();
  if (!ms_export_folded (tree, MS_FLAME_VALUE_TOTAL_BYTES, out, NULL, error))
    return FALSE;
  t[3] = g_get_monotonic_time ();
  *n_samples = ms_profile_get_n_samples (profile);

  return TRUE;
}

static int
run_child (const char *path,
           guint64     text_bytes,
           guint       n_runs)
{
  g_autoptr(GFile) null_file = g_file_new_for_path ("/dev/null");
  g_autofree double *parse = g_new (double, n_runs);
  g_autofree double *tree = g_new (double, n_runs);
  g_autofree double *folded = g_new (double, n_runs);
  g_autofree double *all = g_new (double, n_runs);
  g_autofree double *user = g_new (double, n_runs);
  g_autofree double *sys = g_new (double, n_runs);
  g_autofree char *name = g_path_get_basename (path);
  guint n_samples = 0;
  double mb = text_bytes / 1e6, all_median;
  double load_before = load_average ();
  struct rusage usage;

  for (guint run = 0; run < n_runs; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GFileOutputStream) out = g_file_append_to (null_file, G_FILE_CREATE_NONE, NULL, &error);
      struct rusage before, after;
      gint64 t[4];

      g_assert_no_error (error);
      getrusage (RUSAGE_SELF, &before);
      if (!run_pipeline (path, G_OUTPUT_STREAM (out), t, &n_samples, &error))
        {
          g_printerr ("%s: %s\n", path, error->message);
          return 1;
        }
      getrusage (RUSAGE_SELF, &after);

      parse[run] = (t[1] - t[0]) / 1e6;
      tree[run] = (t[2] - t[1]) / 1e6;
      folded[run] = (t[3] - t[2]) / 1e6;
      all[run] = (t[3] - t[0]) / 1e6;
      user[run] = timeval_seconds (after.ru_utime) - timeval_seconds (before.ru_utime);
      sys[run] = timeval_seconds (after.ru_stime) - timeval_seconds (before.ru_stime);
    }

  getrusage (RUSAGE_SELF, &usage);
  all_median = median (all, n_runs);
  g_print ("%-26s %6.1f MB %6u samples | parse %6.3f s | tree %6.3f s | folded %6.3f s | "
           "all %6.3f s %5.0f MB/s (fastest %6.3f s %5.0f MB/s) | user %5.3f s sys %5.3f s | "
           "peak RSS %6.1f MiB = %.2f x input | load %.2f-%.2f\n",
           name, mb, n_samples, median (parse, n_runs), median (tree, n_runs), median (folded, n_runs),
           all_median, mb / all_median, minimum (all, n_runs), mb / minimum (all, n_runs),
           median (user, n_runs), median (sys, n_runs),
           usage.ru_maxrss / 1024.0, usage.ru_maxrss * 1024.0 / text_bytes,
           load_before, load_average ());

  return 0;
}

static GBytes *
gunzip_file (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) raw = G_INPUT_STREAM (g_file_read (file, NULL, &error));
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_no_error (error);
  in = g_str_has_suffix (path, ".gz") ? g_converter_input_stream_new (raw, G_CONVERTER (z)) : g_object_ref (raw);
  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Repeats the samples array @factor times; copy k adds k to every "size". */
static GString *
synthesize (GBytes *bytes,
            guint   factor)
{
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  const char *open = g_strstr_len (text, len, "\"samples\":[");
  const char *body, *close;
  GString *out;
  int depth = 0;
  gboolean in_string = FALSE;

  g_assert_nonnull (open);
  body = open + strlen ("\"samples\":[");
  for (close = body; close < text + len; close++)
    {
      if (in_string)
        {
          if (*close == '\\')
            close++;
          else if (*close == '"')
            in_string = FALSE;
          continue;
        }
      if (*close == '"')
        in_string = TRUE;
      else if (*close == '[' || *close == '{')
        depth++;
      else if (*close == ']' || *close == '}')
        {
          if (depth == 0)
            break;
          depth--;
        }
    }

  out = g_string_sized_new (len * factor + 1024);
  g_string_append_len (out, text, body - text);
  for (guint k = 0; k < factor; k++)
    {
      const char *p = body;

      if (k > 0)
        g_string_append_c (out, ',');
      while (p < close)
        {
          const char *hit = k > 0 ? g_strstr_len (p, close - p, "\"size\":") : NULL;

          if (hit == NULL)
            {
              g_string_append_len (out, p, close - p);
              break;
            }
          hit += strlen ("\"size\":");
          g_string_append_len (out, p, hit - p);
          g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_ascii_strtoull (hit, (char **)&p, 10) + k);
        }
    }
  g_string_append_len (out, close, text + len - close);

  return out;
}

/* Runs @argv, echoes its output, returns the median "all" MB/s it printed (0 if none). */
static double
run_and_report (const char * const *argv,
                const char         *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int wait_status = 0;
  const char *all;
  double seconds = 0, mbs = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     &out, NULL, &wait_status, &error)
      || !g_spawn_check_wait_status (wait_status, &error))
    {
      g_printerr ("%s: %s\n", name, error->message);
      return -1;
    }

  g_print ("%s", out);
  all = strstr (out, "| all ");
  if (all == NULL || sscanf (all, "| all %lf s %lf MB/s", &seconds, &mbs) != 2)
    return 0;

  return mbs;
}

/* The first line where @a and @b differ, for the failure message. */
static void
print_first_difference (const char *a,
                        gsize       a_len,
                        const char *b,
                        gsize       b_len)
{
  gsize i = 0, line = 1, line_start = 0;

  while (i < a_len && i < b_len && a[i] == b[i])
    {
      if (a[i] == '\n')
        {
          line++;
          line_start = i + 1;
        }
      i++;
    }

  g_printerr ("  first difference on line %" G_GSIZE_FORMAT ":\n  memscope: %.*s\n  python:   %.*s\n", line,
              (int)MIN (a_len - line_start, 200), a + line_start, (int)MIN (b_len - line_start, 200), b + line_start);
}

/* Folded output of this library and of the Python reference on @path, byte for byte. */
static gboolean
check_same_folded (const char *path,
                   const char *python,
                   const char *script,
                   const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *c_path = g_build_filename (dir, "memscope.folded", NULL);
  g_autofree char *py_path = g_build_filename (dir, "python.folded", NULL);
  g_autofree char *c_text = NULL, *py_text = NULL;
  g_autoptr(GFile) c_file = g_file_new_for_path (c_path);
  g_autoptr(GFileOutputStream) out = NULL;
  const char *argv[] = { python, script, "--folded", path, py_path, NULL };
  int wait_status = 0;
  gsize c_len = 0, py_len = 0;
  guint n_samples;
  gint64 t[4];

  out = g_file_replace (c_file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  if (out == NULL
      || !run_pipeline (path, G_OUTPUT_STREAM (out), t, &n_samples, &error)
      || !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error)
      || !g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                        NULL, NULL, &wait_status, &error)
      || !g_spawn_check_wait_status (wait_status, &error)
      || !g_file_get_contents (c_path, &c_text, &c_len, &error)
      || !g_file_get_contents (py_path, &py_text, &py_len, &error))
    {
      g_printerr ("check %s: %s\n", path, error->message);
      return FALSE;
    }
  g_unlink (c_path);
  g_unlink (py_path);

  if (c_len != py_len || memcmp (c_text, py_text, c_len) != 0)
    {
      g_printerr ("check %s: the folded output differs from the Python reference's (%" G_GSIZE_FORMAT
                  " and %" G_GSIZE_FORMAT " bytes)\n", path, c_len, py_len);
      print_first_difference (c_text, c_len, py_text, py_len);
      return FALSE;
    }

  {
    g_autofree char *name = g_path_get_basename (path);
    guint n_lines = 0;

    for (gsize i = 0; i < c_len; i++)
      n_lines += c_text[i] == '\n';
    g_print ("check %-26s folded output identical to the Python reference's: %" G_GSIZE_FORMAT " bytes, %u lines\n",
             name, c_len, n_lines);
  }
  return TRUE;
}

/* Runs @argv as a whole process; its wall time and peak RSS. */
static gboolean
time_process (const char * const *argv,
              double             *wall,
              double             *peak_mib)
{
  struct rusage usage;
  gint64 t0 = g_get_monotonic_time ();
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    {
      execv (argv[0], (char **)argv);
      _exit (127);
    }
  if (pid < 0 || wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_printerr ("%s failed (status %d)\n", argv[0], status);
      return FALSE;
    }
  *wall = (g_get_monotonic_time () - t0) / 1e6;
  *peak_mib = usage.ru_maxrss / 1024.0;

  return TRUE;
}

/* memscope-cli export and the Python script as a user runs them, alternating. */
static gboolean
compare_processes (const char *path,
                   guint64     text_bytes,
                   const char *cli,
                   const char *python,
                   const char *script,
                   const char *dir,
                   guint       n_runs)
{
  g_autofree char *out = g_build_filename (dir, "out.folded", NULL);
  g_autofree char *name = g_path_get_basename (path);
  const char *c_argv[] = { cli, "export", path, "--format", "folded", "-o", out, NULL };
  const char *py_argv[] = { python, script, "--folded", path, out, NULL };
  g_autofree double *c_wall = g_new (double, n_runs), *py_wall = g_new (double, n_runs);
  double c_rss = 0, py_rss = 0, mb = text_bytes / 1e6, c_median, py_median;
  double load_before = load_average ();

  for (guint run = 0; run < n_runs; run++)
    if (!time_process (c_argv, &c_wall[run], &c_rss) || !time_process (py_argv, &py_wall[run], &py_rss))
      return FALSE;
  g_unlink (out);

  c_median = median (c_wall, n_runs);
  py_median = median (py_wall, n_runs);
  g_print ("%-26s memscope-cli export %6.3f s = %5.0f MB/s (fastest %6.3f s), peak RSS %6.1f MiB | "
           "python %6.3f s (fastest %6.3f s), peak RSS %6.1f MiB | %.1f x | load %.2f-%.2f\n",
           name, c_median, mb / c_median, minimum (c_wall, n_runs), c_rss,
           py_median, minimum (py_wall, n_runs), py_rss, py_median / c_median,
           load_before, load_average ());

  return TRUE;
}

static void
print_conditions (guint n_runs)
{
  g_autofree char *cpuinfo = NULL;
  const char *model = NULL;

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      char *at = strstr (cpuinfo, "model name");


      if (at != NULL && (at = strchr (at, ':')) != NULL)
        {
          model = at + 2;
          at[2 + strcspn (at + 2, "\n")] = '\0';
        }
    }

  g_print ("# buildtype=%s, simdjson kernels %s, %s, %ld CPUs, load %.2f; median of %u runs\n",
           MS_BENCH_BUILDTYPE, ms_profile_reader_get_implementation (),
           model != NULL ? model : "unknown CPU", sysconf (_SC_NPROCESSORS_ONLN), load_average (), n_runs);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *default_path = NULL;
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autofree char *runs_text = NULL;
  const char *input;
  const char *python = NULL, *script = NULL, *cli = NULL;
  struct { const char *name; char *path; guint64 bytes; } runs[3];
  guint n_runs = DEFAULT_RUNS;
  int status = 0;

  if (argc == 5 && strcmp (argv[1], "--child") == 0)
    return run_child (argv[2], g_ascii_strtoull (argv[3], NULL, 10), MAX (1, atoi (argv[4])));

  while (argc >= 3 && g_str_has_prefix (argv[1], "--"))
    {
      if (strcmp (argv[1], "--runs") == 0)
        {
          n_runs = MAX (1, atoi (argv[2]));
          argc -= 2, argv += 2;
        }
      else if (strcmp (argv[1], "--cli") == 0)
        {
          cli = argv[2];
          argc -= 2, argv += 2;
        }
      else if (strcmp (argv[1], "--python") == 0 && argc >= 4)
        {
          python = argv[2];
          script = argv[3];
          argc -= 3, argv += 3;
        }
      else
        {
          g_printerr ("unknown option %s\n", argv[1]);
          return 2;
        }
    }

  if (argc > 1)
    input = argv[1];
  else
    {
      const char *fixtures = g_getenv ("MEMSCOPE_FIXTURES");

      default_path = g_build_filename (fixtures != NULL ? fixtures : "../shared/fixtures/chromium-156",
                                       "large", "getSamplingProfile.json.gz", NULL);
      input = default_path;
    }

  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL)
    self = g_strdup (argv[0]);

  text = gunzip_file (input);
  dir = g_dir_make_tmp ("memscope-bench-XXXXXX", &error);
  g_assert_no_error (error);

  runs[0].name = "as given";
  runs[0].path = g_strdup (input);
  runs[0].bytes = g_bytes_get_size (text);

  runs[1].name = "decompressed";
  runs[1].path = g_build_filename (dir, "profile-1x.json", NULL);
  runs[1].bytes = g_bytes_get_size (text);
  g_file_set_contents (runs[1].path, g_bytes_get_data (text, NULL), g_bytes_get_size (text), &error);
  g_assert_no_error (error);

  {
    GString *big = synthesize (text, 4);

    runs[2].name = "synthetic 4x";
    runs[2].path = g_build_filename (dir, "profile-4x.json", NULL);
    runs[2].bytes = big->len;
    g_file_set_contents (runs[2].path, big->str, big->len, &error);
    g_assert_no_error (error);
    g_string_free (big, TRUE);
  }
  g_clear_pointer (&text, g_bytes_unref);

  print_conditions (n_runs);

  /* 1. same output, or no figures at all */
  for (guint i = 0; python != NULL && i < G_N_ELEMENTS (runs); i++)
    if (!check_same_folded (runs[i].path, python, script, dir))
      {
        status = 1;
        goto out;
      }

  /* 2. in-process, each size in its own child */
  runs_text = g_strdup_printf ("%u", n_runs);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, runs[i].bytes);
      const char *child_argv[] = { self, "--child", runs[i].path, bytes, runs_text, NULL };
      const char *python_argv[] = { python, script, "--child", runs[i].path, bytes, runs_text, NULL };
      double c_mbs, py_mbs;

      g_print ("%-14s ", runs[i].name);
      c_mbs = run_and_report (child_argv, runs[i].name);
      if (c_mbs < 0)
        status = 1;
      if (python == NULL)
        continue;

      g_print ("%-14s ", "  python");
      py_mbs = run_and_report (python_argv, "python");
      if (py_mbs < 0)
        status = 1;
      else if (c_mbs > 0 && py_mbs > 0)
        g_print ("%-14s all: %.0f / %.0f MB/s = %.1f x the Python reference (medians)\n", "  ratio",
                 c_mbs, py_mbs, c_mbs / py_mbs);
    }

  /* 3. whole processes, as a user runs them */
  for (guint i = 0; cli != NULL && python != NULL && i < 2; i++)
    {
      g_print ("%-14s ", "process");
      if (!compare_processes (runs[i].path, runs[i].bytes, cli, python, script, dir, n_runs))
        status = 1;
    }

out:
  for (guint i = 1; i < G_N_ELEMENTS (runs); i++)
    g_unlink (runs[i].path);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    g_free (runs[i].path);
  g_rmdir (dir);

  return status;
}
