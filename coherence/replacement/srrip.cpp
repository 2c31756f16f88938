// Static RRIP (rrip.hpp): every fill is predicted a "long" re-reference interval
// (RRPV kRrpvMax - 1), a hit a near-immediate one (RRPV 0). A line filled and never
// referenced again leaves before the lines that were, so a scan of lines used once
// does not flush a working set that is re-referenced (as it does under LRU).
#include "coherence/replacement.hpp"
#include "coherence/replacement/rrip.hpp"

namespace cohsim {
namespace {

class Srrip final : public ReplacementPolicy {
 public:
  explicit Srrip(const ReplacementParams& p) : s_(p.sets, p.ways) {}
  void hit(unsigned set, unsigned way) override { s_.hit(set, way); }
  void fill(unsigned set, unsigned way, LineAddr, std::uint64_t) override { s_.insert(set, way, RripState::kLong); }
  unsigned victim(unsigned set) override { return s_.victim(set); }

 private:
  RripState s_;
};

}  // namespace
COHSIM_REGISTER(replacement_registry, "srrip",
                "static RRIP (Jaleel et al., ISCA 2010): 2-bit RRPV, fills predicted long, hits near-immediate",
                replacement_factory<Srrip>(), 3);
}  // namespace cohsim
