// Derived statistics against hand counts: the per-core load-latency histogram
// (core*.load_latency_core_cycles), MPKI per cache level, and bandwidth per bus and
// per DRAM channel and network link, and AMAT per cache level.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <map>
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
  EXPECT_EQ(r.at("core0.l1d.misses_per_1000_ops"), 1000);  // the older figure: per 1000 trace operations, 8 of them
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

namespace {

// AMAT per level, by hand. An L1D of one line makes the third load (of A again) miss
// in the L1D after the second (of B) evicted A; the levels below still hold A.
// Fixed-latency memory: 60 ns (120 uncore cycles at 2 GHz, 180 core cycles at 3 GHz)
// after the line's transfer at memory.bandwidth (64 B at 25.6 GB/s: 2.5 ns, 5 uncore
// cycles); an access every 1000 cycles (no queueing anywhere).
const std::string kAbA =
    "thread 0\n  load 0x1000 -> r0\n  compute 1000\n  load 0x2000 -> r1\n  compute 1000\n  load 0x1000 -> r2\n";
const std::string kTinyL1 = "cores: 1\nl1d: {size: 64B, assoc: 1}\nmemory: {model: fixed, latency: 60ns}\n";

// The shared L3 (40 uncore cycles) receives A (miss), B (miss), A (hit): a miss is
// answered after its lookup and memory's transfer and latency, 40 + 5 + 120; the hit
// after 40. Moving
// l3.latency or memory.latency moves the samples they are part of, and only them.
TEST(LevelAmat, SharedL3IsItsReadsArrivalToAnswerInUncoreCycles) {
  auto r = simulate(kTinyL1 + "l2: null\nl3: {latency: 40cycles}\n", kAbA);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("l3.read_misses"), 2);
  ASSERT_EQ(r.at("l3.read_hits"), 1);
  EXPECT_EQ(r.at("l3.reads_answered"), 3);
  EXPECT_NEAR(r.at("l3.amat_uncore_cycles"), (2 * (40 + 5 + 120) + 40) / 3.0, 1e-3);  // the JSON keeps six significant digits
  auto slow_mem = simulate(kTinyL1 + "l2: null\nl3: {latency: 40cycles}\n", kAbA, {"--set", "memory.latency=90ns"});
  ASSERT_EQ(slow_mem.exit_code, 0) << slow_mem.err;
  EXPECT_NEAR(slow_mem.at("l3.amat_uncore_cycles"), (2 * (40 + 5 + 180) + 40) / 3.0, 1e-3);  // the JSON keeps six significant digits
  auto slow_l3 = simulate(kTinyL1 + "l2: null\nl3: {latency: 50cycles}\n", kAbA);
  ASSERT_EQ(slow_l3.exit_code, 0) << slow_l3.err;
  EXPECT_NEAR(slow_l3.at("l3.amat_uncore_cycles"), (2 * (50 + 5 + 120) + 50) / 3.0, 1e-3);  // the JSON keeps six significant digits
}

// A shared L2 (12 uncore cycles, no MSHRs: a miss passes straight down) above the L3:
// the L2 receives A, B (misses: 12 + 40 + 5 + 120) and A (a hit: 12); the L3 only A and B.
TEST(LevelAmat, SharedL2CountsTheLevelsBelowItsMisses) {
  auto r = simulate(kTinyL1 + "l2: {shared: true, latency: 12cycles}\nl3: {latency: 40cycles}\n", kAbA);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("l2.read_misses"), 2);
  ASSERT_EQ(r.at("l2.read_hits"), 1);
  ASSERT_EQ(r.at("l3.read_misses"), 2);
  EXPECT_NEAR(r.at("l2.amat_uncore_cycles"), (2 * (12 + 40 + 5 + 120) + 12) / 3.0, 1e-3);  // the JSON keeps six significant digits
  EXPECT_NEAR(r.at("l3.amat_uncore_cycles"), 40 + 5 + 120, 1e-3);  // the JSON keeps six significant digits
}

