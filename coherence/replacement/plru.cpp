// Tree pseudo-LRU: ways-1 bits per set form a binary tree; each bit points to the
// half that was used less recently. Needs a power-of-two number of ways (a 1-way
// set has no bits): the rule "replacement.plru" below refuses any other associativity
// when the configuration is validated. A reference flips the bits on the way's path
// to point away from it.
#include <stdexcept>
#include <string>

#include "coherence/replacement.hpp"
#include "sim/base/zeroed_array.hpp"
#include "sim/config/config.hpp"

namespace cohsim {
namespace {

class TreePlru final : public ReplacementPolicy {
 public:
  explicit TreePlru(const ReplacementParams& p) : ways_(p.ways), bits_(std::size_t(p.sets) * p.ways) {
    if (ways_ & (ways_ - 1)) throw std::logic_error("plru needs a power-of-two associativity");
  }
  void hit(unsigned set, unsigned way) override {
    std::uint8_t* b = &bits_[std::size_t(set) * ways_];
    unsigned node = 1;  // heap numbering, root = 1
    for (unsigned half = ways_ / 2; half >= 1; half /= 2) {
      bool right = way & half;
      b[node] = right ? 0 : 1;  // point to the other half (0 = left, 1 = right)
      node = node * 2 + (right ? 1 : 0);
    }
  }
  void fill(unsigned set, unsigned way, LineAddr, std::uint64_t) override { hit(set, way); }
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

// The powers of two nearest to n (n not one): "8 or 16".
std::string nearest_powers(std::int64_t n) {
  std::int64_t lo = 1;
  while (lo * 2 < n) lo *= 2;
  return std::to_string(lo) + " or " + std::to_string(lo * 2);
}

}  // namespace
COHSIM_REGISTER(replacement_registry, "plru",
                "tree pseudo-LRU: ways-1 bits per set point away from recent references (power-of-two assoc)",
                replacement_factory<TreePlru>(), 1);

// Ranked before "cache.sets": it reads the associativity only, and a user who sets
// l1d.assoc=12 under plru (the sets then break too) should hear of plru first.
COHSIM_REGISTER(config_rules, "replacement.plru", "tree-PLRU needs a power-of-two associativity",
                ConfigRule{[](const Config& c, std::string& blame) {
                  for (const std::string level : {"l1d", "l2", "l3"}) {
                    if (!c.has_level(level) || c.choice(level + ".replacement") != "plru") continue;
                    const std::int64_t assoc = c.integer(level + ".assoc");
                    if ((assoc & (assoc - 1)) == 0) continue;
                    blame = c.blame({level + ".replacement", level + ".assoc"});
                    return level + ".replacement plru (tree pseudo-LRU) needs a power-of-two " + level +
                           ".assoc, got " + std::to_string(assoc) + "; valid: " + level + ".assoc " +
                           nearest_powers(assoc) + ", or another " + level + ".replacement (lru, srrip, ...)";
                  }
                  return std::string();
                }},
                -3);

}  // namespace cohsim
