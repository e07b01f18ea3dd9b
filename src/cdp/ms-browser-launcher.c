/* ms-browser-launcher.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ms-browser-launcher.h"
#include "ms-browser-launcher-private.h"
#include "ms-cdp-error.h"

#define POLL_INTERVAL_MS       50
#define START_TIMEOUT_SECONDS  30
#define TERM_TIMEOUT_MS        5000
#define EARLY_EXIT_GRACE_MS    100   /* lets the last words on stderr arrive */
#define STDERR_TAIL_MAX        16384
#define STDERR_TAIL_LINES      12
#define PROFILE_PREFIX         "memscope-"
#define PROFILE_TEMPLATE       PROFILE_PREFIX "XXXXXX"
#define DEVTOOLS_ACTIVE_PORT   "DevToolsActivePort"

static const char * const browser_names[] = {
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
  "chrome",
  "microsoft-edge",
  "microsoft-edge-stable",
  "brave-browser",
  "brave",
  NULL,  /* for g_strjoinv() */
};

/* The tail of the browser's stdout and stderr. Reading it never stops while the browser
 * runs (a full pipe would block the browser), so it lives apart from the launcher and
 * outlives it if need be. */
typedef struct
{
  GString      *text;
  GInputStream *stream;
  GCancellable *cancellable;
} OutputTail;

static void
output_tail_clear (OutputTail *tail)
{
  g_string_free (tail->text, TRUE);
  g_clear_object (&tail->stream);
  g_clear_object (&tail->cancellable);
}

static void
output_tail_unref (OutputTail *tail)
{
  g_rc_box_release_full (tail, (GDestroyNotify) output_tail_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OutputTail, output_tail_unref)

static void output_tail_read_more (OutputTail *tail);

static void
on_output_read (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(OutputTail) tail = user_data;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  const char *data;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return;

  data = g_bytes_get_data (bytes, &length);
  g_string_append_len (tail->text, data, length);
  if (tail->text->len > STDERR_TAIL_MAX)
    g_string_erase (tail->text, 0, tail->text->len - STDERR_TAIL_MAX / 2);

  output_tail_read_more (tail);
}

static void
output_tail_read_more (OutputTail *tail)
{
  g_input_stream_read_bytes_async (tail->stream, 4096, G_PRIORITY_DEFAULT,
                                   tail->cancellable, on_output_read,
                                   g_rc_box_acquire (tail));
}

static OutputTail *
output_tail_new (GInputStream *stream)
{
  OutputTail *tail = g_rc_box_new0 (OutputTail);

  tail->text = g_string_new (NULL);
  tail->stream = g_object_ref (stream);
  tail->cancellable = g_cancellable_new ();
  output_tail_read_more (tail);

  return tail;
}

/* The last few non-empty lines, for error messages. */
static char *
output_tail_get_last_lines (OutputTail *tail)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  guint n_lines;

  if (tail == NULL)
    return g_strdup ("");

  lines = g_strsplit (tail->text->str, "\n", -1);
  n_lines = g_strv_length (lines);

  for (guint i = n_lines; i > 0 && kept->len < STDERR_TAIL_LINES; i--)
    {
      char *line = g_strstrip (lines[i - 1]);

      if (*line != '\0')
        g_ptr_array_insert (kept, 0, line);
    }

  g_ptr_array_add (kept, NULL);

  return g_strjoinv ("\n", (char **) kept->pdata);
}

struct _MsBrowserLauncher
{
  GObject        parent_instance;

  char          *browser;
  char          *url;
  GPtrArray     *extra_arguments;
  gboolean       headless;

  GSubprocess   *process;
  GPid           process_group;
  char          *browser_path;
  char          *profile_dir;
  MsCdpEndpoint *endpoint;
  OutputTail    *output;
  int            wait_status;
  guint          exited : 1;
  guint          exited_emitted : 1;

  GTask         *start_task;
  gint64         start_deadline;
  guint          poll_id;
  guint          early_exit_id;
};

G_DEFINE_FINAL_TYPE (MsBrowserLauncher, ms_browser_launcher, G_TYPE_OBJECT)

