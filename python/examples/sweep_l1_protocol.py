#!/usr/bin/env python3
"""L1D size against coherence protocol on a sharing workload: a sweep and its plot.

    PYTHONPATH=$PWD/build/python /usr/bin/python3 python/examples/sweep_l1_protocol.py [--out DIR]
        [--jobs N | --dask N] [--quick]

Generates a 4-thread workload (cohsim.traces.sharing: each thread mixes accesses to
its private 32 KiB with reads and writes of a shared 2 KiB region), runs every L1D
size of the grid with every protocol the simulator has (cohsim.protocol_choices(),
so the sweep grows as protocols are added) and two seeds, then writes
DIR/l1_vs_protocol.csv (one row per run) and DIR/l1_vs_protocol.png: execution
time, L1D miss rate and bus traffic against the L1D size, one line per protocol.

--dask N runs the same sweep on a local Dask cluster of N worker processes: the
call is the same, only the executor changes (use a cluster's address to go wider).
"""
import argparse
import os

import cohsim
import cohsim.plot

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_sweep(cfg, grid, trace, seeds, jobs, dask_workers):
    if not dask_workers:
        return cohsim.sweep(cfg, grid=grid, traces=[trace], seeds=seeds, jobs=jobs)
    import distributed

    with distributed.LocalCluster(n_workers=dask_workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        return cohsim.sweep(cfg, grid=grid, traces=[trace], seeds=seeds, executor=client.get_executor())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="l1_vs_protocol", help="folder for the trace, CSV and PNG (default: l1_vs_protocol)")
    ap.add_argument("--jobs", type=int, default=None, help="simulations at once (default: CPUs)")
    ap.add_argument("--dask", type=int, default=0, metavar="N", help="use a local Dask cluster of N workers")
    ap.add_argument("--quick", action="store_true", help="a small version (for tests)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    ops = 300 if args.quick else 3000
    trace = cohsim.traces.sharing(os.path.join(args.out, "sharing.trace"), threads=4, ops=ops,
                                  shared_fraction=0.25, write_fraction=0.3, seed=1,
                                  shared_bytes=2048, private_bytes=32 * 1024)
    cfg = cohsim.Config.load(os.path.join(ROOT, "configs", "default.yaml"))
    cfg.set("l2", None)                 # L1D straight onto the bus: the protocol's effect undiluted
    cfg.set("core.start_jitter", 100)   # the seed picks the interleaving
    sizes = ["4KiB", "16KiB", "64KiB"] if args.quick else ["2KiB", "4KiB", "8KiB", "16KiB", "32KiB", "64KiB"]
    grid = {"l1d.size": sizes, "coherence.protocol": cohsim.protocol_choices()}
    seeds = [0] if args.quick else [0, 1]

    df = run_sweep(cfg, grid, trace, seeds, args.jobs, args.dask)
    cores = range(4)
    df["l1d.misses"] = sum(df[f"core{c}.l1d.misses"] for c in cores)
    df["l1d.miss_rate"] = df["l1d.misses"] / sum(df[f"core{c}.l1d.hits"] + df[f"core{c}.l1d.misses"] for c in cores)
    csv = os.path.join(args.out, "l1_vs_protocol.csv")
    df.to_csv(csv, index=False)

    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
    for ax, (y, label) in zip(axes, [("cycles", "core cycles (execution time)"),
                                     ("l1d.miss_rate", "L1D miss rate (all cores)"),
                                     ("bus.transactions", "bus transactions")]):
        cohsim.plot.metric(df, x="l1d.size", y=y, hue="coherence.protocol", ax=ax, ylabel=label)
    fig.suptitle(f"sharing workload, 4 threads x {ops} ops: L1D size against protocol")
    png = cohsim.plot.save(fig, os.path.join(args.out, "l1_vs_protocol.png"))

    table = df.pivot_table(index="l1d.size", columns="coherence.protocol", values="cycles", sort=False)
    print("mean core cycles:\n" + table.round(0).to_string())
    failed = df["error"].notna().sum()
    print(f"\n{len(df)} runs ({failed} failed) -> {csv}, {png}")


if __name__ == "__main__":
    main()
