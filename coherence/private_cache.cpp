#include "coherence/private_cache.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

#include "sim/base/error.hpp"
#include "sim/base/random.hpp"

namespace cohsim {

namespace {
bool has_action(const Cell& c, Action a) {
  for (int i = 0; i < c.num_actions; ++i)
    if (c.actions[i] == a) return true;
  return false;
}
std::string hex(std::uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}
// By event (read on every cell run): 1 another core's request (a snooped one, or a
// forward or invalidation from the home), 2 also one whose loss of permission counts
// as an invalidation (not a FwdGetS, which leaves a copy).
struct ForeignEvents {
  std::uint8_t of[kNumEvents] = {};
  constexpr ForeignEvents() {
    for (int i = 0; i < kNumEvents; ++i) {
      const Event e = Event(i);
      const bool other = e >= Event::OtherGetS && e <= Event::OtherUpd;  // is_other()
      of[i] = other || e == Event::Inv || e == Event::FwdGetM ? 2 : e == Event::FwdGetS ? 1 : 0;
    }
  }
};
constexpr ForeignEvents kForeign;
}  // namespace

LevelParams LevelParams::declared(const std::string& level, Tick clock_period) {
  LevelParams l;
  l.geometry = {declared::bytes(level + ".size"), declared::count(level + ".assoc"),
                unsigned(declared::bytes(level + ".line_size"))};
  l.latency = declared::ticks(level + ".latency", clock_period);
  l.replacement = declared::choice(level + ".replacement");
  l.mshrs = declared::count(level + ".mshrs");
  l.prefetcher = declared::choice(level + ".prefetcher");
  l.prefetch_degree = declared::count(level + ".prefetch_degree");
  l.prefetch_distance = declared::count(level + ".prefetch_distance");
  return l;
}

LevelParams LevelParams::declared_l1i(Tick clock_period) {
  LevelParams l;
  l.geometry = {declared::bytes("l1i.size"), declared::count("l1i.assoc"), unsigned(declared::bytes("l1d.line_size"))};
  l.latency = declared::ticks("l1i.latency", clock_period);
  l.replacement = declared::choice("l1i.replacement");
  return l;
}

PrivateCache::PrivateCache(const PrivateCacheParams& p, const ProtocolTable& table, SnoopBus* bus, Network* net,
                           CacheListener* listener, EventLog* log, Checker* checker)
    : p_(p), table_(table), bus_(bus), net_(net), listener_(listener), log_(log && log->enabled() ? log : nullptr), checker_(checker) {
  if (!bus_ == !net_) throw std::logic_error("a private cache needs exactly one fabric");
  const LevelParams& coh = p.has_l2 ? p.l2 : p.l1;
  coh_ = std::make_unique<CacheArray>(coh.geometry, coh.replacement,
                                     stream_state(p.seed, p.has_l2 ? "l2.replacement" : "l1d.replacement", p.index));
  coh_latency_ = coh.latency;
  coh_name_ = p.name + (p.has_l2 ? ".l2" : ".l1d");
  if (p.has_l2) {
    upper_ = std::make_unique<CacheArray>(p.l1.geometry, p.l1.replacement, stream_state(p.seed, "l1d.replacement", p.index));
    upper_latency_ = p.l1.latency;
    if (p.l1i.geometry.size) {
      instr_ = std::make_unique<CacheArray>(p.l1i.geometry, p.l1i.replacement,
                                            stream_state(p.seed, "l1i.replacement", p.index));
      instr_latency_ = p.l1i.latency;
    }
  } else if (p.l1i.geometry.size) {
    throw std::logic_error("an L1I needs a private L2 (config rule l1i)");
  }
  if (p.l1_write_through) {
    if (!upper_) throw std::logic_error("a write-through L1D needs a private L2 (config rule l1d.write_back)");
    wt_ = true;
    wna_ = !p.l1_write_allocate;
    holds_back_stores_ = true;
    const std::size_t ls = p.l1.geometry.line_size;
    wc_.assign(p.wc_entries,
               WcEntry{kNoLine, 0, std::vector<std::uint8_t>(ls, 0), std::vector<std::uint8_t>(ls, 0), 0, 0});
    wc_idle_ = Tick(p.wc_drain_cycles) * p.clock_period;
    wc_scratch_.assign(ls, 0);
    if (wc_.empty()) wt_fifo_.assign(std::max(1u, p.write_buffer), Tick(0));
    wt_width_ = std::max(1u, p.write_path_width);
    wt_accept_ = std::max(1u, p.l2_write_cycles);
  } else if (p.wc_entries) {
    throw std::logic_error("a write-combining buffer needs a write-through L1D (config rule l1d.write_back)");
  } else if (!p.l1_write_allocate) {
    throw std::logic_error("no-write-allocate needs a write-through L1D (config rule l1d.write_back)");
  }
  repl_pc_ = coh_->replacement_uses_pc() || (upper_ && upper_->replacement_uses_pc());
  // (Each ever-seen set starts with room for 4x its level's lines and grows beyond.)
  const auto lines = [](const LevelParams& lp) { return std::size_t(lp.geometry.size / lp.geometry.line_size); };
  l1c_ = std::make_unique<MissClassifier>(lines(p.l1), 4 * lines(p.l1));
  if (p.has_l2) l2c_ = std::make_unique<MissClassifier>(lines(p.l2), 4 * lines(p.l2));
  if (instr_) l1ic_ = std::make_unique<MissClassifier>(lines(p.l1i), 4 * lines(p.l1i));
  mshr_.assign(coh.mshrs, Mshr{});
  mshr_key_.assign(coh.mshrs, kNoLine);
  split_ = bus_ && bus_->split();
  if (net_ || split_)
    for (auto& m : mshr_) m.data.assign(coh.geometry.line_size, 0);
  for (auto& m : mshr_) m.defer_to.reserve(16);
  for (auto& s : table_.states()) perm_.push_back(s.permission);
  cells_.assign(std::size_t(table_.num_states()) * kNumEvents, 0);
  lines_in_.assign(table_.num_states(), 0);
  line_ticks_.assign(table_.num_states(), 0);
  occupancy_since_.assign(table_.num_states(), 0);
  occupancy_.assign(table_.num_states(), 0.0);
  // The core may read (write) without running the table in a state whose Load
  // (Store) cell is a plain hit that keeps the state.
  fast_read_.assign(table_.num_states(), false);
  fast_write_.assign(table_.num_states(), false);
  for (int s = 0; s < table_.num_states(); ++s) {
    const Cell& l = table_.cell(std::uint8_t(s), Event::Load);
    const Cell& w = table_.cell(std::uint8_t(s), Event::Store);
    fast_read_[s] = l.kind == CellKind::Do && l.next == s && l.num_actions == 1 && l.actions[0] == Action::LoadHit;
    fast_write_[s] = w.kind == CellKind::Do && w.next == s && w.num_actions == 1 && w.actions[0] == Action::StoreHit;
  }
  // Leaving a transient state tells the core (and the walker) only when what waits on
  // the line may now go on or must hear of it: the new state is stable, lets a stalled
  // load or store through, frees the way for a victim, or changes the permission
  // (execute() adds an applied update: both break an exclusive reservation). From
  // IS_AD to IS_D, say, nothing changes for the core.
  const int n = table_.num_states();
  wakes_.assign(std::size_t(n) * n, false);
  auto stalls = [&](int s, Event e) { return table_.cell(std::uint8_t(s), e).kind == CellKind::Stall; };
  for (int s = 0; s < n; ++s)
    for (int x = 0; x < n; ++x)
      wakes_[std::size_t(s) * n + x] =
          !table_.states()[s].stable &&
          (table_.states()[x].stable || (stalls(s, Event::Load) && !stalls(x, Event::Load)) ||
           (stalls(s, Event::Store) && !stalls(x, Event::Store)) ||
           (!replaceable_state(std::uint8_t(s)) && replaceable_state(std::uint8_t(x))) || perm_[s] != perm_[x]);
  // A state keeps a copy if it may read, or if the data it awaits leads to one that may.
  keeps_.assign(std::size_t(n), false);
  for (int st = 0; st < n; ++st) {
    keeps_[std::size_t(st)] = perm_[std::size_t(st)] != Permission::None;
    for (Event e : {Event::Data, Event::DataExclusive}) {
      const Cell& c = table_.cell(std::uint8_t(st), e);
      if (table_.uses(e) && c.kind == CellKind::Do && perm_[c.next] != Permission::None) keeps_[std::size_t(st)] = true;
    }
  }
  pins_.assign(std::size_t(n), false);
  for (int st = 1; st < n; ++st) {
    pins_[std::size_t(st)] = !replaceable_state(std::uint8_t(st));
    for (Event e : {Event::OwnGetS, Event::OwnGetM, Event::OwnUpd, Event::OwnUpdAlone}) {
      const Cell& c = table_.cell(std::uint8_t(st), e);
      if (table_.uses(e) && c.kind == CellKind::Do && !replaceable_state(c.next)) pins_[std::size_t(st)] = true;
    }
  }
  holds_way_.assign(std::size_t(n), 0);
  for (int st = 0; st < n; ++st)
    holds_way_[std::size_t(st)] = split_ ? pins_[std::size_t(st)] : !replaceable_state(std::uint8_t(st));
  auto prefetchers = [&](PrefetchLevel& L, const LevelParams& lp, const CacheArray& arr, std::uint64_t seed) {
    PrefetcherParams pp;
    pp.line_shift = arr.line_shift();
    pp.degree = lp.prefetch_degree;
    pp.distance = lp.prefetch_distance;
    pp.seed = seed;
    L.pf = make_prefetchers(lp.prefetcher, pp);
    if (L.pf.empty()) return;
    L.unused.assign(std::size_t(arr.sets()) * arr.ways(), 0);
    pf_on_ = true;
  };
  prefetchers(pfl1_, p.l1, upper_ ? *upper_ : *coh_, stream_state(p.seed, "l1d.prefetcher", p.index));
  if (upper_) prefetchers(pfl2_, p.l2, *coh_, stream_state(p.seed, "l2.prefetcher", p.index));
  waits_.reserve(64);
  if (bus_) bus_id_ = bus_->attach(this);
  else net_id_ = net_->attach(this, p_.name);
  if (log_) {
    log_agent_ = log_->add_agent(coh_name_, "cache", "core", p_.clock_period);
    if (bus_) log_->map_bus_client(bus_id_, log_agent_);
    else log_->map_net_endpoint(net_id_, log_agent_);
  }
  if (checker_) checker_->attach(this);
  plain_access_ = !instr_ && !pf_on_ && !repl_pc_;
}

PrivateCache::Loc PrivateCache::locate(LineAddr line, int& mshr) const {
  int w = coh_->find(line);
  if (w >= 0) {
    mshr = kMshrUnknown;
    return {Loc::Array, w};
  }
  mshr = -1;
  if (outstanding_ == 0) return {};  // no MSHR or writeback entry in use
  if (outstanding_ != wb_used_)      // some MSHR in use
    for (std::size_t i = 0; i < mshr_.size(); ++i)
      if (mshr_key_[i] == line) {  // the line's only MSHR
        mshr = int(i);
        if (!mshr_[i].in_array) return {Loc::Mshr, int(i)};
        break;
      }
  if (wb_used_ != 0)
    for (std::size_t i = 0; i < wb_.size(); ++i)
      if (wb_[i].valid && wb_[i].line == line) return {Loc::Wb, int(i)};
  return {};
}

bool PrivateCache::replaceable_state(std::uint8_t s) const {
  return s == table_.invalid() || table_.cell(s, Event::Replacement).kind == CellKind::Do;
}

bool PrivateCache::way_free(LineAddr line) const {
  const unsigned set = coh_->set_of(line), ways = coh_->ways();
  const std::uint8_t* st = coh_->states_of(set);
  unsigned taken = 0;
  for (unsigned w = 0; w < ways; ++w) taken += holds_way_[st[w]];
  // Each fill on its way (an MSHR whose state is not in the array) takes one more; at
  // most outstanding_ of them.
  if (taken + outstanding_ < ways) return true;
  for (std::size_t i = 0; i < mshr_key_.size(); ++i)
    if (mshr_key_[i] != kNoLine && !mshr_[i].in_array && coh_->set_of(mshr_key_[i]) == set) ++taken;
  return taken < ways;
}

int PrivateCache::free_mshr() const {
  for (std::size_t i = 0; i < mshr_.size(); ++i)
    if (mshr_key_[i] == kNoLine) return int(i);
  return -1;
}

int PrivateCache::find_mshr(LineAddr line) const {
  for (std::size_t i = 0; i < mshr_.size(); ++i)
    if (mshr_key_[i] == line) return int(i);
  return -1;
}

Access PrivateCache::access_full(Tick t, Addr a, bool write, bool count, AccessKind kind) {
  if (instr_ && write && instr_->find(coh_->line_of(a)) >= 0) self_modifying(coh_->line_of(a), true, trace_line_);
  if (!pf_on_ && !repl_pc_) return access_demand(t, a, write, count, kind);
  // A replacement policy that reads PCs (SHiP) gets the access's for the fills it
  // starts (kept in the MSHR); a page walk's PTE access is no instruction of the trace.
  if (repl_pc_) cur_pc_ = kind == AccessKind::Walk ? 0 : cohsim::access_pc(L1Port::access_pc(), trace_line_);
  if (!pf_on_) {
    const Access r = access_demand(t, a, write, count, kind);
    cur_pc_ = 0;
    return r;
  }
  // The first demand access to wait on a prefetch under way makes it late, and is
  // what the issuing level's prefetcher learns from as a prefetched hit (above a
  // private L2 the L1D's miss merges with the L2's request without reaching the L2's
  // counts, but the L2 has seen it).
  std::uint8_t late_level = 0;
  if (count) {
    const int m = find_mshr(coh_->line_of(a));
    if (m >= 0 && mshr_[std::size_t(m)].prefetch && !mshr_[std::size_t(m)].late) {
      mshr_[std::size_t(m)].late = true;
      late_level = mshr_[std::size_t(m)].prefetch;
      ++(late_level == 1 ? pfl1_ : pfl2_).late;
    }
  }
  pfl1_.trig = pfl2_.trig = false;
  const Access r = access_demand(t, a, write, count, kind);
  cur_pc_ = 0;  // the prefetches issued next fill with no PC
  if (late_level) train(late_level == 1 ? pfl1_ : pfl2_, coh_->line_of(a), PrefetchTrigger::PrefetchedHit);
  // The walker's PTE accesses train no prefetcher: their "PC" is the access's op.
  if (kind != AccessKind::Walk) {
    if (pfl1_.trig && !pfl1_.pf.empty()) run_prefetchers(t, 1);
    if (pfl2_.trig && !pfl2_.pf.empty()) run_prefetchers(t, 2);
  }
  return r;
}

// An L1D hit above a private L2 (most accesses) is answered here; the rest goes to
// access_miss() with the L1D's way of the line (-1: absent).
Access PrivateCache::access_demand(Tick t, Addr a, bool write, bool count, AccessKind kind) {
  if (!upper_ || kind == AccessKind::IFetch) return access_miss(t, a, write, count, kind, kUpperUnknown);
  const LineAddr line = coh_->line_of(a);
  const int w = upper_find(line);
  if (w < 0 || upper_->state(line, unsigned(w)) < (write ? 2 : 1)) return access_miss(t, a, write, count, kind, w);
  upper_->touch(line, unsigned(w));
  if (count) {
    record(l1s_, *l1c_, kind, Outcome::Hit, line);
    if (pf_on_)
      train(pfl1_, line,
            prefetch_used(pfl1_, *upper_, line, unsigned(w)) ? PrefetchTrigger::PrefetchedHit : PrefetchTrigger::Hit);
    l1s_.answer(upper_latency_);
  }
  return ready_at(t + upper_latency_, line);
}

Access PrivateCache::access_miss(Tick t, Addr a, bool write, bool count, AccessKind kind, int upper_way) {
  const LineAddr line = coh_->line_of(a);
  Tick lookup = t;
  // The L1D above a private L2 counts its own outcome once the access is not
  // Blocked (a Blocked access is asked again, counted then); the L2 counts only the
  // requests the L1D sends down: not a secondary miss, which waits on the request
  // already under way.
  int top_outcome = -1;
  const bool instr = kind == AccessKind::IFetch;  // an L1I miss (ifetch() counted it there)
  // No-write-allocate (l1d.write_allocate: false): a store that misses the L1D leaves it
  // unfilled; its data goes to the L2 (write_through()).
  bool no_fill = false;
  // The line's MSHR (find_mshr), looked for once: nothing below changes the MSHRs
  // before execute().
  int mshr = kMshrUnknown;
  auto mshr_of_line = [&] {
    if (mshr == kMshrUnknown) mshr = find_mshr(line);
    return mshr;
  };
  if (instr) lookup += instr_latency_;
  // Where the line's state is (and its MSHR when not in the array): first, as the
  // L1D miss's outcome below needs the MSHR.
  int located_mshr;
  Loc loc = locate(line, located_mshr);
  if (located_mshr != kMshrUnknown) mshr = located_mshr;
  if (!instr && upper_) {  // the L1D missed: the line is absent (upper_way -1) or not writable there
    const int w = upper_way;
    if (wna_) {
      no_fill = write && w < 0;
      // A load waiting on a no-write-allocate store's miss wants the line in the L1D.
      const int m = write ? -1 : mshr_of_line();
      if (m >= 0) mshr_[std::size_t(m)].no_fill = false;
    }
    if (count) {
      const Outcome o = mshr_of_line() >= 0 ? Outcome::Secondary : w >= 0 ? Outcome::Upgrade : Outcome::Primary;
      top_outcome = int(o);
      if (pf_on_) {
        if (w >= 0) prefetch_used(pfl1_, *upper_, line, unsigned(w));
        train(pfl1_, line, PrefetchTrigger::Miss);
      }
      if (o == Outcome::Secondary) count = false;  // the L2 does not see it
    }
    lookup += upper_latency_;
  }
  auto count_top = [&] {
    if (top_outcome < 0) return;
    record(l1s_, *l1c_, kind, Outcome(top_outcome), line);
    if (Outcome(top_outcome) != Outcome::Secondary) ++l1s_.requests_sent;
  };
  // The AMAT samples of the levels that counted this access: answered now (a hit),
  // or when the line is ready (answer_waits).
  auto answer_now = [&] {
    if (top_outcome >= 0) l1s_.answer(lookup + coh_latency_ - t);
    if (count) (upper_ ? l2s_ : l1s_).answer(coh_latency_);
  };
  auto answer_later = [&] {
    if (top_outcome < 0 && !count) return;
    waits_.push_back(Wait{line, t, lookup, epoch_, write, top_outcome >= 0, count, instr});
  };
  LevelStats& cs = upper_ ? l2s_ : l1s_;
  MissClassifier& cc = coh_classifier();
  std::uint8_t s = state_at(line, loc);
  if (loc.kind == Loc::Array && (write ? fast_write_[s] : fast_read_[s])) {
    coh_->touch(line, unsigned(loc.idx));
    ++cells_[std::size_t(s) * kNumEvents + int(write ? Event::Store : Event::Load)];
    if (log_) log_cell(t, line, s, write ? Event::Store : Event::Load);
    count_top();
    if (count) {
      record(cs, cc, kind, Outcome::Hit, line);
      if (pf_on_)
        train(coh_pf(), line,
              prefetch_used(coh_pf(), *coh_, line, unsigned(loc.idx)) ? PrefetchTrigger::PrefetchedHit
                                                                      : PrefetchTrigger::Hit);
    }
    if (instr) fill_instr(line);
    else if (upper_ && !no_fill) fill_upper(t, line, fast_write_[s], cur_pc_, unsigned(loc.idx), upper_way);
    answer_now();
    return ready_at(lookup + coh_latency_, line);
  }
  const Event e = write ? Event::Store : Event::Load;
  const Cell& c = table_.cell(s, e);
  if (c.kind == CellKind::Impossible) impossible(line, s, e);
  // A present line becomes the most recently used whatever the access does to it: a
  // store that upgrades it (S->M, E->M) or waits for its transaction is a reference
  // to it, as a hit is.
  if (loc.kind == Loc::Array) coh_->touch(line, unsigned(loc.idx));
  if (c.kind == CellKind::Stall) {
    count_top();
    if (count) record(cs, cc, kind, Outcome::Secondary, line);
    if (count && pf_on_) train(coh_pf(), line, PrefetchTrigger::Miss);
    ++cells_[std::size_t(s) * kNumEvents + int(e)];
    if (log_ && count) log_cell(t, line, s, e);
    answer_later();
    return {Access::Pending, 0};
  }
  const bool needs_mshr =
      (has_action(c, Action::IssueGetS) || has_action(c, Action::IssueGetM) || has_action(c, Action::IssueUpd)) &&
      mshr_of_line() < 0;
  const int free_m = needs_mshr ? free_mshr() : -1;
  if (needs_mshr && free_m < 0) {
    ++mshr_full_;
    return {Access::Blocked, 0};
  }
  // Finite injection queues: a request the request network's queue has no room for
  // waits (its MSHR is not taken; the core stalls and retries as on a full MSHR file).
  if (!room_for_cell(c, t)) {
    miss_refused_ = true;
    return {Access::Blocked, 0};
  }
  // A request that will need a way of the set (a fill, or an upgrade whose
  // transient state cannot be evicted) waits while every way is spoken for: by a
  // line in such a transient state or by a fill already on its way. Otherwise the
  // fill could find no victim.
  if (needs_mshr && (loc.kind != Loc::Array || holds_way_[c.next]) &&
      !way_free(line)) {
    ++set_full_;
    return {Access::Blocked, 0};
  }
  const bool hit = has_action(c, Action::LoadHit) || has_action(c, Action::StoreHit);
  count_top();
  int cause = -1;
  if (count) {
    cause = record(cs, cc, kind,
                   hit                      ? Outcome::Hit
                   : !needs_mshr            ? Outcome::Secondary
                   : loc.kind == Loc::Array ? Outcome::Upgrade
                                            : Outcome::Primary,
                   line);
    if (pf_on_) {
      const bool used = loc.kind == Loc::Array && prefetch_used(coh_pf(), *coh_, line, unsigned(loc.idx));
      train(coh_pf(), line,
            !hit ? PrefetchTrigger::Miss : used ? PrefetchTrigger::PrefetchedHit : PrefetchTrigger::Hit);
    }
  }
  execute(lookup + coh_latency_, line, loc, e, nullptr, t, free_m);
  if (instr && needs_mshr) {
    const int m = find_mshr(line);
    if (m >= 0) mshr_[std::size_t(m)].instr = true;
  }
  if (no_fill && needs_mshr) {
    const int m = find_mshr(line);
    if (m >= 0) mshr_[std::size_t(m)].no_fill = true;
  }
  if (sharing_ && cause == int(MissCause::Coherence)) {
    const int m = find_mshr(line);
    if (m >= 0) mshr_[std::size_t(m)].coh_since = t;
  }
  if (!hit) {
    answer_later();
    return {Access::Pending, 0};
  }
  // A hit that changed state (a silent upgrade) or a hit in the writeback buffer.
  if (instr) {
    if (perm_[state_at(line, loc)] != Permission::None && coh_->find(line) >= 0) fill_instr(line);
  } else if (upper_ && loc.kind == Loc::Array && !no_fill) {
    fill_upper(t, line, perm_[state_at(line, loc)] == Permission::Write, cur_pc_, unsigned(loc.idx));
  }
  answer_now();
  return ready_at(lookup + coh_latency_, line);
}

const Cell& PrivateCache::execute(Tick t, LineAddr line, Loc& l, Event e, SnoopReply* r, Tick logged_at,
                                  int free_mshr_hint) {
  const std::uint8_t s = state_at(line, l);
  const Cell& c = table_.cell(s, e);
  if (c.kind == CellKind::Impossible) impossible(line, s, e);
  ++cells_[std::size_t(s) * kNumEvents + int(e)];
  if (log_) log_cell(logged_at == kNoLogTime ? t : logged_at, line, s, e);
  if (c.kind == CellKind::Stall) return c;
  // Another core's request (a snooped one, or a forward or invalidation from the
  // home): a copy it takes away makes the next miss to the line a coherence miss.
  const bool foreign = kForeign.of[int(e)] != 0;
  const bool upper_had = foreign && upper_ && upper_->find(line) >= 0;
  const bool instr_had = foreign && instr_ && instr_->find(line) >= 0;
  bool notify = false, updated = false;
  for (int i = 0; i < c.num_actions; ++i) {
    switch (c.actions[i]) {
      case Action::None: break;
      case Action::IssueGetS:
      case Action::IssueGetM:
      case Action::IssueUpd: {
        if (free_mshr_hint >= 0 || find_mshr(line) < 0) {
          int m = free_mshr_hint >= 0 ? free_mshr_hint : free_mshr();
          free_mshr_hint = -1;
          if (m < 0) throw SimError(coh_name_ + ": no MSHR for " + hex(line) + "\n" + dump_pending());
          Mshr& ms = mshr_[m];
          ms.line = line;
          ms.state = s;
          ms.in_array = l.kind == Loc::Array;
          ms.valid = true;
          mshr_key_[std::size_t(m)] = line;
          ++outstanding_;
          ++mshr_takes_;
          ms.acks = 0;
          ms.acks_known = false;
          ms.defer_to.clear();
          ms.defer_mem = false;
          ms.updated = false;
          ms.prefetch = 0;
          ms.late = false;
          ms.pc = cur_pc_;
          ms.instr = false;
          ms.no_fill = false;
          ms.coh_since = kNoCoh;
          if (l.kind != Loc::Array) l = {Loc::Mshr, m};
        }
        const BusMsg m = c.actions[i] == Action::IssueGetS   ? BusMsg::GetS
                         : c.actions[i] == Action::IssueGetM ? BusMsg::GetM
                                                             : BusMsg::Upd;
        if (m == BusMsg::Upd) ++updates_;
        else if (l.kind == Loc::Array) ++upgrades_;
        ++(upper_ ? l2s_ : l1s_).requests_sent;
        // The access whose cell issues the request (the cell record's trace_line): it
        // goes with the memory read the request may cause (the event log's DRAM commands).
        const std::uint32_t tl = e == Event::Load || e == Event::Store ? trace_line_ : 0;
        if (bus_) bus_->request(t, bus_id_, m, line, tl);
        else if (m == BusMsg::Upd) throw SimError(coh_name_ + ": updates need the snooping bus");
        else {
          mshr_[find_mshr(line)].issued = t;
          net_send(t, m == BusMsg::GetS ? NetMsgType::GetS : NetMsgType::GetM, line, home_of(line), nullptr, tl);
        }
        break;
      }
      case Action::IssuePutM:
      case Action::IssuePutS:
      case Action::IssuePutE:
      case Action::IssuePutO: {
        // The victim leaves the array for the writeback buffer.
        recall_upper(t, line, true);
        int slot = -1;
        for (std::size_t k = 0; k < wb_.size(); ++k)
          if (!wb_[k].valid) slot = int(k);
        if (slot < 0) {
          wb_.push_back(WbEntry{0, 0, std::vector<std::uint8_t>(coh_->line_size()), false});
          slot = int(wb_.size()) - 1;
        }
        WbEntry& wb = wb_[slot];
        wb.line = line;
        wb.state = s;
        wb.valid = true;
        ++outstanding_, ++wb_used_;
        std::memcpy(wb.data.data(), coh_->data(line, unsigned(l.idx)), coh_->line_size());
        drop_coh(line, unsigned(l.idx));
        l = {Loc::Wb, slot};
        const Action a = c.actions[i];
        if (a == Action::IssuePutM || a == Action::IssuePutO) ++(upper_ ? l2s_ : l1s_).writebacks;
        if (bus_) {
          if (a != Action::IssuePutM) throw SimError(coh_name_ + ": " + cohsim::name(a) + " needs a directory");
          bus_->request(t, bus_id_, BusMsg::PutM, line, 0);  // a victim: no access's
        } else {
          const NetMsgType type = a == Action::IssuePutM   ? NetMsgType::PutM
                                  : a == Action::IssuePutO ? NetMsgType::PutO
                                  : a == Action::IssuePutE ? NetMsgType::PutE
                                                           : NetMsgType::PutS;
          // A clean victim for the exclusive L3 below: its PutS/PutE carries the line.
          const bool clean = clean_victims_down_ && (type == NetMsgType::PutS || type == NetMsgType::PutE) &&
                             e == Event::Replacement;
          net_send(t, type, line, home_of(line), carries_data(type) || clean ? wb.data.data() : nullptr, 0, 0, false,
                   clean);
        }
        break;
      }
      case Action::DeferDataToReq:
      case Action::DeferDataToMem: {
        const int m = find_mshr(line);
        if (!r || m < 0) throw SimError(coh_name_ + ": '" + cohsim::name(c.actions[i]) + "' without a request\n" + dump_pending());
        if (c.actions[i] == Action::DeferDataToReq) mshr_[std::size_t(m)].defer_to.push_back(r->requester), r->deferred = true;
        else mshr_[std::size_t(m)].defer_mem = true, r->deferred_mem = true;
        r->deferrer = bus_id_;
        break;
      }
      case Action::SendDataToReq:
        if (bus_ && !r) {  // split bus, our data arrived: answer the requests we deferred
          recall_upper(t, line, false);
          const int m = find_mshr(line);
          if (m < 0) throw SimError(coh_name_ + ": deferred data with no request\n" + dump_pending());
          for (int to : mshr_[std::size_t(m)].defer_to) bus_->send_data(t + coh_latency_, to, line, coh_data(line, l));
          mshr_[std::size_t(m)].defer_to.clear();
          break;
        }
        if (net_) {
          recall_upper(t, line, false);
          net_send(t + coh_latency_, NetMsgType::Data, line, in_msg_->requester, coh_data(line, l), in_msg_->trace_line,
                   in_msg_->acks);
          break;
        }
        [[fallthrough]];
      case Action::SendDataToMem: {
        recall_upper(t, line, false);
        if (bus_ && !r) {  // split bus, our data arrived: memory waited for it
          const int m = find_mshr(line);
          if (m < 0 || !mshr_[std::size_t(m)].defer_mem)
            throw SimError(coh_name_ + ": memory does not wait for our data\n" + dump_pending());
          mshr_[std::size_t(m)].defer_mem = false;
          bus_->send_to_memory(t + coh_latency_, bus_id_, line, coh_data(line, l));
          if (l.kind == Loc::Array) coh_->dirty(line, unsigned(l.idx)) = false;
          break;
        }
        std::memcpy(r->buf, coh_data(line, l), coh_->line_size());
        if (c.actions[i] == Action::SendDataToReq) {
          r->data_to_requestor = true;
          r->supply_latency = coh_latency_;
          r->supplier = bus_id_;
        } else {
          r->data_to_memory = true;
          if (l.kind == Loc::Array) coh_->dirty(line, unsigned(l.idx)) = false;
        }
        break;
      }
      case Action::ApplyUpdate:
        if (l.kind == Loc::Mshr) {  // split bus: the newer line replaces the data we await
          std::memcpy(mshr_[std::size_t(l.idx)].data.data(), r->buf, coh_->line_size());
          mshr_[std::size_t(l.idx)].updated = true;
          ++updates_received_;
          break;
        }
        recall_upper(t, line, true);
        std::memcpy(coh_data(line, l), r->buf, coh_->line_size());
        ++updates_received_;
        updated = true;
        // Another core wrote the line: an exclusive reservation on it is gone, as
        // with an invalidation. An update that carries no store is no write: it
        // leaves reservations alone (else failed store-exclusives' updates break
        // every other core's reservation, and LL/SC loops livelock).
        if (listener_ && !r->unchanged) listener_->line_lost(line);
        break;
      case Action::OwnDataSuffices: r->no_data = true; break;
      case Action::SendDataToDir:
        recall_upper(t, line, false);
        net_send(t + coh_latency_, NetMsgType::Data, line, home_of(line), coh_data(line, l),
                 in_msg_ ? in_msg_->trace_line : 0, 0, true);
        if (l.kind == Loc::Array) coh_->dirty(line, unsigned(l.idx)) = false;  // memory has it now
        break;
      case Action::SendInvAck:
        net_send(t, NetMsgType::InvAck, line, in_msg_->requester, nullptr, in_msg_->trace_line);
        break;
      case Action::StoreHit:
        // The waiting store may write now even if the new state's own Store cell
        // would go to the bus (Dragon's Sm): it is the store this transition is for.
        if (e != Event::Store) store_grant_ = line;
        notify = true;
        break;
      case Action::LoadHit: notify = true; break;
      default: throw SimError(coh_name_ + ": a cache cannot perform '" + std::string(cohsim::name(c.actions[i])) + "'");
    }
  }
  if (c.next != s) {
    if (kForeign.of[int(e)] == 2 && perm_[s] != Permission::None &&
        perm_[c.next] == Permission::None)
      ++invalidations_;
    if (e == Event::Store && !has_action(c, Action::IssueGetM) && !has_action(c, Action::IssueUpd) &&
        !has_action(c, Action::IssueGetS))
      ++silent_upgrades_;
    set_state(t, line, l, c.next, e);
    if (wakes_[std::size_t(s) * table_.num_states() + c.next] || (updated && !table_.states()[s].stable))
      notify = true;  // what stalled on the line may go on
  }
  // Taken: the coherent level no longer holds (or will not keep) a copy it had or was
  // fetching; the L1D above a private L2 lost its copy (invalidated, or dropped for an
  // update).
  if (foreign && keeps_[s] && !keeps_[c.next]) {
    coh_classifier().taken(line);
    if (sharing_) sharing_->line_taken(p_.index, line);
  }
  if (upper_had && upper_->find(line) < 0) l1c_->taken(line);
  if (instr_had && instr_->find(line) < 0) l1ic_->taken(line), ++instr_invalidations_;
  // (a Data event tells the listener itself, once the line is in place)
  if (notify && listener_ && e >= Event::OwnGetS && !is_data(e)) {
    line_ready(t, line);
    store_grant_ = kNoLine;  // the grant lasts only while the listener completes its store
  }
  return c;
}

void PrivateCache::finish(Tick end) {
  // The write-combining buffer empties at the end of the run, so the write-through
  // counts carry every store.
  wc_expire(end);  // entries idle long enough drained before the end
  for (std::size_t i = 0; i < wc_.size(); ++i)
    if (wc_[i].line != kNoLine) wc_drain(int(i), WcEnd, end);
  for (std::size_t s = 1; s < lines_in_.size(); ++s) {
    account(s, end);
    occupancy_[s] = end > window_start_ ? double(line_ticks_[s]) / double(end - window_start_) : 0.0;
  }
}

void PrivateCache::answer_waits_from(Tick t, LineAddr line, std::size_t i) {
  // (The loop reads each entry in place and keeps the count in a local: nothing it
  // calls adds or removes waits.)
  for (std::size_t n = waits_.size(); i < n;) {
    const Wait& w = waits_[i];
    if (w.line != line || !(w.instr ? instr_->find(line) >= 0 : line_usable(line, w.write))) {
      ++i;
      continue;
    }
    if (w.epoch == epoch_) {
      if (w.upper_on) l1s_.answer(t > w.upper_at ? t - w.upper_at : 0);
      if (w.coh_on) (upper_ ? l2s_ : l1s_).answer(t > w.coh_at ? t - w.coh_at : 0);
    }
    waits_[i] = waits_.back();  // (w is not used after this)
    waits_.pop_back();
    --n;
  }
}

void PrivateCache::reset_stats(Tick t) {
  ++epoch_;  // an access under way now was counted in the window before: no sample here
  l1s_ = LevelStats{};
  l2s_ = LevelStats{};
  l1is_ = LevelStats{};
  instr_invalidations_ = 0;
  wt_messages_ = wt_bytes_ = wc_combined_ = 0;
  wt_busy_cycles_ = wt_stalls_ = wt_stall_cycles_ = 0;
  std::fill(std::begin(wc_drains_), std::end(wc_drains_), 0);
  local_misses_ = remote_misses_ = local_miss_ticks_ = remote_miss_ticks_ = 0;
  set_full_ = invalidations_ = back_invalidated_ = clean_victims_ = mshr_full_ = upgrades_ = silent_upgrades_ = updates_ = updates_received_ = 0;
  std::fill(cells_.begin(), cells_.end(), 0);
  // A coherence miss counted before the window is not the sharing advisor's either.
  for (Mshr& m : mshr_) m.coh_since = kNoCoh;
  // Prefetches: the window counts those it issues (a line prefetched before it is no
  // longer marked unused, so its first use is not counted useful).
  for (PrefetchLevel* L : {&pfl1_, &pfl2_}) {
    L->issued = L->useful = L->late = L->useless = L->dropped = 0;
    std::fill(L->unused.begin(), L->unused.end(), 0);
  }
  for (std::size_t s = 1; s < lines_in_.size(); ++s) {
    account(s, t);
    line_ticks_[s] = 0;
    occupancy_[s] = 0.0;
  }
  window_start_ = t;
}

void PrivateCache::set_state(Tick t, LineAddr line, Loc& l, std::uint8_t next, Event cause) {
  const std::uint8_t old = state_at(line, l);
  const std::uint8_t I = table_.invalid();
  account(old, t);
  account(next, t);
  --lines_in_[old];
  ++lines_in_[next];
  switch (l.kind) {
    case Loc::Array: {
      const unsigned way = unsigned(l.idx);
      if (next == I) {
        recall_upper(t, line, true);
        drop_coh(line, way);
        l = {};
      } else if (perm_[next] == Permission::None) {
        // The copy is gone but a request is outstanding: the state moves to its MSHR.
        int m = find_mshr(line);
        if (m < 0) throw SimError(coh_name_ + ": state " + table_.states()[next].name + " without an MSHR");
        recall_upper(t, line, true);
        drop_coh(line, way);
        mshr_[m].in_array = false;
        mshr_[m].state = next;
        l = {Loc::Mshr, m};
      } else {
        coh_->state(line, way) = next;
        limit_upper(t, line, fast_write_[next] ? Permission::Write : perm_[next]);
        if (table_.states()[next].stable) {  // an upgrade or update finished
          int m = find_mshr(line);
          if (m >= 0) release_mshr(m);
        }
      }
      break;
    }
    case Loc::Mshr:
      if (perm_[next] != Permission::None) {
        // Data arrived: the line moves into the array.
        if (!fill_data_) throw SimError(coh_name_ + ": line " + hex(line) + " became readable without data");
        const std::uint64_t pc = mshr_[std::size_t(l.idx)].pc;
        if (sharing_ && mshr_[std::size_t(l.idx)].coh_since != kNoCoh)
          sharing_->coherence_miss(p_.index, line, t - mshr_[std::size_t(l.idx)].coh_since);
        release_mshr(l.idx);
        l = {Loc::Array, int(fill_coh(t, line, fill_data_, next, pc))};
      } else if (next == I) {
        if (sharing_ && mshr_[std::size_t(l.idx)].coh_since != kNoCoh)
          sharing_->coherence_miss(p_.index, line, t - mshr_[std::size_t(l.idx)].coh_since);
        release_mshr(l.idx);
        l = {};
      } else {
        mshr_[l.idx].state = next;
      }
      break;
    case Loc::Wb:
      if (next == I) {
        wb_[l.idx].valid = false, --outstanding_, --wb_used_;
        l = {};
      } else {
        wb_[l.idx].state = next;
      }
      break;
    case Loc::None:
      if (next != I) throw SimError(coh_name_ + ": line " + hex(line) + " entered a state with no place to live");
      break;
  }
  if (listener_ && perm_[old] != Permission::None && perm_[next] == Permission::None) listener_->line_lost(line);
  if (checker_)
    checker_->transition(t, coh_name_, line, table_.states()[old].name.c_str(), table_.states()[next].name.c_str(),
                         cohsim::name(cause));
}

std::uint8_t* PrivateCache::coh_data(LineAddr line, const Loc& l) {
  if (l.kind == Loc::Array) return coh_->data(line, unsigned(l.idx));
  if (l.kind == Loc::Wb) return wb_[l.idx].data.data();
  if (l.kind == Loc::Mshr && split_) return mshr_[l.idx].data.data();  // a line passing through
  throw SimError(coh_name_ + ": asked for the data of line " + hex(line) + " which it does not hold\n" +
                 dump_pending());
}

unsigned PrivateCache::fill_coh(Tick t, LineAddr line, const std::uint8_t* data, std::uint8_t state, std::uint64_t pc) {
  unsigned way = coh_->choose_way(line);
  const unsigned set = coh_->set_of(line);
  // A line waiting for its own transaction may not be replaceable: take the first
  // way whose state can be replaced instead of the policy's choice.
  auto replaceable = [&](unsigned w) {
    if (coh_->state_at(set, w) == CacheArray::kInvalid) return true;
    return table_.cell(coh_->state_at(set, w), Event::Replacement).kind == CellKind::Do;
  };
  if (!replaceable(way)) {
    unsigned w = 0;
    while (w < coh_->ways() && !replaceable(w)) ++w;
    if (w == coh_->ways())
      throw SimError(coh_name_ + ": every way of set " + std::to_string(set) +
                     " waits for a transaction; no victim for " + hex(line) + "\n" + dump_pending());
    way = w;
  }
  if (coh_->state_at(set, way) != CacheArray::kInvalid) {
    // The victim's eviction may reach a shared level that evicts and back-invalidates in
    // turn (a clean victim into an exclusive L2 whose own victim makes an inclusive L3
    // evict): `line`, between its transaction's end and this fill, is not taken back.
    filling_ = line;
    evict_coh(t, coh_->tag_at(set, way), way);
    filling_ = kNoLine;
  }
  coh_->fill(line, way, state, data, pc);
  return way;
}

void PrivateCache::evict_coh(Tick t, LineAddr victim, unsigned way) {
  ++(upper_ ? l2s_ : l1s_).evictions;
  Loc l{Loc::Array, int(way)};
  // An exclusive L3 below (l3.inclusion: exclusive under private caches): a victim
  // whose eviction writes nothing back (a clean copy with data) is sent down to it; a
  // dirty one gets there through the fabric's writeback. On the bus it is a transaction of its own (a silent eviction otherwise); on a
  // directory the eviction's PutS or PutE carries the line (IssuePutS/IssuePutE).
  bool clean_victim = false;
  if (clean_victims_down_) {
    const std::uint8_t old = state_at(victim, l);
    const Cell& evict = table_.cell(old, Event::Replacement);
    clean_victim = perm_[old] != Permission::None && !has_action(evict, Action::IssuePutM) &&
                   !has_action(evict, Action::IssuePutO);
    if (clean_victim && bus_) std::memcpy(victim_data_.data(), coh_->data(victim, way), coh_->line_size());
  }
  const Cell& c = execute(t, victim, l, Event::Replacement, nullptr);
  if (c.kind == CellKind::Stall)
    throw SimError(coh_name_ + ": victim " + hex(victim) + " cannot be replaced now\n" + dump_pending());
  if (l.kind == Loc::Array) throw SimError(coh_name_ + ": victim " + hex(victim) + " did not leave the array");
  if (clean_victim) {
    ++clean_victims_;
    if (bus_) bus_->clean_victim(t, bus_id_, victim, victim_data_.data());
  }
}

void PrivateCache::bus_own(Tick t, BusMsg m, LineAddr line, SnoopReply& r) {
  Loc l = locate(line);
  static constexpr Event own[] = {Event::OwnGetS, Event::OwnGetM, Event::OwnPutM, Event::OwnUpd};
  Event e = own[int(m)];
  if (m == BusMsg::Upd && !r.shared && table_.uses(Event::OwnUpdAlone)) e = Event::OwnUpdAlone;
  granted_store_ = false;
  execute(t, line, l, e, &r);
  // The store an update was for writes while the grant lasts; if it did not (a
  // store-exclusive that lost its reservation fails), the update changes nothing.
  if (m == BusMsg::Upd) r.unchanged = !granted_store_;
}

void PrivateCache::bus_snoop(Tick t, BusMsg m, LineAddr line, SnoopReply& r) {
  Loc l = locate(line);
  static constexpr Event other[] = {Event::OtherGetS, Event::OtherGetM, Event::OtherPutM, Event::OtherUpd};
  execute(t, line, l, other[int(m)], &r);
}

bool PrivateCache::can_back_invalidate(LineAddr line) const {
  if (line == held_ || line == store_grant_ || line == read_grant_ || line == filling_) return false;
  for (const NetMsg& m : parked_)
    if (m.line == line) return false;
  if (find_mshr(line) >= 0) return false;
  const Loc l = locate(line);
  if (l.kind == Loc::None) return true;
  return l.kind == Loc::Array && table_.states()[state_at(line, l)].stable;
}

bool PrivateCache::back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies, Tick& ready) {
  Loc l = locate(line);
  if (l.kind != Loc::Array) return false;
  const unsigned way = unsigned(l.idx);
  // The probe looks the coherent level up, then the L1D above it when that holds a copy.
  const bool upper_held = upper_ && upper_->find(line) >= 0;
  ready = std::max(ready, t + coh_latency_ + (upper_held ? upper_latency_ : 0));
  const std::uint8_t old = state_at(line, l), I = table_.invalid();
  recall_upper(t, line, true);  // dirty L1D data joins the coherent level's copy; the L1D's leaves
  // The copy is newer than the level below's when its state is one whose eviction
  // writes the line back (M, O, Dragon's Sm: the owner's); the other stable states
  // hold what the memory side holds.
  const Cell& evict = table_.cell(old, Event::Replacement);
  const bool newer = has_action(evict, Action::IssuePutM) || has_action(evict, Action::IssuePutO);
  if (newer) std::memcpy(data, coh_->data(line, way), coh_->line_size());
  account(old, t);
  account(I, t);
  --lines_in_[old];
  ++lines_in_[I];
  drop_coh(line, way);
  ++back_invalidated_, ++copies;
  if (listener_ && perm_[old] != Permission::None) listener_->line_lost(line);
  if (checker_)
    checker_->transition(t, coh_name_, line, table_.states()[old].name.c_str(), table_.states()[I].name.c_str(),
                         "BackInvalidation");
  return newer;
}

