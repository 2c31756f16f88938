#include "cpu/mcheck/axiomatic.hpp"

#include <algorithm>
#include <array>
#include <functional>

#include "cpu/lowering.hpp"
#include "sim/base/error.hpp"

namespace cohsim {

McModel mc_model_for_isa(const std::string& isa) {
  if (isa == "x86") return McModel::Tso;
  if (isa == "arm") return McModel::Armv8;
  if (isa == "riscv") return McModel::Rvwmo;
  throw UserError("unknown model ISA '" + isa + "' (valid: x86, arm, riscv)");
}

const char* name(McModel m) {
  switch (m) {
    case McModel::Tso: return "x86-TSO";
    case McModel::Armv8: return "ARMv8";
    default: return "RVWMO";
  }
}

namespace {

constexpr unsigned kMaxEvents = 64;  // relations are 64-bit rows

bool value_kind_constant(OpKind k) {
  return k == OpKind::Store || k == OpKind::Swap || k == OpKind::CompareExchange || k == OpKind::CompareExchangeWeak;
}
bool is_cas(OpKind k) { return k == OpKind::CompareExchange || k == OpKind::CompareExchangeWeak; }

// The value a write of operation `op` leaves, given the value its read saw.
std::uint64_t written(const Op& op, std::uint64_t old) {
  switch (op.kind) {
    case OpKind::FetchAdd: return old + op.value;
    case OpKind::FetchSub: return old - op.value;
    case OpKind::FetchAnd: return old & op.value;
    case OpKind::FetchOr: return old | op.value;
    case OpKind::FetchXor: return old ^ op.value;
    default: return op.value;
  }
}

// A relation over the events (init writes first, then the program's): row a = the
// set of b with a -> b.
using Rel = std::array<std::uint64_t, kMaxEvents>;

Rel rel_union(const Rel& a, const Rel& b) {
  Rel r;
  for (unsigned i = 0; i < kMaxEvents; ++i) r[i] = a[i] | b[i];
  return r;
}
Rel compose(const Rel& a, const Rel& b, unsigned n) {
  Rel r{};
  for (unsigned i = 0; i < n; ++i)
    for (std::uint64_t m = a[i]; m; m &= m - 1) r[i] |= b[unsigned(__builtin_ctzll(m))];
  return r;
}
// Whether the relation has no cycle (Kahn's algorithm over the n events).
bool acyclic(const Rel& r, unsigned n) {
  std::array<unsigned, kMaxEvents> indeg{};
  for (unsigned i = 0; i < n; ++i)
    for (std::uint64_t m = r[i]; m; m &= m - 1) ++indeg[unsigned(__builtin_ctzll(m))];
  std::array<unsigned, kMaxEvents> stack{};
  unsigned sp = 0, seen = 0;
  for (unsigned i = 0; i < n; ++i)
    if (!indeg[i]) stack[sp++] = i;
  while (sp) {
    const unsigned i = stack[--sp];
    ++seen;
    for (std::uint64_t m = r[i]; m; m &= m - 1) {
      const unsigned j = unsigned(__builtin_ctzll(m));
      if (!--indeg[j]) stack[sp++] = j;
    }
  }
  return seen == n;
}

// One candidate execution being built and checked.
class Checker {
 public:
  Checker(const McProgram& p, const LitmusOutcome* want) : p_(p), want_(want) {
    const LitmusTest& t = *p.test;
    nloc_ = unsigned(t.locations.size());
    n_ = nloc_ + unsigned(p.events.size());
    if (n_ > kMaxEvents)
      throw UserError(t.path + ": the model checker takes at most " + std::to_string(kMaxEvents) +
                      " events (initial writes + instructions' accesses); this test has " + std::to_string(n_));
    ev_.resize(n_);
    for (unsigned l = 0; l < nloc_; ++l) {
      ev_[l].kind = McEvent::Write, ev_[l].thread = ~0u, ev_[l].loc = l;
    }
    for (std::size_t i = 0; i < p.events.size(); ++i) ev_[nloc_ + i] = p.events[i];
    for (auto& e : ev_) {
      if (e.rmw_read >= 0) e.rmw_read += int(nloc_);
      if (e.data_from >= 0) e.data_from += int(nloc_);
    }
    ctrl_.resize(n_, 0);
    for (std::size_t i = 0; i < p.events.size(); ++i) ctrl_[nloc_ + i] = ctrl_mask(p.events[i]);
    // Program order, same location, same thread.
    for (auto& th : p.thread)
      for (std::size_t a = 0; a < th.size(); ++a)
        for (std::size_t b = a + 1; b < th.size(); ++b) po_[nloc_ + th[a]] |= 1ULL << (nloc_ + th[b]);
    for (unsigned a = 0; a < n_; ++a) {
      if (ev_[a].kind == McEvent::Fence) continue;
      mem_ |= 1ULL << a;
      (ev_[a].kind == McEvent::Read ? reads_ : writes_) |= 1ULL << a;
      for (unsigned b = 0; b < n_; ++b)
        if (ev_[b].kind != McEvent::Fence && ev_[b].loc == ev_[a].loc) sameloc_[a] |= 1ULL << b;
      for (unsigned b = 0; b < n_; ++b)
        if (ev_[b].thread != ev_[a].thread || ev_[a].thread == ~0u) ext_[a] |= 1ULL << b;
    }
    for (unsigned a = 0; a < n_; ++a) {
      po_[a] &= mem_ | fence_mask();
      poloc_all_[a] = po_[a] & sameloc_[a] & mem_;
      if (ev_[a].rmw_read >= 0) rmw_all_[unsigned(ev_[a].rmw_read)] |= 1ULL << a;
      if (ev_[a].data_from >= 0) data_all_[unsigned(ev_[a].data_from)] |= 1ULL << a;
      for (std::uint64_t m = ctrl_[a]; m; m &= m - 1) ctrlrel_all_[unsigned(__builtin_ctzll(m))] |= 1ULL << a;
    }
    fenced_all_ = fence_ordered();
    cas_writes_.clear();
    for (unsigned a = nloc_; a < n_; ++a)
      if (ev_[a].conditional) cas_writes_.push_back(a);
    values_.assign(n_, 0);
    rf_.assign(n_, -1);
    for (unsigned l = 0; l < nloc_; ++l) values_[l] = t.location_init(l);
  }

