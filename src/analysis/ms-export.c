/* ms-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ms-export.h"

#define FLUSH_SIZE (256 * 1024)

typedef struct
{
  GString       *buf;
  GOutputStream *stream;   /* NULL: keep everything in buf */
  GCancellable  *cancellable;
  GError       **error;
  gboolean       failed;
} Writer;

static void
writer_flush (Writer *w)
{
  if (w->stream == NULL || w->failed || w->buf->len == 0)
    return;

  if (!g_output_stream_write_all (w->stream, w->buf->str, w->buf->len, NULL, w->cancellable, w->error))
    w->failed = TRUE;
  g_string_truncate (w->buf, 0);
}

static inline void
writer_maybe_flush (Writer *w)
{
  if (w->stream != NULL && w->buf->len >= FLUSH_SIZE)
    writer_flush (w);
}

static gboolean
writer_finish (Writer *w)
{
  writer_flush (w);
  if (w->stream != NULL)
    g_string_free (w->buf, TRUE);

  return !w->failed;
}

/* ';' separates frames and the last space the value, newlines end lines: a
 * label keeps its spaces but loses those two characters. */
static char *
folded_label (const char *label)
{
  char *copy = g_strdup (label);

  for (char *p = copy; *p; p++)
    if (*p == ';')
      *p = ':';
    else if (*p == '\n' || *p == '\r')
      *p = ' ';

  return copy;
}

static void
write_folded (MsFlameTree *tree,
              MsFlameValue value,
              Writer      *w)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  guint max_depth = ms_flame_tree_get_max_depth (tree);
  gboolean focused = ms_flame_tree_is_focused (tree);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree gsize *prefix_len = g_new0 (gsize, max_depth + 2);
  g_autoptr(GString) prefix = g_string_new (NULL);

  /* sanitized labels, once per label */
  for (guint i = 0; i < n_nodes; i++)
    {
      guint label = nodes[i].label;

      while (labels->len <= label)
        g_ptr_array_add (labels, NULL);
      if (g_ptr_array_index (labels, label) == NULL)
        g_ptr_array_index (labels, label) = folded_label (ms_flame_tree_get_label (tree, label));
    }

  for (guint i = 0; i < n_nodes && !w->failed; i++)
    {
      const MsFlameNode *node = &nodes[i];
      guint64 v;

      /* the unfocused root "all" is not a frame */
      if (node->depth == 0)
        {
          g_string_truncate (prefix, 0);
          if (focused)
            g_string_append (prefix, g_ptr_array_index (labels, node->label));
          prefix_len[0] = prefix->len;
        }
      else
        {
          g_string_truncate (prefix, prefix_len[node->depth - 1]);
          if (prefix->len > 0)
            g_string_append_c (prefix, ';');
          g_string_append (prefix, g_ptr_array_index (labels, node->label));
          prefix_len[node->depth] = prefix->len;
        }

      v = ms_flame_node_get_self (node, value);
      if (v == 0)
        continue;

      if (prefix->len > 0)
        g_string_append_len (w->buf, prefix->str, prefix->len);
      else
        g_string_append (w->buf, "all");
      g_string_append_printf (w->buf, " %" G_GUINT64_FORMAT "\n", v);
      writer_maybe_flush (w);
    }
}

/**
 * ms_export_folded:
 * @tree: a flame tree
 * @value: the figure on each line
 * @stream: where to write
 *
 * Writes the tree as folded stacks, one line per path that ends somewhere
 * (self value > 0): labels from the outermost frame in (for a top-down tree;
 * a bottom-up tree gives leaf first), joined by `;`, a space and the value:
 * `a;b;c 4096`. This is the input of flamegraph.pl, inferno and speedscope.
 * The root "all" of an unfocused tree is not written; samples whose every
 * frame was hidden come out as `all VALUE`. `;` in a label becomes `:`.
 *
 * Returns: %FALSE on a write error
 */
