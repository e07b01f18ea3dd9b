/* ms-cdp-discovery.c: the HTTP side of a DevTools server (/json/version, /json/list,
 * /json/protocol)
 *
 * The replies' types are MsCdpBrowserVersion (ms-cdp-browser-version.c) and
 * MsCdpTarget (ms-cdp-target.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ms-cdp-discovery.h"
#include "ms-cdp-discovery-private.h"
#include "ms-cdp-error.h"
#include "ms-cdp-json-private.h"

#define DEFAULT_TIMEOUT_SECONDS 10

/* /json/protocol is 1–2 MB and /json/list grows with the tabs; nothing a DevTools
 * server sends comes near this. */
#define DEFAULT_MAX_BODY_SIZE (64 * 1024 * 1024)

/* Reads of the body are this size; the cap is checked after each. */
#define READ_CHUNK_SIZE (64 * 1024)

/* What the Memory domain must offer for every view of Memscope to work. */
static const char * const memory_commands[] = {
  "getDOMCounters",
  "getDOMCountersForLeakDetection",
  "prepareForLeakDetection",
  "forciblyPurgeJavaScriptMemory",
  "setPressureNotificationsSuppressed",
  "simulatePressureNotification",
  "startSampling",
  "stopSampling",
  "getAllTimeSamplingProfile",
  "getBrowserSamplingProfile",
  "getSamplingProfile",
};

/* /json/protocol */

gboolean
ms_cdp_protocol_has_memory_domain (const char  *data,
                                   gssize       length,
                                   GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GHashTable) offered = NULL;
  JsonArray *domains;
  JsonArray *commands = NULL;
  guint n_domains;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(root = ms_cdp_json_parse (data, length, error)))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                           _("The protocol description is not a JSON object"));
      return FALSE;
    }

  domains = ms_cdp_json_get_array_member (json_node_get_object (root), NULL, "domains", error);
  if (domains == NULL)
    return FALSE;

  n_domains = json_array_get_length (domains);
  for (guint i = 0; i < n_domains && commands == NULL; i++)
    {
      JsonNode *node = json_array_get_element (domains, i);
      g_autofree char *prefix = g_strdup_printf ("domains[%u]", i);
      g_autofree char *name = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          ms_cdp_json_set_wrong_shape (error, NULL, prefix, "is not an object");
          return FALSE;
        }

      if (!ms_cdp_json_read_string_member (json_node_get_object (node), prefix, "domain", TRUE,
                                           &name, error))
        return FALSE;

      if (g_strcmp0 (name, "Memory") != 0)
        continue;

      commands = ms_cdp_json_get_array_member (json_node_get_object (node), prefix, "commands",
                                               error);
      if (commands == NULL)
        return FALSE;
    }

  if (commands == NULL)
    {
      g_set_error_literal (error, MS_CDP_ERROR, MS_CDP_ERROR_NOT_SUPPORTED,
                           _("This browser's DevTools protocol has no Memory domain"));
      return FALSE;
    }

  offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (commands); i++)
    {
      JsonNode *node = json_array_get_element (commands, i);
      char *name = NULL;

      /* Commands of a shape we do not understand count as absent. */
      if (JSON_NODE_HOLDS_OBJECT (node) &&
          ms_cdp_json_read_string_member (json_node_get_object (node), NULL, "name", FALSE, &name,
                                          NULL) &&
          name != NULL)
        g_hash_table_add (offered, name);
    }

  missing = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (memory_commands); i++)
    {
      if (!g_hash_table_contains (offered, memory_commands[i]))
        g_ptr_array_add (missing, (gpointer) memory_commands[i]);
    }

  if (missing->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (missing, NULL);
      list = g_strjoinv (", ", (char **) missing->pdata);
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_NOT_SUPPORTED,
                   _("This browser's Memory domain lacks %s"), list);
      return FALSE;
    }

  return TRUE;
}

/* MsCdpDiscovery */

struct _MsCdpDiscovery
{
  GObject        parent_instance;

  MsCdpEndpoint *endpoint;
  SoupSession   *session;
  guint          timeout;
  gsize          max_body_size;
};

