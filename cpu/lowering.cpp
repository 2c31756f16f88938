#include "cpu/lowering.hpp"

#include "cpu/memory_model.hpp"

#include <stdexcept>

#include "sim/base/registry.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

Lowering::Lowering(std::string isa, bool lse, std::string title)
    : isa_(std::move(isa)),
      lse_(lse),
      title_(std::move(title)),
      table_(kNumOpKinds * kNumOrderings + 2 * kNumOrderings * kNumOrderings) {}

void Lowering::set(OpKind k, Ordering o, Ordering fail, const std::vector<Inst>& seq) {
  if (seq.size() > std::size_t(Sequence::kMax)) throw std::logic_error("lowering: sequence too long");
  Sequence& s = mut(k, o, fail);
  s = Sequence{};
  s.defined = true;
  for (const Inst& i : seq) s.insts[s.n++] = i;
}

void Lowering::set(OpKind k, Ordering o, const std::vector<Inst>& seq) {
  if (k == OpKind::CompareExchange || k == OpKind::CompareExchangeWeak)
    for (int f = 0; f < kNumOrderings; ++f) set(k, o, Ordering(f), seq);
  else set(k, o, Ordering::Plain, seq);
}

void Lowering::set_all(OpKind k, const std::vector<Inst>& seq) {
  for (int o = 0; o < kNumOrderings; ++o) set(k, Ordering(o), seq);
}

void Lowering::set_programs(const std::array<std::vector<Inst>, 8>& alu, const std::array<std::vector<Inst>, 5>& branch,
                            const std::vector<Inst>& cmp, const char* exit_eq, const char* exit_ne, const char* back,
                            const char* hint) {
  for (int k = 0; k < 8; ++k) set(OpKind(int(OpKind::Mov) + k), Ordering::Plain, alu[std::size_t(k)]);
  set(OpKind::Marker, Ordering::Plain, {});  // `roi begin` / `roi end`: no instruction on any ISA
  auto fill = [](Sequence& s, const std::vector<Inst>& seq) {
    if (seq.size() > std::size_t(Sequence::kMax)) throw std::logic_error("lowering: sequence too long");
    s = Sequence{};
    s.defined = true;
    for (const Inst& i : seq) s.insts[s.n++] = i;
  };
  for (int c = 0; c < 5; ++c) fill(branch_[std::size_t(c)], branch[std::size_t(c)]);
  set(OpKind::Branch, Ordering::Plain, branch[std::size_t(Cond::Eq)]);  // the table's view
  for (int ne = 0; ne < 2; ++ne)
    for (int o = 0; o < kNumOrderings; ++o) {
      if (!valid(OpKind::Wait, Ordering(o))) continue;
      const Sequence& ld = cell(OpKind::Load, Ordering(o));
      std::vector<Inst> seq(ld.insts.begin(), ld.insts.begin() + ld.n);
      seq.front().ctl |= kLoopStart;
      seq.insert(seq.end(), cmp.begin(), cmp.end());
      seq.push_back({InstKind::Branch, kNone, ne ? exit_ne : exit_eq, kPlainAccess, 0, BranchKind::ExitIfAwaited});
      if (hint) seq.push_back({InstKind::Hint, kNone, hint});
      seq.push_back({InstKind::Branch, kNone, back, kPlainAccess, 0, BranchKind::LoopBack});
      fill(wait_[std::size_t(ne * kNumOrderings + o)], seq);
      if (!ne) set(OpKind::Wait, Ordering(o), seq);  // the table's view: ==
    }
}

bool Lowering::valid(OpKind kind, Ordering o, Ordering fail) {
  if (is_alu(kind) || kind == OpKind::Branch) return o == Ordering::Plain;
  switch (kind) {
    case OpKind::Wait: return o == Ordering::Relaxed || o == Ordering::Acquire || o == Ordering::SeqCst;
    case OpKind::Load:
      return o == Ordering::Plain || o == Ordering::Relaxed || o == Ordering::Acquire || o == Ordering::SeqCst;
    case OpKind::Store:
      return o == Ordering::Plain || o == Ordering::Relaxed || o == Ordering::Release || o == Ordering::SeqCst;
    case OpKind::CompareExchange:
    case OpKind::CompareExchangeWeak:
      // Any failure ordering that only loads (Rust >= 1.64 lets it be stronger than
      // the success ordering; the trace readers keep the older rule).
      return o != Ordering::Plain &&
             (fail == Ordering::Relaxed || fail == Ordering::Acquire || fail == Ordering::SeqCst);
    case OpKind::Fence: return o != Ordering::Plain && o != Ordering::Relaxed;
    case OpKind::Compute:
    case OpKind::IFetch:
    case OpKind::Marker: return o == Ordering::Plain;
    default: return o != Ordering::Plain;  // fetch_*, swap
  }
}

