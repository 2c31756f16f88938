#include "coherence/shared_cache.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

#include "sim/base/error.hpp"

namespace cohsim {

SharedCache::SharedCache(const CacheGeometry& g, const std::string& replacement, std::uint64_t seed, Tick latency,
                         bool write_back, bool write_allocate, MemoryLevel* below, const SharedCacheResources& res)
    : array_(g, replacement, seed),
      latency_(latency),
      write_back_(write_back),
      write_allocate_(write_allocate),
      below_(below),
      res_(res),
      bank_free_(res.banks, 0),
      bank_busy_ticks_(res.banks, 0),
      mshrs_(res.mshrs),
      mshr_until_(res.mshrs, 0),
      mshr_line_(res.mshrs, 0),
      mshr_filter_(res.mshrs ? kMshrFilter : 0, 0),
      classifier_(std::size_t(g.size / g.line_size)) {
  if (g.line_size > kMaxLine) throw SimError("a shared level's line size is at most 4096 bytes (l*.line_size)");
  for (Mshr& m : mshrs_) {
    m.targets.reserve(8);
    m.scratch.resize(g.line_size);
  }
  waiting_.reserve(64);
  merged_.reserve(64);
  moved_dirty_.reserve(8);
  if (mshrs_.empty()) pass_.reserve(64), free_pass_.reserve(64);
}

unsigned SharedCache::allocate(Tick t, LineAddr line) {
  unsigned way = array_.choose_way(line);
  const unsigned set = array_.set_of(line);
  if (array_.state_at(set, way) != CacheArray::kInvalid) {
    LineAddr victim = array_.tag_at(set, way);
    bool dirty = array_.dirty(victim, way);
    std::uint8_t* data = array_.data(victim, way);
    if (inclusion_ == Inclusion::Inclusive && upper_) {
      if (upper_->can_back_invalidate(victim)) {
        std::uint64_t copies = 0;
        Tick ready = t;
        if (upper_->back_invalidate(t, victim, data, copies, ready)) dirty = true, ++back_invalidation_writebacks_;
        if (copies) ++back_invalidations_, back_invalidated_copies_ += copies;
        // The victim leaves when the last copy above is gone (its dirty data with it).
        back_invalidation_ticks_ += ready - t;
        t = ready;
      } else {
        ++back_invalidations_skipped_;
      }
    }
    if (victim_cache_) {
      if (dirty) ++writebacks_;
      victim_cache_->insert_victim(t, victim, data, dirty);
    } else if (dirty) {
      ++writebacks_;
      below_->write_line(t, victim, data, 0);  // a victim: no access's
    }
    leaving(victim, way);
    array_.invalidate(victim, way);
  }
  return way;
}

// The tick the access of `line` requested at `t` gets its bank (and holds it).
Tick SharedCache::bank_start(Tick t, LineAddr line) {
  if (res_.banks == 0) return t;
  const std::size_t b = std::size_t(line & (res_.banks - 1));
  const Tick s = std::max(t, bank_free_[b]);
  bank_wait_ticks_ += s - t;
  bank_free_[b] = s + res_.bank_busy;
  bank_busy_ticks_[b] += res_.bank_busy;
  ++bank_accesses_;
  return s;
}

// Every MSHR was in use from `from` to `to` (a miss waited): the union of such spans.
void SharedCache::count_full(Tick from, Tick to) {
  from = std::max(from, full_until_);
  if (to > from) mshr_full_ticks_ += to - from;
  full_until_ = std::max(full_until_, to);
}

// MSHR m asks the level below for `line` at `at` (its primary target is already set).
void SharedCache::issue(unsigned m, Tick at, LineAddr line, std::uint8_t* out, std::uint32_t trace_line) {
  Mshr& x = mshrs_[m];
  if (x.busy) --mshr_filter_[x.line & (kMshrFilter - 1)];
  ++mshr_filter_[line & (kMshrFilter - 1)];
  x.line = line;
  x.busy = true;
  x.known = false;
  x.prefetch = x.late = false;
  x.alloc = at;
  mshr_line_[m] = line;
  mshr_until_[m] = ~Tick(0);
  mshrs_used_ = std::max(mshrs_used_, std::size_t(m) + 1);
  ++in_flight_;
  std::uint64_t in_use = 0;  // busy, and not answered by `at`
  for (std::size_t i = 0; i < mshrs_used_; ++i) in_use += mshr_until_[i] > at;
  mshr_max_in_use_ = std::max(mshr_max_in_use_, in_use);
  below_->read_line(at, line, out, this, m, trace_line);  // may answer at once
}

void SharedCache::memory_ready(std::uint64_t tag, Tick tick) {
  if (tag & kPassTag) {  // a miss passed below without an MSHR
    const std::uint32_t slot = std::uint32_t(tag & ~kPassTag);
    const Target target = pass_[slot];
    free_pass_.push_back(slot);
    answered(target, tick);
    target.waiter->memory_ready(target.tag, tick);
    return;
  }
  Mshr& x = mshrs_[std::size_t(tag)];
  x.known = true;
  x.ready = tick;
  mshr_until_[std::size_t(tag)] = tick;
  --in_flight_;
  mshr_ticks_ += tick - x.alloc;
  for (std::size_t i = 0; i < x.targets.size(); ++i) {
    answered(x.targets[i], std::max(tick, x.targets[i].at));
    x.targets[i].waiter->memory_ready(x.targets[i].tag, std::max(tick, x.targets[i].at));
  }
  x.targets.clear();
  if (waiting_.empty()) return;
  // The oldest miss waiting for an MSHR takes this one when its data has arrived.
  const Waiting w = waiting_.front();
  waiting_.erase(waiting_.begin());
  const Tick at = std::max(tick, w.t);
  mshr_wait_ticks_ += at - w.t;
  count_full(w.t, at);
  x.targets.push_back(w.target);
  for (std::size_t i = 0; i < merged_.size();)
    if (merged_[i].line == w.line) {
      x.targets.push_back(merged_[i].target);
      merged_.erase(merged_.begin() + std::ptrdiff_t(i));
    } else ++i;
  // The line was filled at the miss; the read's values land in `late`, not in the MSHR's
  // scratch: the level below may answer at once, and this MSHR then issue the next
  // waiting miss into its scratch before the call returns.
  alignas(64) std::uint8_t late[kMaxLine];
  issue(unsigned(tag), at, w.line, late, w.trace_line);
  if (victim_cache_ && victim_cache_->take_moved_dirty(w.line)) took_dirty_late(at, w.line, late);
}

// An exclusive level below gave up its dirty copy of `line` to a read this level issued
// after filling the line (a miss that waited for an MSHR: values moved at the miss).
// The line stays dirty here; if this level has let it go since (its eviction moved it
// down, and the read moved it up again), it goes back down, dirty, as a victim.
void SharedCache::took_dirty_late(Tick t, LineAddr line, const std::uint8_t* data) {
  const int way = array_.find(line);
  if (way >= 0) array_.dirty(line, unsigned(way)) = true;  // write-back (rule l3.inclusion)
  else victim_cache_->insert_victim(t, line, data, true);
}

void SharedCache::read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* waiter, std::uint64_t tag,
                            std::uint32_t trace_line) {
  const Tick s = bank_start(t, line);
  const Tick done = s + latency_;  // the lookup's end
  if (!mshrs_.empty()) {
    // A secondary miss: the line's primary miss has not brought its data yet.
    bool merge = false;
    const std::size_t searched = mshr_filter_[line & (kMshrFilter - 1)] ? mshrs_used_ : 0;
    for (std::size_t i = 0; i < searched; ++i)
      if (mshr_line_[i] == line && mshr_until_[i] > done) {  // busy, its data not there by `done`
        Mshr& m = mshrs_[i];
        ++mshr_merges_, ++read_misses_, ++misses_;
        peek_line(line, out);
        if (inclusion_ == Inclusion::Exclusive) move_up(line);
        if (m.prefetch && !m.late) {  // a late prefetch: the line is no longer unused
          m.late = true;
          ++pf_late_;
          const int pw = array_.find(line);
          if (pw >= 0 && !pf_unused_.empty())
            pf_unused_[std::size_t(array_.set_of(line)) * array_.ways() + unsigned(pw)] = 0;
        }
        if (m.known) {
          answered({waiter, tag, done, t, epoch_}, m.ready);
          waiter->memory_ready(tag, m.ready);
        } else m.targets.push_back({waiter, tag, done, t, epoch_});
        if (!pf_.empty()) run_prefetchers(done, line, PrefetchTrigger::Miss);
        return;
      }
    for (const Waiting& w : waiting_) merge |= w.line == line;
    if (merge) {
      ++mshr_merges_, ++read_misses_, ++misses_;
      peek_line(line, out);
      if (inclusion_ == Inclusion::Exclusive) move_up(line);
      merged_.push_back({line, {waiter, tag, done, t, epoch_}});
      if (!pf_.empty()) run_prefetchers(done, line, PrefetchTrigger::Miss);
      return;
    }
  }
  int way = array_.find(line);
  if (way >= 0) {
    ++read_hits_, ++hits_;
    classifier_.reference(line);
    array_.touch(line, unsigned(way));
    std::memcpy(out, array_.data(line, unsigned(way)), array_.line_size());
    bool first = false;  // the first demand read of a prefetched line
    if (!pf_.empty()) {
      std::uint8_t& u = pf_unused_[std::size_t(array_.set_of(line)) * array_.ways() + unsigned(way)];
      first = u;
      if (first) ++pf_useful_, u = 0;
    }
    answered({waiter, tag, done, t, epoch_}, done);
    if (inclusion_ == Inclusion::Exclusive) move_up(line);
    waiter->memory_ready(tag, done);
    if (!pf_.empty()) run_prefetchers(done, line, first ? PrefetchTrigger::PrefetchedHit : PrefetchTrigger::Hit);
    return;
  }
  ++read_misses_, ++misses_;
  ++cause_[int(classifier_.classify(line))];
  // The line is filled as the request goes down (values move at the call); the
  // requester hears from the level below when the data really arrives.
  if (mshrs_.empty()) {
    std::uint32_t slot;
    if (free_pass_.empty()) slot = std::uint32_t(pass_.size()), pass_.emplace_back();
    else slot = free_pass_.back(), free_pass_.pop_back();
    pass_[slot] = {waiter, tag, done, t, epoch_};
    below_->read_line(done, line, out, this, kPassTag | slot, trace_line);  // may answer at once
  } else {
    // A free MSHR (none is free while misses wait for one: they go first), else the
    // first to free when its time is known, else wait in order.
    std::size_t pick = mshrs_.size(), soonest = mshrs_.size();
    if (waiting_.empty())
      for (std::size_t i = 0; i < mshrs_.size(); ++i) {
        const Mshr& m = mshrs_[i];
        if (!m.busy || (m.known && m.ready <= done)) {
          pick = i;
          break;
        }
        if (m.known && (soonest == mshrs_.size() || m.ready < mshrs_[soonest].ready)) soonest = i;
      }
    if (pick < mshrs_.size()) {
      mshrs_[pick].targets.push_back({waiter, tag, done, t, epoch_});
      issue(unsigned(pick), done, line, out, trace_line);
    } else if (soonest < mshrs_.size()) {
      ++mshr_full_misses_;
      const Tick at = mshrs_[soonest].ready;
      mshr_wait_ticks_ += at - done;
      count_full(done, at);
      mshrs_[soonest].targets.push_back({waiter, tag, at, t, epoch_});
      issue(unsigned(soonest), at, line, out, trace_line);
    } else {
      ++mshr_full_misses_;
      below_->peek_line(line, out);
      waiting_.push_back({line, done, {waiter, tag, done, t, epoch_}, trace_line});
    }
  }
  if (inclusion_ == Inclusion::Exclusive) return;  // filled into the level above only
  const bool moved_dirty = victim_cache_ && victim_cache_->take_moved_dirty(line);
  unsigned w = allocate(s, line);
  array_.fill(line, w, 1, out);
  if (moved_dirty) {  // the exclusive level below held it dirty: the newest data is here now
    if (write_back_) array_.dirty(line, w) = true;
    else below_->write_line(s, line, out, trace_line);
  }
  if (!pf_.empty()) {
    for (auto& p : pf_) p->on_fill(line, false);
    run_prefetchers(done, line, PrefetchTrigger::Miss);
  }
}