G_DEFINE_FINAL_TYPE (MsCdpDiscovery, ms_cdp_discovery, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ms_cdp_discovery_dispose (GObject *object)
{
  MsCdpDiscovery *self = (MsCdpDiscovery *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ms_cdp_discovery_parent_class)->dispose (object);
}

static void
ms_cdp_discovery_finalize (GObject *object)
{
  MsCdpDiscovery *self = (MsCdpDiscovery *)object;

  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);

  G_OBJECT_CLASS (ms_cdp_discovery_parent_class)->finalize (object);
}

static void
ms_cdp_discovery_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MsCdpDiscovery *self = MS_CDP_DISCOVERY (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_boxed (value, self->endpoint);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_discovery_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MsCdpDiscovery *self = MS_CDP_DISCOVERY (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      self->endpoint = g_value_dup_boxed (value);
      break;

    case PROP_TIMEOUT:
      ms_cdp_discovery_set_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_cdp_discovery_class_init (MsCdpDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ms_cdp_discovery_dispose;
  object_class->finalize = ms_cdp_discovery_finalize;
  object_class->get_property = ms_cdp_discovery_get_property;
  object_class->set_property = ms_cdp_discovery_set_property;

  properties[PROP_ENDPOINT] =
    g_param_spec_boxed ("endpoint", NULL, NULL,
                        MS_TYPE_CDP_ENDPOINT,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /* Seconds for a whole request; 0 means none. */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ms_cdp_discovery_init (MsCdpDiscovery *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->max_body_size = DEFAULT_MAX_BODY_SIZE;
  self->session = soup_session_new_with_options ("user-agent", "Memscope/" PACKAGE_VERSION,
                                                 "timeout", self->timeout,
                                                 NULL);

  /* A DevTools port is a local or tunnelled debugging socket, never something a web
   * proxy should see (or answer for). */
  soup_session_set_proxy_resolver (self->session, NULL);
}

MsCdpDiscovery *
ms_cdp_discovery_new (MsCdpEndpoint *endpoint)
{
  g_return_val_if_fail (endpoint != NULL, NULL);

  return g_object_new (MS_TYPE_CDP_DISCOVERY,
                       "endpoint", endpoint,
                       NULL);
}

MsCdpEndpoint *
ms_cdp_discovery_get_endpoint (MsCdpDiscovery *self)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);

  return self->endpoint;
}

void
ms_cdp_discovery_set_timeout (MsCdpDiscovery *self,
                              guint           seconds)
{
  g_return_if_fail (MS_IS_CDP_DISCOVERY (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  soup_session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
ms_cdp_discovery_set_max_body_size (MsCdpDiscovery *self,
                                    gsize           max_size)
{
  g_return_if_fail (MS_IS_CDP_DISCOVERY (self));
  g_return_if_fail (max_size > 0);

  self->max_body_size = max_size;
}

/* One GET, its timeout and its cancellation */

typedef enum
{
  FETCH_VERSION,
  FETCH_TARGETS,
  FETCH_PROTOCOL,
} FetchKind;

typedef struct
{
  FetchKind     kind;
  char         *url;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  GCancellable *cancellable;         /* ours, cancelled by the caller's or the timeout */
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *timeout_source;
  gboolean      timed_out;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  if (fetch->timeout_source != NULL)
    {
      g_source_destroy (fetch->timeout_source);
      g_clear_pointer (&fetch->timeout_source, g_source_unref);
    }

  if (fetch->caller_handler != 0)
    g_cancellable_disconnect (fetch->caller_cancellable, fetch->caller_handler);

  g_clear_object (&fetch->caller_cancellable);
  g_clear_object (&fetch->cancellable);
  g_clear_object (&fetch->stream);
  g_clear_object (&fetch->message);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_free (fetch->url);
  g_free (fetch);
}

static void
on_caller_cancelled (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static gboolean
on_fetch_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);

  fetch->timed_out = TRUE;
  g_cancellable_cancel (fetch->cancellable);

  return G_SOURCE_REMOVE;
}

static void
return_transport_error (GTask          *task,
                        MsCdpDiscovery *self,
                        Fetch          *fetch,
                        GError         *error)
{
  g_autofree char *where = ms_cdp_endpoint_to_string (self->endpoint);

  if (fetch->timed_out ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TIMED_OUT,
                             _("%s did not answer within %u s"), fetch->url, self->timeout);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CONNECTION_REFUSED,
                             _("Nothing is listening at %s (connection refused); "
                             "is the browser running with --remote-debugging-port?"), where);
  else if (error->domain == G_RESOLVER_ERROR ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CONNECTION_REFUSED,
                             _("Cannot reach %s: %s"), where, error->message);
  else
    g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_CLOSED,
                             _("GET %s failed: %s"), fetch->url, error->message);
}

static void
return_too_large (GTask          *task,
                  MsCdpDiscovery *self,
                  Fetch          *fetch)
{
  g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_TOO_LARGE,
                           _("GET %s: the reply is larger than the limit of %zu bytes"),
                           fetch->url, (size_t) self->max_body_size);
}

static void
fetch_parse_body (GTask          *task,
                  MsCdpDiscovery *self,
                  Fetch          *fetch)
{
  g_autoptr(GError) error = NULL;
  const char *data = (const char *) fetch->body->data;
  gsize length = fetch->body->len;

  switch (fetch->kind)
    {
    case FETCH_VERSION:
      {
        MsCdpBrowserVersion *version = ms_cdp_browser_version_new_from_json (data, length, &error);

        if (version != NULL)
          g_task_return_pointer (task, version, g_object_unref);
      }
      break;

    case FETCH_TARGETS:
      {
        GPtrArray *targets = ms_cdp_target_list_new_from_json (data, length, &error);

        if (targets != NULL)
          g_task_return_pointer (task, targets, (GDestroyNotify) g_ptr_array_unref);
      }
      break;

    case FETCH_PROTOCOL:
      if (ms_cdp_protocol_has_memory_domain (data, length, &error))
        g_task_return_boolean (task, TRUE);
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    {
      /* NOT_SUPPORTED speaks of the browser, the others of what came over the wire. */
      if (!g_error_matches (error, MS_CDP_ERROR, MS_CDP_ERROR_NOT_SUPPORTED))
        g_prefix_error (&error, "GET %s: ", fetch->url);
      g_task_return_error (task, g_steal_pointer (&error));
    }
}

/* The end of a fetch, whatever its outcome: the connection goes back to the session
 * (libsoup holds it until the body stream is closed) and the timeout is over. */
static void
fetch_stop_timeout (Fetch *fetch)
{
  if (fetch->timeout_source != NULL)
    {
      g_source_destroy (fetch->timeout_source);
      g_clear_pointer (&fetch->timeout_source, g_source_unref);
    }

  if (fetch->stream != NULL)
    {
      /* Fully read or given up on: closing does not block. */
      g_input_stream_close (fetch->stream, NULL, NULL);
      g_clear_object (&fetch->stream);
    }
}

static void fetch_read_next (GTask *task);

static void
on_fetch_chunk (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MsCdpDiscovery *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      fetch_stop_timeout (fetch);
      return_transport_error (task, self, fetch, error);
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      fetch_stop_timeout (fetch);
      fetch_parse_body (task, self, fetch);
      return;
    }

  /* Refused while reading: a peer that streams without end costs one chunk over the cap. */
  if (size > self->max_body_size - fetch->body->len)
    {
      fetch_stop_timeout (fetch);
      g_cancellable_cancel (fetch->cancellable);
      return_too_large (task, self, fetch);
      return;
    }

  g_byte_array_append (fetch->body, g_bytes_get_data (chunk, NULL), size);
  fetch_read_next (g_steal_pointer (&task));
}

static void
fetch_read_next (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   fetch->cancellable, on_fetch_chunk, task);
}

