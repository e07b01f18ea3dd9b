#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) and runs each one for a fixed
# number of inputs, seeded from the shared fixtures.
#
#   build-aux/fuzz.sh [RUNS]     # default 20000 inputs per harness
#   FUZZ_MAX_LEN=4096 build-aux/fuzz.sh 1000000   # the long run: small inputs, small seeds only
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20000}
build=${FUZZ_BUILD_DIR:-$top/_build/fuzz}
fixtures=${MEMSCOPE_FIXTURES:-$top/../shared/fixtures/chromium-156}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$build" "$top" -Dfuzzing=true -Dbrowser_tests=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
    > "$build.setup.log" 2>&1 || { tail -n 20 "$build.setup.log"; rm -rf "$build"; exit 1; }
fi
ninja -C "$build" -j "${JOBS:-2}" $(cd "$build" && ninja -t targets all | grep -o '^tests/fuzz/fuzz-[a-z-]*' | sort -u)

corpus_root=$(mktemp -d)
trap 'rm -rf "$corpus_root"' EXIT

status=0
for harness in "$build"/tests/fuzz/fuzz-*; do
  [ -f "$harness" ] && [ -x "$harness" ] || continue
  name=$(basename "$harness")
  corpus="$corpus_root/$name"
  mkdir -p "$corpus"
  # Seeds: every small reply; the session harness also gets the session files the tests write.
  max_len=${FUZZ_MAX_LEN:-262144}
  for seed in "$fixtures"/small/*.json; do
    [ "$(stat -c %s "$seed")" -le "$max_len" ] && cp "$seed" "$corpus"/
  done
  if [ -d "$top/tests/fuzz/seeds/$name" ]; then
    cp "$top/tests/fuzz/seeds/$name"/* "$corpus"/
  fi
  echo "== $name: $runs inputs"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
       "$harness" -runs="$runs" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 \
       -print_final_stats=1 "$corpus" > "$corpus_root/$name.log" 2>&1; then
    echo "FAIL: $name (log follows)"
    tail -n 60 "$corpus_root/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$corpus_root/$name.log" | tail -n 2
  fi
done
exit $status
