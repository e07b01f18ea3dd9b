/* ms-profile-private.h: what the reader and the other analysis types may touch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ms-profile.h"

G_BEGIN_DECLS

/* Bytes that must be readable (and zero) after the end of a buffer handed to
 * the fast parser; simdjson reads in 64-byte blocks. */
#define MS_JSON_PADDING 64

/* Interned frame index for the synthetic "<V8 Heap>" frame while reading. */
#define MS_PROFILE_V8_HEAP_FRAME G_MAXUINT32

/* Numbers above 2^53 are refused: JavaScript cannot represent them exactly, and
 * it keeps every sum of a few million samples far from overflowing. */
#define MS_PROFILE_MAX_COUNT (G_GUINT64_CONSTANT (1) << 53)

typedef struct
{
  char    *address_text;   /* the protocol's "0x..." exactly as written */
  char    *name;           /* after the space; "<unknown>" when unknown, may be "" */
  guint64  address;
  guint64  offset;
  guint    module;         /* MS_PROFILE_NO_MODULE when outside every module */
  char    *sym_function;
  char    *sym_file;
  guint    sym_line;
} MsProfileFrame;

typedef struct
{
  char    *name;
  char    *uuid;
  char    *build_id;       /* lower-case hex, uuid minus its trailing age digit */
  char    *display_name;   /* NULL until asked for */
  guint64  base;
  guint64  size;
  gboolean is_main;
} MsProfileModule;

typedef struct
{
  guint64 size;
  guint64 total;
  guint32 stack;           /* index of a unique stack */
} MsProfileSample;

typedef struct
{
  GArray  *frames;         /* MsProfileFrame */
  GArray  *modules;        /* MsProfileModule */
  GArray  *samples;        /* MsProfileSample, without the <V8 Heap> one */
  GArray  *stack_frames;   /* guint32 frame indices of all unique stacks, leaf first */
  GArray  *stack_offsets;  /* guint32, n_stacks + 1 entries into stack_frames */
  gboolean has_v8_heap;
  guint64  v8_heap_size;
  guint64  v8_heap_total;
} MsProfileData;

MsProfileData *ms_profile_data_new  (void);
void           ms_profile_data_free (MsProfileData *data);

/* Parses @len bytes at @buf, which must be followed by MS_JSON_PADDING
 * readable bytes. Implemented in C++ (ms-profile-reader.cc). */
MsProfileData *ms_profile_reader_parse_padded (const char  *buf,
                                               gsize        len,
                                               GError     **error);

/* Like ms_profile_reader_parse_padded() on bytes with no padding, which it
 * reads in pieces where they lie (copying them whole only when it must read
 * the document whole: an unusual form or an error). */
MsProfileData *ms_profile_reader_parse_unpadded (const char  *buf,
                                                 gsize        len,
                                                 GError     **error);

/* Fills @buf with up to @size bytes of the input; 0 at its end, -1 with @error set. */
typedef gssize (*MsProfileReadFunc) (gpointer   user_data,
                                     char      *buf,
                                     gsize      size,
                                     GError   **error);

/* Reads a profile from @read_func through a reused window of @window bytes
 * (grown only for a sample or a part outside the samples larger than it), so
 * that nothing of the input's size is allocated. Returns %NULL with @error
 * set when @read_func failed, and %NULL with @error unset when the input is
 * not one it takes, or not valid: the caller then reads it whole, which
 * reports the error precisely. @size_hint: the input's size if known, or 0. */
MsProfileData *ms_profile_reader_parse_stream   (MsProfileReadFunc   read_func,
                                                 gpointer            user_data,
                                                 gsize               window,
                                                 gsize               size_hint,
                                                 GError            **error);

/* Reads a file (gzip or not) into a buffer with MS_JSON_PADDING zero bytes after @len. */
char          *ms_profile_reader_load_padded  (GFile         *file,
                                               gsize         *len,
                                               GCancellable  *cancellable,
                                               GError       **error);
/* Copies @data (decompressing when it is gzip) into a padded buffer. */
char          *ms_profile_reader_copy_padded  (const char    *data,
                                               gsize          len,
                                               gsize         *out_len,
                                               GError       **error);

/* Lowers MS_PROFILE_MAX_INPUT_BYTES for tests; 0 restores it. */
void           ms_profile_reader_set_max_input (gsize         max_bytes);

MsProfile     *ms_profile_new_take_data       (MsProfileData *data);

/* The simdjson kernels chosen for this CPU ("haswell", "icelake", …). */
const char    *ms_profile_reader_get_implementation (void);

guint          ms_profile_get_n_stacks        (MsProfile     *self);
const guint32 *ms_profile_get_stack           (MsProfile     *self,
                                               guint          stack,
                                               guint         *n_frames);
guint          ms_profile_get_sample_stack    (MsProfile     *self,
                                               guint          sample);
/* 128 bits identifying the address sequence of @stack across profiles. */
void           ms_profile_get_stack_digest    (MsProfile     *self,
                                               guint          stack,
                                               guint64        digest[2]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsProfileData, ms_profile_data_free)

G_END_DECLS
