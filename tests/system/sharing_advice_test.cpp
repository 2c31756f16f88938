// The sharing advisor (`advice`, docs/advice.md): a line that bounces between cores is
// named, with its kind, symbols, trace lines and coherence misses; a private line is not.
//
// Hand count: two cores write one line in strict turns, K times each, the turns kept
// apart by `compute` (far longer than a miss). Each core's first store misses
// compulsorily; every later one finds the line taken by the other core's store since
// (a coherence miss): 2 (K - 1) coherence misses on the line, K - 1 per core. Where the
// two cores write decides the kind: disjoint words (false sharing), the same word
// (true sharing), words on different lines (nothing to name).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::ParamName;
using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::write_temp;

namespace {

constexpr int kTurns = 10;

// Thread 0 writes `a`, thread 1 writes `b` (starting half a turn later); `a` at
// 0x10000, `b` at `b_addr`. The store of each loop is trace line 7 (thread 0) and 16
// (thread 1).
std::string turns(const std::string& b_addr, bool same_symbol) {
  const std::string b = same_symbol ? "a" : "b";
  return "place a 0x10000\n"
         "place b " + b_addr + "\n"
         "\n"
         "thread 0\n"
         "  mov 0 -> n\n"
         "loop0:\n"
         "  store a n\n"  // line 7
         "  compute 2000\n"
         "  add n 1 -> n\n"
         "  blt n " + std::to_string(kTurns) + " loop0\n"
         "\n"
         "thread 1\n"
         "  mov 0 -> n\n"
         "  compute 1000\n"
         "loop1:\n"
         "  store " + b + " n\n"  // line 16
         "  compute 2000\n"
         "  add n 1 -> n\n"
         "  blt n " + std::to_string(kTurns) + " loop1\n";
}

class SharingAdvice : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  std::string yaml() const {
    const auto& [fabric, l2] = GetParam();
    return "cores: 2\ncoherence: {protocol: mesi, fabric: " + fabric + "}\nl2: " + l2 + "\nl3: null\n";
  }
  // The coherence misses of both cores at the coherent level (the stats' own count).
  static double coherence_misses(const cohsim::test::RunResult& r, const std::string& l2) {
    const std::string level = l2 == "null" ? "l1d" : "l2";
    return r.at("core0." + level + ".coherence_misses") + r.at("core1." + level + ".coherence_misses");
  }
};

TEST_P(SharingAdvice, DisjointWordsOfOneLineAreFalseSharing) {
  auto r = simulate(yaml(), turns("0x10008", false));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(coherence_misses(r, std::get<1>(GetParam())), 2 * (kTurns - 1));
  EXPECT_EQ(r.at("sharing.lines"), 1);
  EXPECT_EQ(r.at("sharing.false_sharing_lines"), 1);
  EXPECT_EQ(r.at("sharing.true_sharing_lines"), 0);
  EXPECT_EQ(r.at("sharing.coherence_misses"), 2 * (kTurns - 1));
  const nlohmann::json j = nlohmann::json::parse(r.json);
  ASSERT_EQ(j["_advice"]["lines"].size(), 1u) << r.json;
  const auto& l = j["_advice"]["lines"][0];
  EXPECT_EQ(l["kind"], "false_sharing");
  EXPECT_EQ(l["address"], 0x10000);
  EXPECT_EQ(l["coherence_misses"], 2 * (kTurns - 1));
  ASSERT_EQ(l["cores"].size(), 2u);
  EXPECT_EQ(l["cores"][0]["coherence_misses"], kTurns - 1);
  EXPECT_EQ(l["cores"][1]["coherence_misses"], kTurns - 1);
  EXPECT_EQ(l["cores"][0]["bytes_written"], "0-7");
  EXPECT_EQ(l["cores"][1]["bytes_written"], "8-15");
  // The operations, most counted first: core1's K stores all came after the line was
  // first taken (by its own first store); core0's first store came before.
  ASSERT_EQ(l["operations"].size(), 2u) << l;
  EXPECT_EQ(l["operations"][0]["core"], 1);
  EXPECT_EQ(l["operations"][0]["trace_line"], 16);
  EXPECT_EQ(l["operations"][0]["access"], "store");
  EXPECT_EQ(l["operations"][0]["symbol"], "b");
  EXPECT_EQ(l["operations"][0]["count"], kTurns);
  EXPECT_EQ(l["operations"][1]["core"], 0);
  EXPECT_EQ(l["operations"][1]["trace_line"], 7);
  EXPECT_EQ(l["operations"][1]["symbol"], "a");
  EXPECT_EQ(l["operations"][1]["count"], kTurns - 1);
  // The time the misses took: each at least the L1D's lookup, together less than the
  // run (the turns never overlap: at most one miss is in flight at a time).
  const double cyc = l["miss_core_cycles"];
  EXPECT_EQ(r.at("sharing.coherence_miss_cycles"), cyc);
  EXPECT_GE(cyc, 2 * (kTurns - 1) * 4.0);
  EXPECT_LT(cyc, r.at("cycles"));
}

