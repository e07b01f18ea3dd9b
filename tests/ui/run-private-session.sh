#!/bin/sh
# Runs "$@" on a D-Bus session of its own (dbus-run-session) whose accessibility bus is private
# too: at-spi-bus-launcher puts its socket in $XDG_RUNTIME_DIR/at-spi/, or ~/.cache/at-spi/
# without it, a path that every run of the same user would share; a second run would replace
# the first one's socket and its window would lose the accessibility bus.
set -e
dir=$(mktemp -d "${TMPDIR:-/tmp}/memscope-a11y.XXXXXX")
trap 'rm -rf "$dir"' EXIT
XDG_RUNTIME_DIR=$dir dbus-run-session -- "$@"
