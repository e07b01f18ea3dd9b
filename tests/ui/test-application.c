/* test-application.c: the memscope command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ms-application.h"
#include "ms-session-file.h"
#include "ms-ui-test-util.h"
#include "ms-window.h"

typedef struct
{
  GApplication *app;
  MsWindow     *window;
  gboolean      shown;
  gint64        deadline;
} OpenRun;

static gboolean
check_window (gpointer user_data)
{
  OpenRun *run = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));

  if (window != NULL && MS_IS_WINDOW (window) &&
      ms_flame_graph_get_tree (ms_window_get_flame_graph (MS_WINDOW (window))) != NULL)
    run->shown = TRUE;

  if (run->shown || g_get_monotonic_time () > run->deadline)
    {
      /* app.quit closes the windows, then the application. */
      g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* `memscope FILE.memscope` opens a window showing the session. */
static void
test_open_file_argument (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "argument.memscope", NULL);
  g_autofree char *fixture = ms_test_fixture_path ("getSamplingProfile.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(MsApplication) app = ms_application_new ();
  g_autoptr(GBytes) reply = NULL;
  char *data;
  gsize len;
  char *argv[] = { (char *) "memscope", path, NULL };
  OpenRun run = { 0 };
  int status;

  g_assert_no_error (error);
  g_file_get_contents (fixture, &data, &len, &error);
  g_assert_no_error (error);
  reply = g_bytes_new_take (data, len);
  ms_session_file_add_profile_reply (session, g_get_real_time (), "Memory.getSamplingProfile",
                                     reply, &error);
  g_assert_no_error (error);
  ms_session_file_save (session, file, NULL, &error);
  g_assert_no_error (error);

  run.app = G_APPLICATION (app);
  run.deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_timeout_add (50, check_window, &run);
  status = g_application_run (G_APPLICATION (app), 2, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.shown);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/ui/application/open-file-argument", test_open_file_argument);

  return g_test_run ();
}
