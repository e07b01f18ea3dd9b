/* ms-cli-recording.h: one MsRecorder run from the command line, for `record` and `demo`
 *
 * Connects the session, starts sampling, and stops at --duration, at Ctrl-C or when
 * the browser goes away; stopping always sends Memory.stopSampling and waits for the
 * last save. Progress goes to stderr when it is a terminal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-recorder.h"

#include "ms-cli-context.h"

G_BEGIN_DECLS

typedef struct _MsCliRecording MsCliRecording;

/* Called once, after the recorder stopped and its last save finished. @error says why
 * the recording went wrong (the browser went away, the file could not be written…),
 * NULL when it ended as asked. The context is held meanwhile. */
typedef void (*MsCliRecordingDoneFunc) (MsCliRecording *recording,
                                        const GError   *error,
                                        gpointer        user_data);

/* Takes a reference on @session; the recorder is made at once, to be configured. */
MsCliRecording *ms_cli_recording_new            (MsCliContext           *ctx,
                                                 MsSession              *session);
void            ms_cli_recording_free           (MsCliRecording         *self);

MsRecorder     *ms_cli_recording_get_recorder   (MsCliRecording         *self);
/* 0: until Ctrl-C. */
void            ms_cli_recording_set_duration   (MsCliRecording         *self,
                                                 guint                   seconds);
/* The recorder's output; refuses (with the recorder's message) to replace a file that
 * is not a Memscope session. */
gboolean        ms_cli_recording_set_output     (MsCliRecording         *self,
                                                 const char             *path,
                                                 GError                **error);
const char     *ms_cli_recording_get_output     (MsCliRecording         *self);
/* Whether the output file was written at least once. */
gboolean        ms_cli_recording_get_saved      (MsCliRecording         *self);

/* Connects and records; @done runs at the end unless the command failed before
 * sampling started (the context then reports why and exits 2). */
void            ms_cli_recording_start          (MsCliRecording         *self,
                                                 MsCliRecordingDoneFunc  done,
                                                 gpointer                user_data);

/* The summary `record` prints on stdout: file, profiles, samples in the last
 * profile, DOM counters first → last. */
void            ms_cli_recording_print_summary  (MsCliRecording         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCliRecording, ms_cli_recording_free)

G_END_DECLS
