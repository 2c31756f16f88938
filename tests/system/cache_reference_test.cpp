// One core, one cache level: the simulator's miss counts equal, exactly, those of
// a reference model written here independently (LRU as a recency list per set,
// tree-PLRU as range-halving over 0-based tree nodes), on sequential, strided and
// random address patterns, for loads, for stores, and for a random mix of the two
// under MSI, MESI and MOESI (a store that upgrades a present line, S->M or E->M,
// makes it the most recently used, as a load would).
#include <gtest/gtest.h>

#include <cstdint>
#include <list>
#include <sstream>
#include <tuple>
#include <vector>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

constexpr unsigned kLine = 64, kWays = 4, kSets = 16;  // a 4 KiB, 4-way cache

struct ReferenceLru {
  std::vector<std::list<std::uint64_t>> sets{kSets};  // most recent first
  bool access(std::uint64_t line) {
    auto& s = sets[line % kSets];
    for (auto it = s.begin(); it != s.end(); ++it)
      if (*it == line) {
        s.erase(it);
        s.push_front(line);
        return true;
      }
    s.push_front(line);
    if (s.size() > kWays) s.pop_back();
    return false;
  }
};

struct ReferencePlru {
  struct Set {
    std::vector<std::int64_t> way_line = std::vector<std::int64_t>(kWays, -1);
    std::vector<bool> go_right = std::vector<bool>(kWays - 1, false);  // node n: children 2n+1, 2n+2
  };
  std::vector<Set> sets{kSets};
  void touch(Set& s, unsigned way) {
    unsigned lo = 0, hi = kWays, node = 0;
    while (hi - lo > 1) {
      unsigned mid = (lo + hi) / 2;
      if (way < mid) s.go_right[node] = true, hi = mid, node = 2 * node + 1;
      else s.go_right[node] = false, lo = mid, node = 2 * node + 2;
    }
  }
  unsigned victim(const Set& s) {
    unsigned lo = 0, hi = kWays, node = 0;
    while (hi - lo > 1) {
      unsigned mid = (lo + hi) / 2;
      if (s.go_right[node]) lo = mid, node = 2 * node + 2;
      else hi = mid, node = 2 * node + 1;
    }
    return lo;
  }
  bool access(std::uint64_t line) {
    Set& s = sets[line % kSets];
    for (unsigned w = 0; w < kWays; ++w)
      if (s.way_line[w] == std::int64_t(line)) {
        touch(s, w);
        return true;
      }
    unsigned w = 0;
    while (w < kWays && s.way_line[w] != -1) ++w;  // an empty way first
    if (w == kWays) w = victim(s);
    s.way_line[w] = std::int64_t(line);
    touch(s, w);
    return false;
  }
};

std::vector<std::uint64_t> pattern(const std::string& kind, unsigned n) {
  std::vector<std::uint64_t> a;
  std::uint64_t x = 12345;
  for (unsigned i = 0; i < n; ++i) {
    if (kind == "sequential") a.push_back(0x100000 + (i * 8) % (24 * 1024));
    else if (kind == "strided") a.push_back(0x200000 + (i * 4160) % (1 << 20));
    else {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      a.push_back(0x400000 + ((x >> 33) % (16 * 1024)) * 8);
    }
  }
  return a;
}

struct Case {
  std::string policy, pattern, op;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.policy << " " << c.pattern << " " << c.op; }

struct MixedCase {
  std::string policy, pattern, protocol;
  bool private_l2 = false;  // the L1D above a private 64 KiB L2 (which runs the protocol)
  bool no_store_buffer = false;  // core.store_buffer: 0 and no fences
};
void PrintTo(const MixedCase& c, std::ostream* os) { *os << c.policy << " " << c.pattern << " " << c.protocol; }

class CacheReference : public ::testing::TestWithParam<Case> {};

