// Derived statistics against hand counts: the per-core load-latency histogram
// (core*.load_latency_core_cycles), MPKI per cache level, and bandwidth per bus and
// per DRAM channel.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

// One core, L1D straight onto the bus and the fixed-latency memory.
const std::string kOneLevel = "cores: 1\nl2: null\nl3: null\nmemory: {model: fixed}\n";

// The histogram as the JSON writes it.
struct Hist {
  std::uint64_t count = 0, max = 0;
  double mean = 0;
  std::map<std::string, std::uint64_t> buckets;
};

Hist histogram(const cohsim::test::RunResult& r, const std::string& key) {
  Hist h;
  const nlohmann::json j = nlohmann::json::parse(r.json, nullptr, false);
  EXPECT_TRUE(j.is_object() && j.contains(key)) << key;
  if (!j.is_object() || !j.contains(key)) return h;
  const auto& v = j.at(key);
  h.count = v.at("count").get<std::uint64_t>();
  h.max = v.at("max").get<std::uint64_t>();
  h.mean = v.at("mean").get<double>();
  for (auto& [b, n] : v.at("buckets").items()) h.buckets[b] = n.get<std::uint64_t>();
  return h;
}

// Four loads whose latencies are known by hand: one forwarded from the store buffer
// (1 cycle), one miss to memory, and, after `compute 1000` has let the fill land, two
// L1D hits (l1d.latency each). The miss costs the memory's latency plus the bus and
// the L1D; moving memory.latency by 60 ns moves it, and only it, by 180 core cycles
// (3 GHz), and l1d.latency moves the hits' bucket.
// (Measured: the miss takes 203 cycles at 60 ns, 383 at 120 ns.)
TEST(LoadLatencyHistogram, MatchesAHandCount) {
  const std::string trace =
      "thread 0\n  store 0x2000 7\n  load 0x2000 -> r0\n  load 0x1000 -> r1\n  compute 1000\n"
      "  load 0x1000 -> r2\n  load 0x1008 -> r3\n";
  auto fast = simulate(kOneLevel, trace, {"--set", "memory.latency=60ns"});
  auto slow = simulate(kOneLevel, trace, {"--set", "memory.latency=120ns"});
  auto slow_l1 = simulate(kOneLevel, trace, {"--set", "memory.latency=60ns", "--set", "l1d.latency=8cycles"});
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  ASSERT_EQ(slow.exit_code, 0) << slow.err;
  ASSERT_EQ(slow_l1.exit_code, 0) << slow_l1.err;
  const Hist f = histogram(fast, "core0.load_latency_core_cycles");
  const Hist s = histogram(slow, "core0.load_latency_core_cycles");
  const Hist l = histogram(slow_l1, "core0.load_latency_core_cycles");
  EXPECT_EQ(f.count, 4u);
  EXPECT_EQ(f.count, std::uint64_t(fast.at("core0.loads")));
  // The miss: at least the L1D's 4 cycles and memory's 180, and the largest.
  EXPECT_GE(f.max, 4u + 180u);
  EXPECT_LT(f.max, 256u);
  EXPECT_EQ(f.buckets, (std::map<std::string, std::uint64_t>{{"0-1", 1}, {"4-7", 2}, {"128-255", 1}}));
  EXPECT_DOUBLE_EQ(f.mean, (1.0 + 4 + 4 + double(f.max)) / 4);
  EXPECT_DOUBLE_EQ(fast.at("core0.amat_core_cycles"), f.mean);
  // 60 ns more of memory latency: the miss alone is 180 cycles longer.
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.max, f.max + 180);
  EXPECT_EQ(s.buckets, (std::map<std::string, std::uint64_t>{{"0-1", 1}, {"4-7", 2}, {"256-511", 1}}));
  EXPECT_DOUBLE_EQ(s.mean, (1.0 + 4 + 4 + double(s.max)) / 4);
  // An 8-cycle L1D: the hits are 8 cycles (bucket 8-15); the miss's lookup is 4 cycles
  // longer, less up to one that waiting for the next 2 GHz bus edge absorbs.
  EXPECT_EQ(l.count, 4u);
  EXPECT_GE(l.max, f.max + 3);
  EXPECT_LE(l.max, f.max + 4);
  EXPECT_EQ(l.buckets, (std::map<std::string, std::uint64_t>{{"0-1", 1}, {"8-15", 2}, {"128-255", 1}}));
  EXPECT_DOUBLE_EQ(l.mean, (1.0 + 8 + 8 + double(l.max)) / 4);
}

