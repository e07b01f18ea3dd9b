/* ms-symbolizer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include "ms-symbol-module-private.h"
#include "ms-symbol-request.h"
#include "ms-symbol-results-private.h"
#include "ms-symbolizer.h"
#include "ms-symbols-build-id.h"

#define DEFAULT_SEARCH_DIR "/usr/lib/debug"

/* Progress is reported in steps of at least this much, so that a profile of
 * a hundred thousand frames does not flood the main loop. */
#define PROGRESS_STEP 0.01

struct _MsSymbolizer
{
  GObject     parent_instance;

  /* Guards everything below: jobs read the settings and share the cache from
   * worker threads. */
  GMutex      mutex;
  char      **search_dirs;
  gboolean    use_debuginfod;
  /* Bumped whenever a setting changes, so that a job started before the change
   * does not store its failures in the cache. */
  guint       generation;
  /* lower-case build-id → MsSymbolModule */
  GHashTable *modules;
};

G_DEFINE_FINAL_TYPE (MsSymbolizer, ms_symbolizer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SEARCH_DIRS,
  PROP_USE_DEBUGINFOD,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  GPtrArray     *requests;
  char         **search_dirs;
  gboolean       use_debuginfod;
  guint          generation;
  /* Where progress goes; NULL to emit it from the resolving thread itself */
  GMainContext  *context;
  double         last_progress;
} ResolveJob;

static void
resolve_job_free (ResolveJob *job)
{
  g_clear_pointer (&job->requests, g_ptr_array_unref);
  g_clear_pointer (&job->search_dirs, g_strfreev);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ResolveJob, resolve_job_free)

typedef struct
{
  MsSymbolizer *self;
  double        fraction;
} ProgressEmission;

static void
progress_emission_free (gpointer data)
{
  ProgressEmission *emission = data;

  g_object_unref (emission->self);
  g_free (emission);
}

static gboolean
emit_progress_cb (gpointer data)
{
  ProgressEmission *emission = data;

  g_signal_emit (emission->self, signals[PROGRESS], 0, emission->fraction);

  return G_SOURCE_REMOVE;
}

static void
resolve_job_report_progress (MsSymbolizer *self,
                             ResolveJob   *job,
                             double        fraction)
{
  g_autoptr(GSource) source = NULL;
  ProgressEmission *emission;

  fraction = CLAMP (fraction, 0.0, 1.0);
  if (fraction < 1.0 && fraction - job->last_progress < PROGRESS_STEP)
    return;
  if (fraction == job->last_progress)
    return;
  job->last_progress = fraction;

  if (job->context == NULL)
    {
      g_signal_emit (self, signals[PROGRESS], 0, fraction);
      return;
    }

  /* Not g_main_context_invoke(): it may run the function right here, in the
   * worker, when nobody holds the context at this instant. */
  emission = g_new0 (ProgressEmission, 1);
  emission->self = g_object_ref (self);
  emission->fraction = fraction;

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_progress_cb, emission, progress_emission_free);
  g_source_set_static_name (source, "[memscope] symbolizer progress");
  g_source_attach (source, job->context);
}

static gboolean
can_reuse (MsSymbolizer    *self,
           MsSymbolModule  *module,
           MsSymbolRequest *request)
{
  /* A module whose build-id matched stays right whatever changes; a failed
   * search is only as good as the settings and hints it was made with. */
  if (ms_symbol_module_get_status (module) == MS_SYMBOL_MODULE_SYMBOLIZED)
    return TRUE;

  return ms_symbol_module_was_loaded_for (module,
                                          ms_symbol_request_get_module_name (request),
                                          ms_symbol_request_get_path_hint (request));
}

