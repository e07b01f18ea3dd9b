/* ms-recording-appender.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-session"

#include "config.h"

#include "ms-recording-format-private.h"
#include "ms-recording-writer.h"

#include "ms-recording-appender.h"

/**
 * MsRecordingAppender:
 *
 * A #MsRecordingWriter on a thread of its own: the main thread queues records
 * (a reference to the raw reply, a few numbers) and never waits; the worker
 * creates the file, compresses each profile against the one before and appends
 * it, in the order the records were queued. Results come back as signals on the
 * main context.
 *
 * The writer is touched only by the worker while records are queued; each queued
 * record holds a reference to the appender, so it outlives them.
 */

typedef struct
{
  guint8      type;
  gint64      time_us;
  GBytes     *bytes;
  char       *text;      /* the method, or the action's kind */
  char       *detail;
  guint       n_samples;
  guint64     size;      /* total bytes of a profile, size of an alarm */
  guint64     total;
  GStrv       stack;
  JsonObject *browser;
  JsonObject *target;
  JsonObject *sampling;
  gboolean    close;
} Job;

struct _MsRecordingAppender
{
  GObject            parent_instance;

  char              *path;
  GThreadPool       *pool;
  guint              n_pending;
  guint              n_pending_profiles;

  /* The worker's: */
  MsRecordingWriter *writer;
  GError            *open_error;
  GMutex             size_lock;
  guint64            size;
};

enum {
  APPENDED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MsRecordingAppender, ms_recording_appender, G_TYPE_OBJECT)

static void
job_free (Job *job)
{
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->text);
  g_free (job->detail);
  g_strfreev (job->stack);
  g_clear_pointer (&job->browser, json_object_unref);
  g_clear_pointer (&job->target, json_object_unref);
  g_clear_pointer (&job->sampling, json_object_unref);
  g_free (job);
}

static void
ms_recording_appender_finalize (GObject *object)
{
  MsRecordingAppender *self = (MsRecordingAppender *)object;

  /* Every queued record held a reference: nothing is left to run. This may run on
   * the worker (it can drop the last reference), so it must not wait for itself. */
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, FALSE);
  g_mutex_clear (&self->size_lock);
  g_clear_object (&self->writer);
  g_clear_error (&self->open_error);
  g_free (self->path);

  G_OBJECT_CLASS (ms_recording_appender_parent_class)->finalize (object);
}

static void
ms_recording_appender_class_init (MsRecordingAppenderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_recording_appender_finalize;

  signals[APPENDED] = g_signal_new ("appended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
ms_recording_appender_init (MsRecordingAppender *self)
{
  g_mutex_init (&self->size_lock);
}

static gboolean
write_job (MsRecordingAppender  *self,
           Job                  *job,
           GError              **error)
{
  switch (job->type)
    {
    case MS_RECORDING_RECORD_METADATA:
      return ms_recording_writer_append_metadata (self->writer, job->time_us, job->browser,
                                                  job->target, job->sampling, error);
    case MS_RECORDING_RECORD_COUNTERS:
      return ms_recording_writer_append_counters (self->writer, job->time_us, job->bytes, error);
    case MS_RECORDING_RECORD_PROFILE:
      return ms_recording_writer_append_profile (self->writer, job->time_us, job->text, job->bytes,
                                                 job->n_samples, job->size, error);
    case MS_RECORDING_RECORD_ALARM:
      return ms_recording_writer_append_alarm (self->writer, job->time_us, job->size, job->total,
                                               (const char * const *) job->stack, error);
    case MS_RECORDING_RECORD_ACTION:
      return ms_recording_writer_append_action (self->writer, job->time_us, job->text,
                                                job->detail, error);
    case MS_RECORDING_RECORD_END:
      return ms_recording_writer_close (self->writer, error);
    default:
      g_assert_not_reached ();
    }
}

/* On the worker thread, in queue order. */
static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  MsRecordingAppender *self = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  /* The file is created by the first record, off the main thread too. */
  if (self->writer == NULL && self->open_error == NULL)
    self->writer = ms_recording_writer_new (self->path, &self->open_error);
  if (self->writer == NULL)
    {
      g_task_return_error (task, g_error_copy (self->open_error));
      return;
    }

  if (!write_job (self, job, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* A reply the recorder no longer holds is freed here, not on the main thread. */
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_mutex_lock (&self->size_lock);
  self->size = ms_recording_writer_get_size (self->writer);
  g_mutex_unlock (&self->size_lock);
  g_task_return_boolean (task, TRUE);
}

static void
job_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  MsRecordingAppender *self = MS_RECORDING_APPENDER (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->n_pending--;
  if (job->type == MS_RECORDING_RECORD_PROFILE)
    self->n_pending_profiles--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_signal_emit (self, signals[FAILED], 0, error);
  else
    g_signal_emit (self, signals[APPENDED], 0, (guint) job->type);
}

static void
queue (MsRecordingAppender *self,
       Job                 *job,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback != NULL ? callback : job_done, user_data);

  g_task_set_source_tag (task, queue);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->n_pending++;
  if (job->type == MS_RECORDING_RECORD_PROFILE)
    self->n_pending_profiles++;
  g_thread_pool_push (self->pool, task, NULL);
}

/**
 * ms_recording_appender_new:
 * @path: the recording to create; a file there is replaced once the first record
 *   is written (the caller checks that it may be)
 */
MsRecordingAppender *
ms_recording_appender_new (const char *path)
{
  MsRecordingAppender *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MS_TYPE_RECORDING_APPENDER, NULL);
  self->path = g_strdup (path);
  /* One thread: records are written in the order they were queued. */
  self->pool = g_thread_pool_new (run_job, self, 1, FALSE, NULL);
  return self;
}

const char *
ms_recording_appender_get_path (MsRecordingAppender *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_APPENDER (self), NULL);
  return self->path;
}