std::string Lowering::text(const Inst& i) {
  std::string s = (i.ctl & kFailPath) ? std::string("fail: ") + i.mnemonic : std::string(i.mnemonic);
  if (i.branch == BranchKind::RetryIfStoreFailed) s += " (loop)";
  if (i.branch == BranchKind::ExitIfNotEqual) s += " (fail)";
  if (i.branch == BranchKind::OpBranch) s += " (target)";
  if (i.branch == BranchKind::ExitIfAwaited) s += " (done)";
  if (i.branch == BranchKind::LoopBack) s += " (loop)";
  return s;
}

std::string Lowering::text(const Sequence& s) {
  if (!s.defined) return "(not a valid ordering)";
  if (s.n == 0) return "(nothing)";
  std::string out;
  for (int i = 0; i < s.n; ++i) out += (i ? "; " : "") + text(s.insts[i]);
  return out;
}

namespace {

// x86-64 (TSO). The mappings LLVM uses for C11/Rust atomics on x86-64:
// every load is a plain mov; Relaxed/Release stores are movs; a SeqCst store is an
// xchg (locked, so it drains the store buffer); read-modify-writes are
// lock-prefixed (lock xadd for fetch_add/fetch_sub, xchg for swap, lock cmpxchg for
// compare_exchange; fetch_and/or/xor whose result is used become a lock cmpxchg
// loop, modelled here as one locked RMW); only a SeqCst fence emits mfence.
// (clang also emits a register `neg` before fetch_sub's lock xadd, and the cmpxchg
// loop's first load, mov and and/or/xor; the model leaves these out.)
class X86 final : public Lowering {
 public:
  X86() : Lowering("x86", false, "x86-64 (TSO)") {
    constexpr std::uint8_t locked = kLocked | kDrainStoreBuffer | kWaitOlderLoads;
    set_all(OpKind::Load, {{InstKind::Load, kNone, "mov"}});
    set_all(OpKind::Store, {{InstKind::Store, kNone, "mov"}});
    set(OpKind::Store, Ordering::SeqCst, {{InstKind::Rmw, locked, "xchg"}});
    set_all(OpKind::FetchAdd, {{InstKind::Rmw, locked, "lock xadd"}});
    set_all(OpKind::FetchSub, {{InstKind::Rmw, locked, "lock xadd"}});
    set_all(OpKind::FetchAnd, {{InstKind::Rmw, locked, "lock cmpxchg (loop)"}});
    set_all(OpKind::FetchOr, {{InstKind::Rmw, locked, "lock cmpxchg (loop)"}});
    set_all(OpKind::FetchXor, {{InstKind::Rmw, locked, "lock cmpxchg (loop)"}});
    set_all(OpKind::Swap, {{InstKind::Rmw, locked, "xchg"}});
    set_all(OpKind::CompareExchange, {{InstKind::Rmw, locked, "lock cmpxchg"}});
    set_all(OpKind::CompareExchangeWeak, {{InstKind::Rmw, locked, "lock cmpxchg"}});
    set_all(OpKind::Fence, {});  // Acquire, Release, AcqRel: a compiler barrier only
    set(OpKind::Fence, Ordering::SeqCst,
        {{InstKind::Fence, std::uint8_t(kDrainStoreBuffer | kWaitOlderLoads), "mfence"}});
    auto a = [](const char* m) { return Inst{InstKind::Alu, kNone, m}; };
    auto b = [](const char* m) { return Inst{InstKind::Branch, kNone, m, kPlainAccess, 0, BranchKind::OpBranch}; };
    set_programs({{{a("mov")},
                   {a("add")},
                   {a("sub")},
                   {a("and")},
                   {a("or")},
                   {a("xor")},
                   {a("cmp"), a("sete")},
                   {a("cmp"), a("setb")}}},
                 {{{b("jmp")}, {a("cmp"), b("je")}, {a("cmp"), b("jne")}, {a("cmp"), b("jb")}, {a("cmp"), b("jae")}}},
                 {a("cmp")}, "je", "jne", "jmp", "pause");
    set_all(OpKind::Compute, {{InstKind::Compute, kNone, "compute"}});
    set_all(OpKind::IFetch, {{InstKind::IFetch, kNone, "ifetch"}});
  }
};

// ---- building blocks of the AArch64 and RISC-V tables ----------------------------------

constexpr Ordering kAtomicOrders[] = {Ordering::Relaxed, Ordering::Acquire, Ordering::Release, Ordering::AcqRel,
                                      Ordering::SeqCst};
constexpr Ordering kFailOrders[] = {Ordering::Relaxed, Ordering::Acquire, Ordering::SeqCst};
constexpr OpKind kFetchKinds[] = {OpKind::FetchAdd, OpKind::FetchSub, OpKind::FetchAnd,
                                  OpKind::FetchOr,  OpKind::FetchXor, OpKind::Swap};

bool acquires(Ordering o) { return o == Ordering::Acquire || o == Ordering::AcqRel || o == Ordering::SeqCst; }
bool releases(Ordering o) { return o == Ordering::Release || o == Ordering::AcqRel || o == Ordering::SeqCst; }
std::uint8_t sem_of(Ordering o) { return std::uint8_t((acquires(o) ? kAcquire : 0) | (releases(o) ? kRelease : 0)); }
// 0: neither, 1: acquire, 2: release, 3: both -- the index into the variant tables below.
int variant(Ordering o) { return (acquires(o) ? 1 : 0) + (releases(o) ? 2 : 0); }

// The ordering LLVM gives a compare_exchange's instructions: the success ordering,
// strengthened by the failure ordering.
Ordering merged(Ordering success, Ordering fail) {
  if (fail == Ordering::SeqCst) return Ordering::SeqCst;
  if (fail == Ordering::Acquire) {
    if (success == Ordering::Relaxed) return Ordering::Acquire;
    if (success == Ordering::Release) return Ordering::AcqRel;
  }
  return success;
}

Inst load(const char* m, std::uint8_t sem = kPlainAccess) { return {InstKind::Load, kNone, m, sem}; }
Inst store(const char* m, std::uint8_t sem = kPlainAccess) { return {InstKind::Store, kNone, m, sem}; }
Inst rmw(const char* m, std::uint8_t sem) { return {InstKind::Rmw, kNone, m, sem}; }
Inst alu(const char* m) { return {InstKind::Alu, kNone, m}; }
Inst barrier(const char* m, std::uint8_t orders) { return {InstKind::Fence, kNone, m, kPlainAccess, orders}; }
Inst retry(const char* m) { return {InstKind::Branch, kNone, m, kPlainAccess, 0, BranchKind::RetryIfStoreFailed}; }
Inst exit_if_ne(const char* m) { return {InstKind::Branch, kNone, m, kPlainAccess, 0, BranchKind::ExitIfNotEqual}; }
Inst loop_start(Inst i) {
  i.ctl |= kLoopStart;
  return i;
}
Inst compute() { return {InstKind::Compute, kNone, "compute"}; }
Inst br(const char* m) { return {InstKind::Branch, kNone, m, kPlainAccess, 0, BranchKind::OpBranch}; }
Inst ifetch() { return {InstKind::IFetch, kNone, "ifetch"}; }

// ---- AArch64 ---------------------------------------------------------------------------

// AArch64 as clang 14 lowers C11 atomics: load-acquire (ldar) and store-release (stlr)
// for every Acquire/SeqCst load and Release/SeqCst store; read-modify-writes as an
// exclusive-monitor loop (ldxr/ldaxr, the operation, stxr/stlxr, cbnz back on
// failure), or with LSE one ARMv8.1 atomic; barriers dmb ishld (Acquire fence) and
// dmb ish (the others).
class AArch64 final : public Lowering {
 public:
  explicit AArch64(bool lse)
      : Lowering("arm", lse, lse ? "AArch64, ARMv8.1 with LSE atomics (--lse)" : "AArch64, ARMv8.0 (exclusives)") {
    set(OpKind::Load, Ordering::Plain, {load("ldr")});
    set(OpKind::Load, Ordering::Relaxed, {load("ldr")});
    set(OpKind::Load, Ordering::Acquire, {load("ldar", kAcquire)});
    set(OpKind::Load, Ordering::SeqCst, {load("ldar", kAcquire)});
    set(OpKind::Store, Ordering::Plain, {store("str")});
    set(OpKind::Store, Ordering::Relaxed, {store("str")});
    set(OpKind::Store, Ordering::Release, {store("stlr", kRelease)});
    set(OpKind::Store, Ordering::SeqCst, {store("stlr", kRelease)});
    for (OpKind k : kFetchKinds)
      for (Ordering o : kAtomicOrders) set(k, o, lse ? lse_rmw(k, o) : exclusive_rmw(k, o));
    for (Ordering s : kAtomicOrders)
      for (Ordering f : kFailOrders)
        for (OpKind k : {OpKind::CompareExchange, OpKind::CompareExchangeWeak})
          set(k, s, f, lse ? lse_cas(merged(s, f)) : exclusive_cas(merged(s, f), k == OpKind::CompareExchangeWeak));
    set(OpKind::Fence, Ordering::Acquire, {barrier("dmb ishld", kOrderRR | kOrderRW)});
    for (Ordering o : {Ordering::Release, Ordering::AcqRel, Ordering::SeqCst})
      set(OpKind::Fence, o, {barrier("dmb ish", kOrderAll)});
    set_all(OpKind::Compute, {compute()});
    set_all(OpKind::IFetch, {ifetch()});
    // Rust's core::hint::spin_loop() is `isb sy` on AArch64 (rust-lang/rust#84725).
    set_programs({{{alu("mov")},
                   {alu("add")},
                   {alu("sub")},
                   {alu("and")},
                   {alu("orr")},
                   {alu("eor")},
                   {alu("cmp"), alu("cset")},
                   {alu("cmp"), alu("cset")}}},
                 {{{br("b")},
                   {alu("cmp"), br("b.eq")},
                   {alu("cmp"), br("b.ne")},
                   {alu("cmp"), br("b.lo")},
                   {alu("cmp"), br("b.hs")}}},
                 {alu("cmp")}, "b.eq", "b.ne", "b", "isb");
  }

