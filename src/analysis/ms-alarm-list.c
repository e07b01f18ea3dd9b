/* ms-alarm-list.c: the allocation alarms a recording or session file holds
 *
 * One list type for both file formats, so that what shows alarms (the window's
 * list, `memscope-cli demo`) reads them one way whichever file they came from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include "ms-alarm-list.h"

struct _MsAlarmList
{
  GObject  parent_instance;

  GArray  *events;   /* MsAlarmEvent */
};

G_DEFINE_FINAL_TYPE (MsAlarmList, ms_alarm_list, G_TYPE_OBJECT)

static void
clear_event (gpointer data)
{
  MsAlarmEvent *event = data;

  g_clear_pointer (&event->stack, g_strfreev);
}

static void
ms_alarm_list_finalize (GObject *object)
{
  MsAlarmList *self = MS_ALARM_LIST (object);

  g_clear_pointer (&self->events, g_array_unref);

  G_OBJECT_CLASS (ms_alarm_list_parent_class)->finalize (object);
}

static void
ms_alarm_list_class_init (MsAlarmListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_alarm_list_finalize;
}

static void
ms_alarm_list_init (MsAlarmList *self)
{
  self->events = g_array_new (FALSE, TRUE, sizeof (MsAlarmEvent));
  g_array_set_clear_func (self->events, clear_event);
}

MsAlarmList *
ms_alarm_list_new (void)
{
  return g_object_new (MS_TYPE_ALARM_LIST, NULL);
}

void
ms_alarm_list_add (MsAlarmList        *self,
                   gint64              time_us,
                   guint64             size,
                   guint64             total,
                   const char * const *stack)
{
  MsAlarmEvent event = { time_us, size, total, NULL };

  g_return_if_fail (MS_IS_ALARM_LIST (self));

  event.stack = stack != NULL ? g_strdupv ((char **) stack) : g_new0 (char *, 1);
  g_array_append_val (self->events, event);
}

guint
ms_alarm_list_get_n_events (MsAlarmList *self)
{
  g_return_val_if_fail (MS_IS_ALARM_LIST (self), 0);

  return self->events->len;
}

const MsAlarmEvent *
ms_alarm_list_get_event (MsAlarmList *self,
                         guint        index)
{
  g_return_val_if_fail (MS_IS_ALARM_LIST (self), NULL);
  g_return_val_if_fail (index < self->events->len, NULL);

  return &g_array_index (self->events, MsAlarmEvent, index);
}
