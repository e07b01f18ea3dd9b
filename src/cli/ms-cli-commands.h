/* ms-cli-commands.h: the commands of memscope-cli, one file each
 *
 * Each takes ownership of @args, whose first element stands for the program name,
 * and returns the exit status (see MsCliExit).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-cli-context.h"

G_BEGIN_DECLS

typedef int (*MsCliCommandFunc) (MsCliContext *ctx,
                                 GStrv         args);

typedef struct
{
  const char       *name;
  const char       *synopsis;
  const char       *summary;
  MsCliCommandFunc  run;
} MsCliCommand;

int ms_cli_targets           (MsCliContext *ctx, GStrv args);
int ms_cli_counters          (MsCliContext *ctx, GStrv args);
int ms_cli_leak_counters     (MsCliContext *ctx, GStrv args);
int ms_cli_purge             (MsCliContext *ctx, GStrv args);
int ms_cli_pressure          (MsCliContext *ctx, GStrv args);
int ms_cli_suppress_pressure (MsCliContext *ctx, GStrv args);
int ms_cli_leak_check        (MsCliContext *ctx, GStrv args);
int ms_cli_launch            (MsCliContext *ctx, GStrv args);
int ms_cli_export            (MsCliContext *ctx, GStrv args);
int ms_cli_diff              (MsCliContext *ctx, GStrv args);
int ms_cli_watch             (MsCliContext *ctx, GStrv args);
int ms_cli_record            (MsCliContext *ctx, GStrv args);
int ms_cli_demo              (MsCliContext *ctx, GStrv args);
int ms_cli_snapshots         (MsCliContext *ctx, GStrv args);

/* The table, NULL-terminated, in the order --help lists them. */
const MsCliCommand *ms_cli_get_commands (void);
const MsCliCommand *ms_cli_find_command (const char *name);

G_END_DECLS
