/* ms-ui-test-window.h: finding what the window shows, for the window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ms-window.h"

G_BEGIN_DECLS

/* Every label's text under @widget, as shown (markup already applied), in tree order. */
GPtrArray        *ms_test_collect_labels     (GtkWidget  *widget);
gboolean          ms_test_shows_text         (GtkWidget  *widget,
                                              const char *text);
/* Whether @texts appear one after the other among the labels under @widget. */
gboolean          ms_test_shows_sequence     (GtkWidget          *widget,
                                              const char * const *texts);
/* A toast whose title starts with @prefix is shown. */
gboolean          ms_test_shows_toast        (MsWindow   *window,
                                              const char *prefix);
gboolean          ms_test_shows_page         (MsWindow   *window,
                                              const char *name);
/* The visible question dialog over @parent, or NULL. */
AdwMessageDialog *ms_test_find_message_dialog (GtkWindow *parent);
/* Answers the question over @window (which must be there) with @response. */
void              ms_test_answer_dialog      (MsWindow   *window,
                                              const char *response);
/* The visible file chooser over @parent, or NULL. */
GtkWindow        *ms_test_find_file_chooser  (GtkWindow *parent);
/* Saves a copy of what @window shows to @file and waits for it; the error, or NULL. */
GError           *ms_test_save_window        (MsWindow  *window,
                                              GFile     *file);

/* Waits for @widget's window to lay out and paint a frame begun after the call. */
void              ms_test_wait_for_frame     (GtkWidget  *widget);
/* @widget (mapped) as shown once a frame has been painted. */
GdkTexture       *ms_test_take_screenshot    (GtkWidget  *widget);
/* With $MEMSCOPE_SCREENSHOT_DIR set, @widget as shown into NAME there (PNG), once a
 * frame has been painted; the folder is made when missing. */
void              ms_test_save_screenshot    (GtkWidget  *widget,
                                              const char *name);
/* With $MEMSCOPE_SCREENSHOT_DIR set, @texture into NAME there (PNG). */
void              ms_test_save_texture       (GdkTexture *texture,
                                              const char *name);
/* Removes @path and everything under it (a test's folder). */
void              ms_test_remove_tree        (const char *path);

G_END_DECLS
