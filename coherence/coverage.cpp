#include "coherence/coverage.hpp"

#include <map>

namespace cohsim {

TableCoverage table_coverage(const ProtocolTable& t, const Stats& s, const std::string& marker) {
  std::map<std::string, double> hits;  // "STATE.EVENT" -> count over every controller
  for (const auto& [k, v] : s.values()) {
    auto p = k.find(marker);
    if (p != std::string::npos) hits[k.substr(p + marker.size())] += v;
  }
  TableCoverage c;
  for (int st = 0; st < t.num_states(); ++st)
    for (Event e : t.events()) {
      const Cell& cell = t.cell(std::uint8_t(st), e);
      const std::string name = t.states()[st].name + ", " + cohsim::name(e);
      if (cell.kind == CellKind::Impossible) {
        if (!cell.why.empty()) c.unreachable.emplace_back(name, cell.why);
        continue;
      }
      ++c.reachable;
      if (hits[t.states()[st].name + "." + cohsim::name(e)] > 0) ++c.hit;
      else c.never_hit.push_back(name);
    }
  return c;
}

void add_home(TableCoverage& c, const TableCoverage& home) {
  c.reachable += home.reachable;
  c.hit += home.hit;
  for (auto& n : home.never_hit) c.never_hit.push_back("directory: " + n);
  for (auto& [n, why] : home.unreachable) c.unreachable.emplace_back("directory: " + n, why);
}

}  // namespace cohsim
