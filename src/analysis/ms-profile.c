/* ms-profile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "ms-analysis-error.h"
#include "ms-profile-private.h"

/**
 * MsProfile:
 *
 * A sampling heap profile as `Memory.getSamplingProfile` and its siblings
 * return it, read into a compact form: every distinct frame string is kept
 * once, every distinct stack once as an array of frame indices (leaf first, as
 * the protocol sends them), and every sample as its size, total and stack index.
 *
 * The synthetic `<V8 Heap>` sample of `getAllTimeSamplingProfile` is kept
 * apart (ms_profile_get_v8_heap()) and is never one of the samples.
 *
 * Only live allocations are in a profile: the browser drops a sample when its
 * allocation is freed.
 *
 * An #MsProfile is not thread-safe; read it from one thread at a time.
 */
struct _MsProfile
{
  GObject        parent_instance;

  MsProfileData *data;
  GArray        *stack_digests;   /* guint64 pairs, computed when first asked */
  char          *browser_name;
  guint64        total_bytes;
  guint64        total_size;
};

G_DEFINE_FINAL_TYPE (MsProfile, ms_profile, G_TYPE_OBJECT)

static const guint8 gzip_magic[2] = { 0x1f, 0x8b };

static void
clear_frame (gpointer data)
{
  MsProfileFrame *frame = data;

  g_free (frame->address_text);
  g_free (frame->name);
  g_free (frame->sym_function);
  g_free (frame->sym_file);
}

static void
clear_module (gpointer data)
{
  MsProfileModule *module = data;

  g_free (module->name);
  g_free (module->uuid);
  g_free (module->build_id);
  g_free (module->display_name);
}

MsProfileData *
ms_profile_data_new (void)
{
  MsProfileData *data = g_new0 (MsProfileData, 1);

  data->frames = g_array_new (FALSE, TRUE, sizeof (MsProfileFrame));
  g_array_set_clear_func (data->frames, clear_frame);
  data->modules = g_array_new (FALSE, TRUE, sizeof (MsProfileModule));
  g_array_set_clear_func (data->modules, clear_module);
  data->samples = g_array_new (FALSE, FALSE, sizeof (MsProfileSample));
  data->stack_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  data->stack_offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_val (data->stack_offsets, (guint32) { 0 });

  return data;
}

void
ms_profile_data_free (MsProfileData *data)
{
  if (data == NULL)
    return;

  g_array_unref (data->frames);
  g_array_unref (data->modules);
  g_array_unref (data->samples);
  g_array_unref (data->stack_frames);
  g_array_unref (data->stack_offsets);
  g_free (data);
}

static void
ms_profile_finalize (GObject *object)
{
  MsProfile *self = (MsProfile *)object;

  g_clear_pointer (&self->data, ms_profile_data_free);
  g_clear_pointer (&self->stack_digests, g_array_unref);
  g_clear_pointer (&self->browser_name, g_free);

  G_OBJECT_CLASS (ms_profile_parent_class)->finalize (object);
}

static void
ms_profile_class_init (MsProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ms_profile_finalize;
}

static void
ms_profile_init (MsProfile *self)
{
}

/* The main executable's module name is the renderer's rewritten command line,
 * not a path: it carries options, or at least a space before something that is
 * not a path. */
static gboolean
module_name_is_command_line (const char *name)
{
  if (strstr (name, " -") != NULL)
    return TRUE;

  return strchr (name, ' ') != NULL && name[0] != '/';
}

static int
compare_module_base (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const MsProfileModule *modules = user_data;
  guint64 base_a = modules[*(const guint *)a].base;
  guint64 base_b = modules[*(const guint *)b].base;

  return base_a < base_b ? -1 : base_a > base_b ? 1 : 0;
}

static void
resolve_frame_modules (MsProfileData *data)
{
  const MsProfileModule *modules = (const MsProfileModule *)(gpointer)data->modules->data;
  guint n_modules = data->modules->len;
  g_autofree guint *order = g_new (guint, MAX (n_modules, 1));

  for (guint i = 0; i < n_modules; i++)
    order[i] = i;
  g_qsort_with_data (order, n_modules, sizeof (guint), compare_module_base, (gpointer)modules);

  for (guint f = 0; f < data->frames->len; f++)
    {
      MsProfileFrame *frame = &g_array_index (data->frames, MsProfileFrame, f);
      guint lo = 0;
      guint hi = n_modules;

      frame->module = MS_PROFILE_NO_MODULE;
      frame->offset = 0;

      /* the last module whose base is <= address */
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (modules[order[mid]].base <= frame->address)
            lo = mid + 1;
          else
            hi = mid;
        }

      if (lo > 0)
        {
          const MsProfileModule *module = &modules[order[lo - 1]];

          if (frame->address - module->base < module->size)
            {
              frame->module = order[lo - 1];
              frame->offset = frame->address - module->base;
            }
        }
    }
}

