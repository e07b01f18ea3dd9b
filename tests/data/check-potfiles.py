#!/usr/bin/python3
"""Checks po/POTFILES.in against the source tree.

    check-potfiles.py SOURCE-ROOT

Fails (exit status 1, one line per problem on stderr) when a source file with a
translatable string is not listed in SOURCE-ROOT/po/POTFILES.in, or when a listed file
does not exist. A file has translatable strings when it:

  - (C, C++) calls _(), N_(), C_(), NC_(), Q_() or a gettext function;
  - (GtkBuilder .ui, other XML, Blueprint) has translatable="yes", an intltool-style
    <_element>, or _("…");
  - is a desktop file or a metainfo file (their names and summaries are translatable);
  - is a GSettings schema with a gettext-domain, or a shared-mime-info definition
    with a <comment>.

Build folders (any folder holding meson-private), hidden folders, po/, tests/ and
subprojects/ are not searched.
"""

import os
import re
import sys

C_EXTENSIONS = (".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp")
MARKUP_EXTENSIONS = (".ui", ".xml", ".blp", ".ui.in", ".xml.in", ".xml.in.in")
ALWAYS = (".desktop.in", ".desktop.in.in", ".metainfo.xml.in", ".metainfo.xml.in.in",
          ".appdata.xml.in", ".appdata.xml.in.in")
SKIP_DIRS = {"po", "tests", "subprojects"}

C_MARK = re.compile(r"(?<![\w])(?:_|N_|C_|NC_|Q_|g_d?c?n?p?gettext2?|d?c?n?p?gettext)\s*\(")
MARKUP_MARK = re.compile(r"translatable\s*=\s*[\"']yes[\"']|<_[A-Za-z]|(?<![\w])_\(\s*\"")
GSCHEMA = re.compile(r"<schemalist[^>]*\bgettext-domain\s*=")
MIME = re.compile(r"<mime-info\b.*<comment\b", re.DOTALL)


def has_strings(path, name):
    if name.endswith(ALWAYS):
        return True
    c_like = name.endswith(C_EXTENSIONS)
    markup = name.endswith(MARKUP_EXTENSIONS)
    if not c_like and not markup:
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    if c_like:
        return C_MARK.search(text) is not None
    return (MARKUP_MARK.search(text) is not None or GSCHEMA.search(text) is not None
            or MIME.search(text) is not None)


def files_with_strings(root):
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        keep = []
        for d in dirnames:
            if d.startswith(".") or (rel_dir == "." and d in SKIP_DIRS):
                continue
            if os.path.exists(os.path.join(dirpath, d, "meson-private")):
                continue
            keep.append(d)
        dirnames[:] = sorted(keep)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if has_strings(path, name):
                found.add(os.path.relpath(path, root).replace(os.sep, "/"))
    return found


def read_potfiles(root):
    listed = []
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and not line.startswith("["):
                listed.append(line)
    return listed


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-potfiles.py SOURCE-ROOT")
    root = sys.argv[1]
    try:
        listed = read_potfiles(root)
    except OSError as e:
        print(f"po/POTFILES.in: {e.strerror}", file=sys.stderr)
        return 1
    problems = []
    for path in sorted(files_with_strings(root) - set(listed)):
        problems.append(f"{path}: has translatable strings but is not in po/POTFILES.in")
    for path in listed:
        if not os.path.isfile(os.path.join(root, path)):
            problems.append(f"{path}: listed in po/POTFILES.in but does not exist")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
