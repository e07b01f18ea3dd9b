/* ms-ui-test-timeline.h: a snapshot timeline's profile, loaded as the window loads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ms-snapshot-timeline.h"
#include "ms-ui-test-util.h"

G_BEGIN_DECLS

typedef struct
{
  MsProfile *profile;
  GError    *error;
  gboolean   done;
} MsTestLoaded;

static inline void
ms_test_on_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  MsTestLoaded *loaded = user_data;

  loaded->profile = ms_snapshot_timeline_load_profile_finish (MS_SNAPSHOT_TIMELINE (object),
                                                              result, &loaded->error);
  loaded->done = TRUE;
}

static inline gboolean
ms_test_is_loaded (gpointer user_data)
{
  return ((MsTestLoaded *) user_data)->done;
}

/* Snapshot @index's profile, through ms_snapshot_timeline_load_profile_async(). */
static inline MsProfile *
ms_test_timeline_load (MsSnapshotTimeline *timeline,
                       guint               index)
{
  MsTestLoaded loaded = { NULL, NULL, FALSE };

  ms_snapshot_timeline_load_profile_async (timeline, index, NULL, ms_test_on_loaded, &loaded);
  g_assert_true (ms_test_wait_for (ms_test_is_loaded, &loaded, 10));
  g_assert_no_error (loaded.error);
  g_assert_nonnull (loaded.profile);
  return loaded.profile;
}

G_END_DECLS
