#include "sim/system/system.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <systemc>

#include "coherence/checker.hpp"
#include "coherence/directory.hpp"
#include "coherence/home_map.hpp"
#include "coherence/inclusion.hpp"
#include "coherence/network.hpp"
#include "coherence/private_cache.hpp"
#include "coherence/protocol.hpp"
#include "coherence/shared_cache.hpp"
#include "coherence/snoop_bus.hpp"
#include "cpu/core.hpp"
#include "cpu/lowering.hpp"
#include "cpu/mmu/mmu.hpp"
#include "cpu/sharing/sharing_advisor.hpp"
#include "cpu/trace/mix_trace.hpp"
#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"
#include "sim/base/kernel_errors.hpp"
#include "sim/base/kernel_process.hpp"
#include "sim/base/random.hpp"
#include "sim/base/registry.hpp"
#include "sim/base/text.hpp"
#include "sim/memory/dram/dram_config.hpp"
#include "sim/memory/dram/dram_memory.hpp"
#include "sim/memory/memory_level.hpp"
#include "sim/system/provenance.hpp"

namespace cohsim {

// Statistics of the whole system (docs/stats.md).
COHSIM_STAT(kStatCycles, "cycles", "cycles", "core", "core cycles until the last core finished (with --warmup or ROI markers: the measured window's)");
COHSIM_STAT(kStatCompleted, "completed", "flag", "", "1 if every thread ran to its end, 0 if the run stopped at max_cycles");
COHSIM_STAT(kStatOps, "ops", "count", "", "trace operations retired by all cores");
COHSIM_STAT(kStatTimePs, "time_ps", "ps", "", "simulated time until the last core finished (with --warmup or ROI markers: the measured window's)");
COHSIM_STAT(kStatCoreCycles, "core*.cycles", "cycles", "core", "core cycles until this core finished (with a measured window: its part of the window)");
COHSIM_STAT(kStatRegs, "core*.regs.*", "value", "", "the final value of a register the trace names");
COHSIM_STAT(kStatIpc, "core*.ipc", "instructions_per_cycle", "",
            "core*.instructions / core*.cycles (instructions as the lowering counts them: `compute N` is one); absent when the core ran no cycle");
COHSIM_STAT(kStatCpi, "core*.cpi", "cycles_per_instruction", "",
            "core*.cycles / core*.instructions, the inverse of ipc; absent when the core retired no instruction");
COHSIM_STAT(kStatMpki, "core*.l1d.misses_per_1000_ops", "per_1000_ops", "",
            "L1D misses (all kinds) per 1000 trace operations (formerly core*.l1d.mpki; MPKI per 1000 instructions, the summary's column: core*.l1d.misses_per_1000_instructions)");
COHSIM_STAT(kStatPrivateMpki, "core*.l*.misses_per_1000_instructions", "per_1000_instructions", "",
            "MPKI of a private level: core*.l*.misses * 1000 / core*.instructions of the same core; absent when the core retired no instruction");
COHSIM_STAT(kStatSharedMpki, "[node*.]l*.misses_per_1000_instructions", "per_1000_instructions", "",
            "MPKI of a shared level: [node*.]l*.misses * 1000 / the sum of every core's core*.instructions; absent when no core retired an instruction");
COHSIM_STAT(kStatBusUtil, "bus.utilization", "ratio", "",
            "share of the run the bus was held (atomic) or its address bus was busy (split)");
COHSIM_STAT(kStatDirUtil, "[node*.]directory.utilization", "ratio", "",
            "share of the run the home was busy starting messages (one per uncore cycle)");
COHSIM_STAT(kStatBusBandwidth, "bus.bandwidth_GBps", "GBps", "",
            "bus.data_bytes / the measured time (time_ps): the data the bus moved per second of the run");
COHSIM_STAT(kStatBusDataUtil, "bus.data_utilization", "ratio", "",
            "split bus: share of the run the data bus was transferring");
COHSIM_STAT(kStatPages4K, "vm.pages_4KiB", "count", "", "4 KiB pages mapped");
COHSIM_STAT(kStatPages2M, "vm.pages_2MiB", "count", "", "2 MiB pages mapped");
COHSIM_STAT(kStatPages1G, "vm.pages_1GiB", "count", "", "1 GiB pages mapped");
COHSIM_STAT(kStatTableFrames, "vm.table_frames", "count", "", "page-table frames allocated");
COHSIM_STAT(kStatAllocated, "vm.node*.allocated_bytes", "bytes", "", "bytes of frames taken from the memory node");
COHSIM_STAT(kStatNumaLocal, "numa.local_misses", "count", "", "misses whose home is on the requester's node (NUMA)");
COHSIM_STAT(kStatNumaRemote, "numa.remote_misses", "count", "", "misses whose home is on another node (NUMA)");
COHSIM_STAT(kStatNumaShare, "numa.remote_share", "ratio", "", "remote_misses / (local_misses + remote_misses)");
COHSIM_STAT(kStatNumaLocalLat, "numa.local_miss_latency_uncore_cycles", "cycles", "uncore", "mean request-to-data latency of the local misses");
COHSIM_STAT(kStatWindowStart, "window.start_cycle", "cycles", "core",
            "--warmup or `roi begin`: the core cycle at which the statistics were last reset (the measured window's start)");
COHSIM_STAT(kStatWindowEnd, "window.end_cycle", "cycles", "core",
            "--warmup or ROI markers: the core cycle at which the measured window ended (the first `roi end`, else the end of the run)");
COHSIM_STAT(kStatShLines, "sharing.lines", "count", "",
            "`advice`: lines with coherence misses, each classified as false sharing, true sharing, a lock or one core seen (docs/advice.md)");
COHSIM_STAT(kStatShFalse, "sharing.false_sharing_lines", "count", "",
            "`advice`: lines with coherence misses whose cores touched disjoint bytes (false sharing)");
COHSIM_STAT(kStatShTrue, "sharing.true_sharing_lines", "count", "",
            "`advice`: lines with coherence misses where a byte one core wrote was read or written by another (true sharing), not a lock");
COHSIM_STAT(kStatShLock, "sharing.lock_lines", "count", "",
            "`advice`: true-sharing lines on which two or more cores did RMWs (a contended lock or atomic)");
COHSIM_STAT(kStatShMisses, "sharing.coherence_misses", "count", "",
            "`advice`: coherence misses on the lines counted in sharing.lines (the coherent level's; their sum over the cores' core*.l1d/l2.coherence_misses when every line fits the advisor's table)");
COHSIM_STAT(kStatShCycles, "sharing.coherence_miss_cycles", "cycles", "core",
            "`advice`: the latency of those coherence misses (from the access to its data), summed over the misses (overlapping misses each count)");
COHSIM_STAT(kStatShUntracked, "sharing.untracked_invalidations", "count", "",
            "`advice`: lines taken from a cache while the advisor's table (4096 lines) was full; not classified");
COHSIM_STAT(kStatNumaRemoteLat, "numa.remote_miss_latency_uncore_cycles", "cycles", "uncore", "mean request-to-data latency of the remote misses");

// The choices of the keys this file interprets (the other choices live beside their
// components: protocols, replacement, topology, DRAM, page tables, placement,
// memory.model in sim/memory/memory_level.cpp).
const Choices<Fabric>& fabrics() {
  static const Choices<Fabric> c(
      "coherence.fabric", {{"bus", Fabric::Bus, "a snooping bus (every protocol)"},
                           {"directory", Fabric::Directory,
                            "a full-map directory at the shared last level, reached over a point-to-point network"}});
  return c;
}
COHSIM_REGISTER_CHOICES(fabrics);

namespace {

enum class CorePlacement { Block, Spread };
const Choices<CorePlacement>& core_placements() {
  static const Choices<CorePlacement> c(
      "numa.cores", {{"block", CorePlacement::Block, "consecutive blocks: core i on node i * nodes / cores"},
                     {"spread", CorePlacement::Spread, "round robin: core i on node i mod nodes"}});
  return c;
}
COHSIM_REGISTER_CHOICES(core_placements);

const Choices<HomeMap::Mode>& home_modes() {
  static const Choices<HomeMap::Mode> c(
      "numa.home",
      {{"interleave", HomeMap::Mode::Interleave,
        "physical addresses dealt out over the nodes in numa.interleave blocks"},
       {"page", HomeMap::Mode::Page, "the node whose memory holds the line's physical page (needs vm.enabled)"}});
  return c;
}
COHSIM_REGISTER_CHOICES(home_modes);

const Choices<bool>& arbitrations() {  // true: round robin
  static const Choices<bool> c("bus.arbitration", {{"round_robin", true, "round robin over the requesters"},
                                                   {"fifo", false, "the oldest request first"}});
  return c;
}
COHSIM_REGISTER_CHOICES(arbitrations);

const Choices<bool>& bus_transactions() {  // true: split
  static const Choices<bool> c(
      "bus.transactions",
      {{"split", true, "ordered address phase, separate data responses, many transactions outstanding"},
       {"atomic", false, "the bus is held from a request's address phase until its data arrives"}});
  return c;
}
COHSIM_REGISTER_CHOICES(bus_transactions);

const Choices<bool>& thp_policies() {  // true: always
  static const Choices<bool> c("vm.thp", {{"never", false, "4 KiB pages unless a region says otherwise"},
                                          {"always", true, "2 MiB pages wherever an aligned 2 MiB block allows"}});
  return c;
}
COHSIM_REGISTER_CHOICES(thp_policies);

// ---- The rules across the keys this file assembles ---------------------------------

COHSIM_REGISTER(config_rules, "coherence.protocol", "the protocol has a table for the fabric (Dragon: the bus only)",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const std::string& protocol = cfg.choice("coherence.protocol");
                  const std::string& fabric = cfg.choice("coherence.fabric");
                  if (find_protocol(protocol, fabric)) return std::string();
                  // Sorted by name: the registry's order follows static initialisation, which
                  // differs between builds (LTO).
                  std::vector<std::string> names;
                  for (const ProtocolTable* t : all_protocols())
                    if (t->fabric() == fabric) names.push_back(t->name());
                  std::sort(names.begin(), names.end());
                  std::string on;
                  for (const std::string& n : names) on += (on.empty() ? "" : ", ") + n;
                  blame = cfg.blame({"coherence.protocol", "coherence.fabric"});
                  const Fabric other = fabrics().value(fabric) == Fabric::Bus ? Fabric::Directory : Fabric::Bus;
                  return "protocol " + protocol + " is not available on a " + fabric +
                         (protocol == "dragon" ? " (Dragon updates sharers by broadcast: it needs the snooping bus)"
                                               : "") +
                         "; on a " + fabric + " the choices are: " + on + " (or set coherence.fabric: " +
                         fabrics().name(other) + ")";
                }});

COHSIM_REGISTER(config_rules, "directory.entries",
                "a sparse directory needs the directory fabric, a protocol with a recall, and a power-of-two number of sets",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const unsigned entries = directory_entries(cfg);
                  if (!entries) return std::string();
                  const std::string& protocol = cfg.choice("coherence.protocol");
                  if (fabrics().value(cfg.choice("coherence.fabric")) != Fabric::Directory) {
                    blame = cfg.blame({"directory.entries", "coherence.fabric"});
                    return "directory.entries: " + std::to_string(entries) +
                           " sizes a directory, and coherence.fabric is " + cfg.choice("coherence.fabric") + " (" +
                           cfg.where("coherence.fabric") +
                           "): set coherence.fabric: directory, or directory.entries: unlimited";
                  }
                  if (!find_protocol(protocol, kSparseHomeFabric)) {
                    std::vector<std::string> names;
                    for (const ProtocolTable* t : all_protocols())
                      if (t->fabric() == kSparseHomeFabric) names.push_back(t->name());
                    std::sort(names.begin(), names.end());
                    std::string on;
                    for (const std::string& n : names) on += (on.empty() ? "" : ", ") + n;
                    blame = cfg.blame({"directory.entries", "coherence.protocol"});
                    return "a sparse directory (directory.entries: " + std::to_string(entries) +
                           ") recalls lines through the protocol's table, and protocol " + protocol +
                           " has no recall rows; the choices are: " + on + " (or directory.entries: unlimited)";
                  }
                  const std::int64_t assoc = cfg.integer("directory.assoc") ? cfg.integer("directory.assoc") : entries;
                  const std::int64_t sets = entries / assoc;
                  if (entries % assoc == 0 && (sets & (sets - 1)) == 0) return std::string();
                  blame = cfg.blame({"directory.entries", "directory.assoc"});
                  return "directory.entries: " + std::to_string(entries) + " with directory.assoc: " +
                         std::to_string(assoc) + " (" + cfg.where("directory.assoc") +
                         ") is not a power-of-two number of sets: make directory.entries a power-of-two multiple of "
                         "directory.assoc (such as " + std::to_string(assoc * 2) +
                         "), or directory.assoc: 0 (fully associative)";
                }});

