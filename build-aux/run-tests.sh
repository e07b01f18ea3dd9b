#!/usr/bin/env bash
# Installs what Memscope needs, builds it with warnings as errors, and runs the whole
# test suite, real-browser tests included. The last line is "N passed, N failed".
#
#   build-aux/run-tests.sh            # the suite (what CI runs)
#   BUILD_DIR=_build build-aux/run-tests.sh
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD_DIR:-_build/ci}
jobs=${JOBS:-2}

"$top/build-aux/install-deps.sh" || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0

# Counts the results of one `meson test` run from its JSON log.
count_results () {
  local log="$1/meson-logs/testlog.json"
  [ -f "$log" ] || return
  local p f
  p=$(grep -c '"result": "OK"' "$log" || true)
  f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS|UNEXPECTEDFAIL)"' "$log" || true)
  passed=$((passed + p))
  failed=$((failed + f))
}

run_suite () {
  local dir="$1"; shift
  local setup_args=("$@")

  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror=true "${setup_args[@]}" || { failed=$((failed + 1)); return 1; }
  fi
  ninja -C "$dir" -j "$jobs" || { failed=$((failed + 1)); return 1; }
  meson test -C "$dir" --num-processes 1 --print-errorlogs
  count_results "$dir"
}

run_suite "$build"

# The analysis tests once more under valgrind memcheck (no definite leaks, no errors).
if [ "${MEMSCOPE_SKIP_VALGRIND:-0}" != "1" ] && command -v valgrind >/dev/null; then
  meson test -C "$build" --setup valgrind --suite analysis --num-processes 2 --print-errorlogs \
    --logbase valgrind
  log="$build/meson-logs/valgrind-valgrind.json"
  if [ -f "$log" ]; then
    passed=$((passed + $(grep -c '"result": "OK"' "$log" || true)))
    failed=$((failed + $(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR)"' "$log" || true)))
  fi
fi

if [ "${MEMSCOPE_SKIP_SANITIZERS:-0}" != "1" ]; then
  # ASan + UBSan over the unit and browser tests.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite "$build-sanitize" -Db_sanitize=address,undefined -Db_lundef=false
fi

# Each libFuzzer harness for a fixed number of inputs (clang, ASan + UBSan).
if [ "${MEMSCOPE_SKIP_FUZZ:-0}" != "1" ]; then
  if FUZZ_BUILD_DIR="$build-fuzz" "$top/build-aux/fuzz.sh" "${MEMSCOPE_FUZZ_RUNS:-20000}"; then
    passed=$((passed + 1))
  else
    echo "fuzzing found a problem (see above)"
    failed=$((failed + 1))
  fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
