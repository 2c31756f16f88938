// The `cohsim` command line.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <systemc>

#include "coherence/protocol.hpp"
#include "sim/cli/litmus_command.hpp"
#include "sim/cli/lower_command.hpp"
#include "sim/cli/races_command.hpp"
#include "cpu/trace/trace_convert.hpp"
#include "cpu/trace/trace_stats.hpp"
#include "sim/config/config.hpp"
#include "sim/cli/dram_command.hpp"
#include "sim/base/error.hpp"
#include "sim/system/stress.hpp"
#include "sim/system/system.hpp"

namespace po = boost::program_options;
using namespace cohsim;

namespace {

const char* kUsage =
    "usage: cohsim COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run CONFIG            simulate a system on a trace and print a summary\n"
    "  config check CONFIG   validate a configuration\n"
    "  config show CONFIG    print the resolved configuration, every default filled in\n"
    "  config docs           print the reference of every configuration key (markdown)\n"
    "  trace convert IN OUT  convert a trace between text and binary (by OUT's extension)\n"
    "  trace stats FILE      summarise a trace\n"
    "  stress CONFIG         random loads, stores and atomics on a few lines, every value checked\n"
    "  lower TRACE --isa X   print each trace operation beside the instructions x86, arm or riscv execute\n"
    "  litmus FILE... --isa X  run litmus tests many times; outcome histogram, allowed/forbidden check\n"
    "  races TRACE           report the pairs of accesses that race (no happens-before) in a run\n"
    "  dram CONFIG           a DRAM-only request stream through the config's DRAM: row hits, latency, bandwidth\n"
    "  protocol list         list the coherence protocols\n"
    "  protocol show NAME    print a protocol's table as the simulator executes it\n"
    "\n"
    "`cohsim COMMAND --help` explains a command's options.\n";

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses `args` with `desc` and the positional names; --help prints and exits 0.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const std::vector<std::string>& positional, const std::string& synopsis) {
  po::options_description all;
  all.add(desc);
  po::options_description hidden;
  po::positional_options_description pos;
  for (auto& p : positional) {
    hidden.add_options()(p.c_str(), po::value<std::string>(), "");
    pos.add(p.c_str(), 1);
  }
  all.add(hidden);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: " << synopsis << "\n\n" << desc << "\n";
    std::exit(0);
  }
  po::notify(vm);
  for (auto& p : positional)
    if (!vm.count(p)) throw Usage("missing " + p + "\nusage: " + synopsis);
  return vm;
}

Config load_config(const po::variables_map& vm) {
  Config cfg = Config::load(vm["config"].as<std::string>());
  if (vm.count("set"))
    for (auto& s : vm["set"].as<std::vector<std::string>>()) cfg.set_assignment(s);
  return cfg;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  if (!f) throw UserError(path + ": cannot write");
  f << text;
  if (!f) throw UserError(path + ": write failed");
}

int cmd_run(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "explain the options")("trace,t", po::value<std::string>(),
                                                   "trace file (text, binary or din); default: the config's `trace`")(
      "set,s", po::value<std::vector<std::string>>()->composing(), "override a key: --set l1d.size=64KiB (repeatable)")(
      "stats", po::value<std::string>(), "write every statistic as JSON to this file")(
      "seed", po::value<long long>(), "the run's seed (same as --set seed=N)")(
      "max-cycles", po::value<unsigned long long>(), "stop after this many core cycles")(
      "events", po::value<std::string>(), "write one JSON line per coherence state change to this file")(
      "quiet,q", "print nothing but errors");
  auto vm = parse(args, d, {"config"},
                  "cohsim run CONFIG [--trace FILE] [--set KEY=VALUE]... [--stats FILE.json] [--seed N] "
                  "[--max-cycles N] [--events FILE.jsonl] [--quiet]");
  Config cfg = load_config(vm);
  if (vm.count("seed")) cfg.set("seed", std::to_string(vm["seed"].as<long long>()));
  RunOptions ro;
  if (vm.count("trace")) ro.trace = vm["trace"].as<std::string>();
  if (vm.count("events")) ro.events_path = vm["events"].as<std::string>();
  if (vm.count("max-cycles")) ro.max_cycles = vm["max-cycles"].as<unsigned long long>();
  const bool quiet = vm.count("quiet");
  ro.progress = !quiet && isatty(2);
  System sys(cfg, ro);
  RunOutcome out = sys.run();
  if (vm.count("stats")) write_file(vm["stats"].as<std::string>(), sys.stats().to_json());
  if (!quiet) {
    std::cout << sys.summary() << std::flush;
    std::fprintf(stderr, "host: %.2f s, %.2f million simulated operations per second\n", out.wall_seconds,
                 out.wall_seconds > 0 ? double(out.ops) / out.wall_seconds / 1e6 : 0.0);
  }
  return 0;
}

