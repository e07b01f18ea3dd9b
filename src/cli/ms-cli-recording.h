/* ms-cli-recording.h: one MsRecorder run from the command line, for `record`, `watch`
 * and `demo`
 *
 * Connects the live target, starts sampling, and stops at --duration, at Ctrl-C or when
 * the browser goes away; stopping always sends Memory.stopSampling and waits for the
 * last save. Progress goes to stderr when it is a terminal and there is a file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-live-target.h"

#include "ms-cli-context.h"

G_BEGIN_DECLS

typedef struct _MsCliRecording MsCliRecording;

/* Called once, after the recorder stopped and its last save finished. @error says why
 * the recording went wrong (the browser went away, the file could not be written…),
 * NULL when it ended as asked. The context is held meanwhile. */
typedef void (*MsCliRecordingDoneFunc) (MsCliRecording *recording,
                                        const GError   *error,
                                        gpointer        user_data);

/* Called with the new recorder once the target is attached, to configure it. */
typedef void (*MsCliRecordingSetupFunc)        (MsRecorder             *recorder,
                                                gpointer                user_data);

/* Takes a reference on @target. */
MsCliRecording *ms_cli_recording_new            (MsCliContext           *ctx,
                                                 MsLiveTarget           *target);
void            ms_cli_recording_free           (MsCliRecording         *self);

MsLiveTarget   *ms_cli_recording_get_live_target (MsCliRecording        *self);
/* NULL until the target is attached. */
MsRecorder     *ms_cli_recording_get_recorder   (MsCliRecording         *self);
/* 0: until Ctrl-C. */
void            ms_cli_recording_set_duration   (MsCliRecording         *self,
                                                 guint                   seconds);
/* The recorder's output; refuses at once (with the recorder's message) to replace a
 * file that is not a Memscope session. Without one nothing is saved. */
gboolean        ms_cli_recording_set_output     (MsCliRecording         *self,
                                                 const char             *path,
                                                 GError                **error);
const char     *ms_cli_recording_get_output     (MsCliRecording         *self);
/* Whether the output file was written at least once. */
gboolean        ms_cli_recording_get_saved      (MsCliRecording         *self);

/* Connects (to the --target the context names), calls @setup, and records; @done runs
 * at the end unless the command failed before sampling started (the context then
 * reports why and exits 2). */
void            ms_cli_recording_start          (MsCliRecording         *self,
                                                 MsCliRecordingSetupFunc setup,
                                                 MsCliRecordingDoneFunc  done,
                                                 gpointer                user_data);

/* The summary `record` prints on stdout: file, profiles, samples in the last
 * profile, DOM counters first → last. */
void            ms_cli_recording_print_summary  (MsCliRecording         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCliRecording, ms_cli_recording_free)

G_END_DECLS
