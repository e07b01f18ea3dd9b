/* ms-session-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ms-analysis-error.h"
#include "ms-json-check-private.h"
#include "ms-json-index-private.h"
#include "ms-profile-private.h"
#include "ms-recording-file.h"
#include "ms-session-file.h"

/**
 * MsSessionFile:
 *
 * Everything a recording needs to be looked at again: the raw replies of the
 * profile getters and of the counter commands with the time each arrived,
 * browser and target metadata, the sampling settings, and the alarm events.
 *
 * The file is JSON:
 *
 * |[
 * {"format":"memscope-session","version":1,
 *  "browser":{…},"target":{…},"sampling":{…},
 *  "counters":[{"time":1700000000000000,"reply":{"id":…,"result":{…}}},…],
 *  "alarms":[{"time":…,"size":…,"total":…,"stack":["0x… name",…]},…],
 *  "profiles":[{"time":…,"method":"getSamplingProfile","reply":{…}},…]}
 * ]|
 *
 * Times are microseconds since the Unix epoch, from 0 to
 * %MS_SESSION_FILE_MAX_TIME (the end of year 9999); a file holding another is
 * refused. Members that json-glib reads (`browser`, `target`, `sampling`,
 * alarm stacks, counters replies) must be strict JSON nesting at most 512
 * levels. Replies are embedded as the
 * JSON objects they are, byte for byte (white space around them trimmed), so
 * ms_session_file_get_profile_reply() gives back exactly what was added.
 * `browser`, `target` and `sampling` are free-form objects (or absent);
 * `counters`, `alarms` and `profiles` are required, possibly empty.
 *
 * Loading never builds a tree of the replies: the file is indexed with the
 * fast parser, small members are read with json-glib, and each reply stays a
 * slice of the loaded file until ms_session_file_load_profile() parses it.
 *
 * Saving writes a temporary file beside the target (mode 0600: a recording
 * may hold page data), syncs it and renames it
 * over the target, so a crash leaves the old file or the new one, never half
 * of one.
 *
 * Loading also reads recordings (format 2, #MsRecordingFile, what the recorder
 * appends to): metadata, counters and alarms are copied, profiles stay in the
 * recording and are decompressed when asked for, one at a time. Saving such a
 * session writes version 1.
 */
struct _MsSessionFile
{
  GObject     parent_instance;

  JsonObject *browser;
  JsonObject *target;
  JsonObject *sampling;
  GArray     *profiles;   /* Reply */
  GArray     *counters;   /* Reply */
  MsAlarmList *alarms;

  MsRecordingFile *recording;     /* when loaded from a recording: where the profiles are */
  guint            loaded_index;  /* the one profile reply decoded from it, or G_MAXUINT */
};

typedef struct
{
  gint64  time;
  char   *method;
  GBytes *reply;
} Reply;

G_DEFINE_FINAL_TYPE (MsSessionFile, ms_session_file, G_TYPE_OBJECT)

static void
clear_reply (gpointer data)
{
  Reply *r = data;

  g_free (r->method);
  g_clear_pointer (&r->reply, g_bytes_unref);
}

static void
ms_session_file_finalize (GObject *object)
{
  MsSessionFile *self = (MsSessionFile *)object;

  g_clear_pointer (&self->browser, json_object_unref);
  g_clear_pointer (&self->target, json_object_unref);
  g_clear_pointer (&self->sampling, json_object_unref);
  g_clear_pointer (&self->profiles, g_array_unref);
  g_clear_pointer (&self->counters, g_array_unref);
  g_clear_object (&self->alarms);
  g_clear_object (&self->recording);

  G_OBJECT_CLASS (ms_session_file_parent_class)->finalize (object);
}

static void
ms_session_file_class_init (MsSessionFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_session_file_finalize;
}

static void
ms_session_file_init (MsSessionFile *self)
{
  self->profiles = g_array_new (FALSE, TRUE, sizeof (Reply));
  g_array_set_clear_func (self->profiles, clear_reply);
  self->counters = g_array_new (FALSE, TRUE, sizeof (Reply));
  g_array_set_clear_func (self->counters, clear_reply);
  self->alarms = ms_alarm_list_new ();
  self->loaded_index = G_MAXUINT;
}

