// The cache statistics add up: at every level of every core, hits + misses equal the
// accesses counted by kind and outcome, misses are primary + secondary + upgrade
// misses; a level below counts only the requests the level above sent it (the L1D's
// requests_sent equal the private L2's accesses; the coherent levels' requests and
// writebacks equal the bus transactions); the L1D's loads equal the loads the core
// did not answer from its store buffer, and its page-walk accesses the walker's PTE
// loads and stores. On every example trace, under every protocol and fabric; and with
// prefetchers at the L1D and the private L2, whose requests are the L2's accesses of
// kind prefetch and the L1D's requests beyond its misses.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::ParamName;
using cohsim::test::RunResult;
using cohsim::test::simulate;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream o;
  o << f.rdbuf();
  return o.str();
}

double get(const RunResult& r, const std::string& k) {
  auto it = r.stats.find(k);
  return it == r.stats.end() ? 0.0 : it->second;
}

void check_level(const RunResult& r, const std::string& p) {
  SCOPED_TRACE(p);
  double hits = 0, misses = 0, primary = 0, secondary = 0, upgrade = 0;
  for (const char* k : {"load", "store", "rmw", "walk"}) {
    const std::string q = p + "." + k;
    const double kh = r.at(q + "_hits"), kp = r.at(q + "_primary_misses"), ks = r.at(q + "_secondary_misses");
    const double ku = std::string(k) == "load" ? 0.0 : r.at(q + "_upgrade_misses");
    EXPECT_EQ(r.at(q + "_misses"), kp + ks + ku) << k;
    hits += kh, misses += kp + ks + ku, primary += kp, secondary += ks, upgrade += ku;
  }
  if (r.stats.count(p + ".prefetch_hits")) {  // the L1D's prefetches at a private L2
    const double kh = r.at(p + ".prefetch_hits"), kp = r.at(p + ".prefetch_primary_misses");
    EXPECT_EQ(r.at(p + ".prefetch_misses"), kp);
    hits += kh, misses += kp, primary += kp;
  }
  EXPECT_EQ(r.at(p + ".hits"), hits);
  EXPECT_EQ(r.at(p + ".misses"), misses);
  EXPECT_EQ(r.at(p + ".primary_misses"), primary);
  EXPECT_EQ(r.at(p + ".secondary_misses"), secondary);
  EXPECT_EQ(r.at(p + ".upgrade_misses"), upgrade);
}

using Param = std::tuple<std::string, std::string, std::string>;  // trace, protocol, fabric
class StatsIdentities : public ::testing::TestWithParam<Param> {};

TEST_P(StatsIdentities, LevelsAddUp) {
  const auto& [trace, protocol, fabric_and_prefetch] = GetParam();
  const std::string src = COHSIM_SOURCE_DIR;
  const bool vm = trace == "vm_pages";
  const bool prefetch = fabric_and_prefetch.find("+prefetch") != std::string::npos;
  const std::string fabric = fabric_and_prefetch.substr(0, fabric_and_prefetch.find('+'));
  std::string yaml = vm ? read_file(src + "/configs/vm-x86.yaml") : read_file(src + "/configs/default.yaml");
  std::vector<std::string> args = {"--set", "coherence.protocol=" + protocol, "--set", "coherence.fabric=" + fabric};
  if (prefetch)
    args.insert(args.end(), {"--set", "l1d.prefetcher=next_line,stream", "--set", "l2.prefetcher=ip_stride,best_offset"});
  auto r = simulate(yaml, read_file(src + "/traces/" + trace + ".trace"), args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  double bus_requests = 0;
  for (int c = 0; r.stats.count("core" + std::to_string(c) + ".loads"); ++c) {
    const std::string p = "core" + std::to_string(c);
    SCOPED_TRACE(p);
    check_level(r, p + ".l1d");
    EXPECT_EQ(r.at(p + ".l1d.load_hits") + r.at(p + ".l1d.load_misses"),
              r.at(p + ".loads") - r.at(p + ".forwarded_loads"));
    EXPECT_EQ(r.at(p + ".l1d.walk_hits") + r.at(p + ".l1d.walk_misses"),
              get(r, p + ".mmu.pte_loads") + get(r, p + ".mmu.pte_stores"));
    std::string coh = p + ".l1d";
    if (r.stats.count(p + ".l2.hits")) {
      coh = p + ".l2";
      check_level(r, coh);
      EXPECT_EQ(r.at(p + ".l1d.requests_sent"), r.at(coh + ".hits") + r.at(coh + ".misses"));
      EXPECT_EQ(r.at(p + ".l1d.requests_sent"), r.at(p + ".l1d.primary_misses") + r.at(p + ".l1d.upgrade_misses") +
                                                   get(r, p + ".l1d.prefetches_issued"));
      if (prefetch) EXPECT_EQ(get(r, coh + ".prefetch_hits") + get(r, coh + ".prefetch_misses"),
                              r.at(p + ".l1d.prefetches_issued"));
    }
    bus_requests += r.at(coh + ".requests_sent") + r.at(coh + ".writebacks");
  }
  if (fabric == "bus") EXPECT_EQ(bus_requests, r.at("bus.transactions"));
}

INSTANTIATE_TEST_SUITE_P(
    ExampleTraces, StatsIdentities,
    ::testing::Combine(::testing::Values("default", "mp", "pingpong", "sb", "sb_seqcst", "stream", "vm_pages"),
                       ::testing::Values("msi", "mesi", "moesi"), ::testing::Values("bus", "directory")),
    ParamName());
INSTANTIATE_TEST_SUITE_P(
    Prefetchers, StatsIdentities,
    ::testing::Combine(::testing::Values("default", "mp", "stream", "vm_pages"), ::testing::Values("msi", "moesi"),
                       ::testing::Values("bus+prefetch", "directory+prefetch")),
    ParamName());
INSTANTIATE_TEST_SUITE_P(Dragon, StatsIdentities,
                         ::testing::Combine(::testing::Values("default", "mp", "pingpong", "stream"),
                                            ::testing::Values("dragon"), ::testing::Values("bus")),
                         ParamName());

}  // namespace
