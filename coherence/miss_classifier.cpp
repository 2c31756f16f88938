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
  node_slot_.assign(lines, 0);
  prev_.assign(lines, kNone);
  next_.assign(lines, kNone);
  table_.resize(pow2_at_least(2 * (reserve > lines ? reserve : lines)));
  mask_ = table_.size() - 1;
}

inline std::size_t MissClassifier::entry(LineAddr line) {
  std::size_t i = hash(line) & mask_;
  for (;;) {
    Entry& e = table_[i];
    if (e.line == line) return i;
    if (e.line == kEmpty) break;
    i = (i + 1) & mask_;
  }
  if (2 * (count_ + 1) > table_.size()) {
    grow();
    i = hash(line) & mask_;
    while (table_[i].line != kEmpty) i = (i + 1) & mask_;
  }
  table_[i].line = line;
  ++count_;
  return i;
}

void MissClassifier::grow() {
  std::vector<Entry> old(table_.size() * 2);
  old.swap(table_);
  mask_ = table_.size() - 1;
  for (const Entry& e : old)
    if (e.line != kEmpty) {
      std::size_t i = hash(e.line) & mask_;
      while (table_[i].line != kEmpty) i = (i + 1) & mask_;
      table_[i] = e;
      if (e.node != kNone) node_slot_[e.node] = std::uint32_t(i);
    }
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

inline bool MissClassifier::touch_slot(std::size_t s) {
  std::uint32_t n = table_[s].node;
  if (n != kNone) {
    if (head_ != n) {
      unlink(n);
      push_front(n);
      head_line_ = table_[s].line;
    }
    return true;
  }
  if (used_ < node_slot_.size()) {
    n = used_++;
  } else {  // full: the least recently used line leaves
    n = tail_;
    unlink(n);
    table_[node_slot_[n]].node = kNone;
  }
  node_slot_[n] = std::uint32_t(s);
  table_[s].node = n;
  push_front(n);
  head_line_ = table_[s].line;
  return false;
}

void MissClassifier::reference_slow(LineAddr line) { touch_slot(entry(line)); }

MissCause MissClassifier::classify(LineAddr line) {
  const std::size_t s = entry(line);
  const bool fa_hit = touch_slot(s);
  Entry& e = table_[s];
  if (!(e.flags & kSeen)) {
    e.flags = kSeen;
    ++seen_count_;
    return MissCause::Compulsory;
  }
  if (e.flags & kTaken) {
    e.flags = kSeen;
    return MissCause::Coherence;
  }
  return fa_hit ? MissCause::Conflict : MissCause::Capacity;
}

void MissClassifier::taken(LineAddr line) {
  std::size_t i = hash(line) & mask_;
  while (table_[i].line != line) {
    if (table_[i].line == kEmpty) return;
    i = (i + 1) & mask_;
  }
  if (table_[i].flags & kSeen) table_[i].flags |= kTaken;
}

}  // namespace cohsim
