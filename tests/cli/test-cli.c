/* test-cli.c: memscope-cli's command line without a browser
 *
 * Usage errors, unreachable and silent endpoints, --help of every command. Each bad
 * input must exit 2 with one line on stderr naming what was wrong.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "cli-test-run.h"

/* Placeholders in the table, replaced at run time. */
#define CLOSED "@CLOSED@"     /* 127.0.0.1:PORT where nothing listens */
#define SILENT "@SILENT@"     /* 127.0.0.1:PORT of a server that never answers */
#define SILENT_WS "@SILENT_WS@"

typedef struct
{
  const char *name;
  const char *args[10];
  int         status;
  const char *message;     /* substring of stderr; @CLOSED@ etc. replaced */
  guint       stderr_lines;
} BadInput;

static const BadInput bad_inputs[] = {
  { "no-command", { NULL }, CLI_EXIT_ERROR, "no command given", 1 },
  { "unknown-command", { "frobnicate" }, CLI_EXIT_ERROR, "unknown command “frobnicate”", 1 },
  { "unknown-global-option", { "--frob", "targets" }, CLI_EXIT_ERROR, "--frob", 1 },
  { "unknown-option", { "counters", "--frob" }, CLI_EXIT_ERROR, "--frob", 1 },
  { "unexpected-argument", { "counters", "extra" }, CLI_EXIT_ERROR, "“extra”", 1 },
  { "help-unknown-command", { "help", "frobnicate" }, CLI_EXIT_ERROR, "“frobnicate”", 1 },
  { "endpoint-port-not-number", { "--endpoint", "localhost:notaport", "targets" },
    CLI_EXIT_ERROR, "localhost:notaport", 1 },
  { "endpoint-port-too-large", { "counters", "--endpoint", "127.0.0.1:70000" },
    CLI_EXIT_ERROR, "127.0.0.1:70000", 1 },
  { "endpoint-empty", { "--endpoint", "", "targets" }, CLI_EXIT_ERROR, "--endpoint", 1 },
  { "endpoint-and-ws", { "--endpoint", "127.0.0.1:1", "--ws", "ws://127.0.0.1:1/devtools/page/X",
                         "counters" }, CLI_EXIT_ERROR, "either --endpoint or --ws", 1 },
  { "ws-not-ws", { "--ws", "http://127.0.0.1:1/", "counters" }, CLI_EXIT_ERROR,
    "not a ws:// URL", 1 },
  { "ws-and-target", { "--ws", "ws://" CLOSED "/devtools/page/X", "--target", "x", "counters" },
    CLI_EXIT_ERROR, "either --ws or --target", 1 },
  { "timeout-zero", { "--timeout", "0", "targets" }, CLI_EXIT_ERROR, "--timeout", 1 },
  { "timeout-not-number", { "targets", "--timeout", "soon" }, CLI_EXIT_ERROR, "“soon”", 1 },
  { "target-empty", { "--target", "", "counters" }, CLI_EXIT_ERROR, "--target", 1 },
  { "counters-interval-zero", { "counters", "--interval", "0" }, CLI_EXIT_ERROR, "--interval", 1 },
  { "counters-count-negative", { "counters", "--count", "-3" }, CLI_EXIT_ERROR, "--count", 1 },
  { "pressure-missing-level", { "pressure" }, CLI_EXIT_ERROR, "moderate or critical", 1 },
  { "pressure-bad-level", { "pressure", "bogus" }, CLI_EXIT_ERROR, "“bogus”", 1 },
  { "suppress-pressure-missing", { "suppress-pressure" }, CLI_EXIT_ERROR, "on or off", 1 },
  { "suppress-pressure-bad", { "suppress-pressure", "maybe" }, CLI_EXIT_ERROR, "“maybe”", 1 },
  { "purge-without-yes", { "purge", "--endpoint", CLOSED }, CLI_EXIT_ERROR, "--yes", 1 },
  { "leak-check-missing-action", { "leak-check" }, CLI_EXIT_ERROR, "--action", 1 },
  { "leak-check-empty-action", { "leak-check", "--action", "" }, CLI_EXIT_ERROR, "--action", 1 },
  { "leak-check-iterations-zero", { "leak-check", "--action", "f()", "--iterations", "0" },
    CLI_EXIT_ERROR, "--iterations", 1 },
  { "leak-check-warmup-negative", { "leak-check", "--action", "f()", "--warmup", "-1" },
    CLI_EXIT_ERROR, "--warmup", 1 },
  { "max-growth-no-equals", { "leak-check", "--action", "f()", "--max-growth", "nodes" },
    CLI_EXIT_ERROR, "expected NAME=COUNT, got “nodes”", 1 },
  { "max-growth-negative", { "leak-check", "--action", "f()", "--max-growth", "nodes=-1" },
    CLI_EXIT_ERROR, "“-1”", 1 },
  { "max-growth-not-number", { "leak-check", "--action", "f()", "--max-growth", "nodes=many" },
    CLI_EXIT_ERROR, "“many”", 1 },
  { "max-growth-bad-name", { "leak-check", "--action", "f()", "--max-growth", "no des=1" },
    CLI_EXIT_ERROR, "“no des”", 1 },
  { "max-growth-empty-item", { "leak-check", "--action", "f()", "--max-growth", "nodes=1," },
    CLI_EXIT_ERROR, "expected NAME=COUNT", 1 },
  { "max-growth-twice", { "leak-check", "--action", "f()", "--max-growth", "nodes=1",
                          "--max-growth", "nodes=2" }, CLI_EXIT_ERROR, "nodes is given twice", 1 },
  { "watch-no-threshold", { "watch" }, CLI_EXIT_ERROR, "--alarm-min-bytes", 1 },
  { "watch-two-thresholds", { "watch", "--alarm-min-bytes", "10", "--alarm-min-blocks", "2" },
    CLI_EXIT_ERROR, "one of", 1 },
  { "watch-bad-bytes", { "watch", "--alarm-min-bytes", "lots" }, CLI_EXIT_ERROR, "“lots”", 1 },
  { "watch-ws-closed", { "watch", "--alarm-min-bytes", "10", "--ws", "ws://" CLOSED "/devtools/page/X" },
    CLI_EXIT_ERROR, CLOSED, 1 },
  { "watch-ws-and-target", { "watch", "--alarm-min-bytes", "10", "--ws",
                             "ws://" CLOSED "/devtools/page/X", "--target", "x" },
    CLI_EXIT_ERROR, "either --ws or --target", 1 },
  { "record-missing-output", { "record", "--endpoint", CLOSED }, CLI_EXIT_ERROR, "missing -o FILE", 1 },
  { "record-extra-argument", { "record", "-o", "/nonexistent/x.memscope", "now" }, CLI_EXIT_ERROR,
    "“now”", 1 },
  { "record-bad-source", { "record", "-o", "/nonexistent/x.memscope", "--source", "heap" },
    CLI_EXIT_ERROR, "“heap”", 1 },
  { "record-negative-duration", { "record", "-o", "/nonexistent/x.memscope", "--duration", "-1" },
    CLI_EXIT_ERROR, "--duration", 1 },
  { "record-negative-every", { "record", "-o", "/nonexistent/x.memscope", "--every", "-2" },
    CLI_EXIT_ERROR, "--every", 1 },
  { "record-negative-sampling-interval", { "record", "-o", "/nonexistent/x.memscope",
                                           "--sampling-interval", "-5" },
    CLI_EXIT_ERROR, "--sampling-interval", 1 },
  { "record-symbol-path-alone", { "record", "-o", "/nonexistent/x.memscope", "--symbol-path", "/" },
    CLI_EXIT_ERROR, "--symbolize", 1 },
  { "record-ws-and-target", { "record", "-o", "/nonexistent/x.memscope", "--ws",
                              "ws://" CLOSED "/devtools/page/X", "--target", "x" },
    CLI_EXIT_ERROR, "either --ws or --target", 1 },
  { "closed-port-record", { "record", "-o", "/nonexistent/x.memscope", "--endpoint", CLOSED },
    CLI_EXIT_ERROR, CLOSED, 1 },
  { "closed-port-record-ws", { "record", "-o", "/nonexistent/x.memscope", "--ws",
                               "ws://" CLOSED "/devtools/page/X" }, CLI_EXIT_ERROR, CLOSED, 1 },
  { "silent-endpoint-record", { "record", "-o", "/nonexistent/x.memscope", "--endpoint", SILENT,
                                "--timeout", "1" }, CLI_EXIT_ERROR, "1 s", 1 },
  { "demo-zero-duration", { "demo", "--duration", "0" }, CLI_EXIT_ERROR, "--duration", 1 },
  { "demo-extra-argument", { "demo", "now" }, CLI_EXIT_ERROR, "“now”", 1 },
  { "demo-connection-option", { "demo", "--endpoint", CLOSED }, CLI_EXIT_ERROR, "--endpoint", 1 },
  { "closed-port-watch", { "watch", "--alarm-min-bytes", "10", "--endpoint", CLOSED },
    CLI_EXIT_ERROR, CLOSED, 1 },
  { "launch-extra-argument", { "launch", "now" }, CLI_EXIT_ERROR, "“now”", 1 },
  /* Nothing listens */
  { "closed-port-targets", { "--endpoint", CLOSED, "targets" }, CLI_EXIT_ERROR, CLOSED, 1 },
  { "closed-port-counters", { "counters", "--endpoint", CLOSED }, CLI_EXIT_ERROR, CLOSED, 1 },
  { "closed-port-leak-counters", { "leak-counters", "--endpoint", CLOSED }, CLI_EXIT_ERROR,
    CLOSED, 1 },
  { "closed-port-pressure", { "pressure", "moderate", "--endpoint", CLOSED }, CLI_EXIT_ERROR,
    CLOSED, 1 },
  { "closed-port-leak-check", { "leak-check", "--action", "f()", "--endpoint", CLOSED },
    CLI_EXIT_ERROR, CLOSED, 1 },
  { "closed-port-ws", { "counters", "--ws", "ws://" CLOSED "/devtools/page/X" }, CLI_EXIT_ERROR,
    CLOSED, 1 },
  { "closed-port-targets-ws", { "targets", "--ws", "ws://" CLOSED "/devtools/page/X" },
    CLI_EXIT_ERROR, CLOSED, 1 },
  { "closed-port-leak-check-ws", { "leak-check", "--action", "f()", "--ws",
                                   "ws://" CLOSED "/devtools/page/X" }, CLI_EXIT_ERROR, CLOSED, 1 },
  /* Something listens but never answers: --timeout bounds the wait */
  { "silent-endpoint", { "--endpoint", SILENT, "--timeout", "1", "counters" }, CLI_EXIT_ERROR,
    "within 1 s", 1 },
  { "silent-endpoint-targets", { "targets", "--endpoint", SILENT, "--timeout", "1" },
    CLI_EXIT_ERROR, "within 1 s", 1 },
  { "silent-handshake", { "counters", "--ws", SILENT_WS, "--timeout", "1" }, CLI_EXIT_ERROR,
    "within 1 s", 1 },
  { "silent-handshake-leak-check", { "leak-check", "--action", "f()", "--ws", SILENT_WS,
                                    "--timeout", "1" }, CLI_EXIT_ERROR,
    "did not complete the WebSocket handshake within 1 s", 1 },
  { "silent-handshake-record", { "record", "-o", "/nonexistent/x.memscope", "--ws", SILENT_WS,
                                 "--timeout", "1" }, CLI_EXIT_ERROR,
    "did not complete the WebSocket handshake within 1 s", 1 },
  { "silent-endpoint-leak-check", { "leak-check", "--action", "f()", "--endpoint", SILENT,
                                    "--timeout", "1" }, CLI_EXIT_ERROR, "within 1 s", 1 },
};

