// The litmus format (traces/litmus/README.md): parsing, conditions, outcome keys and
// the traces the runner builds. No simulation here (tests/system/litmus_catalogue_test.cpp).
#include "cpu/litmus/litmus.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "sim/base/error.hpp"

using namespace cohsim;

namespace {

const char* kMP = R"(litmus MP+rel+acq
init x = 0; y = 0
thread 0 {
  x.store(1, Ordering::Relaxed);
  y.store(1, Ordering::Release);
}
thread 1 {
  let r0 = y.load(Ordering::Acquire);
  let r1 = x.load(Ordering::Relaxed);
}
exists (1:r0 == 1 && 1:r1 == 0)
)";

std::string error_of(const std::string& text) {
  try {
    parse_litmus_text(text, "t.litmus");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

std::vector<Op> ops_of(const Trace& t, unsigned th) {
  std::vector<Op> v;
  auto s = t.stream(th);
  Op op;
  while (s->next(op)) v.push_back(op);
  return v;
}

TEST(LitmusParse, HeaderExampleMeansWhatItSays) {
  LitmusTest t = parse_litmus_text(kMP, "mp.litmus");
  EXPECT_EQ(t.name, "MP+rel+acq");
  EXPECT_EQ(t.threads, 2u);
  ASSERT_EQ(t.init.size(), 2u);
  EXPECT_EQ(t.init[0].first, "x");
  EXPECT_EQ(t.condition_text, "exists (1:r0 == 1 && 1:r1 == 0)");
  EXPECT_EQ(t.expectation, "");
  ASSERT_EQ(t.registers.size(), 2u);
  EXPECT_TRUE(t.registers[0].empty());
  EXPECT_EQ(t.registers[1], (std::vector<std::string>{"r0", "r1"}));
  auto tr = litmus_trace(t);
  ASSERT_EQ(tr->threads(), 2u);
  auto t0 = ops_of(*tr, 0), t1 = ops_of(*tr, 1);
  ASSERT_EQ(t0.size(), 2u);
  EXPECT_EQ(t0[0].kind, OpKind::Store);
  EXPECT_EQ(t0[0].order, Ordering::Relaxed);
  EXPECT_EQ(t0[0].addr, 0x10000u);
  EXPECT_EQ(t0[0].value, 1u);
  EXPECT_EQ(t0[0].line, 4u);
  EXPECT_EQ(t0[1].order, Ordering::Release);
  EXPECT_EQ(t0[1].addr, 0x10040u);
  ASSERT_EQ(t1.size(), 2u);
  EXPECT_EQ(t1[0].kind, OpKind::Load);
  EXPECT_EQ(t1[0].order, Ordering::Acquire);
  EXPECT_EQ(t1[0].reg, 0);
  EXPECT_EQ(t1[1].reg, 1);
  EXPECT_EQ(t1[1].line, 9u);
  EXPECT_EQ(tr->registers(1), t.registers[1]);
  LitmusOutcome o{{{}, {1, 0}}, {}};
  EXPECT_TRUE(condition_holds(t, o));
  EXPECT_EQ(outcome_key(t, o), "1:r0=1 1:r1=0");
  o.regs[1] = {1, 1};
  EXPECT_FALSE(condition_holds(t, o));
}

TEST(LitmusParse, TraceTextKeepsTheLitmusLineNumbers) {
  LitmusTest t = parse_litmus_text(kMP, "mp.litmus");
  std::vector<std::string> lines;
  std::istringstream in(t.trace_text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines[2], "thread 0");
  EXPECT_EQ(lines[3], "  store x 1 Relaxed");
  EXPECT_EQ(lines[4], "  store y 1 Release");
  EXPECT_EQ(lines[6], "thread 1");
  EXPECT_EQ(lines[7], "  load y Acquire -> r0");
  EXPECT_EQ(lines[1], "");
}

TEST(LitmusParse, EveryStatementForm) {
  LitmusTest t = parse_litmus_text(R"(
thread 0 {
  *x = 1;
  let a = *x;
  let b = x.fetch_add(2, Ordering::SeqCst);
  let c = x.swap(3, AcqRel);
  y.fetch_or(1, Ordering::Relaxed);
  let d = x.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed);
  let mut e = x.compare_exchange_weak(1, 2, Ordering::SeqCst, Ordering::SeqCst);
  fence(Ordering::SeqCst);
  std::sync::atomic::fence(Ordering::Release);   // a comment
}
exists (0:a == 1 || !(x == 3) && 0:e != 2)
expect arm: allowed; x86: forbidden
expect allowed
)",
                                   "all.litmus");
  EXPECT_EQ(t.name, "all");
  auto ops = ops_of(*litmus_trace(t), 0);
  ASSERT_EQ(ops.size(), 9u);
  EXPECT_EQ(ops[0].order, Ordering::Plain);
  EXPECT_EQ(ops[0].kind, OpKind::Store);
  EXPECT_EQ(ops[1].order, Ordering::Plain);
  EXPECT_EQ(ops[1].kind, OpKind::Load);
  EXPECT_EQ(ops[2].kind, OpKind::FetchAdd);
  EXPECT_EQ(ops[3].kind, OpKind::Swap);
  EXPECT_EQ(ops[3].order, Ordering::AcqRel);
  EXPECT_EQ(ops[4].kind, OpKind::FetchOr);
  EXPECT_EQ(ops[4].reg, -1);
  EXPECT_EQ(ops[5].kind, OpKind::CompareExchange);
  EXPECT_EQ(ops[5].expected, 0u);
  EXPECT_EQ(ops[5].value, 1u);
  EXPECT_EQ(ops[5].fail_order, Ordering::Relaxed);
  EXPECT_EQ(ops[6].kind, OpKind::CompareExchangeWeak);
  EXPECT_EQ(ops[7].kind, OpKind::Fence);
  EXPECT_EQ(ops[8].order, Ordering::Release);
  EXPECT_TRUE(t.condition_reads_memory);
  EXPECT_EQ(expectation_for(t, "arm"), "allowed");
  EXPECT_EQ(expectation_for(t, "x86"), "forbidden");
  EXPECT_EQ(expectation_for(t, "riscv"), "allowed");
  LitmusOutcome o{{{0, 0, 0, 0, 2}}, {3, 0}};
  EXPECT_FALSE(condition_holds(t, o));
  o.memory = {4, 0};
  o.regs[0][4] = 1;
  EXPECT_TRUE(condition_holds(t, o));
  EXPECT_EQ(outcome_key(t, o), "0:a=0 0:b=0 0:c=0 0:d=0 0:e=1 x=4");
}

