/* ms-window-recording.c: the file a live recording is written to: where it goes, what
 * becomes of it when the recording ends, copies of it, and recordings left behind by a
 * Memscope that stopped while recording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ms-recording-writer.h"
#include "ms-window-private.h"

#define COPY_BUFFER_SIZE (256 * 1024)
/* Where the interrupted recordings that were opened again go, so they are not offered
 * again: a folder inside the recordings folder. */
#define RECOVERED_FOLDER "recovered"

/* Where */

char *
ms_window_dup_recordings_dir (MsWindow *self)
{
  g_autofree char *chosen = g_settings_get_string (self->settings, "recording-folder");

  if (chosen != NULL && *chosen != '\0')
    return g_steal_pointer (&chosen);
  return g_build_filename (g_get_user_data_dir (), "memscope", "recordings", NULL);
}

/* "example.org" for a page of example.org; the file's name without its extension for a
 * local page; "page" when the URL says nothing better. Only characters that are safe
 * in a file name everywhere. */
static char *
page_name (MsLiveTarget *live)
{
  MsCdpTarget *target = ms_live_target_get_target (live);
  const char *url = target ? ms_cdp_target_get_url (target) : ms_live_target_get_launch_url (live);
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  g_autofree char *name = NULL;

  if (host != NULL && *host != '\0')
    name = g_strdup (host);
  else if (uri != NULL && strlen (g_uri_get_path (uri)) > 1)
    {
      char *dot;

      name = g_path_get_basename (g_uri_get_path (uri));
      if ((dot = strrchr (name, '.')) != NULL && dot != name)
        *dot = '\0';
    }
  if (name == NULL || *name == '\0' || *name == '.')
    {
      g_free (name);
      name = g_strdup ("page");
    }
  g_strcanon (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", '-');
  return g_steal_pointer (&name);
}

/* DIR/PAGE-YYYY-MM-DD-HHMM.memscope, or with -2, -3… when that exists. */
static GFile *
new_recording_file (MsWindow    *self,
                    GError     **error)
{
  g_autofree char *dir = ms_window_dup_recordings_dir (self);
  g_autofree char *page = page_name (self->live);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d-%H%M");

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the recordings folder “%s”: %s"), dir,
                   g_strerror (saved_errno));
      return NULL;
    }
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s-%s.memscope", page, stamp)
                                     : g_strdup_printf ("%s-%s-%u.memscope", page, stamp, n);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_file_new_for_path (path);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("The recordings folder “%s” already holds a thousand recordings of %s from this minute"),
               dir, page);
  return NULL;
}

gboolean
ms_window_set_recording_file (MsWindow  *self,
                              GError   **error)
{
  g_autoptr(GFile) file = new_recording_file (self, error);

  return file != NULL && ms_recorder_set_output (self->recorder, file, 0, error);
}

/* While it records into the file, the window holds a lock on it: the lock goes when the
 * process does, so a file without the lock and without its end is an interrupted one. */
void
ms_window_lock_recording_file (MsWindow *self)
{
  GFile *output = self->recorder ? ms_recorder_get_output (self->recorder) : NULL;
  int fd;

  ms_window_release_recording_file (self);
  if (output == NULL)
    return;
  fd = open (g_file_peek_path (output), O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      fd = -1;
    }
  self->recording_lock = fd;
}

void
ms_window_release_recording_file (MsWindow *self)
{
  if (self->recording_lock >= 0)
    close (self->recording_lock);
  self->recording_lock = -1;
}

gboolean
ms_window_is_recording (MsWindow *self)
{
  MsRecorderState state = self->recorder ? ms_recorder_get_state (self->recorder)
                                         : MS_RECORDER_STATE_IDLE;

  return state == MS_RECORDER_STATE_STARTING || state == MS_RECORDER_STATE_RECORDING ||
         state == MS_RECORDER_STATE_STOPPING;
}

/* Ending a recording: keep, discard or cancel */

