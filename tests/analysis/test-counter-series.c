/* test-counter-series.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ms-analysis-error.h"
#include "ms-counter-series.h"
#include "ms-export.h"

#include "test-util.h"

#define SEC G_USEC_PER_SEC

static void
test_ring (void)
{
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (100);
  gint64 t;
  double v;

  g_assert_cmpuint (ms_counter_series_get_capacity (s), ==, 100);
  for (guint i = 0; i < 250; i++)
    g_assert_true (ms_counter_series_append (s, "nodes", i * SEC, i));

  /* the oldest went */
  g_assert_cmpuint (ms_counter_series_get_n_points (s, "nodes"), ==, 100);
  g_assert_true (ms_counter_series_get_point (s, "nodes", 0, &t, &v));
  g_assert_cmpint (t, ==, 150 * SEC);
  g_assert_cmpfloat (v, ==, 150);
  g_assert_true (ms_counter_series_get_point (s, "nodes", 99, &t, &v));
  g_assert_cmpfloat (v, ==, 249);
  g_assert_false (ms_counter_series_get_point (s, "nodes", 100, NULL, NULL));

  /* time does not go back; values are finite */
  g_assert_false (ms_counter_series_append (s, "nodes", 10 * SEC, 1));
  g_assert_false (ms_counter_series_append (s, "nodes", 300 * SEC, NAN));
  g_assert_cmpuint (ms_counter_series_get_n_points (s, "nodes"), ==, 100);

  /* the default holds 6 hours at 1 Hz */
  {
    g_autoptr(MsCounterSeries) d = ms_counter_series_new (0);
    g_assert_cmpuint (ms_counter_series_get_capacity (d), ==, 21600);
  }
}

static void
test_decimate (void)
{
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (0);
  g_autoptr(GArray) buckets = NULL;
  guint n = 3600, n_buckets = 7;

  /* a saw tooth with one spike */
  for (guint i = 0; i < n; i++)
    ms_counter_series_append (s, "documents", i * SEC, (i % 10) + (i == 1234 ? 1000 : 0));

  buckets = ms_counter_series_decimate (s, "documents", 0, (gint64)(n - 1) * SEC, n_buckets);
  g_assert_cmpuint (buckets->len, ==, n_buckets);

  for (guint b = 0; b < n_buckets; b++)
    {
      const MsCounterBucket *bucket = &g_array_index (buckets, MsCounterBucket, b);
      /* equal spans: bucket b starts at floor (range * b / n) */
      gint64 start = (gint64)((n - 1) * (guint64)SEC * b / n_buckets);
      gint64 end = (gint64)((n - 1) * (guint64)SEC * (b + 1) / n_buckets);
      double min = INFINITY, max = -INFINITY;
      guint count = 0;

      g_assert_cmpint (bucket->start_usec, ==, start);
      g_assert_cmpint (bucket->end_usec, ==, end);

      /* independently: every point whose time lies in the bucket's span */
      for (guint i = 0; i < n; i++)
        {
          gint64 t = (gint64)i * SEC;
          double v = (i % 10) + (i == 1234 ? 1000 : 0);

          if (t >= start && (t < end || (b == n_buckets - 1 && t <= end)))
            {
              min = MIN (min, v);
              max = MAX (max, v);
              count++;
            }
        }
      g_assert_cmpuint (bucket->n_points, ==, count);
      g_assert_cmpfloat (bucket->min, ==, min);
      g_assert_cmpfloat (bucket->max, ==, max);
    }

  /* the spike survives decimation */
  {
    double top = 0;
    for (guint b = 0; b < n_buckets; b++)
      top = MAX (top, g_array_index (buckets, MsCounterBucket, b).max);
    g_assert_cmpfloat (top, ==, 1004);
  }
}

