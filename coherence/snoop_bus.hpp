// The snooping bus: one shared medium with arbitration, an address phase that every
// cache snoops, and a data phase. Two kinds of transactions (bus.transactions):
//
// - atomic (the Primer's baseline, section 7.2): the bus is held from a request's
//   address phase until its data has been delivered, so every L3 hit and memory
//   access holds the whole machine; contention shows up as queueing for the bus.
// - split (the Primer, section 7.5): the address bus orders one request every
//   address_cycles (the total order that makes snooping coherent: every cache sees
//   every request in the same order), and the responses travel separately on a data
//   bus of `width` bytes a cycle. Many transactions are outstanding; memory (the L3,
//   DRAM) serves them concurrently and its answers may come back out of request
//   order. A cache whose own request is ordered but whose data has not arrived sees
//   later requests for the line in its transient states (IS_D_I, IM_D_S, ...). An
//   owner-to-be answers later requesters once its own data arrives (a deferred
//   response); memory answers no request for a line whose newest data is on its way
//   to it from such an owner until it arrives. Responses for one line are delivered
//   in the order of their requests (different lines overtake each other freely), so
//   a load that the bus order places before another core's store also completes
//   before it in time.
#pragma once
#include <array>
#include <string>
#include <systemc>
#include <vector>

#include "coherence/bus_types.hpp"
#include "coherence/inclusion.hpp"
#include "sim/memory/memory_level.hpp"
#include "sim/base/event_log.hpp"
#include "sim/base/random.hpp"
#include "sim/base/stats.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

struct BusParams {
  Tick period = 500'000;  // uncore clock, fs
  unsigned line_size = 64;
  unsigned width = 32;          // bytes per cycle in the data phase
  unsigned address_cycles = 1;  // arbitration + address phase
  bool round_robin = true;      // else first come, first served
  bool split = false;           // split transactions (else atomic)
  // Split, timing variation (0 = off), drawn from `seed`: each data response waits a
  // random 0..response_jitter cycles after its data is ready (bus.response_jitter);
  // each request reaches the address bus's arbiter 0..request_jitter cycles after it
  // is made, in its client's order (bus.request_jitter).
  unsigned response_jitter = 0;
  unsigned request_jitter = 0;
  // Split, a slow writeback path (bus.writeback_delay, 0 = off): each PutM of
  // `writeback_client` (-1: of every client) reaches the arbiter writeback_delay cycles
  // after it is made, after its request jitter; the client's later requests do not
  // wait for it (the writeback buffer drains on its own path). No random draw.
  unsigned writeback_delay = 0;
  int writeback_client = -1;
  std::uint64_t seed = 0;
};

