#include "cpu/trace/text_trace.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "cpu/trace/program.hpp"
#include "sim/base/error.hpp"

namespace cohsim {
namespace trace_detail {

// ---------------------------------------------------------------- files

SharedFile::SharedFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw UserError(path + ": cannot open trace: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    int err = errno;
    ::close(fd_);
    throw UserError(path + ": cannot open trace: " + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw UserError(path + ": cannot open trace: " + std::strerror(EISDIR));
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

SharedFile::~SharedFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t SharedFile::read_at(std::uint64_t offset, void* buf, std::size_t n) const {
  std::size_t done = 0;
  char* p = static_cast<char*>(buf);
  while (done < n) {
    ssize_t r = ::pread(fd_, p + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw UserError(path_ + ": cannot read trace: " + std::strerror(errno));
    }
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  return done;
}

LineReader::LineReader(std::shared_ptr<const SharedFile> file, std::uint64_t begin, std::uint64_t end, char comment,
                       std::size_t max_line, std::size_t buffer)
    : file_(std::move(file)), buf_(buffer), file_pos_(begin), file_end_(end), comment_(comment), max_line_(max_line) {}

bool LineReader::refill() {
  if (file_pos_ >= file_end_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a line longer than the buffer (< 2 * max_line_)
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size() - end_, file_end_ - file_pos_));
  std::size_t got = file_->read_at(file_pos_, buf_.data() + end_, want);
  if (got == 0) {  // the file shrank under us
    file_end_ = file_pos_;
    return false;
  }
  end_ += got;
  file_pos_ += got;
  return true;
}

void LineReader::long_line(const char*& b, const char*& e) {
  char* s = buf_.data() + pos_;
  const char* cut = comment_ ? static_cast<const char*>(std::memchr(s, comment_, max_line_)) : nullptr;
  b = s;
  e = cut ? cut + 1 : s + max_line_;
  too_long_ = !cut;
  // Drop what is buffered past `e` (all of it is this line's) and read on to the
  // line's end through a small scratch buffer, keeping nothing.
  end_ = static_cast<std::size_t>(e - buf_.data());
  pos_ = end_;
  std::vector<char> scratch(64 * 1024);
  while (file_pos_ < file_end_) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(scratch.size(), file_end_ - file_pos_));
    std::size_t got = file_->read_at(file_pos_, scratch.data(), want);
    if (got == 0) {
      file_end_ = file_pos_;
      break;
    }
    if (const void* nl = std::memchr(scratch.data(), '\n', got)) {
      file_pos_ += static_cast<std::size_t>(static_cast<const char*>(nl) - scratch.data()) + 1;
      break;
    }
    file_pos_ += got;
  }
}

bool LineReader::next(const char*& b, const char*& e) {
  too_long_ = false;
  for (;;) {
    const char* s = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(s, '\n', end_ - pos_));
    if (nl) {
      b = s;
      e = nl;
      pos_ = static_cast<std::size_t>(nl - buf_.data()) + 1;
      if (e > b && e[-1] == '\r') --e;
      return true;
    }
    if (end_ - pos_ >= max_line_) {
      long_line(b, e);
      return true;
    }
    if (!refill()) {
      if (pos_ == end_) return false;
      b = buf_.data() + pos_;
      e = buf_.data() + end_;
      pos_ = end_;
      if (e > b && e[-1] == '\r') --e;
      return true;
    }
  }
}

std::uint64_t content_start(const SharedFile& f) {
  unsigned char head[3];
  return f.read_at(0, head, 3) == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
}

// ---------------------------------------------------------------- ordering rules

static constexpr unsigned bit(Ordering o) { return 1u << static_cast<unsigned>(o); }
static constexpr unsigned kAtomic = bit(Ordering::Relaxed) | bit(Ordering::Acquire) | bit(Ordering::Release) |
                                    bit(Ordering::AcqRel) | bit(Ordering::SeqCst);

static unsigned allowed_mask(OpKind k) {
  switch (k) {
    case OpKind::Load:
      return bit(Ordering::Plain) | bit(Ordering::Relaxed) | bit(Ordering::Acquire) | bit(Ordering::SeqCst);
    case OpKind::Store:
      return bit(Ordering::Plain) | bit(Ordering::Relaxed) | bit(Ordering::Release) | bit(Ordering::SeqCst);
    case OpKind::Fence:
      return bit(Ordering::Acquire) | bit(Ordering::Release) | bit(Ordering::AcqRel) | bit(Ordering::SeqCst);
    case OpKind::Wait: return bit(Ordering::Relaxed) | bit(Ordering::Acquire) | bit(Ordering::SeqCst);
    case OpKind::Compute:
    case OpKind::IFetch: return bit(Ordering::Plain);
    default: return is_rmw(k) ? kAtomic : bit(Ordering::Plain);  // read-modify-writes; ALU ops, branches
  }
}

bool order_allowed(OpKind k, Ordering o) {
  return static_cast<unsigned>(o) < kNumOrderings && (allowed_mask(k) & bit(o));
}

bool fail_order_allowed(Ordering s, Ordering f) {
  switch (f) {
    case Ordering::Relaxed: return s != Ordering::Plain;
    case Ordering::Acquire: return s == Ordering::Acquire || s == Ordering::AcqRel || s == Ordering::SeqCst;
    case Ordering::SeqCst: return s == Ordering::SeqCst;
    default: return false;
  }
}

}  // namespace trace_detail

