#!/usr/bin/env python3
"""An independent count of a shared L2's read hits below one core's L1D, nine or exclusive.

    exclusive_l2_model.py TRACE.din [--refs N] [--l1-sets 64 --l1-ways 8] [--l2-sets 128 --l2-ways 8]

Two set-associative LRU lists of line numbers (64-byte lines), fed the din trace's
addresses in order, no timing and no protocol: the L1D allocates on every miss; a
`nine` L2 allocates what the L1D's misses read and refreshes a line the L1D writes back
dirty; an `exclusive` L2 takes every L1D victim and gives a hit's line up (out of it).
docs/architecture.md ("Inclusion") compares it with `cohsim run` on the mix stream
(one core, MESI, a 64 KiB 8-way shared L2 under the 32 KiB 8-way L1D: the defaults): it counts what cohsim's l2.read_hits count, up to
what it leaves out (an exclusive L2 keeps a dirty line a hit copies up).
"""
import argparse
from collections import OrderedDict


def count(path, refs, l1_sets, l1_ways, l2_sets, l2_ways, exclusive):
    l1 = [OrderedDict() for _ in range(l1_sets)]
    l2 = [OrderedDict() for _ in range(l2_sets)]
    hits = misses = 0

    def put(x):
        s = l2[x % l2_sets]
        s.pop(x, None)
        s[x] = True
        if len(s) > l2_ways:
            s.popitem(last=False)

    with open(path) as f:
        for i, text in enumerate(f):
            if i >= refs:
                break
            label, addr = text.split()[:2]
            x, write = int(addr, 16) >> 6, label == "1"
            s = l1[x % l1_sets]
            if x in s:
                s.move_to_end(x)
                s[x] = s[x] or write
                continue
            t = l2[x % l2_sets]
            if x in t:
                hits += 1
                if exclusive:
                    del t[x]
                else:
                    t.move_to_end(x)
            else:
                misses += 1
                if not exclusive:
                    put(x)
            s[x] = write
            if len(s) > l1_ways:
                victim, dirty = s.popitem(last=False)
                if exclusive or dirty:
                    put(victim)
    return hits, misses


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("--refs", type=int, default=1 << 62)
    ap.add_argument("--l1-sets", type=int, default=64)
    ap.add_argument("--l1-ways", type=int, default=8)
    ap.add_argument("--l2-sets", type=int, default=128)
    ap.add_argument("--l2-ways", type=int, default=8)
    a = ap.parse_args()
    for policy in ("nine", "exclusive"):
        h, m = count(a.trace, a.refs, a.l1_sets, a.l1_ways, a.l2_sets, a.l2_ways, policy == "exclusive")
        print(f"{policy}: {h} L2 read hits, {m} L2 read misses")


if __name__ == "__main__":
    main()
