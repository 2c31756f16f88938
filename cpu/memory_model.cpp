#include "cpu/memory_model.hpp"

#include <stdexcept>

namespace cohsim {

namespace {

// x86-64 TSO (Intel SDM vol. 3A 9.2.2; herd7 x86tso.cat): every pair but a store
// followed by a load is kept; locked instructions and mfence order everything.
// Loads stay in order, so nothing is speculated past a branch (kDepCtrlLoad).
constexpr OrderingRules kX86{"x86",
                           "x86-64 (TSO)",
                           kOrderRR | kOrderRW | kOrderWW,
                           kOrderRR | kOrderRW | kOrderWW,
                           true,
                           kAcquire | kRelease,
                           kOrderAll,
                           kDepAddr | kDepData | kDepCtrlStore | kDepCtrlLoad,
                           true};
// AArch64 (Arm ARM B2.3, herd7 aarch64.cat): no pair of plain accesses to different
// locations is kept; per-location coherence; ldar/stlr RCsc (no ldapr in the
// lowering); dmb sets; address, data and control-to-store dependencies order; a
// control dependency does not order a later load (the core predicts the branch).
constexpr OrderingRules kArm{"arm",
                           "AArch64",
                           0,
                           kOrderRR | kOrderRW | kOrderWW,
                           true,
                           0,
                           0,
                           kDepAddr | kDepData | kDepCtrlStore,
                           false};
// RISC-V RVWMO (unprivileged spec, chapter 17, rules 1-13; herd7 riscv.cat): as
// AArch64 for what the lowering emits: .aq/.rl RCsc, fence sets, rules 9-11
// (address, data, control-to-store dependencies).
constexpr OrderingRules kRiscv{"riscv",
                             "RISC-V (RVWMO)",
                             0,
                             kOrderRR | kOrderRW | kOrderWW,
                             true,
                             0,
                             0,
                             kDepAddr | kDepData | kDepCtrlStore,
                             false};

std::uint8_t pair_bits(MemOp a, MemOp b) {
  std::uint8_t p = 0;
  if (reads(a) && reads(b)) p |= kOrderRR;
  if (reads(a) && writes(b)) p |= kOrderRW;
  if (writes(a) && reads(b)) p |= kOrderWR;
  if (writes(a) && writes(b)) p |= kOrderWW;
  return p;
}

std::string pairs_text(std::uint8_t p) {
  std::string s;
  const char* names[] = {"R->R", "R->W", "W->R", "W->W"};
  for (int i = 0; i < 4; ++i)
    if (p & (1 << i)) s += (s.empty() ? "" : ", ") + std::string(names[i]);
  return s.empty() ? "none" : s;
}

}  // namespace

bool reads(MemOp o) { return o.kind == MemKind::Load || o.kind == MemKind::Rmw; }
bool writes(MemOp o) { return o.kind == MemKind::Store || o.kind == MemKind::Rmw; }

const OrderingRules& OrderingRules::for_isa(const std::string& isa) {
  for (const OrderingRules* m : all())
    if (isa == m->isa) return *m;
  throw std::logic_error("no memory model for ISA '" + isa + "'");
}

const std::array<const OrderingRules*, 3>& OrderingRules::all() {
  static const std::array<const OrderingRules*, 3> models{&kX86, &kArm, &kRiscv};
  return models;
}

bool ordered_before(const OrderingRules& m, MemOp a, MemOp b, bool same) {
  if (a.kind == MemKind::Fence || b.kind == MemKind::Fence) {
    if (a.kind == b.kind) return false;
    if (a.kind == MemKind::Fence) {  // the barrier orders b if b is the later side of one of its pairs
      const std::uint8_t later = std::uint8_t((reads(b) ? kOrderRR | kOrderWR : 0) | (writes(b) ? kOrderRW | kOrderWW : 0));
      return a.orders & later;
    }
    const std::uint8_t earlier = std::uint8_t((reads(a) ? kOrderRR | kOrderRW : 0) | (writes(a) ? kOrderWR | kOrderWW : 0));
    return b.orders & earlier;
  }
  const std::uint8_t p = pair_bits(a, b);
  if (m.kept & p) return true;
  if (same && (m.same_location & p)) return true;
  if ((a.sem & kAcquire) && reads(a)) return true;   // an acquire orders every later access
  // A release waits for every earlier access: a store-release, and RVWMO's lr.aqrl
  // (ppo rule 6 reads only the annotation, so the load's .rl half orders it too).
  if (b.sem & kRelease) return true;
  if (m.acquire_rcsc && (a.sem & kRelease) && writes(a) && (b.sem & kAcquire) && reads(b)) return true;
  return false;
}

OrderTable::OrderTable(const OrderingRules& m) : m_(m) {
  for (unsigned a = 0; a < 12; ++a)
    for (unsigned b = 0; b < 12; ++b)
      for (int same = 0; same < 2; ++same)
        t_[a][b][same] = ordered_before(m, {MemKind(a / 4), std::uint8_t(a % 4), 0},
                                        {MemKind(b / 4), std::uint8_t(b % 4), 0}, same);
}

std::string OrderingRules::markdown() const {
  std::string s;
  s += "| " + std::string(title) + " | " + pairs_text(kept) + " | " + pairs_text(same_location) + " | " +
       (acquire_rcsc ? "RCsc" : "RCpc") + " | " +
       (locked_sem ? "acquire + release (full barrier)" : "-") + " | ";
  std::string d;
  const char* names[] = {"address", "data", "control to store", "control to load"};
  for (int i = 0; i < 4; ++i)
    if (dependencies & (1 << i)) d += (d.empty() ? "" : ", ") + std::string(names[i]);
  s += d + " |\n";
  return s;
}

std::string memory_model_reference_markdown() {
  std::string s =
      "\n## Ordering rules\n"
      "\n"
      "How a core orders the instructions above is data too: one description per ISA\n"
      "(cpu/memory_model.cpp) and one predicate, `ordered_before(model, earlier, later,\n"
      "same_location)`, which every path of the core asks (a load binding, a store leaving\n"
      "the store buffer, an atomic or a barrier issuing, a line arriving). The predicate:\n"
      "\n"
      "- a pair of accesses (R: a load, W: a store, an RMW both) is kept if its kind is in\n"
      "  the ISA's *kept* set, or in its *same location* set when both access one location\n"
      "  (the core: one cache line);\n"
      "- an acquire read is ordered before every later access; a release access after every\n"
      "  earlier one (a store-release, and RISC-V's `lr.d.aqrl`: RVWMO's ppo rule 6 reads\n"
      "  the annotation, not the kind); a release before a later acquire (RCsc);\n"
      "- a barrier is ordered after the earlier accesses of the first side of its pairs and\n"
      "  before the later accesses of the second side (`dmb ishld`: R -> RW; `fence rw,w`:\n"
      "  RW -> W; `fence.tso`: RR, RW, WW; `dmb ish`, `fence rw,rw`, `mfence`: all);\n"
      "- an x86 lock-prefixed instruction is acquire and release: a full barrier.\n"
      "\n"
      "| ISA | kept (different locations) | kept (same location) | acquire/release | locked RMW | "
      "dependencies that order |\n|---|---|---|---|---|---|\n";
  for (const OrderingRules* m : OrderingRules::all()) s += m->markdown();
  s +=
      "\n"
      "From the kept pairs follow the pipelines' shapes: where R -> R is kept (x86) loads\n"
      "bind in program order (the oldest unbound load binds; younger ones start their\n"
      "misses early), where W -> W is kept the store buffer drains in order; elsewhere any\n"
      "load binds and any store drains once nothing older in the queues is ordered before\n"
      "it. A barrier waits for the earlier accesses it orders: stores out of the store\n"
      "buffer, loads bound (x86: their data returned, the load queue empty). A load\n"
      "forwarded from the store buffer binds at once, so it first waits for the same\n"
      "things as a load from the cache: older unbound loads ordered before it, and older\n"
      "stores ordered before it (AArch64's `stlr` before an `ldar`) out of the buffer.\n"
      "\n"
      "What the core does that is stronger than the description (allowed: fewer outcomes):\n"
      "\n"
      "- Dependencies: an access whose address or value comes from a load waits until\n"
      "  that load has its value (no value prediction). A branch on a loaded value is\n"
      "  predicted where the description does not order loads after it (AArch64, RISC-V:\n"
      "  no control -> load dependency): static not-taken prediction, one unresolved\n"
      "  branch at a time; later loads bind before it resolves (MP+ctrl's relaxed outcome),\n"
      "  later stores stay in the store buffer until it resolves (control -> store), and\n"
      "  RMWs, load/store-exclusives, waits, `compute` and hints wait for it; a\n"
      "  misprediction squashes the younger loads and stores. x86 keeps R -> R, so it does\n"
      "  not predict. No `isb` is emitted, so control + isb is not modelled. With\n"
      "  `vm.enabled` the core does not predict (a speculative access could fault).\n"
      "- `fence.tso` drains the store buffer (W -> W) before later loads issue, so it also\n"
      "  orders W -> R.\n"
      "- RISC-V's rule 2 exception (two loads of one location reading the same write may\n"
      "  be reordered) is not used: same-line loads bind in order.\n"
      "\n"
      "Simplifications (weaker or coarser than the architecture): the same-location rules\n"
      "work on cache lines; a load-exclusive waits for older stores to its line and, when\n"
      "acquire, for older releases, but not for older loads of its line; a store-exclusive\n"
      "waits for the store buffer to drain and, when release, for older loads; an `.rl` on\n"
      "`lr.d` (SeqCst `lr.d.aqrl`) and an `.aq` on `sc.d` add no order (the AArch64 reading:\n"
      "acquire on reads, release on writes).\n";
  return s;
}

}  // namespace cohsim
