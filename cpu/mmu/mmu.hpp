// The memory-management unit of one core: an L1 data TLB, an optional second-level
// TLB, a page-walk cache and a hardware page-table walker.
//
// The core translates each memory operation's virtual address before the access
// goes to the L1D (Core::issue). A dTLB hit costs `dtlb.latency` (0: looked up in
// parallel with the L1's set index, a VIPT L1). A miss looks in the STLB
// (`stlb.latency` more); a miss there starts a walk and the operation waits until it
// completes. The walker's PTE loads go through the core's own L1D, like the
// hardware's (they hit or miss in L1D/L2/L3 and show in their statistics, and use
// an L1D port), and it decodes the values those loads return in the ISA's format.
// An invalid entry is a page fault: after `vm.fault_latency` the OS's handler
// (PageTable) has mapped the page, the core stores the new entries through its L1D,
// and the walk starts again. An access its page's permissions do not allow stops the
// run with a UserError naming the trace file, line and region.
//
// Simplifications (named in the README): one walk at a time per core (the
// operation that missed holds issue); a fault does not flush younger work; PTEs are
// made with Accessed/Dirty set, so walks never write them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "coherence/l1_port.hpp"
#include "cpu/mmu/page_table.hpp"
#include "cpu/mmu/page_walk_cache.hpp"
#include "cpu/mmu/tlb.hpp"
#include "cpu/trace/op.hpp"
#include "sim/base/event_log.hpp"
#include "sim/config/config.hpp"
#include "sim/base/stats.hpp"

namespace cohsim {

// Defaults: the declared ones (sim/config/params.cpp).
struct MmuParams {
  std::string name = "core0";  // statistics prefix
  unsigned core = 0;
  Tick period = declared::period("core.frequency");  // the core clock
  unsigned ports = declared::count("l1d.ports");      // L1D ports, shared with the core's accesses
  unsigned dtlb_entries = declared::count("dtlb.entries"), dtlb_assoc = declared::count("dtlb.assoc");
  Tick dtlb_latency = declared::ticks("dtlb.latency", period);
  bool has_stlb = declared::present("stlb");
  unsigned stlb_entries = declared::count("stlb.entries"), stlb_assoc = declared::count("stlb.assoc");
  Tick stlb_latency = declared::ticks("stlb.latency", period);
  unsigned pwc_entries = declared::count("vm.pwc_entries");
  Tick fault_latency = declared::ticks("vm.fault_latency", period);
  std::string trace_path;  // for the messages of access violations
};

class Mmu {
 public:
  Mmu(const MmuParams& p, PageTable& pt, L1Port& cache);

  // Translates the address of `op` (a memory operation) at tick t. True: `pa` is
  // its physical address and the access may start now. False: a translation is
  // under way; `next` is lowered to the tick to try again (or line_ready() wakes
  // the core). Call again with the same op until it returns true.
  bool translate(Tick t, const Op& op, Addr& pa, Tick& next, unsigned& ports_used) {
    if (state_ == State::Idle && p_.dtlb_latency == 0) {
      if (const TlbEntry* e = dtlb_.lookup(op.addr)) {
        ++dtlb_hits_;
        if (!e->writable && op.kind != OpKind::Load) violation(op, "a read-only page");
        pa = e->frame | (op.addr & ((Addr(1) << e->shift) - 1));
        return true;
      }
    }
    return translate_slow(t, op, pa, next, ports_used);
  }
  // Advances a walk or fault in progress; true when it made progress.
  bool advance(Tick t, Tick& next, unsigned& ports_used) {
    return state_ == State::Idle || state_ == State::Ready ? false : step(t, next, ports_used);
  }
  // The OS is handling a page fault of this core (vm.fault_latency) at tick t.
  bool in_fault_handler(Tick t) const { return state_ == State::Fault && store_idx_ == 0 && t < step_at_; }
  // The L1D has a line the walker may be waiting for.
  void line_ready(Tick t, LineAddr line);

  // The event log (its core's agent): a record per dTLB miss, walk and walk's end.
  void set_log(EventLog* log, int agent) {
    log_ = log && log->enabled() ? log : nullptr;
    log_agent_ = agent;
  }

  void register_stats(Stats& s) const;
  // Warm-up / region of interest: zeroes the statistics (the TLBs, the page-walk cache
  // and a walk under way stay).
  void reset_stats() {
    dtlb_hits_ = dtlb_misses_ = stlb_hits_ = stlb_misses_ = walks_ = pte_loads_ = pte_l1d_hits_ = pte_l1d_misses_ =
        pwc_hits_ = pwc_misses_ = faults_ = spurious_faults_ = pte_stores_ = fault_cycles_ = walk_cycles_ =
            stall_cycles_ = 0;
    walk_latency_ = Histogram{};
  }
  std::string dump() const;

 private:
  enum class State : std::uint8_t { Idle, Ready, Walk, Fault };
  bool translate_slow(Tick t, const Op& op, Addr& pa, Tick& next, unsigned& ports_used);
  bool step(Tick t, Tick& next, unsigned& ports_used);
  void start_walk(Tick at);
  void pte_value(Tick t, std::uint64_t value, Tick ready);  // the current level's entry arrived
  bool store_pte(Tick t);  // performs the current fault store if the L1D holds the line writable
  void finish(Addr frame, unsigned shift, bool writable, Tick at);
  [[noreturn]] void violation(const Op& op, const std::string& what) const;
  Tick edge(Tick t) const { return (t + p_.period - 1) / p_.period * p_.period; }
  Addr pte_addr() const { return table_ + 8 * Addr(fmt_.index(req_.addr, level_)); }

  MmuParams p_;
  PageTable& pt_;
  const PageTableFormat& fmt_;
  L1Port& cache_;
  Tlb dtlb_;
  Tlb stlb_;  // unused without an STLB
  PageWalkCache pwc_;

  State state_ = State::Idle;
  Op req_{};            // the operation being translated
  Tick req_start_ = 0;  // when its translation started
  Addr pa_ = 0;         // State::Ready: the result, usable from ready_at_
  Tick ready_at_ = 0;
  unsigned level_ = 0;  // State::Walk: the level being read, in table_
  Addr table_ = 0;
  Tick step_at_ = 0;  // the next step may happen from this tick
  Tick walk_start_ = 0, fault_start_ = 0;
  bool accessed_ = false;  // the current PTE access was made (counted)
  bool waiting_ = false;   // for line_ready()
  bool blocked_ = false;   // ... of any line (no MSHR was free)
  LineAddr wait_line_ = 0;
  std::vector<PteWrite> stores_;  // State::Fault: the entries the handler wrote
  std::size_t store_idx_ = 0;

  // statistics
  std::uint64_t dtlb_hits_ = 0, dtlb_misses_ = 0, stlb_hits_ = 0, stlb_misses_ = 0, walks_ = 0, pte_loads_ = 0,
                pte_l1d_hits_ = 0, pte_l1d_misses_ = 0, pwc_hits_ = 0, pwc_misses_ = 0, faults_ = 0,
                spurious_faults_ = 0, pte_stores_ = 0, fault_cycles_ = 0, walk_cycles_ = 0, stall_cycles_ = 0;
  Histogram walk_latency_;
  EventLog* log_ = nullptr;  // null when the log is off
  int log_agent_ = -1;
};

}  // namespace cohsim
