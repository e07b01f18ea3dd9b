/* ms-window-tools.c: the Tools, Alarms and Sizes pages' settings and commands: leak
 * detection as its own step (a baseline, then a count, with the delta of every
 * counter), the pressure-notification switch, the allocation alarm in bytes or blocks
 * with ignore(N), and the histogram's block size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include "ms-window-private.h"

enum
{
  LEAK_COLUMN_NAME,
  LEAK_COLUMN_BASELINE,
  LEAK_COLUMN_NOW,
  LEAK_COLUMN_DELTA,
};

/* Leak detection */

static GHashTable *
counters_table (GArray *counters)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < counters->len; i++)
    {
      const MsCdpDomCounter *counter = &g_array_index (counters, MsCdpDomCounter, i);

      g_hash_table_replace (table, g_strdup (counter->name), g_memdup2 (&counter->count, sizeof (gint64)));
    }
  return table;
}

static const gint64 *
lookup_count (GHashTable *table,
              const char *name)
{
  return table != NULL ? g_hash_table_lookup (table, name) : NULL;
}

/* What a cell of the table shows: the counter, its two readings, now − baseline (a
 * counter that appeared since the baseline counts from 0, as leak-check does). */
static char *
leak_cell_text (MsWindow   *self,
                const char *name,
                guint       column)
{
  const gint64 *baseline = lookup_count (self->leak_baseline, name);
  const gint64 *now = lookup_count (self->leak_now, name);

  switch (column)
    {
    case LEAK_COLUMN_NAME:
      return g_strdup (name);
    case LEAK_COLUMN_BASELINE:
      return baseline ? g_strdup_printf ("%" G_GINT64_FORMAT, *baseline) : g_strdup ("—");
    case LEAK_COLUMN_NOW:
      return now ? g_strdup_printf ("%" G_GINT64_FORMAT, *now) : g_strdup ("—");
    case LEAK_COLUMN_DELTA:
    default:
      if (now == NULL || self->leak_baseline == NULL)
        return g_strdup ("—");
      return g_strdup_printf ("%+" G_GINT64_FORMAT, *now - (baseline ? *baseline : 0));
    }
}

/* The rows: the counters of the latest reading in its order, then any only in the
 * baseline. */
static void
update_leak_rows (MsWindow *self,
                  GArray   *order)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < order->len; i++)
    g_ptr_array_add (names, g_array_index (order, MsCdpDomCounter, i).name);
  if (self->leak_baseline != NULL)
    {
      g_hash_table_iter_init (&iter, self->leak_baseline);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (lookup_count (self->leak_now, key) == NULL &&
            !g_ptr_array_find_with_equal_func (names, key, g_str_equal, NULL))
          g_ptr_array_add (names, key);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->leak_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->leak_names)),
                          (const char * const *) names->pdata);
}

typedef struct
{
  MsWindow *self;
  gboolean  baseline;
} LeakCount;

static void
on_leaks_counted (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LeakCount *count = user_data;
  g_autoptr(MsWindow) self = count->self;
  gboolean baseline = count->baseline;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counters = NULL;

  g_free (count);
  counters = ms_live_target_count_leaks_finish (MS_LIVE_TARGET (object), result, &error);
  if (counters == NULL)
    {
      ms_window_show_error (self, _("Could not count objects"), error);
      return;
    }
  if (baseline)
    {
      g_clear_pointer (&self->leak_baseline, g_hash_table_unref);
      g_clear_pointer (&self->leak_now, g_hash_table_unref);
      self->leak_baseline = counters_table (counters);
      gtk_label_set_text (self->leak_status, _("Baseline set. Use the page, then count again."));
    }
  else
    {
      g_clear_pointer (&self->leak_now, g_hash_table_unref);
      self->leak_now = counters_table (counters);
      gtk_label_set_text (self->leak_status, self->leak_baseline
                          ? _("Counted. Delta: now minus the baseline.")
                          : _("Counted. Set a baseline first to see what grows."));
    }
  update_leak_rows (self, counters);
}

