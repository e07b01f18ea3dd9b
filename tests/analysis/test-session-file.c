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

/* Every counter of both replies, read with plain loops over their JSON, checked
 * against the series built from @session. */
static void
check_counters (MsSessionFile *session,
                GBytes        *counters_reply,
                GBytes        *leak_reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCounterSeries) series = ms_session_file_build_counter_series (session, 0, &error);
  g_autoptr(JsonParser) dom = json_parser_new ();
  g_autoptr(JsonParser) leak = json_parser_new ();
  const char *dom_names[] = { "documents", "nodes", "jsEventListeners" };
  JsonObject *dom_result;
  JsonArray *counters;
  gint64 time;
  double v;

  g_assert_no_error (error);
  json_parser_load_from_data (dom, g_bytes_get_data (counters_reply, NULL), g_bytes_get_size (counters_reply), &error);
  g_assert_no_error (error);
  json_parser_load_from_data (leak, g_bytes_get_data (leak_reply, NULL), g_bytes_get_size (leak_reply), &error);
  g_assert_no_error (error);
  dom_result = json_object_get_object_member (json_node_get_object (json_parser_get_root (dom)), "result");
  counters = json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (leak)), "result"), "counters");

  for (guint i = 0; i < G_N_ELEMENTS (dom_names); i++)
    {
      g_assert_cmpuint (ms_counter_series_get_n_points (series, dom_names[i]), ==, 1);
      g_assert_true (ms_counter_series_get_point (series, dom_names[i], 0, &time, &v));
      g_assert_cmpint (time, ==, 1700000000000000);
      g_assert_cmpfloat (v, ==, json_object_get_int_member (dom_result, dom_names[i]));
    }
  g_assert_cmpuint (json_array_get_length (counters), >, 0);
  for (guint i = 0; i < json_array_get_length (counters); i++)
    {
      JsonObject *c = json_array_get_object_element (counters, i);
      const char *name = json_object_get_string_member (c, "name");

      g_assert_cmpuint (ms_counter_series_get_n_points (series, name), ==, 1);
      g_assert_true (ms_counter_series_get_point (series, name, 0, &time, &v));
      g_assert_cmpint (time, ==, 1700000001000000);
      g_assert_cmpfloat (v, ==, json_object_get_int_member (c, "count"));
    }
}

