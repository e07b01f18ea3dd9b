/* ms-profile-reader.cc: the fast SamplingProfile reader (simdjson On-Demand)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Chosen by measurement over yajl, RapidJSON and json-glib (see bench/README.md):
 * On-Demand walks the text once without building a DOM, so the only memory
 * besides the input is simdjson's structural index and the compact model.
 *
 * Frame strings are interned by their raw JSON bytes (escapes and all), which
 * lets the common case hash the text in place; only the first occurrence of a
 * frame is unescaped and validated. Stacks are interned as frame sequences,
 * and by their raw text too, so a repeated stack costs one hash.
 *
 * The samples array is read in pieces (see parse_chunked), from a buffer in
 * memory or from a stream through a reused window, so nothing of the input's
 * size is allocated and the text is walked while it is in cache.
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <string>
#include <vector>

#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <glib/gi18n-lib.h>

#include "ms-analysis-error.h"
#include "ms-profile-private.h"

using namespace simdjson;

static_assert (MS_JSON_PADDING >= SIMDJSON_PADDING, "padding too small for simdjson");

namespace {

constexpr guint max_depth = 1024;

/* Translators: what a member holds, in “samples[0].size: expected a number, got a string”. */
const char *
type_name (ondemand::json_type type)
{
  switch (type)
    {
    case ondemand::json_type::array: return _("an array");
    case ondemand::json_type::object: return _("an object");
    case ondemand::json_type::number: return _("a number");
    case ondemand::json_type::string: return _("a string");
    case ondemand::json_type::boolean: return _("a boolean");
    case ondemand::json_type::null: return "null";
    default: return _("something else");
    }
}

inline guint64
hash_bytes (const char *s,
            size_t      n)
{
  guint64 h = n * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  size_t i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 w;
      memcpy (&w, s + i, 8);
      h = ((h << 5) | (h >> 59)) ^ w;
      h *= G_GUINT64_CONSTANT (0x517cc1b727220a95);
    }

  guint64 w = 0;
  memcpy (&w, s + i, n - i);
  h = ((h << 5) | (h >> 59)) ^ w;
  h *= G_GUINT64_CONSTANT (0x517cc1b727220a95);

  return h ^ (h >> 29);
}

/* For long texts (whole stacks): four independent lanes, so the multiplies
 * overlap instead of waiting on each other. */
inline guint64
hash_long (const char *s,
           size_t      n)
{
  const guint64 k = G_GUINT64_CONSTANT (0x517cc1b727220a95);
  guint64 h[4] = { n, n ^ k, n + k, n * k };
  size_t i = 0;

  if (n < 64)
    return hash_bytes (s, n);

  for (; i + 32 <= n; i += 32)
    for (int l = 0; l < 4; l++)
      {
        guint64 w;
        memcpy (&w, s + i + 8 * l, 8);
        h[l] = (((h[l] << 5) | (h[l] >> 59)) ^ w) * k;
      }

  /* the last 32 bytes, overlapping what came before: n >= 64 */
  for (int l = 0; l < 4; l++)
    {
      guint64 w;
      memcpy (&w, s + n - 32 + 8 * l, 8);
      h[l] = (((h[l] << 5) | (h[l] >> 59)) ^ w) * k;
    }

  guint64 r = h[0] ^ ((h[1] << 17) | (h[1] >> 47)) ^ ((h[2] << 31) | (h[2] >> 33)) ^ ((h[3] << 47) | (h[3] >> 17));
  r *= k;
  return r ^ (r >> 29);
}

inline guint64
hash_u32s (const guint32 *v,
           size_t         n)
{
  guint64 h = n;

  for (size_t i = 0; i < n; i++)
    {
      h = ((h << 5) | (h >> 59)) ^ v[i];
      h *= G_GUINT64_CONSTANT (0x517cc1b727220a95);
    }

  return h ^ (h >> 29);
}

int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Parses "0x" and 1 to 16 hex digits, the whole of [s, s + n). */
bool
parse_hex_address (const char *s,
                   size_t      n,
                   guint64    *out)
{
  guint64 v = 0;

  if (n < 3 || n > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return false;

  for (size_t i = 2; i < n; i++)
    {
      int d = hex_value (s[i]);

      if (d < 0)
        return false;
      v = (v << 4) | (guint64)d;
    }

  *out = v;
  return true;
}

void
append_utf8 (std::string &out,
             guint32      c)
{
  char buf[6];
  int n = g_unichar_to_utf8 (c, buf);

  out.append (buf, n);
}

/* JSON string unescaping for the rare frame that has escapes. */
bool
unescape_json (const char  *s,
               size_t       n,
               std::string &out)
{
  out.clear ();

  for (size_t i = 0; i < n; i++)
    {
      if (s[i] != '\\')
        {
          out.push_back (s[i]);
          continue;
        }

      if (++i >= n)
        return false;

      switch (s[i])
        {
        case '"': out.push_back ('"'); break;
        case '\\': out.push_back ('\\'); break;
        case '/': out.push_back ('/'); break;
        case 'b': out.push_back ('\b'); break;
        case 'f': out.push_back ('\f'); break;
        case 'n': out.push_back ('\n'); break;
        case 'r': out.push_back ('\r'); break;
        case 't': out.push_back ('\t'); break;
        case 'u':
          {
            guint32 c = 0;

            if (i + 4 >= n)
              return false;
            for (int k = 1; k <= 4; k++)
              {
                int d = hex_value (s[i + k]);
                if (d < 0)
                  return false;
                c = (c << 4) | (guint32)d;
              }
            i += 4;

            if (c >= 0xd800 && c < 0xdc00)
              {
                guint32 lo = 0;

                if (i + 6 >= n || s[i + 1] != '\\' || s[i + 2] != 'u')
                  return false;
                for (int k = 3; k <= 6; k++)
                  {
                    int d = hex_value (s[i + k]);
                    if (d < 0)
                      return false;
                    lo = (lo << 4) | (guint32)d;
                  }
                if (lo < 0xdc00 || lo >= 0xe000)
                  return false;
                i += 6;
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
              }
            else if (c >= 0xdc00 && c < 0xe000)
              return false;

            append_utf8 (out, c);
          }
          break;
        default:
          return false;
        }
    }

  return true;
}

std::string
quote (const char *s,
       size_t      n)
{
  g_autofree char *valid = g_utf8_make_valid (s, (gssize)MIN (n, (size_t)4096));
  g_autofree char *cut = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 60));
  g_autofree char *escaped = g_strescape (cut, NULL);
  std::string r = "\"";

  r += escaped;
  if (g_utf8_strlen (valid, -1) > 60)
    r += "…";
  r += "\"";

  return r;
}

/* Where we are in the document, as a chain of stack-allocated segments that
 * becomes text only when an error is reported. */
struct Path
{
  const Path *parent;
  const char *member;   /* NULL for an array index */
  size_t      index;

  std::string
  str () const
  {
    std::string prefix = parent != NULL ? parent->str () : std::string ();

    if (member == NULL)
      return prefix + "[" + std::to_string (index) + "]";
    if (member[0] == '\0')
      return prefix;
    return prefix.empty () ? std::string (member) : prefix + "." + member;
  }
};

const Path root_path = { NULL, "", 0 };

inline Path
member_path (const Path &path,
             const char *member)
{
  return Path { &path, member, 0 };
}

inline Path
index_path (const Path &path,
            size_t      index)
{
  return Path { &path, NULL, index };
}

struct Reader
{
  const char    *buf;
  size_t         len;
  MsProfileData *data;
  GError       **error;

  ondemand::parser   parser;
  ondemand::document doc;