static guint64
saturating_add (guint64 a,
                guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

/**
 * ms_profile_new_take_data: (skip)
 *
 * Wraps what the reader produced, resolving each frame to its module.
 */
MsProfile *
ms_profile_new_take_data (MsProfileData *data)
{
  MsProfile *self = g_object_new (MS_TYPE_PROFILE, NULL);

  self->data = data;

  for (guint i = 0; i < data->modules->len; i++)
    {
      MsProfileModule *module = &g_array_index (data->modules, MsProfileModule, i);

      module->is_main = module_name_is_command_line (module->name);
    }

  resolve_frame_modules (data);

  for (guint i = 0; i < data->samples->len; i++)
    {
      const MsProfileSample *sample = &g_array_index (data->samples, MsProfileSample, i);

      self->total_bytes = saturating_add (self->total_bytes, sample->total);
      self->total_size = saturating_add (self->total_size, sample->size);
    }

  return self;
}

static gsize max_input = MS_PROFILE_MAX_INPUT_BYTES;

void
ms_profile_reader_set_max_input (gsize max_bytes)
{
  max_input = max_bytes > 0 ? max_bytes : MS_PROFILE_MAX_INPUT_BYTES;
}

/* @decompressed: the gzip data decompressed past the limit, rather than the file itself. */
static void
set_too_large (GError     **error,
               gboolean     decompressed)
{
  g_autofree char *limit = NULL;

  if (max_input % (1 << 30) == 0)
    limit = g_strdup_printf ("%" G_GSIZE_FORMAT " GiB", max_input >> 30);
  else if (max_input % (1 << 20) == 0)
    limit = g_strdup_printf ("%" G_GSIZE_FORMAT " MiB", max_input >> 20);
  else
    limit = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu byte", "%zu bytes", max_input),
                             (size_t) max_input);

  /* Translators: %s is a size, “2 GiB”. */
  if (decompressed)
    g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE,
                 _("gzip: the data decompresses to more than %s, the limit for a profile or "
                   "session file"), limit);
  else
    g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE,
                 _("the file holds more than %s, the limit for a profile or session file"),
                 limit);
}

static gboolean
is_gzip (const char *data,
         gsize       len)
{
  return len >= 2 && memcmp (data, gzip_magic, 2) == 0;
}

