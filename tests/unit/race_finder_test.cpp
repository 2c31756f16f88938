// The race finder as a plain class, fed synthetic AccessEvent sequences.
#include "cpu/races/race_finder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <utility>

using namespace cohsim;

namespace {

constexpr Addr X = 0x10000, Y = 0x10040;
constexpr Ordering P = Ordering::Plain, Rlx = Ordering::Relaxed, Acq = Ordering::Acquire, Rel = Ordering::Release,
                   AR = Ordering::AcqRel, SC = Ordering::SeqCst;

AccessEvent ev(AccessEvent::Kind k, int t, std::uint32_t line, Ordering o, Addr a = X, std::uint8_t size = 8) {
  AccessEvent e{};
  e.kind = k, e.thread = t, e.line = line, e.order = o, e.addr = a, e.size = size, e.wrote = true;
  return e;
}
AccessEvent ld(int t, std::uint32_t line, Addr a, Ordering o = P) { return ev(AccessEvent::Load, t, line, o, a); }
AccessEvent st(int t, std::uint32_t line, Addr a, Ordering o = P) { return ev(AccessEvent::Store, t, line, o, a); }
AccessEvent rmw(int t, std::uint32_t line, Addr a, Ordering o, bool wrote = true) {
  AccessEvent e = ev(AccessEvent::Rmw, t, line, o, a);
  e.wrote = wrote;
  return e;
}
AccessEvent fence(int t, std::uint32_t line, Ordering o) { return ev(AccessEvent::Fence, t, line, o, 0, 0); }

// The racy pairs as (line, line).
std::set<std::pair<std::uint32_t, std::uint32_t>> run(unsigned threads, const std::vector<AccessEvent>& evs) {
  RaceFinder f(threads);
  for (auto& e : evs) f.on_access(e);
  std::set<std::pair<std::uint32_t, std::uint32_t>> out;
  for (auto& r : f.races()) out.insert({r.a.line, r.b.line});
  return out;
}
using Pairs = std::set<std::pair<std::uint32_t, std::uint32_t>>;

TEST(RaceFinder, MessagePassingReleaseAcquireIsRaceFree) {
  EXPECT_EQ(run(2, {st(0, 1, X), st(0, 2, Y, Rel), ld(1, 3, Y, Acq), ld(1, 4, X)}), Pairs{});
  EXPECT_EQ(run(2, {st(0, 1, X), st(0, 2, Y, SC), ld(1, 3, Y, SC), ld(1, 4, X)}), Pairs{});
}

TEST(RaceFinder, MessagePassingRelaxedRaces) {
  EXPECT_EQ(run(2, {st(0, 1, X), st(0, 2, Y, Rlx), ld(1, 3, Y, Acq), ld(1, 4, X)}), (Pairs{{1, 4}}));
  EXPECT_EQ(run(2, {st(0, 1, X), st(0, 2, Y, Rel), ld(1, 3, Y, Rlx), ld(1, 4, X)}), (Pairs{{1, 4}}));
}

TEST(RaceFinder, AcquireThatReadsTheInitialValueSynchronizesWithNothing) {
  EXPECT_EQ(run(2, {ld(1, 3, Y, Acq), st(0, 1, X), st(0, 2, Y, Rel), ld(1, 4, X)}), (Pairs{{1, 4}}));
}

TEST(RaceFinder, FencesSynchronize) {
  // Release fence + Relaxed store; Relaxed load + Acquire fence.
  EXPECT_EQ(run(2, {st(0, 1, X), fence(0, 2, Rel), st(0, 3, Y, Rlx), ld(1, 4, Y, Rlx), fence(1, 5, Acq), ld(1, 6, X)}),
            Pairs{});
  // An access before the acquire fence is not covered by it.
  EXPECT_EQ(run(2, {st(0, 1, X), fence(0, 2, SC), st(0, 3, Y, Rlx), ld(1, 4, Y, Rlx), ld(1, 5, X), fence(1, 6, SC)}),
            (Pairs{{1, 5}}));
  // The fence publishes what came before it: a store after it is not covered, and a
  // Relaxed store before it publishes nothing.
  EXPECT_EQ(run(2, {fence(0, 1, Rel), st(0, 2, X), st(0, 3, Y, Rlx), ld(1, 4, Y, Acq), ld(1, 5, X)}), (Pairs{{2, 5}}));
  EXPECT_EQ(run(2, {st(0, 1, Y, Rlx), fence(0, 2, Rel), st(0, 3, X), ld(1, 4, Y, Acq), ld(1, 5, X)}), (Pairs{{3, 5}}));
}

TEST(RaceFinder, ReleaseSequenceContinuesThroughRmwsOnly) {
  // T0 store x; store y Release. T1 fetch_add y Relaxed. T2 load y Acquire; load x.
  EXPECT_EQ(run(3, {st(0, 1, X), st(0, 2, Y, Rel), rmw(1, 3, Y, Rlx), ld(2, 4, Y, Acq), ld(2, 5, X)}), Pairs{});
  EXPECT_EQ(run(3, {st(0, 1, X), st(0, 2, Y, Rel), st(1, 3, Y, Rlx), ld(2, 4, Y, Acq), ld(2, 5, X)}), (Pairs{{1, 5}}));
  // A failed compare_exchange writes nothing and does not break the sequence.
  EXPECT_EQ(run(3, {st(0, 1, X), st(0, 2, Y, Rel), rmw(1, 3, Y, Rlx, false), ld(2, 4, Y, Acq), ld(2, 5, X)}), Pairs{});
}

TEST(RaceFinder, AcquireRmwChainsTransitively) {
  // T0 -> T1 (AcqRel RMW) -> T2.
  EXPECT_EQ(run(3, {st(0, 1, X), st(0, 2, Y, Rel), rmw(1, 3, Y, AR), ld(2, 4, Y, Acq), ld(2, 5, X)}), Pairs{});
}

TEST(RaceFinder, AtomicsNeverRaceWithAtomicsAndReadsNeverWithReads) {
  EXPECT_EQ(run(2, {st(0, 1, X, Rlx), st(1, 2, X, Rlx), ld(0, 3, X, Rlx), rmw(1, 4, X, Rlx)}), Pairs{});
  EXPECT_EQ(run(2, {ld(0, 1, X), ld(1, 2, X)}), Pairs{});
  // Plain against atomic does race.
  EXPECT_EQ(run(2, {st(0, 1, X, Rlx), ld(1, 2, X)}), (Pairs{{1, 2}}));
  EXPECT_EQ(run(2, {ld(0, 1, X), rmw(1, 2, X, SC)}), (Pairs{{1, 2}}));
  // A failed compare_exchange is a read: against a plain read no race.
  EXPECT_EQ(run(2, {ld(0, 1, X), rmw(1, 2, X, SC, false)}), Pairs{});
}

TEST(RaceFinder, EveryRacyPairOnceSortedByLine) {
  RaceFinder f(2);
  for (auto e : {st(1, 10, X), st(0, 1, X), st(0, 2, X), ld(1, 11, X)}) f.on_access(e);
  auto r = f.races();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(std::make_pair(r[0].a.line, r[0].b.line), std::make_pair(1u, 10u));
  EXPECT_EQ(std::make_pair(r[1].a.line, r[1].b.line), std::make_pair(1u, 11u));
  EXPECT_EQ(std::make_pair(r[2].a.line, r[2].b.line), std::make_pair(2u, 10u));
  EXPECT_EQ(std::make_pair(r[3].a.line, r[3].b.line), std::make_pair(2u, 11u));
  EXPECT_EQ(r[0].a.what, "store");
  EXPECT_TRUE(r[0].a.write && r[0].b.write);
  EXPECT_FALSE(r[1].b.write);
}

TEST(RaceFinder, OverlappingBytesOfDifferentSizesConflict) {
  EXPECT_EQ(run(2, {ev(AccessEvent::Store, 0, 1, P, X + 4, 4), ev(AccessEvent::Load, 1, 2, P, X, 8)}), (Pairs{{1, 2}}));
  EXPECT_EQ(run(2, {ev(AccessEvent::Store, 0, 1, P, X + 4, 4), ev(AccessEvent::Load, 1, 2, P, X, 4)}), Pairs{});
  EXPECT_EQ(run(2, {ev(AccessEvent::Store, 0, 1, P, X + 1, 1), ev(AccessEvent::Load, 1, 2, P, X, 2)}), (Pairs{{1, 2}}));
}

TEST(RaceFinder, ForwardedLoadSynchronizesWithNothing) {
  // T1 stores y Release itself and reads it back forwarded: no edge from T0.
  AccessEvent f = ld(1, 4, Y, Acq);
  f.forwarded = true;
  EXPECT_EQ(run(2, {st(0, 1, X), st(0, 2, Y, Rel), f, ld(1, 5, X)}), (Pairs{{1, 5}}));
}

// With the program, events are placed by line: a store that leaves the store buffer
// after a later Acquire load does not get that load's clock.
TEST(RaceFinder, ProgramOrderNotArrivalOrderWithTheProgram) {
  std::vector<std::vector<ProgramOp>> prog(2);
  prog[0] = {{1, OpKind::Load, P, X, 8}, {2, OpKind::Store, Rel, Y, 8}};
  prog[1] = {{5, OpKind::Store, P, X, 8}, {6, OpKind::Load, Acq, Y, 8}};
  RaceFinder f(prog);
  // T1's Acquire load performs first (reads T0's release), its older store last.
  for (auto e : {ld(0, 1, X), st(0, 2, Y, Rel), ld(1, 6, Y, Acq), st(1, 5, X)}) f.on_access(e);
  auto r = f.races();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].a.line, 1u);
  EXPECT_EQ(r[0].b.line, 5u);
}

