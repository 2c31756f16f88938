// `cohsim dram CONFIG`: a DRAM-only request stream (generated, or from a file) through
// the configuration's DRAM; prints the statistics and the host speed.
#pragma once
#include <string>
#include <vector>

namespace cohsim {

// ARGS without "dram"; returns the exit status. Throws UserError on a user's mistake
// and boost::program_options::error on a malformed command line.
int run_dram_command(const std::vector<std::string>& args);

}  // namespace cohsim
