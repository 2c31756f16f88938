// Every number a configuration gives is range-checked where its key is declared
// (sim/config/params.cpp), before any arithmetic: the reproducers of issue #12 that
// died with SIGFPE, std::bad_alloc or "internal error", or ran for minutes, now exit
// 1 at `config check` and `run` with the key's place and its valid range.
#include <gmock/gmock.h>
#include <fstream>
#include <gtest/gtest.h>

#include "run_cohsim.hpp"
#include "sim/base/error.hpp"
#include "sim/config/config.hpp"

namespace cohsim {
namespace {

using test::run_cli;
using test::write_temp;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Repro {
  std::vector<std::string> sets;  // --set assignments
  std::string says;               // the message's start after "cohsim: error: "
};

class ConfigRanges : public ::testing::TestWithParam<Repro> {};

// "FILE:LINE:12" of the `latency:` key in configs/default.yaml's l3 section, read from
// the file so that the message's file:line is checked without pinning the layout.
std::string default_l3_latency_location() {
  const std::string cfg = COHSIM_SOURCE_DIR "/configs/default.yaml";
  std::ifstream f(cfg);
  std::string line;
  bool in_l3 = false;
  for (int n = 1; std::getline(f, line); ++n) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_l3 = line.rfind("l3:", 0) == 0;
    if (in_l3 && line.rfind("  latency:", 0) == 0) return cfg + ":" + std::to_string(n) + ":12";
  }
  return cfg + ": no l3.latency";
}

TEST_P(ConfigRanges, ConfigCheckAndRunExitOneWithTheValidRange) {
  const Repro& r = GetParam();
  const std::string cfg = COHSIM_SOURCE_DIR "/configs/default.yaml";
  const std::string trace = write_temp("t.trace", "thread 0\n  load 0x40 -> a\n  store 0x80 1\n");
  std::vector<std::string> check = {"config", "check", cfg}, run = {"run", cfg, "--trace", trace};
  for (const auto& s : r.sets) check.insert(check.end(), {"--set", s}), run.insert(run.end(), {"--set", s});
  for (const auto& args : {check, run}) {
    auto out = run_cli(args);
    EXPECT_EQ(out.exit_code, 1) << args[0] << ": " << out.err;
    EXPECT_THAT(out.err, StartsWith("cohsim: error: " + r.says)) << args[0];
    EXPECT_EQ(out.err.find("internal"), std::string::npos) << out.err;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Issue12, ConfigRanges,
    ::testing::Values(
        // assoc x line_size wrapped to 0, then a modulo by 0 (SIGFPE)
        Repro{{"l1d.assoc=288230376151711744"},
              "--set l1d.assoc=288230376151711744: l1d.assoc: must be 1..1048576, got 288230376151711744"},
        // the associativity was kept in 32 bits: ok at check, SIGFPE at run
        Repro{{"l1d.size=256GiB", "l1d.assoc=4294967296"}, "--set l1d.size=256GiB: l1d.size: must be 1B..1GiB"},
        Repro{{"l1d.assoc=4294967296"}, "--set l1d.assoc=4294967296: l1d.assoc: must be 1..1048576"},
        // a clock period of 0 (SIGFPE), or of 10^34 fs (minutes for 9 operations)
        Repro{{"core.frequency=10000000GHz"}, "--set core.frequency=10000000GHz: core.frequency: must be 1MHz..100GHz"},
        Repro{{"uncore.frequency=10000000GHz"},
              "--set uncore.frequency=10000000GHz: uncore.frequency: must be 1MHz..100GHz"},
        Repro{{"core.frequency=0.0000000000000000001Hz"},
              "--set core.frequency=0.0000000000000000001Hz: core.frequency: must be 1MHz..100GHz"},
        // std::bad_alloc, "cache sets must be a power of two" as internal errors
        Repro{{"l1d.size=1TiB"}, "--set l1d.size=1TiB: l1d.size: must be 1B..1GiB, got 1TiB"},
        Repro{{"l1d.size=8388608TiB"}, "--set l1d.size=8388608TiB: l1d.size: must be 1B..1GiB"},
        Repro{{"l3.size=32GiB"}, "--set l3.size=32GiB: l3.size: must be 1B..16GiB"},
        // the watchdog reported a huge latency or a tiny bandwidth as a simulator bug
        Repro{{"memory.model=fixed", "memory.latency=1s"}, "--set memory.latency=1s: memory.latency: must be > 0"},
        Repro{{"memory.model=fixed", "memory.latency=1ms"},
              "--set memory.latency=1ms: memory.latency 1ms is 3000003 core cycles at core.frequency 3GHz, longer "
              "than the watchdog"},
        Repro{{"memory.model=fixed", "memory.bandwidth=1B/s"},
              "--set memory.bandwidth=1B/s: memory.bandwidth: must be 1MB/s..100TB/s"},
        Repro{{"memory.model=fixed", "memory.bandwidth=1MB/s", "core.frequency=100GHz"},
              "--set memory.bandwidth=1MB/s: one line's transfer at memory.bandwidth 1MB/s is 6400000 core cycles"},
        Repro{{"core.frequency=100GHz", "uncore.frequency=1MHz"},
              default_l3_latency_location() +
                  ": l3.latency 40cycles is 4000000 core cycles at core.frequency 100GHz, longer than the watchdog "
                  "(1000000 core cycles)"},
        Repro{{"dram.tCK=1s"}, "--set dram.tCK=1s: dram.tCK: must be 0ns..100ns"},
        Repro{{"watchdog=9223372036854775807"}, "--set watchdog=9223372036854775807: watchdog: must be 0..1000000000"},
        Repro{{"cores=256", "l2.size=1GiB"}, "--set l2.size=1GiB: the caches would take"}),
    [](const ::testing::TestParamInfo<Repro>& i) { return "case" + std::to_string(i.index); });

// A file gives the same message with its line.
TEST(ConfigRangesYaml, TheFileAndLineOfTheKeyAndTheRange) {
  try {
    Config::from_yaml("cores: 2\nl1d:\n  assoc: 288230376151711744\n", "big.yaml");
    ADD_FAILURE();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "big.yaml:3:10: l1d.assoc: must be 1..1048576, got 288230376151711744");
  }
}

// Every numeric key at the ends of its declared range either validates or is refused
// by a rule with a message: nothing in validation traps (a division by 0 or an
// overflow would kill this test).
TEST(ConfigRangesYaml, EveryKeyAtTheEndsOfItsRangeValidatesOrIsRefused) {
  int tried = 0;
  for (const ParamSpec& p : config_params()) {
    std::vector<std::string> values;
    if (p.type == ParamType::Int && p.valid.text.find("..") != std::string::npos) {
      const std::string& t = p.valid.text;
      const auto dots = t.find("..");
      const auto begin = t.find_last_of(" ,", dots) == std::string::npos ? 0 : t.find_last_of(" ,", dots) + 1;
      values = {t.substr(begin, dots - begin), t.substr(dots + 2)};
    } else if (p.type == ParamType::Size && p.valid.text.find("..") != std::string::npos) {
      const std::string& t = p.valid.text;
      const auto dots = t.find("..");
      const auto begin = t.find_last_of(" ,", dots) == std::string::npos ? 0 : t.find_last_of(" ,", dots) + 1;
      values = {t.substr(begin, dots - begin), t.substr(dots + 2)};
    } else if (p.type == ParamType::Frequency) {
      values = {"1MHz", "100GHz"};
    } else {
      continue;
    }
    for (const std::string& v : values) {
      Config c = Config::defaults();
      try {
        c.set(p.key, v);
      } catch (const UserError& e) {
        EXPECT_THAT(e.what(), StartsWith("--set " + p.key + "=" + v + ": ")) << e.what();
      }
      ++tried;
    }
  }
  EXPECT_GT(tried, 60);
}

}  // namespace
}  // namespace cohsim
