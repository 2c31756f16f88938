// BRRIP's insertion choice, shared by brrip.cpp and drrip.cpp: RRPV kRrpvMax
// ("distant") for most fills, kRrpvMax - 1 ("long") for one in kBrripLongOneIn, the
// paper's bimodal throttle epsilon = 1/32. The draw comes from a SplitMix64 stream
// of the run's seed (mixed per cache array), so a run is deterministic.
#pragma once
#include <cstdint>

#include "coherence/replacement/rrip.hpp"
#include "sim/base/random_stream.hpp"

namespace cohsim {

constexpr unsigned kBrripLongOneIn = 32;
// What the stream is seeded with, for a seed given to the policy.
constexpr std::uint64_t brrip_stream_seed(std::uint64_t seed) { return seed ^ 0x2545f4914f6cdd1dULL; }

class BrripInsertion {
 public:
  explicit BrripInsertion(std::uint64_t seed) : rng_(brrip_stream_seed(seed)) {}
  std::uint8_t next() { return rng_.below(kBrripLongOneIn) == 0 ? RripState::kLong : RripState::kDistant; }

 private:
  RandomStream rng_;
};

}  // namespace cohsim