/* What make_session() put in, checked on a loaded file. */
static void
check_loaded (MsSessionFile *loaded,
              GBytes        *profile_reply,
              GBytes        *counters_reply,
              GBytes        *leak_reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = NULL;
  g_auto(TestProfile) tp = { 0, };
  gint64 time;
  const char *method;
  const MsAlarmEvent *alarm;
  const char * const *stack;
  guint n_samples = 0;

  g_assert_cmpuint (ms_session_file_get_n_profiles (loaded), ==, 1);
  g_assert_true (bytes_equal_trimmed (profile_reply, ms_session_file_get_profile_reply (loaded, 0, &time, &method)));
  g_assert_cmpint (time, ==, 1700000002000000);
  g_assert_cmpstr (method, ==, "getSamplingProfile");

  g_assert_cmpuint (ms_session_file_get_n_counters (loaded), ==, 2);
  g_assert_true (bytes_equal_trimmed (counters_reply, ms_session_file_get_counters_reply (loaded, 0, &time)));
  g_assert_cmpint (time, ==, 1700000000000000);
  g_assert_true (bytes_equal_trimmed (leak_reply, ms_session_file_get_counters_reply (loaded, 1, &time)));
  g_assert_cmpint (time, ==, 1700000001000000);

  g_assert_cmpstr (json_object_get_string_member (ms_session_file_get_browser (loaded), "Browser"), ==,
                   "Chrome/156.0.8078.79 \"quoted\"");
  g_assert_cmpint (json_object_get_int_member (ms_session_file_get_sampling (loaded), "samplingInterval"), ==, 64);
  g_assert_null (ms_session_file_get_target (loaded));

  g_assert_cmpuint (ms_alarm_list_get_n_events (ms_session_file_get_alarms (loaded)), ==, 1);
  alarm = ms_alarm_list_get_event (ms_session_file_get_alarms (loaded), 0);
  stack = (const char * const *) alarm->stack;
  g_assert_cmpint (alarm->time_us, ==, 1700000002500000);
  g_assert_cmpuint (alarm->size, ==, 24576);
  g_assert_cmpuint (alarm->total, ==, 12288);
  g_assert_cmpstr (stack[0], ==, "0x55dae3ed3c37 <unknown>");
  g_assert_cmpstr (stack[1], ==, "0x55dae3fcc61e posix_memalign");
  g_assert_null (stack[2]);

  /* the embedded profile parses to what the fixture holds: its samples, less <V8 Heap> */
  profile = ms_session_file_load_profile (loaded, 0, &error);
  g_assert_no_error (error);
  test_profile_load_bytes (&tp, profile_reply);
  for (guint i = 0; i < json_array_get_length (tp.samples); i++)
    if (!test_sample_is_v8_heap (json_array_get_object_element (tp.samples, i)))
      n_samples++;
  g_assert_cmpuint (ms_profile_get_n_samples (profile), ==, n_samples);

  check_counters (loaded, counters_reply, leak_reply);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;

  return n;
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
  g_autoptr(MsSessionFile) reloaded = NULL;

  g_assert_no_error (error);
  g_assert_true (ms_session_file_save (session, file, NULL, &error));
  g_assert_no_error (error);
  /* no temporary file is left beside it */
  g_assert_cmpuint (count_files (dir), ==, 1);

  loaded = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  check_loaded (loaded, profile_reply, counters_reply, leak_reply);

  /* saving the loaded session again over the file replaces it with the same content */
  g_assert_true (ms_session_file_save (loaded, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (dir), ==, 1);
  reloaded = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  check_loaded (reloaded, profile_reply, counters_reply, leak_reply);

  g_unlink (path);
  g_rmdir (dir);
}

/* A recording may hold page data: the file is its owner's only, new or replacing
 * a more open one. */
static void
test_private_mode (void)
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "session.memscope", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_true (ms_session_file_save (session, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (ms_session_file_save (session, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  const char     *name;
  const char     *text;   /* a %s, when there is one, becomes 200,000 nested arrays */
  MsAnalysisError code;
  const char     *message;
} BadSession;

#define HEAD "{\"format\":\"memscope-session\",\"version\":1"
#define EMPTY_LISTS "\"counters\":[],\"alarms\":[],\"profiles\":[]}"
#define DEEP_AT(offset) "arrays and objects nest deeper than 512 levels (at byte " #offset ")"
#define NOT_A_TIME(where, value) \
  where ": " value " is not a time between 1970 and 9999 (microseconds since 1970)"

static const BadSession bad_sessions[] = {
  { "empty", "", MS_ANALYSIS_ERROR_EMPTY, "empty input: expected a session file" },
  { "wrong-tag", "{\"format\":\"speedscope\",\"version\":1}", MS_ANALYSIS_ERROR_FORMAT,
    "format: expected \"memscope-session\", got \"speedscope\": not a Memscope session file" },
  { "no-tag", "{\"version\":1}", MS_ANALYSIS_ERROR_MISSING_MEMBER, "missing member \"format\"" },
  { "a-profile", "{\"samples\":[],\"modules\":[]}", MS_ANALYSIS_ERROR_MISSING_MEMBER, "missing member \"format\"" },
  { "future-version", "{\"format\":\"memscope-session\",\"version\":2,\"profiles\":[]}", MS_ANALYSIS_ERROR_VERSION,
    "version: unsupported version 2 (this build reads version 1)" },
  { "version-string", "{\"format\":\"memscope-session\",\"version\":\"1\"}", MS_ANALYSIS_ERROR_WRONG_TYPE,
    "version: expected an integer, got a string" },
  { "missing-profiles", HEAD ",\"counters\":[],\"alarms\":[]}", MS_ANALYSIS_ERROR_MISSING_MEMBER,
    "missing member \"profiles\"" },
  { "profiles-object", HEAD ",\"counters\":[],\"alarms\":[],\"profiles\":{}}", MS_ANALYSIS_ERROR_WRONG_TYPE,
    "profiles: expected an array, got an object" },
  { "reply-missing", HEAD ",\"counters\":[],\"alarms\":[],\"profiles\":[{\"time\":1,\"method\":\"m\"}]}",
    MS_ANALYSIS_ERROR_MISSING_MEMBER, "profiles[0]: missing member \"reply\"" },
  { "time-string", HEAD ",\"counters\":[{\"time\":\"now\",\"reply\":{}}],\"alarms\":[],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_WRONG_TYPE, "counters[0].time: expected an integer, got a string" },
  { "alarm-negative", HEAD ",\"counters\":[],\"alarms\":[{\"time\":1,\"size\":-1,\"total\":1,\"stack\":[]}],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, "alarms[0].size: expected a non-negative integer, got -1" },
  { "browser-array", HEAD ",\"browser\":[]," EMPTY_LISTS,
    MS_ANALYSIS_ERROR_WRONG_TYPE, "browser: expected an object, got an array" },
  { "truncated", HEAD ",\"counters\":[],\"alarms\":[],\"profiles\":[{\"time\":1,\"method\":\"m\",\"reply\":{\"id\":1,",
    MS_ANALYSIS_ERROR_TRUNCATED, "truncated" },
  /* what json-glib reads is nested at most 512 levels */
  { "deep-browser", HEAD ",\"browser\":{\"a\":%s}," EMPTY_LISTS, MS_ANALYSIS_ERROR_TOO_DEEP,
    "browser: " DEEP_AT (516) },
  { "deep-target", HEAD ",\"target\":{\"a\":%s}," EMPTY_LISTS, MS_ANALYSIS_ERROR_TOO_DEEP,
    "target: " DEEP_AT (516) },
  { "deep-sampling", HEAD ",\"sampling\":{\"a\":%s}," EMPTY_LISTS, MS_ANALYSIS_ERROR_TOO_DEEP,
    "sampling: " DEEP_AT (516) },
  { "deep-alarm-stack", HEAD ",\"counters\":[],\"alarms\":[{\"time\":1,\"size\":1,\"total\":1,\"stack\":%s}],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_TOO_DEEP, "alarms[0].stack: " DEEP_AT (512) },
  /* times are microseconds since 1970, up to the end of 9999 */
  { "counter-time-max", HEAD ",\"counters\":[{\"time\":9223372036854775807,\"reply\":{}}],\"alarms\":[],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, NOT_A_TIME ("counters[0].time", "9223372036854775807") },
  { "counter-time-min", HEAD ",\"counters\":[{\"time\":-9223372036854775808,\"reply\":{}}],\"alarms\":[],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, NOT_A_TIME ("counters[0].time", "-9223372036854775808") },
  { "counter-time-year-10000", HEAD ",\"counters\":[{\"time\":253402300800000000,\"reply\":{}}],\"alarms\":[],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, NOT_A_TIME ("counters[0].time", "253402300800000000") },
  { "profile-time-negative", HEAD ",\"counters\":[],\"alarms\":[],\"profiles\":[{\"time\":-1,\"method\":\"m\",\"reply\":{}}]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, NOT_A_TIME ("profiles[0].time", "-1") },
  { "alarm-time-min", HEAD ",\"counters\":[],\"alarms\":[{\"time\":-9223372036854775808,\"size\":1,\"total\":1,\"stack\":[]}],\"profiles\":[]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, NOT_A_TIME ("alarms[0].time", "-9223372036854775808") },
};

static char *
deep_arrays (guint levels)
{
  GString *deep = g_string_sized_new (2 * levels);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (deep, ']');

  return g_string_free (deep, FALSE);
}

static char *
bad_session_text (const BadSession *row)
{
  const char *hole = strstr (row->text, "%s");
  g_autofree char *deep = NULL;

  if (hole == NULL)
    return g_strdup (row->text);

  deep = deep_arrays (200000);
  return g_strdup_printf ("%.*s%s%s", (int)(hole - row->text), row->text, deep, hole + 2);
}

static void
test_bad (gconstpointer data)
{
  const BadSession *row = data;
  g_autofree char *text = bad_session_text (row);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSessionFile) s = ms_session_file_new_from_data (text, strlen (text), &error);

  g_assert_null (s);
  g_assert_error (error, MS_ANALYSIS_ERROR, (gint)row->code);
  if (row->code == MS_ANALYSIS_ERROR_TRUNCATED)
    g_assert_nonnull (strstr (error->message, row->message));
  else
    g_assert_cmpstr (error->message, ==, row->message);
}

/* A counters reply is read when its series is built: nested too deep, it is
 * refused there, naming the reply, and never added in the first place. */
static void
test_deep_counters_reply (void)
{
  g_autofree char *deep = deep_arrays (200000);
  g_autofree char *reply = g_strdup_printf ("{\"id\":1,\"result\":{\"documents\":1,\"x\":%s}}", deep);
  g_autofree char *text = g_strdup_printf (HEAD ",\"counters\":[{\"time\":1,\"reply\":%s}],\"alarms\":[],\"profiles\":[]}", reply);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSessionFile) s = ms_session_file_new_from_data (text, strlen (text), &error);
  g_autoptr(MsCounterSeries) series = NULL;
  g_autoptr(MsSessionFile) fresh = ms_session_file_new ();
  g_autoptr(GBytes) bytes = g_bytes_new_static (reply, strlen (reply));

  g_assert_no_error (error);
  series = ms_session_file_build_counter_series (s, 0, &error);
  g_assert_null (series);
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_DEEP);
  /* the 511th bracket after {"id":1,"result":{"documents":1,"x": (36 bytes) */
  g_assert_cmpstr (error->message, ==, "counters[0].reply: counters: " DEEP_AT (546));
  g_clear_error (&error);

  g_assert_false (ms_session_file_add_counters_reply (fresh, 1, bytes, &error));
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==, "counters reply: " DEEP_AT (546));
  g_assert_cmpuint (ms_session_file_get_n_counters (fresh), ==, 0);
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
  g_test_add_func ("/memscope/session-file/private-mode", test_private_mode);
  g_test_add_func ("/memscope/session-file/deep-counters-reply", test_deep_counters_reply);
  for (guint i = 0; i < G_N_ELEMENTS (bad_sessions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/session-file/bad/%s", bad_sessions[i].name);

      g_test_add_data_func (path, &bad_sessions[i], test_bad);
    }
  g_test_add_func ("/memscope/session-file/truncated-file", test_truncated_file);
  g_test_add_func ("/memscope/session-file/rejects-bad-reply", test_rejects_bad_reply);

  return g_test_run ();
}
