/* test-symbolizer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"
/* dladdr(), dl_iterate_phdr() */
#define _GNU_SOURCE

#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ms-symbols.h"

typedef int (*SymtestFunc) (int);

/* Helpers that know nothing of the code under test ------------------------ */

typedef struct
{
  const char *name;
  char       *build_id;
} NoteSearch;

/* Reads the NT_GNU_BUILD_ID note of a loaded object from its PT_NOTE
 * segments in memory, independently of libelf. */
static int
find_build_id_cb (struct dl_phdr_info *info,
                  size_t               size,
                  void                *data)
{
  NoteSearch *search = data;

  if (info->dlpi_name == NULL || strcmp (info->dlpi_name, search->name) != 0)
    return 0;

  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW(Phdr) *phdr = &info->dlpi_phdr[i];
      const guint8 *p;
      const guint8 *end;

      if (phdr->p_type != PT_NOTE)
        continue;

      p = (const guint8 *) (info->dlpi_addr + phdr->p_vaddr);
      end = p + phdr->p_memsz;
      while (p + sizeof (ElfW(Nhdr)) <= end)
        {
          const ElfW(Nhdr) *nhdr = (const ElfW(Nhdr) *) p;
          const guint8 *name = p + sizeof *nhdr;
          const guint8 *desc = name + ((nhdr->n_namesz + 3) & ~3u);

          if (nhdr->n_type == NT_GNU_BUILD_ID && nhdr->n_namesz == 4
              && memcmp (name, "GNU", 4) == 0)
            {
              GString *hex = g_string_new (NULL);

              for (guint j = 0; j < nhdr->n_descsz; j++)
                g_string_append_printf (hex, "%02x", desc[j]);
              search->build_id = g_string_free (hex, FALSE);
              return 1;
            }
          p = desc + ((nhdr->n_descsz + 3) & ~3u);
        }
    }

  return 1;
}

static char *
loaded_build_id (const char *loaded_name)
{
  NoteSearch search = { loaded_name, NULL };

  dl_iterate_phdr (find_build_id_cb, &search);
  return search.build_id;
}

/* The line of the first line of @path that starts with @prefix (or contains
 * it, when @anywhere), counting from 1. */
static guint
find_source_line (const char *path,
                  const char *needle,
                  gboolean    anywhere)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (anywhere ? strstr (lines[i], needle) != NULL : g_str_has_prefix (lines[i], needle))
        return i + 1;
    }

  g_assert_not_reached ();
}

/* The first line after line @after that starts with @prefix */
static guint
find_source_line_after (const char *path,
                        const char *prefix,
                        guint       after)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = after; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        return i + 1;
    }

  g_assert_not_reached ();
}

static char *
flip_last_digit (const char *build_id)
{
  char *flipped = g_strdup (build_id);
  gsize len = strlen (flipped);

  flipped[len - 1] = flipped[len - 1] == '0' ? '1' : '0';
  return flipped;
}

static GPtrArray *
single_request (MsSymbolRequest *request)
{
  GPtrArray *requests = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_symbol_request_unref);

  g_ptr_array_add (requests, ms_symbol_request_ref (request));
  return requests;
}

static MsSymbolModuleReport *
only_report (MsSymbolResults *results)
{
  GPtrArray *reports = ms_symbol_results_get_reports (results);

  g_assert_cmpuint (reports->len, ==, 1);
  return g_ptr_array_index (reports, 0);
}

/* The test library fixture ------------------------------------------------ */

typedef struct
{
  void         *handle;
  char         *lib_path;
  char         *build_id;
  guint64       offsets[4];
  const char   *names[4];
  guint         lines[4];
  MsSymbolizer *symbolizer;
  char         *empty_dir;
} LibFixture;

static void
lib_fixture_set_up (LibFixture    *fixture,
                    gconstpointer  user_data)
{
  static const char * const names[] = { "ms_symtest_alpha", "ms_symtest_beta", "ms_symtest_gamma" };
  g_autoptr(GError) error = NULL;
  const char *search_dirs[2] = { NULL, NULL };
  Dl_info info;
  SymtestFunc gamma;
  void **marker;

  fixture->lib_path = g_strdup (SYMTEST_LIB);
  fixture->handle = dlopen (fixture->lib_path, RTLD_NOW | RTLD_LOCAL);
  g_assert_nonnull (fixture->handle);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *prefix = g_strconcat (names[i], " (", NULL);
      void *address = dlsym (fixture->handle, names[i]);

      g_assert_nonnull (address);
      g_assert_true (dladdr (address, &info));
      fixture->offsets[i] = (guint64) ((guintptr) address - (guintptr) info.dli_fbase);
      fixture->names[i] = names[i];
      /* GCC puts a function's entry (its prologue) on the line of the
       * opening brace, in GNU style the line after the name */
      fixture->lines[i] = find_source_line (SYMTEST_SOURCE, prefix, FALSE) + 1;
      g_assert_cmpuint (fixture->lines[i], ==, find_source_line_after (SYMTEST_SOURCE, "{",
                                                                        fixture->lines[i] - 1));
    }

  /* A return address inside ms_symtest_gamma, which it publishes */
  gamma = (SymtestFunc) dlsym (fixture->handle, "ms_symtest_gamma");
  gamma (3);
  marker = dlsym (fixture->handle, "ms_symtest_marker_address");
  g_assert_nonnull (marker);
  g_assert_nonnull (*marker);
  g_assert_true (dladdr (*marker, &info));
  fixture->offsets[3] = (guint64) ((guintptr) *marker - (guintptr) info.dli_fbase);
  fixture->names[3] = "ms_symtest_gamma";
  fixture->lines[3] = find_source_line (SYMTEST_SOURCE, "/* MARKER */", TRUE);

  fixture->build_id = loaded_build_id (info.dli_fname);
  g_assert_nonnull (fixture->build_id);

  /* Keep the tests from finding anything through the host's /usr/lib/debug */
  fixture->empty_dir = g_dir_make_tmp ("memscope-symbols-XXXXXX", &error);
  g_assert_no_error (error);
  search_dirs[0] = fixture->empty_dir;

  fixture->symbolizer = ms_symbolizer_new ();
  ms_symbolizer_set_use_debuginfod (fixture->symbolizer, FALSE);
  ms_symbolizer_set_search_dirs (fixture->symbolizer, search_dirs);
}