  // Enumerates every candidate; `visit` returns true to stop.
  void run(const std::function<bool(const LitmusOutcome&)>& visit) {
    visit_ = &visit;
    const unsigned k = unsigned(cas_writes_.size());
    for (std::uint64_t mask = 0; mask < (1ULL << k) && !stop_; ++mask) {
      present_ = mem_;
      bool fits = true;
      for (unsigned i = 0; i < k; ++i) {
        const unsigned w = cas_writes_[i];
        const bool success = (mask >> i) & 1;
        if (!success) present_ &= ~(1ULL << w);
        // An observed register says whether the exchange succeeded.
        const McEvent& r = ev_[unsigned(ev_[w].rmw_read)];
        const Op& op = p_.test->ops[r.thread][r.op];
        if (want_ && op.reg >= 0 && (want_->regs[r.thread][unsigned(op.reg)] == op.expected) != success) fits = false;
      }
      if (!fits) continue;
      co_.assign(nloc_, {});
      for (unsigned a = nloc_; a < n_; ++a)
        if ((present_ >> a & 1) && ev_[a].kind == McEvent::Write) co_[ev_[a].loc].push_back(a);
      enumerate_co(0);
    }
  }

  std::uint64_t candidates = 0;
  std::map<std::string, std::uint64_t> broken;  // axiom -> candidates that broke it first

 private:
  std::uint64_t fence_mask() const {
    std::uint64_t m = 0;
    for (unsigned a = 0; a < n_; ++a)
      if (ev_[a].kind == McEvent::Fence) m |= 1ULL << a;
    return m;
  }
  std::uint64_t ctrl_mask(const McEvent& e) const {
    std::uint64_t m = 0;
    for (std::uint64_t c = e.ctrl; c; c &= c - 1) m |= 1ULL << (nloc_ + unsigned(__builtin_ctzll(c)));
    return m;
  }

