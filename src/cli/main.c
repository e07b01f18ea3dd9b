/* main.c: memscope-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <locale.h>

#include "ms-cli.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  return ms_cli_main (argc, argv);
}
