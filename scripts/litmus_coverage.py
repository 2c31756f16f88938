#!/usr/bin/python3
"""How many of the outcomes herd7 allows cohsim reaches, on the generated litmus shapes.

    /usr/bin/python3 scripts/litmus_coverage.py [--cohsim build/cohsim] [--runs 10000]
        [--isa x86,arm,riscv] [--jobs 1] [--seed 0] [--subset] [--out DIR]

Runs `cohsim litmus --json --unseen-ok` on traces/litmus/generated/ (every test, or with
--subset a representative 40: each shape's all-Relaxed variant, and for the first 16
shapes one variant with an ordered thread), one test at a time (a test's results are kept
in DIR/runs/TEST.json, so an interrupted run resumes where it stopped), then writes

    DIR/coverage.md   the table of scripts/herd_verdicts.py --coverage (per ISA: allowed
                      outcomes reached, allowed conditions seen) and the forbidden
                      outcomes seen, which must be none
    DIR/UNSEEN.tsv    every allowed outcome never reached, with its class
    DIR/per-test.md   one row per test and ISA

The full form (all 329 tests x 3 ISAs x 10,000 runs, about 10 M runs) takes about a
day on one core (~10 ms a run); --subset --runs 1000 about 40 minutes. Exit status: 4
when a forbidden outcome appeared or a run failed (as herd_verdicts.py --coverage).
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "traces", "litmus", "generated")
sys.path.insert(0, HERE)
import litmus_shapes  # noqa: E402


def subset():
    """Each shape's all-Relaxed test, and for the first 16 shapes one with an ordered
    thread (2 threads: rlx+ra; larger: the first test with one Relaxed thread among
    Release/Acquire ones)."""
    tests = litmus_shapes.all_tests()
    names = {t["name"] for t in tests}
    out = []
    for i, (shape, _, _) in enumerate(litmus_shapes.SHAPES):
        mine = [t for t in tests if t["shape"] == shape]
        rlx = [t for t in mine if all(k == "rlx" for k in t["kinds"])]
        out.append(rlx[0]["name"])
        if i >= 16:
            continue
        ordered = [t for t in mine if sorted(t["kinds"]) == sorted(["rlx"] + ["ra"] * (len(t["kinds"]) - 1))]
        out.append(ordered[0]["name"])
    assert all(n in names for n in out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--isa", default="x86,arm,riscv")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--subset", action="store_true", help="the representative 40 tests only")
    ap.add_argument("--list", action="store_true", help="print the tests and stop")
    ap.add_argument("--out", default="litmus-coverage")
    args = ap.parse_args()
    names = subset() if args.subset else [t["name"] for t in litmus_shapes.all_tests()]
    if args.list:
        print("\n".join(names))
        return 0
    runs_dir = os.path.join(args.out, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    files = []
    for i, n in enumerate(names):
        out = os.path.join(runs_dir, n + ".json")
        files.append(out)
        if os.path.exists(out):
            continue
        cmd = [args.cohsim, "litmus", os.path.join(GEN, n + ".litmus"), "--isa", args.isa, "--runs",
               str(args.runs), "--jobs", str(args.jobs), "--seed", str(args.seed), "--json", "--unseen-ok"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode not in (0, 4):
            sys.stderr.write("%s: exit %d\n%s" % (" ".join(cmd), r.returncode, r.stderr))
            return 1
        with open(out + ".tmp", "w") as f:
            f.write(r.stdout)
        os.replace(out + ".tmp", out)
        print("[%d/%d] %s" % (i + 1, len(names), n), flush=True)
    cov = [sys.executable, os.path.join(HERE, "herd_verdicts.py"), "--coverage"] + files + [
        "--verdicts", os.path.join(GEN, "VERDICTS.json"), "--unseen", os.path.join(args.out, "UNSEEN.tsv"),
        "--per-test", os.path.join(args.out, "per-test.md")]
    r = subprocess.run(cov, stdout=subprocess.PIPE, text=True)
    with open(os.path.join(args.out, "coverage.md"), "w") as f:
        f.write("%d tests, %d runs per test and ISA (%s), seed %d, %s\n\n" % (
            len(names), args.runs, args.isa, args.seed, args.cohsim))
        f.write(r.stdout)
    sys.stdout.write(r.stdout)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