class SnoopBus : public sc_core::sc_module, private MemoryWaiter {
 public:
  SnoopBus(sc_core::sc_module_name name, const BusParams& p, MemoryLevel* memory_side);
  int attach(BusClient* c);  // returns the client's id
  // A request made at tick t (>= the current SystemC time).
  // `trace_line`: the access whose cell made it (0: none, a PutM), passed with the memory
  // read or update the transaction causes (MemoryLevel; the event log's DRAM commands).
  void request(Tick t, int client, BusMsg m, LineAddr line, std::uint32_t trace_line);
  void register_stats(Stats& s) const;
  // Warm-up / region of interest: zeroes the statistics at `t`; the part of a busy
  // period (address or data phase, a held atomic bus) that lies after `t` stays counted,
  // so the utilisation over the window is the share of the window the bus was busy.
  // Requests still queued then were made before the window (their caches counted them
  // there): their grants count neither as transactions nor in the wait.
  void reset_stats(Tick t);
  // The window's end at `t` (`roi end`, before the statistics freeze): requests still
  // queued were made in the window and count in it.
  void count_queued(Tick t);
  void set_log(EventLog* log);  // the event log: every address phase and data transfer
  std::string dump() const;
  // Atomic: cycles the bus was held; split: cycles of the address bus.
  // A cache holding `line` for a store-exclusive (docs/lowering.md, "Exclusive
  // monitors"): other clients' requests for it stay queued until it releases it.
  void hold(int client, LineAddr line);
  void release(int client, Tick t);
  double busy_cycles() const { return double(busy_ticks_ / p_.period); }
  double data_busy_cycles() const { return double(data_busy_ticks_ / p_.period); }
  // Bytes the data phases moved (bus.data_bytes): a line per transfer, one beat for an update.
  std::uint64_t data_bytes() const { return data_bytes_; }
  bool split() const { return p_.split; }
  // BusParams::response_jitter and request_jitter from now on (the stress tester's steering turns it on
  // after its plain-mix start); responses already ready keep their time.
  // `slow_client` >= 0: only that client's requests take the request jitter (a slow
  // requester: its writeback waits while the others' requests are ordered).
  void set_jitter(unsigned response_cycles, unsigned request_cycles, int slow_client = -1) {
    p_.response_jitter = response_cycles;
    p_.request_jitter = request_cycles;
    slow_client_ = slow_client;
  }
  // BusParams::writeback_delay and writeback_client from now on (the stress tester's
  // steering: one slow writer per epoch); writebacks already queued keep their time.
  void set_writeback_delay(unsigned cycles, int client) {
    p_.writeback_delay = cycles;
    p_.writeback_client = client;
  }
  // Split transactions: a cache that deferred its answer (DeferDataToReq) sends the
  // line to the requester `to` (ready at tick t), and (DeferDataToMem) to memory.
  void send_data(Tick t, int to, LineAddr line, const std::uint8_t* data);
  void send_to_memory(Tick t, int from, LineAddr line, const std::uint8_t* data);
  // Inclusion (coherence/inclusion.hpp): no request for the line is queued, under way
  // or held, and memory awaits no owner's data for it.
  bool line_quiet(LineAddr line) const;
  // An exclusive L3 under private caches (coherence/inclusion.hpp): `client` evicted
  // `line` clean at t (a stable state with data whose eviction issues no PutM). The
  // line is a writeback of its own, a clean victim (as Intel's and AMD's clean-eviction
  // writebacks): it queues for the address bus like a request, takes an address phase
  // (the L3 must learn the address; the bus orders it) and a data phase, and the L3
  // takes the line (`sink`) as a PutM's data reaches memory. No cache snoops it. Until
  // it is granted it waits in its cache's writeback buffer, which snoops the bus: any
  // other transaction for its line granted first withdraws it (dropped, unsent: the
  // line is clean, the level below holds the current value), so the data the L3 takes
  // is never older than a write ordered before it.
  void clean_victim(Tick t, int client, LineAddr line, const std::uint8_t* data);
  void set_clean_victim_sink(CleanVictimSink* sink) { victim_sink_ = sink; }