enum {
  EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Finding the browser */

static char *
resolve_program (const char *name)
{
  if (name == NULL || *name == '\0')
    return NULL;

  if (strchr (name, '/') != NULL)
    {
      g_autofree char *path = g_canonicalize_filename (name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (path, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&path);

      return NULL;
    }
  else
    {
      g_autofree char *found = g_find_program_in_path (name);

      if (found == NULL)
        return NULL;

      return g_canonicalize_filename (found, NULL);
    }
}

char *
ms_browser_launcher_find_browser (const char  *preferred,
                                  GError     **error)
{
  g_autofree char *joined = NULL;
  const char *from_env;
  char *path;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (preferred != NULL)
    {
      if ((path = resolve_program (preferred)))
        return path;

      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND,
                   _("The browser “%s” was not found or is not executable"), preferred);
      return NULL;
    }

  from_env = g_getenv ("MEMSCOPE_BROWSER");
  if (from_env != NULL && *from_env != '\0')
    {
      if ((path = resolve_program (from_env)))
        return path;

      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND,
                   _("The browser “%s” named by $MEMSCOPE_BROWSER was not found or is not executable"),
                   from_env);
      return NULL;
    }

  for (guint i = 0; browser_names[i] != NULL; i++)
    {
      if ((path = resolve_program (browser_names[i])))
        return path;
    }

  joined = g_strjoinv (", ", (char **) browser_names);
  ms_browser_launcher_set_not_found_error (error, ms_browser_launcher_in_flatpak (), joined);
  return NULL;
}

gboolean
ms_browser_launcher_in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

void
ms_browser_launcher_set_not_found_error (GError     **error,
                                         gboolean     in_flatpak,
                                         const char  *tried)
{
  if (in_flatpak)
    g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND,
                 _("Memscope runs in a Flatpak sandbox, where it cannot start the browsers "
                   "installed on this computer. Start one yourself with “chromium "
                   "--remote-debugging-port=9222 --js-flags=--expose-gc "
                   "--user-data-dir=/tmp/memscope-profile” (the same switches work for Chrome, "
                   "Edge and Brave), then connect to 127.0.0.1:9222"));
  else
    g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND,
                 _("No Chromium-family browser found (tried $MEMSCOPE_BROWSER, then %s on $PATH); "
                   "install Chromium or set MEMSCOPE_BROWSER to its path"), tried);
}

/* The command line */

static GStrv
build_argv_for (MsBrowserLauncher *self,
                const char        *browser_path,
                const char        *profile_dir)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *user_data_dir = g_strconcat ("--user-data-dir=", profile_dir, NULL);

  g_strv_builder_add (builder, browser_path);
  g_strv_builder_add_many (builder,
                           "--remote-debugging-port=0",
                           user_data_dir,
                           /* Memory.prepareForLeakDetection kills the renderer without it. */
                           "--js-flags=--expose-gc",
                           "--no-first-run",
                           "--no-default-browser-check",
                           "--disable-background-networking",
                           "--disable-component-update",
                           "--disable-sync",
                           "--disable-default-apps",
                           "--disable-extensions",
                           "--disable-quic",
                           "--metrics-recording-only",
                           "--password-store=basic",
                           "--use-mock-keychain",
                           NULL);

  if (self->headless)
    g_strv_builder_add_many (builder, "--headless", "--disable-gpu", NULL);

  /* Chromium refuses to run as root with its sandbox on. */
  if (geteuid () == 0)
    g_strv_builder_add (builder, "--no-sandbox");

  for (guint i = 0; i < self->extra_arguments->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->extra_arguments, i));

  g_strv_builder_add (builder, self->url ? self->url : "about:blank");

  return g_strv_builder_end (builder);
}

/* The page goes last on the command line, where Chromium takes anything that starts with
 * "-" for a switch (--renderer-cmd-prefix= runs a command). A "--" before it does not
 * help: Debian's /usr/bin/chromium wrapper consumes it and passes the page on as a switch
 * (`chromium -- --version` prints the version). So such a page is refused. */
static gboolean
check_url (MsBrowserLauncher  *self,
           GError            **error)
{
  if (self->url != NULL && self->url[0] == '-')
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                   _("“%s” is not a page to open: it starts with “-”, which the browser "
                     "would take as a command-line switch"), self->url);
      return FALSE;
    }

  return TRUE;
}

