// The DRAM controller engine, without SystemC: exact latencies computed by hand from
// the presets, every issued command replayed through an independent timing checker,
// bandwidth of sequential and random streams against the channel's peak, the
// schedulers compared, and requests for a line the controller already holds
// (read forwarding, read and write merging) counted by hand.
#include "sim/memory/dram/dram_controller.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "sim/memory/dram/address_mapping.hpp"
#include "tests/unit/dram_timing_checker.hpp"

namespace cohsim {
namespace {

using test::DramTimingChecker;

DramControllerParams params(const std::string& preset, PagePolicy page = PagePolicy::Open,
                            DramScheduler sched = DramScheduler::FrFcfs, bool refresh = false) {
  DramControllerParams p;
  p.timing = *find_dram_preset(preset);
  p.page_policy = page;
  p.scheduler = sched;
  p.refresh = refresh;
  p.log_commands = true;
  return p;
}

struct Req {
  std::uint64_t arrival, line;
  bool write;
};

struct RunResult {
  std::vector<std::uint64_t> done;  // per request index, the read's completion cycle
  std::uint64_t first_arrival = 0, last_done = 0, end = 0;
  std::uint64_t completions = 0;
  bool in_order = true;  // every channel handed its completions back in the order their data ended
};

// Feeds the requests (arrival order) and runs the controller dry.
RunResult run(DramController& c, const std::vector<Req>& reqs) {
  RunResult r;
  r.done.assign(reqs.size(), 0);
  r.first_arrival = reqs.empty() ? 0 : reqs.front().arrival;
  for (std::size_t i = 0; i < reqs.size(); ++i) c.enqueue(reqs[i].arrival, reqs[i].line, reqs[i].write, i);
  for (;;) {
    std::uint64_t w = c.next_wake();
    if (w == kDramNever) break;
    c.advance_to(w + 1);
    for (auto& ch : c.channels()) {
      std::uint64_t last = 0;
      while (ch.has_completion() && ch.front_completion().cycle <= w) {
        r.done[ch.front_completion().tag] = ch.front_completion().cycle;
        r.last_done = std::max(r.last_done, ch.front_completion().cycle);
        r.in_order = r.in_order && ch.front_completion().cycle >= last;
        last = ch.front_completion().cycle;
        ++r.completions;
        ch.pop_completion();
      }
    }
  }
  for (auto& ch : c.channels()) r.end = std::max(r.end, ch.now());
  return r;
}

std::uint64_t line_at(const DramController& c, unsigned bg, unsigned bank, std::uint32_t row, std::uint32_t col) {
  DramAddress a;
  a.bank_group = bg, a.bank = bank, a.row = row, a.column = col;
  return c.mapping().line_of(a);
}

// ---- Exact latencies -------------------------------------------------------------

TEST(DramLatency, Ddr4_3200ByHand) {
  // DDR4-3200AA: CL 22, tRCD 22, tRP 22, BL8 = 4 clocks of data.
  DramController c(params("DDR4-3200"));
  const std::vector<Req> reqs = {
      {1000, line_at(c, 1, 2, 7, 0), false},  // bank closed: tRCD + CL + burst = 22 + 22 + 4
      {2000, line_at(c, 1, 2, 7, 5), false},  // the row is open: CL + burst = 22 + 4
      {3000, line_at(c, 1, 2, 9, 0), false},  // another row open: tRP + tRCD + CL + burst = 22 + 22 + 22 + 4
  };
  RunResult r = run(c, reqs);
  EXPECT_EQ(r.done[0] - 1000, 48u);
  EXPECT_EQ(r.done[1] - 2000, 26u);
  EXPECT_EQ(r.done[2] - 3000, 70u);
  const auto& s = c.channels()[0].stats();
  EXPECT_EQ(s.row_misses, 1u);
  EXPECT_EQ(s.row_hits, 1u);
  EXPECT_EQ(s.row_conflicts, 1u);
}

TEST(DramLatency, EveryPresetFromItsParameters) {
  for (const auto& preset : dram_preset_names()) {
    SCOPED_TRACE(preset);
    DramController c(params(preset));
    const DramTiming& t = c.params().timing;
    const std::vector<Req> reqs = {{1000, line_at(c, 0, 1, 3, 0), false},
                                   {2000, line_at(c, 0, 1, 3, 1), false},
                                   {3000, line_at(c, 0, 1, 4, 0), false}};
    RunResult r = run(c, reqs);
    const std::uint64_t burst = t.burst_length / 2;
    EXPECT_EQ(r.done[0] - 1000, t.tRCD + t.CL + burst);
    EXPECT_EQ(r.done[1] - 2000, t.CL + burst);
    EXPECT_EQ(r.done[2] - 3000, t.tRP + t.tRCD + t.CL + burst);
  }
}

TEST(DramLatency, ClosedPagePolicyFindsTheBankClosed) {
  DramController c(params("DDR4-3200", PagePolicy::Closed));
  const std::vector<Req> reqs = {{1000, line_at(c, 1, 2, 7, 0), false},
                                 {2000, line_at(c, 1, 2, 7, 5), false},
                                 {3000, line_at(c, 1, 2, 9, 0), false}};
  RunResult r = run(c, reqs);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.done[i] - (1000 + 1000 * i), 48u) << i;  // tRCD + CL + burst
  EXPECT_EQ(c.channels()[0].stats().row_misses, 3u);
}

TEST(DramLatency, AdaptivePolicyClosesOnlyWhenNoQueuedRequestWantsTheRow) {
  DramController c(params("DDR4-3200", PagePolicy::Adaptive));
  // Two reads of one row together: the row stays open for the second; then it closes.
  const std::vector<Req> reqs = {{1000, line_at(c, 1, 2, 7, 0), false},
                                 {1000, line_at(c, 1, 2, 7, 1), false},
                                 {3000, line_at(c, 1, 2, 7, 2), false}};
  run(c, reqs);
  const auto& s = c.channels()[0].stats();
  EXPECT_EQ(s.row_misses, 2u);
  EXPECT_EQ(s.row_hits, 1u);
}

TEST(DramLatency, RefreshDelaysAReadArrivingWhenItIsDue) {
  auto p = params("DDR4-3200", PagePolicy::Open, DramScheduler::FrFcfs, true);
  DramController c(p);
  const DramTiming& t = p.timing;
  RunResult r = run(c, {{t.tREFI, line_at(c, 0, 0, 1, 0), false}});
  // The REF goes first at tREFI (every bank is closed); the ACT waits tRFC.
  EXPECT_EQ(r.done[0] - t.tREFI, t.tRFC + t.tRCD + t.CL + t.burst_length / 2);
  EXPECT_EQ(c.channels()[0].stats().refreshes, 1u);
  EXPECT_EQ(c.channels()[0].stats().refresh_stall_cycles, t.tRFC);
}

// ---- Every command legal ---------------------------------------------------------

std::vector<Req> random_stream(const DramController& c, unsigned n, unsigned seed, double write_share, double locality,
                               unsigned gap) {
  std::mt19937_64 rng(seed);
  std::vector<Req> v;
  std::uint64_t t = 0, line = 0;
  const std::uint64_t span = std::uint64_t(c.params().timing.rows) * c.params().timing.lines_per_row() *
                             c.params().timing.banks() * c.params().timing.ranks * c.params().channels;
  for (unsigned i = 0; i < n; ++i) {
    t += gap ? rng() % (2 * gap + 1) : 0;
    if (std::uniform_real_distribution<>(0, 1)(rng) < locality) line += 1 + rng() % 3;
    else line = rng() % span;
    v.push_back({t, line, std::uniform_real_distribution<>(0, 1)(rng) < write_share});
  }
  return v;
}

TEST(DramChecker, RandomStreamsObeyEveryTimingConstraint) {
  unsigned seed = 1;
  for (const auto& preset : dram_preset_names())
    for (auto sched : {DramScheduler::FrFcfs, DramScheduler::Fcfs})
      for (auto page : {PagePolicy::Open, PagePolicy::Closed, PagePolicy::Adaptive})
        for (unsigned ranks : {1u, 2u}) {
          auto p = params(preset, page, sched, true);
          p.timing.ranks = ranks;
          p.channels = 2;
          p.write_high = 12, p.write_low = 4;
          DramController c(p);
          for (unsigned gap : {0u, 6u}) {
            SCOPED_TRACE(preset + " ranks " + std::to_string(ranks) + " sched " + std::to_string(int(sched)) +
                         " page " + std::to_string(int(page)) + " gap " + std::to_string(gap));
            DramController c2(p);
            auto reqs = random_stream(c2, 3000, seed++, 0.3, 0.5, gap);
            RunResult r = run(c2, reqs);
            std::uint64_t reads = 0, writes = 0;
            for (auto& q : reqs) (q.write ? writes : reads)++;
            std::uint64_t got_r = 0, got_w = 0;
            for (auto& ch : c2.channels()) {
              got_r += ch.stats().reads + ch.stats().forwarded_reads + ch.stats().merged_reads;
              got_w += ch.stats().writes + ch.stats().merged_writes;
              EXPECT_EQ(DramTimingChecker(p.timing).check(ch.command_log(), ch.now(), true), "");
            }
            EXPECT_EQ(got_r, reads);
            EXPECT_EQ(got_w, writes);
            for (std::size_t i = 0; i < reqs.size(); ++i)
              if (!reqs[i].write) {
                ASSERT_GE(r.done[i], reqs[i].arrival + p.timing.CL + p.timing.burst_length / 2);
              }
          }
        }
}

TEST(DramChecker, CatchesACommandMovedOneCycleEarly) {
  // The checker is not vacuous: shifting any one RD a cycle earlier in a legal log of a
  // dense stream breaks some rule most of the time.
  auto p = params("DDR4-3200");
  DramController c(p);
  run(c, random_stream(c, 400, 7, 0.0, 0.7, 0));
  const auto& log = c.channels()[0].command_log();
  DramTimingChecker check(p.timing);
  ASSERT_EQ(check.check(log, c.channels()[0].now(), false), "");
  unsigned caught = 0, tried = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if ((log[i].cmd != DramCmd::RD && log[i].cmd != DramCmd::ACT) || log[i].cycle == 0) continue;
    auto bad = log;
    --bad[i].cycle;
    ++tried;
    caught += !check.check(bad, c.channels()[0].now(), false).empty();
  }
  std::printf("a command moved one cycle early: %u of %u caught\n", caught, tried);
  EXPECT_GT(tried, 100u);
  EXPECT_GT(caught * 10, tried * 9);  // at least 90%: the controller issues at the earliest legal cycle
}

