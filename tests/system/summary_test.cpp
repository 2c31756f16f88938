// The run summary: no line that looks broken on the default run, and one warning line
// for every shared resource busy more than 90% of a run, naming the knob that relieves
// it. And the L3's MSHRs: a secondary miss merges, a full MSHR file makes misses wait.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;

namespace {

const std::string kSrc = COHSIM_SOURCE_DIR;

std::string default_yaml() {
  std::ifstream f(kSrc + "/configs/default.yaml");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The printed summary of the same run (simulate() runs --quiet).
std::string summary(const std::string& yaml, const std::string& trace, const std::vector<std::string>& extra = {}) {
  static int n = 0;
  const std::string id = std::to_string(n++);
  std::vector<std::string> args{"run", cohsim::test::write_temp("summary" + id + ".yaml", yaml), "--trace",
                                cohsim::test::write_temp("summary" + id + ".trace", trace)};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// `threads` cores each load their own array, one line after another.
std::string streams(int threads, int lines) {
  std::ostringstream t;
  for (int k = 0; k < threads; ++k) {
    t << "thread " << k << "\n";
    for (int i = 0; i < lines; ++i) t << "  load " << 0x1000000 * (k + 1) + 64 * i << " -> r" << i % 4 << "\n";
  }
  return t.str();
}

TEST(Summary, DefaultRunShowsNoEmptyLevelAndNoRegisterDump) {
  auto r = run_cli({"run", kSrc + "/configs/default.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find(" 0 hits"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("L2 (private)   706 requests, none hit"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("core0:x="), std::string::npos) << "no dump of helper registers\n" << r.out;
  EXPECT_NE(r.out.find("registers      12 final values in the statistics"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("warning"), std::string::npos) << r.out;
}

TEST(Summary, ALevelWithHitsShowsItsRate) {
  // Each core reads its 64 lines twice: the second pass hits in the L1D, a third
  // after an L1D-sized sweep hits in the L2.
  std::ostringstream t;
  t << "thread 0\n";
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < 1024; ++i) t << "  load " << 0x1000000 + 64 * i << " -> r\n";
  const std::string out = summary(default_yaml(), t.str(), {"--set", "cores=1"});
  EXPECT_NE(out.find("L2 (private)   1024 hits, 1024 misses (50.0% hits)"), std::string::npos) << out;
  EXPECT_NE(out.find("L3 (shared)    1024 requests, none hit"), std::string::npos) << out;
}

// AMAT is the mean load latency: a core that executed no load has none, so the
// statistic is absent (not 0.0, which would read as a perfect memory system) and the
// summary shows "-". Here core0 loads, core1 only stores, core2 and core3 run nothing.
TEST(Summary, AmatIsAbsentForACoreWithoutLoads) {
  const std::string trace = "thread 0\n  load 0x1000\n  load 0x2000\nthread 1\n  store 0x3000 1\n";
  auto r = simulate(default_yaml(), trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.at("core0.amat_core_cycles"), 0);
  for (const char* p : {"core1", "core2", "core3"}) {
    EXPECT_EQ(r.stats.count(std::string(p) + ".amat_core_cycles"), 0u) << p;
    EXPECT_EQ(r.json.find(std::string("\"") + p + ".amat_core_cycles\""), std::string::npos) << p;
    EXPECT_EQ(r.at(std::string(p) + ".loads"), 0) << p;
  }
  const std::string out = summary(default_yaml(), trace);
  std::istringstream lines(out);
  int dashes = 0;
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("core", 0) == 0 && l.size() > 2 && l.compare(l.size() - 2, 2, " -") == 0) ++dashes;
  EXPECT_EQ(dashes, 3) << out;
}

// IPC and CPI per core: instructions (as the lowering counts them) over the core's
// cycles and back; absent for a core that ran nothing. Hand count: `compute 1000` is
// one instruction that holds the core 1000 cycles.
TEST(Summary, IpcAndCpiPerCore) {
  auto r = simulate(default_yaml(), "thread 0\n  compute 1000\nthread 1\n  load 0x1000\n  load 0x1040\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.instructions"), 1);
  EXPECT_NEAR(r.at("core0.cycles"), 1000, 2);
  EXPECT_NEAR(r.at("core0.cpi"), r.at("core0.cycles"), 1e-9);
  for (const char* p : {"core0", "core1"}) {
    const std::string c = p;
    EXPECT_NEAR(r.at(c + ".ipc"), r.at(c + ".instructions") / r.at(c + ".cycles"), 1e-5) << p;
    EXPECT_NEAR(r.at(c + ".cpi"), r.at(c + ".cycles") / r.at(c + ".instructions"), 1e-3) << p;
  }
  for (const char* k : {"core2.ipc", "core2.cpi", "core3.ipc", "core3.cpi"}) EXPECT_EQ(r.stats.count(k), 0u) << k;
}

TEST(Summary, BusyL3BanksAreNamedWithTheirKnob) {
  auto calm = simulate(default_yaml(), streams(4, 300), {"--set", "memory.model=fixed"});
  ASSERT_EQ(calm.exit_code, 0) << calm.err;
  const std::string calm_out = summary(default_yaml(), streams(4, 300), {"--set", "memory.model=fixed"});
  EXPECT_EQ(calm_out.find("warning"), std::string::npos) << calm_out;
  EXPECT_LT(calm.at("l3.bank_utilization"), 0.5);
  auto r = simulate(default_yaml(), streams(4, 300),
                    {"--set", "memory.model=fixed", "--set", "l3.banks=1", "--set", "l3.bank_cycles=400"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.at("l3.bank_utilization"), 0.9);
  EXPECT_GT(r.at("l3.bank_wait_uncore_cycles"), 0);
  const std::string out = summary(default_yaml(), streams(4, 300),
                                  {"--set", "memory.model=fixed", "--set", "l3.banks=1", "--set", "l3.bank_cycles=400"});
  EXPECT_NE(out.find("warning        L3's busiest bank was "), std::string::npos) << out;
  EXPECT_NE(out.find("(l3.banks, or a smaller l3.bank_cycles)"), std::string::npos) << out;
}

TEST(Summary, FullL3MshrsMakeMissesWaitAndAreNamed) {
  const std::vector<std::string> slow = {"--set", "memory.model=fixed", "--set", "memory.latency=2us"};
  auto many = simulate(default_yaml(), streams(4, 100), slow);
  ASSERT_EQ(many.exit_code, 0) << many.err;
  EXPECT_EQ(many.at("l3.mshr_full_misses"), 0);
  EXPECT_GT(many.at("l3.mshr_max_in_use"), 8) << "four cores' misses overlap in the L3";
  std::vector<std::string> one = slow;
  one.insert(one.end(), {"--set", "l3.mshrs=1"});
  auto r = simulate(default_yaml(), streams(4, 100), one);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("l3.mshr_max_in_use"), 1);
  EXPECT_GT(r.at("l3.mshr_full_misses"), 300);
  EXPECT_GT(r.at("l3.mshr_full_uncore_cycles"), 0);
  EXPECT_GT(r.at("l3.mshr_avg_in_use"), 0.9);
  EXPECT_GT(r.at("cycles"), 3 * many.at("cycles")) << "one miss to memory at a time";
  const std::string out = summary(default_yaml(), streams(4, 100), one);
  EXPECT_NE(out.find("warning        L3's MSHRs (on average) was "), std::string::npos) << out;
  EXPECT_NE(out.find("(l3.mshrs)"), std::string::npos) << out;
}

TEST(Summary, ABusyDirectoryIsNamedWithItsKnob) {
  // Eight cores stream over a directory whose every other latency is one cycle: the home,
  // starting one message per uncore cycle, is the bottleneck.
  std::vector<std::string> fast = {"--set", "cores=8", "--set", "coherence.fabric=directory", "--set",
                                   "network.link_latency=1cycles", "--set", "network.link_width=128B", "--set",
                                   "l3.latency=1cycles", "--set", "memory.model=fixed", "--set", "memory.latency=1ns",
                                   "--set", "memory.bandwidth=1TB/s", "--set", "core.load_queue=32", "--set",
                                   "l1d.mshrs=32", "--set", "l2.mshrs=32", "--set", "uncore.frequency=500MHz"};
  std::vector<std::string> busy = fast;
  busy.insert(busy.end(), {"--set", "directory.latency=1cycles"});
  auto r = simulate(default_yaml(), streams(8, 400), busy);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.at("directory.utilization"), 0.9);
  // One message per 2000 ps uncore cycle (500 MHz).
  EXPECT_NEAR(r.at("directory.utilization"), r.at("directory.requests") / (r.at("time_ps") / 2000.0), 1e-5);
  const std::string out = summary(default_yaml(), streams(8, 400), busy);
  EXPECT_NE(out.find("warning        the directory (directory) was "), std::string::npos) << out;
  EXPECT_NE(out.find("(uncore.frequency, or more numa.nodes to spread the homes)"), std::string::npos) << out;
  auto calm = simulate(default_yaml(), streams(2, 100), {"--set", "coherence.fabric=directory"});
  ASSERT_EQ(calm.exit_code, 0) << calm.err;
  EXPECT_LT(calm.at("directory.utilization"), 0.5);
}

// A network link busy more than 90% of the run is named with its endpoints and the
// width knob that relieves it, in the summary and in --stats' "_advice"."saturated".
TEST(Summary, ASaturatedNetworkLinkIsNamedWithItsKnob) {
  // Eight cores stream over a directory with fast memory: every line comes back as Data
  // (8 + 64 bytes) through the directory's port on the router. On a 1-byte-wide link
  // that is 72 uncore cycles a line, 1600 lines, nearly the whole run.
  const std::vector<std::string> fast = {"--set", "cores=8", "--set", "coherence.fabric=directory", "--set",
                                         "l3.latency=1cycles", "--set", "memory.model=fixed", "--set",
                                         "memory.latency=1ns", "--set", "memory.bandwidth=1TB/s", "--set",
                                         "core.load_queue=32", "--set", "l1d.mshrs=32", "--set", "l2.mshrs=32"};
  std::vector<std::string> narrow = fast;
  narrow.insert(narrow.end(), {"--set", "network.link_width=1B"});
  auto r = simulate(default_yaml(), streams(8, 200), narrow);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("network.link.directory-n0.bytes"), 1600 * 72);
  // busy 1600 x 72 uncore cycles of 500 ps over the run
  EXPECT_NEAR(r.at("network.link.directory-n0.utilization"), 1600 * 72 * 500.0 / r.at("time_ps"), 1e-3);
  EXPECT_GT(r.at("network.link.directory-n0.utilization"), 0.9);
  EXPECT_LT(r.at("network.link.n0-core0.utilization"), 0.9);
  const std::string out = summary(default_yaml(), streams(8, 200), narrow);
  EXPECT_NE(out.find("warning        the network link directory-n0 (directory's port into router n0) was "),
            std::string::npos) << out;
  EXPECT_NE(out.find("busy: the run is limited by it (network.link_width)\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("n0-core0"), std::string::npos) << "only the saturated link is named\n" << out;
  // --stats carries it as the other saturation warnings
  const std::string json = cohsim::test::write_temp("summary-link.json", "");
  std::vector<std::string> args{"run", cohsim::test::write_temp("summary-link.yaml", default_yaml()), "--trace",
                                cohsim::test::write_temp("summary-link.trace", streams(8, 200)), "--stats", json,
                                "--quiet"};
  args.insert(args.end(), narrow.begin(), narrow.end());
  auto cli = run_cli(args);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::ifstream f(json);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_NE(text.str().find("\"resource\": \"the network link directory-n0 (directory's port into router n0)\""),
            std::string::npos) << text.str().substr(0, 2000);
  EXPECT_NE(text.str().find("\"relieve\": \"network.link_width\""), std::string::npos);
  // A directory run on the default links names no link, nor does the NUMA example.
  const std::string calm = summary(default_yaml(), streams(2, 100), {"--set", "coherence.fabric=directory"});
  EXPECT_EQ(calm.find("warning"), std::string::npos) << calm;
  auto numa_run = run_cli({"run", kSrc + "/configs/numa-2socket.yaml"});
  ASSERT_EQ(numa_run.exit_code, 0) << numa_run.err;
  EXPECT_EQ(numa_run.out.find("warning"), std::string::npos) << numa_run.out;
}

// Four NUMA nodes, each directory's port on its router 1 byte wide and busy: the four
// are all named (the summary names three and counts the rest only beyond four).
TEST(Summary, FourSaturatedLinksAreAllNamed) {
  auto r = run_cli({"run", kSrc + "/configs/default.yaml", "--trace",
                    cohsim::test::write_temp("four.trace", streams(8, 200)), "--set", "cores=8", "--set",
                    "coherence.fabric=directory", "--set", "numa.nodes=4", "--set", "numa.link_width=1B", "--set",
                    "numa.interleave=64B", "--set", "memory.model=fixed", "--set", "memory.latency=1ns", "--set",
                    "memory.bandwidth=1TB/s", "--set", "core.load_queue=32", "--set", "l1d.mshrs=32", "--set",
                    "l2.mshrs=32", "--set", "network.link_width=1B"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int n = 0; n < 4; ++n) {
    const std::string d = "node" + std::to_string(n) + "_directory";
    EXPECT_NE(r.out.find("warning        the network link " + d + "-n" + std::to_string(n) + " (" + d +
                         "'s port into router n" + std::to_string(n) + ") was "),
              std::string::npos)
        << r.out;
  }
  EXPECT_EQ(r.out.find("more network links"), std::string::npos) << r.out;
}

// A link between NUMA nodes is named as such, with numa.link_width: core0 (node 0)
// loads 256 lines homed on node 1, each coming back as Data over n1-n0, 1 byte wide.
TEST(Summary, ASaturatedNumaLinkIsNamedWithItsKnob) {
  std::ostringstream t;
  t << "thread 0\n";
  for (int i = 0; i < 256; ++i) t << "  load " << (2 * (i / 64) + 1) * 4096 + 64 * (i % 64) << " -> r" << i % 4 << "\n";
  t << "thread 1\n  compute 10\n";
  const std::string yaml =
      "cores: 2\nl2: null\nmemory: {model: fixed, latency: 1ns, bandwidth: 1TB/s}\n"
      "coherence: {protocol: msi, fabric: directory}\nnuma: {nodes: 2, link_width: 1B, interleave: 4KiB}\n"
      "core: {load_queue: 32}\nl1d: {mshrs: 32}\n";
  auto r = simulate(yaml, t.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.at("network.link.n1-n0.bytes"), 256 * 72);
  EXPECT_GT(r.at("network.link.n1-n0.utilization"), 0.9);
  EXPECT_LT(r.at("network.link.n0-n1.utilization"), 0.9);
  const std::string out = summary(yaml, t.str());
  EXPECT_NE(out.find("warning        the NUMA link n1-n0 (node 1 to node 0) was "), std::string::npos) << out;
  EXPECT_NE(out.find("(numa.link_width)\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("n0-n1"), std::string::npos) << out;
}

TEST(L3Mshrs, ASecondReadOfALineInFlightMerges) {
  // Two cores load the same line at once: one request to memory, the second read
  // waits for the first one's data (it does not hit a line that has not arrived).
  auto r = simulate(default_yaml(), "thread 0\n  load 0x40000 -> a\nthread 1\n  load 0x40000 -> b\n",
                    {"--set", "cores=2", "--set", "memory.model=fixed", "--set", "memory.latency=200ns"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("memory.reads"), 1);
  EXPECT_EQ(r.at("l3.mshr_merges"), 1);
  EXPECT_EQ(r.at("l3.hits"), 0);
  // 200 ns = 600 core cycles: both loads take at least that.
  EXPECT_GT(r.at("core0.cycles"), 600);
  EXPECT_GT(r.at("core1.cycles"), 600);
}

}  // namespace
