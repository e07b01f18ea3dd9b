/* ms-recording-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <zlib.h>
#include <zstd.h>

#include "ms-analysis-error.h"
#include "ms-recording-file.h"
#include "ms-recording-format-private.h"
#include "ms-recording-writer.h"
#include "ms-session-file.h"

/**
 * MsRecordingWriter:
 *
 * Appends records to a recording file (the format is described in
 * ms-recording-format-private.h). Not thread-safe: use one writer from one thread
 * at a time (the recorder uses it from a worker thread of its own).
 *
 * The file is created 0600 under a temporary name, its header written and synced,
 * then renamed over @path: an existing file is replaced only once a valid (empty)
 * recording stands in its place.
 *
 * Each record is one write of one frame. A failed write (a full disk) is cut off
 * again with ftruncate(), so the file stays a valid recording of what came before;
 * when even that fails, the writer refuses every later record.
 *
 * Sync policy: fdatasync() after every profile, alarm and action frame, after
 * other frames when the last sync is older than SYNC_INTERVAL_US, and at close.
 * A crash of Memscope loses nothing that was appended (it is in the page cache); a
 * crash of the machine loses at most the frames since the last sync — the last
 * poll, or a few seconds of counters.
 */

#define SYNC_INTERVAL_US (5 * G_USEC_PER_SEC)

struct _MsRecordingWriter
{
  GObject    parent_instance;

  char      *path;
  int        fd;
  guint64    end;             /* bytes of complete frames */
  gboolean   broken;          /* a failed write could not be cut off */
  gint64     last_sync_us;

  ZSTD_CCtx *cctx;
  int        level;
  GBytes    *previous;        /* the last profile's raw reply: the next one's prefix */
  guint      key_interval;
  guint      since_key;
  guint      n_profiles;
};

G_DEFINE_FINAL_TYPE (MsRecordingWriter, ms_recording_writer, G_TYPE_OBJECT)

static void
ms_recording_writer_finalize (GObject *object)
{
  MsRecordingWriter *self = (MsRecordingWriter *)object;

  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->cctx, ZSTD_freeCCtx);
  g_clear_pointer (&self->previous, g_bytes_unref);
  g_free (self->path);

  G_OBJECT_CLASS (ms_recording_writer_parent_class)->finalize (object);
}

static void
ms_recording_writer_class_init (MsRecordingWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_recording_writer_finalize;
}

static void
ms_recording_writer_init (MsRecordingWriter *self)
{
  self->fd = -1;
  self->level = 1;
  self->key_interval = MS_RECORDING_DEFAULT_KEY_INTERVAL;
}

/* "@what: what errno @saved_errno says", in the domain and code it maps to; frees @what. */
static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 char        *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", what,
               g_strerror (saved_errno));
  g_free (what);
  return FALSE;
}

static gboolean
write_all (int           fd,
           struct iovec *iov,
           int           n_iov)
{
  while (n_iov > 0)
    {
      ssize_t n = writev (fd, iov, n_iov);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      while (n_iov > 0 && (gsize) n >= iov->iov_len)
        {
          n -= iov->iov_len;
          iov++;
          n_iov--;
        }
      if (n_iov > 0)
        {
          iov->iov_base = (char *) iov->iov_base + n;
          iov->iov_len -= n;
        }
    }
  return TRUE;
}

