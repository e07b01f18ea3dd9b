/* ms-ui-test-window.c: finding what the window shows, for the window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
#include "ms-window-private.h"

static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

GPtrArray *
ms_test_collect_labels (GtkWidget *widget)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  collect_labels (widget, texts);
  return texts;
}

gboolean
ms_test_shows_text (GtkWidget  *widget,
                    const char *text)
{
  g_autoptr(GPtrArray) texts = ms_test_collect_labels (widget);

  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;
  return FALSE;
}

gboolean
ms_test_shows_sequence (GtkWidget          *widget,
                        const char * const *wanted)
{
  g_autoptr(GPtrArray) texts = ms_test_collect_labels (widget);
  guint n = g_strv_length ((char **) wanted);

  for (guint i = 0; i + n <= texts->len; i++)
    {
      guint j = 0;

      while (j < n && g_str_equal (g_ptr_array_index (texts, i + j), wanted[j]))
        j++;
      if (j == n)
        return TRUE;
    }
  return FALSE;
}

gboolean
ms_test_shows_toast (MsWindow   *window,
                     const char *prefix)
{
  g_autoptr(GPtrArray) texts = ms_test_collect_labels (GTK_WIDGET (window->toast_overlay));

  for (guint i = 0; i < texts->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (texts, i), prefix))
      return TRUE;
  return FALSE;
}

gboolean
ms_test_shows_page (MsWindow   *window,
                    const char *name)
{
  return g_str_equal (gtk_stack_get_visible_child_name (window->main_stack), name);
}

AdwMessageDialog *
ms_test_find_message_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)) &&
          gtk_window_get_transient_for (toplevel) == parent)
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

void
ms_test_answer_dialog (MsWindow   *window,
                       const char *response)
{
  AdwMessageDialog *dialog = ms_test_find_message_dialog (GTK_WINDOW (window));

  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  ms_test_settle (50);
}

GtkWindow *
ms_test_find_file_chooser (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)) &&
          gtk_window_get_transient_for (toplevel) == parent)
        return toplevel;
    }
  return NULL;
}

typedef struct
{
  gboolean  done;
  GError   *error;
} SaveResult;

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  SaveResult *save = user_data;

  ms_window_save_to_file_finish (MS_WINDOW (object), result, &save->error);
  save->done = TRUE;
}

static gboolean
is_saved (gpointer user_data)
{
  return ((SaveResult *) user_data)->done;
}

GError *
ms_test_save_window (MsWindow *window,
                     GFile    *file)
{
  SaveResult save = { 0 };

  ms_window_save_to_file_async (window, file, on_saved, &save);
  g_assert_true (ms_test_wait_for (is_saved, &save, 30));
  return save.error;
}

void
ms_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        ms_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer user_data)
{
  return *(gboolean *) user_data;
}

/* Waits until @widget's window has laid out and painted a frame that began after this
 * call: a page just switched to is allocated then (before, a custom widget such as the
 * flame graph has no size and draws nothing) and its first picture is drawn. */
void
ms_test_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  gtk_widget_queue_resize (widget);
  gtk_widget_queue_draw (widget);
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT | GDK_FRAME_CLOCK_PHASE_PAINT);
  g_assert_true (ms_test_wait_for (is_true, &painted, 10));
  g_signal_handler_disconnect (clock, id);
  /* Work a frame started (a layout finished on a worker thread) lands in the next one. */
  ms_test_settle (100);
}

GdkTexture *
ms_test_take_screenshot (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width = 0, height = 0;

  paintable = gtk_widget_paintable_new (widget);
  /* A window just presented (a dialog, slower under the sanitizers) may not have drawn its
   * first picture after one frame: the paintable has nothing then; wait frames until it has. */
  for (guint frame = 0; node == NULL && frame < 100; frame++)
    {
      ms_test_wait_for_frame (widget);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      g_assert_cmpint (width, >, 0);
      g_assert_cmpint (height, >, 0);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

void
ms_test_save_texture (GdkTexture *texture,
                      const char *name)
{
  const char *dir = g_getenv ("MEMSCOPE_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

void
ms_test_save_screenshot (GtkWidget  *widget,
                         const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (g_getenv ("MEMSCOPE_SCREENSHOT_DIR") == NULL || !gtk_widget_get_mapped (widget))
    return;
  texture = ms_test_take_screenshot (widget);
  ms_test_save_texture (texture, name);
}
