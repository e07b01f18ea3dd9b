/* test-flame-view.c: the flame view driven by real key presses and clicks (XTEST),
 * actions and controls, on a small profile the test writes, checked against a tree
 * the test computes itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ms-flame-view.h"
#include "ms-ui-test-input.h"
#include "ms-ui-test-util.h"

#define WIDTH 800

typedef struct
{
  guint64     size;
  guint64     total;
  const char *stack;
} Sample;

/* Stacks leaf first, as the protocol sends them; "0xADDR name". */
static const Sample samples[] = {
  { 100, 4096, "0x1010 malloc;0x1100 alloc_buf;0x3010 Parse;0x3100 main" },
  { 200, 2048, "0x1010 malloc;0x1200 alloc_str;0x3010 Parse;0x3100 main" },
  { 10, 100, "0x1010 malloc;0x3200 render;0x3100 main" },
  { 10, 100, "0x1010 malloc;0x3200 render;0x3100 main" },
  { 10, 100, "0x1010 malloc;0x3200 render;0x3100 main" },
  { 10, 100, "0x1010 malloc;0x3200 render;0x3100 main" },
  { 10, 100, "0x1010 malloc;0x3200 render;0x3100 main" },
  { 50, 512, "0x1010 malloc;0x1300 grow;0x1300 grow;0x1300 grow;0x3300 layout;0x3100 main" },
  { 30, 300, "0x2010 <unknown>;0x3300 layout;0x3100 main" },
  /* deeper than the breadcrumb shows whole */
  { 5, 50, "0x1010 malloc;0x1500 d13;0x1500 d12;0x1500 d11;0x1500 d10;0x1500 d9;0x1500 d8;0x1500 d7;"
           "0x1500 d6;0x1500 d5;0x1500 d4;0x1500 d3;0x1500 d2;0x1500 d1;0x1500 d0;0x3100 main" },
};

/* An earlier profile for the differential graph: less of some paths, one path gone. */
static const Sample baseline_samples[] = {
  { 100, 4096, "0x1010 malloc;0x1100 alloc_buf;0x3010 Parse;0x3100 main" },
  { 10, 100, "0x1010 malloc;0x3200 render;0x3100 main" },
  { 10, 100, "0x1010 malloc;0x3200 render;0x3100 main" },
  { 30, 300, "0x2010 <unknown>;0x3300 layout;0x3100 main" },
  { 90, 1000, "0x1010 malloc;0x1400 old_path;0x3100 main" },
};

static const struct
{
  const char *name;
  guint64     base;
  guint64     size;
} modules[] = {
  { "/usr/lib/libfoo.so", 0x1000, 0x2000 },
  { "/usr/lib/libbar.so", 0x3000, 0x1000 },
};

/* The expected tree, built with plain loops from the table above. */
typedef struct _TNode TNode;
struct _TNode
{
  char      *label;
  guint64    bytes;
  guint64    samples;
  guint      depth;
  TNode     *parent;
  GPtrArray *children;
};

static void
tnode_free (TNode *node)
{
  g_ptr_array_unref (node->children);
  g_free (node->label);
  g_free (node);
}

static TNode *
tnode_new (const char *label,
           TNode      *parent)
{
  TNode *node = g_new0 (TNode, 1);

  node->label = g_strdup (label);
  node->parent = parent;
  node->depth = parent ? parent->depth + 1 : 0;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) tnode_free);
  return node;
}

static char *
label_of (const char  *frame,
          MsLabelMode  mode)
{
  const char *space = strchr (frame, ' ');
  guint64 address = g_ascii_strtoull (frame + 2, NULL, 16);
  const char *module = NULL;
  guint64 offset = 0;

  for (guint m = 0; m < G_N_ELEMENTS (modules); m++)
    if (address >= modules[m].base && address < modules[m].base + modules[m].size)
      {
        module = strrchr (modules[m].name, '/') + 1;
        offset = address - modules[m].base;
      }

  if (mode == MS_LABEL_MODE_ADDRESS)
    return g_strndup (frame, space - frame);
  if (mode == MS_LABEL_MODE_MODULE)
    return g_strdup (module ? module : "<no module>");
  if (strcmp (space + 1, "<unknown>") != 0)
    return g_strdup (space + 1);
  return g_strdup_printf ("%s+0x%" G_GINT64_MODIFIER "x", module, offset);
}

static int
compare_tnodes (gconstpointer a,
                gconstpointer b)
{
  const TNode *na = *(TNode * const *) a;
  const TNode *nb = *(TNode * const *) b;

  if (na->bytes != nb->bytes)
    return na->bytes > nb->bytes ? -1 : 1;
  return strcmp (na->label, nb->label);
}

static void
sort_tnodes (TNode *node)
{
  g_ptr_array_sort (node->children, compare_tnodes);
  for (guint i = 0; i < node->children->len; i++)
    sort_tnodes (node->children->pdata[i]);
}

