/* ms-recording-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include <glib/gi18n-lib.h>

#include "ms-analysis-error.h"
#include "ms-json-check-private.h"
#include "ms-recording-file.h"
#include "ms-recording-format-private.h"
#include "ms-session-file.h"

/**
 * MsRecordingFile:
 *
 * A saved recording (format 2, see ms-recording-format-private.h), opened for
 * reading. Opening scans the frame headers once and reads the small records
 * (metadata, counters, alarms, actions); profiles stay in the file until asked
 * for by index, and decode from their key frame.
 *
 * A file cut at any byte opens with every frame before the cut, and
 * ms_recording_file_get_torn_tail() says where and what was cut. After a damaged
 * frame (a checksum that does not match, zero fill, a profile whose compressed
 * size is not the one claimed, garbage) reading resumes at the next sound frame
 * header (its own checksum right): the frames after the damage open too, but for
 * the profile deltas whose base was lost, dropped until the next key frame. Every
 * damaged range is listed (ms_recording_file_get_damaged()); the torn tail is the
 * first. The search for the next header is one forward pass over the damaged
 * bytes, read in chunks. A damaged file header, a frame
 * claiming more than %MS_RECORDING_MAX_RAW_LENGTH bytes and an unknown version
 * are errors.
 *
 * Not thread-safe: use one object from one thread at a time.
 */

typedef struct
{
  guint64  offset;        /* of the payload */
  guint32  length;
  guint32  raw_length;
  guint8   flags;
  gint64   time_us;
  guint32  data_crc;
  guint    frame_number;
  guint    key_index;     /* the profile this one decodes from */
  guint    n_samples;
  guint64  total_bytes;
  char    *method;
} ProfileEntry;

typedef struct
{
  gint64  time_us;
  GBytes *reply;
} CountersEntry;

typedef struct
{
  guint64  start;         /* of the first bad frame */
  guint64  end;           /* where reading resumed (the file's size: nowhere) */
  guint    number;        /* the bad frame's number */
  guint    dropped;       /* profile deltas dropped after it, until a key frame */
  gboolean cut;           /* a torn tail: @error is the whole message already */
  GError  *error;         /* the reason, then the whole message */
} DamageEntry;

typedef struct
{
  gint64  time_us;
  char   *kind;
  char   *detail;
} ActionEntry;

struct _MsRecordingFile
{
  GObject      parent_instance;

  int          fd;
  GBytes      *bytes;         /* when read from memory */
  guint64      size;

  GError      *torn_tail;     /* the first damaged range's message, not owned */
  GArray      *damaged;       /* DamageEntry, in file order */
  gboolean     need_key;      /* after damage: profile deltas are dropped until a key */
  gboolean     closed;

  JsonObject  *browser;
  JsonObject  *target;
  JsonObject  *sampling;
  GArray      *profiles;      /* ProfileEntry */
  GArray      *counters;      /* CountersEntry */
  MsAlarmList *alarms;
  GArray      *actions;       /* ActionEntry */

  ZSTD_DCtx   *dctx;
  guint        cached_index;  /* the last profile decoded, kept for the next delta */
  GBytes      *cached;
  GMutex       cache_lock;    /* cached and dctx: profiles are decoded from several threads */
};

G_DEFINE_FINAL_TYPE (MsRecordingFile, ms_recording_file, G_TYPE_OBJECT)

static void
profile_entry_clear (gpointer data)
{
  g_free (((ProfileEntry *) data)->method);
}

static void
counters_entry_clear (gpointer data)
{
  g_clear_pointer (&((CountersEntry *) data)->reply, g_bytes_unref);
}

static void
damage_entry_clear (gpointer data)
{
  g_clear_error (&((DamageEntry *) data)->error);
}

static void
action_entry_clear (gpointer data)
{
  ActionEntry *a = data;

  g_free (a->kind);
  g_free (a->detail);
}

static void
ms_recording_file_finalize (GObject *object)
{
  MsRecordingFile *self = (MsRecordingFile *)object;

  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->damaged, g_array_unref);
  g_clear_pointer (&self->browser, json_object_unref);
  g_clear_pointer (&self->target, json_object_unref);
  g_clear_pointer (&self->sampling, json_object_unref);
  g_clear_pointer (&self->profiles, g_array_unref);
  g_clear_pointer (&self->counters, g_array_unref);
  g_clear_object (&self->alarms);
  g_clear_pointer (&self->actions, g_array_unref);
  g_clear_pointer (&self->dctx, ZSTD_freeDCtx);
  g_clear_pointer (&self->cached, g_bytes_unref);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (ms_recording_file_parent_class)->finalize (object);
}

static void
ms_recording_file_class_init (MsRecordingFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_recording_file_finalize;
}

static void
ms_recording_file_init (MsRecordingFile *self)
{
  self->fd = -1;
  self->profiles = g_array_new (FALSE, TRUE, sizeof (ProfileEntry));
  g_array_set_clear_func (self->profiles, profile_entry_clear);
  self->counters = g_array_new (FALSE, TRUE, sizeof (CountersEntry));
  g_array_set_clear_func (self->counters, counters_entry_clear);
  self->alarms = ms_alarm_list_new ();
  self->actions = g_array_new (FALSE, TRUE, sizeof (ActionEntry));
  self->damaged = g_array_new (FALSE, TRUE, sizeof (DamageEntry));
  g_array_set_clear_func (self->damaged, damage_entry_clear);
  g_array_set_clear_func (self->actions, action_entry_clear);
  self->cached_index = G_MAXUINT;
  g_mutex_init (&self->cache_lock);
}

