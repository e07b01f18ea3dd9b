/* ms-histogram-view.c: sampled allocations by power-of-two size class, as bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-histogram-view.h"

#define BOTTOM_LABELS_HEIGHT 40
#define TOP_LABEL_HEIGHT 20
#define BAR_GAP 6

struct _MsHistogramView
{
  GtkWidget        parent_instance;

  MsSizeHistogram *histogram;
  PangoLayout     *layout;

  /* Diff mode: both set, and the deltas from before to after per size class. */
  MsSizeHistogram *before;
  MsSizeHistogram *after;
  gint64           count_delta[MS_SIZE_HISTOGRAM_N_BUCKETS];
  gint64           bytes_delta[MS_SIZE_HISTOGRAM_N_BUCKETS];
};

enum {
  PROP_0,
  PROP_HISTOGRAM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (MsHistogramView, ms_histogram_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* Short enough for a bar's width: "512 B", "64 KiB", "4.9 MiB". */
static char *
format_bytes_short (guint64 bytes)
{
  static const char *units[] = { NC_("size unit", "B"), NC_("size unit", "KiB"),
                                  NC_("size unit", "MiB"), NC_("size unit", "GiB"),
                                  NC_("size unit", "TiB") };
  double value = bytes;
  guint unit = 0;

  while (value >= 1024 && unit + 1 < G_N_ELEMENTS (units))
    {
      value /= 1024;
      unit++;
    }
  if (value < 10 && value != (guint64) value)
    return g_strdup_printf ("%.1f %s", value, g_dpgettext2 (GETTEXT_PACKAGE, "size unit", units[unit]));
  return g_strdup_printf ("%.0f %s", value, g_dpgettext2 (GETTEXT_PACKAGE, "size unit", units[unit]));
}

static void
draw_centered (MsHistogramView *self,
               cairo_t         *cr,
               const char      *text,
               double           cx,
               double           y)
{
  int width, height;

  pango_layout_set_text (self->layout, text, -1);
  pango_layout_get_pixel_size (self->layout, &width, &height);
  cairo_move_to (cr, cx - width / 2.0, y);
  pango_cairo_show_layout (cr, self->layout);
}

/* "+1.5 KiB", "−512 B", "0 B" */
static char *
format_delta_short (gint64 delta)
{
  g_autofree char *magnitude = format_bytes_short (delta < 0 ? -(guint64)delta : (guint64)delta);

  if (delta > 0)
    return g_strdup_printf ("+%s", magnitude);
  if (delta < 0)
    return g_strdup_printf ("\u2212%s", magnitude);
  return g_steal_pointer (&magnitude);
}

static char *
format_count_delta (gint64 delta)
{
  if (delta < 0)
    return g_strdup_printf ("\u2212%" G_GUINT64_FORMAT, -(guint64)delta);
  return g_strdup_printf (delta > 0 ? "+%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, delta);
}

/* Size class: "≤ upper bound", the last one open-ended. */
static char *
format_bound (guint   index,
              guint64 upper)
{
  g_autofree char *lower = NULL;

  if (index + 1 < MS_SIZE_HISTOGRAM_N_BUCKETS)
    return format_bytes_short (upper);
  lower = format_bytes_short (upper / 2);
  /* Translators: the last size class of the histogram, larger than its lower bound */
  return g_strdup_printf (_("> %s"), lower);
}

static void
snapshot_diff (MsHistogramView *self,
               cairo_t         *cr,
               int              width,
               int              height,
               const GdkRGBA   *fg)
{
  static const GdkRGBA grown = { 0.88f, 0.11f, 0.14f, 1.0f };   /* Adwaita red 3 */
  static const GdkRGBA shrunk = { 0.21f, 0.52f, 0.89f, 1.0f };  /* blue 3 */
  double bar_width = (double)width / MS_SIZE_HISTOGRAM_N_BUCKETS;
  /* a line saying what the bars are, then room for a value above the highest bar */
  double half = (height - BOTTOM_LABELS_HEIGHT - 3 * TOP_LABEL_HEIGHT) / 2.0;
  double zero = 2 * TOP_LABEL_HEIGHT + half;
  guint64 max = 0;

  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    max = MAX (max, (guint64)ABS (self->bytes_delta[i]));

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
  pango_layout_set_text (self->layout,
                         _("Change from the baseline profile: grown in red, shrunk in blue"), -1);
  cairo_move_to (cr, 4, 0);
  pango_cairo_show_layout (cr, self->layout);

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, zero + 0.5);
  cairo_line_to (cr, width, zero + 0.5);
  cairo_stroke (cr);

  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      gint64 delta = self->bytes_delta[i];
      double h = max ? (double)ABS (delta) / max * half : 0;
      double x = i * bar_width, cx = x + bar_width / 2;
      guint64 upper = 0;
      g_autofree char *bound = NULL;
      g_autofree char *count = format_count_delta (self->count_delta[i]);

      ms_size_histogram_get_bucket (self->after, i, &upper, NULL, NULL);
      bound = format_bound (i, upper);
      if (h > 0 && h < 2)
        h = 2;
      gdk_cairo_set_source_rgba (cr, delta >= 0 ? &grown : &shrunk);
      cairo_rectangle (cr, x + BAR_GAP / 2.0, delta >= 0 ? zero - h : zero,
                       bar_width - BAR_GAP, h);
      cairo_fill (cr);

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.9);
      if (delta != 0)
        {
          g_autofree char *value = format_delta_short (delta);

          draw_centered (self, cr, value, cx, delta > 0 ? zero - h - 18 : zero + h + 2);
        }
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
      draw_centered (self, cr, bound, cx, height - BOTTOM_LABELS_HEIGHT + 4);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.5);
      draw_centered (self, cr, count, cx, height - BOTTOM_LABELS_HEIGHT + 20);
    }
}

