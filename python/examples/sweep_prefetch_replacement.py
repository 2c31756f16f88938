#!/usr/bin/env python3
"""Prefetcher against replacement policy on two reference streams: a sweep and its plot.

    PYTHONPATH=$PWD/build/python /usr/bin/python3 python/examples/sweep_prefetch_replacement.py
        [--out DIR] [--jobs N] [--refs N] [--gen-refs PATH/gen_refs.c] [--quick]

One core of configs/default.yaml (32 KiB L1D, 256 KiB private L2, 2 MiB L3, DDR4-3200)
runs two din streams:

- the "mix" reference stream of tests/bench/mix_stream.py: gen_refs.c's `mix` pattern
  (sequential and 65-line-strided scans, a hot 4 KiB and a warm 768 KiB region drawn at
  random, cold references over 1 GiB), compiled with gcc from --gen-refs; without it
  (or with --quick) the deterministic stream of the same shape that
  tests/reference_runs.py generates;
- "loop+scan", a text trace written here: passes that read a 192 KiB array twice (it
  fits the 256 KiB L2 alone), then scan 128 KiB of data used once -- the pattern RRIP
  was designed for: under LRU each scan flushes the array from the L2, so every pass's
  first read misses; SRRIP keeps the array's lines (re-referenced, so predicted
  near-immediate) and lets the scan's lines (predicted long) replace each other; SHiP
  also learns that the scan's PC (pc=0x402000) brings dead lines.

Each replacement policy (every registered one: the choices of `l1d.replacement` in
cohsim.config_params()) is set at
all three levels together, crossed with each L1D prefetcher (`none` and every registered
one; --quick: none and next_line). Writes DIR/prefetch_replacement.csv (one row per
run, with `replacement`, `l1d.prefetcher` and `trace` columns) and
DIR/prefetch_replacement.png: core cycles and L2 misses per 1000 references, one
panel per stream, one bar per prefetcher.

The speed cost of each policy: `host_seconds` is each run's host time (the simulation
loop, reading the trace included, not the child's start-up: `df.attrs["wall_seconds"]`
of cohsim.sweep) and `host_ns_per_ref` that over the stream's references; a table of it
per replacement policy and prefetcher is printed per stream. These are wall times:
runs at once share the CPUs, and even with --jobs 1 they vary by up to 3x between like
runs on a loaded machine. To rank the policies' host cost use tests/bench/policy_cost.py
(host instructions per reference by callgrind, the same from run to run; README).

The mix stream is din and carries no program counters, so there SHiP's signatures are
the trace lines at the L1D and L2 (every reference its own "instruction") and memory
regions at the L3 (docs/architecture.md, "Replacement policies").
"""
import argparse
import importlib.util
import os
import subprocess
import tempfile

import cohsim
import cohsim.plot

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_GEN_REFS = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench", "gen_refs.c"))


