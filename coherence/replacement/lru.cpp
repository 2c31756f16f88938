// True LRU: a per-way timestamp; the victim is the way touched longest ago.
#include <vector>

#include "coherence/replacement.hpp"
#include "sim/base/zeroed_array.hpp"

namespace cohsim {
namespace {

class Lru final : public ReplacementPolicy {
 public:
  Lru(unsigned sets, unsigned ways, std::uint64_t) : ways_(ways), stamp_(std::size_t(sets) * ways) {}
  void touch(unsigned set, unsigned way) override { stamp_[std::size_t(set) * ways_ + way] = ++clock_; }
  unsigned victim(unsigned set) override {
    const std::uint64_t* s = &stamp_[std::size_t(set) * ways_];
    unsigned v = 0;
    for (unsigned w = 1; w < ways_; ++w)
      if (s[w] < s[v]) v = w;
    return v;
  }

 private:
  unsigned ways_;
  std::uint64_t clock_ = 0;
  ZeroedArray<std::uint64_t> stamp_;
};

}  // namespace
COHSIM_REGISTER_REPLACEMENT("lru", Lru);
}  // namespace cohsim