static void
ms_histogram_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  MsHistogramView *self = MS_HISTOGRAM_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint64 bytes[MS_SIZE_HISTOGRAM_N_BUCKETS];
  guint64 max = 0;
  double bar_width, plot_height;
  GdkRGBA fg;
  GdkRGBA bar = { 0.21f, 0.52f, 0.89f, 1.0f };
  cairo_t *cr;

  if (width < 100 || height < 100)
    return;
  if (self->after != NULL)
    {
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      snapshot_diff (self, cr, width, height, &fg);
      cairo_destroy (cr);
      return;
    }
  if (self->histogram == NULL)
    return;

  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      ms_size_histogram_get_bucket (self->histogram, i, NULL, NULL, &bytes[i]);
      max = MAX (max, bytes[i]);
    }

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  bar_width = (double)width / MS_SIZE_HISTOGRAM_N_BUCKETS;
  plot_height = height - BOTTOM_LABELS_HEIGHT - TOP_LABEL_HEIGHT;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      guint64 upper = 0;
      guint64 n_samples = ms_size_histogram_get_bucket (self->histogram, i, &upper, NULL, NULL);
      double h = max ? (double)bytes[i] / max * plot_height : 0;
      double x = i * bar_width;
      double cx = x + bar_width / 2;
      g_autofree char *bound = format_bound (i, upper);

      if (h > 0 && h < 2)
        h = 2;
      gdk_cairo_set_source_rgba (cr, &bar);
      cairo_rectangle (cr, x + BAR_GAP / 2.0, TOP_LABEL_HEIGHT + plot_height - h,
                       bar_width - BAR_GAP, h);
      cairo_fill (cr);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
      if (bytes[i] > 0)
        {
          g_autofree char *value = format_bytes_short (bytes[i]);

          draw_centered (self, cr, value, cx, TOP_LABEL_HEIGHT + plot_height - h - 18);
        }

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      draw_centered (self, cr, bound, cx, TOP_LABEL_HEIGHT + plot_height + 4);
      {
        g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n_samples);

        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.5);
        draw_centered (self, cr, count, cx, TOP_LABEL_HEIGHT + plot_height + 20);
      }
    }

  cairo_destroy (cr);
}

static void
ms_histogram_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MS_SIZE_HISTOGRAM_N_BUCKETS * 40;
      *natural = MS_SIZE_HISTOGRAM_N_BUCKETS * 64;
    }
  else
    {
      *minimum = 200;
      *natural = 320;
    }
}

static void
ms_histogram_view_dispose (GObject *object)
{
  MsHistogramView *self = MS_HISTOGRAM_VIEW (object);

  g_clear_object (&self->histogram);
  g_clear_object (&self->before);
  g_clear_object (&self->after);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (ms_histogram_view_parent_class)->dispose (object);
}

static void
ms_histogram_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MsHistogramView *self = MS_HISTOGRAM_VIEW (object);

  switch (prop_id)
    {
    case PROP_HISTOGRAM:
      g_value_set_object (value, self->histogram);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_histogram_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MsHistogramView *self = MS_HISTOGRAM_VIEW (object);

  switch (prop_id)
    {
    case PROP_HISTOGRAM:
      ms_histogram_view_set_histogram (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_histogram_view_class_init (MsHistogramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_histogram_view_dispose;
  object_class->get_property = ms_histogram_view_get_property;
  object_class->set_property = ms_histogram_view_set_property;

  widget_class->snapshot = ms_histogram_view_snapshot;
  widget_class->measure = ms_histogram_view_measure;

  properties[PROP_HISTOGRAM] =
    g_param_spec_object ("histogram", NULL, NULL, MS_TYPE_SIZE_HISTOGRAM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "histogramview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ms_histogram_view_init (MsHistogramView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Allocations by size class"),
                                  -1);
  self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
}

GtkWidget *
ms_histogram_view_new (void)
{
  return g_object_new (MS_TYPE_HISTOGRAM_VIEW, NULL);
}

MsSizeHistogram *
ms_histogram_view_get_histogram (MsHistogramView *self)
{
  g_return_val_if_fail (MS_IS_HISTOGRAM_VIEW (self), NULL);

  return self->histogram;
}

static void update_description (MsHistogramView *self);

void
ms_histogram_view_set_histogram (MsHistogramView *self,
                                 MsSizeHistogram *histogram)
{
  g_return_if_fail (MS_IS_HISTOGRAM_VIEW (self));

  if (self->after != NULL)
    ms_histogram_view_set_diff (self, NULL, NULL);
  if (!g_set_object (&self->histogram, histogram))
    return;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTOGRAM]);
}

