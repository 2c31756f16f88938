#include "sim/cli/races_command.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

#include "cpu/litmus/litmus.hpp"
#include "cpu/lowering.hpp"
#include "cpu/races/race_finder.hpp"
#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/config/config.hpp"
#include "sim/system/system.hpp"

namespace po = boost::program_options;

namespace cohsim {

namespace {

const char* kSynopsis =
    "cohsim races TRACE|TEST.litmus [--config CONFIG] [--isa x86|arm|riscv] [--seed N] [--runs N]\n"
    "                               [--set KEY=VALUE]... [--json] [--limit N] [--max-cycles N]\n"
    "                               [--stagger CYCLES]";

const char* kAbout =
    "Runs the trace and reports every pair of conflicting accesses -- the same bytes, at least\n"
    "one a write, at least one plain (non-atomic) -- that happens-before does not order, where\n"
    "happens-before is program order plus the synchronizes-with edges of Release/Acquire and\n"
    "SeqCst atomics and fences (the C++11/Rust model). A race-free trace gets an empty report.\n"
    "The report is about the execution the simulator produced: which store each load read\n"
    "from decides what synchronizes, and another seed (or ISA) can interleave differently;\n"
    "--runs N unions the races of N seeds. Exit status: 0 no data race, 4 races found.\n";

struct Run {
  std::uint64_t seed = 0;
  std::vector<Race> races;
  bool truncated = false;
  bool completed = true;
  std::uint64_t accesses = 0;
};

// The trace to run, its program as the race finder sees it, and how to name addresses.
struct Subject {
  std::shared_ptr<Trace> trace;
  std::vector<std::vector<ProgramOp>> program;
  bool by_line = true;
  bool programs = false;  // some thread branches or reads registers
};

Subject load_subject(const std::string& path, std::uint64_t stagger) {
  Subject s;
  const bool litmus = path.size() > 7 && path.compare(path.size() - 7, 7, ".litmus") == 0;
  if (litmus) {
    const LitmusTest test = parse_litmus(path);
    LitmusSchedule sched;
    for (unsigned t = 0; t < test.threads; ++t) sched.delay.push_back(stagger * t);
    s.trace = litmus_trace(test, TraceOptions{}, sched);
  } else {
    if (stagger) throw UserError("--stagger: only for .litmus tests (a trace says its own `compute` waits)");
    s.trace = Trace::open(path);
  }
  bool zero = false, programs = false;
  for (unsigned t = 0; t < s.trace->threads(); ++t) {
    auto stream = s.trace->stream(t);
    programs |= stream->program() != nullptr;
    std::vector<ProgramOp> ops;
    Op op;
    while (stream->next(op)) {
      if (!is_memory(op.kind) && op.kind != OpKind::Fence) continue;
      ops.push_back(ProgramOp{op.line, op.kind, op.order, op.addr, op.size});
      zero |= op.line == 0;
    }
    s.program.push_back(std::move(ops));
  }
  // A litmus test's line-0 operations are its harness's (initial stores); elsewhere a
  // line 0 means the lines are unknown (binary traces written without them).
  // A program's line runs many times, at addresses its registers give: no static places.
  s.programs = programs;
  s.by_line = !programs && RaceFinder::lines_place(s.program) && (litmus || !zero);
  return s;
}

Run run_once(const Config& cfg, const Subject& s, std::uint64_t max_cycles, std::size_t limit) {
  std::unique_ptr<RaceFinder> finder = s.by_line ? std::make_unique<RaceFinder>(s.program, limit)
                                                 : std::make_unique<RaceFinder>(s.trace->threads(), limit);
  RunOptions ro;
  ro.trace_object = s.trace;
  ro.max_cycles = max_cycles;
  ro.observer = finder.get();
  System sys(cfg, ro);
  const RunOutcome out = sys.run();
  Run r;
  r.seed = std::uint64_t(cfg.integer("seed"));
  r.races = finder->races();
  r.truncated = finder->truncated();
  r.completed = out.completed;
  r.accesses = finder->events();
  return r;
}

// ---- A run in a child process (SystemC elaborates one design per process) ------------

void put_access(std::ostream& o, const RaceAccess& a) {
  o << a.thread << ' ' << a.op << ' ' << a.line << ' ' << a.what << ' ' << int(a.order) << ' ' << a.addr << ' '
    << int(a.size) << ' ' << a.write;
}

bool get_access(std::istream& in, RaceAccess& a) {
  int order = 0, size = 0;
  in >> a.thread >> a.op >> a.line >> a.what >> order >> a.addr >> size >> a.write;
  a.order = Ordering(order), a.size = std::uint8_t(size);
  return bool(in);
}

std::string serialize(const Run& r) {
  std::ostringstream o;
  o << "run " << r.seed << ' ' << r.truncated << ' ' << r.completed << ' ' << r.accesses << ' ' << r.races.size()
    << "\n";
  for (auto& x : r.races) {
    put_access(o, x.a);
    o << ' ';
    put_access(o, x.b);
    o << "\n";
  }
  return o.str();
}

Run deserialize(const std::string& text) {
  std::istringstream in(text);
  std::string word;
  Run r;
  std::size_t n = 0;
  in >> word >> r.seed >> r.truncated >> r.completed >> r.accesses >> n;
  if (word != "run" || !in) throw SimError("races: a run's child process sent a malformed result");
  for (std::size_t i = 0; i < n; ++i) {
    Race x;
    if (!get_access(in, x.a) || !get_access(in, x.b))
      throw SimError("races: a run's child process sent a truncated result");
    r.races.push_back(std::move(x));
  }
  return r;
}

Run run_in_child(const Config& cfg, const Subject& s, std::uint64_t max_cycles, std::size_t limit) {
  int fd[2];
  if (pipe(fd) != 0) throw SimError(std::string("races: pipe: ") + std::strerror(errno));
  std::cout.flush(), std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) throw SimError(std::string("races: fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fd[0]);
    std::string msg;
    int code = 0;
    try {
      msg = serialize(run_once(cfg, s, max_cycles, limit));
    } catch (const UserError& e) {
      msg = std::string("user ") + e.what(), code = 1;
    } catch (const std::exception& e) {
      msg = std::string("bug ") + e.what(), code = 3;
    }
    for (std::size_t done = 0; done < msg.size();) {
      const ssize_t w = write(fd[1], msg.data() + done, msg.size() - done);
      if (w <= 0) break;
      done += std::size_t(w);
    }
    close(fd[1]);
    _exit(code);
  }
  close(fd[1]);
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, std::size_t(n));
  }
  close(fd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    throw SimError("races: the run with seed " + std::to_string(cfg.integer("seed")) + " died of signal " +
                   std::to_string(WTERMSIG(status)));
  if (text.compare(0, 5, "user ") == 0) throw UserError(text.substr(5));
  if (text.compare(0, 4, "bug ") == 0) throw SimError(text.substr(4));
  return deserialize(text);
}

// ---- The report -----------------------------------------------------------------

// Names an address as the text trace format does: `sym`, `sym+off` or hex.
std::string addr_name(const Trace& t, Addr a) {
  const Addr span = std::max(1u, TraceOptions{}.symbol_stride);
  const std::pair<std::string, Addr>* best = nullptr;
  for (auto& s : t.symbols())
    if (s.second <= a && a - s.second < span && (!best || s.second > best->second)) best = &s;
  std::ostringstream o;
  if (best) {
    o << best->first;
    if (a != best->second) o << "+" << (a - best->second);
  } else {
    o << "0x" << std::hex << a;
  }
  return o.str();
}

std::string describe(const Trace& t, const RaceAccess& a) {
  std::string s = a.what;
  if (a.size != 8) s += "." + std::to_string(a.size);
  s += " " + addr_name(t, a.addr);
  if (a.order != Ordering::Plain) s += std::string(" ") + name(a.order);
  return s;
}

std::string side_text(const Trace& t, const RaceAccess& a) {
  if (a.line)
    return "line " + std::to_string(a.line) + " (thread " + std::to_string(a.thread) + ", " + describe(t, a) + ")";
  return "thread " + std::to_string(a.thread) + " operation " + std::to_string(a.op + 1) + " (" + describe(t, a) + ")";
}

std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else o += c;
  }
  return o + "\"";
}

