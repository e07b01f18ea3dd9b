/* ms-cli-export.c: `memscope-cli export`, a profile as folded stacks, an SVG flame graph,
 * a size histogram, JSON, or (from a session) counters as CSV
 *
 * FILE is a session file (its last profile unless --profile picks one) or a raw
 * profile; ms-cli-input.c tells them apart.
 *
 * All figures come from the analysis layer; this file only chooses and writes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ms-export.h"
#include "ms-flame-tree.h"
#include "ms-profile.h"
#include "ms-profile-symbols.h"
#include "ms-session-file.h"
#include "ms-size-histogram.h"

#include "ms-cli-commands.h"
#include "ms-cli-export-private.h"
#include "ms-cli-input.h"
#include "ms-cli-output.h"
#include "ms-cli-symbols.h"

#define SVG_WIDTH 1200

typedef enum
{
  FORMAT_FOLDED,
  FORMAT_SVG,
  FORMAT_CSV,
  FORMAT_HISTOGRAM,
  FORMAT_JSON,
} Format;

static const char *const format_names[] = { "folded", "svg", "csv", "histogram", "json", NULL };

typedef struct
{
  MsCliContext *ctx;
  char         *path;
  char         *output;
  Format        format;
  MsLabelMode   label_mode;
  guint         bytes_per_block;
  int           profile_number;
  gboolean      symbolize;
  char         *symbol_path;
  MsCliInput   *input;
} Export;

gboolean
ms_cli_parse_label_mode (const char   *text,
                         MsLabelMode  *mode)
{
  if (text == NULL || g_str_equal (text, "symbol"))
    *mode = MS_LABEL_MODE_SYMBOL;
  else if (g_str_equal (text, "address"))
    *mode = MS_LABEL_MODE_ADDRESS;
  else if (g_str_equal (text, "module"))
    *mode = MS_LABEL_MODE_MODULE;
  else
    return FALSE;

  return TRUE;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_node (GString     *out,
             MsFlameTree *tree,
             guint        index)
{
  const MsFlameNode *node = ms_flame_tree_get_node (tree, index);

  g_string_append (out, "{\"name\":");
  append_json_string (out, ms_flame_tree_get_node_label (tree, index));
  g_string_append_printf (out, ",\"selfBytes\":%" G_GUINT64_FORMAT ",\"totalBytes\":%" G_GUINT64_FORMAT
                          ",\"selfSize\":%" G_GUINT64_FORMAT ",\"totalSize\":%" G_GUINT64_FORMAT
                          ",\"selfSamples\":%" G_GUINT64_FORMAT ",\"totalSamples\":%" G_GUINT64_FORMAT
                          ",\"children\":[",
                          node->self_bytes, node->total_bytes, node->self_size, node->total_size,
                          node->self_samples, node->total_samples);
}

/* The flame tree, nested, with every figure the tree keeps per node. Written
 * from the flat pre-order array with a stack of open nodes, never recursively:
 * a stack may be hundreds of thousands of frames deep. */
static gboolean
write_json (MsFlameTree    *tree,
            MsProfile      *profile,
            GOutputStream  *stream,
            GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_nodes = ms_flame_tree_get_n_nodes (tree);

  g_string_append_printf (out, "{\"samples\":%u,\"totalBytes\":%" G_GUINT64_FORMAT
                          ",\"totalSize\":%" G_GUINT64_FORMAT ",\"tree\":",
                          ms_profile_get_n_samples (profile), ms_profile_get_total_bytes (profile),
                          ms_profile_get_total_size (profile));
  if (n_nodes == 0)
    g_string_append (out, "null");

  for (guint i = 0; i < n_nodes; i++)
    {
      guint parent = ms_flame_tree_get_node (tree, i)->parent;

      while (open->len > 0 && g_array_index (open, guint, open->len - 1) != parent)
        {
          g_string_append (out, "]}");
          g_array_set_size (open, open->len - 1);
        }
      if (open->len > 0 && i != parent + 1)
        g_string_append_c (out, ',');
      append_node (out, tree, i);
      g_array_append_val (open, i);

      if (out->len > 64 * 1024)
        {
          if (!g_output_stream_write_all (stream, out->str, out->len, NULL, NULL, error))
            return FALSE;
          g_string_truncate (out, 0);
        }
    }
  for (guint k = 0; k < open->len; k++)
    g_string_append (out, "]}");
  g_string_append (out, "}\n");

  return g_output_stream_write_all (stream, out->str, out->len, NULL, NULL, error);
}

