// `cohsim trace convert|stats`.
#include <iostream>

#include "cpu/trace/trace_convert.hpp"
#include "cpu/trace/trace_stats.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"

namespace cohsim {

namespace {

const char* kFromHelp =
    "the input's format: text, binary, din, lackey or champsim (default: recognised from the extension "
    "(.din, .lackey, .champsim[trace][.xz]) or the content)";

int run_trace(const std::vector<std::string>& args) {
  const char* kForms =
      "cohsim trace convert IN OUT [--from FORMAT]\n       cohsim trace stats FILE [--from FORMAT] [--json] "
      "[--line-size N] [--page-size N]";
  if (args.empty()) throw UsageError(std::string("missing a trace command (convert, stats)\nusage: ") + kForms);
  const std::string sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "--help" || sub == "-h") {
    std::cout << "usage: " << kForms << "\n";
    return 0;
  }
  if (sub == "convert") {
    CommandLine cl("cohsim trace convert IN OUT [--from FORMAT]",
                   "Converts a trace (text, binary, din, Valgrind lackey or ChampSim) to text (OUT ending in .trace\n"
                   "or .txt) or binary (any other extension, e.g. .bin).");
    cl.options()("from", boost::program_options::value<std::string>(), kFromHelp);
    cl.positional("in");
    cl.positional("out");
    if (!cl.parse(rest)) return 0;
    TraceOptions opts;
    if (cl.has("from")) opts.format = cl.str("from");
    convert_trace(cl.str("in"), cl.str("out"), opts);
    return 0;
  }
  if (sub == "stats") {
    CommandLine cl("cohsim trace stats FILE [--from FORMAT] [--json] [--line-size N] [--page-size N]",
                   "Summarises a trace: operations by kind and ordering, threads, footprint.");
    cl.add_json("print JSON");
    cl.options()("line-size", count_value(64), "line size for the footprint (bytes)")(
        "page-size", count_value(4096), "page size for the footprint (bytes)")(
        "from", boost::program_options::value<std::string>(), kFromHelp);
    cl.positional("file");
    if (!cl.parse(rest)) return 0;
    const unsigned line = unsigned(cl.count("line-size", 1, 1u << 30));
    const unsigned page = unsigned(cl.count("page-size", 1, 1u << 30));
    TraceOptions opts;
    if (cl.has("from")) opts.format = cl.str("from");
    auto t = Trace::open(cl.input("file"), opts);
    TraceStats s = compute_trace_stats(*t, line, page);
    std::cout << (cl.json() ? s.to_json() : format_trace_stats(s));
    return 0;
  }
  const std::string near = nearest(sub, {"convert", "stats"});
  throw UsageError("unknown trace command '" + sub + "'; valid: convert, stats" +
                   (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

}  // namespace

COHSIM_REGISTER(command_registry, "trace", "convert or summarise a trace",
                Command{{{"trace convert IN OUT", "convert a trace (text, binary, din, lackey, ChampSim) to text or binary (by OUT's extension)"},
                         {"trace stats FILE", "summarise a trace"}},
                        run_trace},
                2);

}  // namespace cohsim