namespace {

using namespace trace_detail;

// ---------------------------------------------------------------- lexing

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

struct Tok {
  const char* b = nullptr;
  const char* e = nullptr;
  std::size_t size() const { return static_cast<std::size_t>(e - b); }
  std::string_view sv() const { return {b, size()}; }
  std::string str() const { return excerpt(sv()); }  // to quote in a message (a long token is cut)
  bool is_arrow() const { return size() == 2 && b[0] == '-' && b[1] == '>'; }
};

bool is_pc(const Tok& t) { return t.size() >= 3 && std::string_view(t.b, 3) == "pc="; }

bool is_identifier(const char* b, const char* e) {
  if (b == e || !is_ident_start(*b)) return false;
  for (++b; b < e; ++b)
    if (!is_ident_char(*b)) return false;
  return true;
}

// Tokens are separated by blanks; `#` starts a comment; `->` is a token of its own.
struct Cursor {
  const char* p;
  const char* e;
  bool next(Tok& t) {
    while (p < e && is_ws(*p)) ++p;
    if (p == e || *p == '#') {
      p = e;
      return false;
    }
    t.b = p;
    if (p[0] == '[') {  // an address through a register: `[x + r1]` is one token
      const char* close = static_cast<const char*>(std::memchr(p, ']', static_cast<std::size_t>(e - p)));
      p = close ? close + 1 : e;
      t.e = p;
      return true;
    }
    if (p[0] == '-' && p + 1 < e && p[1] == '>') {
      p += 2;
      t.e = p;
      return true;
    }
    for (++p; p < e; ++p) {
      char c = *p;
      if (is_ws(c) || c == '#' || (c == '-' && p + 1 < e && p[1] == '>')) break;
    }
    t.e = p;
    return true;
  }
  bool peek(Tok& t) {
    const char* save = p;
    bool r = next(t);
    p = save;
    return r;
  }
};

enum class Num { Ok, Bad, Overflow };

// Decimal or 0x hexadecimal, `_` allowed between digits.
Num parse_number(const char* b, const char* e, std::uint64_t& out) {
  std::uint64_t v = 0;
  if (e - b > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X')) {
    b += 2;
    if (*b == '_') return Num::Bad;
    for (; b < e; ++b) {
      char c = *b;
      unsigned d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else if (c == '_' && b + 1 < e) continue;
      else return Num::Bad;
      if (v >> 60) return Num::Overflow;
      v = (v << 4) | d;
    }
  } else {
    if (b == e || !is_digit(*b)) return Num::Bad;
    for (; b < e; ++b) {
      char c = *b;
      if (c == '_' && b + 1 < e) continue;
      if (!is_digit(c)) return Num::Bad;
      unsigned d = c - '0';
      if (v > (UINT64_MAX - d) / 10) return Num::Overflow;
      v = v * 10 + d;
    }
  }
  out = v;
  return Num::Ok;
}

// The first word of a line: an operation (OpKind value) or a directive.
constexpr int kWordThread = 100, kWordPlace = 101, kWordNone = -1;
// Branches: kWordBranch + Cond.
constexpr int kWordBranch = 110;

bool is_branch_word(int w) { return w >= kWordBranch && w <= kWordBranch + int(Cond::Ge); }
// Words that make a thread a program (held in memory, checked at open).
bool is_program_word(int w) {
  return is_branch_word(w) || (w >= 0 && w < kWordThread && (is_alu(OpKind(w)) || OpKind(w) == OpKind::Wait));
}

int lookup_word(const char* b, std::size_t n) {
  auto is = [&](const char* w) { return std::memcmp(b, w, n) == 0; };
  switch (n) {
    case 2:
      if (is("or")) return int(OpKind::Or);
      if (is("eq")) return int(OpKind::Eq);
      if (is("lt")) return int(OpKind::Lt);
      break;
    case 3:
      if (is("mov")) return int(OpKind::Mov);
      if (is("add")) return int(OpKind::Add);
      if (is("sub")) return int(OpKind::Sub);
      if (is("and")) return int(OpKind::And);
      if (is("xor")) return int(OpKind::Xor);
      if (is("roi")) return int(OpKind::Marker);
      if (is("beq")) return kWordBranch + int(Cond::Eq);
      if (is("bne")) return kWordBranch + int(Cond::Ne);
      if (is("blt")) return kWordBranch + int(Cond::Lt);
      if (is("bge")) return kWordBranch + int(Cond::Ge);
      break;
    case 4:
      if (is("load")) return int(OpKind::Load);
      if (is("swap")) return int(OpKind::Swap);
      if (is("jump")) return kWordBranch + int(Cond::Always);
      if (is("wait")) return int(OpKind::Wait);
      break;
    case 5:
      if (is("store")) return int(OpKind::Store);
      if (is("fence")) return int(OpKind::Fence);
      if (is("place")) return kWordPlace;
      break;
    case 6:
      if (is("thread")) return kWordThread;
      if (is("ifetch")) return int(OpKind::IFetch);
      break;
    case 7:
      if (is("compute")) return int(OpKind::Compute);
      break;
    case 8:
      if (is("fetch_or")) return int(OpKind::FetchOr);
      break;
    case 9:
      if (is("fetch_add")) return int(OpKind::FetchAdd);
      if (is("fetch_sub")) return int(OpKind::FetchSub);
      if (is("fetch_and")) return int(OpKind::FetchAnd);
      if (is("fetch_xor")) return int(OpKind::FetchXor);
      break;
    case 16:
      if (is("compare_exchange")) return int(OpKind::CompareExchange);
      break;
    case 21:
      if (is("compare_exchange_weak")) return int(OpKind::CompareExchangeWeak);
      break;
  }
  return kWordNone;
}

const std::vector<std::string>& word_choices() {
  static const std::vector<std::string> v = {"load",
                                             "store",
                                             "fetch_add",
                                             "fetch_sub",
                                             "fetch_and",
                                             "fetch_or",
                                             "fetch_xor",
                                             "swap",
                                             "compare_exchange",
                                             "compare_exchange_weak",
                                             "fence",
                                             "compute",
                                             "ifetch",
                                             "mov",
                                             "add",
                                             "sub",
                                             "and",
                                             "or",
                                             "xor",
                                             "eq",
                                             "lt",
                                             "beq",
                                             "bne",
                                             "blt",
                                             "bge",
                                             "jump",
                                             "wait",
                                             "roi",
                                             "thread",
                                             "place"};
  return v;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

const char* syntax(OpKind k) {
  switch (k) {
    case OpKind::Load: return "load[.SIZE] ADDR [ORDER] [-> REG]";
    case OpKind::Store: return "store[.SIZE] ADDR VALUE [ORDER]";
    case OpKind::FetchAdd: return "fetch_add[.SIZE] ADDR VALUE ORDER [-> REG]";
    case OpKind::FetchSub: return "fetch_sub[.SIZE] ADDR VALUE ORDER [-> REG]";
    case OpKind::FetchAnd: return "fetch_and[.SIZE] ADDR VALUE ORDER [-> REG]";
    case OpKind::FetchOr: return "fetch_or[.SIZE] ADDR VALUE ORDER [-> REG]";
    case OpKind::FetchXor: return "fetch_xor[.SIZE] ADDR VALUE ORDER [-> REG]";
    case OpKind::Swap: return "swap[.SIZE] ADDR VALUE ORDER [-> REG]";
    case OpKind::CompareExchange:
      return "compare_exchange[.SIZE] ADDR EXPECTED DESIRED SUCCESS_ORDER FAILURE_ORDER [-> REG]";
    case OpKind::CompareExchangeWeak:
      return "compare_exchange_weak[.SIZE] ADDR EXPECTED DESIRED SUCCESS_ORDER FAILURE_ORDER "
             "[-> REG]";
    case OpKind::Fence: return "fence ORDER";
    case OpKind::Compute: return "compute CYCLES";
    case OpKind::IFetch: return "ifetch[.SIZE] ADDR";
    case OpKind::Marker: return "roi begin|end";
    case OpKind::Mov: return "mov B -> REG (B: a register or a number)";
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::And:
    case OpKind::Or:
    case OpKind::Xor:
    case OpKind::Eq:
    case OpKind::Lt: return "add|sub|and|or|xor|eq|lt A B -> REG (A, B: registers or numbers)";
    case OpKind::Branch: return "beq|bne|blt|bge A B LABEL, or jump LABEL";
    case OpKind::Wait: return "wait[.SIZE] ADDR ==|!= VALUE ORDER [-> REG]";
  }
  return "";
}

bool has_addr(OpKind k) { return is_memory(k) || k == OpKind::IFetch; }
bool has_result(OpKind k) { return k == OpKind::Load || is_rmw(k) || is_alu(k) || k == OpKind::Wait; }

// Orderings as written: Rust's spelling, lower case, acq_rel / seq_cst. -1: unknown.
int parse_ordering(const Tok& t) {
  const char* b = t.b;
  std::size_t n = t.size();
  auto is = [&](const char* w) { return std::memcmp(b, w, n) == 0; };
  switch (n) {
    case 5:
      if (is("Plain") || is("plain")) return int(Ordering::Plain);
      break;
    case 6:
      if (is("AcqRel") || is("acqrel")) return int(Ordering::AcqRel);
      if (is("SeqCst") || is("seqcst")) return int(Ordering::SeqCst);
      break;
    case 7:
      if (is("Relaxed") || is("relaxed")) return int(Ordering::Relaxed);
      if (is("Acquire") || is("acquire")) return int(Ordering::Acquire);
      if (is("Release") || is("release")) return int(Ordering::Release);
      if (is("acq_rel")) return int(Ordering::AcqRel);
      if (is("seq_cst")) return int(Ordering::SeqCst);
      break;
  }
  return -1;
}

std::string order_list(unsigned mask) {
  std::string s;
  for (int o = 1; o < kNumOrderings; ++o)
    if (mask & (1u << o)) s += std::string(s.empty() ? "" : ", ") + name(Ordering(o));
  return s;
}

unsigned kind_mask(OpKind k) {
  unsigned m = 0;
  for (int o = 0; o < kNumOrderings; ++o)
    if (order_allowed(k, Ordering(o))) m |= 1u << o;
  return m;
}

// ---------------------------------------------------------------- shared trace data

struct Section {
  std::uint64_t begin = 0, end = 0;  // byte range of the operations
  std::uint32_t header_line = 0;     // line of `thread N`
  bool present = false;
  bool program = false;   // registers read, labels, branches or waits: held in memory
  std::uint32_t ops = 0;  // operations in the section
  std::uint32_t roi_begin_line = 0, roi_end_line = 0;  // its `roi begin` / `roi end` (0: none)
};

struct Label {
  std::uint32_t index = 0, line = 0;  // the op it names, the line it is defined at
};

struct TextData {
  std::string path;
  TraceOptions opts;
  std::shared_ptr<SharedFile> file;
  std::deque<std::string> store;  // owns the names the maps point into
  std::vector<std::pair<std::string, Addr>> symbols;
  std::unordered_map<std::string_view, Addr> symbol_addr;
  std::vector<Section> sections;
  std::vector<std::vector<std::string>> registers;
  std::vector<std::unordered_map<std::string_view, std::int16_t>> reg_index;
  std::vector<std::unordered_map<std::string_view, Label>> labels;  // per thread
  std::vector<std::vector<Op>> programs;                            // per program thread
  std::unordered_map<std::string_view, unsigned> label_thread;      // label -> a thread defining it

  std::string_view keep(std::string_view s) {
    store.emplace_back(s);
    return store.back();
  }
};

constexpr unsigned kMaxThreads = 65536;
constexpr std::size_t kMaxRegisters = 32767;

// Location and error reporting for one line.
struct Where {
  const std::string* path;
  std::uint32_t line;
  const char* line_begin;
  [[noreturn]] void fail(const char* at, const std::string& msg) const {
    int col = at ? static_cast<int>(at - line_begin) + 1 : 0;
    throw UserError(located(*path, static_cast<int>(line), col, msg));
  }
};

// `NAME:` at the start of a line labels the next operation.
bool is_label(const Tok& t) { return t.size() > 1 && t.e[-1] == ':' && is_identifier(t.b, t.e - 1); }

std::string too_long_message(const LineReader& r) {
  return "line longer than " + std::to_string(r.max_line()) +
         " bytes: an operation is one short line (only a comment, after '#', may be longer)";
}

// Reads the opcode token (`load`, `store.4`): the word and the access size.
int read_opcode(const Tok& t, const Where& w, std::uint8_t& size) {
  const char* dot = static_cast<const char*>(std::memchr(t.b, '.', t.size()));
  const char* we = dot ? dot : t.e;
  int word = lookup_word(t.b, static_cast<std::size_t>(we - t.b));
  if (word == kWordNone) {
    std::string wd = excerpt(std::string_view(t.b, static_cast<std::size_t>(we - t.b)));
    std::string near = nearest(wd, word_choices());
    w.fail(t.b, "unknown operation '" + wd + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                    "; valid: " + join(word_choices()));
  }
  size = 8;
  if (dot) {
    std::string wd(t.b, we);  // a known operation's name
    if (word >= kWordThread || word == int(OpKind::Fence) || word == int(OpKind::Compute) ||
        word == int(OpKind::Marker) ||
        (word >= 0 && is_alu(OpKind(word))))
      w.fail(dot, "'" + wd + "' takes no access size suffix");
    std::string_view s(dot + 1, static_cast<std::size_t>(t.e - dot - 1));
    if (s == "1") size = 1;
    else if (s == "2") size = 2;
    else if (s == "4") size = 4;
    else if (s == "8") size = 8;
    else
      w.fail(dot, "bad access size '." + excerpt(s) + "' on '" + wd +
                      "': valid sizes are .1, .2, .4 and .8 (bytes; the default is 8)");
  }
  return word;
}

// `roi begin` / `roi end`: the marker's kind, from the word after `roi`.
MarkerKind read_marker(Cursor& c, const Where& w) {
  Tok t;
  const char* at = c.p;
  if (!c.next(t)) w.fail(at, "roi: missing `begin` or `end`; syntax: roi begin|end");
  MarkerKind m = MarkerKind::RoiBegin;
  if (t.sv() == "begin") m = MarkerKind::RoiBegin;
  else if (t.sv() == "end") m = MarkerKind::RoiEnd;
  else w.fail(t.b, "roi: expected `begin` or `end`, not '" + excerpt(t.sv()) + "'; syntax: roi begin|end");
  Tok extra;
  if (c.next(extra)) w.fail(extra.b, "unexpected '" + extra.str() + "' after `roi " + t.str() + "`");
  return m;
}

// ---------------------------------------------------------------- first pass

std::shared_ptr<TextData> scan(const std::string& path, const TraceOptions& opts) {
  auto d = std::make_shared<TextData>();
  d->path = path;
  d->opts = opts;
  d->file = std::make_shared<SharedFile>(path);

  struct Sym {
    std::size_t index;
    std::uint32_t use_line = 0, place_line = 0;
    Addr addr = 0;
  };
  std::unordered_map<std::string_view, Sym> syms;
  std::vector<std::string_view> order;  // symbols by first mention
  struct Bracketed {                    // an identifier inside `[...]`: a register or a symbol
    unsigned thread;
    std::string_view name;
    std::uint32_t line;
  };
  std::vector<Bracketed> bracketed;
  std::unordered_map<std::string_view, unsigned> label_thread;  // for "label in another thread"

  LineReader r(d->file, content_start(*d->file), d->file->size(), '#');
  const char *b, *e;
  std::uint32_t line = 0;
  int cur = -1;  // current thread
  std::uint64_t line_start = 0;
  while ((line_start = r.tell(), r.next(b, e))) {
    ++line;
    Where w{&d->path, line, b};
    if (r.too_long()) w.fail(e, too_long_message(r));
    Cursor c{b, e};
    Tok t;
    if (!c.next(t)) continue;
    if (is_label(t)) {
      if (cur < 0) w.fail(t.b, "label before the first `thread N` line; labels belong to a thread");
      std::string_view nm(t.b, t.size() - 1);
      auto& labels = d->labels[cur];
      auto it = labels.find(nm);
      if (it != labels.end())
        w.fail(t.b, "label '" + std::string(nm) + "' is already defined at line " + std::to_string(it->second.line) +
                        " in thread " + std::to_string(cur));
      std::string_view key = d->keep(nm);
      labels.emplace(key, Label{d->sections[cur].ops, line});
      label_thread.emplace(key, unsigned(cur));
      d->sections[cur].program = true;
      if (!c.next(t)) continue;
    }
    std::uint8_t size;
    int word = read_opcode(t, w, size);
    if (word == kWordThread) {
      Tok n;
      if (!c.next(n)) w.fail(c.p, "missing thread number: write `thread N`, N = 0, 1, 2, ...");
      std::uint64_t v;
      Num res = parse_number(n.b, n.e, v);
      if (res != Num::Ok || (n.size() > 1 && n.b[1] == 'x'))
        w.fail(n.b, "bad thread number '" + n.str() + "': write `thread N`, N = 0, 1, 2, ...");
      if (v >= kMaxThreads)
        w.fail(n.b, "thread number " + n.str() + " is too large (at most " + std::to_string(kMaxThreads - 1) + ")");
      Tok extra;
      if (c.next(extra)) w.fail(extra.b, "unexpected '" + extra.str() + "' after `thread N`");
      if (cur >= 0) d->sections[cur].end = line_start;
      if (v >= d->sections.size()) {
        d->sections.resize(v + 1);
        d->registers.resize(v + 1);
        d->reg_index.resize(v + 1);
        d->labels.resize(v + 1);
      }
      Section& s = d->sections[v];
      if (s.present)
        w.fail(n.b, "duplicate section `thread " + std::to_string(v) + "` (first at line " +
                        std::to_string(s.header_line) + "); each thread has exactly one section");
      s.present = true;
      s.header_line = line;
      s.begin = r.tell();
      s.end = d->file->size();
      cur = static_cast<int>(v);
      continue;
    }
    if (word == kWordPlace) {
      Tok n, a, extra;
      if (!c.next(n)) w.fail(c.p, "missing symbol name: write `place NAME ADDRESS`");
      if (!is_identifier(n.b, n.e))
        w.fail(n.b, "bad symbol name '" + n.str() +
                        "': a symbol is an identifier (letters, digits, _), e.g. `place buf "
                        "0x2000`");
      if (!c.next(a)) w.fail(c.p, "missing address: write `place NAME ADDRESS`");
      std::uint64_t addr;
      Num res = parse_number(a.b, a.e, addr);
      if (res != Num::Ok)
        w.fail(a.b, "bad address '" + a.str() + "' in `place`: expected a number (decimal or 0x hex)");
      if (c.next(extra)) w.fail(extra.b, "unexpected '" + extra.str() + "' after `place`");
      auto it = syms.find(n.sv());
      if (it != syms.end()) {
        if (it->second.place_line)
          w.fail(n.b, "symbol '" + n.str() + "' is already placed at line " + std::to_string(it->second.place_line));
        w.fail(n.b, "symbol '" + n.str() + "' is used at line " + std::to_string(it->second.use_line) +
                        " before it is placed; a `place` line must come before the first use");
      }
      std::string_view key = d->keep(n.sv());
      Sym s;
      s.index = order.size();
      s.place_line = line;
      s.addr = addr;
      syms.emplace(key, s);
      order.push_back(key);
      continue;
    }
    if (cur < 0) w.fail(t.b, "operation before the first `thread N` line; start a section with `thread 0`");
    Section& sec = d->sections[cur];
    ++sec.ops;
    if (word == int(OpKind::Marker)) {  // one region per thread: `roi begin`, then at most one `roi end`
      const char* at = t.b;
      const std::string th = "thread " + std::to_string(cur);
      if (read_marker(c, w) == MarkerKind::RoiBegin) {
        if (sec.roi_begin_line)
          w.fail(at, "a second `roi begin` in " + th + " (the first is at line " + std::to_string(sec.roi_begin_line) +
                         "); a thread marks one region of interest");
        sec.roi_begin_line = line;
      } else {
        if (!sec.roi_begin_line)
          w.fail(at, "`roi end` without a `roi begin` before it in " + th + "; write `roi begin` where the region starts");
        if (sec.roi_end_line)
          w.fail(at, "a second `roi end` in " + th + " (the first is at line " + std::to_string(sec.roi_end_line) + ")");
        sec.roi_end_line = line;
      }
      continue;
    }
    if (is_program_word(word)) sec.program = true;
    if (word < kWordThread && has_addr(OpKind(word))) {
      Tok a;
      if (c.next(a) && *a.b == '[') {
        sec.program = true;
        const char* p = a.b + 1;
        const char* end = a.e[-1] == ']' ? a.e - 1 : a.e;
        while (p < end) {
          while (p < end && (is_ws(*p) || *p == '+')) ++p;
          const char* q = p;
          while (q < end && !is_ws(*q) && *q != '+') ++q;
          if (q > p && is_identifier(p, q))
            bracketed.push_back({unsigned(cur), d->keep(std::string_view(p, std::size_t(q - p))), line});
          p = q;
        }
      } else if (a.b && is_ident_start(*a.b)) {
        const char* plus = static_cast<const char*>(std::memchr(a.b, '+', a.size()));
        const char* ne = plus ? plus : a.e;
        if (is_identifier(a.b, ne)) {
          std::string_view nm(a.b, static_cast<std::size_t>(ne - a.b));
          if (syms.find(nm) == syms.end()) {
            std::string_view key = d->keep(nm);
            Sym s;
            s.index = order.size();
            s.use_line = line;
            syms.emplace(key, s);
            order.push_back(key);
          }
        }
      }
    }
    // The result register, if any: the identifier after `->`. An identifier that is
    // not an ordering before it is a register read (a value from a register).
    Tok x;
    while (c.next(x)) {
      if (!x.is_arrow()) {
        if (is_identifier(x.b, x.e) && parse_ordering(x) < 0) sec.program = true;
        continue;
      }
      Tok reg;
      if (c.next(reg) && is_identifier(reg.b, reg.e)) {
        auto& idx = d->reg_index[cur];
        if (idx.find(reg.sv()) == idx.end()) {
          if (idx.size() >= kMaxRegisters)
            w.fail(reg.b, "too many registers in thread " + std::to_string(cur) + " (at most " +
                              std::to_string(kMaxRegisters) + ")");
          std::string_view key = d->keep(reg.sv());
          idx.emplace(key, static_cast<std::int16_t>(idx.size()));
          d->registers[cur].emplace_back(key);
        }
      }
      break;
    }
  }

  // Threads must be 0..T-1.
  if (d->sections.empty())
    throw UserError(located(path, 0, 0,
                            "no `thread N` section: a text trace is a list of sections "
                            "`thread 0`, `thread 1`, ... each followed by its operations"));
  for (std::size_t i = 0; i < d->sections.size(); ++i) {
    if (d->sections[i].present) continue;
    std::string found;
    std::uint32_t at = 0;
    for (std::size_t j = 0; j < d->sections.size(); ++j) {
      if (!d->sections[j].present) continue;
      found += (found.empty() ? "" : ", ") + std::to_string(j);
      if (j > i && !at) at = d->sections[j].header_line;
    }
    throw UserError(located(path, static_cast<int>(at), 0,
                            "threads must be numbered 0..T-1 without gaps: thread " + std::to_string(i) +
                                " is missing (sections found: " + found + ")"));
  }

  // Identifiers inside `[...]` that are not registers of their thread are symbols
  // (laid out after the symbols used outside brackets).
  for (const Bracketed& bk : bracketed) {
    if (d->reg_index[bk.thread].count(bk.name) || syms.count(bk.name)) continue;
    Sym s;
    s.index = order.size();
    s.use_line = bk.line;
    syms.emplace(bk.name, s);
    order.push_back(bk.name);
  }
  d->label_thread = std::move(label_thread);

  // Symbol layout: placed ones where placed, the others in order of first use.
  std::size_t k = 0;
  for (std::string_view nm : order) {
    Sym& s = syms.at(nm);
    if (!s.place_line) s.addr = opts.symbol_base + static_cast<Addr>(k++) * opts.symbol_stride;
    d->symbols.emplace_back(std::string(nm), s.addr);
    d->symbol_addr.emplace(nm, s.addr);
  }
  return d;
}

// ---------------------------------------------------------------- operation parser

class TextStream final : public ThreadStream {
 public:
  // `raw`: parse the section even if it is a program (to build the program).
  TextStream(std::shared_ptr<const TextData> d, unsigned t, bool raw = false)
      : d_(std::move(d)),
        r_(d_->file, d_->sections[t].begin, d_->sections[t].end, '#'),
        line_(d_->sections[t].header_line),
        regs_(d_->reg_index[t]),
        labels_(d_->labels[t]),
        thread_(t),
        prog_(!raw && d_->sections[t].program ? &d_->programs[t] : nullptr) {}

  bool next(Op& op) override {
    if (prog_) {
      if (pos_ >= prog_->size()) return false;
      op = (*prog_)[pos_++];
      return true;
    }
    const char *b, *e;
    while (r_.next(b, e)) {
      ++line_;
      Where w{&d_->path, line_, b};
      if (r_.too_long()) w.fail(e, too_long_message(r_));  // (the first pass stops there first)
      Cursor c{b, e};
      Tok t;
      if (!c.next(t)) continue;
      if (is_label(t) && !c.next(t)) continue;
      std::uint8_t size;
      int word = read_opcode(t, w, size);
      if (word == kWordPlace) continue;  // checked by the first pass
      if (is_branch_word(word)) branch(Cond(word - kWordBranch), t, c, w, op);
      else parse(OpKind(word), size, c, w, op);
      return true;
    }
    return false;
  }
  const std::vector<Op>* program() const override { return prog_; }

 private:
  void branch(Cond cond, const Tok& word, Cursor& c, const Where& w, Op& op) {
    op = Op{};
    op.kind = OpKind::Branch;
    op.cond = cond;
    op.line = line_;
    if (cond != Cond::Always) {
      op.expected = value(c, w, OpKind::Branch, 8, "A", &op.ereg);
      op.value = value(c, w, OpKind::Branch, 8, "B", &op.vreg);
    }
    Tok l;
    const char* at = c.p;
    if (!c.next(l) || l.is_arrow()) w.fail(at, word.str() + ": missing LABEL; syntax: " + syntax(OpKind::Branch));
    if (!is_identifier(l.b, l.e))
      w.fail(l.b, "bad label '" + l.str() + "': a label is an identifier, defined by `NAME:` in the same thread");
    auto it = labels_.find(l.sv());
    if (it == labels_.end()) {
      auto other = d_->label_thread.find(l.sv());
      if (other != d_->label_thread.end())
        w.fail(l.b, "label '" + l.str() + "' is in thread " + std::to_string(other->second) + ", not in thread " +
                        std::to_string(thread_) + ": a branch cannot leave its thread");
      w.fail(l.b, "unknown label '" + l.str() + "' in thread " + std::to_string(thread_) + " (define it with `" +
                      l.str() + ":` before an operation, or at the end of the thread)");
    }
    op.target = it->second.index;
    Tok extra;
    if (c.next(extra))
      w.fail(extra.b, "unexpected '" + extra.str() + "' after the label; syntax: " + syntax(OpKind::Branch));
  }

  // `[x + r1]`, `[r0 + 8]`, `[buf + 16 + r2]`: at most one symbol, one register and
  // numbers, separated by `+`.
  Addr bracket_addr(const Tok& t, const Where& w, Op& op) {
    if (t.e[-1] != ']') w.fail(t.b, "missing ']' in address '" + t.str() + "'");
    const char* p = t.b + 1;
    const char* end = t.e - 1;
    Addr a = 0;
    bool sym = false;
    while (p < end) {
      while (p < end && is_ws(*p)) ++p;
      const char* q = p;
      while (q < end && !is_ws(*q) && *q != '+') ++q;
      if (q == p) w.fail(p, "bad address '" + t.str() + "': an empty term; write e.g. [x + r1] or [r0 + 8]");
      if (is_digit(*p)) {
        std::uint64_t v;
        if (parse_number(p, q, v) != Num::Ok) w.fail(p, "bad number '" + std::string(p, q) + "' in the address");
        a += v;
      } else if (is_identifier(p, q)) {
        std::string_view nm(p, std::size_t(q - p));
        auto r = regs_.find(nm);
        if (r != regs_.end()) {
          if (op.areg >= 0) w.fail(p, "an address holds at most one register ('" + t.str() + "')");
          op.areg = r->second;
        } else {
          auto it = d_->symbol_addr.find(nm);
          if (it == d_->symbol_addr.end()) bad_addr(t, w);
          if (sym) w.fail(p, "an address holds at most one symbol ('" + t.str() + "')");
          sym = true;
          a += it->second;
        }
      } else {
        w.fail(p, "bad term '" + std::string(p, q) + "' in address '" + t.str() +
                      "': expected a symbol, a register (written by `-> NAME` in this thread) or a number");
      }
      p = q;
      while (p < end && is_ws(*p)) ++p;
      if (p < end) {
        if (*p != '+') w.fail(p, "expected '+' in address '" + t.str() + "'");
        ++p;
      }
    }
    return a;
  }

  void parse(OpKind k, std::uint8_t size, Cursor& c, const Where& w, Op& op) {
    op = Op{};
    op.kind = k;
    op.size = size;
    op.line = line_;
    Tok t;
    switch (k) {
      case OpKind::Load:
        op.addr = addr(c, w, k, size, op);
        if (c.peek(t) && !t.is_arrow() && !is_pc(t)) {
          c.next(t);
          op.order = ordering(t, w, k, "");
        }
        result(c, w, k, op);
        break;
      case OpKind::Store:
        op.addr = addr(c, w, k, size, op);
        op.value = value(c, w, k, size, "VALUE", &op.vreg);
        if (c.peek(t) && !t.is_arrow() && !is_pc(t)) {
          c.next(t);
          op.order = ordering(t, w, k, "");
        }
        result(c, w, k, op);
        break;
      case OpKind::FetchAdd:
      case OpKind::FetchSub:
      case OpKind::FetchAnd:
      case OpKind::FetchOr:
      case OpKind::FetchXor:
      case OpKind::Swap:
        op.addr = addr(c, w, k, size, op);
        op.value = value(c, w, k, size, "VALUE", &op.vreg);
        op.order = required_ordering(c, w, k, "ORDER");
        result(c, w, k, op);
        break;
      case OpKind::CompareExchange:
      case OpKind::CompareExchangeWeak: {
        op.addr = addr(c, w, k, size, op);
        op.expected = value(c, w, k, size, "EXPECTED", &op.ereg);
        op.value = value(c, w, k, size, "DESIRED", &op.vreg);
        op.order = required_ordering(c, w, k, "SUCCESS_ORDER");
        const char* at = c.p;
        if (!c.peek(t) || t.is_arrow())
          w.fail(at, std::string(name(k)) +
                         ": missing FAILURE_ORDER (Rust needs both orderings): one of Relaxed, "
                         "Acquire, SeqCst; syntax: " +
                         syntax(k));
        c.next(t);
        int f = parse_ordering(t);
        if (f < 0) bad_ordering(t, w, k);
        op.fail_order = Ordering(f);
        if (op.fail_order == Ordering::Plain || op.fail_order == Ordering::Release || op.fail_order == Ordering::AcqRel)
          w.fail(t.b, std::string(name(k)) + ": failure ordering " + name(op.fail_order) +
                          " is not allowed (a failed exchange only loads); valid failure "
                          "orderings: Relaxed, Acquire, SeqCst");
        if (!fail_order_allowed(op.order, op.fail_order)) {
          std::string ok;
          for (Ordering f2 : {Ordering::Relaxed, Ordering::Acquire, Ordering::SeqCst})
            if (fail_order_allowed(op.order, f2)) ok += std::string(ok.empty() ? "" : ", ") + name(f2);
          w.fail(t.b, std::string(name(k)) + ": failure ordering " + name(op.fail_order) +
                          " is stronger than success ordering " + name(op.order) +
                          " (as Rust requires, failure must be no stronger than success); "
                          "valid failure orderings with " +
                          name(op.order) + ": " + ok);
        }
        result(c, w, k, op);
        break;
      }
      case OpKind::Fence:
        op.order = required_ordering(c, w, k, "ORDER");
        result(c, w, k, op);
        break;
      case OpKind::Compute: {
        const char* at = c.p;
        if (!c.next(t) || t.is_arrow()) w.fail(at, "compute: missing CYCLES; syntax: compute CYCLES");
        Num res = parse_number(t.b, t.e, op.value);
        if (res != Num::Ok)
          w.fail(t.b, "compute: bad cycle count '" + t.str() + "': expected a number (decimal or 0x hex)");
        result(c, w, k, op);
        break;
      }
      case OpKind::IFetch:
        op.addr = addr(c, w, k, size, op);
        result(c, w, k, op);
        break;
      case OpKind::Marker: op.value = std::uint64_t(read_marker(c, w)); break;
      case OpKind::Mov:
        op.value = value(c, w, k, 8, "B", &op.vreg);
        result(c, w, k, op);
        need_result(w, k, op);
        break;
      case OpKind::Add:
      case OpKind::Sub:
      case OpKind::And:
      case OpKind::Or:
      case OpKind::Xor:
      case OpKind::Eq:
      case OpKind::Lt:
        op.expected = value(c, w, k, 8, "A", &op.ereg);
        op.value = value(c, w, k, 8, "B", &op.vreg);
        result(c, w, k, op);
        need_result(w, k, op);
        break;
      case OpKind::Wait: {
        op.addr = addr(c, w, k, size, op);
        const char* at = c.p;
        if (!c.next(t) || !(t.sv() == "==" || t.sv() == "!="))
          w.fail(t.b ? t.b : at, "wait: expected `==` or `!=` after the address; syntax: " + std::string(syntax(k)));
        op.cond = t.sv() == "==" ? Cond::Eq : Cond::Ne;
        op.value = value(c, w, k, size, "VALUE", &op.vreg);
        op.order = required_ordering(c, w, k, "ORDER");
        result(c, w, k, op);
        break;
      }
      case OpKind::Branch: w.fail(line_begin(w), "internal: branch parsed as an operation");
    }
  }

  static const char* line_begin(const Where& w) { return w.line_begin; }

  void need_result(const Where& w, OpKind k, const Op& op) {
    if (op.reg < 0) w.fail(nullptr, std::string(name(k)) + ": missing the destination `-> REG`; syntax: " + syntax(k));
  }

  Addr addr(Cursor& c, const Where& w, OpKind k, std::uint8_t size, Op& op) {
    Tok t;
    const char* at = c.p;
    if (!c.next(t) || t.is_arrow())
      w.fail(at, std::string(name(k)) +
                     ": missing ADDR (a number or a symbol such as x or "
                     "buf+8, or [x + r1]); syntax: " +
                     syntax(k));
    Addr a = 0;
    if (*t.b == '[') {
      a = bracket_addr(t, w, op);
      if (op.areg >= 0) return a;  // aligned or not: known when the register is
    } else if (is_digit(*t.b)) {
      Num res = parse_number(t.b, t.e, a);
      if (res == Num::Overflow) w.fail(t.b, "address '" + t.str() + "' does not fit in 64 bits");
      if (res != Num::Ok) bad_addr(t, w);
    } else if (is_ident_start(*t.b)) {
      const char* plus = static_cast<const char*>(std::memchr(t.b, '+', t.size()));
      const char* ne = plus ? plus : t.e;
      if (!is_identifier(t.b, ne)) bad_addr(t, w);
      auto it = d_->symbol_addr.find(std::string_view(t.b, static_cast<std::size_t>(ne - t.b)));
      if (it == d_->symbol_addr.end()) bad_addr(t, w);  // not seen by the first pass
      a = it->second;
      if (plus) {
        std::uint64_t off;
        if (parse_number(plus + 1, t.e, off) != Num::Ok) bad_addr(t, w);
        a += off;
      }
    } else {
      bad_addr(t, w);
    }
    if (a & (size - 1u)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(a));
      w.fail(t.b, std::string(name(k)) + ": address " + buf +
                      (is_digit(*t.b) ? std::string() : " ('" + t.str() + "')") +
                      " is not aligned to the access size " + std::to_string(size) +
                      " (no access may cross a cache line); use a multiple of " + std::to_string(size));
    }
    return a;
  }

  [[noreturn]] void bad_addr(const Tok& t, const Where& w) {
    w.fail(t.b,
           "bad address '" + t.str() + "': expected a number (decimal or 0x hex) or a symbol (x, buf+8, buf+0x40)");
  }

  std::uint64_t value(Cursor& c, const Where& w, OpKind k, std::uint8_t size, const char* what,
                      std::int16_t* reg = nullptr) {
    Tok t;
    const char* at = c.p;
    if (!c.next(t) || t.is_arrow()) w.fail(at, std::string(name(k)) + ": missing " + what + "; syntax: " + syntax(k));
    if (reg && is_identifier(t.b, t.e)) {
      auto it = regs_.find(t.sv());
      if (it == regs_.end())
        w.fail(t.b, std::string(name(k)) + ": unknown register '" + t.str() + "' as " + what + " in thread " +
                        std::to_string(thread_) + " (a register is one this thread writes with `-> " + t.str() + "`)");
      *reg = it->second;
      return 0;
    }
    bool neg = *t.b == '-';
    std::uint64_t v;
    Num res = parse_number(t.b + neg, t.e, v);
    if (res == Num::Overflow) w.fail(t.b, "value '" + t.str() + "' does not fit in 64 bits");
    if (res != Num::Ok)
      w.fail(t.b, std::string(name(k)) + ": bad " + what + " '" + t.str() +
                      "': expected a number (decimal, 0x hex or negative decimal); syntax: " + syntax(k));
    unsigned bits = size * 8u;
    if (neg) {
      if (bits < 64 ? v > (1ull << (bits - 1)) : v > (1ull << 63))
        w.fail(t.b, "value " + t.str() + " does not fit in " + std::to_string(size) + " byte(s)");
      v = 0 - v;
    } else if (bits < 64 && v >> bits) {
      w.fail(t.b, "value " + t.str() + " does not fit in " + std::to_string(size) + " byte(s)");
    }
    if (bits < 64) v &= (1ull << bits) - 1;
    return v;
  }

  [[noreturn]] void bad_ordering(const Tok& t, const Where& w, OpKind k) {
    static const std::vector<std::string> choices = {"Relaxed", "Acquire", "Release", "AcqRel", "SeqCst",  "relaxed",
                                                     "acquire", "release", "acqrel",  "seqcst", "acq_rel", "seq_cst"};
    std::string word = t.str();
    std::string near = nearest(word, choices);
    std::string hint;
    if (near.empty() && has_result(k) && is_identifier(t.b, t.e))
      hint = " (a result register is written `-> " + word + "`)";
    w.fail(t.b, "unknown ordering '" + word + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") + hint +
                    "; valid orderings: Relaxed, Acquire, Release, AcqRel, SeqCst (also "
                    "relaxed, acquire, release, acqrel/acq_rel, seqcst/seq_cst)");
  }

  Ordering ordering(const Tok& t, const Where& w, OpKind k, const char*) {
    int o = parse_ordering(t);
    if (o < 0) bad_ordering(t, w, k);
    if (!order_allowed(k, Ordering(o))) {
      unsigned m = kind_mask(k);
      std::string valid = order_list(m);
      if (m & 1u) valid = "none (plain, non-atomic), " + valid;
      w.fail(t.b, std::string("a ") + name(k) + " cannot be " + name(Ordering(o)) + " (as in Rust); valid for " +
                      name(k) + ": " + valid);
    }
    return Ordering(o);
  }

  Ordering required_ordering(Cursor& c, const Where& w, OpKind k, const char* what) {
    Tok t;
    const char* at = c.p;
    if (!c.peek(t) || t.is_arrow()) {
      if (k == OpKind::Fence) w.fail(at, "fence: missing ORDER: one of " + order_list(kind_mask(k)));
      w.fail(at, std::string(name(k)) + " is always atomic: missing " + what + ", one of " + order_list(kind_mask(k)) +
                     "; syntax: " + syntax(k));
    }
    c.next(t);
    int o = parse_ordering(t);
    if (o == int(Ordering::Plain))
      w.fail(t.b, std::string(name(k)) + " is always atomic and cannot be Plain; valid: " + order_list(kind_mask(k)));
    return ordering(t, w, k, what);
  }

  // An optional last field `pc=ADDR` on a memory operation: the instruction's address.
  bool pc_field(const Tok& t, const Where& w, OpKind k, Op& op) {
    if (!is_pc(t)) return false;
    if (!is_memory(k)) w.fail(t.b, std::string(name(k)) + " has no PC; `pc=ADDR` is for memory operations");
    if (op.pc) w.fail(t.b, "a second `pc=`");
    if (parse_number(t.b + 3, t.e, op.pc) != Num::Ok || op.pc == 0)
      w.fail(t.b, "bad PC '" + t.str() + "': expected pc=ADDR, a non-zero number (decimal or 0x hex)");
    return true;
  }

  void result(Cursor& c, const Where& w, OpKind k, Op& op) {
    Tok t;
    if (!c.next(t)) return;
    if (pc_field(t, w, k, op)) {
      Tok extra;
      if (c.next(extra)) w.fail(extra.b, "unexpected '" + extra.str() + "' after `pc=`: it is the last field");
      return;
    }
    if (!t.is_arrow()) w.fail(t.b, "unexpected '" + t.str() + "'; syntax: " + syntax(k));
    if (!has_result(k))
      w.fail(t.b, std::string(name(k)) + " has no result register; remove '-> ...'; syntax: " + syntax(k));
    const char* at = c.p;
    Tok r;
    if (!c.next(r)) w.fail(at, "missing register name after '->' (e.g. `-> r0`)");
    if (!is_identifier(r.b, r.e))
      w.fail(r.b, "bad register name '" + r.str() +
                      "': a register is an identifier (letters, digits, _ ; not starting with a "
                      "digit), e.g. r0 or flag");
    auto it = regs_.find(r.sv());
    if (it == regs_.end()) w.fail(r.b, "internal: register '" + r.str() + "' missed by the scan");
    op.reg = it->second;
    Tok extra;
    if (c.next(extra) && !pc_field(extra, w, k, op))
      w.fail(extra.b, "unexpected '" + extra.str() + "' after the result register");
    if (op.pc && c.next(extra)) w.fail(extra.b, "unexpected '" + extra.str() + "' after `pc=`: it is the last field");
  }

  std::shared_ptr<const TextData> d_;
  LineReader r_;
  std::uint32_t line_;
  const std::unordered_map<std::string_view, std::int16_t>& regs_;
  const std::unordered_map<std::string_view, Label>& labels_;
  unsigned thread_;
  const std::vector<Op>* prog_;
  std::size_t pos_ = 0;
};

class TextTrace final : public Trace {
 public:
  explicit TextTrace(std::shared_ptr<TextData> d) : d_(std::move(d)) {}
  const std::string& path() const override { return d_->path; }
  const char* format() const override { return "text"; }
  unsigned threads() const override { return static_cast<unsigned>(d_->sections.size()); }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override {
    if (t >= threads()) throw std::out_of_range("trace thread " + std::to_string(t));
    return std::make_unique<TextStream>(d_, t);
  }
  const std::vector<std::string>& registers(unsigned t) const override { return d_->registers.at(t); }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return d_->symbols; }

