#include "cpu/trace/champsim_trace.hpp"

#include <lzma.h>

#include <cstring>
#include <vector>

#include "cpu/trace/import_util.hpp"
#include "cpu/trace/text_trace.hpp"
#include "sim/base/error.hpp"
#include "sim/base/text.hpp"

namespace cohsim {
namespace {

using trace_detail::SharedFile;

std::uint64_t le64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The trace's bytes, in order: read from the file, or decompressed from it (xz).
class ByteSource {
 public:
  ByteSource(std::shared_ptr<const SharedFile> f, bool xz) : f_(std::move(f)), xz_(xz), in_(xz ? kChunk : 0) {
    if (xz_) {
      if (lzma_stream_decoder(&z_, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
        throw UserError(f_->path() + ": cannot start the xz decoder (liblzma)");
    }
  }
  ~ByteSource() {
    if (xz_) lzma_end(&z_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Reads up to n bytes; fewer only at the end of the trace. `record` is for messages.
  std::size_t read(unsigned char* out, std::size_t n, std::uint64_t record) {
    if (!xz_) {
      const std::size_t got = f_->read_at(pos_, out, n);
      pos_ += got;
      return got;
    }
    z_.next_out = out;
    z_.avail_out = n;
    while (z_.avail_out > 0 && !end_) {
      if (z_.avail_in == 0 && !eof_) {
        const std::size_t got = f_->read_at(pos_, in_.data(), in_.size());
        pos_ += got;
        z_.next_in = in_.data();
        z_.avail_in = got;
        if (got == 0) eof_ = true;
      }
      const lzma_ret r = lzma_code(&z_, eof_ ? LZMA_FINISH : LZMA_RUN);
      if (r == LZMA_STREAM_END) {
        end_ = true;
      } else if (r != LZMA_OK) {
        const char* why = r == LZMA_FORMAT_ERROR ? "not xz data"
                          : r == LZMA_DATA_ERROR ? "corrupt xz data"
                          : r == LZMA_BUF_ERROR  ? "the xz data is truncated"
                          : r == LZMA_MEM_ERROR  ? "out of memory"
                                                 : "xz decoder error";
        throw UserError(f_->path() + ": " + why + " (at record " + std::to_string(record) +
                        " of the ChampSim trace, compressed byte " + std::to_string(z_.total_in) + ")");
      }
    }
    return n - z_.avail_out;
  }

 private:
  static constexpr std::size_t kChunk = 64 * 1024;
  std::shared_ptr<const SharedFile> f_;
  bool xz_;
  std::vector<unsigned char> in_;
  std::uint64_t pos_ = 0;
  lzma_stream z_ = LZMA_STREAM_INIT;
  bool eof_ = false, end_ = false;
};

class ChampSimStream final : public ThreadStream {
 public:
  ChampSimStream(std::shared_ptr<const SharedFile> f, bool xz, bool ifetch)
      : path_(f->path()), src_(f, xz), buf_(kChunk), ifetch_(ifetch) {}

  bool next(Op& op) override {
    while (q_.empty()) {
      if (!record()) {
        if (pending_ == 0) return false;
        compute();
      }
    }
    return q_.pop(op);
  }

 private:
  static constexpr std::size_t kChunk = 1024 * kChampSimRecordSize;

  void compute() {
    Op& c = q_.push();
    c.kind = OpKind::Compute;
    c.value = pending_;
    pending_ = 0;
  }

  // Decodes the next record into q_; false at the end of the trace.
  bool record() {
    if (pos_ == end_) {
      end_ = src_.read(buf_.data(), buf_.size(), records_);
      pos_ = 0;
      if (end_ == 0) return false;
      if (end_ % kChampSimRecordSize) {
        // Short only at the end: the last record is cut.
        const std::uint64_t cut = records_ + end_ / kChampSimRecordSize;
        throw UserError(path_ + ": truncated ChampSim trace: record " + std::to_string(cut) + " (counting from 0) has " +
                        std::to_string(end_ % kChampSimRecordSize) + " of its " +
                        std::to_string(kChampSimRecordSize) + " bytes");
      }
    }
    const unsigned char* p = buf_.data() + pos_;
    pos_ += kChampSimRecordSize;
    ++records_;
    const Addr ip = le64(p);
    const std::uint32_t line = static_cast<std::uint32_t>(records_ > 0xffffffffu ? 0 : records_);
    if (ifetch_) {  // the instruction's fetch (TraceOptions::champsim_ifetch), after the compute before it
      if (pending_) compute();
      Op& f = q_.push();
      f.kind = OpKind::IFetch;
      f.addr = ip;
      f.size = 1;
      f.pc = ip;
      f.line = line;
    }
    const unsigned char* dst = p + 16;  // destination_memory[2]
    const unsigned char* src = p + 32;  // source_memory[4]
    bool mem = false;
    for (int i = 0; i < 6; ++i) {
      const Addr a = le64(i < 4 ? src + 8 * i : dst + 8 * (i - 4));
      if (!a) continue;
      if (!mem && pending_) compute();
      mem = true;
      Op& o = q_.push();
      o.kind = i < 4 ? OpKind::Load : OpKind::Store;
      o.addr = a & ~Addr(7);
      o.size = 8;
      o.pc = ip;
      o.line = static_cast<std::uint32_t>(records_ > 0xffffffffu ? 0 : records_);  // the record number, from 1
    }
    if (!mem) ++pending_;
    return true;
  }

  std::string path_;
  ByteSource src_;
  std::vector<unsigned char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t records_ = 0;  // records decoded
  std::uint64_t pending_ = 0;  // instructions without memory operands not yet emitted as compute
  trace_detail::OpQueue q_;
  bool ifetch_ = false;
};

}  // namespace

bool has_champsim_extension(const std::string& path) {
  for (const char* ext : {".champsim", ".champsimtrace", ".champsim.xz", ".champsimtrace.xz"})
    if (ends_with(path, ext)) return true;
  return false;
}

std::unique_ptr<Trace> open_champsim_trace(const std::string& path, const TraceOptions& opts) {
  auto file = std::make_shared<SharedFile>(path);
  unsigned char head[6] = {};
  const bool xz = file->read_at(0, head, 6) == 6 && std::memcmp(head, "\xFD" "7zXZ\0", 6) == 0;
  if (!xz && file->size() % kChampSimRecordSize)
    throw UserError(path + ": truncated ChampSim trace: record " + std::to_string(file->size() / kChampSimRecordSize) +
                    " (counting from 0) has " + std::to_string(file->size() % kChampSimRecordSize) + " of its " +
                    std::to_string(kChampSimRecordSize) + " bytes");
  return std::make_unique<trace_detail::SingleThreadTrace>(
      path, "champsim", [file, xz, ifetch = opts.champsim_ifetch] { return std::make_unique<ChampSimStream>(file, xz, ifetch); });
}

}  // namespace cohsim