  /* frame interning by raw JSON text */
  std::string            frame_keys;     /* the raw texts, back to back */
  std::vector<guint32>   frame_key_off;  /* per table entry */
  std::vector<guint32>   frame_key_len;
  std::vector<guint32>   frame_key_value;
  std::vector<guint32>   frame_table;    /* open addressing, entry + 1 */

  std::vector<guint32>   stack_table;    /* open addressing, stack + 1 */
  std::vector<guint32>   scratch;

  /* stack interning by raw JSON text "[...]": a sample whose stack is
   * byte-identical to one already read gets its id without looking at the
   * frames. Capped so that all-distinct stacks cost no more than a fraction
   * of the input. */
  std::string            stack_keys;
  std::vector<guint32>   stack_key_off;
  std::vector<guint32>   stack_key_len;
  std::vector<guint32>   stack_key_value;
  std::vector<guint32>   stack_text_table; /* open addressing, entry + 1 */
  size_t                 stack_keys_cap;
  const char            *end;            /* end of the text being iterated */
  const char            *last_frame_end = NULL; /* where parse_stack's last token ended */

  /* chunked reading: the samples array at this offset of the skeleton is
   * already read */
  size_t                 hole = G_MAXSIZE;
  bool                   hole_visited = false;

  std::string            tmp;
  bool                   have_profile = false;
  std::string            profile_path;

  Reader (const char *b, size_t l, MsProfileData *d, GError **e)
    : buf (b), len (l), data (d), error (e)
  {
    frame_table.assign (4096, 0);
    stack_table.assign (4096, 0);
    stack_text_table.assign (4096, 0);
    stack_keys_cap = (4 << 20) + l / 16;
    end = b + l;
  }

  bool fail (MsAnalysisError code, const Path &path, const char *format, ...) G_GNUC_PRINTF (4, 5);
  bool json_error (error_code code, const Path &path);
  bool wrong_type (const Path &path, const char *expected, ondemand::json_type got);

  bool get_type (ondemand::value &v, const Path &path, ondemand::json_type *type);
  bool read_count (ondemand::value v, const Path &path, guint64 *out);
  bool read_string (ondemand::value v, const Path &path, std::string_view *out);

  bool parse_document ();
  bool parse_container (ondemand::object obj, const Path &path, int level, bool *saw_samples, bool *saw_modules);
  bool parse_cdp_error (ondemand::value v);
  bool parse_samples (ondemand::value v, const Path &path);
  bool parse_sample (ondemand::value v, const Path &path);
  bool parse_stack (ondemand::value v, const Path &path);
  bool intern_frame (const char *raw, size_t n, const Path &path, guint32 *out);
  guint32 intern_stack ();
  bool lookup_stack_text (const char *raw, size_t n, guint64 h, guint32 *out);
  const char *take_known_sample (const char *p, const char *end);
  void remember_stack_text (const char *raw, size_t n, guint64 h, guint32 id);
  bool parse_modules (ondemand::value v, const Path &path);
  bool parse_module (ondemand::value v, const Path &path);
};


bool
Reader::fail (MsAnalysisError     code,
              const Path &path,
              const char        *format,
              ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  std::string where = path.str ();

  if (where.empty ())
    g_set_error_literal (error, MS_ANALYSIS_ERROR, code, message);
  else
    g_set_error (error, MS_ANALYSIS_ERROR, code, "%s: %s", where.c_str (), message);

  return false;
}

/* Looks at the whole text (only on the error path) for the two causes that
 * explain most failures better than the parser's own code: input that ends
 * early, and nesting deeper than we allow. */
bool
classify_structure (const char      *buf,
                    size_t           len,
                    MsAnalysisError *code,
                    size_t          *where)
{
  size_t depth = 0;
  bool in_string = false;

  for (size_t i = 0; i < len; i++)
    {
      char c = buf[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = false;
          continue;
        }

      if (c == '"')
        in_string = true;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            {
              *code = MS_ANALYSIS_ERROR_TOO_DEEP;
              *where = i;
              return true;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  if (in_string || depth > 0)
    {
      *code = MS_ANALYSIS_ERROR_TRUNCATED;
      *where = len;
      return true;
    }

  return false;
}

bool
Reader::json_error (error_code         code,
                    const Path &path)
{
  MsAnalysisError structural;
  size_t where = 0;

  /* binary data is binary data, whatever its brackets look like */
  {
    const char *bad = NULL;

    if (code == UTF8_ERROR || !g_utf8_validate_len (buf, len, &bad))
      {
        if (bad != NULL)
          return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: invalid UTF-8 at byte %zu (binary data?)"),
                       (size_t) (bad - buf));
        return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: invalid UTF-8 (binary data?)"));
      }
  }

  if (classify_structure (buf, len, &structural, &where))
    {
      if (structural == MS_ANALYSIS_ERROR_TOO_DEEP)
        return fail (structural, path, _("arrays and objects nest deeper than %u levels (at byte %zu)"),
                     max_depth, (size_t) where);
      if (path.str ().empty ())
        return fail (structural, path, _("the input is truncated: it ends after %zu bytes inside the document"),
                     (size_t) where);
      return fail (structural, path, _("the input is truncated: it ends after %zu bytes inside this value"),
                   (size_t) where);
    }

  switch (code)
    {
    case EMPTY:
      return fail (MS_ANALYSIS_ERROR_EMPTY, path, _("empty input"));
    case UTF8_ERROR:
      return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: invalid UTF-8 (binary data?)"));
    case DEPTH_ERROR:
      return fail (MS_ANALYSIS_ERROR_TOO_DEEP, path, _("arrays and objects nest deeper than %u levels"), max_depth);
    case UNCLOSED_STRING:
      return fail (MS_ANALYSIS_ERROR_TRUNCATED, path, _("the input is truncated inside a string"));
    case INCOMPLETE_ARRAY_OR_OBJECT:
      /* the brackets balance (classify_structure said so): something follows the root */
      return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: trailing content after the document"));
    case CAPACITY:
    case MEMALLOC:
      return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("the document is too large (%zu bytes)"), (size_t) len);
    case TRAILING_CONTENT:
      return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: trailing content after the document"));
    default:
      return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: %s"), error_message (code));
    }
}

bool
Reader::wrong_type (const Path          &path,
                    const char          *expected,
                    ondemand::json_type  got)
{
  MsAnalysisError structural;
  size_t where;

  /* A value cut short or nested absurdly deep often looks like a wrong type first. */
  if (classify_structure (buf, len, &structural, &where))
    return json_error (TAPE_ERROR, path);

  return fail (MS_ANALYSIS_ERROR_WRONG_TYPE, path, _("expected %s, got %s"), expected, type_name (got));
}

bool
Reader::get_type (ondemand::value          &v,
                  const Path               &path,
                  ondemand::json_type      *type)
{
  error_code e = v.type ().get (*type);

  if (e)
    return json_error (e, path);

  /* type () only peeks at the first character: check the whole literal */
  if (*type == ondemand::json_type::boolean || *type == ondemand::json_type::null)
    {
      std::string_view token = v.raw_json_token ();
      size_t n = 0;

      while (n < token.size () && g_ascii_isalnum (token[n]))
        n++;
      token = token.substr (0, n);
      if (token != "true" && token != "false" && token != "null")
        return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: invalid literal %s"),
                     quote (token.data (), token.size ()).c_str ());
    }

  return true;
}

