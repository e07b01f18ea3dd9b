/* ms-cli-diff.c: `memscope-cli diff A B`, what changed between two profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include "ms-export.h"
#include "ms-profile-diff.h"

#include "ms-cli-commands.h"
#include "ms-cli-export-private.h"
#include "ms-cli-output.h"

#define SVG_WIDTH 1200

typedef enum
{
  FORMAT_FOLDED,
  FORMAT_SVG,
} Format;

static const char *const format_names[] = { "folded", "svg", NULL };

typedef struct
{
  MsCliContext *ctx;
  const char   *paths[2];
  MsProfile    *profiles[2];
  guint         n_loaded;
  char         *output;
  Format        format;
  MsLabelMode   label_mode;
  gboolean      normalize;
} Diff;

static void
write_diff (Diff *self)
{
  g_autoptr(MsProfileDiff) diff = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  MsFlameTreeOptions options;
  gboolean ok;

  ms_flame_tree_options_init (&options);
  options.label_mode = self->label_mode;
  diff = ms_profile_diff_new (self->profiles[0], self->profiles[1], &options,
                              MS_FLAME_VALUE_TOTAL_BYTES, self->normalize);

  stream = ms_cli_output_open (self->output, &error);
  if (stream == NULL)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "-o %s", self->output);
      return;
    }

  if (self->format == FORMAT_SVG)
    {
      g_autofree char *a = g_path_get_basename (self->paths[0]);
      g_autofree char *b = g_path_get_basename (self->paths[1]);
      g_autofree char *title = g_strdup_printf ("%s → %s", a, b);

      ok = ms_export_diff_svg (diff, title, SVG_WIDTH, stream, NULL, &error);
    }
  else
    ok = ms_export_diff_folded (diff, stream, NULL, &error);

  if (!ok || !ms_cli_output_close (stream, self->output, &error))
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "writing %s",
                                    self->output ? self->output : "to stdout");
      return;
    }

  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

typedef struct
{
  Diff  *diff;
  guint  which;
} Load;

static void
on_profile_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree Load *load = user_data;
  Diff *self = load->diff;
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = ms_profile_new_from_file_finish (result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (profile == NULL)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "%s", self->paths[load->which]);
      return;
    }

  self->profiles[load->which] = g_steal_pointer (&profile);
  if (++self->n_loaded == 2)
    write_diff (self);
}

int
ms_cli_diff (MsCliContext *ctx,
             GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autofree char *format = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *output = NULL;
  Diff self = { ctx };
  guint format_index;
  int status;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      "folded (difffolded: stack, A's value, B's value) or svg (differential flame graph) "
      "(required)", "folded|svg" },
    { "frames", 0, 0, G_OPTION_ARG_STRING, &frames,
      "Frame labels: symbol (default), address or module", "symbol|address|module" },
    { "normalize", 0, 0, G_OPTION_ARG_NONE, &self.normalize,
      "Scale A to B's total before comparing", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write to OUT instead of stdout (replaced atomically)", "OUT" },
    { NULL }
  };

  if (!ms_cli_context_parse_options (ctx, "diff", "A B",
                                     "Compare two profiles: what B allocates more (or less) "
                                     "than A, per stack.",
                                     NULL, entries, MS_CLI_OPTIONS_NONE, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] == NULL || owned_args[2] == NULL)
    return ms_cli_context_usage_error (ctx, "missing profiles: give A and B");
  if (owned_args[3] != NULL)
    return ms_cli_context_usage_error (ctx, "unexpected argument “%s”", owned_args[3]);
  if (format == NULL)
    return ms_cli_context_usage_error (ctx, "missing --format: folded or svg");
  if (!ms_cli_parse_format (format, format_names, &format_index))
    return ms_cli_context_usage_error (ctx, "--format: “%s” is not one of folded, svg", format);
  if (!ms_cli_parse_label_mode (frames, &self.label_mode))
    return ms_cli_context_usage_error (ctx, "--frames: “%s” is not one of symbol, address, module",
                                       frames);

  self.format = format_index;
  self.output = output;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (owned_args[i + 1]);
      Load *load = g_new0 (Load, 1);

      load->diff = &self;
      load->which = i;
      self.paths[i] = owned_args[i + 1];
      ms_cli_context_hold (ctx);
      ms_profile_new_from_file_async (file, ms_cli_context_get_cancellable (ctx),
                                      on_profile_loaded, load);
    }

  status = ms_cli_context_run (ctx);

  g_clear_object (&self.profiles[0]);
  g_clear_object (&self.profiles[1]);

  return status;
}
