/* ms-counter-series.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ms-analysis"

#include "config.h"

#include <math.h>

#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "ms-analysis-error.h"
#include "ms-counter-series.h"
#include "ms-json-check-private.h"

/**
 * MsCounterSeries:
 *
 * Named time series (`documents`, `nodes`, `jsEventListeners` from
 * `Memory.getDOMCounters`, and any leak-detection counter such as
 * `live_documents` by its name), each in a ring of fixed capacity: when full,
 * the oldest point goes. The default capacity holds 6 hours at 1 Hz
 * (21,600 points, 16 bytes each). A ring grows as points arrive, so a name
 * costs memory for the points it has, not for its capacity; at most
 * %MS_COUNTER_SERIES_MAX_NAMES names are kept, since a peer or a file names
 * them.
 *
 * Times are microseconds (g_get_real_time()); within one series they must not
 * go backwards. Any #gint64 is accepted: spans are computed without overflow.
 */
struct _MsCounterSeries
{
  GObject     parent_instance;

  guint       capacity;
  GHashTable *series;   /* name -> Ring* */
  GPtrArray  *order;    /* names in order of first appearance */
};

typedef struct
{
  gint64 time;
  double value;
} Point;

typedef struct
{
  Point *points;
  guint  alloc;   /* points allocated: grows to the capacity, then wraps */
  guint  head;    /* index of the oldest point */
  guint  len;
} Ring;

G_DEFINE_FINAL_TYPE (MsCounterSeries, ms_counter_series, G_TYPE_OBJECT)

static void
ring_free (gpointer data)
{
  Ring *ring = data;

  g_free (ring->points);
  g_free (ring);
}

static void
ms_counter_series_finalize (GObject *object)
{
  MsCounterSeries *self = (MsCounterSeries *)object;

  g_clear_pointer (&self->series, g_hash_table_unref);
  g_clear_pointer (&self->order, g_ptr_array_unref);

  G_OBJECT_CLASS (ms_counter_series_parent_class)->finalize (object);
}

static void
ms_counter_series_class_init (MsCounterSeriesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_counter_series_finalize;
}

static void
ms_counter_series_init (MsCounterSeries *self)
{
  self->capacity = MS_COUNTER_SERIES_DEFAULT_CAPACITY;
  self->series = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, ring_free);
  self->order = g_ptr_array_new_with_free_func (g_free);
}

/**
 * ms_counter_series_new:
 * @capacity: points kept per series, 0 for the default (6 h at 1 Hz)
 *
 * Returns: (transfer full): an empty store
 */
MsCounterSeries *
ms_counter_series_new (guint capacity)
{
  MsCounterSeries *self = g_object_new (MS_TYPE_COUNTER_SERIES, NULL);

  if (capacity > 0)
    self->capacity = capacity;

  return self;
}

guint
ms_counter_series_get_capacity (MsCounterSeries *self)
{
  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), 0);

  return self->capacity;
}

/* While a ring grows its head stays 0, so the modulo only matters once full. */
static const Point *
ring_at (const Ring *ring,
         guint       capacity,
         guint       i)
{
  return &ring->points[(ring->head + i) % capacity];
}

static guint
count_new_name (MsCounterSeries *self,
                GHashTable      *seen,
                const char      *name)
{
  if (g_hash_table_contains (self->series, name) || g_hash_table_contains (seen, name))
    return 0;
  g_hash_table_add (seen, (gpointer) name);
  return 1;
}

static gboolean
check_n_names (MsCounterSeries  *self,
               guint             n_new,
               const char       *where,
               guint             index,
               const char       *name,
               GError          **error)
{
  if (self->order->len + n_new <= MS_COUNTER_SERIES_MAX_NAMES)
    return TRUE;

  g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_TOO_MANY,
               _("%scounters[%u].name: \"%s\" would be counter name %u; at most %u distinct "
                 "counter names are kept"), where, index, name, self->order->len + n_new,
               MS_COUNTER_SERIES_MAX_NAMES);
  return FALSE;
}

