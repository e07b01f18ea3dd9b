/* ms-symbols-dialog.c: symbolizing the shown profile, with progress, and the module report
 *
 * The frames are named by ms_profile_symbolize_async(), which resolves in a worker thread
 * and renames the profile's frames on this one; the flame tree is then built again in a
 * GTask thread, since a tree keeps the labels it was built with. The list is the CLI's
 * module report (`memscope-cli export --symbolize`), as rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-flame-view.h"
#include "ms-profile-symbols.h"
#include "ms-symbols-dialog.h"
#include "ms-symbolizer.h"
#include "ms-window.h"

/* Where the browser's own executable is on Debian, as the CLI assumes. */
#define DEFAULT_EXECUTABLE "/usr/lib/chromium/chromium"

/* A row */

struct _MsSymbolsModuleItem
{
  GObject               parent_instance;
  MsSymbolModuleReport *report;
};

G_DEFINE_FINAL_TYPE (MsSymbolsModuleItem, ms_symbols_module_item, G_TYPE_OBJECT)

static void
ms_symbols_module_item_finalize (GObject *object)
{
  g_clear_pointer (&MS_SYMBOLS_MODULE_ITEM (object)->report, ms_symbol_module_report_unref);
  G_OBJECT_CLASS (ms_symbols_module_item_parent_class)->finalize (object);
}

static void
ms_symbols_module_item_class_init (MsSymbolsModuleItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_symbols_module_item_finalize;
}

static void
ms_symbols_module_item_init (MsSymbolsModuleItem *self)
{
}

MsSymbolModuleReport *
ms_symbols_module_item_get_report (MsSymbolsModuleItem *self)
{
  g_return_val_if_fail (MS_IS_SYMBOLS_MODULE_ITEM (self), NULL);

  return self->report;
}

/* The dialog */

struct _MsSymbolsDialog
{
  AdwWindow       parent_instance;

  GCancellable   *cancellable;
  GListStore     *modules;
  MsFlameGraph   *graph;        /* weak */
  MsProfile      *profile;
  MsSymbolizer   *symbolizer;
  char           *path_hint;
  guint           n_modules;
  /* Where each module's share of the progress ends, in the symbolizer's order */
  GArray         *module_ends;
  GError         *error;
  gboolean        finished;

  /* Template children */
  AdwWindowTitle *window_title;
  GtkStack       *stack;
  AdwStatusPage  *progress_page;
  GtkProgressBar *progress_bar;
  GtkLabel       *summary_label;
  GtkColumnView  *modules_view;
  AdwStatusPage  *error_page;
};

G_DEFINE_FINAL_TYPE (MsSymbolsDialog, ms_symbols_dialog, ADW_TYPE_WINDOW)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* By MsSymbolModuleStatus */
static const char * const status_text[] = {
  N_("Named"),
  N_("No build-id in the profile"),
  N_("No file found"),
  N_("Only files with another build-id"),
  N_("The file has no symbols"),
};

/* By MsSymbolSource */
static const char * const source_text[] = {
  N_("Nowhere"),
  N_("The browser executable setting"),
  N_("The module’s own path"),
  N_("A .build-id directory"),
  N_("A search directory"),
  N_("debuginfod"),
};