void SharedCache::set_prefetchers(const std::string& list, const PrefetcherParams& p) {
  pf_ = make_prefetchers(list, p);
  if (pf_.empty()) return;
  if (mshrs_.empty() || inclusion_ == Inclusion::Exclusive)
    throw SimError(
        "a shared level's prefetcher needs MSHRs and a non-exclusive level (config rules l2.prefetcher, "
        "l3.prefetcher)");
  pf_unused_.assign(std::size_t(array_.sets()) * array_.ways(), 0);
}

// The demand read of `line` ended its lookup at `t`: the prefetchers hear of it and
// their proposals issue at `t`.
void SharedCache::run_prefetchers(Tick t, LineAddr line, PrefetchTrigger trigger) {
  pf_cand_.n = 0;
  // A shared level sees no PC (the fabric's requests do not carry one): 0 for every
  // access (ip_stride is refused there: config rules l2.prefetcher, l3.prefetcher).
  for (auto& p : pf_) p->on_access(line, 0, trigger, pf_cand_);
  for (unsigned i = 0; i < pf_cand_.n; ++i) issue_prefetch(t, pf_cand_.line[i]);
}

// A prefetch of `line` at `t`: dropped when the line is present (a line in flight is
// present too: the fill's values move at the request) or has an MSHR, when misses wait
// for an MSHR, or when fewer than two MSHRs are free (one stays for demand); else a read
// of the level below into a free MSHR with no target, its line filled at once (values
// move at the call; the data's arrival only frees the MSHR, so the fill never overwrites
// a write that arrives before it: a writeback hits the filled line).
void SharedCache::issue_prefetch(Tick t, LineAddr line) {
  bool drop = array_.find(line) >= 0 || !waiting_.empty();
  if (!drop && mshr_filter_[line & (kMshrFilter - 1)])
    for (std::size_t i = 0; i < mshrs_used_ && !drop; ++i) drop = mshr_line_[i] == line && mshr_until_[i] > t;
  std::size_t pick = mshrs_.size();
  unsigned free = 0;
  for (std::size_t i = 0; i < mshrs_.size() && !drop && free < 2; ++i) {
    const Mshr& m = mshrs_[i];
    if (!m.busy || (m.known && m.ready <= t)) {
      if (!free) pick = i;
      ++free;
    }
  }
  if (drop || free < 2) {
    ++pf_dropped_;
    return;
  }
  ++pf_issued_;
  Mshr& x = mshrs_[pick];
  issue(unsigned(pick), t, line, x.scratch.data(), 0);  // may answer at once
  x.prefetch = true;
  // An exclusive level below moved the line up: its dirtiness comes with it.
  const bool moved_dirty = victim_cache_ && victim_cache_->take_moved_dirty(line);
  const unsigned w = allocate(t, line);
  array_.fill(line, w, 1, mshrs_[pick].scratch.data());
  if (moved_dirty) array_.dirty(line, w) = true;  // write-back (rule l3.inclusion)
  pf_unused_[std::size_t(array_.set_of(line)) * array_.ways() + w] = 1;
  for (auto& p : pf_) p->on_fill(line, true);
}

