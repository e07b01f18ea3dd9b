/* test-recorder.c: MsRecorder polling a scripted DevTools peer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ms-analysis-error.h"
#include "ms-cdp-error.h"
#include "ms-recorder.h"
#include "ms-recording-file.h"

#include "cdp-test-peer.h"

#define BIG_ALLOCATION (5 * 1024 * 1024)

typedef struct
{
  CdpTestPeer   *peer;
  MsCdpEndpoint *endpoint;
  MsTargetConnection     *session;
  MsRecorder    *recorder;
  GAsyncResult  *result;
  GHashTable    *calls;            /* method -> count */
  char          *profile_a;        /* result JSON of the fixture profile */
  char          *profile_b;        /* the same plus one BIG_ALLOCATION sample */
  guint          profile_delay_ms;
  guint          counters_delay_ms;
  GArray        *profile_requests;  /* gint64, when the peer got each profile request */
  GArray        *counters_requests; /* gint64, the same for the DOM counters */
  gboolean       fail_profiles;
  guint          n_alarms;
  guint64        alarm_size;
  guint          n_warnings;
  guint          n_saved;
  guint          bad_counters;
  char          *start_params;     /* Memory.startSampling's params, as JSON */
  GPtrArray     *sequence;         /* profile results to reply in turn, the last one repeated */
  GArray        *fired;            /* Fired: the alarms, as signalled */
  GThread       *main_thread;
} Fixture;

typedef struct
{
  guint   profile_index;
  guint   sample_index;
  guint64 size;
  gboolean on_main_thread;
} Fired;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;
  f->result = g_object_ref (result);
}

static guint
n_calls (Fixture    *f,
         const char *method)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->calls, method));
}

typedef struct
{
  CdpTestPeer *peer;
  gint64       id;
  char        *result;
} DelayedReply;

static gboolean
send_delayed (gpointer data)
{
  DelayedReply *d = data;

  if (d->peer->ws != NULL && soup_websocket_connection_get_state (d->peer->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    cdp_test_peer_reply_result (d->peer, d->id, d->result);
  g_free (d->result);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static void
responder (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  Fixture *f = data;

  g_hash_table_insert (f->calls, g_strdup (method), GUINT_TO_POINTER (n_calls (f, method) + 1));

  if (g_str_equal (method, "Memory.getDOMCounters") && f->bad_counters > 0)
    {
      /* One of each kind of broken reply, then good ones. */
      g_autofree char *text = NULL;

      switch (--f->bad_counters)
        {
        case 2:
          text = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"nodes\":\"many\"}}", id);
          break;
        case 1:
          text = g_strdup ("not json at all");
          break;
        default:
          text = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"result\":{\"documents\":-1,"
                                  "\"nodes\":1,\"jsEventListeners\":1}}", id);
        }
      cdp_test_peer_send_text (peer, text);
    }
  else if (g_str_equal (method, "Memory.getDOMCounters"))
    {
      DelayedReply *d = g_new0 (DelayedReply, 1);
      gint64 now = g_get_monotonic_time ();

      g_array_append_val (f->counters_requests, now);
      d->peer = peer;
      d->id = id;
      d->result = g_strdup ("{\"documents\":2,\"nodes\":4012,\"jsEventListeners\":2000}");
      if (f->counters_delay_ms > 0)
        g_timeout_add (f->counters_delay_ms, send_delayed, d);
      else
        send_delayed (d);
    }
  else if (g_str_equal (method, "Memory.startSampling"))
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, params != NULL ? params : json_object_new ());
      g_free (f->start_params);
      f->start_params = json_to_string (node, FALSE);
      cdp_test_peer_reply_result (peer, id, "{}");
    }
  else if (g_str_has_suffix (method, "SamplingProfile"))
    {
      if (f->fail_profiles)
        {
          g_autofree char *text = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"error\":"
                                                   "{\"code\":-32000,\"message\":\"boom\"}}", id);
          cdp_test_peer_send_text (peer, text);
          return;
        }
      /* First profile A, then B: B adds one large allocation. */
      {
        DelayedReply *d = g_new0 (DelayedReply, 1);
        gint64 now = g_get_monotonic_time ();

        g_array_append_val (f->profile_requests, now);
        d->peer = peer;
        d->id = id;
        if (f->sequence != NULL)
          d->result = g_strdup (g_ptr_array_index (f->sequence, MIN (n_calls (f, method), f->sequence->len) - 1));
        else
          d->result = g_strdup (n_calls (f, method) == 1 ? f->profile_a : f->profile_b);
        if (f->profile_delay_ms > 0)
          g_timeout_add (f->profile_delay_ms, send_delayed, d);
        else
          send_delayed (d);
      }
    }
  else
    cdp_test_peer_reply_result (peer, id, "{}");
}

