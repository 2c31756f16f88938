#!/usr/bin/env python3
"""The textbook spinlock experiment, run: coherence traffic and time per lock
acquisition for the TAS, TTAS, ticket and MCS locks of traces/workloads/ under MSI,
MESI and MOESI on the snooping bus, with 2, 4, 8 and 16 cores (one thread each, each
taking the lock --iters times). Prints a markdown table (docs/workloads.md holds one).

    /usr/bin/python3 scripts/lock_table.py [--cohsim build/cohsim] [--iters 8] [--isa x86] [--seed 0]
                                           [--set KEY=VALUE]...   (e.g. --set bus.transactions=atomic)

bus transactions / acquisition = bus.transactions / (threads * iters): every GetS,
GetM, PutM and Upd of the run (the lock word, the counter, the done count and the MCS
nodes) divided by the acquisitions; cycles / acquisition = the run's cycles / (threads
* iters). Each run's final counter is checked (threads * iters) before it is reported.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
p.add_argument("--iters", type=int, default=8)
p.add_argument("--isa", default="x86")
p.add_argument("--seed", type=int, default=0)
p.add_argument("--cores", default="2,4,8,16")
p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
               help="passed to every run (configs/default.yaml is the system)")
a = p.parse_args()

locks = ["tas", "ttas", "ticket", "mcs"]
protocols = ["msi", "mesi", "moesi"]
cores = [int(c) for c in a.cores.split(",")]
rows = []
with tempfile.TemporaryDirectory() as tmp:
    for n in cores:
        d = os.path.join(tmp, str(n))
        os.makedirs(d)
        subprocess.run([sys.executable, os.path.join(ROOT, "traces", "workloads", "gen_workloads.py"), "--threads",
                        str(n), "--iters", str(a.iters), "--out", d, "--only", ",".join(locks)], check=True)
        for lock in locks:
            for proto in protocols:
                stats = os.path.join(d, f"{lock}-{proto}.json")
                cmd = [a.cohsim, "run", os.path.join(ROOT, "configs", "default.yaml"), "--trace",
                       os.path.join(d, lock + ".trace"), "--set", f"cores={n}", "--set", f"isa={a.isa}", "--set",
                       f"coherence.protocol={proto}", "--set", f"seed={a.seed}", "--stats", stats]
                for kv in a.set:
                    cmd += ["--set", kv]
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode != 0:
                    sys.exit(f"lock_table.py: {' '.join(cmd)} failed:\n{r.stderr}")
                s = json.load(open(stats))
                acq = n * a.iters

                def get(k):
                    return s[k]
                total = get("core0.regs.total")
                if total != acq:
                    sys.exit(f"lock_table.py: {lock} {proto} {n} cores: counter {total}, expected {acq}")
                rows.append((lock, proto, n, get("bus.transactions") / acq, get("cycles") / acq))

print(f"| lock | protocol | " + " | ".join(f"{n} cores: bus tx / acq, cycles / acq" for n in cores) + " |")
print("| --- | --- |" + " --- |" * len(cores))
for lock in locks:
    for proto in protocols:
        cells = []
        for n in cores:
            (_, _, _, tx, cyc), = [r for r in rows if r[0] == lock and r[1] == proto and r[2] == n]
            cells.append(f"{tx:.1f}, {cyc:.0f}")
        print(f"| {lock} | {proto} | " + " | ".join(cells) + " |")
