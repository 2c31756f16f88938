#include "cpu/trace/binary_trace.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "cpu/trace/text_trace.hpp"
#include "sim/base/error.hpp"

namespace cohsim {
namespace {

using trace_detail::SharedFile;

// ---------------------------------------------------------------- little-endian access

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
template <typename T>
T from_le(T v) {
  T r = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) r = T((r << 8) | ((v >> (8 * i)) & 0xff));
  return r;
}
#else
template <typename T>
T from_le(T v) {
  return v;
}
#endif
template <typename T>
T to_le(T v) {
  return from_le(v);
}

template <typename T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return from_le(v);
}
template <typename T>
void store(unsigned char* p, T v) {
  v = to_le(v);
  std::memcpy(p, &v, sizeof v);
}

constexpr std::size_t kFixedHeader = 32;
constexpr std::size_t kDirEntry = 24;
constexpr unsigned kMaxThreads = 65536;
constexpr std::size_t kMaxName = 4096;
constexpr std::uint64_t kMaxHeaderTables = 256ull << 20;

bool is_cas(OpKind k) { return k == OpKind::CompareExchange || k == OpKind::CompareExchangeWeak; }

bool valid_identifier(const std::string& s) {
  if (s.empty() || s.size() > kMaxName) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(s[0])) return false;
  for (char c : s)
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

// Kind byte bit 6 (version 2): a record holding the op's PC (first 8 bytes, zeros
// elsewhere) follows the op's records.
constexpr unsigned kHasPc = 0x40;

// Encodes one op into 1 to 3 records; returns the number of records.
std::size_t encode(const Op& op, unsigned char* p) {
  const bool pc = op.pc != 0 && is_memory(op.kind);
  store<std::uint64_t>(p, op.addr);
  store<std::uint64_t>(p + 8, op.value);
  store<std::uint32_t>(p + 16, op.line);
  store<std::uint16_t>(p + 20, static_cast<std::uint16_t>(op.reg));
  unsigned lg = op.size == 1 ? 0 : op.size == 2 ? 1 : op.size == 4 ? 2 : 3;
  p[22] = static_cast<unsigned char>(static_cast<unsigned>(op.kind) | (lg << 4) | (pc ? kHasPc : 0));
  p[23] = static_cast<unsigned char>(static_cast<unsigned>(op.order) | (static_cast<unsigned>(op.fail_order) << 4));
  std::size_t n = 1;
  if (is_cas(op.kind)) {
    std::memset(p + 24, 0, kBinaryRecordSize);
    store<std::uint64_t>(p + 24, op.expected);
    n = 2;
  }
  if (pc) {
    unsigned char* q = p + n * kBinaryRecordSize;
    std::memset(q, 0, kBinaryRecordSize);
    store<std::uint64_t>(q, op.pc);
    ++n;
  }
  return n;
}

struct ThreadDir {
  std::uint64_t offset = 0, ops = 0, records = 0;
};

struct BinData {
  std::string path;
  std::uint32_t version = kBinaryTraceVersion;
  std::shared_ptr<SharedFile> file;
  std::vector<ThreadDir> dir;
  std::vector<std::pair<std::string, Addr>> symbols;
  std::vector<std::vector<std::string>> registers;
};

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw UserError(path + ": corrupt binary trace: " + what);
}

// A bounds-checked reader over the in-memory header tables.
struct Reader {
  const std::string& path;
  const std::vector<unsigned char>& buf;
  std::size_t pos = 0;
  void need(std::size_t n, const char* what) {
    if (buf.size() - pos < n) corrupt(path, std::string("header tables end inside ") + what);
  }
  std::uint32_t u32(const char* what) {
    need(4, what);
    auto v = load<std::uint32_t>(buf.data() + pos);
    pos += 4;
    return v;
  }
  std::uint64_t u64(const char* what) {
    need(8, what);
    auto v = load<std::uint64_t>(buf.data() + pos);
    pos += 8;
    return v;
  }
  std::string name(const char* what) {
    std::uint32_t n = u32(what);
    if (n == 0 || n > kMaxName) corrupt(path, std::string("bad name length in ") + what);
    need(n, what);
    std::string s(reinterpret_cast<const char*>(buf.data() + pos), n);
    pos += n;
    if (!valid_identifier(s)) corrupt(path, std::string("bad name '") + s + "' in " + what);
    return s;
  }
};

