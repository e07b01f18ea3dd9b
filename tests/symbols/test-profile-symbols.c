/* test-profile-symbols.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"
/* dladdr() */
#define _GNU_SOURCE

#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ms-profile-symbols.h"
#include "ms-symbols.h"

#define CHROMIUM_PATH "/usr/lib/chromium/chromium"

typedef int (*SymtestFunc) (int);

/* Helpers that know nothing of the code under test ------------------------ */

static guint64
parse_address (const char *text)
{
  if (g_str_has_prefix (text, "0x"))
    return g_ascii_strtoull (text + 2, NULL, 16);
  return g_ascii_strtoull (text, NULL, 10);
}

static guint
find_source_line (const char *path,
                  const char *needle)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], needle) != NULL)
        return i + 1;
    }

  g_assert_not_reached ();
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

static gboolean
have_debug_file (const char *build_id)
{
  g_autofree char *two = g_strndup (build_id, 2);
  g_autofree char *rest = g_strconcat (build_id + 2, ".debug", NULL);
  g_autofree char *path = g_build_filename ("/usr/lib/debug/.build-id", two, rest, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The build-id of the libc.so.6 this process runs */
static char *
running_libc_build_id (char **path)
{
  g_autoptr(GError) error = NULL;
  void *handle = dlopen ("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  char *build_id;
  Dl_info info;
  void *address;

  g_assert_nonnull (handle);
  /* libc's own malloc, not an interposed one (ASan's, say) */
  address = dlsym (handle, "malloc");
  g_assert_nonnull (address);
  g_assert_true (dladdr (address, &info));
  dlclose (handle);

  build_id = ms_symbols_read_build_id (info.dli_fname, &error);
  g_assert_no_error (error);
  *path = g_strdup (info.dli_fname);

  return build_id;
}

/* The fixture, read with json-glib --------------------------------------- */

typedef struct
{
  guint64   address;
  char     *name;       /* as Chromium named the frame */
  gboolean  is_caller;  /* not the first (leaf) frame of some stack */
} JsonFrame;

typedef struct
{
  char      *name;
  char      *build_id;  /* the uuid without its age digit, lower case */
  guint64    base;
  guint64    size;
  GPtrArray *frames;    /* JsonFrame, the distinct ones inside the module */
} JsonModule;

static void
json_frame_free (gpointer data)
{
  JsonFrame *frame = data;

  g_free (frame->name);
  g_free (frame);
}

static void
json_module_free (gpointer data)
{
  JsonModule *module = data;

  g_free (module->name);
  g_free (module->build_id);
  g_ptr_array_unref (module->frames);
  g_free (module);
}

static char *
fixture_path (void)
{
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");

  return g_build_filename (dir ? dir : MS_FIXTURES_DIR, "small", "getSamplingProfile.json", NULL);
}

/* The fixture's modules, each with the distinct frames inside it */
static GPtrArray *
load_json_modules (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  /* Frames in no module: not ours to check */
  g_autoptr(GPtrArray) outside = g_ptr_array_new_with_free_func (json_frame_free);
  GPtrArray *modules = g_ptr_array_new_with_free_func (json_module_free);
  JsonObject *profile;
  JsonArray *json_modules;
  JsonArray *samples;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  profile = json_object_get_object_member (json_object_get_object_member (
              json_node_get_object (json_parser_get_root (parser)), "result"), "profile");

  json_modules = json_object_get_array_member (profile, "modules");
  for (guint i = 0; i < json_array_get_length (json_modules); i++)
    {
      JsonObject *object = json_array_get_object_element (json_modules, i);
      const char *uuid = json_object_get_string_member (object, "uuid");
      JsonModule *module = g_new0 (JsonModule, 1);

      module->name = g_strdup (json_object_get_string_member (object, "name"));
      module->build_id = g_ascii_strdown (uuid, strlen (uuid) - 1);
      module->base = parse_address (json_object_get_string_member (object, "baseAddress"));
      module->size = json_object_get_int_member (object, "size");
      module->frames = g_ptr_array_new_with_free_func (json_frame_free);
      g_ptr_array_add (modules, module);
    }

  samples = json_object_get_array_member (profile, "samples");
  for (guint i = 0; i < json_array_get_length (samples); i++)
    {
      JsonArray *stack = json_object_get_array_member (json_array_get_object_element (samples, i),
                                                       "stack");

      for (guint j = 0; j < json_array_get_length (stack); j++)
        {
          const char *text = json_array_get_string_element (stack, j);
          const char *space = strchr (text, ' ');
          guint64 address = parse_address (text);
          JsonFrame *frame = g_hash_table_lookup (seen, &address);

          if (frame == NULL)
            {
              GPtrArray *owner = outside;

              frame = g_new0 (JsonFrame, 1);
              frame->address = address;
              frame->name = g_strdup (space ? space + 1 : "");
              for (guint m = 0; m < modules->len; m++)
                {
                  JsonModule *module = g_ptr_array_index (modules, m);

                  if (address >= module->base && address - module->base < module->size)
                    owner = module->frames;
                }
              g_ptr_array_add (owner, frame);
              g_hash_table_insert (seen, &frame->address, frame);
            }
          if (j > 0)
            frame->is_caller = TRUE;
        }
    }

  return modules;
}

static JsonModule *
find_json_module (GPtrArray  *modules,
                  const char *name)
{
  for (guint i = 0; i < modules->len; i++)
    {
      JsonModule *module = g_ptr_array_index (modules, i);

      if (name == NULL ? strchr (module->name, ' ') != NULL : strcmp (module->name, name) == 0)
        return module;
    }

  g_assert_not_reached ();
}

/* The profile's frame index of every address */
static GHashTable *
index_profile_frames (MsProfile *profile)
{
  GHashTable *by_address = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < ms_profile_get_n_frames (profile); i++)
    {
      guint64 address;

      ms_profile_get_frame (profile, i, NULL, NULL, &address, NULL);
      g_hash_table_insert (by_address, g_memdup2 (&address, sizeof address), GUINT_TO_POINTER (i));
    }

  return by_address;
}

static guint
profile_frame_index (GHashTable *by_address,
                     guint64     address)
{
  gpointer value;

  g_assert_true (g_hash_table_lookup_extended (by_address, &address, NULL, &value));
  return GPOINTER_TO_UINT (value);
}

static MsProfile *
load_fixture_profile (void)
{
  g_autofree char *path = fixture_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  MsProfile *profile;

  profile = ms_profile_new_from_file (file, NULL, &error);
  g_assert_no_error (error);

  return profile;
}

static MsSymbolModuleReport *
find_report (MsSymbolResults *results,
             const char      *build_id)
{
  GPtrArray *reports = ms_symbol_results_get_reports (results);

  for (guint i = 0; i < reports->len; i++)
    {
      MsSymbolModuleReport *report = g_ptr_array_index (reports, i);

      if (g_strcmp0 (ms_symbol_module_report_get_build_id (report), build_id) == 0)
        return report;
    }

  return NULL;
}

static void
log_reports (MsSymbolResults *results)
{
  GPtrArray *reports = ms_symbol_results_get_reports (results);

  for (guint i = 0; i < reports->len; i++)
    {
      g_autofree char *line = ms_symbol_module_report_to_string (g_ptr_array_index (reports, i));

      g_test_message ("%s", line);
    }
}

static MsSymbolizer *
create_symbolizer (const char *search_dir)
{
  MsSymbolizer *symbolizer = ms_symbolizer_new ();

  ms_symbolizer_set_use_debuginfod (symbolizer, FALSE);
  if (search_dir != NULL)
    {
      const char *search_dirs[] = { search_dir, NULL };

      ms_symbolizer_set_search_dirs (symbolizer, search_dirs);
    }

  return symbolizer;
}

/* A real Chromium profile -------------------------------------------------- */

static void
test_fixture_libc (void)
{
  /* Where a thread, or the main thread, starts: the outermost libc frames */
  static const char * const entry_points[] = {
    "start_thread", "__libc_start_call_main", "__libc_start_main", "__libc_start_main_impl",
    "clone", "clone3", "__clone", "__clone3", "__clone_internal", NULL
  };
  g_autofree char *path = fixture_path ();
  g_autoptr(GPtrArray) json_modules = load_json_modules (path);
  g_autoptr(MsProfile) profile = load_fixture_profile ();
  g_autoptr(GHashTable) by_address = index_profile_frames (profile);
  g_autoptr(MsSymbolizer) symbolizer = create_symbolizer (NULL);
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *libc_build_id = NULL;
  g_autofree char *libc_path = NULL;
  MsSymbolModuleReport *report;
  JsonModule *libc;
  gint64 start;

  libc = find_json_module (json_modules, "libc.so.6");
  g_assert_cmpuint (libc->frames->len, >, 0);

  /* Before: every libc frame is libc.so.6+0xoffset */
  for (guint i = 0; i < libc->frames->len; i++)
    {
      JsonFrame *frame = g_ptr_array_index (libc->frames, i);
      guint index = profile_frame_index (by_address, frame->address);
      g_autofree char *label = ms_profile_dup_frame_label (profile, index, MS_LABEL_MODE_SYMBOL);
      g_autofree char *expected = g_strdup_printf ("libc.so.6+0x%" G_GINT64_MODIFIER "x",
                                                   frame->address - libc->base);

      g_assert_cmpstr (label, ==, expected);
    }

  libc_build_id = running_libc_build_id (&libc_path);
  if (g_strcmp0 (libc_build_id, libc->build_id) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("The fixture's libc.so.6 has build-id %s, "
                                                 "this machine's %s has %s (the installed libc "
                                                 "is checked by /memscope/symbols-browser/"
                                                 "installed-chromium)",
                                                 libc->build_id, libc_path, libc_build_id);

      g_test_skip (reason);
      return;
    }
  if (!have_debug_file (libc->build_id))
    {
      g_test_skip ("libc6-dbg is not installed (no /usr/lib/debug/.build-id file for libc.so.6)");
      return;
    }

  start = g_get_monotonic_time ();
  results = ms_profile_symbolize (profile, symbolizer, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("Symbolized %u frames of the fixture (no path hint) in %.1f ms",
                  ms_profile_get_n_frames (profile),
                  (g_get_monotonic_time () - start) / 1000.0);
  log_reports (results);

  /* One report per module with frames: the main executable and libc */
  g_assert_cmpuint (ms_symbol_results_get_reports (results)->len, ==, json_modules->len);
  report = find_report (results, libc->build_id);
  g_assert_nonnull (report);
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_BUILD_ID_DIR);
  g_assert_cmpuint (ms_symbol_module_report_get_n_offsets (report), ==, libc->frames->len);
  g_assert_cmpuint (ms_symbol_module_report_get_n_resolved (report), ==, libc->frames->len);

  for (guint i = 0; i < libc->frames->len; i++)
    {
      JsonFrame *frame = g_ptr_array_index (libc->frames, i);
      guint index = profile_frame_index (by_address, frame->address);
      g_autofree char *label = ms_profile_dup_frame_label (profile, index, MS_LABEL_MODE_SYMBOL);
      g_autofree char *address_label = ms_profile_dup_frame_label (profile, index,
                                                                   MS_LABEL_MODE_ADDRESS);
      const char *function = NULL;
      const char *file = NULL;
      guint line = 0;
      guint64 offset;

      g_test_message ("libc.so.6+0x%" G_GINT64_MODIFIER "x → %s", frame->address - libc->base, label);
      g_assert_null (strstr (label, "+0x"));
      g_assert_cmpstr (label, !=, "");
      g_assert_true (ms_profile_get_frame_symbol (profile, index, &function, &file, &line));
      g_assert_cmpstr (function, ==, label);
      /* libc6-dbg carries DWARF */
      g_assert_nonnull (file);
      g_assert_cmpuint (line, >, 0);

      /* Both libc frames are where a thread starts: as a caller, the
       * return address names the function that made the call */
      g_assert_true (frame->is_caller);
      g_assert_true (g_strv_contains (entry_points, function));

      /* The frame itself did not move */
      ms_profile_get_frame (profile, index, NULL, &offset, NULL, NULL);
      g_assert_cmpuint (offset, ==, frame->address - libc->base);
      g_assert_cmpuint (parse_address (address_label), ==, frame->address);
    }
}

static void
check_chromium_resolved (MsProfile       *profile,
                         MsSymbolResults *results,
                         JsonModule      *chromium,
                         GHashTable      *by_address)
{
  MsSymbolModuleReport *report;
  guint n_named = 0;
  guint n_resolved = 0;

  report = find_report (results, chromium->build_id);
  g_assert_nonnull (report);
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_PATH_HINT);
  g_assert_cmpstr (ms_symbol_module_report_get_elf_path (report), ==, CHROMIUM_PATH);

  for (guint i = 0; i < chromium->frames->len; i++)
    {
      JsonFrame *frame = g_ptr_array_index (chromium->frames, i);
      guint index = profile_frame_index (by_address, frame->address);
      g_autofree char *label = ms_profile_dup_frame_label (profile, index, MS_LABEL_MODE_SYMBOL);
      const char *function = NULL;
      guint64 offset;

      ms_profile_get_frame (profile, index, NULL, &offset, NULL, NULL);
      g_assert_cmpuint (offset, ==, frame->address - chromium->base);

      if (ms_profile_get_frame_symbol (profile, index, &function, NULL, NULL))
        {
          n_resolved++;
          g_assert_cmpstr (label, ==, function);
        }
      else
        {
          /* Not in .dynsym: still module+0xoffset, never a neighbour's name */
          g_autofree char *suffix = g_strdup_printf ("+0x%" G_GINT64_MODIFIER "x", offset);

          g_assert_true (g_str_has_suffix (label, suffix));
        }

      if (g_strcmp0 (frame->name, "<unknown>") != 0)
        g_test_message ("%s+0x%" G_GINT64_MODIFIER "x: Chromium named it “%s”, now “%s”",
                        "chromium", offset, frame->name, label);

      /* What Chromium named from its own exports, the file names alike */
      if (is_identifier (frame->name))
        {
          g_assert_nonnull (function);
          g_assert_nonnull (strstr (function, frame->name));
          n_named++;
        }
    }

  g_test_message ("%u of %u distinct Chromium frames resolved from .dynsym; "
                  "%u carry a name in the fixture, all agree",
                  n_resolved, chromium->frames->len, n_named);
  g_assert_cmpuint (n_named, >, 0);
  g_assert_cmpuint (n_resolved, >=, n_named);
}

static void
test_fixture_chromium (void)
{
  g_autofree char *path = fixture_path ();
  g_autoptr(GPtrArray) json_modules = load_json_modules (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *installed_build_id = NULL;
  g_autofree char *chromium_dir = NULL;
  JsonModule *chromium;
  const char *hints[2];

  chromium = find_json_module (json_modules, NULL);

  if (!g_file_test (CHROMIUM_PATH, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("Chromium is not installed at " CHROMIUM_PATH);
      return;
    }
  installed_build_id = ms_symbols_read_build_id (CHROMIUM_PATH, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (installed_build_id, chromium->build_id) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("The fixture's Chromium has build-id %s, "
                                                 CHROMIUM_PATH " has %s (the installed Chromium "
                                                 "is checked by /memscope/symbols-browser/"
                                                 "installed-chromium)",
                                                 chromium->build_id, installed_build_id);

      g_test_skip (reason);
      return;
    }

  /* The executable itself, and the directory it is in */
  chromium_dir = g_path_get_dirname (CHROMIUM_PATH);
  hints[0] = CHROMIUM_PATH;
  hints[1] = chromium_dir;

  for (guint h = 0; h < G_N_ELEMENTS (hints); h++)
    {
      g_autoptr(MsProfile) profile = load_fixture_profile ();
      g_autoptr(GHashTable) by_address = index_profile_frames (profile);
      g_autoptr(MsSymbolizer) symbolizer = create_symbolizer (NULL);
      g_autoptr(MsSymbolResults) results = NULL;
      gint64 start;

      start = g_get_monotonic_time ();
      results = ms_profile_symbolize (profile, symbolizer, hints[h], NULL, &error);
      g_assert_no_error (error);
      g_test_message ("Symbolized %u frames of the fixture (path hint %s) in %.1f ms",
                      ms_profile_get_n_frames (profile), hints[h],
                      (g_get_monotonic_time () - start) / 1000.0);
      log_reports (results);

      check_chromium_resolved (profile, results, chromium, by_address);
    }
}

/* How long the large fixture (30,706 samples) takes, cold and with the
 * symbolizer's cache warm; run with -m perf */
static void
test_fixture_large_timing (void)
{
  g_autoptr(MsSymbolizer) symbolizer = create_symbolizer (NULL);
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");
  g_autofree char *path = NULL;
  const char *hint = NULL;

  path = g_build_filename (dir ? dir : MS_FIXTURES_DIR, "large", "getSamplingProfile.json.gz", NULL);
  if (g_file_test (CHROMIUM_PATH, G_FILE_TEST_IS_REGULAR))
    hint = CHROMIUM_PATH;

  for (guint run = 0; run < 2; run++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(MsProfile) profile = NULL;
      g_autoptr(MsSymbolResults) results = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;
      double elapsed;

      profile = ms_profile_new_from_file (file, NULL, &error);
      g_assert_no_error (error);

      start = g_get_monotonic_time ();
      results = ms_profile_symbolize (profile, symbolizer, hint, NULL, &error);
      g_assert_no_error (error);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;

      log_reports (results);
      g_test_minimized_result (elapsed / 1000.0,
                               "%s: symbolized %u frames of %u samples (%u resolved) in %.1f ms",
                               run == 0 ? "cold" : "warm cache",
                               ms_profile_get_n_frames (profile), ms_profile_get_n_samples (profile),
                               ms_symbol_results_get_n_resolved (results), elapsed);
    }
}

/* A profile of the test library ------------------------------------------- */

typedef struct
{
  void         *handle;
  char         *build_id;
  guint64       base;
  guint64       alpha;     /* offsets */
  guint64       beta;
  guint64       marker;    /* a return address inside ms_symtest_gamma */
  char         *empty_dir;
  MsSymbolizer *symbolizer;
  GThread      *thread;
} LibFixture;

static void
lib_fixture_set_up (LibFixture    *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  SymtestFunc gamma;
  Dl_info info;
  void **marker;

  fixture->handle = dlopen (SYMTEST_LIB, RTLD_NOW | RTLD_LOCAL);
  g_assert_nonnull (fixture->handle);

  g_assert_true (dladdr (dlsym (fixture->handle, "ms_symtest_alpha"), &info));
  fixture->base = (guintptr) info.dli_fbase;
  fixture->alpha = (guintptr) dlsym (fixture->handle, "ms_symtest_alpha") - fixture->base;
  fixture->beta = (guintptr) dlsym (fixture->handle, "ms_symtest_beta") - fixture->base;

  gamma = (SymtestFunc) dlsym (fixture->handle, "ms_symtest_gamma");
  gamma (3);
  marker = dlsym (fixture->handle, "ms_symtest_marker_address");
  g_assert_nonnull (marker);
  g_assert_nonnull (*marker);
  fixture->marker = (guintptr) *marker - fixture->base;

  fixture->build_id = ms_symbols_read_build_id (SYMTEST_LIB, &error);
  g_assert_no_error (error);

  /* Keep the host's /usr/lib/debug out of it */
  fixture->empty_dir = g_dir_make_tmp ("memscope-profile-symbols-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->symbolizer = create_symbolizer (fixture->empty_dir);
  fixture->thread = g_thread_self ();
}

static void
lib_fixture_tear_down (LibFixture    *fixture,
                       gconstpointer  user_data)
{
  g_clear_object (&fixture->symbolizer);
  g_rmdir (fixture->empty_dir);
  g_clear_pointer (&fixture->empty_dir, g_free);
  g_clear_pointer (&fixture->build_id, g_free);
  dlclose (fixture->handle);
}

enum {
  FRAME_ALPHA,      /* a leaf: looked up as it is */
  FRAME_BETA,       /* a leaf */
  FRAME_MARKER,     /* a caller: looked up one byte back */
  FRAME_HEADER,     /* in the module, in no function */
  FRAME_OUTSIDE,    /* in no module */
  N_FRAMES
};

/* A profile of three samples in the test library, whose module has
 * @build_id (with an age digit added, as Chromium writes it), and of a
 * second module that no frame is in */
static MsProfile *
lib_fixture_profile (LibFixture *fixture,
                     const char *build_id,
                     guint       frames[N_FRAMES])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_address = NULL;
  g_autofree char *uuid = g_ascii_strup (build_id, -1);
  g_autofree char *json = NULL;
  g_autofree char *escaped_path = g_strescape (SYMTEST_LIB, NULL);
  guint64 addresses[N_FRAMES] = {
    fixture->base + fixture->alpha,
    fixture->base + fixture->beta,
    fixture->base + fixture->marker,
    fixture->base + 0,
    0x1000,
  };
  MsProfile *profile;

  json = g_strdup_printf (
    "{\"samples\":["
    "{\"size\":16,\"total\":4096,\"stack\":[\"0x%" G_GINT64_MODIFIER "x <unknown>\",\"0x%" G_GINT64_MODIFIER "x <unknown>\",\"0x%" G_GINT64_MODIFIER "x <unknown>\"]},"
    "{\"size\":32,\"total\":8192,\"stack\":[\"0x%" G_GINT64_MODIFIER "x <unknown>\",\"0x%" G_GINT64_MODIFIER "x <unknown>\"]},"
    "{\"size\":48,\"total\":8192,\"stack\":[\"0x%" G_GINT64_MODIFIER "x <unknown>\"]}"
    "],\"modules\":[{\"name\":\"%s\",\"uuid\":\"%s0\",\"baseAddress\":\"0x%" G_GINT64_MODIFIER "x\",\"size\":1048576},"
    /* No frame in it: no request, no report */
    "{\"name\":\"/nonexistent/libunused.so\",\"uuid\":\"00112233445566778899AABBCCDDEEFF001122330\",\"baseAddress\":\"0x2000\",\"size\":4096}]}",
    addresses[FRAME_ALPHA], addresses[FRAME_MARKER], addresses[FRAME_OUTSIDE],
    addresses[FRAME_BETA], addresses[FRAME_MARKER],
    addresses[FRAME_HEADER],
    escaped_path, uuid, fixture->base);

  profile = ms_profile_new_from_data (json, strlen (json), &error);
  g_assert_no_error (error);

  by_address = index_profile_frames (profile);
  g_assert_cmpuint (ms_profile_get_n_frames (profile), ==, N_FRAMES);
  for (guint i = 0; i < N_FRAMES; i++)
    frames[i] = profile_frame_index (by_address, addresses[i]);

  return profile;
}

static GStrv
dup_labels (MsProfile   *profile,
            MsLabelMode  mode)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < ms_profile_get_n_frames (profile); i++)
    {
      g_autofree char *label = ms_profile_dup_frame_label (profile, i, mode);

      g_strv_builder_add (builder, label);
    }

  return g_strv_builder_end (builder);
}

static void
assert_lib_unnamed (LibFixture *fixture,
                    MsProfile  *profile,
                    guint       frames[N_FRAMES])
{
  g_autofree char *lib_name = g_path_get_basename (SYMTEST_LIB);
  const guint64 offsets[] = { fixture->alpha, fixture->beta, fixture->marker, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autofree char *label = ms_profile_dup_frame_label (profile, frames[i], MS_LABEL_MODE_SYMBOL);
      g_autofree char *expected = g_strdup_printf ("%s+0x%" G_GINT64_MODIFIER "x", lib_name, offsets[i]);

      g_assert_cmpstr (label, ==, expected);
      g_assert_false (ms_profile_get_frame_symbol (profile, frames[i], NULL, NULL, NULL));
    }
  g_assert_false (ms_profile_get_frame_symbol (profile, frames[FRAME_OUTSIDE], NULL, NULL, NULL));
}

static void
assert_lib_named (LibFixture      *fixture,
                  MsProfile       *profile,
                  MsSymbolResults *results,
                  guint            frames[N_FRAMES],
                  const char      *before_outside)
{
  g_autofree char *lib_name = g_path_get_basename (SYMTEST_LIB);
  g_autofree char *header = g_strdup_printf ("%s+0x0", lib_name);
  g_autofree char *outside = NULL;
  const char *expected[] = { "ms_symtest_alpha", "ms_symtest_beta", "ms_symtest_gamma" };
  MsSymbolModuleReport *report;
  const char *file = NULL;
  guint line = 0;
  guint64 offset;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *label = ms_profile_dup_frame_label (profile, frames[i], MS_LABEL_MODE_SYMBOL);

      g_assert_cmpstr (label, ==, expected[i]);
    }

  /* The caller's line is the call's */
  g_assert_true (ms_profile_get_frame_symbol (profile, frames[FRAME_MARKER], NULL, &file, &line));
  g_assert_nonnull (file);
  g_assert_true (g_str_has_suffix (file, "ms-symtest-lib.c"));
  g_assert_cmpuint (line, ==, find_source_line (SYMTEST_SOURCE, "/* MARKER */"));

  /* It was looked up one byte back, and still sits where it was */
  g_assert_nonnull (ms_symbol_results_lookup (results, fixture->build_id, fixture->marker - 1));
  g_assert_null (ms_symbol_results_lookup (results, fixture->build_id, fixture->marker));
  g_assert_nonnull (ms_symbol_results_lookup (results, fixture->build_id, fixture->alpha));
  ms_profile_get_frame (profile, frames[FRAME_MARKER], NULL, &offset, NULL, NULL);
  g_assert_cmpuint (offset, ==, fixture->marker);

  /* Nothing to name these by */
  {
    g_autofree char *label = ms_profile_dup_frame_label (profile, frames[FRAME_HEADER], MS_LABEL_MODE_SYMBOL);

    g_assert_cmpstr (label, ==, header);
  }
  outside = ms_profile_dup_frame_label (profile, frames[FRAME_OUTSIDE], MS_LABEL_MODE_SYMBOL);
  g_assert_cmpstr (outside, ==, before_outside);

  g_assert_cmpuint (ms_symbol_results_get_reports (results)->len, ==, 1);
  report = g_ptr_array_index (ms_symbol_results_get_reports (results), 0);
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_SYMBOLIZED);
  g_assert_cmpint (ms_symbol_module_report_get_source (report), ==, MS_SYMBOL_SOURCE_MODULE_PATH);
  g_assert_cmpstr (ms_symbol_module_report_get_module_name (report), ==, SYMTEST_LIB);
  g_assert_cmpuint (ms_symbol_module_report_get_n_offsets (report), ==, 4);
  g_assert_cmpuint (ms_symbol_module_report_get_n_resolved (report), ==, 3);
}

