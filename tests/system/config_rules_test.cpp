// Every rule across configuration keys (config_rules(), registered beside the
// components whose keys they relate) is refused the same way by `cohsim config
// check`, `cohsim run` and --set: exit 1, one message that starts with the file:line
// (or the --set) of the key to blame and says what would be valid. Before, `config
// check` said ok to Dragon over a directory, numa.nodes: 2 on the bus, lse on x86, ...
// and `run` refused them while building the system (the mesh rule without a place).
// tests/python/test_config_rules.py runs the same table through cohsim.Config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "run_cohsim.hpp"
#include "sim/base/error.hpp"
#include "sim/config/config.hpp"

namespace cohsim {
namespace {

using test::run_cli;
using test::write_temp;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct RuleCase {
  const char* rule;                                     // the registered rule's name
  std::vector<std::pair<std::string, std::string>> kv;  // the keys that break it, in order
  std::string blamed;                                   // the key the message starts with
  const char* says;                                     // part of the message: what is wrong or valid
};

const std::vector<RuleCase>& cases() {
  static const std::vector<RuleCase> c = {
      {"cache.sets", {{"l1d.size", "48KiB"}}, "l1d.size", "the number of sets must be a power of two"},
      {"cache.line_size", {{"l2.line_size", "128B"}}, "l2.line_size", "differs from l1d.line_size 64"},
      {"l1i", {{"l2.shared", "true"}, {"l1i.size", "32KiB"}}, "l1i.size", "modelled only above a private L2"},
      {"l1d.write_back", {{"l2.shared", "true"}, {"l1d.write_back", "false"}}, "l1d.write_back",
       "Set l2.shared: false (with an l2 level), or l1d.write_back: true"},
      {"l1d.write_back", {{"l1d.wc_entries", "4"}}, "l1d.wc_entries", "set l1d.write_back: false, or l1d.wc_entries: 0"},
      {"l1d.write_back", {{"l1d.write_allocate", "false"}}, "l1d.write_allocate",
       "set l1d.write_back: false, or l1d.write_allocate: true"},
      {"l2.prefetcher", {{"l2.shared", "true"}, {"l2.prefetcher", "stream,ip_stride"}}, "l2.prefetcher",
       "ip_stride needs the PC of each access, which a shared L2 does not see"},
      {"l2.prefetcher", {{"l2.shared", "true"}, {"l2.inclusion", "exclusive"}, {"l2.prefetcher", "stream"}},
       "l2.prefetcher",
       "prefetching into it is not modelled; set l2.prefetcher: none or l2.inclusion to one of: nine, inclusive"},
      {"l3.prefetcher", {{"l3.prefetcher", "next_line,ip_stride"}}, "l3.prefetcher",
       "ip_stride needs the PC of each access, which the L3 does not see"},
      {"l3.prefetcher", {{"l3.inclusion", "exclusive"}, {"l3.prefetcher", "stream"}}, "l3.prefetcher",
       "prefetching into it is not modelled; set l3.prefetcher: none or l3.inclusion to one of: nine, inclusive"},
      {"tlb.sets", {{"dtlb.entries", "48"}}, "dtlb.entries", "must give a power-of-two number of sets"},
      {"vm.format", {{"isa", "arm"}, {"vm.format", "sv39"}}, "vm.format", "for isa arm use one of: auto, arm-4k"},
      {"dram", {{"memory.model", "dram"}, {"dram.burst_length", "4"}}, "memory.model", "they must be equal"},
      {"vm.regions", {{"vm.regions", "0x1000+4KiB:rwx"}}, "vm.regions", "valid: rw, ro, none"},
      {"coherence.protocol",
       {{"coherence.protocol", "dragon"}, {"coherence.fabric", "directory"}},
       "coherence.protocol",
       "on a directory the choices are: mesi, moesi, msi"},
      {"numa.nodes", {{"numa.nodes", "2"}}, "numa.nodes", "set coherence.fabric: directory"},
      {"directory.entries",
       {{"directory.entries", "64"}},
       "directory.entries",
       "set coherence.fabric: directory, or directory.entries: unlimited"},
      {"network.buffer_entries",
       {{"network.buffer_entries", "2"}},
       "network.buffer_entries",
       "set coherence.fabric: directory, or network.buffer_entries: unlimited"},
      {"network.injection_entries",
       {{"coherence.fabric", "directory"}, {"network.injection_entries", "2"}},
       "network.injection_entries",
       "set network.buffer_entries to a number, or drop network.injection_entries"},
      {"numa.home", {{"numa.home", "page"}}, "numa.home", "set vm.enabled: true, or numa.home: interleave"},
      {"numa.interleave", {{"numa.interleave", "32B"}}, "numa.interleave", "valid: a power of two from 64B"},
      {"vm.memory_size",
       {{"coherence.fabric", "directory"}, {"numa.nodes", "3"}, {"vm.enabled", "true"}, {"vm.memory_size", "4GiB"}},
       "vm.memory_size",
       "valid: a multiple of 3GiB"},
      {"l2.write_back", {{"l2.write_back", "false"}}, "l2.write_back", "set l2.shared: true"},
      {"numa.mesh_columns",
       {{"coherence.fabric", "directory"}, {"numa.nodes", "6"}, {"numa.topology", "mesh"}, {"numa.mesh_columns", "4"}},
       "numa.mesh_columns",
       "a divisor of numa.nodes (1, 2, 3, 6)"},
      {"lse", {{"lse", "true"}}, "lse", "set isa: arm, or lse: false"},
      {"vm.bind_node", {{"vm.enabled", "true"}, {"vm.bind_node", "1"}}, "vm.bind_node", "valid: 0..0"},
      {"bus.response_jitter",
       {{"bus.transactions", "atomic"}, {"bus.request_jitter", "16"}},
       "bus.request_jitter",
       "set bus.transactions: split, or bus.request_jitter: 0"},
      {"bus.writeback_delay",
       {{"bus.transactions", "atomic"}, {"bus.writeback_delay", "100"}},
       "bus.writeback_delay",
       "set bus.transactions: split, or bus.writeback_delay: 0"},
      {"bus.writeback_delay", {{"cores", "4"}, {"bus.writeback_delay_core", "4"}}, "bus.writeback_delay_core",
       "choose 0..3, or -1 for every core"},
      {"network.put_delay",
       {{"coherence.fabric", "bus"}, {"network.owner_data_delay", "100"}},
       "network.owner_data_delay",
       "set coherence.fabric: directory, or network.owner_data_delay: 0"},
      {"network.put_delay",
       {{"coherence.fabric", "directory"}, {"cores", "4"}, {"network.put_delay_core", "4"}},
       "network.put_delay_core",
       "choose 0..3, or -1 for every core"},
      {"watchdog",
       {{"memory.model", "fixed"}, {"memory.latency", "1ms"}},
       "memory.latency",
       "longer than the watchdog (1000000 core cycles)"},
      {"l2.inclusion", {{"l2.inclusion", "exclusive"}}, "l2.inclusion", "valid: nine, inclusive"},
      {"l2.inclusion", {{"l2.shared", "true"}, {"l2.inclusion", "exclusive"}, {"l2.write_allocate", "false"}},
       "l2.write_allocate", "set it to true, or l2.inclusion to one of: nine, inclusive"},
      {"l3.inclusion", {{"l2.shared", "true"}, {"l2.inclusion", "exclusive"}, {"l3.inclusion", "exclusive"}},
       "l3.inclusion", "set l3.inclusion to one of: nine, inclusive"},
      {"l3.inclusion", {{"l3.inclusion", "exclusive"}, {"l3.write_allocate", "false"}}, "l3.write_allocate",
       "an exclusive L3 under private caches takes their dirty victims in"},
      {"cache.footprint", {{"cores", "256"}, {"l1d.size", "1GiB"}}, "l1d.size", "valid: at most 64GiB"},
      {"replacement.plru",
       {{"l1d.replacement", "plru"}, {"l1d.assoc", "12"}, {"l1d.size", "48KiB"}},
       "l1d.replacement",
       "needs a power-of-two l1d.assoc, got 12; valid: l1d.assoc 8 or 16, or another l1d.replacement"},
  };
  return c;
}

// The case's keys as YAML, one per line, grouped by section; `line` gets the line
// of `blamed`.
std::string yaml_of(const RuleCase& c, int& line) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_section;
  for (const auto& [k, v] : c.kv) {
    const auto dot = k.find('.');
    const std::string s = dot == std::string::npos ? "" : k.substr(0, dot);
    if (!by_section.count(s)) order.push_back(s);
    by_section[s].push_back({dot == std::string::npos ? k : k.substr(dot + 1), v});
  }
  std::string y;
  int n = 0;
  for (const std::string& s : order) {
    if (!s.empty()) y += s + ":\n", ++n;
    for (const auto& [name, v] : by_section[s]) {
      y += (s.empty() ? "" : "  ") + name + ": " + v + "\n", ++n;
      if ((s.empty() ? name : s + "." + name) == c.blamed) line = n;
    }
  }
  return y;
}

std::string set_of(const RuleCase& c, const std::string& key) {
  for (const auto& [k, v] : c.kv)
    if (k == key) return "--set " + k + "=" + v;
  return "";
}

class ConfigRules : public ::testing::TestWithParam<RuleCase> {};

TEST_P(ConfigRules, ConfigCheckRunAndSetRefuseItNamingTheKeysPlace) {
  const RuleCase& c = GetParam();
  int line = 0;
  const std::string path = write_temp("rule.yaml", yaml_of(c, line));
  ASSERT_GT(line, 0);
  const std::string at = path + ":" + std::to_string(line) + ":";

  auto check = run_cli({"config", "check", path});
  EXPECT_EQ(check.exit_code, 1) << check.out;
  EXPECT_THAT(check.err, StartsWith("cohsim: error: " + at)) << check.err;
  EXPECT_THAT(check.err, HasSubstr(c.says));

  const std::string trace = write_temp("t.trace", "thread 0\n  load 0x40 -> a\n");
  auto run = run_cli({"run", path, "--trace", trace});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, check.err);

