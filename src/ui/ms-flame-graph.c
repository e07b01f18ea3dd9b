/* ms-flame-graph.c: a flame tree drawn as nested rectangles, with zoom and search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <string.h>

#include "ms-flame-graph.h"

#define ROW_HEIGHT 20
#define LABEL_PADDING 4
/* Below this width a rectangle gets no label at all. */
#define MIN_LABEL_WIDTH 24.0

struct _MsFlameGraph
{
  GtkWidget      parent_instance;

  MsFlameTree   *tree;
  guint          zoom_node;
  guint          hover_node;
  double         pointer_x;
  double         pointer_y;

  char          *search_text;
  guint8        *matches;     /* one flag per node */
  guint          n_matches;
  /* Each interned label casefolded once per tree, at the first search. */
  char         **folded_labels;
  guint          n_labels;

  /* For hit-tests: node indices grouped by depth, each group left to right
   * (pre-order visits a row's nodes in that order), built once per tree. */
  guint         *by_depth;
  guint         *depth_start; /* max_depth + 2 offsets into by_depth */

  /* The rectangles and labels, rebuilt only when the size, tree or zoom change; the
   * search fade likewise, and when the search changes. Only the hover is drawn anew. */
  GskRenderNode *cached;
  GskRenderNode *cached_fade;
  int            cached_width;
  int            cached_height;
  PangoLayout   *layout;
};

enum {
  PROP_0,
  PROP_TREE,
  PROP_ZOOM_NODE,
  PROP_SEARCH_TEXT,
  PROP_N_MATCHES,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MsFlameGraph, ms_flame_graph, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
invalidate (MsFlameGraph *self)
{
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  g_clear_pointer (&self->cached_fade, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
clear_tree_caches (MsFlameGraph *self)
{
  for (guint i = 0; i < self->n_labels; i++)
    g_free (self->folded_labels[i]);
  g_clear_pointer (&self->folded_labels, g_free);
  self->n_labels = 0;
  g_clear_pointer (&self->by_depth, g_free);
  g_clear_pointer (&self->depth_start, g_free);
}

/* Counting sort of the nodes by depth; stable, so each row stays in pre-order. */
static void
build_depth_index (MsFlameGraph *self)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);
  guint n_rows = ms_flame_tree_get_max_depth (self->tree) + 1;
  g_autofree guint *next = g_new0 (guint, n_rows + 1);

  self->depth_start = g_new0 (guint, n_rows + 1);
  self->by_depth = g_new (guint, MAX (n_nodes, 1));
  for (guint i = 0; i < n_nodes; i++)
    self->depth_start[nodes[i].depth + 1]++;
  for (guint d = 0; d < n_rows; d++)
    self->depth_start[d + 1] += self->depth_start[d];
  memcpy (next, self->depth_start, (n_rows + 1) * sizeof (guint));
  for (guint i = 0; i < n_nodes; i++)
    self->by_depth[next[nodes[i].depth]++] = i;
}

static gboolean
is_ancestor_or_self (const MsFlameNode *nodes,
                     guint              ancestor,
                     guint              node)
{
  return node >= ancestor && node < nodes[ancestor].subtree_end;
}

/* Horizontal extent of @node at @width; FALSE when it is not drawn (outside the zoomed
 * subtree and not one of its ancestors). */
static gboolean
get_node_extent (MsFlameGraph *self,
                 guint         node,
                 double        width,
                 double       *x,
                 double       *w)
{
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, NULL);
  const MsFlameNode *zoom = &nodes[self->zoom_node];

  if (is_ancestor_or_self (nodes, node, self->zoom_node))
    {
      *x = 0;
      *w = width;
      return TRUE;
    }

  if (!is_ancestor_or_self (nodes, self->zoom_node, node) || zoom->total_bytes == 0)
    return FALSE;

  *x = (double)(nodes[node].start_bytes - zoom->start_bytes) / zoom->total_bytes * width;
  *w = (double)nodes[node].total_bytes / zoom->total_bytes * width;
  return TRUE;
}

static void
node_color (MsFlameGraph *self,
            guint         node,
            GdkRGBA      *rgba)
{
  const char *label = ms_flame_tree_get_node_label (self->tree, node);
  guint hash = g_str_hash (label);
  float h = (hash % 40) / 360.0f;               /* red to orange */
  float s = 0.55f + ((hash >> 8) % 30) / 100.0f;
  float v = 0.85f + ((hash >> 16) % 15) / 100.0f;

  gtk_hsv_to_rgb (h, s, v, &rgba->red, &rgba->green, &rgba->blue);
  rgba->alpha = 1.0f;
}

