/* ms-cli-record.c: `memscope-cli record`, a target's memory over time into a session file
 *
 * Starts sampling, takes profiles (every S seconds, or once at the end) with DOM
 * counters every second alongside, and stops at --duration or Ctrl-C. The file is
 * a recording (format 2, MsRecordingFile): MsRecorder appends every reading and
 * profile as it comes, compressed, off the main thread, so a browser that goes away
 * (or a crash of memscope-cli) leaves what was recorded until then.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <glib/gi18n.h>

#include <stdio.h>

#include "ms-profile-symbols.h"

#include "ms-cli-commands.h"
#include "ms-cli-export-private.h"
#include "ms-cli-recording.h"
#include "ms-cli-symbols.h"

typedef struct
{
  MsCliContext   *ctx;
  MsCliRecording *recording;
  gboolean        symbolize;
  char           *symbol_path;
  GError         *error;
  /* The recorder's settings */
  int             sampling_interval;
  gboolean        suppress_randomness;
  guint           source;
  int             every;
} Record;

static const char *const source_names[] = { "since-start", "all-time", "browser", NULL };

static void
finish (Record *self)
{
  if (self->error != NULL)
    {
      ms_cli_context_fail (self->ctx, self->error);
      return;
    }

  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_symbolized (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Record *self = user_data;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;

  if (!ms_cli_context_release (self->ctx))
    {
      results = ms_profile_symbolize_finish (MS_PROFILE (object), result, NULL);
      return;
    }

  results = ms_cli_symbolize_finish (self->ctx, MS_PROFILE (object), result, &error);
  if (results == NULL && self->error == NULL)
    self->error = g_error_copy (error);

  finish (self);
}

static void
on_recorded (MsCliRecording *recording,
             const GError   *error,
             gpointer        user_data)
{
  Record *self = user_data;
  GPtrArray *profiles = ms_recorder_get_profiles (ms_cli_recording_get_recorder (recording));

  if (ms_cli_recording_get_saved (recording))
    ms_cli_recording_print_summary (recording);

  if (error != NULL)
    self->error = g_error_copy (error);

  /* Symbols are a label, not part of the session: only the report is shown. */
  if (self->symbolize && profiles->len > 0)
    {
      MsRecordedProfile *last = g_ptr_array_index (profiles, profiles->len - 1);

      ms_cli_context_hold (self->ctx);
      ms_cli_symbolize_async (self->ctx, last->profile, self->symbol_path, on_symbolized, self);
      return;
    }

  finish (self);
}

static void
setup_recorder (MsRecorder *recorder,
                gpointer    user_data)
{
  Record *self = user_data;

  ms_recorder_set_sampling_interval (recorder, self->sampling_interval);
  ms_recorder_set_suppress_randomness (recorder, self->suppress_randomness);
  ms_recorder_set_source (recorder, self->source);
  ms_recorder_set_profile_interval (recorder, self->every);
  ms_recorder_set_counter_interval (recorder, 1);
}

int
ms_cli_record (MsCliContext *ctx,
               GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autofree char *output = NULL;
  g_autofree char *source = NULL;
  g_autofree char *symbol_path = NULL;
  g_autoptr(MsLiveTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  Record self = { ctx };
  int duration = 0;
  /* Translators: %s is a path, /usr/lib/chromium/chromium. */
  g_autofree char *symbol_path_help =
    g_strdup_printf (_("The browser's main executable, or the folder holding it, for --symbolize "
                       "(default %s when it exists)"), MS_CLI_DEFAULT_SYMBOL_PATH);
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      _("The recording to write (required); an existing file is only replaced when it is a "
        "Memscope session or recording"), "FILE" },
    { "sampling-interval", 0, 0, G_OPTION_ARG_INT, &self.sampling_interval,
      _("Average bytes between samples (default: the browser's)"), "BYTES" },
    { "suppress-randomness", 0, 0, G_OPTION_ARG_NONE, &self.suppress_randomness,
      _("Sample at exact intervals instead of randomly (reproducible, but biased)"), NULL },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration,
      _("Stop after S seconds (default: at Ctrl-C)"), "S" },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source,
      _("Which profile: since-start (the renderer's, since sampling started; the default), "
        "all-time (the renderer's, since it started) or browser (the browser process's, since "
        "it started)"),
      "since-start|all-time|browser" },
    { "every", 0, 0, G_OPTION_ARG_INT, &self.every,
      _("Take a profile every S seconds (default: once, at the end)"), "S" },
    { "symbolize", 0, 0, G_OPTION_ARG_NONE, &self.symbolize,
      _("At the end, symbolize the last profile and report on stderr which modules were "
        "symbolized and from where (symbols are not stored in the session)"), NULL },
    { "symbol-path", 0, 0, G_OPTION_ARG_FILENAME, &symbol_path,
      symbol_path_help, "PATH" },
    { NULL }
  };
  int status;

  if (!ms_cli_context_parse_options (ctx, "record", "-o FILE",
                                     _("Record a target's native heap profiles and DOM counters "
                                       "into a session file."),
                                     _("DOM counters are read every second. Ctrl-C (or "
                                       "--duration) stops sampling, takes the last profile, writes "
                                       "the file and prints a summary on stdout; progress goes to "
                                       "stderr when it is a terminal. Every reading and profile "
                                       "is appended to the file as it comes (compressed against "
                                       "the profile before), so if the browser goes away it holds "
                                       "what was recorded until then (exit status 2)."),
                                     entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);
  if (output == NULL || *output == '\0')
    return ms_cli_context_usage_error (ctx, _("missing -o FILE: the session file to write"));
  if (self.sampling_interval < 0)
    return ms_cli_context_usage_error (ctx, _("--sampling-interval: %d is not a positive number "
                                              "of bytes"), self.sampling_interval);
  if (duration < 0)
    return ms_cli_context_usage_error (ctx, _("--duration: %d is negative"), duration);
  if (self.every < 0)
    return ms_cli_context_usage_error (ctx, _("--every: %d is negative"), self.every);
  if (source != NULL && !ms_cli_parse_format (source, source_names, &self.source))
    return ms_cli_context_usage_error (ctx, _("--source: “%s” is not one of since-start, "
                                              "all-time, browser"), source);
  if (symbol_path != NULL && !self.symbolize)
    return ms_cli_context_usage_error (ctx, _("--symbol-path is for --symbolize"));

  target = ms_cli_context_new_live_target (ctx);
  if (target == NULL)
    return MS_CLI_EXIT_ERROR;

  self.recording = ms_cli_recording_new (ctx, target);
  self.symbol_path = symbol_path;
  ms_cli_recording_set_duration (self.recording, duration);

  /* Before connecting: a file that is not ours is refused without touching the browser. */
  if (!ms_cli_recording_set_output (self.recording, output, &error))
    {
      ms_cli_context_fail (ctx, error);
      status = ms_cli_context_run (ctx);
    }
  else
    {
      ms_cli_recording_start (self.recording, setup_recorder, on_recorded, &self);
      status = ms_cli_context_run (ctx);
    }

  g_clear_pointer (&self.recording, ms_cli_recording_free);
  g_clear_error (&self.error);

  return status;
}
