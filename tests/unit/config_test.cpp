// Config: defaults, YAML loading with file:line:col errors, --set overrides, null
// levels, the cross-checks, the to_yaml round trip, the shipped configs and the
// generated reference docs.
#include "sim/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/base/error.hpp"

namespace cohsim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kFile = "configs/x.yaml";

Config load_text(const std::string& yaml) { return Config::from_yaml(yaml, kFile); }

// The message of the UserError `f` throws ("" if it throws none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

std::string load_error(const std::string& yaml) {
  return error_of([&] { load_text(yaml); });
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every key's canonical text and every level's presence: what two equal configs share.
std::string fingerprint(const Config& c) {
  std::string s;
  for (const char* level : {"l2", "l3"}) s += std::string(level) + (c.has_level(level) ? "+" : "-") + "\n";
  for (const auto& p : config_params())
    if (c.has_level(p.section())) s += p.key + "=" + c.text(p.key) + "\n";
  return s;
}

// ---- Defaults ---------------------------------------------------------------------

TEST(ConfigDefaults, MatchTheDeclaredDefaults) {
  Config c = Config::defaults();
  EXPECT_EQ(c.integer("cores"), 4);
  EXPECT_EQ(c.choice("isa"), "x86");
  EXPECT_EQ(c.integer("seed"), 0);
  EXPECT_FALSE(c.flag("check"));
  EXPECT_EQ(c.integer("max_cycles"), 0);
  EXPECT_EQ(c.text("trace"), "");
  EXPECT_EQ(c.hertz("core.frequency"), 3e9);
  EXPECT_EQ(c.period("core.frequency"), 333'333u);
  EXPECT_EQ(c.integer("core.store_buffer"), 16);
  EXPECT_EQ(c.integer("core.load_queue"), 8);

  EXPECT_EQ(c.bytes("l1d.size"), 32u * 1024);
  EXPECT_EQ(c.integer("l1d.assoc"), 8);
  EXPECT_EQ(c.bytes("l1d.line_size"), 64u);
  EXPECT_EQ(c.latency("l1d.latency"), (Latency{true, 4}));
  EXPECT_EQ(c.choice("l1d.replacement"), "lru");
  EXPECT_EQ(c.integer("l1d.mshrs"), 8);
  EXPECT_EQ(c.integer("l1d.ports"), 2);
  EXPECT_TRUE(c.flag("l1d.write_back"));
  EXPECT_TRUE(c.flag("l1d.write_allocate"));

  ASSERT_TRUE(c.has_level("l2"));
  EXPECT_EQ(c.bytes("l2.size"), 256u * 1024);
  EXPECT_EQ(c.integer("l2.assoc"), 8);
  EXPECT_EQ(c.latency("l2.latency"), (Latency{true, 12}));
  EXPECT_FALSE(c.flag("l2.shared"));
  ASSERT_TRUE(c.has_level("l3"));
  EXPECT_EQ(c.bytes("l3.size"), 8u << 20);
  EXPECT_EQ(c.integer("l3.assoc"), 16);
  EXPECT_EQ(c.latency("l3.latency"), (Latency{true, 40}));
  EXPECT_TRUE(c.flag("l3.shared"));

  EXPECT_EQ(c.choice("coherence.protocol"), "msi");
  EXPECT_EQ(c.choice("coherence.fabric"), "bus");
  EXPECT_EQ(c.hertz("uncore.frequency"), 2e9);
  EXPECT_EQ(c.period("uncore.frequency"), 500'000u);
  EXPECT_EQ(c.bytes("bus.width"), 32u);
  EXPECT_EQ(c.choice("bus.arbitration"), "round_robin");
  EXPECT_EQ(c.latency("memory.latency").to_ticks(0), 60 * kTicksPerNs);
  EXPECT_EQ(c.bytes_per_second("memory.bandwidth"), 25.6 * 1e9);

  EXPECT_EQ(c.where("l1d.size"), "default");
  EXPECT_EQ(c.where("l2"), "default");
  EXPECT_EQ(c.origin(), "defaults");
}

TEST(ConfigDefaults, EmptyFileGivesTheDefaults) {
  EXPECT_EQ(fingerprint(load_text("")), fingerprint(Config::defaults()));
  EXPECT_EQ(fingerprint(load_text("# nothing\n")), fingerprint(Config::defaults()));
}

TEST(ConfigKeys, AllKeysInDeclarationOrderWithoutDuplicates) {
  std::vector<std::string> keys = all_keys();
  EXPECT_EQ(keys.front(), "cores");
  EXPECT_EQ(keys.back(), "stlb.latency");
  std::set<std::string> unique(keys.begin(), keys.end());
  EXPECT_EQ(unique.size(), keys.size());
  for (const char* k : {"isa",
                        "core.frequency",
                        "l1d.write_allocate",
                        "l2.shared",
                        "l2.mshrs",
                        "l3.write_back",
                        "coherence.protocol",
                        "uncore.frequency",
                        "bus.arbitration",
                        "memory.latency",
                        "memory.bandwidth",
                        "vm.enabled",
                        "vm.format",
                        "vm.thp",
                        "vm.regions",
                        "vm.fault_latency",
                        "vm.pwc_entries",
                        "vm.placement",
                        "vm.bind_node",
                        "vm.memory_size",
                        "dtlb.entries",
                        "dtlb.assoc",
                        "dtlb.latency",
                        "stlb.entries",
                        "stlb.assoc",
                        "memory.model",
                        "dram.preset",
                        "dram.tRCD",
                        "dram.page_policy",
                        "dram.scheduler",
                        "dram.refresh",
                        "dram.read_forwarding",
                        "dram.read_merging",
                        "dram.write_merging"})
    EXPECT_TRUE(unique.count(k)) << k;
  EXPECT_FALSE(unique.count("l1d.shared"));
  EXPECT_TRUE(unique.count("l3.mshrs"));  // the L3 has MSHRs and banks of its own
  EXPECT_FALSE(unique.count("l2.banks"));  // a shared L2 has neither
  EXPECT_FALSE(unique.count("l2.ports"));
}

// ---- Loading ----------------------------------------------------------------------

TEST(ConfigLoad, GivenValuesOverrideDefaultsAndRememberWhere) {
  Config c = load_text(
      "cores: 4\n"
      "core:\n"
      "  frequency: 2.5GHz\n"
      "l1d:\n"
      "  size: 64KiB\n"
      "  latency: 1.5ns\n"
      "memory: {bandwidth: 19.2GiB/s}\n");
  EXPECT_EQ(c.integer("cores"), 4);
  EXPECT_EQ(c.where("cores"), "configs/x.yaml:1:8");
  EXPECT_EQ(c.hertz("core.frequency"), 2.5e9);
  EXPECT_EQ(c.period("core.frequency"), 400'000u);
  EXPECT_EQ(c.bytes("l1d.size"), 64u * 1024);
  EXPECT_EQ(c.where("l1d.size"), "configs/x.yaml:5:9");
  EXPECT_EQ(c.where("l1d"), "configs/x.yaml:4:1");
  EXPECT_EQ(c.latency("l1d.latency").to_ticks(333'333), 1'500'000u);
  EXPECT_EQ(c.integer("l1d.assoc"), 8);  // omitted: default
  EXPECT_EQ(c.where("l1d.assoc"), "default");
  EXPECT_DOUBLE_EQ(c.bytes_per_second("memory.bandwidth"), 19.2 * (1 << 30));
  EXPECT_EQ(c.origin(), kFile);
}

TEST(ConfigLoad, LevelGivenAsMappingGetsDefaultsForOmittedKeys) {
  Config c = load_text("l2:\n  size: 1MiB\n  shared: true\n");
  EXPECT_EQ(c.bytes("l2.size"), 1u << 20);
  EXPECT_TRUE(c.flag("l2.shared"));
  EXPECT_EQ(c.integer("l2.assoc"), 8);
  EXPECT_EQ(c.latency("l2.latency"), (Latency{true, 12}));
  EXPECT_EQ(load_text("l3: {}\n").bytes("l3.size"), 8u << 20);
}

TEST(ConfigLoad, NullLevelsAreAbsent) {
  Config c = load_text("l2: null\nl3: ~\n");
  EXPECT_FALSE(c.has_level("l2"));
  EXPECT_FALSE(c.has_level("l3"));
  EXPECT_TRUE(c.has_level("l1d"));
  EXPECT_EQ(c.where("l2"), "configs/x.yaml:1:1");
  EXPECT_THROW(c.bytes("l2.size"), std::logic_error);  // check has_level first

  Config only_l3 = load_text("l2:\nl3: {size: 4MiB}\n");  // L3 without an L2 is fine
  EXPECT_FALSE(only_l3.has_level("l2"));
  EXPECT_EQ(only_l3.bytes("l3.size"), 4u << 20);
}

TEST(ConfigLoad, LoadsAFileAndNamesItInErrors) {
  namespace fs = std::filesystem;
  fs::path path = fs::temp_directory_path() / ("cohsim_config_test_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(path);
    out << "cores: 3\nl1d:\n  assoc: 0\n";
  }
  EXPECT_EQ(error_of([&] { Config::load(path.string()); }),
            path.string() + ":3:10: l1d.assoc: must be 1..1048576, got 0");
  {
    std::ofstream out(path);
    out << "cores: 3\n";
  }
  Config c = Config::load(path.string());
  EXPECT_EQ(c.integer("cores"), 3);
  EXPECT_EQ(c.where("cores"), path.string() + ":1:8");
  fs::remove(path);
  EXPECT_THAT(error_of([&] { Config::load(path.string()); }),
              StartsWith("cannot read config file '" + path.string() + "'"));
  EXPECT_THAT(error_of([&] { Config::load(fs::temp_directory_path().string()); }), HasSubstr("it is a directory"));
}

// ---- Errors: one test per kind, each with its file:line:col ------------------------

TEST(ConfigErrors, UnknownKeyNamesTheValidKeysAndTheNearest) {
  EXPECT_EQ(load_error("cores: 2\n"
                       "\n"
                       "# the first level\n"
                       "l1d:\n"
                       "  size: 32KiB\n"
                       "  assoc: 8\n"
                       "  sise: 64KiB\n"),
            "configs/x.yaml:7:3: unknown key 'sise' in l1d; valid keys: size, assoc, line_size, latency, "
            "replacement, mshrs, prefetcher, prefetch_degree, prefetch_distance, ports, write_back, write_allocate, "
            "wc_entries, wc_drain_cycles, write_buffer, write_path_width (did you mean 'size'?)");
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  EXPECT_EQ(load_error("coress: 4\n"),
            "configs/x.yaml:1:1: unknown key 'coress' at the top level; valid keys: cores, isa, lse, seed, check, advice, "
            "max_cycles, watchdog, trace, core, l1d, l1i, l2, l3, coherence, uncore, bus, directory, network, numa, memory, "
            "dram, vm, dtlb, stlb (did you mean 'cores'?)");
  EXPECT_THAT(load_error("l1d.size: 64KiB\n"), HasSubstr("(write it nested: l1d: {size: ...})"));
  EXPECT_THAT(load_error("l2:\n  shared: true\n  zize: 1MiB\n"),
              StartsWith("configs/x.yaml:3:3: unknown key 'zize' in l2; valid keys: size, assoc, line_size, "
                         "latency, replacement, inclusion, mshrs, prefetcher, prefetch_degree, prefetch_distance, write_cycles, "
                         "write_back, write_allocate, shared"));
}

TEST(ConfigErrors, BadSizeSaysWhichUnitToUse) {
  EXPECT_EQ(load_error("cores: 2\n"
                       "\n"
                       "l1d:\n"
                       "  size: 32KB\n"),
            "configs/x.yaml:4:9: l1d.size: bad size '32KB': use KiB (1024 bytes) — did you mean 32KiB?");
}

TEST(ConfigErrors, BadValuesOfEveryType) {
  EXPECT_EQ(load_error("cores: two\n"),
            "configs/x.yaml:1:8: cores: bad integer 'two': expected a whole number such as 16, -3 or 1_000_000");
  EXPECT_EQ(load_error("check: yes\n"), "configs/x.yaml:1:8: check: bad boolean 'yes': expected true or false");
  EXPECT_THAT(load_error("core: {frequency: 3ghz}\n"),
              StartsWith("configs/x.yaml:1:19: core.frequency: bad frequency '3ghz': unknown unit 'ghz' — did you "
                         "mean 3GHz?"));
  EXPECT_THAT(load_error("l3:\n  latency: 40\n"),
              StartsWith("configs/x.yaml:2:12: l3.latency: bad latency '40': a unit is missing"));
  EXPECT_THAT(load_error("memory:\n  bandwidth: 10Gbps\n"),
              StartsWith("configs/x.yaml:2:14: memory.bandwidth: bad bandwidth '10Gbps': give bytes per second"));
}

TEST(ConfigErrors, ChoiceNotInTheRegistry) {
  EXPECT_EQ(load_error("coherence:\n  protocol: mesi2\n"),
            "configs/x.yaml:2:13: coherence.protocol: 'mesi2' is not a protocol; valid: dragon, mesi, mesif, moesi, "
            "msi (did you mean 'mesi'?)");
  EXPECT_EQ(load_error("isa: arm64\n"),
            "configs/x.yaml:1:6: isa: 'arm64' is not an ISA; valid: x86, arm, riscv (did you mean 'arm'?)");
  EXPECT_THAT(load_error("l1d: {replacement: lur}\n"),
              HasSubstr("l1d.replacement: 'lur' is not a replacement policy; valid: lru, plru, random, srrip, brrip, "
                        "drrip, ship (did you mean 'lru'?)"));
  EXPECT_THAT(load_error("bus: {arbitration: fifo2}\n"),
              HasSubstr("bus.arbitration: 'fifo2' is not an arbitration policy; valid: round_robin, fifo"));
}

TEST(ConfigErrors, ValueOutOfRange) {
  EXPECT_EQ(load_error("cores: 0\n"), "configs/x.yaml:1:8: cores: must be 1..256, got 0");
  EXPECT_EQ(load_error("cores: 257\n"), "configs/x.yaml:1:8: cores: must be 1..256, got 257");
  EXPECT_EQ(load_error("core:\n  store_buffer: -1\n"),
            "configs/x.yaml:2:17: core.store_buffer: must be 0..4096, got -1");
  EXPECT_EQ(load_error("l2: {mshrs: -1}\n"), "configs/x.yaml:1:13: l2.mshrs: must be 1..4096, got -1");
  EXPECT_EQ(load_error("memory: {latency: 0ns}\n"),
            "configs/x.yaml:1:19: memory.latency: must be > 0, at most 1000000cycles or 1ms, got 0ns");
  EXPECT_EQ(load_error("bus: {width: 24B}\n"), "configs/x.yaml:1:14: bus.width: must be a power of two, got 24");
}

TEST(ConfigErrors, LineSizeMustBeAPowerOfTwoBetween16And4096) {
  EXPECT_EQ(load_error("l1d:\n  line_size: 48\n"),
            "configs/x.yaml:2:14: l1d.line_size: must be a power of two, got 48");
  EXPECT_EQ(load_error("l1d:\n  line_size: 8B\n"), "configs/x.yaml:2:14: l1d.line_size: must be 16B..4KiB, got 8B");
  EXPECT_EQ(load_error("l1d:\n  line_size: 8KiB\n"), "configs/x.yaml:2:14: l1d.line_size: must be 16B..4KiB, got 8KiB");
}

TEST(ConfigErrors, WrongNodeType) {
  EXPECT_EQ(load_error("cores: [1, 2]\n"), "configs/x.yaml:1:8: cores: expected an integer such as 4, got a sequence");
  EXPECT_EQ(load_error("l1d:\n  size: {a: 1}\n"),
            "configs/x.yaml:2:9: l1d.size: expected a size such as 32KiB, got a mapping");
  EXPECT_EQ(load_error("l1d: 32KiB\n"),
            "configs/x.yaml:1:6: l1d: expected a mapping of its keys (size, assoc, line_size, latency, replacement, "
            "mshrs, prefetcher, prefetch_degree, prefetch_distance, ports, write_back, write_allocate, wc_entries, "
            "wc_drain_cycles, write_buffer, "
            "write_path_width), got a scalar "
            "'32KiB'");
  EXPECT_THAT(load_error("l2: [1]\n"), HasSubstr("or null, got a sequence"));
  EXPECT_EQ(load_error("- cores: 2\n"),
            "configs/x.yaml:1:1: the top level must be a mapping of keys (cores: 4, l1d: {...}), got a sequence");
  EXPECT_THAT(load_error("? [a, b]\n: 1\n"), HasSubstr("must be a plain name, got a sequence"));
}

TEST(ConfigErrors, MissingValuePointsAtTheKey) {
  EXPECT_EQ(load_error("l1d:\n  size:\n  assoc: 4\n"),
            "configs/x.yaml:2:3: l1d.size: missing value; expected a size such as 32KiB");
  EXPECT_EQ(load_error("coherence:\n  protocol: ~\n"),
            "configs/x.yaml:2:3: coherence.protocol: missing value; expected one of: dragon, mesi, mesif, moesi, msi");
}

TEST(ConfigErrors, DuplicateKey) {
  EXPECT_EQ(load_error("l1d:\n  size: 32KiB\n  size: 64KiB\n"),
            "configs/x.yaml:3:3: duplicate key 'size' in l1d (first given at line 2)");
  EXPECT_EQ(load_error("cores: 2\nl2: null\ncores: 4\n"),
            "configs/x.yaml:3:1: duplicate key 'cores' at the top level (first given at line 1)");
}

TEST(ConfigErrors, MalformedYamlGivesTheParserMessageWithLineAndColumn) {
  EXPECT_EQ(load_error("l1d: {size: 32KiB\n"), "configs/x.yaml:2:1: YAML syntax error: end of map flow not found");
  EXPECT_EQ(load_error("cores: 2\nl1d: size: 3\n"), "configs/x.yaml:2:10: YAML syntax error: illegal map value");
  EXPECT_EQ(load_error("l1d:\n\tsize: 32KiB\n"),
            "configs/x.yaml:2:6: YAML syntax error: illegal map value (line 2 is indented with a tab; YAML allows "
            "only spaces)");
  EXPECT_THAT(load_error("cores: *anchor\n"), StartsWith("configs/x.yaml:1:8: YAML syntax error: "));
  EXPECT_THAT(load_error("cores: 2\n---\ncores: 3\n"),
              StartsWith("configs/x.yaml:3:1: only one YAML document is allowed"));
}

// Before: yaml-cpp 0.7's LoadAll never advanced past a stray flow indicator and
// collected empty documents until memory ran out (`cohsim config check` hung).
TEST(ConfigErrors, AStrayCommaIsASyntaxErrorNotAHang) {
  EXPECT_THAT(load_error(",\n"), StartsWith("configs/x.yaml:1:1: YAML syntax error: cannot parse a document"));
  EXPECT_THAT(load_error(","), StartsWith("configs/x.yaml:1:1: YAML syntax error"));
  EXPECT_THAT(load_error("}\n"), StartsWith("configs/x.yaml:1:1: YAML syntax error"));
  EXPECT_THAT(load_error("# a comment\n,\n"), HasSubstr("YAML syntax error"));
  EXPECT_THAT(load_error("---\n,\n"), HasSubstr("YAML syntax error"));
  EXPECT_EQ(load_error("\n# only a comment\n"), "");
}

TEST(ConfigErrors, L1dCannotBeNull) {
  EXPECT_EQ(load_error("cores: 2\nl1d: null\n"),
            "configs/x.yaml:2:1: l1d cannot be null: every core needs an L1 data cache");
}

TEST(ConfigErrors, L3IsAlwaysShared) {
  EXPECT_EQ(load_error("l3:\n  shared: false\n"), "configs/x.yaml:2:11: l3.shared: l3 is always shared");
}

TEST(ConfigErrors, NumberOfSetsMustBeAPowerOfTwo) {
  EXPECT_EQ(load_error("l1d:\n  assoc: 3\n"),
            "configs/x.yaml:2:10: l1d: size 32KiB / (assoc 3 × line_size 64B) gives 170.7 sets; the number of "
            "sets must be a power of two (1, 2, 4, ...)");
  EXPECT_EQ(load_error("l2:\n  size: 48KiB\n"),
            "configs/x.yaml:2:9: l2: size 48KiB / (assoc 8 × line_size 64B) gives 96 sets; the number of sets must "
            "be a power of two (1, 2, 4, ...)");
  EXPECT_THAT(load_error("l3:\n  size: 512B\n"),
              HasSubstr("l3: size 512B / (assoc 16 × line_size 64B) gives 0.5 sets"));
  // A fully associative cache (one set) and a direct-mapped one are fine.
  EXPECT_EQ(load_text("l1d: {size: 256B, assoc: 4}\n").integer("l1d.assoc"), 4);
  EXPECT_EQ(load_text("l1d: {size: 256B, assoc: 1}\n").integer("l1d.assoc"), 1);
}

TEST(ConfigErrors, LineSizesMustAgreeAcrossLevels) {
  EXPECT_EQ(load_error("l1d:\n  size: 32KiB\nl2:\n  line_size: 128\n"),
            "configs/x.yaml:4:14: l2.line_size 128 differs from l1d.line_size 64; the levels must agree");
  // Only the L1's is given: the message still names both, at the key the user wrote.
  EXPECT_EQ(load_error("l1d:\n  line_size: 32B\n"),
            "configs/x.yaml:2:14: l2.line_size 64 differs from l1d.line_size 32; the levels must agree");
  Config ok = load_text("l1d: {line_size: 128}\nl2: {line_size: 128}\nl3: {line_size: 128}\n");
  EXPECT_EQ(ok.bytes("l3.line_size"), 128u);
  EXPECT_EQ(load_text("l1d: {line_size: 128}\nl2: null\nl3: null\n").bytes("l1d.line_size"), 128u);
}

// ---- --set ------------------------------------------------------------------------

TEST(ConfigSet, OverridesAKeyAndRecordsTheOrigin) {
  Config c = Config::defaults();
  c.set("l1d.size", "64KiB");
  EXPECT_EQ(c.bytes("l1d.size"), 64u * 1024);
  EXPECT_EQ(c.where("l1d.size"), "--set l1d.size=64KiB");
  c.set_assignment("cores=8");
  EXPECT_EQ(c.integer("cores"), 8);
  c.set_assignment(" coherence.protocol = msi ");
  EXPECT_EQ(c.choice("coherence.protocol"), "msi");
  c.set("l1d.latency", "\"2cycles\"");
  EXPECT_EQ(c.latency("l1d.latency"), (Latency{true, 2}));
}

TEST(ConfigSet, StringKeepsItsText) {
  Config c = Config::defaults();
  c.set_assignment("trace=traces/mp.trace");
  EXPECT_EQ(c.text("trace"), "traces/mp.trace");
  EXPECT_EQ(c.choice("trace"), "traces/mp.trace");
  EXPECT_THAT(c.to_yaml(), HasSubstr("\ntrace: \"traces/mp.trace\"\n"));
}

TEST(ConfigSet, NullRemovesALevelAndAKeyRecreatesItFromDefaults) {
  Config c = load_text("l2: {size: 1MiB, assoc: 16}\n");
  c.set_assignment("l2=null");
  EXPECT_FALSE(c.has_level("l2"));
  EXPECT_EQ(c.where("l2"), "--set l2=null");
  c.set_assignment("l2.size=512KiB");
  ASSERT_TRUE(c.has_level("l2"));
  EXPECT_EQ(c.bytes("l2.size"), 512u * 1024);
  EXPECT_EQ(c.integer("l2.assoc"), 8);  // the file's 16 went with the removed level
  EXPECT_EQ(c.where("l2.assoc"), "default");
  c.set("l3", "~");
  EXPECT_FALSE(c.has_level("l3"));
}

TEST(ConfigSet, RejectsWhatTheFileWouldReject) {
  Config c = Config::defaults();
  EXPECT_EQ(error_of([&] { c.set("l1d.size", "32KB"); }),
            "--set l1d.size=32KB: l1d.size: bad size '32KB': use KiB (1024 bytes) — did you mean 32KiB?");
  EXPECT_EQ(error_of([&] { c.set("l1d.sise", "64KiB"); }),
            "--set l1d.sise=64KiB: unknown key 'l1d.sise' in l1d; valid keys: l1d.size, l1d.assoc, l1d.line_size, "
            "l1d.latency, l1d.replacement, l1d.mshrs, l1d.prefetcher, l1d.prefetch_degree, l1d.prefetch_distance, "
            "l1d.ports, l1d.write_back, l1d.write_allocate, l1d.wc_entries, "
            "l1d.wc_drain_cycles, l1d.write_buffer, l1d.write_path_width "
            "(did you mean "
            "'l1d.size'?)");
  EXPECT_THAT(
      error_of([&] { c.set("l1.size", "64KiB"); }),
      HasSubstr(
          "unknown key 'l1.size'; valid keys: cores, isa, lse, seed, check, advice, max_cycles, watchdog, trace, core, l1d, "
          "l1i, l2, l3, "
          "coherence, uncore, bus, directory, network, numa, memory, dram, vm, dtlb, stlb (did you mean 'l1d.size'?)"));
  EXPECT_EQ(error_of([&] { c.set("coherence.protocol", "mesi2"); }),
            "--set coherence.protocol=mesi2: coherence.protocol: 'mesi2' is not a protocol; valid: dragon, mesi, "
            "mesif, moesi, msi (did you mean "
            "'mesi'?)");
  EXPECT_EQ(error_of([&] { c.set("l1d", "null"); }),
            "--set l1d=null: l1d cannot be null: every core needs an L1 data cache");
  EXPECT_THAT(error_of([&] { c.set("l2", "1MiB"); }), HasSubstr("l2 is a section; set one of its keys"));
  EXPECT_THAT(error_of([&] { c.set_assignment("cores"); }), HasSubstr("expected key=value"));
  EXPECT_EQ(error_of([&] { c.set("l3.shared", "false"); }), "--set l3.shared=false: l3.shared: l3 is always shared");
  EXPECT_EQ(fingerprint(c), fingerprint(Config::defaults()));  // nothing changed
}

TEST(ConfigSet, ReRunsTheCrossChecksAndLeavesTheConfigUnchangedOnError) {
  Config c = Config::defaults();
  EXPECT_EQ(error_of([&] { c.set("l2.line_size", "128"); }),
            "--set l2.line_size=128: l2.line_size 128 differs from l1d.line_size 64; the levels must agree");
  EXPECT_EQ(c.bytes("l2.line_size"), 64u);
  EXPECT_THAT(error_of([&] { c.set("l1d.assoc", "3"); }), HasSubstr("--set l1d.assoc=3: l1d: size 32KiB / (assoc 3"));
  EXPECT_EQ(c.integer("l1d.assoc"), 8);
  // Removing the other levels first makes the same change valid.
  c.set("l2", "null");
  c.set("l3", "null");
  c.set("l1d.line_size", "128");
  EXPECT_EQ(c.bytes("l1d.line_size"), 128u);
  // A level re-created from defaults must agree too.
  EXPECT_THAT(error_of([&] { c.set("l2.size", "1MiB"); }), HasSubstr("l2.line_size 64 differs"));
  EXPECT_FALSE(c.has_level("l2"));
}

// ---- Getters ----------------------------------------------------------------------

TEST(ConfigGetters, MisuseIsALogicError) {
  Config c = Config::defaults();
  EXPECT_THROW(c.integer("l1d.size"), std::logic_error);  // a size, not an int
  EXPECT_THROW(c.bytes("no.such.key"), std::logic_error);
  EXPECT_THROW(c.has_level("l4"), std::logic_error);
  EXPECT_THROW(c.where("nope"), std::logic_error);
  EXPECT_EQ(c.text("l1d.size"), "32KiB");
  EXPECT_EQ(c.text("memory.bandwidth"), "25.6GB/s");
}

// ---- to_yaml --------------------------------------------------------------------

TEST(ConfigYaml, ShowsEveryKeyWithItsDescription) {
  Config c = load_text("l2: null\n");
  std::string y = c.to_yaml();
  EXPECT_THAT(y,
              HasSubstr("# Number of cores, all identical; each runs one thread of the trace. [1..256]\ncores: 4\n"));
  EXPECT_THAT(y, HasSubstr("\nl1d:\n"));
  EXPECT_THAT(y, HasSubstr("\n  size: 32KiB\n"));
  EXPECT_THAT(y, HasSubstr("\nl2: null\n"));
  EXPECT_THAT(y, HasSubstr("  # Replacement policy: `lru` (true LRU), `plru` (tree pseudo-LRU; a power-of-two assoc)"));
  EXPECT_THAT(y, HasSubstr("See \"Replacement policies\" in README.md. [one of: lru, plru, random, srrip, brrip, drrip, "
                           "ship]\n  replacement: lru\n"));
  EXPECT_THAT(y, HasSubstr("memory:\n"));
  EXPECT_THAT(y, HasSubstr("  bandwidth: 25.6GB/s\n"));
  // Keys appear in declaration order.
  EXPECT_LT(y.find("cores:"), y.find("core:"));
  EXPECT_LT(y.find("core:"), y.find("l1d:"));
  EXPECT_LT(y.find("l3:"), y.find("memory:"));
}

TEST(ConfigYaml, RoundTripGivesTheSameConfig) {
  std::vector<Config> configs = {
      Config::defaults(),
      load_text("cores: 16\nl2: null\nl3: null\n"),
      load_text("l1d: {line_size: 128, size: 48KiB, assoc: 12, latency: 1cycle}\nl2: null\n"
                "l3: {line_size: 128, size: 32MiB, latency: 12.5ns}\ncore: {frequency: 2.4GHz}\n"
                "memory: {bandwidth: 19.2GiB/s, latency: 100cycles}\ncheck: true\nseed: 1_000\n"
                "trace: \"traces/my mp: \\\"quoted\\\".trace\"\n"),
  };
  for (const char* f : {"default", "classroom-msi", "laptop-x86", "shared-l2"})
    configs.push_back(Config::load(std::string(COHSIM_SOURCE_DIR) + "/configs/" + f + ".yaml"));
  for (const Config& c : configs) {
    Config again = Config::from_yaml(c.to_yaml(), "shown");
    EXPECT_EQ(fingerprint(again), fingerprint(c)) << c.to_yaml();
    EXPECT_EQ(again.to_yaml(), c.to_yaml());
  }
}

// ---- Shipped configs ----------------------------------------------------------------

Config shipped(const std::string& name) {
  return Config::load(std::string(COHSIM_SOURCE_DIR) + "/configs/" + name + ".yaml");
}

TEST(ConfigShipped, DefaultYamlSpellsOutTheDefaultsAndNamesTheDefaultTrace) {
  Config c = shipped("default");
  EXPECT_EQ(c.text("trace"), "../traces/default.trace");
  EXPECT_EQ(c.choice("memory.model"), "dram");  // DDR4-3200, the dram section's default preset
  EXPECT_EQ(c.choice("dram.preset"), "DDR4-3200");
  c.set("trace", "");
  c.set("memory.model", "fixed");
  EXPECT_EQ(fingerprint(c), fingerprint(Config::defaults()));
}

TEST(ConfigShipped, ClassroomMsiIsTwoCoresWithATinyL1Only) {
  Config c = shipped("classroom-msi");
  EXPECT_EQ(c.integer("cores"), 2);
  EXPECT_EQ(c.bytes("l1d.size") / c.bytes("l1d.line_size"), 4u);  // four lines
  EXPECT_FALSE(c.has_level("l2"));
  EXPECT_FALSE(c.has_level("l3"));
  EXPECT_EQ(c.choice("coherence.protocol"), "msi");
  EXPECT_TRUE(c.flag("check"));
}

TEST(ConfigShipped, LaptopX86HasPrivateL2AndSharedL3) {
  Config c = shipped("laptop-x86");
  EXPECT_EQ(c.integer("cores"), 4);
  EXPECT_EQ(c.choice("isa"), "x86");
  EXPECT_EQ(c.bytes("l1d.size"), 32u * 1024);
  EXPECT_EQ(c.integer("l1d.assoc"), 8);
  EXPECT_EQ(c.bytes("l2.size"), 512u * 1024);
  EXPECT_FALSE(c.flag("l2.shared"));
  EXPECT_EQ(c.bytes("l3.size"), 8u << 20);
  EXPECT_TRUE(c.flag("l3.shared"));
}

TEST(ConfigShipped, SharedL2HasEightCoresSharingTheL2) {
  Config c = shipped("shared-l2");
  EXPECT_EQ(c.integer("cores"), 8);
  ASSERT_TRUE(c.has_level("l2"));
  EXPECT_TRUE(c.flag("l2.shared"));
  EXPECT_FALSE(c.has_level("l3"));
}

// ---- docs/config.md ------------------------------------------------------------------

// docs/config.md is generated. To regenerate it after changing sim/params.cpp:
//   COHSIM_UPDATE_DOCS=1 <build>/tests/unit_tests --gtest_filter='ConfigDocs.*'
TEST(ConfigDocs, ReferenceIsUpToDate) {
  const std::string path = std::string(COHSIM_SOURCE_DIR) + "/docs/config.md";
  const std::string generated = config_reference_markdown();
  if (std::getenv("COHSIM_UPDATE_DOCS")) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << generated;
  }
  EXPECT_TRUE(read_file(path) == generated)
      << path << " is out of date with sim/params.cpp; regenerate it with\n"
      << "  COHSIM_UPDATE_DOCS=1 <build>/tests/unit_tests --gtest_filter='ConfigDocs.*'";
}

TEST(ConfigDocs, TheExampleLoads) {
  const std::string md = config_reference_markdown();
  std::size_t begin = md.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  Config c = Config::from_yaml(md.substr(begin, md.find("```", begin) - begin), "docs/config.md");
  EXPECT_FALSE(c.has_level("l2"));
}

TEST(ConfigDocs, EveryKeyHasARow) {
  const std::string md = config_reference_markdown();
  for (const auto& key : all_keys()) EXPECT_THAT(md, HasSubstr("| `" + key + "` |")) << key;
}

}  // namespace
}  // namespace cohsim
