/* bench-stats.h: the ordering and median the benchmarks report with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdlib.h>

#include <glib.h>

/* qsort()/g_array_sort() order of doubles, smallest first. */
static inline int
bench_compare_doubles (const void *a,
                       const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Sorts @v in place and returns its upper median, v[n / 2]. */
static inline double
bench_median_in_place (double *v,
                       guint   n)
{
  qsort (v, n, sizeof (double), bench_compare_doubles);
  return v[n / 2];
}
