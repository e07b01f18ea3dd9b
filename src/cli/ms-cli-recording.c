/* ms-cli-recording.c: one MsRecorder run from the command line, for `record`, `watch`
 * and `demo`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <glib/gi18n.h>

#include <stdio.h>
#include <unistd.h>

#include "ms-cdp-error.h"

#include "ms-cli-recording.h"

struct _MsCliRecording
{
  MsCliContext           *ctx;
  MsLiveTarget           *target;
  MsTargetConnection              *session;         /* once attached */
  MsRecorder             *recorder;        /* once attached */
  char                   *output;
  GFile                  *output_file;
  guint                   duration;

  MsCliRecordingSetupFunc setup_func;
  MsCliRecordingDoneFunc  done_func;
  gpointer                done_data;

  guint                   duration_id;
  guint                   progress_id;
  gint64                  started_us;
  /* Why the recording ends early: the browser went away. */
  GError                 *ended_error;

  guint                   show_progress : 1;
  guint                   progress_shown : 1;
  guint                   started : 1;
  guint                   stop_requested : 1;
  guint                   stopping : 1;
  guint                   saved : 1;
};

MsCliRecording *
ms_cli_recording_new (MsCliContext *ctx,
                      MsLiveTarget *target)
{
  MsCliRecording *self = g_new0 (MsCliRecording, 1);

  self->ctx = ctx;
  self->target = g_object_ref (target);

  return self;
}

void
ms_cli_recording_free (MsCliRecording *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->duration_id, g_source_remove);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->recorder);
  g_clear_object (&self->session);
  g_clear_object (&self->target);
  g_clear_object (&self->output_file);
  g_clear_error (&self->ended_error);
  g_free (self->output);
  g_free (self);
}

MsLiveTarget *
ms_cli_recording_get_live_target (MsCliRecording *self)
{
  return self->target;
}

MsRecorder *
ms_cli_recording_get_recorder (MsCliRecording *self)
{
  return self->recorder;
}

void
ms_cli_recording_set_duration (MsCliRecording *self,
                               guint           seconds)
{
  self->duration = seconds;
}

gboolean
ms_cli_recording_set_output (MsCliRecording  *self,
                             const char      *path,
                             GError         **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

  /* Checked now; once the recorder exists, every counters reading and profile is
   * appended to the recording as it arrives. */
  if (!ms_recorder_check_output (file, error))
    return FALSE;

  g_set_object (&self->output_file, file);
  g_free (self->output);
  self->output = g_strdup (path);
  self->show_progress = isatty (STDERR_FILENO);

  return TRUE;
}

const char *
ms_cli_recording_get_output (MsCliRecording *self)
{
  return self->output;
}

gboolean
ms_cli_recording_get_saved (MsCliRecording *self)
{
  return self->saved;
}

/* Progress */

static void
clear_progress (MsCliRecording *self)
{
  if (!self->progress_shown)
    return;

  fputs ("\r\033[K", stderr);
  fflush (stderr);
  self->progress_shown = FALSE;
}

static void
show_progress (MsCliRecording *self)
{
  GPtrArray *profiles = ms_recorder_get_profiles (self->recorder);
  GArray *counters = ms_recorder_get_counters (self->recorder);
  guint n_samples = 0;
  gint64 elapsed = (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC;
  g_autofree char *profiles_text = NULL;
  g_autofree char *samples_text = NULL;
  g_autofree char *counters_text = NULL;

  if (!self->show_progress || !self->started)
    return;

  if (profiles->len > 0)
    {
      MsRecordedProfile *last = g_ptr_array_index (profiles, profiles->len - 1);

      n_samples = ms_profile_get_n_samples (last->profile);
    }

  profiles_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u profile", "%u profiles",
                                                 profiles->len), profiles->len);
  samples_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sample", "%u samples",
                                                n_samples), n_samples);
  counters_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u counter reading",
                                                "%u counter readings", counters->len),
                                   counters->len);
  fputs ("\r\033[K", stderr);
  if (self->stopping)
    /* Translators: "recording 12 s: 3 profiles, 250 samples, 12 counter readings; stopping…" */
    fprintf (stderr, _("recording %d s: %s, %s, %s; stopping…"), (int) elapsed, profiles_text,
             samples_text, counters_text);
  else
    /* Translators: "recording 12 s: 3 profiles, 250 samples, 12 counter readings" */
    fprintf (stderr, _("recording %d s: %s, %s, %s"), (int) elapsed, profiles_text, samples_text,
             counters_text);
  fflush (stderr);
  self->progress_shown = TRUE;
}

