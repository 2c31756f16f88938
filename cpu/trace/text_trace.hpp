// The hand-written text trace format (see traces/README.md), and the small file
// helpers the other trace readers share: a shared read-only file descriptor and a
// buffered line reader that never holds more than one buffer of the file.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cpu/trace/trace.hpp"

namespace cohsim {

// Reads a text trace. One pass over the file finds the thread sections, the
// `place` directives, the symbols and the register names; each stream then parses
// its own section. Throws UserError on a structural error (bad `thread`/`place`
// line, unknown opcode, gap in thread numbers); malformed operations are reported
// by ThreadStream::next().
std::unique_ptr<Trace> open_text_trace(const std::string& path, const TraceOptions& opts = {});

// Writes `trace` (any format) as canonical text: a `place` line for every symbol,
// then the threads in order. Reading the result gives the same symbols, registers
// and operations (source line numbers then refer to the written file).
void write_text_trace(const Trace& trace, const std::string& out, const TraceOptions& opts = {});

namespace trace_detail {

// A read-only file shared by a trace and its streams (pread: no shared offset).
class SharedFile {
 public:
  // Throws UserError "PATH: cannot open trace: <strerror>".
  explicit SharedFile(const std::string& path);
  ~SharedFile();
  SharedFile(const SharedFile&) = delete;
  SharedFile& operator=(const SharedFile&) = delete;
  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  // Reads up to n bytes at offset; returns the count (short only at end of file).
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const;

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// Reads lines of [begin, end) of a file through one buffer (64 KiB, grown only for a
// longer line, up to `max_line` bytes). The returned line excludes '\n' and a trailing
// '\r'. Memory stays bounded whatever the file holds: a line longer than `max_line` is
// never stored. If its first `max_line` bytes hold the `comment` character (0: the
// format has no comments), the line is returned up to and including that character
// and the comment's body is read past without being kept; otherwise next() returns
// the first `max_line` bytes, skips the rest, and too_long() says so (the caller
// reports it with the line number).
class LineReader {
 public:
  static constexpr std::size_t kMaxLine = 64 * 1024;
  LineReader(std::shared_ptr<const SharedFile> file, std::uint64_t begin, std::uint64_t end, char comment = 0,
             std::size_t max_line = kMaxLine, std::size_t buffer = 64 * 1024);
  bool next(const char*& b, const char*& e);
  // The line next() returned was cut at max_line bytes (and had no comment there).
  bool too_long() const { return too_long_; }
  std::size_t max_line() const { return max_line_; }
  // File offset of the start of the next line.
  std::uint64_t tell() const { return file_pos_ - (end_ - pos_); }
  // For a reader's own fast path: the buffered bytes not yet returned, [data, data + n)
  // (n may be 0 with more of the file to read; next() reads it). skip(k): the caller took
  // the first k of them, whole lines each ending in its '\n', as next() would have.
  const char* unread(std::size_t& n) const {
    n = end_ - pos_;
    return buf_.data() + pos_;
  }
  void skip(std::size_t k) {
    pos_ += k;
    too_long_ = false;
  }

 private:
  bool refill();
  void long_line(const char*& b, const char*& e);
  std::shared_ptr<const SharedFile> file_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t file_pos_, file_end_;
  char comment_;
  std::size_t max_line_;
  bool too_long_ = false;
};

// Where a text file's content starts: 3 when it begins with a UTF-8 byte-order mark
// (as editors on Windows write one), else 0.
std::uint64_t content_start(const SharedFile& f);

// The ordering rules (Rust's): which orderings an operation kind accepts, and
// which failure orderings a compare_exchange with a given success ordering accepts.
bool order_allowed(OpKind k, Ordering o);
bool fail_order_allowed(Ordering success, Ordering failure);

}  // namespace trace_detail
}  // namespace cohsim