static void
sync_directory (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/**
 * ms_recording_writer_new:
 * @path: where the recording goes; an existing file there is replaced
 *
 * Returns: (transfer full): a writer that has written the file header, or %NULL
 */
MsRecordingWriter *
ms_recording_writer_new (const char  *path,
                         GError     **error)
{
  g_autoptr(MsRecordingWriter) self = NULL;
  g_autofree char *tmp = NULL;
  guint8 header[MS_RECORDING_FILE_HEADER_LEN];
  struct iovec iov;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MS_TYPE_RECORDING_WRITER, NULL);
  self->path = g_strdup (path);
  tmp = g_strconcat (path, ".XXXXXX", NULL);
  self->fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      int saved_errno = errno;

      return set_errno_error (error, saved_errno,
                              g_strdup_printf (_("Cannot create a recording beside “%s”"), path)),
             NULL;
    }

  ms_recording_file_header_encode (header);
  iov.iov_base = header;
  iov.iov_len = sizeof header;
  if (!write_all (self->fd, &iov, 1) || fdatasync (self->fd) != 0 || g_rename (tmp, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp);
      return set_errno_error (error, saved_errno,
                              g_strdup_printf (_("Cannot write the recording “%s”"), path)), NULL;
    }
  sync_directory (path);
  self->end = sizeof header;
  self->last_sync_us = g_get_monotonic_time ();
  self->cctx = ZSTD_createCCtx ();

  return g_steal_pointer (&self);
}

const char *
ms_recording_writer_get_path (MsRecordingWriter *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), NULL);
  return self->path;
}

/* Bytes of complete frames written so far. */
guint64
ms_recording_writer_get_size (MsRecordingWriter *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), 0);
  return self->end;
}

guint
ms_recording_writer_get_n_profiles (MsRecordingWriter *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), 0);
  return self->n_profiles;
}

/* One profile in @interval is a key frame (1: every one). */
void
ms_recording_writer_set_key_interval (MsRecordingWriter *self,
                                      guint              interval)
{
  g_return_if_fail (MS_IS_RECORDING_WRITER (self));
  self->key_interval = MAX (interval, 1);
}

/* zstd's level; 0 stores profiles uncompressed. */
void
ms_recording_writer_set_compression_level (MsRecordingWriter *self,
                                           int                level)
{
  g_return_if_fail (MS_IS_RECORDING_WRITER (self));
  self->level = level;
}

gboolean
ms_recording_writer_sync (MsRecordingWriter  *self,
                          GError            **error)
{
  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), FALSE);

  if (self->fd < 0)
    return TRUE;
  if (fdatasync (self->fd) != 0)
    {
      int saved_errno = errno;

      return set_errno_error (error, saved_errno,
                              g_strdup_printf (_("Cannot sync the recording “%s”"), self->path));
    }
  self->last_sync_us = g_get_monotonic_time ();
  return TRUE;
}

/* Writes one frame whose payload is the concatenation of @parts. */
static gboolean
append_frame (MsRecordingWriter *self,
              guint8             type,
              guint8             flags,
              guint32            raw_length,
              gint64             time_us,
              struct iovec      *parts,
              int                n_parts,
              GError           **error)
{
  MsRecordingFrameHeader header = { 0 };
  guint8 encoded[MS_RECORDING_FRAME_HEADER_LEN];
  struct iovec iov[8];
  guint64 length = 0;
  guint32 crc = 0;

  g_assert (n_parts < (int) G_N_ELEMENTS (iov));

  if (self->fd < 0 || self->broken)
    {
      if (self->broken)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                     _("The recording “%s” can take no more records (an earlier write failed)"),
                     self->path);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                     _("The recording “%s” can take no more records"), self->path);
      return FALSE;
    }

  for (int i = 0; i < n_parts; i++)
    {
      crc = ms_recording_crc32 (crc, parts[i].iov_base, parts[i].iov_len);
      length += parts[i].iov_len;
      iov[i + 1] = parts[i];
    }
  if (length > G_MAXUINT32)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A record of %" PRIu64 " bytes is too large for a recording"),
                   (uint64_t) length);
      return FALSE;
    }

  header.length = length;
  header.type = type;
  header.flags = flags;
  header.raw_length = raw_length;
  header.time_us = time_us;
  header.data_crc = crc;
  ms_recording_frame_header_encode (&header, encoded);
  iov[0].iov_base = encoded;
  iov[0].iov_len = sizeof encoded;

  if (!write_all (self->fd, iov, n_parts + 1))
    {
      int saved_errno = errno;

      /* Cut the partial frame off so that later frames follow complete ones. */
      if (ftruncate (self->fd, self->end) != 0 || lseek (self->fd, self->end, SEEK_SET) < 0)
        self->broken = TRUE;
      return set_errno_error (error, saved_errno,
                              g_strdup_printf (_("Cannot append to the recording “%s”"),
                                               self->path));
    }
  self->end += sizeof encoded + length;

  if (type == MS_RECORDING_RECORD_PROFILE || type == MS_RECORDING_RECORD_ALARM ||
      type == MS_RECORDING_RECORD_ACTION ||
      g_get_monotonic_time () - self->last_sync_us >= SYNC_INTERVAL_US)
    return ms_recording_writer_sync (self, error);
  return TRUE;
}