bool PrivateCache::holds_copy(LineAddr line) const { return permission(line) != Permission::None; }
bool PrivateCache::keeps_copy(LineAddr line) const { return keeps_[state_at(line, locate(line))]; }

void PrivateCache::copy_line(LineAddr line, std::uint8_t* out) const {
  if (!peek_line(line, out)) {
    Loc l = locate(line);
    if (l.kind == Loc::None) throw SimError(coh_name_ + ": no copy of " + hex(line) + " to broadcast");
  }
}

void PrivateCache::bus_data(Tick t, LineAddr line, const std::uint8_t* data, bool exclusive) {
  if (split_) {
    bus_data_split(t, line, data, exclusive);
    return;
  }
  Loc l = locate(line);
  if (l.kind == Loc::Array) std::memcpy(coh_->data(line, unsigned(l.idx)), data, coh_->line_size());
  const FillInfo fi = fill_info(line);
  fill_data_ = data;
  execute(t, line, l, exclusive && table_.uses(Event::DataExclusive) ? Event::DataExclusive : Event::Data, nullptr);
  fill_data_ = nullptr;
  int m = find_mshr(line);
  if (m >= 0) release_mshr(m);  // an upgrade's MSHR (the line stayed in the array)
  if (pf_on_) prefetch_filled(line, fi);
  if (upper_ && l.kind == Loc::Array && fills_upper(fi)) {
    std::uint8_t s = coh_->state(line, unsigned(l.idx));
    if (perm_[s] != Permission::None) fill_upper(t, line, fast_write_[s], fi.pc, unsigned(l.idx));
  }
  if (fi.instr && l.kind == Loc::Array && perm_[coh_->state(line, unsigned(l.idx))] != Permission::None) fill_instr(line);
  line_ready(t, line);
  store_grant_ = kNoLine;
}

