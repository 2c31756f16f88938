// Runs a litmus test many times with randomised timing and counts the outcomes
// (`cohsim litmus`). SystemC elaborates one design per process, so every run is a
// fork()ed child: the parent never elaborates; the child builds a System on the
// test's trace, runs it, writes the final registers to a pipe and _exit()s. Up to
// `jobs` children run at once.
//
// Each run r draws its timing from (seed, r) (see litmus_schedule() and
// traces/litmus/README.md, "How the runs are randomised"):
//   * per thread, a warm-up: each location is, at random, left cold, loaded (the line
//     arrives shared) or `fetch_add 0 Relaxed`-ed (the line arrives writable, the
//     value unchanged), then a `fence SeqCst`;
//   * aligned runs (70%): a simulation of the warm-up alone (once per warm-up pattern:
//     it runs with the configuration's seed and no jitter, so the parent keeps the
//     result for later runs) says when each thread's warm-up ends, and `compute`
//     delays make the threads start the test within a few cycles of each other;
//   * free runs (30%): `core.start_jitter` (0..400 cycles) and random `compute` delays;
//   * in two runs of three, modelled timing variation: `core.load_jitter` (a random
//     issue delay per load), `core.drain_jitter` (a random delay per store before it
//     may leave the store buffer) and, on the directory fabric, `network.jitter`
//     (random extra latency per message), each run's maxima drawn from the stream
//     "litmus.variation"; the per-access draws come from the run's seed;
//   * the run's `seed`.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cpu/litmus/litmus.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

struct LitmusRunOptions {
  std::string isa = "x86";
  bool lse = false;
  std::uint64_t runs = 1000;
  std::uint64_t seed = 0;
  unsigned jobs = 0;         // 0: the number of CPUs
  bool check = true;         // the coherence checker on in every run
  std::string expect;        // "", "allowed", "forbidden": overrides the file's expectation
  bool full_caches = false;  // false: litmus_sized_caches() (same outcomes, faster runs)
};

struct LitmusResult {
  std::string test, path, isa;
  bool lse = false;
  std::uint64_t runs = 0, seed = 0;
  std::map<std::string, std::uint64_t> outcomes;  // outcome key -> count
  std::vector<std::string> condition_keys;        // the outcomes that satisfy the condition
  std::uint64_t condition_count = 0;
  std::string condition_text;
  std::string expectation;                                // the one checked ("" = none)
  std::uint64_t failed_runs = 0;                          // runs that did not complete (a simulator bug)
  std::string first_failure;                              // its message, with the run index
  std::uint64_t first_condition_run = ~std::uint64_t(0);  // the first run that satisfied the condition
  double seconds = 0;
  // true: an allowed condition never observed passes (reported as "not seen"); the
  // model may forbid more than the architecture (traces/litmus/README.md).
  bool unseen_ok = false;

  bool condition_observed() const { return condition_count > 0; }
  // An allowed condition that no run showed.
  bool unseen() const { return !failed_runs && expectation == "allowed" && condition_count == 0; }
  // false: the expectation is contradicted (or a run failed).
  bool passed() const;
  std::string verdict() const;  // "ok", "not seen ...", "FAIL: ...", or "" without an expectation
  std::string to_json() const;  // one line
  std::string to_text() const;
};

// Litmus-sized caches: shrinks each cache level to the fewest sets (a power of two, at
// least `lines`) with the same associativity, line size and latencies. A litmus test
// touches `lines` consecutive lines (one per location), which then fall in different
// sets of every level, before and after: no line is ever evicted in either, the way
// a line fills is the first free one in both, and nothing else depends on a level's
// size, so every run behaves identically (tests/system/litmus_catalogue_test.cpp
// compares the outcome histograms). Building the small arrays is what saves the time.
// Nothing changes with vm.enabled (page walks touch more lines). Returns the
// `key=value` assignments it made.
std::vector<std::string> litmus_sized_caches(Config& cfg, std::size_t lines);

// The timing of run `run` (deterministic in seed and run).
LitmusSchedule litmus_schedule(const LitmusTest& t, std::uint64_t seed, std::uint64_t run, std::uint64_t& jitter,
                               std::uint64_t& run_seed);

// Runs `t` opts.runs times on `base` (cores, isa, lse, seed, start_jitter, check and
// max_cycles are set per run). UserError if the configuration cannot run the test.
LitmusResult run_litmus(const LitmusTest& t, const Config& base, const LitmusRunOptions& opts);

// Run `run` of run_litmus() as a standalone text trace (warm-up, delays and observer
// included), headed by the `cohsim run` command that reproduces it (`config_arg`
// names the configuration in that command). `run_config`, if given, receives the
// configuration of that command (the run's seed, jitter, cores, ISA, cache sizes).
std::string litmus_replay(const LitmusTest& t, const Config& base, const LitmusRunOptions& opts, std::uint64_t run,
                          const std::string& config_arg, Config* run_config = nullptr);

}  // namespace cohsim