MsSessionFile *
ms_session_file_new (void)
{
  return g_object_new (MS_TYPE_SESSION_FILE, NULL);
}

#define DEFINE_OBJECT_ACCESSORS(field)                                         \
JsonObject *                                                                    \
ms_session_file_get_##field (MsSessionFile *self)                               \
{                                                                               \
  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);                       \
  return self->field;                                                           \
}                                                                               \
                                                                                \
void                                                                            \
ms_session_file_set_##field (MsSessionFile *self,                               \
                             JsonObject    *value)                              \
{                                                                               \
  g_return_if_fail (MS_IS_SESSION_FILE (self));                                 \
  if (value != NULL)                                                            \
    json_object_ref (value);                                                    \
  g_clear_pointer (&self->field, json_object_unref);                            \
  self->field = value;                                                          \
}

DEFINE_OBJECT_ACCESSORS (browser)
DEFINE_OBJECT_ACCESSORS (target)
DEFINE_OBJECT_ACCESSORS (sampling)

/* The reply without surrounding white space, checked to be one JSON object. */
static GBytes *
checked_reply (GBytes      *reply,
               const char  *what,
               GError     **error)
{
  gsize len, start = 0, end;
  const char *data = g_bytes_get_data (reply, &len);
  g_autofree char *padded = NULL;
  g_autoptr(GArray) index = NULL;
  g_autoptr(GError) local_error = NULL;

  end = len;
  while (start < end && strchr (" \t\r\n", data[start]) != NULL)
    start++;
  while (end > start && strchr (" \t\r\n", data[end - 1]) != NULL)
    end--;

  if (start == end || data[start] != '{')
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                   "%s: expected a JSON object", what);
      return NULL;
    }

  /* the file must stay loadable: check the reply is JSON before embedding it */
  padded = g_malloc (end - start + MS_JSON_PADDING);
  memcpy (padded, data + start, end - start);
  memset (padded + end - start, 0, MS_JSON_PADDING);
  index = ms_json_index_session (padded, end - start, &local_error);
  if (index == NULL)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, local_error->code, "%s: %s", what, local_error->message);
      return NULL;
    }

  return g_bytes_new_from_bytes (reply, start, end - start);
}

/**
 * ms_session_file_add_profile_reply:
 * @time_usec: when the reply arrived
 * @method: e.g. "getSamplingProfile"
 * @reply: the raw reply (or a bare profile), a JSON object
 *
 * Returns: %FALSE when @reply is not a JSON object
 */
gboolean
ms_session_file_add_profile_reply (MsSessionFile  *self,
                                   gint64          time_usec,
                                   const char     *method,
                                   GBytes         *reply,
                                   GError        **error)
{
  Reply r;

  g_return_val_if_fail (MS_IS_SESSION_FILE (self), FALSE);
  g_return_val_if_fail (method != NULL, FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  r.reply = checked_reply (reply, "profile reply", error);
  if (r.reply == NULL)
    return FALSE;
  r.time = time_usec;
  r.method = g_strdup (method);
  g_array_append_val (self->profiles, r);

  return TRUE;
}

guint
ms_session_file_get_n_profiles (MsSessionFile *self)
{
  g_return_val_if_fail (MS_IS_SESSION_FILE (self), 0);

  return self->profiles->len;
}

/**
 * ms_session_file_get_profile_reply:
 * @time_usec: (out) (optional):
 * @method: (out) (optional) (transfer none):
 *
 * Returns: (transfer none): the reply exactly as added
 */
GBytes *
ms_session_file_get_profile_reply (MsSessionFile  *self,
                                   guint           index,
                                   gint64         *time_usec,
                                   const char    **method)
{
  Reply *r;

  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);
  g_return_val_if_fail (index < self->profiles->len, NULL);

  r = &g_array_index (self->profiles, Reply, index);
  if (time_usec != NULL)
    *time_usec = r->time;
  if (method != NULL)
    *method = r->method;

  if (r->reply == NULL && self->recording != NULL)
    {
      g_autoptr(GError) error = NULL;
      GBytes *reply = ms_recording_file_get_profile_reply (self->recording, index, &error);

      if (reply == NULL)
        {
          g_warning ("profile %u: %s", index + 1, error->message);
          return NULL;
        }
      /* One decoded reply at a time: the others stay compressed in the recording. */
      if (self->loaded_index < self->profiles->len)
        g_clear_pointer (&g_array_index (self->profiles, Reply, self->loaded_index).reply,
                         g_bytes_unref);
      r->reply = reply;
      self->loaded_index = index;
    }

  return r->reply;
}