int cmd_stress(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "explain the options")("ops", po::value<unsigned long long>()->default_value(100000),
                                                   "operations in all, split over the cores")(
      "seed", po::value<unsigned long long>()->default_value(0), "seed of the random operations and timing")(
      "lines", po::value<unsigned>()->default_value(8), "distinct lines the cores contend for")(
      "set,s", po::value<std::vector<std::string>>()->composing(), "override a key: --set cores=8")(
      "json", "print the result as JSON");
  auto vm =
      parse(args, d, {"config"}, "cohsim stress CONFIG [--ops N] [--seed S] [--lines L] [--set KEY=VALUE]... [--json]");
  StressOptions so;
  so.ops = vm["ops"].as<unsigned long long>();
  so.seed = vm["seed"].as<unsigned long long>();
  so.lines = vm["lines"].as<unsigned>();
  const StressResult r = run_stress(load_config(vm), so);
  std::cout << (vm.count("json") ? r.to_json() : r.to_text());
  return r.violation.empty() ? 0 : 4;
}

int cmd_config(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: cohsim config check|show CONFIG [--set KEY=VALUE]...\n"
                 "       cohsim config docs\n";
    return args.empty() ? 2 : 0;
  }
  const std::string sub = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "docs") {
    std::cout << config_reference_markdown();
    return 0;
  }
  if (sub != "check" && sub != "show") throw Usage("unknown config command '" + sub + "'; valid: check, show, docs");
  po::options_description d("options");
  d.add_options()("help,h", "explain the options")("set,s", po::value<std::vector<std::string>>()->composing(),
                                                   "override a key: --set l1d.size=64KiB");
  auto vm = parse(rest, d, {"config"}, "cohsim config " + sub + " CONFIG [--set KEY=VALUE]...");
  Config cfg = load_config(vm);
  if (sub == "check") std::cout << vm["config"].as<std::string>() << ": ok\n";
  else std::cout << cfg.to_yaml();
  return 0;
}

int cmd_trace(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: cohsim trace convert IN OUT\n       cohsim trace stats FILE [--json] [--line-size N]\n";
    return args.empty() ? 2 : 0;
  }
  const std::string sub = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "convert") {
    po::options_description d("options");
    d.add_options()("help,h", "explain the options");
    auto vm =
        parse(rest, d, {"in", "out"}, "cohsim trace convert IN OUT  (OUT ending in .trace/.txt is text, else binary)");
    convert_trace(vm["in"].as<std::string>(), vm["out"].as<std::string>());
    return 0;
  }
  if (sub == "stats") {
    po::options_description d("options");
    d.add_options()("help,h", "explain the options")("json", "print JSON")(
        "line-size", po::value<unsigned>()->default_value(64), "line size for the footprint")(
        "page-size", po::value<unsigned>()->default_value(4096), "page size for the footprint");
    auto vm = parse(rest, d, {"file"}, "cohsim trace stats FILE [--json] [--line-size N] [--page-size N]");
    auto t = Trace::open(vm["file"].as<std::string>());
    TraceStats s = compute_trace_stats(*t, vm["line-size"].as<unsigned>(), vm["page-size"].as<unsigned>());
    std::cout << (vm.count("json") ? s.to_json() : format_trace_stats(s));
    return 0;
  }
  throw Usage("unknown trace command '" + sub + "'; valid: convert, stats");
}

int cmd_protocol(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: cohsim protocol list\n       cohsim protocol show NAME [--fabric bus|directory] [--home] "
                 "[--format text|md|csv|html|dot]\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "list") {
    for (auto* t : all_protocols()) std::cout << t->name() << " (" << t->fabric() << "): " << t->description() << "\n";
    return 0;
  }
  if (args[0] != "show") throw Usage("unknown protocol command '" + args[0] + "'; valid: list, show");
  po::options_description d("options");
  d.add_options()("help,h", "explain the options")("fabric", po::value<std::string>()->default_value("bus"),
                                                   "bus, directory (or directory-home = --home)")(
      "home",
      "with --fabric directory: only the directory's (home's) table; without it text, md and html "
      "print the caches' table and then the directory's, csv and dot the caches'")(
      "format", po::value<std::string>()->default_value("text"), "text, md, csv, html or dot (Graphviz)");
  auto vm = parse(std::vector<std::string>(args.begin() + 1, args.end()), d, {"name"},
                  "cohsim protocol show NAME [--fabric bus|directory] [--home] [--format text|md|csv|html|dot]");
  std::cout << show_protocol(vm["name"].as<std::string>(), vm["fabric"].as<std::string>(),
                             vm["format"].as<std::string>(), vm.count("home") > 0);
  return 0;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "run") return cmd_run(args);
  if (cmd == "config") return cmd_config(args);
  if (cmd == "trace") return cmd_trace(args);
  if (cmd == "protocol") return cmd_protocol(args);
  if (cmd == "stress") return cmd_stress(args);
  if (cmd == "lower") return run_lower_command(args);
  if (cmd == "races") return run_races_command(args);
  if (cmd == "litmus") return run_litmus_command(args);
  if (cmd == "dram") return run_dram_command(args);
  std::string near = nearest(cmd, {"run", "config", "trace", "protocol", "stress", "lower", "litmus", "races", "dram"});
  throw Usage("unknown command '" + cmd + "'; valid: run, config, trace, protocol, stress, lower, litmus, races, dram" +
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
  } catch (const Usage& e) {
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