static gboolean
append_json (MsRecordingWriter  *self,
             guint8              type,
             gint64              time_us,
             JsonBuilder        *builder,
             GError            **error)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize len = 0;
  g_autofree char *text = json_to_string (root, FALSE);
  struct iovec part;

  len = strlen (text);
  part.iov_base = text;
  part.iov_len = len;
  return append_frame (self, type, 0, len, time_us, &part, 1, error);
}

static void
add_object_member (JsonBuilder *builder,
                   const char  *name,
                   JsonObject  *object)
{
  JsonNode *node;

  if (object == NULL)
    return;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  json_builder_set_member_name (builder, name);
  json_builder_add_value (builder, node);
}

gboolean
ms_recording_writer_append_metadata (MsRecordingWriter  *self,
                                     gint64              time_us,
                                     JsonObject         *browser,
                                     JsonObject         *target,
                                     JsonObject         *sampling,
                                     GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), FALSE);

  json_builder_begin_object (builder);
  add_object_member (builder, "browser", browser);
  add_object_member (builder, "target", target);
  add_object_member (builder, "sampling", sampling);
  json_builder_end_object (builder);
  return append_json (self, MS_RECORDING_RECORD_METADATA, time_us, builder, error);
}

gboolean
ms_recording_writer_append_counters (MsRecordingWriter  *self,
                                     gint64              time_us,
                                     GBytes             *reply,
                                     GError            **error)
{
  struct iovec part;
  gsize len = 0;

  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  part.iov_base = (void *) g_bytes_get_data (reply, &len);
  part.iov_len = len;
  return append_frame (self, MS_RECORDING_RECORD_COUNTERS, 0, len, time_us, &part, 1, error);
}

/* Compresses @reply, against the previous reply when it is not time for a key
 * frame. Returns the compressed size, or 0 with @error set. */