typedef struct
{
  MsWindow              *self;
  MsWindowConfirmedFunc  then;
  gpointer               data;
  GDestroyNotify         destroy_data;
  GFile                 *file;
  gboolean               discard;
} Ending;

static void
ending_free (Ending *ending)
{
  if (ending->destroy_data != NULL)
    ending->destroy_data (ending->data);
  g_clear_object (&ending->file);
  g_clear_object (&ending->self);
  g_free (ending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ending, ending_free)

static void
ending_run (Ending *ending)
{
  ending->then (ending->self, ending->data);
}

static void
ending_finish (Ending *ending)
{
  g_autoptr(GError) error = NULL;

  ms_window_release_recording_file (ending->self);
  if (ending->discard && ending->file != NULL &&
      !g_file_delete (ending->file, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    ms_window_show_error (ending->self, _("Could not delete the recording"), error);
  ending_run (ending);
  ending_free (ending);
}

static void
on_ending_stopped (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Ending *ending = user_data;
  g_autoptr(GError) error = NULL;

  /* Data recorded so far is in the file even when stopping failed (the browser went). */
  if (!ms_recorder_stop_finish (MS_RECORDER (object), result, &error))
    g_debug ("Stopping the recording: %s", error->message);
  ending_finish (ending);
}

static void
on_ending_answered (MsWindow   *self,
                    const char *response,
                    gpointer    data)
{
  Ending *asked = data;
  Ending *ending;

  if (!g_str_equal (response, "keep") && !g_str_equal (response, "discard"))
    return;

  /* The dialog frees what it was given: what follows outlives it. */
  ending = g_memdup2 (asked, sizeof *asked);
  asked->destroy_data = NULL;
  asked->self = NULL;
  asked->file = NULL;
  ending->discard = g_str_equal (response, "discard");
  if (self->recorder != NULL && ending->file == NULL && ms_recorder_get_output (self->recorder))
    ending->file = g_object_ref (ms_recorder_get_output (self->recorder));

  if (self->recorder != NULL && ms_recorder_get_state (self->recorder) == MS_RECORDER_STATE_RECORDING)
    ms_recorder_stop_async (self->recorder, NULL, on_ending_stopped, ending);
  else
    {
      /* Starting or already stopping: letting go of the live target stops it. */
      ms_window_close_live (self);
      ending_finish (ending);
    }
}

void
ms_window_end_recording_then (MsWindow              *self,
                              MsWindowConfirmedFunc  then,
                              gpointer               data,
                              GDestroyNotify         destroy_data)
{
  static const MsWindowResponse responses[] = {
    { "cancel", N_("_Cancel"), ADW_RESPONSE_DEFAULT },
    { "discard", N_("_Discard"), ADW_RESPONSE_DESTRUCTIVE },
    { "keep", N_("_Keep"), ADW_RESPONSE_SUGGESTED },
    { NULL }
  };
  Ending *ending;
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *body = NULL;
  GFile *output;

  if (!ms_window_is_recording (self))
    {
      then (self, data);
      if (destroy_data != NULL)
        destroy_data (data);
      return;
    }

  ending = g_new0 (Ending, 1);
  ending->self = g_object_ref (self);
  ending->then = then;
  ending->data = data;
  ending->destroy_data = destroy_data;

  output = ms_recorder_get_output (self->recorder);
  if (output != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (output);

      name = g_file_get_basename (output);
      dir = g_file_get_parse_name (parent);
      /* Translators: the first %s is a file name, the second a folder. */
      body = g_strdup_printf (_("The recording “%s” in %s is still running. Keep it, or delete it? "
                                "Either way sampling stops in the browser."), name, dir);
    }
  else
    body = g_strdup (_("The recording is still running and is not in a file. Keep it in this "
                       "window, or discard it? Either way sampling stops in the browser."));
  ms_window_ask (self, _("Stop the Recording?"), body, responses, on_ending_answered,
                 ending, (GDestroyNotify) ending_free);
}

/* Interrupted recordings */

typedef struct
{
  char   *path;
  gint64  mtime;
} Found;

static void
found_free (Found *found)
{
  g_free (found->path);
  g_free (found);
}

static int
found_newest_first (gconstpointer a,
                    gconstpointer b)
{
  const Found *fa = *(Found * const *) a;
  const Found *fb = *(Found * const *) b;

  return fa->mtime < fb->mtime ? 1 : fa->mtime > fb->mtime ? -1 : 0;
}

/* A recording nobody records into (no lock on it) that was never closed, or ends torn.
 * Anything that is not a recording, or is damaged, is not ours to offer. */
static gboolean
is_interrupted (const char *path)
{
  g_autoptr(MsRecordingFile) recording = NULL;
  gboolean interrupted = FALSE;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      recording = ms_recording_file_new_for_path (path, NULL);
      interrupted = recording != NULL && (!ms_recording_file_get_closed (recording) ||
                                          ms_recording_file_get_torn_tail (recording) != NULL);
    }
  close (fd);
  return interrupted;
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *dir_path = task_data;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      GStatBuf st;
      Found *item;

      if (!g_str_has_suffix (name, ".memscope") || g_stat (path, &st) != 0 ||
          !S_ISREG (st.st_mode) || !is_interrupted (path))
        continue;
      item = g_new0 (Found, 1);
      item->path = g_steal_pointer (&path);
      item->mtime = st.st_mtime;
      g_ptr_array_add (found, item);
    }
  g_ptr_array_sort (found, found_newest_first);
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
}

static void offer_next_interrupted (MsWindow *self);

/* Moved aside before it is opened, so it is not offered again. */
static GFile *
move_to_recovered (GFile   *file,
                   GError **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GFile) folder = g_file_get_child (parent, RECOVERED_FOLDER);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(GFile) moved = g_file_get_child (folder, name);

  if (g_mkdir_with_parents (g_file_peek_path (folder), 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                   g_strerror (saved_errno));
      return NULL;
    }
  if (!g_file_move (file, moved, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&moved);
}

static void
on_interrupted_answered (MsWindow   *self,
                         const char *response,
                         gpointer    data)
{
  GFile *file = data;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "open"))
    {
      g_autoptr(GFile) moved = move_to_recovered (file, &error);

      g_queue_clear_full (&self->interrupted, g_object_unref);
      if (moved == NULL)
        ms_window_show_error (self, _("Could not open the interrupted recording"), error);
      else
        ms_window_open_file (self, moved);
      return;
    }
  if (g_str_equal (response, "discard"))
    {
      if (!g_file_delete (file, NULL, &error))
        ms_window_show_error (self, _("Could not delete the recording"), error);
      offer_next_interrupted (self);
      return;
    }
  /* Later: all of them, the next time Memscope starts. */
  g_queue_clear_full (&self->interrupted, g_object_unref);
}

