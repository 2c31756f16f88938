// Whole runs with DRAM as the memory (memory.model: dram): values stay right (also
// when a read is answered from the controller's write queue), one isolated miss costs
// exactly tRCD + CL + burst in the controller, runs are deterministic, and `cohsim
// dram` reports what the engine measured.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::write_temp;
using testing::HasSubstr;

namespace {

const char* kDram = "cores: 1\nmemory: {model: dram}\ndram: {preset: DDR4-3200}\nl2: null\nl3: null\n";

TEST(DramRun, OneIsolatedMissTakesTrcdPlusClPlusBurst) {
  auto r = simulate(kDram, "thread 0\n  load 0x100000 -> r0\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("memory.reads"), 1);
  EXPECT_EQ(r.at("memory.row_misses"), 1);
  // DDR4-3200: (tRCD 22 + CL 22 + 4 data clocks) x 0.625 ns.
  EXPECT_DOUBLE_EQ(r.at("memory.read_latency_ns"), 30.0);
  EXPECT_DOUBLE_EQ(r.at("memory.read_latency_p99_ns"), 30.0);
  // Line 0x100000 / 64 = 2^14 under ro_ra_ba_co_bg_ch: bank group bits 0-1 = 0, column
  // bits 2-8 = 0, bank bits 9-10 = 0: bank 0 of bank group 0, which alone was busy.
  double accesses = 0;
  for (const auto& [k, v] : r.stats)
    if (k.size() > 9 && k.compare(k.size() - 9, 9, ".accesses") == 0) accesses += v;
  EXPECT_EQ(accesses, 1);
  EXPECT_EQ(r.at("memory.ch0.rank0.bg0.bank0.accesses"), 1);
  EXPECT_GT(r.at("memory.ch0.rank0.bg0.bank0.utilization"), 0);
  EXPECT_EQ(r.at("memory.ch0.rank0.bg1.bank0.utilization"), 0);
}

// The controller's static pipeline (dram.frontend_latency, dram.backend_latency, as gem5's
// memory controller has): an isolated miss takes both on top of the DRAM's own timing,
// which the controller's read latency (queue arrival to data) does not include.
TEST(DramRun, FrontendAndBackendLatenciesAddToAnIsolatedMiss) {
  const std::string trace = "thread 0\n  load 0x100000 -> r0\n";
  auto base = simulate(kDram, trace);
  ASSERT_EQ(base.exit_code, 0) << base.err;
  auto r = simulate(kDram, trace, {"--set", "dram.frontend_latency=10ns", "--set", "dram.backend_latency=5ns"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_DOUBLE_EQ(r.at("memory.read_latency_ns"), 30.0);
  // 15 ns at the default 3 GHz core clock = 45 core cycles.
  EXPECT_EQ(r.at("cycles") - base.at("cycles"), 45);
  auto bad = run_cli({"config", "check", write_temp("dram.yaml", kDram), "--set", "dram.backend_latency=-1ns"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("dram.backend_latency"));
}

std::string streaming_trace() {
  std::string t = "thread 0\n";
  for (int i = 0; i < 3000; ++i)
    t += "  store " + std::to_string(0x100000 + i * 64) + " " + std::to_string(i + 1) + "\n";
  for (int i = 0; i < 3000; i += 7)
    t += "  load " + std::to_string(0x100000 + i * 64) + " -> r" + std::to_string(i % 5) + "\n";
  return t;
}

TEST(DramRun, ValuesSurviveTheTripThroughDramAndRunsAreDeterministic) {
  const std::string yaml = std::string(kDram) + "check: true\nl1d: {size: 4KiB}\n";
  auto a = simulate(yaml, streaming_trace());
  auto b = simulate(yaml, streaming_trace());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.statistics_json(), b.statistics_json());
  // The last loads: 2996 + 1 and 2989 + 1 ... each register holds its last load's value.
  EXPECT_EQ(a.at("core0.regs.r0"), 2996 - 2996 % 35 + 1);  // the last i with i % 7 == 0 and i % 5 == 0
  EXPECT_GT(a.at("memory.writes"), 2000);
  EXPECT_GT(a.at("memory.row_hits"), a.at("memory.row_conflicts"));  // a stream keeps its rows open
  EXPECT_GT(a.at("memory.bandwidth_GBps"), 0);
  EXPECT_LE(a.at("memory.bandwidth_utilization"), 1.0);
}

TEST(DramRun, ClosedPagePolicyLosesTheStreamsRowHits) {
  const std::string yaml = std::string(kDram) + "l1d: {size: 4KiB}\n";
  auto open = simulate(yaml, streaming_trace());
  auto closed = simulate(yaml, streaming_trace(), {"--set", "dram.page_policy=closed"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  // Only an access that finds the row another request's ACT just opened hits.
  EXPECT_LT(closed.at("memory.row_hits") * 100, open.at("memory.row_hits"));
  EXPECT_GT(open.at("memory.row_hits"), 1000);
}

// A line written back to DRAM and read again while its write still waits in the
// controller's write queue: the read is answered from the write queue
// (dram.read_forwarding), and the value it returns is the written one. Each store
// writes line A+i; later stores fill its set of the 2-way 4 KiB L1D and evict it
// (dirty), and a load of it follows 64 stores after, while loads of random lines B keep
// the controller serving reads and the writebacks queued. The checker compares every load with the last store
// (the data-value invariant); the last loads' registers are checked here too.
std::string reload_after_writeback_trace(int n) {
  std::string t = "thread 0\n";
  std::uint64_t x = 3;
  for (int i = 0; i < n; ++i) {
    t += "  store " + std::to_string(0x100000 + i * 64) + " " + std::to_string(i + 1) + "\n";
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    t += "  load " + std::to_string(0x4000000 + ((x >> 33) % 65536) * 64) + " -> b\n";
    if (i >= 64) t += "  load " + std::to_string(0x100000 + (i - 64) * 64) + " -> r" + std::to_string(i % 8) + "\n";
  }
  return t;
}

TEST(DramRun, AReadForwardedFromTheWriteQueueReturnsTheWrittenValue) {
  const std::string yaml = std::string(kDram) + "check: true\nl1d: {size: 4KiB, assoc: 2}\n";
  const int n = 800;
  auto on = simulate(yaml, reload_after_writeback_trace(n));
  auto off = simulate(yaml, reload_after_writeback_trace(n), {"--set", "dram.read_forwarding=false"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_GE(on.at("memory.forwarded_reads"), 10);
  EXPECT_EQ(off.at("memory.forwarded_reads"), 0);
  EXPECT_EQ(on.at("memory.reads"), off.at("memory.reads"));  // the same requests reach the controller
  // The last eight loads, i = n-8 .. n-1, read line i-64, written with i-64+1.
  for (int i = n - 8; i < n; ++i) {
    const std::string reg = "core0.regs.r" + std::to_string(i % 8);
    EXPECT_EQ(on.at(reg), i - 64 + 1) << reg;
    EXPECT_EQ(off.at(reg), i - 64 + 1) << reg;
  }
}

TEST(DramCommand, CountsRequestsServedFromTheQueues) {
  // Every request at cycle 0, in file order: W A queued; R A answered from it; W A merged
  // into it; R B queued; R B merged with it. Two bursts (R B's RD, W A's WR) for five
  // requests.
  const std::string cfg = write_temp("d.yaml", "dram: {preset: DDR4-3200}\n");
  const std::string f = write_temp("same.trace", "W 0x40 0\nR 0x40 0\nW 0x40 0\nR 0x80 0\nR 0x80 0\n");
  auto r = run_cli({"dram", cfg, "--file", f, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"memory.forwarded_reads\": 1,"));
  EXPECT_THAT(r.out, HasSubstr("\"memory.merged_reads\": 1,"));
  EXPECT_THAT(r.out, HasSubstr("\"memory.merged_writes\": 1,"));
  EXPECT_THAT(r.out, HasSubstr("\"memory.ch0.reads\": 1,"));
  EXPECT_THAT(r.out, HasSubstr("\"memory.ch0.writes\": 1,"));
  auto text = run_cli({"dram", cfg, "--file", f});
  EXPECT_THAT(text.out,
              HasSubstr("queued lines: 1 reads answered from the write queue, 1 reads merged, 1 writes merged"));
  auto off = run_cli({"dram", cfg, "--file", f, "--json", "--set", "dram.read_forwarding=false", "--set",
                      "dram.read_merging=false", "--set", "dram.write_merging=false"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_THAT(off.out, HasSubstr("\"memory.ch0.reads\": 3,"));
  EXPECT_THAT(off.out, HasSubstr("\"memory.ch0.writes\": 2,"));
}

TEST(DramCommand, PrintsTheModelledFiguresAndRefusesBadInput) {
  const std::string cfg = write_temp("d.yaml", "dram: {preset: DDR4-3200}\n");
  auto r = run_cli({"dram", cfg, "--pattern", "seq", "--requests", "20000", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"memory.peak_GBps\": 25.6"));
  EXPECT_THAT(r.err, HasSubstr("million requests per second"));
  auto text = run_cli({"dram", cfg, "-p", "random", "-n", "5000"});
  EXPECT_THAT(text.out, HasSubstr("bandwidth: "));
  EXPECT_THAT(text.out, HasSubstr("random stream: 5000 requests"));
  const std::string bad = write_temp("bad.trace", "R 0x40\nW 0x80 12\nZ 0x100\n");
  auto e = run_cli({"dram", cfg, "--file", bad});
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_THAT(e.err, HasSubstr("bad.trace:3: expected R or W"));
  auto p = run_cli({"dram", cfg, "--pattern", "zigzag"});
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_THAT(p.err, HasSubstr("valid patterns are seq, random, mix"));
  auto s = run_cli({"dram", cfg, "--set", "dram.tRP=0x"});
  EXPECT_EQ(s.exit_code, 1);
}

}  // namespace
