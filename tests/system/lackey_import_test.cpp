// Valgrind lackey import: a tiny C program run under `valgrind --tool=lackey
// --trace-mem=yes`, its trace imported, and the operation counts compared with the
// lines of lackey's output (counted here independently) and with lackey's own summary
// ("guest instrs"); then simulated, and converted to binary once.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "cpu/trace/trace.hpp"
#include "cpu/trace/trace_convert.hpp"
#include "run_cohsim.hpp"
#include "sim/base/error.hpp"

using cohsim::test::run_cli;
using cohsim::test::temp_dir;
using namespace cohsim;

namespace {

bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0; }

const char* kProgram = R"(#include <stdio.h>
#include <string.h>
struct wide { char c[40]; };
static struct wide src, dst;
static long a[256];
int main(void) {
  long s = 0;
  for (int i = 0; i < 256; ++i) a[i] = i;
  for (int i = 0; i < 256; ++i) s += a[i];
  memset(&src, 7, sizeof src);
  for (int k = 0; k < 20; ++k) { dst = src; a[k] += dst.c[k]; }  /* wide copies, modifies */
  printf("%ld\n", s + a[3]);
  return 0;
}
)";

struct LackeyCounts {
  std::uint64_t instrs = 0, loads = 0, stores = 0, modifies = 0, load_pieces = 0, store_pieces = 0;
  std::uint64_t instrs_without_data = 0, guest_instrs = 0;
  bool summary = false;
};

// Counts lackey's lines: I, L, S, M, the 8-byte blocks each data access touches, and
// the instructions followed by no data line; reads "guest instrs: N" from its summary.
LackeyCounts count_lines(const std::string& path) {
  LackeyCounts c;
  std::ifstream f(path);
  std::string line;
  bool data_since_instr = true;
  const std::regex guest(R"(guest instrs:\s+([0-9,]+))");
  while (std::getline(f, line)) {
    std::smatch m;
    if (std::regex_search(line, m, guest)) {
      std::string n = m[1];
      n.erase(std::remove(n.begin(), n.end(), ','), n.end());
      c.guest_instrs = std::stoull(n);
      c.summary = true;
    }
    if (line.size() < 3 || line[0] == '=') continue;
    const char kind = line[0] == 'I' ? 'I' : line[1];
    const auto comma = line.find(',');
    const unsigned long long addr = std::stoull(line.substr(3, comma - 3), nullptr, 16);
    const unsigned long long size = std::stoull(line.substr(comma + 1));
    const std::uint64_t blocks = (addr + size - 1) / 8 - addr / 8 + 1;
    switch (kind) {
      case 'I':
        ++c.instrs;
        if (!data_since_instr) ++c.instrs_without_data;
        data_since_instr = false;
        break;
      case 'L': ++c.loads, c.load_pieces += blocks, data_since_instr = true; break;
      case 'S': ++c.stores, c.store_pieces += blocks, data_since_instr = true; break;
      case 'M':
        ++c.modifies, c.load_pieces += blocks, c.store_pieces += blocks, data_since_instr = true;
        break;
      default: ADD_FAILURE() << "unexpected lackey line: " << line;
    }
  }
  if (!data_since_instr) ++c.instrs_without_data;  // the last instruction
  return c;
}

struct OpCounts {
  std::uint64_t loads = 0, stores = 0, ifetches = 0, compute_cycles = 0, with_pc = 0, memory = 0, total = 0;
};

OpCounts count_ops(const Trace& t) {
  OpCounts c;
  auto s = t.stream(0);
  Op op;
  while (s->next(op)) {
    ++c.total;
    c.loads += op.kind == OpKind::Load;
    c.stores += op.kind == OpKind::Store;
    c.ifetches += op.kind == OpKind::IFetch;
    if (op.kind == OpKind::Compute) c.compute_cycles += op.value;
    if (is_memory(op.kind)) ++c.memory, c.with_pc += op.pc != 0;
  }
  return c;
}

}  // namespace

