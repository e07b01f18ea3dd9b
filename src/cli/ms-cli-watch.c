/* ms-cli-watch.c: `memscope-cli watch`, an allocation alarm on a live target
 *
 * A recording without a file (the same driver as `record`): samples while armed,
 * checks each new profile against the alarm (MsRecorder does), prints each alarm with
 * its size and top frames, and exits 3 if any fired.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "ms-cli-commands.h"
#include "ms-cli-recording.h"

#define N_TOP_FRAMES 8

typedef struct
{
  MsCliContext   *ctx;
  MsCliRecording *recording;
  gint64          min_bytes;
  int             min_blocks;
  int             bytes_per_block;
  int             ignore;
  int             duration;
  int             every;
  guint           n_alarms;
} Watch;

static void
print_alarm (MsRecorder            *recorder,
             const MsRecordedAlarm *alarm)
{
  GPtrArray *profiles = ms_recorder_get_profiles (recorder);
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (alarm->time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = g_date_time_add (seconds, alarm->time_us % G_USEC_PER_SEC);
  g_autofree char *timestamp = ms_cli_format_timestamp (time);
  MsRecordedProfile *recorded;
  const guint32 *frames;
  guint n_frames = 0;

  /* Translators: %s is a time, "2026-11-22T02:08:13.123Z"; then two numbers of bytes. */
  printf (_("alarm at %s: an allocation of %" PRIu64 " bytes (%" PRIu64 " bytes estimated)"),
          timestamp, (uint64_t) alarm->size, (uint64_t) alarm->total);
  printf ("\n");

  if (alarm->profile_index < profiles->len)
    {
      recorded = g_ptr_array_index (profiles, alarm->profile_index);
      frames = ms_profile_get_sample (recorded->profile, alarm->sample_index, NULL, NULL,
                                      &n_frames);
      for (guint i = 0; frames != NULL && i < n_frames && i < N_TOP_FRAMES; i++)
        {
          g_autofree char *label = ms_profile_dup_frame_label (recorded->profile, frames[i],
                                                               MS_LABEL_MODE_SYMBOL);

          printf ("    %s\n", label);
        }
      if (n_frames > N_TOP_FRAMES)
        {
          printf ("    ");
          printf (g_dngettext (GETTEXT_PACKAGE, "… %u more frame", "… %u more frames",
                               n_frames - N_TOP_FRAMES),
                  n_frames - N_TOP_FRAMES);
          printf ("\n");
        }
    }
  fflush (stdout);
}

static void
on_alarm (MsRecorder            *recorder,
          const MsRecordedAlarm *alarm,
          gpointer               user_data)
{
  Watch *self = user_data;

  self->n_alarms++;
  print_alarm (recorder, alarm);
}

static void
setup_recorder (MsRecorder *recorder,
                gpointer    user_data)
{
  Watch *self = user_data;
  MsAllocationAlarm *alarm = ms_recorder_get_alarm (recorder);

  ms_recorder_set_profile_interval (recorder, self->every);
  ms_recorder_set_counter_interval (recorder, 0);
  if (self->min_bytes > 0)
    ms_allocation_alarm_arm_bytes (alarm, self->min_bytes);
  else
    ms_allocation_alarm_arm_blocks (alarm, self->min_blocks, self->bytes_per_block);
  ms_allocation_alarm_ignore (alarm, self->ignore);
  g_signal_connect (recorder, "alarm", G_CALLBACK (on_alarm), self);
}

static void
on_watched (MsCliRecording *recording,
            const GError   *error,
            gpointer        user_data)
{
  Watch *self = user_data;

  if (error != NULL)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }
  ms_cli_context_exit (self->ctx, self->n_alarms > 0 ? MS_CLI_EXIT_ALARM : MS_CLI_EXIT_OK);
}

int
ms_cli_watch (MsCliContext *ctx,
              GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autofree char *min_bytes = NULL;
  Watch self = { ctx };
  const GOptionEntry entries[] = {
    { "alarm-min-bytes", 0, 0, G_OPTION_ARG_STRING, &min_bytes,
      _("Fire on each new sampled allocation of at least N bytes"), "N" },
    { "alarm-min-blocks", 0, 0, G_OPTION_ARG_INT, &self.min_blocks,
      _("Fire on each new sampled allocation of at least N blocks"), "N" },
    { "bytes-per-block", 0, 0, G_OPTION_ARG_INT, &self.bytes_per_block,
      _("Block size for --alarm-min-blocks (default 16)"), "B" },
    { "ignore", 0, 0, G_OPTION_ARG_INT, &self.ignore,
      _("Let the first K allocations over the threshold pass"), "K" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &self.duration,
      _("Stop after S seconds (default: at Ctrl-C)"), "S" },
    { "every", 0, 0, G_OPTION_ARG_INT, &self.every,
      _("Seconds between profiles (default 1)"), "S" },
    { NULL }
  };
  g_autoptr(MsLiveTarget) target = NULL;
  guint64 bytes = 0;
  int status;

  self.bytes_per_block = 16;
  self.every = 1;

  if (!ms_cli_context_parse_options (ctx, "watch",
                                     "(--alarm-min-bytes N | --alarm-min-blocks N)",
                                     _("Sample a target's native allocations and report each new "
                                       "one over a threshold."),
                                     _("Exit status: 0 no alarm fired, 3 an alarm fired, 2 an error."),
                                     entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);
  if ((min_bytes == NULL) == (self.min_blocks == 0))
    return ms_cli_context_usage_error (ctx, _("give one of --alarm-min-bytes N or "
                                              "--alarm-min-blocks N"));
  if (min_bytes != NULL &&
      !g_ascii_string_to_unsigned (min_bytes, 10, 1, G_MAXINT64, &bytes, NULL))
    return ms_cli_context_usage_error (ctx, _("--alarm-min-bytes: “%s” is not a positive "
                                              "number of bytes"), min_bytes);
  if (min_bytes == NULL && self.min_blocks < 1)
    return ms_cli_context_usage_error (ctx, _("--alarm-min-blocks: %d is not positive"),
                                       self.min_blocks);
  if (self.bytes_per_block < 1)
    return ms_cli_context_usage_error (ctx, _("--bytes-per-block: %d is not positive"),
                                       self.bytes_per_block);
  if (self.ignore < 0)
    return ms_cli_context_usage_error (ctx, _("--ignore: %d is negative"), self.ignore);
  if (self.duration < 0)
    return ms_cli_context_usage_error (ctx, _("--duration: %d is negative"), self.duration);
  if (self.every < 1)
    return ms_cli_context_usage_error (ctx, _("--every: %d is not a positive number of seconds"),
                                       self.every);
  self.min_bytes = bytes;

  target = ms_cli_context_new_live_target (ctx);
  if (target == NULL)
    return MS_CLI_EXIT_ERROR;

  self.recording = ms_cli_recording_new (ctx, target);
  ms_cli_recording_set_duration (self.recording, self.duration);
  ms_cli_recording_start (self.recording, setup_recorder, on_watched, &self);
  status = ms_cli_context_run (ctx);

  if (ms_cli_recording_get_recorder (self.recording) != NULL)
    g_signal_handlers_disconnect_by_data (ms_cli_recording_get_recorder (self.recording), &self);
  g_clear_pointer (&self.recording, ms_cli_recording_free);

  return status;
}
