/* ms-recorder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-session"

#include "config.h"

#include "ms-cdp-error.h"
#include "ms-recorder.h"
#include "ms-recording-appender.h"
#include "ms-recording-format-private.h"

/* Never poll profiles more often than this, whatever the setting. */
#define MIN_PROFILE_DELAY_MS 250

/* The adaptive refresh plans for this share of the maximum browser cost: the rest
 * is a margin for calls that take longer than the last one did. */
#define COST_PLANNING_SHARE 0.75

/* Until a whole cycle is measured, the cost is over the time since recording began,
 * counted as at least this (before it, the polling cost nothing): a first call is
 * not 100% of the first millisecond. */
#define COST_MIN_WINDOW_US (60 * G_USEC_PER_SEC)

/* No wait between profiles longer than this (an hour), whatever a profile cost. */
#define MAX_PROFILE_DELAY_MS (3600 * 1000)

/* The stop task's data: the first failure along the way. */
typedef struct
{
  GError *first_error;
} StopData;

struct _MsRecorder
{
  GObject             parent_instance;

  MsTargetConnection          *session;
  MsAllocationAlarm  *alarm;
  GCancellable       *cancellable;     /* polling; cancelled on stop and dispose */

  MsRecorderState     state;
  guint               sampling_interval;
  gboolean            suppress_randomness;
  MsCdpProfileSource  source;
  guint               profile_interval_ms;
  guint               counter_interval;
  guint               autosave_interval;

  /* Without an output file, everything recorded is kept in @file (in memory);
   * with one, each record is appended to it by @appender, off the main thread,
   * and @file is only a view of the file read back on demand. */
  MsSessionFile      *file;
  MsCounterSeries    *series;
  GFile              *output;
  MsRecordingAppender *appender;
  guint64             appended_since_read; /* records appended since @file was read */
  GTask              *stop_task;       /* waits for the file to be closed */
  gboolean            closing;

  GPtrArray          *profiles;        /* MsRecordedProfile */
  GArray             *counters;        /* MsRecordedCounters */
  GArray             *alarms;          /* MsRecordedAlarm */
  GArray             *markers;         /* MsRecordedMarker */
  gint64              start_time;

  guint               profile_source;
  guint               counter_source;
  guint               effective_delay_ms;
  gboolean            profile_in_flight;
  gboolean            counters_in_flight;
  guint               current_profile_index;

  /* The browser's cost of our polling (see adaptive_delay_ms()): the time during
   * which at least one of our calls waits for the browser, over the wall time of a
   * cycle (from one profile request to the next). */
  double              max_browser_cost;
  double              browser_cost;
  guint               n_outstanding;    /* calls the browser has not answered yet */
  gint64              busy_since_us;    /* when n_outstanding last left 0 */
  gint64              cycle_start_us;
  gint64              cycle_busy_us;    /* busy time of the cycle, up to busy_since_us */
  gboolean            cycle_complete;   /* one whole cycle was measured */
  guint               n_profile_requests;
  double              counters_share;   /* a counters reading's time over its interval */
  gint64              counters_requested_us;
  guint               counters_profile_mark; /* n_profile_requests then, or G_MAXUINT */
  gulong              alarm_handler;
  gulong              reconnected_handler;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_BROWSER_COST,
  N_PROPS
};

enum {
  COUNTERS,
  PROFILE,
  ALARM,
  WARNING,
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MsRecorder, ms_recorder, G_TYPE_OBJECT)

static void
recorded_profile_free (MsRecordedProfile *p)
{
  g_clear_pointer (&p->raw, g_bytes_unref);
  g_clear_object (&p->profile);
  g_free (p);
}

static void
recorded_marker_clear (gpointer data)
{
  MsRecordedMarker *marker = data;

  g_clear_pointer (&marker->kind, g_free);
  g_clear_pointer (&marker->detail, g_free);
}

static void
set_state (MsRecorder      *self,
           MsRecorderState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
stop_timers (MsRecorder *self)
{
  g_clear_handle_id (&self->profile_source, g_source_remove);
  g_clear_handle_id (&self->counter_source, g_source_remove);
}

static void
ms_recorder_dispose (GObject *object)
{
  MsRecorder *self = (MsRecorder *)object;

  g_cancellable_cancel (self->cancellable);
  stop_timers (self);
  if (self->alarm != NULL)
    g_clear_signal_handler (&self->alarm_handler, self->alarm);
  if (self->session != NULL)
    g_clear_signal_handler (&self->reconnected_handler, self->session);

  G_OBJECT_CLASS (ms_recorder_parent_class)->dispose (object);
}

static void
ms_recorder_finalize (GObject *object)
{
  MsRecorder *self = (MsRecorder *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->alarm);
  g_clear_object (&self->file);
  g_clear_object (&self->series);
  g_clear_object (&self->output);
  g_clear_object (&self->appender);
  g_clear_object (&self->stop_task);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->counters, g_array_unref);
  g_clear_pointer (&self->alarms, g_array_unref);
  g_clear_pointer (&self->markers, g_array_unref);

  G_OBJECT_CLASS (ms_recorder_parent_class)->finalize (object);
}