COHSIM_REGISTER(config_rules, "bus.response_jitter", "bus.response_jitter and bus.request_jitter need the split bus",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const bool bus = fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Bus;
                  if (bus && bus_transactions().value(cfg.choice("bus.transactions"))) return std::string();
                  for (const char* key : {"bus.response_jitter", "bus.request_jitter"}) {
                    const std::int64_t jitter = cfg.integer(key);
                    if (jitter == 0) continue;
                    blame = cfg.blame({key, bus ? "bus.transactions" : "coherence.fabric"});
                    return std::string(key) + ": " + std::to_string(jitter) + " varies the split bus's timing, and " +
                           (bus ? "bus.transactions is atomic (" + cfg.where("bus.transactions") +
                                      "): set bus.transactions: split, or " + key + ": 0"
                                : "coherence.fabric is " + cfg.choice("coherence.fabric") + " (" +
                                      cfg.where("coherence.fabric") + "): on the directory use network.jitter, or set " +
                                      key + ": 0");
                  }
                  return std::string();
                }});

COHSIM_REGISTER(config_rules, "bus.writeback_delay",
                "bus.writeback_delay needs the split bus, and bus.writeback_delay_core names a core",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const bool bus = fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Bus;
                  const std::int64_t delay = cfg.integer("bus.writeback_delay");
                  if (delay != 0 && !(bus && bus_transactions().value(cfg.choice("bus.transactions")))) {
                    blame = cfg.blame({"bus.writeback_delay", bus ? "bus.transactions" : "coherence.fabric"});
                    return "bus.writeback_delay: " + std::to_string(delay) + " slows the split bus's writebacks, and " +
                           (bus ? "bus.transactions is atomic (" + cfg.where("bus.transactions") +
                                      "): set bus.transactions: split, or bus.writeback_delay: 0"
                                : "coherence.fabric is " + cfg.choice("coherence.fabric") + " (" +
                                      cfg.where("coherence.fabric") + "): set bus.writeback_delay: 0");
                  }
                  const std::int64_t core = cfg.integer("bus.writeback_delay_core"), cores = cfg.integer("cores");
                  if (core < cores) return std::string();
                  blame = cfg.blame({"bus.writeback_delay_core", "cores"});
                  return "bus.writeback_delay_core: " + std::to_string(core) + " names no core: cores is " +
                         std::to_string(cores) + " (" + cfg.where("cores") + "): choose 0.." + std::to_string(cores - 1) +
                         ", or -1 for every core";
                }});

COHSIM_REGISTER(config_rules, "network.put_delay",
                "network.put_delay and network.owner_data_delay need the directory, and network.put_delay_core names "
                "a core",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const bool directory = fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Directory;
                  for (const char* key : {"network.put_delay", "network.owner_data_delay"}) {
                    const std::int64_t delay = cfg.integer(key);
                    if (delay == 0 || directory) continue;
                    blame = cfg.blame({key, "coherence.fabric"});
                    return std::string(key) + ": " + std::to_string(delay) +
                           " slows messages on the directory's network, and coherence.fabric is " +
                           cfg.choice("coherence.fabric") + " (" + cfg.where("coherence.fabric") +
                           "): set coherence.fabric: directory, or " + key + ": 0";
                  }
                  const std::int64_t core = cfg.integer("network.put_delay_core"), cores = cfg.integer("cores");
                  if (core < cores) return std::string();
                  blame = cfg.blame({"network.put_delay_core", "cores"});
                  return "network.put_delay_core: " + std::to_string(core) + " names no core: cores is " +
                         std::to_string(cores) + " (" + cfg.where("cores") + "): choose 0.." + std::to_string(cores - 1) +
                         ", or -1 for every core";
                }});

// network.buffer_entries: 0 for unlimited.
unsigned network_buffer_entries(const Config& cfg) {
  const std::string& v = cfg.text("network.buffer_entries");
  return v == "unlimited" ? 0 : unsigned(parse_integer(v));
}

// Finite buffers and one virtual network are the directory's network; one virtual
// network with unlimited buffers is allowed (it merges the point-to-point order,
// harmless: nothing can fill), so that a class can compare it with finite buffers.
COHSIM_REGISTER(config_rules, "network.buffer_entries",
                "finite network buffers and merged virtual networks need the directory fabric",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const unsigned entries = network_buffer_entries(cfg);
                  const std::int64_t vns = cfg.integer("network.virtual_networks");
                  if ((!entries && vns == 3) || fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Directory)
                    return std::string();
                  const std::string key = entries ? "network.buffer_entries" : "network.virtual_networks";
                  blame = cfg.blame({key, "coherence.fabric"});
                  return key + ": " + cfg.text(key) + " shapes the directory's point-to-point network, and "
                         "coherence.fabric is " + cfg.choice("coherence.fabric") + " (" + cfg.where("coherence.fabric") +
                         "), which has none: set coherence.fabric: directory, or " + key + ": " +
                         (entries ? "unlimited" : "3");
                }});

// An injection-queue size other than the default without finite buffers would shape
// nothing: say so. (The default is allowed: a configuration written out in full, as
// `config show` and a run's provenance do, names it.)
COHSIM_REGISTER(config_rules, "network.injection_entries",
                "injection queues other than the default need finite network buffers",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  static const std::string declared_default = [] {  // not declared::: the defaults run the rules
                    for (const ParamSpec& p : config_params())
                      if (p.key == "network.injection_entries") return p.default_text;
                    return std::string();
                  }();
                  const std::string& v = cfg.text("network.injection_entries");
                  if (network_buffer_entries(cfg) || v == "unlimited" || v == declared_default) return std::string();
                  blame = cfg.blame({"network.injection_entries", "network.buffer_entries"});
                  return "network.injection_entries: " + cfg.text("network.injection_entries") +
                         " sizes the injection queues of the finite-buffer network, and network.buffer_entries is "
                         "unlimited (" + cfg.where("network.buffer_entries") +
                         "), which has none: set network.buffer_entries to a number, or drop "
                         "network.injection_entries";
                }});

COHSIM_REGISTER(config_rules, "numa.nodes", "more than one NUMA node needs the directory",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const std::int64_t nodes = cfg.integer("numa.nodes");
                  if (nodes <= 1 || fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Directory)
                    return std::string();
                  blame = cfg.blame({"numa.nodes", "coherence.fabric"});
                  return "numa.nodes: " + std::to_string(nodes) +
                         " NUMA nodes need a directory at each node's memory: set coherence.fabric: directory (" +
                         cfg.where("coherence.fabric") + ") or numa.nodes: 1";
                }});

COHSIM_REGISTER(config_rules, "numa.home", "numa.home: page needs virtual memory",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (home_modes().value(cfg.choice("numa.home")) != HomeMap::Mode::Page || cfg.flag("vm.enabled"))
                    return std::string();
                  blame = cfg.blame({"numa.home", "vm.enabled"});
                  return std::string(
                      "numa.home: page places a line's home by the node of its physical page, which needs "
                      "virtual memory: set vm.enabled: true, or numa.home: interleave");
                }});

COHSIM_REGISTER(config_rules, "numa.interleave", "numa.interleave is at least a line",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const std::uint64_t interleave = cfg.bytes("numa.interleave"), line = cfg.bytes("l1d.line_size");
                  if (interleave >= line) return std::string();
                  blame = cfg.blame({"numa.interleave", "l1d.line_size"});
                  return "numa.interleave: " + std::to_string(interleave) + " bytes is smaller than a line (" +
                         std::to_string(line) + " bytes); valid: a power of two from " + format_size(line) +
                         " to 1GiB";
                }});

COHSIM_REGISTER(config_rules, "vm.memory_size", "vm.memory_size splits into whole GiB per NUMA node",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (!cfg.flag("vm.enabled")) return std::string();
                  const std::uint64_t total = cfg.bytes("vm.memory_size"), gib = std::uint64_t(1) << 30;
                  const std::uint64_t nodes = std::uint64_t(cfg.integer("numa.nodes"));  // 1..64
                  if (total / nodes >= gib && (total / nodes) % gib == 0) return std::string();
                  blame = cfg.blame({"vm.memory_size", "numa.nodes"});
                  return "vm.memory_size: " + cfg.text("vm.memory_size") + " does not split into " +
                         std::to_string(nodes) +
                         " NUMA nodes of whole GiB (each node's memory is 1 GiB-aligned); valid: a multiple of " +
                         format_size(nodes * gib);
                }});

COHSIM_REGISTER(config_rules, "l2.write_back", "a private L2 is write-back and write-allocate",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (!cfg.has_level("l2") || cfg.flag("l2.shared")) return std::string();
                  for (const char* k : {"l2.write_back", "l2.write_allocate"})
                    if (!cfg.flag(k)) {
                      blame = cfg.blame({k, "l2.shared"});
                      return std::string(k) +
                             ": a private L2 takes part in the write-back coherence protocol and must be "
                             "true (set l2.shared: true for a write-through or no-allocate shared L2)";
                    }
                  return std::string();
                }});

// Inclusion (coherence/inclusion.hpp): which level may take which policy.
COHSIM_REGISTER(config_rules, "l2.inclusion", "only a shared, write-allocate L2 is exclusive",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (!cfg.has_level("l2") ||
                      inclusion_policies().value(cfg.choice("l2.inclusion")) != Inclusion::Exclusive)
                    return std::string();
                  blame = cfg.blame({"l2.inclusion", "l2.shared"});
                  if (!cfg.flag("l2.shared"))
                    return std::string(
                        "l2.inclusion: exclusive is not modelled for a private L2: the private L2 is the core's "
                        "coherence point (its lines carry the protocol states, and the fabric's snoops and "
                        "forwards look up the L2 only, reaching the L1D through inclusion: "
                        "coherence/private_cache.hpp), so a line held in the L1D alone would be invisible to "
                        "the other cores; a private L2 always keeps its L1D a subset of it (the key chooses a "
                        "shared L2's policy); valid: nine, inclusive (for a victim cache under private caches use "
                        "l2.shared: true, or l3.inclusion: exclusive)");
                  // A shared L2 under the private L1Ds: their victims, clean or dirty, are allocated here.
                  if (!cfg.flag("l2.write_allocate")) {
                    blame = cfg.blame({"l2.write_allocate", "l2.inclusion"});
                    return std::string(
                        "l2.write_allocate: an exclusive shared L2 takes the L1Ds' dirty victims in as the fabric "
                        "writes them back, so it must be true (else they would bypass it); set it to true, or "
                        "l2.inclusion to one of: nine, inclusive");
                  }
                  return std::string();
                }});

COHSIM_REGISTER(config_rules, "l3.inclusion", "an exclusive L3 is the victim cache of a write-back level above",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (!cfg.has_level("l3") ||
                      inclusion_policies().value(cfg.choice("l3.inclusion")) != Inclusion::Exclusive)
                    return std::string();
                  if (!cfg.has_level("l2") || !cfg.flag("l2.shared")) {
                    // Under private caches: their victims, clean or dirty, are allocated here.
                    if (cfg.flag("l3.write_allocate")) return std::string();
                    blame = cfg.blame({"l3.write_allocate", "l3.inclusion"});
                    return std::string(
                        "l3.write_allocate: an exclusive L3 under private caches takes their dirty victims in "
                        "as the fabric writes them back, so it must be true (else they would bypass it); set it "
                        "to true, or l3.inclusion to one of: nine, inclusive");
                  }
                  if (inclusion_policies().value(cfg.choice("l2.inclusion")) == Inclusion::Exclusive) {
                    blame = cfg.blame({"l3.inclusion", "l2.inclusion"});
                    return std::string(
                        "l3.inclusion: exclusive below an exclusive shared L2 (l2.inclusion: exclusive) is not "
                        "modelled: the L2 is already the L1Ds' victim cache, and a chain of two would need the "
                        "L3's hits to move up past the L2 with their dirtiness; set l3.inclusion to one of: "
                        "nine, inclusive (or l2.inclusion to one of: nine, inclusive)");
                  }
                  for (const char* k : {"l2.write_back", "l2.write_allocate", "l3.write_allocate"})
                    if (!cfg.flag(k)) {
                      blame = cfg.blame({k, "l3.inclusion"});
                      return std::string(k) +
                             ": an exclusive L3 needs a write-back, write-allocate shared L2 above it and "
                             "write-allocate itself (else a line would be in both); set it to true, or "
                             "l3.inclusion to one of: nine, inclusive";
                    }
                  return std::string();
                }});