TEST_P(CacheReference, MissCountsEqualTheReferenceModel) {
  const Case& c = GetParam();
  const auto addrs = pattern(c.pattern, 6000);
  std::ostringstream trace;
  trace << "thread 0\n";
  for (std::size_t i = 0; i < addrs.size(); ++i)
    trace << c.op << " 0x" << std::hex << addrs[i] << std::dec << (c.op == "store" ? " 1" : "") << "\n";
  std::uint64_t expected = 0;
  ReferenceLru lru;
  ReferencePlru plru;
  for (auto a : addrs) expected += !(c.policy == "lru" ? lru.access(a / kLine) : plru.access(a / kLine));

  // One load in flight at a time, so the cache sees the accesses in program order.
  const std::string yaml = "cores: 1\nl1d: {size: 4KiB, assoc: 4, line_size: 64, replacement: " + c.policy +
                           "}\nl2: null\nl3: null\ncore: {load_queue: 1}\n";
  auto r = simulate(yaml, trace.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.misses"), double(expected));
  EXPECT_EQ(r.at("core0.l1d.hits") + r.at("core0.l1d.misses"), double(addrs.size()));
}

INSTANTIATE_TEST_SUITE_P(Patterns, CacheReference,
                         ::testing::Values(Case{"lru", "sequential", "load"}, Case{"lru", "strided", "load"},
                                           Case{"lru", "random", "load"}, Case{"plru", "sequential", "load"},
                                           Case{"plru", "strided", "load"}, Case{"plru", "random", "load"},
                                           Case{"lru", "random", "store"}, Case{"plru", "random", "store"},
                                           Case{"lru", "strided", "store"}),
                         [](const auto& info) {
                           return info.param.policy + "_" + info.param.pattern + "_" + info.param.op;
                         });

// Loads and stores mixed (about a third stores, drawn from their own generator). A
// SeqCst fence after each store drains the store buffer, so the cache sees every
// access in program order and no load is answered by the store buffer. The L1D's
// primary misses (and, with one level, the cells I.Load and I.Store) count the
// accesses that found their line absent: the misses of the reference model, whatever
// the protocol does with a store to a present line. With no store buffer
// (core.store_buffer: 0) the cache sees program order without any fence.
class MixedReference : public ::testing::TestWithParam<MixedCase> {};

TEST_P(MixedReference, FillsEqualTheReferenceModel) {
  const MixedCase& c = GetParam();
  const auto addrs = pattern(c.pattern, 5000);
  std::ostringstream trace;
  trace << "thread 0\n";
  std::uint64_t expected = 0, x = 99;
  ReferenceLru lru;
  ReferencePlru plru;
  for (auto a : addrs) {
    x = x * 2862933555777941757ULL + 3037000493ULL;
    const bool store = (x >> 40) % 3 == 0;
    trace << (store ? "store" : "load") << " 0x" << std::hex << a << std::dec
          << (store ? (c.no_store_buffer ? " 1" : " 1\nfence SeqCst") : "") << "\n";
    expected += !(c.policy == "lru" ? lru.access(a / kLine) : plru.access(a / kLine));
  }
  const std::string yaml = "cores: 1\ncoherence: {protocol: " + c.protocol +
                           "}\nl1d: {size: 4KiB, assoc: 4, line_size: 64, replacement: " + c.policy +
                           "}\nl2: " + (c.private_l2 ? "{size: 64KiB, shared: false}" : "null") +
                           "\nl3: null\ncore: {load_queue: 1, store_buffer: " + (c.no_store_buffer ? "0" : "1") +
                           "}\n";
  auto r = simulate(yaml, trace.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.primary_misses"), double(expected));
  if (!c.private_l2) EXPECT_EQ(r.at("core0.l1d.cells.I.Load") + r.at("core0.l1d.cells.I.Store"), double(expected));
}

INSTANTIATE_TEST_SUITE_P(Protocols, MixedReference,
                         ::testing::Values(MixedCase{"lru", "random", "msi"}, MixedCase{"lru", "random", "mesi"},
                                           MixedCase{"lru", "random", "moesi"}, MixedCase{"lru", "strided", "mesi"},
                                           MixedCase{"plru", "random", "msi"}, MixedCase{"plru", "random", "mesi"},
                                           MixedCase{"plru", "random", "moesi"},
                                           MixedCase{"lru", "random", "msi", true},
                                           MixedCase{"lru", "random", "mesi", true},
                                           MixedCase{"plru", "random", "moesi", true},
                                           MixedCase{"lru", "random", "msi", false, true},
                                           MixedCase{"lru", "random", "mesi", false, true},
                                           MixedCase{"plru", "random", "moesi", false, true},
                                           MixedCase{"lru", "random", "mesi", true, true}),
                         [](const auto& info) {
                           return info.param.policy + "_" + info.param.pattern + "_" + info.param.protocol +
                                  (info.param.private_l2 ? "_l2" : "") + (info.param.no_store_buffer ? "_nosb" : "");
                         });

// The bug this pins: a store that upgraded a present line (S->M under MSI, E->M under
// MESI and MOESI) left it where it was in the LRU order, so the line just written was
// the next victim. One set of two ways: A and B fill it, the store to A references A,
// so C evicts B and the last load of A hits; a load of A in the store's place is the
// control. Three primary misses (A, B, C) either way.
class StoreUpgradeRecency : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(StoreUpgradeRecency, TheStoredLineIsMostRecentlyUsed) {
  const auto& [protocol, middle] = GetParam();
  const std::string trace = "thread 0\n  load 0x1000\n  load 0x1040\n  " + middle +
                            " 0x1000" + (middle == "store" ? " 1" : "") +
                            "\n  fence SeqCst\n  load 0x1080\n  load 0x1000\n";
  const std::string yaml = "cores: 1\ncoherence: {protocol: " + protocol +
                           "}\nl1d: {size: 128B, assoc: 2, line_size: 64, replacement: lru}\nl2: null\nl3: null\n"
                           "core: {load_queue: 1, store_buffer: 1}\n";
  auto r = simulate(yaml, trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.l1d.primary_misses"), 3);
  EXPECT_EQ(r.at("core0.l1d.load_primary_misses"), 3);
  EXPECT_EQ(r.at("core0.l1d.load_hits"), middle == "load" ? 2 : 1);  // the last load of A (and the control's)
  EXPECT_EQ(r.at("core0.l1d.evictions"), 1);
}

INSTANTIATE_TEST_SUITE_P(Protocols, StoreUpgradeRecency,
                         ::testing::Combine(::testing::Values("msi", "mesi", "moesi"),
                                            ::testing::Values("store", "load")),
                         cohsim::test::ParamName());

}  // namespace
