// Trace formats: text parsing and its errors, symbol layout, din, binary round trip
// and corruption, statistics, bounded-memory streaming.
#include "cpu/trace/trace.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cpu/trace/binary_trace.hpp"
#include "cpu/trace/din_trace.hpp"
#include "cpu/trace/op.hpp"
#include "cpu/trace/text_trace.hpp"
#include "cpu/trace/trace_convert.hpp"
#include "cpu/trace/trace_stats.hpp"
#include "sim/base/error.hpp"

namespace fs = std::filesystem;
using namespace cohsim;

namespace {

const char* kExample = R"(# two threads, message passing
thread 0
  store x 1                          # plain (non-atomic) store
  store y 1 Release                  # atomic store
  compute 20
thread 1
  load y Acquire -> r0
  load x -> r1                       # plain load into register r1
  fetch_add z 1 SeqCst -> r2
  compare_exchange z 1 2 AcqRel Acquire -> r3
  fence SeqCst
  store 0x1000 7 Relaxed
)";

class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cohsim_trace_test_" + std::to_string(::getpid()) + "_" +
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
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  static std::vector<std::vector<Op>> drain(const Trace& t) {
    std::vector<std::vector<Op>> v(t.threads());
    for (unsigned i = 0; i < t.threads(); ++i) {
      auto s = t.stream(i);
      Op op;
      while (s->next(op)) v[i].push_back(op);
    }
    return v;
  }
  // Opens and reads a text trace; returns the UserError message ("" if none).
  std::string error_of(const std::string& content, const std::string& name = "bad.trace") {
    std::string p = write(name, content);
    try {
      auto t = Trace::open(p);
      drain(*t);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

bool same_op(const Op& a, const Op& b, bool with_line = true) {
  return a.addr == b.addr && a.value == b.value && a.expected == b.expected && (!with_line || a.line == b.line) &&
         a.reg == b.reg && a.kind == b.kind && a.order == b.order && a.fail_order == b.fail_order && a.size == b.size;
}

#define EXPECT_HAS(msg, sub) EXPECT_NE(std::string(msg).find(sub), std::string::npos) << msg

}  // namespace

// ---------------------------------------------------------------- text

TEST_F(TraceTest, TraceTextParsesMessagePassingExample) {
  auto t = Trace::open(write("mp.trace", kExample));
  EXPECT_STREQ(t->format(), "text");
  ASSERT_EQ(t->threads(), 2u);
  auto ops = drain(*t);
  ASSERT_EQ(ops[0].size(), 3u);
  ASSERT_EQ(ops[1].size(), 6u);
  const Addr x = 0x10000, y = 0x10040, z = 0x10080;
  ASSERT_EQ(t->symbols().size(), 3u);
  EXPECT_EQ(t->symbols()[0], std::make_pair(std::string("x"), x));
  EXPECT_EQ(t->symbols()[1], std::make_pair(std::string("y"), y));
  EXPECT_EQ(t->symbols()[2], std::make_pair(std::string("z"), z));
  EXPECT_TRUE(t->registers(0).empty());
  EXPECT_EQ(t->registers(1), (std::vector<std::string>{"r0", "r1", "r2", "r3"}));

  auto op = [](OpKind k, Addr a, std::uint64_t v, Ordering o, std::int16_t reg, std::uint32_t line) {
    Op r;
    r.kind = k, r.addr = a, r.value = v, r.order = o, r.reg = reg, r.line = line;
    return r;
  };
  std::vector<Op> t0 = {op(OpKind::Store, x, 1, Ordering::Plain, -1, 3),
                        op(OpKind::Store, y, 1, Ordering::Release, -1, 4),
                        op(OpKind::Compute, 0, 20, Ordering::Plain, -1, 5)};
  Op cas = op(OpKind::CompareExchange, z, 2, Ordering::AcqRel, 3, 10);
  cas.expected = 1;
  cas.fail_order = Ordering::Acquire;
  std::vector<Op> t1 = {
      op(OpKind::Load, y, 0, Ordering::Acquire, 0, 7),    op(OpKind::Load, x, 0, Ordering::Plain, 1, 8),
      op(OpKind::FetchAdd, z, 1, Ordering::SeqCst, 2, 9), cas,
      op(OpKind::Fence, 0, 0, Ordering::SeqCst, -1, 11),  op(OpKind::Store, 0x1000, 7, Ordering::Relaxed, -1, 12)};
  for (std::size_t i = 0; i < t0.size(); ++i) EXPECT_TRUE(same_op(ops[0][i], t0[i])) << "t0 op " << i;
  for (std::size_t i = 0; i < t1.size(); ++i) EXPECT_TRUE(same_op(ops[1][i], t1[i])) << "t1 op " << i;
  for (auto& th : ops)
    for (auto& o : th) EXPECT_EQ(o.size, 8);
}

TEST_F(TraceTest, TraceTextSymbolLayoutAndPlace) {
  TraceOptions opts;
  opts.symbol_base = 0x40000;
  opts.symbol_stride = 128;
  auto t = Trace::open(write("s.trace", R"(
place buf 0x2000      # absolute
thread 1
  load a -> v
  place late 0x9000   # allowed anywhere before first use
  store buf+8 1
  store buf+0x10 2
  load late
thread 0
  load b
  load a+64
)"),
                       opts);
  ASSERT_EQ(t->threads(), 2u);
  auto ops = drain(*t);
  // order of first mention: buf (placed), a, late (placed), b
  ASSERT_EQ(t->symbols().size(), 4u);
  EXPECT_EQ(t->symbols()[0], std::make_pair(std::string("buf"), Addr(0x2000)));
  EXPECT_EQ(t->symbols()[1], std::make_pair(std::string("a"), Addr(0x40000)));
  EXPECT_EQ(t->symbols()[2], std::make_pair(std::string("late"), Addr(0x9000)));
  EXPECT_EQ(t->symbols()[3], std::make_pair(std::string("b"), Addr(0x40080)));
  EXPECT_EQ(ops[1][0].addr, 0x40000u);
  EXPECT_EQ(ops[1][1].addr, 0x2008u);
  EXPECT_EQ(ops[1][2].addr, 0x2010u);
  EXPECT_EQ(ops[1][3].addr, 0x9000u);
  EXPECT_EQ(ops[1][3].line, 8u);
  EXPECT_EQ(ops[0][0].addr, 0x40080u);
  EXPECT_EQ(ops[0][1].addr, 0x40040u);
  EXPECT_EQ(t->registers(1), std::vector<std::string>{"v"});
}

TEST_F(TraceTest, TraceTextSizesValuesAndSpellings) {
  auto t = Trace::open(write("v.trace", R"(thread 0
load.4 0x1004 relaxed -> a
store.1 0x1003 -1 seq_cst
store.2 0x1002 0xffff
store 0x1008 1_000_000 Plain
fetch_sub.8 0x1010 -2 acq_rel->b
swap 0x1018 5 acqrel -> a
compare_exchange_weak.4 0x1020 0 1 Release Relaxed
fence acquire
ifetch.4 0x400000
compute 0x10
)"));
  auto ops = drain(*t)[0];
  ASSERT_EQ(ops.size(), 10u);
  EXPECT_EQ(ops[0].size, 4);
  EXPECT_EQ(ops[0].order, Ordering::Relaxed);
  EXPECT_EQ(ops[1].value, 0xffu);
  EXPECT_EQ(ops[1].size, 1);
  EXPECT_EQ(ops[1].order, Ordering::SeqCst);
  EXPECT_EQ(ops[2].value, 0xffffu);
  EXPECT_EQ(ops[3].value, 1000000u);
  EXPECT_EQ(ops[3].order, Ordering::Plain);
  EXPECT_EQ(ops[4].value, ~std::uint64_t(1));
  EXPECT_EQ(ops[4].order, Ordering::AcqRel);
  EXPECT_EQ(ops[4].reg, 1);
  EXPECT_EQ(ops[5].kind, OpKind::Swap);
  EXPECT_EQ(ops[5].reg, 0);
  EXPECT_EQ(ops[6].kind, OpKind::CompareExchangeWeak);
  EXPECT_EQ(ops[6].fail_order, Ordering::Relaxed);
  EXPECT_EQ(ops[7].order, Ordering::Acquire);
  EXPECT_EQ(ops[8].kind, OpKind::IFetch);
  EXPECT_EQ(ops[9].value, 16u);
  EXPECT_EQ(t->registers(0), (std::vector<std::string>{"a", "b"}));
}

// ---------------------------------------------------------------- text errors

TEST_F(TraceTest, TraceErrorUnknownOpcode) {
  std::string m = error_of("thread 0\n  lod x\n");
  EXPECT_HAS(m, "bad.trace:2:3:");
  EXPECT_HAS(m, "unknown operation 'lod'");
  EXPECT_HAS(m, "did you mean 'load'");
  EXPECT_HAS(m, "fetch_add, fetch_sub");
  EXPECT_HAS(m, "compare_exchange_weak");
}

TEST_F(TraceTest, TraceErrorBadOrdering) {
  std::string m = error_of("thread 0\nload x Aquire -> r0\n");
  EXPECT_HAS(m, "bad.trace:2:8:");
  EXPECT_HAS(m, "unknown ordering 'Aquire'");
  EXPECT_HAS(m, "did you mean 'Acquire'");
  EXPECT_HAS(m, "Relaxed, Acquire, Release, AcqRel, SeqCst");
}

TEST_F(TraceTest, TraceErrorMissingValue) {
  std::string m = error_of("thread 0\nstore x 1\nstore x\n");
  EXPECT_HAS(m, "bad.trace:3:");
  EXPECT_HAS(m, "missing VALUE");
  EXPECT_HAS(m, "store[.SIZE] ADDR VALUE [ORDER]");
}

TEST_F(TraceTest, TraceErrorBadRegister) {
  std::string m = error_of("thread 0\nload x -> 5r\n");
  EXPECT_HAS(m, "bad.trace:2:11:");
  EXPECT_HAS(m, "bad register name '5r'");
  EXPECT_HAS(m, "e.g. r0 or flag");
  m = error_of("thread 0\nstore x 1 -> r0\n");
  EXPECT_HAS(m, "bad.trace:2:");
  EXPECT_HAS(m, "store has no result register");
  m = error_of("thread 0\nload x ->\n");
  EXPECT_HAS(m, "missing register name");
}

TEST_F(TraceTest, TraceErrorUnalignedAddress) {
  std::string m = error_of("thread 0\nload.4 0x1002\n");
  EXPECT_HAS(m, "bad.trace:2:8:");
  EXPECT_HAS(m, "0x1002");
  EXPECT_HAS(m, "not aligned to the access size 4");
  m = error_of("thread 0\nstore x+4 1\n");
  EXPECT_HAS(m, "0x10004 ('x+4') is not aligned to the access size 8");
  m = error_of("thread 0\nload.3 x\n");
  EXPECT_HAS(m, "bad.trace:2:5:");
  EXPECT_HAS(m, "valid sizes are .1, .2, .4 and .8");
}

TEST_F(TraceTest, TraceErrorThreadGap) {
  std::string m = error_of("thread 0\nload x\nthread 2\nload x\n");
  EXPECT_HAS(m, "bad.trace:3:");
  EXPECT_HAS(m, "thread 1 is missing");
  EXPECT_HAS(m, "sections found: 0, 2");
  m = error_of("# nothing\n");
  EXPECT_HAS(m, "no `thread N` section");
}

TEST_F(TraceTest, TraceErrorDuplicateThread) {
  std::string m = error_of("thread 0\nload x\nthread 1\nthread 0\n");
  EXPECT_HAS(m, "bad.trace:4:8:");
  EXPECT_HAS(m, "duplicate section `thread 0` (first at line 1)");
}

TEST_F(TraceTest, TraceErrorRmwWithoutOrdering) {
  std::string m = error_of("thread 0\nfetch_add x 1 -> r0\n");
  EXPECT_HAS(m, "bad.trace:2:");
  EXPECT_HAS(m, "fetch_add is always atomic");
  EXPECT_HAS(m, "Relaxed, Acquire, Release, AcqRel, SeqCst");
  m = error_of("thread 0\nswap x 1 Plain\n");
  EXPECT_HAS(m, "bad.trace:2:10:");
  EXPECT_HAS(m, "cannot be Plain");
}

TEST_F(TraceTest, TraceErrorCasFailureStrongerThanSuccess) {
  std::string m = error_of("thread 0\ncompare_exchange x 0 1 Acquire SeqCst -> r\n");
  EXPECT_HAS(m, "bad.trace:2:");
  EXPECT_HAS(m, "failure ordering SeqCst is stronger than success ordering Acquire");
  EXPECT_HAS(m, "valid failure orderings with Acquire: Relaxed, Acquire");
  m = error_of("thread 0\ncompare_exchange x 0 1 SeqCst Release\n");
  EXPECT_HAS(m, "failure ordering Release is not allowed");
  EXPECT_HAS(m, "Relaxed, Acquire, SeqCst");
  m = error_of("thread 0\ncompare_exchange x 0 1 SeqCst\n");
  EXPECT_HAS(m, "missing FAILURE_ORDER");
}

TEST_F(TraceTest, TraceErrorStoreWithAcquire) {
  std::string m = error_of("thread 0\nstore x 1 Acquire\n");
  EXPECT_HAS(m, "bad.trace:2:11:");
  EXPECT_HAS(m, "a store cannot be Acquire");
  EXPECT_HAS(m, "none (plain, non-atomic), Relaxed, Release, SeqCst");
  m = error_of("thread 0\nload x AcqRel\n");
  EXPECT_HAS(m, "a load cannot be AcqRel");
  EXPECT_HAS(m, "Relaxed, Acquire, SeqCst");
  m = error_of("thread 0\nfence Relaxed\n");
  EXPECT_HAS(m, "a fence cannot be Relaxed");
}

TEST_F(TraceTest, TraceErrorOtherStructure) {
  EXPECT_HAS(error_of("load x\nthread 0\n"), "bad.trace:1:1: operation before the first");
  EXPECT_HAS(error_of("thread 0\nload x\nplace x 0x100\n"),
             "bad.trace:3:7: symbol 'x' is used at line 2 before it is placed");
  EXPECT_HAS(error_of("thread 0\nload 12g\n"), "bad address '12g'");
  EXPECT_HAS(error_of("thread 0\nstore.1 x 256\n"), "value 256 does not fit in 1 byte");
  EXPECT_HAS(error_of("thread 0\nload x Acquire r0\n"), "unexpected 'r0'");
  EXPECT_HAS(error_of("thread 0\nload x r0\n"), "(a result register is written `-> r0`)");
  EXPECT_HAS(error_of("thread x\n"), "bad.trace:1:8: bad thread number 'x'");
  std::string missing = path("nope.trace");
  try {
    Trace::open(missing);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": cannot open trace: No such file or directory");
  }
}

// ---------------------------------------------------------------- din

TEST_F(TraceTest, TraceDinReading) {
  const char* din = "2 400000\n0 1000\n1 7fff0003\n\n0 abcd 4\n";
  for (const char* name : {"a.din", "a.txt"}) {  // by extension, then by content
    auto t = Trace::open(write(name, din));
    EXPECT_STREQ(t->format(), "din");
    ASSERT_EQ(t->threads(), 1u);
    auto ops = drain(*t)[0];
    ASSERT_EQ(ops.size(), 4u);
    EXPECT_EQ(ops[0].kind, OpKind::IFetch);
    EXPECT_EQ(ops[0].addr, 0x400000u);
    EXPECT_EQ(ops[1].kind, OpKind::Load);
    EXPECT_EQ(ops[1].order, Ordering::Plain);
    EXPECT_EQ(ops[1].size, 4);
    EXPECT_EQ(ops[2].kind, OpKind::Store);
    EXPECT_EQ(ops[2].addr, 0x7fff0000u);  // aligned down to 4
    EXPECT_EQ(ops[2].value, 0u);
    EXPECT_EQ(ops[3].addr, 0xabccu);
    EXPECT_EQ(ops[3].line, 5u);
  }
  EXPECT_HAS(error_of("0 10\n4 20\n", "f.din"), "f.din:2:1: din label 4 (cache flush) is not supported");
  EXPECT_HAS(error_of("0 10\n3 20\n", "f.din"), "f.din:2:1: din label 3 (escape record)");
  EXPECT_HAS(error_of("0 10\n1 zz\n", "f.din"), "f.din:2:3: bad din address");
}

// The common `L HEX` line takes a one-pass parse; every other spelling of the same
// reference goes through the general parser and must read the same.
TEST_F(TraceTest, TraceDinEverySpellingReadsTheSame) {
  const char* din = "0 1a2B3f\n0 0x1a2b3f\n \t0\t1A2B3F\n0 1a2b3f 4\n0  1a2b3f\n0 1a2b3f\r\n0 00000000001a2b3d\n";
  auto ops = drain(*Trace::open(write("s.din", din)))[0];
  ASSERT_EQ(ops.size(), 7u);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].kind, OpKind::Load) << i;
    EXPECT_EQ(ops[i].addr, 0x1a2b3cu) << i;  // aligned down to 4
    EXPECT_EQ(ops[i].size, 4) << i;
    EXPECT_EQ(ops[i].line, i + 1) << i;
  }
  auto wide = drain(*Trace::open(write("w.din", "1 ffffffffffffffff\n2 7\n")))[0];
  ASSERT_EQ(wide.size(), 2u);
  EXPECT_EQ(wide[0].addr, 0xfffffffffffffffcu);
  EXPECT_EQ(wide[1].kind, OpKind::IFetch);
  EXPECT_EQ(wide[1].addr, 4u);
  EXPECT_HAS(error_of("0 10\n0 12g4\n", "f.din"), "f.din:2:3: bad din address '12g...': expected hex digits");
  EXPECT_HAS(error_of("0 10\n9 20\n", "f.din"), "f.din:2:1: unknown din label 9");
  EXPECT_HAS(error_of("0 10\n1 1ffffffffffffffff\n", "f.din"), "din address does not fit in 64 bits");
}