COHSIM_REGISTER(config_rules, "numa.mesh_columns", "a mesh of the NUMA nodes is a rectangle",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (fabrics().value(cfg.choice("coherence.fabric")) != Fabric::Directory ||
                      parse_topology(cfg.choice("numa.topology")) != Topology::Mesh)
                    return std::string();
                  const unsigned nodes = unsigned(cfg.integer("numa.nodes"));  // 1..64
                  const unsigned columns = mesh_width(nodes, unsigned(cfg.integer("numa.mesh_columns")));
                  if (nodes % columns == 0) return std::string();
                  std::string divisors;
                  for (unsigned d = 1; d <= nodes; ++d)
                    if (nodes % d == 0) divisors += (divisors.empty() ? "" : ", ") + std::to_string(d);
                  blame = cfg.blame({"numa.mesh_columns", "numa.nodes", "numa.topology"});
                  return "a mesh of " + std::to_string(nodes) + " nodes in rows of " + std::to_string(columns) +
                         " is not a rectangle: set numa.mesh_columns to a divisor of numa.nodes (" + divisors +
                         ")";
                }});

// The watchdog takes a stall of `watchdog` core cycles for a deadlock: no single
// latency (nor a line's transfer at memory.bandwidth) may be that long, or the first
// access would be reported as a simulator bug.
COHSIM_REGISTER(config_rules, "watchdog", "no single latency is as long as the watchdog",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const std::int64_t watchdog = cfg.integer("watchdog");
                  if (watchdog == 0) return std::string();
                  const Tick core = cfg.period("core.frequency"), uncore = cfg.period("uncore.frequency");
                  const bool shared_l2 = cfg.has_level("l2") && cfg.flag("l2.shared");
                  struct Item {
                    std::string key, what;  // the key to blame, what takes that long
                    double fs;
                  };
                  std::vector<Item> items;
                  auto add = [&](const std::string& key, Tick clock) {
                    items.push_back({key, key + " " + cfg.text(key), double(cfg.latency(key).to_ticks(clock))});
                  };
                  add("l1d.latency", core);
                  if (cfg.has_level("l2")) add("l2.latency", shared_l2 ? uncore : core);
                  if (cfg.has_level("l3")) add("l3.latency", uncore);
                  if (fabrics().value(cfg.choice("coherence.fabric")) == Fabric::Directory) {
                    add("directory.latency", uncore);
                    add("network.link_latency", uncore);
                    add("numa.hop_latency", uncore);
                  }
                  if (memory_models().value(cfg.choice("memory.model")) == MemoryModel::Fixed) {
                    add("memory.latency", uncore);
                    items.push_back({"memory.bandwidth",
                                     "one line's transfer at memory.bandwidth " + cfg.text("memory.bandwidth"),
                                     double(cfg.bytes("l1d.line_size")) / cfg.bytes_per_second("memory.bandwidth") *
                                         1e15});
                  } else {  // a read that waits for a refresh, then opens its row: tRFC + tRP + tRCD + CL
                    const DramTiming t = dram_params(cfg).timing;
                    const double dram_cycles = double(t.tRFC) + t.tRP + t.tRCD + t.CL + t.burst_cycles();
                    items.push_back({cfg.blame({"dram.tCK", "dram.tRFC", "dram.preset"}),
                                     "a DRAM read behind a refresh (tRFC + tRP + tRCD + CL + burst = " +
                                         std::to_string(std::uint64_t(dram_cycles)) + " cycles of " +
                                         std::to_string(t.tCK_ps) + "ps)",
                                     dram_cycles * double(t.tck_ticks())});
                    add("dram.frontend_latency", uncore);
                    add("dram.backend_latency", uncore);
                  }
                  if (cfg.flag("vm.enabled")) {
                    add("vm.fault_latency", core);
                    add("dtlb.latency", core);
                    if (cfg.has_level("stlb")) add("stlb.latency", core);
                  }
                  const Item* worst = &items.front();
                  for (const Item& i : items)
                    if (i.fs > worst->fs) worst = &i;
                  const double cycles = worst->fs / double(core);
                  if (cycles < double(watchdog)) return std::string();
                  blame = cfg.blame({worst->key, "watchdog", "core.frequency", "uncore.frequency"});
                  std::ostringstream o;
                  o << worst->what << " is " << std::fixed << std::setprecision(0) << cycles
                    << " core cycles at core.frequency " << cfg.text("core.frequency")
                    << ", longer than the watchdog (" << watchdog
                    << " core cycles): one access would look like a deadlock; lower it, or set watchdog above "
                    << std::uint64_t(cycles) << " (0 = off)";
                  return o.str();
                }});

// Every cache's arrays live in host memory (allocated lazily, but reserved whole).
COHSIM_REGISTER(config_rules, "cache.footprint", "all the caches together hold at most 64GiB",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  constexpr std::uint64_t kLimit = std::uint64_t(64) << 30;
                  const std::uint64_t cores = std::uint64_t(cfg.integer("cores"));      // ≤ 256
                  const std::uint64_t nodes = std::uint64_t(cfg.integer("numa.nodes"));  // ≤ 64
                  const bool shared_l2 = cfg.has_level("l2") && cfg.flag("l2.shared");
                  struct Part {
                    std::string key;
                    std::uint64_t bytes;  // ≤ 16GiB x 256: no overflow
                  };
                  std::vector<Part> parts = {{"l1d.size", cfg.bytes("l1d.size") * cores}};
                  if (cfg.has_level("l2")) parts.push_back({"l2.size", cfg.bytes("l2.size") * (shared_l2 ? nodes : cores)});
                  if (cfg.has_level("l3")) parts.push_back({"l3.size", cfg.bytes("l3.size") * nodes});
                  std::uint64_t total = 0;
                  const Part* biggest = &parts.front();
                  for (const Part& p : parts) {
                    total += p.bytes;
                    if (p.bytes > biggest->bytes) biggest = &p;
                  }
                  if (total <= kLimit) return std::string();
                  blame = cfg.blame({biggest->key, "cores", "numa.nodes"});
                  return "the caches would take " + format_size(total) + " of host memory (" + biggest->key + " " +
                         cfg.text(biggest->key) + " x " + std::to_string(biggest->bytes / cfg.bytes(biggest->key)) +
                         " copies is " + format_size(biggest->bytes) + "); valid: at most " + format_size(kLimit) +
                         " for all the caches together";
                }});

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
  if (t.empty()) throw UserError(cfg.origin() + ": no trace: give --trace FILE or set `trace:` in the configuration");
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
  std::string trace_path;  // as opened (a trace made in memory: its name)
  const ProtocolTable* table = nullptr;
  const ProtocolTable* home_table = nullptr;  // a directory's homes
  EventLog log;
  std::unique_ptr<Checker> checker;
  // The sharing advisor (`advice`; null: off), and its lines as the statistics were
  // fixed (finalize_stats), the costliest first.
  std::unique_ptr<SharingAdvisor> advisor;
  std::vector<SharingAdvisor::Line> advice;
  std::uint64_t advice_counts[4] = {}, advice_misses = 0, advice_cycles = 0;
  // The memory side of each node (one node without NUMA): memory, then the L3
  // slice and a shared L2 above it. Names: "memory", "l3", "l2" with one node,
  // "nodeN.memory", ... with several.
  struct NodeMemory {
    std::string prefix;  // "" or "nodeN."
    std::unique_ptr<FixedLatencyMemory> memory;
    std::unique_ptr<DramMemory> dram;  // instead of `memory` when memory.model is dram
    std::unique_ptr<SharedCache> l3, l2;
    MemoryLevel* top = nullptr;
    std::unique_ptr<FabricCopies> fabric_copies;  // the private caches above this node's shared levels
  };
  std::vector<NodeMemory> nodes;
  HomeMap homes;
  // An exclusive level under private caches (a shared L2, or the L3 without one): where
  // their clean victims go (that level of the line's home node) when the fabric delivers
  // them (the bus's clean-victim transaction, the home taking a PutS/PutE that carries
  // the line).
  struct VictimSink final : CleanVictimSink {
    VictimSink(const HomeMap& h, std::vector<SharedCache*> ls) : homes(h), levels(std::move(ls)) {}
    void clean_victim(Tick t, LineAddr line, const std::uint8_t* data) override {
      levels[homes.node(line)]->insert_victim(t, line, data, false);
    }
    const HomeMap& homes;
    std::vector<SharedCache*> levels;
  };
  std::unique_ptr<VictimSink> victim_sink;
  std::vector<unsigned> core_node;
  // The SystemC process that runs cohsim's kernel (the components' processes) inside
  // each sc_start slice (sim/base/kernel_process.hpp).
  std::unique_ptr<KernelProcess> kernel_process;
  std::unique_ptr<SnoopBus> bus;                        // coherence.fabric: bus
  std::unique_ptr<Network> net;                         // coherence.fabric: directory
  std::vector<std::unique_ptr<Directory>> directories;  // one per node
  std::vector<std::unique_ptr<PrivateCache>> caches;
  std::vector<std::unique_ptr<Core>> cores;
  // Virtual memory (vm.enabled): one address space shared by every thread, or in a
  // mix one per trace (process_tables[i] for core i; the layout is the same for all).
  std::unique_ptr<AddressSpace> address_space;
  std::unique_ptr<FrameAllocator> frames;
  std::unique_ptr<PageTable> page_table;
  std::vector<std::unique_ptr<PageTable>> process_tables;
  std::vector<std::unique_ptr<Mmu>> mmus;
  std::uint64_t total_cycles = 0, bus_cycles_total = 0;

  // The measured window: the cores tell `window` of their markers and warm-up ends.
  struct Window final : StatsWindowListener {
    System* sys = nullptr;
    void on_marker(int, MarkerKind k, Tick t) override {
      if (sys->stats_.frozen()) return;  // after the first `roi end`, markers change nothing
      if (k == MarkerKind::RoiBegin) sys->reset_window(t);
      else sys->freeze_window(t);
    }
    void on_warmup_done(int, Tick t) override {
      if (--sys->impl_->warmup_pending == 0 && !sys->stats_.frozen()) sys->reset_window(t);
    }
  } window;
  unsigned warmup_pending = 0;         // cores whose thread is still in its warm-up
  Tick window_start = 0;               // the last reset (0: none)
  std::uint64_t window_start_cycle = 0;
  bool window_stats = false;           // window.* registered

  explicit Impl(const Config& c, const RunOptions& o) : cfg(c), opts(o) {}
};