bool
Reader::read_count (ondemand::value    v,
                    const Path &path,
                    guint64           *out)
{
  ondemand::json_type type = ondemand::json_type::null;
  ondemand::number_type ntype;
  std::string_view token;
  error_code e;

  /* the common case: a plain unsigned integer */
  if (v.get_uint64 ().get (*out) == SUCCESS && *out <= MS_PROFILE_MAX_COUNT)
    return true;

  if (!get_type (v, path, &type))
    return false;
  if (type != ondemand::json_type::number)
    return wrong_type (path, _("a number"), type);

  token = v.raw_json_token ();
  while (!token.empty () && strchr (" \t\r\n,}]", token.back ()) != NULL)
    token.remove_suffix (1);
  std::string text (token.substr (0, MIN (token.size (), (size_t)40)));

  e = v.get_number_type ().get (ntype);
  if (e == NUMBER_OUT_OF_RANGE)
    return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("expected a non-negative integer, got %s: too large"), text.c_str ());
  if (e)
    return json_error (e, path);

  switch (ntype)
    {
    case ondemand::number_type::unsigned_integer:
      if ((e = v.get_uint64 ().get (*out)))
        return json_error (e, path);
      break;

    case ondemand::number_type::signed_integer:
      {
        int64_t s;

        if ((e = v.get_int64 ().get (s)))
          return json_error (e, path);
        if (s < 0)
          return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("expected a non-negative integer, got %s"), text.c_str ());
        *out = (guint64)s;
      }
      break;

    case ondemand::number_type::floating_point_number:
    default:
      {
        double d;

        if ((e = v.get_double ().get (d)))
          {
            if (e == NUMBER_ERROR)
              return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("expected a non-negative integer, got %s: too large"), text.c_str ());
            return json_error (e, path);
          }
        /* NaN cannot be written in JSON, but an overflowing literal gives inf; the
         * cast comes last, once d is known to fit (casting 1e20 is undefined) */
        if (!(d >= 0.0) || d > (double)MS_PROFILE_MAX_COUNT || d != (double)(guint64)d)
          {
            if (d < 0.0)
              return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("expected a non-negative integer, got %s"), text.c_str ());
            if (d > (double)MS_PROFILE_MAX_COUNT)
              return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("expected a non-negative integer, got %s: too large"), text.c_str ());
            return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("expected a non-negative integer, got %s"), text.c_str ());
          }
        *out = (guint64)d;
      }
      break;
    }

  if (*out > MS_PROFILE_MAX_COUNT)
    return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, path, _("expected a non-negative integer, got %s: too large"), text.c_str ());

  return true;
}

bool
Reader::read_string (ondemand::value    v,
                     const Path &path,
                     std::string_view  *out)
{
  ondemand::json_type type = ondemand::json_type::null;
  error_code e;

  if (!get_type (v, path, &type))
    return false;
  if (type != ondemand::json_type::string)
    return wrong_type (path, _("a string"), type);
  if ((e = v.get_string ().get (*out)))
    return json_error (e, path);

  return true;
}

bool
Reader::intern_frame (const char        *raw,
                      size_t             n,
                      const Path &path,
                      guint32           *out)
{
  guint64 h = hash_bytes (raw, n);
  size_t mask = frame_table.size () - 1;
  size_t slot = h & mask;
  std::string_view text;
  MsProfileFrame frame = { 0, };
  guint32 value;

  for (;;)
    {
      guint32 entry = frame_table[slot];

      if (entry == 0)
        break;
      entry--;
      if (frame_key_len[entry] == n && memcmp (frame_keys.data () + frame_key_off[entry], raw, n) == 0)
        {
          *out = frame_key_value[entry];
          return true;
        }
      slot = (slot + 1) & mask;
    }

  /* First time we see this text: validate and build the frame. */
  for (size_t i = 0; i < n; i++)
    if ((guchar)raw[i] < 0x20)
      return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: control character in a string"));

  if (memchr (raw, '\\', n) != NULL)
    {
      if (!unescape_json (raw, n, tmp))
        return fail (MS_ANALYSIS_ERROR_SYNTAX, path, _("not JSON: invalid escape in string %s"), quote (raw, n).c_str ());
      text = tmp;
    }
  else
    text = std::string_view (raw, n);

  if (text == "<V8 Heap>")
    value = MS_PROFILE_V8_HEAP_FRAME;
  else
    {
      size_t space = text.find (' ');
      size_t addr_len = space == std::string_view::npos ? text.size () : space;

      if (!parse_hex_address (text.data (), addr_len, &frame.address))
        return fail (MS_ANALYSIS_ERROR_INVALID_ADDRESS, path,
                     _("expected \"0x<hex address> <name>\", got %s"), quote (text.data (), text.size ()).c_str ());

      frame.address_text = g_strndup (text.data (), addr_len);
      if (space == std::string_view::npos)
        frame.name = g_strdup ("");
      else
        frame.name = g_strndup (text.data () + space + 1, text.size () - space - 1);
      frame.module = MS_PROFILE_NO_MODULE;

      value = data->frames->len;
      g_array_append_val (data->frames, frame);
    }

  frame_key_off.push_back ((guint32)frame_keys.size ());
  frame_key_len.push_back ((guint32)n);
  frame_key_value.push_back (value);
  frame_keys.append (raw, n);
  frame_table[slot] = (guint32)frame_key_off.size ();

  if (frame_key_off.size () * 2 > frame_table.size ())
    {
      std::vector<guint32> bigger (frame_table.size () * 2, 0);
      size_t bmask = bigger.size () - 1;

      for (size_t i = 0; i < frame_key_off.size (); i++)
        {
          size_t s = hash_bytes (frame_keys.data () + frame_key_off[i], frame_key_len[i]) & bmask;

          while (bigger[s] != 0)
            s = (s + 1) & bmask;
          bigger[s] = (guint32)i + 1;
        }
      frame_table.swap (bigger);
    }

  *out = value;
  return true;
}

guint32
Reader::intern_stack ()
{
  const guint32 *offsets;
  const guint32 *frames;
  guint64 h = hash_u32s (scratch.data (), scratch.size ());
  size_t mask = stack_table.size () - 1;
  size_t slot = h & mask;
  guint32 id;

  for (;;)
    {
      guint32 entry = stack_table[slot];

      if (entry == 0)
        break;
      entry--;
      offsets = (const guint32 *)(gpointer)data->stack_offsets->data;
      frames = (const guint32 *)(gpointer)data->stack_frames->data;
      if (offsets[entry + 1] - offsets[entry] == scratch.size ()
          && memcmp (frames + offsets[entry], scratch.data (), scratch.size () * sizeof (guint32)) == 0)
        return entry;
      slot = (slot + 1) & mask;
    }

  id = data->stack_offsets->len - 1;
  g_array_append_vals (data->stack_frames, scratch.data (), scratch.size ());
  guint32 end = data->stack_frames->len;
  g_array_append_val (data->stack_offsets, end);
  stack_table[slot] = id + 1;

  if ((size_t)(id + 1) * 2 > stack_table.size ())
    {
      std::vector<guint32> bigger (stack_table.size () * 2, 0);
      size_t bmask = bigger.size () - 1;

      offsets = (const guint32 *)(gpointer)data->stack_offsets->data;
      frames = (const guint32 *)(gpointer)data->stack_frames->data;
      for (guint32 i = 0; i <= id; i++)
        {
          size_t s = hash_u32s (frames + offsets[i], offsets[i + 1] - offsets[i]) & bmask;

          while (bigger[s] != 0)
            s = (s + 1) & bmask;
          bigger[s] = i + 1;
        }
      stack_table.swap (bigger);
    }

  return id;
}

bool
Reader::lookup_stack_text (const char *raw,
                           size_t      n,
                           guint64     h,
                           guint32    *out)
{
  size_t mask = stack_text_table.size () - 1;

  for (size_t slot = h & mask;; slot = (slot + 1) & mask)
    {
      guint32 entry = stack_text_table[slot];

      if (entry == 0)
        return false;
      entry--;
      if (stack_key_len[entry] == n && memcmp (stack_keys.data () + stack_key_off[entry], raw, n) == 0)
        {
          *out = stack_key_value[entry];
          return true;
        }
    }
}