// Addresses of 8 to 15 digits take the eight-digits-at-once path: each must read as
// strtoull reads it, and a byte that is no hex digit, at any of the eight places
// (the neighbours of '0'-'9', 'a'-'f' and 'A'-'F' among them), stops it.
TEST_F(TraceTest, TraceDinEightDigitsAtOnce) {
  std::string din;
  std::vector<std::uint64_t> want;
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  const char* hex = "0123456789abcdefABCDEF";
  for (int i = 0; i < 400; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const int n = 8 + i % 8;
    std::string a;
    for (int k = 0; k < n; ++k) a += hex[(x >> (3 * k)) % 22];
    din += "0 " + a + "\n";
    want.push_back(std::strtoull(a.c_str(), nullptr, 16) & ~std::uint64_t(3));
  }
  auto ops = drain(*Trace::open(write("e.din", din)))[0];
  ASSERT_EQ(ops.size(), want.size());
  for (std::size_t i = 0; i < ops.size(); ++i) EXPECT_EQ(ops[i].addr, want[i]) << i;
  for (const char bad : {'/', ':', '@', 'G', '`', 'g', 'x', '\x7f', '\x80', '\xc6'})
    for (int at = 0; at < 8; ++at) {
      std::string a = "1234abCD";
      a[std::size_t(at)] = bad;
      EXPECT_HAS(error_of("0 10\n0 " + a + "\n", "f.din"), "f.din:2:3: bad din address") << int(bad) << " " << at;
    }
}