static void
ms_recorder_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MsRecorder *self = MS_RECORDER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_BROWSER_COST:
      g_value_set_double (value, self->browser_cost);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_recorder_class_init (MsRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_recorder_dispose;
  object_class->finalize = ms_recorder_finalize;
  object_class->get_property = ms_recorder_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       MS_TYPE_RECORDER_STATE, MS_RECORDER_STATE_IDLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * MsRecorder:browser-cost:
   *
   * The share of the browser's time our calls take (0…1), as measured: the time
   * during which at least one of our calls waits for its reply (an upper bound of
   * the renderer's time), over the wall time of the last cycle from one profile
   * request to the next; until a cycle is complete, over the time since recording
   * started, counted as at least a minute.
   */
  properties[PROP_BROWSER_COST] =
    g_param_spec_double ("browser-cost", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[COUNTERS] = g_signal_new ("counters", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[PROFILE] = g_signal_new ("profile", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[ALARM] = g_signal_new ("alarm", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[WARNING] = g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);
}

static void
ms_recorder_init (MsRecorder *self)
{
  self->cancellable = g_cancellable_new ();
  self->alarm = ms_allocation_alarm_new ();
  self->source = MS_CDP_PROFILE_SINCE_START;
  self->counter_interval = 1;
  self->max_browser_cost = MS_RECORDER_DEFAULT_MAX_BROWSER_COST;
  self->file = ms_session_file_new ();
  self->series = ms_counter_series_new (6 * 3600);
  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) recorded_profile_free);
  self->counters = g_array_new (FALSE, TRUE, sizeof (MsRecordedCounters));
  self->alarms = g_array_new (FALSE, TRUE, sizeof (MsRecordedAlarm));
  self->markers = g_array_new (FALSE, TRUE, sizeof (MsRecordedMarker));
  g_array_set_clear_func (self->markers, recorded_marker_clear);
}

static void
on_alarm_fired (MsAllocationAlarm *alarm,
                MsProfile         *profile,
                guint              sample_index,
                MsRecorder        *self)
{
  MsRecordedAlarm event = { 0 };

  event.time_us = g_get_real_time ();
  event.profile_index = self->current_profile_index;
  event.sample_index = sample_index;
  {
    guint n_frames = 0;
    const guint32 *frames = ms_profile_get_sample (profile, sample_index, &event.size,
                                                   &event.total, &n_frames);
    g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

    /* Leaf first, as the browser sends stacks. */
    for (guint i = 0; i < n_frames; i++)
      g_ptr_array_add (labels, ms_profile_dup_frame_label (profile, frames[i], MS_LABEL_MODE_SYMBOL));
    g_ptr_array_add (labels, NULL);
    if (self->appender != NULL)
      ms_recording_appender_add_alarm (self->appender, event.time_us, event.size, event.total,
                                       (const char * const *) labels->pdata);
    else
      ms_session_file_add_alarm_event (self->file, event.time_us, event.size, event.total,
                                       (const char * const *) labels->pdata);
  }
  g_array_append_val (self->alarms, event);
  g_signal_emit (self, signals[ALARM], 0, &g_array_index (self->alarms, MsRecordedAlarm,
                                                          self->alarms->len - 1));
}

MsRecorder *
ms_recorder_new (MsTargetConnection *session)
{
  MsRecorder *self;

  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (session), NULL);

  self = g_object_new (MS_TYPE_RECORDER, NULL);
  self->session = g_object_ref (session);
  self->alarm_handler = g_signal_connect (self->alarm, "fired", G_CALLBACK (on_alarm_fired), self);
  return self;
}

MsTargetConnection *
ms_recorder_get_connection (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->session;
}

MsRecorderState
ms_recorder_get_state (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), MS_RECORDER_STATE_STOPPED);
  return self->state;
}

void
ms_recorder_set_sampling_interval (MsRecorder *self,
                                   guint       bytes)
{
  g_return_if_fail (MS_IS_RECORDER (self));
  self->sampling_interval = bytes;
}

guint
ms_recorder_get_sampling_interval (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), 0);
  return self->sampling_interval;
}

void
ms_recorder_set_suppress_randomness (MsRecorder *self,
                                     gboolean    suppress)
{
  g_return_if_fail (MS_IS_RECORDER (self));
  self->suppress_randomness = !!suppress;
}

gboolean
ms_recorder_get_suppress_randomness (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), FALSE);
  return self->suppress_randomness;
}

void
ms_recorder_set_source (MsRecorder         *self,
                        MsCdpProfileSource  source)
{
  g_return_if_fail (MS_IS_RECORDER (self));
  self->source = source;
}

MsCdpProfileSource
ms_recorder_get_source (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), MS_CDP_PROFILE_SINCE_START);
  return self->source;
}

void
ms_recorder_set_profile_interval (MsRecorder *self,
                                  guint       seconds)
{
  g_return_if_fail (MS_IS_RECORDER (self));
  self->profile_interval_ms = seconds * 1000;
}