static char *
gunzip_padded (const char  *data,
               gsize        len,
               gsize       *out_len,
               GError     **error)
{
  g_autoptr(GZlibDecompressor) decompressor = NULL;
  g_autofree char *out = NULL;
  gsize capacity;
  gsize used = 0;
  gsize read_total = 0;

  /* ISIZE, the last 4 bytes, is the uncompressed size modulo 2^32: a hint that
   * usually saves every reallocation. */
  capacity = 4 * len;
  if (len >= 18)
    {
      guint32 isize = (guint8)data[len - 4]
                      | (guint32)(guint8)data[len - 3] << 8
                      | (guint32)(guint8)data[len - 2] << 16
                      | (guint32)(guint8)data[len - 1] << 24;

      /* Only a hint: a crafted trailer must not make us allocate 4 GiB. Deflate
       * expands at most 1032:1, so a larger claim is a lie. */
      if (isize >= len / 2 && isize / 1032 <= len)
        capacity = (gsize)isize + 1;
    }
  /* one byte over the limit tells a stream of exactly the limit from a larger one */
  capacity = MIN (MAX (capacity, 4096), max_input + 1);

  decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  out = g_malloc (capacity + MS_JSON_PADDING);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize bytes_read = 0;
      gsize bytes_written = 0;
      GConverterResult res;

      if (used == capacity)
        {
          if (used > max_input)
            {
              set_too_large (error, TRUE);
              return NULL;
            }
          capacity = MIN (capacity * 2, max_input + 1);
          out = g_realloc (out, capacity + MS_JSON_PADDING);
        }

      res = g_converter_convert (G_CONVERTER (decompressor),
                                 data + read_total, len - read_total,
                                 out + used, capacity - used,
                                 G_CONVERTER_INPUT_AT_END,
                                 &bytes_read, &bytes_written, &local_error);

      if (res == G_CONVERTER_ERROR)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
            {
              if (capacity > max_input)
                {
                  set_too_large (error, TRUE);
                  return NULL;
                }
              capacity = MIN (capacity * 2, max_input + 1);
              out = g_realloc (out, capacity + MS_JSON_PADDING);
              continue;
            }

          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
                         _("gzip: the compressed data is truncated after %zu bytes"),
                         (size_t) len);
          else
            g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_COMPRESSION,
                         _("gzip: %s at compressed byte %zu"),
                         local_error->message, (size_t) read_total);
          return NULL;
        }

      read_total += bytes_read;
      used += bytes_written;

      if (res == G_CONVERTER_FINISHED)
        break;

      if (bytes_read == 0 && bytes_written == 0 && used < capacity)
        {
          g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TRUNCATED,
                       _("gzip: the compressed data is truncated after %zu bytes"),
                       (size_t) len);
          return NULL;
        }
    }

  if (used > max_input)
    {
      set_too_large (error, TRUE);
      return NULL;
    }

  if (capacity - used > 1024 * 1024)
    out = g_realloc (out, used + MS_JSON_PADDING);
  memset (out + used, 0, MS_JSON_PADDING);
  *out_len = used;

  return g_steal_pointer (&out);
}

char *
ms_profile_reader_copy_padded (const char  *data,
                               gsize        len,
                               gsize       *out_len,
                               GError     **error)
{
  char *buf;

  if (is_gzip (data, len))
    return gunzip_padded (data, len, out_len, error);

  buf = g_malloc (len + MS_JSON_PADDING);
  memcpy (buf, data, len);
  memset (buf + len, 0, MS_JSON_PADDING);
  *out_len = len;

  return buf;
}

char *
ms_profile_reader_load_padded (GFile         *file,
                               gsize         *out_len,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *buf = NULL;
  gsize capacity;
  gsize len = 0;

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         cancellable, NULL);
  capacity = info != NULL ? (gsize)MAX (g_file_info_get_size (info), 0) : 0;
  if (capacity > max_input)
    {
      set_too_large (error, FALSE);
      return NULL;
    }
  capacity = MAX (capacity + 1, 4096);
  buf = g_malloc (capacity + MS_JSON_PADDING);

  for (;;)
    {
      gsize n = 0;

      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buf + len, capacity - len,
                                    &n, cancellable, error))
        return NULL;

      len += n;
      if (len < capacity)
        break;
      if (len > max_input)
        {
          set_too_large (error, FALSE);
          return NULL;
        }

      capacity = MIN (capacity * 2, max_input + 1);
      buf = g_realloc (buf, capacity + MS_JSON_PADDING);
    }

  if (is_gzip (buf, len))
    return gunzip_padded (buf, len, out_len, error);

  memset (buf + len, 0, MS_JSON_PADDING);
  *out_len = len;

  return g_steal_pointer (&buf);
}

/* Streaming: the reader pulls the input through a window of this size. */
#define STREAM_WINDOW_BYTES (1 << 20)
#define STREAM_BLOCK_BYTES  (64 << 10)

/* The input of ms_profile_reader_parse_stream(): a file or bytes in memory,
 * gunzipped block by block when they start with the gzip magic. */
typedef struct
{
  GInputStream *stream;        /* NULL for bytes in memory */
  GCancellable *cancellable;
  char         *block;         /* the file's first bytes, then its compressed blocks */
  const char   *in;            /* what is not consumed yet: in the block, or in memory */
  gsize         in_len;
  gboolean      in_eof;
  GConverter   *gunzip;        /* NULL for plain text */
  gboolean      finished;
  gsize         produced;      /* text handed to the reader so far */
  gboolean      corrupt;       /* gzip failed, or the text is over the limit: read whole,
                                * which reports it as before */
} StreamSource;

static void
stream_source_clear (StreamSource *source)
{
  g_clear_pointer (&source->block, g_free);
  g_clear_object (&source->gunzip);
}

