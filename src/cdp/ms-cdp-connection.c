/* ms-cdp-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <libsoup/soup.h>

#include "ms-cdp-connection.h"
#include "ms-cdp-connection-private.h"
#include "ms-cdp-error.h"
#include "ms-cdp-message-private.h"
#include "ms-cdp-websocket-private.h"

/* Replies and events above this size are decoded on a worker thread so that a 40 MB
 * profile does not stall the main loop of a window that refreshes live. */
#define THREADED_PARSE_THRESHOLD (256 * 1024)

typedef struct
{
  gint64           id;
  char            *method;
  GTask           *task;
  GSource         *timeout_source;
  GSource         *cancel_source;
  guint            raw : 1;
  guint            internal : 1;
} PendingCall;

/* A message on its way to delivery. Messages are delivered in the order they arrived:
 * one behind a large event waits until that event is decoded. */
typedef struct
{
  GBytes           *message;
  MsCdpMessageScan  scan;
  GError           *scan_error;
  JsonNode         *event_root;   /* decoded off the main thread, for large events */
  guint             ready : 1;
} Inbound;

static void
inbound_free (Inbound *inbound)
{
  g_clear_pointer (&inbound->message, g_bytes_unref);
  g_clear_error (&inbound->scan_error);
  g_clear_pointer (&inbound->event_root, json_node_unref);
  g_free (inbound);
}

struct _MsCdpConnection
{
  GObject                  parent_instance;

  char                    *url;
  SoupWebsocketConnection *ws;
  GMainContext            *context;

  GHashTable              *pending;      /* gint64 id -> PendingCall */
  GQueue                   inbox;        /* Inbound, in the order they arrived */
  guint                    n_threaded_events;
  gint64                   next_id;

  guint                    timeout;
  gsize                    max_message_size;
  MsCdpTargetState         state;
  GError                  *failure;
  GError                  *ws_error;     /* last error signalled by libsoup, for the close */

  gulong                   message_handler;
  gulong                   closed_handler;
  gulong                   error_handler;
};

enum {
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_TIMEOUT,
  N_PROPS
};

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MsCdpConnection, ms_cdp_connection, G_TYPE_OBJECT)

static void
pending_call_free (PendingCall *call)
{
  if (call->timeout_source != NULL)
    {
      g_source_destroy (call->timeout_source);
      g_source_unref (call->timeout_source);
    }
  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_source_unref (call->cancel_source);
    }
  g_clear_object (&call->task);
  g_free (call->method);
  g_free (call);
}

/* Removes the call from the table and hands back its task for completion. */
static GTask *
take_pending (MsCdpConnection *self,
              gint64           id)
{
  PendingCall *call;
  GTask *task;

  call = g_hash_table_lookup (self->pending, &id);
  if (call == NULL)
    return NULL;

  task = g_steal_pointer (&call->task);
  g_hash_table_remove (self->pending, &id);
  return task;
}

static void
set_state (MsCdpConnection  *self,
           MsCdpTargetState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
fail_all_pending (MsCdpConnection *self,
                  const GError    *error)
{
  g_autoptr(GList) ids = NULL;

  ids = g_hash_table_get_keys (self->pending);
  for (const GList *l = ids; l != NULL; l = l->next)
    {
      gint64 id = *(gint64 *) l->data;
      g_autoptr(GTask) task = take_pending (self, id);

      if (task != NULL)
        g_task_return_error (task, g_error_copy (error));
    }
}

/* The connection can no longer answer: remember why, change state, fail every call. */
static void
fail_connection (MsCdpConnection  *self,
                 MsCdpTargetState  state,
                 GError           *error)
{
  if (self->failure == NULL)
    self->failure = g_error_copy (error);
  /* Calls first: a listener to the state change may close the connection, and the
   * waiting calls must learn the real reason, not that. */
  fail_all_pending (self, error);
  set_state (self, state);
  g_error_free (error);
}

static void
complete_decoded (GTask   *task,
                  GBytes  *message)
{
  const char *method = g_task_get_task_data (task);
  GError *error = NULL;
  JsonObject *result;

  result = ms_cdp_message_decode_reply (message, method, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) json_object_unref);
  else
    g_task_return_error (task, error);
}