// Most lines of a long din file are read straight from the reader's buffer (the line
// and its address found in one pass) and the others by the general parser; which one
// reads a line depends on what follows it in the buffer. A long file of every spelling,
// against a reference reading written here (split at '\n', drop one '\r', blanks
// between fields, an optional 0x), and each malformed line, followed by many good
// lines, gives the error it gives at the end of a short file.
TEST_F(TraceTest, TraceDinBufferedLinesReadAsTheGeneralParserReadsThem) {
  std::uint64_t x = 0x2545F4914F6CDD1Dull;
  auto rnd = [&](std::uint64_t n) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x % n;
  };
  const char* hex = "0123456789abcdefABCDEF";
  std::string din;
  struct Want {
    OpKind kind;
    Addr addr;
    std::uint32_t line;
  };
  std::vector<Want> want;
  for (std::uint32_t line = 1; line <= 3000; ++line) {
    const int label = int(rnd(3));
    std::string a;
    const int n = 1 + int(rnd(16));  // 16 digits: still a 64-bit address
    for (int k = 0; k < n; ++k) a += hex[rnd(22)];
    if (n == 16) a[0] = char('1' + rnd(7));
    const std::string ends[] = {"\n", "\r\n", " \n", "\t\r\n", " 4\n", "\r\r\n"};
    const std::string& end = ends[rnd(8) < 5 ? 0 : rnd(6)];
    switch (rnd(10)) {
      case 0: din += "\n"; continue;  // a blank line
      case 1: din += " \t" + std::to_string(label) + "  0x" + a + end; break;
      default: din += std::to_string(label) + " " + a + end; break;
    }
    const OpKind kind = label == 0 ? OpKind::Load : label == 1 ? OpKind::Store : OpKind::IFetch;
    want.push_back({kind, std::strtoull(a.c_str(), nullptr, 16) & ~Addr(3), line});
  }
  auto ops = drain(*Trace::open(write("long.din", din)))[0];
  ASSERT_EQ(ops.size(), want.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].kind, want[i].kind) << i;
    EXPECT_EQ(ops[i].addr, want[i].addr) << i;
    EXPECT_EQ(ops[i].size, 4) << i;
    EXPECT_EQ(ops[i].line, want[i].line) << i;
  }
  std::string tail;
  for (int i = 0; i < 40; ++i) tail += "0 12345678\n";
  for (const char* bad : {"0 12g4", "0 1234abcG", "9 20", "4 20", "3 20", "0 1ffffffffffffffff", "0 0x", "0",
                          "00 10", "q 10", "r 10", "0 1234abcd\x01", "0\x80 10"}) {
    const std::string at_end = error_of("0 10\n" + std::string(bad) + "\n", "f.din");
    ASSERT_NE(at_end, "") << bad;
    EXPECT_EQ(error_of("0 10\n" + std::string(bad) + "\n" + tail, "f.din"), at_end) << bad;
  }
}

