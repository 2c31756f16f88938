// What the importers of other tools' traces share (lackey, ChampSim, extended din):
// the splitting of an access into the aligned pieces cohsim's ops hold, a small queue
// of ops made from one input record, and a one-thread Trace around a stream factory.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/trace/trace.hpp"

namespace cohsim::trace_detail {

// Splits the access [a, a + size) as the hardware does, into pieces that never cross
// an 8-byte boundary (so never a cache line: lines are multiples of 8 bytes; an access
// wider than 8 bytes becomes 8-byte pieces); each piece is widened to the smallest
// naturally aligned 1, 2, 4 or 8-byte block that holds it (cohsim's accesses are
// aligned). Calls emit(addr, size) per piece, in address order. The caller checks
// size >= 1 and that the access does not run past the top of memory
// (fits_in_memory).
inline bool fits_in_memory(Addr a, std::uint64_t size) { return size >= 1 && a + (size - 1) >= a; }

// The largest access one imported record may describe: a page (the largest single
// accesses real tools report are x87/SSE state saves of a few hundred bytes to
// 2.7 KiB). A record beyond it is refused (access_size_error), so a corrupt size field
// cannot turn one line into billions of operations.
constexpr std::uint64_t kMaxRecordBytes = 4096;

// The message for an access that is empty, runs past the top of memory or is larger
// than kMaxRecordBytes; empty when the access is fine.
inline std::string access_size_error(Addr a, std::uint64_t size) {
  if (size == 0) return "an access of 0 bytes";
  if (size > kMaxRecordBytes)
    return "an access of " + std::to_string(size) + " bytes: one record may describe at most " +
           std::to_string(kMaxRecordBytes) + " bytes (a page); split larger accesses into several records";
  if (!fits_in_memory(a, size)) return "the access runs past the top of memory";
  return {};
}

template <typename Emit>
void split_access(Addr a, std::uint64_t size, Emit&& emit) {
  const Addr last = a + (size - 1);  // the last byte
  for (;;) {
    const Addr piece_last = std::min(last, a | 7);
    unsigned s = 1;
    while ((a & ~Addr(s - 1)) != (piece_last & ~Addr(s - 1))) s *= 2;
    emit(a & ~Addr(s - 1), static_cast<std::uint8_t>(s));
    if (piece_last == last) return;
    a = piece_last + 1;
  }
}

// The ops one input record became, handed out one by one (no allocation once the
// buffer has grown to the largest record's count).
class OpQueue {
 public:
  bool pop(Op& op) {
    if (ops_.empty()) return false;  // (emptied when its last op is handed out)
    op = ops_[head_++];
    if (head_ == ops_.size()) ops_.clear(), head_ = 0;
    return true;
  }
  Op& push() {
    ops_.emplace_back();
    return ops_.back();
  }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<Op> ops_;
  std::size_t head_ = 0;
};

// A trace of one thread, no symbols, no registers (what every imported format is).
class SingleThreadTrace final : public Trace {
 public:
  using Factory = std::function<std::unique_ptr<ThreadStream>()>;
  SingleThreadTrace(std::string path, const char* format, Factory f)
      : path_(std::move(path)), format_(format), factory_(std::move(f)) {}
  const std::string& path() const override { return path_; }
  const char* format() const override { return format_; }
  unsigned threads() const override { return 1; }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override {
    if (t != 0) throw std::out_of_range(std::string(format_) + " trace thread " + std::to_string(t));
    return factory_();
  }
  const std::vector<std::string>& registers(unsigned t) const override {
    if (t != 0) throw std::out_of_range(std::string(format_) + " trace thread " + std::to_string(t));
    return regs_;
  }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return syms_; }

 private:
  std::string path_;
  const char* format_;
  Factory factory_;
  std::vector<std::string> regs_;
  std::vector<std::pair<std::string, Addr>> syms_;
};

}  // namespace cohsim::trace_detail
