// The event log's MMU, DRAM and load-queue records (docs/event-log.md, schema 6) against
// hand counts and against the run's own statistics: N distinct pages touched give N dTLB
// misses and 2N walks (each first touch faults, then walks again); the DRAM commands of
// `--events-dram` are as many as the controller's ACT/PRE/RD/WR/REF counts; every load
// enters the load queue, binds and leaves it, in that order; logging changes no
// statistic; and every load, load-exclusive and RMW names the store it read (`rf`): by
// hand on small traces, and on random traces against the values of the stores it names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::RunResult;
using cohsim::test::simulate;
using cohsim::test::temp_dir;
using nlohmann::json;
using testing::HasSubstr;

namespace {

// The records of a log (the header dropped), checking every line is JSON and the
// records are in simulated-time order.
std::vector<json> records(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::vector<json> out;
  EXPECT_TRUE(std::getline(f, line)) << path;
  const json h = json::parse(line);
  EXPECT_EQ(h["schema"], 6);
  double last = -1;
  while (std::getline(f, line)) {
    out.push_back(json::parse(line));
    const double t = out.back()["time_ps"].get<double>();
    EXPECT_GE(t, last) << "record " << out.size() << " out of time order: " << line;
    last = t;
  }
  return out;
}

std::vector<json> of_kind(const std::vector<json>& rs, const std::string& kind) {
  std::vector<json> out;
  for (const json& r : rs)
    if (r["kind"] == kind) out.push_back(r);
  return out;
}

TEST(EventLogMmu, DistinctPagesGiveOneMissAndTwoWalksEach) {
  // Five pages, each touched twice (the second access hits the dTLB), 16-entry dTLB.
  const unsigned kPages = 5;
  std::ostringstream t;
  t << "thread 0\n";
  std::vector<unsigned> first_line;  // the trace line of each page's first access
  unsigned line = 1;
  for (unsigned rep = 0; rep < 2; ++rep)
    for (unsigned p = 0; p < kPages; ++p) {
      ++line;
      if (rep == 0) first_line.push_back(line);
      t << "load 0x" << std::hex << (0x10000000 + p * 0x3000 + 8 * rep) << std::dec << " -> r0\n";
    }
  const std::string dir = temp_dir(), log = dir + "/vm.jsonl";
  const RunResult r = simulate("cores: 1\nvm: {enabled: true}\ndtlb: {entries: 16, assoc: 4}\nstlb: {entries: 64, assoc: 4}\n",
                               t.str(), {"--events", log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> rs = records(log);
  const auto misses = of_kind(rs, "tlb_miss"), walks = of_kind(rs, "walk"), ends = of_kind(rs, "walk_end");
  ASSERT_EQ(misses.size(), kPages);
  EXPECT_EQ(walks.size(), 2 * kPages);
  EXPECT_EQ(ends.size(), 2 * kPages);
  // The same as the statistics.
  EXPECT_EQ(double(misses.size()), r.at("core0.dtlb.misses"));
  EXPECT_EQ(double(walks.size()), r.at("core0.mmu.walks"));
  unsigned faults = 0;
  for (const json& e : ends) faults += e.value("fault", false);
  EXPECT_EQ(faults, kPages);
  EXPECT_EQ(double(faults), r.at("core0.mmu.faults"));
  for (unsigned p = 0; p < kPages; ++p) {
    const json& m = misses[p];
    std::ostringstream va;
    va << "0x" << std::hex << (0x10000000 + p * 0x3000);
    EXPECT_EQ(m["agent"], "core0");
    EXPECT_EQ(m["addr"], va.str());
    EXPECT_EQ(m["stlb"], "miss");
    EXPECT_EQ(m["trace_line"], first_line[p]);  // tied to the access that missed
    // Its two walks: the first ends in a fault, the second maps the page.
    const json &w1 = walks[2 * p], &w2 = walks[2 * p + 1], &e1 = ends[2 * p], &e2 = ends[2 * p + 1];
    for (const json* w : {&w1, &w2, &e1, &e2}) {
      EXPECT_EQ((*w)["addr"], va.str());
      EXPECT_EQ((*w)["trace_line"], first_line[p]);
    }
    EXPECT_TRUE(e1.value("fault", false));
    EXPECT_FALSE(e2.contains("fault"));
    EXPECT_TRUE(e2.contains("pa"));
    EXPECT_LE(m["time_ps"].get<double>(), w1["time_ps"].get<double>());
    EXPECT_LE(w1["time_ps"].get<double>(), e1["time_ps"].get<double>());
    EXPECT_LT(e1["time_ps"].get<double>(), w2["time_ps"].get<double>());  // the fault's latency in between
    EXPECT_LE(w2["time_ps"].get<double>(), e2["time_ps"].get<double>());
    EXPECT_EQ(e2["core_cycles"].get<double>(),
              std::floor((e2["time_ps"].get<double>() - w2["time_ps"].get<double>()) / 333.333 + 1e-6))
        << "the walk's latency is the core cycles between its records";
  }
}

const char* kDram = "cores: 1\nmemory: {model: dram}\ndram: {preset: DDR4-3200}\nl2: null\nl3: null\n"
                    "l1d: {size: 4KiB, assoc: 2}\n";

// Loads and stores over many lines of a few rows of one bank (row conflicts: PRE), dirty
// lines evicted (WR), and a long compute (refreshes).
std::string dram_trace() {
  std::ostringstream t;
  t << "thread 0\n";
  for (unsigned i = 0; i < 96; ++i) {
    const std::uint64_t a = 0x100000 + std::uint64_t(i % 6) * 0x100000 + (i / 6) * 0x2000;
    if (i % 3 == 0) t << "store 0x" << std::hex << a << std::dec << " " << i << "\n";
    else t << "load 0x" << std::hex << a << std::dec << " -> r0\n";
  }
  t << "compute 60000\n";
  for (unsigned i = 0; i < 24; ++i) t << "load 0x" << std::hex << (0x900000 + i * 0x40) << std::dec << " -> r0\n";
  return t.str();
}

TEST(EventLogDram, CommandsAgreeWithTheControllersCounts) {
  const std::string dir = temp_dir(), log = dir + "/dram.jsonl";
  const RunResult r = simulate(kDram, dram_trace(), {"--events", log, "--events-dram"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> rs = records(log);
  std::map<std::string, double> n;
  for (const json& d : of_kind(rs, "dram")) {
    n[d["cmd"].get<std::string>()] += 1;
    EXPECT_EQ(d["agent"], "memory");
    // DDR4-3200: 625 ps a DRAM cycle, named for the DRAM's clock.
    EXPECT_EQ(d["dram_cycle"].get<double>() * 625, d["time_ps"].get<double>());
  }
  for (const char* c : {"ACT", "PRE", "RD", "WR", "REF"}) EXPECT_GT(n[c], 0) << c << ": the test would prove nothing";
  EXPECT_EQ(n["ACT"], r.at("memory.activates"));
  EXPECT_EQ(n["PRE"], r.at("memory.precharges"));
  EXPECT_EQ(n["REF"], r.at("memory.refreshes"));
  double reads = 0, writes = 0;
  for (const auto& [k, v] : r.stats) {
    if (k.rfind("memory.ch", 0) == 0 && k.size() > 6 && k.compare(k.size() - 6, 6, ".reads") == 0) reads += v;
    if (k.rfind("memory.ch", 0) == 0 && k.size() > 7 && k.compare(k.size() - 7, 7, ".writes") == 0) writes += v;
  }
  EXPECT_EQ(n["RD"], reads);
  EXPECT_EQ(n["WR"], writes);
  // An open row per bank, replayed: RD/WR only to the open row, ACT only to a closed bank.
  std::map<std::string, long> open;
  for (const json& d : of_kind(rs, "dram")) {
    const std::string cmd = d["cmd"];
    if (cmd == "REF") continue;
    const std::string bank = d["channel"].dump() + "/" + d["rank"].dump() + "/" + d["bank_group"].dump() + "/" +
                             d["bank"].dump();
    if (cmd == "ACT") {
      EXPECT_EQ(open.count(bank), 0u) << "ACT to an open bank " << bank;
      open[bank] = d["row"];
    } else if (cmd == "PRE") {
      open.erase(bank);
    } else {
      ASSERT_EQ(open.count(bank), 1u) << cmd << " to a closed bank " << bank;
      EXPECT_EQ(open[bank], d["row"].get<long>());
    }
  }
}

TEST(EventLogDram, LoggingChangesNoStatistic) {
  const std::string dir = temp_dir();
  const RunResult plain = simulate(kDram, dram_trace());
  const RunResult logged = simulate(kDram, dram_trace(), {"--events", dir + "/a.jsonl", "--events-dram"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(logged.exit_code, 0) << logged.err;
  EXPECT_EQ(plain.statistics_json(), logged.statistics_json());
}

// Each RD and WR names the line of the request it serves and, when a core's access
// caused it, that access's trace line and symbol; so do the ACT that opens its row and
// the PRE that closes another row for it. Counted by hand from the trace below (one
// core; 4 KiB 2-way L1D: 32 sets, so w, w2 and w3 share set 5; the three `place` lines
// come first):
//   line 5 `load a`: a miss (RD a, 5); line 6 `store b 5`: a miss (RD b, 6); line 7
//   `load a`: a hit; line 8 `store w 7`: a miss (RD w, 8), performed before the loads
//   after the fence (line 9); lines 10-11: misses (RD w2 10, w3 11), and w3's fill
//   evicts the dirty w (LRU): PutM, a WR of w with no trace_line (a writeback is no
//   access's).
// Under an L3 (the shared cache: its MSHRs pass the trace line below) the same reads
// reach DRAM and the writeback stops in the private L2.
const char* kDramTrace =
    "thread 0\n"
    "load a -> r0\n"
    "store b 5\n"
    "load a -> r1\n"
    "store w 7\n"
    "fence SeqCst\n"
    "load w2 -> r2\n"
    "load w3 -> r3\n"
    "compute 20000\n";
const char* kDramPlace = "place w 0x20140\nplace w2 0x20940\nplace w3 0x21140\n";  // set 5 of 32 (64 B lines)

struct Served {
  std::string line, symbol;
  long trace_line;  // 0: none
  bool operator<(const Served& o) const {
    return std::tie(line, symbol, trace_line) < std::tie(o.line, o.symbol, o.trace_line);
  }
  bool operator==(const Served& o) const { return !(*this < o) && !(o < *this); }
};
std::ostream& operator<<(std::ostream& o, const Served& s) {
  return o << "{" << s.line << " " << s.symbol << " " << s.trace_line << "}";
}

// The (line, symbol, trace_line) of every `cmd` record, in time order; checks that the
// ACT before a RD/WR of a closed bank and the PRE of a row conflict name the same request.
std::vector<Served> served(const std::vector<json>& rs, const std::string& cmd) {
  std::vector<Served> out;
  for (const json& d : of_kind(rs, "dram")) {
    if (d["cmd"] != cmd) continue;
    EXPECT_TRUE(d.contains("line")) << d.dump();
    out.push_back({d.value("line", ""), d.value("symbol", ""), d.value("trace_line", 0L)});
  }
  return out;
}

class EventLogDramTies : public testing::TestWithParam<const char*> {};

TEST_P(EventLogDramTies, EachColumnCommandNamesItsRequestAndTraceLine) {
  const std::string variant = GetParam();
  std::string cfg = "cores: 1\nmemory: {model: dram}\ndram: {preset: DDR4-3200}\nl1d: {size: 4KiB, assoc: 2}\n";
  const bool l3 = variant == "l3";
  if (!l3) cfg += "l2: null\nl3: null\n";
  if (variant == "directory") cfg += "coherence: {fabric: directory}\n";
  if (variant == "atomic") cfg += "bus: {transactions: atomic}\n";
  const std::string dir = temp_dir(), log = dir + "/dram.jsonl";
  const RunResult r = simulate(cfg, std::string(kDramPlace) + kDramTrace, {"--events", log, "--events-dram"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> rs = records(log);
  const std::vector<Served> reads = {{"0x10000", "a", 5}, {"0x10040", "b", 6}, {"0x20140", "w", 8},
                                     {"0x20940", "w2", 10}, {"0x21140", "w3", 11}};
  std::vector<Served> got = served(rs, "RD");
  std::sort(got.begin(), got.end());
  std::vector<Served> want = reads;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  const std::vector<Served> writes = served(rs, "WR");
  if (l3) EXPECT_TRUE(writes.empty());
  else EXPECT_EQ(writes, (std::vector<Served>{{"0x20140", "w", 0}}));
  // The ACTs and PREs: a line of a request that has (or will have) a column command.
  std::set<std::string> lines;
  for (const Served& s : reads) lines.insert(s.line);
  for (const Served& s : writes) lines.insert(s.line);
  for (const json& d : of_kind(rs, "dram")) {
    const std::string cmd = d["cmd"];
    if (cmd == "REF") {
      EXPECT_FALSE(d.contains("line")) << d.dump();
      continue;
    }
    if (cmd == "PRE" && !d.contains("line")) continue;  // closes a bank for a refresh
    ASSERT_TRUE(d.contains("line")) << d.dump();
    EXPECT_EQ(lines.count(d["line"].get<std::string>()), 1u) << d.dump();
  }
  // Each RD/WR's ACT (the last ACT to its bank before it) opened its row for it.
  std::map<std::string, json> last_act;
  for (const json& d : of_kind(rs, "dram")) {
    if (d["cmd"] == "REF") continue;
    const std::string bank = d["channel"].dump() + "/" + d["rank"].dump() + "/" + d["bank_group"].dump() + "/" +
                             d["bank"].dump();
    if (d["cmd"] == "ACT") last_act[bank] = d;
    if (d["cmd"] == "RD" || d["cmd"] == "WR") {
      ASSERT_EQ(last_act.count(bank), 1u);
      EXPECT_EQ(last_act[bank]["row"], d["row"]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fabrics, EventLogDramTies, testing::Values("split", "atomic", "directory", "l3"),
                         [](const testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

// Memory's update in a request's transaction: core 1's load of x, which core 0 holds
// Modified (MSI), makes the owner supply the line and memory take a copy: that WR
// carries core 1's load's trace line (the directory: the owner's copy to the home, from
// the Fwd-GetS). Core 0's miss is the one RD (line 2); core 1's load (line 5) reads no DRAM.
TEST(EventLogDram, AnOwnersCopyToMemoryCarriesTheReadersTraceLine) {
  const char* trace =
      "thread 0\n"
      "store x 1\n"
      "thread 1\n"
      "compute 3000\n"
      "load x -> r0\n"
      "compute 20000\n";
  for (const char* fabric : {"bus", "directory"}) {
    const std::string cfg = std::string("cores: 2\nmemory: {model: dram}\ndram: {preset: DDR4-3200}\nl2: null\n"
                                        "l3: null\ncoherence: {protocol: msi, fabric: ") +
                            fabric + "}\n";
    const std::string dir = temp_dir(), log = dir + "/dram.jsonl";
    const RunResult r = simulate(cfg, trace, {"--events", log, "--events-dram"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::vector<json> rs = records(log);
    EXPECT_EQ(served(rs, "RD"), (std::vector<Served>{{"0x10000", "x", 2}})) << fabric;
    EXPECT_EQ(served(rs, "WR"), (std::vector<Served>{{"0x10000", "x", 5}})) << fabric;
  }
}

TEST(EventLogDram, NeedsALogAndDram) {
  const RunResult no_log = simulate(kDram, "thread 0\nload 0x100 -> r0\n", {"--events-dram"});
  EXPECT_NE(no_log.exit_code, 0);
  EXPECT_THAT(no_log.err, HasSubstr("--events-dram needs --events"));
  const RunResult fixed = simulate("cores: 1\n", "thread 0\nload 0x100 -> r0\n",
                                   {"--events", temp_dir() + "/x.jsonl", "--events-dram"});
  EXPECT_NE(fixed.exit_code, 0);
  EXPECT_THAT(fixed.err, HasSubstr("memory.model"));
}

TEST(EventLogLoadQueue, EveryLoadEntersBindsAndLeavesInOrder) {
  // Three loads that miss and one forwarded from the store buffer (it never enters the
  // load queue).
  const std::string dir = temp_dir(), log = dir + "/lq.jsonl";
  const RunResult r = simulate("cores: 1\n",
                               "thread 0\nload 0x1000 -> r0\nload 0x2000 -> r1\nstore 0x3000 7\nload 0x3000 -> r2\n"
                               "load 0x1008 -> r3\n",
                               {"--events", log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> rs = records(log);
  std::map<unsigned, std::vector<std::string>> steps;  // seq -> its records' kinds, in order
  unsigned forwarded = 0;
  for (const json& e : rs) {
    const std::string k = e["kind"];
    if (k == "load" && !e.contains("seq")) {
      EXPECT_EQ(e["from"], "store_buffer");
      EXPECT_EQ(e["value"], 7);
      ++forwarded;
    }
    if ((k == "load" && e.contains("seq")) || k == "load_issue" || k == "load_retire" || k == "load_squash")
      steps[e["seq"].get<unsigned>()].push_back(k);
  }
  EXPECT_EQ(forwarded, 1u);
  ASSERT_EQ(steps.size(), 3u);
  for (const auto& [seq, ks] : steps)
    EXPECT_EQ(ks, (std::vector<std::string>{"load_issue", "load", "load_retire"})) << "load " << seq;
  EXPECT_EQ(r.at("core0.loads"), 4);
}

// Which store each load read (`rf`), known by hand: core0 stores x (line 2) and reads it
// back from its own store buffer (line 3), reads z, which no store writes (line 4), and
// stores 4 bytes at w (line 5); core1, long after, reads x from the cache (core0's
// store, line 2) and 8 bytes at w (4 of core0's store at line 5, 4 initial).
class EventLogReadsFrom : public testing::TestWithParam<const char*> {};

TEST_P(EventLogReadsFrom, EachLoadNamesTheStoreItRead) {
  const std::string dir = temp_dir(), log = dir + "/rf.jsonl";
  const RunResult r = simulate(std::string("cores: 2\n") + GetParam(),
                               "thread 0\n"          // 1
                               "store x 1\n"         // 2
                               "load x -> r0\n"      // 3
                               "load z -> r1\n"      // 4
                               "store.4 w 5\n"       // 5
                               "thread 1\n"          // 6
                               "compute 5000\n"      // 7
                               "load x -> r0\n"      // 8
                               "load.8 w -> r1\n",   // 9
                               {"--events", log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<unsigned, json> loads;  // by trace line
  for (const json& e : of_kind(records(log), "load")) loads[e["trace_line"].get<unsigned>()] = e;
  ASSERT_EQ(loads.size(), 4u);
  const json core0_x = {{"agent", "core0"}, {"trace_line", 2}};
  EXPECT_EQ(loads[3]["from"], "store_buffer");
  EXPECT_EQ(loads[3]["value"], 1);
  EXPECT_EQ(loads[3]["rf"], core0_x) << loads[3];
  EXPECT_EQ(loads[4]["from"], "cache");
  EXPECT_EQ(loads[4]["rf"], "initial") << loads[4];
  EXPECT_EQ(loads[8]["agent"], "core1");
  EXPECT_EQ(loads[8]["from"], "cache");
  EXPECT_EQ(loads[8]["value"], 1);
  EXPECT_EQ(loads[8]["rf"], core0_x) << loads[8];
  EXPECT_EQ(loads[9]["value"], 5);
  EXPECT_EQ(loads[9]["rf"], json::parse(R"([{"offset": 0, "size": 4, "rf": {"agent": "core0", "trace_line": 5}},
                                            {"offset": 4, "size": 4, "rf": "initial"}])"))
      << loads[9];
}

INSTANTIATE_TEST_SUITE_P(Fabrics, EventLogReadsFrom,
                         testing::Values("coherence: {protocol: msi, fabric: bus}\n",
                                         "coherence: {protocol: mesi, fabric: directory}\n"));

// Which store each RMW read, known by hand: core0 stores x (line 2) and fetch_adds y,
// which no store wrote (line 3: reads initial 0, writes 2); core1, later, fetch_adds x
// (line 6: reads core0's store, 1 -> 11), then swaps x (line 7: reads its own RMW of
// line 6, 11 -> 7); core2, later still, compare-exchanges x from 7 to 9 (line 10: reads
// core1's swap: another core's RMW) and y from 5 to 1 (line 11: reads core0's RMW, 2,
// and fails, writing nothing), then loads x (line 12: reads the RMW of line 10).
// On every ISA lowering: x86's locked instructions, AArch64's LL/SC loops and LSE
// atomics, RISC-V's AMOs (and its lr.d/sc.d loop for compare_exchange). Each load-
// exclusive makes a load record (exclusive: true) at its RMW's trace line, naming the
// same store and value as the RMW record of its loop.
class EventLogReadsFromRmw : public testing::TestWithParam<std::tuple<const char*, const char*, int>> {};

TEST_P(EventLogReadsFromRmw, EachRmwNamesTheStoreItRead) {
  const auto [fabric, isa, ll_sc_lines] = GetParam();
  const std::string dir = temp_dir(), log = dir + "/rmw.jsonl";
  const RunResult r = simulate(std::string("cores: 3\n") + fabric + isa,
                               "thread 0\n"                                           // 1
                               "store x 1\n"                                          // 2
                               "fetch_add y 2 Relaxed -> r0\n"                        // 3
                               "thread 1\n"                                           // 4
                               "compute 3000\n"                                       // 5
                               "fetch_add x 10 Relaxed -> r0\n"                       // 6
                               "swap x 7 Relaxed -> r1\n"                             // 7
                               "thread 2\n"                                           // 8
                               "compute 6000\n"                                       // 9
                               "compare_exchange x 7 9 Relaxed Relaxed -> r0\n"       // 10
                               "compare_exchange y 5 1 Relaxed Relaxed -> r1\n"       // 11
                               "load x -> r2\n",                                      // 12
                               {"--events", log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> rs = records(log);
  std::map<unsigned, json> rmws, loads, lls;  // by trace line
  for (const json& e : of_kind(rs, "rmw")) {
    EXPECT_EQ(rmws.count(e["trace_line"].get<unsigned>()), 0u) << "two RMW records for one line: " << e;
    rmws[e["trace_line"].get<unsigned>()] = e;
  }
  unsigned exclusive = 0;
  for (const json& e : of_kind(rs, "load")) {
    const unsigned l = e["trace_line"].get<unsigned>();
    if (e.value("exclusive", false)) {
      ++exclusive;
      EXPECT_EQ(e["from"], "cache") << e;
      EXPECT_FALSE(e.contains("seq")) << "a load-exclusive does not enter the load queue: " << e;
      lls[l] = e;  // the last one of the line's loop (none retries here)
    } else {
      loads[l] = e;
    }
  }
  ASSERT_EQ(rmws.size(), 5u);
  const json core0_x = {{"agent", "core0"}, {"trace_line", 2}};
  const json core0_y = {{"agent", "core0"}, {"trace_line", 3}};
  const json core1_add = {{"agent", "core1"}, {"trace_line", 6}};
  const json core1_swap = {{"agent", "core1"}, {"trace_line", 7}};
  const json core2_cas = {{"agent", "core2"}, {"trace_line", 10}};
  const std::map<unsigned, std::tuple<json, unsigned, unsigned, bool>> want{
      // trace line: rf, value read, value written, wrote
      {3, {"initial", 0, 2, true}},   {6, {core0_x, 1, 11, true}}, {7, {core1_add, 11, 7, true}},
      {10, {core1_swap, 7, 9, true}}, {11, {core0_y, 2, 2, false}}};
  for (const auto& [line, w] : want) {
    const auto& [rf, value, written, wrote] = w;
    const json& e = rmws[line];
    EXPECT_EQ(e["rf"], rf) << e;
    EXPECT_EQ(e["value"], value) << e;
    EXPECT_EQ(e["wrote"], wrote) << e;
    if (wrote) EXPECT_EQ(e["written"], written) << e;
  }
  // The RMW's own write is the last writer of its bytes: the load of line 12 reads it.
  ASSERT_EQ(loads.count(12), 1u);
  EXPECT_EQ(loads[12]["value"], 9);
  EXPECT_EQ(loads[12]["rf"], core2_cas) << loads[12];
  // The load-exclusives: one per RMW lowered to an LL/SC loop, naming what the RMW read.
  EXPECT_EQ(exclusive, unsigned(ll_sc_lines));
  EXPECT_EQ(lls.size(), unsigned(ll_sc_lines));
  for (const auto& [line, ll] : lls) {
    ASSERT_EQ(rmws.count(line), 1u) << "a load-exclusive with no RMW: " << ll;
    EXPECT_EQ(ll["rf"], rmws[line]["rf"]) << ll;
    EXPECT_EQ(ll["value"], rmws[line]["value"]) << ll;
    EXPECT_EQ(ll["agent"], rmws[line]["agent"]) << ll;
    EXPECT_LE(ll["time_ps"].get<double>(), rmws[line]["time_ps"].get<double>()) << ll;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Isas, EventLogReadsFromRmw,
    testing::Values(std::make_tuple("coherence: {protocol: msi, fabric: bus}\n", "isa: x86\n", 0),
                    std::make_tuple("coherence: {protocol: mesi, fabric: directory}\n", "isa: x86\n", 0),
                    std::make_tuple("coherence: {protocol: msi, fabric: bus}\n", "isa: arm\n", 5),
                    std::make_tuple("coherence: {protocol: mesi, fabric: directory}\n", "isa: arm\n", 5),
                    std::make_tuple("coherence: {protocol: msi, fabric: bus}\n", "isa: arm\nlse: true\n", 0),
                    std::make_tuple("coherence: {protocol: moesi, fabric: bus}\n", "isa: riscv\n", 2),
                    std::make_tuple("coherence: {protocol: mesi, fabric: directory}\n", "isa: riscv\n", 2)),
    cohsim::test::ParamName{});

// LL/SC loops under contention: two cores fetch_add x 20 times each on AArch64 (ldxr;
// add; stxr; cbnz), or compare-exchange it from k to k + 1 for k = 0..19 each on RISC-V
// (lr.d; bne; sc.d; bnez: fetch_add is an AMO there). Every load-exclusive's record
// names an RMW performed before it whose written value is the value it read (or
// "initial" and 0); each RMW record names what its loop's last load-exclusive read.
class EventLogReadsFromLlSc : public testing::TestWithParam<std::tuple<const char*, const char*>> {};

TEST_P(EventLogReadsFromLlSc, EachLoadExclusiveNamesTheStoreItRead) {
  const auto [fabric, isa] = GetParam();
  const bool riscv = std::string(isa).find("riscv") != std::string::npos;
  std::ostringstream t;
  for (unsigned th = 0; th < 2; ++th) {
    t << "thread " << th << "\n";
    for (unsigned k = 0; k < 20; ++k) {
      if (riscv) t << "compare_exchange x " << k << " " << (k + 1) << " Relaxed Relaxed -> r0\n";
      else t << "fetch_add x 1 Relaxed -> r0\n";
    }
  }
  const std::string dir = temp_dir(), log = dir + "/llsc.jsonl";
  const RunResult r = simulate(std::string("cores: 2\n") + fabric + isa, t.str(), {"--events", log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> rs = records(log);
  std::map<std::pair<std::string, unsigned>, std::uint64_t> wrote;  // (agent, trace line) -> value written
  std::map<std::pair<std::string, unsigned>, json> last_ll;         // -> its latest load-exclusive
  auto at = [](const json& w) { return std::make_pair(w["agent"].get<std::string>(), w["trace_line"].get<unsigned>()); };
  unsigned lls = 0, rmws = 0, from_other = 0;
  for (const json& e : rs) {
    if (e["kind"] == "load" && e.value("exclusive", false)) {
      ++lls;
      const std::uint64_t v = e["value"].get<std::uint64_t>();
      if (e["rf"] == "initial") {
        EXPECT_EQ(v, 0u) << e;
      } else {
        ASSERT_TRUE(e["rf"].is_object()) << e;
        const auto w = wrote.find(at(e["rf"]));
        ASSERT_NE(w, wrote.end()) << "the load-exclusive names no RMW performed before it: " << e;
        EXPECT_EQ(w->second, v) << e;
        from_other += e["rf"]["agent"] != e["agent"];
      }
      last_ll[at(e)] = e;
    } else if (e["kind"] == "rmw") {
      ++rmws;
      const auto ll = last_ll.find(at(e));
      ASSERT_NE(ll, last_ll.end()) << "an RMW with no load-exclusive: " << e;
      EXPECT_EQ(e["rf"], ll->second["rf"]) << e;
      EXPECT_EQ(e["value"], ll->second["value"]) << e;
      if (e["wrote"] == true) wrote[at(e)] = e["written"].get<std::uint64_t>();
    }
  }
  EXPECT_EQ(rmws, 40u);
  EXPECT_GE(lls, rmws);
  EXPECT_GT(from_other, 5u);  // the two cores' RMWs interleave
  if (!riscv) EXPECT_EQ(wrote.size(), 40u);  // every fetch_add writes
  if (riscv) EXPECT_EQ(wrote.size(), 20u);   // one compare-exchange of each k succeeds
}

INSTANTIATE_TEST_SUITE_P(Isas, EventLogReadsFromLlSc,
                         testing::Combine(testing::Values("coherence: {protocol: msi, fabric: bus}\n",
                                                          "coherence: {protocol: mesi, fabric: directory}\n"),
                                          testing::Values("isa: arm\n", "isa: riscv\n")),
                         cohsim::test::ParamName{});

// Random mixed-size loads, stores and RMWs (fetch_add, compare_exchange) of 4 cores over
// two lines: every byte a load, load-exclusive or RMW read equals that byte of the store
// its `rf` names (the stores' values from their own records), or 0 for "initial". Every
// trace line runs once, so a writer names one store.
class EventLogReadsFromRandom : public testing::TestWithParam<const char*> {};

TEST_P(EventLogReadsFromRandom, EveryLoadReadsTheBytesOfTheStoresItNames) {
  std::ostringstream t;
  std::uint64_t rng = 12345;
  auto next = [&rng](unsigned n) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return unsigned((rng >> 33) % n);
  };
  unsigned line = 0;
  for (unsigned th = 0; th < 4; ++th) {
    t << "thread " << th << "\n", ++line;
    for (unsigned k = 0; k < 150; ++k, ++line) {
      const unsigned size = 1u << next(4), addr = 0x10000 + next(128 / size) * size, op = next(40);
      if (op < 20) t << "load." << size << " 0x" << std::hex << addr << std::dec << " -> r" << (k % 4) << "\n";
      else if (op < 36) t << "store." << size << " 0x" << std::hex << addr << std::dec << " " << (line % 250 + 1) << "\n";
      else if (op < 38) t << "fetch_add." << size << " 0x" << std::hex << addr << std::dec << " 1 Relaxed -> r0\n";
      else  // expects 0 (initial bytes: it writes) or 1..4 (a store's value: it may)
        t << "compare_exchange." << size << " 0x" << std::hex << addr << std::dec << " " << next(5) << " "
          << (line % 250 + 1) << " Relaxed Relaxed -> r1\n";
    }
  }
  const std::string dir = temp_dir(), log = dir + "/rfr.jsonl";
  const RunResult r = simulate(std::string("cores: 4\n") + GetParam(), t.str(), {"--events", log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // (agent, trace line) -> the bytes it wrote (address -> byte).
  std::map<std::pair<std::string, unsigned>, std::map<std::uint64_t, unsigned>> wrote;
  auto bytes = [](const json& e, std::uint64_t v) {
    std::map<std::uint64_t, unsigned> b;
    const std::uint64_t a = std::stoull(e["addr"].get<std::string>(), nullptr, 16);
    for (unsigned i = 0; i < e["size"].get<unsigned>(); ++i) b[a + i] = unsigned(v >> (8 * i)) & 0xff;
    return b;
  };
  auto writer = [](const json& e) { return std::make_pair(e["agent"].get<std::string>(), e["trace_line"].get<unsigned>()); };
  const std::vector<json> rs = records(log);
  for (const json& e : rs) {
    if (e["kind"] == "store_enter") wrote[writer(e)] = bytes(e, e["value"].get<std::uint64_t>());
    if (e["kind"] == "rmw" && e["wrote"] == true) wrote[writer(e)] = bytes(e, e["written"].get<std::uint64_t>());
  }
  unsigned checked = 0, from_other = 0, initial = 0, mixed = 0, forwarded = 0, rmws = 0, exclusive = 0;
  for (const json& e : rs) {
    if (e["kind"] != "load" && e["kind"] != "rmw") continue;
    rmws += e["kind"] == "rmw";
    exclusive += e.value("exclusive", false);
    const std::uint64_t a = std::stoull(e["addr"].get<std::string>(), nullptr, 16), v = e["value"].get<std::uint64_t>();
    const unsigned size = e["size"].get<unsigned>();
    std::vector<json> per_byte(size, e["rf"]);
    if (e["rf"].is_array()) {
      ++mixed;
      unsigned covered = 0;
      for (const json& p : e["rf"]) {
        for (unsigned i = 0; i < p["size"].get<unsigned>(); ++i) per_byte.at(p["offset"].get<unsigned>() + i) = p["rf"];
        covered += p["size"].get<unsigned>();
      }
      ASSERT_EQ(covered, size) << e;
    }
    forwarded += e.value("from", "") == "store_buffer";
    for (unsigned i = 0; i < size; ++i) {
      const unsigned byte = unsigned(v >> (8 * i)) & 0xff;
      if (per_byte[i] == "initial") {
        EXPECT_EQ(byte, 0u) << e;
        ++initial;
        continue;
      }
      ASSERT_TRUE(per_byte[i].is_object()) << e;
      const auto w = wrote.find(writer(per_byte[i]));
      ASSERT_NE(w, wrote.end()) << "no store at " << per_byte[i] << " for " << e;
      const auto b = w->second.find(a + i);
      ASSERT_NE(b, w->second.end()) << per_byte[i] << " did not write byte " << i << " of " << e;
      EXPECT_EQ(b->second, byte) << "byte " << i << " of " << e;
      from_other += per_byte[i]["agent"] != e["agent"];
      ++checked;
    }
  }
  // The trace exercises every case.
  EXPECT_GT(checked, 500u);
  EXPECT_GT(from_other, 50u);
  EXPECT_GT(initial, 10u);
  EXPECT_GT(mixed, 10u);
  EXPECT_GT(forwarded, 5u);
  EXPECT_GT(rmws, 40u);
  // AArch64 without LSE lowers every RMW to an LL/SC loop, RISC-V its compare_exchange.
  const std::string cfg = GetParam();
  if (cfg.find("isa: arm") != std::string::npos) EXPECT_GE(exclusive, rmws);
  else if (cfg.find("isa: riscv") != std::string::npos) EXPECT_GT(exclusive, 20u);
  else EXPECT_EQ(exclusive, 0u);
}

// MP+rlx on arm: a run that shows the relaxed outcome (r0 = 1, r1 = 0), replayed with
// its event log. Core1's load of y reads core0's store of y; its load of x reads the
// initial value (the runner's preamble, whose warm-up RMWs write x, is the initial state).
TEST(EventLogReadsFromLitmus, TheRelaxedOutcomeReadsTheInitialX) {
  const std::string test = COHSIM_SOURCE_DIR "/traces/litmus/MP+rlx.litmus";
  const RunResult runs = run_cli({"litmus", test, "--isa", "arm", "--runs", "200", "--jobs", "1", "--json"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  const json summary = json::parse(runs.out);
  ASSERT_TRUE(summary.contains("first_condition_run")) << runs.out;
  const std::string k = std::to_string(summary["first_condition_run"].get<unsigned>());
  const std::string dir = temp_dir(), log = dir + "/mp.jsonl";
  const RunResult r = run_cli({"litmus", test, "--isa", "arm", "--replay", k, "--events", log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("core1:r0=1 core1:r1=0"));
  std::ifstream f(log);
  std::string first;
  ASSERT_TRUE(std::getline(f, first));
  const json header = json::parse(first);
  const std::vector<json> loads = of_kind(records(log), "load");
  unsigned x = 0, y = 0, warm_up = 0;
  for (const json& e : loads) {
    if (e.value("exclusive", false)) {  // the preamble's warm-up RMWs (LL/SC on arm): the initial state
      EXPECT_EQ(e["rf"], "initial") << e;
      EXPECT_THAT(header["trace_text"][e["trace_line"].get<unsigned>() - 1].get<std::string>(),
                  HasSubstr("# litmus line 0")) << e;
      ++warm_up;
      continue;
    }
    if (e["agent"] != "core1") continue;
    if (e.value("symbol", "") == "y" && e["value"] == 1) {
      ++y;
      ASSERT_TRUE(e["rf"].is_object()) << e;
      EXPECT_EQ(e["rf"]["agent"], "core0") << e;
      const std::string store = header["trace_text"][e["rf"]["trace_line"].get<unsigned>() - 1];
      EXPECT_THAT(store, HasSubstr("store y 1 Relaxed")) << e;
    }
    if (e.value("symbol", "") == "x") {
      ++x;
      EXPECT_EQ(e["value"], 0) << e;
      EXPECT_EQ(e["rf"], "initial") << e;
    }
  }
  EXPECT_EQ(x, 1u);
  EXPECT_EQ(y, 1u);
  EXPECT_GE(warm_up, 1u);
}

INSTANTIATE_TEST_SUITE_P(Protocols, EventLogReadsFromRandom,
                         testing::Values("coherence: {protocol: msi, fabric: bus}\n",
                                         "coherence: {protocol: moesi, fabric: bus}\nbus: {transactions: atomic}\n",
                                         "coherence: {protocol: dragon, fabric: bus}\n",
                                         "coherence: {protocol: mesi, fabric: directory}\nisa: arm\n",
                                         "coherence: {protocol: mesi, fabric: bus}\nisa: riscv\n"));

}  // namespace
