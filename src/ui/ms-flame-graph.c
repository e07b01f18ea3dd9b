/* ms-flame-graph.c: a flame tree drawn as nested rectangles, with zoom and search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ms-flame-graph.h"

#define ROW_HEIGHT 20
#define LABEL_PADDING 4
/* Below this width a rectangle gets no label at all. */
#define MIN_LABEL_WIDTH 24.0

struct _MsFlameGraph
{
  GtkWidget      parent_instance;

  MsFlameTree   *tree;
  MsFlameValue   value;
  /* Left edges in units of @value, one per node: the tree's own are in bytes. */
  guint64       *starts;
  guint          zoom_node;
  guint          hover_node;
  guint          focus_node;
  /* Zoom nodes visited, for back and forward; history_pos indexes the shown one. */
  GArray        *history;
  guint          history_pos;
  double         pointer_x;
  double         pointer_y;

  char          *search_text;
  guint8        *matches;     /* one flag per node */
  guint          n_matches;
  GArray        *match_list;  /* the matching nodes in pre-order (left to right) */
  guint          current_match;
  guint64        match_bytes;   /* of the outermost matches: nested ones count once */
  guint64        match_samples;
  /* Each interned label casefolded once per tree, at the first search. */
  char         **folded_labels;
  guint          n_labels;

  /* For hit-tests: node indices grouped by depth, each group left to right
   * (pre-order visits a row's nodes in that order), built once per tree. */
  guint         *by_depth;
  guint         *depth_start; /* max_depth + 2 offsets into by_depth */
  guint         *row_pos;     /* each node's place in by_depth */

  /* A differential graph: per node, estimated bytes now minus at the baseline. */
  double        *deltas;
  double         max_delta;   /* the largest |delta|, for the colour scale */

  GtkWidget     *context_menu;

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
  PROP_CURRENT_MATCH,
  PROP_FOCUS_NODE,
  PROP_VALUE,
  PROP_CAN_GO_BACK,
  PROP_CAN_GO_FORWARD,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MsFlameGraph, ms_flame_graph, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static GPtrArray *dup_label_path (MsFlameTree *tree,
                                  guint        node);
static void       update_accessible (MsFlameGraph *self);

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
  g_clear_pointer (&self->row_pos, g_free);
  g_clear_pointer (&self->starts, g_free);
  g_clear_pointer (&self->deltas, g_free);
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
  self->row_pos = g_new (guint, MAX (n_nodes, 1));
  for (guint i = 0; i < n_nodes; i++)
    self->depth_start[nodes[i].depth + 1]++;
  for (guint d = 0; d < n_rows; d++)
    self->depth_start[d + 1] += self->depth_start[d];
  memcpy (next, self->depth_start, (n_rows + 1) * sizeof (guint));
  for (guint i = 0; i < n_nodes; i++)
    {
      self->row_pos[i] = next[nodes[i].depth];
      self->by_depth[next[nodes[i].depth]++] = i;
    }
}

/* Each node's left edge in the chosen value: children side by side from their
 * parent's edge, in the tree's (left-heavy by bytes) order. */
static void
compute_starts (MsFlameGraph *self)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);

  g_clear_pointer (&self->starts, g_free);
  self->starts = g_new0 (guint64, MAX (n_nodes, 1));
  for (guint i = 0; i < n_nodes; i++)
    {
      guint64 x = self->starts[i];

      for (guint c = i + 1; c < nodes[i].subtree_end; c = nodes[c].subtree_end)
        {
          self->starts[c] = x;
          x += ms_flame_node_get_total (&nodes[c], self->value);
        }
    }
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
  guint64 zoom_total;

  if (is_ancestor_or_self (nodes, node, self->zoom_node))
    {
      *x = 0;
      *w = width;
      return TRUE;
    }

  zoom_total = ms_flame_node_get_total (zoom, self->value);
  if (!is_ancestor_or_self (nodes, self->zoom_node, node) || zoom_total == 0)
    return FALSE;

  *x = (double)(self->starts[node] - self->starts[self->zoom_node]) / zoom_total * width;
  *w = (double)ms_flame_node_get_total (&nodes[node], self->value) / zoom_total * width;
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

  /* as flamegraph.pl's difffolded: grown red, shrunk blue, unchanged pale */
  if (self->deltas != NULL)
    {
      float ratio = self->max_delta > 0 ? (float) (fabs (self->deltas[node]) / self->max_delta) : 0;

      h = self->deltas[node] < 0 ? 220 / 360.0f : 0;
      s = 0.08f + 0.8f * sqrtf (ratio);
      v = 0.97f;
    }

  gtk_hsv_to_rgb (h, s, v, &rgba->red, &rgba->green, &rgba->blue);
  rgba->alpha = 1.0f;
}