static gboolean
stream_source_refill (StreamSource  *source,
                      GError       **error)
{
  gssize n;

  if (source->stream == NULL)
    {
      source->in_eof = TRUE;
      return TRUE;
    }

  n = g_input_stream_read (source->stream, source->block, STREAM_BLOCK_BYTES, source->cancellable, error);
  if (n < 0)
    return FALSE;
  source->in = source->block;
  source->in_len = n;
  source->in_eof = n == 0;

  return TRUE;
}

static gssize
stream_source_gunzip (StreamSource  *source,
                      char          *buf,
                      gsize          size,
                      GError       **error)
{
  while (!source->finished)
    {
      g_autoptr(GError) local_error = NULL;
      gsize n_read = 0, n_written = 0;
      GConverterResult res;

      if (source->in_len == 0 && !source->in_eof && !stream_source_refill (source, error))
        return -1;

      res = g_converter_convert (source->gunzip, source->in, source->in_len, buf, size,
                                 source->in_eof ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                                 &n_read, &n_written, &local_error);
      if (res == G_CONVERTER_ERROR)
        {
          /* reading whole again reports what is wrong, as before */
          source->corrupt = TRUE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }

      source->in += n_read;
      source->in_len -= n_read;
      if (res == G_CONVERTER_FINISHED)
        source->finished = TRUE;
      if (n_written > 0)
        return n_written;
      if (n_read == 0 && source->in_eof)
        {
          source->corrupt = TRUE;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, _("truncated"));
          return -1;
        }
    }

  return 0;
}

static gssize
stream_source_read_text (StreamSource  *source,
                         char          *buf,
                         gsize          size,
                         GError       **error)
{
  gsize n;

  if (source->gunzip != NULL)
    return stream_source_gunzip (source, buf, size, error);

  /* plain text: the first block read to look for the gzip magic, then the file */
  if (source->in_len == 0)
    return source->stream != NULL ? g_input_stream_read (source->stream, buf, size, source->cancellable, error) : 0;

  n = MIN (size, source->in_len);
  memcpy (buf, source->in, n);
  source->in += n;
  source->in_len -= n;

  return n;
}

static gssize
stream_source_read (gpointer   user_data,
                    char      *buf,
                    gsize      size,
                    GError   **error)
{
  StreamSource *source = user_data;
  gssize n = stream_source_read_text (source, buf, size, error);

  if (n > 0)
    source->produced += n;
  if (source->produced > max_input)
    {
      source->corrupt = TRUE;
      g_set_error_literal (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_LARGE, _("over the limit"));
      return -1;
    }

  return n;
}

/* Reads @source in pieces: %NULL with @error set when reading failed, %NULL
 * without when the caller has to read the input whole (see
 * ms_profile_reader_parse_stream()). */
static MsProfile *
parse_stream (StreamSource  *source,
              gsize          size_hint,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  MsProfileData *data;

  data = ms_profile_reader_parse_stream (stream_source_read, source, STREAM_WINDOW_BYTES,
                                         size_hint, &local_error);
  if (data != NULL)
    return ms_profile_new_take_data (data);

  if (local_error != NULL && !source->corrupt)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

static MsProfile *
parse_padded (const char  *buf,
              gsize        len,
              GError     **error)
{
  MsProfileData *data = ms_profile_reader_parse_padded (buf, len, error);

  if (data == NULL)
    return NULL;

  return ms_profile_new_take_data (data);
}

/**
 * ms_profile_new_from_data:
 * @data: (array length=len): JSON text, or gzip-compressed JSON text
 * @len: length of @data
 * @error: return location for a #MsAnalysisError
 *
 * Reads a raw CDP reply (`{"id":…,"result":{"profile":{…}}}`), a
 * `{"profile":{…}}` result or a bare profile object `{"samples":…,"modules":…}`.
 * The data is gzip-decompressed first when it starts with the gzip magic bytes.
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
MsProfile *
ms_profile_new_from_data (const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autofree char *buf = NULL;
  gsize buf_len = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (data == NULL)
    data = "";

  /* the caller's bytes are read where they lie, gunzipped through a window */
  if (!is_gzip (data, len))
    {
      MsProfileData *profile_data = ms_profile_reader_parse_unpadded (data, len, error);

      return profile_data != NULL ? ms_profile_new_take_data (profile_data) : NULL;
    }
  else
    {
      StreamSource source = { .in = data, .in_len = len, .in_eof = TRUE };
      MsProfile *profile;

      source.gunzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
      profile = parse_stream (&source, 0, error);
      stream_source_clear (&source);
      if (profile != NULL)
        return profile;
    }

  /* not a form the streaming reader takes, or not valid: whole, for the precise error */
  buf = ms_profile_reader_copy_padded (data, len, &buf_len, error);
  if (buf == NULL)
    return NULL;

  return parse_padded (buf, buf_len, error);
}

