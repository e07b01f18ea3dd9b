/* ms-cli-output.h: where exports go: stdout, or a file replaced atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-cli-context.h"

G_BEGIN_DECLS

/* A stream on stdout (@path NULL or "-"), or on a temporary file beside @path (or
 * beside the file @path links to) that replaces it in ms_cli_output_close(). A stream
 * released without that close removes its temporary file and leaves @path as it
 * was: a failed or interrupted export never touches the file it was to replace. */
GOutputStream *ms_cli_output_open  (const char     *path,
                                    GError        **error);
gboolean       ms_cli_output_close (GOutputStream  *stream,
                                    const char     *path,
                                    GError        **error);
/* Reports @error of writing to @path (stdout for NULL or "-") and exits 2. */
void           ms_cli_output_fail  (MsCliContext   *ctx,
                                    const GError   *error,
                                    const char     *path);

G_END_DECLS
