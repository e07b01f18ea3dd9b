/* ms-profile-symbols.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-symbols"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ms-profile-symbols.h"
#include "ms-symbol-request.h"
#include "ms-symbols-build-id.h"

/* Names the frames of an #MsProfile with an #MsSymbolizer: one
 * #MsSymbolRequest per module that has frames, resolved off the profile's
 * thread, then ms_profile_set_frame_symbol() for every frame that resolved.
 * Frames outside every module, and frames that did not resolve, are left
 * alone and keep their `module+0xoffset` label.
 *
 * A frame that is the caller in some stack holds a return address, the
 * instruction after the call: it is looked up at its offset minus one, so
 * that it names the call's function and line even when the call was the last
 * instruction of its function. The frame's address and offset do not change.
 * Leaf frames are looked up at their offset as it is.
 *
 * Progress: connect to #MsSymbolizer::progress on the symbolizer given. It
 * is emitted on the thread-default main context of the caller of
 * ms_profile_symbolize_async() (in the calling thread for
 * ms_profile_symbolize()), with a last fraction of 1 before the callback
 * runs. It follows whatever the symbolizer resolves, so share a symbolizer
 * between concurrent calls only when one progress bar for all is meant.
 *
 * Threads: an #MsProfile is not thread-safe. The profile is read when the
 * call is made and written in the callback, both on the caller's thread; the
 * worker thread only sees copies of the module offsets. Do not use the
 * profile from another thread meanwhile.
 */

typedef struct
{
  guint       frame_index;
  /* The request's; NULL when the module has no usable build-id */
  const char *build_id;
  guint64     lookup_offset;
} FrameLookup;

typedef struct
{
  MsProfile *profile;
  /* MsSymbolRequest, in module order */
  GPtrArray *requests;
  /* FrameLookup */
  GArray    *lookups;
} SymbolizeJob;