// The split bus's data response. Three things differ from the atomic bus: an
// acknowledgement carries no data (an owner's upgrade); an update ordered after our
// GetS left a newer line in the MSHR; and a state that other requests reached while
// we waited (IS_D_I, IM_D_S, ...) lets the waiting load or store perform once on the
// arriving data before the line goes on to its next owner or is dropped (the Primer's
// "load hit" / "store hit" in those cells), so the cell's sends carry it.
void PrivateCache::bus_data_split(Tick t, LineAddr line, const std::uint8_t* data, bool exclusive) {
  int mi;
  Loc l = locate(line, mi);
  if (mi == kMshrUnknown) mi = find_mshr(line);
  if (mi >= 0 && mshr_[std::size_t(mi)].updated) data = mshr_[std::size_t(mi)].data.data();
  const Event e = exclusive && table_.uses(Event::DataExclusive) ? Event::DataExclusive : Event::Data;
  const std::uint8_t s = state_at(line, l);
  const Cell& c = table_.cell(s, e);
  if (c.kind != CellKind::Do) impossible(line, s, e);
  if (data) {
    if (l.kind == Loc::Array) std::memcpy(coh_->data(line, unsigned(l.idx)), data, coh_->line_size());
    else if (l.kind == Loc::Mshr && data != mshr_[std::size_t(l.idx)].data.data())
      std::memcpy(mshr_[std::size_t(l.idx)].data.data(), data, coh_->line_size());
  }
  const bool load = has_action(c, Action::LoadHit), store = has_action(c, Action::StoreHit);
  const bool passes = (load || store) && (has_action(c, Action::SendDataToReq) || has_action(c, Action::SendDataToMem) ||
                                          perm_[c.next] == Permission::None);
  if (passes && listener_) {
    read_grant_ = line;
    if (store) store_grant_ = line;
    line_ready(t, line);
    read_grant_ = kNoLine;
    store_grant_ = kNoLine;
  }
  const FillInfo fi = fill_info(line);
  fill_data_ = l.kind == Loc::Mshr ? mshr_[std::size_t(l.idx)].data.data() : nullptr;
  const std::uint64_t takes = mshr_takes_;
  execute(t, line, l, e, nullptr);
  fill_data_ = nullptr;
  // The line's MSHR now: the one before, unless the cell released it; a new one only
  // if the cell took one.
  const int m = mshr_takes_ != takes                         ? find_mshr(line)
                : mi >= 0 && mshr_key_[std::size_t(mi)] == line ? mi
                                                                : -1;
  if (m >= 0 && table_.states()[state_at(line, l)].stable) release_mshr(m);  // an upgrade's MSHR
  if (pf_on_) prefetch_filled(line, fi);
  if (upper_ && l.kind == Loc::Array && fills_upper(fi)) {
    std::uint8_t ns = coh_->state(line, unsigned(l.idx));
    if (perm_[ns] != Permission::None) fill_upper(t, line, fast_write_[ns], fi.pc, unsigned(l.idx));
  }
  if (fi.instr && l.kind == Loc::Array && perm_[coh_->state(line, unsigned(l.idx))] != Permission::None) fill_instr(line);
  if (passes) store_grant_ = kNoLine;  // the access already performed
  // A line that only passed through (IS_D_I, IM_D_I, ...) is gone: the requests ordered
  // after ours take it, so an exclusive monitor on it is lost now (the load-exclusive
  // that just read it cannot pair with a later store-exclusive: that would let another
  // core's write fall between them). Its permission was None throughout, so the
  // transition itself did not say so.
  if (passes && listener_ && perm_[state_at(line, locate(line))] == Permission::None) listener_->line_lost(line);
  line_ready(t, line);
  store_grant_ = kNoLine;
}

