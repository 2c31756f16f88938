// True LRU: a per-way timestamp; the victim is the way referenced longest ago (a fill
// is a reference).
#include "coherence/replacement.hpp"
#include "sim/base/zeroed_array.hpp"

namespace cohsim {
namespace {

class Lru final : public ReplacementPolicy {
 public:
  explicit Lru(const ReplacementParams& p) : ways_(p.ways), stamp_(std::size_t(p.sets) * p.ways) {}
  void hit(unsigned set, unsigned way) override { stamp_[std::size_t(set) * ways_ + way] = ++clock_; }
  void fill(unsigned set, unsigned way, LineAddr, std::uint64_t) override { hit(set, way); }
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
COHSIM_REGISTER(replacement_registry, "lru", "true LRU: evict the way referenced longest ago",
                replacement_factory<Lru>(), 0);
}  // namespace cohsim
