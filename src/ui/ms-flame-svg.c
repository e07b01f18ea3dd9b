/* ms-flame-svg.c: the flame graph as the window shows it, as SVG
 *
 * The same picture as ms-flame-graph.c draws: the zoomed node across the width, its
 * descendants below it, children side by side from their parent's left edge in the
 * tree's order, each as wide as its share of the chosen value. Colours as the view's:
 * a warm hue from the label, or against a baseline red for grown, blue for shrunk,
 * saturated by the share of the largest change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "ms-flame-svg.h"

#define ROW_HEIGHT   17
#define TITLE_HEIGHT 36
#define MARGIN       10
#define FONT_WIDTH   7.0

void
ms_flame_svg_view_clear (MsFlameSvgView *view)
{
  g_clear_pointer (&view->deltas, g_free);
}

static void
frame_fill (const char *label,
            double      delta,
            double      max_delta,
            gboolean    diff,
            char       *fill,
            gsize       len)
{
  guint hash = g_str_hash (label);
  float h = (hash % 40) / 360.0f;
  float s = 0.55f + ((hash >> 8) % 30) / 100.0f;
  float v = 0.85f + ((hash >> 16) % 15) / 100.0f;
  float r, g, b;

  if (diff)
    {
      float ratio = max_delta > 0 ? (float) (fabs (delta) / max_delta) : 0;

      h = delta < 0 ? 220 / 360.0f : 0;
      s = 0.08f + 0.8f * sqrtf (ratio);
      v = 0.97f;
    }
  gtk_hsv_to_rgb (h, s, v, &r, &g, &b);
  g_snprintf (fill, len, "rgb(%d,%d,%d)", (int) lround (r * 255), (int) lround (g * 255),
              (int) lround (b * 255));
}

static char *
format_value (MsFlameValue value,
              guint64      amount)
{
  if (value == MS_FLAME_VALUE_SAMPLES)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, amount);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s sample", "%s samples",
                                           (gulong) MIN (amount, G_MAXULONG)), number);
    }
  return g_format_size_full (amount, G_FORMAT_SIZE_IEC_UNITS);
}

/* "label (12.3 MiB, 45.6%)", with the change when compared */
static char *
frame_tooltip (const char           *label,
               const MsFlameSvgView *view,
               guint                 node,
               guint64               amount,
               guint64               root_amount)
{
  g_autofree char *value = format_value (view->value, amount);
  double percent = root_amount > 0 ? 100.0 * amount / root_amount : 0;

  if (view->deltas != NULL)
    {
      g_autofree char *change = g_format_size_full ((guint64) fabs (view->deltas[node]),
                                                    G_FORMAT_SIZE_IEC_UNITS);

      return g_strdup_printf ("%s (%s, %.1f%%, %s%s)", label, value, percent,
                              view->deltas[node] < 0 ? "\u2212" : "+", change);
    }
  return g_strdup_printf ("%s (%s, %.1f%%)", label, value, percent);
}

static void
append_frame (GString    *out,
              double      x,
              double      y,
              double      w,
              const char *fill,
              const char *label,
              const char *tooltip)
{
  g_autofree char *title = g_markup_escape_text (tooltip, -1);
  guint fits = (guint) ((w - 6) / FONT_WIDTH);

  g_string_append_printf (out, "<g><title>%s</title><rect x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" "
                          "height=\"%d\" fill=\"%s\" rx=\"2\"/>", title, x, y, w, ROW_HEIGHT - 1, fill);
  if (fits >= 3)
    {
      glong n = g_utf8_strlen (label, -1);
      g_autofree char *cut = n > (glong) fits ? g_utf8_substring (label, 0, fits - 2) : NULL;
      g_autofree char *shown = cut != NULL ? g_strconcat (cut, "..", NULL) : g_strdup (label);
      g_autofree char *text = g_markup_escape_text (shown, -1);

      g_string_append_printf (out, "<text x=\"%.3f\" y=\"%.1f\">%s</text>", x + 3,
                              y + ROW_HEIGHT - 4.5, text);
    }
  g_string_append (out, "</g>\n");
}

