/* ms-alarm-list.h: the allocation alarms a recording or session file holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MsAlarmEvent:
 * @time_us: when the alarm fired (microseconds since the epoch)
 * @size: bytes the new allocation site holds
 * @total: bytes it holds with its callees
 * @stack: (array zero-terminated=1): the frames, leaf first, as the protocol wrote them
 *
 * One fired alarm, as saved.
 */
typedef struct
{
  gint64   time_us;
  guint64  size;
  guint64  total;
  char   **stack;
} MsAlarmEvent;

#define MS_TYPE_ALARM_LIST (ms_alarm_list_get_type ())

G_DECLARE_FINAL_TYPE (MsAlarmList, ms_alarm_list, MS, ALARM_LIST, GObject)

MsAlarmList        *ms_alarm_list_new          (void);
/* @stack: NULL-terminated, NULL for none; copied. */
void                ms_alarm_list_add          (MsAlarmList        *self,
                                                gint64              time_us,
                                                guint64             size,
                                                guint64             total,
                                                const char * const *stack);
guint               ms_alarm_list_get_n_events (MsAlarmList        *self);
/* Valid until the list changes or goes away. */
const MsAlarmEvent *ms_alarm_list_get_event    (MsAlarmList        *self,
                                                guint               index);

G_END_DECLS
