/* ms-allocation-alarm.h: fires on newly appeared large sampled allocations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ms-profile.h"

G_BEGIN_DECLS

#define MS_TYPE_ALLOCATION_ALARM (ms_allocation_alarm_get_type ())

G_DECLARE_FINAL_TYPE (MsAllocationAlarm, ms_allocation_alarm, MS, ALLOCATION_ALARM, GObject)

MsAllocationAlarm *ms_allocation_alarm_new            (void);
void               ms_allocation_alarm_arm_bytes      (MsAllocationAlarm *self,
                                                       guint64            min_bytes);
void               ms_allocation_alarm_arm_blocks     (MsAllocationAlarm *self,
                                                       guint              n_blocks,
                                                       guint              bytes_per_block);
void               ms_allocation_alarm_disarm         (MsAllocationAlarm *self);
void               ms_allocation_alarm_ignore         (MsAllocationAlarm *self,
                                                       guint              n);
gboolean           ms_allocation_alarm_get_armed      (MsAllocationAlarm *self);
guint64            ms_allocation_alarm_get_min_bytes  (MsAllocationAlarm *self);
guint              ms_allocation_alarm_get_ignore_count (MsAllocationAlarm *self);
guint              ms_allocation_alarm_check          (MsAllocationAlarm *self,
                                                       MsProfile         *profile);
void               ms_allocation_alarm_reset          (MsAllocationAlarm *self);

typedef struct _MsAllocationAlarmCheck MsAllocationAlarmCheck;

MsAllocationAlarmCheck *ms_allocation_alarm_begin_check   (MsAllocationAlarm      *self);
void                    ms_allocation_alarm_check_compute (MsAllocationAlarmCheck *check,
                                                           MsProfile              *profile);
guint                   ms_allocation_alarm_end_check     (MsAllocationAlarm      *self,
                                                           MsAllocationAlarmCheck *check);
void                    ms_allocation_alarm_check_free    (MsAllocationAlarmCheck *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsAllocationAlarmCheck, ms_allocation_alarm_check_free)

G_END_DECLS