  // a -> b ordered by a barrier between them in program order (generic over the
  // OrderPair bits: ARMv8 dmb ish/ishld, RVWMO fence P,S and fence.tso, x86 mfence).
  Rel fence_ordered() const {
    Rel r{};
    for (unsigned f = 0; f < n_; ++f) {
      if (ev_[f].kind != McEvent::Fence) continue;
      for (unsigned a = 0; a < n_; ++a) {
        if (!(po_[a] >> f & 1) || !(mem_ >> a & 1)) continue;
        for (std::uint64_t m = po_[f] & mem_; m; m &= m - 1) {
          const unsigned b = unsigned(__builtin_ctzll(m));
          const bool ar = ev_[a].kind == McEvent::Read, br = ev_[b].kind == McEvent::Read;
          const std::uint8_t bit = ar ? (br ? kOrderRR : kOrderRW) : (br ? kOrderWR : kOrderWW);
          if (ev_[f].orders & bit) r[a] |= 1ULL << b;
        }
      }
    }
    return r;
  }

  bool po_before(unsigned a, unsigned b) const { return po_[a] >> b & 1; }

  void enumerate_co(unsigned loc) {
    if (stop_) return;
    if (loc == nloc_) return assign_values();
    auto& ws = co_[loc];
    std::sort(ws.begin(), ws.end());
    do {
      // Writes of one thread to one location stay in program order (every model's
      // coherence axiom would reject the candidate anyway).
      bool ok = true;
      for (std::size_t i = 0; i < ws.size() && ok; ++i)
        for (std::size_t j = i + 1; j < ws.size() && ok; ++j)
          if (po_before(ws[j], ws[i])) ok = false;
      if (ok) enumerate_co(loc + 1);
    } while (!stop_ && std::next_permutation(ws.begin(), ws.end()));
  }

  // Along each coherence order: a read-modify-write reads the write just before its
  // own (atomicity: rmw & (fre; coe) is empty in all three models), which fixes the
  // values every write leaves.
  void assign_values() {
    const LitmusTest& t = *p_.test;
    for (unsigned l = 0; l < nloc_; ++l) {
      unsigned prev = l;
      for (unsigned w : co_[l]) {
        const Op& op = t.ops[ev_[w].thread][ev_[w].op];
        if (ev_[w].rmw_read >= 0) {
          const unsigned r = unsigned(ev_[w].rmw_read);
          rf_[r] = int(prev);
          values_[r] = values_[prev];
          if (ev_[w].conditional && values_[prev] != op.expected) return;
          if (want_ && op.reg >= 0 && want_->regs[ev_[r].thread][unsigned(op.reg)] != values_[r]) return;
          values_[w] = written(op, values_[prev]);
        } else {
          values_[w] = written(op, 0);
        }
        prev = w;
      }
      if (want_ && !want_->memory.empty() && values_[prev] != want_->memory[l]) return;
    }
    free_reads_.clear();
    for (unsigned a = nloc_; a < n_; ++a)
      if (ev_[a].kind == McEvent::Read && !(rmw_all_[a] & present_)) free_reads_.push_back(a);
    enumerate_rf(0);
  }

  void enumerate_rf(std::size_t i) {
    if (stop_) return;
    if (i == free_reads_.size()) return check();
    const unsigned r = free_reads_[i];
    const Op& op = p_.test->ops[ev_[r].thread][ev_[r].op];
    const unsigned l = ev_[r].loc;
    auto try_source = [&](unsigned w) {
      const std::uint64_t v = values_[w];
      if (is_cas(op.kind) && v == op.expected) return;  // that read would have made it succeed
      if (want_ && op.reg >= 0 && want_->regs[ev_[r].thread][unsigned(op.reg)] != v) return;
      rf_[r] = int(w);
      values_[r] = v;
      enumerate_rf(i + 1);
    };
    try_source(l);
    for (unsigned w : co_[l])
      if (!stop_) try_source(w);
  }

  void fail(const char* axiom) { ++broken[axiom]; }

