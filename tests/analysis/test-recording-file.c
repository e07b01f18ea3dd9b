/* test-recording-file.c: MsRecordingWriter and MsRecordingFile (format 2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expectations come from the inputs the tests write and from a plain walk of the
 * file's frames here (header 16 bytes; each frame 28 bytes + the u32 length at
 * its start), never from the reader under test.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ms-analysis-error.h"
#include "ms-recording-file.h"
#include "ms-recording-writer.h"
#include "ms-session-file.h"

#include "test-util.h"

#define FILE_HEADER 16
#define FRAME_HEADER 28

/* A small reply whose one sample's size is @size. */
static GBytes *
make_tiny_reply (guint size)
{
  char *text = g_strdup_printf ("{\"id\":%u,\"result\":{\"profile\":{\"samples\":[{\"size\":%u,"
                                "\"total\":%u,\"stack\":[\"0x1 a\",\"0x2 b\"]}],"
                                "\"modules\":[]}}}", size, size, size * 2);

  return g_bytes_new_take (text, strlen (text));
}

static GBytes *
counters_reply (guint nodes)
{
  char *text = g_strdup_printf ("{\"id\":7,\"result\":{\"documents\":2,\"nodes\":%u,"
                                "\"jsEventListeners\":%u}}", nodes, nodes / 2);

  return g_bytes_new_take (text, strlen (text));
}

