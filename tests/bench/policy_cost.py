#!/usr/bin/env python3
"""The host cost of each replacement policy and prefetcher, in host instructions per reference.

    /usr/bin/python3 tests/bench/policy_cost.py [--cohsim build/cohsim] [--refs N] [--quick]
        [--only NAME,...] [--keep DIR] [--json] [--check]

Each policy runs alone against the baseline (configs/default.yaml, lru everywhere, no
prefetcher) on one core: `cohsim run configs/default.yaml --set cores=1 --set KEY=VALUE...
--trace mix.din --quiet` under `valgrind --tool=callgrind`, which counts the host
instructions executed, the same count from run to run whatever else the machine is
doing (a wall-clock time on a shared machine varies by up to 3x between like runs).

The stream is gen_refs.c's `mix` pattern (tests/validation/gen_din.py writes it,
byte-identical to `gen_refs -f din -p mix -n N`): N references (default 200,000) and a
prefix of N/10. Per reference = (count for N - count for the prefix) / (0.9 N): the
start-up (configuration, elaboration, the trace's provenance hash) cancels out.

Policies: `replacement` = each policy at the L1D, L2 and L3 together (as
python/examples/sweep_prefetch_replacement.py sets them); `l1d.prefetcher`,
`l2.prefetcher` = each prefetcher with lru; `l3.prefetcher` = each one the L3 accepts
(no ip_stride: the L3 sees no PC). --quick: 20,000 references, the baseline and one of
each kind.

Printed per policy: host instructions per reference, the ratio to the baseline's, and
the simulated work that came with it (from a plain run's --stats: core0.l2.misses,
l3.misses, memory.reads), so a prefetcher's extra host cost can be read against the
extra simulated traffic it brings. --check (the ctest case runs `--quick --check`) exits
1 unless every prefix run costs fewer instructions than its full run and every
prefetcher that reads more lines from memory than the baseline also costs more host
instructions per reference (with at least one prefetcher doing so); exit 77 (skipped)
without valgrind.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN_DIN = os.path.join(ROOT, "tests", "validation", "gen_din.py")
CONFIG = os.path.join(ROOT, "configs", "default.yaml")
REPLACEMENTS = ["lru", "plru", "random", "srrip", "brrip", "drrip", "ship"]
PREFETCHERS = ["next_line", "ip_stride", "stream", "best_offset"]
STATS = ["core0.l2.misses", "l3.misses", "memory.reads"]


def policies(quick):
    """(name, [KEY=VALUE, ...]) for the baseline and each policy alone."""
    out = [("baseline", [])]
    for r in (["srrip"] if quick else REPLACEMENTS[1:]):
        out.append((f"replacement={r}", [f"{lvl}.replacement={r}" for lvl in ("l1d", "l2", "l3")]))
    for lvl in ("l1d", "l2", "l3"):
        for p in (["next_line"] if quick else PREFETCHERS):
            if lvl == "l3" and p == "ip_stride":
                continue
            if quick and lvl != "l1d":
                continue
            out.append((f"{lvl}.prefetcher={p}", [f"{lvl}.prefetcher={p}"]))
    return out


def run_args(cohsim, trace, sets):
    cmd = [cohsim, "run", CONFIG, "--set", "cores=1"]
    for kv in sets:
        cmd += ["--set", kv]
    return cmd + ["--trace", trace, "--quiet"]


def callgrind(cmd, out_file):
    """Host instructions of cmd under callgrind (the out file's `totals:`)."""
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"policy_cost.py: {' '.join(cmd)} under callgrind failed ({r.returncode}):\n{r.stderr[-2000:]}")
    with open(out_file) as f:
        for line in f:
            m = re.match(r"(?:totals|summary):\s+(\d+)", line)
            if m:
                return int(m.group(1))
    sys.exit(f"policy_cost.py: no totals in {out_file}")


