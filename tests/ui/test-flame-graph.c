/* test-flame-graph.c: hit-testing, zoom and search of MsFlameGraph on a real profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ms-flame-graph.h"
#include "ms-ui-test-util.h"

#define WIDTH 800

typedef struct
{
  GtkWindow    *window;
  MsFlameGraph *graph;
  MsFlameTree  *tree;
} Fixture;

static gboolean
is_allocated (gpointer user_data)
{
  Fixture *fixture = user_data;

  return gtk_widget_get_width (GTK_WIDGET (fixture->graph)) == WIDTH;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(MsProfile) profile = ms_test_load_fixture_profile ();
  MsFlameTreeOptions options;
  GtkWidget *scroller;

  ms_flame_tree_options_init (&options);
  fixture->tree = ms_flame_tree_new (profile, &options);
  g_assert_cmpuint (ms_flame_tree_get_n_nodes (fixture->tree), >, 10);

  fixture->graph = MS_FLAME_GRAPH (ms_flame_graph_new ());
  ms_flame_graph_set_tree (fixture->graph, fixture->tree);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (fixture->graph));
  gtk_widget_set_size_request (GTK_WIDGET (fixture->graph), WIDTH, -1);
  gtk_widget_set_halign (GTK_WIDGET (fixture->graph), GTK_ALIGN_START);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, WIDTH, 500);
  gtk_window_set_child (fixture->window, scroller);
  gtk_window_present (fixture->window);
  g_assert_true (ms_test_wait_for (is_allocated, fixture, 10));
  ms_test_settle (100);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->tree);
}

static double
row_center (Fixture *fixture,
            guint    node)
{
  guint row_height = ms_flame_graph_get_row_height (fixture->graph);

  return ms_flame_tree_get_node (fixture->tree, node)->depth * row_height + row_height / 2.0;
}

/* Where @node is drawn with @zoom filling the width. */
static void
node_extent (Fixture *fixture,
             guint    zoom,
             guint    node,
             double  *x,
             double  *w)
{
  const MsFlameNode *z = ms_flame_tree_get_node (fixture->tree, zoom);
  const MsFlameNode *n = ms_flame_tree_get_node (fixture->tree, node);

  *x = (double)(n->start_bytes - z->start_bytes) / z->total_bytes * WIDTH;
  *w = (double)n->total_bytes / z->total_bytes * WIDTH;
}

static void
test_hit_testing (Fixture       *fixture,
                  gconstpointer  data)
{
  guint n_nodes = ms_flame_tree_get_n_nodes (fixture->tree);
  guint n_checked = 0;

  /* The root spans the whole first row. */
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, 0, row_center (fixture, 0)), ==, 0);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, WIDTH - 1, 1), ==, 0);

  /* Every node wide enough to aim at is found at its centre. */
  for (guint i = 0; i < n_nodes; i++)
    {
      double x, w;

      node_extent (fixture, 0, i, &x, &w);
      if (w < 2)
        continue;
      g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, x + w / 2, row_center (fixture, i)),
                        ==, i);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 5);

  /* Outside the graph: nothing. */
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, -1, 5), ==, MS_FLAME_GRAPH_NO_NODE);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, WIDTH + 1, 5), ==, MS_FLAME_GRAPH_NO_NODE);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, 10,
                                                (ms_flame_tree_get_max_depth (fixture->tree) + 2) *
                                                  ms_flame_graph_get_row_height (fixture->graph)),
                    ==, MS_FLAME_GRAPH_NO_NODE);
}

/* A node at depth ≥ 2 whose parent has more than one child, so zooming changes things. */
static guint
pick_zoom_target (Fixture *fixture)
{
  guint n_nodes = ms_flame_tree_get_n_nodes (fixture->tree);

  for (guint i = 1; i < n_nodes; i++)
    {
      const MsFlameNode *node = ms_flame_tree_get_node (fixture->tree, i);
      const MsFlameNode *parent = ms_flame_tree_get_node (fixture->tree, node->parent);
      double x, w;

      node_extent (fixture, 0, i, &x, &w);
      if (node->depth >= 2 && parent->n_children > 1 && node->n_children > 0 && w < WIDTH / 2.0 && w > 2)
        return i;
    }
  g_assert_not_reached ();
  return 0;
}

