"""What test-potfiles.py and test-translations.py share: small source trees written into
a temporary folder, a checker run on a tree, and the TAP loop over the real tree and the
cases, each of which must print exactly its stderr lines."""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def write_tree(root, files):
    """Writes {relative path: text} below root, making the folders."""
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)


def run(checker, root):
    """Runs tests/data/<checker> on the tree at root."""
    return subprocess.run([sys.executable, os.path.join(HERE, checker), root],
                          capture_output=True, text=True, check=False)


def run_cases(checker, cases):
    """TAP: the checker passes on the source tree, and on each (what, {path: text}, want)
    tree prints exactly the lines want on stderr (exit 1), or nothing (exit 0) when want
    is empty. Returns the exit status for the test."""
    print(f"1..{len(cases) + 1}")
    results = []

    proc = run(checker, SOURCE_ROOT)
    ok = proc.returncode == 0 and proc.stderr == ""
    print(f"{'ok' if ok else 'not ok'} - the source tree: {proc.stderr.strip()!r}")
    results.append(ok)

    for what, files, want in cases:
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(tmp, files)
            proc = run(checker, tmp)
        got = proc.stderr.splitlines()
        ok = got == want and proc.returncode == (1 if want else 0)
        print(f"{'ok' if ok else 'not ok'} - {what}: exit {proc.returncode}, {got!r}")
        results.append(ok)

    return 0 if all(results) else 1
