/* test-symbols-browser.c: a native-heap profile captured from the installed Chromium,
 * named against the installed binaries
 *
 * The fixtures were captured from one Chromium build and name one libc; a browser or
 * libc update leaves them behind. This test captures a small profile from the
 * browser installed now (on a page it serves from 127.0.0.1) and checks every frame
 * in the Chromium and libc modules against the symbol tables of the files installed
 * now, read with binutils' nm and readelf, never through the symbolizer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ms-browser-launcher.h"
#include "ms-cdp-connection.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-error.h"
#include "ms-cdp-memory.h"
#include "ms-profile-symbols.h"
#include "ms-symbols.h"

#define PAGE \
  "<!doctype html><html><body><script>\n" \
  "window.keep = [];\n" \
  "function grow () { for (let i = 0; i < 3000; i++) { const d = document.createElement('div');\n" \
  "    d.textContent = 'x' + i; document.body.appendChild(d); window.keep.push(new Array(500).fill(i)); }\n" \
  "  return window.keep.length; }\n" \
  "window.ready = true;\n" \
  "</script></body></html>"

/* Helpers that know nothing of the code under test ------------------------ */

static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

/* The GNU build-id of @path, as readelf prints it. */
static char *
readelf_build_id (const char *path)
{
  const char *argv[] = { "readelf", "-n", path, NULL };
  g_autofree char *out = run_tool (argv);
  const char *line = strstr (out, "Build ID: ");
  const char *end;

  g_assert_nonnull (line);
  line += strlen ("Build ID: ");
  end = line;
  while (g_ascii_isxdigit (*end))
    end++;
  return g_strndup (line, end - line);
}

/* The start of the first PT_LOAD, page-aligned: what a module's base address maps to. */
static guint64
readelf_load_base (const char *path)
{
  const char *argv[] = { "readelf", "-lW", path, NULL };
  g_autofree char *out = run_tool (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      for (guint j = 0; fields[j] != NULL; j++)
        if (fields[j][0] != '\0')
          g_ptr_array_add (words, fields[j]);
      if (words->len >= 3 && g_str_equal (g_ptr_array_index (words, 0), "LOAD"))
        return g_ascii_strtoull (g_ptr_array_index (words, 2), NULL, 16) & ~(guint64) 4095;
    }

  g_assert_not_reached ();
}

typedef struct
{
  guint64  address;
  guint64  size;
  char    *name;   /* demangled, as nm -C prints it */
} NmSymbol;

static void
nm_symbol_free (gpointer data)
{
  NmSymbol *symbol = data;

  g_free (symbol->name);
  g_free (symbol);
}

/* The sized function symbols of @path: its .dynsym (@dynamic) or its .symtab. The
 * lines of `nm` and `nm -C` come in the same order. */
static void
nm_functions (const char *path,
              gboolean    dynamic,
              GPtrArray  *symbols)
{
  const char *argv[] = { "nm", dynamic ? "-D" : "-a", "-S", "--defined-only", path, NULL };
  const char *argv_c[] = { "nm", dynamic ? "-D" : "-a", "-S", "--defined-only", "-C", path, NULL };
  g_autofree char *out = run_tool (argv);
  g_autofree char *out_c = run_tool (argv_c);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_auto(GStrv) lines_c = g_strsplit (out_c, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, g_strv_length (lines_c));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 4);
      g_auto(GStrv) fields_c = g_strsplit (lines_c[i], " ", 4);
      NmSymbol *symbol;
      char type;

      /* "address size type name"; symbols without a size have three fields */
      if (g_strv_length (fields) < 4 || g_strv_length (fields_c) < 4)
        continue;
      type = fields[2][0];
      if (strchr ("TtWwi", type) == NULL)
        continue;

      symbol = g_new0 (NmSymbol, 1);
      symbol->address = g_ascii_strtoull (fields[0], NULL, 16);
      symbol->size = g_ascii_strtoull (fields[1], NULL, 16);
      symbol->name = g_strdup (fields_c[3]);
      if (symbol->size == 0)
        {
          nm_symbol_free (symbol);
          continue;
        }
      g_ptr_array_add (symbols, symbol);
    }
}

/* Every name a function at @address may go by. */
static GPtrArray *
names_at (GPtrArray *symbols,
          guint64    address)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < symbols->len; i++)
    {
      NmSymbol *symbol = g_ptr_array_index (symbols, i);

      if (address >= symbol->address && address - symbol->address < symbol->size)
        g_ptr_array_add (names, symbol->name);
    }
  return names;
}

