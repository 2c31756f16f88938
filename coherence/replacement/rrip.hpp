// The state every RRIP-family policy keeps (srrip.cpp, brrip.cpp, drrip.cpp,
// ship.cpp): per line, a re-reference prediction value (RRPV) of kRrpvBits bits, from
// 0 ("re-referenced in the near-immediate future") to kRrpvMax ("in the distant
// future"). Jaleel, Theobald, Steely and Emer, "High Performance Cache Replacement
// Using Re-Reference Interval Prediction (RRIP)", ISCA 2010:
// - a hit sets the line's RRPV to 0 (hit priority, their "RRIP-HP");
// - a fill sets it to what the policy predicts: kRrpvMax - 1 ("long", SRRIP),
//   kRrpvMax ("distant", most of BRRIP's fills), ...;
// - the victim is the first way (lowest index) whose RRPV is kRrpvMax; when none is,
//   every line of the set ages (RRPV + 1) until one is. Done here in one step: every
//   RRPV of the set grows by kRrpvMax minus the set's largest.
// kRrpvBits is 2, the paper's choice for its main results (M = 2).
#pragma once
#include <cstdint>

#include "sim/base/zeroed_array.hpp"

namespace cohsim {

class RripState {
 public:
  static constexpr unsigned kRrpvBits = 2;
  static constexpr std::uint8_t kRrpvMax = (1u << kRrpvBits) - 1;
  static constexpr std::uint8_t kLong = kRrpvMax - 1, kDistant = kRrpvMax;

  RripState(unsigned sets, unsigned ways) : ways_(ways), rrpv_(std::size_t(sets) * ways) {}
  void hit(unsigned set, unsigned way) { rrpv_[std::size_t(set) * ways_ + way] = 0; }
  void insert(unsigned set, unsigned way, std::uint8_t rrpv) { rrpv_[std::size_t(set) * ways_ + way] = rrpv; }
  std::uint8_t rrpv(unsigned set, unsigned way) const { return rrpv_[std::size_t(set) * ways_ + way]; }
  unsigned victim(unsigned set) {
    std::uint8_t* r = &rrpv_[std::size_t(set) * ways_];
    std::uint8_t oldest = 0;
    unsigned v = 0;
    for (unsigned w = 0; w < ways_; ++w)
      if (r[w] > oldest) oldest = r[w], v = w;
    if (oldest < kRrpvMax) {
      const std::uint8_t age = std::uint8_t(kRrpvMax - oldest);
      for (unsigned w = 0; w < ways_; ++w) r[w] = std::uint8_t(r[w] + age);
    }
    return v;  // the first way holding the largest RRPV, which is now kRrpvMax
  }

 private:
  unsigned ways_;
  ZeroedArray<std::uint8_t> rrpv_;
};

}  // namespace cohsim
