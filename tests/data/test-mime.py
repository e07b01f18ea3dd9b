#!/usr/bin/python3
"""The file type of recordings, as a file manager sees it.

    test-mime.py MIME-XML DESKTOP-FILE

Installs MIME-XML (the built shared-mime-info definition) into a MIME database in a
temporary folder with update-mime-database, then asks GIO (the way Nautilus does) for
the content type of sample files: by name (*.memscope) and by their first bytes, for
both formats. The same files asked without the definition must not get the type, so
the definition is what makes the difference. The desktop file must name the type."""

import configparser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

MIME_TYPE = "application/x-memscope-session"
NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def v2_header():
    # From the format's description: magic 89 4d 53 52 45 43 0d 0a, version u32 2,
    # then the CRC-32 of those 12 bytes, all little-endian.
    head = bytes([0x89, 0x4D, 0x53, 0x52, 0x45, 0x43, 0x0D, 0x0A]) + struct.pack("<I", 2)
    return head + struct.pack("<I", zlib.crc32(head))


V1 = b'{"format":"memscope-session","version":1,"profiles":[],"counters":[],"alarms":[]}'

# (file name, contents, is it a recording)
SAMPLES = [
    ("recording", v2_header() + b"\x00" * 28, True),
    ("session", V1, True),
    ("anything.memscope", b"not even a recording\n", True),
    ("RECORDING.MEMSCOPE", b"upper case\n", True),
    ("other-json", b'{"format":"other","version":1}', False),
    ("almost", bytes([0x89, 0x4D, 0x53, 0x52, 0x45, 0x58, 0x0D, 0x0A]) + b"\x00" * 8, False),
    ("session.txt.bak", b"notes\n", False),
]


def content_type(path, data_dirs, home):
    env = dict(os.environ, XDG_DATA_DIRS=data_dirs, XDG_DATA_HOME=home, GIO_USE_VFS="local")
    proc = subprocess.run(["gio", "info", "-a", "standard::content-type", path],
                          capture_output=True, text=True, env=env, check=False)
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("standard::content-type:"):
            return line.split(":", 3)[-1].strip()
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test-mime.py MIME-XML DESKTOP-FILE")
    mime_xml, desktop = sys.argv[1], sys.argv[2]
    missing = [t for t in ("xmllint", "update-mime-database", "gio") if shutil.which(t) is None]
    if missing:
        print(f"1..0 # SKIP not installed: {' '.join(missing)} (build-aux/install-deps.sh installs them)")
        return 0

    print(f"1..{5 + 2 * len(SAMPLES)}")
    results = []

    def check(ok, what):
        print(f"{'ok' if ok else 'not ok'} - {what}")
        results.append(ok)

    proc = subprocess.run(["xmllint", "--noout", mime_xml], capture_output=True, text=True,
                          check=False)
    check(proc.returncode == 0 and proc.stderr == "", f"xmllint reads it: {proc.stderr.strip()!r}")

    root = ET.parse(mime_xml).getroot()
    types = [t.get("type") for t in root.findall(NS + "mime-type")]
    globs = [g.get("pattern") for g in root.iter(NS + "glob")]
    check(root.tag == NS + "mime-info" and types == [MIME_TYPE] and globs == ["*.memscope"],
          f"one type {types!r} with the glob {globs!r}")

    parser = configparser.RawConfigParser(delimiters=("=",), strict=False)
    parser.optionxform = str
    parser.read(desktop, encoding="utf-8")
    mime_types = parser.get("Desktop Entry", "MimeType", fallback="").split(";")
    check(MIME_TYPE in mime_types, f"the desktop file's MimeType= names it: {mime_types!r}")

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "share")
        os.makedirs(os.path.join(db, "mime", "packages"))
        shutil.copy(mime_xml, os.path.join(db, "mime", "packages"))
        proc = subprocess.run(["update-mime-database", os.path.join(db, "mime")],
                              capture_output=True, text=True, check=False)
        # It warns (on stderr) about a search path; only errors about the file count.
        errors = [l for l in proc.stderr.splitlines() if os.path.basename(mime_xml) in l]
        check(proc.returncode == 0 and not errors,
              f"update-mime-database takes it: exit {proc.returncode}, {errors!r}")

        with open(os.path.join(db, "mime", "globs2"), encoding="utf-8") as f:
            globs2 = [l.strip() for l in f if not l.startswith("#")]
        check(f"50:{MIME_TYPE}:*.memscope" in globs2, f"globs2: {globs2!r}")

        samples = os.path.join(tmp, "samples")
        os.makedirs(samples)
        home = os.path.join(tmp, "home")
        for name, data, ours in SAMPLES:
            path = os.path.join(samples, name)
            with open(path, "wb") as f:
                f.write(data)
            with_db = content_type(path, db + os.pathsep + "/usr/share", home)
            without = content_type(path, "/usr/share", home)
            want = "is" if ours else "is not"
            check((with_db == MIME_TYPE) == ours and with_db is not None,
                  f"{name} {want} a recording: {with_db!r}")
            check(without is not None and without != MIME_TYPE,
                  f"{name} without the definition: {without!r}")

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
