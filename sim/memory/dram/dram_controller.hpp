// The DRAM controller engine: a plain C++ class with explicit time, no SystemC.
//
// One DramChannel per channel. Requests are enqueued with their arrival cycle (in
// DRAM clocks); advance_to(c) makes every scheduling decision of the cycles before c,
// issuing ACT, PRE, RD, WR and REF commands, at most one per cycle (the command
// bus), each at the first cycle every timing constraint of its bank, bank group,
// rank and channel allows. Time advances from one decision point to the next: when
// nothing can issue, the engine jumps to the earliest cycle at which something could
// (a timing constraint expiring, an arrival, a refresh falling due), so an idle or
// waiting channel costs nothing per clock. Completed reads come out (front_completion,
// pop_completion) in the order their data ends. The scheduler keeps, per bank and
// queue, the oldest row hit and the oldest other request: requests of one class share
// their next command and its earliest cycle, so a decision looks at banks, not at
// every queued request.
//
// The hot path allocates nothing once warm: the queues are preallocated vectors, the
// arrival heap and the completion ring grow geometrically and are then reused.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/memory/dram/address_mapping.hpp"
#include "sim/memory/dram/dram_timing.hpp"

namespace cohsim {

enum class PagePolicy { Open, Closed, Adaptive };
enum class DramScheduler { Fcfs, FrFcfs };
enum class DramCmd : std::uint8_t { ACT, PRE, RD, WR, REF };
const char* dram_cmd_name(DramCmd c);

struct DramControllerParams {
  DramTiming timing;
  unsigned channels = 1;
  std::string mapping = "ro_ra_ba_co_bg_ch";
  PagePolicy page_policy = PagePolicy::Open;
  DramScheduler scheduler = DramScheduler::FrFcfs;
  unsigned read_queue = 32, write_queue = 32;  // entries per channel
  unsigned write_high = 24, write_low = 8;     // write-drain watermarks (entries)
  bool refresh = true;
  // What the controller does with a request for a line it already holds (docs/dram.md):
  // a read of a line with a queued write takes the write's data (no DRAM access); a
  // read of a line with a queued read waits for that read's burst; a write of a line
  // with a queued write replaces it.
  bool read_forwarding = true, read_merging = true, write_merging = true;
  bool log_commands = false;  // keep every issued command (the timing checker replays it)
};

constexpr std::uint64_t kDramNoLine = ~std::uint64_t(0);

// One issued command. An auto-precharge (closed or adaptive page policy) appears as
// a PRE with auto_precharge set, at the cycle the bank really starts precharging.
// `line` and `trace_line` name the request it serves (the event log): the RD or WR's
// own, the ACT that opens its row, the PRE that closes another row for it (or its
// auto-precharge); kDramNoLine for a REF and for a PRE that closes a bank for a
// refresh. trace_line is the trace line of the core's access whose miss or memory
// update the request is, or 0 (a writeback, a prefetch, a stream request).
struct DramCommandRecord {
  std::uint64_t cycle;
  DramCmd cmd;
  bool auto_precharge;
  std::uint8_t rank, bank_group, bank;
  std::uint32_t row;
  std::uint32_t trace_line = 0;
  std::uint64_t line = kDramNoLine;
};

struct DramCompletion {
  std::uint64_t tag;
  std::uint64_t cycle;  // the cycle the last data beat ends
};

constexpr std::uint64_t kDramNever = ~std::uint64_t(0);

// Read latencies in DRAM cycles, one bucket per cycle up to kBuckets - 1 (then one
// overflow bucket): exact percentiles, no allocation per request.
struct DramLatencyHistogram {
  static constexpr unsigned kBuckets = 4096;
  std::vector<std::uint64_t> buckets = std::vector<std::uint64_t>(kBuckets, 0);
  std::uint64_t count = 0, sum = 0, max = 0;
  void add(std::uint64_t v) {
    ++buckets[v < kBuckets - 1 ? v : kBuckets - 1];
    ++count, sum += v;
    if (v > max) max = v;
  }
  double mean() const { return count ? double(sum) / double(count) : 0.0; }
  // The smallest latency at or below which a fraction p of the reads completed (the
  // maximum when it lies in the overflow bucket).
  std::uint64_t percentile(double p) const;
};

struct DramChannelStats {
  std::uint64_t reads = 0, writes = 0;
  std::uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;  // by the first command a request needed
  std::uint64_t acts = 0, pres = 0, refreshes = 0;
  std::uint64_t refresh_stall_cycles = 0;    // rank-cycles from a refresh falling due to the end of its tRFC
  std::uint64_t write_drains = 0;            // times the controller switched to draining writes
  // Requests served without a column command of their own (not in reads/writes above).
  std::uint64_t forwarded_reads = 0;  // answered from a queued write, one clock after admission
  std::uint64_t merged_reads = 0;     // served by the burst of a queued read of the same line
  std::uint64_t merged_writes = 0;    // folded into a queued write of the same line
  DramLatencyHistogram read_latency;  // arrival at the controller to the end of the data (every read)
  std::vector<std::uint64_t> bank_busy;      // cycles from ACT to the end of the PRE's tRP, per bank
  std::vector<std::uint64_t> bank_accesses;  // RD + WR per bank
};

class DramChannel {
 public:
  explicit DramChannel(const DramControllerParams& p);

