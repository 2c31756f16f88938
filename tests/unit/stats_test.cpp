// The latency histogram's power-of-two buckets, counted by hand.
#include "sim/base/stats.hpp"

#include <gtest/gtest.h>

namespace cohsim {
namespace {

TEST(HistogramTest, PowerOfTwoBucketsAsDocumented) {
  Histogram h;
  // [0,1] [2,3] [4,7] [8,15] ...; the last bucket takes everything from 2^23 up.
  for (std::uint64_t v : {0, 1, 2, 3, 4, 7, 8, 15, 16}) h.add(v);
  EXPECT_EQ(h.buckets[0], 2u);
  EXPECT_EQ(h.buckets[1], 2u);
  EXPECT_EQ(h.buckets[2], 2u);
  EXPECT_EQ(h.buckets[3], 2u);
  EXPECT_EQ(h.buckets[4], 1u);
  h.add((std::uint64_t(1) << 23) - 1);
  EXPECT_EQ(h.buckets[22], 1u);
  h.add(std::uint64_t(1) << 23);
  h.add(std::uint64_t(1) << 40);
  h.add(~std::uint64_t(0));
  EXPECT_EQ(h.buckets[23], 3u);
  EXPECT_EQ(h.count, 13u);
  EXPECT_EQ(h.max, ~std::uint64_t(0));
  EXPECT_EQ(h.percentile(0.5), 15u);  // the 7th of 13 values (8) lies in [8,15]
}

}  // namespace
}  // namespace cohsim
