#include "cpu/lowering.hpp"

#include <stdexcept>

namespace cohsim {

void Lowering::set(OpKind k, Ordering o, std::initializer_list<Inst> seq) {
  Sequence& s = table_[std::size_t(k) * kNumOrderings + std::size_t(o)];
  s.n = 0;
  for (const Inst& i : seq) s.insts[s.n++] = i;
}

void Lowering::set_all(OpKind k, std::initializer_list<Inst> seq) {
  for (int o = 0; o < kNumOrderings; ++o) set(k, Ordering(o), seq);
}

std::string Lowering::text(const Op& op) const {
  const Sequence& s = lower(op);
  if (s.n == 0) return "(nothing)";
  std::string out;
  for (int i = 0; i < s.n; ++i) out += (i ? "; " : "") + std::string(s.insts[i].mnemonic);
  return out;
}

namespace {

// x86-64 (TSO). The mappings LLVM uses for C11/Rust atomics on x86-64:
// every load is a plain mov; Relaxed/Release stores are movs; a SeqCst store is an
// xchg (locked, so it drains the store buffer); read-modify-writes are
// lock-prefixed (lock xadd for fetch_add/fetch_sub, xchg for swap, lock cmpxchg for
// compare_exchange; fetch_and/or/xor whose result is used become a lock cmpxchg
// loop, modelled here as one locked RMW); only a SeqCst fence emits mfence.
class X86 final : public Lowering {
 public:
  X86() : Lowering("x86") {
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
    set_all(OpKind::Compute, {{InstKind::Compute, kNone, "compute"}});
    set_all(OpKind::IFetch, {{InstKind::IFetch, kNone, "ifetch"}});
  }
};

}  // namespace

const Lowering& Lowering::for_isa(const std::string& isa) {
  static const X86 x86;
  if (isa == "x86") return x86;
  throw std::logic_error("no lowering table for ISA " + isa);
}

std::vector<std::string> Lowering::isa_names() { return {"x86"}; }

}  // namespace cohsim
