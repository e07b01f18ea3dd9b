/* ms-diff-flame-graph.h: the difference of two profiles as a flame graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-profile-diff.h"

G_BEGIN_DECLS

#define MS_TYPE_DIFF_FLAME_GRAPH (ms_diff_flame_graph_get_type ())

G_DECLARE_FINAL_TYPE (MsDiffFlameGraph, ms_diff_flame_graph, MS, DIFF_FLAME_GRAPH, GtkWidget)

#define MS_DIFF_FLAME_GRAPH_NO_NODE G_MAXUINT

GtkWidget     *ms_diff_flame_graph_new            (void);
MsProfileDiff *ms_diff_flame_graph_get_diff       (MsDiffFlameGraph *self);
/* Widths are the second profile's (as flamegraph.pl's difffolded draws them); a path
 * that grew is red, one that shrank blue, the deeper the colour the larger the change. */
void           ms_diff_flame_graph_set_diff       (MsDiffFlameGraph *self,
                                                   MsProfileDiff    *diff);
guint          ms_diff_flame_graph_get_row_height (MsDiffFlameGraph *self);
/* The node drawn under (@x, @y), or MS_DIFF_FLAME_GRAPH_NO_NODE. */
guint          ms_diff_flame_graph_get_node_at    (MsDiffFlameGraph *self,
                                                   double            x,
                                                   double            y);
/* What a node is, for its tooltip and assistive technologies:
 * "frame: +1.2 MiB (from 100 KiB to 1.3 MiB)". */
char          *ms_diff_flame_graph_dup_node_text  (MsDiffFlameGraph *self,
                                                   guint             node);

G_END_DECLS
