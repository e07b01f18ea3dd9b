/* test-screenshots.c: each page of the window while it records the demo page in a real
 * headless Chromium, and each of its dialogs, as a picture that shows real data
 *
 * Every picture is checked: where the page shows its data (the flame graph, the
 * charts, the histogram, the tables) it is not blank, and the data behind it is real
 * (profiles, counter readings and alarms from the browser, leak counters by name).
 * With MEMSCOPE_SCREENSHOT_DIR set the pictures are kept there as PNG
 * (build-aux/run-tests.sh keeps them with the test logs; data/screenshots/ holds a
 * copy for the metainfo and the README).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ms-application.h"
#include "ms-browser-launcher.h"
#include "ms-preferences-window.h"
#include "ms-symbols-dialog.h"
#include "ms-ui-test-browser.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
#include "ms-window-private.h"

/* Enough of a recording for each page to show something over time: the page leaks
 * every half second, a profile comes every two seconds, the counters every second;
 * the chart spans a minute. */
#define MIN_PROFILES 8
#define MIN_COUNTER_POINTS 58

typedef struct
{
  MsApplication *app;
  MsWindow      *window;
  SoupServer    *server;
} Fixture;

static gboolean
has_recorded_enough (gpointer user_data)
{
  MsWindow *window = user_data;
  MsRecorder *recorder = ms_window_get_recorder (window);
  MsCounterSeries *series = ms_counter_chart_get_series (ms_window_get_counter_chart (window));

  return recorder != NULL && ms_recorder_get_profiles (recorder)->len >= MIN_PROFILES &&
         ms_recorder_get_alarms (recorder)->len >= 1 && series != NULL &&
         ms_counter_series_get_n_points (series, "nodes") >= MIN_COUNTER_POINTS &&
         ms_flame_graph_get_tree (ms_window_get_flame_graph (window)) != NULL;
}

static gboolean
has_leak_counters (gpointer user_data)
{
  MsWindow *window = user_data;

  return window->leak_now != NULL && g_list_model_get_n_items (G_LIST_MODEL (window->leak_names)) > 0;
}

static gboolean
has_tree (gpointer user_data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (user_data)) != NULL;
}

static gboolean
is_null (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

static gboolean
symbols_finished (gpointer user_data)
{
  return ms_symbols_dialog_is_finished (user_data);
}

/* The share of the pixels of @texture inside @widget's bounds in @window that differ
 * from the most common colour there: 0 for a blank area. */
static double
busy_share (GdkTexture *texture,
            GtkWidget  *window,
            GtkWidget  *widget)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  graphene_rect_t bounds;
  guint most = 0, total = 0;
  int x0, y0, x1, y1;

  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  x0 = CLAMP ((int) bounds.origin.x, 0, width);
  y0 = CLAMP ((int) bounds.origin.y, 0, height);
  x1 = CLAMP ((int) (bounds.origin.x + bounds.size.width), 0, width);
  y1 = CLAMP ((int) (bounds.origin.y + bounds.size.height), 0, height);
  g_assert_cmpint (x1 - x0, >, 50);
  g_assert_cmpint (y1 - y0, >, 20);

  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        gpointer key = GUINT_TO_POINTER (pixels[(gsize) y * width + x]);
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)) + 1;

        g_hash_table_insert (counts, key, GUINT_TO_POINTER (n));
        most = MAX (most, n);
        total++;
      }
  return 1.0 - (double) most / total;
}

/* @toplevel as shown, kept as NAME when asked for; its @area shows more than
 * @min_share of pixels off its background. An alarm's toast (the page keeps making
 * large allocations) is sent away first; when another came while the picture was
 * taken, it is taken again. */
static void
check_screenshot (MsWindow   *window,
                  GtkWidget  *toplevel,
                  GtkWidget  *area,
                  double      min_share,
                  const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;
  double share;

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      if (window->alarm_toast != NULL)
        adw_toast_dismiss (window->alarm_toast);
      ms_test_settle (600);
      g_clear_object (&texture);
      texture = ms_test_take_screenshot (toplevel);
      if (window->alarm_toast == NULL)
        break;
    }
  g_assert_null (window->alarm_toast);
  share = busy_share (texture, toplevel, area);
  g_test_message ("%s: %.1f%% of %s off its background", name, 100 * share,
                  G_OBJECT_TYPE_NAME (area));
  g_assert_cmpfloat (share, >, min_share);
  ms_test_save_texture (texture, name);
}

/* Scrolls the page that holds @widget to its end. */
static void
scroll_to_end (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  ms_test_wait_for_frame (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
}

static void
show_page (Fixture    *f,
           const char *page)
{
  adw_view_stack_set_visible_child_name (f->window->view_stack, page);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (f->window->view_stack), ==, page);
}

/* The toplevel of type @type over the window, once shown. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_mapped (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

static gboolean
has_toplevel (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

/* Launch the demo page through the window, record until every page has data, take a
 * leak baseline early and count at the end; then no alarm toast over the pictures. */