/**
 * ms_flame_graph_dup_node_text:
 *
 * Returns: the node's name, estimated bytes, share of the whole profile in the
 *   shown value, and samples, as the hover label and the focus description say them
 */
char *
ms_flame_graph_dup_node_text (MsFlameGraph *self,
                              guint         node)
{
  const MsFlameNode *nodes;
  g_autofree char *size = NULL;
  g_autofree char *samples = NULL;
  g_autofree char *change = NULL;
  g_autofree char *text = NULL;
  guint64 root_total;
  double percent;

  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), NULL);
  if (self->tree == NULL || node >= ms_flame_tree_get_n_nodes (self->tree))
    return NULL;

  nodes = ms_flame_tree_get_nodes (self->tree, NULL);
  size = g_format_size_full (nodes[node].total_bytes, G_FORMAT_SIZE_IEC_UNITS);
  samples = g_strdup_printf ("%" G_GUINT64_FORMAT, nodes[node].total_samples);
  root_total = ms_flame_node_get_total (&nodes[0], self->value);
  percent = root_total ? 100.0 * ms_flame_node_get_total (&nodes[node], self->value) / root_total : 0;

  /* Translators: a flame graph frame: its name, estimated bytes, share of the
   * profile and number of samples, e.g. "malloc — 1.2 MiB (12.5%), 40 samples" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s — %s (%.1f%%), %s sample",
                                       "%s — %s (%.1f%%), %s samples",
                                       (gulong) MIN (nodes[node].total_samples, G_MAXULONG)),
                          ms_flame_tree_get_node_label (self->tree, node), size, percent, samples);
  if (self->deltas == NULL)
    return g_steal_pointer (&text);

  change = g_format_size_full ((guint64) fabs (self->deltas[node]), G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: a frame of a differential flame graph: its description, then how
   * much its estimated bytes grew (+) or shrank (−) since the baseline profile,
   * e.g. "malloc — 1.2 MiB (12.5%), 40 samples; +300.0 KiB since the baseline" */
  return g_strdup_printf (_("%s; %s%s since the baseline"), text,
                          self->deltas[node] < 0 ? "−" : "+", change);
}

/**
 * ms_flame_graph_set_deltas:
 * @deltas: (nullable) (array length=n_deltas): one per node of the current tree:
 *   its estimated bytes minus those of the same path in a baseline profile
 *
 * Makes the graph differential (colours by growth), until the next tree.
 */
void
ms_flame_graph_set_deltas (MsFlameGraph *self,
                           const double *deltas,
                           guint         n_deltas)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));
  g_return_if_fail (deltas == NULL || (self->tree != NULL && n_deltas == ms_flame_tree_get_n_nodes (self->tree)));

  g_clear_pointer (&self->deltas, g_free);
  self->max_delta = 0;
  if (deltas != NULL)
    {
      self->deltas = g_memdup2 (deltas, n_deltas * sizeof (double));
      for (guint i = 0; i < n_deltas; i++)
        self->max_delta = MAX (self->max_delta, fabs (deltas[i]));
    }
  update_accessible (self);
  invalidate (self);
}