static void
make_profiles (Fixture *f)
{
  g_autofree char *contents = cdp_test_fixture_contents ("small/getSamplingProfile.json", NULL);
  g_autoptr(JsonNode) root = json_from_string (contents, NULL);
  JsonObject *result = json_object_get_object_member (json_node_get_object (root), "result");
  JsonObject *profile = json_object_get_object_member (result, "profile");
  JsonArray *samples = json_object_get_array_member (profile, "samples");
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(JsonNode) result_node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *big;

  json_node_set_object (result_node, result);
  f->profile_a = json_to_string (result_node, FALSE);

  /* A new sample on the first sample's stack, BIG_ALLOCATION bytes. */
  /* json_node_copy() would share the object: go through text for a real copy. */
  {
    g_autofree char *text = json_to_string (json_array_get_element (samples, 0), FALSE);
    copy = json_from_string (text, NULL);
  }
  big = json_node_get_object (copy);
  json_object_set_int_member (big, "size", BIG_ALLOCATION);
  json_object_set_int_member (big, "total", BIG_ALLOCATION);
  json_array_add_element (samples, g_steal_pointer (&copy));
  f->profile_b = json_to_string (result_node, FALSE);
}

static void
on_alarm (MsRecorder            *recorder,
          const MsRecordedAlarm *alarm,
          Fixture               *f)
{
  Fired fired = { alarm->profile_index, alarm->sample_index, alarm->size,
                  g_thread_self () == f->main_thread };

  f->n_alarms++;
  f->alarm_size = alarm->size;
  g_array_append_val (f->fired, fired);
}