static char *
format_node (MsFlameGraph *self,
             guint         node)
{
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, NULL);
  g_autofree char *size = g_format_size_full (nodes[node].total_bytes, G_FORMAT_SIZE_IEC_UNITS);
  double percent = nodes[0].total_bytes ? 100.0 * nodes[node].total_bytes / nodes[0].total_bytes : 0;

  return g_strdup_printf ("%s — %s (%.1f%%), %" G_GUINT64_FORMAT " samples",
                          ms_flame_tree_get_node_label (self->tree, node), size, percent,
                          nodes[node].total_samples);
}

static GskRenderNode *
build_render_node (MsFlameGraph *self,
                   int           width)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  const MsFlameNode *nodes;
  guint n_nodes;
  GdkRGBA text_color = { 0.1f, 0.1f, 0.1f, 1.0f };

  nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);

  for (guint i = 0; i < n_nodes;)
    {
      double x, w;
      GdkRGBA color;
      graphene_rect_t rect;

      if (!get_node_extent (self, i, width, &x, &w))
        {
          /* Not drawn, nor is anything under it except the zoomed path. */
          if (is_ancestor_or_self (nodes, i, self->zoom_node))
            i++;
          else
            i = nodes[i].subtree_end;
          continue;
        }

      /* Children are narrower still: skip the whole subtree. */
      if (w < 1.0)
        {
          i = nodes[i].subtree_end;
          continue;
        }

      node_color (self, i, &color);
      graphene_rect_init (&rect, x, nodes[i].depth * ROW_HEIGHT, MAX (w - 1, 1), ROW_HEIGHT - 1);
      gtk_snapshot_append_color (snapshot, &color, &rect);

      if (w >= MIN_LABEL_WIDTH)
        {
          pango_layout_set_text (self->layout, ms_flame_tree_get_node_label (self->tree, i), -1);
          pango_layout_set_width (self->layout, (w - 2 * LABEL_PADDING) * PANGO_SCALE);
          gtk_snapshot_push_clip (snapshot, &rect);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot,
                                  &GRAPHENE_POINT_INIT (x + LABEL_PADDING,
                                                        nodes[i].depth * ROW_HEIGHT + 2));
          gtk_snapshot_append_layout (snapshot, self->layout, &text_color);
          gtk_snapshot_restore (snapshot);
          gtk_snapshot_pop (snapshot);
        }

      i++;
    }

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