/* Like ms_recorder_set_profile_interval(), finer: for tests and benchmarks. The
 * floor of a quarter second between profiles still applies. */
void
ms_recorder_set_profile_interval_ms (MsRecorder *self,
                                     guint       ms)
{
  g_return_if_fail (MS_IS_RECORDER (self));
  self->profile_interval_ms = ms;
}

void
ms_recorder_set_counter_interval (MsRecorder *self,
                                  guint       seconds)
{
  g_return_if_fail (MS_IS_RECORDER (self));
  self->counter_interval = seconds;
}

gboolean
ms_recorder_check_output (GFile   *file,
                          GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(MsSessionFile) existing = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!g_file_query_exists (file, NULL))
    return TRUE;
  existing = ms_session_file_new_from_file (file, NULL, &local);
  if (existing != NULL)
    return TRUE;

  name = g_file_get_parse_name (file);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               "“%s” exists and is not a readable Memscope session (%s); "
               "not overwriting it", name, local->message);
  return FALSE;
}

gboolean
ms_recorder_set_output (MsRecorder  *self,
                        GFile       *file,
                        guint        autosave_seconds,
                        GError     **error)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (!file || G_IS_FILE (file), FALSE);

  if (self->state != MS_RECORDER_STATE_IDLE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "The recording file cannot change once recording has started");
      return FALSE;
    }
  if (file != NULL && !g_file_is_native (file))
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Cannot record to “%s”: not a local file", uri);
      return FALSE;
    }
  if (file != NULL && !ms_recorder_check_output (file, error))
    return FALSE;

  g_set_object (&self->output, file);
  self->autosave_interval = autosave_seconds;
  return TRUE;
}

GFile *
ms_recorder_get_output (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->output;
}

MsSessionFile *
ms_recorder_get_session_file (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);

  /* Recording to a file: read back what is on disk (profiles stay there until asked for). */
  if (self->output != NULL && self->appended_since_read > 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsSessionFile) read = ms_session_file_new_from_file (self->output, NULL, &error);

      if (read == NULL)
        g_warning ("The recording could not be read back: %s", error->message);
      else
        {
          g_set_object (&self->file, read);
          self->appended_since_read = 0;
        }
    }
  return self->file;
}

MsCounterSeries *
ms_recorder_get_counter_series (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->series;
}

MsAllocationAlarm *
ms_recorder_get_alarm (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->alarm;
}

guint
ms_recorder_get_effective_profile_interval_ms (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), 0);
  return self->effective_delay_ms;
}

void
ms_recorder_set_max_browser_cost (MsRecorder *self,
                                  double      fraction)
{
  g_return_if_fail (MS_IS_RECORDER (self));
  g_return_if_fail (fraction > 0.0 && fraction <= 1.0);
  self->max_browser_cost = fraction;
}

double
ms_recorder_get_max_browser_cost (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), 0.0);
  return self->max_browser_cost;
}

double
ms_recorder_get_browser_cost (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), 0.0);
  return self->browser_cost;
}

/* The browser's cost */

static void
set_browser_cost (MsRecorder *self,
                  double      cost)
{
  cost = CLAMP (cost, 0.0, 1.0);
  if (self->browser_cost == cost)
    return;
  self->browser_cost = cost;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROWSER_COST]);
}

/* Busy time of the cycle up to @now_us, the call under way included. */
static gint64
cycle_busy_at (MsRecorder *self,
               gint64      now_us)
{
  return self->cycle_busy_us + (self->n_outstanding > 0 ? now_us - self->busy_since_us : 0);
}

static void
publish_cycle_cost (MsRecorder *self,
                    gint64      now_us)
{
  if (now_us > self->cycle_start_us)
    set_browser_cost (self, (double) cycle_busy_at (self, now_us) / (now_us - self->cycle_start_us));
}

/* Overlapping calls count once: the browser is busy with us while any waits. */
static void
browser_call_started (MsRecorder *self)
{
  if (self->n_outstanding++ == 0)
    self->busy_since_us = g_get_monotonic_time ();
}

static void
browser_call_done (MsRecorder *self)
{
  gint64 now_us = g_get_monotonic_time ();

  g_return_if_fail (self->n_outstanding > 0);
  if (--self->n_outstanding == 0)
    self->cycle_busy_us += now_us - self->busy_since_us;
  /* The first cycle is still open: show what it has cost so far. */
  if (!self->cycle_complete && self->state == MS_RECORDER_STATE_RECORDING)
    set_browser_cost (self, (double) cycle_busy_at (self, now_us) /
                            MAX (now_us - self->cycle_start_us, COST_MIN_WINDOW_US));
}

/* A profile request: the cycle that the previous one began is complete. */
static void
start_cost_cycle (MsRecorder *self)
{
  gint64 now_us = g_get_monotonic_time ();

  if (self->n_profile_requests++ > 0)
    {
      publish_cycle_cost (self, now_us);
      self->cycle_complete = TRUE;
    }
  self->cycle_start_us = now_us;
  self->cycle_busy_us = 0;
  if (self->n_outstanding > 0)
    self->busy_since_us = now_us;
}

