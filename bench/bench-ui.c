/* bench-ui.c: what a user of the window waits for, per frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-ui [--runs N] [PROFILE.json[.gz]]   (under a display; meson
 *        runs it under xvfb-run with GSK_RENDERER=cairo, as tests/ui do)
 *
 * Loads the profile (default: the large fixture), builds its top-down and
 * bottom-up flame trees and shows the flame graph in a 1280-pixel window;
 * then, for each direction, times a frame after: a pointer motion (hit-test
 * and hover), a search keystroke (the query grows by one letter), a resize,
 * a zoom, and a direction switch. Also the counters chart with 24 hours of
 * readings at 1 Hz in each of its three series (a redraw, a new reading, the
 * crosshair following the pointer, a range selected), and the snapshot
 * timeline of a day's profiles at one every 10 s (a redraw, a scrub step).
 *
 * A frame is timed as the app's frame clock would spend it: the change
 * itself, the widget's snapshot (GtkWidgetClass.snapshot into a GtkSnapshot,
 * then the render node) and the node rasterised by the window's renderer
 * (cairo under GSK_RENDERER=cairo) into a texture of the visible area. Each
 * figure is the median of N frames, with the slowest; wall time per step,
 * and the frame's CPU time (this thread), which other load moves less.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "ms-counter-chart.h"
#include "ms-flame-graph.h"
#include "ms-recording-writer.h"
#include "ms-snapshot-timeline.h"
#include "bench-stats.h"

#define DEFAULT_RUNS 21
#define WIDTH 1280
#define VISIBLE_HEIGHT 720

typedef struct
{
  double change;
  double snapshot;
  double raster;
  double cpu;       /* this thread's CPU time for the whole frame */
} Frame;

static guint n_runs = DEFAULT_RUNS;
static GskRenderer *renderer;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* CPU time is what a frame costs with other builds running beside it; wall time
 * also counts the time the scheduler gave to them. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Snapshot @widget as its parent would, then rasterise what is visible. */
static void
draw_frame (GtkWidget *widget,
            Frame     *frame)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = MIN (gtk_widget_get_height (widget), VISIBLE_HEIGHT);
  double t0, t1;

  t0 = now_ms ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  t1 = now_ms ();
  frame->snapshot = t1 - t0;
  if (node != NULL)
    texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  frame->raster = now_ms () - t1;
}

static void
report (const char  *what,
        const Frame *frames,
        guint        n)
{
  g_autofree double *change = g_new (double, n);
  g_autofree double *snap = g_new (double, n);
  g_autofree double *raster = g_new (double, n);
  g_autofree double *total = g_new (double, n);
  g_autofree double *cpu = g_new (double, n);
  double load[1] = { -1 }, worst = 0;

  for (guint i = 0; i < n; i++)
    {
      cpu[i] = frames[i].cpu;
      change[i] = frames[i].change;
      snap[i] = frames[i].snapshot;
      raster[i] = frames[i].raster;
      total[i] = change[i] + snap[i] + raster[i];
      worst = MAX (worst, total[i]);
    }
  getloadavg (load, 1);
  g_print ("%-40s change %6.3f | snapshot %6.3f | raster %6.3f | frame %6.3f ms (slowest %6.3f) | CPU %6.3f ms | load %.2f\n",
           what, bench_median_in_place (change, n), bench_median_in_place (snap, n), bench_median_in_place (raster, n),
           bench_median_in_place (total, n), worst, bench_median_in_place (cpu, n), load[0]);
}

static gboolean
is_allocated (GtkWidget *widget)
{
  return gtk_widget_get_width (widget) > 0;
}

static void
wait_allocated (GtkWidget *widget)
{
  for (guint i = 0; i < 500 && !is_allocated (widget); i++)
    g_main_context_iteration (NULL, TRUE);
  for (gint64 end = g_get_monotonic_time () + 200000; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
}

static GtkEventController *
find_motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
        return c;
    }
  return NULL;
}

static void
allocate (GtkWidget *widget,
          int        width)
{
  int min_height, nat_height;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &min_height, &nat_height, NULL, NULL);
  gtk_widget_size_allocate (widget, &(GtkAllocation) { 0, 0, width, nat_height }, -1);
}