/* Top-down, nothing hidden or merged. */
static TNode *
expected_tree (MsLabelMode mode)
{
  TNode *root = tnode_new ("all", NULL);

  for (guint s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      g_auto(GStrv) frames = g_strsplit (samples[s].stack, ";", -1);
      TNode *node = root;

      root->bytes += samples[s].total;
      root->samples++;
      for (guint i = g_strv_length (frames); i > 0; i--)
        {
          g_autofree char *label = label_of (frames[i - 1], mode);
          TNode *child = NULL;

          for (guint c = 0; c < node->children->len && child == NULL; c++)
            if (strcmp (((TNode *) node->children->pdata[c])->label, label) == 0)
              child = node->children->pdata[c];
          if (child == NULL)
            {
              child = tnode_new (label, node);
              g_ptr_array_add (node->children, child);
            }
          child->bytes += samples[s].total;
          child->samples++;
          node = child;
        }
    }
  sort_tnodes (root);

  return root;
}

/* The nodes of row @depth, left to right. */
static void
collect_row (TNode     *node,
             guint      depth,
             GPtrArray *row)
{
  if (node->depth == depth)
    {
      g_ptr_array_add (row, node);
      return;
    }
  for (guint i = 0; i < node->children->len; i++)
    collect_row (node->children->pdata[i], depth, row);
}

static char *
tnode_path (TNode *node)
{
  g_autoptr(GString) path = g_string_new (NULL);

  for (; node->parent != NULL; node = node->parent)
    {
      g_autofree char *step = g_strdup_printf ("%s;", node->label);

      g_string_prepend (path, step);
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static char *
profile_json (const Sample *table,
              guint         n_samples)
{
  g_autoptr(GString) json = g_string_new ("{\"samples\": [");

  for (guint s = 0; s < n_samples; s++)
    {
      g_auto(GStrv) frames = g_strsplit (table[s].stack, ";", -1);

      g_string_append_printf (json, "%s{\"size\": %" G_GUINT64_FORMAT ", \"total\": %" G_GUINT64_FORMAT ", \"stack\": [",
                              s ? ", " : "", table[s].size, table[s].total);
      for (guint i = 0; frames[i] != NULL; i++)
        g_string_append_printf (json, "%s\"%s\"", i ? ", " : "", frames[i]);
      g_string_append (json, "]}");
    }
  g_string_append (json, "], \"modules\": [");
  for (guint m = 0; m < G_N_ELEMENTS (modules); m++)
    g_string_append_printf (json, "%s{\"name\": \"%s\", \"uuid\": \"00112233445566778899AABBCCDDEEFF0\", "
                            "\"baseAddress\": \"0x%" G_GINT64_MODIFIER "x\", \"size\": %" G_GUINT64_FORMAT "}",
                            m ? ", " : "", modules[m].name, modules[m].base, modules[m].size);
  g_string_append (json, "]}");

  return g_string_free (g_steal_pointer (&json), FALSE);
}

static MsProfile *
new_profile (const Sample *table,
             guint         n_samples)
{
  g_autofree char *json = profile_json (table, n_samples);
  g_autoptr(GError) error = NULL;
  MsProfile *profile = ms_profile_new_from_data (json, strlen (json), &error);

  g_assert_no_error (error);
  return profile;
}

typedef struct
{
  GtkWindow    *window;
  MsFlameView  *view;
  MsFlameGraph *graph;
  MsProfile    *profile;
  TNode        *expected;
} Fixture;

static gboolean
is_ready (gpointer user_data)
{
  Fixture *fixture = user_data;
  MsFlameTree *tree = ms_flame_graph_get_tree (fixture->graph);
  MsFlameTreeOptions options;
  gboolean ready;

  if (tree == NULL || gtk_widget_get_width (GTK_WIDGET (fixture->graph)) != WIDTH)
    return FALSE;
  ms_flame_view_dup_tree_options (fixture->view, &options);
  ready = ms_flame_tree_was_built_with (tree, &options);
  ms_flame_view_clear_tree_options (&options);
  return ready;
}

static void
wait_for_tree (Fixture *fixture)
{
  g_assert_true (ms_test_wait_for (is_ready, fixture, 10));
  ms_test_settle (50);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  fixture->profile = new_profile (samples, G_N_ELEMENTS (samples));
  fixture->expected = expected_tree (MS_LABEL_MODE_SYMBOL);

  fixture->view = MS_FLAME_VIEW (ms_flame_view_new ());
  fixture->graph = ms_flame_view_get_graph (fixture->view);
  gtk_widget_set_size_request (GTK_WIDGET (fixture->graph), WIDTH, -1);
  gtk_widget_set_halign (GTK_WIDGET (fixture->graph), GTK_ALIGN_START);
  gtk_widget_set_hexpand (GTK_WIDGET (fixture->view), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->view));

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, WIDTH + 40, 500);
  gtk_window_set_child (fixture->window, box);
  gtk_window_present (fixture->window);
  ms_flame_view_set_profile (fixture->view, fixture->profile);
  wait_for_tree (fixture);
  ms_test_focus_window (fixture->window);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->profile);
  g_clear_pointer (&fixture->expected, tnode_free);
}

/* A real key press, through the X server, to @widget, which has the focus (or a
 * part of it, as an entry's text). */
static void
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  mods)
{
  static const struct { GdkModifierType mask; KeySym key; } modifiers[] = {
    { GDK_CONTROL_MASK, XK_Control_L }, { GDK_SHIFT_MASK, XK_Shift_L }, { GDK_ALT_MASK, XK_Alt_L },
  };

  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  g_assert_true (focus == widget || (focus != NULL && gtk_widget_is_ancestor (focus, widget)));
  for (guint i = 0; i < G_N_ELEMENTS (modifiers); i++)
    if (mods & modifiers[i].mask)
      ms_test_key_hold (modifiers[i].key, TRUE);
  ms_test_key (keyval, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (modifiers); i++)
    if (mods & modifiers[i].mask)
      ms_test_key_hold (modifiers[i].key, FALSE);
}