TEST_F(TraceTest, TraceDinToTextKeepsSemantics) {
  std::string din = write("a.din", "2 400000\n0 1000\n1 7fff0003\n");
  std::string txt = path("a.trace");
  convert_trace(din, txt);
  auto a = drain(*Trace::open(din));
  auto b = drain(*Trace::open(txt));
  ASSERT_EQ(b.size(), 1u);
  ASSERT_EQ(a[0].size(), b[0].size());
  for (std::size_t i = 0; i < a[0].size(); ++i) EXPECT_TRUE(same_op(a[0][i], b[0][i], false)) << i;
}

// ---------------------------------------------------------------- binary

TEST_F(TraceTest, TraceBinaryRoundTrip) {
  std::string text0 = write("mp.trace", "place buf 0x3000\n" + std::string(kExample) + R"(thread 2
  store.2 buf+2 0xbeef SeqCst
  compare_exchange_weak.1 buf+1 -1 3 Release Relaxed -> flag
  ifetch.4 0x400004
)");
  std::string bin1 = path("1.bin"), text2 = path("2.trace"), bin3 = path("3.ctr"), text4 = path("4.txt"),
              bin5 = path("5.bin");
  convert_trace(text0, bin1);
  convert_trace(bin1, text2);
  convert_trace(text2, bin3);
  convert_trace(bin3, text4);
  convert_trace(text4, bin5);

  auto t0 = Trace::open(text0);
  auto t1 = Trace::open(bin1);
  EXPECT_STREQ(t1->format(), "binary");
  auto a = drain(*t0), b = drain(*t1);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t t = 0; t < a.size(); ++t) {
    ASSERT_EQ(a[t].size(), b[t].size());
    for (std::size_t i = 0; i < a[t].size(); ++i) EXPECT_TRUE(same_op(a[t][i], b[t][i])) << t << ":" << i;
    EXPECT_EQ(t0->registers(t), t1->registers(t));
  }
  EXPECT_EQ(t0->symbols(), t1->symbols());
  // Text output is lossless: all but the source line numbers survive, and the
  // canonical text converts to and fro byte for byte.
  auto c = drain(*Trace::open(bin3));
  for (std::size_t t = 0; t < a.size(); ++t)
    for (std::size_t i = 0; i < a[t].size(); ++i) EXPECT_TRUE(same_op(a[t][i], c[t][i], false));
  EXPECT_EQ(Trace::open(bin3)->symbols(), t0->symbols());
  EXPECT_EQ(slurp(text2), slurp(text4));
  EXPECT_EQ(slurp(bin3), slurp(bin5));
  EXPECT_EQ(std::string(trace_output_format("x.bin")), "binary");
  EXPECT_EQ(std::string(trace_output_format("x.txt")), "text");
}

