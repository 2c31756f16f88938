// Random replacement from the run's seed (splitmix64), so runs stay deterministic.
#include "coherence/replacement.hpp"

namespace cohsim {
namespace {

class RandomReplacement final : public ReplacementPolicy {
 public:
  RandomReplacement(unsigned, unsigned ways, std::uint64_t seed) : ways_(ways), state_(seed ^ 0x5bd1e995ULL) {}
  void touch(unsigned, unsigned) override {}
  unsigned victim(unsigned) override {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return unsigned((z ^ (z >> 31)) % ways_);
  }

 private:
  unsigned ways_;
  std::uint64_t state_;
};

}  // namespace
COHSIM_REGISTER_REPLACEMENT("random", RandomReplacement);
}  // namespace cohsim