typedef struct
{
  SoupServer *silent;
  GPtrArray  *paused;
  char       *closed;
  char       *silent_endpoint;
  char       *silent_ws;
} Fixture;

static Fixture fixture;

static void
silent_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  /* Held, never answered. */
  soup_server_message_pause (msg);
  g_ptr_array_add (fixture.paused, g_object_ref (msg));
}

static char *
closed_endpoint (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  /* Bound but never listening: connections to it are refused. */
  g_socket_close (socket, NULL);

  return g_strdup_printf ("127.0.0.1:%u", port);
}

static void
fixture_start (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture.paused = g_ptr_array_new_with_free_func (g_object_unref);
  fixture.silent = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture.silent, NULL, silent_handler, NULL, NULL);
  soup_server_listen (fixture.silent, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture.silent);
  fixture.silent_endpoint = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fixture.silent_ws = g_strdup_printf ("ws://%s/devtools/page/SILENT", fixture.silent_endpoint);
  fixture.closed = closed_endpoint ();
}

static void
fixture_stop (void)
{
  g_clear_object (&fixture.silent);
  g_clear_pointer (&fixture.paused, g_ptr_array_unref);
  g_clear_pointer (&fixture.closed, g_free);
  g_clear_pointer (&fixture.silent_endpoint, g_free);
  g_clear_pointer (&fixture.silent_ws, g_free);
}

