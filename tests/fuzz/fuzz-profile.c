/* fuzz-profile.c: libFuzzer harness for the sampling-profile reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>

#include "ms-profile.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsProfile) profile = NULL;

  profile = ms_profile_new_from_data ((const char *) data, size, &error);
  g_assert_true ((profile == NULL) == (error != NULL));
  if (profile == NULL)
    return 0;

  /* Walk everything the reader built: indices must stay in range. */
  for (guint i = 0; i < ms_profile_get_n_samples (profile); i++)
    {
      guint64 sample_size, total;
      guint n_frames;
      const guint32 *frames = ms_profile_get_sample (profile, i, &sample_size, &total, &n_frames);

      for (guint j = 0; j < n_frames; j++)
        g_assert_cmpuint (frames[j], <, ms_profile_get_n_frames (profile));
    }
  for (guint i = 0; i < ms_profile_get_n_frames (profile); i++)
    {
      g_autofree char *label = ms_profile_dup_frame_label (profile, i, MS_LABEL_MODE_SYMBOL);
      g_assert_nonnull (label);
    }

  return 0;
}
