#!/usr/bin/env bash
# Quick start: install what is missing, build what the README then uses (the `cohsim`
# command line and the Python package in build/python), run the default simulation.
# (tests/python/test_quickstart.py checks that every build/ path the README uses outside
# its test and benchmark sections comes from a target built here.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --target cohsim cohsim_python cohsim_record
exec build/cohsim run configs/default.yaml "$@"
