// What lies below the coherence fabric: optional shared cache levels (a shared L2,
// the L3) and main memory. They hold data and add latency; coherence is not their
// business (the bus or the directory serialises every request to a line before it
// reaches them).
//
// Values move at the call (a read copies the line out at once, a write copies it
// in), in the order the coherence fabric makes the calls; timing is reported
// separately. A read's timing comes back through MemoryWaiter::memory_ready(tag,
// tick): either synchronously, inside read_line(), with a tick >= the request's
// (a fixed-latency level knows the answer at once), or later, from a SystemC
// process, with a tick no earlier than that process's time (a DRAM controller that
// queues and reorders requests tells when the read's column command issues).
// Callers handle both. Writes are posted: nobody waits for them.
//
// `trace_line` names, for the event log's DRAM commands only, the trace line of the
// core's access the request serves: a miss's read, or the memory update a request's
// transaction makes (an owner's data memory takes while it supplies a GetS); 0 when no
// access is the cause (a writeback of a victim, a prefetch). It changes no timing.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "sim/base/sparse_memory.hpp"
#include "sim/base/stats.hpp"
#include "sim/base/registry.hpp"
#include "sim/base/types.hpp"

namespace cohsim {

// memory.model: what lies below the caches (the system builder makes it; the DRAM
// rule checks its burst only for Dram).
enum class MemoryModel { Fixed, Dram };
const Choices<MemoryModel>& memory_models();

class MemoryWaiter {
 public:
  virtual ~MemoryWaiter() = default;
  // The read tagged `tag` has its data available at `tick`.
  virtual void memory_ready(std::uint64_t tag, Tick tick) = 0;
};

class MemoryLevel {
 public:
  virtual ~MemoryLevel() = default;
  // Reads a whole line into `out` (at once) for a request made at tick t (t may be
  // later than the current SystemC time, never earlier); tells `w` when the data is
  // available.
  virtual void read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag,
                         std::uint32_t trace_line) = 0;
  // Writes a whole line (a writeback); consumes bandwidth, nobody waits for it.
  virtual void write_line(Tick t, LineAddr line, const std::uint8_t* in, std::uint32_t trace_line) = 0;
  // Reads the current value of a line without timing or side effects (for reports
  // and the checker).
  virtual void peek_line(LineAddr line, std::uint8_t* out) const = 0;
};

// The line traffic every memory model counts: PREFIX.reads, .writes, .bytes.
void register_memory_traffic_stats(Stats& s, const std::string& prefix, const std::uint64_t* reads,
                                   const std::uint64_t* writes, unsigned line_size);

// Main memory as a fixed-latency, bandwidth-limited model (named as such): every
// line transfer occupies the channel for line_size / bandwidth; a read's data
// arrives `latency` after its transfer slot. Real DRAM timing is a later model.
class FixedLatencyMemory final : public MemoryLevel {
 public:
  FixedLatencyMemory(unsigned line_size, Tick latency, double bytes_per_second);
  void read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag,
                 std::uint32_t trace_line) override;
  void write_line(Tick t, LineAddr line, const std::uint8_t* in, std::uint32_t trace_line) override;
  void peek_line(LineAddr line, std::uint8_t* out) const override;
  void register_stats(Stats& s, const std::string& prefix) const;
  // Warm-up / region of interest: zeroes the statistics (the values stay).
  void reset_stats() { reads_ = writes_ = queue_ticks_ = 0; }

 private:
  Tick reserve(Tick t);
  std::uint8_t* page(LineAddr line, bool create);
  const std::uint8_t* page_const(LineAddr line) const;

  unsigned line_size_;
  Tick latency_, occupancy_;
  Tick busy_until_ = 0;
  SparseMemory values_;
  std::uint64_t reads_ = 0, writes_ = 0, queue_ticks_ = 0;
};

}  // namespace cohsim