static void
lib_fixture_tear_down (LibFixture    *fixture,
                       gconstpointer  user_data)
{
  g_clear_object (&fixture->symbolizer);
  g_rmdir (fixture->empty_dir);
  g_clear_pointer (&fixture->empty_dir, g_free);
  g_clear_pointer (&fixture->build_id, g_free);
  g_clear_pointer (&fixture->lib_path, g_free);
  dlclose (fixture->handle);
}

static MsSymbolRequest *
lib_fixture_request (LibFixture *fixture,
                     const char *build_id,
                     const char *module_name,
                     const char *path_hint)
{
  MsSymbolRequest *request = ms_symbol_request_new (build_id, module_name);

  ms_symbol_request_set_path_hint (request, path_hint);
  ms_symbol_request_add_offsets (request, fixture->offsets, G_N_ELEMENTS (fixture->offsets));
  return request;
}

static void
assert_lib_resolved (LibFixture      *fixture,
                     MsSymbolResults *results)
{
  g_autofree char *source_basename = g_path_get_basename (SYMTEST_SOURCE);

  g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, G_N_ELEMENTS (fixture->offsets));

  for (guint i = 0; i < G_N_ELEMENTS (fixture->offsets); i++)
    {
      MsSymbol *symbol = ms_symbol_results_lookup (results, fixture->build_id, fixture->offsets[i]);
      g_autofree char *file_basename = NULL;
      g_autofree char *description = NULL;

      g_assert_nonnull (symbol);
      description = ms_symbol_to_string (symbol);
      g_test_message ("0x%" G_GINT64_MODIFIER "x → %s", fixture->offsets[i], description);

      g_assert_cmpuint (ms_symbol_get_offset (symbol), ==, fixture->offsets[i]);
      g_assert_cmpstr (ms_symbol_get_name (symbol), ==, fixture->names[i]);
      g_assert_cmpstr (ms_symbol_get_raw_name (symbol), ==, fixture->names[i]);
      if (i < 3)
        g_assert_cmpuint (ms_symbol_get_symbol_offset (symbol), ==, 0);
      else
        g_assert_cmpuint (ms_symbol_get_symbol_offset (symbol), >, 0);

      g_assert_nonnull (ms_symbol_get_file (symbol));
      file_basename = g_path_get_basename (ms_symbol_get_file (symbol));
      g_assert_cmpstr (file_basename, ==, source_basename);
      g_assert_true (g_path_is_absolute (ms_symbol_get_file (symbol)));
      g_assert_true (g_file_test (ms_symbol_get_file (symbol), G_FILE_TEST_EXISTS));
      g_assert_cmpuint (ms_symbol_get_line (symbol), ==, fixture->lines[i]);
    }

  /* Upper case works as well for lookups */
  {
    g_autofree char *upper = g_ascii_strup (fixture->build_id, -1);
    g_assert_nonnull (ms_symbol_results_lookup (results, upper, fixture->offsets[0]));
  }
}

static void
test_lib_path_hint (LibFixture    *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  MsSymbolModuleReport *report;
  g_autofree char *line = NULL;

  request = lib_fixture_request (fixture, fixture->build_id, "libmssymtest.so", fixture->lib_path);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  assert_lib_resolved (fixture, results);

  report = only_report (results);
  line = ms_symbol_module_report_to_string (report);
  g_test_message ("%s", line);
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_PATH_HINT);
  g_assert_cmpstr (ms_symbol_module_report_get_elf_path (report), ==, fixture->lib_path);
  g_assert_null (ms_symbol_module_report_get_debug_path (report));
  g_assert_cmpstr (ms_symbol_module_report_get_build_id (report), ==, fixture->build_id);
  g_assert_cmpstr (ms_symbol_module_report_get_module_name (report), ==, "libmssymtest.so");
  g_assert_true (ms_symbol_module_report_get_has_dwarf (report));
  g_assert_cmpuint (ms_symbol_module_report_get_n_offsets (report), ==, 4);
  g_assert_cmpuint (ms_symbol_module_report_get_n_resolved (report), ==, 4);
}

static void
test_lib_hint_directory (LibFixture    *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->lib_path);
  g_autofree char *basename = g_path_get_basename (fixture->lib_path);

  request = lib_fixture_request (fixture, fixture->build_id, basename, dir);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  assert_lib_resolved (fixture, results);
  g_assert_cmpint (ms_symbol_module_report_get_source (only_report (results)), ==,
                   MS_SYMBOL_SOURCE_PATH_HINT);
}

static void
test_lib_search_dir (LibFixture    *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->lib_path);
  g_autofree char *basename = g_path_get_basename (fixture->lib_path);
  g_auto(GStrv) search_dirs = NULL;

  ms_symbolizer_add_search_dir (fixture->symbolizer, dir);
  search_dirs = ms_symbolizer_dup_search_dirs (fixture->symbolizer);
  g_assert_cmpuint (g_strv_length (search_dirs), ==, 2);
  g_assert_cmpstr (search_dirs[1], ==, dir);

  /* As Chromium names libraries: a basename, no path */
  request = lib_fixture_request (fixture, fixture->build_id, basename, NULL);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  assert_lib_resolved (fixture, results);
  g_assert_cmpint (ms_symbol_module_report_get_source (only_report (results)), ==,
                   MS_SYMBOL_SOURCE_SEARCH_DIR);
}

