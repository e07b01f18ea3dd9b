/* test-launcher.c: finding, starting and stopping a browser
 *
 * The cases under /memscope/launcher/browser/ start a real Chromium; meson runs them
 * in the 'browser' suite only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libglib-testing/signal-logger.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-error.h"

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* The launcher's signals, logged from now on. */
static GtSignalLogger *
log_exited (MsBrowserLauncher *launcher)
{
  GtSignalLogger *signals = gt_signal_logger_new ();

  gt_signal_logger_connect (signals, launcher, "exited");
  return signals;
}

/* The wait status of the one "exited" logged; nothing else was. */
static int
pop_exited (GtSignalLogger    *signals,
            MsBrowserLauncher *launcher)
{
  int wait_status = -1;

  gt_signal_logger_assert_emission_pop (signals, launcher, "exited", &wait_status);
  gt_signal_logger_assert_no_emissions (signals);
  return wait_status;
}

static gboolean
strv_has_prefix (char * const *strv,
                 const char   *prefix)
{
  for (guint i = 0; strv[i] != NULL; i++)
    {
      if (g_str_has_prefix (strv[i], prefix))
        return TRUE;
    }

  return FALSE;
}

/* Processes whose command line mentions @needle (the profile dir), other than us. */
static guint
count_processes_mentioning (const char *needle)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *self_pid = g_strdup_printf ("%d", getpid ());
  const char *name;
  guint count = 0;

  g_assert_nonnull (proc);

  while ((name = g_dir_read_name (proc)))
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length = 0;

      if (!g_ascii_isdigit (name[0]) || g_str_equal (name, self_pid))
        continue;

      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, &length, NULL))
        continue;

      for (gsize i = 0; i < length; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';

      if (strstr (cmdline, needle) != NULL)
        {
          g_test_message ("still running: %s %s", name, cmdline);
          count++;
        }
    }

  return count;
}

/* Killed processes take a moment to leave /proc. */
static guint
wait_for_no_process_mentioning (const char *needle)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  guint count;

  while ((count = count_processes_mentioning (needle)) > 0 &&
         g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 20);

  return count;
}

/* Without a browser */

static void
test_launcher_build_argv (void)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) headless_argv = NULL;
  guint n_args;

  ms_browser_launcher_set_browser (launcher, "/bin/sh");
  ms_browser_launcher_add_argument (launcher, "--lang=de");

  argv = ms_browser_launcher_build_argv (launcher, &error);
  g_assert_no_error (error);
  n_args = g_strv_length (argv);

  g_assert_cmpstr (argv[0], ==, "/bin/sh");
  g_assert_true (g_strv_contains ((const char * const *) argv, "--remote-debugging-port=0"));
  g_assert_true (g_strv_contains ((const char * const *) argv, "--js-flags=--expose-gc"));
  g_assert_true (g_strv_contains ((const char * const *) argv, "--no-first-run"));
  g_assert_true (g_strv_contains ((const char * const *) argv, "--password-store=basic"));
  g_assert_true (strv_has_prefix (argv, "--user-data-dir="));
  g_assert_cmpint (g_strv_contains ((const char * const *) argv, "--no-sandbox"), ==, geteuid () == 0);
  g_assert_false (g_strv_contains ((const char * const *) argv, "--headless"));
  g_assert_false (g_strv_contains ((const char * const *) argv, "--disable-gpu"));

  /* Extra arguments after ours, the page last. */
  g_assert_cmpstr (argv[n_args - 2], ==, "--lang=de");
  g_assert_cmpstr (argv[n_args - 1], ==, "about:blank");

  ms_browser_launcher_set_headless (launcher, TRUE);
  ms_browser_launcher_set_url (launcher, "http://127.0.0.1:8765/page.html");
  headless_argv = ms_browser_launcher_build_argv (launcher, &error);
  g_assert_no_error (error);

  g_assert_true (g_strv_contains ((const char * const *) headless_argv, "--headless"));
  g_assert_true (g_strv_contains ((const char * const *) headless_argv, "--disable-gpu"));
  g_assert_cmpstr (headless_argv[g_strv_length (headless_argv) - 1], ==, "http://127.0.0.1:8765/page.html");

  /* Not started: no profile yet. */
  g_assert_null (ms_browser_launcher_get_profile_dir (launcher));
  g_assert_null (ms_browser_launcher_get_endpoint (launcher));
  g_assert_false (ms_browser_launcher_is_running (launcher));
}

