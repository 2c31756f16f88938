// NUMA: nodes with their own directory, L3 slice and memory, linked by a topology.
#include <gtest/gtest.h>

#include <sstream>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;

namespace {

std::string numa(int nodes, const std::string& topology, const std::string& more = "") {
  return "cores: 1\nl2: null\ncheck: true\ncoherence: {protocol: mesi, fabric: directory}\nnuma: {nodes: " +
         std::to_string(nodes) + ", topology: " + topology + ", hop_latency: 20cycles, interleave: 4KiB}\n" + more;
}

// One core on node 0 loads a line homed on node 0, then one homed on node `far`
// (4 KiB interleaving: address 0x1000 * far). Idle, both cost the same except the
// request's and the data's trips between the nodes: 2 x hops x 20 cycles.
using Route = std::tuple<const char*, int, int, int>;  // topology, nodes, far node, hops
class NumaLatency : public ::testing::TestWithParam<Route> {};

TEST_P(NumaLatency, RemoteExceedsLocalByExactlyTheHopsTimesTheLinkLatency) {
  const auto [topology, nodes, far, hops] = GetParam();
  std::ostringstream trace;
  trace << "thread 0\n  load 0x0 -> a\n  compute 3000\n  load " << std::hex << std::showbase << 0x1000 * far
        << " -> b\n";
  auto r = simulate(numa(nodes, topology), trace.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("numa.local_misses"), 1);
  EXPECT_EQ(r.at("numa.remote_misses"), 1);
  EXPECT_EQ(r.at("numa.remote_miss_latency_uncore_cycles") - r.at("numa.local_miss_latency_uncore_cycles"), 2 * hops * 20);
  EXPECT_EQ(r.at("network.hops"), 2 * hops);
  EXPECT_EQ(r.at("node" + std::to_string(far) + ".directory.remote_requests"), 1);
  EXPECT_EQ(r.at("node0.directory.local_requests"), 1);
}

INSTANTIATE_TEST_SUITE_P(Topologies, NumaLatency,
                         ::testing::Values(Route{"fully_connected", 4, 3, 1}, Route{"crossbar", 4, 2, 1},
                                           Route{"ring", 4, 2, 2}, Route{"ring", 8, 5, 3}, Route{"mesh", 4, 3, 2},
                                           Route{"mesh", 9, 8, 4}, Route{"mesh", 16, 6, 3}),
                         cohsim::test::ParamName());

TEST(Numa, FirstTouchKeepsEachThreadsPagesLocalInterleaveDealsThemOut) {
  // Two threads on two nodes each write 32 pages of their own, then read them back.
  std::ostringstream t;
  for (int th = 0; th < 2; ++th) {
    t << "thread " << th << "\n";
    const unsigned base = th == 0 ? 0x1000000 : 0x2000000;
    for (int k = 0; k < 32; ++k) t << "  store " << base + 4096u * unsigned(k) << " " << k << "\n";
    t << "  compute 20000\n";
    for (int k = 0; k < 32; ++k) t << "  load " << base + 4096u * unsigned(k) << " -> r" << k << "\n";
  }
  auto run = [&](const char* placement) {
    return simulate(std::string("cores: 2\ncheck: true\ncoherence: {protocol: mesi, fabric: directory}\n"
                                "numa: {nodes: 2, home: page}\nvm: {enabled: true, placement: ") +
                        placement + "}\n",
                    t.str());
  };
  auto ft = run("first_touch"), il = run("interleave");
  ASSERT_EQ(ft.exit_code, 0) << ft.err;
  ASSERT_EQ(il.exit_code, 0) << il.err;
  // Data pages all local under first touch; what is remote are page-table loads
  // (the root table lives on node 0, where the first fault put it).
  EXPECT_LT(ft.at("numa.remote_share"), 0.1);
  EXPECT_GT(il.at("numa.remote_share"), 0.4);
  EXPECT_EQ(ft.at("vm.node0.allocated_bytes") > 0 && ft.at("vm.node1.allocated_bytes") > 0, true);
  EXPECT_EQ(ft.at("core1.regs.r31"), 31);
  EXPECT_EQ(il.at("core1.regs.r31"), 31);
}

TEST(Numa, MistakesGetOneClearMessage) {
  auto bus = simulate("cores: 2\nnuma: {nodes: 2}\n", "thread 0\n  load x -> r\n");
  EXPECT_EQ(bus.exit_code, 1);
  EXPECT_NE(bus.err.find("numa.nodes: 2 NUMA nodes need a directory"), std::string::npos) << bus.err;
  auto page =
      simulate("cores: 2\ncoherence: {fabric: directory}\nnuma: {nodes: 2, home: page}\n", "thread 0\n  load x -> r\n");
  EXPECT_EQ(page.exit_code, 1);
  EXPECT_NE(page.err.find("needs virtual memory: set vm.enabled: true"), std::string::npos) << page.err;
  auto mesh = simulate("cores: 2\ncoherence: {fabric: directory}\nnuma: {nodes: 6, topology: mesh, mesh_columns: 4}\n",
                       "thread 0\n  load x -> r\n");
  EXPECT_EQ(mesh.exit_code, 1);
  EXPECT_NE(mesh.err.find("is not a rectangle"), std::string::npos) << mesh.err;
  auto topo = simulate("cores: 2\ncoherence: {fabric: directory}\nnuma: {nodes: 2, topology: torus}\n",
                       "thread 0\n  load x -> r\n");
  EXPECT_EQ(topo.exit_code, 1);
  EXPECT_NE(topo.err.find("fully_connected, crossbar, ring, mesh"), std::string::npos) << topo.err;
  for (auto* r : {&bus, &page, &mesh, &topo}) EXPECT_EQ(r->err.find("internal error"), std::string::npos) << r->err;
}

class NumaStress : public ::testing::TestWithParam<const char*> {};

TEST_P(NumaStress, FourNodesOnARingHaveNoViolation) {
  auto r = run_cli({"stress", std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml", "--set",
                    "coherence.fabric=directory", "--set", std::string("coherence.protocol=") + GetParam(), "--set",
                    "cores=8", "--set", "numa.nodes=4", "--set", "numa.topology=ring", "--set", "numa.interleave=64B",
                    "--ops", "200000", "--seed", "4", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Protocols, NumaStress, ::testing::Values("msi", "mesi", "moesi"), cohsim::test::ParamName());

}  // namespace

namespace {

// The ready two-socket configuration runs every example trace, the checker on, and
// the threads on the two sockets share data across them.
class NumaExamples : public ::testing::TestWithParam<const char*> {};

TEST_P(NumaExamples, TwoSocketConfigRunsTheExampleTrace) {
  const std::string root = COHSIM_SOURCE_DIR;
  auto r = run_cli(
      {"run", root + "/configs/numa-2socket.yaml", "--trace", root + "/traces/" + GetParam(), "--set", "check=true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("stopped at max_cycles"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("numa           2 nodes"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Traces, NumaExamples,
                         ::testing::Values("default.trace", "mp.trace", "pingpong.trace", "sb.trace", "sb_seqcst.trace",
                                           "stream.trace", "vm_pages.trace"),
                         cohsim::test::ParamName());

}  // namespace