static MsSymbolModule *
ms_symbolizer_get_module (MsSymbolizer    *self,
                          ResolveJob      *job,
                          MsSymbolRequest *request,
                          const char      *key,
                          GCancellable    *cancellable)
{
  MsSymbolModule *module;

  if (key != NULL)
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

      module = g_hash_table_lookup (self->modules, key);
      if (module != NULL && can_reuse (self, module, request))
        return ms_symbol_module_ref (module);
    }

  module = ms_symbol_module_load (ms_symbol_request_get_build_id (request),
                                  ms_symbol_request_get_module_name (request),
                                  ms_symbol_request_get_path_hint (request),
                                  (const char * const *) job->search_dirs,
                                  job->use_debuginfod,
                                  cancellable);

  if (key != NULL && !g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

      if (ms_symbol_module_get_status (module) == MS_SYMBOL_MODULE_SYMBOLIZED
          || job->generation == self->generation)
        g_hash_table_replace (self->modules, g_strdup (key), ms_symbol_module_ref (module));
    }

  return module;
}

static MsSymbolResults *
ms_symbolizer_run (MsSymbolizer  *self,
                   ResolveJob    *job,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(MsSymbolResults) results = ms_symbol_results_new ();
  guint64 total_units = 0;
  guint64 done_units = 0;

  /* Opening a module weighs as much as resolving one offset: small enough not
   * to stall the bar on large profiles, large enough to move it on tiny ones. */
  for (guint i = 0; i < job->requests->len; i++)
    {
      gsize n_offsets;

      ms_symbol_request_get_offsets (g_ptr_array_index (job->requests, i), &n_offsets);
      total_units += n_offsets + 1;
    }

  for (guint i = 0; i < job->requests->len; i++)
    {
      MsSymbolRequest *request = g_ptr_array_index (job->requests, i);
      g_autoptr(MsSymbolModuleReport) report = NULL;
      g_autoptr(MsSymbolModule) module = NULL;
      g_autofree char *key = NULL;
      const guint64 *offsets;
      gsize n_offsets;
      guint n_resolved = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      key = ms_symbols_build_id_normalize (ms_symbol_request_get_build_id (request), NULL);
      module = ms_symbolizer_get_module (self, job, request, key, cancellable);
      done_units++;
      resolve_job_report_progress (self, job, (double) done_units / total_units);

      offsets = ms_symbol_request_get_offsets (request, &n_offsets);
      for (gsize j = 0; j < n_offsets; j++)
        {
          g_autoptr(MsSymbol) symbol = NULL;

          if (j % 256 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;

          symbol = ms_symbol_module_lookup (module, offsets[j]);
          if (symbol != NULL)
            {
              n_resolved++;
              ms_symbol_results_add_symbol (results, key, symbol);
            }

          done_units++;
          resolve_job_report_progress (self, job, (double) done_units / total_units);
        }

      report = ms_symbol_module_create_report (module,
                                               ms_symbol_request_get_module_name (request),
                                               n_offsets, n_resolved);
      ms_symbol_results_add_report (results, report);
    }

  resolve_job_report_progress (self, job, 1.0);

  return g_steal_pointer (&results);
}

static ResolveJob *
ms_symbolizer_create_job (MsSymbolizer *self,
                          GPtrArray    *requests)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  ResolveJob *job;

  job = g_new0 (ResolveJob, 1);
  job->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_symbol_request_unref);
  for (guint i = 0; i < requests->len; i++)
    g_ptr_array_add (job->requests, ms_symbol_request_ref (g_ptr_array_index (requests, i)));
  job->search_dirs = g_strdupv (self->search_dirs);
  job->use_debuginfod = self->use_debuginfod;
  job->generation = self->generation;
  job->last_progress = 0.0;

  return job;
}

