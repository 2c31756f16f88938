// Random replacement: the victim drawn from the cache's own random stream (its `seed`
// is the state random_stream gave it: sim/base/random.hpp), so runs stay deterministic.
#include "coherence/replacement.hpp"
#include "sim/base/random.hpp"

namespace cohsim {
namespace {

class RandomReplacement final : public ReplacementPolicy {
 public:
  explicit RandomReplacement(const ReplacementParams& p) : ways_(p.ways), rng_(p.seed) {}
  void hit(unsigned, unsigned) override {}
  void fill(unsigned, unsigned, LineAddr, std::uint64_t) override {}
  unsigned victim(unsigned) override { return unsigned(rng_.below(ways_)); }

 private:
  unsigned ways_;
  Random rng_;
};

}  // namespace
COHSIM_REGISTER(replacement_registry, "random", "evict a way drawn at random from `seed`",
                replacement_factory<RandomReplacement>(), 2);
}  // namespace cohsim
