/* ms-flame-tree.h: a profile's stacks merged into a call tree, laid out flat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ms-profile.h"

G_BEGIN_DECLS

#define MS_TYPE_FLAME_TREE (ms_flame_tree_get_type ())

G_DECLARE_FINAL_TYPE (MsFlameTree, ms_flame_tree, MS, FLAME_TREE, GObject)

/**
 * MsFlameDirection:
 * @MS_FLAME_DIRECTION_TOP_DOWN: roots are the outermost callers (`main`),
 *   leaves the allocating functions
 * @MS_FLAME_DIRECTION_BOTTOM_UP: roots are the allocating frames, children
 *   their callers
 */
typedef enum
{
  MS_FLAME_DIRECTION_TOP_DOWN,
  MS_FLAME_DIRECTION_BOTTOM_UP,
} MsFlameDirection;

/**
 * MsFlameValue:
 * @MS_FLAME_VALUE_TOTAL_BYTES: the samples' `total`: estimated bytes allocated (the default)
 * @MS_FLAME_VALUE_SAMPLES: the number of samples
 * @MS_FLAME_VALUE_SIZE_BYTES: the samples' `size`: bytes of the sampled allocations themselves
 */
typedef enum
{
  MS_FLAME_VALUE_TOTAL_BYTES,
  MS_FLAME_VALUE_SAMPLES,
  MS_FLAME_VALUE_SIZE_BYTES,
} MsFlameValue;

/**
 * MsFlameTreeOptions:
 * @direction: top-down or bottom-up
 * @label_mode: how frames are named; frames with equal labels merge
 * @collapse_recursion: merge directly repeated labels (`a;b;b;b;c` becomes
 *   `a;b;c`), after hiding
 * @focus: (nullable): re-root on this label: only samples whose path holds it
 *   count, each from its first occurrence on (the outermost in top-down, the
 *   innermost in bottom-up), so every call site of the label is summed into one
 *   root and a recursive sample still counts once
 * @hide: (nullable): frames whose label matches are dropped from the paths
 *   (their weight goes to the neighbours that stay)
 *
 * Initialise with ms_flame_tree_options_init().
 */
typedef struct
{
  MsFlameDirection  direction;
  MsLabelMode       label_mode;
  gboolean          collapse_recursion;
  const char       *focus;
  GRegex           *hide;
} MsFlameTreeOptions;

/**
 * MsFlameNode:
 * @parent: index of the parent node, %G_MAXUINT for the root
 * @depth: 0 for the root
 * @label: index for ms_flame_tree_get_label()
 * @n_children: number of children; they follow the node in left-heavy order
 * @subtree_end: one past the node's last descendant: the next sibling's index
 * @self_bytes: `total` of the samples whose path ends here
 * @total_bytes: `total` of the samples whose path passes through here
 * @self_size: `size` of the samples whose path ends here
 * @total_size: `size` of the samples whose path passes through here
 * @self_samples: number of samples whose path ends here
 * @total_samples: number of samples whose path passes through here
 * @start_bytes: where the node starts, in bytes of `total`, from the root's left
 *   edge: a flame graph draws the node over [start_bytes, start_bytes + total_bytes)
 *
 * Nodes are stored depth first (pre-order), children sorted by @total_bytes
 * descending then label, which is the left-heavy order of a flame graph; a
 * node's subtree is the range [index, @subtree_end).
 */
typedef struct
{
  guint   parent;
  guint   depth;
  guint   label;
  guint   n_children;
  guint   subtree_end;
  guint64 self_bytes;
  guint64 total_bytes;
  guint64 self_size;
  guint64 total_size;
  guint64 self_samples;
  guint64 total_samples;
  guint64 start_bytes;
} MsFlameNode;

void               ms_flame_tree_options_init (MsFlameTreeOptions       *options);

MsFlameTree       *ms_flame_tree_new          (MsProfile                *profile,
                                               const MsFlameTreeOptions *options);
MsProfile         *ms_flame_tree_get_profile  (MsFlameTree              *self);
MsFlameDirection   ms_flame_tree_get_direction (MsFlameTree             *self);
guint              ms_flame_tree_get_n_nodes  (MsFlameTree              *self);
const MsFlameNode *ms_flame_tree_get_nodes    (MsFlameTree              *self,
                                               guint                    *n_nodes);
const MsFlameNode *ms_flame_tree_get_node     (MsFlameTree              *self,
                                               guint                     index);
const char        *ms_flame_tree_get_label    (MsFlameTree              *self,
                                               guint                     label);
const char        *ms_flame_tree_get_node_label (MsFlameTree            *self,
                                               guint                     index);
guint              ms_flame_tree_get_max_depth (MsFlameTree             *self);
gboolean           ms_flame_tree_is_focused   (MsFlameTree              *self);
gboolean           ms_flame_tree_was_built_with (MsFlameTree            *self,
                                               const MsFlameTreeOptions *options);
guint64            ms_flame_node_get_self     (const MsFlameNode        *node,
                                               MsFlameValue              value);
guint64            ms_flame_node_get_total    (const MsFlameNode        *node,
                                               MsFlameValue              value);

G_END_DECLS
