/* ms-target-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-session"

#include "config.h"

#include <glib/gi18n.h>

#include "ms-cdp-error.h"
#include "ms-target-connection.h"

#define RECONNECT_FIRST_DELAY_MS 250
#define RECONNECT_MAX_DELAY_MS   2000

struct _MsTargetConnection
{
  GObject                  parent_instance;

  MsCdpEndpoint           *endpoint;
  char                    *selector;
  MsCdpDiscovery          *discovery;
  MsCdpConnection         *conn;
  MsCdpBrowserVersion     *version;
  MsCdpTarget             *target;
  char                    *target_id;     /* the target we attached to, sought again on reconnect */
  GError                  *error;
  GCancellable            *cancellable;   /* internal work: reconnect attempts */

  MsTargetConnectionState  state;
  guint                    timeout;
  guint                    reconnect_window;
  guint                    n_reconnects;
  gint64                   reconnect_deadline;
  guint                    reconnect_delay;
  guint                    reconnect_source;
  gulong                   conn_state_handler;
};

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum {
  RECONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MsTargetConnection, ms_target_connection, G_TYPE_OBJECT)

static void
set_state (MsTargetConnection      *self,
           MsTargetConnectionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
drop_connection (MsTargetConnection *self)
{
  if (self->conn != NULL)
    {
      g_clear_signal_handler (&self->conn_state_handler, self->conn);
      ms_cdp_connection_close (self->conn);
      g_clear_object (&self->conn);
    }
}

static void
ms_target_connection_dispose (GObject *object)
{
  MsTargetConnection *self = (MsTargetConnection *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  drop_connection (self);

  G_OBJECT_CLASS (ms_target_connection_parent_class)->dispose (object);
}

static void
ms_target_connection_finalize (GObject *object)
{
  MsTargetConnection *self = (MsTargetConnection *)object;

  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);
  g_clear_pointer (&self->selector, g_free);
  g_clear_pointer (&self->target_id, g_free);
  g_clear_object (&self->discovery);
  g_clear_object (&self->version);
  g_clear_object (&self->target);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (ms_target_connection_parent_class)->finalize (object);
}

static void
ms_target_connection_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MsTargetConnection *self = MS_TARGET_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_target_connection_class_init (MsTargetConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_target_connection_dispose;
  object_class->finalize = ms_target_connection_finalize;
  object_class->get_property = ms_target_connection_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       MS_TYPE_TARGET_CONNECTION_STATE, MS_TARGET_CONNECTION_STATE_IDLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RECONNECTED] =
    g_signal_new ("reconnected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ms_target_connection_init (MsTargetConnection *self)
{
  self->timeout = MS_CDP_DEFAULT_TIMEOUT_SECONDS;
  self->reconnect_window = 30;
  self->cancellable = g_cancellable_new ();
}

MsTargetConnection *
ms_target_connection_new (MsCdpEndpoint *endpoint,
                          const char    *target_selector)
{
  MsTargetConnection *self;

  g_return_val_if_fail (endpoint != NULL, NULL);

  self = g_object_new (MS_TYPE_TARGET_CONNECTION, NULL);
  self->endpoint = ms_cdp_endpoint_ref (endpoint);
  self->selector = g_strdup (target_selector);
  self->discovery = ms_cdp_discovery_new (endpoint);
  return self;
}

MsCdpEndpoint *
ms_target_connection_get_endpoint (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), NULL);
  return self->endpoint;
}

void
ms_target_connection_set_timeout (MsTargetConnection *self,
                                  guint               seconds)
{
  g_return_if_fail (MS_IS_TARGET_CONNECTION (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
  ms_cdp_discovery_set_timeout (self->discovery, MIN (seconds, 30));
  if (self->conn != NULL)
    ms_cdp_connection_set_timeout (self->conn, seconds);
}

guint
ms_target_connection_get_timeout (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), 0);
  return self->timeout;
}

void
ms_target_connection_set_reconnect_window (MsTargetConnection *self,
                                           guint               seconds)
{
  g_return_if_fail (MS_IS_TARGET_CONNECTION (self));
  self->reconnect_window = seconds;
}

/* Attaching: version → targets → ws URL → connection. One chain serves the first
 * connection and every reconnect. */

/* libsoup's WebSocket handshake has its own, fixed timeout: ours bounds it too. */
typedef struct
{
  GCancellable *handshake_cancellable;  /* the attach's, or the deadline */
  GCancellable *attach_cancellable;
  gulong        attach_cancelled_id;
  guint         deadline_id;
  gboolean      timed_out;
} Handshake;