/**
 * ms_recording_file_sniff:
 *
 * Returns: whether @data, the start of a file, is that of a recording (format 2
 *   or later): its first bytes are the magic, or as much of it as there is
 */
gboolean
ms_recording_file_sniff (const void *data,
                         gsize       len)
{
  return len > 0 && memcmp (data, MS_RECORDING_MAGIC, MIN (len, MS_RECORDING_MAGIC_LEN)) == 0;
}

/* Reads @len bytes at @offset; FALSE with @error when they are not all there. */
static gboolean
read_at (MsRecordingFile  *self,
         guint64           offset,
         void             *buf,
         gsize             len,
         GError          **error)
{
  gsize done = 0;

  if (self->bytes != NULL)
    {
      if (offset + len > self->size)
        goto short_read;
      memcpy (buf, (const char *) g_bytes_get_data (self->bytes, NULL) + offset, len);
      return TRUE;
    }

  while (done < len)
    {
      ssize_t n = pread (self->fd, (char *) buf + done, len - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("cannot read the recording: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        goto short_read;
      done += n;
    }
  return TRUE;

short_read:
  /* Translators: all three numbers are byte counts or offsets */
  g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
               _("the recording ends at byte %llu, before the %llu bytes at byte %llu"),
               (unsigned long long) self->size, (unsigned long long) len,
               (unsigned long long) offset);
  return FALSE;
}

static const char *
type_name (guint8 type)
{
  switch (type)
    {
    case MS_RECORDING_RECORD_METADATA: return "metadata";
    case MS_RECORDING_RECORD_COUNTERS: return "counters";
    case MS_RECORDING_RECORD_PROFILE: return "profile";
    case MS_RECORDING_RECORD_ALARM: return "alarm";
    case MS_RECORDING_RECORD_ACTION: return "action";
    case MS_RECORDING_RECORD_END: return "end";
    default: return "unknown";
    }
}

/* A fuzzer cannot forge checksums: in a fuzzing build, damage is let through so
 * that what lies behind the checksums (lengths, claims, zstd data) is fuzzed too. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CHECKSUM_MISMATCH(a, b) ((void) (a), (void) (b), FALSE)
#else
#define CHECKSUM_MISMATCH(a, b) ((a) != (b))
#endif

/* The payload of a frame, checked against its checksum; a bad frame's reason in @error. */
static GBytes *
read_payload (MsRecordingFile               *self,
              guint64                        offset,
              const MsRecordingFrameHeader  *h,
              GError                       **error)
{
  g_autofree guint8 *buf = g_malloc (MAX (h->length, 1));

  if (!read_at (self, offset, buf, h->length, error))
    return NULL;
  if (CHECKSUM_MISMATCH (ms_recording_crc32 (0, buf, h->length), h->data_crc))
    {
      /* Translators: why a frame is damaged; %s is the kind of record, an untranslated
       * word such as "profile" or "counters" */
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_CHECKSUM,
                   _("its contents (a %s record) do not match their checksum"), type_name (h->type));
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&buf), h->length);
}

static JsonNode *
parse_json_payload (GBytes        *payload,
                    const char    *what,
                    GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  /* Bounded first: json-glib recurses once per level. */
  if (!ms_json_check (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), &local) ||
      !json_parser_load_from_data (parser, g_bytes_get_data (payload, NULL),
                                   g_bytes_get_size (payload), &local))
    {
      /* Translators: why a frame is damaged; the first %s is the kind of record (an
       * untranslated word such as "metadata"), the second what the JSON parser said */
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_SYNTAX,
                   _("its %s record is not valid JSON: %s"), what, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      /* Translators: why a frame is damaged; %s is the kind of record (untranslated) */
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                   _("its %s record is not a JSON object"), what);
      return NULL;
    }
  return json_node_copy (root);
}

static void
take_object_member (JsonObject  *object,
                    const char  *name,
                    JsonObject **out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  g_clear_pointer (out, json_object_unref);
  *out = json_object_ref (json_node_get_object (node));
}

