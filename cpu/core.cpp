#include "cpu/core.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "cpu/mmu/mmu.hpp"
#include "sim/base/error.hpp"
#include "sim/base/kernel_errors.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

using sc_core::sc_time;

Core::Core(sc_core::sc_module_name name, int id, const CoreParams& p, std::unique_ptr<ThreadStream> stream,
           const Lowering& isa, L1Port* cache, unsigned num_regs)
    : sc_module(name),
      id_(id),
      p_(p),
      jitter_rng_(p.jitter_rng),
      per_cycle_(p.period),
      ord_(OrderingRules::for_isa(isa.isa())),
      stream_(std::move(stream)),
      isa_(isa),
      cache_(cache),
      line_shift_(unsigned(__builtin_ctz(cache->line_size()))),
      lq_(p.load_queue),
      sb_(std::max(1u, p.store_buffer)),
      regs_(num_regs, 0) {
  tell_line_ = cache_->wants_trace_line();
  l1i_ = cache_->has_l1i();
  const OrderingRules& m = ord_.model();
  in_order_loads_ = ordered_before(m, {MemKind::Load}, {MemKind::Load}, false);
  no_store_buffer_ = p.store_buffer == 0;
  fifo_stores_ = ordered_before(m, {MemKind::Store}, {MemKind::Store}, false);
  for (std::uint8_t l = 0; l < 4; ++l)
    for (std::uint8_t st = 4; st < 8; ++st) after_stores_[l] |= ord_.before(st, l, false) || ord_.before(st, l, true);
  prog_ = stream_->program();
  if (prog_) reg_pending_.assign(num_regs, 0), reg_ready_.assign(num_regs, 0);
  // Only a program with a conditional branch on a register can speculate (its
  // statistics appear only then).
  speculates_ = false;
  if (prog_ && !dependency_orders(m, kDepCtrlLoad))
    for (const Op& op : *prog_) speculates_ |= op.kind == OpKind::Branch && op.reads_registers();
  if (speculates_) {
    ck_regs_.assign(num_regs, 0), ck_pending_.assign(num_regs, 0), ck_ready_.assign(num_regs, 0);
    spec_events_.reserve(2 * std::size_t(p.load_queue));
  }
  // The barriers this ISA's table uses, for statistics by kind.
  for (int k = 0; k < kNumOpKinds; ++k)
    for (int o = 0; o < kNumOrderings; ++o) {
      Op op;
      op.kind = OpKind(k);
      op.order = op.fail_order = Ordering(o);
      const Sequence& seq = isa.lower(op);
      for (int i = 0; i < seq.n; ++i)
        if (seq.insts[i].kind == InstKind::Fence) fence_names_[seq.insts[i].orders & 15] = seq.insts[i].mnemonic;
    }
  wake_.bind<&Core::tick>(this);  // runs once at time 0, then whenever woken
}

void Core::line_ready(Tick t, LineAddr line) {
  ++wake_gen_[line & (kWakeBuckets - 1)];
  ++wake_gen_[kAnyLine];
  if (done_) return;
  if (mmu_) mmu_->line_ready(t, line);
  complete_waiting(t, line);
  const Tick now = sim_now();
  const Tick at = std::max(edge(t), now);
  wake_at(wake_, at, now);
}

bool Core::computing(Tick t) const { return busy_until_ > t || (mmu_ && mmu_->in_fault_handler(t)); }

void Core::tick() {
  guarded([this] { run_cycles(); });
}

void Core::run_cycles() {
  if (done_) return;
  const Tick now = sim_now();
  Tick t = edge(std::max(now, p_.start));
  if (t != now) {
    wake_at(wake_, t, now);
    return;
  }
  Tick horizon = 0;
  std::uint64_t epoch = kNoHorizon;
  for (;;) {
    Tick next = cycle(t);
    if (done_ || next == kNever) return;
    // Run the next cycle at once when no other component has anything to do
    // before it: nothing can then observe or change what this core touches.
    if (may_run_ahead(next, now, horizon, epoch)) {
      t = next;
      continue;
    }
    wake_at(wake_, next, now);
    return;
  }
}

// The Primer's "load hit" / "store hit" on a data response: what waited for the
// line completes when the data arrives. Waiting for the next core clock edge instead
// would let another core's request take the line away first, and two cores
// writing one line could then livelock.
void Core::complete_waiting(Tick t, LineAddr line) {
  const unsigned ls = line_shift_;  // lines are a power of two bytes
  if (!in_order_loads_) {
    for (std::size_t i = 0; i < sb_.size(); ++i) {
      StoreEntry& s = sb_.at(i);
      if (s.addr >> ls == line && s.not_before <= t && store_may_drain(i) && cache_->l1_has(s.addr, true) &&
          room_now(t, s.addr)) {
        performed_store(t, s);
        sb_.erase(i);
        break;
      }
    }
    for (std::size_t i = 0; i < lq_.size(); ++i) {
      LoadEntry& e = lq_.at(i);
      if (!e.bound && e.addr >> ls == line && e.not_before <= t && load_may_bind(i) && cache_->l1_has(e.addr, false)) {
        bind_load(t, e, t);
        break;
      }
    }
    if (have_inst_ && rmw_waiting_ && op_.addr >> ls == line) {
      const Inst& in = seq_->insts[seq_pos_];
      Tick dummy = 0;
      if (in.kind == InstKind::Rmw && cache_->l1_has(op_.addr, true) && room_now(t, op_.addr)) {
        rmw_waiting_ = false;
        do_rmw(t, dummy);
      } else if (in.kind == InstKind::Load && (in.sem & kExclusive) && cache_->l1_has(op_.addr, false)) {
        // A load-exclusive binds as its data arrives: the request that may be ordered
        // next on the line would otherwise take it away first, every time.
        rmw_waiting_ = false;
        ports_used_ = 0;
        issue_exclusive_load(t, dummy);
      } else if (in.kind == InstKind::Store && (in.sem & kExclusive) && cache_->l1_has(op_.addr, true)) {
        rmw_waiting_ = false;
        ports_used_ = 0;
        issue_exclusive_store(t, dummy);
      }
    }
    return;
  }
  if (!sb_.empty() && sb_.front().addr >> ls == line && sb_.front().not_before <= t && store_may_drain(0) &&
      cache_->l1_has(sb_.front().addr, true) && room_now(t, sb_.front().addr)) {
    StoreEntry& s = sb_.front();
    performed_store(t, s);
    sb_.pop();
  }
  if (lq_bound_ < lq_.size()) {  // only the oldest unbound load may bind
    LoadEntry& e = lq_.at(lq_bound_);
    if (e.addr >> ls == line && e.not_before <= t && cache_->l1_has(e.addr, false)) bind_load(t, e, t);
  }
  if (have_inst_ && seq_->insts[seq_pos_].kind == InstKind::Rmw && rmw_waiting_ && op_.addr >> ls == line &&
      !atomic_waits(seq_->insts[seq_pos_], true, true, true) && cache_->l1_has(op_.addr, true) &&
      room_now(t, op_.addr))
    perform_rmw(t, t);
}

void Core::performed_store(Tick t, const StoreEntry& s) {
  count_sb_words(s.addr, s.size, -1);  // it leaves the store buffer
  cache_->write(t, s.addr, s.size, s.value);
  if (log_) log_->writers().wrote(s.addr, s.size, log_->writer(log_agent_, s.line));
  observe(AccessEvent::Store, t, s.line, s.order, s.addr, s.size, s.value);
}