static void
handshake_stop (Handshake *handshake)
{
  g_clear_handle_id (&handshake->deadline_id, g_source_remove);
  if (handshake->attach_cancellable != NULL)
    g_cancellable_disconnect (handshake->attach_cancellable, handshake->attach_cancelled_id);
  handshake->attach_cancelled_id = 0;
}

static void
handshake_free (Handshake *handshake)
{
  handshake_stop (handshake);
  g_clear_object (&handshake->attach_cancellable);
  g_clear_object (&handshake->handshake_cancellable);
  g_free (handshake);
}

static gboolean
on_handshake_deadline (gpointer user_data)
{
  Handshake *handshake = user_data;

  handshake->deadline_id = 0;
  handshake->timed_out = TRUE;
  g_cancellable_cancel (handshake->handshake_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_attach_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void attach_got_connection (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data);

/* Opens the WebSocket within the timeout; attach_got_connection() takes over @task. */
static void
open_websocket (MsTargetConnection *self,
                GTask              *task,
                const char         *ws_url)
{
  Handshake *handshake = g_new0 (Handshake, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  handshake->handshake_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      handshake->attach_cancellable = g_object_ref (cancellable);
      handshake->attach_cancelled_id =
        g_cancellable_connect (cancellable, G_CALLBACK (on_attach_cancelled),
                               g_object_ref (handshake->handshake_cancellable), g_object_unref);
    }
  handshake->deadline_id = g_timeout_add_seconds (self->timeout, on_handshake_deadline, handshake);
  g_task_set_task_data (task, handshake, (GDestroyNotify) handshake_free);
  ms_cdp_connection_new_async (ws_url, handshake->handshake_cancellable, attach_got_connection,
                               task);
}

static void
attach_got_targets (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTargetConnection *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ws_url = NULL;
  MsCdpTarget *target;

  targets = ms_cdp_discovery_list_targets_finish (MS_CDP_DISCOVERY (object), result, &error);
  if (targets == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* After the first attach, look for the very same target. */
  target = ms_cdp_target_list_find (targets, self->target_id ? self->target_id : self->selector,
                                    &error);
  if (target == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ws_url = ms_cdp_discovery_target_ws_url (self->discovery, target, &error);
  if (ws_url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_set_object (&self->target, target);
  if (self->target_id == NULL)
    self->target_id = g_strdup (ms_cdp_target_get_id (target));

  open_websocket (self, g_object_ref (task), ws_url);
}

static void
attach_got_version (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTargetConnection *self = g_task_get_source_object (task);
  g_autoptr(MsCdpBrowserVersion) version = NULL;
  g_autoptr(GError) error = NULL;

  version = ms_cdp_discovery_get_version_finish (MS_CDP_DISCOVERY (object), result, &error);
  if (version == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_set_object (&self->version, version);

  ms_cdp_discovery_list_targets_async (self->discovery, g_task_get_cancellable (task),
                                       attach_got_targets, g_object_ref (task));
}

static void
on_connection_state (MsCdpConnection    *conn,
                     GParamSpec         *pspec,
                     MsTargetConnection *self);

static void
attach_got_connection (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTargetConnection *self = g_task_get_source_object (task);
  g_autoptr(MsCdpConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  Handshake *handshake = g_task_get_task_data (task);

  conn = ms_cdp_connection_new_finish (result, &error);
  handshake_stop (handshake);
  if (conn == NULL && handshake->timed_out)
    {
      g_autofree char *where = ms_cdp_endpoint_to_string (self->endpoint);

      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT,
                               _("%s did not complete the WebSocket handshake within %u s"),
                               where, self->timeout);
      return;
    }
  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  drop_connection (self);
  self->conn = g_steal_pointer (&conn);
  ms_cdp_connection_set_timeout (self->conn, self->timeout);
  self->conn_state_handler = g_signal_connect (self->conn, "notify::state",
                                               G_CALLBACK (on_connection_state), self);
  g_task_return_boolean (task, TRUE);
}

static void
attach_async (MsTargetConnection  *self,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, attach_async);

  /* A ws:// URL given as target connects to that path on the user's host and port. */
  if (self->target_id == NULL && self->selector != NULL && g_str_has_prefix (self->selector, "ws://"))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *ws_url = ms_cdp_endpoint_ws_url (self->endpoint, self->selector, &error);

      if (ws_url == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      open_websocket (self, task, ws_url);
      return;
    }

  ms_cdp_discovery_get_version_async (self->discovery, cancellable, attach_got_version, task);
}

static gboolean
attach_finish (MsTargetConnection  *self,
               GAsyncResult        *result,
               GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsTargetConnection *self = MS_TARGET_CONNECTION (object);
  GError *error = NULL;

  if (!attach_finish (self, result, &error))
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      set_state (self, MS_TARGET_CONNECTION_STATE_FAILED);
      g_task_return_error (task, error);
      return;
    }

  set_state (self, MS_TARGET_CONNECTION_STATE_CONNECTED);
  g_task_return_boolean (task, TRUE);
}

void
ms_target_connection_connect_async (MsTargetConnection  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MS_IS_TARGET_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_target_connection_connect_async);

  if (self->state != MS_TARGET_CONNECTION_STATE_IDLE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("The connection was already made once"));
      return;
    }

  set_state (self, MS_TARGET_CONNECTION_STATE_CONNECTING);
  attach_async (self, cancellable, connect_cb, g_steal_pointer (&task));
}

gboolean
ms_target_connection_connect_finish (MsTargetConnection  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void schedule_reconnect (MsTargetConnection *self);

static void
reconnect_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MsTargetConnection *self = MS_TARGET_CONNECTION (object);
  g_autoptr(GError) error = NULL;

  if (!attach_finish (self, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Reconnect attempt failed: %s", error->message);
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);

      if (g_get_monotonic_time () >= self->reconnect_deadline)
        {
          /* Translators: followed by why the last attempt failed. */
          g_prefix_error (&self->error, _("Gave up reconnecting after %u s: "),
                          self->reconnect_window);
          set_state (self, MS_TARGET_CONNECTION_STATE_FAILED);
          return;
        }
      schedule_reconnect (self);
      return;
    }

  g_clear_error (&self->error);
  self->n_reconnects++;
  set_state (self, MS_TARGET_CONNECTION_STATE_CONNECTED);
  g_signal_emit (self, signals[RECONNECTED], 0);
}

static gboolean
reconnect_timeout_cb (gpointer data)
{
  MsTargetConnection *self = data;

  self->reconnect_source = 0;
  attach_async (self, self->cancellable, reconnect_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (MsTargetConnection *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_source = g_timeout_add (self->reconnect_delay, reconnect_timeout_cb, self);
  self->reconnect_delay = MIN (self->reconnect_delay * 2, RECONNECT_MAX_DELAY_MS);
}

static void
on_connection_state (MsCdpConnection    *conn,
                     GParamSpec         *pspec,
                     MsTargetConnection *self)
{
  const GError *failure = ms_cdp_connection_get_failure (conn);

  switch (ms_cdp_connection_get_state (conn))
    {
    case MS_CDP_TARGET_STATE_CONNECTED:
      if (self->state == MS_TARGET_CONNECTION_STATE_CRASHED)
        set_state (self, MS_TARGET_CONNECTION_STATE_CONNECTED);
      break;

    case MS_CDP_TARGET_STATE_CRASHED:
      g_clear_error (&self->error);
      if (failure != NULL)
        self->error = g_error_copy (failure);
      set_state (self, MS_TARGET_CONNECTION_STATE_CRASHED);
      break;

    case MS_CDP_TARGET_STATE_DETACHED:
    case MS_CDP_TARGET_STATE_CLOSED:
      if (self->state == MS_TARGET_CONNECTION_STATE_CLOSED)
        break;
      g_clear_error (&self->error);
      if (failure != NULL)
        self->error = g_error_copy (failure);
      drop_connection (self);
      if (self->reconnect_window == 0)
        {
          set_state (self, MS_TARGET_CONNECTION_STATE_FAILED);
          break;
        }
      set_state (self, MS_TARGET_CONNECTION_STATE_RECONNECTING);
      self->reconnect_deadline = g_get_monotonic_time () + (gint64) self->reconnect_window * G_USEC_PER_SEC;
      self->reconnect_delay = RECONNECT_FIRST_DELAY_MS;
      schedule_reconnect (self);
      break;

    case MS_CDP_TARGET_STATE_CONNECTING:
    default:
      break;
    }
}

MsTargetConnectionState
ms_target_connection_get_state (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), MS_TARGET_CONNECTION_STATE_FAILED);
  return self->state;
}

MsCdpConnection *
ms_target_connection_get_connection (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), NULL);
  return self->conn;
}

MsCdpBrowserVersion *
ms_target_connection_get_browser_version (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), NULL);
  return self->version;
}

MsCdpTarget *
ms_target_connection_get_target (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), NULL);
  return self->target;
}

const GError *
ms_target_connection_get_error (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), NULL);
  return self->error;
}

guint
ms_target_connection_get_n_reconnects (MsTargetConnection *self)
{
  g_return_val_if_fail (MS_IS_TARGET_CONNECTION (self), 0);
  return self->n_reconnects;
}

void
ms_target_connection_close (MsTargetConnection *self)
{
  g_return_if_fail (MS_IS_TARGET_CONNECTION (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  set_state (self, MS_TARGET_CONNECTION_STATE_CLOSED);
  drop_connection (self);
}
