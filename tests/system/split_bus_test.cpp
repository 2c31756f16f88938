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
