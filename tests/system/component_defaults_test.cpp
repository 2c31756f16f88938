// The C++ parameter structs take their defaults from the declarations
// (sim/config/params.cpp) and not from a second, drifting copy: before,
// DirectoryParams::latency, LevelParams::latency, MmuParams::stlb_latency and
// MmuParams::fault_latency were 0 in C++ and 10, 4/12, 7 cycles and 1us in params.cpp.
// The expected figures are counted by hand from docs/config.md's defaults
// (core 3GHz: a period of 333'333 fs; uncore 2GHz: 500'000 fs).
#include <gtest/gtest.h>

#include "coherence/directory.hpp"
#include "coherence/network.hpp"
#include "coherence/private_cache.hpp"
#include "coherence/snoop_bus.hpp"
#include "cpu/core.hpp"
#include "cpu/mmu/mmu.hpp"
#include "sim/config/config.hpp"

namespace cohsim {
namespace {

constexpr Tick kCore = 333'333, kUncore = 500'000;

TEST(ComponentDefaults, DirectoryIsTheDeclaredOne) {
  const DirectoryParams d;
  EXPECT_EQ(d.period, kUncore);
  EXPECT_EQ(d.latency, 10 * kUncore);  // directory.latency: 10cycles
  EXPECT_EQ(d.caches, 4u);             // cores: 4
  EXPECT_EQ(d.line_size, 64u);
}

TEST(ComponentDefaults, PrivateCachesAreTheDeclaredOnes) {
  const PrivateCacheParams p;
  EXPECT_EQ(p.clock_period, kCore);
  EXPECT_EQ(p.l1.geometry.size, 32u * 1024);
  EXPECT_EQ(p.l1.geometry.assoc, 8u);
  EXPECT_EQ(p.l1.geometry.line_size, 64u);
  EXPECT_EQ(p.l1.latency, 4 * kCore);  // l1d.latency: 4cycles
  EXPECT_EQ(p.l1.replacement, "lru");
  EXPECT_EQ(p.l1.mshrs, 8u);
  EXPECT_TRUE(p.has_l2);  // l2 present, shared: false
  EXPECT_EQ(p.l2.geometry.size, 256u * 1024);
  EXPECT_EQ(p.l2.latency, 12 * kCore);  // l2.latency: 12cycles (private: the core clock)
  EXPECT_EQ(p.l2.mshrs, 8u);
  const CacheGeometry g;
  EXPECT_EQ(g.sets(), 64u);  // 32KiB / (8 x 64B)
}

TEST(ComponentDefaults, CoreMmuNetworkAndBusAreTheDeclaredOnes) {
  const CoreParams c;
  EXPECT_EQ(c.period, kCore);
  EXPECT_EQ(c.store_buffer, 16u);
  EXPECT_EQ(c.load_queue, 8u);
  EXPECT_EQ(c.ports, 2u);
  const MmuParams m;
  EXPECT_EQ(m.dtlb_entries, 64u);
  EXPECT_EQ(m.dtlb_assoc, 4u);
  EXPECT_EQ(m.dtlb_latency, 0u);
  EXPECT_TRUE(m.has_stlb);
  EXPECT_EQ(m.stlb_entries, 1536u);
  EXPECT_EQ(m.stlb_assoc, 12u);
  EXPECT_EQ(m.stlb_latency, 7 * kCore);                  // stlb.latency: 7cycles
  EXPECT_EQ(m.fault_latency, Tick(1'000'000'000));       // vm.fault_latency: 1us
  EXPECT_EQ(m.pwc_entries, 32u);
  const NetworkParams n;
  EXPECT_EQ(n.period, kUncore);
  EXPECT_EQ(n.link_latency, 4 * kUncore);  // network.link_latency: 4cycles
  EXPECT_EQ(n.link_width, 16u);
  EXPECT_EQ(n.hop_latency, 20 * kUncore);  // numa.hop_latency: 20cycles
  EXPECT_EQ(n.hop_width, 32u);
  EXPECT_EQ(n.jitter, 0u);
  EXPECT_EQ(n.mesh_columns, 0u);
  EXPECT_EQ(n.topology, Topology::FullyConnected);
  const BusParams b;
  EXPECT_EQ(b.period, kUncore);
  EXPECT_EQ(b.width, 32u);  // bus.width: 32B
  EXPECT_EQ(b.line_size, 64u);
  EXPECT_TRUE(b.round_robin);  // bus.arbitration: round_robin
}

// An empty file, Config::defaults() and every key's declared default text agree.
TEST(ComponentDefaults, AnUnspecifiedConfigIsTheDeclaredDefaults) {
  const Config empty = Config::from_yaml("", "empty.yaml"), d = Config::defaults();
  EXPECT_EQ(empty.to_yaml(), d.to_yaml());
  for (const ParamSpec& p : config_params()) {
    if (!d.has_level(p.section())) continue;
    Config c = Config::defaults();
    c.set(p.key, p.default_text.empty() ? "\"\"" : p.default_text);
    EXPECT_EQ(c.text(p.key), d.text(p.key)) << p.key;
    EXPECT_EQ(d.where(p.key), "default") << p.key;
  }
}

}  // namespace
}  // namespace cohsim