static void
count_leaks (MsWindow *self,
             gboolean  baseline)
{
  LeakCount *count;

  if (self->live == NULL)
    return;
  count = g_new0 (LeakCount, 1);
  count->self = g_object_ref (self);
  count->baseline = baseline;
  gtk_label_set_text (self->leak_status, _("Collecting garbage and counting…"));
  ms_live_target_count_leaks_as_async (self->live, baseline ? "baseline" : "now", self->cancellable,
                                       on_leaks_counted, count);
}

static void
leak_baseline_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  count_leaks (MS_WINDOW (widget), TRUE);
}

static void
leak_count_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  count_leaks (MS_WINDOW (widget), FALSE);
}

void
ms_window_clear_leaks (MsWindow *self)
{
  g_clear_pointer (&self->leak_baseline, g_hash_table_unref);
  g_clear_pointer (&self->leak_now, g_hash_table_unref);
  gtk_string_list_splice (self->leak_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->leak_names)), NULL);
  gtk_label_set_text (self->leak_status, _("Set a baseline, use the page, then count now."));
}

/* Leak counts in an opened recording: the detail of each "leak-counters" action (or
 * format 1 marker), {"counters":{"documents":1,…}}; an older recording has none. */
static void
clear_counter (MsCdpDomCounter *counter)
{
  g_free (counter->name);
}

static GArray *
parse_leak_detail (const char  *detail,
                   char       **role)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *counters;
  GArray *array;

  if (detail == NULL || (root = json_from_string (detail, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "counters") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "counters")))
    return NULL;
  counters = json_object_get_object_member (json_node_get_object (root), "counters");
  *role = g_strdup (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                 "role", NULL));
  array = g_array_new (FALSE, TRUE, sizeof (MsCdpDomCounter));
  g_array_set_clear_func (array, (GDestroyNotify) clear_counter);
  names = json_object_get_members (counters);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (counters, l->data);
      MsCdpDomCounter counter = { g_strdup (l->data), 0 };

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64)
        {
          g_free (counter.name);
          continue;
        }
      counter.count = json_node_get_int (value);
      g_array_append_val (array, counter);
    }
  return array;
}

typedef struct
{
  gint64  time_us;
  GArray *counters;
  char   *role;      /* "baseline", "now", or NULL when the recording does not say */
} RecordedCount;

static void
recorded_count_clear (RecordedCount *count)
{
  g_clear_pointer (&count->counters, g_array_unref);
  g_clear_pointer (&count->role, g_free);
}

static void
add_recorded_count (GArray     *counts,
                    const char *kind,
                    gint64      time_us,
                    const char *detail)
{
  RecordedCount count = { time_us, NULL, NULL };

  if (g_strcmp0 (kind, MS_LIVE_TARGET_MARKER_LEAK_COUNTERS) != 0)
    return;
  count.counters = parse_leak_detail (detail, &count.role);
  if (count.counters != NULL)
    g_array_append_val (counts, count);
}

/* Every leak count of @file, in its order: format 2 actions, or format 1 markers. */
static GArray *
recorded_counts (MsSessionFile *file)
{
  MsRecordingFile *recording = ms_session_file_get_recording (file);
  JsonObject *sampling = ms_session_file_get_sampling (file);
  JsonArray *markers = NULL;
  GArray *counts = g_array_new (FALSE, TRUE, sizeof (RecordedCount));

  g_array_set_clear_func (counts, (GDestroyNotify) recorded_count_clear);
  for (guint i = 0; recording != NULL && i < ms_recording_file_get_n_actions (recording); i++)
    {
      const char *detail = NULL;
      gint64 time_us = 0;
      const char *kind = ms_recording_file_get_action (recording, i, &time_us, &detail);

      add_recorded_count (counts, kind, time_us, detail);
    }
  if (recording == NULL && sampling != NULL && json_object_has_member (sampling, "markers") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (sampling, "markers")))
    markers = json_object_get_array_member (sampling, "markers");
  for (guint i = 0; markers != NULL && i < json_array_get_length (markers); i++)
    {
      JsonNode *node = json_array_get_element (markers, i);
      JsonObject *m = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (m != NULL)
        add_recorded_count (counts, json_object_get_string_member_with_default (m, "kind", NULL),
                            json_object_get_int_member_with_default (m, "time", 0),
                            json_object_get_string_member_with_default (m, "detail", NULL));
    }
  return counts;
}