/* The node's change since the baseline, 0 when the graph is not differential. */
const double *
ms_flame_graph_get_deltas (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), NULL);

  return self->tree != NULL ? self->deltas : NULL;
}

double
ms_flame_graph_get_delta (MsFlameGraph *self,
                          guint         node)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), 0);

  if (self->deltas == NULL || self->tree == NULL || node >= ms_flame_tree_get_n_nodes (self->tree))
    return 0;
  return self->deltas[node];
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

/* The keyboard focus: a blue ring, inset so that it shows between neighbours. */
static void
append_focus_ring (MsFlameGraph *self,
                   GtkSnapshot  *snapshot,
                   int           width)
{
  const MsFlameNode *node = ms_flame_tree_get_node (self->tree, self->focus_node);
  GdkRGBA ring = { 0.21f, 0.52f, 0.89f, 1.0f };
  GdkRGBA colors[4] = { ring, ring, ring, ring };
  float widths[4] = { 3, 3, 3, 3 };
  GskRoundedRect outline;
  double x, w;

  if (!get_node_extent (self, self->focus_node, width, &x, &w))
    return;
  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (x, node->depth * ROW_HEIGHT,
                                                        MAX (w - 1, 6), ROW_HEIGHT - 1), 2);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
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

  if (self->focus_node < n_nodes && gtk_widget_has_focus (widget))
    append_focus_ring (self, snapshot, width);

  if (self->hover_node != MS_FLAME_GRAPH_NO_NODE && self->hover_node < n_nodes)
    {
      double x, w;

      if (get_node_extent (self, self->hover_node, width, &x, &w))
        {
          GdkRGBA border_color = { 0.0f, 0.0f, 0.0f, 0.8f };
          GdkRGBA colors[4] = { border_color, border_color, border_color, border_color };
          float widths[4] = { 2, 2, 2, 2 };
          GskRoundedRect outline;
          g_autofree char *text = ms_flame_graph_dup_node_text (self, self->hover_node);
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

/* Focus and what assistive technologies hear of it */

static void
update_accessible (MsFlameGraph *self)
{
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;

  if (self->tree != NULL && self->focus_node < ms_flame_tree_get_n_nodes (self->tree))
    {
      text = ms_flame_graph_dup_node_text (self, self->focus_node);
      /* Translators: what a screen reader says of the flame graph while a frame has the
       * keyboard focus: the frame (name, bytes, share, samples), then its depth */
      label = g_strdup_printf (_("Flame graph frame: %s, depth %u"), text,
                               ms_flame_tree_get_node (self->tree, self->focus_node)->depth);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label ? label : _("Flame graph of sampled allocations"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Arrow keys move between frames, Enter zooms in, Escape resets "
                                    "the zoom, Alt+Left goes back, the Menu key opens the frame’s actions"),
                                  -1);
}

static void
set_focus_node (MsFlameGraph *self,
                guint         node)
{
  if (self->focus_node == node)
    return;
  self->focus_node = node;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUS_NODE]);
}

/* Drawn and at least a pixel wide (anything when not allocated yet). */
static gboolean
node_is_visible (MsFlameGraph *self,
                 guint         node)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double x, w;

  if (!get_node_extent (self, node, MAX (width, 1), &x, &w))
    return FALSE;
  return width <= 0 || w >= 1.0;
}

/* The next visible frame of the same row to the left (@step -1) or right (+1). */
static guint
row_neighbour (MsFlameGraph *self,
               guint         node,
               int           step)
{
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, NULL);
  guint depth = nodes[node].depth;
  gint64 first = self->depth_start[depth];
  gint64 end = self->depth_start[depth + 1];

  /* At and above the zoomed frame a row holds a single drawn frame. */
  if (depth <= nodes[self->zoom_node].depth)
    return MS_FLAME_GRAPH_NO_NODE;

  for (gint64 p = (gint64) self->row_pos[node] + step; p >= first && p < end; p += step)
    {
      guint n = self->by_depth[p];

      /* the zoomed subtree's part of a row is contiguous */
      if (!is_ancestor_or_self (nodes, self->zoom_node, n))
        break;
      if (node_is_visible (self, n))
        return n;
    }

  return MS_FLAME_GRAPH_NO_NODE;
}