/* The adaptive refresh. A profile keeps the renderer busy for as long as it takes
 * to build (a 40 MB one, 10 s and more), so profiles are spaced by what the last
 * one cost: after a profile whose round trip took T (an upper bound of the
 * browser's time), the next waits D with T / (T + D) <= b, that is
 *
 *   D >= T (1 - b) / b,
 *
 * where b is the share left to profiles: COST_PLANNING_SHARE (75%) of the maximum
 * cost (2% by default), less what the DOM counters take (a reading's round trip
 * over their interval, measured while no profile was in flight), but never less
 * than half of it. A cycle then costs the browser T plus the counters' time over
 * T + D: 1.5% at the default when calls take what the last ones took, the rest of
 * the 2% being a margin for those that take longer. With counters of 1 ms a second,
 * D is about 70 T: 0.8 s after a profile of 11 ms, 12.6 minutes after one of
 * 10.7 s. The delay is at least the profile interval and MIN_PROFILE_DELAY_MS, and
 * at most MAX_PROFILE_DELAY_MS (an hour: only a profile that takes the browser more
 * than 50 s could then cost more than the maximum). */
guint
ms_recorder_compute_profile_delay_ms (double max_browser_cost,
                                      double counters_share,
                                      guint  profile_interval_ms,
                                      gint64 fetch_us)
{
  double target = COST_PLANNING_SHARE * max_browser_cost;
  double b = MAX (target - counters_share, target / 2);
  double delay_ms = MAX (fetch_us, 0) / 1000.0 * (1.0 - b) / b;
  guint floor_ms = MAX (profile_interval_ms, MIN_PROFILE_DELAY_MS);

  g_return_val_if_fail (max_browser_cost > 0.0 && max_browser_cost <= 1.0, floor_ms);

  return (guint) CLAMP (delay_ms, floor_ms, MAX (floor_ms, MAX_PROFILE_DELAY_MS));
}

static guint
adaptive_delay_ms (MsRecorder *self,
                   gint64      fetch_us)
{
  return ms_recorder_compute_profile_delay_ms (self->max_browser_cost, self->counters_share,
                                               self->profile_interval_ms, fetch_us);
}

GPtrArray *
ms_recorder_get_profiles (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->profiles;
}

GArray *
ms_recorder_get_counters (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->counters;
}

GArray *
ms_recorder_get_alarms (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->alarms;
}

/* Markers */

static void
store_markers (MsRecorder *self,
               JsonObject *sampling)
{
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; i < self->markers->len; i++)
    {
      const MsRecordedMarker *marker = &g_array_index (self->markers, MsRecordedMarker, i);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "time", marker->time_us);
      json_object_set_string_member (object, "kind", marker->kind);
      if (marker->detail != NULL)
        json_object_set_string_member (object, "detail", marker->detail);
      json_array_add_object_element (array, object);
    }
  json_object_set_array_member (sampling, "markers", g_steal_pointer (&array));
}

void
ms_recorder_add_marker (MsRecorder *self,
                        const char *kind,
                        const char *detail)
{
  MsRecordedMarker marker;
  JsonObject *sampling;

  g_return_if_fail (MS_IS_RECORDER (self));
  g_return_if_fail (kind != NULL);

  marker.time_us = g_get_real_time ();
  marker.kind = g_strdup (kind);
  marker.detail = g_strdup (detail);
  g_array_append_val (self->markers, marker);

  /* Recording to a file: one action record, appended like the rest. */
  if (self->appender != NULL)
    {
      ms_recording_appender_add_action (self->appender, marker.time_us, kind, detail);
      return;
    }

  sampling = ms_session_file_get_sampling (self->file);
  if (sampling != NULL)
    store_markers (self, sampling);
  else
    {
      g_autoptr(JsonObject) created = json_object_new ();

      store_markers (self, created);
      ms_session_file_set_sampling (self->file, created);
    }
}

GArray *
ms_recorder_get_markers (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), NULL);
  return self->markers;
}

gint64
ms_recorder_get_start_time (MsRecorder *self)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), 0);
  return self->start_time;
}

static void
warn (MsRecorder   *self,
      const GError *error)
{
  g_debug ("%s", error->message);
  g_signal_emit (self, signals[WARNING], 0, error);
}

/* Appending: with an output file, each record goes to the appender as it comes;
 * the appender compresses and writes it on its own thread. */

static void finish_stop_if_waiting (MsRecorder *self);

static void
keep_first_error (MsRecorder   *self,
                  const GError *error)
{
  StopData *data;

  if (self->stop_task == NULL)
    return;
  data = g_task_get_task_data (self->stop_task);
  if (data->first_error == NULL)
    data->first_error = g_error_copy (error);
}

static void
on_append_failed (MsRecordingAppender *appender,
                  const GError        *error,
                  MsRecorder          *self)
{
  g_autoptr(GError) copy = g_error_copy (error);

  g_prefix_error (&copy, "The recording could not be saved: ");
  warn (self, copy);
  keep_first_error (self, copy);
}

