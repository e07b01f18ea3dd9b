/* ms-window-export.c: what the window shows, written to a file
 *
 * The figures come from the analysis layer's exports (ms-export.c), the same the CLI's
 * `export` writes. What may change meanwhile (the counters while recording) or must be
 * drawn (the PNG) is taken here on the main thread; a flame tree does not change once
 * built, so its SVG and folded stacks are made in the worker thread. The file is
 * written with g_file_replace_contents(): a temporary file renamed over the old one,
 * so a failed export leaves what was there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-export.h"
#include "ms-flame-svg.h"
#include "ms-window-export.h"
#include "ms-window-private.h"

#define SVG_WIDTH 1200

static const struct
{
  const char *nick;
  const char *file_name;
  const char *filter_name;
  const char *pattern;
  const char *title;
} formats[] = {
  [MS_WINDOW_EXPORT_FLAME_SVG] = { "svg", "flame-graph.svg", N_("SVG images"), "*.svg",
                                   N_("Export the Flame Graph as SVG") },
  [MS_WINDOW_EXPORT_FLAME_PNG] = { "png", "flame-graph.png", N_("PNG images"), "*.png",
                                   N_("Export the Flame Graph as PNG") },
  [MS_WINDOW_EXPORT_FOLDED] = { "folded", "stacks.folded", N_("Folded stacks"), "*.folded",
                                N_("Export Folded Stacks") },
  [MS_WINDOW_EXPORT_COUNTERS_CSV] = { "counters-csv", "counters.csv", N_("CSV files"), "*.csv",
                                      N_("Export the Counters as CSV") },
  [MS_WINDOW_EXPORT_HISTOGRAM_CSV] = { "histogram-csv", "histogram.csv", N_("CSV files"), "*.csv",
                                       N_("Export the Size Histogram as CSV") },
};

gboolean
ms_window_export_from_nick (const char     *nick,
                            MsWindowExport *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (nick, formats[i].nick) == 0)
      {
        *format = i;
        return TRUE;
      }
  return FALSE;
}

typedef struct
{
  MsWindowExport  format;
  GFile          *file;
  GBytes         *bytes;  /* ready to write, or NULL: made from the tree */
  MsFlameTree    *tree;
  MsFlameSvgView  view;      /* what the flame graph shows of @tree */
  char           *title;
  guint           n_frames;  /* drawn since the flame graph's page was shown */
  gboolean        started;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->file);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_clear_object (&job->tree);
  ms_flame_svg_view_clear (&job->view);
  g_free (job->title);
  g_free (job);
}

static GBytes *
steal_memory_bytes (GOutputStream *memory)
{
  g_output_stream_close (memory, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GBytes) bytes = job->bytes ? g_bytes_ref (job->bytes) : NULL;
  GError *error = NULL;

  if (bytes == NULL)
    {
      gboolean ok;

      memory = g_memory_output_stream_new_resizable ();
      if (job->format == MS_WINDOW_EXPORT_FLAME_SVG)
        ok = ms_flame_svg_write (job->tree, &job->view, job->title, SVG_WIDTH, memory, cancellable, &error);
      else
        ok = ms_export_folded (job->tree, job->view.value, memory, cancellable, &error);
      if (!ok)
        {
          g_task_return_error (task, error);
          return;
        }
      bytes = steal_memory_bytes (memory);
    }

  if (!g_file_replace_contents (job->file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The flame graph as drawn now, over the view's background. */
static GBytes *
render_flame_png (MsFlameGraph  *graph,
                  GError       **error)
{
  GtkWidget *widget = GTK_WIDGET (graph);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;
  GtkWidget *parent = gtk_widget_get_parent (widget);
  graphene_rect_t bounds;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GdkRGBA background = { 1, 1, 1, 1 };

  if (renderer == NULL || parent == NULL || !gtk_widget_get_mapped (widget) || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("the flame graph is not on screen: the window is hidden"));
      return NULL;
    }

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "view_bg_color", &background);
G_GNUC_END_IGNORE_DEPRECATIONS
  /* Drawn now, as its parent draws it, moved back to the graph's own origin; not a
   * GtkWidgetPaintable, which shows the last frame the graph was drawn in. */
  if (!gtk_widget_compute_bounds (widget, parent, &bounds))
    bounds.origin = GRAPHENE_POINT_INIT (0, 0);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-bounds.origin.x, -bounds.origin.y));
  gtk_widget_snapshot_child (parent, widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  return gdk_texture_save_to_png_bytes (texture);
}

static char *
flame_title (MsWindow *self)
{
  g_autofree char *title = g_strdup (gtk_window_get_title (GTK_WINDOW (self)));

  if (self->opened_gfile != NULL)
    {
      g_autofree char *name = g_file_get_basename (self->opened_gfile);

      /* Translators: an exported flame graph's title; %s is the session file's name */
      return g_strdup_printf (_("Memscope: %s"), name);
    }
  return g_steal_pointer (&title);
}

/* What the flame graph shows now: the zoom, the metric, the difference from a baseline
 * (the direction and the frame labels are the tree's own). */
static void
take_view (MsFlameGraph   *graph,
           MsFlameSvgView *view)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (graph);
  const double *deltas = ms_flame_graph_get_deltas (graph);

  view->root = ms_flame_graph_get_zoom_node (graph);
  view->value = ms_flame_graph_get_value (graph);
  if (deltas != NULL)
    view->deltas = g_memdup2 (deltas, ms_flame_tree_get_n_nodes (tree) * sizeof (double));
}

