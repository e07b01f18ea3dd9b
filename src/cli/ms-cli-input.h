/* ms-cli-input.h: what `export` and `diff` read: a session file or a raw profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ms-profile.h"
#include "ms-session-file.h"

G_BEGIN_DECLS

/**
 * MsCliInput:
 * @path: the file as the user named it
 * @session: the session, when the file is a Memscope session, else %NULL
 * @profile: the profile picked (a session's, or the raw profile), or %NULL when
 *   none was asked for
 * @profile_number: 1-based number of @profile in @session (1 for a raw profile)
 *
 * One input file, loaded off the main thread.
 */
typedef struct
{
  char          *path;
  MsSessionFile *session;
  MsProfile     *profile;
  guint          profile_number;
} MsCliInput;

/**
 * MsCliInputProfile:
 * @MS_CLI_INPUT_NO_PROFILE: load no profile (a session's counters are enough); a raw
 *   profile is still read, to check it
 * @MS_CLI_INPUT_LAST_PROFILE: a session's last profile
 *
 * Other values are 1-based profile numbers.
 */
enum
{
  MS_CLI_INPUT_NO_PROFILE = -1,
  MS_CLI_INPUT_LAST_PROFILE = 0,
};

/* Reads @path: a Memscope session when its JSON says "format":"memscope-session",
 * else a raw Memory.get*SamplingProfile reply or result. Errors name what was wrong
 * but not @path; callers prefix it. */
void        ms_cli_input_load_async  (const char           *path,
                                      int                   profile,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
MsCliInput *ms_cli_input_load_finish (GAsyncResult         *result,
                                      GError              **error);
void        ms_cli_input_free        (MsCliInput           *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCliInput, ms_cli_input_free)

G_END_DECLS
