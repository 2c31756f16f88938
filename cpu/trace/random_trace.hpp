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
  std::function<void(RandomSteering&)> update;
};

struct RandomTraceParams {
  unsigned threads = 2;
  std::uint64_t ops_per_thread = 1000;
  unsigned lines = 8;  // distinct lines the threads fight over
  unsigned line_size = 64;
  std::uint64_t seed = 0;
  Addr base = 0x100000;
  std::shared_ptr<RandomSteering> steering;  // null: the plain mix throughout
};

std::unique_ptr<Trace> make_random_trace(const RandomTraceParams& p);

}  // namespace cohsim
