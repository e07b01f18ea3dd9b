/* ms-recording-format-private.h: the layout of a recording file (format 2)
 *
 * A recording is append-only: a file header, then frames, one per record, in the
 * order they happened. Nothing written is ever rewritten, so a recording cut at any
 * byte (a crash, a full disk, a copy in progress) still opens with every frame that
 * was complete before the cut; the torn tail is reported, not fatal.
 *
 * All integers are little-endian.
 *
 * File header (16 bytes):
 *
 *   0  magic    8 bytes  89 4d 53 52 45 43 0d 0a  ("\x89MSREC\r\n", like PNG's: a
 *                        text-mode transfer or a 7-bit channel is caught at once)
 *   8  version  u32      2 (version 1 is the JSON session, MsSessionFile)
 *  12  crc      u32      CRC-32 (zlib's crc32) of bytes 0–11
 *
 * Frame (28-byte header, then the payload):
 *
 *   0  length     u32  bytes of payload that follow the header
 *   4  type       u8   MsRecordingRecordType
 *   5  flags      u8   MS_RECORDING_FLAG_*
 *   6  reserved   u16  0
 *   8  raw_length u32  the body's size once decompressed (== the body's size when
 *                      not compressed); a reader refuses more than
 *                      MS_RECORDING_MAX_RAW_LENGTH before decompressing anything
 *  12  time       i64  microseconds since the Unix epoch
 *  20  data_crc   u32  CRC-32 of the payload as stored
 *  24  header_crc u32  CRC-32 of bytes 0–23 of this header
 *
 * The header's own checksum tells a cut (the file ends inside the payload: a torn
 * tail) from damage (a length that was changed: a checksum error).
 *
 * Payloads by type:
 *
 *   METADATA  JSON {"browser":{…},"target":{…},"sampling":{…}} (members optional);
 *             a later one replaces members of an earlier one
 *   COUNTERS  the raw reply to Memory.getDOMCounters, byte for byte
 *   PROFILE   u32 samples, u64 estimated bytes, u8 method length, the method
 *             ("getSamplingProfile"…), then the body: the raw reply, byte for byte,
 *             compressed when flags has COMPRESSED. A KEY frame (no DELTA flag) is a
 *             zstd frame of its own; a DELTA frame is compressed with the previous
 *             profile's raw reply as zstd prefix (ZSTD_CCtx_refPrefix), so that two
 *             successive, nearly identical profiles cost a few kilobytes. One frame
 *             in MS_RECORDING_DEFAULT_KEY_INTERVAL is a key frame, so any profile
 *             decodes from the key at or before it, never from the file's start.
 *   ALARM     JSON {"size":N,"total":N,"stack":["0x… name",…]}
 *   ACTION    JSON {"kind":"purge","detail":"…"}: what the user did (purge,
 *             pressure, leak-prep, a marker), so a chart can show when
 *   END       empty: the recording was closed cleanly (absent: interrupted)
 *
 * A reader skips frames of a type it does not know (their checksums still count),
 * so new record types need no new version; a new version means old readers must
 * refuse the file.
 *
 * There is no trailer: the index (where each profile's frame starts, its key frame,
 * samples, bytes) is rebuilt by one forward scan of the frame headers, which reads
 * 28 bytes per frame and skips the payloads. Profile payloads are checked against
 * their checksum when they are read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MS_RECORDING_MAGIC            "\x89MSREC\r\n"
#define MS_RECORDING_MAGIC_LEN        8
#define MS_RECORDING_VERSION          2
#define MS_RECORDING_FILE_HEADER_LEN  16
#define MS_RECORDING_FRAME_HEADER_LEN 28

/* The most a profile body may claim once decompressed: a 40 MB profile is large;
 * 1 GiB is far beyond any real one, and small enough to allocate. */
#define MS_RECORDING_MAX_RAW_LENGTH   (1024u * 1024u * 1024u)

/* A key frame every 4 profiles: any profile decodes from at most 3 deltas. Chosen
 * by measurement (bench/README.md, "Key-frame spacing"): against 8, half the CPU
 * time for the worst profile by index, for a file of 0.145% of the bytes received
 * instead of 0.077% (goal ≤ 1%). */
#define MS_RECORDING_DEFAULT_KEY_INTERVAL 4

/* The profile payload's fixed prefix: samples (4), bytes (8), method length (1). */
#define MS_RECORDING_PROFILE_PREFIX_LEN 13

typedef enum
{
  MS_RECORDING_RECORD_METADATA = 1,
  MS_RECORDING_RECORD_COUNTERS = 2,
  MS_RECORDING_RECORD_PROFILE  = 3,
  MS_RECORDING_RECORD_ALARM    = 4,
  MS_RECORDING_RECORD_ACTION   = 5,
  MS_RECORDING_RECORD_END      = 6,
} MsRecordingRecordType;

enum
{
  MS_RECORDING_FLAG_COMPRESSED = 1 << 0,  /* zstd */
  MS_RECORDING_FLAG_DELTA      = 1 << 1,  /* with the previous profile as prefix */
};

typedef struct
{
  guint32 length;
  guint8  type;
  guint8  flags;
  guint32 raw_length;
  gint64  time_us;
  guint32 data_crc;
} MsRecordingFrameHeader;

/* Encodes @header into @out (header CRC included). */
void     ms_recording_frame_header_encode (const MsRecordingFrameHeader *header,
                                           guint8                       *out);
/* Decodes @in into @header; FALSE when the header checksum does not match. */
gboolean ms_recording_frame_header_decode (const guint8                 *in,
                                           MsRecordingFrameHeader       *header);
guint32  ms_recording_crc32               (guint32                       crc,
                                           const void                   *data,
                                           gsize                         len);
void     ms_recording_file_header_encode  (guint8                       *out);

G_END_DECLS