/* Decoding off the main thread. The worker tasks have no source object and hold no
 * reference to the connection: whatever a worker thread drops last must never be the
 * connection (its dispose would then run there, beside the main thread's use of the
 * WebSocket). What references they need are taken and released on the main context. */
typedef struct
{
  GTask  *outer;
  GBytes *message;
} ThreadedDecode;

static void
threaded_decode_worker (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  ThreadedDecode *td = task_data;
  const char *method = g_task_get_task_data (td->outer);
  GError *error = NULL;
  JsonObject *result;

  /* Only decode here; the outer task is completed on the main context. */
  result = ms_cdp_message_decode_reply (td->message, method, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) json_object_unref);
  else
    g_task_return_error (task, error);
}

static void
threaded_decode_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ThreadedDecode *td = user_data;
  GError *error = NULL;
  JsonObject *reply;

  reply = g_task_propagate_pointer (G_TASK (result), &error);
  if (reply != NULL)
    g_task_return_pointer (td->outer, reply, (GDestroyNotify) json_object_unref);
  else
    g_task_return_error (td->outer, error);

  g_object_unref (td->outer);
  g_bytes_unref (td->message);
  g_free (td);
}

static void
dispatch_reply (MsCdpConnection       *self,
                GBytes                *message,
                const MsCdpMessageScan *scan)
{
  PendingCall *call;
  g_autoptr(GTask) task = NULL;
  gboolean raw;

  call = g_hash_table_lookup (self->pending, &scan->id);
  if (call == NULL)
    {
      /* Late replies (after a timeout or cancellation) and ids we never sent. */
      g_debug ("Ignoring a reply with unknown id %" G_GINT64_FORMAT, scan->id);
      return;
    }

  raw = call->raw;
  task = take_pending (self, scan->id);

  if (raw && !scan->has_error)
    {
      if (!scan->has_result)
        g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                                 "The reply to %s has neither “result” nor “error”",
                                 (const char *) g_task_get_task_data (task));
      else
        g_task_return_pointer (task, g_bytes_ref (message), (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (g_bytes_get_size (message) < THREADED_PARSE_THRESHOLD)
    {
      complete_decoded (task, message);
    }
  else
    {
      ThreadedDecode *td = g_new0 (ThreadedDecode, 1);
      g_autoptr(GTask) worker = g_task_new (NULL, NULL, threaded_decode_done, td);

      td->outer = g_steal_pointer (&task);
      td->message = g_bytes_ref (message);
      g_task_set_source_tag (worker, dispatch_reply);
      g_task_set_task_data (worker, td, NULL);
      g_task_run_in_thread (worker, threaded_decode_worker);
    }
}

/* The root of an event, or NULL (with a debug message) when it is no JSON object.
 * Safe on any thread: the message was scanned, so its nesting is bounded. */
static JsonNode *
decode_event (GBytes *message)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Ignoring an event that is not a JSON object");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

static void
handle_event (MsCdpConnection *self,
              JsonNode        *root)
{
  JsonObject *object;
  JsonNode *method_node;
  JsonNode *params_node;
  g_autoptr(JsonObject) params = NULL;
  const char *method;
  GQuark detail;

  if (root == NULL)
    return;

  object = json_node_get_object (root);
  method_node = json_object_get_member (object, "method");
  if (method_node == NULL || !JSON_NODE_HOLDS_VALUE (method_node) ||
      json_node_get_value_type (method_node) != G_TYPE_STRING)
    {
      g_debug ("Ignoring an event whose method is not a string");
      return;
    }
  method = json_node_get_string (method_node);

  params_node = json_object_get_member (object, "params");
  if (params_node != NULL && JSON_NODE_HOLDS_OBJECT (params_node))
    params = json_object_ref (json_node_get_object (params_node));
  else
    params = json_object_new ();

  if (g_str_equal (method, "Inspector.targetCrashed"))
    {
      fail_connection (self, MS_CDP_TARGET_STATE_CRASHED,
                       g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_TARGET_CRASHED,
                                    "The page’s renderer process crashed; reload the page "
                                    "or pick another target"));
    }
  else if (g_str_equal (method, "Inspector.targetReloadedAfterCrash"))
    {
      g_clear_error (&self->failure);
      set_state (self, MS_CDP_TARGET_STATE_CONNECTED);
    }
  else if (g_str_equal (method, "Inspector.detached"))
    {
      const char *reason = json_object_get_string_member_with_default (params, "reason", "unknown");

      fail_connection (self, MS_CDP_TARGET_STATE_DETACHED,
                       g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_TARGET_DETACHED,
                                    "The target detached from DevTools (reason: %s)", reason));
    }

  /* Only details someone connected to exist as quarks: a peer cannot grow the
   * quark table with made-up method names. */
  detail = g_quark_try_string (method);
  g_signal_emit (self, signals[EVENT], detail, method, params);
}

