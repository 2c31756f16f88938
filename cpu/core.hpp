// A core: runs one thread of the trace, lowered to its ISA's instructions, one
// instruction issued per cycle in program order. Loads go to a load queue and
// start their cache access at once (so misses overlap), but bind their values in
// program order (x86 TSO's load->load order): a load reads its value when it is
// the oldest unbound load and its line is readable in the L1. Stores retire into the store buffer, which drains
// to the L1 in order, one store per cycle, and forwards to younger loads of the
// same bytes. Locked instructions and mfence wait for the store buffer to drain and
// older loads to bind. `compute N` keeps the core busy N cycles.
//
// The core is event-driven: it works in the cycles in which it has work and sleeps
// otherwise. While no other component has anything scheduled before its next
// cycle, it runs that cycle at once instead of returning to the kernel (what it
// does then touches only its own private state, so the result is the same).
#pragma once
#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "coherence/l1_port.hpp"
#include "cpu/access_observer.hpp"
#include "cpu/lowering.hpp"
#include "cpu/memory_model.hpp"
#include "sim/config/config.hpp"
#include "cpu/ring.hpp"
#include "cpu/trace/trace.hpp"
#include "sim/base/event_log.hpp"
#include "sim/base/fast_div.hpp"
#include "sim/base/random.hpp"
#include "sim/base/stats.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

class Mmu;

// Who hears about the measured window's bounds (the System): a core's thread reaching
// a `roi begin` / `roi end` marker, and its retired operations reaching the warm-up's
// count. `t` is the core's cycle (its clock edge), when the reset takes effect.
class StatsWindowListener {
 public:
  virtual void on_marker(int core, MarkerKind m, Tick t) = 0;
  virtual void on_warmup_done(int core, Tick t) = 0;

 protected:
  ~StatsWindowListener() = default;
};

// Defaults: the declared ones (sim/config/params.cpp).
struct CoreParams {
  Tick period = declared::period("core.frequency");  // core clock
  unsigned store_buffer = declared::count("core.store_buffer");  // 0: no store buffer (in-order memory)
  unsigned load_queue = declared::count("core.load_queue");
  unsigned ports = declared::count("l1d.ports");  // L1 accesses per cycle
  Tick start = 0;      // when the core starts its thread (a random offset, for litmus runs)
  // Timing variation (litmus runs; 0 = off): each load may not start its cache access
  // (nor bind) until 0..load_jitter cycles after it issues, each store may not start
  // draining until 0..drain_jitter cycles after it enters the store buffer, drawn
  // uniformly per access from `jitter_rng` (the stream "core.access_jitter", one per
  // core). Only when an access may first try changes: the ordering rules still decide
  // which may bind or drain, so nothing the ISA forbids can appear.
  unsigned load_jitter = 0;
  unsigned drain_jitter = 0;
  std::uint64_t jitter_rng = 0;  // the stream's starting state
};

class Core : public sc_core::sc_module, public CacheListener {
 public:
  Core(sc_core::sc_module_name name, int id, const CoreParams& p, std::unique_ptr<ThreadStream> stream,
       const Lowering& isa, L1Port* cache, unsigned num_regs);