/* Label path of a node of the widget's tree, from the tree's parent links. */
static char *
graph_path (Fixture *fixture,
            guint    node)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (fixture->graph);
  g_autoptr(GString) path = g_string_new (NULL);

  g_assert_cmpuint (node, <, ms_flame_tree_get_n_nodes (tree));
  for (; node != 0; node = ms_flame_tree_get_node (tree, node)->parent)
    {
      g_autofree char *step = g_strdup_printf ("%s;", ms_flame_tree_get_node_label (tree, node));

      g_string_prepend (path, step);
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
assert_focus_is (Fixture *fixture,
                 TNode   *expected)
{
  g_autofree char *want = tnode_path (expected);
  g_autofree char *got = graph_path (fixture, ms_flame_graph_get_focus_node (fixture->graph));

  g_assert_cmpstr (got, ==, want);
}

static void
test_keyboard_focus_path (Fixture       *fixture,
                          gconstpointer  data)
{
  /* down, down, right, right, down, up, left, up, up: the model moves the same way */
  static const guint keys[] = { GDK_KEY_Down, GDK_KEY_Down, GDK_KEY_Right, GDK_KEY_Right, GDK_KEY_Right,
                                GDK_KEY_Down, GDK_KEY_Up, GDK_KEY_Left, GDK_KEY_Up, GDK_KEY_Up, GDK_KEY_Up };
  TNode *at = fixture->expected;

  gtk_widget_grab_focus (GTK_WIDGET (fixture->graph));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (fixture->graph)));
  assert_focus_is (fixture, at);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GPtrArray) row = g_ptr_array_new ();
      guint pos = 0;

      collect_row (fixture->expected, at->depth, row);
      g_assert_true (g_ptr_array_find (row, at, &pos));
      if (keys[i] == GDK_KEY_Down && at->children->len > 0)
        at = at->children->pdata[0];
      else if (keys[i] == GDK_KEY_Up && at->parent != NULL)
        at = at->parent;
      else if (keys[i] == GDK_KEY_Right && pos + 1 < row->len)
        at = row->pdata[pos + 1];
      else if (keys[i] == GDK_KEY_Left && pos > 0)
        at = row->pdata[pos - 1];

      press_key (GTK_WIDGET (fixture->graph), keys[i], 0);
      assert_focus_is (fixture, at);
    }
}

/* What a screen reader is told of the focused frame. */
static void
test_accessible_focus (Fixture       *fixture,
                       gconstpointer  data)
{
  TNode *parse = ((TNode *) fixture->expected->children->pdata[0])->children->pdata[0];
  g_autofree char *size = g_format_size_full (parse->bytes, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *frame = g_strdup_printf ("%s — %s (%.1f%%), %" G_GUINT64_FORMAT " samples",
                                            parse->label, size, 100.0 * parse->bytes / fixture->expected->bytes,
                                            parse->samples);
  g_autofree char *want = g_strdup_printf ("Flame graph frame: %s, depth %u", frame, parse->depth);
  g_autofree char *error = NULL;

  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (fixture->graph), GTK_ACCESSIBLE_ROLE_GROUP));
  gtk_widget_grab_focus (GTK_WIDGET (fixture->graph));
  press_key (GTK_WIDGET (fixture->graph), GDK_KEY_Down, 0);
  press_key (GTK_WIDGET (fixture->graph), GDK_KEY_Down, 0);
  assert_focus_is (fixture, parse);

  error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (fixture->graph),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL, want);
  g_assert_null (error);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (fixture->graph),
                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
  g_assert_cmpstr (gtk_label_get_text (ms_flame_view_get_status_label (fixture->view)), ==, frame);
}

