// The `cohsim` command line: finds the command in command_registry() (each command is
// one file in sim/cli/, see command.hpp) and turns its errors into exit statuses.
#include <cstdlib>
#include <iostream>
#include <systemc>

#include "sim/base/error.hpp"
#include "sim/base/version.hpp"
#include "sim/cli/command.hpp"

namespace po = boost::program_options;
using namespace cohsim;

namespace {

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << command_usage();
    return 2;
  }
  const std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << command_usage();
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    if (!args.empty()) throw UsageError("--version takes no arguments");
    std::cout << version_line() << "\n";
    return 0;
  }
  if (const Command* c = command_registry().find(cmd)) return c->run(args);
  const auto names = command_registry().names();
  std::string list;
  for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
  const std::string near = nearest(cmd, names);
  throw UsageError("unknown command '" + cmd + "'; valid: " + list +
                   (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

}  // namespace

// libsystemc's main() calls sc_main; the whole command line lives here.
int sc_main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const UserError& e) {
    std::cerr << "cohsim: error: " << e.what() << "\n";
    return 1;
  } catch (const UsageError& e) {
    std::cerr << "cohsim: " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "cohsim: " << e.what() << " (see cohsim " << (argc > 1 ? argv[1] : "") << " --help)\n";
    return 2;
  } catch (const SimError& e) {
    std::cerr << "cohsim: internal error (a simulator bug; please report it with this dump):\n" << e.what() << "\n";
    return 3;
  } catch (const sc_core::sc_report& e) {
    std::cerr << "cohsim: internal SystemC error: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "cohsim: internal error: " << e.what() << "\n";
    return 3;
  }
}

// Our own main, so the SystemC banner is off before the kernel starts.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