static void
ms_symbolizer_finalize (GObject *object)
{
  MsSymbolizer *self = (MsSymbolizer *) object;

  g_clear_pointer (&self->search_dirs, g_strfreev);
  g_clear_pointer (&self->modules, g_hash_table_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (ms_symbolizer_parent_class)->finalize (object);
}

static void
ms_symbolizer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MsSymbolizer *self = MS_SYMBOLIZER (object);

  switch (prop_id)
    {
    case PROP_SEARCH_DIRS:
      g_value_take_boxed (value, ms_symbolizer_dup_search_dirs (self));
      break;

    case PROP_USE_DEBUGINFOD:
      g_value_set_boolean (value, ms_symbolizer_get_use_debuginfod (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_symbolizer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MsSymbolizer *self = MS_SYMBOLIZER (object);

  switch (prop_id)
    {
    case PROP_SEARCH_DIRS:
      ms_symbolizer_set_search_dirs (self, g_value_get_boxed (value));
      break;

    case PROP_USE_DEBUGINFOD:
      ms_symbolizer_set_use_debuginfod (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_symbolizer_class_init (MsSymbolizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ms_symbolizer_finalize;
  object_class->get_property = ms_symbolizer_get_property;
  object_class->set_property = ms_symbolizer_set_property;

  /**
   * MsSymbolizer:search-dirs:
   *
   * Directories searched for `.build-id/xx/yyyy.debug` and for files named
   * like a module. Defaults to `/usr/lib/debug`.
   */
  properties[PROP_SEARCH_DIRS] =
    g_param_spec_boxed ("search-dirs", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * MsSymbolizer:use-debuginfod:
   *
   * Whether to ask debuginfod servers for ELF and debug files not found
   * locally. Only has an effect when `DEBUGINFOD_URLS` is set, and defaults to
   * whether it is.
   */
  properties[PROP_USE_DEBUGINFOD] =
    g_param_spec_boolean ("use-debuginfod", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsSymbolizer::progress:
   * @self: the symbolizer
   * @fraction: how much of the running resolve is done, from 0 to 1
   *
   * Emitted while resolving: by ms_symbolizer_resolve_async() on the
   * thread-default main context of its caller, by ms_symbolizer_resolve()
   * in the calling thread. The last emission of a successful resolve has
   * @fraction 1 and comes before the async callback.
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_DOUBLE);
}

static void
ms_symbolizer_init (MsSymbolizer *self)
{
  const char *urls = g_getenv ("DEBUGINFOD_URLS");

  g_mutex_init (&self->mutex);
  self->search_dirs = g_new0 (char *, 2);
  self->search_dirs[0] = g_strdup (DEFAULT_SEARCH_DIR);
  self->use_debuginfod = urls != NULL && urls[0] != '\0';
  self->modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) ms_symbol_module_unref);
}

MsSymbolizer *
ms_symbolizer_new (void)
{
  return g_object_new (MS_TYPE_SYMBOLIZER, NULL);
}

/**
 * ms_symbolizer_dup_search_dirs:
 *
 * Returns: (transfer full): the search directories
 */
char **
ms_symbolizer_dup_search_dirs (MsSymbolizer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (MS_IS_SYMBOLIZER (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return g_strdupv (self->search_dirs);
}

/* Must be called with the mutex held. */
static void
forget_failures (MsSymbolizer *self)
{
  GHashTableIter iter;
  gpointer value;

  self->generation++;

  g_hash_table_iter_init (&iter, self->modules);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (ms_symbol_module_get_status (value) != MS_SYMBOL_MODULE_SYMBOLIZED)
        g_hash_table_iter_remove (&iter);
    }
}

/**
 * ms_symbolizer_set_search_dirs:
 * @search_dirs: (nullable) (array zero-terminated=1): the directories, replacing
 *   the default `/usr/lib/debug` (pass it again to keep it)
 */
void
ms_symbolizer_set_search_dirs (MsSymbolizer       *self,
                               const char * const *search_dirs)
{
  static const char * const no_dirs[] = { NULL };

  g_return_if_fail (MS_IS_SYMBOLIZER (self));

  if (search_dirs == NULL)
    search_dirs = no_dirs;

  g_mutex_lock (&self->mutex);
  if (g_strv_equal ((const char * const *) self->search_dirs, search_dirs))
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  g_strfreev (self->search_dirs);
  self->search_dirs = g_strdupv ((char **) search_dirs);
  forget_failures (self);
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_DIRS]);
}

void
ms_symbolizer_add_search_dir (MsSymbolizer *self,
                              const char   *search_dir)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) search_dirs = NULL;

  g_return_if_fail (MS_IS_SYMBOLIZER (self));
  g_return_if_fail (search_dir != NULL);

  builder = g_strv_builder_new ();
  g_mutex_lock (&self->mutex);
  g_strv_builder_addv (builder, (const char **) self->search_dirs);
  g_mutex_unlock (&self->mutex);
  g_strv_builder_add (builder, search_dir);
  search_dirs = g_strv_builder_end (builder);

  ms_symbolizer_set_search_dirs (self, (const char * const *) search_dirs);
}

gboolean
ms_symbolizer_get_use_debuginfod (MsSymbolizer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (MS_IS_SYMBOLIZER (self), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  return self->use_debuginfod;
}

void
ms_symbolizer_set_use_debuginfod (MsSymbolizer *self,
                                  gboolean      use_debuginfod)
{
  g_return_if_fail (MS_IS_SYMBOLIZER (self));

  use_debuginfod = !!use_debuginfod;

  g_mutex_lock (&self->mutex);
  if (self->use_debuginfod == use_debuginfod)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->use_debuginfod = use_debuginfod;
  forget_failures (self);
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_DEBUGINFOD]);
}

/**
 * ms_symbolizer_clear_cache:
 *
 * Closes every ELF file the symbolizer keeps open, and forgets what it resolved.
 */
void
ms_symbolizer_clear_cache (MsSymbolizer *self)
{
  g_return_if_fail (MS_IS_SYMBOLIZER (self));

  g_mutex_lock (&self->mutex);
  self->generation++;
  g_hash_table_remove_all (self->modules);
  g_mutex_unlock (&self->mutex);
}

/**
 * ms_symbolizer_resolve:
 * @requests: (element-type MsSymbolRequest): the modules and offsets to resolve
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError (only %G_IO_ERROR_CANCELLED)
 *
 * Resolves in the calling thread, which it blocks: for the CLI and for
 * threads. A module that cannot be symbolized is not an error; its report
 * says why.
 *
 * Returns: (transfer full): the symbols and one report per request
 */
MsSymbolResults *
ms_symbolizer_resolve (MsSymbolizer  *self,
                       GPtrArray     *requests,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(ResolveJob) job = NULL;

  g_return_val_if_fail (MS_IS_SYMBOLIZER (self), NULL);
  g_return_val_if_fail (requests != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  job = ms_symbolizer_create_job (self, requests);

  return ms_symbolizer_run (self, job, cancellable, error);
}

static void
resolve_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  MsSymbolizer *self = source_object;
  ResolveJob *job = task_data;
  g_autoptr(GError) error = NULL;
  MsSymbolResults *results;

  results = ms_symbolizer_run (self, job, cancellable, &error);
  if (results == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, results, (GDestroyNotify) ms_symbol_results_unref);
}

/**
 * ms_symbolizer_resolve_async:
 * @requests: (element-type MsSymbolRequest): the modules and offsets to resolve;
 *   the requests must not change until @callback runs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Resolves in a worker thread. #MsSymbolizer::progress is emitted on the
 * caller's thread-default main context meanwhile.
 */
void
ms_symbolizer_resolve_async (MsSymbolizer        *self,
                             GPtrArray           *requests,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ResolveJob *job;

  g_return_if_fail (MS_IS_SYMBOLIZER (self));
  g_return_if_fail (requests != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = ms_symbolizer_create_job (self, requests);
  job->context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_symbolizer_resolve_async);
  g_task_set_name (task, "[memscope] symbolizer resolve");
  g_task_set_task_data (task, job, (GDestroyNotify) resolve_job_free);
  g_task_run_in_thread (task, resolve_in_thread);
}

/**
 * ms_symbolizer_resolve_finish:
 *
 * Returns: (transfer full): the symbols and one report per request, or %NULL
 *   with %G_IO_ERROR_CANCELLED
 */
MsSymbolResults *
ms_symbolizer_resolve_finish (MsSymbolizer  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (MS_IS_SYMBOLIZER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_symbolizer_resolve_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
