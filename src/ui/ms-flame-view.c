/* ms-flame-view.c: the flame graph with its breadcrumb, search, metric, labels and
 * frame actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-flame-view.h"
#include "ms-profile-diff.h"
#include "ms-ui-resources.h"

struct _MsFlameView
{
  GtkWidget          parent_instance;

  GtkWidget         *navigation_bar;
  GtkScrolledWindow *breadcrumb_scroller;
  GtkWidget         *breadcrumb;
  GtkDropDown       *direction_dropdown;
  GtkDropDown       *value_dropdown;
  GtkDropDown       *label_dropdown;
  GtkWidget         *search_bar;
  GtkSearchEntry    *search_entry;
  GtkLabel          *match_label;
  GtkLabel          *status_label;
  GtkLabel          *profile_label;
  MsFlameGraph      *graph;
  GMenuModel        *context_menu;

  MsProfile         *profile;
  MsProfile         *baseline;     /* for a differential graph */
  MsFlameTree       *shown_tree;   /* the tree the view last gave its graph */
  MsFlameDirection   direction;
  MsLabelMode        label_mode;
  gboolean           merge_recursion;
  char              *focus;
  GPtrArray         *hidden;       /* labels, char* */

  GCancellable      *build_cancellable;
  guint              build_generation;
};

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_DIRECTION,
  PROP_LABEL_MODE,
  PROP_VALUE,
  PROP_MERGE_RECURSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MsFlameView, ms_flame_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void update_status (MsFlameView *self);

/* Trees, built off the main thread */

static GRegex *
build_hide_regex (GPtrArray *hidden)
{
  g_autoptr(GString) pattern = g_string_new ("^(?:");

  if (hidden->len == 0)
    return NULL;
  for (guint i = 0; i < hidden->len; i++)
    {
      g_autofree char *escaped = g_regex_escape_string (hidden->pdata[i], -1);

      g_string_append_printf (pattern, "%s%s", i ? "|" : "", escaped);
    }
  g_string_append (pattern, ")$");

  return g_regex_new (pattern->str, 0, 0, NULL);
}

void
ms_flame_view_dup_tree_options (MsFlameView        *self,
                                MsFlameTreeOptions *options)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));
  g_return_if_fail (options != NULL);

  ms_flame_tree_options_init (options);
  options->direction = self->direction;
  options->label_mode = self->label_mode;
  options->collapse_recursion = self->merge_recursion;
  options->focus = g_strdup (self->focus);
  options->hide = build_hide_regex (self->hidden);
}

void
ms_flame_view_clear_tree_options (MsFlameTreeOptions *options)
{
  g_clear_pointer ((char **) &options->focus, g_free);
  g_clear_pointer (&options->hide, g_regex_unref);
}

typedef struct
{
  MsProfile          *profile;
  MsProfile          *baseline;
  MsFlameTreeOptions  options;
  MsFlameTree        *tree;
  double             *deltas;   /* with a baseline: one per node of @tree */
  guint               generation;
  gboolean            fresh;    /* a new root: zoom and focus start over */
} BuildData;

static void
build_data_free (BuildData *data)
{
  g_clear_object (&data->profile);
  g_clear_object (&data->baseline);
  g_clear_pointer (&data->deltas, g_free);
  g_clear_object (&data->tree);
  ms_flame_view_clear_tree_options (&data->options);
  g_free (data);
}

/* Each tree node's change: the diff node of the same label path. The diff holds the
 * union of both profiles' paths, so every node of the later one's tree is there. */
static double *
compute_deltas (MsFlameTree   *tree,
                MsProfileDiff *diff)
{
  guint n_nodes, n_diff;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  const MsDiffNode *diff_nodes = ms_profile_diff_get_nodes (diff, &n_diff);
  g_autoptr(GHashTable) children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint *match = g_new (guint, MAX (n_nodes, 1));
  double *deltas = g_new0 (double, MAX (n_nodes, 1));

  /* (parent, label) of every diff node but the root */
  for (guint d = 1; d < n_diff; d++)
    g_hash_table_insert (children,
                         g_strdup_printf ("%u\x1f%s", diff_nodes[d].parent,
                                          ms_profile_diff_get_label (diff, diff_nodes[d].label)),
                         GUINT_TO_POINTER (d));

  match[0] = 0;
  deltas[0] = n_diff > 0 ? diff_nodes[0].delta_total : 0;
  for (guint i = 1; i < n_nodes; i++)
    {
      guint parent = match[nodes[i].parent];
      g_autofree char *key = NULL;
      gpointer value;

      match[i] = G_MAXUINT;
      if (parent == G_MAXUINT)
        continue;
      key = g_strdup_printf ("%u\x1f%s", parent, ms_flame_tree_get_node_label (tree, i));
      if (g_hash_table_lookup_extended (children, key, NULL, &value))
        {
          match[i] = GPOINTER_TO_UINT (value);
          deltas[i] = diff_nodes[match[i]].delta_total;
        }
    }

  return deltas;
}

