/* test-flame-tree.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ms-export.h"
#include "ms-flame-tree.h"
#include "ms-profile.h"

#include "test-util.h"

typedef struct
{
  MsFlameDirection direction;
  MsLabelMode      mode;
  gboolean         collapse;
  const char      *focus;
  const char      *hide;
  MsFlameValue     value;
} Case;

static char *
label_for (TestProfile *tp,
           const char  *frame,
           MsLabelMode  mode)
{
  if (mode == MS_LABEL_MODE_ADDRESS)
    return g_strndup (frame, strcspn (frame, " "));

  return test_symbol_label (tp, frame);
}

/* path -> value, computed straight from the JSON */
static GHashTable *
expected_folded (TestProfile *tp,
                 const Case  *c)
{
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GRegex) hide = c->hide != NULL ? g_regex_new (c->hide, 0, 0, NULL) : NULL;

  for (guint i = 0; i < json_array_get_length (tp->samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp->samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");
      guint n = json_array_get_length (stack);
      g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *key = NULL;
      guint64 v;
      guint64 *slot;
      guint start = 0;

      if (test_sample_is_v8_heap (s))
        continue;

      for (guint k = 0; k < n; k++)
        {
          guint idx = c->direction == MS_FLAME_DIRECTION_TOP_DOWN ? n - 1 - k : k;
          char *label = label_for (tp, json_array_get_string_element (stack, idx), c->mode);

          if (hide != NULL && g_regex_match (hide, label, 0, NULL))
            {
              g_free (label);
              continue;
            }
          if (c->collapse && path->len > 0 && strcmp (g_ptr_array_index (path, path->len - 1), label) == 0)
            {
              g_free (label);
              continue;
            }
          g_ptr_array_add (path, label);
        }

      if (c->focus != NULL)
        {
          while (start < path->len && strcmp (g_ptr_array_index (path, start), c->focus) != 0)
            start++;
          if (start == path->len)
            continue;
        }

      g_ptr_array_add (path, NULL);
      key = g_strjoinv (";", (char **)path->pdata + start);
      if (key[0] == '\0')
        {
          g_free (key);
          key = g_strdup ("all");
        }

      v = c->value == MS_FLAME_VALUE_SAMPLES ? 1
          : c->value == MS_FLAME_VALUE_SIZE_BYTES ? (guint64)json_object_get_int_member (s, "size")
          : (guint64)json_object_get_int_member (s, "total");
      if (v == 0)
        continue;

      slot = g_hash_table_lookup (map, key);
      if (slot == NULL)
        {
          slot = g_new0 (guint64, 1);
          g_hash_table_insert (map, g_steal_pointer (&key), slot);
        }
      *slot += v;
    }

  return map;
}

static GHashTable *
parse_folded (const char *text)
{
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *space;
      guint64 *v;

      if (lines[i][0] == '\0')
        continue;
      space = strrchr (lines[i], ' ');
      g_assert_nonnull (space);
      *space = '\0';
      /* each path once: the tree merged equal paths */
      g_assert_false (g_hash_table_contains (map, lines[i]));
      v = g_new (guint64, 1);
      *v = g_ascii_strtoull (space + 1, NULL, 10);
      g_hash_table_insert (map, g_strdup (lines[i]), v);
    }

  return map;
}

static void
assert_maps_equal (GHashTable *want,
                   GHashTable *got)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 *v = g_hash_table_lookup (got, key);

      if (v == NULL)
        g_error ("missing path %s", (const char *)key);
      g_assert_cmpuint (*v, ==, *(guint64 *)value);
    }
  g_assert_cmpuint (g_hash_table_size (got), ==, g_hash_table_size (want));
}

