#include "cpu/trace/mix_trace.hpp"

#include <cstdio>
#include <stdexcept>

#include "sim/base/error.hpp"

namespace cohsim {
namespace {

class MixStream final : public ThreadStream {
 public:
  MixStream(std::unique_ptr<ThreadStream> s, const std::string& path, unsigned index, bool separate)
      : s_(std::move(s)), path_(path), index_(index), base_(separate ? Addr(index) << kMixSpaceShift : 0) {}
  bool next(Op& op) override {
    if (!s_->next(op)) return false;
    if (base_ && (is_memory(op.kind) || op.kind == OpKind::IFetch)) {
      if (op.addr >> kMixSpaceShift)
        throw UserError(path_ + (op.line ? ":" + std::to_string(op.line) : std::string()) + ": address 0x" +
                        hex(op.addr) + " lies above 2^" + std::to_string(kMixSpaceShift) +
                        ": in a mix without virtual memory trace " + std::to_string(index_) +
                        " is placed at its index * 2^" + std::to_string(kMixSpaceShift) +
                        "; set vm.enabled: true to give each trace its own address space");
      op.addr += base_;
    }
    return true;
  }
  const std::vector<Op>* program() const override { return s_->program(); }

 private:
  static std::string hex(Addr a) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(a));
    return buf;
  }
  std::unique_ptr<ThreadStream> s_;
  std::string path_;
  unsigned index_;
  Addr base_;
};

class MixTrace final : public Trace {
 public:
  MixTrace(std::vector<std::unique_ptr<Trace>> parts, bool separate) : parts_(std::move(parts)), separate_(separate) {
    for (std::size_t i = 0; i < parts_.size(); ++i) path_ += (i ? " + " : "") + parts_[i]->path();
  }
  const std::string& path() const override { return path_; }
  const char* format() const override { return "mix"; }
  unsigned threads() const override { return static_cast<unsigned>(parts_.size()); }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override {
    if (t >= threads()) throw std::out_of_range("mix thread " + std::to_string(t));
    auto s = parts_[t]->stream(0);
    if (separate_ && t > 0 && s->program())
      throw UserError(parts_[t]->path() +
                      ": a program thread (registers, branches, waits) computes its addresses, which a mix without "
                      "virtual memory cannot move to the trace's own range; set vm.enabled: true");
    return std::make_unique<MixStream>(std::move(s), parts_[t]->path(), t, separate_);
  }
  const std::vector<std::string>& registers(unsigned t) const override { return parts_.at(t)->registers(0); }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return syms_; }

 private:
  std::vector<std::unique_ptr<Trace>> parts_;
  bool separate_;
  std::string path_;
  std::vector<std::pair<std::string, Addr>> syms_;  // (each trace's symbols name its own space: none shown)
};

}  // namespace

std::unique_ptr<Trace> open_mix_trace(const std::vector<std::string>& paths, const TraceOptions& opts,
                                      bool separate) {
  std::vector<std::unique_ptr<Trace>> parts;
  for (const std::string& p : paths) {
    parts.push_back(Trace::open(p, opts));
    if (parts.back()->threads() != 1)
      throw UserError(p + ": a trace in a multiprogrammed mix must have one thread; this one has " +
                      std::to_string(parts.back()->threads()) +
                      " (a multi-threaded program shares one address space: run it alone with --trace)");
  }
  return std::make_unique<MixTrace>(std::move(parts), separate);
}

}  // namespace cohsim