static gboolean
add_small_record (MsRecordingFile               *self,
                  const MsRecordingFrameHeader  *h,
                  GBytes                        *payload,
                  GError                       **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (h->type == MS_RECORDING_RECORD_COUNTERS)
    {
      CountersEntry c = { h->time_us, g_bytes_ref (payload) };

      g_array_append_val (self->counters, c);
      return TRUE;
    }

  if ((root = parse_json_payload (payload, type_name (h->type), error)) == NULL)
    return FALSE;
  object = json_node_get_object (root);

  if (h->type == MS_RECORDING_RECORD_METADATA)
    {
      take_object_member (object, "browser", &self->browser);
      take_object_member (object, "target", &self->target);
      take_object_member (object, "sampling", &self->sampling);
    }
  else if (h->type == MS_RECORDING_RECORD_ALARM)
    {
      JsonNode *stack_node = json_object_get_member (object, "stack");
      JsonArray *stack = stack_node != NULL && JSON_NODE_HOLDS_ARRAY (stack_node)
                         ? json_node_get_array (stack_node) : NULL;
      GPtrArray *frames = g_ptr_array_new ();

      gint64 size = json_object_get_int_member_with_default (object, "size", 0);
      gint64 total = json_object_get_int_member_with_default (object, "total", 0);

      if (size < 0 || total < 0)
        {
          g_ptr_array_unref (frames);
          g_set_error_literal (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_INVALID_VALUE,
                               _("its alarm's size or total is negative"));
          return FALSE;
        }
      for (guint i = 0; stack != NULL && i < json_array_get_length (stack); i++)
        {
          JsonNode *frame = json_array_get_element (stack, i);
          const char *text = JSON_NODE_HOLDS_VALUE (frame) ? json_node_get_string (frame) : NULL;

          g_ptr_array_add (frames, g_strdup (text != NULL ? text : ""));
        }
      g_ptr_array_add (frames, NULL);
      ms_alarm_list_add (self->alarms, h->time_us, size, total, (const char * const *) frames->pdata);
      g_ptr_array_set_free_func (frames, g_free);
      g_ptr_array_unref (frames);
    }
  else if (h->type == MS_RECORDING_RECORD_ACTION)
    {
      ActionEntry a = { h->time_us };

      a.kind = g_strdup (json_object_get_string_member_with_default (object, "kind", "marker"));
      a.detail = g_strdup (json_object_get_string_member_with_default (object, "detail", NULL));
      g_array_append_val (self->actions, a);
    }
  return TRUE;
}

/* Index a profile frame: its checksum, fixed prefix and compressed size are checked
 * now (so that every profile listed can be read), the body decoded when asked for. */
static gboolean
add_profile (MsRecordingFile               *self,
             guint64                        offset,
             const MsRecordingFrameHeader  *h,
             GError                       **error)
{
  ProfileEntry p = { offset, h->length, h->raw_length, h->flags, h->time_us, h->data_crc };
  g_autoptr(GBytes) payload = NULL;
  const guint8 *data;
  gsize method_len, skip;
  guint index = self->profiles->len;

  if ((payload = read_payload (self, offset, h, error)) == NULL)
    return FALSE;
  data = g_bytes_get_data (payload, NULL);
  method_len = h->length >= MS_RECORDING_PROFILE_PREFIX_LEN ? data[12] : 0;
  skip = MS_RECORDING_PROFILE_PREFIX_LEN + method_len;
  if (h->length < skip)
    {
      /* Translators: why a frame is damaged; %u is a number of bytes */
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
                   _("its %u bytes are too few for a profile"), h->length);
      return FALSE;
    }
  if (!g_utf8_validate ((const char *) data + MS_RECORDING_PROFILE_PREFIX_LEN, method_len, NULL) ||
      memchr (data + MS_RECORDING_PROFILE_PREFIX_LEN, '\0', method_len) != NULL)
    {
      g_set_error_literal (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_INVALID_VALUE,
                           _("its profile's method name is not text"));
      return FALSE;
    }
  if ((h->flags & MS_RECORDING_FLAG_COMPRESSED) != 0
      ? ZSTD_getFrameContentSize (data + skip, h->length - skip) != h->raw_length
      : (h->length - skip != h->raw_length || (h->flags & MS_RECORDING_FLAG_DELTA) != 0))
    {
      g_set_error_literal (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_COMPRESSION,
                           _("its profile does not hold the size its header claims"));
      return FALSE;
    }
  if ((h->flags & MS_RECORDING_FLAG_DELTA) != 0 && index == 0 && !self->need_key)
    {
      g_set_error_literal (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_INVALID_VALUE,
                           _("it is a profile delta with no profile before it"));
      return FALSE;
    }

  if (self->need_key && (h->flags & MS_RECORDING_FLAG_DELTA) != 0)
    {
      /* Its base was lost with the damage before it: dropped until the next key. */
      g_array_index (self->damaged, DamageEntry, self->damaged->len - 1).dropped++;
      return TRUE;
    }
  self->need_key = FALSE;

  p.frame_number = 0;  /* set by the caller */
  for (int i = 3; i >= 0; i--)
    p.n_samples = (p.n_samples << 8) | data[i];
  for (int i = 7; i >= 0; i--)
    p.total_bytes = (p.total_bytes << 8) | data[4 + i];
  p.key_index = (h->flags & MS_RECORDING_FLAG_DELTA) == 0
                ? index : g_array_index (self->profiles, ProfileEntry, index - 1).key_index;
  p.method = g_strndup ((const char *) data + MS_RECORDING_PROFILE_PREFIX_LEN, method_len);
  g_array_append_val (self->profiles, p);
  return TRUE;
}

static void
add_damage (MsRecordingFile *self,
            guint            number,
            guint64          offset,
            gboolean         cut,
            GError          *error)
{
  DamageEntry d = { offset, self->size, number, 0, cut, error };

  g_array_append_val (self->damaged, d);
  if (self->torn_tail == NULL)
    self->torn_tail = error;
}

