// `cohsim races TRACE`: runs the trace (or a `.litmus` test) once per seed with a
// RaceFinder observing every access, and reports each pair of trace lines that race
// in the execution the simulator produced (see cpu/races/race_finder.hpp for the
// happens-before rules). Exit status: 0 no data race, 4 races found; 1 a user's
// mistake, 2 a malformed command line, 3 a simulator bug (as every command).
#pragma once
#include <string>
#include <vector>

namespace cohsim {

// The command line `cohsim races ARGS...` (ARGS without "races"): returns the exit
// status; throws UserError on a user's mistake and boost::program_options::error on
// a malformed command line.
int run_races_command(const std::vector<std::string>& args);

}  // namespace cohsim
