/* bench-profile.c: parse → flame tree → folded export, speed and peak RSS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-profile [--python PYTHON SCRIPT] [PROFILE.json[.gz]]
 *
 * Runs each size in a child process of its own so that peak RSS (ru_maxrss)
 * belongs to that size alone: the given profile (default: the large fixture)
 * as it is on disk, the same decompressed, and a synthetic profile 4× larger
 * made by repeating the samples with perturbed sizes. MB/s are of the
 * decompressed JSON text.
 *
 * With --python, each size is also run through SCRIPT (python-reference.py,
 * the plain Python way) on the same files, right after this program's run,
 * and the ratio of the two "all" figures is printed.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "ms-export.h"
#include "ms-flame-tree.h"
#include "ms-profile.h"

#define N_RUNS 3

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static int
run_child (const char *path,
           guint64     text_bytes)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) null_file = g_file_new_for_path ("/dev/null");
  double best_parse = G_MAXDOUBLE, best_tree = G_MAXDOUBLE, best_folded = G_MAXDOUBLE, best_all = G_MAXDOUBLE;
  guint n_samples = 0;
  double mb = text_bytes / 1e6;

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsProfile) profile = NULL;
      g_autoptr(MsFlameTree) tree = NULL;
      g_autoptr(GFileOutputStream) out = NULL;
      gint64 t0, t1, t2, t3;

      out = g_file_append_to (null_file, G_FILE_CREATE_NONE, NULL, &error);
      g_assert_no_error (error);

      t0 = g_get_monotonic_time ();
      profile = ms_profile_new_from_file (file, NULL, &error);
      t1 = g_get_monotonic_time ();
      if (profile == NULL)
        {
          g_printerr ("%s: %s\n", path, error->message);
          return 1;
        }
      tree = ms_flame_tree_new (profile, NULL);
      t2 = g_get_monotonic_time ();
      if (!ms_export_folded (tree, MS_FLAME_VALUE_TOTAL_BYTES, G_OUTPUT_STREAM (out), NULL, &error))
        {
          g_printerr ("folded: %s\n", error->message);
          return 1;
        }
      t3 = g_get_monotonic_time ();

      n_samples = ms_profile_get_n_samples (profile);
      best_parse = MIN (best_parse, (t1 - t0) / 1e6);
      best_tree = MIN (best_tree, (t2 - t1) / 1e6);
      best_folded = MIN (best_folded, (t3 - t2) / 1e6);
      best_all = MIN (best_all, (t3 - t0) / 1e6);
    }

  g_print ("%-28s %8.1f MB %7u samples | parse %6.3f s %6.0f MB/s | tree %6.3f s | folded %6.3f s | "
           "all %6.3f s %6.0f MB/s | peak RSS %6.1f MB = %.2f x input\n",
           g_path_get_basename (path), mb, n_samples,
           best_parse, mb / best_parse, best_tree, best_folded, best_all, mb / best_all,
           peak_rss_kib () / 1024.0, peak_rss_kib () * 1024.0 / text_bytes);

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

/* Runs @argv, echoes its output, returns the "all" MB/s it printed (0 if none). */
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

int
main (int   argc,
      char *argv[])
{
  g_autofree char *default_path = NULL;
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) text = NULL;
  const char *input;
  const char *python = NULL, *script = NULL;
  struct { const char *name; char *path; guint64 bytes; } runs[3];
  int status = 0;

  if (argc == 4 && strcmp (argv[1], "--child") == 0)
    return run_child (argv[2], g_ascii_strtoull (argv[3], NULL, 10));

  if (argc >= 4 && strcmp (argv[1], "--python") == 0)
    {
      python = argv[2];
      script = argv[3];
      argc -= 3;
      argv += 3;
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

  g_print ("# best of %d runs per size, each size in its own process%s\n", N_RUNS,
           python != NULL ? "; then the same files through the Python reference" : "");
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, runs[i].bytes);
      const char *child_argv[] = { self, "--child", runs[i].path, bytes, NULL };
      const char *python_argv[] = { python, script, "--child", runs[i].path, bytes, NULL };
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
        g_print ("%-14s all: %.0f / %.0f MB/s = %.2f x the Python reference\n", "  ratio", c_mbs, py_mbs, c_mbs / py_mbs);
    }

  for (guint i = 1; i < G_N_ELEMENTS (runs); i++)
    g_unlink (runs[i].path);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    g_free (runs[i].path);
  g_rmdir (dir);

  return status;
}