// The L1I (docs/architecture.md, "The instruction cache"). A hit answers at once (the
// fetch pipeline hides the L1I's latency); a miss is a read of the private L2, counted
// there as an access of kind ifetch: an L2 hit copies the line in (ready after the
// L1I's and the L2's latencies), an L2 miss runs the table's Load cell (GetS) and
// the fill goes to the L1I (not the L1D).
Access PrivateCache::ifetch(Tick t, Addr a, bool count, std::uint32_t trace_line) {
  const LineAddr line = coh_->line_of(a);
  const int w = instr_->find(line);
  if (w >= 0) {
    instr_->touch(line, unsigned(w));
    if (count) record(l1is_, *l1ic_, AccessKind::IFetch, Outcome::Hit, line);
    return {Access::Ready, t};
  }
  // Written here and not yet written back: the fetch would see the core's own store.
  const int uw = upper_->find(line);
  const int cw = coh_->find(line);
  if ((uw >= 0 && upper_->dirty(line, unsigned(uw))) || (cw >= 0 && coh_->dirty(line, unsigned(cw))) ||
      (wc_used_ && wc_find(line) >= 0))
    self_modifying(line, false, trace_line);
  const bool secondary = find_mshr(line) >= 0;
  const Access r = access_demand(t, a, false, count && !secondary, AccessKind::IFetch);
  if (r.kind == Access::Blocked) return r;  // asked again, counted then
  if (count) {
    record(l1is_, *l1ic_, AccessKind::IFetch, secondary ? Outcome::Secondary : Outcome::Primary, line);
    if (!secondary) ++l1is_.requests_sent;
  }
  return r;
}

