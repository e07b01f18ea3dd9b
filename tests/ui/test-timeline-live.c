/* test-timeline-live.c: MsSnapshotTimeline following a live recording, against the
 * in-process DevTools peer, kept in memory and written to a recording file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "cdp-test-peer.h"
#include "ms-snapshot-timeline.h"
#include "ms-ui-test-input.h"
#include "ms-ui-test-recording.h"
#include "ms-ui-test-timeline.h"

typedef struct
{
  CdpTestPeer        *peer;
  MsCdpEndpoint      *endpoint;
  MsTargetConnection *connection;
  MsRecorder         *recorder;
  GAsyncResult       *result;
  TestProfile         profiles[N_PROFILES];
  guint               n_profile_calls;
  GtkWindow          *window;
  MsSnapshotTimeline *timeline;
  guint               wanted;
  char               *dir;
  char               *path;
} Fixture;

/* Profile call k answers test profile k mod N, so the recorder's index k holds it. */
static void
respond (CdpTestPeer *peer,
         gint64       id,
         const char  *method,
         JsonObject  *params,
         gpointer     user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (method, "Memory.getSamplingProfile"))
    {
      g_autofree char *result = ms_test_profile_result (&f->profiles[f->n_profile_calls++ % N_PROFILES]);

      cdp_test_peer_reply_result (peer, id, result);
    }
  else if (g_str_equal (method, "Memory.getDOMCounters"))
    cdp_test_peer_reply_result (peer, id, "{\"documents\":1,\"nodes\":40,\"jsEventListeners\":5}");
  else
    cdp_test_peer_reply_result (peer, id, "{}");
}

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_PROFILES; i++)
    ms_test_make_profile (i, &f->profiles[i]);
  f->peer = cdp_test_peer_new ();
  f->peer->responder = respond;
  f->peer->responder_data = f;
  f->endpoint = ms_cdp_endpoint_new ("127.0.0.1", f->peer->port, NULL);
  f->connection = ms_target_connection_new (f->endpoint, NULL);
  ms_target_connection_connect_async (f->connection, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  g_assert_true (ms_target_connection_connect_finish (f->connection, f->result, &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);
  f->recorder = ms_recorder_new (f->connection);
  ms_recorder_set_profile_interval_ms (f->recorder, 150);

  if (GPOINTER_TO_INT (data))
    {
      g_autoptr(GFile) file = NULL;

      f->dir = g_dir_make_tmp ("memscope-timeline-live-XXXXXX", &error);
      g_assert_no_error (error);
      f->path = g_build_filename (f->dir, "live.memscope", NULL);
      file = g_file_new_for_path (f->path);
      g_assert_true (ms_recorder_set_output (f->recorder, file, 1, &error));
      g_assert_no_error (error);
    }

  f->timeline = MS_SNAPSHOT_TIMELINE (ms_snapshot_timeline_new ());
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 120);
  gtk_window_set_child (f->window, GTK_WIDGET (f->timeline));
  gtk_window_present (f->window);
  ms_test_settle (200);
  ms_test_focus_window (f->window);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  gtk_window_destroy (f->window);
  ms_test_settle (50);
  g_clear_object (&f->recorder);
  g_clear_object (&f->connection);
  g_clear_object (&f->result);
  g_clear_pointer (&f->endpoint, ms_cdp_endpoint_unref);
  g_clear_pointer (&f->peer, cdp_test_peer_free);
  if (f->path != NULL)
    g_unlink (f->path);
  if (f->dir != NULL)
    g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gboolean
has_wanted (gpointer user_data)
{
  Fixture *f = user_data;

  return ms_snapshot_timeline_get_n_snapshots (f->timeline) >= f->wanted;
}

static void
wait_for_snapshots (Fixture *f,
                    guint    n)
{
  f->wanted = n;
  g_assert_true (ms_test_wait_for (has_wanted, f, 30));
}

static void
assert_loads (Fixture *f,
              guint    index)
{
  const TestProfile *p = &f->profiles[index % N_PROFILES];
  g_autoptr(MsProfile) profile = ms_test_timeline_load (f->timeline, index);

  g_assert_cmpuint (ms_profile_get_n_samples (profile), ==, p->n_samples);
  g_assert_cmpuint (ms_profile_get_total_bytes (profile), ==, ms_test_sum_totals (p));
}

static void
test_follows (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n;

  ms_snapshot_timeline_set_recorder (f->timeline, f->recorder);
  ms_recorder_start_async (f->recorder, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  g_assert_true (ms_recorder_start_finish (f->recorder, f->result, &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);

  /* It grows with the recording, and the selection follows the newest. */
  wait_for_snapshots (f, 3);
  n = ms_snapshot_timeline_get_n_snapshots (f->timeline);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (f->timeline), ==, n - 1);
  for (guint i = 0; i < n; i++)
    {
      guint n_samples;
      guint64 total;

      g_assert_true (ms_snapshot_timeline_get_snapshot (f->timeline, i, NULL, &n_samples, &total));
      g_assert_cmpuint (n_samples, ==, f->profiles[i % N_PROFILES].n_samples);
      g_assert_cmpuint (total, ==, ms_test_sum_totals (&f->profiles[i % N_PROFILES]));
    }

  /* Scrubbed back with Home, it stays there while profiles come; the old one loads. */
  gtk_widget_grab_focus (GTK_WIDGET (f->timeline));
  ms_test_key (XK_Home, FALSE);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (f->timeline), ==, 0);
  wait_for_snapshots (f, n + 2);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (f->timeline), ==, 0);
  assert_loads (f, 0);
  assert_loads (f, 1);

  /* End follows the newest again. */
  ms_test_key (XK_End, FALSE);
  n = ms_snapshot_timeline_get_n_snapshots (f->timeline);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (f->timeline), ==, n - 1);
  assert_loads (f, n - 1);
  wait_for_snapshots (f, n + 1);
  n = ms_snapshot_timeline_get_n_snapshots (f->timeline);
  g_assert_cmpuint (ms_snapshot_timeline_get_selected (f->timeline), ==, n - 1);

  ms_recorder_stop_async (f->recorder, NULL, got_result, f);
  cdp_test_wait_for_result (&f->result);
  g_assert_true (ms_recorder_stop_finish (f->recorder, f->result, &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);
  /* Every profile the recorder kept is listed, with none missed or doubled. */
  g_assert_cmpuint (ms_snapshot_timeline_get_n_snapshots (f->timeline), ==,
                    ms_recorder_get_profiles (f->recorder)->len);
  assert_loads (f, 2);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/memscope/ui/timeline-live/in-memory", Fixture, GINT_TO_POINTER (FALSE),
              setup, test_follows, teardown);
  g_test_add ("/memscope/ui/timeline-live/to-file", Fixture, GINT_TO_POINTER (TRUE),
              setup, test_follows, teardown);

  return g_test_run ();
}
