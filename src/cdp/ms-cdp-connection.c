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

/* Replies above this size are decoded on a worker thread so that a 40 MB profile
 * does not stall the main loop of a window that refreshes live. (Events are all
 * decoded on the WebSocket's thread.) */
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

/* A message (or the end of the WebSocket) on its way from the WebSocket's thread to
 * the connection's context, scanned there; events decoded there too. */
typedef struct
{
  GBytes           *message;      /* NULL for the end */
  MsCdpMessageScan  scan;
  GError           *scan_error;
  JsonNode         *event_root;
  GError           *closed;       /* why the WebSocket closed, for the end */
} Inbound;

static void
inbound_free (Inbound *inbound)
{
  g_clear_pointer (&inbound->message, g_bytes_unref);
  g_clear_error (&inbound->scan_error);
  g_clear_pointer (&inbound->event_root, json_node_unref);
  g_clear_error (&inbound->closed);
  g_free (inbound);
}

typedef struct _IoLink IoLink;

struct _MsCdpConnection
{
  GObject                  parent_instance;

  char                    *url;
  GUri                    *uri;
  IoLink                  *link;         /* the WebSocket's thread, once connected */
  GMainContext            *context;

  GHashTable              *pending;      /* gint64 id -> PendingCall */
  guint                    n_threaded_events;
  gint64                   next_id;

  guint                    timeout;
  gsize                    max_message_size;
  MsCdpTargetState         state;
  GError                  *failure;
  gboolean                 open;         /* as far as this context knows */
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

  if (inbound->message == NULL)
    {
      self->open = FALSE;
      fail_connection (self, MS_CDP_TARGET_STATE_CLOSED, g_steal_pointer (&inbound->closed));
    }
  else if (inbound->scan_error != NULL)
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
      if (inbound->event_root != NULL &&
          g_bytes_get_size (inbound->message) >= THREADED_PARSE_THRESHOLD)
        self->n_threaded_events++;
      handle_event (self, inbound->event_root);
    }
  else
    g_debug ("Ignoring a message with neither id nor method");
}

guint
ms_cdp_connection_get_n_threaded_events (MsCdpConnection *self)
{
  g_return_val_if_fail (MS_IS_CDP_CONNECTION (self), 0);
  return self->n_threaded_events;
}

/* The WebSocket's thread.
 *
 * libsoup hands over a message only once it has it whole: for a 41.7 MB profile,
 * some 40,000 reads, a copy into one buffer and a UTF-8 check of it, then our scan
 * of its JSON. On the connection's context that was a stall of hundreds of
 * milliseconds in a window that refreshes live. So the SoupWebsocketConnection lives
 * on a thread of its own, with a main context of its own: it reads, assembles,
 * checks, scans (and, for events, decodes) every message there, and passes the
 * connection's context what it found, in the order the messages arrived, with
 * libsoup's bytes (no copy). Requests go the other way as commands, in order too.
 * The connection's state, calls, timeouts and signals stay on its own context.
 *
 * The link is shared by both sides and freed by whichever lets go last; it never
 * holds the connection, whose dispose must run on the connection's context. */

typedef enum
{
  COMMAND_ATTACH,
  COMMAND_SEND,
  COMMAND_SET_MAX,
  COMMAND_SHUT_DOWN,
} CommandKind;

typedef struct
{
  CommandKind  kind;
  GIOStream   *stream;     /* ATTACH */
  char        *text;       /* SEND */
  gsize        max_size;   /* ATTACH, SET_MAX */
} Command;

struct _IoLink
{
  gatomicrefcount          ref_count;
  GMainContext            *io_context;
  GMainContext            *owner_context;
  MsCdpConnection         *owner;        /* on the owner's context only; NULL once let go */
  GUri                    *uri;

  /* The WebSocket's thread only */
  SoupWebsocketConnection *ws;
  GError                  *ws_error;     /* the last error libsoup signalled, for the close */
  gsize                    max_message_size;
  gboolean                 done;

  GMutex                   lock;         /* guards what follows */
  GQueue                   to_owner;     /* Inbound */
  GQueue                   to_io;        /* Command */
  gboolean                 owner_wakeup; /* a source to drain to_owner is attached */
  gboolean                 io_wakeup;
  gboolean                 io_finished;  /* the thread is gone: commands are dropped */
};

static void
command_free (Command *command)
{
  g_clear_object (&command->stream);
  g_free (command->text);
  g_free (command);
}

static IoLink *
io_link_ref (IoLink *link)
{
  g_atomic_ref_count_inc (&link->ref_count);
  return link;
}

static void
io_link_unref (IoLink *link)
{
  if (!g_atomic_ref_count_dec (&link->ref_count))
    return;

  g_assert (link->ws == NULL);
  g_queue_clear_full (&link->to_owner, (GDestroyNotify) inbound_free);
  g_queue_clear_full (&link->to_io, (GDestroyNotify) command_free);
  g_mutex_clear (&link->lock);
  g_clear_error (&link->ws_error);
  g_clear_pointer (&link->uri, g_uri_unref);
  g_main_context_unref (link->owner_context);
  g_main_context_unref (link->io_context);
  g_free (link);
}

