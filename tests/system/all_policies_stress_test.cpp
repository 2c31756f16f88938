// The hierarchy's policies all on at once (issue #18: "cohsim stress with every new
// policy on, for every protocol and fabric: no violation"): prefetchers at the L1D, the
// private L2 and the L3, RRIP-family replacement (DRRIP at the L2, SHiP at the L3), an
// inclusive or an exclusive L3, a write-through L1D with a write-combining buffer (above
// a private L2), or a shared L2 with prefetchers and few MSHRs above an exclusive L3, or
// an exclusive shared L2 above an inclusive L3 with a prefetcher, and
// on the directory a sparse directory with finite network buffers. Each policy is
// stressed alone elsewhere (prefetch_test, rrip_replacement_test, inclusion_test,
// write_through_test, sparse_directory_test, network_buffers_test); together they meet
// each other's corner cases (a prefetch fill that back-invalidates, a recall crossing a
// write-through drain, ...).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "run_cohsim.hpp"

using cohsim::test::ParamName;
using cohsim::test::run_cli;

namespace {

const std::string kStressConfig = std::string(COHSIM_SOURCE_DIR) + "/configs/stress.yaml";

std::uint64_t figure(const std::string& json, const std::string& key) {
  const std::string k = "\"" + key + "\": ";
  const std::size_t at = json.find(k);
  if (at == std::string::npos) return 0;
  return std::stoull(json.substr(at + k.size()));
}

class AllPoliciesStress : public ::testing::TestWithParam<std::tuple<std::string, std::string, std::string>> {};

TEST_P(AllPoliciesStress, NoViolation) {
  const auto& [protocol, fabric, l3] = GetParam();
  std::vector<std::string> args = {"stress", kStressConfig, "--set", "coherence.protocol=" + protocol, "--ops", "60000",
                                   "--seed", "13", "--lines", "64", "--json"};
  auto set = [&](const std::string& kv) { args.insert(args.end(), {"--set", kv}); };
  set("l1d.prefetcher=[next_line,stream]");
  set("l2.size=1KiB"), set("l2.assoc=2"), set("l2.replacement=drrip");
  set("l3.size=2KiB"), set("l3.assoc=4"), set("l3.replacement=ship");
  if (l3 == "shared_l2") {
    // A shared L2 with prefetchers and few MSHRs (misses and prefetches wait for them)
    // above an exclusive L3: its prefetches move lines up out of the L3, dirty ones too.
    // DRAM answers later than the call: misses wait for an L2 MSHR, and a waiting miss's
    // read, issued when an MSHR frees, moves a dirty line up out of the L3.
    set("l2.shared=true"), set("l2.mshrs=3"), set("l2.prefetcher=[next_line,stream]");
    set("l3.inclusion=exclusive"), set("memory.model=dram");
  } else if (l3 == "exclusive_l2") {
    // An exclusive shared L2 (the L1Ds' victim cache) above an inclusive L3 with a prefetcher.
    set("l2.shared=true"), set("l2.mshrs=3"), set("l2.inclusion=exclusive");
    set("l3.inclusion=inclusive"), set("l3.prefetcher=next_line"), set("memory.model=dram");
  } else {
    // A write-through L1D above a private L2 with a prefetcher.
    set("l1d.write_back=false"), set("l1d.wc_entries=2");
    set("l2.prefetcher=next_line");
    set("l3.inclusion=" + l3);
    if (l3 == "inclusive") set("l3.prefetcher=next_line");  // an exclusive L3 takes no prefetcher
  }
  if (fabric == "directory") {
    set("coherence.fabric=directory");
    set("directory.entries=8"), set("directory.assoc=2"), set("network.buffer_entries=2");
  } else {
    set("coherence.fabric=bus");
    if (fabric == "atomic") set("bus.transactions=atomic");
  }
  auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"violations\": 0,"), std::string::npos) << r.out;
  // The policies were at work.
  EXPECT_GT(figure(r.out, "prefetches"), 1000u) << r.out;
  if (l3 == "inclusive" || l3 == "exclusive_l2") {
    EXPECT_GT(figure(r.out, "back_invalidations"), 100u) << r.out;
  }
  if (l3 == "shared_l2" || l3 == "exclusive_l2") {
    EXPECT_GT(figure(r.out, "moved_up"), 5u) << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Bus, AllPoliciesStress,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi", "mesif", "dragon"),
                                            ::testing::Values("bus", "atomic"),
                                            ::testing::Values("inclusive", "exclusive", "shared_l2", "exclusive_l2")),
                         ParamName());
INSTANTIATE_TEST_SUITE_P(Directory, AllPoliciesStress,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"), ::testing::Values("directory"),
                                            ::testing::Values("inclusive", "exclusive", "shared_l2", "exclusive_l2")),
                         ParamName());

}  // namespace
