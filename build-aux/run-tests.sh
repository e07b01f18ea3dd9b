#!/usr/bin/env bash
# Installs what Memscope needs, builds it with warnings as errors, and runs the whole
# test suite, real-browser tests included. The last line is "N passed, N failed".
#
#   build-aux/run-tests.sh            # the suite (what CI runs)
#   BUILD_DIR=_build build-aux/run-tests.sh
#
# The window tests' screenshots of each page are kept in BUILD_DIR/meson-logs/screenshots.
#
# The count is strict: a meson test counts as passed only when it passed and none of its
# subtests skipped without leave (build-aux/allowed-skips.txt); a stage that could not run
# (a missing tool, a failed build, no test log, a suite that is not there) counts as a
# failure with its reason printed above the summary line.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD_DIR:-_build/ci}
jobs=${JOBS:-2}
python=/usr/bin/python3

passed=0
failed=0
reasons=()

fail () {
  failed=$((failed + 1))
  reasons+=("$1")
  echo "FAILED: $1"
}

summary () {
  echo
  if [ ${#reasons[@]} -gt 0 ]; then
    echo "What failed:"
    printf '  %s\n' "${reasons[@]}"
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if ! "$top/build-aux/install-deps.sh"; then
  fail "install: build-aux/install-deps.sh failed"
  summary
fi

# Every tool a stage needs; a missing one is a failure, never a silently smaller suite.
for tool in meson ninja "$python" chromium xvfb-run valgrind desktop-file-validate appstreamcli clang \
            xmllint update-mime-database gio gsettings flatpak-builder msgmerge msgfmt glib-compile-schemas \
            dbus-run-session nm; do
  command -v "$tool" >/dev/null || fail "tools: $tool is not installed"
done
[ -x /usr/libexec/at-spi-bus-launcher ] || fail "tools: at-spi-bus-launcher is not installed (at-spi2-core)"
"$python" -c 'import gi; gi.require_version("Atspi", "2.0"); from gi.repository import Atspi' 2>/dev/null \
  || fail "tools: python3 cannot import Atspi (gir1.2-atspi-2.0, python3-gi)"

# Counts one `meson test` run. Its log is removed first, so a log left by an earlier run
# in a reused build folder is never counted again.
run_meson_test () {
  local stage="$1" dir="$2"; shift 2
  # meson names the log STAGE.json, or STAGE-SETUP.json under --setup.
  rm -f "$dir/meson-logs/$stage".json "$dir/meson-logs/$stage"-*.json
  meson test -C "$dir" --logbase "$stage" --print-errorlogs "$@"
  local status=$?
  local log
  log=$(ls "$dir/meson-logs/$stage".json "$dir/meson-logs/$stage"-*.json 2>/dev/null | head -n 1)
  if [ -z "$log" ]; then
    fail "$stage: meson test wrote no log (exit status $status)"
    return
  fi
  local counts p f
  counts=$("$python" "$top/build-aux/count-tests.py" "$log" "$stage" \
             --allowed-skips "$top/build-aux/allowed-skips.txt" 2> "$log.reasons")
  read -r p f <<< "$counts"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-1}))
  while IFS= read -r line; do
    reasons+=("$line")
  done < "$log.reasons"
  if [ "$status" -ne 0 ] && [ "${f:-1}" -eq 0 ]; then
    fail "$stage: meson test exited with status $status although no test failed"
  fi
}

# Configures from scratch (a reused folder is wiped, so optional tools are looked for
# again), builds, and checks that every suite the project has is there.
build_dir () {
  local stage="$1" dir="$2"; shift 2
  local wipe=()
  [ -f "$dir/build.ninja" ] && wipe=(--wipe)
  if ! meson setup "${wipe[@]}" "$dir" -Dwerror=true "$@" > "$dir.setup.log" 2>&1; then
    tail -n 30 "$dir.setup.log"
    fail "$stage: meson setup failed (see $dir.setup.log)"
    return 1
  fi
  if ! ninja -C "$dir" -j "$jobs"; then
    fail "$stage: the build failed"
    return 1
  fi
  local suite
  for suite in unit browser ui data; do
    if [ -z "$(meson test -C "$dir" --list --suite "$suite" 2>/dev/null)" ]; then
      fail "$stage: the $suite suite has no test in $dir"
    fi
  done
}

mkdir -p "$(dirname "$build")"

if build_dir normal "$build"; then
  # The window tests keep a screenshot of each page there (a test artifact).
  screenshots="$(cd "$build" && pwd)/meson-logs/screenshots"
  rm -rf "$screenshots"
  MEMSCOPE_SCREENSHOT_DIR="$screenshots" run_meson_test normal "$build" --num-processes 1
  echo "Screenshots of the window's pages: $screenshots"

  # The analysis tests once more under valgrind memcheck (no definite leaks, no errors).
  if [ "${MEMSCOPE_SKIP_VALGRIND:-0}" = "1" ]; then
    fail "valgrind: not run (MEMSCOPE_SKIP_VALGRIND=1)"
  else
    run_meson_test valgrind "$build" --setup valgrind --suite analysis --num-processes 2
  fi
fi

# ASan + UBSan over the same suite.
if [ "${MEMSCOPE_SKIP_SANITIZERS:-0}" = "1" ]; then
  fail "sanitize: not run (MEMSCOPE_SKIP_SANITIZERS=1)"
elif build_dir sanitize "$build-sanitize" -Db_sanitize=address,undefined -Db_lundef=false; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_meson_test sanitize "$build-sanitize" --num-processes 1
fi

# Each libFuzzer harness for a fixed number of inputs (clang, ASan + UBSan); fuzz.sh
# prints one "FUZZ name: ok|FAIL reason" line a harness.
if [ "${MEMSCOPE_SKIP_FUZZ:-0}" = "1" ]; then
  fail "fuzz: not run (MEMSCOPE_SKIP_FUZZ=1)"
else
  fuzz_out=$(mktemp)
  FUZZ_BUILD_DIR="$build-fuzz" "$top/build-aux/fuzz.sh" "${MEMSCOPE_FUZZ_RUNS:-20000}" 2>&1 | tee "$fuzz_out"
  fuzz_status=${PIPESTATUS[0]}
  n_ok=$(grep -c '^FUZZ .*: ok$' "$fuzz_out" || true)
  n_bad=$(grep -c '^FUZZ .*: FAIL' "$fuzz_out" || true)
  passed=$((passed + n_ok))
  failed=$((failed + n_bad))
  while IFS= read -r line; do
    reasons+=("fuzz: ${line#FUZZ }")
  done < <(grep '^FUZZ .*: FAIL' "$fuzz_out")
  if [ "$n_ok" -eq 0 ] && [ "$n_bad" -eq 0 ]; then
    fail "fuzz: no harness ran (exit status $fuzz_status)"
  elif [ "$fuzz_status" -ne 0 ] && [ "$n_bad" -eq 0 ]; then
    fail "fuzz: build-aux/fuzz.sh exited with status $fuzz_status"
  fi
  rm -f "$fuzz_out"
fi

summary
