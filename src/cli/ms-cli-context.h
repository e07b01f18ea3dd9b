/* ms-cli-context.h: what every memscope-cli command shares
 *
 * Global options, the main loop, Ctrl-C, connecting to a target, reporting errors
 * and the exit statuses of the command-line contract.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ms-cdp-connection.h"
#include "ms-cdp-discovery.h"
#include "ms-cdp-endpoint.h"
#include "ms-live-target.h"

G_BEGIN_DECLS

/**
 * MsCliExit:
 * @MS_CLI_EXIT_OK: success
 * @MS_CLI_EXIT_CHECK_FAILED: a check failed (leak-check over its budget)
 * @MS_CLI_EXIT_ERROR: an error: bad arguments, unreachable endpoint, bad file, ...
 * @MS_CLI_EXIT_ALARM: an allocation alarm fired (watch)
 *
 * The exit statuses scripts rely on.
 */
typedef enum
{
  MS_CLI_EXIT_OK = 0,
  MS_CLI_EXIT_CHECK_FAILED = 1,
  MS_CLI_EXIT_ERROR = 2,
  MS_CLI_EXIT_ALARM = 3,
} MsCliExit;

#define MS_CLI_PROGRAM_NAME "memscope-cli"
#define MS_CLI_DEFAULT_ENDPOINT "127.0.0.1:9222"
#define MS_CLI_DEFAULT_TIMEOUT_SECONDS 30
/* Sanity cap for --timeout: a day. */
#define MS_CLI_MAX_TIMEOUT_SECONDS (24 * 60 * 60)

typedef struct _MsCliContext MsCliContext;

/* Called on SIGINT or SIGTERM while the command runs. */
typedef void (*MsCliInterruptFunc) (MsCliContext *ctx,
                                    gpointer      user_data);

MsCliContext    *ms_cli_context_new                (void);
void             ms_cli_context_free               (MsCliContext        *self);

/**
 * MsCliOptions:
 * @MS_CLI_OPTIONS_NONE: the command takes no global option
 * @MS_CLI_OPTIONS_TIMEOUT: the command takes --timeout
 * @MS_CLI_OPTIONS_CONNECTION: the command takes --endpoint, --ws, --target and --timeout
 *
 * Which global options a command accepts after its name too.
 */
typedef enum
{
  MS_CLI_OPTIONS_NONE,
  MS_CLI_OPTIONS_TIMEOUT,
  MS_CLI_OPTIONS_CONNECTION,
} MsCliOptions;

/* Global option entries; they write into the context given as the group's user data. */
const GOptionEntry *ms_cli_context_get_global_entries (MsCliOptions options);

/* Parses a command's options (and the global ones that @options names) in one
 * GOptionContext whose usage line reads "memscope-cli COMMAND [OPTION…] PARAMETERS".
 * @args is a GStrv whose first element is the program name; parsed options are removed.
 * On failure reports the error and returns FALSE; the command then exits 2. */
gboolean         ms_cli_context_parse_options      (MsCliContext        *self,
                                                    const char          *command,
                                                    const char          *parameter_string,
                                                    const char          *summary,
                                                    const char          *description,
                                                    const GOptionEntry  *entries,
                                                    MsCliOptions         options,
                                                    GStrv               *args);

const char      *ms_cli_context_get_command        (MsCliContext        *self);
guint            ms_cli_context_get_timeout        (MsCliContext        *self);
/* --target, or NULL for the first page. */
const char      *ms_cli_context_get_target_selector (MsCliContext       *self);
/* --ws, or NULL. */
const char      *ms_cli_context_get_ws_url         (MsCliContext        *self);
GCancellable    *ms_cli_context_get_cancellable    (MsCliContext        *self);
gboolean         ms_cli_context_get_interrupted    (MsCliContext        *self);

/* A live target for the endpoint the global options name (--ws, else --endpoint), with
 * --timeout as its call timeout and reconnect window; connect it to
 * ms_cli_context_get_target_selector(). NULL after reporting the error. */
MsLiveTarget    *ms_cli_context_new_live_target    (MsCliContext        *self);
/* ms_cli_context_new_live_target(), then connects it to --ws, else --target, else the
 * first page, with the context held: @callback ends it with
 * ms_cli_context_connect_finish(). NULL after reporting the error. */
MsLiveTarget    *ms_cli_context_connect_live_target (MsCliContext       *self,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);

void             ms_cli_context_set_interrupt_func (MsCliContext        *self,
                                                    MsCliInterruptFunc   func,
                                                    gpointer             user_data);

/* Every asynchronous call a command starts is bracketed by hold and release, so that
 * run() can wait for the callbacks of cancelled calls after the exit. release returns
 * FALSE once the command has exited: the callback must then only clean up. */
void             ms_cli_context_hold               (MsCliContext        *self);
gboolean         ms_cli_context_release            (MsCliContext        *self);
gboolean         ms_cli_context_connect_finish     (MsCliContext        *self,
                                                    MsLiveTarget        *target,
                                                    GAsyncResult        *result);
gboolean         ms_cli_context_is_running         (MsCliContext        *self);

/* Runs the main loop until ms_cli_context_exit() and returns the exit status. */
int              ms_cli_context_run                (MsCliContext        *self);
void             ms_cli_context_exit               (MsCliContext        *self,
                                                    MsCliExit            status);

/* One line on stderr, "memscope-cli: COMMAND: MESSAGE", then exit 2. */
void             ms_cli_context_fail               (MsCliContext        *self,
                                                    const GError        *error);
void             ms_cli_context_fail_prefixed      (MsCliContext        *self,
                                                    const GError        *error,
                                                    const char          *format,
                                                    ...) G_GNUC_PRINTF (3, 4);
void             ms_cli_context_failf              (MsCliContext        *self,
                                                    const char          *format,
                                                    ...) G_GNUC_PRINTF (2, 3);
/* Prints "memscope-cli: COMMAND: MESSAGE" on stderr without exiting. */
void             ms_cli_context_warn               (MsCliContext        *self,
                                                    const char          *format,
                                                    ...) G_GNUC_PRINTF (2, 3);

/* Reports a usage error the same way (exit 2) outside the main loop. */
int              ms_cli_context_usage_error        (MsCliContext        *self,
                                                    const char          *format,
                                                    ...) G_GNUC_PRINTF (2, 3);

/* Writes @node as one line of compact JSON on stdout and flushes. */
void             ms_cli_print_json_line            (JsonNode            *node);
/* "2026-11-22T02:08:13.123Z", UTC with milliseconds. */
char            *ms_cli_format_timestamp           (GDateTime           *time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCliContext, ms_cli_context_free)

G_END_DECLS
