#!/usr/bin/env bash
# Installs what Memscope needs, builds it, and runs it on a browser it launches on the
# bundled demo page (data/demo/leaky-page.html): the window (`memscope --demo`) when there
# is a display, else `memscope-cli demo`, which records the page and prints what it found.
#
#   build-aux/run-demo.sh [DURATION_SECONDS]   # the duration applies to the command-line demo
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/_build/demo}

"$top/build-aux/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$top" >/dev/null
fi
ninja -C "$build" -j "${JOBS:-2}" src/cli/memscope-cli src/ui/memscope >/dev/null

export MEMSCOPE_DATADIR="$top/data"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/src/ui/memscope" --demo
fi
cd "${TMPDIR:-/tmp}"
# Where README.md says the recording is, whatever TMPDIR is.
exec "$build/src/cli/memscope-cli" demo --duration "${1:-10}" -o /tmp/demo.memscope
