// The fourth C: a primary miss to a line another core's request took away since this
// cache last missed on it is a coherence miss. Hand count on a strict hand-off: two
// cores take turns writing one line, each waiting (a spin of loads) for the other's
// value before it writes the next.
//
//   thread 0: store 1; wait == 2; store 3; wait == 4; ... store 2K-1; wait == 2K
//   thread 1: (starts late) wait == 1; store 2; wait == 3; ... store 2K
//
// Thread 0 misses once on its first store (compulsory), then once in each of its K
// waits: the other core's store invalidated its copy (coherence), and its own stores
// find the line present without write permission (upgrade misses, not primary).
// Thread 1 misses on its first wait (compulsory) and once in each later wait
// (coherence: K-1). No capacity or conflict miss: one line.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::ParamName;
using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::write_temp;

namespace {

constexpr int kRounds = 12;

std::string handoff() {
  std::string t0 = "thread 0\n", t1 = "thread 1\n  compute 2000\n";
  for (int r = 1; r <= kRounds; ++r) {
    t0 += "  store 0x1000 " + std::to_string(2 * r - 1) + "\n  wait 0x1000 == " + std::to_string(2 * r) + " Acquire\n";
    t1 += "  wait 0x1000 == " + std::to_string(2 * r - 1) + " Acquire\n  store 0x1000 " + std::to_string(2 * r) + "\n";
  }
  return t0 + t1;
}

class CoherenceMisses : public ::testing::TestWithParam<std::tuple<std::string, std::string, std::string>> {};

TEST_P(CoherenceMisses, HandOffCountsOneCoherenceMissPerTurn) {
  const auto& [protocol, fabric, l2] = GetParam();
  const std::string yaml = "cores: 2\ncoherence: {protocol: " + protocol + ", fabric: " + fabric + "}\nl2: " + l2 +
                           "\nl3: null\n";
  auto r = simulate(yaml, handoff());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // the coherent level: the private L2 when there is one, else the L1D; the L1D above a
  // private L2 loses its copy with it (a coherence miss there too)
  for (const std::string level : {"l1d", "l2"}) {
    if (level == "l2" && l2 == "null") continue;
    SCOPED_TRACE(level);
    const std::string p0 = "core0." + level, p1 = "core1." + level;
    EXPECT_EQ(r.at(p0 + ".primary_misses"), 1 + kRounds);
    EXPECT_EQ(r.at(p0 + ".compulsory_misses"), 1);
    EXPECT_EQ(r.at(p0 + ".coherence_misses"), kRounds);
    EXPECT_EQ(r.at(p1 + ".primary_misses"), kRounds);
    EXPECT_EQ(r.at(p1 + ".compulsory_misses"), 1);
    EXPECT_EQ(r.at(p1 + ".coherence_misses"), kRounds - 1);
    for (const std::string& p : {p0, p1}) {
      EXPECT_EQ(r.at(p + ".capacity_misses"), 0) << p;
      EXPECT_EQ(r.at(p + ".conflict_misses"), 0) << p;
    }
  }
  // the summary shows the fourth C (the L1Ds' causes, summed over the cores)
  auto shown = run_cli({"run", write_temp("c.yaml", yaml), "--trace", write_temp("c.trace", handoff())});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find(std::to_string(2 * kRounds + 1) + " primary misses: 2 compulsory, 0 capacity, 0 conflict, " +
                           std::to_string(2 * kRounds - 1) + " coherence"),
            std::string::npos)
      << shown.out;
}

INSTANTIATE_TEST_SUITE_P(Protocols, CoherenceMisses,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"),
                                            ::testing::Values("bus", "directory"),
                                            ::testing::Values("null", "{size: 64KiB, shared: false}")),
                         ParamName());

}  // namespace
