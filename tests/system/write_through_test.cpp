// The write-through L1D (l1d.write_back: false) and its write-combining buffer
// (l1d.wc_entries): hand counts of write-throughs, combined stores and drains on traces
// a student can list, a drain forced by another core's read, the core reading its own
// buffered store after the L1D dropped the line, and the random tester with the
// checker on every protocol and fabric; the write path's timing (cycles and stalls of
// short bursts, by hand) and no-write-allocate. docs/architecture.md, "Write-through L1D".
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;

namespace {

const std::string kOneCore = "cores: 1\ncheck: true\n";
const std::string kTwoCores = "cores: 2\ncheck: true\n";

// Nine 8-byte stores to three lines A (0x1000), B (0x2000), C (0x3000), in the order
// A+0 A+8 A+16 B+0 B+8 A+24 C+0 C+0 A+0.
const std::string kNineStores =
    "thread 0\n"
    "  store 0x1000 1\n  store 0x1008 2\n  store 0x1010 3\n"
    "  store 0x2000 4\n  store 0x2008 5\n"
    "  store 0x1018 6\n"
    "  store 0x3000 7\n  store 0x3000 8\n"
    "  store 0x1000 9\n";

TEST(WriteThrough, WithoutABufferEachStoreWritesThroughAlone) {
  // 9 stores: 9 write-throughs of 8 bytes each, and no L1D writeback (its lines are
  // never dirty). The write-back L1D sends nothing down until it evicts.
  auto wt = simulate(kOneCore, kNineStores, {"--set", "l1d.write_back=false"});
  ASSERT_EQ(wt.exit_code, 0) << wt.err;
  EXPECT_EQ(wt.at("core0.stores"), 9);
  EXPECT_EQ(wt.at("core0.l1d.write_throughs"), 9);
  EXPECT_EQ(wt.at("core0.l1d.write_through_bytes"), 72);
  EXPECT_EQ(wt.at("core0.l1d.writebacks"), 0);
  EXPECT_EQ(wt.stats.count("core0.l1d.wc_combined"), 0u);  // no buffer, no buffer statistics
  auto wb = simulate(kOneCore, kNineStores);
  ASSERT_EQ(wb.exit_code, 0) << wb.err;
  EXPECT_EQ(wb.stats.count("core0.l1d.write_throughs"), 0u);  // a write-back run prints what it did before
  // The same misses either way: the write-through path changes the traffic, not the fills.
  EXPECT_EQ(wt.at("core0.l1d.misses"), wb.at("core0.l1d.misses"));
  EXPECT_EQ(wt.at("core0.l2.misses"), wb.at("core0.l2.misses"));
}

TEST(WriteThrough, TwoCombiningEntriesByHand) {
  // Two entries, the oldest drains when a new line finds both in use:
  //   A+0 A+8 A+16 -> entry A (1 allocation, 2 combined)
  //   B+0 B+8      -> entry B (1 allocation, 1 combined)
  //   A+24         -> combined into A
  //   C+0          -> full: A drains (32 bytes), entry C
  //   C+0          -> combined into C
  //   A+0          -> full: B drains (16 bytes), entry A
  //   end of run   -> C (8 bytes) and A (8 bytes) drain
  // 4 write-throughs (the 4 allocations), 5 stores combined, 2 full drains, 2 at the
  // end, 64 bytes (the distinct bytes each entry held).
  auto r = simulate(kOneCore, kNineStores, {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.write_throughs"), 4);
  EXPECT_EQ(r.at("core0.l1d.wc_combined"), 5);
  EXPECT_EQ(r.at("core0.l1d.wc_drains.full"), 2);
  EXPECT_EQ(r.at("core0.l1d.wc_drains.end"), 2);
  EXPECT_EQ(r.at("core0.l1d.wc_drains.coherence"), 0);
  EXPECT_EQ(r.at("core0.l1d.write_through_bytes"), 64);
  // Four entries hold all three lines: one write-through per line, at the end.
  auto big = simulate(kOneCore, kNineStores, {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=4"});
  ASSERT_EQ(big.exit_code, 0) << big.err;
  EXPECT_EQ(big.at("core0.l1d.write_throughs"), 3);
  EXPECT_EQ(big.at("core0.l1d.wc_combined"), 6);
  EXPECT_EQ(big.at("core0.l1d.wc_drains.end"), 3);
  EXPECT_EQ(big.at("core0.l1d.write_through_bytes"), 32 + 16 + 8);
}

TEST(WriteThrough, AnotherCoresReadDrainsTheEntryFirst) {
  // Core 0's store waits in its buffer; core 1's load takes the line (the L2 goes M ->
  // S): the entry drains before the data leaves, and core 1 reads 1 (the checker
  // compares every load with the last store). Core 0's second store upgrades again
  // and drains at the end. (The idle timer is off: l1d.wc_drain_cycles' default would
  // drain the entry during the compute.)
  const std::string trace =
      "thread 0\n  store 0x1000 1\n  compute 5000\n  store 0x1008 2\n"
      "thread 1\n  compute 2500\n  load 0x1000\n";
  for (const char* fabric : {"bus", "directory"}) {
    auto r = simulate(kTwoCores, trace,
                      {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=4", "--set",
                       std::string("coherence.fabric=") + fabric, "--set", "l1d.wc_drain_cycles=0"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.at("core0.l1d.wc_drains.coherence"), 1) << fabric;
    EXPECT_EQ(r.at("core0.l1d.wc_drains.end"), 1) << fabric;
    EXPECT_EQ(r.at("core0.l1d.write_throughs"), 2) << fabric;
    EXPECT_EQ(r.at("core1.l1d.write_throughs"), 0) << fabric;
  }
}

TEST(WriteThrough, TheCoreReadsItsBufferedStoreAfterTheL1dDroppedTheLine) {
  // A direct-mapped 2-line L1D: the load of 0x1080 (same set) evicts 0x1000 silently
  // while its store is still in the buffer; the next load of 0x1000 refills the L1D
  // from the L2 and must see 7 (the buffered bytes overlay the L2's copy). The checker
  // fails the run on a stale value. (The idle timer is off, so the store stays buffered.)
  const std::string trace =
      "thread 0\n  store 0x1000 7\n  compute 2000\n  load 0x1080\n  compute 2000\n  load 0x1000\n";
  auto r = simulate(kOneCore, trace,
                    {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=2", "--set", "l1d.size=128B", "--set",
                     "l1d.assoc=1", "--set", "l1d.wc_drain_cycles=0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.evictions"), 2);  // 0x1000 for 0x1080, then 0x1080 for 0x1000
  EXPECT_EQ(r.at("core0.l1d.writebacks"), 0);
  EXPECT_EQ(r.at("core0.l1d.load_primary_misses"), 2);
  EXPECT_EQ(r.at("core0.l1d.wc_drains.end"), 1);
}

// The write path's timing (docs/architecture.md, "Write-through L1D"), by hand. Six
// 8-byte stores to one line: the first misses (DRAM), the other five wait behind it
// in the store buffer, so when the line arrives they are ready one per cycle (a
// write-back L1D drains them in 5 cycles). With l2.write_cycles=10 each
// write-through holds the path 10 cycles (max(10, ceil(8 / 32))).
const std::string kSixStores =
    "thread 0\n"
    "  store 0x1000 1\n  store 0x1008 2\n  store 0x1010 3\n  store 0x1018 4\n  store 0x1020 5\n  store 0x1028 6\n";

TEST(WriteThroughTiming, AOneEntryWriteBufferHoldsEachStoreUntilThePreviousReachesTheL2) {
  auto wb = simulate(kOneCore, kSixStores);
  ASSERT_EQ(wb.exit_code, 0) << wb.err;
  auto wt = simulate(kOneCore, kSixStores,
                     {"--set", "l1d.write_back=false", "--set", "l1d.write_buffer=1", "--set", "l2.write_cycles=10"});
  ASSERT_EQ(wt.exit_code, 0) << wt.err;
  // Store 1 performs as its line arrives; its message holds the path from the next
  // edge E for 10 cycles. Store 2, ready at E, waits until E+10; store k enters at
  // E+10(k-1), the 6th at E+50, where the write-back L1D took the 6th at E+4.
  EXPECT_EQ(wt.at("core0.cycles") - wb.at("core0.cycles"), 50 - 4);
  EXPECT_EQ(wt.at("core0.l1d.write_throughs"), 6);
  EXPECT_EQ(wt.at("core0.l1d.write_through_busy_cycles"), 6 * 10);
  // Stores 2..6 each wait: store 2 the 10 cycles from E, each later one the 9 cycles
  // from the cycle after its predecessor entered.
  EXPECT_EQ(wt.at("core0.l1d.write_buffer_stalls"), 5);
  EXPECT_EQ(wt.at("core0.l1d.write_buffer_stall_cycles"), 10 + 4 * 9);
}

TEST(WriteThroughTiming, TwoEntriesLetOneStoreThroughAtOnce) {
  auto wb = simulate(kOneCore, kSixStores);
  auto wt = simulate(kOneCore, kSixStores,
                     {"--set", "l1d.write_back=false", "--set", "l1d.write_buffer=2", "--set", "l2.write_cycles=10"});
  ASSERT_EQ(wt.exit_code, 0) << wt.err;
  // Store 2 takes the second entry at E (its message follows store 1's: E+10..E+20).
  // Store 3, ready at E+1, waits for store 1's entry (E+10); store 4, ready at E+11,
  // for store 2's (E+20); ... store 6 enters at E+40: 4 stalls of 9 cycles.
  EXPECT_EQ(wt.at("core0.cycles") - wb.at("core0.cycles"), 40 - 4);
  EXPECT_EQ(wt.at("core0.l1d.write_buffer_stalls"), 4);
  EXPECT_EQ(wt.at("core0.l1d.write_buffer_stall_cycles"), 4 * 9);
  // A wider path does not help: the L2 takes a write every 10 cycles.
  auto wide = simulate(kOneCore, kSixStores,
                       {"--set", "l1d.write_back=false", "--set", "l1d.write_buffer=2", "--set", "l2.write_cycles=10",
                        "--set", "l1d.write_path_width=4096"});
  EXPECT_EQ(wide.at("core0.cycles"), wt.at("core0.cycles"));
  // A narrow path does: 8 bytes at 1 byte a cycle hold it 8 cycles, more than the L2's 2.
  auto narrow = simulate(kOneCore, kSixStores,
                         {"--set", "l1d.write_back=false", "--set", "l1d.write_buffer=1", "--set",
                          "l1d.write_path_width=1"});
  EXPECT_EQ(narrow.at("core0.l1d.write_through_busy_cycles"), 6 * 8);
  EXPECT_EQ(narrow.at("core0.cycles") - wb.at("core0.cycles"), 5 * 8 - 4);
}

TEST(WriteThroughTiming, ACombiningEntryTakesTheWholeBurst) {
  // One write-combining entry: the six stores merge, nothing waits, and the one
  // message (48 bytes: max(10, ceil(48 / 32)) = 10 cycles) drains at the end.
  auto wb = simulate(kOneCore, kSixStores);
  auto wc = simulate(kOneCore, kSixStores,
                     {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=1", "--set", "l2.write_cycles=10"});
  ASSERT_EQ(wc.exit_code, 0) << wc.err;
  EXPECT_EQ(wc.at("core0.cycles"), wb.at("core0.cycles"));
  EXPECT_EQ(wc.at("core0.l1d.wc_combined"), 5);
  EXPECT_EQ(wc.at("core0.l1d.write_through_bytes"), 48);
  EXPECT_EQ(wc.at("core0.l1d.write_through_busy_cycles"), 10);
  EXPECT_EQ(wc.at("core0.l1d.write_buffer_stalls"), 0);
}

TEST(WriteThroughTiming, ANewLineWaitsForTheOldestEntrysDrain) {
  // Lines A and B alternate after both are in the L2 (the compute lets the misses
  // finish). With one entry every store after the first finds it holding the other
  // line: the entry drains (10 cycles) and the store waits for it. B's first store
  // (its line arriving) and the four stores after the compute: 5 full drains, 5
  // stalls of 10 cycles, the last entry at the end; 6 messages of 8 bytes.
  const std::string trace =
      "thread 0\n  store 0x1000 1\n  store 0x2000 2\n  compute 1000\n"
      "  store 0x1008 3\n  store 0x2008 4\n  store 0x1010 5\n  store 0x2010 6\n";
  auto one = simulate(kOneCore, trace,
                      {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=1", "--set", "l2.write_cycles=10"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.at("core0.l1d.wc_drains.full"), 5);
  EXPECT_EQ(one.at("core0.l1d.wc_drains.end"), 1);
  EXPECT_EQ(one.at("core0.l1d.write_throughs"), 6);
  EXPECT_EQ(one.at("core0.l1d.write_through_busy_cycles"), 60);
  EXPECT_EQ(one.at("core0.l1d.write_buffer_stalls"), 5);
  // Two entries hold both lines: 4 stores combined, no stall, 2 messages of 24 bytes at the end.
  auto two = simulate(kOneCore, trace,
                      {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=2", "--set", "l2.write_cycles=10"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(two.at("core0.l1d.wc_combined"), 4);
  EXPECT_EQ(two.at("core0.l1d.wc_drains.full"), 0);
  EXPECT_EQ(two.at("core0.l1d.write_through_bytes"), 48);
  EXPECT_EQ(two.at("core0.l1d.write_buffer_stalls"), 0);
  EXPECT_EQ(two.at("core0.l1d.write_buffer_stall_cycles"), 0);
  EXPECT_LT(two.at("core0.cycles"), one.at("core0.cycles"));
}

// l1d.wc_drain_cycles: an entry no store has written for that many cycles drains on
// its own. One entry, line A then B:
//   store A+0                 -> entry A
//   compute 3000              -> A idle from its store: drains 1000 cycles later (idle)
//   store A+8                 -> a new entry A (the old one gone)
//   compute 600               -> A idle 600 < 1000 cycles: stays
//   store B+0                 -> full: A drains, the store waits for it; entry B
//   end of run                -> B drains (end)
// 3 messages of 8 bytes, 1 stall. With the timer off (0) A's two stores combine: one
// full drain of 16 bytes and the end's, 2 messages. The timer counts from an entry's
// last store: with `compute 600` first and `compute 3000` second, A+8 merges (600 <
// 1000) and the drain when B comes is an idle one (A untouched for 3000): 2 messages, no
// full drain, no stall.
TEST(WriteThroughTiming, AnEntryIdleForWcDrainCyclesDrainsOnItsOwn) {
  auto run = [](const std::string& first, const std::string& second, const char* cycles) {
    return simulate(kOneCore,
                    "thread 0\n  store 0x1000 1\n  compute " + first + "\n  store 0x1008 2\n  compute " + second +
                        "\n  store 0x2000 3\n",
                    {"--set", "l1d.write_back=false", "--set", "l1d.wc_entries=1", "--set", "l2.write_cycles=10",
                     "--set", std::string("l1d.wc_drain_cycles=") + cycles});
  };
  auto timer = run("3000", "600", "1000");
  ASSERT_EQ(timer.exit_code, 0) << timer.err;
  EXPECT_EQ(timer.at("core0.l1d.wc_drains.idle"), 1);
  EXPECT_EQ(timer.at("core0.l1d.wc_drains.full"), 1);
  EXPECT_EQ(timer.at("core0.l1d.wc_drains.end"), 1);
  EXPECT_EQ(timer.at("core0.l1d.wc_combined"), 0);
  EXPECT_EQ(timer.at("core0.l1d.write_throughs"), 3);
  EXPECT_EQ(timer.at("core0.l1d.write_through_bytes"), 24);
  EXPECT_EQ(timer.at("core0.l1d.write_buffer_stalls"), 1);
  auto off = run("3000", "600", "0");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.stats.count("core0.l1d.wc_drains.idle"), 0u);  // no timer, no statistic
  EXPECT_EQ(off.at("core0.l1d.wc_drains.full"), 1);
  EXPECT_EQ(off.at("core0.l1d.wc_drains.end"), 1);
  EXPECT_EQ(off.at("core0.l1d.wc_combined"), 1);
  EXPECT_EQ(off.at("core0.l1d.write_throughs"), 2);
  EXPECT_EQ(off.at("core0.l1d.write_through_bytes"), 24);
  auto reset = run("600", "3000", "1000");
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_EQ(reset.at("core0.l1d.wc_combined"), 1);
  EXPECT_EQ(reset.at("core0.l1d.wc_drains.idle"), 1);
  EXPECT_EQ(reset.at("core0.l1d.wc_drains.full"), 0);
  EXPECT_EQ(reset.at("core0.l1d.wc_drains.end"), 1);
  EXPECT_EQ(reset.at("core0.l1d.write_throughs"), 2);
  EXPECT_EQ(reset.at("core0.l1d.write_buffer_stalls"), 0);
  // The idle drain saves the store to B its wait: on the same trace with the timer off,
  // B's store finds A's entry and waits 10 cycles (l2.write_cycles) for its message.
  auto off2 = run("600", "3000", "0");
  ASSERT_EQ(off2.exit_code, 0) << off2.err;
  EXPECT_EQ(off2.at("core0.l1d.wc_drains.full"), 1);
  EXPECT_EQ(off2.at("core0.l1d.write_buffer_stalls"), 1);
  EXPECT_EQ(reset.at("core0.l1d.write_buffer_stall_cycles"), 0);
  EXPECT_EQ(off2.at("core0.cycles") - reset.at("core0.cycles"), 10);
}

// No-write-allocate (l1d.write_allocate: false), by hand: a store that misses the L1D
// writes through without filling it; a load fills it.
TEST(WriteThrough, NoWriteAllocateLeavesTheL1dUnfilledUntilALoad) {
  // store A+0 (L1D and L2 miss), store A+8 (L1D miss again: the line is only in the
  // L2, a hit there), load A+0 (L1D miss, L2 hit, fills the L1D), store A+16 (L1D hit).
  const std::string trace =
      "thread 0\n  store 0x1000 1\n  compute 1000\n  store 0x1008 2\n  compute 100\n  load 0x1000\n"
      "  compute 100\n  store 0x1010 3\n";
  auto r = simulate(kOneCore, trace, {"--set", "l1d.write_back=false", "--set", "l1d.write_allocate=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.store_primary_misses"), 2);
  EXPECT_EQ(r.at("core0.l1d.store_hits"), 1);
  EXPECT_EQ(r.at("core0.l1d.load_primary_misses"), 1);
  EXPECT_EQ(r.at("core0.l2.misses"), 1);
  EXPECT_EQ(r.at("core0.l2.hits"), 2);
  EXPECT_EQ(r.at("core0.l1d.write_throughs"), 3);
  // Allocating: the first store fills the L1D, the rest hit it.
  auto a = simulate(kOneCore, trace, {"--set", "l1d.write_back=false"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.at("core0.l1d.store_primary_misses"), 1);
  EXPECT_EQ(a.at("core0.l1d.store_hits"), 2);
  EXPECT_EQ(a.at("core0.l1d.load_hits"), 1);
  EXPECT_EQ(a.at("core0.l2.hits"), 0);
}

TEST(WriteThrough, NoWriteAllocateNeedsAWriteThroughL1d) {
  auto r = simulate(kOneCore, kNineStores, {"--set", "l1d.write_allocate=false"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("l1d.write_allocate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("set l1d.write_back: false, or l1d.write_allocate: true"), std::string::npos) << r.err;
}

// The random tester with the checker (single writer, data values) on a tiny private
// hierarchy, write-through with and without a buffer, allocating or not.
using StressCase = std::tuple<const char*, const char*, const char*, const char*>;  // protocol, fabric, wc_entries, allocate
class WriteThroughStress : public ::testing::TestWithParam<StressCase> {};
// The protocol-table cells each run hit when recorded (cohsim::test::expect_stress_coverage;
// msi/directory/2/true re-recorded with l1d.wc_drain_cycles' idle drains).
const std::map<std::string, int> kWriteThroughCoverage = {
    {"msi/bus/0/true", 75}, {"msi/bus/0/false", 75}, {"msi/bus/2/true", 73}, {"msi/bus/2/false", 76},
    {"msi/directory/0/true", 49}, {"msi/directory/0/false", 49}, {"msi/directory/2/true", 48},
    {"msi/directory/2/false", 49}, {"mesi/bus/0/true", 84}, {"mesi/bus/0/false", 84}, {"mesi/bus/2/true", 83},
    {"mesi/bus/2/false", 83}, {"mesi/directory/0/true", 53}, {"mesi/directory/0/false", 51},
    {"mesi/directory/2/true", 52}, {"mesi/directory/2/false", 52}, {"moesi/bus/0/true", 89},
    {"moesi/bus/0/false", 87}, {"moesi/bus/2/true", 89}, {"moesi/bus/2/false", 87}, {"moesi/directory/0/true", 68},
    {"moesi/directory/0/false", 69}, {"moesi/directory/2/true", 68}, {"moesi/directory/2/false", 68}
};

TEST_P(WriteThroughStress, NoViolation) {
  const auto [protocol, fabric, wc, allocate] = GetParam();
  auto r = run_cli({"stress", std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml", "--set",
                    std::string("coherence.protocol=") + protocol, "--set", std::string("coherence.fabric=") + fabric,
                    "--set", "l2.size=512B", "--set", "l2.assoc=2", "--set", "l1d.size=128B", "--set",
                    "l1d.write_back=false", "--set", std::string("l1d.wc_entries=") + wc, "--set",
                    std::string("l1d.write_allocate=") + allocate, "--ops", "60000", "--seed", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  cohsim::test::expect_stress_coverage(r.out, kWriteThroughCoverage,
                                       std::string(protocol) + "/" + fabric + "/" + wc + "/" + allocate);
}

INSTANTIATE_TEST_SUITE_P(Protocols, WriteThroughStress,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"),
                                            ::testing::Values("bus", "directory"), ::testing::Values("0", "2"),
                                            ::testing::Values("true", "false")),
                         cohsim::test::ParamName());

}  // namespace
