#!/usr/bin/env python3
"""Simulation throughput: simulated memory operations per second of host time.

  (a) one core, a stream of loads and stores that mostly hits in the L1;
  (b) eight cores sharing data: private streams, a shared read-mostly table,
      a shared counter updated with fetch_add and a flag passed with
      Release/Acquire.

The traces are generated, converted to the binary format (what large traces use)
and run with `cohsim run --quiet`; the host time is the wall time of that run.

  tests/bench/sim_throughput.py                 # full form: 10 M ops (a), 4 M ops (b)
  tests/bench/sim_throughput.py --ops 200000    # the short form ctest runs
  tests/bench/sim_throughput.py --set vm.enabled=true   # the same with virtual memory (TLBs, walks)
  tests/bench/sim_throughput.py --set coherence.fabric=directory   # over the directory
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gen_stream(path, n):
    # A 16 KiB array walked 8 bytes at a time, three loads to a store: one miss per
    # line on the first pass, L1 hits after that.
    with open(path, "w") as f:
        f.write("thread 0\n")
        base = 0x100000
        lines = []
        for i in range(n):
            a = base + (i * 8) % 16384
            lines.append(f"store {a} {i}\n" if i % 4 == 3 else f"load {a} -> r{i % 4}\n")
            if len(lines) >= 65536:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)


def gen_shared(path, n, threads=8):
    per = n // threads
    with open(path, "w") as f:
        for t in range(threads):
            f.write(f"thread {t}\n")
            priv = 0x1000000 + t * 0x100000
            out = []
            for i in range(per):
                k = i % 64
                if k == 63:
                    out.append("fetch_add 0x800000 1 SeqCst -> c\n")
                elif k == 31:
                    out.append(f"store 0x800040 {i} Release\n" if t == 0 else "load 0x800040 Acquire -> f\n")
                elif k % 8 == 5:
                    out.append(f"load {0x900000 + ((i * 72 + t * 8) % 8192)} -> s\n")
                elif k % 4 == 1:
                    out.append(f"store {priv + (i * 8) % 8192} {i}\n")
                else:
                    out.append(f"load {priv + (i * 8) % 8192} -> p\n")
                if len(out) >= 65536:
                    f.writelines(out)
                    out.clear()
            f.writelines(out)


def run(cohsim, config, trace, sets):
    stats = trace + ".json"
    cmd = [cohsim, "run", config, "--trace", trace, "--quiet", "--stats", stats]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    dt = time.perf_counter() - t0
    with open(stats) as f:
        st = json.load(f)
    return st, dt


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ops", type=int, default=10_000_000, help="operations in benchmark (a); (b) gets 0.4x")
    ap.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a configuration override for every run (repeatable), e.g. vm.enabled=true")
    ap.add_argument("--workdir", default=None, help="keep generated traces here (default: a temp dir)")
    args = ap.parse_args()
    tmp = None if args.workdir else tempfile.TemporaryDirectory(prefix="cohsim-bench-")
    work = args.workdir or tmp.name
    os.makedirs(work, exist_ok=True)
    cfg = os.path.join(ROOT, "configs", "default.yaml")

    results = []
    for name, gen, n, sets in [
        ("(a) 1 core, L1-resident stream", gen_stream, args.ops, ["cores=1"]),
        ("(b) 8 cores, shared data", gen_shared, max(8, int(args.ops * 0.4)), ["cores=8"]),
    ]:
        txt = os.path.join(work, f"bench{len(results)}_{n}.trace")
        binp = txt[:-6] + ".bin"
        if not os.path.exists(binp):
            gen(txt, n)
            subprocess.run([args.cohsim, "trace", "convert", txt, binp], check=True)
            os.remove(txt)
        st, dt = run(args.cohsim, cfg, binp, sets + args.set)
        ops = st["ops"]
        results.append((name, ops, dt, ops / dt, st))
        print(f"{name}: {ops} ops in {dt:.2f} s = {ops / dt / 1e6:.2f} M ops/s "
              f"(L1D hit rate core0 {st['core0.l1d.hit_rate'] * 100:.1f}%, "
              + (f"{st['bus.transactions']} bus transactions)" if 'bus.transactions' in st
                 else f"{st['network.messages']:.0f} network messages)"), flush=True)


if __name__ == "__main__":
    sys.exit(main())