static char *
clock_text (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("?");
}

/* Which counts the table shows: with roles, what the live table showed when the
 * recording ended (the latest baseline, and the latest count after it); without, the
 * first as the baseline and the last as now. */
static gboolean
has_roles (GArray *counts)
{
  return g_array_index (counts, RecordedCount, 0).role != NULL ||
         g_array_index (counts, RecordedCount, counts->len - 1).role != NULL;
}

static void
pick_recorded_counts (GArray               *counts,
                      const RecordedCount **baseline,
                      const RecordedCount **now)
{
  const RecordedCount *first = &g_array_index (counts, RecordedCount, 0);
  const RecordedCount *last = &g_array_index (counts, RecordedCount, counts->len - 1);

  *baseline = counts->len > 1 ? first : NULL;
  *now = last;
  if (!has_roles (counts))
    return;
  *baseline = *now = NULL;
  for (guint i = 0; i < counts->len; i++)
    {
      const RecordedCount *count = &g_array_index (counts, RecordedCount, i);

      if (g_strcmp0 (count->role, "baseline") == 0)
        {
          *baseline = count;
          *now = NULL;
        }
      else
        *now = count;
    }
}

static char *
recorded_status (GArray              *counts,
                 const RecordedCount *baseline,
                 const RecordedCount *now)
{
  g_autofree char *baseline_clock = baseline ? clock_text (baseline->time_us) : NULL;
  g_autofree char *now_clock = now ? clock_text (now->time_us) : NULL;
  gboolean roles = has_roles (counts);

  if (roles && baseline != NULL && now != NULL)
    /* Translators: both %s are times of day, e.g. 14:03:27 */
    return g_strdup_printf (_("Recorded: the baseline taken at %s, and the count taken at %s."),
                            baseline_clock, now_clock);
  if (roles && baseline != NULL)
    /* Translators: %s is a time of day, e.g. 14:03:27 */
    return g_strdup_printf (_("Recorded: a baseline taken at %s, not counted again before the "
                              "recording ended."), baseline_clock);
  if (roles)
    /* Translators: %s is a time of day, e.g. 14:03:27 */
    return g_strdup_printf (_("Recorded: a count taken at %s, without a baseline."), now_clock);
  if (baseline == NULL)
    /* Translators: %s is a time of day, e.g. 14:03:27 */
    return g_strdup_printf (_("The recording holds one leak count, taken at %s; it is shown as "
                              "now, without a baseline."), now_clock);
  /* Translators: %1$u is the number of leak counts in the recording (2 or more), %2$s and
   * %3$s are times of day, e.g. 14:03:27 */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Recorded: the first of %1$u leak counts, taken at %2$s, "
                                       "is the baseline; the last, taken at %3$s, is now.",
                                       "Recorded: the first of %1$u leak counts, taken at %2$s, "
                                       "is the baseline; the last, taken at %3$s, is now.",
                                       counts->len),
                          counts->len, baseline_clock, now_clock);
}

/**
 * ms_window_show_recorded_leaks:
 *
 * Shows the leak counts an opened recording holds, read-only (see
 * pick_recorded_counts()).
 */
void
ms_window_show_recorded_leaks (MsWindow      *self,
                               MsSessionFile *file)
{
  g_autoptr(GArray) counts = recorded_counts (file);
  const RecordedCount *baseline, *now;
  g_autofree char *status = NULL;

  ms_window_clear_leaks (self);
  if (counts->len == 0)
    {
      gtk_label_set_text (self->leak_status, _("This recording holds no leak counts."));
      return;
    }
  pick_recorded_counts (counts, &baseline, &now);
  if (baseline != NULL)
    self->leak_baseline = counters_table (baseline->counters);
  if (now != NULL)
    self->leak_now = counters_table (now->counters);
  update_leak_rows (self, now != NULL ? now->counters : baseline->counters);
  status = recorded_status (counts, baseline, now);
  gtk_label_set_text (self->leak_status, status);
}