  void check() {
    ++candidates;
    // The relations fixed by the program, without a failed exchange's absent write.
    const std::uint64_t P = present_;
    Rel poloc_{}, fenced_{}, data_{}, ctrlrel_{}, rmw_{};
    for (unsigned a = 0; a < n_; ++a)
      if (P >> a & 1) {
        poloc_[a] = poloc_all_[a] & P, fenced_[a] = fenced_all_[a] & P, data_[a] = data_all_[a] & P;
        ctrlrel_[a] = ctrlrel_all_[a] & P, rmw_[a] = rmw_all_[a] & P;
      }
    Rel rf{}, co{}, fr{};
    for (unsigned l = 0; l < nloc_; ++l) {
      std::uint64_t later = 0;
      for (auto it = co_[l].rbegin(); it != co_[l].rend(); ++it) {
        co[*it] = later;
        later |= 1ULL << *it;
      }
      co[l] = later;
    }
    for (unsigned r = nloc_; r < n_; ++r)
      if (rf_[r] >= 0 && (present_ >> r & 1) && ev_[r].kind == McEvent::Read) {
        rf[unsigned(rf_[r])] |= 1ULL << r;
        fr[r] = co[unsigned(rf_[r])];
      }
    Rel com = rel_union(rel_union(rf, co), fr);
    Rel coh = rel_union(com, poloc_);
    if (!acyclic(coh, n_)) return fail(p_.model == McModel::Tso ? "uniproc" : p_.model == McModel::Armv8 ? "internal" : "coherence");
    Rel rfe{}, rfi{}, coe{}, coi{}, fre{};
    for (unsigned a = 0; a < n_; ++a) {
      rfe[a] = rf[a] & ext_[a], rfi[a] = rf[a] & ~ext_[a];
      coe[a] = co[a] & ext_[a], coi[a] = co[a] & ~ext_[a];
      fre[a] = fr[a] & ext_[a];
    }
    Rel po{};
    for (unsigned a = 0; a < n_; ++a) po[a] = (mem_ >> a & 1) ? po_[a] & mem_ & present_ : 0;
    if (p_.model == McModel::Tso) {
      // ghb = mfence | implied | po_ghb | rfe | fr | co
      Rel ghb{};
      for (unsigned a = 0; a < n_; ++a)
        for (std::uint64_t m = po[a]; m; m &= m - 1) {
          const unsigned b = unsigned(__builtin_ctzll(m));
          const bool wr = ev_[a].kind == McEvent::Write && ev_[b].kind == McEvent::Read;
          if (!wr || ev_[a].locked || ev_[b].locked || (fenced_[a] >> b & 1)) ghb[a] |= 1ULL << b;
        }
      ghb = rel_union(ghb, rel_union(rfe, rel_union(fr, co)));
      if (!acyclic(ghb, n_)) return fail("tso (ghb)");
    } else if (p_.model == McModel::Armv8) {
      Rel ob = rel_union(rfe, rel_union(fre, coe));
      // dob = data | ctrl;[W] | (ctrl|data);coi | data;rfi
      Rel cd{};
      for (unsigned a = 0; a < n_; ++a) {
        ob[a] |= data_[a] | (ctrlrel_[a] & writes_);
        cd[a] = data_[a] | ctrlrel_[a];
      }
      const Rel cdcoi = compose(cd, coi, n_), drfi = compose(data_, rfi, n_);
      // aob = rmw | [range(rmw)]; rfi; [A|Q]
      for (unsigned a = 0; a < n_; ++a) {
        ob[a] |= cdcoi[a] | drfi[a] | rmw_[a];
        if (ev_[a].kind == McEvent::Write && ev_[a].rmw_read >= 0)
          for (std::uint64_t m = rfi[a]; m; m &= m - 1)
            if (ev_[unsigned(__builtin_ctzll(m))].acquire) ob[a] |= 1ULL << __builtin_ctzll(m);
      }
      // bob = po;[dmb.full];po | [L];po;[A] | [R];po;[dmb.ld];po | [A|Q];po
      //     | [W];po;[dmb.st];po;[W] | po;[L] | po;[L];coi
      for (unsigned a = 0; a < n_; ++a)
        for (std::uint64_t m = po[a]; m; m &= m - 1) {
          const unsigned b = unsigned(__builtin_ctzll(m));
          const bool l_a = ev_[a].kind == McEvent::Write && ev_[a].release;
          const bool a_b = ev_[b].kind == McEvent::Read && ev_[b].acquire;
          const bool a_a = ev_[a].kind == McEvent::Read && ev_[a].acquire;
          const bool l_b = ev_[b].kind == McEvent::Write && ev_[b].release;
          if ((fenced_[a] >> b & 1) || (l_a && a_b) || a_a || l_b) ob[a] |= 1ULL << b;
          if (l_b) ob[a] |= coi[b];
        }
      if (!acyclic(ob, n_)) return fail("external (ob)");
    } else {
      Rel ppo{};
      for (unsigned a = 0; a < n_; ++a) {
        for (std::uint64_t m = po[a]; m; m &= m - 1) {
          const unsigned b = unsigned(__builtin_ctzll(m));
          const McEvent &ea = ev_[a], &eb = ev_[b];
          const bool same = ea.loc == eb.loc;
          bool o = false;
          if (same && eb.kind == McEvent::Write) o = true;  // r1
          if (same && ea.kind == McEvent::Read && eb.kind == McEvent::Read) {
            // r2: no write to the location between them, and not reading the same write
            bool between = false;
            for (std::uint64_t k = po[a] & ~po[b] & ~(1ULL << b) & writes_ & sameloc_[a]; k; k &= k - 1) between = true;
            if (!between && rf_[a] != rf_[b]) o = true;
          }
          if (fenced_[a] >> b & 1) o = true;                                                            // r4
          if (ea.acquire) o = true;                                                                     // r5
          if (eb.release) o = true;                                                                     // r6
          const bool rcsc_a = (ea.acquire || ea.release) && (ea.exclusive || ea.amo);
          const bool rcsc_b = (eb.acquire || eb.release) && (eb.exclusive || eb.amo);
          if (rcsc_a && rcsc_b) o = true;  // r7
          if (o) ppo[a] |= 1ULL << b;
        }
        ppo[a] |= rmw_[a];                          // r8
        ppo[a] |= data_[a] & writes_;               // r10
        ppo[a] |= ctrlrel_[a] & writes_ & present_;  // r11
        if (ev_[a].kind == McEvent::Write && (ev_[a].amo || ev_[a].exclusive)) ppo[a] |= rfi[a];  // r3
      }
      const Rel r12 = compose(data_, rfi, n_);  // r12: [M];data;[W];rfi;[R]
      for (unsigned a = 0; a < n_; ++a) ppo[a] |= r12[a];
      Rel model = rel_union(ppo, rel_union(co, rel_union(rfe, fr)));
      if (!acyclic(model, n_)) return fail("model (co|rfe|fr|ppo)");
    }
    LitmusOutcome o;
    const LitmusTest& t = *p_.test;
    o.regs.resize(t.threads);
    for (unsigned th = 0; th < t.threads; ++th) o.regs[th].assign(t.registers[th].size(), 0);
    for (unsigned a = nloc_; a < n_; ++a)
      if (ev_[a].kind == McEvent::Read && (present_ >> a & 1)) {
        const Op& op = t.ops[ev_[a].thread][ev_[a].op];
        if (op.reg >= 0) o.regs[ev_[a].thread][unsigned(op.reg)] = values_[a];
      }
    o.memory.resize(nloc_);
    for (unsigned l = 0; l < nloc_; ++l) o.memory[l] = values_[co_[l].empty() ? l : co_[l].back()];
    if ((*visit_)(o)) stop_ = true;
  }

