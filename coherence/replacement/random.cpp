// Random replacement: the victim drawn from the cache's own random stream (its
// `seed` is the stream state random_stream gave it), so runs stay deterministic.
#include "coherence/replacement.hpp"
#include "sim/base/random.hpp"

namespace cohsim {
namespace {

class RandomReplacement final : public ReplacementPolicy {
 public:
  RandomReplacement(unsigned, unsigned ways, std::uint64_t seed) : ways_(ways), rng_(seed) {}
  void touch(unsigned, unsigned) override {}
  unsigned victim(unsigned) override { return unsigned(rng_.below(ways_)); }

 private:
  unsigned ways_;
  Random rng_;
};

}  // namespace
COHSIM_REGISTER_REPLACEMENT("random", RandomReplacement);
}  // namespace cohsim
