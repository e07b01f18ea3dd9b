/* ms-locale-dir.h: where a program's message catalogues are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <limits.h>
#include <stdlib.h>

#include <glib.h>

/* The folder to bind GETTEXT_PACKAGE to: the build folder's po/ when this is the
 * executable the build made (run from the build tree, as build-aux/run-demo.sh and the
 * tests do), else the installed LOCALEDIR. The build defines MS_BUILD_TREE_EXECUTABLE
 * (this program's path in the build folder) and MS_UNINSTALLED_LOCALEDIR. */
static inline const char *
ms_locale_dir (void)
{
#if defined(MS_BUILD_TREE_EXECUTABLE) && defined(MS_UNINSTALLED_LOCALEDIR)
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  char built[PATH_MAX];

  if (self != NULL && realpath (MS_BUILD_TREE_EXECUTABLE, built) != NULL &&
      g_str_equal (self, built))
    return MS_UNINSTALLED_LOCALEDIR;
#endif
  return LOCALEDIR;
}
