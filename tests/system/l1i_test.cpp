// The L1 instruction cache (l1i.size > 0): hand counts on traces of ifetches a student
// can list, data and instructions sharing the private L2, another core's store taking
// a line from the L1I, self-modifying code refused by trace line, the config rule, and
// the default (no L1I) unchanged. Dinero IV's separate I- and D-caches are compared in
// tests/validation/three_c.py (section 4).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

const std::string kOneCore = "cores: 1\ncheck: true\n";
const std::string kTwoCores = "cores: 2\ncheck: true\n";

// `passes` passes over `lines` instruction lines (64 B) from 0x400000, `per_line`
// 4-byte fetches per line.
std::string fetch_loop(unsigned lines, unsigned per_line, unsigned passes) {
  std::ostringstream o;
  o << "thread 0\n";
  for (unsigned p = 0; p < passes; ++p)
    for (unsigned l = 0; l < lines; ++l)
      for (unsigned k = 0; k < per_line; ++k) o << "  ifetch.4 0x" << std::hex << 0x400000 + l * 64 + k * 4 << std::dec << "\n";
  return o.str();
}

TEST(L1i, EachDistinctInstructionLineMissesOnce) {
  // 100 lines, 16 fetches each, twice: 100 compulsory misses (each a primary miss of
  // the L2 too, of kind ifetch), 3,200 - 100 hits. The L1D sees none of it.
  const std::string trace = fetch_loop(100, 16, 2);
  for (const char* bus : {"split", "atomic"}) {
    auto r = simulate(kOneCore, trace, {"--set", "l1i.size=32KiB", "--set", std::string("bus.transactions=") + bus});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.at("core0.ifetches"), 3200);
    EXPECT_EQ(r.at("core0.l1i.primary_misses"), 100) << bus;
    EXPECT_EQ(r.at("core0.l1i.compulsory_misses"), 100);
    EXPECT_EQ(r.at("core0.l1i.secondary_misses"), 0);
    EXPECT_EQ(r.at("core0.l1i.hits"), 3100);
    EXPECT_EQ(r.at("core0.l1i.requests_sent"), 100);
    EXPECT_EQ(r.at("core0.l2.ifetch_primary_misses"), 100);
    EXPECT_EQ(r.at("core0.l2.primary_misses"), 100);
    EXPECT_EQ(r.at("core0.l1d.hits") + r.at("core0.l1d.misses"), 0);
    EXPECT_GT(r.at("core0.ifetch_stall_core_cycles"), 0);
  }
}

TEST(L1i, CapacityMissesAreServedByTheL2) {
  // A 1 KiB 2-way L1I (8 sets, 16 lines) and a loop over 32 lines, one fetch each,
  // three times: LRU keeps none of them (each set cycles through 4 lines; a fully
  // associative 16-line LRU cache cycling 32 would not either). 96 misses: 32
  // compulsory, 64 capacity, the 64 served by the L2, which holds all 32.
  auto r = simulate(kOneCore, fetch_loop(32, 1, 3), {"--set", "l1i.size=1KiB", "--set", "l1i.assoc=2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1i.primary_misses"), 96);
  EXPECT_EQ(r.at("core0.l1i.compulsory_misses"), 32);
  EXPECT_EQ(r.at("core0.l1i.capacity_misses"), 64);
  EXPECT_EQ(r.at("core0.l1i.conflict_misses"), 0);
  EXPECT_EQ(r.at("core0.l1i.hits"), 0);
  EXPECT_EQ(r.at("core0.l1i.evictions"), 96 - 16);
  EXPECT_EQ(r.at("core0.l2.ifetch_primary_misses"), 32);
  EXPECT_EQ(r.at("core0.l2.ifetch_hits"), 64);
}

