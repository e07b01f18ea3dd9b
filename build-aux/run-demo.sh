#!/usr/bin/env bash
# Installs what Memscope needs, builds it, and runs it on a browser it launches on the
# bundled demo page (data/demo/leaky-page.html): memscope-cli records the page for a few
# seconds and prints what it found. Until the desktop window exists, this is Memscope.
#
#   build-aux/run-demo.sh [DURATION_SECONDS]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/_build/demo}

"$top/build-aux/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$top" >/dev/null
fi
ninja -C "$build" -j "${JOBS:-2}" src/cli/memscope-cli >/dev/null

cd "${TMPDIR:-/tmp}"
MEMSCOPE_DATADIR="$top/data" exec "$build/src/cli/memscope-cli" demo --duration "${1:-10}"