static void
test_lib_build_id_dir (LibFixture    *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *two = g_strndup (fixture->build_id, 2);
  g_autofree char *rest = g_strconcat (fixture->build_id + 2, ".debug", NULL);
  g_autofree char *link_dir = g_build_filename (fixture->empty_dir, ".build-id", two, NULL);
  g_autofree char *link_path = g_build_filename (link_dir, rest, NULL);
  g_autofree char *build_id_dir = g_build_filename (fixture->empty_dir, ".build-id", NULL);
  MsSymbolModuleReport *report;

  g_assert_cmpint (g_mkdir_with_parents (link_dir, 0700), ==, 0);
  g_assert_cmpint (symlink (fixture->lib_path, link_path), ==, 0);

  /* No name and no hint: only the build-id can find it */
  request = lib_fixture_request (fixture, fixture->build_id, NULL, NULL);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  assert_lib_resolved (fixture, results);
  report = only_report (results);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_BUILD_ID_DIR);
  g_assert_cmpstr (ms_symbol_module_report_get_elf_path (report), ==, link_path);

  g_unlink (link_path);
  g_rmdir (link_dir);
  g_rmdir (build_id_dir);
}

static void
test_lib_wrong_build_id (LibFixture    *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = flip_last_digit (fixture->build_id);
  g_autofree char *dir = g_path_get_dirname (fixture->lib_path);
  MsSymbolModuleReport *report;

  /* The right file in every place it could be found, under the wrong build-id */
  ms_symbolizer_add_search_dir (fixture->symbolizer, dir);
  request = lib_fixture_request (fixture, wrong, "libmssymtest.so", fixture->lib_path);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->offsets); i++)
    {
      g_assert_null (ms_symbol_results_lookup (results, wrong, fixture->offsets[i]));
      g_assert_null (ms_symbol_results_lookup (results, fixture->build_id, fixture->offsets[i]));
    }

  report = only_report (results);
  g_test_message ("%s", ms_symbol_module_report_get_detail (report));
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_BUILD_ID_MISMATCH);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_NONE);
  g_assert_null (ms_symbol_module_report_get_elf_path (report));
  g_assert_cmpuint (ms_symbol_module_report_get_n_resolved (report), ==, 0);
  g_assert_nonnull (strstr (ms_symbol_module_report_get_detail (report), fixture->lib_path));
  g_assert_nonnull (strstr (ms_symbol_module_report_get_detail (report), fixture->build_id));
}

static void
test_lib_no_elf (LibFixture    *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = flip_last_digit (fixture->build_id);
  MsSymbolModuleReport *report;

  request = lib_fixture_request (fixture, wrong, "libmssymtest.so", NULL);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
  report = only_report (results);
  g_test_message ("%s", ms_symbol_module_report_get_detail (report));
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_NO_ELF_FOUND);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_NONE);
}

/* Module paths from a profile that name no regular file: each must resolve to
 * nothing at once (a FIFO would block open() for good) with its reason. */
typedef enum
{
  SPECIAL_FIFO,
  SPECIAL_DEV_ZERO,
  SPECIAL_DIRECTORY,
} SpecialKind;

typedef struct
{
  const char  *name;
  SpecialKind  kind;
  const char  *reason;    /* after "<path> is not a regular file " */
} SpecialRow;

static const SpecialRow special_rows[] = {
  { "fifo", SPECIAL_FIFO, "(a FIFO)" },
  { "dev-zero", SPECIAL_DEV_ZERO, "(a character device)" },
  { "directory", SPECIAL_DIRECTORY, "(a directory)" },
};

static void
test_lib_special_file (LibFixture    *fixture,
                       gconstpointer  user_data)
{
  const SpecialRow *row = user_data;
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  MsSymbolModuleReport *report;

  dir = g_dir_make_tmp ("memscope-special-XXXXXX", &error);
  g_assert_no_error (error);
  switch (row->kind)
    {
    case SPECIAL_FIFO:
      path = g_build_filename (dir, "renderer", NULL);
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      break;

    case SPECIAL_DEV_ZERO:
      path = g_strdup ("/dev/zero");
      break;

    case SPECIAL_DIRECTORY:
      path = g_strdup (dir);
      break;

    default:
      g_assert_not_reached ();
    }

  /* The real build-id: only the kind of file can be the reason for refusing it */
  request = lib_fixture_request (fixture, fixture->build_id, path, NULL);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
  report = only_report (results);
  g_test_message ("%s", ms_symbol_module_report_get_detail (report));
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_BUILD_ID_MISMATCH);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_NONE);
  g_assert_null (ms_symbol_module_report_get_elf_path (report));
  expected = g_strdup_printf ("no file has build-id %s: %s is not a regular file %s",
                              fixture->build_id, path, row->reason);
  g_assert_cmpstr (ms_symbol_module_report_get_detail (report), ==, expected);

  if (row->kind == SPECIAL_FIFO)
    g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_lib_no_build_id (LibFixture    *fixture,
                      gconstpointer  user_data)
{
  static const char * const bad[] = { NULL, "", "xyz", "abc" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MsSymbolRequest) request = NULL;
      g_autoptr(GPtrArray) requests = NULL;
      g_autoptr(MsSymbolResults) results = NULL;
      g_autoptr(GError) error = NULL;
      MsSymbolModuleReport *report;

      /* Even the right file at a hinted path must not be trusted */
      request = lib_fixture_request (fixture, bad[i], "libmssymtest.so", fixture->lib_path);
      requests = single_request (request);
      results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
      g_assert_no_error (error);

      g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
      report = only_report (results);
      g_test_message ("%s: %s", bad[i] ? bad[i] : "(null)", ms_symbol_module_report_get_detail (report));
      g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_NO_BUILD_ID);
    }
}

