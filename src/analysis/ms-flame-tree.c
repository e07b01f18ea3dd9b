/* ms-flame-tree.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <string.h>

#include "ms-flame-tree.h"
#include "ms-profile-private.h"

/**
 * MsFlameTree:
 *
 * The samples of an #MsProfile merged by path into a tree: the root is the
 * whole profile (label "all"), each node a label on the path. The nodes live in
 * one flat array so a flame graph can lay them out and hit-test them without
 * chasing pointers. A tree is immutable once built.
 */
struct _MsFlameTree
{
  GObject      parent_instance;

  MsProfile   *profile;
  MsFlameDirection direction;
  GArray      *nodes;    /* MsFlameNode */
  GPtrArray   *labels;   /* char* */
  guint        max_depth;
  gboolean     focused;
  /* what it was built with, for ms_flame_tree_was_built_with() */
  MsLabelMode  label_mode;
  gboolean     collapse_recursion;
  char        *focus;
  char        *hide_pattern;
};

G_DEFINE_FINAL_TYPE (MsFlameTree, ms_flame_tree, G_TYPE_OBJECT)

typedef struct
{
  guint   parent;
  guint   label;
  guint   first_child;
  guint   next_sibling;
  guint   n_children;
  guint64 self_bytes, total_bytes;
  guint64 self_size, total_size;
  guint64 self_samples, total_samples;
} TrieNode;

#define NONE G_MAXUINT

/* (parent << 32 | label) keys: g_int64_hash would fold them to parent ^ label,
 * which collides all the time in a tree. */
static guint
edge_hash (gconstpointer key)
{
  guint64 v = *(const guint64 *)key * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  return (guint)(v >> 32) ^ (guint)v;
}


static void
ms_flame_tree_finalize (GObject *object)
{
  MsFlameTree *self = (MsFlameTree *)object;

  g_clear_object (&self->profile);
  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->focus, g_free);
  g_clear_pointer (&self->hide_pattern, g_free);

  G_OBJECT_CLASS (ms_flame_tree_parent_class)->finalize (object);
}

static void
ms_flame_tree_class_init (MsFlameTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ms_flame_tree_finalize;
}

static void
ms_flame_tree_init (MsFlameTree *self)
{
  self->nodes = g_array_new (FALSE, TRUE, sizeof (MsFlameNode));
  self->labels = g_ptr_array_new_with_free_func (g_free);
}

/**
 * ms_flame_tree_options_init:
 *
 * Top-down, symbol labels, no recursion collapsing, no focus, nothing hidden.
 */
void
ms_flame_tree_options_init (MsFlameTreeOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->direction = MS_FLAME_DIRECTION_TOP_DOWN;
  options->label_mode = MS_LABEL_MODE_SYMBOL;
}

