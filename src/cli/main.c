/* main.c: memscope-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "ms-cli.h"

/* The tests' build of this file reads the catalogues the build made (po/LL/LC_MESSAGES). */
#ifdef MS_CLI_UNINSTALLED_LOCALEDIR
# define MS_CLI_LOCALEDIR MS_CLI_UNINSTALLED_LOCALEDIR
#else
# define MS_CLI_LOCALEDIR LOCALEDIR
#endif

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, MS_CLI_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return ms_cli_main (argc, argv);
}
