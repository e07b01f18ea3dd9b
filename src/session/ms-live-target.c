/* ms-live-target.c: a browser page to inspect, from "launch" or "connect" to a recording
 *
 * What happens when the user presses Launch (or Connect), all in this file:
 *
 *   ms_live_target_connect_async()
 *     launch()                 LAUNCHING: start the browser (MsBrowserLauncher) with
 *                              its DevTools port, bounded by on_launch_deadline()
 *     on_browser_started()     CONNECTING: poll the targets (poll_targets(),
 *                              on_launched_targets()) until our page shows, any page
 *                              after ANY_PAGE_AFTER_US, an error after the timeout
 *     attach()                 an MsTargetConnection to that page: version, targets,
 *                              WebSocket (a Connect starts here, from its endpoint)
 *     connect_return()         CONNECTED, or FAILED with the last error (IDLE when
 *                              cancelled; a browser this started is stopped)
 *   ms_live_target_new_recording() then ms_recorder_start_async()   RECORDING
 *   ms_live_target_send_async(), _count_leaks_async()  the one-shot commands, each
 *                              leaving a marker in the recording
 *   ms_live_target_disconnect_async()  stop the recorder, close, stop the browser
 *
 * The window and memscope-cli only start these steps and show what the state says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-session"

#include "config.h"

#include <glib/gi18n.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-error.h"
#include "ms-live-target.h"
#include "ms-session-enums.h"

#define DEFAULT_TIMEOUT_S         15
#define DEFAULT_RECONNECT_S       30
#define DEMO_PAGE_NAME            "leaky-page.html"
#define TARGET_POLL_MS            150
/* A launched browser shows our page first; after this long any page will do. */
#define ANY_PAGE_AFTER_US         (3 * G_USEC_PER_SEC)

struct _MsLiveTarget
{
  GObject              parent_instance;

  /* What it was made for */
  gboolean             launches;        /* made for a launch */
  char                *launch_url;
  gboolean             headless;
  char                *browser;
  char                *ws_url;          /* given as the endpoint: attach to it directly */

  MsBrowserLauncher   *launcher;
  MsCdpEndpoint       *endpoint;
  MsCdpDiscovery      *discovery;
  MsTargetConnection  *connection;
  MsRecorder          *recorder;

  MsLiveTargetState    state;
  GError              *last_error;
  guint                timeout;
  guint                reconnect_window;

  /* Connecting */
  GTask               *connect_task;
  GCancellable        *connect_cancellable;  /* ours: the caller's, disconnect, deadlines */
  gulong               caller_cancelled_id;
  char                *selector;
  gint64               any_page_after_us;
  gint64               page_deadline_us;
  guint                poll_id;
  guint                launch_deadline_id;
  gboolean             launch_timed_out;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_TARGET,
  PROP_BROWSER_VERSION,
  PROP_RECORDER,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MsLiveTarget, ms_live_target, G_TYPE_OBJECT)

/* Every _async starts its task the same way, and every _finish checks it the same way. */
static GTask *
new_task (MsLiveTarget        *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/* @result as the task an _async of @self with @source_tag made, else NULL (a
 * programming error, reported as a critical). */
static GTask *
finishing_task (MsLiveTarget *self,
                GAsyncResult *result,
                gpointer      source_tag)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return G_TASK (result);
}

static gboolean
finish_boolean (MsLiveTarget  *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  GTask *task = finishing_task (self, result, source_tag);

  return task != NULL && g_task_propagate_boolean (task, error);
}

static gpointer
finish_pointer (MsLiveTarget  *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  GTask *task = finishing_task (self, result, source_tag);

  return task != NULL ? g_task_propagate_pointer (task, error) : NULL;
}

/* A task for a question to the browser's HTTP endpoint; NULL when there is none yet
 * (a launch whose browser has not started: the task has returned that error then). */
static GTask *
new_discovery_task (MsLiveTarget        *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data,
                    gpointer             source_tag)
{
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data, source_tag);

  if (self->discovery == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("the browser is not running"));
      return NULL;
    }
  return g_steal_pointer (&task);
}

/* State */