 private:
  static Inst ldx(Ordering o) {
    return loop_start(load(acquires(o) ? "ldaxr" : "ldxr", std::uint8_t(kExclusive | (sem_of(o) & kAcquire))));
  }
  static Inst stx(Ordering o) {
    return store(releases(o) ? "stlxr" : "stxr", std::uint8_t(kExclusive | (sem_of(o) & kRelease)));
  }

  static std::vector<Inst> exclusive_rmw(OpKind k, Ordering o) {
    std::vector<Inst> seq{ldx(o)};
    switch (k) {
      case OpKind::FetchAdd: seq.push_back(alu("add")); break;
      case OpKind::FetchSub: seq.push_back(alu("sub")); break;
      case OpKind::FetchAnd: seq.push_back(alu("and")); break;
      case OpKind::FetchOr: seq.push_back(alu("orr")); break;
      case OpKind::FetchXor: seq.push_back(alu("eor")); break;
      default: break;  // swap stores the new value as it is
    }
    seq.push_back(stx(o));
    seq.push_back(retry("cbnz"));
    return seq;
  }

  // Strong: a loop that retries a failed store-exclusive. Weak: no loop, a failed
  // store-exclusive is a (spurious) failure. Both clear the monitor on a mismatch.
  static std::vector<Inst> exclusive_cas(Ordering o, bool weak) {
    Inst ld = ldx(o);
    if (weak) ld.ctl &= std::uint8_t(~kLoopStart);
    std::vector<Inst> seq{ld, alu("cmp"), exit_if_ne("b.ne"), stx(o)};
    if (!weak) seq.push_back(retry("cbnz"));
    seq.push_back({InstKind::ClearExclusive, kNone, "clrex", kPlainAccess, 0, BranchKind::None, kFailPath});
    return seq;
  }

