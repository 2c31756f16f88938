// Messages on the snooping bus and the interface a cache presents to it.
#pragma once
#include <cstdint>
#include <string>

#include "sim/types.hpp"

namespace cohsim {

enum class BusMsg : std::uint8_t { GetS, GetM, PutM, kCount };
constexpr int kNumBusMsgs = int(BusMsg::kCount);
inline const char* name(BusMsg m) {
  static const char* n[] = {"GetS", "GetM", "PutM"};
  return n[int(m)];
}

// What the caches answer during a transaction's address phase.
struct SnoopReply {
  std::uint8_t* buf = nullptr;  // the bus's line buffer: a data supplier copies into it
  bool data_to_requestor = false;
  bool data_to_memory = false;
  Tick supply_latency = 0;  // how long the supplying cache takes to read its copy
};

class BusClient {
 public:
  virtual ~BusClient() = default;
  // Our own request is ordered (address phase).
  virtual void bus_own(Tick t, BusMsg m, LineAddr line, SnoopReply& r) = 0;
  // Another cache's request is ordered.
  virtual void bus_snoop(Tick t, BusMsg m, LineAddr line, SnoopReply& r) = 0;
  // The data for our outstanding GetS/GetM.
  virtual void bus_data(Tick t, LineAddr line, const std::uint8_t* data) = 0;
  // For the watchdog and internal-error dumps.
  virtual std::string dump_pending() const = 0;
};

}  // namespace cohsim