static void
test_lib_names (LibFixture    *fixture,
                gconstpointer  user_data)
{
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) addresses_before = NULL;
  g_auto(GStrv) addresses_after = NULL;
  g_autofree char *outside = NULL;
  guint frames[N_FRAMES];

  profile = lib_fixture_profile (fixture, fixture->build_id, frames);
  assert_lib_unnamed (fixture, profile, frames);
  outside = ms_profile_dup_frame_label (profile, frames[FRAME_OUTSIDE], MS_LABEL_MODE_SYMBOL);
  g_assert_cmpstr (outside, ==, "0x1000");
  addresses_before = dup_labels (profile, MS_LABEL_MODE_ADDRESS);

  results = ms_profile_symbolize (profile, fixture->symbolizer, NULL, NULL, &error);
  g_assert_no_error (error);
  log_reports (results);

  assert_lib_named (fixture, profile, results, frames, outside);
  addresses_after = dup_labels (profile, MS_LABEL_MODE_ADDRESS);
  g_assert_true (g_strv_equal ((const char * const *) addresses_before,
                               (const char * const *) addresses_after));
}

static void
test_lib_wrong_build_id (LibFixture    *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = g_strdup (fixture->build_id);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  MsSymbolModuleReport *report;
  guint frames[N_FRAMES];

  wrong[0] = wrong[0] == '0' ? '1' : '0';
  profile = lib_fixture_profile (fixture, wrong, frames);
  before = dup_labels (profile, MS_LABEL_MODE_SYMBOL);

  results = ms_profile_symbolize (profile, fixture->symbolizer, NULL, NULL, &error);
  g_assert_no_error (error);
  log_reports (results);

  g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);
  g_assert_cmpuint (ms_symbol_results_get_reports (results)->len, ==, 1);
  report = g_ptr_array_index (ms_symbol_results_get_reports (results), 0);
  g_assert_cmpint (ms_symbol_module_report_get_status (report), ==, MS_SYMBOL_MODULE_BUILD_ID_MISMATCH);

  assert_lib_unnamed (fixture, profile, frames);
  after = dup_labels (profile, MS_LABEL_MODE_SYMBOL);
  g_assert_true (g_strv_equal ((const char * const *) before, (const char * const *) after));
}

