/* ms-symbol-module.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>
#include <gelf.h>

#include "ms-symbol-module-private.h"
#include "ms-symbol-module-report-private.h"
#include "ms-symbol-private.h"
#include "ms-symbols-build-id.h"
#include "ms-symbols-elf-private.h"

/* Chromium's baseAddress is the start of the module's first mapping, i.e. the
 * first PT_LOAD segment's p_vaddr rounded down to a page, plus the load bias.
 * The smallest page of the platforms Chromium ships on is 4 KiB; for the first
 * PT_LOAD of any ordinary ELF (p_offset 0) the rounding is a no-op anyway. */
#define MAPPING_ALIGN ((GElf_Addr) 4096)

struct _MsSymbolModule
{
  /* Guards dwfl, which is not thread-safe, and memo. */
  GMutex                mutex;

  char                 *build_id;
  guint8               *build_id_bits;
  gsize                 n_build_id_bits;
  char                 *module_name;
  char                 *path_hint;
  char                **search_dirs;
  gboolean              use_debuginfod;

  /* dwfl keeps a pointer to callbacks, and callbacks one to debuginfo_path */
  Dwfl_Callbacks        callbacks;
  char                 *debuginfo_path;
  Dwfl                 *dwfl;
  Dwfl_Module          *mod;

  /* dwfl address = offset + lookup_base; offsets at or past load_size are
   * outside every PT_LOAD of the file and resolve to nothing */
  GElf_Addr             lookup_base;
  GElf_Addr             load_size;

  MsSymbolModuleStatus  status;
  MsSymbolSource        source;
  char                 *elf_path;
  char                 *debug_path;
  gboolean              has_dwarf;
  char                 *detail;
  GPtrArray            *rejected;

  /* offset → MsSymbol, or NULL for an offset that resolves to nothing */
  GHashTable           *memo;
};

static void
symbol_unref_nullable (gpointer data)
{
  if (data != NULL)
    ms_symbol_unref (data);
}

static void
ms_symbol_module_clear (gpointer data)
{
  MsSymbolModule *self = data;

  g_clear_pointer (&self->memo, g_hash_table_unref);
  self->mod = NULL;
  g_clear_pointer (&self->dwfl, dwfl_end);
  g_clear_pointer (&self->debuginfo_path, g_free);
  g_clear_pointer (&self->build_id, g_free);
  g_clear_pointer (&self->build_id_bits, g_free);
  g_clear_pointer (&self->module_name, g_free);
  g_clear_pointer (&self->path_hint, g_free);
  g_clear_pointer (&self->search_dirs, g_strfreev);
  g_clear_pointer (&self->elf_path, g_free);
  g_clear_pointer (&self->debug_path, g_free);
  g_clear_pointer (&self->detail, g_free);
  g_clear_pointer (&self->rejected, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);
}

