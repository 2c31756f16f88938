// An independent checker of DRAM command timing, for the tests: it replays the
// command log a controller issued and checks every command against every earlier one
// with the datasheet's rules, written out pairwise (no shared code with the
// controller, which keeps "earliest next cycle" registers instead). It also tracks
// each bank's state (a RD or WR needs its row open, an ACT a closed bank, a REF every
// bank of the rank closed) and the data bus (bursts of different ranks tRTRS apart,
// a read-to-write turnaround of two cycles).
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/memory/dram/dram_controller.hpp"

namespace cohsim::test {

class DramTimingChecker {
 public:
  explicit DramTimingChecker(const DramTiming& t) : t_(t) {}

  // Every violation, one per line ("" when the log is legal). `end`: the cycle the run
  // ended, to check that refresh kept up.
  std::string check(std::vector<DramCommandRecord> log, std::uint64_t end, bool refresh) const {
    std::stable_sort(log.begin(), log.end(), [](const auto& a, const auto& b) { return a.cycle < b.cycle; });
    std::ostringstream bad;
    int reported = 0;
    auto fail = [&](const DramCommandRecord& a, const DramCommandRecord& b, const std::string& rule) {
      if (++reported <= 20)
        bad << describe(b) << " after " << describe(a) << ": " << rule << " violated (" << b.cycle - a.cycle
            << " cycles apart)\n";
    };
    const std::uint64_t B = t_.burst_length / 2;
    std::uint64_t window = std::max<std::uint64_t>({t_.tRFC, t_.tFAW, t_.tRC, t_.CWL + B + t_.tWR,
                                                    t_.CL + B + t_.tRTRS + 2, t_.CWL + B + t_.tWTR_L}) +
                           1;
    std::map<unsigned, std::pair<bool, std::uint32_t>> bank_state;  // open?, row
    std::map<unsigned, std::vector<std::uint64_t>> acts_of_rank;
    std::map<unsigned, std::vector<std::uint64_t>> refs_of_rank;
    std::uint64_t last_cmd_bus = ~std::uint64_t(0);
    std::size_t first = 0;
    for (std::size_t i = 0; i < log.size(); ++i) {
      const DramCommandRecord& b = log[i];
      // One command per cycle on the command bus (an auto-precharge is internal).
      if (!b.auto_precharge) {
        if (last_cmd_bus == b.cycle) fail(b, b, "one command per cycle on the command bus");
        last_cmd_bus = b.cycle;
      }
      while (first < i && log[first].cycle + window < b.cycle) ++first;
      for (std::size_t j = first; j < i; ++j) pair(log[j], b, fail);
      // Bank state.
      const unsigned key = bank_key(b);
      auto& st = bank_state[key];
      switch (b.cmd) {
        case DramCmd::ACT:
          if (st.first) fail(b, b, "ACT to an open bank");
          st = {true, b.row};
          acts_of_rank[b.rank].push_back(b.cycle);
          break;
        case DramCmd::PRE:
          if (!st.first) fail(b, b, "PRE to a closed bank");
          st.first = false;
          break;
        case DramCmd::RD:
        case DramCmd::WR:
          if (!st.first || st.second != b.row) fail(b, b, "column access to a row that is not open");
          break;
        case DramCmd::REF:
          for (auto& [k, s] : bank_state)
            if (k / 256 == b.rank && s.first) fail(b, b, "REF while a bank of the rank is open");
          refs_of_rank[b.rank].push_back(b.cycle);
          break;
      }
    }
    // Four-activate window: any five ACTs of a rank span more than tFAW.
    for (auto& [rank, acts] : acts_of_rank)
      for (std::size_t k = 4; k < acts.size(); ++k)
        if (acts[k] - acts[k - 4] < t_.tFAW && ++reported <= 20)
          bad << "ACT at " << acts[k] << " is the fifth in a window of " << acts[k] - acts[k - 4] << " cycles on rank "
              << rank << ": tFAW (" << t_.tFAW << ") violated\n";
    // Refresh: one REF per tREFI on average, none overdue by a whole interval.
    if (refresh)
      for (unsigned r = 0; r < t_.ranks; ++r) {
        const auto& refs = refs_of_rank[r];
        const std::uint64_t due = end / t_.tREFI;
        if (refs.size() + 1 < due && ++reported <= 20)
          bad << "rank " << r << ": " << refs.size() << " REFs by cycle " << end << ", " << due << " were due\n";
        for (std::size_t k = 1; k < refs.size(); ++k)
          if (refs[k] - refs[k - 1] > 2 * t_.tREFI && ++reported <= 20)
            bad << "rank " << r << ": REFs at " << refs[k - 1] << " and " << refs[k] << " more than 2 tREFI apart\n";
      }
    if (reported > 20) bad << "... " << reported - 20 << " more\n";
    return bad.str();
  }

