/* test-dialogs.c: the Preferences window, symbolizing from the window, the exports and
 * the shortcuts window
 *
 * Expected figures come from the inputs the tests write (plain loops over their own
 * tables), from `nm` and `readelf` for the symbols, never from the code under test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* dladdr() */
#define _GNU_SOURCE

#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ms-application.h"
#include "ms-preferences-window.h"
#include "ms-session-file.h"
#include "ms-snapshot-timeline.h"
#include "ms-symbols-dialog.h"
#include "ms-ui-test-util.h"
#include "ms-window-export.h"
#include "ms-window-private.h"

#define T0 G_GINT64_CONSTANT (1700000000000000)

static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

static void
reset_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

/* Preferences --------------------------------------------------------------- */

typedef enum { ROW_SPIN, ROW_SWITCH, ROW_COMBO, ROW_ENTRY } RowKind;

typedef struct
{
  const char *key;
  const char *child;      /* the template child's id */
  RowKind     kind;
  const char *type;       /* the key's GVariant type */
  double      number;     /* a value to set, other than the default */
  const char *text;       /* for combos: the nick at position @number; for entries: the text */
} PrefRow;

static const PrefRow pref_rows[] = {
  { "sampling-interval", "sampling_interval_spin", ROW_SPIN, "u", 65536, NULL },
  { "suppress-randomness", "suppress_randomness_switch", ROW_SWITCH, "b", 1, NULL },
  { "profile-source", "profile_source_row", ROW_COMBO, "s", 2, "browser" },
  { "poll-interval", "poll_interval_spin", ROW_SPIN, "u", 7, NULL },
  { "counter-interval", "counter_interval_spin", ROW_SPIN, "u", 0, NULL },
  { "alarm-armed", "alarm_armed_switch", ROW_SWITCH, "b", 0, NULL },
  { "alarm-unit", "alarm_unit_row", ROW_COMBO, "s", 1, "blocks" },
  { "alarm-threshold-bytes", "alarm_threshold_bytes_spin", ROW_SPIN, "t", 8589934592.0, NULL },
  { "alarm-threshold-blocks", "alarm_threshold_blocks_spin", ROW_SPIN, "u", 4000000000.0, NULL },
  { "alarm-bytes-per-block", "alarm_bytes_per_block_spin", ROW_SPIN, "u", 32, NULL },
  { "alarm-ignore-count", "alarm_ignore_spin", ROW_SPIN, "u", 3, NULL },
  { "histogram-bytes-per-block", "histogram_bytes_per_block_spin", ROW_SPIN, "u", 64, NULL },
  { "symbol-executable-path", "executable_row", ROW_ENTRY, "s", 0, "/opt/chromium/chrome" },
};

/* The key's value as the row shows it: a number, or a string for combos and entries. */
static void
assert_setting (GSettings     *settings,
                const PrefRow *row,
                double         number,
                const char    *text)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, row->key);

  if (g_str_equal (row->type, "u"))
    g_assert_cmpfloat (g_variant_get_uint32 (value), ==, number);
  else if (g_str_equal (row->type, "t"))
    g_assert_cmpfloat ((double) g_variant_get_uint64 (value), ==, number);
  else if (g_str_equal (row->type, "b"))
    g_assert_cmpint (g_variant_get_boolean (value), ==, number != 0);
  else
    g_assert_cmpstr (g_variant_get_string (value, NULL), ==, text);
}

static void
set_widget (gpointer       widget,
            const PrefRow *row)
{
  switch (row->kind)
    {
    case ROW_SPIN:
      gtk_spin_button_set_value (widget, row->number);
      break;
    case ROW_SWITCH:
      gtk_switch_set_active (widget, row->number != 0);
      break;
    case ROW_COMBO:
      adw_combo_row_set_selected (widget, (guint) row->number);
      break;
    case ROW_ENTRY:
    default:
      gtk_editable_set_text (widget, row->text);
    }
}

static void
assert_widget (gpointer       widget,
               const PrefRow *row,
               double         number,
               const char    *text)
{
  switch (row->kind)
    {
    case ROW_SPIN:
      g_assert_cmpfloat (gtk_spin_button_get_value (widget), ==, number);
      break;
    case ROW_SWITCH:
      g_assert_cmpint (gtk_switch_get_active (widget), ==, number != 0);
      break;
    case ROW_COMBO:
      g_assert_cmpuint (adw_combo_row_get_selected (widget), ==, (guint) number);
      break;
    case ROW_ENTRY:
    default:
      g_assert_cmpstr (gtk_editable_get_text (widget), ==, text);
    }
}

static GVariant *
row_variant (const PrefRow *row)
{
  if (g_str_equal (row->type, "u"))
    return g_variant_new_uint32 ((guint32) row->number);
  if (g_str_equal (row->type, "t"))
    return g_variant_new_uint64 ((guint64) row->number);
  if (g_str_equal (row->type, "b"))
    return g_variant_new_boolean (row->number != 0);
  return g_variant_new_string (row->text);
}