static void
test_growth (void)
{
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (0);
  double rate = 0;

  g_assert_false (ms_counter_series_get_growth_rate (s, "nodes", 60 * SEC, &rate));

  /* 5 nodes a second for 10 minutes, after a flat hour: 300 a minute */
  for (guint i = 0; i < 3600; i++)
    ms_counter_series_append (s, "nodes", i * SEC, 1000);
  for (guint i = 3600; i < 4200; i++)
    ms_counter_series_append (s, "nodes", i * SEC, 1000 + 5.0 * (i - 3600));

  g_assert_true (ms_counter_series_get_growth_rate (s, "nodes", 300 * SEC, &rate));
  g_assert_cmpfloat_with_epsilon (rate, 300.0, 1e-6);
  g_assert_true (ms_counter_series_get_growth_rate (s, "nodes", 120 * SEC, &rate));
  g_assert_cmpfloat_with_epsilon (rate, 300.0, 1e-6);

  /* one point in the window is not a rate */
  g_assert_false (ms_counter_series_get_growth_rate (s, "nodes", 0, &rate));
}

static void
test_replies_and_csv (void)
{
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (0);
  g_autoptr(GBytes) dom = test_load_fixture ("small/getDOMCounters.json");
  g_autoptr(GBytes) leak = test_load_fixture ("small/getDOMCountersForLeakDetection.json");
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  g_autofree char *csv = NULL;
  JsonObject *dom_result;
  JsonArray *counters;
  gsize len;
  const char *data;

  data = g_bytes_get_data (dom, &len);
  g_assert_true (ms_counter_series_append_reply (s, 1000 * SEC + 250000, data, len, &error));
  g_assert_true (ms_counter_series_append_reply (s, 1001 * SEC, data, len, &error));
  json_parser_load_from_data (p1, data, len, NULL);
  data = g_bytes_get_data (leak, &len);
  g_assert_true (ms_counter_series_append_reply (s, 1001 * SEC, data, len, &error));
  g_assert_no_error (error);
  json_parser_load_from_data (p2, data, len, NULL);

  dom_result = json_object_get_object_member (json_node_get_object (json_parser_get_root (p1)), "result");
  counters = json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (p2)), "result"), "counters");

  g_assert_true (ms_export_counters_csv (s, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  csv = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  lines = g_strsplit (csv, "\r\n", -1);

  /* header: time, the three DOM counters, then every leak counter by name */
  header = g_strsplit (lines[0], ",", -1);
  g_assert_cmpuint (g_strv_length (header), ==, 1 + 3 + json_array_get_length (counters));
  g_assert_cmpstr (header[0], ==, "time");
  g_assert_cmpstr (header[1], ==, "documents");
  g_assert_cmpstr (header[4], ==, json_object_get_string_member (json_array_get_object_element (counters, 0), "name"));

  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[3], ==, "");
  {
    g_auto(GStrv) row1 = g_strsplit (lines[1], ",", -1);
    g_auto(GStrv) row2 = g_strsplit (lines[2], ",", -1);
    g_autofree char *nodes = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (dom_result, "nodes"));

    g_assert_cmpstr (row1[0], ==, "1000.250");
    g_assert_cmpstr (row1[2], ==, nodes);
    g_assert_cmpstr (row1[4], ==, "");   /* no leak counters at that time */
    g_assert_cmpstr (row2[0], ==, "1001.000");
    for (guint i = 0; i < json_array_get_length (counters); i++)
      {
        JsonObject *c = json_array_get_object_element (counters, i);
        g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (c, "count"));

        g_assert_cmpstr (row2[4 + i], ==, want);
      }
  }

  /* a reply of something else is refused with where */
  g_assert_false (ms_counter_series_append_reply (s, 2000 * SEC, "{\"result\":{\"counters\":[{\"name\":1}]}}", -1, &error));
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_MISSING_MEMBER);
  g_assert_nonnull (strstr (error->message, "result.counters[0].name"));
}

