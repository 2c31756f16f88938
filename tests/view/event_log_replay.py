#!/usr/bin/env python3
"""The event log is complete: for every example trace (traces/*.trace,
traces/protocols/*.trace) on msi, mesi, moesi and dragon over the bus (split and
atomic transactions) and msi, mesi, moesi over the directory, replay the log's cell
records from the initial state (every line I) with the protocol table printed in the
log's header, independently of the simulator, and check that

  - each cell starts in the state the replay holds for that controller and line, and
    its next state is the one the table gives for (state, event);
  - the replay's final states equal the lines each controller holds at the end of the
    run (the `final` records, read from the cache arrays and the directory, not from
    the cells);
  - records are in simulated-time order, and a Dragon update or an Inv-Ack shows up;
  - every `rf` (schema 6: on loads, load-exclusives and RMWs) is "initial" or names a
    core and a trace line that stores or read-modify-writes, and that store has
    performed (its `store_leave`, or its `rmw` that wrote) before the record, or, for a
    load forwarded from the store buffer, has entered the buffer (`store_enter`).

The traces with read-modify-writes also run on AArch64 (LL/SC loops: each load-exclusive
has a load record), AArch64 with LSE and RISC-V, on three of the setups, with the same
checks (the cell replay included: a demand access's cell is stamped when it runs, not
when its request leaves after the lookup, so a snoop that sees its transient state comes
after it in the log).

Usage: event_log_replay.py --cohsim build/cohsim [--quick]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def replay(path):
    with open(path) as f:
        lines = f.read().splitlines()
    header = json.loads(lines[0])
    assert header["schema"] == 6 and header["kind"] == "header", "first line is the schema 6 header"
    tables = {}
    for role, t in header["tables"].items():
        tables[role] = {(c["state"], c["event"]): c for c in t["cells"]}
    kind_of = {a["name"]: a["kind"] for a in header["agents"]}
    state = {}  # (agent, line) -> state
    finals = {}
    last_t = -1
    counts = {"cell": 0, "bus": 0, "net": 0, "load": 0, "store_enter": 0, "store_leave": 0}
    events = set()
    lq = {}  # core -> {seq: bound?}: the load queue, replayed
    entered, performed = set(), set()  # (agent, trace line) of the stores that entered a store buffer / performed
    text_lines = header.get("trace_text") or []
    for n, text in enumerate(lines[1:], start=2):
        r = json.loads(text)
        assert r["time_ps"] >= last_t, f"{path}:{n}: time goes back ({r['time_ps']} < {last_t})"
        last_t = r["time_ps"]
        k = r["kind"]
        counts[k] = counts.get(k, 0) + 1
        if k == "cell":
            table = tables["directory" if kind_of[r["agent"]] == "directory" else "cache"]
            key = (r["agent"], r["line"])
            cur = state.get(key, "I")
            assert r["state"] == cur, f"{path}:{n}: {r['agent']} line {r['line']} is {cur} in the replay, the cell says {r['state']}"
            cell = table.get((cur, r["event"]))
            assert cell is not None, f"{path}:{n}: ({cur}, {r['event']}) is impossible in the table"
            nxt = cur if cell["kind"] == "stall" else cell["next"]
            assert r["next"] == nxt, f"{path}:{n}: the table sends ({cur}, {r['event']}) to {nxt}, the log to {r['next']}"
            assert r["actions"] == cell["actions"], f"{path}:{n}: actions differ from the table's"
            state[key] = nxt
            events.add(r["event"])
        elif k == "final":
            finals[(r["agent"], r["line"])] = r["state"]
        elif k == "load_issue":
            q = lq.setdefault(r["agent"], {})
            assert r["seq"] not in q, f"{path}:{n}: load {r['seq']} enters {r['agent']}'s load queue twice"
            q[r["seq"]] = False
        if k in ("load", "rmw"):
            # The store it read (schema 5: loads; schema 6: RMWs and load-exclusives too):
            # "initial", or a core's store, RMW or store-exclusive at a trace line that has
            # one, performed before this record (per run of bytes when it read several).
            parts = [p["rf"] for p in r["rf"]] if isinstance(r["rf"], list) else [r["rf"]]
            if isinstance(r["rf"], list):
                assert sum(p["size"] for p in r["rf"]) == r["size"], f"{path}:{n}: rf does not cover the {k}"
            for w in parts:
                if w == "initial":
                    continue
                assert kind_of.get(w["agent"]) == "core", f"{path}:{n}: rf names {w['agent']}, not a core"
                forwarded = r.get("from") == "store_buffer"
                assert (w["agent"], w["trace_line"]) in (entered if forwarded else performed), \
                    f"{path}:{n}: rf names {w}, which has not {'entered the store buffer' if forwarded else 'performed'}"
                if not text_lines:
                    continue
                op = text_lines[w["trace_line"] - 1].split("#")[0]
                assert any(s in op for s in ("store", "fetch_", "swap", "compare_exchange")), \
                    f"{path}:{n}: rf names trace line {w['trace_line']}, which is no store: {op}"
            counts["rf_" + k + ("_exclusive" if r.get("exclusive") else "")] = \
                counts.get("rf_" + k + ("_exclusive" if r.get("exclusive") else ""), 0) + 1
        if k == "store_enter":
            entered.add((r["agent"], r["trace_line"]))
        elif k == "store_leave" or (k == "rmw" and r["wrote"]):
            performed.add((r["agent"], r["trace_line"]))
        if k == "load" and "seq" in r:
            q = lq.get(r["agent"], {})
            assert q.get(r["seq"]) is False, f"{path}:{n}: load {r['seq']} binds but is not waiting in the load queue"
            q[r["seq"]] = True
        elif k in ("load_retire", "load_squash"):
            q = lq.get(r["agent"], {})
            assert r["seq"] in q, f"{path}:{n}: load {r['seq']} leaves a load queue it is not in"
            assert k == "load_squash" or q[r["seq"]], f"{path}:{n}: load {r['seq']} retires unbound"
            del q[r["seq"]]
    for core, q in lq.items():
        assert not q, f"{path}: {core}'s load queue still holds {sorted(q)} at the end"
    replayed = {k: v for k, v in state.items() if v != "I"}
    if replayed != finals:
        missing = {k: v for k, v in finals.items() if replayed.get(k) != v}
        extra = {k: v for k, v in replayed.items() if finals.get(k) != v}
        raise AssertionError(f"{path}: final states differ: run holds {missing}, replay gives {extra}")
    return counts, events, len(finals)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cohsim", required=True)
    ap.add_argument("--quick", action="store_true", help="skip traces/default.trace")
    a = ap.parse_args()
    traces = sorted(glob.glob(os.path.join(ROOT, "traces", "*.trace")) +
                    glob.glob(os.path.join(ROOT, "traces", "protocols", "*.trace")))
    if a.quick:
        traces = [t for t in traces if not t.endswith("default.trace")]
    setups = [("msi", "bus", "split"), ("mesi", "bus", "split"), ("moesi", "bus", "split"), ("dragon", "bus", "split"),
              ("msi", "bus", "atomic"), ("dragon", "bus", "atomic"),
              ("msi", "directory", None), ("mesi", "directory", None), ("moesi", "directory", None)]
    isas = [("arm", False), ("arm", True), ("riscv", False)]  # for the traces with RMWs
    rf_counts = {}
    seen = set()
    runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for t in traces:
            with open(t) as f:
                has_rmw = any(o in f.read() for o in ("fetch_", "swap", "compare_exchange"))
            runs_of_t = [(p, f, x, "x86", False) for p, f, x in setups]
            if has_rmw:
                runs_of_t += [(p, f, x, isa, lse) for p, f, x in (setups[0], setups[6], setups[4]) for isa, lse in isas]
            for proto, fabric, txn, isa, lse in runs_of_t:
                ev = os.path.join(tmp, "run.jsonl")
                cmd = [a.cohsim, "run", os.path.join(ROOT, "configs", "classroom-msi.yaml"), "--trace", t, "--quiet",
                       "--events", ev, "--set", "cores=4", "--set", "coherence.protocol=" + proto,
                       "--set", "coherence.fabric=" + fabric]
                if txn:
                    cmd += ["--set", "bus.transactions=" + txn]
                if isa != "x86":
                    cmd += ["--set", "isa=" + isa] + (["--set", "lse=true"] if lse else [])
                if "vm_pages" in t:
                    cmd += ["--set", "vm.enabled=true"]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    print(f"FAIL: {' '.join(cmd)}\n{p.stderr}", file=sys.stderr)
                    return 1
                try:
                    counts, events, nfinal = replay(ev)
                except AssertionError as e:
                    print(f"FAIL: {' '.join(cmd)}\n{e}", file=sys.stderr)
                    return 1
                seen |= {(proto, fabric, e) for e in events}
                runs += 1
                for key in ("rf_load", "rf_load_exclusive", "rf_rmw"):
                    rf_counts[(isa, lse, key)] = rf_counts.get((isa, lse, key), 0) + counts.get(key, 0)
                print(f"ok {os.path.relpath(t, ROOT)} {proto}/{fabric}{'/' + txn if txn else ''}"
                      f"{'' if isa == 'x86' else ' ' + isa + ('+lse' if lse else '')}: "
                      f"{counts.get('cell', 0)} cells, {counts.get('bus', 0)} bus, {counts.get('net', 0)} net, "
                      f"{nfinal} final lines, rf on {counts.get('rf_load', 0)} loads, "
                      f"{counts.get('rf_load_exclusive', 0)} load-exclusives, {counts.get('rf_rmw', 0)} rmws")
    # The records the old log lacked.
    assert ("dragon", "bus", "Other-Upd") in seen, "a Dragon update to another cache is in the log"
    assert any(p == "msi" and f == "directory" and e in ("Inv-Ack", "Last-Inv-Ack") for p, f, e in seen), \
        "Inv-Acks are in the directory log"
    # Every ISA's RMWs were checked, and AArch64's and RISC-V's load-exclusives.
    for isa, lse in [("x86", False)] + isas:
        assert rf_counts.get((isa, lse, "rf_rmw"), 0) > 0, f"no rmw record checked on {isa}{'+lse' if lse else ''}"
        assert (rf_counts.get((isa, lse, "rf_load_exclusive"), 0) > 0) == (isa != "x86" and not lse), \
            f"load-exclusive records on {isa}{'+lse' if lse else ''}: {rf_counts.get((isa, lse, 'rf_load_exclusive'), 0)}"
    print(f"{runs} runs replayed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
