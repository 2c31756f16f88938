// The simulation kernel: the components' processes, their timed wake-ups, and time.
//
// Every component that acts on its own (a core, the bus, DRAM, the network) has one
// process, run whenever its one event triggers: what SystemC calls an SC_METHOD
// statically sensitive to one sc_event, notified with a delay. The kernel below runs
// exactly that model, and runs it the way SystemC 2.3's reference kernel does, step for
// step, so that a run is the same run (the same statistics and event log, byte for
// byte) as under SystemC's sc_start():
//   - every process runs once at the start, in the order the processes were bound,
//     unless it asked not to (dont_initialize);
//   - a notification with a delay goes to a binary heap of timed notifications, the
//     same heap as SystemC's sc_ppq (the same insertions, extractions and sifting, so
//     processes woken for the same tick run in the same order); one without a delay is a
//     delta notification, triggered after the present evaluation, in reverse order of
//     notification; an event keeps only its earliest notification (a later one is
//     ignored, an earlier one cancels it, leaving its heap entry behind as SystemC does);
//   - a triggered process joins the runnable queue unless already in it; the
//     evaluation runs the queue in order; then the delta notifications; then the next
//     timed tick, whose notifications are all triggered before any process runs.
// What it leaves out of SystemC: threads, signals and channels, immediate notification,
// dynamic sensitivity, process control; nothing here uses them. What it saves: a
// SystemC timestep (the scheduler's phases, the event's trigger lists, the process
// handles, sc_time arithmetic) for every activation; the components wake once per
// transaction step, about 1.4 times per reference.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

class Kernel;

// An event and the one process sensitive to it.
class Wake {
 public:
  Wake() = default;
  ~Wake();
  Wake(const Wake&) = delete;
  Wake& operator=(const Wake&) = delete;
  // The process: `obj->*F()` runs at the kernel's start and at every trigger of this
  // event (e.g. `wake_.bind<&Core::tick>(this)`).
  template <auto F, typename T>
  void bind(T* obj) {
    bind_raw([](void* o) { (static_cast<T*>(o)->*F)(); }, obj);
  }
  // SystemC's dont_initialize(): the process does not run at the kernel's start, only
  // when its event triggers.
  void dont_initialize() { initialize_ = false; }

 private:
  friend class Kernel;
  // A timed notification: the heap's entry (SystemC's sc_event_timed). `ev` is null
  // once cancelled by an earlier notification of its event; the entry stays in the
  // heap until it reaches the top.
  struct Timed {
    Tick at;
    Wake* ev;
  };
  void bind_raw(void (*body)(void*), void* obj);
  enum : std::uint8_t { kNone, kDelta, kTimed } type_ = kNone;
  bool runnable_ = false;  // in the runnable queue
  bool bound_ = false;
  bool initialize_ = true;  // runs at the kernel's start
  Timed* timed_ = nullptr;  // its timed notification (kTimed)
  void (*body_)(void*) = nullptr;
  void* obj_ = nullptr;
};

class Kernel {
 public:
  Kernel() = default;
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;
  Tick now() const { return now_; }
  // SystemC's sc_event::notify(delay) of `w` (a delay of 0: a delta notification).
  void notify(Wake& w, Tick delay) {
    if (w.type_ == Wake::kDelta) return;
    if (delay == 0) return notify_delta(w);
    const Tick at = now_ + delay;
    if (w.type_ == Wake::kTimed) {
      if (w.timed_->at <= at) return;
      w.timed_->ev = nullptr;
    }
    Wake::Timed* e;
    if (free_.empty()) {
      e = new Wake::Timed;
    } else {
      e = free_.back();
      free_.pop_back();
    }
    e->at = at;
    e->ev = &w;
    heap_insert(e);
    w.timed_ = e;
    w.type_ = Wake::kTimed;
  }
  // The tick of the next activity: now while a process is runnable or a delta
  // notification is pending, else the earliest timed notification (~0: none).
  // As sc_time_to_pending_activity(), it drops cancelled heap entries on top.
  Tick next_activity() {
    if (!deltas_.empty() || run_head_ < runnable_.size()) return now_;
    Tick t;
    return next_time(t) ? t : ~Tick(0);
  }
  // sc_pending_activity(): anything left to do, now or later.
  bool pending_activity() {
    Tick t;
    return !deltas_.empty() || run_head_ < runnable_.size() || next_time(t);
  }
  // sc_start(duration): runs until now() + duration (then now() is that tick) or a stop.
  void run(Tick duration);
  // sc_stop(): the present evaluation finishes, then the kernel stops for good.
  void stop() { stop_ = true; }
  bool stopped() const { return stop_; }
  bool started() const { return started_; }

