// split_access: how an imported access of any size and alignment becomes cohsim's
// aligned 1/2/4/8-byte accesses, never crossing an 8-byte boundary (nor a line).
#include "cpu/trace/import_util.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

using namespace cohsim;

namespace {

std::vector<std::pair<Addr, unsigned>> pieces(Addr a, std::uint64_t size) {
  std::vector<std::pair<Addr, unsigned>> v;
  trace_detail::split_access(a, size, [&](Addr pa, std::uint8_t s) { v.emplace_back(pa, s); });
  return v;
}
using P = std::vector<std::pair<Addr, unsigned>>;

}  // namespace

TEST(SplitAccess, AlignedAccessesStayWhole) {
  EXPECT_EQ(pieces(0x1000, 8), (P{{0x1000, 8}}));
  EXPECT_EQ(pieces(0x1004, 4), (P{{0x1004, 4}}));
  EXPECT_EQ(pieces(0x1006, 2), (P{{0x1006, 2}}));
  EXPECT_EQ(pieces(0x1007, 1), (P{{0x1007, 1}}));
}

TEST(SplitAccess, UnalignedInsideAnEightByteBlockWidensToTheAlignedBlockHoldingIt) {
  EXPECT_EQ(pieces(0x1001, 2), (P{{0x1000, 4}}));  // bytes 1-2: the 4-byte block 0-3
  EXPECT_EQ(pieces(0x1003, 2), (P{{0x1000, 8}}));  // bytes 3-4 straddle a 4-byte boundary
  EXPECT_EQ(pieces(0x1001, 3), (P{{0x1000, 4}}));
  EXPECT_EQ(pieces(0x1005, 3), (P{{0x1004, 4}}));
  EXPECT_EQ(pieces(0x1001, 7), (P{{0x1000, 8}}));
}

TEST(SplitAccess, CrossingAnEightByteBoundaryOrALineSplits) {
  EXPECT_EQ(pieces(0x1006, 4), (P{{0x1006, 2}, {0x1008, 2}}));
  EXPECT_EQ(pieces(0x103c, 8), (P{{0x103c, 4}, {0x1040, 4}}));  // crosses the 64-byte line at 0x1040
  EXPECT_EQ(pieces(0x1004, 8), (P{{0x1004, 4}, {0x1008, 4}}));
}

TEST(SplitAccess, WideAccessesBecomeEightBytePieces) {
  EXPECT_EQ(pieces(0x1000, 16), (P{{0x1000, 8}, {0x1008, 8}}));
  EXPECT_EQ(pieces(0x1000, 32), (P{{0x1000, 8}, {0x1008, 8}, {0x1010, 8}, {0x1018, 8}}));
  EXPECT_EQ(pieces(0x1004, 16), (P{{0x1004, 4}, {0x1008, 8}, {0x1010, 4}}));
  EXPECT_EQ(pieces(0x1000, 10), (P{{0x1000, 8}, {0x1008, 2}}));  // an x87 long double
}

TEST(SplitAccess, EveryByteIsCoveredAndNoPieceCrossesEightBytes) {
  for (Addr a = 0x2000; a < 0x2010; ++a)
    for (std::uint64_t size = 1; size <= 40; ++size) {
      std::vector<bool> covered(size, false);
      std::size_t blocks = 0;
      for (auto [pa, s] : pieces(a, size)) {
        EXPECT_EQ(pa % s, 0u);
        EXPECT_EQ(pa / 8, (pa + s - 1) / 8);
        for (Addr b = pa; b < pa + s; ++b)
          if (b >= a && b < a + size) covered[b - a] = true;
        ++blocks;
      }
      // One piece per 8-byte block touched, as counted independently.
      EXPECT_EQ(blocks, (a + size - 1) / 8 - a / 8 + 1) << a << "+" << size;
      for (bool c : covered) EXPECT_TRUE(c);
    }
}

TEST(SplitAccess, TheTopOfMemory) {
  EXPECT_EQ(pieces(~Addr(0) - 7, 8), (P{{~Addr(0) - 7, 8}}));
  EXPECT_TRUE(trace_detail::fits_in_memory(~Addr(0), 1));
  EXPECT_FALSE(trace_detail::fits_in_memory(~Addr(0), 2));
  EXPECT_FALSE(trace_detail::fits_in_memory(0x1000, 0));
}
