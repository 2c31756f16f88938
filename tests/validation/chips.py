#!/usr/bin/python3
"""Microbenchmarks of real chips on cohsim, against their published figures.

For each chip configuration in configs/chips/ this runs, on a cohsim binary:

  latency    load-to-use latency against working-set size (4 KiB .. 1 GiB), a
             pointer chase emulated by loads to a random cyclic permutation of
             the lines of the working set with core.load_queue=1 (each load
             issues when the previous one has its data), steady state only;
  c2c        core-to-core latency: core 1 loads lines that core 0 has just
             written (each load is a cache-to-cache transfer of a Modified line);
  bandwidth  single-core streaming read bandwidth, one load per 64-byte line,
             in a working set that fits each level (and one far larger than the
             last level for DRAM), steady state only.

It prints the comparison with the published figures (PUBLISHED below, with their
sources) and the latency curves; --write-doc rewrites the generated parts of
docs/validation.md; --json writes every number. The method is explained in
docs/validation.md.

  /usr/bin/python3 tests/validation/chips.py                     # everything (a few minutes on 2 cores)
  /usr/bin/python3 tests/validation/chips.py --write-doc         # and update docs/validation.md
  /usr/bin/python3 tests/validation/chips.py --short             # CI: a small subset, a few seconds
  /usr/bin/python3 tests/validation/chips.py --chips graviton2 --set coherence.fabric=directory

Standard library only (Python 3.11). The cohsim binary: --cohsim, else $COHSIM,
else build/cohsim of this checkout.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "validation.md"

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
LINE = 64
BASE = 0x1000_0000  # where working sets start (256 MiB, clear of anything else)

# Targets of the issue: each level's load-to-use latency and DRAM latency within
# 15 %, core-to-core latency and bandwidth within 25 %.
TARGET = {"lat": 15.0, "c2c": 25.0, "bw": 25.0}


@dataclasses.dataclass(frozen=True)
class Chip:
    name: str
    title: str
    config: str  # relative to the repository
    freq_ghz: float  # core clock of the configuration (converts cycles to ns)
    levels: dict  # level -> capacity in bytes (L1, L2, L3)
    # working-set size at which each latency figure is read off the curve
    lat_probe: dict
    # working-set size of each bandwidth measurement
    bw_probe: dict


CHIPS = {
    c.name: c
    for c in [
        Chip(
            "graviton2",
            "AWS Graviton2 (Neoverse N1)",
            "configs/chips/graviton2.yaml",
            2.5,
            {"L1": 64 * KiB, "L2": 1 * MiB, "L3": 32 * MiB},
            # the sizes the published sweep reports each level at ([ALP]: 32 KiB,
            # 288 KiB, 16.5 MiB, 544 MiB), rounded to the sweep's powers of two
            {"L1": 32 * KiB, "L2": 256 * KiB, "L3": 16 * MiB, "DRAM": 512 * MiB},
            {"L1": 32 * KiB, "L2": 256 * KiB, "L3": 16 * MiB, "DRAM": 512 * MiB},
        ),
        Chip(
            "zen4",
            "AMD Ryzen 9 7950X (Zen 4), one CCD",
            "configs/chips/zen4-7950x.yaml",
            5.7,
            {"L1": 32 * KiB, "L2": 1 * MiB, "L3": 32 * MiB},
            # AIDA64 measures each level inside it; DRAM with >= 16 MiB blocks
            # (bigger than the L3 here)
            {"L1": 16 * KiB, "L2": 512 * KiB, "L3": 16 * MiB, "DRAM": 1 * GiB},
            {"L1": 16 * KiB, "L2": 512 * KiB, "L3": 16 * MiB, "DRAM": 1 * GiB},
        ),
        Chip(
            "p550",
            "SiFive P550 (ESWIN EIC7700X)",
            "configs/chips/p550-eic7700x.yaml",
            1.4,
            {"L1": 32 * KiB, "L2": 256 * KiB, "L3": 4 * MiB},
            # the ramlat rows the published figures come from (32k, 128k, 1M, 128M)
            {"L1": 32 * KiB, "L2": 128 * KiB, "L3": 1 * MiB, "DRAM": 128 * MiB},
            {"L1": 16 * KiB, "L2": 128 * KiB, "L3": 2 * MiB, "DRAM": 128 * MiB},
        ),
    ]
}

# Published figures: (chip, metric, value, unit, source, note). Metrics:
# lat.L1/L2/L3/DRAM (load-to-use), c2c.local (same cluster), c2c.remote (other
# cluster), bw.L1/L2/L3/DRAM (single core). Units: cycles, ns, GB/s. Full
# citations are in docs/validation.md and in the configurations' comments.
PUBLISHED = [
    # AWS Graviton2
    ("graviton2", "lat.L1", 4, "cycles", "AnandTech Graviton2 p.3", ""),
    ("graviton2", "lat.L1", 1.6, "ns", "Arm Learning Paths (ASCT)", "1 GiB huge pages"),
    ("graviton2", "lat.L2", 11, "cycles", "AnandTech Graviton2 p.3", ""),
    ("graviton2", "lat.L2", 5.4, "ns", "Arm Learning Paths (ASCT)", "at 288 KiB"),
    ("graviton2", "lat.L3", 28.8, "ns", "Arm Learning Paths (ASCT)", "at 16.5 MiB"),
    ("graviton2", "lat.DRAM", 95.0, "ns", "Arm Learning Paths (ASCT)", "at 544 MiB"),
    ("graviton2", "lat.DRAM", 81, "ns", "AnandTech Graviton2 p.3", "structural estimate, TLB misses removed"),
    ("graviton2", "c2c.local", 41.8, "ns", "Arm Learning Paths (ASCT c2c)", "mean"),
    ("graviton2", "c2c.local", 47, "ns", "nviennot/core-to-core-latency", "median, CAS ping-pong"),
    ("graviton2", "bw.L1", 159.4, "GB/s", "Arm Learning Paths (ASCT)", "loads and stores"),
    ("graviton2", "bw.L2", 73.4, "GB/s", "Arm Learning Paths (ASCT)", "loads and stores"),
    ("graviton2", "bw.L3", 35.9, "GB/s", "Arm Learning Paths (ASCT)", "loads and stores"),
    ("graviton2", "bw.DRAM", 20.9, "GB/s", "Arm Learning Paths (ASCT)", "loads and stores"),
    # AMD Zen 4
    ("zen4", "lat.L1", 4, "cycles", "AMD SOG Zen4 (57647) 2.12", ""),
    ("zen4", "lat.L1", 3.7, "cycles", "AIDA64 on 7600X (gazlog.jp)", "0.7 ns x 5.3 GHz"),
    ("zen4", "lat.L2", 13.8, "cycles", "AIDA64 on 7600X (gazlog.jp)", "2.6 ns x 5.3 GHz"),
    ("zen4", "lat.L3", 51.4, "cycles", "AIDA64 on 7600X (gazlog.jp)", "9.7 ns x 5.3 GHz"),
    ("zen4", "lat.DRAM", 63.6, "ns", "AIDA64, DDR5-6000 FCLK 2000 (silverflick.com)", ""),
    ("zen4", "c2c.local", 15.7, "ns", "nviennot/core-to-core-latency 7950X CSV", "same CCD, typical pair"),
    ("zen4", "c2c.local", 17.0, "ns", "AnandTech 7950X review, core-to-core", "'15 to 19 ns' within a CCD, mid-range"),
    ("zen4", "c2c.remote", 79.5, "ns", "AnandTech 7950X review, core-to-core", "across CCDs, worst; not modelled"),
    # SiFive P550
    ("p550", "lat.L1", 3.0, "cycles", "sbc-bench ramlat (HiFive Premier)", "2.148 ns at 32 KiB"),
    ("p550", "lat.L2", 13.0, "cycles", "sbc-bench ramlat (HiFive Premier)", "9.30 ns at 128 KiB"),
    ("p550", "lat.L3", 34.0, "ns", "sbc-bench ramlat (HiFive Premier)", "at 1 MiB, 4 KiB pages"),
    ("p550", "lat.DRAM", 214.3, "ns", "sbc-bench ramlat (HiFive Premier)", "at 128 MiB, 4 KiB pages"),
    ("p550", "lat.DRAM", 176.3, "ns", "sbc-bench tinymembench (HiFive Premier)", "64 MiB, huge pages, 174.2 + L1 2.1"),
]

# Latency curve: every power of two from 4 KiB to 1 GiB.
SWEEP = [1 << k for k in range(12, 31)]


def fmt_size(b: int) -> str:
    for unit, n in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if b >= n and b % n == 0:
            return f"{b // n} {unit}"
    return f"{b} B"


# ----------------------------------------------------------------------------------
# Traces (text format, traces/README.md)


def write_loads(path: Path, addrs_iter, header="thread 0\n"):
    with open(path, "w") as f:
        f.write(header)
        buf = []
        for a in addrs_iter:
            buf.append(f"load {a:#x}\n")
            if len(buf) >= 65536:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


def chase_lines(size: int, max_lines: int, seed: int):
    """The lines of a working set of `size` bytes in chase order, and whether it
    is the whole set (a cyclic permutation of every line) or a sample."""
    n = size // LINE
    rnd = random.Random(seed * 1_000_003 + size)
    if n <= max_lines:
        order = list(range(n))
        rnd.shuffle(order)
        return order, True
    return rnd.sample(range(n), max_lines), False


# ----------------------------------------------------------------------------------
# Running cohsim


class Runner:
    def __init__(self, cohsim: str, workdir: Path, sets: list[str], jobs: int, verbose: bool):
        self.cohsim = cohsim
        self.workdir = workdir
        self.sets = sets
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        self.verbose = verbose
        self.counter = 0

    def submit(self, config: str, trace: Path, extra_sets: list[str]):
        self.counter += 1
        stats = self.workdir / f"run{self.counter}.json"
        cmd = ["nice", self.cohsim, "run", str(REPO / config), "--trace", str(trace), "--stats", str(stats), "--quiet"]
        for s in extra_sets + self.sets:
            cmd += ["--set", s]
        return self.pool.submit(self._run, cmd, stats)

    def _run(self, cmd, stats: Path):
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        if self.verbose:
            print("  $", " ".join(cmd[1:]), file=sys.stderr)
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            raise RuntimeError(f"cohsim failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr.strip()[-2000:]}")
        with open(stats) as f:
            d = json.load(f)
        stats.unlink()
        return d


def load_sum(stats: dict, core: int = 0):
    h = stats[f"core{core}.load_latency_core_cycles"]
    return h["count"], h["count"] * h["mean"]


# ----------------------------------------------------------------------------------
# The three microbenchmarks. Each returns a function that, when called after the
# runs finished, gives the result.


def latency_point(r: Runner, chip: Chip, size: int, max_lines: int, seed: int):
    """Steady-state mean load latency (core cycles) of a chase over `size` bytes.

    Whole set: run the permutation once (run A) and twice (run B); the second
    pass's mean is (sum_B - sum_A) / n, so the cold first pass (and the run's
    start) drops out. Sample (sets larger than max_lines lines): one pass over
    max_lines lines drawn at random from the whole set, from cold caches: every
    load misses every level, which is also the steady state of a chase over a set
    many times the last level's size."""
    order, whole = chase_lines(size, max_lines, seed)
    tag = f"{chip.name}-lat-{size}"
    sets = ["core.load_queue=1"]
    if whole:
        t1 = r.workdir / f"{tag}-1.trace"
        t2 = r.workdir / f"{tag}-2.trace"
        write_loads(t1, (BASE + i * LINE for i in order))
        write_loads(t2, (BASE + i * LINE for p in range(2) for i in order))
        fa, fb = r.submit(chip.config, t1, sets), r.submit(chip.config, t2, sets)

        def result():
            (na, sa), (nb, sb) = load_sum(fa.result()), load_sum(fb.result())
            t1.unlink(missing_ok=True)
            t2.unlink(missing_ok=True)
            return {"size": size, "cycles": (sb - sa) / (nb - na), "lines": len(order), "method": "whole set, 2nd pass"}

        return result
    t1 = r.workdir / f"{tag}-s.trace"
    write_loads(t1, (BASE + i * LINE for i in order))
    fa = r.submit(chip.config, t1, sets)

    def result():
        n, s = load_sum(fa.result())
        t1.unlink(missing_ok=True)
        return {"size": size, "cycles": s / n, "lines": len(order), "method": "sample, cold"}

    return result


