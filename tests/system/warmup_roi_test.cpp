// Warm-up (--warmup N) and the region of interest (`roi begin` / `roi end`): a trace
// whose first half alone misses. Each core first touches its lines (primary misses),
// waits for them (`fence SeqCst`: x86's mfence binds every older load), then reads
// them again (hits). Hand count, one core, L = 48 lines (they fit the 32 KiB L1D):
// the whole run has 48 misses and 48 hits; the window after the warm-up, 0 and 48.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::temp_dir;
using cohsim::test::write_temp;

namespace {

constexpr int kLines = 48;
// 1 GHz core, 500 ps uncore: the utilisation check below converts with these.
const std::string kYaml = "cores: 2\ncore: {frequency: 1GHz}\nuncore: {frequency: 2GHz}\n";

// `marker` goes between the halves (after the fence); `tail` after the second half.
std::string half_trace(int threads, const std::string& marker = "", const std::string& tail = "") {
  std::string t;
  for (int th = 0; th < threads; ++th) {
    t += "thread " + std::to_string(th) + "\n";
    const int base = 0x100000 * (th + 1);
    for (int i = 0; i < kLines; ++i) t += "  load " + std::to_string(base + 64 * i) + "\n";
    t += "  fence SeqCst\n" + marker;
    for (int i = 0; i < kLines; ++i) t += "  load " + std::to_string(base + 64 * i) + "\n";
    t += tail;
  }
  return t;
}

TEST(WarmupRoi, WholeRunCountsBothHalves) {
  auto r = simulate(kYaml, half_trace(1));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.misses"), kLines);
  EXPECT_EQ(r.at("core0.l1d.hits"), kLines);
  EXPECT_EQ(r.at("core0.ops"), 2 * kLines + 1);
  EXPECT_EQ(r.stats.count("window.start_cycle"), 0u);  // no window without --warmup or markers
}

TEST(WarmupRoi, WarmupAtTheHalfMeasuresOnlyTheRereads) {
  auto whole = simulate(kYaml, half_trace(1));
  auto r = simulate(kYaml, half_trace(1), {"--warmup", std::to_string(kLines + 1)});  // the loads and the fence
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.misses"), 0);
  EXPECT_EQ(r.at("core0.l1d.hits"), kLines);
  EXPECT_EQ(r.at("core0.loads"), kLines);
  EXPECT_EQ(r.at("core0.ops"), kLines);
  EXPECT_EQ(r.at("ops"), kLines);
  EXPECT_EQ(r.at("core0.instructions"), kLines);
  EXPECT_EQ(r.at("core0.fences"), 0);  // the fence retired in the warm-up
  EXPECT_EQ(r.at("bus.transactions"), 0);
  EXPECT_EQ(r.at("memory.reads"), 0);
  EXPECT_EQ(r.at("core0.l1d.misses_per_1000_ops"), 0);
  EXPECT_DOUBLE_EQ(r.at("core0.l1d.hit_rate"), 1.0);
  EXPECT_LT(r.at("core0.amat_core_cycles"), 10);  // L1D hits only (the misses' latency went with the warm-up)
  // the window: from the reset to the end; cycles and time count over it only
  const double start = r.at("window.start_cycle"), end = r.at("window.end_cycle");
  EXPECT_GT(start, 0);
  EXPECT_EQ(end, whole.at("cycles"));  // the warm-up changes no timing
  EXPECT_EQ(r.at("cycles"), end - start);
  EXPECT_EQ(r.at("time_ps"), (end - start) * 1000);
  // the occupancy is over the window: every line of the core is in its (private L2's,
  // the coherent level's) S state all along; over the whole run less (the fills came later)
  EXPECT_NEAR(r.at("core0.l2.occupancy.S"), kLines, 1e-6);
  EXPECT_LT(whole.at("core0.l2.occupancy.S"), kLines - 1);
  // the run's own statistics are unchanged by --warmup 0
  auto zero = simulate(kYaml, half_trace(1), {"--warmup", "0"});
  EXPECT_EQ(zero.statistics_json(), whole.statistics_json());
}

TEST(WarmupRoi, RoiBeginAtTheHalfMeasuresTheSame) {
  auto warm = simulate(kYaml, half_trace(1), {"--warmup", std::to_string(kLines + 1)});
  auto roi = simulate(kYaml, half_trace(1, "  roi begin\n"));
  ASSERT_EQ(roi.exit_code, 0) << roi.err;
  for (const char* k : {"core0.l1d.misses", "core0.l1d.hits", "core0.loads", "core0.ops", "ops", "bus.transactions"})
    EXPECT_EQ(roi.at(k), warm.at(k)) << k;
  // a marker is no operation: the whole run is as long, with the same ops
  auto whole = simulate(kYaml, half_trace(1));
  EXPECT_EQ(roi.at("window.end_cycle"), whole.at("cycles"));
  EXPECT_NEAR(roi.at("window.start_cycle"), warm.at("window.start_cycle"), 1);
}

TEST(WarmupRoi, RoiBeginBeforeEverythingChangesNothingButTheWindowEntries) {
  auto whole = simulate(kYaml, half_trace(1));
  std::string t = half_trace(1);
  t.insert(t.find('\n') + 1, "  roi begin\n");
  auto r = simulate(kYaml, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto a = nlohmann::json::parse(whole.json), b = nlohmann::json::parse(r.json);
  a.erase("_provenance"), b.erase("_provenance");
  EXPECT_EQ(b["window.start_cycle"], 0);
  b.erase("window.start_cycle"), b.erase("window.end_cycle");
  EXPECT_EQ(a, b);
}

TEST(WarmupRoi, RoiEndFreezesTheStatisticsThere) {
  // after `roi end`, 16 loads to new lines: missed, but outside the window
  std::string tail = "  roi end\n";
  for (int i = 0; i < 16; ++i) tail += "  load " + std::to_string(0x800000 + 64 * i) + " -> r1\n";
  auto r = simulate(kYaml, half_trace(1, "  roi begin\n", tail));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.misses"), 0);
  EXPECT_EQ(r.at("core0.l1d.hits"), kLines);
  EXPECT_EQ(r.at("core0.ops"), kLines);
  EXPECT_EQ(r.at("memory.reads"), 0);
  EXPECT_EQ(r.at("completed"), 1);        // set at the end of the run
  EXPECT_EQ(r.stats.count("core0.regs.r1"), 1u);
  EXPECT_EQ(r.at("cycles"), r.at("window.end_cycle") - r.at("window.start_cycle"));
  auto whole = simulate(kYaml, half_trace(1, "", tail.substr(tail.find('\n') + 1)));
  EXPECT_LT(r.at("window.end_cycle"), whole.at("cycles"));
}

TEST(WarmupRoi, TwoThreadsResetOnceWhenTheLastReachesItsWarmup) {
  auto r = simulate(kYaml, half_trace(2), {"--warmup", std::to_string(kLines + 1)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  double hits = 0;
  for (int c = 0; c < 2; ++c) {
    const std::string p = "core" + std::to_string(c);
    EXPECT_EQ(r.at(p + ".l1d.misses"), 0) << p;  // every miss was in some core's first half
    EXPECT_LE(r.at(p + ".l1d.hits"), kLines) << p;
    hits = std::max(hits, r.at(p + ".l1d.hits"));
  }
  // the core that reached its warm-up last runs all its second half in the window; an
  // earlier one may have run part of its second half before the reset
  EXPECT_EQ(hits, kLines);
  // the bus's utilisation is its busy share of the window: the first halves' misses
  // overlap the window's start, so some bus time may fall in it, never more than all
  const double util = r.at("bus.utilization");
  EXPECT_GE(util, 0.0);
  EXPECT_LE(util, 1.0);
  const double window_uncore = (r.at("window.end_cycle") - r.at("window.start_cycle")) * 2;  // 1 GHz / 2 GHz
  EXPECT_NEAR(util, r.at("bus.busy_uncore_cycles") / window_uncore, 1e-3);
}

TEST(WarmupRoi, DirectoryAndDramStatisticsResetToo) {
  const std::string yaml = "cores: 2\ncoherence: {fabric: directory, protocol: mesi}\nmemory: {model: dram}\n";
  auto whole = simulate(yaml, half_trace(2));
  auto r = simulate(yaml, half_trace(2), {"--warmup", std::to_string(kLines + 1)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(whole.at("directory.requests"), 2 * kLines);
  EXPECT_EQ(whole.at("memory.reads"), 2 * kLines);
  for (const char* k : {"core0.l1d.misses", "core1.l1d.misses", "directory.requests", "network.messages",
                        "memory.reads", "memory.row_hits", "memory.activates"})
    EXPECT_EQ(r.at(k), 0) << k;
  EXPECT_EQ(r.at("memory.bandwidth_GBps"), 0.0);
  for (auto& [k, v] : r.stats)
    if (k.size() > 11 && k.compare(k.size() - 11, 11, "utilization") == 0) {
      EXPECT_GE(v, 0.0) << k;
      EXPECT_LE(v, 1.0) << k;
    }
}

// The L3's banks and MSHRs, the miss causes at every level and the prefetchers'
// counts start again at the window: the first half's misses (all compulsory) keep one
// slow L3 bank and two L3 MSHRs busy and make a next-line prefetcher (at the L1D, or
// at the private L2) issue; the second half only hits in the L1D, so over the window
// every one of them is 0.
TEST(WarmupRoi, L3BanksMshrsMissCausesAndPrefetchesResetAtTheWindow) {
  for (const std::string level : {"l1d", "l2"}) {
    SCOPED_TRACE(level);
    const std::vector<std::string> knobs = {"--set", "l3.banks=1", "--set", "l3.bank_cycles=16",
                                            "--set", "l3.mshrs=2", "--set", level + ".prefetcher=next_line"};
    auto with = [&](std::vector<std::string> extra) {
      extra.insert(extra.begin(), knobs.begin(), knobs.end());
      return extra;
    };
    auto whole = simulate(kYaml, half_trace(1), with({}));
    auto warm = simulate(kYaml, half_trace(1), with({"--warmup", std::to_string(kLines + 1)}));
    auto roi = simulate(kYaml, half_trace(1, "  roi begin\n"), with({}));
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const std::string pf = "core0." + level + ".prefetches_";
    const std::vector<std::string> busy = {
        "l3.misses", "l3.bank_accesses", "l3.bank_wait_uncore_cycles", "l3.bank_utilization", "l3.mshr_max_in_use",
        "l3.mshr_avg_in_use", "l3.mshr_full_misses", "l3.mshr_full_uncore_cycles", "l3.mshr_wait_uncore_cycles",
        "l3.compulsory_misses", "core0.l1d.primary_misses", "core0.l1d.compulsory_misses",
        "core0.l2.compulsory_misses", pf + "issued", pf + "late", "bus.transactions", "bus.memory_reads"};
    // the whole run: the first half misses at every level and keeps the bank, the MSHRs
    // and the prefetcher busy
    for (const auto& k : busy) EXPECT_GT(whole.at(k), 0) << k;
    EXPECT_EQ(whole.at("l3.compulsory_misses"), whole.at("l3.misses") - whole.at("l3.mshr_merges"));
    for (const auto* r : {&warm, &roi}) {
      ASSERT_EQ(r->exit_code, 0) << r->err;
      for (const auto& k : busy) EXPECT_EQ(r->at(k), 0) << k;
      for (const std::string k :
           {"l3.hits", "l3.capacity_misses", "l3.conflict_misses", "l3.mshr_merges", "core0.l1d.capacity_misses",
            "core0.l1d.conflict_misses", "core0.l1d.coherence_misses", "core0.l2.hits", "core0.l2.misses"})
        EXPECT_EQ(r->at(k), 0) << k;
      for (const char* k : {"useful", "useless", "dropped"}) EXPECT_EQ(r->at(pf + k), 0) << k;
      EXPECT_EQ(r->at("core0.l1d.hits"), kLines);
    }
  }
}

TEST(WarmupRoi, BusUtilisationIsOverTheWindowWhenTheWindowMisses) {
  // a second phase of new lines inside the window: bus busy, utilisation over the window
  std::string tail = "  fence SeqCst\n";
  for (int i = 0; i < 32; ++i) tail += "  load " + std::to_string(0x800000 + 64 * i) + "\n";
  auto r = simulate(kYaml, half_trace(1, "", tail), {"--warmup", std::to_string(kLines + 1)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.misses"), 32);
  const double util = r.at("bus.utilization");
  EXPECT_GT(util, 0.0);
  EXPECT_LE(util, 1.0);
  EXPECT_NEAR(util, r.at("bus.busy_uncore_cycles") / (r.at("cycles") * 2), 1e-3);
  auto whole = simulate(kYaml, half_trace(1, "", tail));
  EXPECT_LT(r.at("bus.busy_uncore_cycles"), whole.at("bus.busy_uncore_cycles"));  // the first half's went
}

TEST(WarmupRoi, IntervalsAfterTheResetCountFromIt) {
  const std::string lines = temp_dir() + "/warm.jsonl";
  auto r = simulate(kYaml, half_trace(1), {"--warmup", std::to_string(kLines + 1), "--stats-interval", "50",
                                           "--stats-interval-file", lines});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(lines);
  std::vector<nlohmann::json> rows;
  for (std::string l; std::getline(f, l);) rows.push_back(nlohmann::json::parse(l));
  ASSERT_GE(rows.size(), 3u);
  const double start = r.at("window.start_cycle");
  bool before = false, after = false;
  for (auto& row : rows) {
    if (row["cycle"] < start) {
      EXPECT_FALSE(row.contains("core0.l1d.hits") && row["core0.l1d.hits"] > 0);
      before = true;
    } else {
      EXPECT_EQ(row["core0.l1d.misses"], 0) << row["cycle"];  // counted from the reset
      EXPECT_EQ(row["window.start_cycle"], start);
      after = true;
    }
  }
  EXPECT_TRUE(before);
  EXPECT_TRUE(after);
  EXPECT_EQ(rows.back()["core0.l1d.hits"], kLines);  // the last line is the final statistics
}

TEST(WarmupRoi, FromStatsReproducesAWarmupRun) {
  auto r = simulate(kYaml, half_trace(1), {"--warmup", std::to_string(kLines + 1)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.json)["_provenance"]["warmup"], kLines + 1);
  const std::string again = temp_dir() + "/again.json";
  std::string old = temp_dir() + "/old.json";
  std::ofstream(old) << r.json;
  auto rerun = run_cli({"run", "--from-stats", old, "--stats", again, "--quiet"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  std::ifstream f(again);
  auto a = nlohmann::json::parse(r.json), b = nlohmann::json::parse(f);
  a.erase("_provenance"), b.erase("_provenance");
  EXPECT_EQ(a, b);
  auto both = run_cli({"run", "--from-stats", old, "--warmup", "3"});
  EXPECT_EQ(both.exit_code, 2);
}

TEST(WarmupRoi, BadInputIsOneClearMessage) {
  for (const char* bad : {"-1", "abc"}) {
    auto r = simulate(kYaml, half_trace(1), {"--warmup", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--warmup " + std::string(bad) + ": give a whole number"), std::string::npos) << r.err;
  }
  auto longer = simulate(kYaml, half_trace(1), {"--warmup", "1000"});
  EXPECT_EQ(longer.exit_code, 1);
  EXPECT_NE(longer.err.find("--warmup 1000: the trace ended before every thread had retired that many operations "
                            "(thread 0 retired 97 operations)"),
            std::string::npos)
      << longer.err;
  struct Case {
    const char* trace;
    const char* where;
    const char* what;
  } cases[] = {
      {"thread 0\n  load 0\n  roi sideways\n", ":3:7: ", "roi: expected `begin` or `end`, not 'sideways'"},
      {"thread 0\n  load 0\n  roi end\n", ":3:3: ", "`roi end` without a `roi begin` before it in thread 0"},
      {"thread 0\n  roi begin\n  roi begin\n", ":3:3: ", "a second `roi begin` in thread 0 (the first is at line 2)"},
      {"thread 0\n  roi\n", ":2:6: ", "roi: missing `begin` or `end`"},
      {"thread 0\n  roi.4 begin\n", ":2:6: ", "'roi' takes no access size suffix"},
      {"thread 0\n  roi begin now\n", ":2:13: ", "unexpected 'now' after `roi begin`"},
  };
  for (const Case& c : cases) {
    auto r = simulate(kYaml, c.trace);
    EXPECT_EQ(r.exit_code, 1) << c.trace;
    EXPECT_NE(r.err.find(std::string(c.where) + c.what), std::string::npos) << r.err;
  }
}

TEST(WarmupRoi, MarkersSurviveTheBinaryFormatAndLowerToNothing) {
  const std::string text = write_temp("m.trace", half_trace(2, "  roi begin\n", "  roi end\n"));
  const std::string bin = temp_dir() + "/m.bin", back = temp_dir() + "/m2.trace";
  ASSERT_EQ(run_cli({"trace", "convert", text, bin}).exit_code, 0);
  ASSERT_EQ(run_cli({"trace", "convert", bin, back}).exit_code, 0);
  std::ifstream f(back);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("  roi begin\n"), std::string::npos);
  EXPECT_NE(all.find("  roi end\n"), std::string::npos);
  // the binary trace runs to the same statistics as the text one
  const std::string cfg = write_temp("m.yaml", kYaml), s1 = temp_dir() + "/s1.json", s2 = temp_dir() + "/s2.json";
  ASSERT_EQ(run_cli({"run", cfg, "--trace", text, "--stats", s1, "-q"}).exit_code, 0);
  ASSERT_EQ(run_cli({"run", cfg, "--trace", bin, "--stats", s2, "-q"}).exit_code, 0);
  std::ifstream a(s1), b(s2);
  auto ja = nlohmann::json::parse(a), jb = nlohmann::json::parse(b);
  ja.erase("_provenance"), jb.erase("_provenance");
  EXPECT_EQ(ja, jb);
  EXPECT_EQ(ja["core0.l1d.misses"], 0);
  // `cohsim lower`: no instruction, no operation
  for (const char* isa : {"x86", "arm", "riscv"}) {
    auto l = run_cli({"lower", text, "--isa", isa});
    ASSERT_EQ(l.exit_code, 0) << l.err;
    EXPECT_NE(l.out.find("roi begin                                 (no instruction: statistics reset)"),
              std::string::npos)
        << l.out;
    EXPECT_NE(l.out.find("operations           " + std::to_string(2 * (2 * kLines + 1))), std::string::npos)
        << l.out;
  }
}

}  // namespace
