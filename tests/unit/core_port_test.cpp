// A core against a mock L1 port (coherence/l1_port.hpp), stepped cycle by cycle
// without the SystemC kernel running: the paths of the core (load binding, store
// drain, barriers, acquire/release) follow the ISA's ordering rules. Lines are granted
// by hand, so what may pass what is seen directly; the expectations are the
// architectures' (x86 TSO keeps R->R, R->W, W->W; AArch64 keeps none of them but
// orders around barriers, acquire, release, RCsc release -> acquire).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "cpu/core.hpp"

namespace cohsim {
namespace {

constexpr Addr kX = 0x1000, kY = 0x2000;
constexpr Tick kPeriod = 1000;

std::string name_of(Addr a) { return a == kX ? "x" : a == kY ? "y" : "?"; }

class MockL1 final : public L1Port {
 public:
  std::map<LineAddr, int> perm;  // 1 readable, 2 writable
  std::map<Addr, std::uint64_t> mem;
  std::vector<std::string> log;  // "W x=1", "R y=7", in the order the core performed them
  std::set<std::tuple<Addr, bool, Addr>> pcs;  // (address, write, access_pc()) of each access()
  Access access(Tick t, Addr a, bool write, bool, AccessKind) override {
    pcs.insert({a, write, access_pc()});
    if (l1_has(a, write)) return {Access::Ready, t};
    return {Access::Pending, 0};
  }
  bool l1_has(Addr a, bool write) const override {
    auto it = perm.find(a >> 6);
    return it != perm.end() && it->second >= (write ? 2 : 1);
  }
  std::uint64_t read(Tick, Addr a, unsigned) override {
    log.push_back("R " + name_of(a) + "=" + std::to_string(mem[a]));
    return mem[a];
  }
  void write(Tick, Addr a, unsigned, std::uint64_t v) override {
    mem[a] = v;
    log.push_back("W " + name_of(a) + "=" + std::to_string(v));
  }
  bool hold(LineAddr) override { return false; }
  void release(Tick) override {}
  unsigned line_size() const override { return 64; }
  std::string dump_pending() const override { return ""; }
  void set_trace_line(std::uint32_t) override {}
};

class Ops final : public ThreadStream {
 public:
  explicit Ops(std::vector<Op> ops) : ops_(std::move(ops)) {}
  bool next(Op& op) override {
    if (i_ >= ops_.size()) return false;
    op = ops_[i_++];
    return true;
  }

