#!/usr/bin/env python3
"""The reference runs: a change meant to keep behaviour gives byte-identical statistics.

    reference_runs.py --cohsim build/cohsim --out DIR        # run them, one JSON file per run
    reference_runs.py --compare DIR_BEFORE DIR_AFTER          # byte-compare two such folders
    reference_runs.py --compare --added-ok DIR_BEFORE DIR_AFTER  # ... allowing keys AFTER adds
    reference_runs.py --out DIR --set bus.transactions=atomic  # every run with a key overridden

Typical use: build the commit before the change, `--out /tmp/before`; build the change,
`--out /tmp/after`; `--compare /tmp/before /tmp/after` exits 1 naming every run whose
statistics differ (and the first keys that differ). `--quick` runs a subset (a few
seconds); ctest runs the quick form twice and compares (determinism).

The runs: every example trace on x86, arm and riscv cores and over the directory, the
teaching traces under every protocol they name, NUMA (two sockets, first touch and
interleave), virtual memory, DRAM-only streams (three patterns, both schedulers and page
policies), the reference mix stream's prefix (generated here, deterministic) through
L1/L2/L3 and DRAM on each ISA and with virtual memory, the random tester on every
protocol and fabric, and litmus tests on every ISA (their outcome histograms).
"""
import argparse
import difflib
import json
import os
import random
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def mix_prefix(path, n=30000, seed=7):
    """A din stream like gen_refs' `mix`: sequential runs, strided runs and random
    references over 16 MiB, 30% writes (generated here so the runs need no other file)."""
    rng = random.Random(seed)
    lines = []
    a = 0
    while len(lines) < n:
        kind = rng.random()
        run = rng.randint(8, 64)
        if kind < 0.4:
            base = rng.randrange(0, 1 << 24, 64)
            for i in range(run):
                lines.append((base + 8 * i) % (1 << 24))
        elif kind < 0.7:
            base = rng.randrange(0, 1 << 24, 64)
            stride = rng.choice([64, 128, 4160])
            for i in range(run):
                lines.append((base + stride * i) % (1 << 24))
        else:
            for _ in range(run):
                lines.append(rng.randrange(0, 1 << 24, 8))
    with open(path, "w") as f:
        for addr in lines[:n]:
            f.write(f"{1 if rng.random() < 0.3 else 0} {addr:x}\n")


def runs(quick, tmp):
    ex = ["default.trace", "mp.trace", "sb.trace", "sb_seqcst.trace", "pingpong.trace", "stream.trace"]
    R = []  # (name, argv)

    def run(name, cfg, trace, *sets):
        argv = ["run", f"configs/{cfg}", "--quiet"]
        if trace:
            argv += ["--trace", trace]
        for s in sets:
            argv += ["--set", s]
        R.append((name, argv, "stats"))

    for t in ex:
        run(f"{t}-x86", "default.yaml", f"traces/{t}")
        if quick:
            continue
        run(f"{t}-arm", "default.yaml", f"traces/{t}", "isa=arm")
        run(f"{t}-riscv", "default.yaml", f"traces/{t}", "isa=riscv")
        run(f"{t}-dir-mesi", "default.yaml", f"traces/{t}", "coherence.fabric=directory", "coherence.protocol=mesi")
        run(f"{t}-numa", "numa-2socket.yaml", f"traces/{t}")
        run(f"{t}-laptop", "laptop-x86.yaml", f"traces/{t}")
    if not quick:
        for p in ["msi", "mesi", "moesi", "mesif", "dragon"]:
            for t in os.listdir(os.path.join(ROOT, "traces/protocols")):
                if t.endswith(".trace") and not (t.startswith("directory") and p in ("mesif", "dragon")):
                    fab = ["coherence.fabric=directory"] if t.startswith("directory") else []
                    run(f"protocols-{t}-{p}", "classroom-msi.yaml", f"traces/protocols/{t}", "cores=4",
                        f"coherence.protocol={p}", *fab)
        run("vm-x86", "vm-x86.yaml", None)
        run("numa-interleave", "numa-2socket.yaml", "traces/default.trace", "vm.placement=interleave")
        run("shared-l2", "shared-l2.yaml", "traces/default.trace")
    mix = os.path.join(tmp, "mix_prefix.din")
    mix_prefix(mix, 8000 if quick else 30000)
    run("mix-x86", "default.yaml", mix, "cores=1")
    if not quick:
        run("mix-arm", "default.yaml", mix, "cores=1", "isa=arm")
        run("mix-riscv", "default.yaml", mix, "cores=1", "isa=riscv")
        run("mix-vm", "default.yaml", mix, "cores=1", "vm.enabled=true")
        run("mix-fixed", "default.yaml", mix, "cores=1", "memory.model=fixed")
    for pat in (["mix"] if quick else ["seq", "random", "mix"]):
        R.append((f"dram-{pat}", ["dram", "configs/default.yaml", "--pattern", pat, "--requests", "20000", "--json"],
                  "stdout"))
        if not quick:
            R.append((f"dram-{pat}-fcfs-closed", ["dram", "configs/default.yaml", "--pattern", pat, "--requests",
                                                   "20000", "--set", "dram.scheduler=fcfs", "--set",
                                                   "dram.page_policy=closed", "--json"], "stdout"))
    for p in (["mesi"] if quick else ["msi", "mesi", "moesi", "mesif", "dragon"]):
        for fab in ["bus", "directory"]:
            if fab == "directory" and p in ("mesif", "dragon"):
                continue
            R.append((f"stress-{p}-{fab}", ["stress", "configs/stress.yaml", "--ops", "20000", "--seed", "5", "--set",
                                            f"coherence.protocol={p}", "--set", f"coherence.fabric={fab}", "--json"],
                      "stdout"))
    for isa in (["arm"] if quick else ["x86", "arm", "riscv"]):
        for t in (["MP+rlx"] if quick else ["MP+rlx", "SB+rlx", "IRIW+rlx", "Spinlock+acq+rel"]):
            R.append((f"litmus-{t}-{isa}", ["litmus", f"traces/litmus/{t}.litmus", "--isa", isa, "--runs", "40",
                                           "--jobs", "2", "--seed", "3", "--json"], "stdout"))
    return R