/**
 * ms_profile_new_from_bytes:
 * @bytes: a reply as the DevTools client hands it over
 * @error: return location for a #MsAnalysisError
 *
 * Like ms_profile_new_from_data().
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
MsProfile *
ms_profile_new_from_bytes (GBytes  *bytes,
                           GError **error)
{
  gsize len;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);

  return ms_profile_new_from_data (data, len, error);
}

/**
 * ms_profile_new_from_file:
 * @file: a JSON or gzip-compressed JSON file
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Like ms_profile_new_from_data(), reading @file. Blocks: use
 * ms_profile_new_from_file_async() on the main thread.
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
MsProfile *
ms_profile_new_from_file (GFile         *file,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *buf = NULL;
  gsize len = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  {
    g_autoptr(GFileInputStream) stream = NULL;
    g_autoptr(GFileInfo) info = NULL;
    g_autoptr(GError) local_error = NULL;
    StreamSource source = { 0, };
    MsProfile *profile;
    gsize n = 0;

    stream = g_file_read (file, cancellable, error);
    if (stream == NULL)
      return NULL;
    info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);

    /* over the limit: the whole read below says so, as before */
    if (info != NULL && g_file_info_get_size (info) > 0 && (guint64)g_file_info_get_size (info) > max_input)
      goto read_whole;

    source.stream = G_INPUT_STREAM (stream);
    source.cancellable = cancellable;
    source.block = g_malloc (STREAM_BLOCK_BYTES);
    if (!g_input_stream_read_all (source.stream, source.block, STREAM_BLOCK_BYTES, &n, cancellable, error))
      {
        stream_source_clear (&source);
        return NULL;
      }
    source.in = source.block;
    source.in_len = n;
    source.in_eof = n < STREAM_BLOCK_BYTES;
    if (is_gzip (source.block, n))
      source.gunzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));

    profile = parse_stream (&source, source.gunzip == NULL && info != NULL ? (gsize)g_file_info_get_size (info) : 0,
                            &local_error);
    stream_source_clear (&source);
    if (profile != NULL || local_error != NULL)
      {
        if (profile == NULL)
          g_propagate_error (error, g_steal_pointer (&local_error));
        else if (g_cancellable_set_error_if_cancelled (cancellable, error))
          g_clear_object (&profile);
        return profile;
      }
  }

read_whole:
  /* not a form the streaming reader takes, or not valid: whole, for the precise error */
  buf = ms_profile_reader_load_padded (file, &len, cancellable, error);
  if (buf == NULL)
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return parse_padded (buf, len, error);
}

static void
new_from_file_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  MsProfile *profile = ms_profile_new_from_file (task_data, cancellable, &error);

  if (profile == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, profile, g_object_unref);
}

void
ms_profile_new_from_file_async (GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_profile_new_from_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, new_from_file_thread);
}

MsProfile *
ms_profile_new_from_file_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
new_from_bytes_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;
  MsProfile *profile = ms_profile_new_from_bytes (task_data, &error);

  if (profile == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, profile, g_object_unref);
}

void
ms_profile_new_from_bytes_async (GBytes              *bytes,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (bytes != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_profile_new_from_bytes_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify)g_bytes_unref);
  g_task_run_in_thread (task, new_from_bytes_thread);
}

MsProfile *
ms_profile_new_from_bytes_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
ms_profile_get_n_samples (MsProfile *self)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), 0);

  return self->data->samples->len;
}

/**
 * ms_profile_get_sample:
 * @self: a #MsProfile
 * @index: a sample index below ms_profile_get_n_samples()
 * @size: (out) (optional): the sampled allocation's real size in bytes
 * @total: (out) (optional): the bytes the sample stands for
 * @n_frames: (out) (optional): the stack's length
 *
 * Returns: (transfer none): the frame indices of the sample's stack, leaf first
 */
