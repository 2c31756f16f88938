// The teaching traces in traces/protocols/ and traces/lessons/ state their expected counts in their
// comments (`# expect PROTOCOL: STAT = VALUE`) and how to run them (`# run: ...`).
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
      std::istringstream in(line.substr(9));
      std::string protocol, stat, eq;
      double value;
      in >> protocol >> stat >> eq >> value;
      ASSERT_EQ(eq, "=") << line;
      expect[protocol.substr(0, protocol.size() - 1)].emplace_back(stat, value);
    }
  }
  ASSERT_FALSE(run.empty()) << "no '# run:' line";
  ASSERT_FALSE(expect.empty()) << "no '# expect' lines";
  for (auto& [protocol, checks] : expect) {
    std::istringstream in(run);
    std::vector<std::string> args;
    for (std::string w; in >> w;) args.push_back(w.find('/') != std::string::npos ? kRoot + "/" + w : w);
    const std::string stats = cohsim::test::temp_dir() + "/" + GetParam().substr(GetParam().find('/') + 1) + "." +
                              protocol + ".json";
    args.insert(args.end(), {"--set", "coherence.protocol=" + protocol, "--set", "check=true", "--stats", stats, "-q"});
    auto r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream js(stats);
    std::string json((std::istreambuf_iterator<char>(js)), {});
    for (auto& [stat, value] : checks) {
      auto p = json.find("\"" + stat + "\": ");
      ASSERT_NE(p, std::string::npos) << protocol << ": no " << stat;
      EXPECT_EQ(std::strtod(json.c_str() + p + stat.size() + 4, nullptr), value) << protocol << ": " << stat;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Traces, TeachingTrace, ::testing::ValuesIn(teaching_traces()),
                         [](const auto& info) {
                           const std::string f = info.param.substr(info.param.find('/') + 1);
                           return f.substr(0, f.find('.'));
                         });

}  // namespace