GStrv
ms_browser_launcher_build_argv (MsBrowserLauncher  *self,
                                GError            **error)
{
  g_autofree char *browser_path = NULL;
  g_autofree char *placeholder = NULL;

  g_return_val_if_fail (MS_IS_BROWSER_LAUNCHER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_url (self, error))
    return NULL;

  if (self->process != NULL && self->browser_path != NULL)
    browser_path = g_strdup (self->browser_path);
  else if (!(browser_path = ms_browser_launcher_find_browser (self->browser, error)))
    return NULL;

  if (self->profile_dir == NULL)
    placeholder = g_build_filename (g_get_tmp_dir (), PROFILE_TEMPLATE, NULL);

  return build_argv_for (self, browser_path, self->profile_dir ? self->profile_dir : placeholder);
}

/* The temporary profile */

/* Depth first, never following symbolic links (SingletonLock and friends are links) nor
 * crossing into another file system. The profile is 0700, so nothing swaps entries under us. */
static void
remove_tree (const char *path,
             dev_t       device)
{
  GStatBuf info;

  if (g_lstat (path, &info) != 0)
    return;

  if (S_ISDIR (info.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      if (info.st_dev != device || !(dir = g_dir_open (path, 0, NULL)))
        return;

      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child, device);
        }

      if (g_rmdir (path) != 0)
        g_debug ("Cannot remove %s: %s", path, g_strerror (errno));
    }
  else if (g_unlink (path) != 0)
    g_debug ("Cannot remove %s: %s", path, g_strerror (errno));
}

static void
remove_profile_dir (const char *profile_dir)
{
  g_autofree char *base = g_path_get_basename (profile_dir);
  g_autofree char *parent = g_path_get_dirname (profile_dir);
  g_autofree char *canonical_parent = g_canonicalize_filename (parent, NULL);
  g_autofree char *canonical_tmp = g_canonicalize_filename (g_get_tmp_dir (), NULL);
  GStatBuf info;

  /* Only ever what g_dir_make_tmp() made for us, right inside the temporary folder. */
  if (!g_str_has_prefix (base, PROFILE_PREFIX) ||
      strlen (base) != strlen (PROFILE_TEMPLATE) ||
      g_strcmp0 (canonical_parent, canonical_tmp) != 0)
    {
      g_warning ("Not removing “%s”: not a Memscope temporary profile", profile_dir);
      return;
    }

  if (g_lstat (profile_dir, &info) != 0 || !S_ISDIR (info.st_mode))
    return;

  remove_tree (profile_dir, info.st_dev);

  if (g_file_test (profile_dir, G_FILE_TEST_EXISTS))
    g_warning ("Could not remove all of the temporary profile “%s”", profile_dir);
}

/* Running */

/* "BROWSER exited with status 1 before opening its DevTools port", or killed, or … */
static char *
describe_early_exit (const char *browser,
                     int         wait_status)
{
  if (WIFEXITED (wait_status))
    /* Translators: %s is the browser's path. */
    return g_strdup_printf (_("%s exited with status %d before opening its DevTools port"),
                            browser, WEXITSTATUS (wait_status));
  else if (WIFSIGNALED (wait_status))
    /* Translators: %s is the browser's path, then a signal's number and name. */
    return g_strdup_printf (_("%s was killed by signal %d (%s) before opening its DevTools port"),
                            browser, WTERMSIG (wait_status), g_strsignal (WTERMSIG (wait_status)));
  else
    return g_strdup_printf (_("%s ended with wait status %d before opening its DevTools port"),
                            browser, wait_status);
}

static void
emit_exited (MsBrowserLauncher *self)
{
  if (self->exited_emitted)
    return;

  self->exited_emitted = TRUE;
  g_signal_emit (self, signals[EXITED], 0, self->wait_status);
}