TEST(L1i, DataAndInstructionsShareTheL2Line) {
  // A load brings 0x400000's line into the L1D and L2; a fetch from it later misses the
  // L1I and hits the L2. The other way round: a fetch brings 0x500000's line into the
  // L1I and L2 (not the L1D); a load from it misses the L1D and hits the L2.
  const std::string trace =
      "thread 0\n  load 0x400000\n  compute 1000\n  ifetch.4 0x400008\n"
      "  ifetch.4 0x500000\n  compute 1000\n  load 0x500008\n";
  auto r = simulate(kOneCore, trace, {"--set", "l1i.size=32KiB"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1i.primary_misses"), 2);
  EXPECT_EQ(r.at("core0.l1d.load_primary_misses"), 2);
  EXPECT_EQ(r.at("core0.l2.ifetch_hits"), 1);
  EXPECT_EQ(r.at("core0.l2.ifetch_primary_misses"), 1);
  EXPECT_EQ(r.at("core0.l2.load_hits"), 1);
  EXPECT_EQ(r.at("core0.l2.load_primary_misses"), 1);
  EXPECT_EQ(r.at("core0.l2.primary_misses"), 2);  // each line fetched from below once
}

TEST(L1i, AnotherCoresStoreTakesTheLineFromTheL1i) {
  // Core 0 fetches 0x400000, core 1 writes it (cross-modifying code, or data sharing
  // the line), core 0 fetches it again: the write's invalidation left core 0's L2 and
  // the L1I with it, so the second fetch is a coherence miss.
  const std::string trace =
      "thread 0\n  ifetch.4 0x400000\n  compute 3000\n  ifetch.4 0x400000\n"
      "thread 1\n  compute 1000\n  store 0x400000 1\n";
  for (const char* fabric : {"bus", "directory"}) {
    auto r = simulate(kTwoCores, trace,
                      {"--set", "l1i.size=32KiB", "--set", "coherence.protocol=mesi", "--set",
                       std::string("coherence.fabric=") + fabric});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.at("core0.l1i.invalidations"), 1) << fabric;
    EXPECT_EQ(r.at("core0.l1i.primary_misses"), 2) << fabric;
    EXPECT_EQ(r.at("core0.l1i.compulsory_misses"), 1) << fabric;
    EXPECT_EQ(r.at("core0.l1i.coherence_misses"), 1) << fabric;
    EXPECT_EQ(r.at("core0.l1i.hits"), 0) << fabric;
  }
}

TEST(L1i, SelfModifyingCodeIsRefusedByTraceLine) {
  // A store to a line the core's L1I holds (trace line 4 is the store).
  auto st = simulate(kOneCore, "thread 0\n  ifetch.4 0x400000\n  compute 100\n  store 0x400008 1\n",
                     {"--set", "l1i.size=32KiB"});
  EXPECT_NE(st.exit_code, 0);
  EXPECT_NE(st.err.find("trace line 4: a store to line 0x400000"), std::string::npos) << st.err;
  EXPECT_NE(st.err.find("self-modifying code is not modelled"), std::string::npos) << st.err;
  // A fetch of a line the core has written and not written back (trace line 4).
  auto ld = simulate(kOneCore, "thread 0\n  store 0x400008 1\n  compute 1000\n  ifetch.4 0x400000\n",
                     {"--set", "l1i.size=32KiB"});
  EXPECT_NE(ld.exit_code, 0);
  EXPECT_NE(ld.err.find("trace line 4: an instruction fetch from line 0x400000"), std::string::npos) << ld.err;
  // Without an L1I the same traces run (ifetches are only counted).
  auto off = simulate(kOneCore, "thread 0\n  ifetch.4 0x400000\n  compute 100\n  store 0x400008 1\n");
  EXPECT_EQ(off.exit_code, 0) << off.err;
}

TEST(L1i, NeedsAPrivateL2AndPhysicalAddresses) {
  auto shared = simulate("cores: 1\nl1i: {size: 32KiB}\nl2: {shared: true}\n", fetch_loop(1, 1, 1));
  EXPECT_NE(shared.exit_code, 0);
  EXPECT_NE(shared.err.find(".yaml:2"), std::string::npos) << shared.err;
  EXPECT_NE(shared.err.find("modelled only above a private L2"), std::string::npos) << shared.err;
  auto none = simulate("cores: 1\nl2: null\n", fetch_loop(1, 1, 1), {"--set", "l1i.size=32KiB"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("no L2"), std::string::npos) << none.err;
  auto vm = simulate("cores: 1\nvm: {enabled: true}\n", fetch_loop(1, 1, 1), {"--set", "l1i.size=32KiB"});
  EXPECT_NE(vm.exit_code, 0);
  EXPECT_NE(vm.err.find("vm.enabled"), std::string::npos) << vm.err;
  auto sets = simulate(kOneCore, fetch_loop(1, 1, 1), {"--set", "l1i.size=24KiB"});
  EXPECT_NE(sets.exit_code, 0);
  EXPECT_NE(sets.err.find("power-of-two number of sets"), std::string::npos) << sets.err;
}

TEST(L1i, SizeZeroIsTheRunWithoutAnL1i) {
  // The default (l1i.size: 0) counts ifetches only: no l1i statistics, and the same
  // statistics as an explicit 0.
  const std::string trace = fetch_loop(8, 4, 2) + "  load 0x600000\n  store 0x600040 3\n";
  auto def = simulate(kOneCore, trace);
  auto zero = simulate(kOneCore, trace, {"--set", "l1i.size=0"});
  ASSERT_EQ(def.exit_code, 0) << def.err;
  ASSERT_EQ(zero.exit_code, 0) << zero.err;
  EXPECT_EQ(def.stats.count("core0.l1i.hits"), 0u);
  EXPECT_EQ(def.stats.count("core0.l2.ifetch_hits"), 0u);
  EXPECT_EQ(def.stats.count("core0.ifetch_stall_core_cycles"), 0u);
  EXPECT_EQ(def.at("core0.ifetches"), 64);
  EXPECT_EQ(def.statistics_json(), zero.statistics_json());
}

}  // namespace