static void
on_warning (MsRecorder   *recorder,
            const GError *error,
            Fixture      *f)
{
  g_test_message ("warning: %s", error->message);
  f->n_warnings++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->profile_requests = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->counters_requests = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->fired = g_array_new (FALSE, FALSE, sizeof (Fired));
  f->main_thread = g_thread_self ();
  make_profiles (f);
  f->peer = cdp_test_peer_new ();
  f->peer->responder = responder;
  f->peer->responder_data = f;
  f->endpoint = ms_cdp_endpoint_new ("127.0.0.1", f->peer->port, NULL);
  f->session = ms_target_connection_new (f->endpoint, NULL);
  ms_target_connection_set_reconnect_window (f->session, 10);
  ms_target_connection_connect_async (f->session, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  g_assert_true (ms_target_connection_connect_finish (f->session, f->result, &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);

  f->recorder = ms_recorder_new (f->session);
  g_signal_connect (f->recorder, "alarm", G_CALLBACK (on_alarm), f);
  g_signal_connect (f->recorder, "warning", G_CALLBACK (on_warning), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->recorder);
  g_clear_object (&f->session);
  g_clear_object (&f->result);
  g_clear_pointer (&f->endpoint, ms_cdp_endpoint_unref);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
  g_clear_pointer (&f->calls, g_hash_table_unref);
  g_clear_pointer (&f->profile_requests, g_array_unref);
  g_clear_pointer (&f->fired, g_array_unref);
  g_clear_pointer (&f->sequence, g_ptr_array_unref);
  g_clear_pointer (&f->counters_requests, g_array_unref);
  g_free (f->profile_a);
  g_free (f->profile_b);
  g_free (f->start_params);
}

static void
start (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  ms_recorder_start_async (f->recorder, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  g_assert_true (ms_recorder_start_finish (f->recorder, f->result, &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);
  g_assert_cmpint (ms_recorder_get_state (f->recorder), ==, MS_RECORDER_STATE_RECORDING);
}

static gboolean
stop (Fixture  *f,
      GError  **error)
{
  gboolean ok;

  ms_recorder_stop_async (f->recorder, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  ok = ms_recorder_stop_finish (f->recorder, f->result, error);
  g_clear_object (&f->result);
  g_assert_cmpint (ms_recorder_get_state (f->recorder), ==, MS_RECORDER_STATE_STOPPED);
  return ok;
}

static void
run_until (Fixture  *f,
           gboolean (*done) (Fixture *f))
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (f))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
has_two_profiles (Fixture *f)
{
  return ms_recorder_get_profiles (f->recorder)->len >= 2;
}

static gboolean
has_two_counters (Fixture *f)
{
  return ms_recorder_get_counters (f->recorder)->len >= 2;
}

static void
test_periodic (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MsRecordedCounters *c;
  MsRecordedProfile *p;

  ms_recorder_set_sampling_interval (f->recorder, 4096);
  ms_recorder_set_profile_interval (f->recorder, 1);
  start (f);
  g_assert_cmpuint (n_calls (f, "Memory.startSampling"), ==, 1);

  run_until (f, has_two_profiles);
  run_until (f, has_two_counters);
  g_assert_true (stop (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_calls (f, "Memory.stopSampling"), ==, 1);

  c = &g_array_index (ms_recorder_get_counters (f->recorder), MsRecordedCounters, 0);
  g_assert_cmpint (c->nodes, ==, 4012);
  g_assert_cmpint (c->documents, ==, 2);
  g_assert_cmpint (c->js_event_listeners, ==, 2000);
  g_assert_cmpint (c->time_us, >=, ms_recorder_get_start_time (f->recorder) - G_USEC_PER_SEC);

  /* The latest raw reply is kept byte for byte, with its model; earlier ones are not
   * kept in memory. */
  p = g_ptr_array_index (ms_recorder_get_profiles (f->recorder), ms_recorder_get_profiles (f->recorder)->len - 1);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (p->raw, NULL), g_bytes_get_size (p->raw), f->profile_b));
  g_assert_cmpuint (ms_profile_get_n_samples (p->profile), >, 0);
  p = g_ptr_array_index (ms_recorder_get_profiles (f->recorder), 0);
  g_assert_null (p->raw);
  g_assert_null (p->profile);
  g_assert_cmpint (p->time_us, >=, ms_recorder_get_start_time (f->recorder));

  /* The alarm was never armed. */
  g_assert_cmpuint (f->n_alarms, ==, 0);
}

static void
test_single_profile_at_stop (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  ms_recorder_set_counter_interval (f->recorder, 0);
  start (f);
  g_assert_true (stop (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ms_recorder_get_profiles (f->recorder)->len, ==, 1);
  g_assert_cmpuint (n_calls (f, "Memory.getSamplingProfile"), ==, 1);
  g_assert_cmpuint (n_calls (f, "Memory.getDOMCounters"), ==, 0);
  g_assert_cmpuint (n_calls (f, "Memory.stopSampling"), ==, 1);
}

static void
test_alarm (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  ms_allocation_alarm_arm_bytes (ms_recorder_get_alarm (f->recorder), 4 * 1024 * 1024);
  ms_recorder_set_profile_interval (f->recorder, 1);
  start (f);
  run_until (f, has_two_profiles);
  g_assert_true (stop (f, &error));

  g_assert_cmpuint (f->n_alarms, ==, 1);
  g_assert_cmpuint (f->alarm_size, ==, BIG_ALLOCATION);
  g_assert_cmpuint (ms_recorder_get_alarms (f->recorder)->len, ==, 1);
  g_assert_cmpuint (g_array_index (ms_recorder_get_alarms (f->recorder), MsRecordedAlarm, 0).profile_index, ==, 1);
}

/* Samples of the scripted profiles: a stack (of two addresses) and a size. */
typedef struct
{
  guint   stack;
  guint64 size;
} Sample;

#define END { 0, 0 }

static const Sample sequence_samples[][8] = {
  { { 1, 100 }, { 2, 8 << 20 }, END },
  /* new: 6 MiB on 1, 50 on 3 */
  { { 1, 100 }, { 2, 8 << 20 }, { 1, 6 << 20 }, { 3, 50 }, END },
  /* 8 MiB on 2 twice more; 6 MiB on 1 gone */
  { { 2, 8 << 20 }, { 2, 8 << 20 }, { 1, 100 }, { 2, 8 << 20 }, { 3, 50 }, END },
  /* 6 MiB on 1 back, 9 MiB on 3 new, 100 on 1 twice */
  { { 3, 9 << 20 }, { 1, 100 }, { 1, 6 << 20 }, { 2, 8 << 20 }, { 1, 100 }, END },
};

static char *
sequence_result (const Sample *samples)
{
  GString *text = g_string_new ("{\"profile\":{\"samples\":[");

  for (guint i = 0; samples[i].stack != 0; i++)
    g_string_append_printf (text, "%s{\"size\":%" G_GUINT64_FORMAT ",\"total\":%" G_GUINT64_FORMAT
                            ",\"stack\":[\"0x%x f%u\",\"0x9000 main\"]}", i ? "," : "",
                            samples[i].size, samples[i].size, 0x1000 * samples[i].stack, samples[i].stack);
  g_string_append (text, "],\"modules\":[]}}");
  return g_string_free (text, FALSE);
}

static gboolean
has_all_profiles (Fixture *f)
{
  return ms_recorder_get_profiles (f->recorder)->len >= G_N_ELEMENTS (sequence_samples);
}

/* The alarm's pass over each profile runs on the recorder's worker; the events are
 * the same as checking on the main thread would give: for each profile after the
 * first, the last m − k samples of each (stack, size) that occurs m times in it and
 * k < m times in the one before, at or over the minimum, in sample order, less the
 * ignored ones; and each is signalled on the main thread. */
static void
test_alarm_sequence (Fixture *f, gconstpointer data)
{
  const guint64 min_bytes = 4 << 20;
  const guint ignore = 1;
  g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (Fired));
  g_autoptr(GError) error = NULL;
  MsAllocationAlarm *alarm = ms_recorder_get_alarm (f->recorder);
  guint to_ignore = ignore;

  f->sequence = g_ptr_array_new_with_free_func (g_free);
  for (guint p = 0; p < G_N_ELEMENTS (sequence_samples); p++)
    g_ptr_array_add (f->sequence, sequence_result (sequence_samples[p]));

  for (guint p = 1; p < G_N_ELEMENTS (sequence_samples); p++)
    for (guint i = 0; sequence_samples[p][i].stack != 0; i++)
      {
        const Sample *s = &sequence_samples[p][i];
        guint before = 0, after = 0;

        /* the count-th occurrence here is new when the profile before had fewer */
        for (guint j = 0; sequence_samples[p - 1][j].stack != 0; j++)
          before += sequence_samples[p - 1][j].stack == s->stack && sequence_samples[p - 1][j].size == s->size;
        for (guint j = 0; j <= i; j++)
          after += sequence_samples[p][j].stack == s->stack && sequence_samples[p][j].size == s->size;
        if (s->size >= min_bytes && after > before)
          {
            Fired w = { p, i, s->size, TRUE };

            if (to_ignore > 0)
              to_ignore--;
            else
              g_array_append_val (want, w);
          }
      }
  g_assert_cmpuint (want->len, ==, 4);

  ms_allocation_alarm_arm_bytes (alarm, min_bytes);
  ms_allocation_alarm_ignore (alarm, ignore);
  ms_recorder_set_profile_interval (f->recorder, 1);
  start (f);
  run_until (f, has_all_profiles);
  g_assert_true (stop (f, &error));
  g_assert_no_error (error);

  /* stopping takes one more profile: the last one again, where nothing is new */
  g_assert_cmpuint (f->fired->len, ==, want->len);
  for (guint k = 0; k < want->len; k++)
    {
      Fired *got = &g_array_index (f->fired, Fired, k);
      Fired *w = &g_array_index (want, Fired, k);

      g_assert_cmpuint (got->profile_index, ==, w->profile_index);
      g_assert_cmpuint (got->sample_index, ==, w->sample_index);
      g_assert_cmpuint (got->size, ==, w->size);
      g_assert_true (got->on_main_thread);
    }
  g_assert_cmpuint (ms_allocation_alarm_get_ignore_count (alarm), ==, 0);
}

static void
test_alarm_ignored (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MsAllocationAlarm *alarm = ms_recorder_get_alarm (f->recorder);

  ms_allocation_alarm_arm_bytes (alarm, 4 * 1024 * 1024);
  ms_allocation_alarm_ignore (alarm, 1);
  ms_recorder_set_profile_interval (f->recorder, 1);
  start (f);
  run_until (f, has_two_profiles);
  g_assert_true (stop (f, &error));
  g_assert_cmpuint (f->n_alarms, ==, 0);
}

static void
test_stop_sampling_even_when_profile_fails (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->fail_profiles = TRUE;
  start (f);
  g_assert_false (stop (f, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL);
  g_assert_cmpuint (n_calls (f, "Memory.stopSampling"), ==, 1);
}

static gboolean
restarted_sampling (Fixture *f)
{
  return n_calls (f, "Memory.startSampling") >= 2;
}

static void
test_reconnect_restarts_sampling (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  ms_recorder_set_sampling_interval (f->recorder, 8192);
  start (f);
  soup_websocket_connection_close (f->peer->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  run_until (f, restarted_sampling);
  g_assert_cmpint (ms_target_connection_get_state (f->session), ==, MS_TARGET_CONNECTION_STATE_CONNECTED);
  g_assert_true (stop (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_calls (f, "Memory.stopSampling"), ==, 1);
}

static void
count_notify (guint *n)
{
  (*n)++;
}

/* The browser takes 60 ms per profile and 2 ms per counters reading (the peer delays
 * its replies): the recorder must space profiles so that these delays take at most
 * 2% of the time between two profile requests. Any spacing that does takes at least
 * 50 times the profile's delay (60 / (60 + 49 × 60) = 2%). */
static void
test_adaptive_refresh (Fixture *f, gconstpointer data)
{
  const guint profile_delay_ms = 60, counters_delay_ms = 2;
  g_autoptr(GError) error = NULL;
  guint n_notify = 0, n_counters = 0;
  gint64 first, second;
  double delays_share, profile_share;

  f->profile_delay_ms = profile_delay_ms;
  f->counters_delay_ms = counters_delay_ms;
  g_assert_cmpfloat (ms_recorder_get_max_browser_cost (f->recorder), ==, 0.02);
  g_assert_cmpfloat (ms_recorder_get_browser_cost (f->recorder), ==, 0.0);
  g_signal_connect_swapped (f->recorder, "notify::browser-cost", G_CALLBACK (count_notify), &n_notify);
  ms_recorder_set_profile_interval_ms (f->recorder, 1);
  start (f);
  run_until (f, has_two_profiles);

  /* What the delays take of the time between the two requests, as the peer saw them. */
  first = g_array_index (f->profile_requests, gint64, 0);
  second = g_array_index (f->profile_requests, gint64, 1);
  for (guint i = 0; i < f->counters_requests->len; i++)
    {
      gint64 t = g_array_index (f->counters_requests, gint64, i);

      if (t >= first && t < second)
        n_counters++;
    }
  g_assert_cmpint (second - first, >=, 50 * profile_delay_ms * 1000);
  delays_share = (profile_delay_ms + n_counters * counters_delay_ms) * 1000.0 / (second - first);
  profile_share = profile_delay_ms * 1000.0 / (second - first);
  g_assert_cmpfloat (delays_share, <=, 0.02);
  g_assert_cmpuint (ms_recorder_get_effective_profile_interval_ms (f->recorder), >=,
                    49 * profile_delay_ms);

  g_test_message ("profiles %.3f s apart, %u counters between: the delays take %.2f%%; "
                  "measured cost %.2f%%, interval %u ms", (second - first) / 1e6, n_counters,
                  100 * delays_share, 100 * ms_recorder_get_browser_cost (f->recorder),
                  ms_recorder_get_effective_profile_interval_ms (f->recorder));
  /* The measured cost of that cycle: round trips, so at least the delays. */
  g_assert_cmpuint (n_notify, >=, 1);
  g_assert_cmpfloat (ms_recorder_get_browser_cost (f->recorder), >=, 0.9 * profile_share);
  g_assert_cmpfloat (ms_recorder_get_browser_cost (f->recorder), <=, 0.02);
  g_assert_true (stop (f, &error));
}

static gboolean
has_one_good_counter_after_bad (Fixture *f)
{
  return f->bad_counters == 0 && ms_recorder_get_counters (f->recorder)->len >= 1;
}

static void
test_survives_bad_replies (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->bad_counters = 3;
  start (f);
  run_until (f, has_one_good_counter_after_bad);
  g_assert_cmpuint (f->n_warnings, ==, 3);
  g_assert_cmpint (ms_recorder_get_state (f->recorder), ==, MS_RECORDER_STATE_RECORDING);
  /* Nothing broken was recorded. */
  for (guint i = 0; i < ms_recorder_get_counters (f->recorder)->len; i++)
    g_assert_cmpint (g_array_index (ms_recorder_get_counters (f->recorder), MsRecordedCounters, i).nodes, ==, 4012);
  g_assert_true (stop (f, &error));
  g_assert_no_error (error);
}

static void
on_saved (MsRecorder *recorder,
          GFile      *file,
          Fixture    *f)
{
  f->n_saved++;
}

/* Samples in a result JSON, counted with json-glib. */
static guint
count_samples (const char *result_json)
{
  g_autoptr(JsonNode) root = json_from_string (result_json, NULL);
  JsonObject *profile = json_object_get_object_member (json_node_get_object (root), "profile");

  return json_array_get_length (json_object_get_array_member (profile, "samples"));
}

static gboolean
saved_two_profiles (Fixture *f)
{
  return f->n_saved >= 2;
}

static void
test_records_to_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "rec.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsRecordingFile) loaded = NULL;
  g_autoptr(MsRecordingFile) final = NULL;
  g_autoptr(MsSessionFile) session = NULL;
  GPtrArray *profiles;
  GArray *counters;
  const char *detail = NULL;
  struct stat st;

  g_assert_no_error (error);
  g_signal_connect (f->recorder, "saved", G_CALLBACK (on_saved), f);
  g_assert_true (ms_recorder_set_output (f->recorder, file, 1, &error));
  g_assert_no_error (error);
  ms_recorder_set_profile_interval_ms (f->recorder, 300);
  start (f);
  ms_recorder_add_marker (f->recorder, "purge", "from the test");
  run_until (f, saved_two_profiles);

  /* Mid-recording, what is on disk already opens: a crash now loses little. */
  loaded = ms_recording_file_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_recording_file_get_n_profiles (loaded), >=, 2);
  g_assert_false (ms_recording_file_get_closed (loaded));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (stop (f, &error));
  g_assert_no_error (error);
  profiles = ms_recorder_get_profiles (f->recorder);
  counters = ms_recorder_get_counters (f->recorder);

  final = ms_recording_file_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_true (ms_recording_file_get_closed (final));
  g_assert_null (ms_recording_file_get_torn_tail (final));
  g_assert_cmpuint (ms_recording_file_get_n_profiles (final), ==, profiles->len);
  g_assert_cmpuint (ms_recording_file_get_n_counters (final), ==, counters->len);

  /* Every reply as the browser sent it: A first, then B; the snapshot list agrees. */
  for (guint i = 0; i < profiles->len; i++)
    {
      g_autoptr(GBytes) reply = ms_recording_file_get_profile_reply (final, i, &error);
      const char *expected = i == 0 ? f->profile_a : f->profile_b;
      MsRecordingSnapshot snapshot;

      g_assert_no_error (error);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), expected));
      ms_recording_file_get_snapshot (final, i, &snapshot);
      g_assert_cmpstr (snapshot.method, ==, "Memory.getSamplingProfile");
      g_assert_cmpint (snapshot.time_us, ==, ((MsRecordedProfile *) g_ptr_array_index (profiles, i))->time_us);
      g_assert_cmpuint (snapshot.n_samples, ==, count_samples (expected));
    }
  for (guint i = 0; i < counters->len; i++)
    {
      gint64 time = 0;
      GBytes *reply = ms_recording_file_get_counters_reply (final, i, &time);

      g_assert_cmpint (time, ==, g_array_index (counters, MsRecordedCounters, i).time_us);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                      "{\"documents\":2,\"nodes\":4012,\"jsEventListeners\":2000}"));
    }
  g_assert_cmpuint (ms_recording_file_get_n_actions (final), ==, 1);
  g_assert_cmpstr (ms_recording_file_get_action (final, 0, NULL, &detail), ==, "purge");
  g_assert_cmpstr (detail, ==, "from the test");
  g_assert_cmpstr (json_object_get_string_member (ms_recording_file_get_browser (final), "Browser"), ==,
                   "Chrome/156.0.8078.79");
  g_assert_cmpstr (json_object_get_string_member (ms_recording_file_get_target (final), "id"), ==, "TEST");
  g_assert_cmpint (json_object_get_int_member (ms_recording_file_get_sampling (final), "startTime"), ==,
                   ms_recorder_get_start_time (f->recorder));

  /* The session the recorder gives is the file read back. */
  session = g_object_ref (ms_recorder_get_session_file (f->recorder));
  g_assert_cmpuint (ms_session_file_get_n_profiles (session), ==, profiles->len);
  g_assert_cmpuint (ms_session_file_get_n_counters (session), ==, counters->len);

  g_unlink (path);
  g_rmdir (dir);
}

