/* ms-symbols-build-id.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <elfutils/libdwelf.h>

#include "ms-symbols-build-id.h"
#include "ms-symbols-elf-private.h"
#include "ms-symbols-error.h"

void
ms_symbols_elf_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      elf_version (EV_CURRENT);
      g_once_init_leave (&initialized, 1);
    }
}

char *
ms_symbols_build_id_to_hex (const guint8 *bits,
                            gsize         n_bits)
{
  static const char digits[] = "0123456789abcdef";
  char *hex;

  g_return_val_if_fail (bits != NULL || n_bits == 0, NULL);

  hex = g_new (char, n_bits * 2 + 1);
  for (gsize i = 0; i < n_bits; i++)
    {
      hex[2 * i] = digits[bits[i] >> 4];
      hex[2 * i + 1] = digits[bits[i] & 0xf];
    }
  hex[n_bits * 2] = '\0';

  return hex;
}

/* Returns the lower-case hex build-id of @elf, or %NULL when it has none. */
char *
ms_symbols_elf_build_id (Elf *elf)
{
  const void *bits = NULL;
  ssize_t len;

  len = dwelf_elf_gnu_build_id (elf, &bits);
  if (len <= 0 || bits == NULL)
    return NULL;

  return ms_symbols_build_id_to_hex (bits, len);
}

static gboolean
is_hex_string (const char *s)
{
  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isxdigit (*s))
        return FALSE;
    }
  return TRUE;
}

/**
 * ms_symbols_build_id_normalize:
 * @build_id: a build-id in hex, either case
 * @error: return location for a #MS_SYMBOLS_ERROR_INVALID_BUILD_ID
 *
 * Returns: (transfer full) (nullable): @build_id in lower case, or %NULL when it is
 *   empty, not hexadecimal, or not a whole number of bytes
 */
char *
ms_symbols_build_id_normalize (const char  *build_id,
                               GError     **error)
{
  gsize len;

  if (build_id == NULL || build_id[0] == '\0')
    {
      g_set_error_literal (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID,
                           _("Empty build-id"));
      return NULL;
    }

  if (!is_hex_string (build_id))
    {
      g_set_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID,
                   _("Build-id “%s” is not hexadecimal"), build_id);
      return NULL;
    }

  len = strlen (build_id);
  if (len % 2 != 0)
    {
      g_set_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID,
                   _("Build-id “%s” has an odd number of digits"), build_id);
      return NULL;
    }

  return g_ascii_strdown (build_id, len);
}

/**
 * ms_symbols_build_id_from_uuid:
 * @uuid: a module `uuid` of a Chromium sampling profile
 * @error: return location for a #MS_SYMBOLS_ERROR_INVALID_BUILD_ID
 *
 * Chromium reports an ELF module's build-id in upper-case hex followed by one
 * more digit, the "age" (always 0 on Linux), as Breakpad does. This drops the
 * age digit: "93AC…8A400" becomes "93ac…8a40".
 *
 * Returns: (transfer full) (nullable): the build-id in lower-case hex
 */
char *
ms_symbols_build_id_from_uuid (const char  *uuid,
                               GError     **error)
{
  g_autofree char *without_age = NULL;
  gsize len;

  if (uuid == NULL || uuid[0] == '\0')
    {
      g_set_error_literal (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID,
                           _("Empty module uuid"));
      return NULL;
    }

  if (!is_hex_string (uuid))
    {
      g_set_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID,
                   _("Module uuid “%s” is not hexadecimal"), uuid);
      return NULL;
    }

  len = strlen (uuid);
  if (len < 3 || len % 2 == 0)
    {
      g_set_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID,
                   _("Module uuid “%s” is not a build-id followed by one age digit"), uuid);
      return NULL;
    }

  without_age = g_strndup (uuid, len - 1);
  return ms_symbols_build_id_normalize (without_age, error);
}

/**
 * ms_symbols_read_build_id:
 * @path: an ELF file (an executable, a shared library or a separate .debug file)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the NT_GNU_BUILD_ID of @path in lower-case hex
 */
char *
ms_symbols_read_build_id (const char  *path,
                          GError     **error)
{
  g_autofree char *build_id = NULL;
  Elf *elf;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  ms_symbols_elf_init ();

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open “%s”: %s"), path, g_strerror (saved_errno));
      return NULL;
    }

  elf = elf_begin (fd, ELF_C_READ_MMAP, NULL);
  if (elf == NULL || elf_kind (elf) != ELF_K_ELF)
    {
      g_set_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_NOT_ELF,
                   _("“%s” is not an ELF file"), path);
      g_clear_pointer (&elf, elf_end);
      close (fd);
      return NULL;
    }

  build_id = ms_symbols_elf_build_id (elf);
  elf_end (elf);
  close (fd);

  if (build_id == NULL)
    {
      g_set_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_NO_BUILD_ID,
                   _("“%s” has no build-id"), path);
      return NULL;
    }

  return g_steal_pointer (&build_id);
}