/**
 * ms_session_file_load_profile:
 *
 * Returns: (transfer full): the profile of reply @index, parsed
 */
MsProfile *
ms_session_file_load_profile (MsSessionFile  *self,
                              guint           index,
                              GError        **error)
{
  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);
  g_return_val_if_fail (index < self->profiles->len, NULL);

  if (g_array_index (self->profiles, Reply, index).reply == NULL && self->recording != NULL)
    return ms_recording_file_load_profile (self->recording, index, error);

  return ms_profile_new_from_bytes (g_array_index (self->profiles, Reply, index).reply, error);
}

/**
 * ms_session_file_add_counters_reply:
 * @reply: a raw reply of getDOMCounters or getDOMCountersForLeakDetection
 *
 * Returns: %FALSE when @reply is not a JSON object
 */
gboolean
ms_session_file_add_counters_reply (MsSessionFile  *self,
                                    gint64          time_usec,
                                    GBytes         *reply,
                                    GError        **error)
{
  Reply r;

  g_return_val_if_fail (MS_IS_SESSION_FILE (self), FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  r.reply = checked_reply (reply, "counters reply", error);
  if (r.reply == NULL)
    return FALSE;
  /* json-glib reads counters: the file must not hold what it cannot read */
  {
    gsize len;
    const char *data = g_bytes_get_data (r.reply, &len);
    g_autoptr(GError) local_error = NULL;

    if (!ms_json_check (data, len, &local_error))
      {
        g_set_error (error, MS_ANALYSIS_ERROR, local_error->code, "counters reply: %s", local_error->message);
        g_bytes_unref (r.reply);
        return FALSE;
      }
  }
  r.time = time_usec;
  r.method = NULL;
  g_array_append_val (self->counters, r);

  return TRUE;
}

guint
ms_session_file_get_n_counters (MsSessionFile *self)
{
  g_return_val_if_fail (MS_IS_SESSION_FILE (self), 0);

  return self->counters->len;
}

/**
 * ms_session_file_get_counters_reply:
 * @time_usec: (out) (optional):
 *
 * Returns: (transfer none): the reply exactly as added
 */
GBytes *
ms_session_file_get_counters_reply (MsSessionFile *self,
                                    guint          index,
                                    gint64        *time_usec)
{
  const Reply *r;

  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);
  g_return_val_if_fail (index < self->counters->len, NULL);

  r = &g_array_index (self->counters, Reply, index);
  if (time_usec != NULL)
    *time_usec = r->time;

  return r->reply;
}

/**
 * ms_session_file_build_counter_series:
 * @capacity: points per series, 0 for the default
 *
 * Returns: (transfer full): the counters of every counters reply, in order
 */
MsCounterSeries *
ms_session_file_build_counter_series (MsSessionFile  *self,
                                      guint           capacity,
                                      GError        **error)
{
  g_autoptr(MsCounterSeries) series = ms_counter_series_new (capacity);

  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);

  for (guint i = 0; i < self->counters->len; i++)
    {
      const Reply *r = &g_array_index (self->counters, Reply, i);
      gsize len;
      const char *data = g_bytes_get_data (r->reply, &len);
      g_autoptr(GError) local_error = NULL;

      if (!ms_counter_series_append_reply (series, r->time, data, len, &local_error))
        {
          g_set_error (error, MS_ANALYSIS_ERROR, local_error->code, "counters[%u].reply: %s", i, local_error->message);
          return NULL;
        }
    }

  return g_steal_pointer (&series);
}

/**
 * ms_session_file_add_alarm_event:
 * @stack: (array zero-terminated=1): the frames, leaf first, as the protocol
 *   wrote them
 */
void
ms_session_file_add_alarm_event (MsSessionFile      *self,
                                 gint64              time_usec,
                                 guint64             size,
                                 guint64             total,
                                 const char * const *stack)
{
  g_return_if_fail (MS_IS_SESSION_FILE (self));

  ms_alarm_list_add (self->alarms, time_usec, size, total, stack);
}