TEST_F(TraceTest, TraceBinaryCorrupt) {
  std::string bin = path("ok.bin");
  convert_trace(write("mp.trace", kExample), bin);
  std::string good = slurp(bin);
  auto open_all = [&](const std::string& bytes) -> std::string {
    std::string p = write("bad.bin", bytes);
    try {
      drain(*Trace::open(p));
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  };
  std::string p = path("bad.bin");
  EXPECT_EQ(open_all(good), "");
  EXPECT_HAS(open_all(good.substr(0, good.size() - 5)), p + ": truncated binary trace");
  EXPECT_HAS(open_all(good.substr(0, 20)), p + ": truncated binary trace");
  std::string v = good;
  v[8] = 9;
  EXPECT_HAS(open_all(v), p + ": unsupported binary trace version 9");
  // The last record is the store of thread 1: break its kind byte.
  v = good;
  v[v.size() - 2] = 14;
  EXPECT_HAS(open_all(v), p + ": corrupt binary trace: thread 1, op 5: invalid operation kind 14");
  v = good;
  v[v.size() - 1] = 0x02;  // store Acquire
  EXPECT_HAS(open_all(v), "store with ordering Acquire is not allowed");
  v = good;
  v[12] = 7;  // thread count
  EXPECT_HAS(open_all(v), p + ": corrupt binary trace:");
}

// ---------------------------------------------------------------- stats

TEST_F(TraceTest, TraceStatsOfExample) {
  auto t = Trace::open(write("mp.trace", kExample));
  TraceStats s = compute_trace_stats(*t);
  EXPECT_EQ(s.threads, 2u);
  EXPECT_EQ(s.ops, 9u);
  EXPECT_EQ(s.ops_per_thread, (std::vector<std::uint64_t>{3, 6}));
  EXPECT_EQ(s.by_kind[int(OpKind::Store)], 3u);
  EXPECT_EQ(s.by_kind[int(OpKind::Load)], 2u);
  EXPECT_EQ(s.by_kind[int(OpKind::Compute)], 1u);
  EXPECT_EQ(s.by_ordering[int(Ordering::Plain)], 2u);
  EXPECT_EQ(s.by_ordering[int(Ordering::SeqCst)], 2u);
  EXPECT_EQ(s.by_ordering[int(Ordering::Relaxed)], 1u);
  EXPECT_EQ(s.compute_cycles, 20u);
  EXPECT_EQ(s.lines, 4u);         // x, y, z, 0x1000
  EXPECT_EQ(s.shared_lines, 2u);  // x, y
  EXPECT_EQ(s.pages, 2u);
  EXPECT_EQ(s.lines_per_thread, (std::vector<std::uint64_t>{2, 4}));
  std::string table = format_trace_stats(s);
  EXPECT_HAS(table, "fetch_add");
  std::string json = s.to_json();
  EXPECT_HAS(json, "\"ops\": 9");
  EXPECT_HAS(json, "\"ops_per_thread\": [3, 6]");
  EXPECT_HAS(json, "\"SeqCst\": 2");
}

// ---------------------------------------------------------------- examples

TEST_F(TraceTest, TraceExamplesParse) {
  for (const char* n : {"mp", "sb", "sb_seqcst", "pingpong", "stream", "default"}) {
    std::string p = std::string(COHSIM_SOURCE_DIR) + "/traces/" + n + ".trace";
    auto t = Trace::open(p);
    std::uint64_t ops = 0;
    for (auto& th : drain(*t)) ops += th.size();
    EXPECT_GT(ops, 0u) << p;
  }
  auto t = Trace::open(std::string(COHSIM_SOURCE_DIR) + "/traces/mp.trace");
  auto ref = Trace::open(write("mp.trace", kExample));
  auto a = drain(*t), b = drain(*ref);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].size(), b[i].size());
    for (std::size_t j = 0; j < a[i].size(); ++j) EXPECT_TRUE(same_op(a[i][j], b[i][j], false));
  }
}

