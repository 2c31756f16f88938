// The split-transaction bus (bus.transactions: split, the default): its tables under
// the random tester, atomic read-modify-writes on both kinds of bus, statistics
// against hand counts, and private streams that no longer wait for each other.
//
// The full form of the stress runs, by hand (one million operations per protocol,
// seeds no test uses; unhit cells are listed):
//   for p in msi mesi moesi mesif dragon; do for s in 21 22; do
//     build/cohsim stress configs/stress.yaml --set coherence.protocol=$p --ops 1000000 --seed $s; done; done
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <tuple>

#include "coherence/protocol.hpp"
#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::temp_dir;
using cohsim::test::write_temp;

namespace {

const std::string kStressConfig = std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml";

class SplitStress : public ::testing::TestWithParam<const char*> {};

// The short form: 200,000 random operations, no violation, and every cell that only
// a split bus reaches exercised: each non-atomic transient state's data response
// (IS_D_I, IM_D_S, IM_D_SI, SM_D_O, ...: a request ordered after ours while our data
// was on its way, then the data) and the other caches' GetS and GetM in the states
// that wait for data. The cells a run leaves unhit are printed (the rare ones are
// stale PutMs meeting a line, and SM_AD chosen as a victim).
TEST_P(SplitStress, NoViolationAndTheNonAtomicCellsAreExercised) {
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.protocol=") + GetParam(), "--ops",
                    "200000", "--seed", "11", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"fabric\": \"bus-split\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  const cohsim::ProtocolTable& t = *cohsim::find_protocol(GetParam(), cohsim::kSplitBusFabric);
  const std::string never = r.out.substr(r.out.find("\"cells_never_hit\""));
  const std::string unhit = never.substr(0, never.find(']') + 1);
  std::cout << GetParam() << " split table, unhit after 200k operations: " << unhit << "\n";
  int checked = 0;
  for (int s = 0; s < t.num_states(); ++s) {
    const auto& st = t.states()[std::size_t(s)];
    if (st.stable) continue;
    // A state waiting for data that other requests have reached (its name has a
    // second suffix), or one waiting for data that others' requests reach.
    const bool after_others = st.name.find("_D_") != std::string::npos;
    for (cohsim::Event e : {cohsim::Event::Data, cohsim::Event::OtherGetS, cohsim::Event::OtherGetM}) {
      const bool data = e == cohsim::Event::Data;
      if (!t.uses(e) || t.cell(std::uint8_t(s), e).kind != cohsim::CellKind::Do) continue;
      if (data ? !after_others : !(st.name.size() >= 2 && st.name.substr(st.name.size() - 2) == "_D")) continue;
      const std::string cell = "\"" + st.name + ", " + cohsim::name(e) + "\"";
      EXPECT_EQ(unhit.find(cell), std::string::npos) << cell << " was never exercised";
      ++checked;
    }
  }
  EXPECT_GE(checked, 4) << "the split table has its non-atomic cells";
}

INSTANTIATE_TEST_SUITE_P(Protocols, SplitStress, ::testing::Values("msi", "mesi", "moesi", "mesif", "dragon"),
                         cohsim::test::ParamName());

// 100 concurrent fetch_adds return 0..99 once each, on the atomic bus too (the
// default split bus runs atomicity_test.cpp's cases).
TEST(SplitBus, FetchAddsStayAtomicOnBothBuses) {
  for (const char* bus : {"split", "atomic"})
    for (const char* protocol : {"msi", "moesi", "dragon"}) {
      std::ostringstream trace;
      for (int t = 0; t < 4; ++t) {
        trace << "thread " << t << "\n";
        for (int k = 0; k < 25; ++k) trace << "  fetch_add x 1 SeqCst -> r" << k << "\n";
      }
      auto r = simulate(std::string("cores: 4\nl2: null\nl3: null\ncheck: true\nbus: {transactions: ") + bus +
                            "}\ncoherence: {protocol: " + protocol + "}\n",
                        trace.str());
      ASSERT_EQ(r.exit_code, 0) << bus << " " << protocol << r.err;
      std::vector<int> seen(100, 0);
      for (int t = 0; t < 4; ++t)
        for (int k = 0; k < 25; ++k) {
          const int v = int(r.at("core" + std::to_string(t) + ".regs.r" + std::to_string(k)));
          ASSERT_TRUE(v >= 0 && v < 100) << v;
          ++seen[std::size_t(v)];
        }
      for (int v = 0; v < 100; ++v) EXPECT_EQ(seen[std::size_t(v)], 1) << bus << " " << protocol << ": old value " << v;
    }
}

// One load from a cold cache, no L2 or L3, memory 20 ns (40 uncore cycles at 2 GHz)
// with 64 GB/s (a 64-byte line takes 1 ns, 2 cycles, of the channel): the address
// phase takes 1 cycle; then memory's channel slot (2), its latency (40) and the data
// bus (64 bytes at 32 bytes a cycle: 2). The response, from the end of the address
// phase to the end of the data phase: 2 + 40 + 2 = 44 cycles.
TEST(SplitBus, ResponseTimeIsTheHandCount) {
  auto r = simulate("cores: 1\nl2: null\nl3: null\nmemory: {model: fixed, latency: 20ns, bandwidth: 64GB/s}\n",
                    "thread 0\n  load 0x10000 -> r0\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.transactions"), 1);
  EXPECT_EQ(r.at("bus.responses"), 1);
  EXPECT_EQ(r.at("bus.avg_response_uncore_cycles"), 44);
  EXPECT_EQ(r.at("bus.busy_uncore_cycles"), 1);
  EXPECT_EQ(r.at("bus.data_busy_uncore_cycles"), 2);
  EXPECT_EQ(r.at("bus.max_outstanding"), 1);
  EXPECT_EQ(r.at("bus.deferred_responses"), 0);
}

