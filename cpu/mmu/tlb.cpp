#include "cpu/mmu/tlb.hpp"

#include <stdexcept>
#include <string>

namespace cohsim {

Tlb::Tlb(unsigned entries, unsigned assoc) : assoc_(assoc) {
  const unsigned sets = assoc ? entries / assoc : 0;
  if (assoc == 0 || entries % assoc != 0 || sets == 0 || (sets & (sets - 1)) != 0)
    throw std::logic_error("Tlb: " + std::to_string(entries) + " entries / " + std::to_string(assoc) +
                           " ways is not a power-of-two number of sets");
  set_mask_ = sets - 1;
  tags_.assign(entries, kEmpty);
  stamps_.assign(entries, 0);
  entries_.assign(entries, TlbEntry{});
}

void Tlb::insert(Addr va, const TlbEntry& e) {
  const unsigned c = (e.shift - 12) / 9;
  sizes_ |= 1u << c;
  last_vpn_ = ~std::uint64_t(0);
  const std::uint64_t tag = ((va >> e.shift) << 2) | c;
  const std::size_t base = std::size_t((va >> e.shift) & set_mask_) * assoc_;
  std::size_t victim = base;
  for (std::size_t w = base; w < base + assoc_; ++w) {
    if (tags_[w] == tag) {  // already present (two walks of one page): refresh
      victim = w;
      break;
    }
    if (tags_[w] == kEmpty) {
      if (tags_[victim] != kEmpty) victim = w;
      continue;
    }
    if (tags_[victim] != kEmpty && stamps_[w] < stamps_[victim]) victim = w;
  }
  tags_[victim] = tag;
  stamps_[victim] = ++clock_;
  entries_[victim] = e;
}

}  // namespace cohsim