static void
on_appended (MsRecordingAppender *appender,
             guint                type,
             MsRecorder          *self)
{
  self->appended_since_read++;
  if (type == MS_RECORDING_RECORD_PROFILE)
    g_signal_emit (self, signals[SAVED], 0, self->output);
}

static void
open_appender (MsRecorder *self)
{
  g_autofree char *path = g_file_get_path (self->output);

  self->appender = ms_recording_appender_new (path);
  g_signal_connect_object (self->appender, "appended", G_CALLBACK (on_appended), self, 0);
  g_signal_connect_object (self->appender, "failed", G_CALLBACK (on_append_failed), self, 0);
}

/* Counters */

/* The raw reply is what the session file keeps; the typed reading feeds signals. */
static gboolean
decode_counters (GBytes            *raw,
                 MsCdpDomCounters  *c,
                 GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonNode *result;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), error))
    return FALSE;
  root = json_parser_get_root (parser);
  result = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "result") : NULL;
  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   "The reply to Memory.getDOMCounters has no “result” object");
      return FALSE;
    }
  if (!ms_cdp_dom_counters_from_json (json_node_get_object (result), c, error))
    {
      g_prefix_error (error, "Unexpected reply to Memory.getDOMCounters: ");
      return FALSE;
    }
  return TRUE;
}

/* A counters reading that no profile overlapped (a reading sent behind a profile
 * waits for it) gives the counters' share of the browser's time. */
static void
measure_counters_share (MsRecorder *self)
{
  gint64 took_us = g_get_monotonic_time () - self->counters_requested_us;

  if (self->counters_profile_mark == self->n_profile_requests && !self->profile_in_flight &&
      self->counter_interval > 0)
    self->counters_share = (double) took_us / (self->counter_interval * G_USEC_PER_SEC);
}

static void
counters_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MsRecorder) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  MsCdpDomCounters c;
  MsRecordedCounters reading;

  self->counters_in_flight = FALSE;
  browser_call_done (self);
  measure_counters_share (self);
  raw = ms_cdp_connection_call_raw_finish (MS_CDP_CONNECTION (object), result, &error);
  if (raw == NULL || !decode_counters (raw, &c, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        warn (self, error);
      return;
    }
  if (self->state != MS_RECORDER_STATE_RECORDING)
    return;

  reading.time_us = g_get_real_time ();
  if (self->appender != NULL)
    ms_recording_appender_add_counters (self->appender, reading.time_us, raw);
  else if (!ms_session_file_add_counters_reply (self->file, reading.time_us, raw, &error))
    {
      warn (self, error);
      return;
    }
  if (!ms_counter_series_append_reply (self->series, reading.time_us, g_bytes_get_data (raw, NULL),
                                       g_bytes_get_size (raw), &error))
    {
      warn (self, error);
      return;
    }
  reading.documents = c.documents;
  reading.nodes = c.nodes;
  reading.js_event_listeners = c.js_event_listeners;
  g_array_append_val (self->counters, reading);
  g_signal_emit (self, signals[COUNTERS], 0,
                 &g_array_index (self->counters, MsRecordedCounters, self->counters->len - 1));
}

static gboolean
counter_tick (gpointer data)
{
  MsRecorder *self = data;
  MsCdpConnection *conn = ms_target_connection_get_connection (self->session);

  /* A slow browser: skip a tick rather than pile up calls. */
  if (conn == NULL || self->counters_in_flight ||
      ms_target_connection_get_state (self->session) != MS_TARGET_CONNECTION_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;

  self->counters_in_flight = TRUE;
  self->counters_requested_us = g_get_monotonic_time ();
  self->counters_profile_mark = self->profile_in_flight ? G_MAXUINT : self->n_profile_requests;
  browser_call_started (self);
  ms_cdp_connection_call_raw_async (conn, "Memory.getDOMCounters", NULL, 0, self->cancellable,
                                    counters_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/* Profiles */

typedef struct
{
  gint64 requested_us;
  gint64 received_us;
  GBytes *raw;
  MsAllocationAlarmCheck *check;   /* begun when the reply came */
} ProfileFetch;

static void
profile_fetch_free (ProfileFetch *fetch)
{
  g_clear_pointer (&fetch->raw, g_bytes_unref);
  g_clear_pointer (&fetch->check, ms_allocation_alarm_check_free);
  g_free (fetch);
}

static void schedule_profile (MsRecorder *self);

/* What the main thread lets go of once a profile is shown: the reply and model
 * before it, and the alarm's old table of every sample. Freed on a worker. */
typedef struct
{
  GBytes                 *raw;
  MsProfile              *profile;
  MsAllocationAlarmCheck *check;
} Leftovers;

static void
leftovers_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Leftovers *left = task_data;

  g_clear_pointer (&left->raw, g_bytes_unref);
  g_clear_object (&left->profile);
  g_clear_pointer (&left->check, ms_allocation_alarm_check_free);
  g_task_return_boolean (task, TRUE);
}

static void
free_off_main_thread (Leftovers *left)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, free_off_main_thread);
  g_task_set_task_data (task, left, g_free);
  g_task_run_in_thread (task, leftovers_thread);
}

