/* test-profile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ms-analysis-error.h"
#include "ms-profile.h"
#include "ms-profile-private.h"
#include "ms-session-file.h"

#include "test-util.h"

typedef struct
{
  guint   n_samples;
  guint64 total_bytes;
  guint64 total_size;
  guint   n_unique_frames;
  gboolean has_v8;
  guint64 v8_size;
  guint64 v8_total;
} Expected;

static void
expected_from_json (TestProfile *tp,
                    Expected    *e)
{
  g_autoptr(GHashTable) frames = g_hash_table_new (g_str_hash, g_str_equal);

  memset (e, 0, sizeof *e);
  for (guint i = 0; i < json_array_get_length (tp->samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp->samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");

      if (test_sample_is_v8_heap (s))
        {
          e->has_v8 = TRUE;
          e->v8_size = json_object_get_int_member (s, "size");
          e->v8_total = json_object_get_int_member (s, "total");
          continue;
        }

      e->n_samples++;
      e->total_bytes += json_object_get_int_member (s, "total");
      e->total_size += json_object_get_int_member (s, "size");
      for (guint k = 0; k < json_array_get_length (stack); k++)
        g_hash_table_add (frames, (gpointer)json_array_get_string_element (stack, k));
    }
  e->n_unique_frames = g_hash_table_size (frames);
}

static void
assert_matches (MsProfile   *profile,
                TestProfile *tp)
{
  Expected e;
  guint64 size = 0, total = 0;

  expected_from_json (tp, &e);

  g_assert_cmpuint (ms_profile_get_n_samples (profile), ==, e.n_samples);
  g_assert_cmpuint (ms_profile_get_total_bytes (profile), ==, e.total_bytes);
  g_assert_cmpuint (ms_profile_get_total_size (profile), ==, e.total_size);
  g_assert_cmpuint (ms_profile_get_n_frames (profile), ==, e.n_unique_frames);
  g_assert_cmpint (ms_profile_get_v8_heap (profile, &size, &total), ==, e.has_v8);
  g_assert_cmpuint (size, ==, e.v8_size);
  g_assert_cmpuint (total, ==, e.v8_total);

  /* every sample, in order, with its frames (leaf first) */
  for (guint i = 0, k = 0; i < json_array_get_length (tp->samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp->samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");
      const guint32 *frames;
      guint n;

      if (test_sample_is_v8_heap (s))
        continue;

      frames = ms_profile_get_sample (profile, k++, &size, &total, &n);
      g_assert_cmpuint (size, ==, json_object_get_int_member (s, "size"));
      g_assert_cmpuint (total, ==, json_object_get_int_member (s, "total"));
      g_assert_cmpuint (n, ==, json_array_get_length (stack));
      /* frame by frame on a sample of the samples: every one for small
       * profiles, every 97th for the large one (keeps the test quick) */
      if (json_array_get_length (tp->samples) > 1000 && i % 97 != 0)
        continue;
      for (guint f = 0; f < n; f++)
        {
          const char *text = json_array_get_string_element (stack, f);
          const char *name = NULL;
          const char *address = ms_profile_get_frame (profile, frames[f], NULL, NULL, NULL, &name);
          g_autofree char *joined = g_strdup_printf ("%s %s", address, name);

          g_assert_cmpstr (joined, ==, text);
        }
    }

  /* modules: build-id is the uuid minus its age digit, in lower case */
  g_assert_cmpuint (ms_profile_get_n_modules (profile), ==, json_array_get_length (tp->modules));
  for (guint m = 0; m < json_array_get_length (tp->modules); m++)
    {
      JsonObject *mo = json_array_get_object_element (tp->modules, m);
      const char *uuid = json_object_get_string_member (mo, "uuid");
      g_autofree char *want_id = g_ascii_strdown (uuid, strlen (uuid) - 1);
      const char *build_id;
      guint64 base, msize;
      const char *name = ms_profile_get_module (profile, m, &build_id, &base, &msize);

      g_assert_cmpstr (name, ==, json_object_get_string_member (mo, "name"));
      g_assert_cmpstr (build_id, ==, want_id);
      g_assert_cmpuint (base, ==, g_ascii_strtoull (json_object_get_string_member (mo, "baseAddress") + 2, NULL, 16));
      g_assert_cmpuint (msize, ==, (guint64)json_object_get_int_member (mo, "size"));
    }
}