static void
test_lib_out_of_range (LibFixture    *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  MsSymbolModuleReport *report;

  request = ms_symbol_request_new (fixture->build_id, "libmssymtest.so");
  ms_symbol_request_set_path_hint (request, fixture->lib_path);
  ms_symbol_request_add_offset (request, G_GUINT64_CONSTANT (0x40000000));
  ms_symbol_request_add_offset (request, G_MAXUINT64);
  ms_symbol_request_add_offset (request, fixture->offsets[0]);
  requests = single_request (request);
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  g_assert_null (ms_symbol_results_lookup (results, fixture->build_id, G_GUINT64_CONSTANT (0x40000000)));
  g_assert_null (ms_symbol_results_lookup (results, fixture->build_id, G_MAXUINT64));
  g_assert_nonnull (ms_symbol_results_lookup (results, fixture->build_id, fixture->offsets[0]));
  report = only_report (results);
  g_assert_cmpuint (ms_symbol_module_report_get_n_offsets (report), ==, 3);
  g_assert_cmpuint (ms_symbol_module_report_get_n_resolved (report), ==, 1);
}

static void
test_lib_cache (LibFixture    *fixture,
                gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(MsSymbolRequest) again = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) first = NULL;
  g_autoptr(MsSymbolResults) second = NULL;
  g_autoptr(MsSymbolResults) third = NULL;
  g_autoptr(GError) error = NULL;

  request = lib_fixture_request (fixture, fixture->build_id, "libmssymtest.so", fixture->lib_path);
  requests = single_request (request);
  first = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  /* The same build-id without any hint: the open module is reused, and the
   * memoised symbols are the very same objects */
  again = lib_fixture_request (fixture, fixture->build_id, "elsewhere.so", NULL);
  g_ptr_array_set_size (requests, 0);
  g_ptr_array_add (requests, ms_symbol_request_ref (again));
  second = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  assert_lib_resolved (fixture, second);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->offsets); i++)
    g_assert_true (ms_symbol_results_lookup (first, fixture->build_id, fixture->offsets[i])
                   == ms_symbol_results_lookup (second, fixture->build_id, fixture->offsets[i]));

  /* Once the cache is cleared, nothing can find it without a hint */
  ms_symbolizer_clear_cache (fixture->symbolizer);
  third = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_symbol_results_get_n_resolved (third), ==, 0);
  g_assert_cmpint (ms_symbol_module_report_get_status (only_report (third)), ==,
                   MS_SYMBOL_MODULE_NO_ELF_FOUND);
}

static void
test_lib_batch (LibFixture    *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_symbol_request_unref);
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = flip_last_digit (fixture->build_id);
  GPtrArray *reports;

  g_ptr_array_add (requests, lib_fixture_request (fixture, wrong, "libmssymtest.so", fixture->lib_path));
  g_ptr_array_add (requests, lib_fixture_request (fixture, fixture->build_id, "libmssymtest.so", fixture->lib_path));
  g_ptr_array_add (requests, lib_fixture_request (fixture, NULL, "[anon]", NULL));
  results = ms_symbolizer_resolve (fixture->symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  assert_lib_resolved (fixture, results);
  reports = ms_symbol_results_get_reports (results);
  g_assert_cmpuint (reports->len, ==, 3);
  g_assert_cmpint (ms_symbol_module_report_get_status (g_ptr_array_index (reports, 0)), ==,
                   MS_SYMBOL_MODULE_BUILD_ID_MISMATCH);
  g_assert_cmpint (ms_symbol_module_report_get_status (g_ptr_array_index (reports, 1)), ==,
                   MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_status (g_ptr_array_index (reports, 2)), ==,
                   MS_SYMBOL_MODULE_NO_BUILD_ID);
}

typedef struct
{
  GMainLoop       *loop;
  GThread         *main_thread;
  GArray          *fractions;
  MsSymbolResults *results;
  GError          *error;
  gboolean         done;
} AsyncState;

static void
on_progress (MsSymbolizer *symbolizer,
             double        fraction,
             AsyncState   *state)
{
  g_assert_true (g_thread_self () == state->main_thread);
  g_assert_false (state->done);
  g_array_append_val (state->fractions, fraction);
}

static void
on_resolved (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  g_assert_true (g_thread_self () == state->main_thread);
  state->results = ms_symbolizer_resolve_finish (MS_SYMBOLIZER (object), result, &state->error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

static void
test_lib_async (LibFixture    *fixture,
                gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  AsyncState state = { 0 };
  gulong handler;

  request = lib_fixture_request (fixture, fixture->build_id, "libmssymtest.so", fixture->lib_path);
  requests = single_request (request);

  state.loop = g_main_loop_new (NULL, FALSE);
  state.main_thread = g_thread_self ();
  state.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  handler = g_signal_connect (fixture->symbolizer, "progress", G_CALLBACK (on_progress), &state);

  ms_symbolizer_resolve_async (fixture->symbolizer, requests, NULL, on_resolved, &state);
  g_main_loop_run (state.loop);

  g_assert_no_error (state.error);
  g_assert_nonnull (state.results);
  assert_lib_resolved (fixture, state.results);

  /* Rising, within 0..1, the last one 1 and before the callback */
  g_assert_cmpuint (state.fractions->len, >, 0);
  for (guint i = 0; i < state.fractions->len; i++)
    {
      double fraction = g_array_index (state.fractions, double, i);

      g_assert_cmpfloat (fraction, >, 0.0);
      g_assert_cmpfloat (fraction, <=, 1.0);
      if (i > 0)
        g_assert_cmpfloat (fraction, >, g_array_index (state.fractions, double, i - 1));
    }
  g_assert_cmpfloat (g_array_index (state.fractions, double, state.fractions->len - 1), ==, 1.0);

  g_signal_handler_disconnect (fixture->symbolizer, handler);
  g_clear_pointer (&state.results, ms_symbol_results_unref);
  g_clear_pointer (&state.fractions, g_array_unref);
  g_clear_pointer (&state.loop, g_main_loop_unref);
}

static void
test_lib_cancelled (LibFixture    *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  AsyncState state = { 0 };

  request = lib_fixture_request (fixture, fixture->build_id, "libmssymtest.so", fixture->lib_path);
  requests = single_request (request);
  g_cancellable_cancel (cancellable);

  results = ms_symbolizer_resolve (fixture->symbolizer, requests, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (results);

  state.loop = g_main_loop_new (NULL, FALSE);
  state.main_thread = g_thread_self ();
  ms_symbolizer_resolve_async (fixture->symbolizer, requests, cancellable, on_resolved, &state);
  g_main_loop_run (state.loop);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (state.results);
  g_clear_error (&state.error);
  g_clear_pointer (&state.loop, g_main_loop_unref);
}

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  guint      n_resolved[4];
} ConcurrentState;

static void
on_concurrent_resolved (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  ConcurrentState *state = g_task_get_task_data (G_TASK (user_data));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (user_data), "index"));
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;

  results = ms_symbolizer_resolve_finish (MS_SYMBOLIZER (object), result, &error);
  g_assert_no_error (error);
  state->n_resolved[index] = ms_symbol_results_get_n_resolved (results);
  g_object_unref (user_data);
  if (--state->pending == 0)
    g_main_loop_quit (state->loop);
}