  static std::vector<Inst> lse_rmw(OpKind k, Ordering o) {
    static const char* const ldadd[] = {"ldadd", "ldadda", "ldaddl", "ldaddal"};
    static const char* const ldclr[] = {"ldclr", "ldclra", "ldclrl", "ldclral"};
    static const char* const ldset[] = {"ldset", "ldseta", "ldsetl", "ldsetal"};
    static const char* const ldeor[] = {"ldeor", "ldeora", "ldeorl", "ldeoral"};
    static const char* const swp[] = {"swp", "swpa", "swpl", "swpal"};
    const int v = variant(o);
    const std::uint8_t sem = sem_of(o);
    switch (k) {
      case OpKind::FetchAdd: return {rmw(ldadd[v], sem)};
      case OpKind::FetchSub: return {alu("neg"), rmw(ldadd[v], sem)};  // adds the negated operand
      case OpKind::FetchAnd: return {alu("mvn"), rmw(ldclr[v], sem)};  // clears the complement's bits
      case OpKind::FetchOr: return {rmw(ldset[v], sem)};
      case OpKind::FetchXor: return {rmw(ldeor[v], sem)};
      default: return {rmw(swp[v], sem)};
    }
  }

  static std::vector<Inst> lse_cas(Ordering o) {
    static const char* const cas[] = {"cas", "casa", "casl", "casal"};
    return {rmw(cas[variant(o)], sem_of(o))};
  }
};

// ---- RISC-V ----------------------------------------------------------------------------

// RISC-V (RVWMO, rv64gc) as clang 14 lowers C11 atomics: plain ld/sd bracketed by
// fences for Acquire/Release/SeqCst loads and stores; AMOs with .aq/.rl for the
// read-modify-writes; an lr.d/sc.d loop for compare_exchange (strong and weak alike).
class RiscV final : public Lowering {
 public:
  RiscV() : Lowering("riscv", false, "RISC-V, RVWMO (rv64gc)") {
    const Inst fence_r_rw = barrier("fence r,rw", kOrderRR | kOrderRW);
    const Inst fence_rw_w = barrier("fence rw,w", kOrderRW | kOrderWW);
    const Inst fence_rw_rw = barrier("fence rw,rw", kOrderAll);
    set(OpKind::Load, Ordering::Plain, {load("ld")});
    set(OpKind::Load, Ordering::Relaxed, {load("ld")});
    set(OpKind::Load, Ordering::Acquire, {load("ld"), fence_r_rw});
    set(OpKind::Load, Ordering::SeqCst, {fence_rw_rw, load("ld"), fence_r_rw});
    set(OpKind::Store, Ordering::Plain, {store("sd")});
    set(OpKind::Store, Ordering::Relaxed, {store("sd")});
    set(OpKind::Store, Ordering::Release, {fence_rw_w, store("sd")});
    set(OpKind::Store, Ordering::SeqCst, {fence_rw_w, store("sd")});
    for (OpKind k : kFetchKinds)
      for (Ordering o : kAtomicOrders) set(k, o, amo(k, o));
    for (Ordering s : kAtomicOrders)
      for (Ordering f : kFailOrders)
        for (OpKind k : {OpKind::CompareExchange, OpKind::CompareExchangeWeak}) set(k, s, f, lr_sc_cas(merged(s, f)));
    set(OpKind::Fence, Ordering::Acquire, {fence_r_rw});
    set(OpKind::Fence, Ordering::Release, {fence_rw_w});
    set(OpKind::Fence, Ordering::AcqRel, {barrier("fence.tso", kOrderRR | kOrderRW | kOrderWW)});
    set(OpKind::Fence, Ordering::SeqCst, {fence_rw_rw});
    set_all(OpKind::Compute, {compute()});
    set_all(OpKind::IFetch, {ifetch()});
    // Branches compare two registers; Rust's spin_loop() emits `pause` only with the
    // Zihintpause extension, which rv64gc lacks: no hint.
    set_programs({{{alu("mv")},
                   {alu("add")},
                   {alu("sub")},
                   {alu("and")},
                   {alu("or")},
                   {alu("xor")},
                   {alu("xor"), alu("seqz")},
                   {alu("sltu")}}},
                 {{{br("j")}, {br("beq")}, {br("bne")}, {br("bltu")}, {br("bgeu")}}}, {}, "beq", "bne", "j", nullptr);
  }