std::shared_ptr<BinData> read_header(const std::string& path) {
  auto d = std::make_shared<BinData>();
  d->path = path;
  d->file = std::make_shared<SharedFile>(path);
  const std::uint64_t size = d->file->size();
  unsigned char h[kFixedHeader];
  std::size_t got = d->file->read_at(0, h, sizeof h);
  if (got < 8 || std::memcmp(h, kBinaryTraceMagic, 8) != 0)
    throw UserError(path + ": not a binary trace (no COHSIMTR magic)");
  if (got < kFixedHeader)
    throw UserError(path + ": truncated binary trace: the file ends inside the header (" + std::to_string(size) +
                    " bytes)");
  std::uint32_t version = load<std::uint32_t>(h + 8);
  std::uint32_t threads = load<std::uint32_t>(h + 12);
  std::uint32_t nsyms = load<std::uint32_t>(h + 16);
  std::uint32_t recsize = load<std::uint32_t>(h + 20);
  std::uint64_t declared = load<std::uint64_t>(h + 24);
  if (version < 1 || version > kBinaryTraceVersion)
    throw UserError(path + ": unsupported binary trace version " + std::to_string(version) +
                    " (this cohsim reads versions 1 to " + std::to_string(kBinaryTraceVersion) + ")");
  d->version = version;
  if (recsize != kBinaryRecordSize)
    corrupt(path, "record size " + std::to_string(recsize) + ", expected " + std::to_string(kBinaryRecordSize));
  if (declared > size)
    throw UserError(path + ": truncated binary trace: the header says " + std::to_string(declared) +
                    " bytes, the file has " + std::to_string(size));
  if (declared < size)
    corrupt(path, "the header says " + std::to_string(declared) + " bytes, the file has " + std::to_string(size) +
                      " (trailing garbage?)");
  if (threads == 0 || threads > kMaxThreads)
    corrupt(path, "thread count " + std::to_string(threads) + " (expected 1.." + std::to_string(kMaxThreads) + ")");
  const std::uint64_t dir_end = kFixedHeader + std::uint64_t(threads) * kDirEntry;
  if (dir_end > size) corrupt(path, "the thread directory runs past the end of the file");
  std::vector<unsigned char> dir(threads * kDirEntry);
  d->file->read_at(kFixedHeader, dir.data(), dir.size());
  std::uint64_t data_begin = size;
  d->dir.resize(threads);
  for (unsigned t = 0; t < threads; ++t) {
    ThreadDir& td = d->dir[t];
    const unsigned char* p = dir.data() + t * kDirEntry;
    td.offset = load<std::uint64_t>(p);
    td.ops = load<std::uint64_t>(p + 8);
    td.records = load<std::uint64_t>(p + 16);
    std::string th = "thread " + std::to_string(t) + ": ";
    if (td.ops > td.records || td.records > (version == 1 ? 2 : 3) * td.ops)
      corrupt(path, th + std::to_string(td.ops) + " ops in " + std::to_string(td.records) + " records is impossible");
    if (td.offset < dir_end || td.offset > size || td.records > (size - td.offset) / kBinaryRecordSize)
      corrupt(path, th + "its records (offset " + std::to_string(td.offset) + ", " + std::to_string(td.records) +
                        " records) lie outside the file (" + std::to_string(size) + " bytes)");
    if (td.records) data_begin = std::min(data_begin, td.offset);
  }
  // Symbol and register tables lie between the directory and the first records.
  if (data_begin - dir_end > kMaxHeaderTables) corrupt(path, "the header tables are too large");
  std::vector<unsigned char> tables(static_cast<std::size_t>(data_begin - dir_end));
  d->file->read_at(dir_end, tables.data(), tables.size());
  Reader r{path, tables};
  for (std::uint32_t i = 0; i < nsyms; ++i) {
    Addr a = r.u64("the symbol table");
    d->symbols.emplace_back(r.name("the symbol table"), a);
  }
  d->registers.resize(threads);
  for (unsigned t = 0; t < threads; ++t) {
    std::uint32_t n = r.u32("the register tables");
    if (n > 32767) corrupt(path, "thread " + std::to_string(t) + " has too many registers");
    for (std::uint32_t i = 0; i < n; ++i) d->registers[t].push_back(r.name("the register tables"));
  }
  return d;
}