static void
build_tree_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  BuildData *data = task_data;

  data->tree = ms_flame_tree_new (data->profile, &data->options);
  if (data->baseline != NULL)
    {
      g_autoptr(MsProfileDiff) diff = ms_profile_diff_new (data->baseline, data->profile, &data->options,
                                                           MS_FLAME_VALUE_TOTAL_BYTES, FALSE);

      data->deltas = compute_deltas (data->tree, diff);
    }
  g_task_return_boolean (task, TRUE);
}

static void
show_tree (MsFlameView  *self,
           MsFlameTree  *tree,
           const double *deltas,
           gboolean      fresh)
{
  g_set_object (&self->shown_tree, tree);
  if (fresh)
    ms_flame_graph_set_tree (self->graph, NULL);
  ms_flame_graph_set_tree (self->graph, tree);
  if (deltas != NULL)
    ms_flame_graph_set_deltas (self->graph, deltas, ms_flame_tree_get_n_nodes (tree));
  update_status (self);
}

static void
on_tree_built (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  MsFlameView *self = MS_FLAME_VIEW (object);
  BuildData *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  /* a newer profile or other options took over while this one was built */
  if (data->generation != self->build_generation)
    return;
  show_tree (self, data->tree, data->deltas, data->fresh);
}

static void
rebuild (MsFlameView *self,
         gboolean     fresh)
{
  g_autoptr(GTask) task = NULL;
  BuildData *data;

  self->build_generation++;
  if (self->profile == NULL)
    {
      g_clear_object (&self->shown_tree);
      ms_flame_graph_set_tree (self->graph, NULL);
      return;
    }

  data = g_new0 (BuildData, 1);
  data->profile = g_object_ref (self->profile);
  data->baseline = self->baseline ? g_object_ref (self->baseline) : NULL;
  data->generation = self->build_generation;
  data->fresh = fresh;
  ms_flame_view_dup_tree_options (self, &data->options);

  task = g_task_new (self, self->build_cancellable, on_tree_built, NULL);
  g_task_set_source_tag (task, rebuild);
  g_task_set_task_data (task, data, (GDestroyNotify) build_data_free);
  g_task_run_in_thread (task, build_tree_thread);
}

/* What the view shows around the graph */

static char *
dup_options_summary (MsFlameView *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (self->focus != NULL)
    /* Translators: the flame graph shows only the stacks through this frame */
    g_ptr_array_add (parts, g_strdup_printf (_("Focused on “%s”"), self->focus));
  if (self->hidden->len > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u frame hidden",
                                                          "%u frames hidden", self->hidden->len),
                                             self->hidden->len));
  if (self->merge_recursion)
    g_ptr_array_add (parts, g_strdup (_("Recursion merged")));
  if (self->baseline != NULL)
    g_ptr_array_add (parts, g_strdup (_("Against the baseline: red grew, blue shrank")));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

/* Hidden while empty: GTK 4.8 names an empty label by its class ("GtkLabel"). */
static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), *text != '\0');
}

static void
update_status (MsFlameView *self)
{
  guint focus = ms_flame_graph_get_focus_node (self->graph);
  g_autofree char *frame = ms_flame_graph_dup_node_text (self->graph, focus);
  g_autofree char *summary = dup_options_summary (self);
  g_autofree char *text = NULL;

  if (frame != NULL && *summary != '\0')
    text = g_strdup_printf ("%s · %s", frame, summary);
  set_label_text (self->status_label, text ? text : frame ? frame : summary);
  /* Shortened in the middle when narrow: the whole line on hover */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text ? text : frame ? frame : summary);
}

