/* ms-cdp-message.c: one-pass syntax check and id lookup for CDP messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cdp"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "ms-cdp-error.h"
#include "ms-cdp-message-private.h"

/* Why a scanner of our own: routing a 40 MB reply must not build a json-glib tree
 * (1 s and ~6x the message in memory) only to read its "id", and a recursive
 * decoder must never see nesting deep enough to exhaust the stack. This walks the
 * bytes once, iteratively, and keeps nothing but a nesting stack. */

typedef enum
{
  KEY_OTHER,
  KEY_ID,
  KEY_METHOD,
  KEY_RESULT,
  KEY_ERROR,
} TopKey;

static gboolean
scan_fail (GError      **error,
           const guchar *start,
           const guchar *p,
           const char   *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s at byte %" G_GSIZE_FORMAT, what, (gsize) (p - start));
  return FALSE;
}

static inline const guchar *
skip_ws (const guchar *p,
         const guchar *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* @p points after the opening quote; returns the position after the closing one. */
static const guchar *
scan_string (const guchar *p,
             const guchar *end)
{
  while (p < end)
    {
      const guchar *q = memchr (p, '"', end - p);
      const guchar *bs;

      if (q == NULL)
        return NULL;

      bs = memchr (p, '\\', q - p);
      if (bs == NULL)
        {
          for (const guchar *c = p; c < q; c++)
            if (*c < 0x20)
              return NULL;
          return q + 1;
        }

      for (const guchar *c = p; c < bs; c++)
        if (*c < 0x20)
          return NULL;

      p = bs + 1;
      if (p >= end)
        return NULL;
      switch (*p)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          p++;
          break;

        case 'u':
          if (end - p < 5)
            return NULL;
          for (int i = 1; i <= 4; i++)
            if (!g_ascii_isxdigit (p[i]))
              return NULL;
          p += 5;
          break;

        default:
          return NULL;
        }
    }

  return NULL;
}

static const guchar *
scan_number (const guchar *p,
             const guchar *end,
             gboolean     *is_integer,
             gint64       *value)
{
  gboolean negative = FALSE;
  guint64 acc = 0;
  gboolean overflow = FALSE;

  *is_integer = TRUE;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (p >= end || !g_ascii_isdigit (*p))
    return NULL;
  if (*p == '0')
    p++;
  else
    while (p < end && g_ascii_isdigit (*p))
      {
        if (acc > (G_MAXINT64 - 9) / 10)
          overflow = TRUE;
        acc = acc * 10 + (*p - '0');
        p++;
      }

  if (p < end && *p == '.')
    {
      *is_integer = FALSE;
      p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return NULL;
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      *is_integer = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return NULL;
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (overflow)
    *is_integer = FALSE;
  if (*is_integer)
    *value = negative ? -(gint64) acc : (gint64) acc;

  return p;
}

static const guchar *
scan_literal (const guchar *p,
              const guchar *end)
{
  static const char *literals[] = { "true", "false", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i]);
      if ((gsize) (end - p) >= n && memcmp (p, literals[i], n) == 0)
        return p + n;
    }
  return NULL;
}

static TopKey
classify_key (const guchar *s,
              gsize         len)
{
#define IS(lit) (len == sizeof lit - 1 && memcmp (s, lit, sizeof lit - 1) == 0)
  if (IS ("id"))
    return KEY_ID;
  if (IS ("method"))
    return KEY_METHOD;
  if (IS ("result"))
    return KEY_RESULT;
  if (IS ("error"))
    return KEY_ERROR;
  return KEY_OTHER;
#undef IS
}