static void
set_state (MsLiveTarget      *self,
           MsLiveTargetState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Set before the state changes, so that notify::state handlers read it. */
static void
set_last_error (MsLiveTarget *self,
                const GError *error)
{
  if (error == NULL && self->last_error == NULL)
    return;
  g_clear_error (&self->last_error);
  if (error != NULL)
    self->last_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_recorder (MsLiveTarget *self,
              MsRecorder   *recorder);

/* CONNECTED or RECORDING, from the recorder's state. */
static void
sync_attached_state (MsLiveTarget *self)
{
  MsRecorderState rstate = self->recorder ? ms_recorder_get_state (self->recorder)
                                          : MS_RECORDER_STATE_IDLE;
  gboolean recording = rstate == MS_RECORDER_STATE_STARTING ||
                       rstate == MS_RECORDER_STATE_RECORDING ||
                       rstate == MS_RECORDER_STATE_STOPPING;

  set_state (self, recording ? MS_LIVE_TARGET_STATE_RECORDING : MS_LIVE_TARGET_STATE_CONNECTED);
}

static void
on_recorder_state (MsRecorder   *recorder,
                   GParamSpec   *pspec,
                   MsLiveTarget *self)
{
  if (self->state == MS_LIVE_TARGET_STATE_CONNECTED || self->state == MS_LIVE_TARGET_STATE_RECORDING)
    sync_attached_state (self);
}

static void
set_recorder (MsLiveTarget *self,
              MsRecorder   *recorder)
{
  if (self->recorder == recorder)
    return;
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_set_object (&self->recorder, recorder);
  if (recorder != NULL)
    g_signal_connect (recorder, "notify::state", G_CALLBACK (on_recorder_state), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDER]);
}

static void
on_connection_state (MsTargetConnection *connection,
                     GParamSpec         *pspec,
                     MsLiveTarget       *self)
{
  switch (ms_target_connection_get_state (connection))
    {
    case MS_TARGET_CONNECTION_STATE_CONNECTED:
      set_last_error (self, NULL);
      sync_attached_state (self);
      break;

    case MS_TARGET_CONNECTION_STATE_RECONNECTING:
    case MS_TARGET_CONNECTION_STATE_CRASHED:
    case MS_TARGET_CONNECTION_STATE_FAILED:
      set_last_error (self, ms_target_connection_get_error (connection));
      set_state (self, MS_LIVE_TARGET_STATE_LOST);
      break;

    case MS_TARGET_CONNECTION_STATE_IDLE:
    case MS_TARGET_CONNECTION_STATE_CONNECTING:
    case MS_TARGET_CONNECTION_STATE_CLOSED:
    default:
      break;
    }
}

static void
on_browser_exited (MsBrowserLauncher *launcher,
                   int                wait_status,
                   MsLiveTarget      *self);

/* Lets go of everything live: the recorder stays readable (what it recorded is kept).
 * A browser of ours is stopped without blocking (SIGKILL follows SIGTERM after 5 s):
 * @callback runs once it has exited, else at once. */
static void
drop_live (MsLiveTarget        *self,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->launch_deadline_id, g_source_remove);
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      ms_target_connection_close (self->connection);
    }
  if (self->launcher != NULL && ms_browser_launcher_is_running (self->launcher))
    {
      g_signal_handlers_disconnect_by_data (self->launcher, self);
      ms_browser_launcher_stop_async (self->launcher, NULL, callback, user_data);
      return;
    }
  if (callback != NULL)
    callback ((GObject *) self->launcher, NULL, user_data);
}

/* GObject */

static void
ms_live_target_dispose (GObject *object)
{
  MsLiveTarget *self = MS_LIVE_TARGET (object);

  /* Nothing may run after this, e.g. a command-line tool exiting: wait for the browser. */
  if (self->launcher != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->launcher, self);
      ms_browser_launcher_stop (self->launcher);
    }
  drop_live (self, NULL, NULL);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_clear_object (&self->recorder);
  g_clear_object (&self->connection);
  g_clear_object (&self->launcher);
  g_clear_object (&self->discovery);

  G_OBJECT_CLASS (ms_live_target_parent_class)->dispose (object);
}

static void
ms_live_target_finalize (GObject *object)
{
  MsLiveTarget *self = MS_LIVE_TARGET (object);

  g_assert (self->connect_task == NULL);
  g_clear_object (&self->connect_cancellable);
  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);
  g_clear_error (&self->last_error);
  g_free (self->launch_url);
  g_free (self->browser);
  g_free (self->ws_url);
  g_free (self->selector);

  G_OBJECT_CLASS (ms_live_target_parent_class)->finalize (object);
}

