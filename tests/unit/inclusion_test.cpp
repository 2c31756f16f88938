// Inclusion policies of the shared levels (coherence/inclusion.hpp) on their own: a
// shared L2 above an exclusive L3 (its victim cache) above memory, driven with line
// reads and whole-line writes as the fabric would, against a reference model written
// differently: two LRU lists of line numbers. After every access the L2 and the L3
// hold exactly the model's lines (so their union is every line the model keeps, and
// no line is in both), and every read returns the last value written to its line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <list>
#include <map>
#include <vector>

#include "coherence/shared_cache.hpp"
#include "sim/base/random.hpp"
#include "sim/memory/memory_level.hpp"

namespace cohsim {
namespace {

constexpr unsigned kLine = 64;

struct Ignore final : MemoryWaiter {
  void memory_ready(std::uint64_t, Tick) override {}
};

// A fully associative LRU list (front: most recent).
struct LruList {
  std::size_t capacity;
  std::list<LineAddr> lines;
  bool has(LineAddr l) const { return std::find(lines.begin(), lines.end(), l) != lines.end(); }
  void remove(LineAddr l) { lines.remove(l); }
  // Inserts or refreshes l; returns the line pushed out, if any.
  bool put(LineAddr l, LineAddr& out) {
    const bool present = has(l);
    lines.remove(l);
    lines.push_front(l);
    if (present || lines.size() <= capacity) return false;
    out = lines.back();
    lines.pop_back();
    return true;
  }
};

// The reference: an L2 of `a` lines whose victims go to an L3 of `b` lines; an L3
// hit moves the line back up.
struct Reference {
  LruList l2, l3;
  void take(LineAddr x) {  // the L2 gets x (a read miss or a write miss)
    l3.remove(x);
    LineAddr v;
    if (l2.put(x, v)) {
      LineAddr w;
      l3.put(v, w);
    }
  }
  void access(LineAddr x) {
    if (l2.has(x)) {
      LineAddr unused;
      l2.put(x, unused);
    } else {
      take(x);
    }
  }
};

std::vector<std::uint8_t> pattern(std::uint64_t v) {
  std::vector<std::uint8_t> d(kLine);
  for (unsigned i = 0; i < kLine; ++i) d[i] = std::uint8_t(v * 31 + i);
  return d;
}

void run(unsigned l2_lines, unsigned l3_lines, unsigned footprint, std::uint64_t seed, bool l3_mshrs) {
  FixedLatencyMemory mem(kLine, 1000, 1e12);
  SharedCache l3({std::uint64_t(l3_lines) * kLine, l3_lines, kLine}, "lru", seed, 10, true, true, &mem,
                 l3_mshrs ? SharedCacheResources{4, 2, 8, 1} : SharedCacheResources{});
  SharedCache l2({std::uint64_t(l2_lines) * kLine, l2_lines, kLine}, "lru", seed, 5, true, true, &l3);
  l3.set_inclusion(Inclusion::Exclusive, nullptr);
  l2.set_victim_cache(&l3);
  Reference ref{{l2_lines, {}}, {l3_lines, {}}};
  std::map<LineAddr, std::uint64_t> value;  // the last value written to each line (0: never)
  Random rng(seed);
  Ignore ignore;
  std::vector<std::uint8_t> buf(kLine);
  Tick t = 0;
  unsigned moved_up = 0;
  for (int i = 0; i < 4000; ++i) {
    t += 100;
    const LineAddr x = 0x400 + rng.below(footprint);
    if (rng.below(4) == 0) {  // a whole-line write from above (a PutM)
      const std::uint64_t v = std::uint64_t(i) + 1;
      const std::vector<std::uint8_t> d = pattern(v);
      l2.write_line(t, x, d.data(), 0);
      value[x] = v;
      ref.access(x);
    } else {
      moved_up += !ref.l2.has(x) && ref.l3.has(x);
      l2.read_line(t, x, buf.data(), &ignore, 0, 0);
      const std::uint64_t v = value.count(x) ? value[x] : 0;
      if (v) ASSERT_EQ(buf, pattern(v)) << "line " << x << " at access " << i;
      else ASSERT_EQ(buf, std::vector<std::uint8_t>(kLine, 0)) << "line " << x << " at access " << i;
      ref.access(x);
    }
    for (unsigned k = 0; k < footprint; ++k) {
      const LineAddr y = 0x400 + k;
      ASSERT_EQ(l2.holds(y), ref.l2.has(y)) << "L2, line " << y << " after access " << i;
      ASSERT_EQ(l3.holds(y), ref.l3.has(y)) << "L3, line " << y << " after access " << i;
      ASSERT_FALSE(l2.holds(y) && l3.holds(y)) << "line " << y << " in both after access " << i;
    }
  }
  // The footprint is larger than the L2: lines went down and came back up.
  Stats s;
  l3.register_stats(s, "l3");
  EXPECT_GT(moved_up, 100u);
  EXPECT_EQ(s.get("l3.moved_up"), moved_up);
  if (!l3_mshrs) EXPECT_EQ(s.get("l3.hits"), moved_up);  // (with MSHRs some are merges into a miss)
  // Whatever was written is still there after the run (in the L2, the L3 or memory).
  for (const auto& [line, v] : value) {
    l2.peek_line(line, buf.data());
    EXPECT_EQ(buf, pattern(v)) << "line " << line;
  }
}

TEST(ExclusiveL3, L2AndL3HoldTheReferenceModelsLinesAndNoLineInBoth) {
  run(8, 16, 40, 1, false);
  run(4, 8, 16, 2, false);
}

TEST(ExclusiveL3, WithBanksAndMshrsTheContentsAreTheSame) { run(8, 16, 40, 3, true); }

}  // namespace
}  // namespace cohsim
