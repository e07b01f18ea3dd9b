/* cli-test-profile.c: expected figures of a profile, computed from its raw JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cli-test-run.h"
#include "cli-test-profile.h"

static void
sample_clear (gpointer data)
{
  CliTestSample *sample = data;

  g_strfreev (sample->addresses);
}

GArray *
cli_test_samples_from_profile (JsonObject *profile)
{
  GArray *samples = g_array_new (FALSE, FALSE, sizeof (CliTestSample));
  JsonArray *array = json_object_get_array_member (profile, "samples");

  g_array_set_clear_func (samples, sample_clear);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      JsonArray *stack = json_object_get_array_member (object, "stack");
      CliTestSample sample;

      /* All-time profiles report the V8 heap as a sample whose one frame is "<V8 Heap>":
       * a size, not an allocation stack. */
      if (json_array_get_length (stack) == 1 &&
          g_strcmp0 (json_array_get_string_element (stack, 0), "<V8 Heap>") == 0)
        continue;

      sample.size = json_object_get_int_member (object, "size");
      sample.total = json_object_get_int_member (object, "total");
      sample.addresses = g_new0 (char *, json_array_get_length (stack) + 1);
      for (guint j = 0; j < json_array_get_length (stack); j++)
        {
          const char *frame = json_array_get_string_element (stack, j);
          const char *space = strchr (frame, ' ');

          sample.addresses[j] = space ? g_strndup (frame, space - frame) : g_strdup (frame);
        }
      g_array_append_val (samples, sample);
    }

  return samples;
}

GArray *
cli_test_read_samples (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GArray *samples;
  JsonObject *profile;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  profile = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "result"),
    "profile");
  samples = cli_test_samples_from_profile (profile);
  g_assert_cmpuint (samples->len, >, 0);

  return samples;
}

GHashTable *
cli_test_expected_folded (GArray *samples)
{
  GHashTable *folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < samples->len; i++)
    {
      const CliTestSample *sample = &g_array_index (samples, CliTestSample, i);
      g_autoptr(GString) path = g_string_new (NULL);
      guint n = g_strv_length (sample->addresses);
      guint64 *sum;

      for (guint j = n; j > 0; j--)
        g_string_append_printf (path, "%s%s", path->len ? ";" : "", sample->addresses[j - 1]);

      sum = g_hash_table_lookup (folded, path->str);
      if (sum == NULL)
        {
          sum = g_new0 (guint64, 1);
          g_hash_table_insert (folded, g_strdup (path->str), sum);
        }
      *sum += sample->total;
    }

  return folded;
}

void
cli_test_check_folded (const char *out,
                       GArray     *samples)
{
  g_autoptr(GHashTable) expected = cli_test_expected_folded (samples);
  g_auto(GStrv) lines = cli_test_lines (out);

  g_assert_cmpuint (g_strv_length (lines), ==, g_hash_table_size (expected));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');
      g_autofree char *stack = NULL;
      guint64 *sum;

      g_assert_nonnull (space);
      stack = g_strndup (lines[i], space - lines[i]);
      sum = g_hash_table_lookup (expected, stack);
      g_assert_nonnull (sum);
      g_assert_cmpuint (g_ascii_strtoull (space + 1, NULL, 10), ==, *sum);
    }
}

void
cli_test_check_histogram (const char *out,
                          GArray     *samples,
                          guint       bytes_per_block)
{
  g_auto(GStrv) lines = cli_test_lines (out);
  guint64 count[CLI_TEST_N_BUCKETS] = { 0 };
  guint64 bytes[CLI_TEST_N_BUCKETS] = { 0 };
  double allocations[CLI_TEST_N_BUCKETS] = { 0 };

  /* Bucket i holds sizes up to bytes_per_block × 2^i; the last one everything larger. */
  for (guint i = 0; i < samples->len; i++)
    {
      const CliTestSample *sample = &g_array_index (samples, CliTestSample, i);
      guint b = 0;

      while (b < CLI_TEST_N_BUCKETS - 1 && sample->size > ((guint64) bytes_per_block << b))
        b++;
      count[b]++;
      bytes[b] += sample->total;
      allocations[b] += (double) sample->total / (double) sample->size;
    }

  g_assert_cmpuint (g_strv_length (lines), ==, CLI_TEST_N_BUCKETS);
  for (guint i = 0; i < CLI_TEST_N_BUCKETS; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      g_assert_cmpuint (g_ascii_strtoull (fields[0], NULL, 10), ==, i);
      /* The last class is open: no upper bound. */
      if (i + 1 < CLI_TEST_N_BUCKETS)
        g_assert_cmpuint (g_ascii_strtoull (fields[1], NULL, 10), ==, (guint64) bytes_per_block << i);
      else
        g_assert_cmpstr (fields[1], ==, "inf");
      g_assert_cmpuint (g_ascii_strtoull (fields[2], NULL, 10), ==, count[i]);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fields[3], NULL), allocations[i], 0.5 + 1e-9);
      g_assert_cmpuint (g_ascii_strtoull (fields[4], NULL, 10), ==, bytes[i]);
    }
}

typedef struct
{
  double a;
  double b;
} PathTotals;

