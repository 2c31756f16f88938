// The private cache hierarchy of one core: an L1D and, optionally, a private L2.
// The level that faces the bus (the L2 if private, else the L1D) runs the coherence
// protocol by executing a ProtocolTable; the generic controller here knows only the
// table's actions, so a new protocol is a new table. When a private L2 exists the
// L1D above it is inclusive in it and holds a subset of its permissions; the L2
// recalls dirty L1 data and invalidates or downgrades L1 copies as the protocol
// requires.
//
// Transient lines live in MSHRs (fetches) and a writeback buffer (evictions); a
// line upgrading from S stays in the array in SM_AD with an MSHR beside it.
//
// The same controller runs on either fabric: on the snooping bus it sees its own
// and other caches' requests in the bus order; on a directory it exchanges messages
// with the line's home over the network (requests, forwards, responses), counts the
// Inv-Acks its GetM awaits in the MSHR, and holds a forwarded request or an
// invalidation that its table stalls until the line leaves the transient state.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "coherence/bus_types.hpp"
#include "coherence/cache_array.hpp"
#include "coherence/checker.hpp"
#include "coherence/home_map.hpp"
#include "coherence/inclusion.hpp"
#include "coherence/l1_port.hpp"
#include "coherence/miss_classifier.hpp"
#include "coherence/sharing_hook.hpp"
#include "coherence/network.hpp"
#include "coherence/prefetcher.hpp"
#include "coherence/protocol.hpp"
#include "coherence/snoop_bus.hpp"
#include "sim/base/event_log.hpp"
#include "sim/base/stats.hpp"

namespace cohsim {

// One private level; the defaults are the declared ones of `level` (sim/config/params.cpp).
struct LevelParams {
  CacheGeometry geometry;
  Tick latency = 0;  // hit latency in ticks
  std::string replacement;
  unsigned mshrs = 0;
  std::string prefetcher = "none";  // the `prefetcher` key: a list of registered names
  unsigned prefetch_degree = 1, prefetch_distance = 1;
  static LevelParams declared(const std::string& level, Tick clock_period);
  static LevelParams declared_l1i(Tick clock_period);  // l1i has no mshrs or prefetcher keys
};

struct PrivateCacheParams {
  std::string name = "core0";                               // statistics prefix
  Tick clock_period = declared::period("core.frequency");  // the core clock (for cycle numbers in the event log)
  LevelParams l1 = LevelParams::declared("l1d", clock_period);
  bool has_l2 = declared::present("l2") && !declared::flag("l2.shared");
  LevelParams l2 = LevelParams::declared("l2", clock_period);
  // The L1 instruction cache (l1i.size; size 0: none, fetches are only counted). Only
  // above a private L2 (config rule `l1i`): its misses are reads of the L2.
  LevelParams l1i = LevelParams::declared_l1i(clock_period);
  // A write-through L1D (l1d.write_back: false; only above a private L2, config rule
  // `l1d.write_back`) and its write-combining buffer's entries (l1d.wc_entries; 0: none).
  bool l1_write_through = !declared::flag("l1d.write_back");
  unsigned wc_entries = declared::count("l1d.wc_entries");
  unsigned wc_drain_cycles = declared::count("l1d.wc_drain_cycles");  // an idle entry drains after (0: never)
  // Its write path to the L2: the FIFO of one-store entries used without a
  // write-combining buffer (l1d.write_buffer), the path's bytes per core cycle
  // (l1d.write_path_width), and no-write-allocate (l1d.write_allocate: false).
  unsigned write_buffer = declared::count("l1d.write_buffer");
  unsigned write_path_width = declared::count("l1d.write_path_width");
  unsigned l2_write_cycles = declared::count("l2.write_cycles");  // the L2's time to accept one message
  bool l1_write_allocate = declared::flag("l1d.write_allocate");
  std::uint64_t seed = 0;  // the run's seed; this cache's random streams are number `index`
  unsigned index = 0;       // the core's number
  // On a directory: where each line's home is, and this cache's node.
  const HomeMap* homes = nullptr;
  unsigned node = 0;
};

// How one counted access fared at one level: a hit; a primary miss (the line was
// absent and this access started its fill); a secondary miss (the line was already
// being fetched or changing state: an MSHR hit, merged with the request under way);
// an upgrade (permission) miss (the line was present without the write permission
// the access needs and this access asked for it).
enum class Outcome : std::uint8_t { Hit, Primary, Secondary, Upgrade };
constexpr int kOutcomes = 4;

class PrivateCache final : public L1Port, public BusClient, public NetEndpoint, public UpperCopies {
 public:
  // Exactly one of `bus` and `net` is given.
  PrivateCache(const PrivateCacheParams& p, const ProtocolTable& table, SnoopBus* bus, Network* net,
               CacheListener* listener, EventLog* log, Checker* checker);