void Core::bind_load(Tick t, LoadEntry& e, Tick ready) {
  const std::uint64_t v = cache_->read(t, e.addr, e.size);
  if (observer_ || log_) {
    AccessEvent ev{AccessEvent::Load, id_, e.line, e.order, e.addr, e.size, v, 0, false, false, t, e.seq};
    if (log_) log_->writers().read(e.addr, e.size, ev.rf);
    observe_load(e.seq, ev);
  }
  e.bound = true;
  ++lq_bound_;
  e.done_at = std::max(ready, t);
  if (!prog_) {
    if (e.reg >= 0) regs_[e.reg] = v;
  } else {
    // A load older than the predicted branch also writes the registers kept for a squash.
    if (spec_active_ && e.seq < spec_seq_ && e.reg >= 0 && ck_pending_[std::size_t(e.reg)] == e.seq + 1)
      ck_regs_[std::size_t(e.reg)] = v, ck_pending_[std::size_t(e.reg)] = 0, ck_ready_[std::size_t(e.reg)] = e.done_at;
    // Only the youngest writer of a register sets it (an older load binding later
    // on a weak ISA does not overwrite a younger value).
    if (e.reg >= 0 && reg_pending_[std::size_t(e.reg)] == e.seq + 1) write_reg(e.reg, v, e.done_at);
    if (e.seq == wait_seq_) wait_val_ = v, wait_bound_ = true, wait_ready_ = e.done_at, ++wait_reads_;
  }
  load_latency_.add((e.done_at - e.issued) / p_.period);
}

Tick Core::step(Tick t) { return cycle(t); }

// (inline: run_cycles() runs it in its loop)
inline Tick Core::cycle(Tick t) {
  if (t != cycle_tick_) cycle_tick_ = t, ports_used_ = 0;
  if (hold_line_ != kNoReservation && t >= hold_until_) {
    cache_->release(t);
    hold_line_ = kNoReservation;
  }
  Tick next = kNever;
  bool progress = !lq_.empty() && perform_loads(t, next);
  if (!drain_idle(t)) progress |= drain_store(t, next);
  if (mmu_) progress |= mmu_->advance(t, next, ports_used_);
  if (spec_active_) progress |= resolve_branch(t, next);
  // A load that found the load queue full passed every check before that one, and
  // nothing they read changes while it waits (no later op issues): it needs only the
  // queue to have room.
  if (lq_wait_ && lq_.full()) ++lq_full_;
  else lq_wait_ = false, progress |= issue(t, next);
  if (stream_done_ && !have_inst_ && lq_.empty() && sb_.empty() && busy_until_ <= t && !spec_active_) {
    if (hold_line_ != kNoReservation) cache_->release(t), hold_line_ = kNoReservation;
    done_ = true;
    finish_ = t;
    return kNever;
  }
  if (progress) next = std::min(next, t + p_.period);
  if (hold_line_ != kNoReservation) next = std::min(next, std::max(edge(hold_until_), t + p_.period));
  return next;
}

// x86: what perform_loads() would do for the load just issued (the youngest), without
// walking the older ones again: start its access, and bind it if every older load
// has its value.
void Core::start_youngest_load(Tick t, Tick& next) {
  const std::size_t i = lq_.size() - 1;
  // Loads bind in order, so the bound ones are the oldest: every older load is bound
  // when all but this one are.
  const bool in_order = lq_bound_ == i;
  LoadEntry& e = lq_.at(i);
  if (e.not_before > t) {
    next = std::min(next, edge(e.not_before));
    return;
  }
  if (ports_used_ >= p_.ports) {
    next = std::min(next, t + p_.period);
    return;
  }
  ++ports_used_;
  if (tell_line_) cache_->set_trace_line(e.line);
  cache_->set_access_pc(e.pc);
  const Access a = cache_->access(t, e.addr, false, true);
  if (a.kind != Access::Blocked) mark_accessed(e);
  if (a.kind == Access::Ready && in_order) {
    bind_load(t, e, a.ready);
    if (e.done_at > t) next = std::min(next, edge(e.done_at));
  } else if (a.kind != Access::Ready) {
    wait_for(e, a);
  }
}

bool Core::perform_loads(Tick t, Tick& next) {
  bool progress = false;
  while (!lq_.empty() && lq_.front().bound && lq_.front().done_at <= t) {
    if (log_) {
      const LoadEntry& e = lq_.front();
      log_->load_queue(t, log_agent_, EventLog::LqStep::Retire, e.addr, e.size, e.seq, e.line);
    }
    lq_unaccessed_ -= !lq_.front().accessed;  // (a load bound by its line's arrival may never have asked)
    --lq_bound_;
    lq_.pop();
    progress = true;
  }
  if (!in_order_loads_) {
    // Any load may bind when its line is readable, unless something orders it.
    for (std::size_t i = 0; i < lq_.size(); ++i) {
      LoadEntry& e = lq_.at(i);
      if (e.bound) {
        if (e.done_at > t) next = std::min(next, edge(e.done_at));
        continue;
      }
      if (e.not_before > t) {  // its issue delay (CoreParams::load_jitter)
        next = std::min(next, edge(e.not_before));
        continue;
      }
      if (still_waiting(e)) continue;
      if (ports_used_ >= p_.ports) {
        next = std::min(next, t + p_.period);
        break;
      }
      const bool may = load_may_bind(i);
      if (!may && e.accessed) continue;
      ++ports_used_;
      if (tell_line_) cache_->set_trace_line(e.line);
      cache_->set_access_pc(e.pc);
      const Access a = cache_->access(t, e.addr, false, !e.accessed);
      if (a.kind != Access::Blocked) mark_accessed(e);
      if (a.kind == Access::Ready && may) {
        bind_load(t, e, a.ready);
        if (e.done_at > t) next = std::min(next, edge(e.done_at));
        progress = true;
      } else if (a.kind != Access::Ready) {
        wait_for(e, a);
      } else {
        next = std::min(next, t + p_.period);  // readable but ordered: try again
      }
    }
    return progress;
  }
  // The bound loads are the oldest (loads bind in order): the next cycle with work for
  // them is the edge after the earliest data still to come (edge() is monotonic).
  Tick soonest = kNever;
  for (std::size_t i = 0; i < lq_bound_; ++i) {
    const Tick d = lq_.at(i).done_at;
    if (d > t && d < soonest) soonest = d;
  }
  if (soonest != kNever) next = std::min(next, edge(soonest));
  bool in_order = true;  // every older load is bound
  for (std::size_t i = lq_bound_; i < lq_.size(); ++i) {
    LoadEntry& e = lq_.at(i);
    if (e.bound) {  // bound in this walk
      if (e.done_at > t) next = std::min(next, edge(e.done_at));
      continue;
    }
    // The bound loads are the oldest (loads bind in order). Past the oldest unbound
    // one, a load has something to do only if it has an issue delay or its access has
    // not started: with neither, the rest of the queue is left alone.
    if (!in_order && lq_unaccessed_ == 0 && p_.load_jitter == 0) break;
    if (e.not_before > t) {  // its issue delay (CoreParams::load_jitter): younger loads do not bind
      next = std::min(next, edge(e.not_before));
      in_order = false;
      continue;
    }
    // A younger load starts its access early (its miss overlaps) but binds in order.
    if (still_waiting(e) || (!in_order && e.accessed)) {
      in_order = false;
      if (lq_unaccessed_ == 0 && p_.load_jitter == 0) break;  // (the check above, for the next load)
      continue;
    }
    if (ports_used_ >= p_.ports) {
      next = std::min(next, t + p_.period);
      break;
    }
    ++ports_used_;
    if (tell_line_) cache_->set_trace_line(e.line);
    cache_->set_access_pc(e.pc);
    const Access a = cache_->access(t, e.addr, false, !e.accessed);
    if (a.kind != Access::Blocked) mark_accessed(e);
    if (a.kind == Access::Ready && in_order) {
      bind_load(t, e, a.ready);
      if (e.done_at > t) next = std::min(next, edge(e.done_at));
      progress = true;
      continue;
    }
    if (a.kind != Access::Ready) wait_for(e, a);
    in_order = false;
  }
  return progress;
}

