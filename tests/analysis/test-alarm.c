/* test-alarm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libglib-testing/signal-logger.h>

#include "ms-allocation-alarm.h"

#include "test-util.h"

static MsProfile *
profile_from (const char *samples)
{
  g_autofree char *json = g_strdup_printf ("{\"samples\":[%s],\"modules\":[]}", samples);
  g_autoptr(GError) error = NULL;
  MsProfile *profile = ms_profile_new_from_data (json, strlen (json), &error);

  g_assert_no_error (error);
  return profile;
}

/* Pops the next signal off @signals: "fired" on @alarm for a sample of @profile of
 * @size bytes. */
static void
pop_fired (GtSignalLogger    *signals,
           MsAllocationAlarm *alarm,
           MsProfile         *profile,
           guint64            size)
{
  g_autoptr(MsProfile) fired_profile = NULL;
  guint sample = G_MAXUINT;
  guint64 fired_size = 0;

  gt_signal_logger_assert_emission_pop (signals, alarm, "fired", &fired_profile, &sample);
  g_assert_true (fired_profile == profile);
  g_assert_cmpuint (sample, <, ms_profile_get_n_samples (profile));
  ms_profile_get_sample (profile, sample, &fired_size, NULL, NULL);
  g_assert_cmpuint (fired_size, ==, size);
}

#define A(size) "{\"size\":" #size ",\"total\":" #size ",\"stack\":[\"0x10 a\",\"0x20 main\"]}"
#define B(size) "{\"size\":" #size ",\"total\":" #size ",\"stack\":[\"0x11 b\",\"0x20 main\"]}"

typedef guint (*CheckFunc) (MsAllocationAlarm *alarm,
                            MsProfile         *profile);

/* The synthetic script, checking each profile with @check; leaves p1 as the
 * baseline, armed at 1 byte. */
static void
run_synthetic (MsAllocationAlarm *alarm,
               GtSignalLogger    *signals,
               CheckFunc          check,
               MsProfile        **p)
{
  MsProfile *p0 = p[0], *p1 = p[1], *p2 = p[2], *p3 = p[3], *p4 = p[4];

  ms_allocation_alarm_arm_blocks (alarm, 256, 16);
  g_assert_cmpuint (ms_allocation_alarm_get_min_bytes (alarm), ==, 4096);

  /* the first profile is the baseline */
  g_assert_cmpuint (check (alarm, p0), ==, 0);
  gt_signal_logger_assert_no_emissions (signals);
  /* A(8192) is new and big; B(50) new but small */
  g_assert_cmpuint (check (alarm, p1), ==, 1);
  pop_fired (signals, alarm, p1, 8192);
  gt_signal_logger_assert_no_emissions (signals);
  /* A(4096) went from 1 to 3 occurrences: fires twice; A(8192) is not new */
  g_assert_cmpuint (check (alarm, p2), ==, 2);
  pop_fired (signals, alarm, p2, 4096);
  pop_fired (signals, alarm, p2, 4096);
  gt_signal_logger_assert_no_emissions (signals);
  /* back down: nothing appeared */
  g_assert_cmpuint (check (alarm, p3), ==, 0);
  gt_signal_logger_assert_no_emissions (signals);

  /* ignore skips the first new one, in sample order */
  ms_allocation_alarm_ignore (alarm, 1);
  g_assert_cmpuint (check (alarm, p4), ==, 2);
  pop_fired (signals, alarm, p4, 9000);
  pop_fired (signals, alarm, p4, 10000);
  gt_signal_logger_assert_no_emissions (signals);
  g_assert_cmpuint (ms_allocation_alarm_get_ignore_count (alarm), ==, 0);

  /* disarmed: no firing, the baseline still moves; disarming resets ignore */
  ms_allocation_alarm_ignore (alarm, 5);
  ms_allocation_alarm_disarm (alarm);
  g_assert_cmpuint (ms_allocation_alarm_get_ignore_count (alarm), ==, 0);
  g_assert_cmpuint (check (alarm, p0), ==, 0);
  gt_signal_logger_assert_no_emissions (signals);
  ms_allocation_alarm_arm_bytes (alarm, 1);
  g_assert_cmpuint (check (alarm, p1), ==, 2);
  /* new against p0, in sample order: A(8192), B(50) */
  pop_fired (signals, alarm, p1, 8192);
  pop_fired (signals, alarm, p1, 50);
  gt_signal_logger_assert_no_emissions (signals);
}

