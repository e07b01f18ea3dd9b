/* test-profile-diff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ms-export.h"
#include "ms-profile-diff.h"

#include "test-util.h"

/* root-first symbol path -> Σ total, from the JSON */
static GHashTable *
folded_totals (TestProfile *tp)
{
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < json_array_get_length (tp->samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp->samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");
      guint n = json_array_get_length (stack);
      GString *key = g_string_new (NULL);
      double *slot;

      if (test_sample_is_v8_heap (s))
        {
          g_string_free (key, TRUE);
          continue;
        }
      for (guint k = n; k > 0; k--)
        {
          g_autofree char *label = test_symbol_label (tp, json_array_get_string_element (stack, k - 1));
          if (key->len > 0)
            g_string_append_c (key, ';');
          g_string_append (key, label);
        }
      slot = g_hash_table_lookup (map, key->str);
      if (slot == NULL)
        {
          slot = g_new0 (double, 1);
          g_hash_table_insert (map, g_strdup (key->str), slot);
        }
      *slot += json_object_get_int_member (s, "total");
      g_string_free (key, TRUE);
    }

  return map;
}

static void
check (gboolean normalize)
{
  g_autoptr(GBytes) ba = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(GBytes) bb = test_load_fixture ("small/getAllTimeSamplingProfile.json");
  g_autoptr(MsProfile) a = ms_profile_new_from_bytes (ba, NULL);
  g_autoptr(MsProfile) b = ms_profile_new_from_bytes (bb, NULL);
  g_autoptr(MsProfileDiff) diff = ms_profile_diff_new (a, b, NULL, MS_FLAME_VALUE_TOTAL_BYTES, normalize);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_auto(TestProfile) ta = { 0, };
  g_auto(TestProfile) tb = { 0, };
  g_autoptr(GHashTable) fa = NULL;
  g_autoptr(GHashTable) fb = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  double sum_a = 0, sum_b = 0, scale = 1;
  GHashTableIter iter;
  gpointer key, value;
  guint n_nodes;
  const MsDiffNode *nodes = ms_profile_diff_get_nodes (diff, &n_nodes);

  test_profile_load_bytes (&ta, ba);
  test_profile_load_bytes (&tb, bb);
  fa = folded_totals (&ta);
  fb = folded_totals (&tb);
  g_hash_table_iter_init (&iter, fa);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sum_a += *(double *)value;
  g_hash_table_iter_init (&iter, fb);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sum_b += *(double *)value;
  if (normalize)
    scale = sum_b / sum_a;

  /* the root's delta is the difference of the totals */
  g_assert_cmpfloat_with_epsilon (nodes[0].a_total, sum_a * scale, 1e-6 * sum_b);
  g_assert_cmpfloat (nodes[0].b_total, ==, sum_b);
  g_assert_cmpfloat_with_epsilon (nodes[0].delta_total, sum_b - sum_a * scale, 1e-6 * sum_b);

  /* the two-column folded output: every path of either side, A scaled */
  g_assert_true (ms_export_diff_folded (diff, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      char *b_text = strrchr (lines[i], ' ');
      char *a_text;
      double *want_a, *want_b;

      *b_text++ = '\0';
      a_text = strrchr (lines[i], ' ');
      *a_text++ = '\0';
      want_a = g_hash_table_lookup (fa, lines[i]);
      want_b = g_hash_table_lookup (fb, lines[i]);
      g_assert_true (want_a != NULL || want_b != NULL);
      g_assert_cmpfloat (g_ascii_strtod (a_text, NULL), ==, round (want_a ? *want_a * scale : 0));
      g_assert_cmpfloat (g_ascii_strtod (b_text, NULL), ==, want_b ? *want_b : 0);
      g_hash_table_add (seen, lines[i]);

      /* and find_path reaches the same node */
      {
        g_auto(GStrv) labels = g_strsplit (lines[i], ";", -1);
        guint node = ms_profile_diff_find_path (diff, (const char * const *)labels);

        g_assert_cmpuint (node, !=, G_MAXUINT);
        g_assert_cmpfloat (nodes[node].b_self, ==, want_b ? *want_b : 0);
        g_assert_cmpfloat (nodes[node].delta_self, ==, nodes[node].b_self - nodes[node].a_self);
      }
    }

  g_hash_table_iter_init (&iter, fa);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (g_hash_table_contains (seen, key));
  g_hash_table_iter_init (&iter, fb);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (g_hash_table_contains (seen, key));
}

static void
test_plain (void)
{
  check (FALSE);
}

static void
test_normalized (void)
{
  check (TRUE);
}

static void
test_svg (void)
{
  g_autoptr(GBytes) ba = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(GBytes) bb = test_load_fixture ("small/getAllTimeSamplingProfile.json");
  g_autoptr(MsProfile) a = ms_profile_new_from_bytes (ba, NULL);
  g_autoptr(MsProfile) b = ms_profile_new_from_bytes (bb, NULL);
  g_autoptr(MsProfileDiff) diff = ms_profile_diff_new (a, b, NULL, MS_FLAME_VALUE_TOTAL_BYTES, FALSE);
  g_autoptr(MsProfileDiff) same = ms_profile_diff_new (a, a, NULL, MS_FLAME_VALUE_TOTAL_BYTES, FALSE);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out2 = g_memory_output_stream_new_resizable ();
  g_autofree char *svg = NULL;
  g_autofree char *svg2 = NULL;
  gboolean grew = FALSE, shrank = FALSE;
  guint n;
  const MsDiffNode *nodes = ms_profile_diff_get_nodes (diff, &n);

  for (guint i = 0; i < n; i++)
    {
      grew |= nodes[i].delta_total > 0 && nodes[i].b_total > 0;
      shrank |= nodes[i].delta_total < 0 && nodes[i].b_total > 0;
    }

  g_assert_true (ms_export_diff_svg (diff, NULL, 0, out, NULL, NULL));
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  svg = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_str_has_suffix (svg, "</svg>\n"));
  g_assert_true (!grew || strstr (svg, "fill=\"rgb(255,") != NULL);
  g_assert_true (!shrank || strstr (svg, ",255)\"") != NULL);

  /* a profile against itself: nothing red or blue */
  g_assert_true (ms_export_diff_svg (same, NULL, 0, out2, NULL, NULL));
  g_output_stream_write_all (out2, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out2, NULL, NULL);
  svg2 = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out2));
  g_assert_null (strstr (svg2, "fill=\"rgb(255,"));
  g_assert_null (strstr (svg2, ",255)\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/profile-diff/plain", test_plain);
  g_test_add_func ("/memscope/profile-diff/normalized", test_normalized);
  g_test_add_func ("/memscope/profile-diff/svg", test_svg);

  return g_test_run ();
}