void SharedCache::insert_victim(Tick t, LineAddr line, const std::uint8_t* data, bool dirty) {
  t = bank_start(t, line);
  ++victim_fills_;
  int way = array_.find(line);
  if (way < 0) {
    way = int(allocate(t, line));
    array_.fill(line, unsigned(way), 1, data);
  } else {
    array_.touch(line, unsigned(way));
    std::memcpy(array_.data(line, unsigned(way)), data, array_.line_size());
  }
  if (!dirty) return;
  if (write_back_) array_.dirty(line, unsigned(way)) = true;
  else below_->write_line(t + latency_, line, data, 0);  // a victim of the level above
}

// An exclusive level: a read takes the line up (a victim the level above handed down
// while its own miss on it was outstanding here counts too). Below a shared L2 a dirty
// line stays dirty there (take_moved_dirty). Below private caches, whose protocols take
// a read's line clean, a dirty line is copied up and stays here, dirty: this level keeps
// the duty to write it back (no memory write at the hit).
void SharedCache::move_up(LineAddr line) {
  const int way = array_.find(line);
  if (way < 0) return;
  if (private_above_ && array_.dirty(line, unsigned(way))) {
    ++copied_up_dirty_;
    return;
  }
  ++moved_up_;
  if (array_.dirty(line, unsigned(way))) moved_dirty_.push_back(line);
  leaving(line, unsigned(way));
  array_.invalidate(line, unsigned(way));
}

