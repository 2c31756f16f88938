// The data-race finder: a happens-before analysis of one execution, fed the memory
// accesses of a run (AccessEvent) in the global order the hardware performed them.
//
// Two accesses race when they touch a common byte, at least one writes (a store, or
// a read-modify-write that wrote), at least one is plain (non-atomic), and neither
// happens-before the other. Happens-before is program order plus the
// synchronizes-with edges of the C++11/Rust model, tracked with vector clocks:
//
// - a Release/AcqRel/SeqCst store or RMW publishes its thread's clock on its
//   location; a Relaxed one publishes the clock of the thread's latest earlier
//   release fence (Release, AcqRel or SeqCst), if any; a plain store publishes
//   nothing. Each write starts the location's release sequence anew, except an RMW,
//   which continues it (C++20 release sequences: only RMWs continue them);
// - an Acquire/AcqRel/SeqCst load or RMW (a failed compare_exchange with its
//   failure ordering) that reads from a store joins the clock the location carries;
//   a Relaxed one hands it to the thread's next acquire fence (Acquire, AcqRel,
//   SeqCst), where it takes effect;
// - a load reads from the last write to its bytes performed before it; a load
//   forwarded from its own store buffer reads its own thread's store (program order
//   already covers that: no edge);
// - SeqCst is treated as AcqRel: the single total order of SeqCst operations adds
//   no happens-before edges in the C++ model.
//
// Left out: consume (Rust has none); mixed-size synchronization: a location is an
// (address, size) pair for synchronization -- a write of another size to any of
// its bytes ends its release sequence -- while conflicts are byte-granular (accesses
// of different sizes that overlap do conflict).
//
// Events of one thread may arrive out of program order (a store waits in the store
// buffer while later loads perform). The finder places each event at its position in
// program order -- from the thread's operations, by trace line, when it is given
// them -- and gives it the clock of that position. Without them it takes each
// thread's events to arrive in program order (and knows only the fences that report
// events).
//
// Linear in the events: each event costs O(log n) plus O(threads) when it
// synchronizes, plus O(1) per race reported (up to `limit` pairs).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cpu/access_observer.hpp"
#include "cpu/trace/op.hpp"

namespace cohsim {

// One operation of a thread's program as the finder needs it.
struct ProgramOp {
  std::uint32_t line = 0;
  OpKind kind = OpKind::Load;
  Ordering order = Ordering::Plain;
  Addr addr = 0;
  std::uint8_t size = 8;
};

// One side of a race.
struct RaceAccess {
  int thread = 0;
  std::uint32_t op = 0;    // position in the thread's program order (0-based)
  std::uint32_t line = 0;  // trace line (0: unknown)
  std::string what;        // "store", "load", "fetch_add", ... ("rmw" when unknown)
  Ordering order = Ordering::Plain;
  Addr addr = 0;
  std::uint8_t size = 8;
  bool write = false;
};

struct Race {
  RaceAccess a, b;  // a before b by (line, thread, op)
};

class RaceFinder : public AccessObserver {
 public:
  static constexpr std::size_t kDefaultLimit = 100000;

  // Each thread's events are taken to arrive in program order.
  explicit RaceFinder(unsigned threads, std::size_t limit = kDefaultLimit);
  // Each event is placed in its thread's program by its line (see lines_place()):
  // Load/Store/Rmw events come from the memory operations, fences need no event.
  // Operations on line 0 are a harness's, outside the program (a litmus test's
  // initial stores): they are dropped, and their events ignored -- initial values
  // happen-before every thread.
  explicit RaceFinder(std::vector<std::vector<ProgramOp>> program, std::size_t limit = kDefaultLimit);

  // True when every thread's non-zero lines are strictly increasing, so a line names
  // one operation and its place in program order.
  static bool lines_place(const std::vector<std::vector<ProgramOp>>& program);

  void on_access(const AccessEvent& e) override;

  // The racy pairs found so far, each once, sorted by (a.line, b.line, threads, ops).
  std::vector<Race> races() const;
  bool truncated() const { return truncated_; }  // more than `limit` pairs: the rest not listed
  std::uint64_t events() const { return events_; }
  unsigned threads() const { return unsigned(threads_.size()); }

 private:
  using Clock = std::vector<std::uint32_t>;
  enum Category : std::uint8_t { PlainWrite, PlainRead, AtomicWrite, AtomicRead };

  struct Point {  // from this position in program order on, the thread's clock is at least `clock`
    std::uint32_t pos;
    Clock clock;
  };
  struct Fence {
    std::uint32_t pos;
    bool acquire, release;
  };
  struct Thread {
    std::vector<ProgramOp> ops;              // program order (arrival mode: appended as events come)
    std::vector<Fence> fences;               // ascending positions
    std::size_t next_fence = 0;              // fences before it have taken effect
    std::vector<Point> points;               // ascending; points[0] = {0, zeros}
    std::map<std::uint32_t, Clock> pending;  // acquire fence position -> syncs of earlier Relaxed loads
    std::vector<Point> release_fences;       // position -> the clock a later Relaxed write publishes
  };
  struct History {
    int thread;
    std::vector<std::uint32_t> epochs[4];  // per Category, ascending (epoch = position + 1)
  };
  struct Slot {
    std::uint8_t mask;      // bytes of the granule
    bool has_sync = false;  // the last write to these bytes was to this slot and published a clock
    Clock sync;
    std::vector<History> histories;
  };
  struct Granule {
    std::vector<Slot> slots;
  };
  struct PairHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& k) const {
      return std::hash<std::uint64_t>()(k.first * 0x9e3779b97f4a7c15ull ^ k.second);
    }
  };

  std::uint32_t place(Thread& th, const AccessEvent& e);
  void take_effect_fences_before(Thread& th, int t, std::uint32_t pos);
  void take_effect(Thread& th, int t, const Fence& f);
  const Clock& clock_at(const Thread& th, std::uint32_t pos) const;
  void add_point(Thread& th, std::uint32_t pos, const Clock& acquired);
  void check(const Granule& g, std::uint8_t mask, int t, std::uint32_t pos, Category c, const Clock& now);
  void report(int t, std::uint32_t pos, bool write, int u, std::uint32_t upos, bool uwrite);
  RaceAccess access(int t, std::uint32_t pos, bool write) const;
  static bool join(Clock& into, const Clock& from);  // true if `into` grew

  bool by_line_;
  std::size_t limit_;
  std::vector<Thread> threads_;
  std::unordered_map<Addr, std::uint32_t> granule_index_;
  std::vector<Granule> granules_;
  std::unordered_set<std::pair<std::uint64_t, std::uint64_t>, PairHash> seen_;
  std::vector<Race> races_;
  bool truncated_ = false;
  std::uint64_t events_ = 0;
};

}  // namespace cohsim