 private:
  static std::vector<Inst> amo(OpKind k, Ordering o) {
    static const char* const add[] = {"amoadd.d", "amoadd.d.aq", "amoadd.d.rl", "amoadd.d.aqrl"};
    static const char* const and_[] = {"amoand.d", "amoand.d.aq", "amoand.d.rl", "amoand.d.aqrl"};
    static const char* const or_[] = {"amoor.d", "amoor.d.aq", "amoor.d.rl", "amoor.d.aqrl"};
    static const char* const xor_[] = {"amoxor.d", "amoxor.d.aq", "amoxor.d.rl", "amoxor.d.aqrl"};
    static const char* const swap[] = {"amoswap.d", "amoswap.d.aq", "amoswap.d.rl", "amoswap.d.aqrl"};
    const int v = variant(o);
    const std::uint8_t sem = sem_of(o);
    switch (k) {
      case OpKind::FetchAdd: return {rmw(add[v], sem)};
      case OpKind::FetchSub: return {alu("neg"), rmw(add[v], sem)};  // adds the negated operand
      case OpKind::FetchAnd: return {rmw(and_[v], sem)};
      case OpKind::FetchOr: return {rmw(or_[v], sem)};
      case OpKind::FetchXor: return {rmw(xor_[v], sem)};
      default: return {rmw(swap[v], sem)};
    }
  }