static void
set_torn_tail (MsRecordingFile *self,
               guint            number,
               guint64          offset,
               const char      *what)
{
  /* Translators: %u is a frame number, %llu a byte offset, %s how much of the frame is
   * there (one of the messages below), the last %u the number of frames kept */
  add_damage (self, number, offset, TRUE,
              g_error_new (MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "the recording ends inside frame %u at byte %llu "
                                        "(%s); the %u frame before it is intact",
                                        "the recording ends inside frame %u at byte %llu "
                                        "(%s); the %u frames before it are intact",
                                        number - 1), number,
                           (unsigned long long) offset, what, number - 1));
}

/* The whole message of a damaged range, once it is known where reading resumed. */
static void
finish_damage (MsRecordingFile *self,
               DamageEntry     *d)
{
  GError *reason = d->error;

  if (d->cut)
    return;
  if (d->end >= self->size)
    /* Translators: the first %u is a frame number, %llu a byte offset, %s why the frame is
     * damaged (one of the messages that start with "its" or "it"), the last %u the number
     * of frames kept */
    d->error = g_error_new (MS_ANALYSIS_ERROR, reason->code,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "frame %u at byte %llu is damaged: %s; the "
                                         "recording is read up to it (the %u frame before "
                                         "it is intact)",
                                         "frame %u at byte %llu is damaged: %s; the "
                                         "recording is read up to it (the %u frames before "
                                         "it are intact)",
                                         d->number - 1), d->number,
                            (unsigned long long) d->start, reason->message, d->number - 1);
  else
    /* Translators: %u is a frame number, the two %llu byte offsets, %s why the frame is
     * damaged (one of the messages that start with "its" or "it"), the last %u a number
     * of profiles */
    d->error = g_error_new (MS_ANALYSIS_ERROR, reason->code,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "frame %u at byte %llu is damaged: %s; bytes %llu to "
                                         "%llu are skipped and reading resumes after them "
                                         "(%u profile delta dropped until the next key frame)",
                                         "frame %u at byte %llu is damaged: %s; bytes %llu to "
                                         "%llu are skipped and reading resumes after them "
                                         "(%u profile deltas dropped until the next key frame)",
                                         d->dropped), d->number,
                            (unsigned long long) d->start, reason->message,
                            (unsigned long long) d->start, (unsigned long long) d->end,
                            d->dropped);
  if (self->torn_tail == reason)
    self->torn_tail = d->error;
  g_error_free (reason);
}

static gboolean
check_file_header (MsRecordingFile  *self,
                   GError          **error)
{
  guint8 header[MS_RECORDING_FILE_HEADER_LEN];
  guint32 version, crc;

  if (self->size < MS_RECORDING_FILE_HEADER_LEN)
    {
      guint8 start[MS_RECORDING_FILE_HEADER_LEN];

      if (!read_at (self, 0, start, self->size, error))
        return FALSE;
      if (!ms_recording_file_sniff (start, self->size))
        goto not_a_recording;
      add_damage (self, 0, 0, TRUE,
                  g_error_new (MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
                               _("the recording ends inside its %u-byte header, after "
                                 "%llu bytes: nothing was recorded"),
                               MS_RECORDING_FILE_HEADER_LEN, (unsigned long long) self->size));
      return TRUE;
    }

  if (!read_at (self, 0, header, sizeof header, error))
    return FALSE;
  if (memcmp (header, MS_RECORDING_MAGIC, MS_RECORDING_MAGIC_LEN) != 0)
    goto not_a_recording;
  version = header[8] | (header[9] << 8) | (header[10] << 16) | ((guint32) header[11] << 24);
  crc = header[12] | (header[13] << 8) | (header[14] << 16) | ((guint32) header[15] << 24);
  if (CHECKSUM_MISMATCH (crc, ms_recording_crc32 (0, header, 12)))
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_CHECKSUM,
                   _("the recording's header does not match its checksum: the file is damaged"));
      return FALSE;
    }
  if (version != MS_RECORDING_VERSION)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_VERSION,
                   _("version: unsupported recording version %u (this build reads versions 1 "
                     "and %d)"), version, MS_RECORDING_VERSION);
      return FALSE;
    }
  return TRUE;

not_a_recording:
  g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_FORMAT,
               _("not a Memscope recording (its first bytes are not the recording's magic)"));
  return FALSE;
}