static void
on_fetch_sent (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  MsCdpDiscovery *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset content_length;
  guint status;

  fetch->stream = soup_session_send_finish (session, result, &error);
  if (fetch->stream == NULL)
    {
      fetch_stop_timeout (fetch);
      return_transport_error (task, self, fetch, error);
      return;
    }

  status = soup_message_get_status (fetch->message);
  headers = soup_message_get_response_headers (fetch->message);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      const char *location = soup_message_headers_get_one (headers, "Location");

      /* Following it would send a request to a host the user never named. */
      fetch_stop_timeout (fetch);
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_HTTP,
                               _("GET %s answered HTTP %u, a redirect to %s; "
                               "Memscope does not follow redirects from a DevTools server"),
                               fetch->url, status, location ? location : _("nowhere"));
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      const char *reason = soup_message_get_reason_phrase (fetch->message);

      fetch_stop_timeout (fetch);
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_HTTP,
                               _("GET %s answered HTTP %u %s"), fetch->url, status,
                               reason ? reason : soup_status_get_phrase (status));
      return;
    }

  content_length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      content_length > 0 && (guint64) content_length > self->max_body_size)
    {
      fetch_stop_timeout (fetch);
      g_cancellable_cancel (fetch->cancellable);
      return_too_large (task, self, fetch);
      return;
    }

  fetch->body = g_byte_array_new ();
  fetch_read_next (g_steal_pointer (&task));
}

