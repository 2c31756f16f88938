#include "cpu/trace/random_trace.hpp"
#include "sim/base/random.hpp"

namespace cohsim {

namespace {

class RandomStream final : public ThreadStream {
 public:
  RandomStream(const RandomTraceParams& p, unsigned thread)
      : p_(p),
        rng_(random_stream(p.seed, "stress.ops", thread)),
        steer_rng_(random_stream(p.seed, "stress.steering", thread)),
        thread_(thread) {}

  bool next(Op& op) override {
    if (done_ == p_.ops_per_thread) return false;
    ++done_;
    if (RandomSteering* st = p_.steering.get()) {
      if (++st->ops >= st->start && st->update && (st->ops - st->start) % st->period == 0) st->update(*st);
      // A solo epoch: the other threads wait (compute), so the bus or network carries
      // only this thread's requests and none of theirs slips in between.
      if (st->solo >= 0 && unsigned(st->solo) != thread_ && pending_ == 0) {
        op = Op{};
        op.kind = OpKind::Compute;
        op.value = 40;
        op.line = unsigned(done_);
        return true;
      }
      if (pending_ == 0 && st->ops >= st->start) choose_pattern(*st);
      if (pending_ > 0) {
        patterned(op);
        return true;
      }
    }
    plain(op);
    return true;
  }

 private:
  // The plain mix: the operation kind, line, word and ordering from one draw.
  void plain(Op& op) {
    op = Op{};
    const std::uint64_t r = rng_.next();
    const unsigned line = unsigned((r >> 8) % p_.lines);
    op.addr = addr_of(line, unsigned((r >> 24) % (p_.line_size / 8)));
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
  }

  // Lines sit 4 KiB apart in groups of four consecutive lines, so small caches see
  // both neighbours and conflicts; lines i, i+4, i+8, ... share a set in any cache of
  // up to 64 sets. Line numbers from `lines` up are the patterns' cold lines.
  Addr addr_of(unsigned line, unsigned word) const {
    return p_.base + (line % 4) * p_.line_size + (line / 4) * 4096 + word * 8;
  }

  void choose_pattern(const RandomSteering& st) {
    const std::uint64_t r = steer_rng_.next();
    std::uint32_t x = std::uint32_t(r % 1024);
    int pick = -1;
    for (int k = 0; k < kRandomPatterns && pick < 0; ++k) {
      if (x < st.weight[std::size_t(k)]) pick = k;
      else x -= st.weight[std::size_t(k)];
    }
    if (pick < 0) return;  // the plain mix this time
    pattern_ = RandomPattern(pick);
    step_ = 0;
    const unsigned words = p_.line_size / 8;
    line_ = unsigned((r >> 10) % p_.lines);
    word_ = unsigned((r >> 20) % words);
    other_word_ = (word_ + 1 + unsigned((r >> 26) % (words > 1 ? words - 1 : 1))) % words;
    bits_ = r >> 32;
    switch (pattern_) {
      case RandomPattern::PairSameLine: pending_ = 2; break;
      case RandomPattern::MissBurst: pending_ = 2 + 2 + unsigned(bits_ % 3); break;
      case RandomPattern::SetThrash: pending_ = 3 + unsigned(bits_ % 3); break;
      case RandomPattern::HotLine:
        pending_ = 1 + unsigned(bits_ % 3);
        line_ = st.hot_line % p_.lines;
        break;
      case RandomPattern::LongGap: pending_ = 2; break;
      case RandomPattern::Retry:
        pending_ = 5;
        line_ = st.hot_line % p_.lines;
        break;
      default: pending_ = 0;
    }
  }