// bus.response_jitter: the four loads' responses, which memory (a fixed latency)
// returns in request order, go on the data bus in another order for some seeds; with
// no jitter (the default) always in request order. Read from the event log's data
// phases (their transaction numbers are the bus order).
TEST(SplitBus, ResponseJitterReordersResponses) {
  const std::string yaml = write_temp("j.yaml", "cores: 1\nl2: null\nl3: null\nmemory: {model: fixed, latency: 20ns, "
                                                "bandwidth: 64GB/s}\n");
  const std::string trace = write_temp("j.trace", "thread 0\n  load 0x10000 -> r0\n  load 0x20000 -> r1\n"
                                                  "  load 0x30000 -> r2\n  load 0x40000 -> r3\n");
  auto order = [&](const std::string& jitter, int seed) {
    const std::string events = temp_dir() + "/e.jsonl";
    auto r = run_cli({"run", yaml, "--trace", trace, "--quiet", "--seed", std::to_string(seed), "--set",
                      "bus.response_jitter=" + jitter, "--events", events});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(events);
    std::string line, txns;
    while (std::getline(in, line))
      if (line.find("\"phase\":\"data\"") != std::string::npos)
        txns += line.substr(line.find("\"txn\":") + 6, 1);
    return txns;
  };
  int reordered = 0;
  for (int seed = 1; seed <= 8; ++seed) {
    EXPECT_EQ(order("0", seed), "1234") << "seed " << seed;
    const std::string o = order("100", seed);
    std::string sorted = o;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, "1234") << "seed " << seed << ": every response delivered once";
    reordered += o != "1234";
  }
  EXPECT_GE(reordered, 4) << "responses 0..100 cycles late, 2 cycles apart, overtake each other";
}

// The split bus's timing variation under the random tester with the checker: both
// jitters set by hand (the steering then leaves them alone), no violation.
TEST_P(SplitStress, NoViolationWithResponseAndRequestJitter) {
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.protocol=") + GetParam(), "--set",
                    "bus.response_jitter=60", "--set", "bus.request_jitter=24", "--ops", "100000", "--seed", "13",
                    "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"ops\": 100000,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
}

