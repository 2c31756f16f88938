#include "cpu/litmus/litmus_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <thread>

#include "sim/error.hpp"
#include "sim/stats.hpp"
#include "sim/system.hpp"

namespace cohsim {
namespace {

std::uint64_t mix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kObserverWait = 20000;  // cycles; runs check the threads finished before it
constexpr std::uint64_t kMaxCycles = 2000000;

struct Child {
  pid_t pid;
  int fd;
  std::uint64_t run;
};

void write_all(int fd, std::string reply) {
  if (reply.size() > 16000) reply = reply.substr(0, 16000) + "\n...(truncated)";
  reply += "\n";
  const char* p = reply.data();
  std::size_t left = reply.size();
  while (left) {
    const ssize_t w = write(fd, p, left);
    if (w <= 0) break;
    p += w, left -= std::size_t(w);
  }
}

std::string read_all(int fd) {
  std::string reply;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, std::size_t(n));
  }
  close(fd);
  while (!reply.empty() && reply.back() == '\n') reply.pop_back();
  return reply;
}

// Runs `f` in a child process (it may build a System) and returns what it returned.
template <class F>
std::string in_child(F f) {
  int fds[2];
  if (pipe(fds) != 0) return std::string("error: pipe: ") + std::strerror(errno);
  const pid_t pid = fork();
  if (pid < 0) return std::string("error: fork: ") + std::strerror(errno);
  if (pid == 0) {
    close(fds[0]);
    write_all(fds[1], f());
    _exit(0);
  }
  close(fds[1]);
  std::string reply = read_all(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "error: the process ended abnormally (status " + std::to_string(status) + ")" + (reply.empty() ? "" : ": " + reply);
  return reply;
}

// The run's System; `warm_only` schedules measure when each thread's warm-up ends.
std::string simulate(const LitmusTest& t, const Config& cfg, const LitmusSchedule& s) {
  try {
    TraceOptions topts;
    topts.symbol_stride = unsigned(cfg.bytes("l1d.line_size"));
    RunOptions ro;
    ro.trace_object = std::shared_ptr<Trace>(litmus_trace(t, topts, s));
    ro.max_cycles = kMaxCycles;
    System sys(cfg, ro);
    RunOutcome out = sys.run();
    if (!out.completed)
      return "error: the run did not complete within " + std::to_string(kMaxCycles) + " cycles\n" + sys.dump();
    const Stats& st = sys.stats();
    if (s.warm_only) {
      std::string r = "ok";
      for (unsigned th = 0; th < t.threads; ++th) r += " " + std::to_string(st.get("core" + std::to_string(th) + ".cycles"));
      return r;
    }
    std::ostringstream o;
    o << "ok";
    for (unsigned th = 0; th < t.threads; ++th)
      for (auto& r : t.registers[th]) o << " " << st.get("core" + std::to_string(th) + ".regs." + r);
    if (s.observer_wait) {
      for (unsigned th = 0; th < t.threads; ++th)
        if (st.get("core" + std::to_string(th) + ".cycles") >= s.observer_wait)
          return "error: thread " + std::to_string(th) + " finished after the observer read the final values (cycle " +
                 std::to_string(st.get("core" + std::to_string(th) + ".cycles")) + ")";
      o << " |";
      for (auto& l : t.locations) o << " " << st.get("core" + std::to_string(t.threads) + ".regs." + l);
    }
    return o.str();
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
}

// In the child: one run; returns the line to send ("ok v v ... | m m ..." or "error ...").
std::string child_run(const LitmusTest& t, Config cfg, LitmusSchedule s, std::uint64_t jitter, std::uint64_t run_seed) {
  try {
    cfg.set("seed", std::to_string(run_seed));
    cfg.set("core.start_jitter", std::to_string(jitter));
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
  if (s.aligned) {
    LitmusSchedule w = s;
    w.warm_only = true;
    const std::string r = in_child([&] { return simulate(t, cfg, w); });
    std::istringstream in(r);
    std::string ok;
    std::vector<std::uint64_t> ends(t.threads, 0);
    in >> ok;
    for (auto& e : ends) in >> e;
    if (ok != "ok" || !in) return "error: measuring the warm-up: " + r;
    const std::uint64_t latest = *std::max_element(ends.begin(), ends.end());
    for (unsigned th = 0; th < t.threads; ++th) s.delay[th] = latest - ends[th] + s.offset[th];
  }
  return simulate(t, cfg, s);
}

bool parse_reply(const LitmusTest& t, const std::string& s, LitmusOutcome& o) {
  std::istringstream in(s);
  std::string w;
  if (!(in >> w) || w != "ok") return false;
  o.regs.assign(t.threads, {});
  for (unsigned th = 0; th < t.threads; ++th)
    for (std::size_t r = 0; r < t.registers[th].size(); ++r) {
      std::uint64_t v;
      if (!(in >> v)) return false;
      o.regs[th].push_back(v);
    }
  if (in >> w) {
    if (w != "|") return false;
    std::uint64_t v;
    while (in >> v) o.memory.push_back(v);
    if (o.memory.size() != t.locations.size()) return false;
  }
  return true;
}

}  // namespace

LitmusSchedule litmus_schedule(const LitmusTest& t, std::uint64_t seed, std::uint64_t run, std::uint64_t& jitter,
                               std::uint64_t& run_seed) {
  std::uint64_t st = seed * 0x2545f4914f6cdd1dULL ^ (run + 1) * 0x9e3779b97f4a7c15ULL;
  mix(st);
  run_seed = mix(st) >> 1;
  LitmusSchedule s;
  s.warm.resize(t.threads);
  s.delay.assign(t.threads, 0);
  s.offset.assign(t.threads, 0);
  for (unsigned th = 0; th < t.threads; ++th)
    for (unsigned loc = 0; loc < t.locations.size(); ++loc) {
      const std::uint64_t w = mix(st) % 3;  // cold, shared or writable
      if (w) s.warm[th].push_back({loc, w == 2});
    }
  if (mix(st) % 10 < 7) {
    // Aligned: the threads start the test within `spread` cycles of each other.
    static const std::uint64_t spreads[] = {1, 12, 32, 80, 200};
    const std::uint64_t spread = spreads[mix(st) % 5];
    s.aligned = true;
    jitter = 0;
    for (auto& o : s.offset) o = mix(st) % spread;
  } else {
    // Free: random start offsets and delays, whatever the warm-up costs.
    static const std::uint64_t jitters[] = {0, 20, 50, 100, 200, 400};
    static const std::uint64_t spreads[] = {41, 151, 401};
    jitter = jitters[mix(st) % 6];
    const std::uint64_t spread = spreads[mix(st) % 3];
    for (auto& d : s.delay) d = mix(st) % spread;
  }
  std::uint64_t ninit = 0;
  for (auto& [k, v] : t.init) ninit += v != 0;
  s.init_wait = jitter + 2000 + 500 * ninit;
  if (t.condition_reads_memory) s.observer_wait = kObserverWait + (ninit ? s.init_wait : 0);
  return s;
}

bool LitmusResult::passed() const {
  if (failed_runs) return false;
  if (expectation == "forbidden") return condition_count == 0;
  if (expectation == "allowed") return condition_count > 0;
  return true;
}

std::string LitmusResult::verdict() const {
  if (failed_runs) return "FAIL: " + std::to_string(failed_runs) + " run(s) failed";
  if (expectation.empty()) return "";
  if (passed()) return "ok";
  if (expectation == "forbidden")
    return "FAIL: expected forbidden but observed " + std::to_string(condition_count) + " time(s) (first in run " +
           std::to_string(first_condition_run) + ")";
  return "FAIL: expected allowed but never observed in " + std::to_string(runs) + " runs";
}

std::string LitmusResult::to_json() const {
  std::ostringstream o;
  o << "{\"test\": \"" << json_escape(test) << "\", \"path\": \"" << json_escape(path) << "\", \"isa\": \"" << isa
    << "\", \"lse\": " << (lse ? "true" : "false") << ", \"runs\": " << runs << ", \"seed\": " << seed
    << ", \"outcomes\": {";
  bool first = true;
  for (auto& [k, n] : outcomes) o << (first ? "" : ", ") << "\"" << json_escape(k) << "\": " << n, first = false;
  o << "}, \"condition\": \"" << json_escape(condition_text) << "\", \"condition_observed\": "
    << (condition_observed() ? "true" : "false") << ", \"condition_count\": " << condition_count
    << ", \"expect\": " << (expectation.empty() ? "null" : "\"" + expectation + "\"")
    << ", \"passed\": " << (passed() ? "true" : "false") << ", \"failed_runs\": " << failed_runs;
  if (!first_failure.empty()) o << ", \"failure\": \"" << json_escape(first_failure.substr(0, 2000)) << "\"";
  o << "}\n";
  return o.str();
}

std::string LitmusResult::to_text() const {
  std::ostringstream o;
  o << test << " on " << isa << (lse ? "+lse" : "") << ": " << runs << " runs, seed " << seed << " (" << path << ")\n";
  for (auto& [k, n] : outcomes) {
    const bool hit = std::find(condition_keys.begin(), condition_keys.end(), k) != condition_keys.end();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%10llu ", (unsigned long long)n);
    o << buf << (hit ? "* " : "  ") << k << "\n";
  }
  o << "  " << condition_text << ": "
    << (condition_observed() ? "observed " + std::to_string(condition_count) + " time(s) (marked *)" : "never observed");
  if (!expectation.empty()) o << "; expected " << expectation << ": " << verdict();
  else if (failed_runs) o << "; " << verdict();
  o << "\n";
  if (!first_failure.empty()) o << "  first failed run: " << first_failure.substr(0, 4000) << "\n";
  return o.str();
}

LitmusResult run_litmus(const LitmusTest& t, const Config& base, const LitmusRunOptions& opts) {
  const auto start = std::chrono::steady_clock::now();
  Config cfg = base;
  const unsigned cores = t.threads + (t.condition_reads_memory ? 1 : 0);
  cfg.set("cores", std::to_string(cores));
  cfg.set("isa", opts.isa);
  cfg.set("lse", opts.lse ? "true" : "false");
  if (opts.check) cfg.set("check", "true");

  LitmusResult res;
  res.test = t.name, res.path = t.path, res.isa = opts.isa, res.lse = opts.lse, res.runs = opts.runs;
  res.seed = opts.seed, res.condition_text = t.condition_text;
  res.expectation = opts.expect.empty() ? expectation_for(t, opts.isa) : opts.expect;

  unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<Child> active;
  std::uint64_t next = 0;
  std::fflush(stdout);
  std::fflush(stderr);
  std::cout.flush();
  std::cerr.flush();
  auto record = [&](std::uint64_t run, const std::string& reply) {
    LitmusOutcome o;
    if (!parse_reply(t, reply, o)) {
      if (!res.failed_runs++) res.first_failure = "run " + std::to_string(run) + ": " + reply;
      return;
    }
    const std::string k = outcome_key(t, o);
    if (!res.outcomes[k]++ && condition_holds(t, o)) res.condition_keys.push_back(k);
    if (condition_holds(t, o)) {
      ++res.condition_count;
      res.first_condition_run = std::min(res.first_condition_run, run);
    }
  };
  while (next < opts.runs || !active.empty()) {
    while (next < opts.runs && active.size() < jobs) {
      std::uint64_t jitter = 0, run_seed = 0;
      const LitmusSchedule s = litmus_schedule(t, opts.seed, next, jitter, run_seed);
      int fds[2];
      if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
      const pid_t pid = fork();
      if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
      if (pid == 0) {
        close(fds[0]);
        for (auto& c : active) close(c.fd);
        write_all(fds[1], child_run(t, cfg, s, jitter, run_seed));
        _exit(0);
      }
      close(fds[1]);
      active.push_back({pid, fds[0], next++});
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    auto it = std::find_if(active.begin(), active.end(), [&](const Child& c) { return c.pid == pid; });
    if (it == active.end()) continue;
    std::string reply = read_all(it->fd);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      reply = "error: the run's process ended abnormally (status " + std::to_string(status) + ")" +
              (reply.empty() ? "" : ": " + reply);
    record(it->run, reply);
    active.erase(it);
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

std::string litmus_replay(const LitmusTest& t, const Config& base, const LitmusRunOptions& opts, std::uint64_t run,
                          const std::string& config_arg) {
  Config cfg = base;
  const unsigned cores = t.threads + (t.condition_reads_memory ? 1 : 0);
  cfg.set("cores", std::to_string(cores));
  cfg.set("isa", opts.isa);
  cfg.set("lse", opts.lse ? "true" : "false");
  if (opts.check) cfg.set("check", "true");
  std::uint64_t jitter = 0, run_seed = 0;
  LitmusSchedule s = litmus_schedule(t, opts.seed, run, jitter, run_seed);
  cfg.set("seed", std::to_string(run_seed));
  cfg.set("core.start_jitter", std::to_string(jitter));
  if (s.aligned) {
    LitmusSchedule w = s;
    w.warm_only = true;
    const std::string r = in_child([&] { return simulate(t, cfg, w); });
    std::istringstream in(r);
    std::string ok;
    std::vector<std::uint64_t> ends(t.threads, 0);
    in >> ok;
    for (auto& e : ends) in >> e;
    if (ok != "ok" || !in) throw UserError("measuring the warm-up of run " + std::to_string(run) + ": " + r);
    const std::uint64_t latest = *std::max_element(ends.begin(), ends.end());
    for (unsigned th = 0; th < t.threads; ++th) s.delay[th] = latest - ends[th] + s.offset[th];
  }
  TraceOptions topts;
  topts.symbol_stride = unsigned(cfg.bytes("l1d.line_size"));
  auto trace = litmus_trace(t, topts, s);
  std::ostringstream o;
  o << "# " << t.name << " (" << t.path << "), run " << run << " of seed " << opts.seed << " on " << opts.isa
    << (opts.lse ? "+lse" : "") << ", as a plain text trace. Reproduce it with:\n"
    << "#   cohsim run " << config_arg << " --trace THIS_FILE --seed " << run_seed << " --set cores=" << cores
    << " --set isa=" << opts.isa << (opts.lse ? " --set lse=true" : "") << " --set core.start_jitter=" << jitter
    << (opts.check ? " --set check=true" : "") << " --stats out.json\n"
    << "# and read coreN.regs.* in out.json";
  if (s.observer_wait) o << " (thread " << t.threads << " reads the final values after " << s.observer_wait << " cycles)";
  o << ". Operations on line 0 of the litmus file are the runner's preamble.\n";
  for (auto& [name, a] : trace->symbols()) o << "place " << name << " 0x" << std::hex << a << std::dec << "\n";
  auto sym = [&](Addr a) {
    for (auto& [name, b] : trace->symbols())
      if (a == b) return name;
    return std::to_string(a);
  };
  for (unsigned th = 0; th < trace->threads(); ++th) {
    o << "thread " << th << "\n";
    auto st = trace->stream(th);
    const auto& regs = trace->registers(th);
    Op op;
    while (st->next(op)) {
      o << "  " << name(op.kind);
      if (op.kind == OpKind::Compute) o << " " << op.value;
      else if (op.kind != OpKind::Fence) o << " " << sym(op.addr);
      if (op.kind == OpKind::CompareExchange || op.kind == OpKind::CompareExchangeWeak)
        o << " " << op.expected << " " << op.value << " " << name(op.order) << " " << name(op.fail_order);
      else if (op.kind != OpKind::Compute) {
        if (op.kind != OpKind::Load && op.kind != OpKind::Fence) o << " " << op.value;
        if (op.order != Ordering::Plain) o << " " << name(op.order);
      }
      if (op.reg >= 0) o << " -> " << regs.at(std::size_t(op.reg));
      o << "    # litmus line " << op.line << "\n";
    }
  }
  return o.str();
}

}  // namespace cohsim