static char *
module_cell_text (MsSymbolModuleReport *report,
                  guint                 column)
{
  MsSymbolModuleStatus status = ms_symbol_module_report_get_status (report);
  MsSymbolSource source = ms_symbol_module_report_get_source (report);
  const char *path = ms_symbol_module_report_get_debug_path (report);
  const char *name = ms_symbol_module_report_get_module_name (report);
  const char *build_id = ms_symbol_module_report_get_build_id (report);

  if (path == NULL)
    path = ms_symbol_module_report_get_elf_path (report);

  switch (column)
    {
    case 0:
      return g_strdup (name ? name : _("(unnamed module)"));
    case 1:
      return g_strdup (build_id ? build_id : _("none"));
    case 2:
      if (status != MS_SYMBOL_MODULE_SYMBOLIZED)
        return g_strdup (status < G_N_ELEMENTS (status_text) ? _(status_text[status]) : "?");
      /* Translators: how many of a module's distinct addresses got a name */
      return g_strdup_printf (_("Named %u of %u"), ms_symbol_module_report_get_n_resolved (report),
                              ms_symbol_module_report_get_n_offsets (report));
    case 3:
    default:
      /* Where it was not found, the symbolizer's account of where it looked */
      if (status != MS_SYMBOL_MODULE_SYMBOLIZED && ms_symbol_module_report_get_detail (report) != NULL)
        return g_strdup (ms_symbol_module_report_get_detail (report));
      if (source >= G_N_ELEMENTS (source_text))
        return g_strdup ("?");
      if (path == NULL)
        return g_strdup (_(source_text[source]));
      /* Translators: where a module's symbols came from, then the file's path */
      return g_strdup_printf (_("%s: %s"), _(source_text[source]), path);
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* A build ID shortened at its end, as build IDs are: cut in the middle, its two
   * halves read as two cells. */
  gtk_label_set_ellipsize (GTK_LABEL (label), GPOINTER_TO_UINT (column) == 1 ? PANGO_ELLIPSIZE_END
                                                                             : PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  column)
{
  MsSymbolsModuleItem *row = gtk_list_item_get_item (item);
  g_autofree char *text = module_cell_text (row->report, GPOINTER_TO_UINT (column));
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, text);
}

static void
add_columns (MsSymbolsDialog *self)
{
  const char *titles[] = { N_("Module"), N_("Build ID"), N_("Frames"), N_("From, or Where It Looked") };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(titles[i]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, i == 0 || i == 3);
      gtk_column_view_append_column (self->modules_view, column);
    }
  gtk_column_view_set_model (self->modules_view, GTK_SELECTION_MODEL (
    gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->modules)))));
}

static void
finish (MsSymbolsDialog *self,
        GError          *error)
{
  self->finished = TRUE;
  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = error;
      /* Cancelled: the dialog is closing, nothing to say */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "modules");
  g_signal_emit (self, signals[FINISHED], 0);
}

/* Building the tree again, with the names */

typedef struct
{
  MsFlameGraph       *graph;
  MsFlameTree        *old_tree;  /* what the graph showed */
  MsFlameView        *view;      /* the view around the graph, or NULL */
  MsFlameTreeOptions  options;   /* the view's, or the old tree's direction */
} Rebuild;

static void
rebuild_free (Rebuild *rebuild)
{
  g_clear_object (&rebuild->graph);
  g_clear_object (&rebuild->old_tree);
  if (rebuild->view != NULL)
    ms_flame_view_clear_tree_options (&rebuild->options);
  g_clear_object (&rebuild->view);
  g_free (rebuild);
}

static void
build_tree_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Rebuild *rebuild = task_data;

  g_task_return_pointer (task, ms_flame_tree_new (ms_flame_tree_get_profile (rebuild->old_tree),
                                                  &rebuild->options),
                         g_object_unref);
}

static void
show_tree (Rebuild     *rebuild,
           MsFlameTree *tree)
{
  MsProfile *profile = ms_flame_tree_get_profile (tree);
  g_autoptr(MsProfile) baseline = NULL;

  if (rebuild->view == NULL)
    {
      if (ms_flame_graph_get_tree (rebuild->graph) == rebuild->old_tree)
        ms_flame_graph_set_tree (rebuild->graph, tree);
      return;
    }
  /* Only while the view still shows that profile; its own rebuilds since then read the
   * same, now named, frames. */
  if (ms_flame_view_get_profile (rebuild->view) != profile)
    return;
  if (ms_flame_view_get_baseline (rebuild->view) == NULL)
    {
      /* Kept as it is when built with the view's options, else built again */
      ms_flame_view_set_tree (rebuild->view, tree);
      return;
    }
  /* A differential graph: the view builds both again */
  baseline = g_object_ref (ms_flame_view_get_baseline (rebuild->view));
  ms_flame_view_set_diff (rebuild->view, NULL, NULL);
  ms_flame_view_set_diff (rebuild->view, baseline, profile);
}