TEST(LitmusParse, NonZeroInitialValuesAreStoredByThreadZeroOnLineZero) {
  LitmusTest t = parse_litmus_text(
      "init x = 5; y = 0\nthread 0 {\n let r = x.load(Relaxed);\n}\n"
      "thread 1 {\n y.store(1, Relaxed);\n}\nexists (0:r == 5)\n",
      "i.litmus");
  auto tr = litmus_trace(t);
  auto t0 = ops_of(*tr, 0), t1 = ops_of(*tr, 1);
  ASSERT_EQ(t0.size(), 3u);
  EXPECT_EQ(t0[0].kind, OpKind::Store);
  EXPECT_EQ(t0[0].value, 5u);
  EXPECT_EQ(t0[0].line, 0u);
  EXPECT_EQ(t0[1].kind, OpKind::Fence);
  EXPECT_EQ(t0[1].line, 0u);
  EXPECT_EQ(t0[2].line, 3u);
  ASSERT_EQ(t1.size(), 2u);
  EXPECT_EQ(t1[0].kind, OpKind::Compute);
  EXPECT_EQ(t1[0].line, 0u);
}

TEST(LitmusParse, ScheduleAddsWarmUpDelaysAndObserverOnLineZero) {
  LitmusTest t =
      parse_litmus_text("thread 0 {\n x.store(1, Relaxed);\n x.store(2, Relaxed);\n}\nexists (x == 1)\n", "c.litmus");
  LitmusSchedule s;
  s.warm = {{{0, true}}};
  s.delay = {7};
  s.observer_wait = 100;
  auto tr = litmus_trace(t, {}, s);
  ASSERT_EQ(tr->threads(), 2u);
  auto t0 = ops_of(*tr, 0);
  ASSERT_EQ(t0.size(), 5u);
  EXPECT_EQ(t0[0].kind, OpKind::FetchAdd);
  EXPECT_EQ(t0[0].value, 0u);
  EXPECT_EQ(t0[1].kind, OpKind::Fence);
  EXPECT_EQ(t0[2].kind, OpKind::Compute);
  EXPECT_EQ(t0[2].value, 7u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t0[i].line, 0u);
  auto obs = ops_of(*tr, 1);
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_EQ(obs[1].order, Ordering::SeqCst);
  EXPECT_EQ(tr->registers(1), std::vector<std::string>{"x"});
}

