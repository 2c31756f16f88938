// The `cohsim` binary: the command line (run_cohsim, sim/cli/command.cpp) inside
// SystemC's sc_main.
#include <cstdlib>
#include <systemc>

#include "sim/cli/command.hpp"

// libsystemc's main() calls sc_main; the whole command line lives in run_cohsim.
int sc_main(int argc, char** argv) { return cohsim::run_cohsim(std::vector<std::string>(argv + 1, argv + argc)); }

// Our own main, so the SystemC banner is off before the kernel starts.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
