/* ms-symbol-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include "ms-symbol-request.h"

struct _MsSymbolRequest
{
  char   *build_id;
  char   *module_name;
  char   *path_hint;
  GArray *offsets;
};

G_DEFINE_BOXED_TYPE (MsSymbolRequest, ms_symbol_request,
                     ms_symbol_request_ref, ms_symbol_request_unref)

static void
ms_symbol_request_clear (gpointer data)
{
  MsSymbolRequest *self = data;

  g_clear_pointer (&self->build_id, g_free);
  g_clear_pointer (&self->module_name, g_free);
  g_clear_pointer (&self->path_hint, g_free);
  g_clear_pointer (&self->offsets, g_array_unref);
}

/**
 * ms_symbol_request_new:
 * @build_id: (nullable): the module's build-id in hex, already without
 *   Chromium's age digit (see ms_symbols_build_id_from_uuid()); %NULL when unknown,
 *   in which case nothing of the module will be resolved
 * @module_name: (nullable): the module's name or path as the profile gives it
 *   (e.g. "libc.so.6"); its basename is looked up in the search directories
 *
 * A request must not be changed once it was given to an #MsSymbolizer.
 *
 * Returns: (transfer full): a new request with no offsets
 */
MsSymbolRequest *
ms_symbol_request_new (const char *build_id,
                       const char *module_name)
{
  MsSymbolRequest *self;

  self = g_atomic_rc_box_new0 (MsSymbolRequest);
  self->build_id = build_id ? g_ascii_strdown (build_id, -1) : NULL;
  self->module_name = g_strdup (module_name);
  self->offsets = g_array_new (FALSE, FALSE, sizeof (guint64));

  return self;
}

MsSymbolRequest *
ms_symbol_request_ref (MsSymbolRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
ms_symbol_request_unref (MsSymbolRequest *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, ms_symbol_request_clear);
}

const char *
ms_symbol_request_get_build_id (const MsSymbolRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->build_id;
}

const char *
ms_symbol_request_get_module_name (const MsSymbolRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->module_name;
}

const char *
ms_symbol_request_get_path_hint (const MsSymbolRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path_hint;
}

/**
 * ms_symbol_request_set_path_hint:
 * @path_hint: (nullable): where the user says the module is: the ELF file itself
 *   (an executable, a library or its .debug file), or a directory holding a
 *   file of the module's basename
 *
 * The hint is tried before anything else, and like every candidate it is used
 * only if its build-id matches.
 */
void
ms_symbol_request_set_path_hint (MsSymbolRequest *self,
                                 const char      *path_hint)
{
  g_return_if_fail (self != NULL);

  g_free (self->path_hint);
  self->path_hint = g_strdup (path_hint);
}

/**
 * ms_symbol_request_add_offset:
 * @offset: an address relative to the module's load base (Chromium's
 *   `baseAddress`, the start of the module's first mapping)
 */
void
ms_symbol_request_add_offset (MsSymbolRequest *self,
                              guint64          offset)
{
  g_return_if_fail (self != NULL);

  g_array_append_val (self->offsets, offset);
}

void
ms_symbol_request_add_offsets (MsSymbolRequest *self,
                               const guint64   *offsets,
                               gsize            n_offsets)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (offsets != NULL || n_offsets == 0);

  g_array_append_vals (self->offsets, offsets, n_offsets);
}

/**
 * ms_symbol_request_get_offsets:
 * @n_offsets: (out): the number of offsets
 *
 * Returns: (array length=n_offsets): the offsets, in the order they were added
 */
const guint64 *
ms_symbol_request_get_offsets (const MsSymbolRequest *self,
                               gsize                 *n_offsets)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_offsets != NULL, NULL);

  *n_offsets = self->offsets->len;
  return (const guint64 *) (gpointer) self->offsets->data;
}