std::string side_json(const Trace& t, const RaceAccess& a) {
  std::ostringstream o;
  o << "{\"thread\": " << a.thread << ", \"line\": " << a.line << ", \"op\": " << a.op
    << ", \"kind\": " << json_string(a.what) << ", \"order\": " << json_string(name(a.order))
    << ", \"addr\": " << a.addr << ", \"location\": " << json_string(addr_name(t, a.addr))
    << ", \"size\": " << int(a.size) << ", \"write\": " << (a.write ? "true" : "false")
    << ", \"text\": " << json_string(describe(t, a)) << "}";
  return o.str();
}

std::string seeds_text(const std::vector<std::uint64_t>& seeds) {
  if (seeds.size() == 1) return "seed " + std::to_string(seeds[0]);
  return "seeds " + std::to_string(seeds.front()) + ".." + std::to_string(seeds.back());
}

}  // namespace

int run_races_command(const std::vector<std::string>& args) {
  CommandLine cl(kSynopsis, kAbout);
  cl.options()("config,c", po::value<std::string>(),
               "the system to run on (YAML); default: the built-in defaults "
               "(configs/default.yaml) with as many cores as the trace has threads")(
      "isa", po::value<std::string>(), "x86, arm or riscv (same as --set isa=...)")(
      "seed", count_value(), "the (first) run's seed (same as --set seed=N)")(
      "runs,n", count_value(1), "runs, with seeds N, N+1, ...: the union of their races")(
      "stagger", count_value(0),
      ".litmus only: thread N starts N times this many cycles late (so a later thread sees an earlier one's "
      "writes)")("limit", count_value(RaceFinder::kDefaultLimit), "list at most this many racy pairs per run")(
      "max-cycles", count_value(), "stop each run after this many core cycles");
  cl.add_set();
  cl.add_json("print the report as JSON");
  cl.positional("trace");
  if (!cl.parse(args)) return 0;
  const std::string path = cl.input("trace");
  const std::uint64_t runs = cl.count("runs", 1, 1u << 20);
  const std::size_t limit = std::size_t(cl.count("limit"));
  const std::uint64_t max_cycles = cl.has("max-cycles") ? cl.count("max-cycles") : 0;
  const std::uint64_t stagger = cl.count("stagger", 0, std::uint64_t(1) << 40);

  const Subject subject = load_subject(path, stagger);
  const Trace& trace = *subject.trace;

  Config cfg = cl.config("config");
  bool cores_given = false;
  for (auto& s : cl.sets()) cores_given |= s.compare(0, 6, "cores=") == 0;
  if (cl.has("isa")) cfg.set("isa", cl.str("isa"));
  if (cl.has("seed")) cfg.set("seed", std::to_string(cl.count("seed")));
  if (!cores_given) cfg.set("cores", std::to_string(std::max(1u, trace.threads())));
  const std::uint64_t first_seed = std::uint64_t(cfg.integer("seed"));

  // Every run; the union of their races, each pair once, with the seeds that saw it.
  std::vector<std::uint64_t> seeds;
  std::map<std::tuple<int, std::uint32_t, int, std::uint32_t>, std::pair<Race, std::vector<std::uint64_t>>> found;
  bool truncated = false, incomplete = false;
  std::uint64_t accesses = 0;
  for (std::uint64_t i = 0; i < runs; ++i) {
    Config c = cfg;
    c.set("seed", std::to_string(first_seed + i));
    const Run r = runs == 1 ? run_once(c, subject, max_cycles, limit) : run_in_child(c, subject, max_cycles, limit);
    seeds.push_back(r.seed);
    truncated |= r.truncated;
    incomplete |= !r.completed;
    accesses += r.accesses;
    for (const Race& x : r.races) {
      auto& slot = found[{x.a.thread, x.a.op, x.b.thread, x.b.op}];
      if (slot.second.empty()) slot.first = x;
      slot.second.push_back(r.seed);
    }
  }
  std::vector<const std::pair<Race, std::vector<std::uint64_t>>*> list;
  for (auto& [k, v] : found) list.push_back(&v);
  std::sort(list.begin(), list.end(), [](auto* p, auto* q) {
    const Race &x = p->first, &y = q->first;
    return std::make_tuple(x.a.line, x.b.line, x.a.thread, x.b.thread, x.a.op, x.b.op) <
           std::make_tuple(y.a.line, y.b.line, y.a.thread, y.b.thread, y.a.op, y.b.op);
  });
  if (incomplete)
    std::cerr << "cohsim: warning: a run stopped (max_cycles) before every thread finished; only the accesses "
                 "it performed were analysed\n";
  if (!subject.by_line)
    std::cerr << "cohsim: note: " << path
              << (subject.programs ? " is a program (a line may run many times, at addresses from registers)"
                                   : " has no usable line numbers")
              << ": each thread's accesses are taken in "
              << "the order they performed, and fences that run no barrier instruction are not seen\n";

  const std::string isa = cfg.choice("isa");
  if (cl.json()) {
    std::ostringstream o;
    o << "{\"trace\": " << json_string(path) << ", \"isa\": " << json_string(isa) << ", \"seeds\": [";
    for (std::size_t i = 0; i < seeds.size(); ++i) o << (i ? ", " : "") << seeds[i];
    o << "], \"events\": " << accesses << ", \"complete\": " << (incomplete ? "false" : "true")
      << ", \"truncated\": " << (truncated ? "true" : "false") << ", \"races\": [";
    for (std::size_t i = 0; i < list.size(); ++i) {
      o << (i ? ",\n  " : "\n  ") << "{\"a\": " << side_json(trace, list[i]->first.a)
        << ", \"b\": " << side_json(trace, list[i]->first.b) << ", \"seeds\": [";
      for (std::size_t j = 0; j < list[i]->second.size(); ++j) o << (j ? ", " : "") << list[i]->second[j];
      o << "]}";
    }
    o << (list.empty() ? "]}\n" : "\n]}\n");
    std::cout << o.str();
  } else {
    std::ostringstream o;
    for (auto* p : list) {
      o << "race: " << side_text(trace, p->first.a) << " and " << side_text(trace, p->first.b);
      if (runs > 1) o << "  [" << p->second.size() << "/" << runs << " runs]";
      o << "\n";
    }
    const std::string where = "(" + seeds_text(seeds) + ", isa " + isa + ", " + std::to_string(accesses) + " events)";
    if (list.empty()) o << "no data race " << where << "\n";
    else
      o << list.size() << (list.size() == 1 ? " data race " : " data races ") << where
        << (truncated ? "; more not listed (--limit)" : "") << "\n";
    std::cout << o.str();
  }
  return list.empty() ? 0 : 4;
}

COHSIM_REGISTER(command_registry, "races", "report the data races of a run",
                Command{{{"races TRACE", "report the pairs of accesses that race (no happens-before) in a run"}},
                        run_races_command},
                6);

}  // namespace cohsim