// The ordering rules are ord_'s (ordered_before(), cpu/memory_model.hpp): e.g. on
// AArch64 an older unbound acquire load or a load of the same line (CoRR), or an
// older release store for an acquire load (RCsc).
bool Core::load_may_bind(std::size_t i) const {
  const LoadEntry& e = lq_.at(i);
  for (std::size_t k = 0; k < i; ++k) {
    const LoadEntry& o = lq_.at(k);
    if (!o.bound && ord_.before(o.cls, e.cls, same_line(o.addr, e.addr))) return false;
  }
  if (after_stores_[e.cls])
    for (std::size_t k = 0; k < sb_.size(); ++k) {
      const StoreEntry& s = sb_.at(k);
      if (s.seq < e.seq && ord_.before(s.cls, e.cls, same_line(s.addr, e.addr))) return false;
    }
  return true;
}

// Whether a load of class `c` at op_.addr, about to be forwarded from the store buffer,
// must wait: the checks of load_may_bind() for a load not yet in the load queue.
bool Core::forward_must_wait(std::uint8_t c) const {
  for (std::size_t k = 0; k < lq_.size(); ++k) {
    const LoadEntry& o = lq_.at(k);
    if (!o.bound && ord_.before(o.cls, c, same_line(o.addr, op_.addr))) return true;
  }
  if (after_stores_[c])
    for (std::size_t k = 0; k < sb_.size(); ++k)
      if (ord_.before(sb_.at(k).cls, c, same_line(sb_.at(k).addr, op_.addr))) return true;
  return false;
}

// E.g. an older store to the same line (CoWW), any older store or unbound load for a
// release, an older unbound load of the same line (CoRW) or an acquire; on x86 every
// older store (W->W) and unbound load (R->W).
bool Core::store_may_drain(std::size_t i) const {
  const StoreEntry& s = sb_.at(i);
  if (spec_active_ && s.seq >= spec_seq_) return false;  // after an unresolved branch: not visible yet
  for (std::size_t k = 0; k < i; ++k) {
    const StoreEntry& o = sb_.at(k);
    if (ord_.before(o.cls, s.cls, same_line(o.addr, s.addr))) return false;
  }
  // The load queue is in program order: the first load younger than the store ends
  // the search. With in-order binding the bound loads are the oldest, and skipped.
  for (std::size_t k = in_order_loads_ ? lq_bound_ : 0; k < lq_.size(); ++k) {
    const LoadEntry& l = lq_.at(k);
    if (l.seq > s.seq) break;
    if (l.bound) continue;
    if (ord_.before(l.cls, s.cls, same_line(l.addr, s.addr))) return false;
  }
  return true;
}

// `stores`/`loads`: which queues to look at. An older load counts until it is bound,
// or, where the description says a barrier waits for load data (x86), until it has
// left the load queue.
bool Core::atomic_waits(const Inst& in, bool stores, bool loads, bool by_location) const {
  const std::uint8_t c = cls(in);
  for (std::size_t k = 0; stores && k < sb_.size(); ++k)
    if (ord_.before(sb_.at(k).cls, c, by_location && same_line(sb_.at(k).addr, op_.addr))) return true;
  const bool data = ord_.model().barrier_waits_load_data;
  for (std::size_t k = 0; loads && k < lq_.size(); ++k) {
    const LoadEntry& l = lq_.at(k);
    if ((!l.bound || data) && ord_.before(l.cls, c, by_location && same_line(l.addr, op_.addr))) return true;
  }
  return false;
}

bool Core::older_loads_bound() const { return lq_bound_ == lq_.size(); }

// Stores leave the store buffer in any order (to different lines) unless ordered.
bool Core::drain_weak(Tick t, Tick& next) {
  for (std::size_t i = 0; i < sb_.size(); ++i) {
    StoreEntry& s = sb_.at(i);
    if (s.not_before > t) {  // its drain delay (CoreParams::drain_jitter)
      next = std::min(next, edge(s.not_before));
      continue;
    }
    if (still_waiting(s) || !store_may_drain(i)) continue;
    if (ports_used_ >= p_.ports) {
      next = std::min(next, t + p_.period);
      return false;
    }
    ++ports_used_;
    if (tell_line_) cache_->set_trace_line(s.line);
    cache_->set_access_pc(s.pc);
    const Access a = cache_->access(t, s.addr, true, !s.accessed);
    if (a.kind != Access::Blocked) s.accessed = true;
    if (a.kind != Access::Ready) {
      wait_for(s, a);
      continue;
    }
    if (!store_room(t, s.addr, next)) continue;  // a write-through L1D's full write buffer
    performed_store(t, s);
    if (i > 0) ++out_of_order_drains_;
    sb_.erase(i);
    return true;
  }
  return false;
}

bool Core::drain_store(Tick t, Tick& next) {
  if (!fifo_stores_) return drain_weak(t, next);
  if (sb_.empty()) return false;
  StoreEntry& s = sb_.front();
  if (s.not_before > t) {  // its drain delay (CoreParams::drain_jitter)
    next = std::min(next, edge(s.not_before));
    return false;
  }
  if (still_waiting(s)) return false;
  // In order (W->W kept); TSO's R->W: a store becomes visible only after every older
  // load has its value (a store retires after the loads before it), or load
  // buffering would appear.
  if (!store_may_drain(0)) return false;
  if (ports_used_ >= p_.ports) {
    next = std::min(next, t + p_.period);
    return false;
  }
  ++ports_used_;
  if (tell_line_) cache_->set_trace_line(s.line);
  cache_->set_access_pc(s.pc);
  const Access a = cache_->access(t, s.addr, true, !s.accessed);
  if (a.kind != Access::Blocked) s.accessed = true;
  if (a.kind != Access::Ready) {
    wait_for(s, a);
    return false;
  }
  // A write-through L1D whose write buffer is full holds the store back.
  if (!store_room(t, s.addr, next)) return false;
  // The store performs when the L1 holds the line writable; the store buffer slot
  // frees at once (the L1 write pipeline takes one store per cycle).
  performed_store(t, s);
  sb_.pop();
  return true;
}

bool Core::fetch_inst() {
  while (!have_inst_) {
    if (prog_) {
      if (pc_ >= prog_->size()) {
        stream_done_ = true;
        return false;
      }
      op_ = (*prog_)[pc_++];
    } else if (stream_done_ || !stream_->next(op_)) {
      stream_done_ = true;
      return false;
    }
    if (op_.kind == OpKind::Marker) {  // no instruction, no operation: the window's bound
      if (window_) window_->on_marker(id_, MarkerKind(op_.value), cycle_tick_);
      continue;
    }
    seq_ = &isa_.lower(op_);
    seq_pos_ = 0;
    translated_ = false;
    if (seq_->n == 0) {  // lowers to nothing (e.g. an Acquire fence on x86)
      count_op();
      continue;
    }
    unresolved_ = op_.reads_registers();
    const Addr line_bytes = Addr(1) << line_shift_;  // the L1's line size
    if (!unresolved_ && is_memory(op_.kind) && (op_.addr & (line_bytes - 1)) + op_.size > line_bytes)
      throw UserError("trace line " + std::to_string(op_.line) + ": access crosses a cache line");
    have_inst_ = true;
  }
  return true;
}