// ---- Bandwidth -------------------------------------------------------------------

double bandwidth_share(DramController& c, const std::vector<Req>& reqs) {
  RunResult r = run(c, reqs);
  const DramTiming& t = c.params().timing;
  const double seconds = double(r.last_done - r.first_arrival) * double(t.tCK_ps) * 1e-12;
  const double bytes = double(reqs.size()) * t.burst_bytes();
  return bytes / seconds / (t.peak_bytes_per_second() * c.params().channels);
}

std::vector<Req> sequential(unsigned n) {
  std::vector<Req> v;
  for (unsigned i = 0; i < n; ++i) v.push_back({0, i, false});
  return v;
}

TEST(DramBandwidth, SequentialReadsSustainMostOfThePeak) {
  // One DDR4-3200 channel: peak 3200 MT/s x 8 B = 25.6 GB/s. Refresh on.
  auto p = params("DDR4-3200", PagePolicy::Open, DramScheduler::FrFcfs, true);
  p.log_commands = false;
  DramController c(p);
  EXPECT_DOUBLE_EQ(p.timing.peak_bytes_per_second(), 25.6e9);
  const double share = bandwidth_share(c, sequential(100000));
  std::printf("sequential reads, DDR4-3200, one channel: %.1f%% of the peak\n", 100 * share);
  EXPECT_GE(share, 0.85);
  EXPECT_LE(share, 1.0);
  EXPECT_GT(c.channels()[0].stats().refreshes, 0u);
}

