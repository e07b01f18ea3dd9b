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

typedef struct
{
  double a;
  double b;
} PathTotals;

/* Every root-first path prefix ("" for the root) -> its A and B totals, summed
 * from the folded stacks of each side. */
static GHashTable *
path_totals (GHashTable *fa,
             GHashTable *fb)
{
  GHashTable *paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *sides[2] = { fa, fb };

  for (guint side = 0; side < 2; side++)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, sides[side]);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_auto(GStrv) labels = g_strsplit (key, ";", -1);
          g_autoptr(GString) prefix = g_string_new (NULL);

          for (guint k = 0; k <= g_strv_length (labels); k++)
            {
              PathTotals *t;

              if (k > 0)
                {
                  if (k > 1)
                    g_string_append_c (prefix, ';');
                  g_string_append (prefix, labels[k - 1]);
                }
              t = g_hash_table_lookup (paths, prefix->str);
              if (t == NULL)
                {
                  t = g_new0 (PathTotals, 1);
                  g_hash_table_insert (paths, g_strdup (prefix->str), t);
                }
              if (side == 0)
                t->a += *(double *)value;
              else
                t->b += *(double *)value;
            }
        }
    }

  return paths;
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
  g_autoptr(GHashTable) paths = NULL;
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
  paths = path_totals (fa, fb);
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

        const PathTotals *t = g_hash_table_lookup (paths, lines[i]);
        double a_self = want_a ? *want_a * scale : 0, b_self = want_b ? *want_b : 0;

        g_assert_cmpuint (node, !=, G_MAXUINT);
        g_assert_nonnull (t);
        g_assert_cmpfloat (nodes[node].b_self, ==, b_self);
        g_assert_cmpfloat_with_epsilon (nodes[node].a_self, a_self, 1e-9 * sum_b);
        g_assert_cmpfloat_with_epsilon (nodes[node].delta_self, b_self - a_self, 1e-9 * sum_b);
        g_assert_cmpfloat (nodes[node].b_total, ==, t->b);
        g_assert_cmpfloat_with_epsilon (nodes[node].a_total, t->a * scale, 1e-9 * sum_b);
        g_assert_cmpfloat_with_epsilon (nodes[node].delta_total, t->b - t->a * scale, 1e-9 * sum_b);
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

