/* ms-allocation-alarm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <string.h>

#include "ms-allocation-alarm.h"
#include "ms-profile-private.h"

/**
 * MsAllocationAlarm:
 *
 * After memorymonitor's AllocationAlarm, for sampled heap profiles: armed with
 * a minimum size, it compares each profile handed to
 * ms_allocation_alarm_check() with the one before and emits
 * #MsAllocationAlarm::fired for every sample that newly appeared and whose
 * `size` is at least the minimum, except the first N that
 * ms_allocation_alarm_ignore() asked to skip.
 *
 * **Only live allocations are reported.** A profile holds the sampled
 * allocations still alive when it was taken, so an allocation made and freed
 * between two polls is never seen and cannot fire the alarm, however large.
 * Poll more often to catch shorter-lived ones.
 *
 * **What "newly appeared" means.** A sample's identity is its stack (the
 * sequence of frame addresses), its `size` and its `total`. Profiles are
 * compared as multisets of identities: when an identity occurs k times in the
 * previous profile and m > k times in the new one, the alarm fires m − k
 * times, for the last m − k of those samples in the new profile. Identities
 * are compared by a 128-bit digest of the address sequence, so two different
 * stacks could in theory collide; the chance is negligible (about n²/2^129).
 *
 * The first profile checked only sets the baseline. Profiles checked while
 * disarmed also move the baseline, without firing.
 */
struct _MsAllocationAlarm
{
  GObject     parent_instance;

  GHashTable *previous;   /* Identity* -> count */
  guint64     min_bytes;
  guint       ignore_count;
  guint       armed : 1;
  guint       have_baseline : 1;
};

typedef struct
{
  guint64 digest[2];
  guint64 size;
  guint64 total;
} Identity;

enum {
  PROP_0,
  PROP_ARMED,
  PROP_MIN_BYTES,
  PROP_IGNORE_COUNT,
  N_PROPS
};

enum {
  FIRED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MsAllocationAlarm, ms_allocation_alarm, G_TYPE_OBJECT)

static guint
identity_hash (gconstpointer key)
{
  const Identity *id = key;

  return (guint)(id->digest[0] ^ (id->digest[1] >> 7) ^ (id->size * 31) ^ (id->total * 131));
}

static gboolean
identity_equal (gconstpointer a,
                gconstpointer b)
{
  return memcmp (a, b, sizeof (Identity)) == 0;
}

static GHashTable *
identity_table_new (void)
{
  return g_hash_table_new_full (identity_hash, identity_equal, g_free, NULL);
}

static void
ms_allocation_alarm_finalize (GObject *object)
{
  MsAllocationAlarm *self = (MsAllocationAlarm *)object;

  g_clear_pointer (&self->previous, g_hash_table_unref);

  G_OBJECT_CLASS (ms_allocation_alarm_parent_class)->finalize (object);
}