System::System(const Config& cfg, const RunOptions& opts) : impl_(new Impl(cfg, opts)) {
  set_up_kernel_once();
  Impl& m = *impl_;
  m.kernel_process = std::make_unique<KernelProcess>("kernel");
  m.core_period = cfg.period("core.frequency");
  m.uncore_period = cfg.period("uncore.frequency");
  const unsigned line = unsigned(cfg.bytes("l1d.line_size"));
  const std::uint64_t seed = std::uint64_t(cfg.integer("seed"));
  const unsigned ncores = unsigned(cfg.integer("cores"));

  TraceOptions topts;
  topts.symbol_stride = line;
  topts.champsim_ifetch = cfg.bytes("l1i.size") > 0;
  const bool mix = !opts.trace_object && !opts.mix.empty();
  if (mix && opts.mix.size() > ncores)
    throw UserError("a mix of " + std::to_string(opts.mix.size()) + " traces needs a core for each, and the system has " +
                    std::to_string(ncores) + " (cores: " + cfg.where("cores") + "); set cores to at least " +
                    std::to_string(opts.mix.size()) + " or give fewer --trace");
  if (mix) m.trace = open_mix_trace(opts.mix, topts, !cfg.flag("vm.enabled"));
  const std::string trace_path =
      opts.trace_object ? opts.trace_object->path() : mix ? m.trace->path() : resolve_trace_path(cfg, opts.trace);
  if (!mix) m.trace = opts.trace_object ? opts.trace_object : std::shared_ptr<Trace>(Trace::open(trace_path, topts));
  if (!opts.trace_object && !mix) m.trace_path = trace_path;  // (a mix is not one file: no provenance hash)
  if (m.trace->threads() > ncores)
    throw UserError(trace_path + ": the trace has " + std::to_string(m.trace->threads()) +
                    " threads but the system has " + std::to_string(ncores) + " cores (cores: " + cfg.where("cores") +
                    "); set cores to at least " + std::to_string(m.trace->threads()));

  const std::string& protocol = cfg.choice("coherence.protocol");
  const std::string& fabric = cfg.choice("coherence.fabric");
  const bool split_bus = fabric == "bus" && bus_transactions().value(cfg.choice("bus.transactions"));
  m.table = find_protocol(protocol, split_bus ? kSplitBusFabric : fabric);
  if (!m.table) throw std::logic_error("protocol " + protocol + " on a " + fabric + " passed validation");
  const bool directory = fabrics().value(fabric) == Fabric::Directory;

  if (!opts.events_path.empty()) {
    m.log.open(opts.events_path);
    m.log.set_line_size(line);
    m.log.set_initial_lines(opts.initial_lines);
    for (const auto& [name, addr] : m.trace->symbols()) m.log.add_symbol(name, addr);
  }
  if (opts.events_dram && memory_models().value(cfg.choice("memory.model")) != MemoryModel::Dram)
    throw UserError("--events-dram: the memory is not DRAM: memory.model is " + cfg.choice("memory.model") + " (" +
                    cfg.where("memory.model") + "); set memory.model=dram (valid: fixed, dram) or drop --events-dram");
  if (cfg.flag("check")) m.checker = std::make_unique<Checker>(line);
  if (cfg.flag("advice")) m.advisor = std::make_unique<SharingAdvisor>(ncores, line, opts.observer);

  const unsigned nnodes = unsigned(cfg.integer("numa.nodes"));
  const bool vm = cfg.flag("vm.enabled");
  const bool by_page = home_modes().value(cfg.choice("numa.home")) == HomeMap::Mode::Page;
  const bool l2_shared = cfg.has_level("l2") && cfg.flag("l2.shared");
  m.nodes.resize(nnodes);
  for (unsigned n = 0; n < nnodes; ++n) {
    Impl::NodeMemory& nm = m.nodes[n];
    nm.prefix = nnodes == 1 ? "" : "node" + std::to_string(n) + ".";
    if (memory_models().value(cfg.choice("memory.model")) == MemoryModel::Dram) {
      // A SystemC name has no dots: "memory", "node1_memory".
      const std::string name = nnodes == 1 ? "memory" : "node" + std::to_string(n) + "_memory";
      DramControllerParams dp = dram_params(cfg);
      dp.log_commands = m.log.enabled() && opts.events_dram;
      nm.dram = std::make_unique<DramMemory>(name.c_str(), dp, line,
                                             cfg.latency("dram.frontend_latency").to_ticks(m.uncore_period),
                                             cfg.latency("dram.backend_latency").to_ticks(m.uncore_period));
      nm.dram->set_log(&m.log, nm.prefix + "memory");
      nm.top = nm.dram.get();
    } else {
      nm.memory = std::make_unique<FixedLatencyMemory>(line, cfg.latency("memory.latency").to_ticks(m.uncore_period),
                                                       cfg.bytes_per_second("memory.bandwidth"));
      nm.top = nm.memory.get();
    }
    if (cfg.has_level("l3")) {
      nm.l3 = std::make_unique<SharedCache>(geometry(cfg, "l3"), cfg.choice("l3.replacement"), stream_state(seed, "l3.replacement", n),
                                            cfg.latency("l3.latency").to_ticks(m.uncore_period),
                                            cfg.flag("l3.write_back"), cfg.flag("l3.write_allocate"), nm.top,
                                            SharedCacheResources{unsigned(cfg.integer("l3.banks")),
                                                                 Tick(cfg.integer("l3.bank_cycles")) * m.uncore_period,
                                                                 unsigned(cfg.integer("l3.mshrs")), m.uncore_period});
      nm.top = nm.l3.get();
    }
    if (l2_shared) {
      nm.l2 = std::make_unique<SharedCache>(geometry(cfg, "l2"), cfg.choice("l2.replacement"), stream_state(seed, "l2.replacement", n),
                                            cfg.latency("l2.latency").to_ticks(m.uncore_period),
                                            cfg.flag("l2.write_back"), cfg.flag("l2.write_allocate"), nm.top,
                                            SharedCacheResources{0, 0, unsigned(cfg.integer("l2.mshrs")),
                                                                 m.uncore_period});
      nm.top = nm.l2.get();
    }
  }
  MemoryLevel* below = m.nodes[0].top;
  // Cores go to the nodes in equal consecutive blocks, or round robin.
  const bool spread = core_placements().value(cfg.choice("numa.cores")) == CorePlacement::Spread;
  for (unsigned i = 0; i < ncores; ++i)
    m.core_node.push_back(spread ? i % nnodes : unsigned(std::uint64_t(i) * nnodes / ncores));
  m.homes.first_home = int(ncores);
  m.homes.nodes = nnodes;
  m.homes.mode = by_page ? HomeMap::Mode::Page : HomeMap::Mode::Interleave;
  m.homes.line_shift = unsigned(__builtin_ctzll(line));
  m.homes.interleave_shift = unsigned(__builtin_ctzll(cfg.bytes("numa.interleave")));
  if (vm) m.homes.node_bytes = cfg.bytes("vm.memory_size") / nnodes;
  BusParams bp;
  bp.period = m.uncore_period;
  bp.line_size = line;
  bp.width = unsigned(cfg.bytes("bus.width"));
  bp.round_robin = arbitrations().value(cfg.choice("bus.arbitration"));
  bp.split = split_bus;
  bp.address_cycles = unsigned(cfg.integer("bus.address_cycles"));
  bp.response_jitter = unsigned(cfg.integer("bus.response_jitter"));
  bp.request_jitter = unsigned(cfg.integer("bus.request_jitter"));
  bp.writeback_delay = unsigned(cfg.integer("bus.writeback_delay"));
  bp.seed = seed;
  if (directory) {
    NetworkParams np;
    np.topology = parse_topology(cfg.choice("numa.topology"));
    np.mesh_columns = unsigned(cfg.integer("numa.mesh_columns"));
    np.hop_latency = cfg.latency("numa.hop_latency").to_ticks(m.uncore_period);
    np.hop_width = unsigned(cfg.bytes("numa.link_width"));
    np.period = m.uncore_period;
    np.line_size = line;
    np.link_width = unsigned(cfg.bytes("network.link_width"));
    np.link_latency = cfg.latency("network.link_latency").to_ticks(m.uncore_period);
    np.jitter = unsigned(cfg.integer("network.jitter"));
    np.owner_data_delay = unsigned(cfg.integer("network.owner_data_delay"));
    np.buffer_entries = network_buffer_entries(cfg);
    np.virtual_networks = unsigned(cfg.integer("network.virtual_networks"));
    np.injection_entries = cfg.text("network.injection_entries") == "unlimited"
                               ? 0
                               : unsigned(parse_integer(cfg.text("network.injection_entries")));
    np.seed = seed;
    m.net = std::make_unique<Network>("network", np);
    m.net->set_log(&m.log);
  } else {
    m.bus = std::make_unique<SnoopBus>("bus", bp, below);
    m.bus->set_log(&m.log);
  }

  const Lowering& isa = Lowering::for_isa(cfg.choice("isa"), cfg.flag("lse"));
  if (vm) {
    const std::string& f = cfg.choice("vm.format");
    const PageTableFormat* fmt =
        PageTableFormat::find(f == "auto" ? PageTableFormat::auto_for_isa(cfg.choice("isa")) : f);
    m.address_space = std::make_unique<AddressSpace>(parse_regions(cfg.text("vm.regions")),
                                                     thp_policies().value(cfg.choice("vm.thp")));
    // Each NUMA node owns an equal, 1 GiB-aligned slice of physical memory.
    std::vector<MemoryNode> nodes;
    for (unsigned n = 0; n < nnodes; ++n) nodes.push_back({Addr(n) * m.homes.node_bytes, m.homes.node_bytes});
    m.frames = std::make_unique<FrameAllocator>(nodes, m.core_node, parse_placement(cfg.choice("vm.placement")),
                                                unsigned(cfg.integer("vm.bind_node")));
    m.page_table = std::make_unique<PageTable>(*fmt, *m.address_space, *m.frames);
    // A mix: every other trace its own tables (counted into the first one's statistics).
    for (unsigned i = 1; mix && i < m.trace->threads(); ++i)
      m.process_tables.push_back(std::make_unique<PageTable>(*fmt, *m.address_space, *m.frames, m.page_table.get()));
  }
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
    auto prefetch = [&](LevelParams& lp, const std::string& level) {
      lp.prefetcher = cfg.choice(level + ".prefetcher");
      lp.prefetch_degree = unsigned(cfg.integer(level + ".prefetch_degree"));
      lp.prefetch_distance = unsigned(cfg.integer(level + ".prefetch_distance"));
    };
    pp.l1i.geometry.size = cfg.bytes("l1i.size");
    if (pp.l1i.geometry.size)
      pp.l1i = {{cfg.bytes("l1i.size"), unsigned(cfg.integer("l1i.assoc")), unsigned(cfg.bytes("l1d.line_size"))},
                cfg.latency("l1i.latency").to_ticks(m.core_period), cfg.choice("l1i.replacement"), 1};
    prefetch(pp.l1, "l1d");
    if (pp.has_l2) prefetch(pp.l2, "l2");
    pp.l1_write_through = !cfg.flag("l1d.write_back");
    pp.wc_entries = unsigned(cfg.integer("l1d.wc_entries"));
    pp.wc_drain_cycles = unsigned(cfg.integer("l1d.wc_drain_cycles"));
    pp.write_buffer = unsigned(cfg.integer("l1d.write_buffer"));
    pp.write_path_width = unsigned(cfg.integer("l1d.write_path_width"));
    if (pp.has_l2) pp.l2_write_cycles = unsigned(cfg.integer("l2.write_cycles"));
    pp.l1_write_allocate = cfg.flag("l1d.write_allocate");
    pp.clock_period = m.core_period;
    pp.seed = seed;
    pp.index = i;
    pp.homes = &m.homes;  // the directories attach after the caches
    pp.node = m.core_node[i];
    m.caches.push_back(
        std::make_unique<PrivateCache>(pp, *m.table, m.bus.get(), m.net.get(), nullptr, &m.log, m.checker.get()));

    CoreParams cp;
    cp.period = m.core_period;
    cp.store_buffer = unsigned(cfg.integer("core.store_buffer"));
    cp.load_queue = unsigned(cfg.integer("core.load_queue"));
    cp.ports = unsigned(cfg.integer("l1d.ports"));
    if (jitter) cp.start = random_stream(seed, "core.start_jitter", i).below(jitter + 1) * m.core_period;
    cp.load_jitter = unsigned(cfg.integer("core.load_jitter"));
    cp.drain_jitter = unsigned(cfg.integer("core.drain_jitter"));
    cp.jitter_rng = stream_state(seed, "core.access_jitter", i);
    std::unique_ptr<ThreadStream> stream =
        i < m.trace->threads() ? m.trace->stream(i) : std::unique_ptr<ThreadStream>(new EmptyStream);
    const unsigned nregs = i < m.trace->threads() ? unsigned(m.trace->registers(i).size()) : 0;
    m.cores.push_back(
        std::make_unique<Core>(pp.name.c_str(), int(i), cp, std::move(stream), isa, m.caches.back().get(), nregs));
    m.caches.back()->set_listener(m.cores.back().get());
    // The advisor observes the cores from the first line it tracks (on_first_line below),
    // or from the start when it forwards to another observer.
    m.cores.back()->set_observer(m.advisor && opts.observer ? static_cast<AccessObserver*>(m.advisor.get()) : opts.observer);
    if (m.advisor) m.caches.back()->set_sharing_hook(m.advisor.get());
    m.cores.back()->set_stats_window(&m.window, i < m.trace->threads() ? opts.warmup : 0);
    m.cores.back()->set_log(&m.log);
    if (vm) {
      MmuParams mp;
      mp.name = pp.name;
      mp.core = i;
      mp.period = m.core_period;
      mp.ports = cp.ports;
      mp.dtlb_entries = unsigned(cfg.integer("dtlb.entries"));
      mp.dtlb_assoc = unsigned(cfg.integer("dtlb.assoc"));
      mp.dtlb_latency = cfg.latency("dtlb.latency").to_ticks(m.core_period);
      mp.has_stlb = cfg.has_level("stlb");
      if (mp.has_stlb) {
        mp.stlb_entries = unsigned(cfg.integer("stlb.entries"));
        mp.stlb_assoc = unsigned(cfg.integer("stlb.assoc"));
        mp.stlb_latency = cfg.latency("stlb.latency").to_ticks(m.core_period);
      }
      mp.pwc_entries = unsigned(cfg.integer("vm.pwc_entries"));
      mp.fault_latency = cfg.latency("vm.fault_latency").to_ticks(m.core_period);
      mp.trace_path = trace_path;
      PageTable& pt = i >= 1 && i - 1 < m.process_tables.size() ? *m.process_tables[i - 1] : *m.page_table;
      m.mmus.push_back(std::make_unique<Mmu>(mp, pt, *m.caches.back()));
      m.cores.back()->set_mmu(m.mmus.back().get());
      m.mmus.back()->set_log(&m.log, m.cores.back()->log_agent());
    }
  }

  if (m.advisor && !opts.observer)
    m.advisor->on_first_line([&m] {
      for (auto& c : m.cores) c->set_observer(m.advisor.get());
    });

  if (directory) {
    const unsigned dir_entries = directory_entries(m.cfg);
    const ProtocolTable* home = find_protocol(protocol, dir_entries ? kSparseHomeFabric : kHomeFabric);
    if (!home) throw SimError("protocol " + protocol + " has no directory table");
    m.home_table = home;
    std::vector<unsigned> endpoint_node = m.core_node;
    for (unsigned n = 0; n < nnodes; ++n) {
      DirectoryParams dp;
      dp.name = m.nodes[n].prefix + "directory";
      dp.caches = ncores;
      dp.line_size = line;
      dp.period = m.uncore_period;
      dp.latency = cfg.latency("directory.latency").to_ticks(m.uncore_period);
      dp.node = n;
      dp.cache_node = &m.core_node;
      dp.entries = dir_entries;
      dp.assoc = unsigned(m.cfg.integer("directory.assoc"));
      m.directories.push_back(std::make_unique<Directory>(dp, *home, *m.net, m.nodes[n].top, &m.log));
      if (m.directories.back()->id() != m.homes.first_home + int(n))
        throw SimError("the directories are not the network endpoints after the caches");
      endpoint_node.push_back(n);
    }
    m.net->build(endpoint_node);
  }

  // Inclusion (coherence/inclusion.hpp): each node's shared levels learn who holds
  // copies above them (the private caches, through the fabric; the shared L2 above the
  // L3), and an exclusive L3 becomes the shared L2's victim cache.
  {
    const Inclusion l2_incl = l2_shared ? inclusion_policies().value(cfg.choice("l2.inclusion")) : Inclusion::Nine;
    const Inclusion l3_incl =
        cfg.has_level("l3") ? inclusion_policies().value(cfg.choice("l3.inclusion")) : Inclusion::Nine;
    if (l2_incl == Inclusion::Inclusive || l3_incl == Inclusion::Inclusive) {
      std::vector<PrivateCache*> caches;
      for (auto& c : m.caches) {
        caches.push_back(c.get());
        c->count_back_invalidations();
      }
      for (unsigned n = 0; n < nnodes; ++n) {
        Impl::NodeMemory& nm = m.nodes[n];
        if (directory) {
          Directory* d = m.directories[n].get();
          nm.fabric_copies = std::make_unique<FabricCopies>(
              caches, [d](LineAddr l) { return d->line_quiet(l); }, [d](LineAddr l) { d->forget(l); });
        } else {
          SnoopBus* b = m.bus.get();
          nm.fabric_copies = std::make_unique<FabricCopies>(
              caches, [b](LineAddr l) { return b->line_quiet(l); }, nullptr);
        }
        if (nm.l2) nm.l2->set_inclusion(l2_incl, nm.fabric_copies.get());
        if (nm.l3) nm.l3->set_inclusion(l3_incl, nm.l2 ? static_cast<UpperCopies*>(nm.l2.get()) : nm.fabric_copies.get());
      }
    }
    if (l3_incl == Inclusion::Exclusive && l2_shared)
      for (Impl::NodeMemory& nm : m.nodes) {
        nm.l3->set_inclusion(Inclusion::Exclusive, nullptr);
        nm.l2->set_victim_cache(nm.l3.get());
      }
    if ((l3_incl == Inclusion::Exclusive && !l2_shared) || l2_incl == Inclusion::Exclusive) {
      // Under private caches: each core's clean victims go to the exclusive level (the
      // shared L2, else the L3) of the line's home node (its dirty ones reach that level
      // through the fabric's writebacks). Below an exclusive L2 the L3 is nine or
      // inclusive (rule l3.inclusion): an inclusive one's back-invalidations pass the L2
      // on their way to the private caches (its UpperCopies, set above).
      std::vector<SharedCache*> levels;
      for (Impl::NodeMemory& nm : m.nodes) {
        SharedCache* x = l2_incl == Inclusion::Exclusive ? nm.l2.get() : nm.l3.get();
        if (!nm.fabric_copies) x->set_inclusion(Inclusion::Exclusive, nullptr);
        x->set_private_above();
        levels.push_back(x);
      }
      m.victim_sink = std::make_unique<Impl::VictimSink>(m.homes, std::move(levels));
      for (auto& c : m.caches) c->set_clean_victims_down();
      if (m.bus) m.bus->set_clean_victim_sink(m.victim_sink.get());
      for (auto& d : m.directories) d->set_clean_victim_sink(m.victim_sink.get());
    }
  }

  // The shared levels' prefetchers (l2.prefetcher at a shared L2, l3.prefetcher; after
  // the inclusion policy is set).
  for (const char* level : {"l2", "l3"})
    for (unsigned n = 0; n < nnodes; ++n) {
      SharedCache* x = level[1] == '2' ? m.nodes[n].l2.get() : m.nodes[n].l3.get();
      if (!x) continue;
      const std::string k(level);
      PrefetcherParams pp;
      pp.line_shift = unsigned(__builtin_ctzll(line));
      pp.degree = unsigned(cfg.integer(k + ".prefetch_degree"));
      pp.distance = unsigned(cfg.integer(k + ".prefetch_distance"));
      pp.seed = stream_state(seed, k + ".prefetcher", n);
      x->set_prefetchers(cfg.choice(k + ".prefetcher"), pp);
    }

  if (m.log.enabled()) write_log_header(protocol, fabric, trace_path);
  m.window.sys = this;
  if (opts.warmup) {
    m.warmup_pending = m.trace->threads();
    register_window_stats();
  }

  // bus.writeback_delay_core names a core; the bus knows its cache as a client.
  if (m.bus && cfg.integer("bus.writeback_delay") != 0) {
    const std::int64_t core = cfg.integer("bus.writeback_delay_core");
    m.bus->set_writeback_delay(unsigned(cfg.integer("bus.writeback_delay")),
                               core >= 0 ? m.caches[std::size_t(core)]->bus_client() : -1);
  }

  // network.put_delay_core names a core; the network knows its cache as an endpoint.
  if (m.net && cfg.integer("network.put_delay") != 0) {
    const std::int64_t core = cfg.integer("network.put_delay_core");
    m.net->set_put_delay(unsigned(cfg.integer("network.put_delay")),
                         core >= 0 ? m.caches[std::size_t(core)]->net_endpoint() : -1);
  }

  // Statistics.
  for (unsigned i = 0; i < ncores; ++i) {
    m.cores[i]->register_stats(stats_);
    m.caches[i]->register_stats(stats_);
    if (vm) m.mmus[i]->register_stats(stats_);
  }
  if (vm) {
    stats_.counter(kStatPages4K, "vm.pages_4KiB", &m.page_table->pages(0));
    stats_.counter(kStatPages2M, "vm.pages_2MiB", &m.page_table->pages(1));
    stats_.counter(kStatPages1G, "vm.pages_1GiB", &m.page_table->pages(2));
    stats_.counter(kStatTableFrames, "vm.table_frames", &m.page_table->table_frames());
    for (unsigned n = 0; n < m.frames->nodes(); ++n)
      stats_.counter(kStatAllocated, "vm.node" + std::to_string(n) + ".allocated_bytes", &m.frames->allocated_bytes(n));
  }
  if (m.bus) m.bus->register_stats(stats_);
  if (m.net) m.net->register_stats(stats_);
  for (auto& d : m.directories) d->register_stats(stats_);
  for (auto& nm : m.nodes) {
    if (nm.l2) nm.l2->register_stats(stats_, nm.prefix + "l2");
    if (nm.l3) nm.l3->register_stats(stats_, nm.prefix + "l3");
    if (nm.dram) nm.dram->register_stats(stats_, nm.prefix + "memory");
    else nm.memory->register_stats(stats_, nm.prefix + "memory");
  }
  if (nnodes > 1) {  // what NUMA users look at first
    const auto* caches = &m.caches;
    auto total = [caches](int which) {
      double v = 0;
      for (auto& c : *caches) v += double(c->numa_counts()[which]);
      return v;
    };
    const Tick period = m.uncore_period;
    stats_.derived(kStatNumaLocal, "numa.local_misses", [=] { return total(0); });
    stats_.derived(kStatNumaRemote, "numa.remote_misses", [=] { return total(1); });
    stats_.derived(kStatNumaShare, "numa.remote_share", [=] {
      const double l = total(0), r = total(1);
      return l + r > 0 ? r / (l + r) : 0.0;
    });
    stats_.derived(kStatNumaLocalLat, "numa.local_miss_latency_uncore_cycles",
                   [=] { return total(0) > 0 ? total(2) / double(period) / total(0) : 0.0; });
    stats_.derived(kStatNumaRemoteLat, "numa.remote_miss_latency_uncore_cycles",
                   [=] { return total(1) > 0 ? total(3) / double(period) / total(1) : 0.0; });
  }
}

