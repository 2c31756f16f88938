#include "sim/system/stress.hpp"

#include <algorithm>
#include <sstream>

#include "cpu/trace/random_trace.hpp"
#include "sim/base/error.hpp"
#include "sim/system/system.hpp"

namespace cohsim {

StressResult run_stress(Config cfg, const StressOptions& opts) {
  cfg.set("check", "true");
  cfg.set("seed", std::to_string(opts.seed));
  if (cfg.integer("core.start_jitter") == 0) cfg.set("core.start_jitter", "50");
  // On a directory, messages take random extra time, so that races between the
  // virtual networks (an Inv before the data, an Inv-Ack before the AckCount) happen.
  if (fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Directory && cfg.integer("network.jitter") == 0)
    cfg.set("network.jitter", "400");
  RandomTraceParams rp;
  rp.threads = unsigned(cfg.integer("cores"));
  rp.ops_per_thread = std::max<std::uint64_t>(1, opts.ops / rp.threads);
  rp.lines = std::max(1u, opts.lines);
  rp.line_size = unsigned(cfg.bytes("l1d.line_size"));
  rp.seed = opts.seed;
  RunOptions ro;
  ro.trace_object = make_random_trace(rp);
  System sys(cfg, ro);
  StressResult r;
  try {
    sys.run();
  } catch (const SimError& e) {
    r.violation = e.what();
  }
  const ProtocolTable& table = *find_protocol(cfg.choice("coherence.protocol"), cfg.choice("coherence.fabric"));
  r.protocol = table.name();
  r.fabric = table.fabric();
  r.cores = rp.threads;
  r.lines = rp.lines;
  r.seed = opts.seed;
  r.coverage = table_coverage(table, sys.stats());
  if (const ProtocolTable* home = table.fabric() == "directory" ? find_protocol(table.name(), kHomeFabric) : nullptr)
    add_home(r.coverage, table_coverage(*home, sys.stats(), ".dircells."));
  for (unsigned i = 0; i < rp.threads; ++i) r.ops += sys.stats().get("core" + std::to_string(i) + ".ops");
  return r;
}

std::string StressResult::to_json() const {
  std::ostringstream o;
  o << "{\"protocol\": \"" << protocol << "\", \"fabric\": \"" << fabric << "\", \"cores\": " << cores
    << ", \"seed\": " << seed << ", \"ops\": " << ops << ", \"violations\": " << (violation.empty() ? 0 : 1)
    << ", \"cells_hit\": " << coverage.hit << ", \"cells_reachable\": " << coverage.reachable
    << ", \"cells_never_hit\": [";
  for (std::size_t i = 0; i < coverage.never_hit.size(); ++i)
    o << (i ? ", " : "") << "\"" << json_escape(coverage.never_hit[i]) << "\"";
  o << "], \"unreachable\": {";
  for (std::size_t i = 0; i < coverage.unreachable.size(); ++i)
    o << (i ? ", " : "") << "\"" << json_escape(coverage.unreachable[i].first) << "\": \""
      << json_escape(coverage.unreachable[i].second) << "\"";
  o << "}, \"message\": \"" << json_escape(violation) << "\"}\n";
  return o.str();
}

std::string StressResult::to_text() const {
  std::ostringstream o;
  o << "stress: " << protocol << " on a " << fabric << ", " << cores << " cores, " << ops << " operations on " << lines
    << " lines, seed " << seed << ": " << (violation.empty() ? "no violation" : "VIOLATION") << "\n";
  if (!violation.empty()) o << violation << "\n";
  o << "coverage: " << coverage.hit << " of " << coverage.reachable << " table cells exercised\n";
  if (!coverage.never_hit.empty()) {
    o << "never hit:\n";
    for (auto& c : coverage.never_hit) o << "  " << c << "\n";
  }
  if (!coverage.unreachable.empty()) {
    o << "unreachable by construction:\n";
    for (auto& [c, why] : coverage.unreachable) o << "  " << c << ": " << why << "\n";
  }
  return o.str();
}

}  // namespace cohsim