static void
setup_leak_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "ms-column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == LEAK_COLUMN_NAME ? 0.0 : 1.0);
  if (column != LEAK_COLUMN_NAME)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_leak_cell (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                MsWindow                 *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "ms-column"));
  GtkStringObject *name = gtk_list_item_get_item (item);
  g_autofree char *text = leak_cell_text (self, gtk_string_object_get_string (name), column);

  /* Counter names are the browser's: a label's text, never markup. */
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
add_leak_column (MsWindow   *self,
                 guint       column,
                 const char *title)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_object_set_data (G_OBJECT (factory), "ms-column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_leak_cell), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_leak_cell), self, 0);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, column == LEAK_COLUMN_NAME);
  gtk_column_view_append_column (self->leak_view, view_column);
}

static void
init_leak_view (MsWindow *self)
{
  self->leak_names = gtk_string_list_new (NULL);
  gtk_column_view_set_model (self->leak_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->leak_names)))));
  add_leak_column (self, LEAK_COLUMN_NAME, _("Counter"));
  add_leak_column (self, LEAK_COLUMN_BASELINE, _("Baseline"));
  add_leak_column (self, LEAK_COLUMN_NOW, _("Now"));
  add_leak_column (self, LEAK_COLUMN_DELTA, _("Delta"));
  /* The rows are in a list inside the column view: named too, or a screen reader calls
   * it by its class. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->leak_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Leak-detection counters"), -1);
  ms_window_clear_leaks (self);
}

/* Pressure notifications: a switch (win.suppress-pressure) */

static void
on_suppress_sent (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "suppress-pressure");
  gboolean wanted = g_variant_get_boolean (g_action_get_state (action));

  if (!ms_live_target_send_finish (MS_LIVE_TARGET (object), result, &error))
    {
      ms_window_show_error (self, _("The browser refused"), error);
      /* The switch shows what the browser does. */
      g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (!wanted));
      return;
    }
  ms_window_toast (self, "%s", wanted ? _("Memory-pressure notifications suppressed")
                                      : _("Memory-pressure notifications allowed"));
}

static void
suppress_pressure_change_state (GSimpleAction *action,
                                GVariant      *state,
                                gpointer       user_data)
{
  MsWindow *self = MS_WINDOW (user_data);
  gboolean suppress = g_variant_get_boolean (state);

  if (self->live == NULL)
    return;
  g_simple_action_set_state (action, state);
  ms_live_target_send_async (self->live, suppress ? MS_LIVE_COMMAND_SUPPRESS_PRESSURE
                                                  : MS_LIVE_COMMAND_ALLOW_PRESSURE,
                             self->cancellable, on_suppress_sent, g_object_ref (self));
}

/* The allocation alarm, from the settings */

void
ms_window_apply_alarm (MsWindow *self,
                       gboolean  with_ignore)
{
  MsAllocationAlarm *alarm;

  if (self->recorder == NULL)
    return;
  alarm = ms_recorder_get_alarm (self->recorder);
  if (!g_settings_get_boolean (self->settings, "alarm-armed"))
    {
      ms_allocation_alarm_disarm (alarm);
      return;
    }
  if (g_settings_get_enum (self->settings, "alarm-unit") == 1)
    ms_allocation_alarm_arm_blocks (alarm, g_settings_get_uint (self->settings, "alarm-threshold-blocks"),
                                    g_settings_get_uint (self->settings, "alarm-bytes-per-block"));
  else
    ms_allocation_alarm_arm_bytes (alarm, g_settings_get_uint64 (self->settings, "alarm-threshold-bytes"));
  /* Disarming forgets how many were left to skip: arming again asks for them again. */
  if (with_ignore || ms_allocation_alarm_get_ignore_count (alarm) == 0)
    ms_allocation_alarm_ignore (alarm, g_settings_get_uint (self->settings, "alarm-ignore-count"));
}