// Four loads to four lines issued together are outstanding together; the atomic bus
// has one transaction at a time and no such statistic.
TEST(SplitBus, IndependentMissesOverlap) {
  const std::string trace = "thread 0\n  load 0x10000 -> r0\n  load 0x20000 -> r1\n  load 0x30000 -> r2\n"
                            "  load 0x40000 -> r3\n";
  const std::string yaml = "cores: 1\nl2: null\nl3: null\nmemory: {model: fixed, latency: 20ns, bandwidth: 64GB/s}\n";
  auto split = simulate(yaml, trace);
  auto atomic = simulate(yaml + "bus: {transactions: atomic}\n", trace);
  ASSERT_EQ(split.exit_code, 0) << split.err;
  ASSERT_EQ(atomic.exit_code, 0) << atomic.err;
  EXPECT_EQ(split.at("bus.max_outstanding"), 4);
  EXPECT_LT(split.at("cycles") * 2, atomic.at("cycles"));
}

// A GetS ordered while the owner-to-be awaits its data is answered by that cache once
// its store has performed (a deferred response), and the load sees the store.
TEST(SplitBus, AReaderOrderedAfterAWriterGetsItsStoreFromIt) {
  const std::string trace = "thread 0\n  store x 7\nthread 1\n  compute 2\n  load x -> r\n";
  auto r = simulate("cores: 2\ncheck: true\nl2: null\nl3: null\ncoherence: {protocol: msi}\n", trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("bus.deferred_responses"), 1);
  EXPECT_EQ(r.at("core1.regs.r"), 7);
  EXPECT_EQ(r.at("core0.l1d.cells.IM_D_S.Data"), 1);
}

// Four cores stream through private arrays. On the split bus each is as fast as when
// it runs alone and the bus is nearly idle; on the atomic bus every miss holds the bus
// for a memory access and the four cores queue behind each other. (Fixed-latency
// memory: with DRAM, arrays 16 MiB apart fall in one bank and their row conflicts,
// not the bus, slow them.)
std::string streams(int threads) {
  std::ostringstream t;
  for (int k = 0; k < threads; ++k) {
    t << "thread " << k << "\n";
    for (int i = 0; i < 2000; ++i) t << "  load " << 0x1000000 * (k + 1) + 8 * i << " -> r" << i % 4 << "\n";
  }
  return t.str();
}

