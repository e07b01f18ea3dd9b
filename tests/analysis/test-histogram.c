/* test-histogram.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ms-export.h"
#include "ms-size-histogram.h"

#include "test-util.h"

/* bucket by blocks: 0 for up to one block, else ceil(log2(blocks)), at most 15 */
static guint
bucket_of (guint64 size,
           guint   bpb)
{
  guint64 blocks = (size + bpb - 1) / bpb;
  guint i = 0;

  while (i < 15 && ((guint64)1 << i) < blocks)
    i++;

  return i;
}

static void
check_fixture (const char *fixture,
               guint       bpb)
{
  g_autoptr(GBytes) bytes = test_load_fixture (fixture);
  g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (bytes, NULL);
  g_autoptr(MsSizeHistogram) histogram = ms_size_histogram_new_for_profile (profile, bpb);
  g_auto(TestProfile) tp = { 0, };
  guint64 counts[16] = { 0, }, est_bytes[16] = { 0, };
  double est_allocs[16] = { 0, };
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  guint effective = bpb ? bpb : 16;

  test_profile_load_bytes (&tp, bytes);
  for (guint i = 0; i < json_array_get_length (tp.samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp.samples, i);
      guint64 size = json_object_get_int_member (s, "size");
      guint64 total = json_object_get_int_member (s, "total");
      guint b;

      if (test_sample_is_v8_heap (s))
        continue;
      b = bucket_of (size, effective);
      counts[b]++;
      est_bytes[b] += total;
      if (size > 0)
        est_allocs[b] += (double)total / (double)size;
    }

  table = ms_export_histogram_table (histogram);
  lines = g_strsplit (table, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 17);
  g_assert_cmpstr (lines[16], ==, "");

  for (guint i = 0; i < 16; i++)
    {
      guint64 upper, bytes_out;
      double allocs;
      g_autofree char *want_line = NULL;

      g_assert_cmpuint (ms_size_histogram_get_bucket (histogram, i, &upper, &allocs, &bytes_out), ==, counts[i]);
      g_assert_cmpuint (upper, ==, (guint64)effective * ((guint64)1 << i));
      g_assert_cmpuint (bytes_out, ==, est_bytes[i]);
      g_assert_cmpfloat_with_epsilon (allocs, est_allocs[i], 1e-6 * MAX (1.0, est_allocs[i]));

      /* The last class holds every larger size: its bound is written as inf. */
      if (i < 15)
        want_line = g_strdup_printf ("%u\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%.0f\t%" G_GUINT64_FORMAT,
                                     i, (guint64)effective << i, counts[i], est_allocs[i], est_bytes[i]);
      else
        want_line = g_strdup_printf ("%u\tinf\t%" G_GUINT64_FORMAT "\t%.0f\t%" G_GUINT64_FORMAT,
                                     i, counts[i], est_allocs[i], est_bytes[i]);
      g_assert_cmpstr (lines[i], ==, want_line);
    }
}

static void
test_fixtures (void)
{
  check_fixture ("small/getSamplingProfile.json", 0);
  check_fixture ("small/getAllTimeSamplingProfile.json", 16);
  check_fixture ("small/getSamplingProfile.json", 64);
  check_fixture ("small/getSamplingProfile.json", 1);
}

static void
test_bounds (void)
{
  g_autoptr(MsSizeHistogram) h = ms_size_histogram_new (16);
  struct { guint64 size; guint bucket; } cases[] = {
    { 0, 0 }, { 1, 0 }, { 16, 0 }, { 17, 1 }, { 32, 1 }, { 33, 2 }, { 64, 2 },
    { 16 << 14, 14 }, { (16 << 14) + 1, 15 }, { 16 << 15, 15 }, { G_GUINT64_CONSTANT (1) << 40, 15 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (ms_size_histogram_bucket_for_size (h, cases[i].size), ==, cases[i].bucket);

  ms_size_histogram_add_sample (h, 0, 128);
  ms_size_histogram_add_sample (h, 48, 96);
  g_assert_cmpuint (ms_size_histogram_get_bucket (h, 0, NULL, NULL, NULL), ==, 1);
  {
    double allocs;
    guint64 bytes;

    g_assert_cmpuint (ms_size_histogram_get_bucket (h, 2, NULL, &allocs, &bytes), ==, 1);
    g_assert_cmpfloat (allocs, ==, 2.0);
    g_assert_cmpuint (bytes, ==, 96);
  }
  ms_size_histogram_clear (h);
  g_assert_cmpuint (ms_size_histogram_get_bucket (h, 2, NULL, NULL, NULL), ==, 0);
}

/* The CSV export: each class's bounds, the last one open (no upper bound), with the
 * counts computed here from the samples by a plain loop over powers of two. */
static void
test_csv_open_last_class (void)
{
  static const struct { guint64 size; guint64 total; } samples[] = {
    { 8, 64 }, { 100, 1000 }, { 4096, 8192 }, { 256 << 10, 256 << 10 },
    { (256 << 10) + 1, (256 << 10) + 1 }, { 4 << 20, 4 << 20 }, { 4 << 20, 8 << 20 },
  };
  const guint bpb = 18;
  g_autoptr(MsSizeHistogram) h = ms_size_histogram_new (bpb);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GString) expected = g_string_new ("lower_bound_bytes,upper_bound_bytes,samples,"
                                              "estimated_allocations,estimated_bytes\r\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 counts[16] = { 0 }, bytes[16] = { 0 };
  double allocations[16] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      guint b = 0;
      guint64 bound = bpb;

      ms_size_histogram_add_sample (h, samples[i].size, samples[i].total);
      while (b < 15 && samples[i].size > bound)
        {
          b++;
          bound *= 2;
        }
      counts[b]++;
      bytes[b] += samples[i].total;
      allocations[b] += (double) samples[i].total / (double) samples[i].size;
    }
  /* The 4 MiB samples are past 18·2^14 (288 KiB): in the last class. */
  g_assert_cmpuint (counts[15], ==, 2);

  for (guint b = 0; b < 16; b++)
    {
      guint64 lower = 1, upper = bpb;

      for (guint k = 0; k < b; k++)
        upper *= 2;
      lower = b == 0 ? 0 : upper / 2;
      if (b < 15)
        g_string_append_printf (expected, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",", lower, upper);
      else
        g_string_append_printf (expected, "%" G_GUINT64_FORMAT ",,", lower);
      g_string_append_printf (expected, "%" G_GUINT64_FORMAT ",%.0f,%" G_GUINT64_FORMAT "\r\n",
                              counts[b], allocations[b], bytes[b]);
    }

  g_assert_true (ms_export_histogram_csv (h, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
  g_assert_cmpstr (text, ==, expected->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/size-histogram/fixtures", test_fixtures);
  g_test_add_func ("/memscope/size-histogram/bounds", test_bounds);
  g_test_add_func ("/memscope/size-histogram/csv-open-last-class", test_csv_open_last_class);

  return g_test_run ();
}