void Core::retire_inst() {
  ++instructions_;
  ++seq_pos_;
  // The success path of a compare-and-swap ends where its fail path begins.
  if (seq_pos_ < seq_->n && (seq_->insts[seq_pos_].ctl & kFailPath) && !(seq_->insts[seq_pos_ - 1].ctl & kFailPath))
    seq_pos_ = seq_->n;
  if (seq_pos_ == seq_->n) {
    have_inst_ = false;
    count_op();
  }
}

// The operation's register operands become its address, value and expected value,
// once the registers hold their values (a load writing one has bound and its data
// has arrived): address, data and control dependencies.
bool Core::resolve_operands(Tick t, Tick& next) {
  for (std::int16_t r : {op_.areg, op_.vreg, op_.ereg}) {
    if (r < 0) continue;
    if (reg_pending_[std::size_t(r)]) return false;  // bind_load wakes the core
    if (reg_ready_[std::size_t(r)] > t) {
      next = std::min(next, edge(reg_ready_[std::size_t(r)]));
      return false;
    }
  }
  const std::uint64_t mask = op_.size == 8 ? ~0ull : ((1ull << (8 * op_.size)) - 1);
  const bool mem = is_memory(op_.kind);
  if (op_.areg >= 0) op_.addr += regs_[std::size_t(op_.areg)];
  if (op_.vreg >= 0) op_.value = mem ? regs_[std::size_t(op_.vreg)] & mask : regs_[std::size_t(op_.vreg)];
  if (op_.ereg >= 0) op_.expected = mem ? regs_[std::size_t(op_.ereg)] & mask : regs_[std::size_t(op_.ereg)];
  unresolved_ = false;
  if (mem && op_.areg >= 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(op_.addr));
    if (op_.addr & (op_.size - 1u))
      throw UserError("trace line " + std::to_string(op_.line) + ": address " + buf +
                      " (through a register) is not aligned to the access size " + std::to_string(op_.size));
    if ((op_.addr & (cache_->line_size() - 1)) + op_.size > cache_->line_size())
      throw UserError("trace line " + std::to_string(op_.line) + ": access at " + buf + " crosses a cache line");
  }
  return true;
}

// What may issue after a predicted branch: loads, stores (they wait in the store
// buffer), register ops, resolved branches and barriers. Nothing that writes memory
// at issue (RMWs, exclusives), keeps the core busy (compute) or waits in a loop.
bool Core::may_issue_speculatively(const Inst& in) const {
  if (in.sem & kExclusive) return false;
  switch (in.kind) {
    case InstKind::Load:
      return op_.kind != OpKind::Wait;
    case InstKind::Store:
    case InstKind::Alu:
    case InstKind::Fence:
    case InstKind::IFetch: return true;
    case InstKind::Branch: return in.branch == BranchKind::OpBranch;
    default: return false;  // Rmw, Compute, Hint, ClearExclusive, the wait's loop
  }
}

// The branch in op_ waits for a loaded register: predict it not taken (the fall
// through), keep the registers for a squash, and go on with the next op.
void Core::predict(Tick t) {
  (void)t;
  spec_active_ = true;
  spec_seq_ = next_seq_;
  spec_branch_ = op_;
  std::copy(regs_.begin(), regs_.end(), ck_regs_.begin());
  std::copy(reg_pending_.begin(), reg_pending_.end(), ck_pending_.begin());
  std::copy(reg_ready_.begin(), reg_ready_.end(), ck_ready_.begin());
  ++predicted_;
  instructions_ += seq_->n;  // cmp; b.ne: issued, resolved later
  have_inst_ = false;
  count_op();
  spec_ops_ = ops_, spec_spin_ops_ = spin_ops_;
}

// The predicted branch's operands from the registers kept at the branch: once they are
// there, either the prediction held (the speculative work becomes ordinary) or the
// younger loads and stores are squashed and the core refetches at the target.
bool Core::resolve_branch(Tick t, Tick& next) {
  const Op& b = spec_branch_;
  for (std::int16_t r : {b.ereg, b.vreg}) {
    if (r < 0) continue;
    if (ck_pending_[std::size_t(r)]) return false;  // bind_load wakes the core
    if (ck_ready_[std::size_t(r)] > t) {
      next = std::min(next, edge(ck_ready_[std::size_t(r)]));
      return false;
    }
  }
  const std::uint64_t a = b.ereg >= 0 ? ck_regs_[std::size_t(b.ereg)] : b.expected;
  const std::uint64_t v = b.vreg >= 0 ? ck_regs_[std::size_t(b.vreg)] : b.value;
  spec_active_ = false;
  if (!holds(b.cond, a, v)) {  // predicted right: the loads bound early are reported now
    for (const AccessEvent& e : spec_events_) report(e);
    spec_events_.clear();
    return true;
  }
  ++mispredicted_;
  lq_wait_ = false;  // the op waiting to issue is squashed
  spec_events_.clear();
  while (!lq_.empty() && lq_.at(lq_.size() - 1).seq >= spec_seq_) {
    if (log_) {
      const LoadEntry& e = lq_.at(lq_.size() - 1);
      log_->load_queue(t, log_agent_, EventLog::LqStep::Squash, e.addr, e.size, e.seq, e.line);
    }
    lq_unaccessed_ -= !lq_.at(lq_.size() - 1).accessed;
    lq_bound_ -= lq_.at(lq_.size() - 1).bound;
    lq_.pop_back(), ++squashed_loads_;
  }
  while (!sb_.empty() && sb_.at(sb_.size() - 1).seq >= spec_seq_) {
    count_sb_words(sb_.at(sb_.size() - 1).addr, sb_.at(sb_.size() - 1).size, -1);
    sb_.pop_back(), ++squashed_stores_;
  }
  std::copy(ck_regs_.begin(), ck_regs_.end(), regs_.begin());
  std::copy(ck_pending_.begin(), ck_pending_.end(), reg_pending_.begin());
  std::copy(ck_ready_.begin(), ck_ready_.end(), reg_ready_.begin());
  ops_ = spec_ops_, spin_ops_ = spec_spin_ops_;
  pc_ = b.target;
  have_inst_ = false;
  stream_done_ = false;
  unresolved_ = false;
  stall_since_ = kNever;
  return true;
}

// The instructions only programs have: register ALU ops, branches, a wait's loop.
bool Core::issue_program_inst(Tick t, const Inst& in, Tick& next) {
  if (in.kind == InstKind::Hint) {
    // pause / isb: nothing after it issues before the loads before it have completed.
    if (!older_loads_bound()) return false;
    retire_inst();
    return true;
  }
  switch (in.branch) {
    case BranchKind::OpBranch:
      if (holds(op_.cond, op_.expected, op_.value)) pc_ = op_.target;
      retire_inst();
      return true;
    case BranchKind::ExitIfAwaited: {
      if (!wait_bound_) return false;
      if (wait_ready_ > t) {
        next = std::min(next, edge(wait_ready_));
        return false;
      }
      if (holds(op_.cond, wait_val_, op_.value)) {  // done: leave the loop
        ++instructions_;
        seq_pos_ = seq_->n;
        have_inst_ = false;
        wait_seq_ = ~0ull;
        count_op();
        return true;
      }
      retire_inst();
      return true;
    }
    case BranchKind::LoopBack:
      ++instructions_;
      seq_pos_ = 0;
      wait_bound_ = false;
      return true;
    default: break;
  }
  return false;
}

