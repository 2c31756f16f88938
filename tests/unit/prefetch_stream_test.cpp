// The stream prefetcher (coherence/prefetch/stream.cpp), without a cache around it.
#include <gtest/gtest.h>

#include "prefetch_model.hpp"

using namespace cohsim;
using cohsim::test::PrefetchModel;

TEST(StreamPrefetcher, AscendingPageMissesDistancePlusTwoLines) {
  // Lines 0, 1, 2 train the stream (two moves up); from line 2 on, each access X
  // proposes X+4 and X+5 (distance 4, degree 2): lines 0..5 miss, 6..63 are prefetched.
  PrefetchModel m("stream", 2, 4);
  for (LineAddr l = 0; l < 64; ++l) m.access(l);
  EXPECT_EQ(m.misses, 6u);
  EXPECT_EQ(m.useful, 58u);
  EXPECT_EQ(m.issued, 58u);  // no proposal leaves the page
}

TEST(StreamPrefetcher, DescendingPageToo) {
  PrefetchModel m("stream", 2, 4);
  for (LineAddr l = 64 + 63;; --l) {
    m.access(l);
    if (l == 64) break;
  }
  EXPECT_EQ(m.misses, 6u);
  EXPECT_EQ(m.useful, 58u);
}

TEST(StreamPrefetcher, InterleavedStreamsInTwoPagesAreTrackedApart) {
  PrefetchModel m("stream", 1, 1);
  for (LineAddr i = 0; i < 64; ++i) {
    m.access(i);             // page 0 ascending
    m.access(2 * 64 + 63 - i);  // page 2 descending
  }
  // Distance 1: the first 3 lines of each page miss.
  EXPECT_EQ(m.misses, 6u);
  EXPECT_EQ(m.useful, 2u * 61);
}

TEST(StreamPrefetcher, NoStreamNoProposal) {
  PrefetchModel m("stream", 2, 4);
  for (LineAddr l : {10, 3, 20, 5, 30, 1}) m.access(l);  // direction flips every time
  EXPECT_TRUE(m.proposed.empty());
}
