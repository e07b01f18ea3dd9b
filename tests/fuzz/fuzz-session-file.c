/* fuzz-session-file.c: libFuzzer harness for the session-file loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>

#include "ms-session-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSessionFile) file = NULL;
  g_autoptr(GBytes) again = NULL;

  file = ms_session_file_new_from_data ((const char *) data, size, &error);
  g_assert_true ((file == NULL) == (error != NULL));
  if (file == NULL)
    return 0;

  /* Whatever loads must load its profiles (or say why not), and save and load again. */
  for (guint i = 0; i < ms_session_file_get_n_profiles (file); i++)
    {
      g_autoptr(GError) profile_error = NULL;
      g_autoptr(MsProfile) profile = ms_session_file_load_profile (file, i, &profile_error);
      g_assert_true ((profile == NULL) == (profile_error != NULL));
      /* A recording's profiles are read when asked for: one that does not load cannot
       * be saved again. */
      if (profile == NULL && ms_session_file_get_recording (file) != NULL)
        return 0;
    }
  {
    g_autoptr(GError) series_error = NULL;
    g_autoptr(MsCounterSeries) series = ms_session_file_build_counter_series (file, 100, &series_error);
    g_assert_true ((series == NULL) == (series_error != NULL));
  }

  again = ms_session_file_to_bytes (file);
  {
    g_autoptr(GError) reload_error = NULL;
    g_autoptr(MsSessionFile) reloaded =
      ms_session_file_new_from_data (g_bytes_get_data (again, NULL), g_bytes_get_size (again), &reload_error);
    g_assert_no_error (reload_error);
    g_assert_cmpuint (ms_session_file_get_n_profiles (reloaded), ==, ms_session_file_get_n_profiles (file));
    g_assert_cmpuint (ms_session_file_get_n_counters (reloaded), ==, ms_session_file_get_n_counters (file));
  }

  return 0;
}