  void line_ready(Tick t, LineAddr line) override;
  void line_lost(LineAddr line) override {
    if (line == reservation_) reservation_ = kNoReservation;
    if (line == hold_line_) hold_until_ = 0;  // nothing left to hold: released at the next cycle
  }
  bool done() const { return done_; }
  // Busy without retiring: computing, or waiting for the OS to handle a page fault.
  bool computing(Tick t) const;
  Tick finish_tick() const { return finish_; }
  // Retired operations in the measured window (since the last reset_stats()).
  std::uint64_t ops() const { return ops_; }
  // Retired operations since the start, warm-up included.
  std::uint64_t total_ops() const { return warm_ops_ + ops_; }
  // Retired operations that are progress: all but those of a loop that writes no
  // memory (a spin loop), whose iterations the watchdog does not count.
  std::uint64_t progress() const { return warm_ops_ + ops_ - spin_ops_; }
  // Warm-up and region of interest: markers and the warm-up's end go to `l`; `warmup`
  // retired operations (0: none) end this core's warm-up.
  void set_stats_window(StatsWindowListener* l, std::uint64_t warmup) {
    window_ = l;
    warmup_at_ = warmup ? warmup : ~0ull;
  }
  // Zeroes every statistic (the retired operations move to total_ops()); a stall under
  // way counts from `t`. The queues, registers and the thread's position stay.
  // A load counts in `loads` when the L1D counts it (its first cache access), so that
  // over a window the two agree: the loads issued before the reset that have not yet
  // reached the cache count in the window.
  void reset_stats(Tick t);
  // The window's end (`roi end`, before the statistics freeze): loads issued that have
  // not yet reached the cache count after it, as they do at the L1D.
  void close_window();
  const std::vector<std::uint64_t>& registers() const { return regs_; }
  void register_stats(Stats& s) const;
  std::string dump() const;
  // "thread T spins at trace line L, waiting for [ADDR] == V (last value read: W)" when
  // the thread is in a `wait` or a loop that writes no memory; empty otherwise.
  std::string spin_report() const;
  // Cores never run ahead of this tick (the end of the current sc_start slice).
  static void set_run_limit(Tick t) { run_limit = t; }
  void set_observer(AccessObserver* o) { observer_ = o; }
  // The event log: loads binding, stores entering and leaving the store buffer,
  // read-modify-writes, barriers; at the end, the registers (named as the trace names them).
  void set_log(EventLog* log);
  int log_agent() const { return log_agent_; }  // -1 when the log is off
  void log_final(Tick t, const std::vector<std::string>& reg_names) const;
  // With virtual memory: each memory operation's address is translated before its
  // first instruction issues (the operation waits for a TLB miss's walk).
  // (Speculation stays off with an MMU: a speculative access could fault.)
  void set_mmu(Mmu* m) {
    mmu_ = m;
    if (m) speculates_ = false;
  }
  // Runs one core cycle at tick t outside the SystemC kernel: a unit test drives a
  // core against a mock L1 port this way (tests/unit/core_port_test.cpp). Returns the
  // next tick with work, or ~0.
  Tick step(Tick t);

 private:
  static constexpr Tick kNever = ~Tick(0);
  struct LoadEntry {
    std::uint64_t seq;  // program order among loads and stores
    Addr addr;
    Tick issued;
    Tick done_at;            // once bound: when the data reaches the register
    std::uint64_t wait_gen;  // waiting for a line_ready() after this generation
    std::int16_t reg;
    std::uint8_t size;
    std::uint32_t line;  // trace line
    Ordering order;
    bool accessed;  // the first cache access was made (hit/miss counted)
    bool bound;     // the value was read
    bool waiting;
    bool acquire;              // ldar / .aq: later accesses wait for it; it waits for older releases
    std::uint8_t wait_bucket;  // what it waits for (see wait_for)
    std::uint8_t cls;          // its class for the ordering rules (OrderTable::cls)
    Addr pc;                   // the trace op's PC (0: unknown), told to the cache with each access
    Tick not_before;           // no cache access before this tick (CoreParams::load_jitter; 0: none)
  };
  struct StoreEntry {
    std::uint64_t seq;
    Addr addr;
    std::uint64_t value;
    std::uint64_t wait_gen;
    std::uint8_t size;
    std::uint32_t line;
    Ordering order;
    bool accessed;
    bool waiting;
    bool release;  // stlr / .rl: waits for every older access
    std::uint8_t wait_bucket;
    std::uint8_t cls;  // its class for the ordering rules (OrderTable::cls)
    Addr pc;           // the trace op's PC (0: unknown)
    Tick not_before;   // no drain attempt before this tick (CoreParams::drain_jitter; 0: none)
  };