TEST(DramBandwidth, RandomReadsFallFarBelowDominatedByConflicts) {
  auto p = params("DDR4-3200", PagePolicy::Open, DramScheduler::FrFcfs, true);
  p.log_commands = false;
  DramController seq(p), rnd(p);
  const double s = bandwidth_share(seq, sequential(50000));
  std::vector<Req> reqs;
  std::mt19937_64 rng(3);
  for (unsigned i = 0; i < 50000; ++i) reqs.push_back({0, rng() % (std::uint64_t(1) << 24), false});  // 1 GiB
  const double r = bandwidth_share(rnd, reqs);
  std::printf("random reads: %.1f%% of the peak (sequential %.1f%%)\n", 100 * r, 100 * s);
  EXPECT_LT(r, 0.6 * s);
  const auto& st = rnd.channels()[0].stats();
  EXPECT_GT(st.row_conflicts, 8 * st.row_hits);
  EXPECT_GT(st.row_conflicts, st.reads * 8 / 10);
}

TEST(DramBandwidth, FrFcfsBeatsFcfsOnAMixedStream) {
  // Two sequential streams and random reads interleaved: FR-FCFS serves the row hits
  // queued behind a conflict; FCFS waits for the conflict first.
  std::vector<Req> reqs;
  std::mt19937_64 rng(5);
  std::uint64_t a = 0, b = std::uint64_t(1) << 20;
  for (unsigned i = 0; i < 30000; ++i) {
    const unsigned k = unsigned(rng() % 4);
    const std::uint64_t line = k == 0 ? a++ : k == 1 ? b++ : rng() % (std::uint64_t(1) << 24);
    reqs.push_back({0, line, rng() % 4 == 0});
  }
  auto pf = params("DDR4-3200", PagePolicy::Open, DramScheduler::FrFcfs, true);
  auto pc = params("DDR4-3200", PagePolicy::Open, DramScheduler::Fcfs, true);
  pf.log_commands = pc.log_commands = false;
  DramController fr(pf), fc(pc);
  RunResult rf = run(fr, reqs), rc = run(fc, reqs);
  const auto mean = [](const DramController& c) { return c.channels()[0].stats().read_latency.mean(); };
  std::printf("mixed stream: FR-FCFS %llu cycles, mean read latency %.1f; FCFS %llu cycles, %.1f\n",
              (unsigned long long)rf.end, mean(fr), (unsigned long long)rc.end, mean(fc));
  EXPECT_LT(double(rf.end) * 1.15, double(rc.end));
  EXPECT_LT(mean(fr), mean(fc));
  EXPECT_GT(fr.channels()[0].stats().row_hits, fc.channels()[0].stats().row_hits);
}