void Core::jump_fail_path() {
  unsigned k = seq_pos_ + 1;
  while (k < seq_->n && !(seq_->insts[k].ctl & kFailPath)) ++k;
  seq_pos_ = k;  // the first fail-path instruction, or the end
  ++instructions_;
  if (seq_pos_ == seq_->n) {
    have_inst_ = false;
    count_op();
  }
}

bool Core::issue(Tick t, Tick& next) {
  if (busy_until_ > t) {
    next = std::min(next, busy_until_);
    return false;
  }
  if (!fetch_inst()) return false;
  if (unresolved_ && !resolve_operands(t, next)) {
    if (speculates_ && op_.kind == OpKind::Branch && !spec_active_ && seq_pos_ == 0) {
      for (std::size_t k = 0; k < lq_.size(); ++k)  // nothing passes an unbound acquire
        if (lq_.at(k).acquire && !lq_.at(k).bound) return false;
      predict(t);
      return true;
    }
    return false;
  }
  const Inst& in = seq_->insts[seq_pos_];
  if (spec_active_ && !may_issue_speculatively(in)) return false;
  if (acquire_pending_) {  // nothing after an acquire load issues before it binds
    for (std::size_t k = 0; k < lq_.size(); ++k)
      if (lq_.at(k).acquire && !lq_.at(k).bound) return false;
    acquire_pending_ = false;
  }
  const bool memory = in.kind == InstKind::Load || in.kind == InstKind::Store || in.kind == InstKind::Rmw;
  // No store buffer: a memory operation issues only once the older store has been
  // written in the L1D, and a store only once the older loads have their values, so
  // the L1D sees this core's stores in program order with its loads.
  if (no_store_buffer_ && memory && (!sb_.empty() || (in.kind == InstKind::Store && !older_loads_bound())))
    return false;
  if (mmu_ && !translated_ && memory &&
      !translate_op(t, next))
    return false;
  if (in.sem & kExclusive) {
    return in.kind == InstKind::Load ? issue_exclusive_load(t, next) : issue_exclusive_store(t, next);
  }
  switch (in.kind) {
    case InstKind::Compute:
      busy_until_ = t + op_.value * p_.period;
      busy_cycles_ += op_.value;
      ++computes_;
      retire_inst();
      return true;
    case InstKind::IFetch:
      if (l1i_ && !fetch_line(t, next)) return false;
      ++ifetches_;
      retire_inst();
      return true;
    case InstKind::Load: {
      // Store-to-load forwarding from the youngest older store to the same bytes
      // (none when no store in the buffer writes an 8-byte word of the load).
      for (std::size_t i = sb_may_overlap(op_.addr, op_.size) ? sb_.size() : 0; i-- > 0;) {
        StoreEntry& s = sb_.at(i);
        if (s.addr + s.size <= op_.addr || op_.addr + op_.size <= s.addr) continue;
        if (s.addr <= op_.addr && op_.addr + op_.size <= s.addr + s.size) {
          // A forwarded load binds at once, so it first waits for what the ordering
          // rules put before it, as a load from the cache does (load_may_bind): older
          // unbound loads ordered before it (x86's R->R; an older acquire), and older
          // stores ordered before it (AArch64's stlr before ldar), which must leave the
          // store buffer first (the load then reads the cache).
          if (forward_must_wait(cls(in))) {
            stall_begin(t);
            return false;
          }
          const std::uint64_t v = s.value >> (8 * (op_.addr - s.addr));
          const std::uint64_t mask = op_.size == 8 ? ~0ull : ((1ull << (8 * op_.size)) - 1);
          if (op_.reg >= 0) write_reg(op_.reg, v & mask, t);
          if (prog_ && op_.kind == OpKind::Wait)
            wait_val_ = v & mask, wait_bound_ = true, wait_ready_ = t, ++wait_reads_;
          if (observer_ || log_) {
            AccessEvent ev{AccessEvent::Load, id_, op_.line, op_.order, op_.addr, op_.size, v & mask, 0, false, true, t};
            if (log_)
              for (unsigned k = 0; k < op_.size; ++k) ev.rf[k] = log_->writer(log_agent_, s.line);
            observe_load(next_seq_, ev);
          }
          ++forwarded_, ++loads_;
          load_latency_.add(1);
          stall_end(t, forward_stall_);
          retire_inst();
          return true;
        }
        stall_begin(t);  // a partial overlap waits for the store to drain
        return false;
      }
      if (lq_.full()) {
        ++lq_full_;
        lq_wait_ = true;
        return false;
      }
      LoadEntry& e = lq_.push();
      e = LoadEntry{next_seq_++,
                    op_.addr,
                    t,
                    0,
                    0,
                    op_.reg,
                    op_.size,
                    op_.line,
                    op_.order,
                    false,
                    false,
                    false,
                    bool(in.sem & kAcquire),
                    0,
                    cls(in),
                    op_.pc,
                    p_.load_jitter ? jittered(t, p_.load_jitter) : 0};
      ++lq_unaccessed_;
      if (log_) log_->load_queue(t, log_agent_, EventLog::LqStep::Issue, e.addr, e.size, e.seq, e.line);
      if (e.acquire) acquire_pending_ = true, ++acquires_;
      if (prog_) {
        if (e.reg >= 0) reg_pending_[std::size_t(e.reg)] = e.seq + 1;
        if (op_.kind == OpKind::Wait) wait_seq_ = e.seq, wait_bound_ = false;
      }
      ++loads_;
      retire_inst();
      // Start its access in this cycle if a port is free.
      if (in_order_loads_) start_youngest_load(t, next);
      else perform_loads(t, next);
      return true;
    }
    case InstKind::Store: {
      if (sb_.full()) {
        ++sb_full_;
        return false;
      }
      count_sb_words(op_.addr, op_.size, 1);
      StoreEntry& s = sb_.push();
      s = StoreEntry{
          next_seq_++, op_.addr,  op_.value, 0, op_.size, op_.line, op_.order, false, false, bool(in.sem & kRelease), 0,
          cls(in), op_.pc, p_.drain_jitter ? jittered(t, p_.drain_jitter) : 0};
      if (log_) log_->store(t, log_agent_, false, s.addr, s.size, s.value, s.line);
      if (s.release) ++releases_;
      ++stores_;
      retire_inst();
      return true;
    }
    case InstKind::Rmw: return do_rmw(t, next);
    case InstKind::Alu:  // computes the new value; the trace op says what it is
      if (is_alu(op_.kind) && seq_pos_ == 0) {
        const std::uint64_t a = op_.expected, b = op_.value;
        std::uint64_t v = b;
        switch (op_.kind) {
          case OpKind::Add: v = a + b; break;
          case OpKind::Sub: v = a - b; break;
          case OpKind::And: v = a & b; break;
          case OpKind::Or: v = a | b; break;
          case OpKind::Xor: v = a ^ b; break;
          case OpKind::Eq: v = a == b; break;
          case OpKind::Lt: v = a < b; break;
          default: break;  // mov
        }
        write_reg(op_.reg, v, t);
      }
      retire_inst();
      return true;
    case InstKind::Hint: return issue_program_inst(t, in, next);
    case InstKind::ClearExclusive:
      reservation_ = kNoReservation;
      end_hold(t);
      retire_inst();
      return true;
    case InstKind::Branch:
      if (in.branch >= BranchKind::OpBranch) return issue_program_inst(t, in, next);
      if (in.branch == BranchKind::RetryIfStoreFailed && excl_failed_) {
        ++instructions_;
        while (seq_pos_ > 0 && !(seq_->insts[seq_pos_].ctl & kLoopStart)) --seq_pos_;
        return true;
      }
      if (in.branch == BranchKind::ExitIfNotEqual) {
        const std::uint64_t mask = op_.size == 8 ? ~0ull : ((1ull << (8 * op_.size)) - 1);
        if (excl_old_ != (op_.expected & mask)) {
          observe_rmw(t, op_.fail_order, excl_old_, excl_old_, false);
          jump_fail_path();
          return true;
        }
      }
      retire_inst();
      return true;
    case InstKind::Fence: {
      // A barrier holds back everything after it until the earlier accesses it
      // orders are done: loads (for R->*; bound, or on x86 out of the load queue),
      // stores out of the buffer (W->*).
      const OrderingRules& m = ord_.model();
      const MemOp f = m.classify(in);
      const bool loads = ordered_before(m, {MemKind::Load}, f, false);
      const bool stores = ordered_before(m, {MemKind::Store}, f, false);
      if ((loads && !(m.barrier_waits_load_data ? lq_.empty() : older_loads_bound())) || (stores && !sb_.empty())) {
        stall_begin(t);
        return false;
      }
      count_fence(t, in);
      stall_end(t, fence_stall_);
      ++fences_;
      if (in.orders) ++barriers_;  // dmb, RISC-V fence (not mfence)
      if (op_.kind == OpKind::Fence) observe(AccessEvent::Fence, t, op_.line, op_.order, 0, 0, 0);
      retire_inst();
      return true;
    }
  }
  return false;
}