/* White veils over the drawn frames that do not match the search. */
static GskRenderNode *
build_fade_node (MsFlameGraph *self,
                 int           width)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  const MsFlameNode *nodes;
  guint n_nodes;
  GdkRGBA fade = { 1.0f, 1.0f, 1.0f, 0.7f };

  nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);
  for (guint i = 0; i < n_nodes;)
    {
      double x, w;

      if (!get_node_extent (self, i, width, &x, &w))
        {
          i = is_ancestor_or_self (nodes, i, self->zoom_node) ? i + 1 : nodes[i].subtree_end;
          continue;
        }
      if (w < 1.0)
        {
          i = nodes[i].subtree_end;
          continue;
        }
      if (!self->matches[i])
        gtk_snapshot_append_color (snapshot, &fade,
                                   &GRAPHENE_RECT_INIT (x, nodes[i].depth * ROW_HEIGHT,
                                                        MAX (w - 1, 1), ROW_HEIGHT - 1));
      i++;
    }

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static void
ms_flame_graph_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  const MsFlameNode *nodes;
  guint n_nodes;

  if (self->tree == NULL || ms_flame_tree_get_n_nodes (self->tree) == 0 || width <= 0)
    return;

  nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);

  if (self->cached == NULL || self->cached_width != width || self->cached_height != height)
    {
      g_clear_pointer (&self->cached, gsk_render_node_unref);
      g_clear_pointer (&self->cached_fade, gsk_render_node_unref);
      self->cached = build_render_node (self, width);
      self->cached_width = width;
      self->cached_height = height;
    }
  if (self->cached != NULL)
    gtk_snapshot_append_node (snapshot, self->cached);

  /* Searching: the frames that do not match fade, the matches keep their colour. */
  if (self->matches != NULL && self->cached_fade == NULL)
    self->cached_fade = build_fade_node (self, width);
  if (self->matches != NULL && self->cached_fade != NULL)
    gtk_snapshot_append_node (snapshot, self->cached_fade);

  if (self->hover_node != MS_FLAME_GRAPH_NO_NODE && self->hover_node < n_nodes)
    {
      double x, w;

      if (get_node_extent (self, self->hover_node, width, &x, &w))
        {
          GdkRGBA border_color = { 0.0f, 0.0f, 0.0f, 0.8f };
          GdkRGBA colors[4] = { border_color, border_color, border_color, border_color };
          float widths[4] = { 2, 2, 2, 2 };
          GskRoundedRect outline;
          g_autofree char *text = format_node (self, self->hover_node);
          PangoRectangle ink, logical;
          double bx, by, bw, bh;
          GdkRGBA bubble = { 0.15f, 0.15f, 0.15f, 0.92f };
          GdkRGBA white = { 1, 1, 1, 1 };

          gsk_rounded_rect_init_from_rect (&outline,
                                           &GRAPHENE_RECT_INIT (x, nodes[self->hover_node].depth * ROW_HEIGHT,
                                                                MAX (w - 1, 1), ROW_HEIGHT - 1), 0);
          gtk_snapshot_append_border (snapshot, &outline, widths, colors);

          /* The tooltip-like label: beside the pointer, kept inside the widget. */
          pango_layout_set_text (self->layout, text, -1);
          pango_layout_set_width (self->layout, -1);
          pango_layout_get_pixel_extents (self->layout, &ink, &logical);
          bw = logical.width + 12;
          bh = logical.height + 8;
          bx = CLAMP (self->pointer_x + 14, 0, MAX (0, width - bw));
          by = self->pointer_y + 18;
          if (by + bh > height)
            by = MAX (0, self->pointer_y - bh - 6);
          gtk_snapshot_append_color (snapshot, &bubble, &GRAPHENE_RECT_INIT (bx, by, bw, bh));
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (bx + 6, by + 4));
          gtk_snapshot_append_layout (snapshot, self->layout, &white);
          gtk_snapshot_restore (snapshot);
        }
    }
}

static void
ms_flame_graph_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 100;
      *natural = 600;
    }
  else
    {
      guint rows = self->tree ? ms_flame_tree_get_max_depth (self->tree) + 1 : 1;

      *minimum = *natural = rows * ROW_HEIGHT;
    }
}

static void
set_hover (MsFlameGraph *self,
           guint         node)
{
  if (self->hover_node == node)
    return;
  self->hover_node = node;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), node != MS_FLAME_GRAPH_NO_NODE ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           MsFlameGraph             *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  set_hover (self, ms_flame_graph_get_node_at (self, x, y));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion,
          MsFlameGraph             *self)
{
  set_hover (self, MS_FLAME_GRAPH_NO_NODE);
}

static void
on_released (GtkGestureClick *click,
             int              n_press,
             double           x,
             double           y,
             MsFlameGraph    *self)
{
  guint node = ms_flame_graph_get_node_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (node != MS_FLAME_GRAPH_NO_NODE)
    ms_flame_graph_zoom_to_node (self, node);
}

static void
reset_zoom_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  ms_flame_graph_reset_zoom (MS_FLAME_GRAPH (widget));
}

static void
ms_flame_graph_dispose (GObject *object)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (object);

  g_clear_pointer (&self->cached, gsk_render_node_unref);
  g_clear_pointer (&self->cached_fade, gsk_render_node_unref);
  clear_tree_caches (self);
  g_clear_object (&self->layout);
  g_clear_object (&self->tree);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->matches, g_free);

  G_OBJECT_CLASS (ms_flame_graph_parent_class)->dispose (object);
}

