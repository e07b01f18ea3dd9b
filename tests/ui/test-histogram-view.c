/* test-histogram-view.c: MsHistogramView's difference between two profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ms-histogram-view.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-render.h"

#define N_BUCKETS 16

static MsProfile *
profile_for (const guint64 *sizes,
             const guint64 *totals,
             guint          n)
{
  g_autoptr(GString) text = g_string_new ("{\"id\":1,\"result\":{\"profile\":{\"samples\":[");
  g_autoptr(GError) error = NULL;
  MsProfile *profile;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"size\":%" G_GUINT64_FORMAT ",\"total\":%" G_GUINT64_FORMAT
                            ",\"stack\":[\"0x%x f%u\",\"0x20 main\"]}",
                            i ? "," : "", sizes[i], totals[i], 0x100 + i, i);
  g_string_append (text, "],\"modules\":[]}}}");
  profile = ms_profile_new_from_data (text->str, text->len, &error);
  g_assert_no_error (error);
  return profile;
}

/* Size class of @size with 16-byte blocks: the first bound 16·2^i at or above it. */
static guint
class_of (guint64 size)
{
  guint64 bound = 16;
  guint i = 0;

  while (i + 1 < N_BUCKETS && size > bound)
    {
      bound *= 2;
      i++;
    }
  return i;
}

static void
tally (const guint64 *sizes,
       const guint64 *totals,
       guint          n,
       gint64         counts[N_BUCKETS],
       gint64         bytes[N_BUCKETS])
{
  for (guint i = 0; i < n; i++)
    {
      counts[class_of (sizes[i])]++;
      bytes[class_of (sizes[i])] += totals[i];
    }
}

static guint
count_pixels (cairo_surface_t *surface,
              double           r,
              double           g,
              double           b)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint n = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = data + y * stride + x * 4;

        if (p[3] > 200 && ABS (p[2] - r * 255) < 30 && ABS (p[1] - g * 255) < 30 &&
            ABS (p[0] - b * 255) < 30)
          n++;
      }
  return n;
}

static void
test_diff (void)
{
  /* Before: small blocks; after: fewer small ones, new large ones, one class unchanged. */
  static const guint64 sizes_a[] = { 8, 16, 24, 100, 100, 4096, 1 << 20, 70000 };
  static const guint64 totals_a[] = { 800, 1600, 4800, 20000, 30000, 8192, 1 << 21, 140000 };
  static const guint64 sizes_b[] = { 8, 100, 4096, 4000, 1 << 20, 1 << 22, (guint64) 1 << 40 };
  static const guint64 totals_b[] = { 800, 5000, 8192, 12000, 1 << 22, 1 << 23, (guint64) 1 << 41 };
  gint64 counts_a[N_BUCKETS] = { 0 }, bytes_a[N_BUCKETS] = { 0 };
  gint64 counts_b[N_BUCKETS] = { 0 }, bytes_b[N_BUCKETS] = { 0 };
  g_autoptr(MsProfile) a = profile_for (sizes_a, totals_a, G_N_ELEMENTS (sizes_a));
  g_autoptr(MsProfile) b = profile_for (sizes_b, totals_b, G_N_ELEMENTS (sizes_b));
  g_autoptr(MsSizeHistogram) ha = ms_size_histogram_new_for_profile (a, 16);
  g_autoptr(MsSizeHistogram) hb = ms_size_histogram_new_for_profile (b, 16);
  GtkWidget *view = ms_histogram_view_new ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  cairo_surface_t *surface;
  guint grown = 0, shrunk = 0;

  tally (sizes_a, totals_a, G_N_ELEMENTS (sizes_a), counts_a, bytes_a);
  tally (sizes_b, totals_b, G_N_ELEMENTS (sizes_b), counts_b, bytes_b);

  gtk_window_set_default_size (window, 1024, 360);
  gtk_window_set_child (window, view);
  gtk_window_present (window);
  g_assert_false (ms_histogram_view_get_diff_mode (MS_HISTOGRAM_VIEW (view)));
  g_assert_false (ms_histogram_view_get_diff_bucket (MS_HISTOGRAM_VIEW (view), 0, NULL, NULL));
  ms_histogram_view_set_diff (MS_HISTOGRAM_VIEW (view), ha, hb);
  g_assert_true (ms_histogram_view_get_diff_mode (MS_HISTOGRAM_VIEW (view)));

  for (guint i = 0; i < N_BUCKETS; i++)
    {
      gint64 count_delta, bytes_delta;

      g_assert_true (ms_histogram_view_get_diff_bucket (MS_HISTOGRAM_VIEW (view), i,
                                                        &count_delta, &bytes_delta));
      g_assert_cmpint (count_delta, ==, counts_b[i] - counts_a[i]);
      g_assert_cmpint (bytes_delta, ==, bytes_b[i] - bytes_a[i]);
      grown += bytes_b[i] > bytes_a[i];
      shrunk += bytes_b[i] < bytes_a[i];
    }
  /* The table has both kinds of change, so the picture must have both colours. */
  g_assert_cmpuint (grown, >, 0);
  g_assert_cmpuint (shrunk, >, 0);

  ms_test_settle (200);
  surface = ms_test_render_widget (view);
  g_assert_cmpuint (count_pixels (surface, 0.88, 0.11, 0.14), >, 20);  /* grown: red */
  g_assert_cmpuint (count_pixels (surface, 0.21, 0.52, 0.89), >, 20);  /* shrunk: blue */
  cairo_surface_destroy (surface);

  /* A plain histogram ends the diff mode. */
  ms_histogram_view_set_histogram (MS_HISTOGRAM_VIEW (view), hb);
  g_assert_false (ms_histogram_view_get_diff_mode (MS_HISTOGRAM_VIEW (view)));
  gtk_window_destroy (window);
}