static void
test_no_modules (void)
{
  static const char json[] =
    "{\"samples\":[{\"size\":8,\"total\":64,\"stack\":[\"0x10 <unknown>\",\"0x20 main\"]}],"
    "\"modules\":[]}";
  g_autoptr(MsSymbolizer) symbolizer = create_symbolizer (NULL);
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  profile = ms_profile_new_from_data (json, strlen (json), &error);
  g_assert_no_error (error);
  before = dup_labels (profile, MS_LABEL_MODE_SYMBOL);

  results = ms_profile_symbolize (profile, symbolizer, CHROMIUM_PATH, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_symbol_results_get_reports (results)->len, ==, 0);
  g_assert_cmpuint (ms_symbol_results_get_n_resolved (results), ==, 0);

  after = dup_labels (profile, MS_LABEL_MODE_SYMBOL);
  g_assert_true (g_strv_equal ((const char * const *) before, (const char * const *) after));
}

/* Async -------------------------------------------------------------------- */

typedef struct
{
  LibFixture      *fixture;
  GArray          *fractions;
  MsSymbolResults *results;
  GError          *error;
  gboolean         done;
  guint            n_fractions_at_callback;
} AsyncState;

static void
async_state_clear (AsyncState *state)
{
  g_clear_pointer (&state->fractions, g_array_unref);
  g_clear_pointer (&state->results, ms_symbol_results_unref);
  g_clear_error (&state->error);
}