 private:
  std::vector<Op> ops_;
  std::size_t i_ = 0;
};

Op load(Addr a, Ordering o, int reg) {
  Op op;
  op.kind = OpKind::Load, op.addr = a, op.order = o, op.reg = std::int16_t(reg);
  return op;
}
Op store(Addr a, Ordering o, std::uint64_t v) {
  Op op;
  op.kind = OpKind::Store, op.addr = a, op.order = o, op.value = v;
  return op;
}
Op fence(Ordering o) {
  Op op;
  op.kind = OpKind::Fence, op.order = o;
  return op;
}

// One core on `isa` running `ops` against `l1`: steps `cycles` cycles, then grants
// `grant` (writable) and tells the core, then steps `cycles` more. Returns the L1's
// log as "before | after" of the grant.
struct Result {
  std::string before, after;
  std::vector<std::uint64_t> regs_before;
};
Result run(const char* name, const std::string& isa, std::vector<Op> ops, MockL1& l1, Addr grant, int cycles = 12) {
  CoreParams cp;
  cp.period = kPeriod;
  cp.start = 0;
  Core core(name, 0, cp, std::make_unique<Ops>(std::move(ops)), Lowering::for_isa(isa), &l1, 4);
  Tick t = 0;
  auto join = [&](std::size_t from) {
    std::string s;
    for (std::size_t i = from; i < l1.log.size(); ++i) s += (s.empty() ? "" : ", ") + l1.log[i];
    return s;
  };
  for (int i = 0; i < cycles; ++i, t += kPeriod) core.step(t);
  Result r;
  r.before = join(0);
  r.regs_before = core.registers();
  const std::size_t mark = l1.log.size();
  l1.perm[grant >> 6] = 2;
  core.line_ready(t, grant >> 6);
  for (int i = 0; i < cycles; ++i, t += kPeriod) core.step(t);
  r.after = join(mark);
  EXPECT_TRUE(core.done()) << name;
  return r;
}

MockL1 with_y_writable() {
  MockL1 l1;
  l1.perm[kY >> 6] = 2;
  l1.mem[kY] = 7;
  return l1;
}

// The cache sees each access's PC (Op::pc, from imported traces) as access_pc().
TEST(CorePort, TheCacheSeesEachAccessesPc) {
  MockL1 l1 = with_y_writable();
  std::vector<Op> ops{load(kX, Ordering::Plain, 0), store(kX, Ordering::Plain, 5), load(kY, Ordering::Plain, 1)};
  ops[0].pc = 0x401000, ops[1].pc = 0x401004;  // the last op has none
  run("pc", "x86", ops, l1, kX);
  const std::set<std::tuple<Addr, bool, Addr>> want{
      {kX, false, 0x401000}, {kX, true, 0x401004}, {kY, false, 0}};
  EXPECT_EQ(l1.pcs, want);
}

// load x (a miss) then load y (a hit): x86 keeps R->R, AArch64 does not.
TEST(CorePort, LoadLoadOrderFollowsTheIsa) {
  MockL1 a = with_y_writable(), x = with_y_writable();
  const std::vector<Op> ops{load(kX, Ordering::Relaxed, 0), load(kY, Ordering::Relaxed, 1)};
  Result ra = run("ll_arm", "arm", ops, a, kX);
  EXPECT_EQ(ra.before, "R y=7");
  EXPECT_EQ(ra.regs_before[1], 7u);
  EXPECT_EQ(ra.after, "R x=0");
  Result rx = run("ll_x86", "x86", ops, x, kX);
  EXPECT_EQ(rx.before, "");
  EXPECT_EQ(rx.regs_before[1], 0u);
  EXPECT_EQ(rx.after, "R x=0, R y=7");
}

// store x (a miss) then store y (writable): x86 drains in order, AArch64 lets y pass;
// a release store y waits on AArch64 too.
TEST(CorePort, StoreStoreOrderAndRelease) {
  MockL1 a = with_y_writable(), x = with_y_writable(), r = with_y_writable();
  const std::vector<Op> ops{store(kX, Ordering::Relaxed, 1), store(kY, Ordering::Relaxed, 2)};
  EXPECT_EQ(run("ss_arm", "arm", ops, a, kX).before, "W y=2");
  Result rx = run("ss_x86", "x86", ops, x, kX);
  EXPECT_EQ(rx.before, "");
  EXPECT_EQ(rx.after, "W x=1, W y=2");
  Result rr = run("ss_rel_arm", "arm", {store(kX, Ordering::Relaxed, 1), store(kY, Ordering::Release, 2)}, r, kX);
  EXPECT_EQ(rr.before, "");
  EXPECT_EQ(rr.after, "W x=1, W y=2");
}

// store x (a miss) then load y: every ISA lets the load pass (store buffering), unless
// the store is a release and the load an acquire (AArch64 RCsc), or a full barrier
// sits between them (dmb ish; not dmb ishld, which orders loads only).
TEST(CorePort, StoreLoadOrderBarriersAndRcsc) {
  struct Case {
    const char* name;
    const char* isa;
    std::vector<Op> ops;
    bool load_first;
  };
  const std::vector<Case> cases{
      {"sl_x86", "x86", {store(kX, Ordering::Relaxed, 1), load(kY, Ordering::Relaxed, 0)}, true},
      {"sl_arm", "arm", {store(kX, Ordering::Relaxed, 1), load(kY, Ordering::Relaxed, 0)}, true},
      {"sl_rel_acq_arm", "arm", {store(kX, Ordering::Release, 1), load(kY, Ordering::Acquire, 0)}, false},
      {"sl_rel_rlx_arm", "arm", {store(kX, Ordering::Release, 1), load(kY, Ordering::Relaxed, 0)}, true},
      {"sl_dmb_ish", "arm", {store(kX, Ordering::Relaxed, 1), fence(Ordering::SeqCst), load(kY, Ordering::Relaxed, 0)}, false},
      {"sl_dmb_ishld", "arm", {store(kX, Ordering::Relaxed, 1), fence(Ordering::Acquire), load(kY, Ordering::Relaxed, 0)}, true},
      {"sl_mfence", "x86", {store(kX, Ordering::Relaxed, 1), fence(Ordering::SeqCst), load(kY, Ordering::Relaxed, 0)}, false},
      {"sl_fence_tso", "riscv", {store(kX, Ordering::Relaxed, 1), fence(Ordering::AcqRel), load(kY, Ordering::Relaxed, 0)}, false},
  };
  for (const Case& c : cases) {
    MockL1 l1 = with_y_writable();
    Result r = run(c.name, c.isa, c.ops, l1, kX);
    if (c.load_first) {
      EXPECT_EQ(r.before, "R y=7") << c.name;
      EXPECT_EQ(r.after, "W x=1") << c.name;
    } else {
      EXPECT_EQ(r.before, "") << c.name;
      EXPECT_EQ(r.after, "W x=1, R y=7") << c.name;
    }
  }
}

}  // namespace
}  // namespace cohsim
