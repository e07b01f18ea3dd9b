/* ms-cli-diff.c: `memscope-cli diff A B`, what changed between two profiles
 *
 * A and B are session files (their last profile unless --profile-a or --profile-b
 * picks one) or raw profiles; A and B may be the same session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "ms-export.h"
#include "ms-profile-diff.h"

#include "ms-cli-commands.h"
#include "ms-cli-export-private.h"
#include "ms-cli-input.h"
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
  int           profile_numbers[2];
  MsCliInput   *inputs[2];
  guint         n_loaded;
  char         *output;
  Format        format;
  MsLabelMode   label_mode;
  gboolean      normalize;
} Diff;

/* For the title: the file's name, and the profile's number in a session. */
static char *
describe (MsCliInput *input)
{
  g_autofree char *name = g_path_get_basename (input->path);

  if (input->session == NULL)
    return g_steal_pointer (&name);

  return g_strdup_printf ("%s #%u", name, input->profile_number);
}

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
  diff = ms_profile_diff_new (self->inputs[0]->profile, self->inputs[1]->profile, &options,
                              MS_FLAME_VALUE_TOTAL_BYTES, self->normalize);

  stream = ms_cli_output_open (self->output, &error);
  if (stream == NULL)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "-o %s", self->output);
      return;
    }

  if (self->format == FORMAT_SVG)
    {
      g_autofree char *a = describe (self->inputs[0]);
      g_autofree char *b = describe (self->inputs[1]);
      g_autofree char *title = g_strdup_printf ("%s → %s", a, b);

      ok = ms_export_diff_svg (diff, title, SVG_WIDTH, stream, NULL, &error);
    }
  else
    ok = ms_export_diff_folded (diff, stream, NULL, &error);

  if (!ok || !ms_cli_output_close (stream, self->output, &error))
    {
      ms_cli_output_fail (self->ctx, error, self->output);
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
  g_autoptr(MsCliInput) input = NULL;
  g_autoptr(GError) error = NULL;

  input = ms_cli_input_load_finish (result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (input == NULL)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "%s", self->paths[load->which]);
      return;
    }

  if (self->profile_numbers[load->which] > 0 && input->session == NULL)
    {
      /* Translators: %c is a or b, of --profile-a or --profile-b. */
      ms_cli_context_failf (self->ctx, _("%s: --profile-%c picks a profile of a session file; "
                                         "this is a raw profile"),
                            self->paths[load->which], "ab"[load->which]);
      return;
    }

  self->inputs[load->which] = g_steal_pointer (&input);
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
      _("folded (difffolded: stack, A's value, B's value) or svg (differential flame graph) "
        "(required)"), "folded|svg" },
    { "frames", 0, 0, G_OPTION_ARG_STRING, &frames,
      _("Frame labels: symbol (default), address or module"), "symbol|address|module" },
    { "normalize", 0, 0, G_OPTION_ARG_NONE, &self.normalize,
      _("Scale A to B's total before comparing"), NULL },
    { "profile-a", 0, 0, G_OPTION_ARG_INT, &self.profile_numbers[0],
      _("When A is a session file, which profile: 1 is the first (default: the last)"), "N" },
    { "profile-b", 0, 0, G_OPTION_ARG_INT, &self.profile_numbers[1],
      _("When B is a session file, which profile: 1 is the first (default: the last)"), "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      _("Write to OUT instead of stdout (replaced atomically)"), "OUT" },
    { NULL }
  };

  self.profile_numbers[0] = self.profile_numbers[1] = G_MININT;
  if (!ms_cli_context_parse_options (ctx, "diff", "A B",
                                     _("Compare two profiles: what B allocates more (or less) "
                                       "than A, per stack."),
                                     _("A and B are session files (memscope-cli record) or raw "
                                       "profiles; of a session, the last profile unless "
                                       "--profile-a or --profile-b picks one. For what grew "
                                       "during a recording: diff S S --profile-a 1."),
                                     entries, MS_CLI_OPTIONS_NONE, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] == NULL || owned_args[2] == NULL)
    return ms_cli_context_usage_error (ctx, _("missing profiles: give A and B"));
  if (owned_args[3] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[3]);
  if (format == NULL)
    return ms_cli_context_usage_error (ctx, _("missing --format: folded or svg"));
  if (!ms_cli_parse_format (format, format_names, &format_index))
    return ms_cli_context_usage_error (ctx, _("--format: “%s” is not one of folded, svg"),
                                       format);
  if (!ms_cli_parse_label_mode (frames, &self.label_mode))
    return ms_cli_context_usage_error (ctx, _("--frames: “%s” is not one of symbol, address, "
                                            "module"), frames);
  for (guint i = 0; i < 2; i++)
    {
      /* Not given: the last profile (0 for the loader); given, it counts from 1. */
      if (self.profile_numbers[i] == G_MININT)
        self.profile_numbers[i] = MS_CLI_INPUT_LAST_PROFILE;
      else if (self.profile_numbers[i] < 1)
        /* Translators: %c is a or b, of --profile-a or --profile-b. */
        return ms_cli_context_usage_error (ctx, _("--profile-%c: %d is not a profile number (1 "
                                                "is the first)"),
                                           "ab"[i], self.profile_numbers[i]);
    }

  self.format = format_index;
  self.output = output;
  for (guint i = 0; i < 2; i++)
    {
      Load *load = g_new0 (Load, 1);

      load->diff = &self;
      load->which = i;
      self.paths[i] = owned_args[i + 1];
      ms_cli_context_hold (ctx);
      ms_cli_input_load_async (self.paths[i], self.profile_numbers[i],
                               ms_cli_context_get_cancellable (ctx), on_profile_loaded, load);
    }

  status = ms_cli_context_run (ctx);

  g_clear_pointer (&self.inputs[0], ms_cli_input_free);
  g_clear_pointer (&self.inputs[1], ms_cli_input_free);

  return status;
}