MsSymbolModule *
ms_symbol_module_ref (MsSymbolModule *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
ms_symbol_module_unref (MsSymbolModule *self)
{
  g_atomic_rc_box_release_full (self, ms_symbol_module_clear);
}

MsSymbolModuleStatus
ms_symbol_module_get_status (MsSymbolModule *self)
{
  return self->status;
}

/* Whether a failed search would be repeated exactly by a request for
 * @module_name with @path_hint. */
gboolean
ms_symbol_module_was_loaded_for (MsSymbolModule *self,
                                 const char     *module_name,
                                 const char     *path_hint)
{
  return g_strcmp0 (self->module_name, module_name) == 0
         && g_strcmp0 (self->path_hint, path_hint) == 0;
}

static void
build_id_path_parts (const char  *build_id,
                     char       **dir_part,
                     char       **file_part)
{
  *dir_part = g_strndup (build_id, 2);
  *file_part = g_strdup (build_id + 2);
}

static const char *
describe_file_type (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a plain file";
}

static void
reject_not_regular (MsSymbolModule *self,
                    const char     *path,
                    mode_t          mode)
{
  g_ptr_array_add (self->rejected,
                   g_strdup_printf ("%s is not a regular file (%s)", path, describe_file_type (mode)));
}

/* Opens @path if it is an ELF file with our build-id. Every other file is
 * rejected, and a file that exists but is not ours is remembered for the
 * report: a mismatched ELF must never lend its names to the module. Module
 * paths come from the profile, so anything but a regular file is refused before
 * it is opened (a FIFO would block the open, a device have side effects) and
 * again on the descriptor, which the path may no longer name. */
static int
open_matching_elf (MsSymbolModule *self,
                   const char     *path)
{
  g_autofree char *found = NULL;
  struct stat st;
  Elf *elf;
  int fd;

  if (stat (path, &st) != 0)
    return -1;
  if (!S_ISREG (st.st_mode))
    {
      reject_not_regular (self, path, st.st_mode);
      return -1;
    }

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      reject_not_regular (self, path, st.st_mode);
      close (fd);
      return -1;
    }

  elf = elf_begin (fd, ELF_C_READ_MMAP, NULL);
  if (elf == NULL || elf_kind (elf) != ELF_K_ELF)
    {
      g_ptr_array_add (self->rejected, g_strdup_printf ("%s is not an ELF file", path));
      g_clear_pointer (&elf, elf_end);
      close (fd);
      return -1;
    }

  found = ms_symbols_elf_build_id (elf);
  elf_end (elf);

  if (found == NULL)
    {
      g_ptr_array_add (self->rejected, g_strdup_printf ("%s has no build-id", path));
      close (fd);
      return -1;
    }

  if (strcmp (found, self->build_id) != 0)
    {
      g_ptr_array_add (self->rejected,
                       g_strdup_printf ("%s has build-id %s", path, found));
      close (fd);
      return -1;
    }

  return fd;
}

static int
find_local_debuginfo (MsSymbolModule  *self,
                      const char      *main_file,
                      const char      *debuglink,
                      char           **debuginfo_file_name)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *xx = NULL;
  g_autofree char *rest = NULL;

  build_id_path_parts (self->build_id, &xx, &rest);

  for (guint i = 0; self->search_dirs[i] != NULL; i++)
    {
      g_autofree char *debug_name = g_strconcat (rest, ".debug", NULL);
      g_ptr_array_add (candidates, g_build_filename (self->search_dirs[i], ".build-id",
                                                     xx, debug_name, NULL));
    }

  /* The classic .gnu_debuglink places, e.g. /usr/lib/debug/usr/lib/foo.so.debug */
  if (main_file != NULL && debuglink != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (main_file);

      g_ptr_array_add (candidates, g_build_filename (dir, debuglink, NULL));
      g_ptr_array_add (candidates, g_build_filename (dir, ".debug", debuglink, NULL));
      for (guint i = 0; self->search_dirs[i] != NULL; i++)
        g_ptr_array_add (candidates, g_build_filename (self->search_dirs[i], dir, debuglink, NULL));
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *path = g_ptr_array_index (candidates, i);
      int fd;

      if (main_file != NULL && strcmp (path, main_file) == 0)
        continue;

      fd = open_matching_elf (self, path);
      if (fd >= 0)
        {
          /* libdwfl frees this with free() */
          *debuginfo_file_name = strdup (path);
          return fd;
        }
    }

  return -1;
}

static int
find_debuginfo_cb (Dwfl_Module  *mod,
                   void        **userdata,
                   const char   *modname,
                   Dwarf_Addr    base,
                   const char   *file_name,
                   const char   *debuglink_file,
                   GElf_Word     debuglink_crc,
                   char        **debuginfo_file_name)
{
  MsSymbolModule *self = *userdata;
  int fd;

  fd = find_local_debuginfo (self, file_name, debuglink_file, debuginfo_file_name);
  if (fd >= 0)
    return fd;

  /* The standard callback also asks debuginfod (when DEBUGINFOD_URLS is set),
   * which the user may have turned off: only call it when allowed. */
  if (self->use_debuginfod)
    return dwfl_standard_find_debuginfo (mod, userdata, modname, base, file_name,
                                         debuglink_file, debuglink_crc,
                                         debuginfo_file_name);

  errno = 0;
  return -1;
}