/* The rows of the unit not chosen are hidden; each says what its threshold is in bytes. */
static void
update_alarm_rows (MsWindow *self)
{
  gboolean blocks = g_settings_get_enum (self->settings, "alarm-unit") == 1;
  guint64 n_blocks = g_settings_get_uint (self->settings, "alarm-threshold-blocks");
  guint64 block = g_settings_get_uint (self->settings, "alarm-bytes-per-block");
  g_autofree char *bytes = g_format_size_full (g_settings_get_uint64 (self->settings, "alarm-threshold-bytes"),
                                               G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *block_bytes = g_format_size_full (n_blocks * block, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *bytes_text = g_strdup_printf (_("At least %s"), bytes);
  g_autofree char *blocks_text = g_strdup_printf (_("At least %s (blocks × bytes per block)"),
                                                  block_bytes);

  gtk_widget_set_visible (GTK_WIDGET (self->alarm_bytes_row), !blocks);
  gtk_widget_set_visible (GTK_WIDGET (self->alarm_blocks_row), blocks);
  gtk_widget_set_visible (GTK_WIDGET (self->alarm_block_size_row), blocks);
  adw_action_row_set_subtitle (self->alarm_bytes_row, bytes_text);
  adw_action_row_set_subtitle (self->alarm_blocks_row, blocks_text);
}

static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     MsWindow   *self)
{
  if (g_str_has_prefix (key, "alarm-"))
    {
      update_alarm_rows (self);
      ms_window_apply_alarm (self, g_str_equal (key, "alarm-ignore-count"));
    }
  else if (g_str_equal (key, "histogram-bytes-per-block"))
    ms_window_rebuild_views (self);
}

guint
ms_window_get_histogram_bytes_per_block (MsWindow *self)
{
  return g_settings_get_uint (self->settings, "histogram-bytes-per-block");
}

static gboolean
get_enum_index (GValue   *value,
                GVariant *variant,
                gpointer  nicks)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; ((const char * const *) nicks)[i] != NULL; i++)
    if (g_str_equal (((const char * const *) nicks)[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
set_enum_index (const GValue       *value,
                const GVariantType *type,
                gpointer            nicks)
{
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length (nicks))
    return NULL;
  return g_variant_new_string (((const char * const *) nicks)[index]);
}

/* An enum key shown by a drop-down or combo row, its items in @nicks' order. */
void
ms_window_bind_enum_selected (GSettings          *settings,
                              const char         *key,
                              gpointer            widget,
                              const char * const *nicks)
{
  g_settings_bind_with_mapping (settings, key, widget, "selected", G_SETTINGS_BIND_DEFAULT,
                                get_enum_index, set_enum_index, (gpointer) nicks, NULL);
}

static void
bind_tool_settings (MsWindow *self)
{
  static const char * const units[] = { "bytes", "blocks", NULL };

  g_settings_bind (self->settings, "alarm-armed", self->alarm_switch, "active", G_SETTINGS_BIND_DEFAULT);
  ms_window_bind_enum_selected (self->settings, "alarm-unit", self->alarm_unit_row, units);
  g_settings_bind (self->settings, "alarm-threshold-bytes", self->alarm_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "alarm-threshold-blocks", self->alarm_blocks_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "alarm-bytes-per-block", self->alarm_block_size_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "alarm-ignore-count", self->alarm_ignore_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "histogram-bytes-per-block", self->histogram_block_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
  update_alarm_rows (self);
}

void
ms_window_init_tools (MsWindow *self)
{
  g_autoptr(GSimpleAction) suppress = NULL;

  init_leak_view (self);
  suppress = g_simple_action_new_stateful ("suppress-pressure", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect_object (suppress, "change-state", G_CALLBACK (suppress_pressure_change_state),
                           self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (suppress));
  bind_tool_settings (self);
}

void
ms_window_finalize_tools (MsWindow *self)
{
  g_clear_pointer (&self->leak_baseline, g_hash_table_unref);
  g_clear_pointer (&self->leak_now, g_hash_table_unref);
  g_clear_object (&self->leak_names);
}

void
ms_window_class_init_tools (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.leak-baseline", NULL, leak_baseline_action);
  gtk_widget_class_install_action (widget_class, "win.leak-count", NULL, leak_count_action);

  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_unit_row);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_bytes_row);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_blocks_row);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_block_size_row);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_blocks_spin);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_block_size_spin);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, alarm_ignore_spin);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, histogram_block_spin);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, leak_view);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, leak_status);
  gtk_widget_class_bind_template_child (widget_class, MsWindow, suppress_switch);
}
