/* test-flame-tree-options.c: a tree says which options it was built with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ms-flame-tree.h"
#include "ms-profile.h"

static const char profile_json[] =
  "{\"samples\": ["
  "{\"size\": 10, \"total\": 100, \"stack\": [\"0x1010 malloc\", \"0x1100 grow\", \"0x1100 grow\", \"0x3100 main\"]},"
  "{\"size\": 20, \"total\": 200, \"stack\": [\"0x1010 malloc\", \"0x3200 render\", \"0x3100 main\"]}"
  "], \"modules\": []}";

/* One option of the tree's changed per row: each must say "not built with these". */
typedef struct
{
  const char       *name;
  MsFlameDirection  direction;
  MsLabelMode       label_mode;
  gboolean          collapse_recursion;
  const char       *focus;
  const char       *hide;
  gboolean          same;
} Row;

/* The tree of every row: bottom-up, addresses, recursion merged, focused on
 * "0x3100", "0x1010" hidden. */
static const Row rows[] = {
  { "same", MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_ADDRESS, TRUE, "0x3100", "^0x1010$", TRUE },
  { "direction", MS_FLAME_DIRECTION_TOP_DOWN, MS_LABEL_MODE_ADDRESS, TRUE, "0x3100", "^0x1010$", FALSE },
  { "label-mode", MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_SYMBOL, TRUE, "0x3100", "^0x1010$", FALSE },
  { "recursion", MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_ADDRESS, FALSE, "0x3100", "^0x1010$", FALSE },
  { "focus", MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_ADDRESS, TRUE, "0x1100", "^0x1010$", FALSE },
  { "no-focus", MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_ADDRESS, TRUE, NULL, "^0x1010$", FALSE },
  { "hide", MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_ADDRESS, TRUE, "0x3100", "^0x3200$", FALSE },
  { "no-hide", MS_FLAME_DIRECTION_BOTTOM_UP, MS_LABEL_MODE_ADDRESS, TRUE, "0x3100", NULL, FALSE },
};

static void
fill_options (MsFlameTreeOptions *options,
              const Row          *row)
{
  ms_flame_tree_options_init (options);
  options->direction = row->direction;
  options->label_mode = row->label_mode;
  options->collapse_recursion = row->collapse_recursion;
  options->focus = row->focus;
  options->hide = row->hide ? g_regex_new (row->hide, 0, 0, NULL) : NULL;
}

static void
test_row (gconstpointer data)
{
  const Row *row = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = ms_profile_new_from_data (profile_json, strlen (profile_json), &error);
  g_autoptr(MsFlameTree) tree = NULL;
  MsFlameTreeOptions built, asked;

  g_assert_no_error (error);
  fill_options (&built, &rows[0]);
  tree = ms_flame_tree_new (profile, &built);
  fill_options (&asked, row);

  g_assert_cmpint (ms_flame_tree_was_built_with (tree, &asked), ==, row->same);

  g_clear_pointer (&built.hide, g_regex_unref);
  g_clear_pointer (&asked.hide, g_regex_unref);
}

/* NULL options are the defaults, as for ms_flame_tree_new(). */
static void
test_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = ms_profile_new_from_data (profile_json, strlen (profile_json), &error);
  g_autoptr(MsFlameTree) plain = NULL;
  g_autoptr(MsFlameTree) built = NULL;
  MsFlameTreeOptions options;

  g_assert_no_error (error);
  plain = ms_flame_tree_new (profile, NULL);
  g_assert_true (ms_flame_tree_was_built_with (plain, NULL));
  fill_options (&options, &rows[0]);
  built = ms_flame_tree_new (profile, &options);
  g_assert_false (ms_flame_tree_was_built_with (built, NULL));
  g_clear_pointer (&options.hide, g_regex_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/flame-tree-options/%s", rows[i].name);

      g_test_add_data_func (path, &rows[i], test_row);
    }
  g_test_add_func ("/memscope/flame-tree-options/defaults", test_defaults);

  return g_test_run ();
}
