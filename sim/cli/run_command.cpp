// `cohsim run CONFIG`: simulates a system on a trace and prints a summary.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/view_page.hpp"
#include "sim/base/temp_file.hpp"
#include "sim/config/config.hpp"
#include "sim/system/provenance.hpp"
#include "sim/system/system.hpp"

namespace cohsim {

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  if (!f) throw UserError(path + ": cannot write");
  f << text;
  if (!f) throw UserError(path + ": write failed");
}

// out.json -> out.intervals.jsonl (another name: NAME.intervals.jsonl).
std::string interval_path_beside(const std::string& stats) {
  const std::string ext = ".json";
  const bool json = stats.size() > ext.size() && stats.compare(stats.size() - ext.size(), ext.size(), ext) == 0;
  return (json ? stats.substr(0, stats.size() - ext.size()) : stats) + ".intervals.jsonl";
}

int run_run(const std::vector<std::string>& args) {
  CommandLine cl(
      "cohsim run CONFIG [--trace FILE]... [--set KEY=VALUE]... [--stats FILE.json] [--seed N] "
      "[--stats-schema] [--max-cycles N] [--events FILE.jsonl [--events-dram]] [--view PAGE.html] "
      "[--stats-interval N [--stats-interval-file F]] [--warmup N] [--quiet]\n"
      "       cohsim run --from-stats OLD.json [--stats FILE.json] [...]");
  cl.options()("trace,t", boost::program_options::value<std::vector<std::string>>(),
               "trace file (text, binary, din, Valgrind lackey, ChampSim); default: the config's `trace`. Repeated: a "
               "multiprogrammed mix, one single-threaded trace per core, each in its own address space")(
      "stats", boost::program_options::value<std::string>(), "write every statistic as JSON to this file")(
      "stats-schema", "with --stats: add \"_meta\", each statistic's unit, clock and description (docs/stats.md)")(
      "seed", boost::program_options::value<std::string>(), "the run's seed (same as --set seed=N)")(
      "max-cycles", count_value(), "stop after this many core cycles (0: the config's max_cycles)")(
      "stats-interval", count_value(),
      "every N core cycles, one JSON line of every statistic so far (cumulative) into --stats-interval-file, and a "
      "last line at the end")(
      "warmup", count_value(),
      "warm-up: run until every thread has retired N operations, then reset every statistic (caches, TLBs and DRAM "
      "rows keep their contents); the statistics cover the rest of the run (0: none)")(
      "stats-interval-file", boost::program_options::value<std::string>(),
      "where --stats-interval writes (default: the --stats file's name with .intervals.jsonl for .json)")(
      "from-stats", boost::program_options::value<std::string>(),
      "rerun the run that wrote this --stats file, from its \"_provenance\" alone (configuration, seed, trace, "
      "max cycles); refused if the trace's size or hash changed")(
      "events", boost::program_options::value<std::string>(),
      "write the event log (docs/event-log.md: JSON lines, schema 6) to this file")(
      "events-dram",
      "with --events or --view: the log also records every DRAM command (ACT, PRE, RD, WR, REF; memory.model: dram)")(
      "view", boost::program_options::value<std::string>(),
      "write the classroom view of the run (one HTML page; the log also goes to --events if given)")(
      "quiet,q", "print nothing but errors");
  cl.add_set();
  cl.positional("config", false);
  if (!cl.parse(args)) return 0;
  RunOptions ro;
  std::optional<Config> from;
  if (cl.has("from-stats")) {
    for (const char* o : {"config", "trace", "seed", "max-cycles", "set", "warmup"})
      if (cl.has(o))
        throw UsageError(std::string("--from-stats reruns the recorded run: CONFIG, --trace, --seed, --set and "
                                     "--max-cycles, --warmup come from its \"_provenance\" (given: ") +
                         (std::string(o) == "config" ? "CONFIG" : "--" + std::string(o)) + ")");
    RunRequest req;
    from.emplace(config_from_provenance(cl.str("from-stats"), req));
    ro.trace = req.trace_path;
    ro.max_cycles = req.max_cycles;
    ro.warmup = req.warmup;
  } else if (!cl.has("config")) {
    throw UsageError("missing CONFIG (a YAML file), or --from-stats FILE.json");
  }
  Config cfg = from ? *from : cl.config();
  if (cl.has("seed")) cfg.set("seed", cl.str("seed"));
  if (cl.has("trace")) {
    const std::vector<std::string> traces = cl.strs("trace");
    if (traces.size() == 1) ro.trace = find_input(traces[0]);
    else
      for (const std::string& t : traces) ro.mix.push_back(find_input(t));
  }
  if (cl.has("events")) ro.events_path = cl.str("events");
  // --view without --events: the log goes to a private temporary file, removed when the
  // page is written (or the run fails), never to a name the user did not give.
  std::optional<TempFile> temp_log;
  if (cl.has("view") && ro.events_path.empty()) ro.events_path = temp_log.emplace("--view: the event log").path();
  if (cl.has("events-dram")) {
    if (ro.events_path.empty()) throw UsageError("--events-dram needs --events FILE.jsonl or --view PAGE.html");
    ro.events_dram = true;
  }
  if (cl.has("max-cycles")) ro.max_cycles = cl.count("max-cycles");
  if (cl.has("warmup")) ro.warmup = cl.count("warmup");
  if (cl.has("stats-interval")) {
    ro.stats_interval = cl.count("stats-interval", 1);
    if (cl.has("stats-interval-file")) ro.stats_interval_path = cl.str("stats-interval-file");
    else if (cl.has("stats")) ro.stats_interval_path = interval_path_beside(cl.str("stats"));
    else throw UsageError("--stats-interval needs --stats FILE.json or --stats-interval-file FILE.jsonl");
  } else if (cl.has("stats-interval-file")) {
    throw UsageError("--stats-interval-file needs --stats-interval N");
  }
  const bool quiet = cl.has("quiet");
  ro.progress = !quiet && isatty(2);
  System sys(cfg, ro);
  RunOutcome out = sys.run();
  if (cl.has("view")) write_view_page(ro.events_path, cl.str("view"));
  if (cl.has("stats-schema") && !cl.has("stats")) throw UsageError("--stats-schema needs --stats FILE.json");
  if (cl.has("stats")) write_file(cl.str("stats"), sys.stats_json(cl.has("stats-schema")));
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