  // clang 14: Acquire lr.d.aq/sc.d, Release lr.d/sc.d.rl, AcqRel lr.d.aq/sc.d.rl,
  // SeqCst lr.d.aqrl/sc.d.aqrl.
  static std::vector<Inst> lr_sc_cas(Ordering o) {
    const char* lr = "lr.d";
    const char* sc = "sc.d";
    std::uint8_t lr_sem = kExclusive, sc_sem = kExclusive;
    switch (o) {
      case Ordering::Acquire: lr = "lr.d.aq", lr_sem |= kAcquire; break;
      case Ordering::Release: sc = "sc.d.rl", sc_sem |= kRelease; break;
      case Ordering::AcqRel:
        lr = "lr.d.aq", lr_sem |= kAcquire;
        sc = "sc.d.rl", sc_sem |= kRelease;
        break;
      case Ordering::SeqCst:
        lr = "lr.d.aqrl", lr_sem |= kAcquire | kRelease;
        sc = "sc.d.aqrl", sc_sem |= kAcquire | kRelease;
        break;
      default: break;
    }
    return {loop_start(load(lr, lr_sem)), exit_if_ne("bne"), store(sc, sc_sem), retry("bnez")};
  }
};

struct Tables {
  X86 x86;
  AArch64 arm{false};
  AArch64 arm_lse{true};
  RiscV riscv;
};

const Tables& tables() {
  static const Tables t;  // built on first use
  return t;
}

}  // namespace

const Lowering& Lowering::for_isa(const std::string& isa, bool lse) {
  if (lse && isa != "arm") throw std::logic_error("lowering: LSE atomics are AArch64's, not " + isa + "'s");
  const Tables& t = tables();
  if (isa == "x86") return t.x86;
  if (isa == "arm") return lse ? t.arm_lse : t.arm;
  if (isa == "riscv") return t.riscv;
  throw std::logic_error("no lowering table for ISA " + isa);
}

std::vector<std::string> Lowering::isa_names() { return plugin_names("isa"); }

namespace {
const bool isas_listed = [] {
  plugin_index_add("isa", PluginInfo{"x86", "x86-64 (TSO)", 0});
  plugin_index_add("isa",
                   PluginInfo{"arm", "AArch64 (ARMv8, other-multicopy-atomic; lse: true for ARMv8.1 atomics)", 1});
  plugin_index_add("isa", PluginInfo{"riscv", "RISC-V RV64 with RVWMO", 2});
  return true;
}();
}  // namespace

std::vector<const Lowering*> Lowering::all() {
  const Tables& t = tables();
  return {&t.x86, &t.arm, &t.arm_lse, &t.riscv};
}

// `lse: true` needs an ISA with an LSE table (AArch64's).
COHSIM_REGISTER(config_rules, "lse", "lse needs isa arm",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (!cfg.flag("lse")) return std::string();
                  const std::string& isa = cfg.choice("isa");
                  std::string with_lse;
                  for (const Lowering* l : Lowering::all()) {
                    if (!l->lse()) continue;
                    if (l->isa() == isa) return std::string();
                    with_lse += (with_lse.empty() ? "" : " or ") + std::string("isa: ") + l->isa();
                  }
                  blame = cfg.blame({"lse", "isa"});
                  return "lse: the LSE atomics are AArch64's; set " + with_lse + ", or lse: false";
                }});

// ---- markdown --------------------------------------------------------------------------

