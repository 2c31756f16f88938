// Bimodal RRIP (rrip.hpp): most fills are predicted a "distant" re-reference interval
// (RRPV kRrpvMax), one in kBrripLongOneIn "long" (kRrpvMax - 1), drawn from the run's
// seed. On a working set larger than the cache (thrashing) a part of it then stays
// and hits, where LRU and SRRIP miss on every reference.
#include "coherence/replacement/brrip.hpp"

#include "coherence/replacement.hpp"

namespace cohsim {
namespace {

class Brrip final : public ReplacementPolicy {
 public:
  explicit Brrip(const ReplacementParams& p) : s_(p.sets, p.ways), bimodal_(p.seed) {}
  void hit(unsigned set, unsigned way) override { s_.hit(set, way); }
  void fill(unsigned set, unsigned way, LineAddr, std::uint64_t) override { s_.insert(set, way, bimodal_.next()); }
  unsigned victim(unsigned set) override { return s_.victim(set); }

 private:
  RripState s_;
  BrripInsertion bimodal_;
};

}  // namespace
COHSIM_REGISTER(replacement_registry, "brrip",
                "bimodal RRIP (Jaleel et al.): 2-bit RRPV, fills predicted distant but 1 in 32 long (from `seed`)",
                replacement_factory<Brrip>(), 4);
}  // namespace cohsim
