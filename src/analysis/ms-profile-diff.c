/* ms-profile-diff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <string.h>

#include "ms-profile-diff.h"

/**
 * MsProfileDiff:
 *
 * Two profiles A (before) and B (after) built into flame trees with the same
 * options and merged by their root-first path of labels, so each node carries
 * both values and the delta B − A: what a differential flame graph shows.
 *
 * When normalised, A's values are scaled by total(B)/total(A) before
 * subtracting, so the deltas show a change of shape rather than of volume.
 */
struct _MsProfileDiff
{
  GObject     parent_instance;

  GArray     *nodes;      /* MsDiffNode */
  GPtrArray  *labels;
  GHashTable *label_ids;
  GHashTable *edges;      /* (parent << 32 | label) -> node, kept for find_path */
  guint       max_depth;
  gboolean    normalized;
};

G_DEFINE_FINAL_TYPE (MsProfileDiff, ms_profile_diff, G_TYPE_OBJECT)

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
ms_profile_diff_finalize (GObject *object)
{
  MsProfileDiff *self = (MsProfileDiff *)object;

  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->label_ids, g_hash_table_unref);
  g_clear_pointer (&self->edges, g_hash_table_unref);

  G_OBJECT_CLASS (ms_profile_diff_parent_class)->finalize (object);
}

static void
ms_profile_diff_class_init (MsProfileDiffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_profile_diff_finalize;
}

static void
ms_profile_diff_init (MsProfileDiff *self)
{
  self->nodes = g_array_new (FALSE, TRUE, sizeof (MsDiffNode));
  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->label_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->edges = g_hash_table_new_full (edge_hash, g_int64_equal, g_free, NULL);
}

static guint
intern_label (MsProfileDiff *self,
              const char    *label)
{
  gpointer value;
  char *copy;

  if (g_hash_table_lookup_extended (self->label_ids, label, NULL, &value))
    return GPOINTER_TO_UINT (value);

  copy = g_strdup (label);
  g_ptr_array_add (self->labels, copy);
  g_hash_table_insert (self->label_ids, copy, GUINT_TO_POINTER (self->labels->len - 1));

  return self->labels->len - 1;
}

typedef struct
{
  guint  parent;
  guint  label;
  GArray *children;   /* guint, NULL when none */
  double a_self, a_total, b_self, b_total;
} Temp;

static guint
child_of (MsProfileDiff *self,
          GArray        *temp,
          guint          parent,
          guint          label)
{
  guint64 key = ((guint64)parent << 32) | label;
  gpointer value;
  Temp t = { parent, label, NULL, 0, 0, 0, 0 };
  Temp *p;
  guint index;

  if (g_hash_table_lookup_extended (self->edges, &key, NULL, &value))
    return GPOINTER_TO_UINT (value);

  index = temp->len;
  g_array_append_val (temp, t);
  p = &g_array_index (temp, Temp, parent);
  if (p->children == NULL)
    p->children = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (p->children, index);
  g_hash_table_insert (self->edges, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (index));

  return index;
}

static void
merge_tree (MsProfileDiff *self,
            GArray        *temp,
            MsFlameTree   *tree,
            MsFlameValue   value,
            double         scale,
            gboolean       is_b)
{
  guint n;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n);
  g_autofree guint *map = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    {
      const MsFlameNode *node = &nodes[i];
      guint t = i == 0 ? 0 : child_of (self, temp, map[node->parent],
                                       intern_label (self, ms_flame_tree_get_label (tree, node->label)));
      Temp *tn = &g_array_index (temp, Temp, t);
      double self_value = (double)ms_flame_node_get_self (node, value) * scale;
      double total_value = (double)ms_flame_node_get_total (node, value) * scale;

      map[i] = t;
      if (is_b)
        {
          tn->b_self += self_value;
          tn->b_total += total_value;
        }
      else
        {
          tn->a_self += self_value;
          tn->a_total += total_value;
        }
    }
}

