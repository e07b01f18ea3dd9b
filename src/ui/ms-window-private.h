/* ms-window-private.h: what ms-window.c and ms-window-actions.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-flame-view.h"
#include "ms-live-target.h"
#include "ms-session-file.h"
#include "ms-size-histogram.h"
#include "ms-snapshot-timeline.h"
#include "ms-window.h"

G_BEGIN_DECLS

struct _MsWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkButton            *record_button;
  AdwButtonContent     *record_button_content;
  GtkStack             *main_stack;
  AdwStatusPage        *busy_page;
  GtkSpinner           *busy_spinner;
  AdwStatusPage        *targets_page;
  GtkListBox           *targets_list;
  AdwEntryRow          *url_row;
  GtkSwitch            *show_browser_switch;
  AdwEntryRow          *endpoint_row;
  AdwViewStack         *view_stack;
  GtkLabel             *session_status;
  MsCounterChart       *counter_chart;
  MsFlameView          *flame_view;
  /* the view's graph, search entry and direction, kept here for the actions and tests */
  MsFlameGraph         *flame_graph;
  GtkSearchEntry       *flame_search;
  GtkDropDown          *flame_direction;
  GtkLabel             *flame_status;
  MsHistogramView      *histogram_view;
  GtkSpinButton        *alarm_spin;
  GtkSwitch            *alarm_switch;
  GtkListBox           *alarms_list;
  GtkListBox           *leak_list;

  /* Live side: the page we launched or connected to, and its recording */
  GCancellable         *cancellable;     /* launching, connecting, commands */
  MsLiveTarget         *live;
  MsRecorder           *recorder;

  /* What is shown: the latest profile's views, built off the main thread */
  GCancellable         *view_cancellable;
  guint                 view_generation;
  MsProfile            *shown_profile;   /* the profile the views show */
  guint                 shown_index;
  gint64                shown_time_us;
  MsSessionFile        *opened_file;     /* read-only session, or NULL */
  GFile                *opened_gfile;
  AdwToast             *alarm_toast;     /* while shown */
  gboolean              recording_saved; /* the recorder's data is in a file */
  guint                 n_toasted_alarms;
};

/* ms-window.c */
void ms_window_clear_list        (GtkListBox     *list);
void ms_window_show_error        (MsWindow       *self,
                                  const char     *prefix,
                                  const GError   *error);
/* Toast titles are markup: the text is escaped here. */
void ms_window_toast             (MsWindow       *self,
                                  const char     *format,
                                  ...) G_GNUC_PRINTF (2, 3);
/* The error, then back to the start page without the live target. */
void ms_window_end_live          (MsWindow       *self,
                                  const char     *prefix,
                                  const GError   *error);
typedef void (*MsWindowConfirmedFunc) (MsWindow *self,
                                       gpointer  data);
/* Asks before something that cannot be undone; @callback runs on @response_id only.
 * @data lives as long as the dialog. */
void ms_window_confirm           (MsWindow              *self,
                                  const char            *heading,
                                  const char            *body,
                                  const char            *response_id,
                                  const char            *response_label,
                                  MsWindowConfirmedFunc  callback,
                                  gpointer               data,
                                  GDestroyNotify         destroy_data);
void ms_window_set_busy          (MsWindow       *self,
                                  const char     *title,
                                  const char     *description);
void ms_window_show_page         (MsWindow       *self,
                                  const char     *name);
void ms_window_update_state      (MsWindow       *self);
/* Drops the live target: stops recording, closes the socket, stops our browser. */
void ms_window_close_live        (MsWindow       *self);
/* Starts recording on the connected live target with the window's settings. */
void ms_window_start_recording   (MsWindow       *self);
void ms_window_stop_recording    (MsWindow       *self);
/* Top down or bottom up, as chosen above the flame graph. */
MsFlameDirection ms_window_get_flame_direction (MsWindow *self);
void ms_window_show_alarm        (MsWindow       *self,
                                  gint64          time_us,
                                  guint64         size,
                                  const char * const *frames);

/* Shows @profile (snapshot @index of the recording) in the flame graph and histogram;
 * the views are built off the main thread. */
void ms_window_show_profile      (MsWindow       *self,
                                  MsProfile      *profile,
                                  guint           index,
                                  gint64          time_us);

/* ms-window-snapshots.c: the snapshot timeline and what follows it */
void ms_window_snapshots_class_init    (GtkWidgetClass *widget_class);
void ms_window_snapshots_init          (MsWindow       *self);
void ms_window_snapshots_clear         (MsWindow       *self);
void ms_window_snapshots_set_recorder  (MsWindow       *self,
                                        MsRecorder     *recorder);
void ms_window_snapshots_set_session_file (MsWindow    *self,
                                        MsSessionFile  *file);
/* Whether the window shows the new live profile @index (not when scrubbed back). */
gboolean ms_window_snapshots_take_newest (MsWindow     *self,
                                        guint           index);
MsSnapshotTimeline *ms_window_get_snapshot_timeline (MsWindow *self);

/* ms-window-actions.c */
void ms_window_class_init_actions (GtkWidgetClass *widget_class);
/* Takes @live (an endpoint's) and shows its targets to pick from. */
void ms_window_connect_to         (MsWindow       *self,
                                   MsLiveTarget   *live);

G_END_DECLS
