#!/usr/bin/python3
"""check-potfiles.py on the real tree (every file with translatable strings is listed in
po/POTFILES.in) and on small trees written here, each with the exact problems it must
report: a marked file that is missing from the list fails, whatever the marking."""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check-potfiles.py")
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

MISSING = ": has translatable strings but is not in po/POTFILES.in"
GONE = ": listed in po/POTFILES.in but does not exist"

# (what, {path: text}, POTFILES.in text, the stderr lines it must print; none: exit 0)
CASES = [
    ("a listed C file", {"src/a.c": 'puts (_("Hello"));\n'}, "src/a.c\n", []),
    ("an unlisted _()", {"src/a.c": 'puts (_("Hello"));\n'}, "", ["src/a.c" + MISSING]),
    ("an unlisted N_()", {"src/b.c": 'static const char *s = N_("Hi");\n'}, "# none\n",
     ["src/b.c" + MISSING]),
    ("an unlisted C_()", {"src/c.h": 'C_("menu", "Open")\n'}, "", ["src/c.h" + MISSING]),
    ("an unlisted g_dgettext", {"src/d.c": 'g_dgettext (GETTEXT_PACKAGE, "x");\n'}, "",
     ["src/d.c" + MISSING]),
    ("an unlisted ngettext", {"src/e.cc": 'ngettext ("a file", "%d files", n);\n'}, "",
     ["src/e.cc" + MISSING]),
    ("an unlisted .ui", {"src/w.ui": '<property name="title" translatable="yes">T</property>\n'},
     "", ["src/w.ui" + MISSING]),
    ("an unlisted intltool-style XML", {"data/x.xml.in": "<a><_summary>S</_summary></a>\n"},
     "", ["data/x.xml.in" + MISSING]),
    ("an unlisted desktop file", {"data/app.desktop.in": "[Desktop Entry]\nName=App\n"}, "",
     ["data/app.desktop.in" + MISSING]),
    ("an unlisted metainfo", {"data/app.metainfo.xml.in": "<component/>\n"}, "",
     ["data/app.metainfo.xml.in" + MISSING]),
    ("an unlisted translatable schema",
     {"data/app.gschema.xml": '<schemalist gettext-domain="app"><schema id="a"/></schemalist>\n'},
     "", ["data/app.gschema.xml" + MISSING]),
    ("an unlisted MIME comment",
     {"data/app.xml.in": "<mime-info><mime-type type=\"a/b\"><comment>A</comment></mime-type></mime-info>\n"},
     "", ["data/app.xml.in" + MISSING]),
    ("a listed file that does not exist", {}, "src/gone.c\n", ["src/gone.c" + GONE]),
    ("two problems, sorted",
     {"src/z.c": '_("z");\n', "src/a.c": '_("a");\n'}, "", ["src/a.c" + MISSING, "src/z.c" + MISSING]),
    ("no marks: nothing to list",
     {"src/a.c": "G_DEFINE_TYPE (A, a, G_TYPE_OBJECT)\nfoo_(1); GETTEXT_PACKAGE;\n",
      "src/w.ui": '<property name="title">T</property>\n',
      "data/s.gschema.xml": "<schemalist><schema id=\"a\"/></schemalist>\n"}, "", []),
    ("build, hidden, tests and po folders are not searched",
     {"_b/meson-private/x": "", "_b/gen.c": '_("x");\n', ".git/h.c": '_("x");\n',
      "tests/t.c": '_("x");\n', "po/p.c": '_("x");\n'}, "", []),
]


def write_tree(root, files, potfiles):
    os.makedirs(os.path.join(root, "po"), exist_ok=True)
    with open(os.path.join(root, "po", "POTFILES.in"), "w", encoding="utf-8") as f:
        f.write(potfiles)
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)


def run(root):
    return subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True,
                          check=False)


def main():
    print(f"1..{len(CASES) + 1}")
    results = []

    proc = run(SOURCE_ROOT)
    ok = proc.returncode == 0 and proc.stderr == ""
    print(f"{'ok' if ok else 'not ok'} - the source tree: {proc.stderr.strip()!r}")
    results.append(ok)

    for what, files, potfiles, want in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(tmp, files, potfiles)
            proc = run(tmp)
        got = proc.stderr.splitlines()
        ok = got == want and proc.returncode == (1 if want else 0)
        print(f"{'ok' if ok else 'not ok'} - {what}: exit {proc.returncode}, {got!r}")
        results.append(ok)

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