/* Whether @len bytes at @p are all zero. */
static gboolean
all_zero (const guint8 *p,
          gsize         len)
{
  for (gsize i = 0; i < len; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

/* One frame at @offset. FALSE with @error when the file cannot be read or a frame
 * claims more than the limit; a damaged frame (its reason in @damage) and the end of
 * the file set *@stop. */
static gboolean
scan_frame (MsRecordingFile  *self,
            guint64          *offset,
            guint             number,
            gboolean         *stop,
            guint64          *resume,
            guint8           *type,
            GError          **damage,
            GError          **error)
{
  guint8 raw[MS_RECORDING_FRAME_HEADER_LEN];
  MsRecordingFrameHeader h;
  guint64 payload = *offset + MS_RECORDING_FRAME_HEADER_LEN;
  g_autoptr(GError) local = NULL;

  if (self->size - *offset < MS_RECORDING_FRAME_HEADER_LEN)
    {
      /* Translators: how much of a cut frame is there; %llu and %u are numbers of bytes */
      g_autofree char *what = g_strdup_printf (_("%llu bytes of its %u-byte header"),
                                               (unsigned long long) (self->size - *offset),
                                               MS_RECORDING_FRAME_HEADER_LEN);
      set_torn_tail (self, number, *offset, what);
      return *stop = TRUE;
    }
  if (!read_at (self, *offset, raw, sizeof raw, error))
    return FALSE;
  *stop = TRUE;
  if (all_zero (raw, sizeof raw))
    {
      g_set_error_literal (damage, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_CHECKSUM,
                           _("its header is zero bytes (space the file system allocated "
                             "but never wrote)"));
      return TRUE;
    }
  if (!ms_recording_frame_header_decode (raw, &h) && CHECKSUM_MISMATCH (0, 1))
    {
      g_set_error_literal (damage, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_CHECKSUM,
                           _("its header does not match its checksum"));
      return TRUE;
    }
  /* A sound header that claims too much is not damage: refuse rather than allocate. */
  if (h.raw_length > MS_RECORDING_MAX_RAW_LENGTH || h.length > MS_RECORDING_MAX_RAW_LENGTH + 1024)
    {
      /* Translators: %s is the kind of record (untranslated), the %u are byte counts */
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE,
                   _("frame %u (%s) at byte %llu claims %u bytes (%u stored), more than the "
                     "limit of %u"), number, type_name (h.type), (unsigned long long) *offset,
                   h.raw_length, h.length, MS_RECORDING_MAX_RAW_LENGTH);
      return FALSE;
    }
  /* The header is sound: a damaged frame ends where it says, and only a damaged
   * profile takes the base of the deltas after it. */
  if (self->size - payload >= h.length)
    *resume = payload + h.length;
  *type = h.type;
  /* Times as version 1 allows them, so that any recording saves as version 1. */
  if (h.time_us < 0 || h.time_us > MS_SESSION_FILE_MAX_TIME)
    {
      g_set_error (damage, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_INVALID_VALUE,
                   _("its time, %lld, is not between 1970 and 9999 (microseconds since 1970)"),
                   (long long) h.time_us);
      return TRUE;
    }
  if (self->size - payload < h.length)
    {
      /* Translators: how much of a cut frame is there; %s is the kind of record
       * (untranslated), %u and %llu are numbers of bytes */
      g_autofree char *what = g_strdup_printf (_("a %s frame of %u bytes, of which %llu are there"),
                                               type_name (h.type), h.length,
                                               (unsigned long long) (self->size - payload));
      set_torn_tail (self, number, *offset, what);
      return TRUE;
    }

  if (h.type == MS_RECORDING_RECORD_PROFILE)
    {
      guint before = self->profiles->len;

      if (!add_profile (self, payload, &h, &local))
        goto bad_payload;
      if (self->profiles->len > before)   /* else a delta dropped after damage */
        g_array_index (self->profiles, ProfileEntry, before).frame_number = number;
    }
  else if (h.type == MS_RECORDING_RECORD_END)
    self->closed = TRUE;
  else
    {
      g_autoptr(GBytes) bytes = read_payload (self, payload, &h, &local);

      if (bytes == NULL || !add_small_record (self, &h, bytes, &local))
        goto bad_payload;
    }

  *offset = payload + h.length;
  *stop = *offset == self->size;
  return TRUE;

bad_payload:
  if (local->domain != MS_ANALYSIS_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_propagate_error (damage, g_steal_pointer (&local));
  return TRUE;
}

/* The first offset at or after @from where a sound frame header starts (a known type,
 * reserved bits zero, its checksum right, a time in range), or the file's size. One
 * pass over the bytes, read in chunks: garbage costs time linear in its size. */
static gboolean
resync (MsRecordingFile  *self,
        guint64           from,
        guint64          *found,
        GError          **error)
{
  enum { CHUNK = 64 * 1024 };
  g_autofree guint8 *buf = g_malloc (CHUNK + MS_RECORDING_FRAME_HEADER_LEN);
  guint64 pos = from;

  while (pos < self->size && self->size - pos >= MS_RECORDING_FRAME_HEADER_LEN)
    {
      gsize n = MIN ((guint64) CHUNK + MS_RECORDING_FRAME_HEADER_LEN - 1, self->size - pos);

      if (!read_at (self, pos, buf, n, error))
        return FALSE;
      for (gsize i = 0; i + MS_RECORDING_FRAME_HEADER_LEN <= n; i++)
        {
          const guint8 *raw = buf + i;
          MsRecordingFrameHeader h;

          if (raw[6] != 0 || raw[7] != 0 || raw[4] < MS_RECORDING_RECORD_METADATA ||
              raw[4] > MS_RECORDING_RECORD_END ||
              raw[5] > (MS_RECORDING_FLAG_COMPRESSED | MS_RECORDING_FLAG_DELTA))
            continue;
          if (!ms_recording_frame_header_decode (raw, &h) ||
              h.time_us < 0 || h.time_us > MS_SESSION_FILE_MAX_TIME)
            continue;
          *found = pos + i;
          return TRUE;
        }
      pos += n - MS_RECORDING_FRAME_HEADER_LEN + 1;
    }
  *found = self->size;
  return TRUE;
}

/* Reads the frames in order. After a bad frame, reading resumes at the next sound
 * frame header (the bad frame's end when its own header is sound); profile deltas
 * after a lost profile are dropped until the next key frame. Every damaged range is
 * listed; the first is the torn tail. */
static MsRecordingFile *
scan (MsRecordingFile  *self,
      GError          **error)
{
  g_autoptr(MsRecordingFile) owned = self;
  guint64 offset = MS_RECORDING_FILE_HEADER_LEN;
  gboolean stop = FALSE;

  if (!check_file_header (self, error))
    return NULL;
  if (self->torn_tail != NULL || self->size == MS_RECORDING_FILE_HEADER_LEN)
    return g_steal_pointer (&owned);

  for (guint number = 1; !stop; number++)
    {
      g_autoptr(GError) damage = NULL;
      guint64 start = offset, resume = 0;
      guint8 type = 0;
      DamageEntry *last;

      if (!scan_frame (self, &offset, number, &stop, &resume, &type, &damage, error))
        return NULL;
      if (damage == NULL)
        continue;
      last = self->damaged->len > 0
             ? &g_array_index (self->damaged, DamageEntry, self->damaged->len - 1) : NULL;
      if (last != NULL && !last->cut && last->end == start)
        g_clear_error (&damage);   /* the same damaged range goes on */
      else
        add_damage (self, number, start, FALSE, g_steal_pointer (&damage));
      if (type != MS_RECORDING_RECORD_METADATA && type != MS_RECORDING_RECORD_COUNTERS &&
          type != MS_RECORDING_RECORD_ALARM && type != MS_RECORDING_RECORD_ACTION &&
          type != MS_RECORDING_RECORD_END)
        self->need_key = TRUE;
      if (!resync (self, resume != 0 ? resume : start + 1, &offset, error))
        return NULL;
      if (resume != 0 && offset > resume)
        self->need_key = TRUE;   /* what was skipped may have held a profile */
      g_array_index (self->damaged, DamageEntry, self->damaged->len - 1).end = offset;
      stop = offset >= self->size;
    }
  for (guint i = 0; i < self->damaged->len; i++)
    finish_damage (self, &g_array_index (self->damaged, DamageEntry, i));

  return g_steal_pointer (&owned);
}

/**
 * ms_recording_file_new_for_path:
 *
 * Opens and indexes the recording at @path. Blocks (reads the frame headers and
 * the small records, not the profiles).
 *
 * Returns: (transfer full): the recording, or %NULL with a #MsAnalysisError (or
 *   a #GIOError) naming the problem
 */
MsRecordingFile *
ms_recording_file_new_for_path (const char  *path,
                                GError     **error)
{
  MsRecordingFile *self;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MS_TYPE_RECORDING_FILE, NULL);
  self->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (self->fd < 0 || fstat (self->fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot open the recording: %s"), g_strerror (saved_errno));
      g_object_unref (self);
      return NULL;
    }
  self->size = st.st_size;
  return scan (self, error);
}

/**
 * ms_recording_file_new_from_bytes:
 *
 * Like ms_recording_file_new_for_path(), from memory.
 *
 * Returns: (transfer full): the recording, or %NULL with @error set
 */
MsRecordingFile *
ms_recording_file_new_from_bytes (GBytes  *bytes,
                                  GError **error)
{
  MsRecordingFile *self;

  g_return_val_if_fail (bytes != NULL, NULL);

  self = g_object_new (MS_TYPE_RECORDING_FILE, NULL);
  self->bytes = g_bytes_ref (bytes);
  self->size = g_bytes_get_size (bytes);
  return scan (self, error);
}

/**
 * ms_recording_file_get_torn_tail:
 *
 * Returns: (nullable): why the recording ends early: it was cut inside a frame
 *   (Memscope or the machine stopped while writing it; %MS_ANALYSIS_ERROR_TRUNCATED)
 *   or a frame is damaged (zero fill, a checksum that does not match…; another
 *   code), with the frame's number and offset and how many frames before it were
 *   read; %NULL when every frame is whole
 */
const GError *
ms_recording_file_get_torn_tail (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  return self->torn_tail;
}

/**
 * ms_recording_file_get_n_damaged:
 *
 * Returns: how many damaged ranges the recording has (a torn tail is one)
 */
guint
ms_recording_file_get_n_damaged (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), 0);
  return self->damaged->len;
}

