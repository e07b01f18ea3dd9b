/* ms-profile.h: one sampling heap profile of the Memory domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MS_TYPE_PROFILE (ms_profile_get_type ())

G_DECLARE_FINAL_TYPE (MsProfile, ms_profile, MS, PROFILE, GObject)

/**
 * MS_PROFILE_MAX_INPUT_BYTES:
 *
 * The largest profile or session file read, and the most its gzip data may
 * decompress to: 1 GiB, four times the 256 MiB the browser sends in one
 * message. Larger input is refused with %MS_ANALYSIS_ERROR_TOO_LARGE before
 * it is read (files) or as soon as decompression passes it (gzip).
 */
#define MS_PROFILE_MAX_INPUT_BYTES ((gsize) 1 << 30)

/* Module index of a frame whose address lies in no module. */
#define MS_PROFILE_NO_MODULE G_MAXUINT

/**
 * MsLabelMode:
 * @MS_LABEL_MODE_SYMBOL: the resolved symbol when one was set with
 *   ms_profile_set_frame_symbol(), else the frame's own name unless it is
 *   `<unknown>`, else `module+0xoffset`, else the address (the default)
 * @MS_LABEL_MODE_ADDRESS: exactly the protocol's `0x…` address string
 * @MS_LABEL_MODE_MODULE: the display name of the frame's module, or
 *   `<no module>` for an address outside every module
 *
 * How a frame is named in a flame tree; frames with the same label merge.
 */
typedef enum
{
  MS_LABEL_MODE_SYMBOL,
  MS_LABEL_MODE_ADDRESS,
  MS_LABEL_MODE_MODULE,
} MsLabelMode;

MsProfile     *ms_profile_new_from_data          (const char           *data,
                                                  gsize                 len,
                                                  GError              **error);
MsProfile     *ms_profile_new_from_bytes         (GBytes               *bytes,
                                                  GError              **error);
MsProfile     *ms_profile_new_from_file          (GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void           ms_profile_new_from_bytes_async   (GBytes               *bytes,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
MsProfile     *ms_profile_new_from_bytes_finish  (GAsyncResult         *result,
                                                  GError              **error);
void           ms_profile_new_from_file_async    (GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
MsProfile     *ms_profile_new_from_file_finish   (GAsyncResult         *result,
                                                  GError              **error);

guint          ms_profile_get_n_samples          (MsProfile            *self);
const guint32 *ms_profile_get_sample             (MsProfile            *self,
                                                  guint                 index,
                                                  guint64              *size,
                                                  guint64              *total,
                                                  guint                *n_frames);
guint64        ms_profile_get_total_bytes        (MsProfile            *self);
guint64        ms_profile_get_total_size         (MsProfile            *self);
gboolean       ms_profile_get_v8_heap            (MsProfile            *self,
                                                  guint64              *size,
                                                  guint64              *total);

guint          ms_profile_get_n_frames           (MsProfile            *self);
const char    *ms_profile_get_frame              (MsProfile            *self,
                                                  guint                 frame_index,
                                                  guint                *module_index,
                                                  guint64              *offset,
                                                  guint64              *address,
                                                  const char          **name);
void           ms_profile_set_frame_symbol       (MsProfile            *self,
                                                  guint                 frame_index,
                                                  const char           *function,
                                                  const char           *file,
                                                  guint                 line);
gboolean       ms_profile_get_frame_symbol       (MsProfile            *self,
                                                  guint                 frame_index,
                                                  const char          **function,
                                                  const char          **file,
                                                  guint                *line);
char          *ms_profile_dup_frame_label        (MsProfile            *self,
                                                  guint                 frame_index,
                                                  MsLabelMode           mode);

guint          ms_profile_get_n_modules          (MsProfile            *self);
const char    *ms_profile_get_module             (MsProfile            *self,
                                                  guint                 module_index,
                                                  const char          **build_id,
                                                  guint64              *base_address,
                                                  guint64              *size);
const char    *ms_profile_get_module_display_name (MsProfile           *self,
                                                  guint                 module_index);
gboolean       ms_profile_module_is_main_executable (MsProfile         *self,
                                                  guint                 module_index);
const char    *ms_profile_get_browser_name       (MsProfile            *self);
void           ms_profile_set_browser_name       (MsProfile            *self,
                                                  const char           *browser_name);

G_END_DECLS
