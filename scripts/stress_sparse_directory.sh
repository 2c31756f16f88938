#!/usr/bin/env bash
# The random tester on a sparse directory (four entries, two sets of two ways, for the
# tester's eight lines), MSI, MESI and MOESI: one line per run with the cells hit /
# reachable and the cells never hit, then the recall cells (the Recall event and the
# _R and I_D states of the sparse home table) that stayed unhit.
#   scripts/stress_sparse_directory.sh [COHSIM] [OPS] [EXTRA_ARGS] SEED...
#   scripts/stress_sparse_directory.sh build/cohsim 1000000 "" 1 2 3
set -euo pipefail
COHSIM=${1:-build/cohsim}; OPS=${2:-1000000}; EXTRA=${3:-}; shift 3 || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
for seed in "${@:-1}"; do
  for p in msi mesi moesi; do
    # shellcheck disable=SC2086
    "$COHSIM" stress "$ROOT/configs/stress.yaml" --ops "$OPS" --seed "$seed" --set coherence.protocol="$p" \
      --set coherence.fabric=directory --set directory.entries=4 --set directory.assoc=2 $EXTRA --json |
      /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
recall = [c for c in d['cells_never_hit'] if 'Recall' in c or '_R,' in c or 'I_D,' in c]
print('$seed $p', '%d/%d' % (d['cells_hit'], d['cells_reachable']), 'violations=%d' % d['violations'],
      'never hit:', d['cells_never_hit'], 'recall cells never hit:', recall)"
  done
done
