/* bench-flame-view.c: what the flame view adds to a frame, on the large capture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-flame-view [--runs N] [PROFILE.json[.gz]]   (under a display;
 *        meson runs it under xvfb-run with GSK_RENDERER=cairo, as tests/ui do)
 *
 * Shows the profile (default: the large fixture) in an MsFlameView in a 1280 x
 * 800 window, top-down and bottom-up, and times, on the main thread, what each
 * navigation step costs before the next frame: its change (the graph's state,
 * and the view's breadcrumb, status, match count and accessible label), then
 * the layout of the whole view (measure and allocate) and its snapshot (its parts
 * drawn anew where they changed, as in a frame), then the render node rasterised by
 * the window's renderer. The steps: a zoom to the
 * deepest frame and back (a breadcrumb of the whole path, then of the root), a
 * keyboard focus move, the metric switched, and the next search match. bench-ui
 * times the graph's own frames (hover, search keystroke, resize, zoom, direction).
 * Each figure is the median of N steps, with the slowest.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gtk/gtk.h>

#include "ms-flame-view.h"
#include "bench-stats.h"

#define DEFAULT_RUNS 21
#define WIDTH 1280
#define HEIGHT 800

typedef struct
{
  double change;
  double layout;
  double snapshot;
  double raster;
} Step;

typedef gboolean (*StepFunc) (MsFlameView *view,
                              guint        i,
                              gpointer     data);

static guint n_runs = DEFAULT_RUNS;
static GskRenderer *renderer;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
report (const char *what,
        const Step *steps)
{
  g_autofree double *change = g_new (double, n_runs);
  g_autofree double *layout = g_new (double, n_runs);
  g_autofree double *snap = g_new (double, n_runs);
  g_autofree double *raster = g_new (double, n_runs);
  g_autofree double *total = g_new (double, n_runs);
  double load[1] = { -1 }, worst = 0;

  for (guint i = 0; i < n_runs; i++)
    {
      change[i] = steps[i].change;
      layout[i] = steps[i].layout;
      snap[i] = steps[i].snapshot;
      raster[i] = steps[i].raster;
      total[i] = change[i] + layout[i] + snap[i] + raster[i];
      worst = MAX (worst, total[i]);
    }
  getloadavg (load, 1);
  g_print ("%-38s change %6.3f | layout %6.3f | snapshot %6.3f | raster %6.3f | step %6.3f ms (slowest %6.3f) | load %.2f\n",
           what, bench_median_in_place (change, n_runs), bench_median_in_place (layout, n_runs), bench_median_in_place (snap, n_runs),
           bench_median_in_place (raster, n_runs), bench_median_in_place (total, n_runs), worst, load[0]);
}

static void
spin (guint ms)
{
  for (gint64 end = g_get_monotonic_time () + ms * 1000; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
}

/* The view laid out and drawn as a frame would: measure and allocate, the snapshot of
 * its whole widget tree, then what fits the window rasterised. */
static void
draw_view (GtkWidget *view,
           Step      *step)
{
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int min, nat;
  double t0, t1, t2;

  t0 = now_ms ();
  gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, WIDTH, &min, &nat, NULL, NULL);
  gtk_widget_size_allocate (view, &(GtkAllocation) { 0, 0, WIDTH, HEIGHT }, -1);
  t1 = now_ms ();
  /* as the window snapshots its child: each part anew only where it changed */
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (view)->snapshot (view, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  t2 = now_ms ();
  if (node != NULL)
    texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
  step->layout = t1 - t0;
  step->snapshot = t2 - t1;
  step->raster = now_ms () - t2;
}

static void
run_steps (MsFlameView *view,
           const char  *what,
           StepFunc     func,
           gpointer     data)
{
  g_autofree Step *steps = g_new0 (Step, n_runs);

  for (guint i = 0; i < n_runs; i++)
    {
      double t0 = now_ms ();

      if (!func (view, i, data))
        g_error ("%s: step %u did nothing", what, i);
      steps[i].change = now_ms () - t0;
      draw_view (GTK_WIDGET (view), &steps[i]);
      spin (5);
    }
  report (what, steps);
}

static gboolean
zoom_step (MsFlameView *view,
           guint        i,
           gpointer     data)
{
  MsFlameGraph *graph = ms_flame_view_get_graph (view);
  guint deepest = GPOINTER_TO_UINT (data);

  ms_flame_graph_zoom_to_node (graph, i % 2 == 0 ? deepest : 0);
  return ms_flame_graph_get_zoom_node (graph) == (i % 2 == 0 ? deepest : 0);
}