static void
ms_allocation_alarm_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MsAllocationAlarm *self = MS_ALLOCATION_ALARM (object);

  switch (prop_id)
    {
    case PROP_ARMED:
      g_value_set_boolean (value, self->armed);
      break;
    case PROP_MIN_BYTES:
      g_value_set_uint64 (value, self->min_bytes);
      break;
    case PROP_IGNORE_COUNT:
      g_value_set_uint (value, self->ignore_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_allocation_alarm_class_init (MsAllocationAlarmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ms_allocation_alarm_finalize;
  object_class->get_property = ms_allocation_alarm_get_property;

  properties[PROP_ARMED] =
    g_param_spec_boolean ("armed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIN_BYTES] =
    g_param_spec_uint64 ("min-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IGNORE_COUNT] =
    g_param_spec_uint ("ignore-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MsAllocationAlarm::fired:
   * @self: the alarm
   * @profile: the profile just checked
   * @sample_index: the newly appeared sample; its size and stack are
   *   ms_profile_get_sample (@profile, @sample_index, …)
   *
   * A newly appeared live allocation of at least the minimum size.
   */
  signals[FIRED] =
    g_signal_new ("fired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, MS_TYPE_PROFILE, G_TYPE_UINT);
}

static void
ms_allocation_alarm_init (MsAllocationAlarm *self)
{
  self->previous = identity_table_new ();
}

MsAllocationAlarm *
ms_allocation_alarm_new (void)
{
  return g_object_new (MS_TYPE_ALLOCATION_ALARM, NULL);
}

static void
set_armed (MsAllocationAlarm *self,
           gboolean           armed,
           guint64            min_bytes)
{
  if (self->armed != !!armed)
    {
      self->armed = !!armed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARMED]);
    }
  if (self->min_bytes != min_bytes)
    {
      self->min_bytes = min_bytes;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_BYTES]);
    }
}

/**
 * ms_allocation_alarm_arm_bytes:
 * @min_bytes: the smallest `size` that fires
 *
 * Arms the alarm. Only live allocations are reported: one freed between two
 * polls cannot fire.
 */
void
ms_allocation_alarm_arm_bytes (MsAllocationAlarm *self,
                               guint64            min_bytes)
{
  g_return_if_fail (MS_IS_ALLOCATION_ALARM (self));

  set_armed (self, TRUE, min_bytes);
}

/**
 * ms_allocation_alarm_arm_blocks:
 * @n_blocks: the minimum in blocks
 * @bytes_per_block: bytes in a block, 0 for 16
 *
 * Arms the alarm at @n_blocks × @bytes_per_block bytes.
 */
void
ms_allocation_alarm_arm_blocks (MsAllocationAlarm *self,
                                guint              n_blocks,
                                guint              bytes_per_block)
{
  g_return_if_fail (MS_IS_ALLOCATION_ALARM (self));

  set_armed (self, TRUE, (guint64)n_blocks * (bytes_per_block > 0 ? bytes_per_block : 16));
}

/**
 * ms_allocation_alarm_disarm:
 *
 * Stops firing and resets the ignore count to 0. The baseline is kept.
 */
void
ms_allocation_alarm_disarm (MsAllocationAlarm *self)
{
  g_return_if_fail (MS_IS_ALLOCATION_ALARM (self));

  set_armed (self, FALSE, self->min_bytes);
  if (self->ignore_count != 0)
    {
      self->ignore_count = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IGNORE_COUNT]);
    }
}

/**
 * ms_allocation_alarm_ignore:
 * @n: how many of the next firings to skip
 *
 * The next @n newly appeared samples that would fire are skipped instead
 * (replacing any count left from an earlier call).
 */
void
ms_allocation_alarm_ignore (MsAllocationAlarm *self,
                            guint              n)
{
  g_return_if_fail (MS_IS_ALLOCATION_ALARM (self));

  if (self->ignore_count != n)
    {
      self->ignore_count = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IGNORE_COUNT]);
    }
}

gboolean
ms_allocation_alarm_get_armed (MsAllocationAlarm *self)
{
  g_return_val_if_fail (MS_IS_ALLOCATION_ALARM (self), FALSE);

  return self->armed;
}

guint64
ms_allocation_alarm_get_min_bytes (MsAllocationAlarm *self)
{
  g_return_val_if_fail (MS_IS_ALLOCATION_ALARM (self), 0);

  return self->min_bytes;
}

guint
ms_allocation_alarm_get_ignore_count (MsAllocationAlarm *self)
{
  g_return_val_if_fail (MS_IS_ALLOCATION_ALARM (self), 0);

  return self->ignore_count;
}

/**
 * ms_allocation_alarm_reset:
 *
 * Forgets the baseline: the next profile checked sets it again.
 */
void
ms_allocation_alarm_reset (MsAllocationAlarm *self)
{
  g_return_if_fail (MS_IS_ALLOCATION_ALARM (self));

  /* A new table, not emptied in place: a check being computed on another thread
   * may still read the old one. */
  g_hash_table_unref (self->previous);
  self->previous = identity_table_new ();
  self->have_baseline = FALSE;
}

