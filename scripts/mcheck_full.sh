#!/usr/bin/env bash
# Full form of the consistency-aware tester (docs/mcheck.md): `cohsim mcheck` on
# 10,000 random programs per ISA (x86, arm, arm+lse, riscv), each run RUNS times with
# random timing, every distinct outcome checked against x86-TSO / ARMv8 / RVWMO.
# The ctest short form (tests/system/mcheck_test.cpp) runs 200 programs per ISA.
#
#   scripts/mcheck_full.sh [--cohsim build/cohsim] [--programs 10000] [--runs 10] [--seed 1] [--out DIR]
#
# Writes DIR/mcheck-ISA.log (one line per program, then the totals) and
# a violation's shrunk litmus file lands in DIR.
# Exit 4 if any ISA shows a violation, 3 if a run failed.
set -euo pipefail
cohsim=build/cohsim programs=10000 runs=10 seed=1 out=mcheck-full
while [ $# -gt 0 ]; do
  case "$1" in
    --cohsim) cohsim=$2; shift 2 ;;
    --programs) programs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "mcheck_full.sh: unknown option $1 (valid: --cohsim, --programs, --runs, --seed, --out)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
status=0
for v in x86 arm arm+lse riscv; do
  isa=${v%+lse}
  lse=(); [ "$v" = arm+lse ] && lse=(--lse)
  rc=0
  "$cohsim" mcheck --isa "$isa" "${lse[@]}" --programs "$programs" --runs "$runs" --seed "$seed" --out "$out" \
    > "$out/mcheck-$v.log" 2>&1 || rc=$?
  tail -n 1 "$out/mcheck-$v.log" | grep '^mcheck' || tail -n 20 "$out/mcheck-$v.log"
  [ $rc -gt $status ] && status=$rc
done
exit $status
