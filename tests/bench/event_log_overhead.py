#!/usr/bin/env python3
"""The event log's cost: the same run with and without `--events`, on a workload whose
log holds about a million records (issue #17: "a JSON-lines file of a million events is
written without slowing the run by more than 2x").

The workload: 4 threads of random loads and stores over a 64 KiB shared region
(`configs/default.yaml`: misses, invalidations and bus transactions as well as hits),
converted to the binary trace format. The host cost of a run is its CPU time (user +
system, of the child: steadier than wall time on a shared machine); each form runs
--repeat times and the fastest counts.

  tests/bench/event_log_overhead.py                      # full form: ~1 M records
  tests/bench/event_log_overhead.py --ops 20000 --repeat 1 --max-ratio 0   # the CI form: runs, reports
  tests/bench/event_log_overhead.py --max-ratio 2        # fail when the log costs more than 2x
  tests/bench/event_log_overhead.py --rmw 0.1 --isa arm  # 10% fetch_adds, as LL/SC loops (rf on rmw
                                                         # records, a load record per load-exclusive)
"""
import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gen(path, ops, threads=4, seed=17, rmw=0.0):
    rnd = random.Random(seed)
    per = ops // threads
    with open(path, "w") as f:
        for t in range(threads):
            f.write(f"thread {t}\n")
            out = []
            for i in range(per):
                a = 0x100000 + rnd.randrange(0, 65536 // 8) * 8
                if rmw and rnd.random() < rmw:  # (no draw without RMWs: the same workload as before)
                    out.append(f"fetch_add {a} 1 Relaxed -> r{i % 4}\n")
                else:
                    out.append(f"store {a} {i}\n" if rnd.random() < 0.3 else f"load {a} -> r{i % 4}\n")
            f.writelines(out)


def timed(cmd):
    """(user + system CPU seconds, user CPU seconds, wall seconds) of the child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - w0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    user = after.ru_utime - before.ru_utime
    return user + (after.ru_stime - before.ru_stime), user, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "default.yaml"))
    ap.add_argument("--ops", type=int, default=160000, help="memory operations in all (default: ~1 M records)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-ratio", type=float, default=0, help="fail above this ratio (0: only report)")
    ap.add_argument("--rmw", type=float, default=0.0, help="the fraction of operations that are fetch_adds (default 0)")
    ap.add_argument("--isa", default=None, help="--set isa=ISA (arm: RMWs as LL/SC loops)")
    a = ap.parse_args()
    os.environ.setdefault("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1")
    with tempfile.TemporaryDirectory() as d:
        text = os.path.join(d, "w.trace")
        gen(text, a.ops, rmw=a.rmw)
        trace = os.path.join(d, "w.bin")
        subprocess.run([a.cohsim, "trace", "convert", text, trace], check=True, capture_output=True)
        log = os.path.join(d, "run.events.jsonl")
        base = [a.cohsim, "run", a.config, "--trace", trace, "--quiet"] + (["--set", "isa=" + a.isa] if a.isa else [])
        off, on = [], []
        for _ in range(a.repeat):
            off.append(timed(base))
            if os.path.exists(log):
                os.remove(log)  # a new file each time (truncating the last one would be timed)
            on.append(timed(base + ["--events", log]))
        with open(log, "rb") as f:
            records = sum(1 for _ in f) - 1
        size = os.path.getsize(log)
    best = lambda runs, k: min(r[k] for r in runs)
    ratio = best(on, 0) / best(off, 0) if best(off, 0) > 0 else float("inf")
    print(f"event log: {a.ops} ops{f', {a.rmw:.0%} fetch_add' if a.rmw else ''}{', isa ' + a.isa if a.isa else ''}, {records} records ({size / 1e6:.0f} MB, {size / max(records, 1):.0f} B a record); "
          f"CPU (user+sys) without {best(off, 0):.2f} s, with {best(on, 0):.2f} s: {ratio:.2f}x; "
          f"user alone {best(off, 1):.2f} s / {best(on, 1):.2f} s: {best(on, 1) / max(best(off, 1), 1e-9):.2f}x; "
          f"wall {best(off, 2):.2f} s / {best(on, 2):.2f} s (fastest of {a.repeat} each)")
    if a.max_ratio and ratio > a.max_ratio:
        sys.exit(f"FAIL: the event log costs {ratio:.2f}x (limit {a.max_ratio}x)")


if __name__ == "__main__":
    main()
