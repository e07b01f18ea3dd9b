/* ms-diff-flame-graph.c: the difference of two profiles as a flame graph
 *
 * The layout is the diff's own (MsDiffNode.start and b_total, in units of the second
 * profile, pre-order with subtree_end), so drawing only scales it; nodes narrower than
 * half a pixel are skipped with their subtrees.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <math.h>

#include <glib/gi18n.h>

#include "ms-diff-flame-graph.h"

#define ROW_HEIGHT 18
#define MIN_LABEL_WIDTH 24

struct _MsDiffFlameGraph
{
  GtkWidget      parent_instance;

  MsProfileDiff *diff;
  double         max_delta;   /* largest |delta_total| below the root, for the colours */
  guint          hover;
  PangoLayout   *layout;
};

G_DEFINE_FINAL_TYPE (MsDiffFlameGraph, ms_diff_flame_graph, GTK_TYPE_WIDGET)

static const MsDiffNode *
get_nodes (MsDiffFlameGraph *self,
           guint            *n_nodes)
{
  *n_nodes = 0;
  return self->diff != NULL ? ms_profile_diff_get_nodes (self->diff, n_nodes) : NULL;
}

/* Grown: white to red; shrunk: white to blue; unchanged: light grey. */
static void
node_color (MsDiffFlameGraph *self,
            const MsDiffNode *node,
            GdkRGBA          *color)
{
  double t = self->max_delta > 0 ? MIN (fabs (node->delta_total) / self->max_delta, 1) : 0;
  float fade = (float)(1 - 0.55 * sqrt (t));  /* the darkest still carries dark text */

  if (node->delta_total > 0)
    *color = (GdkRGBA) { 0.92f, 0.92f * fade, 0.92f * fade, 1 };
  else if (node->delta_total < 0)
    *color = (GdkRGBA) { 0.92f * fade, 0.92f * fade, 0.92f, 1 };
  else
    *color = (GdkRGBA) { 0.85f, 0.85f, 0.85f, 1 };
}

static char *
format_signed_size (double value)
{
  g_autofree char *size = g_format_size_full ((guint64)fabs (value), G_FORMAT_SIZE_IEC_UNITS);

  return g_strdup_printf ("%s%s", value > 0 ? "+" : value < 0 ? "\u2212" : "", size);
}

char *
ms_diff_flame_graph_dup_node_text (MsDiffFlameGraph *self,
                                   guint             node)
{
  const MsDiffNode *nodes;
  guint n_nodes;
  g_autofree char *delta = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_return_val_if_fail (MS_IS_DIFF_FLAME_GRAPH (self), NULL);

  nodes = get_nodes (self, &n_nodes);
  if (node >= n_nodes)
    return NULL;
  delta = format_signed_size (nodes[node].delta_total);
  before = g_format_size_full ((guint64)nodes[node].a_total, G_FORMAT_SIZE_IEC_UNITS);
  after = g_format_size_full ((guint64)nodes[node].b_total, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: a frame of the difference flame graph,
   * "main: +1.2 MiB (from 100 KiB to 1.3 MiB)" */
  return g_strdup_printf (_("%s: %s (from %s to %s)"),
                          ms_profile_diff_get_label (self->diff, nodes[node].label),
                          delta, before, after);
}

guint
ms_diff_flame_graph_get_node_at (MsDiffFlameGraph *self,
                                 double            x,
                                 double            y)
{
  const MsDiffNode *nodes;
  guint n_nodes, depth;
  double scale;

  g_return_val_if_fail (MS_IS_DIFF_FLAME_GRAPH (self), MS_DIFF_FLAME_GRAPH_NO_NODE);

  nodes = get_nodes (self, &n_nodes);
  if (n_nodes == 0 || y < 0 || x < 0 || nodes[0].b_total <= 0)
    return MS_DIFF_FLAME_GRAPH_NO_NODE;
  depth = (guint)(y / ROW_HEIGHT);
  scale = gtk_widget_get_width (GTK_WIDGET (self)) / nodes[0].b_total;
  /* Down the tree: at each depth, the child whose span holds x. */
  for (guint i = 0; i < n_nodes;)
    {
      const MsDiffNode *n = &nodes[i];

      if (x < n->start * scale || x >= (n->start + n->b_total) * scale)
        {
          i = n->subtree_end;  /* not here: the next sibling */
          continue;
        }
      if (n->depth == depth)
        return i;
      i++;  /* into its children */
    }
  return MS_DIFF_FLAME_GRAPH_NO_NODE;
}

static void
draw_node (MsDiffFlameGraph *self,
           cairo_t          *cr,
           guint             index,
           double            x,
           double            w,
           const GdkRGBA    *fg)
{
  const MsDiffNode *node = &ms_profile_diff_get_nodes (self->diff, NULL)[index];
  double y = node->depth * ROW_HEIGHT;
  GdkRGBA color;

  node_color (self, node, &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_rectangle (cr, x, y, MAX (w - 0.5, 0.5), ROW_HEIGHT - 1);
  cairo_fill (cr);
  if (index == self->hover)
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
      cairo_set_line_width (cr, 1.5);
      cairo_rectangle (cr, x + 0.75, y + 0.75, MAX (w - 2, 0.5), ROW_HEIGHT - 2.5);
      cairo_stroke (cr);
    }
  if (w < MIN_LABEL_WIDTH)
    return;
  /* The boxes are light whatever the theme: dark text on them. */
  cairo_set_source_rgba (cr, 0.1, 0.1, 0.1, 1);
  pango_layout_set_text (self->layout, ms_profile_diff_get_label (self->diff, node->label), -1);
  pango_layout_set_width (self->layout, (int)((w - 6) * PANGO_SCALE));
  cairo_move_to (cr, x + 3, y + 1);
  pango_cairo_show_layout (cr, self->layout);
}

static void
ms_diff_flame_graph_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  MsDiffFlameGraph *self = MS_DIFF_FLAME_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  const MsDiffNode *nodes;
  guint n_nodes;
  double scale;
  GdkRGBA fg;
  cairo_t *cr;

  nodes = get_nodes (self, &n_nodes);
  if (n_nodes == 0 || nodes[0].b_total <= 0 || width < 2)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  scale = width / nodes[0].b_total;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < n_nodes;)
    {
      double x = nodes[i].start * scale, w = nodes[i].b_total * scale;

      if (w < 0.5)
        {
          i = nodes[i].subtree_end;
          continue;
        }
      draw_node (self, cr, i, x, w, &fg);
      i++;
    }
  cairo_destroy (cr);
}

