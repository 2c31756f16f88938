// Recording real programs (cohsim record, tools/record/): a C program with a
// lock-protected counter and a Release/Acquire message pass is compiled with clang's
// -fsanitize=thread instrumentation, linked with libcohsim_record.so, recorded, and
// replayed on every ISA under MESI and MOESI: the replay's final values are the ones
// the program printed natively. `cohsim races` flags the racy build and not the fixed one.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::run_cli;
using cohsim::test::RunResult;
using cohsim::test::temp_dir;

namespace {

const std::string kSrc = std::string(COHSIM_SOURCE_DIR) + "/traces/programs/counter_mp.c";

bool have_clang() { return std::system("command -v clang >/dev/null 2>&1") == 0; }

std::string build_dir() {
  const std::string b = COHSIM_BINARY;
  return b.substr(0, b.rfind('/'));
}

// Runs a shell command; its exit status and stdout.
int shell(const std::string& cmd, std::string* out = nullptr) {
  const std::string file = temp_dir() + "/shell.out";
  const int st = std::system((cmd + " >" + file + " 2>&1").c_str());
  if (out) {
    std::ifstream f(file);
    std::stringstream s;
    s << f.rdbuf();
    *out = s.str();
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Compiles counter_mp.c (with FLAGS) into DIR/prog; its native output.
std::string compile(const std::string& dir, const std::string& flags) {
  const std::string b = build_dir();
  std::string out;
  EXPECT_EQ(shell("clang -fsanitize=thread -O1 " + flags + " -c " + kSrc + " -o " + dir + "/prog.o && clang " + dir +
                      "/prog.o -o " + dir + "/prog -rdynamic -pthread -L " + b + " -lcohsim_record -Wl,-rpath," + b,
                  &out),
            0)
      << out;
  EXPECT_EQ(shell(dir + "/prog", &out), 0) << out;
  return out;
}

long printed(const std::string& out, const std::string& name) {
  const auto p = out.find(name + " ");
  EXPECT_NE(p, std::string::npos) << out;
  return p == std::string::npos ? -1 : std::stol(out.substr(p + name.size() + 1));
}

TEST(Record, CounterAndMessagePassReplayWithNativeValues) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const std::string dir = temp_dir();
  const std::string native = compile(dir, "");
  const long counter = printed(native, "counter"), seen = printed(native, "seen");
  EXPECT_EQ(counter, 60);  // 3 threads x 20 increments under the lock
  EXPECT_EQ(seen, 42);
  const std::string trace = dir + "/prog.trace";
  const RunResult rec = run_cli({"record", "-o", trace, "--", dir + "/prog"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  // A spin is replayed as a wait, the mutex as ticket turns in its own word.
  std::ifstream f(trace);
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_NE(s.str().find("wait.4 ready == 1 Acquire"), std::string::npos) << s.str();
  EXPECT_NE(s.str().find("wait lock == 59 Acquire"), std::string::npos);
  EXPECT_NE(s.str().find("store lock 60 Release"), std::string::npos);
  for (const char* isa : {"x86", "arm", "riscv"})
    for (const char* protocol : {"mesi", "moesi"}) {
      SCOPED_TRACE(std::string(isa) + " " + protocol);
      const std::string yaml =
          "cores: 4\ncheck: true\nisa: " + std::string(isa) + "\ncoherence: {protocol: " + protocol + "}\n";
      const RunResult r = cohsim::test::simulate(yaml, s.str());
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.at("core0.regs.counter"), counter);
      EXPECT_EQ(r.at("core0.regs.seen"), seen);
      EXPECT_EQ(r.at("core0.regs.data"), 42);
    }
  const RunResult races = run_cli({"races", trace});
  EXPECT_EQ(races.exit_code, 0) << races.out << races.err;
  EXPECT_NE(races.out.find("no data race"), std::string::npos);
}

TEST(Record, RacesFlagsTheUnlockedCounter) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const std::string dir = temp_dir();
  compile(dir, "-DRACY");
  const std::string trace = dir + "/racy.trace";
  ASSERT_EQ(run_cli({"record", "-o", trace, "--", dir + "/prog"}).exit_code, 0);
  const RunResult races = run_cli({"races", trace});
  EXPECT_EQ(races.exit_code, 4) << races.out << races.err;
  EXPECT_NE(races.out.find("store counter"), std::string::npos) << races.out;
}

// A recorded spin is replayed as a wait that polls the simulated memory, not as the
// recording's iterations: with slower simulated caches the waiting main thread polls
// `ready` a different number of times, while the recorded synchronisation order (the
// mutex's ticket turns, the Release/Acquire hand-off) and so every final value stay
// those of the native run.
TEST(Record, SpinIterationsFollowTheSimulatedLatencyAndTheOrderStays) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const std::string dir = temp_dir();
  const std::string native = compile(dir, "");
  const std::string trace = dir + "/prog.trace";
  ASSERT_EQ(run_cli({"record", "-o", trace, "--", dir + "/prog"}).exit_code, 0);
  std::ifstream f(trace);
  std::stringstream s;
  s << f.rdbuf();
  const std::string base = "cores: 4\ncheck: true\n";
  const RunResult fast = cohsim::test::simulate(base, s.str());
  const RunResult slow = cohsim::test::simulate(base + "l2: {latency: 300cycles}\nl3: {latency: 900cycles}\n", s.str());
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  ASSERT_EQ(slow.exit_code, 0) << slow.err;
  for (const RunResult* r : {&fast, &slow}) {
    EXPECT_EQ(r->at("core0.regs.counter"), printed(native, "counter"));
    EXPECT_EQ(r->at("core0.regs.seen"), printed(native, "seen"));
    EXPECT_EQ(r->at("core0.regs.data"), 42);
  }
  // Main's loads are its polls of `ready` plus a fixed few: a different count means a
  // different number of spin iterations.
  std::cout << "core0.loads " << fast.at("core0.loads") << " (default latencies, " << fast.at("cycles")
            << " cycles) vs " << slow.at("core0.loads") << " (slow L2/L3, " << slow.at("cycles") << " cycles)\n";
  EXPECT_NE(fast.at("core0.loads"), slow.at("core0.loads"));
  EXPECT_GT(slow.at("cycles"), fast.at("cycles"));
}

// False sharing recorded: the parallel sum's slots in one line cost more GetM than
// padded slots, and the replayed slots add up to the printed total.
TEST(Record, ParallelSumFalseSharingCostsGetM) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const std::string dir = temp_dir(), b = build_dir();
  const std::string src = std::string(COHSIM_SOURCE_DIR) + "/traces/programs/parallel_sum.c";
  double getm[2];
  for (int padded = 0; padded < 2; ++padded) {
    SCOPED_TRACE(padded ? "padded" : "one line");
    std::string out;
    ASSERT_EQ(shell("clang -fsanitize=thread -O1 " + std::string(padded ? "-DPADDED " : "") + "-c " + src + " -o " +
                        dir + "/ps.o && clang " + dir + "/ps.o -o " + dir + "/ps -rdynamic -pthread -L " + b +
                        " -lcohsim_record -Wl,-rpath," + b + " && " + dir + "/ps",
                    &out),
              0)
        << out;
    const long total = printed(out, "total");
    EXPECT_EQ(total, 256 * 257 / 2);
    const std::string trace = dir + "/ps.trace";
    ASSERT_EQ(run_cli({"record", "-o", trace, "--", dir + "/ps"}).exit_code, 0);
    std::ifstream f(trace);
    std::stringstream s;
    s << f.rdbuf();
    const RunResult r = cohsim::test::simulate("cores: 5\ncheck: true\n", s.str());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    double sum = 0;
    for (int i = 0; i < 4; ++i)
      sum += r.at(i ? "core0.regs.partial_" + std::to_string(i * (padded ? 64 : 8)) : "core0.regs.partial");
    EXPECT_EQ(sum, total);
    getm[padded] = r.at("bus.msgs.GetM");
  }
  EXPECT_GT(getm[0], getm[1]) << "slots in one line should cost more exclusive requests than padded ones";
}

