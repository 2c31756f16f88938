#include "sim/system/mcheck.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>

#include "sim/base/error.hpp"
#include "sim/system/litmus_runner.hpp"

namespace cohsim {
namespace {

// One program run on the machine and judged.
struct Judged {
  std::uint64_t executions = 0, outcomes = 0, failed_runs = 0, candidates = 0;
  std::string first_failure;
  bool violation = false;
  std::string outcome, reason;  // the first outcome the model forbids
};

Judged run_and_judge(const McSource& src, const std::string& name, const Config& base, const McheckOptions& o,
                     std::uint64_t runs, std::uint64_t seed) {
  const LitmusTest t = parse_litmus_text(mc_render(src, name), name + ".litmus");
  LitmusRunOptions lro;
  lro.isa = o.isa, lro.lse = o.lse, lro.runs = runs, lro.seed = seed, lro.jobs = o.jobs;
  lro.expect = "";
  const LitmusResult r = run_litmus(t, base, lro);
  const McModel model = mc_model_for_isa(o.model.empty() ? o.isa : o.model);
  const McProgram p = mc_program(t, o.isa, o.lse, model);
  Judged j;
  j.executions = r.runs - r.failed_runs;
  j.failed_runs = r.failed_runs;
  j.first_failure = r.first_failure;
  for (auto& [key, n] : r.outcomes) {
    LitmusOutcome out;
    if (!mc_parse_outcome(t, key, out) || out.memory.empty())
      throw std::logic_error("mcheck: the runner's outcome '" + key + "' does not fit the program");
    ++j.outcomes;
    const McVerdict v = mc_check(p, out);
    j.candidates += v.candidates;
    if (!v.allowed && !j.violation) j.violation = true, j.outcome = key, j.reason = v.reason;
  }
  return j;
}

}  // namespace

McheckReport run_mcheck(const Config& base, const McheckOptions& o,
                        const std::function<void(const std::string&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  McheckReport rep;
  const std::string model_isa = o.model.empty() ? o.isa : o.model;
  mc_model_for_isa(model_isa);  // validates
  const std::uint64_t shrink_runs = o.shrink_runs ? o.shrink_runs : std::max<std::uint64_t>(10 * o.runs, 200);
  const std::uint64_t programs = o.given.empty() ? o.programs : o.given.size();
  for (std::uint64_t i = 0; i < programs; ++i) {
    const McSource src = o.given.empty() ? mc_generate(o.seed, i, o.gen) : o.given[i];
    const std::string name = (o.given_name.empty() ? "mcheck" : o.given_name) + "-" + o.isa + (o.lse ? "+lse" : "") + "-s" + std::to_string(o.seed) + "-p" +
                             std::to_string(i);
    const std::uint64_t run_seed = o.seed * 1000003 + i;
    const Judged j = run_and_judge(src, name, base, o, o.runs, run_seed);
    ++rep.programs;
    rep.executions += j.executions, rep.outcomes += j.outcomes, rep.failed_runs += j.failed_runs;
    rep.candidates += j.candidates;
    if (j.failed_runs && rep.first_failure.empty()) rep.first_failure = name + ": " + j.first_failure;
    if (progress)
      progress(name + ": " + std::to_string(src.threads.size()) + " threads, " + std::to_string(src.statements()) +
               " statements, " + std::to_string(j.outcomes) + " distinct outcome(s)" +
               (j.failed_runs ? ", " + std::to_string(j.failed_runs) + " failed run(s)" : "") +
               (j.violation ? ", VIOLATION: " + j.outcome : ""));
    if (!j.violation) continue;
    ++rep.violations;
    if (!rep.shrunk.empty()) continue;  // only the first is shrunk
    McheckViolation v;
    v.program = i;
    v.litmus = mc_render(src, name);
    v.outcome = j.outcome, v.reason = j.reason;
    v.statements = src.statements();
    // Greedy shrinking: take the first smaller program on which the machine still
    // shows an outcome the model forbids, until no reduction keeps one.
    McSource cur = src;
    std::string cur_outcome = j.outcome, cur_reason = j.reason;
    for (bool smaller = true; smaller;) {
      smaller = false;
      for (const McSource& q : mc_reductions(cur)) {
        ++v.shrink_attempts;
        const Judged k = run_and_judge(q, name + "-shrunk", base, o, shrink_runs, run_seed);
        if (!k.violation) continue;
        cur = q, cur_outcome = k.outcome, cur_reason = k.reason, smaller = true;
        if (progress)
          progress("  shrunk to " + std::to_string(cur.threads.size()) + " threads, " +
                   std::to_string(cur.statements()) + " statements: " + cur_outcome);
        break;
      }
    }
    const std::string sname = name + "-shrunk";
    const LitmusTest st = parse_litmus_text(mc_render(cur, sname), sname + ".litmus");
    LitmusOutcome so;
    mc_parse_outcome(st, cur_outcome, so);
    v.shrunk_litmus = "// found by cohsim mcheck --isa " + o.isa + (o.lse ? " --lse" : "") +
                      (o.model.empty() ? "" : " --model " + o.model) + " --seed " + std::to_string(o.seed) +
                      " (program " + std::to_string(i) + "), shrunk from " + std::to_string(v.statements) +
                      " statements; " + cohsim::name(mc_model_for_isa(model_isa)) + " forbids the outcome: " + cur_reason +
                      "\n" + mc_render(cur, sname, mc_outcome_condition(st, so), model_isa + ": forbidden");
    v.shrunk_outcome = cur_outcome;
    v.shrunk_statements = cur.statements();
    v.shrunk_path = o.out_dir + "/" + sname + ".litmus";
    std::ofstream f(v.shrunk_path);
    f << v.shrunk_litmus;
    f.close();
    if (!f) throw UserError(v.shrunk_path + ": cannot write the shrunk litmus test");
    rep.shrunk.push_back(v);
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rep;
}

}  // namespace cohsim
