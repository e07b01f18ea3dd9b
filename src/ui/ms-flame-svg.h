/* ms-flame-svg.h: the flame graph as the window shows it, as SVG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-flame-tree.h"

G_BEGIN_DECLS

/* What the view shows of a tree (whose direction and frame labels it was built with). */
typedef struct
{
  guint         root;     /* the zoomed node, drawn as the root across the whole width */
  MsFlameValue  value;    /* what the widths measure */
  double       *deltas;   /* one per node of the tree against a baseline, or NULL */
} MsFlameSvgView;

void      ms_flame_svg_view_clear (MsFlameSvgView *view);

/* The zoomed subtree with the root at the top, as the window draws it: widths in
 * @view's value, the window's colours (red grew, blue shrank against a baseline).
 * Frames narrower than 0.1 pixel are left out. FALSE on a write error. */
gboolean  ms_flame_svg_write      (MsFlameTree          *tree,
                                   const MsFlameSvgView *view,
                                   const char           *title,
                                   guint                 width,
                                   GOutputStream        *stream,
                                   GCancellable         *cancellable,
                                   GError              **error);

G_END_DECLS
