#!/usr/bin/python3
"""Generate a family of litmus shapes x orderings x fences for `cohsim litmus`.

    /usr/bin/python3 scripts/litmus_shapes.py [--out traces/litmus/generated] [--list]

Every shape is a critical cycle written as herdtools7's diy names it: one
pattern per thread, `W`/`R` per access in program order, `+` between threads
("WW+RW+WR" is Z6.0; the names are those of herdtools7's gen/normaliser.ml).
Around the cycle, consecutive accesses of one thread are to different locations
(po), and the last access of a thread and the first of the next are to the same
location (a communication edge: W->R rf, W->W co, R->W fr). From the pattern
alone this gives the locations, the values (a location written twice gets 1
at the co-earlier write and 2 at the co-later one, else 1) and the `exists`
condition: the relaxed outcome that closes the cycle (a read at the end of rf
reads the writer's value, one at the start of fr reads 0, a co edge leaves the
co-later value in memory).

Orderings and fences are chosen per thread ("kinds", on the thread's pair of
accesses, a then b):

    rlx   both Relaxed
    ra    loads Acquire, stores Release
    sc    both SeqCst
    fsc   both Relaxed, fence(SeqCst) between
    fra   both Relaxed, fence between: Release for W->W, Acquire for R->R,
          AcqRel for R->W and W->R (in C11 a fence orders W->R only if SeqCst;
          the hardware fence it lowers to may still: AArch64 `dmb ish`)
    sc1   a SeqCst, b Relaxed   (mixed per access)
    sc2   a Relaxed, b SeqCst

A thread of one access takes the kind's access ordering (rlx/fsc/fra: Relaxed,
ra: Release/Acquire, sc/sc1/sc2: SeqCst) and is named after it (rlx, rel, acq,
sc). Variants: two-thread shapes take every pair of {rlx, ra, sc, fsc, fra} and
the pairs of {sc1, sc2} with {rlx, sc1, sc2}; larger shapes the five uniform
kinds, each thread alone Relaxed among ra threads, and each thread alone
fsc among Relaxed ones. Tests equal up to a renaming of threads and locations
are written once (the first name wins).

Each file's `expect` line is herd7's verdict per ISA, read from VERDICTS.json in
the output folder (written by scripts/herd_verdicts.py); a test with no verdict
yet gets no `expect` line.
"""

import argparse
import itertools
import json
import os
import sys

SHAPES = [
    # name, pattern, description
    ("SB", "WR+WR", "store buffering"),
    ("MP", "WW+RR", "message passing"),
    ("LB", "RW+RW", "load buffering"),
    ("S", "WW+RW", "S: a write and a read-then-write racing for x"),
    ("R", "WW+WR", "R: a write pair against a write-read pair"),
    ("2+2W", "WW+WW", "two write pairs in opposite orders"),
    ("IRIW", "W+RR+W+RR", "independent reads of independent writes"),
    ("WRC", "W+RW+RR", "write-to-read causality"),
    ("ISA2", "WW+RW+RR", "ISA2: message passing through a third thread"),
    ("RWC", "W+RR+WR", "read-to-write causality"),
    ("W+RWC", "WW+RR+WR", "RWC with a write pair first"),
    ("SB3", "WR+WR+WR", "three-thread store buffering (diy: 3.SB)"),
    ("LB3", "RW+RW+RW", "three-thread load buffering (diy: 3.LB)"),
    ("Z6.0", "WW+RW+WR", "Z6.0 (rf, co, fr)"),
    ("Z6.1", "WW+WW+RW", "Z6.1 (co, rf, co)"),
    ("Z6.2", "WW+RW+RW", "Z6.2 (rf, rf, co)"),
    ("Z6.3", "WW+WW+RR", "Z6.3 (co, rf, fr)"),
    ("Z6.4", "WW+WR+WR", "Z6.4 (co, fr, fr)"),
    ("Z6.5", "WW+WW+WR", "Z6.5 (co, co, fr)"),
    ("WRW+2W", "W+RW+WW", "WRW+2W (rf, co, co)"),
    ("WWC", "W+RW+RW", "WWC (rf, rf, co)"),
    ("WRW+WR", "W+RW+WR", "WRW+WR (rf, co, fr)"),
    ("WRR+2W", "W+RR+WW", "WRR+2W (rf, fr, co)"),
    ("3.2W", "WW+WW+WW", "three write pairs (co, co, co)"),
]

RLX, ACQ, REL, ACQREL, SC = "Relaxed", "Acquire", "Release", "AcqRel", "SeqCst"
SHORT = {RLX: "rlx", ACQ: "acq", REL: "rel", SC: "sc"}
CORE_KINDS = ["rlx", "ra", "sc", "fsc", "fra"]
MIXED_KINDS = ["sc1", "sc2"]
LOCS = ["x", "y", "z", "w"]