static guint
first_visible_child (MsFlameGraph *self,
                     guint         node)
{
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, NULL);

  for (guint c = node + 1; c < nodes[node].subtree_end; c = nodes[c].subtree_end)
    if (node_is_visible (self, c))
      return c;
  return MS_FLAME_GRAPH_NO_NODE;
}

/**
 * ms_flame_graph_move_focus:
 * @direction: %GTK_DIR_UP to the parent, %GTK_DIR_DOWN to the first (heaviest)
 *   visible child, %GTK_DIR_LEFT and %GTK_DIR_RIGHT to the neighbouring visible
 *   frame of the same row
 *
 * Without a focused frame, the zoomed one gets the focus.
 *
 * Returns: whether the focus moved
 */
gboolean
ms_flame_graph_move_focus (MsFlameGraph     *self,
                           GtkDirectionType  direction)
{
  guint target = MS_FLAME_GRAPH_NO_NODE;
  guint node;

  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), FALSE);

  if (self->tree == NULL)
    return FALSE;
  node = self->focus_node;
  if (node >= ms_flame_tree_get_n_nodes (self->tree) || !node_is_visible (self, node))
    target = self->zoom_node;
  else if (direction == GTK_DIR_UP)
    target = ms_flame_tree_get_node (self->tree, node)->parent;
  else if (direction == GTK_DIR_DOWN)
    target = first_visible_child (self, node);
  else if (direction == GTK_DIR_LEFT)
    target = row_neighbour (self, node, -1);
  else if (direction == GTK_DIR_RIGHT)
    target = row_neighbour (self, node, +1);

  if (target == MS_FLAME_GRAPH_NO_NODE)
    return FALSE;
  set_focus_node (self, target);
  return TRUE;
}

static void
move_focus_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  static const struct { const char *name; GtkDirectionType direction; } moves[] = {
    { "up", GTK_DIR_UP }, { "down", GTK_DIR_DOWN },
    { "left", GTK_DIR_LEFT }, { "right", GTK_DIR_RIGHT },
  };
  const char *name = g_variant_get_string (param, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    if (g_str_equal (name, moves[i].name))
      {
        if (!ms_flame_graph_move_focus (MS_FLAME_GRAPH (widget), moves[i].direction))
          gtk_widget_error_bell (widget);
        return;
      }
}

/* Zoom and its history */

static void
update_navigation_actions (MsFlameGraph *self)
{
  gboolean back = self->history_pos > 0;
  gboolean forward = self->history != NULL && self->history_pos + 1 < self->history->len;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.reset-zoom", self->zoom_node != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.back", back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.forward", forward);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_FORWARD]);
}

static void
set_zoom_node (MsFlameGraph *self,
               guint         node)
{
  if (self->zoom_node == node)
    return;
  self->zoom_node = node;
  invalidate (self);
  /* the focus stays on what is drawn */
  if (self->focus_node != MS_FLAME_GRAPH_NO_NODE && self->tree != NULL
      && !node_is_visible (self, self->focus_node))
    set_focus_node (self, node);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_NODE]);
}

static void
reset_history (MsFlameGraph *self)
{
  g_array_set_size (self->history, 0);
  g_array_append_val (self->history, self->zoom_node);
  self->history_pos = 0;
  update_navigation_actions (self);
}

/* A zoom the user asked for: forward history is dropped, as in a browser. */
static void
navigate_to (MsFlameGraph *self,
             guint         node)
{
  if (node == self->zoom_node)
    return;
  g_array_set_size (self->history, self->history_pos + 1);
  g_array_append_val (self->history, node);
  self->history_pos++;
  set_zoom_node (self, node);
  update_navigation_actions (self);
}

