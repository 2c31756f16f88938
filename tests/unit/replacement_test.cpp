// Replacement policies. LRU, tree-PLRU and random without a cache around them; the
// RRIP family (SRRIP, BRRIP, DRRIP, SHiP) in a CacheArray, against reference models
// written here another way (a whole set of tagged lines per model, victims found by
// aging every line one step at a time, leader sets listed by hand, a SplitMix64
// written out again), on recorded access sequences with hits, misses, evictions and
// the protocol's invalidations over several sets.
#include "coherence/replacement.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "coherence/cache_array.hpp"
#include "sim/base/random.hpp"
#include "sim/config/config.hpp"

using namespace cohsim;

namespace {

ReplacementParams params(unsigned sets, unsigned ways, std::uint64_t seed = 0) {
  return ReplacementParams{sets, ways, 6, seed};
}

TEST(Replacement, RegistryHasEveryPolicyWithADescription) {
  auto names = replacement_names();
  for (const char* n : {"lru", "plru", "random", "srrip", "brrip", "drrip", "ship"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  for (const PluginInfo& i : plugin_infos("replacement")) EXPECT_FALSE(i.description.empty()) << i.name;
}

TEST(Replacement, LruEvictsTheWayTouchedLongestAgo) {
  auto p = make_replacement("lru", params(2, 4));
  for (unsigned w : {0, 1, 2, 3}) p->fill(1, w, w, 0);
  EXPECT_EQ(p->victim(1), 0u);
  p->hit(1, 0);
  EXPECT_EQ(p->victim(1), 1u);
  p->hit(1, 1);
  p->hit(1, 2);
  EXPECT_EQ(p->victim(1), 3u);
}

TEST(Replacement, TreePlruFollowsTheBitsAwayFromRecentTouches) {
  // 4 ways: root bit picks a half, one bit per half picks a way.
  auto p = make_replacement("plru", params(1, 4));
  for (unsigned w : {0, 1, 2, 3}) p->fill(0, w, w, 0);
  EXPECT_EQ(p->victim(0), 0u);  // last touch 3: root points left, left bit points to 0
  p->hit(0, 0);
  EXPECT_EQ(p->victim(0), 2u);  // root points right, right bit points to 2 (3 was touched after 2)
  p->hit(0, 2);
  EXPECT_EQ(p->victim(0), 1u);  // tree-PLRU is not LRU: true LRU would say 1 too here
  p->hit(0, 1);
  EXPECT_EQ(p->victim(0), 3u);
}

// SplitMix64 as published (Steele, Lea and Flood 2014; Vigna's splitmix64.c), written
// out again: the reference for Random (sim/base/random.hpp), the random policy and BRRIP.
struct SplitMix {
  std::uint64_t x;
  std::uint64_t operator()() {
    x += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = x;
    z ^= z >> 30;
    z *= 0xBF58476D1CE4E5B9ULL;
    z ^= z >> 27;
    z *= 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z;
  }
};

TEST(Random, MatchesSplitMix64WrittenOutAgain) {
  Random a(12345);
  SplitMix b{12345};
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next(), b()) << i;
}

TEST(Replacement, RandomIsDeterministicPerSeedAndCoversEveryWay) {
  auto a = make_replacement("random", params(1, 8, 42)), b = make_replacement("random", params(1, 8, 42));
  std::vector<int> seen(8, 0);
  for (int i = 0; i < 400; ++i) {
    unsigned v = a->victim(0);
    EXPECT_EQ(v, b->victim(0));
    ASSERT_LT(v, 8u);
    ++seen[v];
  }
  for (int c : seen) EXPECT_GT(c, 20);
}

TEST(Replacement, RandomDrawsSplitMix64OfItsStreamState) {
  // The random policy's victims are splitmix64(state) mod ways, the state being what
  // random_stream gave the array (the `seed` the policy receives).
  auto p = make_replacement("random", params(4, 6, 7));
  SplitMix ref{7};
  for (int i = 0; i < 200; ++i) ASSERT_EQ(p->victim(unsigned(i % 4)), unsigned(ref() % 6)) << i;
}

// --- Recorded access sequences, a cache around the policy, and reference models ---

struct Ref {
  unsigned set;
  std::uint64_t tag;
  std::uint64_t pc = 0;  // 0: no PC (SHiP falls back to the memory region)
  bool inv = false;      // the protocol invalidates the line (if present) instead
};
struct Result {
  bool hit;
  std::int64_t evicted;  // the tag evicted by a miss, -1 for none
  bool operator==(const Result& o) const { return hit == o.hit && evicted == o.evicted; }
};
std::ostream& operator<<(std::ostream& os, const Result& r) {
  return os << (r.hit ? "hit" : "miss") << " evicting " << r.evicted;
}

constexpr unsigned kLine = 64;

// The policy in a CacheArray, driven the way the controllers drive it.
std::vector<Result> run_array(const std::string& policy, unsigned sets, unsigned ways, std::uint64_t seed,
                              const std::vector<Ref>& refs) {
  CacheArray a({std::uint64_t(sets) * ways * kLine, ways, kLine}, policy, seed);
  std::vector<std::uint8_t> data(kLine, 0);
  std::vector<Result> out;
  for (const Ref& r : refs) {
    const LineAddr line = r.tag * sets + r.set;
    const int w = a.find(line);
    if (r.inv) {
      if (w >= 0) a.invalidate(line, unsigned(w));
      out.push_back({w >= 0, -1});
      continue;
    }
    if (w >= 0) {
      a.touch(line, unsigned(w));
      out.push_back({true, -1});
      continue;
    }
    const unsigned v = a.choose_way(line);
    std::int64_t evicted = -1;
    if (a.state_at(r.set, v) != CacheArray::kInvalid) {
      const LineAddr old = a.tag_at(r.set, v);
      evicted = std::int64_t(old / sets);
      a.invalidate(old, v);
    }
    a.fill(line, v, 1, data.data(), r.pc);
    out.push_back({false, evicted});
  }
  return out;
}

// An RRIP cache written out: each set a row of ways holding (valid, tag, rrpv); a
// fill takes the lowest invalid way, else the lowest way predicted distant (3) after
// aging the whole set one step at a time, as the paper's Figure describes.
class RripModel {
 public:
  RripModel(unsigned sets, unsigned ways) : sets_(sets), rows_(sets, std::vector<Way>(ways)) {}
  virtual ~RripModel() = default;
  std::vector<Result> run(const std::vector<Ref>& refs) {
    std::vector<Result> out;
    for (const Ref& r : refs) {
      std::vector<Way>& row = rows_[r.set];
      Way* present = nullptr;
      for (Way& w : row)
        if (w.valid && w.tag == r.tag) present = &w;
      if (r.inv) {
        if (present) leave(*present), present->valid = false;
        out.push_back({present != nullptr, -1});
        continue;
      }
      if (present) {
        present->rrpv = 0;
        on_hit(*present);
        out.push_back({true, -1});
        continue;
      }
      Way* slot = nullptr;
      for (Way& w : row)
        if (!slot && !w.valid) slot = &w;
      std::int64_t evicted = -1;
      while (!slot) {
        for (Way& w : row)
          if (!slot && w.rrpv == 3) slot = &w;
        if (!slot)
          for (Way& w : row) ++w.rrpv;
      }
      if (slot->valid) {
        evicted = std::int64_t(slot->tag);
        leave(*slot);
      }
      slot->valid = true;
      slot->tag = r.tag;
      slot->rrpv = insertion(r, *slot);
      out.push_back({false, evicted});
    }
    return out;
  }

 protected:
  struct Way {
    bool valid = false;
    std::uint64_t tag = 0;
    int rrpv = 0;
    std::uint32_t sig = 0;
    bool reused = false;
  };
  virtual int insertion(const Ref& r, Way& w) = 0;  // the new line's RRPV (and what it records in w)
  virtual void on_hit(Way&) {}
  virtual void leave(Way&) {}
  unsigned sets_;

 private:
  std::vector<std::vector<Way>> rows_;
};

struct SrripModel : RripModel {
  using RripModel::RripModel;
  int insertion(const Ref&, Way&) override { return 2; }
};

// BRRIP: distant (3), long (2) when the stream's draw mod 32 is 0.
struct BrripModel : RripModel {
  BrripModel(unsigned sets, unsigned ways, std::uint64_t seed)
      : RripModel(sets, ways), rng{seed} {}
  int insertion(const Ref&, Way&) override { return rng() % 32 == 0 ? 2 : 3; }
  SplitMix rng;
};

// DRRIP with its leader sets given as lists (worked out by hand from drrip.cpp's
// rule for the geometry under test) and PSEL as a plain int.
struct DrripModel : RripModel {
  DrripModel(unsigned sets, unsigned ways, std::uint64_t seed, std::set<unsigned> srrip_leaders,
             std::set<unsigned> brrip_leaders)
      : RripModel(sets, ways), rng{seed}, srrip(srrip_leaders), brrip(brrip_leaders) {}
  int insertion(const Ref& r, Way&) override {
    bool use_brrip;
    if (srrip.count(r.set)) {
      if (psel < 1023) ++psel;
      use_brrip = false;
    } else if (brrip.count(r.set)) {
      if (psel > 0) --psel;
      use_brrip = true;
    } else {
      use_brrip = psel >= 512;
      ++(use_brrip ? follower_brrip_fills : follower_srrip_fills);
    }
    if (!use_brrip) return 2;
    return rng() % 32 == 0 ? 2 : 3;
  }
  SplitMix rng;
  std::set<unsigned> srrip, brrip;
  int psel = 511;
  int follower_srrip_fills = 0, follower_brrip_fills = 0;
};

// SHiP: the signature written out from ship.cpp's description (the PC folded in
// 14-bit chunks; else the 16 KiB region hashed by the golden-ratio multiplier), a map
// of counters that start at 1.
struct ShipModel : RripModel {
  using RripModel::RripModel;
  std::uint32_t signature(const Ref& r) const {
    if (r.pc) {
      std::uint32_t s = 0;
      for (unsigned shift = 0; shift < 64; shift += 14) s ^= std::uint32_t((r.pc >> shift) & 0x3fff);
      return s;
    }
    const std::uint64_t line = r.tag * sets_ + r.set;
    const std::uint64_t region = (line * 64) / 16384;
    return std::uint32_t((region * 0x9e3779b97f4a7c15ULL) >> 50);
  }
  int counter(std::uint32_t sig) const {
    auto it = shct.find(sig);
    return it == shct.end() ? 1 : it->second;
  }
  int insertion(const Ref& r, Way& w) override {
    w.sig = signature(r);
    w.reused = false;
    const int rrpv = counter(w.sig) == 0 ? 3 : 2;
    ++(rrpv == 3 ? distant_fills : long_fills);
    return rrpv;
  }
  void on_hit(Way& w) override {
    w.reused = true;
    shct[w.sig] = std::min(7, counter(w.sig) + 1);
  }
  void leave(Way& w) override {
    if (!w.reused) shct[w.sig] = std::max(0, counter(w.sig) - 1);
  }
  std::map<std::uint32_t, int> shct;
  int distant_fills = 0, long_fills = 0;
};

// Sequences: per set a working set re-referenced with skew, scans of lines used once,
// loops larger than the set (thrashing), a few invalidations. PCs: one per "loop" of
// the generator, so a signature's lines share a fate; some references carry none.
std::vector<Ref> recorded_sequence(unsigned sets, unsigned ways, std::uint64_t seed, std::vector<unsigned> used_sets,
                                   int n) {
  SplitMix g{seed};
  std::vector<Ref> v;
  std::uint64_t scan_tag = 1000;
  while (int(v.size()) < n) {
    const unsigned set = used_sets[g() % used_sets.size()];
    switch (g() % 5) {
      case 0:
      case 1:  // the hot working set: ways/2 + 1 lines, PC 0x401000
        for (int i = 0; i < 6; ++i) v.push_back({set, g() % (ways / 2 + 1), 0x401000});
        break;
      case 2:  // a scan: lines used once, PC 0x402040
        for (unsigned i = 0; i < ways; ++i) v.push_back({set, scan_tag++, 0x402040});
        break;
      case 3:  // a loop over 2 x ways lines, twice, PC 0x403080 or none
      {
        const std::uint64_t pc = g() % 2 ? 0x403080 : 0;
        for (int rep = 0; rep < 2; ++rep)
          for (unsigned i = 0; i < 2 * ways; ++i) v.push_back({set, 100 + i, pc});
        break;
      }
      default:  // an invalidation of a hot line, and a reference to a random one
        v.push_back({set, g() % (ways / 2 + 1), 0, true});
        v.push_back({set, g() % (4 * ways), 0x404000 + (g() % 4) * 4});
    }
  }
  (void)sets;
  return v;
}

void expect_same(const std::vector<Result>& got, const std::vector<Result>& want, const std::vector<Ref>& refs) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(got[i], want[i]) << "reference " << i << " (set " << refs[i].set << ", tag " << refs[i].tag << ", pc "
                               << refs[i].pc << (refs[i].inv ? ", invalidation" : "") << ")";
  int hits = 0, evictions = 0;
  for (const Result& r : got) hits += r.hit, evictions += r.evicted >= 0;
  EXPECT_GT(hits, int(got.size()) / 10);  // the sequence mixes hits and misses with evictions
  EXPECT_GT(evictions, int(got.size()) / 10);
}

TEST(Replacement, SrripMatchesItsReferenceModel) {
  for (unsigned ways : {2u, 4u, 8u, 12u}) {
    const auto refs = recorded_sequence(16, ways, ways, {0, 3, 9, 15}, 3000);
    SrripModel m(16, ways);
    expect_same(run_array("srrip", 16, ways, 1, refs), m.run(refs), refs);
  }
}

TEST(Replacement, SrripKeepsAReusedLineThroughAScanWhereLruLosesIt) {
  // 1 set, 2 ways. A, B, A(hit), then a scan C, D, then A again. Worked by hand:
  //   SRRIP  A:miss rrpv(A)=2   B:miss rrpv(B)=2   A:hit rrpv(A)=0
  //          C: no way at 3; age +1 -> A=1, B=3: evict B (way 1), C=2
  //          D: no way at 3; age +1 -> A=2, C=3: evict C, D=2      A: hit
  //   LRU    C evicts B, D evicts A, A misses.
  const std::vector<Ref> refs = {{0, 'A'}, {0, 'B'}, {0, 'A'}, {0, 'C'}, {0, 'D'}, {0, 'A'}};
  const std::vector<Result> srrip = {{false, -1}, {false, -1}, {true, -1}, {false, 'B'}, {false, 'C'}, {true, -1}};
  const std::vector<Result> lru = {{false, -1}, {false, -1}, {true, -1}, {false, 'B'}, {false, 'A'}, {false, 'C'}};
  EXPECT_EQ(run_array("srrip", 1, 2, 0, refs), srrip);
  EXPECT_EQ(run_array("lru", 1, 2, 0, refs), lru);
}

TEST(Replacement, BrripMatchesItsReferenceModel) {
  for (std::uint64_t seed : {0ull, 5ull, 1234567ull}) {
    const auto refs = recorded_sequence(8, 4, seed + 11, {1, 2, 6}, 3000);
    BrripModel m(8, 4, seed);
    expect_same(run_array("brrip", 8, 4, seed, refs), m.run(refs), refs);
  }
}

TEST(Replacement, DrripMatchesItsReferenceModelAndItsFollowersSwitch) {
  // 64 sets: clamp(64 / 32, 1, 32) = 2 leaders each, constituencies of 32 sets:
  // SRRIP leads sets 0 and 32 + 1 = 33, BRRIP sets 31 and 32 + 30 = 62.
  const std::vector<unsigned> used = {0, 31, 33, 62, 5, 17, 40};
  for (std::uint64_t seed : {3ull, 99ull}) {
    const auto refs = recorded_sequence(64, 4, seed, used, 6000);
    DrripModel m(64, 4, seed, {0, 33}, {31, 62});
    expect_same(run_array("drrip", 64, 4, seed, refs), m.run(refs), refs);
    EXPECT_GT(m.follower_srrip_fills, 0);  // both choices were taken by the followers
    EXPECT_GT(m.follower_brrip_fills, 0);
  }
  // 8 sets: 1 leader each, one constituency of 8: SRRIP leads set 0, BRRIP set 7.
  const auto refs = recorded_sequence(8, 4, 77, {0, 7, 2, 3}, 4000);
  DrripModel m(8, 4, 77, {0}, {7});
  expect_same(run_array("drrip", 8, 4, 77, refs), m.run(refs), refs);
  // 2048 sets: 32 leaders each, constituencies of 64: g*64 + g and g*64 + 63 - g.
  std::set<unsigned> s, b;
  for (unsigned g = 0; g < 32; ++g) s.insert(g * 64 + g), b.insert(g * 64 + 63 - g);
  const auto big = recorded_sequence(2048, 4, 5, {0, 63, 65, 126, 2047 - 31, 1000, 7}, 4000);
  DrripModel mb(2048, 4, 5, s, b);
  expect_same(run_array("drrip", 2048, 4, 5, big), mb.run(big), big);
}

TEST(Replacement, ShipMatchesItsReferenceModelWithPcAndRegionSignatures) {
  for (unsigned ways : {4u, 8u}) {
    const auto refs = recorded_sequence(16, ways, 40 + ways, {0, 1, 7, 12}, 5000);
    ShipModel m(16, ways);
    expect_same(run_array("ship", 16, ways, 1, refs), m.run(refs), refs);
    EXPECT_GT(m.distant_fills, 100);  // the scan's and the loops' signatures learnt to be dead
    EXPECT_GT(m.long_fills, 100);
  }
}

TEST(Replacement, ShipLearnsThatAScanningPcDiesAndProtectsTheWorkingSet) {
  // 1 set, 2 ways; A is re-referenced by PC 1, the scan lines X1, X2, ... (tags 100,
  // 101, ...) come from PC 2. By hand:
  //   A miss (way 0, RRPV 2); A hit (RRPV 0, SHCT[1] = 2); X1 miss (way 1, RRPV 2).
  //   X2: RRPVs A=0, X1=2: age to A=1, X1=3; X1 leaves unreused: SHCT[2] 1 -> 0, so X2
  //       is filled distant (RRPV 3).
  //   X3, X4, ...: X(n-1) is at RRPV 3 already and is evicted at once; A stays at 1.
  //   A: hit.
  // SRRIP: X2 enters at 2; X3 ages A to 2 and X2 to 3, evicts X2; X4 ages both to 3
  // and evicts A (way 0 first); A misses.
  std::vector<Ref> refs = {{0, 'A', 1}, {0, 'A', 1}};
  for (std::uint64_t x = 0; x < 6; ++x) refs.push_back({0, 100 + x, 2});
  refs.push_back({0, 'A', 1});
  const auto ship = run_array("ship", 1, 2, 0, refs);
  const auto srrip = run_array("srrip", 1, 2, 0, refs);
  EXPECT_TRUE(ship.back().hit);
  EXPECT_FALSE(srrip.back().hit);
  EXPECT_EQ(ship[3], (Result{false, 100}));   // X2 evicts X1
  EXPECT_EQ(ship[4], (Result{false, 101}));   // X3 evicts X2, predicted distant
  EXPECT_EQ(ship[5], (Result{false, 102}));   // X4 evicts X3
  EXPECT_EQ(srrip[5], (Result{false, 'A'}));  // SRRIP: X4 evicts A
}

// The config rule: tree-PLRU with another associativity than a power of two is
// refused by validate(), naming the key and the valid choices (it was an internal
// error while building the system).
TEST(Replacement, PlruWithANonPowerOfTwoAssociativityIsRefusedByTheConfiguration) {
  const auto load = [](const std::string& yaml) { Config::from_yaml(yaml, "x.yaml").validate(); };
  EXPECT_NO_THROW(load("l1d: {size: 48KiB, assoc: 12, replacement: srrip}\n"));
  EXPECT_NO_THROW(load("l1d: {size: 64KiB, assoc: 16, replacement: plru}\n"));
  try {
    load("l1d: {size: 48KiB, assoc: 12, replacement: plru}\n");
    FAIL() << "accepted plru with 12 ways";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("l1d.replacement plru (tree pseudo-LRU) needs a power-of-two "
                                               "l1d.assoc, got 12; valid: l1d.assoc 8 or 16"));
  }
}

}  // namespace
