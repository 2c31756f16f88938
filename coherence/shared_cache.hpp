// A shared, memory-side cache level (a shared L2, the L3): a MemoryLevel that holds
// lines in a CacheArray, below the coherence fabric (which serialises every request to
// a line before it reaches it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "coherence/cache_array.hpp"
#include "coherence/inclusion.hpp"
#include "coherence/miss_classifier.hpp"
#include "coherence/prefetcher.hpp"
#include "sim/base/stats.hpp"
#include "sim/memory/memory_level.hpp"

namespace cohsim {

// What a shared level holds besides its array (the L3: l3.banks, l3.bank_cycles,
// l3.mshrs; a shared L2: l2.mshrs, no banks). banks == 0 or mshrs == 0: that resource
// is not modelled (any number of accesses at once; unit tests build levels so).
struct SharedCacheResources {
  unsigned banks = 0;   // line-interleaved banks (a power of two)
  Tick bank_busy = 0;   // how long one access holds its bank
  unsigned mshrs = 0;   // misses to the level below outstanding at once
  Tick period = 1;      // the clock the statistics count (uncore)
};

// A shared, memory-side cache level: write-back or write-through, write-allocate or
// not, with its own hit latency in the uncore clock (an increment: the fabric's phases
// and the levels above come on top of it).
//
// Banks: line l goes to bank l mod banks; an access (read, write, lookup of a miss)
// starts when its bank is free and holds it for bank_busy: a slice's data array is
// pipelined, taking a new access every bank_busy, not one per latency. Accesses are
// taken in the order of the calls (the fabric's order), a simplification.
// MSHRs: a read that misses takes one until the level below answers; a read of a line
// whose miss is still outstanding merges into that MSHR (a secondary miss: no second
// request below, the data when the first arrives); a miss that finds them all in use
// waits for the first to free, in order. Fills do not occupy a bank (simplified).
class SharedCache final : public MemoryLevel, public UpperCopies, private MemoryWaiter {
 public:
  SharedCache(const CacheGeometry& g, const std::string& replacement, std::uint64_t seed, Tick latency, bool write_back,
              bool write_allocate, MemoryLevel* below, const SharedCacheResources& res = {});
  void read_line(Tick t, LineAddr line, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag,
                 std::uint32_t trace_line) override;
  void write_line(Tick t, LineAddr line, const std::uint8_t* in, std::uint32_t trace_line) override;
  void peek_line(LineAddr line, std::uint8_t* out) const override;
  // Inclusion (coherence/inclusion.hpp): this level's policy, and who holds copies
  // above it (the fabric's caches; the shared L2 above the L3), which an inclusive
  // level back-invalidates and which this level's own back_invalidate passes on to.
  void set_inclusion(Inclusion policy, UpperCopies* upper) { inclusion_ = policy, upper_ = upper; }
  // The exclusive level below (the L3 below a shared L2): this level's victims, clean
  // or dirty, move into it, and a line it holds leaves it when this level takes it.
  void set_victim_cache(SharedCache* below) { victim_cache_ = below; }
  // An exclusive level under private caches (an exclusive shared L2, or the L3 without a
  // shared L2): the fabric's
  // writebacks are victims too, and a dirty line moving up is written below as it
  // leaves (coherence/inclusion.hpp).
  void set_private_above() { private_above_ = true; }
  // An exclusive level: the level above evicted `line` (dirty: newer than memory).
  void insert_victim(Tick t, LineAddr line, const std::uint8_t* data, bool dirty);
  // An exclusive level: the level above is about to hold `line` with data of its own
  // (a whole-line write): this level's copy is dropped without a writeback.
  void discard(LineAddr line);
  // An exclusive level: whether the read of `line` moved it up dirty (once).
  // A line moves up dirty while the read that moved it may, before it returns, answer
  // the level above, which issues other reads (a miss waiting for an MSHR): each such
  // line is kept until its reader takes it.
  bool take_moved_dirty(LineAddr line) {
    for (std::size_t i = 0; i < moved_dirty_.size(); ++i)
      if (moved_dirty_[i] == line) {
        moved_dirty_[i] = moved_dirty_.back();
        moved_dirty_.pop_back();
        return true;
      }
    return false;
  }
  // Whether the level holds `line` (tests: the contents of the hierarchy).
  bool holds(LineAddr line) const { return array_.find(line) >= 0; }
  // UpperCopies: this level as the one above the L3 (its copy, then the fabric's).
  bool can_back_invalidate(LineAddr line) const override;
  bool back_invalidate(Tick t, LineAddr line, std::uint8_t* data, std::uint64_t& copies, Tick& ready) override;
  // Prefetching (`l3.prefetcher`, a shared L2's `l2.prefetcher`; "Prefetchers" in docs/architecture.md): the
  // prefetchers named in `list` train on this level's demand reads (misses, hits, the
  // first hit on a prefetched line) and read lines from the level below into it. Needs
  // MSHRs (a prefetch takes one only while another stays free for demand) and a
  // non-exclusive level (the configuration rules l2.prefetcher, l3.prefetcher refuse the others).
  void set_prefetchers(const std::string& list, const PrefetcherParams& p);
  void register_stats(Stats& s, const std::string& prefix) const;
  // The run (or the measured window) ended at `end`: the occupancy averages divide by
  // the window's length.
  void finish(Tick end) { end_ = end; }
  // Shares of the run for the summary's warnings: the busiest bank's, and the MSHRs'
  // average occupancy over their number (0 when not modelled).
  double busiest_bank_share() const;
  double mshr_share() const;
  std::string dump() const;
  // Warm-up / region of interest: zeroes the statistics from `t` (the lines, the
  // banks' and MSHRs' state stay; a bank or MSHR span that began before `t` is counted
  // in the window it began in).
  void reset_stats(Tick t);

