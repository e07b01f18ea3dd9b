/* ms-cli-leak.h: running JavaScript in a target
 *
 * Used by `leak-check` for its action.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ms-cdp-connection.h"

G_BEGIN_DECLS

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

G_END_DECLS
