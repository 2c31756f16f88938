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
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "sim/base/kernel_process.hpp"
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

// The last process does not run at the start (dont_initialize) in every kernel.
constexpr int kLateProc = kProcs - 1;

// `in_systemc`: cohsim's kernel run inside SystemC by KernelProcess (as System::run
// does), else directly.
std::string run_ours(std::uint64_t seed, bool in_systemc = false) {
  try {
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
  procs[kLateProc].w.dont_initialize();
  std::unique_ptr<KernelProcess> driver;
  if (in_systemc) driver = std::make_unique<KernelProcess>("kernel");
  for (bool first = true; left > 0 && (first || sim_kernel.pending_activity()); first = false) {
    if (driver) {
      driver->run(kSlice);
      if (sc_core::sc_time_stamp().value() != sim_now()) return "SystemC's time and the kernel's differ";
    } else {
      sim_kernel.run(kSlice);
    }
  }
  return log;
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
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
      if (i == kLateProc) o.dont_initialize();
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
    const std::string inside = in_child([seed] { return run_ours(seed, true); });
    const std::string theirs = in_child([seed] { return run_systemc(seed); });
    ASSERT_GT(theirs.size(), 1000u) << seed;
    EXPECT_EQ(ours, theirs) << "seed " << seed;
    EXPECT_EQ(inside, theirs) << "seed " << seed << ": cohsim's kernel inside SystemC (KernelProcess)";
  }
}

// Temporal decoupling with another SystemC model in the design: a foreign SC_METHOD
// woken at ticks of its own reads the components' time (sim_now) and finds it equal to
// SystemC's, and no component process has run past it.
struct Foreign : sc_core::sc_module {
  sc_core::sc_event ev;
  std::vector<Tick> at{50, 51, 400, 401, 1000};
  std::size_t next = 0;
  std::string* log;
  Tick* latest;  // the latest tick a component process ran at
  Foreign(sc_core::sc_module_name n, std::string* l, Tick* t) : sc_module(n), log(l), latest(t) {
    SC_HAS_PROCESS(Foreign);
    SC_METHOD(tick);
    sensitive << ev;
  }
  void tick() {
    const Tick now = sc_core::sc_time_stamp().value();
    if (sim_now() != now) *log += "foreign at " + std::to_string(now) + " saw " + std::to_string(sim_now()) + "; ";
    if (*latest > now) *log += "a component ran at " + std::to_string(*latest) + " before " + std::to_string(now) + "; ";
    if (next < at.size()) ev.notify(sc_core::sc_time::from_value(at[next++] - now));
  }
};

std::string run_with_foreign() {
  try {
    std::string errors;
    Tick latest = 0;
    int left = 3000;
    struct Proc {
      Wake w;
      Tick* latest;
      int* left;
      std::uint64_t s;
      void tick() {
        *latest = std::max(*latest, sim_now());
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        if (--*left > 0) wake_at(w, sim_now() + 1 + s % 7, sim_now());
      }
    };
    Proc a{{}, &latest, &left, 7}, b{{}, &latest, &left, 11};
    a.w.bind<&Proc::tick>(&a);
    b.w.bind<&Proc::tick>(&b);
    KernelProcess driver("kernel");
    Foreign f("foreign", &errors, &latest);
    driver.run(2000);
    if (sc_core::sc_time_stamp().value() != 2000 || sim_now() != 2000) errors += "the slice did not end at 2000; ";
    if (f.next != f.at.size()) errors += "the foreign process ran " + std::to_string(f.next) + " times; ";
    if (latest < 1900) errors += "the components stopped early at " + std::to_string(latest) + "; ";
    return errors.empty() ? "ok" : errors;
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
}

TEST(Kernel, InsideSystemCAnotherModelSeesTheSameTime) {
  EXPECT_EQ(in_child([] { return run_with_foreign(); }), "ok");
}

}  // namespace
}  // namespace cohsim
