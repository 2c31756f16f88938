#include "sim/base/fast_div.hpp"

#include <gtest/gtest.h>

#include <random>

TEST(FastDiv, AgreesWithTheDivideInstruction) {
  std::mt19937_64 rng(7);
  for (std::uint64_t d :
       {1ull, 2ull, 3ull, 7ull, 333'333ull, 500'000ull, 416'666ull, 1'000'000'007ull, (1ull << 40) + 3, ~0ull}) {
    const cohsim::FastDiv f(d);
    for (int i = 0; i < 20000; ++i) {
      std::uint64_t x = rng() >> (rng() % 64);
      ASSERT_EQ(f(x), x / d) << x << " / " << d;
    }
    for (std::uint64_t x : {std::uint64_t(0), d - 1, d, d + 1, ~std::uint64_t(0), ~std::uint64_t(0) - 1})
      ASSERT_EQ(f(x), x / d) << x << " / " << d;
  }
}
