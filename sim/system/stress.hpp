// The random tester behind `cohsim stress` (and cohsim.stress in Python): every
// core issues random loads, stores, read-modify-writes and fences on a few
// contended lines with the checker on; the result says whether an invariant broke
// and how much of the protocol table the run exercised. Builds a System, so at
// most once per process.
#pragma once
#include <string>

#include "coherence/coverage.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

struct StressOptions {
  std::uint64_t ops = 100000;  // in all, split over the cores
  std::uint64_t seed = 0;
  unsigned lines = 8;
  // After the first 65,536 operations of the plain mix, the tester steers itself
  // toward the table cells still unhit (cpu/trace/random_trace.hpp); false: the plain
  // mix throughout.
  bool steer = true;
  // Prefetchers on every private level ("" keeps the configuration's): a list such as
  // "next_line,stream" (l1d.prefetcher, and l2.prefetcher when the L2 is private).
  std::string prefetch;
};

struct StressResult {
  std::string protocol, fabric;
  unsigned cores = 0, lines = 0;
  std::uint64_t seed = 0, ops = 0;
  std::uint64_t prefetches = 0;  // issued by every prefetcher of every core
  // Inclusion (l2.inclusion, l3.inclusion): back-invalidations of the inclusive levels,
  // those left because the line was in a transition above, and the lines an exclusive
  // L3 took from the shared L2 and gave back.
  std::uint64_t back_invalidations = 0, back_invalidations_skipped = 0, victim_fills = 0, moved_up = 0;
  // An exclusive L3 under private caches: clean victims the fabric delivered to it, and
  // those it dropped (overtaken by another request for the line, or a stale Put).
  std::uint64_t clean_victims = 0, clean_victims_dropped = 0;
  // With an L1I (l1i.size > 0): the instruction fetches of code lines the cores made,
  // the L1Is' misses, and the L1I lines dropped because their line left the L2.
  std::uint64_t ifetches = 0, l1i_misses = 0, l1i_invalidations = 0;
  std::string violation;  // empty: none
  TableCoverage coverage;
  // When the run was long enough to be steered: the operations generated when every
  // reachable cell had been hit (seen at the steering's checks, every 8,192
  // operations; 0: never), and the checks made.
  bool steered = false;
  std::uint64_t full_coverage_ops = 0, steering_checks = 0;
  std::string to_json() const;
  std::string to_text() const;
};

StressResult run_stress(Config cfg, const StressOptions& opts);

}  // namespace cohsim