static void
ms_live_target_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MsLiveTarget *self = MS_LIVE_TARGET (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TARGET:
      g_value_set_object (value, ms_live_target_get_target (self));
      break;
    case PROP_BROWSER_VERSION:
      g_value_set_string (value, ms_live_target_get_browser_version (self));
      break;
    case PROP_RECORDER:
      g_value_set_object (value, self->recorder);
      break;
    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_live_target_class_init (MsLiveTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ms_live_target_dispose;
  object_class->finalize = ms_live_target_finalize;
  object_class->get_property = ms_live_target_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MS_TYPE_LIVE_TARGET_STATE,
                       MS_LIVE_TARGET_STATE_IDLE, flags);
  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, MS_TYPE_CDP_TARGET, flags);
  properties[PROP_BROWSER_VERSION] =
    g_param_spec_string ("browser-version", NULL, NULL, NULL, flags);
  properties[PROP_RECORDER] =
    g_param_spec_object ("recorder", NULL, NULL, MS_TYPE_RECORDER, flags);
  properties[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_live_target_init (MsLiveTarget *self)
{
  self->timeout = DEFAULT_TIMEOUT_S;
  self->reconnect_window = DEFAULT_RECONNECT_S;
}

/* Construction */

MsLiveTarget *
ms_live_target_new_for_launch (const char *url,
                               gboolean    headless,
                               const char *browser)
{
  MsLiveTarget *self = g_object_new (MS_TYPE_LIVE_TARGET, NULL);

  self->launches = TRUE;
  self->launch_url = g_strdup (url);
  self->headless = headless;
  self->browser = g_strdup (browser);
  /* A browser of our own that closes does not come back. */
  self->reconnect_window = 0;
  return self;
}

MsLiveTarget *
ms_live_target_new_for_endpoint (const char  *text,
                                 GError     **error)
{
  g_autoptr(MsCdpEndpoint) endpoint = NULL;
  MsLiveTarget *self;

  g_return_val_if_fail (text != NULL, NULL);

  endpoint = ms_cdp_endpoint_parse (text, error);
  if (endpoint == NULL)
    return NULL;

  self = g_object_new (MS_TYPE_LIVE_TARGET, NULL);
  self->endpoint = g_steal_pointer (&endpoint);
  self->discovery = ms_cdp_discovery_new (self->endpoint);
  ms_cdp_discovery_set_timeout (self->discovery, self->timeout);
  if (g_str_has_prefix (text, "ws://"))
    self->ws_url = g_strdup (text);
  return self;
}

char *
ms_live_target_find_demo_page (GError **error)
{
  const char *env = g_getenv ("MEMSCOPE_DATADIR");
  const char *dirs[] = { env, MS_SESSION_SOURCE_DATADIR, MS_SESSION_INSTALL_DATADIR };
  g_autoptr(GString) tried = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = NULL;
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || *dirs[i] == '\0')
        continue;
      /* Absolute, so that a relative MEMSCOPE_DATADIR still gives a file:// URI. */
      dir = g_canonicalize_filename (dirs[i], NULL);
      path = g_build_filename (dir, "demo", DEMO_PAGE_NAME, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
      g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", path);
    }

  /* Translators: the files tried, comma-separated. */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("the demo page is not installed (tried %s); set MEMSCOPE_DATADIR to the folder "
                 "holding demo/%s"), tried->str, DEMO_PAGE_NAME);
  return NULL;
}

/* Settings and getters */

void
ms_live_target_set_timeout (MsLiveTarget *self,
                            guint         seconds)
{
  g_return_if_fail (MS_IS_LIVE_TARGET (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
  if (self->discovery != NULL)
    ms_cdp_discovery_set_timeout (self->discovery, seconds);
  if (self->connection != NULL)
    ms_target_connection_set_timeout (self->connection, seconds);
}

guint
ms_live_target_get_timeout (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), 0);
  return self->timeout;
}

void
ms_live_target_set_reconnect_window (MsLiveTarget *self,
                                     guint         seconds)
{
  g_return_if_fail (MS_IS_LIVE_TARGET (self));

  self->reconnect_window = seconds;
  if (self->connection != NULL)
    ms_target_connection_set_reconnect_window (self->connection, seconds);
}

gboolean
ms_live_target_is_remote (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), FALSE);
  return !self->launches && !ms_cdp_endpoint_is_loopback (self->endpoint);
}

char *
ms_live_target_describe (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);

  if (self->endpoint != NULL)
    return ms_cdp_endpoint_to_string (self->endpoint);
  return g_strdup (self->launch_url ? self->launch_url : "about:blank");
}

const char *
ms_live_target_get_launch_url (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);
  return self->launch_url;
}

MsLiveTargetState
ms_live_target_get_state (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), MS_LIVE_TARGET_STATE_FAILED);
  return self->state;
}