static gboolean
write_export (Export         *self,
              MsProfile      *profile,
              GOutputStream  *stream,
              GError        **error)
{
  g_autoptr(MsFlameTree) tree = NULL;
  MsFlameTreeOptions options;

  if (self->format == FORMAT_HISTOGRAM)
    {
      g_autoptr(MsSizeHistogram) histogram =
        ms_size_histogram_new_for_profile (profile, self->bytes_per_block);
      g_autofree char *table = ms_export_histogram_table (histogram);

      return g_output_stream_write_all (stream, table, strlen (table), NULL, NULL, error);
    }

  ms_flame_tree_options_init (&options);
  options.label_mode = self->label_mode;
  tree = ms_flame_tree_new (profile, &options);

  switch (self->format)
    {
    case FORMAT_FOLDED:
      return ms_export_folded (tree, MS_FLAME_VALUE_TOTAL_BYTES, stream, NULL, error);

    case FORMAT_SVG:
      {
        g_autofree char *name = g_path_get_basename (self->path);
        g_autofree char *title = NULL;

        if (self->input->session != NULL)
          /* Translators: the flame graph's title: the session file's name, "profile 2 of 5". */
          title = g_strdup_printf (_("%s, profile %u of %u"), name, self->input->profile_number,
                                   ms_session_file_get_n_profiles (self->input->session));
        else
          title = g_steal_pointer (&name);

        return ms_export_flame_svg (tree, title, SVG_WIDTH, stream, NULL, error);
      }

    case FORMAT_JSON:
      return write_json (tree, profile, stream, error);

    case FORMAT_CSV:
    case FORMAT_HISTOGRAM:
    default:
      g_assert_not_reached ();
    }
}

static void
write_and_exit (Export *self)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  stream = ms_cli_output_open (self->output, &error);
  if (stream == NULL)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "-o %s", self->output);
      return;
    }

  if (self->format == FORMAT_CSV)
    {
      g_autoptr(MsCounterSeries) series = NULL;
      MsSessionFile *session = self->input->session;

      series = ms_session_file_build_counter_series (session,
                                                     MAX (MS_COUNTER_SERIES_DEFAULT_CAPACITY,
                                                          ms_session_file_get_n_counters (session)),
                                                     &error);
      if (series == NULL)
        {
          ms_cli_context_fail_prefixed (self->ctx, error, "%s", self->path);
          return;
        }
      ok = ms_export_counters_csv (series, stream, NULL, &error);
    }
  else
    ok = write_export (self, self->input->profile, stream, &error);

  if (!ok || !ms_cli_output_close (stream, self->output, &error))
    {
      ms_cli_output_fail (self->ctx, error, self->output);
      return;
    }

  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_symbolized (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Export *self = user_data;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;

  if (!ms_cli_context_release (self->ctx))
    {
      results = ms_profile_symbolize_finish (MS_PROFILE (object), result, NULL);
      return;
    }

  results = ms_cli_symbolize_finish (self->ctx, MS_PROFILE (object), result, &error);
  if (results == NULL)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, _("symbolizing %s"), self->path);
      return;
    }

  write_and_exit (self);
}

static void
on_input_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Export *self = user_data;
  g_autoptr(MsCliInput) input = NULL;
  g_autoptr(GError) error = NULL;

  input = ms_cli_input_load_finish (result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (input == NULL)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "%s", self->path);
      return;
    }

  if (self->format == FORMAT_CSV && input->session == NULL)
    {
      ms_cli_context_failf (self->ctx, _("%s: a raw profile holds no counters; CSV exports the "
                                         "counters of a session file"), self->path);
      return;
    }

  if (self->profile_number > 0 && input->session == NULL)
    {
      ms_cli_context_failf (self->ctx, _("%s: --profile picks a profile of a session file; this "
                                         "is a raw profile"), self->path);
      return;
    }

  self->input = g_steal_pointer (&input);

  if (self->symbolize)
    {
      ms_cli_context_hold (self->ctx);
      ms_cli_symbolize_async (self->ctx, self->input->profile, self->symbol_path, on_symbolized,
                              self);
      return;
    }

  write_and_exit (self);
}

gboolean
ms_cli_parse_format (const char         *text,
                     const char * const *names,
                     guint              *format)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (text, names[i]))
        {
          *format = i;
          return TRUE;
        }
    }

  return FALSE;
}