static void
deliver (MsCdpConnection *self,
         Inbound         *inbound)
{
  const MsCdpMessageScan *scan = &inbound->scan;

  if (inbound->scan_error != NULL)
    {
      if (scan->has_id)
        {
          g_autoptr(GTask) task = take_pending (self, scan->id);

          if (task != NULL)
            g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED,
                                     "The reply to %s is not valid JSON: %s",
                                     (const char *) g_task_get_task_data (task),
                                     inbound->scan_error->message);
        }
      else
        {
          g_autoptr(GError) all = NULL;

          /* Any waiting call may have been the one answered; failing them now is
           * better than letting each run into its timeout. */
          all = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED,
                             "The browser sent a message that is not valid JSON: %s",
                             inbound->scan_error->message);
          fail_all_pending (self, all);
        }
    }
  else if (scan->has_id)
    dispatch_reply (self, inbound->message, scan);
  else if (scan->has_method)
    {
      g_autoptr(JsonNode) root = NULL;

      if (inbound->event_root != NULL)
        root = g_steal_pointer (&inbound->event_root);
      else
        root = decode_event (inbound->message);
      handle_event (self, root);
    }
  else
    g_debug ("Ignoring a message with neither id nor method");
}

/* Delivers what is ready at the head of the inbox. */
static void
drain_inbox (MsCdpConnection *self)
{
  Inbound *inbound;

  g_object_ref (self);
  while ((inbound = g_queue_peek_head (&self->inbox)) != NULL && inbound->ready)
    {
      g_queue_pop_head (&self->inbox);
      deliver (self, inbound);
      inbound_free (inbound);
    }
  g_object_unref (self);
}

static void
event_decode_worker (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Inbound *inbound = task_data;

  /* The inbound stays queued (and the connection alive, through the reference the
   * callback releases) until the task returns to the main context. */
  inbound->event_root = decode_event (inbound->message);
  g_task_return_boolean (task, TRUE);
}

static void
event_decoded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MsCdpConnection *self = user_data;   /* the reference taken for the worker */
  Inbound *inbound = g_task_get_task_data (G_TASK (result));

  inbound->ready = TRUE;
  self->n_threaded_events++;
  drain_inbox (self);
  g_object_unref (self);
}

static void
on_message (SoupWebsocketConnection *ws,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            MsCdpConnection         *self)
{
  Inbound *inbound = g_new0 (Inbound, 1);

  inbound->message = g_bytes_ref (message);
  inbound->ready = TRUE;
  if (ms_cdp_message_scan (message, &inbound->scan, &inbound->scan_error) &&
      !inbound->scan.has_id && inbound->scan.has_method &&
      g_bytes_get_size (message) >= THREADED_PARSE_THRESHOLD)
    {
      g_autoptr(GTask) worker = g_task_new (NULL, NULL, event_decoded_cb, g_object_ref (self));

      inbound->ready = FALSE;
      g_task_set_source_tag (worker, on_message);
      g_task_set_task_data (worker, inbound, NULL);
      g_task_run_in_thread (worker, event_decode_worker);
    }

  g_queue_push_tail (&self->inbox, inbound);
  drain_inbox (self);
}

guint
ms_cdp_connection_get_n_threaded_events (MsCdpConnection *self)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), 0);
  return self->n_threaded_events;
}

static void
on_error (SoupWebsocketConnection *ws,
          GError                  *error,
          MsCdpConnection         *self)
{
  g_clear_error (&self->ws_error);
  self->ws_error = g_error_copy (error);
}

