#!/usr/bin/env bash
# Builds everything and runs every test (installing what is missing first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
ctest --test-dir build --output-on-failure --timeout 900 -j "$(nproc)"
# The Python package's tests, under Debian's Python (tests/python/conftest.py finds build/).
PYTHONPATH="$PWD/build/python" /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python
# The short sanitizer run (ASan + UBSan: unit tests, fuzz regressions, short system
# tests; zero reports) and the short fuzzing run (20 s per parser), in build-sanitize/.
bash scripts/sanitize.sh
bash scripts/fuzz.sh --seconds 20