static void
make_synthetic (MsProfile **p)
{
  p[0] = profile_from (A (4096) "," B (100));
  p[1] = profile_from (A (4096) "," B (100) "," A (8192) "," B (50));
  p[2] = profile_from (A (4096) "," A (4096) "," A (4096) "," B (100) "," A (8192));
  p[3] = profile_from (A (4096) "," B (100));
  p[4] = profile_from (A (4096) "," B (100) "," B (9000) "," A (9000) "," B (10000));
}

static void
free_synthetic (MsProfile **p)
{
  for (guint i = 0; i < 5; i++)
    g_clear_object (&p[i]);
}

static void
test_synthetic (void)
{
  g_autoptr(MsAllocationAlarm) alarm = ms_allocation_alarm_new ();
  g_autoptr(GtSignalLogger) signals = gt_signal_logger_new ();
  MsProfile *p[5];

  make_synthetic (p);
  gt_signal_logger_connect (signals, alarm, "fired");
  run_synthetic (alarm, signals, ms_allocation_alarm_check, p);
  free_synthetic (p);
}

typedef struct
{
  MsAllocationAlarmCheck *check;
  MsProfile              *profile;
} Pass;

static gpointer
compute_thread (gpointer data)
{
  Pass *pass = data;

  ms_allocation_alarm_check_compute (pass->check, pass->profile);
  return NULL;
}

static void
compute_on_thread (MsAllocationAlarmCheck *check,
                   MsProfile              *profile)
{
  Pass pass = { check, profile };

  g_thread_join (g_thread_new ("alarm-check", compute_thread, &pass));
}

/* ms_allocation_alarm_check() with the pass over the samples on another thread,
 * as the recorder does it; returns what ms_allocation_alarm_end_check() returns. */
static guint
check_off_thread (MsAllocationAlarm *alarm,
                  MsProfile         *profile)
{
  g_autoptr(MsAllocationAlarmCheck) check = ms_allocation_alarm_begin_check (alarm);

  compute_on_thread (check, profile);
  return ms_allocation_alarm_end_check (alarm, check);
}

/* The same script as /synthetic, each pass on a thread of its own: the same
 * events, in the same order; then the alarm changed while a pass runs. */
static void
test_off_main_thread (void)
{
  g_autoptr(MsAllocationAlarm) alarm = ms_allocation_alarm_new ();
  g_autoptr(GtSignalLogger) signals = gt_signal_logger_new ();
  MsProfile *p[5];
  MsProfile *p1, *p2, *p3, *p4;

  make_synthetic (p);
  p1 = p[1], p2 = p[2], p3 = p[3], p4 = p[4];
  gt_signal_logger_connect (signals, alarm, "fired");
  run_synthetic (alarm, signals, check_off_thread, p);

  /* disarmed while the pass runs: ending it moves the baseline without firing */
  {
    g_autoptr(MsAllocationAlarmCheck) check = ms_allocation_alarm_begin_check (alarm);

    compute_on_thread (check, p1);
    ms_allocation_alarm_disarm (alarm);
    g_assert_cmpuint (ms_allocation_alarm_end_check (alarm, check), ==, 0);
    gt_signal_logger_assert_no_emissions (signals);
  }
  /* armed at 1 byte after the pass began: what is new against p1 at ending */
  {
    g_autoptr(MsAllocationAlarmCheck) check = ms_allocation_alarm_begin_check (alarm);

    ms_allocation_alarm_arm_bytes (alarm, 1);
    compute_on_thread (check, p4);
    g_assert_cmpuint (ms_allocation_alarm_end_check (alarm, check), ==, 3);
    /* p4 against p1: B(9000), A(9000), B(10000) are new; A(4096), B(100) were there */
    pop_fired (signals, alarm, p4, 9000);
    pop_fired (signals, alarm, p4, 9000);
    pop_fired (signals, alarm, p4, 10000);
    gt_signal_logger_assert_no_emissions (signals);
  }
  /* reset while the pass runs: the profile becomes the baseline, nothing fires */
  {
    g_autoptr(MsAllocationAlarmCheck) check = ms_allocation_alarm_begin_check (alarm);

    compute_on_thread (check, p2);
    ms_allocation_alarm_reset (alarm);
    g_assert_cmpuint (ms_allocation_alarm_end_check (alarm, check), ==, 0);
    gt_signal_logger_assert_no_emissions (signals);
  }
  /* two passes begun against p2; the first ends with p3 as baseline, so the second
   * (p1) is compared with p3: A(8192) and B(50) are new */
  {
    g_autoptr(MsAllocationAlarmCheck) first = ms_allocation_alarm_begin_check (alarm);
    g_autoptr(MsAllocationAlarmCheck) second = ms_allocation_alarm_begin_check (alarm);

    compute_on_thread (second, p1);
    compute_on_thread (first, p3);
    g_assert_cmpuint (ms_allocation_alarm_end_check (alarm, first), ==, 0);
    g_assert_cmpuint (ms_allocation_alarm_end_check (alarm, second), ==, 2);
    pop_fired (signals, alarm, p1, 8192);
    pop_fired (signals, alarm, p1, 50);
    gt_signal_logger_assert_no_emissions (signals);
  }
  free_synthetic (p);
}