static void
on_closed (SoupWebsocketConnection *ws,
           MsCdpConnection         *self)
{
  GError *error;

  g_object_ref (self);

  if (g_error_matches (self->ws_error, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE))
    error = g_error_copy (self->ws_error);
  else if (self->ws_error != NULL &&
      self->ws_error->domain == SOUP_WEBSOCKET_ERROR &&
      self->ws_error->code == SOUP_WEBSOCKET_CLOSE_TOO_BIG)
    error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE,
                         "The browser sent a message larger than the limit of %" G_GSIZE_FORMAT
                         " bytes; the connection was closed",
                         self->max_message_size);
  else if (self->ws_error != NULL)
    error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                         "The connection to the browser closed: %s", self->ws_error->message);
  else
    error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                         "The connection to the browser closed (code %u)",
                         soup_websocket_connection_get_close_code (ws));

  fail_connection (self, MS_CDP_TARGET_STATE_CLOSED, error);
  g_object_unref (self);
}

static void
ms_cdp_connection_dispose (GObject *object)
{
  MsCdpConnection *self = (MsCdpConnection *)object;

  if (self->ws != NULL)
    {
      g_clear_signal_handler (&self->message_handler, self->ws);
      g_clear_signal_handler (&self->closed_handler, self->ws);
      g_clear_signal_handler (&self->error_handler, self->ws);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }

  if (self->pending != NULL && g_hash_table_size (self->pending) > 0)
    {
      g_autoptr(GError) error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                             "The connection was closed by Memscope");
      fail_all_pending (self, error);
    }

  g_clear_object (&self->ws);

  G_OBJECT_CLASS (ms_cdp_connection_parent_class)->dispose (object);
}

static void
ms_cdp_connection_finalize (GObject *object)
{
  MsCdpConnection *self = (MsCdpConnection *)object;

  g_queue_clear_full (&self->inbox, (GDestroyNotify) inbound_free);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->url, g_free);
  g_clear_error (&self->failure);
  g_clear_error (&self->ws_error);

  G_OBJECT_CLASS (ms_cdp_connection_parent_class)->finalize (object);
}

static void
ms_cdp_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MsCdpConnection *self = MS_CDP_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MsCdpConnection *self = MS_CDP_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      ms_cdp_connection_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_connection_class_init (MsCdpConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_cdp_connection_dispose;
  object_class->finalize = ms_cdp_connection_finalize;
  object_class->get_property = ms_cdp_connection_get_property;
  object_class->set_property = ms_cdp_connection_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       MS_TYPE_CDP_TARGET_STATE, MS_CDP_TARGET_STATE_CONNECTING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT / 1000, MS_CDP_DEFAULT_TIMEOUT_SECONDS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsCdpConnection::event:
   * @method: the CDP event name, e.g. "Inspector.targetCrashed"
   * @params: the event's parameters ({} when absent)
   *
   * A CDP event. Connect with a detail to receive one kind only:
   * `"event::Inspector.targetCrashed"`.
   */
  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
ms_cdp_connection_init (MsCdpConnection *self)
{
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                         (GDestroyNotify) pending_call_free);
  self->next_id = 1;
  self->timeout = MS_CDP_DEFAULT_TIMEOUT_SECONDS;
  self->max_message_size = MS_CDP_MAX_MESSAGE_SIZE;
  self->state = MS_CDP_TARGET_STATE_CONNECTING;
  self->context = g_main_context_ref_thread_default ();
}

static void
send_inspector_enable (MsCdpConnection *self);

static void
websocket_connect_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsCdpConnection *self = g_task_get_source_object (task);
  GError *error = NULL;
  SoupWebsocketConnection *ws;

  ws = ms_cdp_websocket_connect_finish (result, &error);
  if (ws == NULL)
    {
      self->failure = g_error_copy (error);
      set_state (self, MS_CDP_TARGET_STATE_CLOSED);
      g_task_return_error (task, error);
      return;
    }

  self->ws = ws;
  /* Before the first message is read: libsoup's default of 128 KiB closes the
   * socket on the first real profile. */
  soup_websocket_connection_set_max_incoming_payload_size (ws, self->max_message_size);
  soup_websocket_connection_set_keepalive_interval (ws, 0);

  self->message_handler = g_signal_connect (ws, "message", G_CALLBACK (on_message), self);
  self->closed_handler = g_signal_connect (ws, "closed", G_CALLBACK (on_closed), self);
  self->error_handler = g_signal_connect (ws, "error", G_CALLBACK (on_error), self);

  set_state (self, MS_CDP_TARGET_STATE_CONNECTED);
  send_inspector_enable (self);

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