// ---------------------------------------------------------------- streaming

static long max_rss_kib() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

TEST_F(TraceTest, TraceStreamsTwoMillionOpsInBoundedMemory) {
  const std::uint64_t kOps = 2'000'000, kThreads = 2;
  std::string p = path("big.trace");
  {
    std::FILE* f = std::fopen(p.c_str(), "w");
    ASSERT_TRUE(f);
    for (unsigned t = 0; t < kThreads; ++t) {
      std::fprintf(f, "thread %u   # %llu ops\n", t, (unsigned long long)(kOps / kThreads));
      for (std::uint64_t i = 0; i < kOps / kThreads; ++i) {
        switch (i % 4) {
          case 0:
            std::fprintf(f, "  load a%u+%llu -> r%llu\n", t, (unsigned long long)(i % 8) * 8,
                         (unsigned long long)(i % 3));
            break;
          case 1:
            std::fprintf(f, "  store 0x%llx %llu Release\n", (unsigned long long)(0x100000 + i * 8),
                         (unsigned long long)i);
            break;
          case 2: std::fprintf(f, "  fetch_add counter 1 SeqCst\n"); break;
          default: std::fprintf(f, "  compute 3  # work\n"); break;
        }
      }
    }
    std::fclose(f);
  }
  ASSERT_GT(fs::file_size(p), 40u << 20);
  long before = max_rss_kib();
  auto t = Trace::open(p);
  std::uint64_t n = 0;
  for (unsigned i = 0; i < t->threads(); ++i) {
    auto s = t->stream(i);
    Op op;
    while (s->next(op)) ++n;
  }
  EXPECT_EQ(n, kOps);
  EXPECT_EQ(t->symbols().size(), 3u);
  EXPECT_EQ(t->registers(0).size(), 3u);
  // The 40+ MB file is never held: the peak resident size grows by far less.
  EXPECT_LT(max_rss_kib() - before, 16 * 1024);
}
