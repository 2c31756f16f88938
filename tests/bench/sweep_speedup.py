#!/usr/bin/env python3
"""Sweep speed-up: the same 64-run sweep with jobs=1 and jobs=2 (a benchmark, not a test).

Each run is a small simulation (a 4-thread sharing trace, ~0.1 s) in a process of its
own, as every cohsim.sweep does; the speed-up shows how well the runs spread over
the cores (target on a 2-core machine: at least 1.7x).

    /usr/bin/python3 tests/bench/sweep_speedup.py [--build build] [--ops 1500] [--jobs 2]
"""
import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build folder (default: build)")
    ap.add_argument("--ops", type=int, default=1500, help="operations per thread of each run")
    ap.add_argument("--jobs", type=int, default=2, help="the parallel run's jobs (default 2)")
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    import cohsim

    with tempfile.TemporaryDirectory(prefix="cohsim-bench-") as tmp:
        trace = cohsim.traces.sharing(os.path.join(tmp, "sharing.trace"), threads=4, ops=args.ops,
                                      shared_fraction=0.2, write_fraction=0.3, seed=1)
        cfg = cohsim.Config.load(os.path.join(ROOT, "configs", "default.yaml"))
        cfg.set("core.start_jitter", 100)
        grid = {"l1d.size": ["1KiB", "2KiB", "4KiB", "8KiB", "16KiB", "32KiB", "64KiB", "128KiB"]}
        seeds = list(range(8))  # 8 sizes x 8 seeds = 64 runs
        times, frames = {}, {}
        for jobs in (1, args.jobs):
            t = time.perf_counter()
            frames[jobs] = cohsim.sweep(cfg, grid=grid, traces=[trace], seeds=seeds, jobs=jobs, progress=False)
            times[jobs] = time.perf_counter() - t
    n = len(frames[1])
    assert n == 64 and frames[1]["error"].isna().all(), frames[1]["error"].dropna().head()
    assert frames[1].equals(frames[args.jobs]), "the parallel sweep gave different rows"
    per_run = times[1] / n
    print(f"{n} runs of {4 * args.ops} operations, {per_run * 1000:.0f} ms each on average (CPUs: {os.cpu_count()})")
    print(f"jobs=1: {times[1]:.2f} s")
    print(f"jobs={args.jobs}: {times[args.jobs]:.2f} s")
    print(f"speed-up: {times[1] / times[args.jobs]:.2f}x")


if __name__ == "__main__":
    main()
