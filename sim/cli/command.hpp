// The commands of `cohsim` and the one option-parsing path they share.
//
// A command is one file: it registers itself in command_registry() with its one-line
// description and the forms `cohsim --help` lists, and parses its arguments with a
// CommandLine, which gives every command the same --help, --set, --json, positional
// arguments, range-checked counts and exit statuses:
//   0 done, 1 a user's mistake (UserError), 2 a malformed command line (UsageError),
//   3 a simulator bug, 4 a check the command makes failed (stress, litmus, races),
//   130 interrupted (Ctrl-C).
//
//   int run_hello(const std::vector<std::string>& args) {
//     CommandLine cl("cohsim hello CONFIG [--times N] [--set KEY=VALUE]...", "Says hello.");
//     cl.options()("times", count_value(1), "how many times");
//     cl.positional("config");
//     cl.add_set();
//     if (!cl.parse(args)) return 0;  // --help was printed
//     ... cl.count("times", 1) ... cl.config() ...
//   }
//   COHSIM_REGISTER(command_registry, "hello", "say hello", Command{{{"hello CONFIG", "say hello"}}, run_hello});
#pragma once
#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sim/base/registry.hpp"

namespace cohsim {

class Config;

// A malformed command line: a missing argument, an unknown sub-command, an option
// value out of its range. Exit status 2.
struct UsageError : boost::program_options::error {
  using boost::program_options::error::error;
};

struct Command {
  // The forms `cohsim --help` lists: {"config check CONFIG", "validate a configuration"}.
  std::vector<std::pair<std::string, std::string>> usage;
  // ARGS without the command's name; returns the exit status, throws on errors.
  std::function<int(const std::vector<std::string>&)> run;
};
// Kind "command"; ranks order `cohsim --help` (run first), names break ties.
Registry<Command>& command_registry();

// `cohsim --help`: the commands' forms, from the registry.
std::string command_usage();

// The command line `cohsim ARGS...` (ARGS without the program name): finds the command,
// runs it, prints an error as one message and returns the exit status (see above).
// The `cohsim` binary's sc_main and Python's `python3 -m cohsim` call it.
int run_cohsim(const std::vector<std::string>& args);

// Installed data: folders that hold cohsim's configs/ and traces/ (an install's
// share/cohsim, the Python package's data/). In order: each folder of $COHSIM_DATA_DIR
// (':'-separated), those added with add_data_dir (the Python package's), then
// BINDIR/../share/cohsim of the running executable. Folders that do not exist are left out.
void add_data_dir(const std::string& dir);
std::vector<std::string> data_dirs();
// An input file named on the command line (a config, a trace, a litmus test): PATH if it
// exists (relative to the working directory); else, for a relative PATH, the first
// DIR/PATH that exists over data_dirs(); a CONFIG that is a bare name (`default`) is also
// looked for as configs/NAME.yaml, first in the working directory, then in each DIR.
// Nothing found: PATH unchanged (its reader then reports it missing).
enum class InputKind { Config, File };

// The options a command declares, for `cohsim completion` ({"config", "check"} ->
// "--help", "-h", "--set", "-s"): the command runs with CommandLine::parse answering
// with its declarations instead of parsing (nothing else of the command runs). A command
// that parses no CommandLine for that path gives none.
std::vector<std::string> declared_options(const std::vector<std::string>& path);
std::string find_input(const std::string& path, InputKind kind = InputKind::File);

// A count option's value: parsed by CommandLine::count, which refuses negative and
// out-of-range numbers naming the option (boost would wrap "-1" to 2^64-1).
boost::program_options::typed_value<std::string>* count_value(std::uint64_t default_value);
boost::program_options::typed_value<std::string>* count_value();  // no default

class CommandLine {
 public:
  // synopsis: "cohsim run CONFIG [...]"; about: a paragraph printed by --help.
  explicit CommandLine(std::string synopsis, std::string about = "");

  // The command's own options: cl.options()("name,n", value, "help")...
  boost::program_options::options_description_easy_init options() { return desc_.add_options(); }
  // A positional argument (in order); `many` takes every remaining one.
  void positional(const std::string& name, bool required = true, bool many = false);
  // --set KEY=VALUE (repeatable), applied by config() / apply_sets().
  void add_set(const std::string& example = "l1d.size=64KiB");
  // --json, with what it prints.
  void add_json(const std::string& what = "print the result as JSON");

  // Parses ARGS. --help prints the synopsis, the paragraph and the options and returns
  // false (the command then returns 0). Throws UsageError / boost errors on a
  // malformed command line.
  bool parse(const std::vector<std::string>& args);

  bool has(const std::string& name) const { return vm_.count(name) > 0; }
  std::string str(const std::string& name) const;
  std::vector<std::string> strs(const std::string& name) const;
  // An input file option or positional, found by find_input (installed data).
  std::string input(const std::string& name) const { return find_input(str(name)); }
  // A whole number in [min, max], else UsageError naming the option and the range.
  std::uint64_t count(const std::string& name, std::uint64_t min = 0,
                      std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const;
  bool json() const { return has("json"); }
  const boost::program_options::variables_map& vm() const { return vm_; }

  // The --set assignments, in order.
  std::vector<std::string> sets() const;
  void apply_sets(Config& cfg) const;
  // The positional CONFIG (or option `name`) loaded, --set applied; without it, the
  // built-in defaults with --set applied.
  Config config(const std::string& name = "config") const;

  const std::string& synopsis() const { return synopsis_; }

 private:
  std::string synopsis_, about_;
  boost::program_options::options_description desc_{"options"};
  std::vector<std::pair<std::string, bool>> positional_;  // name, required
  bool many_ = false;
  boost::program_options::variables_map vm_;
};

}  // namespace cohsim