TEST(RaceFinder, FencesWithoutEventsComeFromTheProgram) {
  // x86 runs Release/Acquire fences as nothing: no Fence events.
  std::vector<std::vector<ProgramOp>> prog(2);
  prog[0] = {{1, OpKind::Store, P, X, 8}, {2, OpKind::Fence, Rel, 0, 0}, {3, OpKind::Store, Rlx, Y, 8}};
  prog[1] = {{4, OpKind::Load, Rlx, Y, 8}, {5, OpKind::Fence, Acq, 0, 0}, {6, OpKind::Load, P, X, 8}};
  RaceFinder f(prog);
  for (auto e : {st(0, 1, X), st(0, 3, Y, Rlx), ld(1, 4, Y, Rlx), ld(1, 6, X)}) f.on_access(e);
  EXPECT_TRUE(f.races().empty());
}

TEST(RaceFinder, HarnessOperationsOnLineZeroAreOutsideTheProgram) {
  std::vector<std::vector<ProgramOp>> prog(2);
  prog[0] = {{0, OpKind::Store, Rlx, X, 8}, {3, OpKind::Store, Rlx, Y, 8}};
  prog[1] = {{6, OpKind::Load, P, X, 8}};
  EXPECT_TRUE(RaceFinder::lines_place(prog));
  RaceFinder f(prog);
  for (auto e : {st(0, 0, X, Rlx), st(0, 3, Y, Rlx), ld(1, 6, X)}) f.on_access(e);
  EXPECT_TRUE(f.races().empty());
  prog[1].push_back({6, OpKind::Load, P, Y, 8});
  EXPECT_FALSE(RaceFinder::lines_place(prog));
}

