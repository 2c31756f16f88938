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
  IFetch,   // an instruction fetch from a din trace: counted, not simulated (no L1I yet)
};
constexpr int kNumOpKinds = 13;

inline bool is_rmw(OpKind k) { return k >= OpKind::FetchAdd && k <= OpKind::CompareExchangeWeak; }
inline bool is_memory(OpKind k) { return k <= OpKind::CompareExchangeWeak; }

struct Op {
  Addr addr = 0;
  std::uint64_t value = 0;     // store/RMW operand, CAS desired value, compute cycles
  std::uint64_t expected = 0;  // CAS expected value
  std::uint32_t line = 0;      // source line in the trace file (0: unknown)
  std::int16_t reg = -1;       // destination register index, -1 for none
  OpKind kind = OpKind::Load;
  Ordering order = Ordering::Plain;       // the (success) ordering
  Ordering fail_order = Ordering::Plain;  // CAS failure ordering
  std::uint8_t size = 8;                  // bytes: 1, 2, 4 or 8
  std::uint8_t pad[2] = {0, 0};
};
static_assert(sizeof(Op) == 40, "Op is a fixed-size binary record");

const char* name(OpKind k);    // "load", "fetch_add", ...
const char* name(Ordering o);  // "Plain", "Relaxed", ... "SeqCst"

}  // namespace cohsim
