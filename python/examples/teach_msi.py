#!/usr/bin/env python3
"""Teaching MSI: print the protocol table, then watch two cores play ping-pong with
one cache line and see every state change and invalidation it causes.

    PYTHONPATH=$PWD/build/python /usr/bin/python3 python/examples/teach_msi.py [--rounds N] [--read-first]

The system is configs/classroom-msi.yaml: two cores, a four-line L1 each and nothing
else. Each core in turn stores to the line `ball`: its copy goes I -> IM_AD (GetM
issued) -> IM_D (GetM ordered on the bus) -> M (data arrived), and the other core's
copy goes M -> I on that GetM (an invalidation; it sends the data cache-to-cache).
With --read-first each turn loads the line first: a GetS (I -> S), then an upgrade.
"""
import argparse
import collections
import json
import os
import tempfile

import cohsim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="stores per core (default 3)")
    ap.add_argument("--read-first", action="store_true", help="load the line before each store")
    args = ap.parse_args()

    print(cohsim.protocol_table("msi"))

    with tempfile.TemporaryDirectory(prefix="cohsim-teach-") as tmp:
        trace = cohsim.traces.pingpong(os.path.join(tmp, "pingpong.trace"), threads=2, rounds=args.rounds,
                                       read_first=args.read_first)
        events = os.path.join(tmp, "events.jsonl")
        cfg = cohsim.Config.load(os.path.join(ROOT, "configs", "classroom-msi.yaml"))
        cfg.set("coherence.protocol", "msi")
        r = cohsim.run(cfg, trace, events=events)
        with open(events) as f:
            records = [json.loads(line) for line in f]
    # The event log (docs/event-log.md, schema 6): the table cells that changed a state.
    changes = [e for e in records if e.get("kind") == "cell" and not e.get("stall") and e["next"] != e["state"]]

    print("Every state change of the line, in order (core cycles of the cache's core):\n")
    print(f"{'cycle':>6}  {'cache':<10} {'old':>6} -> {'new':<6} because of")
    for e in changes:
        note = "   <- invalidated by the other core's GetM" if e["next"] == "I" and e["event"] == "Other-GetM" else ""
        print(f"{e['core_cycle']:>6}  {e['agent']:<10} {e['state']:>6} -> {e['next']:<6} {e['event']}{note}")

    s = r.stats
    print("\nWhat the statistics count:")
    for core in r.cores:
        print(f"  core{core}: {s[f'core{core}.stores']} stores, {s[f'core{core}.l1d.misses']} L1D misses, "
              f"{s[f'core{core}.l1d.invalidations']} invalidations received")
    print(f"  bus: {s['bus.transactions']} transactions (GetS {s['bus.msgs.GetS']}, GetM {s['bus.msgs.GetM']}, "
          f"PutM {s['bus.msgs.PutM']}), {s['bus.cache_to_cache']} served cache-to-cache")
    cells = collections.Counter()
    for k, v in s.items():
        if ".cells." in k and v:
            cells[k.split(".cells.", 1)[1]] += v
    print("\nTable cells exercised (state.event: times, both cores):")
    for cell, n in sorted(cells.items()):
        print(f"  {cell:<22} {n}")
    print("\n" + r.summary())


if __name__ == "__main__":
    main()