 private:
  struct Target {
    MemoryWaiter* waiter;
    std::uint64_t tag;
    Tick at;  // the requester hears no earlier than this (its lookup's end)
    Tick arrival;         // when the read reached this level (its AMAT sample starts)
    std::uint64_t epoch;  // the statistics window it arrived in (reset_stats)
  };
  // A miss sent below without an MSHR (mshrs == 0): the level below answers this
  // level, which passes the answer on and times it. Slots are reused (no allocation
  // per access once grown).
  static constexpr std::uint64_t kPassTag = std::uint64_t(1) << 63;
  static constexpr std::size_t kMaxLine = 4096;  // the largest line_size
  std::vector<Target> pass_;
  std::vector<std::uint32_t> free_pass_;
  // The read of `target` is answered at `at`: its AMAT sample, if it arrived in this window.
  void answered(const Target& target, Tick at) {
    if (target.epoch == epoch_) ++reads_answered_, read_ticks_ += at - target.arrival;
  }
  struct Mshr {
    LineAddr line = 0;
    bool busy = false;   // allocated
    bool known = false;  // the level below has said when the data arrives
    bool prefetch = false;  // issued by this level's prefetcher (no target of its own)
    bool late = false;      // a demand read has merged into that prefetch
    Tick alloc = 0, ready = 0;
    std::vector<Target> targets;
    std::vector<std::uint8_t> scratch;  // for a request issued late: its values moved at the call
  };
  struct Waiting {  // a primary miss waiting for an MSHR (its values already moved)
    LineAddr line;
    Tick t;
    Target target;
    std::uint32_t trace_line;  // MemoryLevel::read_line's, passed below when it issues
  };
  struct Merged {  // a secondary miss on a line whose primary is waiting for an MSHR
    LineAddr line;
    Target target;
  };

  unsigned allocate(Tick t, LineAddr line);
  void move_up(LineAddr line);
  Tick bank_start(Tick t, LineAddr line);
  void memory_ready(std::uint64_t tag, Tick tick) override;
  void issue(unsigned m, Tick at, LineAddr line, std::uint8_t* out, std::uint32_t trace_line);
  void took_dirty_late(Tick t, LineAddr line, const std::uint8_t* data);
  void count_full(Tick from, Tick to);
  void run_prefetchers(Tick t, LineAddr line, PrefetchTrigger trigger);
  void issue_prefetch(Tick t, LineAddr line);
  // The line at `way` leaves the array: a prefetched line never read counts as useless.
  void leaving(LineAddr line, unsigned way) {
    if (pf_unused_.empty()) return;
    std::uint8_t& u = pf_unused_[std::size_t(array_.set_of(line)) * array_.ways() + way];
    if (u) ++pf_useless_, u = 0;
  }