typedef struct
{
  char       *build_id;   /* the uuid without its age digit, lower case */
  guint64     base;
  GHashTable *frames;     /* address -> is_caller (GINT_TO_POINTER (1 + is_caller)) */
} RawModule;

static void
raw_module_free (gpointer data)
{
  RawModule *module = data;

  g_free (module->build_id);
  g_hash_table_unref (module->frames);
  g_free (module);
}

static guint64
parse_address (const char *text)
{
  return g_str_has_prefix (text, "0x") ? g_ascii_strtoull (text + 2, NULL, 16)
                                       : g_ascii_strtoull (text, NULL, 10);
}

/* The modules of the raw reply, each with the distinct addresses inside it. */
static GPtrArray *
read_raw_modules (GBytes *raw)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *modules = g_ptr_array_new_with_free_func (raw_module_free);
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  JsonObject *profile;
  JsonArray *array;

  json_parser_load_from_data (parser, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), &error);
  g_assert_no_error (error);
  profile = json_object_get_object_member (json_object_get_object_member (
              json_node_get_object (json_parser_get_root (parser)), "result"), "profile");

  array = json_object_get_array_member (profile, "modules");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      const char *uuid = json_object_get_string_member (object, "uuid");
      RawModule *module = g_new0 (RawModule, 1);
      guint64 size = json_object_get_int_member (object, "size");

      module->build_id = g_ascii_strdown (uuid, strlen (uuid) - 1);
      module->base = parse_address (json_object_get_string_member (object, "baseAddress"));
      module->frames = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_ptr_array_add (modules, module);
      g_array_append_val (sizes, size);
    }

  array = json_object_get_array_member (profile, "samples");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonArray *stack = json_object_get_array_member (json_array_get_object_element (array, i),
                                                       "stack");

      for (guint j = 0; j < json_array_get_length (stack); j++)
        {
          guint64 address = parse_address (json_array_get_string_element (stack, j));

          for (guint m = 0; m < modules->len; m++)
            {
              RawModule *module = g_ptr_array_index (modules, m);
              int kind = j > 0 ? 2 : 1;

              if (address < module->base || address - module->base >= g_array_index (sizes, guint64, m))
                continue;
              if (GPOINTER_TO_INT (g_hash_table_lookup (module->frames, &address)) < kind)
                g_hash_table_insert (module->frames, g_memdup2 (&address, sizeof address),
                                     GINT_TO_POINTER (kind));
            }
        }
    }

  return modules;
}

static RawModule *
find_raw_module (GPtrArray  *modules,
                 const char *build_id)
{
  for (guint i = 0; i < modules->len; i++)
    {
      RawModule *module = g_ptr_array_index (modules, i);

      if (g_str_equal (module->build_id, build_id))
        return module;
    }
  return NULL;
}

/* The browser ------------------------------------------------------------- */

typedef struct
{
  SoupServer        *http;
  char              *page_url;
  MsBrowserLauncher *launcher;
  MsCdpEndpoint     *endpoint;
  MsCdpDiscovery    *discovery;
  MsCdpConnection   *conn;
  GAsyncResult      *result;
} Browser;

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Browser *browser = user_data;

  g_assert_null (browser->result);
  browser->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Browser *browser)
{
  GAsyncResult *result;

  while (browser->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = browser->result;
  browser->result = NULL;
  return result;
}

static void
page_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, PAGE, strlen (PAGE));
}

static char *
evaluate (Browser    *browser,
          const char *expression)
{
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *remote;

  json_object_set_string_member (params, "expression", expression);
  json_object_set_boolean_member (params, "returnByValue", TRUE);
  ms_cdp_connection_call_async (browser->conn, "Runtime.evaluate", params, 60, NULL,
                                got_result, browser);
  result = wait_result (browser);
  reply = ms_cdp_connection_call_finish (browser->conn, result, &error);
  g_assert_no_error (error);
  remote = json_object_get_object_member (reply, "result");
  if (!json_object_has_member (remote, "value"))
    return g_strdup ("undefined");
  return json_to_string (json_object_get_member (remote, "value"), FALSE);
}