typedef struct
{
  GArray    *temp;
  GPtrArray *labels;
} SortContext;

static int
compare_children (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const SortContext *ctx = user_data;
  const Temp *ta = &g_array_index (ctx->temp, Temp, *(const guint *)a);
  const Temp *tb = &g_array_index (ctx->temp, Temp, *(const guint *)b);

  if (ta->b_total != tb->b_total)
    return ta->b_total > tb->b_total ? -1 : 1;
  if (ta->a_total != tb->a_total)
    return ta->a_total > tb->a_total ? -1 : 1;

  return strcmp (g_ptr_array_index (ctx->labels, ta->label), g_ptr_array_index (ctx->labels, tb->label));
}

/**
 * ms_profile_diff_new:
 * @a: the earlier profile
 * @b: the later profile
 * @options: (nullable): how both trees are built (direction, labels, hiding…)
 * @value: which figure to compare
 * @normalize: scale A to B's total before subtracting
 *
 * Returns: (transfer full): the differential tree
 */
MsProfileDiff *
ms_profile_diff_new (MsProfile                *a,
                     MsProfile                *b,
                     const MsFlameTreeOptions *options,
                     MsFlameValue              value,
                     gboolean                  normalize)
{
  g_autoptr(MsProfileDiff) self = NULL;
  g_autoptr(MsFlameTree) tree_a = NULL;
  g_autoptr(MsFlameTree) tree_b = NULL;
  g_autoptr(GArray) temp = NULL;
  g_autoptr(GArray) todo = NULL;
  Temp root = { NONE, 0, NULL, 0, 0, 0, 0 };
  double scale = 1.0;
  SortContext ctx;

  g_return_val_if_fail (MS_IS_PROFILE (a), NULL);
  g_return_val_if_fail (MS_IS_PROFILE (b), NULL);

  self = g_object_new (MS_TYPE_PROFILE_DIFF, NULL);
  self->normalized = normalize;

  tree_a = ms_flame_tree_new (a, options);
  tree_b = ms_flame_tree_new (b, options);

  if (normalize)
    {
      double total_a = (double)ms_flame_node_get_total (ms_flame_tree_get_node (tree_a, 0), value);
      double total_b = (double)ms_flame_node_get_total (ms_flame_tree_get_node (tree_b, 0), value);

      scale = total_a > 0 ? total_b / total_a : 1.0;
    }

  temp = g_array_new (FALSE, FALSE, sizeof (Temp));
  root.label = intern_label (self, ms_flame_tree_get_node_label (tree_b, 0));
  g_array_append_val (temp, root);

  merge_tree (self, temp, tree_a, value, scale, FALSE);
  merge_tree (self, temp, tree_b, value, 1.0, TRUE);

  /* flatten depth first, heaviest (in B) first */
  ctx.temp = temp;
  ctx.labels = self->labels;
  todo = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  {
    guint start[2] = { 0, NONE };
    g_array_append_val (todo, start);
  }
  g_hash_table_remove_all (self->edges);

  while (todo->len > 0)
    {
      guint *top = &g_array_index (todo, guint, 2 * (todo->len - 1));
      guint t = top[0];
      guint parent = top[1];
      Temp *tn = &g_array_index (temp, Temp, t);
      MsDiffNode node = { 0, };
      guint index = self->nodes->len;
      guint64 key;

      g_array_set_size (todo, todo->len - 1);

      node.parent = parent;
      node.depth = parent == NONE ? 0 : g_array_index (self->nodes, MsDiffNode, parent).depth + 1;
      node.label = tn->label;
      node.n_children = tn->children != NULL ? tn->children->len : 0;
      node.a_self = tn->a_self;
      node.a_total = tn->a_total;
      node.b_self = tn->b_self;
      node.b_total = tn->b_total;
      node.delta_self = tn->b_self - tn->a_self;
      node.delta_total = tn->b_total - tn->a_total;
      g_array_append_val (self->nodes, node);
      self->max_depth = MAX (self->max_depth, node.depth);

      key = ((guint64)(parent == NONE ? NONE : parent) << 32) | tn->label;
      if (parent != NONE)
        g_hash_table_insert (self->edges, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (index));

      if (tn->children != NULL)
        {
          g_qsort_with_data (tn->children->data, tn->children->len, sizeof (guint), compare_children, &ctx);
          for (guint i = tn->children->len; i > 0; i--)
            {
              guint pair[2] = { g_array_index (tn->children, guint, i - 1), index };
              g_array_append_val (todo, pair);
            }
          g_clear_pointer (&tn->children, g_array_unref);
        }
    }

  for (guint i = self->nodes->len; i > 0; i--)
    {
      MsDiffNode *node = &g_array_index (self->nodes, MsDiffNode, i - 1);

      if (node->subtree_end == 0)
        node->subtree_end = i;
      if (node->parent != NONE)
        {
          MsDiffNode *p = &g_array_index (self->nodes, MsDiffNode, node->parent);
          p->subtree_end = MAX (p->subtree_end, node->subtree_end);
        }
    }

  for (guint i = 0; i < self->nodes->len; i++)
    {
      MsDiffNode *node = &g_array_index (self->nodes, MsDiffNode, i);
      double x = node->start;

      for (guint c = i + 1; c < node->subtree_end; c = g_array_index (self->nodes, MsDiffNode, c).subtree_end)
        {
          MsDiffNode *child = &g_array_index (self->nodes, MsDiffNode, c);

          child->start = x;
          x += child->b_total;
        }
    }

  return g_steal_pointer (&self);
}