static char *
write_diff_svg (MsProfileDiff *diff)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (ms_export_diff_svg (diff, NULL, 0, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);

  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

/* The differential flame graph of A and B against what the two JSON files give:
 * every frame wide enough (B's total, 1180 px for the root) drawn once, at its
 * depth, with its label, A, B and delta in the title, red where B grew and blue
 * where it shrank, faded by the change relative to the largest. */
static void
check_svg (GBytes   *ba,
           GBytes   *bb,
           gboolean  same)
{
  g_autoptr(MsProfile) a = ms_profile_new_from_bytes (ba, NULL);
  g_autoptr(MsProfile) b = ms_profile_new_from_bytes (bb, NULL);
  g_autoptr(MsProfileDiff) diff = ms_profile_diff_new (a, b, NULL, MS_FLAME_VALUE_TOTAL_BYTES, FALSE);
  g_auto(TestProfile) ta = { 0, };
  g_auto(TestProfile) tb = { 0, };
  g_autoptr(GHashTable) fa = NULL, fb = NULL, paths = NULL;
  g_autoptr(GHashTable) drawn = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) frames = NULL;
  g_autofree char *svg = write_diff_svg (diff);
  g_autofree char *height_text = NULL;
  const PathTotals *root;
  double max_delta = 0, scale, height;
  guint n_expected = 0, n_red = 0, n_blue = 0;
  GHashTableIter iter;
  gpointer key, value;

  test_profile_load_bytes (&ta, ba);
  test_profile_load_bytes (&tb, bb);
  fa = folded_totals (&ta);
  fb = folded_totals (&tb);
  paths = path_totals (fa, fb);
  root = g_hash_table_lookup (paths, "");
  scale = (1200 - 2 * 10) / root->b;
  g_hash_table_iter_init (&iter, paths);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const PathTotals *t = value;

      if (((const char *)key)[0] != '\0')
        max_delta = MAX (max_delta, fabs (t->b - t->a));
      if (t->b * scale >= 0.1)
        n_expected++;
    }

  height_text = test_xml_attribute (strstr (svg, "<svg "), "height");
  height = g_ascii_strtod (height_text, NULL);
  frames = test_svg_frames (svg);
  g_assert_cmpuint (frames->len, ==, n_expected);

  for (guint i = 0; i < frames->len; i++)
    {
      const TestSvgFrame *f = &g_array_index (frames, TestSvgFrame, i);
      const char *paren = g_strrstr (f->tooltip, " (A ");
      guint depth = (guint)((height - 10 - g_ascii_strtod (f->y, NULL)) / 16 + 0.5) - 1;
      g_autofree char *label = g_strndup (f->tooltip, paren - f->tooltip);
      g_autofree char *path = NULL;
      g_autofree char *want_width = NULL, *want_tooltip = NULL, *want_fill = NULL;
      const PathTotals *t;
      double delta;
      guint fade;

      g_assert_nonnull (paren);
      g_assert_cmpuint (depth, <=, stack->len);
      g_ptr_array_set_size (stack, depth);
      g_ptr_array_add (stack, g_strdup (label));
      if (depth == 0)
        path = g_strdup ("");
      else
        {
          g_autoptr(GString) joined = g_string_new (NULL);

          for (guint k = 1; k <= depth; k++)
            g_string_append_printf (joined, "%s%s", k > 1 ? ";" : "", (char *)stack->pdata[k]);
          path = g_string_free (g_steal_pointer (&joined), FALSE);
        }

      t = g_hash_table_lookup (paths, path);
      g_assert_nonnull (t);
      g_assert_false (g_hash_table_contains (drawn, path));
      g_hash_table_add (drawn, g_steal_pointer (&path));

      delta = t->b - t->a;
      want_width = g_strdup_printf ("%.2f", t->b * scale);
      want_tooltip = g_strdup_printf ("%s (A %.0f, B %.0f, delta %+.0f)", label, t->a, t->b, delta);
      /* full colour for the largest change below the root, and for anything larger */
      fade = 255 - (guint)(max_delta > 0 ? MIN (fabs (delta) / max_delta, 1.0) * 200 : 0);
      if (delta > 0)
        want_fill = g_strdup_printf ("rgb(255,%u,%u)", fade, fade), n_red++;
      else if (delta < 0)
        want_fill = g_strdup_printf ("rgb(%u,%u,255)", fade, fade), n_blue++;
      else
        want_fill = g_strdup ("rgb(235,235,235)");

      g_assert_cmpstr (f->width, ==, want_width);
      g_assert_cmpstr (f->tooltip, ==, want_tooltip);
      g_assert_cmpstr (f->fill, ==, want_fill);
    }

  if (same)
    {
      g_assert_cmpuint (n_red, ==, 0);
      g_assert_cmpuint (n_blue, ==, 0);
    }
  else
    g_assert_cmpuint (n_red + n_blue, >, 0);
}

static void
test_svg (void)
{
  g_autoptr(GBytes) a = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(GBytes) b = test_load_fixture ("small/getAllTimeSamplingProfile.json");

  check_svg (a, b, FALSE);
}

/* a profile against itself: every frame grey */
static void
test_svg_same (void)
{
  g_autoptr(GBytes) a = test_load_fixture ("small/getSamplingProfile.json");

  check_svg (a, a, TRUE);
}

/* The root shrinks by 199, more than any frame (100): its colour stays a colour. */
static void
test_svg_root_change (void)
{
  static const char a_json[] = "{\"samples\":[{\"size\":1,\"total\":100,\"stack\":[\"0x1 x\"]},"
                               "{\"size\":1,\"total\":100,\"stack\":[\"0x2 y\"]}],\"modules\":[]}";
  static const char b_json[] = "{\"samples\":[{\"size\":1,\"total\":1,\"stack\":[\"0x3 z\"]}],"
                               "\"modules\":[]}";
  g_autoptr(GBytes) a = g_bytes_new_static (a_json, sizeof a_json - 1);
  g_autoptr(GBytes) b = g_bytes_new_static (b_json, sizeof b_json - 1);

  check_svg (a, b, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/profile-diff/plain", test_plain);
  g_test_add_func ("/memscope/profile-diff/normalized", test_normalized);
  g_test_add_func ("/memscope/profile-diff/svg", test_svg);
  g_test_add_func ("/memscope/profile-diff/svg-same", test_svg_same);
  g_test_add_func ("/memscope/profile-diff/svg-root-change", test_svg_root_change);

  return g_test_run ();
}