void SharedCache::discard(LineAddr line) {
  const int way = array_.find(line);
  if (way >= 0) leaving(line, unsigned(way)), array_.invalidate(line, unsigned(way));
}

bool SharedCache::can_back_invalidate(LineAddr line) const { return !upper_ || upper_->can_back_invalidate(line); }

bool SharedCache::back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies, Tick& ready) {
  bool newer = false;
  const int way = array_.find(line);
  // The probe passes this level's lookup on its way to the private caches above.
  const Tick looked = t + latency_;
  if (way >= 0) {
    ready = std::max(ready, looked);
    if (array_.dirty(line, unsigned(way))) {  // newer than the level below's
      std::memcpy(data, array_.data(line, unsigned(way)), array_.line_size());
      newer = true;
    }
    ++copies;
    leaving(line, unsigned(way));
    array_.invalidate(line, unsigned(way));
  }
  if (upper_ && upper_->back_invalidate(looked, line, data, copies, ready)) newer = true;
  return newer;
}

void SharedCache::write_line(Tick t, LineAddr line, const std::uint8_t* in, std::uint32_t trace_line) {
  t = bank_start(t, line);
  if (private_above_) ++victim_fills_;  // a private cache's dirty victim (or the fabric's flush)
  int way = array_.find(line);
  if (way < 0) {
    ++write_misses_, ++misses_;
    ++cause_[int(classifier_.classify(line))];
    if (!write_allocate_) {
      below_->write_line(t + latency_, line, in, trace_line);
      return;
    }
    if (victim_cache_) victim_cache_->discard(line);  // its copy is older than this whole-line write
    way = int(allocate(t, line));
    array_.fill(line, unsigned(way), 1, in);  // a whole-line write needs no fetch
  } else {
    ++write_hits_, ++hits_;
    classifier_.reference(line);
    array_.touch(line, unsigned(way));
    std::memcpy(array_.data(line, unsigned(way)), in, array_.line_size());
  }
  if (write_back_) array_.dirty(line, unsigned(way)) = true;
  else below_->write_line(t + latency_, line, in, trace_line);
}