gboolean
ms_export_folded (MsFlameTree    *tree,
                  MsFlameValue    value,
                  GOutputStream  *stream,
                  GCancellable   *cancellable,
                  GError        **error)
{
  Writer w = { g_string_sized_new (FLUSH_SIZE + 4096), stream, cancellable, error, FALSE };

  g_return_val_if_fail (MS_IS_FLAME_TREE (tree), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  write_folded (tree, value, &w);

  return writer_finish (&w);
}

/**
 * ms_export_folded_to_string:
 *
 * Like ms_export_folded(), into memory.
 *
 * Returns: (transfer full): the folded stacks
 */
char *
ms_export_folded_to_string (MsFlameTree  *tree,
                            MsFlameValue  value)
{
  Writer w = { g_string_new (NULL), NULL, NULL, NULL, FALSE };

  g_return_val_if_fail (MS_IS_FLAME_TREE (tree), NULL);

  write_folded (tree, value, &w);

  return g_string_free (w.buf, FALSE);
}

/* SVG */

#define ROW_HEIGHT 16
#define FONT_WIDTH 6.6
#define MARGIN 10
#define TITLE_HEIGHT 40

static void
append_escaped (GString    *out,
                const char *text)
{
  for (const char *p = text; *p; p++)
    {
      switch (*p)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&apos;"); break;
        default:
          /* control characters are not allowed in XML 1.0 */
          if ((guchar)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            g_string_append_c (out, ' ');
          else
            g_string_append_c (out, *p);
        }
    }
}

static void
append_fitted_label (GString    *out,
                     const char *label,
                     double      width)
{
  glong fit = (glong)((width - 6) / FONT_WIDTH);
  glong len = g_utf8_strlen (label, -1);

  if (fit < 3)
    return;

  if (len <= fit)
    append_escaped (out, label);
  else
    {
      g_autofree char *cut = g_utf8_substring (label, 0, fit - 2);

      append_escaped (out, cut);
      g_string_append (out, "..");
    }
}

static void
svg_header (GString    *out,
            const char *title,
            guint       width,
            guint       height)
{
  g_string_append_printf (out,
                          "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                          "<svg version=\"1.1\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
                          "xmlns=\"http://www.w3.org/2000/svg\">\n"
                          "<style>text { font-family: monospace; font-size: 11px; fill: #000; } "
                          "rect:hover { stroke: #000; stroke-width: 0.5; }</style>\n"
                          "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#f8f8f8\"/>\n"
                          "<text x=\"%u\" y=\"24\" text-anchor=\"middle\" style=\"font-size: 16px\">",
                          width, height, width, height, width, height, width / 2);
  append_escaped (out, title != NULL ? title : "Flame graph");
  g_string_append (out, "</text>\n");
}

static void
svg_frame (GString    *out,
           double      x,
           double      y,
           double      w,
           const char *fill,
           const char *label,
           const char *tooltip)
{
  g_string_append (out, "<g><title>");
  append_escaped (out, tooltip);
  g_string_append_printf (out, "</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\" rx=\"2\"/>",
                          x, y, w, ROW_HEIGHT - 1, fill);
  if (w / FONT_WIDTH >= 3 + 1)
    {
      g_string_append_printf (out, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + ROW_HEIGHT - 4.5);
      append_fitted_label (out, label, w);
      g_string_append (out, "</text>");
    }
  g_string_append (out, "</g>\n");
}

static guint32
label_hash (const char *label)
{
  guint32 h = 2166136261u;

  for (const char *p = label; *p; p++)
    h = (h ^ (guchar)*p) * 16777619u;

  return h;
}

/**
 * ms_export_flame_svg:
 * @tree: a flame tree
 * @title: (nullable): the heading
 * @width: image width in pixels, 0 for 1200
 * @stream: where to write
 *
 * Writes a standalone SVG flame graph (no script needed): widths by `total`
 * bytes, the root at the bottom, children left-heavy, each frame with a
 * `<title>` that browsers show on hover (label, bytes, share, samples). Frames
 * narrower than 0.1 pixel are left out. Text is XML-escaped.
 *
 * Returns: %FALSE on a write error
 */
gboolean
ms_export_flame_svg (MsFlameTree    *tree,
                     const char     *title,
                     guint           width,
                     GOutputStream  *stream,
                     GCancellable   *cancellable,
                     GError        **error)
{
  Writer w = { g_string_sized_new (FLUSH_SIZE + 4096), stream, cancellable, error, FALSE };
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n_nodes);
  guint depth = ms_flame_tree_get_max_depth (tree) + 1;
  guint height;
  double usable, scale;
  double root_total = (double)nodes[0].total_bytes;

  g_return_val_if_fail (MS_IS_FLAME_TREE (tree), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (width == 0)
    width = 1200;
  height = TITLE_HEIGHT + depth * ROW_HEIGHT + MARGIN;
  usable = width - 2 * MARGIN;
  scale = root_total > 0 ? usable / root_total : 0;

  svg_header (w.buf, title, width, height);

  for (guint i = 0; i < n_nodes && !w.failed; i++)
    {
      const MsFlameNode *node = &nodes[i];
      double x = MARGIN + node->start_bytes * scale;
      double fw = node->total_bytes * scale;
      double y = height - MARGIN - (node->depth + 1) * ROW_HEIGHT;
      const char *label = ms_flame_tree_get_label (tree, node->label);
      g_autofree char *tooltip = NULL;
      char fill[32];
      guint32 h;

      if (fw < 0.1 && i > 0)
        {
          /* skip the whole subtree: it is narrower still */
          i = node->subtree_end - 1;
          continue;
        }

      h = label_hash (label);
      g_snprintf (fill, sizeof fill, "rgb(%u,%u,%u)", 205 + (h % 50), 60 + ((h >> 8) % 170), 20 + ((h >> 16) % 40));
      tooltip = g_strdup_printf ("%s (%" G_GUINT64_FORMAT " bytes, %.2f%%, %" G_GUINT64_FORMAT " samples)",
                                 label, node->total_bytes,
                                 root_total > 0 ? 100.0 * node->total_bytes / root_total : 0.0,
                                 node->total_samples);
      svg_frame (w.buf, x, y, MAX (fw, 0.1), fill, label, tooltip);
      writer_maybe_flush (&w);
    }

  g_string_append (w.buf, "</svg>\n");

  return writer_finish (&w);
}

static void
append_number (GString *out,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (v == floor (v) && fabs (v) < 9e15)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64)v);
  else
    g_string_append (out, g_ascii_dtostr (buf, sizeof buf, v));
}