static void
bench_flame_graph (GtkWidget   *graph,
                   MsFlameTree *tree,
                   MsFlameTree *other,
                   const char  *direction)
{
  MsFlameGraph *fg = MS_FLAME_GRAPH (graph);
  GtkEventController *motion = find_motion_controller (graph);
  g_autofree Frame *frames = g_new0 (Frame, n_runs);
  const char *query = "posix_memalign_with_a_long_tail";
  guint rows = ms_flame_tree_get_max_depth (tree) + 1;
  g_autofree char *what = NULL;
  double t0, c0;

  ms_flame_graph_set_tree (fg, tree);
  ms_flame_graph_set_search_text (fg, NULL);
  allocate (graph, WIDTH);
  draw_frame (graph, &frames[0]);   /* the cached node, built once */

  g_print ("# %s: %u nodes, %u rows, widget %d x %d, visible %d x %d\n", direction,
           ms_flame_tree_get_n_nodes (tree), rows, gtk_widget_get_width (graph),
           gtk_widget_get_height (graph), WIDTH, MIN (gtk_widget_get_height (graph), VISIBLE_HEIGHT));

  /* hover: the pointer sweeps the deepest visible rows, a new frame each time */
  for (guint i = 0; i < n_runs; i++)
    {
      double x = (i * 97) % WIDTH + 0.5;
      double y = (MIN (rows, VISIBLE_HEIGHT / ms_flame_graph_get_row_height (fg)) - 1 - i % 4)
                 * ms_flame_graph_get_row_height (fg) + 3;

      c0 = cpu_ms ();
      t0 = now_ms ();
      g_signal_emit_by_name (motion, "motion", x, y);
      frames[i].change = now_ms () - t0;
      draw_frame (graph, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  what = g_strdup_printf ("%s: hover (hit-test + redraw)", direction);
  report (what, frames, n_runs);

  /* the hit-test alone, where a scan of siblings would be longest: the right
   * end of the first row under the root, and of the deepest row */
  {
    const guint n_calls = 100000;
    guint row_height = ms_flame_graph_get_row_height (fg);
    double ys[2] = { row_height + 1.0, (rows - 1) * row_height + 1.0 };

    for (guint k = 0; k < G_N_ELEMENTS (ys); k++)
      {
        volatile guint sink = 0;

        t0 = now_ms ();
        for (guint i = 0; i < n_calls; i++)
          sink += ms_flame_graph_get_node_at (fg, WIDTH - 1 - (i % 64) * 0.25, ys[k]);
        g_print ("%s: hit-test at the right end of row %-3u %9.3f us per call\n", direction,
                 (guint)(ys[k] / row_height), (now_ms () - t0) * 1000.0 / n_calls);
      }
  }

  /* a search keystroke: the query grows by one letter, then starts over */
  for (guint i = 0; i < n_runs; i++)
    {
      g_autofree char *text = g_strndup (query, 1 + i % strlen (query));

      c0 = cpu_ms ();
      t0 = now_ms ();
      ms_flame_graph_set_search_text (fg, text);
      frames[i].change = now_ms () - t0;
      draw_frame (graph, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  g_free (what);
  what = g_strdup_printf ("%s: search keystroke", direction);
  report (what, frames, n_runs);

  /* hover while a search is shown */
  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      g_signal_emit_by_name (motion, "motion", (i * 131) % WIDTH + 0.5, 3.0 + (i % 6) * 20);
      frames[i].change = now_ms () - t0;
      draw_frame (graph, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  g_free (what);
  what = g_strdup_printf ("%s: hover with a search shown", direction);
  report (what, frames, n_runs);
  ms_flame_graph_set_search_text (fg, NULL);

  /* resize: one pixel narrower or wider each frame */
  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      allocate (graph, WIDTH - 1 - (i % 2));
      frames[i].change = now_ms () - t0;
      draw_frame (graph, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  allocate (graph, WIDTH);
  g_free (what);
  what = g_strdup_printf ("%s: relayout on resize", direction);
  report (what, frames, n_runs);

  /* zoom: into the root's heaviest child's heaviest child and back */
  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      ms_flame_graph_zoom_to_node (fg, i % 2 == 0 ? MIN (2, ms_flame_tree_get_n_nodes (tree) - 1) : 0);
      frames[i].change = now_ms () - t0;
      draw_frame (graph, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  ms_flame_graph_reset_zoom (fg);
  g_free (what);
  what = g_strdup_printf ("%s: relayout on zoom", direction);
  report (what, frames, n_runs);

  /* direction switch: the other tree (built beforehand, as the app does off the main thread) */
  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      ms_flame_graph_set_tree (fg, i % 2 == 0 ? other : tree);
      allocate (graph, WIDTH);
      frames[i].change = now_ms () - t0;
      draw_frame (graph, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  g_free (what);
  what = g_strdup_printf ("%s: relayout on direction switch", direction);
  report (what, frames, n_runs);
}

static void
bench_counter_chart (GtkWidget *chart)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (24 * 60 * 60);
  g_autofree Frame *frames = g_new0 (Frame, n_runs);
  const char * const *names = ms_counter_chart_get_names ();
  gint64 start = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;
  double t0, c0;

  /* 24 h at 1 Hz: a slow leak with noise, in each series */
  for (guint s = 0; s < 24 * 60 * 60; s++)
    for (guint k = 0; names[k] != NULL; k++)
      ms_counter_series_append (series, names[k], start + (gint64)s * G_USEC_PER_SEC,
                                (k + 1) * 100.0 + s / 100.0 + (s * 7919 % 13));
  ms_counter_chart_set_series (MS_COUNTER_CHART (chart), series);
  allocate (chart, WIDTH);
  g_print ("# counters chart: 3 series x %u points, widget %d x %d\n",
           ms_counter_series_get_n_points (series, names[0]),
           gtk_widget_get_width (chart), gtk_widget_get_height (chart));

  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      ms_counter_chart_update (MS_COUNTER_CHART (chart));
      frames[i].change = now_ms () - t0;
      draw_frame (chart, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  report ("counters chart, 24 h at 1 Hz x 3: redraw", frames, n_runs);

  /* a new reading each second: the series grows and the chart redraws */
  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      for (guint k = 0; names[k] != NULL; k++)
        ms_counter_series_append (series, names[k], start + (gint64)(24 * 60 * 60 + i) * G_USEC_PER_SEC, 1000 + i);
      ms_counter_chart_update (MS_COUNTER_CHART (chart));
      frames[i].change = now_ms () - t0;
      draw_frame (chart, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  report ("counters chart: a new reading, redraw", frames, n_runs);

  /* the pointer crosses the chart: the crosshair and its label move */
  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      ms_counter_chart_set_hover (MS_COUNTER_CHART (chart),
                                  start + (gint64)(i * 24 * 60 * 60 / n_runs) * G_USEC_PER_SEC);
      frames[i].change = now_ms () - t0;
      draw_frame (chart, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  report ("counters chart: crosshair moves, redraw", frames, n_runs);
  ms_counter_chart_clear_hover (MS_COUNTER_CHART (chart));

  /* a range selected by dragging: the growth is fitted over it again */
  for (guint i = 0; i < n_runs; i++)
    {
      gint64 from = start + (gint64)(i * 60 * 60) * G_USEC_PER_SEC;

      c0 = cpu_ms ();
      t0 = now_ms ();
      ms_counter_chart_set_selection (MS_COUNTER_CHART (chart), from, from + (gint64)12 * 60 * 60 * G_USEC_PER_SEC);
      frames[i].change = now_ms () - t0;
      draw_frame (chart, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  report ("counters chart: a 12 h range selected", frames, n_runs);
  ms_counter_chart_clear_selection (MS_COUNTER_CHART (chart));
}

/* A day of profiles at one every 10 s, as a recording file lists them. */
static MsSessionFile *
write_day_of_profiles (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (path, &error);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gint64 start = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;
  MsSessionFile *session;

  g_assert_no_error (error);
  for (guint i = 0; i < 24 * 60 * 6; i++)
    {
      guint64 size = 1024 + (i * 7919 % 4096), total = size * (100 + i / 10 + (i * 31 % 17));
      g_autofree char *text = g_strdup_printf ("{\"id\":%u,\"result\":{\"profile\":{\"samples\":"
                                               "[{\"size\":%" G_GUINT64_FORMAT ",\"total\":%" G_GUINT64_FORMAT
                                               ",\"stack\":[\"0x1 a\",\"0x2 b\"]}],\"modules\":[]}}}",
                                               i, size, total);
      g_autoptr(GBytes) reply = g_bytes_new (text, strlen (text));

      if (!ms_recording_writer_append_profile (writer, start + (gint64)i * 10 * G_USEC_PER_SEC,
                                               "Memory.getSamplingProfile", reply, 1, total, &error))
        g_error ("%s", error->message);
    }
  if (!ms_recording_writer_close (writer, &error))
    g_error ("%s", error->message);
  session = ms_session_file_new_from_file (file, NULL, &error);
  if (session == NULL)
    g_error ("%s", error->message);
  return session;
}

static void
bench_snapshot_timeline (GtkWidget *timeline)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-ui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "day.memscope", NULL);
  g_autoptr(MsSessionFile) session = NULL;
  g_autofree Frame *frames = g_new0 (Frame, n_runs);
  double t0, c0;

  t0 = now_ms ();
  session = write_day_of_profiles (path);
  g_print ("# snapshot timeline: %u profiles written and indexed in %.1f ms\n",
           ms_session_file_get_n_profiles (session), now_ms () - t0);
  t0 = now_ms ();
  ms_snapshot_timeline_set_session_file (MS_SNAPSHOT_TIMELINE (timeline), session);
  g_print ("# snapshot timeline: listed in %.1f ms\n", now_ms () - t0);
  allocate (timeline, WIDTH);

  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      gtk_widget_queue_draw (timeline);
      frames[i].change = now_ms () - t0;
      draw_frame (timeline, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  report ("snapshot timeline, 8640 profiles: redraw", frames, n_runs);

  /* a scrub step (Right): the selection moves and the strip redraws */
  ms_snapshot_timeline_set_selected (MS_SNAPSHOT_TIMELINE (timeline), 0);
  for (guint i = 0; i < n_runs; i++)
    {
      c0 = cpu_ms ();
      t0 = now_ms ();
      ms_snapshot_timeline_set_selected (MS_SNAPSHOT_TIMELINE (timeline), (i + 1) * 400 % (24 * 60 * 6));
      frames[i].change = now_ms () - t0;
      draw_frame (timeline, &frames[i]);
      frames[i].cpu = cpu_ms () - c0;
    }
  report ("snapshot timeline: scrub step, redraw", frames, n_runs);

  ms_snapshot_timeline_clear (MS_SNAPSHOT_TIMELINE (timeline));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsFlameTree) top_down = NULL, bottom_up = NULL;
  g_autofree char *default_path = NULL;
  MsFlameTreeOptions options;
  GtkWidget *window, *box, *graph, *chart, *timeline;
  const char *path;
  double t0;

  if (argc >= 3 && strcmp (argv[1], "--runs") == 0)
    {
      n_runs = MAX (1, atoi (argv[2]));
      argc -= 2, argv += 2;
    }
  if (argc > 1)
    path = argv[1];
  else
    {
      const char *fixtures = g_getenv ("MEMSCOPE_FIXTURES");

      default_path = g_build_filename (fixtures != NULL ? fixtures : "../shared/fixtures/chromium-156",
                                       "large", "getSamplingProfile.json.gz", NULL);
      path = default_path;
    }

  gtk_init ();

  file = g_file_new_for_path (path);
  t0 = now_ms ();
  profile = ms_profile_new_from_file (file, NULL, &error);
  if (profile == NULL)
    {
      g_printerr ("%s: %s\n", path, error->message);
      return 1;
    }
  g_print ("# %s: %u samples, read in %.1f ms; GSK_RENDERER=%s; median of %u frames\n",
           path, ms_profile_get_n_samples (profile), now_ms () - t0,
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(default)", n_runs);

  ms_flame_tree_options_init (&options);
  t0 = now_ms ();
  top_down = ms_flame_tree_new (profile, &options);
  g_print ("# top-down tree built in %.1f ms (off the main thread in the app)\n", now_ms () - t0);
  options.direction = MS_FLAME_DIRECTION_BOTTOM_UP;
  t0 = now_ms ();
  bottom_up = ms_flame_tree_new (profile, &options);
  g_print ("# bottom-up tree built in %.1f ms (off the main thread in the app)\n", now_ms () - t0);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, 800);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  graph = ms_flame_graph_new ();
  chart = ms_counter_chart_new ();
  timeline = ms_snapshot_timeline_new ();
  gtk_box_append (GTK_BOX (box), chart);
  gtk_box_append (GTK_BOX (box), timeline);
  gtk_box_append (GTK_BOX (box), graph);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  wait_allocated (graph);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_print ("# renderer %s\n", G_OBJECT_TYPE_NAME (renderer));

  bench_flame_graph (graph, top_down, bottom_up, "top-down");
  bench_flame_graph (graph, bottom_up, top_down, "bottom-up");
  bench_counter_chart (chart);
  bench_snapshot_timeline (timeline);

  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
