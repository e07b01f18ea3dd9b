/* ms-cli-snapshots.c: `memscope-cli snapshots`, the profiles of a recording by index
 *
 * One row per profile: its index (what `export --profile N` takes), when it arrived
 * (seconds since the recording's first reading, and the wall clock), its samples and
 * estimated bytes, and the DOM counters as last read at or before it. A recording
 * (format 2) is listed from its frame headers without decompressing a profile; a
 * session file (format 1) has each profile parsed in turn.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "ms-recording-file.h"
#include "ms-session-file.h"

#include "ms-cli-commands.h"

typedef struct
{
  gint64   time_us;
  guint    n_samples;
  guint64  total_bytes;
  gboolean has_counters;
  gint64   documents;
  gint64   nodes;
  gint64   js_event_listeners;
} Row;

/* Reading the file */

static void
row_from_recording (MsRecordingFile *recording,
                    guint            index,
                    Row             *row)
{
  MsRecordingSnapshot snapshot;

  ms_recording_file_get_snapshot (recording, index, &snapshot);
  row->time_us = snapshot.time_us;
  row->n_samples = snapshot.n_samples;
  row->total_bytes = snapshot.total_bytes;
  row->has_counters = snapshot.has_counters;
  row->documents = snapshot.documents;
  row->nodes = snapshot.nodes;
  row->js_event_listeners = snapshot.js_event_listeners;
}

/* A Memory.getDOMCounters reply's figures; FALSE when it holds none. */
static gboolean
read_counters_reply (GBytes *reply,
                     Row    *row)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *result;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                   g_bytes_get_size (reply), NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "result") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "result")))
    return FALSE;
  result = json_object_get_object_member (json_node_get_object (root), "result");
  row->documents = json_object_get_int_member_with_default (result, "documents", -1);
  row->nodes = json_object_get_int_member_with_default (result, "nodes", -1);
  row->js_event_listeners = json_object_get_int_member_with_default (result, "jsEventListeners",
                                                                     -1);
  return TRUE;
}

/* The counters reading last at or before @row's time (readings are in time order). */
static void
counters_of_session (MsSessionFile *session,
                     Row           *row)
{
  g_autoptr(GBytes) last = NULL;

  for (guint i = 0; i < ms_session_file_get_n_counters (session); i++)
    {
      gint64 time_us;
      GBytes *reply = ms_session_file_get_counters_reply (session, i, &time_us);

      if (time_us > row->time_us)
        break;
      g_clear_pointer (&last, g_bytes_unref);
      last = reply != NULL ? g_bytes_ref (reply) : NULL;
    }
  row->has_counters = last != NULL && read_counters_reply (last, row);
}

static gboolean
row_from_session (MsSessionFile  *session,
                  guint           index,
                  Row            *row,
                  GError        **error)
{
  g_autoptr(MsProfile) profile = NULL;

  ms_session_file_get_profile_reply (session, index, &row->time_us, NULL);
  profile = ms_session_file_load_profile (session, index, error);
  if (profile == NULL)
    {
      g_prefix_error (error, _("profile %u: "), index + 1);
      return FALSE;
    }
  row->n_samples = ms_profile_get_n_samples (profile);
  row->total_bytes = ms_profile_get_total_bytes (profile);
  counters_of_session (session, row);
  return TRUE;
}

/* The rows of @session, in the file's order. */
static GArray *
read_rows (MsSessionFile  *session,
           GError        **error)
{
  MsRecordingFile *recording = ms_session_file_get_recording (session);
  guint n = ms_session_file_get_n_profiles (session);
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, TRUE, sizeof (Row), n);

  g_array_set_size (rows, n);
  for (guint i = 0; i < n; i++)
    {
      Row *row = &g_array_index (rows, Row, i);

      if (recording != NULL)
        row_from_recording (recording, i, row);
      else if (!row_from_session (session, i, row, error))
        return NULL;
    }
  return g_steal_pointer (&rows);
}

/* The recording's start: its first counters reading or profile, whichever came first. */
static gint64
start_time (MsSessionFile *session,
            GArray        *rows)
{
  gint64 start = rows->len > 0 ? g_array_index (rows, Row, 0).time_us : 0;
  gint64 first_counters;

  if (ms_session_file_get_n_counters (session) > 0)
    {
      ms_session_file_get_counters_reply (session, 0, &first_counters);
      if (rows->len == 0 || first_counters < start)
        start = first_counters;
    }
  return start;
}

/* Printing */

static double
seconds_since (const Row *row,
               gint64     start_us)
{
  return (double) (row->time_us - start_us) / G_USEC_PER_SEC;
}

static char *
format_wall_clock (gint64 time_us)
{
  g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = second ? g_date_time_add (second, time_us % G_USEC_PER_SEC) : NULL;

  return time ? ms_cli_format_timestamp (time) : g_strdup ("-");
}

static char *
format_count (gboolean has,
              gint64   count)
{
  return has && count >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, count) : g_strdup ("-");
}

enum { COL_INDEX, COL_SECONDS, COL_TIME, COL_SAMPLES, COL_BYTES, COL_DOCUMENTS, COL_NODES,
       COL_LISTENERS, N_COLS };

static const char *const headers[N_COLS] = {
  N_("index"), N_("seconds"), N_("time"), N_("samples"), N_("bytes"), N_("documents"),
  N_("nodes"), N_("listeners"),
};

