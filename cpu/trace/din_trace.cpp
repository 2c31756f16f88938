#include "cpu/trace/din_trace.hpp"

#include <cstring>
#include <stdexcept>

#include "cpu/trace/import_util.hpp"
#include "cpu/trace/text_trace.hpp"
#include "sim/base/error.hpp"

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

// dinero's reads and writes become 4-byte plain accesses.
inline void set_op(Op& op, Addr a, int label, std::uint32_t line) {
  op = Op{};
  op.addr = a & ~Addr(3);
  op.size = 4;
  op.line = line;
  op.kind = label == 0 ? OpKind::Load : label == 1 ? OpKind::Store : OpKind::IFetch;
}

// Hex digit values for the fast path; 0xff for every other byte.
struct HexTable {
  unsigned char v[256];
  constexpr HexTable() : v() {
    for (int c = 0; c < 256; ++c) v[c] = 0xff;
    for (int c = '0'; c <= '9'; ++c) v[c] = static_cast<unsigned char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) v[c] = static_cast<unsigned char>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) v[c] = static_cast<unsigned char>(c - 'A' + 10);
  }
};
constexpr HexTable kHex;

// Eight hex digits at `p` (either case) as a number in `v`; false if any is not one.
// One little-endian 64-bit word: each byte is checked against the digit and letter ranges (bit 7
// of a byte plus a bias: no byte is above 0x7f, so no carry crosses into the next),
// turned into its value (the low nibble, plus 9 for a letter), and the eight values
// are packed most significant first.
inline bool hex8(const char* p, Addr& v) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  if (x & high) return false;
  const std::uint64_t digit = (x + (0x80 - '0') * ones) & ~(x + (0x80 - '9' - 1) * ones);
  const std::uint64_t l = x | 0x2020202020202020ull;
  const std::uint64_t letter = (l + (0x80 - 'a') * ones) & ~(l + (0x80 - 'f' - 1) * ones);
  if (((digit | letter) & high) != high) return false;
  std::uint64_t w = __builtin_bswap64((x & 0x0f0f0f0f0f0f0f0full) + ((x >> 6) & ones) * 9);
  w = (w | (w >> 4)) & 0x00ff00ff00ff00ffull;
  w = (w | (w >> 8)) & 0x0000ffff0000ffffull;
  v = (w | (w >> 16)) & 0xffffffffull;
  return true;
}

// The common line, `L HEXADDR` with L in 0..2, one space and 1-15 hex digits
// (no 0x prefix, nothing after): parsed in one pass. Anything else returns false
// and goes through the general parser, which also words the errors.
inline bool fast_parse(const char* b, const char* e, std::uint32_t line, Op& op) {
  const std::ptrdiff_t n = e - b;
  if (n < 3 || n > 17 || b[1] != ' ' || unsigned(b[0] - '0') > 2u || (b[2] == '0' && n > 3 && (b[3] | 0x20) == 'x'))
    return false;
  Addr a = 0;
  const char* p = b + 2;
  if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && e - p >= 8) {  // the first eight digits at once
    if (!hex8(p, a)) return false;
    p += 8;
  }
  for (; p < e; ++p) {
    const unsigned d = kHex.v[static_cast<unsigned char>(*p)];
    if (d > 15) return false;
    a = (a << 4) | d;
  }
  set_op(op, a, b[0] - '0', line);
  return true;
}

// The buffered bytes whole_line needs: it reads at most 20 (the label, a space, 16
// digits, '\r', '\n').
constexpr std::size_t kWholeLineBytes = 24;