static gsize
compress_profile (MsRecordingWriter  *self,
                  GBytes             *reply,
                  gboolean            delta,
                  void               *out,
                  gsize               out_len,
                  GError            **error)
{
  gsize len = 0, prev_len = 0;
  const void *data = g_bytes_get_data (reply, &len);
  const void *prev = delta ? g_bytes_get_data (self->previous, &prev_len) : NULL;
  guint64 span = (guint64) len + prev_len;
  int window_log = 10;  /* ZSTD_WINDOWLOG_MIN */
  size_t n;

  /* The window must reach from the end of this reply back to the prefix's start. */
  while (window_log < 30 && ((guint64) 1 << window_log) < span)
    window_log++;

  ZSTD_CCtx_reset (self->cctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter (self->cctx, ZSTD_c_compressionLevel, self->level);
  ZSTD_CCtx_setParameter (self->cctx, ZSTD_c_windowLog, window_log);
  ZSTD_CCtx_setParameter (self->cctx, ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter (self->cctx, ZSTD_c_checksumFlag, 0);
  if (delta)
    ZSTD_CCtx_refPrefix (self->cctx, prev, prev_len);

  n = ZSTD_compress2 (self->cctx, out, out_len, data, len);
  if (ZSTD_isError (n))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot compress a profile for “%s”: %s"), self->path, ZSTD_getErrorName (n));
      return 0;
    }
  return n;
}

/**
 * ms_recording_writer_append_profile:
 * @method: e.g. "getSamplingProfile"
 * @reply: the raw reply, stored byte for byte (compressed)
 * @n_samples: @total_bytes: the profile's samples and estimated bytes, for the
 *   snapshot list (read without decompressing)
 */
gboolean
ms_recording_writer_append_profile (MsRecordingWriter  *self,
                                    gint64              time_us,
                                    const char         *method,
                                    GBytes             *reply,
                                    guint               n_samples,
                                    guint64             total_bytes,
                                    GError            **error)
{
  guint8 prefix[MS_RECORDING_PROFILE_PREFIX_LEN];
  gsize method_len = strlen (method);
  gsize len = g_bytes_get_size (reply);
  g_autofree void *out = NULL;
  gboolean delta;
  guint8 flags = 0;
  struct iovec parts[3];

  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), FALSE);
  g_return_val_if_fail (method != NULL && reply != NULL, FALSE);

  if (method_len > G_MAXUINT8 || len > MS_RECORDING_MAX_RAW_LENGTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A profile of %zu bytes is more than a recording takes (%u)"),
                   (size_t) len, MS_RECORDING_MAX_RAW_LENGTH);
      return FALSE;
    }

  prefix[12] = method_len;
  for (int i = 0; i < 4; i++)
    prefix[i] = (n_samples >> (8 * i)) & 0xff;
  for (int i = 0; i < 8; i++)
    prefix[4 + i] = (total_bytes >> (8 * i)) & 0xff;
  parts[0].iov_base = prefix;
  parts[0].iov_len = sizeof prefix;
  parts[1].iov_base = (void *) method;
  parts[1].iov_len = method_len;

  delta = self->previous != NULL && self->since_key + 1 < self->key_interval;
  if (self->level > 0)
    {
      gsize out_len = ZSTD_compressBound (len);
      gsize n;

      out = g_malloc (out_len);
      n = compress_profile (self, reply, delta, out, out_len, error);
      if (n == 0)
        return FALSE;
      parts[2].iov_base = out;
      parts[2].iov_len = n;
      flags = MS_RECORDING_FLAG_COMPRESSED | (delta ? MS_RECORDING_FLAG_DELTA : 0);
    }
  else
    {
      parts[2].iov_base = (void *) g_bytes_get_data (reply, NULL);
      parts[2].iov_len = len;
      delta = FALSE;
    }

  if (!append_frame (self, MS_RECORDING_RECORD_PROFILE, flags, len, time_us, parts, 3, error))
    return FALSE;

  self->since_key = delta ? self->since_key + 1 : 0;
  g_clear_pointer (&self->previous, g_bytes_unref);
  self->previous = g_bytes_ref (reply);
  self->n_profiles++;
  return TRUE;
}

gboolean
ms_recording_writer_append_alarm (MsRecordingWriter   *self,
                                  gint64               time_us,
                                  guint64              size,
                                  guint64              total,
                                  const char * const  *stack,
                                  GError             **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, size);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "stack");
  json_builder_begin_array (builder);
  for (guint i = 0; stack != NULL && stack[i] != NULL; i++)
    json_builder_add_string_value (builder, stack[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return append_json (self, MS_RECORDING_RECORD_ALARM, time_us, builder, error);
}

gboolean
ms_recording_writer_append_action (MsRecordingWriter  *self,
                                   gint64              time_us,
                                   const char         *kind,
                                   const char         *detail,
                                   GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  if (detail != NULL)
    {
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, detail);
    }
  json_builder_end_object (builder);
  return append_json (self, MS_RECORDING_RECORD_ACTION, time_us, builder, error);
}

/**
 * ms_recording_writer_close:
 *
 * Marks the recording complete (an END frame), syncs and closes it. Later
 * appends fail.
 */