MsCdpTarget *
ms_live_target_get_target (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);
  return self->connection ? ms_target_connection_get_target (self->connection) : NULL;
}

const char *
ms_live_target_get_browser_version (MsLiveTarget *self)
{
  MsCdpBrowserVersion *version;

  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);
  version = self->connection ? ms_target_connection_get_browser_version (self->connection) : NULL;
  return version ? ms_cdp_browser_version_get_browser (version) : NULL;
}

MsRecorder *
ms_live_target_get_recorder (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);
  return self->recorder;
}

const GError *
ms_live_target_get_last_error (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);
  return self->last_error;
}

MsTargetConnection *
ms_live_target_get_connection (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);
  return self->connection;
}

GPid
ms_live_target_get_browser_pid (MsLiveTarget *self)
{
  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), 0);
  return self->launcher ? ms_browser_launcher_get_pid (self->launcher) : 0;
}

/* Connecting: finishing */

static void
connect_return (MsLiveTarget *self,
                GError       *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->launch_deadline_id, g_source_remove);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  g_cancellable_disconnect (g_task_get_cancellable (task), self->caller_cancelled_id);
  self->caller_cancelled_id = 0;

  if (error == NULL)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROWSER_VERSION]);
      sync_attached_state (self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  drop_live (self, NULL, NULL);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, MS_LIVE_TARGET_STATE_IDLE);
  else
    {
      set_last_error (self, error);
      set_state (self, MS_LIVE_TARGET_STATE_FAILED);
    }
  g_task_return_error (task, error);
}

static void
on_connection_connected (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(MsLiveTarget) self = user_data;
  GError *error = NULL;

  if (!ms_target_connection_connect_finish (MS_TARGET_CONNECTION (object), result, &error))
    {
      if (MS_TARGET_CONNECTION (object) == self->connection)
        connect_return (self, error);
      else
        g_clear_error (&error);
      return;
    }
  if (MS_TARGET_CONNECTION (object) != self->connection || self->connect_task == NULL)
    return;

  g_signal_connect (self->connection, "notify::state", G_CALLBACK (on_connection_state), self);
  connect_return (self, NULL);
}

static void
attach (MsLiveTarget *self,
        const char   *selector)
{
  g_clear_object (&self->connection);
  self->connection = ms_target_connection_new (self->endpoint, selector);
  ms_target_connection_set_timeout (self->connection, self->timeout);
  ms_target_connection_set_reconnect_window (self->connection, self->reconnect_window);
  ms_target_connection_connect_async (self->connection, self->connect_cancellable,
                                      on_connection_connected, g_object_ref (self));
}

/* Connecting: a launched browser's page */

static void poll_targets (MsLiveTarget *self);

static gboolean
on_poll_again (gpointer user_data)
{
  MsLiveTarget *self = user_data;

  self->poll_id = 0;
  poll_targets (self);
  return G_SOURCE_REMOVE;
}

static void
on_launched_targets (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(MsLiveTarget) self = user_data;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(MsCdpTarget) target = NULL;
  GError *error = NULL;

  targets = ms_cdp_discovery_list_targets_finish (MS_CDP_DISCOVERY (object), result, &error);
  if (self->connect_task == NULL || MS_CDP_DISCOVERY (object) != self->discovery)
    {
      g_clear_error (&error);
      return;
    }
  if (targets == NULL)
    {
      connect_return (self, error);
      return;
    }

  target = ms_cdp_target_list_find (targets, self->selector ? self->selector : self->launch_url,
                                    NULL);
  if (target == NULL && self->selector == NULL && g_get_monotonic_time () > self->any_page_after_us)
    target = ms_cdp_target_list_find (targets, NULL, NULL);
  if (target != NULL)
    {
      attach (self, ms_cdp_target_get_id (target));
      return;
    }

  if (g_get_monotonic_time () > self->page_deadline_us)
    {
      const char *page = self->selector ? self->selector : self->launch_url;

      if (page != NULL)
        /* Translators: a URL (or a target id), then a number of seconds. */
        error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND,
                             _("the browser did not open %s within %u s"), page, self->timeout);
      else
        error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_TARGET_NOT_FOUND,
                             _("the browser did not open a page within %u s"), self->timeout);
      connect_return (self, error);
      return;
    }
  self->poll_id = g_timeout_add (TARGET_POLL_MS, on_poll_again, self);
}

static void
poll_targets (MsLiveTarget *self)
{
  ms_cdp_discovery_list_targets_async (self->discovery, self->connect_cancellable,
                                       on_launched_targets, g_object_ref (self));
}

