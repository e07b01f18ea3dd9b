#!/usr/bin/python3
"""Counts one `meson test` run from its JSON log, strictly.

    count-tests.py LOG STAGE [--allowed-skips FILE] [--require-suite-tests N]

Prints one line "PASSED FAILED" on stdout and, on stderr, one line per failure
saying which test and why. A test passes only when meson says OK (or EXPECTEDFAIL)
and none of its TAP subtests skipped without leave. Everything else fails: FAIL,
TIMEOUT, ERROR, UNEXPECTEDPASS, UNEXPECTEDFAIL, INTERRUPT, a SKIP, and any result
this script does not know. A skip has leave only when a line of the allowed-skips
file names it (shell-style patterns for the test name and the subtest path) and
says why it may skip.
"""

import argparse
import fnmatch
import json
import re
import sys

PASS_RESULTS = {"OK", "EXPECTEDFAIL"}
TAP_SKIP = re.compile(r"^ok\s+\d+\s*(?:-\s*)?(\S*)\s*#\s*SKIP\b\s*(.*)$", re.IGNORECASE)


def read_allowed(path):
    allowed = []
    if not path:
        return allowed
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or not parts[2].startswith("#") or len(parts[2].lstrip("# ")) < 10:
                sys.exit(f"{path}:{number}: expected 'TEST SUBTEST # why it may skip'")
            allowed.append((parts[0], parts[1]))
    return allowed


def skip_allowed(allowed, test, subtest):
    test = test.split(" / ", 1)[-1]  # "memscope:cdp+unit / launcher" -> "launcher"
    return any(fnmatch.fnmatchcase(test, t) and fnmatch.fnmatchcase(subtest, s) for t, s in allowed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("stage")
    parser.add_argument("--allowed-skips")
    args = parser.parse_args()

    allowed = read_allowed(args.allowed_skips)
    passed = failed = 0
    reasons = []

    try:
        with open(args.log, encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        print("0 1")
        print(f"{args.stage}: cannot read the test log {args.log}: {e}", file=sys.stderr)
        return

    if not records:
        print("0 1")
        print(f"{args.stage}: the test log {args.log} holds no test", file=sys.stderr)
        return

    for record in records:
        name = record.get("name", "?")
        result = record.get("result", "?")
        if result == "SKIP":
            if skip_allowed(allowed, name, "*"):
                passed += 1
            else:
                failed += 1
                reasons.append(f"{name}: skipped as a whole")
            continue
        if result not in PASS_RESULTS:
            failed += 1
            reasons.append(f"{name}: {result}")
            continue
        bad_skips = []
        for line in (record.get("stdout") or "").splitlines():
            m = TAP_SKIP.match(line.strip())
            if m and not skip_allowed(allowed, name, m.group(1)):
                bad_skips.append(f"{m.group(1) or '?'} ({m.group(2).strip() or 'no reason given'})")
        if bad_skips:
            failed += 1
            reasons.append(f"{name}: skipped {', '.join(bad_skips)}")
        else:
            passed += 1

    print(f"{passed} {failed}")
    for reason in reasons:
        print(f"{args.stage}: {reason}", file=sys.stderr)


if __name__ == "__main__":
    main()