gboolean
ms_recording_writer_close (MsRecordingWriter  *self,
                           GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (MS_IS_RECORDING_WRITER (self), FALSE);

  if (self->fd < 0)
    return TRUE;
  ok = append_frame (self, MS_RECORDING_RECORD_END, 0, 0, g_get_real_time (), NULL, 0, error) &&
       ms_recording_writer_sync (self, error);
  close (self->fd);
  self->fd = -1;
  g_clear_pointer (&self->previous, g_bytes_unref);
  return ok;
}

/* Copying a recording that may still be written to */

#define COPY_CHUNK (256 * 1024)

typedef struct
{
  int      in;
  int      out;
  guint64  in_size;      /* the source's size when the copy began */
  guint64  offset;       /* in the source: the next frame */
  guint8  *buffer;
  gboolean ended;        /* an END frame was copied */
} CopyState;

/* set_errno_error() with errno read before the message is built. */
static gboolean G_GNUC_PRINTF (2, 3)
copy_error (GError     **error,
            const char  *format,
            ...)
{
  int saved_errno = errno ? errno : EIO;
  va_list args;
  char *what;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  return set_errno_error (error, saved_errno, what);
}

/* Reads @len bytes at @offset of the source; FALSE when they are not all there. */
static gboolean
copy_read_at (CopyState *state,
              guint64    offset,
              void      *buf,
              gsize      len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (state->in, (char *) buf + done, len - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

static gboolean
copy_check_file_header (CopyState   *state,
                        const char  *src_path,
                        GError     **error)
{
  guint8 header[MS_RECORDING_FILE_HEADER_LEN];
  guint8 expected[MS_RECORDING_FILE_HEADER_LEN];
  gsize len = MIN (state->in_size, sizeof header);

  ms_recording_file_header_encode (expected);
  if (!copy_read_at (state, 0, header, len))
    return copy_error (error, _("Cannot read the recording “%s”"), src_path);
  if (len == 0 || memcmp (header, MS_RECORDING_MAGIC, MIN (len, MS_RECORDING_MAGIC_LEN)) != 0)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_FORMAT,
                   _("“%s” is not a Memscope recording (its first bytes are not the recording’s magic)"),
                   src_path);
      return FALSE;
    }
  if (len < sizeof header)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
                   _("The recording “%s” ends inside its header: nothing was recorded"), src_path);
      return FALSE;
    }
  if (memcmp (header + 8, expected + 8, 4) != 0)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_VERSION,
                   _("The recording “%s” has a version this build cannot copy"), src_path);
      return FALSE;
    }
  if (memcmp (header, expected, sizeof header) != 0)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_CHECKSUM,
                   _("The recording “%s” has a damaged header"), src_path);
      return FALSE;
    }
  return TRUE;
}

/* The payload of the frame @h at @payload into the copy, checked against its
 * checksum on the way, in chunks so that memory stays flat. FALSE when it cannot
 * be read whole or does not match. */
static gboolean
copy_payload (CopyState                    *state,
              guint64                       payload,
              const MsRecordingFrameHeader *h,
              GError                      **error)
{
  guint32 crc = 0;

  for (guint64 done = 0; done < h->length;)
    {
      gsize chunk = MIN (h->length - done, COPY_CHUNK);
      struct iovec iov = { state->buffer, chunk };

      if (!copy_read_at (state, payload + done, state->buffer, chunk))
        return FALSE;
      crc = ms_recording_crc32 (crc, state->buffer, chunk);
      if (!write_all (state->out, &iov, 1))
        return copy_error (error, "%s", _("Cannot write the copy"));
      done += chunk;
    }
  return crc == h->data_crc;
}

/* The next frame, when it is whole and sound; FALSE (and no @error) at the first
 * one that is not: it is cut off again. */