static void
offer_next_interrupted (MsWindow *self)
{
  static const MsWindowResponse responses[] = {
    { "later", N_("_Later"), ADW_RESPONSE_DEFAULT },
    { "discard", N_("_Discard"), ADW_RESPONSE_DESTRUCTIVE },
    { "open", N_("_Open"), ADW_RESPONSE_SUGGESTED },
    { NULL }
  };
  GFile *file = g_queue_pop_head (&self->interrupted);
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;

  if (file == NULL)
    return;
  name = g_file_get_basename (file);
  body = g_strdup_printf (_("Memscope stopped while it recorded “%s”. What it recorded until "
                            "then can be opened."), name);
  ms_window_ask (self, _("Open Interrupted Recording?"), body, responses,
                 on_interrupted_answered, file, g_object_unref);
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MsWindow *self = MS_WINDOW (object);
  g_autoptr(GPtrArray) found = g_task_propagate_pointer (G_TASK (result), NULL);

  if (found == NULL)
    return;
  g_queue_clear_full (&self->interrupted, g_object_unref);
  for (guint i = 0; i < found->len; i++)
    g_queue_push_tail (&self->interrupted,
                       g_file_new_for_path (((Found *) g_ptr_array_index (found, i))->path));
  offer_next_interrupted (self);
}