static void
symbolize_job_free (SymbolizeJob *job)
{
  g_clear_object (&job->profile);
  g_clear_pointer (&job->requests, g_ptr_array_unref);
  g_clear_pointer (&job->lookups, g_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SymbolizeJob, symbolize_job_free)

static int
compare_offsets (const void *a,
                 const void *b)
{
  guint64 x = *(const guint64 *) a;
  guint64 y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* Chromium names the main executable's module by the renderer's command
 * line, often cut short, so a directory hint cannot be joined with it: look
 * for the executable under the names the browser goes by. */
static char *
main_executable_hint (MsProfile  *profile,
                      const char *path_hint)
{
  const char *names[] = { ms_profile_get_browser_name (profile), "chromium", "chrome" };

  if (path_hint == NULL || path_hint[0] == '\0')
    return NULL;

  if (!g_file_test (path_hint, G_FILE_TEST_IS_DIR))
    return g_strdup (path_hint);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = NULL;

      if (names[i] == NULL || names[i][0] == '\0' || strchr (names[i], G_DIR_SEPARATOR) != NULL)
        continue;

      path = g_build_filename (path_hint, names[i], NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  return g_strdup (path_hint);
}

static MsSymbolRequest *
create_request (MsProfile  *profile,
                guint       module_index,
                const char *path_hint)
{
  g_autofree char *build_id = NULL;
  g_autofree char *hint = NULL;
  const char *profile_build_id = NULL;
  const char *name;
  MsSymbolRequest *request;

  /* The profile already dropped Chromium's age digit from the uuid */
  name = ms_profile_get_module (profile, module_index, &profile_build_id, NULL, NULL);
  if (profile_build_id != NULL && profile_build_id[0] != '\0')
    build_id = ms_symbols_build_id_normalize (profile_build_id, NULL);

  if (ms_profile_module_is_main_executable (profile, module_index))
    {
      /* The command line would make a poor name in a report */
      name = ms_profile_get_module_display_name (profile, module_index);
      hint = main_executable_hint (profile, path_hint);
    }
  else if (path_hint != NULL && g_file_test (path_hint, G_FILE_TEST_IS_DIR))
    {
      /* A directory, say a Chromium build's output, may hold the libraries
       * too; the symbolizer looks there for the module's basename. An
       * absolute module name is tried by the symbolizer itself. */
      hint = g_strdup (path_hint);
    }

  request = ms_symbol_request_new (build_id, name);
  ms_symbol_request_set_path_hint (request, hint);

  return request;
}

typedef struct
{
  MsSymbolRequest *request;
  GArray          *offsets;
} ModuleBatch;

static void
module_batch_clear (gpointer data)
{
  ModuleBatch *batch = data;

  g_clear_pointer (&batch->request, ms_symbol_request_unref);
  g_clear_pointer (&batch->offsets, g_array_unref);
}

/* Reads everything the worker needs from the profile, on the caller's thread. */
static SymbolizeJob *
symbolize_job_new (MsProfile  *profile,
                   const char *path_hint)
{
  g_autoptr(SymbolizeJob) job = g_new0 (SymbolizeJob, 1);
  g_autoptr(GArray) batches = NULL;
  g_autofree guint8 *is_caller = NULL;
  guint n_frames = ms_profile_get_n_frames (profile);
  guint n_modules = ms_profile_get_n_modules (profile);
  guint n_samples = ms_profile_get_n_samples (profile);

  job->profile = g_object_ref (profile);
  job->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_symbol_request_unref);
  job->lookups = g_array_new (FALSE, FALSE, sizeof (FrameLookup));

  is_caller = g_new0 (guint8, MAX (n_frames, 1));
  for (guint i = 0; i < n_samples; i++)
    {
      guint depth = 0;
      const guint32 *stack = ms_profile_get_sample (profile, i, NULL, NULL, &depth);

      /* Leaf first: every frame after the first called the one before it */
      for (guint j = 1; j < depth; j++)
        is_caller[stack[j]] = 1;
    }

  /* One batch per module, left empty for a module without frames */
  batches = g_array_sized_new (FALSE, TRUE, sizeof (ModuleBatch), n_modules);
  g_array_set_clear_func (batches, module_batch_clear);
  g_array_set_size (batches, n_modules);

  for (guint i = 0; i < n_frames; i++)
    {
      FrameLookup lookup;
      ModuleBatch *batch;
      guint module_index = MS_PROFILE_NO_MODULE;
      guint64 offset = 0;

      ms_profile_get_frame (profile, i, &module_index, &offset, NULL, NULL);
      if (module_index == MS_PROFILE_NO_MODULE || module_index >= n_modules)
        continue;

      batch = &g_array_index (batches, ModuleBatch, module_index);
      if (batch->request == NULL)
        {
          batch->request = create_request (profile, module_index, path_hint);
          batch->offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
        }

      lookup.frame_index = i;
      lookup.build_id = ms_symbol_request_get_build_id (batch->request);
      lookup.lookup_offset = is_caller[i] && offset > 0 ? offset - 1 : offset;
      g_array_append_val (batch->offsets, lookup.lookup_offset);

      if (lookup.build_id != NULL)
        g_array_append_val (job->lookups, lookup);
    }

  for (guint m = 0; m < n_modules; m++)
    {
      ModuleBatch *batch = &g_array_index (batches, ModuleBatch, m);
      guint n_unique = 0;

      if (batch->request == NULL)
        continue;

      /* Each offset once, in order: what the symbolizer resolves and
       * counts in its report */
      qsort (batch->offsets->data, batch->offsets->len, sizeof (guint64), compare_offsets);
      for (guint k = 0; k < batch->offsets->len; k++)
        {
          guint64 offset = g_array_index (batch->offsets, guint64, k);

          if (n_unique == 0 || g_array_index (batch->offsets, guint64, n_unique - 1) != offset)
            g_array_index (batch->offsets, guint64, n_unique++) = offset;
        }

      ms_symbol_request_add_offsets (batch->request,
                                     (const guint64 *)(gpointer) batch->offsets->data, n_unique);
      g_ptr_array_add (job->requests, ms_symbol_request_ref (batch->request));
    }

  return g_steal_pointer (&job);
}

/* On the caller's thread, the profile's only one */
static void
symbolize_job_apply (SymbolizeJob    *job,
                     MsSymbolResults *results)
{
  guint n_set = 0;

  for (guint i = 0; i < job->lookups->len; i++)
    {
      const FrameLookup *lookup = &g_array_index (job->lookups, FrameLookup, i);
      MsSymbol *symbol;

      symbol = ms_symbol_results_lookup (results, lookup->build_id, lookup->lookup_offset);
      if (symbol == NULL || ms_symbol_get_name (symbol) == NULL)
        continue;

      ms_profile_set_frame_symbol (job->profile, lookup->frame_index,
                                   ms_symbol_get_name (symbol),
                                   ms_symbol_get_file (symbol),
                                   ms_symbol_get_line (symbol));
      n_set++;
    }

  g_debug ("Named %u of %u frames in %u modules",
           n_set, ms_profile_get_n_frames (job->profile), job->requests->len);
}

/**
 * ms_profile_symbolize:
 * @profile: a #MsProfile
 * @symbolizer: the symbolizer, with its search directories and cache
 * @path_hint: (nullable): the main executable (e.g.
 *   `/usr/lib/chromium/chromium`), or a directory holding it and perhaps
 *   the other modules
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a %G_IO_ERROR_CANCELLED
 *
 * Resolves in the calling thread, which it blocks: for the CLI and tests.
 * A module that cannot be symbolized is not an error; its report says why.
 * On error no frame was renamed.
 *
 * Returns: (transfer full): the symbols, looked up at the offsets described
 *   above, and one #MsSymbolModuleReport per module that has frames
 */
MsSymbolResults *
ms_profile_symbolize (MsProfile     *profile,
                      MsSymbolizer  *symbolizer,
                      const char    *path_hint,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(SymbolizeJob) job = NULL;
  g_autoptr(MsSymbolResults) results = NULL;

  g_return_val_if_fail (MS_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (MS_IS_SYMBOLIZER (symbolizer), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  job = symbolize_job_new (profile, path_hint);
  results = ms_symbolizer_resolve (symbolizer, job->requests, cancellable, error);
  if (results == NULL)
    return NULL;

  symbolize_job_apply (job, results);

  return g_steal_pointer (&results);
}

static void
ms_profile_symbolize_resolved_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(MsSymbolResults) results = NULL;
  g_autoptr(GError) error = NULL;
  SymbolizeJob *job = g_task_get_task_data (task);

  results = ms_symbolizer_resolve_finish (MS_SYMBOLIZER (object), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Cancelled while the last module resolved: keep the promise that a
   * cancelled call renames nothing */
  if (g_task_return_error_if_cancelled (task))
    return;

  /* The symbolizer's callback runs on our caller's thread-default context,
   * so this is the profile's thread */
  symbolize_job_apply (job, results);

  g_task_return_pointer (task, g_steal_pointer (&results), (GDestroyNotify) ms_symbol_results_unref);
}

/**
 * ms_profile_symbolize_async:
 * @profile: a #MsProfile
 * @symbolizer: the symbolizer, with its search directories and cache
 * @path_hint: (nullable): the main executable, or a directory holding it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Reads the profile's frames now, resolves them in a worker thread, and
 * sets the frames' symbols on the caller's thread-default main context just
 * before @callback runs: from @callback on, %MS_LABEL_MODE_SYMBOL labels use
 * them. Flame trees built earlier keep their labels; build them again.
 */
void
ms_profile_symbolize_async (MsProfile           *profile,
                            MsSymbolizer        *symbolizer,
                            const char          *path_hint,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SymbolizeJob *job;

  g_return_if_fail (MS_IS_PROFILE (profile));
  g_return_if_fail (MS_IS_SYMBOLIZER (symbolizer));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (profile, cancellable, callback, user_data);
  g_task_set_source_tag (task, ms_profile_symbolize_async);
  g_task_set_name (task, "[memscope] profile symbolize");
  /* Once the symbols are set, the call succeeded, whatever happens to the
   * cancellable before the caller looks: results ⇔ renamed frames */
  g_task_set_check_cancellable (task, FALSE);

  job = symbolize_job_new (profile, path_hint);
  g_task_set_task_data (task, job, (GDestroyNotify) symbolize_job_free);

  ms_symbolizer_resolve_async (symbolizer, job->requests, cancellable,
                               ms_profile_symbolize_resolved_cb, g_steal_pointer (&task));
}

/**
 * ms_profile_symbolize_finish:
 * @profile: a #MsProfile
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full): the symbols and one #MsSymbolModuleReport per
 *   module that has frames, or %NULL with @error set, in which case no frame
 *   was renamed
 */
MsSymbolResults *
ms_profile_symbolize_finish (MsProfile     *profile,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (MS_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (g_task_is_valid (result, profile), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ms_profile_symbolize_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