/**
 * ms_counter_series_append:
 * @name: the counter's name
 * @time_usec: when it was read
 * @value: its value
 *
 * Returns: %FALSE (and stores nothing) when @time_usec is before the series'
 *   last point, @value is not finite, or @name would be one name more than
 *   %MS_COUNTER_SERIES_MAX_NAMES
 */
gboolean
ms_counter_series_append (MsCounterSeries *self,
                          const char      *name,
                          gint64           time_usec,
                          double           value)
{
  Ring *ring;
  Point *p;

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!isfinite (value))
    return FALSE;

  ring = g_hash_table_lookup (self->series, name);
  if (ring == NULL)
    {
      char *key;

      if (self->order->len >= MS_COUNTER_SERIES_MAX_NAMES)
        return FALSE;
      key = g_strdup (name);
      ring = g_new0 (Ring, 1);
      g_ptr_array_add (self->order, key);
      g_hash_table_insert (self->series, key, ring);
    }
  else if (ring->len > 0 && ring_at (ring, self->capacity, ring->len - 1)->time > time_usec)
    return FALSE;

  if (ring->len == ring->alloc && ring->alloc < self->capacity)
    {
      ring->alloc = MIN (MAX (ring->alloc * 2, 64), self->capacity);
      ring->points = g_renew (Point, ring->points, ring->alloc);
    }

  if (ring->len == self->capacity)
    {
      ring->head = (ring->head + 1) % self->capacity;
      ring->len--;
    }

  p = &ring->points[(ring->head + ring->len) % self->capacity];
  p->time = time_usec;
  p->value = value;
  ring->len++;

  return TRUE;
}

/**
 * ms_counter_series_append_reply:
 * @time_usec: when the reply arrived
 * @reply: (array length=length): a raw reply of `Memory.getDOMCounters`
 *   (`{"result":{"documents":…,"nodes":…,"jsEventListeners":…}}`) or of
 *   `Memory.getDOMCountersForLeakDetection`
 *   (`{"result":{"counters":[{"name":…,"count":…}]}}`); the bare result
 *   object is accepted too
 * @length: length of @reply, or -1 when nul-terminated
 *
 * Appends every counter of the reply.
 *
 * Returns: whether the reply was understood
 */
gboolean
ms_counter_series_append_reply (MsCounterSeries  *self,
                                gint64            time_usec,
                                const char       *reply,
                                gssize            length,
                                GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *result;
  const char *where = "";

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  if (!ms_json_check (reply, length, &local_error))
    {
      g_set_error (error, MS_ANALYSIS_ERROR, local_error->code, _("counters: %s"), local_error->message);
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, reply, length, &local_error))
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_SYNTAX,
                   _("counters: not JSON: %s"), local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                   _("counters: expected an object at the top level"));
      return FALSE;
    }

  result = json_node_get_object (root);
  if (json_object_has_member (result, "result"))
    {
      JsonNode *node = json_object_get_member (result, "result");

      where = "result.";
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                       _("result: expected an object"));
          return FALSE;
        }
      result = json_node_get_object (node);
    }

  if (json_object_has_member (result, "counters"))
    {
      JsonNode *node = json_object_get_member (result, "counters");
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                       _("%scounters: expected an array"), where);
          return FALSE;
        }

      array = json_node_get_array (node);
      /* everything checked before anything is stored */
      {
        g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
        guint n_new = 0;

        for (guint pass = 0; pass < 2; pass++)
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              JsonObject *counter;
              JsonNode *name, *count;

              if (pass == 1)
                {
                  counter = json_node_get_object (element);
                  ms_counter_series_append (self, json_object_get_string_member (counter, "name"),
                                            time_usec, json_object_get_double_member (counter, "count"));
                  continue;
                }

              if (!JSON_NODE_HOLDS_OBJECT (element))
                {
                  g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                               _("%scounters[%u]: expected an object"), where, i);
                  return FALSE;
                }
              counter = json_node_get_object (element);
              name = json_object_get_member (counter, "name");
              count = json_object_get_member (counter, "count");
              if (name == NULL || json_node_get_value_type (name) != G_TYPE_STRING)
                {
                  g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_MISSING_MEMBER,
                               _("%scounters[%u].name: expected a string"), where, i);
                  return FALSE;
                }
              if (count == NULL || !JSON_NODE_HOLDS_VALUE (count)
                  || (json_node_get_value_type (count) != G_TYPE_INT64
                      && json_node_get_value_type (count) != G_TYPE_DOUBLE))
                {
                  g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                               _("%scounters[%u].count: expected a number"), where, i);
                  return FALSE;
                }
              n_new += count_new_name (self, seen, json_node_get_string (name));
              if (!check_n_names (self, n_new, where, i, json_node_get_string (name), error))
                return FALSE;
            }
      }

      return TRUE;
    }

  {
    static const char * const dom_counters[] = { "documents", "nodes", "jsEventListeners" };
    gboolean any = FALSE;

    for (guint i = 0; i < G_N_ELEMENTS (dom_counters); i++)
      {
        JsonNode *node = json_object_get_member (result, dom_counters[i]);

        if (node == NULL)
          continue;
        if (!JSON_NODE_HOLDS_VALUE (node)
            || (json_node_get_value_type (node) != G_TYPE_INT64
                && json_node_get_value_type (node) != G_TYPE_DOUBLE))
          {
            g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_WRONG_TYPE,
                         _("%s%s: expected a number"), where, dom_counters[i]);
            return FALSE;
          }
        ms_counter_series_append (self, dom_counters[i], time_usec, json_node_get_double (node));
        any = TRUE;
      }

    if (!any)
      {
        g_set_error (error, MS_ANALYSIS_ERROR, MS_ANALYSIS_ERROR_MISSING_MEMBER,
                     _("%s: missing member \"documents\" or \"counters\""), *where ? "result" : "counters");
        return FALSE;
      }
  }

  return TRUE;
}