/**
 * MsAllocationAlarmCheck:
 *
 * One profile's check in three steps, so that the pass over its samples can run
 * off the main thread: ms_allocation_alarm_begin_check() (on the alarm's thread)
 * takes the baseline, ms_allocation_alarm_check_compute() (on any thread, once)
 * hashes every sample of the profile and finds the newly appeared ones, and
 * ms_allocation_alarm_end_check() (on the alarm's thread) makes the profile the
 * baseline and fires, exactly as ms_allocation_alarm_check() would have at that
 * moment: armed, minimum and ignore count are read then, and a baseline that
 * changed in between (a reset, another check ended) is honoured.
 */
struct _MsAllocationAlarmCheck
{
  MsProfile  *profile;
  GHashTable *baseline;   /* the alarm's table at begin; NULL: none yet */
  GHashTable *current;    /* computed */
  GArray     *appeared;   /* guint: samples with more occurrences than in @baseline */
  gboolean    computed;
};

/* The pass over @profile's samples: a table of their identities, and those that
 * occur more often than in @baseline (none when @baseline is NULL). */
static void
compare_with (MsProfile   *profile,
              GHashTable  *baseline,
              GHashTable **current_out,
              GArray     **appeared_out)
{
  GHashTable *current = identity_table_new ();
  GArray *appeared = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_samples = ms_profile_get_n_samples (profile);

  for (guint i = 0; i < n_samples; i++)
    {
      Identity id;
      gpointer value;
      guint count;

      ms_profile_get_sample (profile, i, &id.size, &id.total, NULL);
      ms_profile_get_stack_digest (profile, ms_profile_get_sample_stack (profile, i), id.digest);

      count = 1;
      if (g_hash_table_lookup_extended (current, &id, NULL, &value))
        count = GPOINTER_TO_UINT (value) + 1;
      g_hash_table_insert (current, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (count));

      /* the count-th occurrence is new when the previous profile had fewer */
      if (baseline != NULL && count > GPOINTER_TO_UINT (g_hash_table_lookup (baseline, &id)))
        g_array_append_val (appeared, i);
    }

  *current_out = current;
  *appeared_out = appeared;
}

/**
 * ms_allocation_alarm_begin_check:
 * @self: a #MsAllocationAlarm
 *
 * Starts checking the next profile; see #MsAllocationAlarmCheck.
 *
 * Returns: (transfer full): the check, for ms_allocation_alarm_check_compute()
 */
MsAllocationAlarmCheck *
ms_allocation_alarm_begin_check (MsAllocationAlarm *self)
{
  MsAllocationAlarmCheck *check;

  g_return_val_if_fail (MS_IS_ALLOCATION_ALARM (self), NULL);

  check = g_new0 (MsAllocationAlarmCheck, 1);
  if (self->have_baseline)
    check->baseline = g_hash_table_ref (self->previous);
  return check;
}

/**
 * ms_allocation_alarm_check_compute:
 * @check: a check from ms_allocation_alarm_begin_check()
 * @profile: the newest profile of the target
 *
 * The pass over @profile's samples. Runs on any thread, once; meanwhile
 * @profile must not be used on another thread.
 */
void
ms_allocation_alarm_check_compute (MsAllocationAlarmCheck *check,
                                   MsProfile              *profile)
{
  g_return_if_fail (check != NULL && !check->computed);
  g_return_if_fail (MS_IS_PROFILE (profile));

  check->profile = g_object_ref (profile);
  compare_with (check->profile, check->baseline, &check->current, &check->appeared);
  check->computed = TRUE;
}

/**
 * ms_allocation_alarm_check_free:
 * @check: (transfer full): a check
 *
 * Frees @check (and, when it is the last reference, the baseline it was compared
 * with: on a worker thread, that keeps the main thread from freeing a table of
 * every sample).
 */
