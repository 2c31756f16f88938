// Extended din (Dinero IV's -informat D: `r|w|i|m ADDRESS SIZE`, hex) beside the
// numeric labels: sizes kept, wide and unaligned accesses split, errors with file:line.
#include <gtest/gtest.h>

#include "cpu/trace/din_trace.hpp"
#include "import_test_util.hpp"

using namespace cohsim;

namespace {
using ExtendedDinTest = test::TraceFiles;
}

TEST_F(ExtendedDinTest, LettersWithSizesBesideNumericLabels) {
  const char* din =
      "r 1000 4\n"
      "W 0x2000 8   anything after the size is ignored\n"
      "i 400000 4\n"
      "0 3000\n"
      "m 1008 2\n"
      "r 100c 8\n"    // crosses an 8-byte boundary: two pieces
      "w 2040 20\n";  // 32 bytes: four 8-byte stores
  for (const char* name : {"x.din", "x.txt"}) {  // by extension, then by content
    auto t = Trace::open(write(name, din));
    EXPECT_STREQ(t->format(), "din");
    const std::vector<Op> ops = drain(*t);
    ASSERT_EQ(ops.size(), 11u) << name;
    EXPECT_EQ(ops[0].kind, OpKind::Load);
    EXPECT_EQ(ops[0].addr, 0x1000u);
    EXPECT_EQ(ops[0].size, 4);
    EXPECT_EQ(ops[1].kind, OpKind::Store);
    EXPECT_EQ(ops[1].addr, 0x2000u);
    EXPECT_EQ(ops[1].size, 8);
    EXPECT_EQ(ops[1].line, 2u);
    EXPECT_EQ(ops[2].kind, OpKind::IFetch);
    EXPECT_EQ(ops[3].kind, OpKind::Load);  // numeric label 0: 4 bytes, as before
    EXPECT_EQ(ops[3].size, 4);
    EXPECT_EQ(ops[4].kind, OpKind::Load);  // m: a read
    EXPECT_EQ(ops[4].size, 2);
    EXPECT_EQ(ops[5].addr, 0x100cu);
    EXPECT_EQ(ops[5].size, 4);
    EXPECT_EQ(ops[6].addr, 0x1010u);
    EXPECT_EQ(ops[6].size, 4);
    EXPECT_EQ(ops[6].line, 6u);
    for (int i = 7; i < 11; ++i) {
      EXPECT_EQ(ops[i].kind, OpKind::Store);
      EXPECT_EQ(ops[i].addr, 0x2040u + 8 * (i - 7));
      EXPECT_EQ(ops[i].size, 8);
    }
  }
}

TEST_F(ExtendedDinTest, ErrorsNameTheLineAndTheValidChoices) {
  EXPECT_HAS(error_of(write("a.din", "r 1000 4\nr 1000\n")), "a.din:2:7: missing size");
  EXPECT_HAS(error_of(write("b.din", "c 1000 4\n")), "b.din:1:1: extended din type 'c' (copyback) is not supported");
  EXPECT_HAS(error_of(write("c.din", "x 1000 4\n")), "c.din:1:1: unknown din label 'x'");
  EXPECT_HAS(error_of(write("d.din", "r 10g0 4\n")), "d.din:1:3: bad extended din address");
  EXPECT_HAS(error_of(write("e.din", "w 1000 0\n")), "e.din:1:8: an access of 0 bytes");
  EXPECT_HAS(error_of(write("f.din", "w ffffffffffffffff 2\n")), "the access runs past the top of memory");
  // One record of a page at most: a corrupt size field (here a terabyte, which split
  // into 8-byte pieces would be 2^37 operations held at once) is refused, not expanded.
  EXPECT_HAS(error_of(write("g.din", "r 0 10000000000\n")),
             "g.din:1:5: an access of 1099511627776 bytes: one record may describe at most 4096 bytes");
  EXPECT_HAS(error_of(write("h.din", "r 0 1001\n")), "at most 4096 bytes");
  EXPECT_EQ(error_of(write("i.din", "r 0 1000\n")), "");
}