static void
child_setup (gpointer user_data)
{
  /* Own process group, so that stop() reaches the zygotes, renderers and helpers too,
   * whatever a wrapper script does before it execs the browser. */
  setpgid (0, 0);

#ifdef __linux__
  /* If Memscope dies without stopping the browser, the browser follows. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

typedef struct
{
  gboolean done;
  gboolean exited;
  gboolean timed_out;
} SyncWait;

static void
on_sync_wait_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SyncWait *state = user_data;

  state->exited = g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  state->done = TRUE;
}

static gboolean
on_sync_wait_timeout (gpointer user_data)
{
  SyncWait *state = user_data;

  state->timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

/* Waits for @process on a private main context, so that nothing else of the application
 * runs meanwhile. TRUE once it has exited. */
static gboolean
wait_for_exit (GSubprocess *process,
               guint        timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  SyncWait state = { FALSE, FALSE, FALSE };

  g_main_context_push_thread_default (context);

  g_source_set_callback (timeout, on_sync_wait_timeout, &state, NULL);
  g_source_attach (timeout, context);
  g_subprocess_wait_async (process, cancellable, on_sync_wait_done, &state);

  while (!state.done && !state.timed_out)
    g_main_context_iteration (context, TRUE);

  if (!state.done)
    {
      g_cancellable_cancel (cancellable);
      while (!state.done)
        g_main_context_iteration (context, TRUE);
    }

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  return state.exited;
}

/* The group id is the browser's pid. Once GLib has reaped the browser that pid is free
 * for the kernel to hand out again, possibly to an unrelated process that leads a group of
 * its own: so the group is signalled only while the browser is known not to be reaped
 * (GSubprocess drops its identifier when it reaps). */
static void
signal_process_group (GSubprocess *process,
                      GPid         process_group,
                      int          signal_number)
{
  if (process_group <= 1 || process == NULL || g_subprocess_get_identifier (process) == NULL)
    return;

  if (kill (-process_group, signal_number) != 0 && errno != ESRCH)
    g_debug ("Cannot signal process group %d: %s", process_group, g_strerror (errno));
}

static void
complete_start_with_error (GTask  *task,
                           GError *error)
{
  /* May run the caller's callback, which may drop the last reference to the launcher. */
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* What one run leaves to clean up once stop() has begun: taken out of the launcher at
 * once, so that the launcher may start again while this one winds down. */
typedef struct
{
  GSubprocess *process;
  GPid         process_group;
  OutputTail  *output;
  char        *profile_dir;
  GTask       *start_task;
  int          wait_status;
  guint        running : 1;     /* still to be waited for */
  guint        emit_exited : 1;
  guint        killed : 1;
  guint        kill_timeout_id;
} Stopping;

static void
stopping_free (Stopping *stopping)
{
  g_clear_handle_id (&stopping->kill_timeout_id, g_source_remove);
  g_clear_object (&stopping->process);
  if (stopping->output != NULL)
    g_cancellable_cancel (stopping->output->cancellable);
  g_clear_pointer (&stopping->output, output_tail_unref);
  g_free (stopping->profile_dir);
  if (stopping->start_task != NULL)
    complete_start_with_error (g_steal_pointer (&stopping->start_task),
                               g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    _("The browser was stopped before it was ready")));
  g_free (stopping);
}

static Stopping *
begin_stop (MsBrowserLauncher *self)
{
  Stopping *stopping = g_new0 (Stopping, 1);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->early_exit_id, g_source_remove);

  stopping->process = g_steal_pointer (&self->process);
  stopping->process_group = self->process_group;
  stopping->running = stopping->process != NULL && !self->exited;
  stopping->wait_status = self->wait_status;
  stopping->emit_exited = stopping->process != NULL && !self->exited_emitted;
  stopping->output = g_steal_pointer (&self->output);
  stopping->profile_dir = g_steal_pointer (&self->profile_dir);
  stopping->start_task = g_steal_pointer (&self->start_task);

  self->process_group = 0;
  self->exited_emitted = TRUE;
  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);
  g_clear_pointer (&self->browser_path, g_free);

  if (stopping->running)
    {
      /* SIGTERM lets the browser shut down cleanly (and remove its singleton socket). */
      signal_process_group (stopping->process, stopping->process_group, SIGTERM);
      g_subprocess_send_signal (stopping->process, SIGTERM);
    }

  return stopping;
}

/* What SIGTERM did not end within TERM_TIMEOUT_MS gets SIGKILL. */
static void
kill_stopping (Stopping *stopping)
{
  g_debug ("Browser did not stop within %d ms of SIGTERM; killing it", TERM_TIMEOUT_MS);
  stopping->killed = TRUE;
  signal_process_group (stopping->process, stopping->process_group, SIGKILL);
  g_subprocess_force_exit (stopping->process);
}

