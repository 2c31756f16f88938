// One operation of a per-thread trace, as the trace readers deliver it. Orderings are
// Rust's; `Plain` marks a non-atomic access. The record is fixed-size so the binary
// format can hold it directly and the core can copy it without allocating.
#pragma once
#include <cstdint>
#include <string>

#include "sim/base/types.hpp"

namespace cohsim {

enum class Ordering : std::uint8_t { Plain, Relaxed, Acquire, Release, AcqRel, SeqCst };
constexpr int kNumOrderings = 6;

enum class OpKind : std::uint8_t {
  Load,
  Store,
  FetchAdd,
  FetchSub,
  FetchAnd,
  FetchOr,
  FetchXor,
  Swap,
  CompareExchange,      // strong
  CompareExchangeWeak,  // may fail spuriously (on LL/SC machines)
  Fence,
  Compute,  // `value` cycles of work that touches no memory
  IFetch,   // an instruction fetch (din label 2, lackey's I): counted; read through the L1I when l1i.size > 0
  Marker,   // `roi begin` / `roi end` (MarkerKind in `value`): no instruction, no operation
  // Programs (see Op below): register arithmetic, branches, spin-waits.
  Mov,     // reg = B
  Add,     // reg = A + B
  Sub,     // reg = A - B
  And,     // reg = A & B
  Or,      // reg = A | B
  Xor,     // reg = A ^ B
  Eq,      // reg = A == B ? 1 : 0
  Lt,      // reg = A < B ? 1 : 0 (unsigned)
  Branch,  // if cond(A, B): continue at op `target` of the thread (cond Always: a jump)
  Wait,    // spin until the value at the address satisfies cond against B (Eq, Ne)
};
constexpr int kNumOpKinds = 24;
// The kinds a straight-line trace (and a version-1 binary trace) can hold.
constexpr int kNumStraightOpKinds = 14;

// What a Marker op marks (its `value`): the region of interest's bounds. The statistics
// are reset at `roi begin` and frozen at `roi end` (README, "Warm-up and region of interest").
enum class MarkerKind : std::uint64_t { RoiBegin = 0, RoiEnd = 1 };
constexpr std::uint64_t kNumMarkerKinds = 2;
const char* marker_text(std::uint64_t value);  // "roi begin", "roi end", "?"

enum class Cond : std::uint8_t { Always, Eq, Ne, Lt, Ge };

inline bool is_rmw(OpKind k) { return k >= OpKind::FetchAdd && k <= OpKind::CompareExchangeWeak; }
// Ops that access memory (a wait loads).
inline bool is_memory(OpKind k) { return k <= OpKind::CompareExchangeWeak || k == OpKind::Wait; }
inline bool is_alu(OpKind k) { return k >= OpKind::Mov && k <= OpKind::Lt; }
inline bool holds(Cond c, std::uint64_t a, std::uint64_t b) {
  switch (c) {
    case Cond::Always: return true;
    case Cond::Eq: return a == b;
    case Cond::Ne: return a != b;
    case Cond::Lt: return a < b;
    case Cond::Ge: return a >= b;
  }
  return false;
}

// Operands a program reads from registers (index, -1: none, use the immediate):
//   memory ops: address = addr + R[areg]; store value / RMW operand / CAS desired /
//               awaited value = R[vreg] or value; CAS expected = R[ereg] or expected
//   ALU ops and branches: A = R[ereg] or expected, B = R[vreg] or value
struct Op {
  Addr addr = 0;
  std::uint64_t value = 0;     // store/RMW operand, CAS desired value, compute cycles; B
  std::uint64_t expected = 0;  // CAS expected value; A
  Addr pc = 0;                 // memory ops: the instruction's address (imported traces, `pc=`); 0: unknown
  std::uint32_t line = 0;      // source line in the trace file (0: unknown)
  std::uint32_t target = 0;    // Branch: index of the op to continue at (= ops: the end)
  std::int16_t reg = -1;       // destination register index, -1 for none
  std::int16_t areg = -1;      // register added to the address
  std::int16_t vreg = -1;      // register holding the value (B)
  std::int16_t ereg = -1;      // register holding the expected value (A)
  OpKind kind = OpKind::Load;
  Ordering order = Ordering::Plain;       // the (success) ordering
  Ordering fail_order = Ordering::Plain;  // CAS failure ordering
  std::uint8_t size = 8;                  // bytes: 1, 2, 4 or 8
  Cond cond = Cond::Always;               // Branch, Wait
  std::uint8_t flags = 0;                 // OpFlags (set when a program is checked)
  std::uint8_t pad[2] = {0, 0};
  bool reads_registers() const { return areg >= 0 || vreg >= 0 || ereg >= 0; }
};
static_assert(sizeof(Op) == 56, "Op is a fixed-size record");

enum OpFlags : std::uint8_t {
  kOpInSpinLoop = 1 << 0,  // in a loop that writes no memory: its retirement is no progress
};

const char* name(OpKind k);    // "load", "fetch_add", ...
const char* name(Cond c);      // "==", "!=", "<", ">=", ""
const char* name(Ordering o);  // "Plain", "Relaxed", ... "SeqCst"

}  // namespace cohsim