void
Reader::remember_stack_text (const char *raw,
                             size_t      n,
                             guint64     h,
                             guint32     id)
{
  size_t mask;
  size_t slot;

  if (stack_keys.size () + n > stack_keys_cap)
    return;

  if ((stack_key_off.size () + 1) * 2 > stack_text_table.size ())
    {
      std::vector<guint32> bigger (stack_text_table.size () * 2, 0);
      size_t bmask = bigger.size () - 1;

      for (size_t i = 0; i < stack_key_off.size (); i++)
        {
          size_t s = hash_long (stack_keys.data () + stack_key_off[i], stack_key_len[i]) & bmask;

          while (bigger[s] != 0)
            s = (s + 1) & bmask;
          bigger[s] = (guint32)i + 1;
        }
      stack_text_table.swap (bigger);
    }

  mask = stack_text_table.size () - 1;
  for (slot = h & mask; stack_text_table[slot] != 0; slot = (slot + 1) & mask)
    ;

  stack_key_off.push_back ((guint32)stack_keys.size ());
  stack_key_len.push_back ((guint32)n);
  stack_key_value.push_back (id);
  stack_keys.append (raw, n);
  stack_text_table[slot] = (guint32)stack_key_off.size ();
}

bool
Reader::parse_stack (ondemand::value    v,
                     const Path &path)
{
  ondemand::json_type type = ondemand::json_type::null;
  ondemand::array array;
  size_t index = 0;
  error_code e;

  if (!get_type (v, path, &type))
    return false;
  if (type != ondemand::json_type::array)
    return wrong_type (path, _("an array"), type);
  if ((e = v.get_array ().get (array)))
    return json_error (e, path);

  scratch.clear ();

  for (auto element : array)
    {
      ondemand::value fv;
      ondemand::json_type ftype = ondemand::json_type::null;
      guint32 frame;

      if ((e = std::move (element).get (fv)))
        return json_error (e, index_path (path, index));
      /* The token runs from the opening quote to the next structural
       * character, which simdjson's index already knows: the closing quote is
       * the last quote in it, so the string is never scanned here. */
      std::string_view token = fv.raw_json_token ();

      if (token.empty () || token[0] != '"')
        {
          if ((e = fv.type ().get (ftype)))
            return json_error (e, index_path (path, index));
          if (!get_type (fv, index_path (path, index), &ftype))
            return false;
          return wrong_type (index_path (path, index), _("a string"), ftype);
        }

      size_t n = token.size ();
      while (n > 1 && token[n - 1] != '"')
        n--;
      if (n < 2)
        return json_error (UNCLOSED_STRING, index_path (path, index));

      if (!intern_frame (token.data () + 1, n - 2, index_path (path, index), &frame))
        return false;
      last_frame_end = token.data () + token.size ();

      scratch.push_back (frame);
      index++;
    }

  if (scratch.empty ())
    return fail (MS_ANALYSIS_ERROR_EMPTY_STACK, path, _("a sample needs at least one frame, got an empty stack"));

  for (size_t i = 0; i < scratch.size (); i++)
    if (scratch[i] == MS_PROFILE_V8_HEAP_FRAME && scratch.size () != 1)
      return fail (MS_ANALYSIS_ERROR_INVALID_ADDRESS, index_path (path, i),
                   _("\"<V8 Heap>\" is only valid as the single frame of the synthetic sample"));

  return true;
}

bool
Reader::parse_sample (ondemand::value    v,
                      const Path &path)
{
  ondemand::json_type type = ondemand::json_type::null;
  ondemand::object object;
  MsProfileSample sample = { 0, 0, 0 };
  bool has_size = false, has_total = false, has_stack = false;
  bool cached = false;
  const char *stack_text = NULL;
  size_t stack_len = 0;
  guint64 stack_hash = 0;
  error_code e;

  if (!get_type (v, path, &type))
    return false;
  if (type != ondemand::json_type::object)
    return wrong_type (path, _("an object"), type);
  if ((e = v.get_object ().get (object)))
    return json_error (e, path);

  for (auto field : object)
    {
      ondemand::field f;
      std::string_view key;

      if ((e = std::move (field).get (f)) || (e = f.unescaped_key ().get (key)))
        return json_error (e, path);

      if (key == "size")
        {
          if (has_size)
            return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("member \"size\" appears twice"));
          has_size = true;
          if (!read_count (f.value (), member_path (path, "size"), &sample.size))
            return false;
        }
      else if (key == "total")
        {
          if (has_total)
            return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("member \"total\" appears twice"));
          has_total = true;
          if (!read_count (f.value (), member_path (path, "total"), &sample.total))
            return false;
        }
      else if (key == "stack")
        {
          if (has_stack)
            return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("member \"stack\" appears twice"));
          has_stack = true;

          ondemand::value sv = f.value ();
          std::string_view token = sv.raw_json_token ();

          /* The first ']' after '[' ends the array unless a frame contains
           * one; a text seen before was a whole array then, so it is here. */
          if (!token.empty () && token[0] == '[')
            {
              const char *close = (const char *)memchr (token.data (), ']', end - token.data ());

              if (close != NULL)
                {
                  stack_text = token.data ();
                  stack_len = close + 1 - stack_text;
                  stack_hash = hash_long (stack_text, stack_len);
                  if (lookup_stack_text (stack_text, stack_len, stack_hash, &sample.stack))
                    {
                      /* left unread: the object iteration skips it */
                      cached = true;
                      continue;
                    }
                }
            }

          last_frame_end = NULL;
          if (!parse_stack (sv, member_path (path, "stack")))
            return false;
          if (stack_text != NULL && last_frame_end != stack_text + stack_len - 1)
            stack_text = NULL;
        }
    }

  if (!has_size)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"size\""));
  if (!has_total)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"total\""));
  if (!has_stack)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"stack\""));

  if (cached)
    {
      g_array_append_val (data->samples, sample);
      return true;
    }

  if (scratch[0] == MS_PROFILE_V8_HEAP_FRAME)
    {
      if (data->has_v8_heap)
        return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("a second synthetic \"<V8 Heap>\" sample"));
      data->has_v8_heap = TRUE;
      data->v8_heap_size = sample.size;
      data->v8_heap_total = sample.total;
      return true;
    }

  sample.stack = intern_stack ();
  g_array_append_val (data->samples, sample);
  if (stack_text != NULL)
    remember_stack_text (stack_text, stack_len, stack_hash, sample.stack);

  return true;
}

bool
Reader::parse_samples (ondemand::value    v,
                       const Path &path)
{
  ondemand::json_type type = ondemand::json_type::null;
  ondemand::array array;
  size_t index = 0;
  error_code e;

  /* chunked reading: this array was read already, chunk by chunk */
  if (hole != G_MAXSIZE && (size_t)(v.raw_json_token ().data () - buf) == hole)
    {
      hole_visited = true;
      return true;
    }

  if (!get_type (v, path, &type))
    return false;
  if (type != ondemand::json_type::array)
    return wrong_type (path, _("an array"), type);
  if ((e = v.get_array ().get (array)))
    return json_error (e, path);

  for (auto element : array)
    {
      ondemand::value sv;

      if ((e = std::move (element).get (sv)))
        return json_error (e, index_path (path, index));
      if (!parse_sample (sv, index_path (path, index)))
        return false;
      index++;
    }

  return true;
}