/* The crumbs' labels, joined with " > ". */
static char *
breadcrumb_text (Fixture *fixture)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (ms_flame_view_get_breadcrumb (fixture->view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child))
      g_string_append_printf (text, "%s%s", text->len ? " > " : "", gtk_button_get_label (GTK_BUTTON (child)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
find_crumb (Fixture    *fixture,
            const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (ms_flame_view_get_breadcrumb (fixture->view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
      return child;
  g_error ("no crumb %s", label);
}

static void
test_breadcrumb (Fixture       *fixture,
                 gconstpointer  data)
{
  TNode *main_node = fixture->expected->children->pdata[0];
  TNode *first = main_node->children->pdata[0];
  g_autofree char *one = g_strdup_printf ("All > %s", main_node->label);
  g_autofree char *two = g_strdup_printf ("All > %s > %s", main_node->label, first->label);
  g_autofree char *text = breadcrumb_text (fixture);
  GtkWidget *graph = GTK_WIDGET (fixture->graph);

  g_assert_cmpstr (text, ==, "All");
  gtk_widget_grab_focus (graph);
  press_key (graph, GDK_KEY_Down, 0);
  press_key (graph, GDK_KEY_Return, 0);
  press_key (graph, GDK_KEY_Down, 0);
  press_key (graph, GDK_KEY_Return, 0);
  g_free (text), text = breadcrumb_text (fixture);
  g_assert_cmpstr (text, ==, two);

  press_key (graph, GDK_KEY_Left, GDK_ALT_MASK);
  g_free (text), text = breadcrumb_text (fixture);
  g_assert_cmpstr (text, ==, one);
  press_key (graph, GDK_KEY_Right, GDK_ALT_MASK);
  g_free (text), text = breadcrumb_text (fixture);
  g_assert_cmpstr (text, ==, two);

  /* a crumb zooms back out; Back returns to where it was */
  g_signal_emit_by_name (find_crumb (fixture, "All"), "clicked");
  g_free (text), text = breadcrumb_text (fixture);
  g_assert_cmpstr (text, ==, "All");
  g_assert_cmpuint (ms_flame_graph_get_zoom_node (fixture->graph), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "flame.back", NULL));
  g_free (text), text = breadcrumb_text (fixture);
  g_assert_cmpstr (text, ==, two);

  /* Escape resets the zoom, as a step Back can undo */
  press_key (graph, GDK_KEY_Escape, 0);
  g_free (text), text = breadcrumb_text (fixture);
  g_assert_cmpstr (text, ==, "All");
}

static MsFlameTree *
tree_like_the_views (Fixture   *fixture,
                     MsProfile *profile)
{
  MsFlameTreeOptions options;
  MsFlameTree *tree;

  ms_flame_view_dup_tree_options (fixture->view, &options);
  tree = ms_flame_tree_new (profile, &options);
  ms_flame_view_clear_tree_options (&options);
  return tree;
}

static void
assert_breadcrumb (Fixture    *fixture,
                   const char *want)
{
  g_autofree char *text = breadcrumb_text (fixture);

  g_assert_cmpstr (text, ==, want);
}

/* A live recording hands the view a new tree every few seconds, as the window does:
 * zoom, history and focus follow their paths into it. */
static void
test_live_update (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(MsProfile) earlier = new_profile (baseline_samples, G_N_ELEMENTS (baseline_samples));
  g_autoptr(MsFlameTree) same = tree_like_the_views (fixture, fixture->profile);
  g_autoptr(MsFlameTree) other = NULL;
  GtkWidget *graph = GTK_WIDGET (fixture->graph);
  static const guint keys[] = { GDK_KEY_Down, GDK_KEY_Return, GDK_KEY_Down, GDK_KEY_Return,
                                GDK_KEY_Down, GDK_KEY_Right, GDK_KEY_Return };

  other = tree_like_the_views (fixture, earlier);
  gtk_widget_grab_focus (graph);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    press_key (graph, keys[i], 0);
  assert_breadcrumb (fixture, "All > main > Parse > alloc_str");

  /* the same stacks again: nothing moves, the new tree is kept as it is */
  ms_flame_view_set_tree (fixture->view, same);
  g_assert_true (ms_flame_graph_get_tree (fixture->graph) == same);
  assert_breadcrumb (fixture, "All > main > Parse > alloc_str");
  press_key (graph, GDK_KEY_Left, GDK_ALT_MASK);
  assert_breadcrumb (fixture, "All > main > Parse");
  press_key (graph, GDK_KEY_Right, GDK_ALT_MASK);
  assert_breadcrumb (fixture, "All > main > Parse > alloc_str");

  /* stacks without alloc_str: its zoom falls back to the root, Back still leads on */
  ms_flame_view_set_tree (fixture->view, other);
  g_assert_true (ms_flame_graph_get_tree (fixture->graph) == other);
  assert_breadcrumb (fixture, "All");
  press_key (graph, GDK_KEY_Left, GDK_ALT_MASK);
  assert_breadcrumb (fixture, "All > main > Parse");
}

/* The deepest frame of the model, its path as labels from the root's child on. */
static TNode *
deepest (TNode *node)
{
  TNode *best = node;

  for (guint i = 0; i < node->children->len; i++)
    {
      TNode *found = deepest (node->children->pdata[i]);

      if (found->depth > best->depth)
        best = found;
    }
  return best;
}

static void
test_breadcrumb_deep (Fixture       *fixture,
                      gconstpointer  data)
{
  TNode *leaf = deepest (fixture->expected);
  g_autofree char *path = tnode_path (leaf);
  g_auto(GStrv) labels = g_strsplit (path, ";", -1);   /* ends in "" */
  guint n = g_strv_length (labels) - 1;
  g_autoptr(GString) want = g_string_new ("All > …");
  g_autofree char *text = NULL;
  g_autofree char *zoom_path = NULL;
  GtkWidget *graph = GTK_WIDGET (fixture->graph);

  /* down the heaviest path is not the deepest: zoom to it by its place in the tree */
  g_assert_cmpuint (n, >, 12);
  for (guint i = 0; i < ms_flame_tree_get_n_nodes (ms_flame_graph_get_tree (fixture->graph)); i++)
    {
      g_autofree char *p = graph_path (fixture, i);

      if (g_str_equal (p, path))
        ms_flame_graph_zoom_to_node (fixture->graph, i);
    }

  /* the root, an ellipsis, the last ten */
  for (guint i = n - 10; i < n; i++)
    g_string_append_printf (want, " > %s", labels[i]);
  text = breadcrumb_text (fixture);
  g_assert_cmpstr (text, ==, want->str);

  /* the ellipsis zooms out to the nearest frame it stands for */
  g_signal_emit_by_name (find_crumb (fixture, "…"), "clicked");
  zoom_path = graph_path (fixture, ms_flame_graph_get_zoom_node (fixture->graph));
  g_string_truncate (want, 0);
  for (guint i = 0; i < n - 10; i++)
    g_string_append_printf (want, "%s;", labels[i]);
  g_assert_cmpstr (zoom_path, ==, want->str);
  g_assert_cmpuint (ms_flame_graph_get_focus_node (fixture->graph), ==,
                    ms_flame_graph_get_zoom_node (fixture->graph));
  gtk_widget_grab_focus (graph);
  press_key (graph, GDK_KEY_Left, GDK_ALT_MASK);
  g_free (zoom_path), zoom_path = graph_path (fixture, ms_flame_graph_get_zoom_node (fixture->graph));
  g_assert_cmpstr (zoom_path, ==, path);
}

/* Matches of @needle (casefolded substring), counted on the model; bytes of the
 * samples whose path holds a match, straight from the table. */
static guint
count_matches (TNode      *node,
               const char *needle)
{
  g_autofree char *folded = g_utf8_casefold (node->label, -1);
  guint n = node->parent != NULL && strstr (folded, needle) != NULL;

  for (guint i = 0; i < node->children->len; i++)
    n += count_matches (node->children->pdata[i], needle);
  return n;
}

static guint64
matched_bytes (const char *needle)
{
  guint64 bytes = 0;

  for (guint s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      g_auto(GStrv) frames = g_strsplit (samples[s].stack, ";", -1);

      for (guint i = 0; frames[i] != NULL; i++)
        {
          g_autofree char *label = label_of (frames[i], MS_LABEL_MODE_SYMBOL);
          g_autofree char *folded = g_utf8_casefold (label, -1);

          if (strstr (folded, needle) != NULL)
            {
              bytes += samples[s].total;
              break;
            }
        }
    }
  return bytes;
}

static TNode *
first_match (TNode      *node,
             const char *needle)
{
  g_autofree char *folded = g_utf8_casefold (node->label, -1);

  if (node->parent != NULL && strstr (folded, needle) != NULL)
    return node;
  for (guint i = 0; i < node->children->len; i++)
    {
      TNode *found = first_match (node->children->pdata[i], needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
match_label_set (gpointer user_data)
{
  Fixture *fixture = user_data;

  return *gtk_label_get_text (ms_flame_view_get_match_label (fixture->view)) != '\0';
}

static void
test_search_count (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *needle = "alloc";   /* malloc, alloc_buf, alloc_str: nested matches */
  guint n = count_matches (fixture->expected, needle);
  g_autofree char *size = g_format_size_full (matched_bytes (needle), G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *all = g_strdup_printf ("%u frames, %s", n, size);
  g_autofree char *first = g_strdup_printf ("1 of %u frames, %s", n, size);
  g_autofree char *last = g_strdup_printf ("%u of %u frames, %s", n, n, size);
  g_autofree char *before_last = g_strdup_printf ("%u of %u frames, %s", n - 1, n, size);
  g_autofree char *want_path = tnode_path (first_match (fixture->expected, needle));
  g_autofree char *zoom_path = NULL;
  GtkSearchEntry *entry = ms_flame_view_get_search_entry (fixture->view);
  GtkLabel *label = ms_flame_view_get_match_label (fixture->view);

  g_assert_cmpuint (n, >, 3);
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_ROLE_STATUS));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Alloc");
  g_assert_true (ms_test_wait_for (match_label_set, fixture, 5));
  g_assert_cmpstr (gtk_label_get_text (label), ==, all);

  /* Enter: the first match, zoomed to and focused */
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  press_key (GTK_WIDGET (entry), GDK_KEY_Return, 0);
  g_assert_cmpstr (gtk_label_get_text (label), ==, first);
  zoom_path = graph_path (fixture, ms_flame_graph_get_zoom_node (fixture->graph));
  g_assert_cmpstr (zoom_path, ==, want_path);
  g_assert_cmpuint (ms_flame_graph_get_focus_node (fixture->graph), ==,
                    ms_flame_graph_get_zoom_node (fixture->graph));

  /* previous from the first wraps to the last */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "flame.previous-match", NULL));
  g_assert_cmpstr (gtk_label_get_text (label), ==, last);

  /* Shift+Enter in the entry: one further back */
  press_key (GTK_WIDGET (entry), GDK_KEY_Return, GDK_SHIFT_MASK);
  g_assert_cmpstr (gtk_label_get_text (label), ==, before_last);

  gtk_editable_set_text (GTK_EDITABLE (entry), "no such frame");
  g_assert_true (ms_test_wait_for (match_label_set, fixture, 5));
  ms_test_settle (300);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "No frames match");
}

static void
on_text_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer user_data)
{
  return *(char **) user_data != NULL;
}

static void
test_copy_stack (Fixture       *fixture,
                 gconstpointer  data)
{
  TNode *node = fixture->expected;
  g_autoptr(GString) want = g_string_new (NULL);
  g_autofree char *text = NULL;
  GtkWidget *graph = GTK_WIDGET (fixture->graph);

  gtk_widget_grab_focus (graph);
  for (guint i = 0; i < 3; i++)
    {
      press_key (graph, GDK_KEY_Down, 0);
      node = node->children->pdata[0];
      g_string_append_printf (want, "%s\n", node->label);
    }
  press_key (graph, GDK_KEY_c, GDK_CONTROL_MASK);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (graph), NULL, on_text_read, &text);
  g_assert_true (ms_test_wait_for (is_set, &text, 5));
  g_assert_cmpstr (text, ==, want->str);
}

