#include "coherence/cache_array.hpp"

#include <stdexcept>

namespace cohsim {

static unsigned log2_exact(std::uint64_t v) {
  unsigned s = 0;
  while ((std::uint64_t(1) << s) < v) ++s;
  return s;
}

CacheArray::CacheArray(const CacheGeometry& g, const std::string& replacement, std::uint64_t seed)
    : sets_(g.sets()),
      ways_(g.assoc),
      line_size_(g.line_size),
      line_shift_(log2_exact(g.line_size)),
      set_mask_(std::uint64_t(g.sets()) - 1),
      tag_(std::size_t(sets_) * ways_),
      state_(std::size_t(sets_) * ways_),
      dirty_store_(std::size_t(sets_) * ways_),
      dirty_(dirty_store_.data()),
      data_(std::size_t(sets_) * ways_ * line_size_),
      repl_(make_replacement(replacement, ReplacementParams{sets_, ways_, line_shift_, seed})),
      repl_leaves_(repl_->watches_leaves()),
      repl_uses_pc_(repl_->uses_pc()) {
  if (sets_ == 0 || (sets_ & (sets_ - 1))) throw std::logic_error("cache sets must be a power of two");
}

unsigned CacheArray::choose_way(LineAddr line) const {
  const unsigned set = set_of(line);
  for (unsigned w = 0; w < ways_; ++w)
    if (state_[std::size_t(set) * ways_ + w] == kInvalid) return w;
  return repl_->victim(set);
}

void CacheArray::fill(LineAddr line, unsigned way, std::uint8_t st, const std::uint8_t* data, std::uint64_t pc) {
  const std::size_t i = idx(line, way);
  tag_[i] = line;
  state_[i] = st;
  dirty_[i] = false;
  std::memcpy(&data_[i * line_size_], data, line_size_);
  repl_->fill(set_of(line), way, line, pc);
}

}  // namespace cohsim
