#include "cpu/trace/din_trace.hpp"

#include <stdexcept>

#include "cpu/trace/text_trace.hpp"
#include "sim/error.hpp"

namespace cohsim {
namespace {

using trace_detail::LineReader;
using trace_detail::SharedFile;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class DinStream final : public ThreadStream {
 public:
  DinStream(std::shared_ptr<const SharedFile> f, const std::string& path)
      : path_(path), r_(f, 0, f->size()) {}

  bool next(Op& op) override {
    const char *b, *e;
    while (r_.next(b, e)) {
      ++line_;
      const char* p = b;
      while (p < e && is_blank(*p)) ++p;
      if (p == e) continue;
      const char* lb = p;
      auto fail = [&](const char* at, const std::string& msg) {
        throw UserError(located(path_, static_cast<int>(line_), static_cast<int>(at - b) + 1, msg));
      };
      const char* le = p;
      while (le < e && !is_blank(*le)) ++le;
      if (le - lb != 1 || *lb < '0' || *lb > '9')
        fail(lb, "bad din label '" + std::string(lb, le) +
                     "': a din line is `LABEL ADDRESS`, label 0 (read), 1 (write) or 2 "
                     "(instruction fetch)");
      int label = *lb - '0';
      if (label == 3)
        fail(lb, "din label 3 (escape record) is not supported; valid labels: 0 (read), 1 "
                 "(write), 2 (instruction fetch)");
      if (label == 4)
        fail(lb, "din label 4 (cache flush) is not supported; valid labels: 0 (read), 1 "
                 "(write), 2 (instruction fetch)");
      if (label > 4)
        fail(lb, "unknown din label " + std::string(1, *lb) +
                     "; valid labels: 0 (read), 1 (write), 2 (instruction fetch)");
      p = le;
      while (p < e && is_blank(*p)) ++p;
      const char* ab = p;
      if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
      Addr a = 0;
      const char* digits = p;
      for (; p < e && !is_blank(*p); ++p) {
        int d = hex_digit(*p);
        if (d < 0) fail(ab, "bad din address '" + std::string(ab, p + 1) + "...': expected hex digits");
        if (a >> 60) fail(ab, "din address does not fit in 64 bits");
        a = (a << 4) | static_cast<unsigned>(d);
      }
      if (p == digits) fail(ab, "missing din address: a din line is `LABEL ADDRESS` (hex)");
      // Anything after the address (dineroIV's optional fields) is ignored.
      op = Op{};
      op.addr = a & ~Addr(3);
      op.size = 4;
      op.line = line_;
      op.kind = label == 0 ? OpKind::Load : label == 1 ? OpKind::Store : OpKind::IFetch;
      return true;
    }
    return false;
  }

 private:
  std::string path_;
  LineReader r_;
  std::uint32_t line_ = 0;
};

class DinTrace final : public Trace {
 public:
  DinTrace(const std::string& path) : path_(path), file_(std::make_shared<SharedFile>(path)) {}
  const std::string& path() const override { return path_; }
  const char* format() const override { return "din"; }
  unsigned threads() const override { return 1; }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override {
    if (t != 0) throw std::out_of_range("din trace thread " + std::to_string(t));
    return std::make_unique<DinStream>(file_, path_);
  }
  const std::vector<std::string>& registers(unsigned t) const override {
    if (t != 0) throw std::out_of_range("din trace thread " + std::to_string(t));
    return regs_;
  }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return syms_; }

 private:
  std::string path_;
  std::shared_ptr<const SharedFile> file_;
  std::vector<std::string> regs_;
  std::vector<std::pair<std::string, Addr>> syms_;
};

}  // namespace

std::unique_ptr<Trace> open_din_trace(const std::string& path, const TraceOptions&) {
  return std::make_unique<DinTrace>(path);
}

bool looks_like_din(const char* b, const char* e) {
  while (b < e && is_blank(*b)) ++b;
  if (b == e || *b < '0' || *b > '9') return false;
  ++b;
  if (b == e || !is_blank(*b)) return false;
  while (b < e && is_blank(*b)) ++b;
  return b < e && hex_digit(*b) >= 0;
}

}  // namespace cohsim