static GtkDropDown *
find_dropdown (GtkWidget  *widget,
               const char *first_item)
{
  if (GTK_IS_DROP_DOWN (widget))
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

      if (GTK_IS_STRING_LIST (model)
          && g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), first_item) == 0)
        return GTK_DROP_DOWN (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkDropDown *found = find_dropdown (child, first_item);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The label drawn at the middle of each of @parent's children, as the model lays them
 * out with @samples_metric. */
static void
assert_children_drawn (Fixture  *fixture,
                       TNode    *parent,
                       gboolean  samples_metric)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (fixture->graph);
  double row_height = ms_flame_graph_get_row_height (fixture->graph);
  guint64 whole = samples_metric ? fixture->expected->samples : fixture->expected->bytes;
  guint64 left = 0;

  for (guint i = 0; i < parent->children->len; i++)
    {
      TNode *child = parent->children->pdata[i];
      guint64 value = samples_metric ? child->samples : child->bytes;
      double middle = (left + value / 2.0) / whole * WIDTH;
      guint node = ms_flame_graph_get_node_at (fixture->graph, middle, (child->depth + 0.5) * row_height);

      g_assert_cmpuint (node, !=, MS_FLAME_GRAPH_NO_NODE);
      g_assert_cmpstr (ms_flame_tree_get_node_label (tree, node), ==, child->label);
      /* and the edge just past it is the next one's, or nothing */
      left += value;
    }
  g_assert_cmpuint (ms_flame_graph_get_node_at (fixture->graph, (double) left / whole * WIDTH + 0.5,
                                                (parent->depth + 1.5) * row_height),
                    ==, MS_FLAME_GRAPH_NO_NODE);
}