/**
 * ms_recording_file_get_damaged:
 * @start: (out) (optional): the offset of the first bad byte range's frame
 * @end: (out) (optional): where reading resumed (the file's size: it did not)
 * @n_profiles_dropped: (out) (optional): profile deltas dropped after it because
 *   their base was lost, until the next key frame
 *
 * Returns: the damaged range @index, in file order: why (its code) and the whole
 *   message, as ms_recording_file_get_torn_tail() gives for the first
 */
const GError *
ms_recording_file_get_damaged (MsRecordingFile *self,
                               guint            index,
                               guint64         *start,
                               guint64         *end,
                               guint           *n_profiles_dropped)
{
  const DamageEntry *d;

  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  g_return_val_if_fail (index < self->damaged->len, NULL);

  d = &g_array_index (self->damaged, DamageEntry, index);
  if (start != NULL)
    *start = d->start;
  if (end != NULL)
    *end = d->end;
  if (n_profiles_dropped != NULL)
    *n_profiles_dropped = d->dropped;
  return d->error;
}

/* Whether the recorder closed the recording (else it was interrupted). */
gboolean
ms_recording_file_get_closed (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), FALSE);
  return self->closed;
}

guint64
ms_recording_file_get_size (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), 0);
  return self->size;
}

JsonObject *
ms_recording_file_get_browser (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  return self->browser;
}

