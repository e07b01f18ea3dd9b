/* ms-preferences-window.c: the recording, alarm and symbol settings, bound to GSettings
 *
 * Every row is bound with g_settings_bind(), so a change on either side shows on the
 * other at once; the window reads nothing when it closes. Who uses a key reads it when
 * it needs it (a recording when it starts, symbolizing when it is asked for).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <glib/gi18n.h>

#include "ms-preferences-window.h"
#include "ms-window-private.h"

#define SEARCH_DIRS_KEY "symbol-search-dirs"

struct _MsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template children */
  GtkSpinButton        *sampling_interval_spin;
  GtkSwitch            *suppress_randomness_switch;
  AdwComboRow          *profile_source_row;
  GtkSpinButton        *poll_interval_spin;
  GtkSpinButton        *counter_interval_spin;
  GtkSwitch            *alarm_armed_switch;
  AdwComboRow          *alarm_unit_row;
  AdwActionRow         *alarm_bytes_row;
  AdwActionRow         *alarm_blocks_row;
  AdwActionRow         *alarm_block_size_row;
  GtkSpinButton        *alarm_threshold_bytes_spin;
  GtkSpinButton        *alarm_threshold_blocks_spin;
  GtkSpinButton        *alarm_bytes_per_block_spin;
  GtkSpinButton        *alarm_ignore_spin;
  GtkSpinButton        *histogram_bytes_per_block_spin;
  AdwEntryRow          *executable_row;
  GtkListBox           *search_dirs_list;
  AdwActionRow         *debuginfod_row;
};

