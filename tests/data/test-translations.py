#!/usr/bin/python3
"""check-translations.py on the real tree (every language in po/LINGUAS is complete for
today's sources) and on small trees written here, each with the exact problems it must
report: an untranslated, fuzzy or stale message, a broken format, a po file that
po/LINGUAS does not name and a language without its po file."""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check-translations.py")
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

SOURCE = 'puts (_("Hello"));\nchar *s = g_strdup_printf (_("%d files"), n);\n'
HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Language: de\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


def po(hello='"Hallo"', files='"%d Dateien"', fuzzy=False):
    flag = "#, fuzzy\n" if fuzzy else ""
    return (HEADER + f'{flag}msgid "Hello"\nmsgstr {hello}\n\n'
            f'#, c-format\nmsgid "%d files"\nmsgstr {files}\n')


# (what, source text, {po file: text}, LINGUAS text, the stderr lines it must print)
CASES = [
    ("a complete translation", SOURCE, {"de": po()}, "de\n", []),
    ("no language yet", SOURCE, {}, "# none\n", []),
    ("an untranslated message", SOURCE, {"de": po(hello='""')}, "de\n",
     ["po/de.po: not complete: 1 translated message, 1 untranslated message."]),
    ("a fuzzy message", SOURCE, {"de": po(fuzzy=True)}, "de\n",
     ["po/de.po: not complete: 1 translated message, 1 fuzzy translation."]),
    ("a message new in the sources", SOURCE + 'puts (_("Bye"));\n', {"de": po()}, "de\n",
     ["po/de.po: not complete: 2 translated messages, 1 untranslated message."]),
    ("a broken format", SOURCE, {"de": po(files='"%s Dateien"')}, "de\n",
     ["po/de.po: msgfmt --check: format specifications in 'msgid' and 'msgstr' for "
      "argument 1 are not the same"]),
    ("a po file not in LINGUAS", SOURCE, {"de": po()}, "\n", ["po/de.po: not in po/LINGUAS"]),
    ("a language without its po file", SOURCE, {}, "fr\n", ["po/LINGUAS: fr has no po/fr.po"]),
]


def write_tree(root, source, pos, linguas):
    os.makedirs(os.path.join(root, "po"))
    os.makedirs(os.path.join(root, "src"))
    with open(os.path.join(root, "src", "a.c"), "w", encoding="utf-8") as f:
        f.write(source)
    with open(os.path.join(root, "po", "POTFILES.in"), "w", encoding="utf-8") as f:
        f.write("src/a.c\n")
    with open(os.path.join(root, "po", "LINGUAS"), "w", encoding="utf-8") as f:
        f.write(linguas)
    for lang, text in pos.items():
        with open(os.path.join(root, "po", f"{lang}.po"), "w", encoding="utf-8") as f:
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

    for what, source, pos, linguas, want in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(tmp, source, pos, linguas)
            proc = run(tmp)
        got = proc.stderr.splitlines()
        ok = got == want and proc.returncode == (1 if want else 0)
        print(f"{'ok' if ok else 'not ok'} - {what}: exit {proc.returncode}, {got!r}")
        results.append(ok)

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
