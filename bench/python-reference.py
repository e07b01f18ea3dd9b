#!/usr/bin/env python3
# python-reference.py: the plain Python way, for comparison with bench-profile
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: python-reference.py [PROFILE.json[.gz]]
#        python-reference.py --child PROFILE.json[.gz] TEXT_BYTES
#
# Does what bench-profile does, the way a short Python script would: read the
# file (gunzip when it ends in .gz), json.loads the text, build a flame tree of
# dicts (root first, each node a dict of children plus self/total bytes of the
# samples' "total"), and write the folded stacks into a string. Same sizes,
# same child process per size, same best of 3, same output line as
# bench-profile, so the two can be compared line by line.

import gzip
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

N_RUNS = 3


def load_text(path):
    if path.endswith('.gz'):
        with gzip.open(path, 'rb') as f:
            return f.read()
    with open(path, 'rb') as f:
        return f.read()


def label_of(frame):
    """'0x55b0c239922b new()' -> 'new()'; '<unknown>' names -> the address."""
    address, _, name = frame.partition(' ')
    label = name if name and name != '<unknown>' else address
    return label.replace(';', ':')


def build_tree(doc):
    profile = doc
    if 'result' in profile:
        profile = profile['result']
    if 'profile' in profile:
        profile = profile['profile']

    labels = {}  # each distinct frame string is labelled once
    root = {'children': {}, 'self': 0, 'total': 0}
    for sample in profile['samples']:
        stack = sample['stack']
        if stack == ['<V8 Heap>']:
            continue
        value = sample['total']
        node = root
        node['total'] += value
        for frame in reversed(stack):
            label = labels.get(frame)
            if label is None:
                label = labels[frame] = label_of(frame)
            children = node['children']
            child = children.get(label)
            if child is None:
                child = children[label] = {'children': {}, 'self': 0, 'total': 0}
            child['total'] += value
            node = child
        node['self'] += value
    return root


def folded(root):
    lines = []

    def walk(node, path):
        if node['self'] > 0 and path:
            lines.append('%s %d' % (';'.join(path), node['self']))
        for label, child in sorted(node['children'].items(), key=lambda kv: -kv[1]['total']):
            path.append(label)
            walk(child, path)
            path.pop()

    if root['self'] > 0:
        lines.append('all %d' % root['self'])
    walk(root, [])
    return '\n'.join(lines) + '\n'


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_child(path, text_bytes):
    best_parse = best_tree = best_folded = best_all = float('inf')
    n_samples = 0
    mb = text_bytes / 1e6

    for _ in range(N_RUNS):
        t0 = time.perf_counter()
        doc = json.loads(load_text(path))
        t1 = time.perf_counter()
        tree = build_tree(doc)
        t2 = time.perf_counter()
        out = folded(tree)
        t3 = time.perf_counter()

        profile = doc.get('result', doc)
        profile = profile.get('profile', profile)
        n_samples = sum(1 for s in profile['samples'] if s['stack'] != ['<V8 Heap>'])
        best_parse = min(best_parse, t1 - t0)
        best_tree = min(best_tree, t2 - t1)
        best_folded = min(best_folded, t3 - t2)
        best_all = min(best_all, t3 - t0)
        del doc, tree, out, profile

    rss = peak_rss_kib()
    print('%-28s %8.1f MB %7u samples | parse %6.3f s %6.0f MB/s | tree %6.3f s | folded %6.3f s | '
          'all %6.3f s %6.0f MB/s | peak RSS %6.1f MB = %.2f x input'
          % (os.path.basename(path), mb, n_samples, best_parse, mb / best_parse, best_tree, best_folded,
             best_all, mb / best_all, rss / 1024.0, rss * 1024.0 / text_bytes), flush=True)
    return 0


def synthesize(text, factor):
    """bench-profile's synthetic profile: the samples repeated, copy k with every size + k."""
    key = b'"samples":['
    body = text.index(key) + len(key)
    decoded = text.decode('utf-8')
    # raw_decode counts characters, the rest of this counts bytes
    _, end = json.JSONDecoder().raw_decode(decoded, len(text[:body - 1].decode('utf-8')))
    close = len(decoded[:end].encode('utf-8')) - 1  # the samples' ']'
    del decoded
    samples = text[body:close]
    parts = [text[:body]]
    for k in range(factor):
        if k > 0:
            parts.append(b',')
            parts.append(re.sub(rb'"size":(\d+)', lambda m: b'"size":%d' % (int(m.group(1)) + k), samples))
        else:
            parts.append(samples)
    parts.append(text[close:])
    return b''.join(parts)


def main(argv):
    if len(argv) == 4 and argv[1] == '--child':
        return run_child(argv[2], int(argv[3]))

    if len(argv) > 1:
        path = argv[1]
    else:
        fixtures = os.environ.get('MEMSCOPE_FIXTURES', '../shared/fixtures/chromium-156')
        path = os.path.join(fixtures, 'large', 'getSamplingProfile.json.gz')

    text = load_text(path)
    status = 0
    with tempfile.TemporaryDirectory(prefix='memscope-pybench-') as tmp:
        one = os.path.join(tmp, 'profile-1x.json')
        four = os.path.join(tmp, 'profile-4x.json')
        with open(one, 'wb') as f:
            f.write(text)
        big = synthesize(text, 4)
        with open(four, 'wb') as f:
            f.write(big)
        runs = [('as given', path, len(text)), ('decompressed', one, len(text)), ('synthetic 4x', four, len(big))]
        del text, big

        print('# python %s, best of %d runs per size, each size in its own process'
              % (sys.version.split()[0], N_RUNS), flush=True)
        for name, p, n in runs:
            print('%-14s ' % name, end='', flush=True)
            if subprocess.call([sys.executable, os.path.abspath(__file__), '--child', p, str(n)]) != 0:
                status = 1
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv))