  CacheArray array_;
  Inclusion inclusion_ = Inclusion::Nine;
  UpperCopies* upper_ = nullptr;
  SharedCache* victim_cache_ = nullptr;
  std::vector<LineAddr> moved_dirty_;  // lines moved up dirty, not yet taken by their reader
  bool private_above_ = false;
  Tick latency_;
  bool write_back_, write_allocate_;
  MemoryLevel* below_;
  SharedCacheResources res_;
  std::vector<Tick> bank_free_;
  std::vector<Tick> bank_busy_ticks_;
  std::vector<Mshr> mshrs_;
  // Per MSHR, compact for the searches: until when it counts as in use (~0 until the
  // level below has said when its data arrives, 0 when never used), and its line.
  std::vector<Tick> mshr_until_;
  std::vector<LineAddr> mshr_line_;
  // MSHRs from mshrs_used_ on have never been used (a miss takes the first free one):
  // the searches stop there.
  std::size_t mshrs_used_ = 0;
  // Busy MSHRs per line (hashed): a read whose line has none skips the secondary-miss search.
  static constexpr std::size_t kMshrFilter = 1024;
  std::vector<std::uint16_t> mshr_filter_;
  std::vector<Waiting> waiting_;
  std::vector<Merged> merged_;
  unsigned in_flight_ = 0;  // MSHRs allocated whose answer has not come
  Tick full_until_ = 0, start_ = 0, end_ = 0;  // start_, end_: the measured window
  std::uint64_t read_hits_ = 0, read_misses_ = 0, write_hits_ = 0, write_misses_ = 0, writebacks_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
  std::uint64_t mshr_merges_ = 0, mshr_full_misses_ = 0, mshr_max_in_use_ = 0;
  std::uint64_t bank_accesses_ = 0;
  // AMAT: reads answered that arrived in this window, and their arrival-to-answer time.
  std::uint64_t reads_answered_ = 0, epoch_ = 0;
  // Primary misses waiting for an MSHR when the window began: counted in the window
  // before, their reads below fall in this one.
  std::uint64_t waiting_at_start_ = 0;
  Tick read_ticks_ = 0;
  // Inclusion: evictions that back-invalidated copies above, the copies, those whose
  // data above was newer (written below), evictions whose line was in a transition
  // above (not back-invalidated); an exclusive level's lines moved in from above,
  // moved up on a hit, and (under private caches) dirty lines copied up and kept.
  std::uint64_t back_invalidations_ = 0, back_invalidated_copies_ = 0, back_invalidation_writebacks_ = 0,
                back_invalidations_skipped_ = 0, victim_fills_ = 0, moved_up_ = 0, copied_up_dirty_ = 0;
  Tick back_invalidation_ticks_ = 0;  // summed: from an eviction to the last copy above gone
  Tick bank_wait_ticks_ = 0, mshr_ticks_ = 0, mshr_wait_ticks_ = 0, mshr_full_ticks_ = 0;
  // Every miss here is primary; its cause (no coherence misses: nothing above the
  // fabric takes lines from a memory-side level).
  MissClassifier classifier_;
  // Prefetching: the prefetchers, which (set, way) hold a prefetched line no demand read
  // has referenced yet, the proposals of one access, and the counts.
  std::vector<std::unique_ptr<Prefetcher>> pf_;
  std::vector<std::uint8_t> pf_unused_;
  PrefetchCandidates pf_cand_;
  std::uint64_t pf_issued_ = 0, pf_useful_ = 0, pf_late_ = 0, pf_useless_ = 0, pf_dropped_ = 0;
  std::uint64_t cause_[kMissCauses] = {};
};

}  // namespace cohsim