static void
test_small_reply (void)
{
  const char *names[] = { "small/getSamplingProfile.json", "small/getAllTimeSamplingProfile.json",
                          "small/getBrowserSamplingProfile.json" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = test_load_fixture (names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (bytes, &error);
      g_auto(TestProfile) tp = { 0, };

      g_assert_no_error (error);
      test_profile_load_bytes (&tp, bytes);
      assert_matches (profile, &tp);
    }
}

static GBytes *
gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GInputStream) base = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (base, G_CONVERTER (z));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* A raw reply, a {"profile": …} result, a bare profile, and each gzipped. */
static void
test_input_forms (void)
{
  g_autoptr(GBytes) reply = test_load_fixture ("small/getAllTimeSamplingProfile.json");
  g_auto(TestProfile) tp = { 0, };
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) bare = NULL;
  g_autoptr(JsonNode) wrapped = NULL;
  g_autoptr(JsonObject) wrapper = json_object_new ();
  GBytes *forms[3];

  test_profile_load_bytes (&tp, reply);
  bare = json_node_alloc ();
  json_node_init_object (bare, tp.profile);
  json_object_set_object_member (wrapper, "profile", json_object_ref (tp.profile));
  wrapped = json_node_alloc ();
  json_node_init_object (wrapped, wrapper);

  forms[0] = g_bytes_ref (reply);
  json_generator_set_root (gen, bare);
  {
    gsize len;
    char *text = json_generator_to_data (gen, &len);
    forms[1] = g_bytes_new_take (text, len);
  }
  json_generator_set_root (gen, wrapped);
  {
    gsize len;
    char *text = json_generator_to_data (gen, &len);
    forms[2] = g_bytes_new_take (text, len);
  }

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GBytes) gz = gzip_bytes (forms[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsProfile) plain = ms_profile_new_from_bytes (forms[i], &error);
      g_autoptr(MsProfile) compressed = NULL;

      g_assert_no_error (error);
      assert_matches (plain, &tp);

      compressed = ms_profile_new_from_bytes (gz, &error);
      g_assert_no_error (error);
      assert_matches (compressed, &tp);
      g_bytes_unref (forms[i]);
    }
}

