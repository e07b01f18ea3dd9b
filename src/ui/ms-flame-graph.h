/* ms-flame-graph.h: a flame tree drawn as nested rectangles, with zoom and search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-flame-tree.h"

G_BEGIN_DECLS

#define MS_TYPE_FLAME_GRAPH (ms_flame_graph_get_type ())

G_DECLARE_FINAL_TYPE (MsFlameGraph, ms_flame_graph, MS, FLAME_GRAPH, GtkWidget)

/* Value for "no node" in hit-tests, zoom and hover. */
#define MS_FLAME_GRAPH_NO_NODE G_MAXUINT

GtkWidget   *ms_flame_graph_new             (void);
MsFlameTree *ms_flame_graph_get_tree        (MsFlameGraph *self);
/* Replaces the tree; zoom and hover are reset, the search text is kept. */
void         ms_flame_graph_set_tree        (MsFlameGraph *self,
                                             MsFlameTree  *tree);
/* The node drawn under (@x, @y) in widget coordinates, or MS_FLAME_GRAPH_NO_NODE. */
guint        ms_flame_graph_get_node_at     (MsFlameGraph *self,
                                             double        x,
                                             double        y);
/* The node filling the width (0, the root, when not zoomed). */
guint        ms_flame_graph_get_zoom_node   (MsFlameGraph *self);
void         ms_flame_graph_zoom_to_node    (MsFlameGraph *self,
                                             guint         node);
void         ms_flame_graph_reset_zoom      (MsFlameGraph *self);
const char  *ms_flame_graph_get_search_text (MsFlameGraph *self);
/* Case-insensitive substring of the labels; NULL or "" clears the search. */
void         ms_flame_graph_set_search_text (MsFlameGraph *self,
                                             const char   *text);
guint        ms_flame_graph_get_n_matches   (MsFlameGraph *self);
guint        ms_flame_graph_get_row_height  (MsFlameGraph *self);

G_END_DECLS
