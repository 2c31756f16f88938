// The storage of one cache: sets × ways of (tag, coherence state, dirty, data bytes),
// with a replacement policy. No timing and no protocol here: controllers own those.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "coherence/replacement.hpp"
#include "sim/base/types.hpp"
#include "sim/base/zeroed_array.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

// Defaults: the L1D's declared ones (sim/config/params.cpp).
struct CacheGeometry {
  std::uint64_t size = declared::bytes("l1d.size");
  unsigned assoc = declared::count("l1d.assoc");
  unsigned line_size = unsigned(declared::bytes("l1d.line_size"));
  unsigned sets() const { return unsigned(size / (std::uint64_t(assoc) * line_size)); }
};

class CacheArray {
 public:
  static constexpr std::uint8_t kInvalid = 0;  // state 0 is always "not present"

  CacheArray(const CacheGeometry& g, const std::string& replacement, std::uint64_t seed);

  unsigned sets() const { return sets_; }
  unsigned ways() const { return ways_; }
  unsigned line_size() const { return line_size_; }
  unsigned line_shift() const { return line_shift_; }
  LineAddr line_of(Addr a) const { return a >> line_shift_; }
  unsigned set_of(LineAddr l) const { return unsigned(l & set_mask_); }

  // The way holding `line`, or -1. Does not touch the replacement state.
  int find(LineAddr line) const {
    const unsigned set = set_of(line);
    const std::size_t base = std::size_t(set) * ways_;
    const LineAddr* tags = &tag_[base];
    const unsigned n = ways_;
    for (unsigned w = 0; w < n; ++w)  // the tag first: it rarely matches
      if (tags[w] == line && state_[base + w] != kInvalid) return int(w);
    return -1;
  }
  // Whether `way` holds `line` (find(line) == way: a line is in at most one way).
  bool holds(LineAddr line, unsigned way) const {
    const std::size_t i = std::size_t(set_of(line)) * ways_ + way;
    return tag_[i] == line && state_[i] != kInvalid;
  }
  // A reference to the line in `way` that found it present (a hit, an upgrade).
  void touch(LineAddr line, unsigned way) { repl_->hit(set_of(line), way); }
  // Whether the replacement policy reads the PC of a fill (else pass 0: no cost).
  bool replacement_uses_pc() const { return repl_uses_pc_; }

  // The way a fill of `line` goes to: an invalid way if the set has one, else the
  // replacement policy's victim (the caller evicts it first).
  unsigned choose_way(LineAddr line) const;
  // Installs `line` in `way` (which must be invalid) with `state` and `data`, fetched
  // for the instruction at `pc` (0: none known; ReplacementPolicy::fill).
  void fill(LineAddr line, unsigned way, std::uint8_t state, const std::uint8_t* data, std::uint64_t pc = 0);

  std::uint8_t& state(LineAddr line, unsigned way) { return state_[idx(line, way)]; }
  bool& dirty(LineAddr line, unsigned way) { return dirty_[idx(line, way)]; }
  LineAddr tag_at(unsigned set, unsigned way) const { return tag_[std::size_t(set) * ways_ + way]; }
  std::uint8_t state_at(unsigned set, unsigned way) const { return state_[std::size_t(set) * ways_ + way]; }
  const std::uint8_t* states_of(unsigned set) const { return &state_[std::size_t(set) * ways_]; }  // ways() of them
  std::uint8_t* data(LineAddr line, unsigned way) { return &data_[idx(line, way) * line_size_]; }
  // The line leaves `way` (an eviction or the protocol's invalidation).
  void invalidate(LineAddr line, unsigned way) {
    if (repl_leaves_ && state_[idx(line, way)] != kInvalid) repl_->leave(set_of(line), way);
    state_[idx(line, way)] = kInvalid;
    dirty_[idx(line, way)] = false;
  }

 private:
  std::size_t idx(LineAddr line, unsigned way) const { return std::size_t(set_of(line)) * ways_ + way; }

  unsigned sets_, ways_, line_size_, line_shift_;
  std::uint64_t set_mask_;
  ZeroedArray<LineAddr> tag_;
  ZeroedArray<std::uint8_t> state_;  // kInvalid is 0
  ZeroedArray<bool> dirty_store_;
  bool* dirty_;
  ZeroedArray<std::uint8_t> data_;
  std::unique_ptr<ReplacementPolicy> repl_;
  bool repl_leaves_, repl_uses_pc_;  // repl_->watches_leaves(), repl_->uses_pc()
};

// Reads/writes a little-endian value of `size` bytes at `offset` in a line. (The
// access sizes each get a copy of constant size, which compiles to one move instead
// of a call to memcpy.)
inline std::uint64_t read_value(const std::uint8_t* line, unsigned offset, unsigned size) {
  std::uint64_t v = 0;
  const std::uint8_t* p = line + offset;
  switch (size) {
    case 8: std::memcpy(&v, p, 8); break;
    case 4: std::memcpy(&v, p, 4); break;
    case 2: std::memcpy(&v, p, 2); break;
    case 1: std::memcpy(&v, p, 1); break;
    default: std::memcpy(&v, p, size);
  }
  return v;
}
inline void write_value(std::uint8_t* line, unsigned offset, unsigned size, std::uint64_t v) {
  std::uint8_t* p = line + offset;
  switch (size) {
    case 8: std::memcpy(p, &v, 8); break;
    case 4: std::memcpy(p, &v, 4); break;
    case 2: std::memcpy(p, &v, 2); break;
    case 1: std::memcpy(p, &v, 1); break;
    default: std::memcpy(p, &v, size);
  }
}

}  // namespace cohsim
