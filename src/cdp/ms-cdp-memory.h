/* ms-cdp-memory.h: the CDP Memory domain, typed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-cdp-connection.h"

G_BEGIN_DECLS

/* Memory.PressureLevel */
typedef enum
{
  MS_CDP_PRESSURE_MODERATE,
  MS_CDP_PRESSURE_CRITICAL,
} MsCdpPressureLevel;

const char *ms_cdp_pressure_level_to_string  (MsCdpPressureLevel level);
gboolean    ms_cdp_pressure_level_from_string (const char         *text,
                                               MsCdpPressureLevel *level);

/* Result of Memory.getDOMCounters */
typedef struct
{
  gint64 documents;
  gint64 nodes;
  gint64 js_event_listeners;
} MsCdpDomCounters;

/* Memory.DOMCounter */
typedef struct
{
  char   *name;
  gint64  count;
} MsCdpDomCounter;

/* Result parsers, public so fixtures and tests can feed them a "result" object directly. */
gboolean   ms_cdp_dom_counters_from_json   (JsonObject        *result,
                                            MsCdpDomCounters  *counters,
                                            GError           **error);
/* Element type MsCdpDomCounter, with clear func set. */
GArray    *ms_cdp_dom_counter_list_from_json (JsonObject      *result,
                                              GError         **error);

/* The 11 commands. Every _finish returns FALSE/NULL with a GError on failure. */
void      ms_cdp_memory_get_dom_counters_async  (MsCdpConnection *conn, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean  ms_cdp_memory_get_dom_counters_finish (MsCdpConnection *conn, GAsyncResult *result,
                                                 MsCdpDomCounters *counters, GError **error);

void      ms_cdp_memory_get_dom_counters_for_leak_detection_async  (MsCdpConnection *conn,
                                                                    GCancellable *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer user_data);
GArray   *ms_cdp_memory_get_dom_counters_for_leak_detection_finish (MsCdpConnection *conn,
                                                                    GAsyncResult *result,
                                                                    GError **error);

void      ms_cdp_memory_prepare_for_leak_detection_async  (MsCdpConnection *conn, GCancellable *cancellable,
                                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean  ms_cdp_memory_prepare_for_leak_detection_finish (MsCdpConnection *conn, GAsyncResult *result,
                                                           GError **error);

void      ms_cdp_memory_forcibly_purge_javascript_memory_async  (MsCdpConnection *conn,
                                                                 GCancellable *cancellable,
                                                                 GAsyncReadyCallback callback,
                                                                 gpointer user_data);
gboolean  ms_cdp_memory_forcibly_purge_javascript_memory_finish (MsCdpConnection *conn,
                                                                 GAsyncResult *result,
                                                                 GError **error);

void      ms_cdp_memory_set_pressure_notifications_suppressed_async  (MsCdpConnection *conn,
                                                                      gboolean suppressed,
                                                                      GCancellable *cancellable,
                                                                      GAsyncReadyCallback callback,
                                                                      gpointer user_data);
gboolean  ms_cdp_memory_set_pressure_notifications_suppressed_finish (MsCdpConnection *conn,
                                                                      GAsyncResult *result,
                                                                      GError **error);

void      ms_cdp_memory_simulate_pressure_notification_async  (MsCdpConnection *conn,
                                                               MsCdpPressureLevel level,
                                                               GCancellable *cancellable,
                                                               GAsyncReadyCallback callback,
                                                               gpointer user_data);
gboolean  ms_cdp_memory_simulate_pressure_notification_finish (MsCdpConnection *conn,
                                                               GAsyncResult *result,
                                                               GError **error);

/* @sampling_interval 0 omits the parameter (browser default, 128 KiB). */
void      ms_cdp_memory_start_sampling_async  (MsCdpConnection *conn, guint sampling_interval,
                                               gboolean suppress_randomness,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
gboolean  ms_cdp_memory_start_sampling_finish (MsCdpConnection *conn, GAsyncResult *result,
                                               GError **error);

void      ms_cdp_memory_stop_sampling_async  (MsCdpConnection *conn, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean  ms_cdp_memory_stop_sampling_finish (MsCdpConnection *conn, GAsyncResult *result,
                                              GError **error);

/**
 * MsCdpProfileSource:
 * @MS_CDP_PROFILE_SINCE_START: Memory.getSamplingProfile
 * @MS_CDP_PROFILE_ALL_TIME: Memory.getAllTimeSamplingProfile
 * @MS_CDP_PROFILE_BROWSER: Memory.getBrowserSamplingProfile
 */
typedef enum
{
  MS_CDP_PROFILE_SINCE_START,
  MS_CDP_PROFILE_ALL_TIME,
  MS_CDP_PROFILE_BROWSER,
} MsCdpProfileSource;

const char *ms_cdp_profile_source_to_method (MsCdpProfileSource source);

/* The whole reply undecoded: profiles are read by the analysis layer's reader
 * (ms_profile_new_from_bytes()), off the main thread. */
void      ms_cdp_memory_get_sampling_profile_raw_async  (MsCdpConnection *conn, MsCdpProfileSource source,
                                                         GCancellable *cancellable,
                                                         GAsyncReadyCallback callback, gpointer user_data);
GBytes   *ms_cdp_memory_get_sampling_profile_raw_finish (MsCdpConnection *conn, GAsyncResult *result,
                                                         GError **error);

G_END_DECLS
