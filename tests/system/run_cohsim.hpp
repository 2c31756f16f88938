// Runs the `cohsim` binary in a child process (SystemC elaborates one design per
// process, so every simulation in a test gets its own) and reads its JSON stats.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace cohsim::test {

struct RunResult {
  int exit_code = -1;
  std::string out, err;
  std::string json;                      // the --stats file, verbatim
  std::map<std::string, double> stats;   // its scalar entries
  double at(const std::string& k) const;  // fails the test if absent
};

// A fresh temporary directory for this test.
std::string temp_dir();
std::string write_temp(const std::string& name, const std::string& text);

// `cohsim ARGS...` with stdout/stderr captured.
RunResult run_cli(const std::vector<std::string>& args);
// `cohsim run CONFIG --trace TRACE --stats JSON EXTRA...` from texts.
RunResult simulate(const std::string& yaml, const std::string& trace, const std::vector<std::string>& extra = {});

}  // namespace cohsim::test
