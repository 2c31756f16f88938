#!/usr/bin/env python3
"""The memory side's speed on the shared reference streams of gen_refs.c.

  (a) the "mix" reference stream (`gen_refs -f din -p mix`) through one core, its
      L1/L2, the shared L3 and DDR4-3200 (configs/default.yaml with cores=1), in
      references per host second;
  (b) the "mix" DRAM request stream (`gen_refs -f dram -p mix`) through `cohsim dram`
      (the DRAM controller alone), in requests per host second.

gen_refs.c is compiled with gcc into a temporary directory; each run is timed from
outside (wall clock, so start-up and trace reading count), --runs times, and the
median is reported. --check exits 1 when a median misses its target (1.5 M
references/s, 1 M requests/s).

  /usr/bin/python3 tests/bench/mix_stream.py                   # full: 10 M references, 1 M requests
  /usr/bin/python3 tests/bench/mix_stream.py --refs 1000000 --requests 200000 --runs 1
  /usr/bin/python3 tests/bench/mix_stream.py --gen-refs PATH/gen_refs.c --check
  /usr/bin/python3 tests/bench/mix_stream.py --set l1d.prefetcher=stream   # the cost of a policy
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_GEN_REFS = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench", "gen_refs.c"))
TARGET_REFS_PER_S = 1.5e6
TARGET_REQUESTS_PER_S = 1.0e6


def timed(cmd):
    """Runs cmd; returns (wall seconds, user+system seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"mix_stream.py: {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gen-refs", default=DEFAULT_GEN_REFS, help="path to gen_refs.c (default: %(default)s)")
    ap.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "default.yaml"))
    ap.add_argument("--refs", type=int, default=10_000_000, help="references in the mix stream (default 10 M)")
    ap.add_argument("--requests", type=int, default=1_000_000, help="DRAM requests (default 1 M)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each; the median is reported")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to the reference-stream run (repeatable), e.g. l2.prefetcher=best_offset")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--check", action="store_true", help="exit 1 if a median misses its target")
    a = ap.parse_args()
    if a.runs < 1 or a.refs < 1 or a.requests < 1:
        sys.exit("mix_stream.py: --runs, --refs and --requests must be at least 1")
    if not os.path.isfile(a.gen_refs):
        sys.exit(f"mix_stream.py: no gen_refs.c at {a.gen_refs}; pass --gen-refs PATH")
    if not os.access(a.cohsim, os.X_OK):
        sys.exit(f"mix_stream.py: no cohsim binary at {a.cohsim}; build first (bash scripts/build.sh)")

    with tempfile.TemporaryDirectory(prefix="cohsim-mix-") as tmp:
        gen = os.path.join(tmp, "gen_refs")
        subprocess.run(["gcc", "-O2", "-o", gen, a.gen_refs], check=True)
        din = os.path.join(tmp, "mix.din")
        dram = os.path.join(tmp, "mix.dram")
        with open(din, "w") as f:
            subprocess.run([gen, "-f", "din", "-p", "mix", "-n", str(a.refs)], stdout=f, check=True)
        with open(dram, "w") as f:
            subprocess.run([gen, "-f", "dram", "-p", "mix", "-n", str(a.requests)], stdout=f, check=True)

        run = [a.cohsim, "run", a.config, "--set", "cores=1", "--trace", din, "--quiet"]
        for kv in a.set:
            run += ["--set", kv]
        dram_run = [a.cohsim, "dram", a.config, "--file", dram]
        sim = [timed(run) for _ in range(a.runs)]
        ctl = [timed(dram_run) for _ in range(a.runs)]

    sim_wall = statistics.median(w for w, _ in sim)
    sim_cpu = statistics.median(c for _, c in sim)
    dram_wall = statistics.median(w for w, _ in ctl)
    dram_cpu = statistics.median(c for _, c in ctl)
    out = {
        "refs": a.refs,
        "refs_wall_s": round(sim_wall, 3),
        "refs_cpu_s": round(sim_cpu, 3),
        "refs_per_s": round(a.refs / sim_wall),
        "requests": a.requests,
        "requests_wall_s": round(dram_wall, 3),
        "requests_cpu_s": round(dram_cpu, 3),
        "requests_per_s": round(a.requests / dram_wall),
        "runs": a.runs,
        "set": a.set,
    }
    if a.json:
        print(json.dumps(out))
    else:
        print(f"mix stream, 1 core, L1/L2/L3 + DDR4-3200{''.join(' --set ' + kv for kv in a.set)}: {a.refs:,} references in {sim_wall:.2f} s "
              f"(CPU {sim_cpu:.2f} s): {a.refs / sim_wall / 1e6:.2f} M references/s "
              f"(target {TARGET_REFS_PER_S / 1e6:.1f} M)")
        print(f"DRAM-only mix stream: {a.requests:,} requests in {dram_wall:.2f} s (CPU {dram_cpu:.2f} s): "
              f"{a.requests / dram_wall / 1e6:.2f} M requests/s (target {TARGET_REQUESTS_PER_S / 1e6:.1f} M)")
        print(f"(median of {a.runs} run{'s' if a.runs > 1 else ''}; wall clock of the whole command)")
    if a.check and (a.refs / sim_wall < TARGET_REFS_PER_S or a.requests / dram_wall < TARGET_REQUESTS_PER_S):
        sys.exit(1)


if __name__ == "__main__":
    main()
