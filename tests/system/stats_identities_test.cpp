// The cache statistics add up: at every level of every core, hits + misses equal the
// accesses counted by kind and outcome, misses are primary + secondary + upgrade
// misses, and the primary misses' causes (compulsory, capacity, conflict, coherence)
// add up to them; a level below counts only the requests the level above sent it (the
// L1D's requests_sent equal the private L2's accesses; the coherent levels' requests
// and writebacks equal the bus transactions); the L1D's loads equal the loads the core
// did not answer from its store buffer, and its page-walk accesses the walker's PTE
// loads and stores. The shared L3 counts what the fabric sent it (the bus's or the
// directory's memory reads and writes), every access takes one bank, its misses that
// did not merge into an MSHR are its causes and memory's reads, and its writebacks are
// memory's writes. On every example trace, under every protocol and fabric; with
// prefetchers at the L1D and the private L2 (whose requests are the L2's accesses of
// kind prefetch and the L1D's requests beyond its misses); with one MSHR at every level
// (secondary misses everywhere, L3 misses waiting for their MSHR) and one L3 bank; and
// over the window after a warm-up of half the shortest thread or between ROI markers
// at a third and two thirds of every thread (requests in flight
// across the reset count in the window of the level that counted them first).
#include <gtest/gtest.h>

#include <algorithm>
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

// `whole`: the statistics are the whole run's (no warm-up, no ROI), which completed:
// every demand access the level counted was answered, one AMAT sample each.
void check_level(const RunResult& r, const std::string& p, bool whole) {
  SCOPED_TRACE(p);
  double hits = 0, misses = 0, primary = 0, secondary = 0, upgrade = 0;
  for (const char* k : {"load", "store", "rmw", "walk"}) {
    const std::string q = p + "." + k;
    const double kh = r.at(q + "_hits"), kp = r.at(q + "_primary_misses"), ks = r.at(q + "_secondary_misses");
    const double ku = std::string(k) == "load" ? 0.0 : r.at(q + "_upgrade_misses");
    EXPECT_EQ(r.at(q + "_misses"), kp + ks + ku) << k;
    hits += kh, misses += kp + ks + ku, primary += kp, secondary += ks, upgrade += ku;
  }
  if (whole) EXPECT_EQ(r.at(p + ".accesses_answered"), hits + misses);  // demand accesses
  else EXPECT_LE(r.at(p + ".accesses_answered"), hits + misses);
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
  EXPECT_EQ(r.at(p + ".compulsory_misses") + r.at(p + ".capacity_misses") + r.at(p + ".conflict_misses") +
                r.at(p + ".coherence_misses"),
            primary);
}

// The shared L3 between the fabric above (`fabric`: bus or directory) and memory.
// A window's start (or end) may fall while L3 misses wait for an MSHR (l3.mshrs=1 with
// a warm-up or ROI markers): such a miss counted before the window reads memory in it;
// the L3 says how many (mshr_waiting_at_start, _at_end), and memory's reads add up
// with them.
void check_l3(const RunResult& r, const std::string& fabric, bool whole) {
  SCOPED_TRACE("l3");
  const double hits = r.at("l3.hits"), misses = r.at("l3.misses");
  const double reads = r.at("l3.read_hits") + r.at("l3.read_misses");
  const double writes = r.at("l3.write_hits") + r.at("l3.write_misses");
  EXPECT_EQ(hits + misses, reads + writes);
  if (whole) EXPECT_EQ(r.at("l3.reads_answered"), reads);  // an AMAT sample per read
  else EXPECT_LE(r.at("l3.reads_answered"), reads);
  EXPECT_EQ(r.at("l3.hits"), r.at("l3.read_hits") + r.at("l3.write_hits"));
  if (r.stats.count("l3.bank_accesses")) EXPECT_EQ(r.at("l3.bank_accesses"), hits + misses);
  const double merges = get(r, "l3.mshr_merges");  // secondary misses: no cause, no read below
  EXPECT_EQ(r.at("l3.compulsory_misses") + r.at("l3.capacity_misses") + r.at("l3.conflict_misses"), misses - merges);
  // what the fabric sent down
  if (fabric == "bus") {
    EXPECT_EQ(reads, r.at("bus.memory_reads"));
    EXPECT_EQ(writes, r.at("bus.memory_writebacks"));
  } else {
    EXPECT_EQ(reads, r.at("directory.memory_reads"));
    EXPECT_EQ(writes, r.at("directory.memory_writes"));
  }
  // what it sent memory (write-back, write-allocate: a write miss needs no fetch)
  EXPECT_EQ(r.at("memory.reads"),
            r.at("l3.read_misses") - merges + get(r, "l3.mshr_waiting_at_start") - get(r, "l3.mshr_waiting_at_end"));
  EXPECT_EQ(r.at("memory.writes"), r.at("l3.writebacks"));
}

