#include "sim/system.hpp"

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include <systemc>

#include "coherence/checker.hpp"
#include "coherence/private_cache.hpp"
#include "coherence/protocol.hpp"
#include "coherence/snoop_bus.hpp"
#include "cpu/core.hpp"
#include "cpu/lowering.hpp"
#include "cpu/trace/trace.hpp"
#include "sim/dram/dram_config.hpp"
#include "sim/dram/dram_memory.hpp"
#include "sim/error.hpp"
#include "sim/kernel_errors.hpp"
#include "sim/memory_side.hpp"
#include "sim/text.hpp"

namespace cohsim {

namespace {

class EmptyStream final : public ThreadStream {
 public:
  bool next(Op&) override { return false; }
};

CacheGeometry geometry(const Config& c, const std::string& level) {
  CacheGeometry g;
  g.size = c.bytes(level + ".size");
  g.assoc = unsigned(c.integer(level + ".assoc"));
  g.line_size = unsigned(c.bytes(level + ".line_size"));
  return g;
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void set_up_kernel_once() {
  static bool done = false;
  if (!done) {
    // SystemC reports nothing on its own: its errors become exceptions that the
    // command line turns into one message, and its warnings are not ours to print.
    using sc_core::sc_report_handler;
    sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
    sc_core::sc_set_time_resolution(1, sc_core::SC_FS);
    done = true;
  }
}

}  // namespace

std::string resolve_trace_path(const Config& cfg, const std::string& option) {
  if (!option.empty()) return option;
  const std::string& t = cfg.text("trace");
  if (t.empty())
    throw UserError(cfg.origin() + ": no trace: give --trace FILE or set `trace:` in the configuration");
  if (t[0] == '/') return t;
  const std::string& o = cfg.origin();
  auto slash = o.rfind('/');
  return slash == std::string::npos ? t : o.substr(0, slash + 1) + t;
}

struct System::Impl {
  const Config& cfg;
  RunOptions opts;
  Tick core_period, uncore_period;
  std::shared_ptr<Trace> trace;
  const ProtocolTable* table = nullptr;
  EventLog log;
  std::unique_ptr<Checker> checker;
  std::unique_ptr<FixedLatencyMemory> memory;
  std::unique_ptr<DramMemory> dram;  // instead of `memory` when memory.model is dram
  std::unique_ptr<SharedCache> l3, l2;
  std::unique_ptr<SnoopBus> bus;
  std::vector<std::unique_ptr<PrivateCache>> caches;
  std::vector<std::unique_ptr<Core>> cores;
  std::uint64_t total_cycles = 0, bus_cycles_total = 0;