G_DEFINE_FINAL_TYPE (MsPreferencesWindow, ms_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* A row counts only for one alarm unit: it is sensitive while that unit is chosen. */
static gboolean
unit_is (GValue   *value,
         GVariant *variant,
         gpointer  user_data)
{
  g_value_set_boolean (value, g_str_equal (g_variant_get_string (variant, NULL), user_data));
  return TRUE;
}

static void
bind_unit_rows (MsPreferencesWindow *self)
{
  const struct { AdwActionRow *row; const char *unit; } rows[] = {
    { self->alarm_bytes_row, "bytes" },
    { self->alarm_blocks_row, "blocks" },
    { self->alarm_block_size_row, "blocks" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_settings_bind_with_mapping (self->settings, "alarm-unit", rows[i].row, "sensitive",
                                  G_SETTINGS_BIND_GET, unit_is, NULL, (gpointer) rows[i].unit, NULL);
}

/* Search directories: a list, rebuilt from the key whenever it changes. */

static void
on_remove_dir_clicked (GtkButton           *button,
                       MsPreferencesWindow *self)
{
  ms_preferences_window_remove_search_dir (self, g_object_get_data (G_OBJECT (button), "ms-path"));
}

static GtkWidget *
search_dir_row_new (MsPreferencesWindow *self,
                    const char          *path)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *name = g_strdup_printf (_("Remove %s"), path);

  /* A path is the user's text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), path);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this directory"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data_full (G_OBJECT (remove), "ms-path", g_strdup (path), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_dir_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static void
on_search_dirs_changed (MsPreferencesWindow *self)
{
  g_auto(GStrv) dirs = g_settings_get_strv (self->settings, SEARCH_DIRS_KEY);
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->search_dirs_list, 0)) != NULL)
    gtk_list_box_remove (self->search_dirs_list, GTK_WIDGET (row));
  for (guint i = 0; dirs[i] != NULL; i++)
    gtk_list_box_append (self->search_dirs_list, search_dir_row_new (self, dirs[i]));
}

void
ms_preferences_window_add_search_dir (MsPreferencesWindow *self,
                                      GFile               *dir)
{
  g_auto(GStrv) dirs = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  g_return_if_fail (MS_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (G_IS_FILE (dir));

  path = g_file_get_path (dir);
  if (path == NULL)
    return;
  dirs = g_settings_get_strv (self->settings, SEARCH_DIRS_KEY);
  if (g_strv_contains ((const char * const *) dirs, path))
    return;
  g_strv_builder_addv (builder, (const char **) dirs);
  g_strv_builder_add (builder, path);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, SEARCH_DIRS_KEY, (const char * const *) updated);
}

void
ms_preferences_window_remove_search_dir (MsPreferencesWindow *self,
                                         const char          *path)
{
  g_auto(GStrv) dirs = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  g_return_if_fail (MS_IS_PREFERENCES_WINDOW (self));

  dirs = g_settings_get_strv (self->settings, SEARCH_DIRS_KEY);
  for (guint i = 0; dirs[i] != NULL; i++)
    if (g_strcmp0 (dirs[i], path) != 0)
      g_strv_builder_add (builder, dirs[i]);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, SEARCH_DIRS_KEY, (const char * const *) updated);
}

static void
on_add_dir_response (GtkNativeDialog     *dialog,
                     int                  response,
                     MsPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) dir = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (dir != NULL)
        ms_preferences_window_add_search_dir (self, dir);
    }
  g_object_unref (dialog);
}

static void
on_add_dir_clicked (MsPreferencesWindow *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Add a Symbol Search Directory"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Add"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_add_dir_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
show_debuginfod (MsPreferencesWindow *self)
{
  const char *urls = g_getenv ("DEBUGINFOD_URLS");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->debuginfod_row), FALSE);
  if (urls != NULL && *urls != '\0')
    {
      /* Translators: %s is the DEBUGINFOD_URLS environment variable's value */
      g_autofree char *text = g_strdup_printf (_("On: files missing here are asked of %s"), urls);

      adw_action_row_set_subtitle (self->debuginfod_row, text);
    }
  else
    adw_action_row_set_subtitle (self->debuginfod_row,
                                 _("Off: set DEBUGINFOD_URLS before starting Memscope to use it"));
}

/* GObject */

static void
bind_settings (MsPreferencesWindow *self)
{
  static const char * const sources[] = { "since-start", "all-time", "browser", NULL };
  static const char * const units[] = { "bytes", "blocks", NULL };
  const struct { const char *key; gpointer widget; const char *property; } bindings[] = {
    { "sampling-interval", self->sampling_interval_spin, "value" },
    { "suppress-randomness", self->suppress_randomness_switch, "active" },
    { "poll-interval", self->poll_interval_spin, "value" },
    { "counter-interval", self->counter_interval_spin, "value" },
    { "alarm-armed", self->alarm_armed_switch, "active" },
    { "alarm-threshold-bytes", self->alarm_threshold_bytes_spin, "value" },
    { "alarm-threshold-blocks", self->alarm_threshold_blocks_spin, "value" },
    { "alarm-bytes-per-block", self->alarm_bytes_per_block_spin, "value" },
    { "alarm-ignore-count", self->alarm_ignore_spin, "value" },
    { "histogram-bytes-per-block", self->histogram_bytes_per_block_spin, "value" },
    { "symbol-executable-path", self->executable_row, "text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_settings_bind (self->settings, bindings[i].key, bindings[i].widget, bindings[i].property,
                     G_SETTINGS_BIND_DEFAULT);
  /* The rows' items in the order of the schema's nicks */
  ms_window_bind_enum_selected (self->settings, "profile-source", self->profile_source_row, sources);
  ms_window_bind_enum_selected (self->settings, "alarm-unit", self->alarm_unit_row, units);
  bind_unit_rows (self);

  g_signal_connect_object (self->settings, "changed::" SEARCH_DIRS_KEY,
                           G_CALLBACK (on_search_dirs_changed), self, G_CONNECT_SWAPPED);
  on_search_dirs_changed (self);
}

static void
ms_preferences_window_dispose (GObject *object)
{
  MsPreferencesWindow *self = MS_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ms_preferences_window_parent_class)->dispose (object);
}

static void
ms_preferences_window_class_init (MsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_preferences_window_dispose;

  /* MsWindow's class registers the resources (once: the registration is not idempotent). */
  g_type_class_unref (g_type_class_ref (MS_TYPE_WINDOW));
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/memscope/Memscope/ms-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, MsPreferencesWindow, name)
  BIND (sampling_interval_spin);
  BIND (suppress_randomness_switch);
  BIND (profile_source_row);
  BIND (poll_interval_spin);
  BIND (counter_interval_spin);
  BIND (alarm_armed_switch);
  BIND (alarm_unit_row);
  BIND (alarm_bytes_row);
  BIND (alarm_blocks_row);
  BIND (alarm_block_size_row);
  BIND (alarm_threshold_bytes_spin);
  BIND (alarm_threshold_blocks_spin);
  BIND (alarm_bytes_per_block_spin);
  BIND (alarm_ignore_spin);
  BIND (histogram_bytes_per_block_spin);
  BIND (executable_row);
  BIND (search_dirs_list);
  BIND (debuginfod_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_add_dir_clicked);
}

static void
ms_preferences_window_init (MsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  bind_settings (self);
  show_debuginfod (self);
}

MsPreferencesWindow *
ms_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (MS_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}

GSettings *
ms_preferences_window_get_settings (MsPreferencesWindow *self)
{
  g_return_val_if_fail (MS_IS_PREFERENCES_WINDOW (self), NULL);

  return self->settings;
}