void check_run(const RunResult& r, const std::string& fabric, bool prefetch, bool whole) {
  double bus_requests = 0;
  for (int c = 0; r.stats.count("core" + std::to_string(c) + ".loads"); ++c) {
    const std::string p = "core" + std::to_string(c);
    SCOPED_TRACE(p);
    check_level(r, p + ".l1d", whole);
    EXPECT_EQ(r.at(p + ".l1d.load_hits") + r.at(p + ".l1d.load_misses"),
              r.at(p + ".loads") - r.at(p + ".forwarded_loads"));
    EXPECT_EQ(r.at(p + ".l1d.walk_hits") + r.at(p + ".l1d.walk_misses"),
              get(r, p + ".mmu.pte_loads") + get(r, p + ".mmu.pte_stores"));
    std::string coh = p + ".l1d";
    if (r.stats.count(p + ".l2.hits")) {
      coh = p + ".l2";
      check_level(r, coh, whole);
      EXPECT_EQ(r.at(p + ".l1d.requests_sent"), r.at(coh + ".hits") + r.at(coh + ".misses"));
      EXPECT_EQ(r.at(p + ".l1d.requests_sent"), r.at(p + ".l1d.primary_misses") + r.at(p + ".l1d.upgrade_misses") +
                                                   get(r, p + ".l1d.prefetches_issued"));
      if (prefetch) EXPECT_EQ(get(r, coh + ".prefetch_hits") + get(r, coh + ".prefetch_misses"),
                              r.at(p + ".l1d.prefetches_issued"));
    }
    bus_requests += r.at(coh + ".requests_sent") + r.at(coh + ".writebacks");
  }
  if (fabric == "bus") EXPECT_EQ(bus_requests, r.at("bus.transactions"));
  if (r.stats.count("l3.hits")) check_l3(r, fabric, whole);
}

// `roi begin` after a third of each thread's operations, `roi end` after two thirds.
std::string with_roi(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto is_op = [](const std::string& l) {
    const auto at = l.find_first_not_of(' ');
    return at != std::string::npos && at > 0 && l[at] != '#';
  };
  std::string out;
  for (std::size_t i = 0; i < lines.size();) {
    if (lines[i].rfind("thread", 0) != 0) {
      out += lines[i++] + "\n";
      continue;
    }
    out += lines[i++] + "\n";
    std::size_t end = i, ops = 0;
    while (end < lines.size() && lines[end].rfind("thread", 0) != 0) ops += is_op(lines[end++]);
    std::size_t seen = 0;
    for (; i < end; ++i) {
      if (is_op(lines[i])) {
        if (seen == ops / 3) out += "  roi begin\n";
        if (seen == 2 * ops / 3 && ops >= 3) out += "  roi end\n";
        ++seen;
      }
      out += lines[i] + "\n";
    }
  }
  return out;
}

// The third part of a case: the fabric, then "+" options: prefetch (prefetchers at the
// L1D and the private L2), mshr (one MSHR at every level), bank (one L3 bank, held 16
// cycles an access), warmup (statistics over the second half of the shortest thread),
// roi (statistics between markers at a third and two thirds of every thread).
using Param = std::tuple<std::string, std::string, std::string>;  // trace, protocol, fabric+options
class StatsIdentities : public ::testing::TestWithParam<Param> {};

