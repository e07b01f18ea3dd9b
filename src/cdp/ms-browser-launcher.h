/* ms-browser-launcher.h: find and start a Chromium-family browser for inspection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-cdp-endpoint.h"

G_BEGIN_DECLS

#define MS_TYPE_BROWSER_LAUNCHER (ms_browser_launcher_get_type ())

G_DECLARE_FINAL_TYPE (MsBrowserLauncher, ms_browser_launcher, MS, BROWSER_LAUNCHER, GObject)

/* Search order when no browser is set: $MEMSCOPE_BROWSER, then chromium, chromium-browser,
 * google-chrome, google-chrome-stable, chrome, microsoft-edge, microsoft-edge-stable,
 * brave-browser, brave on $PATH. Returns a newly allocated absolute path or NULL with
 * MS_CDP_ERROR_BROWSER_NOT_FOUND listing what was tried. */
char              *ms_browser_launcher_find_browser   (const char          *preferred,
                                                       GError             **error);
/* TRUE inside a Flatpak sandbox (/.flatpak-info exists), where the host's browsers can be
 * neither found nor started; the search above then fails with a message that says how to
 * start a browser on the host and connect to it. */
gboolean           ms_browser_launcher_in_flatpak     (void);

MsBrowserLauncher *ms_browser_launcher_new            (void);
/* Path or program name; NULL means search (see above). */
void               ms_browser_launcher_set_browser    (MsBrowserLauncher   *self,
                                                       const char          *browser);
void               ms_browser_launcher_set_headless   (MsBrowserLauncher   *self,
                                                       gboolean             headless);
/* Page to open; NULL means about:blank. One that starts with "-" is refused when the
 * browser is started (it would be a switch). */
void               ms_browser_launcher_set_url        (MsBrowserLauncher   *self,
                                                       const char          *url);
/* Extra arguments appended after Memscope's own. */
void               ms_browser_launcher_add_argument   (MsBrowserLauncher   *self,
                                                       const char          *argument);
/* The full argv that start would run (for --help texts, logs and tests). */
GStrv              ms_browser_launcher_build_argv     (MsBrowserLauncher   *self,
                                                       GError             **error);

/* Starts the browser with a fresh temporary profile, --remote-debugging-port=0 and
 * --js-flags=--expose-gc, waits for DevToolsActivePort (timeout 30 s), and yields the
 * endpoint (host 127.0.0.1, the port, the browser ws path). */
void               ms_browser_launcher_start_async    (MsBrowserLauncher   *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
MsCdpEndpoint     *ms_browser_launcher_start_finish   (MsBrowserLauncher   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
MsCdpEndpoint     *ms_browser_launcher_get_endpoint   (MsBrowserLauncher   *self);
const char        *ms_browser_launcher_get_profile_dir (MsBrowserLauncher  *self);
gboolean           ms_browser_launcher_is_running     (MsBrowserLauncher   *self);
/* The browser's process id while it runs, else 0. */
GPid               ms_browser_launcher_get_pid        (MsBrowserLauncher   *self);
/* Terminates the browser (SIGTERM, then SIGKILL after 5 s), waits for it, and removes the
 * temporary profile. Also done on dispose. Emits ::exited. */
void               ms_browser_launcher_stop           (MsBrowserLauncher   *self);

/* The same without blocking the thread: the launcher is idle at once; the callback runs
 * when the browser has exited (SIGKILL after 5 s of SIGTERM) and its profile is removed.
 * Use this on the main thread of an application; stop() where a command-line tool exits. */
void               ms_browser_launcher_stop_async     (MsBrowserLauncher   *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           ms_browser_launcher_stop_finish    (MsBrowserLauncher   *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Signals: "exited" (gint wait_status) when the browser process ends, on the main context. */

G_END_DECLS