static void
test_launcher_find_browser (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("MEMSCOPE_BROWSER"));
  static const char *bogus[] = {
    "/nonexistent/memscope/chromium",
    "memscope-no-such-browser",
    "/tmp",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bogus); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = ms_browser_launcher_find_browser (bogus[i], &error);

      g_assert_null (path);
      g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, bogus[i]));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = ms_browser_launcher_find_browser ("sh", &error);

    g_assert_no_error (error);
    g_assert_true (g_path_is_absolute (path));
  }

  /* $MEMSCOPE_BROWSER, when set, is the user's choice: no silent fallback. */
  g_setenv ("MEMSCOPE_BROWSER", "/nonexistent/memscope/from-env", TRUE);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = ms_browser_launcher_find_browser (NULL, &error);

    g_assert_null (path);
    g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "MEMSCOPE_BROWSER"));
  }

  g_setenv ("MEMSCOPE_BROWSER", "/bin/sh", TRUE);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = ms_browser_launcher_find_browser (NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (path, ==, "/bin/sh");
  }

  if (saved != NULL)
    g_setenv ("MEMSCOPE_BROWSER", saved, TRUE);
  else
    g_unsetenv ("MEMSCOPE_BROWSER");
}

static void
test_launcher_start_not_found (void)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  ms_browser_launcher_set_browser (launcher, "/nonexistent/memscope/chromium");
  ms_browser_launcher_start_async (launcher, NULL, store_result, &result);
  endpoint = ms_browser_launcher_start_finish (launcher, wait_for_result (&result), &error);

  g_assert_null (endpoint);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND);
  g_assert_null (ms_browser_launcher_get_profile_dir (launcher));
}

static void
test_launcher_exits_immediately (void)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile_dir = NULL;
  g_autoptr(GtSignalLogger) signals = log_exited (launcher);
  int wait_status;
  gint64 started;

  ms_browser_launcher_set_browser (launcher, "/bin/false");

  started = g_get_monotonic_time ();
  ms_browser_launcher_start_async (launcher, NULL, store_result, &result);
  profile_dir = g_strdup (ms_browser_launcher_get_profile_dir (launcher));
  g_assert_nonnull (profile_dir);
  g_assert_true (g_file_test (profile_dir, G_FILE_TEST_IS_DIR));

  endpoint = ms_browser_launcher_start_finish (launcher, wait_for_result (&result), &error);

  g_assert_null (endpoint);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "exited with status 1"));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);

  wait_status = pop_exited (signals, launcher);
  g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 1);
  g_assert_false (ms_browser_launcher_is_running (launcher));
  g_assert_false (g_file_test (profile_dir, G_FILE_TEST_EXISTS));
}

/* A "browser" that complains and dies: its words end up in the error. */
static void
test_launcher_early_exit_output (void)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *script = NULL;

  dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_assert_no_error (error);
  script = g_build_filename (dir, "fake-browser", NULL);
  g_file_set_contents (script,
                       "#!/bin/sh\n"
                       "echo 'starting up' \n"
                       "echo 'Missing X server or $DISPLAY' >&2\n"
                       "exit 3\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);

  ms_browser_launcher_set_browser (launcher, script);
  ms_browser_launcher_start_async (launcher, NULL, store_result, &result);
  endpoint = ms_browser_launcher_start_finish (launcher, wait_for_result (&result), &error);

  g_assert_null (endpoint);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "exited with status 3"));
  g_assert_nonnull (strstr (error->message, "Missing X server or $DISPLAY"));
  g_assert_nonnull (strstr (error->message, script));

  g_unlink (script);
  g_rmdir (dir);
}

static void
test_launcher_stop_idle (void)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GtSignalLogger) signals = log_exited (launcher);

  ms_browser_launcher_stop (launcher);
  ms_browser_launcher_stop (launcher);

  gt_signal_logger_assert_no_emissions (signals);
  g_assert_false (ms_browser_launcher_is_running (launcher));
}

/* Pages that would be switches: each refused with its exact error, no process started */

static const char * const switch_urls[] = {
  "--renderer-cmd-prefix=touch /tmp/memscope-pwned",
  "--version",
  "-x",
  "--",
};