void PrivateCache::fill_instr(LineAddr line) {
  if (instr_->find(line) >= 0) return;
  const int cw = coh_->find(line);
  if (cw < 0) return;
  const unsigned way = instr_->choose_way(line);
  const unsigned set = instr_->set_of(line);
  if (instr_->state_at(set, way) != CacheArray::kInvalid) {
    ++l1is_.evictions;
    instr_->invalidate(instr_->tag_at(set, way), way);
  }
  instr_->fill(line, way, 1, coh_->data(line, unsigned(cw)), 0);
}

void PrivateCache::self_modifying(LineAddr line, bool store, std::uint32_t trace_line) const {
  throw UserError("trace line " + std::to_string(trace_line) + ": " +
                  (store ? "a store to line " + hex(line * coh_->line_size()) + ", which " + p_.name +
                               "'s L1I holds (an instruction fetched earlier)"
                         : "an instruction fetch from line " + hex(line * coh_->line_size()) + ", which " + p_.name +
                               " has written and not written back") +
                  ": self-modifying code is not modelled (instruction lines are read-only; run with l1i.size: 0 "
                  "to count ifetches without an instruction cache)");
}

void PrivateCache::fill_upper(Tick t, LineAddr line, bool writable, std::uint64_t pc, unsigned coh_way,
                              int upper_way) {
  const int w = upper_way == kUpperUnknown ? upper_find(line) : upper_way;
  if (w < 0) {
    const unsigned way = upper_->choose_way(line);
    const unsigned set = upper_->set_of(line);
    if (upper_->state_at(set, way) != CacheArray::kInvalid) {
      LineAddr victim = upper_->tag_at(set, way);
      ++l1s_.evictions;
      if (upper_->dirty(victim, way)) {
        int cw = coh_->find(victim);
        if (cw < 0) throw SimError(p_.name + ".l1d: inclusion broken for " + hex(victim) + "\n" + dump_pending());
        std::memcpy(coh_->data(victim, unsigned(cw)), upper_->data(victim, way), coh_->line_size());
        coh_->dirty(victim, unsigned(cw)) = true;
        ++l1s_.writebacks;
      }
      drop_upper(victim, way);
    }
    upper_->fill(line, way, writable ? 2 : 1, coh_->data(line, coh_way), pc);
    upper_hint_line_ = line, upper_hint_way_ = way;
    if (wc_used_) wc_overlay(line, upper_->data(line, way));  // the core's stores not yet at the L2
    if (line == pending_upper_mark_) {
      pfl1_.unused[std::size_t(upper_->set_of(line)) * upper_->ways() + way] = 1;
      pending_upper_mark_ = kNoLine;
    }
  } else {
    upper_->touch(line, unsigned(w));  // the store that upgraded it referenced it
    if (writable) upper_->state(line, unsigned(w)) = 2;
  }
}

void PrivateCache::recall_upper(Tick t, LineAddr line, bool invalidate) {
  if (!upper_) return;
  wc_drain_line(line, t);  // the L2 hands on or drops the line: the bytes still buffered join it first
  int w = upper_->find(line);
  if (w < 0) return;
  if (upper_->dirty(line, unsigned(w))) {
    Loc l = locate(line);
    std::memcpy(coh_data(line, l), upper_->data(line, unsigned(w)), coh_->line_size());
    if (l.kind == Loc::Array) coh_->dirty(line, unsigned(l.idx)) = true;
  }
  if (invalidate) drop_upper(line, unsigned(w));
  else {
    upper_->dirty(line, unsigned(w)) = false;
  }
}

void PrivateCache::limit_upper(Tick t, LineAddr line, Permission p) {
  if (!upper_) return;
  if (p != Permission::Write) wc_drain_line(line, t);  // an entry lives only while the L2 may write the line
  int w = upper_->find(line);
  if (w < 0) return;
  if (p == Permission::None) recall_upper(t, line, true);
  else if (p == Permission::Read && upper_->state(line, unsigned(w)) == 2) {
    recall_upper(t, line, false);
    upper_->state(line, unsigned(w)) = 1;
  }
}

std::uint64_t PrivateCache::read(Tick t, Addr a, unsigned size) {
  const LineAddr line = coh_->line_of(a);
  const unsigned off = unsigned(a & (coh_->line_size() - 1));
  const std::uint8_t* d = nullptr;
  if (upper_) {
    int w = upper_find(line);
    if (w >= 0) d = upper_->data(line, unsigned(w));
  }
  if (!d) {
    Loc l = locate(line);
    d = coh_data(line, l);
    if (wc_used_ && wc_find(line) >= 0) {  // the core's own stores still in the write-combining buffer
      std::memcpy(wc_scratch_.data(), d, coh_->line_size());
      wc_overlay(line, wc_scratch_.data());
      d = wc_scratch_.data();
    }
  }
  std::uint64_t v = read_value(d, off, size);
  if (checker_) checker_->load_performed(t, p_.name, a, size, v);
  return v;
}

void PrivateCache::write(Tick t, Addr a, unsigned size, std::uint64_t v) {
  const LineAddr line = coh_->line_of(a);
  if (line == store_grant_) store_grant_ = kNoLine, granted_store_ = true;
  const unsigned off = unsigned(a & (coh_->line_size() - 1));
  if (upper_) {
    int w = upper_find(line);
    if (w >= 0) {
      write_value(upper_->data(line, unsigned(w)), off, size, v);
      if (!wt_) {
        upper_->dirty(line, unsigned(w)) = true;
        if (checker_) checker_->store_performed(t, p_.name, a, size, v);
        return;
      }
    }
    if (wt_) {  // the L1D's copy (if any) is never dirty: the store goes on to the L2
      write_through(t, line, off, size, v);
      if (checker_) checker_->store_performed(t, p_.name, a, size, v);
      return;
    }
  }
  Loc l = locate(line);
  write_value(coh_data(line, l), off, size, v);
  if (l.kind == Loc::Array) coh_->dirty(line, unsigned(l.idx)) = true;
  if (checker_) checker_->store_performed(t, p_.name, a, size, v);
}

Tick PrivateCache::wt_send(Tick t, unsigned bytes) {
  const std::uint64_t cycles = std::max<std::uint64_t>(wt_accept_, (bytes + wt_width_ - 1) / wt_width_);
  const Tick per = p_.clock_period;  // a message starts at a core clock edge
  path_free_ = std::max((t + per - 1) / per * per, path_free_) + cycles * per;
  ++wt_messages_;
  wt_bytes_ += bytes;
  wt_busy_cycles_ += cycles;
  return path_free_;
}

Tick PrivateCache::store_room(Tick t, Addr a) {
  Tick at = t;
  if (wc_.empty()) {
    at = std::max(t, wt_fifo_[wt_fifo_head_]);  // the oldest entry's store has reached the L2
  } else {
    const LineAddr line = coh_->line_of(a);
    wc_expire(t);
    if (wc_used_ && wc_find(line) >= 0) return t;  // merges into its entry
    if (wc_idle(t) >= 0) return t;
    // A store to a new line (or one that cannot combine) finds no free entry: it
    // waits for the entry whose message reaches the L2 first; when none is on its
    // way, the oldest entry drains now (wc_drains.full).
    at = ~Tick(0);
    for (const WcEntry& e : wc_)
      if (e.line == kNoLine) at = std::min(at, e.busy_until);
    if (at == ~Tick(0)) {
      const int oldest = wc_oldest();
      wc_drain(oldest, WcFull, t);
      at = wc_[std::size_t(oldest)].busy_until;
    }
  }
  if (at > t) {  // the store waits: count the cycles not already counted for an earlier one
    const Tick from = std::max(t, held_until_);
    if (t >= held_until_) ++wt_stalls_;
    if (at > from) wt_stall_cycles_ += (at - from + p_.clock_period - 1) / p_.clock_period;
    held_until_ = std::max(held_until_, at);
  }
  return at;
}

void PrivateCache::write_through(Tick t, LineAddr line, unsigned off, unsigned size, std::uint64_t v) {
  Loc l = locate(line);
  if (!wc_.empty()) wc_expire(t);
  if (!wc_.empty() && wc_combinable(line, l)) {
    int i = wc_find(line);
    if (i >= 0) {
      ++wc_combined_;
    } else {
      // A free entry (store_room made one for a store of the core); a write the core
      // did not ask room for (the page walker's) takes a draining entry, or drains the oldest.
      i = wc_idle(t);
      for (std::size_t k = 0; k < wc_.size() && i < 0; ++k)
        if (wc_[k].line == kNoLine) i = int(k);
      if (i < 0) {
        i = wc_oldest();
        wc_drain(i, WcFull, t);
      }
      wc_[std::size_t(i)].line = line;
      wc_[std::size_t(i)].order = wc_order_++;
      ++wc_used_;
    }
    WcEntry& e = wc_[std::size_t(i)];
    write_value(e.data.data(), off, size, v);
    std::memset(e.mask.data() + off, 1, size);
    e.written = t;
    return;
  }
  // No buffer, or the L2 holds the line without a stable write permission (a store
  // granted while its transaction passes, a line in the writeback buffer): one
  // write-through of the store's bytes. No entry can exist then (limit_upper drained it).
  if (wc_used_ && wc_find(line) >= 0)
    throw SimError(p_.name + ".l1d: write-combining entry for " + hex(line) + " without write permission\n" +
                   dump_pending());
  write_value(coh_data(line, l), off, size, v);
  if (l.kind == Loc::Array) coh_->dirty(line, unsigned(l.idx)) = true;
  const Tick arrives = wt_send(t, size);
  if (wc_.empty()) {  // it holds the write buffer's oldest entry until it reaches the L2
    wt_fifo_[wt_fifo_head_] = arrives;
    wt_fifo_head_ = (wt_fifo_head_ + 1) % wt_fifo_.size();
  } else {
    const int i = wc_idle(t);  // an entry for its one message (none free: the page walker's write)
    if (i >= 0) wc_[std::size_t(i)].busy_until = arrives;
  }
}

void PrivateCache::wc_drain(int i, WcCause cause, Tick t) {
  WcEntry& e = wc_[std::size_t(i)];
  // The L2 holds the line in its array: drains run before it leaves (recall_upper), or
  // just after a downgrade changed its state (limit_upper).
  Loc l = locate(e.line);
  if (l.kind != Loc::Array)
    throw SimError(p_.name + ".l1d: write-combining entry for " + hex(e.line) + " whose line the L2 does not hold\n" +
                   dump_pending());
  std::uint8_t* d = coh_->data(e.line, unsigned(l.idx));
  unsigned bytes = 0;
  for (unsigned b = 0; b < coh_->line_size(); ++b)
    if (e.mask[b]) d[b] = e.data[b], e.mask[b] = 0, ++bytes;
  coh_->dirty(e.line, unsigned(l.idx)) = true;
  e.busy_until = wt_send(t, bytes);
  ++wc_drains_[cause];
  e.line = kNoLine;
  --wc_used_;
}

void PrivateCache::wc_overlay(LineAddr line, std::uint8_t* out) const {
  const int i = wc_find(line);
  if (i < 0) return;
  const WcEntry& e = wc_[std::size_t(i)];
  for (unsigned b = 0; b < coh_->line_size(); ++b)
    if (e.mask[b]) out[b] = e.data[b];
}

Permission PrivateCache::permission(LineAddr line) const { return perm_[state_at(line, locate(line))]; }

