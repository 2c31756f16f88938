// Coverage of a protocol table: which (state, event) cells a run exercised, from
// the per-cell counters every controller keeps (`*.cells.STATE.EVENT`).
#pragma once
#include <string>
#include <vector>

#include "coherence/protocol.hpp"
#include "sim/base/stats.hpp"

namespace cohsim {

struct TableCoverage {
  std::size_t reachable = 0;  // cells the table defines (actions or stall)
  std::size_t hit = 0;
  std::vector<std::string> never_hit;                            // "STATE, Event"
  std::vector<std::pair<std::string, std::string>> unreachable;  // ("STATE, Event", why) as the table says
};

// `marker`: ".cells." for caches' tables, ".dircells." for a directory's. A
// directory protocol's coverage is both tables: add_home() appends the home's cells,
// named "directory: STATE, Event".
TableCoverage table_coverage(const ProtocolTable& t, const Stats& s, const std::string& marker = ".cells.");
void add_home(TableCoverage& c, const TableCoverage& home);

}  // namespace cohsim
