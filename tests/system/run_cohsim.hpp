// Runs the `cohsim` binary in a child process (SystemC elaborates one design per
// process, so every simulation in a test gets its own) and reads its JSON stats.
#pragma once
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace cohsim::test {

struct RunResult {
  int exit_code = -1;
  std::string out, err;
  std::string json;                       // the --stats file, verbatim
  std::map<std::string, double> stats;    // its scalar entries
  double at(const std::string& k) const;  // fails the test if absent
  // `json` without its last member "_provenance" (host time, trace path): the
  // statistics, to compare two runs byte for byte.
  std::string statistics_json() const;
};

// A fresh temporary directory for this test.
std::string temp_dir();
std::string write_temp(const std::string& name, const std::string& text);

// `cohsim ARGS...` with stdout/stderr captured.
RunResult run_cli(const std::vector<std::string>& args);
// `cohsim run CONFIG --trace TRACE --stats JSON EXTRA...` from texts.
RunResult simulate(const std::string& yaml, const std::string& trace, const std::vector<std::string>& extra = {});

// `cohsim stress --json`'s coverage against a floor: the protocol-table cells
// ("cells_hit") the run with a policy on hit must be at least what the same run (same
// settings, ops and seed: the tester is deterministic) hit when the floor was recorded,
// floors[key]. The policies add no cells of their own (a prefetch takes a default rule,
// replacement and inclusion change only which lines leave), so what they must keep is
// the protocol's exercise. A deliberate timing change that moves a count lowers its
// floor after a look at "cells_never_hit"; a missing key fails with the count reached.
void expect_stress_coverage(const std::string& stress_json, const std::map<std::string, int>& floors,
                            const std::string& key);

// A stable test-name suffix for a parameter of strings and numbers (a tuple, or one
// value): "msi_bus_x86". gtest would print C strings in a tuple as addresses, which
// differ between the process that lists the tests and the one that runs one.
struct ParamName {
  template <typename P>
  std::string operator()(const ::testing::TestParamInfo<P>& info) const {
    std::ostringstream o;
    if constexpr (is_tuple<P>::value)
      std::apply([&](const auto&... x) { ((o << (o.tellp() > 0 ? "_" : "") << x), ...); }, info.param);
    else o << info.param;
    std::string n = o.str();
    for (char& c : n)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
  }
  template <typename T>
  struct is_tuple : std::false_type {};
  template <typename... T>
  struct is_tuple<std::tuple<T...>> : std::true_type {};
};

}  // namespace cohsim::test
