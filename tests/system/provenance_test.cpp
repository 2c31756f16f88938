// The statistics JSON says what produced it ("_provenance"), and a run is reproduced
// from that alone: `cohsim run --from-stats OLD.json`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "run_cohsim.hpp"
#include "sim/base/version.hpp"

using cohsim::test::run_cli;
using cohsim::test::simulate;
using cohsim::test::temp_dir;
using cohsim::test::write_temp;

namespace {

// FNV-1a 64 as its definition reads (offset basis, then per byte: xor, multiply by the
// FNV prime), written here apart from the simulator's.
std::string fnv1a64_hex(const std::string& bytes) {
  unsigned long long h = 14695981039346656037ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", h);
  return b;
}

std::string read(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// Two threads sharing lines; start jitter makes the seed matter.
std::string sharing_trace() {
  std::string t;
  for (int th = 0; th < 2; ++th) {
    t += "thread " + std::to_string(th) + "\n";
    for (int i = 0; i < 200; ++i)
      t += (i % 3 ? "  load " : "  store ") + std::to_string(0x1000 + (i * 5 + th) % 23 * 64) +
           (i % 3 ? " -> r1\n" : " " + std::to_string(i) + "\n");
  }
  return t;
}

const char* kYaml = "cores: 2\ncore: {start_jitter: 300}\nl1d: {size: 1KiB, assoc: 2}\n";

TEST(Provenance, StatsJsonSaysWhatProducedIt) {
  const std::string trace_text = sharing_trace();
  auto r = simulate(kYaml, trace_text, {"--seed", "7", "--set", "l1d.assoc=4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(r.json);
  // "_provenance" is one object, the last member; every other key is a statistic
  ASSERT_TRUE(j.contains("_provenance"));
  EXPECT_EQ(std::prev(j.end()).key(), "_provenance");
  const auto& p = j["_provenance"];
  EXPECT_EQ(p["cohsim_version"], cohsim::cohsim_version());
  EXPECT_EQ(p["commit"], cohsim::cohsim_commit());
  EXPECT_EQ(p["seed"], 7u);
  EXPECT_EQ(p["max_cycles"], 0u);
  // the trace: its absolute path, size and hash
  const std::string trace_path = p["trace"]["path"];
  EXPECT_EQ(trace_path[0], '/');
  EXPECT_EQ(read(trace_path), trace_text);
  EXPECT_EQ(p["trace"]["bytes"], trace_text.size());
  EXPECT_EQ(p["trace"]["fnv1a64"], fnv1a64_hex(trace_text));
  // the resolved configuration is `config show`'s YAML, --set and seed applied
  const std::string cfg = write_temp("prov.yaml", kYaml);
  auto show = run_cli({"config", "show", cfg, "--set", "l1d.assoc=4", "--set", "seed=7"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(p["config"].get<std::string>(), show.out);
  // the host's time, UTC, ISO 8601, within a minute of now
  const std::string when = p["host_time"];
  ASSERT_TRUE(std::regex_match(when, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << when;
  std::tm tm{};
  strptime(when.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  EXPECT_LT(std::llabs(static_cast<long long>(timegm(&tm) - std::time(nullptr))), 60);
  // FNV-1a 64's published test vectors check the test's own function
  EXPECT_EQ(fnv1a64_hex(""), "cbf29ce484222325");
  EXPECT_EQ(fnv1a64_hex("a"), "af63dc4c8601ec8c");
}

TEST(Provenance, CountsAreIntegersAndFiguresReals) {
  auto r = simulate(kYaml, sharing_trace());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.json);
  EXPECT_TRUE(j["cycles"].is_number_unsigned());
  EXPECT_TRUE(j["core0.l1d.hits"].is_number_unsigned());
  EXPECT_TRUE(j["core0.l1d.hit_rate"].is_number_float());
  // a count of 0 is written 0; a real keeps its point even when whole (706.0, not 706)
  EXPECT_NE(r.json.find("\"core0.l1d.rmw_hits\": 0,\n"), std::string::npos);
  int reals = 0;
  for (auto& [k, v] : j.items()) {
    if (!v.is_number_float()) continue;
    const std::size_t at = r.json.find("\"" + k + "\": ");
    ASSERT_NE(at, std::string::npos) << k;
    const std::string token = r.json.substr(at + k.size() + 4, r.json.find_first_of(",\n", at + k.size() + 4) - (at + k.size() + 4));
    EXPECT_NE(token.find_first_of(".e"), std::string::npos) << k << ": " << token;
    ++reals;
  }
  EXPECT_GT(reals, 10);
}

TEST(Provenance, FromStatsRerunsTheRunAlone) {
  const std::string trace_text = sharing_trace();
  auto a = simulate(kYaml, trace_text, {"--seed", "7", "--set", "l1d.assoc=4"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto p = nlohmann::json::parse(a.json)["_provenance"];
  const std::string old = temp_dir() + "/old.json", again = temp_dir() + "/again.json";
  std::ofstream(old) << a.json;
  auto b = run_cli({"run", "--from-stats", old, "--stats", again, "--quiet"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  cohsim::test::RunResult rb;
  rb.json = read(again);
  EXPECT_EQ(rb.statistics_json(), a.statistics_json());
  // what it reproduced depends on the seed and the --set: another seed, or the file's
  // own configuration, give other statistics (so the rerun did take them from it)
  auto other_seed = simulate(kYaml, trace_text, {"--seed", "8", "--set", "l1d.assoc=4"});
  EXPECT_NE(other_seed.statistics_json(), a.statistics_json());
  auto no_set = simulate(kYaml, trace_text, {"--seed", "7"});
  EXPECT_NE(no_set.statistics_json(), a.statistics_json());

  // the trace changed: refused, naming it and both hashes
  {
    std::ofstream(p["trace"]["path"].get<std::string>(), std::ios::app) << "  load 0x40 -> r2\n";
  }
  auto c = run_cli({"run", "--from-stats", old, "--quiet"});
  EXPECT_NE(c.exit_code, 0);
  EXPECT_NE(c.err.find("changed since the run"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find(p["trace"]["fnv1a64"].get<std::string>()), std::string::npos) << c.err;
  // what comes from the file cannot also be given
  auto d = run_cli({"run", write_temp("x.yaml", kYaml), "--from-stats", old});
  EXPECT_EQ(d.exit_code, 2) << d.err;
  EXPECT_NE(d.err.find("--from-stats reruns the recorded run"), std::string::npos) << d.err;
  // a file without provenance
  auto e = run_cli({"run", "--from-stats", write_temp("bare.json", "{\"cycles\": 3}\n")});
  EXPECT_NE(e.exit_code, 0);
  EXPECT_NE(e.err.find("no \"_provenance\""), std::string::npos) << e.err;
}

}  // namespace