/* Builds @graph's tree again from its (now named) profile, with the options of the
 * view around it, and shows it; the task's value is whether it was built. */
static void
rebuild_tree_async (MsFlameGraph        *graph,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  Rebuild *rebuild = g_new0 (Rebuild, 1);
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (graph), MS_TYPE_FLAME_VIEW);

  rebuild->graph = g_object_ref (graph);
  rebuild->old_tree = g_object_ref (ms_flame_graph_get_tree (graph));
  if (view != NULL)
    {
      rebuild->view = g_object_ref (MS_FLAME_VIEW (view));
      ms_flame_view_dup_tree_options (rebuild->view, &rebuild->options);
    }
  else
    {
      ms_flame_tree_options_init (&rebuild->options);
      rebuild->options.direction = ms_flame_tree_get_direction (rebuild->old_tree);
    }
  g_task_set_source_tag (task, rebuild_tree_async);
  g_task_set_task_data (task, rebuild, (GDestroyNotify) rebuild_free);
  g_task_run_in_thread (task, build_tree_thread);
}

static gboolean
rebuild_tree_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_autoptr(MsFlameTree) tree = g_task_propagate_pointer (G_TASK (result), error);

  if (tree == NULL)
    return FALSE;
  show_tree (g_task_get_task_data (G_TASK (result)), tree);
  return TRUE;
}

/* Names follow: once a window's profile is symbolized, every profile the window shows
 * next (another snapshot of the timeline, a new one while recording) is symbolized the
 * same way, in the background, from the symbolizer's cache of modules. */

typedef struct
{
  MsSymbolizer *symbolizer;
  char         *path_hint;
  GCancellable *cancellable;
  MsProfile    *tried;  /* weak: the last profile symbolized, named or not */
} FollowingSymbols;

static void
following_symbols_free (FollowingSymbols *following)
{
  g_cancellable_cancel (following->cancellable);
  g_clear_weak_pointer (&following->tried);
  g_clear_object (&following->cancellable);
  g_clear_object (&following->symbolizer);
  g_free (following->path_hint);
  g_free (following);
}

static gboolean
profile_has_symbols (MsProfile *profile)
{
  for (guint i = 0; i < ms_profile_get_n_frames (profile); i++)
    if (ms_profile_get_frame_symbol (profile, i, NULL, NULL, NULL))
      return TRUE;
  return FALSE;
}

static void
on_followed_tree_built (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  rebuild_tree_finish (result, NULL);
}

static void
on_followed_symbolized (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(MsFlameView) view = user_data;
  g_autoptr(MsSymbolResults) results = ms_profile_symbolize_finish (MS_PROFILE (object), result, NULL);
  MsFlameGraph *graph = ms_flame_view_get_graph (view);
  MsFlameTree *tree = ms_flame_graph_get_tree (graph);

  /* Nothing named, nothing to build again (and no new tree to start over from) */
  if (results == NULL || tree == NULL || ms_flame_tree_get_profile (tree) != MS_PROFILE (object) ||
      !profile_has_symbols (MS_PROFILE (object)))
    return;
  rebuild_tree_async (graph, NULL, on_followed_tree_built, NULL);
}

/* Once the view shows a tree of a profile not yet named: its build, which read the
 * frames in a thread, is over before the names are written here. */