// The workload library (traces/programs/, docs/workloads.md): each program is
// compiled, run natively, recorded and replayed on each ISA, under MESI and MOESI; the
// replay's registers hold the values the program printed. `regs` pairs each printed
// name with the register the replay writes it to (a load of the global by main).
struct Workload {
  const char* file;
  std::vector<std::pair<std::string, std::string>> regs;  // printed name -> register
  std::map<std::string, long> expect;                     // printed name -> value a student computes by hand
  int cores;
};

// The "name value" lines of a program's output (other lines are skipped).
std::map<std::string, long> printed_values(const std::string& out) {
  std::map<std::string, long> v;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string name, rest;
    long value;
    if (l >> name >> value && !(l >> rest)) v[name] = value;
  }
  return v;
}

// Runs EXE natively, records it and replays the trace on each ISA.
void check_recording(const Workload& w, const std::string& exe) {
  const std::string dir = temp_dir();
  std::string out;
  ASSERT_EQ(shell(exe, &out), 0) << out;
  const auto native = printed_values(out);
  for (const auto& [name, value] : w.expect) EXPECT_EQ(native.count(name) ? native.at(name) : -1, value) << name;
  const std::string trace = dir + "/p.trace";
  const RunResult rec = run_cli({"record", "-o", trace, "--", exe});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  // The recorded run's own output: values that depend on the interleaving (which
  // consumer took which item) are the recorded run's, and the replay must have them.
  const auto recorded = printed_values(rec.out);
  for (const auto& [name, value] : w.expect) EXPECT_EQ(recorded.count(name) ? recorded.at(name) : -1, value) << name;
  std::ifstream f(trace);
  std::stringstream s;
  s << f.rdbuf();
  // Each ISA once and each protocol (the full table is scripts/workload_table.py's).
  for (const auto& [isa, protocol] :
       std::vector<std::pair<std::string, std::string>>{{"x86", "mesi"}, {"arm", "moesi"}, {"riscv", "mesi"}}) {
    SCOPED_TRACE(std::string(w.file) + " " + isa + " " + protocol);
    const std::string yaml = "cores: " + std::to_string(w.cores) + "\ncheck: true\nisa: " + isa +
                             "\ncoherence: {protocol: " + protocol + "}\n";
    const RunResult r = cohsim::test::simulate(yaml, s.str());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& [name, reg] : w.regs) {
      ASSERT_TRUE(recorded.count(name)) << name << " not printed: " << rec.out;
      EXPECT_EQ(r.at("core0.regs." + reg), recorded.at(name)) << name;
    }
  }
  // The programs are race-free: their plain data is ordered by the synchronisation the
  // recorder replays.
  const RunResult races = run_cli({"races", trace});
  EXPECT_EQ(races.exit_code, 0) << races.out << races.err;
  EXPECT_NE(races.out.find("no data race"), std::string::npos) << races.out;
}

