/* test-application.c: the memscope command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cdp-test-peer.h"
#include "ms-application.h"
#include "ms-recording-writer.h"
#include "ms-session-file.h"
#include "ms-ui-test-util.h"
#include "ms-ui-test-window.h"
#include "ms-window.h"

typedef gboolean (*WindowCheck) (MsWindow *window,
                                 gpointer  data);

typedef struct
{
  GApplication *app;
  WindowCheck   check;
  gpointer      data;
  gboolean      shown;
  guint         n_windows;
  gboolean      asked;        /* quitting asked about a recording: answered "keep" */
  gint64        deadline;
} Run;

static void
destroy_windows (GApplication *app)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
}

static gboolean
check_window (gpointer user_data)
{
  Run *run = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));

  if (g_get_monotonic_time () > run->deadline)
    {
      destroy_windows (run->app);
      return G_SOURCE_CONTINUE;
    }
  if (window == NULL || !MS_IS_WINDOW (window))
    return G_SOURCE_CONTINUE;
  if (run->shown)
    {
      /* app.quit (Ctrl+Q) asks before it ends a recording: keep it. */
      if (ms_test_find_message_dialog (window) != NULL)
        {
          ms_test_answer_dialog (MS_WINDOW (window), "keep");
          run->asked = TRUE;
        }
      return G_SOURCE_CONTINUE;
    }
  if (run->check (MS_WINDOW (window), run->data))
    {
      run->shown = TRUE;
      run->n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (run->app)));
      /* app.quit closes the windows, and the application ends with the last. */
      g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
    }
  return G_SOURCE_CONTINUE;
}

/* Runs memscope with @args until @check holds for its window; the exit status. */
static int
run_app (const char * const *args,
         WindowCheck         check,
         gpointer            data,
         Run                *run)
{
  g_autoptr(MsApplication) app = ms_application_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  guint source;
  int status;

  g_ptr_array_add (argv, (char *) "memscope");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  run->app = G_APPLICATION (app);
  run->check = check;
  run->data = data;
  run->deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  source = g_timeout_add (50, check_window, run);
  status = g_application_run (G_APPLICATION (app), argv->len - 1, (char **) argv->pdata);
  g_source_remove (source);
  ms_test_settle (100);
  return status;
}

static gboolean
shows_tree (MsWindow *window,
            gpointer  data)
{
  return ms_flame_graph_get_tree (ms_window_get_flame_graph (window)) != NULL;
}

static GFile *
write_session (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "argument.memscope", NULL);
  g_autofree char *fixture = ms_test_fixture_path ("getSamplingProfile.json");
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = g_file_new_for_path (path);
  char *data;
  gsize len;

  g_file_get_contents (fixture, &data, &len, &error);
  g_assert_no_error (error);
  reply = g_bytes_new_take (data, len);
  ms_session_file_add_profile_reply (session, g_get_real_time (), "Memory.getSamplingProfile",
                                     reply, &error);
  g_assert_no_error (error);
  ms_session_file_save (session, file, NULL, &error);
  g_assert_no_error (error);
  return file;
}

/* `memscope FILE.memscope` opens a window showing the session. */
static void
test_open_file_argument (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autoptr(GFile) file = write_session (dir);
  const char *args[] = { g_file_peek_path (file), NULL };
  Run run = { 0 };

  g_assert_cmpint (run_app (args, shows_tree, NULL, &run), ==, 0);
  g_assert_true (run.shown);
  g_assert_cmpuint (run.n_windows, ==, 1);
  ms_test_remove_tree (dir);
}

/* A file opened from the file manager in a running Memscope: its empty window takes it;
 * a second file gets a window of its own. */
static gboolean
opens_in_empty_window (MsWindow *window,
                       gpointer  data)
{
  GFile **files = data;
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

  if (g_object_get_data (G_OBJECT (app), "ms-test-opened") == NULL)
    {
      g_object_set_data (G_OBJECT (app), "ms-test-opened", GINT_TO_POINTER (1));
      g_application_open (app, files, 1, "");
      return FALSE;
    }
  if (ms_window_get_opened_file (window) == NULL)
    return FALSE;
  return g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))) == 1;
}

static void
test_open_reuses_empty_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autoptr(GFile) file = write_session (dir);
  GFile *files[] = { file, NULL };
  const char *args[] = { NULL };
  Run run = { 0 };

  g_assert_cmpint (run_app (args, opens_in_empty_window, files, &run), ==, 0);
  g_assert_true (run.shown);
  g_assert_cmpuint (run.n_windows, ==, 1);
  ms_test_remove_tree (dir);
}

