/* test-diff-flame-graph.c: MsDiffFlameGraph drawing two profiles' difference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ms-diff-flame-graph.h"
#include "ms-ui-test-input.h"
#include "ms-ui-test-render.h"

typedef struct
{
  const char *leaf;
  guint64     before;
  guint64     after;
} Path;

/* main → leaf, one sample each; 0 leaves the path out of that profile. */
static const Path paths[] = {
  { "grown", 1000, 3000 },
  { "shrunk", 500, 100 },
  { "new", 0, 200 },
  { "same", 400, 400 },
  { "gone", 300, 0 },
};

static MsProfile *
profile_of (gboolean after)
{
  g_autoptr(GString) text = g_string_new ("{\"id\":1,\"result\":{\"profile\":{\"samples\":[");
  g_autoptr(GError) error = NULL;
  gboolean first = TRUE;
  MsProfile *profile;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      guint64 total = after ? paths[i].after : paths[i].before;

      if (total == 0)
        continue;
      g_string_append_printf (text, "%s{\"size\":16,\"total\":%" G_GUINT64_FORMAT
                              ",\"stack\":[\"0x%x %s\",\"0x20 main\"]}",
                              first ? "" : ",", total, 0x100 + i, paths[i].leaf);
      first = FALSE;
    }
  g_string_append (text, "],\"modules\":[]}}}");
  profile = ms_profile_new_from_data (text->str, text->len, &error);
  g_assert_no_error (error);
  return profile;
}

static guint
find_node (MsProfileDiff *diff,
           const char    *leaf)
{
  const char *path[] = { "main", leaf, NULL };

  return ms_profile_diff_find_path (diff, path);
}

static void
test_diff (void)
{
  g_autoptr(MsProfile) a = profile_of (FALSE);
  g_autoptr(MsProfile) b = profile_of (TRUE);
  g_autoptr(MsProfileDiff) diff = NULL;
  MsFlameTreeOptions options;
  GtkWidget *graph = ms_diff_flame_graph_new ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  guint64 total_after = 0;
  double start = 0;
  cairo_surface_t *surface;
  int width, stride;
  guint row;

  ms_flame_tree_options_init (&options);
  diff = ms_profile_diff_new (a, b, &options, MS_FLAME_VALUE_TOTAL_BYTES, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    total_after += paths[i].after;

  gtk_window_set_default_size (window, 1000, 200);
  gtk_window_set_child (window, graph);
  gtk_window_present (window);
  ms_diff_flame_graph_set_diff (MS_DIFF_FLAME_GRAPH (graph), diff);
  ms_test_settle (200);
  width = gtk_widget_get_width (graph);
  row = ms_diff_flame_graph_get_row_height (MS_DIFF_FLAME_GRAPH (graph));
  /* main's children, widest (in the second profile) first. */
  surface = ms_test_render_widget (graph);
  stride = cairo_image_surface_get_stride (surface);
  for (guint k = 0; k < 4; k++)
    {
      static const char *order[] = { "grown", "same", "new", "shrunk" };
      guint i = 0, node = find_node (diff, order[k]);
      double x, y = row * 2.5;
      const guint8 *pixel;
      g_autofree char *text = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      gint64 delta;

      while (!g_str_equal (paths[i].leaf, order[k]))
        i++;
      x = (start + paths[i].after / 2.0) / total_after * width;
      start += paths[i].after;
      g_assert_cmpuint (ms_diff_flame_graph_get_node_at (MS_DIFF_FLAME_GRAPH (graph), x, y), ==, node);

      /* Red where it grew, blue where it shrank, grey where it did not change. */
      pixel = cairo_image_surface_get_data (surface) + (int) y * stride + (int) x * 4;
      delta = (gint64) paths[i].after - (gint64) paths[i].before;
      g_test_message ("%s at x=%.0f: rgb %u %u %u", order[k], x, pixel[2], pixel[1], pixel[0]);
      if (delta > 0)
        g_assert_cmpint (pixel[2], >, pixel[0] + 20);
      else if (delta < 0)
        g_assert_cmpint (pixel[0], >, pixel[2] + 20);
      else
        g_assert_cmpint (ABS (pixel[0] - pixel[2]), <=, 4);

      before = g_format_size_full (paths[i].before, G_FORMAT_SIZE_IEC_UNITS);
      after = g_format_size_full (paths[i].after, G_FORMAT_SIZE_IEC_UNITS);
      {
        g_autofree char *magnitude = g_format_size_full (ABS (delta), G_FORMAT_SIZE_IEC_UNITS);

        expected = g_strdup_printf ("%s: %s%s (from %s to %s)", order[k],
                                    delta > 0 ? "+" : delta < 0 ? "\u2212" : "", magnitude,
                                    before, after);
      }
      text = ms_diff_flame_graph_dup_node_text (MS_DIFF_FLAME_GRAPH (graph), node);
      g_assert_cmpstr (text, ==, expected);
    }
  cairo_surface_destroy (surface);
  /* Below the last row, nothing. */
  g_assert_cmpuint (ms_diff_flame_graph_get_node_at (MS_DIFF_FLAME_GRAPH (graph), 10, row * 3.5), ==,
                    MS_DIFF_FLAME_GRAPH_NO_NODE);

  /* Hovering with the pointer names the frame for assistive technologies. */
  ms_test_focus_window (window);
  ms_test_pointer_move (graph, (paths[0].after / 2.0) / total_after * width, row * 2.5);
  {
    g_autofree char *text = ms_diff_flame_graph_dup_node_text (MS_DIFF_FLAME_GRAPH (graph),
                                                               find_node (diff, "grown"));

    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (graph), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text);
  }
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/ui/diff-flame-graph/diff", test_diff);

  return g_test_run ();
}
