/* ms-json-check.c: a strict, bounded syntax check before json-glib parses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "ms-analysis-error.h"
#include "ms-json-check-private.h"

/* Why: json-glib's parser recurses per array or object, so text nested a few
 * hundred thousand levels deep (a few hundred kilobytes of `[`) exhausts the
 * stack. Counting brackets is only sound when the count agrees with how the
 * parser reads strings, and json-glib also reads single-quoted strings and
 * comments; so this checks the text is strict JSON (RFC 8259), which both read
 * the same way, walking it once with an explicit stack and keeping nothing. */

typedef struct
{
  const guchar *start;
  const guchar *end;
  GError      **error;
} Check;

static gboolean
fail (Check        *c,
      int           code,
      const guchar *p,
      const char   *what)
{
  /* Translators: %s says what is wrong, “unexpected character”. */
  g_set_error (c->error, MS_ANALYSIS_ERROR, code, _("not JSON: %s at byte %zu"),
               what, (size_t) (p - c->start));
  return FALSE;
}

static gboolean
fail_end (Check *c)
{
  return fail (c, MS_ANALYSIS_ERROR_TRUNCATED, c->end, _("unexpected end"));
}

static inline const guchar *
skip_ws (const guchar *p,
         const guchar *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* @p is at the opening quote; returns the position after the closing one. */
static const guchar *
check_string (Check        *c,
              const guchar *p)
{
  const guchar *open = p++;

  while (p < c->end)
    {
      if (*p == '"')
        return p + 1;
      if (*p < 0x20)
        return fail (c, MS_ANALYSIS_ERROR_SYNTAX, p, _("control character in a string")), NULL;
      if (*p != '\\')
        {
          p++;
          continue;
        }
      if (++p >= c->end)
        break;
      switch (*p)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          p++;
          break;
        case 'u':
          if (c->end - p < 5)
            return fail_end (c), NULL;
          for (int i = 1; i <= 4; i++)
            if (!g_ascii_isxdigit (p[i]))
              return fail (c, MS_ANALYSIS_ERROR_SYNTAX, p - 1, _("invalid \\u escape")), NULL;
          p += 5;
          break;
        default:
          return fail (c, MS_ANALYSIS_ERROR_SYNTAX, p - 1, _("invalid escape")), NULL;
        }
    }

  g_set_error (c->error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
               _("not JSON: unterminated string from byte %zu"), (size_t) (open - c->start));
  return NULL;
}

static const guchar *
skip_digits (const guchar *p,
             const guchar *end)
{
  while (p < end && g_ascii_isdigit (*p))
    p++;
  return p;
}

static const guchar *
check_number (Check        *c,
              const guchar *p)
{
  const guchar *n = p;

  if (*p == '-')
    p++;
  if (p >= c->end || !g_ascii_isdigit (*p))
    return fail (c, MS_ANALYSIS_ERROR_SYNTAX, n, _("invalid number")), NULL;
  p = *p == '0' ? p + 1 : skip_digits (p, c->end);
  if (p < c->end && *p == '.')
    {
      if (++p >= c->end || !g_ascii_isdigit (*p))
        return fail (c, MS_ANALYSIS_ERROR_SYNTAX, n, _("invalid number")), NULL;
      p = skip_digits (p, c->end);
    }
  if (p < c->end && (*p == 'e' || *p == 'E'))
    {
      if (++p < c->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= c->end || !g_ascii_isdigit (*p))
        return fail (c, MS_ANALYSIS_ERROR_SYNTAX, n, _("invalid number")), NULL;
      p = skip_digits (p, c->end);
    }

  return p;
}

static const guchar *
check_scalar (Check        *c,
              const guchar *p)
{
  static const char *literals[] = { "true", "false", "null" };

  if (*p == '"')
    return check_string (c, p);
  if (*p == '-' || g_ascii_isdigit (*p))
    return check_number (c, p);

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i]);

      if ((gsize) (c->end - p) >= n && memcmp (p, literals[i], n) == 0)
        return p + n;
    }

  return fail (c, MS_ANALYSIS_ERROR_SYNTAX, p, _("unexpected character")), NULL;
}

/**
 * ms_json_check:
 * @data: (array length=len): the text
 * @len: its length, or -1 when nul-terminated
 *
 * Checks that @data is one strict JSON value whose arrays and objects nest at
 * most %MS_JSON_MAX_NESTING levels, so json-glib can parse it without running
 * out of stack. Callers prefix the error with what the text is.
 *
 * Returns: %FALSE with a #MsAnalysisError naming the problem and its byte
 */
gboolean
ms_json_check (const char  *data,
               gssize       len,
               GError     **error)
{
  char stack[MS_JSON_MAX_NESTING];
  guint depth = 0;
  Check c;
  const guchar *p;
  enum { VALUE, KEY, AFTER } state = VALUE;

  if (len < 0)
    len = strlen (data);
  c.start = (const guchar *) data;
  c.end = c.start + len;
  c.error = error;

  if (!g_utf8_validate_len (data, len, (const char **) &p))
    return fail (&c, MS_ANALYSIS_ERROR_SYNTAX, p, _("invalid UTF-8"));

  p = skip_ws (c.start, c.end);
  if (p == c.end)
    {
      g_set_error_literal (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_EMPTY,
                           _("not JSON: empty or only white space"));
      return FALSE;
    }

  for (;;)
    {
      p = skip_ws (p, c.end);
      if (p >= c.end && (state != AFTER || depth > 0))
        return fail_end (&c);

      switch (state)
        {
        case VALUE:
          if (*p == '[' || *p == '{')
            {
              if (depth == MS_JSON_MAX_NESTING)
                {
                  g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_DEEP,
                               _("arrays and objects nest deeper than %u levels (at byte %zu)"),
                               MS_JSON_MAX_NESTING, (size_t) (p - c.start));
                  return FALSE;
                }
              stack[depth++] = *p;
              p = skip_ws (p + 1, c.end);
              if (p < c.end && *p == (stack[depth - 1] == '[' ? ']' : '}'))
                {
                  depth--;
                  p++;
                  state = AFTER;
                }
              else
                state = stack[depth - 1] == '{' ? KEY : VALUE;
              continue;
            }
          if ((p = check_scalar (&c, p)) == NULL)
            return FALSE;
          state = AFTER;
          break;

        case KEY:
          if (*p != '"')
            return fail (&c, MS_ANALYSIS_ERROR_SYNTAX, p, _("expected a member name"));
          if ((p = check_string (&c, p)) == NULL)
            return FALSE;
          p = skip_ws (p, c.end);
          if (p >= c.end)
            return fail_end (&c);
          if (*p != ':')
            return fail (&c, MS_ANALYSIS_ERROR_SYNTAX, p, _("expected ‘:’ after a member name"));
          p++;
          state = VALUE;
          break;

        case AFTER:
          if (depth == 0)
            {
              if (p != c.end)
                return fail (&c, MS_ANALYSIS_ERROR_SYNTAX, p, _("trailing data after the value"));
              return TRUE;
            }
          if (*p == ',')
            {
              p++;
              state = stack[depth - 1] == '{' ? KEY : VALUE;
            }
          else if (*p == (stack[depth - 1] == '[' ? ']' : '}'))
            {
              depth--;
              p++;
            }
          else
            return fail (&c, MS_ANALYSIS_ERROR_SYNTAX, p, _("expected ‘,’ or a closing bracket"));
          break;

        default:
          g_assert_not_reached ();
        }
    }
}