/* Memory holds the latest profile only: earlier ones are in the file (or in the
 * in-memory session when there is no file), their entries keep their time. */
static void
forget_older_profiles (MsRecorder *self,
                       Leftovers  *left)
{
  if (self->profiles->len > 0)
    {
      MsRecordedProfile *last = g_ptr_array_index (self->profiles, self->profiles->len - 1);

      left->raw = g_steal_pointer (&last->raw);
      left->profile = g_steal_pointer (&last->profile);
    }
}

/* The passes over a new profile, on a worker: the parse, and the alarm's pass over
 * its samples. The main thread only appends it, ends the alarm's check and shows it. */
static void
parse_and_check_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  ProfileFetch *fetch = task_data;
  GError *error = NULL;
  MsProfile *profile = ms_profile_new_from_bytes (fetch->raw, &error);

  if (profile == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ms_allocation_alarm_check_compute (fetch->check, profile);
  g_task_return_pointer (task, profile, g_object_unref);
}

static gboolean
record_profile (MsRecorder         *self,
                ProfileFetch       *fetch,
                MsProfile          *profile,
                MsRecordedProfile  *recorded,
                GError            **error)
{
  const char *method = ms_cdp_profile_source_to_method (self->source);

  recorded->time_us = g_get_real_time ();
  if (self->appender != NULL)
    {
      ms_recording_appender_add_profile (self->appender, recorded->time_us, method, fetch->raw,
                                         ms_profile_get_n_samples (profile),
                                         ms_profile_get_total_bytes (profile));
      return TRUE;
    }
  return ms_session_file_add_profile_reply (self->file, recorded->time_us, method, fetch->raw, error);
}