const guint32 *
ms_profile_get_sample (MsProfile *self,
                       guint      index,
                       guint64   *size,
                       guint64   *total,
                       guint     *n_frames)
{
  const MsProfileSample *sample;

  g_return_val_if_fail (MS_IS_PROFILE (self), NULL);
  g_return_val_if_fail (index < self->data->samples->len, NULL);

  sample = &g_array_index (self->data->samples, MsProfileSample, index);
  if (size != NULL)
    *size = sample->size;
  if (total != NULL)
    *total = sample->total;

  return ms_profile_get_stack (self, sample->stack, n_frames);
}

guint
ms_profile_get_sample_stack (MsProfile *self,
                             guint      sample)
{
  return g_array_index (self->data->samples, MsProfileSample, sample).stack;
}

guint
ms_profile_get_n_stacks (MsProfile *self)
{
  return self->data->stack_offsets->len - 1;
}

const guint32 *
ms_profile_get_stack (MsProfile *self,
                      guint      stack,
                      guint     *n_frames)
{
  const guint32 *offsets = (const guint32 *)(gpointer)self->data->stack_offsets->data;

  if (n_frames != NULL)
    *n_frames = offsets[stack + 1] - offsets[stack];

  return &g_array_index (self->data->stack_frames, guint32, offsets[stack]);
}

static guint64
mix64 (guint64 h)
{
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return h;
}

void
ms_profile_get_stack_digest (MsProfile *self,
                             guint      stack,
                             guint64    digest[2])
{
  if (self->stack_digests == NULL)
    {
      guint n_stacks = ms_profile_get_n_stacks (self);

      self->stack_digests = g_array_sized_new (FALSE, FALSE, sizeof (guint64), 2 * n_stacks);

      for (guint s = 0; s < n_stacks; s++)
        {
          guint n;
          const guint32 *frames = ms_profile_get_stack (self, s, &n);
          guint64 h1 = G_GUINT64_CONSTANT (0x243f6a8885a308d3) ^ n;
          guint64 h2 = G_GUINT64_CONSTANT (0x13198a2e03707344) + n;

          for (guint i = 0; i < n; i++)
            {
              guint64 address = g_array_index (self->data->frames, MsProfileFrame, frames[i]).address;

              h1 = mix64 (h1 ^ address) + i;
              h2 = mix64 (h2 + address * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) ^ h1;
            }

          g_array_append_val (self->stack_digests, h1);
          g_array_append_val (self->stack_digests, h2);
        }
    }

  digest[0] = g_array_index (self->stack_digests, guint64, 2 * stack);
  digest[1] = g_array_index (self->stack_digests, guint64, 2 * stack + 1);
}

/**
 * ms_profile_get_total_bytes:
 *
 * Returns: the sum of `total` over all samples (the `<V8 Heap>` one excluded)
 */
guint64
ms_profile_get_total_bytes (MsProfile *self)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), 0);

  return self->total_bytes;
}

/**
 * ms_profile_get_total_size:
 *
 * Returns: the sum of `size` over all samples (the `<V8 Heap>` one excluded)
 */
guint64
ms_profile_get_total_size (MsProfile *self)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), 0);

  return self->total_size;
}

/**
 * ms_profile_get_v8_heap:
 * @size: (out) (optional): the `size` of the synthetic `<V8 Heap>` sample
 * @total: (out) (optional): its `total`
 *
 * `getAllTimeSamplingProfile` adds one synthetic sample whose only frame is
 * `<V8 Heap>`; it is a separate figure and is never part of a flame tree.
 *
 * Returns: whether the profile had such a sample
 */
gboolean
ms_profile_get_v8_heap (MsProfile *self,
                        guint64   *size,
                        guint64   *total)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), FALSE);

  if (size != NULL)
    *size = self->data->v8_heap_size;
  if (total != NULL)
    *total = self->data->v8_heap_total;

  return self->data->has_v8_heap;
}

/**
 * ms_profile_get_n_frames:
 *
 * Returns: the number of distinct frames (distinct frame strings)
 */
guint
ms_profile_get_n_frames (MsProfile *self)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), 0);

  return self->data->frames->len;
}

/**
 * ms_profile_get_frame:
 * @self: a #MsProfile
 * @frame_index: below ms_profile_get_n_frames()
 * @module_index: (out) (optional): the module holding the address, or
 *   %MS_PROFILE_NO_MODULE
 * @offset: (out) (optional): the address minus the module's base address (0
 *   without a module): what a symbolizer looks up in the module's ELF file
 * @address: (out) (optional): the address
 * @name: (out) (optional) (transfer none): the name the browser gave, often `<unknown>`
 *
 * Lets a symbolizer walk the distinct frames; it hands results back with
 * ms_profile_set_frame_symbol().
 *
 * Returns: (transfer none): the address exactly as the protocol wrote it
 */