static void
ms_diff_flame_graph_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  MsDiffFlameGraph *self = MS_DIFF_FLAME_GRAPH (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 800;
    }
  else
    *minimum = *natural = self->diff != NULL
                          ? (int)(ms_profile_diff_get_max_depth (self->diff) + 1) * ROW_HEIGHT : 0;
}

static void
set_hover (MsDiffFlameGraph *self,
           guint             node)
{
  g_autofree char *text = NULL;

  if (self->hover == node)
    return;
  self->hover = node;
  text = ms_diff_flame_graph_dup_node_text (self, node);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           MsDiffFlameGraph         *self)
{
  set_hover (self, ms_diff_flame_graph_get_node_at (self, x, y));
}

static void
on_leave (GtkEventControllerMotion *controller,
          MsDiffFlameGraph         *self)
{
  set_hover (self, MS_DIFF_FLAME_GRAPH_NO_NODE);
}

static void
ms_diff_flame_graph_dispose (GObject *object)
{
  MsDiffFlameGraph *self = MS_DIFF_FLAME_GRAPH (object);

  g_clear_object (&self->diff);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (ms_diff_flame_graph_parent_class)->dispose (object);
}

static void
ms_diff_flame_graph_class_init (MsDiffFlameGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_diff_flame_graph_dispose;
  widget_class->snapshot = ms_diff_flame_graph_snapshot;
  widget_class->measure = ms_diff_flame_graph_measure;

  gtk_widget_class_set_css_name (widget_class, "diffflamegraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ms_diff_flame_graph_init (MsDiffFlameGraph *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover = MS_DIFF_FLAME_GRAPH_NO_NODE;
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Difference between two profiles"), -1);
}

GtkWidget *
ms_diff_flame_graph_new (void)
{
  return g_object_new (MS_TYPE_DIFF_FLAME_GRAPH, NULL);
}

MsProfileDiff *
ms_diff_flame_graph_get_diff (MsDiffFlameGraph *self)
{
  g_return_val_if_fail (MS_IS_DIFF_FLAME_GRAPH (self), NULL);

  return self->diff;
}

void
ms_diff_flame_graph_set_diff (MsDiffFlameGraph *self,
                              MsProfileDiff    *diff)
{
  const MsDiffNode *nodes;
  guint n_nodes;

  g_return_if_fail (MS_IS_DIFF_FLAME_GRAPH (self));

  if (!g_set_object (&self->diff, diff))
    return;
  self->max_delta = 0;
  nodes = get_nodes (self, &n_nodes);
  for (guint i = 1; i < n_nodes; i++)
    self->max_delta = MAX (self->max_delta, fabs (nodes[i].delta_total));
  self->hover = G_MAXUINT - 1;
  set_hover (self, MS_DIFF_FLAME_GRAPH_NO_NODE);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
ms_diff_flame_graph_get_row_height (MsDiffFlameGraph *self)
{
  return ROW_HEIGHT;
}
