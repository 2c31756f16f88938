// Finite network buffers with credit-based flow control (network.buffer_entries,
// coherence/network.hpp): back-pressure timing counted by hand, the random tester
// free of deadlock with three virtual networks, and, with the classes merged into one
// (network.virtual_networks: 1), a deadlock the dump names as a cycle of buffers.
// Finite injection queues (network.injection_entries): a full one delays a miss by a
// hand-counted time, tiny ones never deadlock the three virtual networks, and merged
// classes deadlock through them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "run_cohsim.hpp"

using cohsim::test::ParamName;
using cohsim::test::RunResult;
using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::temp_dir;
using cohsim::test::write_temp;
using nlohmann::json;
using testing::HasSubstr;
using testing::Not;

namespace {

const std::string kStressConfig = std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml";

std::string dir2(const std::string& entries) {
  return "cores: 2\nl2: null\nl3: null\ncoherence: {protocol: msi, fabric: directory}\nnetwork: {buffer_entries: " +
         entries + "}\n";
}

// The uncore cycle (500 ps at 2 GHz) at which each GetS reached the directory, after
// its send, from the event log.
struct GetS {
  double sent_ps = -1, arrived_ps = -1;
};
std::map<std::string, GetS> gets_times(const std::string& log) {
  std::ifstream f(log);
  std::string line;
  std::map<std::string, GetS> out;
  std::getline(f, line);  // the header
  while (std::getline(f, line)) {
    const json r = json::parse(line);
    if (r["kind"] != "net" || r["msg"] != "GetS") continue;
    GetS& g = out[r["src"].get<std::string>()];
    (r["phase"] == "send" ? g.sent_ps : g.arrived_ps) = r["time_ps"].get<double>();
  }
  return out;
}

TEST(NetworkBuffers, SecondRequestWaitsForTheCreditOfTheDirectorysOneEntry) {
  // Two cores miss at the same tick; both GetS (8 bytes, one 16-byte flit) cross their
  // port into the router (latency 0) and then the one link n0-directory (latency 4
  // uncore cycles) into the directory's input buffer. Unlimited: the second waits one
  // cycle for the link (the first's flit), arriving at +4+1+1 = 6 cycles. One entry:
  // the first takes the credit and arrives at +4+1 = 5; the directory takes it then,
  // and its credit travels back over the link's 4 cycles, reaching the router at +9;
  // only then does the second start: it arrives at +9+4+1 = 14, after 9 cycles of
  // credit stall.
  const std::string trace = "thread 0\n  load 0x1000 -> a\nthread 1\n  load 0x2000 -> b\n";
  const std::string d = temp_dir();
  const RunResult one = simulate(dir2("1"), trace, {"--events", d + "/one.jsonl"});
  const RunResult unl = simulate(dir2("unlimited"), trace, {"--events", d + "/unl.jsonl"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(unl.exit_code, 0) << unl.err;
  const double cycle = 500;  // ps
  for (const auto& [log, second] : {std::pair<std::string, double>{d + "/unl.jsonl", 6}, {d + "/one.jsonl", 14}}) {
    const auto t = gets_times(log);
    ASSERT_EQ(t.size(), 2u) << log;
    const GetS& a = t.at("core0.l1d");
    const GetS& b = t.at("core1.l1d");
    ASSERT_EQ(a.sent_ps, b.sent_ps) << "the test needs both sent at once";
    EXPECT_NEAR(a.arrived_ps - a.sent_ps, 5 * cycle, 1e-3) << log;
    EXPECT_NEAR(b.arrived_ps - b.sent_ps, second * cycle, 1e-3) << log;
  }
  EXPECT_DOUBLE_EQ(one.at("network.link.n0-directory.request.credit_stall_uncore_cycles"), 9);
  EXPECT_EQ(one.at("network.link.n0-directory.request.peak_occupancy"), 1);
  EXPECT_EQ(one.at("network.link.core0-n0.request.credit_stall_uncore_cycles"), 0);
  // The statistics exist only with finite buffers.
  EXPECT_EQ(unl.stats.count("network.link.n0-directory.request.credit_stall_uncore_cycles"), 0u);
  EXPECT_EQ(unl.stats.count("network.link.n0-directory.request.peak_occupancy"), 0u);
}

TEST(NetworkBuffers, AnIdleNetworkTakesTheSameTimeWithOneEntryAsUnbounded) {
  // One core, misses one after another: no two messages meet, so the hop-by-hop model
  // (head `latency` after the start of each link, tail a message's flits behind) gives
  // the unbounded model's times exactly.
  const std::string trace = "thread 0\n  load 0x1000 -> a\n  fence SeqCst\n  load 0x2000 -> b\n  fence SeqCst\n"
                            "  store 0x3000 1\n  fence SeqCst\n  load 0x4000 -> c\n";
  const std::string c1 = "cores: 1\nl2: null\nl3: null\ncoherence: {protocol: mesi, fabric: directory}\n";
  const RunResult unl = simulate(c1, trace);
  const RunResult one = simulate(c1 + "network: {buffer_entries: 1}\n", trace);
  ASSERT_EQ(unl.exit_code, 0) << unl.err;
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(unl.at("cycles"), one.at("cycles"));
  EXPECT_EQ(unl.at("network.avg_latency_uncore_cycles"), one.at("network.avg_latency_uncore_cycles"));
  EXPECT_EQ(one.at("network.avg_queue_uncore_cycles"), 0);
  EXPECT_GT(one.at("network.messages"), 6);
}

// The three virtual networks: stalled requests (at the home) and forwards (at a
// cache) wait for responses, which every endpoint always takes, so nothing waits
// forever however small the buffers.
class NetworkBuffersStress : public ::testing::TestWithParam<std::tuple<std::string, std::string, std::string>> {};

TEST_P(NetworkBuffersStress, ThreeVirtualNetworksNeverDeadlock) {
  const auto& [protocol, entries, shape] = GetParam();
  std::vector<std::string> args = {"stress", kStressConfig, "--ops", "20000", "--seed", "3", "--set",
                                   "coherence.protocol=" + protocol, "--set", "coherence.fabric=directory", "--set",
                                   "network.buffer_entries=" + entries, "--json"};
  if (shape == "numa_ring") args.insert(args.end(), {"--set", "numa.nodes=2", "--set", "numa.topology=ring"});
  if (shape == "numa_mesh") args.insert(args.end(), {"--set", "numa.nodes=4", "--set", "numa.topology=mesh"});
  if (shape == "sparse") args.insert(args.end(), {"--set", "directory.entries=4", "--set", "directory.assoc=2"});
  const RunResult r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["violations"], 0) << j["message"];
  EXPECT_GE(j["ops"].get<double>(), 20000 - 4) << "every core finished its operations";
}

INSTANTIATE_TEST_SUITE_P(Protocols, NetworkBuffersStress,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"), ::testing::Values("1", "2"),
                                            ::testing::Values("one_node", "numa_ring", "numa_mesh", "sparse")),
                         ParamName());

TEST(NetworkBuffers, OneVirtualNetworkDeadlocksAndTheDumpNamesTheCycle) {
  // Seed 2, one entry per buffer, MSI (the lesson's command): the directory, in S_D
  // for line 0x100000 until the old owner core1's data arrives, stalls core3's GetM,
  // which fills its one input entry; core1's data waits at the head of core1's router
  // input for that entry. Found by scripts/stress_network_buffers.sh.
  const RunResult r = run_cli({"stress", kStressConfig, "--ops", "20000", "--seed", "2", "--set",
                               "coherence.fabric=directory", "--set", "network.buffer_entries=1", "--set",
                               "network.virtual_networks=1"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;  // a violation
  EXPECT_THAT(r.out, HasSubstr("stress: msi on a directory"));
  EXPECT_THAT(r.out, HasSubstr("VIOLATION"));
  EXPECT_THAT(r.out, HasSubstr("network deadlock: a cycle of 2 waiting buffer(s):"));
  EXPECT_THAT(r.out, HasSubstr("directory input VN0 (every class) full 1/1: GetM core3->directory line 0x100000 "
                               "stalls (protocol) and waits for Data core1->directory line 0x100000, the head of n0 "
                               "router input from core1 VN0 (every class)"));
  EXPECT_THAT(r.out, HasSubstr("n0 router input from core1 VN0 (every class) holds 1/1: head Data core1->directory "
                               "line 0x100000 waits for a credit of directory input VN0 (every class) (full 1/1)"));
  // The same run with three virtual networks completes.
  const RunResult three = run_cli({"stress", kStressConfig, "--ops", "20000", "--seed", "2", "--set",
                                   "coherence.protocol=msi", "--set", "coherence.fabric=directory", "--set",
                                   "network.buffer_entries=1"});
  EXPECT_EQ(three.exit_code, 0) << three.out;
  EXPECT_THAT(three.out, HasSubstr("no violation"));
}

TEST(NetworkBuffers, OneVirtualNetworkWithUnboundedBuffersOnlyMergesTheOrder) {
  // Allowed (nothing can fill), and the random tester finds no violation.
  const RunResult r = run_cli({"stress", kStressConfig, "--ops", "20000", "--seed", "2", "--set",
                               "coherence.protocol=moesi", "--set", "coherence.fabric=directory", "--set",
                               "network.virtual_networks=1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("no violation"));
}

// ---- Finite injection queues (network.injection_entries).

// The event log's records of one kind ("net" or "cell") as (time in ps, record).
std::vector<std::pair<double, json>> records(const std::string& log, const std::string& kind) {
  std::ifstream f(log);
  std::string line;
  std::vector<std::pair<double, json>> out;
  std::getline(f, line);  // the header
  while (std::getline(f, line)) {
    json r = json::parse(line);
    if (r["kind"] == kind) out.emplace_back(r["time_ps"].get<double>(), r);
  }
  return out;
}

TEST(InjectionQueues, AFullRequestQueueDelaysTheSecondMissByFiveCoreCycles) {
  // One core (3 GHz: 333.33 ps a cycle; the uncore 2 GHz: 500 ps) misses on two lines,
  // one load a cycle. The L1D's lookup takes 4 core cycles, so the first GetS reaches
  // the network interface at 1333.33 ps; it starts at once on the core's port into the
  // router (latency 0, the router's input has credits) and its 8 bytes are one 16-byte
  // flit: its tail leaves at 1333.33 + 500 = 1833.33 ps. With four entries the second
  // load (core cycle 1) sends its GetS at 1 + 4 = 5 core cycles (1666.67 ps). With one
  // entry, the first GetS holds it from its send (core cycle 0) to 1833.33 ps: the
  // second load is refused at 333.33 ps (the core stalls as on a full MSHR file), the
  // controller is blocked 1500 ps = 3 uncore cycles, the core retries at its next edge
  // (core cycle 6, 2000 ps) and the GetS goes at 6 + 4 = 10 core cycles (3333.33 ps):
  // 5 core cycles later.
  const std::string trace = "thread 0\n  load 0x1000 -> a\n  load 0x2000 -> b\n";
  auto yaml = [](const std::string& inj) {
    return "cores: 1\nl2: null\nl3: null\ncoherence: {protocol: msi, fabric: directory}\n"
           "network: {buffer_entries: 4, injection_entries: " +
           inj + "}\n";
  };
  const std::string d = temp_dir();
  const RunResult one = simulate(yaml("1"), trace, {"--events", d + "/one.jsonl"});
  const RunResult four = simulate(yaml("4"), trace, {"--events", d + "/four.jsonl"});
  const RunResult unl = simulate(yaml("unlimited"), trace, {"--events", d + "/unl.jsonl"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(four.exit_code, 0) << four.err;
  ASSERT_EQ(unl.exit_code, 0) << unl.err;
  const double core = 1000.0 / 3;  // ps
  auto gets_sent = [](const std::string& log) {
    std::vector<double> t;
    for (const auto& [at, r] : records(log, "net"))
      if (r["msg"] == "GetS" && r["phase"] == "send") t.push_back(at);
    return t;
  };
  for (const std::string& log : {d + "/four.jsonl", d + "/unl.jsonl"}) {
    const auto t = gets_sent(log);
    ASSERT_EQ(t.size(), 2u) << log;
    EXPECT_NEAR(t[0], 4 * core, 0.01) << log;
    EXPECT_NEAR(t[1], 5 * core, 0.01) << log;
  }
  const auto t = gets_sent(d + "/one.jsonl");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_NEAR(t[0], 4 * core, 0.01);
  EXPECT_NEAR(t[1], 10 * core, 0.01);
  // The second load's cell ran when the core retried, at core cycle 6.
  std::vector<double> loads;
  for (const auto& [at, r] : records(d + "/one.jsonl", "cell"))
    if (r["agent"] == "core0.l1d" && r["event"] == "Load") loads.push_back(at);
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_NEAR(loads[1], 6 * core, 0.01);
  EXPECT_NEAR(one.at("network.inject.core0.request.blocked_uncore_cycles"), 3.0, 1e-6);
  EXPECT_EQ(one.at("network.inject.core0.request.peak_occupancy"), 1);
  EXPECT_EQ(four.at("network.inject.core0.request.peak_occupancy"), 2);
  EXPECT_EQ(four.at("network.inject.core0.request.blocked_uncore_cycles"), 0);
  // Unlimited: no injection statistics; four entries: the run as with unlimited.
  EXPECT_EQ(unl.stats.count("network.inject.core0.request.peak_occupancy"), 0u);
  EXPECT_EQ(unl.at("cycles"), four.at("cycles"));
}

// Tiny buffers and injection queues with the three virtual networks: requests wait
// for forward and response room, forwards for response room, responses are always
// taken; nothing waits forever (scripts/stress_network_buffers.sh: more seeds).
class InjectionQueuesStress : public ::testing::TestWithParam<std::tuple<std::string, std::string, std::string>> {};

TEST_P(InjectionQueuesStress, ThreeVirtualNetworksNeverDeadlock) {
  const auto& [protocol, sizes, shape] = GetParam();
  const std::string entries = sizes.substr(1, 1), inj = sizes.substr(3, 1);  // "b1i1"
  const std::string seed = std::to_string(protocol.size() + shape.size() + entries.size() * 7);
  std::vector<std::string> args = {"stress", kStressConfig, "--ops", "100000", "--seed", seed, "--set",
                                   "coherence.protocol=" + protocol, "--set", "coherence.fabric=directory", "--set",
                                   "network.buffer_entries=" + entries, "--set", "network.injection_entries=" + inj,
                                   "--json"};
  if (shape == "numa_mesh") args.insert(args.end(), {"--set", "numa.nodes=4", "--set", "numa.topology=mesh"});
  if (shape == "sparse") args.insert(args.end(), {"--set", "directory.entries=4", "--set", "directory.assoc=2"});
  const RunResult r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["violations"], 0) << j["message"];
  EXPECT_GE(j["ops"].get<double>(), 100000 - 4) << "every core finished its operations";
}

INSTANTIATE_TEST_SUITE_P(Protocols, InjectionQueuesStress,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"), ::testing::Values("b1i1", "b2i2"),
                                            ::testing::Values("one_node", "numa_mesh", "sparse")),
                         ParamName());

TEST(InjectionQueues, QueuesFillOnTheSharingTrace) {
  // The stress tests above would prove little if no queue filled: the sharing trace on
  // four cores with one-entry queues blocks controllers, and with four entries (the
  // default) it blocks them less.
  const std::string trace = std::string(COHSIM_SOURCE_DIR) + "/traces/default.trace";
  const std::string yaml = write_temp("q.yaml", "cores: 4\ncoherence: {protocol: mesi, fabric: directory}\n");
  auto blocked = [&](const std::string& inj) {
    const std::string out = temp_dir() + "/q" + inj + ".json";
    const RunResult r = run_cli({"run", yaml, "--trace", trace, "--set", "network.buffer_entries=2", "--set",
                                 "network.injection_entries=" + inj, "--stats", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream f(out);
    const json j = json::parse(f);
    double sum = 0;
    for (const auto& [k, v] : j.items())
      if (k.rfind("network.inject.", 0) == 0 && k.find(".blocked_uncore_cycles") != std::string::npos)
        sum += v.get<double>();
    return sum;
  };
  const double one = blocked("1"), four = blocked("4");
  EXPECT_GT(one, 0);
  EXPECT_LT(four, one);
}

TEST(InjectionQueues, OneVirtualNetworkDeadlockNamesTheControllersWaitingForInjectionRoom) {
  // Seed 4, one entry everywhere, MSI, the classes merged: the directory's input is
  // full of requests it cannot answer (its one injection entry holds an Inv whose
  // router input is full), core0's input is full of Invs it cannot answer (its
  // injection queue holds a GetM), and that GetM waits behind a PutM for the
  // directory's input: a cycle of six buffers through two injection queues.
  const RunResult r = run_cli({"stress", kStressConfig, "--ops", "20000", "--seed", "4", "--set",
                               "coherence.protocol=msi", "--set", "coherence.fabric=directory", "--set",
                               "network.buffer_entries=1", "--set", "network.injection_entries=1", "--set",
                               "network.virtual_networks=1"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("injection queues: 1 entry per virtual network per endpoint"));
  EXPECT_THAT(r.out, HasSubstr("network deadlock: a cycle of 6 waiting buffer(s):"));
  EXPECT_THAT(r.out, HasSubstr("directory input VN0 (every class) full 1/1: GetS core2->directory line 0x100080 and "
                               "the rest wait for directory's controller, which waits for room in directory "
                               "injection queue VN0 (every class) (full 1/1"));
  EXPECT_THAT(r.out, HasSubstr("directory injection queue VN0 (every class) holds 1/1: head Inv directory->core3"));
  EXPECT_THAT(r.out, HasSubstr("core0 input VN0 (every class) full 1/1: Inv directory->core0 line 0x101080 and the "
                               "rest wait for core0's controller, which waits for room in core0 injection queue VN0 "
                               "(every class) (full 1/1)"));
  EXPECT_THAT(r.out, HasSubstr("core0 injection queue VN0 (every class) holds 1/1: head GetM core0->directory"));
  // Seed 1: a request the directory stalls waits for the answer to a forward another
  // cache keeps unanswered for want of injection room.
  const RunResult s = run_cli({"stress", kStressConfig, "--ops", "20000", "--seed", "1", "--set",
                               "coherence.protocol=msi", "--set", "coherence.fabric=directory", "--set",
                               "network.buffer_entries=1", "--set", "network.injection_entries=1", "--set",
                               "network.virtual_networks=1"});
  EXPECT_EQ(s.exit_code, 4) << s.out << s.err;
  EXPECT_THAT(s.out, HasSubstr("network deadlock: a cycle of 4 waiting buffer(s):"));
  EXPECT_THAT(s.out, HasSubstr("stalls (protocol) and waits for the answer to Fwd-GetS directory->core3 line "
                               "0x1000c0, kept in core3 input VN0 (every class)"));
  // The same runs with three virtual networks complete.
  for (const std::string seed : {"1", "4"}) {
    const RunResult three = run_cli({"stress", kStressConfig, "--ops", "20000", "--seed", seed, "--set",
                                     "coherence.protocol=msi", "--set", "coherence.fabric=directory", "--set",
                                     "network.buffer_entries=1", "--set", "network.injection_entries=1"});
    EXPECT_EQ(three.exit_code, 0) << three.out;
    EXPECT_THAT(three.out, HasSubstr("no violation"));
  }
}

TEST(InjectionQueues, BadValuesAndUnboundedBuffersAreRefusedByName) {
  const std::string trace = write_temp("t.trace", "thread 0\n  load 0x40 -> a\n");
  const std::string unb =
      write_temp("unb.yaml", "cores: 2\ncoherence: {fabric: directory}\nnetwork:\n  injection_entries: 2\n");
  RunResult r = run_cli({"run", unb, "--trace", trace});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(unb + ":4:22: network.injection_entries: 2 sizes the injection queues of the "
                               "finite-buffer network, and network.buffer_entries is unlimited"));
  EXPECT_THAT(r.err, HasSubstr("set network.buffer_entries to a number, or drop network.injection_entries"));
  for (const auto& [v, says] : std::vector<std::pair<std::string, std::string>>{
           {"network.injection_entries=0", "must be unlimited or 1..1024, got 0"},
           {"network.injection_entries=2000", "must be unlimited or 1..1024, got 2000"},
           {"network.injection_entries=few", "must be unlimited or a number of entries (1..1024), got 'few'"}}) {
    r = run_cli({"run", write_temp("empty.yaml", ""), "--trace", trace, "--set", "coherence.fabric=directory", "--set",
                 "network.buffer_entries=2", "--set", v});
    EXPECT_EQ(r.exit_code, 1) << v;
    EXPECT_THAT(r.err, HasSubstr(says)) << r.err;
  }
}

TEST(NetworkBuffers, BadValuesAndTheBusAreRefusedByName) {
  const std::string trace = write_temp("t.trace", "thread 0\n  load 0x40 -> a\n");
  const std::string bus = write_temp("bus.yaml", "cores: 2\nnetwork:\n  virtual_networks: 1\n");
  RunResult r = run_cli({"run", bus, "--trace", trace});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(bus + ":3:21: network.virtual_networks: 1 shapes the directory's point-to-point network"));
  EXPECT_THAT(r.err, HasSubstr("set coherence.fabric: directory, or network.virtual_networks: 3"));
  for (const auto& [v, says] : std::vector<std::pair<std::string, std::string>>{
           {"network.buffer_entries=0", "must be unlimited or 1..1024, got 0"},
           {"network.buffer_entries=some", "must be unlimited or a number of entries (1..1024), got 'some'"},
           {"network.virtual_networks=2", "must be 1 or 3, got 2"}}) {
    r = run_cli({"run", write_temp("empty.yaml", ""), "--trace", trace, "--set", "coherence.fabric=directory", "--set", v});
    EXPECT_EQ(r.exit_code, 1) << v;
    EXPECT_THAT(r.err, HasSubstr(says)) << r.err;
  }
}

}  // namespace
