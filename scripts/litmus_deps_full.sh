#!/usr/bin/env bash
# The dependency and control-flow litmus tests (traces/litmus/deps/) on every ISA (x86,
# arm, arm+lse, riscv), --runs randomised runs per test and ISA (default 10,000: the
# full form; ctest's LitmusDependencies runs 200). Every outcome a run ends with is
# compared with the outcomes herd7 allows (traces/litmus/deps/VERDICTS.json, written by
# scripts/herd_verdicts.py): prints the per-ISA summary and writes, with the command,
# commit, date and wall time, a markdown table with one row per test and ISA (default
# traces/litmus/deps/RESULTS.md): runs, herd7's verdict, how often the condition was
# seen, the allowed outcomes reached, the forbidden outcomes seen, and the allowed
# outcomes not reached (SC ones: an interleaving not hit; the others: relaxed).
# Exit status: 0 when no outcome outside herd7's allowed set appeared and no run
# failed, 4 otherwise.
#
#   scripts/litmus_deps_full.sh [--runs N] [--jobs J] [--seed S] [--out FILE.md] [--cohsim PATH] [--isa LIST]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=10000 jobs=2 seed=0 out="$root/traces/litmus/deps/RESULTS.md" cohsim="$root/build/cohsim" isa=all
usage="usage: scripts/litmus_deps_full.sh [--runs N] [--jobs J] [--seed S] [--out FILE.md] [--cohsim PATH] [--isa LIST]"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs | --jobs | --seed | --out | --cohsim | --isa)
      [ $# -ge 2 ] || { echo "litmus_deps_full.sh: $1 needs a value; $usage" >&2; exit 2; }
      case "$1" in
        --runs) runs="$2" ;; --jobs) jobs="$2" ;; --seed) seed="$2" ;; --out) out="$2" ;; --cohsim) cohsim="$2" ;;
        --isa) isa="$2" ;;
      esac
      shift 2 ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "litmus_deps_full.sh: unknown option '$1'; valid: --runs, --jobs, --seed, --out, --cohsim, --isa; $usage" >&2; exit 2 ;;
  esac
done
[ -x "$cohsim" ] || { echo "litmus_deps_full.sh: $cohsim: not built (run scripts/build.sh, or give --cohsim PATH)" >&2; exit 1; }

commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit with uncommitted changes"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
start=$(date +%s)
status=0
# nice: the runs fill every job slot for a long time on a shared machine.
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 nice -n 10 "$cohsim" litmus traces/litmus/deps/*.litmus --isa "$isa" \
  --runs "$runs" --jobs "$jobs" --seed "$seed" --unseen-ok --json >"$tmp/runs.json" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 4 ] || { echo "litmus_deps_full.sh: cohsim litmus failed ($status)" >&2; exit "$status"; }
status=0
/usr/bin/python3 scripts/herd_verdicts.py --coverage "$tmp/runs.json" --verdicts traces/litmus/deps/VERDICTS.json \
  --per-test "$tmp/table.md" >"$tmp/summary.txt" || status=$?
wall=$(($(date +%s) - start))
{
  echo "# Dependency and control-flow litmus tests: results"
  echo
  echo "Written by \`scripts/litmus_deps_full.sh --runs $runs --jobs $jobs --seed $seed --isa $isa\` (commit"
  echo "\`$commit\`, $(date -u +%Y-%m-%d), $(nproc) CPUs, ${wall} s): every test of traces/litmus/deps/"
  echo "with the default configuration, each run's outcome compared with the outcomes herd7"
  echo "allows for the instructions cohsim runs (VERDICTS.json; README.md here)."
  echo
  cat "$tmp/summary.txt"
  echo
  cat "$tmp/table.md"
} >"$out"
cat "$tmp/summary.txt"
echo "written: $out"
exit "$status"
