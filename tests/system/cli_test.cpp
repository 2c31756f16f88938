// The command line's shared conventions (sim/cli/command.hpp): every command and
// sub-command answers --help, counts refuse negative and wrapping values naming the
// option, commands take the same inputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "run_cohsim.hpp"
#include "sim/cli/command.hpp"

namespace cohsim {
namespace {

using test::run_cli;
using ::testing::HasSubstr;

const std::string kSrc = COHSIM_SOURCE_DIR;

// Every form `cohsim --help` lists ("config docs", "trace stats FILE", ...) answers
// --help with its own usage and exit status 0, doing nothing else. The forms come from
// the registry, so a new command is checked without editing this test.
TEST(Cli, EveryCommandAndSubCommandAnswersHelp) {
  auto top = run_cli({"--help"});
  ASSERT_EQ(top.exit_code, 0);
  int forms = 0;
  for (auto* e : command_registry().entries())
    for (auto& [form, what] : e->value.usage) {
      std::istringstream words(form);
      std::vector<std::string> args;
      std::string w;
      while (words >> w && (w == e->info.name || (args.size() == 1 && w.find_first_of(".A-Z") == std::string::npos)))
        args.push_back(w);  // the command and a lower-case sub-command
      EXPECT_THAT(top.out, HasSubstr(form));
      args.push_back("--help");
      auto r = run_cli(args);
      EXPECT_EQ(r.exit_code, 0) << form << ": " << r.err;
      EXPECT_THAT(r.out, HasSubstr("usage: cohsim " + args[0])) << form;
      if (args.size() == 3) EXPECT_THAT(r.out, HasSubstr("usage: cohsim " + args[0] + " " + args[1])) << form;
      EXPECT_THAT(r.out, HasSubstr("--help")) << form;
      ++forms;
    }
  EXPECT_GE(forms, 13);
}

// Before: `config docs --help` printed the whole reference, `protocol list --help` the list.
TEST(Cli, ConfigDocsAndProtocolListHelpPrintUsageNotOutput) {
  auto docs = run_cli({"config", "docs", "--help"});
  EXPECT_EQ(docs.exit_code, 0);
  EXPECT_THAT(docs.out, HasSubstr("usage: cohsim config docs"));
  EXPECT_LT(docs.out.size(), 500u);
  auto list = run_cli({"protocol", "list", "--help"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("usage: cohsim protocol list"));
  EXPECT_THAT(list.out, ::testing::Not(HasSubstr("mesi (")));
  auto extra = run_cli({"config", "docs", "extra"});
  EXPECT_EQ(extra.exit_code, 2);
}

// Before: boost parsed "-1" as 2^64-1 and these ran "forever".
TEST(Cli, NegativeAndWrappingCountsAreRefusedWithTheOptionsName) {
  const std::string cfg = kSrc + "/configs/default.yaml";
  const std::string litmus = kSrc + "/traces/litmus/SB+rlx.litmus";
  const std::string trace = kSrc + "/traces/mp.trace";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases{
      {{"stress", kSrc + "/configs/stress.yaml", "--ops", "-5"}, "--ops -5: give a whole number"},
      {{"litmus", litmus, "--runs", "-1"}, "--runs -1: give a whole number"},
      {{"races", trace, "--runs", "-1"}, "--runs -1: give a whole number"},
      {{"dram", cfg, "-n", "-1"}, "--requests -1: give a whole number"},
      {{"dram", cfg, "--gap", "18446744073709551615"}, "--gap 18446744073709551615 with --requests 1000000"},
      {{"dram", cfg, "--seed", "18446744073709551616"}, "--seed 18446744073709551616: give a whole number"},
      {{"run", cfg, "--max-cycles", "-1"}, "--max-cycles -1: give a whole number"},
      {{"trace", "stats", trace, "--line-size", "-64"}, "--line-size -64: give a whole number"},
      {{"litmus", litmus, "--jobs", "x"}, "--jobs x: give a whole number"},
  };
  for (auto& c : cases) {
    auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << c.message << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

// The largest count is a limit, not a wrap: the run ends with the trace.
TEST(Cli, HugeMaxCyclesIsNoLimit) {
  auto r = test::simulate("cores: 1\n", "thread 0\n  load x\n", {"--max-cycles", "18446744073709551615"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("completed"), 1);
}

TEST(Cli, LowerTakesLitmusTestsAsLitmusAndRacesDo) {
  auto r = run_cli({"lower", kSrc + "/traces/litmus/MP+rel+acq.litmus", "--isa", "arm"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("lowered for AArch64"));
  EXPECT_THAT(r.out, HasSubstr("stlr"));  // the Release store
  EXPECT_THAT(r.out, HasSubstr("ldar"));  // the Acquire load
}

}  // namespace
}  // namespace cohsim
