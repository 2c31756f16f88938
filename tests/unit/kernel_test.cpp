// cohsim's kernel (sim/base/wake.hpp) against SystemC's: the same processes, each
// notifying others from a scripted random stream (delays of 0 for delta
// notifications, small ones so that several processes wake at one tick, later ones
// that an earlier notification cancels), must run in the same order at the same
// ticks and see the same next pending activity. Each kernel runs in a child process
// (SystemC elaborates once per process; the kernel's start is once per process too).
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

#include "sim/base/wake.hpp"

namespace cohsim {
namespace {

constexpr int kProcs = 6;
constexpr int kActivations = 4000;
constexpr Tick kSlice = 37;  // run in slices, as System::run does

// The script: what activation number `n` of process `p` does, the same for both kernels.
struct Script {
  std::uint64_t s;
  explicit Script(std::uint64_t seed) : s(seed) {}
  std::uint64_t next() {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    return s;
  }
};

// One process's activation: record it, then notify 1-3 processes (itself included).
template <typename Notify, typename Pending>
void act(int p, Tick now, Script& sc, std::string& log, int& left, Notify notify, Pending pending) {
  log += std::to_string(now) + ":" + std::to_string(p) + "/" + std::to_string(pending()) + " ";
  if (--left <= 0) return;
  const int n = 1 + int(sc.next() % 3);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t r = sc.next();
    const int q = int(r % kProcs);
    const unsigned k = unsigned((r >> 8) % 10);
    const Tick d = k < 2 ? 0 : k < 7 ? Tick(k - 1) : Tick(20 + (r >> 16) % 50);
    notify(q, d);
  }
  (void)p;
}

std::string run_ours(std::uint64_t seed) {
  Script sc(seed);
  std::string log;
  int left = kActivations;
  struct Proc {
    Wake w;
    int id;
    Script* sc;
    std::string* log;
    int* left;
    Proc* all;
    void tick() {
      act(
          id, sim_now(), *sc, *log, *left, [this](int q, Tick d) { wake_at(all[q].w, sim_now() + d, sim_now()); },
          [] {
            const Tick t = sim_kernel.next_activity();
            return t == ~Tick(0) ? Tick(0) : t - sim_now();
          });
    }
  };
  std::vector<Proc> procs(kProcs);
  for (int i = 0; i < kProcs; ++i) {
    Proc& p = procs[std::size_t(i)];
    p.id = i, p.sc = &sc, p.log = &log, p.left = &left, p.all = procs.data();
  }
  for (Proc& p : procs) p.w.bind<&Proc::tick>(&p);
  for (bool first = true; left > 0 && (first || sim_kernel.pending_activity()); first = false) sim_kernel.run(kSlice);
  return log;
}

struct ScProcs : sc_core::sc_module {
  sc_core::sc_event ev[kProcs];
  Script sc;
  std::string log;
  int left = kActivations;
  ScProcs(sc_core::sc_module_name n, std::uint64_t seed) : sc_module(n), sc(seed) {
    // One method per event, in the order ours are bound.
    for (int i = 0; i < kProcs; ++i) {
      sc_core::sc_spawn_options o;
      o.spawn_method();
      o.set_sensitivity(&ev[i]);
      sc_core::sc_spawn([this, i] { tick(i); }, sc_core::sc_gen_unique_name("p"), &o);
    }
  }
  void tick(int p) {
    const Tick now = sc_core::sc_time_stamp().value();
    act(
        p, now, sc, log, left,
        [this](int q, Tick d) {
          ev[q].notify(d ? sc_core::sc_time::from_value(d) : sc_core::SC_ZERO_TIME);
        },
        [] {
          const sc_core::sc_time t = sc_core::sc_time_to_pending_activity();
          return t == sc_core::sc_max_time() - sc_core::sc_time_stamp() ? Tick(0) : Tick(t.value());
        });
  }
};

std::string run_systemc(std::uint64_t seed) {
  try {
  ScProcs m("m", seed);
  bool first = true;
  while (m.left > 0 && (first || sc_core::sc_pending_activity())) {
    first = false;
    sc_core::sc_start(sc_core::sc_time::from_value(kSlice));
  }
  return m.log;
  } catch (const std::exception& e) {
    return std::string("SystemC: ") + e.what();
  }
}

// The log of `f` run in a child process.
template <typename F>
std::string in_child(F f) {
  int fd[2];
  if (pipe(fd) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    const std::string s = f();
    std::size_t off = 0;
    while (off < s.size()) {
      const ssize_t w = write(fd[1], s.data() + off, s.size() - off);
      if (w <= 0) break;
      off += std::size_t(w);
    }
    close(fd[1]);
    _exit(0);
  }
  close(fd[1]);
  std::string out;
  char buf[4096];
  for (ssize_t r; (r = read(fd[0], buf, sizeof buf)) > 0;) out.append(buf, std::size_t(r));
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

TEST(Kernel, RunsProcessesInSystemCsOrder) {
  for (std::uint64_t seed : {1ull, 2ull, 3ull, 0x51ed2701ull}) {
    const std::string ours = in_child([seed] { return run_ours(seed); });
    const std::string theirs = in_child([seed] { return run_systemc(seed); });
    ASSERT_GT(theirs.size(), 1000u) << seed;
    EXPECT_EQ(ours, theirs) << "seed " << seed;
  }
}

}  // namespace
}  // namespace cohsim