static gboolean
copy_frame (CopyState  *state,
            GError    **error)
{
  guint8 raw[MS_RECORDING_FRAME_HEADER_LEN];
  MsRecordingFrameHeader h;
  guint64 payload = state->offset + sizeof raw;
  off_t out_end = lseek (state->out, 0, SEEK_CUR);
  struct iovec iov = { raw, sizeof raw };

  if (state->in_size - state->offset < sizeof raw ||
      !copy_read_at (state, state->offset, raw, sizeof raw) ||
      !ms_recording_frame_header_decode (raw, &h))
    return FALSE;
  /* What a reader would refuse (see ms-recording-file.c) is not copied either. */
  if (h.raw_length > MS_RECORDING_MAX_RAW_LENGTH || h.length > MS_RECORDING_MAX_RAW_LENGTH + 1024 ||
      h.time_us < 0 || h.time_us > MS_SESSION_FILE_MAX_TIME ||
      state->in_size - payload < h.length)
    return FALSE;

  if (!write_all (state->out, &iov, 1))
    return copy_error (error, "%s", _("Cannot write the copy"));
  if (!copy_payload (state, payload, &h, error))
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      if (ftruncate (state->out, out_end) != 0 || lseek (state->out, out_end, SEEK_SET) < 0)
        return copy_error (error, "%s", _("Cannot write the copy"));
      return FALSE;
    }
  state->offset = payload + h.length;
  state->ended = h.type == MS_RECORDING_RECORD_END;
  return !state->ended;
}

/* Every whole frame of the source, then an END frame unless it had one. */
static gboolean
copy_frames (CopyState     *state,
             GCancellable  *cancellable,
             GError       **error)
{
  guint8 header[MS_RECORDING_FILE_HEADER_LEN];
  struct iovec iov = { header, sizeof header };
  GError *local = NULL;

  ms_recording_file_header_encode (header);
  if (!write_all (state->out, &iov, 1))
    return copy_error (error, "%s", _("Cannot write the copy"));
  state->offset = sizeof header;
  while (copy_frame (state, &local))
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      return FALSE;
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!state->ended)
    {
      MsRecordingFrameHeader end = { 0 };
      guint8 raw[MS_RECORDING_FRAME_HEADER_LEN];

      end.type = MS_RECORDING_RECORD_END;
      end.time_us = g_get_real_time ();
      end.data_crc = ms_recording_crc32 (0, NULL, 0);
      ms_recording_frame_header_encode (&end, raw);
      iov.iov_base = raw;
      iov.iov_len = sizeof raw;
      if (!write_all (state->out, &iov, 1))
        return copy_error (error, "%s", _("Cannot write the copy"));
    }
  if (fsync (state->out) != 0)
    return copy_error (error, "%s", _("Cannot write the copy"));
  return TRUE;
}

/* The copy, opened as any reader would: it must be closed and whole. */
static gboolean
check_copy (const char  *path,
            GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(MsRecordingFile) copy = ms_recording_file_new_for_path (path, &local);

  if (copy == NULL || !ms_recording_file_get_closed (copy) ||
      ms_recording_file_get_torn_tail (copy) != NULL)
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_FORMAT,
                   _("The copy does not read back as a complete recording: %s"),
                   local ? local->message : _("it is not closed"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_source (CopyState   *state,
             const char  *src_path,
             GFile       *dest,
             GError     **error)
{
  struct stat st, dest_st;

  state->in = open (src_path, O_RDONLY | O_CLOEXEC);
  if (state->in < 0 || fstat (state->in, &st) != 0)
    return copy_error (error, _("Cannot open the recording “%s”"), src_path);
  if (g_stat (g_file_peek_path (dest), &dest_st) == 0 &&
      dest_st.st_dev == st.st_dev && dest_st.st_ino == st.st_ino)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” is the recording itself: choose another file"),
                   g_file_peek_path (dest));
      return FALSE;
    }
  state->in_size = st.st_size;
  return copy_check_file_header (state, src_path, error);
}