/**
 * ms_cdp_connection_new_async:
 * @ws_url: a ws:// URL (build it with ms_cdp_endpoint_ws_url())
 *
 * Opens the WebSocket. No Origin header is sent: Chromium refuses handshakes
 * that carry one unless started with --remote-allow-origins.
 */
void
ms_cdp_connection_new_async (const char          *ws_url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(MsCdpConnection) self = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ws_url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (MS_TYPE_CDP_CONNECTION, NULL);
  self->url = g_strdup (ws_url);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_cdp_connection_new_async);

  uri = g_uri_parse (ws_url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "ws") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "wss") != 0))
    {
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                               "“%s” is not a ws:// URL", ws_url);
      return;
    }

  /* Our own handshake: the stream under the WebSocket must be ours to guard, and no
   * system proxy may stand between us and a DevTools port. No Origin, on purpose. */
  ms_cdp_websocket_connect_async (uri, "Memscope/" PACKAGE_VERSION, 30, self->max_message_size,
                                  cancellable, websocket_connect_cb, g_object_ref (task));
}

MsCdpConnection *
ms_cdp_connection_new_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
ms_cdp_connection_get_url (MsCdpConnection *self)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), NULL);
  return self->url;
}

MsCdpTargetState
ms_cdp_connection_get_state (MsCdpConnection *self)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), MS_CDP_TARGET_STATE_CLOSED);
  return self->state;
}

const GError *
ms_cdp_connection_get_failure (MsCdpConnection *self)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), NULL);
  return self->failure;
}

guint
ms_cdp_connection_get_timeout (MsCdpConnection *self)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), 0);
  return self->timeout;
}

void
ms_cdp_connection_set_timeout (MsCdpConnection *self,
                               guint            seconds)
{
  g_return_if_fail (MS_IS_CDP_CONNECTION (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

gsize
ms_cdp_connection_get_max_message_size (MsCdpConnection *self)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), 0);
  return self->max_message_size;
}

void
ms_cdp_connection_set_max_message_size (MsCdpConnection *self,
                                        gsize            max_size)
{
  g_return_if_fail (MS_IS_CDP_CONNECTION (self));
  g_return_if_fail (max_size > 0);

  self->max_message_size = max_size;
  if (self->ws != NULL)
    {
      soup_websocket_connection_set_max_incoming_payload_size (self->ws, max_size);
      ms_cdp_websocket_set_max_message_size (self->ws, max_size);
    }
}

guint
ms_cdp_connection_get_n_pending (MsCdpConnection *self)
{
  guint n = 0;
  GHashTableIter iter;
  PendingCall *call;

  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), 0);

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    if (!call->internal)
      n++;
  return n;
}

typedef struct
{
  MsCdpConnection *self;
  gint64           id;
} CallRef;

static gboolean
call_timeout_cb (gpointer data)
{
  CallRef *ref = data;
  MsCdpConnection *self = ref->self;
  PendingCall *call = g_hash_table_lookup (self->pending, &ref->id);
  g_autoptr(GTask) task = NULL;

  if (call == NULL)
    return G_SOURCE_REMOVE;

  /* The source is being dispatched: let it go without destroying it twice. */
  g_clear_pointer (&call->timeout_source, g_source_unref);
  task = take_pending (self, ref->id);
  g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT,
                           "%s got no reply within its timeout",
                           (const char *) g_task_get_task_data (task));
  return G_SOURCE_REMOVE;
}

