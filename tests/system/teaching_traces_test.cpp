// The teaching traces in traces/protocols/ and traces/lessons/ state their expected counts in their
// comments (`# expect PROTOCOL: STAT = VALUE`, or `# expect PROTOCOL with KEY=VALUE ...: STAT = VALUE`
// for the run with those settings added) and how to run them (`# run: ...`).
// This test runs each one under each protocol it names and checks every count.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;

namespace {

const std::string kRoot = COHSIM_SOURCE_DIR;

std::vector<std::string> teaching_traces() {
  std::vector<std::string> v;
  for (const char* dir : {"protocols", "lessons"})
    for (auto& e : std::filesystem::directory_iterator(kRoot + "/traces/" + dir))
      if (e.path().extension() == ".trace") v.push_back(std::string(dir) + "/" + e.path().filename().string());
  std::sort(v.begin(), v.end());
  return v;
}

class TeachingTrace : public ::testing::TestWithParam<std::string> {};

TEST_P(TeachingTrace, CountsInItsCommentsHold) {
  std::ifstream f(kRoot + "/traces/" + GetParam());
  std::string line, run;
  std::map<std::string, std::vector<std::pair<std::string, double>>> expect;  // protocol -> (stat, value)
  while (std::getline(f, line)) {
    if (line.rfind("# run: cohsim ", 0) == 0) run = line.substr(14);
    if (line.rfind("# expect ", 0) == 0) {
      // `# expect PROTOCOL: STAT = V`, or `# expect PROTOCOL with KEY=VALUE ...: STAT = V`
      // (the run line plus those --set's).
      const std::size_t colon = line.find(':');
      ASSERT_NE(colon, std::string::npos) << line;
      std::istringstream in(line.substr(colon + 1));
      std::string stat, eq;
      double value;
      in >> stat >> eq >> value;
      ASSERT_EQ(eq, "=") << line;
      expect[line.substr(9, colon - 9)].emplace_back(stat, value);
    }
  }
  ASSERT_FALSE(run.empty()) << "no '# run:' line";
  ASSERT_FALSE(expect.empty()) << "no '# expect' lines";
  int variant = 0;
  for (auto& [key, checks] : expect) {
    std::istringstream in(run);
    std::vector<std::string> args;
    for (std::string w; in >> w;) args.push_back(w.find('/') != std::string::npos ? kRoot + "/" + w : w);
    std::istringstream k(key);
    std::string protocol, with;
    k >> protocol;
    if (k >> with) {
      ASSERT_EQ(with, "with") << key;
      for (std::string set; k >> set;) args.insert(args.end(), {"--set", set});
    }
    const std::string stats = cohsim::test::temp_dir() + "/" + GetParam().substr(GetParam().find('/') + 1) + "." +
                              protocol + "." + std::to_string(variant++) + ".json";
    args.insert(args.end(), {"--set", "coherence.protocol=" + protocol, "--set", "check=true", "--stats", stats, "-q"});
    auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream js(stats);
    std::string json((std::istreambuf_iterator<char>(js)), {});
    for (auto& [stat, value] : checks) {
      auto p = json.find("\"" + stat + "\": ");
      ASSERT_NE(p, std::string::npos) << key << ": no " << stat;
      EXPECT_EQ(std::strtod(json.c_str() + p + stat.size() + 4, nullptr), value) << key << ": " << stat;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Traces, TeachingTrace, ::testing::ValuesIn(teaching_traces()),
                         [](const auto& info) {
                           const std::string f = info.param.substr(info.param.find('/') + 1);
                           return f.substr(0, f.find('.'));
                         });

}  // namespace