static guint64
sat_add (guint64 a,
         guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static guint
intern_label (MsFlameTree *self,
              GHashTable  *ids,
              char        *label)
{
  gpointer value;

  if (g_hash_table_lookup_extended (ids, label, NULL, &value))
    {
      g_free (label);
      return GPOINTER_TO_UINT (value);
    }

  g_ptr_array_add (self->labels, label);
  g_hash_table_insert (ids, label, GUINT_TO_POINTER (self->labels->len - 1));

  return self->labels->len - 1;
}

typedef struct
{
  GArray    *trie;
  GPtrArray *labels;
} SortContext;

static int
compare_children (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const SortContext *ctx = user_data;
  const TrieNode *na = &g_array_index (ctx->trie, TrieNode, *(const guint *)a);
  const TrieNode *nb = &g_array_index (ctx->trie, TrieNode, *(const guint *)b);

  if (na->total_bytes != nb->total_bytes)
    return na->total_bytes > nb->total_bytes ? -1 : 1;

  return strcmp (g_ptr_array_index (ctx->labels, na->label),
                 g_ptr_array_index (ctx->labels, nb->label));
}

static guint
trie_child (GArray     *trie,
            GHashTable *edges,
            guint       parent,
            guint       label)
{
  guint64 key = ((guint64)parent << 32) | label;
  gpointer value;
  TrieNode child = { 0, };
  TrieNode *p;

  if (g_hash_table_lookup_extended (edges, &key, NULL, &value))
    return GPOINTER_TO_UINT (value);

  child.parent = parent;
  child.label = label;
  child.first_child = NONE;
  p = &g_array_index (trie, TrieNode, parent);
  child.next_sibling = p->first_child;
  p->first_child = trie->len;
  p->n_children++;
  g_array_append_val (trie, child);

  g_hash_table_insert (edges, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (trie->len - 1));

  return trie->len - 1;
}

/* Emits the trie depth first with children in left-heavy order. */
static void
flatten (MsFlameTree *self,
         GArray      *trie)
{
  SortContext ctx = { trie, self->labels };
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint));   /* trie indices */
  g_autoptr(GArray) out_parent = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) children = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint *emitted = g_new (guint, trie->len);
  guint root = 0;
  guint none = NONE;

  g_array_append_val (todo, root);
  g_array_append_val (out_parent, none);

  while (todo->len > 0)
    {
      guint t = g_array_index (todo, guint, todo->len - 1);
      guint parent = g_array_index (out_parent, guint, out_parent->len - 1);
      const TrieNode *tn = &g_array_index (trie, TrieNode, t);
      MsFlameNode node = { 0, };
      guint index = self->nodes->len;

      g_array_set_size (todo, todo->len - 1);
      g_array_set_size (out_parent, out_parent->len - 1);

      node.parent = parent;
      node.depth = parent == NONE ? 0 : g_array_index (self->nodes, MsFlameNode, parent).depth + 1;
      node.label = tn->label;
      node.n_children = tn->n_children;
      node.self_bytes = tn->self_bytes;
      node.total_bytes = tn->total_bytes;
      node.self_size = tn->self_size;
      node.total_size = tn->total_size;
      node.self_samples = tn->self_samples;
      node.total_samples = tn->total_samples;
      g_array_append_val (self->nodes, node);
      emitted[t] = index;
      self->max_depth = MAX (self->max_depth, node.depth);

      g_array_set_size (children, 0);
      for (guint c = tn->first_child; c != NONE; c = g_array_index (trie, TrieNode, c).next_sibling)
        g_array_append_val (children, c);
      g_qsort_with_data (children->data, children->len, sizeof (guint), compare_children, &ctx);

      /* push in reverse so the heaviest child is emitted first */
      for (guint i = children->len; i > 0; i--)
        {
          g_array_append_val (todo, g_array_index (children, guint, i - 1));
          g_array_append_val (out_parent, index);
        }
    }

  /* subtree ends and left edges, children after their parents */
  for (guint i = self->nodes->len; i > 0; i--)
    {
      MsFlameNode *node = &g_array_index (self->nodes, MsFlameNode, i - 1);

      if (node->subtree_end == 0)
        node->subtree_end = i;
      if (node->parent != NONE)
        {
          MsFlameNode *parent = &g_array_index (self->nodes, MsFlameNode, node->parent);

          parent->subtree_end = MAX (parent->subtree_end, node->subtree_end);
        }
    }

  for (guint i = 0; i < self->nodes->len; i++)
    {
      MsFlameNode *node = &g_array_index (self->nodes, MsFlameNode, i);
      guint64 x = node->start_bytes;

      for (guint c = i + 1; c < node->subtree_end; c = g_array_index (self->nodes, MsFlameNode, c).subtree_end)
        {
          MsFlameNode *child = &g_array_index (self->nodes, MsFlameNode, c);

          child->start_bytes = x;
          x = sat_add (x, child->total_bytes);
        }
    }
}

/**
 * ms_flame_tree_new:
 * @profile: a #MsProfile
 * @options: (nullable): how to build the tree, %NULL for the defaults of
 *   ms_flame_tree_options_init()
 *
 * Builds the tree. Labels are taken from the profile now: symbols set later
 * need a new tree. Cost is linear in the number of distinct stacks times their
 * depth, not in the number of samples.
 *
 * Returns: (transfer full): a new #MsFlameTree
 */