// The common line read straight from the buffer `p` (at least kWholeLineBytes bytes):
// `L HEXADDR` (L in 0..2, one space, 1-15 hex digits) ending in '\n' or "\r\n". Exactly the
// lines fast_parse takes from LineReader::next (which cuts a line at its first '\n' and
// drops one '\r' before it), without finding the line's end first: the digits run to
// the end. Fills `op` and returns the line's length with its line break; 0 (nothing
// written) for any other line.
inline std::size_t whole_line(const char* p, std::uint32_t line, Op& op) {
  if (p[1] != ' ' || unsigned(p[0] - '0') > 2u) return 0;
  const char* q = p + 2;
  Addr a = 0;
  if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && hex8(q, a)) q += 8;
  for (const char* end = p + 18; q < end; ++q) {  // up to 16 digits: one too many
    const unsigned d = kHex.v[static_cast<unsigned char>(*q)];
    if (d > 15) break;
    a = (a << 4) | d;
  }
  const std::ptrdiff_t digits = q - (p + 2);
  if (digits == 0 || digits > 15) return 0;
  if (*q == '\r') ++q;
  if (*q != '\n') return 0;
  set_op(op, a, p[0] - '0', line);
  return static_cast<std::size_t>(q + 1 - p);
}

class DinStream final : public ThreadStream {
 public:
  DinStream(std::shared_ptr<const SharedFile> f, const std::string& path)
      : path_(path), r_(f, trace_detail::content_start(*f), f->size()) {}

  bool next(Op& op) override {
    std::size_t n;
    const char* p = r_.unread(n);
    if (n >= kWholeLineBytes && q_.empty()) {
      if (const std::size_t k = whole_line(p, line_ + 1, op)) {
        ++line_;
        r_.skip(k);
        return true;
      }
    }
    return next_general(op);
  }

 private:
  // Every line the fast path above does not take (and the queued ops of an extended
  // line): read through LineReader::next, the common line parsed by fast_parse, the
  // rest, and the errors, by the general parser.
  [[gnu::noinline]] bool next_general(Op& op) {
    if (q_.pop(op)) return true;
    const char *b, *e;
    while (r_.next(b, e)) {
      ++line_;
      if (fast_parse(b, e, line_, op)) return true;
      if (r_.too_long())
        throw UserError(located(
            path_, static_cast<int>(line_), static_cast<int>(e - b) + 1,
            "line longer than " + std::to_string(r_.max_line()) + " bytes: a din line is `LABEL ADDRESS` (hex)"));
      const char* p = b;
      while (p < e && is_blank(*p)) ++p;
      if (p == e) continue;
      const char* lb = p;
      auto fail = [&](const char* at, const std::string& msg) {
        throw UserError(located(path_, static_cast<int>(line_), static_cast<int>(at - b) + 1, msg));
      };
      const char* le = p;
      while (le < e && !is_blank(*le)) ++le;
      if (le - lb == 1 && !(*lb >= '0' && *lb <= '9')) {
        extended(b, lb, le, e);
        if (q_.pop(op)) return true;
        continue;
      }
      if (le - lb != 1 || *lb < '0' || *lb > '9')
        fail(lb, "bad din label '" + excerpt(std::string_view(lb, static_cast<std::size_t>(le - lb))) +
                     "': a din line is `LABEL ADDRESS`, label 0 (read), 1 (write) or 2 "
                     "(instruction fetch), or extended din's `r|w|i|m ADDRESS SIZE`");
      int label = *lb - '0';
      if (label == 3)
        fail(lb,
             "din label 3 (escape record) is not supported; valid labels: 0 (read), 1 "
             "(write), 2 (instruction fetch)");
      if (label == 4)
        fail(lb,
             "din label 4 (cache flush) is not supported; valid labels: 0 (read), 1 "
             "(write), 2 (instruction fetch)");
      if (label > 4)
        fail(lb,
             "unknown din label " + std::string(1, *lb) + "; valid labels: 0 (read), 1 (write), 2 (instruction fetch)");
      p = le;
      while (p < e && is_blank(*p)) ++p;
      const char* ab = p;
      if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
      Addr a = 0;
      const char* digits = p;
      for (; p < e && !is_blank(*p); ++p) {
        int d = hex_digit(*p);
        if (d < 0)
          fail(ab, "bad din address '" + excerpt(std::string_view(ab, static_cast<std::size_t>(p + 1 - ab))) +
                       "...': expected hex digits");
        if (a >> 60) fail(ab, "din address does not fit in 64 bits");
        a = (a << 4) | static_cast<unsigned>(d);
      }
      if (p == digits) fail(ab, "missing din address: a din line is `LABEL ADDRESS` (hex)");
      // Anything after the address (dineroIV's optional fields) is ignored.
      set_op(op, a, label, line_);
      return true;
    }
    return false;
  }

