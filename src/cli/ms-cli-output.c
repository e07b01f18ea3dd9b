/* ms-cli-output.c: where exports go: stdout, or a file replaced atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>

#include "ms-cli-output.h"

/* Not g_file_replace(): its stream, when disposed unclosed on an error path,
 * closes and so renames the half-written file over the old one. Here only
 * ms_cli_output_close() renames; dropping the stream removes the temporary. */
typedef struct
{
  char     *tmp;
  char     *target;
  gboolean  committed;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  if (!pending->committed)
    g_unlink (pending->tmp);
  g_free (pending->tmp);
  g_free (pending->target);
  g_free (pending);
}

static gboolean
is_stdout (const char *path)
{
  return path == NULL || g_str_equal (path, "-");
}

/* "@what: what errno @saved says", in the domain and code @saved maps to; frees @what. */
static gboolean
set_errno_error (GError **error,
                 int      saved,
                 char    *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", what,
               g_strerror (saved));
  g_free (what);
  return FALSE;
}

/* The file the output replaces: @path, or what it links to. */
static char *
resolve_target (const char   *path,
                struct stat  *st,
                gboolean     *exists,
                GError      **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autofree char *local = g_file_get_path (file);
  char *real;

  if (local == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("not a local file"));
      return NULL;
    }

  *exists = g_stat (local, st) == 0;
  if (!*exists)
    return g_steal_pointer (&local);

  if (S_ISDIR (st->st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("is a folder"));
      return NULL;
    }
  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, _("not a regular file"));
      return NULL;
    }

  real = realpath (local, NULL);
  if (real == NULL)
    {
      int saved = errno;

      set_errno_error (error, saved, g_strdup_printf (_("cannot resolve %s"), local));
      return NULL;
    }

  return real;
}

GOutputStream *
ms_cli_output_open (const char  *path,
                    GError     **error)
{
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  GOutputStream *stream;
  Pending *pending;
  struct stat st;
  gboolean exists = FALSE;
  int fd;

  if (is_stdout (path))
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);

  target = resolve_target (path, &st, &exists, error);
  if (target == NULL)
    return NULL;

  dir = g_path_get_dirname (target);
  base = g_path_get_basename (target);
  tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  /* 0666 less the umask, as a new file gets; an existing file keeps its mode */
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;

      set_errno_error (error, saved,
                       g_strdup_printf (_("cannot create a temporary file in %s"), dir));
      return NULL;
    }
  if (exists)
    (void) fchmod (fd, st.st_mode & 07777);

  pending = g_new0 (Pending, 1);
  pending->tmp = g_steal_pointer (&tmp);
  pending->target = g_steal_pointer (&target);
  stream = g_unix_output_stream_new (fd, TRUE);
  g_object_set_data_full (G_OBJECT (stream), "ms-cli-output-pending", pending, pending_free);

  return stream;
}

gboolean
ms_cli_output_close (GOutputStream  *stream,
                     const char     *path,
                     GError        **error)
{
  Pending *pending;

  if (is_stdout (path))
    return g_output_stream_flush (stream, NULL, error);

  pending = g_object_get_data (G_OBJECT (stream), "ms-cli-output-pending");
  g_return_val_if_fail (pending != NULL, FALSE);

  if (fsync (g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (stream))) != 0)
    {
      int saved = errno;

      return set_errno_error (error, saved, g_strdup_printf (_("cannot write %s"), pending->tmp));
    }
  if (!g_output_stream_close (stream, NULL, error))
    return FALSE;
  if (g_rename (pending->tmp, pending->target) != 0)
    {
      int saved = errno;

      return set_errno_error (error, saved,
                              g_strdup_printf (_("cannot replace %s"), pending->target));
    }
  pending->committed = TRUE;

  return TRUE;
}

void
ms_cli_output_fail (MsCliContext *ctx,
                    const GError *error,
                    const char   *path)
{
  if (is_stdout (path))
    ms_cli_context_fail_prefixed (ctx, error, "%s", _("writing to stdout"));
  else
    ms_cli_context_fail_prefixed (ctx, error, _("writing %s"), path);
}
