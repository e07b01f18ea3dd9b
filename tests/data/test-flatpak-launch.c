/* test-flatpak-launch.c: what Launch says when it cannot start a browser, in and out of
 * a Flatpak sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ms-browser-launcher.h"
#include "ms-browser-launcher-private.h"
#include "ms-cdp-error.h"

#define SANDBOX_MESSAGE \
  "Memscope runs in a Flatpak sandbox, where it cannot start the browsers installed on " \
  "this computer. Start one yourself with “chromium --remote-debugging-port=9222 " \
  "--js-flags=--expose-gc --user-data-dir=/tmp/memscope-profile” (the same switches work " \
  "for Chrome, Edge and Brave), then connect to 127.0.0.1:9222"

#define SEARCHED \
  "chromium, chromium-browser, google-chrome, google-chrome-stable, chrome, " \
  "microsoft-edge, microsoft-edge-stable, brave-browser, brave"

static const struct
{
  const char *name;
  gboolean    in_flatpak;
  const char *tried;
  const char *message;
} not_found_cases[] = {
  { "host", FALSE, "a, b",
    "No Chromium-family browser found (tried $MEMSCOPE_BROWSER, then a, b on $PATH); "
    "install Chromium or set MEMSCOPE_BROWSER to its path" },
  { "sandbox", TRUE, "a, b", SANDBOX_MESSAGE },
};

static void
test_not_found_message (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;

  ms_browser_launcher_set_not_found_error (&error, not_found_cases[i].in_flatpak,
                                           not_found_cases[i].tried);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, not_found_cases[i].message);
}

static gboolean
flatpak_info_exists (void)
{
  struct stat st;

  return stat ("/.flatpak-info", &st) == 0;
}

static void
test_in_flatpak (void)
{
  g_assert_cmpint (ms_browser_launcher_in_flatpak (), ==, flatpak_info_exists ());
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Launch with no browser to be found: the error it gives is the one above, the sandbox's
 * when this runs in a sandbox. */
static void
test_launch_without_browser (void)
{
  g_autofree char *saved_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *saved_browser = g_strdup (g_getenv ("MEMSCOPE_BROWSER"));
  g_autofree char *empty = g_dir_make_tmp ("memscope-no-browser-XXXXXX", NULL);
  g_autoptr(MsBrowserLauncher) launcher = ms_browser_launcher_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  g_assert_nonnull (empty);
  g_setenv ("PATH", empty, TRUE);
  g_unsetenv ("MEMSCOPE_BROWSER");

  ms_browser_launcher_start_async (launcher, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  endpoint = ms_browser_launcher_start_finish (launcher, result, &error);

  g_setenv ("PATH", saved_path, TRUE);
  if (saved_browser != NULL)
    g_setenv ("MEMSCOPE_BROWSER", saved_browser, TRUE);
  g_rmdir (empty);

  expected = flatpak_info_exists ()
    ? g_strdup (SANDBOX_MESSAGE)
    : g_strdup ("No Chromium-family browser found (tried $MEMSCOPE_BROWSER, then " SEARCHED
                " on $PATH); install Chromium or set MEMSCOPE_BROWSER to its path");
  g_assert_null (endpoint);
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_BROWSER_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_false (ms_browser_launcher_is_running (launcher));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (not_found_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/launcher/not-found-message/%s",
                                               not_found_cases[i].name);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_not_found_message);
    }
  g_test_add_func ("/memscope/launcher/in-flatpak", test_in_flatpak);
  g_test_add_func ("/memscope/launcher/launch-without-browser", test_launch_without_browser);

  return g_test_run ();
}
