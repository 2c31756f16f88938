// Hostile input (issue #12): inputs built to break the parsers get one clear message
// naming file:line and a non-zero exit, never a signal, and memory stays bounded.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <string>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::write_temp;

namespace {

const std::string kConfig = std::string(COHSIM_SOURCE_DIR) + "/configs/default.yaml";

std::string litmus_with(const std::string& condition) {
  return "litmus deep\nthread 0 {\n  x.store(1, Ordering::Relaxed);\n}\nthread 1 {\n"
         "  let r0 = x.load(Ordering::Relaxed);\n}\nexists " +
         condition + "\n";
}

// The largest resident set of any child this test process has waited for, in KiB
// (ctest runs each test in its own process, so only this test's children count).
long children_max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return u.ru_maxrss;
}

TEST(HostileInput, DeeplyNestedLitmusConditionIsRefusedNotAStackOverflow) {
  const std::string parens =
      write_temp("parens.litmus", litmus_with(std::string(10000, '(') + "1:r0 == 1" + std::string(10000, ')')));
  const std::string nots = write_temp("nots.litmus", litmus_with("(" + std::string(13000, '!') + "1:r0 == 1)"));
  for (const std::string& cmd : {"litmus", "races"})
    for (const std::string& f : {parens, nots}) {
      auto r = run_cli({cmd, f, "--runs", "1"});
      EXPECT_EQ(r.exit_code, 1) << cmd << " " << f << ": " << r.err;
      EXPECT_NE(r.err.find(f + ":8:"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("nests '(' and '!' more than 200 deep"), std::string::npos) << r.err;
    }
}

TEST(HostileInput, LongConjunctionIsParsedAndEvaluated) {
  std::string c = "(1:r0 == 1";
  for (int i = 0; i < 266000; ++i) c += " && 1:r0 == 1";
  const std::string f = write_temp("and.litmus", litmus_with(c + ")"));
  auto r = run_cli({"litmus", f, "--runs", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(HostileInput, HundredMegabyteCommentLineIsSkippedInBoundedMemory) {
  const std::string dir = cohsim::test::temp_dir();
  const std::string trace = dir + "/comment.trace";
  {
    std::ofstream o(trace, std::ios::binary);
    o << "thread 0\n  load 0x100 # ";
    const std::string chunk(1 << 20, 'c');
    for (int i = 0; i < 100; ++i) o << chunk;
    o << "\n  store 0x100 1\n";
  }
  // The same run on a two-line trace first: its peak (the binary, SystemC, and under
  // the sanitizers their shadow memory) is the baseline.
  const std::string small = dir + "/small.trace";
  std::ofstream(small) << "thread 0\n  load 0x100 # c\n  store 0x100 1\n";
  ASSERT_EQ(run_cli({"run", kConfig, "--trace", small}).exit_code, 0);
  const long baseline = children_max_rss_kib();
  auto r = run_cli({"run", kConfig, "--trace", trace});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The whole comment line held in memory would take 100 MB at least above the
  // baseline; the reader keeps one 64 KiB buffer. (The figure is the largest child's
  // peak, so it is the baseline unless the big run used more.)
  EXPECT_LT(children_max_rss_kib(), baseline + 40 * 1024) << "baseline " << baseline << " KiB";
}

TEST(HostileInput, OverlongTraceLineIsRefusedWithItsLine) {
  const std::string trace =
      write_temp("long.trace", "thread 0\n  load 0x100\n  load 0x100 " + std::string(200000, 'z') + "\n");
  auto r = run_cli({"run", kConfig, "--trace", trace});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(trace + ":3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line longer than 65536 bytes"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 400u);
}

TEST(HostileInput, LongBadTokenIsEchoedCutAndFast) {
  const std::string trace = write_temp("tok.trace", "thread 0\n  " + std::string(60000, 'y') + " 0x100\n");
  auto r = run_cli({"run", kConfig, "--trace", trace});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(trace + ":2:3: unknown operation 'yyyy"), std::string::npos) << r.err.substr(0, 300);
  EXPECT_NE(r.err.find("... (60000 bytes)'"), std::string::npos);
  EXPECT_LT(r.err.size(), 600u);
}

TEST(HostileInput, TraceStartingWithAByteOrderMarkIsRead) {
  const std::string text = write_temp("bom.trace", "\xEF\xBB\xBFthread 0\n  load 0x100\n  store 0x100 1\n");
  auto r = run_cli({"run", kConfig, "--trace", text});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string din = write_temp("bom.din",
                                     "\xEF\xBB\xBF"
                                     "0 100\n1 100\n");
  r = run_cli({"run", kConfig, "--trace", din});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Still an error on line 2 where there is one, with columns of the line itself.
  const std::string bad = write_temp("bombad.trace", "\xEF\xBB\xBFthread 0\n  lod 0x100\n");
  r = run_cli({"run", kConfig, "--trace", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(bad + ":2:3: unknown operation 'lod' (did you mean 'load'?)"), std::string::npos) << r.err;
}

}  // namespace
