#!/usr/bin/env python3
"""The recorded workload library (traces/programs/) on x86, AArch64 and RISC-V under
MESI and MOESI: records each program once (scripts/record.sh's two steps; the Rust
queue with cargo when it is installed), replays the one trace on the six systems and
prints the markdown tables of docs/workloads.md ("Recorded programs").

    /usr/bin/python3 scripts/workload_table.py [--cohsim build/cohsim] [--jobs 2] [--set KEY=VALUE]...

Every replay's final values are checked against what the program printed when it was
recorded before a row is reported. Columns: cycles (the run's, `cycles`), coherence
messages (every bus.msgs.* of the run: GetS, GetM, PutM, ...), fences executed by kind
(summed over the cores: x86 mfence, AArch64 dmb ish / dmb ishld, RISC-V fence rw,rw /
fence r,rw / fence rw,w / fence.tso; AArch64's ldar/stlr and RISC-V's aq/rl bits are
not fences and are not counted), and for the parallel sum the false-sharing slowdown
(cycles with the four slots in one line / cycles with padded slots).
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
p.add_argument("--jobs", type=int, default=2, help="replays run at once")
p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
               help="passed to every run (configs/default.yaml is the system)")
a = p.parse_args()
build = os.path.dirname(os.path.abspath(a.cohsim))
if not os.path.exists(os.path.join(build, "libcohsim_record.so")):
    sys.exit(f"workload_table.py: {build} has no libcohsim_record.so: build cohsim first")
if not shutil.which("clang"):
    sys.exit("workload_table.py: clang not found (apt-get install clang)")

# name, source, defines, cores (threads + main), printed name -> replay register
PROGRAMS = [
    ("counter_mp", "counter_mp.c", [], 4, {"counter": "counter", "seen": "seen"}),
    ("parallel_sum (one line)", "parallel_sum.c", [], 5,
     {}),  # checked below: the slots add up to the printed total
    ("parallel_sum (padded)", "parallel_sum.c", ["-DPADDED"], 5, {}),
    ("mpmc_queue", "mpmc_queue.c", [], 5, {"consumed[0]": "consumed", "consumed[1]": "consumed_8"}),
    ("rcu_publish", "rcu_publish.c", [], 5,
     {f"{k}[{i}]": (k if i == 0 else f"{k}_{8 * i}") for k in ("good", "sum") for i in range(3)}),
    ("pipeline", "pipeline.c", [], 4, {"sum": "sum", "last": "last"}),
    ("histogram", "histogram.c", [], 5, {f"bins[{i}]": ("bins" if i == 0 else f"bins_{8 * i}") for i in range(8)}),
]
RUST = ("mpmc_queue (Rust)", "rust/mpmc_queue", [], 5,
        {"consumed[0]": "CONSUMED", "consumed[1]": "CONSUMED_8", "total": "TOTAL"})
ISAS = [("x86", "x86"), ("arm", "AArch64"), ("riscv", "RISC-V")]
PROTOCOLS = ["mesi", "moesi"]


def flat(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, prefix + k + ".")
        else:
            yield prefix + k, v


def printed(out):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+) (-?\d+)$", out, re.M)}


def record(tmp, name, src, defines):
    exe = os.path.join(tmp, re.sub(r"\W+", "_", name))
    if src.startswith("rust/"):
        target = os.path.join(tmp, "cargo")
        subprocess.run(["cargo", "build", "--offline", "--locked", "--release", "--quiet", "--manifest-path",
                        os.path.join(ROOT, "traces", "programs", src, "Cargo.toml"), "--target-dir", target],
                       check=True, env={**os.environ, "COHSIM_BUILD": build})
        exe = os.path.join(target, "release", os.path.basename(src))
    else:
        subprocess.run(["clang", "-fsanitize=thread", "-O1", *defines, "-c",
                        os.path.join(ROOT, "traces", "programs", src), "-o", exe + ".o"], check=True)
        subprocess.run(["clang", exe + ".o", "-o", exe, "-rdynamic", "-pthread", "-L", build, "-lcohsim_record",
                        "-Wl,-rpath," + build], check=True)
    trace = exe + ".trace"
    r = subprocess.run([a.cohsim, "record", "-o", trace, "--", exe], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"workload_table.py: recording {name} failed:\n{r.stderr}")
    return trace, printed(r.stdout)


def replay(job):
    name, trace, cores, isa, proto, values, regs = job
    stats = f"{trace}.{isa}.{proto}.json"
    cmd = [a.cohsim, "run", os.path.join(ROOT, "configs", "default.yaml"), "--trace", trace, "--set",
           f"cores={cores}", "--set", f"isa={isa}", "--set", f"coherence.protocol={proto}", "--stats", stats]
    for kv in a.set:
        cmd += ["--set", kv]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE": "1"})
    if r.returncode != 0:
        sys.exit(f"workload_table.py: {' '.join(cmd)} failed:\n{r.stderr}")
    s = dict(flat(json.load(open(stats))))
    for shown, reg in regs.items():
        if s.get("core0.regs." + reg) != values[shown]:
            sys.exit(f"workload_table.py: {name} on {isa} {proto}: core0.regs.{reg} = {s.get('core0.regs.' + reg)}, "
                     f"the program printed {shown} {values[shown]}")
    if name.startswith("parallel_sum"):
        step = 64 if "padded" in name else 8
        got = sum(s.get("core0.regs.partial" + (f"_{step * i}" if i else ""), 0) for i in range(4))
        if got != values["total"]:
            sys.exit(f"workload_table.py: {name} on {isa} {proto}: the slots add up to {got}, not {values['total']}")
    msgs = sum(v for k, v in s.items() if k.startswith("bus.msgs.") or k.startswith("network.msgs."))
    fences = {}
    for k, v in s.items():
        m = re.match(r"core\d+\.fences_by_kind\.(.+)$", k)
        if m and v:
            fences[m.group(1)] = fences.get(m.group(1), 0) + v
    return name, isa, proto, int(s["cycles"]), int(msgs), fences


programs = list(PROGRAMS) + ([RUST] if shutil.which("cargo") else [])
if not shutil.which("cargo"):
    print("workload_table.py: cargo not found: the Rust program is left out", file=sys.stderr)
with tempfile.TemporaryDirectory() as tmp:
    jobs = []
    for name, src, defines, cores, regs in programs:
        trace, values = record(tmp, name, src, defines)
        for isa, _ in ISAS:
            for proto in PROTOCOLS:
                jobs.append((name, trace, cores, isa, proto, values, regs))
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(replay, jobs))

isa_name = dict(ISAS)
print("| program | ISA | protocol | cycles | coherence messages | fences by kind |")
print("| --- | --- | --- | --- | --- | --- |")
cycles = {}
for name, isa, proto, cyc, msgs, fences in results:
    cycles[name, isa, proto] = cyc
    f = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(fences.items())) or "none"
    print(f"| {name} | {isa_name[isa]} | {proto.upper()} | {cyc} | {msgs} | {f} |")
print()
print("| ISA | protocol | parallel_sum cycles, slots in one line | padded | false-sharing slowdown |")
print("| --- | --- | --- | --- | --- |")
for isa, shown in ISAS:
    for proto in PROTOCOLS:
        one, pad = cycles["parallel_sum (one line)", isa, proto], cycles["parallel_sum (padded)", isa, proto]
        print(f"| {shown} | {proto.upper()} | {one} | {pad} | {one / pad:.3f}x |")