static gboolean
step_history (MsFlameGraph *self,
              int           step)
{
  gint64 pos = (gint64) self->history_pos + step;

  if (pos < 0 || pos >= self->history->len)
    return FALSE;
  self->history_pos = pos;
  set_zoom_node (self, g_array_index (self->history, guint, self->history_pos));
  update_navigation_actions (self);
  return TRUE;
}

gboolean
ms_flame_graph_go_back (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), FALSE);

  return step_history (self, -1);
}

gboolean
ms_flame_graph_go_forward (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), FALSE);

  return step_history (self, +1);
}

gboolean
ms_flame_graph_can_go_back (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), FALSE);

  return self->history_pos > 0;
}

gboolean
ms_flame_graph_can_go_forward (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), FALSE);

  return self->history_pos + 1 < self->history->len;
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
    {
      ms_flame_graph_zoom_to_node (self, node);
      set_focus_node (self, node);
    }
}

static void
reset_zoom_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  ms_flame_graph_reset_zoom (MS_FLAME_GRAPH (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ms_flame_graph_go_back (MS_FLAME_GRAPH (widget));
}

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  ms_flame_graph_go_forward (MS_FLAME_GRAPH (widget));
}

static void
zoom_focus_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (widget);

  if (self->tree != NULL && self->focus_node < ms_flame_tree_get_n_nodes (self->tree))
    ms_flame_graph_zoom_to_node (self, self->focus_node);
  else
    gtk_widget_error_bell (widget);
}

/* Context menu and copying */

/**
 * ms_flame_graph_dup_stack_text:
 *
 * Returns: the frames from the root down to @node, one per line, each ending in
 *   a newline; the whole-profile root ("all") is left out, a focused root is not
 */
char *
ms_flame_graph_dup_stack_text (MsFlameGraph *self,
                               guint         node)
{
  g_autoptr(GPtrArray) path = NULL;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), NULL);

  if (self->tree == NULL || node >= ms_flame_tree_get_n_nodes (self->tree))
    return g_string_free (text, FALSE);
  path = dup_label_path (self->tree, node);
  if (ms_flame_tree_is_focused (self->tree))
    g_ptr_array_insert (path, 0, g_strdup (ms_flame_tree_get_node_label (self->tree, 0)));
  for (guint i = 0; i < path->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) path->pdata[i]);

  return g_string_free (text, FALSE);
}

static void
copy_stack_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (widget);
  guint node = self->focus_node != MS_FLAME_GRAPH_NO_NODE ? self->focus_node : self->zoom_node;
  g_autofree char *text = ms_flame_graph_dup_stack_text (self, node);

  if (text == NULL || *text == '\0')
    {
      gtk_widget_error_bell (widget);
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
popup_menu_at (MsFlameGraph *self,
               guint         node,
               double        x,
               double        y)
{
  if (self->context_menu == NULL)
    return;
  set_focus_node (self, node);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &(GdkRectangle) { x, y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
on_secondary_pressed (GtkGestureClick *click,
                      int              n_press,
                      double           x,
                      double           y,
                      MsFlameGraph    *self)
{
  guint node = ms_flame_graph_get_node_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (node != MS_FLAME_GRAPH_NO_NODE)
    popup_menu_at (self, node, x, y);
}

static void
popup_menu_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (widget);
  guint node;
  double x, w;

  if (self->tree == NULL)
    return;
  node = self->focus_node < ms_flame_tree_get_n_nodes (self->tree) ? self->focus_node : self->zoom_node;
  if (!get_node_extent (self, node, gtk_widget_get_width (widget), &x, &w))
    x = w = 0;
  popup_menu_at (self, node, x + MIN (w, 40) / 2,
                 (ms_flame_tree_get_node (self->tree, node)->depth + 1) * ROW_HEIGHT);
}

/**
 * ms_flame_graph_set_context_menu:
 * @model: (nullable): the menu a right click, the Menu key or Shift+F10 opens
 *   on a frame, which then has the focus
 */
void
ms_flame_graph_set_context_menu (MsFlameGraph *self,
                                 GMenuModel   *model)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  if (model == NULL)
    return;
  self->context_menu = gtk_popover_menu_new_from_model (model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
}

GtkPopover *
ms_flame_graph_get_context_menu (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), NULL);

  return self->context_menu ? GTK_POPOVER (self->context_menu) : NULL;
}

