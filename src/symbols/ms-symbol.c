/* ms-symbol.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include <stdlib.h>

#include "ms-symbol-private.h"

#ifdef MS_HAVE_CXA_DEMANGLE
/* The Itanium C++ ABI demangler of libstdc++; it has C linkage, so a C
 * program can call it without being compiled as C++. */
extern char *__cxa_demangle (const char *mangled_name,
                             char       *output_buffer,
                             size_t     *length,
                             int        *status);
#endif

struct _MsSymbol
{
  guint64  offset;
  guint64  symbol_offset;
  char    *raw_name;
  char    *name;
  char    *file;
  guint    line;
  guint    column;
};

G_DEFINE_BOXED_TYPE (MsSymbol, ms_symbol, ms_symbol_ref, ms_symbol_unref)

static char *
demangle (const char *raw_name)
{
#ifdef MS_HAVE_CXA_DEMANGLE
  if (g_str_has_prefix (raw_name, "_Z"))
    {
      int status = -1;
      char *demangled = __cxa_demangle (raw_name, NULL, NULL, &status);

      if (status == 0 && demangled != NULL)
        {
          char *ret = g_strdup (demangled);
          free (demangled);
          return ret;
        }
      free (demangled);
    }
#endif

  return g_strdup (raw_name);
}

static void
ms_symbol_clear (gpointer data)
{
  MsSymbol *self = data;

  g_clear_pointer (&self->raw_name, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->file, g_free);
}

MsSymbol *
ms_symbol_new (guint64     offset,
               const char *raw_name,
               guint64     symbol_offset,
               const char *file,
               guint       line,
               guint       column)
{
  MsSymbol *self;

  g_return_val_if_fail (raw_name != NULL, NULL);

  self = g_atomic_rc_box_new0 (MsSymbol);
  self->offset = offset;
  self->raw_name = g_strdup (raw_name);
  self->name = demangle (raw_name);
  self->symbol_offset = symbol_offset;
  self->file = g_strdup (file);
  self->line = line;
  self->column = column;

  return self;
}

MsSymbol *
ms_symbol_ref (MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
ms_symbol_unref (MsSymbol *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, ms_symbol_clear);
}

/**
 * ms_symbol_get_offset:
 *
 * Returns: the module-relative offset that was resolved
 */
guint64
ms_symbol_get_offset (const MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->offset;
}

/**
 * ms_symbol_get_name:
 *
 * Returns: the function's name, demangled when it is a C++ name and the
 *   demangler of libstdc++ was available at build time
 */
const char *
ms_symbol_get_name (const MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

/**
 * ms_symbol_get_raw_name:
 *
 * Returns: the name as the symbol table has it (mangled for C++)
 */
const char *
ms_symbol_get_raw_name (const MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->raw_name;
}

/**
 * ms_symbol_get_symbol_offset:
 *
 * Returns: how far into the function the offset lies, in bytes
 */
guint64
ms_symbol_get_symbol_offset (const MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->symbol_offset;
}

/**
 * ms_symbol_get_file:
 *
 * Returns: (nullable): the source file, when DWARF line information was found
 */
const char *
ms_symbol_get_file (const MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->file;
}

/**
 * ms_symbol_get_line:
 *
 * Returns: the source line, or 0 when unknown
 */
guint
ms_symbol_get_line (const MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->line;
}

/**
 * ms_symbol_get_column:
 *
 * Returns: the source column, or 0 when unknown
 */
guint
ms_symbol_get_column (const MsSymbol *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->column;
}

/**
 * ms_symbol_to_string:
 *
 * Returns: (transfer full): "name+0xNN (file:line)" for logs and the CLI
 */
char *
ms_symbol_to_string (const MsSymbol *self)
{
  GString *str;

  g_return_val_if_fail (self != NULL, NULL);

  str = g_string_new (self->name);
  if (self->symbol_offset != 0)
    g_string_append_printf (str, "+0x%" G_GINT64_MODIFIER "x", self->symbol_offset);
  if (self->file != NULL)
    {
      if (self->line != 0)
        g_string_append_printf (str, " (%s:%u)", self->file, self->line);
      else
        g_string_append_printf (str, " (%s)", self->file);
    }

  return g_string_free (str, FALSE);
}