typedef struct
{
  char           *path;
  MsSymbolSource  source;
} Candidate;

static void
candidate_free (gpointer data)
{
  Candidate *candidate = data;

  g_free (candidate->path);
  g_free (candidate);
}

static void
add_candidate (GPtrArray      *candidates,
               char           *path,
               MsSymbolSource  source)
{
  Candidate *candidate;

  /* A hint may well name a file in a search directory too */
  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *other = g_ptr_array_index (candidates, i);

      if (strcmp (other->path, path) == 0)
        {
          g_free (path);
          return;
        }
    }

  candidate = g_new0 (Candidate, 1);

  candidate->path = path;
  candidate->source = source;
  g_ptr_array_add (candidates, candidate);
}

static GPtrArray *
list_candidates (MsSymbolModule *self)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func (candidate_free);
  g_autofree char *basename = NULL;
  g_autofree char *xx = NULL;
  g_autofree char *rest = NULL;

  /* A renderer's main module is named by its command line, not a path */
  if (self->module_name != NULL && self->module_name[0] != '\0'
      && strchr (self->module_name, ' ') == NULL)
    basename = g_path_get_basename (self->module_name);

  if (self->path_hint != NULL && self->path_hint[0] != '\0')
    {
      if (g_file_test (self->path_hint, G_FILE_TEST_IS_DIR))
        {
          if (basename != NULL)
            {
              g_autofree char *debug_name = g_strconcat (basename, ".debug", NULL);

              add_candidate (candidates, g_build_filename (self->path_hint, basename, NULL),
                             MS_SYMBOL_SOURCE_PATH_HINT);
              add_candidate (candidates, g_build_filename (self->path_hint, debug_name, NULL),
                             MS_SYMBOL_SOURCE_PATH_HINT);
            }
        }
      else
        add_candidate (candidates, g_strdup (self->path_hint), MS_SYMBOL_SOURCE_PATH_HINT);
    }

  if (basename != NULL && g_path_is_absolute (self->module_name))
    add_candidate (candidates, g_strdup (self->module_name), MS_SYMBOL_SOURCE_MODULE_PATH);

  build_id_path_parts (self->build_id, &xx, &rest);
  for (guint i = 0; self->search_dirs[i] != NULL; i++)
    {
      g_autofree char *debug_name = g_strconcat (rest, ".debug", NULL);

      add_candidate (candidates,
                     g_build_filename (self->search_dirs[i], ".build-id", xx, debug_name, NULL),
                     MS_SYMBOL_SOURCE_BUILD_ID_DIR);
      add_candidate (candidates,
                     g_build_filename (self->search_dirs[i], ".build-id", xx, rest, NULL),
                     MS_SYMBOL_SOURCE_BUILD_ID_DIR);
    }

  if (basename != NULL)
    {
      for (guint i = 0; self->search_dirs[i] != NULL; i++)
        add_candidate (candidates, g_build_filename (self->search_dirs[i], basename, NULL),
                       MS_SYMBOL_SOURCE_SEARCH_DIR);
    }

  return candidates;
}

static char *
join_rejected (MsSymbolModule *self)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < self->rejected->len; i++)
    {
      if (i > 0)
        g_string_append (str, "; ");
      g_string_append (str, g_ptr_array_index (self->rejected, i));
    }

  return g_strdup (str->str);
}

static gboolean
debuginfod_configured (void)
{
  const char *urls = g_getenv ("DEBUGINFOD_URLS");

  return urls != NULL && urls[0] != '\0';
}

/* Reports the module at address 0 by build-id alone and lets libdwfl's
 * standard build-id callback fetch the ELF (from the search dirs, then from
 * debuginfod). */
