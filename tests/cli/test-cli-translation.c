/* test-cli-translation.c: memscope-cli in German, with the catalogue the build made
 *
 * The program under test is memscope-cli as the build made it: run from the build
 * folder, it reads the build folder's po/ (an installed one reads LOCALEDIR). LANGUAGE=de picks the German catalogue over the C.UTF-8 locale,
 * which every Debian system has. The expected German is written here by hand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cli-test-run.h"

typedef struct
{
  const char *name;
  const char *language;       /* LANGUAGE, or NULL to unset it */
  const char *lc_all;
  const char *args[6];
  int         status;
  gboolean    on_stdout;      /* the text is in stdout, else it is all of stderr */
  const char *text;
} Case;

static const Case cases[] = {
  { "help-usage", "de", "C.UTF-8", { "--help" }, CLI_EXIT_OK, TRUE,
    /* What precedes it, “[OPTION …]”, is GLib's. */
    " BEFEHL [ARGUMENT …]\n" },
  { "help-summary", "de", "C.UTF-8", { "--help" }, CLI_EXIT_OK, TRUE,
    "\nDen Speicher eines Browsers der Chromium-Familie über das DevTools-Protokoll "
    "untersuchen.\n" },
  { "help-commands", "de", "C.UTF-8", { "--help" }, CLI_EXIT_OK, TRUE,
    "\nBefehle:\n  targets [--json]\n      Die Version des Browsers und seine Ziele ausgeben\n" },
  { "help-command-summary", "de", "C.UTF-8", { "--help" }, CLI_EXIT_OK, TRUE,
    "  launch [--headless] [--url URL] [--browser PATH]\n"
    "      Einen Browser bereit zur Untersuchung starten und seinen Endpunkt ausgeben\n" },
  { "help-exit-status", "de", "C.UTF-8", { "--help" }, CLI_EXIT_OK, TRUE,
    "„memscope-cli BEFEHL --help“ zeigt die Optionen eines Befehls.\n"
    "Globale Optionen dürfen auch nach dem Namen des Befehls folgen.\n\n"
    "Exit-Status: 0 Erfolg, 1 eine Prüfung ist gescheitert, 2 ein Fehler, 3 ein Alarm "
    "wurde ausgelöst.\n" },
  /* The global options are translated like every command's options. */
  { "help-global-options", "de", "C.UTF-8", { "--help" }, CLI_EXIT_OK, TRUE,
    "  --endpoint=HOST:PORT            DevTools-Endpunkt: HOST:PORT, http://HOST:PORT oder eine "
    "DevToolsActivePort-Datei (Vorgabe: 127.0.0.1:9222)\n"
    "  --ws=URL                        Direkt mit diesem Ziel-WebSocket verbinden, statt Ziele zu "
    "ermitteln\n" },
  { "unknown-command", "de", "C.UTF-8", { "frobnicate" }, CLI_EXIT_ERROR, FALSE,
    "memscope-cli: unbekannter Befehl „frobnicate“; „memscope-cli --help“ zeigt die Liste\n" },
  { "no-command", "de", "C.UTF-8", { NULL }, CLI_EXIT_ERROR, FALSE,
    "memscope-cli: kein Befehl angegeben; „memscope-cli --help“ zeigt die Liste\n" },
  { "export-missing-file", "de", "C.UTF-8", { "export", "--format", "folded" }, CLI_EXIT_ERROR,
    FALSE, "memscope-cli: export: FILE fehlt: das zu exportierende Profil\n" },
  { "diff-bad-format", "de", "C.UTF-8", { "diff", "a", "b", "--format", "png" }, CLI_EXIT_ERROR,
    FALSE, "memscope-cli: diff: --format: „png“ ist keins von folded, svg\n" },
  { "pressure-bad-level", "de", "C.UTF-8", { "pressure", "high" }, CLI_EXIT_ERROR, FALSE,
    "memscope-cli: pressure: „high“ ist keine Druckstufe: moderate oder critical angeben\n" },
  /* Connection errors come from the protocol library, in the same catalogue (port 1 on
   * the loopback: nothing listens there). */
  { "connection-refused", "de", "C.UTF-8", { "--endpoint", "127.0.0.1:1", "targets" }, CLI_EXIT_ERROR,
    FALSE, "memscope-cli: targets: Unter 127.0.0.1:1 lauscht nichts (Verbindung abgelehnt); läuft "
    "der Browser mit --remote-debugging-port?\n" },
  /* The same program in the C locale speaks English: LANGUAGE is ignored there. */
  { "c-locale-english", "de", "C", { "frobnicate" }, CLI_EXIT_ERROR, FALSE,
    "memscope-cli: unknown command “frobnicate”; run “memscope-cli --help” for the list\n" },
  { "no-language-english", NULL, "C.UTF-8", { "frobnicate" }, CLI_EXIT_ERROR, FALSE,
    "memscope-cli: unknown command “frobnicate”; run “memscope-cli --help” for the list\n" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (c->language != NULL)
    g_setenv ("LANGUAGE", c->language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  g_setenv ("LC_ALL", c->lc_all, TRUE);

  status = cli_test_runv (c->args, 30, &out, &err);

  g_assert_cmpint (status, ==, c->status);
  if (c->on_stdout)
    {
      if (strstr (out, c->text) == NULL)
        g_error ("stdout lacks:\n%s\nstdout:\n%s", c->text, out);
      g_assert_cmpstr (err, ==, "");
    }
  else
    g_assert_cmpstr (err, ==, c->text);
}

/* A recording's warnings come from the analysis library, in the same catalogue: a file
 * holding only the recording's 8-byte magic ends inside its 16-byte header. */
static void
test_recording_warning (void)
{
  g_autofree char *dir = g_dir_make_tmp ("memscope-translation-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "magic.memscope", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "snapshots", path, NULL };

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (path, "\x89MSREC\r\n", 8, NULL));
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_assert_cmpint (cli_test_runv (args, 30, NULL, &err), ==, CLI_EXIT_OK);
  expected = g_strdup_printf ("memscope-cli: snapshots: Warnung: %s: die Aufzeichnung endet innerhalb "
                              "ihres 16 Byte langen Kopfes, nach 8 Bytes: nichts wurde "
                              "aufgezeichnet\n", path);
  g_assert_cmpstr (err, ==, expected);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/cli-translation/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }

  g_test_add_func ("/memscope/cli-translation/recording-warning", test_recording_warning);

  return g_test_run ();
}
