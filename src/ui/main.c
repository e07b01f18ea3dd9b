/* main.c: memscope, the desktop window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "ms-ui"

#include <locale.h>

#include <glib/gi18n.h>

#include "ms-application.h"
#include "ms-locale-dir.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MsApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ms_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = ms_application_new ();
  g_set_application_name ("Memscope");

  return g_application_run (G_APPLICATION (app), argc, argv);
}