void SharedCache::peek_line(LineAddr line, std::uint8_t* out) const {
  int way = array_.find(line);
  if (way >= 0) std::memcpy(out, const_cast<CacheArray&>(array_).data(line, unsigned(way)), array_.line_size());
  else below_->peek_line(line, out);
}

void SharedCache::reset_stats(Tick t) {
  read_hits_ = read_misses_ = write_hits_ = write_misses_ = writebacks_ = hits_ = misses_ = 0;
  std::fill(std::begin(cause_), std::end(cause_), 0);
  mshr_merges_ = mshr_full_misses_ = mshr_max_in_use_ = bank_accesses_ = 0;
  back_invalidations_ = back_invalidated_copies_ = back_invalidation_writebacks_ = back_invalidations_skipped_ = 0;
  back_invalidation_ticks_ = 0;
  victim_fills_ = moved_up_ = copied_up_dirty_ = 0;
  bank_wait_ticks_ = mshr_ticks_ = mshr_wait_ticks_ = mshr_full_ticks_ = 0;
  std::fill(bank_busy_ticks_.begin(), bank_busy_ticks_.end(), 0);
  reads_answered_ = 0, read_ticks_ = 0;
  pf_issued_ = pf_useful_ = pf_late_ = pf_useless_ = pf_dropped_ = 0;
  waiting_at_start_ = waiting_.size();
  ++epoch_;  // a read under way now is answered in the window it arrived in: no sample here
  start_ = t;
}

double SharedCache::busiest_bank_share() const {
  if (end_ <= start_) return 0.0;
  Tick most = 0;
  for (Tick b : bank_busy_ticks_) most = std::max(most, b);
  return std::min(1.0, double(most) / double(end_ - start_));
}

double SharedCache::mshr_share() const {
  if (end_ <= start_ || mshrs_.empty()) return 0.0;
  return std::min(1.0, double(mshr_ticks_) / double(end_ - start_) / double(mshrs_.size()));
}

std::string SharedCache::dump() const {
  std::ostringstream o;
  o << in_flight_ << " of " << mshrs_.size() << " MSHRs awaiting the level below, " << waiting_.size()
    << " misses waiting for one";
  return o.str();
}

// Statistics (docs/stats.md): a shared L2 or the L3, per NUMA node when there are several.
COHSIM_STAT(kStatHits, "[node*.]l*.hits", "count", "", "requests this shared level received that found their line");
COHSIM_STAT(kStatMisses, "[node*.]l*.misses", "count", "",
            "requests that did not (a read of a line whose miss is outstanding counts here and in mshr_merges)");
