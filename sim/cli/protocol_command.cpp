// `cohsim protocol list|show`.
#include <fstream>
#include <iostream>

#include <unistd.h>

#include "coherence/protocol.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"

namespace po = boost::program_options;

namespace cohsim {

namespace {

int run_protocol(const std::vector<std::string>& args) {
  const char* kForms =
      "cohsim protocol list\n       cohsim protocol show NAME [--fabric bus|directory] [--bus atomic|split] "
      "[--home] [--format text|md|csv|html|dot|svg|png] [-o FILE]";
  if (args.empty()) throw UsageError(std::string("missing a protocol command (list, show)\nusage: ") + kForms);
  const std::string sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "--help" || sub == "-h") {
    std::cout << "usage: " << kForms << "\n";
    return 0;
  }
  if (sub == "list") {
    CommandLine cl("cohsim protocol list", "Lists the coherence protocols, with the fabric each runs on.");
    if (!cl.parse(rest)) return 0;
    for (auto* t : all_protocols()) std::cout << t->name() << " (" << t->fabric() << "): " << t->description() << "\n";
    return 0;
  }
  if (sub != "show") {
    const std::string near = nearest(sub, {"list", "show"});
    throw UsageError("unknown protocol command '" + sub + "'; valid: list, show" +
                     (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
  CommandLine cl(
      "cohsim protocol show NAME [--fabric bus|directory] [--bus atomic|split] [--home] "
      "[--format text|md|csv|html|dot|svg|png] [-o FILE]",
                 "Prints a protocol's table as the simulator executes it.");
  cl.options()("fabric", po::value<std::string>()->default_value("bus"), "bus, directory (or directory-home = --home; directory-sparse-home: the sparse directory's home table, with its recall rows)")(
      "bus", po::value<std::string>()->default_value("atomic"),
      "on the bus: atomic (the Primer's baseline, held from request to data) or split (bus.transactions: "
      "split, the simulator's default: the tables with the non-atomic transient states)")(
      "home",
      "with --fabric directory: only the directory's (home's) table; without it text, md and html "
      "print the caches' table and then the directory's, csv and dot the caches'")(
      "format", po::value<std::string>()->default_value("text"),
      "text, md, csv, html (a whole styled page), dot (Graphviz source), svg or png (drawn by Graphviz's dot, "
      "Debian package graphviz)")("output,o", po::value<std::string>(),
                                 "write to FILE instead of standard output (png needs it on a terminal)");
  cl.positional("name");
  if (!cl.parse(rest)) return 0;
  const std::string bus = cl.str("bus");
  if (bus != "atomic" && bus != "split") throw UsageError("--bus '" + bus + "': valid: atomic, split");
  std::string fabric = cl.str("fabric");
  if (bus == "split") {
    if (fabric != "bus" && fabric != kSplitBusFabric) throw UsageError("--bus split needs --fabric bus");
    fabric = kSplitBusFabric;
  }
  const std::string format = cl.str("format");
  if (format == "png" && !cl.has("output") && isatty(1))
    throw UsageError("--format png writes an image: give a file with -o FILE.png (or redirect the output)");
  const std::string out = show_protocol(cl.str("name"), fabric, format, cl.has("home"));
  if (cl.has("output")) {
    const std::string path = cl.str("output");
    std::ofstream f(path, std::ios::binary);
    if (!f) throw UserError(path + ": cannot write the table");
    f << out;
    if (!f) throw UserError(path + ": write failed");
  } else {
    std::cout << out;
  }
  return 0;
}

}  // namespace

COHSIM_REGISTER(command_registry, "protocol", "list the coherence protocols or print one's table",
                Command{{{"protocol list", "list the coherence protocols"},
                         {"protocol show NAME", "print a protocol's table as the simulator executes it"}},
                        run_protocol},
                8);

}  // namespace cohsim
