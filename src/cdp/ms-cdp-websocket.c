/* ms-cdp-websocket.c: the WebSocket under MsCdpConnection, with a guard on message size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "ms-cdp-error.h"
#include "ms-cdp-websocket-private.h"

/* Why the handshake is ours and not SoupSession's: the guard below must sit between
 * the socket and SoupWebsocketConnection, and a session hands out no stream to wrap.
 * A direct connection also keeps any system proxy away from the DevTools port, as
 * discovery does. */

#define MAX_HANDSHAKE_RESPONSE (64 * 1024)
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* MsCdpFrameGuard: an input stream that follows the frame headers of the bytes it
 * passes on, adds up the payloads of each message, and fails as soon as a header
 * announces more than the limit, before any of that payload is read. */

#define MS_TYPE_CDP_FRAME_GUARD (ms_cdp_frame_guard_get_type ())
G_DECLARE_FINAL_TYPE (MsCdpFrameGuard, ms_cdp_frame_guard, MS, CDP_FRAME_GUARD, GFilterInputStream)

struct _MsCdpFrameGuard
{
  GFilterInputStream  parent_instance;

  GBytes             *leftover;       /* read with the handshake's answer; served first */
  gsize               leftover_offset;

  guint8              header[14];
  guint               header_len;
  guint64             payload_left;   /* of the current frame, passed on without a look */
  guint64             message_size;   /* the payloads of the message so far */
  guint               n_frames;
  gsize               max_message_size;
  GError             *error;          /* once set, every read fails with it */
};

static void ms_cdp_frame_guard_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MsCdpFrameGuard, ms_cdp_frame_guard, G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      ms_cdp_frame_guard_pollable_init))

static gboolean
frame_guard_count (MsCdpFrameGuard *self,
                   guint8           first_byte,
                   guint64          payload_len)
{
  gboolean fin = (first_byte & 0x80) != 0;
  guint8 opcode = first_byte & 0x0f;

  /* Control frames stand alone, even between the fragments of a message. */
  if (opcode & 0x08)
    return TRUE;

  if (opcode != 0)
    {
      self->message_size = 0;
      self->n_frames = 0;
    }

  self->n_frames++;
  if (payload_len > G_MAXUINT64 - self->message_size)
    self->message_size = G_MAXUINT64;
  else
    self->message_size += payload_len;

  if (self->max_message_size > 0 && self->message_size > self->max_message_size)
    {
      g_set_error (&self->error, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE,
                   "The browser sent a message larger than the limit of %" G_GSIZE_FORMAT
                   " bytes (%" G_GUINT64_FORMAT " bytes announced in %u %s); the connection "
                   "was closed",
                   self->max_message_size, self->message_size, self->n_frames,
                   self->n_frames == 1 ? "frame" : "frames");
      return FALSE;
    }

  if (fin)
    {
      self->message_size = 0;
      self->n_frames = 0;
    }

  return TRUE;
}

static gboolean
frame_guard_inspect (MsCdpFrameGuard *self,
                     const guint8    *p,
                     gsize            n)
{
  const guint8 *end = p + n;

  while (p < end)
    {
      guint need = 2;
      guint len7;
      guint64 payload_len;

      if (self->payload_left > 0)
        {
          guint64 skip = MIN (self->payload_left, (guint64) (end - p));

          p += skip;
          self->payload_left -= skip;
          continue;
        }

      self->header[self->header_len++] = *p++;
      if (self->header_len < 2)
        continue;

      len7 = self->header[1] & 0x7f;
      if (len7 == 126)
        need += 2;
      else if (len7 == 127)
        need += 8;
      if (self->header[1] & 0x80)
        need += 4;
      if (self->header_len < need)
        continue;

      if (len7 < 126)
        payload_len = len7;
      else if (len7 == 126)
        payload_len = ((guint64) self->header[2] << 8) | self->header[3];
      else
        {
          payload_len = 0;
          for (guint i = 2; i < 10; i++)
            payload_len = (payload_len << 8) | self->header[i];
        }

      self->header_len = 0;
      self->payload_left = payload_len;
      if (!frame_guard_count (self, self->header[0], payload_len))
        return FALSE;
    }

  return TRUE;
}