static gboolean
flush (GString        *out,
       GOutputStream  *stream,
       GCancellable   *cancellable,
       GError        **error)
{
  gboolean ok = g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error);

  g_string_truncate (out, 0);
  return ok;
}

/* Each node's left edge in @value, from the root's: children side by side from their
 * parent's edge, in the tree's order (as the view lays them out). */
static guint64 *
compute_starts (const MsFlameNode *nodes,
                guint              root,
                MsFlameValue       value)
{
  guint64 *starts = g_new0 (guint64, nodes[root].subtree_end - root);

  for (guint i = root; i < nodes[root].subtree_end; i++)
    {
      guint64 x = starts[i - root];

      for (guint c = i + 1; c < nodes[i].subtree_end; c = nodes[c].subtree_end)
        {
          starts[c - root] = x;
          x += ms_flame_node_get_total (&nodes[c], value);
        }
    }
  return starts;
}

static void
append_header (GString    *out,
               const char *title,
               guint       width,
               guint       height)
{
  g_autofree char *escaped = g_markup_escape_text (title != NULL ? title : "", -1);

  g_string_append_printf (out,
                          "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                          "<svg version=\"1.1\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
                          "xmlns=\"http://www.w3.org/2000/svg\">\n"
                          "<style>text { font-family: monospace; font-size: 11px; fill: #000; } "
                          "rect:hover { stroke: #000; stroke-width: 0.5; }</style>\n"
                          "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#f8f8f8\"/>\n"
                          "<text x=\"%u\" y=\"24\" text-anchor=\"middle\" style=\"font-size: 16px\">%s</text>\n",
                          width, height, width, height, width, height, width / 2, escaped);
}

gboolean
ms_flame_svg_write (MsFlameTree          *tree,
                    const MsFlameSvgView *view,
                    const char           *title,
                    guint                 width,
                    GOutputStream        *stream,
                    GCancellable         *cancellable,
                    GError              **error)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  g_autoptr(GString) out = g_string_sized_new (65536);
  g_autofree guint64 *starts = NULL;
  guint root, end, depth = 0;
  guint64 root_amount;
  double scale, max_delta = 0;

  g_return_val_if_fail (MS_IS_FLAME_TREE (tree), FALSE);
  g_return_val_if_fail (view != NULL && view->root < n_nodes, FALSE);

  root = view->root;
  end = nodes[root].subtree_end;
  for (guint i = root; i < end; i++)
    depth = MAX (depth, nodes[i].depth - nodes[root].depth + 1);
  for (guint i = 0; view->deltas != NULL && i < n_nodes; i++)
    max_delta = MAX (max_delta, fabs (view->deltas[i]));
  root_amount = ms_flame_node_get_total (&nodes[root], view->value);
  scale = root_amount > 0 ? (width - 2.0 * MARGIN) / root_amount : 0;
  starts = compute_starts (nodes, root, view->value);

  append_header (out, title, width, TITLE_HEIGHT + depth * ROW_HEIGHT + MARGIN);
  for (guint i = root; i < end; i++)
    {
      const char *label = ms_flame_tree_get_node_label (tree, i);
      guint64 amount = ms_flame_node_get_total (&nodes[i], view->value);
      g_autofree char *tooltip = NULL;
      char fill[32];

      if (amount * scale < 0.1)
        {
          /* its subtree is narrower still */
          i = nodes[i].subtree_end - 1;
          continue;
        }
      frame_fill (label, view->deltas ? view->deltas[i] : 0, max_delta, view->deltas != NULL,
                  fill, sizeof fill);
      tooltip = frame_tooltip (label, view, i, amount, root_amount);
      append_frame (out, MARGIN + starts[i - root] * scale,
                    TITLE_HEIGHT + (nodes[i].depth - nodes[root].depth) * ROW_HEIGHT,
                    amount * scale, fill, label, tooltip);
      if (out->len > 60000 && !flush (out, stream, cancellable, error))
        return FALSE;
    }
  g_string_append (out, "</svg>\n");
  return flush (out, stream, cancellable, error);
}