// MPKI per level: misses per 1000 instructions, instructions as the lowering counts
// them. On AArch64, core0 runs 6 loads to distinct lines (6 ldr), a fetch_add
// (ldaxr; add; stlxr; cbnz: 4 instructions, no retry on one core) and `compute 10`
// (1): 11 instructions in 8 operations. Its L1D misses 8 times: the 6 loads, the
// ldaxr (the line is fetched Shared) and the stlxr's upgrade; the private L2 misses 7
// (the upgrade finds the line there) and so does the L3. core1 runs 4 `compute 5`:
// 4 instructions, no miss. core2 and core3 run nothing: no MPKI at all.
TEST(Mpki, PerLevelPer1000Instructions) {
  std::ostringstream t;
  t << "thread 0\n";
  for (int i = 0; i < 6; ++i) t << "  load " << 0x10000 + 64 * i << " -> r0\n";
  t << "  fetch_add 0x20000 1 SeqCst -> r1\n  compute 10\nthread 1\n";
  for (int i = 0; i < 4; ++i) t << "  compute 5\n";
  const std::string yaml = "cores: 4\nisa: arm\ncoherence: {protocol: mesi}\nmemory: {model: fixed}\n";
  auto r = simulate(yaml, t.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("core0.instructions"), 11);
  ASSERT_EQ(r.at("core0.ops"), 8);
  ASSERT_EQ(r.at("core1.instructions"), 4);
  ASSERT_EQ(r.at("core0.l1d.misses"), 8);
  ASSERT_EQ(r.at("core0.l1d.upgrade_misses"), 1);
  ASSERT_EQ(r.at("core0.l2.misses"), 7);
  ASSERT_EQ(r.at("l3.misses"), 7);
  EXPECT_NEAR(r.at("core0.l1d.misses_per_1000_instructions"), 8000.0 / 11, 1e-3);
  EXPECT_NEAR(r.at("core0.l2.misses_per_1000_instructions"), 7000.0 / 11, 1e-3);
  EXPECT_NEAR(r.at("l3.misses_per_1000_instructions"), 7000.0 / (11 + 4), 1e-3);  // every core's instructions
  EXPECT_EQ(r.at("core1.l1d.misses_per_1000_instructions"), 0);
  EXPECT_EQ(r.at("core1.l2.misses_per_1000_instructions"), 0);
  EXPECT_EQ(r.at("core0.l1d.mpki"), 1000);  // the older figure: per 1000 trace operations, 8 of them
  for (const char* k : {"core2.l1d.misses_per_1000_instructions", "core2.l2.misses_per_1000_instructions",
                        "core3.l1d.misses_per_1000_instructions"}) {
    EXPECT_EQ(r.stats.count(k), 0u) << k;
    EXPECT_EQ(r.json.find(std::string("\"") + k + "\""), std::string::npos) << k;
  }
  // A shared L2 and no L3: the L2's MPKI is over every core's instructions, and no
  // core has a private L2's.
  auto shared = simulate(yaml + "l2: {shared: true}\nl3: null\n", t.str());
  ASSERT_EQ(shared.exit_code, 0) << shared.err;
  ASSERT_EQ(shared.at("l2.misses"), 7);
  EXPECT_NEAR(shared.at("l2.misses_per_1000_instructions"), 7000.0 / 15, 1e-3);
  EXPECT_EQ(shared.stats.count("core0.l2.misses_per_1000_instructions"), 0u);
  EXPECT_EQ(shared.stats.count("l3.misses_per_1000_instructions"), 0u);
}

// Bandwidth per DRAM channel: a channel's bursts x 64 bytes over the measured time.
// Two channels, lines dealt out by the line address's lowest bit (the default
// mapping ends in _ch): lines 0 and 2 go to channel 0, line 1 to channel 1, one read
// burst each.
TEST(Bandwidth, PerDramChannelIsItsBurstsOverTheTime) {
  const std::string yaml = "cores: 1\nl2: null\nl3: null\nmemory: {model: dram}\ndram: {channels: 2}\n";
  auto r = simulate(yaml, "thread 0\n  load 0x0 -> r0\n  load 0x40 -> r1\n  load 0x80 -> r2\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("memory.ch0.reads"), 2);
  ASSERT_EQ(r.at("memory.ch1.reads"), 1);
  ASSERT_EQ(r.at("memory.ch0.writes") + r.at("memory.ch1.writes"), 0);
  const double ns = r.at("time_ps") / 1000;
  // The DRAM counts its time in its own clock: within one DRAM cycle of time_ps.
  EXPECT_NEAR(r.at("memory.ch0.bandwidth_GBps"), 2 * 64 / ns, 2 * 64 / ns * 0.01);
  EXPECT_NEAR(r.at("memory.ch1.bandwidth_GBps"), 64 / ns, 64 / ns * 0.01);
  EXPECT_NEAR(r.at("memory.ch0.bandwidth_GBps"), 2 * r.at("memory.ch1.bandwidth_GBps"), 1e-4);
  EXPECT_NEAR(r.at("memory.ch0.bandwidth_GBps") + r.at("memory.ch1.bandwidth_GBps"), r.at("memory.bandwidth_GBps"), 1e-4);
}

// Bandwidth of the bus: bus.data_bytes over the measured time. Under MSI core0 writes
// line A and reads B and C (three lines from memory); core1, later, reads A, which
// core0 holds Modified: one data phase carries it to core1 and memory together. Four
// lines, 256 bytes, on either bus.
TEST(Bandwidth, OfTheBusIsItsDataBytesOverTheTime) {
  const std::string trace =
      "thread 0\n  store 0x1000 1\n  load 0x2000 -> r0\n  load 0x3000 -> r1\nthread 1\n  compute 3000\n"
      "  load 0x1000 -> r0\n";
  for (const char* bus : {"split", "atomic"}) {
    auto r = simulate(std::string("cores: 2\nl2: null\nl3: null\nmemory: {model: fixed}\ncoherence: {protocol: msi}\n"
                                  "bus: {transactions: ") + bus + "}\n",
                      trace);
    ASSERT_EQ(r.exit_code, 0) << bus << r.err;
    ASSERT_EQ(r.at("bus.memory_reads"), 3) << bus;
    ASSERT_EQ(r.at("bus.cache_to_cache"), 1) << bus;
    ASSERT_EQ(r.at("bus.memory_writebacks"), 1) << bus;
    EXPECT_EQ(r.at("bus.data_bytes"), 4 * 64) << bus;
    const double ns = r.at("time_ps") / 1000;
    EXPECT_NEAR(r.at("bus.bandwidth_GBps"), 256 / ns, 256 / ns * 1e-4) << bus;
  }
}

}  // namespace