static gboolean
call_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  CallRef *ref = data;
  MsCdpConnection *self = ref->self;
  PendingCall *call = g_hash_table_lookup (self->pending, &ref->id);
  g_autoptr(GTask) task = NULL;

  if (call == NULL)
    return G_SOURCE_REMOVE;

  g_clear_pointer (&call->cancel_source, g_source_unref);
  task = take_pending (self, ref->id);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "%s was cancelled", (const char *) g_task_get_task_data (task));
  return G_SOURCE_REMOVE;
}

static void
call_internal (MsCdpConnection     *self,
               const char          *method,
               JsonObject          *params,
               guint                timeout_seconds,
               gboolean             raw,
               gboolean             internal,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  PendingCall *call;
  CallRef *ref;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (method), g_free);

  if (self->state != MS_CDP_TARGET_STATE_CONNECTED || self->ws == NULL ||
      soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      if (self->failure != NULL)
        g_task_return_error (task, g_error_copy (self->failure));
      else
        g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                 "Cannot call %s: the connection is not open", method);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->next_id);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method);
  json_builder_set_member_name (builder, "params");
  if (params != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, params);
      json_builder_add_value (builder, node);
    }
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  call = g_new0 (PendingCall, 1);
  call->id = self->next_id++;
  call->method = g_strdup (method);
  call->task = g_object_ref (task);
  call->raw = !!raw;
  call->internal = !!internal;

  if (timeout_seconds == 0)
    timeout_seconds = self->timeout;

  ref = g_new0 (CallRef, 1);
  ref->self = self;
  ref->id = call->id;
  call->timeout_source = g_timeout_source_new_seconds (timeout_seconds);
  g_source_set_callback (call->timeout_source, call_timeout_cb, ref, g_free);
  g_source_set_static_name (call->timeout_source, "[memscope] cdp call timeout");
  g_source_attach (call->timeout_source, self->context);

  if (cancellable != NULL)
    {
      ref = g_new0 (CallRef, 1);
      ref->self = self;
      ref->id = call->id;
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (call_cancelled_cb), ref, g_free);
      g_source_set_static_name (call->cancel_source, "[memscope] cdp call cancel");
      g_source_attach (call->cancel_source, self->context);
    }

  g_hash_table_insert (self->pending, &call->id, call);
  soup_websocket_connection_send_text (self->ws, text);
}

void
ms_cdp_connection_call_async (MsCdpConnection     *self,
                              const char          *method,
                              JsonObject          *params,
                              guint                timeout_seconds,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (MS_IS_CDP_CONNECTION (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_internal (self, method, params, timeout_seconds, FALSE, FALSE,
                 cancellable, callback, user_data, ms_cdp_connection_call_async);
}

JsonObject *
ms_cdp_connection_call_finish (MsCdpConnection  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ms_cdp_connection_call_raw_async (MsCdpConnection     *self,
                                  const char          *method,
                                  JsonObject          *params,
                                  guint                timeout_seconds,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (MS_IS_CDP_CONNECTION (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_internal (self, method, params, timeout_seconds, TRUE, FALSE,
                 cancellable, callback, user_data, ms_cdp_connection_call_raw_async);
}

GBytes *
ms_cdp_connection_call_raw_finish (MsCdpConnection  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
inspector_enable_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* The browser target has no Inspector domain; crash notices then come as a close. */
  reply = ms_cdp_connection_call_finish (MS_CDP_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_debug ("Inspector.enable: %s", error->message);
}

static void
send_inspector_enable (MsCdpConnection *self)
{
  /* Needed for Inspector.targetCrashed and Inspector.detached to be sent. */
  call_internal (self, "Inspector.enable", NULL, 0, FALSE, TRUE, NULL,
                 inspector_enable_cb, NULL, send_inspector_enable);
}

void
ms_cdp_connection_close (MsCdpConnection *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MS_IS_CDP_CONNECTION (self));

  error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED, "The connection was closed by Memscope");
  if (self->failure == NULL)
    self->failure = g_error_copy (error);

  if (self->ws != NULL)
    {
      g_clear_signal_handler (&self->message_handler, self->ws);
      g_clear_signal_handler (&self->closed_handler, self->ws);
      g_clear_signal_handler (&self->error_handler, self->ws);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }

  set_state (self, MS_CDP_TARGET_STATE_CLOSED);
  fail_all_pending (self, error);
}