TEST(LitmusParse, MistakesNameFileLineAndTheValidChoices) {
  EXPECT_NE(error_of("thread 0 {\n  x.store(1, Ordering::Aquire);\n}\nexists (x == 1)\n").find("t.litmus:2:"),
            std::string::npos);
  EXPECT_NE(
      error_of("thread 0 {\n  x.store(1, Ordering::Aquire);\n}\nexists (x == 1)\n").find("did you mean 'Acquire'"),
      std::string::npos);
  EXPECT_NE(
      error_of("thread 0 {\n  let r = x.load(Ordering::Release);\n}\nexists (0:r == 1)\n").find("cannot be Release"),
      std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  x.stor(1, Relaxed);\n}\nexists (x == 1)\n").find("did you mean 'store'"),
            std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  let r = x.load(Relaxed);\n}\nexists (1:r == 1)\n").find("no thread 1"),
            std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  let r = x.load(Relaxed);\n}\nexists (0:q == 1)\n").find("its registers: r"),
            std::string::npos);
  EXPECT_NE(error_of("thread 1 {\n}\nexists (true)\n").find("expected thread 0"), std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  x.store(1, Relaxed);\n").find("missing '}'"), std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  x.store(1, Relaxed);\n}\n").find("missing the final condition"), std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  let r = x.compare_exchange(0, 1, Relaxed, SeqCst);\n}\nexists (true)\n")
                .find("failure ordering"),
            std::string::npos);
  EXPECT_NE(error_of("expect mips: allowed\nthread 0 {\n}\nexists (true)\n").find("valid: x86, arm, riscv"),
            std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  let r = x.load(Relaxed);\n  let r = x.load(Relaxed);\n}\nexists (true)\n")
                .find("already defined"),
            std::string::npos);
}

TEST(LitmusParse, EveryCatalogueFileParses) {
  int n = 0;
  for (const char* f : {"SB+rlx", "MP+rel+acq", "IRIW+rlx", "2+2W+rel", "CoWR+rlx", "Spinlock+plain+acq+rel"}) {
    LitmusTest t = parse_litmus(std::string(COHSIM_SOURCE_DIR) + "/traces/litmus/" + f + ".litmus");
    EXPECT_EQ(t.name, f);
    EXPECT_FALSE(expectation_for(t, "arm").empty()) << f;
    ++n;
  }
  EXPECT_EQ(n, 6);
}

