#include "sim/base/wake.hpp"

namespace cohsim {

Wake::~Wake() {
  if (bound_) sim_kernel.remove(this);
}

void Wake::bind_raw(void (*body)(void*), void* obj) {
  body_ = body;
  obj_ = obj;
  if (!bound_) sim_kernel.add(this);
  bound_ = true;
}

Kernel::~Kernel() {
  for (std::size_t i = 1; i < heap_.size(); ++i) delete heap_[i];
  for (Wake::Timed* e : free_) delete e;
}

// A process's event is gone (its component destroyed): nothing may refer to it.
void Kernel::remove(Wake* w) {
  procs_.erase(std::remove(procs_.begin(), procs_.end(), w), procs_.end());
  deltas_.erase(std::remove(deltas_.begin(), deltas_.end(), w), deltas_.end());
  for (std::size_t i = run_head_; i < runnable_.size(); ++i)
    if (runnable_[i] == w) runnable_.erase(runnable_.begin() + std::ptrdiff_t(i)), --i;
  if (w->timed_) w->timed_->ev = nullptr;
}

// sc_ppq_base::extract_top, in the order of heap_insert.
inline Wake::Timed* Kernel::heap_extract() {
  Wake::Timed* top = heap_[1];
  heap_[1] = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size() - 1;
  std::size_t i = 1;
  for (std::size_t l; (l = 2 * i) <= n;) {
    std::size_t best = heap_[l]->at < heap_[i]->at ? l : i;
    const std::size_t r = l + 1;
    if (r <= n && heap_[r]->at < heap_[best]->at) best = r;
    if (best == i) break;
    std::swap(heap_[i], heap_[best]);
    i = best;
  }
  return top;
}

void Kernel::notify_delta(Wake& w) {
  if (w.type_ == Wake::kTimed) w.timed_->ev = nullptr, w.timed_ = nullptr;
  deltas_.push_back(&w);
  w.type_ = Wake::kDelta;
}

bool Kernel::next_time_slow(Tick& t) {
  while (heap_.size() > 1) {
    Wake::Timed* top = heap_[1];
    if (top->ev) {
      t = top->at;
      return true;
    }
    free_.push_back(heap_extract());
  }
  return false;
}

void Kernel::trigger(Wake* w) {
  w->type_ = Wake::kNone;
  w->timed_ = nullptr;
  if (!w->runnable_) {
    w->runnable_ = true;
    runnable_.push_back(w);
  }
}

// sc_simcontext::crunch(): evaluation, then the delta notifications (triggered last
// first), until nothing is runnable. A stop lets the evaluation under way finish.
void Kernel::crunch(bool once) {
  for (;;) {
    while (run_head_ < runnable_.size()) {
      Wake* w = runnable_[run_head_++];
      w->runnable_ = false;
      w->body_(w->obj_);
    }
    runnable_.clear();
    run_head_ = 0;
    if (stop_) return;
    for (std::size_t i = deltas_.size(); i-- > 0;) trigger(deltas_[i]);
    deltas_.clear();
    if (runnable_.empty() || once) return;
  }
}

// sc_start(duration) and sc_simcontext::simulate().
void Kernel::run(Tick duration) {
  if (stop_) return;
  if (!started_) {
    started_ = true;
    for (Wake* w : procs_)
      if (w->initialize_) w->runnable_ = true, runnable_.push_back(w);
    for (std::size_t i = deltas_.size(); i-- > 0;) trigger(deltas_[i]);
    deltas_.clear();
  }
  const Tick until = now_ + duration;
  if (duration == 0) {
    crunch(true);
    return;
  }
  Tick t;
  do {
    crunch(false);
    if (stop_) return;
    t = now_;
    for (;;) {
      if (!next_time(t) || t > until) goto exit_time;
      if (t > now_) now_ = t;
      Wake::Timed* e = heap_extract();
      Wake* w = e->ev;  // live: next_time() dropped the cancelled entries on top
      free_.push_back(e);
      if (t == until || (heap_.size() > 1 && heap_[1]->at == t)) {
        // More notifications for t (live or cancelled): trigger them all, in the
        // heap's order, then evaluate (at the slice's end: the next run() does).
        trigger(w);
        while (heap_.size() > 1 && heap_[1]->at == t) {
          e = heap_extract();
          w = e->ev;
          free_.push_back(e);
          if (w) trigger(w);
        }
        break;
      }
      // The only notification for t: its process is the whole evaluation, run here
      // without the runnable queue (what crunch() would do with it alone in the queue).
      w->type_ = Wake::kNone;
      w->timed_ = nullptr;
      w->body_(w->obj_);
      if (stop_) return;
      if (!deltas_.empty()) {  // the delta cycles that follow: crunch() runs them
        for (std::size_t i = deltas_.size(); i-- > 0;) trigger(deltas_[i]);
        deltas_.clear();
        break;
      }
    }
  } while (t < until);
exit_time:
  now_ = until;
}

}  // namespace cohsim
