#!/usr/bin/python3
"""cohsim's DRAM controller on the gen_dram.py streams, beside the committed DRAMsim3 figures.

Standard library only. For every stream (seq, random, mix, random_w33, grmix) and load
(low: a request every 64 DRAM clocks, 6.25% of the channel's peak; quarter: every 16,
25%; half: every 8 clocks, 50%; sat: every request at cycle 0, sent as fast as the
controller takes them) it writes
the stream with tests/validation/gen_dram.py and runs

    cohsim dram configs/default.yaml --file STREAM.trace --json

(DDR4-3200, one channel, one rank, ro_ra_ba_co_bg_ch, open page, FR-FCFS, 32-entry read
and write queues, refresh on), then prints a markdown table against
tests/validation/dramsim3_reference.json (DRAMsim3's figures on the same files, produced
outside this repository; see docs/dram_vs_dramsim3.md): read latency, bandwidth on the
bus (RD + WR bursts) and served (every request's 64 B), the requests each model served
from its queues (reads forwarded from the write queue, reads merged with a queued read,
writes merged with a queued write) and ACTs.

    /usr/bin/python3 tests/validation/cohsim_vs_dramsim3.py --cohsim build/cohsim \
        [--requests 100000] [--jobs 2] [--json OUT.json] [--md OUT.md] [--set KEY=VALUE ...]
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen_dram  # noqa: E402

STREAMS = ["seq", "random", "mix", "random_w33", "grmix"]
LOADS = {"low": 64, "quarter": 16, "half": 8, "sat": 0}


def run_one(cohsim, config, sets, stream, load, n, tmp):
    path = os.path.join(tmp, "%s_%s.trace" % (stream, load))
    with open(path, "w") as f:
        gen_dram.generate(stream, n, LOADS[load], f)
    cmd = ["nice", cohsim, "dram", config, "--file", path, "--json"]
    for s in sets:
        cmd += ["--set", s]
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    os.remove(path)
    d = json.loads(out)
    g = lambda k: d.get("memory." + k, 0)  # noqa: E731
    return {
        "reads": g("reads"), "writes": g("writes"),
        "row_hits": g("row_hits"), "row_misses": g("row_misses"), "row_conflicts": g("row_conflicts"),
        "activates": g("activates"), "precharges": g("precharges"), "refreshes": g("refreshes"),
        "write_drains": g("write_drains"),
        "forwarded_reads": g("forwarded_reads"), "merged_reads": g("merged_reads"),
        "merged_writes": g("merged_writes"), "requests": g("requests"),
        "mean_read_latency_ns": round(g("read_latency_ns"), 2),
        "p50_read_latency_ns": round(g("read_latency_p50_ns"), 2),
        "p95_read_latency_ns": round(g("read_latency_p95_ns"), 2),
        "bandwidth_GBps": round(g("bandwidth_GBps"), 3),  # RD + WR bursts: on the bus
        "served_GBps": round(g("requests") * 64 / g("time_ns"), 3) if g("time_ns") else 0.0,
        "cycles": g("dram_cycles"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cohsim", default=os.path.join(ROOT, "build", "cohsim"))
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "default.yaml"))
    ap.add_argument("--set", action="append", default=[], help="passed to cohsim dram (repeatable)")
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--streams", default=",".join(STREAMS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reference", default=os.path.join(HERE, "dramsim3_reference.json"))
    ap.add_argument("--variant", default="matched_1rank",
                    help="which DRAMsim3 configuration of the reference to compare with (matched_1rank, matched_2rank, shipped)")
    ap.add_argument("--json")
    ap.add_argument("--md")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cohsim-dram-")
    streams = a.streams.split(",")
    res = {}
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(run_one, os.path.abspath(a.cohsim), a.config, a.set, s, l, a.requests, tmp): (s, l)
                for s in streams for l in LOADS}
        for fu in cf.as_completed(futs):
            s, l = futs[fu]
            res.setdefault(s, {})[l] = fu.result()
    os.rmdir(tmp)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
    ref = {}
    if os.path.exists(a.reference):
        with open(a.reference) as f:
            ref = json.load(f)["variants"].get(a.variant, {}).get("streams", {})
    rows = ["| stream | load | cohsim read latency mean / p50 / p95 (ns) | DRAMsim3 mean / p50 / p95 (ns) "
            "| DRAMsim3 mean of reads that waited for a RD (ns) | cohsim GB/s on the bus (served) "
            "| DRAMsim3 GB/s on the bus (served) | reads forwarded / merged, writes merged: cohsim; DRAMsim3 "
            "| ACTs cohsim / DRAMsim3 |",
            "| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- |"]
    for s in streams:
        for l in LOADS:
            c = res[s][l]
            r = ref.get(s, {}).get(l)
            # DRAMsim3 deadlocks on grmix at saturation (the reference's notes): its figures
            # cover only the requests before it.
            dag = " †" if (s, l) == ("grmix", "sat") else ""
            dl = ("%.1f / %.1f / %.1f%s" % (r["mean_read_latency_ns"], r["p50_read_latency_ns"],
                                            r["p95_read_latency_ns"], dag) if r else "—")
            dw = "%.1f" % r["mean_read_latency_ns_excluding_forwarded"] if r else "—"
            db = "%.2f (%.2f)%s" % (r["bus_GBps"], r["served_GBps"], dag) if r else "—"
            df = ("%d / %d, %d" % (r["reads_forwarded_from_write_buffer"], r["reads_merged_with_pending_read"],
                                   r["writes_merged"]) if r else "—")
            da = "%d" % r["acts"] if r else "—"
            rows.append("| %s | %s | %.1f / %.1f / %.1f | %s | %s | %.2f (%.2f) | %s | %d / %d, %d; %s | %d / %s |" % (
                s, l, c["mean_read_latency_ns"], c["p50_read_latency_ns"], c["p95_read_latency_ns"], dl, dw,
                c["bandwidth_GBps"], c["served_GBps"], db, c["forwarded_reads"], c["merged_reads"],
                c["merged_writes"], df, c["activates"], da))
    text = "\n".join(rows) + "\n"
    if a.md:
        with open(a.md, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
