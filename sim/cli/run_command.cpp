// `cohsim run CONFIG`: simulates a system on a trace and prints a summary.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/view_page.hpp"
#include "sim/config/config.hpp"
#include "sim/system/system.hpp"

namespace cohsim {

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  if (!f) throw UserError(path + ": cannot write");
  f << text;
  if (!f) throw UserError(path + ": write failed");
}

int run_run(const std::vector<std::string>& args) {
  CommandLine cl(
      "cohsim run CONFIG [--trace FILE] [--set KEY=VALUE]... [--stats FILE.json] [--seed N] "
      "[--stats-schema] [--max-cycles N] [--events FILE.jsonl] [--view PAGE.html] [--quiet]");
  cl.options()("trace,t", boost::program_options::value<std::string>(),
               "trace file (text, binary or din); default: the config's `trace`")(
      "stats", boost::program_options::value<std::string>(), "write every statistic as JSON to this file")(
      "stats-schema", "with --stats: add \"_meta\", each statistic's unit, clock and description (docs/stats.md)")(
      "seed", boost::program_options::value<std::string>(), "the run's seed (same as --set seed=N)")(
      "max-cycles", count_value(), "stop after this many core cycles (0: the config's max_cycles)")(
      "events", boost::program_options::value<std::string>(),
      "write the event log (docs/event-log.md: JSON lines, schema 2) to this file")(
      "view", boost::program_options::value<std::string>(),
      "write the classroom view of the run (one HTML page; the log goes to --events, else beside the page)")(
      "quiet,q", "print nothing but errors");
  cl.add_set();
  cl.positional("config");
  if (!cl.parse(args)) return 0;
  Config cfg = cl.config();
  if (cl.has("seed")) cfg.set("seed", cl.str("seed"));
  RunOptions ro;
  if (cl.has("trace")) ro.trace = cl.str("trace");
  if (cl.has("events")) ro.events_path = cl.str("events");
  if (cl.has("view") && ro.events_path.empty()) ro.events_path = cl.str("view") + ".events.jsonl";
  if (cl.has("max-cycles")) ro.max_cycles = cl.count("max-cycles");
  const bool quiet = cl.has("quiet");
  ro.progress = !quiet && isatty(2);
  System sys(cfg, ro);
  RunOutcome out = sys.run();
  if (cl.has("view")) write_view_page(ro.events_path, cl.str("view"));
  if (cl.has("stats-schema") && !cl.has("stats")) throw UsageError("--stats-schema needs --stats FILE.json");
  if (cl.has("stats")) write_file(cl.str("stats"), sys.stats().to_json(cl.has("stats-schema")));
  if (!quiet) {
    std::cout << sys.summary() << std::flush;
    std::fprintf(stderr, "host: %.2f s, %.2f million simulated operations per second\n", out.wall_seconds,
                 out.wall_seconds > 0 ? double(out.ops) / out.wall_seconds / 1e6 : 0.0);
  }
  return 0;
}

}  // namespace

COHSIM_REGISTER(command_registry, "run", "simulate a system on a trace",
                Command{{{"run CONFIG", "simulate a system on a trace and print a summary"}}, run_run}, 0);

}  // namespace cohsim