typedef struct
{
  char   *dir;
  char   *path;
  GPtrArray *replies;   /* GBytes, what was appended as profiles */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("memscope-recording-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "rec.memscope", NULL);
  f->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_ptr_array_unref (f->replies);
}

/* Writes: metadata, then per profile i a counters reading (nodes 100 + i) and the
 * profile (time 1000 * (i + 1) + 500), an alarm after profile 1, an action, END. */
static void
write_recording (Fixture  *f,
                 guint     n_profiles,
                 guint     key_interval,
                 gboolean  tiny,
                 gboolean  close)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (f->path, &error);
  g_autoptr(JsonObject) target = json_object_new ();
  g_autoptr(GBytes) base = tiny ? NULL : test_load_fixture ("small/getSamplingProfile.json");
  const char *stack[] = { "0x1 leaf", "0x2 root", NULL };

  g_assert_no_error (error);
  ms_recording_writer_set_key_interval (writer, key_interval);
  json_object_set_string_member (target, "url", "http://127.0.0.1/page");
  g_assert_true (ms_recording_writer_append_metadata (writer, 10, NULL, target, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr(GBytes) counters = counters_reply (100 + i);
      GBytes *reply;

      if (tiny)
        reply = make_tiny_reply (1000 + i);
      else
        {
          /* The fixture with one digit of the first size changed: nearly identical. */
          gsize len = g_bytes_get_size (base);
          char *copy = g_memdup2 (g_bytes_get_data (base, NULL), len);
          char *size = strstr (copy, "\"size\":") + strlen ("\"size\":");

          *size = '1' + (i % 9);
          reply = g_bytes_new_take (copy, len);
        }
      g_ptr_array_add (f->replies, reply);

      g_assert_true (ms_recording_writer_append_counters (writer, 1000 * (i + 1), counters, &error));
      g_assert_no_error (error);
      g_assert_true (ms_recording_writer_append_profile (writer, 1000 * (i + 1) + 500,
                                                         "Memory.getSamplingProfile", reply,
                                                         i + 1, 4096 * (i + 1), &error));
      g_assert_no_error (error);
      if (i == 1)
        {
          g_assert_true (ms_recording_writer_append_alarm (writer, 2600, 5 << 20, 6 << 20, stack, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_true (ms_recording_writer_append_action (writer, 99999, "purge", "by the user", &error));
  g_assert_no_error (error);
  if (close)
    {
      g_assert_true (ms_recording_writer_close (writer, &error));
      g_assert_no_error (error);
    }
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static guint32
u32_at (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

/* Frame start offsets, by a plain walk; the last element is the end of the file. */
static GArray *
walk_frames (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize offset = FILE_HEADER;

  while (offset + FRAME_HEADER <= len)
    {
      g_array_append_val (starts, offset);
      offset += FRAME_HEADER + u32_at (data + offset);
    }
  g_assert_cmpuint (offset, ==, len);
  g_array_append_val (starts, offset);
  return starts;
}

static guint8
type_at (GBytes *bytes,
         gsize   offset)
{
  return ((const guint8 *) g_bytes_get_data (bytes, NULL))[offset + 4];
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingFile) rec = NULL;
  struct stat st;
  gint64 time = 0;
  const MsAlarmEvent *alarm;
  const char *detail = NULL;
  const char * const *stack;

  write_recording (f, 20, 4, FALSE, TRUE);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  rec = ms_recording_file_new_for_path (f->path, &error);
  g_assert_no_error (error);
  g_assert_null (ms_recording_file_get_torn_tail (rec));
  g_assert_true (ms_recording_file_get_closed (rec));
  g_assert_cmpstr (json_object_get_string_member (ms_recording_file_get_target (rec), "url"), ==,
                   "http://127.0.0.1/page");
  g_assert_null (ms_recording_file_get_browser (rec));
  g_assert_cmpuint (ms_recording_file_get_n_counters (rec), ==, 20);
  g_assert_cmpuint (ms_recording_file_get_n_profiles (rec), ==, 20);
  g_assert_cmpuint (ms_alarm_list_get_n_events (ms_recording_file_get_alarms (rec)), ==, 1);
  g_assert_cmpuint (ms_recording_file_get_n_actions (rec), ==, 1);

  alarm = ms_alarm_list_get_event (ms_recording_file_get_alarms (rec), 0);
  stack = (const char * const *) alarm->stack;
  g_assert_cmpint (alarm->time_us, ==, 2600);
  g_assert_cmpuint (alarm->size, ==, 5 << 20);
  g_assert_cmpuint (alarm->total, ==, 6 << 20);
  g_assert_cmpstr (stack[0], ==, "0x1 leaf");
  g_assert_cmpstr (stack[1], ==, "0x2 root");
  g_assert_null (stack[2]);
  g_assert_cmpstr (ms_recording_file_get_action (rec, 0, &time, &detail), ==, "purge");
  g_assert_cmpstr (detail, ==, "by the user");
  g_assert_cmpint (time, ==, 99999);

  /* Any profile by index, in an order that defeats the one-profile cache: byte for byte. */
  for (guint k = 0; k < 20; k++)
    {
      guint i = (k * 7) % 20;
      g_autoptr(GBytes) reply = ms_recording_file_get_profile_reply (rec, i, &error);
      MsRecordingSnapshot snapshot;
      g_autoptr(GBytes) counters = counters_reply (100 + i);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (reply, g_ptr_array_index (f->replies, i)));

      ms_recording_file_get_snapshot (rec, i, &snapshot);
      g_assert_cmpint (snapshot.time_us, ==, 1000 * (i + 1) + 500);
      g_assert_cmpstr (snapshot.method, ==, "Memory.getSamplingProfile");
      g_assert_cmpuint (snapshot.n_samples, ==, i + 1);
      g_assert_cmpuint (snapshot.total_bytes, ==, 4096 * (i + 1));
      g_assert_cmpuint (snapshot.reply_bytes, ==, g_bytes_get_size (g_ptr_array_index (f->replies, i)));
      g_assert_cmpint (snapshot.key_frame, ==, i % 4 == 0);
      g_assert_true (snapshot.has_counters);
      g_assert_cmpint (snapshot.counters_time_us, ==, 1000 * (i + 1));
      g_assert_cmpint (snapshot.nodes, ==, 100 + i);
      g_assert_cmpint (snapshot.js_event_listeners, ==, (100 + i) / 2);
      g_assert_cmpint (snapshot.documents, ==, 2);
      g_assert_true (g_bytes_equal (ms_recording_file_get_counters_reply (rec, i, &time), counters));
      g_assert_cmpint (time, ==, 1000 * (i + 1));
    }

  /* Deltas are small: the whole file is far smaller than one of its replies times 20. */
  g_assert_cmpuint (ms_recording_file_get_size (rec), <, g_bytes_get_size (g_ptr_array_index (f->replies, 0)));
}

/* The JSON session API reads recordings too (export, diff and the window use it). */
static void
test_session_file_reads_recording (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(MsSessionFile) session = NULL;
  g_autoptr(MsProfile) profile = NULL;
  const char *method = NULL;
  gint64 time = 0;

  write_recording (f, 6, 4, FALSE, FALSE);
  file = g_file_new_for_path (f->path);
  session = ms_session_file_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_session_file_get_n_profiles (session), ==, 6);
  g_assert_cmpuint (ms_session_file_get_n_counters (session), ==, 6);
  g_assert_cmpuint (ms_alarm_list_get_n_events (ms_session_file_get_alarms (session)), ==, 1);
  for (guint i = 0; i < 6; i++)
    {
      GBytes *reply = ms_session_file_get_profile_reply (session, i, &time, &method);

      g_assert_true (g_bytes_equal (reply, g_ptr_array_index (f->replies, i)));
      g_assert_cmpint (time, ==, 1000 * (i + 1) + 500);
      g_assert_cmpstr (method, ==, "Memory.getSamplingProfile");
    }
  profile = ms_session_file_load_profile (session, 5, &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);

  /* Saved as version 1 (Save As of an opened recording): every reply, byte for byte. */
  {
    g_autoptr(GBytes) v1 = ms_session_file_to_bytes (session);
    g_autoptr(MsSessionFile) reloaded = NULL;

    g_assert_nonnull (v1);
    g_assert_cmpint (((const char *) g_bytes_get_data (v1, NULL))[0], ==, '{');
    reloaded = ms_session_file_new_from_data (g_bytes_get_data (v1, NULL), g_bytes_get_size (v1), &error);
    g_assert_no_error (error);
    g_assert_null (ms_session_file_get_recording (reloaded));
    g_assert_cmpuint (ms_session_file_get_n_profiles (reloaded), ==, 6);
    for (guint i = 0; i < 6; i++)
      g_assert_true (g_bytes_equal (ms_session_file_get_profile_reply (reloaded, i, NULL, NULL),
                                    g_ptr_array_index (f->replies, i)));
  }
}

/* A recording cut at every byte opens with every frame complete before the cut. */
static void
test_cut_anywhere (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GArray) starts = NULL;
  gsize len;

  write_recording (f, 6, 3, TRUE, TRUE);
  whole = read_file (f->path);
  starts = walk_frames (whole);
  len = g_bytes_get_size (whole);

  for (gsize cut = 1; cut <= len; cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (whole, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(MsRecordingFile) rec = ms_recording_file_new_from_bytes (part, &error);
      guint expected_profiles = 0, expected_counters = 0;
      gboolean at_boundary = cut == FILE_HEADER;

      g_assert_no_error (error);
      g_assert_nonnull (rec);
      for (guint i = 0; i + 1 < starts->len; i++)
        {
          gsize start = g_array_index (starts, gsize, i);
          gsize end = g_array_index (starts, gsize, i + 1);

          if (end == cut)
            at_boundary = TRUE;
          if (end > cut)
            break;
          expected_profiles += type_at (whole, start) == 3;
          expected_counters += type_at (whole, start) == 2;
        }
      g_assert_cmpuint (ms_recording_file_get_n_profiles (rec), ==, expected_profiles);
      g_assert_cmpuint (ms_recording_file_get_n_counters (rec), ==, expected_counters);
      g_assert_cmpint (ms_recording_file_get_torn_tail (rec) == NULL, ==, at_boundary);
      g_assert_cmpint (ms_recording_file_get_closed (rec), ==, cut == len);
      if (expected_profiles > 0)
        {
          g_autoptr(GBytes) last = ms_recording_file_get_profile_reply (rec, expected_profiles - 1, &error);

          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (last, g_ptr_array_index (f->replies, expected_profiles - 1)));
        }
    }
}

/* Bad files: one path per row. After a damaged frame, reading resumes at the next
 * sound frame: the frames before and after it open (profile deltas whose base was
 * lost are dropped until the next key frame), and the torn tail names the damaged
 * frame, its offset, why, and where reading resumed. */

#define BAD_PROFILES 9   /* profiles written for the table */
#define BAD_KEY      4   /* a key frame every BAD_KEY profiles: 0, 4, 8 */

typedef enum
{
  DAMAGE_CUT_IN_PROFILE,      /* the file ends inside profile 3's payload */
  DAMAGE_ZERO_TAIL,           /* 4096 zero bytes after the end, as after a power cut */
  DAMAGE_FLIP_FIRST_COUNTERS, /* one byte of the first counters payload (after the metadata) */
  DAMAGE_FLIP_LAST_COUNTERS,  /* one byte of the last counters payload */
  DAMAGE_FLIP_METADATA,       /* one byte of the metadata payload (the first frame) */
  DAMAGE_FLIP_PROFILE,        /* one byte of profile 1's payload (a delta: 2, 3 follow it) */
  DAMAGE_FLIP_KEY_PROFILE,    /* one byte of profile 4's payload (a key frame; 5–7 are deltas) */
  DAMAGE_FLIP_HEADER,         /* one byte of the first profile's frame header */
  DAMAGE_FLIP_LAST_FRAME,     /* one byte of the last frame's header (END) */
  DAMAGE_ZERO_MIDDLE,         /* zeros from counters 1 into profile 2's payload */
  DAMAGE_GARBAGE_MIDDLE,      /* random bytes from counters 1's payload into profile 2's */
  DAMAGE_LENGTH_PAST_END,     /* profile 1's length says more than the file holds */
  DAMAGE_BOMB,                /* profile 1 claims 2 GiB once decompressed */
  DAMAGE_CLAIM_MISMATCH,      /* profile 1 claims fewer bytes than its zstd frame holds */
  DAMAGE_FUTURE_VERSION,      /* version 3 */
  DAMAGE_NOT_A_RECORDING,     /* the magic's second byte changed */
  DAMAGE_EMPTY,               /* nothing at all */
  DAMAGE_BAD_TIME,            /* profile 1's time is -1 (header resealed) */
} Damage;

typedef struct
{
  const char     *name;
  Damage          damage;
  gboolean        opens;           /* the file opens, with a torn tail */
  MsAnalysisError code;
  const char     *message;         /* the error, or the torn tail's reason (with DAMAGED) */
} BadRecording;

#define CUT "the recording ends inside frame %u at byte %zu (a profile frame of %u bytes, " \
            "of which %zu are there); the %u frames before it are intact"

/* The torn tail of a damaged frame with nothing readable after it: frame number,
 * offset, reason, frames kept. */
#define DAMAGED "frame %u at byte %zu is damaged: %s; the recording is read up to it " \
                "(the %u frames before it are intact)"
/* A damaged range that reading resumed after: frame number, offset, reason, the
 * range, deltas dropped. */
#define RESYNCED "frame %u at byte %zu is damaged: %s; bytes %zu to %zu are skipped and " \
                 "reading resumes after them (%u profile deltas dropped until the next key frame)"
#define RESYNCED_ONE "frame %u at byte %zu is damaged: %s; bytes %zu to %zu are skipped and " \
                     "reading resumes after them (%u profile delta dropped until the next key frame)"

#define CHECKSUM_REASON(what) "its contents (a " what " record) do not match their checksum"
#define ZERO_REASON "its header is zero bytes (space the file system allocated but never wrote)"

static const BadRecording bad_recordings[] = {
  { "truncated-frame", DAMAGE_CUT_IN_PROFILE, TRUE, MS_ANALYSIS_ERROR_TRUNCATED, CUT },
  { "zero-tail", DAMAGE_ZERO_TAIL, TRUE, MS_ANALYSIS_ERROR_CHECKSUM, ZERO_REASON },
  { "flipped-byte-first-counters", DAMAGE_FLIP_FIRST_COUNTERS, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    CHECKSUM_REASON ("counters") },
  { "flipped-byte-last-counters", DAMAGE_FLIP_LAST_COUNTERS, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    CHECKSUM_REASON ("counters") },
  { "flipped-byte-metadata", DAMAGE_FLIP_METADATA, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    CHECKSUM_REASON ("metadata") },
  { "flipped-byte-profile", DAMAGE_FLIP_PROFILE, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    CHECKSUM_REASON ("profile") },
  { "flipped-byte-key-profile", DAMAGE_FLIP_KEY_PROFILE, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    CHECKSUM_REASON ("profile") },
  { "flipped-byte-header", DAMAGE_FLIP_HEADER, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    "its header does not match its checksum" },
  { "flipped-byte-last-frame", DAMAGE_FLIP_LAST_FRAME, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    "its header does not match its checksum" },
  { "zero-middle", DAMAGE_ZERO_MIDDLE, TRUE, MS_ANALYSIS_ERROR_CHECKSUM, ZERO_REASON },
  { "garbage-middle", DAMAGE_GARBAGE_MIDDLE, TRUE, MS_ANALYSIS_ERROR_CHECKSUM,
    CHECKSUM_REASON ("counters") },
  { "length-past-end", DAMAGE_LENGTH_PAST_END, TRUE, MS_ANALYSIS_ERROR_TRUNCATED, CUT },
  { "decompression-bomb", DAMAGE_BOMB, FALSE, MS_ANALYSIS_ERROR_TOO_LARGE,
    "frame %u (profile) at byte %zu claims 2147483648 bytes (%u stored), more than the limit of 1073741824" },
  { "claim-mismatch", DAMAGE_CLAIM_MISMATCH, TRUE, MS_ANALYSIS_ERROR_COMPRESSION,
    "its profile does not hold the size its header claims" },
  { "future-version", DAMAGE_FUTURE_VERSION, FALSE, MS_ANALYSIS_ERROR_VERSION,
    "version: unsupported recording version 3 (this build reads versions 1 and 2)" },
  { "not-a-recording", DAMAGE_NOT_A_RECORDING, FALSE, MS_ANALYSIS_ERROR_FORMAT,
    "not a Memscope recording (its first bytes are not the recording's magic)" },
  { "empty", DAMAGE_EMPTY, FALSE, MS_ANALYSIS_ERROR_FORMAT,
    "not a Memscope recording (its first bytes are not the recording's magic)" },
  { "bad-time", DAMAGE_BAD_TIME, TRUE, MS_ANALYSIS_ERROR_INVALID_VALUE,
    "its time, -1, is not between 1970 and 9999 (microseconds since 1970)" },
};

/* Independent CRC-32 (the reflected 0xEDB88320 polynomial, bit by bit). */
static guint32
plain_crc32 (const guint8 *p,
             gsize         len)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= p[i];
      for (int b = 0; b < 8; b++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  return ~crc;
}

static void
put_u32 (guint8  *p,
         guint32  v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static void
reseal_frame_header (guint8 *frame)
{
  put_u32 (frame + 24, plain_crc32 (frame, 24));
}

/* The index among frames of the @n-th (0-based) frame of @type. */
static guint
nth_frame (GBytes *bytes,
           GArray *starts,
           guint8  type,
           guint   n)
{
  for (guint i = 0; i + 1 < starts->len; i++)
    if (type_at (bytes, g_array_index (starts, gsize, i)) == type && n-- == 0)
      return i;
  g_assert_not_reached ();
}

/* The table's messages are formats with the offsets computed here. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* What a reader keeps when the original frames [@first, @resume) are lost, counted
 * from the writer's calls: profile j is a key frame when j % BAD_KEY == 0; when a
 * profile (or an unknown frame) was lost, the deltas after it are dropped until the
 * next key. Fills the original indices of the profiles and counters kept. */
static guint
expect_kept (GBytes *whole,
             GArray *starts,
             guint   first,
             guint   resume,
             gboolean header_broken,
             GArray *profiles,
             GArray *counters)
{
  guint j = 0, c = 0, dropped = 0;
  gboolean lost = header_broken, dropping = FALSE;

  for (guint i = 0; i + 1 < starts->len; i++)
    {
      guint8 type = type_at (whole, g_array_index (starts, gsize, i));

      if (i >= first && i < resume)
        {
          lost |= type == 3;
          j += type == 3;
          c += type == 2;
          continue;
        }
      if (i == resume)
        dropping = lost;
      if (type == 3)
        {
          if (dropping && j % BAD_KEY != 0)
            {
              dropped++;
              j++;
              continue;
            }
          dropping = FALSE;
          g_array_append_val (profiles, j);
          j++;
        }
      else if (type == 2)
        {
          g_array_append_val (counters, c);
          c++;
        }
    }
  return dropped;
}

/* The recording @rec holds exactly the profiles and counters listed (by the index
 * the writer gave them). */
static void
assert_kept (Fixture         *f,
             MsRecordingFile *rec,
             GArray          *profiles,
             GArray          *counters)
{
  g_assert_cmpuint (ms_recording_file_get_n_profiles (rec), ==, profiles->len);
  g_assert_cmpuint (ms_recording_file_get_n_counters (rec), ==, counters->len);
  for (guint i = 0; i < profiles->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) reply = ms_recording_file_get_profile_reply (rec, i, &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (reply, g_ptr_array_index (f->replies, g_array_index (profiles, guint, i))));
    }
  for (guint i = 0; i < counters->len; i++)
    {
      g_autoptr(GBytes) reply = counters_reply (100 + g_array_index (counters, guint, i));

      g_assert_true (g_bytes_equal (ms_recording_file_get_counters_reply (rec, i, NULL), reply));
    }
}

static void
fill_garbage (guint8 *p,
              gsize   len,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < len; i++)
    p[i] = g_rand_int (rand) & 0xff;
}

static void
test_bad_recording (Fixture *f, gconstpointer data)
{
  const BadRecording *row = data;
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GArray) starts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingFile) rec = NULL;
  g_autoptr(GBytes) on_disk = NULL;
  g_autoptr(GArray) profiles = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) counters = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *expected = NULL;
  gsize len = 0, cut;
  guint8 *data_copy;
  guint p2, frame = 0, resume, dropped, last;
  gboolean header_broken = FALSE;
  gsize at, end;

  write_recording (f, BAD_PROFILES, BAD_KEY, TRUE, TRUE);
  whole = read_file (f->path);
  starts = walk_frames (whole);
  len = g_bytes_get_size (whole);
  data_copy = g_malloc0 (len + 4096);
  memcpy (data_copy, g_bytes_get_data (whole, NULL), len);
  cut = len;
  last = starts->len - 1;    /* the index of the end of the file */
  p2 = nth_frame (whole, starts, 3, 1);
  at = g_array_index (starts, gsize, p2);
  resume = G_MAXUINT;        /* the frame after the damaged one, unless set */

  switch (row->damage)
    {
    case DAMAGE_CUT_IN_PROFILE:
      frame = nth_frame (whole, starts, 3, 3);
      at = g_array_index (starts, gsize, frame);
      cut = at + FRAME_HEADER + 5;
      resume = last;
      expected = g_strdup_printf (row->message, frame + 1, at, u32_at (data_copy + at), (gsize) 5, frame);
      break;
    case DAMAGE_ZERO_TAIL:
      frame = last;   /* after the last frame */
      at = len;
      cut = len + 4096;
      resume = last;
      break;
    case DAMAGE_FLIP_FIRST_COUNTERS:
      frame = nth_frame (whole, starts, 2, 0);
      at = g_array_index (starts, gsize, frame);
      data_copy[at + FRAME_HEADER + 3] ^= 0x01;
      break;
    case DAMAGE_FLIP_LAST_COUNTERS:
      frame = nth_frame (whole, starts, 2, BAD_PROFILES - 1);
      at = g_array_index (starts, gsize, frame);
      data_copy[at + FRAME_HEADER + 3] ^= 0x01;
      break;
    case DAMAGE_FLIP_METADATA:
      frame = nth_frame (whole, starts, 1, 0);
      at = g_array_index (starts, gsize, frame);
      data_copy[at + FRAME_HEADER + 2] ^= 0x20;
      break;
    case DAMAGE_FLIP_PROFILE:
      frame = p2;
      data_copy[at + FRAME_HEADER + 20] ^= 0x40;
      break;
    case DAMAGE_FLIP_KEY_PROFILE:
      frame = nth_frame (whole, starts, 3, BAD_KEY);
      at = g_array_index (starts, gsize, frame);
      data_copy[at + FRAME_HEADER + 20] ^= 0x40;
      break;
    case DAMAGE_FLIP_HEADER:
      frame = nth_frame (whole, starts, 3, 0);
      at = g_array_index (starts, gsize, frame);
      data_copy[at + 13] ^= 0x10;   /* in the time */
      header_broken = TRUE;
      break;
    case DAMAGE_FLIP_LAST_FRAME:
      frame = last - 1;
      at = g_array_index (starts, gsize, frame);
      data_copy[at + 13] ^= 0x10;
      header_broken = TRUE;
      resume = last;
      break;
    case DAMAGE_ZERO_MIDDLE:
      frame = nth_frame (whole, starts, 2, 1);
      at = g_array_index (starts, gsize, frame);
      resume = nth_frame (whole, starts, 3, 2) + 1;
      memset (data_copy + at, 0, g_array_index (starts, gsize, resume - 1) + FRAME_HEADER + 3 - at);
      header_broken = TRUE;
      break;
    case DAMAGE_GARBAGE_MIDDLE:
      frame = nth_frame (whole, starts, 2, 1);
      at = g_array_index (starts, gsize, frame);
      resume = nth_frame (whole, starts, 3, 2) + 1;
      fill_garbage (data_copy + at + FRAME_HEADER + 2,
                    g_array_index (starts, gsize, resume - 1) + FRAME_HEADER + 7 - (at + FRAME_HEADER + 2), 7);
      break;
    case DAMAGE_LENGTH_PAST_END:
      frame = p2;
      put_u32 (data_copy + at, len);
      reseal_frame_header (data_copy + at);
      resume = last;
      expected = g_strdup_printf (row->message, p2 + 1, at, (guint) len, len - at - FRAME_HEADER, p2);
      break;
    case DAMAGE_BOMB:
      put_u32 (data_copy + at + 8, 0x80000000u);
      reseal_frame_header (data_copy + at);
      expected = g_strdup_printf (row->message, p2 + 1, at, u32_at (data_copy + at));
      break;
    case DAMAGE_CLAIM_MISMATCH:
      frame = p2;
      put_u32 (data_copy + at + 8, u32_at (data_copy + at + 8) - 1);
      reseal_frame_header (data_copy + at);
      break;
    case DAMAGE_FUTURE_VERSION:
      put_u32 (data_copy + 8, 3);
      put_u32 (data_copy + 12, plain_crc32 (data_copy, 12));
      expected = g_strdup (row->message);
      break;
    case DAMAGE_NOT_A_RECORDING:
      data_copy[1] = 'X';
      expected = g_strdup (row->message);
      break;
    case DAMAGE_EMPTY:
      cut = 0;
      expected = g_strdup (row->message);
      break;
    case DAMAGE_BAD_TIME:
      frame = p2;
      put_u32 (data_copy + at + 12, 0xffffffffu);
      put_u32 (data_copy + at + 16, 0xffffffffu);
      reseal_frame_header (data_copy + at);
      break;
    default:
      g_assert_not_reached ();
    }
  if (resume == G_MAXUINT)
    resume = frame + 1;
  end = resume == last ? cut : g_array_index (starts, gsize, resume);
  dropped = expect_kept (whole, starts, frame, resume, header_broken, profiles, counters);
  if (expected == NULL && resume == last)
    expected = g_strdup_printf (DAMAGED, frame + 1, at, row->message, frame);
  else if (expected == NULL)
    expected = g_strdup_printf (dropped == 1 ? RESYNCED_ONE : RESYNCED, frame + 1, at, row->message,
                                at, end, dropped);

  g_assert_true (g_file_set_contents (f->path, (char *) data_copy, cut, NULL));
  rec = ms_recording_file_new_for_path (f->path, &error);

  if (!row->opens)
    {
      g_assert_null (rec);
      g_assert_error (error, MS_ANALYSIS_ERROR, (gint) row->code);
      g_assert_cmpstr (error->message, ==, expected);
    }
  else
    {
      const GError *torn, *range;
      guint64 range_start = 0, range_end = 0;
      guint range_dropped = G_MAXUINT;

      g_assert_no_error (error);
      torn = ms_recording_file_get_torn_tail (rec);
      g_assert_nonnull (torn);
      g_assert_error ((GError *) torn, MS_ANALYSIS_ERROR, (gint) row->code);
      g_assert_cmpstr (torn->message, ==, expected);

      /* One damaged range, the torn tail, from the damaged frame to where reading resumed. */
      g_assert_cmpuint (ms_recording_file_get_n_damaged (rec), ==, 1);
      range = ms_recording_file_get_damaged (rec, 0, &range_start, &range_end, &range_dropped);
      g_assert_true (range == torn);
      g_assert_cmpuint (range_start, ==, at);
      g_assert_cmpuint (range_end, ==, end);
      g_assert_cmpuint (range_dropped, ==, dropped);

      /* What stays: every frame outside the range but the deltas whose base was lost. */
      assert_kept (f, rec, profiles, counters);
    }

  /* Reading never changes the file. */
  on_disk = read_file (f->path);
  g_assert_cmpuint (g_bytes_get_size (on_disk), ==, cut);
  g_assert_cmpint (memcmp (g_bytes_get_data (on_disk, NULL), data_copy, cut), ==, 0);
  g_free (data_copy);
}