/**
 * ms_session_file_get_alarms:
 *
 * Returns: (transfer none): the alarm events, in order
 */
MsAlarmList *
ms_session_file_get_alarms (MsSessionFile *self)
{
  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);

  return self->alarms;
}

/* Writing */

typedef gboolean (*ChunkFunc) (const char *data, gsize len, gpointer user_data, GError **error);

static void
append_json_object (GString    *out,
                    JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, object);
  text = json_to_string (node, FALSE);
  g_string_append (out, text);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *quoted = NULL;

  json_node_set_string (node, text);
  quoted = json_to_string (node, FALSE);
  g_string_append (out, quoted);
}

/* Calls @chunk with consecutive pieces of the file; the replies are passed
 * through without a copy. */
static gboolean
serialize (MsSessionFile *self,
           ChunkFunc      chunk,
           gpointer       user_data,
           GError       **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "{\"format\":\"%s\",\"version\":%d", MS_SESSION_FILE_FORMAT, MS_SESSION_FILE_VERSION);

  if (self->browser != NULL)
    {
      g_string_append (out, ",\n\"browser\":");
      append_json_object (out, self->browser);
    }
  if (self->target != NULL)
    {
      g_string_append (out, ",\n\"target\":");
      append_json_object (out, self->target);
    }
  if (self->sampling != NULL)
    {
      g_string_append (out, ",\n\"sampling\":");
      append_json_object (out, self->sampling);
    }

  g_string_append (out, ",\n\"alarms\":[");
  for (guint i = 0; i < ms_alarm_list_get_n_events (self->alarms); i++)
    {
      const MsAlarmEvent *a = ms_alarm_list_get_event (self->alarms, i);

      g_string_append_printf (out, "%s{\"time\":%" G_GINT64_FORMAT ",\"size\":%" G_GUINT64_FORMAT
                              ",\"total\":%" G_GUINT64_FORMAT ",\"stack\":[",
                              i > 0 ? ",\n" : "", a->time_us, a->size, a->total);
      for (guint k = 0; a->stack[k] != NULL; k++)
        {
          if (k > 0)
            g_string_append_c (out, ',');
          append_json_string (out, a->stack[k]);
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]");

  for (guint pass = 0; pass < 2; pass++)
    {
      GArray *replies = pass == 0 ? self->counters : self->profiles;

      g_string_append (out, pass == 0 ? ",\n\"counters\":[" : ",\n\"profiles\":[");
      for (guint i = 0; i < replies->len; i++)
        {
          const Reply *r = &g_array_index (replies, Reply, i);
          g_autoptr(GBytes) decoded = NULL;
          gsize len;
          const char *data;

          /* A session read from a recording: its profiles are decoded one at a time,
           * and checked like any reply added. */
          if (r->reply == NULL && self->recording != NULL)
            {
              g_autoptr(GBytes) raw = ms_recording_file_get_profile_reply (self->recording, i, error);
              g_autofree char *what = g_strdup_printf ("profiles[%u].reply", i);

              if (raw == NULL)
                {
                  g_prefix_error (error, "profile %u: ", i + 1);
                  return FALSE;
                }
              decoded = checked_reply (raw, what, error);
              if (decoded == NULL)
                return FALSE;
            }
          data = g_bytes_get_data (decoded != NULL ? decoded : r->reply, &len);

          g_string_append_printf (out, "%s{\"time\":%" G_GINT64_FORMAT, i > 0 ? ",\n" : "", r->time);
          if (r->method != NULL)
            {
              g_string_append (out, ",\"method\":");
              append_json_string (out, r->method);
            }
          g_string_append (out, ",\"reply\":");

          if (len > 64 * 1024)
            {
              if (!chunk (out->str, out->len, user_data, error) || !chunk (data, len, user_data, error))
                return FALSE;
              g_string_truncate (out, 0);
            }
          else
            g_string_append_len (out, data, len);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]");
    }

  g_string_append (out, "}\n");

  return chunk (out->str, out->len, user_data, error);
}

static gboolean
append_chunk (const char  *data,
              gsize        len,
              gpointer     user_data,
              GError     **error)
{
  g_byte_array_append (user_data, (const guint8 *)data, len);
  return TRUE;
}