/* Attaches a source that runs @func once on @context, holding the link. Called with
 * the lock held. */
static void
io_link_wake (IoLink       *link,
              GMainContext *context,
              GSourceFunc   func,
              const char   *name)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, io_link_ref (link), (GDestroyNotify) io_link_unref);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
}

/* Empties @queue (to_owner or to_io) into @items, under the lock; the next post
 * attaches a new source. */
static void
io_link_take (IoLink   *link,
              GQueue   *queue,
              gboolean *wakeup,
              GQueue   *items)
{
  g_mutex_lock (&link->lock);
  *items = *queue;
  g_queue_init (queue);
  *wakeup = FALSE;
  g_mutex_unlock (&link->lock);
}

/* On the owner's context: delivers what arrived, in order. */
static gboolean
owner_drain (gpointer data)
{
  IoLink *link = data;
  GQueue items;
  Inbound *inbound;

  io_link_take (link, &link->to_owner, &link->owner_wakeup, &items);

  while ((inbound = g_queue_pop_head (&items)) != NULL)
    {
      /* A connection closed (or disposed) on this side takes nothing more. */
      g_autoptr(MsCdpConnection) self = link->owner ? g_object_ref (link->owner) : NULL;

      if (self != NULL)
        deliver (self, inbound);
      inbound_free (inbound);
    }
  return G_SOURCE_REMOVE;
}

/* On the WebSocket's thread. */
static void
post_to_owner (IoLink  *link,
               Inbound *inbound)
{
  g_mutex_lock (&link->lock);
  g_queue_push_tail (&link->to_owner, inbound);
  if (!link->owner_wakeup)
    {
      link->owner_wakeup = TRUE;
      io_link_wake (link, link->owner_context, owner_drain, "[ms-cdp] deliver messages");
    }
  g_mutex_unlock (&link->lock);
}

/* Everything libsoup's signals see runs on the WebSocket's thread. */
static void
on_ws_message (SoupWebsocketConnection *ws,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               IoLink                  *link)
{
  Inbound *inbound = g_new0 (Inbound, 1);

  inbound->message = g_bytes_ref (message);
  if (ms_cdp_message_scan (message, &inbound->scan, &inbound->scan_error) &&
      !inbound->scan.has_id && inbound->scan.has_method)
    inbound->event_root = decode_event (message);
  post_to_owner (link, inbound);
}

static void
on_ws_error (SoupWebsocketConnection *ws,
             GError                  *error,
             IoLink                  *link)
{
  g_clear_error (&link->ws_error);
  link->ws_error = g_error_copy (error);
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              IoLink                  *link)
{
  Inbound *inbound = g_new0 (Inbound, 1);
  GError *why = link->ws_error;

  if (g_error_matches (why, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE))
    inbound->closed = g_error_copy (why);
  else if (why != NULL && why->domain == SOUP_WEBSOCKET_ERROR &&
           why->code == SOUP_WEBSOCKET_CLOSE_TOO_BIG)
    inbound->closed = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE,
                                   "The browser sent a message larger than the limit of %"
                                   G_GSIZE_FORMAT " bytes; the connection was closed",
                                   link->max_message_size);
  else if (why != NULL)
    inbound->closed = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                   "The connection to the browser closed: %s", why->message);
  else
    inbound->closed = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                   "The connection to the browser closed (code %u)",
                                   soup_websocket_connection_get_close_code (ws));
  post_to_owner (link, inbound);
}