COHSIM_STAT(kStatReadHits, "[node*.]l*.read_hits", "count", "", "line reads that hit");
COHSIM_STAT(kStatReadMisses, "[node*.]l*.read_misses", "count", "", "line reads that missed");
COHSIM_STAT(kStatWriteHits, "[node*.]l*.write_hits", "count", "", "line writes (writebacks from above) that hit");
COHSIM_STAT(kStatWriteMisses, "[node*.]l*.write_misses", "count", "", "line writes that missed");
COHSIM_STAT(kStatCompulsory, "[node*.]l*.compulsory_misses", "count", "", "misses to a line this level had never been asked for (Hill's compulsory misses)");
COHSIM_STAT(kStatCapacity, "[node*.]l*.capacity_misses", "count", "", "other misses that a fully associative LRU cache with as many lines, fed the same requests, would also take");
COHSIM_STAT(kStatConflict, "[node*.]l*.conflict_misses", "count", "", "the other misses (the fully associative LRU cache would have hit); compulsory + capacity + conflict = misses");
COHSIM_STAT(kStatWritebacks, "[node*.]l*.writebacks", "count", "", "dirty lines written back to the level below");
COHSIM_STAT(kStatHitRate, "[node*.]l*.hit_rate", "ratio", "", "hits / (hits + misses); 0 without requests");
COHSIM_STAT(kStatAmat, "[node*.]l*.amat_uncore_cycles", "cycles", "uncore",
            "AMAT of the level: mean time from a line read's arrival here to its answer (the data's time at the requester's side of this level), over the reads it received and answered in the window (writebacks get no answer); absent, not 0, without a read");
COHSIM_STAT(kStatReadsAnswered, "[node*.]l*.reads_answered", "count", "",
            "line reads received in the window and answered by its end: the samples of amat_uncore_cycles");
COHSIM_STAT(kStatBankAccesses, "[node*.]l3.bank_accesses", "count", "", "accesses that took a bank (reads and writes)");
COHSIM_STAT(kStatBankWait, "[node*.]l3.bank_wait_uncore_cycles", "cycles", "uncore",
            "summed over the accesses: time each waited for its bank (l3.banks, l3.bank_cycles)");
COHSIM_STAT(kStatBankUtil, "[node*.]l3.bank_utilization", "ratio", "",
            "share of the run the busiest bank was held");
COHSIM_STAT(kStatMshrMerges, "[node*.]l*.mshr_merges", "count", "",
            "secondary misses: reads of a line whose miss was outstanding, merged into its MSHR");
COHSIM_STAT(kStatMshrMax, "[node*.]l*.mshr_max_in_use", "count", "", "most MSHRs in use at once (of l2.mshrs at a shared L2, l3.mshrs)");
COHSIM_STAT(kStatMshrAvg, "[node*.]l*.mshr_avg_in_use", "lines", "",
            "MSHRs in use on average over the run (each from its request below to its data)");
COHSIM_STAT(kStatMshrFullMisses, "[node*.]l*.mshr_full_misses", "count", "",
            "misses that found every MSHR in use and waited for one");
COHSIM_STAT(kStatMshrFullCycles, "[node*.]l*.mshr_full_uncore_cycles", "cycles", "uncore",
            "time at least one miss waited for an MSHR (every MSHR in use)");
COHSIM_STAT(kStatWaitingStart, "[node*.]l*.mshr_waiting_at_start", "count", "",
            "primary misses counted before the window (a warm-up, ROI begin) still waiting for an MSHR at its start: their reads below fall in the window. Reads sent below in the window = read_misses - mshr_merges + mshr_waiting_at_start - mshr_waiting_at_end");
COHSIM_STAT(kStatWaitingEnd, "[node*.]l*.mshr_waiting_at_end", "count", "",
            "primary misses counted in the window still waiting for an MSHR at its end (ROI end, max_cycles): their reads below fall after it");
COHSIM_STAT(kStatMshrWait, "[node*.]l*.mshr_wait_uncore_cycles", "cycles", "uncore",
            "summed over the misses that waited: time each waited for an MSHR");

COHSIM_STAT(kStatBackInv, "[node*.]l*.back_invalidations", "count", "",
            "inclusive level (l2.inclusion, l3.inclusion): evictions whose line was held above and was "
            "back-invalidated there");
COHSIM_STAT(kStatBackInvCopies, "[node*.]l*.back_invalidated_copies", "count", "",
            "inclusive level: copies those back-invalidations removed (a shared L2's, and one per core whose "
            "private caches held the line)");