static Dwfl_Module *
report_by_build_id (MsSymbolModule *self)
{
  Dwfl_Module *mod;

  mod = dwfl_report_module (self->dwfl, self->module_name ? self->module_name : self->build_id,
                            0, G_MAXUINT32);
  if (mod == NULL)
    return NULL;

  if (dwfl_module_report_build_id (mod, self->build_id_bits, self->n_build_id_bits, 0) != 0)
    return NULL;

  return mod;
}

static gboolean
compute_lookup_base (MsSymbolModule *self,
                     Elf            *elf,
                     GElf_Addr       bias)
{
  GElf_Addr first_vaddr = 0;
  GElf_Addr end = 0;
  gboolean have_load = FALSE;
  size_t phnum;

  if (elf_getphdrnum (elf, &phnum) != 0)
    return FALSE;

  for (size_t i = 0; i < phnum; i++)
    {
      GElf_Phdr mem;
      GElf_Phdr *phdr = gelf_getphdr (elf, i, &mem);

      if (phdr == NULL || phdr->p_type != PT_LOAD)
        continue;

      if (!have_load)
        {
          first_vaddr = phdr->p_vaddr & ~(MAPPING_ALIGN - 1);
          have_load = TRUE;
        }
      end = MAX (end, phdr->p_vaddr + phdr->p_memsz);
    }

  if (!have_load || end <= first_vaddr)
    return FALSE;

  self->lookup_base = bias + first_vaddr;
  self->load_size = end - first_vaddr;

  return TRUE;
}

/**
 * ms_symbol_module_load:
 *
 * Looks for an ELF with @build_id and opens it in its own Dwfl. Always returns
 * a module; one whose status is not %MS_SYMBOL_MODULE_SYMBOLIZED resolves
 * nothing and explains why in its report.
 */
