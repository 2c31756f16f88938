// `cohsim mcheck` (docs/mcheck.md): random programs on the simulated machine, every
// outcome checked against the ISA's axiomatic model. Short form for CI: 200 programs
// per ISA (3 runs each) with a fresh seed per run of the test (printed; reproduce with --seed).
// The full form, 10,000 programs per ISA, is scripts/mcheck_full.sh.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "cpu/litmus/litmus.hpp"
#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::temp_dir;

namespace {

std::uint64_t field(const std::string& json, const std::string& key) {
  const auto p = json.find("\"" + key + "\": ");
  EXPECT_NE(p, std::string::npos) << key << " in " << json;
  return p == std::string::npos ? 0 : std::stoull(json.substr(p + key.size() + 4));
}

class McheckShort : public ::testing::TestWithParam<const char*> {};

TEST_P(McheckShort, NoViolationIn200Programs) {
  const std::string isa = GetParam();
  const std::string seed = std::to_string(std::random_device{}() % 1000000);
  const std::vector<std::string> args{"mcheck", "--isa", isa, "--programs", "200", "--runs", "3",
                                      "--seed", seed, "--out", temp_dir(), "--json"};
  std::string repro = "reproduce: cohsim";
  for (auto& a : args) repro += " " + a;
  std::cout << "[ seed ] " << seed << "   (" << repro << ")\n";
  const auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << repro << "\n" << r.out << r.err;
  EXPECT_EQ(field(r.out, "programs"), 200u) << r.out;
  EXPECT_EQ(field(r.out, "violations"), 0u) << r.out;
  EXPECT_EQ(field(r.out, "failed_runs"), 0u) << r.out;
  EXPECT_EQ(field(r.out, "executions"), 600u) << r.out;
  // Random timing gives more than one outcome per program on average.
  EXPECT_GT(field(r.out, "outcomes_checked"), 300u) << r.out;
  std::cout << r.out;
}

INSTANTIATE_TEST_SUITE_P(Isa, McheckShort, ::testing::Values("x86", "arm", "riscv"));

// The checker catches a machine that breaks the model: AArch64 cores judged by
// x86-TSO (--model x86) on MP+rlx show the outcome TSO forbids (the flag seen, the
// data not: 354 of 10,000 runs in traces/litmus/RESULTS.md). It is reported with exit
// 4 and shrunk; MP has nothing to drop (every smaller program is TSO-consistent), so
// the shrunk file keeps its four statements, names the outcome and forbids it on x86.
TEST(Mcheck, ArmMachineJudgedByTsoIsFlagged) {
  const std::string dir = temp_dir();
  const auto r = run_cli({"mcheck", "--litmus", std::string(COHSIM_SOURCE_DIR) + "/traces/litmus/MP+rlx.litmus",
                          "--isa", "arm", "--model", "x86", "--runs", "300", "--shrink-runs", "100", "--seed", "1",
                          "--out", dir, "--quiet"});
  ASSERT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("1 violation(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tso (ghb) broken"), std::string::npos) << r.out;
  const auto p = r.out.find("statements (");
  ASSERT_NE(p, std::string::npos) << r.out;
  const auto colon = r.out.find("): ", p);
  const std::string path = r.out.substr(colon + 3, r.out.find('\n', colon) - colon - 3);
  ASSERT_EQ(path.rfind(dir, 0), 0u) << path;
  const cohsim::LitmusTest t = cohsim::parse_litmus(path);
  EXPECT_EQ(cohsim::expectation_for(t, "x86"), "forbidden");
  std::size_t statements = 0;
  for (auto& th : t.ops) statements += th.size();
  EXPECT_EQ(statements, 4u) << r.out;
  EXPECT_NE(t.condition_text.find("1:r0 == 1 && 1:r1 == 0"), std::string::npos) << t.condition_text;
  // Judged by its own model, the same machine is fine.
  const auto ok = run_cli({"mcheck", "--litmus", std::string(COHSIM_SOURCE_DIR) + "/traces/litmus/MP+rlx.litmus",
                           "--isa", "arm", "--runs", "300", "--seed", "1", "--out", dir, "--quiet"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

TEST(Mcheck, BadOptionsAreRefused) {
  auto r = run_cli({"mcheck", "--isa", "mips"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("valid: x86, arm, riscv"), std::string::npos) << r.err;
  r = run_cli({"mcheck", "--programs", "-1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--programs"), std::string::npos) << r.err;
  r = run_cli({"mcheck", "--threads", "3-1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--threads"), std::string::npos) << r.err;
  r = run_cli({"mcheck", "--isa", "x86", "--lse"});
  EXPECT_NE(r.exit_code, 0);
}

}  // namespace
