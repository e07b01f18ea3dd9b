/* ms-cli-watch.c: `memscope-cli watch`, an allocation alarm on a live target
 *
 * Samples while armed, checks each new profile against the alarm (MsRecorder does),
 * prints each alarm with its size and top frames, and exits 3 if any fired.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>

#include "ms-recorder.h"
#include "ms-session.h"

#include "ms-cli-commands.h"

#define N_TOP_FRAMES 8

typedef struct
{
  MsCliContext *ctx;
  MsSession    *session;
  MsRecorder   *recorder;
  gint64        min_bytes;
  int           min_blocks;
  int           bytes_per_block;
  int           ignore;
  int           duration;
  int           every;
  guint         duration_id;
  guint         n_alarms;
  gboolean      started;
  gboolean      stopping;
} Watch;

static void
print_alarm (Watch                 *self,
             const MsRecordedAlarm *alarm)
{
  GPtrArray *profiles = ms_recorder_get_profiles (self->recorder);
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (alarm->time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = g_date_time_add (seconds, alarm->time_us % G_USEC_PER_SEC);
  g_autofree char *timestamp = ms_cli_format_timestamp (time);
  MsRecordedProfile *recorded;
  const guint32 *frames;
  guint n_frames = 0;

  printf ("alarm at %s: an allocation of %" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT
          " bytes estimated)\n", timestamp, alarm->size, alarm->total);

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
        printf ("    … %u more frames\n", n_frames - N_TOP_FRAMES);
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
  print_alarm (self, alarm);
}

static void
on_warning (MsRecorder   *recorder,
            const GError *error,
            gpointer      user_data)
{
  Watch *self = user_data;

  ms_cli_context_warn (self->ctx, "warning: %s", error->message);
}

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Watch *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ms_recorder_stop_finish (MS_RECORDER (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "stopping");
      return;
    }

  ms_cli_context_exit (self->ctx, self->n_alarms > 0 ? MS_CLI_EXIT_ALARM : MS_CLI_EXIT_OK);
}

static void
stop (Watch *self)
{
  if (self->stopping)
    return;

  self->stopping = TRUE;
  g_clear_handle_id (&self->duration_id, g_source_remove);
  ms_cli_context_hold (self->ctx);
  /* Not the context's cancellable: sampling must stop even when the user interrupts. */
  ms_recorder_stop_async (self->recorder, NULL, on_stopped, self);
}

static gboolean
on_duration_over (gpointer user_data)
{
  Watch *self = user_data;

  self->duration_id = 0;
  stop (self);

  return G_SOURCE_REMOVE;
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Watch *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ms_recorder_start_finish (MS_RECORDER (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "starting to sample");
      return;
    }

  self->started = TRUE;
  if (self->duration > 0)
    self->duration_id = g_timeout_add_seconds (self->duration, on_duration_over, self);
}

static void
on_session_connected (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Watch *self = user_data;
  g_autoptr(GError) error = NULL;
  MsAllocationAlarm *alarm;
  gboolean ok;

  ok = ms_session_connect_finish (MS_SESSION (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  self->recorder = ms_recorder_new (self->session);
  ms_recorder_set_profile_interval (self->recorder, self->every);
  ms_recorder_set_counter_interval (self->recorder, 0);
  alarm = ms_recorder_get_alarm (self->recorder);
  if (self->min_bytes > 0)
    ms_allocation_alarm_arm_bytes (alarm, self->min_bytes);
  else
    ms_allocation_alarm_arm_blocks (alarm, self->min_blocks, self->bytes_per_block);
  ms_allocation_alarm_ignore (alarm, self->ignore);
  g_signal_connect (self->recorder, "alarm", G_CALLBACK (on_alarm), self);
  g_signal_connect (self->recorder, "warning", G_CALLBACK (on_warning), self);

  ms_cli_context_hold (self->ctx);
  ms_recorder_start_async (self->recorder, ms_cli_context_get_cancellable (self->ctx),
                           on_started, self);
}

static void
on_interrupt (MsCliContext *ctx,
              gpointer      user_data)
{
  Watch *self = user_data;

  if (!self->started)
    {
      ms_cli_context_failf (ctx, "interrupted before sampling started");
      return;
    }

  stop (self);
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
      "Fire on each new sampled allocation of at least N bytes", "N" },
    { "alarm-min-blocks", 0, 0, G_OPTION_ARG_INT, &self.min_blocks,
      "Fire on each new sampled allocation of at least N blocks", "N" },
    { "bytes-per-block", 0, 0, G_OPTION_ARG_INT, &self.bytes_per_block,
      "Block size for --alarm-min-blocks (default 16)", "B" },
    { "ignore", 0, 0, G_OPTION_ARG_INT, &self.ignore,
      "Let the first K allocations over the threshold pass", "K" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &self.duration,
      "Stop after S seconds (default: at Ctrl-C)", "S" },
    { "every", 0, 0, G_OPTION_ARG_INT, &self.every,
      "Seconds between profiles (default 1)", "S" },
    { NULL }
  };
  guint64 bytes = 0;
  int status;

  self.bytes_per_block = 16;
  self.every = 1;

  if (!ms_cli_context_parse_options (ctx, "watch",
                                     "(--alarm-min-bytes N | --alarm-min-blocks N)",
                                     "Sample a target's native allocations and report each new "
                                     "one over a threshold.",
                                     "Exit status: 0 no alarm fired, 3 an alarm fired, 2 an error.",
                                     entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, "unexpected argument “%s”", owned_args[1]);
  if ((min_bytes == NULL) == (self.min_blocks == 0))
    return ms_cli_context_usage_error (ctx, "give one of --alarm-min-bytes N or "
                                       "--alarm-min-blocks N");
  if (min_bytes != NULL &&
      !g_ascii_string_to_unsigned (min_bytes, 10, 1, G_MAXINT64, &bytes, NULL))
    return ms_cli_context_usage_error (ctx, "--alarm-min-bytes: “%s” is not a positive number of "
                                       "bytes", min_bytes);
  if (min_bytes == NULL && self.min_blocks < 1)
    return ms_cli_context_usage_error (ctx, "--alarm-min-blocks: %d is not positive",
                                       self.min_blocks);
  if (self.bytes_per_block < 1)
    return ms_cli_context_usage_error (ctx, "--bytes-per-block: %d is not positive",
                                       self.bytes_per_block);
  if (self.ignore < 0)
    return ms_cli_context_usage_error (ctx, "--ignore: %d is negative", self.ignore);
  if (self.duration < 0)
    return ms_cli_context_usage_error (ctx, "--duration: %d is negative", self.duration);
  if (self.every < 1)
    return ms_cli_context_usage_error (ctx, "--every: %d is not a positive number of seconds",
                                       self.every);
  self.min_bytes = bytes;

  self.session = ms_cli_context_new_session (ctx);
  if (self.session == NULL)
    return MS_CLI_EXIT_ERROR;

  ms_cli_context_set_interrupt_func (ctx, on_interrupt, &self);
  ms_cli_context_hold (ctx);
  ms_session_connect_async (self.session, ms_cli_context_get_cancellable (ctx),
                            on_session_connected, &self);
  status = ms_cli_context_run (ctx);

  g_clear_handle_id (&self.duration_id, g_source_remove);
  if (self.recorder != NULL)
    g_signal_handlers_disconnect_by_data (self.recorder, &self);
  g_clear_object (&self.recorder);
  if (self.session != NULL)
    ms_session_close (self.session);
  g_clear_object (&self.session);

  return status;
}
