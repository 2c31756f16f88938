// A directory home (the Primer, chapter 8): the full-map directory of the lines it
// is home to, kept beside the shared last level. For each line it records a state,
// the owner and the sharers (one bit per cache), and it executes the protocol's
// home table: (directory state, message) -> (actions, next state). Requests that
// arrive while the line is in a transient state wait, per line, until it leaves it.
//
// It reads and writes the line through the memory side below it (the shared L3,
// then memory); a data response leaves when the memory side has the data.
//
// Simplified, and named so: the directory has an entry for every line ever
// requested (no directory capacity, no directory evictions); it starts one message
// per uncore cycle and acts `latency` after the message's start.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "coherence/network.hpp"
#include "coherence/protocol.hpp"
#include "sim/base/event_log.hpp"
#include "sim/memory/memory_level.hpp"
#include "sim/base/stats.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

// Defaults: the declared ones (sim/config/params.cpp).
struct DirectoryParams {
  std::string name = "dir";
  unsigned caches = declared::count("cores");  // endpoints 0..caches-1 are the caches
  unsigned line_size = unsigned(declared::bytes("l1d.line_size"));
  Tick period = declared::period("uncore.frequency");           // the uncore clock
  Tick latency = declared::ticks("directory.latency", period);  // directory lookup
  unsigned node = 0;                                  // the node this home belongs to
  const std::vector<unsigned>* cache_node = nullptr;  // each cache's node (null: all on this one)
};

class Directory final : public NetEndpoint, private MemoryWaiter {
 public:
  static constexpr unsigned kMaxCaches = 256;

  Directory(const DirectoryParams& p, const ProtocolTable& table, Network& net, MemoryLevel* below, EventLog* log);
  int id() const { return id_; }
  // Messages the home started (one per uncore cycle at most) and its statistics' name.
  std::uint64_t messages_started() const { return requests_; }
  const std::string& stat_name() const { return p_.name; }
  void receive(Tick t, const NetMsg& m, const std::uint8_t* data) override;
  std::string dump_pending() const override;
  void register_stats(Stats& s) const;
  // Warm-up / region of interest: zeroes the statistics (the directory's entries stay).
  void reset_stats();
  void log_final(Tick t) const;  // the event log: every line not in I, at the end of the run
  // Inclusion (coherence/inclusion.hpp): whether the line's entry is in a stable state
  // with no request parked or data awaited from the memory side; and, once an inclusive
  // level below has back-invalidated every copy, the entry returns to I with no sharers.
  bool line_quiet(LineAddr line) const;
  void forget(LineAddr line);

 private:
  static constexpr unsigned kWords = kMaxCaches / 64;
  struct Entry {
    std::uint8_t state = 0;
    int owner = -1;
    std::uint64_t sharers[kWords] = {};
    bool has(int c) const { return sharers[c / 64] >> (c % 64) & 1; }
    void add(int c) { sharers[c / 64] |= std::uint64_t(1) << (c % 64); }
    void remove(int c) { sharers[c / 64] &= ~(std::uint64_t(1) << (c % 64)); }
    unsigned count() const;
  };
  struct PendingRead {  // a data response waiting for the memory side
    NetMsg msg;
    std::vector<std::uint8_t> data;
    bool used = false;
  };
  Event classify(const NetMsg& m, const Entry& e) const;
  // Runs the table; false if the cell stalls.
  bool execute(Tick t, const NetMsg& m, const std::uint8_t* data);
  void send_from_memory(Tick t, NetMsg m);
  void memory_ready(std::uint64_t tag, Tick tick) override;
  void retry_parked(Tick t, LineAddr line);

  DirectoryParams p_;
  const ProtocolTable& table_;
  Network& net_;
  MemoryLevel* below_;
  EventLog* log_;  // null when the event log is off
  int log_agent_ = -1;
  int id_;
  std::unordered_map<LineAddr, Entry> entries_;
  std::vector<NetMsg> parked_;  // requests waiting for their line to leave a transient state
  std::vector<PendingRead> reads_;
  std::vector<std::uint32_t> free_reads_;
  Tick next_start_ = 0;
  // statistics
  std::vector<std::uint64_t> cells_;
  std::uint64_t local_requests_ = 0, remote_requests_ = 0;  // GetS/GetM from this node's cores or others'
  std::uint64_t requests_ = 0, stalls_ = 0, memory_reads_ = 0, memory_writes_ = 0, invalidations_ = 0, forwards_ = 0;
};

}  // namespace cohsim