MsSymbolModule *
ms_symbol_module_load (const char         *build_id,
                       const char         *module_name,
                       const char         *path_hint,
                       const char * const *search_dirs,
                       gboolean            use_debuginfod,
                       GCancellable       *cancellable)
{
  g_autoptr(MsSymbolModule) self = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) debuginfo_path = NULL;
  const char *mainfile = NULL;
  const char *debugfile = NULL;
  Dwarf_Addr dwbias;
  GElf_Addr bias = 0;
  void **userdata;
  Elf *elf;
  int n_symbols;

  ms_symbols_elf_init ();

  self = g_atomic_rc_box_new0 (MsSymbolModule);
  g_mutex_init (&self->mutex);
  self->module_name = g_strdup (module_name);
  self->path_hint = g_strdup (path_hint);
  self->search_dirs = g_strdupv ((char **) search_dirs);
  if (self->search_dirs == NULL)
    self->search_dirs = g_new0 (char *, 1);
  self->use_debuginfod = use_debuginfod && debuginfod_configured ();
  self->rejected = g_ptr_array_new_with_free_func (g_free);
  self->memo = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                      symbol_unref_nullable);
  self->status = MS_SYMBOL_MODULE_NO_ELF_FOUND;
  self->source = MS_SYMBOL_SOURCE_NONE;

  self->build_id = ms_symbols_build_id_normalize (build_id, &local_error);
  if (self->build_id == NULL)
    {
      self->status = MS_SYMBOL_MODULE_NO_BUILD_ID;
      self->detail = g_strdup_printf ("%s; without a build-id no file can be trusted to match",
                                      local_error->message);
      self->build_id = g_strdup (build_id);
      return g_steal_pointer (&self);
    }

  self->n_build_id_bits = strlen (self->build_id) / 2;
  self->build_id_bits = g_new (guint8, self->n_build_id_bits);
  for (gsize i = 0; i < self->n_build_id_bits; i++)
    self->build_id_bits[i] = (g_ascii_xdigit_value (self->build_id[2 * i]) << 4)
                             | g_ascii_xdigit_value (self->build_id[2 * i + 1]);

  /* Only libdwfl's own callbacks read this: build-id links, then the
   * directory of the main file and its .debug, as in its default path. */
  debuginfo_path = g_string_new (":.debug");
  for (guint i = 0; self->search_dirs[i] != NULL; i++)
    {
      if (g_path_is_absolute (self->search_dirs[i]))
        g_string_append_printf (debuginfo_path, ":%s", self->search_dirs[i]);
    }
  self->debuginfo_path = g_string_free (g_steal_pointer (&debuginfo_path), FALSE);

  self->callbacks.find_elf = dwfl_build_id_find_elf;
  self->callbacks.find_debuginfo = find_debuginfo_cb;
  self->callbacks.debuginfo_path = &self->debuginfo_path;
  self->dwfl = dwfl_begin (&self->callbacks);
  if (self->dwfl == NULL)
    {
      self->detail = g_strdup_printf ("libdwfl failed: %s", dwfl_errmsg (-1));
      return g_steal_pointer (&self);
    }

  dwfl_report_begin (self->dwfl);

  candidates = list_candidates (self);
  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *candidate = g_ptr_array_index (candidates, i);
      int fd;

      if (g_cancellable_is_cancelled (cancellable))
        break;

      fd = open_matching_elf (self, candidate->path);
      if (fd < 0)
        continue;

      /* With add_p_vaddr and base 0, libdwfl places an ET_DYN file at its own
       * p_vaddr (bias 0); an ET_EXEC always sits there. */
      self->mod = dwfl_report_elf (self->dwfl, self->module_name ? self->module_name : self->build_id,
                                   candidate->path, fd, 0, true);
      if (self->mod == NULL)
        {
          g_ptr_array_add (self->rejected,
                           g_strdup_printf ("%s could not be read: %s",
                                            candidate->path, dwfl_errmsg (-1)));
          close (fd);
          continue;
        }

      self->source = candidate->source;
      break;
    }

  if (self->mod == NULL && self->use_debuginfod && !g_cancellable_is_cancelled (cancellable))
    {
      self->mod = report_by_build_id (self);
      self->source = MS_SYMBOL_SOURCE_DEBUGINFOD;
    }

  dwfl_report_end (self->dwfl, NULL, NULL);

  if (self->mod == NULL)
    {
      g_autofree char *rejected = join_rejected (self);

      self->source = MS_SYMBOL_SOURCE_NONE;
      if (self->rejected->len > 0)
        {
          self->status = MS_SYMBOL_MODULE_BUILD_ID_MISMATCH;
          self->detail = g_strdup_printf ("no file has build-id %s: %s",
                                          self->build_id, rejected);
        }
      else
        {
          self->status = MS_SYMBOL_MODULE_NO_ELF_FOUND;
          self->detail = g_strdup_printf ("no ELF with build-id %s in %u places searched%s",
                                          self->build_id, candidates->len,
                                          use_debuginfod && !self->use_debuginfod
                                            ? " (debuginfod not configured: DEBUGINFOD_URLS is unset)"
                                            : "");
        }
      g_clear_pointer (&self->dwfl, dwfl_end);
      return g_steal_pointer (&self);
    }

  dwfl_module_info (self->mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
  *userdata = self;

  elf = dwfl_module_getelf (self->mod, &bias);
  if (elf == NULL)
    {
      g_autofree char *rejected = join_rejected (self);

      self->status = self->rejected->len > 0
                       ? MS_SYMBOL_MODULE_BUILD_ID_MISMATCH
                       : MS_SYMBOL_MODULE_NO_ELF_FOUND;
      self->detail = g_strdup_printf ("no ELF with build-id %s locally or from debuginfod (%s)%s%s",
                                      self->build_id, dwfl_errmsg (-1),
                                      self->rejected->len > 0 ? ": " : "", rejected);
      self->source = MS_SYMBOL_SOURCE_NONE;
      self->mod = NULL;
      g_clear_pointer (&self->dwfl, dwfl_end);
      return g_steal_pointer (&self);
    }

  if (!compute_lookup_base (self, elf, bias))
    {
      self->status = MS_SYMBOL_MODULE_NO_SYMBOLS;
      self->detail = g_strdup ("the ELF file has no loadable segments");
      self->mod = NULL;
      g_clear_pointer (&self->dwfl, dwfl_end);
      return g_steal_pointer (&self);
    }

  n_symbols = dwfl_module_getsymtab (self->mod);
  self->has_dwarf = dwfl_module_getdwarf (self->mod, &dwbias) != NULL;

  dwfl_module_info (self->mod, NULL, NULL, NULL, NULL, NULL, &mainfile, &debugfile);
  self->elf_path = g_strdup (mainfile);
  if (debugfile != NULL && g_strcmp0 (debugfile, mainfile) != 0)
    self->debug_path = g_strdup (debugfile);

  if (n_symbols <= 0)
    {
      self->status = MS_SYMBOL_MODULE_NO_SYMBOLS;
      self->detail = g_strdup_printf ("%s has build-id %s but no symbol table",
                                      self->elf_path, self->build_id);
      self->mod = NULL;
      g_clear_pointer (&self->dwfl, dwfl_end);
      return g_steal_pointer (&self);
    }

  self->status = MS_SYMBOL_MODULE_SYMBOLIZED;
  if (self->debug_path != NULL)
    self->detail = g_strdup_printf ("from %s (%s), DWARF from %s",
                                    self->elf_path, ms_symbol_source_to_string (self->source),
                                    self->debug_path);
  else
    self->detail = g_strdup_printf ("from %s (%s)%s",
                                    self->elf_path, ms_symbol_source_to_string (self->source),
                                    self->has_dwarf ? "" : ", no DWARF: names without lines");

  g_debug ("%s: %s", self->build_id, self->detail);

  return g_steal_pointer (&self);
}