def drop_provenance(text):
    """A --stats file's text without its last member "_provenance", byte for byte
    otherwise (so that the statistics still compare as text)."""
    at = text.find(',\n  "_provenance": ')
    return text if at < 0 else text[:at] + "\n}\n"


def canonical(text, kind):
    """The part of an output that must not change: the stats file verbatim but for its
    "_provenance" member (the last one; it holds the host's date and time, and the
    commit); for commands printing JSON, that JSON without host-time fields."""
    if kind == "stats":
        return drop_provenance(text)
    out = []
    for line in text.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            out.append(line)
            continue
        drop = {"seconds", "host_seconds", "wall_seconds", "requests_per_second", "runs_per_second"}

        def strip(o):
            if isinstance(o, dict):
                return {k: strip(v) for k, v in o.items() if k not in drop and not k.startswith("host")}
            if isinstance(o, list):
                return [strip(v) for v in o]
            return o

        out.append(json.dumps(strip(obj), sort_keys=True))
    return "\n".join(out) + "\n"


def do_runs(args):
    os.makedirs(args.out, exist_ok=True)
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    failed = 0
    for name, argv, kind in runs(args.quick, args.out):
        path = os.path.join(args.out, name + ".json")
        full = [args.cohsim] + argv
        for s in args.set:
            full += ["--set", s]
        if kind == "stats":
            full += ["--stats", path]
        p = subprocess.run(full, cwd=ROOT, env=env, capture_output=True, text=True)
        if p.returncode not in (0, 4):
            print(f"{name}: exit {p.returncode}: {p.stderr.strip()[:300]}")
            failed += 1
            continue
        if kind == "stats":
            with open(path) as f:
                text = f.read()
        else:
            text = p.stdout
        with open(path, "w") as f:
            f.write(canonical(text, kind))
    print(f"{len(runs(args.quick, args.out))} reference runs written to {args.out}" +
          (f", {failed} failed" if failed else ""))
    return 1 if failed else 0


def only_added(ta, tb):
    """The keys of AFTER's JSON that BEFORE lacks, when that is the only difference (every
    key of BEFORE is in AFTER with the same value); None otherwise."""
    try:
        ja, jb = json.loads(ta), json.loads(tb)
    except ValueError:
        return None
    if not isinstance(ja, dict) or not isinstance(jb, dict):
        return None
    ja.pop("_provenance", None), jb.pop("_provenance", None)
    if any(k not in jb or jb[k] != v for k, v in ja.items()):
        return None
    return sorted(set(jb) - set(ja))


def do_compare(a, b, added_ok=False):
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    names = [n for n in names if n.endswith(".json")]
    bad = 0
    added_keys = set()
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not os.path.exists(pa) or not os.path.exists(pb):
            print(f"{n}: only in {'the second' if not os.path.exists(pa) else 'the first'} folder")
            bad += 1
            continue
        ta, tb = open(pa).read(), open(pb).read()
        if ta != tb and added_ok:
            added = only_added(ta, tb)
            if added is not None:
                added_keys.update(added)
                continue
        if ta != tb:
            bad += 1
            diff = list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), lineterm="", n=0))
            print(f"{n}: differs")
            for d in diff[2:14]:
                print("   ", d[:200])
    print(f"{len(names)} runs compared, {bad} differ" +
          (f" other than by added keys; added: {', '.join(sorted(added_keys))}" if added_keys else ""))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cohsim", default=os.path.join(ROOT, "build/cohsim"))
    ap.add_argument("--out")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a configuration key in every run (e.g. bus.transactions=atomic, "
                         "to compare the atomic bus with a baseline made before the split bus existed)")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    ap.add_argument("--added-ok", action="store_true",
                    help="with --compare: a run whose AFTER statistics only add keys (every key of BEFORE "
                         "kept with its value) does not count as differing; the added keys are listed")
    args = ap.parse_args()
    if args.compare:
        return do_compare(*args.compare, added_ok=args.added_ok)
    if not args.out:
        ap.error("--out DIR or --compare BEFORE AFTER")
    return do_runs(args)


if __name__ == "__main__":
    sys.exit(main())
