/* ms-cdp-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "ms-cdp-error.h"

/* A protocol error keeps what the browser said, not only a formatted string, so
 * that callers can tell -32601 (no such method) from -32000 (command failed). */
typedef struct
{
  gint64  code;
  char   *message;
  char   *data;
  char   *method;
} MsCdpErrorPrivate;

static void
ms_cdp_error_private_init (MsCdpErrorPrivate *priv)
{
  priv->code = 0;
}

static void
ms_cdp_error_private_copy (const MsCdpErrorPrivate *src,
                           MsCdpErrorPrivate       *dest)
{
  dest->code = src->code;
  dest->message = g_strdup (src->message);
  dest->data = g_strdup (src->data);
  dest->method = g_strdup (src->method);
}

static void
ms_cdp_error_private_clear (MsCdpErrorPrivate *priv)
{
  g_clear_pointer (&priv->message, g_free);
  g_clear_pointer (&priv->data, g_free);
  g_clear_pointer (&priv->method, g_free);
}

G_DEFINE_EXTENDED_ERROR (MsCdpError, ms_cdp_error)

void
ms_cdp_set_protocol_error (GError     **error,
                           gint64       code,
                           const char  *message,
                           const char  *data,
                           const char  *method)
{
  MsCdpErrorPrivate *priv;
  GError *local;

  if (error == NULL)
    return;

  if (message == NULL)
    message = _("(no message)");

  /* Translators: “Memory.getSamplingProfile failed: the browser's message (its error
   * code): its error data”; the message and data come from the browser, in English. */
  if (method != NULL && data != NULL)
    local = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL, _("%s failed: %s (%" PRId64 "): %s"),
                         method, message, (int64_t) code, data);
  else if (method != NULL)
    local = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL, _("%s failed: %s (%" PRId64 ")"),
                         method, message, (int64_t) code);
  else if (data != NULL)
    local = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL, _("Call failed: %s (%" PRId64 "): %s"),
                         message, (int64_t) code, data);
  else
    local = g_error_new (MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL, _("Call failed: %s (%" PRId64 ")"),
                         message, (int64_t) code);

  priv = ms_cdp_error_get_private (local);
  priv->code = code;
  priv->message = g_strdup (message);
  priv->data = g_strdup (data);
  priv->method = g_strdup (method);

  g_propagate_error (error, local);
}

static MsCdpErrorPrivate *
protocol_private (const GError *error)
{
  if (error == NULL || !g_error_matches (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL))
    return NULL;
  return ms_cdp_error_get_private (error);
}

gint64
ms_cdp_error_get_protocol_code (const GError *error)
{
  MsCdpErrorPrivate *priv = protocol_private (error);
  return priv ? priv->code : 0;
}

const char *
ms_cdp_error_get_protocol_message (const GError *error)
{
  MsCdpErrorPrivate *priv = protocol_private (error);
  return priv ? priv->message : NULL;
}

const char *
ms_cdp_error_get_protocol_data (const GError *error)
{
  MsCdpErrorPrivate *priv = protocol_private (error);
  return priv ? priv->data : NULL;
}

const char *
ms_cdp_error_get_method (const GError *error)
{
  MsCdpErrorPrivate *priv = protocol_private (error);
  return priv ? priv->method : NULL;
}