  explicit Impl(const Config& c, const RunOptions& o) : cfg(c), opts(o) {}
};

System::System(const Config& cfg, const RunOptions& opts) : impl_(new Impl(cfg, opts)) {
  set_up_kernel_once();
  Impl& m = *impl_;
  m.core_period = cfg.period("core.frequency");
  m.uncore_period = cfg.period("uncore.frequency");
  const unsigned line = unsigned(cfg.bytes("l1d.line_size"));
  const std::uint64_t seed = std::uint64_t(cfg.integer("seed"));
  const unsigned ncores = unsigned(cfg.integer("cores"));

  TraceOptions topts;
  topts.symbol_stride = line;
  const std::string trace_path = opts.trace_object ? opts.trace_object->path() : resolve_trace_path(cfg, opts.trace);
  m.trace = opts.trace_object ? opts.trace_object : std::shared_ptr<Trace>(Trace::open(trace_path, topts));
  if (m.trace->threads() > ncores)
    throw UserError(trace_path + ": the trace has " + std::to_string(m.trace->threads()) +
                    " threads but the system has " + std::to_string(ncores) + " cores (cores: " +
                    cfg.where("cores") + "); set cores to at least " + std::to_string(m.trace->threads()));

  const std::string& protocol = cfg.choice("coherence.protocol");
  const std::string& fabric = cfg.choice("coherence.fabric");
  m.table = find_protocol(protocol, fabric);
  if (!m.table)
    throw UserError(cfg.where("coherence.protocol") + ": protocol " + protocol + " is not available on a " + fabric);

  if (!opts.events_path.empty()) m.log.open(opts.events_path);
  if (cfg.flag("check")) m.checker = std::make_unique<Checker>(line);

  MemoryLevel* below;
  if (cfg.choice("memory.model") == "dram") {
    m.dram = std::make_unique<DramMemory>("memory", dram_params(cfg), line);
    below = m.dram.get();
  } else {
    m.memory = std::make_unique<FixedLatencyMemory>(line, cfg.latency("memory.latency").to_ticks(m.uncore_period),
                                                    cfg.bytes_per_second("memory.bandwidth"));
    below = m.memory.get();
  }
  if (cfg.has_level("l3")) {
    m.l3 = std::make_unique<SharedCache>(geometry(cfg, "l3"), cfg.choice("l3.replacement"), seed * 31 + 3,
                                         cfg.latency("l3.latency").to_ticks(m.uncore_period),
                                         cfg.flag("l3.write_back"), cfg.flag("l3.write_allocate"), below);
    below = m.l3.get();
  }
  const bool l2_shared = cfg.has_level("l2") && cfg.flag("l2.shared");
  if (l2_shared) {
    m.l2 = std::make_unique<SharedCache>(geometry(cfg, "l2"), cfg.choice("l2.replacement"), seed * 31 + 2,
                                         cfg.latency("l2.latency").to_ticks(m.uncore_period),
                                         cfg.flag("l2.write_back"), cfg.flag("l2.write_allocate"), below);
    below = m.l2.get();
  }
  BusParams bp;
  bp.period = m.uncore_period;
  bp.line_size = line;
  bp.width = unsigned(cfg.bytes("bus.width"));
  bp.round_robin = cfg.choice("bus.arbitration") == "round_robin";
  m.bus = std::make_unique<SnoopBus>("bus", bp, below);

  if (cfg.has_level("l2") && !l2_shared)
    for (const char* k : {"l2.write_back", "l2.write_allocate"})
      if (!cfg.flag(k))
        throw UserError(cfg.where(k) + ": " + k +
                        ": a private L2 takes part in the write-back coherence protocol and must be "
                        "true (set l2.shared: true for a write-through or no-allocate shared L2)");
  if (cfg.flag("lse") && cfg.choice("isa") != "arm")
    throw UserError(cfg.where("lse") + ": lse: the LSE atomics are AArch64's; set isa: arm or lse: false");
  const Lowering& isa = Lowering::for_isa(cfg.choice("isa"), cfg.flag("lse"));
  std::uint64_t jitter_state = seed ^ 0x6a09e667f3bcc909ULL;
  const std::uint64_t jitter = std::uint64_t(cfg.integer("core.start_jitter"));
  for (unsigned i = 0; i < ncores; ++i) {
    PrivateCacheParams pp;
    pp.name = "core" + std::to_string(i);
    pp.l1 = {geometry(cfg, "l1d"), cfg.latency("l1d.latency").to_ticks(m.core_period), cfg.choice("l1d.replacement"),
             unsigned(cfg.integer("l1d.mshrs"))};
    pp.has_l2 = cfg.has_level("l2") && !l2_shared;
    if (pp.has_l2)
      pp.l2 = {geometry(cfg, "l2"), cfg.latency("l2.latency").to_ticks(m.core_period), cfg.choice("l2.replacement"),
               unsigned(cfg.integer("l2.mshrs"))};
    pp.clock_period = m.core_period;
    pp.seed = seed * 1000 + i;
    m.caches.push_back(std::make_unique<PrivateCache>(pp, *m.table, *m.bus, nullptr, &m.log, m.checker.get()));

    CoreParams cp;
    cp.period = m.core_period;
    cp.store_buffer = unsigned(cfg.integer("core.store_buffer"));
    cp.load_queue = unsigned(cfg.integer("core.load_queue"));
    cp.ports = unsigned(cfg.integer("l1d.ports"));
    if (jitter) cp.start = (splitmix64(jitter_state) % (jitter + 1)) * m.core_period;
    std::unique_ptr<ThreadStream> stream =
        i < m.trace->threads() ? m.trace->stream(i) : std::unique_ptr<ThreadStream>(new EmptyStream);
    const unsigned nregs = i < m.trace->threads() ? unsigned(m.trace->registers(i).size()) : 0;
    m.cores.push_back(std::make_unique<Core>(pp.name.c_str(), int(i), cp, std::move(stream), isa,
                                             m.caches.back().get(), nregs));
    m.caches.back()->set_listener(m.cores.back().get());
    m.cores.back()->set_observer(opts.observer);
  }

  // Statistics.
  for (unsigned i = 0; i < ncores; ++i) {
    m.cores[i]->register_stats(stats_);
    m.caches[i]->register_stats(stats_);
  }
  m.bus->register_stats(stats_);
  if (m.l2) m.l2->register_stats(stats_, "l2");
  if (m.l3) m.l3->register_stats(stats_, "l3");
  if (m.dram) m.dram->register_stats(stats_, "memory");
  else m.memory->register_stats(stats_, "memory");
}

System::~System() = default;

RunOutcome System::run() {
  Impl& m = *impl_;
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_print = start;
  std::uint64_t max_cycles = m.opts.max_cycles ? m.opts.max_cycles : std::uint64_t(m.cfg.integer("max_cycles"));
  const Tick limit = max_cycles ? max_cycles * m.core_period : ~Tick(0) / 2;
  const Tick watchdog = Tick(m.cfg.integer("watchdog")) * m.core_period;
  const Tick slice = std::min<Tick>(200000 * m.core_period, watchdog ? std::max<Tick>(watchdog / 4, m.core_period) : ~Tick(0));
  std::uint64_t last_ops = 0;
  Tick last_progress = 0;
  RunOutcome out;
  for (;;) {
    const Tick now = sc_core::sc_time_stamp().value();
    bool all_done = true;
    for (auto& c : m.cores) all_done &= c->done();
    if (all_done) {
      out.completed = true;
      break;
    }
    if (now >= limit) break;
    if (sc_core::sc_get_status() != sc_core::SC_ELABORATION && !sc_core::sc_pending_activity())
      throw SimError("deadlock: no component has anything to do but not every core finished\n" + dump());
    const Tick end = std::min(limit, now + slice);
    Core::set_run_limit(end);
    sc_core::sc_start(sc_core::sc_time::from_value(end - now));  // runs to `end`, idle or not
    rethrow_captured_exception();
    // The watchdog: some core must retire an operation (or be computing) every
    // `watchdog` cycles, else the system is deadlocked or livelocked.
    std::uint64_t ops = 0;
    bool computing = false;
    for (auto& c : m.cores) ops += c->ops(), computing |= c->computing(end);
    if (ops != last_ops || computing) last_ops = ops, last_progress = end;
    else if (watchdog && end - last_progress >= watchdog)
      throw SimError("watchdog: no operation retired for " + std::to_string((end - last_progress) / m.core_period) +
                     " core cycles (watchdog: " + std::to_string(watchdog / m.core_period) +
                     "); pending work:\n" + dump());
    if (m.opts.progress && clock::now() - last_print > std::chrono::milliseconds(500)) {
      last_print = clock::now();
      std::uint64_t ops = 0;
      for (auto& c : m.cores) ops += c->ops();
      std::fprintf(stderr, "\r  %llu cycles, %llu ops", (unsigned long long)(end / m.core_period),
                   (unsigned long long)ops);
      std::fflush(stderr);
    }
  }
  if (m.opts.progress) std::fprintf(stderr, "\r%60s\r", "");
  out.wall_seconds = std::chrono::duration<double>(clock::now() - start).count();

  Tick finish = 0;
  for (auto& c : m.cores) {
    finish = std::max(finish, c->done() ? c->finish_tick() : Tick(sc_core::sc_time_stamp().value()));
    out.ops += c->ops();
  }
  out.cycles = finish / m.core_period;
  for (auto& c : m.caches) c->finish(finish);
  if (m.dram) m.dram->finish(finish);
  m.total_cycles = out.cycles;
  stats_.set("cycles", out.cycles);
  stats_.set("completed", out.completed ? 1 : 0);
  stats_.set("ops", out.ops);
  for (std::size_t i = 0; i < m.cores.size(); ++i) {
    const std::string p = "core" + std::to_string(i);
    const Core& c = *m.cores[i];
    stats_.set(p + ".cycles", (c.done() ? c.finish_tick() : finish) / m.core_period);
    if (i < m.trace->threads()) {
      const auto& names = m.trace->registers(unsigned(i));
      for (std::size_t r = 0; r < names.size(); ++r) stats_.set(p + ".regs." + names[r], c.registers()[r]);
    }
    const double ops = double(c.ops());
    stats_.set_real(p + ".l1d.mpki", ops ? double(stats_.get(p + ".l1d.misses")) * 1000.0 / ops : 0.0);
  }
  const double uncore_cycles = double(finish) / double(m.uncore_period);
  stats_.set_real("bus.utilization", uncore_cycles > 0 ? m.bus->busy_cycles() / uncore_cycles : 0.0);
  stats_.set("time_ps", finish / 1000);
  return out;
}

std::string System::dump() const {
  std::ostringstream o;
  o << "at t=" << sc_core::sc_time_stamp().to_string() << "\n";
  for (auto& c : impl_->cores) o << c->dump() << "\n";
  o << impl_->bus->dump();
  if (impl_->dram) o << "\n" << impl_->dram->dump();
  return o.str();
}

std::string System::summary() const {
  const Impl& m = *impl_;
  const auto v = stats_.values();
  auto get = [&](const std::string& k) { auto it = v.find(k); return it == v.end() ? 0.0 : it->second; };
  std::ostringstream o;
  o << std::fixed;
  o << "cohsim: " << m.cores.size() << " cores (" << m.cfg.choice("isa") << "), " << m.table->name() << " on a "
    << m.table->fabric() << ", trace " << m.trace->path() << "\n";
  o << "simulated " << uint64_t(get("cycles")) << " core cycles (" << std::setprecision(3)
    << get("time_ps") / 1e3 << " ns), " << uint64_t(get("ops")) << " operations"
    << (get("completed") ? "" : "  [stopped at max_cycles before the trace ended]") << "\n\n";
  o << std::left << std::setw(7) << "core" << std::right << std::setw(10) << "ops" << std::setw(10) << "loads"
    << std::setw(10) << "stores" << std::setw(8) << "rmws" << std::setw(11) << "cycles" << std::setw(11)
    << "L1D hits" << std::setw(9) << "misses" << std::setw(8) << "hit%" << std::setw(8) << "MPKI" << std::setw(10)
    << "AMAT" << "\n";
  for (std::size_t i = 0; i < m.cores.size(); ++i) {
    const std::string p = "core" + std::to_string(i);
    o << std::left << std::setw(7) << p << std::right << std::setw(10) << uint64_t(get(p + ".ops")) << std::setw(10)
      << uint64_t(get(p + ".loads")) << std::setw(10) << uint64_t(get(p + ".stores")) << std::setw(8)
      << uint64_t(get(p + ".rmws")) << std::setw(11) << uint64_t(get(p + ".cycles")) << std::setw(11)
      << uint64_t(get(p + ".l1d.hits")) << std::setw(9) << uint64_t(get(p + ".l1d.misses")) << std::setw(8)
      << std::setprecision(1) << 100 * get(p + ".l1d.hit_rate") << std::setw(8) << std::setprecision(2)
      << get(p + ".l1d.mpki") << std::setw(10) << std::setprecision(1) << get(p + ".amat_cycles") << "\n";
  }
  o << "\n";
  if (m.l2 || v.count("core0.l2.hits")) {
    double h = 0, mi = 0;
    if (m.l2) h = get("l2.hits"), mi = get("l2.misses");
    else
      for (std::size_t i = 0; i < m.cores.size(); ++i)
        h += get("core" + std::to_string(i) + ".l2.hits"), mi += get("core" + std::to_string(i) + ".l2.misses");
    o << (m.l2 ? "L2 (shared)    " : "L2 (private)   ") << std::setprecision(0) << h << " hits, " << mi
      << " misses";
    if (h + mi > 0) o << std::setprecision(1) << " (" << 100 * h / (h + mi) << "% hits)";
    o << "\n";
  }
  if (m.l3) {
    o << "L3 (shared)    " << std::setprecision(0) << get("l3.hits") << " hits, " << get("l3.misses") << " misses";
    if (get("l3.hits") + get("l3.misses") > 0)
      o << std::setprecision(1) << " (" << 100 * get("l3.hit_rate") << "% hits)";
    o << "\n";
  }
  o << std::setprecision(0) << "bus            " << get("bus.transactions") << " transactions (GetS "
    << get("bus.msgs.GetS") << ", GetM " << get("bus.msgs.GetM") << ", PutM " << get("bus.msgs.PutM")
    << (get("bus.msgs.Upd") > 0 ? ", Upd " + std::to_string(std::uint64_t(get("bus.msgs.Upd"))) : std::string())
    << "), "
    << get("bus.cache_to_cache") << " cache-to-cache, utilization " << std::setprecision(1)
    << 100 * get("bus.utilization") << "%\n";
  double inv = 0;
  for (auto& [k, x] : v)
    if (ends_with(k, ".invalidations")) inv += x;
  o << std::setprecision(0) << "coherence      " << inv << " invalidations\n";
  o << "memory         " << get("memory.reads") << " line reads, " << get("memory.writes") << " line writes\n";
  if (m.dram)
    o << "DRAM           " << m.cfg.choice("dram.preset") << ": row hits " << get("memory.row_hits") << ", misses "
      << get("memory.row_misses") << ", conflicts " << get("memory.row_conflicts") << "; read latency "
      << std::setprecision(1) << get("memory.read_latency_ns") << " ns (p99 " << get("memory.read_latency_p99_ns")
      << "), " << std::setprecision(2) << get("memory.bandwidth_GBps") << " GB/s of " << get("memory.peak_GBps")
      << "\n";
  // Final register values, core by core; the JSON has all of them.
  std::size_t shown = 0, total = 0;
  std::string regs;
  for (std::size_t i = 0; i < m.cores.size() && i < m.trace->threads(); ++i) {
    const auto& names = m.trace->registers(unsigned(i));
    for (std::size_t r = 0; r < names.size(); ++r, ++total)
      if (shown < 24) {
        regs += " core" + std::to_string(i) + ":" + names[r] + "=" + std::to_string(m.cores[i]->registers()[r]);
        ++shown;
      }
  }
  if (total) {
    o << "\nregisters     " << regs;
    if (total > shown) o << " ... (" << total - shown << " more in --stats)";
    o << "\n";
  }
  return o.str();
}

}  // namespace cohsim