static void
assert_tree_shape (MsFlameTree *tree)
{
  guint n;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n);

  for (guint i = 0; i < n; i++)
    {
      guint64 bytes = nodes[i].self_bytes, size = nodes[i].self_size, samples = nodes[i].self_samples;
      guint64 x = nodes[i].start_bytes;
      guint n_children = 0;
      const MsFlameNode *prev = NULL;

      for (guint c = i + 1; c < nodes[i].subtree_end; c = nodes[c].subtree_end)
        {
          g_assert_cmpuint (nodes[c].parent, ==, i);
          g_assert_cmpuint (nodes[c].depth, ==, nodes[i].depth + 1);
          g_assert_cmpuint (nodes[c].start_bytes, ==, x);
          /* left-heavy: heavier first, ties by label */
          if (prev != NULL)
            g_assert_true (prev->total_bytes > nodes[c].total_bytes
                           || (prev->total_bytes == nodes[c].total_bytes
                               && strcmp (ms_flame_tree_get_label (tree, prev->label),
                                          ms_flame_tree_get_label (tree, nodes[c].label)) < 0));
          prev = &nodes[c];
          x += nodes[c].total_bytes;
          bytes += nodes[c].total_bytes;
          size += nodes[c].total_size;
          samples += nodes[c].total_samples;
          n_children++;
        }

      g_assert_cmpuint (n_children, ==, nodes[i].n_children);
      g_assert_cmpuint (bytes, ==, nodes[i].total_bytes);
      g_assert_cmpuint (size, ==, nodes[i].total_size);
      g_assert_cmpuint (samples, ==, nodes[i].total_samples);
    }
}

static void
run_case (const char *fixture,
          const Case *c)
{
  g_autoptr(GBytes) bytes = test_load_fixture (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (bytes, &error);
  g_autoptr(GRegex) hide = c->hide != NULL ? g_regex_new (c->hide, 0, 0, NULL) : NULL;
  g_autoptr(MsFlameTree) tree = NULL;
  g_autoptr(GHashTable) want = NULL;
  g_autoptr(GHashTable) got = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_auto(TestProfile) tp = { 0, };
  g_autofree char *folded = NULL;
  MsFlameTreeOptions options;

  g_assert_no_error (error);
  test_profile_load_bytes (&tp, bytes);

  ms_flame_tree_options_init (&options);
  options.direction = c->direction;
  options.label_mode = c->mode;
  options.collapse_recursion = c->collapse;
  options.focus = c->focus;
  options.hide = hide;
  tree = ms_flame_tree_new (profile, &options);

  assert_tree_shape (tree);

  folded = ms_export_folded_to_string (tree, c->value);
  want = expected_folded (&tp, c);
  got = parse_folded (folded);
  assert_maps_equal (want, got);

  /* the stream writer gives the same text */
  g_assert_true (ms_export_folded (tree, c->value, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)), ==, strlen (folded));
  if (folded[0] != '\0')
    g_assert_cmpint (memcmp (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), folded, strlen (folded)), ==, 0);
}

static void
test_top_down (void)
{
  for (MsFlameValue v = MS_FLAME_VALUE_TOTAL_BYTES; v <= MS_FLAME_VALUE_SIZE_BYTES; v++)
    {
      Case c = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_SYMBOL, FALSE, NULL, NULL, v };

      run_case ("small/getSamplingProfile.json", &c);
      run_case ("small/getAllTimeSamplingProfile.json", &c);
    }
}

static void
test_bottom_up (void)
{
  Case c = { MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_SYMBOL, FALSE, NULL, NULL, MS_FLAME_VALUE_TOTAL_BYTES };

  run_case ("small/getSamplingProfile.json", &c);
}

static void
test_address_mode (void)
{
  Case c = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_ADDRESS, FALSE, NULL, NULL, MS_FLAME_VALUE_SAMPLES };

  run_case ("small/getSamplingProfile.json", &c);
}

static void
test_collapse_and_hide (void)
{
  /* hiding every chromium frame leaves runs of equal libc labels to collapse */
  Case hide = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_SYMBOL, FALSE, NULL, "^chromium-", MS_FLAME_VALUE_TOTAL_BYTES };
  Case both = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_SYMBOL, TRUE, NULL, "^chromium-", MS_FLAME_VALUE_TOTAL_BYTES };
  Case all = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_SYMBOL, TRUE, NULL, ".", MS_FLAME_VALUE_TOTAL_BYTES };

  run_case ("small/getSamplingProfile.json", &hide);
  run_case ("small/getSamplingProfile.json", &both);
  run_case ("small/getSamplingProfile.json", &all);
}

