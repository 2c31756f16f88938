// The IP-stride prefetcher (coherence/prefetch/ip_stride.cpp), without a cache around it.
#include <gtest/gtest.h>

#include "prefetch_model.hpp"

using namespace cohsim;
using cohsim::test::PrefetchModel;

TEST(IpStridePrefetcher, TwoInterleavedLoopsAreLearntPerPc) {
  // PC 10 walks page 0 by 2 lines (32 accesses), PC 20 page 1 by 5 lines (13 accesses),
  // interleaved. Each PC's first three accesses miss (allocate, learn the stride,
  // confirm it); then access k proposes access k+1 while it stays in the page:
  // 29 proposals for PC 10 (accesses 3..31), 10 for PC 20 (3..12), all used.
  PrefetchModel m("ip_stride");
  for (unsigned k = 0; k < 32; ++k) {
    m.access(2 * k, 10);
    if (k < 13) m.access(64 + 5 * k, 20);
  }
  EXPECT_EQ(m.misses, 6u);
  EXPECT_EQ(m.issued, 29u + 10u);
  EXPECT_EQ(m.useful, 29u + 10u);
}

TEST(IpStridePrefetcher, OnePcWithoutAStrideProposesNothing) {
  PrefetchModel m("ip_stride");
  for (LineAddr l : {5, 9, 2, 40, 41, 7}) m.access(l, 3);
  EXPECT_TRUE(m.proposed.empty());
}

TEST(IpStridePrefetcher, DegreeRunsAheadAndStaysInThePage) {
  PrefetchModel m("ip_stride", 3);
  for (LineAddr l : {0, 4, 8}) m.access(l, 1);
  EXPECT_EQ(m.proposed, (std::vector<LineAddr>{12, 16, 20}));
  PrefetchModel e("ip_stride", 3);
  for (LineAddr l : {40, 48, 56}) e.access(l, 1);
  EXPECT_TRUE(e.proposed.empty());  // 64 is the next page
}
