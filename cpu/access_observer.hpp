// Every memory access as it performs, in the global order the simulated hardware
// performs them (the order of the calls). For tools built on a run's execution,
// such as the data-race finder: a load reads from the last store to its bytes that
// performed before it (or, when `forwarded`, from its own thread's store buffer).
#pragma once
#include <cstdint>

#include "cpu/trace/op.hpp"
#include "sim/base/types.hpp"

namespace cohsim {

struct AccessEvent {
  enum Kind : std::uint8_t { Load, Store, Rmw, Fence } kind;
  int thread;
  std::uint32_t line;  // trace line of the operation
  Ordering order;      // Rust ordering of the trace operation (Plain: non-atomic)
  Addr addr;
  std::uint8_t size;
  std::uint64_t value;    // read (Load, Rmw) or written (Store)
  std::uint64_t written;  // Rmw: the value written
  bool wrote;             // Rmw: false for a compare_exchange that failed
  bool forwarded;         // Load: from this thread's own store buffer
  Tick tick;
  std::uint64_t seq = ~std::uint64_t(0);  // Load: its number in the core's load queue (~0: forwarded at issue)
  // Load and Rmw, with the event log on: the store each byte was read from
  // (LastWriters::Writer, 0: the initial value), taken when it bound (an LL/SC loop's
  // Rmw: when its load-exclusive read).
  std::uint64_t rf[8] = {};
};

class AccessObserver {
 public:
  virtual ~AccessObserver() = default;
  virtual void on_access(const AccessEvent& e) = 0;
};

}  // namespace cohsim