def mix_stream(path, refs, gen_refs, quick):
    """The mix stream as din at `path`; returns where it came from."""
    if not quick and gen_refs and os.path.isfile(gen_refs):
        with tempfile.TemporaryDirectory(prefix="cohsim-gen-") as tmp:
            exe = os.path.join(tmp, "gen_refs")
            subprocess.run(["gcc", "-O2", "-o", exe, gen_refs], check=True)
            with open(path, "w") as f:
                subprocess.run([exe, "-f", "din", "-p", "mix", "-n", str(refs)], stdout=f, check=True)
        return f"gen_refs -p mix -n {refs}"
    spec = importlib.util.spec_from_file_location("reference_runs", os.path.join(ROOT, "tests", "reference_runs.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.mix_prefix(path, refs)
    return f"reference_runs.mix_prefix({refs})"


def loop_and_scan(path, refs, loop_bytes=192 << 10, scan_bytes=128 << 10):
    """Passes that read `loop_bytes` twice (one load per line, pc=0x401000), then scan
    `scan_bytes` never touched again (pc=0x402000); `refs` loads, one thread."""
    refs_out, scan_at = [], 1 << 30
    while len(refs_out) < refs:
        for _ in range(2):
            refs_out.extend((0x10000000 + off, 0x401000) for off in range(0, loop_bytes, 64))
        refs_out.extend((scan_at + off, 0x402000) for off in range(0, scan_bytes, 64))
        scan_at += scan_bytes
    with open(path, "w") as f:
        f.write("thread 0\n")
        f.writelines(f"  load 0x{a:x} -> r pc=0x{pc:x}\n" for a, pc in refs_out[:refs])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="prefetch_replacement", help="folder for the traces, CSV and PNG")
    ap.add_argument("--jobs", type=int, default=None, help="simulations at once (default: CPUs)")
    ap.add_argument("--refs", type=int, default=None, help="references per stream (default 1 M; --quick 30000)")
    ap.add_argument("--gen-refs", default=DEFAULT_GEN_REFS, help="gen_refs.c for the mix stream (default: %(default)s)")
    ap.add_argument("--quick", action="store_true", help="a small version (for tests)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    refs = args.refs or (30000 if args.quick else 1_000_000)

    mix = os.path.join(args.out, "mix.din")
    origin = mix_stream(mix, refs, args.gen_refs, args.quick)
    loop = os.path.join(args.out, "loop_scan.trace")
    loop_and_scan(loop, refs)
    names = {mix: "mix", loop: "loop+scan"}

    cfg = cohsim.Config.load(os.path.join(ROOT, "configs", "default.yaml"))
    cfg.set("cores", 1)
    choices = {p["key"]: p["choices"] for p in cohsim.config_params()}
    policies = list(choices["l1d.replacement"])
    prefetchers = ["none", "next_line"] if args.quick else list(choices["l1d.prefetcher"])

    import pandas as pd

    frames = []
    for policy in policies:
        c = cfg.copy()
        for level in ("l1d", "l2", "l3"):
            c.set(f"{level}.replacement", policy)
        df = cohsim.sweep(c, grid={"l1d.prefetcher": prefetchers}, traces=[mix, loop], jobs=args.jobs)
        df.insert(0, "replacement", policy)
        df["host_seconds"] = df.attrs["wall_seconds"]
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df["trace"] = df["trace"].map(lambda t: names.get(t, t))
    df["l2.mpki"] = 1000 * df["core0.l2.misses"] / refs
    df["host_ns_per_ref"] = 1e9 * df["host_seconds"].astype(float) / refs
    csv = os.path.join(args.out, "prefetch_replacement.csv")
    df.to_csv(csv, index=False)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    streams = list(names.values())
    fig, axes = plt.subplots(2, len(streams), figsize=(7 * len(streams), 8), layout="constrained", squeeze=False)
    for col, stream in enumerate(streams):
        part = df[df["trace"] == stream]
        cohsim.plot.bars(part, x="replacement", y="cycles", hue="l1d.prefetcher", ax=axes[0][col],
                         title=f"{stream}: core cycles", ylabel="core cycles")
        cohsim.plot.bars(part, x="replacement", y="l2.mpki", hue="l1d.prefetcher", ax=axes[1][col],
                         title=f"{stream}: L2 misses per 1000 references", ylabel="L2 misses / 1000 refs")
    fig.suptitle(f"1 core, default.yaml, {refs:,} references per stream (mix: {origin}): replacement x prefetcher")
    png = cohsim.plot.save(fig, os.path.join(args.out, "prefetch_replacement.png"))

    for stream in streams:
        table = df[df["trace"] == stream].pivot_table(index="replacement", columns="l1d.prefetcher",
                                                      values="l2.mpki", sort=False)
        print(f"{stream}: L2 misses per 1000 references\n" + table.round(2).to_string() + "\n")
        speed = df[df["trace"] == stream].pivot_table(index="replacement", columns="l1d.prefetcher",
                                                      values="host_ns_per_ref", sort=False)
        print(f"{stream}: host wall time per reference (ns; --jobs {args.jobs or os.cpu_count()} at once; "
              "noisy, tests/bench/policy_cost.py ranks by host instructions)\n"
              + speed.round(0).to_string() + "\n")
    failed = df["error"].notna().sum()
    print(f"{len(df)} runs ({failed} failed) -> {csv}, {png}")


if __name__ == "__main__":
    main()
