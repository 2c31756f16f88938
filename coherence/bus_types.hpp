// Messages on the snooping bus and the interface a cache presents to it.
#pragma once
#include <cstdint>
#include <string>

#include "sim/base/types.hpp"

namespace cohsim {

enum class BusMsg : std::uint8_t { GetS, GetM, PutM, Upd, kCount };
constexpr int kNumBusMsgs = int(BusMsg::kCount);
inline const char* name(BusMsg m) {
  static const char* n[] = {"GetS", "GetM", "PutM", "Upd"};
  return n[int(m)];
}

// What the caches answer during a transaction's address phase.
struct SnoopReply {
  std::uint8_t* buf = nullptr;  // the bus's line buffer: a data supplier copies into it
  bool data_to_requestor = false;
  bool data_to_memory = false;
  bool shared = false;      // another cache holds the line (the wired-OR "shared" line)
  bool no_data = false;     // the requester's own copy suffices (an owner's upgrade)
  Tick supply_latency = 0;  // how long the supplying cache takes to read its copy
  // The split-transaction bus only:
  int requester = -1;         // the client whose request is being snooped
  bool deferred = false;      // a cache that awaits its own data will send the requester the line later
  bool deferred_mem = false;  // ... and memory's copy is stale until that cache sends it the line
  int deferrer = -1;          // the cache that deferred
  bool unchanged = false;   // an update whose store did not happen (a failed store-exclusive)
  int supplier = -1;        // the client that copied the line into `buf` for the requester (the event log)
};

class BusClient {
 public:
  virtual ~BusClient() = default;
  // Our own request is ordered (address phase).
  virtual void bus_own(Tick t, BusMsg m, LineAddr line, SnoopReply& r) = 0;
  // Another cache's request is ordered.
  virtual void bus_snoop(Tick t, BusMsg m, LineAddr line, SnoopReply& r) = 0;
  // The data for our outstanding GetS/GetM; `exclusive`: no other cache holds the line.
  virtual void bus_data(Tick t, LineAddr line, const std::uint8_t* data, bool exclusive) = 0;
  // Whether we hold a copy (we assert the shared line).
  virtual bool holds_copy(LineAddr line) const = 0;
  // The split-transaction bus: whether we hold a copy or will hold one when the data
  // of our request already ordered arrives (we assert the shared line).
  virtual bool keeps_copy(LineAddr line) const = 0;
  // The newest data of a line we hold (for an update we broadcast).
  virtual void copy_line(LineAddr line, std::uint8_t* out) const = 0;
  // For the watchdog and internal-error dumps.
  virtual std::string dump_pending() const = 0;
};

}  // namespace cohsim