  // L1Port (coherence/l1_port.hpp). Without an L1I, prefetchers or a PC-reading
  // replacement policy an access is the demand path alone (plain_access_): a test
  // and a jump; the rest is in access_full().
  Access access(Tick t, Addr a, bool write, bool count, AccessKind kind) override {
    if (plain_access_) return access_demand(t, a, write, count, kind);
    return access_full(t, a, write, count, kind);
  }
  using L1Port::access;
  bool l1_has(Addr a, bool write) const override { return line_usable((upper_ ? *upper_ : *coh_).line_of(a), write); }
  Tick store_room(Tick t, Addr a) override;
  std::uint64_t read(Tick t, Addr a, unsigned size) override;
  void write(Tick t, Addr a, unsigned size, std::uint64_t v) override;

  // BusClient
  void bus_own(Tick t, BusMsg m, LineAddr line, SnoopReply& r) override;
  void bus_snoop(Tick t, BusMsg m, LineAddr line, SnoopReply& r) override;
  void bus_data(Tick t, LineAddr line, const std::uint8_t* data, bool exclusive) override;
  bool holds_copy(LineAddr line) const override;
  bool keeps_copy(LineAddr line) const override;
  void copy_line(LineAddr line, std::uint8_t* out) const override;
  std::string dump_pending() const override;

  // UpperCopies (coherence/inclusion.hpp): an inclusive level below takes the line
  // back. Only a line in a stable state with no request, forward or monitor on it can
  // be taken; it leaves both private levels (dirty L1D data first joins the L2's).
  bool can_back_invalidate(LineAddr line) const override;
  bool back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies, Tick& ready) override;
  // A level below is inclusive: the back-invalidation count is a statistic.
  void count_back_invalidations() { counts_back_invalidations_ = true; }
  // An exclusive level below these private caches (a shared L2 or the L3) (coherence/inclusion.hpp): the coherent
  // level's clean victims go down to it over the fabric: on the bus as a clean-victim
  // transaction (SnoopBus::clean_victim), on a directory's network with their PutS or
  // PutE, which then carries the line (NetMsg::clean_data).
  void set_clean_victims_down() {
    clean_victims_down_ = true;
    victim_data_.resize(coh_->line_size());
  }

  // NetEndpoint (on a directory)
  void receive(Tick t, const NetMsg& m, const std::uint8_t* data) override;
  void injection_ready(Tick t) override;

  // Exclusive-monitor forward progress (L1Port::hold): on the bus other caches'
  // requests for a held line are not granted; on a directory their forwards park here.
  bool hold(LineAddr line) override;
  void release(Tick t) override;
  LineAddr held() const { return held_; }

  void set_listener(CacheListener* l) { listener_ = l; }
  // The sharing advisor: told of the lines other cores take and of coherence misses.
  void set_sharing_hook(SharingHook* h) { sharing_ = h; }
  // The event log: the trace line of the access the core is making (cells of Load and
  // Store events carry it), and, at the end of a run, every line held and its state.
  void set_trace_line(std::uint32_t l) override { trace_line_ = l; }
  bool wants_trace_line() const override { return pf_on_ || repl_pc_ || instr_; }
  void log_final(Tick t) const;
  Permission permission(LineAddr line) const;  // for the checker
  const std::string& name() const { return p_.name; }
  const std::string& coh_level_name() const { return coh_name_; }
  void register_stats(Stats& s) const;
  // Closes the time-weighted state occupancy at the end of the run (the measured
  // window: from the last reset_stats() to `end`).
  void finish(Tick end);
  // Warm-up / region of interest: zeroes every statistic and restarts the occupancy's
  // integration at `t`; the lines, their states and the MSHRs stay as they are.
  void reset_stats(Tick t);
  // The newest data of a line held here (dirty L1 data first), or false.
  bool peek_line(LineAddr line, std::uint8_t* out) const;
  unsigned line_size() const override { return coh_->line_size(); }
  // The L1I (L1Port::ifetch; docs/architecture.md, "The instruction cache").
  bool has_l1i() const override { return bool(instr_); }
  int bus_client() const { return bus_id_; }  // -1: on a network
  int net_endpoint() const { return net_id_; }  // -1: on a bus
  Access ifetch(Tick t, Addr a, bool count, std::uint32_t trace_line) override;
  // On a directory: local misses, remote misses, and their request-to-data ticks.
  std::array<std::uint64_t, 4> numa_counts() const {
    return {local_misses_, remote_misses_, local_miss_ticks_, remote_miss_ticks_};
  }