  void tick();
  void run_cycles();
  inline Tick cycle(Tick t);  // runs one core cycle; returns the next tick with work, or kNever (core.cpp)
  bool perform_loads(Tick t, Tick& next);
  void start_youngest_load(Tick t, Tick& next);
  bool drain_store(Tick t, Tick& next);
  // In-order stores whose oldest is waiting for its line (the common case) have
  // nothing to do in this cycle: drain_store() would return at once.
  bool drain_idle(Tick t) const {
    return fifo_stores_ && (sb_.empty() || (sb_.at(0).not_before <= t && still_waiting(sb_.at(0))));
  }
  bool issue(Tick t, Tick& next);
  bool translate_op(Tick t, Tick& next);
  bool fetch_inst();
  bool resolve_operands(Tick t, Tick& next);
  void write_reg(std::int16_t r, std::uint64_t v, Tick ready) {
    regs_[std::size_t(r)] = v;
    if (prog_) reg_pending_[std::size_t(r)] = 0, reg_ready_[std::size_t(r)] = ready;
  }
  void count_op() {
    ++ops_;
    if (op_.flags & kOpInSpinLoop) ++spin_ops_;
    if (warm_ops_ + ops_ == warmup_at_) {  // once: counted from the start, whatever reset came before
      warmup_at_ = ~0ull;
      window_->on_warmup_done(id_, cycle_tick_);
    }
  }
  bool issue_program_inst(Tick t, const Inst& in, Tick& next);
  void retire_inst();
  bool do_rmw(Tick t, Tick& next);
  bool atomic_access(Tick t, bool write, Tick& next, Access& a);
  void perform_rmw(Tick t, Tick ready);
  void bind_load(Tick t, LoadEntry& e, Tick ready);
  void complete_waiting(Tick t, LineAddr line);
  // Which loads may bind and which stores may drain now: no older access still in a
  // queue is ordered before them (the ISA's ordering rules, ord_).
  bool load_may_bind(std::size_t i) const;
  bool store_may_drain(std::size_t i) const;
  bool forward_must_wait(std::uint8_t cls) const;
  // An older access in the queues is ordered before the current atomic instruction
  // `in` (an RMW or a load/store-exclusive) and is not done yet. by_location: the
  // same-location rules apply (a store-exclusive's per-location order is its
  // reservation's, simplified: false).
  bool atomic_waits(const Inst& in, bool stores, bool loads, bool by_location) const;
  bool same_line(Addr a, Addr b) const { return a >> line_shift_ == b >> line_shift_; }
  std::uint8_t cls(const Inst& in) const { return OrderTable::cls(ord_.model().classify(in)); }
  bool drain_weak(Tick t, Tick& next);
  bool issue_exclusive_load(Tick t, Tick& next);
  bool issue_exclusive_store(Tick t, Tick& next);
  bool older_loads_bound() const;
  void jump_fail_path();
  void performed_store(Tick t, const StoreEntry& s);
  void observe(AccessEvent::Kind k, Tick t, std::uint32_t line, Ordering o, Addr a, std::uint8_t size,
               std::uint64_t value, std::uint64_t written = 0, bool wrote = false, bool forwarded = false) {
    if (observer_) observer_->on_access({k, id_, line, o, a, size, value, written, wrote, forwarded, t});
    if (log_) log_access({k, id_, line, o, a, size, value, written, wrote, forwarded, t});
  }
  // The current atomic performs: it read `old` (from the stores rmw_rf_ names) and
  // wrote `neu` unless !wrote.
  void observe_rmw(Tick t, Ordering o, std::uint64_t old, std::uint64_t neu, bool wrote) {
    if (!observer_ && !log_) return;
    AccessEvent ev{AccessEvent::Rmw, id_, op_.line, o, op_.addr, op_.size, old, neu, wrote, false, t};
    if (log_) std::copy(rmw_rf_, rmw_rf_ + op_.size, ev.rf);
    report(ev);
  }
  void stall_begin(Tick t) {
    if (stall_since_ == kNever) stall_since_ = t;
  }
  void stall_end(Tick t, std::uint64_t& counter) {
    if (stall_since_ != kNever) counter += (t - stall_since_) / p_.period, stall_since_ = kNever;
  }
  // An access that did not complete is not retried until something can have changed:
  // a Pending one (its line is on its way or in a transient state) until line_ready()
  // for its line (hashed), a Blocked one (no MSHR, no free way) until any line_ready().
  template <class E>
  void wait_for(E& e, const Access& a) {
    e.waiting = true;
    e.wait_bucket = a.kind == Access::Blocked ? kAnyLine : std::uint8_t((e.addr >> line_shift_) & (kWakeBuckets - 1));
    e.wait_gen = wake_gen_[e.wait_bucket];
  }
  template <class E>
  bool still_waiting(const E& e) const {
    return e.waiting && e.wait_gen == wake_gen_[e.wait_bucket];
  }
  bool still_waiting(bool waiting, std::uint64_t gen) const { return waiting && gen == wake_gen_[kAnyLine]; }
  std::uint64_t rmw_result(std::uint64_t old) const;
  Tick edge(Tick t) const { return per_cycle_(t + p_.period - 1) * p_.period; }
  // A write-through L1D's write buffer (L1Port::store_room) has room now for a store
  // to `a`; if not, `next` gets the cycle it will.
  bool store_room(Tick t, Addr a, Tick& next) {
    if (!cache_->holds_back_stores()) return true;
    const Tick at = cache_->store_room(t, a);
    if (at <= t) return true;
    next = std::min(next, edge(at));
    return false;
  }
  bool room_now(Tick t, Addr a) { return !cache_->holds_back_stores() || cache_->store_room(t, a) <= t; }

