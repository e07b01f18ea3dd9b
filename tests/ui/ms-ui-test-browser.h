/* ms-ui-test-browser.h: the bundled demo page served from 127.0.0.1, for the tests
 * that record it in a real headless Chromium
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ms-live-target.h"

G_BEGIN_DECLS

static inline void
ms_test_serve_file (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (user_data, &contents, &len, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, contents, len);
}

/* The bundled demo page at http://127.0.0.1:PORT/leaky-page.html. */
static inline SoupServer *
ms_test_serve_demo_page (char **url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = ms_live_target_find_demo_page (&error);
  SoupServer *server = soup_server_new (NULL, NULL);
  GSList *uris;

  g_assert_no_error (error);
  soup_server_add_handler (server, "/leaky-page.html", ms_test_serve_file, g_steal_pointer (&page),
                           g_free);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  *url = g_strdup_printf ("http://127.0.0.1:%d/leaky-page.html", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

G_END_DECLS