  auto stress = run_cli({"stress", path, "--ops", "10"});
  EXPECT_EQ(stress.exit_code, 1);
  EXPECT_EQ(stress.err, check.err);

  std::vector<std::string> args = {"config", "check", write_temp("empty.yaml", "")};
  for (const auto& [k, v] : c.kv) args.insert(args.end(), {"--set", k + "=" + v});
  auto set = run_cli(args);
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_THAT(set.err, StartsWith("cohsim: error: " + set_of(c, c.blamed) + ": ")) << set.err;
  EXPECT_THAT(set.err, HasSubstr(c.says));

  // In the library, as Python's Config sees it: the same message, nothing changed.
  Config cfg = Config::defaults();
  try {
    cfg.set_all(c.kv);
    ADD_FAILURE() << "accepted";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), StartsWith(set_of(c, c.blamed) + ": "));
  }
  EXPECT_EQ(cfg.to_yaml(), Config::defaults().to_yaml());
}

INSTANTIATE_TEST_SUITE_P(EveryRule, ConfigRules, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<RuleCase>& i) {
                           std::string n = i.param.rule;
                           // A rule with several cases: the later ones are numbered.
                           int same = 0;
                           for (std::size_t k = 0; k < i.index; ++k) same += n == cases()[k].rule;
                           if (same) n += "_" + std::to_string(same + 1);
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// A rule registered without a case above fails here: each rule is tested.
TEST(ConfigRulesTable, EveryRegisteredRuleHasACase) {
  std::set<std::string> tested;
  for (const RuleCase& c : cases()) tested.insert(c.rule);
  for (const std::string& name : config_rules().names()) EXPECT_TRUE(tested.count(name)) << name << " has no case";
  EXPECT_EQ(tested.size(), config_rules().names().size());
}

// Before: the rules ran after each --set, so the first of two assignments that only
// together make a valid cache was refused.
TEST(ConfigRulesTable, SetOrderDoesNotMatter) {
  const std::string empty = write_temp("empty.yaml", "");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--set", "l1d.size=256B", "--set", "l1d.assoc=2"}, {"--set", "l1d.assoc=2", "--set", "l1d.size=256B"}}) {
    std::vector<std::string> a = {"config", "show", empty};
    a.insert(a.end(), args.begin(), args.end());
    auto r = run_cli(a);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("  size: 256B\n"));
    EXPECT_THAT(r.out, HasSubstr("  assoc: 2\n"));
  }
  Config a = Config::defaults(), b = Config::defaults();
  a.set_all({{"l1d.size", "256B"}, {"l1d.assoc", "2"}});
  b.set_all({{"l1d.assoc", "2"}, {"l1d.size", "256B"}});
  EXPECT_EQ(a.to_yaml(), b.to_yaml());
  // A key given twice: the later value wins, as on a command line.
  a.set_all({{"cores", "2"}, {"cores", "3"}});
  EXPECT_EQ(a.integer("cores"), 3);
}

}  // namespace
}  // namespace cohsim