TEST(DramWrites, WritesDrainAtTheHighWatermarkAndReadsGoFirst) {
  auto p = params("DDR4-3200");
  p.write_high = 8, p.write_low = 2;
  DramController c(p);
  std::vector<Req> reqs;
  for (unsigned i = 0; i < 200; ++i) reqs.push_back({i * 40ull, (i * 7919ull) % 100000, i % 3 == 0});
  run(c, reqs);
  const auto& s = c.channels()[0].stats();
  EXPECT_EQ(s.writes, 67u);
  EXPECT_GT(s.write_drains, 1u);
  EXPECT_EQ(DramTimingChecker(p.timing).check(c.channels()[0].command_log(), c.channels()[0].now(), false), "");
}

// ---- Requests for a line the controller already holds -------------------------

struct Cmd {
  std::uint64_t cycle;
  DramCmd cmd;
};

std::vector<Cmd> commands(const DramChannel& ch) {
  std::vector<Cmd> v;
  for (const auto& r : ch.command_log()) v.push_back({r.cycle, r.cmd});
  return v;
}

MATCHER_P2(IsCmd, cycle, cmd, "") { return arg.cycle == std::uint64_t(cycle) && arg.cmd == cmd; }

unsigned count_of(const DramChannel& ch, DramCmd c) {
  unsigned n = 0;
  for (const auto& r : ch.command_log()) n += r.cmd == c;
  return n;
}