const char *
ms_profile_get_frame (MsProfile   *self,
                      guint        frame_index,
                      guint       *module_index,
                      guint64     *offset,
                      guint64     *address,
                      const char **name)
{
  const MsProfileFrame *frame;

  g_return_val_if_fail (MS_IS_PROFILE (self), NULL);
  g_return_val_if_fail (frame_index < self->data->frames->len, NULL);

  frame = &g_array_index (self->data->frames, MsProfileFrame, frame_index);
  if (module_index != NULL)
    *module_index = frame->module;
  if (offset != NULL)
    *offset = frame->offset;
  if (address != NULL)
    *address = frame->address;
  if (name != NULL)
    *name = frame->name;

  return frame->address_text;
}

/**
 * ms_profile_set_frame_symbol:
 * @self: a #MsProfile
 * @frame_index: below ms_profile_get_n_frames()
 * @function: (nullable): the resolved function name, %NULL to forget a symbol
 * @file: (nullable): its source file
 * @line: its line, 0 when unknown
 *
 * Records a symbol resolved outside the analysis layer (the ELF symbolizer).
 * %MS_LABEL_MODE_SYMBOL prefers it to every other name. Flame trees built
 * before the call keep their labels.
 */
void
ms_profile_set_frame_symbol (MsProfile  *self,
                             guint       frame_index,
                             const char *function,
                             const char *file,
                             guint       line)
{
  MsProfileFrame *frame;

  g_return_if_fail (MS_IS_PROFILE (self));
  g_return_if_fail (frame_index < self->data->frames->len);

  frame = &g_array_index (self->data->frames, MsProfileFrame, frame_index);
  g_free (frame->sym_function);
  g_free (frame->sym_file);
  frame->sym_function = function != NULL && function[0] != '\0' ? g_strdup (function) : NULL;
  frame->sym_file = frame->sym_function != NULL ? g_strdup (file) : NULL;
  frame->sym_line = frame->sym_function != NULL ? line : 0;
}

/**
 * ms_profile_get_frame_symbol:
 * @function: (out) (optional) (transfer none):
 * @file: (out) (optional) (transfer none) (nullable):
 * @line: (out) (optional):
 *
 * Returns: whether a symbol was set with ms_profile_set_frame_symbol()
 */
gboolean
ms_profile_get_frame_symbol (MsProfile   *self,
                             guint        frame_index,
                             const char **function,
                             const char **file,
                             guint       *line)
{
  const MsProfileFrame *frame;

  g_return_val_if_fail (MS_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (frame_index < self->data->frames->len, FALSE);

  frame = &g_array_index (self->data->frames, MsProfileFrame, frame_index);
  if (function != NULL)
    *function = frame->sym_function;
  if (file != NULL)
    *file = frame->sym_file;
  if (line != NULL)
    *line = frame->sym_line;

  return frame->sym_function != NULL;
}

/**
 * ms_profile_dup_frame_label:
 * @self: a #MsProfile
 * @frame_index: below ms_profile_get_n_frames()
 * @mode: how to name the frame
 *
 * Returns: (transfer full): the frame's label in @mode, see #MsLabelMode
 */
char *
ms_profile_dup_frame_label (MsProfile   *self,
                            guint        frame_index,
                            MsLabelMode  mode)
{
  const MsProfileFrame *frame;

  g_return_val_if_fail (MS_IS_PROFILE (self), NULL);
  g_return_val_if_fail (frame_index < self->data->frames->len, NULL);

  frame = &g_array_index (self->data->frames, MsProfileFrame, frame_index);

  switch (mode)
    {
    case MS_LABEL_MODE_ADDRESS:
      return g_strdup (frame->address_text);

    case MS_LABEL_MODE_MODULE:
      if (frame->module == MS_PROFILE_NO_MODULE)
        return g_strdup ("<no module>");
      return g_strdup (ms_profile_get_module_display_name (self, frame->module));

    case MS_LABEL_MODE_SYMBOL:
    default:
      if (frame->sym_function != NULL)
        return g_strdup (frame->sym_function);
      if (frame->name[0] != '\0' && strcmp (frame->name, "<unknown>") != 0)
        return g_strdup (frame->name);
      if (frame->module != MS_PROFILE_NO_MODULE)
        return g_strdup_printf ("%s+0x%" G_GINT64_MODIFIER "x",
                                ms_profile_get_module_display_name (self, frame->module),
                                frame->offset);
      return g_strdup (frame->address_text);
    }
}

guint
ms_profile_get_n_modules (MsProfile *self)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), 0);

  return self->data->modules->len;
}

