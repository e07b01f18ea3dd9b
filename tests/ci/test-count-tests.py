#!/usr/bin/python3
"""Checks build-aux/count-tests.py, the strict counter behind run-tests.sh's summary line,
on meson JSON logs written here by hand: each case says what must pass and what must fail."""

import json
import os
import subprocess
import sys
import tempfile

COUNTER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build-aux", "count-tests.py")


def record(name, result, stdout=""):
    return {"name": "memscope:unit / " + name, "result": result, "stdout": stdout}


TAP_OK = "1..2\nok 1 /memscope/a/one\nok 2 /memscope/a/two\n"
TAP_SKIP = "1..2\nok 1 /memscope/a/one\nok 2 /memscope/a/two # SKIP no browser here\n"

CASES = [
    # (what, records or None for a missing log, allowed-skips text, passed, failed, reason fragment)
    ("all ok", [record("a", "OK", TAP_OK), record("b", "OK")], "", 2, 0, None),
    ("a failure", [record("a", "OK"), record("b", "FAIL")], "", 1, 1, "b: FAIL"),
    ("timeout", [record("a", "TIMEOUT")], "", 0, 1, "a: TIMEOUT"),
    ("interrupt", [record("a", "INTERRUPT")], "", 0, 1, "a: INTERRUPT"),
    ("unexpected pass", [record("a", "UNEXPECTEDPASS")], "", 0, 1, "UNEXPECTEDPASS"),
    ("an unknown result", [record("a", "WHATEVER")], "", 0, 1, "a: WHATEVER"),
    ("a whole skip", [record("a", "SKIP")], "", 0, 1, "a: skipped as a whole"),
    ("a subtest skip", [record("a", "OK", TAP_SKIP)], "", 0, 1, "/memscope/a/two (no browser here)"),
    ("an allowed subtest skip", [record("a", "OK", TAP_SKIP)],
     "a /memscope/a/* # these run in another test\n", 1, 0, None),
    ("leave for another test only", [record("b", "OK", TAP_SKIP)],
     "a /memscope/a/* # these run in another test\n", 0, 1, "b: skipped"),
    ("an empty log", [], "", 0, 1, "holds no test"),
    ("no log", None, "", 0, 1, "cannot read the test log"),
]


def run_case(tmp, what, records, allowed, want_passed, want_failed, fragment):
    log = os.path.join(tmp, "log.json")
    if os.path.exists(log):
        os.remove(log)
    if records is not None:
        with open(log, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
    skips = os.path.join(tmp, "skips.txt")
    with open(skips, "w", encoding="utf-8") as f:
        f.write(allowed)
    proc = subprocess.run([sys.executable, COUNTER, log, "stage", "--allowed-skips", skips],
                          capture_output=True, text=True, check=False)
    got = proc.stdout.split()
    ok = got == [str(want_passed), str(want_failed)]
    if fragment is not None:
        ok = ok and fragment in proc.stderr
    elif proc.stderr:
        ok = False
    print(f"{'ok' if ok else 'not ok'} - {what}: got {got!r} {proc.stderr.strip()!r}")
    return ok


def main():
    print(f"1..{len(CASES) + 1}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            results.append(run_case(tmp, *case))
        # A line without a reason is refused: leave to skip must say why.
        skips = os.path.join(tmp, "bad-skips.txt")
        with open(skips, "w", encoding="utf-8") as f:
            f.write("a /memscope/a/*\n")
        proc = subprocess.run([sys.executable, COUNTER, os.path.join(tmp, "log.json"), "stage",
                               "--allowed-skips", skips], capture_output=True, text=True, check=False)
        ok = proc.returncode != 0 and "expected 'TEST SUBTEST # why it may skip'" in proc.stderr
        print(f"{'ok' if ok else 'not ok'} - an allowed skip without a reason is refused")
        results.append(ok)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
