// `cohsim litmus FILE... --isa ISA[,ISA...]|all [--lse] --runs N [--seed S] [--jobs J]
//  [--json] [--expect allowed|forbidden] [--unseen-ok] [--summary FILE.md] [--config CONFIG] [--set KEY=VALUE]...`
#include "sim/cli/litmus_command.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cpu/lowering.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/base/temp_file.hpp"
#include "sim/cli/view_page.hpp"
#include "sim/system/litmus_runner.hpp"
#include "sim/system/system.hpp"

namespace po = boost::program_options;

namespace cohsim {

namespace {
const char* kSynopsis =
    "cohsim litmus FILE... [--isa ISA[,ISA...]|all] [--lse] [--runs N] [--seed S] [--jobs J] [--json]\n"
    "                      [--expect allowed|forbidden] [--unseen-ok] [--summary FILE.md] [--full-caches]\n"
    "                      [--config CONFIG] [--set KEY=VALUE]... [--no-check]\n"
    "       cohsim litmus FILE --replay K [--view PAGE.html] [--events FILE.jsonl] [same options, one ISA]";

// The ISA variants --isa names: x86, arm, arm+lse (AArch64 with the LSE atomics), riscv.
const std::vector<std::string> kVariants{"x86", "arm", "arm+lse", "riscv"};

struct Variant {
  std::string isa;
  bool lse = false;
  std::string name() const { return isa + (lse ? "+lse" : ""); }
};

std::vector<Variant> parse_isas(const std::string& list, bool lse_flag) {
  std::vector<Variant> out;
  std::vector<std::string> names;
  if (list == "all") names = kVariants;
  else {
    std::string cur;
    for (char c : list + ",") {
      if (c != ',') {
        cur += c;
        continue;
      }
      if (cur.empty()) throw UserError("--isa " + list + ": an empty ISA name; valid: x86, arm, arm+lse, riscv, all");
      names.push_back(cur);
      cur.clear();
    }
  }
  for (auto& n : names) {
    if (std::find(kVariants.begin(), kVariants.end(), n) == kVariants.end()) {
      const std::string near = nearest(n, kVariants);
      throw UserError("--isa " + n + ": no such ISA; valid: x86, arm, arm+lse, riscv, or all (a comma-separated list)" +
                      (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
    Variant v{n == "arm+lse" ? "arm" : n, n == "arm+lse"};
    for (auto& o : out)
      if (o.name() == v.name()) throw UserError("--isa " + list + ": " + n + " is listed twice");
    out.push_back(v);
  }
  if (lse_flag) {
    if (out.size() != 1 || out[0].isa != "arm")
      throw UserError(
          "--lse: LSE atomics are AArch64's; use it with --isa arm alone (in a list, write arm+lse), not --isa " +
          list);
    out[0].lse = true;
  }
  return out;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string status(const LitmusResult& r) {
  if (r.failed_runs || (r.expectation == "forbidden" && r.condition_count)) return "FAIL";
  if (r.unseen()) return r.unseen_ok ? "not seen" : "FAIL (not seen)";
  return r.expectation.empty() ? "-" : "ok";
}

// One row per (test, ISA): the summary printed after the tests and written by --summary.
std::string summary_table(const std::vector<LitmusResult>& rs, bool markdown) {
  std::ostringstream o;
  if (markdown) {
    o << "| test | ISA | runs | condition observed | expected | result |\n| --- | --- | --- | ---: | --- | --- |\n";
    for (auto& r : rs)
      o << "| `" << r.test << "` | " << r.isa << (r.lse ? "+lse" : "") << " | " << r.runs << " | " << r.condition_count
        << " | " << (r.expectation.empty() ? "-" : r.expectation) << " | " << status(r) << " |\n";
    return o.str();
  }
  std::size_t w = 4;
  for (auto& r : rs) w = std::max(w, r.test.size());
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-*s  %-8s %9s %9s  %-9s  %s\n", int(w), "test", "ISA", "runs", "observed",
                "expected", "result");
  o << buf;
  for (auto& r : rs) {
    std::snprintf(buf, sizeof buf, "%-*s  %-8s %9llu %9llu  %-9s  %s\n", int(w), r.test.c_str(),
                  (r.isa + (r.lse ? "+lse" : "")).c_str(), (unsigned long long)r.runs,
                  (unsigned long long)r.condition_count, r.expectation.empty() ? "-" : r.expectation.c_str(),
                  status(r).c_str());
    o << buf;
  }
  return o.str();
}

// Totals: forbidden conditions seen, allowed ones observed, runs that failed.
std::string summary_totals(const std::vector<LitmusResult>& rs) {
  std::uint64_t runs = 0, forbidden = 0, forbidden_seen = 0, allowed = 0, allowed_seen = 0, failed = 0;
  std::vector<std::string> unseen;
  for (auto& r : rs) {
    runs += r.runs;
    failed += r.failed_runs;
    if (r.expectation == "forbidden") ++forbidden, forbidden_seen += r.condition_count ? 1 : 0;
    if (r.expectation == "allowed") {
      ++allowed;
      if (r.condition_count) ++allowed_seen;
      else unseen.push_back(r.test + " on " + r.isa + (r.lse ? "+lse" : ""));
    }
  }
  std::ostringstream o;
  o << runs << " runs; forbidden conditions observed in " << forbidden_seen << " of " << forbidden
    << " (test, ISA) pairs; allowed conditions observed in " << allowed_seen << " of " << allowed << "; " << failed
    << " run(s) failed";
  if (!unseen.empty()) {
    o << "; allowed but not seen: ";
    for (std::size_t i = 0; i < unseen.size(); ++i) o << (i ? ", " : "") << unseen[i];
  }
  o << ".";
  return o.str();
}

}  // namespace

int run_litmus_command(const std::vector<std::string>& args) {
  CommandLine cl(kSynopsis,
                 "Runs each litmus test (traces/litmus/README.md) --runs times with random timing on each ISA\n"
                 "and prints the outcome histogram and whether the `exists` condition was observed; with more\n"
                 "than one test or ISA, a summary table follows. With an expectation (--expect, or `expect`\n"
                 "lines in the file) the exit status is 4 when a test contradicts it: a forbidden condition\n"
                 "observed, or an allowed one never observed (unless --unseen-ok).");
  cl.options()("isa", po::value<std::string>()->default_value("x86"),
               "the ISA(s) to run on: x86, arm, arm+lse, riscv, a comma-separated list of them, or all")(
      "lse", "with --isa arm: the ARMv8.1 LSE atomics instead of ldxr/stxr loops (same as --isa arm+lse)")(
      "runs,n", count_value(1000), "runs per test and ISA, each with random timing")(
      "seed", count_value(0), "seed of the runs' timing")("jobs,j", count_value(0),
                                                          "runs at once (0: the number of CPUs)")(
      "expect", po::value<std::string>(),
      "allowed|forbidden: check the condition against this instead of the file's `expect` lines")(
      "unseen-ok", "an allowed condition that no run showed is reported (not seen) but does not fail")(
      "summary", po::value<std::string>(),
      "also write the summary (one row per test and ISA, with the options, date and wall time) as markdown")(
      "full-caches", "keep the configuration's cache sizes (default: litmus-sized caches, same outcomes, faster)")(
      "config,c", po::value<std::string>(), "the system to run on (YAML); default: the built-in defaults")(
      "no-check", "run without the coherence checker (faster)")(
      "replay", count_value(),
      "print run K of the (single) test as a text trace with the `cohsim run` command that reproduces it "
      "(`--json` gives first_condition_run, the first run that showed the condition)")(
      "view", po::value<std::string>(),
      "with --replay K: run it and write its classroom view (one HTML page: store buffers, load bindings, "
      "caches, messages) instead of printing the trace")(
      "events", po::value<std::string>(),
      "with --replay K: run it and write its event log (docs/event-log.md; the preamble's writes are the "
      "initial values: a load of them reads \"initial\") instead of printing the trace");
  cl.add_set();
  cl.add_json("print one JSON object per test and ISA, one per line");
  cl.positional("file", true, true);
  if (!cl.parse(args)) return 0;
  const auto start = std::chrono::steady_clock::now();
  const std::string isa_list = cl.str("isa");
  const std::vector<Variant> variants = parse_isas(isa_list, cl.has("lse"));
  LitmusRunOptions o;
  o.runs = cl.count("runs", 1);
  o.seed = cl.count("seed");
  o.jobs = unsigned(cl.count("jobs", 0, 4096));
  o.check = !cl.has("no-check");
  o.full_caches = cl.has("full-caches");
  if (cl.has("expect")) {
    o.expect = cl.str("expect");
    if (o.expect != "allowed" && o.expect != "forbidden")
      throw UserError("--expect " + o.expect + ": valid: allowed, forbidden");
  }
  Config cfg = cl.config("config");

  // Parse every file first: a mistake in the last one stops the command before any run.
  std::vector<LitmusTest> tests;
  for (auto& f : cl.strs("file")) tests.push_back(parse_litmus(find_input(f)));
  if (cl.has("replay")) {
    if (tests.size() != 1) throw UserError("--replay: give exactly one litmus file");
    if (variants.size() != 1) throw UserError("--replay: give exactly one ISA, not --isa " + isa_list);
    o.isa = variants[0].isa, o.lse = variants[0].lse;
    // The reproducing command names the configuration and repeats the --set overrides.
    // Without a configuration the runs use the built-in defaults, which differ from
    // configs/default.yaml in memory.model only (a unit test checks it): name it.
    std::string config_arg = cl.has("config") ? cl.str("config")
                                              : "configs/default.yaml --set memory.model=" + cfg.choice("memory.model");
    for (auto& a : cl.sets()) config_arg += " --set " + a;
    if (!cl.has("view") && !cl.has("events")) {
      std::cout << litmus_replay(tests[0], cfg, o, cl.count("replay"), config_arg);
      return 0;
    }
    // The replayed trace goes to a private temporary file, and so does the event log
    // without --events; only the files the user named are written.
    Config run_cfg = cfg;  // replaced by the run's configuration
    const std::string text = litmus_replay(tests[0], cfg, o, cl.count("replay"), config_arg, &run_cfg);
    const char* what = cl.has("view") ? "--view" : "--events";
    const TempFile trace(std::string(what) + ": the replayed trace", ".trace"),
        log(std::string(what) + ": the event log", ".jsonl");
    {
      std::ofstream f(trace.path());
      f << text;
      if (!f) throw UserError(std::string(what) + ": cannot write the temporary file " + trace.path());
    }
    RunOptions ro;
    ro.trace = trace.path();
    ro.events_path = cl.has("events") ? cl.str("events") : log.path();
    // The runner's preamble (litmus line 0: initial stores, warm-up accesses) makes the
    // initial state: what it writes, a load reads as "initial".
    {
      std::istringstream in(text);
      std::string l;
      for (std::uint32_t n = 1; std::getline(in, l); ++n) {
        static const std::string kPreamble = "# litmus line 0";
        if (l.size() >= kPreamble.size() && l.compare(l.size() - kPreamble.size(), kPreamble.size(), kPreamble) == 0)
          ro.initial_lines.push_back(n);
      }
    }
    System sys(run_cfg, ro);
    sys.run();
    std::string wrote;
    if (cl.has("view")) write_view_page(ro.events_path, cl.str("view")), wrote = cl.str("view");
    if (cl.has("events")) wrote += (wrote.empty() ? "" : " and ") + cl.str("events");
    std::cout << tests[0].name << ", run " << cl.count("replay") << " of seed " << o.seed << " on " << o.isa
              << (o.lse ? "+lse" : "") << ": wrote " << wrote << "\n"
              << sys.summary();
    // The outcome this run produced: the threads' final registers (what the litmus
    // condition reads), which the summary leaves to --stats.
    std::cout << "outcome       ";
    for (const auto& [k, v] : sys.stats().values()) {
      const auto r = k.find(".regs.");
      if (r != std::string::npos) std::cout << " " << k.substr(0, r) << ":" << k.substr(r + 6) << "=" << std::uint64_t(v);
    }
    std::cout << "\n" << std::flush;
    return 0;
  }
  if (cl.has("view")) throw UsageError("--view needs --replay K: the page shows one run");
  if (cl.has("events")) throw UsageError("--events needs --replay K: the log records one run");
  std::ofstream summary;
  if (cl.has("summary")) {
    summary.open(cl.str("summary"));
    if (!summary) throw UserError("--summary " + cl.str("summary") + ": cannot write the file");
  }
  const bool json = cl.json();
  const bool many = tests.size() * variants.size() > 1;
  std::vector<LitmusResult> results;
  bool ok = true;
  for (auto& t : tests)
    for (auto& v : variants) {
      o.isa = v.isa, o.lse = v.lse;
      LitmusResult r = run_litmus(t, cfg, o);
      r.unseen_ok = cl.has("unseen-ok");
      std::cout << (json ? r.to_json() : r.to_text() + (many ? "\n" : "")) << std::flush;
      ok &= r.passed();
      results.push_back(std::move(r));
    }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uint64_t runs = 0;
  for (auto& r : results) runs += r.runs;
  char rate[128];
  std::snprintf(rate, sizeof rate, "%.0f s wall time, %.0f runs/s", seconds, double(runs) / std::max(seconds, 1e-9));
  if (many && !json) std::cout << summary_table(results, false) << summary_totals(results) << " " << rate << "\n";
  if (summary.is_open()) {
    const unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    summary << "`cohsim litmus` on " << tests.size() << " test(s), --isa " << isa_list << " --runs " << o.runs
            << " --seed " << o.seed << " --jobs " << jobs << (cl.has("config") ? " --config " + cl.str("config") : "")
            << (o.full_caches ? " --full-caches" : "") << (o.check ? "" : " --no-check") << "; " << utc_now() << "; "
            << rate << ".\n\n"
            << summary_totals(results) << "\n\n"
            << summary_table(results, true);
    if (!summary) throw UserError("--summary " + cl.str("summary") + ": writing failed");
  }
  return ok ? 0 : 4;
}

COHSIM_REGISTER(command_registry, "litmus", "run litmus tests many times",
                Command{{{"litmus FILE... --isa X",
                          "run litmus tests many times; outcome histogram, allowed/forbidden check"}},
                        run_litmus_command},
                5);

}  // namespace cohsim