static void
on_graph_tree (MsFlameGraph     *graph,
               GParamSpec       *pspec,
               FollowingSymbols *following)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (graph);
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (graph), MS_TYPE_FLAME_VIEW);
  MsProfile *profile = tree ? ms_flame_tree_get_profile (tree) : NULL;

  if (profile == NULL || view == NULL || profile == following->tried || profile_has_symbols (profile))
    return;
  g_set_weak_pointer (&following->tried, profile);
  ms_profile_symbolize_async (profile, following->symbolizer, following->path_hint,
                              following->cancellable, on_followed_symbolized, g_object_ref (view));
}

static void
follow_view (MsSymbolsDialog *self,
             MsFlameView     *view)
{
  FollowingSymbols *following = g_new0 (FollowingSymbols, 1);
  MsFlameGraph *graph = ms_flame_view_get_graph (view);

  following->symbolizer = g_object_ref (self->symbolizer);
  following->path_hint = g_strdup (self->path_hint);
  following->cancellable = g_cancellable_new ();
  /* Replaces (and stops) what an earlier symbolization set up, settings and all */
  g_signal_handlers_disconnect_matched (graph, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_graph_tree, NULL);
  g_object_set_data_full (G_OBJECT (graph), "ms-following-symbols", following,
                          (GDestroyNotify) following_symbols_free);
  g_signal_connect (graph, "notify::tree", G_CALLBACK (on_graph_tree), following);
}

static void
on_tree_built (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MsSymbolsDialog) self = user_data;
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (object), MS_TYPE_FLAME_VIEW);
  GError *error = NULL;

  if (!rebuild_tree_finish (result, &error))
    {
      finish (self, error);
      return;
    }
  if (view != NULL)
    follow_view (self, MS_FLAME_VIEW (view));
  finish (self, NULL);
}

static void
show_modules (MsSymbolsDialog *self,
              MsSymbolResults *results)
{
  GPtrArray *reports = ms_symbol_results_get_reports (results);
  guint n_named = 0;
  g_autofree char *summary = NULL;

  for (guint i = 0; reports != NULL && i < reports->len; i++)
    {
      g_autoptr(MsSymbolsModuleItem) item = g_object_new (MS_TYPE_SYMBOLS_MODULE_ITEM, NULL);

      item->report = ms_symbol_module_report_ref (g_ptr_array_index (reports, i));
      if (ms_symbol_module_report_get_status (item->report) == MS_SYMBOL_MODULE_SYMBOLIZED)
        n_named++;
      g_list_store_append (self->modules, item);
    }
  /* Translators: the first number is of modules whose frames got names, the second all */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Frames named in %u of %u module",
                                          "Frames named in %u of %u modules", reports->len),
                             n_named, reports->len);
  gtk_label_set_text (self->summary_label, summary);
  adw_window_title_set_subtitle (self->window_title, summary);
}

static void
on_symbolized (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MsSymbolsDialog) self = user_data;
  g_autoptr(MsSymbolResults) results = NULL;
  GError *error = NULL;

  results = ms_profile_symbolize_finish (MS_PROFILE (object), result, &error);
  if (results == NULL)
    {
      finish (self, error);
      return;
    }
  show_modules (self, results);

  if (self->graph == NULL || ms_flame_graph_get_tree (self->graph) == NULL)
    {
      finish (self, NULL);
      return;
    }
  rebuild_tree_async (self->graph, self->cancellable, on_tree_built, g_object_ref (self));
}

static guint
modules_done (MsSymbolsDialog *self,
              double           fraction)
{
  guint done = 0;

  /* Slightly below a module's end still counts it: the fraction is rounded */
  while (done < self->module_ends->len &&
         g_array_index (self->module_ends, double, done) <= fraction + 1e-9)
    done++;
  return done;
}