static void
update_match_label (MsFlameView *self)
{
  guint n = ms_flame_graph_get_n_matches (self->graph);
  guint current = ms_flame_graph_get_current_match (self->graph);
  guint64 bytes, samples;
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flame.next-match", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flame.previous-match", n > 0);
  if (ms_flame_graph_get_search_text (self->graph) == NULL)
    {
      set_label_text (self->match_label, "");
      return;
    }
  if (n == 0)
    {
      set_label_text (self->match_label, _("No frames match"));
      return;
    }

  ms_flame_graph_get_match_totals (self->graph, &bytes, &samples);
  if (ms_flame_graph_get_value (self->graph) == MS_FLAME_VALUE_SAMPLES)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, samples);

      amount = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s sample", "%s samples",
                                             (gulong) MIN (samples, G_MAXULONG)), number);
    }
  else
    amount = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);

  if (current < n)
    /* Translators: search matches in the flame graph: the one shown, how many, and
     * the estimated bytes (or samples) of the stacks through them: "3 of 41 frames, 12.3 MiB" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u frame, %s", "%u of %u frames, %s", n),
                            current + 1, n, amount);
  else
    /* Translators: search matches in the flame graph and the estimated bytes (or
     * samples) of the stacks through them: "41 frames, 12.3 MiB" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u frame, %s", "%u frames, %s", n), n, amount);
  set_label_text (self->match_label, text);
}

static void
on_crumb_clicked (GtkButton   *button,
                  MsFlameView *self)
{
  guint node = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ms-flame-node"));

  ms_flame_graph_zoom_to_node (self->graph, node);
  ms_flame_graph_set_focus_node (self->graph, node);
}

static GtkWidget *
new_crumb (MsFlameView *self,
           MsFlameTree *tree,
           guint        node)
{
  const char *label = ms_flame_tree_get_node_label (tree, node);
  g_autofree char *tooltip = ms_flame_graph_dup_node_text (self->graph, node);
  GtkWidget *button;
  GtkLabel *text;

  /* the whole-profile root has no frame's name */
  if (node == 0 && !ms_flame_tree_is_focused (tree))
    label = _("All");
  button = gtk_button_new_with_label (label);
  gtk_button_set_has_frame (GTK_BUTTON (button), FALSE);
  /* long C++ names shortened in the middle, never below a readable width: the
   * path scrolls instead */
  text = GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)));
  if (g_utf8_strlen (label, -1) > 32)
    {
      gtk_label_set_ellipsize (text, PANGO_ELLIPSIZE_MIDDLE);
      gtk_label_set_width_chars (text, 24);
      gtk_label_set_max_width_chars (text, 32);
    }
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Zoom to this frame"), -1);
  g_object_set_data (G_OBJECT (button), "ms-flame-node", GUINT_TO_POINTER (node));
  g_signal_connect (button, "clicked", G_CALLBACK (on_crumb_clicked), self);

  return button;
}

static void
append_crumb (MsFlameView *self,
              GtkWidget   *crumb)
{
  if (gtk_widget_get_first_child (self->breadcrumb) != NULL)
    {
      GtkWidget *separator = g_object_new (GTK_TYPE_LABEL, "label", "›",
                                           "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                           NULL);

      gtk_widget_add_css_class (separator, "dim-label");
      gtk_box_append (GTK_BOX (self->breadcrumb), separator);
    }
  gtk_box_append (GTK_BOX (self->breadcrumb), crumb);
}

/* The frames between the root and the last crumbs, as one button that zooms out to
 * the nearest of them. */
static GtkWidget *
new_ellipsis_crumb (MsFlameView *self,
                    MsFlameTree *tree,
                    guint        n_hidden,
                    guint        nearest)
{
  GtkWidget *button = gtk_button_new_with_label ("…");
  g_autofree char *tooltip = NULL;

  /* Translators: a breadcrumb button standing for frames of the zoom path not shown */
  tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more frame: zoom out to “%s”",
                                          "%u more frames: zoom out to “%s”", n_hidden),
                             n_hidden, ms_flame_tree_get_node_label (tree, nearest));
  gtk_button_set_has_frame (GTK_BUTTON (button), FALSE);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hidden frames of the path"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
  g_object_set_data (G_OBJECT (button), "ms-flame-node", GUINT_TO_POINTER (nearest));
  g_signal_connect (button, "clicked", G_CALLBACK (on_crumb_clicked), self);

  return button;
}