static void
test_launcher_url_switch (gconstpointer data)
{
  const char *url = data;
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) argv_error = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *expected = g_strdup_printf ("“%s” is not a page to open: it starts with “-”, "
                                               "which the browser would take as a command-line "
                                               "switch", url);
  g_autoptr(GtSignalLogger) signals = log_exited (launcher);

  ms_browser_launcher_set_browser (launcher, "/bin/true");
  ms_browser_launcher_set_url (launcher, url);

  argv = ms_browser_launcher_build_argv (launcher, &argv_error);
  g_assert_null (argv);
  g_assert_error (argv_error, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED);
  g_assert_cmpstr (argv_error->message, ==, expected);

  ms_browser_launcher_start_async (launcher, NULL, store_result, &result);
  endpoint = ms_browser_launcher_start_finish (launcher, wait_for_result (&result), &error);
  g_assert_null (endpoint);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED);
  g_assert_cmpstr (error->message, ==, expected);

  g_assert_null (ms_browser_launcher_get_profile_dir (launcher));
  g_assert_false (ms_browser_launcher_is_running (launcher));
  gt_signal_logger_assert_no_emissions (signals);
}

/* A fake browser: announces a DevTools port in its profile, then does @tail. */
static char *
write_fake_browser (const char *dir,
                    const char *tail)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  char *script = g_build_filename (dir, "fake-browser", NULL);

  contents = g_strconcat ("#!/bin/sh\n"
                          "trap '' TERM\n"
                          "for arg; do\n"
                          "  case \"$arg\" in --user-data-dir=*) profile=\"${arg#--user-data-dir=}\";; esac\n"
                          "done\n"
                          "printf '9\\n/devtools/browser/fake\\n' > \"$profile/DevToolsActivePort\"\n",
                          tail, "\n", NULL);
  g_file_set_contents (script, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  return script;
}

static MsBrowserLauncher *
start_fake_browser (const char *script)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  ms_browser_launcher_set_browser (launcher, script);
  ms_browser_launcher_start_async (launcher, NULL, store_result, &result);
  endpoint = ms_browser_launcher_start_finish (launcher, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_cdp_endpoint_get_port (endpoint), ==, 9);
  return g_steal_pointer (&launcher);
}

/* Forks a child that leads a process group of its own with id @pgid, by asking the
 * kernel for that pid next. Returns its pid, or 0 when it cannot be arranged. */
static GPid
fork_group_leader_with_id (GPid pgid)
{
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autofree char *last = g_strdup_printf ("%d", pgid - 1);
      GPid child;

      if (!g_file_set_contents_full ("/proc/sys/kernel/ns_last_pid", last, -1,
                                     G_FILE_SET_CONTENTS_NONE, 0644, NULL))
        return 0;

      child = fork ();
      g_assert_cmpint (child, >=, 0);
      if (child == 0)
        {
          setpgid (0, 0);
          pause ();
          _exit (0);
        }
      if (child == pgid)
        {
          /* Wait until it leads its group, as the unrelated program would. */
          while (getpgid (child) != child)
            g_usleep (1000);
          return child;
        }
      kill (child, SIGKILL);
      waitpid (child, NULL, 0);
    }

  return 0;
}

/* The browser exits on its own and is reaped; its pid (the id of its process group)
 * goes to an unrelated group leader; stop() must not signal that group. */
