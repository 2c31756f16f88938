// sim/base/random.hpp: the one random source and its named streams.
#include "sim/base/random.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace cohsim {
namespace {

// SplitMix64's published outputs (Vigna's reference splitmix64.c, state 0 and state
// 1234567), checked here against the class, written from the paper's description.
TEST(Random, SplitMix64ReferenceOutputs) {
  Random r(0);
  EXPECT_EQ(r.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(r.next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(r.next(), 0x06c45d188009454fULL);
  Random q(1234567);
  EXPECT_EQ(q.next(), 6457827717110365317ULL);
  EXPECT_EQ(q.next(), 3203168211198807973ULL);
}

TEST(Random, BelowStaysInRangeAndCoversIt) {
  Random r(42);
  std::vector<unsigned> seen(7, 0);
  for (int i = 0; i < 7000; ++i) {
    const std::uint64_t v = r.below(7);
    ASSERT_LT(v, 7u);
    ++seen[v];
  }
  for (unsigned n : seen) EXPECT_GT(n, 850u) << "each of 7 values about 1000 times";
  Random one(5);
  EXPECT_EQ(one.below(1), 0u);
}

// A stream is fixed by (seed, name, index) alone: drawing from one never moves another,
// and different names, indices or seeds give different sequences.
TEST(Random, StreamsAreIndependentAndRepeatable) {
  Random a = random_stream(7, "core.start_jitter", 0);
  Random b = random_stream(7, "core.start_jitter", 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());

  Random x = random_stream(7, "l2.replacement", 3);
  const std::uint64_t first = x.next();
  Random other = random_stream(7, "network.jitter");
  for (int i = 0; i < 1000; ++i) other.next();  // another component draws a lot
  EXPECT_EQ(random_stream(7, "l2.replacement", 3).next(), first);

  std::set<std::uint64_t> starts;
  const std::vector<std::string> names = {"core.start_jitter", "l1d.replacement", "l2.replacement",
                                          "l3.replacement",    "network.jitter",  "stress.ops",
                                          "stress.steering",   "litmus.schedule", "mcheck.program"};
  std::size_t made = 0;
  for (std::uint64_t seed : {0ULL, 1ULL, 2ULL, 1000ULL})
    for (const auto& n : names)
      for (std::uint64_t i = 0; i < 64; ++i, ++made) starts.insert(stream_state(seed, n, i));
  EXPECT_EQ(starts.size(), made) << "no two (seed, name, index) share a starting state";
  EXPECT_NE(stream_name_hash("l1d.replacement"), stream_name_hash("l2.replacement"));
}

}  // namespace
}  // namespace cohsim
