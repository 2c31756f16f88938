// Division by a divisor fixed at run time (a clock period), without the divide
// instruction: a 64 x 64 -> 128-bit multiply by the reciprocal and at most a couple
// of corrections. A core computes its next clock edge several times a cycle, and a
// 64-bit `div` costs tens of cycles.
#pragma once
#include <cstdint>

namespace cohsim {

class FastDiv {
 public:
  explicit FastDiv(std::uint64_t d) : d_(d), m_(~std::uint64_t(0) / d) {}
  std::uint64_t divisor() const { return d_; }
  std::uint64_t operator()(std::uint64_t x) const {
    // m_ = floor((2^64 - 1) / d) makes q at most a few below x / d, never above.
    std::uint64_t q = std::uint64_t((static_cast<unsigned __int128>(x) * m_) >> 64);
    std::uint64_t r = x - q * d_;
    while (r >= d_) ++q, r -= d_;
    return q;
  }

 private:
  std::uint64_t d_, m_;
};

}  // namespace cohsim
