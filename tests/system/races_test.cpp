// `cohsim races`: whole runs of the example traces in traces/races/ on every ISA.
#include <dirent.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::write_temp;

namespace {

const std::string kDir = std::string(COHSIM_SOURCE_DIR) + "/traces/races/";

struct Case {
  const char* file;
  const char* races;  // the report's race lines, "" for none
};

const Case kCases[] = {
    {"mp_release_acquire.trace", ""},
    {"mp_too_early.trace", "race: line 6 (thread 0, store x) and line 10 (thread 1, load x)\n"},
    {"mp_relaxed.trace", "race: line 4 (thread 0, store x) and line 9 (thread 1, load x)\n"},
    {"mp_fences.trace", ""},
    {"release_sequence.trace", ""},
    {"broken_release_sequence.trace", "race: line 5 (thread 0, store data) and line 13 (thread 2, load data)\n"},
    {"mixed_size.trace", "race: line 6 (thread 0, store.4 word+4) and line 9 (thread 1, load word)\n"},
    {"atomics_only.trace", ""},
    {"lock_handoff.trace", ""},
};

TEST(Races, ExampleTracesOnEveryIsa) {
  for (const char* isa : {"x86", "arm", "riscv"})
    for (const Case& c : kCases) {
      auto r = run_cli({"races", kDir + c.file, "--isa", isa, "--seed", "3"});
      const std::string want = c.races;
      EXPECT_EQ(r.exit_code, want.empty() ? 0 : 4) << c.file << " " << isa << "\n" << r.out << r.err;
      const std::string listed = r.out.substr(0, r.out.rfind('\n', r.out.size() - 2) + 1);
      if (want.empty()) EXPECT_EQ(r.out.rfind("no data race (seed 3, isa ", 0), 0u) << c.file << " " << isa << r.out;
      else EXPECT_EQ(listed, want) << c.file << " " << isa;
    }
}

TEST(Races, RunsUnionSeedsInChildProcessesAndJson) {
  auto r = run_cli({"races", kDir + "mp_relaxed.trace", "--runs", "3", "--seed", "5", "--json"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.out.find("\"seeds\": [5, 6, 7]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"line\": 4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"text\": \"load x\""), std::string::npos) << r.out;
  auto clean = run_cli({"races", kDir + "mp_fences.trace", "--runs", "2", "--json", "--isa", "arm"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.out.find("\"races\": []"), std::string::npos) << clean.out;
}

TEST(Races, UserMistakes) {
  auto missing = run_cli({"races", "/nonexistent.trace"});
  EXPECT_EQ(missing.exit_code, 1);
  auto bad = run_cli({"races", kDir + "mp_fences.trace", "--isa", "mips"});
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  auto usage = run_cli({"races"});
  EXPECT_EQ(usage.exit_code, 2);
  const std::string t = write_temp("bad.trace", "thread 0\n  store x 1 Aquire\n");
  auto parse = run_cli({"races", t});
  EXPECT_EQ(parse.exit_code, 1);
  EXPECT_NE(parse.err.find("bad.trace:2"), std::string::npos) << parse.err;
}

}  // namespace

namespace {

// The litmus catalogue: the plain-data variants race exactly when the file says they
// do, once each later thread starts after the earlier ones have published (--stagger);
// every other test of the catalogue (all-atomic) never races.
TEST(Races, LitmusCatalogueRacyVariantsFlaggedRaceFreeOnesClean) {
  const std::string dir = std::string(COHSIM_SOURCE_DIR) + "/traces/litmus/";
  const std::map<std::string, int> plain = {
      {"MP+plain+rlx.litmus", 1},           {"SB+plain.litmus", 2},
      {"MP+plain+rel+acq.litmus", 0},       {"MP+plain+fences.litmus", 0},
      {"Spinlock+plain+acq+rel.litmus", 0},
  };
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 7 && n.substr(n.size() - 7) == ".litmus") files.push_back(n);
    }
    closedir(d);
  }
  ASSERT_GE(files.size(), 40u);
  std::size_t plain_seen = 0;
  for (auto& file : files) {
    const bool has_plain = file.find("plain") != std::string::npos;
    if (has_plain) {
      ASSERT_TRUE(plain.count(file)) << file << ": a plain-data test with no expected race count here";
      ++plain_seen;
    }
    const int n = has_plain ? plain.at(file) : 0;
    for (const char* isa : {"x86", "arm", "riscv"}) {
      auto r = run_cli({"races", dir + file, "--isa", isa, "--stagger", "3000", "--runs", "2"});
      EXPECT_EQ(r.exit_code, n ? 4 : 0) << file << " " << isa << "\n" << r.out << r.err;
      std::size_t lines = 0;
      for (std::size_t p = 0; (p = r.out.find("race: line", p)) != std::string::npos; ++p) ++lines;
      EXPECT_EQ(lines, std::size_t(n)) << file << " " << isa << "\n" << r.out;
    }
  }
  EXPECT_EQ(plain_seen, plain.size());
}

}  // namespace
