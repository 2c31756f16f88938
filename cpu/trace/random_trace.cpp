#include "cpu/trace/random_trace.hpp"

namespace cohsim {

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class RandomStream final : public ThreadStream {
 public:
  RandomStream(const RandomTraceParams& p, unsigned thread)
      : p_(p), state_(p.seed * 0x100000001b3ULL + thread * 0x9e3779b97f4a7c15ULL + 1) {}

  bool next(Op& op) override {
    if (done_ == p_.ops_per_thread) return false;
    ++done_;
    op = Op{};
    const std::uint64_t r = splitmix(state_);
    // Lines sit 4 KiB apart in groups of four consecutive lines, so small caches
    // see both neighbours and conflicts.
    const unsigned line = unsigned((r >> 8) % p_.lines);
    op.addr = p_.base + (line % 4) * p_.line_size + (line / 4) * 4096 + ((r >> 24) % (p_.line_size / 8)) * 8;
    op.size = 8;
    op.value = (r >> 32) % 1000;
    op.line = unsigned(done_);
    static constexpr Ordering orders[] = {Ordering::Relaxed, Ordering::Acquire, Ordering::Release, Ordering::AcqRel,
                                          Ordering::SeqCst};
    switch (r % 20) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
        op.kind = OpKind::Load;
        op.reg = std::int16_t(r % 4);
        op.order = (r >> 40) & 1 ? Ordering::Plain : Ordering::Acquire;
        break;
      case 7:
      case 8:
      case 9:
      case 10:
      case 11:
        op.kind = OpKind::Store;
        op.order = (r >> 40) & 1 ? Ordering::Plain : ((r >> 41) & 1 ? Ordering::Release : Ordering::SeqCst);
        break;
      case 12:
      case 13:
        op.kind = OpKind::FetchAdd;
        op.reg = 4;
        op.order = orders[(r >> 44) % 5];
        break;
      case 14:
        op.kind = OpKind::Swap;
        op.reg = 4;
        op.order = orders[(r >> 44) % 5];
        break;
      case 15:
        op.kind = OpKind::CompareExchange;
        op.reg = 4;
        op.expected = (r >> 48) % 4;
        op.order = Ordering::SeqCst;
        op.fail_order = Ordering::Relaxed;
        break;
      case 16:
        op.kind = OpKind::Fence;
        op.order = Ordering::SeqCst;
        break;
      default: op.kind = OpKind::Compute; op.value = (r >> 32) % 40;
    }
    return true;
  }

 private:
  RandomTraceParams p_;
  std::uint64_t state_;
  std::uint64_t done_ = 0;
};

class RandomTrace final : public Trace {
 public:
  explicit RandomTrace(const RandomTraceParams& p) : p_(p), regs_{"r0", "r1", "r2", "r3", "rmw"} {}
  const std::string& path() const override { return path_; }
  const char* format() const override { return "random"; }
  unsigned threads() const override { return p_.threads; }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override { return std::make_unique<RandomStream>(p_, t); }
  const std::vector<std::string>& registers(unsigned) const override { return regs_; }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return symbols_; }

 private:
  RandomTraceParams p_;
  std::string path_ = "(random stress trace)";
  std::vector<std::string> regs_;
  std::vector<std::pair<std::string, Addr>> symbols_;
};

}  // namespace

std::unique_ptr<Trace> make_random_trace(const RandomTraceParams& p) { return std::make_unique<RandomTrace>(p); }

}  // namespace cohsim