/* One row: the widget sets the key, the key sets the widget. */
static void
test_preferences_row (gconstpointer data)
{
  const PrefRow *row = data;
  MsPreferencesWindow *prefs = ms_preferences_window_new (NULL);
  GSettings *settings = ms_preferences_window_get_settings (prefs);
  gpointer widget = template_child (prefs, MS_TYPE_PREFERENCES_WINDOW, row->child);
  g_autoptr(GVariant) default_value = NULL;
  g_autoptr(GVariant) set_value = g_variant_ref_sink (row_variant (row));

  reset_settings (settings);
  gtk_window_present (GTK_WINDOW (prefs));

  /* Widget to setting */
  set_widget (widget, row);
  assert_setting (settings, row, row->number, row->text);

  /* Back to the default from the setting's side: the widget follows */
  g_settings_reset (settings, row->key);
  default_value = g_settings_get_default_value (settings, row->key);
  g_assert_false (g_variant_equal (default_value, set_value));
  if (row->kind == ROW_SPIN)
    assert_widget (widget, row, g_str_equal (row->type, "t") ? (double) g_variant_get_uint64 (default_value)
                                                             : g_variant_get_uint32 (default_value), NULL);
  else if (row->kind == ROW_SWITCH)
    assert_widget (widget, row, g_variant_get_boolean (default_value), NULL);
  else if (row->kind == ROW_ENTRY)
    assert_widget (widget, row, 0, g_variant_get_string (default_value, NULL));
  else
    assert_widget (widget, row, 0, NULL);  /* every enum's default is its first nick */

  /* Setting to widget */
  if (row->kind == ROW_COMBO)
    g_settings_set_string (settings, row->key, row->text);
  else
    g_settings_set_value (settings, row->key, set_value);
  assert_widget (widget, row, row->number, row->text);

  reset_settings (settings);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* Only the rows of the chosen alarm unit can be changed */
static void
test_preferences_alarm_unit (void)
{
  MsPreferencesWindow *prefs = ms_preferences_window_new (NULL);
  GSettings *settings = ms_preferences_window_get_settings (prefs);
  const char *bytes_rows[] = { "alarm_bytes_row", NULL };
  const char *blocks_rows[] = { "alarm_blocks_row", "alarm_block_size_row", NULL };

  reset_settings (settings);
  gtk_window_present (GTK_WINDOW (prefs));
  for (guint unit = 0; unit < 2; unit++)
    {
      g_settings_set_string (settings, "alarm-unit", unit == 0 ? "bytes" : "blocks");
      for (guint i = 0; bytes_rows[i] != NULL; i++)
        g_assert_cmpint (gtk_widget_get_sensitive (template_child (prefs, MS_TYPE_PREFERENCES_WINDOW,
                                                                   bytes_rows[i])), ==, unit == 0);
      for (guint i = 0; blocks_rows[i] != NULL; i++)
        g_assert_cmpint (gtk_widget_get_sensitive (template_child (prefs, MS_TYPE_PREFERENCES_WINDOW,
                                                                   blocks_rows[i])), ==, unit == 1);
    }
  reset_settings (settings);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static guint
count_rows (GtkListBox *list,
            GStrv      *titles)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, n)) != NULL)
    {
      g_strv_builder_add (builder, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
      n++;
    }
  *titles = g_strv_builder_end (builder);
  return n;
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = GTK_IS_BUTTON (child) ? child : find_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_preferences_search_dirs (void)
{
  MsPreferencesWindow *prefs = ms_preferences_window_new (NULL);
  GSettings *settings = ms_preferences_window_get_settings (prefs);
  GtkListBox *list = template_child (prefs, MS_TYPE_PREFERENCES_WINDOW, "search_dirs_list");
  const char *dirs[] = { "/srv/symbols", "/home/me/chromium/out/Release", NULL };
  g_autoptr(GFile) added = g_file_new_for_path ("/tmp/more-symbols");
  g_auto(GStrv) titles = NULL;
  g_auto(GStrv) stored = NULL;

  reset_settings (settings);
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_cmpuint (count_rows (list, &titles), ==, 0);
  g_clear_pointer (&titles, g_strfreev);

  /* Setting to rows, in order */
  g_settings_set_strv (settings, "symbol-search-dirs", dirs);
  g_assert_cmpuint (count_rows (list, &titles), ==, 2);
  g_assert_cmpstrv (titles, dirs);
  g_clear_pointer (&titles, g_strfreev);

  /* What the folder chooser's response does: appended once, however often chosen */
  ms_preferences_window_add_search_dir (prefs, added);
  ms_preferences_window_add_search_dir (prefs, added);
  stored = g_settings_get_strv (settings, "symbol-search-dirs");
  {
    const char *expected[] = { dirs[0], dirs[1], "/tmp/more-symbols", NULL };

    g_assert_cmpstrv (stored, expected);
  }
  g_assert_cmpuint (count_rows (list, &titles), ==, 3);
  g_clear_pointer (&titles, g_strfreev);
  g_clear_pointer (&stored, g_strfreev);

  /* The first row's remove button */
  g_signal_emit_by_name (find_button (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0))), "clicked");
  stored = g_settings_get_strv (settings, "symbol-search-dirs");
  {
    const char *expected[] = { dirs[1], "/tmp/more-symbols", NULL };

    g_assert_cmpstrv (stored, expected);
  }
  g_assert_cmpuint (count_rows (list, &titles), ==, 2);
  g_assert_cmpstr (titles[0], ==, dirs[1]);

  reset_settings (settings);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* One registered application for the process: a second would be exported on the bus
 * at the same path. */
static MsApplication *
registered_app (void)
{
  static MsApplication *app;

  if (app == NULL)
    {
      g_autoptr(GError) error = NULL;

      app = ms_application_new ();
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }
  return app;
}

/* app.preferences (Ctrl+comma) opens it */
static void
test_preferences_action (void)
{
  MsApplication *app = registered_app ();
  g_auto(GStrv) accels = NULL;
  GList *windows;
  gboolean found = FALSE;

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_cmpstr (accels[0], ==, "<Control>comma");

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  windows = gtk_window_list_toplevels ();
  for (GList *l = windows; l != NULL; l = l->next)
    if (MS_IS_PREFERENCES_WINDOW (l->data))
      {
        found = TRUE;
        gtk_window_destroy (l->data);
      }
  g_list_free (windows);
  g_assert_true (found);
}

/* Shortcuts ----------------------------------------------------------------- */

/* An accelerator as gtk_accelerator_name() writes it; a keypad key as the key it
 * doubles (KP_Left is Left, KP_Enter is Return), which the shortcuts window shows once. */
static char *
accel_name (guint           key,
            GdkModifierType mods)
{
  const char *name = gdk_keyval_name (key);

  if (name != NULL && g_str_has_prefix (name, "KP_"))
    {
      guint main_key = g_str_equal (name, "KP_Enter") ? GDK_KEY_Return
                                                      : gdk_keyval_from_name (name + 3);

      if (main_key != GDK_KEY_VoidSymbol && main_key != 0)
        key = main_key;
    }
  return gtk_accelerator_name (key, mods);
}

static char *
normalize_accel (const char *accel)
{
  guint key = 0;
  GdkModifierType mods = 0;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  return accel_name (key, mods);
}

/* Every GtkShortcutsShortcut: accelerator (each of a space-separated list) → group title */
static void
collect_shown (GtkWidget  *widget,
               const char *group,
               GHashTable *shown)
{
  if (GTK_IS_SHORTCUTS_GROUP (widget))
    g_object_get (widget, "title", &group, NULL);
  else
    group = g_strdup (group);

  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) accels = NULL;

      g_object_get (widget, "accelerator", &accelerator, NULL);
      accels = g_strsplit (accelerator ? accelerator : "", " ", -1);
      for (guint i = 0; accels[i] != NULL; i++)
        if (*accels[i] != '\0')
          g_hash_table_insert (shown, normalize_accel (accels[i]), g_strdup (group));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shown (child, group, shown);
  g_free ((char *) group);
}

/* The key shortcuts our widgets' classes registered (gtk_widget_class_add_binding*()),
 * the window's included, which also carries the application's accelerators:
 * accelerator → the widget's type name. GTK's own widgets (an entry's Ctrl+A) are not
 * ours to list. */
static void
collect_class_shortcuts (GtkWidget  *widget,
                         GHashTable *registered)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  const char *type_name = G_OBJECT_TYPE_NAME (widget);

  for (guint i = 0; g_str_has_prefix (type_name, "Ms") && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          /* GtkWindow's own (the inspector, activate-default) emit signals; ours
           * activate an action or call back */
          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || GTK_IS_SIGNAL_ACTION (gtk_shortcut_get_action (shortcut)))
            continue;
          g_hash_table_insert (registered,
                               accel_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                           gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))),
                               g_strdup (type_name));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_class_shortcuts (child, registered);
}