/* an allocation made and freed between two polls is in neither profile */
static void
test_freed_between_polls (void)
{
  g_autoptr(MsAllocationAlarm) alarm = ms_allocation_alarm_new ();
  g_autoptr(MsProfile) before = profile_from (A (100));
  g_autoptr(MsProfile) after = profile_from (A (100));

  ms_allocation_alarm_arm_bytes (alarm, 1);
  ms_allocation_alarm_check (alarm, before);
  g_assert_cmpuint (ms_allocation_alarm_check (alarm, after), ==, 0);
}

static GHashTable *
identity_counts (TestProfile *tp)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < json_array_get_length (tp->samples); i++)
    {
      JsonObject *s = json_array_get_object_element (tp->samples, i);
      JsonArray *stack = json_object_get_array_member (s, "stack");
      GString *key = g_string_new (NULL);
      guint n;

      if (test_sample_is_v8_heap (s))
        {
          g_string_free (key, TRUE);
          continue;
        }
      g_string_append_printf (key, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                              json_object_get_int_member (s, "size"), json_object_get_int_member (s, "total"));
      for (guint k = 0; k < json_array_get_length (stack); k++)
        {
          const char *f = json_array_get_string_element (stack, k);
          g_string_append_c (key, '/');
          g_string_append_len (key, f, strcspn (f, " "));
        }
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key->str));
      g_hash_table_insert (counts, g_string_free (key, FALSE), GUINT_TO_POINTER (n + 1));
    }

  return counts;
}

static void
test_fixtures (void)
{
  g_autoptr(GBytes) b0 = test_load_fixture ("small/getSamplingProfile.json");
  g_autoptr(GBytes) b1 = test_load_fixture ("small/getAllTimeSamplingProfile.json");
  g_autoptr(MsProfile) p0 = ms_profile_new_from_bytes (b0, NULL);
  g_autoptr(MsProfile) p1 = ms_profile_new_from_bytes (b1, NULL);
  g_auto(TestProfile) t0 = { 0, };
  g_auto(TestProfile) t1 = { 0, };
  g_autoptr(GHashTable) c0 = NULL;
  g_autoptr(GHashTable) c1 = NULL;
  guint64 mins[] = { 0, 1024, 8192, 65536 };

  test_profile_load_bytes (&t0, b0);
  test_profile_load_bytes (&t1, b1);
  c0 = identity_counts (&t0);
  c1 = identity_counts (&t1);

  for (guint m = 0; m < G_N_ELEMENTS (mins); m++)
    {
      g_autoptr(MsAllocationAlarm) alarm = ms_allocation_alarm_new ();
      GHashTableIter iter;
      gpointer key, value;
      guint want = 0;

      g_hash_table_iter_init (&iter, c1);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint before = GPOINTER_TO_UINT (g_hash_table_lookup (c0, key));
          guint now = GPOINTER_TO_UINT (value);

          if (g_ascii_strtoull (key, NULL, 10) >= mins[m] && now > before)
            want += now - before;
        }

      ms_allocation_alarm_arm_bytes (alarm, mins[m]);
      ms_allocation_alarm_check (alarm, p0);
      g_assert_cmpuint (ms_allocation_alarm_check (alarm, p1), ==, want);
      g_test_message ("min %" G_GUINT64_FORMAT ": %u newly appeared", mins[m], want);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/allocation-alarm/synthetic", test_synthetic);
  g_test_add_func ("/memscope/allocation-alarm/off-main-thread", test_off_main_thread);
  g_test_add_func ("/memscope/allocation-alarm/freed-between-polls", test_freed_between_polls);
  g_test_add_func ("/memscope/allocation-alarm/fixtures", test_fixtures);

  return g_test_run ();
}
