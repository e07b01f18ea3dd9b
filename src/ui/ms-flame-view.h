/* ms-flame-view.h: the flame graph with its breadcrumb, search, metric, labels and
 * frame actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-flame-graph.h"
#include "ms-flame-tree.h"

G_BEGIN_DECLS

#define MS_TYPE_FLAME_VIEW (ms_flame_view_get_type ())

G_DECLARE_FINAL_TYPE (MsFlameView, ms_flame_view, MS, FLAME_VIEW, GtkWidget)

GtkWidget        *ms_flame_view_new               (void);
MsFlameGraph     *ms_flame_view_get_graph         (MsFlameView      *self);

/* The profile shown; its tree is built off the main thread with the view's options. */
MsProfile        *ms_flame_view_get_profile       (MsFlameView      *self);
void              ms_flame_view_set_profile       (MsFlameView      *self,
                                                   MsProfile        *profile);
void              ms_flame_view_set_diff          (MsFlameView      *self,
                                                   MsProfile        *baseline,
                                                   MsProfile        *profile);
MsProfile        *ms_flame_view_get_baseline      (MsFlameView      *self);
/* A tree built elsewhere (off the main thread) from the profile to show: kept when
 * built with the view's options (ms_flame_view_dup_tree_options()), else rebuilt. */
void              ms_flame_view_set_tree          (MsFlameView      *self,
                                                   MsFlameTree      *tree);
/* The options the view builds its trees with; free focus and hide with
 * ms_flame_view_clear_tree_options(). */
void              ms_flame_view_dup_tree_options  (MsFlameView        *self,
                                                   MsFlameTreeOptions *options);
void              ms_flame_view_clear_tree_options (MsFlameTreeOptions *options);

MsFlameDirection  ms_flame_view_get_direction     (MsFlameView      *self);
void              ms_flame_view_set_direction     (MsFlameView      *self,
                                                   MsFlameDirection  direction);
MsLabelMode       ms_flame_view_get_label_mode    (MsFlameView      *self);
void              ms_flame_view_set_label_mode    (MsFlameView      *self,
                                                   MsLabelMode       mode);
MsFlameValue      ms_flame_view_get_value         (MsFlameView      *self);
void              ms_flame_view_set_value         (MsFlameView      *self,
                                                   MsFlameValue      value);

/* Frame actions, as the context menu runs them on the focused frame. */
void              ms_flame_view_focus_on_label    (MsFlameView      *self,
                                                   const char       *label);
void              ms_flame_view_hide_label        (MsFlameView      *self,
                                                   const char       *label);
void              ms_flame_view_reset             (MsFlameView      *self);

/* For tests and the window's shortcuts: the parts of the view. */
GtkWidget        *ms_flame_view_get_breadcrumb    (MsFlameView      *self);
GtkSearchEntry   *ms_flame_view_get_search_entry  (MsFlameView      *self);
GtkLabel         *ms_flame_view_get_match_label   (MsFlameView      *self);
GtkLabel         *ms_flame_view_get_status_label  (MsFlameView      *self);
GtkLabel         *ms_flame_view_get_profile_label (MsFlameView      *self);
GtkDropDown      *ms_flame_view_get_direction_dropdown (MsFlameView *self);

G_END_DECLS