/* Keys the shortcuts window shows that are a widget's own key handling, not a shortcut:
 * Shift+Enter in the flame graph's search field (ms-flame-view.c). */
static const char * const handled_keys[] = { "<Shift>Return", NULL };

static void
test_shortcuts_window (void)
{
  MsApplication *app = registered_app ();
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) app_accels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) widget_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) actions = NULL;
  GtkShortcutsWindow *overlay;
  GHashTableIter iter;
  gpointer accel, value;
  MsWindow *window;

  window = ms_window_new (ADW_APPLICATION (app));

  /* GtkApplication found gtk/help-overlay.ui and gave it to the window, with Ctrl+? */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  collect_shown (GTK_WIDGET (overlay), NULL, shown);
  g_assert_cmpuint (g_hash_table_size (shown), >, 0);

  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint k = 0; accels[k] != NULL; k++)
        g_hash_table_insert (app_accels, normalize_accel (accels[k]), g_strdup (actions[i]));
    }
  g_assert_true (g_hash_table_contains (app_accels, "<Control>question"));
  collect_class_shortcuts (GTK_WIDGET (window), widget_keys);
  g_assert_true (g_hash_table_contains (widget_keys, "<Control>r"));

  /* Every accelerator registered is shown */
  g_hash_table_iter_init (&iter, app_accels);
  while (g_hash_table_iter_next (&iter, &accel, &value))
    {
      g_test_message ("app accelerator %s → %s", (char *) accel, (char *) value);
      g_assert_true (g_hash_table_contains (shown, accel));
    }
  g_hash_table_iter_init (&iter, widget_keys);
  while (g_hash_table_iter_next (&iter, &accel, &value))
    {
      g_test_message ("widget key %s → %s", (char *) accel, (char *) value);
      g_assert_true (g_hash_table_contains (shown, accel));
    }

  /* Every accelerator shown is registered */
  g_hash_table_iter_init (&iter, shown);
  while (g_hash_table_iter_next (&iter, &accel, &value))
    {
      g_test_message ("shown in %s: %s", (char *) value, (char *) accel);
      g_assert_true (g_hash_table_contains (app_accels, accel) ||
                     g_hash_table_contains (widget_keys, accel) ||
                     g_strv_contains (handled_keys, accel));
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A window showing a session ---------------------------------------------------- */

static gboolean
has_tree (gpointer user_data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) != NULL;
}

static MsWindow *
open_session (GFile *file)
{
  MsWindow *window = ms_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  ms_window_open_file (window, file);
  g_assert_true (ms_test_wait_for (has_tree, window, 20));
  return window;
}

static GFile *
write_session (const char *dir,
               const char *profile_json,
               guint       n_profiles,
               guint       n_counters,
               const guint (*counters)[3])
{
  g_autofree char *path = g_build_filename (dir, "test.memscope", NULL);
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = g_strdup_printf ("{\"id\":1,\"result\":{\"profile\":%s}}", profile_json);
  g_autoptr(GBytes) bytes = g_bytes_new (reply, strlen (reply));
  GFile *file = g_file_new_for_path (path);

  for (guint i = 0; i < n_counters; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"id\":%u,\"result\":{\"documents\":%u,\"nodes\":%u,"
                                               "\"jsEventListeners\":%u}}", i + 2, counters[i][0],
                                               counters[i][1], counters[i][2]);
      g_autoptr(GBytes) counter_bytes = g_bytes_new (text, strlen (text));

      ms_session_file_add_counters_reply (session, T0 + i * 1500 * 1000, counter_bytes, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < n_profiles; i++)
    {
      ms_session_file_add_profile_reply (session, T0 + (5 + i) * G_USEC_PER_SEC,
                                         "Memory.getSamplingProfile", bytes, &error);
      g_assert_no_error (error);
    }
  ms_session_file_save (session, file, NULL, &error);
  g_assert_no_error (error);
  return file;
}

/* Symbols ------------------------------------------------------------------- */

static char *
run_tool (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* The function `nm` says holds @offset: the defined text symbol with a size whose
 * [address, address + size) contains it. */
static char *
nm_function_at (const char *nm_output,
                guint64     offset)
{
  g_auto(GStrv) lines = g_strsplit (nm_output, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      guint64 address, size;

      /* "ADDRESS SIZE TYPE NAME" */
      if (g_strv_length (fields) != 4 || g_ascii_tolower (fields[2][0]) != 't')
        continue;
      address = g_ascii_strtoull (fields[0], NULL, 16);
      size = g_ascii_strtoull (fields[1], NULL, 16);
      if (offset >= address && offset < address + size)
        return g_strdup (fields[3]);
    }
  return NULL;
}

static char *
readelf_build_id (const char *path)
{
  const char *argv[] = { READELF_PATH, "-n", path, NULL };
  g_autofree char *out = run_tool (argv);
  const char *at = strstr (out, "Build ID: ");
  const char *end;

  g_assert_nonnull (at);
  at += strlen ("Build ID: ");
  end = at;
  while (g_ascii_isxdigit (*end))
    end++;
  return g_strndup (at, end - at);
}

static MsSymbolsDialog *
find_symbols_dialog (void)
{
  GList *windows = gtk_window_list_toplevels ();
  MsSymbolsDialog *dialog = NULL;

  for (GList *l = windows; l != NULL; l = l->next)
    if (MS_IS_SYMBOLS_DIALOG (l->data))
      dialog = l->data;
  g_list_free (windows);
  return dialog;
}

static gboolean
symbols_finished (gpointer user_data)
{
  return ms_symbols_dialog_is_finished (user_data);
}

static GPtrArray *
tree_labels (MsFlameTree *tree)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  /* Node 0 is the root, which stands for all samples */
  for (guint i = 1; i < ms_flame_tree_get_n_nodes (tree); i++)
    g_ptr_array_add (labels, g_strdup (ms_flame_tree_get_node_label (tree, i)));
  return labels;
}

static gboolean
labels_contain (GPtrArray  *labels,
                const char *label)
{
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (g_ptr_array_index (labels, i), label))
      return TRUE;
  return FALSE;
}

typedef struct
{
  MsWindow           *window;
  const char * const *names;        /* three */
  MsProfile          *not_profile;  /* the tree must be of another profile than this */
} ExpectedNames;

/* The window's flame graph shows the three names (and the profile asked for) */
static gboolean
shows_names (gpointer user_data)
{
  ExpectedNames *expected = user_data;
  MsFlameTree *tree = ms_flame_graph_get_tree (ms_window_get_flame_graph (expected->window));
  g_autoptr(GPtrArray) labels = NULL;

  if (tree == NULL || ms_flame_tree_get_profile (tree) == expected->not_profile)
    return FALSE;
  labels = tree_labels (tree);
  for (guint i = 0; i < 3; i++)
    if (!labels_contain (labels, expected->names[i]))
      return FALSE;
  return TRUE;
}