// A private L2 (12 core cycles) under the one-line L1D (4 cycles), then a fourth load
// of A that hits the L1D. The L1D's samples: miss m1, miss m2, 4 + 12 (the L2's hit),
// 4; the L2's: m1 - 4, m2 - 4 (it hears a miss 4 cycles after the L1D did), 12. So
// 4 x L1D AMAT - 3 x L2 AMAT = 16, and 60 ns more memory latency adds 180 core cycles
// to each of the two misses. The L1D's AMAT over loads is within a core cycle of the
// core's mean load latency, measured independently by the core (issue to data, in
// whole core cycles; the L1D's answer to a miss comes on the uncore clock's edge).
TEST(LevelAmat, PrivateL2AndL1dInCoreCycles) {
  const std::string trace = kAbA + "  load 0x1000 -> r3\n";
  const std::string yaml = kTinyL1 + "l2: {latency: 12cycles}\nl3: null\n";
  auto r = simulate(yaml, trace);
  auto slow = simulate(yaml, trace, {"--set", "memory.latency=120ns"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(slow.exit_code, 0) << slow.err;
  ASSERT_EQ(r.at("core0.l1d.misses"), 3);
  ASSERT_EQ(r.at("core0.l2.misses"), 2);
  ASSERT_EQ(r.at("core0.l2.hits"), 1);
  EXPECT_EQ(r.at("core0.l1d.accesses_answered"), 4);
  EXPECT_EQ(r.at("core0.l2.accesses_answered"), 3);
  const double l1 = r.at("core0.l1d.amat_core_cycles"), l2 = r.at("core0.l2.amat_core_cycles");
  EXPECT_NEAR(4 * l1 - 3 * l2, 16, 1e-2);  // the JSON keeps six significant digits
  EXPECT_GT((3 * l2 - 12) / 2, 12 + 180);  // a miss costs at least the L2's lookup and memory's latency
  EXPECT_NEAR(slow.at("core0.l2.amat_core_cycles") - l2, 2 * 180 / 3.0, 2e-3);  // the JSON keeps six significant digits
  EXPECT_NEAR(slow.at("core0.l1d.amat_core_cycles") - l1, 2 * 180 / 4.0, 2e-3);  // the JSON keeps six significant digits
  EXPECT_NEAR(l1, r.at("core0.amat_core_cycles"), 1.0);
}

// No access, no AMAT: a level that received nothing has none (absent, not 0).
TEST(LevelAmat, AbsentWithoutAccesses) {
  auto r = simulate("cores: 2\nl2: {shared: true}\nmemory: {model: fixed}\n", "thread 0\n  load 0x40 -> r0\nthread 1\n  compute 10\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.at("core0.l1d.amat_core_cycles"), 0);
  EXPECT_GT(r.at("l2.amat_uncore_cycles"), 0);
  for (const char* k : {"core1.l1d.amat_core_cycles", "core1.amat_core_cycles"}) {
    EXPECT_EQ(r.stats.count(k), 0u) << k;
    EXPECT_EQ(r.json.find(std::string("\"") + k + "\""), std::string::npos) << k;
  }
  EXPECT_EQ(r.at("core1.l1d.accesses_answered"), 0);
  auto idle = simulate("cores: 1\nmemory: {model: fixed}\n", "thread 0\n  compute 10\n");
  ASSERT_EQ(idle.exit_code, 0) << idle.err;
  for (const char* k : {"core0.l1d.amat_core_cycles", "core0.l2.amat_core_cycles", "l3.amat_uncore_cycles"})
    EXPECT_EQ(idle.stats.count(k), 0u) << k;
  EXPECT_EQ(idle.at("l3.reads_answered"), 0);
}

// Bandwidth per network link, by hand. Under MSI on the directory, core0 then core1
// load line A: each sends a GetS (an 8-byte header) to the directory and gets Data
// (8 + 64 bytes) back. A message crosses its source's input port on the router and
// its destination's output port: core0-n0 and core1-n0 carry 8 bytes, n0-core0 and
// n0-core1 72, n0-directory 16, directory-n0 144; every link is 16 bytes wide, so a
// GetS holds one 1 cycle, a Data 5 (72 / 16 rounded up). A link's bandwidth over its
// utilization is its bytes over its busy time.
TEST(Bandwidth, PerNetworkLinkIsItsBytesOverTheTime) {
  const std::string yaml =
      "cores: 2\nl2: null\nmemory: {model: fixed}\ncoherence: {protocol: msi, fabric: directory}\n"
      "network: {link_width: 16B}\n";
  auto r = simulate(yaml, "thread 0\n  load 0x1000 -> r0\nthread 1\n  compute 2000\n  load 0x1000 -> r0\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("network.msgs.GetS"), 2);
  ASSERT_EQ(r.at("network.msgs.Data"), 2);
  ASSERT_EQ(r.at("network.messages"), 4);
  const std::map<std::string, std::pair<double, double>> links = {  // bytes, busy uncore cycles
      {"core0-n0", {8, 1}},         {"core1-n0", {8, 1}},         {"n0-core0", {72, 5}},
      {"n0-core1", {72, 5}},        {"n0-directory", {16, 2}},    {"directory-n0", {144, 10}}};
  double total = 0;
  for (const auto& l : links) {
    const std::string k = "network.link." + l.first;
    SCOPED_TRACE(k);
    EXPECT_EQ(r.at(k + ".bytes"), l.second.first);
    total += r.at(k + ".bytes");
    const double util = r.at(k + ".utilization"), bw = r.at(k + ".bandwidth_GBps");
    ASSERT_GT(util, 0);
    // bytes / window = (bytes / busy time) x utilization; an uncore cycle is 0.5 ns
    EXPECT_NEAR(bw, l.second.first / (l.second.second * 0.5) * util, 1e-5 * bw);  // six significant digits
  }
  EXPECT_EQ(total, 2 * r.at("network.bytes"));  // every message crosses two ports
  EXPECT_NEAR(r.at("network.max_link_utilization"), r.at("network.link.directory-n0.utilization"), 1e-12);
  // and a link's utilisation is its busy time over the run (time_ps), not over wherever
  // the simulation kernel's clock stopped: directory-n0 was busy 10 uncore cycles of 500 ps.
  EXPECT_NEAR(r.at("network.link.directory-n0.utilization"), 10 * 500.0 / r.at("time_ps"), 1e-5);
}

// Between NUMA nodes each direction is its own link: core0 (node 0) loads a line whose
// home is node 1 (4 KiB interleave): the GetS crosses n0-n1, the Data n1-n0; on links
// 32 bytes wide they hold 1 and 3 (72 / 32 rounded up) cycles.
TEST(Bandwidth, PerInterNodeLinkAndDirection) {
  const std::string yaml =
      "cores: 2\nl2: null\nmemory: {model: fixed}\ncoherence: {protocol: msi, fabric: directory}\n"
      "numa: {nodes: 2, link_width: 32B, interleave: 4KiB}\n";
  auto r = simulate(yaml, "thread 0\n  load 0x1000 -> r0\nthread 1\n  compute 10\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("network.internode_messages"), 2);
  EXPECT_EQ(r.at("network.link.n0-n1.bytes"), 8);
  EXPECT_EQ(r.at("network.link.n1-n0.bytes"), 72);
  EXPECT_EQ(r.at("network.link.n1-node1_directory.bytes"), 8);
  EXPECT_EQ(r.at("network.link.node1_directory-n1.bytes"), 72);
  EXPECT_EQ(r.at("network.link.node0_directory-n0.bytes"), 0);
  EXPECT_NEAR(r.at("network.link.n1-n0.utilization") / r.at("network.link.n0-n1.utilization"), 3, 1e-4);
  EXPECT_NEAR(r.at("network.link.n1-n0.bandwidth_GBps") / r.at("network.link.n0-n1.bandwidth_GBps"), 9, 1e-4);
  EXPECT_EQ(r.at("network.link.n1-n0.bandwidth_GBps") > 0, true);
}

}  // namespace
