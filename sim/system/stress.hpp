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
};

struct StressResult {
  std::string protocol, fabric;
  unsigned cores = 0, lines = 0;
  std::uint64_t seed = 0, ops = 0;
  std::string violation;  // empty: none
  TableCoverage coverage;
  std::string to_json() const;
  std::string to_text() const;
};

StressResult run_stress(Config cfg, const StressOptions& opts);

}  // namespace cohsim