void
ms_allocation_alarm_check_free (MsAllocationAlarmCheck *check)
{
  if (check == NULL)
    return;
  g_clear_object (&check->profile);
  g_clear_pointer (&check->baseline, g_hash_table_unref);
  g_clear_pointer (&check->current, g_hash_table_unref);
  g_clear_pointer (&check->appeared, g_array_unref);
  g_free (check);
}

/**
 * ms_allocation_alarm_end_check:
 * @self: the alarm that began @check
 * @check: a computed check
 *
 * Makes the checked profile the baseline and emits #MsAllocationAlarm::fired for
 * each newly appeared sample at or over the minimum (in sample order, skipping as
 * many as the ignore count says), as ms_allocation_alarm_check() does. The
 * alarm's previous baseline stays referenced by @check until it is freed.
 *
 * Returns: the number of times the alarm fired
 */
guint
ms_allocation_alarm_end_check (MsAllocationAlarm      *self,
                               MsAllocationAlarmCheck *check)
{
  g_autoptr(GArray) appeared = NULL;
  GHashTable *old;
  gboolean fire;
  guint64 min_bytes;
  guint fired = 0;

  g_return_val_if_fail (MS_IS_ALLOCATION_ALARM (self), 0);
  g_return_val_if_fail (check != NULL && check->computed, 0);

  g_object_ref (self);

  fire = self->armed && self->have_baseline;
  min_bytes = self->min_bytes;
  if (fire && check->baseline != self->previous)
    {
      /* The baseline changed since the check began: compare again with the new one. */
      g_clear_pointer (&check->current, g_hash_table_unref);
      g_clear_pointer (&check->appeared, g_array_unref);
      compare_with (check->profile, self->previous, &check->current, &check->appeared);
    }
  appeared = g_steal_pointer (&check->appeared);

  /* The old table goes with the check, to be freed where the check is. */
  old = self->previous;
  self->previous = g_steal_pointer (&check->current);
  self->have_baseline = TRUE;
  if (check->baseline == NULL)
    check->baseline = old;
  else
    g_hash_table_unref (old);

  for (guint k = 0; fire && k < appeared->len; k++)
    {
      guint i = g_array_index (appeared, guint, k);
      guint64 size;

      if (!self->armed)
        break;
      ms_profile_get_sample (check->profile, i, &size, NULL, NULL);
      if (size < min_bytes)
        continue;

      if (self->ignore_count > 0)
        {
          self->ignore_count--;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IGNORE_COUNT]);
          continue;
        }

      fired++;
      g_signal_emit (self, signals[FIRED], 0, check->profile, i);
    }

  g_object_unref (self);

  return fired;
}

/**
 * ms_allocation_alarm_check:
 * @self: a #MsAllocationAlarm
 * @profile: the newest profile of the target
 *
 * Compares @profile with the profile checked before it, emits
 * #MsAllocationAlarm::fired for each newly appeared sample at or over the
 * minimum (in sample order, skipping as many as the ignore count says), and
 * makes @profile the new baseline. Only live allocations are reported: an
 * allocation freed between the two profiles cannot fire. The same as
 * ms_allocation_alarm_begin_check(), ms_allocation_alarm_check_compute() and
 * ms_allocation_alarm_end_check() in a row.
 *
 * Returns: the number of times the alarm fired
 */
guint
ms_allocation_alarm_check (MsAllocationAlarm *self,
                           MsProfile         *profile)
{
  MsAllocationAlarmCheck *check;
  guint fired;

  g_return_val_if_fail (MS_IS_ALLOCATION_ALARM (self), 0);
  g_return_val_if_fail (MS_IS_PROFILE (profile), 0);

  check = ms_allocation_alarm_begin_check (self);
  ms_allocation_alarm_check_compute (check, profile);
  fired = ms_allocation_alarm_end_check (self, check);
  ms_allocation_alarm_check_free (check);
  return fired;
}