static void
ms_cdp_discovery_fetch_async (MsCdpDiscovery      *self,
                              FetchKind            kind,
                              const char          *path,
                              gpointer             source_tag,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;

  g_return_if_fail (MS_IS_CDP_DISCOVERY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  fetch = g_new0 (Fetch, 1);
  fetch->kind = kind;
  fetch->url = ms_cdp_endpoint_http_url (self->endpoint, path);
  fetch->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  /* Never set an Origin header: Chromium refuses requests that carry one. */
  fetch->message = soup_message_new (SOUP_METHOD_GET, fetch->url);
  if (fetch->message == NULL)
    {
      g_task_return_new_error (task, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT,
                               _("Cannot build a request for %s"), fetch->url);
      return;
    }
  soup_message_add_flags (fetch->message, SOUP_MESSAGE_NO_REDIRECT);

  if (cancellable != NULL)
    {
      fetch->caller_cancellable = g_object_ref (cancellable);
      fetch->caller_handler = g_cancellable_connect (cancellable,
                                                     G_CALLBACK (on_caller_cancelled),
                                                     g_object_ref (fetch->cancellable),
                                                     g_object_unref);
    }

  /* libsoup's own timeout is per I/O step; this one bounds the whole request. */
  if (self->timeout > 0)
    {
      fetch->timeout_source = g_timeout_source_new (self->timeout * 1000);
      g_source_set_static_name (fetch->timeout_source, "[ms-cdp] discovery timeout");
      g_task_attach_source (task, fetch->timeout_source, on_fetch_timeout);
    }

  soup_session_send_async (self->session,
                           fetch->message,
                           G_PRIORITY_DEFAULT,
                           fetch->cancellable,
                           on_fetch_sent,
                           g_steal_pointer (&task));
}

void
ms_cdp_discovery_get_version_async (MsCdpDiscovery      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  ms_cdp_discovery_fetch_async (self, FETCH_VERSION, "/json/version",
                                ms_cdp_discovery_get_version_async,
                                cancellable, callback, user_data);
}

MsCdpBrowserVersion *
ms_cdp_discovery_get_version_finish (MsCdpDiscovery  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_cdp_discovery_get_version_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ms_cdp_discovery_list_targets_async (MsCdpDiscovery      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ms_cdp_discovery_fetch_async (self, FETCH_TARGETS, "/json/list",
                                ms_cdp_discovery_list_targets_async,
                                cancellable, callback, user_data);
}

GPtrArray *
ms_cdp_discovery_list_targets_finish (MsCdpDiscovery  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_cdp_discovery_list_targets_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ms_cdp_discovery_check_memory_domain_async (MsCdpDiscovery      *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  ms_cdp_discovery_fetch_async (self, FETCH_PROTOCOL, "/json/protocol",
                                ms_cdp_discovery_check_memory_domain_async,
                                cancellable, callback, user_data);
}

gboolean
ms_cdp_discovery_check_memory_domain_finish (MsCdpDiscovery  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_cdp_discovery_check_memory_domain_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
ms_cdp_discovery_target_ws_url (MsCdpDiscovery  *self,
                                MsCdpTarget     *target,
                                GError         **error)
{
  g_return_val_if_fail (MS_IS_CDP_DISCOVERY (self), NULL);
  g_return_val_if_fail (MS_IS_CDP_TARGET (target), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ms_cdp_target_get_debugger_url (target) == NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   _("Target %s (%s) has no webSocketDebuggerUrl; another client may be attached to it"),
                   ms_cdp_target_get_id (target), ms_cdp_target_get_url (target));
      return NULL;
    }

  return ms_cdp_endpoint_ws_url (self->endpoint, ms_cdp_target_get_debugger_url (target), error);
}
