#!/usr/bin/env bash
# The whole litmus catalogue (traces/litmus/*.litmus) on every ISA: x86, arm, arm+lse
# and riscv, --runs randomised runs per test and ISA (default 10,000: the full form of
# issue #4; ctest runs a short form). Prints the summary table and writes it, with the
# command, date and wall time, as markdown (default traces/litmus/RESULTS.md).
# Exit status: 0 when no forbidden outcome appeared and no run failed, 4 otherwise
# (an allowed outcome never seen is reported as "not seen", not a failure).
#
#   scripts/litmus_catalogue.sh [--runs N] [--jobs J] [--seed S] [--out FILE.md] [--cohsim PATH]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=10000 jobs=2 seed=0 out="$root/traces/litmus/RESULTS.md" cohsim="$root/build/cohsim"
usage="usage: scripts/litmus_catalogue.sh [--runs N] [--jobs J] [--seed S] [--out FILE.md] [--cohsim PATH]"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs | --jobs | --seed | --out | --cohsim)
      [ $# -ge 2 ] || { echo "litmus_catalogue.sh: $1 needs a value; $usage" >&2; exit 2; }
      case "$1" in
        --runs) runs="$2" ;; --jobs) jobs="$2" ;; --seed) seed="$2" ;; --out) out="$2" ;; --cohsim) cohsim="$2" ;;
      esac
      shift 2 ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "litmus_catalogue.sh: unknown option '$1'; valid: --runs, --jobs, --seed, --out, --cohsim; $usage" >&2; exit 2 ;;
  esac
done
[ -x "$cohsim" ] || { echo "litmus_catalogue.sh: $cohsim: not built (run scripts/build.sh, or give --cohsim PATH)" >&2; exit 1; }

# The commit that runs, taken now: the tree may move on during a long run.
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit with uncommitted changes"
table="$(mktemp)"
trap 'rm -f "$table"' EXIT
cd "$root"
status=0
# nice: the runs fill every job slot for a long time on a shared machine.
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 nice -n 10 "$cohsim" litmus traces/litmus/*.litmus --isa all --runs "$runs" \
  --jobs "$jobs" --seed "$seed" --unseen-ok --summary "$table" >/dev/null || status=$?
{
  echo "# Litmus catalogue: results"
  echo
  echo "Written by \`scripts/litmus_catalogue.sh --runs $runs --jobs $jobs --seed $seed\` (commit"
  echo "\`$commit\`, $(nproc) CPUs): every test of"
  echo "traces/litmus/ on x86, arm, arm+lse and riscv with the default configuration. \"condition"
  echo "observed\" counts the runs whose final registers and memory satisfy the test's \`exists\`"
  echo "condition; a forbidden one must stay at 0; \"not seen\" marks an outcome the architecture"
  echo "allows but the model did not produce (traces/litmus/README.md, \"Not observed\")."
  echo
  cat "$table"
} >"$out"
sed -n '1,/^| test/p' "$table" | head -n 3
grep -E '\| (FAIL|not seen)' "$table" || true
echo "written: $out"
exit "$status"