 private:
  friend class Wake;
  struct Heap;
  // The earliest live timed notification, dropping cancelled ones on top.
  bool next_time(Tick& t) {
    if (heap_.size() > 1 && heap_[1]->ev) {
      t = heap_[1]->at;
      return true;
    }
    return next_time_slow(t);
  }
  bool next_time_slow(Tick& t);
  void notify_delta(Wake& w);
  void trigger(Wake* w);
  void crunch(bool once);
  void add(Wake* w) { procs_.push_back(w); }
  void remove(Wake* w);
  // sc_ppq_base::insert, with sc_notify_time_compare's order: an earlier tick has the
  // higher priority; equal ticks are not reordered against each other.
  void heap_insert(Wake::Timed* e) {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    while (i > 1 && heap_[i / 2]->at > e->at) {
      heap_[i] = heap_[i / 2];
      i /= 2;
    }
    heap_[i] = e;
  }
  Wake::Timed* heap_extract();

  Tick now_ = 0;
  bool started_ = false, stop_ = false;
  std::vector<Wake*> procs_;      // in binding order
  std::vector<Wake*> deltas_;     // pending delta notifications, in notification order
  std::vector<Wake*> runnable_;   // the runnable queue: runnable_[run_head_..]
  std::size_t run_head_ = 0;
  std::vector<Wake::Timed*> heap_{nullptr};  // 1-based binary heap, earliest tick on top
  std::vector<Wake::Timed*> free_;           // recycled heap entries
};

inline Kernel sim_kernel;

// The present tick.
inline Tick sim_now() { return sim_kernel.now(); }

// Bumped by every wake-up a component schedules. A component that runs several of
// its steps in one activation asks the kernel for the next pending activity once; after
// that, wake-ups scheduled since can only bring it closer, to the earliest of them
// (wake_low), and a wake-up that replaces a later one of the same event moves that
// activity to its own tick: the reading stays exact without asking again.
inline std::uint64_t wake_epoch = 0;
// The earliest tick asked for (the present for one already due) by the wake-ups
// scheduled since the latest horizon reading, taken at epoch wake_low_epoch.
inline Tick wake_low = ~Tick(0);
inline std::uint64_t wake_low_epoch = ~std::uint64_t(0);
// The `epoch` of a component that has not read the horizon in this activation.
constexpr std::uint64_t kNoHorizon = ~std::uint64_t(0);

// No component runs ahead of this tick: the end of the current run() slice.
inline Tick run_limit = ~Tick(0);

// Whether a component may do at once, inside its present activation, what it would
// otherwise do at tick `at`: nothing else has anything to do before then, so nothing
// can observe or change what it touches. `horizon` and `epoch` keep the reading of
// the kernel's next pending activity (start them at 0 and kNoHorizon); it is brought up
// to date from wake_low while this component's reading is the latest one taken, and
// read from the kernel again otherwise.
inline bool may_run_ahead(Tick at, Tick now, Tick& horizon, std::uint64_t& epoch) {
  if (epoch != wake_epoch) {
    if (epoch != kNoHorizon && epoch == wake_low_epoch) horizon = std::min(horizon, wake_low);
    else horizon = sim_kernel.next_activity();
    epoch = wake_low_epoch = wake_epoch;
    wake_low = ~Tick(0);
  }
  return at < horizon && at <= run_limit;
}

// Wake `w`'s process at tick `at` (now, if `at` has passed).
inline void wake_at(Wake& w, Tick at, Tick now) {
  ++wake_epoch;
  wake_low = std::min(wake_low, at > now ? at : now);
  sim_kernel.notify(w, at > now ? at - now : 0);
}

}  // namespace cohsim