System::~System() = default;

RunOutcome System::run() {
  Impl& m = *impl_;
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last_print = start;
  std::uint64_t max_cycles = m.opts.max_cycles ? m.opts.max_cycles : std::uint64_t(m.cfg.integer("max_cycles"));
  // A limit beyond the representable time (max_cycles x period wraps) is no limit.
  const Tick limit =
      max_cycles && max_cycles < (~Tick(0) / 2) / m.core_period ? max_cycles * m.core_period : ~Tick(0) / 2;
  const Tick watchdog = Tick(m.cfg.integer("watchdog")) * m.core_period;
  const Tick slice =
      std::min<Tick>(200000 * m.core_period, watchdog ? std::max<Tick>(watchdog / 4, m.core_period) : ~Tick(0));
  std::uint64_t last_ops = 0;
  Tick last_progress = 0;
  RunOutcome out;
  // Periodic statistics: the run stops at each multiple of the interval (as it stops at
  // each slice's end: the kernel's time, not the model's), and writes one line.
  std::ofstream intervals;
  const Tick interval = m.opts.stats_interval && m.opts.stats_interval < (~Tick(0) / 4) / m.core_period
                            ? m.opts.stats_interval * m.core_period
                            : 0;
  Tick next_dump = interval ? interval : ~Tick(0);
  auto write_interval = [&](std::uint64_t cycle) {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    line["cycle"] = cycle;
    const nlohmann::ordered_json now_stats = stats_.to_json_object();
    for (auto& [k, v] : now_stats.items()) line[k] = v;
    intervals << line.dump() << '\n';
    if (!intervals) throw UserError(m.opts.stats_interval_path + ": write failed");
  };
  if (m.opts.stats_interval) {
    intervals.open(m.opts.stats_interval_path);
    if (!intervals) throw UserError(m.opts.stats_interval_path + ": cannot write (--stats-interval-file)");
  }
  for (;;) {
    const Tick now = sim_now();
    bool all_done = true;
    for (auto& c : m.cores) all_done &= c->done();
    if (all_done) {
      out.completed = true;
      break;
    }
    if (now >= limit) break;
    if (sim_kernel.started() && !sim_kernel.pending_activity())
      throw SimError("deadlock: no component has anything to do but not every core finished\n" + dump());
    const Tick end = std::min({limit, now + slice, next_dump});
    Core::set_run_limit(end);
    m.kernel_process->run(end - now);  // sc_start to `end`, idle or not
    rethrow_captured_exception();
    // The watchdog: some core must retire an operation (or be computing) every
    // `watchdog` cycles, else the system is deadlocked or livelocked.
    std::uint64_t ops = 0;
    bool computing = false;
    for (auto& c : m.cores) ops += c->progress(), computing |= c->computing(end);
    if (ops != last_ops || computing) last_ops = ops, last_progress = end;
    else if (watchdog && end - last_progress >= watchdog) {
      // A program that waits for a value nobody writes is the trace's error, not the
      // simulator's: name the spinning threads.
      std::string spinning;
      for (auto& c : m.cores) {
        const std::string r = c->spin_report();
        if (!r.empty()) spinning += "\n  " + r;
      }
      if (!spinning.empty())
        throw UserError("watchdog: no progress for " + std::to_string((end - last_progress) / m.core_period) +
                        " core cycles (watchdog: " + std::to_string(watchdog / m.core_period) +
                        "): the trace spins forever:" + spinning);
      throw SimError("watchdog: no operation retired for " + std::to_string((end - last_progress) / m.core_period) +
                     " core cycles (watchdog: " + std::to_string(watchdog / m.core_period) + "); pending work:\n" +
                     dump());
    }
    if (end == next_dump) {
      bool done = true;
      for (auto& c : m.cores) done &= c->done();
      // A run that just ended writes its last line below; after `roi end` the statistics are frozen.
      if (!done && !stats_.frozen()) write_interval(end / m.core_period);
      next_dump += interval;
    }
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
    finish = std::max(finish, c->done() ? c->finish_tick() : sim_now());
    out.ops += c->total_ops();
  }
  out.cycles = finish / m.core_period;
  if (m.warmup_pending) {
    // The warm-up never ended: name a thread that retired fewer operations.
    std::string which;
    for (std::size_t i = 0; i < m.cores.size() && i < m.trace->threads(); ++i)
      if (m.cores[i]->total_ops() < m.opts.warmup) {
        which = "thread " + std::to_string(i) + " retired " + std::to_string(m.cores[i]->total_ops()) + " operations";
        break;
      }
    throw UserError("--warmup " + std::to_string(m.opts.warmup) + ": the " +
                    (out.completed ? "trace" : "run (stopped at max_cycles)") +
                    " ended before every thread had retired that many operations (" + which +
                    "), so no statistics were measured; choose a smaller --warmup");
  }
  if (!stats_.frozen()) finalize_stats(finish);
  if (m.log.enabled()) {
    for (auto& c : m.caches) c->log_final(finish);
    for (auto& d : m.directories) d->log_final(finish);
    for (std::size_t i = 0; i < m.cores.size() && i < m.trace->threads(); ++i)
      m.cores[i]->log_final(finish, m.trace->registers(unsigned(i)));
    m.log.finish();
  }
  m.total_cycles = out.cycles;
  stats_.set(kStatCompleted, "completed", out.completed ? 1 : 0);
  for (std::size_t i = 0; i < m.cores.size() && i < m.trace->threads(); ++i) {
    const std::string p = "core" + std::to_string(i);
    const auto& names = m.trace->registers(unsigned(i));
    for (std::size_t r = 0; r < names.size(); ++r)
      stats_.set(kStatRegs, p + ".regs." + names[r], m.cores[i]->registers()[r]);
  }
  if (interval) write_interval(out.cycles);
  return out;
}

