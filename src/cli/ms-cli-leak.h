/* ms-cli-leak.h: running JavaScript in a target and taking leak-detection counters
 *
 * Shared by `leak-counters` and `leak-check`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ms-cdp-connection.h"

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  gint64  count;
} MsCliCounter;

/* Runtime.evaluate of @expression in the page, awaiting a promise it returns. With
 * @by_value the result's value comes back (JSON null for undefined); otherwise nothing
 * of the result is kept alive in the page: its object group is released at once, so
 * that a leak check does not count what the inspector itself holds. An exception
 * becomes an error quoting the exception's first line. */
void      ms_cli_evaluate_async        (MsCdpConnection      *conn,
                                        const char           *expression,
                                        gboolean              by_value,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
JsonNode *ms_cli_evaluate_finish       (MsCdpConnection      *conn,
                                        GAsyncResult         *result,
                                        GError              **error);

/* Checks that the browser runs with --js-flags=--expose-gc (prepareForLeakDetection kills
 * the renderer otherwise), runs Memory.prepareForLeakDetection, then reads
 * Memory.getDOMCounters (when @with_dom_counters) and Memory.getDOMCountersForLeakDetection.
 * Yields a GArray of MsCliCounter, the DOM counters first under their protocol names
 * (documents, nodes, jsEventListeners). */
void      ms_cli_leak_snapshot_async   (MsCdpConnection      *conn,
                                        gboolean              with_dom_counters,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
GArray   *ms_cli_leak_snapshot_finish  (MsCdpConnection      *conn,
                                        GAsyncResult         *result,
                                        GError              **error);

/* The counter named @name in a snapshot, or NULL. */
const MsCliCounter *ms_cli_counters_find (GArray     *counters,
                                          const char *name);

G_END_DECLS