TEST(LackeyImport, OperationCountsEqualLackeysLinesAndSummary) {
  if (!have("valgrind"))
    GTEST_SKIP() << "valgrind is not installed (Debian package valgrind; scripts/deps.sh installs it): lackey import "
                    "not tested";
  if (!have("cc")) GTEST_SKIP() << "no C compiler (cc)";
  const std::string dir = temp_dir();
  {
    std::ofstream(dir + "/prog.c") << kProgram;
  }
  // Static when the C library allows it: fewer dynamic-loader instructions to trace.
  const std::string cc = "cc -O1 " + dir + "/prog.c -o " + dir + "/prog";
  ASSERT_EQ(std::system((cc + " -static 2>/dev/null || " + cc).c_str()), 0);
  const std::string trace = dir + "/prog.lackey";
  ASSERT_EQ(std::system(("valgrind --tool=lackey --trace-mem=yes --log-file=" + trace + " " + dir + "/prog >" + dir +
                         "/prog.out 2>&1")
                            .c_str()),
            0);
  const LackeyCounts want = count_lines(trace);
  ASSERT_TRUE(want.summary) << "no 'guest instrs' in lackey's summary";
  ASSERT_GT(want.instrs, 1000u);
  ASSERT_GT(want.modifies, 0u);
  EXPECT_GT(want.load_pieces + want.store_pieces, want.loads + want.stores + 2 * want.modifies);  // wide ones split

  auto t = Trace::open(trace);
  EXPECT_STREQ(t->format(), "lackey");
  const OpCounts got = count_ops(*t);
  EXPECT_EQ(got.ifetches, want.instrs);
  EXPECT_EQ(got.ifetches, want.guest_instrs);  // lackey's own count
  EXPECT_EQ(got.loads, want.load_pieces);
  EXPECT_EQ(got.stores, want.store_pieces);
  EXPECT_EQ(got.compute_cycles, want.instrs_without_data);
  EXPECT_EQ(got.with_pc, got.memory);  // every access carries its instruction's address

  // Read once, converted to binary: the same ops, PCs included.
  const std::string bin = dir + "/prog.bin";
  convert_trace(trace, bin);
  const OpCounts again = count_ops(*Trace::open(bin));
  EXPECT_EQ(again.loads, got.loads);
  EXPECT_EQ(again.stores, got.stores);
  EXPECT_EQ(again.ifetches, got.ifetches);
  EXPECT_EQ(again.compute_cycles, got.compute_cycles);
  EXPECT_EQ(again.with_pc, got.with_pc);

  // And simulated: every op retires, the loads and stores are the core's.
  const std::string js = dir + "/stats.json";
  const auto r = run_cli({"run", std::string(COHSIM_SOURCE_DIR) + "/configs/laptop-x86.yaml", "--trace", trace,
                          "--stats", js, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream sj(js);
  std::stringstream ss;
  ss << sj.rdbuf();
  EXPECT_NE(ss.str().find("\"core0.loads\": " + std::to_string(got.loads)), std::string::npos);
  EXPECT_NE(ss.str().find("\"ops\": " + std::to_string(got.total)), std::string::npos);
}

TEST(LackeyImport, BadLinesNameTheFileAndLine) {
  const std::string dir = temp_dir();
  const std::string p = dir + "/bad.lackey";
  std::ofstream(p) << "==1== Lackey\nI  00401000,3\n L 7ff000,8\nhello from the program\n";
  try {
    auto t = Trace::open(p);
    auto s = t->stream(0);
    Op op;
    while (s->next(op)) {
    }
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(p + ":4:1: unknown lackey record 'hello from the program'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("--log-file"), std::string::npos) << e.what();
  }
  std::ofstream(p) << "I  00401000,3\n L 7ff000\n";
  try {
    auto t = Trace::open(p);
    auto s = t->stream(0);
    Op op;
    while (s->next(op)) {
    }
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(p + ":2:10: expected ','"), std::string::npos) << e.what();
  }
  // A record larger than a page is refused (a corrupt size must not become millions of
  // operations); a page is fine.
  std::ofstream(p) << "I  00401000,3\n S 7ff000,4096\n L 7ff000,4097\n";
  try {
    auto t = Trace::open(p);
    auto s = t->stream(0);
    Op op;
    std::size_t n = 0;
    while (s->next(op)) ++n;
    ADD_FAILURE() << "no error after " << n << " operations";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(p + ":3:4: an access of 4097 bytes: one record may describe at most 4096"),
              std::string::npos)
        << e.what();
  }
}