static void
progress_cb (MsSymbolizer *symbolizer,
             double        fraction,
             AsyncState   *state)
{
  /* On the caller's context, hence its thread */
  g_assert_true (g_thread_self () == state->fixture->thread);
  g_assert_false (state->done);
  g_array_append_val (state->fractions, fraction);
}

static void
symbolized_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncState *state = user_data;

  g_assert_true (g_thread_self () == state->fixture->thread);
  state->results = ms_profile_symbolize_finish (MS_PROFILE (object), result, &state->error);
  state->n_fractions_at_callback = state->fractions->len;
  state->done = TRUE;
}

static void
run_async (LibFixture   *fixture,
           MsProfile    *profile,
           GCancellable *cancellable,
           gboolean      cancel_after_start,
           AsyncState   *state)
{
  gulong handler;

  state->fixture = fixture;
  state->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  handler = g_signal_connect (fixture->symbolizer, "progress", G_CALLBACK (progress_cb), state);

  ms_profile_symbolize_async (profile, fixture->symbolizer, NULL, cancellable, symbolized_cb, state);
  if (cancel_after_start)
    g_cancellable_cancel (cancellable);

  while (!state->done)
    g_main_context_iteration (NULL, TRUE);

  g_signal_handler_disconnect (fixture->symbolizer, handler);
}

