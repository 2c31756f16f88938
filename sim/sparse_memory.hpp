// The values of simulated physical memory: 4 KiB pages allocated (zeroed) on the
// first write, found through a two-level table: 1 GiB regions (a small map, with the
// last region remembered), each an array of its 262,144 page pointers. A lookup is
// two array indexings, not a hash of every page: memory sits on the path of every
// miss to DRAM.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "sim/zeroed_array.hpp"

namespace cohsim {

class SparseMemory {
 public:
  static constexpr unsigned kPageShift = 12, kRegionShift = 30;
  static constexpr std::uint64_t kPageBytes = std::uint64_t(1) << kPageShift;

  // The bytes at `byte` (within its page), or null if the page was never written
  // (it reads as zeros). `create` allocates the page.
  std::uint8_t* at(std::uint64_t byte, bool create) {
    Region* r = region(byte >> kRegionShift, create);
    if (!r) return nullptr;
    std::uint8_t*& p = r->pages[(byte >> kPageShift) & (kPagesPerRegion - 1)];
    if (!p) {
      if (!create) return nullptr;
      p = new std::uint8_t[kPageBytes]();
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
    ~Region() {
      for (std::size_t i = 0; i < pages.size(); ++i) delete[] pages[i];
    }
  };
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
};

}  // namespace cohsim