  // Dinero IV's extended din line (its -informat D, xdinfmt.c): `TYPE ADDRESS SIZE`,
  // TYPE r (read), w (write), i (instruction fetch), m (miscellaneous: a read), either
  // case; ADDRESS and SIZE in hex (optional 0x); the rest of the line is ignored.
  // Reads and writes become plain loads and stores split by split_access(); a fetch
  // one ifetch of the aligned block holding its first byte.
  void extended(const char* b, const char* lb, const char* le, const char* e) {
    auto fail = [&](const char* at, const std::string& msg) {
      throw UserError(located(path_, static_cast<int>(line_), static_cast<int>(at - b) + 1, msg));
    };
    const char t = static_cast<char>(*lb | 0x20);
    if (t == 'c' || t == 'v')
      fail(lb, std::string("extended din type '") + *lb + "' (" + (t == 'c' ? "copyback" : "invalidate") +
                   ") is not supported; valid types: r (read), w (write), i (instruction fetch), m (misc read)");
    if (t != 'r' && t != 'w' && t != 'i' && t != 'm')
      fail(lb, "unknown din label '" + std::string(1, *lb) +
                   "'; valid: 0 (read), 1 (write), 2 (instruction fetch), or extended din's r, w, i, m");
    std::uint64_t field[2] = {0, 0};
    const char* p = le;
    const char* at[2] = {e, e};
    for (int i = 0; i < 2; ++i) {
      while (p < e && is_blank(*p)) ++p;
      at[i] = p;
      if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
      const char* digits = p;
      for (; p < e && !is_blank(*p); ++p) {
        const int d = hex_digit(*p);
        if (d < 0)
          fail(at[i], std::string("bad extended din ") + (i ? "size" : "address") + " '" +
                          excerpt(std::string_view(at[i], static_cast<std::size_t>(p + 1 - at[i]))) +
                          "...': expected hex digits; syntax: TYPE ADDRESS SIZE");
        if (field[i] >> 60) fail(at[i], "extended din number does not fit in 64 bits");
        field[i] = (field[i] << 4) | static_cast<unsigned>(d);
      }
      if (p == digits)
        fail(at[i], std::string("missing ") + (i ? "size" : "address") +
                        ": an extended din line is `TYPE ADDRESS SIZE` (hex), e.g. `r 7fff0010 8`");
    }
    if (const std::string why = trace_detail::access_size_error(field[0], field[1]); !why.empty()) fail(at[1], why);
    if (t == 'i') {
      Op& o = q_.push();
      o.kind = OpKind::IFetch;
      o.addr = field[0];
      o.size = 1;
      o.line = line_;
      return;
    }
    trace_detail::split_access(field[0], field[1], [&](Addr a, std::uint8_t size) {
      Op& o = q_.push();
      o.kind = t == 'w' ? OpKind::Store : OpKind::Load;
      o.addr = a;
      o.size = size;
      o.line = line_;
    });
  }

  std::string path_;
  LineReader r_;
  std::uint32_t line_ = 0;
  trace_detail::OpQueue q_;
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
  if (b == e) return false;
  const char t = static_cast<char>(*b | 0x20);
  const bool extended = t == 'r' || t == 'w' || t == 'i' || t == 'm';
  if (!extended && (*b < '0' || *b > '9')) return false;
  ++b;
  if (b == e || !is_blank(*b)) return false;
  while (b < e && is_blank(*b)) ++b;
  if (b == e || hex_digit(*b) < 0) return false;
  if (!extended) return true;
  // Extended din: a size must follow the address (`r 1000 4`).
  while (b < e && !is_blank(*b)) ++b;
  while (b < e && is_blank(*b)) ++b;
  return b < e && hex_digit(*b) >= 0;
}

}  // namespace cohsim
