// A translation lookaside buffer: set-associative, true LRU, holding 4 KiB, 2 MiB and
// 1 GiB translations in one array. An entry of a page size is placed in the set its
// own virtual page number selects, so a lookup probes one set per page size in use
// (a size never inserted costs nothing). Entries are never invalidated: cohsim
// never unmaps or remaps a page, so no shootdown is needed.
//
// The lookup is the per-access hot path: flat arrays, no allocation.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

struct TlbEntry {
  Addr frame = 0;           // physical address of the page
  std::uint8_t shift = 12;  // log2 of the page size: 12, 21 or 30
  bool writable = false;
};

class Tlb {
 public:
  // entries / assoc sets; the number of sets must be a power of two.
  Tlb(unsigned entries, unsigned assoc);

  // The entry translating `va`, made most recently used; nullptr on a miss.
  const TlbEntry* lookup(Addr va) {
    // The page of the previous hit is the most recently used entry already: no
    // search, no change to the LRU order.
    if ((va >> last_shift_) == last_vpn_) return &entries_[last_];
    for (unsigned c = 0; c < 3; ++c) {
      if (!(sizes_ & (1u << c))) continue;
      const unsigned shift = 12 + 9 * c;
      const std::uint64_t tag = ((va >> shift) << 2) | c;
      const std::size_t base = std::size_t((va >> shift) & set_mask_) * assoc_;
      for (std::size_t w = base; w < base + assoc_; ++w)
        if (tags_[w] == tag) {
          stamps_[w] = ++clock_;
          last_vpn_ = va >> shift, last_shift_ = shift, last_ = w;
          return &entries_[w];
        }
    }
    return nullptr;
  }
  // Inserts the translation of the page holding `va`, replacing the set's least
  // recently used entry (an empty way first).
  void insert(Addr va, const TlbEntry& e);
  unsigned entries() const { return unsigned(tags_.size()); }
  unsigned assoc() const { return assoc_; }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t(0);
  unsigned assoc_;
  std::uint64_t set_mask_;
  unsigned sizes_ = 0;  // bit c: a page of 2^(12+9c) bytes was inserted
  std::uint64_t clock_ = 0;
  std::uint64_t last_vpn_ = ~std::uint64_t(0);  // the previous hit (none after an insert)
  unsigned last_shift_ = 12;
  std::size_t last_ = 0;
  std::vector<std::uint64_t> tags_;    // (vpn << 2) | size code, or kEmpty
  std::vector<std::uint64_t> stamps_;  // last use; the smallest is the LRU way
  std::vector<TlbEntry> entries_;
};

}  // namespace cohsim