static void
run_command (IoLink  *link,
             Command *command)
{
  switch (command->kind)
    {
    case COMMAND_ATTACH:
      link->ws = ms_cdp_websocket_new (command->stream, link->uri);
      /* Before the first message is read: libsoup's default of 128 KiB closes the
       * socket on the first real profile. */
      G_GNUC_FALLTHROUGH;
    case COMMAND_SET_MAX:
      link->max_message_size = command->max_size;
      if (link->ws != NULL)
        {
          soup_websocket_connection_set_max_incoming_payload_size (link->ws, command->max_size);
          ms_cdp_websocket_set_max_message_size (link->ws, command->max_size);
        }
      if (command->kind == COMMAND_ATTACH)
        {
          soup_websocket_connection_set_keepalive_interval (link->ws, 0);
          g_signal_connect (link->ws, "message", G_CALLBACK (on_ws_message), link);
          g_signal_connect (link->ws, "closed", G_CALLBACK (on_ws_closed), link);
          g_signal_connect (link->ws, "error", G_CALLBACK (on_ws_error), link);
        }
      break;

    case COMMAND_SEND:
      if (link->ws != NULL &&
          soup_websocket_connection_get_state (link->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (link->ws, command->text);
      break;

    case COMMAND_SHUT_DOWN:
      if (link->ws != NULL)
        {
          g_signal_handlers_disconnect_by_data (link->ws, link);
          if (soup_websocket_connection_get_state (link->ws) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close (link->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
          g_clear_object (&link->ws);
        }
      link->done = TRUE;
      break;

    default:
      g_assert_not_reached ();
    }
}

/* On the WebSocket's thread: runs the commands posted, in order. */
static gboolean
io_drain (gpointer data)
{
  IoLink *link = data;
  GQueue items;
  Command *command;

  io_link_take (link, &link->to_io, &link->io_wakeup, &items);

  while ((command = g_queue_pop_head (&items)) != NULL)
    {
      if (!link->done)
        run_command (link, command);
      command_free (command);
    }
  return G_SOURCE_REMOVE;
}

/* On the owner's context. */
static void
post_to_io (IoLink  *link,
            Command *command)
{
  g_mutex_lock (&link->lock);
  if (link->io_finished)
    {
      g_mutex_unlock (&link->lock);
      command_free (command);
      return;
    }
  g_queue_push_tail (&link->to_io, command);
  if (!link->io_wakeup)
    {
      link->io_wakeup = TRUE;
      io_link_wake (link, link->io_context, io_drain, "[ms-cdp] run commands");
    }
  g_mutex_unlock (&link->lock);
}

static void
post_command (IoLink      *link,
              CommandKind  kind,
              GIOStream   *stream,
              char        *text,
              gsize        max_size)
{
  Command *command = g_new0 (Command, 1);

  command->kind = kind;
  command->stream = stream;
  command->text = text;
  command->max_size = max_size;
  post_to_io (link, command);
}

static gpointer
io_thread_main (gpointer data)
{
  IoLink *link = data;

  g_main_context_push_thread_default (link->io_context);
  while (!link->done)
    g_main_context_iteration (link->io_context, TRUE);

  /* No source attached from now on; the ones already there let go of the link. */
  g_mutex_lock (&link->lock);
  link->io_finished = TRUE;
  g_mutex_unlock (&link->lock);
  while (g_main_context_iteration (link->io_context, FALSE))
    ;
  g_main_context_pop_thread_default (link->io_context);
  io_link_unref (link);
  return NULL;
}

/* Starts the WebSocket's thread on @stream (the handshake done). */
static IoLink *
io_link_new (MsCdpConnection *owner,
             GIOStream       *stream)
{
  IoLink *link = g_new0 (IoLink, 1);

  g_atomic_ref_count_init (&link->ref_count);
  g_mutex_init (&link->lock);
  link->io_context = g_main_context_new ();
  link->owner_context = g_main_context_ref (owner->context);
  link->owner = owner;
  link->uri = g_uri_ref (owner->uri);
  g_thread_unref (g_thread_new ("ms-cdp-websocket", io_thread_main, io_link_ref (link)));
  post_command (link, COMMAND_ATTACH, stream, NULL, owner->max_message_size);
  return link;
}

/* On the owner's context: nothing more is delivered; the thread closes the WebSocket
 * (a close frame when it is open) and ends. */
static void
io_link_let_go (MsCdpConnection *self)
{
  IoLink *link = g_steal_pointer (&self->link);

  self->open = FALSE;
  if (link == NULL)
    return;
  link->owner = NULL;
  post_command (link, COMMAND_SHUT_DOWN, NULL, NULL, 0);
  io_link_unref (link);
}

static void
ms_cdp_connection_dispose (GObject *object)
{
  MsCdpConnection *self = (MsCdpConnection *)object;

  io_link_let_go (self);

  if (self->pending != NULL && g_hash_table_size (self->pending) > 0)
    {
      g_autoptr(GError) error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                                             "The connection was closed by Memscope");
      fail_all_pending (self, error);
    }

  G_OBJECT_CLASS (ms_cdp_connection_parent_class)->dispose (object);
}

static void
ms_cdp_connection_finalize (GObject *object)
{
  MsCdpConnection *self = (MsCdpConnection *)object;

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->url, g_free);
  g_clear_error (&self->failure);

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
  GIOStream *stream;

  stream = ms_cdp_websocket_connect_finish (result, &error);
  if (stream == NULL)
    {
      self->failure = g_error_copy (error);
      set_state (self, MS_CDP_TARGET_STATE_CLOSED);
      g_task_return_error (task, error);
      return;
    }

  self->link = io_link_new (self, stream);
  self->open = TRUE;
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
  self->uri = g_uri_ref (uri);

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
  if (self->link != NULL)
    post_command (self->link, COMMAND_SET_MAX, NULL, NULL, max_size);
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

  if (self->state != MS_CDP_TARGET_STATE_CONNECTED || self->link == NULL || !self->open)
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
  post_command (self->link, COMMAND_SEND, NULL, g_steal_pointer (&text), 0);
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

  io_link_let_go (self);

  set_state (self, MS_CDP_TARGET_STATE_CLOSED);
  fail_all_pending (self, error);
}