static void
record_demo_page (Fixture *f)
{
  g_autofree char *url = NULL;

  f->server = ms_test_serve_demo_page (&url);
  ms_window_set_launch_url (f->window, url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.launch", NULL));
  g_assert_true (ms_test_wait_for (has_tree, f->window, 120));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leak-baseline", NULL));
  g_assert_true (ms_test_wait_for (has_recorded_enough, f->window, 180));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leak-count", NULL));
  g_assert_true (ms_test_wait_for (has_leak_counters, f->window, 60));

  /* Any other toast (the leak count's) times out. */
  ms_test_settle (6000);
}

static void
check_window_pages (Fixture *f)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  guint n_alarm_rows = 0;

  g_assert_true (ms_test_shows_text (GTK_WIDGET (f->window->leak_view), "live_nodes"));
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (f->window->alarms_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    n_alarm_rows += GTK_IS_LIST_BOX_ROW (row);
  g_assert_cmpuint (n_alarm_rows, >=, 1);

  /* The live window: the flame graph of the latest profile fills its area. */
  show_page (f, "flame");
  check_screenshot (f->window, window, GTK_WIDGET (ms_window_get_flame_graph (f->window)), 0.3,
                    "window-flame-graph.png");
  show_page (f, "counters");
  check_screenshot (f->window, window, GTK_WIDGET (ms_window_get_counter_chart (f->window)), 0.01,
                    "window-counters.png");
  show_page (f, "histogram");
  check_screenshot (f->window, window, GTK_WIDGET (ms_window_get_histogram_view (f->window)), 0.02,
                    "window-histogram.png");
  show_page (f, "alarms");
  check_screenshot (f->window, window, GTK_WIDGET (f->window->alarms_list), 0.01,
                    "window-alarms.png");
  show_page (f, "tools");
  scroll_to_end (GTK_WIDGET (f->window->leak_view));
  check_screenshot (f->window, window, GTK_WIDGET (f->window->leak_view), 0.01,
                    "window-leak-table.png");
  show_page (f, "flame");
}

static void
check_dialogs (Fixture *f)
{
  GtkWindow *dialog;

  /* Preferences (app.preferences, Ctrl+comma) */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  g_assert_true (ms_test_wait_for (has_toplevel,
                                   GSIZE_TO_POINTER (MS_TYPE_PREFERENCES_WINDOW), 10));
  dialog = find_toplevel (MS_TYPE_PREFERENCES_WINDOW);
  gtk_window_set_default_size (dialog, 640, 540);
  check_screenshot (f->window, GTK_WIDGET (dialog), GTK_WIDGET (dialog), 0.02, "preferences.png");
  gtk_window_destroy (dialog);

  /* Symbols of the shown profile: each module of the browser, where it was found. The
   * system's libraries are where a user would point Preferences to. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    const char *dirs[] = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", NULL };

    g_assert_true (g_settings_set_strv (settings, "symbol-search-dirs", dirs));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.symbolize", NULL));
  dialog = find_toplevel (MS_TYPE_SYMBOLS_DIALOG);
  g_assert_nonnull (dialog);
  /* Wide enough for where each module was looked for, unshortened. */
  gtk_window_set_default_size (dialog, 1060, 220);
  g_assert_true (ms_test_wait_for (symbols_finished, dialog, 120));
  g_assert_null (ms_symbols_dialog_get_error (MS_SYMBOLS_DIALOG (dialog)));
  g_assert_cmpuint (g_list_model_get_n_items (ms_symbols_dialog_get_modules (MS_SYMBOLS_DIALOG (dialog))),
                    >=, 2);
  check_screenshot (f->window, GTK_WIDGET (dialog), GTK_WIDGET (dialog), 0.02, "symbols.png");
  gtk_window_destroy (dialog);

  /* The shortcuts window (Ctrl+?) */
  dialog = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window)));
  g_assert_nonnull (dialog);
  gtk_window_present (dialog);
  check_screenshot (f->window, GTK_WIDGET (dialog), GTK_WIDGET (dialog), 0.02, "shortcuts.png");
  gtk_window_close (dialog);

  /* About (app.about) */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  g_assert_true (ms_test_wait_for (has_toplevel,
                                   GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), 10));
  dialog = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  check_screenshot (f->window, GTK_WIDGET (dialog), GTK_WIDGET (dialog), 0.02, "about.png");
  gtk_window_destroy (dialog);
}

static void
test_every_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *browser = ms_browser_launcher_find_browser (NULL, &error);
  Fixture f = { 0 };
  MsWindow *window;

  if (browser == NULL)
    {
      g_test_skip (error->message);
      return;
    }

  f.app = ms_application_new ();
  g_application_register (G_APPLICATION (f.app), NULL, &error);
  g_assert_no_error (error);
  f.window = ms_window_new (ADW_APPLICATION (f.app));
  gtk_window_present (GTK_WINDOW (f.window));

  record_demo_page (&f);
  check_window_pages (&f);
  check_dialogs (&f);

  /* Closed without asking: sampling stops and the browser the window launched goes. */
  window = f.window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (f.window));
  g_assert_true (ms_test_wait_for (is_null, &window, 60));
  g_clear_object (&f.server);
  g_clear_object (&f.app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("memscope-ui-data-XXXXXX", NULL);
  int status;

  /* The window records into $XDG_DATA_HOME/memscope/recordings: a folder of the test. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/memscope/ui/screenshots/every-page", test_every_page);

  status = g_test_run ();
  ms_test_remove_tree (data_home);
  return status;
}