static gboolean
scan_json (const guchar      *start,
           gsize              len,
           gboolean           require_object,
           MsCdpMessageScan  *scan,
           GError           **error)
{
  char stack[MS_CDP_MAX_NESTING];
  guint depth = 0;
  const guchar *end;
  const guchar *p = start;
  TopKey key = KEY_OTHER;
  enum { VALUE, KEY, AFTER } state = VALUE;

  memset (scan, 0, sizeof *scan);

  /* An empty GBytes may hold NULL: no pointer arithmetic on it. */
  if (start == NULL || len == 0)
    return scan_fail (error, start, start, "The message is empty");
  end = start + len;

  p = skip_ws (p, end);
  if (p >= end)
    return scan_fail (error, start, p, "The message is only white space");
  if (require_object && *p != '{')
    return scan_fail (error, start, p, "The message is not a JSON object");

  for (;;)
    {
      switch (state)
        {
        case VALUE:
          {
            gboolean member_of_root = (depth == 1);

            p = skip_ws (p, end);
            if (p >= end)
              return scan_fail (error, start, p, "Unexpected end of message");

            if (member_of_root && key == KEY_RESULT)
              scan->has_result = TRUE;
            else if (member_of_root && key == KEY_ERROR)
              scan->has_error = TRUE;

            if (*p == '{' || *p == '[')
              {
                if (depth == MS_CDP_MAX_NESTING)
                  return scan_fail (error, start, p, "Nesting deeper than 512 levels");
                stack[depth++] = *p;
                scan->max_depth = MAX (scan->max_depth, depth);
                p = skip_ws (p + 1, end);
                if (p < end && (*p == '}' || *p == ']'))
                  {
                    if ((*p == '}') != (stack[depth - 1] == '{'))
                      return scan_fail (error, start, p, "Mismatched bracket");
                    depth--;
                    p++;
                    state = AFTER;
                  }
                else
                  state = stack[depth - 1] == '{' ? KEY : VALUE;
                continue;
              }
            else if (*p == '"')
              {
                const guchar *s = p + 1;

                p = scan_string (s, end);
                if (p == NULL)
                  return scan_fail (error, start, s - 1, "Unterminated or invalid string");
                if (member_of_root && key == KEY_METHOD)
                  scan->has_method = TRUE;
              }
            else if (*p == '-' || g_ascii_isdigit (*p))
              {
                gboolean is_integer;
                gint64 value = 0;
                const guchar *n = p;

                p = scan_number (p, end, &is_integer, &value);
                if (p == NULL)
                  return scan_fail (error, start, n, "Invalid number");
                if (member_of_root && key == KEY_ID && is_integer)
                  {
                    scan->has_id = TRUE;
                    scan->id = value;
                  }
              }
            else
              {
                const guchar *l = p;

                p = scan_literal (p, end);
                if (p == NULL)
                  return scan_fail (error, start, l, "Unexpected character");
              }
            state = AFTER;
          }
          break;

        case KEY:
          {
            const guchar *s;

            p = skip_ws (p, end);
            if (p >= end)
              return scan_fail (error, start, p, "Unexpected end of message");
            if (*p != '"')
              return scan_fail (error, start, p, "Expected a member name");
            s = p + 1;
            p = scan_string (s, end);
            if (p == NULL)
              return scan_fail (error, start, s - 1, "Unterminated or invalid member name");
            if (depth == 1)
              key = classify_key (s, p - 1 - s);
            p = skip_ws (p, end);
            if (p >= end || *p != ':')
              return scan_fail (error, start, p, "Expected ‘:’ after a member name");
            p++;
            state = VALUE;
          }
          break;

        case AFTER:
          p = skip_ws (p, end);
          if (depth == 0)
            {
              if (p != end)
                return scan_fail (error, start, p, "Trailing data after the message");
              return TRUE;
            }
          if (p >= end)
            return scan_fail (error, start, p, "Unexpected end of message");
          if (*p == ',')
            {
              p++;
              state = stack[depth - 1] == '{' ? KEY : VALUE;
            }
          else if ((*p == '}' && stack[depth - 1] == '{') || (*p == ']' && stack[depth - 1] == '['))
            {
              depth--;
              p++;
            }
          else
            return scan_fail (error, start, p, "Expected ‘,’ or a closing bracket");
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

gboolean
ms_cdp_message_scan (GBytes            *message,
                     MsCdpMessageScan  *scan,
                     GError           **error)
{
  gsize len = 0;
  const guchar *start = g_bytes_get_data (message, &len);

  return scan_json (start, len, TRUE, scan, error);
}

gboolean
ms_cdp_json_check (const char  *data,
                   gsize        length,
                   GError     **error)
{
  MsCdpMessageScan scan;

  return scan_json ((const guchar *) data, length, FALSE, &scan, error);
}

static void
set_error_reply (GError     **error,
                 JsonObject  *error_object,
                 const char  *method)
{
  JsonNode *code_node = json_object_get_member (error_object, "code");
  JsonNode *message_node = json_object_get_member (error_object, "message");
  JsonNode *data_node = json_object_get_member (error_object, "data");
  g_autofree char *data = NULL;
  gint64 code = 0;
  const char *message = NULL;

  if (code_node != NULL && JSON_NODE_HOLDS_VALUE (code_node) &&
      (json_node_get_value_type (code_node) == G_TYPE_INT64 ||
       json_node_get_value_type (code_node) == G_TYPE_DOUBLE))
    code = json_node_get_int (code_node);
  if (message_node != NULL && JSON_NODE_HOLDS_VALUE (message_node) &&
      json_node_get_value_type (message_node) == G_TYPE_STRING)
    message = json_node_get_string (message_node);
  if (data_node != NULL)
    {
      if (JSON_NODE_HOLDS_VALUE (data_node) && json_node_get_value_type (data_node) == G_TYPE_STRING)
        data = g_strdup (json_node_get_string (data_node));
      else
        data = json_to_string (data_node, FALSE);
    }

  ms_cdp_set_protocol_error (error, code, message, data, method);
}

JsonObject *
ms_cdp_message_decode_reply (GBytes      *message,
                             const char  *method,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  JsonNode *root;
  JsonObject *object;
  JsonNode *result;
  JsonNode *err;

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_MALFORMED,
                   "The reply to %s is not valid JSON: %s", method, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   "The reply to %s is not a JSON object", method);
      return NULL;
    }

  object = json_node_get_object (root);
  err = json_object_get_member (object, "error");
  if (err != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (err))
        {
          g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                       "The reply to %s has an “error” member that is not an object", method);
          return NULL;
        }
      set_error_reply (error, json_node_get_object (err), method);
      return NULL;
    }

  result = json_object_get_member (object, "result");
  if (result == NULL)
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   "The reply to %s has neither “result” nor “error”", method);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (result))
    {
      g_set_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE,
                   "The reply to %s has a “result” member that is not an object", method);
      return NULL;
    }

  return json_object_ref (json_node_get_object (result));
}
