// Programs in the text trace format: registers read, labels, branches, waits; the
// checks made when a trace is opened; the canonical text writer; the lowering.
#include "cpu/trace/program.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cpu/lowering.hpp"
#include "cpu/trace/binary_trace.hpp"
#include "cpu/trace/text_trace.hpp"
#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"

namespace fs = std::filesystem;
using namespace cohsim;

namespace {

class Program : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cohsim_program_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& content) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  std::string error_of(const std::string& content) {
    try {
      auto t = Trace::open(write("bad.trace", content));
      for (unsigned i = 0; i < t->threads(); ++i) {
        auto s = t->stream(i);
        Op op;
        while (s->next(op)) {
        }
      }
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  }
  static std::vector<Op> ops_of(const Trace& t, unsigned thread) {
    std::vector<Op> v;
    auto s = t.stream(thread);
    Op op;
    while (s->next(op)) v.push_back(op);
    return v;
  }
  fs::path dir_;
};

#define EXPECT_HAS(msg, sub) EXPECT_NE(std::string(msg).find(sub), std::string::npos) << msg

const char* kSpin = R"(# a counter loop, an address through a register, a wait
place arr 0x2000
thread 0
  mov 0 -> i
  mov 0 -> off
  mov 0 -> sum
loop:
  load [arr + off] -> v
  add sum v -> sum
  add off 8 -> off
  add i 1 -> i
  blt i 4 loop
  store total sum Release
  wait flag != 0 Acquire -> f
  xor f f -> z
  load [buf + z] -> d
  compare_exchange lock z f Acquire Relaxed -> old
  beq old 0 done
  jump end
done:
  store lock 0 Release
end:
thread 1
  store flag 1 Release
)";

}  // namespace

TEST_F(Program, ParsesRegistersLabelsBranchesAndWaits) {
  auto t = Trace::open(write("spin.trace", kSpin));
  auto s = t->stream(0);
  ASSERT_NE(s->program(), nullptr) << "thread 0 is a program";
  EXPECT_EQ(t->stream(1)->program(), nullptr) << "thread 1 is straight-line";
  const std::vector<Op> ops = ops_of(*t, 0);
  ASSERT_EQ(ops.size(), 16u);
  const auto& regs = t->registers(0);
  auto reg = [&](const std::string& n) {
    for (std::size_t i = 0; i < regs.size(); ++i)
      if (regs[i] == n) return std::int16_t(i);
    return std::int16_t(-2);
  };
  // load [arr + off] -> v
  EXPECT_EQ(ops[3].kind, OpKind::Load);
  EXPECT_EQ(ops[3].addr, 0x2000u);
  EXPECT_EQ(ops[3].areg, reg("off"));
  EXPECT_EQ(ops[3].reg, reg("v"));
  // add sum v -> sum
  EXPECT_EQ(ops[4].kind, OpKind::Add);
  EXPECT_EQ(ops[4].ereg, reg("sum"));
  EXPECT_EQ(ops[4].vreg, reg("v"));
  // blt i 4 loop: back to op 3
  EXPECT_EQ(ops[7].kind, OpKind::Branch);
  EXPECT_EQ(ops[7].cond, Cond::Lt);
  EXPECT_EQ(ops[7].ereg, reg("i"));
  EXPECT_EQ(ops[7].vreg, -1);
  EXPECT_EQ(ops[7].value, 4u);
  EXPECT_EQ(ops[7].target, 3u);
  EXPECT_EQ(ops[7].line, 12u);
  // store total sum Release: the value from a register
  EXPECT_EQ(ops[8].vreg, reg("sum"));
  // wait flag != 0 Acquire -> f
  EXPECT_EQ(ops[9].kind, OpKind::Wait);
  EXPECT_EQ(ops[9].cond, Cond::Ne);
  EXPECT_EQ(ops[9].order, Ordering::Acquire);
  EXPECT_EQ(ops[9].reg, reg("f"));
  // compare_exchange lock z f ...: expected and desired from registers
  EXPECT_EQ(ops[12].ereg, reg("z"));
  EXPECT_EQ(ops[12].vreg, reg("f"));
  // beq old 0 done -> op 15; jump end -> op 16 (the end of the thread)
  EXPECT_EQ(ops[13].target, 15u);
  EXPECT_EQ(ops[14].cond, Cond::Always);
  EXPECT_EQ(ops[14].target, 16u);
  // The counter loop reads memory and writes none: a spin loop for the watchdog.
  EXPECT_TRUE(ops[3].flags & kOpInSpinLoop);
  EXPECT_FALSE(ops[8].flags & kOpInSpinLoop);
}