TEST_P(StatsIdentities, LevelsAddUp) {
  // (Named copies, not a structured binding: clang 14, the sanitizer build's compiler,
  // cannot capture a binding in the lambda below.)
  const std::string trace = std::get<0>(GetParam()), protocol = std::get<1>(GetParam()), variant = std::get<2>(GetParam());
  const std::string src = COHSIM_SOURCE_DIR;
  const bool vm = trace == "vm_pages";
  auto has = [&](const char* o) { return variant.find(std::string("+") + o) != std::string::npos; };
  const std::string fabric = variant.substr(0, variant.find('+'));
  std::string yaml = vm ? read_file(src + "/configs/vm-x86.yaml") : read_file(src + "/configs/default.yaml");
  const std::string text = has("roi") ? with_roi(read_file(src + "/traces/" + trace + ".trace"))
                                       : read_file(src + "/traces/" + trace + ".trace");
  std::vector<std::string> args = {"--set", "coherence.protocol=" + protocol, "--set", "coherence.fabric=" + fabric};
  if (has("prefetch"))
    args.insert(args.end(), {"--set", "l1d.prefetcher=next_line,stream", "--set", "l2.prefetcher=ip_stride,best_offset"});
  if (has("mshr"))
    args.insert(args.end(), {"--set", "l1d.mshrs=1", "--set", "l2.mshrs=1", "--set", "l3.mshrs=1"});
  if (has("bank")) args.insert(args.end(), {"--set", "l3.banks=1", "--set", "l3.bank_cycles=16"});
  if (has("warmup")) {
    auto whole = simulate(yaml, text, args);
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    double shortest = 1e18;
    for (int c = 0; whole.stats.count("core" + std::to_string(c) + ".ops"); ++c)
      if (whole.at("core" + std::to_string(c) + ".ops") > 0)
        shortest = std::min(shortest, whole.at("core" + std::to_string(c) + ".ops"));
    args.insert(args.end(), {"--warmup", std::to_string(std::max(1, int(shortest) / 2))});
  }
  auto r = simulate(yaml, text, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (has("warmup") || has("roi")) ASSERT_EQ(r.stats.count("window.start_cycle"), 1u);
  if (trace == "stream" && !has("warmup")) {  // the knobs bite
    if (has("mshr")) EXPECT_GT(r.at("core0.l1d.secondary_misses"), 0);
    if (has("bank")) EXPECT_GT(r.at("l3.bank_accesses"), 0);
  }
  check_run(r, fabric, has("prefetch"), !has("warmup") && !has("roi"));
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
INSTANTIATE_TEST_SUITE_P(
    OneMshrOneBank, StatsIdentities,
    ::testing::Combine(::testing::Values("default", "mp", "pingpong", "sb", "sb_seqcst", "stream", "vm_pages"),
                       ::testing::Values("msi", "mesi", "moesi"),
                       ::testing::Values("bus+mshr+bank+prefetch", "directory+mshr+bank")),
    ParamName());
INSTANTIATE_TEST_SUITE_P(
    Warmup, StatsIdentities,
    ::testing::Combine(::testing::Values("default", "mp", "pingpong", "sb", "sb_seqcst", "stream", "vm_pages"),
                       ::testing::Values("msi", "mesi", "moesi"),
                       ::testing::Values("bus+warmup+prefetch", "directory+warmup+mshr+bank", "bus+roi+mshr",
                                         "directory+roi")),
    ParamName());
INSTANTIATE_TEST_SUITE_P(Dragon, StatsIdentities,
                         ::testing::Combine(::testing::Values("default", "mp", "pingpong", "stream"),
                                            ::testing::Values("dragon"),
                                            ::testing::Values("bus", "bus+mshr+bank", "bus+warmup+mshr")),
                         ParamName());

}  // namespace