static gssize
frame_guard_read_internal (MsCdpFrameGuard  *self,
                           void             *buffer,
                           gsize             count,
                           gboolean          blocking,
                           GCancellable     *cancellable,
                           GError          **error)
{
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
  gssize n;

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }

  if (self->leftover != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (self->leftover, &size);

      n = MIN (count, size - self->leftover_offset);
      memcpy (buffer, data + self->leftover_offset, n);
      self->leftover_offset += n;
      if (self->leftover_offset == size)
        g_clear_pointer (&self->leftover, g_bytes_unref);
    }
  else if (blocking)
    n = g_input_stream_read (base, buffer, count, cancellable, error);
  else
    n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (base), buffer, count,
                                                  cancellable, error);

  if (n > 0 && !frame_guard_inspect (self, buffer, n))
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }

  return n;
}

static gssize
ms_cdp_frame_guard_read (GInputStream  *stream,
                         void          *buffer,
                         gsize          count,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return frame_guard_read_internal (MS_CDP_FRAME_GUARD (stream), buffer, count, TRUE,
                                    cancellable, error);
}

static gssize
ms_cdp_frame_guard_read_nonblocking (GPollableInputStream  *stream,
                                     void                  *buffer,
                                     gsize                  count,
                                     GError               **error)
{
  return frame_guard_read_internal (MS_CDP_FRAME_GUARD (stream), buffer, count, FALSE,
                                    NULL, error);
}

static gboolean
ms_cdp_frame_guard_can_poll (GPollableInputStream *stream)
{
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
ms_cdp_frame_guard_is_readable (GPollableInputStream *stream)
{
  MsCdpFrameGuard *self = MS_CDP_FRAME_GUARD (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));

  return self->error != NULL || self->leftover != NULL ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (base));
}

static GSource *
ms_cdp_frame_guard_create_source (GPollableInputStream *stream,
                                  GCancellable         *cancellable)
{
  MsCdpFrameGuard *self = MS_CDP_FRAME_GUARD (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  g_autoptr(GSource) child = NULL;

  /* Bytes of our own (or an error) to hand out: ready at once. */
  if (self->error != NULL || self->leftover != NULL)
    child = g_timeout_source_new (0);
  else
    child = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (base), NULL);

  return g_pollable_source_new_full (stream, child, cancellable);
}

static void
ms_cdp_frame_guard_finalize (GObject *object)
{
  MsCdpFrameGuard *self = MS_CDP_FRAME_GUARD (object);

  g_clear_pointer (&self->leftover, g_bytes_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (ms_cdp_frame_guard_parent_class)->finalize (object);
}

static void
ms_cdp_frame_guard_class_init (MsCdpFrameGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = ms_cdp_frame_guard_finalize;
  stream_class->read_fn = ms_cdp_frame_guard_read;
}

static void
ms_cdp_frame_guard_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = ms_cdp_frame_guard_can_poll;
  iface->is_readable = ms_cdp_frame_guard_is_readable;
  iface->create_source = ms_cdp_frame_guard_create_source;
  iface->read_nonblocking = ms_cdp_frame_guard_read_nonblocking;
}

static void
ms_cdp_frame_guard_init (MsCdpFrameGuard *self)
{
}

/* MsCdpGuardedStream: the socket's connection, read through the guard */

#define MS_TYPE_CDP_GUARDED_STREAM (ms_cdp_guarded_stream_get_type ())
G_DECLARE_FINAL_TYPE (MsCdpGuardedStream, ms_cdp_guarded_stream, MS, CDP_GUARDED_STREAM, GIOStream)

struct _MsCdpGuardedStream
{
  GIOStream        parent_instance;

  GIOStream       *base;
  MsCdpFrameGuard *input;
};

G_DEFINE_FINAL_TYPE (MsCdpGuardedStream, ms_cdp_guarded_stream, G_TYPE_IO_STREAM)

static GInputStream *
ms_cdp_guarded_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (MS_CDP_GUARDED_STREAM (stream)->input);
}

static GOutputStream *
ms_cdp_guarded_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (MS_CDP_GUARDED_STREAM (stream)->base);
}