TEST_F(Program, RefusesAReadOfAnUnwrittenRegister) {
  std::string m = error_of("thread 0\n  load [x + r1] -> r2\n  mov 1 -> r1\n");
  EXPECT_HAS(m, "bad.trace:2:");
  EXPECT_HAS(m, "register 'r1' may be read before it is written");
  // Written on one path only.
  m = error_of("thread 0\n  load x -> a\n  beq a 0 skip\n  mov 1 -> b\nskip:\n  store y b\n");
  EXPECT_HAS(m, "bad.trace:6:");
  EXPECT_HAS(m, "'b' may be read before");
  // Written on every path: fine.
  EXPECT_EQ(error_of("thread 0\n  load x -> a\n  mov 2 -> b\n  beq a 0 skip\n  mov 1 -> b\nskip:\n  store y b\n"), "");
}

TEST_F(Program, RefusesALoopWithoutMemoryAccessOrExit) {
  std::string m = error_of("thread 0\n  mov 0 -> r\nspin:\n  add r 1 -> r\n  jump spin\n");
  EXPECT_HAS(m, "bad.trace:4:");
  EXPECT_HAS(m, "no memory access and no exit");
  // With an exit, or with a memory access, a loop is fine.
  EXPECT_EQ(error_of("thread 0\n  mov 0 -> r\nspin:\n  add r 1 -> r\n  blt r 9 spin\n"), "");
  EXPECT_EQ(error_of("thread 0\nspin:\n  load x\n  jump spin\n"), "");
}

TEST_F(Program, RefusesBranchesOutsideTheThread) {
  std::string m = error_of("thread 0\na:\n  load x\nthread 1\n  jump a\n");
  EXPECT_HAS(m, "bad.trace:5:");
  EXPECT_HAS(m, "label 'a' is in thread 0, not in thread 1");
  m = error_of("thread 0\n  load x\n  jump nowhere\n");
  EXPECT_HAS(m, "bad.trace:3:");
  EXPECT_HAS(m, "unknown label 'nowhere'");
  m = error_of("thread 0\na:\n  load x\na:\n  load y\n");
  EXPECT_HAS(m, "bad.trace:4:");
  EXPECT_HAS(m, "already defined at line 2");
  // The binary checker, for any format: a target past the end.
  std::vector<Op> ops(1);
  ops[0].kind = OpKind::Branch;
  ops[0].target = 5;
  ops[0].line = 7;
  try {
    check_program(ops, "p", 0, {});
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_HAS(e.what(), "p:7:");
    EXPECT_HAS(e.what(), "outside the thread");
  }
}

TEST_F(Program, OperandErrorsNameTheLine) {
  EXPECT_HAS(error_of("thread 0\n  store x nosuch\n"), "unknown register 'nosuch'");
  EXPECT_HAS(error_of("thread 0\n  mov 1\n"), "missing the destination `-> REG`");
  EXPECT_HAS(error_of("thread 0\n  wait x = 1 Acquire\n"), "expected `==` or `!=`");
  EXPECT_HAS(error_of("thread 0\n  wait x == 1\n"), "missing ORDER");
  EXPECT_HAS(error_of("thread 0\n  wait x == 1 Release\n"), "cannot be Release");
  EXPECT_HAS(error_of("thread 0\n  mov 1 -> a\n  load [x + a + b] -> b\n"), "bad.trace:3:");
  EXPECT_HAS(error_of("thread 0\n  mov 1 -> a\n  load [x + a\n"), "missing ']'");
}