  const McProgram& p_;
  const LitmusOutcome* want_;
  unsigned nloc_ = 0, n_ = 0;
  std::vector<McEvent> ev_;
  std::vector<std::uint64_t> ctrl_;
  Rel po_{}, poloc_all_{}, sameloc_{}, ext_{}, rmw_all_{}, data_all_{}, ctrlrel_all_{}, fenced_all_{};
  std::uint64_t mem_ = 0, reads_ = 0, writes_ = 0, present_ = 0;
  std::vector<unsigned> cas_writes_, free_reads_;
  std::vector<std::vector<unsigned>> co_;
  std::vector<std::uint64_t> values_;
  std::vector<int> rf_;
  const std::function<bool(const LitmusOutcome&)>* visit_ = nullptr;
  bool stop_ = false;
};

}  // namespace

McProgram mc_program(const LitmusTest& t, const std::string& isa, bool lse) {
  return mc_program(t, isa, lse, mc_model_for_isa(isa));
}

McProgram mc_program(const LitmusTest& t, const std::string& isa, bool lse, McModel model) {
  const Lowering& low = Lowering::for_isa(isa, lse);
  McProgram p;
  p.model = model;
  p.test = &t;
  p.thread.resize(t.threads);
  for (unsigned th = 0; th < t.threads; ++th) {
    std::uint64_t ctrl = 0;  // program events a later event depends on through a branch
    for (unsigned i = 0; i < t.ops[th].size(); ++i) {
      const Op& op = t.ops[th][i];
      if (op.kind == OpKind::Compute || op.kind == OpKind::IFetch) continue;
      const Sequence& seq = low.lower(op);
      int read = -1;  // this operation's read (an RMW's)
      auto add = [&](McEvent e) {
        e.thread = th, e.op = i;
        e.ctrl = ctrl;
        p.thread[th].push_back(unsigned(p.events.size()));
        p.events.push_back(e);
        return int(p.events.size() - 1);
      };
      for (int k = 0; k < seq.n; ++k) {
        const Inst& in = seq.insts[std::size_t(k)];
        if (in.ctl & kFailPath) continue;  // clrex: no memory event
        McEvent e;
        e.loc = unsigned(op.addr);
        const bool acq = in.sem & kAcquire, rel = in.sem & kRelease;
        switch (in.kind) {
          case InstKind::Load:
            e.kind = McEvent::Read, e.acquire = acq, e.release = rel, e.exclusive = in.sem & kExclusive;
            read = add(e);
            break;
          case InstKind::Store:
            e.kind = McEvent::Write, e.acquire = acq, e.release = rel, e.exclusive = in.sem & kExclusive;
            if (e.exclusive && read >= 0) {
              e.rmw_read = read;
              if (!value_kind_constant(op.kind)) e.data_from = read;  // ldxr; add; stxr
            }
            e.conditional = is_cas(op.kind);
            add(e);
            break;
          case InstKind::Rmw: {
            McEvent r = e, w = e;
            r.kind = McEvent::Read, w.kind = McEvent::Write;
            r.amo = w.amo = model != McModel::Tso || isa != "x86";
            r.locked = w.locked = isa == "x86";
            if (isa == "riscv") {  // an AMO's .aq/.rl annotate both of its accesses
              r.acquire = w.acquire = acq, r.release = w.release = rel;
            } else {  // ARMv8.1: the read is acquire (A), the write release (L)
              r.acquire = acq, w.release = rel;
            }
            read = add(r);
            w.rmw_read = read;
            w.conditional = is_cas(op.kind);
            add(w);
            break;
          }
          case InstKind::Fence:
            e.kind = McEvent::Fence;
            e.orders = isa == "x86" ? std::uint8_t(kOrderAll) : in.orders;
            add(e);
            break;
          case InstKind::Branch:
            if (in.branch == BranchKind::ExitIfNotEqual && read >= 0) ctrl |= 1ULL << unsigned(read);
            break;
          default: break;  // ALU, retry branches, compute: no memory event
        }
      }
    }
  }
  return p;
}

McVerdict mc_check(const McProgram& p, const LitmusOutcome& o) {
  Checker c(p, &o);
  McVerdict v;
  c.run([&](const LitmusOutcome&) {
    v.allowed = true;
    return true;
  });
  v.candidates = c.candidates;
  if (!v.allowed) {
    if (c.broken.empty()) v.reason = "no candidate execution gives these values";
    for (auto& [axiom, n] : c.broken)
      v.reason += (v.reason.empty() ? "" : ", ") + axiom + " broken in " + std::to_string(n) + " candidate(s)";
  }
  return v;
}

std::vector<LitmusOutcome> mc_allowed_outcomes(const McProgram& p) {
  Checker c(p, nullptr);
  std::set<std::pair<std::vector<std::vector<std::uint64_t>>, std::vector<std::uint64_t>>> seen;
  std::vector<LitmusOutcome> out;
  c.run([&](const LitmusOutcome& o) {
    if (seen.insert({o.regs, o.memory}).second) out.push_back(o);
    return false;
  });
  return out;
}

}  // namespace cohsim