static gboolean
ms_cdp_guarded_stream_close (GIOStream     *stream,
                             GCancellable  *cancellable,
                             GError       **error)
{
  MsCdpGuardedStream *self = MS_CDP_GUARDED_STREAM (stream);

  /* Closing the connection closes the socket (its own streams only flag themselves). */
  g_input_stream_close (G_INPUT_STREAM (self->input), cancellable, NULL);
  return g_io_stream_close (self->base, cancellable, error);
}

/* GIOStream would run close_fn on a worker thread; closing a socket does not block,
 * and the WebSocket may still be polling it on this one. */
static void
ms_cdp_guarded_stream_close_async (GIOStream           *stream,
                                   int                  io_priority,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, ms_cdp_guarded_stream_close_async);
  if (ms_cdp_guarded_stream_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
ms_cdp_guarded_stream_close_finish (GIOStream     *stream,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
ms_cdp_guarded_stream_finalize (GObject *object)
{
  MsCdpGuardedStream *self = MS_CDP_GUARDED_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (ms_cdp_guarded_stream_parent_class)->finalize (object);
}

static void
ms_cdp_guarded_stream_class_init (MsCdpGuardedStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = ms_cdp_guarded_stream_finalize;
  stream_class->get_input_stream = ms_cdp_guarded_stream_get_input_stream;
  stream_class->get_output_stream = ms_cdp_guarded_stream_get_output_stream;
  stream_class->close_fn = ms_cdp_guarded_stream_close;
  stream_class->close_async = ms_cdp_guarded_stream_close_async;
  stream_class->close_finish = ms_cdp_guarded_stream_close_finish;
}

static void
ms_cdp_guarded_stream_init (MsCdpGuardedStream *self)
{
}

static GIOStream *
ms_cdp_guarded_stream_new (GIOStream *base,
                           GBytes    *leftover,
                           gsize      max_message_size)
{
  MsCdpGuardedStream *self = g_object_new (MS_TYPE_CDP_GUARDED_STREAM, NULL);

  self->base = g_object_ref (base);
  self->input = g_object_new (MS_TYPE_CDP_FRAME_GUARD,
                              "base-stream", g_io_stream_get_input_stream (base),
                              "close-base-stream", FALSE,
                              NULL);
  self->input->max_message_size = max_message_size;
  if (leftover != NULL && g_bytes_get_size (leftover) > 0)
    self->input->leftover = g_bytes_ref (leftover);

  return G_IO_STREAM (self);
}

void
ms_cdp_websocket_set_max_message_size (SoupWebsocketConnection *ws,
                                       gsize                    max_size)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (ws);

  if (MS_IS_CDP_GUARDED_STREAM (stream))
    MS_CDP_GUARDED_STREAM (stream)->input->max_message_size = max_size;
}

/* The opening handshake (RFC 6455, section 4.1) */

typedef struct
{
  GUri          *uri;
  char          *url;
  char          *user_agent;
  gsize          max_message_size;
  char          *key;
  GIOStream     *connection;
  GByteArray    *response;
  guint8         buffer[4096];
  char          *request;
  int            port;

  GCancellable  *cancellable;         /* ours: the caller's or the timeout cancel it */
  GCancellable  *caller_cancellable;
  gulong         caller_handler;
  GSource       *timeout_source;
  guint          timeout_seconds;
  gboolean       timed_out;
} Handshake;

static void
handshake_free (Handshake *hs)
{
  if (hs->timeout_source != NULL)
    {
      g_source_destroy (hs->timeout_source);
      g_source_unref (hs->timeout_source);
    }
  if (hs->caller_handler != 0)
    g_cancellable_disconnect (hs->caller_cancellable, hs->caller_handler);
  g_clear_object (&hs->caller_cancellable);
  g_clear_object (&hs->cancellable);
  g_clear_pointer (&hs->uri, g_uri_unref);
  g_free (hs->url);
  g_free (hs->user_agent);
  g_free (hs->key);
  g_free (hs->request);
  g_clear_object (&hs->connection);
  g_clear_pointer (&hs->response, g_byte_array_unref);
  g_free (hs);
}

static void
handshake_fail (GTask  *task,
                GError *error)
{
  Handshake *hs = g_task_get_task_data (task);

  if (hs->connection != NULL)
    g_io_stream_close (hs->connection, NULL, NULL);

  if (hs->timed_out)
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT,
                             _("Connecting to %s timed out"), hs->url);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == MS_CDP_ERROR)
    g_task_return_error (task, g_error_copy (error));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CONNECTION_REFUSED,
                             _("Nothing is listening at %s: is the browser running with "
                             "--remote-debugging-port?"), hs->url);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT,
                             _("Connecting to %s timed out"), hs->url);
  else
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                             _("Could not open the DevTools connection to %s: %s"),
                             hs->url, error->message);
}

