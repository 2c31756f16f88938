// Every statistic declares itself (COHSIM_STAT): the declarations are well formed,
// patterns match the names they describe, and docs/stats.md is generated from them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/base/stats.hpp"

using namespace cohsim;
using ::testing::HasSubstr;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}


}  // namespace

TEST(StatPatterns, PartsMatchOneForOne) {
  EXPECT_TRUE(stat_pattern_matches("core*.l*.hits", "core0.l1d.hits"));
  EXPECT_TRUE(stat_pattern_matches("core*.l*.hits", "core12.l2.hits"));
  EXPECT_FALSE(stat_pattern_matches("core*.l*.hits", "core0.l1d.load_hits"));
  EXPECT_FALSE(stat_pattern_matches("core*.l*.hits", "core0.l1d.cells.S.hits"));  // '*' never crosses a dot
  EXPECT_FALSE(stat_pattern_matches("core*.hits", "l2.hits"));
  EXPECT_TRUE(stat_pattern_matches("core*.l*.cells.*.*", "core1.l1d.cells.IM_AD.Data(ack>0)"));
}

TEST(StatPatterns, OptionalPartsAndAlternatives) {
  EXPECT_TRUE(stat_pattern_matches("[node*.]memory.reads", "memory.reads"));
  EXPECT_TRUE(stat_pattern_matches("[node*.]memory.reads", "node1.memory.reads"));
  EXPECT_FALSE(stat_pattern_matches("[node*.]memory.reads", "core1.memory.reads"));
  EXPECT_TRUE(stat_pattern_matches("core*.l*.{load,store}_hits", "core0.l1d.store_hits"));
  EXPECT_FALSE(stat_pattern_matches("core*.l*.{load,store}_hits", "core0.l1d.rmw_hits"));
  EXPECT_TRUE(stat_pattern_matches("memory.read_latency_{p50,max}_ns", "memory.read_latency_max_ns"));
}

TEST(StatPatterns, TheMostLiteralDeclarationWins) {
  ASSERT_NE(find_stat_declaration("core0.l1d.misses"), nullptr);
  EXPECT_STREQ(find_stat_declaration("core0.l1d.misses")->pattern, "core*.l*.misses");
  EXPECT_STREQ(find_stat_declaration("core3.l1d.misses_per_1000_ops")->pattern, "core*.l1d.misses_per_1000_ops");
  EXPECT_EQ(find_stat_declaration("core0.l1d.no_such_statistic"), nullptr);
}

TEST(StatDeclarations, EveryOneIsWellFormed) {
  std::set<std::string> units;
  for (auto& [u, what] : stat_units()) units.insert(u);
  std::set<std::string> seen;
  const auto decls = stat_declarations();
  EXPECT_GT(decls.size(), 150u);
  for (const StatDecl* d : decls) {
    SCOPED_TRACE(std::string(d->pattern) + " (" + d->file + ")");
    EXPECT_TRUE(seen.insert(d->pattern).second) << "declared twice";
    EXPECT_TRUE(units.count(d->unit)) << "unknown unit '" << d->unit << "'";
    const bool cycles = std::strcmp(d->unit, "cycles") == 0;
    const std::string clock = d->clock;
    if (cycles) EXPECT_TRUE(clock == "core" || clock == "uncore" || clock == "dram") << "cycles need a clock";
    else EXPECT_EQ(clock, "") << "only cycles have a clock";
    EXPECT_GT(std::strlen(d->description), 10u);
    EXPECT_EQ(std::strchr(d->description, '|'), nullptr) << "'|' breaks the docs' table";
    EXPECT_EQ(std::strchr(d->description, '\n'), nullptr);
  }
}

TEST(StatDeclarations, RegistrationCarriesTheDeclaration) {
  const StatDecl* hits = find_stat_declaration("core0.l1d.hits");
  const StatDecl* stall = find_stat_declaration("core0.fence_stall_core_cycles");
  ASSERT_TRUE(hits && stall);
  Stats s;
  const std::uint64_t n = 3;
  s.counter(*hits, "core0.l1d.hits", &n);
  s.set(*stall, "core0.fence_stall_core_cycles", 7);
  ASSERT_NE(s.declaration("core0.l1d.hits"), nullptr);
  EXPECT_STREQ(s.declaration("core0.l1d.hits")->unit, "count");
  EXPECT_STREQ(s.declaration("core0.fence_stall_core_cycles")->clock, "core");
  EXPECT_EQ(s.declaration("core0.l1d.misses"), nullptr);  // declared, but not registered here
  EXPECT_EQ(s.get("core0.l1d.hits"), 3u);
}

// docs/stats.md is generated. To regenerate it after changing a declaration:
//   build/cohsim stats docs > docs/stats.md
TEST(StatDocs, ReferenceIsUpToDate) {
  const std::string path = std::string(COHSIM_SOURCE_DIR) + "/docs/stats.md";
  const std::string generated = stats_reference_markdown();
  if (std::getenv("COHSIM_UPDATE_DOCS")) std::ofstream(path, std::ios::binary) << generated;
  EXPECT_TRUE(read_file(path) == generated) << path << " is out of date with the COHSIM_STAT declarations; regenerate it with\n"
                                       << "  build/cohsim stats docs > docs/stats.md";
}