class Access:
    def __init__(self, kind, loc):
        self.kind = kind  # "R" or "W"
        self.loc = loc
        self.value = None  # stores: the value written
        self.reg = None  # loads: the register


def build_cycle(pattern):
    """Threads of Accesses, and the condition as [(key, value)] in cohsim's order."""
    threads = [[Access(c, None) for c in t] for t in pattern.split("+")]
    events = [a for t in threads for a in t]
    # Locations: a po edge moves to the next location; a communication edge keeps it.
    npo = sum(len(t) - 1 for t in threads)
    loc = 0
    for t in threads:
        for i, a in enumerate(t):
            if i > 0:
                loc += 1
            a.loc = LOCS[loc % npo]
    # Communication edges: last access of thread i -> first of thread i+1.
    comm = []  # (src, dst, type)
    for i, t in enumerate(threads):
        src, dst = t[-1], threads[(i + 1) % len(threads)][0]
        assert src.loc == dst.loc, pattern
        typ = {"WR": "rf", "WW": "co", "RW": "fr"}[src.kind + dst.kind]
        comm.append((src, dst, typ))
    for a in events:
        if a.kind == "W":
            a.value = 1
    final = {}
    for src, dst, typ in comm:
        if typ == "co":
            src.value, dst.value = 1, 2
            final[dst.loc] = 2
    for ti, t in enumerate(threads):
        n = 0
        for a in t:
            if a.kind == "R":
                a.reg = "r%d" % n
                n += 1
    read_val = {}
    for src, dst, typ in comm:
        if typ == "rf":
            read_val[id(dst)] = src.value
        elif typ == "fr":
            read_val[id(src)] = 0
    cond = []
    for ti, t in enumerate(threads):
        for a in t:
            if a.kind == "R":
                cond.append(("%d:%s" % (ti, a.reg), read_val[id(a)]))
    for l in sorted(final, key=LOCS.index):
        cond.append((l, final[l]))
    # every location has exactly two accesses in these shapes: the cycle fixes every read
    return threads, cond


def thread_ops(accesses, kind):
    """[(op, loc, value|reg, ordering)] for one thread under a kind; op in load/store/fence."""
    if len(accesses) == 1:
        a = accesses[0]
        o = {"rlx": RLX, "fsc": RLX, "fra": RLX, "sc": SC, "sc1": SC, "sc2": SC,
             "ra": ACQ if a.kind == "R" else REL}[kind]
        return [access_op(a, o)]
    a, b = accesses
    pair = a.kind + b.kind
    if kind == "rlx":
        return [access_op(a, RLX), access_op(b, RLX)]
    if kind == "ra":
        return [access_op(a, ra_order(a)), access_op(b, ra_order(b))]
    if kind == "sc":
        return [access_op(a, SC), access_op(b, SC)]
    if kind == "sc1":
        return [access_op(a, SC), access_op(b, RLX)]
    if kind == "sc2":
        return [access_op(a, RLX), access_op(b, SC)]
    if kind == "fsc":
        return [access_op(a, RLX), ("fence", None, None, SC), access_op(b, RLX)]
    if kind == "fra":
        f = {"WW": REL, "RR": ACQ, "RW": ACQREL, "WR": ACQREL}[pair]
        return [access_op(a, RLX), ("fence", None, None, f), access_op(b, RLX)]
    raise ValueError(kind)


def ra_order(a):
    return ACQ if a.kind == "R" else REL


def access_op(a, order):
    if a.kind == "R":
        return ("load", a.loc, a.reg, order)
    return ("store", a.loc, a.value, order)


def thread_tag(accesses, kind):
    if len(accesses) == 1:
        return SHORT[thread_ops(accesses, kind)[0][3]]
    return kind


def variants(threads):
    """Lists of per-thread kinds."""
    n = len(threads)
    multi = [i for i, t in enumerate(threads) if len(t) > 1]
    out = []
    if n == 2:
        for k in itertools.product(CORE_KINDS, repeat=2):
            out.append(list(k))
        for k0, k1 in itertools.product(MIXED_KINDS + ["rlx"], repeat=2):
            if k0 in MIXED_KINDS or k1 in MIXED_KINDS:
                out.append([k0, k1])
        return out
    for k in CORE_KINDS:
        out.append([k] * n)
    for strong in ("ra",):
        for i in multi:
            v = [strong] * n
            v[i] = "rlx"
            out.append(v)
    for i in multi:
        v = ["rlx"] * n
        v[i] = "fsc"
        out.append(v)
    return out


