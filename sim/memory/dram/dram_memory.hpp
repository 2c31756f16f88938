// DRAM as the main memory of a simulated system: the MemoryLevel the shared caches
// and the bus call, in SystemC. Values move at the call (the backing store is read or
// written at once, like FixedLatencyMemory); timing comes from the DramController
// engine. A read's MemoryWaiter hears memory_ready(tag, tick) from this module's
// process at the tick its data ends. The process wakes only at the ticks the engine
// has something to do for a request (a command to decide, a read's data ending);
// between requests it sleeps, and the engine catches up on refresh when the next
// request comes.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <unordered_map>
#include <vector>

#include "sim/base/event_log.hpp"
#include "sim/memory/dram/dram_controller.hpp"
#include "sim/memory/memory_level.hpp"
#include "sim/base/sparse_memory.hpp"
#include "sim/base/stats.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

class DramMemory final : public sc_core::sc_module, public MemoryLevel, private EventLog::Laggard {
 public:
  // frontend and backend: the controller's static pipeline latencies (dram.frontend_latency,
  // dram.backend_latency): a request reaches the queues `frontend` after its tick, a
  // read's data leaves `backend` after its burst.
  DramMemory(sc_core::sc_module_name name, const DramControllerParams& p, unsigned line_size, Tick frontend = 0,
             Tick backend = 0);
  void read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag,
                 std::uint32_t trace_line) override;
  void write_line(Tick t, LineAddr line, const std::uint8_t* in, std::uint32_t trace_line) override;
  void peek_line(LineAddr line, std::uint8_t* out) const override;
  void register_stats(Stats& s, const std::string& prefix) const;
  // The run ended at `end`: bring the engine (refresh) and the rates up to it (the rates
  // over the window since the last reset_stats()).
  void finish(Tick end);
  // Warm-up / region of interest: brings the engine up to the current time (as a read
  // does) and zeroes the statistics; rows, queues and values stay.
  void reset_stats();
  std::string dump() const;
  // The event log's DRAM commands (`--events-dram`): the controller must keep its command
  // log (DramControllerParams::log_commands); the commands go to `log` as the records of
  // the agent `name`, whose clock is the DRAM's.
  void set_log(EventLog* log, const std::string& name);

 private:
  Tick log_catch_up(Tick now, bool end) override;
  struct Waiting {
    MemoryWaiter* waiter;
    std::uint64_t tag;
  };
  void wake();
  void step();
  void catch_up(Tick t);
  void reschedule();
  std::uint8_t* page(LineAddr line, bool create);
  const std::uint8_t* page_const(LineAddr line) const;

  DramController ctl_;
  unsigned line_size_;
  Tick tck_;
  Tick frontend_, backend_;
  Wake wake_;
  std::vector<Waiting> waiting_;     // by slot; the engine's tag is the slot
  std::vector<std::uint32_t> free_;  // free slots
  SparseMemory values_;
  std::uint64_t reads_ = 0, writes_ = 0;
  std::uint64_t elapsed_cycles_ = 0;  // the window's DRAM cycles (set by finish)
  std::uint64_t start_cycle_ = 0;    // the window's first DRAM cycle (reset_stats)
  EventLog* log_ = nullptr;
  int log_agent_ = -1;
};

}  // namespace cohsim