// A long chain of && / || is a balanced tree (no deep recursion) that still means
// what it says; nesting is limited with a message naming the line.
TEST(LitmusParse, LongChainsEvaluateAsWrittenAndDeepNestingIsRefused) {
  const std::string head = "thread 0 {\n  let r0 = x.load(Relaxed);\n  let r1 = y.load(Relaxed);\n}\nexists ";
  std::string all = "(0:r0 == 1";
  for (int i = 0; i < 100000; ++i) all += " && 0:r0 == 1";
  std::string any = "(0:r1 == 9";
  for (int i = 0; i < 100000; ++i) any += " || 0:r1 == 9";
  LitmusTest a = parse_litmus_text(head + all + " && 0:r1 == 2)\n", "a.litmus");
  LitmusTest b = parse_litmus_text(head + any + " || 0:r1 == 2)\n", "b.litmus");
  LitmusOutcome o;
  o.regs = {{1, 2}};
  EXPECT_TRUE(condition_holds(a, o));
  EXPECT_TRUE(condition_holds(b, o));
  o.regs = {{1, 3}};
  EXPECT_FALSE(condition_holds(a, o));
  EXPECT_FALSE(condition_holds(b, o));
  o.regs = {{0, 2}};
  EXPECT_FALSE(condition_holds(a, o));
  EXPECT_TRUE(condition_holds(b, o));

  EXPECT_EQ(error_of(head + std::string(200, '(') + "0:r0 == 1" + std::string(200, ')') + "\n"), "");
  EXPECT_EQ(error_of(head + std::string(201, '(') + "0:r0 == 1" + std::string(201, ')') + "\n"),
            "t.litmus:5:208: the condition nests '(' and '!' more than 200 deep");
  EXPECT_EQ(error_of(head + std::string(300, '!') + "0:r0 == 1\n"),
            "t.litmus:5:208: the condition nests '(' and '!' more than 200 deep");
}

}  // namespace

namespace {

// Runs a program thread's ops as the core would, sequentially (registers only, no
// timing): memory is a map from address to value. Returns the registers.
std::vector<std::uint64_t> interpret(const std::vector<Op>& ops, std::size_t nregs, std::map<Addr, std::uint64_t>& mem) {
  std::vector<std::uint64_t> r(nregs, 0);
  auto A = [&](const Op& op) { return op.ereg >= 0 ? r[std::size_t(op.ereg)] : op.expected; };
  auto B = [&](const Op& op) { return op.vreg >= 0 ? r[std::size_t(op.vreg)] : op.value; };
  for (std::size_t pc = 0, steps = 0; pc < ops.size() && steps < 10000; ++steps) {
    const Op& op = ops[pc++];
    const Addr a = op.addr + (op.areg >= 0 ? r[std::size_t(op.areg)] : 0);
    switch (op.kind) {
      case OpKind::Load: r[std::size_t(op.reg)] = mem[a]; break;
      case OpKind::Store: mem[a] = B(op); break;
      case OpKind::CompareExchange:
        if (op.reg >= 0) r[std::size_t(op.reg)] = mem[a];
        if (mem[a] == A(op)) mem[a] = B(op);
        break;
      case OpKind::FetchAdd:
        if (op.reg >= 0) r[std::size_t(op.reg)] = mem[a];
        mem[a] += B(op);
        break;
      case OpKind::Mov: r[std::size_t(op.reg)] = B(op); break;
      case OpKind::Add: r[std::size_t(op.reg)] = A(op) + B(op); break;
      case OpKind::Sub: r[std::size_t(op.reg)] = A(op) - B(op); break;
      case OpKind::Xor: r[std::size_t(op.reg)] = A(op) ^ B(op); break;
      case OpKind::And: r[std::size_t(op.reg)] = A(op) & B(op); break;
      case OpKind::Or: r[std::size_t(op.reg)] = A(op) | B(op); break;
      case OpKind::Branch:
        if (holds(op.cond, A(op), B(op))) pc = op.target;
        break;
      default: break;
    }
  }
  return r;
}

}  // namespace