/* Takes on this thread what the job needs; FALSE with @error when there is nothing. */
static gboolean
prepare_job (MsWindow   *self,
             ExportJob  *job,
             GError    **error)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (self->flame_graph);
  MsCounterSeries *series = ms_counter_chart_get_series (self->counter_chart);
  MsSizeHistogram *histogram = ms_histogram_view_get_histogram (self->histogram_view);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();

  switch (job->format)
    {
    case MS_WINDOW_EXPORT_FLAME_SVG:
    case MS_WINDOW_EXPORT_FOLDED:
    case MS_WINDOW_EXPORT_FLAME_PNG:
      if (tree == NULL)
        break;
      job->tree = g_object_ref (tree);
      take_view (self->flame_graph, &job->view);
      job->title = flame_title (self);
      if (job->format == MS_WINDOW_EXPORT_FLAME_PNG)
        job->bytes = render_flame_png (self->flame_graph, error);
      return job->format != MS_WINDOW_EXPORT_FLAME_PNG || job->bytes != NULL;

    case MS_WINDOW_EXPORT_COUNTERS_CSV:
      if (series == NULL)
        break;
      /* The recorder appends to the series on this thread. */
      if (!ms_export_counters_csv (series, memory, NULL, error))
        return FALSE;
      job->bytes = steal_memory_bytes (memory);
      return TRUE;

    case MS_WINDOW_EXPORT_HISTOGRAM_CSV:
      if (histogram == NULL)
        break;
      if (!ms_export_histogram_csv (histogram, memory, NULL, error))
        return FALSE;
      job->bytes = steal_memory_bytes (memory);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       job->format == MS_WINDOW_EXPORT_COUNTERS_CSV
                       ? _("no counters are shown: record or open a session first")
                       : _("no profile is shown: record or open one first"));
  return FALSE;
}

static void
start_job (GTask *task)
{
  MsWindow *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!prepare_job (self, g_task_get_task_data (task), &error))
    g_task_return_error (task, error);
  else
    g_task_run_in_thread (task, export_thread);
}

static gboolean
graph_is_laid_out (MsFlameGraph *graph)
{
  int width = gtk_widget_get_width (GTK_WIDGET (graph));
  int height = gtk_widget_get_height (GTK_WIDGET (graph));
  double row = ms_flame_graph_get_row_height (graph) / 2.0;

  return ms_flame_graph_get_node_at (graph, width / 2.0, row) != MS_FLAME_GRAPH_NO_NODE ||
         ms_flame_graph_get_node_at (graph, width / 2.0, height - row) != MS_FLAME_GRAPH_NO_NODE;
}

static gboolean
on_flame_page_shown (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  ExportJob *job = g_task_get_task_data (user_data);

  /* The first frame lays the page out, the next has drawn it; the graph lays its tree
   * out on its own, which shows when a hit-test finds the root, at the top or the
   * bottom. Not waiting forever for that: a second at 60 frames a second. */
  if (++job->n_frames < 2 ||
      (job->n_frames < 60 && !graph_is_laid_out (MS_FLAME_GRAPH (widget))))
    return G_SOURCE_CONTINUE;
  job->started = TRUE;
  start_job (user_data);
  return G_SOURCE_REMOVE;
}

/* The tick callback is gone: drawn, or the window went away first. */
static void
on_flame_page_wait_done (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportJob *job = g_task_get_task_data (task);

  if (!job->started)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("the window closed before the flame graph was drawn"));
}

void
ms_window_export_async (MsWindow            *self,
                        MsWindowExport       format,
                        GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (MS_IS_WINDOW (self));
  g_return_if_fail (format < G_N_ELEMENTS (formats));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_window_export_async);
  job = g_new0 (ExportJob, 1);
  job->format = format;
  job->file = g_object_ref (file);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);

  /* The PNG is the flame graph as drawn: show its page first when the window shows
   * another page of the session. */
  if (format == MS_WINDOW_EXPORT_FLAME_PNG &&
      ms_flame_graph_get_tree (self->flame_graph) != NULL &&
      !gtk_widget_get_mapped (GTK_WIDGET (self->flame_graph)) &&
      gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "session") == 0)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "flame");
      gtk_widget_add_tick_callback (GTK_WIDGET (self->flame_graph), on_flame_page_shown,
                                    g_steal_pointer (&task), on_flame_page_wait_done);
      return;
    }
  start_job (task);
}

gboolean
ms_window_export_finish (MsWindow      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  MsWindow *self = MS_WINDOW (object);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_file_get_parse_name (file);

  if (!ms_window_export_finish (self, result, &error))
    {
      /* Translators: %s is the file's path; the error follows */
      g_autofree char *prefix = g_strdup_printf (_("Could not export to %s"), where);

      ms_window_show_error (self, prefix, error);
      return;
    }
  /* Translators: %s is the file's path */
  ms_window_toast (self, _("Exported to %s"), where);
}

void
ms_window_export_to_file (MsWindow       *self,
                          MsWindowExport  format,
                          GFile          *file)
{
  g_return_if_fail (MS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_clear_object (&self->export_folder);
  self->export_folder = g_file_get_parent (file);
  ms_window_export_async (self, format, file, self->cancellable, on_exported, g_object_ref (file));
}

/* The file chooser */

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    MsWindow        *self)
{
  MsWindowExport format = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "ms-format"));
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file != NULL)
    ms_window_export_to_file (self, format, file);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;
  MsWindowExport format;

  if (!ms_window_export_from_nick (g_variant_get_string (param, NULL), &format))
    return;

  gtk_file_filter_set_name (filter, _(formats[format].filter_name));
  gtk_file_filter_add_pattern (filter, formats[format].pattern);
  dialog = gtk_file_chooser_native_new (_(formats[format].title), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  if (self->export_folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), self->export_folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), formats[format].file_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "ms-format", GUINT_TO_POINTER (format));
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
ms_window_class_init_export_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
}