/* The values a screen reader reads: each class that holds samples, with its count and
 * bytes; the difference while comparing; the plain values again after. */
static void
test_description (void)
{
  static const guint64 sizes[] = { 8, 16, 24, 100, 100, 4096 };
  static const guint64 totals[] = { 800, 1600, 4800, 20480, 10240, 8192 };
  /* By hand from the table, 16-byte blocks: ≤ 16 B holds 8 and 16 (800 + 1600 = 2400 B,
   * 2.34 KiB); ≤ 32 B holds 24 (4800 B, 4.69 KiB); ≤ 128 B the two 100s (30720 B,
   * 30 KiB); ≤ 4 KiB the 4096 (8192 B, 8 KiB). */
  const char *expected = "16 B: 2 samples, 2.3 KiB; 32 B: 1 sample, 4.7 KiB; "
                         "128 B: 2 samples, 30 KiB; 4 KiB: 1 sample, 8 KiB";
  g_autoptr(MsProfile) profile = profile_for (sizes, totals, G_N_ELEMENTS (sizes));
  g_autoptr(MsProfile) empty = profile_for (NULL, NULL, 0);
  g_autoptr(MsSizeHistogram) histogram = ms_size_histogram_new_for_profile (profile, 16);
  g_autoptr(MsSizeHistogram) nothing = ms_size_histogram_new_for_profile (empty, 16);
  GtkWidget *view = g_object_ref_sink (ms_histogram_view_new ());
  g_autofree char *problem = NULL;

  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (view)), ==,
                   GTK_ACCESSIBLE_ROLE_IMG);
  ms_histogram_view_set_histogram (MS_HISTOGRAM_VIEW (view), histogram);
  problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);
  g_assert_null (problem);

  /* Comparing the same histogram with nothing: every class grew by what it holds. */
  ms_histogram_view_set_diff (MS_HISTOGRAM_VIEW (view), nothing, histogram);
  problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                "16 B: +2.3 KiB, +2 samples; 32 B: +4.7 KiB, +1 samples; "
                                                "128 B: +30 KiB, +2 samples; 4 KiB: +8 KiB, +1 samples");
  g_assert_null (problem);

  ms_histogram_view_set_histogram (MS_HISTOGRAM_VIEW (view), nothing);
  problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                "No allocation was sampled");
  g_assert_null (problem);
  ms_histogram_view_set_histogram (MS_HISTOGRAM_VIEW (view), histogram);
  problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);
  g_assert_null (problem);
  g_object_unref (view);
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's test accessibility backend: accessible properties can be read back. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/ui/histogram-view/diff", test_diff);
  g_test_add_func ("/memscope/ui/histogram-view/description", test_description);

  return g_test_run ();
}