static void
test_large_gz_file (void)
{
  g_autofree char *path = test_fixture_path ("large/getSamplingProfile.json.gz");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = ms_profile_new_from_file (file, NULL, &error);
  g_autoptr(GBytes) bytes = test_load_fixture ("large/getSamplingProfile.json.gz");
  g_auto(TestProfile) tp = { 0, };

  g_assert_no_error (error);
  test_profile_load_bytes (&tp, bytes);
  assert_matches (profile, &tp);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  MsProfile **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = ms_profile_new_from_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *path = test_fixture_path ("small/getSamplingProfile.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = test_load_fixture ("small/getSamplingProfile.json");
  g_auto(TestProfile) tp = { 0, };
  MsProfile *profile = NULL;

  ms_profile_new_from_file_async (file, NULL, on_loaded, &profile);
  while (profile == NULL)
    g_main_context_iteration (NULL, TRUE);

  test_profile_load_bytes (&tp, bytes);
  assert_matches (profile, &tp);
  g_object_unref (profile);
}

/* Each label of @mode, for every frame of every sample, against the label
 * computed from the frame's JSON string; the main executable is @main_name. */
static void
check_labels (MsProfile   *profile,
              TestProfile *tp,
              MsLabelMode  mode,
              const char  *main_name)
{
  for (guint i = 0, k = 0; i < json_array_get_length (tp->samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp->samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");
      const guint32 *frames;
      guint n;

      if (test_sample_is_v8_heap (s))
        continue;
      frames = ms_profile_get_sample (profile, k++, NULL, NULL, &n);
      g_assert_cmpuint (n, ==, json_array_get_length (stack));
      for (guint f = 0; f < n; f++)
        {
          const char *text = json_array_get_string_element (stack, f);
          g_autofree char *label = ms_profile_dup_frame_label (profile, frames[f], mode);
          g_autofree char *want = NULL;

          if (mode == MS_LABEL_MODE_SYMBOL)
            want = test_symbol_label (tp, text);
          else if (mode == MS_LABEL_MODE_ADDRESS)
            want = g_strndup (text, strcspn (text, " "));
          else
            {
              want = test_module_display (tp, text, main_name, NULL);
              if (want == NULL)
                want = g_strdup ("<no module>");
            }
          g_assert_cmpstr (label, ==, want);
        }
    }
}

static void
test_labels (void)
{
  g_autoptr(GBytes) bytes = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (bytes, NULL);
  g_auto(TestProfile) tp = { 0, };
  JsonArray *first_stack;
  const guint32 *frames;
  const char *fn = NULL, *file = NULL;
  guint line = 0;
  g_autofree char *label = NULL;

  test_profile_load_bytes (&tp, bytes);

  check_labels (profile, &tp, MS_LABEL_MODE_SYMBOL, NULL);
  check_labels (profile, &tp, MS_LABEL_MODE_ADDRESS, NULL);
  check_labels (profile, &tp, MS_LABEL_MODE_MODULE, NULL);
  /* the browser's name replaces chromium-<build-id> for its executable */
  ms_profile_set_browser_name (profile, "Chromium 156");
  check_labels (profile, &tp, MS_LABEL_MODE_MODULE, "Chromium 156");

  /* an externally resolved symbol wins over the frame's own name */
  first_stack = json_object_get_array_member (json_array_get_object_element (tp.samples, 0), "stack");
  g_assert_false (test_sample_is_v8_heap (json_array_get_object_element (tp.samples, 0)));
  frames = ms_profile_get_sample (profile, 0, NULL, NULL, NULL);
  ms_profile_set_frame_symbol (profile, frames[0], "blink::Node::Create", "node.cc", 42);
  label = ms_profile_dup_frame_label (profile, frames[0], MS_LABEL_MODE_SYMBOL);
  g_assert_cmpstr (label, ==, "blink::Node::Create");
  g_assert_true (ms_profile_get_frame_symbol (profile, frames[0], &fn, &file, &line));
  g_assert_cmpstr (fn, ==, "blink::Node::Create");
  g_assert_cmpstr (file, ==, "node.cc");
  g_assert_cmpuint (line, ==, 42);
  g_clear_pointer (&label, g_free);
  /* and its address label stays what the protocol wrote */
  label = ms_profile_dup_frame_label (profile, frames[0], MS_LABEL_MODE_ADDRESS);
  {
    const char *text = json_array_get_string_element (first_stack, 0);
    g_autofree char *address = g_strndup (text, strcspn (text, " "));

    g_assert_cmpstr (label, ==, address);
  }
}

static void
test_module_forms (void)
{
  const char *json =
    "{\"samples\":[{\"size\":8,\"total\":16,\"stack\":[\"0x1010 <unknown>\",\"0x2005 <unknown>\",\"0x9999 <unknown>\"]}],"
    "\"modules\":[{\"name\":\"/usr/lib/libfoo.so.1\",\"uuid\":\"ABCDEF01\",\"baseAddress\":\"4096\",\"size\":256},"
    "{\"name\":\"/opt/chromium/chrome --type=renderer\",\"uuid\":\"0123456789abcdef0\",\"baseAddress\":\"0x2000\",\"size\":16}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = ms_profile_new_from_data (json, strlen (json), &error);
  const guint32 *frames;
  g_autofree char *l0 = NULL, *l1 = NULL, *l2 = NULL;

  g_assert_no_error (error);
  frames = ms_profile_get_sample (profile, 0, NULL, NULL, NULL);
  l0 = ms_profile_dup_frame_label (profile, frames[0], MS_LABEL_MODE_SYMBOL);
  l1 = ms_profile_dup_frame_label (profile, frames[1], MS_LABEL_MODE_SYMBOL);
  l2 = ms_profile_dup_frame_label (profile, frames[2], MS_LABEL_MODE_SYMBOL);
  g_assert_cmpstr (l0, ==, "libfoo.so.1+0x10");
  g_assert_cmpstr (l1, ==, "chromium-01234567+0x5");
  g_assert_cmpstr (l2, ==, "0x9999");
}

typedef struct
{
  const char     *name;
  const char     *json;
  MsAnalysisError code;
  const char     *message;
} BadInput;

#define S(x) "{\"samples\":[" x "],\"modules\":[]}"
#define OK_SAMPLE "{\"size\":1,\"total\":2,\"stack\":[\"0x1 a\"]}"

static const BadInput bad_inputs[] = {
  { "empty", "", MS_ANALYSIS_ERROR_EMPTY, "empty input" },
  { "white space", " \n\t ", MS_ANALYSIS_ERROR_EMPTY, "empty input" },
  { "size string", S ("{\"size\":\"12\",\"total\":2,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_WRONG_TYPE, "samples[0].size: expected a number, got a string" },
  { "negative size", S (OK_SAMPLE ",{\"size\":-5,\"total\":2,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_VALUE, "samples[1].size: expected a non-negative integer, got -5" },
  { "fraction", S ("{\"size\":1,\"total\":1.5,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_VALUE, "samples[0].total: expected a non-negative integer, got 1.5" },
  { "too large", S ("{\"size\":1e300,\"total\":1,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_VALUE, "samples[0].size: expected a non-negative integer, got 1e300: too large" },
  { "size 1e20", S ("{\"size\":1e20,\"total\":1,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_VALUE, "samples[0].size: expected a non-negative integer, got 1e20: too large" },
  { "total 1.8446744073709552e19", S ("{\"size\":1,\"total\":1.8446744073709552e19,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_VALUE, "samples[0].total: expected a non-negative integer, got 1.8446744073709552e19: too large" },
  { "size -1e20", S ("{\"size\":-1e20,\"total\":1,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_VALUE, "samples[0].size: expected a non-negative integer, got -1e20" },
  { "beyond 2^53", S ("{\"size\":18446744073709551615,\"total\":1,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_VALUE, "too large" },
  { "NaN literal", S ("{\"size\":NaN,\"total\":1,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_SYNTAX, "samples[0].size: not JSON" },
  { "null total", S ("{\"size\":1,\"total\":null,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_WRONG_TYPE, "samples[0].total: expected a number, got null" },
  { "non-hex address", S ("{\"size\":1,\"total\":2,\"stack\":[\"0xzz12 malloc\"]}"),
    MS_ANALYSIS_ERROR_INVALID_ADDRESS, "samples[0].stack[0]: expected \"0x<hex address> <name>\", got \"0xzz12 malloc\"" },
  { "no 0x", S (OK_SAMPLE "," OK_SAMPLE ",{\"size\":1,\"total\":2,\"stack\":[\"0x1 a\",\"1234 malloc\"]}"),
    MS_ANALYSIS_ERROR_INVALID_ADDRESS, "samples[2].stack[1]: expected \"0x<hex address> <name>\"" },
  { "address too long", S ("{\"size\":1,\"total\":2,\"stack\":[\"0x12345678901234567 a\"]}"),
    MS_ANALYSIS_ERROR_INVALID_ADDRESS, "samples[0].stack[0]" },
  { "empty stack", S ("{\"size\":1,\"total\":2,\"stack\":[]}"),
    MS_ANALYSIS_ERROR_EMPTY_STACK, "samples[0].stack: a sample needs at least one frame" },
  { "stack object", S ("{\"size\":1,\"total\":2,\"stack\":{}}"),
    MS_ANALYSIS_ERROR_WRONG_TYPE, "samples[0].stack: expected an array, got an object" },
  { "frame number", S ("{\"size\":1,\"total\":2,\"stack\":[\"0x1 a\",7]}"),
    MS_ANALYSIS_ERROR_WRONG_TYPE, "samples[0].stack[1]: expected a string, got a number" },
  { "V8 heap inside a stack", S ("{\"size\":1,\"total\":2,\"stack\":[\"0x1 a\",\"<V8 Heap>\"]}"),
    MS_ANALYSIS_ERROR_INVALID_ADDRESS, "samples[0].stack[1]" },
  { "missing total", S ("{\"size\":1,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_MISSING_MEMBER, "samples[0]: missing member \"total\"" },
  { "duplicate size", S ("{\"size\":1,\"size\":1,\"total\":2,\"stack\":[\"0x1 a\"]}"),
    MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, "samples[0]: member \"size\" appears twice" },
  { "sample string", S ("\"x\""), MS_ANALYSIS_ERROR_WRONG_TYPE, "samples[0]: expected an object, got a string" },
  { "samples string", "{\"samples\":\"many\",\"modules\":[]}",
    MS_ANALYSIS_ERROR_WRONG_TYPE, "samples: expected an array, got a string" },
  { "missing modules", "{\"samples\":[]}", MS_ANALYSIS_ERROR_MISSING_MEMBER, "missing member \"modules\"" },
  { "bad base address", "{\"samples\":[],\"modules\":[{\"name\":\"a\",\"uuid\":\"00\",\"baseAddress\":\"zz\",\"size\":1}]}",
    MS_ANALYSIS_ERROR_INVALID_ADDRESS, "modules[0].baseAddress: expected \"0x<hex>\" or a decimal string, got \"zz\"" },
  { "bad uuid", "{\"samples\":[],\"modules\":[{\"name\":\"a\",\"uuid\":\"xyz\",\"baseAddress\":\"0x1\",\"size\":1}]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, "modules[0].uuid: expected hex digits" },
  { "module size negative", "{\"samples\":[],\"modules\":[{\"name\":\"a\",\"uuid\":\"00\",\"baseAddress\":\"0x1\",\"size\":-1}]}",
    MS_ANALYSIS_ERROR_INVALID_VALUE, "modules[0].size: expected a non-negative integer, got -1" },
  { "module missing uuid", "{\"samples\":[],\"modules\":[{\"name\":\"a\",\"baseAddress\":\"0x1\",\"size\":1}]}",
    MS_ANALYSIS_ERROR_MISSING_MEMBER, "modules[0]: missing member \"uuid\"" },
  { "path in a reply", "{\"id\":3,\"result\":{\"profile\":{\"samples\":[{\"size\":1,\"total\":\"2\",\"stack\":[\"0x1 a\"]}],\"modules\":[]}}}",
    MS_ANALYSIS_ERROR_WRONG_TYPE, "result.profile.samples[0].total: expected a number, got a string" },
  { "array at top", "[1,2]", MS_ANALYSIS_ERROR_WRONG_TYPE, "expected a JSON object at the top level, got an array" },
  { "not a profile", "{\"id\":1}", MS_ANALYSIS_ERROR_MISSING_MEMBER, "missing member \"samples\"" },
  { "counters reply", "{\"id\":1,\"result\":{\"documents\":2,\"nodes\":4012,\"jsEventListeners\":2000}}",
    MS_ANALYSIS_ERROR_MISSING_MEMBER, "result: missing member \"profile\"" },
  { "cdp error", "{\"id\":6,\"error\":{\"code\":-32000,\"message\":\"Sampling profiler is not started.\"}}",
    MS_ANALYSIS_ERROR_CDP_ERROR, "error: the browser answered with error -32000 instead of a profile: Sampling profiler is not started." },
  { "trailing content", S (OK_SAMPLE) " x", MS_ANALYSIS_ERROR_SYNTAX, "trailing content" },
  { "bad token", "{\"samples\":[tru],\"modules\":[]}", MS_ANALYSIS_ERROR_SYNTAX, "not JSON" },
  { "truncated", "{\"samples\":[{\"size\":1,\"total\":2,\"stack\":[\"0x1 a\"", MS_ANALYSIS_ERROR_TRUNCATED, "truncated" },
  { "truncated in string", "{\"samples\":[{\"size\":1,\"total\":2,\"stack\":[\"0x1 a", MS_ANALYSIS_ERROR_TRUNCATED, "truncated" },
};

static void
check_bad (const char      *name,
           const char      *data,
           gsize            len,
           MsAnalysisError  code,
           const char      *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = ms_profile_new_from_data (data, len, &error);

  g_test_message ("%s: %s", name, error != NULL ? error->message : "(no error)");
  g_assert_null (profile);
  g_assert_error (error, MS_ANALYSIS_ERROR, (gint)code);
  if (strstr (error->message, message) == NULL)
    g_error ("%s: expected \"%s\" in \"%s\"", name, message, error->message);
}

static void
test_bad_input (gconstpointer data)
{
  const BadInput *row = data;

  check_bad (row->name, row->json, strlen (row->json), row->code, row->message);
}

/* Spaces compress about 1000:1: @n of them, gzipped. */
static GBytes *
gzip_spaces (gsize n)
{
  g_autofree char *spaces = g_malloc (n);

  memset (spaces, ' ', n);
  {
    g_autoptr(GBytes) plain = g_bytes_new_take (g_steal_pointer (&spaces), n);

    return gzip_bytes (plain);
  }
}

/* A gzip bomb stops at the limit (lowered here to 1 MiB: the code is the same at
 * 1 GiB) with an error naming it; input of exactly the limit is read. */
static void
test_gzip_limit (void)
{
  g_autoptr(GBytes) bomb = gzip_spaces (2 * 1024 * 1024);
  g_autoptr(GString) exact = g_string_new ("{\"samples\":[],\"modules\":[]}");
  g_autoptr(GBytes) exact_bytes = NULL;
  g_autoptr(GBytes) exact_gz = NULL;
  g_autoptr(GBytes) over_gz = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsSessionFile) session = NULL;
  const char *message = "gzip: the data decompresses to more than 1 MiB, the limit for a profile or session file";

  ms_profile_reader_set_max_input (1024 * 1024);

  profile = ms_profile_new_from_bytes (bomb, &error);
  g_assert_null (profile);
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  session = ms_session_file_new_from_data (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb), &error);
  g_assert_null (session);
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  /* a profile padded with spaces to exactly 1 MiB is read; one byte more is not */
  while (exact->len < 1024 * 1024)
    g_string_append_c (exact, ' ');
  exact_bytes = g_bytes_new (exact->str, exact->len);
  exact_gz = gzip_bytes (exact_bytes);
  profile = ms_profile_new_from_bytes (exact_gz, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_profile_get_n_samples (profile), ==, 0);
  g_clear_object (&profile);

  g_string_append_c (exact, ' ');
  g_clear_pointer (&exact_bytes, g_bytes_unref);
  exact_bytes = g_bytes_new (exact->str, exact->len);
  over_gz = gzip_bytes (exact_bytes);
  profile = ms_profile_new_from_bytes (over_gz, &error);
  g_assert_null (profile);
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, message);

  ms_profile_reader_set_max_input (0);
}

/* A file over the limit is refused before it is read: the real 1 GiB limit, on a
 * sparse file that costs no disk. */
static void
test_file_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "huge.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsSessionFile) session = NULL;
  const char *message = "the file holds more than 1 GiB, the limit for a profile or session file";
  int fd;

  g_assert_no_error (error);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)MS_PROFILE_MAX_INPUT_BYTES + 1), ==, 0);
  g_assert_cmpint (write (fd, "{", 1), ==, 1);
  g_close (fd, NULL);

  profile = ms_profile_new_from_file (file, NULL, &error);
  g_assert_null (profile);
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  session = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, message);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_bad_generated (void)
{
  g_autoptr(GBytes) reply = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(GBytes) gz = gzip_bytes (reply);
  gsize len, gz_len;
  const char *data = g_bytes_get_data (reply, &len);
  const char *gz_data = g_bytes_get_data (gz, &gz_len);
  g_autoptr(GString) deep = g_string_new ("{\"samples\":");
  g_autofree char *binary = g_malloc (4096);
  g_autofree char *bad_gz = NULL;

  /* a real reply cut in the middle */
  check_bad ("truncated reply", data, len / 2, MS_ANALYSIS_ERROR_TRUNCATED, "truncated");
  /* and its gzip cut too */
  check_bad ("truncated gzip", gz_data, gz_len / 2, MS_ANALYSIS_ERROR_TRUNCATED, "gzip: the compressed data is truncated");
  /* gzip magic followed by garbage */
  bad_gz = g_memdup2 (gz_data, gz_len);
  memset (bad_gz + 10, 0xff, gz_len - 10);
  check_bad ("corrupt gzip", bad_gz, gz_len, MS_ANALYSIS_ERROR_COMPRESSION, "gzip:");

  /* found by fuzz-profile: gzip magic, garbage, and a trailer claiming a 4 GiB
   * output; must fail without trusting that size */
  {
    static const guint8 lying[] = {
      0x1f, 0x8b, 0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x00, 0x31, 0x06, 0xff, 0x33, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x32, 0x30, 0x30, 0x20, 0x2c, 0x22,
      0x6d, 0x65, 0x73, 0x8d, 0x97 };
    g_autoptr(GError) error = NULL;
    g_autoptr(MsProfile) profile = ms_profile_new_from_data ((const char *) lying, sizeof lying, &error);

    g_assert_null (profile);
    g_assert_true (g_error_matches (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_COMPRESSION) ||
                   g_error_matches (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED));
    g_assert_nonnull (strstr (error->message, "gzip:"));
  }

  /* 100,000 nested arrays, closed and not */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  check_bad ("deep unclosed", deep->str, deep->len, MS_ANALYSIS_ERROR_TOO_DEEP, "nest deeper than 1024 levels");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, ",\"modules\":[]}");
  check_bad ("deep", deep->str, deep->len, MS_ANALYSIS_ERROR_TOO_DEEP, "nest deeper than 1024 levels");

  /* binary data: every byte value, over and over */
  for (guint i = 0; i < 4096; i++)
    binary[i] = (char)(i * 7 + 3);
  check_bad ("binary", binary, 4096, MS_ANALYSIS_ERROR_SYNTAX, "not JSON");
  binary[0] = '{';
  check_bad ("binary in an object", binary, 4096, MS_ANALYSIS_ERROR_SYNTAX, "not JSON");
}

/* Streaming: the profile read through a small window, in reads of a few
 * bytes, must hold exactly what the JSON holds (checked with json-glib). */

typedef struct
{
  const char *data;
  gsize       len;
  gsize       pos;
  gsize       step;        /* most bytes per read */
  gsize       fail_at;     /* fail the read that reaches this offset */
} TestReader;

static gssize
test_read (gpointer   user_data,
           char      *buf,
           gsize      size,
           GError   **error)
{
  TestReader *r = user_data;
  gsize n = MIN (MIN (size, r->step), r->len - r->pos);

  if (r->pos + n >= r->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the test's read failed");
      return -1;
    }
  memcpy (buf, r->data + r->pos, n);
  r->pos += n;

  return n;
}

/* A profile with the forms the chunked reader meets: repeated stacks, new
 * ones, white space and other member orders (parser path), escapes, a ']'
 * inside a frame, a stack longer than a small window, modules before the
 * samples and after them. Plain loops, no library. */
static GBytes *
make_stream_profile (guint    n_samples,
                     gboolean modules_first)
{
  GString *s = g_string_new ("{\"id\":7,\"result\":{\"profile\":{");
  const char *modules = "\"modules\":[{\"name\":\"/usr/lib/libc.so.6\",\"uuid\":\"ABCDEF0123456789A\","
                        "\"baseAddress\":\"0x7f0000000000\",\"size\":1048576}]";

  if (modules_first)
    g_string_append_printf (s, "%s,", modules);
  g_string_append (s, "\"samples\":[");
  for (guint i = 0; i < n_samples; i++)
    {
      guint depth = 1 + (i * 7) % 23;
      guint variant = i % 11;

      if (i > 0)
        g_string_append (s, i % 13 == 0 ? " ,\n " : ",");
      if (variant == 3)
        g_string_append_printf (s, "{ \"total\" : %u , \"size\":%u,\"stack\":[", 64 * (i % 5 + 1), i % 97);
      else
        g_string_append_printf (s, "{\"size\":%u,\"total\":%u,\"stack\":[", i % 97, 64 * (i % 5 + 1));
      if (i == n_samples / 2)
        depth = 3000;   /* a stack of ~60 KB */
      for (guint f = 0; f < depth; f++)
        {
          guint id = (i % 41 + f * 13) % 400;

          if (f > 0)
            g_string_append_c (s, ',');
          if (id == 17)
            g_string_append (s, "\"0x7f0000000011 operator[](int)\"");
          else if (id == 23)
            g_string_append (s, "\"0x7f0000000017 \\u0041lloc\\\"q\\\"\"");
          else if (id % 3 == 0)
            g_string_append_printf (s, "\"0x%x <unknown>\"", 0x1000 + id);
          else
            g_string_append_printf (s, "\"0x%x fn%u\"", 0x1000 + id, id);
        }
      g_string_append (s, variant == 5 ? "] }" : "]}");
    }
  g_string_append (s, "]");
  if (!modules_first)
    g_string_append_printf (s, ",%s", modules);
  g_string_append (s, "}}}  \n");

  return g_string_free_to_bytes (s);
}

static void
check_stream (GBytes *bytes,
              gsize   window,
              gsize   step)
{
  g_auto(TestProfile) tp = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = NULL;
  TestReader r = { 0, };
  MsProfileData *data;

  r.data = g_bytes_get_data (bytes, &r.len);
  r.step = step;
  r.fail_at = G_MAXSIZE;
  data = ms_profile_reader_parse_stream (test_read, &r, window, 0, &error);
  g_assert_no_error (error);
  /* read in pieces, not handed back for a whole read */
  g_assert_nonnull (data);
  g_assert_cmpuint (r.pos, ==, r.len);

  profile = ms_profile_new_take_data (data);
  test_profile_load_bytes (&tp, bytes);
  assert_matches (profile, &tp);
}

static void
test_stream_windows (void)
{
  const char *fixtures[] = { "small/getSamplingProfile.json", "small/getAllTimeSamplingProfile.json" };
  const gsize windows[] = { 64, 1000, 4096, 1 << 20 };
  const gsize steps[] = { 1, 7, 4093, G_MAXSIZE };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures) + 2; i++)
    {
      g_autoptr(GBytes) bytes = i < G_N_ELEMENTS (fixtures) ? test_load_fixture (fixtures[i])
                                : make_stream_profile (i == G_N_ELEMENTS (fixtures) ? 4000 : 300, i % 2 == 0);

      for (guint w = 0; w < G_N_ELEMENTS (windows); w++)
        for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
          {
            /* byte by byte only where it stays quick */
            if (steps[k] == 1 && g_bytes_get_size (bytes) > 200000)
              continue;
            g_test_message ("input %u, window %" G_GSIZE_FORMAT ", reads of %" G_GSIZE_FORMAT,
                            i, windows[w], steps[k]);
            check_stream (bytes, windows[w], steps[k]);
          }
    }
}

/* A file larger than the window, plain and gzip, through the public calls. */
static void
test_stream_files (void)
{
  g_autoptr(GBytes) bytes = make_stream_profile (20000, FALSE);
  g_autoptr(GBytes) gz = gzip_bytes (bytes);
  g_auto(TestProfile) tp = { 0, };
  g_autofree char *dir = g_dir_make_tmp ("memscope-stream-XXXXXX", NULL);
  GBytes *forms[] = { bytes, gz };

  g_assert_cmpuint (g_bytes_get_size (bytes), >, 3 << 20);
  test_profile_load_bytes (&tp, bytes);
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *path = g_build_filename (dir, i == 0 ? "p.json" : "p.json.gz", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsProfile) from_file = NULL;
      g_autoptr(MsProfile) from_bytes = NULL;

      g_file_set_contents (path, g_bytes_get_data (forms[i], NULL), g_bytes_get_size (forms[i]), &error);
      g_assert_no_error (error);
      from_file = ms_profile_new_from_file (file, NULL, &error);
      g_assert_no_error (error);
      assert_matches (from_file, &tp);
      from_bytes = ms_profile_new_from_bytes (forms[i], &error);
      g_assert_no_error (error);
      assert_matches (from_bytes, &tp);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* A read that fails is that error; bad input read from a file gives the
 * same error as from memory, and a cut gzip file its precise message. */
static void
test_stream_errors (void)
{
  g_autoptr(GBytes) bytes = make_stream_profile (3000, TRUE);
  g_autoptr(GBytes) gz = gzip_bytes (bytes);
  g_autofree char *dir = g_dir_make_tmp ("memscope-stream-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const gsize fail_at[] = { 0, 10, 100000, g_bytes_get_size (bytes) - 1 };

  for (guint i = 0; i < G_N_ELEMENTS (fail_at); i++)
    {
      g_autoptr(GError) error = NULL;
      TestReader r = { 0, };

      r.data = g_bytes_get_data (bytes, &r.len);
      r.step = 4096;
      r.fail_at = fail_at[i];
      g_assert_null (ms_profile_reader_parse_stream (test_read, &r, 1000, 0, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_assert_cmpstr (error->message, ==, "the test's read failed");
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MsProfile) profile = NULL;

      g_file_set_contents (path, bad_inputs[i].json, strlen (bad_inputs[i].json), &error);
      g_assert_no_error (error);
      profile = ms_profile_new_from_file (file, NULL, &error);
      g_test_message ("%s (file): %s", bad_inputs[i].name, error != NULL ? error->message : "(no error)");
      g_assert_null (profile);
      g_assert_error (error, MS_ANALYSIS_ERROR, (gint)bad_inputs[i].code);
      if (strstr (error->message, bad_inputs[i].message) == NULL)
        g_error ("%s (file): expected \"%s\" in \"%s\"", bad_inputs[i].name, bad_inputs[i].message, error->message);
    }

  /* a file that gunzips to more than the limit, read through the window */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MsProfile) profile = NULL;

    g_file_set_contents (path, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (bytes), >, 256 * 1024);
    ms_profile_reader_set_max_input (256 * 1024);
    profile = ms_profile_new_from_file (file, NULL, &error);
    ms_profile_reader_set_max_input (0);
    g_assert_null (profile);
    g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE);
    g_assert_cmpstr (error->message, ==, "gzip: the data decompresses to more than 262144 bytes, the limit for a profile or session file");
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MsProfile) profile = NULL;
    g_autofree char *message = g_strdup_printf ("gzip: the compressed data is truncated after %" G_GSIZE_FORMAT " bytes",
                                                g_bytes_get_size (gz) / 2);

    g_file_set_contents (path, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz) / 2, &error);
    g_assert_no_error (error);
    profile = ms_profile_new_from_file (file, NULL, &error);
    g_assert_null (profile);
    g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED);
    g_assert_cmpstr (error->message, ==, message);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/profile/small-replies", test_small_reply);
  g_test_add_func ("/memscope/profile/input-forms", test_input_forms);
  g_test_add_func ("/memscope/profile/large-gz-file", test_large_gz_file);
  g_test_add_func ("/memscope/profile/async", test_async);
  g_test_add_func ("/memscope/profile/labels", test_labels);
  g_test_add_func ("/memscope/profile/module-forms", test_module_forms);
  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (bad_inputs[i].name), " ^", '-');
      g_autofree char *path = g_strdup_printf ("/memscope/profile/bad-input/%s", name);

      g_test_add_data_func (path, &bad_inputs[i], test_bad_input);
    }
  g_test_add_func ("/memscope/profile/gzip-limit", test_gzip_limit);
  g_test_add_func ("/memscope/profile/file-limit", test_file_limit);
  g_test_add_func ("/memscope/profile/bad-generated", test_bad_generated);
  g_test_add_func ("/memscope/profile/stream-windows", test_stream_windows);
  g_test_add_func ("/memscope/profile/stream-files", test_stream_files);
  g_test_add_func ("/memscope/profile/stream-errors", test_stream_errors);

  return g_test_run ();
}