/* One button per frame from the root to the zoomed one; of a deep path, the root and
 * the last MAX_CRUMBS, so that a zoom never builds dozens of buttons. */
#define MAX_CRUMBS 10

static void
update_breadcrumb (MsFlameView *self)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (self->graph);
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (guint));
  GtkWidget *child;
  guint first = 1;

  while ((child = gtk_widget_get_first_child (self->breadcrumb)) != NULL)
    gtk_box_remove (GTK_BOX (self->breadcrumb), child);
  if (tree == NULL)
    return;

  for (guint n = ms_flame_graph_get_zoom_node (self->graph); n != G_MAXUINT;
       n = ms_flame_tree_get_node (tree, n)->parent)
    g_array_prepend_val (path, n);

  append_crumb (self, new_crumb (self, tree, g_array_index (path, guint, 0)));
  if (path->len > MAX_CRUMBS + 2)
    {
      first = path->len - MAX_CRUMBS;
      append_crumb (self, new_ellipsis_crumb (self, tree, first - 1,
                                              g_array_index (path, guint, first - 1)));
    }
  for (guint i = first; i < path->len; i++)
    append_crumb (self, new_crumb (self, tree, g_array_index (path, guint, i)));
  gtk_widget_add_css_class (gtk_widget_get_last_child (self->breadcrumb), "heading");
}

static gboolean
scroll_breadcrumb_to_end (gpointer user_data)
{
  GtkAdjustment *adjustment = user_data;

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                        - gtk_adjustment_get_page_size (adjustment));
  return G_SOURCE_REMOVE;
}

/* The last crumb in sight when the path changes: after the layout that emitted this,
 * where a new value would move nothing until the next one. */
static void
on_breadcrumb_adjustment_changed (GtkAdjustment *adjustment,
                                  MsFlameView   *self)
{
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, scroll_breadcrumb_to_end, g_object_ref (adjustment),
                   g_object_unref);
}

/* The graph is taller than the page: keep the row of @node in sight. */
static void
scroll_to_node (MsFlameView *self,
                guint        node)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (self->graph);
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self->graph), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  double row_height = ms_flame_graph_get_row_height (self->graph);
  double y;

  if (tree == NULL || scroller == NULL || node >= ms_flame_tree_get_n_nodes (tree))
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  y = ms_flame_tree_get_node (tree, node)->depth * row_height;
  gtk_adjustment_clamp_page (adjustment, MAX (0, y - row_height), y + 2 * row_height);
}

static void
on_graph_zoom_changed (MsFlameView *self)
{
  update_breadcrumb (self);
  scroll_to_node (self, ms_flame_graph_get_zoom_node (self->graph));
}

/* A tree someone else gave the graph (as the symbols dialog does once the profile's
 * frames are named): kept when the view would have built the same, else built again
 * from its profile with the view's labels, focus, hidden frames and baseline. */
static void
adopt_foreign_tree (MsFlameView *self,
                    MsFlameTree *tree)
{
  MsFlameTreeOptions options;
  gboolean same;

  ms_flame_view_dup_tree_options (self, &options);
  same = ms_flame_tree_was_built_with (tree, &options) && self->baseline == NULL;
  ms_flame_view_clear_tree_options (&options);

  g_set_object (&self->shown_tree, tree);
  if (g_set_object (&self->profile, ms_flame_tree_get_profile (tree)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
  if (!same)
    rebuild (self, FALSE);
}

static void
on_graph_tree_changed (MsFlameView *self)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (self->graph);

  if (tree != NULL && tree != self->shown_tree)
    adopt_foreign_tree (self, tree);
  update_breadcrumb (self);
  update_status (self);
  update_match_label (self);
}

static void
on_graph_history_changed (MsFlameView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flame.back",
                                 ms_flame_graph_can_go_back (self->graph));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flame.forward",
                                 ms_flame_graph_can_go_forward (self->graph));
}

/* The frame the context menu acts on: the focused one, else the zoomed one; NULL for
 * the whole-profile root, which cannot be focused on or hidden. */
static const char *
get_target_label (MsFlameView *self)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (self->graph);
  guint node = ms_flame_graph_get_focus_node (self->graph);

  if (tree == NULL)
    return NULL;
  if (node >= ms_flame_tree_get_n_nodes (tree))
    node = ms_flame_graph_get_zoom_node (self->graph);
  if (node == 0 && !ms_flame_tree_is_focused (tree))
    return NULL;
  return ms_flame_tree_get_node_label (tree, node);
}

