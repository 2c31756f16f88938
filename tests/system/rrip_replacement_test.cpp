// The RRIP family (SRRIP, BRRIP, DRRIP, SHiP) in whole simulations: hand counts on
// tiny traces whose accesses a student can list (a scan that flushes LRU but not
// SRRIP; a loop larger than the cache on which DRRIP's followers take BRRIP), and the
// random tester with each policy at every level, on every protocol and fabric.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;

namespace {

// One thread loads the lines at the given byte offsets from 0x400000, in order, one at
// a time: each address adds the value the load before it returned (0: memory starts
// zeroed), so a load waits for the one before and the L1D sees them in trace order.
std::string chase(const std::vector<unsigned>& offsets) {
  std::ostringstream o;
  o << "place a 0x400000\nthread 0\n  mov 0 -> v\n";
  for (unsigned off : offsets) o << "  add v " << off << " -> i\n  load [a + i] -> v\n";
  return o.str();
}

TEST(RripReplacement, SrripKeepsTheWorkingSetThroughScansThatFlushLru) {
  // One set of 4 ways (256 B). 10 rounds of: A B A B, then a scan of 3 lines never
  // used again (S1 S2 S3, new ones each round). By hand:
  // LRU: round 1: A, B miss, A, B hit, S1 S2 fill the free ways, S3 evicts A (LRU).
  //   Every later round: A misses (evicts B), B misses (evicts the oldest scan line),
  //   A, B hit; the three scan lines miss, the third evicting A. 2 hits a round:
  //   20 hits, 50 misses.
  // SRRIP: A, B fill at RRPV 2 and are hit to 0; S1, S2 fill at 2; S3 finds no RRPV 3,
  //   ages the set (A, B to 1, S1, S2 to 3) and evicts S1. A and B are hit back to 0
  //   every round and only ever age to 2 before (a round's three scan fills age the set
  //   at most twice), so the scan lines always go first. Round 1: 2 hits; rounds 2-10:
  //   4 hits. 38 hits, 32 misses.
  std::vector<unsigned> offs;
  unsigned scan = 64 * 100;
  for (int round = 0; round < 10; ++round) {
    for (unsigned x : {0u, 64u, 0u, 64u}) offs.push_back(x);
    for (int s = 0; s < 3; ++s, scan += 64) offs.push_back(scan);
  }
  const std::string yaml = "cores: 1\nl1d: {size: 256B, assoc: 4}\nl2: null\nl3: null\n";
  auto lru = simulate(yaml, chase(offs), {"--set", "l1d.replacement=lru"});
  auto srrip = simulate(yaml, chase(offs), {"--set", "l1d.replacement=srrip"});
  ASSERT_EQ(lru.exit_code, 0) << lru.err;
  ASSERT_EQ(srrip.exit_code, 0) << srrip.err;
  EXPECT_EQ(lru.at("core0.l1d.load_hits"), 20);
  EXPECT_EQ(lru.at("core0.l1d.load_primary_misses"), 50);
  EXPECT_EQ(srrip.at("core0.l1d.load_hits"), 38);
  EXPECT_EQ(srrip.at("core0.l1d.load_primary_misses"), 32);
  // SHiP does at least as well: its signatures start as "reused" (SRRIP's fills).
  auto ship = simulate(yaml, chase(offs), {"--set", "l1d.replacement=ship"});
  ASSERT_EQ(ship.exit_code, 0) << ship.err;
  EXPECT_GE(ship.at("core0.l1d.load_hits"), 38);
}

TEST(RripReplacement, DrripFollowsBrripOnALoopLargerThanTheCache) {
  // 8 sets of 2 ways (1 KiB). In every set a loop over 3 lines, 20 times; the
  // iterations go line by line across the sets (line k of sets 0..7, then line k+1).
  // LRU and SRRIP: a cyclic loop one line larger than the set evicts each line just
  // before its reuse (SRRIP fills all at RRPV 2, never hit: first in, first out):
  // 0 hits. BRRIP fills at RRPV 3 (1 in 32 at 2): the line filled last goes first, so
  // after at most the first iteration one line of each set stays and hits once per
  // iteration (a hit sets it to 0; the two misses between its hits age it at most to
  // 2): at least 8 x (20 - 2) = 144 hits of 480, at most 8 x 19.
  // DRRIP on 8 sets: clamp(8 / 32, 1, 32) = 1 leader each, set 0 leads SRRIP and set 7
  // BRRIP; sets 1-6 follow. Set 0 misses on every access (PSEL + 1), set 7 on at most
  // two in three (PSEL - 1), and set 0 comes first in each step: PSEL is at least 512
  // whenever a follower fills, so the followers fill like BRRIP: sets 1-7 give at
  // least 7 x 18 = 126 hits, set 0 none.
  std::vector<unsigned> offs;
  for (int it = 0; it < 20; ++it)
    for (unsigned k = 0; k < 3; ++k)
      for (unsigned set = 0; set < 8; ++set) offs.push_back((k * 8 + set) * 64);
  const std::string yaml = "cores: 1\nl1d: {size: 1KiB, assoc: 2}\nl2: null\nl3: null\n";
  auto run = [&](const std::string& policy) {
    auto r = simulate(yaml, chase(offs), {"--set", "l1d.replacement=" + policy});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? r.at("core0.l1d.load_hits") : -1.0;
  };
  EXPECT_EQ(run("lru"), 0);
  EXPECT_EQ(run("srrip"), 0);
  const double brrip = run("brrip"), drrip = run("drrip");
  EXPECT_GE(brrip, 144);
  EXPECT_LE(brrip, 8 * 19);
  EXPECT_GE(drrip, 126);
  EXPECT_LE(drrip, 7 * 19);
}

TEST(RripReplacement, ShipLearnsFromTheProgramCounterTheMshrCarries) {
  // One set of 2 ways (128 B, no L2: the L1D's fills come through its MSHRs). A is
  // loaded twice by pc=0x401000, then six lines X1..X6, each in its own 16 KiB region,
  // by pc=0x402000, then A again. By hand (tests/unit/replacement_test.cpp,
  // ShipLearnsThatAScanningPcDies...): X1's eviction unreused takes pc 0x402000's counter
  // to 0, so X2.. are filled distant and replace each other; A stays and hits: 2 hits.
  // Without the PC (a signature per trace line, or per region) every X is a new
  // signature filled like SRRIP, and X4 evicts A: 1 hit, as SRRIP.
  auto trace = [](bool pcs) {
    std::ostringstream o;
    o << "place a 0x400000\nthread 0\n  mov 0 -> v\n";
    auto load = [&](unsigned off, const char* pc) {
      o << "  add v " << off << " -> i\n  load [a + i] -> v" << (pcs ? std::string(" pc=") + pc : "") << "\n";
    };
    load(0, "0x401000");
    load(0, "0x401000");
    for (unsigned x = 1; x <= 6; ++x) load(x * 16384, "0x402000");
    load(0, "0x401000");
    return o.str();
  };
  const std::string yaml = "cores: 1\nl1d: {size: 128B, assoc: 2, replacement: ship}\nl2: null\nl3: null\n";
  auto with = simulate(yaml, trace(true));
  auto without = simulate(yaml, trace(false));
  ASSERT_EQ(with.exit_code, 0) << with.err;
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(with.at("core0.l1d.load_hits"), 2);
  EXPECT_EQ(without.at("core0.l1d.load_hits"), 1);
}

// The random tester with the policy at the L1D (and at the L2 where there is one):
// the checker's invariants hold and values are right, on every protocol and fabric,
// with a private L2 (SHiP's PCs travel in its MSHRs) and with a shared one (SHiP's
// memory-region signatures).
using StressParam = std::tuple<const char*, const char*>;  // protocol, fabric
class RripStress : public ::testing::TestWithParam<StressParam> {};
// The protocol-table cells each run hit when recorded (cohsim::test::expect_stress_coverage).
const std::map<std::string, int> kRripCoverage = {
    {"msi/split/srrip", 72}, {"msi/split/brrip", 71}, {"msi/split/drrip", 72}, {"msi/split/ship", 74},
    {"msi/atomic/srrip", 53}, {"msi/atomic/brrip", 54}, {"msi/atomic/drrip", 53}, {"msi/atomic/ship", 52},
    {"msi/directory/srrip", 72}, {"msi/directory/brrip", 72}, {"msi/directory/drrip", 71},
    {"msi/directory/ship", 72}, {"mesi/split/srrip", 85}, {"mesi/split/brrip", 84}, {"mesi/split/drrip", 87},
    {"mesi/split/ship", 86}, {"mesi/atomic/srrip", 59}, {"mesi/atomic/brrip", 59}, {"mesi/atomic/drrip", 58},
    {"mesi/atomic/ship", 59}, {"mesi/directory/srrip", 86}, {"mesi/directory/brrip", 84},
    {"mesi/directory/drrip", 87}, {"mesi/directory/ship", 85}, {"moesi/split/srrip", 92}, {"moesi/split/brrip", 91},
    {"moesi/split/drrip", 104}, {"moesi/split/ship", 92}, {"moesi/atomic/srrip", 74}, {"moesi/atomic/brrip", 75},
    {"moesi/atomic/drrip", 73}, {"moesi/atomic/ship", 75}, {"moesi/directory/srrip", 109},
    {"moesi/directory/brrip", 112}, {"moesi/directory/drrip", 109}, {"moesi/directory/ship", 108},
    {"mesif/split/srrip", 94}, {"mesif/split/brrip", 91}, {"mesif/split/drrip", 90}, {"mesif/split/ship", 89},
    {"mesif/atomic/srrip", 66}, {"mesif/atomic/brrip", 64}, {"mesif/atomic/drrip", 65}, {"mesif/atomic/ship", 64},
    {"dragon/split/srrip", 78}, {"dragon/split/brrip", 80}, {"dragon/split/drrip", 76}, {"dragon/split/ship", 83},
    {"dragon/atomic/srrip", 70}, {"dragon/atomic/brrip", 71}, {"dragon/atomic/drrip", 71},
    {"dragon/atomic/ship", 70}, {"msi/l2-bus/srrip", 76}, {"msi/l2-bus/brrip", 76}, {"msi/l2-bus/drrip", 72},
    {"msi/l2-bus/ship", 72}, {"moesi/l2-directory/srrip", 109}, {"moesi/l2-directory/brrip", 109},
    {"moesi/l2-directory/drrip", 110}, {"moesi/l2-directory/ship", 110}, {"mesi/l2-shared/srrip", 79},
    {"mesi/l2-shared/brrip", 83}, {"mesi/l2-shared/drrip", 80}, {"mesi/l2-shared/ship", 80}
};

TEST_P(RripStress, NoViolationWithEachPolicy) {
  const auto [protocol, fabric] = GetParam();
  const std::string f = fabric;
  for (const char* policy : {"srrip", "brrip", "drrip", "ship"}) {
    std::vector<std::string> args = {"stress",  std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml",
                                     "--set",   "coherence.protocol=" + std::string(protocol),
                                     "--ops",   "12000",
                                     "--lines", "24",
                                     "--set",   "l1d.replacement=" + std::string(policy),
                                     "--json"};
    if (f.rfind("l2-", 0) == 0) {  // a second level: private (l2-bus, l2-directory) or shared
      args.insert(args.end(), {"--set", "l2.size=512B", "--set", "l2.assoc=4", "--set", "l1d.size=128B", "--set",
                               "l2.replacement=" + std::string(policy)});
      if (f == "l2-shared") args.insert(args.end(), {"--set", "l2.shared=true"});
      if (f == "l2-directory") args.insert(args.end(), {"--set", "coherence.fabric=directory"});
    } else if (f == "directory") args.insert(args.end(), {"--set", "coherence.fabric=directory"});
    else args.insert(args.end(), {"--set", "bus.transactions=" + f});
    auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << policy << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << policy << "\n" << r.out;
    cohsim::test::expect_stress_coverage(r.out, kRripCoverage, std::string(protocol) + "/" + f + "/" + policy);
  }
}

INSTANTIATE_TEST_SUITE_P(ProtocolsAndFabrics, RripStress,
                         ::testing::Values(StressParam{"msi", "split"}, StressParam{"msi", "atomic"},
                                           StressParam{"msi", "directory"}, StressParam{"mesi", "split"},
                                           StressParam{"mesi", "atomic"}, StressParam{"mesi", "directory"},
                                           StressParam{"moesi", "split"}, StressParam{"moesi", "atomic"},
                                           StressParam{"moesi", "directory"}, StressParam{"mesif", "split"},
                                           StressParam{"mesif", "atomic"}, StressParam{"dragon", "split"},
                                           StressParam{"dragon", "atomic"}, StressParam{"msi", "l2-bus"},
                                           StressParam{"moesi", "l2-directory"}, StressParam{"mesi", "l2-shared"}),
                         cohsim::test::ParamName());

}  // namespace
