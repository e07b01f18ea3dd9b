/* test-session-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ms-analysis-error.h"
#include "ms-session-file.h"

#include "test-util.h"

static gboolean
bytes_equal_trimmed (GBytes *original,
                     GBytes *loaded)
{
  gsize a_len, b_len;
  const char *a = g_bytes_get_data (original, &a_len);
  const char *b = g_bytes_get_data (loaded, &b_len);

  while (a_len > 0 && strchr (" \t\r\n", a[a_len - 1]) != NULL)
    a_len--;

  return a_len == b_len && memcmp (a, b, a_len) == 0;
}

static MsSessionFile *
make_session (GBytes **profile_reply,
              GBytes **counters_reply,
              GBytes **leak_reply)
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) browser = json_object_new ();
  g_autoptr(JsonObject) sampling = json_object_new ();
  const char *stack[] = { "0x55dae3ed3c37 <unknown>", "0x55dae3fcc61e posix_memalign", NULL };

  *profile_reply = test_load_fixture ("large/getSamplingProfile.json.gz");
  *counters_reply = test_load_fixture ("small/getDOMCounters.json");
  *leak_reply = test_load_fixture ("small/getDOMCountersForLeakDetection.json");

  json_object_set_string_member (browser, "Browser", "Chrome/156.0.8078.79 \"quoted\"");
  json_object_set_int_member (sampling, "samplingInterval", 64);
  ms_session_file_set_browser (session, browser);
  ms_session_file_set_sampling (session, sampling);

  g_assert_true (ms_session_file_add_counters_reply (session, 1700000000000000, *counters_reply, &error));
  g_assert_true (ms_session_file_add_counters_reply (session, 1700000001000000, *leak_reply, &error));
  g_assert_true (ms_session_file_add_profile_reply (session, 1700000002000000, "getSamplingProfile", *profile_reply, &error));
  g_assert_no_error (error);
  ms_session_file_add_alarm_event (session, 1700000002500000, 24576, 12288, stack);

  return g_steal_pointer (&session);
}

static void
test_round_trip (void)
{
  g_autoptr(GBytes) profile_reply = NULL, counters_reply = NULL, leak_reply = NULL;
  g_autoptr(MsSessionFile) session = make_session (&profile_reply, &counters_reply, &leak_reply);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "session.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsSessionFile) loaded = NULL;
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsCounterSeries) series = NULL;
  g_auto(TestProfile) tp = { 0, };
  gint64 time;
  const char *method;
  guint64 size, total;
  const char * const *stack;
  double v;

  g_assert_no_error (error);
  g_assert_true (ms_session_file_save (session, file, NULL, &error));
  g_assert_no_error (error);
  /* no temporary file is left beside it */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    guint n = 0;
    while (g_dir_read_name (d) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }

  loaded = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ms_session_file_get_n_profiles (loaded), ==, 1);
  g_assert_true (bytes_equal_trimmed (profile_reply, ms_session_file_get_profile_reply (loaded, 0, &time, &method)));
  g_assert_cmpint (time, ==, 1700000002000000);
  g_assert_cmpstr (method, ==, "getSamplingProfile");

  g_assert_cmpuint (ms_session_file_get_n_counters (loaded), ==, 2);
  g_assert_true (bytes_equal_trimmed (counters_reply, ms_session_file_get_counters_reply (loaded, 0, &time)));
  g_assert_cmpint (time, ==, 1700000000000000);
  g_assert_true (bytes_equal_trimmed (leak_reply, ms_session_file_get_counters_reply (loaded, 1, NULL)));

  g_assert_cmpstr (json_object_get_string_member (ms_session_file_get_browser (loaded), "Browser"), ==,
                   "Chrome/156.0.8078.79 \"quoted\"");
  g_assert_cmpint (json_object_get_int_member (ms_session_file_get_sampling (loaded), "samplingInterval"), ==, 64);
  g_assert_null (ms_session_file_get_target (loaded));

  g_assert_cmpuint (ms_session_file_get_n_alarm_events (loaded), ==, 1);
  stack = ms_session_file_get_alarm_event (loaded, 0, &time, &size, &total);
  g_assert_cmpint (time, ==, 1700000002500000);
  g_assert_cmpuint (size, ==, 24576);
  g_assert_cmpuint (total, ==, 12288);
  g_assert_cmpstr (stack[1], ==, "0x55dae3fcc61e posix_memalign");
  g_assert_null (stack[2]);

  /* the embedded profile parses to what the fixture holds */
  profile = ms_session_file_load_profile (loaded, 0, &error);
  g_assert_no_error (error);
  test_profile_load_bytes (&tp, profile_reply);
  g_assert_cmpuint (ms_profile_get_n_samples (profile), ==, json_array_get_length (tp.samples));

  series = ms_session_file_build_counter_series (loaded, 0, &error);
  g_assert_no_error (error);
  g_assert_true (ms_counter_series_get_point (series, "nodes", 0, &time, &v));
  g_assert_cmpfloat (v, ==, 4012);
  g_assert_true (ms_counter_series_get_point (series, "live_nodes", 0, &time, &v));
  g_assert_cmpfloat (v, ==, 8008);
  g_assert_cmpint (time, ==, 1700000001000000);

  /* saving again over the file replaces it */
  g_assert_true (ms_session_file_save (loaded, file, NULL, &error));
  g_assert_no_error (error);

  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  const char     *name;
  const char     *text;
  MsAnalysisError code;
  const char     *message;
} BadSession;