/**
 * ms_session_file_to_bytes:
 *
 * Returns: (transfer full): the file's contents
 */
GBytes *
ms_session_file_to_bytes (MsSessionFile *self)
{
  GByteArray *bytes = g_byte_array_new ();

  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);

  serialize (self, append_chunk, bytes, NULL);

  return g_byte_array_free_to_bytes (bytes);
}

typedef struct
{
  int         fd;
  const char *path;
} FdWriter;

static gboolean
write_chunk (const char  *data,
             gsize        len,
             gpointer     user_data,
             GError     **error)
{
  FdWriter *w = user_data;

  while (len > 0)
    {
      gssize n = write (w->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Could not write %s: %s", w->path, g_strerror (saved));
          return FALSE;
        }
      data += n;
      len -= (gsize)n;
    }

  return TRUE;
}

/**
 * ms_session_file_save:
 * @file: a local file
 *
 * Writes the session atomically: to a temporary file in the same folder,
 * synced, then renamed over @file.
 *
 * Returns: whether the file was written
 */
gboolean
ms_session_file_save (MsSessionFile  *self,
                      GFile          *file,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *tmp = NULL;
  FdWriter w;
  gboolean ok;

  g_return_val_if_fail (MS_IS_SESSION_FILE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Sessions are saved to local files only");
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  /* a recording may hold page data: readable by its owner only, like other private state */
  w.fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (w.fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not create a temporary file beside %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  w.path = tmp;

  ok = serialize (self, write_chunk, &w, error);
  if (ok && !g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      if (g_fsync (w.fd) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Could not sync %s: %s", tmp, g_strerror (saved));
          ok = FALSE;
        }
    }
  else
    ok = FALSE;

  if (!g_close (w.fd, ok ? error : NULL))
    ok = FALSE;

  if (ok && g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not rename %s to %s: %s", tmp, path, g_strerror (saved));
      ok = FALSE;
    }

  if (!ok)
    g_unlink (tmp);

  return ok;
}

/* Loading */

static const MsJsonSlice *
find_member (GArray     *members,
             const char *key)
{
  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      const MsJsonSlice *s = &g_array_index (members, MsJsonSlice, i);

      if (g_strcmp0 (s->key, key) == 0)
        return s;
    }

  return NULL;
}

static const char *
type_name (char type)
{
  switch (type)
    {
    case 'o': return "an object";
    case 'a': return "an array";
    case 's': return "a string";
    case 'n': return "a number";
    case 'b': return "a boolean";
    default: return "null";
    }
}

/* json-glib only ever sees text checked to be strict JSON nesting at most
 * MS_JSON_MAX_NESTING levels. */
static JsonNode *
parse_slice (const char         *buf,
             const MsJsonSlice  *slice,
             const char         *where,
             GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  if (!ms_json_check (buf + slice->offset, slice->length, &local_error)
      || !json_parser_load_from_data (parser, buf + slice->offset, slice->length, &local_error))
    {
      g_set_error (error, MS_ANALYSIS_ERROR,
                   local_error->domain == MS_ANALYSIS_ERROR ? local_error->code : MS_ANALYSIS_ERROR_SYNTAX,
                   "%s: %s", where, local_error->message);
      return NULL;
    }

  return json_node_copy (json_parser_get_root (parser));
}

/* A JSON integer ("-"? digits) that fits a gint64. */
static gboolean
parse_json_int (const char *text,
                gint64     *out)
{
  gboolean negative = (*text == '-');
  const char *p = negative ? text + 1 : text;
  guint64 limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  guint64 value = 0;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = *p - '0';

      if (value > (limit - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }
  if (*p != '\0')
    return FALSE;

  *out = negative ? (gint64) (0 - value) : (gint64) value;
  return TRUE;
}

static gboolean
read_int (const char        *buf,
          const MsJsonSlice *slice,
          const char        *where,
          gint64            *out,
          GError           **error)
{
  g_autofree char *text = NULL;

  if (slice->type != 'n')
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                   "%s: expected an integer, got %s", where, type_name (slice->type));
      return FALSE;
    }

  text = g_strndup (buf + slice->offset, slice->length);
  /* Digits by hand: the strtoll family reports through errno, which was seen set
   * after a successful parse in sanitizer builds, refusing "1". */
  if (!parse_json_int (text, out))
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_INVALID_VALUE,
                   "%s: expected an integer, got %s", where, text);
      return FALSE;
    }

  return TRUE;
}

