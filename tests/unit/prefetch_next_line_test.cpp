// The next-line prefetcher (coherence/prefetch/next_line.cpp), without a cache around it.
#include <gtest/gtest.h>

#include "prefetch_model.hpp"

using namespace cohsim;
using cohsim::test::PrefetchModel;

TEST(NextLinePrefetcher, AscendingStreamMissesOncePerPage) {
  // Degree 1, 64-byte lines: a 4 KiB page has 64 lines; the first misses and
  // proposes the second, each prefetched hit proposes the next; the page's last
  // line proposes nothing (the next page may not be the next frame).
  PrefetchModel m("next_line");
  for (LineAddr l = 0; l < 3 * 64; ++l) m.access(l);
  EXPECT_EQ(m.misses, 3u);
  EXPECT_EQ(m.issued, 3u * 63);
  EXPECT_EQ(m.useful, 3u * 63);
}

TEST(NextLinePrefetcher, DegreeProposesThatManyLinesAndHitsDoNotTrigger) {
  PrefetchModel m("next_line", 4);
  m.access(0);  // a miss: 1, 2, 3, 4
  EXPECT_EQ(m.proposed, (std::vector<LineAddr>{1, 2, 3, 4}));
  m.access(0);  // a plain hit: nothing
  EXPECT_EQ(m.proposed.size(), 4u);
  m.access(2);  // a prefetched hit: 3..6, of which 5 and 6 are new
  EXPECT_EQ(m.issued, 6u);
  // Without a miss the ascending stream of 64 lines with degree 4: 1 miss.
  PrefetchModel s("next_line", 4);
  for (LineAddr l = 64; l < 128; ++l) s.access(l);
  EXPECT_EQ(s.misses, 1u);
}

TEST(NextLinePrefetcher, RandomLinesAreProposedButNeverUsed) {
  PrefetchModel m("next_line");
  std::uint64_t x = 12345;
  for (int i = 0; i < 200; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    m.access(LineAddr((x >> 20) % 100000) * 2);  // even lines only: the proposals (odd) are never read
  }
  EXPECT_GT(m.issued, 150u);
  EXPECT_EQ(m.useful, 0u);
}

TEST(Prefetchers, RegistryListsThemAndListsCombine) {
  for (const char* n : {"next_line", "stream", "ip_stride", "best_offset"})
    EXPECT_NE(prefetcher_registry().find(n), nullptr) << n;
  EXPECT_EQ(prefetcher_list("[next_line, stream]"), (std::vector<std::string>{"next_line", "stream"}));
  EXPECT_TRUE(prefetcher_list("none").empty());
  // Two prefetchers combined propose what each would.
  PrefetchModel m("next_line,ip_stride");
  EXPECT_EQ(m.pf.size(), 2u);
}