static void
on_progress (MsSymbolizer    *symbolizer,
             double           fraction,
             MsSymbolsDialog *self)
{
  /* Translators: symbolizing progress: modules done, of all the profile's modules */
  g_autofree char *text = g_strdup_printf (_("%u of %u modules"), modules_done (self, fraction),
                                           self->n_modules);

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* The modules that have frames, in index order (the symbolizer's), each weighing as the
 * symbolizer's progress weighs it: one for opening the module and one per address
 * (ms_symbolizer_run(); a caller's address looked up one byte back may fall on
 * another's, which makes this an estimate off by so little). */
static void
measure_modules (MsSymbolsDialog *self)
{
  guint n_modules = ms_profile_get_n_modules (self->profile);
  g_autofree guint *n_frames = g_new0 (guint, MAX (n_modules, 1));
  double total = 0, end = 0;

  for (guint i = 0; i < ms_profile_get_n_frames (self->profile); i++)
    {
      guint module = MS_PROFILE_NO_MODULE;

      ms_profile_get_frame (self->profile, i, &module, NULL, NULL, NULL);
      if (module < n_modules)
        n_frames[module]++;
    }
  self->n_modules = 0;
  for (guint m = 0; m < n_modules; m++)
    if (n_frames[m] > 0)
      {
        total += n_frames[m] + 1;
        self->n_modules++;
      }
  for (guint m = 0; m < n_modules; m++)
    if (n_frames[m] > 0)
      {
        end += (n_frames[m] + 1) / total;
        g_array_append_val (self->module_ends, end);
      }
}

static MsSymbolizer *
symbolizer_from_settings (GSettings  *settings,
                          char      **path_hint)
{
  MsSymbolizer *symbolizer = ms_symbolizer_new ();
  g_auto(GStrv) dirs = g_settings_get_strv (settings, "symbol-search-dirs");
  g_autofree char *executable = g_settings_get_string (settings, "symbol-executable-path");

  /* Added after the symbolizer's own default (/usr/lib/debug), which Preferences says
   * is always searched: setting the list would replace it. */
  for (guint i = 0; dirs[i] != NULL; i++)
    ms_symbolizer_add_search_dir (symbolizer, dirs[i]);
  /* Asked only when DEBUGINFOD_URLS is set (ms-symbol-module.c). */
  ms_symbolizer_set_use_debuginfod (symbolizer, TRUE);
  if (*executable != '\0')
    *path_hint = g_steal_pointer (&executable);
  else if (g_file_test (DEFAULT_EXECUTABLE, G_FILE_TEST_EXISTS))
    *path_hint = g_strdup (DEFAULT_EXECUTABLE);
  else
    *path_hint = NULL;
  return symbolizer;
}

void
ms_symbols_dialog_symbolize (MsSymbolsDialog *self,
                             MsFlameGraph    *graph)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *description = NULL;
  MsFlameTree *tree;

  g_return_if_fail (MS_IS_SYMBOLS_DIALOG (self));
  g_return_if_fail (MS_IS_FLAME_GRAPH (graph));
  g_return_if_fail (self->profile == NULL);

  g_set_weak_pointer (&self->graph, graph);
  tree = ms_flame_graph_get_tree (graph);
  if (tree == NULL)
    {
      finish (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                         _("No profile is shown: record or open one first")));
      return;
    }

  self->profile = g_object_ref (ms_flame_tree_get_profile (tree));
  measure_modules (self);
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Looking for the symbols of %u module",
                                              "Looking for the symbols of %u modules", self->n_modules),
                                 self->n_modules);
  adw_status_page_set_description (self->progress_page, description);

  self->symbolizer = symbolizer_from_settings (settings, &self->path_hint);
  g_signal_connect_object (self->symbolizer, "progress", G_CALLBACK (on_progress), self, 0);
  on_progress (self->symbolizer, 0, self);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  ms_profile_symbolize_async (self->profile, self->symbolizer, self->path_hint, self->cancellable,
                              on_symbolized, g_object_ref (self));
}

void
ms_symbols_dialog_cancel (MsSymbolsDialog *self)
{
  g_return_if_fail (MS_IS_SYMBOLS_DIALOG (self));

  g_cancellable_cancel (self->cancellable);
}