COHSIM_STAT(kStatBackInvWb, "[node*.]l*.back_invalidation_writebacks", "count", "",
            "inclusive level: back-invalidations that found a dirty copy above (its data written to the level below; "
            "counted in writebacks too)");
COHSIM_STAT(kStatBackInvTime, "[node*.]l*.back_invalidation_uncore_cycles", "cycles", "uncore",
            "inclusive level: summed over the back-invalidations, the time from the eviction to the last copy above "
            "gone (the lookups the probe passes: a shared L2's latency, then each private hierarchy's coherent "
            "level's, plus its L1D's when that held the line); the victim's writeback to the level below waits "
            "for it (the requester does not)");
COHSIM_STAT(kStatBackInvSkipped, "[node*.]l*.back_invalidations_skipped", "count", "",
            "inclusive level: evictions whose line was in a transition above (a request in flight): not "
            "back-invalidated, the line stays above");
COHSIM_STAT(kStatVictimFills, "[node*.]l*.victim_fills", "count", "",
            "exclusive level (l2.inclusion, l3.inclusion): victims received from above, clean or dirty: at an L3 "
            "below a shared L2 the L2's evictions; under private caches (an exclusive shared L2, or an exclusive "
            "L3 without one) their clean victims (core*.l*.clean_victims) plus every line the fabric "
            "writes back (dirty victims, and an MSI owner's flush on a downgrade: counted in write_hits and "
            "write_misses too)");
COHSIM_STAT(kStatMovedUp, "[node*.]l*.moved_up", "count", "",
            "exclusive level: read hits (and reads merged into a miss on a line a victim then brought in), each "
            "moving its line up into the level above and out of this one");
COHSIM_STAT(kStatCopiedUpDirty, "[node*.]l*.copied_up_dirty", "count", "",
            "exclusive level under private caches: read hits on a dirty line, copied up clean (the private protocols "
            "take a read's line clean) and kept here dirty, this level still owing its writeback; not in moved_up");
COHSIM_STAT(kStatPfIssued, "[node*.]l*.prefetches_issued", "count", "",
            "prefetches this shared level's prefetchers (l2.prefetcher at a shared L2, l3.prefetcher) sent to the "
            "level below (only with a prefetcher there)");
COHSIM_STAT(kStatPfUseful, "[node*.]l*.prefetches_useful", "count", "",
            "prefetched lines a demand read referenced before they left the level");
COHSIM_STAT(kStatPfLate, "[node*.]l*.prefetches_late", "count", "",
            "prefetches a demand read caught while still in flight (merged into the prefetch's MSHR: counted in "
            "read_misses and mshr_merges too)");
COHSIM_STAT(kStatPfUseless, "[node*.]l*.prefetches_useless", "count", "",
            "prefetched lines that left the level (evicted, back-invalidated) without a demand read");
COHSIM_STAT(kStatPfDropped, "[node*.]l*.prefetches_dropped", "count", "",
            "proposals dropped: the line present or in flight, misses waiting for an MSHR, or no MSHR free beyond "
            "the one kept for demand");
COHSIM_STAT(kStatPfAccuracy, "[node*.]l*.prefetch_accuracy", "ratio", "", "(useful + late) / issued; 0 without prefetches");
COHSIM_STAT(kStatPfCoverage, "[node*.]l*.prefetch_coverage", "ratio", "",
            "(useful + late) / (useful + late + demand primary read misses (read_misses - mshr_merges)): the share "
            "of would-be misses prefetching covered");

