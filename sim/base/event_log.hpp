// The event log (`--events FILE.jsonl`, schema 6, docs/event-log.md): one JSON line per
// thing that happened in a run, in simulated-time order. Records: every table cell a
// controller executes, every bus phase and network message, loads (load-exclusives
// among them) binding their values (and the store each read),
// stores entering and leaving the store buffer, read-modify-writes (and the store each
// read) and fences, and at
// the end each controller's lines and each core's registers.
//
// Off unless a file is given: every call site is one branch on a null pointer (the
// components hold a null log when it is off). When on, a call copies a few words into
// a record buffer (names are pointers to the tables' own strings; nothing is formatted);
// the buffer is sorted by time when it fills, and what is stamped before the current
// simulated time (a later call never records an earlier time) is handed to a writer
// thread, which formats it (names escaped by nlohmann-json) and writes it while the
// simulation goes on; the rest at the end.
#pragma once
#include <cstdint>
#include <cstdio>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/base/last_writers.hpp"
#include "sim/base/types.hpp"

namespace cohsim {

class EventLog {
 public:
  EventLog() = default;
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  void open(const std::string& path);  // throws UserError if it cannot be written
  bool enabled() const { return file_ != nullptr; }

  // Set-up, before the run. An agent is a core, a cache controller, a directory, the
  // bus or memory; its records carry its own clock's cycle ("core_cycle" or
  // "uncore_cycle"). Bus clients and network endpoints are numbered by the fabric.
  int add_agent(const std::string& name, const std::string& kind, const char* clock, Tick period);
  void map_bus_client(int client, int agent);
  void map_net_endpoint(int endpoint, int agent);
  void set_line_size(unsigned bytes) { line_size_ = bytes; }
  void add_symbol(const std::string& name, Addr a);
  // Writes the header line: {"schema": 6, "kind": "header", "agents": [...], ...extra}.
  void write_header(const nlohmann::json& extra);
  // Writes every record still buffered (the end of the run).
  void finish();

