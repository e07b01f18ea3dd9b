/* recorder-crash-helper.c: records from an in-process peer until killed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: recorder-crash-helper FILE
 *
 * Serves a DevTools peer in this process, records it into FILE with a profile every
 * quarter second, and runs until killed. On stdout (unbuffered): "started" once
 * recording, "sent N" just before the N-th profile reply goes out. Profile N is
 * the small fixture with a first sample of 1000 + N bytes, so a reader can check
 * which reply is which. test-recorder-crash.c kills it with SIGKILL at random.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ms-recorder.h"

#include "cdp-test-peer.h"

static char *profile_template;   /* the fixture's result, with a %u sample first */
static guint n_profiles;

static void
say (const char *line)
{
  if (write (STDOUT_FILENO, line, strlen (line)) < 0)
    g_error ("cannot write to stdout");
}

static void
responder (CdpTestPeer *peer, gint64 id, const char *method, JsonObject *params, gpointer data)
{
  if (g_str_equal (method, "Memory.getDOMCounters"))
    cdp_test_peer_reply_result (peer, id, "{\"documents\":2,\"nodes\":4012,\"jsEventListeners\":2000}");
  else if (g_str_equal (method, "Memory.getSamplingProfile"))
    {
      g_autofree char *line = g_strdup_printf ("sent %u\n", ++n_profiles);
      g_autoptr(GString) result = g_string_new (profile_template);
      g_autofree char *sample = g_strdup_printf ("\"samples\":[{\"size\":%u,\"total\":%u,"
                                                 "\"stack\":[\"0x55dae3ed3c37 <unknown>\"]},",
                                                 1000 + n_profiles, 1000 + n_profiles);

      g_string_replace (result, "\"samples\":[", sample, 1);
      say (line);
      cdp_test_peer_reply_result (peer, id, result->str);
    }
  else
    cdp_test_peer_reply_result (peer, id, "{}");
}

static void
got_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

int
main (int argc, char *argv[])
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) result_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  GAsyncResult *result = NULL;
  CdpTestPeer *peer;
  MsCdpEndpoint *endpoint;
  MsTargetConnection *session;
  MsRecorder *recorder;

  if (argc != 2)
    g_error ("usage: %s FILE", argv[0]);

  contents = cdp_test_fixture_contents ("small/getSamplingProfile.json", NULL);
  root = json_from_string (contents, NULL);
  json_node_set_object (result_node, json_object_get_object_member (json_node_get_object (root), "result"));
  profile_template = json_to_string (result_node, FALSE);

  peer = cdp_test_peer_new ();
  peer->responder = responder;
  endpoint = ms_cdp_endpoint_new ("127.0.0.1", peer->port, NULL);
  session = ms_target_connection_new (endpoint, NULL);
  ms_target_connection_connect_async (session, NULL, got_result, &result);
  cdp_test_wait_for_result (&result);
  if (!ms_target_connection_connect_finish (session, result, &error))
    g_error ("connect: %s", error->message);
  g_clear_object (&result);

  recorder = ms_recorder_new (session);
  file = g_file_new_for_path (argv[1]);
  if (!ms_recorder_set_output (recorder, file, 0, &error))
    g_error ("output: %s", error->message);
  ms_recorder_set_profile_interval_ms (recorder, 250);
  ms_recorder_set_counter_interval (recorder, 1);
  ms_recorder_start_async (recorder, NULL, got_result, &result);
  cdp_test_wait_for_result (&result);
  if (!ms_recorder_start_finish (recorder, result, &error))
    g_error ("start: %s", error->message);
  g_clear_object (&result);
  say ("started\n");

  for (;;)
    g_main_context_iteration (NULL, TRUE);
}