static void
test_launcher_pid_reuse (void)
{
  g_autoptr(MsBrowserLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GtSignalLogger) signals = NULL;
  int status = 0;
  GPid pgid;
  GPid stranger;

  if (geteuid () != 0 || g_access ("/proc/sys/kernel/ns_last_pid", W_OK) != 0)
    {
      g_test_skip ("choosing the next pid through /proc/sys/kernel/ns_last_pid needs root");
      return;
    }

  dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_assert_no_error (error);
  script = write_fake_browser (dir, "sleep 0.3\nexit 0");

  launcher = start_fake_browser (script);
  pgid = ms_browser_launcher_get_pid (launcher);
  g_assert_cmpint (pgid, >, 1);
  signals = log_exited (launcher);
  while (gt_signal_logger_get_n_emissions (signals) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (WIFEXITED (pop_exited (signals, launcher)));
  g_assert_false (ms_browser_launcher_is_running (launcher));

  stranger = fork_group_leader_with_id (pgid);
  if (stranger == 0)
    {
      g_test_skip ("the kernel did not hand out the browser's old pid again");
      return;
    }

  ms_browser_launcher_stop (launcher);
  g_clear_object (&launcher);

  /* Still alive, unsignalled: waitpid has nothing to report. */
  g_assert_cmpint (waitpid (stranger, &status, WNOHANG), ==, 0);
  kill (stranger, SIGKILL);
  g_assert_cmpint (waitpid (stranger, &status, 0), ==, stranger);

  g_unlink (script);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
count_idle (gpointer user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
count_idle_cb (gpointer user_data)
{
  count_idle (user_data);
  return G_SOURCE_CONTINUE;
}

/* A browser that ignores SIGTERM: stop_async() returns at once, the launcher is idle,
 * the main loop keeps running until SIGKILL ends it, and then everything is cleaned. */
static void
test_launcher_stop_async (void)
{
  g_autoptr(MsBrowserLauncher) launcher = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *script = NULL;
  g_autofree char *profile_dir = NULL;
  g_autoptr(GtSignalLogger) signals = NULL;
  int wait_status;
  guint n_idle = 0;
  guint n_idle_at_return;
  guint idle_id;
  GPid pid;

  dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_assert_no_error (error);
  script = write_fake_browser (dir, "exec sleep 60");

  launcher = start_fake_browser (script);
  pid = ms_browser_launcher_get_pid (launcher);
  profile_dir = g_strdup (ms_browser_launcher_get_profile_dir (launcher));
  signals = log_exited (launcher);

  idle_id = g_idle_add (count_idle_cb, &n_idle);
  ms_browser_launcher_stop_async (launcher, NULL, store_result, &result);
  n_idle_at_return = n_idle;

  /* Idle at once, while the old browser still winds down. */
  g_assert_false (ms_browser_launcher_is_running (launcher));
  g_assert_null (ms_browser_launcher_get_profile_dir (launcher));
  g_assert_cmpint (kill (pid, 0), ==, 0);
  gt_signal_logger_assert_no_emissions (signals);

  g_assert_true (ms_browser_launcher_stop_finish (launcher, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_source_remove (idle_id);

  /* The main loop ran while the browser ignored SIGTERM. */
  g_assert_cmpuint (n_idle_at_return, ==, 0);
  g_assert_cmpuint (n_idle, >, 0);
  wait_status = pop_exited (signals, launcher);
  g_assert_true (WIFSIGNALED (wait_status) && WTERMSIG (wait_status) == SIGKILL);
  g_assert_false (g_file_test (profile_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (kill (pid, 0), ==, -1);

  g_unlink (script);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* With a real Chromium */

static MsBrowserLauncher *
start_headless_browser (MsCdpEndpoint **endpoint_out)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *browser = NULL;
  gint64 started;

  browser = ms_browser_launcher_find_browser (NULL, &error);
  if (browser == NULL)
    {
      g_test_skip (error->message);
      return NULL;
    }

  ms_browser_launcher_set_headless (launcher, TRUE);

  started = g_get_monotonic_time ();
  ms_browser_launcher_start_async (launcher, NULL, store_result, &result);
  *endpoint_out = ms_browser_launcher_start_finish (launcher, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_test_message ("%s started in %" G_GINT64_FORMAT " ms",
                  browser, (g_get_monotonic_time () - started) / 1000);

  return g_steal_pointer (&launcher);
}

static void
test_launcher_browser_start_stop (void)
{
  g_autoptr(MsBrowserLauncher) launcher = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(MsCdpDiscovery) discovery = NULL;
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(MsCdpTarget) page = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GAsyncResult) protocol_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile_dir = NULL;
  g_autofree char *ws_url = NULL;
  const char *browser_name;
  g_autoptr(GtSignalLogger) signals = NULL;
  gint64 stop_started;

  if (!(launcher = start_headless_browser (&endpoint)))
    return;

  signals = log_exited (launcher);

  g_assert_true (ms_browser_launcher_is_running (launcher));
  g_assert_true (ms_browser_launcher_get_endpoint (launcher) == endpoint);
  g_assert_cmpstr (ms_cdp_endpoint_get_host (endpoint), ==, "127.0.0.1");
  g_assert_cmpuint (ms_cdp_endpoint_get_port (endpoint), >, 0);
  g_assert_true (g_str_has_prefix (ms_cdp_endpoint_get_ws_path (endpoint), "/devtools/browser/"));

  profile_dir = g_strdup (ms_browser_launcher_get_profile_dir (launcher));
  g_assert_true (g_file_test (profile_dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_processes_mentioning (profile_dir), >, 0);

  /* The DevTools server answers, through our own HTTP client. */
  discovery = ms_cdp_discovery_new (endpoint);
  ms_cdp_discovery_get_version_async (discovery, NULL, store_result, &result);
  version = ms_cdp_discovery_get_version_finish (discovery, wait_for_result (&result), &error);
  g_assert_no_error (error);

  browser_name = ms_cdp_browser_version_get_browser (version);
  g_test_message ("Browser: %s, protocol %s, V8 %s", browser_name,
                  ms_cdp_browser_version_get_protocol_version (version),
                  ms_cdp_browser_version_get_v8_version (version));
  g_assert_true (g_str_has_prefix (browser_name, "Chrome/") ||
                 g_str_has_prefix (browser_name, "HeadlessChrome/") ||
                 g_str_has_prefix (browser_name, "Chromium/") ||
                 g_str_has_prefix (browser_name, "Edg/"));
  g_assert_true (g_str_has_suffix (ms_cdp_browser_version_get_debugger_url (version),
                                   ms_cdp_endpoint_get_ws_path (endpoint)));

  ms_cdp_discovery_list_targets_async (discovery, NULL, store_result, &list_result);
  targets = ms_cdp_discovery_list_targets_finish (discovery, wait_for_result (&list_result), &error);
  g_assert_no_error (error);
  page = ms_cdp_target_list_find (targets, "about:blank", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_cdp_target_get_target_type (page), ==, "page");
  ws_url = ms_cdp_discovery_target_ws_url (discovery, page, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (ws_url, "ws://127.0.0.1:"));

  ms_cdp_discovery_check_memory_domain_async (discovery, NULL, store_result, &protocol_result);
  ms_cdp_discovery_check_memory_domain_finish (discovery, wait_for_result (&protocol_result), &error);
  g_assert_no_error (error);

  stop_started = g_get_monotonic_time ();
  ms_browser_launcher_stop (launcher);
  g_test_message ("stopped in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - stop_started) / 1000);

  /* stop() returns once the browser is reaped: exited came, once. */
  pop_exited (signals, launcher);
  g_assert_false (ms_browser_launcher_is_running (launcher));
  g_assert_null (ms_browser_launcher_get_profile_dir (launcher));
  g_assert_null (ms_browser_launcher_get_endpoint (launcher));
  g_assert_false (g_file_test (profile_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (wait_for_no_process_mentioning (profile_dir), ==, 0);
}

static void
test_launcher_browser_dispose (void)
{
  g_autoptr(MsBrowserLauncher) launcher = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autofree char *profile_dir = NULL;

  if (!(launcher = start_headless_browser (&endpoint)))
    return;

  profile_dir = g_strdup (ms_browser_launcher_get_profile_dir (launcher));
  g_clear_object (&launcher);

  g_assert_false (g_file_test (profile_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (wait_for_no_process_mentioning (profile_dir), ==, 0);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

static void
test_launcher_browser_cancel (void)
{
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *browser = NULL;
  g_autofree char *profile_dir = NULL;

  if (!(browser = ms_browser_launcher_find_browser (NULL, &error)))
    {
      g_test_skip (error->message);
      return;
    }

  ms_browser_launcher_set_headless (launcher, TRUE);
  ms_browser_launcher_start_async (launcher, cancellable, store_result, &result);
  profile_dir = g_strdup (ms_browser_launcher_get_profile_dir (launcher));
  g_timeout_add (20, cancel_later, cancellable);

  endpoint = ms_browser_launcher_start_finish (launcher, wait_for_result (&result), &error);
  g_assert_null (endpoint);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_false (ms_browser_launcher_is_running (launcher));
  g_assert_false (g_file_test (profile_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (wait_for_no_process_mentioning (profile_dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/launcher/build-argv", test_launcher_build_argv);
  g_test_add_func ("/memscope/launcher/find-browser", test_launcher_find_browser);
  g_test_add_func ("/memscope/launcher/start-not-found", test_launcher_start_not_found);
  g_test_add_func ("/memscope/launcher/exits-immediately", test_launcher_exits_immediately);
  g_test_add_func ("/memscope/launcher/early-exit-output", test_launcher_early_exit_output);
  g_test_add_func ("/memscope/launcher/stop-idle", test_launcher_stop_idle);
  g_test_add_func ("/memscope/launcher/pid-reuse", test_launcher_pid_reuse);
  g_test_add_func ("/memscope/launcher/stop-async", test_launcher_stop_async);
  for (guint i = 0; i < G_N_ELEMENTS (switch_urls); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/launcher/url-switch/%u", i);

      g_test_add_data_func (path, switch_urls[i], test_launcher_url_switch);
    }

  g_test_add_func ("/memscope/launcher/browser/start-stop", test_launcher_browser_start_stop);
  g_test_add_func ("/memscope/launcher/browser/dispose", test_launcher_browser_dispose);
  g_test_add_func ("/memscope/launcher/browser/cancel", test_launcher_browser_cancel);

  return g_test_run ();
}