bool PrivateCache::peek_line(LineAddr line, std::uint8_t* out) const {
  if (upper_) {
    int w = upper_->find(line);
    if (w >= 0 && upper_->dirty(line, unsigned(w))) {
      std::memcpy(out, upper_->data(line, unsigned(w)), coh_->line_size());
      return true;
    }
  }
  Loc l = locate(line);
  if (l.kind == Loc::Array) {
    std::memcpy(out, coh_->data(line, unsigned(l.idx)), coh_->line_size());
    if (wc_used_) wc_overlay(line, out);
  } else if (l.kind == Loc::Wb) std::memcpy(out, wb_[l.idx].data.data(), coh_->line_size());
  else return false;
  return perm_[state_at(line, l)] == Permission::Write;  // only an owner's copy is newer than memory
}

void PrivateCache::impossible(LineAddr line, std::uint8_t s, Event e) const {
  std::ostringstream o;
  o << coh_name_ << ": event " << cohsim::name(e) << " cannot happen in state " << table_.states()[s].name
    << " (protocol " << table_.name() << ") for line " << hex(line * coh_->line_size()) << "\n"
    << dump_pending() << "\n"
    << fabric_dump();
  throw SimError(o.str());
}

std::string PrivateCache::dump_pending() const {
  std::ostringstream o;
  o << coh_name_ << ":";
  bool any = false;
  for (auto& m : mshr_)
    if (m.valid) {
      int w = coh_->find(m.line);
      std::uint8_t s = m.in_array && w >= 0 ? const_cast<CacheArray&>(*coh_).state(m.line, unsigned(w)) : m.state;
      o << " MSHR[" << hex(m.line * coh_->line_size()) << " " << table_.states()[s].name << "]";
      any = true;
    }
  for (auto& w : wb_)
    if (w.valid) {
      o << " WB[" << hex(w.line * coh_->line_size()) << " " << table_.states()[w.state].name << "]";
      any = true;
    }
  for (auto& m : mshr_)
    if (m.valid && m.acks_known) o << " (acks awaited for " << hex(m.line * coh_->line_size()) << ": " << m.acks << ")";
  for (auto& m : parked_) {
    o << " WAITING[" << cohsim::name(m.type) << " " << hex(m.line * coh_->line_size()) << " from " << m.src << "]";
    any = true;
  }
  if (held_ != kNoLine) {
    o << " HELD[" << hex(held_ * coh_->line_size()) << "]";
    any = true;
  }
  if (!any) o << " nothing pending";
  return o.str();
}

std::string PrivateCache::fabric_dump() const { return bus_ ? bus_->dump() : net_->dump(); }

void PrivateCache::net_send(Tick t, NetMsgType type, LineAddr line, int dst, const std::uint8_t* data,
                            std::uint32_t trace_line, int acks, bool to_home, bool clean_data) {
  NetMsg m;
  m.clean_data = clean_data;
  m.type = type;
  m.src = net_id_;
  m.dst = dst;
  m.requester = net_id_;
  m.line = line;
  m.acks = acks;
  m.to_home = to_home;
  m.trace_line = trace_line;
  net_->send(t, m, data);
}

namespace {
Event forward_event(NetMsgType t) {
  switch (t) {
    case NetMsgType::FwdGetS: return Event::FwdGetS;
    case NetMsgType::FwdGetM: return Event::FwdGetM;
    case NetMsgType::Inv: return Event::Inv;
    default: return Event::PutAck;
  }
}
}  // namespace

void PrivateCache::receive(Tick t, const NetMsg& m, const std::uint8_t* data) {
  // Forwards for a line stay in order behind one that waits.
  const bool forward = vnet_of(m.type) == VNet::Forward;
  bool waiting = false;
  for (auto& p : parked_) waiting |= p.line == m.line;
  // Another cache's request for a line we hold waits until we release it.
  const bool deferred = m.line == held_ && (m.type == NetMsgType::FwdGetS || m.type == NetMsgType::FwdGetM ||
                                            m.type == NetMsgType::Inv);
  // Finite injection queues: a forward the cache cannot answer for want of room in its
  // response queue stays in its input buffer (parked and kept) until there is room.
  const bool no_room = forward && !waiting && !deferred && !room_for_forward(m);
  if ((forward && (waiting || deferred || no_room)) || !deliver(t, m, data)) {
    if (!forward)
      throw SimError(coh_name_ + ": a " + std::string(cohsim::name(m.type)) + " cannot wait\n" + dump_pending());
    // Finite network buffers: a forward the table stalls while this cache has a miss
    // outstanding for the line is absorbed by that miss's MSHR (one per MSHR, as real
    // controllers record a deferred forward), freeing its input-buffer entry; any other
    // stalled message keeps its entry until it is taken.
    bool absorbed = !no_room && find_mshr(m.line) >= 0;
    for (std::size_t i = 0; i < parked_.size(); ++i) absorbed &= !(parked_[i].line == m.line && !parked_kept_[i]);
    parked_.push_back(m);
    parked_kept_.push_back(!absorbed);
    if (!absorbed) net_->keep(m);
    return;
  }
  // The line changed: what waited for it may go on.
  deliver_parked(t, m.line);
}

void PrivateCache::deliver_parked(Tick t, LineAddr line) {
  if (line == held_) return;
  for (std::size_t i = 0; i < parked_.size();) {
    if (parked_[i].line != line) {
      ++i;
      continue;
    }
    const Loc l = locate(line);
    if (table_.cell(state_at(line, l), forward_event(parked_[i].type)).kind == CellKind::Stall) break;
    if (!room_for_forward(parked_[i])) break;  // it waits for injection room (injection_ready)
    const NetMsg p = parked_[i];
    const bool kept = parked_kept_[i];
    parked_.erase(parked_.begin() + std::ptrdiff_t(i));
    parked_kept_.erase(parked_kept_.begin() + std::ptrdiff_t(i));
    if (kept) net_->consumed(t, p);
    deliver(t, p, nullptr);
    i = 0;
  }
}

bool PrivateCache::room_for_cell(const Cell& c, Tick t) {
  if (!net_ || !net_->finite_injection() || c.kind != CellKind::Do) return true;
  unsigned need[kNumVNets] = {};
  for (int i = 0; i < c.num_actions; ++i) switch (c.actions[i]) {
      case Action::IssueGetS:
      case Action::IssueGetM:
      case Action::IssuePutM:
      case Action::IssuePutS:
      case Action::IssuePutE:
      case Action::IssuePutO: ++need[int(VNet::Request)]; break;
      case Action::SendDataToReq:
      case Action::SendDataToDir:
      case Action::SendInvAck: ++need[int(VNet::Response)]; break;
      default: break;
    }
  return net_->room_for(net_id_, need, t);
}

bool PrivateCache::room_for_forward(const NetMsg& m) {
  if (!net_->finite_injection()) return true;
  const Loc l = locate(m.line);
  return room_for_cell(table_.cell(state_at(m.line, l), forward_event(m.type)));
}

void PrivateCache::injection_ready(Tick t) {
  // The forwards that waited for room, each line's in order (deliver_parked keeps it).
  retry_lines_.clear();
  for (const NetMsg& m : parked_)
    if (std::find(retry_lines_.begin(), retry_lines_.end(), m.line) == retry_lines_.end())
      retry_lines_.push_back(m.line);
  for (LineAddr line : retry_lines_) deliver_parked(t, line);
  // A miss the core could not issue may go now (the core retries, as when an MSHR frees).
  if (miss_refused_) {
    miss_refused_ = false;
    if (listener_) listener_->line_ready(t, kNoLine);
  }
}

bool PrivateCache::hold(LineAddr line) {
  if (held_ != kNoLine || permission(line) != Permission::Write) return false;
  held_ = line;
  if (bus_) bus_->hold(bus_id_, line);
  return true;
}

void PrivateCache::release(Tick t) {
  if (held_ == kNoLine) return;
  const LineAddr line = held_;
  held_ = kNoLine;
  if (bus_) bus_->release(bus_id_, t);
  else deliver_parked(t, line);
}

bool PrivateCache::deliver(Tick t, const NetMsg& m, const std::uint8_t* data) {
  const LineAddr line = m.line;
  const int mi = find_mshr(line);
  auto mshr = [&]() -> Mshr& {
    if (mi < 0)
      throw SimError(coh_name_ + ": " + std::string(cohsim::name(m.type)) + " for " + hex(line * coh_->line_size()) +
                     " with no request outstanding\n" + dump_pending());
    return mshr_[mi];
  };
  Event e;
  switch (m.type) {
    case NetMsgType::FwdGetS:
    case NetMsgType::FwdGetM:
    case NetMsgType::Inv:
    case NetMsgType::PutAck: e = forward_event(m.type); break;
    case NetMsgType::Data: {
      Mshr& ms = mshr();
      if (p_.homes->node(line) == p_.node) ++local_misses_, local_miss_ticks_ += t - ms.issued;
      else ++remote_misses_, remote_miss_ticks_ += t - ms.issued;
      ms.acks += m.acks;
      ms.acks_known = true;
      std::memcpy(ms.data.data(), data, coh_->line_size());
      e = m.exclusive && table_.uses(Event::DataExclusive) ? Event::DataExclusive
          : ms.acks == 0                                   ? Event::DataAck0
                                                           : Event::DataAcks;
      break;
    }
    case NetMsgType::InvAck: {
      Mshr& ms = mshr();
      --ms.acks;
      e = ms.acks_known && ms.acks == 0 ? Event::LastInvAck : Event::InvAck;
      break;
    }
    case NetMsgType::AckCount: {
      Mshr& ms = mshr();
      ms.acks += m.acks;
      ms.acks_known = true;
      e = ms.acks == 0 ? Event::AckCount0 : Event::AckCountN;
      break;
    }
    default:
      throw SimError(coh_name_ + ": a " + std::string(cohsim::name(m.type)) + " reached a cache\n" + dump_pending());
  }
  Loc l = locate(line);
  const std::uint8_t s = state_at(line, l);
  if (table_.cell(s, e).kind == CellKind::Stall) {
    if (!(e == Event::FwdGetS || e == Event::FwdGetM || e == Event::Inv))
      throw SimError(coh_name_ + ": protocol " + table_.name() + " stalls " + cohsim::name(e) + " in " +
                     table_.states()[s].name + ", which only forwards may do\n" + dump_pending());
    ++cells_[std::size_t(s) * kNumEvents + int(e)];
    if (log_) log_cell(t, line, s, e);
    return false;
  }
  if (data && l.kind == Loc::Array) std::memcpy(coh_->data(line, unsigned(l.idx)), data, coh_->line_size());
  fill_data_ = mi >= 0 ? mshr_[mi].data.data() : nullptr;
  in_msg_ = &m;
  const FillInfo fi = fill_info(line);
  execute(t, line, l, e, nullptr);
  in_msg_ = nullptr;
  fill_data_ = nullptr;
  if (pf_on_) prefetch_filled(line, fi);
  if (is_data(e)) {
    const std::uint8_t ns = state_at(line, l);
    if (perm_[ns] != Permission::None) {
      if (upper_ && l.kind == Loc::Array && fills_upper(fi)) fill_upper(t, line, fast_write_[ns], fi.pc, unsigned(l.idx));
      if (fi.instr && l.kind == Loc::Array) fill_instr(line);
      line_ready(t, line);
      store_grant_ = kNoLine;
    }
  }
  return true;
}

// Statistics (docs/stats.md). core*.l* is core N's L1D, its private L2, or its L1I.
COHSIM_STAT(kStatHits, "core*.l*.hits", "count", "", "accesses this level received that found their line with the permission they needed (a store counts when it drains from the store buffer; a load answered by the store buffer never reaches the L1D)");
COHSIM_STAT(kStatMisses, "core*.l*.misses", "count", "", "accesses that did not hit: primary_misses + secondary_misses + upgrade_misses");
COHSIM_STAT(kStatPrimary, "core*.l*.primary_misses", "count", "", "misses that found the line absent and started its fill (what Dinero IV counts as a miss)");
COHSIM_STAT(kStatSecondary, "core*.l*.secondary_misses", "count", "", "misses that found the line already being fetched or changing state (MSHR hits; hits for Dinero IV)");
COHSIM_STAT(kStatUpgrade, "core*.l*.upgrade_misses", "count", "", "misses that found the line present without write permission and asked for it (MSI's S->M, MOESI's O->M, Dragon's update; write hits for Dinero IV)");
COHSIM_STAT(kStatKindMisses, "core*.l*.{load,store,rmw,walk}_misses", "count", "", "misses by access kind: plain loads, plain stores, atomic instructions (locked RMW, AMO, load/store-exclusive), page-table walker PTE loads and A/D-bit stores");
COHSIM_STAT(kStatKindHits, "core*.l*.{load,store,rmw,walk}_hits", "count", "", "hits by access kind");
COHSIM_STAT(kStatKindPrimary, "core*.l*.{load,store,rmw,walk}_primary_misses", "count", "", "primary misses by access kind");
COHSIM_STAT(kStatKindSecondary, "core*.l*.{load,store,rmw,walk}_secondary_misses", "count", "", "secondary (MSHR) misses by access kind");
COHSIM_STAT(kStatKindUpgrade, "core*.l*.{store,rmw,walk}_upgrade_misses", "count", "", "upgrade misses by access kind (a load never needs more permission)");
COHSIM_STAT(kStatCompulsory, "core*.l*.compulsory_misses", "count", "", "primary misses to a line this level had never referenced (Hill's compulsory misses, as Dinero IV's -ccc counts them)");
COHSIM_STAT(kStatCapacity, "core*.l*.capacity_misses", "count", "", "other primary misses that a fully associative LRU cache with as many lines, fed the same accesses, would also take (and that are not coherence misses)");
COHSIM_STAT(kStatConflict, "core*.l*.conflict_misses", "count", "", "the other primary misses: the fully associative LRU cache would have hit");
COHSIM_STAT(kStatCoherence, "core*.l*.coherence_misses", "count", "", "primary misses to a line that another core's request took from this level (invalidated, or a fill under way made to pass through) since its previous primary miss; compulsory + capacity + conflict + coherence = primary_misses");
COHSIM_STAT(kStatAmat, "core*.{l1d,l2}.amat_core_cycles", "cycles", "core",
            "AMAT of the level: mean time from a demand access's arrival at this level (the attempt it counted) to its answer (a hit: the level's own latency; a miss: until the core may use the line), over the demand accesses the level counted in the window and answered (prefetch requests excluded); absent, not 0, without one");