/**
 * ms_counter_series_dup_names:
 *
 * Returns: (transfer full): the series' names in order of first appearance
 */
GStrv
ms_counter_series_dup_names (MsCounterSeries *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), NULL);

  for (guint i = 0; i < self->order->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->order, i));

  return g_strv_builder_end (builder);
}

guint
ms_counter_series_get_n_points (MsCounterSeries *self,
                                const char      *name)
{
  Ring *ring;

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), 0);

  ring = g_hash_table_lookup (self->series, name);

  return ring != NULL ? ring->len : 0;
}

/**
 * ms_counter_series_get_point:
 * @index: 0 for the oldest point kept
 * @time_usec: (out) (optional):
 * @value: (out) (optional):
 *
 * Returns: whether there is such a point
 */
gboolean
ms_counter_series_get_point (MsCounterSeries *self,
                             const char      *name,
                             guint            index,
                             gint64          *time_usec,
                             double          *value)
{
  Ring *ring;
  const Point *p;

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), FALSE);

  ring = g_hash_table_lookup (self->series, name);
  if (ring == NULL || index >= ring->len)
    return FALSE;

  p = ring_at (ring, self->capacity, index);
  if (time_usec != NULL)
    *time_usec = p->time;
  if (value != NULL)
    *value = p->value;

  return TRUE;
}

/* @start + floor (@range * @i / @n), exactly and without overflow. */
static gint64
offset_time (gint64  start,
             guint64 range,
             guint   i,
             guint   n)
{
  guint64 offset = range / n * i + range % n * i / n;

  return (gint64)((guint64)start + offset);
}

/**
 * ms_counter_series_decimate:
 * @start_usec: start of the range
 * @end_usec: end of the range (> @start_usec)
 * @n_buckets: how many buckets, e.g. the width in pixels
 *
 * Splits [@start_usec, @end_usec] into @n_buckets equal spans and gives the
 * smallest and largest value in each: drawing a vertical line from min to max
 * per pixel column shows every spike, however many points fall in it.
 *
 * Returns: (transfer full) (element-type MsCounterBucket): @n_buckets buckets
 */