TEST(SplitBus, FourPrivateStreamsRunAsFastAsOneAlone) {
  std::ifstream f(std::string(COHSIM_SOURCE_DIR) + "/configs/default.yaml");
  std::stringstream yaml;
  yaml << f.rdbuf();
  auto run = [&](int threads, const char* bus) {
    auto r = simulate(yaml.str(), streams(threads),
                      {"--set", "memory.model=fixed", "--set", std::string("bus.transactions=") + bus});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  auto alone = run(1, "split");
  auto four = run(4, "split");
  const double one = alone.at("core0.amat_core_cycles");
  for (int k = 0; k < 4; ++k) {
    const double a = four.at("core" + std::to_string(k) + ".amat_core_cycles");
    EXPECT_LT(a, one * 1.1) << "core" << k;
    EXPECT_GT(a, one * 0.9) << "core" << k;
  }
  EXPECT_LT(four.at("bus.utilization"), 0.2);
  EXPECT_LT(four.at("bus.data_utilization"), 0.2);
  auto atomic = run(4, "atomic");
  EXPECT_GT(atomic.at("core0.amat_core_cycles"), 2 * one) << "the atomic bus serialises the four streams";
  EXPECT_GT(atomic.at("bus.utilization"), 0.9);
}

TEST(SplitBus, ProtocolShowPrintsTheSplitTable) {
  auto split = run_cli({"protocol", "show", "msi", "--bus", "split"});
  ASSERT_EQ(split.exit_code, 0) << split.err;
  for (const char* s : {"IS_D_I", "IM_D_I", "IM_D_S", "IM_D_SI", "defer data to req", "bus-split"})
    EXPECT_NE(split.out.find(s), std::string::npos) << s;
  auto atomic = run_cli({"protocol", "show", "msi"});
  ASSERT_EQ(atomic.exit_code, 0) << atomic.err;
  EXPECT_EQ(atomic.out.find("IS_D_I"), std::string::npos);
  auto bad = run_cli({"protocol", "show", "msi", "--bus", "splt"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("valid: atomic, split"), std::string::npos) << bad.err;
}

}  // namespace

namespace {

// bus.writeback_delay: directed traces for the cells a stale PutM reaches only when
// the writeback waits on the bus past several requests for its line and their data.
// Core 0 stores line A (0x1000) and evicts it (0x2000 and 0x3000 fill its set of the
// 2-set L1): its PutM is made at uncore cycle 420 and, slowed by the delay on core 0
// only, ordered `delay` cycles later. Memory takes 100 ns (200 uncore cycles), so a
// line's data from memory is on its way for about 210 cycles. The other cores' gaps
// (core cycles at 3 GHz, 1.5 to an uncore cycle at 2 GHz) place their requests; the
// event log of each case shows the order the comments give. With no delay the PutM
// is ordered at 420 before any of them, and every other cache meets it in I.
const std::string kStaleYaml =
    "cores: 4\nl1d: {size: 256B, assoc: 2, mshrs: 4, latency: 1cycle}\nl2: null\nl3: null\n"
    "memory: {model: fixed, latency: 100ns}\ncheck: true\n";

// The upgrade: core 2 loads A at 441 (from core 0's writeback buffer), core 1 loads it
// at 471 (core 2 now shares it: S), core 2 stores at 576 (an upgrade: GetM, data from
// memory at about 786: SM_D), core 3 loads at 601 (SM_D_S), core 1 stores at 680
// (SM_D_SI). The PutM at 640 (delay 220) or 720 (300) meets core 2 in SM_D_S or
// SM_D_SI. (MESIF: core 1 reads A from core 2's E copy at once and upgrades first, at
// 476; core 2 waits longer, 310, and stores at 650; core 1 meets the PutM at 640 or
// 660 in SM_D_S or SM_D_SI.)
std::string stale_upgrade_trace(int core2_gap) {
  return "thread 0\n  store 0x1000 1\n  load 0x2000 -> r0\n  load 0x3000 -> r1\n"
         "thread 1\n  compute 705\n  load 0x1000 -> r0\n  store 0x1000 2\n"
         "thread 2\n  compute 660\n  load 0x1000 -> r0\n  compute " +
         std::to_string(core2_gap) +
         "\n  store 0x1000 4\n"
         "thread 3\n  compute 900\n  load 0x1000 -> r0\n";
}

struct StaleCase {
  const char* protocol;
  int core2_gap;
  int delay;
  const char* cell;  // the cell the PutM meets, "coreN.l1d.cells.STATE.Other-PutM"
};

class StalePutM : public ::testing::TestWithParam<StaleCase> {};

TEST_P(StalePutM, DelayedWritebackMeetsTheUpgradeWaitingForData) {
  const StaleCase c = GetParam();
  const std::string trace = stale_upgrade_trace(c.core2_gap);
  auto run = [&](int delay) {
    return simulate(kStaleYaml + "coherence: {protocol: " + c.protocol + "}\n", trace,
                    {"--set", "bus.writeback_delay=" + std::to_string(delay), "--set", "bus.writeback_delay_core=0"});
  };
  auto r = run(c.delay);
  ASSERT_EQ(r.exit_code, 0) << r.err;  // the checker (check: true) found nothing
  EXPECT_EQ(r.at(c.cell), 1) << c.cell;
  EXPECT_EQ(r.at("bus.msgs.PutM"), 1);
  // The same trace without the delay: the PutM comes first, every cache is in I.
  auto plain = run(0);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.at(c.cell), 0) << c.cell;
  for (int core = 1; core < 4; ++core)
    EXPECT_EQ(plain.at("core" + std::to_string(core) + ".l1d.cells.I.Other-PutM"), 1) << core;
}

INSTANTIATE_TEST_SUITE_P(
    Cells, StalePutM,
    ::testing::Values(StaleCase{"msi", 200, 220, "core2.l1d.cells.SM_D_S.Other-PutM"},
                      StaleCase{"msi", 200, 300, "core2.l1d.cells.SM_D_SI.Other-PutM"},
                      StaleCase{"mesi", 200, 220, "core2.l1d.cells.SM_D_S.Other-PutM"},
                      StaleCase{"mesi", 200, 300, "core2.l1d.cells.SM_D_SI.Other-PutM"},
                      StaleCase{"mesif", 310, 220, "core1.l1d.cells.SM_D_S.Other-PutM"},
                      StaleCase{"mesif", 310, 240, "core1.l1d.cells.SM_D_SI.Other-PutM"}),
    [](const ::testing::TestParamInfo<StaleCase>& i) {
      std::string n = std::string(i.param.protocol) + "_" + std::to_string(i.param.delay);
      return n;
    });

// MOESI's (E, Other-PutM): core 1 takes A with a GetM at 442 (from core 0's
// writeback buffer: core 0 goes to II_A), evicts it at 656 (its own PutM, not
// delayed), core 2 loads A at 934 and gets it exclusive from memory at 1142; core 0's
// stale PutM, ordered at 1320 (delay 900), meets core 2 in E. Core 0 itself meets it
// in II_A (its Own-PutM) and counts no other cell for it.
TEST(StalePutM, MoesiExclusiveMeetsAPutMOfAnEarlierOwner) {
  const std::string trace =
      "thread 0\n  store 0x1000 1\n  load 0x2000 -> r0\n  load 0x3000 -> r1\n"
      "thread 1\n  compute 660\n  store 0x1000 2\n  load 0x4000 -> r0\n  load 0x5000 -> r1\n"
      "thread 2\n  compute 1400\n  load 0x1000 -> r0\n";
  auto run = [&](int delay) {
    return simulate(kStaleYaml + "coherence: {protocol: moesi}\n", trace,
                    {"--set", "bus.writeback_delay=" + std::to_string(delay), "--set", "bus.writeback_delay_core=0"});
  };
  auto r = run(900);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core2.l1d.cells.E.Other-PutM"), 1);
  EXPECT_EQ(r.at("core0.l1d.cells.II_A.Own-PutM"), 1);
  EXPECT_EQ(r.at("bus.msgs.PutM"), 2);  // core 1's, then core 0's stale one
  EXPECT_EQ(r.at("core1.l1d.cells.I.Other-PutM"), 1);
  auto plain = run(0);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.at("core2.l1d.cells.E.Other-PutM"), 0);
  EXPECT_EQ(plain.at("core0.l1d.cells.MI_A.Own-PutM"), 1);  // ordered before core 1's GetM
}