/* Times anywhere in a gint64: spans and slopes without overflow (a file may hold them). */
static void
test_extreme_times (void)
{
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (10);
  const gint64 times[] = { G_MININT64, -1, 0, G_MAXINT64 - 1, G_MAXINT64 };
  const guint n_buckets = 4;
  g_autoptr(GArray) buckets = NULL;
  double rate = 0, want;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    g_assert_true (ms_counter_series_append (s, "nodes", times[i], i));

  buckets = ms_counter_series_decimate (s, "nodes", G_MININT64, G_MAXINT64, n_buckets);
  g_assert_cmpuint (buckets->len, ==, n_buckets);
  for (guint b = 0; b < n_buckets; b++)
    {
      const MsCounterBucket *bucket = &g_array_index (buckets, MsCounterBucket, b);
      /* the range is 2^64 - 1; its quarters start at -2^63 + floor ((2^64 - 1) * b / 4) */
      unsigned __int128 range = ((unsigned __int128)1 << 64) - 1;
      __int128 start = (__int128)G_MININT64 + (__int128)(range * b / n_buckets);
      __int128 end = b + 1 == n_buckets ? G_MAXINT64 : (__int128)G_MININT64 + (__int128)(range * (b + 1) / n_buckets);
      guint count = 0;

      g_assert_true (bucket->start_usec == start);
      g_assert_true (bucket->end_usec == end);
      for (guint i = 0; i < G_N_ELEMENTS (times); i++)
        if (times[i] >= start && (times[i] < end || (b + 1 == n_buckets && times[i] <= end)))
          count++;
      g_assert_cmpuint (bucket->n_points, ==, count);
    }
  g_assert_cmpuint (g_array_index (buckets, MsCounterBucket, 0).n_points, ==, 1);
  g_assert_cmpuint (g_array_index (buckets, MsCounterBucket, 3).n_points, ==, 2);

  /* the widest window, from the newest point back to 0 */
  g_assert_true (ms_counter_series_get_growth_rate (s, "nodes", G_MAXINT64, &rate));
  {
    /* least squares by plain sums, in minutes before the newest point, as long doubles */
    long double n = 0, st = 0, sv = 0, stt = 0, stv = 0;

    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        long double t = ((long double)times[i] - (long double)G_MAXINT64) / (60.0L * SEC);

        if ((__int128)times[i] < (__int128)G_MAXINT64 - G_MAXINT64)
          continue;

        n += 1;
        st += t;
        sv += i;
        stt += t * t;
        stv += t * i;
      }
    want = (double)((n * stv - st * sv) / (n * stt - st * st));
  }
  g_assert_cmpfloat_with_epsilon (rate, want, fabs (want) * 1e-6);
}

/* Rings grow as points come (a name costs what it holds), and wrap once full. */
static void
test_ring_growth (void)
{
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (1000);
  guint n = 2500;

  for (guint i = 0; i < n; i++)
    g_assert_true (ms_counter_series_append (s, "nodes", i, i * 2.0));
  g_assert_cmpuint (ms_counter_series_get_n_points (s, "nodes"), ==, 1000);
  for (guint k = 0; k < 1000; k++)
    {
      gint64 t;
      double v;

      g_assert_true (ms_counter_series_get_point (s, "nodes", k, &t, &v));
      g_assert_cmpint (t, ==, n - 1000 + k);
      g_assert_cmpfloat (v, ==, (n - 1000 + k) * 2.0);
    }
}

/* At most MS_COUNTER_SERIES_MAX_NAMES names: one more is refused, and a reply
 * that would pass it stores nothing. */
static void
test_too_many_names (void)
{
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (0);
  g_autoptr(GString) reply = g_string_new ("{\"result\":{\"counters\":[");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (reply, "%s{\"name\":\"c%u\",\"count\":%u}", i ? "," : "", i, i);
  g_string_append (reply, "]}}");

  g_assert_false (ms_counter_series_append_reply (s, 1, reply->str, reply->len, &error));
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_MANY);
  g_assert_cmpstr (error->message, ==, "result.counters[128].name: \"c128\" would be counter name 129; "
                   "at most 128 distinct counter names are kept");
  names = ms_counter_series_dup_names (s);
  g_assert_cmpuint (g_strv_length (names), ==, 0);

  for (guint i = 0; i < 128; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);

      g_assert_true (ms_counter_series_append (s, name, 1, i));
    }
  g_assert_false (ms_counter_series_append (s, "one-more", 1, 1));
  g_assert_true (ms_counter_series_append (s, "n0", 2, 1));
  g_assert_cmpuint (ms_counter_series_get_n_points (s, "one-more"), ==, 0);
}

typedef struct
{
  const char     *name;
  const char     *reply;
  MsAnalysisError code;
  const char     *message;
} BadReply;

