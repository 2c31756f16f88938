#include "sim/system/litmus_runner.hpp"

#include "cpu/trace/program.hpp"

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

#include "cpu/lowering.hpp"
#include "sim/base/error.hpp"
#include "sim/base/random.hpp"
#include "sim/base/stats.hpp"
#include "sim/system/system.hpp"

namespace cohsim {
namespace {

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
    return "error: the process ended abnormally (status " + std::to_string(status) + ")" +
           (reply.empty() ? "" : ": " + reply);
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
    // Never destroyed: this is a run's child process, which _exit()s once the reply is
    // sent, and tearing the design down was a tenth of a run's time.
    System& sys = *new System(cfg, ro);
    RunOutcome out = sys.run();
    if (!out.completed)
      return "error: the run did not complete within " + std::to_string(kMaxCycles) + " cycles\n" + sys.dump();
    const Stats& st = sys.stats();
    if (s.warm_only) {
      std::string r = "ok";
      for (unsigned th = 0; th < t.threads; ++th)
        r += " " + std::to_string(st.get("core" + std::to_string(th) + ".cycles"));
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

// The cycle at which each thread's warm-up ends, from a simulation of the preamble
// alone (in a child of its own: it elaborates a System). `cfg` has start_jitter 0
// and the base seed, so the result depends on the warm-up pattern (s.warm) only and
// the parent measures each pattern once. "ok E0 E1 ..." or "error: ...".
std::string measure_warm_up(const LitmusTest& t, const Config& cfg, const LitmusSchedule& s) {
  LitmusSchedule w = s;
  w.warm_only = true;
  return in_child([&] { return simulate(t, cfg, w); });
}

// Parses measure_warm_up()'s reply; false if it is an error.
bool parse_warm_up(const LitmusTest& t, const std::string& r, std::vector<std::uint64_t>& ends) {
  std::istringstream in(r);
  std::string ok;
  ends.assign(t.threads, 0);
  in >> ok;
  for (auto& e : ends) in >> e;
  return ok == "ok" && bool(in);
}

// Aligned runs: each thread waits (latest warm-up end - its end) + offset[thread].
void align(const LitmusTest& t, const std::vector<std::uint64_t>& ends, LitmusSchedule& s) {
  const std::uint64_t latest = *std::max_element(ends.begin(), ends.end());
  for (unsigned th = 0; th < t.threads; ++th) s.delay[th] = latest - ends[th] + s.offset[th];
}

// The key of a schedule's warm-up pattern (per thread, per location: cold, shared, own).
std::string warm_key(const LitmusSchedule& s) {
  std::string k;
  for (auto& th : s.warm) {
    for (auto& w : th) k += std::to_string(w.location) + (w.own ? "o" : "s");
    k += "/";
  }
  return k;
}

std::vector<std::string> set_variation(Config& cfg, const LitmusSchedule& s);

// In the child: one run; returns the line to send ("ok v v ... | m m ..." or "error
// ..."), preceded by "warm E0 E1 ...\n" when it measured the warm-up (the parent keeps
// it for later runs with the same pattern). `cfg` is this process's own copy.
std::string child_run(const LitmusTest& t, Config& cfg, LitmusSchedule s, std::uint64_t jitter, std::uint64_t run_seed,
                      const std::vector<std::uint64_t>* known_ends) {
  std::string measured;
  if (s.aligned) {
    std::vector<std::uint64_t> ends;
    if (known_ends) {
      ends = *known_ends;
    } else {
      const std::string r = measure_warm_up(t, cfg, s);
      if (!parse_warm_up(t, r, ends)) return "error: measuring the warm-up: " + r;
      measured = "warm" + r.substr(2) + "\n";
    }
    align(t, ends, s);
  }
  try {
    cfg.set("seed", std::to_string(run_seed));
    if (jitter) cfg.set("core.start_jitter", std::to_string(jitter));
    set_variation(cfg, s);
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
  return measured + simulate(t, cfg, s);
}

// The run's timing variation (LitmusSchedule::load_jitter ...) as configuration keys;
// network.jitter only where there is a network (the directory fabric). Returns the
// `key=value` assignments made.
std::vector<std::string> set_variation(Config& cfg, const LitmusSchedule& s) {
  std::vector<std::string> sets;
  auto set = [&](const std::string& k, std::uint64_t v) {
    cfg.set(k, std::to_string(v));
    sets.push_back(k + "=" + std::to_string(v));
  };
  if (s.load_jitter) set("core.load_jitter", s.load_jitter);
  if (s.drain_jitter) set("core.drain_jitter", s.drain_jitter);
  if (s.network_jitter && cfg.choice("coherence.fabric") == "directory" && cfg.integer("network.jitter") == 0)
    set("network.jitter", s.network_jitter);
  return sets;
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

// Sets the configuration every run of `t` uses (see run_litmus()).
Config run_config(const LitmusTest& t, const Config& base, const LitmusRunOptions& opts) {
  Config cfg = base;
  const unsigned cores = t.threads + (t.condition_reads_memory ? 1 : 0);
  cfg.set("cores", std::to_string(cores));
  cfg.set("isa", opts.isa);
  cfg.set("lse", opts.lse ? "true" : "false");
  if (opts.check) cfg.set("check", "true");
  cfg.set("core.start_jitter", "0");  // a run sets its own; 0 is the warm-up measurements'
  if (!opts.full_caches) litmus_sized_caches(cfg, t.locations.size());
  return cfg;
}

}  // namespace

std::vector<std::string> litmus_sized_caches(Config& cfg, std::size_t lines) {
  // With virtual memory the page walks read page-table lines through the caches too,
  // which could then share a set with the test's lines: keep the sizes.
  if (cfg.flag("vm.enabled")) return {};
  std::uint64_t need = 1;
  while (need < lines) need *= 2;
  std::vector<std::string> sets;
  for (const std::string level : {"l1d", "l2", "l3"}) {
    if (!cfg.has_level(level)) continue;
    const std::uint64_t way_bytes = std::uint64_t(cfg.integer(level + ".assoc")) * cfg.bytes(level + ".line_size");
    if (need >= cfg.bytes(level + ".size") / way_bytes) continue;
    const std::string v = std::to_string(need * way_bytes) + "B";
    cfg.set(level + ".size", v);
    sets.push_back(level + ".size=" + v);
  }
  return sets;
}

LitmusSchedule litmus_schedule(const LitmusTest& t, std::uint64_t seed, std::uint64_t run, std::uint64_t& jitter,
                               std::uint64_t& run_seed) {
  Random st = random_stream(seed, "litmus.schedule", run);
  run_seed = st.next() >> 1;
  LitmusSchedule s;
  s.warm.resize(t.threads);
  s.delay.assign(t.threads, 0);
  s.offset.assign(t.threads, 0);
  for (unsigned th = 0; th < t.threads; ++th)
    for (unsigned loc = 0; loc < t.locations.size(); ++loc) {
      const std::uint64_t w = st.next() % 3;  // cold, shared or writable
      if (w) s.warm[th].push_back({loc, w == 2});
    }
  if (st.next() % 10 < 7) {
    // Aligned: the threads start the test within `spread` cycles of each other.
    static const std::uint64_t spreads[] = {1, 12, 32, 80, 200};
    const std::uint64_t spread = spreads[st.next() % 5];
    s.aligned = true;
    jitter = 0;
    for (auto& o : s.offset) o = st.next() % spread;
  } else {
    // Free: random start offsets and delays, whatever the warm-up costs.
    static const std::uint64_t jitters[] = {0, 20, 50, 100, 200, 400};
    static const std::uint64_t spreads[] = {41, 151, 401};
    jitter = jitters[st.next() % 6];
    const std::uint64_t spread = spreads[st.next() % 3];
    for (auto& d : s.delay) d = st.next() % spread;
  }
  // Timing variation in the hardware (drawn per access or message by the model, from
  // the run's seed): the largest load issue delay, store-buffer drain delay and extra
  // network latency of this run. A third of the runs have none, so the runs without
  // variation keep their chance; the rest spread from a few cycles to more than a miss
  // to memory, so that a store can stay buffered, or a load stay unbound, while other
  // threads' misses complete. In aligned runs the warm-up's accesses vary too, which
  // moves the threads' starts apart by up to a few times the largest delay.
  static const std::uint64_t load_jitters[] = {0, 0, 8, 32, 100, 300};
  static const std::uint64_t drain_jitters[] = {0, 0, 16, 64, 200, 600};
  static const std::uint64_t network_jitters[] = {0, 20, 100, 400};
  Random var = random_stream(seed, "litmus.variation", run);
  if (var.below(3)) {
    s.load_jitter = load_jitters[var.below(6)];
    s.drain_jitter = drain_jitters[var.below(6)];
    s.network_jitter = network_jitters[var.below(4)];
  }
  std::uint64_t ninit = 0;
  for (auto& [k, v] : t.init) ninit += v != 0;
  s.init_wait = jitter + 2000 + (500 + s.drain_jitter) * ninit;
  if (t.condition_reads_memory) s.observer_wait = kObserverWait + (ninit ? s.init_wait : 0);
  return s;
}

bool LitmusResult::passed() const {
  if (failed_runs) return false;
  if (expectation == "forbidden") return condition_count == 0;
  if (expectation == "allowed") return condition_count > 0 || unseen_ok;
  return true;
}

std::string LitmusResult::verdict() const {
  if (failed_runs) return "FAIL: " + std::to_string(failed_runs) + " run(s) failed";
  if (expectation.empty()) return "";
  if (unseen() && unseen_ok) return "not seen in " + std::to_string(runs) + " runs (allowed: --unseen-ok)";
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
  o << "}, \"condition\": \"" << json_escape(condition_text)
    << "\", \"condition_observed\": " << (condition_observed() ? "true" : "false")
    << ", \"condition_count\": " << condition_count
    << ", \"expect\": " << (expectation.empty() ? "null" : "\"" + expectation + "\"")
    << ", \"passed\": " << (passed() ? "true" : "false") << ", \"failed_runs\": " << failed_runs;
  if (condition_count) o << ", \"first_condition_run\": " << first_condition_run;
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
    << (condition_observed() ? "observed " + std::to_string(condition_count) + " time(s) (marked *)"
                             : "never observed");
  if (!expectation.empty()) o << "; expected " << expectation << ": " << verdict();
  else if (failed_runs) o << "; " << verdict();
  o << "\n";
  if (!first_failure.empty()) o << "  first failed run: " << first_failure.substr(0, 4000) << "\n";
  return o.str();
}

LitmusResult run_litmus(const LitmusTest& t, const Config& base, const LitmusRunOptions& opts) {
  const auto start = std::chrono::steady_clock::now();
  Config cfg = run_config(t, base, opts);
  // Built here once, before the forks, rather than in every run's process.
  Lowering::all();

  LitmusResult res;
  res.test = t.name, res.path = t.path, res.isa = opts.isa, res.lse = opts.lse, res.runs = opts.runs;
  res.seed = opts.seed, res.condition_text = t.condition_text;
  res.expectation = opts.expect.empty() ? expectation_for(t, opts.isa) : opts.expect;

  unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<Child> active;
  std::uint64_t next = 0;
  std::map<std::string, std::vector<std::uint64_t>> warm_ends;  // warm_key() -> measured ends
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
        const auto known = s.aligned ? warm_ends.find(warm_key(s)) : warm_ends.end();
        write_all(fds[1], child_run(t, cfg, s, jitter, run_seed, known == warm_ends.end() ? nullptr : &known->second));
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
    if (reply.compare(0, 5, "warm ") == 0) {
      const auto eol = reply.find('\n');
      std::vector<std::uint64_t> ends;
      std::uint64_t jitter = 0, run_seed = 0;
      const LitmusSchedule s = litmus_schedule(t, opts.seed, it->run, jitter, run_seed);
      if (eol != std::string::npos && parse_warm_up(t, "ok" + reply.substr(4, eol - 4), ends))
        warm_ends.emplace(warm_key(s), ends);
      reply = eol == std::string::npos ? "" : reply.substr(eol + 1);
    }
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
                          const std::string& config_arg, Config* run_cfg) {
  Config cfg = run_config(t, base, opts);
  const unsigned cores = t.threads + (t.condition_reads_memory ? 1 : 0);
  Config sizes = base;
  const std::vector<std::string> shrunk =
      opts.full_caches ? std::vector<std::string>{} : litmus_sized_caches(sizes, t.locations.size());
  std::uint64_t jitter = 0, run_seed = 0;
  LitmusSchedule s = litmus_schedule(t, opts.seed, run, jitter, run_seed);
  if (s.aligned) {
    std::vector<std::uint64_t> ends;
    const std::string r = measure_warm_up(t, cfg, s);
    if (!parse_warm_up(t, r, ends)) throw UserError("measuring the warm-up of run " + std::to_string(run) + ": " + r);
    align(t, ends, s);
  }
  cfg.set("seed", std::to_string(run_seed));
  cfg.set("core.start_jitter", std::to_string(jitter));
  const std::vector<std::string> variation = set_variation(cfg, s);
  if (run_cfg) *run_cfg = cfg;
  TraceOptions topts;
  topts.symbol_stride = unsigned(cfg.bytes("l1d.line_size"));
  auto trace = litmus_trace(t, topts, s);
  std::ostringstream o;
  o << "# " << t.name << " (" << t.path << "), run " << run << " of seed " << opts.seed << " on " << opts.isa
    << (opts.lse ? "+lse" : "") << ", as a plain text trace. Reproduce it with:\n"
    << "#   cohsim run " << config_arg << " --trace THIS_FILE --seed " << run_seed << " --set cores=" << cores
    << " --set isa=" << opts.isa << (opts.lse ? " --set lse=true" : "") << " --set core.start_jitter=" << jitter
    << (opts.check ? " --set check=true" : "");
  for (auto& a : variation) o << " --set " << a;
  for (auto& a : shrunk) o << " --set " << a;
  o << " --stats out.json\n"
    << "# and read coreN.regs.* in out.json";
  if (s.observer_wait)
    o << " (thread " << t.threads << " reads the final values after " << s.observer_wait << " cycles)";
  o << ". Operations on line 0 of the litmus file are the runner's preamble.\n";
  for (auto& [name, a] : trace->symbols()) o << "place " << name << " 0x" << std::hex << a << std::dec << "\n";
  auto sym = [&](Addr a) -> std::string {
    for (auto& [name, b] : trace->symbols())
      if (a == b) return name;
    return std::to_string(a);
  };
  for (unsigned th = 0; th < trace->threads(); ++th) {
    o << "thread " << th << "\n";
    auto st = trace->stream(th);
    const auto& regs = trace->registers(th);
    if (const std::vector<Op>* prog = st->program()) {
      // A program (branches, registers read): `L<i>:` before each op a branch goes to.
      std::vector<bool> target(prog->size() + 1, false);
      for (const Op& op : *prog)
        if (op.kind == OpKind::Branch) target[op.target] = true;
      for (std::size_t i = 0; i <= prog->size(); ++i) {
        if (target[i]) o << "L" << i << ":\n";
        if (i < prog->size())
          o << "  " << op_text((*prog)[i], sym, regs) << "    # litmus line " << (*prog)[i].line << "\n";
      }
      continue;
    }
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