TEST_F(Program, CanonicalTextRoundTripsAndBinaryRefuses) {
  auto t = Trace::open(write("spin.trace", kSpin));
  const std::string out = (dir_ / "out.trace").string();
  write_text_trace(*t, out);
  auto u = Trace::open(out);
  for (unsigned th = 0; th < 2; ++th) {
    const auto a = ops_of(*t, th), b = ops_of(*u, th);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(a[i].kind, b[i].kind);
      EXPECT_EQ(a[i].addr, b[i].addr);
      EXPECT_EQ(a[i].value, b[i].value);
      EXPECT_EQ(a[i].expected, b[i].expected);
      EXPECT_EQ(a[i].target, b[i].target);
      EXPECT_EQ(a[i].cond, b[i].cond);
      EXPECT_EQ(a[i].order, b[i].order);
      for (auto [x, y] :
           {std::pair{a[i].reg, b[i].reg}, {a[i].areg, b[i].areg}, {a[i].vreg, b[i].vreg}, {a[i].ereg, b[i].ereg}}) {
        EXPECT_EQ(x < 0, y < 0);
        if (x >= 0 && y >= 0) EXPECT_EQ(t->registers(th)[std::size_t(x)], u->registers(th)[std::size_t(y)]);
      }
    }
  }
  try {
    write_binary_trace(*t, (dir_ / "out.bin").string());
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_HAS(e.what(), "is a program");
  }
}

// A wait is the ISA's load, a compare, the exit branch, the spin hint Rust's
// spin_loop() emits (x86 pause, AArch64 isb; none on rv64gc) and the jump back.
TEST(ProgramLowering, WaitIsALoadCompareBranchLoop) {
  Op w;
  w.kind = OpKind::Wait;
  w.cond = Cond::Eq;
  w.order = Ordering::Acquire;
  EXPECT_EQ(Lowering::for_isa("x86").text(w), "mov; cmp; je (done); pause; jmp (loop)");
  EXPECT_EQ(Lowering::for_isa("arm").text(w), "ldar; cmp; b.eq (done); isb; b (loop)");
  EXPECT_EQ(Lowering::for_isa("riscv").text(w), "ld; fence r,rw; beq (done); j (loop)");
  w.cond = Cond::Ne;
  w.order = Ordering::SeqCst;
  EXPECT_EQ(Lowering::for_isa("riscv").text(w), "fence rw,rw; ld; fence r,rw; bne (done); j (loop)");
  EXPECT_TRUE(Lowering::for_isa("riscv").lower(w).insts[0].ctl & kLoopStart);
  Op b;
  b.kind = OpKind::Branch;
  b.cond = Cond::Lt;
  EXPECT_EQ(Lowering::for_isa("x86").text(b), "cmp; jb (target)");
  EXPECT_EQ(Lowering::for_isa("arm").text(b), "cmp; b.lo (target)");
  EXPECT_EQ(Lowering::for_isa("riscv").text(b), "bltu (target)");
}

namespace {

// Regression: the loop check visited the control-flow graph recursively, so a recorded
// program (a wait makes a thread a program) with about 600,000 straight-line operations
// overflowed the stack (SIGSEGV when the trace was opened). Now iterative.
TEST_F(Program, AMillionStraightLineOperationsOpenWithoutOverflowingTheStack) {
  std::string text = "thread 0\n  wait x == 0 Acquire\n";
  text.reserve(20u << 20);
  for (int i = 0; i < 1000000; ++i) text += "  store y 1\n";
  text += "spin:\n  load x\n  jump spin\n";  // and a loop: the components are still found
  const std::string err = error_of(text);
  EXPECT_EQ(err, "");
  auto t = Trace::open(write("long.trace", text));
  EXPECT_EQ(ops_of(*t, 0).size(), 1000003u);
}

}  // namespace