static void
test_collapse_module_mode (void)
{
  /* in module mode nearly every frame is the same label: recursion galore */
  g_autoptr(GBytes) bytes = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (bytes, NULL);
  g_autoptr(MsFlameTree) tree = NULL;
  MsFlameTreeOptions options;

  ms_flame_tree_options_init (&options);
  options.label_mode = MS_LABEL_MODE_MODULE;
  options.collapse_recursion = TRUE;
  tree = ms_flame_tree_new (profile, &options);
  assert_tree_shape (tree);
  /* no node has a child with its own label */
  for (guint i = 1; i < ms_flame_tree_get_n_nodes (tree); i++)
    {
      const MsFlameNode *node = ms_flame_tree_get_node (tree, i);

      if (node->parent != 0)
        g_assert_cmpuint (node->label, !=, ms_flame_tree_get_node (tree, node->parent)->label);
    }
  g_assert_cmpuint (ms_flame_tree_get_node (tree, 0)->total_bytes, ==, ms_profile_get_total_bytes (profile));
}

static void
test_focus (void)
{
  Case top = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_SYMBOL, FALSE, "posix_memalign", NULL, MS_FLAME_VALUE_TOTAL_BYTES };
  Case bottom = { MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_SYMBOL, FALSE, "posix_memalign", NULL, MS_FLAME_VALUE_TOTAL_BYTES };
  Case absent = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_SYMBOL, FALSE, "no such frame", NULL, MS_FLAME_VALUE_TOTAL_BYTES };
  g_autoptr(GBytes) bytes = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (bytes, NULL);
  g_autoptr(MsFlameTree) tree = NULL;
  g_auto(TestProfile) tp = { 0, };
  MsFlameTreeOptions options;
  guint64 want = 0;

  run_case ("small/getSamplingProfile.json", &top);
  run_case ("small/getSamplingProfile.json", &bottom);
  run_case ("small/getSamplingProfile.json", &absent);

  /* the root sums every sample that passes through the frame */
  test_profile_load_bytes (&tp, bytes);
  for (guint i = 0; i < json_array_get_length (tp.samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp.samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");

      for (guint k = 0; k < json_array_get_length (stack); k++)
        if (g_str_has_suffix (json_array_get_string_element (stack, k), " posix_memalign"))
          {
            want += json_object_get_int_member (s, "total");
            break;
          }
    }
  g_assert_cmpuint (want, >, 0);

  ms_flame_tree_options_init (&options);
  options.focus = "posix_memalign";
  tree = ms_flame_tree_new (profile, &options);
  g_assert_true (ms_flame_tree_is_focused (tree));
  g_assert_cmpstr (ms_flame_tree_get_node_label (tree, 0), ==, "posix_memalign");
  g_assert_cmpuint (ms_flame_tree_get_node (tree, 0)->total_bytes, ==, want);
}

static void
test_large (void)
{
  Case c = { MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_SYMBOL, FALSE, NULL, NULL, MS_FLAME_VALUE_TOTAL_BYTES };

  run_case ("large/getSamplingProfile.json.gz", &c);
}

static void
test_svg (void)
{
  g_autoptr(GBytes) bytes = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(MsProfile) profile = ms_profile_new_from_bytes (bytes, NULL);
  g_autoptr(MsFlameTree) tree = ms_flame_tree_new (profile, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *root_title = NULL;
  guint n_titles = 0;

  g_assert_true (ms_export_flame_svg (tree, "A <title> & \"quotes\"", 1200, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  svg = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));

  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_nonnull (strstr (svg, "A &lt;title&gt; &amp; &quot;quotes&quot;"));
  g_assert_null (strstr (svg, "<unknown>"));
  root_title = g_strdup_printf ("<title>all (%" G_GUINT64_FORMAT " bytes, 100.00%%",
                                ms_profile_get_total_bytes (profile));
  g_assert_nonnull (strstr (svg, root_title));
  for (const char *p = svg; (p = strstr (p, "<title>")) != NULL; p++)
    n_titles++;
  g_assert_cmpuint (n_titles, >, 1);
  g_assert_true (g_str_has_suffix (svg, "</svg>\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/flame-tree/top-down", test_top_down);
  g_test_add_func ("/memscope/flame-tree/bottom-up", test_bottom_up);
  g_test_add_func ("/memscope/flame-tree/address-mode", test_address_mode);
  g_test_add_func ("/memscope/flame-tree/collapse-and-hide", test_collapse_and_hide);
  g_test_add_func ("/memscope/flame-tree/collapse-module-mode", test_collapse_module_mode);
  g_test_add_func ("/memscope/flame-tree/focus", test_focus);
  g_test_add_func ("/memscope/flame-tree/large", test_large);
  g_test_add_func ("/memscope/flame-tree/svg", test_svg);

  return g_test_run ();
}
