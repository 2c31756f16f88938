#!/usr/bin/env bash
# Configures and builds the sanitizer build into build-sanitize/ (clang 14,
# AddressSanitizer + UndefinedBehaviorSanitizer, every report fatal, -O1, no LTO) with
# the libFuzzer targets of tests/fuzz/. Shared by scripts/sanitize.sh and
# scripts/fuzz.sh: one compilation of the simulator serves both. ccache is used when
# installed (CCACHE_DIR and CCACHE_BASEDIR as the caller sets them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_C_COMPILER=clang-14 \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCOHSIM_SANITIZE=ON -DCOHSIM_FUZZ=ON "${launcher[@]}" >/dev/null
cmake --build build-sanitize -j "${COHSIM_JOBS:-$(nproc)}" "$@"