  static constexpr LineAddr kNoReservation = ~LineAddr(0);
  int id_;
  CoreParams p_;
  Random jitter_rng_;  // CoreParams::load_jitter / drain_jitter draws
  // The tick before which a new access may not start: t + 0..max cycles (t when max is 0).
  Tick jittered(Tick t, unsigned max) { return max ? t + jitter_rng_.below(std::uint64_t(max) + 1) * p_.period : t; }
  FastDiv per_cycle_;  // ticks -> cycles
  // The ISA's ordering rules (cpu/memory_model.hpp), looked up by every path, and the
  // pipeline shapes they imply: loads bind in program order when R->R is kept (x86:
  // the oldest unbound load binds), stores drain in order when W->W is kept.
  OrderTable ord_;
  bool in_order_loads_;
  // core.store_buffer: 0. A one-entry buffer holds the store while it performs, and
  // no memory operation issues until it has: no load or store passes a store.
  bool no_store_buffer_;
  bool fifo_stores_;
  // Per load class: whether some store can be ordered before it (else the load's bind
  // check skips the store buffer).
  bool after_stores_[12]{};
  std::unique_ptr<ThreadStream> stream_;
  const Lowering& isa_;
  L1Port* cache_;
  unsigned line_shift_;  // log2 of the line size
  // Store-buffer entries per 8-byte word they write (hashed): a load none of whose
  // words has one overlaps no store in the buffer and skips the forwarding search.
  static constexpr unsigned kSbFilter = 1024;
  std::array<std::uint16_t, kSbFilter> sb_words_{};
  void count_sb_words(Addr a, unsigned size, int d) {
    for (Addr w = a >> 3; w <= (a + size - 1) >> 3; ++w) sb_words_[w & (kSbFilter - 1)] += std::uint16_t(d);
  }
  bool sb_may_overlap(Addr a, unsigned size) const {
    for (Addr w = a >> 3; w <= (a + size - 1) >> 3; ++w)
      if (sb_words_[w & (kSbFilter - 1)]) return true;
    return false;
  }
  Wake wake_;
  Ring<LoadEntry> lq_;
  std::uint64_t loads_not_at_cache() const;  // loads in lq_ whose cache access has not started
  std::size_t lq_unaccessed_ = 0;            // the same count, kept as entries come, start and go
  // Bound loads in lq_. Where loads bind in order (in_order_loads_) they are the oldest:
  // lq_.at(lq_bound_) is the oldest unbound load, and the walks start there.
  std::size_t lq_bound_ = 0;
  void mark_accessed(LoadEntry& e) {
    lq_unaccessed_ -= !e.accessed;
    e.accessed = true;
  }
  Ring<StoreEntry> sb_;
  std::vector<std::uint64_t> regs_;

  // A program thread (branches, registers read): its ops, and the next one's index.
  const std::vector<Op>* prog_ = nullptr;
  std::size_t pc_ = 0;
  bool unresolved_ = false;  // op_ reads registers whose values are not yet in it
  // Per register of a program: 1 + the sequence number of the unbound load that will
  // write it (0: none), and when its value is there.
  std::vector<std::uint64_t> reg_pending_;
  std::vector<Tick> reg_ready_;
  // Speculation past a branch on a loaded value (docs/architecture.md, "Speculation"):
  // where the ISA's control dependencies do not order later loads (AArch64, RISC-V), a
  // branch whose operands wait for a load is predicted not taken (it falls through) and
  // the core goes on issuing: later loads bind, later stores wait in the store buffer
  // (store_may_drain), RMWs, exclusives, waits, computes, hints and a second unresolved
  // branch wait for the resolution. The registers at the branch are kept in ck_*
  // (older loads that bind meanwhile write there too); a misprediction squashes the
  // younger loads and stores, restores the registers and refetches at the target.
  bool speculates_ = false;    // the ISA lets loads pass an unresolved branch (and no MMU)
  bool spec_active_ = false;   // a predicted branch is unresolved
  std::uint64_t spec_seq_ = 0; // loads and stores from this sequence number on are speculative
  Op spec_branch_{};           // the predicted branch, operands unresolved
  std::uint64_t spec_ops_ = 0, spec_spin_ops_ = 0;  // retired-op counts at the branch
  std::vector<std::uint64_t> ck_regs_, ck_pending_;
  std::vector<Tick> ck_ready_;
  std::vector<AccessEvent> spec_events_;  // speculative loads' events, reported at commit
  std::uint64_t predicted_ = 0, mispredicted_ = 0, squashed_loads_ = 0, squashed_stores_ = 0;
  bool may_issue_speculatively(const Inst& in) const;
  void predict(Tick t);
  bool resolve_branch(Tick t, Tick& next);
  void observe_load(std::uint64_t seq, const AccessEvent& e) {
    if (spec_active_ && seq >= spec_seq_) spec_events_.push_back(e);
    else report(e);
  }
  void report(const AccessEvent& e) {  // (as observe(), keeping the event's load-queue seq for the log)
    if (observer_) observer_->on_access(e);
    if (log_) log_access(e);
  }

