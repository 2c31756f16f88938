#include "sim/memory/dram/dram_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "sim/base/error.hpp"
#include "sim/base/random.hpp"

namespace cohsim {

namespace {

class Generated final : public DramRequestSource {
 public:
  Generated(int kind, std::uint64_t count, std::uint64_t capacity, double writes, std::uint64_t gap, std::uint64_t seed)
      : kind_(kind), left_(count), capacity_(capacity), gap_(gap), rng_(random_stream(seed, "dram.stream")) {
    write_threshold_ = writes >= 1.0 ? ~std::uint64_t(0) : std::uint64_t(writes * 18446744073709551616.0);
  }
  bool next(DramStreamRequest& r) override {
    if (!left_) return false;
    --left_;
    const bool sequential = kind_ == 0 || (kind_ == 2 && (rng_.next() & 1));
    r.line = sequential ? seq_++ % capacity_ : rng_.next() % capacity_;
    r.write = write_threshold_ && rng_.next() < write_threshold_;
    r.timed = gap_ > 0;
    r.cycle = i_++ * gap_;
    return true;
  }

 private:
  int kind_;
  std::uint64_t left_, capacity_, gap_;
  Random rng_;
  std::uint64_t seq_ = 0, i_ = 0, write_threshold_;
};

class FromFile final : public DramRequestSource {
 public:
  FromFile(const std::string& path, unsigned burst) : path_(path), in_(path), burst_(burst) {
    if (!in_) throw UserError("cannot read DRAM request file '" + path + "': " + std::strerror(errno));
  }
  bool next(DramStreamRequest& r) override {
    while (std::getline(in_, line_)) {
      ++n_;
      // Up to four whitespace-separated words before a `#`.
      std::string_view w[4];
      unsigned nw = 0;
      const char* p = line_.data();
      const char* end = p + line_.size();
      while (p < end && *p != '#') {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
        if (p == end || *p == '#') break;
        const char* start = p;
        while (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#') ++p;
        if (nw == 3) fail("too many fields '" + std::string(start, p) + "'");
        w[nw++] = std::string_view(start, std::size_t(p - start));
      }
      if (!nw) continue;
      std::string_view op, addr, cycle = w[2];
      if (is_op(w[0])) op = w[0], addr = w[1];
      else if (is_op(w[1])) op = w[1], addr = w[0];
      else fail("expected R or W (or READ/WRITE) and an address, got '" + line_ + "'");
      if (addr.empty()) fail("missing the address");
      r.line = number(addr, "address") / burst_;
      r.write = op[0] == 'W' || op[0] == 'w';
      r.timed = !cycle.empty();
      r.cycle = r.timed ? number(cycle, "cycle") : 0;
      if (r.timed && r.cycle < last_) fail("cycle " + std::string(cycle) + " is earlier than the previous request's");
      if (r.timed) last_ = r.cycle;
      return true;
    }
    if (in_.bad()) throw UserError(path_ + ": read error");
    return false;
  }

 private:
  static bool is_op(std::string_view s) {
    return s == "R" || s == "W" || s == "r" || s == "w" || s == "READ" || s == "WRITE" || s == "read" || s == "write";
  }
  std::uint64_t number(std::string_view s, const char* what) const {
    const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    std::size_t i = hex ? 2 : 0;
    std::uint64_t v = 0;
    bool ok = i < s.size() && s.size() - i <= (hex ? 16 : 19);
    for (; ok && i < s.size(); ++i) {
      const char ch = s[i];
      unsigned d;
      if (ch >= '0' && ch <= '9') d = unsigned(ch - '0');
      else if (hex && ch >= 'a' && ch <= 'f') d = unsigned(ch - 'a' + 10);
      else if (hex && ch >= 'A' && ch <= 'F') d = unsigned(ch - 'A' + 10);
      else ok = false, d = 0;
      v = v * (hex ? 16 : 10) + d;
    }
    if (!ok) fail(std::string("bad ") + what + " '" + std::string(s) + "' (a decimal number, or hex with 0x)");
    return v;
  }
  [[noreturn]] void fail(const std::string& msg) const {
    throw UserError(
        located(path_, int(n_), 0, msg + "; lines are `R|W ADDRESS [CYCLE]` or `ADDRESS READ|WRITE CYCLE`"));
  }

  std::string path_;
  std::ifstream in_;
  unsigned burst_;
  std::uint64_t n_ = 0, last_ = 0;
  std::string line_;
};

}  // namespace

std::unique_ptr<DramRequestSource> generated_stream(const std::string& pattern, std::uint64_t count,
                                                    std::uint64_t capacity_lines, double write_share, std::uint64_t gap,
                                                    std::uint64_t seed) {
  const int kind = pattern == "seq" ? 0 : pattern == "random" ? 1 : pattern == "mix" ? 2 : -1;
  if (kind < 0) throw std::invalid_argument("unknown pattern '" + pattern + "'");
  return std::make_unique<Generated>(kind, count, capacity_lines, write_share, gap, seed);
}

std::unique_ptr<DramRequestSource> file_stream(const std::string& path, unsigned burst_bytes) {
  return std::make_unique<FromFile>(path, burst_bytes);
}

std::uint64_t dram_capacity_lines(const DramControllerParams& p) {
  const DramTiming& t = p.timing;
  return std::uint64_t(p.channels) * t.ranks * t.banks() * t.rows * t.lines_per_row();
}

DramStreamResult run_dram_stream(DramController& c, DramRequestSource& src, std::uint64_t window) {
  DramStreamResult res;
  std::uint64_t now = 0;  // every decision before `now` is made
  bool first = true;
  auto step = [&] {
    const std::uint64_t w = c.next_wake();
    if (w == kDramNever) return false;
    c.advance_to(w + 1);
    now = w + 1;
    for (auto& ch : c.channels())
      while (ch.has_completion() && ch.front_completion().cycle <= w) {
        res.end_cycle = std::max(res.end_cycle, ch.front_completion().cycle);
        ch.pop_completion();
      }
    return true;
  };
  DramStreamRequest r;
  while (src.next(r)) {
    while (c.backlog() >= window && step()) {
    }
    std::uint64_t at = r.timed ? std::max(r.cycle, now) : now;
    if (first) res.first_cycle = at, first = false;
    c.enqueue(at, r.line, r.write, res.requests);
    ++res.requests;
    ++(r.write ? res.writes : res.reads);
  }
  while (step()) {
  }
  for (const auto& ch : c.channels()) res.end_cycle = std::max(res.end_cycle, ch.now());
  return res;
}

}  // namespace cohsim
