// `cohsim lower`: shows how a trace's operations run on an ISA -- each operation beside
// its lowered instruction sequence, then the number of fences/barriers by kind -- and
// prints the lowering tables (docs/lowering.md).
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace cohsim {

class Lowering;
class Trace;

// The command line `cohsim lower ARGS...` (ARGS without "lower"): returns the exit
// status; throws UserError on a user's mistake and boost::program_options::error on a
// malformed command line.
int run_lower_command(const std::vector<std::string>& args);

// What `cohsim lower TRACE` prints, written to `out` (summary_only: the counts only).
void print_lowered_trace(const Trace& trace, const Lowering& isa, std::ostream& out, bool summary_only = false);

}  // namespace cohsim