/**
 * ms_export_diff_folded:
 * @diff: a profile diff
 * @stream: where to write
 *
 * Writes the diff in the two-column folded format of difffolded.pl
 * (`a;b;c A B`), which flamegraph.pl turns into a differential flame graph: one
 * line per path with a self value in either profile. A's values are the
 * normalised ones when the diff was normalised (rounded when not integral).
 *
 * Returns: %FALSE on a write error
 */
gboolean
ms_export_diff_folded (MsProfileDiff  *diff,
                       GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  Writer w = { g_string_sized_new (FLUSH_SIZE + 4096), stream, cancellable, error, FALSE };
  guint n_nodes;
  const MsDiffNode *nodes = ms_profile_diff_get_nodes (diff, &n_nodes);
  g_autofree gsize *prefix_len = g_new0 (gsize, ms_profile_diff_get_max_depth (diff) + 2);
  g_autoptr(GString) prefix = g_string_new (NULL);

  g_return_val_if_fail (MS_IS_PROFILE_DIFF (diff), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  for (guint i = 1; i < n_nodes && !w.failed; i++)
    {
      const MsDiffNode *node = &nodes[i];
      g_autofree char *label = folded_label (ms_profile_diff_get_label (diff, node->label));

      g_string_truncate (prefix, node->depth > 1 ? prefix_len[node->depth - 1] : 0);
      if (prefix->len > 0)
        g_string_append_c (prefix, ';');
      g_string_append (prefix, label);
      prefix_len[node->depth] = prefix->len;

      if (node->a_self == 0 && node->b_self == 0)
        continue;

      g_string_append_len (w.buf, prefix->str, prefix->len);
      g_string_append_c (w.buf, ' ');
      append_number (w.buf, round (node->a_self));
      g_string_append_c (w.buf, ' ');
      append_number (w.buf, round (node->b_self));
      g_string_append_c (w.buf, '\n');
      writer_maybe_flush (&w);
    }

  return writer_finish (&w);
}

/**
 * ms_export_diff_svg:
 * @diff: a profile diff
 * @title: (nullable): the heading
 * @width: image width in pixels, 0 for 1200
 * @stream: where to write
 *
 * A differential flame graph: widths by profile B, red where a path grew
 * (B > A), blue where it shrank, the deeper the colour the larger the change
 * relative to the largest one; hover titles give A, B and the delta.
 *
 * Returns: %FALSE on a write error
 */
gboolean
ms_export_diff_svg (MsProfileDiff  *diff,
                    const char     *title,
                    guint           width,
                    GOutputStream  *stream,
                    GCancellable   *cancellable,
                    GError        **error)
{
  Writer w = { g_string_sized_new (FLUSH_SIZE + 4096), stream, cancellable, error, FALSE };
  guint n_nodes;
  const MsDiffNode *nodes = ms_profile_diff_get_nodes (diff, &n_nodes);
  guint height = TITLE_HEIGHT + (ms_profile_diff_get_max_depth (diff) + 1) * ROW_HEIGHT + MARGIN;
  double max_delta = 0;
  double scale;

  g_return_val_if_fail (MS_IS_PROFILE_DIFF (diff), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (width == 0)
    width = 1200;
  scale = nodes[0].b_total > 0 ? (width - 2 * MARGIN) / nodes[0].b_total : 0;
  for (guint i = 1; i < n_nodes; i++)
    max_delta = MAX (max_delta, fabs (nodes[i].delta_total));

  svg_header (w.buf, title != NULL ? title : "Differential flame graph", width, height);

  for (guint i = 0; i < n_nodes && !w.failed; i++)
    {
      const MsDiffNode *node = &nodes[i];
      double fw = node->b_total * scale;
      double x = MARGIN + node->start * scale;
      double y = height - MARGIN - (node->depth + 1) * ROW_HEIGHT;
      const char *label = ms_profile_diff_get_label (diff, node->label);
      g_autofree char *tooltip = NULL;
      /* the root's change may exceed every other node's: at most full colour */
      double intensity = max_delta > 0 ? MIN (fabs (node->delta_total) / max_delta, 1.0) : 0;
      guint fade = 255 - (guint)(intensity * 200);
      char fill[32];

      if (fw < 0.1)
        {
          i = node->subtree_end - 1;
          continue;
        }

      if (node->delta_total > 0)
        g_snprintf (fill, sizeof fill, "rgb(255,%u,%u)", fade, fade);
      else if (node->delta_total < 0)
        g_snprintf (fill, sizeof fill, "rgb(%u,%u,255)", fade, fade);
      else
        g_snprintf (fill, sizeof fill, "rgb(235,235,235)");

      tooltip = g_strdup_printf ("%s (A %.0f, B %.0f, delta %+.0f%s)", label,
                                 node->a_total, node->b_total, node->delta_total,
                                 ms_profile_diff_get_normalized (diff) ? ", A normalised" : "");
      svg_frame (w.buf, x, y, fw, fill, label, tooltip);
      writer_maybe_flush (&w);
    }

  g_string_append (w.buf, "</svg>\n");

  return writer_finish (&w);
}

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * ms_export_counters_csv:
 * @series: the counters
 * @stream: where to write
 *
 * One header line, `time` and then each series' name in order of first
 * appearance; then one row per distinct time (ascending) with the time in
 * seconds since the Unix epoch (three decimals) and each series' value at that
 * time, empty where a series has none. Lines end in CRLF as RFC 4180 says;
 * fields with commas or quotes are quoted.
 *
 * Returns: %FALSE on a write error
 */
gboolean
ms_export_counters_csv (MsCounterSeries  *series,
                        GOutputStream    *stream,
                        GCancellable     *cancellable,
                        GError          **error)
{
  Writer w = { g_string_sized_new (FLUSH_SIZE + 4096), stream, cancellable, error, FALSE };
  g_auto(GStrv) names = NULL;
  g_autoptr(GArray) times = NULL;
  g_autofree guint *cursor = NULL;
  guint n_names;

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (series), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  names = ms_counter_series_dup_names (series);
  n_names = g_strv_length (names);
  cursor = g_new0 (guint, MAX (n_names, 1));
  times = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_string_append (w.buf, "time");
  for (guint k = 0; k < n_names; k++)
    {
      guint n = ms_counter_series_get_n_points (series, names[k]);

      g_string_append_c (w.buf, ',');
      append_csv_field (w.buf, names[k]);
      for (guint i = 0; i < n; i++)
        {
          gint64 t;

          ms_counter_series_get_point (series, names[k], i, &t, NULL);
          g_array_append_val (times, t);
        }
    }
  g_string_append (w.buf, "\r\n");

  g_array_sort (times, compare_gint64);

  for (guint i = 0; i < times->len && !w.failed; i++)
    {
      gint64 t = g_array_index (times, gint64, i);

      if (i > 0 && t == g_array_index (times, gint64, i - 1))
        continue;

      g_string_append_printf (w.buf, "%" G_GINT64_FORMAT ".%03d", t / G_USEC_PER_SEC,
                              (int)((t % G_USEC_PER_SEC) / 1000));
      for (guint k = 0; k < n_names; k++)
        {
          gint64 pt;
          double v;

          g_string_append_c (w.buf, ',');
          /* series are sorted by time: walk each with its own cursor */
          while (ms_counter_series_get_point (series, names[k], cursor[k], &pt, &v) && pt < t)
            cursor[k]++;
          if (ms_counter_series_get_point (series, names[k], cursor[k], &pt, &v) && pt == t)
            {
              append_number (w.buf, v);
              cursor[k]++;
            }
        }
      g_string_append (w.buf, "\r\n");
      writer_maybe_flush (&w);
    }

  return writer_finish (&w);
}

/**
 * ms_export_histogram_table:
 *
 * Same as ms_size_histogram_to_table(): 16 tab-separated lines of index, upper
 * bound in bytes (`inf` for the last class, which holds every larger size),
 * sampled count, estimated allocations, estimated bytes.
 *
 * Returns: (transfer full): the table
 */
char *
ms_export_histogram_table (MsSizeHistogram *histogram)
{
  return ms_size_histogram_to_table (histogram);
}

/**
 * ms_export_histogram_csv:
 * @histogram: the size classes
 * @stream: where to write
 *
 * A header line
 * `lower_bound_bytes,upper_bound_bytes,samples,estimated_allocations,estimated_bytes`,
 * then one row per size class (16, smallest first): the sizes it holds (above
 * its lower bound, up to its upper bound, in bytes), the sampled count, the
 * estimated number of allocations (rounded to the nearest integer, as in
 * ms_size_histogram_to_table()) and the estimated bytes. The last class holds
 * every size above its lower bound: its upper bound is empty. Lines end in CRLF
 * as RFC 4180 says.
 *
 * Returns: %FALSE on a write error
 */
gboolean
ms_export_histogram_csv (MsSizeHistogram  *histogram,
                         GOutputStream    *stream,
                         GCancellable     *cancellable,
                         GError          **error)
{
  Writer w = { g_string_sized_new (4096), stream, cancellable, error, FALSE };
  guint64 lower_bound = 0;

  g_return_val_if_fail (MS_IS_SIZE_HISTOGRAM (histogram), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  g_string_append (w.buf, "lower_bound_bytes,upper_bound_bytes,samples,estimated_allocations,"
                          "estimated_bytes\r\n");
  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      guint64 upper_bound = 0;
      double allocations = 0;
      guint64 bytes = 0;
      guint64 count = ms_size_histogram_get_bucket (histogram, i, &upper_bound, &allocations, &bytes);

      g_string_append_printf (w.buf, "%" G_GUINT64_FORMAT ",", lower_bound);
      if (i + 1 < MS_SIZE_HISTOGRAM_N_BUCKETS)
        g_string_append_printf (w.buf, "%" G_GUINT64_FORMAT, upper_bound);
      g_string_append_printf (w.buf, ",%" G_GUINT64_FORMAT ",%.0f,%" G_GUINT64_FORMAT "\r\n",
                              count, allocations, bytes);
      lower_bound = upper_bound;
    }

  return writer_finish (&w);
}