/* Times are microseconds since 1970; anything outside 1970 to 9999 is not one,
 * and keeping them there keeps every difference of two times far from
 * overflowing a gint64. */
static gboolean
read_time (const char        *buf,
           const MsJsonSlice *slice,
           const char        *where,
           gint64            *out,
           GError           **error)
{
  if (!read_int (buf, slice, where, out, error))
    return FALSE;

  if (*out < 0 || *out > MS_SESSION_FILE_MAX_TIME)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_INVALID_VALUE,
                   "%s: %" G_GINT64_FORMAT " is not a time between 1970 and 9999 "
                   "(microseconds since 1970)", where, *out);
      return FALSE;
    }

  return TRUE;
}

static const MsJsonSlice *
require (GArray      *members,
         const char  *key,
         char         type,
         const char  *where,
         GError     **error)
{
  const MsJsonSlice *s = find_member (members, key);

  if (s == NULL)
    {
      if (where[0] != '\0')
        g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_MISSING_MEMBER,
                     "%s: missing member \"%s\"", where, key);
      else
        g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_MISSING_MEMBER,
                     "missing member \"%s\"", key);
      return NULL;
    }

  if (type != 0 && s->type != type)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                   "%s%s%s: expected %s, got %s", where, where[0] ? "." : "", key,
                   type_name (type), type_name (s->type));
      return NULL;
    }

  return s;
}

static gboolean
load_replies (MsSessionFile     *self,
              GBytes            *all,
              const MsJsonSlice *array,
              GArray            *out,
              gboolean           with_method,
              GError           **error)
{
  const char *buf = g_bytes_get_data (all, NULL);

  for (guint i = 0; i < array->children->len; i++)
    {
      const MsJsonSlice *e = &g_array_index (array->children, MsJsonSlice, i);
      g_autofree char *where = g_strdup_printf ("%s[%u]", array->key, i);
      g_autofree char *time_where = g_strdup_printf ("%s.time", where);
      const MsJsonSlice *time, *method = NULL, *reply;
      Reply r = { 0, NULL, NULL };

      if (e->type != 'o')
        {
          g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                       "%s: expected an object, got %s", where, type_name (e->type));
          return FALSE;
        }
      if ((time = require (e->children, "time", 0, where, error)) == NULL
          || (with_method && (method = require (e->children, "method", 's', where, error)) == NULL)
          || (reply = require (e->children, "reply", 'o', where, error)) == NULL)
        return FALSE;
      if (!read_time (buf, time, time_where, &r.time, error))
        return FALSE;

      if (method != NULL)
        {
          g_autofree char *method_where = g_strdup_printf ("%s.method", where);
          g_autoptr(JsonNode) node = parse_slice (buf, method, method_where, error);

          if (node == NULL)
            return FALSE;
          r.method = g_strdup (json_node_get_string (node));
        }
      r.reply = g_bytes_new_from_bytes (all, reply->offset, reply->length);
      g_array_append_val (out, r);
    }

  return TRUE;
}

