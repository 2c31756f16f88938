// Dynamic RRIP (Jaleel et al., ISCA 2010): SRRIP or BRRIP, whichever misses less,
// chosen by set dueling (Qureshi et al., "Adaptive Insertion Policies for High
// Performance Caching", ISCA 2007).
// - Leader sets: kLeaders = clamp(sets / 32, 1, 32) sets always use SRRIP and as many
//   always use BRRIP (the paper's 32 each in a 2048-set LLC; fewer in a smaller cache,
//   so that most sets still follow). The sets form kLeaders constituencies of
//   C = sets / kLeaders consecutive sets; in constituency g the set at offset g mod C
//   leads SRRIP and the one at offset C - 1 - (g mod C) leads BRRIP ("complement
//   select"). A 1-set cache has a single SRRIP leader and no follower.
// - PSEL: a kPselBits = 10-bit saturating counter (0..1023). A fill (a miss) in an
//   SRRIP leader increments it, one in a BRRIP leader decrements it; the other sets
//   (followers) fill like BRRIP while PSEL >= 512 (its top bit set: SRRIP's leaders
//   missed more) and like SRRIP otherwise. It starts at 511: followers begin with
//   SRRIP, and one more miss in SRRIP's leaders than in BRRIP's turns them to BRRIP.
// Hits and victims are the same in both (rrip.hpp); only the fill's RRPV differs.
#include <algorithm>

#include "coherence/replacement.hpp"
#include "coherence/replacement/brrip.hpp"
#include "coherence/replacement/rrip.hpp"
#include "sim/base/zeroed_array.hpp"

namespace cohsim {
namespace {

constexpr unsigned kPselBits = 10;
constexpr unsigned kPselMax = (1u << kPselBits) - 1;
constexpr unsigned kPselStart = (1u << (kPselBits - 1)) - 1;

class Drrip final : public ReplacementPolicy {
 public:
  enum Role : std::uint8_t { Follower, SrripLeader, BrripLeader };
  explicit Drrip(const ReplacementParams& p) : s_(p.sets, p.ways), bimodal_(p.seed), role_(p.sets) {
    const unsigned leaders = std::clamp(p.sets / 32, 1u, 32u);
    const unsigned c = p.sets / leaders;
    for (unsigned g = 0; g < leaders; ++g) {
      role_[g * c + (c - 1 - g % c)] = BrripLeader;
      role_[g * c + g % c] = SrripLeader;  // wins when the two offsets coincide (c = 1)
    }
  }
  void hit(unsigned set, unsigned way) override { s_.hit(set, way); }
  void fill(unsigned set, unsigned way, LineAddr, std::uint64_t) override {
    bool brrip;
    switch (Role(role_[set])) {
      case SrripLeader:
        psel_ = std::min(psel_ + 1, kPselMax);
        brrip = false;
        break;
      case BrripLeader:
        psel_ = psel_ ? psel_ - 1 : 0;
        brrip = true;
        break;
      default: brrip = psel_ > kPselStart;
    }
    s_.insert(set, way, brrip ? bimodal_.next() : RripState::kLong);
  }
  unsigned victim(unsigned set) override { return s_.victim(set); }

 private:
  RripState s_;
  BrripInsertion bimodal_;
  ZeroedArray<std::uint8_t> role_;  // Role by set
  unsigned psel_ = kPselStart;
};

}  // namespace
COHSIM_REGISTER(replacement_registry, "drrip",
                "dynamic RRIP (Jaleel et al.): SRRIP or BRRIP (its draws from `seed`) by set dueling (leader sets, a "
                "10-bit PSEL)",
                replacement_factory<Drrip>(), 5);
}  // namespace cohsim
