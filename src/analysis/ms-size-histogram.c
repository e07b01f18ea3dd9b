/* ms-size-histogram.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <string.h>

#include "ms-size-histogram.h"

/**
 * MsSizeHistogram:
 *
 * Sampled allocations in 16 power-of-two size classes, after memorymonitor's
 * AllocationSize. With B = bytes per block (16 by default), bucket 0 holds
 * sizes up to one block (0 included), bucket i sizes in (B·2^(i-1), B·2^i]
 * bytes, and the last bucket also everything larger.
 *
 * Per bucket: the number of samples, the estimated number of allocations they
 * stand for (Σ total/size, samples of size 0 counting as none) and the
 * estimated bytes (Σ total). The `<V8 Heap>` sample is not an allocation and is
 * never counted.
 */
struct _MsSizeHistogram
{
  GObject parent_instance;

  guint   bytes_per_block;
  guint64 counts[MS_SIZE_HISTOGRAM_N_BUCKETS];
  double  allocations[MS_SIZE_HISTOGRAM_N_BUCKETS];
  guint64 bytes[MS_SIZE_HISTOGRAM_N_BUCKETS];
};

G_DEFINE_FINAL_TYPE (MsSizeHistogram, ms_size_histogram, G_TYPE_OBJECT)

static void
ms_size_histogram_class_init (MsSizeHistogramClass *klass)
{
}

static void
ms_size_histogram_init (MsSizeHistogram *self)
{
  self->bytes_per_block = MS_SIZE_HISTOGRAM_DEFAULT_BYTES_PER_BLOCK;
}

/**
 * ms_size_histogram_new:
 * @bytes_per_block: the size of one block, 0 for the default of 16
 *
 * Returns: (transfer full): an empty histogram
 */
MsSizeHistogram *
ms_size_histogram_new (guint bytes_per_block)
{
  MsSizeHistogram *self = g_object_new (MS_TYPE_SIZE_HISTOGRAM, NULL);

  if (bytes_per_block > 0)
    self->bytes_per_block = bytes_per_block;

  return self;
}

/**
 * ms_size_histogram_new_for_profile:
 *
 * Returns: (transfer full): the histogram of @profile's samples
 */
MsSizeHistogram *
ms_size_histogram_new_for_profile (MsProfile *profile,
                                   guint      bytes_per_block)
{
  MsSizeHistogram *self = ms_size_histogram_new (bytes_per_block);

  ms_size_histogram_add_profile (self, profile);

  return self;
}

guint
ms_size_histogram_get_bytes_per_block (MsSizeHistogram *self)
{
  g_return_val_if_fail (MS_IS_SIZE_HISTOGRAM (self), 0);

  return self->bytes_per_block;
}

/**
 * ms_size_histogram_bucket_for_size:
 *
 * Returns: the smallest i with @size <= bytes_per_block·2^i, at most 15
 */
guint
ms_size_histogram_bucket_for_size (MsSizeHistogram *self,
                                   guint64          size)
{
  guint64 bound;
  guint i = 0;

  g_return_val_if_fail (MS_IS_SIZE_HISTOGRAM (self), 0);

  bound = self->bytes_per_block;
  while (i < MS_SIZE_HISTOGRAM_N_BUCKETS - 1 && size > bound)
    {
      bound *= 2;
      i++;
    }

  return i;
}

void
ms_size_histogram_add_sample (MsSizeHistogram *self,
                              guint64          size,
                              guint64          total)
{
  guint i;

  g_return_if_fail (MS_IS_SIZE_HISTOGRAM (self));

  i = ms_size_histogram_bucket_for_size (self, size);
  self->counts[i]++;
  if (size > 0)
    self->allocations[i] += (double)total / (double)size;
  self->bytes[i] = self->bytes[i] > G_MAXUINT64 - total ? G_MAXUINT64 : self->bytes[i] + total;
}

void
ms_size_histogram_add_profile (MsSizeHistogram *self,
                               MsProfile       *profile)
{
  guint n;

  g_return_if_fail (MS_IS_SIZE_HISTOGRAM (self));
  g_return_if_fail (MS_IS_PROFILE (profile));

  n = ms_profile_get_n_samples (profile);
  for (guint i = 0; i < n; i++)
    {
      guint64 size, total;

      ms_profile_get_sample (profile, i, &size, &total, NULL);
      ms_size_histogram_add_sample (self, size, total);
    }
}

void
ms_size_histogram_clear (MsSizeHistogram *self)
{
  g_return_if_fail (MS_IS_SIZE_HISTOGRAM (self));

  memset (self->counts, 0, sizeof self->counts);
  memset (self->allocations, 0, sizeof self->allocations);
  memset (self->bytes, 0, sizeof self->bytes);
}

/**
 * ms_size_histogram_get_bucket:
 * @index: 0 to 15
 * @upper_bound: (out) (optional): bytes_per_block·2^@index; the last bucket
 *   holds every larger size too, so its bound is where it starts being open
 *   (exports write no bound for it)
 * @estimated_allocations: (out) (optional): Σ total/size
 * @estimated_bytes: (out) (optional): Σ total
 *
 * Returns: the number of samples in the bucket
 */
guint64
ms_size_histogram_get_bucket (MsSizeHistogram *self,
                              guint            index,
                              guint64         *upper_bound,
                              double          *estimated_allocations,
                              guint64         *estimated_bytes)
{
  g_return_val_if_fail (MS_IS_SIZE_HISTOGRAM (self), 0);
  g_return_val_if_fail (index < MS_SIZE_HISTOGRAM_N_BUCKETS, 0);

  if (upper_bound != NULL)
    *upper_bound = (guint64)self->bytes_per_block << index;
  if (estimated_allocations != NULL)
    *estimated_allocations = self->allocations[index];
  if (estimated_bytes != NULL)
    *estimated_bytes = self->bytes[index];

  return self->counts[index];
}

/**
 * ms_size_histogram_to_table:
 *
 * The histogram as 16 lines of 5 tab-separated fields: index, upper bound in
 * bytes, sampled count, estimated allocations (rounded to the nearest
 * integer) and estimated bytes. The last class holds every size above the
 * previous bound: its upper bound is `inf`. No header.
 *
 * Returns: (transfer full): the table, each line ending in a newline
 */
char *
ms_size_histogram_to_table (MsSizeHistogram *self)
{
  GString *out;

  g_return_val_if_fail (MS_IS_SIZE_HISTOGRAM (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < MS_SIZE_HISTOGRAM_N_BUCKETS; i++)
    {
      g_string_append_printf (out, "%u\t", i);
      if (i + 1 < MS_SIZE_HISTOGRAM_N_BUCKETS)
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, (guint64)self->bytes_per_block << i);
      else
        g_string_append (out, "inf");
      g_string_append_printf (out, "\t%" G_GUINT64_FORMAT "\t%.0f\t%" G_GUINT64_FORMAT "\n",
                              self->counts[i], self->allocations[i], self->bytes[i]);
    }

  return g_string_free (out, FALSE);
}
