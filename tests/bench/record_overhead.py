#!/usr/bin/env python3
"""Recording overhead and replay speed of the recorded workload library (traces/programs/).

For each program, at a size where the native run takes milliseconds rather than
microseconds:
  native     the program compiled without instrumentation (clang -O1 -pthread);
  recording  the instrumented program (clang -fsanitize=thread -O1, linked with
             libcohsim_record.so) run with $COHSIM_RECORD_OUT set: the program as it
             records itself, writing the trace at exit;
  record     `cohsim record` on it: recording, plus reading the trace back whole;
  replay     `cohsim run configs/default.yaml --quiet` on the trace (one core per
             thread, x86, MESI): its host time and simulated operations per second.
Times are the best of --repeat runs (replays: one run), both as CPU seconds (user + sys
of the process and its threads: what the program cost, steady on a loaded machine) and
as wall seconds. Prints a markdown table (docs/recording.md, "Overhead and replay speed").

  /usr/bin/python3 tests/bench/record_overhead.py [--cohsim build/cohsim] [--repeat 3] [--scale 1.0]
  /usr/bin/python3 tests/bench/record_overhead.py --scale 0.05 --no-replay   # the short form ctest runs

--scale multiplies each program's size. Every native and recording run's final values
are compared (the programs print them); with replays, the replay's too.
"""
import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
p.add_argument("--repeat", type=int, default=3)
p.add_argument("--scale", type=float, default=1.0)
p.add_argument("--no-replay", action="store_true", help="measure recording only")
a = p.parse_args()
build = os.path.dirname(os.path.abspath(a.cohsim))
if not os.path.exists(os.path.join(build, "libcohsim_record.so")):
    sys.exit(f"record_overhead.py: {build} has no libcohsim_record.so: build cohsim first")
if not shutil.which("clang"):
    print("record_overhead.py: clang not found (apt-get install clang): nothing measured")
    sys.exit(0)


def s(n):
    return max(1, int(n * a.scale))


# name, source, size defines, cores, values that must not depend on the interleaving
PROGRAMS = [
    ("counter_mp", "counter_mp.c", lambda: [f"-DITERS={s(50000)}"], 4, ["counter", "seen"]),
    ("parallel_sum", "parallel_sum.c", lambda: [f"-DN={s(262144) // 4 * 4}"], 5, ["total"]),
    ("parallel_sum padded", "parallel_sum.c", lambda: ["-DPADDED", f"-DN={s(262144) // 4 * 4}"], 5, ["total"]),
    ("mpmc_queue", "mpmc_queue.c", lambda: [f"-DITEMS={s(20000)}"], 5, ["total"]),
    ("rcu_publish", "rcu_publish.c", lambda: [f"-DVERSIONS={s(400)}", "-DREADS=64"], 5,
     ["good[0]", "sum[0]", "good[2]", "sum[2]"]),
    ("pipeline", "pipeline.c", lambda: [f"-DN={s(20000)}"], 4, ["sum", "last"]),
    ("histogram", "histogram.c", lambda: [f"-DN={s(65536) // 4 * 4}"], 5, ["count", "bins[0]", "bins[7]"]),
]


def values(out):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+) (-?\d+)$", out, re.M)}


def cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def timed(cmd, env=None):
    """Best wall seconds, best CPU seconds (user + sys), the last run's output."""
    best, best_cpu, out = None, None, None
    for _ in range(a.repeat):
        c, t = cpu(), time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        dt, dc = time.perf_counter() - t, cpu() - c
        if r.returncode != 0:
            sys.exit(f"record_overhead.py: {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-2000:]}")
        best = dt if best is None else min(best, dt)
        best_cpu = dc if best_cpu is None else min(best_cpu, dc)
        out = r.stdout
    return best, best_cpu, out


rows = []
with tempfile.TemporaryDirectory() as tmp:
    for name, src, defines, cores, stable in PROGRAMS:
        path = os.path.join(ROOT, "traces", "programs", src)
        exe = os.path.join(tmp, name.replace(" ", "_"))
        d = defines()
        subprocess.run(["clang", "-O1", *d, path, "-o", exe + ".native", "-pthread"], check=True)
        subprocess.run(["clang", "-fsanitize=thread", "-O1", *d, "-c", path, "-o", exe + ".o"], check=True)
        subprocess.run(["clang", exe + ".o", "-o", exe, "-rdynamic", "-pthread", "-L", build, "-lcohsim_record",
                        "-Wl,-rpath," + build], check=True)
        native, native_cpu, nout = timed([exe + ".native"])
        trace = exe + ".trace"
        rec, rec_cpu, rout = timed([exe], env={**os.environ, "COHSIM_RECORD_OUT": trace + ".raw"})
        t = time.perf_counter()
        r = subprocess.run([a.cohsim, "record", "-o", trace, "--", exe], capture_output=True, text=True)
        record = time.perf_counter() - t
        if r.returncode != 0:
            sys.exit(f"record_overhead.py: cohsim record {name} failed:\n{r.stderr}")
        nv, rv = values(nout), values(rout)
        for k in stable:
            if nv.get(k) != rv.get(k):
                sys.exit(f"record_overhead.py: {name}: native {k} {nv.get(k)}, recording {k} {rv.get(k)}")
        ops = int(re.search(r"recorded \d+ threads?, (\d+) operations", r.stderr).group(1))
        size = os.path.getsize(trace)
        row = [name, " ".join(x for x in d if not x.startswith("-DPADDED")), native_cpu, rec_cpu,
               rec_cpu / max(native_cpu, 1e-3), native, rec, rec / native, record, ops, size]
        if not a.no_replay:
            stats = trace + ".json"
            t = time.perf_counter()
            rr = subprocess.run([a.cohsim, "run", os.path.join(ROOT, "configs", "default.yaml"), "--quiet", "--trace",
                                 trace, "--set", f"cores={cores}", "--stats", stats], capture_output=True, text=True,
                                env={**os.environ, "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE": "1"})
            replay = time.perf_counter() - t
            if rr.returncode != 0:
                sys.exit(f"record_overhead.py: replaying {name} failed:\n{rr.stderr}")
            st = json.load(open(stats))
            flat = {}

            def walk(x, pre=""):
                for k, v in x.items():
                    if isinstance(v, dict):
                        walk(v, pre + k + ".")
                    else:
                        flat[pre + k] = v
            walk(st)
            simops = flat.get("ops", ops)
            row += [replay, simops / replay / 1e6]
        rows.append(row)
        print(f"record_overhead.py: {name} done", file=sys.stderr)

head = ("| program | size | native CPU s | recording CPU s | recording / native, CPU | native wall s | recording wall s |"
        " recording / native, wall | cohsim record wall s | operations | trace MB |")
sep = "| --- " * 11 + "|"
if not a.no_replay:
    head += " replay s | replay M ops/s |"
    sep += " --- | --- |"
print(head)
print(sep)
for row in rows:
    cells = [row[0], row[1], f"{row[2]:.3f}", f"{row[3]:.3f}", f"{row[4]:.0f}x", f"{row[5]:.3f}", f"{row[6]:.3f}",
             f"{row[7]:.0f}x", f"{row[8]:.2f}", str(row[9]), f"{row[10] / 1e6:.1f}"]
    if not a.no_replay:
        cells += [f"{row[11]:.1f}", f"{row[12]:.3f}"]
    print("| " + " | ".join(cells) + " |")
