/* cdp-test-peer.h: an in-process SoupServer that plays a DevTools peer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _CdpTestPeer CdpTestPeer;

/* Called for every request except Inspector.enable, which the peer answers itself. */
typedef void (*CdpTestResponder) (CdpTestPeer *peer,
                                  gint64       id,
                                  const char  *method,
                                  JsonObject  *params,
                                  gpointer     user_data);

struct _CdpTestPeer
{
  SoupServer              *server;
  guint16                  port;
  char                    *ws_url;
  char                    *listed_ws_url;   /* what /json/list claims, when set */
  SoupWebsocketConnection *ws;            /* server side, once connected */
  guint                    handshake_status; /* status for paths outside /devtools */
  gboolean                 saw_origin;
  guint                    n_handshakes;
  guint                    n_requests;
  char                    *last_method;
  CdpTestResponder         responder;
  gpointer                 responder_data;
};

CdpTestPeer *cdp_test_peer_new          (void);
void         cdp_test_peer_free         (CdpTestPeer *peer);
void         cdp_test_peer_send_text    (CdpTestPeer *peer,
                                         const char  *text);
void         cdp_test_peer_send_bytes   (CdpTestPeer *peer,
                                         GBytes      *bytes);
void         cdp_test_peer_reply_result (CdpTestPeer *peer,
                                         gint64       id,
                                         const char  *result_json);
/* A fixture reply from $MEMSCOPE_FIXTURES/small/NAME with its "id" replaced by @id. */
void         cdp_test_peer_reply_fixture (CdpTestPeer *peer,
                                          gint64       id,
                                          const char  *name);
char        *cdp_test_fixture_path      (const char  *relative);
char        *cdp_test_fixture_contents  (const char  *relative,
                                         gsize       *length);
void         cdp_test_peer_write_raw    (CdpTestPeer *peer,
                                         const void  *data,
                                         gsize        len);
gsize        cdp_test_frame_header      (guint64      payload_len,
                                         guint8       header[10]);
/* Runs the default main context until *@result is set. */
void         cdp_test_wait_for_result   (GAsyncResult **result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdpTestPeer, cdp_test_peer_free)

G_END_DECLS
