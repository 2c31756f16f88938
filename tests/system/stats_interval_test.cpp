// --stats-interval: periodic statistics on a phased trace (hand-counted misses per phase).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::simulate;
using cohsim::test::temp_dir;

namespace {

// One core. Phase 1: 4000 loads over 8 lines (8 primary misses, then hits). Phase 2:
// 256 loads, each to a line never touched (256 primary misses; 264 lines fit the
// 32 KiB L1D, so nothing is evicted).
std::string phased_trace() {
  std::string t = "thread 0\n";
  for (int i = 0; i < 4000; ++i) t += "  load " + std::to_string(0x10000 + (i % 8) * 64) + " -> r1\n";
  for (int i = 0; i < 256; ++i) t += "  load " + std::to_string(0x100000 + i * 64) + " -> r2\n";
  return t;
}

TEST(StatsInterval, PhasedTraceShowsItsPhasesAndEndsOnTheFinalStatistics) {
  const std::string yaml = "cores: 1\n";
  const std::string lines = temp_dir() + "/phased.jsonl";
  auto with = simulate(yaml, phased_trace(), {"--stats-interval", "500", "--stats-interval-file", lines});
  auto without = simulate(yaml, phased_trace());
  ASSERT_EQ(with.exit_code, 0) << with.err;
  // stopping every 500 cycles changes nothing in the run
  EXPECT_EQ(with.statistics_json(), without.statistics_json());
  std::ifstream f(lines);
  std::vector<nlohmann::json> rows;
  for (std::string l; std::getline(f, l);) rows.push_back(nlohmann::json::parse(l));
  const std::uint64_t cycles = std::uint64_t(with.at("cycles"));
  ASSERT_EQ(rows.size(), (cycles - 1) / 500 + 1);  // every 500 cycles before the end, then the end
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) EXPECT_EQ(rows[i]["cycle"], 500 * (i + 1));
  EXPECT_EQ(rows.back()["cycle"], cycles);
  // the last line is the final statistics
  const auto final_stats = nlohmann::json::parse(with.json);
  for (auto& [k, v] : final_stats.items())
    if (k != "_provenance" && k != "_advice") EXPECT_EQ(rows.back()[k], v) << k;  // (not statistics)
  // cumulative, never decreasing; phase 1 misses only its 8 lines, phase 2 every line
  std::uint64_t prev_misses = 0, prev_loads = 0;
  bool saw_phase1_after_warm = false, saw_phase2 = false;
  for (auto& r : rows) {
    const std::uint64_t loads = r["core0.loads"], misses = r["core0.l1d.primary_misses"];
    EXPECT_GE(misses, prev_misses);
    EXPECT_GE(loads, prev_loads);
    if (loads <= 4000) EXPECT_LE(misses, 8u) << "cycle " << r["cycle"];
    if (loads > 100 && loads <= 4000 && prev_loads > 100) {
      EXPECT_EQ(misses, prev_misses);  // warm phase 1: an interval without a miss
      saw_phase1_after_warm = true;
    }
    if (prev_loads >= 4000 && loads > prev_loads) {
      EXPECT_EQ(misses - prev_misses, loads - prev_loads);  // phase 2: every load a new line
      saw_phase2 = true;
    }
    prev_misses = misses, prev_loads = loads;
  }
  EXPECT_TRUE(saw_phase1_after_warm);
  EXPECT_TRUE(saw_phase2);
  EXPECT_EQ(rows.back()["core0.l1d.primary_misses"], 8u + 256u);
}

TEST(StatsInterval, DefaultFileSitsBesideTheStatsAndBadUseIsRefused) {
  auto r = simulate("cores: 1\n", phased_trace(), {"--stats-interval", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // simulate() writes simN.json: the lines go to simN.intervals.jsonl
  bool found = false;
  for (int n = 0; n < 10 && !found; ++n) {
    std::ifstream f(temp_dir() + "/sim" + std::to_string(n) + ".intervals.jsonl");
    std::string first;
    if (f && std::getline(f, first)) found = nlohmann::json::parse(first)["cycle"] == 1000;
  }
  EXPECT_TRUE(found);
  auto bad = cohsim::test::run_cli({"run", cohsim::test::write_temp("c.yaml", "cores: 1\n"), "--stats-interval", "10"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--stats-interval needs --stats"), std::string::npos) << bad.err;
}

}  // namespace
