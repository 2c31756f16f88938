#!/usr/bin/python3
"""Deterministic DRAM request streams in DRAMsim3's trace format, which `cohsim dram --file` also reads.

Standard library only. One line per request: `0xADDRESS READ|WRITE CYCLE` (the address a
multiple of 64 B, CYCLE in DRAM clocks: request i arrives at i * GAP; GAP 0 puts every
request at cycle 0, so each front end sends them as fast as its queues take them).

    /usr/bin/python3 tests/validation/gen_dram.py STREAM COUNT GAP OUT.trace
    /usr/bin/python3 tests/validation/gen_dram.py --list

Streams:
  seq      consecutive lines from address 0, reads only
           (= `cohsim dram --pattern seq --gap GAP --seed 1`)
  random   uniform random lines over 8 GiB (one DDR4-3200 rank of 8 Gb x8 devices), reads only
           (= `cohsim dram --pattern random --gap GAP --seed 1`)
  mix      each request sequential or random with probability 1/2, 30% writes
           (= `cohsim dram --pattern mix --writes 0.3 --gap GAP --seed 1`)
  random_w33  random with a third of the requests writes (like DRAMsim3's `--stream random`)
           (= `cohsim dram --pattern random --writes 0.33333333333333331 --gap GAP --seed 1`)
  grmix    the gen_refs mix (`gen_refs -f dram -p mix -s 1 -g GAP`, /work/shared/bench/gen_refs.c):
           8-byte references folded onto their 64 B line, so a line is often requested
           several times in a row (35% sequential 8 B steps, 40% a 4 KiB hot region, ...),
           30% writes; byte-identical to gen_refs' output

seq, random, mix and random_w33 reproduce cohsim's own generator (sim/memory/dram/dram_stream.cpp,
class Generated) draw for draw, so the file and the --pattern run give the same requests.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_din  # noqa: E402

MASK = (1 << 64) - 1
CAPACITY_LINES = 1 << 27  # 8 GiB / 64 B: 1 rank x 16 banks x 65536 rows x 128 lines


class CohsimStream:
    """cohsim's Generated stream: kind 0 seq, 1 random, 2 mix."""

    def __init__(self, kind, writes, seed=1):
        self.kind = kind
        self.rng = gen_din.SplitMix64((seed * 0x2545F4914F6CDD1D + 1) & MASK)
        self.threshold = MASK if writes >= 1.0 else int(writes * 18446744073709551616.0)
        self.seq = 0

    def __call__(self):
        sequential = self.kind == 0 or (self.kind == 2 and (self.rng.next() & 1))
        if sequential:
            line = self.seq % CAPACITY_LINES
            self.seq += 1
        else:
            line = self.rng.next() % CAPACITY_LINES
        write = bool(self.threshold) and self.rng.next() < self.threshold
        return line * 64, write


class GenRefsMix:
    def __init__(self):
        self.rng = gen_din.SplitMix64(1)
        self.mix = gen_din.Mix()

    def __call__(self):
        d1 = self.rng.next() % 100
        d2 = self.rng.next() % 100
        a = self.mix.pick(d1)(self.rng)
        return a & ~63, d2 < 30


STREAMS = {
    "seq": lambda: CohsimStream(0, 0.0),
    "random": lambda: CohsimStream(1, 0.0),
    "mix": lambda: CohsimStream(2, 0.3),
    "random_w33": lambda: CohsimStream(1, 1.0 / 3.0),
    "grmix": lambda: GenRefsMix(),
}


def generate(stream, count, gap, out):
    src = STREAMS[stream]()
    buf = []
    for i in range(count):
        a, w = src()
        buf.append("0x%X %s %d\n" % (a, "WRITE" if w else "READ", i * gap))
        if len(buf) >= 65536:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stream", nargs="?", choices=sorted(STREAMS))
    ap.add_argument("count", nargs="?", type=int)
    ap.add_argument("gap", nargs="?", type=int)
    ap.add_argument("out", nargs="?")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        print("\n".join(sorted(STREAMS)))
        return 0
    if a.stream is None or a.count is None or a.gap is None:
        ap.error("STREAM COUNT GAP [OUT]")
    if a.out:
        with open(a.out, "w") as f:
            generate(a.stream, a.count, a.gap, f)
    else:
        generate(a.stream, a.count, a.gap, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
