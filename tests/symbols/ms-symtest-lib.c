/* ms-symtest-lib.c: a library with known functions for test-symbolizer
 *
 * The test finds these functions' lines by searching this file for their
 * names at the start of a line and for the MARKER comment (the line of the
 * call whose return address ms_symtest_marker_address holds), so keep each
 * function name on its own line (GNU style) and the marker unique.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

int ms_symtest_alpha (int x);
int ms_symtest_beta (int x);
int ms_symtest_gamma (int x);
extern void *ms_symtest_marker_address;

/* A return address inside ms_symtest_gamma, as a stack sample holds them */
void *ms_symtest_marker_address;
static volatile int ms_symtest_counter;

__attribute__((noinline)) static int
ms_symtest_record_caller (void)
{
  ms_symtest_marker_address = __builtin_return_address (0);
  return 1;
}

__attribute__((noinline)) int
ms_symtest_alpha (int x)
{
  ms_symtest_counter += x;
  return ms_symtest_counter * 3;
}

__attribute__((noinline)) int
ms_symtest_beta (int x)
{
  int total = 0;

  for (int i = 0; i < x; i++)
    total += ms_symtest_alpha (i);

  return total;
}

__attribute__((noinline)) int
ms_symtest_gamma (int x)
{
  int total;

  if (x > 1000)
    return 0;
  total = ms_symtest_record_caller () + x; /* MARKER */
  return ms_symtest_beta (total) + 1;
}