/**
 * ms_profile_get_module:
 * @self: a #MsProfile
 * @module_index: below ms_profile_get_n_modules()
 * @build_id: (out) (optional) (transfer none): the ELF build-id in lower-case
 *   hex: the module's `uuid` without its trailing age digit (may be "")
 * @base_address: (out) (optional): where the module is mapped
 * @size: (out) (optional): the mapping's size
 *
 * Returns: (transfer none): the module's `name` as the protocol gave it
 *   (for the main executable, the renderer's command line)
 */
const char *
ms_profile_get_module (MsProfile   *self,
                       guint        module_index,
                       const char **build_id,
                       guint64     *base_address,
                       guint64     *size)
{
  const MsProfileModule *module;

  g_return_val_if_fail (MS_IS_PROFILE (self), NULL);
  g_return_val_if_fail (module_index < self->data->modules->len, NULL);

  module = &g_array_index (self->data->modules, MsProfileModule, module_index);
  if (build_id != NULL)
    *build_id = module->build_id;
  if (base_address != NULL)
    *base_address = module->base;
  if (size != NULL)
    *size = module->size;

  return module->name;
}

/**
 * ms_profile_module_is_main_executable:
 *
 * Returns: whether the module's name is a command line rather than a path,
 *   which is how Chromium names the renderer's main executable
 */
gboolean
ms_profile_module_is_main_executable (MsProfile *self,
                                      guint      module_index)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (module_index < self->data->modules->len, FALSE);

  return g_array_index (self->data->modules, MsProfileModule, module_index).is_main;
}

/**
 * ms_profile_get_module_display_name:
 *
 * The main executable is named after the browser
 * (ms_profile_set_browser_name()), or `chromium-` and the first 8 digits of
 * its build-id when no browser name was given; any other module by the
 * basename of its path.
 *
 * Returns: (transfer none): a short name for the module
 */
const char *
ms_profile_get_module_display_name (MsProfile *self,
                                    guint      module_index)
{
  MsProfileModule *module;

  g_return_val_if_fail (MS_IS_PROFILE (self), NULL);
  g_return_val_if_fail (module_index < self->data->modules->len, NULL);

  module = &g_array_index (self->data->modules, MsProfileModule, module_index);

  if (module->display_name == NULL)
    {
      if (module->is_main && self->browser_name != NULL)
        module->display_name = g_strdup (self->browser_name);
      else if (module->is_main && module->build_id[0] != '\0')
        module->display_name = g_strdup_printf ("chromium-%.8s", module->build_id);
      else if (module->is_main)
        module->display_name = g_strdup ("chromium");
      else if (module->name[0] != '\0')
        module->display_name = g_path_get_basename (module->name);
      else
        module->display_name = g_strdup_printf ("module-%u", module_index);
    }

  return module->display_name;
}

const char *
ms_profile_get_browser_name (MsProfile *self)
{
  g_return_val_if_fail (MS_IS_PROFILE (self), NULL);

  return self->browser_name;
}

/**
 * ms_profile_set_browser_name:
 * @browser_name: (nullable): e.g. "chromium" or "chrome", %NULL for none
 *
 * Names the main executable's module, whose protocol name is a command line.
 */
void
ms_profile_set_browser_name (MsProfile  *self,
                             const char *browser_name)
{
  g_return_if_fail (MS_IS_PROFILE (self));

  if (g_strcmp0 (self->browser_name, browser_name) == 0)
    return;

  g_free (self->browser_name);
  self->browser_name = browser_name != NULL && browser_name[0] != '\0' ? g_strdup (browser_name) : NULL;

  for (guint i = 0; i < self->data->modules->len; i++)
    {
      MsProfileModule *module = &g_array_index (self->data->modules, MsProfileModule, i);

      if (module->is_main)
        g_clear_pointer (&module->display_name, g_free);
    }
}