COHSIM_STAT(kStatAnswered, "core*.{l1d,l2}.accesses_answered", "count", "",
            "demand accesses this level counted in the window and answered by its end: the samples of amat_core_cycles");
COHSIM_STAT(kStatRequestsSent, "core*.l*.requests_sent", "count", "", "requests this level sent to the one below: fills and upgrades (retries included at the coherent level); above a private L2 it equals the L2's hits + misses");
COHSIM_STAT(kStatWritebacks, "core*.l*.writebacks", "count", "", "dirty lines written back to the level below");
COHSIM_STAT(kStatEvictions, "core*.l*.evictions", "count", "", "lines evicted to make room");
COHSIM_STAT(kStatHitRate, "core*.l*.hit_rate", "ratio", "", "hits / (hits + misses); 0 without accesses");
COHSIM_STAT(kStatLocalMisses, "core*.l*.local_misses", "count", "", "misses whose home is on this core's NUMA node (directory fabric)");
COHSIM_STAT(kStatRemoteMisses, "core*.l*.remote_misses", "count", "", "misses whose home is on another NUMA node (directory fabric)");
COHSIM_STAT(kStatLocalMissTicks, "core*.l*.local_miss_time_fs", "fs", "", "total request-to-data time of the local misses");
COHSIM_STAT(kStatRemoteMissTicks, "core*.l*.remote_miss_time_fs", "fs", "", "total request-to-data time of the remote misses");
COHSIM_STAT(kStatInvalidations, "core*.l*.invalidations", "count", "", "lines this coherent level lost to another core's request");
COHSIM_STAT(kStatBackInvalidated, "core*.l*.back_invalidated", "count", "", "lines this core's coherent level (and its L1D above a private L2) lost to an inclusive shared level's eviction (l2.inclusion, l3.inclusion: inclusive)");
COHSIM_STAT(kStatCleanVictims, "core*.l*.clean_victims", "count", "", "lines this core's coherent level evicted clean (no writeback) and sent to the exclusive level below over the fabric (an exclusive shared L2, l2.inclusion: exclusive; or l3.inclusion: exclusive under private caches; bus.clean_victims or directory.clean_victims count those delivered, *.clean_victims_dropped those dropped); its dirty victims reach that level as writebacks");
COHSIM_STAT(kStatUpgrades, "core*.l*.upgrades", "count", "", "GetM requests sent for a line present in the cache (S->M, O->M)");
COHSIM_STAT(kStatMshrFull, "core*.l*.mshr_full", "count", "", "access attempts refused (retried later) because every MSHR was busy");
COHSIM_STAT(kStatSetFull, "core*.l*.set_full", "count", "", "access attempts held because every way of the set was taken by a transient line or an incoming fill");
COHSIM_STAT(kStatSilentUpgrades, "core*.l*.silent_upgrades", "count", "", "stores that changed the line's state without a request (E->M)");
COHSIM_STAT(kStatUpdatesSent, "core*.l*.updates_sent", "count", "", "Dragon update transactions sent");
COHSIM_STAT(kStatUpdatesReceived, "core*.l*.updates_received", "count", "", "Dragon updates received from other caches");
COHSIM_STAT(kStatOccupancy, "core*.l*.occupancy.*", "lines", "", "time-weighted mean number of lines in the protocol state named by the last part");
COHSIM_STAT(kStatKindIfetch, "core*.l2.ifetch_{hits,misses,primary_misses,secondary_misses}", "count", "", "the L1I's misses at the private L2, by outcome (only with l1i.size > 0); counted in hits and misses");
COHSIM_STAT(kStatWriteThroughs, "core*.l1d.write_throughs", "count", "", "write-through messages the L1D sent to the private L2 (only with l1d.write_back: false): one per store without a write-combining buffer, one per drained entry with one; a store the L2 holds without a stable write permission writes through alone");
COHSIM_STAT(kStatWriteThroughBytes, "core*.l1d.write_through_bytes", "bytes", "", "data bytes those write-through messages carried: the store's size, or the distinct bytes a drained write-combining entry held");
COHSIM_STAT(kStatWtBusy, "core*.l1d.write_through_busy_cycles", "cycles", "core", "cycles the path from the L1D to the private L2 carried write-through messages (only with l1d.write_back: false): each message holds it max(l2.write_cycles, ceil(bytes / l1d.write_path_width)) cycles");
COHSIM_STAT(kStatWtStalls, "core*.l1d.write_buffer_stalls", "count", "", "times stores (or atomics' writes) began to wait at a write-through L1D because its write buffer had no room: l1d.write_buffer entries all on their way to the L2, or, with l1d.wc_entries, no free write-combining entry for a new line (only with l1d.write_back: false)");
COHSIM_STAT(kStatWtStallCycles, "core*.l1d.write_buffer_stall_cycles", "cycles", "core", "cycles in which some store waited at the L1D for room in the write buffer (the store buffer's drain stalled; only with l1d.write_back: false)");
COHSIM_STAT(kStatWcCombined, "core*.l1d.wc_combined", "count", "", "stores merged into a write-combining entry already holding their line (only with l1d.wc_entries > 0): the write-throughs the buffer saved");
COHSIM_STAT(kStatWcDrains, "core*.l1d.wc_drains.{full,coherence,end,idle}", "count", "", "write-combining entries drained to the L2, by cause: full = a store to a new line found every entry in use (the oldest drains); coherence = the L2 had to hand on, downgrade or evict the line (snoop, forward, invalidation, update, back-invalidation, replacement); end = the end of the run; idle = no store wrote the entry for l1d.wc_drain_cycles");
COHSIM_STAT(kStatL1iInvalidations, "core*.l1i.invalidations", "count", "", "L1I lines dropped because another core's request took the line from this core's L2 (cross-modifying code, or data sharing the line)");
COHSIM_STAT(kStatKindPrefetch, "core*.l2.prefetch_{hits,misses,primary_misses}", "count", "", "requests of the L1D's prefetcher at a private L2, by outcome (only with l1d.prefetcher); counted in hits and misses");
COHSIM_STAT(kStatPfIssued, "core*.l*.prefetches_issued", "count", "", "prefetches this level's prefetchers sent to the level below (only with a prefetcher at the level)");
COHSIM_STAT(kStatPfUseful, "core*.l*.prefetches_useful", "count", "", "prefetched lines a demand access referenced before they left the level");
COHSIM_STAT(kStatPfLate, "core*.l*.prefetches_late", "count", "", "prefetches a demand access caught while still in flight (it waited less than a miss would)");
COHSIM_STAT(kStatPfUseless, "core*.l*.prefetches_useless", "count", "", "prefetched lines that left the level (evicted or invalidated) without a demand reference");
COHSIM_STAT(kStatPfDropped, "core*.l*.prefetches_dropped", "count", "", "proposals dropped: the line present, in flight or leaving, no MSHR free beyond the one kept for demand, or no way free");
COHSIM_STAT(kStatPfAccuracy, "core*.l*.prefetch_accuracy", "ratio", "", "(useful + late) / issued; 0 without prefetches");
COHSIM_STAT(kStatPfCoverage, "core*.l*.prefetch_coverage", "ratio", "", "(useful + late) / (useful + late + demand primary misses): the share of would-be misses prefetching covered");
COHSIM_STAT(kStatCells, "core*.l*.cells.*.*", "count", "", "times the protocol table's cell (STATE, EVENT) ran at this cache");