MsFlameTree *
ms_flame_tree_new (MsProfile                *profile,
                   const MsFlameTreeOptions *options)
{
  g_autoptr(MsFlameTree) self = NULL;
  g_autoptr(GHashTable) label_ids = NULL;
  g_autoptr(GHashTable) edges = NULL;
  g_autoptr(GArray) trie = NULL;
  g_autoptr(GArray) path = NULL;
  g_autofree guint *frame_label = NULL;
  g_autofree guint64 *stack_weights = NULL;
  MsFlameTreeOptions defaults;
  TrieNode root = { 0, };
  guint n_frames, n_stacks, n_samples;
  guint focus_label = NONE;
  guint hidden = NONE - 1;

  g_return_val_if_fail (MS_IS_PROFILE (profile), NULL);

  if (options == NULL)
    {
      ms_flame_tree_options_init (&defaults);
      options = &defaults;
    }

  self = g_object_new (MS_TYPE_FLAME_TREE, NULL);
  self->profile = g_object_ref (profile);
  self->direction = options->direction;
  self->focused = options->focus != NULL;
  self->label_mode = options->label_mode;
  self->collapse_recursion = !!options->collapse_recursion;
  self->focus = g_strdup (options->focus);
  self->hide_pattern = options->hide ? g_strdup (g_regex_get_pattern (options->hide)) : NULL;

  label_ids = g_hash_table_new (g_str_hash, g_str_equal);
  intern_label (self, label_ids, g_strdup ("all"));

  n_frames = ms_profile_get_n_frames (profile);
  frame_label = g_new (guint, MAX (n_frames, 1));
  for (guint f = 0; f < n_frames; f++)
    {
      char *label = ms_profile_dup_frame_label (profile, f, options->label_mode);

      if (options->hide != NULL && g_regex_match (options->hide, label, 0, NULL))
        {
          frame_label[f] = hidden;
          g_free (label);
        }
      else
        frame_label[f] = intern_label (self, label_ids, label);
    }

  if (options->focus != NULL)
    {
      gpointer value;

      if (g_hash_table_lookup_extended (label_ids, options->focus, NULL, &value))
        focus_label = GPOINTER_TO_UINT (value);
    }

  /* weights per distinct stack: bytes, size, samples */
  n_stacks = ms_profile_get_n_stacks (profile);
  n_samples = ms_profile_get_n_samples (profile);
  stack_weights = g_new0 (guint64, 3 * (gsize)MAX (n_stacks, 1));
  for (guint i = 0; i < n_samples; i++)
    {
      guint64 size, total;
      guint stack;

      ms_profile_get_sample (profile, i, &size, &total, NULL);
      stack = ms_profile_get_sample_stack (profile, i);
      stack_weights[3 * stack] = sat_add (stack_weights[3 * stack], total);
      stack_weights[3 * stack + 1] = sat_add (stack_weights[3 * stack + 1], size);
      stack_weights[3 * stack + 2]++;
    }

  trie = g_array_new (FALSE, FALSE, sizeof (TrieNode));
  root.parent = NONE;
  root.label = options->focus != NULL ? intern_label (self, label_ids, g_strdup (options->focus)) : 0;
  root.first_child = NONE;
  root.next_sibling = NONE;
  g_array_append_val (trie, root);
  edges = g_hash_table_new_full (edge_hash, g_int64_equal, g_free, NULL);
  path = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint s = 0; s < n_stacks; s++)
    {
      const guint64 *w = &stack_weights[3 * s];
      const guint32 *frames;
      const guint *labels;
      guint n, n_path, start = 0;
      guint node = 0;

      if (w[2] == 0)
        continue;

      frames = ms_profile_get_stack (profile, s, &n);
      g_array_set_size (path, 0);
      for (guint i = 0; i < n; i++)
        {
          /* stacks are leaf first; top-down paths are root first */
          guint frame = frames[options->direction == MS_FLAME_DIRECTION_TOP_DOWN ? n - 1 - i : i];
          guint label = frame_label[frame];

          if (label == hidden)
            continue;
          if (options->collapse_recursion && path->len > 0
              && g_array_index (path, guint, path->len - 1) == label)
            continue;
          g_array_append_val (path, label);
        }

      n_path = path->len;
      labels = (const guint *)(gpointer)path->data;

      if (options->focus != NULL)
        {
          if (focus_label == NONE)
            continue;
          for (start = 0; start < n_path && labels[start] != focus_label; start++)
            ;
          if (start == n_path)
            continue;
        }

      /* when focusing, the root is the focused label itself */
      for (guint i = options->focus != NULL ? start + 1 : 0; i < n_path; i++)
        node = trie_child (trie, edges, node, labels[i]);

      /* add the weights along the path, and as self at its end */
      for (guint t = node; ; t = g_array_index (trie, TrieNode, t).parent)
        {
          TrieNode *tn = &g_array_index (trie, TrieNode, t);

          tn->total_bytes = sat_add (tn->total_bytes, w[0]);
          tn->total_size = sat_add (tn->total_size, w[1]);
          tn->total_samples += w[2];
          if (t == node)
            {
              tn->self_bytes = sat_add (tn->self_bytes, w[0]);
              tn->self_size = sat_add (tn->self_size, w[1]);
              tn->self_samples += w[2];
            }
          if (tn->parent == NONE)
            break;
        }
    }

  flatten (self, trie);

  return g_steal_pointer (&self);
}

