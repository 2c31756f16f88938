// The MMU's plain classes, without the SystemC kernel: the TLB against a reference
// model written differently, the page-table formats' real entry bits, the frame
// allocator's placement policies, the region syntax, and the OS's fault handler.
#include <gtest/gtest.h>

#include <algorithm>
#include <list>
#include <set>

#include "cpu/mmu/address_space.hpp"
#include "cpu/mmu/frame_allocator.hpp"
#include "cpu/mmu/page_table.hpp"
#include "cpu/mmu/page_table_format.hpp"
#include "cpu/mmu/tlb.hpp"
#include "sim/base/error.hpp"

using namespace cohsim;

namespace {

constexpr Addr k4K = 4096, k2M = Addr(1) << 21, k1G = Addr(1) << 30;

// An LRU TLB as a recency list per set: most recent first, the last one leaves.
struct ReferenceTlb {
  unsigned sets, ways;
  std::vector<std::list<Addr>> lists;
  ReferenceTlb(unsigned entries, unsigned assoc) : sets(entries / assoc), ways(assoc), lists(entries / assoc) {}
  bool access(Addr page) {
    auto& l = lists[page % sets];
    auto it = std::find(l.begin(), l.end(), page);
    const bool hit = it != l.end();
    if (hit) l.erase(it);
    l.push_front(page);
    if (l.size() > ways) l.pop_back();
    return hit;
  }
};

std::uint64_t misses_of(Tlb& tlb, const std::vector<Addr>& vas) {
  std::uint64_t m = 0;
  for (Addr va : vas)
    if (!tlb.lookup(va)) ++m, tlb.insert(va, TlbEntry{(va / k4K) * k4K + 0x1000000, 12, true});
  return m;
}

std::vector<Addr> strided(unsigned pages, unsigned stride_pages, unsigned rounds) {
  std::vector<Addr> v;
  for (unsigned r = 0; r < rounds; ++r)
    for (unsigned i = 0; i < pages; ++i) v.push_back(0x10000000 + Addr(i) * stride_pages * k4K + (i * 64) % k4K);
  return v;
}

TEST(Tlb, StridedMissesEqualAnLruRecencyList) {
  for (unsigned pages : {8u, 16u, 17u, 40u, 64u, 65u, 200u})
    for (unsigned stride : {1u, 2u, 3u, 16u}) {
      const auto vas = strided(pages, stride, 5);
      Tlb tlb(64, 4);
      ReferenceTlb ref(64, 4);
      std::uint64_t expected = 0;
      for (Addr va : vas) expected += !ref.access(va / k4K);
      EXPECT_EQ(misses_of(tlb, vas), expected) << pages << " pages, stride " << stride;
      if (pages <= 16 && stride == 1) {
        EXPECT_EQ(expected, pages);  // fits: compulsory misses only
      }
    }
}

TEST(Tlb, RandomMissesEqualAnLruRecencyList) {
  std::vector<Addr> vas;
  std::uint64_t x = 99;
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    vas.push_back(((x >> 33) % 300) * k4K + (x & 0xff8));
  }
  Tlb tlb(32, 8);
  ReferenceTlb ref(32, 8);
  std::uint64_t expected = 0;
  for (Addr va : vas) expected += !ref.access(va / k4K);
  EXPECT_EQ(misses_of(tlb, vas), expected);
}

TEST(Tlb, OneHugeEntryCoversEveryPageInIt) {
  Tlb tlb(16, 4);
  tlb.insert(0x40000000, TlbEntry{0x80000000, 21, true});
  for (Addr off = 0; off < k2M; off += k4K) {
    const TlbEntry* e = tlb.lookup(0x40000000 + off);
    ASSERT_NE(e, nullptr) << off;
    EXPECT_EQ(e->shift, 21);
  }
  EXPECT_EQ(tlb.lookup(0x40000000 + k2M), nullptr);
  tlb.insert(0, TlbEntry{k1G, 30, false});
  ASSERT_NE(tlb.lookup(k1G - 8), nullptr);
  EXPECT_EQ(tlb.lookup(k1G - 8)->frame, k1G);
  EXPECT_FALSE(tlb.lookup(5 * k4K)->writable);
}

