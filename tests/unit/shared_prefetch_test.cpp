// The L3's prefetchers (l3.prefetcher: SharedCache::set_prefetchers) on the shared
// cache alone, driven with line reads and writes as the fabric would: hand-counted
// next-line prefetching on a sequential stream (timely and late), the rule that a
// prefetch leaves one MSHR for demand, and the race the shared level must survive: a
// writeback of a line whose prefetch read is still outstanding in memory is never
// overwritten by that prefetch's fill.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "coherence/shared_cache.hpp"
#include "sim/memory/memory_level.hpp"

namespace cohsim {
namespace {

constexpr unsigned kLine = 64;

struct Ignore final : MemoryWaiter {
  void memory_ready(std::uint64_t, Tick) override {}
};

std::vector<std::uint8_t> pattern(std::uint64_t v) {
  std::vector<std::uint8_t> d(kLine);
  for (unsigned i = 0; i < kLine; ++i) d[i] = std::uint8_t(v * 31 + i);
  return d;
}

// Memory whose reads are answered when the test says so (values move at the call, as
// MemoryLevel requires), counting its reads.
struct HeldMemory final : MemoryLevel {
  std::map<LineAddr, std::vector<std::uint8_t>> data;
  struct Pending {
    MemoryWaiter* w;
    std::uint64_t tag;
  };
  std::vector<Pending> pending;
  std::uint64_t reads = 0, writes = 0;
  Tick latency = 0;  // 0: held until answer_all; else answered at once, `latency` later
  std::vector<std::uint8_t> line(LineAddr l) const {
    auto it = data.find(l);
    return it == data.end() ? std::vector<std::uint8_t>(kLine, 0) : it->second;
  }
  void read_line(Tick t, LineAddr l, std::uint8_t* out, MemoryWaiter* w, std::uint64_t tag, std::uint32_t) override {
    ++reads;
    const std::vector<std::uint8_t> d = line(l);
    std::memcpy(out, d.data(), kLine);
    if (latency) w->memory_ready(tag, t + latency);
    else pending.push_back({w, tag});
  }
  void write_line(Tick, LineAddr l, const std::uint8_t* in, std::uint32_t) override {
    ++writes;
    data[l].assign(in, in + kLine);
  }
  void peek_line(LineAddr l, std::uint8_t* out) const override {
    const std::vector<std::uint8_t> d = line(l);
    std::memcpy(out, d.data(), kLine);
  }
  void answer_all(Tick t) {
    std::vector<Pending> p;
    p.swap(pending);
    for (const Pending& x : p) x.w->memory_ready(x.tag, t);
  }
};

// A 64-line, 8-way L3 with `mshrs` MSHRs and no banks, 10 ticks of lookup.
struct L3 {
  HeldMemory mem;
  SharedCache cache;
  Stats stats;
  explicit L3(unsigned mshrs, const std::string& prefetcher = "next_line")
      : cache({64 * kLine, 8, kLine}, "lru", 1, 10, true, true, &mem, SharedCacheResources{0, 0, mshrs, 1}) {
    PrefetcherParams pp;
    pp.degree = 1;
    cache.set_prefetchers(prefetcher, pp);
    cache.register_stats(stats, "l3");
  }
  std::uint64_t get(const char* k) const { return stats.get(std::string("l3.") + k); }
};

// Reads of lines 0..15 (one page), each long after the last has been answered: without
// a prefetcher 16 misses and 16 memory reads. With next_line: line 0 misses and
// prefetches line 1; every later read hits a prefetched line (a prefetched hit, which
// trains next_line like a miss) and prefetches the next, the last one line 16 that no
// read asks for: 1 miss, 15 hits, 16 prefetches of which 15 useful, 17 memory reads.
TEST(L3Prefetch, NextLineOnATimelySequentialStreamLeavesOneMiss) {
  for (const char* pf : {"none", "next_line"}) {
    L3 l3(8, pf);
    l3.mem.latency = 1000;
    Ignore ig;
    std::uint8_t buf[kLine];
    for (LineAddr l = 0; l < 16; ++l) l3.cache.read_line(Tick(l) * 10000, l, buf, &ig, 0, 0);
    const bool on = std::string(pf) != "none";
    EXPECT_EQ(l3.get("read_misses"), on ? 1u : 16u) << pf;
    EXPECT_EQ(l3.get("read_hits"), on ? 15u : 0u) << pf;
    EXPECT_EQ(l3.mem.reads, on ? 17u : 16u) << pf;
    EXPECT_EQ(l3.stats.has("l3.prefetches_issued"), on) << pf;  // counted only where prefetching is on
    if (!on) continue;
    EXPECT_EQ(l3.get("prefetches_issued"), 16u);
    EXPECT_EQ(l3.get("prefetches_useful"), 15u);
    EXPECT_EQ(l3.get("prefetches_late"), 0u);
    EXPECT_EQ(l3.get("prefetches_useless"), 0u);
    EXPECT_EQ(l3.get("prefetches_dropped"), 0u);
    EXPECT_TRUE(l3.cache.holds(16));
  }
}

// The same stream read back to back (read i at tick i, memory 1000 ticks away) with 16
// MSHRs: read i merges into the prefetch read i-1 issued (late) and prefetches line i+1
// while two MSHRs are free. After read i, lines 0 (demand) and 1..i+1 (prefetches) hold
// i+2 MSHRs, so read 13 issues the last prefetch (line 14: 15 in use); read 14 merges
// into it and its proposal (line 15) is dropped with one MSHR free; read 15 is a demand
// miss that takes that last MSHR, its proposal (16) dropped with none free. So: 14
// prefetches, 14 late, 2 dropped, 16 read misses of which 14 merged, and 2 + 14 = 16
// memory reads.
TEST(L3Prefetch, BackToBackStreamIsLateAndKeepsAnMshrForDemand) {
  L3 l3(16);
  l3.mem.latency = 1000;
  Ignore ig;
  std::uint8_t buf[kLine];
  for (LineAddr l = 0; l < 16; ++l) l3.cache.read_line(Tick(l), l, buf, &ig, 0, 0);
  EXPECT_EQ(l3.get("prefetches_issued"), 14u);
  EXPECT_EQ(l3.get("prefetches_late"), 14u);
  EXPECT_EQ(l3.get("prefetches_dropped"), 2u);
  EXPECT_EQ(l3.get("prefetches_useful"), 0u);
  EXPECT_EQ(l3.get("read_misses"), 16u);
  EXPECT_EQ(l3.get("mshr_merges"), 14u);
  EXPECT_EQ(l3.get("mshr_max_in_use"), 16u);
  EXPECT_EQ(l3.mem.reads, 16u);
  // accuracy (14 late of 14), coverage 14 / (14 + 2 primary misses)
  EXPECT_DOUBLE_EQ(l3.stats.values().at("l3.prefetch_accuracy"), 1.0);
  EXPECT_DOUBLE_EQ(l3.stats.values().at("l3.prefetch_coverage"), 14.0 / 16.0);
}

// The race: line 1's prefetch read is outstanding in memory (old value A) when the
// fabric writes line 1 (value B: a writeback, newer than memory). When memory answers,
// the L3 must still hold B; a later read returns B, and B reaches memory on eviction.
TEST(L3Prefetch, AWritebackDuringAnOutstandingPrefetchIsNotOverwrittenByItsFill) {
  L3 l3(8);
  const std::vector<std::uint8_t> a = pattern(1), b = pattern(2);
  l3.mem.data[1] = a;
  Ignore ig;
  std::uint8_t buf[kLine];
  l3.cache.read_line(0, 0, buf, &ig, 0, 0);  // miss on 0, prefetch of 1: both held in memory
  ASSERT_EQ(l3.get("prefetches_issued"), 1u);
  ASSERT_EQ(l3.mem.pending.size(), 2u);
  l3.cache.write_line(50, 1, b.data(), 0);  // the writeback arrives first
  l3.mem.answer_all(1000);                  // then the prefetch's data
  EXPECT_EQ(l3.mem.data[1], a);             // write-back L3: memory not written yet
  l3.cache.read_line(2000, 1, buf, &ig, 0, 0);
  EXPECT_EQ(std::vector<std::uint8_t>(buf, buf + kLine), b);
  l3.cache.peek_line(1, buf);
  EXPECT_EQ(std::vector<std::uint8_t>(buf, buf + kLine), b);
}

// The same race when the prefetched line has already left the L3 before the writeback
// (evicted by 8 other lines of its set): the writeback allocates it again; a read that
// then merges into the still-outstanding prefetch gets B, not the prefetch's A.
TEST(L3Prefetch, AWritebackOfAPrefetchedLineEvictedBeforeItsDataArrivesWins) {
  L3 l3(16, "next_line");
  const std::vector<std::uint8_t> a = pattern(1), b = pattern(2);
  l3.mem.data[1] = a;
  Ignore ig;
  std::uint8_t buf[kLine];
  l3.cache.read_line(0, 0, buf, &ig, 0, 0);  // prefetch of 1 outstanding
  // 8 sets: lines 9, 17, ..., 65 share line 1's set; reading them evicts it (their
  // own prefetches go to other sets or are dropped, any is fine).
  for (LineAddr l = 9; l <= 65; l += 8) l3.cache.write_line(100, l, pattern(l).data(), 0);
  ASSERT_FALSE(l3.cache.holds(1));
  EXPECT_EQ(l3.get("prefetches_useless"), 1u);
  l3.cache.write_line(200, 1, b.data(), 0);
  l3.cache.read_line(300, 1, buf, &ig, 0, 0);  // merges into the outstanding prefetch
  EXPECT_EQ(std::vector<std::uint8_t>(buf, buf + kLine), b);
  l3.mem.answer_all(1000);
  l3.cache.read_line(2000, 1, buf, &ig, 0, 0);
  EXPECT_EQ(std::vector<std::uint8_t>(buf, buf + kLine), b);
}

}  // namespace
}  // namespace cohsim