// ---------------------------------------------------------------- streams

class BinStream final : public ThreadStream {
 public:
  BinStream(std::shared_ptr<const BinData> d, unsigned t)
      : d_(std::move(d)),
        t_(t),
        dir_(d_->dir[t]),
        nregs_(static_cast<int>(d_->registers[t].size())),
        pc_bit_(d_->version >= 2 ? kHasPc : 0),
        buf_(kChunk * kBinaryRecordSize) {
    for (int k = 0; k < kNumOpKinds; ++k)
      for (int o = 0; o < kNumOrderings; ++o)
        if (trace_detail::order_allowed(OpKind(k), Ordering(o))) mask_[k] |= 1u << o;
  }

  bool next(Op& op) override {
    if (pos_ == end_ && !refill()) {
      if (ops_ != dir_.ops)
        fail("the records hold " + std::to_string(ops_) + " ops, the directory says " + std::to_string(dir_.ops));
      return false;
    }
    const unsigned char* p = buf_.data() + pos_ * kBinaryRecordSize;
    ++pos_;
    op.addr = load<std::uint64_t>(p);
    op.value = load<std::uint64_t>(p + 8);
    op.expected = 0;
    op.pc = 0;
    op.line = load<std::uint32_t>(p + 16);
    op.reg = static_cast<std::int16_t>(load<std::uint16_t>(p + 20));
    unsigned ks = p[22], oo = p[23];
    unsigned k = ks & 15, o = oo & 15, f = oo >> 4;
    op.kind = OpKind(k);
    op.size = static_cast<std::uint8_t>(1u << ((ks >> 4) & 3));
    op.order = Ordering(o);
    op.fail_order = Ordering(f);
    op.pad[0] = op.pad[1] = 0;
    op.target = 0, op.areg = op.vreg = op.ereg = -1, op.cond = Cond::Always, op.flags = 0;
    if (k >= unsigned(kNumStraightOpKinds) || (ks & ~pc_bit_ & 0xc0) || o >= unsigned(kNumOrderings) ||
        !(mask_[k] & (1u << o)) || ((ks & kHasPc) && !is_memory(op.kind)))
      bad(p);
    if (op.reg < -1 || op.reg >= nregs_) bad(p);
    if (op.reg >= 0 && !(k == unsigned(OpKind::Load) || is_rmw(op.kind))) bad(p);
    if (op.addr & (op.size - 1u)) bad(p);
    if (op.kind == OpKind::Marker && (op.value >= kNumMarkerKinds || op.addr || op.size != 8))
      fail("invalid marker (kind 13 holds `roi begin` as value 0, `roi end` as value 1, address 0, size 8)");
    if (is_cas(op.kind)) {
      if (!trace_detail::fail_order_allowed(op.order, op.fail_order)) bad(p);
      if (pos_ == end_ && !refill()) fail("a compare_exchange lacks its second record");
      const unsigned char* q = buf_.data() + pos_ * kBinaryRecordSize;
      ++pos_;
      op.expected = load<std::uint64_t>(q);
      for (std::size_t i = 8; i < kBinaryRecordSize; ++i)
        if (q[i]) fail("bad second record of a compare_exchange");
    } else if (f) {
      bad(p);
    }
    if (ks & kHasPc) {
      if (pos_ == end_ && !refill()) fail("a " + std::string(name(op.kind)) + " lacks its PC record");
      const unsigned char* q = buf_.data() + pos_ * kBinaryRecordSize;
      ++pos_;
      op.pc = load<std::uint64_t>(q);
      for (std::size_t i = 8; i < kBinaryRecordSize; ++i)
        if (q[i]) fail("bad PC record");
    }
    ++ops_;
    return true;
  }

