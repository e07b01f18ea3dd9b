/* cli-test-run.h: run the built memscope-cli as a subprocess
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The contract's exit statuses, restated here rather than taken from the program. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_CHECK_FAILED 1
#define CLI_EXIT_ERROR 2
#define CLI_EXIT_ALARM 3

/* Runs memscope-cli with @args (not including the program), iterating the default main
 * context meanwhile (the test's own servers keep answering). Returns the exit status;
 * a crash or a run longer than @max_seconds fails the test. @out and @err may be NULL. */
int          cli_test_runv           (const char * const  *args,
                                      guint                max_seconds,
                                      char               **out,
                                      char               **err);
/* The same, in the folder @cwd. */
int          cli_test_runv_in        (const char          *cwd,
                                      const char * const  *args,
                                      guint                max_seconds,
                                      char               **out,
                                      char               **err);
/* The same, with files the program writes limited to @max_file_bytes (0: no limit):
 * a write past it fails (EFBIG), as on a full disk. */
int          cli_test_runv_limited   (const char          *cwd,
                                      const char * const  *args,
                                      gsize                max_file_bytes,
                                      guint                max_seconds,
                                      char               **out,
                                      char               **err);
int          cli_test_run            (char               **out,
                                      char               **err,
                                      ...) G_GNUC_NULL_TERMINATED;

/* Starts memscope-cli with @args, stdout piped, for commands that keep running. */
GSubprocess *cli_test_spawn          (const char * const  *args);

/* Waits (iterating the default main context) until @process exits; returns its status. */
int          cli_test_wait           (GSubprocess         *process,
                                      guint                max_seconds);

/* Reads one line of @stream, iterating the default main context; NULL at the end. */
char        *cli_test_read_line      (GDataInputStream    *stream,
                                      guint                max_seconds);

/* The lines of @text, without the empty last one. */
GStrv        cli_test_lines          (const char          *text);

G_END_DECLS
