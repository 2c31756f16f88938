// Programs run: the synchronisation workloads of traces/workloads/ (locks protecting a
// counter, a barrier, an SPSC ring, a seqlock) checked by their final values on every
// protocol, fabric and ISA and race-free under `cohsim races`; dependencies ordering
// accesses on the weak ISAs; a thread spinning forever ends with the watchdog's report.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "run_cohsim.hpp"

using cohsim::test::ParamName;
using cohsim::test::run_cli;
using cohsim::test::RunResult;
using cohsim::test::simulate;
using cohsim::test::write_temp;

namespace {

const std::string kDir = std::string(COHSIM_SOURCE_DIR) + "/traces/workloads/";
constexpr int kThreads = 4, kIters = 8;  // as traces/workloads/gen_workloads.py writes them

std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Checks the workload's correctness property on the run's final registers.
void check_values(const std::string& w, const RunResult& r) {
  if (w == "tas" || w == "ttas" || w == "ticket" || w == "mcs") {
    EXPECT_EQ(r.at("core0.regs.total"), kThreads * kIters) << "the counter lost increments";
  } else if (w == "barrier") {
    for (int t = 0; t < kThreads; ++t) {
      const std::string c = "core" + std::to_string(t) + ".regs.";
      EXPECT_EQ(r.at(c + "bad"), 0) << "thread " << t << " read a neighbour's slot of another round";
      EXPECT_EQ(r.at(c + "r"), kIters);
    }
  } else if (w == "spsc") {
    double sum = 0;
    for (int i = 0; i < kIters; ++i) sum += i + 100;
    EXPECT_EQ(r.at("core1.regs.sum"), sum) << "items lost, duplicated or read before written";
  } else if (w == "seqlock") {
    for (int t = 1; t < kThreads; ++t) {
      const std::string c = "core" + std::to_string(t) + ".regs.";
      EXPECT_EQ(r.at(c + "bad"), 0) << "thread " << t << " took a torn snapshot";
      EXPECT_EQ(r.at(c + "n"), kIters);
    }
  } else {
    ADD_FAILURE() << "no check for " << w;
  }
}

const char* const kWorkloads[] = {"tas", "ttas", "ticket", "mcs", "barrier", "spsc", "seqlock"};

class Workload : public ::testing::TestWithParam<std::tuple<const char*, const char*, const char*>> {};

// Every ISA (AArch64 with and without LSE atomics) on one protocol and fabric.
TEST_P(Workload, FinalValuesHoldOnEveryIsa) {
  const auto [w, protocol, fabric] = GetParam();
  const std::string trace = slurp(kDir + w + ".trace");
  ASSERT_FALSE(trace.empty());
  int seed = 0;
  for (const char* isa : {"x86", "arm", "arm+lse", "riscv"}) {
    SCOPED_TRACE(isa);
    const bool lse = std::string(isa) == "arm+lse";
    std::string yaml =
        "cores: 4\ncheck: true\ncore: {start_jitter: 50}\nisa: " + std::string(lse ? "arm\nlse: true" : isa) +
        "\ncoherence: {protocol: " + protocol + ", fabric: " + fabric + "}\n";
    auto r = simulate(yaml, trace, {"--seed", std::to_string(seed++)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.at("completed"), 1);
    check_values(w, r);
  }
}

std::vector<std::tuple<const char*, const char*, const char*>> grid() {
  std::vector<std::tuple<const char*, const char*, const char*>> v;
  for (const char* w : kWorkloads) {
    for (const char* p : {"msi", "mesi", "moesi", "mesif", "dragon"}) v.emplace_back(w, p, "bus");
    for (const char* p : {"msi", "mesi", "moesi"}) v.emplace_back(w, p, "directory");
  }
  return v;
}

INSTANTIATE_TEST_SUITE_P(Workloads, Workload, ::testing::ValuesIn(grid()), ParamName());

class WorkloadRaces : public ::testing::TestWithParam<const char*> {};

TEST_P(WorkloadRaces, NoDataRace) {
  for (const char* isa : {"x86", "arm"}) {
    auto r = run_cli({"races", kDir + GetParam() + ".trace", "--set", std::string("isa=") + isa});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("no data race"), std::string::npos) << r.out << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Workloads, WorkloadRaces, ::testing::ValuesIn(kWorkloads), ParamName());

// The race check can fail: the test-and-set lock with Relaxed orderings no longer
// orders the critical sections, and the plain counter accesses race.
TEST(WorkloadRacesCheck, ARelaxedLockRaces) {
  std::string t = slurp(kDir + "tas.trace");
  for (auto [from, to] : {std::pair<std::string, std::string>{"swap lock 1 Acquire", "swap lock 1 Relaxed"},
                          {"store lock 0 Release", "store lock 0 Relaxed"}})
    for (std::size_t at; (at = t.find(from)) != std::string::npos;) t.replace(at, from.size(), to);
  auto r = run_cli({"races", write_temp("tas_relaxed.trace", t)});
  EXPECT_NE(r.out.find("data races"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("store counter"), std::string::npos) << r.out;
}

// A thread waiting for a value nobody writes: the watchdog names it, its line and the
// value, and the run fails as the trace's error (exit status 1), not a hang.
TEST(Programs, SpinningForeverEndsWithTheWatchdogNamingTheWait) {
  auto r =
      simulate("cores: 2\nwatchdog: 20000\n", "thread 0\n  store x 1\nthread 1\n  load x\n  wait flag == 1 Acquire\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the trace spins forever"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("thread 1 spins at trace line 5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("== 1 (last value read: 0)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

// A loop through registers and addresses from registers computes what a hand count says.
TEST(Programs, LoopSumsThroughAnIndexRegister) {
  const std::string trace =
      "place arr 0x2000\n"
      "thread 0\n  store arr 5\n  store arr+8 6\n  store arr+16 7\n  store arr+24 8\n  store ready 1 Release\n"
      "thread 1\n  wait ready == 1 Acquire\n  mov 0 -> i\n  mov 0 -> sum\nloop:\n  load [arr + i] -> v\n"
      "  add sum v -> sum\n  add i 8 -> i\n  blt i 32 loop\n  sub sum 6 -> d\n";
  for (const char* isa : {"x86", "arm", "riscv"}) {
    auto r = simulate(std::string("cores: 2\ncheck: true\nisa: ") + isa + "\n", trace);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.at("core1.regs.sum"), 26) << isa;
    EXPECT_EQ(r.at("core1.regs.d"), 20) << isa;
    EXPECT_EQ(r.at("core1.regs.i"), 32) << isa;
  }
}

// Message passing with a barrier on the writer and an address dependency on the
// reader (MP+dmb+addr, herd7: forbidden on AArch64 and RISC-V): the reader's second
// load cannot be performed before its first one binds.
std::set<std::string> mp_outcomes(const char* isa, int seeds) {
  const std::string reader_load = "  xor r0 r0 -> z\n  load [x + z] -> r1\n";
  // Both lines start Shared in the reader's cache (as a litmus harness warms them);
  // the writer's stores then need upgrades while the reader's loads may hit.
  const std::string trace =
      "thread 0\n  load x -> w0\n  load y -> w1\n  compute 400\n  store x 1\n  fence SeqCst\n"
      "  store y 1\nthread 1\n  load x -> q0\n  load y -> q1\n  compute 380\n  load y -> r0\n" +
      reader_load;
  std::set<std::string> seen;
  for (int s = 0; s < seeds; ++s) {
    auto r = simulate(std::string("cores: 2\ncheck: true\ncore: {start_jitter: 60}\nisa: ") + isa + "\n", trace,
                      {"--seed", std::to_string(s)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    seen.insert(std::to_string(int(r.at("core1.regs.r0"))) + std::to_string(int(r.at("core1.regs.r1"))));
  }
  return seen;
}

TEST(Programs, AddressDependencyOrdersLoadsOnWeakIsas) {
  for (const char* isa : {"arm", "riscv"}) {
    SCOPED_TRACE(isa);
    const auto dep = mp_outcomes(isa, 40);
    EXPECT_FALSE(dep.count("10")) << "MP+dmb+addr: r0=1, r1=0 is forbidden";
    EXPECT_GE(dep.size(), 2u) << "the jitter should vary the interleaving";
  }
}

}  // namespace

namespace {

// The default workload's producer and consumer wait for each other (traces/gen_default.py):
// no data race, and the consumer's last value is the last round's last word.
TEST(DefaultTrace, ProducerConsumerWaitsAndIsRaceFree) {
  const std::string path = std::string(COHSIM_SOURCE_DIR) + "/traces/default.trace";
  auto r = run_cli({"races", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no data race"), std::string::npos) << r.out << r.err;
  for (const char* isa : {"x86", "arm", "riscv"}) {
    auto s = simulate(std::string("isa: ") + isa + "\ncheck: true\n", slurp(path));
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(s.at("core1.regs.flag"), 8) << isa;
    EXPECT_EQ(s.at("core1.regs.v"), 7 * 100 + 15) << isa;
  }
}

}  // namespace
