// A fixed-capacity FIFO that never allocates after construction (store buffer,
// load queue).
#pragma once
#include <cstddef>
#include <vector>

namespace cohsim {

template <typename T>
class Ring {
 public:
  explicit Ring(std::size_t capacity) : buf_(capacity) {}
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == buf_.size(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return buf_.size(); }
  T& front() { return buf_[head_]; }
  T& at(std::size_t i) { return buf_[wrap(head_ + i)]; }  // 0 = oldest
  const T& at(std::size_t i) const { return buf_[wrap(head_ + i)]; }
  // Removes entry i, keeping the order of the others.
  void erase(std::size_t i) {
    for (std::size_t k = i; k + 1 < size_; ++k) at(k) = at(k + 1);
    --size_;
  }
  T& push() {
    T& e = buf_[wrap(head_ + size_)];
    ++size_;
    return e;
  }
  void pop() {
    head_ = wrap(head_ + 1);
    --size_;
  }

 private:
  // i < 2 * capacity here: a subtraction, not a division, on the hot path.
  std::size_t wrap(std::size_t i) const { return i >= buf_.size() ? i - buf_.size() : i; }
  std::vector<T> buf_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace cohsim