static void
profile_parsed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsRecorder *self = g_task_get_source_object (task);
  ProfileFetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = NULL;
  MsRecordedProfile *recorded;
  Leftovers *left;
  guint index;

  profile = g_task_propagate_pointer (G_TASK (result), &error);
  if (profile == NULL)
    {
      g_prefix_error (&error, "The profile from %s could not be read: ",
                      ms_cdp_profile_source_to_method (self->source));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  recorded = g_new0 (MsRecordedProfile, 1);
  if (!record_profile (self, fetch, profile, recorded, &error))
    {
      g_free (recorded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  left = g_new0 (Leftovers, 1);
  forget_older_profiles (self, left);
  recorded->raw = g_bytes_ref (fetch->raw);
  recorded->profile = g_object_ref (profile);
  g_ptr_array_add (self->profiles, recorded);
  index = self->profiles->len - 1;

  /* Alarm: between this profile and the one before (the pass over its samples was
   * on the worker; firing, with the ignore count, is here). */
  self->current_profile_index = index;
  ms_allocation_alarm_end_check (self->alarm, fetch->check);
  left->check = g_steal_pointer (&fetch->check);
  free_off_main_thread (left);

  g_signal_emit (self, signals[PROFILE], 0, index);
  g_task_return_boolean (task, TRUE);
}

static void
profile_raw_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsRecorder *self = g_task_get_source_object (task);
  ProfileFetch *fetch = g_task_get_task_data (task);
  g_autoptr(GTask) pass = NULL;
  g_autoptr(GError) error = NULL;

  fetch->raw = ms_cdp_memory_get_sampling_profile_raw_finish (MS_CDP_CONNECTION (object), result, &error);
  fetch->received_us = g_get_monotonic_time ();
  browser_call_done (self);
  if (fetch->raw == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Parsing a 40 MB reply and the alarm's pass over it happen on a worker thread. */
  fetch->check = ms_allocation_alarm_begin_check (self->alarm);
  pass = g_task_new (self, g_task_get_cancellable (task), profile_parsed_cb, g_object_ref (task));
  g_task_set_source_tag (pass, parse_and_check_thread);
  g_task_set_task_data (pass, fetch, NULL);
  g_task_run_in_thread (pass, parse_and_check_thread);
}

/* Fetches and records one profile. */
static void
take_profile_async (MsRecorder          *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  MsCdpConnection *conn = ms_target_connection_get_connection (self->session);
  ProfileFetch *fetch = g_new0 (ProfileFetch, 1);

  g_task_set_source_tag (task, take_profile_async);
  g_task_set_task_data (task, fetch, (GDestroyNotify) profile_fetch_free);

  if (conn == NULL)
    {
      const GError *why = ms_target_connection_get_error (self->session);

      if (why != NULL)
        g_task_return_error (task, g_error_copy (why));
      else
        g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                 "Not connected to the browser");
      g_object_unref (task);
      return;
    }

  start_cost_cycle (self);
  browser_call_started (self);
  fetch->requested_us = g_get_monotonic_time ();
  ms_cdp_memory_get_sampling_profile_raw_async (conn, self->source, cancellable, profile_raw_cb, task);
}

static gboolean
take_profile_finish (MsRecorder    *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
periodic_profile_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(MsRecorder) self = user_data;
  g_autoptr(GError) error = NULL;
  ProfileFetch *fetch = g_task_get_task_data (G_TASK (result));
  gint64 fetch_us = 0;

  self->profile_in_flight = FALSE;
  if (fetch->received_us > 0)
    fetch_us = fetch->received_us - fetch->requested_us;

  if (!take_profile_finish (self, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      warn (self, error);
    }

  if (self->state != MS_RECORDER_STATE_RECORDING)
    return;

  self->effective_delay_ms = adaptive_delay_ms (self, fetch_us);
  schedule_profile (self);
}

static gboolean
profile_tick (gpointer data)
{
  MsRecorder *self = data;

  self->profile_source = 0;
  if (self->profile_in_flight)
    return G_SOURCE_REMOVE;

  /* While reconnecting, or while the last profile is still being written (a slow
   * disk: never queue reply after reply in memory), try again a little later. */
  if (ms_target_connection_get_state (self->session) != MS_TARGET_CONNECTION_STATE_CONNECTED ||
      (self->appender != NULL && ms_recording_appender_get_n_pending_profiles (self->appender) > 0))
    {
      schedule_profile (self);
      return G_SOURCE_REMOVE;
    }

  self->profile_in_flight = TRUE;
  take_profile_async (self, self->cancellable, periodic_profile_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_profile (MsRecorder *self)
{
  g_clear_handle_id (&self->profile_source, g_source_remove);
  self->profile_source = g_timeout_add (self->effective_delay_ms, profile_tick, self);
}

/* Start */

static void
start_polling (MsRecorder *self)
{
  self->cycle_start_us = g_get_monotonic_time ();
  if (self->counter_interval > 0)
    {
      self->counter_source = g_timeout_add_seconds (self->counter_interval, counter_tick, self);
      counter_tick (self);
    }
  if (self->profile_interval_ms > 0)
    {
      self->effective_delay_ms = MAX (self->profile_interval_ms, MIN_PROFILE_DELAY_MS);
      schedule_profile (self);
    }
}

static void
record_metadata (MsRecorder *self)
{
  MsCdpBrowserVersion *version = ms_target_connection_get_browser_version (self->session);
  MsCdpTarget *target = ms_target_connection_get_target (self->session);
  g_autoptr(JsonObject) sampling = json_object_new ();

  if (version != NULL)
    {
      g_autoptr(JsonObject) browser = json_object_new ();

      json_object_set_string_member (browser, "Browser", ms_cdp_browser_version_get_browser (version));
      json_object_set_string_member (browser, "Protocol-Version",
                                     ms_cdp_browser_version_get_protocol_version (version));
      if (ms_cdp_browser_version_get_v8_version (version) != NULL)
        json_object_set_string_member (browser, "V8-Version", ms_cdp_browser_version_get_v8_version (version));
      if (ms_cdp_browser_version_get_user_agent (version) != NULL)
        json_object_set_string_member (browser, "User-Agent", ms_cdp_browser_version_get_user_agent (version));
      ms_session_file_set_browser (self->file, browser);
    }

  if (target != NULL)
    {
      g_autoptr(JsonObject) t = json_object_new ();

      json_object_set_string_member (t, "id", ms_cdp_target_get_id (target));
      json_object_set_string_member (t, "type", ms_cdp_target_get_target_type (target));
      json_object_set_string_member (t, "title", ms_cdp_target_get_title (target));
      json_object_set_string_member (t, "url", ms_cdp_target_get_url (target));
      ms_session_file_set_target (self->file, t);
    }

  json_object_set_int_member (sampling, "samplingInterval", self->sampling_interval);
  json_object_set_boolean_member (sampling, "suppressRandomness", self->suppress_randomness);
  json_object_set_string_member (sampling, "source", ms_cdp_profile_source_to_method (self->source));
  json_object_set_int_member (sampling, "profileInterval", self->profile_interval_ms / 1000);
  json_object_set_int_member (sampling, "counterInterval", self->counter_interval);
  json_object_set_int_member (sampling, "startTime", self->start_time);
  if (ms_allocation_alarm_get_armed (self->alarm))
    json_object_set_int_member (sampling, "alarmMinBytes", ms_allocation_alarm_get_min_bytes (self->alarm));
  if (self->markers->len > 0)
    store_markers (self, sampling);
  ms_session_file_set_sampling (self->file, sampling);

  if (self->appender != NULL)
    ms_recording_appender_add_metadata (self->appender, self->start_time,
                                        ms_session_file_get_browser (self->file),
                                        ms_session_file_get_target (self->file), sampling);
}

static void
start_sampling_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsRecorder *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!ms_cdp_memory_start_sampling_finish (MS_CDP_CONNECTION (object), result, &error))
    {
      set_state (self, MS_RECORDER_STATE_STOPPED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->start_time = g_get_real_time ();
  if (self->output != NULL)
    open_appender (self);
  record_metadata (self);
  set_state (self, MS_RECORDER_STATE_RECORDING);
  start_polling (self);
  g_task_return_boolean (task, TRUE);
}

static void
resume_sampling_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MsRecorder) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ms_cdp_memory_start_sampling_finish (MS_CDP_CONNECTION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_prefix_error (&error, "Sampling could not be restarted after reconnecting: ");
      warn (self, error);
    }
}

/* A new connection (the browser restarted the target, or the socket dropped) has
 * no sampler running: start it again and compare new profiles among themselves. */
static void
on_reconnected (MsTargetConnection  *session,
                MsRecorder *self)
{
  if (self->state != MS_RECORDER_STATE_RECORDING)
    return;

  ms_allocation_alarm_reset (self->alarm);
  ms_cdp_memory_start_sampling_async (ms_target_connection_get_connection (session), self->sampling_interval,
                                      self->suppress_randomness, self->cancellable,
                                      resume_sampling_cb, g_object_ref (self));
}

void
ms_recorder_start_async (MsRecorder          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MsCdpConnection *conn;

  g_return_if_fail (MS_IS_RECORDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_recorder_start_async);

  if (self->state != MS_RECORDER_STATE_IDLE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "This recorder was already started");
      return;
    }

  conn = ms_target_connection_get_connection (self->session);
  if (conn == NULL || ms_target_connection_get_state (self->session) != MS_TARGET_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                               "Cannot record: not connected to a target");
      return;
    }

  self->reconnected_handler = g_signal_connect (self->session, "reconnected",
                                                G_CALLBACK (on_reconnected), self);
  set_state (self, MS_RECORDER_STATE_STARTING);
  ms_cdp_memory_start_sampling_async (conn, self->sampling_interval, self->suppress_randomness,
                                      cancellable, start_sampling_cb, g_steal_pointer (&task));
}