static char *
substitute (const char *text)
{
  g_autoptr(GString) s = g_string_new (text);

  g_string_replace (s, SILENT_WS, fixture.silent_ws, 0);
  g_string_replace (s, SILENT, fixture.silent_endpoint, 0);
  g_string_replace (s, CLOSED, fixture.closed, 0);

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_bad_input (gconstpointer data)
{
  const BadInput *input = data;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *message = substitute (input->message);
  g_auto(GStrv) lines = NULL;
  gint64 started = g_get_monotonic_time ();
  int status;

  for (guint i = 0; input->args[i] != NULL; i++)
    g_ptr_array_add (args, substitute (input->args[i]));
  g_ptr_array_add (args, NULL);

  status = cli_test_runv ((const char * const *) args->pdata, 30, &out, &err);

  g_assert_cmpint (status, ==, input->status);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, message));
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), ==, input->stderr_lines);
  g_assert_true (g_str_has_prefix (lines[0], "memscope-cli: "));
  /* --timeout 1 (or an immediate refusal): nobody waits for long. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
}

/* 192.0.2.0/24 is TEST-NET-1: never routed, never loopback. */
static void
test_remote_warning (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  status = cli_test_run (&out, &err, "--endpoint", "192.0.2.1:9222", "--timeout", "1", "targets",
                         NULL);
  g_assert_cmpint (status, ==, CLI_EXIT_ERROR);
  lines = cli_test_lines (err);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_nonnull (strstr (lines[0], "192.0.2.1:9222 is not a loopback address"));
  g_assert_true (g_str_has_prefix (lines[1], "memscope-cli: targets: "));
}

