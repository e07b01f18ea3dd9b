/* ms-window-export.h: what the window shows, written to a file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-window.h"

G_BEGIN_DECLS

/* By the nick win.export takes: "svg", "png", "folded", "counters-csv", "histogram-csv". */
typedef enum
{
  MS_WINDOW_EXPORT_FLAME_SVG,
  MS_WINDOW_EXPORT_FLAME_PNG,
  MS_WINDOW_EXPORT_FOLDED,
  MS_WINDOW_EXPORT_COUNTERS_CSV,
  MS_WINDOW_EXPORT_HISTOGRAM_CSV,
} MsWindowExport;

gboolean ms_window_export_from_nick  (const char          *nick,
                                      MsWindowExport      *format);
/* Writes @format to @file, atomically: a failed export leaves the file as it was. The
 * flame graph as PNG is the widget as drawn now (zoom, search highlights). */
void     ms_window_export_async      (MsWindow            *self,
                                      MsWindowExport       format,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean ms_window_export_finish     (MsWindow            *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* What the file chooser's response runs: the export, then a toast naming the file or
 * the error. */
void     ms_window_export_to_file    (MsWindow            *self,
                                      MsWindowExport       format,
                                      GFile               *file);

/* win.export (a nick above): asks for a file, then ms_window_export_to_file(). */
void     ms_window_class_init_export_actions (GtkWidgetClass *widget_class);

G_END_DECLS
