#!/usr/bin/env python3
# python-reference.py: the plain Python way, for comparison with bench-profile
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: python-reference.py [PROFILE.json[.gz]]
#        python-reference.py --child PROFILE.json[.gz] TEXT_BYTES [RUNS]
#        python-reference.py --folded PROFILE.json[.gz] OUT
#
# Does what bench-profile does, the way a short Python script would: read the
# file (gunzip when it ends in .gz), json.loads the text, build a flame tree of
# dicts (root first, each node a dict of children plus self/total bytes of the
# samples' "total"; frames labelled as memscope labels them without symbols:
# the name, else module+0xoffset, else the address), and write the folded
# stacks into a string, heaviest child first. The output is byte for byte
# memscope's `export --format folded`, which bench-profile checks before it
# times anything. Same sizes, same child process per size, same median of N
# runs, same output line as bench-profile, so the two compare line by line.

import bisect
import gzip
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

N_RUNS = 7


def load_text(path):
    if path.endswith('.gz'):
        with gzip.open(path, 'rb') as f:
            return f.read()
    with open(path, 'rb') as f:
        return f.read()


def module_display_name(module):
    """memscope's short module name: the main executable (its name is the
    renderer's command line) as chromium- and 8 digits of its build-id, any
    other module by its file name."""
    name = module.get('name', '')
    if ' -' in name or (' ' in name and not name.startswith('/')):
        uuid = module.get('uuid', '')
        build_id = uuid[:-1].lower() if len(uuid) >= 2 else ''
        return 'chromium-%s' % build_id[:8] if build_id else 'chromium'
    return os.path.basename(name)


def make_labeller(modules):
    """A frame's label as memscope's flame graph shows it without symbols: the
    name after the address when there is one, else module+0xoffset, else the
    address; in folded text ';' becomes ':' and line breaks spaces."""
    spans = sorted((int(m['baseAddress'], 16), int(m['size']), module_display_name(m)) for m in modules)
    bases = [s[0] for s in spans]

    def label_of(frame):
        address, _, name = frame.partition(' ')
        if name and name != '<unknown>':
            label = name
        else:
            label = address
            at = int(address, 16)
            i = bisect.bisect_right(bases, at)
            if i > 0 and at - spans[i - 1][0] < spans[i - 1][1]:
                label = '%s+0x%x' % (spans[i - 1][2], at - spans[i - 1][0])
        return label.replace(';', ':').replace('\n', ' ').replace('\r', ' ')

    return label_of


def build_tree(doc):
    profile = doc
    if 'result' in profile:
        profile = profile['result']
    if 'profile' in profile:
        profile = profile['profile']

    label_of = make_labeller(profile.get('modules', []))
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
        # heaviest first, ties by label (as memscope's flame tree orders them)
        for label, child in sorted(node['children'].items(), key=lambda kv: (-kv[1]['total'], kv[0])):
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
    parse, tree_s, folded_s, all_s, user, system = [], [], [], [], [], []
    n_samples = 0
    mb = text_bytes / 1e6
    load_before = os.getloadavg()[0]

    for _ in range(N_RUNS):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        doc = json.loads(load_text(path))
        t1 = time.perf_counter()
        tree = build_tree(doc)
        t2 = time.perf_counter()
        out = folded(tree)
        t3 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_SELF)

        profile = doc.get('result', doc)
        profile = profile.get('profile', profile)
        n_samples = sum(1 for s in profile['samples'] if s['stack'] != ['<V8 Heap>'])
        parse.append(t1 - t0)
        tree_s.append(t2 - t1)
        folded_s.append(t3 - t2)
        all_s.append(t3 - t0)
        user.append(r1.ru_utime - r0.ru_utime)
        system.append(r1.ru_stime - r0.ru_stime)
        del doc, tree, out, profile

    rss = peak_rss_kib()
    med = statistics.median
    print('%-26s %6.1f MB %6u samples | parse %6.3f s | tree %6.3f s | folded %6.3f s | '
          'all %6.3f s %5.0f MB/s (fastest %6.3f s %5.0f MB/s) | user %5.3f s sys %5.3f s | '
          'peak RSS %6.1f MiB = %.2f x input | load %.2f-%.2f'
          % (os.path.basename(path), mb, n_samples, med(parse), med(tree_s), med(folded_s),
             med(all_s), mb / med(all_s), min(all_s), mb / min(all_s), med(user), med(system),
             rss / 1024.0, rss * 1024.0 / text_bytes, load_before, os.getloadavg()[0]), flush=True)
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


def write_folded(path, out_path):
    """The whole job once, as a short script would do it: what bench-profile checks and times."""
    text = folded(build_tree(json.loads(load_text(path))))
    with open(out_path, 'w', encoding='utf-8') as f:
        f.write(text)
    return 0


def main(argv):
    global N_RUNS
    if len(argv) in (4, 5) and argv[1] == '--child':
        if len(argv) == 5:
            N_RUNS = int(argv[4])
        return run_child(argv[2], int(argv[3]))
    if len(argv) == 4 and argv[1] == '--folded':
        return write_folded(argv[2], argv[3])

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
