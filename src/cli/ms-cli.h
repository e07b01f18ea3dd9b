/* ms-cli.h: memscope-cli's entry point, in the library so that tests can reach it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses the global options, runs one command and returns the exit status. */
int ms_cli_main (int    argc,
                 char **argv);

G_END_DECLS
