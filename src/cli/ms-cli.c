/* ms-cli.c: global options and the command table of memscope-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "ms-cli.h"
#include "ms-cli-commands.h"
#include "ms-cli-context.h"

static const MsCliCommand commands[] = {
  { "targets", "targets [--json]",
    N_("Print the browser version and its targets"), ms_cli_targets },
  { "counters", "counters [--interval S] [--count N] [--json]",
    N_("Print DOM counters (documents, nodes, jsEventListeners)"), ms_cli_counters },
  { "leak-counters", "leak-counters [--json]",
    N_("Collect garbage, then print the leak-detection counters"), ms_cli_leak_counters },
  { "purge", "purge --yes",
    N_("Forcibly purge JavaScript memory (destroys the page's scripts)"), ms_cli_purge },
  { "pressure", "pressure moderate|critical",
    N_("Simulate a memory pressure notification"), ms_cli_pressure },
  { "suppress-pressure", "suppress-pressure on|off",
    N_("Suppress or allow memory pressure notifications"), ms_cli_suppress_pressure },
  { "leak-check", "leak-check --action JS [--iterations N] [--warmup N] [--max-growth NAME=N,...]",
    N_("Run an action repeatedly; exit 1 if counters grow past their budget"), ms_cli_leak_check },
  { "watch", "watch (--alarm-min-bytes N | --alarm-min-blocks N [--bytes-per-block B]) "
    "[--ignore K] [--duration S] [--every S]",
    N_("Report new large allocations; exit 3 if any"), ms_cli_watch },
  { "record", "record -o FILE [--duration S] [--every S] [--sampling-interval BYTES] "
    "[--suppress-randomness] [--source since-start|all-time|browser] "
    "[--symbolize [--symbol-path PATH]]",
    N_("Record profiles and DOM counters into a session file until --duration or Ctrl-C"),
    ms_cli_record },
  { "export", "export FILE --format folded|svg|csv|histogram|json [--profile N] "
    "[--frames symbol|address|module] [--bytes-per-block B] [--symbolize [--symbol-path PATH]] "
    "[-o OUT]",
    N_("Export a session's or a raw profile as folded stacks, a flame graph, a histogram or "
       "JSON, or a session's counters as CSV"), ms_cli_export },
  { "diff", "diff A B --format folded|svg [--profile-a N] [--profile-b N] "
    "[--frames symbol|address|module] [--normalize] [-o OUT]",
    N_("Compare two profiles (of sessions or raw)"), ms_cli_diff },
  { "snapshots", "snapshots FILE [--json]",
    N_("List a recording's profiles: index, time, samples, bytes and DOM counters"),
    ms_cli_snapshots },
  { "launch", "launch [--headless] [--url URL] [--browser PATH]",
    N_("Start a browser ready for inspection and print its endpoint"), ms_cli_launch },
  { "demo", "demo [--duration S] [--headless] [--keep-browser] [--browser PATH] [-o FILE]",
    N_("Record the bundled leaky demo page in a browser of its own and show what Memscope "
       "finds"),
    ms_cli_demo },
  { NULL }
};

const MsCliCommand *
ms_cli_get_commands (void)
{
  return commands;
}

const MsCliCommand *
ms_cli_find_command (const char *name)
{
  for (const MsCliCommand *command = commands; command->name != NULL; command++)
    {
      if (g_str_equal (command->name, name))
        return command;
    }

  return NULL;
}

static char *
build_description (void)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n", _("Commands:"));
  for (const MsCliCommand *command = commands; command->name != NULL; command++)
    g_string_append_printf (text, "  %s\n      %s\n", command->synopsis, _(command->summary));

  g_string_append_c (text, '\n');
  /* Translators: COMMAND is the placeholder of the usage line ("COMMAND [ARGUMENT…]"). */
  g_string_append_printf (text, _("Run “%s COMMAND --help” for a command's options."),
                          MS_CLI_PROGRAM_NAME);
  g_string_append_printf (text, "\n%s\n\n%s\n",
                          _("Global options may also follow the command's name."),
                          _("Exit status: 0 success, 1 a check failed, 2 an error, 3 an alarm "
                            "fired."));

  return g_string_free (text, FALSE);
}

static GStrv
command_arguments (GStrv args,
                   guint first)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_add (builder, MS_CLI_PROGRAM_NAME);
  for (guint i = first; args[i] != NULL; i++)
    g_strv_builder_add (builder, args[i]);

  return g_strv_builder_end (builder);
}

int
ms_cli_main (int    argc,
             char **argv)
{
  g_autoptr(MsCliContext) ctx = ms_cli_context_new ();
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *description = NULL;
  const MsCliCommand *command;
  gboolean version = FALSE;
  GOptionGroup *group;
  const GOptionEntry version_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, _("Print the version and exit"), NULL },
    { NULL }
  };

  g_set_prgname (MS_CLI_PROGRAM_NAME);

  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  /* Translators: the usage line's parameters; COMMAND is repeated in "Run “memscope-cli
   * COMMAND --help”…" below the list of commands. */
  option_context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  /* Everything after the command's name belongs to the command. */
  g_option_context_set_strict_posix (option_context, TRUE);
  group = g_option_group_new ("memscope-cli", _("Global options"), _("Show global options"), ctx,
                              NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, ms_cli_context_get_global_entries (MS_CLI_OPTIONS_CONNECTION));
  g_option_group_add_entries (group, version_entries);
  g_option_context_set_main_group (option_context, group);
  g_option_context_set_summary (option_context,
                                _("Inspect the memory of a Chromium-family browser over the "
                                  "DevTools protocol."));
  description = build_description ();
  g_option_context_set_description (option_context, description);

  if (!g_option_context_parse_strv (option_context, &args, &error))
    return ms_cli_context_usage_error (ctx, "%s", error->message);

  if (version)
    {
      printf ("%s %s\n", MS_CLI_PROGRAM_NAME, PACKAGE_VERSION);
      return MS_CLI_EXIT_OK;
    }

  if (args[0] == NULL || args[1] == NULL)
    return ms_cli_context_usage_error (ctx, _("no command given; run “%s --help” for the list"),
                                       MS_CLI_PROGRAM_NAME);

  if (g_str_equal (args[1], "help"))
    {
      g_autofree char *help = NULL;

      if (args[2] == NULL)
        {
          help = g_option_context_get_help (option_context, TRUE, NULL);
          fputs (help, stdout);
          return MS_CLI_EXIT_OK;
        }

      command = ms_cli_find_command (args[2]);
      if (command == NULL)
        return ms_cli_context_usage_error (ctx, _("unknown command “%s”; run “%s --help” for "
                                                "the list"),
                                           args[2], MS_CLI_PROGRAM_NAME);

      return command->run (ctx, g_strdupv ((char *[]) { MS_CLI_PROGRAM_NAME, "--help", NULL }));
    }

  command = ms_cli_find_command (args[1]);
  if (command == NULL)
    return ms_cli_context_usage_error (ctx, _("unknown command “%s”; run “%s --help” for "
                                            "the list"),
                                       args[1], MS_CLI_PROGRAM_NAME);

  return command->run (ctx, command_arguments (args, 2));
}