/**
 * ms_recording_writer_copy_complete:
 * @src_path: a recording (format 2), possibly still being appended to
 * @dest: where the copy goes (a local file); an existing file there is replaced,
 *   never the source itself
 * @cancellable: (nullable): to stop the copy
 *
 * Copies the recording as it stands: every whole frame whose checksums hold, up
 * to the first one that is cut off or does not match (a recording being written
 * may end inside the frame being appended), then an END frame unless the source
 * had one: the copy is a closed recording that opens without a torn tail, and is
 * not taken for an interrupted one.
 *
 * The copy is written 0600 under a temporary name beside @dest, synced, read back,
 * and only then renamed over @dest: a failed copy leaves @dest as it was. Blocks;
 * call it from a worker thread.
 *
 * Returns: %TRUE, or %FALSE with @error naming the problem
 */
gboolean
ms_recording_writer_copy_complete (const char    *src_path,
                                   GFile         *dest,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  CopyState state = { .in = -1, .out = -1 };
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *tmp = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (src_path != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (dest) && g_file_peek_path (dest) != NULL, FALSE);

  if (!open_source (&state, src_path, dest, error))
    goto out;
  dir = g_path_get_dirname (g_file_peek_path (dest));
  name = g_file_get_basename (dest);
  tmp = g_strdup_printf ("%s/.%s-XXXXXX", dir, name);
  state.out = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (state.out < 0)
    {
      copy_error (error, _("Cannot create a file beside “%s”"), g_file_peek_path (dest));
      g_clear_pointer (&tmp, g_free);
      goto out;
    }
  state.buffer = g_malloc (COPY_CHUNK);
  ok = copy_frames (&state, cancellable, error) && check_copy (tmp, error);
  if (ok && g_rename (tmp, g_file_peek_path (dest)) != 0)
    ok = copy_error (error, _("Cannot write “%s”"), g_file_peek_path (dest));
  if (ok)
    sync_directory (g_file_peek_path (dest));

out:
  if (state.out >= 0)
    close (state.out);
  if (!ok && tmp != NULL)
    g_unlink (tmp);
  if (state.in >= 0)
    close (state.in);
  g_free (state.buffer);
  return ok;
}

/* The format's small helpers, shared with the reader. */

guint32
ms_recording_crc32 (guint32     crc,
                    const void *data,
                    gsize       len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      uInt chunk = MIN (len, G_MAXUINT32 / 2);

      crc = crc32 (crc, p, chunk);
      p += chunk;
      len -= chunk;
    }
  return crc;
}

static void
put_u32 (guint8  *out,
         guint32  v)
{
  for (int i = 0; i < 4; i++)
    out[i] = (v >> (8 * i)) & 0xff;
}

static guint32
get_u32 (const guint8 *in)
{
  return in[0] | (in[1] << 8) | (in[2] << 16) | ((guint32) in[3] << 24);
}

void
ms_recording_file_header_encode (guint8 *out)
{
  memcpy (out, MS_RECORDING_MAGIC, MS_RECORDING_MAGIC_LEN);
  put_u32 (out + 8, MS_RECORDING_VERSION);
  put_u32 (out + 12, ms_recording_crc32 (0, out, 12));
}

void
ms_recording_frame_header_encode (const MsRecordingFrameHeader *header,
                                  guint8                       *out)
{
  put_u32 (out, header->length);
  out[4] = header->type;
  out[5] = header->flags;
  out[6] = out[7] = 0;
  put_u32 (out + 8, header->raw_length);
  put_u32 (out + 12, (guint64) header->time_us & 0xffffffff);
  put_u32 (out + 16, (guint64) header->time_us >> 32);
  put_u32 (out + 20, header->data_crc);
  put_u32 (out + 24, ms_recording_crc32 (0, out, 24));
}

gboolean
ms_recording_frame_header_decode (const guint8           *in,
                                  MsRecordingFrameHeader *header)
{
  gboolean valid = get_u32 (in + 24) == ms_recording_crc32 (0, in, 24);

  header->length = get_u32 (in);
  header->type = in[4];
  header->flags = in[5];
  header->raw_length = get_u32 (in + 8);
  header->time_us = (gint64) ((guint64) get_u32 (in + 12) | ((guint64) get_u32 (in + 16) << 32));
  header->data_crc = get_u32 (in + 20);
  return valid;
}