TEST(RaceFinder, LimitTruncates) {
  RaceFinder f(2, 5);
  for (std::uint32_t i = 1; i <= 10; ++i) f.on_access(st(0, i, X));
  f.on_access(ld(1, 100, X));
  EXPECT_EQ(f.races().size(), 5u);
  EXPECT_TRUE(f.truncated());
}

TEST(RaceFinder, AMillionRaceFreeEventsGiveNoReport) {
  // 4 threads: private arrays, a Release/Acquire flag, a SeqCst counter. (Its speed
  // is measured by components_bench, not asserted here: a loaded machine is slow.)
  constexpr int kThreads = 4, kPer = 250000;
  RaceFinder f(kThreads);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPer; ++i)
    for (int t = 0; t < kThreads; ++t) {
      const std::uint32_t line = std::uint32_t(i + 1);
      switch (i % 5) {
        case 0: f.on_access(st(t, line, 0x100000 + Addr(t) * 0x100000 + Addr(i % 4096) * 8)); break;
        case 1: f.on_access(ld(t, line, 0x100000 + Addr(t) * 0x100000 + Addr(i % 4096) * 8)); break;
        case 2: f.on_access(rmw(t, line, X, SC)); break;
        case 3: f.on_access(st(t, line, Y + Addr(t) * 8, Rel)); break;
        default: f.on_access(ld(t, line, Y + Addr((t + 1) % kThreads) * 8, Acq)); break;
      }
    }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(f.events(), std::uint64_t(kThreads) * kPer);
  EXPECT_TRUE(f.races().empty());
  RecordProperty("seconds", std::to_string(s));
}

}  // namespace