guint
ms_recording_appender_get_n_pending (MsRecordingAppender *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_APPENDER (self), 0);
  return self->n_pending;
}

/* Profiles queued and not yet written. */
guint
ms_recording_appender_get_n_pending_profiles (MsRecordingAppender *self)
{
  g_return_val_if_fail (MS_IS_RECORDING_APPENDER (self), 0);
  return self->n_pending_profiles;
}

/* Bytes of the file written so far (as of the last record written). */
guint64
ms_recording_appender_get_size (MsRecordingAppender *self)
{
  guint64 size;

  g_return_val_if_fail (MS_IS_RECORDING_APPENDER (self), 0);
  g_mutex_lock (&self->size_lock);
  size = self->size;
  g_mutex_unlock (&self->size_lock);
  return size;
}

static Job *
job_new (guint8 type,
         gint64 time_us)
{
  Job *job = g_new0 (Job, 1);

  job->type = type;
  job->time_us = time_us;
  return job;
}

static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autofree char *text = NULL;

  if (object == NULL)
    return NULL;
  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  copy = json_from_string (text, NULL);
  return copy != NULL ? json_node_dup_object (copy) : NULL;
}

void
ms_recording_appender_add_metadata (MsRecordingAppender *self,
                                    gint64               time_us,
                                    JsonObject          *browser,
                                    JsonObject          *target,
                                    JsonObject          *sampling)
{
  Job *job;

  g_return_if_fail (MS_IS_RECORDING_APPENDER (self));

  /* Objects are not thread-safe: the worker gets its own copies. */
  job = job_new (MS_RECORDING_RECORD_METADATA, time_us);
  job->browser = copy_object (browser);
  job->target = copy_object (target);
  job->sampling = copy_object (sampling);
  queue (self, job, NULL, NULL);
}

void
ms_recording_appender_add_counters (MsRecordingAppender *self,
                                    gint64               time_us,
                                    GBytes              *reply)
{
  Job *job;

  g_return_if_fail (MS_IS_RECORDING_APPENDER (self));
  g_return_if_fail (reply != NULL);

  job = job_new (MS_RECORDING_RECORD_COUNTERS, time_us);
  job->bytes = g_bytes_ref (reply);
  queue (self, job, NULL, NULL);
}

void
ms_recording_appender_add_profile (MsRecordingAppender *self,
                                   gint64               time_us,
                                   const char          *method,
                                   GBytes              *reply,
                                   guint                n_samples,
                                   guint64              total_bytes)
{
  Job *job;

  g_return_if_fail (MS_IS_RECORDING_APPENDER (self));
  g_return_if_fail (method != NULL && reply != NULL);

  job = job_new (MS_RECORDING_RECORD_PROFILE, time_us);
  job->bytes = g_bytes_ref (reply);
  job->text = g_strdup (method);
  job->n_samples = n_samples;
  job->size = total_bytes;
  queue (self, job, NULL, NULL);
}

void
ms_recording_appender_add_alarm (MsRecordingAppender *self,
                                 gint64               time_us,
                                 guint64              size,
                                 guint64              total,
                                 const char * const  *stack)
{
  Job *job;

  g_return_if_fail (MS_IS_RECORDING_APPENDER (self));

  job = job_new (MS_RECORDING_RECORD_ALARM, time_us);
  job->size = size;
  job->total = total;
  job->stack = g_strdupv ((char **) stack);
  queue (self, job, NULL, NULL);
}

void
ms_recording_appender_add_action (MsRecordingAppender *self,
                                  gint64               time_us,
                                  const char          *kind,
                                  const char          *detail)
{
  Job *job;

  g_return_if_fail (MS_IS_RECORDING_APPENDER (self));
  g_return_if_fail (kind != NULL);

  job = job_new (MS_RECORDING_RECORD_ACTION, time_us);
  job->text = g_strdup (kind);
  job->detail = g_strdup (detail);
  queue (self, job, NULL, NULL);
}

static void
close_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  MsRecordingAppender *self = MS_RECORDING_APPENDER (object);
  GError *error = NULL;

  self->n_pending--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (outer, error);
  else
    g_task_return_boolean (outer, TRUE);
}

void
ms_recording_appender_close_async (MsRecordingAppender *self,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (MS_IS_RECORDING_APPENDER (self));

  outer = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (outer, ms_recording_appender_close_async);
  queue (self, job_new (MS_RECORDING_RECORD_END, g_get_real_time ()), close_done, outer);
}

gboolean
ms_recording_appender_close_finish (MsRecordingAppender  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