static void
on_cancel_clicked (MsSymbolsDialog *self)
{
  ms_symbols_dialog_cancel (self);
  gtk_window_close (GTK_WINDOW (self));
}

MsSymbolizer *
ms_symbols_dialog_get_symbolizer (MsSymbolsDialog *self)
{
  g_return_val_if_fail (MS_IS_SYMBOLS_DIALOG (self), NULL);

  return self->symbolizer;
}

GListModel *
ms_symbols_dialog_get_modules (MsSymbolsDialog *self)
{
  g_return_val_if_fail (MS_IS_SYMBOLS_DIALOG (self), NULL);

  return G_LIST_MODEL (self->modules);
}

const GError *
ms_symbols_dialog_get_error (MsSymbolsDialog *self)
{
  g_return_val_if_fail (MS_IS_SYMBOLS_DIALOG (self), NULL);

  return self->error;
}

gboolean
ms_symbols_dialog_is_finished (MsSymbolsDialog *self)
{
  g_return_val_if_fail (MS_IS_SYMBOLS_DIALOG (self), FALSE);

  return self->finished;
}

/* The window's action */

static void
symbolize_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  MsSymbolsDialog *dialog = ms_symbols_dialog_new (GTK_WINDOW (widget));

  gtk_window_present (GTK_WINDOW (dialog));
  ms_symbols_dialog_symbolize (dialog, ms_window_get_flame_graph (MS_WINDOW (widget)));
}

void
ms_symbols_dialog_install_action (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.symbolize", NULL, symbolize_action);
}

/* GObject */

static gboolean
ms_symbols_dialog_close_request (GtkWindow *window)
{
  /* Closing stops the work; a late result finds the dialog kept alive by its task. */
  g_cancellable_cancel (MS_SYMBOLS_DIALOG (window)->cancellable);
  return GTK_WINDOW_CLASS (ms_symbols_dialog_parent_class)->close_request (window);
}

static void
ms_symbols_dialog_dispose (GObject *object)
{
  MsSymbolsDialog *self = MS_SYMBOLS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_SYMBOLS_DIALOG);
  g_clear_weak_pointer (&self->graph);
  if (self->symbolizer != NULL)
    g_signal_handlers_disconnect_by_data (self->symbolizer, self);
  g_clear_object (&self->symbolizer);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (ms_symbols_dialog_parent_class)->dispose (object);
}

static void
ms_symbols_dialog_finalize (GObject *object)
{
  MsSymbolsDialog *self = MS_SYMBOLS_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->modules);
  g_clear_error (&self->error);
  g_clear_pointer (&self->module_ends, g_array_unref);
  g_free (self->path_hint);

  G_OBJECT_CLASS (ms_symbols_dialog_parent_class)->finalize (object);
}

static void
ms_symbols_dialog_class_init (MsSymbolsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ms_symbols_dialog_dispose;
  object_class->finalize = ms_symbols_dialog_finalize;
  window_class->close_request = ms_symbols_dialog_close_request;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* MsWindow's class registers the resources (once: the registration is not idempotent). */
  g_type_class_unref (g_type_class_ref (MS_TYPE_WINDOW));
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/memscope/Memscope/ms-symbols-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MsSymbolsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, MsSymbolsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, MsSymbolsDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, MsSymbolsDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MsSymbolsDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MsSymbolsDialog, modules_view);
  gtk_widget_class_bind_template_child (widget_class, MsSymbolsDialog, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ms_symbols_dialog_init (MsSymbolsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->modules = g_list_store_new (MS_TYPE_SYMBOLS_MODULE_ITEM);
  self->module_ends = g_array_new (FALSE, FALSE, sizeof (double));
  add_columns (self);
}

MsSymbolsDialog *
ms_symbols_dialog_new (GtkWindow *parent)
{
  return g_object_new (MS_TYPE_SYMBOLS_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