bool
Reader::parse_module (ondemand::value    v,
                      const Path &path)
{
  ondemand::json_type type = ondemand::json_type::null;
  ondemand::object object;
  MsProfileModule module = { 0, };
  bool has_name = false, has_uuid = false, has_base = false, has_size = false;
  error_code e;

  if (!get_type (v, path, &type))
    return false;
  if (type != ondemand::json_type::object)
    return wrong_type (path, _("an object"), type);
  if ((e = v.get_object ().get (object)))
    return json_error (e, path);

  /* Freed on every early return; handed to the array on success. */
  struct Guard {
    MsProfileModule *m;
    ~Guard () { if (m) { g_free (m->name); g_free (m->uuid); g_free (m->build_id); } }
  } guard { &module };

  for (auto field : object)
    {
      ondemand::field f;
      std::string_view key;
      std::string_view s;

      if ((e = std::move (field).get (f)) || (e = f.unescaped_key ().get (key)))
        return json_error (e, path);

      if (key == "name" || key == "uuid" || key == "baseAddress")
        {
          bool *seen = key == "name" ? &has_name : key == "uuid" ? &has_uuid : &has_base;
          std::string member (key);
          Path mpath = member_path (path, member.c_str ());

          if (*seen)
            return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("member \"%s\" appears twice"), member.c_str ());
          *seen = true;
          if (!read_string (f.value (), mpath, &s))
            return false;

          if (member == "name")
            module.name = g_strndup (s.data (), s.size ());
          else if (member == "uuid")
            {
              for (char c : s)
                if (hex_value (c) < 0)
                  return fail (MS_ANALYSIS_ERROR_INVALID_VALUE, mpath,
                               _("expected hex digits (build-id and age), got %s"), quote (s.data (), s.size ()).c_str ());
              module.uuid = g_strndup (s.data (), s.size ());
              module.build_id = g_ascii_strdown (s.data (), s.size () >= 2 ? (gssize)s.size () - 1 : 0);
            }
          else
            {
              guint64 base = 0;
              bool ok = parse_hex_address (s.data (), s.size (), &base);

              if (!ok && !s.empty () && s.size () <= 20)
                {
                  ok = true;
                  for (char c : s)
                    if (!g_ascii_isdigit (c))
                      ok = false;
                  if (ok)
                    {
                      /* digits by hand (all checked above): the strtoull family
                       * reports through errno, seen set after a good parse */
                      base = 0;
                      for (char c : s)
                        {
                          guint digit = c - '0';

                          if (base > (G_MAXUINT64 - digit) / 10)
                            {
                              ok = false;
                              break;
                            }
                          base = base * 10 + digit;
                        }
                    }
                }
              if (!ok)
                return fail (MS_ANALYSIS_ERROR_INVALID_ADDRESS, mpath,
                             _("expected \"0x<hex>\" or a decimal string, got %s"), quote (s.data (), s.size ()).c_str ());
              module.base = base;
            }
        }
      else if (key == "size")
        {
          if (has_size)
            return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("member \"size\" appears twice"));
          has_size = true;
          if (!read_count (f.value (), member_path (path, "size"), &module.size))
            return false;
        }
    }

  if (!has_name)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"name\""));
  if (!has_uuid)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"uuid\""));
  if (!has_base)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"baseAddress\""));
  if (!has_size)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"size\""));

  g_array_append_val (data->modules, module);
  guard.m = NULL;

  return true;
}

bool
Reader::parse_modules (ondemand::value    v,
                       const Path &path)
{
  ondemand::json_type type = ondemand::json_type::null;
  ondemand::array array;
  size_t index = 0;
  error_code e;

  if (!get_type (v, path, &type))
    return false;
  if (type != ondemand::json_type::array)
    return wrong_type (path, _("an array"), type);
  if ((e = v.get_array ().get (array)))
    return json_error (e, path);

  for (auto element : array)
    {
      ondemand::value mv;

      if ((e = std::move (element).get (mv)))
        return json_error (e, index_path (path, index));
      if (!parse_module (mv, index_path (path, index)))
        return false;
      index++;
    }

  return true;
}

bool
Reader::parse_cdp_error (ondemand::value v)
{
  ondemand::object object;
  std::string message = _("(no message)");
  int64_t code = 0;
  error_code e;

  if (v.get_object ().get (object))
    return fail (MS_ANALYSIS_ERROR_CDP_ERROR, member_path (root_path, "error"),
                 _("the browser answered with an error instead of a profile"));

  for (auto field : object)
    {
      ondemand::field f;
      std::string_view key;

      if ((e = std::move (field).get (f)) || (e = f.unescaped_key ().get (key)))
        return json_error (e, member_path (root_path, "error"));
      if (key == "code")
        {
          if (f.value ().get_int64 ().get (code))
            code = 0;
        }
      else if (key == "message")
        {
          std::string_view s;

          if (!f.value ().get_string ().get (s))
            message = std::string (s);
        }
    }

  /* Translators: an error code, then the browser's message (in English). */
  return fail (MS_ANALYSIS_ERROR_CDP_ERROR, member_path (root_path, "error"),
               _("the browser answered with error %" PRId64 " instead of a profile: %s"),
               (int64_t) code, message.c_str ());
}

bool
Reader::parse_container (ondemand::object   obj,
                         const Path &path,
                         int                level,
                         bool              *saw_samples,
                         bool              *saw_modules)
{
  bool saw_profile = false;
  error_code e;

  for (auto field : obj)
    {
      ondemand::field f;
      std::string_view key;

      if ((e = std::move (field).get (f)) || (e = f.unescaped_key ().get (key)))
        return json_error (e, path);

      if ((key == "samples" || key == "modules") && (level == 0 || level == 2))
        {
          bool is_samples = key == "samples";
          bool *seen = is_samples ? saw_samples : saw_modules;

          std::string here = path.str ();

          if (have_profile && profile_path != here)
            {
              if (profile_path.empty ())
                return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path,
                             _("a second profile besides the top-level one"));
              return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("a second profile besides %s"),
                           profile_path.c_str ());
            }
          if (*seen)
            return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("member \"%s\" appears twice"), is_samples ? "samples" : "modules");
          *seen = true;
          have_profile = true;
          profile_path = here;

          if (is_samples ? !parse_samples (f.value (), member_path (path, "samples"))
                         : !parse_modules (f.value (), member_path (path, "modules")))
            return false;
        }
      else if ((key == "result" && level == 0) || (key == "profile" && level < 2))
        {
          Path inner = member_path (path, key == "result" ? "result" : "profile");
          ondemand::value v;
          ondemand::json_type type = ondemand::json_type::null;
          ondemand::object child;
          bool child_samples = false, child_modules = false;

          if (saw_profile)
            return fail (MS_ANALYSIS_ERROR_DUPLICATE_MEMBER, path, _("member \"%s\" appears twice"), key == "result" ? "result" : "profile");
          saw_profile = true;

          v = f.value ();
          if (!get_type (v, inner, &type))
            return false;
          if (type != ondemand::json_type::object)
            return wrong_type (inner, _("an object"), type);
          if ((e = v.get_object ().get (child)))
            return json_error (e, inner);
          if (!parse_container (child, inner, key == "result" ? 1 : 2, &child_samples, &child_modules))
            return false;

        }
      else if (key == "error" && level == 0)
        {
          return parse_cdp_error (f.value ());
        }
    }

  if (level == 1 && !saw_profile)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"profile\""));

  if (level == 2 || ((*saw_samples || *saw_modules) && level == 0))
    {
      if (!*saw_samples)
        return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"samples\""));
      if (!*saw_modules)
        return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, path, _("missing member \"modules\""));
    }

  return true;
}

