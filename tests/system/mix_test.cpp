// Multiprogrammed mixes (`cohsim run CONFIG --trace A --trace B ...`): one
// single-threaded trace per core, each its own program. Two copies of a program that
// writes the same addresses share nothing in a mix (disjoint physical ranges without
// virtual memory, separate page tables with it), while the same accesses as two
// threads of one trace do share; formats mix freely; the errors name what is wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "run_cohsim.hpp"

using cohsim::test::RunResult;
using cohsim::test::run_cli;
using cohsim::test::temp_dir;
using cohsim::test::write_temp;

namespace {

// One thread writing and reading a small array at fixed addresses.
std::string program(unsigned rounds) {
  std::string t = "thread 0\n";
  for (unsigned r = 0; r < rounds; ++r)
    for (unsigned i = 0; i < 16; ++i)
      t += "  store " + std::to_string(1048576 + 64 * i) + " " + std::to_string(r) + "\n  load " +
           std::to_string(1048576 + 64 * i) + "\n";
  return t;
}

RunResult run(const std::vector<std::string>& traces, const std::vector<std::string>& extra = {}) {
  static int n = 0;
  const std::string js = temp_dir() + "/mix" + std::to_string(n++) + ".json";
  std::vector<std::string> args{"run", write_temp("mix.yaml", "cores: 2\n"), "--stats", js, "--quiet"};
  for (const auto& t : traces) args.insert(args.end(), {"--trace", t});
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = run_cli(args);
  std::ifstream f(js);
  std::stringstream s;
  s << f.rdbuf();
  r.json = s.str();
  for (const char* k : {"bus.cache_to_cache", "bus.transactions", "vm.pages_4KiB", "core0.loads", "core1.loads"}) {
    const auto p = r.json.find(std::string("\"") + k + "\": ");
    if (p != std::string::npos) r.stats[k] = std::stod(r.json.substr(p + std::string(k).size() + 4));
  }
  return r;
}

}  // namespace

TEST(Mix, TwoCopiesOfAProgramShareNothingWithoutVirtualMemory) {
  const std::string a = write_temp("a.trace", program(4));
  const RunResult mix = run({a, a});
  ASSERT_EQ(mix.exit_code, 0) << mix.err;
  EXPECT_EQ(mix.stats.at("core0.loads"), 64);
  EXPECT_EQ(mix.stats.at("core1.loads"), 64);
  EXPECT_EQ(mix.stats.at("bus.cache_to_cache"), 0);  // disjoint physical ranges
  // The same two threads in one trace write the same lines: they share.
  std::string both = program(4);
  const std::string second = program(4);
  both += "thread 1\n" + second.substr(second.find('\n') + 1);
  const RunResult shared = run({write_temp("both.trace", both)});
  ASSERT_EQ(shared.exit_code, 0) << shared.err;
  EXPECT_GT(shared.stats.at("bus.cache_to_cache"), 0);
}

TEST(Mix, WithVirtualMemoryEachProgramHasItsOwnPageTables) {
  const std::string a = write_temp("a.trace", program(2));
  const RunResult one = run({a}, {"--set", "vm.enabled=true"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const RunResult mix = run({a, a}, {"--set", "vm.enabled=true"});
  ASSERT_EQ(mix.exit_code, 0) << mix.err;
  EXPECT_EQ(mix.stats.at("vm.pages_4KiB"), 2 * one.stats.at("vm.pages_4KiB"));  // the same page, twice
  EXPECT_EQ(mix.stats.at("bus.cache_to_cache"), 0);
}

TEST(Mix, FormatsMix) {
  const std::string din = write_temp("a.din", "0 1000\nr 2000 8\nw 2000 8\n2 400000\n");
  const std::string text = write_temp("b.trace", program(1));
  const RunResult r = run({din, text});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.stats.at("core0.loads"), 2);
  EXPECT_EQ(r.stats.at("core1.loads"), 16);
}

TEST(Mix, ErrorsNameTheProblem) {
  const std::string a = write_temp("a.trace", program(1));
  const RunResult many = run({a, a, a});
  EXPECT_NE(many.exit_code, 0);
  EXPECT_NE(many.err.find("a mix of 3 traces needs a core for each, and the system has 2"), std::string::npos)
      << many.err;
  const std::string two = write_temp("two.trace", "thread 0\n  load x\nthread 1\n  load x\n");
  const RunResult threads = run({a, two});
  EXPECT_NE(threads.exit_code, 0);
  EXPECT_NE(threads.err.find(two + ": a trace in a multiprogrammed mix must have one thread; this one has 2"),
            std::string::npos)
      << threads.err;
}
