#include "cpu/mmu/mmu.hpp"

#include <algorithm>
#include <sstream>

#include "sim/base/error.hpp"

namespace cohsim {

namespace {
std::string hex(std::uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}
}  // namespace

Mmu::Mmu(const MmuParams& p, PageTable& pt, L1Port& cache)
    : p_(p),
      pt_(pt),
      fmt_(pt.format()),
      cache_(cache),
      dtlb_(p.dtlb_entries, p.dtlb_assoc),
      stlb_(p.has_stlb ? p.stlb_entries : 1, p.has_stlb ? p.stlb_assoc : 1),
      pwc_(p.pwc_entries) {
  stores_.reserve(8);
}

void Mmu::violation(const Op& op, const std::string& what) const {
  const AddressSpace::Page pg = pt_.address_space().page(op.addr);
  std::string region = pg.region ? "region '" + pg.region->text + "'" : "the default mapping (rw)";
  const char* meaning = pg.perm == Perm::None       ? "no access"
                        : pg.perm == Perm::ReadOnly ? "read only"
                                                    : "read and write";
  throw UserError(located(p_.trace_path, int(op.line), 0,
                          p_.name + ": " + name(op.kind) + (op.kind == OpKind::Load ? " from" : " to") +
                              " virtual address " + hex(op.addr) + " is not allowed: it is in " + what + ", " + region +
                              " (permissions " + name(pg.perm) + ": " + meaning + ", see vm.regions)"));
}

bool Mmu::translate_slow(Tick t, const Op& op, Addr& pa, Tick& next, unsigned& ports_used) {
  if (state_ == State::Ready) {
    if (t >= ready_at_) {
      state_ = State::Idle;
      stall_cycles_ += (t - req_start_) / p_.period;
      pa = pa_;
      return true;
    }
    next = std::min(next, edge(ready_at_));
    return false;
  }
  if (state_ != State::Idle) return false;  // a walk or fault: advance() drives it
  req_ = op;
  req_start_ = t;
  Tick at = t + p_.dtlb_latency;
  if (const TlbEntry* e = dtlb_.lookup(op.addr)) {  // a hit with a latency
    ++dtlb_hits_;
    if (!e->writable && op.kind != OpKind::Load) violation(op, "a read-only page");
    finish(e->frame, e->shift, e->writable, at);
  } else {
    ++dtlb_misses_;
    const TlbEntry* s = nullptr;
    if (p_.has_stlb) {
      at += p_.stlb_latency;
      s = stlb_.lookup(op.addr);
      ++(s ? stlb_hits_ : stlb_misses_);
    }
    if (log_) log_->tlb_miss(t, log_agent_, op.addr, p_.has_stlb ? int(s != nullptr) : -1, op.line);
    if (s) {
      dtlb_.insert(op.addr, *s);
      if (!s->writable && op.kind != OpKind::Load) violation(op, "a read-only page");
      finish(s->frame, s->shift, s->writable, at);
    } else {
      if (op.addr >= fmt_.va_limit())
        throw UserError(located(p_.trace_path, int(op.line), 0,
                                p_.name + ": " + name(op.kind) + " at virtual address " + hex(op.addr) +
                                    " is outside the user half of " + fmt_.name() + "'s " +
                                    std::to_string(fmt_.va_bits()) + "-bit address space (addresses below " +
                                    hex(fmt_.va_limit()) + "; vm.format)"));
      start_walk(at);
      step(t, next, ports_used);
    }
  }
  return translate_slow(t, op, pa, next, ports_used);
}

void Mmu::finish(Addr frame, unsigned shift, bool writable, Tick at) {
  pa_ = frame | (req_.addr & ((Addr(1) << shift) - 1));
  ready_at_ = at;
  state_ = State::Ready;
}

void Mmu::start_walk(Tick at) {
  ++walks_;
  level_ = 0;
  table_ = pt_.root();
  if (pwc_.entries()) {
    unsigned l;
    Addr next;
    if (pwc_.lookup(
            req_.addr, fmt_.levels(), [this](unsigned k) { return fmt_.shift(k); }, l, next)) {
      ++pwc_hits_;
      level_ = l + 1;
      table_ = next;
    } else {
      ++pwc_misses_;
    }
  }
  step_at_ = walk_start_ = at;
  accessed_ = waiting_ = blocked_ = false;
  if (log_) log_->walk_start(at, log_agent_, req_.addr, level_, req_.line);
  state_ = State::Walk;
}

void Mmu::pte_value(Tick t, std::uint64_t value, Tick ready) {
  const DecodedPte d = fmt_.decode(value, level_);
  accessed_ = false;
  if (d.kind == PteKind::Table) {
    pwc_.insert(level_, req_.addr >> fmt_.shift(level_), d.pa);
    table_ = d.pa;
    ++level_;
    step_at_ = ready;
    return;
  }
  const std::uint64_t cycles = (ready - walk_start_) / p_.period;
  walk_latency_.add(cycles);
  walk_cycles_ += cycles;
  if (log_)
    log_->walk_end(ready, log_agent_, req_.addr, d.kind != PteKind::Leaf,
                   d.kind == PteKind::Leaf ? (d.pa | (req_.addr & ((Addr(1) << fmt_.shift(level_)) - 1))) : 0, cycles,
                   req_.line);
  const bool write = req_.kind != OpKind::Load;
  if (d.kind == PteKind::Leaf) {
    const TlbEntry e{d.pa, std::uint8_t(fmt_.shift(level_)), d.writable};
    if (p_.has_stlb) stlb_.insert(req_.addr, e);
    dtlb_.insert(req_.addr, e);
    if (write && !d.writable) violation(req_, "a read-only page");
    finish(e.frame, e.shift, e.writable, ready);
    return;
  }
  // A page fault: the OS maps the page (or finds another core did) and the
  // faulting core writes the new entries.
  stores_.clear();
  switch (pt_.handle_fault(req_.addr, p_.core, stores_)) {
    case PageTable::Fault::NoAccess: violation(req_, "a page with no access");
    case PageTable::Fault::Mapped: ++faults_; break;
    case PageTable::Fault::AlreadyMapped: ++spurious_faults_; break;
  }
  store_idx_ = 0;
  fault_start_ = ready;
  step_at_ = ready + p_.fault_latency;
  state_ = State::Fault;
}

bool Mmu::store_pte(Tick t) {
  const PteWrite& w = stores_[store_idx_];
  if (!cache_.l1_has(w.addr, true)) return false;
  cache_.write(t, w.addr, 8, w.value);
  ++store_idx_;
  accessed_ = waiting_ = blocked_ = false;
  step_at_ = t;
  return true;
}

bool Mmu::step(Tick t, Tick& next, unsigned& ports_used) {
  bool progress = false;
  for (;;) {
    if (state_ != State::Walk && state_ != State::Fault) return progress;
    if (waiting_) return progress;
    if (t < step_at_) {
      next = std::min(next, edge(step_at_));
      return progress;
    }
    if (state_ == State::Fault && store_idx_ == stores_.size()) {
      fault_cycles_ += (t - fault_start_) / p_.period;
      start_walk(t);  // the access runs again: a new walk finds the new entries
      progress = true;
      continue;
    }
    if (ports_used >= p_.ports) {
      next = std::min(next, t + p_.period);
      return progress;
    }
    ++ports_used;
    const bool load = state_ == State::Walk;
    const Addr addr = load ? pte_addr() : stores_[store_idx_].addr;
    cache_.set_access_pc(0);  // a walk is no instruction of the trace
    const Access a = cache_.access(t, addr, !load, !accessed_, AccessKind::Walk);
    if (!accessed_ && a.kind != Access::Blocked) {
      accessed_ = true;
      if (load) ++pte_loads_, ++(a.kind == Access::Ready ? pte_l1d_hits_ : pte_l1d_misses_);
      else ++pte_stores_;
    }
    if (a.kind != Access::Ready) {
      waiting_ = true;
      blocked_ = a.kind == Access::Blocked;
      wait_line_ = addr / cache_.line_size();
      return progress;
    }
    progress = true;
    if (load) {
      pte_value(t, cache_.read(t, addr, 8), std::max(a.ready, t));
    } else {
      cache_.write(t, addr, 8, stores_[store_idx_].value);
      ++store_idx_;
      accessed_ = false;
      step_at_ = std::max(a.ready, t + p_.period);  // one store per cycle, like the store buffer
    }
  }
}

void Mmu::line_ready(Tick t, LineAddr line) {
  if (!waiting_ || (!blocked_ && line != wait_line_)) return;
  waiting_ = blocked_ = false;
  if (line != wait_line_) return;
  // Complete the waiting access when its data arrives (the Primer's "load hit" on
  // a data response), as the core does, before another request can take the line.
  if (state_ == State::Walk && cache_.l1_has(pte_addr(), false)) {
    pte_value(t, cache_.read(t, pte_addr(), 8), t);
  } else if (state_ == State::Fault && store_idx_ < stores_.size()) {
    if (store_pte(t)) step_at_ = t + p_.period;
  }
}

// Statistics (docs/stats.md), registered when vm.enabled.
COHSIM_STAT(kStatDtlbHits, "core*.dtlb.hits", "count", "", "dTLB lookups that found the translation (one lookup per memory operation)");
COHSIM_STAT(kStatDtlbMisses, "core*.dtlb.misses", "count", "", "dTLB lookups that did not");
COHSIM_STAT(kStatDtlbHitRate, "core*.dtlb.hit_rate", "ratio", "", "dTLB hits / lookups; 0 without lookups");
COHSIM_STAT(kStatStlbHits, "core*.stlb.hits", "count", "", "second-level TLB lookups (dTLB misses) that found the translation");
COHSIM_STAT(kStatStlbMisses, "core*.stlb.misses", "count", "", "second-level TLB lookups that did not (each starts a walk)");
COHSIM_STAT(kStatStlbHitRate, "core*.stlb.hit_rate", "ratio", "", "STLB hits / lookups; 0 without lookups");
COHSIM_STAT(kStatWalks, "core*.mmu.walks", "count", "", "page-table walks (a faulting access walks twice)");
COHSIM_STAT(kStatPteLoads, "core*.mmu.pte_loads", "count", "", "page-table entry loads of the walks (also counted in core*.l1d.walk_*)");
COHSIM_STAT(kStatPteL1dHits, "core*.mmu.pte_l1d_hits", "count", "", "PTE loads that hit the L1D");
COHSIM_STAT(kStatPteL1dMisses, "core*.mmu.pte_l1d_misses", "count", "", "PTE loads that missed the L1D");
COHSIM_STAT(kStatPwcHits, "core*.mmu.pwc_hits", "count", "", "walks that started below the root thanks to the page-walk cache");
COHSIM_STAT(kStatPwcMisses, "core*.mmu.pwc_misses", "count", "", "walks that started at the root");
COHSIM_STAT(kStatFaults, "core*.mmu.faults", "count", "", "page faults that mapped a page (once per page)");
COHSIM_STAT(kStatSpuriousFaults, "core*.mmu.spurious_faults", "count", "", "faults on a page another core had just mapped");
COHSIM_STAT(kStatPteStores, "core*.mmu.pte_stores", "count", "", "page-table entry stores of the fault handler");
COHSIM_STAT(kStatFaultCycles, "core*.mmu.fault_core_cycles", "cycles", "core", "cycles spent in page faults");
COHSIM_STAT(kStatWalkCycles, "core*.mmu.walk_core_cycles", "cycles", "core", "cycles spent in page walks (total)");
COHSIM_STAT(kStatStallCycles, "core*.mmu.translation_stall_core_cycles", "cycles", "core", "cycles operations waited for their translation");
COHSIM_STAT(kStatWalkLatency, "core*.mmu.walk_latency_core_cycles", "cycles", "core", "histogram of page-walk latency");
COHSIM_STAT(kStatAvgWalk, "core*.mmu.avg_walk_core_cycles", "cycles", "core", "mean page-walk latency");

void Mmu::register_stats(Stats& s) const {
  const std::string& p = p_.name;
  s.counter(kStatDtlbHits, p + ".dtlb.hits", &dtlb_hits_);
  s.counter(kStatDtlbMisses, p + ".dtlb.misses", &dtlb_misses_);
  const auto *h = &dtlb_hits_, *m = &dtlb_misses_;
  s.derived(kStatDtlbHitRate, p + ".dtlb.hit_rate", [=] { return *h + *m ? double(*h) / double(*h + *m) : 0.0; });
  if (p_.has_stlb) {
    s.counter(kStatStlbHits, p + ".stlb.hits", &stlb_hits_);
    s.counter(kStatStlbMisses, p + ".stlb.misses", &stlb_misses_);
    const auto *h2 = &stlb_hits_, *m2 = &stlb_misses_;
    s.derived(kStatStlbHitRate, p + ".stlb.hit_rate", [=] { return *h2 + *m2 ? double(*h2) / double(*h2 + *m2) : 0.0; });
  }
  s.counter(kStatWalks, p + ".mmu.walks", &walks_);
  s.counter(kStatPteLoads, p + ".mmu.pte_loads", &pte_loads_);
  s.counter(kStatPteL1dHits, p + ".mmu.pte_l1d_hits", &pte_l1d_hits_);
  s.counter(kStatPteL1dMisses, p + ".mmu.pte_l1d_misses", &pte_l1d_misses_);
  s.counter(kStatPwcHits, p + ".mmu.pwc_hits", &pwc_hits_);
  s.counter(kStatPwcMisses, p + ".mmu.pwc_misses", &pwc_misses_);
  s.counter(kStatFaults, p + ".mmu.faults", &faults_);
  s.counter(kStatSpuriousFaults, p + ".mmu.spurious_faults", &spurious_faults_);
  s.counter(kStatPteStores, p + ".mmu.pte_stores", &pte_stores_);
  s.counter(kStatFaultCycles, p + ".mmu.fault_core_cycles", &fault_cycles_);
  s.counter(kStatWalkCycles, p + ".mmu.walk_core_cycles", &walk_cycles_);
  s.counter(kStatStallCycles, p + ".mmu.translation_stall_core_cycles", &stall_cycles_);
  s.histogram(kStatWalkLatency, p + ".mmu.walk_latency_core_cycles", &walk_latency_);
  const Histogram* wl = &walk_latency_;
  s.derived(kStatAvgWalk, p + ".mmu.avg_walk_core_cycles", [wl] { return wl->mean(); });
}

std::string Mmu::dump() const {
  std::ostringstream o;
  o << p_.name << ".mmu: ";
  switch (state_) {
    case State::Idle: o << "idle"; break;
    case State::Ready: o << "translation of " << hex(req_.addr) << " ready at tick " << ready_at_; break;
    case State::Walk:
      o << "walking " << hex(req_.addr) << " (trace line " << req_.line << "), level " << level_ << ", entry at "
        << hex(pte_addr()) << (waiting_ ? ", waiting for the L1D" : "");
      break;
    case State::Fault:
      o << "page fault on " << hex(req_.addr) << " (trace line " << req_.line << "), " << store_idx_ << "/"
        << stores_.size() << " entries stored" << (waiting_ ? ", waiting for the L1D" : "");
      break;
  }
  return o.str();
}

}  // namespace cohsim
