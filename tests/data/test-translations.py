#!/usr/bin/python3
"""check-translations.py on the real tree (every language in po/LINGUAS is complete for
today's sources) and on small trees written here, each with the exact problems it must
report: an untranslated, fuzzy or stale message, a broken format, a po file that
po/LINGUAS does not name and a language without its po file."""

import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
import checker_tree  # noqa: E402

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


def tree(source, pos, linguas):
    files = {"src/a.c": source, "po/POTFILES.in": "src/a.c\n", "po/LINGUAS": linguas}
    files.update({f"po/{lang}.po": text for lang, text in pos.items()})
    return files


def main():
    return checker_tree.run_cases(
        "check-translations.py",
        [(what, tree(source, pos, linguas), want) for what, source, pos, linguas, want in CASES])


if __name__ == "__main__":
    sys.exit(main())
