/* fuzz-cdp-message.c: libFuzzer harness for the CDP message reader
 *
 * What a DevTools peer sends goes through the same steps as in MsCdpConnection:
 * the one-pass scan, the decode of a reply, and the typed Memory-domain readers; and
 * what a DevTools HTTP server sends through the discovery readers (/json/version,
 * /json/list, /json/protocol), which must refuse deep nesting before json-glib sees it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>

#include "ms-cdp-discovery.h"
#include "ms-cdp-error.h"
#include "ms-cdp-memory.h"
#include "ms-cdp-message-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  MsCdpMessageScan scan;

  {
    g_autoptr(GError) ev = NULL;
    g_autoptr(GError) et = NULL;
    g_autoptr(GError) ep = NULL;
    g_autoptr(MsCdpBrowserVersion) version = NULL;
    g_autoptr(GPtrArray) targets = NULL;
    gboolean has_memory;

    version = ms_cdp_browser_version_new_from_json ((const char *) data, size, &ev);
    g_assert_true ((version == NULL) == (ev != NULL));
    targets = ms_cdp_target_list_new_from_json ((const char *) data, size, &et);
    g_assert_true ((targets == NULL) == (et != NULL));
    has_memory = ms_cdp_protocol_has_memory_domain ((const char *) data, size, &ep);
    g_assert_true (has_memory == (ep == NULL));
  }

  if (!ms_cdp_message_scan (bytes, &scan, &error))
    return 0;

  result = ms_cdp_message_decode_reply (bytes, "Fuzz.method", &error);
  if (result == NULL)
    {
      /* Protocol errors keep their parts readable. */
      if (g_error_matches (error, MS_CDP_ERROR, MS_CDP_ERROR_PROTOCOL))
        g_assert_nonnull (ms_cdp_error_get_method (error));
      return 0;
    }

  {
    MsCdpDomCounters counters;
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(GArray) list = NULL;

    if (!ms_cdp_dom_counters_from_json (result, &counters, &e1))
      g_assert_nonnull (e1);
    list = ms_cdp_dom_counter_list_from_json (result, &e2);
    g_assert_true ((list == NULL) == (e2 != NULL));
  }

  return 0;
}
