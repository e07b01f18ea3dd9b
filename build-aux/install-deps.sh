#!/usr/bin/env bash
# Installs the Debian 12 packages Memscope needs to build, test and run.
# Idempotent and quiet; needs root (or sudo).
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc g++ clang python3
  # libraries
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libdw-dev libelf-dev zlib1g-dev
  libsimdjson-dev libzstd-dev
  # tests
  chromium libc6-dbg valgrind libclang-rt-14-dev libglib-testing-0-dev
  # the desktop front end and its headless tests
  libgtk-4-dev libadwaita-1-dev xvfb xauth gettext desktop-file-utils appstream
  # the accessibility test: AT-SPI as a screen reader reaches it, on a private D-Bus session
  at-spi2-core gir1.2-atspi-2.0 python3-gi python3-pyatspi dbus-daemon binutils
  # packaging checks: the settings schema, the file type, the Flatpak manifest
  libglib2.0-bin libxml2-utils shared-mime-info flatpak-builder
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
