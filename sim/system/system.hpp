// The system builder: turns a Config and a trace into SystemC modules (cores, their
// private caches, the bus, the shared levels, memory), runs them, and collects the
// statistics. SystemC elaborates one design per process, so a process builds at
// most one System.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/config/config.hpp"
#include "sim/base/event_log.hpp"
#include "sim/base/stats.hpp"

namespace cohsim {

class ProtocolTable;
// coherence.fabric, interpreted by the system builder (and the random tester).
enum class Fabric { Bus, Directory };
const Choices<Fabric>& fabrics();

class Trace;
class AccessObserver;

struct RunOptions {
  std::string trace;                    // "" = the config's `trace` key
  // A multiprogrammed mix (cpu/trace/mix_trace.hpp): one single-threaded trace per core,
  // each in its own address space; wins over `trace` when not empty.
  std::vector<std::string> mix;
  std::shared_ptr<Trace> trace_object;  // a trace made in memory (the stress tester); wins over `trace`
  std::string events_path;              // "" = no event log
  bool events_dram = false;             // the event log also records every DRAM command (--events-dram)
  // Trace lines whose writes make the initial state (a litmus replay's preamble): the
  // event log's loads say they read "initial" rather than naming them (docs/event-log.md).
  std::vector<std::uint32_t> initial_lines;
  std::uint64_t max_cycles = 0;         // 0 = the config's max_cycles (0 = unlimited)
  bool progress = false;                // progress lines on stderr
  AccessObserver* observer = nullptr;   // told of every memory access as it performs
  // --stats-interval: every this many core cycles (0: never) one JSON line of every
  // statistic so far (cumulative, "cycle" first) goes to `stats_interval_path`, and a
  // last line at the end of the run, equal to the --stats statistics.
  std::uint64_t stats_interval = 0;
  std::string stats_interval_path;
  // --warmup: the statistics are reset once every core with a thread has retired this
  // many operations (0: no warm-up). README "Warm-up and region of interest".
  std::uint64_t warmup = 0;
};

struct RunOutcome {
  bool completed = false;  // every core ran its thread to the end
  std::uint64_t cycles = 0;  // the whole run's (warm-up included), as ops
  std::uint64_t ops = 0;
  double wall_seconds = 0;
};

class System {
 public:
  System(const Config& cfg, const RunOptions& opts);
  ~System();
  RunOutcome run();
  const Stats& stats() const { return stats_; }
  // The protocol table the caches execute (on the bus: the atomic or the split one).
  const ProtocolTable& protocol() const;
  // The directory homes' table (the sparse one with directory.entries), null on a bus.
  const ProtocolTable* home_protocol() const;
  // bus.response_jitter and bus.request_jitter changed while the run goes (the stress
  // tester's steering varies them after its plain-mix start); false, and nothing done,
  // without a split bus.
  // slow_core >= 0: only that core's coherent cache's requests take the request jitter.
  bool set_bus_jitter(unsigned response_cycles, unsigned request_cycles, int slow_core = -1);
  // bus.writeback_delay and bus.writeback_delay_core (-1: every core) changed while the
  // run goes (the stress tester's steering); false when there is no split bus.
  bool set_writeback_delay(unsigned cycles, int core = -1);
  // network.jitter changed while the run goes (the same steering); false without a network.
  // home_data_cycles, slow_core: Network::set_jitter's (a core's coherent cache's endpoint).
  bool set_network_jitter(unsigned cycles, unsigned home_data_cycles = 0, int slow_core = -1);
  // Network::set_put_delay for that core's coherent cache (the same steering); false
  // without a network.
  bool set_network_put_delay(unsigned cycles, int core);
  // network.owner_data_delay changed while the run goes (the same steering); false
  // without a network.
  bool set_network_owner_data_delay(unsigned cycles);
  std::string summary() const;  // the human table
  // The --stats JSON: every statistic (Stats::to_json_object), with `schema` "_meta", and
  // "_provenance" (sim/system/provenance.hpp) last.
  std::string stats_json(bool schema = false) const;
  std::string dump() const;     // every component's pending work
  // A shared resource busy more than 90% of the run (the summary's warning lines).
  struct Saturated {
    std::string what;
    double share;
    std::string knob;  // what relieves it
  };
  std::vector<Saturated> saturated() const;
  // The sharing advisor's lines (`advice`; docs/advice.md): the summary's `sharing`
  // block ("" when off or no line had coherence misses) and the --stats "_advice".
  std::string advice_text() const;
  nlohmann::ordered_json advice_json() const;

 private:
  void write_log_header(const std::string& protocol, const std::string& fabric, const std::string& trace_path);
  // The measured window (warm-up, `roi begin` / `roi end`): every component's statistics
  // reset at `t`; the window's figures fixed at `end` and every statistic frozen there;
  // the figures over the window (cycles, rates, utilisations) computed at `end`.
  void reset_window(Tick t);
  void freeze_window(Tick end);
  void finalize_stats(Tick end);
  void register_window_stats();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Stats stats_;
};

// Resolves the trace path of a run: the option, else the config's `trace` key
// (relative to the config file's folder).
std::string resolve_trace_path(const Config& cfg, const std::string& option);

}  // namespace cohsim
