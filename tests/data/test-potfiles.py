#!/usr/bin/python3
"""check-potfiles.py on the real tree (every file with translatable strings is listed in
po/POTFILES.in) and on small trees written here, each with the exact problems it must
report: a marked file that is missing from the list fails, whatever the marking."""

import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
import checker_tree  # noqa: E402

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


def main():
    return checker_tree.run_cases(
        "check-potfiles.py",
        [(what, {"po/POTFILES.in": potfiles, **files}, want)
         for what, files, potfiles, want in CASES])


if __name__ == "__main__":
    sys.exit(main())
