// Why a primary miss happened: Hill's three Cs, as Dinero IV reports them
// (`-l1-dccc`), plus the fourth C of a multiprocessor, coherence.
//
// Fed every access one cache level counts, in the order it counts them (hits,
// secondary and upgrade misses included), it classifies each primary miss:
//   compulsory  the first reference to the line by this cache;
//   coherence   the line was taken away from this cache by another core's request
//               (taken() was called for it) since this cache last missed on it;
//   capacity    a fully associative LRU cache of the same number of lines, fed the
//               same accesses, would also miss;
//   conflict    the rest (the fully associative cache would have hit).
// Compulsory wins over coherence, coherence over capacity and conflict. Each primary
// miss gets exactly one cause, so the four counts add up to the primary misses.
//
// Cost: O(1) per access and no allocation while running, except one insertion per
// line never seen before. One open-addressing table (linear probing, no deletion)
// holds every line ever referenced: whether it was seen by a miss and taken away
// since, and its node in the fully associative LRU shadow (a fixed pool of `lines`
// nodes in an intrusive doubly-linked list) while it is there. An access probes the
// table once; a line leaving the shadow only loses its node. The table grows with
// the footprint (reserved up front for `reserve` lines, at least `lines`; doubling
// when half full, so the rare insertion of a new line may rehash: amortised O(1)).
#pragma once
#include <cstdint>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

enum class MissCause : std::uint8_t { Compulsory, Capacity, Conflict, Coherence };
constexpr int kMissCauses = 4;

class MissClassifier {
 public:
  // `lines`: the cache's capacity in lines (> 0); `reserve`: lines of footprint to
  // make room for up front in the ever-seen set (at least `lines`).
  explicit MissClassifier(std::size_t lines, std::size_t reserve = 0);

  // A counted access that was not a primary miss (a hit, a secondary or upgrade miss).
  // A reference to the most recently used line changes nothing (the common case of
  // consecutive accesses to one line): answered inline.
  void reference(LineAddr line) {
    if (line != head_line_) reference_slow(line);
  }
  // A primary miss: its cause; the access is then referenced like any other.
  MissCause classify(LineAddr line);
  // Another core's request took the line away from this cache.
  void taken(LineAddr line);

  std::size_t lines() const { return node_slot_.size(); }
  std::size_t footprint() const { return seen_count_; }

 private:
  static constexpr LineAddr kEmpty = ~LineAddr(0);
  static constexpr std::uint32_t kNone = ~std::uint32_t(0);
  static constexpr std::uint8_t kSeen = 1, kTaken = 2;
  static std::size_t hash(LineAddr l) {
    const std::uint64_t h = l * 0x9E3779B97F4A7C15ull;
    return std::size_t(h ^ (h >> 29));
  }
  struct Entry {
    LineAddr line = kEmpty;
    std::uint32_t node = kNone;  // in the shadow: its node; kNone otherwise
    std::uint8_t flags = 0;      // kSeen: referenced by a primary miss; kTaken: taken since
  };

  // The slot of `line`, inserted (seen by no miss, not in the shadow) when absent.
  std::size_t entry(LineAddr line);
  // Moves the line of slot `s` to the front of the shadow (inserting it, evicting the
  // LRU line when full); returns whether it was there already.
  bool touch_slot(std::size_t s);
  void reference_slow(LineAddr line);
  void grow();
  void unlink(std::uint32_t n);
  void push_front(std::uint32_t n);

  std::vector<Entry> table_;
  std::size_t mask_, count_ = 0, seen_count_ = 0;
  std::vector<std::uint32_t> node_slot_;  // each node's slot in table_
  std::vector<std::uint32_t> prev_, next_;
  std::uint32_t head_ = kNone, tail_ = kNone, used_ = 0;
  LineAddr head_line_ = kEmpty;  // the line of node head_ (kEmpty: none)
};

}  // namespace cohsim