bool
Reader::parse_document ()
{
  ondemand::json_type type = ondemand::json_type::null;
  ondemand::object root;
  bool saw_samples = false, saw_modules = false;
  error_code e;
  size_t i;

  for (i = 0; i < len; i++)
    if (!strchr (" \t\r\n", buf[i]))
      break;
  if (i == len)
    return fail (MS_ANALYSIS_ERROR_EMPTY, root_path, _("empty input: expected a SamplingProfile"));

  if ((e = parser.iterate (buf, len, len + MS_JSON_PADDING).get (doc)))
    return json_error (e, root_path);
  if ((e = doc.type ().get (type)))
    return json_error (e, root_path);
  if (type != ondemand::json_type::object)
    return wrong_type (root_path, _("a JSON object at the top level"), type);
  if ((e = doc.get_object ().get (root)))
    return json_error (e, root_path);

  if (!parse_container (root, root_path, 0, &saw_samples, &saw_modules))
    return false;

  if (!have_profile)
    return fail (MS_ANALYSIS_ERROR_MISSING_MEMBER, root_path,
                 _("missing member \"samples\": not a SamplingProfile, a {\"profile\":…} result or a CDP reply"));

  /* On-Demand does not look past the root value by itself. */
  {
    const char *location;

    if (doc.current_location ().get (location) == SUCCESS)
      return json_error (TRAILING_CONTENT, root_path);
  }

  return true;
}

/* Chunked reading.
 *
 * simdjson indexes a whole document before walking it: 4 bytes per token, and
 * a walk that streams the text from memory a second time. So the samples
 * array, nearly all of a profile, is read in pieces: a sample of the usual
 * form whose stack text was seen before is taken as it lies, without a parser
 * (take_known_sample); the others are read in pieces of whole samples, each
 * wrapped as "[...]" in a small padded buffer. The rest of the document, with
 * the samples array replaced by "[]" (the skeleton), is then read by the
 * ordinary code, which takes the samples already read when it reaches that
 * array. Sample indices stay those of the whole array.
 *
 * This only has to be right for documents it accepts: any failure, and any
 * doubt, sends the caller to the whole-document reader, which then reports the
 * error exactly as before. A piece cut inside a string has an odd number of
 * quotes and fails simdjson's first stage; one cut at the wrong depth fails
 * the walk or leaves tokens after its closing bracket. */

/* Pieces start small, since most samples need no parser and a piece ends the
 * first time one does, and double while they keep coming (no repeated stacks). */
#ifndef MS_PROFILE_CHUNK_BYTES
#define MS_PROFILE_CHUNK_BYTES (8 << 10)
#endif
#define MS_PROFILE_MAX_CHUNK_BYTES MAX (MS_PROFILE_CHUNK_BYTES, 1 << 20)

inline bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The '[' after the first member named exactly "samples", if any. */
bool
find_samples_array (const char *buf,
                    size_t      len,
                    size_t     *out)
{
  bool in_string = false;

  for (size_t i = 0; i < len; i++)
    {
      char c = buf[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = false;
          continue;
        }

      if (c != '"')
        continue;

      if (len - i > 9 && memcmp (buf + i, "\"samples\"", 9) == 0)
        {
          size_t j = i + 9;

          while (j < len && is_space (buf[j]))
            j++;
          if (j < len && buf[j] == ':')
            {
              j++;
              while (j < len && is_space (buf[j]))
                j++;
              if (j < len && buf[j] == '[')
                {
                  *out = j;
                  return true;
                }
            }
        }
      in_string = true;
    }

  return false;
}

/* A ',' between "}" and "{" in [lo, hi), the last one; 0 when there is none. */
size_t
find_sample_break (const char *buf,
                   size_t      lo,
                   size_t      hi)
{
  for (size_t i = hi; i > lo; i--)
    {
      size_t j;

      if (buf[i] != '{')
        continue;
      j = i - 1;
      while (j > lo && is_space (buf[j]))
        j--;
      if (buf[j] != ',')
        continue;
      size_t comma = j;
      j--;
      while (j > lo && is_space (buf[j]))
        j--;
      if (buf[j] == '}')
        return comma;
    }

  return 0;
}

/* The first such ',' in [lo, hi); 0 when there is none. */
size_t
find_sample_break_after (const char *buf,
                         size_t      lo,
                         size_t      hi)
{
  for (size_t i = lo; i + 1 < hi; i++)
    {
      const char *comma = (const char *)memchr (buf + i, ',', hi - 1 - i);
      size_t j, k;

      if (comma == NULL)
        return 0;
      i = comma - buf;
      for (j = i + 1; j < hi && is_space (buf[j]); j++)
        ;
      if (j == hi || buf[j] != '{')
        continue;
      for (k = i - 1; k > lo && is_space (buf[k]); k--)
        ;
      if (buf[k] == '}')
        return i;
    }

  return 0;
}

/* The digits of an integer read_count takes as they are: no sign, no leading
 * zero, no fraction or exponent after them, at most 2^53. */
inline const char *
match_count (const char *p,
             const char *end,
             guint64    *out)
{
  const char *s = p;
  guint64 v = 0;

  while (p < end && p - s < 16 && *p >= '0' && *p <= '9')
    v = v * 10 + (guint64)(*p++ - '0');

  if (p == s || (*s == '0' && p - s > 1) || v > MS_PROFILE_MAX_COUNT || (p < end && *p >= '0' && *p <= '9'))
    return NULL;

  *out = v;
  return p;
}

} /* namespace */

/* A sample of exactly the form {"size":N,"total":N,"stack":[...]} whose stack
 * text was read before, taken without the parser: that text is a whole,
 * valid array, so the sample is a valid object read exactly as parse_sample
 * would. Returns where it ends (after its '}'), or NULL to let the parser
 * read it. */
const char *
Reader::take_known_sample (const char *p,
                           const char *limit)
{
  static const char size_key[] = "{\"size\":", total_key[] = ",\"total\":", stack_key[] = ",\"stack\":[";
  MsProfileSample sample;
  const char *close;
  size_t n;

  if (limit - p < 64 || memcmp (p, size_key, sizeof size_key - 1) != 0)
    return NULL;
  p = match_count (p + sizeof size_key - 1, limit, &sample.size);
  if (p == NULL || limit - p < 16 || memcmp (p, total_key, sizeof total_key - 1) != 0)
    return NULL;
  p = match_count (p + sizeof total_key - 1, limit, &sample.total);
  if (p == NULL || limit - p < 16 || memcmp (p, stack_key, sizeof stack_key - 1) != 0)
    return NULL;
  p += sizeof stack_key - 2;

  close = (const char *)memchr (p, ']', limit - p);
  if (close == NULL || limit - close < 2 || close[1] != '}')
    return NULL;
  n = close + 1 - p;
  if (!lookup_stack_text (p, n, hash_long (p, n), &sample.stack))
    return NULL;

  g_array_append_val (data->samples, sample);
  return close + 2;
}

namespace {

struct PaddedBuffer
{
  char   *p = NULL;
  size_t  cap = 0;

  ~PaddedBuffer () { g_free (p); }

  char *
  get (size_t n)
  {
    if (n + MS_JSON_PADDING > cap)
      {
        g_free (p);
        cap = n + MS_JSON_PADDING + n / 4;
        p = (char *)g_malloc (cap);
      }
    memset (p + n, 0, MS_JSON_PADDING);
    return p;
  }
};

/* Below this many bytes ahead, the window is refilled before a sample is
 * taken as it lies; a longer sample goes to the parser, which grows it. */
#define KNOWN_SAMPLE_AHEAD (64 << 10)

/* The part of the input the chunked reader can see: bytes [base, base +
 * avail) at data. Over a buffer in memory that is all of it; over a stream, a
 * reused buffer that is refilled as the reader moves on and grows only when
 * one piece needs more (a sample larger than the window, or the text before
 * the samples array). Offsets are always of the whole input. */
struct Window
{
  const char        *data = NULL;
  size_t             base = 0;
  size_t             avail = 0;
  bool               eof = true;