static void
ms_flame_graph_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TREE:
      g_value_set_object (value, self->tree);
      break;
    case PROP_ZOOM_NODE:
      g_value_set_uint (value, self->zoom_node);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    case PROP_N_MATCHES:
      g_value_set_uint (value, self->n_matches);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_flame_graph_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TREE:
      ms_flame_graph_set_tree (self, g_value_get_object (value));
      break;
    case PROP_SEARCH_TEXT:
      ms_flame_graph_set_search_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_flame_graph_class_init (MsFlameGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_flame_graph_dispose;
  object_class->get_property = ms_flame_graph_get_property;
  object_class->set_property = ms_flame_graph_set_property;

  widget_class->snapshot = ms_flame_graph_snapshot;
  widget_class->measure = ms_flame_graph_measure;

  properties[PROP_TREE] =
    g_param_spec_object ("tree", NULL, NULL, MS_TYPE_FLAME_TREE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM_NODE] =
    g_param_spec_uint ("zoom-node", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_MATCHES] =
    g_param_spec_uint ("n-matches", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "graph.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "graph.reset-zoom", NULL);

  gtk_widget_class_set_css_name (widget_class, "flamegraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ms_flame_graph_init (MsFlameGraph *self)
{
  GtkEventController *motion;
  GtkGesture *click;

  self->hover_node = MS_FLAME_GRAPH_NO_NODE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Flame graph of sampled allocations",
                                  -1);
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (self->layout, TRUE);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.reset-zoom", FALSE);
}

GtkWidget *
ms_flame_graph_new (void)
{
  return g_object_new (MS_TYPE_FLAME_GRAPH, NULL);
}

MsFlameTree *
ms_flame_graph_get_tree (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), NULL);

  return self->tree;
}

static void
fold_labels (MsFlameGraph *self)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);

  for (guint i = 0; i < n_nodes; i++)
    self->n_labels = MAX (self->n_labels, nodes[i].label + 1);
  self->folded_labels = g_new0 (char *, MAX (self->n_labels, 1));
  for (guint i = 0; i < n_nodes; i++)
    if (self->folded_labels[nodes[i].label] == NULL)
      self->folded_labels[nodes[i].label] = g_utf8_casefold (ms_flame_tree_get_node_label (self->tree, i), -1);
}

static void
update_matches (MsFlameGraph *self)
{
  guint n_nodes = self->tree ? ms_flame_tree_get_n_nodes (self->tree) : 0;
  guint n_matches = 0;

  g_clear_pointer (&self->matches, g_free);
  g_clear_pointer (&self->cached_fade, gsk_render_node_unref);

  if (self->search_text != NULL && n_nodes > 0)
    {
      const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, NULL);
      g_autofree char *needle = g_utf8_casefold (self->search_text, -1);
      g_autofree guint8 *label_matches = NULL;

      if (self->folded_labels == NULL)
        fold_labels (self);

      /* one substring search per distinct label, not per node */
      label_matches = g_new (guint8, MAX (self->n_labels, 1));
      for (guint l = 0; l < self->n_labels; l++)
        label_matches[l] = self->folded_labels[l] != NULL && strstr (self->folded_labels[l], needle) != NULL;

      self->matches = g_new (guint8, n_nodes);
      for (guint i = 0; i < n_nodes; i++)
        {
          self->matches[i] = label_matches[nodes[i].label];
          n_matches += self->matches[i];
        }
    }

  if (self->n_matches != n_matches)
    {
      self->n_matches = n_matches;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHES]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_zoom_node (MsFlameGraph *self,
               guint         node)
{
  if (self->zoom_node == node)
    return;
  self->zoom_node = node;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.reset-zoom", node != 0);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_NODE]);
}

/* Labels from the root's first child down to @node. */
static GPtrArray *
dup_label_path (MsFlameTree *tree,
                guint        node)
{
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, NULL);
  GPtrArray *path = g_ptr_array_new_with_free_func (g_free);

  for (guint i = node; i != 0 && i != G_MAXUINT; i = nodes[i].parent)
    g_ptr_array_insert (path, 0, g_strdup (ms_flame_tree_get_node_label (tree, i)));

  return path;
}

/* The node reached from the root through children labelled as @path, else 0. */
static guint
find_label_path (MsFlameTree *tree,
                 GPtrArray   *path)
{
  const MsFlameNode *nodes;
  guint n_nodes;
  guint node = 0;

  nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  if (n_nodes == 0)
    return 0;

  for (guint depth = 0; depth < path->len; depth++)
    {
      guint child = node + 1;
      gboolean found = FALSE;

      for (guint c = 0; c < nodes[node].n_children; c++, child = nodes[child].subtree_end)
        if (g_str_equal (ms_flame_tree_get_node_label (tree, child), path->pdata[depth]))
          {
            found = TRUE;
            break;
          }
      if (!found)
        return 0;
      node = child;
    }

  return node;
}