static gboolean
on_progress_tick (gpointer user_data)
{
  show_progress (user_data);

  return G_SOURCE_CONTINUE;
}

static void
on_profile (MsRecorder *recorder,
            guint       index,
            gpointer    user_data)
{
  show_progress (user_data);
}

static void
on_warning (MsRecorder   *recorder,
            const GError *error,
            gpointer      user_data)
{
  MsCliRecording *self = user_data;

  clear_progress (self);
  ms_cli_context_warn (self->ctx, _("warning: %s"), error->message);
  show_progress (self);
}

static void
on_saved (MsRecorder *recorder,
          GFile      *file,
          gpointer    user_data)
{
  MsCliRecording *self = user_data;

  self->saved = TRUE;
}

/* Stopping */

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MsCliRecording *self = user_data;
  g_autoptr(GError) error = NULL;

  ms_recorder_stop_finish (MS_RECORDER (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  g_clear_handle_id (&self->progress_id, g_source_remove);
  clear_progress (self);

  /* When the browser went away, that is the story; failing to stop it follows. */
  if (self->ended_error != NULL)
    {
      g_clear_error (&error);
      error = g_error_copy (self->ended_error);
    }

  if (error != NULL && self->output != NULL)
    {
      if (self->saved)
        g_prefix_error (&error, _("%s holds what was recorded until then: "), self->output);
      else
        g_prefix_error (&error, _("nothing was saved to %s: "), self->output);
    }

  self->done_func (self, error, self->done_data);
}

static void
stop (MsCliRecording *self)
{
  if (self->stopping)
    return;

  self->stopping = TRUE;
  g_clear_handle_id (&self->duration_id, g_source_remove);
  show_progress (self);

  ms_cli_context_hold (self->ctx);
  /* Not the context's cancellable: sampling must stop even when the user interrupts. */
  ms_recorder_stop_async (self->recorder, NULL, on_stopped, self);
}

static gboolean
on_duration_over (gpointer user_data)
{
  MsCliRecording *self = user_data;

  self->duration_id = 0;
  stop (self);

  return G_SOURCE_REMOVE;
}

static void
on_session_state (MsTargetConnection  *session,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  MsCliRecording *self = user_data;
  const GError *why = ms_target_connection_get_error (session);

  switch (ms_target_connection_get_state (session))
    {
    case MS_TARGET_CONNECTION_STATE_RECONNECTING:
      clear_progress (self);
      /* Translators: %s is the reason, an error message or “closed”. */
      ms_cli_context_warn (self->ctx, _("warning: lost the connection (%s); trying to reconnect "
                                        "for up to %u s"),
                           why ? why->message : C_("connection lost", "closed"),
                           ms_cli_context_get_timeout (self->ctx));
      break;

    case MS_TARGET_CONNECTION_STATE_CRASHED:
      clear_progress (self);
      /* Translators: %s is the reason, an error message or “no reason given”. */
      ms_cli_context_warn (self->ctx, _("warning: the page crashed (%s); waiting for it to be "
                                        "reloaded"),
                           why ? why->message : _("no reason given"));
      break;

    case MS_TARGET_CONNECTION_STATE_FAILED:
      if (!self->started || self->stopping || self->ended_error != NULL)
        break;
      /* Translators: %s is the reason, an error message or “connection closed”. */
      self->ended_error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                       _("the target or its browser went away (%s)"),
                                       why ? why->message : _("connection closed"));
      stop (self);
      break;

    case MS_TARGET_CONNECTION_STATE_CONNECTED:
      if (ms_target_connection_get_n_reconnects (session) > 0)
        {
          clear_progress (self);
          ms_cli_context_warn (self->ctx, "%s", _("reconnected; sampling again"));
        }
      break;

    case MS_TARGET_CONNECTION_STATE_IDLE:
    case MS_TARGET_CONNECTION_STATE_CONNECTING:
    case MS_TARGET_CONNECTION_STATE_CLOSED:
    default:
      break;
    }
}