  // Records (the hot path when on; `line_addr` and `addr` are byte addresses).
  void cell(Tick t, int agent, Addr line_addr, const char* state, const char* event, const char* actions,
            const char* next, bool stall, std::uint32_t trace_line) {
    Rec& r = push(t, Kind::Cell, agent);
    r.addr = line_addr, r.a = state, r.b = event, r.c = actions, r.d = next, r.flag = stall, r.tline = trace_line;
  }
  // A place in the order of records made at one time: a record given it later sorts
  // there (the bus's address phase, recorded once the snoopers have answered, goes
  // before the cells they ran).
  std::uint64_t mark() { return seq_++; }
  // The bus orders a request (its address phase); supplier: a bus client, kMemory, or kNone.
  void bus_address(Tick t, int client, const char* msg, Addr line_addr, int supplier, bool shared, std::uint64_t txn,
                   std::uint64_t mark) {
    Rec& r = push(t, Kind::BusAddress, -1);
    r.seq = mark;
    r.other = client, r.a = msg, r.addr = line_addr, r.supplier = supplier, r.flag = shared, r.value = txn;
  }
  // A data response (or a writeback / update) crosses the bus; to: a bus client or kMemory.
  void bus_data(Tick t, int to, const char* msg, Addr line_addr, const std::uint8_t* data, int supplier,
                bool exclusive, std::uint64_t txn) {
    Rec& r = push(t, Kind::BusData, -1);
    r.other = to, r.a = msg, r.addr = line_addr, r.supplier = supplier, r.flag = exclusive, r.value = txn;
    r.data = keep(data);
  }
  // A directory network message leaves `src` (arrive = false) or reaches `dst`.
  void net(Tick t, bool arrive, const char* type, int src, int dst, const char* vnet, Addr line_addr,
           const std::uint8_t* data, int acks) {
    Rec& r = push(t, arrive ? Kind::NetArrive : Kind::NetSend, -1);
    r.other = src, r.supplier = dst, r.a = type, r.b = vnet, r.addr = line_addr, r.data = keep(data),
    r.value = std::uint64_t(acks);
  }
  // A load binds its value, from the cache or by forwarding from the store buffer.
  // `seq`: the load's number in its core's load queue (kNoSeq: forwarded at issue, or a
  // load-exclusive: it never entered the queue). `rf`: the writer of each of its `size`
  // bytes (the store it read, writers().read() when it bound from the cache).
  // `exclusive`: a load-exclusive (ldxr, ldaxr, lr.d), the first half of an LL/SC loop.
  void load(Tick t, int agent, Addr a, unsigned size, std::uint64_t v, bool forwarded, std::uint32_t trace_line,
            std::uint64_t seq, const LastWriters::Writer* rf, bool exclusive = false) {
    Rec& r = push(t, Kind::Load, agent);
    r.addr = a, r.size = size, r.value = v, r.flag = forwarded, r.tline = trace_line, r.value2 = seq;
    r.other = exclusive;
    keep_rf(r, rf);
  }
  // The last store to write each byte (kept only when the log is on): the cores update
  // it when a store performs and read it when a load binds from the cache.
  LastWriters& writers() { return writers_; }
  // The writer a store of `agent` at `trace_line` is recorded as: kInitial for the lines
  // that make the initial state (set_initial_lines: a litmus replay's preamble).
  LastWriters::Writer writer(int agent, std::uint32_t trace_line) const {
    return trace_line < initial_line_.size() && initial_line_[trace_line] ? LastWriters::kInitial
                                                                          : LastWriters::writer(agent, trace_line);
  }
  void set_initial_lines(const std::vector<std::uint32_t>& lines) {
    for (std::uint32_t l : lines) {
      if (l >= initial_line_.size()) initial_line_.resize(std::size_t(l) + 1, false);
      initial_line_[l] = true;
    }
  }
  static constexpr std::uint64_t kNoSeq = ~std::uint64_t(0);
  // A load enters the load queue (Issue), leaves it once bound and its data is in the
  // register (Retire), or is squashed by a mispredicted branch (Squash).
  enum class LqStep : std::uint8_t { Issue, Retire, Squash };
  void load_queue(Tick t, int agent, LqStep step, Addr a, unsigned size, std::uint64_t seq, std::uint32_t trace_line) {
    Rec& r = push(t, step == LqStep::Issue ? Kind::LoadIssue : step == LqStep::Retire ? Kind::LoadRetire : Kind::LoadSquash,
                  agent);
    r.addr = a, r.size = size, r.value = seq, r.tline = trace_line;
  }
  // The MMU (cpu/mmu): a dTLB miss (stlb: -1 no STLB, 0 missed it too, 1 found it there),
  // a page walk starting (at `level`: below the root when the page-walk cache helped),
  // and a walk ending (a leaf: `pa`; or a page fault), `cycles` after it started.
  void tlb_miss(Tick t, int agent, Addr va, int stlb, std::uint32_t trace_line) {
    Rec& r = push(t, Kind::TlbMiss, agent);
    r.addr = va, r.supplier = stlb, r.tline = trace_line;
  }
  void walk_start(Tick t, int agent, Addr va, unsigned level, std::uint32_t trace_line) {
    Rec& r = push(t, Kind::WalkStart, agent);
    r.addr = va, r.size = level, r.tline = trace_line;
  }
  void walk_end(Tick t, int agent, Addr va, bool fault, Addr pa, std::uint64_t cycles, std::uint32_t trace_line) {
    Rec& r = push(t, Kind::WalkEnd, agent);
    r.addr = va, r.flag = fault, r.value = pa, r.value2 = cycles, r.tline = trace_line;
  }
  // A DRAM command (`--events-dram`) of channel `channel` of the memory agent `agent`
  // (whose clock is the DRAM's): `cmd` ACT, PRE, RD, WR, REF. `line_addr`: the line of
  // the request it serves (kNoLogLine: none, a REF or a refresh's PRE); `trace_line`:
  // the access that request serves (0: none, a writeback).
  void dram(Tick t, int agent, unsigned channel, const char* cmd, bool auto_precharge, unsigned rank,
            unsigned bank_group, unsigned bank, std::uint32_t row, Addr line_addr, std::uint32_t trace_line) {
    Rec& r = push(t, Kind::Dram, agent);
    r.other = int(channel), r.a = cmd, r.flag = auto_precharge, r.size = rank, r.supplier = int(bank_group),
    r.value = bank, r.value2 = row, r.addr = line_addr, r.tline = trace_line;
  }
  // A component that makes its records late (the DRAM controller decides the cycles
  // before the present when it next runs): before writing, the log asks it to record
  // what it can up to `now` and to say the earliest time it may still record. At the
  // end of the run (`end`), it records what it has, deciding nothing more.
  class Laggard {
   public:
    virtual ~Laggard() = default;
    virtual Tick log_catch_up(Tick now, bool end) = 0;
  };
  void add_laggard(Laggard* l) { laggards_.push_back(l); }
  void store(Tick t, int agent, bool leave, Addr a, unsigned size, std::uint64_t v, std::uint32_t trace_line) {
    Rec& r = push(t, leave ? Kind::StoreLeave : Kind::StoreEnter, agent);
    r.addr = a, r.size = size, r.value = v, r.tline = trace_line;
  }
  // A read-modify-write performs: it read `old` (from the stores `rf` names, per byte:
  // its own read, or its load-exclusive's), and wrote `written` unless !wrote.
  void rmw(Tick t, int agent, Addr a, unsigned size, std::uint64_t old, std::uint64_t written, bool wrote,
           std::uint32_t trace_line, const LastWriters::Writer* rf) {
    Rec& r = push(t, Kind::Rmw, agent);
    r.addr = a, r.size = size, r.value = old, r.value2 = written, r.flag = wrote, r.tline = trace_line;
    keep_rf(r, rf);
  }
  void fence(Tick t, int agent, const char* what, std::uint32_t trace_line) {
    Rec& r = push(t, Kind::Fence, agent);
    r.a = what, r.tline = trace_line;
  }
  // The end of the run: a line a controller holds, in `state`, with its data (or null).
  void final_line(Tick t, int agent, Addr line_addr, const char* state, const std::uint8_t* data) {
    Rec& r = push(t, Kind::FinalLine, agent);
    r.addr = line_addr, r.a = state, r.data = keep(data);
  }
  void final_registers(Tick t, int agent, const std::vector<std::string>& names, const std::vector<std::uint64_t>& v);