static void
on_browser_exited (MsBrowserLauncher *launcher,
                   int                wait_status,
                   MsLiveTarget      *self)
{
  g_autoptr(GError) error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                         _("the browser exited"));

  if (self->connect_task != NULL)
    {
      /* While starting, the launcher reports it with the browser's last words. */
      if (self->state != MS_LIVE_TARGET_STATE_LAUNCHING)
        connect_return (self, g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                           _("the browser exited while Memscope was "
                                             "connecting to its page")));
      return;
    }
  if (self->state == MS_LIVE_TARGET_STATE_CONNECTED || self->state == MS_LIVE_TARGET_STATE_RECORDING)
    {
      set_last_error (self, error);
      set_state (self, MS_LIVE_TARGET_STATE_LOST);
    }
}

static void
on_browser_started (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MsLiveTarget) self = user_data;
  GError *error = NULL;
  MsCdpEndpoint *endpoint;

  endpoint = ms_browser_launcher_start_finish (MS_BROWSER_LAUNCHER (object), result, &error);
  g_clear_handle_id (&self->launch_deadline_id, g_source_remove);
  if (self->connect_task == NULL || MS_BROWSER_LAUNCHER (object) != self->launcher)
    {
      g_clear_pointer (&endpoint, ms_cdp_endpoint_unref);
      g_clear_error (&error);
      return;
    }
  if (endpoint == NULL)
    {
      if (self->launch_timed_out)
        {
          g_clear_error (&error);
          error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_LAUNCH_FAILED,
                               _("the browser did not open its DevTools port within %u s"),
                               self->timeout);
        }
      connect_return (self, error);
      return;
    }

  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);
  self->endpoint = endpoint;
  g_clear_object (&self->discovery);
  self->discovery = ms_cdp_discovery_new (endpoint);
  ms_cdp_discovery_set_timeout (self->discovery, self->timeout);
  self->any_page_after_us = g_get_monotonic_time () + ANY_PAGE_AFTER_US;
  self->page_deadline_us = g_get_monotonic_time () + (gint64) self->timeout * G_USEC_PER_SEC;
  set_state (self, MS_LIVE_TARGET_STATE_CONNECTING);
  poll_targets (self);
}

/* The launcher's own wait is fixed; the timeout bounds it too. */
static gboolean
on_launch_deadline (gpointer user_data)
{
  MsLiveTarget *self = user_data;

  self->launch_deadline_id = 0;
  self->launch_timed_out = TRUE;
  g_cancellable_cancel (self->connect_cancellable);
  return G_SOURCE_REMOVE;
}

static void
launch (MsLiveTarget *self)
{
  g_clear_object (&self->launcher);
  self->launcher = ms_browser_launcher_new ();
  ms_browser_launcher_set_url (self->launcher, self->launch_url);
  ms_browser_launcher_set_headless (self->launcher, self->headless);
  if (self->browser != NULL)
    ms_browser_launcher_set_browser (self->launcher, self->browser);
  g_signal_connect (self->launcher, "exited", G_CALLBACK (on_browser_exited), self);

  self->launch_timed_out = FALSE;
  self->launch_deadline_id = g_timeout_add_seconds (self->timeout, on_launch_deadline, self);
  set_state (self, MS_LIVE_TARGET_STATE_LAUNCHING);
  ms_browser_launcher_start_async (self->launcher, self->connect_cancellable, on_browser_started,
                                   g_object_ref (self));
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
ms_live_target_connect_async (MsLiveTarget        *self,
                              const char          *target,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_LIVE_TARGET (self));

  task = new_task (self, cancellable, callback, user_data, ms_live_target_connect_async);

  if (self->state != MS_LIVE_TARGET_STATE_IDLE && self->state != MS_LIVE_TARGET_STATE_FAILED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("already connecting or connected"));
      return;
    }
  if (self->ws_url != NULL && target != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("give either a ws:// URL or a target, not both"));
      return;
    }

  set_last_error (self, NULL);
  g_free (self->selector);
  self->selector = g_strdup (target);
  g_clear_object (&self->connect_cancellable);
  self->connect_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    self->caller_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                       g_object_ref (self->connect_cancellable),
                                                       g_object_unref);
  self->connect_task = g_steal_pointer (&task);

  if (self->launches &&
      (self->launcher == NULL || !ms_browser_launcher_is_running (self->launcher)))
    {
      launch (self);
      return;
    }
  set_state (self, MS_LIVE_TARGET_STATE_CONNECTING);
  attach (self, self->ws_url ? self->ws_url : target);
}

