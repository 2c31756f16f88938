#!/usr/bin/env bash
# Quick start: install what is missing, build, run the default simulation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --target cohsim
exec build/cohsim run configs/default.yaml "$@"