/* On start, a recording an earlier Memscope left unfinished in the recordings folder is
 * offered back. */
static gboolean
offers_interrupted (MsWindow *window,
                    gpointer  data)
{
  AdwMessageDialog *dialog = ms_test_find_message_dialog (GTK_WINDOW (window));

  if (dialog == NULL)
    return FALSE;
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Open Interrupted Recording?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), data));
  ms_test_answer_dialog (window, "later");
  return TRUE;
}

static void
test_interrupted_offered_on_start (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "memscope", "recordings", NULL);
  g_autofree char *path = g_build_filename (dir, "cut.memscope", NULL);
  g_autofree char *fixture = ms_test_fixture_path ("getSamplingProfile.json");
  g_autoptr(MsRecordingWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;
  const char *args[] = { NULL };
  Run run = { 0 };
  char *data;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_get_contents (fixture, &data, &len, &error);
  g_assert_no_error (error);
  reply = g_bytes_new_take (data, len);
  /* Written, never closed: what a Memscope killed while recording leaves. */
  writer = ms_recording_writer_new (path, &error);
  g_assert_no_error (error);
  ms_recording_writer_append_profile (writer, g_get_real_time (), "getSamplingProfile", reply, 1, 1,
                                      &error);
  g_assert_no_error (error);
  g_clear_object (&writer);

  g_assert_cmpint (run_app (args, offers_interrupted, (gpointer) "“cut.memscope”", &run), ==, 0);
  g_assert_true (run.shown);
  /* Later: it stays. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* --connect HOST:PORT --target ID --record: attached to that target, recording. */
static void
respond (CdpTestPeer *peer,
         gint64       id,
         const char  *method,
         JsonObject  *params,
         gpointer     user_data)
{
  if (g_str_equal (method, "Memory.getSamplingProfile"))
    cdp_test_peer_reply_fixture (peer, id, "getSamplingProfile.json");
  else if (g_str_equal (method, "Memory.getDOMCounters"))
    cdp_test_peer_reply_result (peer, id, "{\"documents\":1,\"nodes\":2,\"jsEventListeners\":3}");
  else
    cdp_test_peer_reply_result (peer, id, "{}");
}

static void
list_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  CdpTestPeer *peer = user_data;
  g_autofree char *body = g_strdup_printf ("[{\"id\":\"OTHER\",\"title\":\"o\",\"type\":\"page\","
                                           "\"url\":\"http://127.0.0.1/other\","
                                           "\"webSocketDebuggerUrl\":\"%s\"},"
                                           "{\"id\":\"WANTED\",\"title\":\"w\",\"type\":\"page\","
                                           "\"url\":\"http://127.0.0.1/wanted\","
                                           "\"webSocketDebuggerUrl\":\"%s\"}]",
                                           peer->ws_url, peer->ws_url);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static gboolean
records_target (MsWindow *window,
                gpointer  data)
{
  MsLiveTarget *live = ms_window_get_live_target (window);
  MsRecorder *recorder = ms_window_get_recorder (window);

  if (live == NULL || recorder == NULL || ms_recorder_get_profiles (recorder)->len == 0)
    return FALSE;
  g_assert_cmpstr (ms_cdp_target_get_id (ms_live_target_get_target (live)), ==, data);
  return TRUE;
}

static gboolean
connected_not_recording (MsWindow *window,
                         gpointer  data)
{
  MsLiveTarget *live = ms_window_get_live_target (window);

  if (live == NULL || ms_live_target_get_state (live) != MS_LIVE_TARGET_STATE_CONNECTED)
    return FALSE;
  g_assert_cmpstr (ms_cdp_target_get_id (ms_live_target_get_target (live)), ==, data);
  g_assert_null (ms_window_get_recorder (window));
  return TRUE;
}

static void
test_connect_argument (gconstpointer data)
{
  gboolean record = GPOINTER_TO_INT (data);
  CdpTestPeer *peer = cdp_test_peer_new ();
  g_autofree char *endpoint = NULL;
  const char *args[] = { "--connect", NULL, "--target", NULL, NULL, NULL };
  Run run = { 0 };

  peer->responder = respond;
  soup_server_add_handler (peer->server, "/json/list", list_handler, peer, NULL);
  endpoint = g_strdup_printf ("127.0.0.1:%u", peer->port);
  args[1] = endpoint;
  /* By id, or by a piece of the URL. */
  args[3] = record ? "WANTED" : "/wanted";
  args[4] = record ? "--record" : NULL;

  g_assert_cmpint (run_app (args, record ? records_target : connected_not_recording,
                            (gpointer) "WANTED", &run), ==, 0);
  g_assert_true (run.shown);
  /* Quitting asked only about the recording. */
  g_assert_cmpint (run.asked, ==, record);
  cdp_test_peer_free (peer);
}

/* --launch URL: the browser is started on that page (a script that fails here). */
static gboolean
launches_url (MsWindow *window,
              gpointer  data)
{
  MsLiveTarget *live = ms_window_get_live_target (window);

  return live != NULL && g_strcmp0 (ms_live_target_get_launch_url (live), data) == 0;
}

static void
test_launch_argument (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-ui-XXXXXX", &error);
  g_autofree char *script = g_build_filename (dir, "failing-browser", NULL);
  const char *url = "http://127.0.0.1:1/page?a=1&b=2";
  const char *args[] = { "--launch", url, NULL };
  Run run = { 0 };

  g_file_set_contents (script, "#!/bin/sh\nexit 3\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  g_setenv ("MEMSCOPE_BROWSER", script, TRUE);

  g_assert_cmpint (run_app (args, launches_url, (gpointer) url, &run), ==, 0);
  g_assert_true (run.shown);

  g_unsetenv ("MEMSCOPE_BROWSER");
  ms_test_remove_tree (dir);
}

/* Bad command lines: exit status 1 and a message naming the problem, no window. */
typedef struct
{
  const char *name;
  const char *args[6];
  const char *message;
} BadCommandLine;

static const BadCommandLine bad_command_lines[] = {
  { "connect-no-port", { "--connect", "nohost", NULL }, "nohost" },
  { "connect-bad-port", { "--connect", "127.0.0.1:99999", NULL }, "99999" },
  { "connect-and-launch", { "--connect", "127.0.0.1:9222", "--launch", "http://x/", NULL },
    "memscope: --connect and --launch cannot be used together\n" },
  { "target-alone", { "--target", "x", NULL }, "memscope: --target needs --connect\n" },
  { "record-alone", { "--record", NULL }, "memscope: --record needs --connect or --launch\n" },
  { "launch-empty", { "--launch", " ", NULL }, "memscope: --launch needs a page URL\n" },
};

static gboolean
never (MsWindow *window,
       gpointer  data)
{
  g_assert_not_reached ();
  return FALSE;
}

static void
test_bad_command_line (gconstpointer data)
{
  const BadCommandLine *bad = data;
  g_autofree char *pattern = NULL;

  if (g_test_subprocess ())
    {
      Run run = { 0 };

      exit (run_app (bad->args, never, NULL, &run));
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stdout ("");
  /* The whole first line; sanitizer builds may report after it. */
  pattern = g_str_has_suffix (bad->message, "\n") ? g_strdup_printf ("%s*", bad->message)
          : g_strdup_printf ("memscope: *%s*", bad->message);
  g_test_trap_assert_stderr (pattern);
}

/* --help lists every option it takes. */
static void
test_help (void)
{
  static const char *options[] = { "--connect=HOST:PORT", "--target=ID|URL-SUBSTRING",
                                   "--launch=URL", "--record", "--demo", "--version",
                                   "[FILE.memscope" };

  if (g_test_subprocess ())
    {
      const char *args[] = { "--help", NULL };
      Run run = { 0 };

      exit (run_app (args, never, NULL, &run));
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      g_autofree char *pattern = g_strdup_printf ("*%s*", options[i]);

      g_test_trap_assert_stdout (pattern);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("memscope-ui-data-XXXXXX", NULL);
  int status;

  /* --record records into $XDG_DATA_HOME/memscope/recordings: a folder of the test. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("LC_ALL", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/ui/application/open-file-argument", test_open_file_argument);
  g_test_add_func ("/memscope/ui/application/open-reuses-empty-window", test_open_reuses_empty_window);
  g_test_add_data_func ("/memscope/ui/application/connect-argument/record", GINT_TO_POINTER (TRUE),
                        test_connect_argument);
  g_test_add_data_func ("/memscope/ui/application/connect-argument/no-record", GINT_TO_POINTER (FALSE),
                        test_connect_argument);
  g_test_add_func ("/memscope/ui/application/launch-argument", test_launch_argument);
  g_test_add_func ("/memscope/ui/application/help", test_help);
  g_test_add_func ("/memscope/ui/application/interrupted-offered-on-start",
                   test_interrupted_offered_on_start);
  for (guint i = 0; i < G_N_ELEMENTS (bad_command_lines); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/ui/application/bad-command-line/%s",
                                               bad_command_lines[i].name);

      g_test_add_data_func (path, &bad_command_lines[i], test_bad_command_line);
    }

  status = g_test_run ();
  ms_test_remove_tree (data_home);
  return status;
}