// The figures over the measured window [window_start, end]: cycles, rates and
// utilisations; the caches' occupancy and DRAM's rates are closed at `end`.
void System::finalize_stats(Tick end) {
  Impl& m = *impl_;
  const Tick from = std::min(m.window_start, end);
  for (auto& c : m.caches) c->finish(end);
  if (m.net) m.net->set_window_end(end);
  for (auto& nm : m.nodes) {
    if (nm.dram) nm.dram->finish(end);
    if (nm.l2) nm.l2->finish(end);
    if (nm.l3) nm.l3->finish(end);
  }
  std::uint64_t ops = 0;
  for (auto& c : m.cores) ops += c->ops();
  if (m.advisor) {
    m.advice = m.advisor->lines();
    std::fill(std::begin(m.advice_counts), std::end(m.advice_counts), 0);
    m.advice_misses = m.advice_cycles = 0;
    for (auto& l : m.advice) {
      ++m.advice_counts[int(l.kind)];
      m.advice_misses += l.coherence_misses;
      m.advice_cycles += l.miss_ticks / m.core_period;
    }
    stats_.set(kStatShLines, "sharing.lines", m.advice.size());
    stats_.set(kStatShFalse, "sharing.false_sharing_lines", m.advice_counts[int(SharingAdvisor::Kind::FalseSharing)]);
    stats_.set(kStatShTrue, "sharing.true_sharing_lines", m.advice_counts[int(SharingAdvisor::Kind::TrueSharing)]);
    stats_.set(kStatShLock, "sharing.lock_lines", m.advice_counts[int(SharingAdvisor::Kind::Lock)]);
    stats_.set(kStatShMisses, "sharing.coherence_misses", m.advice_misses);
    stats_.set(kStatShCycles, "sharing.coherence_miss_cycles", m.advice_cycles);
    stats_.set(kStatShUntracked, "sharing.untracked_invalidations", m.advisor->untracked_invalidations());
  }
  stats_.set(kStatCycles, "cycles", (end - from) / m.core_period);
  stats_.set(kStatOps, "ops", ops);
  double all_instructions = 0;  // every core's, for the shared levels' MPKI
  for (std::size_t i = 0; i < m.cores.size(); ++i) {
    const std::string p = "core" + std::to_string(i);
    const Core& c = *m.cores[i];
    const Tick done = c.done() ? std::min(c.finish_tick(), end) : end;
    const std::uint64_t cycles = (std::max(done, from) - from) / m.core_period;
    stats_.set(kStatCoreCycles, p + ".cycles", cycles);
    const double instructions = double(stats_.get(p + ".instructions"));
    const double none = std::numeric_limits<double>::quiet_NaN();  // absent (Stats::derived)
    stats_.set_real(kStatIpc, p + ".ipc", cycles ? instructions / double(cycles) : none);
    stats_.set_real(kStatCpi, p + ".cpi", instructions > 0 ? double(cycles) / instructions : none);
    const double n = double(c.ops());
    stats_.set_real(kStatMpki, p + ".l1d.misses_per_1000_ops", n ? double(stats_.get(p + ".l1d.misses")) * 1000.0 / n : 0.0);
    all_instructions += instructions;
    for (const char* level : {".l1d", ".l1i", ".l2"}) {
      const std::string misses = p + level + ".misses";
      if (!stats_.has(misses)) continue;  // no such private level
      stats_.set_real(kStatPrivateMpki, p + level + ".misses_per_1000_instructions",
                      instructions > 0 ? double(stats_.get(misses)) * 1000.0 / instructions : none);
    }
  }
  for (auto& nm : m.nodes)
    for (const SharedCache* level : {nm.l2.get(), nm.l3.get()}) {
      if (!level) continue;
      const std::string name = nm.prefix + (level == nm.l2.get() ? "l2" : "l3");
      stats_.set_real(kStatSharedMpki, name + ".misses_per_1000_instructions",
                      all_instructions > 0 ? double(stats_.get(name + ".misses")) * 1000.0 / all_instructions
                                           : std::numeric_limits<double>::quiet_NaN());
    }
  const double uncore_cycles = double(end - from) / double(m.uncore_period);
  for (auto& d : m.directories)
    stats_.set_real(kStatDirUtil, d->stat_name() + ".utilization",
                    uncore_cycles > 0 ? double(d->messages_started()) / uncore_cycles : 0.0);
  if (m.bus) stats_.set_real(kStatBusUtil, "bus.utilization", uncore_cycles > 0 ? m.bus->busy_cycles() / uncore_cycles : 0.0);
  if (m.bus)
    stats_.set_real(kStatBusBandwidth, "bus.bandwidth_GBps",
                    end > from ? double(m.bus->data_bytes()) * 1e6 / double(end - from) : 0.0);  // ticks are fs
  if (m.bus && m.bus->split())
    stats_.set_real(kStatBusDataUtil, "bus.data_utilization", uncore_cycles > 0 ? m.bus->data_busy_cycles() / uncore_cycles : 0.0);
  stats_.set(kStatTimePs, "time_ps", (end - from) / 1000);
  if (m.window_stats) stats_.set(kStatWindowEnd, "window.end_cycle", end / m.core_period);
}

void System::register_window_stats() {
  Impl& m = *impl_;
  if (m.window_stats) return;
  m.window_stats = true;
  stats_.counter(kStatWindowStart, "window.start_cycle", &m.window_start_cycle);
}

void System::reset_window(Tick t) {
  Impl& m = *impl_;
  register_window_stats();
  for (auto& c : m.cores) c->reset_stats(t);
  for (auto& c : m.caches) c->reset_stats(t);
  for (auto& u : m.mmus) u->reset_stats();
  if (m.bus) m.bus->reset_stats(t);
  if (m.net) m.net->reset_stats(t);
  for (auto& d : m.directories) d->reset_stats();
  if (m.advisor) m.advisor->reset();
  for (auto& nm : m.nodes) {
    if (nm.l2) nm.l2->reset_stats(t);
    if (nm.l3) nm.l3->reset_stats(t);
    if (nm.dram) nm.dram->reset_stats();
    else nm.memory->reset_stats();
  }
  m.window_start = t;
  m.window_start_cycle = t / m.core_period;
}

void System::freeze_window(Tick end) {
  register_window_stats();
  if (impl_->bus) impl_->bus->count_queued(end);
  for (auto& c : impl_->cores) c->close_window();
  finalize_stats(end);
  stats_.freeze();
}

const ProtocolTable& System::protocol() const { return *impl_->table; }
const ProtocolTable* System::home_protocol() const { return impl_->home_table; }

bool System::set_network_jitter(unsigned cycles, unsigned home_data_cycles, int slow_core) {
  if (!impl_->net) return false;
  const int slow = slow_core >= 0 && std::size_t(slow_core) < impl_->caches.size()
                       ? impl_->caches[std::size_t(slow_core)]->net_endpoint()
                       : -1;
  impl_->net->set_jitter(cycles, home_data_cycles, slow);
  return true;
}

bool System::set_network_put_delay(unsigned cycles, int core) {
  if (!impl_->net) return false;
  const int ep =
      core >= 0 && std::size_t(core) < impl_->caches.size() ? impl_->caches[std::size_t(core)]->net_endpoint() : -1;
  impl_->net->set_put_delay(cycles, ep);
  return true;
}

bool System::set_network_owner_data_delay(unsigned cycles) {
  if (!impl_->net) return false;
  impl_->net->set_owner_data_delay(cycles);
  return true;
}

bool System::set_bus_jitter(unsigned response_cycles, unsigned request_cycles, int slow_core) {
  if (!impl_->bus || !impl_->bus->split()) return false;
  const int slow = slow_core >= 0 && std::size_t(slow_core) < impl_->caches.size()
                       ? impl_->caches[std::size_t(slow_core)]->bus_client()
                       : -1;
  impl_->bus->set_jitter(response_cycles, request_cycles, slow);
  return true;
}

bool System::set_writeback_delay(unsigned cycles, int core) {
  if (!impl_->bus || !impl_->bus->split()) return false;
  const int client =
      core >= 0 && std::size_t(core) < impl_->caches.size() ? impl_->caches[std::size_t(core)]->bus_client() : -1;
  impl_->bus->set_writeback_delay(cycles, client);
  return true;
}

// The event log's header: what a reader needs to show the records (docs/event-log.md).
void System::write_log_header(const std::string& protocol, const std::string& fabric, const std::string& trace_path) {
  Impl& m = *impl_;
  nlohmann::json h = nlohmann::json::object();
  h["protocol"] = protocol;
  h["fabric"] = fabric;
  h["isa"] = m.cfg.choice("isa");
  h["config"] = m.cfg.origin();
  h["cores"] = m.cores.size();
  h["trace"] = trace_path;
  // The sets of the level that runs the protocol (a private L2, else the L1D): the view's set column.
  const bool private_l2 = m.cfg.has_level("l2") && !m.cfg.flag("l2.shared");
  h["cache_sets"] = geometry(m.cfg, private_l2 ? "l2" : "l1d").sets();
  nlohmann::json tables = nlohmann::json::object();
  tables["cache"] = nlohmann::json::parse(protocol_json(*m.table));
  if (const ProtocolTable* home = m.directories.empty() ? nullptr : m.home_table)
    tables["directory"] = nlohmann::json::parse(protocol_json(*home));
  h["tables"] = std::move(tables);
  nlohmann::json threads = nlohmann::json::array();
  for (unsigned i = 0; i < m.trace->threads(); ++i) threads.push_back({{"core", "core" + std::to_string(i)}, {"registers", m.trace->registers(i)}});
  h["threads"] = std::move(threads);
  // The trace's text, for showing the line each core is at (text traces up to 1 MiB).
  nlohmann::json lines = nlohmann::json::array();
  if (std::string(m.trace->format()) == "text") {
    std::ifstream f(trace_path);
    f.seekg(0, std::ios::end);
    if (f && f.tellg() < (1 << 20)) {
      f.seekg(0);
      for (std::string l; std::getline(f, l);) lines.push_back(l);
    }
  }
  h["trace_text"] = std::move(lines);
  m.log.write_header(h);
}