// The delay slows only the named core's writebacks: on core 1 instead, core 0's PutM
// is ordered at once (420) and nothing meets it in a transient state.
TEST(StalePutM, OnlyTheNamedCoresWritebacksWait) {
  auto r = simulate(kStaleYaml + "coherence: {protocol: mesi}\n", stale_upgrade_trace(200),
                    {"--set", "bus.writeback_delay=300", "--set", "bus.writeback_delay_core=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core2.l1d.cells.SM_D_SI.Other-PutM"), 0);
  EXPECT_EQ(r.at("core0.l1d.cells.MI_A.Own-PutM"), 1);
  for (int core = 1; core < 4; ++core) EXPECT_EQ(r.at("core" + std::to_string(core) + ".l1d.cells.I.Other-PutM"), 1);
}

}  // namespace

namespace {

// The full split tables within a million steered operations (before the slow
// writeback path, MSI's SM_D_SI, MESI's SM_D_S and SM_D_SI, MESIF's SM_D_S and
// MOESI's E, IM_D_OI and SM_D_OI Other-PutM stayed unhit at these seeds).
using CoverCase = std::tuple<const char*, const char*>;  // protocol, seed
class SplitStressCoverage : public ::testing::TestWithParam<CoverCase> {};

TEST_P(SplitStressCoverage, AMillionSteeredOperationsHitEveryReachableCell) {
  const auto [protocol, seed] = GetParam();
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.protocol=") + protocol, "--ops", "1000000",
                    "--seed", seed, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"cells_never_hit\": []"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SplitStressCoverage,
                         ::testing::Combine(::testing::Values("msi", "mesi", "mesif", "moesi", "dragon"),
                                            ::testing::Values("2027", "31337")),
                         cohsim::test::ParamName());

// 32 cores on the split bus: the steering's grouped epochs (four threads run, the others
// compute) still reach every cell within a million operations. (MESI at seed 2027 missed
// SM_D_SI, Other-PutM while the groups were drawn at random: the threads drawn often had
// used up their operations by two thirds of the run; MESI at seed 8675309 missed it
// until the Upgrade epochs' late-store form.)
class SplitStressCoverageManyCores : public ::testing::TestWithParam<CoverCase> {};

TEST_P(SplitStressCoverageManyCores, ThirtyTwoCoresHitEveryReachableCell) {
  const auto [protocol, seed] = GetParam();
  auto r = run_cli({"stress", kStressConfig, "--set", "cores=32", "--set", std::string("coherence.protocol=") + protocol,
                    "--ops", "1000000", "--seed", seed, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"cores\": 32,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"cells_never_hit\": []"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Cases, SplitStressCoverageManyCores,
                         ::testing::Values(CoverCase{"msi", "2027"}, CoverCase{"mesi", "2027"},
                                           CoverCase{"mesi", "8675309"}, CoverCase{"moesi", "31337"}),
                         cohsim::test::ParamName());

}  // namespace

namespace {

// The sparse directory (4 entries, 2-way): the home tables in full within a million
// steered operations (the cells only a late Put reaches, MOESI's S, Put-NonOwner and
// MSI's and MESI's I_D, Put-NonOwner, I_D, PutS-NotLast and S, Put-NonOwner, need the
// steering's slow Put path; sparse_directory_test.cpp reaches each one by a directed
// trace). Before the slow-Put epochs kept the threads' turns in step, MSI's and MESI's
// I_D, Put-NonOwner stayed unhit at 2027 and 4242.
class SparseStressCoverage : public ::testing::TestWithParam<CoverCase> {};

TEST_P(SparseStressCoverage, HomeTableInAMillionOperations) {
  const auto [protocol, seed] = GetParam();
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.protocol=") + protocol, "--set",
                    "coherence.fabric=directory", "--set", "directory.entries=4", "--set", "directory.assoc=2", "--ops",
                    "1000000", "--seed", seed, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"cells_never_hit\": []"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SparseStressCoverage,
                         ::testing::Values(CoverCase{"moesi", "2027"}, CoverCase{"moesi", "31337"},
                                           CoverCase{"msi", "2027"}, CoverCase{"msi", "4242"},
                                           CoverCase{"mesi", "4242"}),
                         cohsim::test::ParamName());

// 32 cores on the sparse directory: the slow-Put turns (four threads run) reach every
// cell of MSI's and MESI's home tables within a million operations. Before the turns
// kept the hot line's directory set to themselves, the slow thread waited for the
// first's turn and the recall was timed off the late Put's departure, MESI missed
// S_R, Put-NonOwner (a late PutM crossing a recall) at seeds 5150 and 2027, and
// I_D, Put-NonOwner at 5150. MOESI at seed 2468 missed S, Put-NonOwner (a late PutM
// after the owner's PutO, a sharer left) while its turns waited for E, GetM-Owner,
// the other of its last two cells, which came only at 966k operations.
class SparseStressCoverageManyCores : public ::testing::TestWithParam<CoverCase> {};

TEST_P(SparseStressCoverageManyCores, ThirtyTwoCoresHitEveryReachableCell) {
  const auto [protocol, seed] = GetParam();
  auto r = run_cli({"stress", kStressConfig, "--set", "cores=32", "--set", std::string("coherence.protocol=") + protocol,
                    "--set", "coherence.fabric=directory", "--set", "directory.entries=4", "--set",
                    "directory.assoc=2", "--ops", "1000000", "--seed", seed, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"cores\": 32,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"cells_never_hit\": []"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Cases, SparseStressCoverageManyCores,
                         ::testing::Values(CoverCase{"mesi", "5150"}, CoverCase{"mesi", "2027"},
                                           CoverCase{"msi", "5150"}, CoverCase{"moesi", "2468"}),
                         cohsim::test::ParamName());

}  // namespace
