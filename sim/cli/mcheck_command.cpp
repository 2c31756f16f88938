// `cohsim mcheck --isa x86|arm|riscv [--lse] [--model x86|arm|riscv] --programs N --seed S
//  [--runs R] [--out DIR] [--jobs J] [--config CONFIG] [--set KEY=VALUE]... [--json] [--quiet]`
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "sim/base/error.hpp"
#include "sim/base/stats.hpp"
#include "sim/cli/command.hpp"
#include "sim/system/mcheck.hpp"

namespace po = boost::program_options;

namespace cohsim {
namespace {

const char* kSynopsis =
    "cohsim mcheck [--isa x86|arm|riscv] [--lse] [--model x86|arm|riscv] [--programs N] [--seed S] [--runs R]\n"
    "              [--threads MIN-MAX] [--ops MAX] [--litmus FILE] [--out DIR] [--jobs J] [--quiet] [--json]\n"
    "              [--config CONFIG] [--set KEY=VALUE]...";

void check_isa(const std::string& opt, const std::string& v) {
  if (v != "x86" && v != "arm" && v != "riscv")
    throw UserError("--" + opt + " " + v + ": no such ISA; valid: x86, arm, riscv");
}

int run_mcheck_command(const std::vector<std::string>& args) {
  CommandLine cl(kSynopsis,
                 "Generates random multi-threaded litmus programs (2-4 threads of loads, stores, fetch_add, swap,\n"
                 "compare_exchange and fences with random Rust orderings over 2-4 locations, each store writing a\n"
                 "unique value), runs each --runs times on the simulated machine with random timing (the litmus\n"
                 "runner's), and checks every distinct outcome (registers and final values) against the ISA's\n"
                 "axiomatic model (x86-TSO, ARMv8, RVWMO as herd7 defines them; docs/mcheck.md). A violation is\n"
                 "shrunk to the smallest program that still shows one and written as a .litmus file; the exit\n"
                 "status is then 4. --model judges the machine by another ISA's model (--isa arm --model x86\n"
                 "must find violations: the way to see the checker catch one).");
  cl.options()("isa", po::value<std::string>()->default_value("x86"), "the machine's ISA: x86, arm, riscv")(
      "lse", "with --isa arm: the ARMv8.1 LSE atomics")(
      "model", po::value<std::string>(), "judge by this ISA's model instead (x86, arm, riscv)")(
      "programs,p", count_value(100), "random programs")("seed", count_value(0), "seed of the programs and timing")(
      "runs,n", count_value(20), "runs per program, each with random timing")(
      "shrink-runs", count_value(0), "runs per shrinking attempt (0: max(10 x runs, 200))")(
      "threads", po::value<std::string>()->default_value("2-4"), "threads per program, MIN-MAX (1-8)")(
      "ops", count_value(4), "at most this many statements per thread (1-8)")(
      "out", po::value<std::string>()->default_value("."), "directory for the shrunk litmus file")(
      "jobs,j", count_value(0), "runs at once (0: the number of CPUs)")(
      "litmus", po::value<std::string>(), "check (and shrink) this litmus test's outcomes instead of random programs")(
      "quiet,q", "no line per program")("config,c", po::value<std::string>(),
                                         "the system to run on (YAML); default: the built-in defaults");
  cl.add_set();
  cl.add_json("print the totals as one JSON object");
  if (!cl.parse(args)) return 0;
  McheckOptions o;
  o.isa = cl.str("isa");
  check_isa("isa", o.isa);
  o.lse = cl.has("lse");
  if (o.lse && o.isa != "arm") throw UserError("--lse: only with --isa arm");
  if (cl.has("model")) check_isa("model", o.model = cl.str("model"));
  o.programs = cl.count("programs", 1);
  o.seed = cl.count("seed");
  o.runs = cl.count("runs", 1);
  o.shrink_runs = cl.count("shrink-runs");
  o.jobs = unsigned(cl.count("jobs", 0, 4096));
  o.out_dir = cl.str("out");
  o.gen.max_ops = unsigned(cl.count("ops", 1, 8));
  {
    const std::string th = cl.str("threads");
    unsigned lo = 0, hi = 0;
    char dash = 0, extra = 0;
    const int n = std::sscanf(th.c_str(), "%u%c%u%c", &lo, &dash, &hi, &extra);
    if (n == 1) hi = lo;
    else if (n != 3 || dash != '-') lo = hi = 0;
    if (lo < 1 || hi > 8 || lo > hi) throw UserError("--threads " + th + ": give MIN-MAX with 1 <= MIN <= MAX <= 8");
    o.gen.min_threads = lo, o.gen.max_threads = hi;
  }
  if (cl.has("litmus")) {
    const LitmusTest t = parse_litmus(cl.str("litmus"));
    o.given.push_back(mc_source_from_litmus(t));
    o.given_name = t.name;
  }
  Config cfg = cl.config("config");
  const bool quiet = cl.has("quiet") || cl.json();
  const McheckReport r = run_mcheck(cfg, o, [&](const std::string& line) {
    if (!quiet) std::cout << line << "\n" << std::flush;
  });
  const std::string model = o.model.empty() ? o.isa : o.model;
  if (cl.json()) {
    std::cout << "{\"isa\": \"" << o.isa << (o.lse ? "+lse" : "") << "\", \"model\": \""
              << name(mc_model_for_isa(model)) << "\", \"seed\": " << o.seed << ", \"programs\": " << r.programs
              << ", \"runs_per_program\": " << o.runs << ", \"executions\": " << r.executions
              << ", \"outcomes_checked\": " << r.outcomes << ", \"candidate_executions\": " << r.candidates
              << ", \"violations\": " << r.violations << ", \"failed_runs\": " << r.failed_runs
              << ", \"seconds\": " << r.seconds;
    if (!r.shrunk.empty())
      std::cout << ", \"shrunk\": \"" << json_escape(r.shrunk[0].shrunk_path) << "\", \"outcome\": \""
                << json_escape(r.shrunk[0].shrunk_outcome) << "\"";
    std::cout << "}\n";
  } else {
    char secs[64];
    std::snprintf(secs, sizeof secs, "%.1f", r.seconds);
    std::cout << "mcheck " << o.isa << (o.lse ? "+lse" : "") << " against " << name(mc_model_for_isa(model))
              << ", seed " << o.seed << ": " << r.programs << " programs, " << r.executions << " executions, "
              << r.outcomes << " distinct outcomes checked (" << r.candidates << " candidate executions), "
              << r.violations << " violation(s), " << r.failed_runs << " failed run(s), " << secs << " s\n";
    if (!r.first_failure.empty()) std::cout << "first failed run: " << r.first_failure.substr(0, 2000) << "\n";
    for (auto& v : r.shrunk) {
      std::cout << "violation in program " << v.program << ": outcome " << v.outcome << " (" << v.reason << ")\n"
                << v.litmus << "shrunk from " << v.statements << " to " << v.shrunk_statements << " statements ("
                << v.shrink_attempts << " attempts): " << v.shrunk_path << "\n"
                << v.shrunk_litmus;
    }
  }
  if (r.violations) return 4;
  return r.failed_runs ? 3 : 0;
}

}  // namespace

COHSIM_REGISTER(command_registry, "mcheck", "random programs checked against the ISA's axiomatic model",
                Command{{{"mcheck --isa X --programs N --seed S",
                          "random litmus programs run on the machine, outcomes checked against x86-TSO/ARMv8/RVWMO; "
                          "violations shrunk"}},
                        run_mcheck_command},
                5);

}  // namespace cohsim
