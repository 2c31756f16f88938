#!/usr/bin/env python3
"""Every statistic the reference runs write is declared (COHSIM_STAT).

    stats_declared.py --cohsim build/cohsim [--full]

Runs the reference runs (the quick subset unless --full) into a temporary folder and
passes every statistics JSON they wrote (`cohsim run --stats`, `cohsim dram --json`) to
`cohsim stats check`, which names each undeclared statistic with the line to add.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference_runs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cohsim", required=True)
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "runs")
        argv = [sys.executable, os.path.join(HERE, "reference_runs.py"), "--cohsim", args.cohsim, "--out", out]
        if not args.full:
            argv.append("--quick")
        if subprocess.run(argv).returncode != 0:
            print("the reference runs failed")
            return 1
        files = [os.path.join(out, name + ".json") for name, argv_, kind in reference_runs.runs(not args.full, tmp)
                 if kind == "stats" or argv_[0] == "dram"]
        if len(files) < 3:
            print(f"only {len(files)} statistics files: the reference runs changed?")
            return 1
        # One run with --stats-schema: its "_meta" names a declaration for every statistic.
        schema = os.path.join(tmp, "schema.json")
        p = subprocess.run([args.cohsim, "run", os.path.join(reference_runs.ROOT, "configs/default.yaml"), "--quiet",
                            "--stats", schema, "--stats-schema"], env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
        if p.returncode != 0:
            return 1
        import json
        with open(schema) as f:
            d = json.load(f)
        meta = d.pop("_meta")
        d.pop("_provenance")  # what produced the file, not a statistic
        d.pop("_advice", None)  # the sharing advisor's report, not a statistic
        absent = sorted(set(d) - set(meta))
        if absent:
            print(f"--stats-schema: no declaration in _meta for {absent[:5]}")
            return 1
        return subprocess.run([args.cohsim, "stats", "check"] + files).returncode


if __name__ == "__main__":
    sys.exit(main())