void SharedCache::register_stats(Stats& s, const std::string& p) const {
  if (!pf_.empty()) {
    s.counter(kStatPfIssued, p + ".prefetches_issued", &pf_issued_);
    s.counter(kStatPfUseful, p + ".prefetches_useful", &pf_useful_);
    s.counter(kStatPfLate, p + ".prefetches_late", &pf_late_);
    s.counter(kStatPfUseless, p + ".prefetches_useless", &pf_useless_);
    s.counter(kStatPfDropped, p + ".prefetches_dropped", &pf_dropped_);
    s.derived(kStatPfAccuracy, p + ".prefetch_accuracy",
              [this] { return pf_issued_ ? double(pf_useful_ + pf_late_) / double(pf_issued_) : 0.0; });
    s.derived(kStatPfCoverage, p + ".prefetch_coverage", [this] {
      const double covered = double(pf_useful_ + pf_late_);
      const double demand = double(read_misses_ - mshr_merges_);
      return covered + demand > 0 ? covered / (covered + demand) : 0.0;
    });
  }
  if (inclusion_ == Inclusion::Inclusive) {
    s.counter(kStatBackInv, p + ".back_invalidations", &back_invalidations_);
    s.counter(kStatBackInvCopies, p + ".back_invalidated_copies", &back_invalidated_copies_);
    s.counter(kStatBackInvWb, p + ".back_invalidation_writebacks", &back_invalidation_writebacks_);
    s.counter(kStatBackInvSkipped, p + ".back_invalidations_skipped", &back_invalidations_skipped_);
    const Tick* bt = &back_invalidation_ticks_;
    const double bperiod = double(res_.period);
    s.derived(kStatBackInvTime, p + ".back_invalidation_uncore_cycles", [=] { return double(*bt) / bperiod; });
  }
  if (inclusion_ == Inclusion::Exclusive) {
    s.counter(kStatVictimFills, p + ".victim_fills", &victim_fills_);
    s.counter(kStatMovedUp, p + ".moved_up", &moved_up_);
    if (private_above_) s.counter(kStatCopiedUpDirty, p + ".copied_up_dirty", &copied_up_dirty_);
  }
  s.counter(kStatHits, p + ".hits", &hits_);
  s.counter(kStatMisses, p + ".misses", &misses_);
  s.counter(kStatReadHits, p + ".read_hits", &read_hits_);
  s.counter(kStatReadMisses, p + ".read_misses", &read_misses_);
  s.counter(kStatWriteHits, p + ".write_hits", &write_hits_);
  s.counter(kStatWriteMisses, p + ".write_misses", &write_misses_);
  s.counter(kStatCompulsory, p + ".compulsory_misses", &cause_[int(MissCause::Compulsory)]);
  s.counter(kStatCapacity, p + ".capacity_misses", &cause_[int(MissCause::Capacity)]);
  s.counter(kStatConflict, p + ".conflict_misses", &cause_[int(MissCause::Conflict)]);
  s.counter(kStatWritebacks, p + ".writebacks", &writebacks_);
  const auto *h = &hits_, *m = &misses_;
  s.derived(kStatHitRate, p + ".hit_rate", [=] { return *h + *m ? double(*h) / double(*h + *m) : 0.0; });
  const double period = double(res_.period);
  s.counter(kStatReadsAnswered, p + ".reads_answered", &reads_answered_);
  const std::uint64_t* ra = &reads_answered_;
  const Tick* rt = &read_ticks_;
  s.derived(kStatAmat, p + ".amat_uncore_cycles", [=] {
    return *ra ? double(*rt) / period / double(*ra) : std::numeric_limits<double>::quiet_NaN();
  });
  if (res_.banks) {
    s.counter(kStatBankAccesses, p + ".bank_accesses", &bank_accesses_);
    const Tick* bw = &bank_wait_ticks_;
    s.derived(kStatBankWait, p + ".bank_wait_uncore_cycles", [=] { return double(*bw) / period; });
    s.derived(kStatBankUtil, p + ".bank_utilization", [this] { return busiest_bank_share(); });
  }
  if (!mshrs_.empty()) {
    s.counter(kStatMshrMerges, p + ".mshr_merges", &mshr_merges_);
    s.counter(kStatMshrMax, p + ".mshr_max_in_use", &mshr_max_in_use_);
    const Tick *mt = &mshr_ticks_, *start = &start_, *end = &end_, *ft = &mshr_full_ticks_, *wt = &mshr_wait_ticks_;
    s.derived(kStatMshrAvg, p + ".mshr_avg_in_use",
              [=] { return *end > *start ? double(*mt) / double(*end - *start) : 0.0; });
    s.counter(kStatMshrFullMisses, p + ".mshr_full_misses", &mshr_full_misses_);
    s.derived(kStatMshrFullCycles, p + ".mshr_full_uncore_cycles", [=] { return double(*ft) / period; });
    s.derived(kStatMshrWait, p + ".mshr_wait_uncore_cycles", [=] { return double(*wt) / period; });
    s.counter(kStatWaitingStart, p + ".mshr_waiting_at_start", &waiting_at_start_);
    const std::vector<Waiting>* waiting = &waiting_;
    s.derived(kStatWaitingEnd, p + ".mshr_waiting_at_end", [waiting] { return double(waiting->size()); });
  }
}

}  // namespace cohsim