// The operation's virtual address becomes physical for all its instructions.
bool Core::translate_op(Tick t, Tick& next) {
  Addr pa;
  if (!mmu_->translate(t, op_, pa, next, ports_used_)) return false;
  op_.addr = pa;
  translated_ = true;
  return true;
}

// ldxr / ldaxr / lr.d: read the line and set the reservation on it. It waits for
// older stores to the same line (and, if acquire, for older releases).
bool Core::issue_exclusive_load(Tick t, Tick& next) {
  const Inst& in = seq_->insts[seq_pos_];
  const unsigned ls = line_shift_;  // lines are a power of two bytes
  for (std::size_t k = 0; k < sb_.size(); ++k)
    if (sb_.at(k).addr >> ls == op_.addr >> ls || ord_.before(sb_.at(k).cls, cls(in), false)) {
      stall_begin(t);
      return false;
    }
  // An older load of the same line (CoRR), or one ordered before it, binds first: with
  // a load delayed (core.load_jitter) the exclusive could otherwise read older data.
  if (atomic_waits(in, false, true, true)) {
    stall_begin(t);
    next = std::min(next, t + p_.period);
    return false;
  }
  Access a;
  if (!atomic_access(t, false, next, a)) return false;
  excl_old_ = cache_->read(t, op_.addr, op_.size);
  if (log_) {  // the store it read, for its own record and the RMW record of its loop
    log_->writers().read(op_.addr, op_.size, rmw_rf_);
    log_->load(t, log_agent_, op_.addr, op_.size, excl_old_, false, op_.line, EventLog::kNoSeq, rmw_rf_, true);
  }
  if (op_.reg >= 0) write_reg(op_.reg, excl_old_, std::max(a.ready, t));
  reservation_ = op_.addr >> ls;
  hold_line(t, reservation_);
  if (in.sem & kAcquire) ++acquires_;
  busy_until_ = std::max(a.ready, t);
  rmw_accessed_ = rmw_waiting_ = false;
  stall_end(t, rmw_stall_);
  retire_inst();
  return true;
}

// Forward progress of LL/SC loops (docs/lowering.md, "Exclusive monitors"): a line
// this core may write when a load-exclusive reads it, or when a store-exclusive fails
// (it gained the line only after losing the reservation), stays here while the loop
// needs it: other caches' requests for it wait until the next store-exclusive on it,
// a clrex, or kHoldCycles. One line at a time; an ended hold is not renewed before
// cycle() has released it, so no core holds a line for ever.
void Core::hold_line(Tick t, LineAddr line) {
  if (hold_line_ != kNoReservation || !cache_->hold(line)) return;
  hold_line_ = line;
  hold_until_ = edge(t) + kHoldCycles * p_.period;
}

// stxr / stlxr / sc.d: writes the new value only if the reservation still holds.
// Simplification: it performs at the cache once the store buffer has drained.
bool Core::issue_exclusive_store(Tick t, Tick& next) {
  const Inst& in = seq_->insts[seq_pos_];
  // An older load of the same line must have its value first (CoRW): with a load
  // delayed (core.load_jitter) it could otherwise read this store's value.
  if (!sb_.empty() || atomic_waits(in, false, true, true)) {
    stall_begin(t);
    return false;
  }
  const unsigned ls = line_shift_;       // lines are a power of two bytes
  if (reservation_ != op_.addr >> ls) {  // lost already: fail without asking for the line
    excl_failed_ = true;
    ++sc_failures_;
    reservation_ = kNoReservation;
    end_hold(t);
    hold_line(t, op_.addr >> ls);  // for the retry, if it is writable here
    rmw_accessed_ = rmw_waiting_ = false;
    stall_end(t, rmw_stall_);
    retire_inst();
    return true;
  }
  Access a;
  if (!atomic_access(t, true, next, a)) return false;
  excl_failed_ = reservation_ != op_.addr >> ls;  // lost while we waited for the line
  end_hold(t);
  if (excl_failed_) {
    ++sc_failures_;
    hold_line(t, op_.addr >> ls);  // we gained the line after losing the reservation: for the retry
  } else {
    const std::uint64_t mask = op_.size == 8 ? ~0ull : ((1ull << (8 * op_.size)) - 1);
    cache_->write(t, op_.addr, op_.size, rmw_result(excl_old_) & mask);
    if (log_) log_->writers().wrote(op_.addr, op_.size, log_->writer(log_agent_, op_.line));
    observe_rmw(t, op_.order, excl_old_, rmw_result(excl_old_) & mask, true);
    ++rmws_;
    if (in.sem & kRelease) ++releases_;
  }
  reservation_ = kNoReservation;
  busy_until_ = std::max(a.ready, t);
  rmw_accessed_ = rmw_waiting_ = false;
  stall_end(t, rmw_stall_);
  retire_inst();
  return true;
}

// The ifetch in op_ with an L1I: a hit goes on at once; a miss stalls issue (the
// core's fetch) until the line is in the L1I, when the ifetch retires. An ifetch takes
// no L1D port and no load-queue entry.
bool Core::fetch_line(Tick t, Tick& next) {
  if (still_waiting(if_waiting_, if_gen_)) return false;
  const Access a = cache_->ifetch(t, op_.addr, !if_accessed_, op_.line);
  if (a.kind != Access::Ready) {
    if (a.kind == Access::Pending) if_accessed_ = true;  // a Blocked one is counted when asked again
    if_waiting_ = true, if_gen_ = wake_gen_[kAnyLine];
    stall_begin(t);
    return false;
  }
  if_accessed_ = if_waiting_ = false;
  stall_end(t, ifetch_stall_);
  if (a.ready > t) {  // an L2 hit: the fetch waits for its latency
    busy_until_ = a.ready;
    ifetch_stall_ += (a.ready - t) / p_.period;
    next = std::min(next, a.ready);
  }
  return true;
}