static void
add_path_totals (GHashTable *paths,
                 GHashTable *folded,
                 gboolean    is_b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, folded);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) labels = g_strsplit (key, ";", -1);
      g_autoptr(GString) prefix = g_string_new (NULL);

      for (guint k = 0; k <= g_strv_length (labels); k++)
        {
          PathTotals *t;

          if (k > 0)
            g_string_append_printf (prefix, "%s%s", k > 1 ? ";" : "", labels[k - 1]);
          t = g_hash_table_lookup (paths, prefix->str);
          if (t == NULL)
            {
              t = g_new0 (PathTotals, 1);
              g_hash_table_insert (paths, g_strdup (prefix->str), t);
            }
          if (is_b)
            t->b += *(guint64 *) value;
          else
            t->a += *(guint64 *) value;
        }
    }
}

/* The value of attribute @name in the tag that starts at @tag. */
static char *
attribute (const char *tag,
           const char *name)
{
  g_autofree char *key = g_strdup_printf (" %s=\"", name);
  const char *start = strstr (tag, key);
  const char *close;

  g_assert_nonnull (start);
  g_assert_true (start < strchr (tag, '>'));
  start += strlen (key);
  close = strchr (start, '"');
  g_assert_nonnull (close);

  return g_strndup (start, close - start);
}

void
cli_test_check_diff_svg (const char *svg,
                         GArray     *a,
                         GArray     *b,
                         guint       width)
{
  g_autoptr(GHashTable) paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) folded_a = cli_test_expected_folded (a);
  g_autoptr(GHashTable) folded_b = cli_test_expected_folded (b);
  g_autoptr(GHashTable) drawn = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *height_text = NULL;
  const PathTotals *root;
  double max_delta = 0, scale, height;
  guint n_expected = 0, n_drawn = 0;
  const char *p = svg;
  GHashTableIter iter;
  gpointer key, value;

  add_path_totals (paths, folded_a, FALSE);
  add_path_totals (paths, folded_b, TRUE);
  root = g_hash_table_lookup (paths, "");
  g_assert_nonnull (root);
  scale = (width - 2 * 10) / root->b;
  g_hash_table_iter_init (&iter, paths);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const PathTotals *t = value;

      if (*(const char *) key != '\0')
        max_delta = MAX (max_delta, ABS (t->b - t->a));
      if (t->b * scale >= 0.1)
        n_expected++;
    }

  g_assert_true (g_str_has_suffix (svg, "</svg>\n"));
  height_text = attribute (strstr (svg, "<svg "), "height");
  height = g_ascii_strtod (height_text, NULL);

  /* <g><title>LABEL (A a, B b, delta d)</title><rect x y width height fill/>, pre-order */
  while ((p = strstr (p, "<g><title>")) != NULL)
    {
      const char *title_end = strstr (p, "</title>");
      const char *rect = title_end + strlen ("</title>");
      g_autofree char *tooltip = g_strndup (p + 10, title_end - p - 10);
      g_autofree char *y = attribute (rect, "y");
      g_autofree char *w = attribute (rect, "width");
      g_autofree char *fill = attribute (rect, "fill");
      const char *paren = g_strrstr (tooltip, " (A ");
      guint depth = (guint) ((height - 10 - g_ascii_strtod (y, NULL)) / 16 + 0.5) - 1;
      g_autofree char *label = NULL;
      g_autofree char *want_w = NULL, *want_tooltip = NULL, *want_fill = NULL;
      g_autoptr(GString) path = g_string_new (NULL);
      const PathTotals *t;
      double delta;
      guint fade;

      g_assert_nonnull (paren);
      label = g_strndup (tooltip, paren - tooltip);
      g_assert_cmpuint (depth, <=, stack->len);
      g_ptr_array_set_size (stack, depth);
      g_ptr_array_add (stack, g_strdup (label));
      for (guint k = 1; k <= depth; k++)
        g_string_append_printf (path, "%s%s", k > 1 ? ";" : "", (char *) stack->pdata[k]);

      t = g_hash_table_lookup (paths, path->str);
      g_assert_nonnull (t);
      g_assert_false (g_hash_table_contains (drawn, path->str));
      g_hash_table_add (drawn, g_strdup (path->str));

      delta = t->b - t->a;
      fade = 255 - (guint) (max_delta > 0 ? MIN (ABS (delta) / max_delta, 1.0) * 200 : 0);
      want_w = g_strdup_printf ("%.2f", t->b * scale);
      want_tooltip = g_strdup_printf ("%s (A %.0f, B %.0f, delta %+.0f)", label, t->a, t->b, delta);
      if (delta > 0)
        want_fill = g_strdup_printf ("rgb(255,%u,%u)", fade, fade);
      else if (delta < 0)
        want_fill = g_strdup_printf ("rgb(%u,%u,255)", fade, fade);
      else
        want_fill = g_strdup ("rgb(235,235,235)");
      g_assert_cmpstr (w, ==, want_w);
      g_assert_cmpstr (tooltip, ==, want_tooltip);
      g_assert_cmpstr (fill, ==, want_fill);
      n_drawn++;
      p = rect;
    }

  g_assert_cmpuint (n_drawn, ==, n_expected);
}