static gboolean
load_alarms (MsSessionFile     *self,
             const char        *buf,
             const MsJsonSlice *array,
             GError           **error)
{
  for (guint i = 0; i < array->children->len; i++)
    {
      const MsJsonSlice *e = &g_array_index (array->children, MsJsonSlice, i);
      g_autofree char *where = g_strdup_printf ("alarms[%u]", i);
      const char *keys[] = { "time", "size", "total" };
      gint64 values[3];
      const MsJsonSlice *stack;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) frames = NULL;
      JsonArray *array_node;

      if (e->type != 'o')
        {
          g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                       "%s: expected an object, got %s", where, type_name (e->type));
          return FALSE;
        }
      for (guint k = 0; k < 3; k++)
        {
          const MsJsonSlice *s = require (e->children, keys[k], 0, where, error);
          g_autofree char *kwhere = g_strdup_printf ("%s.%s", where, keys[k]);

          if (s == NULL || !(k == 0 ? read_time : read_int) (buf, s, kwhere, &values[k], error))
            return FALSE;
          if (k > 0 && values[k] < 0)
            {
              g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_INVALID_VALUE,
                           "%s: expected a non-negative integer, got %" G_GINT64_FORMAT, kwhere, values[k]);
              return FALSE;
            }
        }
      if ((stack = require (e->children, "stack", 'a', where, error)) == NULL)
        return FALSE;

      {
        g_autofree char *stack_where = g_strdup_printf ("%s.stack", where);

        if ((node = parse_slice (buf, stack, stack_where, error)) == NULL)
          return FALSE;
      }
      array_node = json_node_get_array (node);
      for (guint k = 0; k < json_array_get_length (array_node); k++)
        {
          JsonNode *f = json_array_get_element (array_node, k);

          if (json_node_get_value_type (f) != G_TYPE_STRING)
            {
              g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                           "%s.stack[%u]: expected a string", where, k);
              return FALSE;
            }
          g_strv_builder_add (builder, json_node_get_string (f));
        }
      frames = g_strv_builder_end (builder);
      ms_session_file_add_alarm_event (self, values[0], (guint64)values[1], (guint64)values[2],
                                       (const char * const *)frames);
    }

  return TRUE;
}

static gboolean
load_object_member (GArray       *members,
                    const char   *buf,
                    const char   *key,
                    JsonObject  **out,
                    GError      **error)
{
  const MsJsonSlice *s = find_member (members, key);
  g_autoptr(JsonNode) node = NULL;

  if (s == NULL || s->type == 'z')
    return TRUE;
  if (s->type != 'o')
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                   "%s: expected an object, got %s", key, type_name (s->type));
      return FALSE;
    }

  node = parse_slice (buf, s, key, error);
  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_SYNTAX, "%s: not JSON", key);
      return FALSE;
    }
  *out = json_object_ref (json_node_get_object (node));

  return TRUE;
}

