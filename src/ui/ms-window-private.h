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

#include <glib/gi18n.h>

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
  AdwStatusPage        *empty_page;
  char                 *empty_description;  /* the start page's own, while no error replaces it */
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
  /* The alarm's and the histogram's settings (ms-window-tools.c) */
  AdwComboRow          *alarm_unit_row;
  AdwActionRow         *alarm_bytes_row;
  AdwActionRow         *alarm_blocks_row;
  AdwActionRow         *alarm_block_size_row;
  GtkSpinButton        *alarm_blocks_spin;
  GtkSpinButton        *alarm_block_size_spin;
  GtkSpinButton        *alarm_ignore_spin;
  GtkSpinButton        *histogram_block_spin;
  /* Leak detection: baseline, now and delta of every counter (ms-window-tools.c) */
  GtkColumnView        *leak_view;
  GtkStringList        *leak_names;      /* the rows: counter names */
  GHashTable           *leak_baseline;   /* name → gint64*, or NULL before "Set Baseline" */
  GHashTable           *leak_now;        /* name → gint64*, or NULL before "Count Now" */
  GtkLabel             *leak_status;
  GtkSwitch            *suppress_switch; /* win.suppress-pressure */

  GSettings            *settings;

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
  GListModel           *toast_children;  /* the toast overlay's, observed to name buttons */
  GFile                *export_folder;   /* where the last export went: the next starts there */
  guint                 n_toasted_alarms;
  gboolean              follow_latest;   /* new profiles replace the shown snapshot */
  GMutex                snapshot_lock;   /* one snapshot load from a file at a time */

  /* The recording file (ms-window-recording.c) */
  int                   recording_lock;  /* flock()ed while recording into it, or -1 */
  gboolean              record_on_connect;
  char                 *connect_target;  /* target id or URL substring to attach to */
  GQueue                interrupted;     /* GFile: interrupted recordings still to offer */
};

/* ms-window.c */
void ms_window_clear_list        (GtkListBox     *list);
/* Shows @profile (profile @index of what is shown), its views built off the main thread. */
void ms_window_show_profile      (MsWindow       *self,
                                  MsProfile      *profile,
                                  guint           index,
                                  gint64          time_us);
/* Builds the views of the shown profile again (a view setting changed). */
void ms_window_rebuild_views     (MsWindow       *self);
void ms_window_show_error        (MsWindow       *self,
                                  const char     *prefix,
                                  const GError   *error);
/* Toast titles are markup: the text is escaped here. */
void ms_window_toast             (MsWindow       *self,
                                  const char     *format,
                                  ...) G_GNUC_PRINTF (2, 3);
/* The error (the start page keeps it until the next attempt), then back to the start
 * page without the live target. */
void ms_window_end_live          (MsWindow       *self,
                                  const char     *prefix,
                                  const GError   *error);
void ms_window_clear_start_error (MsWindow       *self);
typedef void (*MsWindowConfirmedFunc) (MsWindow *self,
                                       gpointer  data);
/* One button of ms_window_ask(); the table ends with a NULL @id. */
typedef struct
{
  const char          *id;
  const char          *label;
  AdwResponseAppearance appearance;
} MsWindowResponse;
typedef void (*MsWindowAnsweredFunc) (MsWindow   *self,
                                      const char *response,
                                      gpointer    data);
/* The one question dialog: @responses[0] is the close (Escape) and default response;
 * @callback gets the answer, @data lives as long as the dialog. */
AdwMessageDialog *ms_window_ask  (MsWindow               *self,
                                  const char             *heading,
                                  const char             *body,
                                  const MsWindowResponse *responses,
                                  MsWindowAnsweredFunc    callback,
                                  gpointer                data,
                                  GDestroyNotify          destroy_data);
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

/* ms-window-recording.c: the recording file */
void ms_window_class_init_recording (GtkWidgetClass *widget_class);
/* Where new recordings go: the recording-folder setting, else
 * $XDG_DATA_HOME/memscope/recordings. */
char *ms_window_dup_recordings_dir (MsWindow     *self);
/* Gives the new recorder its file in the recordings folder (and locks it); FALSE with
 * the error when there is none (the recording then stays in memory). */
gboolean ms_window_set_recording_file (MsWindow  *self,
                                       GError   **error);
/* Locks the file once recording started: an unlocked, unclosed file is interrupted. */
void ms_window_lock_recording_file    (MsWindow  *self);
void ms_window_release_recording_file (MsWindow  *self);
/* Whether a recording is running (or starting, or stopping). */
gboolean ms_window_is_recording  (MsWindow       *self);
/* Runs @then at once when nothing is recording; else asks keep / discard / cancel,
 * stops the recording (Memory.stopSampling), deletes its file on discard, and runs
 * @then, which gets @data (freed with @destroy_data, also on cancel). */
void ms_window_end_recording_then (MsWindow              *self,
                                   MsWindowConfirmedFunc  then,
                                   gpointer               data,
                                   GDestroyNotify         destroy_data);
/* Copies @from to @to: a temporary file beside @to, renamed over it once whole; never
 * over @from itself or a file that is not a session. Finished by
 * ms_window_save_to_file_finish(). */
void ms_window_copy_file_async   (MsWindow            *self,
                                  GFile               *from,
                                  GFile               *to,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);

/* ms-window-tools.c: leak detection, pressure, the alarm's and histogram's settings */
void ms_window_class_init_tools  (GtkWidgetClass *widget_class);
void ms_window_init_tools        (MsWindow       *self);
void ms_window_finalize_tools    (MsWindow       *self);
/* Arms the recorder's alarm from the settings; @with_ignore also restarts the count of
 * firings to skip. */
void ms_window_apply_alarm       (MsWindow       *self,
                                  gboolean        with_ignore);
guint ms_window_get_histogram_bytes_per_block (MsWindow *self);
void ms_window_clear_leaks       (MsWindow       *self);
/* Binds the enum @key to @widget's "selected", its items in the order of @nicks (static). */
void ms_window_bind_enum_selected (GSettings          *settings,
                                   const char         *key,
                                   gpointer            widget,
                                   const char * const *nicks);

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