int
ms_cli_export (MsCliContext *ctx,
               GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autofree char *format = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *output = NULL;
  g_autofree char *symbol_path = NULL;
  int bytes_per_block = MS_SIZE_HISTOGRAM_DEFAULT_BYTES_PER_BLOCK;
  Export self = { ctx };
  guint format_index;
  /* Translators: %s is a path, /usr/lib/chromium/chromium. */
  g_autofree char *symbol_path_help =
    g_strdup_printf (_("The browser's main executable, or the folder holding it, for --symbolize "
                       "(default %s when it exists)"), MS_CLI_DEFAULT_SYMBOL_PATH);
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      _("folded (flamegraph.pl, inferno, speedscope), svg (flame graph), csv (a session's "
        "counters), histogram (16 tab-separated lines: index, upper bound in bytes or inf for "
        "the last class, which holds every larger size, sampled count, estimated allocations, "
        "estimated bytes) or json (the flame tree) (required)"),
      "FORMAT" },
    { "frames", 0, 0, G_OPTION_ARG_STRING, &frames,
      _("Frame labels: symbol (default), address (exactly as the protocol gives it) or module"),
      "symbol|address|module" },
    { "bytes-per-block", 0, 0, G_OPTION_ARG_INT, &bytes_per_block,
      _("Size of the histogram's first bucket, in bytes (default 16)"), "B" },
    { "profile", 0, 0, G_OPTION_ARG_INT, &self.profile_number,
      _("Which profile of a session file to export: 1 is the first (default: the last)"), "N" },
    { "symbolize", 0, 0, G_OPTION_ARG_NONE, &self.symbolize,
      _("Name native frames from the modules' ELF files (by build-id); report on stderr which "
        "modules were symbolized and from where"), NULL },
    { "symbol-path", 0, 0, G_OPTION_ARG_FILENAME, &symbol_path,
      symbol_path_help, "PATH" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      _("Write to OUT instead of stdout (replaced atomically)"), "OUT" },
    { NULL }
  };
  int status;

  self.profile_number = G_MININT;
  if (!ms_cli_context_parse_options (ctx, "export", "FILE",
                                     _("Export a profile in another format, or a session's "
                                       "counters as CSV."),
                                     _("FILE is a Memscope session file (memscope-cli record), "
                                       "whose last profile is exported unless --profile picks "
                                       "one, or a raw profile: a Memory.getSamplingProfile (or "
                                       "getAllTimeSamplingProfile, getBrowserSamplingProfile) "
                                       "reply or result, possibly gzip-compressed."),
                                     entries, MS_CLI_OPTIONS_NONE, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] == NULL)
    return ms_cli_context_usage_error (ctx, _("missing FILE: the profile to export"));
  if (owned_args[2] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[2]);
  if (format == NULL)
    return ms_cli_context_usage_error (ctx, _("missing --format: folded, svg, csv, histogram or "
                                            "json"));
  if (!ms_cli_parse_format (format, format_names, &format_index))
    return ms_cli_context_usage_error (ctx, _("--format: “%s” is not one of folded, svg, csv, "
                                            "histogram, json"), format);
  if (!ms_cli_parse_label_mode (frames, &self.label_mode))
    return ms_cli_context_usage_error (ctx, _("--frames: “%s” is not one of symbol, address, "
                                            "module"), frames);
  if (bytes_per_block < 1)
    return ms_cli_context_usage_error (ctx, _("--bytes-per-block: %d is not a positive number "
                                            "of bytes"), bytes_per_block);
  /* Not given: the last profile (0 for the loader); given, it counts from 1. */
  if (self.profile_number == G_MININT)
    self.profile_number = MS_CLI_INPUT_LAST_PROFILE;
  else if (self.profile_number < 1)
    return ms_cli_context_usage_error (ctx, _("--profile: %d is not a profile number (1 is the "
                                            "first)"), self.profile_number);
  if (symbol_path != NULL && !self.symbolize)
    return ms_cli_context_usage_error (ctx, _("--symbol-path is for --symbolize"));
  if (format_index == FORMAT_CSV && (self.profile_number > 0 || self.symbolize))
    return ms_cli_context_usage_error (ctx, _("--format csv exports a session's counters: "
                                            "--profile and --symbolize do not apply"));

  self.format = format_index;
  self.bytes_per_block = bytes_per_block;
  self.path = owned_args[1];
  self.output = output;
  self.symbol_path = symbol_path;

  ms_cli_context_hold (ctx);
  ms_cli_input_load_async (self.path,
                           format_index == FORMAT_CSV ? MS_CLI_INPUT_NO_PROFILE : self.profile_number,
                           ms_cli_context_get_cancellable (ctx), on_input_loaded, &self);
  status = ms_cli_context_run (ctx);

  g_clear_pointer (&self.input, ms_cli_input_free);

  return status;
}
