// ChampSim import: a trace written here from the published record layout (ChampSim's
// inc/trace_instruction.h, `input_instr`, 64 bytes), the counts computed while writing
// it, compared with what the importer makes of it; plain and xz-compressed; a cut
// record is reported with its number.
#include "cpu/trace/champsim_trace.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>

#include "cpu/trace/trace_convert.hpp"
#include "import_test_util.hpp"

using namespace cohsim;

namespace {

// One input_instr record, written field by field in the published order.
struct InputInstr {
  std::uint64_t ip = 0;
  std::uint8_t is_branch = 0, branch_taken = 0;
  std::uint8_t destination_registers[2] = {0, 0};
  std::uint8_t source_registers[4] = {0, 0, 0, 0};
  std::uint64_t destination_memory[2] = {0, 0};
  std::uint64_t source_memory[4] = {0, 0, 0, 0};
};

void put64(std::string& s, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string bytes_of(const InputInstr& r) {
  std::string s;
  put64(s, r.ip);
  s.push_back(static_cast<char>(r.is_branch));
  s.push_back(static_cast<char>(r.branch_taken));
  for (auto x : r.destination_registers) s.push_back(static_cast<char>(x));
  for (auto x : r.source_registers) s.push_back(static_cast<char>(x));
  for (auto x : r.destination_memory) put64(s, x);
  for (auto x : r.source_memory) put64(s, x);
  return s;
}

struct Expected {
  std::uint64_t instructions = 0, loads = 0, stores = 0, no_memory = 0;
  std::string bytes;
};

// `n` random instructions: 0-4 source and 0-2 destination memory operands each (often none).
Expected make_trace(unsigned n, unsigned seed) {
  Expected e;
  std::mt19937_64 rng(seed);
  for (unsigned i = 0; i < n; ++i) {
    InputInstr r;
    r.ip = 0x400000 + 4 * i;
    r.is_branch = rng() % 5 == 0;
    r.branch_taken = r.is_branch && rng() % 2;
    r.source_registers[0] = static_cast<std::uint8_t>(1 + rng() % 30);
    const unsigned nsrc = rng() % 3 == 0 ? unsigned(rng() % 5) : 0, ndst = rng() % 4 == 0 ? unsigned(rng() % 3) : 0;
    for (unsigned k = 0; k < nsrc; ++k) r.source_memory[k] = 0x7fff0000 + (rng() % 4096);
    for (unsigned k = 0; k < ndst; ++k) r.destination_memory[k] = 0x10000 + (rng() % 65536);
    e.loads += nsrc;
    e.stores += ndst;
    e.no_memory += nsrc + ndst == 0;
    ++e.instructions;
    e.bytes += bytes_of(r);
  }
  return e;
}

struct Counted {
  std::uint64_t loads = 0, stores = 0, compute_cycles = 0, other = 0;
  bool pcs_ok = true, aligned = true;
};

Counted count(const std::vector<Op>& ops) {
  Counted c;
  for (const Op& op : ops) {
    if (op.kind == OpKind::Load) ++c.loads;
    else if (op.kind == OpKind::Store) ++c.stores;
    else if (op.kind == OpKind::Compute) c.compute_cycles += op.value;
    else ++c.other;
    if (is_memory(op.kind)) {
      c.pcs_ok &= op.pc >= 0x400000 && op.pc % 4 == 0;
      c.aligned &= op.size == 8 && op.addr % 8 == 0;
    }
  }
  return c;
}

using ChampSimTest = test::TraceFiles;

}  // namespace

TEST(ChampSimLayout, TheRecordIs64Bytes) { EXPECT_EQ(bytes_of(InputInstr{}).size(), kChampSimRecordSize); }

TEST_F(ChampSimTest, OperationCountsEqualTheCountsWrittenIntoTheTrace) {
  const Expected e = make_trace(5000, 7);
  ASSERT_GT(e.loads, 100u);
  ASSERT_GT(e.stores, 100u);
  auto t = Trace::open(write("spec.champsimtrace", e.bytes));
  EXPECT_STREQ(t->format(), "champsim");
  EXPECT_EQ(t->threads(), 1u);
  const Counted c = count(drain(*t));
  EXPECT_EQ(c.loads, e.loads);
  EXPECT_EQ(c.stores, e.stores);
  EXPECT_EQ(c.compute_cycles, e.no_memory);  // one cycle per instruction without memory operands
  EXPECT_EQ(c.other, 0u);
  EXPECT_TRUE(c.pcs_ok);
  EXPECT_TRUE(c.aligned);
}

TEST_F(ChampSimTest, OneRecordBecomesLoadsThenStoresWithItsIpAsPc) {
  InputInstr a, b, m;
  a.ip = 0x401000;  // no memory operand
  b.ip = 0x401004;
  m.ip = 0x401008;
  m.source_memory[0] = 0x7fff0013;  // aligned down to 8
  m.source_memory[2] = 0x7fff0020;
  m.destination_memory[1] = 0x10008;
  auto t = Trace::open(write("x.champsim", bytes_of(a) + bytes_of(b) + bytes_of(m) + bytes_of(a)));
  const std::vector<Op> ops = drain(*t);
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(ops[0].kind, OpKind::Compute);
  EXPECT_EQ(ops[0].value, 2u);
  EXPECT_EQ(ops[1].kind, OpKind::Load);
  EXPECT_EQ(ops[1].addr, 0x7fff0010u);
  EXPECT_EQ(ops[1].pc, 0x401008u);
  EXPECT_EQ(ops[2].kind, OpKind::Load);
  EXPECT_EQ(ops[2].addr, 0x7fff0020u);
  EXPECT_EQ(ops[3].kind, OpKind::Store);
  EXPECT_EQ(ops[3].addr, 0x10008u);
  EXPECT_EQ(ops[3].pc, 0x401008u);
  EXPECT_EQ(ops[3].order, Ordering::Plain);
  EXPECT_EQ(ops[4].kind, OpKind::Compute);  // the trailing instruction
  EXPECT_EQ(ops[4].value, 1u);
}

TEST_F(ChampSimTest, XzCompressedTracesReadTheSame) {
  if (std::system("command -v xz >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "xz is not installed (Debian package xz-utils; scripts/deps.sh installs it)";
  const Expected e = make_trace(3000, 11);
  const std::string plain = write("t.champsimtrace", e.bytes);
  ASSERT_EQ(std::system(("xz -k -T1 " + plain).c_str()), 0);
  auto t = Trace::open(plain + ".xz");
  EXPECT_STREQ(t->format(), "champsim");
  const Counted c = count(drain(*t));
  EXPECT_EQ(c.loads, e.loads);
  EXPECT_EQ(c.stores, e.stores);
  EXPECT_EQ(c.compute_cycles, e.no_memory);
  // Converted once to cohsim's binary format, the PCs come along.
  const std::string bin = path("t.bin");
  convert_trace(plain + ".xz", bin);
  const std::vector<Op> a = drain(*Trace::open(plain)), b = drain(*Trace::open(bin));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].addr, b[i].addr);
    EXPECT_EQ(a[i].pc, b[i].pc);
    EXPECT_EQ(a[i].value, b[i].value);
  }
  // A corrupt compressed stream names the file and the record it reached.
  std::string z;
  {
    std::ifstream f(plain + ".xz", std::ios::binary);
    z.assign(std::istreambuf_iterator<char>(f), {});
  }
  z[z.size() / 2] ^= 0x55;
  const std::string bad = write("bad.champsim.xz", z);
  EXPECT_HAS(error_of(bad), bad + ": corrupt xz data (at record ");
  EXPECT_HAS(error_of(write("cut.champsim.xz", z.substr(0, z.size() / 2))), "(at record ");
}