static void
ms_flame_graph_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (widget);

  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
on_focus_enter (GtkEventControllerFocus *focus,
                MsFlameGraph            *self)
{
  if (self->tree != NULL && self->focus_node == MS_FLAME_GRAPH_NO_NODE)
    set_focus_node (self, self->zoom_node);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_focus_leave (GtkEventControllerFocus *focus,
                MsFlameGraph            *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ms_flame_graph_dispose (GObject *object)
{
  MsFlameGraph *self = MS_FLAME_GRAPH (object);

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  g_clear_pointer (&self->cached_fade, gsk_render_node_unref);
  clear_tree_caches (self);
  g_clear_object (&self->layout);
  g_clear_object (&self->tree);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->matches, g_free);
  g_clear_pointer (&self->match_list, g_array_unref);
  g_clear_pointer (&self->history, g_array_unref);

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
    case PROP_CURRENT_MATCH:
      g_value_set_uint (value, self->current_match);
      break;
    case PROP_FOCUS_NODE:
      g_value_set_uint (value, self->focus_node);
      break;
    case PROP_VALUE:
      g_value_set_uint (value, self->value);
      break;
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, ms_flame_graph_can_go_back (self));
      break;
    case PROP_CAN_GO_FORWARD:
      g_value_set_boolean (value, ms_flame_graph_can_go_forward (self));
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
    case PROP_VALUE:
      ms_flame_graph_set_value (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  properties[PROP_TREE] = g_param_spec_object ("tree", NULL, NULL, MS_TYPE_FLAME_TREE, rw);
  properties[PROP_ZOOM_NODE] = g_param_spec_uint ("zoom-node", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SEARCH_TEXT] = g_param_spec_string ("search-text", NULL, NULL, NULL, rw);
  properties[PROP_N_MATCHES] = g_param_spec_uint ("n-matches", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /* index into the matches of the one last moved to, G_MAXUINT for none */
  properties[PROP_CURRENT_MATCH] =
    g_param_spec_uint ("current-match", NULL, NULL, 0, G_MAXUINT, G_MAXUINT, ro);
  properties[PROP_FOCUS_NODE] =
    g_param_spec_uint ("focus-node", NULL, NULL, 0, G_MAXUINT, MS_FLAME_GRAPH_NO_NODE, ro);
  /* an MsFlameValue: what the widths measure */
  properties[PROP_VALUE] =
    g_param_spec_uint ("value", NULL, NULL, 0, MS_FLAME_VALUE_SIZE_BYTES, MS_FLAME_VALUE_TOTAL_BYTES, rw);
  properties[PROP_CAN_GO_BACK] = g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_GO_FORWARD] = g_param_spec_boolean ("can-go-forward", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  /* every key here is listed in the shortcuts window (gtk/help-overlay.ui) */
  static const struct { guint key; const char *direction; } arrows[] = {
    { GDK_KEY_Up, "up" }, { GDK_KEY_Down, "down" }, { GDK_KEY_Left, "left" }, { GDK_KEY_Right, "right" },
  };

  gtk_widget_class_install_action (widget_class, "graph.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "graph.forward", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "graph.move-focus", "s", move_focus_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-focus", NULL, zoom_focus_action);
  gtk_widget_class_install_action (widget_class, "graph.copy-stack", NULL, copy_stack_action);
  gtk_widget_class_install_action (widget_class, "graph.popup-menu", NULL, popup_menu_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "graph.reset-zoom", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "graph.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "graph.forward", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    gtk_widget_class_add_binding_action (widget_class, arrows[i].key, 0, "graph.move-focus",
                                         "s", arrows[i].direction);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "graph.zoom-focus", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "graph.copy-stack", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "graph.popup-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "graph.popup-menu", NULL);
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
  widget_class->size_allocate = ms_flame_graph_size_allocate;

  install_properties (object_class);
  install_actions (widget_class);

  gtk_widget_class_set_css_name (widget_class, "flamegraph");
  /* One focusable whole whose label follows the focused frame: a group, not a tree
   * (there are no item children for a tree role to hold). */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ms_flame_graph_init (MsFlameGraph *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->hover_node = MS_FLAME_GRAPH_NO_NODE;
  self->focus_node = MS_FLAME_GRAPH_NO_NODE;
  self->current_match = G_MAXUINT;
  self->value = MS_FLAME_VALUE_TOTAL_BYTES;
  self->history = g_array_new (FALSE, FALSE, sizeof (guint));
  self->match_list = g_array_new (FALSE, FALSE, sizeof (guint));
  update_accessible (self);
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (self->layout, TRUE);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_focus_enter), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  reset_history (self);
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
set_current_match (MsFlameGraph *self,
                   guint         index)
{
  if (self->current_match == index)
    return;
  self->current_match = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_MATCH]);
}

/* The matching nodes in order, and what they cover: a match inside another
 * match adds nothing to the bytes, its samples being counted already. */
static void
collect_matches (MsFlameGraph *self)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (self->tree, &n_nodes);
  guint covered_end = 0;

  for (guint i = 0; i < n_nodes; i++)
    {
      if (!self->matches[i])
        continue;
      g_array_append_val (self->match_list, i);
      if (i >= covered_end)
        {
          self->match_bytes += nodes[i].total_bytes;
          self->match_samples += nodes[i].total_samples;
          covered_end = nodes[i].subtree_end;
        }
    }
}