def stats(cmd, tmp):
    path = os.path.join(tmp, "stats.json")
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    r = subprocess.run(cmd + ["--stats", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"policy_cost.py: {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    with open(path) as f:
        d = json.load(f)
    return {k: d[k] for k in STATS}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
    ap.add_argument("--refs", type=int, default=None, help="references (default 200000; --quick 20000)")
    ap.add_argument("--quick", action="store_true", help="fewer references, one policy of each kind")
    ap.add_argument("--only", default=None, help="comma-separated policy names to run (as printed), plus the baseline")
    ap.add_argument("--keep", default=None, metavar="DIR",
                    help="keep each full run's callgrind.out.NAME here (for callgrind_annotate)")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless a prefetcher that reads more from memory also costs more host instructions "
                         "per reference, and every prefix run costs less than its full run")
    a = ap.parse_args()
    refs = a.refs or (20_000 if a.quick else 200_000)
    prefix = refs // 10
    if prefix < 1:
        sys.exit("policy_cost.py: --refs must be at least 10")
    if not os.access(a.cohsim, os.X_OK):
        sys.exit(f"policy_cost.py: no cohsim binary at {a.cohsim}; build first (bash scripts/build.sh)")
    if shutil.which("valgrind") is None:
        print("policy_cost.py: valgrind is not installed (apt-get install valgrind); nothing measured")
        sys.exit(77 if a.check else 1)
    todo = policies(a.quick)
    if a.only:
        want = set(a.only.split(","))
        unknown = want - {n for n, _ in todo}
        if unknown:
            sys.exit(f"policy_cost.py: --only: unknown {sorted(unknown)}; choices: {[n for n, _ in todo]}")
        todo = [p for p in todo if p[0] == "baseline" or p[0] in want]
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)

    rows = []
    with tempfile.TemporaryDirectory(prefix="cohsim-cost-") as tmp:
        full, short = os.path.join(tmp, "mix.din"), os.path.join(tmp, "mix_prefix.din")
        for path, n in ((full, refs), (short, prefix)):
            subprocess.run([sys.executable, GEN_DIN, "mix", str(n), path], check=True, stdout=subprocess.DEVNULL)
        for name, sets in todo:
            out = os.path.join(a.keep or tmp, f"callgrind.out.{name}")
            n_full = callgrind(run_args(a.cohsim, full, sets), out)
            n_short = callgrind(run_args(a.cohsim, short, sets), os.path.join(tmp, "callgrind.out.prefix"))
            row = {"policy": name, "sets": sets, "instructions": n_full, "prefix_instructions": n_short,
                   "per_ref": (n_full - n_short) / (refs - prefix)}
            row.update(stats(run_args(a.cohsim, full, sets), tmp))
            rows.append(row)
            print(f"policy_cost.py: {name}: {row['per_ref']:.0f} instructions per reference", file=sys.stderr)
    base = rows[0]["per_ref"]
    for r in rows:
        r["ratio"] = r["per_ref"] / base

    if a.json:
        print(json.dumps({"refs": refs, "prefix": prefix, "rows": rows}, indent=1))
    else:
        table(rows, refs, prefix)
    if a.check:
        failed = check(rows)
        for msg in failed:
            print(f"policy_cost.py: check failed: {msg}", file=sys.stderr)
        sys.exit(1 if failed else 0)


def check(rows):
    """What the measurement must show on any correct build: a prefix run costs less
    than its full run; a prefetcher reads more lines from memory than the baseline
    and spends more host instructions per reference doing so."""
    failed, base, busier = [], rows[0], 0
    for r in rows:
        if not 0 < r["prefix_instructions"] < r["instructions"]:
            failed.append(f"{r['policy']}: prefix {r['prefix_instructions']} not below full {r['instructions']}")
        if ".prefetcher=" in r["policy"] and r["memory.reads"] > base["memory.reads"]:
            busier += 1
            if r["per_ref"] <= base["per_ref"]:
                failed.append(f"{r['policy']}: {r['memory.reads']} memory reads against the baseline's "
                              f"{base['memory.reads']}, but {r['per_ref']:.0f} instructions per reference "
                              f"against {base['per_ref']:.0f}")
    if any(".prefetcher=" in r["policy"] for r in rows) and busier == 0:
        failed.append("no prefetcher read more lines from memory than the baseline")
    return failed


def table(rows, refs, prefix):
    print(f"mix stream, {refs} references (prefix {prefix}); host instructions by callgrind")
    print("| policy | host instructions per reference | ratio | core0.l2.misses | l3.misses | memory.reads |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['policy']} | {r['per_ref']:,.0f} | {r['ratio']:.2f} | {r['core0.l2.misses']:,} "
              f"| {r['l3.misses']:,} | {r['memory.reads']:,} |")


if __name__ == "__main__":
    main()
