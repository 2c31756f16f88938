#!/usr/bin/env python3
"""Checks that #include "..." lines only look down the layers of docs/architecture.md.

Layers, bottom to top (a file may include its own layer and the ones below):
  0 sim/base       types, units, errors, statistics, event log, random streams, registry
  1 sim/config     the configuration and the parameter declarations
  2 sim/memory     memory levels below the coherence fabric, DRAM
  3 coherence      cache arrays, replacement, protocol tables, controllers, fabrics, checker
  4 cpu            traces, lowering, the core, the MMU, litmus and race analysis
  5 sim/system     the assembly of a system, runners built on it (stress, litmus)
  6 sim/cli        the command line
  7 python         the Python extension

Usage: check_layering.py [ROOT] [--self-test]
Exit status 0 when every include looks down, 1 with one line per offending include.

--self-test shows that the check can fail: it adds, in memory, an upward include
(sim/base/types.hpp including "coherence/protocol.hpp") to the tree it read and
expects exactly that violation to be reported. (Checked by hand too: adding
`#include "sim/system/system.hpp"` to cpu/core.hpp makes this script exit 1 naming
cpu/core.hpp:N.)
"""
import os
import re
import sys

LAYERS = [  # (path prefix, rank); the longest matching prefix wins
    ("sim/base/", 0),
    ("sim/config/", 1),
    ("sim/memory/", 2),
    ("coherence/", 3),
    ("cpu/", 4),
    ("sim/system/", 5),
    ("sim/cli/", 6),
    ("python/", 7),
]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def rank(path):
    best = None
    for prefix, r in LAYERS:
        if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, r)
    return None if best is None else best[1]


def sources(root):
    out = {}
    for top in ("sim", "coherence", "cpu", "python"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".cpp", ".hpp")):
                    p = os.path.relpath(os.path.join(d, f), root)
                    with open(os.path.join(root, p), encoding="utf-8") as fh:
                        out[p] = fh.read().splitlines()
    return out


def violations(tree):
    bad = []
    for path, lines in sorted(tree.items()):
        mine = rank(path)
        if mine is None:
            bad.append(f"{path}: not in any layer (add its folder to tests/layering/check_layering.py and docs/architecture.md)")
            continue
        for n, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            theirs = rank(target)
            if theirs is None:
                continue  # a file beside this one, or a generated header
            if theirs > mine:
                bad.append(f"{path}:{n}: includes {target}, a higher layer ({theirs} > {mine})")
    return bad


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    tree = sources(root)
    if "--self-test" in sys.argv:
        tree = dict(tree)
        tree["sim/base/types.hpp"] = list(tree["sim/base/types.hpp"]) + ['#include "coherence/protocol.hpp"']
        bad = violations(tree)
        want = [b for b in bad if b.startswith("sim/base/types.hpp:") and "coherence/protocol.hpp" in b]
        if len(want) != 1:
            print("self-test: an upward include was not reported")
            return 1
        print("self-test: an upward include is reported:", want[0])
        return 0
    bad = violations(tree)
    for b in bad:
        print(b)
    if not bad:
        print(f"layering: {len(tree)} files, every include looks down")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