static void
on_graph_focus_changed (MsFlameView *self)
{
  gboolean has_target = get_target_label (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flame.focus-frame", has_target);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flame.hide-frame", has_target);
  scroll_to_node (self, ms_flame_graph_get_focus_node (self->graph));
  update_status (self);
}

static void
on_graph_value_changed (MsFlameView *self)
{
  guint value = ms_flame_graph_get_value (self->graph);

  gtk_drop_down_set_selected (self->value_dropdown, value == MS_FLAME_VALUE_SAMPLES ? 1 : 0);
  update_status (self);
  update_match_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

/* Search */

static void
on_search_changed (MsFlameView    *self,
                   GtkSearchEntry *entry)
{
  ms_flame_graph_set_search_text (self->graph, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
go_to_match (MsFlameView *self,
             gboolean     forward)
{
  if (ms_flame_graph_go_to_match (self->graph, forward) == MS_FLAME_GRAPH_NO_NODE)
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
on_search_activate (MsFlameView *self)
{
  go_to_match (self, TRUE);
}

static void
on_search_previous (MsFlameView *self)
{
  go_to_match (self, FALSE);
}

static void
on_search_stop (MsFlameView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->graph));
}

/* Shift+Enter: the entry's "activate" does not say which modifiers were held. */
static gboolean
on_search_key_pressed (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       MsFlameView           *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
      && (state & GDK_MODIFIER_MASK) == GDK_SHIFT_MASK)
    {
      go_to_match (self, FALSE);
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

/* Actions */

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  MsFlameView *self = MS_FLAME_VIEW (widget);
  const char *label = get_target_label (self);

  if (g_str_equal (action_name, "flame.back"))
    ms_flame_graph_go_back (self->graph);
  else if (g_str_equal (action_name, "flame.forward"))
    ms_flame_graph_go_forward (self->graph);
  else if (g_str_equal (action_name, "flame.next-match"))
    go_to_match (self, TRUE);
  else if (g_str_equal (action_name, "flame.previous-match"))
    go_to_match (self, FALSE);
  else if (g_str_equal (action_name, "flame.search"))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else if (g_str_equal (action_name, "flame.reset"))
    ms_flame_view_reset (self);
  else if (label == NULL)
    gtk_widget_error_bell (widget);
  else if (g_str_equal (action_name, "flame.focus-frame"))
    ms_flame_view_focus_on_label (self, label);
  else if (g_str_equal (action_name, "flame.hide-frame"))
    ms_flame_view_hide_label (self, label);
}

static void
on_direction_selected (MsFlameView *self)
{
  ms_flame_view_set_direction (self, gtk_drop_down_get_selected (self->direction_dropdown) == 1
                                     ? MS_FLAME_DIRECTION_BOTTOM_UP : MS_FLAME_DIRECTION_TOP_DOWN);
}

static void
on_value_selected (MsFlameView *self)
{
  ms_flame_view_set_value (self, gtk_drop_down_get_selected (self->value_dropdown) == 1
                                 ? MS_FLAME_VALUE_SAMPLES : MS_FLAME_VALUE_TOTAL_BYTES);
}

static void
on_label_mode_selected (MsFlameView *self)
{
  guint selected = gtk_drop_down_get_selected (self->label_dropdown);

  ms_flame_view_set_label_mode (self, selected == 1 ? MS_LABEL_MODE_ADDRESS
                                      : selected == 2 ? MS_LABEL_MODE_MODULE : MS_LABEL_MODE_SYMBOL);
}

/* GObject */

static void
ms_flame_view_dispose (GObject *object)
{
  MsFlameView *self = MS_FLAME_VIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->build_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_FLAME_VIEW);
  /* the template's unnamed children */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ms_flame_view_parent_class)->dispose (object);
}

static void
ms_flame_view_finalize (GObject *object)
{
  MsFlameView *self = MS_FLAME_VIEW (object);

  g_clear_object (&self->build_cancellable);
  g_clear_object (&self->profile);
  g_clear_object (&self->baseline);
  g_clear_object (&self->shown_tree);
  g_clear_pointer (&self->focus, g_free);
  g_clear_pointer (&self->hidden, g_ptr_array_unref);

  G_OBJECT_CLASS (ms_flame_view_parent_class)->finalize (object);
}

