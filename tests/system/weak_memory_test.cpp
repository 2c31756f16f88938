// AArch64 and RISC-V ordering in the cores: the relaxed outcomes these
// architectures allow appear, the ones their barriers and acquire/release forbid
// never do, and LL/SC loops retry under contention.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

// Message passing. Thread 0 owns y (its warm-up store) and writes x then y; thread 1
// holds x (its warm-up load) and reads y then x. y's store can leave thread 0's
// store buffer before x's (x needs the bus, y does not), and thread 1's load of x
// can bind before its load of y: r0=1 r1=0. Both warm-ups are one memory access,
// served concurrently by the split bus, so equal waits make the two threads meet in
// that window; the start offsets vary the alignment.
std::map<std::string, int> mp_outcomes(const std::string& isa, const char* store_y, const char* load_y, int seeds) {
  const std::string trace = std::string("thread 0\n  store y 0\n  fence SeqCst\n  compute 300\n  store x 1 Relaxed\n") +
                            "  store y 1 " + store_y + "\nthread 1\n  load x -> w\n  fence SeqCst\n  compute 300\n" +
                            "  load y " + load_y + " -> r0\n  load x Relaxed -> r1\n";
  std::map<std::string, int> seen;
  for (int s = 0; s < seeds; ++s) {
    auto r = simulate("cores: 2\nisa: " + isa + "\ncheck: true\ncore: {start_jitter: 60}\n", trace,
                      {"--seed", std::to_string(s)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ++seen["r0=" + std::to_string(int(r.at("core1.regs.r0"))) + " r1=" + std::to_string(int(r.at("core1.regs.r1")))];
  }
  return seen;
}

TEST(WeakMemory, MessagePassingRelaxedOutcomeAppearsOnArmAndRiscv) {
  for (const char* isa : {"arm", "riscv"}) EXPECT_GT(mp_outcomes(isa, "Relaxed", "Relaxed", 16)["r0=1 r1=0"], 0) << isa;
}

TEST(WeakMemory, MessagePassingRelaxedOutcomeNeverAppearsOnX86) {
  EXPECT_EQ(mp_outcomes("x86", "Relaxed", "Relaxed", 16)["r0=1 r1=0"], 0);
}

TEST(WeakMemory, MessagePassingWithReleaseAcquireIsNeverRelaxed) {
  for (const char* isa : {"arm", "riscv", "x86"}) {
    auto seen = mp_outcomes(isa, "Release", "Acquire", 16);
    EXPECT_EQ(seen["r0=1 r1=0"], 0) << isa;
    EXPECT_GE(seen.size(), 2u) << isa << ": the offsets should vary the outcome";
  }
}

// Store buffering, as in run_test.cpp, on the weak ISAs.
std::set<std::string> sb_outcomes(const std::string& isa, const std::string& order, const std::string& core = "") {
  auto thread = [&](int t, const char* mine, const char* other, int wait) {
    return "thread " + std::to_string(t) + "\n  load x -> w0\n  load y -> w1\n  fence SeqCst\n  compute " +
           std::to_string(wait) + "\n  store " + mine + " 1 " + order + "\n  load " + other + " " +
           (order == "SeqCst" ? "SeqCst" : "Relaxed") + " -> r" + std::to_string(t) + "\n";
  };
  const std::string trace = thread(0, "x", "y", 300) + thread(1, "y", "x", 300);
  std::set<std::string> seen;
  for (int s = 0; s < 24; ++s) {
    auto r = simulate("cores: 2\nisa: " + isa + "\ncore: {start_jitter: 600" + core + "}\ncheck: true\n", trace,
                      {"--seed", std::to_string(s)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    seen.insert(std::to_string(int(r.at("core0.regs.r0"))) + std::to_string(int(r.at("core1.regs.r1"))));
  }
  return seen;
}

TEST(WeakMemory, StoreBufferingRelaxedAppearsAndSeqCstForbidsIt) {
  for (const char* isa : {"arm", "riscv"}) {
    EXPECT_TRUE(sb_outcomes(isa, "Relaxed").count("00")) << isa;
    EXPECT_FALSE(sb_outcomes(isa, "SeqCst").count("00")) << isa;
  }
}

// core.store_buffer: 0: a store is written in the L1D before the next load issues,
// so even relaxed stores and loads never show store buffering, on any ISA; the
// other three outcomes still appear (the test can see a change).
TEST(WeakMemory, NoStoreBufferForbidsStoreBufferingOnEveryIsa) {
  for (const char* isa : {"arm", "riscv", "x86"}) {
    const auto seen = sb_outcomes(isa, "Relaxed", ", store_buffer: 0");
    EXPECT_FALSE(seen.count("00")) << isa;
    EXPECT_GE(seen.size(), 2u) << isa << ": the offsets should vary the outcome";
  }
  EXPECT_TRUE(sb_outcomes("x86", "Relaxed").count("00")) << "with a store buffer x86 shows it";
}

// Four cores increment one counter. ARMv8.0's ldaxr/stlxr loop retries when another
// core takes the line between the load-exclusive and the store-exclusive; the LSE
// ldaddal and RISC-V's amoadd.d.aqrl never retry. The count is exact every time.
std::string counter_trace(int per_core) {
  std::string t;
  for (int c = 0; c < 4; ++c) {
    t += "thread " + std::to_string(c) + "\n";
    for (int i = 0; i < per_core; ++i)
      t += "  fetch_add counter 1 SeqCst -> old\n  compute " + std::to_string(i % 7) + "\n";
  }
  t += "thread 4\n  compute 2000000\n  load counter -> total\n";
  return t;
}

TEST(WeakMemory, ExclusiveLoopsRetryUnderContentionAndStayAtomic) {
  struct Case {
    const char* yaml;
    bool retries;
  };
  for (const Case& c : {Case{"isa: arm\n", true}, Case{"isa: arm\nlse: true\n", false}, Case{"isa: riscv\n", false},
                        Case{"isa: x86\n", false}}) {
    auto r = simulate(std::string("cores: 5\ncheck: true\n") + c.yaml, counter_trace(200));
    ASSERT_EQ(r.exit_code, 0) << c.yaml << r.err;
    EXPECT_EQ(r.at("core4.regs.total"), 800) << c.yaml;
    double failures = 0;
    for (int k = 0; k < 4; ++k) failures += r.at("core" + std::to_string(k) + ".sc_failures");
    if (c.retries) EXPECT_GT(failures, 0) << c.yaml;
    else EXPECT_EQ(failures, 0) << c.yaml;
  }
}

TEST(WeakMemory, FencesAreCountedByKindAsTheLoweringTablesSay) {
  // store SeqCst, load SeqCst, fence Acquire, fence SeqCst:
  //   x86:   xchg; mov; (nothing); mfence
  //   arm:   stlr; ldar; dmb ishld; dmb ish
  //   riscv: fence rw,w; sd | fence rw,rw; ld; fence r,rw | fence r,rw | fence rw,rw
  const char* trace = "thread 0\n  store x 1 SeqCst\n  load y SeqCst -> r\n  fence Acquire\n  fence SeqCst\n";
  auto x86 = simulate("cores: 1\nisa: x86\n", trace);
  ASSERT_EQ(x86.exit_code, 0) << x86.err;
  EXPECT_EQ(x86.at("core0.fences_by_kind.mfence"), 1);
  auto arm = simulate("cores: 1\nisa: arm\n", trace);
  ASSERT_EQ(arm.exit_code, 0) << arm.err;
  EXPECT_EQ(arm.at("core0.fences_by_kind.dmb_ishld"), 1);
  EXPECT_EQ(arm.at("core0.fences_by_kind.dmb_ish"), 1);
  EXPECT_EQ(arm.at("core0.acquires"), 1);
  EXPECT_EQ(arm.at("core0.releases"), 1);
  auto rv = simulate("cores: 1\nisa: riscv\n", trace);
  ASSERT_EQ(rv.exit_code, 0) << rv.err;
  EXPECT_EQ(rv.at("core0.fences_by_kind.fence_rw_w"), 1);
  EXPECT_EQ(rv.at("core0.fences_by_kind.fence_rw_rw"), 2);
  EXPECT_EQ(rv.at("core0.fences_by_kind.fence_r_rw"), 2);
  EXPECT_GT(rv.at("core0.fence_stall_core_cycles_by_kind.fence_r_rw"), 0);  // waits for the load's miss
}

TEST(WeakMemory, LseNeedsArm) {
  auto r = simulate("cores: 1\nisa: x86\nlse: true\n", "thread 0\n  load x\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("lse"), std::string::npos) << r.err;
}

}  // namespace