gboolean
ms_live_target_connect_finish (MsLiveTarget  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_boolean (self, result, ms_live_target_connect_async, error);
}

/* Listing */

static int
compare_pages_first (gconstpointer a,
                     gconstpointer b)
{
  gboolean a_page = g_strcmp0 (ms_cdp_target_get_target_type (*(MsCdpTarget **) a), "page") == 0;
  gboolean b_page = g_strcmp0 (ms_cdp_target_get_target_type (*(MsCdpTarget **) b), "page") == 0;

  return b_page - a_page;
}

static void
on_targets_listed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GPtrArray *targets;
  GError *error = NULL;

  targets = ms_cdp_discovery_list_targets_finish (MS_CDP_DISCOVERY (object), result, &error);
  if (targets == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Pages first: they are what the Memory domain is for; workers and browser UI after. */
  g_ptr_array_sort (targets, compare_pages_first);
  g_task_return_pointer (task, targets, (GDestroyNotify) g_ptr_array_unref);
}

void
ms_live_target_list_targets_async (MsLiveTarget        *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (MS_IS_LIVE_TARGET (self));

  task = new_discovery_task (self, cancellable, callback, user_data,
                             ms_live_target_list_targets_async);
  if (task != NULL)
    ms_cdp_discovery_list_targets_async (self->discovery, cancellable, on_targets_listed, task);
}

GPtrArray *
ms_live_target_list_targets_finish (MsLiveTarget  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_pointer (self, result, ms_live_target_list_targets_async, error);
}

/* Disconnecting */

static void
on_dropped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  set_state (g_task_get_source_object (task), MS_LIVE_TARGET_STATE_IDLE);
  g_task_return_boolean (task, TRUE);
}

static void
finish_disconnect (GTask *task)
{
  drop_live (g_task_get_source_object (task), on_dropped, g_object_ref (task));
}

static void
on_recorder_stopped (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* What was recorded is kept either way; the socket goes now. */
  if (!ms_recorder_stop_finish (MS_RECORDER (object), result, &error))
    g_debug ("Stopping the recorder: %s", error->message);
  finish_disconnect (task);
}

void
ms_live_target_disconnect_async (MsLiveTarget        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_LIVE_TARGET (self));

  task = new_task (self, cancellable, callback, user_data, ms_live_target_disconnect_async);

  if (self->connect_task != NULL)
    connect_return (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                               _("disconnected while connecting")));
  if (self->recorder != NULL && self->state == MS_LIVE_TARGET_STATE_RECORDING)
    {
      ms_recorder_stop_async (self->recorder, cancellable, on_recorder_stopped,
                              g_steal_pointer (&task));
      return;
    }
  finish_disconnect (task);
}

gboolean
ms_live_target_disconnect_finish (MsLiveTarget  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_boolean (self, result, ms_live_target_disconnect_async, error);
}

/* Recording */

MsRecorder *
ms_live_target_new_recording (MsLiveTarget *self)
{
  g_autoptr(MsRecorder) recorder = NULL;

  g_return_val_if_fail (MS_IS_LIVE_TARGET (self), NULL);

  if (self->connection == NULL ||
      (self->state != MS_LIVE_TARGET_STATE_CONNECTED && self->state != MS_LIVE_TARGET_STATE_RECORDING))
    return NULL;

  recorder = ms_recorder_new (self->connection);
  set_recorder (self, recorder);
  sync_attached_state (self);
  return self->recorder;
}

/* One-shot commands */

/* A task for a call on the attached page, and the connection to make it on; NULL
 * when not attached (the task has returned that error then). */
static GTask *
new_call_task (MsLiveTarget         *self,
               GCancellable         *cancellable,
               GAsyncReadyCallback   callback,
               gpointer              user_data,
               gpointer              source_tag,
               MsCdpConnection     **conn)
{
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data, source_tag);

  *conn = NULL;
  if (self->connection != NULL &&
      ms_target_connection_get_state (self->connection) == MS_TARGET_CONNECTION_STATE_CONNECTED)
    *conn = ms_target_connection_get_connection (self->connection);
  if (*conn == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("not connected to a page"));
      return NULL;
    }
  return g_steal_pointer (&task);
}

