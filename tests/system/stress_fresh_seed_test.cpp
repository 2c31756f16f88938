// The steered random tester (`cohsim stress`) on a seed drawn afresh for every run of
// the test, across protocols, fabrics and ISAs, 32 and 64 cores and a NUMA system:
// no violation, no watchdog. The seed is printed; reproduce a failure with
// `cohsim stress configs/stress.yaml --seed N --set ...` as the message shows. Short
// form for CI (about 200,000 operations per case); the full form, a million
// operations per case with coverage figures, is scripts/stress_coverage.sh.
#include <gtest/gtest.h>

#include <random>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::ParamName;
using cohsim::test::run_cli;

namespace {

const std::string kStressConfig = std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml";

using Case = std::tuple<const char*, const char*, const char*, const char*>;  // protocol, fabric, isa, cores
class FreshSeedStress : public ::testing::TestWithParam<Case> {};

TEST_P(FreshSeedStress, SteeredRunHasNoViolation) {
  const auto [protocol, fabric, isa, cores] = GetParam();
  const std::string seed = std::to_string(std::random_device{}() % 1000000);
  std::vector<std::string> args{"stress", kStressConfig, "--ops", "200000", "--seed", seed, "--set",
                                std::string("coherence.protocol=") + protocol, "--set",
                                std::string("coherence.fabric=") + fabric, "--set", std::string("isa=") + isa,
                                "--set", std::string("cores=") + cores, "--json"};
  if (std::string(cores) == "numa") {
    args[args.size() - 2] = "cores=8";
    args.insert(args.end() - 1, {"--set", "numa.nodes=2"});
  }
  std::string repro = "reproduce: cohsim";
  for (std::size_t i = 0; i + 1 < args.size(); ++i) repro += " " + args[i];
  std::cout << "[ seed ] " << seed << "   (" << repro << ")\n";
  auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << repro << "\n" << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << repro << "\n" << r.out;
  EXPECT_NE(r.out.find("\"steering_checks\": "), std::string::npos) << "the run was not steered\n" << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Grid, FreshSeedStress,
    ::testing::Values(Case{"msi", "bus", "x86", "4"}, Case{"mesi", "bus", "arm", "4"}, Case{"moesi", "bus", "riscv", "4"},
                      Case{"mesif", "bus", "x86", "4"}, Case{"dragon", "bus", "arm", "4"},
                      Case{"msi", "directory", "riscv", "4"}, Case{"mesi", "directory", "x86", "4"},
                      Case{"moesi", "directory", "arm", "4"}, Case{"mesi", "bus", "x86", "32"},
                      Case{"moesi", "directory", "riscv", "64"}, Case{"mesi", "directory", "arm", "numa"}),
    ParamName());

}  // namespace