void PrivateCache::register_stats(Stats& s) const {
  auto level = [&](const std::string& p, const LevelStats& ls) {
    static const char* const kinds[kAccessKinds] = {"load", "store", "rmw", "walk", "prefetch", "ifetch"};
    static const char* const outcomes[kOutcomes] = {"hits", "primary_misses", "secondary_misses", "upgrade_misses"};
    static const StatDecl* const by_outcome[kOutcomes] = {&kStatHits, &kStatPrimary, &kStatSecondary, &kStatUpgrade};
    static const StatDecl* const by_kind[kOutcomes] = {&kStatKindHits, &kStatKindPrimary, &kStatKindSecondary,
                                                       &kStatKindUpgrade};
    s.counter(kStatHits, p + ".hits", &ls.hits);
    s.counter(kStatMisses, p + ".misses", &ls.misses);
    for (int o = 1; o < kOutcomes; ++o) s.counter(*by_outcome[o], p + "." + outcomes[o], &ls.outcome[o]);
    for (int k = 0; k < kAccessKinds; ++k) {
      if (k == int(AccessKind::Prefetch) || k == int(AccessKind::IFetch)) continue;
      s.counter(kStatKindMisses, p + "." + kinds[k] + "_misses", &ls.kind_misses[k]);
      for (int o = 0; o < kOutcomes; ++o)
        if (!(k == int(AccessKind::Load) && o == int(Outcome::Upgrade)))  // a load never needs more permission
          s.counter(*by_kind[o], p + "." + kinds[k] + "_" + outcomes[o], &ls.by[k][o]);
    }
    static const StatDecl* const by_cause[kMissCauses] = {&kStatCompulsory, &kStatCapacity, &kStatConflict,
                                                          &kStatCoherence};
    static const char* const causes[kMissCauses] = {"compulsory_misses", "capacity_misses", "conflict_misses",
                                                    "coherence_misses"};
    for (int c = 0; c < kMissCauses; ++c) s.counter(*by_cause[c], p + "." + causes[c], &ls.cause[c]);
    s.counter(kStatRequestsSent, p + ".requests_sent", &ls.requests_sent);
    s.counter(kStatWritebacks, p + ".writebacks", &ls.writebacks);
    s.counter(kStatEvictions, p + ".evictions", &ls.evictions);
    const auto *h = &ls.hits, *m = &ls.misses;
    s.derived(kStatHitRate, p + ".hit_rate", [=] { return *h + *m ? double(*h) / double(*h + *m) : 0.0; });
    s.counter(kStatAnswered, p + ".accesses_answered", &ls.answered);
    const std::uint64_t* n = &ls.answered;
    const Tick* d = &ls.answer_ticks;
    const double period = double(p_.clock_period);
    s.derived(kStatAmat, p + ".amat_core_cycles",
              [=] { return *n ? double(*d) / period / double(*n) : std::numeric_limits<double>::quiet_NaN(); });
  };
  // Prefetching: counted only where it happens, so a run without prefetchers prints
  // what it printed before they existed.
  auto prefetch = [&](const std::string& p, const PrefetchLevel& L, const LevelStats& ls) {
    if (L.pf.empty()) return;
    s.counter(kStatPfIssued, p + ".prefetches_issued", &L.issued);
    s.counter(kStatPfUseful, p + ".prefetches_useful", &L.useful);
    s.counter(kStatPfLate, p + ".prefetches_late", &L.late);
    s.counter(kStatPfUseless, p + ".prefetches_useless", &L.useless);
    s.counter(kStatPfDropped, p + ".prefetches_dropped", &L.dropped);
    const PrefetchLevel* l = &L;
    const LevelStats* st = &ls;
    s.derived(kStatPfAccuracy, p + ".prefetch_accuracy",
              [l] { return l->issued ? double(l->useful + l->late) / double(l->issued) : 0.0; });
    s.derived(kStatPfCoverage, p + ".prefetch_coverage", [l, st] {
      const double covered = double(l->useful + l->late);
      const double demand = double(st->outcome[int(Outcome::Primary)] -
                                   st->by[int(AccessKind::Prefetch)][int(Outcome::Primary)]);
      return covered + demand > 0 ? covered / (covered + demand) : 0.0;
    });
  };
  prefetch(p_.name + ".l1d", pfl1_, l1s_);
  if (upper_) prefetch(p_.name + ".l2", pfl2_, l2s_);
  if (upper_ && !pfl1_.pf.empty()) {
    const int k = int(AccessKind::Prefetch);
    const std::string q = p_.name + ".l2.prefetch";
    s.counter(kStatKindPrefetch, q + "_hits", &l2s_.by[k][int(Outcome::Hit)]);
    s.counter(kStatKindPrefetch, q + "_misses", &l2s_.kind_misses[k]);
    s.counter(kStatKindPrefetch, q + "_primary_misses", &l2s_.by[k][int(Outcome::Primary)]);
  }
  level(p_.name + ".l1d", l1s_);
  if (wt_) {  // only with a write-through L1D: write-back runs print what they printed before
    const std::string q = p_.name + ".l1d";
    s.counter(kStatWriteThroughs, q + ".write_throughs", &wt_messages_);
    s.counter(kStatWriteThroughBytes, q + ".write_through_bytes", &wt_bytes_);
    s.counter(kStatWtBusy, q + ".write_through_busy_cycles", &wt_busy_cycles_);
    s.counter(kStatWtStalls, q + ".write_buffer_stalls", &wt_stalls_);
    s.counter(kStatWtStallCycles, q + ".write_buffer_stall_cycles", &wt_stall_cycles_);
    if (!wc_.empty()) {
      s.counter(kStatWcCombined, q + ".wc_combined", &wc_combined_);
      s.counter(kStatWcDrains, q + ".wc_drains.full", &wc_drains_[WcFull]);
      s.counter(kStatWcDrains, q + ".wc_drains.coherence", &wc_drains_[WcCoherence]);
      s.counter(kStatWcDrains, q + ".wc_drains.end", &wc_drains_[WcEnd]);
      if (wc_idle_) s.counter(kStatWcDrains, q + ".wc_drains.idle", &wc_drains_[WcIdle]);
    }
  }
  if (upper_) level(p_.name + ".l2", l2s_);
  if (instr_) {
    // The L1I's own counts (its accesses are all ifetches), and its misses at the L2.
    const std::string q = p_.name + ".l1i";
    s.counter(kStatHits, q + ".hits", &l1is_.hits);
    s.counter(kStatMisses, q + ".misses", &l1is_.misses);
    s.counter(kStatPrimary, q + ".primary_misses", &l1is_.outcome[int(Outcome::Primary)]);
    s.counter(kStatSecondary, q + ".secondary_misses", &l1is_.outcome[int(Outcome::Secondary)]);
    static const StatDecl* const by_cause[kMissCauses] = {&kStatCompulsory, &kStatCapacity, &kStatConflict,
                                                          &kStatCoherence};
    static const char* const causes[kMissCauses] = {"compulsory_misses", "capacity_misses", "conflict_misses",
                                                    "coherence_misses"};
    for (int c = 0; c < kMissCauses; ++c) s.counter(*by_cause[c], q + "." + causes[c], &l1is_.cause[c]);
    s.counter(kStatRequestsSent, q + ".requests_sent", &l1is_.requests_sent);
    s.counter(kStatEvictions, q + ".evictions", &l1is_.evictions);
    s.counter(kStatL1iInvalidations, q + ".invalidations", &instr_invalidations_);
    const auto *h = &l1is_.hits, *m = &l1is_.misses;
    s.derived(kStatHitRate, q + ".hit_rate", [=] { return *h + *m ? double(*h) / double(*h + *m) : 0.0; });
    const int k = int(AccessKind::IFetch);
    const std::string r = p_.name + ".l2.ifetch";
    s.counter(kStatKindIfetch, r + "_hits", &l2s_.by[k][int(Outcome::Hit)]);
    s.counter(kStatKindIfetch, r + "_misses", &l2s_.kind_misses[k]);
    s.counter(kStatKindIfetch, r + "_primary_misses", &l2s_.by[k][int(Outcome::Primary)]);
    s.counter(kStatKindIfetch, r + "_secondary_misses", &l2s_.by[k][int(Outcome::Secondary)]);
  }
  if (net_) {
    s.counter(kStatLocalMisses, coh_name_ + ".local_misses", &local_misses_);
    s.counter(kStatRemoteMisses, coh_name_ + ".remote_misses", &remote_misses_);
    s.counter(kStatLocalMissTicks, coh_name_ + ".local_miss_time_fs", &local_miss_ticks_);
    s.counter(kStatRemoteMissTicks, coh_name_ + ".remote_miss_time_fs", &remote_miss_ticks_);
  }
  s.counter(kStatInvalidations, coh_name_ + ".invalidations", &invalidations_);
  if (counts_back_invalidations_) s.counter(kStatBackInvalidated, coh_name_ + ".back_invalidated", &back_invalidated_);
  if (clean_victims_down_) s.counter(kStatCleanVictims, coh_name_ + ".clean_victims", &clean_victims_);
  s.counter(kStatUpgrades, coh_name_ + ".upgrades", &upgrades_);
  s.counter(kStatMshrFull, coh_name_ + ".mshr_full", &mshr_full_);
  s.counter(kStatSetFull, coh_name_ + ".set_full", &set_full_);
  s.counter(kStatSilentUpgrades, coh_name_ + ".silent_upgrades", &silent_upgrades_);
  s.counter(kStatUpdatesSent, coh_name_ + ".updates_sent", &updates_);
  s.counter(kStatUpdatesReceived, coh_name_ + ".updates_received", &updates_received_);
  for (int st = 1; st < table_.num_states(); ++st)
    s.derived(kStatOccupancy, coh_name_ + ".occupancy." + table_.states()[st].name, [this, st] { return occupancy_[st]; });
  for (int st = 0; st < table_.num_states(); ++st)
    for (Event e : table_.events()) {
      const Cell& c = table_.cell(std::uint8_t(st), e);
      if (c.kind == CellKind::Impossible) continue;
      s.counter(kStatCells, coh_name_ + ".cells." + table_.states()[st].name + "." + cohsim::name(e),
                &cells_[std::size_t(st) * kNumEvents + int(e)]);
    }
}

}  // namespace cohsim

namespace cohsim {

void PrivateCache::log_cell(Tick t, LineAddr line, std::uint8_t s, Event e) const {
  const Cell& c = table_.cell(s, e);
  const bool stall = c.kind == CellKind::Stall;
  log_->cell(t, log_agent_, line * coh_->line_size(), table_.states()[s].name.c_str(), cohsim::name(e),
             table_.actions_text(s, e), table_.states()[stall ? s : c.next].name.c_str(), stall,
             e == Event::Load || e == Event::Store ? trace_line_ : 0);
}

void PrivateCache::log_final(Tick t) const {
  if (!log_) return;
  std::vector<std::uint8_t> data(coh_->line_size());
  for (unsigned set = 0; set < coh_->sets(); ++set)
    for (unsigned w = 0; w < coh_->ways(); ++w) {
      const std::uint8_t st = coh_->state_at(set, w);
      if (st == CacheArray::kInvalid) continue;
      const LineAddr line = coh_->tag_at(set, w);
      peek_line(line, data.data());
      log_->final_line(t, log_agent_, line * coh_->line_size(), table_.states()[st].name.c_str(), data.data());
    }
  for (const Mshr& m : mshr_)
    if (m.valid && !m.in_array)
      log_->final_line(t, log_agent_, m.line * coh_->line_size(), table_.states()[m.state].name.c_str(), nullptr);
  for (const WbEntry& w : wb_)
    if (w.valid)
      log_->final_line(t, log_agent_, w.line * coh_->line_size(), table_.states()[w.state].name.c_str(), nullptr);
}

}  // namespace cohsim

// Prefetching (coherence/prefetcher.hpp; docs/architecture.md, "Prefetchers").
namespace cohsim {

bool PrivateCache::prefetch_used(PrefetchLevel& L, const CacheArray& arr, LineAddr line, unsigned way) {
  if (L.unused.empty()) return false;
  std::uint8_t& u = L.unused[std::size_t(arr.set_of(line)) * arr.ways() + way];
  if (!u) return false;
  u = 0;
  ++L.useful;
  return true;
}

void PrivateCache::drop_coh(LineAddr line, unsigned way) {
  if (instr_) drop_instr(line);  // the L1I is a subset of the private L2
  if (pf_on_) {
    PrefetchLevel& L = coh_pf();
    if (!L.unused.empty()) {
      std::uint8_t& u = L.unused[std::size_t(coh_->set_of(line)) * coh_->ways() + way];
      if (u) ++L.useless, u = 0;
    }
  }
  coh_->invalidate(line, way);
}

void PrivateCache::drop_upper(LineAddr line, unsigned way) {
  if (!pfl1_.unused.empty()) {
    std::uint8_t& u = pfl1_.unused[std::size_t(upper_->set_of(line)) * upper_->ways() + way];
    if (u) ++pfl1_.useless, u = 0;
  }
  upper_->invalidate(line, way);
}

void PrivateCache::run_prefetchers(Tick t, std::uint8_t level) {
  PrefetchLevel& L = level == 1 ? pfl1_ : pfl2_;
  L.trig = false;
  L.cand.n = 0;
  const std::uint64_t pc = cohsim::access_pc(L1Port::access_pc(), trace_line_);
  for (auto& p : L.pf) p->on_access(L.trig_line, pc, L.trig_kind, L.cand);
  for (unsigned i = 0; i < L.cand.n; ++i) issue_prefetch(t, level, L.cand.line[i]);
}

void PrivateCache::issue_prefetch(Tick t, std::uint8_t level, LineAddr line) {
  PrefetchLevel& L = level == 1 ? pfl1_ : pfl2_;
  if (level == 1 && upper_) {
    // The L1D's prefetch above a private L2 is a request to the L2, of kind Prefetch.
    if (upper_->find(line) >= 0 || find_mshr(line) >= 0) {
      ++L.dropped;
      return;
    }
    Loc loc = locate(line);
    if (loc.kind == Loc::Array && perm_[state_at(line, loc)] != Permission::None) {
      // An L2 hit fills the L1D at once (a simplification: the L2 latency is not
      // modelled for a prefetch) and is no use of an L2-prefetched line.
      const std::uint8_t s = state_at(line, loc);
      coh_->touch(line, unsigned(loc.idx));
      fill_upper(t, line, fast_write_[s], 0, unsigned(loc.idx));
      const int w = upper_->find(line);
      if (w >= 0) L.unused[std::size_t(upper_->set_of(line)) * upper_->ways() + unsigned(w)] = 1;
      ++L.issued;
      ++l1s_.requests_sent;
      record(l2s_, *l2c_, AccessKind::Prefetch, Outcome::Hit, line);
      return;
    }
    if (loc.kind != Loc::None || !issue_coh_prefetch(t + upper_latency_ + coh_latency_, line, 1)) {
      ++L.dropped;
      return;
    }
    ++L.issued;
    ++l1s_.requests_sent;
    record(l2s_, *l2c_, AccessKind::Prefetch, Outcome::Primary, line);
    return;
  }
  if (locate(line).kind != Loc::None || !issue_coh_prefetch(t + coh_latency_, line, level)) {
    ++L.dropped;
    return;
  }
  ++L.issued;
}

bool PrivateCache::issue_coh_prefetch(Tick t, LineAddr line, std::uint8_t level) {
  // A prefetch never takes the last free MSHR (demand misses keep one) nor a way a
  // demand fill may need; it issues only when the line is absent (state I).
  unsigned free = 0;
  for (LineAddr k : mshr_key_) free += k == kNoLine;
  if (free < 2 || !way_free(line) || line == held_) return false;
  if (net_ && !net_->has_room(net_id_, VNet::Request)) return false;  // no injection room: dropped
  if (table_.cell(table_.invalid(), Event::Prefetch).kind != CellKind::Do) return false;
  Loc l{};
  execute(t, line, l, Event::Prefetch, nullptr);
  const int m = find_mshr(line);
  if (m < 0) throw SimError(coh_name_ + ": a prefetch of " + hex(line) + " took no MSHR\n" + dump_pending());
  mshr_[std::size_t(m)].prefetch = level;
  mshr_[std::size_t(m)].late = false;
  return true;
}

void PrivateCache::prefetch_filled(LineAddr line, const FillInfo& f) {
  if (!f.fill || find_mshr(line) >= 0) return;  // not a fill, or not complete yet
  const int w = coh_->find(line);
  if (w < 0) return;  // the line only passed through
  PrefetchLevel& C = coh_pf();
  const bool mine = f.prefetch == coh_level();
  if (!C.pf.empty()) {
    for (auto& p : C.pf) p->on_fill(line, mine);
    if (mine && !f.late) C.unused[std::size_t(coh_->set_of(line)) * coh_->ways() + unsigned(w)] = 1;
  }
  if (upper_ && !pfl1_.pf.empty() && fills_upper(f)) {
    const bool l1 = f.prefetch == 1;
    for (auto& p : pfl1_.pf) p->on_fill(line, l1);
    // the L1D copy is made by the caller's fill_upper: mark it then
    pending_upper_mark_ = l1 && !f.late ? line : kNoLine;
  }
}

}  // namespace cohsim