def c2c_point(r: Runner, chip: Chip, lines: int):
    """Core 0 stores to `lines` distinct lines (each ends Modified in core 0);
    after a delay long enough for every store to complete, core 1 loads them, one
    at a time (core.load_queue=1): each load is a miss served by a
    cache-to-cache transfer from core 0. Result: core 1's mean load latency."""
    tag = f"{chip.name}-c2c"
    t = r.workdir / f"{tag}.trace"
    addrs = [BASE + 4 * GiB // 8 + i * 4096 + (i % 64) * LINE for i in range(lines)]
    # each store misses to memory: allow 3 us per store, in core cycles
    delay = int(lines * 3000 * chip.freq_ghz) + 10000
    with open(t, "w") as f:
        f.write("thread 0\n")
        f.writelines(f"  store {a:#x} 1\n" for a in addrs)
        f.write(f"thread 1\n  compute {delay}\n")
        f.writelines(f"  load {a:#x}\n" for a in addrs)
    fut = r.submit(chip.config, t, ["core.load_queue=1"])

    def result():
        d = fut.result()
        t.unlink(missing_ok=True)
        n, s = load_sum(d, 1)
        transfers = d.get("bus.cache_to_cache", d.get("directory.forwards", 0))
        return {"cycles": s / n, "loads": n, "transfers": transfers}

    return result


def bounce_point(r: Runner, chip: Chip, rounds: int, gap: int = 3000):
    """A line bounced between two cores with a fixed round count: core 0 and core 1
    take turns doing a read-modify-write (fetch_add, Relaxed) on one line, `gap`
    core cycles apart (compute delays in place of waiting for the flag, which
    traces cannot do yet), core 1 half a gap behind core 0. Each RMW finds the
    line Modified in the other core and takes it over (as a CAS ping-pong does).
    Result: core 1's cycles, less its delays, per round = the latency of one RMW
    on a line owned by the other core (plus about one issue cycle)."""
    t = r.workdir / f"{chip.name}-bounce.trace"
    flag = BASE + 4 * GiB // 8 - 4096
    with open(t, "w") as f:
        f.write("thread 0\n")
        f.writelines(f"  fetch_add {flag:#x} 1 Relaxed\n  compute {gap}\n" for _ in range(rounds))
        f.write(f"thread 1\n  compute {gap // 2}\n")
        f.writelines(f"  fetch_add {flag:#x} 1 Relaxed\n  compute {gap}\n" for _ in range(rounds))
    fut = r.submit(chip.config, t, [])

    def result():
        d = fut.result()
        t.unlink(missing_ok=True)
        per = (d["core1.cycles"] - gap // 2 - rounds * gap) / rounds
        transfers = d.get("bus.cache_to_cache", d.get("directory.forwards", 0))
        return {"cycles": per, "rounds": rounds, "transfers": transfers}

    return result


def bw_point(r: Runner, chip: Chip, level: str, size: int, stream_lines: int):
    """Streaming read, one load per 64-byte line, the core's own load queue.

    Cache levels: the working set (`size` bytes) read P and 2P times in address
    order; bandwidth = size * P / (cycles(2P) - cycles(P)). DRAM: `stream_lines`
    and 2 * `stream_lines` consecutive lines never touched before (every one
    misses to memory, as in a stream over a set far larger than the last level);
    bandwidth = stream_lines * 64 / (cycles difference)."""
    tag = f"{chip.name}-bw-{level}"
    t1, t2 = r.workdir / f"{tag}-1.trace", r.workdir / f"{tag}-2.trace"
    if level == "DRAM":
        n = stream_lines
        write_loads(t1, (BASE + i * LINE for i in range(n)))
        write_loads(t2, (BASE + i * LINE for i in range(2 * n)))
        moved = n * LINE
    else:
        n = size // LINE
        passes = max(1, 4096 // n) if n < 4096 else 1
        write_loads(t1, (BASE + i * LINE for p in range(passes) for i in range(n)))
        write_loads(t2, (BASE + i * LINE for p in range(2 * passes) for i in range(n)))
        moved = n * LINE * passes
    fa, fb = r.submit(chip.config, t1, []), r.submit(chip.config, t2, [])

    def result():
        ca, cb = fa.result()["core0.cycles"], fb.result()["core0.cycles"]
        t1.unlink(missing_ok=True)
        t2.unlink(missing_ok=True)
        dt_ns = (cb - ca) / chip.freq_ghz
        return {"size": size if level != "DRAM" else None, "GBps": moved / dt_ns, "bytes_per_cycle": moved / (cb - ca)}

    return result


# ----------------------------------------------------------------------------------


def measure(r: Runner, chip: Chip, short: bool, max_lines: int, seed: int):
    pending = {}
    sizes = [chip.lat_probe["L1"], chip.lat_probe["L2"]] if short else SWEEP
    for size in sizes:
        pending[("lat", size)] = latency_point(r, chip, size, max_lines if not short else 8192, seed)
    pending[("c2c", None)] = c2c_point(r, chip, 16 if short else 128)
    pending[("bounce", None)] = bounce_point(r, chip, 8 if short else 64)
    levels = ["L1"] if short else ["L1", "L2", "L3", "DRAM"]
    for lv in levels:
        pending[("bw", lv)] = bw_point(r, chip, lv, chip.bw_probe[lv], 2048 if short else 16384)
    out = {"chip": chip.name, "title": chip.title, "config": chip.config, "freq_ghz": chip.freq_ghz, "curve": [],
           "c2c": None, "bounce": None, "bw": {}}
    for (kind, key), fn in pending.items():
        res = fn()
        if kind == "lat":
            res["ns"] = res["cycles"] / chip.freq_ghz
            out["curve"].append(res)
        elif kind in ("c2c", "bounce"):
            res["ns"] = res["cycles"] / chip.freq_ghz
            out[kind] = res
        else:
            out["bw"][key] = res
    out["curve"].sort(key=lambda p: p["size"])
    return out


def cohsim_value(res: dict, chip: Chip, metric: str, unit: str):
    kind, what = metric.split(".")
    if kind == "lat":
        size = chip.lat_probe[what]
        pts = [p for p in res["curve"] if p["size"] == size]
        if not pts:
            return None
        return pts[0]["cycles"] if unit == "cycles" else pts[0]["ns"]
    if kind == "c2c":
        # the bounce (an RMW taking the line over from the other core) is the
        # emulation of the published ping-pongs; the plain transfer is in the
        # second table
        if what != "local" or res["bounce"] is None:
            return None  # one cluster only: no other cluster to measure
        return res["bounce"]["cycles"] if unit == "cycles" else res["bounce"]["ns"]
    if kind == "bw":
        b = res["bw"].get(what)
        return None if b is None else b["GBps"]
    return None


def comparison_rows(results: dict):
    rows = []
    for chip_name, metric, value, unit, source, note in PUBLISHED:
        if chip_name not in results:
            continue
        chip = CHIPS[chip_name]
        sim = cohsim_value(results[chip_name], chip, metric, unit)
        err = None if sim is None else (sim - value) / value * 100.0
        target = TARGET[metric.split(".")[0]]
        status = "n/a" if err is None else ("ok" if abs(err) <= target else "off")
        rows.append({"chip": chip_name, "metric": metric, "published": value, "unit": unit, "source": source,
                     "note": note, "cohsim": sim, "error_pct": err, "target_pct": target, "status": status})
    return rows


METRIC_NAMES = {
    "lat.L1": "L1D load-to-use", "lat.L2": "L2 load-to-use", "lat.L3": "L3 load-to-use",
    "lat.DRAM": "DRAM load-to-use", "c2c.local": "core-to-core, same cluster",
    "c2c.remote": "core-to-core, other cluster", "bw.L1": "1-core read bw, L1", "bw.L2": "1-core read bw, L2",
    "bw.L3": "1-core read bw, L3", "bw.DRAM": "1-core read bw, DRAM",
}


def num(v, unit=""):
    if v is None:
        return "—"
    if abs(v) >= 100:
        s = f"{v:.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    return s + (f" {unit}" if unit else "")


def table_md(rows):
    out = ["| chip | figure | published | source | cohsim today | error | target |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        note = f" ({r['note']})" if r["note"] else ""
        err = "—" if r["error_pct"] is None else ("0 %" if abs(r["error_pct"]) < 0.5 else f"{r['error_pct']:+.0f} %")
        if r["status"] == "off":
            err = f"**{err}**"
        out.append(f"| {CHIPS[r['chip']].title} | {METRIC_NAMES[r['metric']]} | {num(r['published'], r['unit'])} | "
                   f"{r['source']}{note} | {num(r['cohsim'], r['unit'])} | {err} | {r['target_pct']:.0f} % |")
    return "\n".join(out)


def curves_md(results):
    names = [n for n in CHIPS if n in results]
    head = "| working set | " + " | ".join(f"{CHIPS[n].title} (cycles / ns)" for n in names) + " |"
    out = [head, "| --- " * (len(names) + 1) + "|"]
    sizes = sorted({p["size"] for n in names for p in results[n]["curve"]})
    for s in sizes:
        cells = []
        for n in names:
            p = [q for q in results[n]["curve"] if q["size"] == s]
            if p:
                mark = "" if p[0]["method"].startswith("whole") else " *"
                cells.append(f"{p[0]['cycles']:.1f} / {p[0]['ns']:.1f}{mark}")
            else:
                cells.append("—")
        out.append(f"| {fmt_size(s)} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("`*`: a sample of lines, one cold pass (see the method); the other points are the second pass over "
               "every line of the set.")
    return "\n".join(out)


def extra_md(results):
    out = ["| chip | line bounce, RMW (cycles / ns) | load of a line Modified in the other core (cycles / ns) "
           "| bw L1 | bw L2 | bw L3 | bw DRAM (GB/s; bytes/cycle) |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for n, res in results.items():
        c = res["c2c"]
        bw = []
        for lv in ("L1", "L2", "L3", "DRAM"):
            b = res["bw"].get(lv)
            bw.append("—" if b is None else f"{b['GBps']:.1f}; {b['bytes_per_cycle']:.2f}")
        b = res["bounce"]
        out.append(f"| {CHIPS[n].title} | {b['cycles']:.1f} / {b['ns']:.1f} | {c['cycles']:.1f} / {c['ns']:.1f} | "
                   + " | ".join(bw) + " |")
    return "\n".join(out)


def replace_block(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- chips.py:{name}:begin -->", f"<!-- chips.py:{name}:end -->"
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < 0:
        raise SystemExit(f"{DOC}: markers {begin} ... {end} not found")
    return text[: i + len(begin)] + "\n" + body + "\n" + text[j:]


def default_cohsim():
    if os.environ.get("COHSIM"):
        return os.environ["COHSIM"]
    b = REPO / "build" / "cohsim"
    if b.exists():
        return str(b)
    return shutil.which("cohsim") or str(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--cohsim", default=default_cohsim(), help="the cohsim binary (default: $COHSIM or build/cohsim)")
    ap.add_argument("--chips", default=",".join(CHIPS), help=f"comma-separated, from {', '.join(CHIPS)}")
    ap.add_argument("--short", action="store_true",
                    help="CI form: one chip (graviton2 unless --chips), two latency points, c2c, L1 bandwidth")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to every cohsim run (e.g. coherence.fabric=directory)")
    ap.add_argument("--jobs", type=int, default=2, help="cohsim runs at once (default 2)")
    ap.add_argument("--max-lines", type=int, default=1 << 20,
                    help="largest chase over a whole working set, in lines (default 2^20 = 64 MiB); "
                         "larger sets are sampled")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", metavar="FILE", help="write every result as JSON")
    ap.add_argument("--write-doc", action="store_true", help=f"rewrite the generated tables of {DOC.relative_to(REPO)}")
    ap.add_argument("--workdir", help="where traces go (default: a temporary folder, removed at exit)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    names = [n.strip() for n in a.chips.split(",") if n.strip()]
    if a.short and a.chips == ",".join(CHIPS):
        names = ["graviton2"]
    for n in names:
        if n not in CHIPS:
            ap.error(f"unknown chip {n!r}; choices: {', '.join(CHIPS)}")
    if not (shutil.which(a.cohsim) or Path(a.cohsim).exists()):
        ap.error(f"no cohsim binary at {a.cohsim} (build it, or give --cohsim or $COHSIM)")
    if a.write_doc and a.short:
        ap.error("--write-doc needs the full form (not --short)")

    tmp = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="cohsim-chips-"))
    tmp.mkdir(parents=True, exist_ok=True)
    runner = Runner(a.cohsim, tmp, a.set, a.jobs, a.verbose)
    results = {}
    try:
        for n in names:
            print(f"{CHIPS[n].title}: {CHIPS[n].config}", file=sys.stderr)
            results[n] = measure(runner, CHIPS[n], a.short, a.max_lines, a.seed)
    finally:
        runner.pool.shutdown(wait=True)
        if not a.workdir:
            shutil.rmtree(tmp, ignore_errors=True)

    rows = comparison_rows(results)
    print("\n## Published figures against cohsim\n")
    print(table_md(rows))
    print("\n## Load-to-use latency against working-set size\n")
    print(curves_md(results))
    print("\n## Core-to-core transfer and streaming bandwidth (cohsim)\n")
    print(extra_md(results))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"cohsim": a.cohsim, "sets": a.set, "results": results, "comparison": rows}, f, indent=1)
    if a.write_doc:
        text = DOC.read_text()
        text = replace_block(text, "results", table_md(rows))
        text = replace_block(text, "curves", curves_md(results))
        text = replace_block(text, "extra", extra_md(results))
        text = replace_block(text, "command", "```\n/usr/bin/python3 tests/validation/chips.py --write-doc"
                             + "".join(f" --set {s}" for s in a.set) + f"\n```\n\n(cohsim binary: `{a.cohsim}`)")
        DOC.write_text(text)
        print(f"\nwrote {DOC}", file=sys.stderr)

    # Sanity for the CI form: every figure came out, finite and positive.
    bad = []
    for n, res in results.items():
        vals = [p["cycles"] for p in res["curve"]] + [res["c2c"]["cycles"], res["bounce"]["cycles"]]
        vals += [b["GBps"] for b in res["bw"].values()]
        if not all(math.isfinite(v) and v > 0 for v in vals):
            bad.append(n)
        if res["c2c"]["transfers"] < res["c2c"]["loads"]:
            bad.append(f"{n} (c2c: {res['c2c']['transfers']} transfers for {res['c2c']['loads']} loads)")
        if res["bounce"]["transfers"] < 2 * res["bounce"]["rounds"] - 1:
            bad.append(f"{n} (bounce: {res['bounce']['transfers']} transfers in {res['bounce']['rounds']} rounds)")
    if bad:
        print("error: implausible results for " + ", ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