TEST_F(ChampSimTest, ATruncatedRecordIsReportedWithItsNumber) {
  const Expected e = make_trace(10, 3);
  const std::string p = write("cut.champsimtrace", e.bytes.substr(0, e.bytes.size() - 20));
  EXPECT_EQ(error_of(p), p + ": truncated ChampSim trace: record 9 (counting from 0) has 44 of its 64 bytes");
}

TEST_F(ChampSimTest, TheFormatCanBeGivenForAnyName) {
  const Expected e = make_trace(50, 5);
  const std::string p = write("trace.raw", e.bytes);
  TraceOptions o;
  o.format = "champsim";
  EXPECT_STREQ(Trace::open(p, o)->format(), "champsim");
  o.format = "champsin";
  EXPECT_HAS(error_of(p, o), "unknown trace format 'champsin' (did you mean 'champsim'?)");
}

TEST_F(ChampSimTest, WithAnL1iEachRecordIsFetchedFirst) {
  // TraceOptions::champsim_ifetch (set when l1i.size > 0): each record starts with an
  // ifetch.1 of its ip; the instructions without memory operands still become compute
  // (one cycle each), now one per record, before the next fetch.
  InputInstr a, m;
  a.ip = 0x401000;  // no memory operand
  m.ip = 0x401004;
  m.source_memory[0] = 0x7fff0010;
  TraceOptions o;
  o.champsim_ifetch = true;
  auto t = Trace::open(write("y.champsim", bytes_of(a) + bytes_of(m) + bytes_of(a)), o);
  const std::vector<Op> ops = drain(*t);
  ASSERT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops[0].kind, OpKind::IFetch);
  EXPECT_EQ(ops[0].addr, 0x401000u);
  EXPECT_EQ(ops[0].size, 1u);
  EXPECT_EQ(ops[0].line, 1u);
  EXPECT_EQ(ops[1].kind, OpKind::Compute);
  EXPECT_EQ(ops[1].value, 1u);
  EXPECT_EQ(ops[2].kind, OpKind::IFetch);
  EXPECT_EQ(ops[2].addr, 0x401004u);
  EXPECT_EQ(ops[3].kind, OpKind::Load);
  EXPECT_EQ(ops[3].pc, 0x401004u);
  EXPECT_EQ(ops[4].kind, OpKind::IFetch);
  EXPECT_EQ(ops[4].line, 3u);
  EXPECT_EQ(ops[5].kind, OpKind::Compute);
  // Over the random trace: one fetch per record, the other counts unchanged.
  const Expected e = make_trace(2000, 11);
  const std::vector<Op> all = drain(*Trace::open(write("z.champsim", e.bytes), o));
  const Counted c = count(all);
  EXPECT_EQ(c.other, e.instructions);  // the ifetches
  EXPECT_EQ(c.loads, e.loads);
  EXPECT_EQ(c.stores, e.stores);
  EXPECT_EQ(c.compute_cycles, e.no_memory);
}