static void
test_zoom (Fixture       *fixture,
           gconstpointer  data)
{
  guint target = pick_zoom_target (fixture);
  const MsFlameNode *node = ms_flame_tree_get_node (fixture->tree, target);
  guint child = target + 1;
  double x, w;

  g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, 0);

  /* Clicking-like zoom: the node fills the width of its row. */
  ms_flame_graph_zoom_to_node (fixture->graph, target);
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, target);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, 0, row_center (fixture, target)), ==, target);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, WIDTH - 1, row_center (fixture, target)),
                    ==, target);
  /* Its ancestors span the width too. */
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, WIDTH - 1, row_center (fixture, 0)), ==, 0);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, 0, row_center (fixture, node->parent)),
                    ==, node->parent);
  /* Its first child is scaled to the zoomed node. */
  node_extent (fixture, target, child, &x, &w);
  g_assert_cmpfloat (w, >, 2);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, x + w / 2, row_center (fixture, child)),
                    ==, child);
  ms_test_settle (50);

  /* Escape's action goes back to the whole profile. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->graph), "graph.reset-zoom", NULL));
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, 0);
  node_extent (fixture, 0, target, &x, &w);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, x + w / 2, row_center (fixture, target)),
                    ==, target);

  /* A new tree of a live recording keeps the zoom on the same call path... */
  ms_flame_graph_zoom_to_node (fixture->graph, target);
  {
    g_autoptr(MsFlameTree) again = ms_flame_tree_new (ms_flame_tree_get_profile (fixture->tree), NULL);
    g_autoptr(MsFlameTree) bottom_up = NULL;
    MsFlameTreeOptions options;

    ms_flame_graph_set_tree (fixture->graph, again);
    g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, target);

    /* ...and goes back to the root when that path is gone. */
    ms_flame_tree_options_init (&options);
    options.direction = MS_FLAME_DIRECTION_BOTTOM_UP;
    bottom_up = ms_flame_tree_new (ms_flame_tree_get_profile (fixture->tree), &options);
    ms_flame_graph_zoom_to_node (fixture->graph, target);
    ms_flame_graph_set_tree (fixture->graph, bottom_up);
    g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, 0);
    ms_flame_graph_set_tree (fixture->graph, fixture->tree);
  }

  /* No tree, no zoom. */
  ms_flame_graph_zoom_to_node (fixture->graph, target);
  ms_flame_graph_set_tree (fixture->graph, NULL);
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, 0);
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, 10, 5), ==, MS_FLAME_GRAPH_NO_NODE);
}

static guint
count_labels_containing (MsFlameTree *tree,
                         const char  *needle)
{
  guint n = 0;

  for (guint i = 0; i < ms_flame_tree_get_n_nodes (tree); i++)
    if (strstr (ms_flame_tree_get_node_label (tree, i), needle) != NULL)
      n++;
  return n;
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  guint expected = count_labels_containing (fixture->tree, "posix_memalign");

  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, 0);

  ms_flame_graph_set_search_text (fixture->graph, "posix_memalign");
  g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, expected);
  /* Case does not matter. */
  ms_flame_graph_set_search_text (fixture->graph, "POSIX_MEMALIGN");
  g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, expected);
  ms_test_settle (50);

  ms_flame_graph_set_search_text (fixture->graph, "no such frame, surely");
  g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, 0);

  ms_flame_graph_set_search_text (fixture->graph, "posix_memalign");
  ms_flame_graph_set_search_text (fixture->graph, "");
  g_assert_null (ms_flame_graph_get_search_text (fixture->graph));
  g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, 0);

  /* The search outlives a new tree and is applied to it. */
  ms_flame_graph_set_search_text (fixture->graph, "posix_memalign");
  ms_flame_graph_set_tree (fixture->graph, NULL);
  g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, 0);
  ms_flame_graph_set_tree (fixture->graph, fixture->tree);
  g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, expected);
}

/* The node under (@x, row @depth) by a plain scan of every node, as the
 * graph draws them: an ancestor of the zoomed node fills its row; below, a
 * node of the zoomed subtree holds x when x is within its extent. */
static guint
scan_node_at (MsFlameTree *tree,
              guint        zoom,
              double       x,
              guint        depth)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  const MsFlameNode *z = &nodes[zoom];

  for (guint i = 0; i < n_nodes; i++)
    {
      gboolean ancestor = zoom >= i && zoom < nodes[i].subtree_end;
      gboolean inside = i >= zoom && i < z->subtree_end;
      double cx, cw;

      if (nodes[i].depth != depth || !(ancestor || inside))
        continue;
      if (ancestor)
        return i;
      cx = (double)(nodes[i].start_bytes - z->start_bytes) / z->total_bytes * WIDTH;
      cw = (double)nodes[i].total_bytes / z->total_bytes * WIDTH;
      if (x >= cx && x < cx + cw)
        return i;
    }

  return MS_FLAME_GRAPH_NO_NODE;
}