static void
end_stop (MsBrowserLauncher *self,
          Stopping          *stopping)
{
  if (stopping->running)
    {
      stopping->wait_status = g_subprocess_get_status (stopping->process);
      stopping->running = FALSE;
    }
  if (self->process == NULL)
    self->wait_status = stopping->wait_status;

  if (stopping->output != NULL)
    g_cancellable_cancel (stopping->output->cancellable);
  g_clear_pointer (&stopping->output, output_tail_unref);

  if (stopping->profile_dir != NULL)
    remove_profile_dir (stopping->profile_dir);

  if (stopping->emit_exited)
    g_signal_emit (self, signals[EXITED], 0, stopping->wait_status);

  stopping_free (stopping);
}

void
ms_browser_launcher_stop (MsBrowserLauncher *self)
{
  Stopping *stopping;

  g_return_if_fail (MS_IS_BROWSER_LAUNCHER (self));

  g_object_ref (self);

  stopping = begin_stop (self);
  if (stopping->running && !wait_for_exit (stopping->process, TERM_TIMEOUT_MS))
    {
      kill_stopping (stopping);
      wait_for_exit (stopping->process, TERM_TIMEOUT_MS);
    }
  end_stop (self, stopping);

  g_object_unref (self);
}

static gboolean
on_stop_kill_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Stopping *stopping = g_task_get_task_data (task);

  stopping->kill_timeout_id = 0;
  kill_stopping (stopping);

  return G_SOURCE_REMOVE;
}

static void
on_stop_waited (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsBrowserLauncher *self = g_task_get_source_object (task);
  Stopping *stopping = g_task_get_task_data (task);

  /* Without a cancellable the wait fails only if the process cannot be waited for. */
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  end_stop (self, stopping);
  g_task_return_boolean (task, TRUE);
}

/**
 * ms_browser_launcher_stop_async:
 *
 * Like ms_browser_launcher_stop(), without blocking: the launcher is idle (and may be
 * started again) at once, and the callback runs once the browser is gone and its
 * profile removed. Cancelling does not keep the browser alive; it only stops waiting.
 */