  MsProfileReadFunc  read = NULL;
  gpointer           user_data = NULL;
  GError           **error = NULL;
  bool               failed = false;
  char              *own = NULL;
  size_t             cap = 0;

  ~Window () { g_free (own); }

  size_t end () const { return base + avail; }
  const char *at (size_t offset) const { return data + (offset - base); }
  /* how far ahead a sample may be taken as it lies (less in small windows) */
  size_t ahead () const { return read == NULL ? G_MAXSIZE : MIN ((size_t)KNOWN_SAMPLE_AHEAD, MAX (cap / 4, (size_t)64)); }

  /* Makes [from, from + want) visible, or as much of it as the input has,
   * dropping what is before @from (base <= from <= end ()). */
  bool
  fill (size_t from,
        size_t want)
  {
    size_t keep;

    if (eof || from + want <= end ())
      return !failed;

    keep = end () - from;
    if (want > cap)
      {
        size_t new_cap = MAX (want, cap * 2);
        char *p = (char *)g_malloc (new_cap);

        memcpy (p, at (from), keep);
        g_free (own);
        own = p;
        cap = new_cap;
      }
    else
      memmove (own, at (from), keep);
    data = own;
    base = from;
    avail = keep;

    while (avail < cap)
      {
        gssize n = read (user_data, own + avail, cap - avail, error);

        if (n < 0)
          {
            failed = eof = true;
            return false;
          }
        if (n == 0)
          {
            eof = true;
            break;
          }
        avail += n;
      }

    return true;
  }
};

MsProfileData *
decline (const char *why)
{
  g_debug ("profile: not read in pieces: %s", why);
  return NULL;
}

/* The next byte after @pos that is not white space (moving @pos to it), or -1
 * at the end of the input. */
int
next_non_space (Window &w,
                size_t *pos)
{
  for (;;)
    {
      while (*pos < w.end () && is_space (*w.at (*pos)))
        (*pos)++;
      if (*pos < w.end ())
        return (unsigned char)*w.at (*pos);
      if (w.eof || !w.fill (*pos, w.ahead ()) || *pos == w.end ())
        return -1;
    }
}

/* find_sample_break_after over the window, growing it until it finds one or
 * the input ends; 0 when there is none. */
size_t
find_sample_break_after_window (Window &w,
                                size_t  b,
                                size_t  lo)
{
  for (;;)
    {
      size_t z = 0;

      if (lo < w.end ())
        z = find_sample_break_after (w.data, lo - w.base, w.avail);
      if (z != 0)
        return z + w.base;
      if (w.eof || !w.fill (b, 2 * (w.end () - b) + 64))
        return 0;
    }
}

MsProfileData *
parse_chunked (Window &w,
               size_t  size_hint)
{
  g_autoptr(MsProfileData) data = NULL;
  g_autoptr(GError) ignored = NULL;
  size_t chunk = MS_PROFILE_CHUNK_BYTES;
  const Path samples_path = member_path (root_path, "samples");
  PaddedBuffer pbuf;
  size_t start, b, close = G_MAXSIZE, index = 0;
  std::string prefix, tail;

  /* everything before the samples array is kept for the skeleton */
  while (!find_samples_array (w.data, w.avail, &start))
    if (w.eof || !w.fill (0, 2 * w.avail + 64))
      return decline (w.failed ? "reading failed" : "no \"samples\" array");
  prefix.assign (w.data, start);

  data = ms_profile_data_new ();
  Reader reader (w.data, w.avail, data, &ignored);
  reader.stack_keys_cap = (4 << 20) + size_hint / 16;

  for (b = start + 1; close == G_MAXSIZE;)
    {
      size_t z, n;
      char *p;
      ondemand::array array;
      const char *location;

      /* samples whose stack was seen before, most of them, need no parser */
      chunk = MIN (chunk * 2, (size_t)MS_PROFILE_MAX_CHUNK_BYTES);
      for (;;)
        {
          const char *q;
          int c;

          if (w.end () - b < w.ahead () && !w.fill (b, 2 * w.ahead ()))
            return decline ("reading failed");
          q = reader.take_known_sample (w.at (b), w.at (w.end ()));
          if (q == NULL)
            break;
          chunk = MS_PROFILE_CHUNK_BYTES;
          index++;
          b += q - w.at (b);
          c = next_non_space (w, &b);
          if (c == ',')
            b++;
          else if (c == ']')
            {
              close = b;
              break;
            }
          else
            return decline ("a sample is followed by neither ',' nor ']'");
        }
      if (close != G_MAXSIZE)
        break;

      if (!w.fill (b, chunk + chunk / 2 + 1))
        return decline ("reading failed");
      z = w.end ();
      if (w.end () - b > chunk + chunk / 2)
        {
          z = find_sample_break (w.data, b - w.base + chunk / 2, b - w.base + chunk);
          z = z != 0 ? z + w.base : find_sample_break_after_window (w, b, b + chunk);
          if (w.failed)
            return decline ("reading failed");
          if (z == 0)
            z = w.end ();
        }

      n = z - b + 2;
      p = pbuf.get (n);
      p[0] = '[';
      memcpy (p + 1, w.at (b), z - b);
      p[n - 1] = ']';

      reader.buf = p;
      reader.len = n;
      reader.end = p + n;
      if (reader.parser.iterate (p, n, pbuf.cap).get (reader.doc) != SUCCESS
          || reader.doc.get_array ().get (array) != SUCCESS)
        return decline ("a piece is not an array");

      for (auto element : array)
        {
          ondemand::value sv;

          if (std::move (element).get (sv) != SUCCESS
              || !reader.parse_sample (sv, index_path (samples_path, index)))
            return decline ("a sample failed");
          index++;
        }

      if (reader.doc.current_location ().get (location) == SUCCESS)
        {
          /* the array closed inside this piece: that was the real ']' */
          size_t at = location - p;

          while (at > 1 && is_space (p[at - 1]))
            at--;
          if (at < 2 || p[at - 1] != ']')
            return decline ("a piece ends oddly");
          close = b + at - 2;
        }
      else if (z == w.end () && w.eof)
        return decline ("the samples array is not closed");
      else
        b = z + 1;

      reader.stack_keys_cap = (4 << 20) + MAX (size_hint, b) / 16;
    }

  g_assert (*w.at (close) == ']');

  /* the rest of the input, for the skeleton */
  tail.assign (w.at (close + 1), w.end () - close - 1);
  while (!w.eof)
    {
      if (!w.fill (w.end (), w.cap))
        return decline ("reading failed");
      tail.append (w.data, w.avail);
    }

  /* the skeleton: everything but the samples, which become "[]" */
  {
    size_t n = start + 2 + tail.size ();
    char *p = pbuf.get (n);

    memcpy (p, prefix.data (), start);
    p[start] = '[';
    p[start + 1] = ']';
    memcpy (p + start + 2, tail.data (), tail.size ());

    reader.buf = p;
    reader.len = n;
    reader.end = p + n;
    reader.hole = start;
    if (!reader.parse_document ())
      return decline ("the rest of the document failed");
    if (!reader.hole_visited)
      return decline ("the samples array read is not the profile's");
  }

  return (MsProfileData *)g_steal_pointer (&data);
}

MsProfileData *
parse_whole (const char  *buf,
             gsize        len,
             GError     **error)
{
  g_autoptr(MsProfileData) data = ms_profile_data_new ();
  Reader reader (buf, len, data, error);

  if (!reader.parse_document ())
    return NULL;

  return (MsProfileData *)g_steal_pointer (&data);
}

} /* namespace */

MsProfileData *
ms_profile_reader_parse_padded (const char  *buf,
                                gsize        len,
                                GError     **error)
{
  MsProfileData *data;
  Window w;

  w.data = buf;
  w.avail = len;
  data = parse_chunked (w, len);
  if (data != NULL)
    return data;

  /* Not a form the chunked reader takes, or not valid: read it whole, which
   * also reports the error precisely. */
  return parse_whole (buf, len, error);
}