static void
update_matches (MsFlameGraph *self)
{
  guint n_nodes = self->tree ? ms_flame_tree_get_n_nodes (self->tree) : 0;

  g_clear_pointer (&self->matches, g_free);
  g_clear_pointer (&self->cached_fade, gsk_render_node_unref);
  g_array_set_size (self->match_list, 0);
  self->match_bytes = self->match_samples = 0;
  set_current_match (self, G_MAXUINT);

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
        self->matches[i] = label_matches[nodes[i].label];
      collect_matches (self);
    }

  if (self->n_matches != self->match_list->len)
    {
      self->n_matches = self->match_list->len;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHES]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

  g_autoptr(GPtrArray) history_paths = NULL;   /* a label path per history entry */
  g_autoptr(GPtrArray) focus_path = NULL;
  guint zoom = 0;
  guint focus = MS_FLAME_GRAPH_NO_NODE;

  if (self->tree == tree)
    return;

  /* A live recording replaces the tree every few seconds: keep the zoom, its history
   * and the focus on the same call paths when the new tree still has them (else the
   * root). */
  if (self->tree != NULL && tree != NULL)
    {
      history_paths = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      for (guint i = 0; i < self->history->len; i++)
        g_ptr_array_add (history_paths, dup_label_path (self->tree, g_array_index (self->history, guint, i)));
      if (self->focus_node != MS_FLAME_GRAPH_NO_NODE)
        focus_path = dup_label_path (self->tree, self->focus_node);
    }

  g_set_object (&self->tree, tree);
  clear_tree_caches (self);
  if (tree != NULL)
    {
      build_depth_index (self);
      compute_starts (self);
    }

  if (history_paths != NULL)
    {
      g_array_set_size (self->history, 0);
      for (guint i = 0; i < history_paths->len; i++)
        {
          guint node = find_label_path (tree, history_paths->pdata[i]);

          g_array_append_val (self->history, node);
        }
      zoom = g_array_index (self->history, guint, self->history_pos);
    }
  if (focus_path != NULL)
    focus = find_label_path (tree, focus_path);

  self->hover_node = MS_FLAME_GRAPH_NO_NODE;
  self->focus_node = G_MAXUINT - 1;  /* so that the next line notifies */
  set_focus_node (self, focus);
  set_zoom_node (self, zoom);
  if (history_paths == NULL)
    reset_history (self);
  else
    update_navigation_actions (self);
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
    guint64 zoom_start = self->starts[self->zoom_node];
    guint64 zoom_total = ms_flame_node_get_total (&nodes[self->zoom_node], self->value);
    const guint *row = self->by_depth + self->depth_start[depth];
    guint lo = 0, hi = self->depth_start[depth + 1] - self->depth_start[depth];
    double cx, cw;

    if (zoom_total == 0)
      return MS_FLAME_GRAPH_NO_NODE;

    while (lo < hi)
      {
        guint mid = lo + (hi - lo) / 2;
        guint64 start = self->starts[row[mid]];

        if (start < zoom_start || (double)(start - zoom_start) / zoom_total * width <= x)
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
        if (lo == 0 || self->starts[row[lo - 1]] != self->starts[node])
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

/* Zooms so that @node fills the width, as a step of the history. */
void
ms_flame_graph_zoom_to_node (MsFlameGraph *self,
                             guint         node)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  if (self->tree == NULL || node >= ms_flame_tree_get_n_nodes (self->tree))
    return;
  navigate_to (self, node);
}