/* Takes @buf (padded, @len bytes of text). */
static MsSessionFile *
load_padded (char    *buf,
             gsize    len,
             GError **error)
{
  g_autoptr(GBytes) all = g_bytes_new_take (buf, len);
  g_autoptr(GArray) members = NULL;
  g_autoptr(MsSessionFile) self = NULL;
  const MsJsonSlice *format, *version, *profiles, *counters, *alarms;
  gint64 version_number;

  members = ms_json_index_session (buf, len, error);
  if (members == NULL)
    return NULL;

  if ((format = require (members, "format", 0, "", error)) == NULL)
    return NULL;
  {
    g_autoptr(JsonNode) node = format->type == 's' ? parse_slice (buf, format, "format", NULL) : NULL;
    const char *tag = node != NULL ? json_node_get_string (node) : NULL;

    if (g_strcmp0 (tag, MS_SESSION_FILE_FORMAT) != 0)
      {
        g_autofree char *got = g_strndup (buf + format->offset, MIN (format->length, 60));

        g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_FORMAT,
                     "format: expected \"%s\", got %s: not a Memscope session file",
                     MS_SESSION_FILE_FORMAT, got);
        return NULL;
      }
  }

  if ((version = require (members, "version", 0, "", error)) == NULL)
    return NULL;
  if (!read_int (buf, version, "version", &version_number, error))
    return NULL;
  if (version_number != MS_SESSION_FILE_VERSION)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_VERSION,
                   "version: unsupported version %" G_GINT64_FORMAT " (this build reads version %d)",
                   version_number, MS_SESSION_FILE_VERSION);
      return NULL;
    }

  if ((counters = require (members, "counters", 'a', "", error)) == NULL
      || (alarms = require (members, "alarms", 'a', "", error)) == NULL
      || (profiles = require (members, "profiles", 'a', "", error)) == NULL)
    return NULL;

  self = ms_session_file_new ();
  if (!load_object_member (members, buf, "browser", &self->browser, error)
      || !load_object_member (members, buf, "target", &self->target, error)
      || !load_object_member (members, buf, "sampling", &self->sampling, error))
    return NULL;

  if (!load_replies (self, all, counters, self->counters, FALSE, error)
      || !load_alarms (self, buf, alarms, error)
      || !load_replies (self, all, profiles, self->profiles, TRUE, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Whether @file is a local file that starts like a recording. */
static gboolean
is_recording (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  char start[8];
  ssize_t n;
  int fd;

  if (path == NULL || (fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return FALSE;
  n = read (fd, start, sizeof start);
  close (fd);
  return n > 0 && ms_recording_file_sniff (start, n);
}

/**
 * ms_session_file_new_from_recording:
 *
 * A session that reads its profiles from @recording when asked for them. The
 * counters replies are checked to be JSON objects, as version 1 requires.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
MsSessionFile *
ms_session_file_new_from_recording (MsRecordingFile  *recording,
                                    GError          **error)
{
  g_autoptr(MsSessionFile) self = NULL;

  g_return_val_if_fail (MS_IS_RECORDING_FILE (recording), NULL);

  self = ms_session_file_new ();
  self->recording = g_object_ref (recording);
  if (ms_recording_file_get_browser (recording) != NULL)
    self->browser = json_object_ref (ms_recording_file_get_browser (recording));
  if (ms_recording_file_get_target (recording) != NULL)
    self->target = json_object_ref (ms_recording_file_get_target (recording));
  if (ms_recording_file_get_sampling (recording) != NULL)
    self->sampling = json_object_ref (ms_recording_file_get_sampling (recording));

  for (guint i = 0; i < ms_recording_file_get_n_counters (recording); i++)
    {
      Reply r = { 0 };

      g_autofree char *what = g_strdup_printf ("counters[%u].reply", i);

      r.reply = checked_reply (ms_recording_file_get_counters_reply (recording, i, &r.time), what, error);
      if (r.reply == NULL)
        return NULL;
      g_array_append_val (self->counters, r);
    }
  for (guint i = 0; i < ms_alarm_list_get_n_events (ms_recording_file_get_alarms (recording)); i++)
    {
      const MsAlarmEvent *a = ms_alarm_list_get_event (ms_recording_file_get_alarms (recording), i);

      ms_alarm_list_add (self->alarms, a->time_us, a->size, a->total,
                         (const char * const *) a->stack);
    }
  for (guint i = 0; i < ms_recording_file_get_n_profiles (recording); i++)
    {
      MsRecordingSnapshot snapshot;
      Reply r = { 0 };

      ms_recording_file_get_snapshot (recording, i, &snapshot);
      r.time = snapshot.time_us;
      r.method = g_strdup (snapshot.method);
      g_array_append_val (self->profiles, r);
    }

  return g_steal_pointer (&self);
}

/* The recording this session reads its profiles from, when it was loaded from one. */
MsRecordingFile *
ms_session_file_get_recording (MsSessionFile *self)
{
  g_return_val_if_fail (MS_IS_SESSION_FILE (self), NULL);
  return self->recording;
}

/**
 * ms_session_file_new_from_data:
 * @data: (array length=len): the file's contents (gzip-compressed or not)
 *
 * Returns: (transfer full): the session, or %NULL with a #MsAnalysisError
 *   naming the problem (format tag, version, missing member, truncation…)
 */
MsSessionFile *
ms_session_file_new_from_data (const char  *data,
                               gsize        len,
                               GError     **error)
{
  gsize buf_len = 0;
  char *buf;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (ms_recording_file_sniff (data, len))
    {
      g_autoptr(GBytes) bytes = g_bytes_new (data, len);
      g_autoptr(MsRecordingFile) recording = ms_recording_file_new_from_bytes (bytes, error);

      return recording != NULL ? ms_session_file_new_from_recording (recording, error) : NULL;
    }

  buf = ms_profile_reader_copy_padded (data != NULL ? data : "", len, &buf_len, error);
  if (buf == NULL)
    return NULL;

  return load_padded (buf, buf_len, error);
}

/**
 * ms_session_file_new_from_file:
 *
 * Like ms_session_file_new_from_data(), reading @file. Blocks.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
MsSessionFile *
ms_session_file_new_from_file (GFile         *file,
                               GCancellable  *cancellable,
                               GError       **error)
{
  gsize len = 0;
  char *buf;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (is_recording (file))
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(MsRecordingFile) recording = ms_recording_file_new_for_path (path, error);

      return recording != NULL ? ms_session_file_new_from_recording (recording, error) : NULL;
    }

  buf = ms_profile_reader_load_padded (file, &len, cancellable, error);
  if (buf == NULL)
    return NULL;

  return load_padded (buf, len, error);
}