// The cache access of the current atomic instruction (locked RMW, AMO, exclusive
// load or store): true when the line is ready, in `a`.
bool Core::atomic_access(Tick t, bool write, Tick& next, Access& a) {
  if (still_waiting(rmw_waiting_, rmw_gen_)) return false;
  // The line this instruction waited for has arrived (for a store, the cache may
  // have granted this one store without a stable writable state, as Dragon's update
  // does): asking again would start another transaction.
  if (rmw_accessed_ && cache_->l1_has(op_.addr, write)) {
    a = {Access::Ready, t};
    if (write && !store_room(t, op_.addr, next)) {  // a write-through L1D's full write buffer
      stall_begin(t);
      return false;
    }
    return true;
  }
  if (ports_used_ >= p_.ports) {
    next = std::min(next, t + p_.period);
    return false;
  }
  ++ports_used_;
  if (tell_line_) cache_->set_trace_line(op_.line);
  cache_->set_access_pc(op_.pc);
  a = cache_->access(t, op_.addr, write, !rmw_accessed_, AccessKind::Rmw);
  if (a.kind != Access::Blocked) rmw_accessed_ = true;
  if (a.kind != Access::Ready) {
    rmw_waiting_ = true, rmw_gen_ = wake_gen_[kAnyLine];
    stall_begin(t);
    return false;
  }
  if (write && !store_room(t, op_.addr, next)) {  // a write-through L1D's full write buffer
    stall_begin(t);
    return false;
  }
  return true;
}

void Core::count_fence(Tick t, const Inst& in) {
  const unsigned k = in.orders & 15;
  ++fences_by_kind_[k];
  if (log_) log_->fence(t, log_agent_, fence_names_[k] ? fence_names_[k] : "fence", op_.line);
  if (stall_since_ != kNever) fence_stall_by_kind_[k] += (t - stall_since_) / p_.period;
}

std::uint64_t Core::rmw_result(std::uint64_t old) const {
  switch (op_.kind) {
    case OpKind::FetchAdd: return old + op_.value;
    case OpKind::FetchSub: return old - op_.value;
    case OpKind::FetchAnd: return old & op_.value;
    case OpKind::FetchOr: return old | op_.value;
    case OpKind::FetchXor: return old ^ op_.value;
    case OpKind::CompareExchange:
    case OpKind::CompareExchangeWeak: return old == op_.expected ? op_.value : old;
    default: return op_.value;  // swap, and a SeqCst store lowered to xchg
  }
}

bool Core::do_rmw(Tick t, Tick& next) {
  // A single-instruction atomic: after the older accesses ordered before it (to its
  // line; every one for a release; on x86, locked, every one).
  if (atomic_waits(seq_->insts[seq_pos_], true, true, true)) {
    stall_begin(t);
    return false;
  }
  Access a;
  if (!atomic_access(t, true, next, a)) return false;
  perform_rmw(t, a.ready);
  return true;
}

void Core::perform_rmw(Tick t, Tick ready) {
  // Locked: the read and the write happen in the same cycle while the line is held
  // writable, so no other cache can intervene.
  const std::uint64_t mask = op_.size == 8 ? ~0ull : ((1ull << (8 * op_.size)) - 1);
  const std::uint64_t old = cache_->read(t, op_.addr, op_.size);
  if (log_) log_->writers().read(op_.addr, op_.size, rmw_rf_);  // before its own write
  const std::uint64_t neu = rmw_result(old) & mask;
  const bool writes = !((op_.kind == OpKind::CompareExchange || op_.kind == OpKind::CompareExchangeWeak) &&
                        old != (op_.expected & mask));
  if (writes) {
    cache_->write(t, op_.addr, op_.size, neu);
    if (log_) log_->writers().wrote(op_.addr, op_.size, log_->writer(log_agent_, op_.line));
  }
  observe_rmw(t, writes || !is_rmw(op_.kind) ? op_.order : op_.fail_order, old, neu, writes);
  if (op_.reg >= 0) write_reg(op_.reg, old, std::max(ready, t));
  busy_until_ = std::max(ready, t);
  ++rmws_;
  if (op_.kind == OpKind::Store) ++stores_;
  stall_end(t, rmw_stall_);
  rmw_accessed_ = false;
  rmw_waiting_ = false;
  retire_inst();
}

// Statistics (docs/stats.md).
COHSIM_STAT(kStatOps, "core*.ops", "count", "", "trace operations this core retired");
COHSIM_STAT(kStatInstructions, "core*.instructions", "count", "", "instructions retired, as the lowering emits them for the ISA (a fence or RMW sequence counts each instruction; `compute N` counts one)");
COHSIM_STAT(kStatLoads, "core*.loads", "count", "", "load instructions executed (those forwarded from the store buffer included); with a measured window (--warmup, roi markers), those whose first cache access or forwarding fell in it");
COHSIM_STAT(kStatStores, "core*.stores", "count", "", "store instructions executed");
COHSIM_STAT(kStatRmws, "core*.rmws", "count", "", "read-modify-write operations executed (locked RMW, AMO, LL/SC loop)");
COHSIM_STAT(kStatFences, "core*.fences", "count", "", "fence and barrier instructions executed");
COHSIM_STAT(kStatComputes, "core*.computes", "count", "", "`compute N` operations executed");
COHSIM_STAT(kStatIfetches, "core*.ifetches", "count", "", "instruction-fetch operations executed");
COHSIM_STAT(kStatForwarded, "core*.forwarded_loads", "count", "", "loads answered by the store buffer (they never reach the L1D)");
COHSIM_STAT(kStatSbFull, "core*.store_buffer_full", "count", "", "store issue attempts refused because the store buffer was full");
COHSIM_STAT(kStatLqFull, "core*.load_queue_full", "count", "", "load issue attempts refused because the load queue was full");
COHSIM_STAT(kStatFenceStall, "core*.fence_stall_core_cycles", "cycles", "core", "cycles fences held the core");
COHSIM_STAT(kStatIfetchStall, "core*.ifetch_stall_core_cycles", "cycles", "core", "cycles the core's fetch waited for an L1I miss (only with l1i.size > 0)");
COHSIM_STAT(kStatRmwStall, "core*.rmw_stall_core_cycles", "cycles", "core", "cycles read-modify-writes held the core");
COHSIM_STAT(kStatForwardStall, "core*.forward_stall_core_cycles", "cycles", "core", "cycles loads waited to be forwarded from the store buffer");
COHSIM_STAT(kStatComputeCycles, "core*.compute_core_cycles", "cycles", "core", "cycles of non-memory work (the sum of the `compute N` operations)");
COHSIM_STAT(kStatFencesByKind, "core*.fences_by_kind.*", "count", "", "fences executed, by kind (mfence, dmb_ish, dmb_ishld, fence_rw_rw, fence_r_rw, fence_rw_w, fence_tso)");
COHSIM_STAT(kStatFenceStallByKind, "core*.fence_stall_core_cycles_by_kind.*", "cycles", "core", "cycles fences held the core, by kind");
COHSIM_STAT(kStatScFailures, "core*.sc_failures", "count", "", "store-exclusive / SC failures: retries of LL/SC loops");
COHSIM_STAT(kStatBarriers, "core*.barriers", "count", "", "barrier instructions (dmb, RISC-V fence) executed by a weakly ordered core; included in fences");
COHSIM_STAT(kStatAcquires, "core*.acquires", "count", "", "acquire accesses executed (ldar, aq bits; AArch64, RISC-V)");
COHSIM_STAT(kStatReleases, "core*.releases", "count", "", "release accesses executed (stlr, rl bits; AArch64, RISC-V)");
COHSIM_STAT(kStatOooDrains, "core*.out_of_order_drains", "count", "", "stores that left the store buffer before an older one (AArch64, RISC-V)");
COHSIM_STAT(kStatPredicted, "core*.predicted_branches", "count", "", "branches on a loaded value the core predicted (not taken) and issued past before the load arrived (AArch64, RISC-V programs)");
COHSIM_STAT(kStatMispredicted, "core*.mispredicted_branches", "count", "", "predicted branches that were taken after all: the younger loads and stores were squashed");
COHSIM_STAT(kStatSquashedLoads, "core*.squashed_loads", "count", "", "speculative loads squashed by a misprediction (counted in loads; their values never reached a register)");
COHSIM_STAT(kStatSquashedStores, "core*.squashed_stores", "count", "", "speculative stores squashed by a misprediction before they became visible (counted in stores)");
COHSIM_STAT(kStatLoadLatency, "core*.load_latency_core_cycles", "cycles", "core", "histogram of load latency, issue to data (count, mean, max, power-of-two buckets)");
COHSIM_STAT(kStatAmat, "core*.amat_core_cycles", "cycles", "core", "mean load latency from issue to data (the load_latency histogram's mean); absent, not 0, when the core executed no load");

