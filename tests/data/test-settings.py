#!/usr/bin/python3
"""The settings schema as the tests see it: GSETTINGS_SCHEMA_DIR (set by tests/meson.build)
names the build folder's compiled schemas, and every key the app needs is there with its
type, default and, for the choices, the allowed values."""

import os
import subprocess
import sys

SCHEMA = "io.github.memscope.Memscope"

# key: (`gsettings range` first line (the type and any bounds), default as `gsettings get` prints it, choices)
EXPECTED = {
    "window-width": ("range i 360 32767", "1180", None),
    "window-height": ("range i 294 32767", "740", None),
    "window-maximized": ("type b", "false", None),
    "last-endpoint": ("type s", "'127.0.0.1:9222'", None),
    "last-launch-url": ("type s", "''", None),
    "sampling-interval": ("range u 0 1073741824", "uint32 32768", None),
    "suppress-randomness": ("type b", "false", None),
    "profile-source": ("enum", "'since-start'", ["since-start", "all-time", "browser"]),
    "poll-interval": ("range u 0 3600", "uint32 2", None),
    "counter-interval": ("range u 0 3600", "uint32 1", None),
    "recording-folder": ("type s", "''", None),
    "alarm-armed": ("type b", "true", None),
    "alarm-unit": ("enum", "'bytes'", ["bytes", "blocks"]),
    "alarm-threshold-bytes": ("range t 1 1099511627776", "uint64 4194304", None),
    "alarm-threshold-blocks": ("range u 1 4294967295", "uint32 262144", None),
    "alarm-bytes-per-block": ("range u 1 1048576", "uint32 16", None),
    "alarm-ignore-count": ("range u 0 1000000", "uint32 0", None),
    "histogram-bytes-per-block": ("range u 1 1048576", "uint32 16", None),
    "flame-graph-direction": ("enum", "'top-down'", ["top-down", "bottom-up"]),
    "flame-graph-labels": ("enum", "'symbol'", ["symbol", "address", "module"]),
    "symbol-search-dirs": ("type as", "@as []", None),
    "symbol-executable-path": ("type s", "''", None),
}


def gsettings(*args):
    proc = subprocess.run(["gsettings", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.strip()


def main():
    print(f"1..{len(EXPECTED) + 2}")
    results = []

    schema_dir = os.environ.get("GSETTINGS_SCHEMA_DIR", "")
    compiled = os.path.join(schema_dir, "gschemas.compiled")
    ok = bool(schema_dir) and os.path.isfile(compiled)
    print(f"{'ok' if ok else 'not ok'} - GSETTINGS_SCHEMA_DIR names compiled schemas: {compiled!r}")
    results.append(ok)

    listed = gsettings("list-keys", SCHEMA)
    keys = sorted(listed.split()) if listed is not None else []
    ok = keys == sorted(EXPECTED)
    extra = sorted(set(keys) - set(EXPECTED))
    missing = sorted(set(EXPECTED) - set(keys))
    print(f"{'ok' if ok else 'not ok'} - the schema has exactly the expected keys"
          f" (missing {missing}, unexpected {extra})")
    results.append(ok)

    for key, (kind, default, choices) in EXPECTED.items():
        rng = gsettings("range", SCHEMA, key)
        got = gsettings("get", SCHEMA, key)
        lines = rng.splitlines() if rng is not None else []
        got_kind = lines[0] if lines else None
        got_choices = [c.strip("'") for c in lines[1:]] if kind == "enum" else None
        ok = got_kind == kind and got == default and got_choices == choices
        print(f"{'ok' if ok else 'not ok'} - {key}: {got_kind!r} {got!r} {got_choices!r}")
        results.append(ok)

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
