/* test-alarm-list.c: the alarm list both file formats hand out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ms-alarm-list.h"

/* Events come back in the order added, with copies of their stacks; a missing stack
 * is an empty one. */
static void
test_add_and_read (void)
{
  g_autoptr(MsAlarmList) list = ms_alarm_list_new ();
  char *stack[] = { g_strdup ("0x1 leaf"), g_strdup ("0x2 root"), NULL };
  const MsAlarmEvent *event;

  g_assert_cmpuint (ms_alarm_list_get_n_events (list), ==, 0);
  ms_alarm_list_add (list, 1700000000000001, 4096, 8192, (const char * const *) stack);
  ms_alarm_list_add (list, 1700000000000002, 1, 2, NULL);
  /* The list holds its own copy. */
  g_free (stack[0]);
  stack[0] = g_strdup ("changed");

  g_assert_cmpuint (ms_alarm_list_get_n_events (list), ==, 2);
  event = ms_alarm_list_get_event (list, 0);
  g_assert_cmpint (event->time_us, ==, 1700000000000001);
  g_assert_cmpuint (event->size, ==, 4096);
  g_assert_cmpuint (event->total, ==, 8192);
  g_assert_cmpstr (event->stack[0], ==, "0x1 leaf");
  g_assert_cmpstr (event->stack[1], ==, "0x2 root");
  g_assert_null (event->stack[2]);

  event = ms_alarm_list_get_event (list, 1);
  g_assert_cmpint (event->time_us, ==, 1700000000000002);
  g_assert_cmpuint (event->size, ==, 1);
  g_assert_cmpuint (event->total, ==, 2);
  g_assert_nonnull (event->stack);
  g_assert_null (event->stack[0]);

  g_free (stack[0]);
  g_free (stack[1]);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/alarm-list/add-and-read", test_add_and_read);

  return g_test_run ();
}