void Core::reset_stats(Tick t) {
  warm_ops_ += ops_;
  ops_ = instructions_ = loads_ = stores_ = rmws_ = fences_ = computes_ = ifetches_ = forwarded_ = sb_full_ =
      lq_full_ = fence_stall_ = rmw_stall_ = forward_stall_ = busy_cycles_ = sc_failures_ = barriers_ = acquires_ =
          releases_ = out_of_order_drains_ = ifetch_stall_ = 0;
  load_latency_ = Histogram{};
  fences_by_kind_.fill(0);
  fence_stall_by_kind_.fill(0);
  if (stall_since_ != kNever && stall_since_ < t) stall_since_ = t;
  loads_ = loads_not_at_cache();
}

void Core::close_window() { loads_ -= loads_not_at_cache(); }

std::uint64_t Core::loads_not_at_cache() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < lq_.size(); ++i) n += !lq_.at(i).accessed;
  return n;
}

void Core::register_stats(Stats& s) const {
  const std::string p = std::string(name());
  s.counter(kStatOps, p + ".ops", &ops_);
  s.counter(kStatInstructions, p + ".instructions", &instructions_);
  s.counter(kStatLoads, p + ".loads", &loads_);
  s.counter(kStatStores, p + ".stores", &stores_);
  s.counter(kStatRmws, p + ".rmws", &rmws_);
  s.counter(kStatFences, p + ".fences", &fences_);
  s.counter(kStatComputes, p + ".computes", &computes_);
  s.counter(kStatIfetches, p + ".ifetches", &ifetches_);
  if (l1i_) s.counter(kStatIfetchStall, p + ".ifetch_stall_core_cycles", &ifetch_stall_);
  s.counter(kStatForwarded, p + ".forwarded_loads", &forwarded_);
  s.counter(kStatSbFull, p + ".store_buffer_full", &sb_full_);
  s.counter(kStatLqFull, p + ".load_queue_full", &lq_full_);
  s.counter(kStatFenceStall, p + ".fence_stall_core_cycles", &fence_stall_);
  s.counter(kStatRmwStall, p + ".rmw_stall_core_cycles", &rmw_stall_);
  s.counter(kStatForwardStall, p + ".forward_stall_core_cycles", &forward_stall_);
  s.counter(kStatComputeCycles, p + ".compute_core_cycles", &busy_cycles_);
  for (unsigned k = 0; k < fence_names_.size(); ++k) {
    if (!fence_names_[k]) continue;
    std::string n = fence_names_[k];  // "dmb ish", "fence r,rw", "fence.tso" -> dmb_ish, fence_r_rw, fence_tso
    for (char& c : n)
      if (c == ' ' || c == ',' || c == '.') c = '_';
    s.counter(kStatFencesByKind, p + ".fences_by_kind." + n, &fences_by_kind_[k]);
    s.counter(kStatFenceStallByKind, p + ".fence_stall_core_cycles_by_kind." + n, &fence_stall_by_kind_[k]);
  }
  s.counter(kStatScFailures, p + ".sc_failures", &sc_failures_);  // store-exclusive / SC failures: retries of LL/SC loops
  s.counter(kStatBarriers, p + ".barriers", &barriers_);
  s.counter(kStatAcquires, p + ".acquires", &acquires_);
  s.counter(kStatReleases, p + ".releases", &releases_);
  s.counter(kStatOooDrains, p + ".out_of_order_drains", &out_of_order_drains_);
  if (speculates_) {
    s.counter(kStatPredicted, p + ".predicted_branches", &predicted_);
    s.counter(kStatMispredicted, p + ".mispredicted_branches", &mispredicted_);
    s.counter(kStatSquashedLoads, p + ".squashed_loads", &squashed_loads_);
    s.counter(kStatSquashedStores, p + ".squashed_stores", &squashed_stores_);
  }
  s.histogram(kStatLoadLatency, p + ".load_latency_core_cycles", &load_latency_);
  const Histogram* h = &load_latency_;
  // AMAT: the mean load latency in core cycles, from issue to data; absent without a load
  // (no mean to report: 0.0 would read as a perfect memory system).
  s.derived(kStatAmat, p + ".amat_core_cycles",
            [h] { return h->count ? h->mean() : std::numeric_limits<double>::quiet_NaN(); });
}

std::string Core::spin_report() const {
  if (done_ || !have_inst_) return "";
  std::ostringstream o;
  if (op_.kind == OpKind::Wait) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(op_.addr));
    o << "thread " << id_ << " spins at trace line " << op_.line << ", waiting for [" << buf << "] "
      << cohsim::name(op_.cond) << " " << op_.value << " (last value read: ";
    if (wait_reads_) o << wait_val_;
    else o << "none yet";
    o << ")";
  } else if (op_.flags & kOpInSpinLoop) {
    o << "thread " << id_ << " loops without writing memory, at trace line " << op_.line;
  }
  return o.str();
}

std::string Core::dump() const {
  std::ostringstream o;
  o << name() << ": " << (done_ ? "done" : "running") << ", op at trace line " << op_.line << " ("
    << cohsim::name(op_.kind) << "), store buffer " << sb_.size() << "/" << sb_.capacity() << ", load queue "
    << lq_.size() << "/" << lq_.capacity() << ", " << cache_->dump_pending();
  if (mmu_) o << ", " << mmu_->dump();
  const std::string spin = spin_report();
  if (!spin.empty()) o << "; " << spin;
  return o.str();
}

}  // namespace cohsim

namespace cohsim {

void Core::set_log(EventLog* log) {
  log_ = log && log->enabled() ? log : nullptr;
  tell_line_ = log_ || cache_->wants_trace_line();
  if (log_) log_agent_ = log_->add_agent(name(), "core", "core", p_.period);
}

void Core::log_access(const AccessEvent& e) {
  switch (e.kind) {
    case AccessEvent::Load:
      log_->load(e.tick, log_agent_, e.addr, e.size, e.value, e.forwarded, e.line, e.seq, e.rf);
      break;
    case AccessEvent::Store: log_->store(e.tick, log_agent_, true, e.addr, e.size, e.value, e.line); break;
    case AccessEvent::Rmw:
      log_->rmw(e.tick, log_agent_, e.addr, e.size, e.value, e.written, e.wrote, e.line, e.rf);
      break;
    case AccessEvent::Fence: break;  // count_fence logs every barrier, the trace's fences among them
  }
}

void Core::log_final(Tick t, const std::vector<std::string>& reg_names) const {
  if (log_) log_->final_registers(t, log_agent_, reg_names, regs_);
}

}  // namespace cohsim