JsonObject *
ms_recording_file_get_target (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  return self->target;
}

JsonObject *
ms_recording_file_get_sampling (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  return self->sampling;
}

guint
ms_recording_file_get_n_counters (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), 0);
  return self->counters->len;
}

/**
 * ms_recording_file_get_counters_reply:
 *
 * Returns: (transfer none): the reply to Memory.getDOMCounters, byte for byte
 */
GBytes *
ms_recording_file_get_counters_reply (MsRecordingFile *self,
                                      guint            index,
                                      gint64          *time_us)
{
  const CountersEntry *c;

  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  g_return_val_if_fail (index < self->counters->len, NULL);

  c = &g_array_index (self->counters, CountersEntry, index);
  if (time_us != NULL)
    *time_us = c->time_us;
  return c->reply;
}

/**
 * ms_recording_file_get_alarms:
 *
 * Returns: (transfer none): the alarms that fired while recording, in order
 */
MsAlarmList *
ms_recording_file_get_alarms (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  return self->alarms;
}

guint
ms_recording_file_get_n_actions (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), 0);
  return self->actions->len;
}

/**
 * ms_recording_file_get_action:
 * @detail: (out) (optional) (nullable) (transfer none):
 *
 * Returns: (transfer none): what the user did: "purge", "pressure", a marker…
 */
const char *
ms_recording_file_get_action (MsRecordingFile  *self,
                              guint             index,
                              gint64           *time_us,
                              const char      **detail)
{
  const ActionEntry *a;

  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  g_return_val_if_fail (index < self->actions->len, NULL);

  a = &g_array_index (self->actions, ActionEntry, index);
  if (time_us != NULL)
    *time_us = a->time_us;
  if (detail != NULL)
    *detail = a->detail;
  return a->kind;
}

guint
ms_recording_file_get_n_profiles (MsRecordingFile *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), 0);
  return self->profiles->len;
}

/* The last counters reading at or before @time_us, or -1. */
static gint
counters_before (MsRecordingFile *self,
                 gint64           time_us)
{
  guint lo = 0, hi = self->counters->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->counters, CountersEntry, mid).time_us <= time_us)
        lo = mid + 1;
      else
        hi = mid;
    }
  return (gint) lo - 1;
}

static void
read_counters (GBytes              *reply,
               MsRecordingSnapshot *snapshot)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonNode *result_node;
  JsonObject *result;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                   g_bytes_get_size (reply), NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  result_node = json_object_get_member (json_node_get_object (root), "result");
  if (result_node == NULL || !JSON_NODE_HOLDS_OBJECT (result_node))
    return;
  result = json_node_get_object (result_node);
  snapshot->has_counters = TRUE;
  snapshot->documents = json_object_get_int_member_with_default (result, "documents", -1);
  snapshot->nodes = json_object_get_int_member_with_default (result, "nodes", -1);
  snapshot->js_event_listeners = json_object_get_int_member_with_default (result, "jsEventListeners", -1);
}

/**
 * ms_recording_file_get_snapshot:
 *
 * Describes profile @index without decompressing it, with the DOM counters read
 * last before it arrived.
 */
void
ms_recording_file_get_snapshot (MsRecordingFile     *self,
                                guint                index,
                                MsRecordingSnapshot *snapshot)
{
  const ProfileEntry *p;
  gint c;

  g_return_if_fail (MS_IS_RECORDING_FILE (self));
  g_return_if_fail (index < self->profiles->len);
  g_return_if_fail (snapshot != NULL);

  p = &g_array_index (self->profiles, ProfileEntry, index);
  memset (snapshot, 0, sizeof *snapshot);
  snapshot->time_us = p->time_us;
  snapshot->method = p->method;
  snapshot->n_samples = p->n_samples;
  snapshot->total_bytes = p->total_bytes;
  snapshot->reply_bytes = p->raw_length;
  snapshot->stored_bytes = p->length;
  snapshot->key_frame = p->key_index == index;
  snapshot->documents = snapshot->nodes = snapshot->js_event_listeners = -1;

  c = counters_before (self, p->time_us);
  if (c >= 0)
    {
      const CountersEntry *entry = &g_array_index (self->counters, CountersEntry, c);

      snapshot->counters_time_us = entry->time_us;
      read_counters (entry->reply, snapshot);
    }
}