static gboolean
focus_step (MsFlameView *view,
            guint        i,
            gpointer     data)
{
  return ms_flame_graph_move_focus (ms_flame_view_get_graph (view), i % 2 == 0 ? GTK_DIR_DOWN : GTK_DIR_UP);
}

static gboolean
metric_step (MsFlameView *view,
             guint        i,
             gpointer     data)
{
  MsFlameValue value = i % 2 == 0 ? MS_FLAME_VALUE_SAMPLES : MS_FLAME_VALUE_TOTAL_BYTES;

  ms_flame_view_set_value (view, value);
  return ms_flame_view_get_value (view) == value;
}

static gboolean
match_step (MsFlameView *view,
            guint        i,
            gpointer     data)
{
  return ms_flame_graph_go_to_match (ms_flame_view_get_graph (view), TRUE) != MS_FLAME_GRAPH_NO_NODE;
}

static guint
find_deepest (MsFlameTree *tree)
{
  guint deepest = 0;

  for (guint i = 0; i < ms_flame_tree_get_n_nodes (tree); i++)
    if (ms_flame_tree_get_node (tree, i)->depth > ms_flame_tree_get_node (tree, deepest)->depth)
      deepest = i;
  return deepest;
}

static void
wait_for_direction (MsFlameView      *view,
                    MsFlameDirection  direction)
{
  MsFlameGraph *graph = ms_flame_view_get_graph (view);

  for (guint i = 0; i < 2000; i++)
    {
      MsFlameTree *tree = ms_flame_graph_get_tree (graph);

      if (tree != NULL && ms_flame_tree_get_direction (tree) == direction)
        break;
      spin (5);
    }
  spin (100);
}

static void
bench_direction (MsFlameView      *view,
                 MsFlameDirection  direction,
                 const char       *name)
{
  MsFlameGraph *graph = ms_flame_view_get_graph (view);
  MsFlameTree *tree;
  guint deepest;
  g_autofree char *what = NULL;

  ms_flame_view_set_direction (view, direction);
  wait_for_direction (view, direction);
  tree = ms_flame_graph_get_tree (graph);
  deepest = find_deepest (tree);
  g_print ("# %s: %u nodes, the deepest frame at depth %u\n", name, ms_flame_tree_get_n_nodes (tree),
           ms_flame_tree_get_node (tree, deepest)->depth);

  what = g_strdup_printf ("%s: zoom deepest / root", name);
  run_steps (view, what, zoom_step, GUINT_TO_POINTER (deepest));
  ms_flame_graph_reset_zoom (graph);
  gtk_widget_grab_focus (GTK_WIDGET (graph));
  ms_flame_graph_set_focus_node (graph, 0);
  g_free (what), what = g_strdup_printf ("%s: keyboard focus move", name);
  run_steps (view, what, focus_step, NULL);
  g_free (what), what = g_strdup_printf ("%s: metric switch", name);
  run_steps (view, what, metric_step, NULL);

  ms_flame_graph_set_search_text (graph, "a");
  spin (50);
  g_print ("# %s: %u frames match \"a\"\n", name, ms_flame_graph_get_n_matches (graph));
  g_free (what), what = g_strdup_printf ("%s: next search match", name);
  run_steps (view, what, match_step, NULL);
  ms_flame_graph_set_search_text (graph, NULL);
  ms_flame_graph_reset_zoom (graph);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(GFile) file = NULL;
  const char *path = NULL;
  GtkWidget *window, *view;
  double t0;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--runs") && i + 1 < argc)
        n_runs = MAX (1, atoi (argv[++i]));
      else
        path = argv[i];
    }
  if (path == NULL)
    {
      g_printerr ("usage: bench-flame-view [--runs N] PROFILE.json[.gz]\n");
      return 2;
    }

  gtk_init ();
  t0 = now_ms ();
  file = g_file_new_for_path (path);
  profile = ms_profile_new_from_file (file, NULL, &error);
  if (profile == NULL)
    g_error ("%s: %s", path, error->message);
  g_print ("# %s: %u samples, read in %.1f ms; GSK_RENDERER=%s; median of %u steps\n", path,
           ms_profile_get_n_samples (profile), now_ms () - t0,
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(default)", n_runs);

  window = gtk_window_new ();
  view = ms_flame_view_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  spin (200);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  ms_flame_view_set_profile (MS_FLAME_VIEW (view), profile);

  bench_direction (MS_FLAME_VIEW (view), MS_FLAME_DIRECTION_BOTTOM_UP, "bottom-up");
  bench_direction (MS_FLAME_VIEW (view), MS_FLAME_DIRECTION_TOP_DOWN, "top-down");

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