/**
 * ms_symbol_module_lookup:
 *
 * Returns: (transfer full) (nullable): the symbol at @offset, memoised
 */
MsSymbol *
ms_symbol_module_lookup (MsSymbolModule *self,
                         guint64         offset)
{
  g_autoptr(GMutexLocker) locker = NULL;
  MsSymbol *symbol = NULL;
  gpointer cached;
  const char *name;
  Dwfl_Line *line;
  GElf_Addr address;
  GElf_Off symbol_offset = 0;
  GElf_Sym sym;

  if (self->status != MS_SYMBOL_MODULE_SYMBOLIZED)
    return NULL;

  locker = g_mutex_locker_new (&self->mutex);

  if (g_hash_table_lookup_extended (self->memo, &offset, NULL, &cached))
    return cached ? ms_symbol_ref (cached) : NULL;

  if (offset < self->load_size)
    {
      address = self->lookup_base + offset;
      name = dwfl_module_addrinfo (self->mod, address, &symbol_offset, &sym, NULL, NULL, NULL);
      if (name != NULL && name[0] != '\0')
        {
          const char *file = NULL;
          int lineno = 0;
          int column = 0;

          g_autofree char *full_path = NULL;

          line = dwfl_module_getsrc (self->mod, address);
          if (line != NULL)
            file = dwfl_lineinfo (line, NULL, &lineno, &column, NULL, NULL);

          /* Line tables often name files relative to the compilation directory */
          if (file != NULL && !g_path_is_absolute (file))
            {
              const char *comp_dir = dwfl_line_comp_dir (line);

              if (comp_dir != NULL && g_path_is_absolute (comp_dir))
                file = full_path = g_canonicalize_filename (file, comp_dir);
            }

          symbol = ms_symbol_new (offset, name, symbol_offset, file,
                                  MAX (lineno, 0), MAX (column, 0));
        }
    }

  g_hash_table_insert (self->memo, g_memdup2 (&offset, sizeof offset),
                       symbol ? ms_symbol_ref (symbol) : NULL);

  return symbol;
}

MsSymbolModuleReport *
ms_symbol_module_create_report (MsSymbolModule *self,
                                const char     *module_name,
                                guint           n_offsets,
                                guint           n_resolved)
{
  return ms_symbol_module_report_new (self->build_id,
                                      module_name,
                                      self->status,
                                      self->source,
                                      self->elf_path,
                                      self->debug_path,
                                      self->has_dwarf,
                                      self->detail,
                                      n_offsets,
                                      n_resolved);
}
