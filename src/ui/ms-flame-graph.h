/* ms-flame-graph.h: a flame tree drawn as nested rectangles, with zoom, search and
 * keyboard focus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-flame-tree.h"

G_BEGIN_DECLS

#define MS_TYPE_FLAME_GRAPH (ms_flame_graph_get_type ())

G_DECLARE_FINAL_TYPE (MsFlameGraph, ms_flame_graph, MS, FLAME_GRAPH, GtkWidget)

/* Value for "no node" in hit-tests, zoom, focus and hover. */
#define MS_FLAME_GRAPH_NO_NODE G_MAXUINT

GtkWidget   *ms_flame_graph_new              (void);
MsFlameTree *ms_flame_graph_get_tree         (MsFlameGraph *self);
/* Replaces the tree; zoom, its history and the focus follow their label paths into it
 * when they can, the search text is kept. From or to no tree, all start over. */
void         ms_flame_graph_set_tree         (MsFlameGraph *self,
                                              MsFlameTree  *tree);
/* The node drawn under (@x, @y) in widget coordinates, or MS_FLAME_GRAPH_NO_NODE. */
guint        ms_flame_graph_get_node_at      (MsFlameGraph *self,
                                              double        x,
                                              double        y);
char        *ms_flame_graph_dup_node_text    (MsFlameGraph *self,
                                              guint         node);
char        *ms_flame_graph_dup_stack_text   (MsFlameGraph *self,
                                              guint         node);

/* The node filling the width (0, the root, when not zoomed). */
guint        ms_flame_graph_get_zoom_node    (MsFlameGraph *self);
void         ms_flame_graph_zoom_to_node     (MsFlameGraph *self,
                                              guint         node);
void         ms_flame_graph_reset_zoom       (MsFlameGraph *self);
gboolean     ms_flame_graph_go_back          (MsFlameGraph *self);
gboolean     ms_flame_graph_go_forward       (MsFlameGraph *self);
gboolean     ms_flame_graph_can_go_back      (MsFlameGraph *self);
gboolean     ms_flame_graph_can_go_forward   (MsFlameGraph *self);

guint        ms_flame_graph_get_focus_node   (MsFlameGraph *self);
void         ms_flame_graph_set_focus_node   (MsFlameGraph *self,
                                              guint         node);
gboolean     ms_flame_graph_move_focus       (MsFlameGraph *self,
                                              GtkDirectionType direction);

MsFlameValue ms_flame_graph_get_value        (MsFlameGraph *self);
void         ms_flame_graph_set_value        (MsFlameGraph *self,
                                              MsFlameValue  value);

const char  *ms_flame_graph_get_search_text  (MsFlameGraph *self);
/* Case-insensitive substring of the labels; NULL or "" clears the search. */
void         ms_flame_graph_set_search_text  (MsFlameGraph *self,
                                              const char   *text);
guint        ms_flame_graph_get_n_matches    (MsFlameGraph *self);
void         ms_flame_graph_get_match_totals (MsFlameGraph *self,
                                              guint64      *bytes,
                                              guint64      *samples);
guint        ms_flame_graph_get_current_match (MsFlameGraph *self);
guint        ms_flame_graph_go_to_match      (MsFlameGraph *self,
                                              gboolean      forward);

void         ms_flame_graph_set_deltas       (MsFlameGraph *self,
                                              const double *deltas,
                                              guint         n_deltas);
double       ms_flame_graph_get_delta        (MsFlameGraph *self,
                                              guint         node);
/* One per node of the tree, or NULL when no baseline is set. */
const double *ms_flame_graph_get_deltas      (MsFlameGraph *self);

void         ms_flame_graph_set_context_menu (MsFlameGraph *self,
                                              GMenuModel   *model);
GtkPopover  *ms_flame_graph_get_context_menu (MsFlameGraph *self);
guint        ms_flame_graph_get_row_height   (MsFlameGraph *self);

G_END_DECLS