/* What the user did, in the recording when one runs. */
static void
add_marker (MsLiveTarget *self,
            const char   *kind)
{
  MsRecorderState state;

  if (self->recorder == NULL)
    return;
  state = ms_recorder_get_state (self->recorder);
  if (state == MS_RECORDER_STATE_STARTING || state == MS_RECORDER_STATE_RECORDING)
    ms_recorder_add_marker (self->recorder, kind, NULL);
}

static const char *
command_nick (MsLiveCommand command)
{
  GEnumClass *klass = g_type_class_ref (MS_TYPE_LIVE_COMMAND);
  GEnumValue *value = g_enum_get_value (klass, command);

  g_type_class_unref (klass);
  return value ? value->value_nick : "command";
}

static void
on_command_answered (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsLiveTarget *self = g_task_get_source_object (task);
  MsCdpConnection *conn = MS_CDP_CONNECTION (object);
  MsLiveCommand command = GPOINTER_TO_UINT (g_task_get_task_data (task));
  GError *error = NULL;
  gboolean ok;

  switch (command)
    {
    case MS_LIVE_COMMAND_PURGE:
      ok = ms_cdp_memory_forcibly_purge_javascript_memory_finish (conn, result, &error);
      break;
    case MS_LIVE_COMMAND_PRESSURE_MODERATE:
    case MS_LIVE_COMMAND_PRESSURE_CRITICAL:
      ok = ms_cdp_memory_simulate_pressure_notification_finish (conn, result, &error);
      break;
    case MS_LIVE_COMMAND_SUPPRESS_PRESSURE:
    case MS_LIVE_COMMAND_ALLOW_PRESSURE:
    default:
      ok = ms_cdp_memory_set_pressure_notifications_suppressed_finish (conn, result, &error);
      break;
    }
  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  add_marker (self, command_nick (command));
  g_task_return_boolean (task, TRUE);
}

static void
send_command (MsCdpConnection *conn,
              MsLiveCommand    command,
              GTask           *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  switch (command)
    {
    case MS_LIVE_COMMAND_PURGE:
      ms_cdp_memory_forcibly_purge_javascript_memory_async (conn, cancellable, on_command_answered,
                                                            task);
      break;
    case MS_LIVE_COMMAND_PRESSURE_MODERATE:
    case MS_LIVE_COMMAND_PRESSURE_CRITICAL:
      ms_cdp_memory_simulate_pressure_notification_async (conn,
                                                          command == MS_LIVE_COMMAND_PRESSURE_CRITICAL
                                                          ? MS_CDP_PRESSURE_CRITICAL
                                                          : MS_CDP_PRESSURE_MODERATE,
                                                          cancellable, on_command_answered, task);
      break;
    case MS_LIVE_COMMAND_SUPPRESS_PRESSURE:
    case MS_LIVE_COMMAND_ALLOW_PRESSURE:
    default:
      ms_cdp_memory_set_pressure_notifications_suppressed_async (conn,
                                                                 command == MS_LIVE_COMMAND_SUPPRESS_PRESSURE,
                                                                 cancellable, on_command_answered,
                                                                 task);
      break;
    }
}

void
ms_live_target_send_async (MsLiveTarget        *self,
                           MsLiveCommand        command,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  MsCdpConnection *conn;
  GTask *task;

  g_return_if_fail (MS_IS_LIVE_TARGET (self));
  g_return_if_fail (command <= MS_LIVE_COMMAND_ALLOW_PRESSURE);

  task = new_call_task (self, cancellable, callback, user_data, ms_live_target_send_async, &conn);
  if (task == NULL)
    return;
  g_task_set_task_data (task, GUINT_TO_POINTER (command), NULL);
  send_command (conn, command, task);
}

gboolean
ms_live_target_send_finish (MsLiveTarget  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_boolean (self, result, ms_live_target_send_async, error);
}