  static constexpr int kMemory = -1;
  static constexpr Addr kNoLogLine = ~Addr(0);
  static constexpr int kNone = -2;
  static constexpr int kSharers = -3;  // an update's data goes to every sharer
  void set_fabric_agent(int agent) { fabric_agent_ = agent; }

 private:
  enum class Kind : std::uint8_t {
    Cell, BusAddress, BusData, NetSend, NetArrive, Load, StoreEnter, StoreLeave, Rmw, Fence, FinalLine, FinalRegs,
    LoadIssue, LoadRetire, LoadSquash, TlbMiss, WalkStart, WalkEnd, Dram
  };
  struct Rec {
    Tick t;
    std::uint64_t seq;  // emission order: ties in time keep it
    Kind kind;
    bool flag;
    int agent, other, supplier;
    const char *a, *b, *c, *d;
    Addr addr;
    std::uint64_t value, value2;
    std::uint32_t tline, size;
    std::int64_t data;  // offset into pool_ (a Load or Rmw: into rf_pool_), or -1
    LastWriters::Writer rf;  // a Load or Rmw: the writer of its first byte
  };
  static bool has_rf(Kind k) { return k == Kind::Load || k == Kind::Rmw; }
  // A Load's or Rmw's writers: one, or (bytes of several stores) every byte's, in rf_pool_.
  void keep_rf(Rec& r, const LastWriters::Writer* rf) {
    r.rf = rf[0];
    for (unsigned i = 1; i < r.size; ++i)
      if (rf[i] != rf[0]) {
        r.data = std::int64_t(rf_pool_.size());
        rf_pool_.insert(rf_pool_.end(), rf, rf + r.size);
        break;
      }
  }
  Rec& push(Tick t, Kind k, int agent) {
    if (recs_.size() >= window_ && !flushing_) flush(false);
    recs_.emplace_back();
    Rec& r = recs_.back();
    r.t = t, r.seq = seq_++, r.kind = k, r.agent = agent, r.data = -1;
    return r;
  }
  std::int64_t keep(const std::uint8_t* data) {
    if (!data) return -1;
    const std::int64_t at = std::int64_t(pool_.size());
    pool_.insert(pool_.end(), data, data + line_size_);
    return at;
  }
  void flush(bool all);
  void write(const Rec& r);
  const std::string& quoted(const char* s) {  // s as a JSON string (escaped once)
    // Names are the tables' own strings: a direct-mapped cache by pointer, then the map.
    QuotedSlot& q = quoted_cache_[(reinterpret_cast<std::uintptr_t>(s) >> 3) & (kQuotedCache - 1)];
    if (q.name != s) q.name = s, q.text = &quoted_slow(s);
    return *q.text;
  }
  const std::string& quoted_slow(const char* s);
  const std::string& quoted_agent(int agent);
  // The output buffer: formatted lines not yet written, filled through a raw pointer.
  void room(std::size_t n) {
    if (std::size_t(out_end_ - out_w_) < n) drain(n);
  }
  void drain(std::size_t need);  // writes the buffer to the file (and grows it to hold `need`)
  template <std::size_t N>
  void lit(const char (&s)[N]) {  // a literal (N - 1 characters; room() was asked for it)
    std::memcpy(out_w_, s, N - 1);
    out_w_ += N - 1;
  }
  void str(const std::string& s) {
    room(s.size());
    std::memcpy(out_w_, s.data(), s.size());
    out_w_ += s.size();
  }
  template <std::size_t N>
  void key(const char (&k)[N]) {  // ,"k":
    *out_w_++ = ',';
    *out_w_++ = '"';
    lit(k);
    *out_w_++ = '"';
    *out_w_++ = ':';
  }
  void put_u(std::uint64_t v);
  void put_hex(std::uint64_t v);  // "0x..." with the quotes
  void put_ps(Tick t);