std::string System::dump() const {
  std::ostringstream o;
  o << "at t=" << sc_core::sc_time::from_value(sim_now()).to_string() << "\n";
  for (auto& c : impl_->cores) o << c->dump() << "\n";
  if (impl_->bus) o << impl_->bus->dump();
  if (impl_->net) o << impl_->net->dump();
  for (auto& nm : impl_->nodes) {
    if (nm.dram) o << "\n" << nm.prefix << nm.dram->dump();
    if (nm.l2) o << "\n" << nm.prefix << "l2: " << nm.l2->dump();
    if (nm.l3) o << "\n" << nm.prefix << "l3: " << nm.l3->dump();
  }
  return o.str();
}

namespace {
std::string fixed1(double x) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << x;
  return o.str();
}

std::string hex_digits(std::uint64_t v) {
  std::ostringstream o;
  o << std::hex << v;
  return o.str();
}

// The bytes a mask covers, as ranges: "0-7", "0-7, 16-23" (granule: bytes per bit).
std::string byte_ranges(std::uint64_t mask, unsigned granule) {
  std::string o;
  for (unsigned b = 0; b < 64;) {
    if (!(mask >> b & 1)) {
      ++b;
      continue;
    }
    unsigned e = b;
    while (e + 1 < 64 && (mask >> (e + 1) & 1)) ++e;
    if (!o.empty()) o += ", ";
    o += std::to_string(b * granule) + "-" + std::to_string((e + 1) * granule - 1);
    b = e + 1;
  }
  return o.empty() ? "none" : o;
}

const char* access_word(AccessEvent::Kind k) {
  switch (k) {
    case AccessEvent::Load: return "load";
    case AccessEvent::Store: return "store";
    case AccessEvent::Rmw: return "rmw";
    default: return "fence";
  }
}

const char* kind_text(SharingAdvisor::Kind k) {
  switch (k) {
    case SharingAdvisor::Kind::FalseSharing: return "false sharing";
    case SharingAdvisor::Kind::TrueSharing: return "true sharing";
    case SharingAdvisor::Kind::Lock: return "contended lock";
    default: return "coherence misses";
  }
}
}  // namespace

// The lines the summary and the JSON name.
constexpr std::size_t kAdviceLines = 5;

std::vector<System::Saturated> System::saturated() const {
  const Impl& m = *impl_;
  const auto v = stats_.values();
  auto get = [&](const std::string& k) {
    auto it = v.find(k);
    return it == v.end() ? 0.0 : it->second;
  };
  std::vector<Saturated> out;
  auto busy = [&](double share, const std::string& what, const std::string& knob) {
    if (share > 0.9) out.push_back({what, share, knob});
  };
  if (m.bus && m.bus->split()) {
    busy(get("bus.utilization"), "the address bus", "bus.address_cycles");
    busy(get("bus.data_utilization"), "the data bus", "bus.width");
  } else if (m.bus)
    busy(get("bus.utilization"), "the bus", "bus.transactions: split, or bus.width");
  for (auto& nm : m.nodes) {
    if (nm.l2) busy(nm.l2->mshr_share(), nm.prefix + "shared L2's MSHRs (on average)", "l2.mshrs");
    if (nm.l3) {
      busy(nm.l3->busiest_bank_share(), nm.prefix + "L3's busiest bank", "l3.banks, or a smaller l3.bank_cycles");
      busy(nm.l3->mshr_share(), nm.prefix + "L3's MSHRs (on average)", "l3.mshrs");
    }
    if (nm.dram)
      busy(get(nm.prefix + "memory.bandwidth_utilization"), nm.prefix + "DRAM's data bus",
           "dram.channels, or a faster dram.preset");
  }
  for (auto& d : m.directories)
    busy(get(d->stat_name() + ".utilization"), "the directory (" + d->stat_name() + ")",
         "uncore.frequency, or more numa.nodes to spread the homes");
  if (m.net) {
    // The network's links (network.link.A-B.utilization), busiest first: an endpoint's
    // port on its node's router is as wide as network.link_width, a link between
    // nodes as numa.link_width. The busiest are named; the rest are counted in one line.
    std::vector<Network::LinkLoad> hot;
    for (auto& l : m.net->link_loads())
      if (l.utilization > 0.9) hot.push_back(l);
    std::stable_sort(hot.begin(), hot.end(), [](const auto& a, const auto& b) { return a.utilization > b.utilization; });
    // Three named, or all four: a line for the rest names as much as one for the fourth.
    const std::size_t named = hot.size() <= 4 ? hot.size() : 3;
    for (std::size_t i = 0; i < named; ++i) {
      const Network::LinkLoad& l = hot[i];
      const std::size_t dash = l.name.find('-');
      const std::string a = l.name.substr(0, dash), b = l.name.substr(dash + 1);
      auto node = [](const std::string& x) { return x == "switch" ? std::string("the crossbar switch") : "node " + x.substr(1); };
      std::string what;
      if (l.internode)
        what = "the NUMA link " + l.name + " (" + node(a) + " to " + node(b) + ")";
      else if (a.size() > 1 && a[0] == 'n' && std::isdigit(static_cast<unsigned char>(a[1])))
        what = "the network link " + l.name + " (router " + a + "'s port to " + b + ")";
      else
        what = "the network link " + l.name + " (" + a + "'s port into router " + b + ")";
      out.push_back({what, l.utilization,
                     l.internode ? "numa.link_width" : "network.link_width"});
    }
    if (hot.size() > named) {
      bool numa = false, port = false;
      for (std::size_t i = named; i < hot.size(); ++i) (hot[i].internode ? numa : port) = true;
      out.push_back({"the busiest of " + std::to_string(hot.size() - named) +
                         " more network links over 90% (network.link.*.utilization)",
                     hot[named].utilization,
                     numa && port ? "network.link_width, numa.link_width"
                                  : numa ? "numa.link_width" : "network.link_width"});
    }
  }
  return out;
}

std::string System::advice_text() const {
  const Impl& m = *impl_;
  std::ostringstream o;
  if (!m.advisor || m.advice.empty()) return "";
  const unsigned g = m.advisor->granule();
  const bool vm = m.cfg.flag("vm.enabled");
  auto where = [&](Addr a) {
    return vm ? "0x" + hex_digits(a) : symbol_name(m.trace->symbols(), a, m.advisor->line_size());
  };
  o << "sharing        " << m.advice.size() << (m.advice.size() == 1 ? " line" : " lines")
    << " with coherence misses: " << m.advice_counts[0] << " false sharing, " << m.advice_counts[1]
    << " true sharing, " << m.advice_counts[2] << (m.advice_counts[2] == 1 ? " contended lock" : " contended locks")
    << (m.advice_counts[3] ? ", " + std::to_string(m.advice_counts[3]) + " with one core seen" : std::string()) << "; "
    << m.advice_misses << " coherence misses, "
    << m.advice_cycles << " core cycles of miss latency\n";
  for (std::size_t i = 0; i < m.advice.size() && i < kAdviceLines; ++i) {
    const SharingAdvisor::Line& l = m.advice[i];
    const Addr base = l.line * m.advisor->line_size();
    // The symbols the sites touched, in address order.
    std::vector<std::pair<Addr, std::string>> syms;
    for (auto& s : l.sites) {
      std::string n = where(s.addr);
      if (std::none_of(syms.begin(), syms.end(), [&](const auto& x) { return x.second == n; })) syms.push_back({s.addr, n});
    }
    std::sort(syms.begin(), syms.end());
    std::string names;
    for (auto& x : syms) names += (names.empty() ? "" : ", ") + x.second;
    o << "  " << kind_text(l.kind) << " on line 0x"
      << hex_digits(base) << (names.empty() ? "" : " (" + names + ")") << ": " << l.coherence_misses
      << (l.coherence_misses == 1 ? " coherence miss (" : " coherence misses (");
    for (std::size_t c = 0; c < l.cores.size(); ++c)
      o << (c ? ", " : "") << "core" << l.cores[c] << " " << l.misses[c];
    o << "), " << l.miss_ticks / m.core_period << " core cycles of miss latency";
    if (l.rmws) o << "; " << l.rmws << (l.rmws == 1 ? " RMW" : " RMWs");
    if (l.failed_rmws) o << " (" << l.failed_rmws << " failed compare-exchanges)";
    o << "\n";
    // The operations, by core: "core0 line 19 store c0 x64".
    o << "                 ";
    std::size_t shown = 0;
    for (std::size_t c = 0; c < l.cores.size(); ++c) {
      bool first = true;
      for (auto& s : l.sites) {
        if (s.thread != l.cores[c] || shown == 6) continue;
        o << (first ? (shown ? "; core" + std::to_string(s.thread) + " " : "core" + std::to_string(s.thread) + " ") : ", ")
          << "line " << s.trace_line << " " << access_word(s.kind) << " " << where(s.addr) << " x" << s.count;
        first = false;
        ++shown;
      }
    }
    std::size_t rest = l.sites.size() - shown;
    if (rest || l.other_sites) o << "; " << rest << (l.other_sites ? "+" : "") << " more operations";
    o << "\n                 ";
    std::string bytes;
    for (std::size_t c = 0; c < l.cores.size(); ++c)
      bytes += (c ? ", core" : "core") + std::to_string(l.cores[c]) + " " + byte_ranges(l.read[c] | l.written[c], g);
    switch (l.kind) {
      case SharingAdvisor::Kind::FalseSharing:
        o << "the cores touch disjoint bytes (" << bytes << "): give each core's data its own " << m.advisor->line_size()
          << "-byte line (pad or align it)\n";
        break;
      case SharingAdvisor::Kind::TrueSharing:
        o << "the cores share bytes (" << bytes
          << "): the data itself moves; write it less often (per-core copies combined at the end)\n";
        break;
      case SharingAdvisor::Kind::Lock:
        o << "a contended lock or atomic (" << bytes
          << "): spin on a load before the RMW (test-and-test-and-set), back off, or give each waiter its own line (MCS)\n";
        break;
      case SharingAdvisor::Kind::OneCore:
        o << "only one core's accesses were seen since the line was first taken (" << bytes << ")\n";
        break;
    }
  }
  if (m.advice.size() > kAdviceLines)
    o << "  " << m.advice.size() - kAdviceLines << " more lines with coherence misses (--stats: _advice has the top "
      << kAdviceLines << ", sharing.* the totals)\n";
  return o.str();
}

nlohmann::ordered_json System::advice_json() const {
  const Impl& m = *impl_;
  nlohmann::ordered_json a = nlohmann::ordered_json::object();
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  const bool vm = m.cfg.flag("vm.enabled");
  for (std::size_t i = 0; i < m.advice.size() && i < kAdviceLines; ++i) {
    const SharingAdvisor::Line& l = m.advice[i];
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["kind"] = name(l.kind);
    j["address"] = l.line * m.advisor->line_size();
    j["coherence_misses"] = l.coherence_misses;
    j["miss_core_cycles"] = l.miss_ticks / m.core_period;
    j["rmws"] = l.rmws;
    j["failed_rmws"] = l.failed_rmws;
    nlohmann::ordered_json cores = nlohmann::ordered_json::array();
    for (std::size_t c = 0; c < l.cores.size(); ++c)
      cores.push_back({{"core", l.cores[c]}, {"coherence_misses", l.misses[c]},
                       {"bytes_read", byte_ranges(l.read[c], m.advisor->granule())},
                       {"bytes_written", byte_ranges(l.written[c], m.advisor->granule())}});
    j["cores"] = std::move(cores);
    nlohmann::ordered_json sites = nlohmann::ordered_json::array();
    for (auto& s : l.sites)
      sites.push_back({{"core", s.thread}, {"trace_line", s.trace_line}, {"access", access_word(s.kind)},
                       {"symbol", vm ? "" : symbol_name(m.trace->symbols(), s.addr, m.advisor->line_size())},
                       {"address", s.addr}, {"size", s.size}, {"count", s.count}});
    j["operations"] = std::move(sites);
    lines.push_back(std::move(j));
  }
  a["lines"] = std::move(lines);
  nlohmann::ordered_json sat = nlohmann::ordered_json::array();
  for (auto& x : saturated()) sat.push_back({{"resource", x.what}, {"busy", x.share}, {"relieve", x.knob}});
  a["saturated"] = std::move(sat);
  return a;
}

std::string System::stats_json(bool schema) const {
  nlohmann::ordered_json j = stats_.to_json_object(schema);
  RunRequest req;
  req.trace_path = impl_->trace_path;
  req.max_cycles = impl_->opts.max_cycles;
  req.warmup = impl_->opts.warmup;
  if (impl_->advisor) j["_advice"] = advice_json();
  j["_provenance"] = run_provenance(impl_->cfg, req);
  return dump_stats_json(j);
}

