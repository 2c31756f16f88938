// The snooping bus: one shared medium with arbitration, an address phase that every
// cache snoops, and a data phase. Transactions are atomic (the Primer's baseline):
// the bus is held from a request's address phase until its data has been delivered,
// so contention shows up as queueing for the bus.
#pragma once
#include <string>
#include <systemc>
#include <vector>

#include "coherence/bus_types.hpp"
#include "sim/memory/memory_level.hpp"
#include "sim/base/stats.hpp"

namespace cohsim {

struct BusParams {
  Tick period = 500'000;  // uncore clock, fs
  unsigned line_size = 64;
  unsigned width = 32;          // bytes per cycle in the data phase
  unsigned address_cycles = 1;  // arbitration + address phase
  bool round_robin = true;      // else first come, first served
};

class SnoopBus : public sc_core::sc_module, private MemoryWaiter {
 public:
  SnoopBus(sc_core::sc_module_name name, const BusParams& p, MemoryLevel* memory_side);
  int attach(BusClient* c);  // returns the client's id
  // A request made at tick t (>= the current SystemC time).
  void request(Tick t, int client, BusMsg m, LineAddr line);
  void register_stats(Stats& s) const;
  Tick now_cycles_to_ticks(Cycles c) const { return c * p_.period; }
  std::string dump() const;
  // A cache holding `line` for a store-exclusive (docs/lowering.md, "Exclusive
  // monitors"): other clients' requests for it stay queued until it releases it.
  void hold(int client, LineAddr line);
  void release(int client, Tick t);
  double busy_cycles() const { return double(busy_ticks_ / p_.period); }

 private:
  struct Pending {
    Tick t;
    int client;
    BusMsg msg;
    LineAddr line;
  };
  void tick();
  void step();
  void grant(Tick t);
  void schedule(Tick at);
  void memory_ready(std::uint64_t tag, Tick ready) override;
  Tick edge(Tick t) const { return (t + p_.period - 1) / p_.period * p_.period; }
  // Whether a queued request may compete at tick t (made by then, not held off).
  bool eligible(const Pending& q, Tick t) const {
    if (q.t > t) return false;
    if (holds_ == 0) return true;
    for (std::size_t c = 0; c < held_.size(); ++c)
      if (held_[c] == q.line && int(c) != q.client) return false;
    return true;
  }

  BusParams p_;
  MemoryLevel* memory_;
  std::vector<BusClient*> clients_;
  std::vector<Pending> queue_;  // in arrival order; grows to its high-water mark, then never allocates
  sc_core::sc_event wake_;
  bool busy_ = false;
  bool awaiting_memory_ = false;  // the current transaction waits for memory's data
  Tick busy_until_ = 0;
  Tick grant_tick_ = 0;
  Pending current_{};
  bool deliver_ = false, exclusive_ = false;  // the current transaction's data response
  int last_granted_ = -1;
  std::vector<std::uint8_t> buf_;
  static constexpr LineAddr kNotHeld = ~LineAddr(0);
  std::vector<LineAddr> held_;  // per client: the line it holds, or kNotHeld
  unsigned holds_ = 0;
  // statistics
  std::uint64_t transactions_ = 0, busy_ticks_ = 0, wait_ticks_ = 0, c2c_ = 0, mem_writebacks_ = 0;
  std::uint64_t msgs_[kNumBusMsgs] = {};
  Tick last_tick_seen_ = 0;
};

}  // namespace cohsim