static void
test_metric_switch (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkDropDown *metric = find_dropdown (GTK_WIDGET (fixture->view), "Estimated bytes");
  TNode *main_node = fixture->expected->children->pdata[0];
  MsFlameTree *tree = ms_flame_graph_get_tree (fixture->graph);

  g_assert_nonnull (metric);
  assert_children_drawn (fixture, main_node, FALSE);

  gtk_drop_down_set_selected (metric, 1);
  ms_test_settle (50);
  g_assert_cmpuint (ms_flame_view_get_value (fixture->view), ==, MS_FLAME_VALUE_SAMPLES);
  /* same tree, other widths */
  g_assert_true (ms_flame_graph_get_tree (fixture->graph) == tree);
  assert_children_drawn (fixture, main_node, TRUE);

  gtk_drop_down_set_selected (metric, 0);
  assert_children_drawn (fixture, main_node, FALSE);
}

/* Every row's labels, as drawn left to right at the middle of each model node. */
static void
assert_tree_drawn (Fixture *fixture,
                   TNode   *node,
                   double   x,
                   double   w)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (fixture->graph);
  double row_height = ms_flame_graph_get_row_height (fixture->graph);
  guint at = ms_flame_graph_get_node_at (fixture->graph, x + w / 2, (node->depth + 0.5) * row_height);

  g_assert_cmpuint (at, !=, MS_FLAME_GRAPH_NO_NODE);
  if (node->parent != NULL)
    g_assert_cmpstr (ms_flame_tree_get_node_label (tree, at), ==, node->label);
  for (guint i = 0; i < node->children->len; i++)
    {
      TNode *child = node->children->pdata[i];
      double cw = w * child->bytes / node->bytes;

      assert_tree_drawn (fixture, child, x, cw);
      x += cw;
    }
}

static void
test_label_mode (Fixture       *fixture,
                 gconstpointer  data)
{
  static const MsLabelMode modes[] = { MS_LABEL_MODE_MODULE, MS_LABEL_MODE_ADDRESS, MS_LABEL_MODE_SYMBOL };
  GtkDropDown *labels = find_dropdown (GTK_WIDGET (fixture->view), "Symbols");

  g_assert_nonnull (labels);
  assert_tree_drawn (fixture, fixture->expected, 0, WIDTH);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      TNode *expected = expected_tree (modes[i]);

      gtk_drop_down_set_selected (labels, modes[i] == MS_LABEL_MODE_ADDRESS ? 1 : modes[i] == MS_LABEL_MODE_MODULE ? 2 : 0);
      g_assert_cmpuint (ms_flame_view_get_label_mode (fixture->view), ==, modes[i]);
      wait_for_tree (fixture);
      assert_tree_drawn (fixture, expected, 0, WIDTH);
      tnode_free (expected);
    }
}

/* A real right click at the middle of @node, as the model lays it out unzoomed. */
static void
right_click (Fixture *fixture,
             TNode   *node)
{
  double row_height = ms_flame_graph_get_row_height (fixture->graph);
  MsTestInput *input = ms_test_input ();
  guint64 left = 0;

  /* the bytes of everything left of it: earlier siblings of it and of its ancestors */
  for (TNode *n = node; n->parent != NULL; n = n->parent)
    for (guint i = 0; n->parent->children->pdata[i] != n; i++)
      left += ((TNode *) n->parent->children->pdata[i])->bytes;

  ms_test_pointer_move (GTK_WIDGET (fixture->graph),
                        (left + node->bytes / 2.0) / fixture->expected->bytes * WIDTH,
                        (node->depth + 0.5) * row_height);
  input->button (input->display, 3, True, CurrentTime);
  input->button (input->display, 3, False, CurrentTime);
  ms_test_input_flush ();
}