MsProfile *
ms_flame_tree_get_profile (MsFlameTree *self)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), NULL);

  return self->profile;
}

MsFlameDirection
ms_flame_tree_get_direction (MsFlameTree *self)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), MS_FLAME_DIRECTION_TOP_DOWN);

  return self->direction;
}

/**
 * ms_flame_tree_get_n_nodes:
 *
 * Returns: the number of nodes, at least 1 (the root)
 */
guint
ms_flame_tree_get_n_nodes (MsFlameTree *self)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), 0);

  return self->nodes->len;
}

/**
 * ms_flame_tree_get_nodes:
 * @n_nodes: (out) (optional): the number of nodes
 *
 * Returns: (transfer none) (array length=n_nodes): all nodes, the root first
 */
const MsFlameNode *
ms_flame_tree_get_nodes (MsFlameTree *self,
                         guint       *n_nodes)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), NULL);

  if (n_nodes != NULL)
    *n_nodes = self->nodes->len;

  return (const MsFlameNode *)(gpointer)self->nodes->data;
}

const MsFlameNode *
ms_flame_tree_get_node (MsFlameTree *self,
                        guint        index)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), NULL);
  g_return_val_if_fail (index < self->nodes->len, NULL);

  return &g_array_index (self->nodes, MsFlameNode, index);
}

/**
 * ms_flame_tree_get_label:
 * @label: a node's #MsFlameNode.label
 *
 * Returns: (transfer none): the label's text; label 0 is the root's "all"
 *   (or the focused label)
 */
const char *
ms_flame_tree_get_label (MsFlameTree *self,
                         guint        label)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), NULL);
  g_return_val_if_fail (label < self->labels->len, NULL);

  return g_ptr_array_index (self->labels, label);
}

const char *
ms_flame_tree_get_node_label (MsFlameTree *self,
                              guint        index)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), NULL);
  g_return_val_if_fail (index < self->nodes->len, NULL);

  return g_ptr_array_index (self->labels, g_array_index (self->nodes, MsFlameNode, index).label);
}

/**
 * ms_flame_tree_get_max_depth:
 *
 * Returns: the depth of the deepest node (0 when there is only the root)
 */
guint
ms_flame_tree_get_max_depth (MsFlameTree *self)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), 0);

  return self->max_depth;
}

guint64
ms_flame_node_get_self (const MsFlameNode *node,
                        MsFlameValue       value)
{
  switch (value)
    {
    case MS_FLAME_VALUE_SAMPLES: return node->self_samples;
    case MS_FLAME_VALUE_SIZE_BYTES: return node->self_size;
    case MS_FLAME_VALUE_TOTAL_BYTES:
    default: return node->self_bytes;
    }
}

guint64
ms_flame_node_get_total (const MsFlameNode *node,
                         MsFlameValue       value)
{
  switch (value)
    {
    case MS_FLAME_VALUE_SAMPLES: return node->total_samples;
    case MS_FLAME_VALUE_SIZE_BYTES: return node->total_size;
    case MS_FLAME_VALUE_TOTAL_BYTES:
    default: return node->total_bytes;
    }
}

/**
 * ms_flame_tree_is_focused:
 *
 * Returns: whether the tree was built with a focus, so that its root is the
 *   focused frame rather than the whole profile ("all")
 */
gboolean
ms_flame_tree_is_focused (MsFlameTree *self)
{
  g_return_val_if_fail (MS_IS_FLAME_TREE (self), FALSE);

  return self->focused;
}

/**
 * ms_flame_tree_was_built_with:
 * @options: (nullable): options as for ms_flame_tree_new()
 *
 * Whether a tree built from the same profile with @options would be this one:
 * same direction, labels, recursion collapsing, focus and hidden pattern. A
 * view that receives a tree built elsewhere can keep it, or build its own.
 *
 * Returns: %TRUE when the options match those the tree was built with
 */
gboolean
ms_flame_tree_was_built_with (MsFlameTree              *self,
                              const MsFlameTreeOptions *options)
{
  MsFlameTreeOptions defaults;

  g_return_val_if_fail (MS_IS_FLAME_TREE (self), FALSE);

  if (options == NULL)
    {
      ms_flame_tree_options_init (&defaults);
      options = &defaults;
    }

  return self->direction == options->direction
         && self->label_mode == options->label_mode
         && self->collapse_recursion == !!options->collapse_recursion
         && g_strcmp0 (self->focus, options->focus) == 0
         && g_strcmp0 (self->hide_pattern, options->hide ? g_regex_get_pattern (options->hide) : NULL) == 0;
}