 private:
  std::shared_ptr<const TextData> d_;
};

// ---------------------------------------------------------------- writer

class OutBuf {
 public:
  explicit OutBuf(const std::string& path) : path_(path) {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw UserError(path + ": cannot write: " + std::strerror(errno));
    buf_.reserve(kCap + 512);
  }
  ~OutBuf() {
    if (f_) std::fclose(f_);
  }
  void put(std::string_view s) {
    buf_.append(s.data(), s.size());
    if (buf_.size() >= kCap) flush();
  }
  void put(char c) { buf_.push_back(c); }
  void dec(std::uint64_t v) {
    char tmp[24];
    int n = 0;
    do tmp[n++] = char('0' + v % 10), v /= 10;
    while (v);
    while (n) buf_.push_back(tmp[--n]);
  }
  void hex(std::uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;
    do tmp[n++] = digits[v & 15], v >>= 4;
    while (v);
    buf_ += "0x";
    while (n) buf_.push_back(tmp[--n]);
  }
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
      throw UserError(path_ + ": cannot write: " + std::strerror(errno));
    buf_.clear();
  }
  void close() {
    flush();
    int r = std::fclose(f_);
    f_ = nullptr;
    if (r != 0) throw UserError(path_ + ": cannot write: " + std::strerror(errno));
  }

 private:
  static constexpr std::size_t kCap = 1 << 16;
  std::string path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
};

}  // namespace