// ---- formats -------------------------------------------------------------------

TEST(PageTableFormat, LevelsAndAddressSpacesOfEachFormat) {
  struct F {
    const char* name;
    unsigned levels, va_bits;
    const char* isa;
  };
  for (F f : {F{"x86-4level", 4, 48, "x86"}, F{"x86-5level", 5, 57, "x86"}, F{"arm-4k", 4, 48, "arm"},
              F{"sv39", 3, 39, "riscv"}, F{"sv48", 4, 48, "riscv"}}) {
    const PageTableFormat* p = PageTableFormat::find(f.name);
    ASSERT_NE(p, nullptr) << f.name;
    EXPECT_EQ(p->levels(), f.levels) << f.name;
    EXPECT_EQ(p->va_bits(), f.va_bits) << f.name;
    EXPECT_STREQ(p->isa(), f.isa);
    EXPECT_EQ(p->shift(p->levels() - 1), 12u);
    EXPECT_EQ(p->leaf_level(21), p->levels() - 2);
    EXPECT_EQ(p->leaf_level(30), p->levels() - 3);
  }
  EXPECT_EQ(PageTableFormat::find("sv57"), nullptr);
  EXPECT_EQ(PageTableFormat::auto_for_isa("arm"), "arm-4k");
  // The index bits: VA 0x7fff_ffff_f000 under x86-4level indexes 255, 511, 511, 511.
  const PageTableFormat& x = *PageTableFormat::find("x86-4level");
  EXPECT_EQ(x.index(0x7ffffffff000, 0), 255u);
  EXPECT_EQ(x.index(0x7ffffffff000, 3), 511u);
}

TEST(PageTableFormat, EntriesCarryTheArchitecturesBits) {
  const PageTableFormat& x = *PageTableFormat::find("x86-4level");
  EXPECT_EQ(x.encode_table(0x5000), 0x5000u | 0x27);           // P RW US A
  EXPECT_EQ(x.encode_leaf(0x7000, 3, true), 0x7000u | 0x67);   // P RW US A D
  EXPECT_EQ(x.encode_leaf(0x7000, 3, false), 0x7000u | 0x25);  // P US A
  EXPECT_EQ(x.encode_leaf(k2M, 2, true), k2M | 0xe7);          // PS: a 2 MiB page
  const PageTableFormat& a = *PageTableFormat::find("arm-4k");
  EXPECT_EQ(a.encode_table(0x5000) & 3, 3u);                 // table descriptor
  EXPECT_EQ(a.encode_leaf(k2M, 2, true) & 3, 1u);            // block descriptor
  EXPECT_EQ(a.encode_leaf(0x7000, 3, true) & 3, 3u);         // page descriptor
  EXPECT_TRUE(a.encode_leaf(0x7000, 3, false) & (1u << 7));  // AP[2]: read-only
  EXPECT_TRUE(a.encode_leaf(0x7000, 3, true) & (1u << 10));  // AF
  const PageTableFormat& r = *PageTableFormat::find("sv39");
  EXPECT_EQ(r.encode_table(0x5000), (0x5u << 10) | 1);             // V only: a pointer
  EXPECT_EQ(r.encode_leaf(0x7000, 2, true), (0x7u << 10) | 0xd7);  // V R W U A D
  for (const auto& n : PageTableFormat::names()) {
    const PageTableFormat& f = *PageTableFormat::find(n);
    for (unsigned l = 0; l < f.levels(); ++l) {
      EXPECT_EQ(f.decode(0, l).kind, PteKind::Invalid);
      if (l + 1 < f.levels()) {
        DecodedPte d = f.decode(f.encode_table(0x123000), l);
        EXPECT_EQ(d.kind, PteKind::Table) << n << " " << l;
        EXPECT_EQ(d.pa, 0x123000u);
      }
    }
    for (unsigned shift : {12u, 21u, 30u}) {
      const unsigned l = f.leaf_level(shift);
      for (bool w : {true, false}) {
        DecodedPte d = f.decode(f.encode_leaf(Addr(3) << shift, l, w), l);
        EXPECT_EQ(d.kind, PteKind::Leaf) << n << " " << shift;
        EXPECT_EQ(d.pa, Addr(3) << shift);
        EXPECT_EQ(d.writable, w);
      }
    }
  }
}

