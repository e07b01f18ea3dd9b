#!/usr/bin/python3
"""Checks that every translation in po/ is complete for today's sources.

    check-translations.py SOURCE-ROOT

Extracts today's strings from the files in po/POTFILES.in (xgettext, with the keywords of
meson's "glib" preset; a file it cannot read fails), and for each language in
SOURCE-ROOT/po/LINGUAS merges them into po/LL.po (msgmerge) and requires
`msgfmt --check --statistics` to find every message translated: none untranslated, none
fuzzy, no format error. Also fails when a po/*.po
is not in LINGUAS or a language in LINGUAS has no po/LL.po. Exit status 1 and one line
per problem on stderr."""

import glob
import os
import re
import subprocess
import sys
import tempfile

XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments", "--package-name=memscope",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
    "--flag=g_printerr:1:c-format", "--flag=g_print:1:c-format",
]
TRANSLATED = re.compile(r"^(\d+) translated messages?\.$")
STATS = re.compile(r"^\d+ translated messages?\b")


def read_linguas(path):
    langs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            langs.extend(line.split("#", 1)[0].split())
    return langs


def check(root):
    po_dir = os.path.join(root, "po")
    problems = []
    langs = read_linguas(os.path.join(po_dir, "LINGUAS"))
    present = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(po_dir, "*.po")))
    for lang in present:
        if lang not in langs:
            problems.append(f"po/{lang}.po: not in po/LINGUAS")
    langs_with_po = []
    for lang in langs:
        if lang in present:
            langs_with_po.append(lang)
        else:
            problems.append(f"po/LINGUAS: {lang} has no po/{lang}.po")
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "memscope.pot")
        proc = subprocess.run(["xgettext", *XGETTEXT_ARGS, "-f", "po/POTFILES.in", "-o", pot],
                              cwd=root, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not os.path.exists(pot):
            return problems + [f"xgettext failed: {proc.stderr.strip()}"]
        # (With no language yet, the extraction above is the whole check.)
        for lang in langs_with_po:
            merged = os.path.join(tmp, f"{lang}.po")
            proc = subprocess.run(["msgmerge", "--quiet", "-o", merged,
                                   os.path.join(po_dir, f"{lang}.po"), pot],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                problems.append(f"po/{lang}.po: msgmerge failed: {proc.stderr.strip()}")
                continue
            proc = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, merged],
                                  capture_output=True, text=True, check=False)
            lines = [l.strip() for l in proc.stderr.splitlines() if l.strip()]
            stats = next((l for l in lines if STATS.match(l)), "")
            errors = [l.split(": ", 1)[-1] for l in lines
                      if l != stats and "warning:" not in l and "fatal error" not in l]
            if proc.returncode != 0 or errors:
                problems.append(f"po/{lang}.po: msgfmt --check: {'; '.join(errors) or stats}")
            elif not TRANSLATED.match(stats):
                problems.append(f"po/{lang}.po: not complete: {stats}")
    return problems


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-translations.py SOURCE-ROOT")
    problems = check(sys.argv[1])
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
