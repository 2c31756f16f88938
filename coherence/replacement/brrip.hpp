// BRRIP's insertion choice, shared by brrip.cpp and drrip.cpp: RRPV kRrpvMax
// ("distant") for most fills, kRrpvMax - 1 ("long") for one in kBrripLongOneIn, the
// paper's bimodal throttle epsilon = 1/32. The draw comes from the cache array's own
// random stream (sim/base/random.hpp: its `seed` is the stream's state), so a run is
// deterministic.
#pragma once
#include <cstdint>

#include "coherence/replacement/rrip.hpp"
#include "sim/base/random.hpp"

namespace cohsim {

constexpr unsigned kBrripLongOneIn = 32;

class BrripInsertion {
 public:
  explicit BrripInsertion(std::uint64_t seed) : rng_(seed) {}
  std::uint8_t next() { return rng_.below(kBrripLongOneIn) == 0 ? RripState::kLong : RripState::kDistant; }

 private:
  Random rng_;
};

}  // namespace cohsim
