// `cohsim litmus`: runs litmus tests with randomised timing (cpu/litmus/litmus_runner.hpp).
#pragma once
#include <string>
#include <vector>

namespace cohsim {

// The command line `cohsim litmus ARGS...` (ARGS without "litmus"): 0 when every test
// met its expectation (or had none), 4 when one did not; throws UserError on a user's
// mistake and boost::program_options::error on a malformed command line.
int run_litmus_command(const std::vector<std::string>& args);

}  // namespace cohsim
