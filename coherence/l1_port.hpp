// What a core (and its page-table walker) sees of its private cache: the L1 port.
// PrivateCache implements it; cpu/ includes only this header, so a core runs against
// any implementation (tests/unit/core_port_test.cpp: a mock L1 without SystemC).
#pragma once
#include <cstdint>
#include <string>

#include "sim/base/types.hpp"

namespace cohsim {

// The core side of a private cache: told when a line it waits for is ready.
class CacheListener {
 public:
  virtual ~CacheListener() = default;
  virtual void line_ready(Tick t, LineAddr line) = 0;
  // The line left this cache (invalidated or evicted): an exclusive reservation on
  // it is lost.
  virtual void line_lost(LineAddr line) = 0;
};

// What asked a cache for a line, for the statistics: a plain load or store, the access
// of an atomic instruction (locked RMW, AMO, load/store-exclusive), or a page-table
// walker's PTE load or accessed/dirty-bit store; or, at a private L2, a prefetch the
// L1D's prefetcher sent down, or an L1I's miss (never passed to access() by a core).
enum class AccessKind : std::uint8_t { Load, Store, Rmw, Walk, Prefetch, IFetch };
constexpr int kAccessKinds = 6;

// The outcome of asking for a permission.
struct Access {
  enum Kind : std::uint8_t { Ready, Pending, Blocked } kind;
  Tick ready;  // for Ready: when the data may be used
};

class L1Port {
 public:
  virtual ~L1Port() = default;
  // Asks for read (load) or write (store) permission for the line holding `a` at
  // tick t. Ready: the L1 holds the line with that permission from `ready` on.
  // Pending: a request is under way; the listener hears line_ready(). Blocked: no
  // MSHR is free; the listener hears line_ready() when one frees. `count` says
  // whether this is the access's first attempt (for hit/miss statistics).
  // `kind` says who asked (statistics only).
  virtual Access access(Tick t, Addr a, bool write, bool count, AccessKind kind) = 0;
  Access access(Tick t, Addr a, bool write, bool count) {
    return access(t, a, write, count, write ? AccessKind::Store : AccessKind::Load);
  }
  // The fast path the core takes for hits: is the line in the L1 with permission?
  virtual bool l1_has(Addr a, bool write) const = 0;
  // Reads/writes a value; the caller holds the permission (access() said Ready).
  virtual std::uint64_t read(Tick t, Addr a, unsigned size) = 0;
  virtual void write(Tick t, Addr a, unsigned size, std::uint64_t v) = 0;
  // Exclusive-monitor forward progress (docs/lowering.md, "Exclusive monitors"): while
  // the cache holds a line, other caches' requests for it wait. Only a line the cache
  // may write can be held (false otherwise); the core releases it within a bounded
  // window. release() may deliver parked requests: call it outside cache callbacks.
  virtual bool hold(LineAddr line) = 0;
  virtual void release(Tick t) = 0;
  virtual unsigned line_size() const = 0;
  // The L1 instruction cache (l1i.size > 0): whether there is one, and an instruction
  // fetch of the line holding `a`, as access() answers a load (Ready: the line is in
  // the L1I from `ready` on; an L1I hit answers `t`, its latency hidden by the fetch
  // pipeline). `trace_line` names the ifetch in an error (self-modifying code).
  // Without an L1I every fetch is Ready at once (counted by the core only).
  virtual bool has_l1i() const { return false; }
  virtual Access ifetch(Tick t, Addr a, bool count, std::uint32_t trace_line) {
    (void)a, (void)count, (void)trace_line;
    return {Access::Ready, t};
  }
  // A write-through L1D's write buffer (coherence/private_cache.hpp): whether it can
  // hold stores back (a field: no call when it cannot), and the tick from which it
  // has room for a store to `a` that access() answered Ready (t: at once). The core
  // asks before it writes a store or an atomic's write; a later tick means the store
  // stays in the store buffer until then. May start a drain that makes the room.
  bool holds_back_stores() const { return holds_back_stores_; }
  virtual Tick store_room(Tick t, Addr a) {
    (void)a;
    return t;
  }
  // Requests under way, for a deadlock report.
  virtual std::string dump_pending() const = 0;
  // The event log: the trace line of the access the core is about to make (called only
  // when the log is on).
  virtual void set_trace_line(std::uint32_t line) = 0;
  // Whether the cache needs set_trace_line() even with the log off (a prefetcher that
  // indexes by PC takes the trace line as the PC: coherence/prefetcher.hpp).
  virtual bool wants_trace_line() const { return false; }
  // The PC of the instruction whose access() comes next (Op::pc: imported traces, text
  // `pc=`; 0: unknown), set by the core before each access, for PC-indexed prefetchers
  // and replacement policies. A field, not a call: no cost when nothing reads it.
  void set_access_pc(Addr pc) { access_pc_ = pc; }
  Addr access_pc() const { return access_pc_; }

 protected:
  bool holds_back_stores_ = false;

 private:
  Addr access_pc_ = 0;
};

}  // namespace cohsim