  // A request arriving at `arrival` (at least the last cycle given to advance_to, or
  // it is taken as arriving then). Reads are reported in completions(); writes are
  // posted. When it enters its queue, a request for a line with a queued request may
  // be served by that one (read forwarding and merging, write merging: the params).
  // `line` and `trace_line` only name the request in the command log (DramCommandRecord).
  void enqueue(std::uint64_t arrival, const DramAddress& a, bool write, std::uint64_t tag,
               std::uint64_t line = kDramNoLine, std::uint32_t trace_line = 0);
  // Makes every decision of the cycles before `end`.
  void advance_to(std::uint64_t end);
  // The next cycle at which the channel has something to do for a request (a decision
  // or a read's data ending), or kDramNever when it holds no request. Refresh alone
  // does not count: advance_to catches up on it when work arrives.
  std::uint64_t next_wake() const;
  bool idle() const { return queued_ == 0 && completions_size() == 0; }
  // Requests enqueued and not yet issued (waiting to arrive, or in the queues).
  std::uint64_t backlog() const { return queued_; }

  // Reads whose data has ended, oldest first.
  bool has_completion() const { return comp_head_ != comp_tail_; }
  const DramCompletion& front_completion() const { return comp_[comp_head_ & (comp_.size() - 1)]; }
  void pop_completion() { ++comp_head_; }

  const DramChannelStats& stats() const { return stats_; }
  const std::vector<DramCommandRecord>& command_log() const { return log_; }
  void clear_command_log() { log_.clear(); }  // (its capacity stays: no allocation once warm)
  std::uint64_t now() const { return now_; }
  // Cycles in which the data bus carried a burst so far.
  std::uint64_t data_cycles() const { return (stats_.reads + stats_.writes) * t_.burst_cycles(); }
  // Adds to stats().bank_busy the open time of the rows still open at `cycle`.
  std::vector<std::uint64_t> bank_busy_at(std::uint64_t cycle) const;
  // Warm-up / region of interest: zeroes the statistics at `cycle` (in place: they are
  // registered by address); a row open then counts its busy time from `cycle`. The
  // banks, their rows and the queues stay.
  void reset_stats(std::uint64_t cycle);

 private:
  static constexpr std::uint64_t kNoAge = ~std::uint64_t(0);
  struct Request {
    std::uint64_t arrival, tag, seq;
    std::uint64_t age;  // admission order: the queues are sorted by it
    std::uint64_t line;  // the line address (the command log only)
    std::uint32_t row, column;
    std::uint32_t followers;   // reads merged with this one, in merged_
    std::uint32_t trace_line;  // the command log only: DramCommandRecord::trace_line
    std::uint16_t bank_index;  // rank * banks + bank_group * banks_per_group + bank
    std::uint8_t rank, bank_group;
    bool write;
    std::uint8_t kind;  // 0 not yet classified, else hit/miss/conflict
  };
  struct Bank {
    std::uint8_t rank = 0, bank_group = 0;  // where it is (saves divisions in the scheduler's loop)
    bool open = false;
    std::uint32_t row = 0;
    std::uint64_t next_act = 0, next_pre = 0, next_rd = 0, next_wr = 0;
    std::uint64_t act_cycle = 0;
    // Per queue (reads, writes): the requests to this bank, how many hit the open row,
    // and the age of the oldest hit and of the oldest other request. Requests of one
    // class share their next command and its earliest cycle, so the scheduler looks at
    // banks, not requests.
    unsigned count[2] = {0, 0};
    unsigned hits[2] = {0, 0};
    std::uint64_t hit_age[2] = {kNoAge, kNoAge}, other_age[2] = {kNoAge, kNoAge};
  };
  struct Rank {
    std::uint64_t next_act_bg[16] = {}, next_rd_bg[16] = {}, next_wr_bg[16] = {};
    std::uint64_t faw[4] = {};  // the last four ACTs, each + tFAW; the oldest bounds the next ACT
    unsigned faw_i = 0;
    std::uint64_t refresh_due = 0;
    bool refresh_pending = false;
  };
  enum Kind : std::uint8_t { kUnclassified, kHit, kMiss, kConflict };