void record_and_replay(const Workload& w) {
  const std::string dir = temp_dir(), b = build_dir();
  const std::string src = std::string(COHSIM_SOURCE_DIR) + "/traces/programs/" + w.file;
  std::string out;
  ASSERT_EQ(shell("clang -fsanitize=thread -O1 -c " + src + " -o " + dir + "/p.o && clang " + dir + "/p.o -o " + dir +
                      "/p -rdynamic -pthread -L " + b + " -lcohsim_record -Wl,-rpath," + b,
                  &out),
            0)
      << out;
  check_recording(w, dir + "/p");
}

// Vyukov's bounded MPMC queue: 2 producers x 32 items through 8 cells to 2 consumers.
TEST(RecordWorkload, MpmcQueue) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  record_and_replay(
      {"mpmc_queue.c", {{"consumed[0]", "consumed"}, {"consumed[1]", "consumed_8"}}, {{"total", 64 * 65 / 2}}, 5});
}

// RCU-style publication: 3 readers x 6 versions x 8 reads, every read consistent.
TEST(RecordWorkload, RcuPublish) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const long sum = 8 * (6 * 21 + 6);  // READS x sum over k = 1..6 of c = 6k + 1
  record_and_replay(
      {"rcu_publish.c",
       {{"good[0]", "good"},
        {"good[1]", "good_8"},
        {"good[2]", "good_16"},
        {"sum[0]", "sum"},
        {"sum[1]", "sum_8"},
        {"sum[2]", "sum_16"}},
       {{"good[0]", 48}, {"good[1]", 48}, {"good[2]", 48}, {"sum[0]", sum}, {"sum[1]", sum}, {"sum[2]", sum}},
       5});
}

// A three-stage pipeline: 1..48 squared and added up.
TEST(RecordWorkload, Pipeline) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  record_and_replay(
      {"pipeline.c", {{"sum", "sum"}, {"last", "last"}}, {{"sum", 48 * 49 * 97 / 6}, {"last", 48 * 48}}, 4});
}

// A parallel histogram: 4 threads, 256 values, 8 bins updated with Relaxed fetch_add.
TEST(RecordWorkload, Histogram) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  // The bins of the fixed input, counted here independently of the program.
  std::map<std::string, long> expect;
  unsigned x = 12345;
  long bins[8] = {};
  for (int i = 0; i < 256; ++i) {
    x = x * 1103515245u + 12345u;
    ++bins[((x >> 16) & 0x7fff) % 8];
  }
  std::vector<std::pair<std::string, std::string>> regs;
  for (int i = 0; i < 8; ++i) {
    const std::string n = "bins[" + std::to_string(i) + "]";
    expect[n] = bins[i];
    regs.push_back({n, i ? "bins_" + std::to_string(8 * i) : "bins"});
  }
  expect["count"] = 256;
  record_and_replay({"histogram.c", regs, expect, 5});
}