static void
test_lib_async (LibFixture    *fixture,
                gconstpointer  user_data)
{
  g_autoptr(MsProfile) profile = NULL;
  g_autofree char *outside = NULL;
  AsyncState state = { 0, };
  guint frames[N_FRAMES];
  gulong handler;

  profile = lib_fixture_profile (fixture, fixture->build_id, frames);
  outside = ms_profile_dup_frame_label (profile, frames[FRAME_OUTSIDE], MS_LABEL_MODE_SYMBOL);

  state.fixture = fixture;
  state.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  handler = g_signal_connect (fixture->symbolizer, "progress", G_CALLBACK (progress_cb), &state);

  ms_profile_symbolize_async (profile, fixture->symbolizer, NULL, NULL, symbolized_cb, &state);
  /* Nothing changes under the caller before the main loop runs */
  assert_lib_unnamed (fixture, profile, frames);

  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (fixture->symbolizer, handler);

  g_assert_no_error (state.error);
  g_assert_nonnull (state.results);
  assert_lib_named (fixture, profile, state.results, frames, outside);

  /* Progress rose to 1, all of it before the callback */
  g_assert_cmpuint (state.fractions->len, >, 0);
  g_assert_cmpuint (state.n_fractions_at_callback, ==, state.fractions->len);
  for (guint i = 0; i < state.fractions->len; i++)
    {
      double fraction = g_array_index (state.fractions, double, i);

      g_assert_cmpfloat (fraction, >, 0.0);
      g_assert_cmpfloat (fraction, <=, 1.0);
      if (i > 0)
        g_assert_cmpfloat (fraction, >, g_array_index (state.fractions, double, i - 1));
    }
  g_assert_cmpfloat (g_array_index (state.fractions, double, state.fractions->len - 1), ==, 1.0);

  async_state_clear (&state);
}