guint
ms_profile_diff_get_n_nodes (MsProfileDiff *self)
{
  g_return_val_if_fail (MS_IS_PROFILE_DIFF (self), 0);

  return self->nodes->len;
}

/**
 * ms_profile_diff_get_nodes:
 * @n_nodes: (out) (optional):
 *
 * Returns: (transfer none) (array length=n_nodes): the nodes, depth first, root first
 */
const MsDiffNode *
ms_profile_diff_get_nodes (MsProfileDiff *self,
                           guint         *n_nodes)
{
  g_return_val_if_fail (MS_IS_PROFILE_DIFF (self), NULL);

  if (n_nodes != NULL)
    *n_nodes = self->nodes->len;

  return (const MsDiffNode *)(gpointer)self->nodes->data;
}

const char *
ms_profile_diff_get_label (MsProfileDiff *self,
                           guint          label)
{
  g_return_val_if_fail (MS_IS_PROFILE_DIFF (self), NULL);
  g_return_val_if_fail (label < self->labels->len, NULL);

  return g_ptr_array_index (self->labels, label);
}

/**
 * ms_profile_diff_find_path:
 * @labels: (array zero-terminated=1): labels below the root, root first
 *
 * Returns: the index of the node at that path, or %G_MAXUINT
 */
guint
ms_profile_diff_find_path (MsProfileDiff      *self,
                           const char * const *labels)
{
  guint node = 0;

  g_return_val_if_fail (MS_IS_PROFILE_DIFF (self), NONE);

  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    {
      gpointer label, value;
      guint64 key;

      if (!g_hash_table_lookup_extended (self->label_ids, labels[i], NULL, &label))
        return NONE;
      key = ((guint64)node << 32) | GPOINTER_TO_UINT (label);
      if (!g_hash_table_lookup_extended (self->edges, &key, NULL, &value))
        return NONE;
      node = GPOINTER_TO_UINT (value);
    }

  return node;
}

guint
ms_profile_diff_get_max_depth (MsProfileDiff *self)
{
  g_return_val_if_fail (MS_IS_PROFILE_DIFF (self), 0);

  return self->max_depth;
}

gboolean
ms_profile_diff_get_normalized (MsProfileDiff *self)
{
  g_return_val_if_fail (MS_IS_PROFILE_DIFF (self), FALSE);

  return self->normalized;
}