/* Every half pixel of every row, zoomed and not, top-down and bottom-up,
 * against the plain scan. */
static void
test_hit_testing_everywhere (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(MsProfile) profile = ms_test_load_fixture_profile ();
  g_autoptr(MsFlameTree) bottom_up = NULL;
  MsFlameTreeOptions options;
  MsFlameTree *trees[2];
  guint row_height = ms_flame_graph_get_row_height (fixture->graph);

  ms_flame_tree_options_init (&options);
  options.direction = MS_FLAME_DIRECTION_BOTTOM_UP;
  bottom_up = ms_flame_tree_new (profile, &options);
  trees[0] = fixture->tree;
  trees[1] = bottom_up;

  for (guint t = 0; t < G_N_ELEMENTS (trees); t++)
    {
      const MsFlameNode *nodes = ms_flame_tree_get_nodes (trees[t], NULL);
      guint zooms[2] = { 0, 0 };
      guint n_found = 0;

      ms_flame_graph_set_tree (fixture->graph, trees[t]);
      /* the second child of the root's heaviest child, or that child */
      zooms[1] = nodes[0].n_children > 0 ? 1 : 0;
      if (zooms[1] != 0 && nodes[1].n_children > 1)
        zooms[1] = nodes[2].subtree_end;

      for (guint k = 0; k < G_N_ELEMENTS (zooms); k++)
        {
          ms_flame_graph_zoom_to_node (fixture->graph, zooms[k]);
          g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, zooms[k]);
          for (guint depth = 0; depth <= ms_flame_tree_get_max_depth (trees[t]) + 1; depth++)
            for (double x = 0; x < WIDTH; x += 0.5)
              {
                guint want = scan_node_at (trees[t], zooms[k], x, depth);

                g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, x, depth * row_height + 1),
                                  ==, want);
                n_found += want != MS_FLAME_GRAPH_NO_NODE;
              }
        }
      g_assert_cmpuint (n_found, >, WIDTH * 4);
    }
}

/* Search is by the casefolded label, whichever case the query has. */
static void
test_search_bottom_up (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(MsProfile) profile = ms_test_load_fixture_profile ();
  g_autoptr(MsFlameTree) bottom_up = NULL;
  MsFlameTreeOptions options;
  const char *queries[] = { "new()", "NEW()", "chromium", "0x", "ChromeMain", "cHROMEmAIN" };

  ms_flame_tree_options_init (&options);
  options.direction = MS_FLAME_DIRECTION_BOTTOM_UP;
  bottom_up = ms_flame_tree_new (profile, &options);
  ms_flame_graph_set_tree (fixture->graph, bottom_up);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autofree char *lower = g_ascii_strdown (queries[q], -1);
      guint expected = 0;

      for (guint i = 0; i < ms_flame_tree_get_n_nodes (bottom_up); i++)
        {
          g_autofree char *label = g_ascii_strdown (ms_flame_tree_get_node_label (bottom_up, i), -1);

          expected += strstr (label, lower) != NULL;
        }
      ms_flame_graph_set_search_text (fixture->graph, queries[q]);
      g_assert_cmpuint (ms_flame_graph_get_n_matches (fixture->graph), ==, expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/memscope/ui/flame-graph/hit-testing", Fixture, NULL,
              fixture_setup, test_hit_testing, fixture_teardown);
  g_test_add ("/memscope/ui/flame-graph/zoom", Fixture, NULL,
              fixture_setup, test_zoom, fixture_teardown);
  g_test_add ("/memscope/ui/flame-graph/search", Fixture, NULL,
              fixture_setup, test_search, fixture_teardown);
  g_test_add ("/memscope/ui/flame-graph/hit-testing-everywhere", Fixture, NULL,
              fixture_setup, test_hit_testing_everywhere, fixture_teardown);
  g_test_add ("/memscope/ui/flame-graph/search-bottom-up", Fixture, NULL,
              fixture_setup, test_search_bottom_up, fixture_teardown);

  return g_test_run ();
}