static void
browser_start (Browser *browser)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(MsCdpTarget) target = NULL;
  g_autofree char *ws_url = NULL;
  GAsyncResult *result;
  GSList *uris;

  browser->http = soup_server_new (NULL, NULL);
  soup_server_add_handler (browser->http, "/page.html", page_handler, NULL, NULL);
  soup_server_listen (browser->http, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (browser->http);
  browser->page_url = g_strdup_printf ("http://127.0.0.1:%d/page.html", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  browser->launcher = ms_browser_launcher_new ();
  ms_browser_launcher_set_headless (browser->launcher, TRUE);
  ms_browser_launcher_set_url (browser->launcher, browser->page_url);
  ms_browser_launcher_start_async (browser->launcher, NULL, got_result, browser);
  result = wait_result (browser);
  browser->endpoint = ms_browser_launcher_start_finish (browser->launcher, result, &error);
  g_object_unref (result);
  g_assert_no_error (error);

  browser->discovery = ms_cdp_discovery_new (browser->endpoint);
  for (guint attempt = 0; attempt < 100 && target == NULL; attempt++)
    {
      if (attempt > 0)
        g_usleep (100 * 1000);
      g_clear_pointer (&targets, g_ptr_array_unref);
      ms_cdp_discovery_list_targets_async (browser->discovery, NULL, got_result, browser);
      result = wait_result (browser);
      targets = ms_cdp_discovery_list_targets_finish (browser->discovery, result, &error);
      g_object_unref (result);
      g_assert_no_error (error);
      target = ms_cdp_target_list_find (targets, browser->page_url, NULL);
    }
  g_assert_nonnull (target);

  ws_url = ms_cdp_discovery_target_ws_url (browser->discovery, target, &error);
  g_assert_no_error (error);
  ms_cdp_connection_new_async (ws_url, NULL, got_result, browser);
  result = wait_result (browser);
  browser->conn = ms_cdp_connection_new_finish (result, &error);
  g_object_unref (result);
  g_assert_no_error (error);

  for (guint attempt = 0; attempt < 200; attempt++)
    {
      g_autofree char *ready = evaluate (browser, "window.ready === true");

      if (g_str_equal (ready, "true"))
        return;
      g_usleep (50 * 1000);
    }
  g_error ("The test page never became ready");
}

static void
browser_stop (Browser *browser)
{
  g_clear_object (&browser->conn);
  g_clear_object (&browser->discovery);
  g_clear_pointer (&browser->endpoint, ms_cdp_endpoint_unref);
  if (browser->launcher != NULL)
    ms_browser_launcher_stop (browser->launcher);
  g_clear_object (&browser->launcher);
  if (browser->http != NULL)
    soup_server_disconnect (browser->http);
  g_clear_object (&browser->http);
  g_clear_pointer (&browser->page_url, g_free);
}

/* Starts sampling with a small interval, lets the page allocate, and returns the raw
 * Memory.getSamplingProfile reply. */
static GBytes *
capture_profile (Browser *browser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *grown = NULL;
  GAsyncResult *result;
  GBytes *raw;

  ms_cdp_memory_start_sampling_async (browser->conn, 1024, TRUE, NULL, got_result, browser);
  result = wait_result (browser);
  g_assert_true (ms_cdp_memory_start_sampling_finish (browser->conn, result, &error));
  g_object_unref (result);
  g_assert_no_error (error);

  grown = evaluate (browser, "grow()");
  g_assert_cmpstr (grown, ==, "3000");

  ms_cdp_memory_get_sampling_profile_raw_async (browser->conn, MS_CDP_PROFILE_SINCE_START, NULL,
                                                got_result, browser);
  result = wait_result (browser);
  raw = ms_cdp_memory_get_sampling_profile_raw_finish (browser->conn, result, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  return raw;
}

/* The check ---------------------------------------------------------------- */

/* Every frame of @module: named by the symbolizer exactly when a function symbol of the
 * installed files covers its lookup address (a caller's return address minus one), and
 * then by one of that function's names. Returns how many frames got a name. */
static guint
check_module (MsProfile  *profile,
              GHashTable *by_address,
              RawModule  *module,
              const char *label,
              GPtrArray  *symbols,
              guint64     load_base)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  guint n_named = 0;
  guint n_frames = 0;

  g_hash_table_iter_init (&iter, module->frames);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 address = *(guint64 *) key;
      gboolean is_caller = GPOINTER_TO_INT (value) == 2;
      guint64 offset = address - module->base;
      guint64 lookup = load_base + (is_caller && offset > 0 ? offset - 1 : offset);
      g_autoptr(GPtrArray) expected = names_at (symbols, lookup);
      const char *function = NULL;
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (by_address, &address));
      gboolean named;

      g_assert_true (g_hash_table_contains (by_address, &address));
      named = ms_profile_get_frame_symbol (profile, index, &function, NULL, NULL);
      n_frames++;

      if (expected->len == 0)
        {
          g_autofree char *text = ms_profile_dup_frame_label (profile, index, MS_LABEL_MODE_SYMBOL);
          g_autofree char *suffix = g_strdup_printf ("+0x%" G_GINT64_MODIFIER "x", offset);

          /* No function there: never a neighbour's name. */
          g_assert_false (named);
          g_assert_true (g_str_has_suffix (text, suffix));
          continue;
        }

      g_assert_true (named);
      g_test_message ("%s+0x%" G_GINT64_MODIFIER "x → %s", label, offset, function);
      g_assert_true (g_ptr_array_find_with_equal_func (expected, function, g_str_equal, NULL));
      n_named++;
    }

  g_test_message ("%s: %u of %u distinct frames named, all as its symbol table says",
                  label, n_named, n_frames);
  return n_named;
}

