// Prefetchers in whole simulations: hand counts on loops whose accesses a student can
// list, the statistics' identities, and the random tester with every prefetcher on.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;

namespace {

// One thread loads [a + i] for i = 0, step, 2*step, ... < end: one trace line, so
// one PC for the IP-stride prefetcher. `a` is page-aligned. Each address depends on
// the value the load before it returned (0: memory starts zeroed), so the loads go
// out one at a time, in order, as in a pointer chase: the prefetcher sees every
// access before the next one is issued, and a hand count of proposals holds.
std::string loop_trace(unsigned step, unsigned end) {
  std::ostringstream o;
  o << "place a 0x400000\nthread 0\n  mov 0 -> i\nloop:\n  load [a + i] -> v\n  add i v -> i\n  add i " << step
    << " -> i\n  blt i " << end << " loop\n";
  return o.str();
}
const std::string kOneCore = "cores: 1\ncheck: true\n";

TEST(Prefetch, NextLineAtTheL1dLeavesOneDemandMissPerPage) {
  // 16 KiB read 8 bytes at a time: 4 pages of 64 lines, 2048 loads, all fitting in the
  // 32 KiB L1D. Without a prefetcher each line misses once: 256 primary misses. With
  // next_line (degree 1) the first line of each page misses and every other line is
  // prefetched by the access to the line before it: 4 primary misses, 4 x 63 = 252
  // prefetches, each used (on time or late), none useless.
  const std::string trace = loop_trace(8, 16384);
  auto off = simulate(kOneCore, trace);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.at("core0.l1d.load_primary_misses"), 256);
  EXPECT_EQ(off.stats.count("core0.l1d.prefetches_issued"), 0u);
  auto on = simulate(kOneCore, trace, {"--set", "l1d.prefetcher=next_line"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(on.at("core0.l1d.load_primary_misses"), 4);
  EXPECT_EQ(on.at("core0.l1d.prefetches_issued"), 252);
  EXPECT_EQ(on.at("core0.l1d.prefetches_useful") + on.at("core0.l1d.prefetches_late"), 252);
  EXPECT_EQ(on.at("core0.l1d.prefetches_useless"), 0);
  EXPECT_EQ(on.at("core0.l1d.prefetch_accuracy"), 1.0);
  // The L1D's prefetches are the private L2's accesses of kind prefetch: 252 misses.
  EXPECT_EQ(on.at("core0.l2.prefetch_primary_misses"), 252);
  EXPECT_EQ(on.at("core0.l2.load_primary_misses"), 4);
  // And the run took fewer cycles.
  EXPECT_LT(on.at("cycles"), off.at("cycles"));
}

TEST(Prefetch, NextLineAtThePrivateL2TurnsL1dMissesIntoL2Hits) {
  auto r = simulate(kOneCore, loop_trace(8, 16384), {"--set", "l2.prefetcher=next_line"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The L1D has no prefetcher: each of the 256 lines misses there once, either
  // reaching the L2 (an L1D primary miss) or merging with the L2's prefetch of it
  // still in flight (an L1D secondary miss, the L2's prefetch late).
  EXPECT_EQ(r.at("core0.l1d.load_primary_misses") + r.at("core0.l2.prefetches_late"), 256);
  EXPECT_EQ(r.at("core0.l2.load_primary_misses"), 4);
  EXPECT_EQ(r.at("core0.l2.prefetches_issued"), 252);
  EXPECT_EQ(r.at("core0.l2.prefetches_useful") + r.at("core0.l2.prefetches_late"), 252);
}

TEST(Prefetch, StreamCoversAscendingAndDescendingPages) {
  // Ascending, one load per line over 4 pages: per page the first distance + 2 = 6
  // lines miss (two moves train the stream, then X+4.. X+5 are fetched).
  auto up = simulate(kOneCore, loop_trace(64, 16384),
                     {"--set", "l1d.prefetcher=stream", "--set", "l1d.prefetch_degree=2"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(up.at("core0.l1d.load_primary_misses"), 4 * 6);
  // Descending: the same count.
  const std::string down =
      "place a 0x400000\nthread 0\n  mov 0 -> n\nloop:\n  sub 16320 n -> i\n  load [a + i] -> v\n  add n v -> n\n"
      "  add n 64 -> n\n  blt n 16384 loop\n";
  auto dn = simulate(kOneCore, down, {"--set", "l1d.prefetcher=stream", "--set", "l1d.prefetch_degree=2"});
  ASSERT_EQ(dn.exit_code, 0) << dn.err;
  EXPECT_EQ(dn.at("core0.l1d.load_primary_misses"), 4 * 6);
}

TEST(Prefetch, IpStrideOnAStridedLoopReachesItsHandCountedAccuracy) {
  // Loads at lines 0, 3, 6, ..., 198 (67 accesses, k = 0..66) from one trace line. The
  // stride is confirmed at k = 2; from then on access k proposes line 3k+3 unless that
  // crosses a page: k = 21, 42 and 63 (lines 63, 126, 189) propose nothing. So
  // 65 - 3 = 62 prefetches; all but the last (line 201, never read) are used:
  // accuracy 61/62. Demand primary misses: lines 0, 3, 6 and the three after a page
  // crossing (66, 129, 192): 6.
  auto r = simulate(kOneCore, loop_trace(192, 199 * 64), {"--set", "l1d.prefetcher=ip_stride"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.prefetches_issued"), 62);
  EXPECT_EQ(r.at("core0.l1d.prefetches_useful") + r.at("core0.l1d.prefetches_late"), 61);
  EXPECT_NEAR(r.at("core0.l1d.prefetch_accuracy"), 61.0 / 62.0, 1e-6);
  EXPECT_EQ(r.at("core0.l1d.load_primary_misses"), 6);
}

TEST(Prefetch, BestOffsetLearnsTheStrideAndCutsMisses) {
  // 256 KiB read every 2 lines at the private L2: after learning, its prefetches are
  // used (accuracy above 1/2) and the L2's demand misses fall below half of the 2048.
  auto r = simulate(kOneCore, loop_trace(128, 256 * 1024), {"--set", "l2.prefetcher=best_offset"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.at("core0.l2.prefetch_accuracy"), 0.5);
  EXPECT_LT(r.at("core0.l2.load_primary_misses"), 1024);
  EXPECT_GT(r.at("core0.l2.prefetches_issued"), 1000);
}

TEST(Prefetch, UselessPrefetchesAreCountedOnARandomStream) {
  // Loads at pseudo-random even lines of 4 MiB through a 1 KiB L1D: the next line is
  // almost never read before it is evicted.
  std::ostringstream o;
  o << "place a 0x400000\nthread 0\n  mov 0 -> z\n";
  std::uint64_t x = 7;
  for (int i = 0; i < 600; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    o << "  load [a + z + " << ((x >> 33) % 32768) * 128 << "] -> z\n";  // z stays 0: one load at a time
  }
  auto r = simulate(kOneCore, o.str(), {"--set", "l1d.prefetcher=next_line", "--set", "l1d.size=1KiB"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double issued = r.at("core0.l1d.prefetches_issued"), useless = r.at("core0.l1d.prefetches_useless");
  EXPECT_GT(issued, 500);
  EXPECT_GT(useless, 0.9 * issued - 20);  // all but the lines still in the L1D at the end
  EXPECT_LE(r.at("core0.l1d.prefetches_useful") + r.at("core0.l1d.prefetches_late") + useless, issued);
  EXPECT_LT(r.at("core0.l1d.prefetch_accuracy"), 0.05);
}

TEST(Prefetch, BadNamesAreRefusedWithTheChoices) {
  auto r = simulate(kOneCore, loop_trace(8, 64), {"--set", "l1d.prefetcher=[next_line, strem]"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("'strem' is not a prefetcher; valid: none, best_offset, ip_stride, next_line, stream"),
            std::string::npos)
      << r.err;
  auto s = simulate("cores: 1\nl2:\n  shared: true\n", loop_trace(8, 64), {"--set", "l2.prefetcher=ip_stride"});
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.err.find("which a shared L2 does not see"), std::string::npos) << s.err;
}

TEST(Prefetch, NextLineAtTheL3LeavesOneL3DemandMissPerPage) {
  // The same 16 KiB loop with the prefetcher at the shared L3 only: each of the 256
  // lines reaches the L3 once (the private levels miss on it). Without a prefetcher
  // 256 L3 read misses; with next_line the first line of each page is a primary miss
  // and each other line was prefetched by the L3 read of the line before it (4 x 63 =
  // 252 prefetches, none across a page): a demand read of it hits (useful) or merges
  // into the prefetch's MSHR (late). Memory reads stay 256: every line once.
  const std::string trace = loop_trace(8, 16384);
  auto off = simulate(kOneCore, trace);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.at("l3.read_misses"), 256);
  EXPECT_EQ(off.at("memory.reads"), 256);
  EXPECT_EQ(off.stats.count("l3.prefetches_issued"), 0u);
  auto on = simulate(kOneCore, trace, {"--set", "l3.prefetcher=next_line"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(on.at("l3.read_misses") - on.at("l3.mshr_merges"), 4);
  EXPECT_EQ(on.at("l3.prefetches_issued"), 252);
  EXPECT_EQ(on.at("l3.prefetches_useful") + on.at("l3.prefetches_late"), 252);
  EXPECT_EQ(on.at("l3.prefetches_late"), on.at("l3.mshr_merges"));
  EXPECT_EQ(on.at("l3.read_hits"), on.at("l3.prefetches_useful"));
  EXPECT_EQ(on.at("l3.prefetches_useless"), 0);
  EXPECT_EQ(on.at("memory.reads"), 256);
  EXPECT_EQ(on.at("l3.prefetch_accuracy"), 1.0);
  EXPECT_DOUBLE_EQ(on.at("l3.prefetch_coverage"), 252.0 / 256.0);
  EXPECT_LT(on.at("cycles"), off.at("cycles"));
}

TEST(Prefetch, NextLineAtASharedL2LeavesOneL2DemandMissPerPage) {
  // The same 16 KiB loop, one core, the prefetcher at a shared L2 (l2.shared: true) above
  // the L3: each of the 256 lines reaches the L2 once. Without a prefetcher 256 L2 read
  // misses; with next_line the first line of each page is a primary miss and the L2's
  // read of each other line's predecessor prefetched it (4 x 63 = 252 prefetches): a
  // demand read of it hits (useful) or merges into the prefetch's MSHR (late). The L3
  // below sees every line once (4 demand reads and 252 prefetches, all misses), and
  // memory reads stay 256.
  const std::string shared = kOneCore + "l2: {shared: true}\n";
  const std::string trace = loop_trace(8, 16384);
  auto off = simulate(shared, trace);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.at("l2.read_misses"), 256);
  EXPECT_EQ(off.stats.count("l2.prefetches_issued"), 0u);
  auto on = simulate(shared, trace, {"--set", "l2.prefetcher=next_line"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(on.at("l2.read_misses") - on.at("l2.mshr_merges"), 4);
  EXPECT_EQ(on.at("l2.prefetches_issued"), 252);
  EXPECT_EQ(on.at("l2.prefetches_useful") + on.at("l2.prefetches_late"), 252);
  EXPECT_EQ(on.at("l2.prefetches_late"), on.at("l2.mshr_merges"));
  EXPECT_EQ(on.at("l2.read_hits"), on.at("l2.prefetches_useful"));
  EXPECT_EQ(on.at("l2.prefetches_useless"), 0);
  EXPECT_EQ(on.at("l2.prefetch_accuracy"), 1.0);
  EXPECT_DOUBLE_EQ(on.at("l2.prefetch_coverage"), 252.0 / 256.0);
  EXPECT_EQ(on.at("l3.read_misses"), 256);
  EXPECT_EQ(on.at("memory.reads"), 256);
  EXPECT_LT(on.at("cycles"), off.at("cycles"));
}

TEST(Prefetch, ASharedL2RefusesIpStrideAndAnExclusiveL2) {
  const std::string shared = kOneCore + "l2: {shared: true}\n";
  auto r = simulate(shared, loop_trace(8, 64), {"--set", "l2.prefetcher=[stream, ip_stride]"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("ip_stride needs the PC of each access, which a shared L2 does not see"), std::string::npos)
      << r.err;
  auto x = simulate(shared, loop_trace(8, 64), {"--set", "l2.prefetcher=stream", "--set", "l2.inclusion=exclusive"});
  EXPECT_NE(x.exit_code, 0);
  EXPECT_NE(x.err.find("on an exclusive L2"), std::string::npos) << x.err;
}

// A shared L2's MSHRs in a whole run: one core loads four lines that do not depend on
// each other (its L1D has 8 MSHRs: all four go out), a shared L2, no L3, memory 500 ns
// away (1500 core cycles at 3 GHz). With l2.mshrs: 4 the four reads overlap at the L2:
// the run takes one memory latency and a little more (under 2 x 1500 cycles). With
// l2.mshrs: 1 each waits for the one before's data: four memory latencies in a row
// (at least 4 x 1500 cycles), three misses found the MSHR in use.
TEST(SharedL2Mshrs, IndependentMissesOverlapUpToL2Mshrs) {
  const std::string yaml = kOneCore + "l2: {shared: true}\nl3: null\nmemory: {latency: 500ns}\n";
  const std::string trace = "thread 0\n  load 0x1000\n  load 0x2000\n  load 0x3000\n  load 0x4000\n";
  auto four = simulate(yaml, trace, {"--set", "l2.mshrs=4"});
  ASSERT_EQ(four.exit_code, 0) << four.err;
  EXPECT_EQ(four.at("l2.read_misses"), 4);
  EXPECT_EQ(four.at("l2.mshr_max_in_use"), 4);
  EXPECT_EQ(four.at("l2.mshr_full_misses"), 0);
  EXPECT_GT(four.at("cycles"), 1500);
  EXPECT_LT(four.at("cycles"), 2 * 1500);
  auto one = simulate(yaml, trace, {"--set", "l2.mshrs=1"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.at("l2.read_misses"), 4);
  EXPECT_EQ(one.at("l2.mshr_max_in_use"), 1);
  EXPECT_EQ(one.at("l2.mshr_full_misses"), 3);
  EXPECT_GE(one.at("cycles"), 4 * 1500);
  EXPECT_LT(one.at("cycles"), 5 * 1500);
}

TEST(Prefetch, TheL3RefusesIpStrideAndAnExclusiveL3) {
  auto r = simulate(kOneCore, loop_trace(8, 64), {"--set", "l3.prefetcher=[stream, ip_stride]"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("ip_stride needs the PC of each access, which the L3 does not see"), std::string::npos)
      << r.err;
  auto x = simulate(kOneCore, loop_trace(8, 64), {"--set", "l3.prefetcher=stream", "--set", "l3.inclusion=exclusive"});
  EXPECT_NE(x.exit_code, 0);
  EXPECT_NE(x.err.find("on an exclusive L3"), std::string::npos) << x.err;
}

// The random tester with a small L3 whose prefetchers (next_line, stream) read lines
// from memory while the fabric reads and writes them back: every value a load returns
// is still the one the checker expects (a prefetch fill never replaces a writeback).
using L3StressParam = std::tuple<std::string, std::string, std::string>;  // protocol, fabric, l3.inclusion
class L3PrefetchStress : public ::testing::TestWithParam<L3StressParam> {};

TEST_P(L3PrefetchStress, NoViolation) {
  const auto& [protocol, fabric, inclusion] = GetParam();
  auto r = run_cli({"stress", std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml", "--set",
                    "coherence.protocol=" + protocol, "--set", "coherence.fabric=" + fabric, "--ops", "40000",
                    "--lines", "24", "--set", "l3.size=1KiB", "--set", "l3.assoc=2", "--set", "l3.mshrs=6", "--set",
                    "l3.inclusion=" + inclusion, "--set", "l3.prefetcher=next_line,stream", "--set",
                    "l3.prefetch_distance=2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"prefetches\": "), std::string::npos) << r.out;  // the L3's: no private prefetcher
}

INSTANTIATE_TEST_SUITE_P(ProtocolsAndFabrics, L3PrefetchStress,
                         ::testing::Values(L3StressParam{"msi", "bus", "nine"}, L3StressParam{"mesi", "bus", "nine"},
                                           L3StressParam{"moesi", "bus", "inclusive"},
                                           L3StressParam{"msi", "directory", "inclusive"},
                                           L3StressParam{"mesi", "directory", "nine"},
                                           L3StressParam{"moesi", "directory", "nine"}),
                         cohsim::test::ParamName());

// The random tester with every prefetcher on both private levels: their requests
// race with the cores' on the contended lines, and every value a load returns is
// still the one the checker expects.
using StressParam = std::tuple<std::string, std::string>;  // protocol, fabric
class PrefetchStress : public ::testing::TestWithParam<StressParam> {};
// The protocol-table cells each run hit when recorded (cohsim::test::expect_stress_coverage).
const std::map<std::string, int> kPrefetchCoverage = {
    {"msi/split", 83}, {"msi/atomic", 54}, {"msi/directory", 73}, {"mesi/split", 95}, {"mesi/atomic", 59},
    {"mesi/directory", 87}, {"moesi/split", 109}, {"moesi/atomic", 78}, {"moesi/directory", 115},
    {"mesif/split", 101}, {"mesif/atomic", 66}, {"dragon/split", 81}, {"dragon/atomic", 70}, {"msi/l2-bus", 85},
    {"moesi/l2-directory", 112}
};

TEST_P(PrefetchStress, NoViolation) {
  const auto& [protocol, fabric] = GetParam();
  std::vector<std::string> args = {"stress", std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml", "--set",
                                   "coherence.protocol=" + protocol, "--ops", "40000", "--lines", "24",
                                   "--prefetch", "next_line,stream,ip_stride,best_offset", "--json"};
  if (fabric.rfind("l2-", 0) == 0) {  // a private L2 below the L1D: prefetchers at both levels
    args.insert(args.end(), {"--set", "l2.size=512B", "--set", "l2.assoc=2", "--set", "l1d.size=128B"});
    args.insert(args.end(), {"--set", "coherence.fabric=" + std::string(fabric == "l2-directory" ? "directory" : "bus")});
  } else if (fabric == "directory") args.insert(args.end(), {"--set", "coherence.fabric=directory"});
  else args.insert(args.end(), {"--set", "bus.transactions=" + fabric});
  auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"prefetches\": "), std::string::npos) << r.out;
  cohsim::test::expect_stress_coverage(r.out, kPrefetchCoverage, protocol + "/" + fabric);
}

INSTANTIATE_TEST_SUITE_P(ProtocolsAndFabrics, PrefetchStress,
                         ::testing::Values(StressParam{"msi", "split"}, StressParam{"msi", "atomic"},
                                           StressParam{"msi", "directory"}, StressParam{"mesi", "split"},
                                           StressParam{"mesi", "atomic"}, StressParam{"mesi", "directory"},
                                           StressParam{"moesi", "split"}, StressParam{"moesi", "atomic"},
                                           StressParam{"moesi", "directory"}, StressParam{"mesif", "split"},
                                           StressParam{"mesif", "atomic"}, StressParam{"dragon", "split"},
                                           StressParam{"dragon", "atomic"}, StressParam{"msi", "l2-bus"},
                                           StressParam{"moesi", "l2-directory"}),
                         cohsim::test::ParamName());

}  // namespace
