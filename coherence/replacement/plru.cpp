// Tree pseudo-LRU: ways-1 bits per set form a binary tree; each bit points to the
// half that was used less recently. Needs a power-of-two number of ways (a 1-way
// set has no bits). A touch flips the bits on the way's path to point away from it.
#include <stdexcept>
#include <vector>

#include "coherence/replacement.hpp"
#include "sim/base/zeroed_array.hpp"

namespace cohsim {
namespace {

class TreePlru final : public ReplacementPolicy {
 public:
  TreePlru(unsigned sets, unsigned ways, std::uint64_t) : ways_(ways), bits_(std::size_t(sets) * ways) {
    if (ways & (ways - 1)) throw std::logic_error("plru needs a power-of-two associativity");
  }
  void touch(unsigned set, unsigned way) override {
    std::uint8_t* b = &bits_[std::size_t(set) * ways_];
    unsigned node = 1;  // heap numbering, root = 1
    for (unsigned half = ways_ / 2; half >= 1; half /= 2) {
      bool right = way & half;
      b[node] = right ? 0 : 1;  // point to the other half (0 = left, 1 = right)
      node = node * 2 + (right ? 1 : 0);
    }
  }
  unsigned victim(unsigned set) override {
    const std::uint8_t* b = &bits_[std::size_t(set) * ways_];
    unsigned node = 1, way = 0;
    for (unsigned half = ways_ / 2; half >= 1; half /= 2) {
      bool right = b[node];
      if (right) way |= half;
      node = node * 2 + (right ? 1 : 0);
    }
    return way;
  }

 private:
  unsigned ways_;
  ZeroedArray<std::uint8_t> bits_;  // index 1..ways-1 used per set
};

}  // namespace
COHSIM_REGISTER_REPLACEMENT("plru", TreePlru);
}  // namespace cohsim
