// The optional PC of a memory operation: `pc=ADDR` in the text format, a PC record in
// the binary format (version 2; version 1 files are still read), kept by conversion.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "cpu/trace/binary_trace.hpp"
#include "cpu/trace/trace_convert.hpp"
#include "import_test_util.hpp"

using namespace cohsim;

namespace {

using TracePcTest = test::TraceFiles;

const char* kWithPcs = R"(thread 0
  load x pc=0x401000
  load.4 y Acquire -> r0 pc=0x401004
  store x 7 pc=4198408
  compare_exchange y 1 2 AcqRel Acquire -> r1 pc=0x40100c
  compute 3
  fetch_add x 1 SeqCst
  store y 1 Release
)";

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_F(TracePcTest, TextPcFieldsAreRead) {
  const std::vector<Op> ops = drain(*Trace::open(write("pc.trace", kWithPcs)));
  ASSERT_EQ(ops.size(), 7u);
  EXPECT_EQ(ops[0].pc, 0x401000u);
  EXPECT_EQ(ops[1].pc, 0x401004u);
  EXPECT_EQ(ops[1].reg, 0);
  EXPECT_EQ(ops[1].order, Ordering::Acquire);
  EXPECT_EQ(ops[2].pc, 0x401008u);
  EXPECT_EQ(ops[2].value, 7u);
  EXPECT_EQ(ops[3].pc, 0x40100cu);
  EXPECT_EQ(ops[4].pc, 0u);
  EXPECT_EQ(ops[5].pc, 0u);
}

TEST_F(TracePcTest, TextPcErrors) {
  EXPECT_HAS(error_of(write("a.trace", "thread 0\n  compute 3 pc=0x10\n")), "a.trace:2:13: compute has no PC");
  EXPECT_HAS(error_of(write("b.trace", "thread 0\n  load x pc=zz\n")), "b.trace:2:10: bad PC 'pc=zz'");
  EXPECT_HAS(error_of(write("c.trace", "thread 0\n  load x pc=0x10 Acquire\n")),
             "c.trace:2:18: unexpected 'Acquire' after `pc=`: it is the last field");
}

TEST_F(TracePcTest, PcsSurviveTextBinaryTextRoundTrips) {
  const std::string src = write("pc.trace", kWithPcs);
  const std::string b1 = path("a.bin"), t1 = path("a.trace"), b2 = path("b.bin"), t2 = path("b.trace");
  convert_trace(src, b1);
  convert_trace(b1, t1);
  convert_trace(t1, b2);
  convert_trace(b2, t2);
  EXPECT_EQ(slurp(t1), slurp(t2));
  EXPECT_NE(slurp(t1).find("load.4 y Acquire -> r0 pc=0x401004"), std::string::npos) << slurp(t1);
  const std::vector<Op> a = drain(*Trace::open(src)), b = drain(*Trace::open(b2));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].pc, b[i].pc) << i;
    EXPECT_EQ(a[i].expected, b[i].expected) << i;
    EXPECT_EQ(a[i].kind, b[i].kind) << i;
  }
}

TEST_F(TracePcTest, VersionOneFilesAreStillRead) {
  // A trace without PCs is written as version 2 records identical to version 1's;
  // marked version 1 it reads the same.
  const std::string src = write("nopc.trace", "thread 0\n  load x\n  store y 2 Release\n  compute 4\n");
  const std::string bin = path("v.bin");
  convert_trace(src, bin);
  std::string bytes = slurp(bin);
  ASSERT_EQ(bytes[8], char(kBinaryTraceVersion));
  bytes[8] = 1;
  const std::string v1 = write("v1.bin", bytes);
  const std::vector<Op> a = drain(*Trace::open(bin)), b = drain(*Trace::open(v1));
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(a[i].addr, b[i].addr);
  // A PC bit in a version 1 file is corrupt; so is a PC record with stray bytes.
  const std::string src2 = write("pc1.trace", "thread 0\n  load x pc=0x400\n");
  convert_trace(src2, bin);
  bytes = slurp(bin);
  std::string v = bytes;
  v[8] = 1;
  EXPECT_HAS(error_of(write("bad1.bin", v)), "corrupt binary trace: thread 0, op 0: invalid size bits");
  v = bytes;
  v[v.size() - 1] = 1;  // the PC record's last byte
  EXPECT_HAS(error_of(write("bad2.bin", v)), "corrupt binary trace: thread 0, op 0: bad PC record");
}