 private:
  static constexpr std::size_t kChunk = 4096;  // records per read: 96 KiB

  bool refill() {
    std::uint64_t left = dir_.records - read_;
    if (left == 0) return false;
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunk));
    std::uint64_t off = dir_.offset + read_ * kBinaryRecordSize;
    std::size_t got = d_->file->read_at(off, buf_.data(), n * kBinaryRecordSize);
    if (got != n * kBinaryRecordSize)
      throw UserError(d_->path + ": truncated binary trace: thread " + std::to_string(t_) + " ends at record " +
                      std::to_string(read_ + got / kBinaryRecordSize) + " of " + std::to_string(dir_.records));
    read_ += n;
    pos_ = 0;
    end_ = n;
    return true;
  }

  [[noreturn]] void fail(const std::string& what) const {
    corrupt(d_->path, "thread " + std::to_string(t_) + ", op " + std::to_string(ops_) + ": " + what);
  }

  [[noreturn]] void bad(const unsigned char* p) const {
    unsigned ks = p[22], oo = p[23];
    unsigned k = ks & 15, o = oo & 15, f = oo >> 4;
    std::int16_t reg = static_cast<std::int16_t>(load<std::uint16_t>(p + 20));
    if (k >= unsigned(kNumStraightOpKinds)) fail("invalid operation kind " + std::to_string(k));
    if (ks & ~pc_bit_ & 0xc0) fail(pc_bit_ ? "invalid kind bit 7" : "invalid size bits (bits 6-7 of a version 1 kind byte)");
    OpKind kind = OpKind(k);
    if ((ks & kHasPc) && !is_memory(kind)) fail("a PC on a " + std::string(name(kind)));
    if (o >= unsigned(kNumOrderings)) fail("invalid ordering " + std::to_string(o));
    if (!(mask_[k] & (1u << o)))
      fail(std::string(name(kind)) + " with ordering " + name(Ordering(o)) + " is not allowed");
    if (reg < -1 || reg >= nregs_)
      fail("register index " + std::to_string(reg) + " out of range (thread has " + std::to_string(nregs_) +
           " registers)");
    if (reg >= 0 && !(kind == OpKind::Load || is_rmw(kind))) fail(std::string(name(kind)) + " has no result register");
    if (is_cas(kind))
      fail(std::string("failure ordering ") + (f < unsigned(kNumOrderings) ? name(Ordering(f)) : "?") +
           " is not allowed with success ordering " + name(Ordering(o)));
    if (f) fail("a failure ordering on a " + std::string(name(kind)));
    fail("unaligned address");
  }

  std::shared_ptr<const BinData> d_;
  unsigned t_;
  ThreadDir dir_;
  int nregs_;
  unsigned pc_bit_;  // kHasPc in version 2, 0 in version 1 (where bit 6 is invalid)
  std::vector<unsigned char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t read_ = 0, ops_ = 0;
  unsigned mask_[kNumOpKinds] = {};
};

class BinTrace final : public Trace {
 public:
  explicit BinTrace(std::shared_ptr<BinData> d) : d_(std::move(d)) {}
  const std::string& path() const override { return d_->path; }
  const char* format() const override { return "binary"; }
  unsigned threads() const override { return static_cast<unsigned>(d_->dir.size()); }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override {
    if (t >= threads()) throw std::out_of_range("trace thread " + std::to_string(t));
    return std::make_unique<BinStream>(d_, t);
  }
  const std::vector<std::string>& registers(unsigned t) const override { return d_->registers.at(t); }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return d_->symbols; }

 private:
  std::shared_ptr<const BinData> d_;
};