void
ms_flame_graph_reset_zoom (MsFlameGraph *self)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  navigate_to (self, 0);
}

guint
ms_flame_graph_get_focus_node (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), MS_FLAME_GRAPH_NO_NODE);

  return self->focus_node;
}

void
ms_flame_graph_set_focus_node (MsFlameGraph *self,
                               guint         node)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  if (self->tree == NULL || node >= ms_flame_tree_get_n_nodes (self->tree))
    node = MS_FLAME_GRAPH_NO_NODE;
  set_focus_node (self, node);
}

MsFlameValue
ms_flame_graph_get_value (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), MS_FLAME_VALUE_TOTAL_BYTES);

  return self->value;
}

/* What the widths measure; the order of the frames stays the tree's. */
void
ms_flame_graph_set_value (MsFlameGraph *self,
                          MsFlameValue  value)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));
  g_return_if_fail (value <= MS_FLAME_VALUE_SIZE_BYTES);

  if (self->value == value)
    return;
  self->value = value;
  if (self->tree != NULL)
    compute_starts (self);
  invalidate (self);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
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

/* Estimated bytes and samples of the profile's stacks through any match. */
void
ms_flame_graph_get_match_totals (MsFlameGraph *self,
                                 guint64      *bytes,
                                 guint64      *samples)
{
  g_return_if_fail (MS_IS_FLAME_GRAPH (self));

  if (bytes != NULL)
    *bytes = self->match_bytes;
  if (samples != NULL)
    *samples = self->match_samples;
}

guint
ms_flame_graph_get_current_match (MsFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), G_MAXUINT);

  return self->current_match;
}

/**
 * ms_flame_graph_go_to_match:
 * @forward: to the next match (wrapping after the last), else the previous
 *
 * Zooms to the match and gives it the focus; matches go left to right, depth first.
 *
 * Returns: the node moved to, or %MS_FLAME_GRAPH_NO_NODE when nothing matches
 */
guint
ms_flame_graph_go_to_match (MsFlameGraph *self,
                            gboolean      forward)
{
  guint n, index, node;

  g_return_val_if_fail (MS_IS_FLAME_GRAPH (self), MS_FLAME_GRAPH_NO_NODE);

  n = self->match_list->len;
  if (n == 0)
    return MS_FLAME_GRAPH_NO_NODE;
  if (self->current_match >= n)
    index = forward ? 0 : n - 1;
  else
    index = (self->current_match + (forward ? 1 : n - 1)) % n;

  node = g_array_index (self->match_list, guint, index);
  set_current_match (self, index);
  navigate_to (self, node);
  set_focus_node (self, node);
  return node;
}

guint
ms_flame_graph_get_row_height (MsFlameGraph *self)
{
  return ROW_HEIGHT;
}
