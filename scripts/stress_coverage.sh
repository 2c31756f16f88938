#!/usr/bin/env bash
# The steered random tester's full form: every protocol x fabric x ISA, a million
# operations each, per seed; one line per run (cells hit / reachable, operations by
# which every reachable cell had been hit, cells never hit). Compare with --no-steer:
#   scripts/stress_coverage.sh [COHSIM] [OPS] [EXTRA_ARGS] SEED...
#   scripts/stress_coverage.sh build/cohsim 1000000 "" 11 12
#   scripts/stress_coverage.sh build/cohsim 1000000 "--no-steer" 11 12
#   scripts/stress_coverage.sh build/cohsim 1000000 "--set cores=32" 11
set -euo pipefail
COHSIM=${1:-build/cohsim}; OPS=${2:-1000000}; EXTRA=${3:-}; shift 3 || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
for seed in "${@:-1}"; do
  for isa in x86 arm riscv; do
    for pf in msi:bus mesi:bus moesi:bus mesif:bus dragon:bus msi:directory mesi:directory moesi:directory; do
      p=${pf%:*}; f=${pf#*:}
      # shellcheck disable=SC2086
      "$COHSIM" stress "$ROOT/configs/stress.yaml" --ops "$OPS" --seed "$seed" --set coherence.protocol="$p" \
        --set coherence.fabric="$f" --set isa="$isa" $EXTRA --json |
        /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
print('$seed $isa $p $f', '%d/%d' % (d['cells_hit'], d['cells_reachable']), 'violations=%d' % d['violations'],
      'full_coverage_ops=%s' % d.get('full_coverage_ops', '-'), d['cells_never_hit'])"
    done
  done
done
