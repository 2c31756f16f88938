// The last writer of every byte a store has written (the event log's `rf`, docs/event-log.md):
// which store (its core's log agent and trace line) wrote each byte last, updated when
// a store performs (leaves the store buffer into the L1D, or an RMW / store-exclusive
// writes), read when a load binds from the cache. Kept by the event log, so only when
// `--events` is on.
//
// The simulated caches are coherent (one writer at a time per line, and a load reads
// the cache's data at the moment it binds), so the last store performed to a byte,
// over all cores, is the one whose value a load of that byte reads from the cache.
//
// A flat open-addressed table by 8-byte word (key and the 8 bytes' writers), grown by
// doubling when half full: a store or load makes no allocation except the rare growth.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

class LastWriters {
 public:
  // A writer: (log agent + 1) << 32 | trace line; kInitial: no store wrote the byte.
  using Writer = std::uint64_t;
  static constexpr Writer kInitial = 0;
  static Writer writer(int agent, std::uint32_t trace_line) {
    return (std::uint64_t(std::uint32_t(agent + 1)) << 32) | trace_line;
  }
  static int agent_of(Writer w) { return int(w >> 32) - 1; }
  static std::uint32_t line_of(Writer w) { return std::uint32_t(w); }

  // Sizes the table (the event log does, when it is on: off, it holds nothing).
  void start() {
    if (slots_.empty()) slots_.resize(kInitialSlots);
  }

  // A store of `size` bytes at `a` performs.
  void wrote(Addr a, unsigned size, Writer w) {
    start();
    Slot* s = nullptr;
    for (unsigned i = 0; i < size; ++i) {  // one look-up per 8-byte word
      if (!s || ((a + i) & 7) == 0) s = slot(a + i);
      s->by[(a + i) & 7] = w;
    }
  }
  // The writers of the `size` bytes at `a` (out[0..size)).
  void read(Addr a, unsigned size, Writer* out) const {
    const Slot* s = nullptr;
    for (unsigned i = 0; i < size; ++i) {
      if (i == 0 || ((a + i) & 7) == 0) s = slots_.empty() ? nullptr : find(a + i);
      out[i] = s ? s->by[(a + i) & 7] : kInitial;
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;  // word address + 1 (0: empty)
    Writer by[8] = {};
  };
  static constexpr std::size_t kInitialSlots = 4096;
  static std::size_t hash(std::uint64_t key) { return std::size_t((key * 0x9E3779B97F4A7C15ull) >> 32); }
  const Slot* find(Addr byte) const {
    const std::uint64_t key = (byte >> 3) + 1;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == key) return &slots_[i];
      if (slots_[i].key == 0) return nullptr;
    }
  }
  Slot* slot(Addr byte) {
    const std::uint64_t key = (byte >> 3) + 1;
    for (;;) {
      const std::size_t mask = slots_.size() - 1;
      for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
        if (slots_[i].key == key) return &slots_[i];
        if (slots_[i].key == 0) {
          if (2 * (used_ + 1) > slots_.size()) break;  // grow first
          ++used_;
          slots_[i].key = key;
          return &slots_[i];
        }
      }
      grow();
    }
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (!s.key) continue;
      std::size_t i = hash(s.key) & mask;
      while (slots_[i].key) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

}  // namespace cohsim