void
ms_window_offer_interrupted (MsWindow *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_WINDOW (self));

  task = g_task_new (self, self->view_cancellable, on_scanned, NULL);
  g_task_set_source_tag (task, ms_window_offer_interrupted);
  g_task_set_task_data (task, ms_window_dup_recordings_dir (self), g_free);
  g_task_run_in_thread (task, scan_thread);
}

/* Save As: a copy */

typedef struct
{
  GFile    *from;
  GFile    *to;
  gboolean  live;   /* @from is the recording being written */
} Copy;

static void
copy_free (Copy *copy)
{
  g_clear_object (&copy->from);
  g_clear_object (&copy->to);
  g_free (copy);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len,
           GError     **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                       g_strerror (saved_errno));
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

/* @from into @fd, then to disk. */
static gboolean
copy_into (GFile         *from,
           int            fd,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (from, cancellable, error);
  g_autofree char *buffer = g_malloc (COPY_BUFFER_SIZE);
  gssize n;

  if (in == NULL)
    return FALSE;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, COPY_BUFFER_SIZE,
                                   cancellable, error)) > 0)
    if (!write_all (fd, buffer, n, error))
      return FALSE;
  if (n < 0)
    return FALSE;
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
copy_file (Copy          *copy,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFile) dir = g_file_get_parent (copy->to);
  g_autofree char *name = g_file_get_basename (copy->to);
  g_autofree char *template = g_strdup_printf ("%s/.%s-XXXXXX", g_file_peek_path (dir), name);
  gboolean ok;
  int fd;

  if (g_file_equal (copy->from, copy->to))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” is the recording itself: choose another file"), name);
      return FALSE;
    }
  /* Never over something that is not a session. */
  if (!ms_recorder_check_output (copy->to, error))
    return FALSE;
  /* The recorder appends to it meanwhile: every whole frame, and an end of its own. */
  if (copy->live)
    return ms_recording_writer_copy_complete (g_file_peek_path (copy->from), copy->to,
                                              cancellable, error);
  fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                   g_strerror (saved_errno));
      return FALSE;
    }
  ok = copy_into (copy->from, fd, cancellable, error);
  close (fd);
  if (ok && g_rename (template, g_file_peek_path (copy->to)) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                   g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (template);
  return ok;
}

static void
copy_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (copy_file (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The task's source tag is ms_window_save_to_file_async: its _finish takes this too. */
void
ms_window_copy_file_async (MsWindow            *self,
                           GFile               *from,
                           GFile               *to,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Copy *copy = g_new0 (Copy, 1);

  copy->from = g_object_ref (from);
  copy->to = g_object_ref (to);
  copy->live = self->recorder != NULL && ms_recorder_get_output (self->recorder) != NULL &&
               g_file_equal (from, ms_recorder_get_output (self->recorder)) &&
               g_file_peek_path (from) != NULL && g_file_peek_path (to) != NULL;
  g_task_set_source_tag (task, ms_window_save_to_file_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) copy_free);
  g_task_run_in_thread (task, copy_thread);
}

/* Choosing the recordings folder */

static void
on_folder_response (GtkNativeDialog *dialog,
                    int              response,
                    MsWindow        *self)
{
  g_autoptr(GFile) folder = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  /* The sandbox's document portal gives paths too; anything else cannot be recorded to. */
  if (folder == NULL || g_file_peek_path (folder) == NULL)
    return;
  g_settings_set_string (self->settings, "recording-folder", g_file_peek_path (folder));
  /* Translators: %s is a folder. */
  ms_window_toast (self, _("New recordings go to %s"), g_file_peek_path (folder));
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  MsWindow *self = MS_WINDOW (widget);
  g_autofree char *current = ms_window_dup_recordings_dir (self);
  g_autoptr(GFile) current_file = g_file_new_for_path (current);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Choose the Recordings Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"),
                                        _("_Cancel"));
  if (g_file_query_exists (current_file, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), current_file, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_folder_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
ms_window_class_init_recording (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.choose-recordings-folder", NULL,
                                   choose_folder_action);
}
