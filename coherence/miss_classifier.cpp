#include "coherence/miss_classifier.hpp"

#include <stdexcept>

namespace cohsim {

namespace {
std::size_t pow2_at_least(std::size_t n) {
  std::size_t p = 16;
  while (p < n) p <<= 1;
  return p;
}
}  // namespace

MissClassifier::MissClassifier(std::size_t lines, std::size_t reserve) {
  if (lines == 0 || lines >= kNone) throw std::logic_error("a miss classifier needs 1 to 2^32-2 lines");
  node_line_.assign(lines, kEmpty);
  prev_.assign(lines, kNone);
  next_.assign(lines, kNone);
  const std::size_t fa = pow2_at_least(2 * lines);  // at most half full
  fa_key_.assign(fa, kEmpty);
  fa_node_.assign(fa, kNone);
  fa_mask_ = fa - 1;
  const std::size_t seen = pow2_at_least(2 * (reserve > lines ? reserve : lines));
  seen_key_.assign(seen, kEmpty);
  seen_taken_.assign(seen, 0);
  seen_mask_ = seen - 1;
}

inline std::size_t MissClassifier::fa_find(LineAddr line) const {
  std::size_t i = hash(line) & fa_mask_;
  while (fa_key_[i] != line && fa_key_[i] != kEmpty) i = (i + 1) & fa_mask_;
  return i;
}

// Linear probing's deletion without tombstones: later entries of the probe run move
// back into the hole when their home slot does not lie between the hole and them.
void MissClassifier::fa_erase(std::size_t hole) {
  std::size_t i = hole;
  for (;;) {
    i = (i + 1) & fa_mask_;
    if (fa_key_[i] == kEmpty) break;
    const std::size_t home = hash(fa_key_[i]) & fa_mask_;
    if (((i - home) & fa_mask_) >= ((i - hole) & fa_mask_)) {
      fa_key_[hole] = fa_key_[i];
      fa_node_[hole] = fa_node_[i];
      hole = i;
    }
  }
  fa_key_[hole] = kEmpty;
  fa_node_[hole] = kNone;
}

inline void MissClassifier::unlink(std::uint32_t n) {
  if (prev_[n] != kNone) next_[prev_[n]] = next_[n];
  else head_ = next_[n];
  if (next_[n] != kNone) prev_[next_[n]] = prev_[n];
  else tail_ = prev_[n];
}

inline void MissClassifier::push_front(std::uint32_t n) {
  prev_[n] = kNone;
  next_[n] = head_;
  if (head_ != kNone) prev_[head_] = n;
  head_ = n;
  if (tail_ == kNone) tail_ = n;
}

bool MissClassifier::touch(LineAddr line) {
  std::size_t slot = fa_find(line);
  if (fa_key_[slot] == line) {
    const std::uint32_t n = fa_node_[slot];
    if (head_ != n) {
      unlink(n);
      push_front(n);
    }
    return true;
  }
  std::uint32_t n;
  if (used_ < node_line_.size()) {
    n = used_++;
  } else {  // full: the least recently used line leaves
    n = tail_;
    unlink(n);
    fa_erase(fa_find(node_line_[n]));
    slot = fa_find(line);  // the erase may have moved entries of this probe run
  }
  node_line_[n] = line;
  fa_key_[slot] = line;
  fa_node_[slot] = n;
  push_front(n);
  return false;
}

inline std::size_t MissClassifier::seen_slot(LineAddr line) const {
  std::size_t i = hash(line) & seen_mask_;
  while (seen_key_[i] != line && seen_key_[i] != kEmpty) i = (i + 1) & seen_mask_;
  return i;
}

void MissClassifier::seen_grow() {
  std::vector<LineAddr> keys(seen_key_.size() * 2, kEmpty);
  std::vector<std::uint8_t> taken(keys.size(), 0);
  keys.swap(seen_key_);
  taken.swap(seen_taken_);
  seen_mask_ = seen_key_.size() - 1;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] != kEmpty) {
      const std::size_t s = seen_slot(keys[i]);
      seen_key_[s] = keys[i];
      seen_taken_[s] = taken[i];
    }
}

MissCause MissClassifier::classify(LineAddr line) {
  const bool fa_hit = touch(line);
  std::size_t s = seen_slot(line);
  if (seen_key_[s] == kEmpty) {
    if (2 * (seen_count_ + 1) > seen_key_.size()) {
      seen_grow();
      s = seen_slot(line);
    }
    seen_key_[s] = line;
    seen_taken_[s] = 0;
    ++seen_count_;
    return MissCause::Compulsory;
  }
  if (seen_taken_[s]) {
    seen_taken_[s] = 0;
    return MissCause::Coherence;
  }
  return fa_hit ? MissCause::Conflict : MissCause::Capacity;
}

void MissClassifier::taken(LineAddr line) {
  const std::size_t s = seen_slot(line);
  if (seen_key_[s] == line) seen_taken_[s] = 1;
}

}  // namespace cohsim