// ---------------------------------------------------------------- writer

class BinWriter {
 public:
  explicit BinWriter(const std::string& path) : path_(path) {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw UserError(path + ": cannot write: " + std::strerror(errno));
  }
  ~BinWriter() {
    if (f_) std::fclose(f_);
  }
  void write(const void* p, std::size_t n) {
    if (n && std::fwrite(p, 1, n, f_) != n) fail();
    pos_ += n;
  }
  void u32(std::uint32_t v) {
    unsigned char b[4];
    store(b, v);
    write(b, 4);
  }
  void u64(std::uint64_t v) {
    unsigned char b[8];
    store(b, v);
    write(b, 8);
  }
  void seek(std::uint64_t off) {
    if (std::fseek(f_, static_cast<long>(off), SEEK_SET) != 0) fail();
    pos_ = off;
  }
  std::uint64_t pos() const { return pos_; }
  void close() {
    int r = std::fclose(f_);
    f_ = nullptr;
    if (r != 0) fail();
  }
  [[noreturn]] void fail() { throw UserError(path_ + ": cannot write: " + std::strerror(errno)); }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  std::uint64_t pos_ = 0;
};

}  // namespace

std::unique_ptr<Trace> open_binary_trace(const std::string& path, const TraceOptions&) {
  return std::make_unique<BinTrace>(read_header(path));
}

void write_binary_trace(const Trace& trace, const std::string& out) {
  const unsigned threads = trace.threads();
  for (unsigned t = 0; t < threads; ++t)
    if (trace.stream(t)->program())
      throw UserError(trace.path() + ": thread " + std::to_string(t) +
                      " is a program (registers read, labels, branches or waits), which the binary format "
                      "cannot hold yet; keep it as a text trace");
  BinWriter w(out);
  w.write(kBinaryTraceMagic, 8);
  w.u32(kBinaryTraceVersion);
  w.u32(threads);
  w.u32(static_cast<std::uint32_t>(trace.symbols().size()));
  w.u32(kBinaryRecordSize);
  w.u64(0);  // file size, patched below
  std::vector<ThreadDir> dir(threads);
  std::vector<unsigned char> zeros(threads * kDirEntry);
  w.write(zeros.data(), zeros.size());
  for (const auto& [nm, a] : trace.symbols()) {
    w.u64(a);
    w.u32(static_cast<std::uint32_t>(nm.size()));
    w.write(nm.data(), nm.size());
  }
  for (unsigned t = 0; t < threads; ++t) {
    const auto& regs = trace.registers(t);
    w.u32(static_cast<std::uint32_t>(regs.size()));
    for (const auto& r : regs) {
      w.u32(static_cast<std::uint32_t>(r.size()));
      w.write(r.data(), r.size());
    }
  }
  static const unsigned char pad[8] = {};
  w.write(pad, (8 - w.pos() % 8) % 8);

  constexpr std::size_t kChunk = 4096;
  std::vector<unsigned char> buf((kChunk + 3) * kBinaryRecordSize);
  for (unsigned t = 0; t < threads; ++t) {
    dir[t].offset = w.pos();
    auto s = trace.stream(t);
    Op op;
    std::size_t n = 0;  // records in buf
    while (s->next(op)) {
      n += encode(op, buf.data() + n * kBinaryRecordSize);
      ++dir[t].ops;
      if (n >= kChunk) {
        w.write(buf.data(), n * kBinaryRecordSize);
        dir[t].records += n;
        n = 0;
      }
    }
    w.write(buf.data(), n * kBinaryRecordSize);
    dir[t].records += n;
  }
  const std::uint64_t size = w.pos();
  w.seek(24);
  w.u64(size);
  for (const ThreadDir& td : dir) {
    w.u64(td.offset);
    w.u64(td.ops);
    w.u64(td.records);
  }
  w.close();
}

}  // namespace cohsim
