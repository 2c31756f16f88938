#include "cpu/core.hpp"

#include <algorithm>
#include <sstream>

#include "sim/error.hpp"
#include "sim/kernel_errors.hpp"

namespace cohsim {

using sc_core::sc_time;

Tick Core::run_limit_ = ~Tick(0);

Core::Core(sc_core::sc_module_name name, int id, const CoreParams& p, std::unique_ptr<ThreadStream> stream,
           const Lowering& isa, PrivateCache* cache, unsigned num_regs)
    : sc_module(name),
      id_(id),
      p_(p),
      stream_(std::move(stream)),
      isa_(isa),
      cache_(cache),
      lq_(p.load_queue),
      sb_(p.store_buffer),
      regs_(num_regs, 0) {
  SC_HAS_PROCESS(Core);
  SC_METHOD(tick);  // runs once at time 0, then whenever woken
  sensitive << wake_;
}

void Core::line_ready(Tick t, LineAddr line) {
  ++wake_gen_;
  if (done_) return;
  complete_waiting(t, line);
  const Tick now = sc_core::sc_time_stamp().value();
  const Tick at = std::max(edge(t), now);
  wake_.notify(sc_time::from_value(at - now));
}

void Core::tick() {
  guarded([this] { run_cycles(); });
}

void Core::run_cycles() {
  if (done_) return;
  const Tick now = sc_core::sc_time_stamp().value();
  Tick t = edge(std::max(now, p_.start));
  if (t != now) {
    wake_.notify(sc_time::from_value(t - now));
    return;
  }
  for (;;) {
    Tick next = cycle(t);
    if (done_ || next == kNever) return;
    // Run the next cycle at once when no other component has anything to do
    // before it: nothing can then observe or change what this core touches.
    const Tick horizon = now + sc_core::sc_time_to_pending_activity().value();
    if (next < horizon && next <= run_limit_) {
      t = next;
      continue;
    }
    wake_.notify(sc_time::from_value(next - now));
    return;
  }
}

// The Primer's "load hit" / "store hit" on a data response: what waited for the
// line completes when the data arrives. Waiting for the next core clock edge instead
// would let another core's request take the line away first, and two cores
// writing one line could then livelock.
void Core::complete_waiting(Tick t, LineAddr line) {
  const unsigned ls = cache_->line_size();
  if (!sb_.empty() && sb_.front().addr / ls == line && cache_->l1_has(sb_.front().addr, true)) {
    StoreEntry& s = sb_.front();
    cache_->write(t, s.addr, s.size, s.value);
    sb_.pop();
  }
  for (std::size_t i = 0; i < lq_.size(); ++i) {
    LoadEntry& e = lq_.at(i);
    if (e.bound) continue;
    if (e.addr / ls == line && cache_->l1_has(e.addr, false)) bind_load(t, e, t);
    break;  // only the oldest unbound load may bind
  }
  if (have_inst_ && seq_->insts[seq_pos_].kind == InstKind::Rmw && rmw_waiting_ && op_.addr / ls == line &&
      sb_.empty() && lq_.empty() && cache_->l1_has(op_.addr, true))
    perform_rmw(t, t);
}

void Core::bind_load(Tick t, LoadEntry& e, Tick ready) {
  const std::uint64_t v = cache_->read(t, e.addr, e.size);
  if (e.reg >= 0) regs_[e.reg] = v;
  e.bound = true;
  e.done_at = std::max(ready, t);
  load_latency_.add((e.done_at - e.issued) / p_.period);
}

Tick Core::cycle(Tick t) {
  if (t != cycle_tick_) cycle_tick_ = t, ports_used_ = 0;
  Tick next = kNever;
  bool progress = perform_loads(t, next);
  progress |= drain_store(t, next);
  progress |= issue(t, next);
  if (stream_done_ && !have_inst_ && lq_.empty() && sb_.empty() && busy_until_ <= t) {
    done_ = true;
    finish_ = t;
    return kNever;
  }
  if (progress) next = std::min(next, t + p_.period);
  return next;
}

bool Core::perform_loads(Tick t, Tick& next) {
  bool progress = false;
  while (!lq_.empty() && lq_.front().bound && lq_.front().done_at <= t) {
    lq_.pop();
    progress = true;
  }
  bool in_order = true;  // every older load is bound
  for (std::size_t i = 0; i < lq_.size(); ++i) {
    LoadEntry& e = lq_.at(i);
    if (e.bound) {
      if (e.done_at > t) next = std::min(next, edge(e.done_at));
      continue;
    }
    // A younger load starts its access early (its miss overlaps) but binds in order.
    if (still_waiting(e.waiting, e.wait_gen) || (!in_order && e.accessed)) {
      in_order = false;
      continue;
    }
    if (ports_used_ >= p_.ports) {
      next = std::min(next, t + p_.period);
      break;
    }
    ++ports_used_;
    const Access a = cache_->access(t, e.addr, false, !e.accessed);
    if (a.kind != Access::Blocked) e.accessed = true;
    if (a.kind == Access::Ready && in_order) {
      bind_load(t, e, a.ready);
      if (e.done_at > t) next = std::min(next, edge(e.done_at));
      progress = true;
      continue;
    }
    if (a.kind != Access::Ready) e.waiting = true, e.wait_gen = wake_gen_;
    in_order = false;
  }
  return progress;
}

bool Core::drain_store(Tick t, Tick& next) {
  if (sb_.empty()) return false;
  StoreEntry& s = sb_.front();
  if (still_waiting(s.waiting, s.wait_gen)) return false;
  if (ports_used_ >= p_.ports) {
    next = std::min(next, t + p_.period);
    return false;
  }
  ++ports_used_;
  const Access a = cache_->access(t, s.addr, true, !s.accessed);
  if (a.kind != Access::Blocked) s.accessed = true;
  if (a.kind != Access::Ready) {
    s.waiting = true, s.wait_gen = wake_gen_;
    return false;
  }
  // The store performs when the L1 holds the line writable; the store buffer slot
  // frees at once (the L1 write pipeline takes one store per cycle).
  cache_->write(t, s.addr, s.size, s.value);
  sb_.pop();
  return true;
}

bool Core::fetch_inst() {
  while (!have_inst_) {
    if (stream_done_ || !stream_->next(op_)) {
      stream_done_ = true;
      return false;
    }
    seq_ = &isa_.lower(op_);
    seq_pos_ = 0;
    if (seq_->n == 0) {  // lowers to nothing (e.g. an Acquire fence on x86)
      ++ops_;
      continue;
    }
    if (is_memory(op_.kind) && (op_.addr & (cache_->line_size() - 1)) + op_.size > cache_->line_size())
      throw UserError("trace line " + std::to_string(op_.line) + ": access crosses a cache line");
    have_inst_ = true;
  }
  return true;
}

void Core::retire_inst() {
  ++instructions_;
  if (++seq_pos_ == seq_->n) {
    have_inst_ = false;
    ++ops_;
  }
}

bool Core::issue(Tick t, Tick& next) {
  if (busy_until_ > t) {
    next = std::min(next, busy_until_);
    return false;
  }
  if (!fetch_inst()) return false;
  const Inst& in = seq_->insts[seq_pos_];
  switch (in.kind) {
    case InstKind::Compute:
      busy_until_ = t + op_.value * p_.period;
      busy_cycles_ += op_.value;
      ++computes_;
      retire_inst();
      return true;
    case InstKind::IFetch:
      ++ifetches_;
      retire_inst();
      return true;
    case InstKind::Load: {
      // Store-to-load forwarding from the youngest older store to the same bytes.
      for (std::size_t i = sb_.size(); i-- > 0;) {
        StoreEntry& s = sb_.at(i);
        if (s.addr + s.size <= op_.addr || op_.addr + op_.size <= s.addr) continue;
        if (s.addr <= op_.addr && op_.addr + op_.size <= s.addr + s.size) {
          const std::uint64_t v = s.value >> (8 * (op_.addr - s.addr));
          const std::uint64_t mask = op_.size == 8 ? ~0ull : ((1ull << (8 * op_.size)) - 1);
          if (op_.reg >= 0) regs_[op_.reg] = v & mask;
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
        return false;
      }
      LoadEntry& e = lq_.push();
      e = LoadEntry{op_.addr, t, 0, 0, op_.reg, op_.size, false, false, false};
      ++loads_;
      retire_inst();
      // Start its access in this cycle if a port is free.
      perform_loads(t, next);
      return true;
    }
    case InstKind::Store: {
      if (sb_.full()) {
        ++sb_full_;
        return false;
      }
      StoreEntry& s = sb_.push();
      s = StoreEntry{op_.addr, op_.value, 0, op_.size, false, false};
      ++stores_;
      retire_inst();
      return true;
    }
    case InstKind::Rmw: return do_rmw(t, next);
    case InstKind::Alu:
    case InstKind::Branch:
    case InstKind::ClearExclusive:
      // Only the AArch64 and RISC-V tables produce these, and `isa` accepts x86 alone
      // until the core gives those ISAs their ordering rules.
      throw SimError(std::string(name()) + ": the core does not execute " + isa_.isa() + " instructions yet");
    case InstKind::Fence:
      if (((in.flags & kDrainStoreBuffer) && !sb_.empty()) || ((in.flags & kWaitOlderLoads) && !lq_.empty())) {
        stall_begin(t);
        return false;
      }
      stall_end(t, fence_stall_);
      ++fences_;
      retire_inst();
      return true;
  }
  return false;
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
  const Inst& in = seq_->insts[seq_pos_];
  if (((in.flags & kDrainStoreBuffer) && !sb_.empty()) || ((in.flags & kWaitOlderLoads) && !lq_.empty())) {
    stall_begin(t);
    return false;
  }
  if (still_waiting(rmw_waiting_, rmw_gen_)) return false;
  if (ports_used_ >= p_.ports) {
    next = std::min(next, t + p_.period);
    return false;
  }
  ++ports_used_;
  const Access a = cache_->access(t, op_.addr, true, !rmw_accessed_);
  if (a.kind != Access::Blocked) rmw_accessed_ = true;
  if (a.kind != Access::Ready) {
    rmw_waiting_ = true, rmw_gen_ = wake_gen_;
    stall_begin(t);
    return false;
  }
  perform_rmw(t, a.ready);
  return true;
}

void Core::perform_rmw(Tick t, Tick ready) {
  // Locked: the read and the write happen in the same cycle while the line is held
  // writable, so no other cache can intervene.
  const std::uint64_t mask = op_.size == 8 ? ~0ull : ((1ull << (8 * op_.size)) - 1);
  const std::uint64_t old = cache_->read(t, op_.addr, op_.size);
  const std::uint64_t neu = rmw_result(old) & mask;
  const bool writes = !((op_.kind == OpKind::CompareExchange || op_.kind == OpKind::CompareExchangeWeak) &&
                        old != (op_.expected & mask));
  if (writes) cache_->write(t, op_.addr, op_.size, neu);
  if (op_.reg >= 0) regs_[op_.reg] = old;
  busy_until_ = std::max(ready, t);
  ++rmws_;
  if (op_.kind == OpKind::Store) ++stores_;
  stall_end(t, rmw_stall_);
  rmw_accessed_ = false;
  rmw_waiting_ = false;
  retire_inst();
}

void Core::register_stats(Stats& s) const {
  const std::string p = std::string(name());
  s.counter(p + ".ops", &ops_);
  s.counter(p + ".instructions", &instructions_);
  s.counter(p + ".loads", &loads_);
  s.counter(p + ".stores", &stores_);
  s.counter(p + ".rmws", &rmws_);
  s.counter(p + ".fences", &fences_);
  s.counter(p + ".computes", &computes_);
  s.counter(p + ".ifetches", &ifetches_);
  s.counter(p + ".forwarded_loads", &forwarded_);
  s.counter(p + ".store_buffer_full", &sb_full_);
  s.counter(p + ".load_queue_full", &lq_full_);
  s.counter(p + ".fence_stall_cycles", &fence_stall_);
  s.counter(p + ".rmw_stall_cycles", &rmw_stall_);
  s.counter(p + ".forward_stall_cycles", &forward_stall_);
  s.counter(p + ".compute_cycles", &busy_cycles_);
  s.histogram(p + ".load_latency", &load_latency_);
  const Histogram* h = &load_latency_;
  // AMAT: the mean load latency in core cycles, from issue to data.
  s.derived(p + ".amat_cycles", [h] { return h->mean(); });
}

std::string Core::dump() const {
  std::ostringstream o;
  o << name() << ": " << (done_ ? "done" : "running") << ", op at trace line " << op_.line << " ("
    << cohsim::name(op_.kind) << "), store buffer " << sb_.size() << "/" << sb_.capacity() << ", load queue "
    << lq_.size() << "/" << lq_.capacity() << ", " << cache_->dump_pending();
  return o.str();
}

}  // namespace cohsim