  static constexpr std::size_t kWindow = 1 << 16;
  std::FILE* file_ = nullptr;
  std::string path_;
  unsigned line_size_ = 64;
  std::vector<Rec> recs_;
  std::size_t window_ = kWindow;
  std::vector<std::uint8_t> pool_;
  std::vector<LastWriters::Writer> rf_pool_;  // the bytes' writers of loads that read several stores
  LastWriters writers_;
  std::vector<bool> initial_line_;  // by trace line: its writes are the initial state
  std::uint64_t seq_ = 0;
  struct Agent {
    std::string name, kind;
    const char* clock;
    Tick period;
    std::string quoted = {};
  };
  std::vector<Agent> agents_;
  std::vector<int> bus_agent_, net_agent_;
  std::unordered_map<Addr, std::string> symbols_;       // by symbol address: its name, as a JSON string
  std::unordered_map<Addr, std::string> line_names_;    // by line address: the symbols on the line, joined
  std::unordered_map<Addr, std::string> line_symbols_;  // ... as a JSON string
  std::unordered_map<const char*, std::string> quoted_;
  struct QuotedSlot {
    const char* name = nullptr;
    const std::string* text = nullptr;
  };
  static constexpr std::size_t kQuotedCache = 256;
  QuotedSlot quoted_cache_[kQuotedCache];
  std::vector<char> out_;  // formatted lines not yet written: [out_.data(), out_w_)
  char *out_w_ = nullptr, *out_end_ = nullptr;
  struct Order {  // the sort key of a buffered record
    Tick t;
    std::uint64_t seq;
    std::uint32_t index;  // in recs_
  };
  std::vector<Order> order_;
  // flush(): the records stamped at or after its limit (and their data), kept for the
  // next window; the vectors rotate with the batch's, so nothing is allocated per window.
  std::vector<Rec> kept_;
  std::vector<std::uint8_t> kept_pool_;
  std::vector<LastWriters::Writer> kept_rf_;
  // The writer thread: it formats and writes one window's records (batch_.order[0, n))
  // while the simulation fills the next; flush() waits for it before handing it another.
  // Only the writer touches the output buffer, the name caches and wpool_/wrf_ while a
  // batch is out.
  struct Batch {
    std::vector<Rec> recs;
    std::vector<std::uint8_t> pool;
    std::vector<LastWriters::Writer> rf_pool;
    std::vector<Order> order;
    std::size_t n = 0;
  };
  Batch batch_;
  bool batch_out_ = false, stop_ = false;  // guarded by mu_
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread writer_;
  const std::uint8_t* wpool_ = nullptr;         // the batch being written: its line data
  const LastWriters::Writer* wrf_ = nullptr;    // ... and its loads' writers
  void writer_loop();
  void wait_writer();  // until the writer has written the batch handed to it
  std::vector<std::string> regs_text_;                  // final_registers: the JSON object, made at the end
  int fabric_agent_ = -1;
  std::vector<Laggard*> laggards_;
  bool flushing_ = false;  // the bus or the network: its clock stamps their records
};

}  // namespace cohsim