  // One access of the pattern: kind 0 load, 1 store, 2 fetch_add (Relaxed or Plain
  // orderings: no fence between the pattern's accesses).
  void access(Op& op, unsigned line, unsigned word, unsigned kind) {
    op = Op{};
    op.addr = addr_of(line, word);
    op.size = 8;
    op.line = unsigned(done_);
    op.value = bits_ % 1000;
    if (kind == 0) {
      op.kind = OpKind::Load;
      op.reg = std::int16_t(step_ % 4);
      op.order = Ordering::Plain;
    } else if (kind == 1) {
      op.kind = OpKind::Store;
      op.order = Ordering::Plain;
    } else {
      op.kind = OpKind::FetchAdd;
      op.reg = 4;
      op.order = Ordering::Relaxed;
    }
  }

  void patterned(Op& op) {
    const unsigned step = step_++;
    --pending_;
    const unsigned cold = p_.lines + 4 * ((bits_ >> 8) % 4);  // a line beyond the contended ones
    switch (pattern_) {
      case RandomPattern::PairSameLine:
        // load+store, store+load, load+load, store+store or with an atomic: the second
        // reaches the line while the first one's request is under way.
        access(op, line_, step == 0 ? word_ : other_word_, unsigned((bits_ >> (2 * step)) % 3));
        break;
      case RandomPattern::MissBurst:
        if (pending_ >= 2) access(op, cold + step * 4 + (line_ % 4), 0, 0);  // cold loads fill the MSHRs
        else access(op, line_, pending_ == 1 ? word_ : other_word_, pending_ == 1 ? 1u : 0u);
        break;
      case RandomPattern::SetThrash:
        access(op, (line_ % 4) + 4 * ((step + unsigned(bits_ >> 4)) % (p_.lines / 4 + 4)), word_,
               unsigned((bits_ >> (3 * step)) % 2));
        break;
      case RandomPattern::HotLine:
        access(op, line_, (word_ + step) % (p_.line_size / 8), unsigned((bits_ >> (2 * step)) % 3));
        break;
      case RandomPattern::LongGap:
        if (step == 0) {
          op = Op{};
          op.kind = OpKind::Compute;
          op.value = 100 + bits_ % 400;
          op.line = unsigned(done_);
        } else {
          access(op, line_, word_, unsigned((bits_ >> 12) % 3));
        }
        break;
      case RandomPattern::Retry: {
        // A core waits for a line it missed until a line of the same wake-up bucket
        // (line number mod 4 here: see addr_of) is ready, then retries (cpu/core.hpp,
        // wait_for). Load the hot line; miss on a cold line (an x86 store then waits
        // for that load: the partner's miss below goes out first); store to the hot
        // line (an upgrade from S, or a miss); an access to the hot line's bucket
        // partner (the other contended line of the bucket, often owned by another
        // core and answered cache-to-cache, or a cold line of it); a second store (or
        // fetch_add) to the hot line, retried when the partner's data comes, in
        // whatever transient state the first store's request has then reached.
        const unsigned partner = p_.lines >= 8 && (bits_ >> 20) % 4 ? (line_ + 4) % (p_.lines & ~3u)
                                                                      : p_.lines + (line_ % 4) + 4 * ((bits_ >> 8) % 4);
        if (step == 1) access(op, p_.lines + ((line_ + 1) % 4) + 4 * ((bits_ >> 12) % 4), 0, 0);
        else if (step == 3) access(op, partner, word_, (bits_ >> 24) % 4 ? 0u : 1u);
        else access(op, line_, step == 4 ? other_word_ : word_, step == 0 ? 0u : step == 4 && (bits_ >> 28) % 4 == 0 ? 2u : 1u);
        break;
      }
      default: plain(op);
    }
  }

  RandomTraceParams p_;
  Random rng_;
  Random steer_rng_;  // the patterns' draws (the plain mix keeps its own sequence)
  unsigned thread_;
  std::uint64_t done_ = 0;
  // The pattern under way: operations left, the step, its line and words.
  RandomPattern pattern_ = RandomPattern::PairSameLine;
  unsigned pending_ = 0, step_ = 0, line_ = 0, word_ = 0, other_word_ = 0;
  std::uint64_t bits_ = 0;
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