GArray *
ms_counter_series_decimate (MsCounterSeries *self,
                            const char      *name,
                            gint64           start_usec,
                            gint64           end_usec,
                            guint            n_buckets)
{
  GArray *buckets;
  Ring *ring;
  guint64 range;
  double span;

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), NULL);
  g_return_val_if_fail (n_buckets > 0, NULL);
  g_return_val_if_fail (end_usec > start_usec, NULL);

  buckets = g_array_sized_new (FALSE, TRUE, sizeof (MsCounterBucket), n_buckets);
  g_array_set_size (buckets, n_buckets);
  /* unsigned: the range of two gint64 always fits, their signed difference may not */
  range = (guint64)end_usec - (guint64)start_usec;
  span = (double)range / n_buckets;

  for (guint i = 0; i < n_buckets; i++)
    {
      MsCounterBucket *b = &g_array_index (buckets, MsCounterBucket, i);

      b->start_usec = offset_time (start_usec, range, i, n_buckets);
      b->end_usec = i + 1 == n_buckets ? end_usec : offset_time (start_usec, range, i + 1, n_buckets);
    }

  ring = g_hash_table_lookup (self->series, name);
  if (ring == NULL)
    return buckets;

  for (guint i = 0; i < ring->len; i++)
    {
      const Point *p = ring_at (ring, self->capacity, i);
      MsCounterBucket *b;
      guint k;

      if (p->time < start_usec || p->time > end_usec)
        continue;

      k = (guint)MIN ((double)((guint64)p->time - (guint64)start_usec) / span, (double)(n_buckets - 1));
      /* rounding of span can put a point one bucket off its integer bounds */
      while (k > 0 && p->time < g_array_index (buckets, MsCounterBucket, k).start_usec)
        k--;
      while (k + 1 < n_buckets && p->time >= g_array_index (buckets, MsCounterBucket, k + 1).start_usec)
        k++;

      b = &g_array_index (buckets, MsCounterBucket, k);
      if (b->n_points == 0)
        b->min = b->max = p->value;
      else
        {
          b->min = MIN (b->min, p->value);
          b->max = MAX (b->max, p->value);
        }
      b->n_points++;
    }

  return buckets;
}

/**
 * ms_counter_series_get_growth_rate:
 * @window_usec: how far back from the newest point to look
 * @per_minute: (out): the growth in units per minute
 *
 * The least-squares slope of value over time through the points within
 * @window_usec of the newest one (both ends included). Least squares rather
 * than the two end points, so one outlier at either end does not decide it.
 *
 * Returns: %FALSE when fewer than two points, or only one distinct time,
 *   fall in the window
 */
gboolean
ms_counter_series_get_growth_rate (MsCounterSeries *self,
                                   const char      *name,
                                   gint64           window_usec,
                                   double          *per_minute)
{
  Ring *ring;
  gint64 last, t0;
  double n = 0, sum_t = 0, sum_v = 0, sum_tt = 0, sum_tv = 0;
  double denominator;

  g_return_val_if_fail (MS_IS_COUNTER_SERIES (self), FALSE);
  g_return_val_if_fail (per_minute != NULL, FALSE);

  ring = g_hash_table_lookup (self->series, name);
  if (ring == NULL || ring->len < 2)
    return FALSE;

  last = ring_at (ring, self->capacity, ring->len - 1)->time;
  window_usec = MAX (window_usec, 0);
  t0 = last < G_MININT64 + window_usec ? G_MININT64 : last - window_usec;

  for (guint i = 0; i < ring->len; i++)
    {
      const Point *p = ring_at (ring, self->capacity, i);
      double t;

      if (p->time < t0)
        continue;

      /* minutes relative to the newest point keep the sums well conditioned */
      t = -(double)((guint64)last - (guint64)p->time) / (60.0 * G_USEC_PER_SEC);
      n += 1;
      sum_t += t;
      sum_v += p->value;
      sum_tt += t * t;
      sum_tv += t * p->value;
    }

  denominator = n * sum_tt - sum_t * sum_t;
  if (n < 2 || denominator <= 0)
    return FALSE;

  *per_minute = (n * sum_tv - sum_t * sum_v) / denominator;

  return TRUE;
}
