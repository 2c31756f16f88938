// The ordering rules of an ISA as data: one OrderingRules per ISA says which
// program-order pairs of memory accesses the hardware keeps, and ordered_before() is
// the one predicate every path of the core asks (issue, the line-ready path, the
// load-bind and store-drain scans, barriers, atomics). A new ISA or variant (RCpc
// acquire, ldapr, x86 with non-temporal stores) is a new description, not a new
// branch in the core.
//
// What a description holds (docs/lowering.md, "Ordering rules", prints all three):
//   kept            OrderPair bits: pairs of plain accesses to different locations
//                   kept in program order (x86 TSO: R->R, R->W, W->W; AArch64, RISC-V: none)
//   same_location   pairs kept when both access the same location (coherence order:
//                   CoRR, CoRW, CoWW; W->R to the same bytes is store-to-load forwarding)
//   acquire_rcsc    an acquire is ordered after an earlier release (RCsc: ARMv8 ldar,
//                   RVWMO .aq/.rl); false would be RCpc (ARMv8.3 ldapr)
//   locked_sem      the acquire/release strength of a lock-prefixed x86 instruction
//                   (acquire + release: a full barrier), 0 where there is none
//   full_barrier    OrderPair set of a barrier the table marks by flags only (x86 mfence)
//   dependencies    Dep bits: which syntactic dependencies order the dependent access
//                   architecturally (address -> any access, data -> store,
//                   control -> store, control -> load)
//   barrier_waits_load_data  mechanism: a barrier or locked instruction waits for older
//                   loads' data to reach the register (x86: the load queue drains), not
//                   only for them to be bound (read from the L1)
// Acquire and release meaning is the same everywhere: an acquire read orders every
// later access after it, a release write is ordered after every earlier access; a
// barrier orders the earlier accesses of its first set before the later ones of its
// second (Inst::orders, OrderPair bits).
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "cpu/lowering.hpp"

namespace cohsim {

// The architectural class of one instruction, as the ordering rules see it.
enum class MemKind : std::uint8_t { Load, Store, Rmw, Fence };
struct MemOp {
  MemKind kind;
  std::uint8_t sem = kPlainAccess;  // InstSem acquire/release bits
  std::uint8_t orders = 0;          // a Fence: OrderPair bits
};

enum Dep : std::uint8_t {
  kDepAddr = 1 << 0,         // an address from a loaded value: orders the access
  kDepData = 1 << 1,         // a stored value from a loaded value: orders the store
  kDepCtrlStore = 1 << 2,    // a store after a branch on a loaded value
  kDepCtrlLoad = 1 << 3,     // a load after a branch on a loaded value
};

struct OrderingRules {
  const char* isa;
  const char* title;
  std::uint8_t kept;
  std::uint8_t same_location;
  bool acquire_rcsc;
  std::uint8_t locked_sem;
  std::uint8_t full_barrier;
  std::uint8_t dependencies;
  bool barrier_waits_load_data;

  // "x86", "arm", "riscv" (throws std::logic_error otherwise).
  static const OrderingRules& for_isa(const std::string& isa);
  static const std::array<const OrderingRules*, 3>& all();
  // The class of an instruction of this ISA's lowering table (Load, Store, Rmw or
  // Fence; other kinds do not access memory and are never asked about).
  MemOp classify(const Inst& in) const {  // (inline: the core classifies each load and store it issues)
    switch (in.kind) {
      case InstKind::Load:
      case InstKind::Store:
      case InstKind::Rmw: {
        const MemKind k = in.kind == InstKind::Load    ? MemKind::Load
                          : in.kind == InstKind::Store ? MemKind::Store
                                                       : MemKind::Rmw;
        std::uint8_t sem = in.sem & (kAcquire | kRelease);
        if (in.flags & kLocked) sem |= locked_sem;
        return {k, sem, 0};
      }
      default: {
        std::uint8_t o = in.orders;
        if (in.flags & (kDrainStoreBuffer | kWaitOlderLoads)) o |= full_barrier;
        return {MemKind::Fence, 0, o};
      }
    }
  }
  // docs: the description as a markdown table row set.
  std::string markdown() const;
};

bool reads(MemOp o);
bool writes(MemOp o);
// Whether `earlier`, before `later` in program order, must be performed first
// (preserved program order, without dependencies). same_location: both access the
// same location (the core: the same cache line).
bool ordered_before(const OrderingRules& m, MemOp earlier, MemOp later, bool same_location);
// Whether a dependency of kind `d` orders the dependent access after the load.
inline bool dependency_orders(const OrderingRules& m, Dep d) { return m.dependencies & d; }

// ordered_before() over the access classes the core holds in its queues (load,
// store, RMW with each acquire/release combination), precomputed so the hot paths
// look it up. Classes: kind (0 load, 1 store, 2 rmw) * 4 + sem (acquire 1, release 2).
class OrderTable {
 public:
  explicit OrderTable(const OrderingRules& m);
  static std::uint8_t cls(MemOp o) { return std::uint8_t(unsigned(o.kind) * 4 + (o.sem & 3)); }
  bool before(std::uint8_t a, std::uint8_t b, bool same) const { return t_[a][b][same]; }
  const OrderingRules& model() const { return m_; }

 private:
  const OrderingRules& m_;
  bool t_[12][12][2];
};

std::string memory_model_reference_markdown();

}  // namespace cohsim
