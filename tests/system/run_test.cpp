// Whole runs: determinism, the store-buffering litmus shape, bad input.
#include <gtest/gtest.h>

#include <set>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::write_temp;

namespace {

TEST(Run, SameConfigTraceAndSeedGiveByteIdenticalStats) {
  const std::string yaml = "cores: 4\nl1d: {size: 1KiB, assoc: 2, replacement: random}\n";
  std::string trace;
  for (int t = 0; t < 4; ++t) {
    trace += "thread " + std::to_string(t) + "\n";
    for (int i = 0; i < 300; ++i)
      trace += (i % 3 ? "load " : "store ") + std::to_string(0x10000 + ((i * 7 + t * 13) % 97) * 32) +
               (i % 3 ? " -> r" + std::to_string(i % 4) : " " + std::to_string(i)) + "\n";
    trace += "  fetch_add counter 1 SeqCst -> c\n";
  }
  auto a = simulate(yaml, trace, {"--seed", "7"});
  auto b = simulate(yaml, trace, {"--seed", "7"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_FALSE(a.json.empty());
  EXPECT_EQ(a.statistics_json(), b.statistics_json());
  EXPECT_EQ(a.out, b.out);
}

// Store buffering: each thread stores one location, then loads the other. With
// Relaxed stores both loads may return 0: each store waits in its store buffer for
// its upgrade while the younger load hits. A SeqCst store is an xchg, which
// drains the buffer first, so never. As a litmus harness does, both threads first
// warm the lines (Shared in both caches), then wait the same time. On the split bus
// (the default) two warm-ups that start less than a memory access apart end within
// a few cycles of each other: the later GetS is ordered while the earlier one's
// data is on its way, and the responses for a line arrive in bus order. The start
// offsets (core.start_jitter, from the seed, up to 600 cycles: more than a memory
// access) leave the threads aligned in some seeds and apart in others.
std::set<std::string> sb_outcomes(const std::string& order, int seeds) {
  auto thread = [&](int t, const char* mine, const char* other, int wait) {
    return "thread " + std::to_string(t) + "\n  load x -> w0\n  load y -> w1\n  fence SeqCst\n  compute " +
           std::to_string(wait) + "\n  store " + mine + " 1 " + order + "\n  load " + other + " Relaxed -> r" +
           std::to_string(t) + "\n";
  };
  const std::string trace = thread(0, "x", "y", 300) + thread(1, "y", "x", 300);
  std::set<std::string> seen;
  for (int s = 0; s < seeds; ++s) {
    auto r = simulate("cores: 2\ncore: {start_jitter: 600}\ncheck: true\n", trace, {"--seed", std::to_string(s)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    seen.insert(std::to_string(int(r.at("core0.regs.r0"))) + std::to_string(int(r.at("core1.regs.r1"))));
  }
  return seen;
}

TEST(Run, StoreBufferingRelaxedOutcomeAppearsWithRelaxedStores) {
  auto seen = sb_outcomes("Relaxed", 32);
  EXPECT_TRUE(seen.count("00")) << "r0=0 r1=0 never appeared";
  EXPECT_GE(seen.size(), 2u) << "the start jitter should vary the interleaving";
}

TEST(Run, StoreBufferingRelaxedOutcomeNeverAppearsWithSeqCstStores) {
  auto seen = sb_outcomes("SeqCst", 32);
  EXPECT_FALSE(seen.count("00"));
  EXPECT_FALSE(seen.empty());
}

TEST(Run, TraceWithMoreThreadsThanCoresIsRefused) {
  auto r = simulate("cores: 1\n", "thread 0\n  load x\nthread 1\n  load y\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("2 threads but the system has 1 cores"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(".yaml:1:"), std::string::npos) << "names where `cores` was set: " << r.err;
}

TEST(Run, TraceSyntaxErrorNamesFileAndLine) {
  auto r = simulate("cores: 2\n", "thread 0\n  load x\n  lod y\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(".trace:3"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SystemC"), std::string::npos) << r.err;
}

TEST(Run, TraceErrorFoundMidRunIsStillAUserError) {
  // The reader finds a bad operation only when the core reaches it, inside the
  // SystemC kernel; the message must still be ours alone, with exit status 1.
  auto r = simulate("cores: 1\n", "thread 0\n  load x\n  compute 500\n  load x Release\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(".trace:4"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SystemC"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("E549"), std::string::npos) << r.err;
}

TEST(Run, BadConfigKeyIsOneClearMessage) {
  auto r = simulate("cores: 2\nl1d: {sise: 32KiB}\n", "thread 0\n  load x\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(".yaml:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("size"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Run, MissingTraceIsAClearError) {
  auto r = run_cli({"run", write_temp("m.yaml", "cores: 1\n"), "--trace", "/nonexistent/x.trace"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/x.trace"), std::string::npos) << r.err;
}

TEST(Run, MaxCyclesStopsALongRun) {
  auto r = simulate("cores: 1\n", "thread 0\n  compute 100000\n  load x\n", {"--max-cycles", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("completed"), 0);
  EXPECT_LE(r.at("cycles"), 1001);
}

TEST(Run, WatchdogStopsARunThatMakesNoProgressWithADump) {
  // A watchdog (200) longer than each latency alone (the config rule `watchdog`
  // refuses a shorter one) but shorter than one miss: 100 L1D cycles, then 150 core
  // cycles of memory. The first miss trips it.
  auto r = simulate("cores: 1\nwatchdog: 200\nl2: null\nl3: null\nl1d: {latency: 100cycles}\n"
                    "memory: {model: fixed, latency: 50ns}\n",
                    "thread 0\n  load x -> r\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("watchdog: no operation retired"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("MSHR[0x10000 IS_D]"), std::string::npos) << "dumps the pending transaction: " << r.err;
}

TEST(Run, HelpExplainsEveryCommand) {
  auto r = run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* c : {"run", "config check", "config show", "trace convert", "trace stats"})
    EXPECT_NE(r.out.find(c), std::string::npos) << c;
  auto run = run_cli({"run", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  for (const char* o : {"--trace", "--set", "--stats", "--seed", "--max-cycles", "--events", "--quiet"})
    EXPECT_NE(run.out.find(o), std::string::npos) << o;
}

}  // namespace