static void
on_leak_counters (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GArray *counters;

  counters = ms_cdp_memory_get_dom_counters_for_leak_detection_finish (MS_CDP_CONNECTION (object),
                                                                      result, &error);
  if (counters == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  add_marker (g_task_get_source_object (task), MS_LIVE_TARGET_MARKER_LEAK_COUNTERS);
  g_task_return_pointer (task, counters, (GDestroyNotify) g_array_unref);
}

static void
on_prepared_for_leaks (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!ms_cdp_memory_prepare_for_leak_detection_finish (MS_CDP_CONNECTION (object), result, &error))
    {
      /* Translators: followed by the browser's error message. */
      g_prefix_error (&error, _("preparing for leak detection: "));
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  ms_cdp_memory_get_dom_counters_for_leak_detection_async (MS_CDP_CONNECTION (object), cancellable,
                                                           on_leak_counters,
                                                           g_steal_pointer (&task));
}

/* gc() is V8's own (not a page's function of that name) only with --expose-gc. */
#define EXPOSE_GC_CHECK \
  "typeof gc === 'function' && /\\[native code\\]/.test(Function.prototype.toString.call(gc))"

static void
on_expose_gc_checked (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) reply = NULL;
  GCancellable *cancellable;
  GError *error = NULL;
  JsonObject *value = NULL;

  reply = ms_cdp_connection_call_finish (MS_CDP_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      /* Translators: followed by the browser's error message. */
      g_prefix_error (&error,
                      _("cannot check that the browser runs with --js-flags=--expose-gc: "));
      g_task_return_error (task, error);
      return;
    }
  if (json_object_has_member (reply, "result") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (reply, "result")))
    value = json_object_get_object_member (reply, "result");
  /* Without the flag, prepareForLeakDetection kills the renderer: refuse instead. */
  if (value == NULL || !json_object_has_member (value, "value") ||
      json_node_get_value_type (json_object_get_member (value, "value")) != G_TYPE_BOOLEAN ||
      !json_object_get_boolean_member (value, "value"))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("the browser does not run with --js-flags=--expose-gc, without "
                                 "which Memory.prepareForLeakDetection crashes the page; start "
                                 "it from Memscope (Launch, or memscope-cli launch) or add that "
                                 "flag"));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  ms_cdp_memory_prepare_for_leak_detection_async (MS_CDP_CONNECTION (object), cancellable,
                                                  on_prepared_for_leaks, g_steal_pointer (&task));
}

void
ms_live_target_count_leaks_async (MsLiveTarget        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonObject) params = json_object_new ();
  MsCdpConnection *conn;
  GTask *task;

  g_return_if_fail (MS_IS_LIVE_TARGET (self));

  task = new_call_task (self, cancellable, callback, user_data, ms_live_target_count_leaks_async,
                        &conn);
  if (task == NULL)
    return;
  json_object_set_string_member (params, "expression", EXPOSE_GC_CHECK);
  json_object_set_boolean_member (params, "returnByValue", TRUE);
  ms_cdp_connection_call_async (conn, "Runtime.evaluate", params, 0, cancellable,
                                on_expose_gc_checked, task);
}

GArray *
ms_live_target_count_leaks_finish (MsLiveTarget  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_pointer (self, result, ms_live_target_count_leaks_async, error);
}

/* Reading the page's DOM counters */

static void
on_dom_counters (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsCdpDomCounters counters;
  GError *error = NULL;

  if (!ms_cdp_memory_get_dom_counters_finish (MS_CDP_CONNECTION (object), result, &counters,
                                              &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_memdup2 (&counters, sizeof counters), g_free);
}

void
ms_live_target_get_dom_counters_async (MsLiveTarget        *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  MsCdpConnection *conn;
  GTask *task;

  g_return_if_fail (MS_IS_LIVE_TARGET (self));

  task = new_call_task (self, cancellable, callback, user_data,
                        ms_live_target_get_dom_counters_async, &conn);
  if (task != NULL)
    ms_cdp_memory_get_dom_counters_async (conn, cancellable, on_dom_counters, task);
}

gboolean
ms_live_target_get_dom_counters_finish (MsLiveTarget      *self,
                                        GAsyncResult      *result,
                                        MsCdpDomCounters  *counters,
                                        GError           **error)
{
  g_autofree MsCdpDomCounters *read = NULL;

  g_return_val_if_fail (counters != NULL, FALSE);

  read = finish_pointer (self, result, ms_live_target_get_dom_counters_async, error);
  if (read == NULL)
    return FALSE;
  *counters = *read;
  return TRUE;
}

/* The browser's version, from its endpoint */

static void
on_version (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsCdpBrowserVersion *version;
  GError *error = NULL;

  version = ms_cdp_discovery_get_version_finish (MS_CDP_DISCOVERY (object), result, &error);
  if (version == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, version, g_object_unref);
}

void
ms_live_target_get_version_async (MsLiveTarget        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (MS_IS_LIVE_TARGET (self));

  task = new_discovery_task (self, cancellable, callback, user_data,
                             ms_live_target_get_version_async);
  if (task != NULL)
    ms_cdp_discovery_get_version_async (self->discovery, cancellable, on_version, task);
}

MsCdpBrowserVersion *
ms_live_target_get_version_finish (MsLiveTarget  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_pointer (self, result, ms_live_target_get_version_async, error);
}