static void
test_symbolize (void)
{
  typedef int (*SymtestFunc) (int);
  const char *nm_argv[] = { NM_PATH, "--defined-only", "-S", SYMTEST_LIB, NULL };
  g_autofree char *nm_output = run_tool (nm_argv);
  g_autofree char *build_id = readelf_build_id (SYMTEST_LIB);
  g_autofree char *uuid = g_ascii_strup (build_id, -1);
  g_autofree char *lib_dir = g_path_get_dirname (SYMTEST_LIB);
  g_autofree char *lib_name = g_path_get_basename (SYMTEST_LIB);
  g_autofree char *module = g_build_filename ("/nonexistent", lib_name, NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-dialogs-XXXXXX", &error);
  g_autofree char *json = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(MsSymbolModuleReport) report = NULL;
  const char *search_dirs[] = { lib_dir, NULL };
  void *handle = dlopen (SYMTEST_LIB, RTLD_NOW | RTLD_LOCAL);
  guint64 base, alpha, beta, marker;
  Dl_info info;
  char *expected[3];
  MsSymbolsDialog *dialog;
  MsWindow *window;
  GListModel *modules;
  ExpectedNames expected_names = { NULL, (const char * const *) expected, NULL };

  g_assert_no_error (error);
  g_assert_nonnull (handle);
  g_assert_true (dladdr (dlsym (handle, "ms_symtest_alpha"), &info));
  base = (guintptr) info.dli_fbase;
  alpha = (guintptr) dlsym (handle, "ms_symtest_alpha") - base + 2;  /* inside, not at the entry */
  beta = (guintptr) dlsym (handle, "ms_symtest_beta") - base + 2;
  ((SymtestFunc) dlsym (handle, "ms_symtest_gamma")) (3);
  marker = (guintptr) *(void **) dlsym (handle, "ms_symtest_marker_address") - base;

  /* Leaves are named at their address, callers at the call before their return address */
  expected[0] = nm_function_at (nm_output, alpha);
  expected[1] = nm_function_at (nm_output, beta);
  expected[2] = nm_function_at (nm_output, marker - 1);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_nonnull (expected[i]);
      g_test_message ("nm names frame %u %s", i, expected[i]);
    }

  /* The module by a path that does not exist: only the search directory has it */
  json = g_strdup_printf ("{\"samples\":["
                          "{\"size\":16,\"total\":4096,\"stack\":[\"0x%" G_GINT64_MODIFIER "x <unknown>\",\"0x%" G_GINT64_MODIFIER "x <unknown>\"]},"
                          "{\"size\":32,\"total\":8192,\"stack\":[\"0x%" G_GINT64_MODIFIER "x <unknown>\",\"0x%" G_GINT64_MODIFIER "x <unknown>\"]}],"
                          "\"modules\":[{\"name\":\"%s\",\"uuid\":\"%s0\",\"baseAddress\":\"0x%" G_GINT64_MODIFIER "x\",\"size\":1048576}]}",
                          base + alpha, base + marker, base + beta, base + marker, module, uuid, base);
  file = write_session (dir, json, 2, 0, NULL);

  reset_settings (settings);
  g_settings_set_strv (settings, "symbol-search-dirs", search_dirs);
  g_settings_set_string (settings, "symbol-executable-path", "/nonexistent");

  window = open_session (file);
  /* The timeline selects the newest profile, loaded again from the file */
  ms_test_settle (500);
  expected_names.window = window;
  before = tree_labels (ms_flame_graph_get_tree (ms_window_get_flame_graph (window)));
  for (guint i = 0; i < 3; i++)
    g_assert_false (labels_contain (before, expected[i]));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.symbolize", NULL));
  dialog = find_symbols_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (ms_test_wait_for (symbols_finished, dialog, 30));
  g_assert_no_error ((GError *) ms_symbols_dialog_get_error (dialog));
  g_assert_true (ms_test_wait_for (shows_names, &expected_names, 20));

  /* The flame graph names the frames as nm does, and nothing else besides */
  after = tree_labels (ms_flame_graph_get_tree (ms_window_get_flame_graph (window)));
  g_assert_cmpuint (after->len, ==, 3);  /* gamma, called by nothing here, calls alpha and beta */
  for (guint i = 0; i < after->len; i++)
    g_assert_true (g_str_equal (g_ptr_array_index (after, i), expected[0]) ||
                   g_str_equal (g_ptr_array_index (after, i), expected[1]) ||
                   g_str_equal (g_ptr_array_index (after, i), expected[2]));
  for (guint i = 0; i < 3; i++)
    g_assert_true (labels_contain (after, expected[i]));

  /* The progress bar ended on the one module the profile's frames are in */
  {
    GtkProgressBar *bar = template_child (dialog, MS_TYPE_SYMBOLS_DIALOG, "progress_bar");

    g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), ==, 1.0);
    g_assert_cmpstr (gtk_progress_bar_get_text (bar), ==, "1 of 1 modules");
  }

  /* The module list: the one module, its build-id as readelf reads it, found in the
   * search directory */
  modules = ms_symbols_dialog_get_modules (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (modules), ==, 1);
  {
    g_autoptr(MsSymbolsModuleItem) item = g_list_model_get_item (modules, 0);

    report = ms_symbol_module_report_ref (ms_symbols_module_item_get_report (item));
  }
  g_assert_cmpstr (ms_symbol_module_report_get_module_name (report), ==, module);
  g_assert_cmpstr (ms_symbol_module_report_get_build_id (report), ==, build_id);
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_SEARCH_DIR);
  g_assert_cmpuint (ms_symbol_module_report_get_n_resolved (report), ==, 3);

  /* The other snapshot of the timeline, loaded anew from the file: named as well */
  {
    MsSnapshotTimeline *timeline = ms_window_get_snapshot_timeline (window);
    /* Held, so that the next profile cannot take its address */
    g_autoptr(MsProfile) shown = g_object_ref (ms_flame_tree_get_profile (
                                   ms_flame_graph_get_tree (ms_window_get_flame_graph (window))));
    g_autoptr(GPtrArray) other = NULL;

    g_assert_nonnull (timeline);
    ms_snapshot_timeline_set_selected (timeline, ms_snapshot_timeline_get_selected (timeline) == 0 ? 1 : 0);
    expected_names.not_profile = shown;
    g_assert_true (ms_test_wait_for (shows_names, &expected_names, 20));
    other = tree_labels (ms_flame_graph_get_tree (ms_window_get_flame_graph (window)));
    g_assert_cmpuint (other->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      g_assert_true (labels_contain (other, expected[i]));
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < 3; i++)
    g_free (expected[i]);
  reset_settings (settings);
  dlclose (handle);
  g_assert_cmpint (g_unlink (g_file_peek_path (file)), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* One frame in a module no search finds. */
#define GONE_MODULE_JSON \
  "{\"samples\":[{\"size\":16,\"total\":4096,\"stack\":[\"0x10010 <unknown>\"]}]," \
  "\"modules\":[{\"name\":\"/nonexistent/libgone.so\"," \
  "\"uuid\":\"00112233445566778899AABBCCDDEEFF001122330\"," \
  "\"baseAddress\":\"0x10000\",\"size\":4096}]}"

/* Without the search directory the module is not found: the dialog says so and the
 * names stay as they were. */
static void
test_symbolize_not_found (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-dialogs-XXXXXX", &error);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(MsSymbolsModuleItem) item = NULL;
  MsSymbolsDialog *dialog;
  MsWindow *window;

  g_assert_no_error (error);
  reset_settings (settings);
  file = write_session (dir, GONE_MODULE_JSON, 1, 0, NULL);
  window = open_session (file);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.symbolize", NULL));
  dialog = find_symbols_dialog ();
  g_assert_true (ms_test_wait_for (symbols_finished, dialog, 30));
  g_assert_no_error ((GError *) ms_symbols_dialog_get_error (dialog));
  item = g_list_model_get_item (ms_symbols_dialog_get_modules (dialog), 0);
  g_assert_nonnull (item);
  g_assert_cmpint (ms_symbol_module_report_get_status (ms_symbols_module_item_get_report (item)),
                   ==, MS_SYMBOL_MODULE_NO_ELF_FOUND);
  after = tree_labels (ms_flame_graph_get_tree (ms_window_get_flame_graph (window)));
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (after, 0), ==, "libgone.so+0x10");

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (g_unlink (g_file_peek_path (file)), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The folders of Preferences are searched after /usr/lib/debug, which Preferences says
 * is always searched: they add to it, they do not replace it. */
static void
test_symbolize_search_dirs (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-dialogs-XXXXXX", &error);
  const char *configured[] = { "/srv/symbols", "/home/me/out/Release", NULL };
  const char *expected[] = { "/usr/lib/debug", "/srv/symbols", "/home/me/out/Release", NULL };
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) searched = NULL;
  MsSymbolsDialog *dialog;
  MsWindow *window;

  g_assert_no_error (error);
  reset_settings (settings);
  g_settings_set_strv (settings, "symbol-search-dirs", configured);
  file = write_session (dir, GONE_MODULE_JSON, 1, 0, NULL);
  window = open_session (file);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.symbolize", NULL));
  dialog = find_symbols_dialog ();
  g_assert_true (ms_test_wait_for (symbols_finished, dialog, 30));
  searched = ms_symbolizer_dup_search_dirs (ms_symbols_dialog_get_symbolizer (dialog));
  g_assert_cmpstrv (searched, expected);

  /* And with no folder configured, /usr/lib/debug alone. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_pointer (&searched, g_strfreev);
  g_settings_reset (settings, "symbol-search-dirs");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.symbolize", NULL));
  dialog = find_symbols_dialog ();
  g_assert_true (ms_test_wait_for (symbols_finished, dialog, 30));
  searched = ms_symbolizer_dup_search_dirs (ms_symbols_dialog_get_symbolizer (dialog));
  {
    const char *only_default[] = { "/usr/lib/debug", NULL };
    g_assert_cmpstrv (searched, only_default);
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (g_unlink (g_file_peek_path (file)), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Cancelled at once, or nothing shown: it ends with that error and renames nothing. */
static void
test_symbolize_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-dialogs-XXXXXX", &error);
  const char *json = "{\"samples\":[{\"size\":16,\"total\":4096,\"stack\":[\"0x10010 <unknown>\"]}],"
                     "\"modules\":[{\"name\":\"" SYMTEST_LIB "\","
                     "\"uuid\":\"00112233445566778899AABBCCDDEEFF001122330\","
                     "\"baseAddress\":\"0x10000\",\"size\":4096}]}";
  g_autoptr(GFile) file = NULL;
  MsFlameTree *before;
  MsSymbolsDialog *dialog;
  MsWindow *window;

  g_assert_no_error (error);
  file = write_session (dir, json, 1, 0, NULL);
  window = open_session (file);
  /* The timeline selects the newest profile, loaded again from the file */
  ms_test_settle (500);
  before = ms_flame_graph_get_tree (ms_window_get_flame_graph (window));

  dialog = ms_symbols_dialog_new (GTK_WINDOW (window));
  ms_symbols_dialog_symbolize (dialog, ms_window_get_flame_graph (window));
  ms_symbols_dialog_cancel (dialog);
  g_assert_true (ms_test_wait_for (symbols_finished, dialog, 30));
  g_assert_error ((GError *) ms_symbols_dialog_get_error (dialog), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (ms_symbols_dialog_get_modules (dialog)), ==, 0);
  g_assert_true (ms_flame_graph_get_tree (ms_window_get_flame_graph (window)) == before);
  g_assert_cmpstr (ms_flame_tree_get_node_label (before, 1), ==, "libmssymtest.so+0x10");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A window that shows nothing */
  window = ms_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.symbolize", NULL));
  dialog = find_symbols_dialog ();
  g_assert_true (ms_symbols_dialog_is_finished (dialog));
  g_assert_error ((GError *) ms_symbols_dialog_get_error (dialog), G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (ms_symbols_dialog_get_error (dialog)->message, ==,
                   "No profile is shown: record or open one first");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpint (g_unlink (g_file_peek_path (file)), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Exports ------------------------------------------------------------------- */

typedef struct
{
  guint64     size;
  guint64     total;
  const char *stack[4];  /* leaf first, as the browser sends them; NULL-terminated */
} Sample;

static const Sample export_samples[] = {
  { 24, 49152, { "malloc_leaf", "build_list", "main", NULL } },
  { 24, 16384, { "malloc_leaf", "build_list", "main", NULL } },
  { 4096, 4096, { "grow_buffer", "main", NULL } },
  { 300, 65536, { "grow_buffer", "parse", "main", NULL } },
  { 2000000, 2000000, { "huge_alloc", NULL } },
};

static const guint export_counters[][3] = {
  { 1, 100, 10 },
  { 2, 250, 12 },
  { 3, 400, 20 },
};

static char *
export_profile_json (void)
{
  GString *json = g_string_new ("{\"samples\":[");
  guint address = 0x1000;

  for (guint i = 0; i < G_N_ELEMENTS (export_samples); i++)
    {
      g_string_append_printf (json, "%s{\"size\":%" G_GUINT64_FORMAT ",\"total\":%" G_GUINT64_FORMAT
                              ",\"stack\":[", i ? "," : "", export_samples[i].size,
                              export_samples[i].total);
      for (guint k = 0; export_samples[i].stack[k] != NULL; k++)
        g_string_append_printf (json, "%s\"0x%x %s\"", k ? "," : "", address += 16,
                                export_samples[i].stack[k]);
      g_string_append (json, "]}");
    }
  g_string_append (json, "],\"modules\":[]}");
  return g_string_free (json, FALSE);
}

typedef struct
{
  char     *dir;
  GFile    *session;
  MsWindow *window;
} ExportFixture;

static void
export_fixture_set_up (ExportFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = export_profile_json ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  reset_settings (settings);
  fixture->dir = g_dir_make_tmp ("memscope-export-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->session = write_session (fixture->dir, json, 1, G_N_ELEMENTS (export_counters),
                                    export_counters);
  fixture->window = open_session (fixture->session);
}

static void
export_fixture_tear_down (ExportFixture *fixture,
                          gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
  g_object_unref (fixture->session);
}

static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  MsWindow *window;
  char     *toast;
} ToastWait;

static gboolean
shows_toast (gpointer user_data)
{
  ToastWait *wait = user_data;

  return shows_label (GTK_WIDGET (wait->window), wait->toast);
}

/* Through what the chooser's response runs; done when its toast names the file */
static char *
export_through_response (ExportFixture  *fixture,
                         MsWindowExport  format,
                         const char     *name,
                         gsize          *length)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  ToastWait wait = { fixture->window, g_strdup_printf ("Exported to %s", path) };
  char *contents = NULL;

  ms_window_export_to_file (fixture->window, format, file);
  g_assert_true (ms_test_wait_for (shows_toast, &wait, 20));
  g_free (wait.toast);
  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_export_folded (ExportFixture *fixture,
                    gconstpointer  data)
{
  g_autofree char *text = export_through_response (fixture, MS_WINDOW_EXPORT_FOLDED, "stacks.folded", NULL);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) got = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTableIter iter;
  gpointer key, value;

  /* Root first, ';'-separated, a space and the bytes; equal stacks summed */
  for (guint i = 0; i < G_N_ELEMENTS (export_samples); i++)
    {
      g_autoptr(GString) stack = g_string_new (NULL);
      guint n = g_strv_length ((char **) export_samples[i].stack);
      guint64 *sum;

      for (guint k = n; k > 0; k--)
        g_string_append_printf (stack, "%s%s", k < n ? ";" : "", export_samples[i].stack[k - 1]);
      sum = g_hash_table_lookup (expected, stack->str);
      if (sum == NULL)
        g_hash_table_insert (expected, g_strdup (stack->str), sum = g_new0 (guint64, 1));
      *sum += export_samples[i].total;
    }

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');
      guint64 *count;

      if (*lines[i] == '\0')
        continue;
      g_assert_nonnull (space);
      count = g_new (guint64, 1);
      *count = g_ascii_strtoull (space + 1, NULL, 10);
      g_hash_table_insert (got, g_strndup (lines[i], space - lines[i]), count);
    }

  g_assert_cmpuint (g_hash_table_size (got), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 *count = g_hash_table_lookup (got, key);

      g_test_message ("%s %" G_GUINT64_FORMAT, (char *) key, *(guint64 *) value);
      g_assert_nonnull (count);
      g_assert_cmpuint (*count, ==, *(guint64 *) value);
    }
}

static void
test_export_svg (ExportFixture *fixture,
                 gconstpointer  data)
{
  g_autofree char *text = export_through_response (fixture, MS_WINDOW_EXPORT_FLAME_SVG, "flame.svg", NULL);
  static const GMarkupParser no_op = { NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&no_op, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;

  /* Well-formed XML, an SVG, naming every frame */
  g_markup_parse_context_parse (context, text, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "<svg"));
  for (guint i = 0; i < G_N_ELEMENTS (export_samples); i++)
    for (guint k = 0; export_samples[i].stack[k] != NULL; k++)
      g_assert_nonnull (strstr (text, export_samples[i].stack[k]));
}

/* The next export's chooser starts in the folder of the last export. */
static void
test_export_remembers_folder (ExportFixture *fixture,
                              gconstpointer  data)
{
  g_autofree char *text = export_through_response (fixture, MS_WINDOW_EXPORT_FOLDED, "first.folded", NULL);
  g_autoptr(GFile) expected = g_file_new_for_path (fixture->dir);
  g_autoptr(GFile) folder = NULL;
  GtkWindow *chooser;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.export", "s", "svg"));
  chooser = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (gtk_window_get_toplevels ()); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (gtk_window_get_toplevels (), i);

      if (GTK_IS_FILE_CHOOSER (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        chooser = toplevel;
    }
  g_assert_nonnull (chooser);
  ms_test_settle (300);
  folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (folder);
  g_assert_true (g_file_equal (folder, expected));
  gtk_window_close (chooser);
  ms_test_settle (100);
}

static gboolean
is_bottom_up (gpointer user_data)
{
  MsFlameTree *tree = ms_flame_graph_get_tree (user_data);

  return tree != NULL && ms_flame_tree_get_direction (tree) == MS_FLAME_DIRECTION_BOTTOM_UP;
}

static guint
find_node (MsFlameTree *tree,
           guint        depth,
           const char  *label)
{
  guint n_nodes;
  const MsFlameNode *nodes = ms_flame_tree_get_nodes (tree, &n_nodes);

  for (guint i = 0; i < n_nodes; i++)
    if (nodes[i].depth == depth && g_str_equal (ms_flame_tree_get_node_label (tree, i), label))
      return i;
  g_error ("no frame %s at depth %u", label, depth);
}

/* The SVG is the view: bottom-up, zoomed on the allocating frame grow_buffer (its
 * subtree the root, at the top), widths in samples, coloured by the difference from a
 * baseline. Expected from the samples table: the stacks through grow_buffer as their
 * leaf, read leaf first, one sample each. */
static void
test_export_svg_view (ExportFixture *fixture,
                      gconstpointer  data)
{
  MsFlameGraph *graph = ms_window_get_flame_graph (fixture->window);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRegex) frame = g_regex_new ("<g><title>([^ ]+) \\([^<]*</title><rect x=\"([0-9.]+)\" "
                                         "y=\"([0-9.]+)\" width=\"([0-9.]+)\" height=\"16\" "
                                         "fill=\"rgb\\(([0-9]+),([0-9]+),([0-9]+)\\)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree double *deltas = NULL;
  g_autofree char *text = NULL;
  MsFlameTree *tree;
  guint zoom, parse, n_frames = 0, n_root = 0;

  for (guint i = 0; i < G_N_ELEMENTS (export_samples); i++)
    {
      /* "grow_buffer/main", "grow_buffer/parse/main": frame names by depth */
      g_autoptr(GString) path = g_string_new (NULL);

      if (!g_str_equal (export_samples[i].stack[0], "grow_buffer"))
        continue;
      n_root++;
      for (guint k = 0; export_samples[i].stack[k] != NULL; k++)
        {
          guint count;

          g_string_append_printf (path, "%s%s", k ? "/" : "", export_samples[i].stack[k]);
          count = GPOINTER_TO_UINT (g_hash_table_lookup (expected, path->str));
          g_hash_table_insert (expected, g_strdup (path->str), GUINT_TO_POINTER (count + 1));
        }
    }
  g_assert_cmpuint (n_root, ==, 2);

  g_action_group_change_action_state (G_ACTION_GROUP (fixture->window), "flame-graph-direction",
                                      g_variant_new_string ("bottom-up"));
  g_assert_true (ms_test_wait_for (is_bottom_up, graph, 20));
  tree = ms_flame_graph_get_tree (graph);
  ms_flame_graph_set_value (graph, MS_FLAME_VALUE_SAMPLES);
  zoom = find_node (tree, 1, "grow_buffer");
  parse = find_node (tree, 2, "parse");
  ms_flame_graph_zoom_to_node (graph, zoom);
  deltas = g_new0 (double, ms_flame_tree_get_n_nodes (tree));
  deltas[zoom] = -4096;
  deltas[parse] = 65536;
  ms_flame_graph_set_deltas (graph, deltas, ms_flame_tree_get_n_nodes (tree));

  text = export_through_response (fixture, MS_WINDOW_EXPORT_FLAME_SVG, "view.svg", NULL);
  g_regex_match (frame, text, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL), n_frames++)
    {
      g_autofree char *name = g_match_info_fetch (match, 1);
      g_autofree char *x = g_match_info_fetch (match, 2);
      g_autofree char *y = g_match_info_fetch (match, 3);
      g_autofree char *w = g_match_info_fetch (match, 4);
      int rgb[3];
      guint depth = (guint) ((g_ascii_strtod (y, NULL) - 36) / 17 + 0.5);
      double width = g_ascii_strtod (w, NULL);
      g_autoptr(GString) path = g_string_new ("grow_buffer");
      guint count;

      for (guint k = 0; k < 3; k++)
        {
          g_autofree char *c = g_match_info_fetch (match, 5 + k);

          rgb[k] = atoi (c);
        }
      /* Which stack: the frames above, at the same left edge or to its left */
      if (depth == 2)
        g_string_append (path, "/parse/main");
      else if (depth == 1)
        g_string_append_printf (path, "/%s", name);
      g_test_message ("%s at depth %u, x %s, width %s, rgb(%d,%d,%d)", name, depth, x, w,
                      rgb[0], rgb[1], rgb[2]);
      count = GPOINTER_TO_UINT (g_hash_table_lookup (expected, path->str));
      g_assert_cmpuint (count, >, 0);
      g_assert_true (g_str_has_suffix (path->str, name));
      /* 1200 wide less two 10-pixel margins, shared by the root's samples */
      g_assert_cmpfloat_with_epsilon (width, 1180.0 * count / n_root, 0.01);
      if (g_str_equal (path->str, "grow_buffer"))
        g_assert_cmpint (rgb[2], >, rgb[0] + 20);      /* shrank: blue */
      else if (g_str_equal (path->str, "grow_buffer/parse"))
        g_assert_cmpint (rgb[0], >, rgb[2] + 20);      /* grew: red */
      else
        g_assert_cmpint (MIN (rgb[0], MIN (rgb[1], rgb[2])), >, 200);  /* unchanged: pale */
    }
  g_assert_cmpuint (n_frames, ==, g_hash_table_size (expected));
}

static gboolean
has_size (gpointer user_data)
{
  return gtk_widget_get_width (user_data) > 0 && gtk_widget_get_mapped (user_data);
}

static void
test_export_png (ExportFixture *fixture,
                 gconstpointer  data)
{
  GtkWidget *graph = GTK_WIDGET (ms_window_get_flame_graph (fixture->window));
  g_autofree char *path = g_build_filename (fixture->dir, "flame.png", NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *pixels = NULL;
  int width, height, row_height, n_rows;
  guint n_drawn_rows = 0;
  gsize length = 0;
  g_autofree char *png = NULL;

  /* The counters' page is shown: the export shows the flame graph's, then draws it */
  g_assert_false (gtk_widget_get_mapped (graph));
  png = export_through_response (fixture, MS_WINDOW_EXPORT_FLAME_PNG, "flame.png", &length);
  g_assert_true (has_size (graph));
  width = gtk_widget_get_width (graph);
  height = gtk_widget_get_height (graph);

  g_assert_cmpuint (length, >, 8);
  g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);

  /* As many rows of bars as the deepest stack has frames, plus the root's: a row is
   * drawn when its pixels are not all the background's (the bottom-right corner is
   * below every bar, each bar being narrower than the graph or starting at its left). */
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  row_height = ms_flame_graph_get_row_height (MS_FLAME_GRAPH (graph));
  n_rows = height / row_height;
  for (int r = 0; r < n_rows; r++)
    {
      int y = r * row_height + row_height / 2;
      gboolean drawn = FALSE;

      for (int x = 0; x < width && !drawn; x++)
        drawn = memcmp (pixels + ((gsize) y * width + x) * 4,
                        pixels + ((gsize) (height - 1) * width + width - 1) * 4, 4) != 0;
      n_drawn_rows += drawn;
    }
  g_assert_cmpuint (n_drawn_rows, ==, 3 + 1);
}

static void
test_export_counters_csv (ExportFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *text = export_through_response (fixture, MS_WINDOW_EXPORT_COUNTERS_CSV,
                                                   "counters.csv", NULL);
  g_autoptr(GString) expected = g_string_new ("time,documents,nodes,jsEventListeners\r\n");

  for (guint i = 0; i < G_N_ELEMENTS (export_counters); i++)
    {
      gint64 t = T0 + i * 1500 * 1000;

      g_string_append_printf (expected, "%" G_GINT64_FORMAT ".%03d,%u,%u,%u\r\n",
                              t / G_USEC_PER_SEC, (int) (t % G_USEC_PER_SEC / 1000),
                              export_counters[i][0], export_counters[i][1], export_counters[i][2]);
    }
  g_assert_cmpstr (text, ==, expected->str);
}

static void
test_export_histogram_csv (ExportFixture *fixture,
                           gconstpointer  data)
{
  g_autofree char *text = export_through_response (fixture, MS_WINDOW_EXPORT_HISTOGRAM_CSV,
                                                   "histogram.csv", NULL);
  g_autoptr(GString) expected = g_string_new ("lower_bound_bytes,upper_bound_bytes,samples,"
                                              "estimated_allocations,estimated_bytes\r\n");
  guint64 counts[16] = { 0 }, bytes[16] = { 0 };
  double allocations[16] = { 0 };

  /* 16 bytes per block, the default: class i holds sizes up to 16·2^i, the last the rest */
  for (guint i = 0; i < G_N_ELEMENTS (export_samples); i++)
    {
      guint b = 0;

      while (b < 15 && export_samples[i].size > ((guint64) 16 << b))
        b++;
      counts[b]++;
      bytes[b] += export_samples[i].total;
      allocations[b] += (double) export_samples[i].total / export_samples[i].size;
    }
  /* Class b holds sizes above 16·2^(b-1) (0 for the first); the last has no upper bound. */
  for (guint b = 0; b < 16; b++)
    {
      g_autofree char *upper = b < 15 ? g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) 16 << b)
                                      : g_strdup ("");

      g_string_append_printf (expected, "%" G_GUINT64_FORMAT ",%s,%" G_GUINT64_FORMAT ",%.0f,%"
                              G_GUINT64_FORMAT "\r\n", b == 0 ? 0 : (guint64) 16 << (b - 1), upper,
                              counts[b], allocations[b], bytes[b]);
    }
  g_assert_cmpstr (text, ==, expected->str);
}

