// The random tester (`cohsim stress`) on every protocol: a million operations on a
// few contended lines with the checker on, no violation, and every cell of the
// protocol's table that can be reached exercised.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;

namespace {

const std::string kStressConfig = std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml";

class Stress : public ::testing::TestWithParam<const char*> {};

// Three million operations, steered, on the atomic bus's table (tests/system/
// split_bus_test.cpp covers the split bus's): no violation and every reachable cell
// hit. The rarest cells are a store that reaches a line while the same cache's
// request for it waits for its data (IS_D/IM_D/SM_D, Store: a core asks again only
// when a line of the same wake-up bucket becomes ready) and MOESI's (E, Other-PutM)
// (a PutM still queued behind a GetS that was answered exclusive). The plain mix
// (--no-steer) needed an unlucky-seed fallback here once a load forwarded from the
// store buffer waited for older loads (seeds 1, 2 and 5 left MESI's SM_D, Store unhit
// in three million operations); the steering's Retry pattern (a cold miss, a store
// to the hot line, a miss on its bucket partner, a second store) reaches it within a
// million for seeds 1..5 (scripts/stress_coverage.sh).
TEST_P(Stress, ThreeMillionOperationsWithoutViolationCoverTheWholeTable) {
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.protocol=") + GetParam(), "--set",
                    "bus.transactions=atomic", "--ops", "3000000", "--seed", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"ops\": 3000000,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"cells_never_hit\": []"), std::string::npos) << r.out;
}

TEST_P(Stress, PrivateL2HierarchyHasNoViolation) {
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.protocol=") + GetParam(), "--set",
                    "l2.size=512B", "--set", "l2.assoc=2", "--set", "l1d.size=128B", "--ops", "200000", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Protocols, Stress, ::testing::Values("msi", "mesi", "moesi", "mesif", "dragon"),
                         cohsim::test::ParamName());

// The same on a directory: both tables (the caches' and the directory's) covered.
// The tester adds random network delays (network.jitter) so that messages on
// different virtual networks overtake each other.
class DirectoryStress : public ::testing::TestWithParam<const char*> {};

TEST_P(DirectoryStress, AMillionOperationsWithoutViolationCoverBothTables) {
  auto r = run_cli({"stress", kStressConfig, "--set", "coherence.fabric=directory", "--set",
                    std::string("coherence.protocol=") + GetParam(), "--ops", "1000000", "--seed", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"fabric\": \"directory\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"ops\": 1000000,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"cells_never_hit\": []"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("directory: I, PutS-Last"), std::string::npos) << r.out;  // listed unreachable, with why
}

TEST_P(DirectoryStress, PrivateL2AndSixteenCoresHaveNoViolation) {
  auto l2 = run_cli({"stress", kStressConfig, "--set", "coherence.fabric=directory", "--set",
                     std::string("coherence.protocol=") + GetParam(), "--set", "l2.size=512B", "--set", "l2.assoc=2",
                     "--set", "l1d.size=128B", "--ops", "200000", "--seed", "2", "--json"});
  ASSERT_EQ(l2.exit_code, 0) << l2.out << l2.err;
  EXPECT_NE(l2.out.find("\"violations\": 0,"), std::string::npos) << l2.out;
  auto wide = run_cli({"stress", kStressConfig, "--set", "coherence.fabric=directory", "--set",
                       std::string("coherence.protocol=") + GetParam(), "--set", "cores=16", "--ops", "400000",
                       "--seed", "3", "--json"});
  ASSERT_EQ(wide.exit_code, 0) << wide.out << wide.err;
  EXPECT_NE(wide.out.find("\"violations\": 0,"), std::string::npos) << wide.out;
}

INSTANTIATE_TEST_SUITE_P(Protocols, DirectoryStress, ::testing::Values("msi", "mesi", "moesi"),
                         cohsim::test::ParamName());

// Weak cores keep more requests in flight (stores drain out of order, loads bind
// out of order, LL/SC loops), which is where two upgrades and a fill once found no
// way to evict in a two-way set.
using WeakCase = std::tuple<const char*, const char*, const char*>;  // protocol, fabric, isa
class WeakStress : public ::testing::TestWithParam<WeakCase> {};

TEST_P(WeakStress, WeakCoresHaveNoViolation) {
  const auto [protocol, fabric, isa] = GetParam();
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.fabric=") + fabric, "--set",
                    std::string("coherence.protocol=") + protocol, "--set", std::string("isa=") + isa, "--ops",
                    "200000", "--seed", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Bus, WeakStress,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi", "mesif", "dragon"),
                                            ::testing::Values("bus"), ::testing::Values("arm", "riscv")),
                         cohsim::test::ParamName());
INSTANTIATE_TEST_SUITE_P(Directory, WeakStress,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"), ::testing::Values("directory"),
                                            ::testing::Values("arm", "riscv")),
                         cohsim::test::ParamName());

// With an L1I (l1i.size > 0, above a private L2) the tester's plain mix fetches
// instructions from code lines of their own, which no store touches (self-modifying
// code would stop the run), sharing the L2's sets with the data lines: the L1I fills
// and evicts (two lines for four cores x eight code lines: many more misses than
// code lines), instruction lines sit in the L2s beside data lines, and the checker
// finds nothing, on the split bus and on the directory.
class IfetchStress : public ::testing::TestWithParam<const char*> {};

TEST_P(IfetchStress, InstructionFetchesMixWithDataWithoutViolation) {
  auto r = run_cli({"stress", kStressConfig, "--set", std::string("coherence.fabric=") + GetParam(), "--set",
                    "l2.size=512B", "--set", "l2.assoc=2", "--set", "l1d.size=128B", "--set", "l1i.size=128B", "--set",
                    "l1i.assoc=2", "--ops", "40000", "--seed", "7", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("violations"), 0) << r.out;
  // One op in twenty of the plain mix is a fetch: about 40,000 / 20.
  EXPECT_GT(j.at("ifetches").get<int>(), 1000) << r.out;
  EXPECT_LT(j.at("ifetches").get<int>(), 4000) << r.out;
  EXPECT_GT(j.at("l1i_misses").get<int>(), 4 * 8 * 4) << r.out;  // refetches after evictions
  EXPECT_LT(j.at("l1i_misses").get<int>(), j.at("ifetches").get<int>()) << r.out;  // and hits
  // Code is never written, so no core's write takes a code line from an L2.
  EXPECT_EQ(j.at("l1i_invalidations"), 0) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Fabrics, IfetchStress, ::testing::Values("bus", "directory"), cohsim::test::ParamName());

// l1i.size 0 (the default): no fetch in the mix, nothing about the L1I in the report.
TEST(IfetchStressOff, NoFetchesWithoutAnL1i) {
  auto r = run_cli({"stress", kStressConfig, "--ops", "4000", "--seed", "7", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("ifetches"), std::string::npos) << r.out;
}

TEST(StressCli, ReportsCoverageAsText) {
  auto r = run_cli({"stress", kStressConfig, "--ops", "2000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no violation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("table cells exercised"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SM_D, Replacement: a line waiting for its own data is never chosen as a victim"),
            std::string::npos)
      << r.out;
}

}  // namespace