static void
test_lib_async_other_context (LibFixture    *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autofree char *outside = NULL;
  AsyncState state = { 0, };
  guint frames[N_FRAMES];

  profile = lib_fixture_profile (fixture, fixture->build_id, frames);
  outside = ms_profile_dup_frame_label (profile, frames[FRAME_OUTSIDE], MS_LABEL_MODE_SYMBOL);

  /* Everything comes on the thread-default context of the call, never on
   * the global default one */
  g_main_context_push_thread_default (context);
  state.fixture = fixture;
  state.fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (fixture->symbolizer, "progress", G_CALLBACK (progress_cb), &state);
  ms_profile_symbolize_async (profile, fixture->symbolizer, NULL, NULL, symbolized_cb, &state);
  while (!state.done)
    {
      g_assert_false (g_main_context_iteration (NULL, FALSE));
      g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);
  g_signal_handlers_disconnect_by_data (fixture->symbolizer, &state);

  g_assert_no_error (state.error);
  assert_lib_named (fixture, profile, state.results, frames, outside);
  g_assert_cmpfloat (g_array_index (state.fractions, double, state.fractions->len - 1), ==, 1.0);

  async_state_clear (&state);
}

static void
test_lib_cancelled (LibFixture    *fixture,
                    gconstpointer  user_data)
{
  /* Cancelled before the call, and right after it while the worker runs */
  for (guint when = 0; when < 2; when++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(MsProfile) profile = NULL;
      AsyncState state = { 0, };
      guint frames[N_FRAMES];

      profile = lib_fixture_profile (fixture, fixture->build_id, frames);
      if (when == 0)
        g_cancellable_cancel (cancellable);

      run_async (fixture, profile, cancellable, when == 1, &state);

      g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (state.results);
      assert_lib_unnamed (fixture, profile, frames);

      async_state_clear (&state);
    }

  /* The blocking call too */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(MsProfile) profile = NULL;
    g_autoptr(MsSymbolResults) results = NULL;
    g_autoptr(GError) error = NULL;
    guint frames[N_FRAMES];

    profile = lib_fixture_profile (fixture, fixture->build_id, frames);
    g_cancellable_cancel (cancellable);
    results = ms_profile_symbolize (profile, fixture->symbolizer, NULL, cancellable, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (results);
    assert_lib_unnamed (fixture, profile, frames);
  }

  /* The symbolizer still works afterwards */
  {
    g_autoptr(MsProfile) profile = NULL;
    g_autofree char *outside = NULL;
    AsyncState state = { 0, };
    guint frames[N_FRAMES];

    profile = lib_fixture_profile (fixture, fixture->build_id, frames);
    outside = ms_profile_dup_frame_label (profile, frames[FRAME_OUTSIDE], MS_LABEL_MODE_SYMBOL);
    run_async (fixture, profile, NULL, FALSE, &state);
    g_assert_no_error (state.error);
    assert_lib_named (fixture, profile, state.results, frames, outside);
    async_state_clear (&state);
  }
}

int
main (int   argc,
      char *argv[])
{
  /* Tests never touch the network */
  g_unsetenv ("DEBUGINFOD_URLS");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/profile-symbols/fixture-libc", test_fixture_libc);
  g_test_add_func ("/memscope/profile-symbols/fixture-chromium", test_fixture_chromium);
  /* A measurement, not a check: only asked for by name (-m perf), never a skip. */
  if (g_test_perf ())
    g_test_add_func ("/memscope/profile-symbols/fixture-large-timing", test_fixture_large_timing);
  g_test_add_func ("/memscope/profile-symbols/no-modules", test_no_modules);

#define ADD_LIB_TEST(path, func) \
  g_test_add ("/memscope/profile-symbols/" path, LibFixture, NULL, \
              lib_fixture_set_up, func, lib_fixture_tear_down)

  ADD_LIB_TEST ("testlib-names", test_lib_names);
  ADD_LIB_TEST ("testlib-wrong-build-id", test_lib_wrong_build_id);
  ADD_LIB_TEST ("async-progress", test_lib_async);
  ADD_LIB_TEST ("async-other-context", test_lib_async_other_context);
  ADD_LIB_TEST ("cancelled", test_lib_cancelled);

#undef ADD_LIB_TEST

  return g_test_run ();
}
