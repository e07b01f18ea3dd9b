/* make-session.c: writes a session file for the accessibility test to open: the
 * fixture's sampling profile and three readings of the DOM counters
 *
 *   make-session OUT.memscope   (the fixtures folder is $MEMSCOPE_FIXTURES)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ms-session-file.h"

static GBytes *
read_fixture (const char  *name,
              GError     **error)
{
  g_autofree char *path = g_build_filename (g_getenv ("MEMSCOPE_FIXTURES"), "small", name, NULL);
  char *data;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (data, len);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MsSessionFile) session = ms_session_file_new ();
  g_autoptr(GBytes) profile = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_real_time ();

  if (argc != 2 || g_getenv ("MEMSCOPE_FIXTURES") == NULL)
    {
      g_printerr ("usage: MEMSCOPE_FIXTURES=DIR %s OUT.memscope\n", argv[0]);
      return 2;
    }

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *reply = g_strdup_printf ("{\"id\":%u,\"result\":{\"documents\":%u,"
                                                "\"nodes\":%u,\"jsEventListeners\":%u}}",
                                                i + 1, 2 + i, 4000 + 100 * i, 2000 + 10 * i);
      g_autoptr(GBytes) bytes = g_bytes_new (reply, strlen (reply));

      if (!ms_session_file_add_counters_reply (session, start + i * G_USEC_PER_SEC, bytes, &error))
        break;
    }
  if (error == NULL && (profile = read_fixture ("getSamplingProfile.json", &error)) != NULL)
    ms_session_file_add_profile_reply (session, start + 3 * G_USEC_PER_SEC,
                                       "Memory.getSamplingProfile", profile, &error);
  file = g_file_new_for_commandline_arg (argv[1]);
  if (error == NULL)
    ms_session_file_save (session, file, NULL, &error);
  if (error != NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }
  return 0;
}
