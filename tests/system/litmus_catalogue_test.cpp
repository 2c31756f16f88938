// The litmus catalogue (traces/litmus/) on every ISA through `cohsim litmus --json`:
// no outcome the architecture forbids ever appears, and the relaxed outcomes of SB and
// MP appear where the architecture allows them. This is the CI form (150 runs per test
// and ISA); traces/litmus/README.md gives the full form (10,000 runs).
#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

#include "cpu/litmus/litmus.hpp"
#include "run_cohsim.hpp"

using cohsim::test::run_cli;

namespace {

const std::string kDir = std::string(COHSIM_SOURCE_DIR) + "/traces/litmus/";

std::vector<std::string> catalogue() {
  std::vector<std::string> v;
  if (DIR* d = opendir(kDir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 7 && n.substr(n.size() - 7) == ".litmus") v.push_back(kDir + n);
    }
    closedir(d);
  }
  std::sort(v.begin(), v.end());
  return v;
}

struct Line {
  std::string test;
  long count = -1, failed = -1;
};

// name -> result of each JSON line.
std::map<std::string, Line> run_all(const std::vector<std::string>& files, const std::string& isa, bool lse, int runs) {
  std::vector<std::string> args{"litmus"};
  args.insert(args.end(), files.begin(), files.end());
  for (const char* a : {"--json", "--jobs", "2", "--seed", "1", "--isa"}) args.push_back(a);
  args.push_back(isa);
  args.push_back("--runs");
  args.push_back(std::to_string(runs));
  if (lse) args.push_back("--lse");
  auto r = run_cli(args);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.err;
  std::map<std::string, Line> out;
  std::istringstream in(r.out);
  static const std::regex test_re("\"test\": \"([^\"]*)\""), count_re("\"condition_count\": ([0-9]+)"),
      failed_re("\"failed_runs\": ([0-9]+)");
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    Line x;
    if (std::regex_search(l, m, test_re)) x.test = m[1];
    if (std::regex_search(l, m, count_re)) x.count = std::stol(m[1]);
    if (std::regex_search(l, m, failed_re)) x.failed = std::stol(m[1]);
    out[x.test] = x;
  }
  return out;
}

class LitmusCatalogue : public ::testing::TestWithParam<std::string> {};

TEST_P(LitmusCatalogue, NoForbiddenOutcomeEverAppears) {
  const std::string isa = GetParam() == "arm-lse" ? "arm" : GetParam();
  const auto files = catalogue();
  ASSERT_GE(files.size(), 40u);
  auto res = run_all(files, isa, GetParam() == "arm-lse", 150);
  for (auto& f : files) {
    const auto t = cohsim::parse_litmus(f);
    ASSERT_TRUE(res.count(t.name)) << t.name << " missing from the output";
    const Line& l = res[t.name];
    EXPECT_EQ(l.failed, 0) << t.name << " on " << GetParam() << ": runs failed";
    if (cohsim::expectation_for(t, isa) == "forbidden") {
      EXPECT_EQ(l.count, 0) << t.name << " on " << GetParam() << ": a forbidden outcome appeared; replay it with `cohsim litmus "
                            << f << " --isa " << isa << (GetParam() == "arm-lse" ? " --lse" : "")
                            << " --seed 1 --runs 150` and --replay K";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, LitmusCatalogue, ::testing::Values("x86", "arm", "arm-lse", "riscv"),
                         [](const auto& i) { return std::string(i.param == "arm-lse" ? "arm_lse" : i.param); });

TEST(LitmusRelaxedOutcomes, StoreBufferingAppearsEverywhereWithRelaxedAndNeverWithSeqCst) {
  for (const char* isa : {"x86", "arm", "riscv"}) {
    auto r = run_all({kDir + "SB+rlx.litmus", kDir + "SB+sc.litmus"}, isa, false, 300);
    EXPECT_GT(r["SB+rlx"].count, 0) << isa;
    EXPECT_EQ(r["SB+sc"].count, 0) << isa;
  }
}

TEST(LitmusRelaxedOutcomes, MessagePassingAppearsOnArmAndRiscvOnlyAndNeverWithReleaseAcquire) {
  for (const char* isa : {"x86", "arm", "riscv"}) {
    auto r = run_all({kDir + "MP+rlx.litmus", kDir + "MP+rel+acq.litmus"}, isa, false, 400);
    if (std::string(isa) == "x86") EXPECT_EQ(r["MP+rlx"].count, 0);
    else EXPECT_GT(r["MP+rlx"].count, 0) << isa;
    EXPECT_EQ(r["MP+rel+acq"].count, 0) << isa;
  }
}

TEST(LitmusCommand, ExpectationMismatchExitsFourAndMistakesExitOne) {
  auto r = run_cli({"litmus", kDir + "SB+sc.litmus", "--isa", "arm", "--runs", "20", "--jobs", "2", "--expect", "allowed"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL: expected allowed but never observed in 20 runs"), std::string::npos) << r.out;
  auto ok = run_cli({"litmus", kDir + "SB+sc.litmus", "--isa", "riscv", "--runs", "20", "--jobs", "2"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto bad = run_cli({"litmus", kDir + "README.md", "--runs", "1"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("README.md:3:"), std::string::npos) << bad.err;
  auto isa = run_cli({"litmus", kDir + "SB+sc.litmus", "--isa", "arm64"});
  EXPECT_EQ(isa.exit_code, 1);
  EXPECT_NE(isa.err.find("did you mean 'arm'"), std::string::npos) << isa.err;
}

}  // namespace
