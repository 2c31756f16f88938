// A fixed-size array of trivially copyable values that starts all-zero without
// touching its memory: calloc() maps fresh zero pages for large sizes, so a 8 MiB
// cache that a short run barely uses costs a few page faults, not 2,048 (the
// litmus runner forks one process per run, and zero-filling every cache array was
// most of a run's time).
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

namespace cohsim {

template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T>, "ZeroedArray holds plain values");

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(std::size_t n) : n_(n) {
    if (n == 0) return;
    p_ = static_cast<T*>(std::calloc(n, sizeof(T)));
    if (!p_) throw std::bad_alloc();
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;
  ZeroedArray(ZeroedArray&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  ZeroedArray& operator=(ZeroedArray&& o) noexcept {
    if (this != &o) {
      std::free(p_);
      p_ = o.p_, n_ = o.n_;
      o.p_ = nullptr, o.n_ = 0;
    }
    return *this;
  }
  ~ZeroedArray() { std::free(p_); }

  T& operator[](std::size_t i) { return p_[i]; }
  const T& operator[](std::size_t i) const { return p_[i]; }
  T* data() { return p_; }
  const T* data() const { return p_; }
  std::size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace cohsim
