#!/usr/bin/python3
"""Deterministic Dinero IV `din` traces for validating cohsim's L1D statistics.

Standard library only. Every trace is a pure function of (name, count): the same
arguments give the same bytes on every machine and Python 3 version.

    /usr/bin/python3 tests/validation/gen_din.py NAME COUNT OUT.din
    /usr/bin/python3 tests/validation/gen_din.py --all DIR [--counts 100000,1000000]
    /usr/bin/python3 tests/validation/gen_din.py --list

COUNT is the number of data references (din labels 0 and 1). The `_if` traces put
one instruction fetch (label 2) before every data reference, so they have
2 * COUNT lines.

The random draws follow /work/shared/bench/gen_refs.c exactly (splitmix64, seed 1;
per reference d1 = next() % 100, d2 = next() % 100 with write iff d2 < 30, and for
uniform components d3 = next() giving the offset (d3 % (size / 8)) * 8), so
`seq`, `stride4160`, `mix` (and any trace made with `gen_refs -f din -p seq|stride|mix`)
are byte-identical to `gen_refs -f din -p PATTERN -n COUNT -s 1`.
The other traces use the same draws with their own address rule.
"""
import argparse
import os
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


# gen_refs.c's regions
SEQ_BASE, SEQ_SIZE = 0x10000000, 16 << 20
STR_BASE, STR_SIZE, STR_STEP = 0x20000000, 8 << 20, 4160
HOT_BASE, HOT_SIZE = 0x30000000, 4 << 10
WARM_BASE, WARM_SIZE = 0x40000000, 768 << 10
COLD_BASE, COLD_SIZE = 0x80000000, 1 << 30
RAND_BASE = 0x50000000
CODE_BASE = 0x400000


class Walk:
    """base + off, off += step, back to 0 when off + 8 > size (gen_refs' seq and stride)."""

    def __init__(self, base, size, step):
        self.base, self.size, self.step, self.off = base, size, step, 0

    def __call__(self, rng):
        a = self.base + self.off
        self.off += self.step
        if self.off + 8 > self.size:
            self.off = 0
        return a


class Uniform:
    """base + uniform 8-byte-aligned offset in [0, size) (one draw)."""

    def __init__(self, base, size):
        self.base, self.size = base, size

    def __call__(self, rng):
        return self.base + (rng.next() % (self.size // 8)) * 8


class Mix:
    """gen_refs' mix: 35% seq, 10% stride 4160, 40% hot 4 KiB, 10% warm 768 KiB, 5% cold 1 GiB."""

    def __init__(self):
        self.seq = Walk(SEQ_BASE, SEQ_SIZE, 8)
        self.stride = Walk(STR_BASE, STR_SIZE, STR_STEP)
        self.hot = Uniform(HOT_BASE, HOT_SIZE)
        self.warm = Uniform(WARM_BASE, WARM_SIZE)
        self.cold = Uniform(COLD_BASE, COLD_SIZE)

    def pick(self, d1):
        if d1 < 35:
            return self.seq
        if d1 < 45:
            return self.stride
        if d1 < 85:
            return self.hot
        if d1 < 95:
            return self.warm
        return self.cold


# name -> (description, factory of the address rule, code footprint in bytes for the
# instruction fetches or 0 for none)
TRACES = {
    "seq": ("sequential, +8 B per reference over 16 MiB (= gen_refs -p seq)",
            lambda: Walk(SEQ_BASE, SEQ_SIZE, 8), 0),
    "stride64": ("+64 B (one line) per reference over 16 MiB",
                 lambda: Walk(SEQ_BASE, SEQ_SIZE, 64), 0),
    "stride128": ("+128 B (every other line) per reference over 16 MiB",
                  lambda: Walk(SEQ_BASE, SEQ_SIZE, 128), 0),
    "stride4160": ("+4160 B (4 KiB + 64) per reference over 8 MiB, 2017 references a pass (= gen_refs -p stride)",
                   lambda: Walk(STR_BASE, STR_SIZE, STR_STEP), 0),
    "stride4096x16": ("+4096 B over 64 KiB: 16 lines cycling through one set (conflict misses)",
                      lambda: Walk(0x60000000, 64 << 10, 4096), 0),
    "rand128k": ("uniform random over 128 KiB (4x the cache)",
                 lambda: Uniform(RAND_BASE, 128 << 10), 0),
    "mix": ("gen_refs -p mix: 35% seq, 10% stride 4160, 40% hot 4 KiB, 10% warm 768 KiB, 5% cold 1 GiB",
            lambda: Mix(), 0),
    "seq_if": ("seq, each data reference after one instruction fetch from a 24 KiB loop",
               lambda: Walk(SEQ_BASE, SEQ_SIZE, 8), 24 << 10),
    "mix_if": ("mix, each data reference after one instruction fetch from a 24 KiB loop",
               lambda: Mix(), 24 << 10),
}


def generate(name, count, out):
    """Writes trace `name` with `count` data references to the text stream `out`."""
    _, factory, code = TRACES[name]
    rule = factory()
    rng = SplitMix64(1)
    code_insns = code // 4
    lines = []
    for i in range(count):
        d1 = rng.next() % 100
        d2 = rng.next() % 100
        src = rule.pick(d1) if isinstance(rule, Mix) else rule
        a = src(rng)
        if code_insns:
            lines.append("2 %x\n" % (CODE_BASE + 4 * (i % code_insns)))
        lines.append("%d %x\n" % (1 if d2 < 30 else 0, a))
        if len(lines) >= 65536:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("name", nargs="?", choices=sorted(TRACES))
    ap.add_argument("count", nargs="?", type=int)
    ap.add_argument("out", nargs="?")
    ap.add_argument("--all", metavar="DIR", help="write every trace as DIR/NAME_COUNT.din")
    ap.add_argument("--counts", default="100000,1000000", help="for --all (default 100000,1000000)")
    ap.add_argument("--list", action="store_true", help="list the traces")
    a = ap.parse_args()
    if a.list:
        for n, (d, _, _) in TRACES.items():
            print("%-14s %s" % (n, d))
        return 0
    if a.all:
        os.makedirs(a.all, exist_ok=True)
        for c in (int(x) for x in a.counts.split(",")):
            for n in TRACES:
                with open(os.path.join(a.all, "%s_%d.din" % (n, c)), "w") as f:
                    generate(n, c, f)
        return 0
    if a.name is None or a.count is None:
        ap.error("NAME COUNT [OUT] or --all DIR")
    if a.out:
        with open(a.out, "w") as f:
            generate(a.name, a.count, f)
    else:
        generate(a.name, a.count, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
