// A random trace for the stress tester (`cohsim stress`): every thread issues
// random loads, stores, read-modify-writes and fences on a few contended lines,
// with random gaps, generated on the fly (bounded memory for any length).
//
// The generator can be steered while the run goes (RandomSteering): besides the
// plain mix it knows a few access patterns that put lines into the states rare
// table cells need (a second access to a line whose miss is still in flight, a burst
// of misses that fills the MSHRs, accesses that thrash one cache set, every core on
// one hot line, long gaps, a core's own access retried while its earlier request on the
// line is half done). The stress tester watches which protocol-table cells are
// still unhit and sets how often each pattern is chosen (sim/system/stress.cpp).
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <vector>

#include "cpu/trace/trace.hpp"

namespace cohsim {

enum class RandomPattern : std::uint8_t {
  PairSameLine,  // two accesses to one line, no gap: the second meets the first's miss in flight
  MissBurst,     // misses to cold lines (MSHRs fill up), then a store and a load to one line
  SetThrash,     // several lines of one cache set in a row: evictions while lines are transient
  HotLine,       // every thread on the epoch's hot line: requests race on the fabric
  LongGap,       // a long compute gap, then one access: transactions finish alone
  Retry,         // on the hot line: a load, a cold miss, a store, an access to the line sharing
                 // its wake-up bucket, another store: the second store is retried in whatever
                 // transient state the first one's request has reached when the other line's
                 // data comes
  StalePut,      // the slow thread (RandomSteering::slow): a store to the hot line, then
                 // stores to two lines of its set (the hot line is evicted: a PutM whose
                 // request the bus holds back); every other thread waits until the slow
                 // one has made its evicting stores, computes up to a few times the slow
                 // thread's jitter, and by its distance from the slow one stores (or loads
                 // then stores), loads, or stores the hot line (an upgrade or GetM, a
                 // GetS, a GetM ordered while the writeback waits: a stale PutM meets them
                 // in their data-wait states).
                 // With RandomSteering::drop_shared (a directory whose home's copy of an
                 // old owner's data is slowed): every thread stores (the slow one) or
                 // loads the hot line, computes a little, evicts it (two loads of lines
                 // of its set) and accesses it again: the sharers leave, and new
                 // requests come, while the home still waits for the data
  kCount
};
constexpr int kRandomPatterns = int(RandomPattern::kCount);

// Shared by every thread's stream; updated by the steering component.
struct RandomSteering {
  // Per pattern, in 1/1024ths of the operations chosen; the rest is the plain mix.
  std::array<std::uint32_t, kRandomPatterns> weight{};
  std::uint64_t ops = 0;       // operations generated so far, by every stream
  std::uint64_t start = 1u << 16;  // the first `start` operations are the plain mix
  std::uint64_t period = 1u << 13; // `update` runs every `period` operations after that
  unsigned hot_line = 0;       // the HotLine pattern's line this epoch
  int solo = -1;               // >= 0: this epoch only that thread accesses memory (the others compute)
  int slow = -1;               // >= 0: this epoch that thread's requests are slowed (StalePut)
  bool drop_shared = false;    // StalePut's directory form (above)
  unsigned slow_cycles = 0;    // the slow thread's request jitter this epoch (the others' gaps)
  unsigned slow_response = 0;  // the data responses' jitter this epoch
  bool upgrade = false;        // StalePut on the bus: the first after the slow thread loads, then
                               // stores (an upgrade), and the others wait for its data too
  std::uint64_t evictions = 0; // StalePut: the slow thread's evicting stores generated so far
  // StalePut with a slow writeback path (bus.writeback_delay on the slow thread's core,
  // `slow_cycles` uncore cycles): the others' accesses are placed by signals instead of
  // gaps (below), in one of three variants: Upgrade (the first loads, the second loads
  // too so that the first holds S, the first stores: an upgrade waiting for its data,
  // then the third loads and the second stores), Evict (the first stores and evicts the
  // line, the second then loads it: exclusive from memory) or neither (the first stores,
  // the second loads, the third stores: IM_D_S, IM_D_SI, ...).
  bool writeback = false;
  bool evict = false;          // the Evict variant (`upgrade` is the Upgrade variant)
  bool late_store = false;     // ... Upgrade: in half the rounds the first stores late (SM_D_SI)
  std::uint64_t signals = 0;
  // Slow-Put turns (below) finished by the first thread (its loads done): in a turn that
  // recalls the line the slow thread starts its next turn once the first has finished.
  std::uint64_t turns = 0;
  // StalePut's directory form with a slow Put path (only the slow thread's Puts are
  // late, by a fixed delay): the slow thread reads or writes the hot line and evicts
  // it; then the first stores it, the second loads it (the home waits for the first
  // one's data: S_D), and both evict it (I_D, or MOESI's S after the owner's PutO),
  // before the slow thread's Put arrives.
  // > 0 (only with more than 8 threads): this epoch only the `group` threads that
  // `member` names run (the slow thread, in an epoch with one, is `lead`); the others
  // compute (`idle` cycles at a time) and stay off the bus, so that the many cores'
  // traffic does not drown a pattern's timed sequence. 0: every thread runs.
  unsigned group = 0;
  unsigned lead = 0;
  unsigned idle = 0;
  // Per thread: its place in this epoch's group (0 = `lead`, then 1, 2, ...: StalePut's
  // roles, as the distance from the slow thread is without a group), or -1: idle.
  std::vector<int> member;
  // Per thread: the operations it has still to generate (the streams count them down), so
  // that the steering gives its groups to the threads with the most left: a thread that
  // ran many groups would otherwise finish its share early, and later groups that name it
  // would run short of a member.
  std::vector<std::uint64_t> left;
  bool home_put = false;
  bool put_store = false;  // ... the slow thread always stores the hot line (a PutM: its cells need one)
  bool own_lines = false;  // ... each role evicts the line with cold lines of its own (stale_home)
  // ... the others (not the first) wait this many more cycles before they evict the line,
  // so that the late Put finds it in S (MOESI: after the first's PutO), with a sharer
  // still there.
  unsigned leave_after = 0;
  // ... the first evicts the line with two cold lines of its directory set (home_set), so
  // that their requests recall it from the others, and at a time set by the late Put:
  // its second request reaches the home about `put_ticks` (the Put delay) after the
  // slow thread's Put left (put_sent), less a lead drawn up to `recall_lead` ticks; the
  // recall (S_R) then waits for the sharers' acknowledgements when the late PutM comes
  // (S_R, Put-NonOwner).
  bool recall = false;
  // ... the first keeps the line it stored (no eviction) and the others stay off it: the
  // late PutM finds another cache owning it (E, M, Put-NonOwner).
  bool keep_owner = false;
  // ... (MOESI) the first keeps the line it stored while the others (the slow thread first,
  // with loads only) read it and leave, and stores it again in its next turn once they
  // have: its upgrade from O reaches a home that their PutS made E (E, GetM-Owner).
  bool owner_upgrade = false;
  std::uint64_t put_ticks = 0, recall_lead = 0;
  std::uint64_t core_period = 1, uncore_period = 1;  // ticks
  // On a sparse directory of two or more sets: per line number of the trace (its contended
  // lines and the patterns' cold lines, below lines + 32), the directory set its line
  // takes (coherence/directory.hpp, sparse_directory_set); empty otherwise. The slow-Put
  // turns evict the hot line with cold lines of another set, so that their requests do
  // not recall the hot line mid-turn (its entry is recalled only when a turn means it to
  // be: RandomSteering::recall).
  std::vector<std::uint8_t> home_set;
  // The present simulated tick (null: unknown), and the tick the slow thread's eviction
  // of this slow-Put turn was done (the fence after its second evicting store, whose fill
  // evicts the line: its late Put left then).
  std::function<std::uint64_t()> now;
  std::uint64_t put_sent = 0;
  // A thread of a signalled pattern (StalePut with a slow writeback or Put path) polls
  // for the signal it waits for every `poll` cycles, up to 128 times, then goes on
  // without it: 10, and in a slow-Put epoch a 128th of three times the Put delay, so
  // that a wait lasts through the slow thread's next round (whose first request waits
  // behind its late Put) without spending the epoch's operations on polls.
  unsigned poll = 10;
  std::function<void(RandomSteering&)> update;
};

struct RandomTraceParams {
  unsigned threads = 2;
  std::uint64_t ops_per_thread = 1000;
  unsigned lines = 8;  // distinct lines the threads fight over
  unsigned line_size = 64;
  std::uint64_t seed = 0;
  Addr base = 0x100000;
  // > 0 (the stress tester sets it when the cores have an L1I, l1i.size > 0): one op of
  // the plain mix in twenty that would be a compute gap is an instruction fetch of one
  // of `code_lines` code lines instead. The code lines follow every line the data
  // accesses can reach, laid out as those are (so in any cache of up to 64 sets they
  // share sets with the data lines), and no store, RMW or pattern ever touches them
  // (self-modifying code is refused).
  unsigned code_lines = 0;
  std::shared_ptr<RandomSteering> steering;  // null: the plain mix throughout
};

// The address of code line `k` of a random trace with these parameters.
Addr random_trace_code_addr(const RandomTraceParams& p, unsigned k);
// The address of line number `line` (a contended line below p.lines, a cold line above).
Addr random_trace_line_addr(const RandomTraceParams& p, unsigned line);

std::unique_ptr<Trace> make_random_trace(const RandomTraceParams& p);

}  // namespace cohsim
