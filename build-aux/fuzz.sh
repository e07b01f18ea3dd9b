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

# Prints one line a harness, "FUZZ NAME: ok" or "FUZZ NAME: FAIL why", and exits non-zero
# when any harness failed, when none was found, or when the build failed.
mkdir -p "$(dirname "$build")"
wipe=()
[ -f "$build/build.ninja" ] && wipe=(--wipe)
# UBSan findings abort the harness (no recovery), so they fail the run like ASan's.
CC=clang CXX=clang++ meson setup "${wipe[@]}" "$build" "$top" -Dfuzzing=true -Dbrowser_tests=disabled \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
  -Dc_args=-fno-sanitize-recover=all -Dcpp_args=-fno-sanitize-recover=all \
  > "$build.setup.log" 2>&1 || { tail -n 20 "$build.setup.log"; echo "FUZZ setup: FAIL meson setup failed"; exit 1; }
targets=$(cd "$build" && ninja -t targets all | grep -o '^tests/fuzz/fuzz-[a-z-]*' | sort -u)
if [ -z "$targets" ]; then
  echo "FUZZ harnesses: FAIL no fuzz harness is defined in $build"
  exit 1
fi
# shellcheck disable=SC2086
ninja -C "$build" -j "${JOBS:-2}" $targets || { echo "FUZZ build: FAIL the harnesses did not build"; exit 1; }

corpus_root=$(mktemp -d)
# What a harness finds is kept beside the build, named by the harness.
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
trap 'rm -rf "$corpus_root"' EXIT

status=0
found=0
for harness in "$build"/tests/fuzz/fuzz-*; do
  [ -f "$harness" ] && [ -x "$harness" ] || continue
  name=$(basename "$harness")
  found=$((found + 1))
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
  log="$corpus_root/$name.log"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
       UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       "$harness" -runs="$runs" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 \
       -artifact_prefix="$artifacts/" \
       -print_final_stats=1 "$corpus" > "$log" 2>&1; then
    echo "$name: the harness stopped on a finding (log excerpt follows)"
    # The sanitizer's own report first (ASan, UBSan's "runtime error", libFuzzer's
    # deadly signal or timeout), then the end of the log.
    grep -n -m 20 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY:|==[0-9]+== ?ERROR" "$log"
    tail -n 40 "$log"
    echo "FUZZ $name: FAIL $(grep -m 1 -o -E "runtime error:.*|ERROR: [A-Za-z]+: [^ ]+.*|SUMMARY: .*" "$log" | head -c 200)"
    status=1
  elif grep -q "runtime error:" "$log"; then
    grep -m 10 "runtime error:" "$log"
    echo "FUZZ $name: FAIL $(grep -m 1 -o "runtime error:.*" "$log" | head -c 200)"
    status=1
  elif ! executed=$(grep -o -E "stat::number_of_executed_units: *[0-9]+" "$log" | grep -o -E "[0-9]+$"); then
    tail -n 20 "$log"
    echo "FUZZ $name: FAIL the harness printed no count of executed inputs"
    status=1
  elif [ "$executed" -lt "$runs" ]; then
    echo "FUZZ $name: FAIL ran $executed inputs of $runs"
    status=1
  else
    echo "FUZZ $name: ok"
    echo "  $executed inputs"
  fi
done
if [ "$found" -eq 0 ]; then
  echo "FUZZ harnesses: FAIL no harness was built in $build/tests/fuzz"
  exit 1
fi
exit $status
