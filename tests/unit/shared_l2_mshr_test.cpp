// A shared L2's MSHRs (l2.mshrs at l2.shared: true): System builds the shared L2 as a
// SharedCache with that many MSHRs and no banks, the L3's class and code. Driven here
// alone with line reads as the fabric would send them, over a memory that answers a
// fixed time later: hand-computed answer times for two independent misses (they
// overlap with two MSHRs, the second waits for the first's data with one) and for a
// read of a line whose miss is outstanding (it merges and waits for the data; a level
// without MSHRs, as the shared L2 was before l2.mshrs reached it, answered it as a hit
// before the data had arrived).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>

#include "coherence/shared_cache.hpp"
#include "sim/memory/memory_level.hpp"

namespace cohsim {
namespace {

constexpr unsigned kLine = 64;
constexpr Tick kMemory = 1000, kLookup = 20;

// Answers every read kMemory after it, at the call (as FixedLatencyMemory does without
// a bandwidth limit).
struct FixedMemory final : MemoryLevel {
  std::uint64_t reads = 0;
  void read_line(Tick t, LineAddr, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag, std::uint32_t) override {
    ++reads;
    std::memset(out, 0, kLine);
    w->memory_ready(tag, t + kMemory);
  }
  void write_line(Tick, LineAddr, const std::uint8_t*, std::uint32_t) override {}
  void peek_line(LineAddr, std::uint8_t* out) const override { std::memset(out, 0, kLine); }
};

// When each request (by tag) heard its answer.
struct Answers final : MemoryWaiter {
  std::map<std::uint64_t, Tick> at;
  void memory_ready(std::uint64_t tag, Tick t) override { at[tag] = t; }
};

// A 64-line, 8-way shared L2 of `mshrs` MSHRs (0: none) with a 20-tick lookup.
struct SharedL2 {
  FixedMemory mem;
  SharedCache cache;
  Stats stats;
  explicit SharedL2(unsigned mshrs)
      : cache({64 * kLine, 8, kLine}, "lru", 1, kLookup, true, true, &mem, SharedCacheResources{0, 0, mshrs, 1}) {
    cache.register_stats(stats, "l2");
  }
  std::uint64_t get(const char* k) const { return stats.get(std::string("l2.") + k); }
};

// Lines 0 and 1 read at ticks 0 and 5. Each lookup ends 20 later (20, 25) and its
// memory read is answered 1000 after it is issued.
//   2 MSHRs: both issue at once: answered at 1020 and 1025; the run's last answer 1025.
//   1 MSHR:  line 1 finds it in use and waits for line 0's data (1020), then issues:
//            answered at 2020, having waited 1020 - 25 = 995 ticks for the MSHR.
TEST(SharedL2Mshrs, TwoIndependentMissesOverlapWithTwoMshrsAndNotWithOne) {
  for (unsigned mshrs : {2u, 1u}) {
    SCOPED_TRACE(mshrs);
    SharedL2 l2(mshrs);
    Answers a;
    std::uint8_t buf[kLine];
    l2.cache.read_line(0, 0, buf, &a, 0, 0);
    l2.cache.read_line(5, 1, buf, &a, 1, 0);
    l2.cache.finish(3000);
    EXPECT_EQ(a.at.at(0), 1020u);
    EXPECT_EQ(a.at.at(1), mshrs == 2 ? 1025u : 2020u);
    EXPECT_EQ(l2.mem.reads, 2u);
    EXPECT_EQ(l2.get("read_misses"), 2u);
    EXPECT_EQ(l2.get("mshr_max_in_use"), mshrs);
    EXPECT_EQ(l2.get("mshr_full_misses"), mshrs == 2 ? 0u : 1u);
    EXPECT_DOUBLE_EQ(l2.stats.values().at("l2.mshr_wait_uncore_cycles"), mshrs == 2 ? 0.0 : 995.0);
    // Occupancy: each MSHR from its request below to its data, 1000 + 1000 ticks over
    // the 3000-tick window, however they overlap.
    EXPECT_DOUBLE_EQ(l2.stats.values().at("l2.mshr_avg_in_use"), 2000.0 / 3000.0);
    // AMAT: arrival to answer, (1020 + 1020) / 2 or (1020 + 2015) / 2.
    EXPECT_DOUBLE_EQ(l2.stats.values().at("l2.amat_uncore_cycles"), mshrs == 2 ? 1020.0 : 3035.0 / 2);
  }
}

// Line 0 read at tick 0 (a miss: its data at 1020) and again at tick 100 (its lookup
// ends at 120, the data not there yet). With MSHRs the second read merges into the
// first's MSHR and hears at 1020, one memory read in all; without (the model of the
// shared L2 before it had MSHRs) the line, filled as the request went down, answered
// the second read as a hit at 120, 900 ticks before memory had delivered it.
TEST(SharedL2Mshrs, AReadOfALineInFlightMergesAndWaitsForItsData) {
  for (unsigned mshrs : {8u, 0u}) {
    SCOPED_TRACE(mshrs);
    SharedL2 l2(mshrs);
    Answers a;
    std::uint8_t buf[kLine];
    l2.cache.read_line(0, 0, buf, &a, 0, 0);
    l2.cache.read_line(100, 0, buf, &a, 1, 0);
    EXPECT_EQ(a.at.at(0), 1020u);
    EXPECT_EQ(a.at.at(1), mshrs ? 1020u : 120u);
    EXPECT_EQ(l2.mem.reads, 1u);
    EXPECT_EQ(l2.get("read_misses"), mshrs ? 2u : 1u);
    EXPECT_EQ(l2.get("read_hits"), mshrs ? 0u : 1u);
    if (mshrs) EXPECT_EQ(l2.get("mshr_merges"), 1u);
  }
}

}  // namespace
}  // namespace cohsim