static gint64
clamped_delta (guint64 before,
               guint64 after)
{
  if (after >= before)
    return (gint64)MIN (after - before, (guint64)G_MAXINT64);
  return -(gint64)MIN (before - after, (guint64)G_MAXINT64);
}

/* The plain histogram's values for screen readers: each size class that holds samples,
 * with its count and bytes, as the bars show them. */
static char *
describe_histogram (MsSizeHistogram *histogram)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; histogram != NULL && i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      guint64 upper = 0, bytes = 0;
      guint64 n = ms_size_histogram_get_bucket (histogram, i, &upper, NULL, &bytes);
      g_autofree char *bound = NULL;
      g_autofree char *size = NULL;

      if (n == 0)
        continue;
      bound = format_bound (i, upper);
      size = format_bytes_short (bytes);
      if (text->len > 0)
        g_string_append (text, "; ");
      /* Translators: a size class of the histogram, e.g. "64 KiB: 12 samples, 1.5 MiB" */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s: %lu sample, %s",
                                                 "%s: %lu samples, %s", n),
                              bound, (gulong) n, size);
    }
  if (histogram != NULL && text->len == 0)
    g_string_append (text, _("No allocation was sampled"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_diff (MsHistogramView *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      guint64 upper = 0;
      g_autofree char *bound = NULL;
      g_autofree char *bytes = format_delta_short (self->bytes_delta[i]);
      g_autofree char *count = format_count_delta (self->count_delta[i]);

      if (self->bytes_delta[i] == 0 && self->count_delta[i] == 0)
        continue;
      ms_size_histogram_get_bucket (self->after, i, &upper, NULL, NULL);
      bound = format_bound (i, upper);
      if (text->len > 0)
        g_string_append (text, "; ");
      /* Translators: a size class of the histogram's difference, e.g.
       * "64 KiB: +1.5 MiB, +12 samples" */
      g_string_append_printf (text, _("%s: %s, %s samples"), bound, bytes, count);
    }
  if (text->len == 0)
    g_string_append (text, _("No size class changed"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What the view shows, as its accessible description (like the counters chart's). */
static void
update_description (MsHistogramView *self)
{
  g_autofree char *text = self->after != NULL ? describe_diff (self)
                                              : describe_histogram (self->histogram);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

void
ms_histogram_view_set_diff (MsHistogramView *self,
                            MsSizeHistogram *before,
                            MsSizeHistogram *after)
{
  g_return_if_fail (MS_IS_HISTOGRAM_VIEW (self));
  g_return_if_fail ((before == NULL) == (after == NULL));

  g_set_object (&self->before, before);
  g_set_object (&self->after, after);
  for (guint i = 0; after != NULL && i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      guint64 bytes_a = 0, bytes_b = 0;
      guint64 count_a = ms_size_histogram_get_bucket (before, i, NULL, NULL, &bytes_a);
      guint64 count_b = ms_size_histogram_get_bucket (after, i, NULL, NULL, &bytes_b);

      self->count_delta[i] = clamped_delta (count_a, count_b);
      self->bytes_delta[i] = clamped_delta (bytes_a, bytes_b);
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
ms_histogram_view_get_diff_mode (MsHistogramView *self)
{
  g_return_val_if_fail (MS_IS_HISTOGRAM_VIEW (self), FALSE);

  return self->after != NULL;
}

gboolean
ms_histogram_view_get_diff_bucket (MsHistogramView *self,
                                   guint            index,
                                   gint64          *count_delta,
                                   gint64          *bytes_delta)
{
  g_return_val_if_fail (MS_IS_HISTOGRAM_VIEW (self), FALSE);
  g_return_val_if_fail (index < MS_SIZE_HISTOGRAM_N_BUCKETS, FALSE);

  if (self->after == NULL)
    return FALSE;
  if (count_delta != NULL)
    *count_delta = self->count_delta[index];
  if (bytes_delta != NULL)
    *bytes_delta = self->bytes_delta[index];
  return TRUE;
}