static gboolean
has_label (MsFlameTree *tree,
           const char  *label)
{
  for (guint i = 0; i < ms_flame_tree_get_n_nodes (tree); i++)
    if (g_strcmp0 (ms_flame_tree_get_node_label (tree, i), label) == 0)
      return TRUE;
  return FALSE;
}

static void
test_context_menu (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *graph = GTK_WIDGET (fixture->graph);
  TNode *main_node = fixture->expected->children->pdata[0];
  TNode *parse = main_node->children->pdata[0];
  TNode *grow = NULL;
  GtkPopover *menu = ms_flame_graph_get_context_menu (fixture->graph);
  MsFlameTree *tree;
  guint depth = 0;

  /* a right click opens it on the frame under the pointer, which takes the focus */
  right_click (fixture, main_node->children->pdata[main_node->children->len - 1]);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (menu)));
  assert_focus_is (fixture, main_node->children->pdata[main_node->children->len - 1]);
  gtk_popover_popdown (menu);

  /* the menu opens on the focused frame with the Menu key and Shift+F10 */
  gtk_widget_grab_focus (graph);
  ms_flame_graph_set_focus_node (fixture->graph, 0);
  press_key (graph, GDK_KEY_Down, 0);
  press_key (graph, GDK_KEY_Down, 0);
  press_key (graph, GDK_KEY_Menu, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (menu)));
  gtk_popover_popdown (menu);
  gtk_widget_grab_focus (graph);
  press_key (graph, GDK_KEY_F10, GDK_SHIFT_MASK);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (menu)));

  /* Focus on this frame: its label is the root */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (menu), "flame.focus-frame", NULL));
  gtk_popover_popdown (menu);
  wait_for_tree (fixture);
  tree = ms_flame_graph_get_tree (fixture->graph);
  g_assert_true (ms_flame_tree_is_focused (tree));
  g_assert_cmpstr (ms_flame_tree_get_node_label (tree, 0), ==, parse->label);
  g_assert_cmpuint (ms_flame_tree_get_node (tree, 0)->total_bytes, ==, parse->bytes);
  g_assert_nonnull (strstr (gtk_label_get_text (ms_flame_view_get_status_label (fixture->view)), "Focused on “Parse”"));

  /* Reset, then hide "render": no frame of that name is left */
  g_assert_true (gtk_widget_activate_action (graph, "flame.reset", NULL));
  wait_for_tree (fixture);
  g_assert_false (ms_flame_tree_is_focused (ms_flame_graph_get_tree (fixture->graph)));
  g_assert_true (has_label (ms_flame_graph_get_tree (fixture->graph), "render"));
  for (guint i = 0; i < main_node->children->len; i++)
    if (g_str_equal (((TNode *) main_node->children->pdata[i])->label, "render"))
      right_click (fixture, main_node->children->pdata[i]);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (menu)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (menu), "flame.hide-frame", NULL));
  gtk_popover_popdown (menu);
  wait_for_tree (fixture);
  g_assert_false (has_label (ms_flame_graph_get_tree (fixture->graph), "render"));
  g_assert_cmpuint (ms_flame_tree_get_node (ms_flame_graph_get_tree (fixture->graph), 0)->total_bytes, ==,
                    fixture->expected->bytes);

  /* Merge recursion: grow;grow;grow becomes one grow */
  for (guint i = 0; i < main_node->children->len; i++)
    if (g_str_equal (((TNode *) main_node->children->pdata[i])->label, "layout"))
      grow = ((TNode *) main_node->children->pdata[i])->children->pdata[0];
  g_assert_cmpstr (grow->label, ==, "grow");
  g_assert_true (gtk_widget_activate_action (graph, "flame.merge-recursion", NULL));
  wait_for_tree (fixture);
  tree = ms_flame_graph_get_tree (fixture->graph);
  for (guint i = 0; i < ms_flame_tree_get_n_nodes (tree); i++)
    if (g_str_equal (ms_flame_tree_get_node_label (tree, i), "grow"))
      depth = MAX (depth, ms_flame_tree_get_node (tree, i)->depth);
  g_assert_cmpuint (depth, ==, grow->depth);
}

/* Estimated bytes of the samples of @table whose top-down symbol path starts with @path. */
static guint64
bytes_through (const Sample *table,
               guint         n_samples,
               const char   *path)
{
  guint64 bytes = 0;

  for (guint s = 0; s < n_samples; s++)
    {
      g_auto(GStrv) frames = g_strsplit (table[s].stack, ";", -1);
      g_autoptr(GString) full = g_string_new (NULL);

      for (guint i = g_strv_length (frames); i > 0; i--)
        {
          g_autofree char *label = label_of (frames[i - 1], MS_LABEL_MODE_SYMBOL);

          g_string_append_printf (full, "%s;", label);
        }
      if (g_str_has_prefix (full->str, path))
        bytes += table[s].total;
    }
  return bytes;
}

static gboolean
has_deltas (gpointer user_data)
{
  Fixture *fixture = user_data;

  return ms_flame_graph_get_tree (fixture->graph) != NULL
         && ms_flame_graph_get_delta (fixture->graph, 0) != 0;
}