/* 50 MB of garbage between two frames, then two flipped bytes far apart: one forward
 * pass (the time grows with the garbage, never with its square), each damaged range
 * listed, the frames between and after them kept. */
static void
test_large_garbage (Fixture *f, gconstpointer data)
{
  const gsize garbage = 50 * 1024 * 1024;
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GArray) starts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingFile) rec = NULL;
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GArray) profiles = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) counters = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) p_first = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) c_first = g_array_new (FALSE, FALSE, sizeof (guint));
  guint8 *copy;
  gsize len, split, at2;
  guint frame, frame2, dropped;
  guint64 start = 0, end = 0;
  guint n_dropped = 0;

  write_recording (f, BAD_PROFILES, BAD_KEY, TRUE, TRUE);
  whole = read_file (f->path);
  starts = walk_frames (whole);
  len = g_bytes_get_size (whole);

  /* Garbage before profile 5 (a delta: 5–7 are dropped, 8 is a key). */
  frame = nth_frame (whole, starts, 3, 5);
  split = g_array_index (starts, gsize, frame);
  /* And a flipped byte in profile 1 (a delta: 2–3 are dropped). */
  frame2 = nth_frame (whole, starts, 3, 1);
  at2 = g_array_index (starts, gsize, frame2);

  copy = g_malloc (len + garbage);
  memcpy (copy, g_bytes_get_data (whole, NULL), split);
  fill_garbage (copy + split, garbage, 11);
  memcpy (copy + split + garbage, (const guint8 *) g_bytes_get_data (whole, NULL) + split, len - split);
  copy[at2 + FRAME_HEADER + 20] ^= 0x40;
  damaged = g_bytes_new_take (copy, len + garbage);

  rec = ms_recording_file_new_from_bytes (damaged, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_recording_file_get_n_damaged (rec), ==, 2);

  /* The first range: profile 1's frame. */
  dropped = expect_kept (whole, starts, frame2, frame2 + 1, FALSE, p_first, c_first);
  ms_recording_file_get_damaged (rec, 0, &start, &end, &n_dropped);
  g_assert_cmpuint (start, ==, at2);
  g_assert_cmpuint (end, ==, g_array_index (starts, gsize, frame2 + 1));
  g_assert_cmpuint (n_dropped, ==, BAD_KEY - 2);
  g_assert_cmpuint (n_dropped, ==, dropped);
  g_assert_true (ms_recording_file_get_damaged (rec, 0, NULL, NULL, NULL) ==
                 ms_recording_file_get_torn_tail (rec));

  /* The second: the garbage, with its header unknown (the deltas after it dropped). */
  ms_recording_file_get_damaged (rec, 1, &start, &end, &n_dropped);
  g_assert_cmpuint (start, ==, split);
  g_assert_cmpuint (end, ==, split + garbage);
  g_assert_cmpuint (n_dropped, ==, 3);

  /* Kept: 0, 1's counters…, 4, 8 and every counters reading. */
  for (guint j = 0; j < BAD_PROFILES; j++)
    if (j == 0 || j == BAD_KEY || j == 2 * BAD_KEY)
      g_array_append_val (profiles, j);
  for (guint c = 0; c < BAD_PROFILES; c++)
    g_array_append_val (counters, c);
  assert_kept (f, rec, profiles, counters);
}