std::string Lowering::markdown_table() const {
  auto cell_md = [](const Sequence& s) {
    if (!s.defined) return std::string("?");
    if (s.n == 0) return std::string("nothing");
    return "`" + text(s) + "`";
  };
  std::string out = "| operation |";
  for (int o = 0; o < kNumOrderings; ++o) out += std::string(" ") + name(Ordering(o)) + " |";
  out += "\n| --- |";
  for (int o = 0; o < kNumOrderings; ++o) out += " --- |";
  out += "\n";
  auto row = [&](const std::string& label, OpKind k, Ordering fail) {
    out += "| " + label + " |";
    for (int o = 0; o < kNumOrderings; ++o)
      out += " " + (valid(k, Ordering(o), fail) ? cell_md(cell(k, Ordering(o), fail)) : std::string("—")) + " |";
    out += "\n";
  };
  for (OpKind k : {OpKind::Load, OpKind::Store, OpKind::FetchAdd, OpKind::FetchSub, OpKind::FetchAnd, OpKind::FetchOr,
                   OpKind::FetchXor, OpKind::Swap})
    row(name(k), k, Ordering::Relaxed);
  for (OpKind k : {OpKind::CompareExchange, OpKind::CompareExchangeWeak})
    for (Ordering f : kFailOrders) row(std::string(name(k)) + ", failure " + name(f), k, f);
  row(name(OpKind::Fence), OpKind::Fence, Ordering::Relaxed);
  return out;
}

