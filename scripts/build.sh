#!/usr/bin/env bash
# Configures and builds cohsim in Release mode into build/ (after installing any
# missing Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" "$@"