/* Bad exports: each fails with its own error and leaves what was at the path. */
typedef struct
{
  const char     *name;
  MsWindowExport  format;
  gboolean        empty_window;   /* a window showing nothing */
  gboolean        missing_folder; /* the path's folder does not exist */
  int             domain_code;    /* G_IO_ERROR_* */
  const char     *message;        /* a substring of the error's message */
} BadExport;

static const BadExport bad_exports[] = {
  { "folded-nothing-shown", MS_WINDOW_EXPORT_FOLDED, TRUE, FALSE, G_IO_ERROR_NOT_FOUND,
    "no profile is shown" },
  { "histogram-nothing-shown", MS_WINDOW_EXPORT_HISTOGRAM_CSV, TRUE, FALSE, G_IO_ERROR_NOT_FOUND,
    "no profile is shown" },
  { "counters-nothing-shown", MS_WINDOW_EXPORT_COUNTERS_CSV, TRUE, FALSE, G_IO_ERROR_NOT_FOUND,
    "no counters are shown" },
  { "png-window-hidden", MS_WINDOW_EXPORT_FLAME_PNG, FALSE, FALSE, G_IO_ERROR_NOT_INITIALIZED,
    "the flame graph is not on screen: the window is hidden" },
  { "svg-missing-folder", MS_WINDOW_EXPORT_FLAME_SVG, FALSE, TRUE, G_IO_ERROR_NOT_FOUND, NULL },
};

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} ExportResult;

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ExportResult *export = user_data;

  export->ok = ms_window_export_finish (MS_WINDOW (object), result, &export->error);
  export->done = TRUE;
}