/* The plain tree of the view's options, without deltas, has replaced the diff. */
static gboolean
has_plain_tree (gpointer user_data)
{
  Fixture *fixture = user_data;

  return is_ready (fixture) && !has_deltas (fixture);
}

static void
test_diff (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(MsProfile) baseline = new_profile (baseline_samples, G_N_ELEMENTS (baseline_samples));
  MsFlameTree *tree;
  guint n_grown = 0;
  g_autofree char *text = NULL;

  ms_flame_view_set_diff (fixture->view, baseline, fixture->profile);
  g_assert_true (ms_flame_view_get_baseline (fixture->view) == baseline);
  g_assert_true (ms_test_wait_for (has_deltas, fixture, 10));
  tree = ms_flame_graph_get_tree (fixture->graph);

  /* every drawn frame: the later bytes of its path minus the earlier */
  for (guint i = 1; i < ms_flame_tree_get_n_nodes (tree); i++)
    {
      g_autofree char *path = graph_path (fixture, i);
      double want = (double) bytes_through (samples, G_N_ELEMENTS (samples), path)
                    - (double) bytes_through (baseline_samples, G_N_ELEMENTS (baseline_samples), path);

      g_assert_cmpfloat (ms_flame_graph_get_delta (fixture->graph, i), ==, want);
      n_grown += want > 0;
    }
  g_assert_cmpuint (n_grown, >, 0);
  g_assert_cmpfloat (ms_flame_graph_get_delta (fixture->graph, 0), ==,
                     (double) fixture->expected->bytes - (4096 + 100 + 100 + 300 + 1000));

  /* "render" grew by three samples of 100 bytes */
  for (guint i = 0; i < ms_flame_tree_get_n_nodes (tree); i++)
    if (g_str_equal (ms_flame_tree_get_node_label (tree, i), "render"))
      text = ms_flame_graph_dup_node_text (fixture->graph, i);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "; +300 bytes since the baseline"));

  /* a plain profile again: no deltas */
  ms_flame_view_set_profile (fixture->view, fixture->profile);
  g_assert_null (ms_flame_view_get_baseline (fixture->view));
  g_assert_true (ms_test_wait_for (has_plain_tree, fixture, 10));
  for (guint i = 0; i < ms_flame_tree_get_n_nodes (ms_flame_graph_get_tree (fixture->graph)); i++)
    g_assert_cmpfloat (ms_flame_graph_get_delta (fixture->graph, i), ==, 0);
}

/* A tree given to the graph behind the view's back, as the symbols dialog gives one
 * with the default options once the frames are named: the view builds its own again. */
static void
test_foreign_tree (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(MsProfile) baseline = new_profile (baseline_samples, G_N_ELEMENTS (baseline_samples));
  g_autoptr(MsFlameTree) plain = ms_flame_tree_new (fixture->profile, NULL);
  g_autoptr(MsFlameTree) plain_again = ms_flame_tree_new (fixture->profile, NULL);
  TNode *by_module = expected_tree (MS_LABEL_MODE_MODULE);

  /* default options, as the view's: kept */
  ms_flame_graph_set_tree (fixture->graph, plain);
  ms_test_settle (100);
  g_assert_true (ms_flame_graph_get_tree (fixture->graph) == plain);

  /* the view shows modules: rebuilt with them */
  ms_flame_view_set_label_mode (fixture->view, MS_LABEL_MODE_MODULE);
  wait_for_tree (fixture);
  ms_flame_graph_set_tree (fixture->graph, plain_again);
  g_assert_true (ms_test_wait_for (is_ready, fixture, 10));
  ms_test_settle (50);
  assert_tree_drawn (fixture, by_module, 0, WIDTH);
  ms_flame_view_set_label_mode (fixture->view, MS_LABEL_MODE_SYMBOL);
  wait_for_tree (fixture);

  /* a differential graph gets its deltas back */
  ms_flame_view_set_diff (fixture->view, baseline, fixture->profile);
  g_assert_true (ms_test_wait_for (has_deltas, fixture, 10));
  ms_flame_graph_set_tree (fixture->graph, plain);
  g_assert_false (has_deltas (fixture));
  g_assert_true (ms_test_wait_for (has_deltas, fixture, 10));
  g_assert_true (ms_flame_view_get_baseline (fixture->view) == baseline);
  tnode_free (by_module);
}

static const struct
{
  const char *name;
  void (*func) (Fixture *fixture, gconstpointer data);
} cases[] = {
  { "foreign-tree", test_foreign_tree },
  { "diff", test_diff },
  { "keyboard-focus-path", test_keyboard_focus_path },
  { "accessible-focus", test_accessible_focus },
  { "breadcrumb", test_breadcrumb },
  { "breadcrumb-deep", test_breadcrumb_deep },
  { "live-update", test_live_update },
  { "search-count", test_search_count },
  { "copy-stack", test_copy_stack },
  { "metric-switch", test_metric_switch },
  { "label-mode", test_label_mode },
  { "context-menu", test_context_menu },
};

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* the test backend keeps what the widgets tell assistive technologies, to check */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/ui/flame-view/%s", cases[i].name);

      g_test_add (path, Fixture, NULL, fixture_setup, cases[i].func, fixture_teardown);
    }

  return g_test_run ();
}