 private:
  struct Mshr {
    LineAddr line = 0;
    std::uint8_t state = 0;  // when !in_array
    bool in_array = false;   // the state lives in the array (an upgrade from S)
    bool valid = false;
    // On a directory: Inv-Acks still awaited (negative: acks that came before the
    // data said how many to expect), and whether the count is known yet.
    int acks = 0;
    bool acks_known = false;
    std::vector<std::uint8_t> data;  // a line that arrived before its acks
    Tick issued = 0;                 // when the request left (for the miss latency)
    // On a split bus: the requesters we answer once our data arrives (DeferDataToReq),
    // whether memory waits for our copy too, and whether an update ordered after our
    // GetS left the newer line in `data`.
    std::vector<int> defer_to;
    bool defer_mem = false;
    bool updated = false;
    // A prefetch's request: 0 demand, 1 the L1D's prefetcher, 2 the private L2's; and
    // whether a demand access has since waited on it (a late prefetch).
    std::uint8_t prefetch = 0;
    bool late = false;
    std::uint64_t pc = 0;  // the PC of the access that started it (0: none, or no policy reads it)
    bool instr = false;    // an L1I miss started it: its fill goes to the L1I, not the L1D
    bool no_fill = false;  // a no-write-allocate store miss started it: the L1D is not filled
    Tick coh_since = kNoCoh;  // a coherence miss's access tick, for the sharing advisor (kNoCoh: none)
  };
  static constexpr Tick kNoCoh = ~Tick(0);
  // Per MSHR: its line while it is in use, kNoLine when free (the searches scan this).
  std::vector<LineAddr> mshr_key_;
  void release_mshr(int m) {
    mshr_[std::size_t(m)].valid = false;
    mshr_key_[std::size_t(m)] = kNoLine;
    --outstanding_;
  }
  struct WbEntry {
    LineAddr line;
    std::uint8_t state;
    std::vector<std::uint8_t> data;
    bool valid;
  };
  // Where a line's coherence state lives.
  struct Loc {
    enum Kind : std::uint8_t { None, Array, Mshr, Wb } kind = None;
    int idx = -1;  // way, MSHR index or writeback-buffer index
  };
  Loc locate(LineAddr line) const {
    int m;
    return locate(line, m);
  }
  // The same, and `mshr`: the line's MSHR (find_mshr) when the line is not in the
  // array, else kMshrUnknown (not looked for). A line has at most one MSHR: execute()
  // takes one only for a line that has none.
  Loc locate(LineAddr line, int& mshr) const;
  static constexpr int kMshrUnknown = -2;
  // Whether the core may now read (write) the line at the L1D: held with the
  // permission, or granted while passing through.
  bool line_usable(LineAddr line, bool write) const {
    const CacheArray& arr = upper_ ? *upper_ : *coh_;
    if (write && line == store_grant_) return true;  // the coherent level holds it
    if (!write && line == read_grant_) return true;  // split bus: a line passing through on its way out
    int w = upper_ ? upper_find(line) : arr.find(line);
    if (w < 0) {
      // No-write-allocate: a store may write through when the L2 holds the line writable.
      if (!write || !wna_) return false;
      w = coh_->find(line);
      return w >= 0 && fast_write_[coh_->state(line, unsigned(w))];
    }
    std::uint8_t s = const_cast<CacheArray&>(arr).state(line, unsigned(w));
    return upper_ ? s >= (write ? 2 : 1) : (write ? fast_write_[s] : fast_read_[s]);
  }
  // The L1D's way of `line` (upper_->find): the way last found or filled is tried
  // first, as one access looks its line up several times (the access, the load's read
  // or the store's write, the answer to a miss's wait, its retry).
  int upper_find(LineAddr line) const {
    if (line == upper_hint_line_ && upper_->holds(line, upper_hint_way_)) return int(upper_hint_way_);
    const int w = upper_->find(line);
    if (w >= 0) upper_hint_line_ = line, upper_hint_way_ = unsigned(w);
    return w;
  }
  mutable LineAddr upper_hint_line_ = ~LineAddr(0);
  mutable unsigned upper_hint_way_ = 0;
  // The listener hears that `line` is ready; the demand accesses waiting on it that can
  // now go on are answered first (the levels' AMAT samples). Most calls find no wait
  // on the line (an L1D hit calls it through ready_at()): the scan for the first one
  // is inline, the rest of the work (answer_waits_from) out of line.
  void answer_waits(Tick t, LineAddr line) {
    for (std::size_t i = 0, n = waits_.size(); i < n; ++i)
      if (waits_[i].line == line) {
        answer_waits_from(t, line, i);
        return;
      }
  }
  // The waits from index i on (i: the first on `line`).
  void answer_waits_from(Tick t, LineAddr line, std::size_t i);
  // An access (a retry, or another access to the line) got the line at `when`: the
  // earlier accesses waiting on it that the core can now serve are answered then (a
  // line can become usable without a line_ready(): an E->M store on a retry).
  Access ready_at(Tick when, LineAddr line) {
    answer_waits(when, line);
    return {Access::Ready, when};
  }
  void line_ready(Tick t, LineAddr line) {
    answer_waits(t, line);
    if (listener_) listener_->line_ready(t, line);
  }
  Access access_demand(Tick t, Addr a, bool write, bool count, AccessKind kind);
  // `upper_way`: the L1D's way of the line, which the access cannot use as it is (-1:
  // absent); kUpperUnknown for an ifetch or without a private L2.
  Access access_miss(Tick t, Addr a, bool write, bool count, AccessKind kind, int upper_way);
  Access access_full(Tick t, Addr a, bool write, bool count, AccessKind kind);
  bool plain_access_ = false;  // !instr_ && !pf_on_ && !repl_pc_ (set at the end of the constructor)
  // Prefetching (coherence/prefetcher.hpp). Each level with prefetchers: them, which
  // of its (set, way) hold a prefetched line no demand access has referenced yet, and
  // its counts.
  struct PrefetchLevel {
    std::vector<std::unique_ptr<Prefetcher>> pf;
    std::vector<std::uint8_t> unused;
    PrefetchCandidates cand;
    bool trig = false;  // a demand access at this level awaits training
    LineAddr trig_line = 0;
    PrefetchTrigger trig_kind = PrefetchTrigger::Miss;
    std::uint64_t issued = 0, useful = 0, late = 0, useless = 0, dropped = 0;
  };
  PrefetchLevel pfl1_, pfl2_;  // the L1D's; the private L2's
  bool pf_on_ = false;         // some level has a prefetcher
  // Some level's replacement policy reads the PC of a fill (SHiP); then the PC of the
  // access under way (0 outside access(): fills of prefetches, page walks).
  bool repl_pc_ = false;
  std::uint64_t cur_pc_ = 0;
  LineAddr pending_upper_mark_ = ~LineAddr(0);  // an L1D prefetch's line fill_upper is about to install
  PrefetchLevel& coh_pf() { return upper_ ? pfl2_ : pfl1_; }
  std::uint8_t coh_level() const { return upper_ ? 2 : 1; }
  // A demand access referenced the line at (array, way): a prefetched line's first use.
  bool prefetch_used(PrefetchLevel& L, const CacheArray& arr, LineAddr line, unsigned way);
  void train(PrefetchLevel& L, LineAddr line, PrefetchTrigger k) {
    L.trig = true, L.trig_line = line, L.trig_kind = k;
  }
  void run_prefetchers(Tick t, std::uint8_t level);
  void issue_prefetch(Tick t, std::uint8_t level, LineAddr line);
  bool issue_coh_prefetch(Tick t, LineAddr line, std::uint8_t level);
  // What an event that may bring a line in found: whether an MSHR awaited the line
  // outside the array (a fill, not an upgrade), and whether that was a prefetch.
  // And the PC its fill is for (ReplacementPolicy::fill), when a policy reads it.
  struct FillInfo {
    std::uint8_t prefetch = 0;
    bool late = false;
    bool fill = false;
    std::uint64_t pc = 0;
    bool instr = false;
    bool no_fill = false;
  };
  FillInfo fill_info(LineAddr line) const {
    const int m = pf_on_ || repl_pc_ || instr_ || wna_ ? find_mshr(line) : -1;
    if (m < 0) return {};
    const Mshr& ms = mshr_[std::size_t(m)];
    return {ms.prefetch, ms.late, !ms.in_array, ms.pc, ms.instr, ms.no_fill};
  }
  // After a fill of the coherent level: the prefetchers hear of it, a prefetched line is marked unused.
  void prefetch_filled(LineAddr line, const FillInfo& f);
  // Whether a fill goes on to the L1D above a private L2 (not an L2 prefetch no demand waits for).
  // Nor an L1I miss's: its line goes to the L1I (fill_instr); a data access that waited
  // on it finds the line in the L2 when it tries again.
  // Nor a no-write-allocate store miss's (l1d.write_allocate: false).
  bool fills_upper(const FillInfo& f) const { return !(f.fill && f.prefetch == 2 && !f.late) && !f.instr && !f.no_fill; }
  // The L1I: a line the L2 now holds readable is copied in (an eviction is silent:
  // instruction lines are never dirty); a line leaving the L2 leaves it (drop_coh).
  void fill_instr(LineAddr line);
  void drop_instr(LineAddr line) {
    const int w = instr_->find(line);
    if (w >= 0) instr_->invalidate(line, unsigned(w));
  }
  // An ifetch's line was written by this core and not written back, or a store's line
  // is in this core's L1I: self-modifying code, refused.
  [[noreturn]] void self_modifying(LineAddr line, bool store, std::uint32_t trace_line) const;
  // The write-through L1D (docs/architecture.md, "Write-through L1D"). A store writes
  // the L1D's copy (if it holds one) and goes on to the L2: into the write-combining
  // buffer when the L2 holds the line writable in its array, else straight into the
  // L2's copy. An entry holds the bytes not yet at the L2 (data and a byte mask), so
  // the newest data of a line is the L2's copy overlaid with its entry. An entry
  // exists only while the L2 holds its line writable: recall_upper() and
  // limit_upper(), which every hand-on, downgrade and eviction of the L2 runs, drain
  // it first.
  //
  // Timing (docs/architecture.md, "Write-through L1D"): every write-through message
  // (a store, or a drained entry) goes on the one L1D-to-L2 path, which it holds for
  // max(l2.write_cycles, ceil(bytes / l1d.write_path_width)) core cycles after the
  // messages before it. An entry is busy until its message has reached the L2: a drained
  // write-combining entry (line kNoLine, busy_until), or, without that buffer, one
  // of the l1d.write_buffer FIFO entries (wt_fifo_: each one's arrival tick).
  // store_room() says when a store can have an entry; the core holds it back until then.
  enum WcCause : std::uint8_t { WcFull, WcCoherence, WcEnd, WcIdle, kWcCauses };
  struct WcEntry {
    LineAddr line;
    std::uint64_t order;  // allocation order: the oldest drains first when the buffer is full
    std::vector<std::uint8_t> data, mask;
    Tick busy_until = 0;  // a drained entry's message reaches the L2 then (free after)
    Tick written = 0;     // its last store (l1d.wc_drain_cycles counts from it)
  };
  // l1d.wc_drain_cycles: every entry no store has written for wc_idle_ ticks by t
  // drains, in the order of those deadlines, each timed at its deadline. Run before any
  // use of the buffer (a store's room, a store, a hand-on's drain, the end of the run),
  // so every message reaches the path in time order as if a timer had fired.
  void wc_expire(Tick t) {
    if (wc_idle_ == 0 || wc_used_ == 0) return;
    for (;;) {
      int first = -1;
      for (std::size_t k = 0; k < wc_.size(); ++k)
        if (wc_[k].line != kNoLine && wc_[k].written + wc_idle_ <= t &&
            (first < 0 || wc_[k].written < wc_[std::size_t(first)].written))
          first = int(k);
      if (first < 0) return;
      wc_drain(first, WcIdle, wc_[std::size_t(first)].written + wc_idle_);
    }
  }
  // Whether a store to `line` may go into the write-combining buffer: the L2 holds
  // the line writable in its array.
  bool wc_combinable(LineAddr line, const Loc& l) const {
    return l.kind == Loc::Array && perm_[state_at(line, l)] == Permission::Write;
  }
  // A free write-combining entry at t (-1: none).
  int wc_idle(Tick t) const {
    for (std::size_t k = 0; k < wc_.size(); ++k)
      if (wc_[k].line == kNoLine && wc_[k].busy_until <= t) return int(k);
    return -1;
  }
  int wc_oldest() const {
    int oldest = -1;
    for (std::size_t k = 0; k < wc_.size(); ++k)
      if (wc_[k].line != kNoLine && (oldest < 0 || wc_[k].order < wc_[std::size_t(oldest)].order)) oldest = int(k);
    return oldest;
  }
  // Sends `bytes` on the path at t (after the messages before it); returns when it
  // reaches the L2. Counts the message, its bytes and the path's busy cycles.
  Tick wt_send(Tick t, unsigned bytes);
  void write_through(Tick t, LineAddr line, unsigned off, unsigned size, std::uint64_t v);
  int wc_find(LineAddr line) const {
    for (std::size_t i = 0; i < wc_.size(); ++i)
      if (wc_[i].line == line) return int(i);
    return -1;
  }
  void wc_drain(int i, WcCause cause, Tick t);
  void wc_drain_line(LineAddr line, Tick t) {
    if (wc_used_ == 0) return;
    wc_expire(t);
    const int i = wc_find(line);
    if (i >= 0) wc_drain(i, WcCoherence, t);
  }
  void wc_overlay(LineAddr line, std::uint8_t* out) const;  // the entry's bytes over a copy of the L2's line
  bool wt_ = false;
  bool wna_ = false;  // no-write-allocate (l1d.write_allocate: false; write-through only)
  std::vector<WcEntry> wc_;  // l1d.wc_entries entries, allocated once; line kNoLine: free
  unsigned wc_used_ = 0;
  Tick wc_idle_ = 0;  // l1d.wc_drain_cycles in ticks (0: entries never drain for being idle)
  std::uint64_t wc_order_ = 0;
  std::vector<std::uint8_t> wc_scratch_;  // read(): a line overlaid with its entry
  std::uint64_t wt_messages_ = 0, wt_bytes_ = 0, wc_combined_ = 0, wc_drains_[kWcCauses] = {};
  unsigned wt_width_ = 32;         // l1d.write_path_width: bytes per core cycle
  unsigned wt_accept_ = 2;         // l2.write_cycles: the L2 takes a message this often
  Tick path_free_ = 0;             // the path is free from this tick on
  std::vector<Tick> wt_fifo_;      // without a write-combining buffer: the write buffer's entries, a ring
  std::size_t wt_fifo_head_ = 0;   // its oldest entry (the next to be reused)
  Tick held_until_ = 0;            // the latest tick a store was told to wait for (stall accounting)
  std::uint64_t wt_busy_cycles_ = 0, wt_stalls_ = 0, wt_stall_cycles_ = 0;
  // Lines leaving the arrays: a prefetched line never referenced counts as useless.
  void drop_coh(LineAddr line, unsigned way);
  void drop_upper(LineAddr line, unsigned way);
  std::uint8_t state_at(LineAddr line, const Loc& l) const {  // inline: every cell run reads it
    switch (l.kind) {
      case Loc::Array: return coh_->state_at(coh_->set_of(line), unsigned(l.idx));
      case Loc::Mshr: return mshr_[std::size_t(l.idx)].state;
      case Loc::Wb: return wb_[std::size_t(l.idx)].state;
      default: return table_.invalid();
    }
  }
  void set_state(Tick t, LineAddr line, Loc& l, std::uint8_t next, Event cause);
  // Runs the table for (line, event); returns the cell executed. `logged_at`: the time
  // the state changes, when the actions take effect later (a demand access runs its
  // cell at once and sends its request after the lookup): the event log's record.
  // `free_mshr_hint`: the caller found that the line has no MSHR and that this one is
  // free (access_demand(), just before), so a request the cell issues takes it without
  // searching again (-1: not known).
  const Cell& execute(Tick t, LineAddr line, Loc& l, Event e, SnoopReply* r, Tick logged_at = kNoLogTime,
                      int free_mshr_hint = -1);
  static constexpr Tick kNoLogTime = ~Tick(0);
  [[noreturn]] void impossible(LineAddr line, std::uint8_t s, Event e) const;
  int free_mshr() const;
  bool replaceable_state(std::uint8_t s) const;
  bool way_free(LineAddr line) const;  // a way of the line's set is not spoken for
  int find_mshr(LineAddr line) const;
  std::uint8_t* coh_data(LineAddr line, const Loc& l);
  // `pc`: the instruction the fill is for (ReplacementPolicy::fill; 0: none known).
  // Returns the way the line went to.
  unsigned fill_coh(Tick t, LineAddr line, const std::uint8_t* data, std::uint8_t state, std::uint64_t pc);
  void evict_coh(Tick t, LineAddr victim, unsigned way);
  // L1 above a private L2. `coh_way`: the line's way in the coherent level's array
  // (the caller knows it); `upper_way`: its way in the L1D if the caller looked it up
  // since the L1D last changed (-1: absent), else kUpperUnknown.
  static constexpr int kUpperUnknown = -2;
  void fill_upper(Tick t, LineAddr line, bool writable, std::uint64_t pc, unsigned coh_way,
                  int upper_way = kUpperUnknown);
  // (t: when, for a write-combining entry the L2's hand-on drains first.)
  void recall_upper(Tick t, LineAddr line, bool invalidate);  // pull dirty data down; drop/downgrade
  void limit_upper(Tick t, LineAddr line, Permission p);
  // On a directory.
  int home_of(LineAddr line) const { return p_.homes->home(line); }
  // trace_line: NetMsg::trace_line.
  void net_send(Tick t, NetMsgType type, LineAddr line, int dst, const std::uint8_t* data, std::uint32_t trace_line,
                int acks = 0,
                bool to_home = false, bool clean_data = false);
  bool deliver(Tick t, const NetMsg& m, const std::uint8_t* data);  // false: the table stalls it
  void deliver_parked(Tick t, LineAddr line);                        // what waited on the line, oldest first
  // Finite injection queues: whether the cache can send what the cell would (the
  // messages per class it sends); no: refused (Network::room_for), retried on
  // injection_ready(). A stalled cell sends nothing: yes.
  bool room_for_cell(const Cell& c, Tick t = 0);
  bool room_for_forward(const NetMsg& m);
  bool miss_refused_ = false;  // an access was Blocked for want of request-network room
  std::vector<LineAddr> retry_lines_;  // scratch: injection_ready()'s lines
  std::string fabric_dump() const;