/* What the recorder sends is what it was set to. */
typedef struct
{
  const char        *name;
  guint              sampling_interval;
  gboolean           suppress_randomness;
  MsCdpProfileSource source;
  const char        *start_params;
  const char        *profile_method;
} Settings;

static const Settings settings_rows[] = {
  { "defaults", 0, FALSE, MS_CDP_PROFILE_SINCE_START, "{}", "Memory.getSamplingProfile" },
  { "interval", 4096, FALSE, MS_CDP_PROFILE_SINCE_START, "{\"samplingInterval\":4096}",
    "Memory.getSamplingProfile" },
  { "suppress-randomness", 65536, TRUE, MS_CDP_PROFILE_ALL_TIME,
    "{\"samplingInterval\":65536,\"suppressRandomness\":true}", "Memory.getAllTimeSamplingProfile" },
  { "browser", 0, FALSE, MS_CDP_PROFILE_BROWSER, "{}", "Memory.getBrowserSamplingProfile" },
};

static void
test_settings_sent (Fixture *f, gconstpointer data)
{
  const Settings *row = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) expected = NULL;
  const char *methods[] = { "Memory.getSamplingProfile", "Memory.getAllTimeSamplingProfile",
                            "Memory.getBrowserSamplingProfile" };

  ms_recorder_set_sampling_interval (f->recorder, row->sampling_interval);
  ms_recorder_set_suppress_randomness (f->recorder, row->suppress_randomness);
  ms_recorder_set_source (f->recorder, row->source);
  ms_recorder_set_counter_interval (f->recorder, 0);
  g_assert_cmpuint (ms_recorder_get_sampling_interval (f->recorder), ==, row->sampling_interval);
  g_assert_cmpint (ms_recorder_get_suppress_randomness (f->recorder), ==, row->suppress_randomness);
  g_assert_cmpint (ms_recorder_get_source (f->recorder), ==, row->source);
  start (f);
  g_assert_true (stop (f, &error));
  g_assert_no_error (error);

  g_assert_nonnull (f->start_params);
  sent = json_from_string (f->start_params, NULL);
  expected = json_from_string (row->start_params, NULL);
  g_assert_true (json_node_equal (sent, expected));
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    g_assert_cmpuint (n_calls (f, methods[i]), ==, g_str_equal (methods[i], row->profile_method) ? 1 : 0);
}

