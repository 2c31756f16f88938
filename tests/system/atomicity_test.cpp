// Read-modify-writes are atomic on every protocol, fabric and ISA: four threads each
// fetch_add 1 to one counter 25 times; the 100 old values they get back must be
// exactly 0..99, each once (a lost update repeats a value; a torn one skips one).
// The coherence checker cannot see this: it checks each load and store, not that a
// load and the store after it stay together.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

using Case = std::tuple<const char*, const char*, const char*>;  // protocol, fabric, isa (arm+lse: "lse")

class Atomicity : public ::testing::TestWithParam<Case> {};

TEST_P(Atomicity, EveryIncrementSeesADistinctOldValue) {
  const auto [protocol, fabric, isa] = GetParam();
  constexpr int kThreads = 4, kEach = 25;
  std::ostringstream trace;
  for (int t = 0; t < kThreads; ++t) {
    trace << "thread " << t << "\n";
    for (int k = 0; k < kEach; ++k)
      trace << "  fetch_add x 1 "
            << (k % 3 == 0   ? "SeqCst"
                : k % 3 == 1 ? "AcqRel"
                             : "Relaxed")
            << " -> r" << k << "\n";
  }
  const std::string lse = std::string(isa) == "lse" ? "true" : "false";
  const std::string arch = std::string(isa) == "lse" ? "arm" : isa;
  auto r = simulate("cores: 4\nl2: null\nl3: null\ncheck: true\nisa: " + arch + "\nlse: " + lse +
                        "\nwatchdog: 200000\ncoherence: {protocol: " + protocol + ", fabric: " + fabric + "}\n",
                    trace.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::multiset<int> seen;
  for (int t = 0; t < kThreads; ++t)
    for (int k = 0; k < kEach; ++k) seen.insert(int(r.at("core" + std::to_string(t) + ".regs.r" + std::to_string(k))));
  std::multiset<int> want;
  for (int v = 0; v < kThreads * kEach; ++v) want.insert(v);
  EXPECT_EQ(seen, want);
}

INSTANTIATE_TEST_SUITE_P(Bus, Atomicity,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi", "mesif", "dragon"),
                                            ::testing::Values("bus"), ::testing::Values("x86", "arm", "lse", "riscv")),
                         cohsim::test::ParamName());
INSTANTIATE_TEST_SUITE_P(Directory, Atomicity,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"), ::testing::Values("directory"),
                                            ::testing::Values("x86", "arm", "lse", "riscv")),
                         cohsim::test::ParamName());

}  // namespace
