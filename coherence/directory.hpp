// A directory home (the Primer, chapter 8): the full-map directory of the lines it
// is home to, kept beside the shared last level. For each line it records a state,
// the owner and the sharers (one bit per cache), and it executes the protocol's
// home table: (directory state, message) -> (actions, next state). Requests that
// arrive while the line is in a transient state wait, per line, until it leaves it.
//
// It reads and writes the line through the memory side below it (the shared L3,
// then memory); a data response leaves when the memory side has the data.
//
// Capacity: by default (directory.entries: unlimited) the directory has an entry for
// every line a cache holds (a full map, no directory evictions). A sparse directory
// (directory.entries: N, directory.assoc: W) has N entries in N/W sets of W ways; a
// line's set is its line address XOR-folded to the set bits (so lines interleaved
// over NUMA homes still spread over every set). A GetS or GetM for a line without an
// entry takes a free way (an entry is free once its line is I again); when the set
// is full, the directory recalls its least recently requested line in a stable state
// (the table's Recall cell, with the sparse home table, kSparseHomeFabric): it
// invalidates the sharers and takes the owner's data back, and the request waits
// until that line is I and its way is free. One recall per set is under way at a
// time; requests waiting for a way are served oldest first.
//
// Simplified, and named so: it starts one message per uncore cycle and acts
// `latency` after the message's start.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "coherence/inclusion.hpp"
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
  unsigned entries = 0;  // directory.entries: 0 = unlimited (a full map)
  unsigned assoc = 0;    // directory.assoc: ways per set (0: fully associative)
};

// directory.entries: 0 for unlimited (a full map), else the entries of each home.
unsigned directory_entries(const Config& cfg);
// The set of a sparse directory of `sets` sets (a power of two) that `line` takes: its
// line address XOR-folded to the set bits (the stress tester's steering uses it to
// choose lines that do or do not share a hot line's set).
std::size_t sparse_directory_set(LineAddr line, std::size_t sets);
// (The same, `bits` being log2(sets).) The line address XOR-folded to the set bits: lines
// a NUMA interleave sends to one home (every other line, say) still spread over every set.
inline std::size_t fold_set(LineAddr line, std::size_t sets, unsigned bits) {
  if (sets <= 1) return 0;
  std::size_t s = 0;
  for (LineAddr x = line; x; x >>= bits) s ^= std::size_t(x) & (sets - 1);
  return s;
}

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
  void injection_ready(Tick t) override;
  void register_stats(Stats& s) const;
  // Warm-up / region of interest: zeroes the statistics (the directory's entries stay).
  void reset_stats();
  void log_final(Tick t) const;  // the event log: every line not in I, at the end of the run
  // Inclusion (coherence/inclusion.hpp): whether the line's entry is in a stable state
  // with no request parked or data awaited from the memory side; and, once an inclusive
  // level below has back-invalidated every copy, the entry returns to I with no sharers.
  bool line_quiet(LineAddr line) const;
  void forget(LineAddr line);
  // An exclusive L3 below under private caches (coherence/inclusion.hpp): a PutS or
  // PutE that carries its cache's clean line (NetMsg::clean_data) hands it to `sink`
  // when the home takes the Put while it still lists that cache as a sharer or the
  // owner (nobody can have written the line since the cache got it: a GetM removes
  // every other holder); a stale Put (the cache was invalidated or forwarded to while
  // its Put travelled) or one that must wait at the home drops the line, which is clean:
  // the level below holds the current value.
  void set_clean_victim_sink(CleanVictimSink* sink) { victim_sink_ = sink; }

 private:
  static constexpr unsigned kWords = kMaxCaches / 64;
  struct Entry {
    std::uint8_t state = 0;
    int owner = -1;
    std::uint64_t sharers[kWords] = {};
    int way = -1;  // a sparse directory: the entry's slot (set * assoc + way), -1 when it holds none
    int acks = 0;  // a recall: Inv-Acks still to come
    bool recalling = false;  // the directory recalls this line to free its way
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
  // Finite injection queues: a request that arrived when the home could not send what
  // it causes, kept in its input buffer (with its data, a Put's line) until there is room.
  struct Held {
    NetMsg msg;
    std::vector<std::uint8_t> data;
    bool has_data = false;
  };
  // The messages the cell sends, per class (a fan-out counts each Inv).
  void count_sends(const Cell& c, const NetMsg& m, const Entry& e, unsigned (&need)[kNumVNets]) const;
  // Finite injection queues: whether the home can send what taking `m` now causes (a
  // stalled cell sends nothing: yes); no: refused (the network counts the wait).
  bool room(const NetMsg& m);
  // Takes a message (just arrived, or, `kept`, one that waited in its input buffer).
  void take(Tick t, const NetMsg& m, const std::uint8_t* data, bool kept);
  Event classify(const NetMsg& m, const Entry& e) const;
  static Event sharer_leaves(const Entry& e);  // a listed sharer's Put: PutS-Last or PutS-NotLast
  // Runs the table; false if the cell stalls. `forced`: the event, when it is not the
  // message's (the directory's own Recall).
  bool execute(Tick t, const NetMsg& m, const std::uint8_t* data, Event forced = Event::kCount);
  // A sparse directory.
  bool sparse() const { return sets_ != 0; }
  std::size_t set_of(LineAddr line) const;
  static bool needs_entry(const NetMsg& m) { return m.type == NetMsgType::GetS || m.type == NetMsgType::GetM; }
  // The line has a way (taking a free one, else recalling a victim): false if the
  // request must wait for a way.
  bool ensure_way(Tick t, LineAddr line);
  void release_if_invalid(LineAddr line);  // a line back in I frees its way
  void retry_set(Tick t, std::size_t set);
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
  std::vector<Held> held_;      // requests waiting for injection room, oldest first (held_count_ of them)
  std::size_t held_count_ = 0;
  std::vector<std::uint8_t> held_data_;  // scratch: a held request's line while it is taken
  std::vector<LineAddr> retry_lines_;    // scratch: injection_ready()'s lines to retry
  std::vector<PendingRead> reads_;
  std::vector<std::uint32_t> free_reads_;
  Tick next_start_ = 0;
  // statistics
  std::vector<std::uint64_t> cells_;
  std::uint64_t local_requests_ = 0, remote_requests_ = 0;  // GetS/GetM from this node's cores or others'
  std::uint64_t requests_ = 0, stalls_ = 0, memory_reads_ = 0, memory_writes_ = 0, invalidations_ = 0, forwards_ = 0;
  // A sparse directory: its sets of ways, each way's line (kNoLine when free), the
  // tick of its last request (LRU), the recalls under way per set.
  static constexpr LineAddr kNoLine = ~LineAddr(0);
  std::size_t sets_ = 0;
  unsigned assoc_ = 0, set_bits_ = 0;
  std::vector<LineAddr> way_line_;
  std::vector<std::uint64_t> way_used_;
  std::vector<std::uint8_t> set_recalling_;
  std::vector<LineAddr> blocked_;  // scratch: lines whose parked requests keep their order
  std::uint64_t use_clock_ = 0;
  std::uint64_t recalls_ = 0, recall_invalidations_ = 0, recall_writebacks_ = 0, entry_waits_ = 0;
  std::uint64_t entries_used_ = 0, entries_peak_ = 0;
  CleanVictimSink* victim_sink_ = nullptr;
  std::uint64_t clean_victims_ = 0, clean_victims_dropped_ = 0;
};

}  // namespace cohsim