std::string System::summary() const {
  const Impl& m = *impl_;
  const auto v = stats_.values();
  auto get = [&](const std::string& k) {
    auto it = v.find(k);
    return it == v.end() ? 0.0 : it->second;
  };
  std::ostringstream o;
  o << std::fixed;
  o << "cohsim: " << m.cores.size() << " cores (" << m.cfg.choice("isa") << "), " << m.table->name() << " on a "
    << (m.bus && m.bus->split() ? std::string("bus (split transactions)") : m.table->fabric()) << ", trace " << m.trace->path() << "\n";
  o << "simulated " << uint64_t(get("cycles")) << " core cycles (" << std::setprecision(3) << get("time_ps") / 1e3
    << " ns), " << uint64_t(get("ops")) << " operations"
    << (get("completed") ? "" : "  [stopped at max_cycles before the trace ended]") << "\n\n";
  o << std::left << std::setw(7) << "core" << std::right << std::setw(10) << "ops" << std::setw(10) << "loads"
    << std::setw(10) << "stores" << std::setw(8) << "rmws" << std::setw(11) << "cycles" << std::setw(11) << "L1D hits"
    << std::setw(9) << "misses" << std::setw(8) << "hit%" << std::setw(8) << "MPKI" << std::setw(10) << "AMAT"
    << "\n";  // MPKI: L1D misses per 1000 instructions; AMAT: mean load latency, core cycles
  for (std::size_t i = 0; i < m.cores.size(); ++i) {
    const std::string p = "core" + std::to_string(i);
    o << std::left << std::setw(7) << p << std::right << std::setw(10) << uint64_t(get(p + ".ops")) << std::setw(10)
      << uint64_t(get(p + ".loads")) << std::setw(10) << uint64_t(get(p + ".stores")) << std::setw(8)
      << uint64_t(get(p + ".rmws")) << std::setw(11) << uint64_t(get(p + ".cycles")) << std::setw(11)
      << uint64_t(get(p + ".l1d.hits")) << std::setw(9) << uint64_t(get(p + ".l1d.misses")) << std::setw(8)
      << std::setprecision(1) << 100 * get(p + ".l1d.hit_rate") << std::setw(8) << std::setprecision(2);
    if (v.count(p + ".l1d.misses_per_1000_instructions")) o << get(p + ".l1d.misses_per_1000_instructions");
    else o << "-";  // no instruction retired: no MPKI
    o << std::setw(10) << std::setprecision(1);
    if (v.count(p + ".amat_core_cycles")) o << get(p + ".amat_core_cycles") << "\n";
    else o << "-" << "\n";  // no load: no mean latency
  }
  o << "  (MPKI: L1D misses per 1000 instructions; AMAT: mean load latency, core cycles; -: none)\n";
  // Why the L1Ds' primary misses happened (summed over the cores).
  auto causes = [&](const std::string& level, bool coherence) {
    double c[4] = {};
    for (std::size_t i = 0; i < m.cores.size(); ++i) {
      const std::string p = "core" + std::to_string(i) + "." + level;
      c[0] += get(p + ".compulsory_misses"), c[1] += get(p + ".capacity_misses");
      c[2] += get(p + ".conflict_misses"), c[3] += get(p + ".coherence_misses");
    }
    std::ostringstream t;
    t << std::fixed << std::setprecision(0) << c[0] + c[1] + c[2] + c[3] << " primary misses: " << c[0]
      << " compulsory, " << c[1] << " capacity, " << c[2] << " conflict";
    if (coherence) t << ", " << c[3] << " coherence";
    return t.str();
  };
  o << "L1D causes     " << causes("l1d", true) << "\n";
  o << "\n";
  // Shared levels and memory: summed over the NUMA nodes.
  auto over_nodes = [&](const std::string& k) {
    double x = 0;
    for (auto& nm : m.nodes) x += get(nm.prefix + k);
    return x;
  };
  // A level's line: its hit rate, or why it has none (a level the trace cannot use
  // shows no "0 hits" line).
  auto level_line = [&](const char* label, double h, double mi) {
    o << label << std::setprecision(0);
    if (h + mi == 0) o << "no requests: every access was served above it\n";
    else if (h == 0)
      o << mi << " requests, none hit: no line was asked for again while this level held it\n";
    else
      o << h << " hits, " << mi << " misses" << std::setprecision(1) << " (" << 100 * h / (h + mi) << "% hits)\n";
  };
  // A shared level's inclusion policy at work (only when it is not nine).
  auto inclusion_line = [&](const std::string& level) {
    if (v.count(m.nodes[0].prefix + level + ".back_invalidations"))
      o << std::setprecision(0) << "  inclusive    " << over_nodes(level + ".back_invalidations")
        << " evictions back-invalidated " << over_nodes(level + ".back_invalidated_copies") << " copies above ("
        << over_nodes(level + ".back_invalidation_writebacks") << " dirty), "
        << over_nodes(level + ".back_invalidations_skipped") << " left in a transition\n";
    if (v.count(m.nodes[0].prefix + level + ".victim_fills"))
      o << std::setprecision(0) << "  exclusive    " << over_nodes(level + ".victim_fills")
        << " victims moved down, " << over_nodes(level + ".moved_up") << " hits moved up";
    if (v.count(m.nodes[0].prefix + level + ".copied_up_dirty"))
      o << ", " << over_nodes(level + ".copied_up_dirty") << " dirty hits copied up (kept)";
    if (v.count(m.nodes[0].prefix + level + ".victim_fills")) o << "\n";
  };
  const bool shared_l2 = m.nodes[0].l2 != nullptr;
  if (shared_l2 || v.count("core0.l2.hits")) {
    double h = 0, mi = 0;
    if (shared_l2) h = over_nodes("l2.hits"), mi = over_nodes("l2.misses");
    else
      for (std::size_t i = 0; i < m.cores.size(); ++i)
        h += get("core" + std::to_string(i) + ".l2.hits"), mi += get("core" + std::to_string(i) + ".l2.misses");
    level_line(shared_l2 ? "L2 (shared)    " : "L2 (private)   ", h, mi);
    if (mi > 0) {
      if (shared_l2)
        o << std::setprecision(0) << "  causes       " << mi << " misses: " << over_nodes("l2.compulsory_misses")
          << " compulsory, " << over_nodes("l2.capacity_misses") << " capacity, "
          << over_nodes("l2.conflict_misses") << " conflict\n";
      else
        o << "  causes       " << causes("l2", true) << "\n";
    }
    if (shared_l2) inclusion_line("l2");
  }
  if (m.nodes[0].l3) {
    const double h = over_nodes("l3.hits"), mi = over_nodes("l3.misses");
    level_line(m.nodes.size() > 1 ? "L3 (slices)    " : "L3 (shared)    ", h, mi);
    if (mi > 0)
      o << std::setprecision(0) << "  causes       " << mi << " misses: " << over_nodes("l3.compulsory_misses")
        << " compulsory, " << over_nodes("l3.capacity_misses") << " capacity, " << over_nodes("l3.conflict_misses")
        << " conflict\n";
    inclusion_line("l3");
  }
  if (m.net) {
    o << std::setprecision(0) << "network        " << get("network.messages") << " messages (GetS "
      << get("network.msgs.GetS") << ", GetM " << get("network.msgs.GetM") << ", Fwd "
      << get("network.msgs.Fwd-GetS") + get("network.msgs.Fwd-GetM") << ", Inv " << get("network.msgs.Inv")
      << ", Inv-Ack " << get("network.msgs.Inv-Ack") << ", Data " << get("network.msgs.Data") << ", Puts "
      << get("network.msgs.PutS") + get("network.msgs.PutM") + get("network.msgs.PutE") + get("network.msgs.PutO")
      << "), avg latency " << std::setprecision(1) << get("network.avg_latency_uncore_cycles") << " cycles\n";
    if (m.nodes.size() > 1)
      o << std::setprecision(0) << "numa           " << m.nodes.size() << " nodes, " << get("numa.local_misses")
        << " local and " << get("numa.remote_misses") << " remote misses (" << std::setprecision(1)
        << 100 * get("numa.remote_share") << "% remote), miss latency local " << get("numa.local_miss_latency_uncore_cycles")
        << " / remote " << get("numa.remote_miss_latency_uncore_cycles") << " uncore cycles\n";
  } else
    o << std::setprecision(0) << "bus            " << get("bus.transactions") << " transactions (GetS "
      << get("bus.msgs.GetS") << ", GetM " << get("bus.msgs.GetM") << ", PutM " << get("bus.msgs.PutM")
      << (get("bus.msgs.Upd") > 0 ? ", Upd " + std::to_string(std::uint64_t(get("bus.msgs.Upd"))) : std::string())
      << "), " << get("bus.cache_to_cache") << " cache-to-cache, "
      << (m.bus->split()
              ? "address bus " + fixed1(100 * get("bus.utilization")) + "%, data bus " +
                    fixed1(100 * get("bus.data_utilization")) + "% busy; response " +
                    fixed1(get("bus.avg_response_uncore_cycles")) + " cycles on average, " +
                    std::to_string(std::uint64_t(get("bus.deferred_responses"))) + " deferred, up to " +
                    std::to_string(std::uint64_t(get("bus.max_outstanding"))) + " outstanding\n"
              : "utilization " + fixed1(100 * get("bus.utilization")) + "%\n");
  double inv = 0;
  for (auto& [k, x] : v)
    if (ends_with(k, ".invalidations")) inv += x;
  o << std::setprecision(0) << "coherence      " << inv << " invalidations\n";
  if (!m.mmus.empty()) {
    double dh = 0, dm = 0, sh = 0, sm = 0, walks = 0, wc = 0, faults = 0, pte = 0;
    for (std::size_t i = 0; i < m.cores.size(); ++i) {
      const std::string p = "core" + std::to_string(i);
      dh += get(p + ".dtlb.hits"), dm += get(p + ".dtlb.misses"), sh += get(p + ".stlb.hits");
      sm += get(p + ".stlb.misses"), walks += get(p + ".mmu.walks"), wc += get(p + ".mmu.walk_core_cycles");
      faults += get(p + ".mmu.faults"), pte += get(p + ".mmu.pte_loads");
    }
    o << std::setprecision(0) << "TLBs           dTLB " << dh << " hits, " << dm << " misses";
    if (v.count("core0.stlb.hits")) o << "; STLB " << sh << " hits, " << sm << " misses";
    o << "\nwalks          " << walks << " walks (" << pte << " PTE loads, " << std::setprecision(1)
      << (walks > 0 ? wc / walks : 0.0) << " cycles on average), " << std::setprecision(0) << faults
      << " page faults\n";
  }
  o << "memory         " << over_nodes("memory.reads") << " line reads, " << over_nodes("memory.writes")
    << " line writes\n";
  for (auto& nm : m.nodes) {
    if (!nm.dram) continue;
    const std::string p = nm.prefix + "memory.";
    o << std::setprecision(0)
      << (m.nodes.size() > 1 ? "DRAM " + nm.prefix.substr(0, nm.prefix.size() - 1) : std::string("DRAM"))
      << std::string(m.nodes.size() > 1 ? 4 : 11, ' ') << m.cfg.choice("dram.preset") << ": row hits "
      << get(p + "row_hits") << ", misses " << get(p + "row_misses") << ", conflicts " << get(p + "row_conflicts")
      << "; read latency " << std::setprecision(1) << get(p + "read_latency_ns") << " ns (p99 "
      << get(p + "read_latency_p99_ns") << "), " << std::setprecision(2) << get(p + "bandwidth_GBps") << " GB/s of "
      << get(p + "peak_GBps") << "\n";
  }
  // The lines that bounce between cores, named (the sharing advisor).
  o << advice_text();
  // A shared resource busy more than 90% of the run limits everything behind it: say
  // which, and the knob that relieves it.
  for (auto& x : saturated())
    o << "warning        " << x.what << " was " << fixed1(100 * x.share) << "% busy: the run is limited by it ("
      << x.knob << ")\n";
  // Final register values are not dumped here: a trace's registers are mostly its
  // helpers (loop counters, loaded values), and nothing marks one as a result. The
  // statistics have every one (core*.regs.*).
  std::size_t total = 0;
  for (std::size_t i = 0; i < m.cores.size() && i < m.trace->threads(); ++i) total += m.trace->registers(unsigned(i)).size();
  if (total) o << "registers      " << total << " final values in the statistics (core*.regs.*, --stats FILE)\n";
  return o.str();
}

}  // namespace cohsim