static gboolean
export_done (gpointer user_data)
{
  return ((ExportResult *) user_data)->done;
}

static void
test_export_bad (ExportFixture *fixture,
                 gconstpointer  data)
{
  const BadExport *bad = data;
  g_autofree char *path = g_build_filename (fixture->dir, bad->missing_folder ? "no/such" : "kept",
                                            "out", NULL);
  g_autoptr(GFile) file = NULL;
  g_autofree char *contents = NULL;
  MsWindow *window = fixture->window;
  ExportResult export = { 0 };

  if (!bad->missing_folder)
    {
      g_autofree char *kept = g_build_filename (fixture->dir, "kept", NULL);

      g_assert_cmpint (g_mkdir (kept, 0700), ==, 0);
      g_assert_true (g_file_set_contents (path, "already here", -1, NULL));
    }
  file = g_file_new_for_path (path);
  if (bad->empty_window)
    {
      window = ms_window_new (NULL);
      gtk_window_present (GTK_WINDOW (window));
    }
  else if (bad->format == MS_WINDOW_EXPORT_FLAME_PNG)
    gtk_widget_set_visible (GTK_WIDGET (window), FALSE);

  ms_window_export_async (window, bad->format, file, NULL, on_exported, &export);
  g_assert_true (ms_test_wait_for (export_done, &export, 20));
  g_assert_false (export.ok);
  g_assert_error (export.error, G_IO_ERROR, bad->domain_code);
  if (bad->message != NULL)
    g_assert_nonnull (strstr (export.error->message, bad->message));
  g_clear_error (&export.error);

  if (!bad->missing_folder)
    {
      g_autofree char *kept = g_path_get_dirname (path);

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, "already here");
      g_assert_cmpint (g_unlink (path), ==, 0);
      g_assert_cmpint (g_rmdir (kept), ==, 0);
    }
  if (bad->empty_window)
    gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  for (guint i = 0; i < G_N_ELEMENTS (pref_rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/ui/preferences/bind/%s", pref_rows[i].key);

      g_test_add_data_func (path, &pref_rows[i], test_preferences_row);
    }
  g_test_add_func ("/memscope/ui/preferences/search-dirs", test_preferences_search_dirs);
  g_test_add_func ("/memscope/ui/preferences/alarm-unit-rows", test_preferences_alarm_unit);
  g_test_add_func ("/memscope/ui/preferences/action", test_preferences_action);
  g_test_add_func ("/memscope/ui/shortcuts/both-ways", test_shortcuts_window);
  g_test_add_func ("/memscope/ui/symbols/names-as-nm", test_symbolize);
  g_test_add_func ("/memscope/ui/symbols/not-found", test_symbolize_not_found);
  g_test_add_func ("/memscope/ui/symbols/search-dirs-add-to-default", test_symbolize_search_dirs);
  g_test_add_func ("/memscope/ui/symbols/cancelled-or-nothing-shown", test_symbolize_cancelled);
  g_test_add ("/memscope/ui/export/folded", ExportFixture, NULL, export_fixture_set_up,
              test_export_folded, export_fixture_tear_down);
  g_test_add ("/memscope/ui/export/svg", ExportFixture, NULL, export_fixture_set_up,
              test_export_svg, export_fixture_tear_down);
  g_test_add ("/memscope/ui/export/remembers-folder", ExportFixture, NULL, export_fixture_set_up,
              test_export_remembers_folder, export_fixture_tear_down);
  g_test_add ("/memscope/ui/export/svg-as-shown", ExportFixture, NULL, export_fixture_set_up,
              test_export_svg_view, export_fixture_tear_down);
  g_test_add ("/memscope/ui/export/png", ExportFixture, NULL, export_fixture_set_up,
              test_export_png, export_fixture_tear_down);
  g_test_add ("/memscope/ui/export/counters-csv", ExportFixture, NULL, export_fixture_set_up,
              test_export_counters_csv, export_fixture_tear_down);
  g_test_add ("/memscope/ui/export/histogram-csv", ExportFixture, NULL, export_fixture_set_up,
              test_export_histogram_csv, export_fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (bad_exports); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/ui/export/bad/%s", bad_exports[i].name);

      g_test_add (path, ExportFixture, &bad_exports[i], export_fixture_set_up, test_export_bad,
                  export_fixture_tear_down);
    }

  return g_test_run ();
}
