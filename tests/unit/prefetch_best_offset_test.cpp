// The Best-Offset prefetcher (coherence/prefetch/best_offset.cpp), without a cache around it.
#include <gtest/gtest.h>

#include <map>

#include "prefetch_model.hpp"

using namespace cohsim;
using cohsim::test::PrefetchModel;

namespace {
// The offset of the last proposal relative to its trigger, for every trigger.
std::map<long, unsigned> offsets_after(unsigned stride, unsigned pages) {
  PrefetchModel m("best_offset");
  std::map<long, unsigned> seen;
  for (LineAddr page = 0; page < pages; ++page)
    for (LineAddr off = 0; off < 64; off += stride) {
      const std::size_t before = m.proposed.size();
      const LineAddr x = page * 64 + off;
      m.access(x);
      if (page >= pages - 4 && m.proposed.size() > before) ++seen[long(m.proposed.back()) - long(x)];
    }
  return seen;
}
}  // namespace

TEST(BestOffsetPrefetcher, LearnsAMultipleOfTheStride) {
  // Accesses every 3 lines, ... were requested before, so offsets that are
  // multiples of 3 score, and the others never do (each access is a miss or a
  // prefetched hit). After the learning phases, every proposal is X+D with D a
  // multiple of 3.
  const auto seen = offsets_after(3, 400);
  ASSERT_FALSE(seen.empty());
  for (const auto& [d, n] : seen) EXPECT_EQ(d % 3, 0) << "offset " << d << " proposed " << n << " times";
}

TEST(BestOffsetPrefetcher, LearnsTheStrideOfFiveToo) {
  const auto seen = offsets_after(5, 400);
  ASSERT_FALSE(seen.empty());
  for (const auto& [d, n] : seen) EXPECT_EQ(d % 5, 0) << "offset " << d << " proposed " << n << " times";
}

TEST(BestOffsetPrefetcher, TurnsItselfOffOnRandomLines) {
  // Random lines: no offset scores more than BAD_SCORE, so after a phase (100 rounds of
  // 26 offsets) prefetching stops.
  PrefetchModel m("best_offset");
  std::uint64_t x = 99;
  for (int i = 0; i < 8000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    m.access(LineAddr(x >> 24));
  }
  const std::size_t after_phase = m.proposed.size();
  for (int i = 0; i < 1000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    m.access(LineAddr(x >> 24));
  }
  EXPECT_EQ(m.proposed.size(), after_phase);
}