// ---- frames -------------------------------------------------------------------

TEST(FrameAllocator, FramesAreAlignedDisjointAndInTheirNode) {
  FrameAllocator fa({{0, 4 * k1G}}, {0}, Placement::FirstTouch, 0);
  std::vector<std::pair<Addr, Addr>> got;
  for (int i = 0; i < 600; ++i) {
    const unsigned shift = i % 50 == 7 ? 21 : i == 300 ? 30 : 12;
    const Addr a = fa.allocate(0, shift);
    EXPECT_EQ(a % (Addr(1) << shift), 0u);
    got.push_back({a, a + (Addr(1) << shift)});
  }
  std::sort(got.begin(), got.end());
  for (std::size_t i = 1; i < got.size(); ++i) EXPECT_LE(got[i - 1].second, got[i].first);
  EXPECT_LE(got.back().second, 4 * k1G);
  EXPECT_EQ(fa.allocated_bytes(0), (600 - 12 - 1) * k4K + 12 * k2M + k1G);
}

TEST(FrameAllocator, PlacementPolicies) {
  const std::vector<MemoryNode> nodes{{0, k1G}, {k1G, k1G}, {2 * k1G, k1G}};
  FrameAllocator first(nodes, {0, 0, 1, 2}, Placement::FirstTouch, 0);
  EXPECT_EQ(first.node_for(0x1000, 12, 2), 1u);
  EXPECT_EQ(first.node_for(0x1000, 12, 3), 2u);
  EXPECT_EQ(first.node_for(0x9000, 12, 0), 0u);
  FrameAllocator inter(nodes, {0, 0, 1, 2}, Placement::Interleave, 0);
  for (Addr p = 0; p < 9; ++p) EXPECT_EQ(inter.node_for(p * k4K, 12, 0), p % 3);
  FrameAllocator bind(nodes, {0, 0, 1, 2}, Placement::Bind, 2);
  EXPECT_EQ(bind.node_for(0x1000, 12, 0), 2u);
  const Addr a = bind.allocate(2, 12);
  EXPECT_GE(a, 2 * k1G);
  EXPECT_LT(a, 3 * k1G);
  EXPECT_EQ(bind.allocated_bytes(2), k4K);
  EXPECT_EQ(bind.allocated_bytes(0), 0u);
  // A node that does not exist: the rule vm.bind_node refuses such a configuration first.
  EXPECT_THROW(FrameAllocator(nodes, {0}, Placement::Bind, 3), std::invalid_argument);
}

TEST(FrameAllocator, AFullNodeIsAClearError) {
  FrameAllocator fa({{0, k1G}}, {0}, Placement::FirstTouch, 0);
  fa.allocate(0, 30);
  try {
    fa.allocate(0, 12);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("raise vm.memory_size"), std::string::npos) << e.what();
  }
}

// ---- regions ------------------------------------------------------------------

std::string region_error(const std::string& text) {
  try {
    parse_regions(text);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(Regions, ParseAndLookUp) {
  auto r = parse_regions("0x40000000+1GiB:rw:1GiB, 0x100000+64KiB:ro , 0x200000+2MiB:none");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].start, 0x100000u);  // sorted
  EXPECT_EQ(r[0].size, 65536u);
  EXPECT_EQ(r[0].perm, Perm::ReadOnly);
  EXPECT_EQ(r[2].page_shift, 30u);
  AddressSpace never(r, false), always(r, true);
  EXPECT_EQ(never.page(0x100008).perm, Perm::ReadOnly);
  EXPECT_EQ(never.page(0x100008).shift, 12u);
  EXPECT_EQ(never.page(0x110000).perm, Perm::ReadWrite);  // just past the region
  EXPECT_EQ(never.page(0x3fffff).perm, Perm::None);
  EXPECT_EQ(never.page(0x40000000 + 12345).shift, 30u);
  EXPECT_EQ(never.page(0x800000).shift, 12u);
  EXPECT_EQ(always.page(0x800000).shift, 21u);  // THP outside the regions
  EXPECT_EQ(always.page(0x100008).shift, 12u);  // the 2 MiB block holds a smaller region
  EXPECT_EQ(always.page(0x1ff000).shift, 12u);  // ... and so does the rest of that block
  EXPECT_EQ(always.page(0x200000).shift, 21u);  // a region covering its block
  EXPECT_TRUE(parse_regions("").empty());
  EXPECT_TRUE(parse_regions("  ").empty());
}