gboolean
ms_recorder_start_finish (MsRecorder    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Stop: [last profile] → stopSampling, each step's failure kept but not fatal. */

static void
stop_data_free (StopData *data)
{
  g_clear_error (&data->first_error);
  g_free (data);
}

static void
finish_stop_if_waiting (MsRecorder *self)
{
  g_autoptr(GTask) task = NULL;
  StopData *data;

  if (self->stop_task == NULL || self->closing)
    return;

  task = g_steal_pointer (&self->stop_task);
  data = g_task_get_task_data (task);
  set_state (self, MS_RECORDER_STATE_STOPPED);
  if (data->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->first_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
appender_closed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MsRecorder) self = user_data;
  g_autoptr(GError) error = NULL;

  self->closing = FALSE;
  if (!ms_recording_appender_close_finish (MS_RECORDING_APPENDER (object), result, &error))
    on_append_failed (MS_RECORDING_APPENDER (object), error, self);
  else
    {
      self->appended_since_read++;
      g_signal_emit (self, signals[SAVED], 0, self->output);
    }
  finish_stop_if_waiting (self);
}

/* The recording file is closed (after every record queued before) before stop finishes. */
static void
stop_done (GTask *task)
{
  MsRecorder *self = g_task_get_source_object (task);

  g_set_object (&self->stop_task, task);
  if (self->appender != NULL)
    {
      self->closing = TRUE;
      ms_recording_appender_close_async (self->appender, appender_closed_cb, g_object_ref (self));
    }
  finish_stop_if_waiting (self);
}

static void
stop_sampling_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StopData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!ms_cdp_memory_stop_sampling_finish (MS_CDP_CONNECTION (object), result, &error) &&
      data->first_error == NULL)
    data->first_error = g_steal_pointer (&error);
  stop_done (task);
}

static void
send_stop_sampling (GTask *task)
{
  MsRecorder *self = g_task_get_source_object (task);
  StopData *data = g_task_get_task_data (task);
  MsCdpConnection *conn = ms_target_connection_get_connection (self->session);

  if (conn == NULL)
    {
      if (data->first_error == NULL)
        data->first_error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                         "Sampling could not be stopped: the browser is gone");
      stop_done (task);
      return;
    }

  /* Not cancellable on purpose: the sampler must not be left running in the browser. */
  ms_cdp_memory_stop_sampling_async (conn, NULL, stop_sampling_cb, g_object_ref (task));
}

static void
final_profile_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsRecorder *self = MS_RECORDER (object);
  StopData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!take_profile_finish (self, result, &error))
    data->first_error = g_steal_pointer (&error);
  send_stop_sampling (task);
}

void
ms_recorder_stop_async (MsRecorder          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_RECORDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_recorder_stop_async);
  g_task_set_task_data (task, g_new0 (StopData, 1), (GDestroyNotify) stop_data_free);

  if (self->state != MS_RECORDER_STATE_RECORDING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The recorder is not recording");
      return;
    }

  set_state (self, MS_RECORDER_STATE_STOPPING);
  stop_timers (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->profile_in_flight = FALSE;
  self->counters_in_flight = FALSE;

  if (self->profile_interval_ms == 0 || self->profiles->len == 0)
    take_profile_async (self, cancellable, final_profile_cb, g_steal_pointer (&task));
  else
    send_stop_sampling (task);
}

gboolean
ms_recorder_stop_finish (MsRecorder    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (MS_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
