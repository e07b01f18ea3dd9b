/* ms-profile-diff.h: per-path differences between two profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ms-flame-tree.h"

G_BEGIN_DECLS

#define MS_TYPE_PROFILE_DIFF (ms_profile_diff_get_type ())

G_DECLARE_FINAL_TYPE (MsProfileDiff, ms_profile_diff, MS, PROFILE_DIFF, GObject)

/**
 * MsDiffNode:
 * @parent: index of the parent, %G_MAXUINT for the root
 * @depth: 0 for the root
 * @label: index for ms_profile_diff_get_label()
 * @n_children: number of children, which follow in order of @b_total descending
 * @subtree_end: one past the node's last descendant
 * @a_self: value ending at this path in profile A (scaled when normalised)
 * @a_total: value passing through this path in A (scaled when normalised)
 * @b_self: value ending at this path in B
 * @b_total: value passing through this path in B
 * @delta_self: @b_self − @a_self
 * @delta_total: @b_total − @a_total
 * @start: left edge in units of B's value (flame graphs of a diff are drawn
 *   with B's widths, like flamegraph.pl's difffolded output)
 *
 * A path that exists in only one profile has 0 for the other.
 */
typedef struct
{
  guint  parent;
  guint  depth;
  guint  label;
  guint  n_children;
  guint  subtree_end;
  double a_self;
  double a_total;
  double b_self;
  double b_total;
  double delta_self;
  double delta_total;
  double start;
} MsDiffNode;

MsProfileDiff    *ms_profile_diff_new         (MsProfile                *a,
                                               MsProfile                *b,
                                               const MsFlameTreeOptions *options,
                                               MsFlameValue              value,
                                               gboolean                  normalize);
guint             ms_profile_diff_get_n_nodes (MsProfileDiff            *self);
const MsDiffNode *ms_profile_diff_get_nodes   (MsProfileDiff            *self,
                                               guint                    *n_nodes);
const char       *ms_profile_diff_get_label   (MsProfileDiff            *self,
                                               guint                     label);
guint             ms_profile_diff_find_path   (MsProfileDiff            *self,
                                               const char * const       *labels);
guint             ms_profile_diff_get_max_depth (MsProfileDiff          *self);
gboolean          ms_profile_diff_get_normalized (MsProfileDiff         *self);

G_END_DECLS