// Dependencies and control flow in the Rust spelling become the trace's program ops:
// register arithmetic, an index scaled to bytes, a stored value from a register,
// if/else and loops as branches, `while x.load(..) == 0 {}` as a load-compare-branch loop.
TEST(LitmusPrograms, ControlFlowAndDependenciesBecomeProgramOps) {
  LitmusTest t = parse_litmus_text(R"(thread 0 {
  let r0 = y.load(Ordering::Relaxed);
  let r1 = x[r0 ^ r0].load(Ordering::Relaxed);
  let r2 = r0 + 40;
  z.store(r2, Ordering::Relaxed);
  if r0 == 7 {
    x[r0].store(1, Ordering::Relaxed);
  } else {
    x.store(2, Ordering::Relaxed);
  }
  let mut r3 = 0;
  while r3 < 3 {
    x.fetch_add(1, Ordering::Relaxed);
    r3 = r3 + 1;
  }
  while y.load(Ordering::Acquire) == 0 {}
}
thread 1 {
  x.store(1, Ordering::Relaxed);
}
exists (0:r1 == 1 && 0:r3 == 3)
)",
                                   "p.litmus");
  ASSERT_EQ(t.program.size(), 2u);
  EXPECT_TRUE(t.program[0]);
  EXPECT_FALSE(t.program[1]);
  EXPECT_EQ(t.registers[0], (std::vector<std::string>{"r0", "r1", "r2", "r3"}));
  EXPECT_FALSE(t.temporaries[0].empty());
  TraceOptions o;
  auto tr = litmus_trace(t, o);
  auto s0 = tr->stream(0);
  ASSERT_NE(s0->program(), nullptr);
  EXPECT_EQ(tr->stream(1)->program(), nullptr);
  EXPECT_EQ(tr->registers(0).size(), 4 + t.temporaries[0].size());
  const std::vector<Op>& ops = *s0->program();
  const Addr x = o.symbol_base + 64, y = o.symbol_base, z = o.symbol_base + 128;
  // The spin loop: load y into a temporary, branch back to it while it is 0.
  const Op& spin = ops[ops.size() - 2];
  EXPECT_EQ(spin.kind, OpKind::Load);
  EXPECT_EQ(spin.order, Ordering::Acquire);
  EXPECT_EQ(spin.addr, y);
  EXPECT_EQ(ops.back().kind, OpKind::Branch);
  EXPECT_EQ(ops.back().cond, Cond::Eq);
  EXPECT_EQ(ops.back().ereg, spin.reg);
  EXPECT_EQ(ops.back().target, ops.size() - 2);
  EXPECT_NE(spin.flags & kOpInSpinLoop, 0);
  for (std::uint64_t r0 : {0u, 6u}) {  // y holds r0 + 1: the spin loop ends
    std::map<Addr, std::uint64_t> mem{{y, r0 + 1}, {x, 5}, {x + 56, 9}};
    auto r = interpret(ops, tr->registers(0).size(), mem);
    EXPECT_EQ(r[0], r0 + 1);
    EXPECT_EQ(r[1], 5u);  // x[0]
    EXPECT_EQ(r[2], r0 + 41);
    EXPECT_EQ(mem[z], r0 + 41);  // the stored value from a register
    EXPECT_EQ(r[3], 3u);         // the loop ran three times
    if (r0 + 1 == 7) {
      EXPECT_EQ(mem[x + 56], 1u);      // x[7]: 7 * 8 bytes on
      EXPECT_EQ(mem[x], 5u + 3u);      // the else part skipped, three fetch_adds
    } else {
      EXPECT_EQ(mem[x], 2u + 3u);
    }
  }
  // The trace text shows the program on the litmus lines.
  EXPECT_NE(t.trace_text.find("load [x + _t"), std::string::npos) << t.trace_text;
  EXPECT_NE(t.trace_text.find("beq _t"), std::string::npos) << t.trace_text;
}

