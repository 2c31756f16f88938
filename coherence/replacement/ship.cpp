// SHiP: signature-based hit prediction (Wu, Jaleel, Hasenplaugh, Martonosi, Steely and
// Emer, "SHiP: Signature-based Hit Predictor for High Performance Caching", MICRO
// 2011), on SRRIP's 2-bit RRPVs (rrip.hpp).
// - Each fill records the line's signature: the program counter of the instruction
//   that missed (SHiP-PC), when the cache knows it (PrivateCache: the op's `pc=`, else
//   its trace line; kept in the MSHR for a fill that arrives later). Where no PC
//   arrives (a shared L2/L3, which sees requests from the fabric; a page walk; a
//   prefetch) the signature is the line's 16 KiB memory region (SHiP-Mem, the paper's
//   other signature). Signatures are folded to 14 bits.
// - The signature history counter table (SHCT): kShctEntries = 16K saturating
//   counters of 3 bits, the paper's configuration, one table per cache array.
//   Counters start at 1 (a signature not yet seen is predicted to be reused, so SHiP
//   fills like SRRIP until a line of that signature leaves unreferenced).
// - A hit sets the line's RRPV to 0, marks it reused and increments its signature's
//   counter. A line leaving the cache (evicted, or invalidated by another core's
//   write: either way its fill bought no hit here) without having been reused
//   decrements its signature's counter.
// - A fill whose signature's counter is 0 is predicted "distant" (RRPV 3: the next
//   victim of its set unless reused first); any other fill "long" (RRPV 2), as SRRIP.
#include <cstdint>

#include "coherence/replacement.hpp"
#include "coherence/replacement/rrip.hpp"
#include "sim/base/zeroed_array.hpp"

namespace cohsim {
namespace {

// The signature of a fill.
constexpr unsigned kShipSignatureBits = 14;
constexpr std::uint32_t kShctEntries = 1u << kShipSignatureBits;
constexpr unsigned kShipRegionBytesLog2 = 14;  // SHiP-Mem: 16 KiB regions
std::uint32_t ship_signature(std::uint64_t pc, LineAddr line, unsigned line_shift) {
  if (pc) {  // fold every 14-bit chunk of the PC
    std::uint64_t s = 0;
    for (; pc; pc >>= kShipSignatureBits) s ^= pc;
    return std::uint32_t(s & (kShctEntries - 1));
  }
  const unsigned shift = line_shift < kShipRegionBytesLog2 ? kShipRegionBytesLog2 - line_shift : 0;
  return std::uint32_t(((line >> shift) * 0x9e3779b97f4a7c15ULL) >> (64 - kShipSignatureBits));
}

constexpr std::uint8_t kShctMax = 7, kShctStart = 1;

class Ship final : public ReplacementPolicy {
 public:
  explicit Ship(const ReplacementParams& p)
      : s_(p.sets, p.ways),
        ways_(p.ways),
        line_shift_(p.line_shift),
        sig_(std::size_t(p.sets) * p.ways),
        flags_(std::size_t(p.sets) * p.ways),
        shct_(kShctEntries) {
    for (std::uint32_t i = 0; i < kShctEntries; ++i) shct_[i] = kShctStart;
  }
  void hit(unsigned set, unsigned way) override {
    s_.hit(set, way);
    const std::size_t i = std::size_t(set) * ways_ + way;
    if (!(flags_[i] & kLive)) return;
    flags_[i] |= kReused;
    std::uint8_t& c = shct_[sig_[i]];
    if (c < kShctMax) ++c;
  }
  void fill(unsigned set, unsigned way, LineAddr line, std::uint64_t pc) override {
    leave(set, way);  // a line that left without the cache telling us
    const std::size_t i = std::size_t(set) * ways_ + way;
    const std::uint32_t sig = ship_signature(pc, line, line_shift_);
    sig_[i] = std::uint16_t(sig);
    flags_[i] = kLive;
    s_.insert(set, way, shct_[sig] == 0 ? RripState::kDistant : RripState::kLong);
  }
  void leave(unsigned set, unsigned way) override {
    const std::size_t i = std::size_t(set) * ways_ + way;
    if ((flags_[i] & (kLive | kReused)) == kLive && shct_[sig_[i]] > 0) --shct_[sig_[i]];
    flags_[i] = 0;
  }
  unsigned victim(unsigned set) override { return s_.victim(set); }
  bool watches_leaves() const override { return true; }
  bool uses_pc() const override { return true; }

 private:
  static constexpr std::uint8_t kLive = 1, kReused = 2;
  RripState s_;
  unsigned ways_, line_shift_;
  ZeroedArray<std::uint16_t> sig_;   // by (set, way): the fill's signature
  ZeroedArray<std::uint8_t> flags_;  // by (set, way): kLive, kReused
  ZeroedArray<std::uint8_t> shct_;   // 3-bit counters
};

}  // namespace
COHSIM_REGISTER(replacement_registry, "ship",
                "SHiP (Wu et al., MICRO 2011): SRRIP whose fills are predicted distant for a PC signature whose "
                "lines die unreused (memory-region signature where no PC arrives)",
                replacement_factory<Ship>(), 6);
}  // namespace cohsim
