/* ms-ui-test-recording.h: a recording (format 2) with known profiles and counters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "ms-recording-writer.h"

G_BEGIN_DECLS

#define T0 (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)
#define N_PROFILES 8
#define N_SECONDS 80
#define MAX_SAMPLES 5

typedef struct
{
  gint64  time_us;
  guint   n_samples;
  guint64 size[MAX_SAMPLES];
  guint64 total[MAX_SAMPLES];
} TestProfile;

/* Profile @i: 1 to 5 samples of power-of-two sizes; the totals rise and fall. */
static inline void
ms_test_make_profile (guint        i,
                      TestProfile *p)
{
  static const guint scale[N_PROFILES] = { 1, 3, 2, 5, 4, 9, 6, 2 };

  p->time_us = T0 + i * 10 * G_USEC_PER_SEC + G_USEC_PER_SEC / 2;
  p->n_samples = 1 + (i * 3) % MAX_SAMPLES;
  for (guint k = 0; k < p->n_samples; k++)
    {
      p->size[k] = (guint64) 16 << ((i + 2 * k) % 12);
      p->total[k] = p->size[k] * scale[i] * (1 + k);
    }
}

static inline guint64
ms_test_sum_totals (const TestProfile *p)
{
  guint64 sum = 0;

  for (guint k = 0; k < p->n_samples; k++)
    sum += p->total[k];
  return sum;
}

/* The "result" of Memory.getSamplingProfile for @p. */
static inline char *
ms_test_profile_result (const TestProfile *p)
{
  GString *text = g_string_new ("{\"profile\":{\"samples\":[");

  for (guint k = 0; k < p->n_samples; k++)
    g_string_append_printf (text, "%s{\"size\":%" G_GUINT64_FORMAT ",\"total\":%" G_GUINT64_FORMAT
                            ",\"stack\":[\"0x%x leaf%u\",\"0x20 main\"]}",
                            k ? "," : "", p->size[k], p->total[k], 0x100 + k, k);
  g_string_append (text, "],\"modules\":[]}}");
  return g_string_free (text, FALSE);
}

/* The whole reply message, as a recording keeps it. */
static inline GBytes *
ms_test_reply_for (const TestProfile *p,
                   guint              i)
{
  g_autofree char *result = ms_test_profile_result (p);
  char *text = g_strdup_printf ("{\"id\":%u,\"result\":%s}", i + 1, result);

  return g_bytes_new_take (text, strlen (text));
}

static inline double
ms_test_nodes_at (guint second)
{
  return 100 + 3 * second + second % 4;
}

static inline void
ms_test_write_recording (const char        *path,
                         const TestProfile *profiles)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (path, &error);
  g_autoptr(JsonObject) target = json_object_new ();
  const char *alarm_stack[] = { "0x100 leaf0", "0x20 main", NULL };
  guint next = 0;

  g_assert_no_error (error);
  json_object_set_string_member (target, "url", "http://127.0.0.1/page");
  g_assert_true (ms_recording_writer_append_metadata (writer, T0, NULL, target, NULL, &error));
  for (guint s = 0; s <= N_SECONDS; s++)
    {
      g_autofree char *text = g_strdup_printf ("{\"id\":7,\"result\":{\"documents\":%u,"
                                               "\"nodes\":%.0f,\"jsEventListeners\":%u}}",
                                               1 + s / 20, ms_test_nodes_at (s), 10 + s / 2);
      g_autoptr(GBytes) counters = g_bytes_new (text, strlen (text));

      g_assert_true (ms_recording_writer_append_counters (writer, T0 + s * G_USEC_PER_SEC,
                                                          counters, &error));
      for (; next < N_PROFILES && profiles[next].time_us < T0 + (s + 1) * G_USEC_PER_SEC; next++)
        {
          g_autoptr(GBytes) reply = ms_test_reply_for (&profiles[next], next);

          g_assert_true (ms_recording_writer_append_profile (writer, profiles[next].time_us,
                                                             "Memory.getSamplingProfile", reply,
                                                             profiles[next].n_samples,
                                                             ms_test_sum_totals (&profiles[next]),
                                                             &error));
        }
    }
  g_assert_true (ms_recording_writer_append_action (writer, T0 + 25 * G_USEC_PER_SEC, "purge", NULL, &error));
  g_assert_true (ms_recording_writer_append_alarm (writer, T0 + 42 * G_USEC_PER_SEC, 4096, 8192,
                                                   alarm_stack, &error));
  g_assert_true (ms_recording_writer_close (writer, &error));
  g_assert_no_error (error);
}

G_END_DECLS
