// The values of simulated physical memory: 256-byte blocks allocated (zeroed) on the
// first write, found through a two-level table: 1 GiB regions (a small map, with the
// last region remembered), each an array of its block pointers. A lookup is two
// array indexings, not a hash: memory sits on the path of every miss to DRAM. Blocks
// are carved from 1 MiB slabs (no allocation per block), and small blocks keep a
// sparse stream (random writebacks over a GiB) from touching a page per line.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/base/zeroed_array.hpp"

namespace cohsim {

class SparseMemory {
 public:
  static constexpr unsigned kPageShift = 8, kRegionShift = 30;  // "page": one block
  static constexpr std::uint64_t kPageBytes = std::uint64_t(1) << kPageShift;

  // The bytes at `byte` (within its page), or null if the page was never written
  // (it reads as zeros). `create` allocates the page.
  std::uint8_t* at(std::uint64_t byte, bool create) {
    Region* r = region(byte >> kRegionShift, create);
    if (!r) return nullptr;
    std::uint8_t*& p = r->pages[(byte >> kPageShift) & (kPagesPerRegion - 1)];
    if (!p) {
      if (!create) return nullptr;
      p = carve();
      ++pages_;
    }
    return p + (byte & (kPageBytes - 1));
  }
  const std::uint8_t* at(std::uint64_t byte) const { return const_cast<SparseMemory*>(this)->at(byte, false); }
  std::uint64_t pages() const { return pages_; }

 private:
  static constexpr std::uint64_t kPagesPerRegion = std::uint64_t(1) << (kRegionShift - kPageShift);
  struct Region {  // the page table starts zeroed (all null) without being touched
    ZeroedArray<std::uint8_t*> pages{kPagesPerRegion};
    Region() = default;
    Region(const Region&) = delete;
    Region& operator=(const Region&) = delete;
  };
  static constexpr std::size_t kSlabBytes = std::size_t(1) << 20;
  std::uint8_t* carve() {
    if (slab_used_ == kSlabBytes || slabs_.empty()) {
      slabs_.emplace_back(kSlabBytes);  // zeroed, untouched until written
      slab_used_ = 0;
    }
    std::uint8_t* b = slabs_.back().data() + slab_used_;
    slab_used_ += kPageBytes;
    return b;
  }
  Region* region(std::uint64_t key, bool create) {
    if (key == last_key_ && last_) return last_;
    auto it = regions_.find(key);
    if (it == regions_.end()) {
      if (!create) return nullptr;
      it = regions_.emplace(key, std::make_unique<Region>()).first;
    }
    last_key_ = key, last_ = it->second.get();
    return last_;
  }

  std::unordered_map<std::uint64_t, std::unique_ptr<Region>> regions_;
  std::uint64_t last_key_ = ~std::uint64_t(0);
  Region* last_ = nullptr;
  std::uint64_t pages_ = 0;
  std::vector<ZeroedArray<std::uint8_t>> slabs_;
  std::size_t slab_used_ = 0;
};

}  // namespace cohsim