  void decide(std::uint64_t c);
  bool refresh_step(std::uint64_t c, std::uint64_t& min_e);
  bool schedule(std::uint64_t c, std::uint64_t& min_e);
  bool next_draining() const;
  // The next command request r needs, the earliest cycle it may issue, and whether
  // the scheduler may issue it (a PRE waits while queued requests hit the open row).
  DramCmd next_command(const Request& r, std::uint64_t& earliest, bool& allowed) const;
  void issue(std::uint64_t c, std::vector<Request>& q, std::size_t i, DramCmd cmd);
  void do_act(std::uint64_t c, unsigned rank, unsigned bg, Bank& b, std::uint32_t row);
  void do_pre(std::uint64_t c, unsigned rank, unsigned bg, unsigned bank, Bank& b, bool auto_pre,
              std::uint64_t line, std::uint32_t trace_line);
  void do_column(std::uint64_t c, unsigned rank, unsigned bg, Bank& b, bool write);
  void do_ref(std::uint64_t c, unsigned rank);
  void admit(std::uint64_t c);
  // A request of queue q for the same line as r, or nullptr.
  Request* same_line(std::vector<Request>& q, unsigned qt, const Request& r);
  // Per queue, how many queued requests' lines hash to each of 256 buckets: a lookup
  // scans the queue only when its bucket is not empty (most requests of a stream that
  // does not repeat lines then cost one load).
  static unsigned line_bucket(const Request& r) {
    return (((r.row << 10) ^ r.column) * 2654435761u + r.bank_index * 0x85EBCA6Bu) >> 24;
  }
  std::array<std::array<std::uint16_t, 256>, 2> line_buckets_{};
  // Whether the arrival r, entering at cycle c, is served by a queued request.
  bool served_by_queued(std::uint64_t c, const Request& r);
  void complete_read(std::uint64_t tag, std::uint64_t arrival, std::uint64_t done);
  void rebuild(unsigned bank_index, unsigned queue);
  void log(std::uint64_t c, DramCmd cmd, bool ap, unsigned rank, unsigned bg, unsigned bank, std::uint32_t row,
           std::uint64_t line, std::uint32_t trace_line);
  void push_completion(std::uint64_t tag, std::uint64_t cycle);
  std::size_t completions_size() const { return comp_tail_ - comp_head_; }
  Bank& bank_of(const Request& r) { return banks_[r.bank_index]; }

  DramTiming t_;
  DramControllerParams p_;
  unsigned bpr_;  // banks per rank
  std::vector<Bank> banks_;
  // Per queue (reads, writes): a bit per bank with requests in it, so the scheduler
  // visits only those banks, in bank order.
  std::vector<std::uint64_t> active_[2];
  void set_active(unsigned bank_index, unsigned qt) {
    std::uint64_t& w = active_[qt][bank_index >> 6];
    const std::uint64_t bit = std::uint64_t(1) << (bank_index & 63);
    w = banks_[bank_index].count[qt] ? w | bit : w & ~bit;
  }
  std::vector<Rank> ranks_;
  std::vector<Request> reads_, writes_;
  std::vector<Request> arrivals_;     // a min-heap by (arrival, seq)
  struct Merged {
    std::uint64_t leader_age, tag, arrival;
  };
  std::vector<Merged> merged_;        // reads waiting for a queued read of their line, in arrival order
  std::vector<DramCompletion> comp_;  // ring, power-of-two size
  std::uint64_t comp_head_ = 0, comp_tail_ = 0;
  std::uint64_t now_ = 0, next_ = kDramNever, seq_ = 0, age_ = 0;
  std::uint64_t queued_ = 0;  // requests in the arrival heap and the queues
  bool draining_ = false;
  DramChannelStats stats_;
  std::vector<DramCommandRecord> log_;
};

// Every channel behind one address mapping.
class DramController {
 public:
  explicit DramController(const DramControllerParams& p);
  const DramControllerParams& params() const { return p_; }
  const AddressMapping& mapping() const { return map_; }
  void enqueue(std::uint64_t arrival, std::uint64_t line, bool write, std::uint64_t tag, std::uint32_t trace_line = 0) {
    const DramAddress a = map_.map(line);
    channels_[a.channel].enqueue(arrival, a, write, tag, line, trace_line);
  }
  void reset_stats(std::uint64_t cycle) {
    for (auto& c : channels_) c.reset_stats(cycle);
  }
  void advance_to(std::uint64_t end) {
    for (auto& c : channels_) c.advance_to(end);
  }
  std::uint64_t next_wake() const;
  std::uint64_t backlog() const {
    std::uint64_t n = 0;
    for (const auto& c : channels_) n += c.backlog();
    return n;
  }
  std::vector<DramChannel>& channels() { return channels_; }
  const std::vector<DramChannel>& channels() const { return channels_; }

 private:
  DramControllerParams p_;
  AddressMapping map_;
  std::vector<DramChannel> channels_;
};

}  // namespace cohsim
