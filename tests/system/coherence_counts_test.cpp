// Two cores passing lines back and forth under MSI on the bus: the bus
// transactions, invalidations and writebacks a student computes by hand. The
// `compute` gaps are far longer than a miss, so the threads take turns.
#include <gtest/gtest.h>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

const char* kTwoCoresL1Only = "cores: 2\nl2: null\nl3: null\ncheck: true\n";

TEST(CoherenceCounts, AlternatingWritersInvalidateEachOther) {
  // Five stores to x, alternating between the cores:
  //   t0 store: I->M   GetM (from memory)
  //   t1 store: I->M   GetM, t0 M->I (invalidation 1, data cache-to-cache)
  //   t0 store: I->M   GetM, t1 M->I (invalidation 2)
  //   t1 store: ...    GetM, invalidation 3
  //   t0 store: ...    GetM, invalidation 4
  // 5 transactions, all GetM; 4 invalidations; 4 cache-to-cache transfers.
  const char* trace = R"(
thread 0
  store x 1
  compute 3000
  store x 3
  compute 3000
  store x 5
  load x -> last
thread 1
  compute 1500
  store x 2
  compute 3000
  store x 4
)";
  auto r = simulate(kTwoCoresL1Only, trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.transactions"), 5);
  EXPECT_EQ(r.at("bus.msgs.GetM"), 5);
  EXPECT_EQ(r.at("bus.msgs.GetS"), 0);
  EXPECT_EQ(r.at("core0.l1d.invalidations") + r.at("core1.l1d.invalidations"), 4);
  EXPECT_EQ(r.at("bus.cache_to_cache"), 4);
  EXPECT_EQ(r.at("core0.regs.last"), 5);
}

TEST(CoherenceCounts, ProducerConsumerReadsDowngradeTheWriter) {
  // t0 writes x, t1 reads it, three rounds:
  //   store (t0): round 1 I->M GetM; rounds 2, 3: S->M GetM (upgrade), t1 S->I (inval.)
  //   load (t1):  I->S GetS; t0 M->S, supplies data and writes memory back
  // 6 transactions: 3 GetM + 3 GetS; 2 invalidations; 3 memory writebacks.
  const char* trace = R"(
thread 0
  store x 1
  compute 3000
  store x 2
  compute 3000
  store x 3
thread 1
  compute 1500
  load x -> a
  compute 3000
  load x -> b
  compute 3000
  load x -> c
)";
  auto r = simulate(kTwoCoresL1Only, trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.msgs.GetM"), 3);
  EXPECT_EQ(r.at("bus.msgs.GetS"), 3);
  EXPECT_EQ(r.at("bus.transactions"), 6);
  EXPECT_EQ(r.at("core1.l1d.invalidations"), 2);
  EXPECT_EQ(r.at("core0.l1d.invalidations"), 0);
  EXPECT_EQ(r.at("bus.memory_writebacks"), 3);
  EXPECT_EQ(r.at("core0.l1d.upgrades"), 2);
  EXPECT_EQ(r.at("core1.regs.a"), 1);
  EXPECT_EQ(r.at("core1.regs.b"), 2);
  EXPECT_EQ(r.at("core1.regs.c"), 3);
}

TEST(CoherenceCounts, ReadThenWriteByOneCoreCostsTwoTransactionsUnderMsi) {
  // MSI has no Exclusive state: the load brings the line in S (GetS), the store
  // must upgrade it (GetM).
  auto r = simulate("cores: 1\nl2: null\nl3: null\n", "thread 0\n  load x -> r\n  fence SeqCst\n  store x 1\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.transactions"), 2);
  EXPECT_EQ(r.at("bus.msgs.GetS"), 1);
  EXPECT_EQ(r.at("bus.msgs.GetM"), 1);
}

TEST(CoherenceCounts, DirtyEvictionWritesBack) {
  // A direct-mapped 4-line L1: x and x+256 map to the same set. Writing both
  // evicts the dirty x: one PutM, which memory receives.
  auto r = simulate("cores: 1\nl1d: {size: 256B, assoc: 1}\nl2: null\nl3: null\n",
                    "thread 0\n  store 0x10000 1\n  store 0x10100 2\n  fence SeqCst\n  load 0x10000 -> r\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.msgs.PutM"), 2);  // x evicted by x+256, then x+256 by x again
  EXPECT_EQ(r.at("memory.writes"), 2);
  EXPECT_EQ(r.at("core0.regs.r"), 1);
}

}  // namespace

// A load that finds its line already being fetched meets the transient state's
// "stall" cell once, and is not asked again until the data arrives: the core is not
// woken when the line only moves from IS_AD to IS_D, and another line's fill (0x2040)
// does not wake it either. (Waking it on every change counted three stalls here.)
TEST(CoherenceCounts, AWaitingLoadIsAskedAgainOnlyWhenItsLineArrives) {
  const char* trace = R"(
thread 0
  load 0x1000 -> a
  load 0x1008 -> b
  load 0x2040 -> c
)";
  auto r = simulate("cores: 1\n", trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.msgs.GetS"), 2);
  EXPECT_EQ(r.at("core0.l2.cells.IS_AD.Load") + r.at("core0.l2.cells.IS_D.Load"), 1);
  EXPECT_EQ(r.at("core0.l2.cells.IS_D.Data"), 2);
  EXPECT_EQ(r.at("core0.l1d.load_misses"), 3);
}