// Bank 2 of bank group 1: A and B in row 7, C in row 9. DDR4-3200: CL 22, tRCD 22,
// tRP 22, tRAS 52, tRTP 12, CWL 16, BL/2 4, tWR 24, tWTR_L 12; RD -> WR on the rank
// CL + BL/2 + 2 - CWL = 12.
std::vector<Req> same_line_stream(const DramController& c) {
  const std::uint64_t A = line_at(c, 1, 2, 7, 0), B = line_at(c, 1, 2, 7, 1), C = line_at(c, 1, 2, 9, 0);
  return {
      {1000, A, true},   // 0: queued
      {1000, A, false},  // 1: A has a queued write: answered from it at 1001
      {1000, A, true},   // 2: merged into write 0
      {1000, B, false},  // 3: queued; the bank is closed: ACT 1000, RD 1022, data ends 1048
      {1000, B, false},  // 4: merged with read 3: ends at 1048
      {1000, B, false},  // 5: merged with read 3: ends at 1048
                         //    no read left: write 0 drains, a row hit: WR at RD + 12 = 1034
      {2000, A, false},  // 6: write 0 is done: a row hit, RD 2000, ends 2026
      {2000, C, true},   // 7: queued behind read 6; then PRE at RD + tRTP = 2012, ACT 2034, WR 2056
      {2001, C, false},  // 8: write 7 still queued: answered at 2002
  };
}

TEST(DramSameLine, ForwardsAndMergesCountedByHand) {
  DramController c(params("DDR4-3200"));
  const auto reqs = same_line_stream(c);
  RunResult r = run(c, reqs);
  const DramChannel& ch = c.channels()[0];
  const auto& s = ch.stats();
  EXPECT_EQ(s.forwarded_reads, 2u);
  EXPECT_EQ(s.merged_reads, 2u);
  EXPECT_EQ(s.merged_writes, 1u);
  EXPECT_EQ(s.reads, 2u);   // RD commands: reads 3 and 6
  EXPECT_EQ(s.writes, 2u);  // WR commands: writes 0 and 7
  EXPECT_THAT(commands(ch), testing::ElementsAre(IsCmd(1000, DramCmd::ACT), IsCmd(1022, DramCmd::RD),
                                                 IsCmd(1034, DramCmd::WR), IsCmd(2000, DramCmd::RD),
                                                 IsCmd(2012, DramCmd::PRE), IsCmd(2034, DramCmd::ACT),
                                                 IsCmd(2056, DramCmd::WR)));
  EXPECT_EQ(r.done[1], 1001u);
  EXPECT_EQ(r.done[3], 1048u);
  EXPECT_EQ(r.done[4], 1048u);
  EXPECT_EQ(r.done[5], 1048u);
  EXPECT_EQ(r.done[6], 2026u);
  EXPECT_EQ(r.done[8], 2002u);
  EXPECT_EQ(r.completions, 6u);  // every read once
  EXPECT_TRUE(r.in_order);
  // Every read's latency is counted: 1 + 48 + 48 + 48 + 26 + 1.
  EXPECT_EQ(s.read_latency.count, 6u);
  EXPECT_EQ(s.read_latency.sum, 172u);
  // Requests are classified by the first command they needed: those served from the
  // queues needed none.
  EXPECT_EQ(s.row_misses, 1u);     // read 3
  EXPECT_EQ(s.row_hits, 2u);       // write 0, read 6
  EXPECT_EQ(s.row_conflicts, 1u);  // write 7
  EXPECT_EQ(DramTimingChecker(c.params().timing).check(ch.command_log(), ch.now(), false), "");
  EXPECT_TRUE(ch.idle());
}