MsProfileData *
ms_profile_reader_parse_unpadded (const char  *buf,
                                  gsize        len,
                                  GError     **error)
{
  g_autofree char *copy = NULL;
  MsProfileData *data;
  Window w;

  w.data = buf;
  w.avail = len;
  data = parse_chunked (w, len);
  if (data != NULL)
    return data;

  copy = (char *)g_malloc (len + MS_JSON_PADDING);
  memcpy (copy, buf, len);
  memset (copy + len, 0, MS_JSON_PADDING);

  return parse_whole (copy, len, error);
}

MsProfileData *
ms_profile_reader_parse_stream (MsProfileReadFunc   read_func,
                                gpointer            user_data,
                                gsize               window,
                                gsize               size_hint,
                                GError            **error)
{
  Window w;

  w.read = read_func;
  w.user_data = user_data;
  w.error = error;
  w.eof = false;
  w.data = w.own = (char *)g_malloc (window);
  w.cap = window;
  if (!w.fill (0, window))
    return NULL;

  return parse_chunked (w, size_hint);
}

/* Session file indexing: see ms-json-index-private.h */

#include "ms-json-index-private.h"

namespace {

char
type_letter (ondemand::json_type type)
{
  switch (type)
    {
    case ondemand::json_type::array: return 'a';
    case ondemand::json_type::object: return 'o';
    case ondemand::json_type::number: return 'n';
    case ondemand::json_type::string: return 's';
    case ondemand::json_type::boolean: return 'b';
    default: return 'z';
    }
}

void
clear_slice (gpointer data)
{
  MsJsonSlice *slice = (MsJsonSlice *)data;

  g_clear_pointer (&slice->key, g_free);
  g_clear_pointer (&slice->children, g_array_unref);
}

GArray *
new_slice_array (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (MsJsonSlice));

  g_array_set_clear_func (array, clear_slice);
  return array;
}

struct Indexer : Reader
{
  Indexer (const char *b, size_t l, GError **e) : Reader (b, l, NULL, e) {}

  /* a whole value as raw text, consuming it */
  bool
  raw_slice (ondemand::value &v, const Path &path, MsJsonSlice *slice)
  {
    ondemand::json_type type = ondemand::json_type::null;
    std::string_view text;
    error_code e;

    if (!get_type (v, path, &type))
      return false;
    slice->type = type_letter (type);

    if (type == ondemand::json_type::object)
      {
        ondemand::object o;
        if ((e = v.get_object ().get (o)) || (e = o.raw_json ().get (text)))
          return json_error (e, path);
      }
    else if (type == ondemand::json_type::array)
      {
        ondemand::array a;
        if ((e = v.get_array ().get (a)) || (e = a.raw_json ().get (text)))
          return json_error (e, path);
      }
    else
      {
        text = v.raw_json_token ();
        while (!text.empty () && strchr (" \t\r\n", text.back ()) != NULL)
          text.remove_suffix (1);
        /* make the parser check the scalar */
        if (type == ondemand::json_type::string)
          {
            std::string_view s;
            if ((e = v.get_string ().get (s)))
              return json_error (e, path);
          }
        else if (type == ondemand::json_type::number)
          {
            double d;
            if ((e = v.get_double ().get (d)))
              return json_error (e, path);
          }
      }

    slice->offset = (gsize)(text.data () - buf);
    slice->length = text.size ();
    return true;
  }

  bool
  index_object (ondemand::object &object, const Path &path, GArray *out, int depth)
  {
    error_code e;

    for (auto field : object)
      {
        ondemand::field f;
        std::string_view key;
        MsJsonSlice slice = { NULL, 0, 0, 0, NULL };

        if ((e = std::move (field).get (f)) || (e = f.unescaped_key ().get (key)))
          return json_error (e, path);

        std::string k (key);
        Path mpath = member_path (path, k.c_str ());
        ondemand::value v = f.value ();
        ondemand::json_type type = ondemand::json_type::null;

        slice.key = g_strndup (key.data (), key.size ());
        g_array_append_val (out, slice);
        MsJsonSlice *stored = &g_array_index (out, MsJsonSlice, out->len - 1);

        if (depth == 0)
          {
            if (!get_type (v, mpath, &type))
              return false;
            if (type == ondemand::json_type::array)
              {
                stored->type = 'a';
                stored->children = new_slice_array ();
                if (!index_array (v, mpath, stored->children))
                  return false;
                continue;
              }
          }

        if (!raw_slice (v, mpath, &g_array_index (out, MsJsonSlice, out->len - 1)))
          return false;
      }

    return true;
  }

  bool
  index_array (ondemand::value &v, const Path &path, GArray *out)
  {
    ondemand::array array;
    size_t index = 0;
    error_code e;

    if ((e = v.get_array ().get (array)))
      return json_error (e, path);

    for (auto element : array)
      {
        ondemand::value ev;
        ondemand::json_type type = ondemand::json_type::null;
        MsJsonSlice slice = { NULL, 0, 0, 0, NULL };
        Path epath = index_path (path, index++);

        if ((e = std::move (element).get (ev)))
          return json_error (e, epath);
        if (!get_type (ev, epath, &type))
          return false;

        g_array_append_val (out, slice);
        MsJsonSlice *stored = &g_array_index (out, MsJsonSlice, out->len - 1);

        if (type == ondemand::json_type::object)
          {
            ondemand::object object;

            stored->type = 'o';
            stored->children = new_slice_array ();
            {
              std::string_view start = ev.raw_json_token ();
              stored->offset = (gsize)(start.data () - buf);
            }
            if ((e = ev.get_object ().get (object)))
              return json_error (e, epath);
            if (!index_object (object, epath, stored->children, 1))
              return false;
          }
        else if (!raw_slice (ev, epath, stored))
          return false;
      }

    return true;
  }

  GArray *
  run ()
  {
    g_autoptr(GArray) members = new_slice_array ();
    ondemand::json_type type = ondemand::json_type::null;
    ondemand::object root;
    error_code e;
    size_t i;

    for (i = 0; i < len; i++)
      if (!strchr (" \t\r\n", buf[i]))
        break;
    if (i == len)
      {
        fail (MS_ANALYSIS_ERROR_EMPTY, root_path, _("empty input: expected a session file"));
        return NULL;
      }

    if ((e = parser.iterate (buf, len, len + MS_JSON_PADDING).get (doc)))
      return json_error (e, root_path), (GArray *)NULL;
    if ((e = doc.type ().get (type)))
      return json_error (e, root_path), (GArray *)NULL;
    if (type != ondemand::json_type::object)
      return wrong_type (root_path, _("a JSON object at the top level"), type), (GArray *)NULL;
    if ((e = doc.get_object ().get (root)))
      return json_error (e, root_path), (GArray *)NULL;
    if (!index_object (root, root_path, members, 0))
      return NULL;

    {
      const char *location;

      if (doc.current_location ().get (location) == SUCCESS)
        return json_error (TRAILING_CONTENT, root_path), (GArray *)NULL;
    }

    return (GArray *)g_steal_pointer (&members);
  }
};

} /* namespace */

GArray *
ms_json_index_session (const char  *buf,
                       gsize        len,
                       GError     **error)
{
  Indexer indexer (buf, len, error);

  return indexer.run ();
}

/* What benchmarks report beside their figures: simdjson picks its kernels
 * (haswell, icelake, westmere, fallback) from the CPU at run time. */
const char *
ms_profile_reader_get_implementation (void)
{
  return simdjson::get_active_implementation ()->name ().c_str ();
}