std::string lowering_reference_markdown() {
  std::string out =
      "# Lowering tables\n"
      "\n"
      "<!-- GENERATED from cpu/lowering.cpp by lowering_reference_markdown(); do not edit.\n"
      "     Regenerate: COHSIM_UPDATE_DOCS=1 <build>/tests/unit_tests --gtest_filter='LoweringDocs.*'\n"
      "     (or: <build>/cohsim lower --docs > docs/lowering.md) -->\n"
      "\n"
      "Each trace operation (a Rust atomic operation and its ordering) runs as the instruction\n"
      "sequence the ISA executes for it: the standard C/C++11 (= Rust) mappings, exactly as LLVM\n"
      "emits them. The AArch64 and RISC-V tables are the output of clang 14 (Debian clang\n"
      "14.0.6) for the same C11 operation on a 64-bit `long`, e.g.\n"
      "`__atomic_fetch_add(p, v, __ATOMIC_SEQ_CST)`, compiled with\n"
      "\n"
      "```\n"
      "clang -O2 -S --target=aarch64-linux-gnu f.c                     # arm\n"
      "clang -O2 -S --target=aarch64-linux-gnu -march=armv8.1-a f.c    # arm --lse\n"
      "clang -O2 -S --target=riscv64-linux-gnu -march=rv64gc f.c       # riscv\n"
      "```\n"
      "\n"
      "with the function's register moves (`mov`, `mv`) and `ret` left out and registers not\n"
      "shown. The test `LoweringClang.*` (tests/unit/lowering_test.cpp) compiles every cell\n"
      "this way and compares the mnemonics and the loop structure with the tables (the x86\n"
      "table too, as the model its section describes). cpu/lowering.hpp documents how a\n"
      "core model reads each instruction (acquire/release, exclusive, barrier sets, loops).\n"
      "`cohsim lower TRACE --isa x86|arm|riscv [--lse]` shows a trace's operations lowered.\n"
      "\n"
      "How to read a cell: instructions are separated by `;`. `cbnz (loop)` / `bnez (loop)`\n"
      "branches back to the first instruction when the store-exclusive (`stxr`, `sc.d`)\n"
      "failed; `b.ne (fail)` / `bne (fail)` leaves a compare-exchange when the loaded value\n"
      "is not the expected one, to the instruction marked `fail:` (or past the end); the\n"
      "success path ends before `fail:`. `—` marks an ordering Rust rejects for the\n"
      "operation (the trace readers reject it too). A compare_exchange takes the stronger\n"
      "of its two orderings, as LLVM does (Rust >= 1.64 accepts a failure ordering\n"
      "stronger than the success ordering; cohsim's trace readers still require it to be\n"
      "no stronger). The tables show 64-bit accesses; cohsim uses the same sequences for\n"
      "1-, 2- and 4-byte ones.\n"
      "\n"
      "Fences by ISA: x86 emits `mfence` for a SeqCst fence only; AArch64 `dmb ishld` for\n"
      "Acquire and `dmb ish` for the others; RISC-V `fence r,rw` (Acquire), `fence rw,w`\n"
      "(Release), `fence.tso` (AcqRel), `fence rw,rw` (SeqCst).\n"
      "\n"
      "The trace markers `roi begin` and `roi end` (the region of interest) lower to no\n"
      "instruction on every ISA: the core acts on them when it reaches them in program order\n"
      "and counts neither an instruction nor an operation.\n";
  for (const Lowering* l : Lowering::all()) {
    out += "\n## " + l->title() + "\n\n";
    if (l->isa() == "x86")
      out +=
          "The simulator's x86 model: clang also emits a register `neg` before fetch_sub's\n"
          "`lock xadd`, and fetch_and/or/xor (whose result is used) become a loop of a load,\n"
          "`mov`, `and`/`or`/`xor`, `lock cmpxchg` and `jne`, modelled as one locked\n"
          "read-modify-write. Loads and stores show the `mov` to or from memory.\n\n";
    if (l->isa() == "arm" && !l->lse())
      out +=
          "A weak compare_exchange has no retry loop on AArch64: a failed `stxr` is its\n"
          "spurious failure. `clrex` clears the exclusive monitor on a mismatch.\n\n";
    if (l->isa() == "riscv")
      out +=
          "clang 14 lowers a weak compare_exchange exactly like the strong one (the\n"
          "`lr.d`/`sc.d` loop retries a failed `sc.d`).\n\n";
    out += "`cohsim lower TRACE --isa " + l->isa() + (l->lse() ? " --lse" : "") + "`\n\n";
    out += l->markdown_table();
  }
  out += memory_model_reference_markdown();  // ## Ordering rules (cpu/memory_model.cpp)
  out +=
      "\n## Exclusive monitors\n"
      "\n"
      "Each core has one exclusive monitor (`ldxr`/`ldaxr` and `stxr`/`stlxr` on AArch64,\n"
      "`lr.d` and `sc.d` on RISC-V). A load-exclusive reads its line and sets the reservation\n"
      "on it; the reservation is lost when the line leaves the core's cache (invalidated or\n"
      "evicted), when another core's Dragon update writes it, or on `clrex`; a\n"
      "store-exclusive writes only while it holds, and clears it either way. The reservation\n"
      "granule is the cache line.\n"
      "\n"
      "Both architectures promise forward progress to a well-formed loop: the Arm ARM's\n"
      "rules for Load-Exclusive/Store-Exclusive use (no other explicit memory access between\n"
      "the pair, a short loop) and RISC-V's constrained LR/SC loops (at most 16 base-ISA\n"
      "instructions) guarantee that such a loop eventually succeeds however many cores\n"
      "contend. Caches alone do not give that: cores looping on one line can each gain it\n"
      "only after losing their reservation, while the request ordered next takes it away at\n"
      "once, for ever. Real cores keep the line a little while after a load-exclusive (they\n"
      "delay or refuse snoops to it). cohsim models this as a simplified, named model, the\n"
      "*exclusive hold*:\n"
      "\n"
      "- A load-exclusive binds as its data arrives (as a locked read-modify-write does), not\n"
      "  at the next clock edge.\n"
      "- When a load-exclusive reads a line its cache may write (M), or a store-exclusive\n"
      "  fails on such a line (the core gained it only after losing the reservation), the\n"
      "  cache holds the line: other caches' requests for it wait. On the snooping bus they\n"
      "  stay queued and are not granted; on a directory their forwards (Fwd-GetS, Fwd-GetM,\n"
      "  Inv) wait in the holding cache. The hold ends at the loop's next store-exclusive on\n"
      "  the line, a `clrex`, the line leaving the cache, or after 32 core cycles, whichever\n"
      "  comes first; a core holds one line at a time and does not renew a hold before it has\n"
      "  ended, so every request waits a bounded time.\n"
      "- A Dragon update whose store did not happen (its store-exclusive failed) is no write:\n"
      "  it leaves other cores' reservations alone.\n"
      "- On the split-transaction bus a line can pass through a cache: its data arrives in a\n"
      "  state such as `IS_D_I` or `IM_D_I` (another core's request was ordered after ours while\n"
      "  we waited), the waiting access performs once on it, and the line goes on. A\n"
      "  load-exclusive that reads a line this way loses its reservation at once, since the\n"
      "  request ordered after ours will write the line before any later store-exclusive of\n"
      "  ours could be ordered (without this, a TAS lock's swap on AArch64 read the lock as\n"
      "  free, another core's release fell between its load- and store-exclusive, and the\n"
      "  store-exclusive still succeeded: the lock was lost and every waiter spun for ever).\n"
      "\n"
      "So whenever a core in such a loop gains write permission for the line, its next\n"
      "store-exclusive succeeds, and some loop completes every time the line changes hands.\n"
      "What the model leaves out: the window (32 core cycles) is this model's, not any\n"
      "documented core's; real monitors may also be cleared by interrupts and context\n"
      "switches, and may refuse (NACK) a snoop rather than delay it. x86 and LSE atomics\n"
      "(single read-modify-write instructions) never hold a line.\n";
  return out;
}

}  // namespace cohsim