TEST(DramSameLine, SwitchedOffEveryRequestHasItsOwnBurst) {
  // The same stream with the three off: 6 RDs and 3 WRs. Reads 1 and 3-5 share the row
  // the first ACT opens; write 7 and read 8 (row 9) need the one PRE and the second ACT.
  auto p = params("DDR4-3200");
  p.read_forwarding = p.read_merging = p.write_merging = false;
  DramController c(p);
  const auto reqs = same_line_stream(c);
  RunResult r = run(c, reqs);
  const DramChannel& ch = c.channels()[0];
  const auto& s = ch.stats();
  EXPECT_EQ(s.forwarded_reads + s.merged_reads + s.merged_writes, 0u);
  EXPECT_EQ(s.reads, 6u);
  EXPECT_EQ(s.writes, 3u);
  EXPECT_EQ(count_of(ch, DramCmd::RD), 6u);
  EXPECT_EQ(count_of(ch, DramCmd::WR), 3u);
  EXPECT_EQ(count_of(ch, DramCmd::ACT), 2u);
  EXPECT_EQ(count_of(ch, DramCmd::PRE), 1u);
  // Read 8 now waits for its row: PRE 2012, ACT 2034, RD 2056, data at 2082.
  EXPECT_EQ(r.done[8], 2082u);
  EXPECT_EQ(r.completions, 6u);
  EXPECT_EQ(DramTimingChecker(p.timing).check(ch.command_log(), ch.now(), false), "");
}

TEST(DramSameLine, EachSwitchAlone) {
  // Only read forwarding: reads 1 and 8 answered from the writes; reads 4 and 5 have RDs.
  auto p = params("DDR4-3200");
  p.read_merging = p.write_merging = false;
  {
    DramController c(p);
    run(c, same_line_stream(c));
    const auto& s = c.channels()[0].stats();
    EXPECT_EQ(s.forwarded_reads, 2u);
    EXPECT_EQ(s.merged_reads + s.merged_writes, 0u);
    EXPECT_EQ(s.reads, 4u);
    EXPECT_EQ(s.writes, 3u);
  }
  // Only write merging: write 2 folded into write 0; every read has its RD.
  p.write_merging = true, p.read_forwarding = false;
  {
    DramController c(p);
    run(c, same_line_stream(c));
    const auto& s = c.channels()[0].stats();
    EXPECT_EQ(s.merged_writes, 1u);
    EXPECT_EQ(s.forwarded_reads + s.merged_reads, 0u);
    EXPECT_EQ(s.reads, 6u);
    EXPECT_EQ(s.writes, 2u);
  }
  // Only read merging, forwarding off: read 1 sees write 0 queued and must not be
  // served by another read; reads 4 and 5 merge with read 3. Read 8 finds write 7
  // queued: its own RD.
  p.write_merging = false, p.read_merging = true;
  {
    DramController c(p);
    run(c, same_line_stream(c));
    const auto& s = c.channels()[0].stats();
    EXPECT_EQ(s.merged_reads, 2u);
    EXPECT_EQ(s.forwarded_reads + s.merged_writes, 0u);
    EXPECT_EQ(s.reads, 4u);
    EXPECT_EQ(s.writes, 3u);
  }
}

TEST(DramSameLine, AReadAfterAWriteIsNotMergedWithTheReadBeforeIt) {
  // R(A) queued, then W(A), then R(A): the second read takes the write's data (forwarded),
  // not the first read's.
  DramController c(params("DDR4-3200"));
  const std::uint64_t A = line_at(c, 0, 0, 3, 0);
  RunResult r = run(c, {{100, A, false}, {100, A, true}, {100, A, false}});
  const auto& s = c.channels()[0].stats();
  EXPECT_EQ(s.forwarded_reads, 1u);
  EXPECT_EQ(s.merged_reads, 0u);
  EXPECT_EQ(r.done[2], 101u);
  EXPECT_EQ(r.done[0], 100u + 22 + 22 + 4);  // tRCD + CL + burst
}

