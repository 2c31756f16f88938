// Random loads, stores and read-modify-writes from every core on a few contended
// lines, with the coherence checker on: no single-writer/multiple-reader or
// data-value violation, no deadlock, and the shared counter ends exactly at the
// number of fetch_adds (atomicity). Tiny caches force evictions and writebacks.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::simulate;

namespace {

struct Shape {
  const char* name;
  const char* yaml;
};

class RandomSharing : public ::testing::TestWithParam<std::tuple<const char*, Shape>> {};

TEST_P(RandomSharing, CheckerFindsNoViolationAndAtomicsAreAtomic) {
  const int cores = 4, ops = 3000;
  std::mt19937_64 rng(2024);
  std::ostringstream t;
  int adds = 0;
  for (int c = 0; c < cores; ++c) {
    t << "thread " << c << "\n";
    for (int i = 0; i < ops; ++i) {
      // 12 lines, 4 of them in one set of the tiny caches; 8-byte slots.
      const unsigned line = unsigned(rng() % 12), slot = unsigned(rng() % 4);
      const std::uint64_t addr = 0x40000 + line * 256 + slot * 8;
      switch (rng() % 10) {
        case 0:
        case 1:
        case 2:
        case 3: t << "load " << addr << " -> r" << rng() % 4 << "\n"; break;
        case 4:
        case 5:
        case 6: t << "store " << addr << " " << rng() % 1000 << "\n"; break;
        case 7:
          t << "fetch_add 0x30000 1 SeqCst -> a\n";
          ++adds;
          break;
        case 8: t << "swap " << addr << " " << rng() % 1000 << " AcqRel -> s\n"; break;
        default: t << "compute " << rng() % 20 << "\n";
      }
    }
  }
  t << "thread " << cores << "\n  compute 100000000\n  load 0x30000 -> total\n";
  const auto& [protocol, shape] = GetParam();
  auto r =
      simulate(std::string("cores: 5\ncheck: true\ncoherence: {protocol: ") + protocol + "}\n" + shape.yaml, t.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("completed"), 1);
  EXPECT_EQ(r.at("core4.regs.total"), adds);
  EXPECT_GT(r.at("bus.msgs.PutM"), 0) << "the caches are meant to be small enough to evict dirty lines";
}

INSTANTIATE_TEST_SUITE_P(
    ProtocolsAndHierarchies, RandomSharing,
    ::testing::Combine(
        ::testing::Values("msi", "mesi", "moesi", "mesif", "dragon"),
        ::testing::Values(Shape{"L1Only", "l1d: {size: 512B, assoc: 2, mshrs: 2}\nl2: null\nl3: null\n"},
                          Shape{"PrivateL2", "l1d: {size: 256B, assoc: 1}\nl2: {size: 1KiB, assoc: 2}\nl3: null\n"},
                          Shape{"SharedL2AndL3",
                                "l1d: {size: 512B, assoc: 2}\nl2: {shared: true, size: 2KiB, assoc: 2}\n"
                                "l3: {size: 4KiB, assoc: 4, write_back: false}\n"},
                          Shape{"PlruFifoBus",
                                "l1d: {size: 512B, assoc: 4, replacement: plru}\n"
                                "l2: {size: 2KiB, assoc: 4, replacement: random}\nbus: {arbitration: fifo}\n"})),
    [](const auto& info) { return std::string(std::get<0>(info.param)) + "_" + std::get<1>(info.param).name; });

}  // namespace