void
ms_browser_launcher_stop_async (MsBrowserLauncher   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Stopping *stopping;

  g_return_if_fail (MS_IS_BROWSER_LAUNCHER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_browser_launcher_stop_async);

  stopping = begin_stop (self);
  if (!stopping->running)
    {
      end_stop (self, stopping);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Freed by end_stop(): the wait has no cancellable, so it always calls back. */
  g_task_set_task_data (task, stopping, NULL);
  stopping->kill_timeout_id = g_timeout_add (TERM_TIMEOUT_MS, on_stop_kill_timeout, task);
  g_subprocess_wait_async (stopping->process, NULL, on_stop_waited, g_steal_pointer (&task));
}

gboolean
ms_browser_launcher_stop_finish (MsBrowserLauncher  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (MS_IS_BROWSER_LAUNCHER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_browser_launcher_stop_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
on_early_exit_grace_over (gpointer user_data)
{
  MsBrowserLauncher *self = user_data;
  g_autofree char *what = describe_early_exit (self->browser_path, self->wait_status);
  g_autofree char *last_lines = output_tail_get_last_lines (self->output);
  GTask *task;

  self->early_exit_id = 0;
  task = g_steal_pointer (&self->start_task);
  ms_browser_launcher_stop (self);

  if (task == NULL)
    return G_SOURCE_REMOVE;

  if (*last_lines != '\0')
    /* Translators: the first %s is “… exited with status 1 before opening its DevTools
     * port”, the second the browser's last lines of output. */
    complete_start_with_error (task,
                               g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                                            _("%s. Its last words:\n%s"), what, last_lines));
  else
    /* Translators: %s is “… exited with status 1 before opening its DevTools port”. */
    complete_start_with_error (task,
                               g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                                            _("%s, saying nothing"), what));

  return G_SOURCE_REMOVE;
}

static void
on_process_exited (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GWeakRef *weak_ref = user_data;
  g_autoptr(MsBrowserLauncher) self = g_weak_ref_get (weak_ref);
  GSubprocess *process = G_SUBPROCESS (object);

  g_weak_ref_clear (weak_ref);
  g_free (weak_ref);

  if (!g_subprocess_wait_finish (process, result, NULL))
    return;

  /* Gone, stopped, or already replaced by a newer start. */
  if (self == NULL || self->process != process || self->exited)
    return;

  self->exited = TRUE;
  self->wait_status = g_subprocess_get_status (process);

  g_debug ("Browser ended, wait status %d", self->wait_status);

  if (self->start_task != NULL)
    {
      g_clear_handle_id (&self->poll_id, g_source_remove);
      self->early_exit_id = g_timeout_add (EARLY_EXIT_GRACE_MS, on_early_exit_grace_over, self);
    }

  emit_exited (self);
}

/* NULL until Chromium has written both lines. */
static MsCdpEndpoint *
read_active_port (const char *profile_dir)
{
  g_autofree char *path = g_build_filename (profile_dir, DEVTOOLS_ACTIVE_PORT, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 port = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  /* The browser path on the second line also proves the first one is complete. */
  lines = g_strsplit (contents, "\n", 3);
  if (lines[0] == NULL || lines[1] == NULL)
    return NULL;

  g_strstrip (lines[0]);
  g_strstrip (lines[1]);

  if (!g_str_has_prefix (lines[1], "/devtools/") ||
      !g_ascii_string_to_unsigned (lines[0], 10, 1, G_MAXUINT16, &port, NULL))
    return NULL;

  return ms_cdp_endpoint_new ("127.0.0.1", (guint16) port, lines[1]);
}

static gboolean
on_poll_active_port (gpointer user_data)
{
  MsBrowserLauncher *self = user_data;
  GCancellable *cancellable = g_task_get_cancellable (self->start_task);
  MsCdpEndpoint *endpoint;
  GTask *task;

  if (g_cancellable_is_cancelled (cancellable))
    {
      GError *error = NULL;

      self->poll_id = 0;
      task = g_steal_pointer (&self->start_task);
      ms_browser_launcher_stop (self);
      g_cancellable_set_error_if_cancelled (cancellable, &error);
      complete_start_with_error (task, error);
      return G_SOURCE_REMOVE;
    }

  if ((endpoint = read_active_port (self->profile_dir)))
    {
      self->poll_id = 0;
      self->endpoint = endpoint;
      task = g_steal_pointer (&self->start_task);
      g_task_return_pointer (task, ms_cdp_endpoint_ref (endpoint),
                             (GDestroyNotify) ms_cdp_endpoint_unref);
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  if (g_get_monotonic_time () > self->start_deadline)
    {
      g_autofree char *last_lines = output_tail_get_last_lines (self->output);
      g_autofree char *browser = g_strdup (self->browser_path);

      self->poll_id = 0;
      task = g_steal_pointer (&self->start_task);
      ms_browser_launcher_stop (self);
      if (*last_lines != '\0')
        /* Translators: %s is the browser's path, then its last lines of output. */
        complete_start_with_error (task,
                                   g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                                                _("%s did not open its DevTools port within %d s. "
                                                  "Its last words:\n%s"),
                                                browser, START_TIMEOUT_SECONDS, last_lines));
      else
        complete_start_with_error (task,
                                   g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                                                _("%s did not open its DevTools port within %d s"),
                                                browser, START_TIMEOUT_SECONDS));
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

void
ms_browser_launcher_start_async (MsBrowserLauncher   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *browser_path = NULL;
  g_autofree char *profile_dir = NULL;
  g_auto(GStrv) argv = NULL;
  GWeakRef *weak_ref;
  const char *identifier;

  g_return_if_fail (MS_IS_BROWSER_LAUNCHER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_browser_launcher_start_async);

  if (self->start_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The browser is already starting"));
      return;
    }

  if (ms_browser_launcher_is_running (self))
    {
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                               _("The browser is already running"));
      return;
    }

  /* What a previous run left: its profile, its exit status. */
  ms_browser_launcher_stop (self);

  if (!check_url (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!(browser_path = ms_browser_launcher_find_browser (self->browser, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!(profile_dir = g_dir_make_tmp (PROFILE_TEMPLATE, &error)))
    {
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                               _("Cannot create a temporary browser profile: %s"), error->message);
      return;
    }

  argv = build_argv_for (self, browser_path, profile_dir);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (self->process == NULL)
    {
      remove_profile_dir (profile_dir);
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                               _("Cannot start %s: %s"), browser_path, error->message);
      return;
    }

  {
    g_autofree char *command_line = g_strjoinv (" ", argv);
    g_debug ("Started %s", command_line);
  }

  identifier = g_subprocess_get_identifier (self->process);
  self->process_group = identifier ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
  self->browser_path = g_steal_pointer (&browser_path);
  self->profile_dir = g_steal_pointer (&profile_dir);
  self->exited = FALSE;
  self->exited_emitted = FALSE;
  self->wait_status = 0;
  self->output = output_tail_new (g_subprocess_get_stdout_pipe (self->process));

  /* A weak reference: a pending wait must not keep the launcher (and so the browser) alive. */
  weak_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak_ref, self);
  g_subprocess_wait_async (self->process, NULL, on_process_exited, weak_ref);

  self->start_deadline = g_get_monotonic_time () + START_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  self->poll_id = g_timeout_add (POLL_INTERVAL_MS, on_poll_active_port, self);
  self->start_task = g_steal_pointer (&task);
}

MsCdpEndpoint *
ms_browser_launcher_start_finish (MsBrowserLauncher  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (MS_IS_BROWSER_LAUNCHER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_browser_launcher_start_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
ms_browser_launcher_dispose (GObject *object)
{
  MsBrowserLauncher *self = (MsBrowserLauncher *)object;

  ms_browser_launcher_stop (self);

  G_OBJECT_CLASS (ms_browser_launcher_parent_class)->dispose (object);
}

static void
ms_browser_launcher_finalize (GObject *object)
{
  MsBrowserLauncher *self = (MsBrowserLauncher *)object;

  g_clear_pointer (&self->browser, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->extra_arguments, g_ptr_array_unref);

  G_OBJECT_CLASS (ms_browser_launcher_parent_class)->finalize (object);
}

static void
ms_browser_launcher_class_init (MsBrowserLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_browser_launcher_dispose;
  object_class->finalize = ms_browser_launcher_finalize;

  /**
   * MsBrowserLauncher::exited:
   * @wait_status: as from waitpid(); see g_spawn_check_wait_status()
   *
   * The browser process ended, on its own or through stop().
   */
  signals[EXITED] =
    g_signal_new ("exited",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
ms_browser_launcher_init (MsBrowserLauncher *self)
{
  self->extra_arguments = g_ptr_array_new_with_free_func (g_free);
}

MsBrowserLauncher *
ms_browser_launcher_new (void)
{
  return g_object_new (MS_TYPE_BROWSER_LAUNCHER, NULL);
}

void
ms_browser_launcher_set_browser (MsBrowserLauncher *self,
                                 const char        *browser)
{
  g_return_if_fail (MS_IS_BROWSER_LAUNCHER (self));

  if (g_strcmp0 (self->browser, browser) == 0)
    return;

  g_free (self->browser);
  self->browser = g_strdup (browser);
}

void
ms_browser_launcher_set_headless (MsBrowserLauncher *self,
                                  gboolean           headless)
{
  g_return_if_fail (MS_IS_BROWSER_LAUNCHER (self));

  self->headless = !!headless;
}

void
ms_browser_launcher_set_url (MsBrowserLauncher *self,
                             const char        *url)
{
  g_return_if_fail (MS_IS_BROWSER_LAUNCHER (self));

  if (g_strcmp0 (self->url, url) == 0)
    return;

  g_free (self->url);
  self->url = g_strdup (url);
}

void
ms_browser_launcher_add_argument (MsBrowserLauncher *self,
                                  const char        *argument)
{
  g_return_if_fail (MS_IS_BROWSER_LAUNCHER (self));
  g_return_if_fail (argument != NULL);

  g_ptr_array_add (self->extra_arguments, g_strdup (argument));
}

MsCdpEndpoint *
ms_browser_launcher_get_endpoint (MsBrowserLauncher *self)
{
  g_return_val_if_fail (MS_IS_BROWSER_LAUNCHER (self), NULL);

  return self->endpoint;
}

const char *
ms_browser_launcher_get_profile_dir (MsBrowserLauncher *self)
{
  g_return_val_if_fail (MS_IS_BROWSER_LAUNCHER (self), NULL);

  return self->profile_dir;
}

gboolean
ms_browser_launcher_is_running (MsBrowserLauncher *self)
{
  g_return_val_if_fail (MS_IS_BROWSER_LAUNCHER (self), FALSE);

  return self->process != NULL && !self->exited;
}

GPid
ms_browser_launcher_get_pid (MsBrowserLauncher *self)
{
  const char *identifier;

  g_return_val_if_fail (MS_IS_BROWSER_LAUNCHER (self), 0);

  if (self->process == NULL || !ms_browser_launcher_is_running (self))
    return 0;
  identifier = g_subprocess_get_identifier (self->process);
  return identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
}
