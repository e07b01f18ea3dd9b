/* cli-test-profile.h: expected figures of a profile, computed from its raw JSON
 *
 * Independent of the analysis layer: json-glib and the contract's definitions only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CLI_TEST_N_BUCKETS 16

typedef struct
{
  guint64  size;
  guint64  total;
  GStrv    addresses;   /* leaf first, as the protocol gives them */
} CliTestSample;

/* The samples of a profile object ({"samples":[…],"modules":[…]}), without the
 * "<V8 Heap>" entry of all-time profiles. */
GArray     *cli_test_samples_from_profile (JsonObject  *profile);
/* The samples of a getSamplingProfile reply file: {"id":…,"result":{"profile":…}}. */
GArray     *cli_test_read_samples         (const char  *path);
/* Folded stacks by address: root first, ';'-joined, summed `total` per stack. */
GHashTable *cli_test_expected_folded      (GArray      *samples);
/* @out, `export --format folded --frames address`, holds exactly those stacks. */
void        cli_test_check_folded         (const char  *out,
                                           GArray      *samples);
/* @out, `export --format histogram`, is the contract's 16-line table of @samples. */
void        cli_test_check_histogram      (const char  *out,
                                           GArray      *samples,
                                           guint        bytes_per_block);

/* @svg, `diff A B --format svg --frames address`, draws every frame wide enough once:
 * at its depth, B's width, A, B and the change in its title, grey when unchanged,
 * red when B grew, blue when it shrank, faded by the change relative to the largest. */
void        cli_test_check_diff_svg       (const char  *svg,
                                           GArray      *a,
                                           GArray      *b,
                                           guint        width);

G_END_DECLS
