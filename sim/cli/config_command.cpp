// `cohsim config check|show|docs`.
#include <iostream>

#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

namespace {

int run_config(const std::vector<std::string>& args) {
  const char* kForms = "cohsim config check|show CONFIG [--set KEY=VALUE]...\n       cohsim config docs";
  if (args.empty()) throw UsageError(std::string("missing a config command (check, show, docs)\nusage: ") + kForms);
  const std::string sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "--help" || sub == "-h") {
    std::cout << "usage: " << kForms << "\n";
    return 0;
  }
  if (sub == "docs") {
    CommandLine cl("cohsim config docs", "Prints the reference of every configuration key (markdown).");
    if (!cl.parse(rest)) return 0;
    std::cout << config_reference_markdown();
    return 0;
  }
  if (sub != "check" && sub != "show") {
    const std::string near = nearest(sub, {"check", "show", "docs"});
    throw UsageError("unknown config command '" + sub + "'; valid: check, show, docs" +
                     (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
  CommandLine cl("cohsim config " + sub + " CONFIG [--set KEY=VALUE]...",
                 sub == "check" ? "Validates a configuration (with the overrides) and prints `CONFIG: ok`."
                                : "Prints the resolved configuration, every default filled in (YAML).");
  cl.add_set();
  cl.positional("config");
  if (!cl.parse(rest)) return 0;
  Config cfg = cl.config();
  if (sub == "check") std::cout << cl.str("config") << ": ok\n";
  else std::cout << cfg.to_yaml();
  return 0;
}

}  // namespace

COHSIM_REGISTER(command_registry, "config", "validate, show or document a configuration",
                Command{{{"config check CONFIG", "validate a configuration"},
                         {"config show CONFIG", "print the resolved configuration, every default filled in"},
                         {"config docs", "print the reference of every configuration key (markdown)"}},
                        run_config},
                1);

}  // namespace cohsim