  // The load of the current `wait` iteration: its sequence number and value.
  std::uint64_t wait_seq_ = ~0ull, wait_val_ = 0;
  bool wait_bound_ = false;
  Tick wait_ready_ = 0;
  std::uint64_t spin_ops_ = 0, wait_reads_ = 0;

  Op op_{};  // the trace op being executed
  const Sequence* seq_ = nullptr;
  unsigned seq_pos_ = 0;    // next instruction of seq_
  bool have_inst_ = false;  // op_/seq_[seq_pos_] is waiting to issue
  bool lq_wait_ = false;    // it is a load that found the load queue full (see cycle())
  bool stream_done_ = false;
  bool done_ = false;
  bool rmw_accessed_ = false, rmw_waiting_ = false;
  std::uint64_t rmw_gen_ = 0;
  // line_ready() calls: per line (hashed), and all of them in the last slot.
  static constexpr unsigned kWakeBuckets = 64;
  static constexpr std::uint8_t kAnyLine = kWakeBuckets;
  std::array<std::uint64_t, kWakeBuckets + 1> wake_gen_{};
  std::uint64_t next_seq_ = 0;             // program-order numbers of loads and stores
  bool acquire_pending_ = false;           // an issued acquire load is not yet bound: later accesses wait
  LineAddr reservation_ = kNoReservation;  // the exclusive monitor (ldxr / lr)
  // The line held for an LL/SC loop (see hold_line()); released in cycle(), never
  // inside a cache callback.
  static constexpr unsigned kHoldCycles = 32;
  void hold_line(Tick t, LineAddr line);
  LineAddr hold_line_ = kNoReservation;
  Tick hold_until_ = 0;
  void end_hold(Tick t) {  // released at the next cycle
    if (hold_line_ != kNoReservation) hold_until_ = std::min(hold_until_, t);
  }
  std::uint64_t excl_old_ = 0;             // the value the load-exclusive read
  // With the event log on: the store each byte of the current atomic read came from
  // (LastWriters::Writer): its load-exclusive's (an LL/SC loop) or its own read.
  std::uint64_t rmw_rf_[8] = {};
  bool excl_failed_ = false;               // the last store-exclusive failed
  Tick stall_since_ = kNever;
  Tick busy_until_ = 0;
  Tick finish_ = 0;
  Tick cycle_tick_ = kNever;  // the cycle in which `ports_used_` counts
  unsigned ports_used_ = 0;
  AccessObserver* observer_ = nullptr;
  EventLog* log_ = nullptr;  // null when the event log is off
  bool tell_line_ = false;   // the cache hears each access's trace line (the log, or a PC-indexed prefetcher)
  int log_agent_ = -1;
  void log_access(const AccessEvent& e);
  Mmu* mmu_ = nullptr;
  bool translated_ = false;  // op_.addr is already physical
  // The L1I (L1Port::has_l1i): the ifetch in op_ has started its access (a retry is not
  // counted again), and waits for a line_ready() (any line: fetch_line()).
  bool l1i_ = false, if_accessed_ = false, if_waiting_ = false;
  std::uint64_t if_gen_ = 0;
  bool fetch_line(Tick t, Tick& next);

  StatsWindowListener* window_ = nullptr;
  std::uint64_t warmup_at_ = ~0ull;  // total_ops() at which the warm-up ends (~0: none, or done)
  std::uint64_t warm_ops_ = 0;       // operations retired before the last reset_stats()

  // statistics
  std::uint64_t ops_ = 0, instructions_ = 0, loads_ = 0, stores_ = 0, rmws_ = 0, fences_ = 0, computes_ = 0,
                ifetches_ = 0, forwarded_ = 0, sb_full_ = 0, lq_full_ = 0, fence_stall_ = 0, rmw_stall_ = 0,
                forward_stall_ = 0, busy_cycles_ = 0, sc_failures_ = 0, barriers_ = 0, acquires_ = 0, releases_ = 0,
                out_of_order_drains_ = 0, ifetch_stall_ = 0;
  Histogram load_latency_;
  // Fences by kind, indexed by the barrier's OrderPair bits (x86's mfence: 0).
  std::array<const char*, 16> fence_names_{};
  std::array<std::uint64_t, 16> fences_by_kind_{}, fence_stall_by_kind_{};
  void count_fence(Tick t, const Inst& in);
};

}  // namespace cohsim