#define HEAD "{\"format\":\"memscope-session\",\"version\":1"

static const BadSession bad_sessions[] = {
  { "empty", "", MS_ANALYSIS_ERROR_EMPTY, "empty input" },
  { "wrong tag", "{\"format\":\"speedscope\",\"version\":1}", MS_ANALYSIS_ERROR_FORMAT,
    "format: expected \"memscope-session\", got \"speedscope\"" },
  { "no tag", "{\"version\":1}", MS_ANALYSIS_ERROR_MISSING_MEMBER, "missing member \"format\"" },
  { "a profile", "{\"samples\":[],\"modules\":[]}", MS_ANALYSIS_ERROR_MISSING_MEMBER, "missing member \"format\"" },
  { "future version", "{\"format\":\"memscope-session\",\"version\":2,\"profiles\":[]}", MS_ANALYSIS_ERROR_VERSION,
    "version: unsupported version 2 (this build reads version 1)" },
  { "version string", "{\"format\":\"memscope-session\",\"version\":\"1\"}", MS_ANALYSIS_ERROR_WRONG_TYPE,
    "version: expected an integer, got a string" },
  { "missing profiles", HEAD ",\"counters\":[],\"alarms\":[]}", MS_ANALYSIS_ERROR_MISSING_MEMBER,
    "missing member \"profiles\"" },
  { "profiles object", HEAD ",\"counters\":[],\"alarms\":[],\"profiles\":{}}", MS_ANALYSIS_ERROR_WRONG_TYPE,
    "profiles: expected an array, got an object" },
  { "reply missing", HEAD ",\"counters\":[],\"alarms\":[],\"profiles\":[{\"time\":1,\"method\":\"m\"}]}",
    MS_ANALYSIS_ERROR_MISSING_MEMBER, "profiles[0]: missing member \"reply\"" },
  { "time string", HEAD ",\"counters\":[{\"time\":\"now\",\"reply\":{}}],\"alarms\":[],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_WRONG_TYPE, "counters[0].time: expected an integer, got a string" },
  { "alarm negative", HEAD ",\"counters\":[],\"alarms\":[{\"time\":1,\"size\":-1,\"total\":1,\"stack\":[]}],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, "alarms[0].size: expected a non-negative integer, got -1" },
  { "browser array", HEAD ",\"browser\":[],\"counters\":[],\"alarms\":[],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_WRONG_TYPE, "browser: expected an object, got an array" },
  { "truncated", HEAD ",\"counters\":[],\"alarms\":[],\"profiles\":[{\"time\":1,\"method\":\"m\",\"reply\":{\"id\":1,",
    MS_ANALYSIS_ERROR_TRUNCATED, "truncated" },
};

static void
test_bad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_sessions); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsSessionFile) s = ms_session_file_new_from_data (bad_sessions[i].text, strlen (bad_sessions[i].text), &error);

      g_test_message ("%s: %s", bad_sessions[i].name, error ? error->message : "(none)");
      g_assert_null (s);
      g_assert_error (error, MS_ANALYSIS_ERROR, (gint)bad_sessions[i].code);
      if (strstr (error->message, bad_sessions[i].message) == NULL)
        g_error ("%s: expected \"%s\" in \"%s\"", bad_sessions[i].name, bad_sessions[i].message, error->message);
    }
}

/* a saved file cut anywhere is refused as truncated */
static void
test_truncated_file (void)
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GBytes) reply = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  const char *data;

  g_assert_true (ms_session_file_add_profile_reply (session, 1, "getSamplingProfile", reply, NULL));
  bytes = ms_session_file_to_bytes (session);
  data = g_bytes_get_data (bytes, &len);

  for (gsize cut = 1; cut < len - 2; cut += len / 7)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsSessionFile) s = ms_session_file_new_from_data (data, cut, &error);

      g_assert_null (s);
      g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED);
    }
}

static void
test_rejects_bad_reply (void)
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GBytes) bad = g_bytes_new_static ("{\"id\":1,", 8);
  g_autoptr(GBytes) array = g_bytes_new_static ("[1]", 3);
  g_autoptr(GError) error = NULL;

  g_assert_false (ms_session_file_add_profile_reply (session, 1, "m", bad, &error));
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED);
  g_clear_error (&error);
  g_assert_false (ms_session_file_add_counters_reply (session, 1, array, &error));
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE);
  g_assert_cmpuint (ms_session_file_get_n_profiles (session), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/session-file/round-trip", test_round_trip);
  g_test_add_func ("/memscope/session-file/bad", test_bad);
  g_test_add_func ("/memscope/session-file/truncated-file", test_truncated_file);
  g_test_add_func ("/memscope/session-file/rejects-bad-reply", test_rejects_bad_reply);

  return g_test_run ();
}
