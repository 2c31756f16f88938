#!/usr/bin/env bash
# Fuzzes cohsim's input parsers with libFuzzer (clang 14; tests/fuzz/), each target for
# N seconds, and prints per target the inputs executed and the coverage reached
# (libFuzzer's cov: edges of the parsers' code, ft: features).
#
#   bash scripts/fuzz.sh                    # short form (scripts/test.sh): 20 s per target
#   nice -n 19 bash scripts/fuzz.sh --seconds 3600      # long form, by hand
#   bash scripts/fuzz.sh --seconds 60 litmus config      # some targets only
#
# Targets: config (`cohsim config check FILE --set ...`), text_trace, din_trace,
# lackey_trace, champsim_trace (plain or xz), binary_trace, litmus (conditions included). The build is build-sanitize/ (shared
# with scripts/sanitize.sh: -fsanitize=fuzzer,address,undefined). Seeds come from
# configs/, traces/ (binary seeds converted from traces/ by `cohsim trace convert`),
# tests/fuzz/seeds/ and every regression input; the corpus each target grows is kept
# in build-sanitize/fuzz/<target>/corpus, so a later run goes on from there.
# A crash, a sanitizer report, a hang (an input taking over 10 s) or a memory
# blow-up (over 2 GiB) fails the script; the input is saved under
# build-sanitize/fuzz/<target>/ and replays with
#   build/tests/fuzz/fuzz_replay <target> <file>
# Fix the parser, then add the input to tests/fuzz/regressions/<target>/ (replayed by
# the ctest case fuzz_regressions_<target>).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=20
jobs=$(nproc)
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    config|text_trace|din_trace|lackey_trace|champsim_trace|binary_trace|litmus) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1'; valid: --seconds N, --jobs N, config, text_trace, din_trace, lackey_trace, champsim_trace, binary_trace, litmus" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --seconds $seconds: give a positive whole number" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --jobs $jobs: give a positive whole number" >&2; exit 2; }
((${#targets[@]})) || targets=(config text_trace din_trace lackey_trace champsim_trace binary_trace litmus)

build_targets=(cohsim)
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
bash scripts/build_sanitize.sh --target "${build_targets[@]}"

out=build-sanitize/fuzz
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1

# Binary seeds: every straight-line trace of traces/, converted (programs are refused).
if [[ " ${targets[*]} " == *" binary_trace "* ]]; then
  mkdir -p "$out/seeds_binary"
  while IFS= read -r f; do
    b=$out/seeds_binary/$(echo "${f#traces/}" | tr / _).bin
    [ -s "$b" ] || build-sanitize/cohsim trace convert "$f" "$b" >/dev/null 2>&1 || rm -f "$b"
  done < <(find traces -name '*.trace' | sort)
fi

seeds() {
  case "$1" in
    config) echo configs tests/fuzz/seeds/config ;;
    text_trace) echo traces tests/fuzz/seeds/text_trace ;;
    din_trace) echo tests/fuzz/seeds/din ;;
    lackey_trace) echo tests/fuzz/seeds/lackey ;;
    champsim_trace) echo tests/fuzz/seeds/champsim ;;
    binary_trace) echo "$out/seeds_binary" ;;
    litmus) echo traces/litmus ;;
  esac
  [ -d "tests/fuzz/regressions/$1" ] && echo "tests/fuzz/regressions/$1"
  return 0
}

run_target() {
  local t=$1 dir=$out/$1
  mkdir -p "$dir/corpus" "$dir/artifacts"
  local dict=()
  [ -f "tests/fuzz/dicts/$t.dict" ] && dict=(-dict="tests/fuzz/dicts/$t.dict")
  # shellcheck disable=SC2046
  "build-sanitize/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "${dict[@]}" "$dir/corpus" $(seeds "$t") \
    >"$dir/log" 2>&1
}

echo "fuzzing ${targets[*]} for $seconds s each, $jobs at a time (logs: $out/<target>/log)"
running=0
for t in "${targets[@]}"; do
  if ((running >= jobs)); then wait -n || true; running=$((running - 1)); fi
  ( run_target "$t"; echo $? >"$out/$t/status" ) &
  running=$((running + 1))
done
wait

printf '%-13s %8s %12s %9s %7s %7s %7s  %s\n' target seconds execs exec/s cov ft corpus result
failed=0
for t in "${targets[@]}"; do
  log=$out/$t/log
  rc=$(cat "$out/$t/status" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  result=ok
  if [ "$rc" != 0 ]; then
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    kind=$(grep -oE 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer): [a-z-]+' "$log" | head -1 || true)
    [ -n "$kind" ] || kind=$(grep -m1 -E '^fuzz [a-z_]+: |runtime error' "$log" || echo "exit $rc")
    result="FAILED ($kind) input: ${artifact:-see $log}"
  fi
  printf '%-13s %8s %12s %9s %7s %7s %7s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
    "${corp:-?}" "$result"
done
if ((failed)); then
  echo "fuzz.sh: a target failed; see its log, replay the input with build/tests/fuzz/fuzz_replay TARGET FILE" >&2
  exit 1
fi
