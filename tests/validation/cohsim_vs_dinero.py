#!/usr/bin/python3
"""cohsim's L1D statistics on the gen_din.py traces, beside the committed Dinero IV figures.

Standard library only. Regenerates the traces (tests/validation/gen_din.py), runs

    cohsim run tests/validation/dinero_l1.yaml --trace T.din --set coherence.protocol=P
           [--set core.load_queue=1 --set core.store_buffer=1] --stats S.json --quiet

for P in msi, mesi and both cores (program order / default), keeps core0.l1d.*, and
prints a markdown table against tests/validation/dinero_reference.json (Dinero IV's
demand misses and 3C split, produced outside this repository; see dinero_reference.md).

    /usr/bin/python3 tests/validation/cohsim_vs_dinero.py --cohsim build/cohsim \
        [--traces DIR] [--counts 100000,1000000] [--jobs 2] [--json OUT.json] [--md OUT.md]

Derived figures (from the per-(state, event) cell counts cohsim already writes):
  primary  = cells.I.Load + cells.I.Store: accesses that found the line absent and
             started a miss (what Dinero IV counts as a demand miss)
  upgrades = cells.S.Store: a store to a Shared line (MSI's GetM for a line already
             read; under MESI a single core never holds S)
  secondary = misses - primary - upgrades: accesses counted as misses because they
             met the line in a transient state (a miss to it already in flight)
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_din  # noqa: E402

CONFIG = os.path.join(HERE, "dinero_l1.yaml")
VARIANTS = {
    # name: (protocol, extra --set)
    "mesi_inorder": ("mesi", ["core.load_queue=1", "core.store_buffer=1"]),
    "mesi_default": ("mesi", []),
    "msi_inorder": ("msi", ["core.load_queue=1", "core.store_buffer=1"]),
    "msi_default": ("msi", []),
}
KEEP = ("misses", "hits", "load_misses", "store_misses", "load_hits", "store_hits", "upgrades",
        "silent_upgrades", "evictions", "writebacks", "mshr_full", "set_full")


def command(cohsim, trace, variant, stats):
    proto, sets = VARIANTS[variant]
    cmd = ["nice", cohsim, "run", CONFIG, "--trace", trace, "--set", "coherence.protocol=" + proto]
    for s in sets:
        cmd += ["--set", s]
    return cmd + ["--stats", stats, "--quiet"]


def run_one(cohsim, trace, variant, tmp):
    stats = os.path.join(tmp, "%s.%s.json" % (os.path.basename(trace), variant))
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    subprocess.run(command(cohsim, trace, variant, stats), check=True, env=env)
    with open(stats) as f:
        d = json.load(f)
    os.remove(stats)
    p = "core0.l1d."
    r = {k: d.get(p + k, 0) for k in KEEP}
    cells = {k[len(p + "cells."):]: v for k, v in d.items()
             if k.startswith(p + "cells.") and (k.endswith(".Load") or k.endswith(".Store")) and v}
    r["cells"] = cells
    r["primary"] = cells.get("I.Load", 0) + cells.get("I.Store", 0)
    r["primary_load"] = cells.get("I.Load", 0)
    r["primary_store"] = cells.get("I.Store", 0)
    r["upgrades_S_Store"] = cells.get("S.Store", 0)
    r["secondary"] = r["misses"] - r["primary"] - r["upgrades_S_Store"]
    r["cycles"] = d["cycles"]
    # loads answered by the store buffer never reach the L1D (Dinero IV has no store buffer)
    for k in ("loads", "stores", "forwarded_loads"):
        r[k] = d.get("core0." + k, 0)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cohsim", default="build/cohsim")
    ap.add_argument("--traces", help="directory for the din traces (default: a temporary one)")
    ap.add_argument("--counts", default="100000,1000000")
    ap.add_argument("--names", default=",".join(gen_din.TRACES))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reference", default=os.path.join(HERE, "dinero_reference.json"))
    ap.add_argument("--json", help="write cohsim's figures here")
    ap.add_argument("--md", help="write the markdown table here (default stdout)")
    a = ap.parse_args()
    cohsim = os.path.abspath(a.cohsim)
    tmp = tempfile.mkdtemp(prefix="cohsim-dinero-")
    tdir = a.traces or tmp
    os.makedirs(tdir, exist_ok=True)
    traces = []
    for c in (int(x) for x in a.counts.split(",")):
        for n in a.names.split(","):
            path = os.path.join(tdir, "%s_%d.din" % (n, c))
            if not os.path.exists(path):
                with open(path, "w") as f:
                    gen_din.generate(n, c, f)
            traces.append(("%s_%d" % (n, c), path))
    res = {}
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(run_one, cohsim, p, v, tmp): (t, v) for t, p in traces for v in VARIANTS}
        for fu in cf.as_completed(futs):
            t, v = futs[fu]
            res.setdefault(t, {})[v] = fu.result()
    if a.json:
        with open(a.json, "w") as f:
            json.dump({t: {v: res[t][v] for v in VARIANTS} for t, _ in traces}, f, indent=1, sort_keys=True)
    ref = {}
    if os.path.exists(a.reference):
        with open(a.reference) as f:
            ref = json.load(f)["traces"]
    out = ["| trace | Dinero IV misses (R/W) | variant | cohsim misses | load/store misses | primary (I.Load+I.Store) | upgrades (S.Store) | secondary | primary − Dinero | loads forwarded by the store buffer |",
           "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for t, _ in traces:
        dm = ref.get(t, {}).get("d", {}).get("l1d", {}).get("misses")
        for v in VARIANTS:
            r = res[t][v]
            dcell = "%d (%d/%d)" % (dm["total"], dm["read"], dm["write"]) if dm else "—"
            diff = ("%+d (%+.2f%%)" % (r["primary"] - dm["total"], 100.0 * (r["primary"] - dm["total"]) / dm["total"])
                    if dm else "—")
            out.append("| %s | %s | %s | %d | %d/%d | %d | %d | %d | %s | %d |" % (
                t, dcell, v, r["misses"], r["load_misses"], r["store_misses"], r["primary"],
                r["upgrades_S_Store"], r["secondary"], diff, r["forwarded_loads"]))
    text = "\n".join(out) + "\n"
    if a.md:
        with open(a.md, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if not a.traces:
        for _, p in traces:
            os.remove(p)
    os.rmdir(tmp) if not os.listdir(tmp) else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