static void
test_installed_chromium (void)
{
  Browser browser = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GPtrArray) modules = NULL;
  g_autoptr(MsProfile) profile = NULL;
  g_autoptr(MsSymbolizer) symbolizer = NULL;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GHashTable) by_address = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) chromium_symbols = g_ptr_array_new_with_free_func (nm_symbol_free);
  g_autoptr(GPtrArray) libc_symbols = g_ptr_array_new_with_free_func (nm_symbol_free);
  g_autofree char *browser_path = NULL;
  g_autofree char *chromium_build_id = NULL;
  g_autofree char *libc_build_id = NULL;
  g_autofree char *libc_debug = NULL;
  g_autofree char *chromium_debug = NULL;
  const char *chromium_path = "/usr/lib/chromium/chromium";
  const char *libc_path = "/lib/x86_64-linux-gnu/libc.so.6";
  RawModule *chromium;
  RawModule *libc;

  browser_path = ms_browser_launcher_find_browser (NULL, &error);
  if (browser_path == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  if (!g_file_test (chromium_path, G_FILE_TEST_IS_REGULAR) ||
      !g_file_test (libc_path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("This test reads Debian's layout: /usr/lib/chromium/chromium and "
                   "/lib/x86_64-linux-gnu/libc.so.6");
      return;
    }

  /* What the installed files say, before anything is captured */
  chromium_build_id = readelf_build_id (chromium_path);
  libc_build_id = readelf_build_id (libc_path);
  nm_functions (chromium_path, TRUE, chromium_symbols);
  nm_functions (libc_path, TRUE, libc_symbols);
  /* With a debug file the symbolizer uses its full symbol table: so does the check. */
  chromium_debug = g_strdup_printf ("/usr/lib/debug/.build-id/%.2s/%s.debug", chromium_build_id,
                                    chromium_build_id + 2);
  if (g_file_test (chromium_debug, G_FILE_TEST_IS_REGULAR))
    nm_functions (chromium_debug, FALSE, chromium_symbols);
  libc_debug = g_strdup_printf ("/usr/lib/debug/.build-id/%.2s/%s.debug", libc_build_id,
                                libc_build_id + 2);
  if (g_file_test (libc_debug, G_FILE_TEST_IS_REGULAR))
    nm_functions (libc_debug, FALSE, libc_symbols);
  g_assert_cmpuint (chromium_symbols->len, >, 0);

  browser_start (&browser);
  raw = capture_profile (&browser);
  browser_stop (&browser);

  modules = read_raw_modules (raw);
  chromium = find_raw_module (modules, chromium_build_id);
  libc = find_raw_module (modules, libc_build_id);
  g_assert_nonnull (chromium);
  g_assert_nonnull (libc);
  g_assert_cmpuint (g_hash_table_size (chromium->frames), >, 0);
  g_assert_cmpuint (g_hash_table_size (libc->frames), >, 0);

  profile = ms_profile_new_from_bytes (raw, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ms_profile_get_n_frames (profile); i++)
    {
      guint64 address = 0;

      ms_profile_get_frame (profile, i, NULL, NULL, &address, NULL);
      g_hash_table_insert (by_address, g_memdup2 (&address, sizeof address), GUINT_TO_POINTER (i));
    }

  symbolizer = ms_symbolizer_new ();
  ms_symbolizer_set_use_debuginfod (symbolizer, FALSE);
  results = ms_profile_symbolize (profile, symbolizer, chromium_path, NULL, &error);
  g_assert_no_error (error);

  /* The renderer's main thread runs in ChromeMain, in .dynsym: some frame is named. */
  g_assert_cmpuint (check_module (profile, by_address, chromium, "chromium", chromium_symbols,
                                  readelf_load_base (chromium_path)), >, 0);
  g_assert_cmpuint (check_module (profile, by_address, libc, "libc.so.6", libc_symbols,
                                  readelf_load_base (libc_path)), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_unsetenv ("DEBUGINFOD_URLS");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/symbols-browser/installed-chromium", test_installed_chromium);

  return g_test_run ();
}