static void
ms_flame_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MsFlameView *self = MS_FLAME_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_DIRECTION:
      g_value_set_uint (value, self->direction);
      break;
    case PROP_LABEL_MODE:
      g_value_set_uint (value, self->label_mode);
      break;
    case PROP_VALUE:
      g_value_set_uint (value, ms_flame_graph_get_value (self->graph));
      break;
    case PROP_MERGE_RECURSION:
      g_value_set_boolean (value, self->merge_recursion);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_flame_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MsFlameView *self = MS_FLAME_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      ms_flame_view_set_profile (self, g_value_get_object (value));
      break;
    case PROP_DIRECTION:
      ms_flame_view_set_direction (self, g_value_get_uint (value));
      break;
    case PROP_LABEL_MODE:
      ms_flame_view_set_label_mode (self, g_value_get_uint (value));
      break;
    case PROP_VALUE:
      ms_flame_view_set_value (self, g_value_get_uint (value));
      break;
    case PROP_MERGE_RECURSION:
      if (self->merge_recursion != g_value_get_boolean (value))
        {
          self->merge_recursion = g_value_get_boolean (value);
          rebuild (self, FALSE);
          update_status (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  properties[PROP_PROFILE] = g_param_spec_object ("profile", NULL, NULL, MS_TYPE_PROFILE, rw);
  /* an MsFlameDirection */
  properties[PROP_DIRECTION] =
    g_param_spec_uint ("direction", NULL, NULL, 0, MS_FLAME_DIRECTION_BOTTOM_UP, 0, rw);
  /* an MsLabelMode */
  properties[PROP_LABEL_MODE] =
    g_param_spec_uint ("label-mode", NULL, NULL, 0, MS_LABEL_MODE_MODULE, 0, rw);
  /* an MsFlameValue, estimated bytes or samples: what the widths measure */
  properties[PROP_VALUE] =
    g_param_spec_uint ("value", NULL, NULL, 0, MS_FLAME_VALUE_SAMPLES, 0, rw);
  properties[PROP_MERGE_RECURSION] =
    g_param_spec_boolean ("merge-recursion", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  static const char * const actions[] = {
    "flame.back", "flame.forward", "flame.next-match", "flame.previous-match",
    "flame.search", "flame.reset", "flame.focus-frame", "flame.hide-frame",
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, view_action);
  gtk_widget_class_install_property_action (widget_class, "flame.merge-recursion", "merge-recursion");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "flame.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "flame.forward", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "flame.search", NULL);
}

static void
ms_flame_view_class_init (MsFlameViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_flame_view_dispose;
  object_class->finalize = ms_flame_view_finalize;
  object_class->get_property = ms_flame_view_get_property;
  object_class->set_property = ms_flame_view_set_property;

  install_properties (object_class);
  install_actions (widget_class);

  /* The window registers the resource too; once is enough. */
  if (!g_resources_get_info ("/io/github/memscope/Memscope/ms-flame-view.ui",
                             G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
    ms_ui_register_resource ();
  g_type_ensure (MS_TYPE_FLAME_GRAPH);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/memscope/Memscope/ms-flame-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, navigation_bar);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, breadcrumb_scroller);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, breadcrumb);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, direction_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, value_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, label_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, match_label);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, status_label);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, profile_label);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, graph);
  gtk_widget_class_bind_template_child (widget_class, MsFlameView, context_menu);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flameview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