/* A v1 session whose reply is not a profile opens (replies are read lazily) and
 * names the problem when the profile is loaded. */
static void
test_v1_broken_reply (void)
{
  static const char text[] =
    "{\"format\":\"memscope-session\",\"version\":1,\"counters\":[],\"alarms\":[],"
    "\"profiles\":[{\"time\":1,\"method\":\"Memory.getSamplingProfile\","
    "\"reply\":{\"id\":1,\"result\":{\"profile\":{\"samples\":\"none\",\"modules\":[]}}}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(MsSessionFile) session = ms_session_file_new_from_data (text, strlen (text), &error);
  g_autoptr(MsProfile) profile = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ms_session_file_get_n_profiles (session), ==, 1);
  profile = ms_session_file_load_profile (session, 0, &error);
  g_assert_null (profile);
  g_assert_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "result.profile.samples: expected an array, got a string");
}

/* Copying a recording that is still being written */

typedef struct
{
  gsize  end;     /* the file's size after the call */
  guint8 type;    /* the record type the call appended */
} Written;

/* A recording that is still open (no END frame): metadata, then per profile i a
 * counters reading and the profile, an alarm after profile 1. The file's size after
 * each call goes into @calls. */
static void
write_live_recording (Fixture *f,
                      guint    n_profiles,
                      GArray  *calls)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingWriter) writer = ms_recording_writer_new (f->path, &error);
  const char *stack[] = { "0x1 leaf", "0x2 root", NULL };
  Written w;

  g_assert_no_error (error);
  ms_recording_writer_set_key_interval (writer, 3);
  g_assert_true (ms_recording_writer_append_metadata (writer, 10, NULL, NULL, NULL, &error));
  w = (Written) { ms_recording_writer_get_size (writer), 1 };
  g_array_append_val (calls, w);
  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr(GBytes) counters = counters_reply (100 + i);
      GBytes *reply = make_tiny_reply (1000 + i);

      g_ptr_array_add (f->replies, reply);
      g_assert_true (ms_recording_writer_append_counters (writer, 1000 * (i + 1), counters, &error));
      w = (Written) { ms_recording_writer_get_size (writer), 2 };
      g_array_append_val (calls, w);
      g_assert_true (ms_recording_writer_append_profile (writer, 1000 * (i + 1) + 500,
                                                         "Memory.getSamplingProfile", reply,
                                                         i + 1, 4096 * (i + 1), &error));
      w = (Written) { ms_recording_writer_get_size (writer), 3 };
      g_array_append_val (calls, w);
      if (i == 1)
        {
          g_assert_true (ms_recording_writer_append_alarm (writer, 2600, 5 << 20, 6 << 20, stack, &error));
          w = (Written) { ms_recording_writer_get_size (writer), 4 };
          g_array_append_val (calls, w);
        }
      g_assert_no_error (error);
    }
  /* Dropped without closing: what a recorder leaves while it still records. */
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

