// The sharing advisor: which lines bounce between cores, and why.
//
// A line is tracked from the first time another core's request takes it away from a
// cache (SharingHook::line_taken; a read-shared line is never taken, a private one
// never seen). From then on it records, per core, which bytes of the line the core's
// loads, stores and RMWs touched (a 64-bit mask: one bit per byte for lines up to 64
// bytes, one per line_size/64 bytes above), its RMWs (and failed compare-exchanges),
// the trace operations (thread, trace line) that touched it, and every coherence
// miss on it (coherence/miss_classifier.hpp) with the time from the access to its
// data. At the end each line with coherence misses is named:
//
//   false sharing  the cores' accesses touch disjoint bytes (no byte one core wrote
//                  was touched by another): padding the data apart removes the misses;
//   true sharing   a byte one core wrote was read or written by another core;
//   lock           true sharing where two or more cores did RMWs on the line, at
//                  least two per such core on average (a contended lock or atomic
//                  counter; one RMW per core is a barrier's count);
//   one core seen  coherence misses, but only one core's accesses were seen after
//                  tracking began (the others' came before it; or a page walk's).
//
// The bytes and the operations seen before a line's first loss are not recorded (the
// loser's first accesses): a line is classified by what happened while it bounced.
//
// Cost: nothing per access until some line has been taken (the system makes the
// advisor the cores' observer only then: attach()); then one probe of an
// open-addressing table (line -> entry) per access, and for a tracked line a few
// ORs and a scan of its at most kSites operation slots. Memory is fixed at
// construction: kMaxLines entries (with their per-core masks); invalidations of lines
// beyond that are counted (untracked_invalidations) and not classified.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "coherence/sharing_hook.hpp"
#include "cpu/access_observer.hpp"

namespace cohsim {

class SharingAdvisor : public AccessObserver, public SharingHook {
 public:
  enum class Kind : std::uint8_t { FalseSharing, TrueSharing, Lock, OneCore };
  static constexpr std::size_t kMaxLines = 4096;
  static constexpr std::size_t kSites = 8;

  // `next`: an observer told of every access too (may be null).
  SharingAdvisor(unsigned cores, unsigned line_size, AccessObserver* next = nullptr);

  // Called once, when the first line is taken: the owner makes the advisor the cores'
  // observer from then on (accesses before it would find no tracked line anyway).
  void on_first_line(std::function<void()> attach) { attach_ = std::move(attach); }
  void on_access(const AccessEvent& e) override;
  void line_taken(int core, LineAddr line) override;
  void coherence_miss(int core, LineAddr line, Tick ticks) override;
  // Forgets everything (the measured window starts: --warmup, `roi begin`).
  void reset();

  struct Site {
    int thread = -1;
    std::uint32_t trace_line = 0;
    AccessEvent::Kind kind = AccessEvent::Load;
    Addr addr = 0;  // the first access's address and size
    std::uint8_t size = 0;
    std::uint64_t count = 0;
  };
  struct Line {
    LineAddr line = 0;  // line number (address / line_size)
    Kind kind = Kind::OneCore;
    std::uint64_t coherence_misses = 0, miss_ticks = 0, rmws = 0, failed_rmws = 0, accesses = 0;
    std::vector<int> cores;                    // cores whose accesses were seen
    std::vector<std::uint64_t> read, written;  // per entry of `cores`: the masks
    std::vector<std::uint64_t> misses;         // per entry of `cores`: its coherence misses
    std::vector<Site> sites;                   // most counted first
    std::uint64_t other_sites = 0;             // accesses from operations beyond kSites
  };
  // Every line with coherence misses, classified, the costliest (miss time) first.
  std::vector<Line> lines() const;
  std::uint64_t tracked_lines() const { return used_; }
  std::uint64_t untracked_invalidations() const { return untracked_; }
  unsigned line_size() const { return line_size_; }
  // Bytes per mask bit (1 for lines up to 64 bytes).
  unsigned granule() const { return 1u << gshift_; }

 private:
  static constexpr LineAddr kEmpty = ~LineAddr(0);
  static constexpr std::uint32_t kNone = ~std::uint32_t(0);
  std::uint32_t find(LineAddr line) const;
  std::uint32_t find_or_add(LineAddr line);

  unsigned cores_, line_size_, line_shift_, gshift_;
  AccessObserver* next_;
  std::function<void()> attach_;
  // The table: line -> entry, linear probing, 2 * kMaxLines slots (never deleted).
  std::vector<LineAddr> key_;
  std::vector<std::uint32_t> entry_;
  // Per entry.
  struct Entry {
    LineAddr line;
    std::uint64_t misses, miss_ticks, rmws, failed, accesses, other_sites;
    Site sites[kSites];
  };
  std::vector<Entry> e_;
  std::vector<std::uint64_t> read_, written_, core_misses_, core_accesses_;  // [entry * cores + core]
  std::uint32_t used_ = 0;
  std::uint64_t untracked_ = 0;
};

const char* name(SharingAdvisor::Kind k);

// Names an address as the text trace format does: `sym`, `sym+off`, or hex; symbols
// are `stride` bytes long (TraceOptions::symbol_stride).
std::string symbol_name(const std::vector<std::pair<std::string, Addr>>& symbols, Addr a, Addr stride);

}  // namespace cohsim