static char *
expected_accept (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key, strlen (key));
  g_checksum_update (sha1, (const guchar *) WEBSOCKET_GUID, strlen (WEBSOCKET_GUID));
  g_checksum_get_digest (sha1, digest, &digest_len);
  return g_base64_encode (digest, digest_len);
}

/* Checks the server's answer; on success returns the headers' length. */
static gboolean
check_response (Handshake  *hs,
                gsize       header_len,
                GError    **error)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autofree char *reason = NULL;
  g_autofree char *accept = NULL;
  guint status = 0;

  if (!soup_headers_parse_response ((const char *) hs->response->data, header_len, headers,
                                    NULL, &status, &reason))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                   _("Could not open the DevTools connection to %s: the answer to the "
                   "handshake is not HTTP"), hs->url);
      return FALSE;
    }

  if (status == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_FORBIDDEN,
                   _("The browser refused the DevTools connection to %s (HTTP 403). "
                   "It rejects clients from other origins: restart it with "
                   "--remote-allow-origins=* or let Memscope launch it"), hs->url);
      return FALSE;
    }
  if (status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_HTTP,
                   _("The DevTools handshake at %s failed with HTTP %u %s"),
                   hs->url, status, reason ? reason : "");
      return FALSE;
    }

  accept = expected_accept (hs->key);
  if (!soup_message_headers_header_equals (headers, "Upgrade", "websocket") ||
      !soup_message_headers_header_contains (headers, "Connection", "upgrade") ||
      g_strcmp0 (soup_message_headers_get_one (headers, "Sec-WebSocket-Accept"), accept) != 0 ||
      soup_message_headers_get_one (headers, "Sec-WebSocket-Extensions") != NULL ||
      soup_message_headers_get_one (headers, "Sec-WebSocket-Protocol") != NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                   _("Could not open the DevTools connection to %s: the server's answer to "
                   "the WebSocket handshake is not valid"), hs->url);
      return FALSE;
    }

  return TRUE;
}

static void on_response_read (GObject *object, GAsyncResult *result, gpointer user_data);

static const guint8 *
find_end_of_headers (GByteArray *response)
{
  for (guint i = 0; i + 4 <= response->len; i++)
    if (memcmp (response->data + i, "\r\n\r\n", 4) == 0)
      return response->data + i;
  return NULL;
}

static void
read_response (GTask *task)
{
  Handshake *hs = g_task_get_task_data (task);

  g_input_stream_read_async (g_io_stream_get_input_stream (hs->connection),
                             hs->buffer, sizeof hs->buffer, G_PRIORITY_DEFAULT,
                             hs->cancellable, on_response_read, task);
}

static void
on_response_read (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Handshake *hs = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) guarded = NULL;
  g_autoptr(GBytes) leftover = NULL;
  const guint8 *end_of_headers;
  gsize header_len;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      handshake_fail (task, error);
      return;
    }
  if (n == 0)
    {
      error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                           "Could not open the DevTools connection to %s: the server closed "
                           "it during the handshake", hs->url);
      handshake_fail (task, error);
      return;
    }

  g_byte_array_append (hs->response, hs->buffer, n);
  end_of_headers = find_end_of_headers (hs->response);
  if (end_of_headers == NULL)
    {
      if (hs->response->len > MAX_HANDSHAKE_RESPONSE)
        {
          error = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                               "Could not open the DevTools connection to %s: the answer to the "
                               "handshake has more than %d bytes of headers",
                               hs->url, MAX_HANDSHAKE_RESPONSE);
          handshake_fail (task, error);
          return;
        }
      read_response (g_steal_pointer (&task));
      return;
    }

  header_len = end_of_headers + 4 - hs->response->data;
  if (!check_response (hs, header_len, &error))
    {
      handshake_fail (task, error);
      return;
    }

  if (hs->timeout_source != NULL)
    {
      g_source_destroy (hs->timeout_source);
      g_clear_pointer (&hs->timeout_source, g_source_unref);
    }

  /* Frames the server sent right behind its answer belong to the WebSocket. */
  leftover = g_bytes_new (hs->response->data + header_len, hs->response->len - header_len);
  guarded = ms_cdp_guarded_stream_new (hs->connection, leftover, hs->max_message_size);
  g_task_return_pointer (task, g_steal_pointer (&guarded), g_object_unref);
}

