/* ms-cli-input.c: what `export` and `diff` read: a session file or a raw profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <string.h>

#include "ms-analysis-error.h"
#include "ms-recording-file.h"

#include "ms-cli-context.h"
#include "ms-cli-input.h"

/* Sessions start with their format tag; a little more allows for hand-edited files. */
#define SNIFF_BYTES (64 * 1024)

typedef struct
{
  char *path;
  int   profile;
} Load;

static void
load_free (Load *load)
{
  g_free (load->path);
  g_free (load);
}

void
ms_cli_input_free (MsCliInput *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_clear_object (&self->session);
  g_clear_object (&self->profile);
  g_free (self);
}

static const char *
skip_space (const char *p,
            const char *end)
{
  while (p < end && g_ascii_isspace (*p))
    p++;

  return p;
}

/* Whether @data, the start of a file, is that of a session; never for gzip data,
 * which sets @compressed. */
static gboolean
sniff_session (const char *data,
               gsize       len,
               gboolean   *compressed)
{
  static const char key[] = "\"format\"";
  static const char tag[] = "\"" MS_SESSION_FILE_FORMAT "\"";
  const char *end = data + len;
  const char *p;

  *compressed = len >= 2 && (guchar) data[0] == 0x1f && (guchar) data[1] == 0x8b;
  if (*compressed)
    return FALSE;

  /* A recording (format 2) is binary; MsSessionFile reads it too. */
  if (ms_recording_file_sniff (data, len))
    return TRUE;

  p = skip_space (data, end);
  if (p == end || *p != '{')
    return FALSE;

  while ((p = g_strstr_len (p, end - p, key)) != NULL)
    {
      const char *value;

      p += strlen (key);
      value = skip_space (p, end);
      if (value == end || *value != ':')
        continue;
      value = skip_space (value + 1, end);
      if ((gsize) (end - value) >= strlen (tag) && memcmp (value, tag, strlen (tag)) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The first bytes of @file, gunzipped when @gunzip; NULL (no error) when they
 * cannot be read: the readers then report why in their own words. */
static GBytes *
read_start (GFile        *file,
            gboolean      gunzip,
            GCancellable *cancellable)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, NULL);
  g_autoptr(GInputStream) in = NULL;
  g_autofree char *buffer = NULL;
  gsize n_read = 0;

  if (stream == NULL)
    return NULL;

  if (gunzip)
    {
      g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);

      in = g_converter_input_stream_new (G_INPUT_STREAM (stream), G_CONVERTER (z));
    }
  else
    in = G_INPUT_STREAM (g_object_ref (stream));

  buffer = g_malloc (SNIFF_BYTES);
  if (!g_input_stream_read_all (in, buffer, SNIFF_BYTES, &n_read, cancellable, NULL))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&buffer), n_read);
}

/* Opening a FIFO blocks until someone writes to it, and a device may never end:
 * only regular files (or links to them) are read. A missing file is left to the
 * readers, which say so in their own words. */
static gboolean
is_regular_file (GFile         *file,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, NULL);
  if (info == NULL || g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                       g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY
                       ? "a folder, not a profile or session file"
                       : "not a regular file");
  return FALSE;
}

static gboolean
is_not_a_session (const GError *error)
{
  return g_error_matches (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_FORMAT) ||
         g_error_matches (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_MISSING_MEMBER);
}

static gboolean
pick_profile (MsCliInput    *input,
              int            profile,
              GError       **error)
{
  guint n_profiles = ms_session_file_get_n_profiles (input->session);
  guint number;

  if (profile == MS_CLI_INPUT_NO_PROFILE)
    return TRUE;

  if (n_profiles == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the session holds no profile");
      return FALSE;
    }

  number = profile == MS_CLI_INPUT_LAST_PROFILE ? n_profiles : (guint) profile;
  if (number > n_profiles)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "there is no profile %u: the session holds %u", number, n_profiles);
      return FALSE;
    }

  input->profile = ms_session_file_load_profile (input->session, number - 1, error);
  if (input->profile == NULL)
    {
      g_prefix_error (error, "profile %u: ", number);
      return FALSE;
    }
  input->profile_number = number;

  return TRUE;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (load->path);
  g_autoptr(MsCliInput) input = g_new0 (MsCliInput, 1);
  g_autoptr(GBytes) start = NULL;
  g_autoptr(GError) error = NULL;
  gboolean compressed = FALSE;
  gboolean session = FALSE;

  input->path = g_strdup (load->path);

  if (!is_regular_file (file, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  start = read_start (file, FALSE, cancellable);

  if (start != NULL)
    session = sniff_session (g_bytes_get_data (start, NULL), g_bytes_get_size (start),
                             &compressed);

  /* A compressed file is told apart by the start of what it holds, so that it is
   * gunzipped once, by the reader it is for. Only when that start cannot be read
   * (bad gzip data) is it read as a session first, for that reader's error. */
  if (compressed)
    {
      g_autoptr(GBytes) inner = read_start (file, TRUE, cancellable);
      gboolean nested = FALSE;

      if (inner != NULL)
        {
          session = sniff_session (g_bytes_get_data (inner, NULL), g_bytes_get_size (inner),
                                   &nested);
          compressed = FALSE;
        }
    }

  if (session || compressed)
    {
      input->session = ms_session_file_new_from_file (file, cancellable, &error);
      if (input->session == NULL && (session || !is_not_a_session (error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_clear_error (&error);
    }

  if (input->session != NULL)
    {
      MsRecordingFile *recording = ms_session_file_get_recording (input->session);

      /* A recording cut short (a crash while recording) is read up to the cut. */
      if (recording != NULL && ms_recording_file_get_torn_tail (recording) != NULL)
        g_printerr ("%s: warning: %s: %s\n", MS_CLI_PROGRAM_NAME, load->path,
                    ms_recording_file_get_torn_tail (recording)->message);

      if (!pick_profile (input, load->profile, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      input->profile = ms_profile_new_from_file (file, cancellable, &error);
      if (input->profile == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      input->profile_number = 1;
    }

  g_task_return_pointer (task, g_steal_pointer (&input), (GDestroyNotify) ms_cli_input_free);
}

void
ms_cli_input_load_async (const char          *path,
                         int                  profile,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Load *load = g_new0 (Load, 1);

  load->path = g_strdup (path);
  load->profile = profile;
  g_task_set_source_tag (task, ms_cli_input_load_async);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_in_thread);
}

MsCliInput *
ms_cli_input_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