static void
on_interrupt (MsCliContext *ctx,
              gpointer      user_data)
{
  MsCliRecording *self = user_data;

  if (self->started)
    {
      stop (self);
      return;
    }

  /* Sampling may be starting in the browser: stop it as soon as it has. */
  if (self->recorder != NULL && ms_recorder_get_state (self->recorder) == MS_RECORDER_STATE_STARTING)
    {
      self->stop_requested = TRUE;
      return;
    }

  ms_cli_context_failf (ctx, "%s", _("interrupted before recording started"));
}

/* Starting */

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MsCliRecording *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ms_recorder_start_finish (MS_RECORDER (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (!ok)
    {
      ms_cli_context_fail_prefixed (self->ctx, error, "%s", _("starting to sample"));
      return;
    }

  self->started = TRUE;
  self->started_us = g_get_monotonic_time ();

  if (self->stop_requested)
    {
      stop (self);
      return;
    }

  if (self->duration > 0)
    self->duration_id = g_timeout_add_seconds (self->duration, on_duration_over, self);
  if (self->show_progress)
    {
      self->progress_id = g_timeout_add_seconds (1, on_progress_tick, self);
      show_progress (self);
    }
}

static void
on_target_connected (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  MsCliRecording *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_cli_context_connect_finish (self->ctx, MS_LIVE_TARGET (object), result))
    return;

  self->session = g_object_ref (ms_live_target_get_connection (self->target));
  self->recorder = g_object_ref (ms_live_target_new_recording (self->target));
  if (self->setup_func != NULL)
    self->setup_func (self->recorder, self->done_data);
  /* Profiles are saved as they arrive; with one profile at the end, the counters
   * in between are saved every few seconds. */
  if (self->output_file != NULL &&
      !ms_recorder_set_output (self->recorder, self->output_file, 5, &error))
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  g_signal_connect (self->recorder, "profile", G_CALLBACK (on_profile), self);
  g_signal_connect (self->recorder, "warning", G_CALLBACK (on_warning), self);
  g_signal_connect (self->recorder, "saved", G_CALLBACK (on_saved), self);
  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_state), self);
  ms_cli_context_hold (self->ctx);
  ms_recorder_start_async (self->recorder, ms_cli_context_get_cancellable (self->ctx),
                           on_started, self);
}

void
ms_cli_recording_start (MsCliRecording          *self,
                        MsCliRecordingSetupFunc  setup,
                        MsCliRecordingDoneFunc   done,
                        gpointer                 user_data)
{
  self->setup_func = setup;
  self->done_func = done;
  self->done_data = user_data;

  ms_cli_context_set_interrupt_func (self->ctx, on_interrupt, self);
  ms_cli_context_hold (self->ctx);
  ms_live_target_connect_async (self->target, ms_cli_context_get_target_selector (self->ctx),
                                ms_cli_context_get_cancellable (self->ctx),
                                on_target_connected, self);
}

/* Summary */

/* "key: value" lines that scripts read: not translated. */
void
ms_cli_recording_print_summary (MsCliRecording *self)
{
  GPtrArray *profiles = ms_recorder_get_profiles (self->recorder);
  GArray *counters = ms_recorder_get_counters (self->recorder);

  printf ("file: %s\n", self->output);
  printf ("profiles: %u\n", profiles->len);
  if (profiles->len > 0)
    {
      MsRecordedProfile *last = g_ptr_array_index (profiles, profiles->len - 1);

      printf ("samples in last profile: %u\n", ms_profile_get_n_samples (last->profile));
    }

  if (counters->len > 0)
    {
      const MsRecordedCounters *first = &g_array_index (counters, MsRecordedCounters, 0);
      const MsRecordedCounters *last = &g_array_index (counters, MsRecordedCounters,
                                                       counters->len - 1);

      printf ("counter readings: %u\n", counters->len);
      printf ("documents: %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "\n",
              first->documents, last->documents);
      printf ("nodes: %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "\n", first->nodes, last->nodes);
      printf ("jsEventListeners: %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "\n",
              first->js_event_listeners, last->js_event_listeners);
    }
  else
    printf ("counter readings: 0\n");

  fflush (stdout);
}