static void
on_request_written (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      handshake_fail (task, error);
      return;
    }

  read_response (g_steal_pointer (&task));
}

static char *
build_request (Handshake *hs)
{
  const char *host = g_uri_get_host (hs->uri);
  const char *path = g_uri_get_path (hs->uri);
  const char *query = g_uri_get_query (hs->uri);
  gboolean ipv6 = strchr (host, ':') != NULL;

  /* Never an Origin header: Chromium refuses handshakes that carry one unless it was
   * started with --remote-allow-origins. */
  return g_strdup_printf ("GET %s%s%s HTTP/1.1\r\n"
                          "Host: %s%s%s:%d\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Key: %s\r\n"
                          "Sec-WebSocket-Version: 13\r\n"
                          "User-Agent: %s\r\n"
                          "\r\n",
                          path[0] != '\0' ? path : "/",
                          query != NULL ? "?" : "", query != NULL ? query : "",
                          ipv6 ? "[" : "", host, ipv6 ? "]" : "", hs->port,
                          hs->key, hs->user_agent);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Handshake *hs = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      handshake_fail (task, error);
      return;
    }

  hs->connection = G_IO_STREAM (connection);
  hs->request = build_request (hs);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (hs->connection),
                                   hs->request, strlen (hs->request), G_PRIORITY_DEFAULT,
                                   hs->cancellable, on_request_written, g_steal_pointer (&task));
}

static gboolean
on_handshake_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Handshake *hs = g_task_get_task_data (task);

  hs->timed_out = TRUE;
  g_cancellable_cancel (hs->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

void
ms_cdp_websocket_connect_async (GUri                *uri,
                                const char          *user_agent,
                                guint                timeout_seconds,
                                gsize                max_message_size,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  gboolean tls = g_strcmp0 (g_uri_get_scheme (uri), "wss") == 0;
  guint8 nonce[16];
  Handshake *hs;
  int port;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_cdp_websocket_connect_async);

  hs = g_new0 (Handshake, 1);
  hs->uri = g_uri_ref (uri);
  hs->url = g_uri_to_string (uri);
  hs->user_agent = g_strdup (user_agent);
  hs->max_message_size = max_message_size;
  hs->response = g_byte_array_new ();
  hs->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (nonce); i++)
    nonce[i] = g_random_int_range (0, 256);
  hs->key = g_base64_encode (nonce, sizeof nonce);
  g_task_set_task_data (task, hs, (GDestroyNotify) handshake_free);

  if (cancellable != NULL)
    {
      hs->caller_cancellable = g_object_ref (cancellable);
      hs->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                  g_object_ref (hs->cancellable), g_object_unref);
    }

  if (timeout_seconds > 0)
    {
      hs->timeout_source = g_timeout_source_new_seconds (timeout_seconds);
      g_source_set_static_name (hs->timeout_source, "[ms-cdp] websocket handshake timeout");
      g_task_attach_source (task, hs->timeout_source, on_handshake_timeout);
    }

  port = g_uri_get_port (uri);
  if (port < 0)
    port = tls ? 443 : 80;
  hs->port = port;
  address = g_network_address_new (g_uri_get_host (uri), port);

  client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_tls (client, tls);
  g_socket_client_connect_async (client, address, hs->cancellable, on_connected,
                                 g_steal_pointer (&task));
}

GIOStream *
ms_cdp_websocket_connect_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

SoupWebsocketConnection *
ms_cdp_websocket_new (GIOStream *stream,
                      GUri      *uri)
{
  g_return_val_if_fail (MS_IS_CDP_GUARDED_STREAM (stream), NULL);

  return soup_websocket_connection_new (stream, uri, SOUP_WEBSOCKET_CONNECTION_CLIENT,
                                        NULL, NULL, NULL);
}