static void
test_lib_concurrent (LibFixture    *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  ConcurrentState state = { 0 };

  /* Jobs share the cache and each module's Dwfl from several threads */
  request = lib_fixture_request (fixture, fixture->build_id, "libmssymtest.so", fixture->lib_path);
  requests = single_request (request);
  state.loop = g_main_loop_new (NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (state.n_resolved); i++)
    {
      /* A GTask only to carry the state and index to the callback */
      GTask *carrier = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (carrier, &state, NULL);
      g_object_set_data (G_OBJECT (carrier), "index", GUINT_TO_POINTER (i));
      state.pending++;
      ms_symbolizer_resolve_async (fixture->symbolizer, requests, NULL,
                                   on_concurrent_resolved, carrier);
    }
  g_main_loop_run (state.loop);

  for (guint i = 0; i < G_N_ELEMENTS (state.n_resolved); i++)
    g_assert_cmpuint (state.n_resolved[i], ==, G_N_ELEMENTS (fixture->offsets));
  g_main_loop_unref (state.loop);
}

/* debuginfod ---------------------------------------------------------------- */

static void
test_debuginfod_unreachable (void)
{
  g_autoptr(MsSymbolizer) symbolizer = NULL;
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_dir = NULL;
  MsSymbolModuleReport *report;

  /* A server on the loopback that refuses connections (the discard port):
   * the debuginfod path runs, nothing leaves the machine */
  cache_dir = g_dir_make_tmp ("memscope-debuginfod-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("DEBUGINFOD_CACHE_PATH", cache_dir, TRUE);
  g_setenv ("DEBUGINFOD_URLS", "http://127.0.0.1:9/", TRUE);

  symbolizer = ms_symbolizer_new ();
  g_assert_true (ms_symbolizer_get_use_debuginfod (symbolizer));
  ms_symbolizer_set_search_dirs (symbolizer, NULL);

  request = ms_symbol_request_new ("0123456789abcdef0123456789abcdef01234567", "libnothing.so");
  ms_symbol_request_add_offset (request, 0x1000);
  requests = single_request (request);
  results = ms_symbolizer_resolve (symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  report = only_report (results);
  g_test_message ("%s", ms_symbol_module_report_get_detail (report));
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_NO_ELF_FOUND);
  g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
  g_assert_nonnull (strstr (ms_symbol_module_report_get_detail (report), "debuginfod"));

  g_unsetenv ("DEBUGINFOD_URLS");
  g_unsetenv ("DEBUGINFOD_CACHE_PATH");
  /* the client leaves a settings file behind */
  {
    g_autofree char *setting = g_build_filename (cache_dir, "cache_clean_interval_s", NULL);
    g_unlink (setting);
    g_rmdir (cache_dir);
  }
}

/* Build-ids ----------------------------------------------------------------- */

static void
test_build_id_from_uuid (void)
{
  static const struct {
    const char *uuid;
    const char *build_id;
  } good[] = {
    { "93AC61EC5A8EB1396F9FBD350E3169A558528A400", "93ac61ec5a8eb1396f9fbd350e3169a558528a40" },
    { "4A74F6497529D42BB61262C76D7B1ADD49C4DEA60", "4a74f6497529d42bb61262c76d7b1add49c4dea6" },
    { "abcdef0", "abcdef" },
  };
  static const struct {
    const char *uuid;
    const char *message;
  } bad[] = {
    { NULL, "Empty module uuid" },
    { "", "Empty module uuid" },
    { "93AC61EC5A8EB1396F9FBD350E3169A558528A40", "Module uuid “93AC61EC5A8EB1396F9FBD350E3169A558528A40” is not a build-id followed by one age digit" },
    { "0", "Module uuid “0” is not a build-id followed by one age digit" },
    { "0x1234", "Module uuid “0x1234” is not hexadecimal" },
    { "93AC 61EC0", "Module uuid “93AC 61EC0” is not hexadecimal" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *build_id = ms_symbols_build_id_from_uuid (good[i].uuid, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (build_id, ==, good[i].build_id);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *build_id = ms_symbols_build_id_from_uuid (bad[i].uuid, &error);

      g_assert_null (build_id);
      g_assert_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }
}

static void
test_build_id_normalize (void)
{
  static const struct {
    const char *build_id;
    const char *normalized;
    const char *message;
  } cases[] = {
    { "ABCDEF01", "abcdef01", NULL },
    { NULL, NULL, "Empty build-id" },
    { "", NULL, "Empty build-id" },
    { "abc", NULL, "Build-id “abc” has an odd number of digits" },
    { "abcg", NULL, "Build-id “abcg” is not hexadecimal" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = ms_symbols_build_id_normalize (cases[i].build_id, &error);

      g_assert_cmpstr (normalized, ==, cases[i].normalized);
      if (cases[i].message == NULL)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_INVALID_BUILD_ID);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }
}

static void
test_build_id_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *from_file = NULL;
  g_autofree char *from_memory = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *source = NULL;
  void *handle;

  handle = dlopen (SYMTEST_LIB, RTLD_NOW | RTLD_LOCAL);
  g_assert_nonnull (handle);
  from_memory = loaded_build_id (SYMTEST_LIB);
  g_assert_nonnull (from_memory);

  from_file = ms_symbols_read_build_id (SYMTEST_LIB, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_file, ==, from_memory);
  dlclose (handle);

  missing = ms_symbols_read_build_id ("/nonexistent/libfoo.so", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);

  source = ms_symbols_read_build_id (SYMTEST_SOURCE, &error);
  g_assert_error (error, MS_SYMBOLS_ERROR, MS_SYMBOLS_ERROR_NOT_ELF);
  g_assert_null (source);
}

/* C++ names are demangled --------------------------------------------------- */

static void
test_demangle (void)
{
  /* A libstdc++ export: names in its .dynsym are mangled */
  static const char mangled[] = "_ZNSt6chrono3_V212system_clock3nowEv";
  g_autoptr(MsSymbolizer) symbolizer = ms_symbolizer_new ();
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *build_id = NULL;
  MsSymbol *symbol;
  Dl_info info;
  void *handle;
  void *address;
  guint64 offset;

  handle = dlopen ("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      g_test_skip ("libstdc++.so.6 is not installed");
      return;
    }
  address = dlsym (handle, mangled);
  g_assert_nonnull (address);
  g_assert_true (dladdr (address, &info));
  offset = (guint64) ((guintptr) address - (guintptr) info.dli_fbase);
  build_id = loaded_build_id (info.dli_fname);
  g_assert_nonnull (build_id);

  ms_symbolizer_set_use_debuginfod (symbolizer, FALSE);
  request = ms_symbol_request_new (build_id, "libstdc++.so.6");
  ms_symbol_request_set_path_hint (request, info.dli_fname);
  ms_symbol_request_add_offset (request, offset);
  requests = single_request (request);
  results = ms_symbolizer_resolve (symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("%s", ms_symbol_module_report_get_detail (only_report (results)));
  symbol = ms_symbol_results_lookup (results, build_id, offset);
  g_assert_nonnull (symbol);
  g_assert_cmpstr (ms_symbol_get_raw_name (symbol), ==, mangled);
  g_assert_cmpstr (ms_symbol_get_name (symbol), ==, "std::chrono::_V2::system_clock::now()");

  dlclose (handle);
}

/* libc: in this process, and in a real Chromium profile ---------------------- */

static char *
running_libc (char **path,
              void **base)
{
  void *handle = dlopen ("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  Dl_info info;
  void *address;

  g_assert_nonnull (handle);
  /* libc's own malloc, not an interposed one (ASan's, say) */
  address = dlsym (handle, "malloc");
  g_assert_nonnull (address);
  g_assert_true (dladdr (address, &info));
  dlclose (handle);

  if (path != NULL)
    *path = g_strdup (info.dli_fname);
  if (base != NULL)
    *base = info.dli_fbase;

  return loaded_build_id (info.dli_fname);
}

static gboolean
have_debug_file (const char *build_id)
{
  g_autofree char *two = g_strndup (build_id, 2);
  g_autofree char *rest = g_strconcat (build_id + 2, ".debug", NULL);
  g_autofree char *path = g_build_filename ("/usr/lib/debug/.build-id", two, rest, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_libc_running (void)
{
  static const char * const malloc_names[] = { "malloc", "__libc_malloc", "__malloc", NULL };
  g_autoptr(MsSymbolizer) symbolizer = ms_symbolizer_new ();
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *build_id = NULL;
  g_autofree char *libc_path = NULL;
  MsSymbolModuleReport *report;
  MsSymbol *symbol;
  void *handle;
  void *address;
  void *base;
  guint64 offset;

  build_id = running_libc (&libc_path, &base);
  g_assert_nonnull (build_id);
  if (!have_debug_file (build_id))
    {
      g_test_skip ("libc6-dbg is not installed (no /usr/lib/debug/.build-id file for libc.so.6)");
      return;
    }

  handle = dlopen ("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  address = dlsym (handle, "malloc");
  dlclose (handle);
  offset = (guint64) ((guintptr) address - (guintptr) base);

  ms_symbolizer_set_use_debuginfod (symbolizer, FALSE);
  /* As a Chromium profile names it: a basename, found by build-id only */
  request = ms_symbol_request_new (build_id, "libc.so.6");
  ms_symbol_request_add_offset (request, offset);
  ms_symbol_request_add_offset (request, offset + 16);
  requests = single_request (request);
  results = ms_symbolizer_resolve (symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  report = only_report (results);
  g_test_message ("%s", ms_symbol_module_report_get_detail (report));
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_BUILD_ID_DIR);
  g_assert_true (ms_symbol_module_report_get_has_dwarf (report));

  symbol = ms_symbol_results_lookup (results, build_id, offset);
  g_assert_nonnull (symbol);
  g_test_message ("libc malloc at +0x%" G_GINT64_MODIFIER "x → %s (%s:%u)", offset,
                  ms_symbol_get_name (symbol), ms_symbol_get_file (symbol), ms_symbol_get_line (symbol));
  g_assert_true (g_strv_contains (malloc_names, ms_symbol_get_name (symbol)));
  g_assert_cmpuint (ms_symbol_get_symbol_offset (symbol), ==, 0);
  g_assert_nonnull (ms_symbol_get_file (symbol));
  g_assert_true (g_str_has_suffix (ms_symbol_get_file (symbol), "malloc.c"));

  symbol = ms_symbol_results_lookup (results, build_id, offset + 16);
  g_assert_nonnull (symbol);
  g_assert_true (g_strv_contains (malloc_names, ms_symbol_get_name (symbol)));
  g_assert_cmpuint (ms_symbol_get_symbol_offset (symbol), ==, 16);
}

typedef struct
{
  guint64  offset;
  char    *name;        /* as Chromium named the frame */
  gboolean always_root; /* the last (outermost) frame of every stack it is in */
} FixtureFrame;

static void
fixture_frame_free (gpointer data)
{
  FixtureFrame *frame = data;

  g_free (frame->name);
  g_free (frame);
}

static guint64
parse_address (const char *text)
{
  if (g_str_has_prefix (text, "0x"))
    return g_ascii_strtoull (text + 2, NULL, 16);
  return g_ascii_strtoull (text, NULL, 10);
}

/* Reads the profile's module named @module_name (or the first module, when
 * %NULL) and the distinct frames inside it. */
static GPtrArray *
load_fixture_module (const char  *module_name,
                     char       **uuid)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_offset = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *frames = g_ptr_array_new_with_free_func (fixture_frame_free);
  JsonObject *profile;
  JsonArray *modules;
  JsonArray *samples;
  JsonObject *module = NULL;
  guint64 base;
  guint64 size;
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");

  path = g_build_filename (dir ? dir : MS_FIXTURES_DIR, "small", "getSamplingProfile.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  profile = json_object_get_object_member (json_object_get_object_member (
              json_node_get_object (json_parser_get_root (parser)), "result"), "profile");
  modules = json_object_get_array_member (profile, "modules");
  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonObject *candidate = json_array_get_object_element (modules, i);

      if (module_name == NULL
          || g_strcmp0 (json_object_get_string_member (candidate, "name"), module_name) == 0)
        {
          module = candidate;
          break;
        }
    }
  g_assert_nonnull (module);

  *uuid = g_strdup (json_object_get_string_member (module, "uuid"));
  base = parse_address (json_object_get_string_member (module, "baseAddress"));
  size = json_object_get_int_member (module, "size");

  samples = json_object_get_array_member (profile, "samples");
  for (guint i = 0; i < json_array_get_length (samples); i++)
    {
      JsonArray *stack = json_object_get_array_member (json_array_get_object_element (samples, i),
                                                       "stack");
      guint n_frames = json_array_get_length (stack);

      for (guint j = 0; j < n_frames; j++)
        {
          const char *text = json_array_get_string_element (stack, j);
          const char *space = strchr (text, ' ');
          guint64 address = parse_address (text);
          guint64 offset;
          FixtureFrame *frame;

          if (address < base || address >= base + size)
            continue;

          offset = address - base;
          frame = g_hash_table_lookup (by_offset, &offset);
          if (frame == NULL)
            {
              frame = g_new0 (FixtureFrame, 1);
              frame->offset = offset;
              frame->name = g_strdup (space ? space + 1 : "");
              frame->always_root = TRUE;
              g_ptr_array_add (frames, frame);
              g_hash_table_insert (by_offset, &frame->offset, frame);
            }
          if (j != n_frames - 1)
            frame->always_root = FALSE;
        }
    }

  return frames;
}

static void
test_libc_fixture (void)
{
  /* The outermost frame of a thread or of the main thread */
  static const char * const entry_points[] = {
    "start_thread", "__libc_start_call_main", "__libc_start_main", "__libc_start_main_impl",
    "clone", "clone3", "__clone", "__clone3", "__clone_internal", NULL
  };
  g_autoptr(MsSymbolizer) symbolizer = ms_symbolizer_new ();
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *fixture_build_id = NULL;
  g_autofree char *machine_build_id = NULL;
  g_autofree char *libc_path = NULL;
  MsSymbolModuleReport *report;

  frames = load_fixture_module ("libc.so.6", &uuid);
  g_assert_cmpuint (frames->len, >, 0);

  /* The uuid is the build-id and one age digit */
  fixture_build_id = g_ascii_strdown (uuid, strlen (uuid) - 1);
  machine_build_id = running_libc (&libc_path, NULL);
  g_assert_nonnull (machine_build_id);

  ms_symbolizer_set_use_debuginfod (symbolizer, FALSE);
  request = ms_symbol_request_new (fixture_build_id, "libc.so.6");
  for (guint i = 0; i < frames->len; i++)
    ms_symbol_request_add_offset (request, ((FixtureFrame *) g_ptr_array_index (frames, i))->offset);

  if (g_strcmp0 (fixture_build_id, machine_build_id) != 0)
    {
      g_test_message ("The fixture's libc.so.6 has build-id %s, this machine's %s has %s: "
                      "its frames must resolve to nothing",
                      fixture_build_id, libc_path, machine_build_id);
      ms_symbol_request_set_path_hint (request, libc_path);
      requests = single_request (request);
      results = ms_symbolizer_resolve (symbolizer, requests, NULL, &error);
      g_assert_no_error (error);

      report = only_report (results);
      g_test_message ("%s", ms_symbol_module_report_get_detail (report));
      g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
      g_assert_cmpint (ms_symbol_module_report_get_status (report), !=, MS_SYMBOL_MODULE_SYMBOLIZED);
      return;
    }

  g_test_message ("The fixture's libc.so.6 build-id %s is this machine's %s", fixture_build_id, libc_path);
  if (!have_debug_file (fixture_build_id))
    {
      g_test_skip ("libc6-dbg is not installed (no /usr/lib/debug/.build-id file for libc.so.6)");
      return;
    }

  requests = single_request (request);
  results = ms_symbolizer_resolve (symbolizer, requests, NULL, &error);
  g_assert_no_error (error);

  report = only_report (results);
  g_test_message ("%s", ms_symbol_module_report_get_detail (report));
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_BUILD_ID_DIR);
  g_assert_cmpuint (ms_symbol_module_report_get_n_resolved (report), ==, frames->len);

  for (guint i = 0; i < frames->len; i++)
    {
      FixtureFrame *frame = g_ptr_array_index (frames, i);
      MsSymbol *symbol = ms_symbol_results_lookup (results, fixture_build_id, frame->offset);
      g_autofree char *description = NULL;

      g_assert_nonnull (symbol);
      description = ms_symbol_to_string (symbol);
      g_test_message ("libc.so.6+0x%" G_GINT64_MODIFIER "x (%s, %s) → %s",
                      frame->offset, frame->name,
                      frame->always_root ? "outermost frame" : "inner frame", description);
      g_assert_nonnull (ms_symbol_get_file (symbol));
      g_assert_cmpuint (ms_symbol_get_line (symbol), >, 0);

      /* A frame Chromium named itself must get that very name */
      if (g_strcmp0 (frame->name, "<unknown>") != 0)
        g_assert_cmpstr (ms_symbol_get_name (symbol), ==, frame->name);
      /* The bottom of every stack is where a thread starts */
      if (frame->always_root)
        g_assert_true (g_strv_contains (entry_points, ms_symbol_get_name (symbol)));
    }
}

static gboolean
is_identifier (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_')
        return FALSE;
    }
  return TRUE;
}

#define CHROMIUM_PATH "/usr/lib/chromium/chromium"

static void
test_chromium_fixture (void)
{
  g_autoptr(MsSymbolizer) symbolizer = ms_symbolizer_new ();
  g_autoptr(MsSymbolRequest) request = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *fixture_build_id = NULL;
  g_autofree char *installed_build_id = NULL;
  MsSymbolModuleReport *report;
  guint n_named = 0;

  /* The first module is the renderer's executable, named by its command line */
  frames = load_fixture_module (NULL, &uuid);
  fixture_build_id = g_ascii_strdown (uuid, strlen (uuid) - 1);

  if (!g_file_test (CHROMIUM_PATH, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("Chromium is not installed at " CHROMIUM_PATH);
      return;
    }
  installed_build_id = ms_symbols_read_build_id (CHROMIUM_PATH, &error);
  g_assert_no_error (error);

  ms_symbolizer_set_use_debuginfod (symbolizer, FALSE);
  request = ms_symbol_request_new (fixture_build_id, NULL);
  ms_symbol_request_set_path_hint (request, CHROMIUM_PATH);
  for (guint i = 0; i < frames->len; i++)
    ms_symbol_request_add_offset (request, ((FixtureFrame *) g_ptr_array_index (frames, i))->offset);
  requests = single_request (request);
  results = ms_symbolizer_resolve (symbolizer, requests, NULL, &error);
  g_assert_no_error (error);
  report = only_report (results);
  g_test_message ("%s", ms_symbol_module_report_get_detail (report));

  if (g_strcmp0 (installed_build_id, fixture_build_id) != 0)
    {
      g_test_message ("The fixture's Chromium has build-id %s, the installed one %s: "
                      "nothing may resolve", fixture_build_id, installed_build_id);
      g_assert_cmpint (ms_symbol_module_report_get_status (report), ==,
                       MS_SYMBOL_MODULE_BUILD_ID_MISMATCH);
      g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
      return;
    }

  /* Chromium ships no symbol table but .dynsym: the frames it named from
   * its exports in-process must get the same names from the file */
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  for (guint i = 0; i < frames->len; i++)
    {
      FixtureFrame *frame = g_ptr_array_index (frames, i);
      MsSymbol *symbol = ms_symbol_results_lookup (results, fixture_build_id, frame->offset);

      if (!is_identifier (frame->name))
        continue;

      g_assert_nonnull (symbol);
      g_assert_cmpstr (ms_symbol_get_name (symbol), ==, frame->name);
      n_named++;
    }
  g_test_message ("%u of %u distinct Chromium frames carry a name in the fixture; all agree",
                  n_named, frames->len);
  g_assert_cmpuint (n_named, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* Tests never touch the network */
  g_unsetenv ("DEBUGINFOD_URLS");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/symbols/build-id/from-uuid", test_build_id_from_uuid);
  g_test_add_func ("/memscope/symbols/build-id/normalize", test_build_id_normalize);
  g_test_add_func ("/memscope/symbols/build-id/read", test_build_id_read);

#define ADD_LIB_TEST(path, func) \
  g_test_add ("/memscope/symbols/testlib/" path, LibFixture, NULL, \
              lib_fixture_set_up, func, lib_fixture_tear_down)
  ADD_LIB_TEST ("path-hint", test_lib_path_hint);
  ADD_LIB_TEST ("hint-directory", test_lib_hint_directory);
  ADD_LIB_TEST ("search-dir", test_lib_search_dir);
  ADD_LIB_TEST ("build-id-dir", test_lib_build_id_dir);
  ADD_LIB_TEST ("wrong-build-id", test_lib_wrong_build_id);
  ADD_LIB_TEST ("no-elf", test_lib_no_elf);
  ADD_LIB_TEST ("no-build-id", test_lib_no_build_id);
  ADD_LIB_TEST ("out-of-range", test_lib_out_of_range);
  ADD_LIB_TEST ("cache", test_lib_cache);
  ADD_LIB_TEST ("batch", test_lib_batch);
  ADD_LIB_TEST ("async", test_lib_async);
  ADD_LIB_TEST ("cancelled", test_lib_cancelled);
  ADD_LIB_TEST ("concurrent", test_lib_concurrent);
#undef ADD_LIB_TEST
  for (guint i = 0; i < G_N_ELEMENTS (special_rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/symbols/testlib/special-file/%s",
                                               special_rows[i].name);

      g_test_add (path, LibFixture, &special_rows[i],
                  lib_fixture_set_up, test_lib_special_file, lib_fixture_tear_down);
    }

  g_test_add_func ("/memscope/symbols/demangle", test_demangle);
  g_test_add_func ("/memscope/symbols/debuginfod/unreachable", test_debuginfod_unreachable);
  g_test_add_func ("/memscope/symbols/libc/running", test_libc_running);
  g_test_add_func ("/memscope/symbols/libc/fixture", test_libc_fixture);
  g_test_add_func ("/memscope/symbols/chromium/fixture", test_chromium_fixture);

  return g_test_run ();
}