def make_test(shape, pattern, desc, kinds):
    threads, cond = build_cycle(pattern)
    prog = [thread_ops(t, k) for t, k in zip(threads, kinds)]
    name = shape + "+" + "+".join(thread_tag(t, k) for t, k in zip(threads, kinds))
    return {"name": name, "shape": shape, "pattern": pattern, "desc": desc,
            "kinds": kinds, "prog": prog, "cond": cond}


def canonical(test):
    """A key equal for tests equal up to renaming threads and locations."""
    best = None
    prog, cond = test["prog"], test["cond"]
    for perm in itertools.permutations(range(len(prog))):
        ren = {}
        for t in perm:
            for op, loc, _, _ in prog[t]:
                if loc is not None and loc not in ren:
                    ren[loc] = LOCS[len(ren)]
        body = tuple(tuple((op, ren.get(loc), v, o) for op, loc, v, o in prog[t]) for t in perm)
        inv = {t: i for i, t in enumerate(perm)}
        c = []
        for key, val in cond:
            if ":" in key:
                t, r = key.split(":")
                c.append(("%d:%s" % (inv[int(t)], r), val))
            else:
                c.append((ren[key], val))
        k = (body, tuple(sorted(c)))
        if best is None or k < best:
            best = k
    return best


def all_tests():
    seen = {}
    tests = []
    for shape, pattern, desc in SHAPES:
        threads, _ = build_cycle(pattern)
        for kinds in variants(threads):
            t = make_test(shape, pattern, desc, kinds)
            key = canonical(t)
            if key in seen:
                continue
            seen[key] = t["name"]
            tests.append(t)
    names = [t["name"] for t in tests]
    assert len(names) == len(set(names)), "duplicate names"
    return tests


def render_op(op):
    kind, loc, v, o = op
    if kind == "load":
        return "let %s = %s.load(Ordering::%s);" % (v, loc, o)
    if kind == "store":
        return "%s.store(%d, Ordering::%s);" % (loc, v, o)
    return "fence(Ordering::%s);" % o


KIND_TEXT = {
    "rlx": "Relaxed", "ra": "Release/Acquire", "sc": "SeqCst", "fsc": "Relaxed + fence(SeqCst)",
    "fra": "Relaxed + fence(Acquire/Release/AcqRel)", "sc1": "SeqCst then Relaxed",
    "sc2": "Relaxed then SeqCst",
}


def render(test, verdict):
    locs = sorted({op[1] for t in test["prog"] for op in t if op[1]}, key=LOCS.index)
    lines = ["// %s (%s). Generated by scripts/litmus_shapes.py; do not edit." % (test["desc"], test["pattern"]),
             "// threads: " + "; ".join("%d %s" % (i, KIND_TEXT[k]) for i, k in enumerate(test["kinds"])),
             "litmus " + test["name"],
             "init " + "; ".join("%s = 0" % l for l in locs)]
    for i, t in enumerate(test["prog"]):
        lines.append("thread %d {" % i)
        lines += ["  " + render_op(op) for op in t]
        lines.append("}")
    lines.append("exists (" + " && ".join("%s == %d" % kv for kv in test["cond"]) + ")")
    if verdict:
        lines.append("expect " + "; ".join("%s: %s" % (isa, verdict[isa]) for isa in ("x86", "arm", "riscv")))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                  "traces", "litmus", "generated"))
    ap.add_argument("--list", action="store_true", help="print the test names only")
    args = ap.parse_args()
    tests = all_tests()
    if args.list:
        for t in tests:
            print(t["name"])
        print("%d tests" % len(tests), file=sys.stderr)
        return
    os.makedirs(args.out, exist_ok=True)
    verdicts = {}
    vpath = os.path.join(args.out, "VERDICTS.json")
    if os.path.exists(vpath):
        with open(vpath) as f:
            for name, v in json.load(f)["tests"].items():
                verdicts[name] = {isa: ("allowed" if v["isa"][isa]["condition_allowed"] else "forbidden")
                                  for isa in ("x86", "arm", "riscv")}
    keep = set()
    for t in tests:
        fn = t["name"] + ".litmus"
        keep.add(fn)
        with open(os.path.join(args.out, fn), "w") as f:
            f.write(render(t, verdicts.get(t["name"])))
    for fn in os.listdir(args.out):
        if fn.endswith(".litmus") and fn not in keep:
            os.remove(os.path.join(args.out, fn))
    print("%d tests in %s (%d with verdicts)" % (len(tests), args.out,
                                                 sum(1 for t in tests if t["name"] in verdicts)))


if __name__ == "__main__":
    main()