 private:
  static unsigned bank_key(const DramCommandRecord& c) { return c.rank * 256u + c.bank_group * 16u + c.bank; }

  std::string describe(const DramCommandRecord& c) const {
    std::ostringstream o;
    o << dram_cmd_name(c.cmd) << (c.auto_precharge ? "(auto)" : "") << "@" << c.cycle << " r" << int(c.rank) << " bg"
      << int(c.bank_group) << " b" << int(c.bank);
    return o.str();
  }

  // Checks command b against the earlier command a.
  template <class Fail>
  void pair(const DramCommandRecord& a, const DramCommandRecord& b, Fail& fail) const {
    const std::uint64_t d = b.cycle - a.cycle;
    const std::uint64_t B = t_.burst_length / 2;
    const bool same_rank = a.rank == b.rank;
    const bool same_bg = same_rank && a.bank_group == b.bank_group;
    const bool same_bank = same_bg && a.bank == b.bank;
    auto need = [&](std::uint64_t min, const char* rule) {
      if (d < min) fail(a, b, std::string(rule) + " (" + std::to_string(min) + ")");
    };
    using C = DramCmd;
    const C x = a.cmd, y = b.cmd;
    const bool a_col = x == C::RD || x == C::WR, b_col = y == C::RD || y == C::WR;
    if (same_bank) {
      if (x == C::ACT && y == C::ACT) need(t_.tRC, "tRC");
      if (x == C::ACT && b_col) need(t_.tRCD, "tRCD");
      if (x == C::ACT && y == C::PRE) need(t_.tRAS, "tRAS");
      if (x == C::PRE && y == C::ACT) need(t_.tRP, "tRP");
      if (x == C::RD && y == C::PRE) need(t_.tRTP, "tRTP");
      if (x == C::WR && y == C::PRE) need(t_.CWL + B + t_.tWR, "CWL + BL/2 + tWR");
    }
    if (same_rank) {
      if (x == C::ACT && y == C::ACT && !same_bank)
        need(same_bg ? t_.tRRD_L : t_.tRRD_S, same_bg ? "tRRD_L" : "tRRD_S");
      if (x == C::RD && y == C::RD) need(same_bg ? t_.tCCD_L : t_.tCCD_S, same_bg ? "tCCD_L" : "tCCD_S");
      if (x == C::WR && y == C::WR) need(same_bg ? t_.tCCD_L_WR : t_.tCCD_S, same_bg ? "tCCD_L_WR" : "tCCD_S");
      if (x == C::WR && y == C::RD)
        need(t_.CWL + B + (same_bg ? t_.tWTR_L : t_.tWTR_S), same_bg ? "CWL + BL/2 + tWTR_L" : "CWL + BL/2 + tWTR_S");
      if (x == C::REF && (y == C::ACT || y == C::REF)) need(t_.tRFC, "tRFC");
      if (x == C::PRE && y == C::REF) need(t_.tRP, "PRE to REF: tRP");
      if (x == C::ACT && y == C::REF) need(t_.tRC, "ACT to REF: tRC");
    }
    if (a_col && b_col) {
      // The data bus: bursts do not overlap; a rank switch leaves tRTRS idle cycles and
      // a read followed by a write two (turnaround).
      const std::uint64_t a_start = a.cycle + (x == C::RD ? t_.CL : t_.CWL);
      const std::uint64_t b_start = b.cycle + (y == C::RD ? t_.CL : t_.CWL);
      std::uint64_t gap = 0;
      if (!same_rank) gap = t_.tRTRS;
      if (x == C::RD && y == C::WR) gap = std::max<std::uint64_t>(gap, 2);
      if (b_start < a_start + B + gap && b_start + B + gap > a_start)
        fail(a, b, "data bus: bursts overlap or too close (gap " + std::to_string(gap) + ")");
    }
  }

  DramTiming t_;
};

}  // namespace cohsim::test