 private:
  struct Pending {
    Tick t;
    int client;
    BusMsg msg;
    LineAddr line;
    bool carried = false;  // requested before the last statistics reset: counted in the window before
    std::uint32_t trace_line = 0;  // request()'s
    std::int32_t victim = -1;      // a clean victim (msg PutM): its line's slot in victim_data_
  };
  void enqueue(Tick t, int client, BusMsg m, LineAddr line, std::uint32_t trace_line, std::int32_t victim);
  // Clean victims (clean_victim): their lines while they wait, in line-sized slots.
  CleanVictimSink* victim_sink_ = nullptr;
  std::vector<std::uint8_t> victim_data_;
  std::vector<std::int32_t> victim_free_;
  unsigned victims_queued_ = 0;
  std::uint64_t clean_victims_ = 0, clean_victims_dropped_ = 0;
  // A transaction for `line` is granted: the clean victims queued for it are withdrawn.
  void drop_victims(LineAddr line);
  // The clean victim `v` is granted at t; its line reaches the L3 at `at`.
  void take_victim(const Pending& v, Tick at, std::uint8_t* buf);
  // A grant's statistics: the transaction and its wait count in the window it was requested in.
  void count_grant(Tick t, const Pending& p);
  void tick();
  void step();
  void grant(Tick t);
  // Wake the bus at `at` (inside run_split's step: keep the earliest tick asked for).
  void schedule(Tick at) {
    if (in_step_) {  // run_split() notifies once, at the earliest tick asked for
      wake_min_ = std::min(wake_min_, at);
      return;
    }
    notify(at);
  }
  void notify(Tick at);  // schedule() outside a step
  void memory_ready(std::uint64_t tag, Tick ready) override;
  std::size_t pick(Tick t) const;  // the queued request the arbitration grants at t
  // Split transactions.
  struct Txn {
    enum Kind : std::uint8_t { Free, AwaitMemory, AwaitCache, HeldForMemory, Ready, Transfer } kind = Free;
    std::uint64_t seq = 0;  // bus order
    int client = -1;
    LineAddr line = 0;
    bool deliver = false;    // a response to `client` (else a writeback or an update using the data bus)
    bool exclusive = false;  // no other cache holds the line
    bool no_data = false;    // an acknowledgement: the requester's own copy suffices, no data bus cycles
    bool victim = false;     // a clean victim's data phase (msg PutM)
    BusMsg msg = BusMsg::GetS;
    std::uint32_t trace_line = 0;    // the request's (Pending::trace_line)
    int supplier = EventLog::kNone;  // for the event log: a client, EventLog::kMemory or kNone
    Tick ordered = 0;        // the end of its address phase
    Tick ready = 0;          // when its data may go on the data bus
    Tick beats = 0;          // data bus ticks
    std::vector<std::uint8_t> buf;
  };
  // Runs the split bus's steps from SystemC's present, and on at once while no other
  // component has anything to do before the next one (sim/base/wake.hpp).
  void run_split();
  // One step at tick `now`; returns the tick of the next one its state calls for (or
  // ~0), the wake-ups asked for during it are left in wake_min_.
  Tick step_split(Tick now);
  // Whether a step at `now` would do anything (end a transfer, grant a request, start
  // a transfer), as step_split decides it.
  bool acts_at(Tick now) const;
  void grant_split(Tick t);
  int alloc_txn();
  void make_ready(std::size_t i, Tick ready);  // its data may go on the data bus from `ready`
  bool deliverable(std::size_t i) const;  // ready, and no older response for its line is undelivered
  // When a data response whose data is ready at t may go on the data bus (t plus
  // the response's jitter, BusParams::response_jitter).
  Tick jittered(Tick t) { return p_.response_jitter ? t + jitter_rng_.below(p_.response_jitter + 1) * p_.period : t; }
  Random jitter_rng_;
  int slow_client_ = -1;  // set_jitter
  std::vector<Tick> last_request_;  // per client: when its latest request reaches the arbiter (request_jitter)
  void finish_transfer(Tick now);
  // Inside run_split: the tick being stepped, and the earliest wake-up asked for since
  // the step began (what one notification of wake_ would have kept).
  bool in_step_ = false;
  Tick pending_at_ = ~Tick(0);  // the tick wake_ is notified for (~0: none pending)
  Tick step_now_ = 0, wake_min_ = ~Tick(0);
  std::vector<std::uint32_t> ready_;  // the Ready transactions, in no order (the data bus's candidates)
  std::vector<Txn> txns_;  // grows to its high-water mark, then never allocates
  // Responses to deliver (transactions not Free, `deliver` set) per line (hashed): a
  // response alone in its bucket has no older one for its line to wait for.
  static constexpr std::size_t kResponseFilter = 256;
  std::array<std::uint16_t, kResponseFilter> responses_of_{};
  std::uint64_t next_seq_ = 0;
  Tick addr_free_ = 0, data_free_ = 0;
  int transferring_ = -1;
  // Memory's copy of a line awaits the data of an owner-to-be (`client`), promised when
  // the bus ordered transaction `seq`; a read ordered after that waits for it.
  struct Promise {
    LineAddr line;
    int client;
    std::uint64_t seq;
    std::uint32_t trace_line;  // the request whose transaction left memory waiting for the owner's copy
  };
  std::vector<Promise> mem_wait_;
  std::uint64_t data_bytes_ = 0;  // bus.data_bytes
  std::uint64_t upd_bytes() const { return std::min(p_.width, p_.line_size); }  // an update's one beat
  std::uint64_t outstanding_ = 0;  // data responses granted and not yet delivered
  std::uint64_t data_busy_ticks_ = 0, responses_ = 0, response_ticks_ = 0, deferred_ = 0, max_outstanding_ = 0;
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
  Wake wake_;
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
  std::uint64_t transactions_ = 0, busy_ticks_ = 0, wait_ticks_ = 0, c2c_ = 0, mem_writebacks_ = 0,
                mem_reads_ = 0;
  std::uint64_t msgs_[kNumBusMsgs] = {};
  Tick last_tick_seen_ = 0;
  EventLog* log_ = nullptr;  // null when the event log is off
  int supplier_ = EventLog::kNone;  // atomic: who supplies the current transaction's data
  // Who supplies the data the address phase decided on (for the event log).
  int supplier_of(const SnoopReply& r, int requester, BusMsg m) const {
    if (m == BusMsg::PutM || m == BusMsg::Upd) return requester;
    if (r.no_data) return EventLog::kNone;
    if (r.data_to_requestor) return r.supplier;
    if (r.deferred) return r.deferrer;
    return EventLog::kMemory;
  }
};

}  // namespace cohsim
