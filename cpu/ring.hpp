// A fixed-capacity FIFO that never allocates after construction (store buffer,
// load queue).
#pragma once
#include <cstddef>
#include <vector>

namespace cohsim {

template <typename T>
class Ring {
 public:
  // The storage is the capacity rounded up to a power of two, so that positions wrap
  // with a mask.
  explicit Ring(std::size_t capacity) : cap_(capacity), buf_(round_up(capacity)), mask_(buf_.size() - 1) {}
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == cap_; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return cap_; }
  T& front() { return buf_[head_]; }
  T& at(std::size_t i) { return buf_[(head_ + i) & mask_]; }  // 0 = oldest
  const T& at(std::size_t i) const { return buf_[(head_ + i) & mask_]; }
  // Removes entry i, keeping the order of the others.
  void erase(std::size_t i) {
    for (std::size_t k = i; k + 1 < size_; ++k) at(k) = at(k + 1);
    --size_;
  }
  T& push() {
    T& e = buf_[(head_ + size_) & mask_];
    ++size_;
    return e;
  }
  void pop() {
    head_ = (head_ + 1) & mask_;
    --size_;
  }
  void pop_back() { --size_; }  // removes the youngest (a squash)

 private:
  static std::size_t round_up(std::size_t n) {
    std::size_t p = 1;
    while (p < n) p <<= 1;
    return p;
  }
  std::size_t cap_;
  std::vector<T> buf_;
  std::size_t mask_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace cohsim