static const BadReply bad_replies[] = {
  { "deep", NULL, MS_ANALYSIS_ERROR_TOO_DEEP,
    "counters: arrays and objects nest deeper than 512 levels (at byte 539)" },
  { "deep-objects", NULL, MS_ANALYSIS_ERROR_TOO_DEEP,
    "counters: arrays and objects nest deeper than 512 levels (at byte 2560)" },
  { "single-quoted", "{'result':{'documents':1}}", MS_ANALYSIS_ERROR_SYNTAX,
    "counters: not JSON: expected a member name at byte 1" },
  { "comment", "{\"documents\":1 /* [[[[ */}", MS_ANALYSIS_ERROR_SYNTAX,
    "counters: not JSON: expected ‘,’ or a closing bracket at byte 15" },
  { "hash-comment", "# x\n{\"documents\":1}", MS_ANALYSIS_ERROR_SYNTAX,
    "counters: not JSON: unexpected character at byte 0" },
  { "trailing", "{\"documents\":1}]", MS_ANALYSIS_ERROR_SYNTAX,
    "counters: not JSON: trailing data after the value at byte 15" },
  { "truncated", "{\"documents\":", MS_ANALYSIS_ERROR_TRUNCATED,
    "counters: not JSON: unexpected end at byte 13" },
  { "unterminated", "{\"documents", MS_ANALYSIS_ERROR_TRUNCATED,
    "counters: not JSON: unterminated string from byte 1" },
  { "invalid-utf8", "{\"documents\":1,\"\xff\":2}", MS_ANALYSIS_ERROR_SYNTAX,
    "counters: not JSON: invalid UTF-8 at byte 16" },
  { "empty", "  ", MS_ANALYSIS_ERROR_EMPTY, "counters: not JSON: empty or only white space" },
  { "array", "[1]", MS_ANALYSIS_ERROR_WRONG_TYPE, "counters: expected an object at the top level" },
  { "count-string", "{\"result\":{\"documents\":\"1\"}}", MS_ANALYSIS_ERROR_WRONG_TYPE,
    "result.documents: expected a number" },
};

static void
test_bad_reply (gconstpointer data)
{
  const BadReply *row = data;
  g_autoptr(MsCounterSeries) s = ms_counter_series_new (0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (row->reply);
  g_auto(GStrv) names = NULL;

  if (row->reply == NULL && g_str_equal (row->name, "deep"))
    {
      /* 200,000 levels inside a reply, as a file may hold */
      g_string_append (text, "{\"result\":{\"documents\":1,\"x\":");
      for (guint i = 0; i < 200000; i++)
        g_string_append_c (text, '[');
      for (guint i = 0; i < 200000; i++)
        g_string_append_c (text, ']');
      g_string_append (text, "}}");
    }
  else if (row->reply == NULL)
    {
      for (guint i = 0; i < 600; i++)
        g_string_append (text, "{\"a\":");
      g_string_append (text, "1");
      for (guint i = 0; i < 600; i++)
        g_string_append_c (text, '}');
    }

  g_assert_false (ms_counter_series_append_reply (s, 1, text->str, text->len, &error));
  g_assert_error (error, MS_ANALYSIS_ERROR, (gint)row->code);
  g_assert_cmpstr (error->message, ==, row->message);
  names = ms_counter_series_dup_names (s);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/counter-series/ring", test_ring);
  g_test_add_func ("/memscope/counter-series/decimate", test_decimate);
  g_test_add_func ("/memscope/counter-series/growth", test_growth);
  g_test_add_func ("/memscope/counter-series/replies-and-csv", test_replies_and_csv);
  g_test_add_func ("/memscope/counter-series/extreme-times", test_extreme_times);
  g_test_add_func ("/memscope/counter-series/ring-growth", test_ring_growth);
  g_test_add_func ("/memscope/counter-series/too-many-names", test_too_many_names);
  for (guint i = 0; i < G_N_ELEMENTS (bad_replies); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/counter-series/bad-reply/%s", bad_replies[i].name);

      g_test_add_data_func (path, &bad_replies[i], test_bad_reply);
    }

  return g_test_run ();
}