  PrivateCacheParams p_;
  const ProtocolTable& table_;
  SnoopBus* bus_;
  Network* net_;
  int bus_id_ = -1, net_id_ = -1;
  const NetMsg* in_msg_ = nullptr;  // the message being handled (on a directory)
  std::vector<NetMsg> parked_;      // forwards and invalidations the table stalls
  // Finite network buffers: whether each parked message keeps its entry in the input
  // buffer (false: the line's MSHR absorbed it, see receive()).
  std::vector<bool> parked_kept_;
  CacheListener* listener_;
  EventLog* log_;  // null when the event log is off
  int log_agent_ = -1;
  std::uint32_t trace_line_ = 0;
  void log_cell(Tick t, LineAddr line, std::uint8_t s, Event e) const;
  Checker* checker_;
  std::unique_ptr<CacheArray> coh_;    // the level that runs the protocol
  std::unique_ptr<CacheArray> upper_;  // the L1D above a private L2, or null
  std::unique_ptr<CacheArray> instr_;  // the L1I beside it (l1i.size > 0), or null
  Tick instr_latency_ = 0;
  std::string coh_name_;               // "core0.l1d" or "core0.l2"
  Tick coh_latency_, upper_latency_;
  std::vector<Mshr> mshr_;
  std::uint64_t mshr_takes_ = 0;  // MSHRs taken so far (a caller sees whether a call took one)
  std::vector<WbEntry> wb_;
  unsigned outstanding_ = 0;                  // valid MSHRs and writeback entries (0: locate() need not look)
  unsigned wb_used_ = 0;                      // the valid writeback entries among them
  std::vector<Permission> perm_;              // by state index
  std::vector<std::uint8_t> fast_read_, fast_write_;  // by state: a plain hit that keeps the state (bytes: read on every access)
  const std::uint8_t* fill_data_ = nullptr;   // the data being delivered during a Data event