connect_parts (MsFlameView *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (on_search_activate), self);
  g_signal_connect_swapped (self->search_entry, "next-match", G_CALLBACK (on_search_activate), self);
  g_signal_connect_swapped (self->search_entry, "previous-match", G_CALLBACK (on_search_previous), self);
  g_signal_connect_swapped (self->search_entry, "stop-search", G_CALLBACK (on_search_stop), self);

  g_signal_connect_swapped (self->graph, "notify::tree", G_CALLBACK (on_graph_tree_changed), self);
  g_signal_connect_swapped (self->graph, "notify::zoom-node", G_CALLBACK (on_graph_zoom_changed), self);
  g_signal_connect_swapped (self->graph, "notify::can-go-back", G_CALLBACK (on_graph_history_changed), self);
  g_signal_connect_swapped (self->graph, "notify::can-go-forward", G_CALLBACK (on_graph_history_changed), self);
  g_signal_connect_swapped (self->graph, "notify::focus-node", G_CALLBACK (on_graph_focus_changed), self);
  g_signal_connect_swapped (self->graph, "notify::value", G_CALLBACK (on_graph_value_changed), self);
  g_signal_connect_swapped (self->graph, "notify::n-matches", G_CALLBACK (update_match_label), self);
  g_signal_connect_swapped (self->graph, "notify::search-text", G_CALLBACK (update_match_label), self);
  g_signal_connect_swapped (self->graph, "notify::current-match", G_CALLBACK (update_match_label), self);

  g_signal_connect_swapped (self->direction_dropdown, "notify::selected", G_CALLBACK (on_direction_selected), self);
  g_signal_connect_swapped (self->value_dropdown, "notify::selected", G_CALLBACK (on_value_selected), self);
  g_signal_connect_swapped (self->label_dropdown, "notify::selected", G_CALLBACK (on_label_mode_selected), self);
  g_signal_connect (gtk_scrolled_window_get_hadjustment (self->breadcrumb_scroller), "changed",
                    G_CALLBACK (on_breadcrumb_adjustment_changed), self);
}

static void
ms_flame_view_init (MsFlameView *self)
{
  self->hidden = g_ptr_array_new_with_free_func (g_free);
  self->build_cancellable = g_cancellable_new ();
  self->direction = MS_FLAME_DIRECTION_TOP_DOWN;
  self->label_mode = MS_LABEL_MODE_SYMBOL;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flame graph"), -1);
  ms_flame_graph_set_context_menu (self->graph, self->context_menu);
  /* the view scrolls to the focused frame, not to the top or end of the whole graph */
  if (GTK_IS_VIEWPORT (gtk_widget_get_parent (GTK_WIDGET (self->graph))))
    gtk_viewport_set_scroll_to_focus (GTK_VIEWPORT (gtk_widget_get_parent (GTK_WIDGET (self->graph))), FALSE);
  connect_parts (self);
  on_graph_tree_changed (self);
  on_graph_history_changed (self);
  on_graph_focus_changed (self);
}

GtkWidget *
ms_flame_view_new (void)
{
  return g_object_new (MS_TYPE_FLAME_VIEW, NULL);
}

MsFlameGraph *
ms_flame_view_get_graph (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->graph;
}

MsProfile *
ms_flame_view_get_profile (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->profile;
}

void
ms_flame_view_set_profile (MsFlameView *self,
                           MsProfile   *profile)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));
  g_return_if_fail (!profile || MS_IS_PROFILE (profile));

  ms_flame_view_set_diff (self, NULL, profile);
}

void
ms_flame_view_set_tree (MsFlameView *self,
                        MsFlameTree *tree)
{
  MsFlameTreeOptions options;
  MsProfile *profile;
  gboolean changed;

  g_return_if_fail (MS_IS_FLAME_VIEW (self));
  g_return_if_fail (!tree || MS_IS_FLAME_TREE (tree));

  profile = tree ? ms_flame_tree_get_profile (tree) : NULL;
  changed = g_set_object (&self->profile, profile);
  if (g_set_object (&self->baseline, NULL))
    update_status (self);
  ms_flame_view_dup_tree_options (self, &options);
  if (tree != NULL && ms_flame_tree_was_built_with (tree, &options))
    {
      self->build_generation++;
      g_set_object (&self->shown_tree, tree);
      ms_flame_graph_set_tree (self->graph, tree);
    }
  else
    rebuild (self, FALSE);
  ms_flame_view_clear_tree_options (&options);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/**
 * ms_flame_view_set_diff:
 * @baseline: (nullable): the earlier profile; %NULL for a plain graph of @profile
 * @profile: (nullable): the later profile, whose widths are drawn
 *
 * A differential flame graph, as flamegraph.pl's difffolded draws one: @profile's
 * frames, red where the estimated bytes grew since @baseline, blue where they shrank.
 */
void
ms_flame_view_set_diff (MsFlameView *self,
                        MsProfile   *baseline,
                        MsProfile   *profile)
{
  gboolean changed;

  g_return_if_fail (MS_IS_FLAME_VIEW (self));
  g_return_if_fail (!baseline || MS_IS_PROFILE (baseline));
  g_return_if_fail (!profile || MS_IS_PROFILE (profile));

  changed = g_set_object (&self->baseline, baseline);
  changed |= g_set_object (&self->profile, profile);
  if (!changed)
    return;
  rebuild (self, FALSE);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

MsProfile *
ms_flame_view_get_baseline (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->baseline;
}

MsFlameDirection
ms_flame_view_get_direction (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), MS_FLAME_DIRECTION_TOP_DOWN);

  return self->direction;
}

