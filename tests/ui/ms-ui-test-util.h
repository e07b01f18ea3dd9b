/* ms-ui-test-util.h: helpers shared by the window and widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ms-profile.h"

G_BEGIN_DECLS

typedef gboolean (*MsTestCondition) (gpointer user_data);

static gboolean
ms_test_wake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @condition holds or @timeout_s pass; returns the condition. */
static inline gboolean
ms_test_wait_for (MsTestCondition condition,
                  gpointer        user_data,
                  guint           timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (50, ms_test_wake, NULL);
  gboolean ok;

  while (!(ok = condition (user_data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake_id);

  return ok;
}

static gboolean
ms_test_true_after (gpointer user_data)
{
  return g_get_monotonic_time () > *(gint64 *) user_data;
}

/* Lets the window map, allocate and draw. */
static inline void
ms_test_settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  ms_test_wait_for (ms_test_true_after, &until, 1 + ms / 1000);
}

static inline char *
ms_test_fixture_path (const char *name)
{
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");

  if (dir == NULL)
    return NULL;
  return g_build_filename (dir, "small", name, NULL);
}

static inline MsProfile *
ms_test_load_fixture_profile (void)
{
  g_autofree char *path = ms_test_fixture_path ("getSamplingProfile.json");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  MsProfile *profile;

  g_assert_nonnull (path);
  file = g_file_new_for_path (path);
  profile = ms_profile_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);

  return profile;
}

G_END_DECLS