  // statistics
  // Per level: every counted access by kind and outcome, the totals beside them, and
  // the requests the level sent to the one below (fills and upgrades; the L1D above
  // a private L2 sends its primary and upgrade misses, the coherent level its GetS,
  // GetM and Upd requests, retries included).
  struct LevelStats {
    std::uint64_t by[kAccessKinds][kOutcomes] = {};
    std::uint64_t kind_misses[kAccessKinds] = {};
    std::uint64_t outcome[kOutcomes] = {};
    std::uint64_t hits = 0, misses = 0, requests_sent = 0, writebacks = 0, evictions = 0;
    // AMAT: demand accesses counted in the window and answered, and their arrival-to-answer time.
    std::uint64_t answered = 0;
    Tick answer_ticks = 0;
    void answer(Tick d) { ++answered, answer_ticks += d; }
    std::uint64_t cause[kMissCauses] = {};  // primary misses by cause (coherence/miss_classifier.hpp)
    void count(AccessKind k, Outcome o) {
      ++by[int(k)][int(o)];
      ++outcome[int(o)];
      if (o == Outcome::Hit) ++hits;
      else ++misses, ++kind_misses[int(k)];
    }
  };
  LevelStats l1s_, l2s_, l1is_;  // the L1D's (or the coherent L1D's), the private L2's, the L1I's
  // A counted demand access that did not hit: when it reached the L1D (upper_at) and
  // the coherent level (coh_at), if each counted it, answered at the first line_ready()
  // after which the core may use the line (line_usable). Slots are reused; the epoch
  // is the statistics window it arrived in (reset_stats), so a window counts only
  // the accesses it counted.
  struct Wait {
    LineAddr line;
    Tick upper_at, coh_at;
    std::uint64_t epoch;
    bool write, upper_on, coh_on;
    bool instr;  // an L1I miss's: answered when the line is in the L1I
  };
  std::vector<Wait> waits_;
  std::uint64_t epoch_ = 0;
  // The primary misses' causes, per level (the L2's only with a private L2).
  std::unique_ptr<MissClassifier> l1c_, l2c_, l1ic_;
  // Returns the primary miss's cause (-1: not a primary miss).
  int record(LevelStats& ls, MissClassifier& mc, AccessKind k, Outcome o, LineAddr line) {
    ls.count(k, o);
    if (o != Outcome::Primary) {
      mc.reference(line);
      return -1;
    }
    const int c = int(mc.classify(line));
    ++ls.cause[c];
    return c;
  }
  SharingHook* sharing_ = nullptr;  // the sharing advisor (null: off)
  MissClassifier& coh_classifier() { return upper_ ? *l2c_ : *l1c_; }
  // On a directory: requests served by a home on this cache's node or another, and
  // the time from request to data for each.
  std::uint64_t local_misses_ = 0, remote_misses_ = 0, local_miss_ticks_ = 0, remote_miss_ticks_ = 0;
  std::uint64_t set_full_ = 0;
  std::uint64_t instr_invalidations_ = 0;  // L1I lines another core's request took
  std::uint64_t back_invalidated_ = 0;  // lines an inclusive level below took back
  bool counts_back_invalidations_ = false;
  bool clean_victims_down_ = false;          // an exclusive L3 below takes the clean victims
  std::vector<std::uint8_t> victim_data_;    // a clean victim's data while it leaves
  std::uint64_t clean_victims_ = 0;          // clean victims sent down to it
  std::uint64_t invalidations_ = 0, mshr_full_ = 0, upgrades_ = 0, silent_upgrades_ = 0, updates_ = 0,
                updates_received_ = 0;
  static constexpr LineAddr kNoLine = ~LineAddr(0);
  LineAddr store_grant_ = kNoLine;    // a StoreHit at a bus event lets this line's waiting store write
  LineAddr read_grant_ = kNoLine;     // split bus: a line whose data passes through (IS_D_I, IM_D_S...)
  bool split_ = false;                // on a split-transaction bus
  std::vector<std::uint8_t> keeps_;         // by state: holds a copy, or will when its awaited data arrives
  // Split bus, by state: the line cannot be a victim now, or will not be once its own
  // request is ordered (S -> SM_AD -> SM_D): it holds its way against a fill.
  std::vector<std::uint8_t> pins_;
  // By state: a line in it holds its way against a fill (way_free(); pins_ on a split
  // bus, else the states a replacement cannot evict), one byte each.
  std::vector<std::uint8_t> holds_way_;
  void bus_data_split(Tick t, LineAddr line, const std::uint8_t* data, bool exclusive);
  LineAddr held_ = kNoLine;           // the line held for a store-exclusive (see hold())
  LineAddr filling_ = kNoLine;        // the line fill_coh is making room for (not back-invalidated)
  bool granted_store_ = false;        // the store granted by our update wrote (see bus_own)
  std::vector<std::uint64_t> cells_;  // state * kNumEvents + event
  // State occupancy: lines in each state now, and lines x ticks accumulated.
  std::vector<std::int64_t> lines_in_;
  std::vector<__int128> line_ticks_;
  std::vector<std::uint8_t> wakes_;  // [from * states + to]: the transition lets a waiting access go on (bytes: read per cell)
  std::vector<Tick> occupancy_since_;
  Tick window_start_ = 0;  // the statistics' start (reset_stats)
  std::vector<double> occupancy_;  // average lines in each state over the run (set by finish)
  // Line-ticks spent in state s, brought up to date when its count changes (inline:
  // every state change runs it twice).
  void account(std::size_t s, Tick t) {
    if (t <= occupancy_since_[s]) return;
    line_ticks_[s] += __int128(lines_in_[s]) * __int128(t - occupancy_since_[s]);
    occupancy_since_[s] = t;
  }
};

}  // namespace cohsim
