// Replacement policies, without a cache around them.
#include "coherence/replacement.hpp"

#include <gtest/gtest.h>

using namespace cohsim;

namespace {

TEST(Replacement, RegistryHasTheThreePolicies) {
  auto names = replacement_names();
  for (const char* n : {"lru", "plru", "random"}) EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(Replacement, LruEvictsTheWayTouchedLongestAgo) {
  auto p = make_replacement("lru", 2, 4, 0);
  for (unsigned w : {0, 1, 2, 3}) p->touch(1, w);
  EXPECT_EQ(p->victim(1), 0u);
  p->touch(1, 0);
  EXPECT_EQ(p->victim(1), 1u);
  p->touch(1, 1);
  p->touch(1, 2);
  EXPECT_EQ(p->victim(1), 3u);
}

TEST(Replacement, TreePlruFollowsTheBitsAwayFromRecentTouches) {
  // 4 ways: root bit picks a half, one bit per half picks a way.
  auto p = make_replacement("plru", 1, 4, 0);
  for (unsigned w : {0, 1, 2, 3}) p->touch(0, w);
  EXPECT_EQ(p->victim(0), 0u);  // last touch 3: root points left, left bit points to 0
  p->touch(0, 0);
  EXPECT_EQ(p->victim(0), 2u);  // root points right, right bit points to 2 (3 was touched after 2)
  p->touch(0, 2);
  EXPECT_EQ(p->victim(0), 1u);  // tree-PLRU is not LRU: true LRU would say 1 too here
  p->touch(0, 1);
  EXPECT_EQ(p->victim(0), 3u);
}

TEST(Replacement, RandomIsDeterministicPerSeedAndCoversEveryWay) {
  auto a = make_replacement("random", 1, 8, 42), b = make_replacement("random", 1, 8, 42);
  std::vector<int> seen(8, 0);
  for (int i = 0; i < 400; ++i) {
    unsigned v = a->victim(0);
    EXPECT_EQ(v, b->victim(0));
    ASSERT_LT(v, 8u);
    ++seen[v];
  }
  for (int c : seen) EXPECT_GT(c, 20);
}

}  // namespace
