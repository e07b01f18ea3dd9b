/* ms-ui-test-input.h: real input events for widget tests, through the X server
 *
 * The events go through Xvfb (the XTEST extension) and come back to GTK as any user's
 * would: the widgets' controllers, key bindings and focus handling all take part.
 * libXtst is loaded at run time: Debian ships its library without development headers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <dlfcn.h>

#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#include <X11/keysym.h>

#include "ms-ui-test-util.h"

G_BEGIN_DECLS

typedef int (*MsTestFakeKey)    (Display *, unsigned int, Bool, unsigned long);
typedef int (*MsTestFakeButton) (Display *, unsigned int, Bool, unsigned long);
typedef int (*MsTestFakeMotion) (Display *, int, int, int, unsigned long);

typedef struct
{
  Display         *display;
  MsTestFakeKey    key;
  MsTestFakeButton button;
  MsTestFakeMotion motion;
} MsTestInput;

static inline MsTestInput *
ms_test_input (void)
{
  static MsTestInput input;
  GdkDisplay *display;
  void *xtst;

  if (input.display != NULL)
    return &input;
  display = gdk_display_get_default ();
  g_assert_true (GDK_IS_X11_DISPLAY (display));
  xtst = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_LOCAL);
  g_assert_nonnull (xtst);
  input.key = (MsTestFakeKey) dlsym (xtst, "XTestFakeKeyEvent");
  input.button = (MsTestFakeButton) dlsym (xtst, "XTestFakeButtonEvent");
  input.motion = (MsTestFakeMotion) dlsym (xtst, "XTestFakeMotionEvent");
  g_assert_true (input.key && input.button && input.motion);
  input.display = gdk_x11_display_get_xdisplay (display);
  return &input;
}

/* Lets the server deliver what was sent, and GTK handle it. */
static inline void
ms_test_input_flush (void)
{
  XSync (ms_test_input ()->display, False);
  ms_test_settle (60);
}

/* Moves the pointer to (@x, @y) of @widget. */
static inline void
ms_test_pointer_move (GtkWidget *widget,
                      double     x,
                      double     y)
{
  MsTestInput *input = ms_test_input ();
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t point;
  double sx, sy;
  int root_x, root_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &sx, &sy);
  XTranslateCoordinates (input->display,
                         gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                         DefaultRootWindow (input->display),
                         (int) (point.x + sx), (int) (point.y + sy), &root_x, &root_y, &child);
  input->motion (input->display, -1, root_x, root_y, CurrentTime);
  ms_test_input_flush ();
}

static inline void
ms_test_button (gboolean press)
{
  MsTestInput *input = ms_test_input ();

  input->button (input->display, 1, press, CurrentTime);
  ms_test_input_flush ();
}

static inline void
ms_test_click (GtkWidget *widget,
               double     x,
               double     y)
{
  ms_test_pointer_move (widget, x, y);
  ms_test_button (TRUE);
  ms_test_button (FALSE);
}

/* Presses and releases @keysym, with Control held when @control. */
static inline void
ms_test_key (KeySym   keysym,
             gboolean control)
{
  MsTestInput *input = ms_test_input ();
  KeyCode ctrl = XKeysymToKeycode (input->display, XK_Control_L);
  KeyCode code = XKeysymToKeycode (input->display, keysym);

  g_assert_cmpuint (code, !=, 0);
  if (control)
    input->key (input->display, ctrl, True, CurrentTime);
  input->key (input->display, code, True, CurrentTime);
  input->key (input->display, code, False, CurrentTime);
  if (control)
    input->key (input->display, ctrl, False, CurrentTime);
  ms_test_input_flush ();
}

static inline void
ms_test_key_hold (KeySym   keysym,
                  gboolean press)
{
  MsTestInput *input = ms_test_input ();

  input->key (input->display, XKeysymToKeycode (input->display, keysym), press, CurrentTime);
  ms_test_input_flush ();
}

/* Gives @window the X keyboard focus, as a window manager would on a click. */
static inline void
ms_test_focus_window (GtkWindow *window)
{
  MsTestInput *input = ms_test_input ();
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  XSetInputFocus (input->display, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  ms_test_input_flush ();
}

G_END_DECLS