static gboolean
profile_error (GError          **error,
               MsAnalysisError   code,
               const ProfileEntry *p,
               guint             index,
               const char       *what)
{
  /* Translators: the %u are a frame and a profile number, %llu a byte offset, %s what
   * went wrong */
  g_set_error (error, MS_ANALYSIS_ERROR, code,
               _("frame %u (profile %u) at byte %llu: %s"), p->frame_number, index + 1,
               (unsigned long long) (p->offset - MS_RECORDING_FRAME_HEADER_LEN), what);
  return FALSE;
}

/* Profile @index's raw reply, from @previous (the one before) when it is a delta. */
static GBytes *
decode_profile (MsRecordingFile  *self,
                guint             index,
                GBytes           *previous,
                GError          **error)
{
  const ProfileEntry *p = &g_array_index (self->profiles, ProfileEntry, index);
  gsize skip = MS_RECORDING_PROFILE_PREFIX_LEN + strlen (p->method);
  g_autofree guint8 *stored = g_malloc (MAX (p->length, 1));
  g_autofree guint8 *raw = NULL;
  unsigned long long claimed;
  gsize n;

  if (!read_at (self, p->offset, stored, p->length, error))
    return NULL;
  if (CHECKSUM_MISMATCH (ms_recording_crc32 (0, stored, p->length), p->data_crc))
    return profile_error (error, MS_ANALYSIS_ERROR_CHECKSUM, p, index,
                          _("checksum mismatch, the recording is damaged")), NULL;

  if ((p->flags & MS_RECORDING_FLAG_COMPRESSED) == 0)
    {
      if (p->length - skip != p->raw_length || (p->flags & MS_RECORDING_FLAG_DELTA) != 0)
        return profile_error (error, MS_ANALYSIS_ERROR_INVALID_VALUE, p, index,
                              _("an uncompressed body whose size is not the one claimed")), NULL;
      return g_bytes_new (stored + skip, p->length - skip);
    }

  /* Never trust the compressed data's own idea of its size beyond the checked claim. */
  claimed = ZSTD_getFrameContentSize (stored + skip, p->length - skip);
  if (claimed != p->raw_length)
    return profile_error (error, MS_ANALYSIS_ERROR_COMPRESSION, p, index,
                          _("the compressed body does not hold the size its frame claims")), NULL;

  if (self->dctx == NULL)
    {
      self->dctx = ZSTD_createDCtx ();
      ZSTD_DCtx_setParameter (self->dctx, ZSTD_d_windowLogMax, 31);
    }
  ZSTD_DCtx_reset (self->dctx, ZSTD_reset_session_and_parameters);
  ZSTD_DCtx_setParameter (self->dctx, ZSTD_d_windowLogMax, 31);
  if (p->flags & MS_RECORDING_FLAG_DELTA)
    ZSTD_DCtx_refPrefix (self->dctx, g_bytes_get_data (previous, NULL), g_bytes_get_size (previous));

  raw = g_malloc (MAX (p->raw_length, 1));
  n = ZSTD_decompressDCtx (self->dctx, raw, p->raw_length, stored + skip, p->length - skip);
  if (ZSTD_isError (n) || n != p->raw_length)
    {
      g_autofree char *what = g_strdup_printf (_("cannot decompress: %s"),
                                               ZSTD_isError (n) ? ZSTD_getErrorName (n)
                                                                : _("short body"));
      return profile_error (error, MS_ANALYSIS_ERROR_COMPRESSION, p, index, what), NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&raw), n);
}

/**
 * ms_recording_file_get_profile_reply:
 *
 * Decodes profile @index from its key frame (or from the last profile decoded,
 * when that is on the way), checking every frame's checksum. Blocks.
 *
 * Returns: (transfer full): the raw reply exactly as recorded, or %NULL
 */
GBytes *
ms_recording_file_get_profile_reply (MsRecordingFile  *self,
                                     guint             index,
                                     GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GBytes) current = NULL;
  guint key, start;

  g_return_val_if_fail (MS_IS_RECORDING_FILE (self), NULL);
  g_return_val_if_fail (index < self->profiles->len, NULL);

  /* The cache and the decompression context are shared: one decode at a time. */
  locker = g_mutex_locker_new (&self->cache_lock);
  if (self->cached_index == index)
    return g_bytes_ref (self->cached);

  key = g_array_index (self->profiles, ProfileEntry, index).key_index;
  if (self->cached != NULL && self->cached_index >= key && self->cached_index < index)
    {
      start = self->cached_index + 1;
      current = g_bytes_ref (self->cached);
    }
  else
    start = key;

  for (guint i = start; i <= index; i++)
    {
      GBytes *next = decode_profile (self, i, current, error);

      if (next == NULL)
        return NULL;
      g_clear_pointer (&current, g_bytes_unref);
      current = next;
    }

  g_clear_pointer (&self->cached, g_bytes_unref);
  self->cached = g_bytes_ref (current);
  self->cached_index = index;
  return g_steal_pointer (&current);
}

/**
 * ms_recording_file_load_profile:
 *
 * Returns: (transfer full): profile @index, parsed, or %NULL
 */
MsProfile *
ms_recording_file_load_profile (MsRecordingFile  *self,
                                guint             index,
                                GError          **error)
{
  g_autoptr(GBytes) reply = ms_recording_file_get_profile_reply (self, index, error);

  if (reply == NULL)
    return NULL;
  return ms_profile_new_from_bytes (reply, error);
}