// The Rust crate (tools/record/rust/cohsim-record): the MPMC queue in Rust, its `use`
// lines naming cohsim_record's atomics, built with cargo offline, recorded and
// replayed with the values it printed natively.
TEST(RecordWorkload, RustMpmcQueue) {
  if (std::system("command -v cargo >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "cargo is not installed (Debian: apt-get install cargo): the Rust recording crate not tested";
  const std::string dir = temp_dir();
  const std::string manifest = std::string(COHSIM_SOURCE_DIR) + "/traces/programs/rust/mpmc_queue/Cargo.toml";
  std::string out;
  ASSERT_EQ(shell("COHSIM_BUILD=" + build_dir() + " cargo build --offline --locked --release --quiet --manifest-path " +
                      manifest + " --target-dir " + dir + "/target",
                  &out),
            0)
      << out;
  check_recording({"rust/mpmc_queue",
                   {{"consumed[0]", "CONSUMED"}, {"consumed[1]", "CONSUMED_8"}, {"total", "TOTAL"}},
                   {{"total", 64 * 65 / 2}},
                   5},
                  dir + "/target/release/mpmc_queue");
}

// The crate's std::sync drop-ins: counter_mp.c in Rust with cohsim_record::sync's Mutex
// and Condvar (pthread ones the runtime records as ticket turns and condition waits),
// replayed with the values it printed natively.
TEST(RecordWorkload, RustMutexAndCondvar) {
  if (std::system("command -v cargo >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "cargo is not installed (Debian: apt-get install cargo): the Rust recording crate not tested";
  const std::string dir = temp_dir();
  const std::string manifest = std::string(COHSIM_SOURCE_DIR) + "/traces/programs/rust/mutex_counter/Cargo.toml";
  std::string out;
  ASSERT_EQ(shell("COHSIM_BUILD=" + build_dir() + " cargo build --offline --locked --release --quiet --manifest-path " +
                      manifest + " --target-dir " + dir + "/target",
                  &out),
            0)
      << out;
  check_recording({"rust/mutex_counter", {{"counter", "COUNTER"}, {"seen", "DATA"}}, {{"counter", 60}, {"seen", 42}}, 4},
                  dir + "/target/release/mutex_counter");
}

// Regression: a loop over a large named array gave each element loaded a register of
// its own, and a thread with more than 32767 was refused when the trace was read back
// ("too many registers"). The registers are now capped per thread.
TEST(Record, ALargeArrayLoopKeepsItsRegistersBounded) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const std::string dir = temp_dir(), b = build_dir();
  const std::string src = std::string(COHSIM_SOURCE_DIR) + "/traces/programs/parallel_sum.c";
  std::string out;
  ASSERT_EQ(shell("clang -fsanitize=thread -O1 -DTHREADS=1 -DN=33000 -c " + src + " -o " + dir + "/ps.o && clang " +
                      dir + "/ps.o -o " + dir + "/ps -rdynamic -pthread -L " + b + " -lcohsim_record -Wl,-rpath," + b,
                  &out),
            0)
      << out;
  const RunResult rec = run_cli({"record", "-o", dir + "/ps.trace", "--", dir + "/ps"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;  // 33,000 elements loaded by thread 1
  std::ifstream f(dir + "/ps.trace");
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_NE(s.str().find("-> input_4096\n"), std::string::npos);    // thread 1's first elements are named
  EXPECT_EQ(s.str().find("-> input_263992\n"), std::string::npos);  // its last ones are not
  EXPECT_NE(s.str().find("load partial -> partial\n"), std::string::npos);
}

// What the recorder cannot replay is named, and the trace refused unless asked for.
TEST(Record, UnsupportedSynchronisationIsNamed) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const std::string dir = temp_dir();
  const std::string src = cohsim::test::write_temp(
      "barrier.c",
      "#include <pthread.h>\n#include <stdio.h>\npthread_barrier_t b; long x[2];\n"
      "void* f(void* p) { long i = (long)p; x[i] = i + 1; pthread_barrier_wait(&b); return 0; }\n"
      "int main() { pthread_t t[2]; pthread_barrier_init(&b, 0, 2);\n"
      "  for (long i = 0; i < 2; ++i) pthread_create(&t[i], 0, f, (void*)i);\n"
      "  for (int i = 0; i < 2; ++i) pthread_join(t[i], 0); printf(\"%ld\\n\", x[0] + x[1]); }\n");
  const std::string b = build_dir();
  std::string out;
  ASSERT_EQ(shell("clang -fsanitize=thread -O1 -c " + src + " -o " + dir + "/bar.o && clang " + dir + "/bar.o -o " +
                      dir + "/bar -pthread -L " + b + " -lcohsim_record -Wl,-rpath," + b,
                  &out),
            0)
      << out;
  RunResult r = run_cli({"record", "-o", dir + "/bar.trace", "--", dir + "/bar"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("pthread_barrier_wait"), std::string::npos) << r.err;
  std::ifstream absent(dir + "/bar.trace");
  EXPECT_FALSE(absent.good()) << "a refused recording wrote its output";
  r = run_cli({"record", "--allow-unsupported", "-o", dir + "/bar.trace", "--", dir + "/bar"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(Record, BadInputSaysWhy) {
  const std::string dir = temp_dir();
  RunResult r = run_cli({"record", "-o", dir + "/x.trace", "--", dir + "/missing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such program"), std::string::npos) << r.err;
  r = run_cli({"record", "-o", dir + "/x.trace", "--", "/bin/true"});  // not instrumented
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("never called the recording runtime"), std::string::npos) << r.err;
  r = run_cli({"record", "--", "/bin/true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing -o"), std::string::npos) << r.err;
  r = run_cli({"record", "-o", dir + "/x.trace", "--", "/bin/false"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exited with status 1"), std::string::npos) << r.err;
  std::ifstream absent(dir + "/x.trace");
  EXPECT_FALSE(absent.good()) << "a failed recording wrote its output";
}

}  // namespace

// A seqlock (traces/programs/seqlock.c): its readers read values the writer overwrites
// without waiting for them. Replayed without reads-from turns, a reader waiting for an
// even count the simulated writer had already moved past spun until the watchdog
// stopped the run; with them (docs/recording.md, "Reads-from is kept") the overwriting
// writes wait for the readers, and every reader's last snapshot is the recorded one.
TEST(RecordWorkload, SeqlockReadersKeepWhatTheyRead) {
  if (!have_clang()) GTEST_SKIP() << "clang is not installed (scripts/deps.sh installs it): recording not tested";
  const std::string dir = temp_dir(), b = build_dir();
  const std::string src = std::string(COHSIM_SOURCE_DIR) + "/traces/programs/seqlock.c";
  std::string out;
  ASSERT_EQ(shell("clang -fsanitize=thread -O1 -c " + src + " -o " + dir + "/p.o && clang " + dir + "/p.o -o " + dir +
                      "/p -rdynamic -pthread -L " + b + " -lcohsim_record -Wl,-rpath," + b,
                  &out),
            0)
      << out;
  const std::string trace = dir + "/p.trace";
  const RunResult rec = run_cli({"record", "-o", trace, "--", dir + "/p"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const auto v = printed_values(rec.out);
  for (int r = 0; r < 2; ++r) {
    const std::string i = "[" + std::to_string(r) + "]";
    ASSERT_TRUE(v.count("a" + i) && v.count("b" + i) && v.count("good" + i)) << rec.out;
    EXPECT_EQ(v.at("a" + i), 20);  // the last version
    EXPECT_EQ(v.at("b" + i), 41);
    EXPECT_EQ(v.at("good" + i), v.at("snapshots" + i)) << "every snapshot consistent";
  }
  std::ifstream f(trace);
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_NE(s.str().find("# rf0: reads-from turns of "), std::string::npos);
  for (const auto& [isa, protocol] :
       std::vector<std::pair<std::string, std::string>>{{"x86", "mesi"}, {"arm", "moesi"}, {"riscv", "mesi"}}) {
    SCOPED_TRACE(isa + " " + protocol);
    const RunResult r = cohsim::test::simulate(
        "cores: 4\ncheck: true\nisa: " + isa + "\ncoherence: {protocol: " + protocol + "}\n", s.str());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (int t = 1; t <= 2; ++t) {  // the readers are threads 1 and 2
      const std::string i = "[" + std::to_string(t - 1) + "]";
      EXPECT_EQ(r.at("core" + std::to_string(t) + ".regs.da"), v.at("a" + i));
      EXPECT_EQ(r.at("core" + std::to_string(t) + ".regs.db"), v.at("b" + i));
    }
  }
  const RunResult races = run_cli({"races", trace});
  EXPECT_EQ(races.exit_code, 0) << races.out << races.err;
}
