#!/usr/bin/python3
"""The Flatpak manifest, checked without network.

    test-flatpak-manifest.py MANIFEST

Parses the manifest and checks the app id, runtime, command, the exact finish-args
(nothing beyond what Memscope needs, no host filesystem, no session bus names) and that
every source is pinned: an archive or file by a 64-hex-digit sha256, the project itself
as a local folder. Then Debian's flatpak-builder must read it (--show-manifest) and
see the same manifest."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

APP_ID = "io.github.memscope.Memscope"
FINISH_ARGS = {
    "--share=network",     # the browser's DevTools port
    "--socket=wayland",
    "--socket=fallback-x11",
    "--share=ipc",         # X11's shared memory
    "--device=dri",        # GTK's GL renderer
}
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def source_problems(module, source):
    kind = source.get("type")
    where = f"module {module}: {kind} source"
    if kind == "dir":
        return [] if source.get("path") else [f"{where} without a path"]
    if kind in ("archive", "file"):
        problems = []
        if not str(source.get("url", "")).startswith("https://"):
            problems.append(f"{where}: url {source.get('url')!r} is not https")
        if not SHA256.match(str(source.get("sha256", ""))):
            problems.append(f"{where}: sha256 {source.get('sha256')!r} is not 64 hex digits")
        return problems
    if kind == "patch":
        return [] if source.get("path") else [f"{where} without a path"]
    return [f"{where}: not pinned by a checksum"]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test-flatpak-manifest.py MANIFEST")
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)

    print("1..9")
    results = []

    def check(ok, what):
        print(f"{'ok' if ok else 'not ok'} - {what}")
        results.append(ok)

    check(manifest.get("id") == APP_ID, f"id {manifest.get('id')!r}")
    check(manifest.get("runtime") == "org.gnome.Platform"
          and manifest.get("sdk") == "org.gnome.Sdk"
          and re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))) is not None,
          f"runtime {manifest.get('runtime')!r} {manifest.get('runtime-version')!r}, "
          f"sdk {manifest.get('sdk')!r}")
    check(manifest.get("command") == "memscope", f"command {manifest.get('command')!r}")

    args = manifest.get("finish-args", [])
    check(sorted(args) == sorted(FINISH_ARGS) and len(args) == len(set(args)),
          f"finish-args are exactly {sorted(FINISH_ARGS)}: {args!r}")

    modules = manifest.get("modules", [])
    problems = []
    for module in modules:
        if not module.get("sources"):
            problems.append(f"module {module.get('name')}: no sources")
        for source in module.get("sources", []):
            problems.extend(source_problems(module.get("name"), source))
    check(modules and not problems, f"every source is pinned: {problems!r}")

    last = modules[-1] if modules else {}
    dirs = [s for s in last.get("sources", []) if s.get("type") == "dir"]
    check(last.get("name") == "memscope" and last.get("buildsystem") == "meson"
          and len(dirs) == 1 and dirs[0].get("path") == "..",
          f"the last module builds this folder with meson: {last.get('name')!r}")

    names = [m.get("name") for m in modules]
    check("simdjson" in names and names.index("simdjson") < names.index("memscope"),
          f"simdjson (not in the runtime) is built before Memscope: {names!r}")

    builder = shutil.which("flatpak-builder")
    if builder is None:
        print("not ok - flatpak-builder is not installed (build-aux/install-deps.sh installs it)")
        print("not ok - flatpak-builder sees the same manifest (not run)")
        return 1
    # It makes a state folder (.flatpak-builder) where it runs: a temporary one.
    manifest_path = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([builder, "--show-manifest", manifest_path],
                              cwd=tmp, capture_output=True, text=True, check=False)
    check(proc.returncode == 0, f"flatpak-builder --show-manifest reads it: exit "
          f"{proc.returncode} {proc.stderr.strip()!r}")
    try:
        shown = json.loads(proc.stdout)
    except ValueError:
        shown = None
    check(shown == manifest, "flatpak-builder sees the same manifest")

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
