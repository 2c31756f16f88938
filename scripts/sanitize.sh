#!/usr/bin/env bash
# The sanitizer run: builds cohsim with AddressSanitizer and UndefinedBehaviorSanitizer
# (clang 14, -O1, no LTO, -fno-sanitize-recover=all; build-sanitize/, shared with
# scripts/fuzz.sh) and runs the unit tests, the fuzz regression inputs and the short
# system tests below (each simulation a sanitized `cohsim` child process). Zero
# reports are allowed: every report aborts its process and is also written to
# build-sanitize/sanitizer-reports/, which must stay empty.
#
#   bash scripts/sanitize.sh          # short form (scripts/test.sh)
#   bash scripts/sanitize.sh --all    # every test of the suite but the long ones
#                                     # (the litmus catalogue, the benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
all=0
case "${1:-}" in
  "") ;;
  --all) all=1 ;;
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "sanitize.sh: unknown argument '$1'; valid: --all" >&2; exit 2 ;;
esac

bash scripts/build_sanitize.sh --target cohsim unit_tests fuzz_replay

# The short system tests: one or a few simulations each, together covering every
# protocol, both fabrics, DRAM, NUMA, virtual memory, stress and the command line's
# refusals. Left to --all for time: the suites that run hundreds of litmus runs
# (Races, LitmusCommand, WeakMemory: 14 of the 24 CPU-minutes of the first run).
system_short=(
  'Run\.' 'Cli\.' 'HostileInput\.' 'ProtocolCounts\.' 'CoherenceCounts\.' 'DirectoryCounts\.'
  'DramRun\.' 'Numa\.' 'VmRuns\.' 'VmFaults\.' 'StressCli\.' 'Traces/TeachingTrace\.'
)
# The unit tests: every suite of tests/unit/.
mapfile -t unit < <(grep -ohE '^(TEST|TEST_F|TEST_P|TYPED_TEST)\([A-Za-z0-9_]+' tests/unit/*.cpp | sed 's/.*(//' | sort -u)
pattern="^(([A-Za-z0-9_]+/)?($(IFS='|'; echo "${unit[*]}"))\.|$(IFS='|'; echo "${system_short[*]}")|fuzz_(regressions|seeds)_)"
exclude='^$'
if ((all)); then
  pattern='.'
  exclude='Litmus|litmus|bench'
fi

reports=$PWD/build-sanitize/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# abort_on_error: a report ends its process with SIGABRT, which no test expects (a
# child `cohsim` reporting would otherwise exit 1, like a refused input).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:log_path=$reports/asan"
export UBSAN_OPTIONS="abort_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
rc=0
ctest --test-dir build-sanitize --output-on-failure --timeout 900 -j "${COHSIM_JOBS:-$(nproc)}" \
  -R "$pattern" -E "$exclude" || rc=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitize.sh: sanitizer reports (none allowed):" >&2
  for f in "$reports"/*; do echo "== $f" >&2; head -60 "$f" >&2; done
  rc=1
fi
exit $rc
