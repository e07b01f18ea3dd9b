/* ms-cli-output.c: where exports go: stdout, or a file replaced atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <unistd.h>

#include <gio/gunixoutputstream.h>

#include "ms-cli-output.h"

static gboolean
is_stdout (const char *path)
{
  return path == NULL || g_str_equal (path, "-");
}

GOutputStream *
ms_cli_output_open (const char  *path,
                    GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;

  if (is_stdout (path))
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);

  /* g_file_replace writes a temporary file and renames it over @path on close. */
  file = g_file_new_for_commandline_arg (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (stream == NULL)
    return NULL;

  return G_OUTPUT_STREAM (g_steal_pointer (&stream));
}

gboolean
ms_cli_output_close (GOutputStream  *stream,
                     const char     *path,
                     GError        **error)
{
  if (is_stdout (path))
    return g_output_stream_flush (stream, NULL, error);

  return g_output_stream_close (stream, NULL, error);
}