/* @whole cut at @cut, copied: the copy holds exactly the frames the writer had
 * completed within @cut (from @calls), then an END frame; it opens closed, whole. */
static void
check_copy_of_cut (Fixture *f,
                   GBytes  *whole,
                   GArray  *calls,
                   gsize    cut)
{
  g_autofree char *copy_path = g_build_filename (f->dir, "copy.memscope", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (copy_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsRecordingFile) rec = NULL;
  g_autoptr(GBytes) copied = NULL;
  const guint8 *data = g_bytes_get_data (whole, NULL);
  const guint8 *out;
  gsize complete = FILE_HEADER;
  guint profiles = 0, counters = 0, alarms = 0;
  struct stat st;

  write_bytes (f->path, data, cut);
  for (guint i = 0; i < calls->len && g_array_index (calls, Written, i).end <= cut; i++)
    {
      const Written *w = &g_array_index (calls, Written, i);

      complete = w->end;
      profiles += w->type == 3;
      counters += w->type == 2;
      alarms += w->type == 4;
    }

  g_assert_true (ms_recording_writer_copy_complete (f->path, dest, NULL, &error));
  g_assert_no_error (error);

  copied = read_file (copy_path);
  out = g_bytes_get_data (copied, NULL);
  g_assert_cmpuint (g_bytes_get_size (copied), ==, complete + FRAME_HEADER);
  g_assert_cmpmem (out, complete, data, complete);
  g_assert_cmpuint (u32_at (out + complete), ==, 0);        /* an empty payload */
  g_assert_cmpuint (out[complete + 4], ==, 6);              /* END */
  g_assert_cmpuint (u32_at (out + complete + 24), ==, plain_crc32 (out + complete, 24));
  g_assert_cmpint (g_stat (copy_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  rec = ms_recording_file_new_for_path (copy_path, &error);
  g_assert_no_error (error);
  g_assert_true (ms_recording_file_get_closed (rec));
  g_assert_null (ms_recording_file_get_torn_tail (rec));
  g_assert_cmpuint (ms_recording_file_get_n_profiles (rec), ==, profiles);
  g_assert_cmpuint (ms_recording_file_get_n_counters (rec), ==, counters);
  g_assert_cmpuint (ms_alarm_list_get_n_events (ms_recording_file_get_alarms (rec)), ==, alarms);
  for (guint i = 0; i < profiles; i++)
    {
      g_autoptr(GBytes) reply = ms_recording_file_get_profile_reply (rec, i, &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (reply, g_ptr_array_index (f->replies, i)));
    }
}

/* Cut at every byte of the last frame (the one being appended) and at random
 * offsets anywhere after the file header. */
static void
test_copy_cut (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (Written));
  g_autoptr(GBytes) whole = NULL;
  gsize len, last_start;

  write_live_recording (f, 7, calls);
  whole = read_file (f->path);
  len = g_bytes_get_size (whole);
  g_assert_cmpuint (len, ==, g_array_index (calls, Written, calls->len - 1).end);
  last_start = g_array_index (calls, Written, calls->len - 2).end;

  for (gsize cut = last_start; cut <= len; cut++)
    check_copy_of_cut (f, whole, calls, cut);
  for (guint i = 0; i < 100; i++)
    check_copy_of_cut (f, whole, calls, g_test_rand_int_range (FILE_HEADER, len + 1));
}

/* A closed recording is copied byte for byte: its own END frame, no second one. */
static void
test_copy_closed (Fixture *f, gconstpointer data)
{
  g_autofree char *copy_path = g_build_filename (f->dir, "copy.memscope", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (copy_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GBytes) copied = NULL;

  write_recording (f, 5, 2, TRUE, TRUE);
  whole = read_file (f->path);
  g_assert_true (ms_recording_writer_copy_complete (f->path, dest, NULL, &error));
  g_assert_no_error (error);
  copied = read_file (copy_path);
  g_assert_true (g_bytes_equal (copied, whole));
}

/* A frame whose payload does not match its checksum, and what follows it, are left
 * out: the copy holds the frames before it and is closed. */
static void
test_copy_damaged (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (Written));
  g_autofree char *copy_path = g_build_filename (f->dir, "copy.memscope", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (copy_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GBytes) copied = NULL;
  g_autoptr(MsRecordingFile) rec = NULL;
  guint8 *damaged;
  gsize len, before = 0;

  write_live_recording (f, 4, calls);
  whole = read_file (f->path);
  damaged = g_bytes_unref_to_data (g_bytes_ref (whole), &len);
  /* The third profile: flip the last byte of its payload. */
  for (guint i = 0, n = 0; i < calls->len; i++)
    {
      const Written *w = &g_array_index (calls, Written, i);

      if (w->type == 3 && n++ == 2)
        {
          damaged[w->end - 1] ^= 0x40;
          break;
        }
      before = w->end;
    }
  write_bytes (f->path, damaged, len);
  g_free (damaged);

  g_assert_true (ms_recording_writer_copy_complete (f->path, dest, NULL, &error));
  g_assert_no_error (error);
  copied = read_file (copy_path);
  g_assert_cmpuint (g_bytes_get_size (copied), ==, before + FRAME_HEADER);
  g_assert_cmpmem (g_bytes_get_data (copied, NULL), before, g_bytes_get_data (whole, NULL), before);
  rec = ms_recording_file_new_for_path (copy_path, &error);
  g_assert_no_error (error);
  g_assert_true (ms_recording_file_get_closed (rec));
  g_assert_cmpuint (ms_recording_file_get_n_profiles (rec), ==, 2);
}

/* Refusals: one path per row; the file at the destination stays as it was. */

typedef enum
{
  SOURCE_IS_DEST,
  SOURCE_NOT_A_RECORDING,
  SOURCE_EMPTY,
  SOURCE_CUT_IN_HEADER,
  SOURCE_FUTURE_VERSION,
  SOURCE_MISSING,
} BadSource;

typedef struct
{
  const char *name;
  BadSource   source;
  GQuark    (*domain) (void);
  int         code;
  const char *message;   /* %s: the source's path */
} BadCopy;

static const BadCopy bad_copies[] = {
  { "dest-is-source", SOURCE_IS_DEST, g_io_error_quark, G_IO_ERROR_EXISTS,
    "“%s” is the recording itself: choose another file" },
  { "not-a-recording", SOURCE_NOT_A_RECORDING, ms_analysis_error_quark, MS_ANALYSIS_ERROR_FORMAT,
    "“%s” is not a Memscope recording (its first bytes are not the recording’s magic)" },
  { "empty", SOURCE_EMPTY, ms_analysis_error_quark, MS_ANALYSIS_ERROR_FORMAT,
    "“%s” is not a Memscope recording (its first bytes are not the recording’s magic)" },
  { "cut-in-header", SOURCE_CUT_IN_HEADER, ms_analysis_error_quark, MS_ANALYSIS_ERROR_TRUNCATED,
    "The recording “%s” ends inside its header: nothing was recorded" },
  { "future-version", SOURCE_FUTURE_VERSION, ms_analysis_error_quark, MS_ANALYSIS_ERROR_VERSION,
    "The recording “%s” has a version this build cannot copy" },
  { "missing", SOURCE_MISSING, g_io_error_quark, G_IO_ERROR_NOT_FOUND,
    "Cannot open the recording “%s”: No such file or directory" },
};

static void
test_copy_refused (Fixture *f, gconstpointer data)
{
  const BadCopy *row = data;
  g_autofree char *dest_path = g_build_filename (f->dir, "kept.memscope", NULL);
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_files = 0;

  write_recording (f, 2, 2, TRUE, FALSE);
  write_bytes (dest_path, "keep me", 7);
  switch (row->source)
    {
    case SOURCE_IS_DEST:
      g_free (dest_path);
      dest_path = g_strdup (f->path);
      break;
    case SOURCE_NOT_A_RECORDING:
      write_bytes (f->path, "{\"format\":\"memscope-session\"}", 29);
      break;
    case SOURCE_EMPTY:
      write_bytes (f->path, "", 0);
      break;
    case SOURCE_CUT_IN_HEADER:
      {
        g_autoptr(GBytes) whole = read_file (f->path);

        write_bytes (f->path, g_bytes_get_data (whole, NULL), FILE_HEADER - 1);
      }
      break;
    case SOURCE_FUTURE_VERSION:
      {
        guint8 header[FILE_HEADER];

        memcpy (header, "\x89MSREC\r\n", 8);
        put_u32 (header + 8, 3);
        put_u32 (header + 12, plain_crc32 (header, 12));
        write_bytes (f->path, header, sizeof header);
      }
      break;
    case SOURCE_MISSING:
      g_unlink (f->path);
      break;
    }
  dest = g_file_new_for_path (dest_path);
  before = g_file_test (dest_path, G_FILE_TEST_EXISTS) ? read_file (dest_path) : NULL;

  g_assert_false (ms_recording_writer_copy_complete (f->path, dest, NULL, &error));
  expected = g_strdup_printf (row->message, row->source == SOURCE_IS_DEST ? dest_path : f->path);
  g_assert_error (error, row->domain (), row->code);
  g_assert_cmpstr (error->message, ==, expected);

  after = g_file_test (dest_path, G_FILE_TEST_EXISTS) ? read_file (dest_path) : NULL;
  g_assert_true ((before == NULL) == (after == NULL));
  if (before != NULL)
    g_assert_true (g_bytes_equal (before, after));
  /* No temporary file left behind. */
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, row->source == SOURCE_MISSING ? 1u : 2u);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/memscope/recording-file/round-trip", Fixture, NULL,
              fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/memscope/recording-file/session-file-reads-recording", Fixture, NULL,
              fixture_setup, test_session_file_reads_recording, fixture_teardown);
  g_test_add ("/memscope/recording-file/cut-anywhere", Fixture, NULL,
              fixture_setup, test_cut_anywhere, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (bad_recordings); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/recording-file/bad/%s", bad_recordings[i].name);

      g_test_add (path, Fixture, &bad_recordings[i], fixture_setup, test_bad_recording, fixture_teardown);
    }
  g_test_add ("/memscope/recording-file/resync/large-garbage", Fixture, NULL,
              fixture_setup, test_large_garbage, fixture_teardown);
  g_test_add_func ("/memscope/recording-file/v1-broken-reply", test_v1_broken_reply);
  g_test_add ("/memscope/recording-file/copy-complete/cut", Fixture, NULL,
              fixture_setup, test_copy_cut, fixture_teardown);
  g_test_add ("/memscope/recording-file/copy-complete/closed", Fixture, NULL,
              fixture_setup, test_copy_closed, fixture_teardown);
  g_test_add ("/memscope/recording-file/copy-complete/damaged", Fixture, NULL,
              fixture_setup, test_copy_damaged, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (bad_copies); i++)
    {
      g_autofree char *path = g_strdup_printf ("/memscope/recording-file/copy-complete/refused/%s",
                                               bad_copies[i].name);

      g_test_add (path, Fixture, &bad_copies[i], fixture_setup, test_copy_refused, fixture_teardown);
    }

  return g_test_run ();
}