static void
test_no_warning_on_loopback (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_test_run (NULL, &err, "--endpoint", fixture.closed, "targets", NULL), ==,
                   CLI_EXIT_ERROR);
  g_assert_null (strstr (err, "loopback"));
}

static const char *const commands[] = {
  "targets", "counters", "leak-counters", "purge", "pressure", "suppress-pressure",
  "leak-check", "watch", "record", "export", "diff", "snapshots", "launch", "demo",
};

/* Every option each command's --help lists must be in the summary of `--help`, and
 * the other way round. */
static void
test_help_lists_options (void)
{
  g_autofree char *out = NULL;
  g_autoptr(GRegex) option = g_regex_new ("--[a-z][a-z-]*", 0, 0, NULL);
  g_autoptr(GRegex) option_line = g_regex_new ("^ +(?:-[a-zA-Z], )?(--[a-z][a-z-]*)",
                                               G_REGEX_MULTILINE, 0, NULL);
  const char *commands_start;

  g_assert_cmpint (cli_test_run (&out, NULL, "--help", NULL), ==, CLI_EXIT_OK);
  commands_start = strstr (out, "Commands:");
  g_assert_nonnull (commands_start);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *listed = g_strdup_printf ("\n  %s", commands[i]);
      g_autofree char *help = NULL;
      g_autofree char *synopsis = NULL;
      g_autoptr(GMatchInfo) match = NULL;
      const char *start = strstr (commands_start, listed);
      const char *end;

      g_assert_nonnull (start);
      start += 3;
      end = strchr (start, '\n');
      synopsis = g_strndup (start, end - start);
      g_assert_cmpint (cli_test_run (&help, NULL, commands[i], "--help", NULL), ==, CLI_EXIT_OK);

      /* Synopsis → --help */
      g_regex_match (option, synopsis, 0, &match);
      while (g_match_info_matches (match))
        {
          g_autofree char *name = g_match_info_fetch (match, 0);
          g_autofree char *in_help = g_strdup_printf ("  %s", name);

          if (strstr (help, in_help) == NULL)
            g_error ("%s: the summary lists %s, which %s --help does not", commands[i], name,
                     commands[i]);
          g_match_info_next (match, NULL);
        }

      /* --help's option lines → synopsis, but for --help and the global options */
      g_clear_pointer (&match, g_match_info_free);
      g_regex_match (option_line, help, 0, &match);
      while (g_match_info_matches (match))
        {
          g_autofree char *name = g_match_info_fetch (match, 1);

          if (!g_str_equal (name, "--help") && !g_str_equal (name, "--endpoint") &&
              !g_str_equal (name, "--ws") && !g_str_equal (name, "--target") &&
              !g_str_equal (name, "--timeout") && !g_str_equal (name, "--output") &&
              strstr (synopsis, name) == NULL)
            g_error ("%s --help lists %s, which the summary does not", commands[i], name);
          g_match_info_next (match, NULL);
        }
    }
}