// The spinlock's retry loop: compare_exchange_weak(..).is_err() loops back to the CAS
// (run as the strong form: the register cannot tell a spurious failure).
TEST(LitmusPrograms, CompareExchangeRetryLoopBranchesBackWhileItFails) {
  LitmusTest t = parse_litmus_text(R"(thread 0 {
  while l.compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {}
  let r0 = c.load(Ordering::Relaxed);
}
exists (0:r0 == 0)
)",
                                   "l.litmus");
  const auto& ops = t.ops[0];
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].kind, OpKind::CompareExchange);
  EXPECT_EQ(ops[0].order, Ordering::Acquire);
  EXPECT_EQ(ops[1].kind, OpKind::Branch);
  EXPECT_EQ(ops[1].cond, Cond::Ne);
  EXPECT_EQ(ops[1].ereg, ops[0].reg);
  EXPECT_EQ(ops[1].target, 0u);
  EXPECT_EQ(ops[0].reg, 1);  // the temporary comes after r0
  // Initial values shift the thread's ops: its branch targets move with them.
  t.init = {{"l", 1}};
  auto tr = litmus_trace(t);
  const auto& p = *tr->stream(0)->program();
  ASSERT_EQ(p.size(), 2u + 3u);  // store l 1, fence, then the program
  EXPECT_EQ(p[3].target, 2u);
}

TEST(LitmusPrograms, MistakesNameFileLineColumnAndTheChoices) {
  EXPECT_NE(error_of("thread 0 {\n  if r9 == 1 {\n  }\n}\nexists (true)\n").find("t.litmus:2:6: unknown register 'r9'"),
            std::string::npos)
      << error_of("thread 0 {\n  if r9 == 1 {\n  }\n}\nexists (true)\n");
  EXPECT_NE(error_of("thread 0 {\n  let r = x.load(Relaxed);\n  if r =< 1 {\n  }\n}\nexists (true)\n")
                .find("expected a comparison (==, !=, <, <=, >, >=)"),
            std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  let r = x.load(Relaxed);\n  if r == 1 {\n  x.store(1, Relaxed);\n")
                .find("t.litmus:3: if block is not closed"),
            std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  let r = x.load(Relaxed);\n  if r == 1 { x.store(1, Relaxed); }\n}\nexists (true)\n")
                .find("on the lines after '{'"),
            std::string::npos);
  EXPECT_NE(error_of("thread 0 {\n  while l.compare_exchange(0, 1, Acquire, Relaxed).is_none() {}\n}\nexists (true)\n")
                .find("valid: is_err, is_ok"),
            std::string::npos);
  const std::string unwritten =
      error_of("thread 0 {\n  let a = x.load(Relaxed);\n  if a == 1 {\n    let b = 1;\n  }\n  y.store(b, Relaxed);\n}\n"
               "exists (true)\n");
  EXPECT_NE(unwritten.find("t.litmus:6:"), std::string::npos) << unwritten;
  EXPECT_NE(unwritten.find("'b'"), std::string::npos) << unwritten;
  EXPECT_NE(error_of("thread 0 {\n  let r = x.load(Relaxed);\n  while r == 1 {\n  } else {\n  }\n}\nexists (true)\n")
                .find("only 'if' takes 'else'"),
            std::string::npos);
}

TEST(LitmusPrograms, EveryDependencyTestParsesWithAVerdictPerIsa) {
  for (const char* f : {"MP+dmb+addr", "MP+dmb+data-to-store", "LB+datas", "LB+addrs", "LB+ctrls", "MP+ctrl",
                        "S+dmb+data", "WRC+addrs", "ISA2+dmb+data+addr", "Spinlock+loop", "MP+spin+rlx",
                        "MP+spin+acq"}) {
    LitmusTest t = parse_litmus(std::string(COHSIM_SOURCE_DIR) + "/traces/litmus/deps/" + f + ".litmus");
    EXPECT_EQ(t.name, f);
    for (const char* isa : {"x86", "arm", "riscv"}) EXPECT_FALSE(expectation_for(t, isa).empty()) << f << " " << isa;
    bool program = false;
    for (bool p : t.program) program |= p;
    EXPECT_TRUE(program) << f;
  }
}