std::unique_ptr<Trace> open_text_trace(const std::string& path, const TraceOptions& opts) {
  std::shared_ptr<TextData> d = scan(path, opts);
  // Program threads are parsed and checked now, and held in memory.
  d->programs.resize(d->sections.size());
  for (unsigned t = 0; t < d->sections.size(); ++t) {
    if (!d->sections[t].program) continue;
    std::vector<Op> prog;
    {
      TextStream raw(d, t, true);
      Op op;
      while (raw.next(op)) prog.push_back(op);
    }
    check_program(prog, path, t, d->registers[t]);
    d->programs[t] = std::move(prog);
  }
  return std::make_unique<TextTrace>(std::move(d));
}

void write_text_trace(const Trace& trace, const std::string& out, const TraceOptions& opts) {
  const auto& syms = trace.symbols();
  // Symbols sorted by address (then table order) to name addresses `sym+off`.
  std::vector<std::pair<Addr, std::size_t>> by_addr;
  for (std::size_t i = 0; i < syms.size(); ++i) by_addr.emplace_back(syms[i].second, i);
  std::sort(by_addr.begin(), by_addr.end());
  const Addr span = std::max(1u, opts.symbol_stride);

  OutBuf o(out);
  o.put("# cohsim text trace: ");
  o.dec(trace.threads());
  o.put(trace.threads() == 1 ? " thread" : " threads");
  o.put(", written by `cohsim trace convert`\n");
  for (const auto& [nm, a] : syms) {
    o.put("place ");
    o.put(nm);
    o.put(' ');
    o.hex(a);
    o.put('\n');
  }
  auto put_addr = [&](Addr a) {
    auto it = std::upper_bound(by_addr.begin(), by_addr.end(), std::make_pair(a, std::size_t(-1)));
    if (it != by_addr.begin()) {
      --it;
      Addr base = it->first;
      if (a - base < span) {
        // first symbol (in table order) at that address
        auto first = std::lower_bound(by_addr.begin(), by_addr.end(), std::make_pair(base, std::size_t(0)));
        o.put(syms[first->second].first);
        if (a != base) {
          o.put('+');
          o.dec(a - base);
        }
        return;
      }
    }
    o.hex(a);
  };
  auto put_value = [&](std::uint64_t v) {
    if (v <= 0xffffffffu) o.dec(v);
    else o.hex(v);
  };
  for (unsigned t = 0; t < trace.threads(); ++t) {
    const auto& regs = trace.registers(t);
    o.put("thread ");
    o.dec(t);
    o.put('\n');
    auto s = trace.stream(t);
    if (const std::vector<Op>* prog = s->program()) {
      // A program: its ops with `L<i>:` labels where branches go.
      std::vector<bool> target(prog->size() + 1, false);
      for (const Op& op : *prog)
        if (op.kind == OpKind::Branch) target[op.target] = true;
      auto addr_text = [&](Addr a) {
        std::string str;
        auto it = std::upper_bound(by_addr.begin(), by_addr.end(), std::make_pair(a, std::size_t(-1)));
        if (it != by_addr.begin()) {
          --it;
          Addr base = it->first;
          if (a - base < span) {
            auto first = std::lower_bound(by_addr.begin(), by_addr.end(), std::make_pair(base, std::size_t(0)));
            str = syms[first->second].first;
            if (a != base) str += "+" + std::to_string(a - base);
            return str;
          }
        }
        char buf[24];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(a));
        return std::string(buf);
      };
      for (std::size_t i = 0; i <= prog->size(); ++i) {
        if (target[i]) {
          o.put('L');
          o.dec(i);
          o.put(":\n");
        }
        if (i == prog->size()) break;
        o.put("  ");
        o.put(op_text((*prog)[i], addr_text, regs));
        o.put('\n');
      }
      continue;
    }
    Op op;
    while (s->next(op)) {
      o.put("  ");
      if (op.kind == OpKind::Marker) {
        o.put(marker_text(op.value));
        o.put('\n');
        continue;
      }
      o.put(name(op.kind));
      if (has_addr(op.kind) && op.size != 8) {
        o.put('.');
        o.dec(op.size);
      }
      switch (op.kind) {
        case OpKind::Fence:
          o.put(' ');
          o.put(name(op.order));
          break;
        case OpKind::Compute:
          o.put(' ');
          o.dec(op.value);
          break;
        default:
          o.put(' ');
          put_addr(op.addr);
          if (op.kind == OpKind::CompareExchange || op.kind == OpKind::CompareExchangeWeak) {
            o.put(' ');
            put_value(op.expected);
          }
          if (op.kind != OpKind::Load && op.kind != OpKind::IFetch) {
            o.put(' ');
            put_value(op.value);
          }
          if (op.order != Ordering::Plain) {
            o.put(' ');
            o.put(name(op.order));
          }
          if (op.kind == OpKind::CompareExchange || op.kind == OpKind::CompareExchangeWeak) {
            o.put(' ');
            o.put(name(op.fail_order));
          }
          break;
      }
      if (op.reg >= 0 && has_result(op.kind)) {
        o.put(" -> ");
        if (static_cast<std::size_t>(op.reg) < regs.size()) o.put(regs[op.reg]);
        else {
          o.put('r');
          o.dec(static_cast<std::uint64_t>(op.reg));
        }
      }
      if (op.pc && is_memory(op.kind)) {
        o.put(" pc=");
        o.hex(op.pc);
      }
      o.put('\n');
    }
  }
  o.close();
}

}  // namespace cohsim