/* record refuses to replace a file that is not a session, before connecting. */
static void
test_record_refuses_other_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("memscope-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *contents = NULL;
  static const char text[] = "notes, not a session\n";

  g_assert_no_error (error);
  path = g_build_filename (dir, "notes.txt", NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (cli_test_run (&out, &err, "record", "--endpoint", fixture.closed, "-o", path,
                                 NULL), ==, CLI_EXIT_ERROR);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "not a readable Memscope session"));
  g_assert_nonnull (strstr (err, path));
  /* Refused before connecting: nothing about the endpoint. */
  g_assert_null (strstr (err, fixture.closed));
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, text);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_test_run (&out, &err, "--help", NULL), ==, CLI_EXIT_OK);
  g_assert_nonnull (strstr (out, "Usage:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *listed = g_strdup_printf ("\n  %s", commands[i]);

      g_assert_nonnull (strstr (out, listed));
    }
  g_assert_nonnull (strstr (out, "--endpoint"));
  g_assert_nonnull (strstr (out, "--timeout"));
  g_assert_nonnull (strstr (out, "Exit status"));
}

static void
test_command_help (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *help_out = NULL;
      g_autofree char *usage = g_strdup_printf ("memscope-cli %s [OPTION", commands[i]);

      g_assert_cmpint (cli_test_run (&out, NULL, commands[i], "--help", NULL), ==, CLI_EXIT_OK);
      g_assert_nonnull (strstr (out, usage));
      g_assert_cmpint (cli_test_run (&help_out, NULL, "help", commands[i], NULL), ==, CLI_EXIT_OK);
      g_assert_cmpstr (help_out, ==, out);
    }
}

static void
test_version (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (cli_test_run (&out, NULL, "--version", NULL), ==, CLI_EXIT_OK);
  g_assert_cmpstr (out, ==, "memscope-cli " PACKAGE_VERSION "\n");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  fixture_start ();

  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/cli/bad-input/%s", bad_inputs[i].name);

      g_test_add_data_func (path, &bad_inputs[i], test_bad_input);
    }
  g_test_add_func ("/memscope/cli/remote-warning", test_remote_warning);
  g_test_add_func ("/memscope/cli/no-warning-on-loopback", test_no_warning_on_loopback);
  g_test_add_func ("/memscope/cli/help", test_help);
  g_test_add_func ("/memscope/cli/command-help", test_command_help);
  g_test_add_func ("/memscope/cli/help-lists-options", test_help_lists_options);
  g_test_add_func ("/memscope/cli/record-refuses-other-file", test_record_refuses_other_file);
  g_test_add_func ("/memscope/cli/version", test_version);

  status = g_test_run ();
  fixture_stop ();

  return status;
}
