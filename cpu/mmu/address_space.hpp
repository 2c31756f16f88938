// The layout of the simulated program's virtual address space, as the OS knows it:
// regions with permissions and a page size (`vm.regions`), and the rest of the
// address space readable and writable, mapped with 4 KiB pages or, under
// `vm.thp: always`, with transparent 2 MiB pages wherever a whole aligned 2 MiB block
// lies outside every region.
//
// `vm.regions` syntax: regions separated by commas, each START+SIZE:PERM[:PAGE]
//   START  an address (decimal or 0x hex); SIZE a size (64KiB, 2MiB, 0x1000);
//   PERM   rw (read and write), ro (read only) or none (no access);
//   PAGE   4KiB, 2MiB or 1GiB; START and SIZE must be multiples of it. Without it:
//          4KiB, or under thp: always 2MiB for each aligned 2 MiB block inside the region.
// e.g. "0x100000+64KiB:ro, 0x200000+2MiB:none, 0x40000000+1GiB:rw:1GiB"
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

enum class Perm : std::uint8_t { None, ReadOnly, ReadWrite };
const char* name(Perm p);  // "none", "ro", "rw"

struct Region {
  Addr start = 0;
  std::uint64_t size = 0;
  Perm perm = Perm::ReadWrite;
  unsigned page_shift = 0;  // 0: not given (4 KiB, or 2 MiB blocks under THP)
  std::string text;         // as written, for messages
};

// Parses a `vm.regions` value; UserError naming the region and what is wrong.
std::vector<Region> parse_regions(const std::string& text);

class AddressSpace {
 public:
  AddressSpace(std::vector<Region> regions, bool thp);

  struct Page {
    Perm perm;
    unsigned shift;        // 12, 21 or 30
    const Region* region;  // nullptr outside every region
  };
  // The page holding `va`: its permissions and size.
  Page page(Addr va) const;
  const std::vector<Region>& regions() const { return regions_; }

 private:
  const Region* find(Addr va) const;
  bool overlaps_region(Addr lo, Addr hi) const;  // [lo, hi)
  std::vector<Region> regions_;                  // sorted by start, disjoint
  bool thp_;
};

}  // namespace cohsim
