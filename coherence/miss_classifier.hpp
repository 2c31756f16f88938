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
// line never seen before. The fully associative LRU shadow is a fixed pool of
// `lines` nodes in an intrusive doubly-linked list, indexed by an open-addressing
// table sized at construction; the set of lines ever seen (for compulsory) is an
// open-addressing table that grows with the footprint (reserved up front for
// `reserve` lines, at least `lines`; doubling when half full, so the rare insertion
// of a new line may rehash: amortised O(1)).
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
  void reference(LineAddr line) { touch(line); }
  // A primary miss: its cause; the access is then referenced like any other.
  MissCause classify(LineAddr line);
  // Another core's request took the line away from this cache.
  void taken(LineAddr line);

  std::size_t lines() const { return node_line_.size(); }
  std::size_t footprint() const { return seen_count_; }

 private:
  static constexpr LineAddr kEmpty = ~LineAddr(0);
  static constexpr std::uint32_t kNone = ~std::uint32_t(0);
  static std::size_t hash(LineAddr l) {
    const std::uint64_t h = l * 0x9E3779B97F4A7C15ull;
    return std::size_t(h ^ (h >> 29));
  }

  // Moves `line` to the front of the shadow (inserting it, evicting the LRU line when
  // full); returns whether it was there already.
  bool touch(LineAddr line);
  // The shadow's index: line -> node, linear probing, deletion by backward shift.
  std::size_t fa_find(LineAddr line) const;  // slot of `line` or of the empty slot ending its probe
  void fa_erase(std::size_t slot);
  void unlink(std::uint32_t n);
  void push_front(std::uint32_t n);

  std::vector<LineAddr> node_line_;
  std::vector<std::uint32_t> prev_, next_;
  std::uint32_t head_ = kNone, tail_ = kNone, used_ = 0;
  std::vector<LineAddr> fa_key_;
  std::vector<std::uint32_t> fa_node_;
  std::size_t fa_mask_;

  // Lines ever referenced, each with whether it was taken away since its last miss.
  std::vector<LineAddr> seen_key_;
  std::vector<std::uint8_t> seen_taken_;
  std::size_t seen_mask_, seen_count_ = 0;
  std::size_t seen_slot(LineAddr line) const;
  void seen_grow();
};

}  // namespace cohsim