void
ms_flame_graph_set_tree (MsFlameGraph *self,
                         MsFlameTree  *tree)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));
  g_return_if_fail (!tree || MS_IS_FLAME_TREE (tree));

  g_autoptr(GPtrArray) zoom_path = NULL;
  guint zoom = 0;

  if (self->tree == tree)
    return;

  /* A live recording replaces the tree every few seconds: keep the zoom on the same
   * call path when the new tree still has it. */
  if (self->tree != NULL && tree != NULL && self->zoom_node != 0)
    zoom_path = dup_label_path (self->tree, self->zoom_node);

  g_set_object (&self->tree, tree);
  clear_tree_caches (self);
  if (tree != NULL)
    build_depth_index (self);

  if (zoom_path != NULL)
    zoom = find_label_path (tree, zoom_path);

  self->hover_node = MS_FLAME_GRAPH_NO_NODE;
  set_zoom_node (self, zoom);
  update_matches (self);
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TREE]);
}

guint
ms_flame_graph_get_node_at (MsFlameGraph *self,
                            double        x,
                            double        y)
{
  const MsFlameNode *nodes;
  guint n_nodes;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  guint depth;
  guint node = 0;

  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), MS_FLAME_GRAPH_NO_NODE);

  if (self->tree == NULL || x < 0 || y < 0 || x >= width)
    return MS_FLAME_GRAPH_NO_NODE;
  nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);
  if (n_nodes == 0)
    return MS_FLAME_GRAPH_NO_NODE;

  depth = (guint)(y / ROW_HEIGHT);
  if (depth > ms_flame_tree_get_max_depth (self->tree))
    return MS_FLAME_GRAPH_NO_NODE;

  /* Above the zoomed node, its ancestor fills the row. */
  if (depth <= nodes[self->zoom_node].depth)
    {
      for (node = self->zoom_node; nodes[node].depth > depth; node = nodes[node].parent)
        ;
      return node;
    }

  /* Below it, the row's nodes are in left-to-right order: binary search for the last
   * one whose left edge (as get_node_extent() computes it) is at or before @x. */
  {
    const MsFlameNode *zoom = &nodes[self->zoom_node];
    const guint *row = self->by_depth + self->depth_start[depth];
    guint lo = 0, hi = self->depth_start[depth + 1] - self->depth_start[depth];
    double cx, cw;

    if (zoom->total_bytes == 0)
      return MS_FLAME_GRAPH_NO_NODE;

    while (lo < hi)
      {
        guint mid = lo + (hi - lo) / 2;
        const MsFlameNode *n = &nodes[row[mid]];

        if (n->start_bytes < zoom->start_bytes
            || (double)(n->start_bytes - zoom->start_bytes) / zoom->total_bytes * width <= x)
          lo = mid + 1;
        else
          hi = mid;
      }

    /* nodes of no width may share that edge: the one that holds @x */
    while (lo > 0)
      {
        node = row[--lo];
        if (is_ancestor_or_self (nodes, self->zoom_node, node)
            && get_node_extent (self, node, width, &cx, &cw) && x >= cx && x < cx + cw)
          return node;
        if (lo == 0 || nodes[row[lo - 1]].start_bytes != nodes[node].start_bytes)
          break;
      }
  }

  return MS_FLAME_GRAPH_NO_NODE;
}

guint
ms_flame_graph_get_zoom_node (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), 0);

  return self->zoom_node;
}

void
ms_flame_graph_zoom_to_node (MsFlameGraph *self,
                             guint         node)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  if (self->tree == NULL || node >= ms_flame_tree_get_n_nodes (self->tree))
    return;
  set_zoom_node (self, node);
}

void
ms_flame_graph_reset_zoom (MsFlameGraph *self)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  set_zoom_node (self, 0);
}

const char *
ms_flame_graph_get_search_text (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), NULL);

  return self->search_text;
}

void
ms_flame_graph_set_search_text (MsFlameGraph *self,
                                const char   *text)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (self->search_text, text) == 0)
    return;
  g_free (self->search_text);
  self->search_text = g_strdup (text);

  update_matches (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
}

guint
ms_flame_graph_get_n_matches (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), 0);

  return self->n_matches;
}

guint
ms_flame_graph_get_row_height (MsFlameGraph *self)
{
  return ROW_HEIGHT;
}