/* The cells of one row, as printed. */
static void
format_cells (const Row *row,
              guint      index,
              gint64     start_us,
              char      *cells[N_COLS])
{
  cells[COL_INDEX] = g_strdup_printf ("%u", index + 1);
  cells[COL_SECONDS] = g_strdup_printf ("%.3f", seconds_since (row, start_us));
  cells[COL_TIME] = format_wall_clock (row->time_us);
  cells[COL_SAMPLES] = g_strdup_printf ("%u", row->n_samples);
  cells[COL_BYTES] = g_strdup_printf ("%" G_GUINT64_FORMAT, row->total_bytes);
  cells[COL_DOCUMENTS] = format_count (row->has_counters, row->documents);
  cells[COL_NODES] = format_count (row->has_counters, row->nodes);
  cells[COL_LISTENERS] = format_count (row->has_counters, row->js_event_listeners);
}

/* Columns as wide as their widest cell; the wall clock left-aligned, figures right. */
static void
print_line (char *const  cells[N_COLS],
            const guint  widths[N_COLS])
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint c = 0; c < N_COLS; c++)
    {
      guint pad = widths[c] - g_utf8_strlen (cells[c], -1);

      if (c > 0)
        g_string_append (line, "  ");
      if (c != COL_TIME)
        for (guint i = 0; i < pad; i++)
          g_string_append_c (line, ' ');
      g_string_append (line, cells[c]);
      if (c == COL_TIME && c + 1 < N_COLS)
        for (guint i = 0; i < pad; i++)
          g_string_append_c (line, ' ');
    }
  puts (line->str);
}

static void
print_table (GArray *rows,
             gint64  start_us)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *header[N_COLS];
  guint widths[N_COLS];

  for (guint c = 0; c < N_COLS; c++)
    {
      header[c] = _(headers[c]);
      widths[c] = g_utf8_strlen (header[c], -1);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_new0 (char *, N_COLS + 1);

      format_cells (&g_array_index (rows, Row, i), i, start_us, cells);
      for (guint c = 0; c < N_COLS; c++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (cells[c], -1));
      g_ptr_array_add (lines, cells);
    }

  print_line ((char *const *) header, widths);
  for (guint i = 0; i < lines->len; i++)
    print_line (g_ptr_array_index (lines, i), widths);
  fflush (stdout);
}

static void
add_count_member (JsonObject *object,
                  const char *name,
                  gboolean    has,
                  gint64      count)
{
  if (has && count >= 0)
    json_object_set_int_member (object, name, count);
  else
    json_object_set_null_member (object, name);
}

static void
print_json (GArray       *rows,
            gint64        start_us,
            const GError *torn_tail)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonArray *snapshots = json_array_new ();

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);
      JsonObject *object = json_object_new ();
      g_autofree char *timestamp = format_wall_clock (row->time_us);

      json_object_set_int_member (object, "index", i + 1);
      json_object_set_double_member (object, "seconds", seconds_since (row, start_us));
      json_object_set_int_member (object, "timeUs", row->time_us);
      json_object_set_string_member (object, "timestamp", timestamp);
      json_object_set_int_member (object, "samples", row->n_samples);
      json_object_set_int_member (object, "bytes", (gint64) MIN (row->total_bytes, G_MAXINT64));
      add_count_member (object, "documents", row->has_counters, row->documents);
      add_count_member (object, "nodes", row->has_counters, row->nodes);
      add_count_member (object, "jsEventListeners", row->has_counters, row->js_event_listeners);
      json_array_add_object_element (snapshots, object);
    }
  json_object_set_int_member (root, "startUs", start_us);
  json_object_set_array_member (root, "snapshots", snapshots);
  if (torn_tail != NULL)
    json_object_set_string_member (root, "tornTail", torn_tail->message);
  else
    json_object_set_null_member (root, "tornTail");
  json_node_set_object (node, root);
  ms_cli_print_json_line (node);
}

int
ms_cli_snapshots (MsCliContext *ctx,
                  GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autoptr(MsSessionFile) session = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  MsRecordingFile *recording;
  const GError *torn_tail = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object: startUs, snapshots (index, seconds, timeUs, timestamp, "
         "samples, bytes, documents, nodes, jsEventListeners) and tornTail"), NULL },
    { NULL }
  };

  if (!ms_cli_context_parse_options (ctx, "snapshots", _("FILE"),
                                     _("List the profiles of a recording or session file: index, "
                                       "time, samples, estimated bytes and the DOM counters then."),
                                     _("The time is in seconds since the file's first reading "
                                       "and as the wall clock (UTC); the counters are the last "
                                       "reading at or before the profile (“-” when none came "
                                       "before it). The index is what “export --profile N” "
                                       "takes."),
                                     entries, MS_CLI_OPTIONS_NONE, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] == NULL)
    return ms_cli_context_usage_error (ctx, _("missing FILE: the recording to list"));
  if (owned_args[2] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[2]);

  file = g_file_new_for_commandline_arg (owned_args[1]);
  session = ms_session_file_new_from_file (file, NULL, &error);
  if (session == NULL)
    return ms_cli_context_usage_error (ctx, "%s: %s", owned_args[1], error->message);

  /* A recording cut short (a crash while recording) lists what precedes the cut;
   * a damaged one what lies outside its damaged ranges, each warned of once. */
  recording = ms_session_file_get_recording (session);
  if (recording != NULL)
    torn_tail = ms_recording_file_get_torn_tail (recording);
  for (guint i = 0; recording != NULL && i < ms_recording_file_get_n_damaged (recording); i++)
    ms_cli_context_warn (ctx, _("warning: %s: %s"), owned_args[1],
                         ms_recording_file_get_damaged (recording, i, NULL, NULL, NULL)->message);

  rows = read_rows (session, &error);
  if (rows == NULL)
    return ms_cli_context_usage_error (ctx, "%s: %s", owned_args[1], error->message);

  if (json)
    print_json (rows, start_time (session, rows), torn_tail);
  else
    print_table (rows, start_time (session, rows));

  return MS_CLI_EXIT_OK;
}
