// `cohsim mcheck` (docs/mcheck.md): random programs on the simulated machine, every
// outcome checked against the ISA's axiomatic model. Short form for CI: 200 programs
// per ISA with a fresh seed per run of the test (printed; reproduce with --seed).
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
  const std::vector<std::string> args{"mcheck", "--isa", isa, "--programs", "200", "--runs", "4",
                                      "--seed", seed, "--out", temp_dir(), "--json"};
  std::string repro = "reproduce: cohsim";
  for (auto& a : args) repro += " " + a;
  std::cout << "[ seed ] " << seed << "   (" << repro << ")\n";
  const auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << repro << "\n" << r.out << r.err;
  EXPECT_EQ(field(r.out, "programs"), 200u) << r.out;
  EXPECT_EQ(field(r.out, "violations"), 0u) << r.out;
  EXPECT_EQ(field(r.out, "failed_runs"), 0u) << r.out;
  EXPECT_EQ(field(r.out, "executions"), 800u) << r.out;
  // Random timing gives more than one outcome per program on average.
  EXPECT_GT(field(r.out, "outcomes_checked"), 300u) << r.out;
  std::cout << r.out;
}

INSTANTIATE_TEST_SUITE_P(Isa, McheckShort, ::testing::Values("x86", "arm", "riscv"));

// The checker catches a machine that breaks the model: AArch64 cores judged by
// x86-TSO (--model x86) show outcomes TSO forbids. The violation is reported with
// exit 4, shrunk, and the shrunk file is a litmus test whose outcome the same AArch64
// machine shows again under `cohsim litmus`, and which forbids it on x86.
TEST(Mcheck, ArmMachineJudgedByTsoIsFlaggedAndShrunk) {
  const std::string dir = temp_dir();
  const auto r = run_cli({"mcheck", "--isa", "arm", "--model", "x86", "--programs", "40", "--runs", "10", "--seed",
                          "3", "--out", dir, "--quiet"});
  ASSERT_EQ(r.exit_code, 4) << r.out << r.err;
  const auto p = r.out.find("statements (");
  ASSERT_NE(p, std::string::npos) << r.out;
  const auto colon = r.out.find("): ", p);
  const std::string path = r.out.substr(colon + 3, r.out.find('\n', colon) - colon - 3);
  ASSERT_EQ(path.rfind(dir, 0), 0u) << path;
  const cohsim::LitmusTest t = cohsim::parse_litmus(path);
  EXPECT_EQ(cohsim::expectation_for(t, "x86"), "forbidden");
  std::size_t statements = 0;
  for (auto& th : t.ops) statements += th.size();
  EXPECT_LE(statements, 6u) << "shrunk to " << statements << " statements:\n" << r.out;
  // The machine shows it again (seed of the shrinking runs: mcheck used 3 * 1000003 + program).
  const auto again = run_cli({"litmus", path, "--isa", "arm", "--runs", "400", "--expect", "allowed"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
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