TEST(Regions, MistakesAreNamed) {
  EXPECT_NE(region_error("0x1000+4KiB:rx").find("unknown permission 'rx'; valid: rw, ro, none"), std::string::npos);
  EXPECT_NE(region_error("0x1000+4KiB:nnoe").find("did you mean 'none'"), std::string::npos);
  EXPECT_NE(region_error("0x1000:rw").find("expected START+SIZE:PERM[:PAGE]"), std::string::npos);
  EXPECT_NE(region_error("0x1000+4KiB:rw:2MiB").find("multiples of its page size 2MiB"), std::string::npos);
  EXPECT_NE(region_error("0x1000+4KiB:rw:8KiB").find("not one of 4KiB, 2MiB, 1GiB"), std::string::npos);
  EXPECT_NE(region_error("0x1000+0x2000:rw, 0x2000+4KiB:ro").find("overlap"), std::string::npos);
  EXPECT_NE(region_error("0xzz+4KiB:rw").find("START '0xzz' is not a number"), std::string::npos);
  EXPECT_NE(region_error("0x1000+4KiB:rw,,").find("empty region"), std::string::npos);
}

// ---- the fault handler ------------------------------------------------------------

TEST(PageTable, AFaultWritesTheMissingTablesThenTheLeaf) {
  const PageTableFormat& f = *PageTableFormat::find("x86-4level");
  AddressSpace as(parse_regions("0x40000000+1GiB:rw:1GiB, 0x1000+4KiB:none"), true);
  FrameAllocator fa({{0, 8 * k1G}}, {0}, Placement::FirstTouch, 0);
  PageTable pt(f, as, fa);
  std::vector<PteWrite> w;
  EXPECT_EQ(pt.handle_fault(0x10000, 0, w), PageTable::Fault::Mapped);
  EXPECT_EQ(w.size(), 4u);  // PML4E, PDPTE, PDE, then the PTE
  EXPECT_EQ(w[0].addr, pt.root());
  w.clear();
  EXPECT_EQ(pt.handle_fault(0x10008, 0, w), PageTable::Fault::AlreadyMapped);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(pt.handle_fault(0x11000, 0, w), PageTable::Fault::Mapped);
  EXPECT_EQ(w.size(), 1u);  // the same page table
  w.clear();
  EXPECT_EQ(pt.handle_fault(0x40000000 + 5 * k2M, 0, w), PageTable::Fault::Mapped);
  ASSERT_EQ(w.size(), 1u);  // the PML4E and the PDPT exist: only the PDPTE, a 1 GiB leaf
  EXPECT_EQ(f.decode(w[0].value, 1).kind, PteKind::Leaf);
  EXPECT_EQ(pt.handle_fault(0x1000, 0, w), PageTable::Fault::NoAccess);
  DecodedPte d;
  unsigned level;
  ASSERT_TRUE(pt.lookup(0x40000000 + 123, d, level));
  EXPECT_EQ(level, 1u);
  EXPECT_EQ(d.pa % k1G, 0u);
  ASSERT_TRUE(pt.lookup(0x10010, d, level));
  EXPECT_EQ(level, 3u);
  EXPECT_FALSE(pt.lookup(0x20000000, d, level));
  EXPECT_EQ(pt.pages(0), 2u);
  EXPECT_EQ(pt.pages(2), 1u);
  EXPECT_EQ(pt.table_frames(), 4u);  // root, PDPT, PD, PT
}

}  // namespace
