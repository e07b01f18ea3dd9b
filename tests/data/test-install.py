#!/usr/bin/python3
"""`meson install --destdir` installs exactly the files the app's own descriptions name.

    test-install.py MESON BUILD-DIR PREFIX MANIFEST LINGUAS

Installs BUILD-DIR into a temporary folder, then computes, from the Flatpak manifest,
the installed desktop file, metainfo, GSettings schema and MIME definition, the files
they name: the command and the metainfo's binaries (bin/), the desktop file the
metainfo launches, the icon the desktop file names (and its symbolic variant), the
schema of the app id, the MIME definition of the metainfo's media types, a message
catalogue per language in po/LINGUAS for the metainfo's gettext domain, and the demo
page the programs open. Each named file must be installed, and each installed file
must be named. Flatpak exports only files that start with the app id, so every desktop
file, metainfo, icon and MIME definition must. The metainfo's screenshots must be files
of this repository (by their URL on its main branch) and its newest release this
version, dated and described."""

import configparser
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
# Read by memscope and memscope-cli from $datadir/memscope (MS_*_INSTALL_DATADIR).
PROGRAM_DATA = ["share/memscope/demo/leaky-page.html"]


def installed_files(root):
    found = set()
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            found.add(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return found


def read_linguas(path):
    langs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0]
            langs.extend(line.split())
    return langs


def desktop_entry(path):
    parser = configparser.RawConfigParser(delimiters=("=",), strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def main():
    if len(sys.argv) != 6:
        sys.exit("usage: test-install.py MESON BUILD-DIR PREFIX MANIFEST LINGUAS")
    meson, build_dir, prefix, manifest_path, linguas = sys.argv[1:]
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    app_id = manifest["id"]

    print("1..11")
    results = []

    def check(ok, what):
        print(f"{'ok' if ok else 'not ok'} - {what}")
        results.append(ok)

    with tempfile.TemporaryDirectory() as destdir:
        proc = subprocess.run([meson, "install", "-C", build_dir, "--destdir", destdir,
                               "--no-rebuild", "--quiet"],
                              capture_output=True, text=True, check=False)
        check(proc.returncode == 0, f"meson install --destdir: exit {proc.returncode} "
              f"{proc.stderr.strip()[-500:]!r}")
        root = os.path.join(destdir, os.path.relpath(prefix, "/"))
        installed = installed_files(root)

        def path(rel):
            return os.path.join(root, rel)

        named = {f"bin/{manifest['command']}"}

        metainfo = f"share/metainfo/{app_id}.metainfo.xml"
        named.add(metainfo)
        component = ET.parse(path(metainfo)).getroot() if metainfo in installed else None
        meta_id = component.findtext("id") if component is not None else None
        launchables = [l.text for l in component.iter("launchable")] if component is not None else []
        binaries = [b.text for b in component.iter("binary")] if component is not None else []
        mediatypes = [m.text for m in component.iter("mediatype")] if component is not None else []
        domains = [t.text for t in component.iter("translation") if t.get("type") == "gettext"] \
            if component is not None else []
        check(meta_id == app_id and launchables == [f"{app_id}.desktop"]
              and manifest["command"] in binaries and domains == ["memscope"],
              f"the metainfo: id {meta_id!r}, launches {launchables!r}, binaries {binaries!r}, "
              f"gettext domain {domains!r}")
        # The screenshot is served from this repository's main branch.
        prefix_url = "https://raw.githubusercontent.com/memscope/memscope/main/"
        source_root = os.path.dirname(os.path.dirname(os.path.abspath(manifest_path)))
        images = [i.text for i in component.iter("image")] if component is not None else []
        served = [i for i in images if i.startswith(prefix_url)
                  and os.path.isfile(os.path.join(source_root, i[len(prefix_url):]))]
        check(images and served == images, f"screenshots are files of this repository: {images!r}")
        releases = [(r.get("version"), r.get("date"), r.find("description") is not None)
                    for r in component.iter("release")] if component is not None else []
        version = subprocess.run([meson, "introspect", "--projectinfo", build_dir],
                                 capture_output=True, text=True, check=False).stdout
        version = json.loads(version).get("version") if version else None
        check(releases and releases[0][0] == version and releases[0][1] and releases[0][2],
              f"the newest release is this version ({version!r}), dated and described: "
              f"{releases!r}")
        named.update(f"bin/{b}" for b in binaries)
        named.update(f"share/applications/{l}" for l in launchables)
        for lang in read_linguas(linguas):
            named.update(f"share/locale/{lang}/LC_MESSAGES/{d}.mo" for d in domains)

        desktop = f"share/applications/{app_id}.desktop"
        entry = desktop_entry(path(desktop)) if desktop in installed else {}
        exec_cmd = entry.get("Exec", "").split()[:1]
        icon = entry.get("Icon")
        desktop_types = [t for t in entry.get("MimeType", "").split(";") if t]
        check(exec_cmd == [manifest["command"]] and icon == app_id
              and sorted(desktop_types) == sorted(mediatypes),
              f"the desktop file: Exec {exec_cmd!r}, Icon {icon!r}, MimeType {desktop_types!r}")
        named.add(f"share/icons/hicolor/scalable/apps/{icon}.svg")
        named.add(f"share/icons/hicolor/symbolic/apps/{icon}-symbolic.svg")

        schema = f"share/glib-2.0/schemas/{app_id}.gschema.xml"
        named.add(schema)
        ids = [s.get("id") for s in ET.parse(path(schema)).getroot().iter("schema")] \
            if schema in installed else []
        check(ids == [app_id], f"the schema: ids {ids!r}")

        mime = f"share/mime/packages/{app_id}.xml"
        named.add(mime)
        types = [t.get("type") for t in ET.parse(path(mime)).getroot().iter(MIME_NS + "mime-type")] \
            if mime in installed else []
        check(types and sorted(types) == sorted(mediatypes),
              f"the MIME definition defines the metainfo's media types: {types!r}")

        named.update(PROGRAM_DATA)

        missing = sorted(named - installed)
        unnamed = sorted(installed - named)
        check(not missing, f"every named file is installed: missing {missing!r}")
        check(not unnamed, f"every installed file is named: unnamed {unnamed!r}")

        exported = [f for f in installed
                    if f.startswith(("share/applications/", "share/metainfo/",
                                     "share/icons/", "share/mime/packages/"))]
        foreign = sorted(f for f in exported if not os.path.basename(f).startswith(app_id))
        check(exported and not foreign, f"exported files start with the app id: {foreign!r}")

        executables = [f for f in installed if f.startswith("bin/")]
        not_exec = sorted(f for f in executables if not os.access(path(f), os.X_OK))
        check(not not_exec, f"programs are executable: {not_exec!r}")

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