/* The counter series for charts holds what the peer sent. */
static void
test_series (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  MsCounterSeries *series = ms_recorder_get_counter_series (f->recorder);
  GArray *counters;

  start (f);
  run_until (f, has_two_counters);
  g_assert_true (stop (f, &error));
  counters = ms_recorder_get_counters (f->recorder);

  g_assert_cmpuint (ms_counter_series_get_n_points (series, "nodes"), ==, counters->len);
  for (guint i = 0; i < counters->len; i++)
    {
      gint64 time = 0;
      double value = 0;

      g_assert_true (ms_counter_series_get_point (series, "nodes", i, &time, &value));
      g_assert_cmpfloat (value, ==, 4012);
      g_assert_cmpint (time, ==, g_array_index (counters, MsRecordedCounters, i).time_us);
      g_assert_true (ms_counter_series_get_point (series, "jsEventListeners", i, NULL, &value));
      g_assert_cmpfloat (value, ==, 2000);
    }
}

static void
test_refuses_to_overwrite (Fixture *f, gconstpointer data)
{
  static const char *contents[] = {
    "just some notes, not a session\n",
    "{\"format\":\"memscope-session\",\"version\":1,\"profiles\":[",   /* truncated */
    "",
    "\x89MSREC\r\n\x02\x00\x00\x00\x00\x00\x00\x00",   /* a recording whose header is damaged */
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "precious.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      g_autofree char *after = NULL;
      gsize after_len = 0;

      g_file_set_contents (path, contents[i], i == 3 ? 16 : -1, &error);
      g_assert_no_error (error);
      g_assert_false (ms_recorder_set_output (f->recorder, file, 1, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
      g_assert_nonnull (strstr (error->message, "not overwriting it"));
      g_assert_nonnull (strstr (error->message, "precious.txt"));
      g_clear_error (&error);
      g_assert_null (ms_recorder_get_output (f->recorder));

      g_file_get_contents (path, &after, &after_len, &error);
      g_assert_cmpuint (after_len, ==, i == 3 ? 16 : strlen (contents[i]));
      g_assert_cmpmem (after, after_len, contents[i], after_len);
    }

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/memscope/recorder/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("periodic", test_periodic);
  ADD ("single-profile-at-stop", test_single_profile_at_stop);
  ADD ("alarm", test_alarm);
  ADD ("alarm-ignored", test_alarm_ignored);
  ADD ("alarm-sequence", test_alarm_sequence);
  ADD ("stop-sampling-even-when-profile-fails", test_stop_sampling_even_when_profile_fails);
  ADD ("reconnect-restarts-sampling", test_reconnect_restarts_sampling);
  ADD ("adaptive-refresh", test_adaptive_refresh);
  ADD ("records-to-file", test_records_to_file);
  ADD ("series", test_series);
  ADD ("survives-bad-replies", test_survives_bad_replies);
  ADD ("refuses-to-overwrite", test_refuses_to_overwrite);
#undef ADD
  for (guint i = 0; i < G_N_ELEMENTS (settings_rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/recorder/settings-sent/%s", settings_rows[i].name);

      g_test_add (path, Fixture, &settings_rows[i], fixture_setup, test_settings_sent, fixture_teardown);
    }

  return g_test_run ();
}