void
ms_flame_view_set_direction (MsFlameView      *self,
                             MsFlameDirection  direction)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));

  if (self->direction == direction)
    return;
  self->direction = direction;
  gtk_drop_down_set_selected (self->direction_dropdown, direction == MS_FLAME_DIRECTION_BOTTOM_UP);
  rebuild (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTION]);
}

MsLabelMode
ms_flame_view_get_label_mode (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), MS_LABEL_MODE_SYMBOL);

  return self->label_mode;
}

void
ms_flame_view_set_label_mode (MsFlameView *self,
                              MsLabelMode  mode)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));

  if (self->label_mode == mode)
    return;
  self->label_mode = mode;
  gtk_drop_down_set_selected (self->label_dropdown, mode == MS_LABEL_MODE_ADDRESS ? 1
                                                    : mode == MS_LABEL_MODE_MODULE ? 2 : 0);
  /* focus and hidden frames name labels of the old mode */
  g_clear_pointer (&self->focus, g_free);
  g_ptr_array_set_size (self->hidden, 0);
  rebuild (self, TRUE);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL_MODE]);
}

MsFlameValue
ms_flame_view_get_value (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), MS_FLAME_VALUE_TOTAL_BYTES);

  return ms_flame_graph_get_value (self->graph);
}

/* Estimated bytes or samples (the choices the view offers); only widths change,
 * the tree stays. */
void
ms_flame_view_set_value (MsFlameView  *self,
                         MsFlameValue  value)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));
  g_return_if_fail (value == MS_FLAME_VALUE_TOTAL_BYTES || value == MS_FLAME_VALUE_SAMPLES);

  ms_flame_graph_set_value (self->graph, value);
}

void
ms_flame_view_focus_on_label (MsFlameView *self,
                              const char  *label)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));

  if (g_strcmp0 (self->focus, label) == 0)
    return;
  g_free (self->focus);
  self->focus = g_strdup (label);
  rebuild (self, TRUE);
  update_status (self);
}

void
ms_flame_view_hide_label (MsFlameView *self,
                          const char  *label)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));
  g_return_if_fail (label != NULL);

  for (guint i = 0; i < self->hidden->len; i++)
    if (g_str_equal (self->hidden->pdata[i], label))
      return;
  g_ptr_array_add (self->hidden, g_strdup (label));
  rebuild (self, FALSE);
  update_status (self);
}

/* No focus, nothing hidden, recursion as recorded, not zoomed. */
void
ms_flame_view_reset (MsFlameView *self)
{
  g_return_if_fail (MS_IS_FLAME_VIEW (self));

  if (self->focus == NULL && self->hidden->len == 0 && !self->merge_recursion)
    {
      ms_flame_graph_reset_zoom (self->graph);
      return;
    }
  g_clear_pointer (&self->focus, g_free);
  g_ptr_array_set_size (self->hidden, 0);
  if (self->merge_recursion)
    {
      self->merge_recursion = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MERGE_RECURSION]);
    }
  rebuild (self, TRUE);
  update_status (self);
}

GtkWidget *
ms_flame_view_get_breadcrumb (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->breadcrumb;
}

GtkSearchEntry *
ms_flame_view_get_search_entry (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->search_entry;
}

GtkLabel *
ms_flame_view_get_match_label (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->match_label;
}

GtkLabel *
ms_flame_view_get_status_label (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->status_label;
}

/* The header row's account of the profile shown ("Profile 3 at 12:04:01 · …"), set by
 * the window. */
GtkLabel *
ms_flame_view_get_profile_label (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->profile_label;
}

GtkDropDown *
ms_flame_view_get_direction_dropdown (MsFlameView *self)
{
  g_return_val_if_fail (MS_IS_FLAME_VIEW (self), NULL);

  return self->direction_dropdown;
}
