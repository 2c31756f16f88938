#!/usr/bin/env bash
# The random tester on finite network buffers (network.buffer_entries 1 and 2) and
# injection queues (network.injection_entries 1, 2 and 4) with the three virtual
# networks, MSI, MESI and MOESI, on one node, on NUMA rings and meshes and on a sparse
# directory: one line per run (no violation expected: the three virtual networks keep
# the Primer's protocols free of deadlock). Then, with one virtual network
# (network.virtual_networks: 1), the same runs deadlock: one line per run with the
# cycle of waiting buffers the dump names.
#   scripts/stress_network_buffers.sh [COHSIM] [OPS] SEED...
#   scripts/stress_network_buffers.sh build/cohsim 100000 1 2 3
set -uo pipefail
COHSIM=${1:-build/cohsim}; OPS=${2:-100000}; shift 2 || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
for seed in "${@:-1}"; do
  for p in msi mesi moesi; do
    for b in 1 2; do
      for i in 1 2 4; do
        for shape in "numa.nodes=1" "numa.nodes=2 --set numa.topology=ring" "numa.nodes=4 --set numa.topology=mesh" \
          "directory.entries=4 --set directory.assoc=2"; do
          # shellcheck disable=SC2086
          out=$("$COHSIM" stress "$ROOT/configs/stress.yaml" --ops "$OPS" --seed "$seed" --set coherence.protocol="$p" \
            --set coherence.fabric=directory --set network.buffer_entries="$b" --set network.injection_entries="$i" \
            --set $shape 2>&1)
          echo "3 VNs seed=$seed $p buffer_entries=$b injection_entries=$i $shape rc=$?: $(echo "$out" | head -1)"
        done
      done
    done
  done
done
for seed in "${@:-1}"; do
  for p in msi mesi moesi; do
    for b in 1 2; do
      out=$("$COHSIM" stress "$ROOT/configs/stress.yaml" --ops "$OPS" --seed "$seed" --set coherence.protocol="$p" \
        --set coherence.fabric=directory --set network.buffer_entries="$b" --set network.virtual_networks=1 2>&1)
      rc=$?
      echo "1 VN seed=$seed $p buffer_entries=$b rc=$rc: $(echo "$out" | head -1 | sed 's/.*operations/operations/')"
      echo "$out" | grep -A1 "network deadlock" | sed 's/^/    /'
    done
  done
done
