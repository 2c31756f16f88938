// The dram section of a configuration: presets, key-by-key overrides, and the
// messages for values no device has.
#include "sim/memory/dram/dram_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/config/config.hpp"
#include "sim/base/error.hpp"

namespace cohsim {
namespace {

using testing::HasSubstr;

std::string load_error(const std::string& yaml) {
  try {
    Config::from_yaml(yaml, "configs/x.yaml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(DramConfig, PresetThenOverridesKeyByKey) {
  Config c = Config::from_yaml("memory: {model: dram}\ndram: {preset: DDR4-2400, tRCD: 18, ranks: 2, tCK: 1ns}\n");
  DramControllerParams p = dram_params(c);
  EXPECT_EQ(p.timing.name, "DDR4-2400");
  EXPECT_EQ(p.timing.tRCD, 18u);
  EXPECT_EQ(p.timing.CL, 16u);  // the preset's
  EXPECT_EQ(p.timing.ranks, 2u);
  EXPECT_EQ(p.timing.tCK_ps, 1000u);
  EXPECT_EQ(p.page_policy, PagePolicy::Open);
  EXPECT_EQ(p.scheduler, DramScheduler::FrFcfs);
  c.set("dram.page_policy", "adaptive");
  c.set("dram.scheduler", "fcfs");
  p = dram_params(c);
  EXPECT_EQ(p.page_policy, PagePolicy::Adaptive);
  EXPECT_EQ(p.scheduler, DramScheduler::Fcfs);
}

TEST(DramConfig, QueuedLineLookupsAreOnByDefaultAndEachCanBeSwitchedOff) {
  Config c = Config::from_yaml("memory: {model: dram}\n");
  DramControllerParams p = dram_params(c);
  EXPECT_TRUE(p.read_forwarding);
  EXPECT_TRUE(p.read_merging);
  EXPECT_TRUE(p.write_merging);
  c.set("dram.read_merging", "false");
  p = dram_params(c);
  EXPECT_TRUE(p.read_forwarding);
  EXPECT_FALSE(p.read_merging);
  EXPECT_TRUE(p.write_merging);
  c = Config::from_yaml("dram: {read_forwarding: false, write_merging: false}\n");
  p = dram_params(c);
  EXPECT_FALSE(p.read_forwarding);
  EXPECT_TRUE(p.read_merging);
  EXPECT_FALSE(p.write_merging);
  EXPECT_EQ(load_error("dram:\n  read_forwarding: maybe\n"),
            "configs/x.yaml:2:20: dram.read_forwarding: bad boolean 'maybe': expected true or false");
  EXPECT_THAT(load_error("dram:\n  write_merge: true\n"), HasSubstr("(did you mean 'write_merging'?)"));
}

TEST(DramConfig, BadChoicesListTheValidOnes) {
  EXPECT_EQ(load_error("dram:\n  preset: DDR4-3300\n"),
            "configs/x.yaml:2:11: dram.preset: 'DDR4-3300' is not a DRAM preset; valid: DDR4-2400, DDR4-3200, "
            "DDR5-4800 (did you mean 'DDR4-3200'?)");
  EXPECT_THAT(
      load_error("dram:\n  page_policy: shut\n"),
      HasSubstr("configs/x.yaml:2:16: dram.page_policy: 'shut' is not a page policy; valid: open, closed, adaptive"));
  EXPECT_THAT(load_error("dram:\n  scheduler: frfcf\n"), HasSubstr("valid: fcfs, frfcfs (did you mean 'frfcfs'?)"));
  EXPECT_THAT(load_error("memory:\n  model: ddr\n"), HasSubstr("'ddr' is not a memory model; valid: fixed, dram"));
  EXPECT_THAT(load_error("dram:\n  channels: 3\n"),
              HasSubstr("configs/x.yaml:2:13: dram.channels: must be a power of two"));
}

TEST(DramConfig, InconsistentTimingNamesTheKeyAndTheRule) {
  EXPECT_EQ(load_error("dram:\n  preset: DDR4-3200\n  tRAS: 60\n"),
            "configs/x.yaml:3:9: dram (DDR4-3200): tRC (74) must be at least tRAS + tRP (82)");
  EXPECT_EQ(load_error("dram:\n  write_low: 30\n"),
            "configs/x.yaml:2:14: dram.write_low (30) must be below dram.write_high (24)");
  EXPECT_THAT(load_error("memory: {model: dram}\ndram: {preset: DDR5-4800, burst_length: 8}\n"),
              HasSubstr("one burst of DDR5-4800 carries 32 bytes (bus_width 32 bits x burst_length 8) but a cache "
                        "line is 64"));
  // Keys spelled out at 0 (= the preset's, as in configs/default.yaml) are not to blame.
  EXPECT_EQ(load_error("dram:\n  ranks: 0\n  bank_groups: 0\n  rows: 3\n  columns: 0\n"),
            "configs/x.yaml:4:9: dram (DDR4-3200): ranks, bank_groups, banks_per_group, rows and columns must be "
            "powers of two (the address bits are split between them)");
  // A fixed-latency memory does not care about the dram section's burst.
  EXPECT_EQ(load_error("dram: {preset: DDR5-4800, burst_length: 8}\n"), "");
}

}  // namespace
}  // namespace cohsim
