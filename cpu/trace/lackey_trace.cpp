#include "cpu/trace/lackey_trace.hpp"

#include "cpu/trace/import_util.hpp"
#include "cpu/trace/text_trace.hpp"
#include "sim/base/error.hpp"
#include "sim/base/text.hpp"

namespace cohsim {
namespace {

using trace_detail::LineReader;
using trace_detail::SharedFile;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool is_blank(char c) { return c == ' ' || c == '\t'; }

constexpr const char* kSyntax =
    "a lackey line is `I  ADDR,SIZE`, ` L ADDR,SIZE`, ` S ADDR,SIZE` or ` M ADDR,SIZE` (ADDR hex, SIZE decimal), "
    "or valgrind's `==PID== ...`";

class LackeyStream final : public ThreadStream {
 public:
  LackeyStream(std::shared_ptr<const SharedFile> f, const std::string& path)
      : path_(path), r_(f, trace_detail::content_start(*f), f->size()) {}

  bool next(Op& op) override {
    while (q_.empty()) {
      if (!read_line()) {
        if (done_) return false;
        done_ = true;
        if (pending_ + (instr_open_ && !instr_data_) == 0) return false;
        compute(pending_ + (instr_open_ && !instr_data_));
        pending_ = 0;
      }
    }
    return q_.pop(op);
  }

 private:
  [[noreturn]] void fail(const char* b, const char* at, const std::string& msg) const {
    throw UserError(located(path_, static_cast<int>(line_), static_cast<int>(at - b) + 1, msg));
  }

  void compute(std::uint64_t n) {
    Op& c = q_.push();
    c.kind = OpKind::Compute;
    c.value = n;
    c.line = line_;
  }

  // Parses one line into q_; false at the end of the file.
  bool read_line() {
    const char *b, *e;
    while (r_.next(b, e)) {
      ++line_;
      if (r_.too_long()) fail(b, e, "line longer than " + std::to_string(r_.max_line()) + " bytes; " + kSyntax);
      const char* p = b;
      while (p < e && is_blank(*p)) ++p;
      if (p == e) continue;
      if (e - p >= 2 && p[0] == '=' && p[1] == '=') continue;  // valgrind's messages and summary
      const char kind = *p;
      if (kind != 'I' && kind != 'L' && kind != 'S' && kind != 'M')
        fail(b, p, "unknown lackey record '" + excerpt(std::string_view(p, std::size_t(e - p))) + "'; " + kSyntax +
                       " (run valgrind with --log-file so the program's own output stays out of the trace)");
      ++p;
      if (p == e || !is_blank(*p)) fail(b, p, std::string("expected a blank after '") + kind + "'; " + kSyntax);
      while (p < e && is_blank(*p)) ++p;
      const char* ab = p;
      Addr a = 0;
      for (; p < e && hex_digit(*p) >= 0; ++p) {
        if (a >> 60) fail(b, ab, "lackey address does not fit in 64 bits");
        a = (a << 4) | unsigned(hex_digit(*p));
      }
      if (p == ab) fail(b, ab, "missing hex address; " + std::string(kSyntax));
      if (p == e || *p != ',') fail(b, p, "expected ',' and the size after the address; " + std::string(kSyntax));
      const char* sb = ++p;
      std::uint64_t size = 0;
      for (; p < e && *p >= '0' && *p <= '9'; ++p) {
        if (size > 1000000) fail(b, sb, "lackey access size too large");
        size = size * 10 + unsigned(*p - '0');
      }
      if (p == sb) fail(b, sb, "missing decimal size after ','; " + std::string(kSyntax));
      while (p < e && is_blank(*p)) ++p;
      if (p != e) fail(b, p, "unexpected '" + excerpt(std::string_view(p, std::size_t(e - p))) + "'; " + kSyntax);
      if (const std::string why = trace_detail::access_size_error(a, size); !why.empty()) fail(b, ab, why);
      if (kind == 'I') {
        if (instr_open_ && !instr_data_) ++pending_;
        instr_open_ = true;
        instr_data_ = false;
        pc_ = a;
        Op& f = q_.push();
        f.kind = OpKind::IFetch;
        f.addr = a;
        f.size = 1;
        f.line = line_;
        return true;
      }
      if (pending_) {
        compute(pending_);
        pending_ = 0;
      }
      instr_data_ = true;
      auto emit = [&](OpKind k) {
        trace_detail::split_access(a, size, [&](Addr pa, std::uint8_t ps) {
          Op& o = q_.push();
          o.kind = k;
          o.addr = pa;
          o.size = ps;
          o.pc = pc_;
          o.line = line_;
        });
      };
      if (kind != 'S') emit(OpKind::Load);
      if (kind != 'L') emit(OpKind::Store);
      return true;
    }
    return false;
  }

  std::string path_;
  LineReader r_;
  std::uint32_t line_ = 0;
  trace_detail::OpQueue q_;
  Addr pc_ = 0;
  std::uint64_t pending_ = 0;  // instructions without a data access not yet emitted as compute
  bool instr_open_ = false;    // an I line was read
  bool instr_data_ = false;    // ... and it made a data access
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Trace> open_lackey_trace(const std::string& path, const TraceOptions&) {
  auto file = std::make_shared<SharedFile>(path);
  return std::make_unique<trace_detail::SingleThreadTrace>(
      path, "lackey", [file, path] { return std::make_unique<LackeyStream>(file, path); });
}

bool looks_like_lackey(const char* b, const char* e) {
  if (e - b >= 4 && b[0] == '=' && b[1] == '=' && b[2] >= '0' && b[2] <= '9') return true;
  const char* p = b;
  if (p < e && *p == ' ') ++p;
  if (p == e || !(*p == 'I' || *p == 'L' || *p == 'S' || *p == 'M')) return false;
  ++p;
  if (p == e || *p != ' ') return false;
  while (p < e && *p == ' ') ++p;
  const char* h = p;
  while (p < e && hex_digit(*p) >= 0) ++p;
  return p > h && p < e && *p == ',';
}

}  // namespace cohsim