TEST(DramSameLine, ReadsOfFewLinesObeyTheTimingAndEveryRequestIsAccountedFor) {
  // Reads and writes over 48 lines in 3 banks, every request at cycle 0 or a few clocks
  // apart: most find their line queued. Every command stays legal, every read completes
  // once, and bursts + requests served from the queues = requests.
  for (unsigned gap : {0u, 3u, 20u})
    for (auto sched : {DramScheduler::FrFcfs, DramScheduler::Fcfs}) {
      SCOPED_TRACE("gap " + std::to_string(gap) + " sched " + std::to_string(int(sched)));
      auto p = params("DDR4-3200", PagePolicy::Open, sched, true);
      p.write_high = 12, p.write_low = 4;
      p.read_queue = 8;
      DramController c(p);
      std::mt19937_64 rng(11 + gap);
      std::vector<Req> reqs;
      std::uint64_t t = 0;
      for (unsigned i = 0; i < 4000; ++i) {
        t += gap ? rng() % (2 * gap + 1) : 0;
        const unsigned k = unsigned(rng() % 48);
        reqs.push_back({t, line_at(c, k % 3, 1, 5 + (k / 3) % 4, k / 12), rng() % 10 < 3});
      }
      RunResult r = run(c, reqs);
      const DramChannel& ch = c.channels()[0];
      const auto& s = ch.stats();
      std::uint64_t reads = 0, writes = 0;
      for (const auto& q : reqs) (q.write ? writes : reads)++;
      EXPECT_EQ(s.reads + s.forwarded_reads + s.merged_reads, reads);
      EXPECT_EQ(s.writes + s.merged_writes, writes);
      EXPECT_EQ(count_of(ch, DramCmd::RD), s.reads);
      EXPECT_EQ(count_of(ch, DramCmd::WR), s.writes);
      EXPECT_EQ(r.completions, reads);
      EXPECT_EQ(s.read_latency.count, reads);
      EXPECT_TRUE(r.in_order);
      EXPECT_GT(s.forwarded_reads, 0u);
      EXPECT_GT(s.merged_reads, 0u);
      EXPECT_GT(s.merged_writes, 0u);
      for (std::size_t i = 0; i < reqs.size(); ++i)
        if (!reqs[i].write) {
          ASSERT_GT(r.done[i], reqs[i].arrival) << i;
        }
      EXPECT_EQ(DramTimingChecker(p.timing).check(ch.command_log(), ch.now(), true), "");
      EXPECT_TRUE(ch.idle());
    }
}

// ---- Address mapping and parameters ------------------------------------------------

TEST(DramMapping, EverySchemeIsABijectionOnTheCapacity) {
  DramTiming t = *find_dram_preset("DDR4-3200");
  t.ranks = 2;
  for (const auto& s : AddressMapping::scheme_names()) {
    SCOPED_TRACE(s);
    AddressMapping m(s, t, 4);
    std::mt19937_64 rng(1);
    const std::uint64_t lines = std::uint64_t(4) * t.ranks * t.banks() * t.rows * t.lines_per_row();
    for (int i = 0; i < 10000; ++i) {
      const std::uint64_t line = rng() % lines;
      ASSERT_EQ(m.line_of(m.map(line)), line);
    }
  }
}

TEST(DramMapping, DefaultSchemeInterleavesChannelsThenBankGroups) {
  DramTiming t = *find_dram_preset("DDR4-3200");
  AddressMapping m("ro_ra_ba_co_bg_ch", t, 2);
  for (unsigned i = 0; i < 8; ++i) {
    DramAddress a = m.map(i);
    EXPECT_EQ(a.channel, i % 2);
    EXPECT_EQ(a.bank_group, (i / 2) % 4);
    EXPECT_EQ(a.column, i / 8);
  }
  AddressMapping same_bank("ro_ra_bg_ba_co_ch", t, 1);
  EXPECT_EQ(same_bank.map(5).bank_group, 0u);
  EXPECT_EQ(same_bank.map(5).column, 5u);
}

TEST(DramTimingParams, PresetsAreConsistentAndBadOverridesAreNamed) {
  for (const auto& p : dram_presets()) EXPECT_EQ(p.problems(), "") << p.name;
  DramTiming t = *find_dram_preset("DDR4-3200");
  t.tRC = 60;
  EXPECT_THAT(t.problems(), testing::HasSubstr("tRC (60) must be at least tRAS + tRP (74)"));
  t = *find_dram_preset("DDR4-3200");
  t.tCCD_S = 2;
  EXPECT_THAT(t.problems(), testing::HasSubstr("tCCD_S (2) must be at least the burst"));
  EXPECT_EQ(find_dram_preset("DDR4-3200")->peak_bytes_per_second(), 25.6e9);
  EXPECT_NEAR(find_dram_preset("DDR5-4800")->peak_bytes_per_second(), 19.2e9, 0.1e9);
}

}  // namespace
}  // namespace cohsim
