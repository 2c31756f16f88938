// `cohsim litmus FILE... --isa x86|arm|riscv [--lse] --runs N [--seed S] [--jobs J]
//  [--json] [--expect allowed|forbidden] [--config CONFIG] [--set KEY=VALUE]...`
#include "cpu/litmus/litmus_command.hpp"

#include <algorithm>
#include <iostream>

#include <boost/program_options.hpp>

#include "cpu/litmus/litmus_runner.hpp"
#include "cpu/lowering.hpp"
#include "sim/error.hpp"

namespace po = boost::program_options;

namespace cohsim {

namespace {
const char* kSynopsis =
    "cohsim litmus FILE... [--isa x86|arm|riscv] [--lse] [--runs N] [--seed S] [--jobs J] [--json]\n"
    "                      [--expect allowed|forbidden] [--config CONFIG] [--set KEY=VALUE]... [--no-check]\n"
    "       cohsim litmus FILE --replay K [same options]";
}

int run_litmus_command(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "explain the options")(
      "isa", po::value<std::string>()->default_value("x86"), "the ISA to run on: x86, arm or riscv")(
      "lse", "AArch64 only: the ARMv8.1 LSE atomics instead of ldxr/stxr loops")(
      "runs,n", po::value<unsigned long long>()->default_value(1000), "runs per test, each with random timing")(
      "seed", po::value<unsigned long long>()->default_value(0), "seed of the runs' timing")(
      "jobs,j", po::value<unsigned>()->default_value(0), "runs at once (0: the number of CPUs)")(
      "json", "print one JSON object per test, one per line")(
      "expect", po::value<std::string>(),
      "allowed|forbidden: check the condition against this instead of the file's `expect` lines")(
      "config,c", po::value<std::string>(), "the system to run on (YAML); default: the built-in defaults")(
      "set,s", po::value<std::vector<std::string>>()->composing(), "override a key: --set l1d.size=64KiB")(
      "no-check", "run without the coherence checker (faster)")(
      "replay", po::value<unsigned long long>(),
      "print run K of the (single) test as a text trace with the `cohsim run` command that reproduces it");
  po::options_description all;
  all.add(d);
  all.add_options()("file", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: " << kSynopsis << "\n\n"
              << "Runs each litmus test (traces/litmus/README.md) --runs times with random timing and prints\n"
                 "the outcome histogram and whether the `exists` condition was observed. With an\n"
                 "expectation (--expect, or `expect` lines in the file) the exit status is 4 when a test\n"
                 "contradicts it: a forbidden condition observed, or an allowed one never observed.\n\n"
              << d << "\n";
    return 0;
  }
  po::notify(vm);
  if (!vm.count("file")) throw po::error("missing FILE (a .litmus test); usage: " + std::string(kSynopsis));
  LitmusRunOptions o;
  o.isa = vm["isa"].as<std::string>();
  const auto isas = Lowering::isa_names();
  if (std::find(isas.begin(), isas.end(), o.isa) == isas.end()) {
    std::string near = nearest(o.isa, isas);
    throw UserError("--isa " + o.isa + ": no such ISA; valid: x86, arm, riscv" +
                    (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
  o.lse = vm.count("lse");
  if (o.lse && o.isa != "arm") throw UserError("--lse: LSE atomics are AArch64's; use it with --isa arm, not " + o.isa);
  o.runs = vm["runs"].as<unsigned long long>();
  if (o.runs == 0) throw UserError("--runs 0: give at least one run");
  o.seed = vm["seed"].as<unsigned long long>();
  o.jobs = vm["jobs"].as<unsigned>();
  o.check = !vm.count("no-check");
  if (vm.count("expect")) {
    o.expect = vm["expect"].as<std::string>();
    if (o.expect != "allowed" && o.expect != "forbidden")
      throw UserError("--expect " + o.expect + ": valid: allowed, forbidden");
  }
  Config cfg = vm.count("config") ? Config::load(vm["config"].as<std::string>()) : Config::defaults();
  if (vm.count("set"))
    for (auto& s : vm["set"].as<std::vector<std::string>>()) cfg.set_assignment(s);

  // Parse every file first: a mistake in the last one stops the command before any run.
  std::vector<LitmusTest> tests;
  for (auto& f : vm["file"].as<std::vector<std::string>>()) tests.push_back(parse_litmus(f));
  if (vm.count("replay")) {
    if (tests.size() != 1) throw UserError("--replay: give exactly one litmus file");
    std::cout << litmus_replay(tests[0], cfg, o, vm["replay"].as<unsigned long long>(),
                               vm.count("config") ? vm["config"].as<std::string>() : "configs/default.yaml");
    return 0;
  }
  const bool json = vm.count("json");
  bool ok = true;
  for (auto& t : tests) {
    LitmusResult r = run_litmus(t, cfg, o);
    std::cout << (json ? r.to_json() : r.to_text() + (tests.size() > 1 ? "\n" : "")) << std::flush;
    ok &= r.passed();
  }
  return ok ? 0 : 4;
}

}  // namespace cohsim
