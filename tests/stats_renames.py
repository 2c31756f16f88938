#!/usr/bin/env python3
"""Compare reference runs across the statistics renames of docs/stats_renames.md.

    stats_renames.py --compare BEFORE_DIR AFTER_DIR

Renames the keys of every JSON file in BEFORE_DIR by the table in docs/stats_renames.md,
then compares with AFTER_DIR: same keys, same values, same order of the values as
written (the numbers are compared as the text the simulator printed). Exit 1 naming the
runs and keys that differ. Lines of JSON-per-line outputs (stress, litmus) are compared
after the same renaming.
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def load_renames(path=os.path.join(ROOT, "docs", "stats_renames.md")):
    rules = []
    for line in open(path):
        m = re.match(r"\| `([^`]+)`[^|]*\| `([^`]+)` \|", line)
        if not m:
            continue
        before, after = m.groups()
        rx = "^" + re.escape(before).replace(r"\*", "([^.]*)") + "$"
        n = before.count("*")
        parts = after.split("*")
        assert len(parts) == n + 1, (before, after)
        rules.append((re.compile(rx), parts))
    return rules


def rename(key, rules):
    for rx, parts in rules:
        m = rx.match(key)
        if m:
            out = parts[0]
            for i, g in enumerate(m.groups()):
                out += g + parts[i + 1]
            return out
    return key


def renamed_text(text, rules):
    """The JSON text with its keys renamed, the values' text untouched."""
    return re.sub(r'"([^"\\]*)":', lambda m: '"' + rename(m.group(1), rules) + '":', text)


def normalise(text):
    """Key order aside (a renamed key sorts elsewhere): each line's JSON object with its
    members sorted, numbers kept as their printed text."""
    out = []
    for line in text.splitlines():
        line = line.strip().rstrip(",")
        out.append(line)
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), required=True)
    args = ap.parse_args()
    rules = load_renames()
    a, b = args.compare
    names = sorted(n for n in set(os.listdir(a)) | set(os.listdir(b)) if n.endswith(".json"))
    bad = 0
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not (os.path.exists(pa) and os.path.exists(pb)):
            print(f"{n}: only in one folder")
            bad += 1
            continue
        ta = normalise(renamed_text(open(pa).read(), rules))
        tb = normalise(open(pb).read())
        if ta != tb:
            bad += 1
            sa, sb = set(ta), set(tb)
            print(f"{n}: differs: {sorted(sa - sb)[:3]} vs {sorted(sb - sa)[:3]}")
    print(f"{len(names)} runs compared after {len(rules)} renames, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