TEST_P(SharingAdvice, TheSameWordIsTrueSharing) {
  auto r = simulate(yaml(), turns("0x10008", true));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(coherence_misses(r, std::get<1>(GetParam())), 2 * (kTurns - 1));
  EXPECT_EQ(r.at("sharing.lines"), 1);
  EXPECT_EQ(r.at("sharing.true_sharing_lines"), 1);
  EXPECT_EQ(r.at("sharing.false_sharing_lines"), 0);
  const nlohmann::json j = nlohmann::json::parse(r.json);
  ASSERT_EQ(j["_advice"]["lines"].size(), 1u);
  const auto& l = j["_advice"]["lines"][0];
  EXPECT_EQ(l["kind"], "true_sharing");
  EXPECT_EQ(l["coherence_misses"], 2 * (kTurns - 1));
  EXPECT_EQ(l["cores"][0]["bytes_written"], "0-7");
  EXPECT_EQ(l["cores"][1]["bytes_written"], "0-7");
}

TEST_P(SharingAdvice, PrivateLinesNameNothing) {
  auto r = simulate(yaml(), turns("0x10040", false));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(coherence_misses(r, std::get<1>(GetParam())), 0);
  EXPECT_EQ(r.at("sharing.lines"), 0);
  EXPECT_EQ(r.at("sharing.coherence_misses"), 0);
  const nlohmann::json j = nlohmann::json::parse(r.json);
  EXPECT_TRUE(j["_advice"]["lines"].empty());
}

// With a warm-up the advisor restarts with the window: its coherence misses are the
// window's (a miss counted before the reset and completed after it is neither).
TEST_P(SharingAdvice, AWarmUpRestartsIt) {
  auto r = simulate(yaml(), turns("0x10008", false), {"--warmup", "12"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double window = coherence_misses(r, std::get<1>(GetParam()));
  EXPECT_GT(window, 0);
  EXPECT_LT(window, 2 * (kTurns - 1));
  EXPECT_EQ(r.at("sharing.coherence_misses"), window);
}

INSTANTIATE_TEST_SUITE_P(Fabrics, SharingAdvice,
                         ::testing::Combine(::testing::Values("bus", "directory"), ::testing::Values("null", "{size: 64KiB}")),
                         ParamName());

// The printed summary names the line, its symbols, the trace lines and the advice.
TEST(SharingAdviceSummary, NamesTheLineTheSymbolsAndTheTraceLines) {
  const std::string yaml = write_temp("fs.yaml", "cores: 2\ncoherence: {protocol: mesi}\nl3: null\n");
  auto r = run_cli({"run", yaml, "--trace", write_temp("fs.trace", turns("0x10008", false))});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sharing        1 line with coherence misses: 1 false sharing, 0 true sharing, 0 contended locks; 18 "
                       "coherence misses"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  false sharing on line 0x10000 (a, b): 18 coherence misses (core0 9, core1 9)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("core0 line 7 store a x9; core1 line 16 store b x10"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the cores touch disjoint bytes (core0 0-7, core1 8-15): give each core's data its own 64-byte line"),
            std::string::npos)
      << r.out;
  // off: no line, no statistic, no "_advice"
  auto off = run_cli({"run", yaml, "--trace", write_temp("fs.trace", turns("0x10008", false)), "--set", "advice=false"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.out.find("sharing "), std::string::npos) << off.out;
}

// The lesson's traces (docs/teaching/lesson3-sharing-and-locks.md shows these lines):
// the counters of false_sharing.trace share a line, padded.trace's do not; TAS's lock
// line is a contended lock, and its 221 coherence misses are all the L2s' but those of
// the counter and the barrier's `done`.
TEST(SharingAdviceLessons, FalseSharingPaddedAndTas) {
  const std::string root = COHSIM_SOURCE_DIR;
  auto run = [&](const std::string& config, const std::string& trace, std::vector<std::string> extra) {
    std::vector<std::string> a{"run", root + "/configs/" + config, "--trace", root + "/traces/" + trace};
    a.insert(a.end(), extra.begin(), extra.end());
    auto r = run_cli(a);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  const std::string fs = run("classroom-msi.yaml", "lessons/false_sharing.trace", {"--set", "coherence.protocol=mesi"});
  EXPECT_NE(fs.find("  false sharing on line 0x10000 (c0, c1): 128 coherence misses (core0 64, core1 64)"), std::string::npos)
      << fs;
  EXPECT_NE(fs.find("core0 line 20 store c0 x64"), std::string::npos) << fs;
  EXPECT_NE(fs.find("core1 line 31 store c1 x64"), std::string::npos) << fs;
  EXPECT_NE(fs.find("L1D causes     130 primary misses: 2 compulsory, 0 capacity, 0 conflict, 128 coherence"),
            std::string::npos)
      << fs;
  const std::string padded = run("classroom-msi.yaml", "lessons/padded.trace", {"--set", "coherence.protocol=mesi"});
  EXPECT_EQ(padded.find("sharing "), std::string::npos) << padded;
  const std::string tas =
      run("default.yaml", "workloads/tas.trace", {"--set", "cores=4", "--set", "coherence.protocol=mesi"});
  EXPECT_NE(tas.find("  contended lock on line 0x10000 (lock): 221 coherence misses (core0 36, core1 73, core2 72, core3 40)"),
            std::string::npos)
      << tas;
  EXPECT_NE(tas.find("core1 line 30 rmw lock x117"), std::string::npos) << tas;
  EXPECT_NE(tas.find("  true sharing on line 0x10040 (counter)"), std::string::npos) << tas;
}

}  // namespace
