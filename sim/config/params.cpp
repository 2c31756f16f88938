// Every configuration parameter of cohsim, declared once: key, type, default, unit,
// description, validator. The YAML validation, `config show`, docs/config.md and the
// Python key list are all derived from this file. After editing it, regenerate the
// docs (see docs/config.md for the command); a unit test fails until you do.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "sim/base/error.hpp"
#include "sim/base/registry.hpp"
#include "sim/config/config.hpp"
#include "sim/base/units.hpp"

namespace cohsim {

std::vector<std::string> isa_choices() { return plugin_names("isa"); }
std::vector<std::string> protocol_choices() { return plugin_names("coherence.protocol"); }
std::vector<std::string> fabric_choices() { return plugin_names("coherence.fabric"); }

namespace {

// ---- Validators -------------------------------------------------------------------

Validator int_range(std::int64_t lo, std::int64_t hi) {
  std::string text = std::to_string(lo) + ".." + std::to_string(hi);
  return {text, [lo, hi, text](const ParamValue& v) {
            return v.integer >= lo && v.integer <= hi ? "" : "must be " + text + ", got " + v.text;
          }};
}

Validator int_at_least(std::int64_t lo) {
  return {"≥ " + std::to_string(lo), [lo](const ParamValue& v) {
            return v.integer >= lo ? "" : "must be at least " + std::to_string(lo) + ", got " + v.text;
          }};
}

Validator size_power_of_two(std::uint64_t lo, std::uint64_t hi) {
  std::string range = format_size(lo) + ".." + format_size(hi);
  return {"power of two, " + range, [lo, hi, range](const ParamValue& v) {
            bool pow2 = v.bytes != 0 && (v.bytes & (v.bytes - 1)) == 0;
            if (!pow2) return "must be a power of two, got " + std::to_string(v.bytes);
            return v.bytes >= lo && v.bytes <= hi ? "" : "must be " + range + ", got " + v.text;
          }};
}

Validator size_range(std::uint64_t lo, std::uint64_t hi) {
  const std::string range = format_size(lo) + ".." + format_size(hi);
  return {range, [lo, hi, range](const ParamValue& v) {
            return v.bytes >= lo && v.bytes <= hi ? "" : "must be " + range + ", got " + v.text;
          }};
}

// The ranges below keep every product the simulator forms (sets x ways x line, a
// latency in femtoseconds, a clock period) far from overflow and from rounding to 0.

// A clock: 1MHz..100GHz (a period of 1e9..1e4 fs; slower clocks run for ever, faster
// ones round their periods).
Validator frequency_range() {
  return {"1MHz..100GHz", [](const ParamValue& v) {
            return v.number >= 1e6 && v.number <= 1e11 ? "" : "must be 1MHz..100GHz, got " + v.text;
          }};
}

// A latency of at most `max_cycles` cycles or `max_fs` femtoseconds (shown as
// `max_time`); greater than zero unless `zero_ok`.
Validator latency_range(double max_cycles, double max_fs, const std::string& max_time, bool zero_ok = false) {
  const std::string cycles = format_latency(Latency{true, max_cycles});
  const std::string text = (zero_ok ? "0.." : "> 0, at most ") + cycles + " or " + max_time;
  return {text, [=](const ParamValue& v) {
            const bool ok = (zero_ok ? v.latency.value >= 0 : v.latency.value > 0) &&
                            v.latency.value <= (v.latency.in_cycles ? max_cycles : max_fs);
            return ok ? "" : "must be " + text + ", got " + v.text;
          }};
}
constexpr double kNs = 1e6, kUs = 1e9, kMs = 1e12;  // femtoseconds

Validator bandwidth_range() {
  return {"1MB/s..100TB/s", [](const ParamValue& v) {
            return v.number >= 1e6 && v.number <= 1e14 ? "" : "must be 1MB/s..100TB/s, got " + v.text;
          }};
}

// The private caches' arrays are allocated in host memory; a shared L3 may be larger.
constexpr std::uint64_t kGiB = std::uint64_t(1) << 30;

// ---- Declarations -----------------------------------------------------------------

ParamSpec param(const std::string& key, ParamType type, const std::string& def, const std::string& unit,
                const std::string& description, Validator valid = {}) {
  ParamSpec p;
  p.key = key;
  p.type = type;
  p.default_text = def;
  p.unit = unit;
  p.description = description;
  p.valid = std::move(valid);
  return p;
}

// A key whose valid names are the plug-ins (or the Choices table) registered under
// `kind`, next to the code that uses them.
ParamSpec choice(const std::string& key, const std::string& def, const std::string& noun, const std::string& kind,
                 const std::string& description) {
  ParamSpec p = param(key, ParamType::Choice, def, "", description);
  p.choices = [kind] { return plugin_names(kind); };
  p.choice_noun = noun;
  return p;
}

struct LevelDefaults {
  std::string size, assoc, latency;
  const char* shared;  // nullptr: the level has no `shared` key (l1d)
};

void declare_cache_level(std::vector<ParamSpec>& p, const std::string& level, const LevelDefaults& d) {
  auto key = [&](const char* name) { return level + "." + name; };
  const std::string upper = level == "l1d" ? "L1D" : level == "l2" ? "L2" : "L3";
  const std::string size_text = level == "l1d"  ? "Capacity of each core's L1D."
                                : level == "l2" ? "Capacity of each core's L2, or of the one L2 when shared."
                                                : "Capacity of the L3.";
  const std::string clock_text = level == "l1d"  ? "core.frequency"
                                 : level == "l2" ? "core.frequency when private, uncore.frequency when shared"
                                                 : "uncore.frequency";
  p.push_back(param(key("size"), ParamType::Size, d.size, "", size_text,
                    size_range(1, level == "l3" ? 16 * kGiB : kGiB)));
  p.push_back(param(key("assoc"), ParamType::Int, d.assoc, "ways",
                    "Associativity. The number of sets, size / (assoc × line_size), must be a power "
                    "of two.",
                    int_range(1, 1 << 20)));
  p.push_back(param(key("line_size"), ParamType::Size, "64B", "", "Cache line size; every level must use the same.",
                    size_power_of_two(16, 4096)));
  p.push_back(param(key("latency"), ParamType::Latency, d.latency, "", "Hit latency: this level's own share, an increment as in gem5 and ChampSim. A hit "
                    "here costs the lookups of the levels above plus this (and, below the private "
                    "levels, the fabric's phases); from a published load-to-use figure enter it "
                    "minus the levels above (docs/validation.md). Cycles count " + clock_text + ".",
                    latency_range(10000, 10 * kUs, "10us")));
  p.push_back(choice(key("replacement"), "lru", "replacement policy", "replacement",
                     std::string("Replacement policy: `lru` (true LRU), `plru` (tree pseudo-LRU; a power-of-two assoc), "
                                 "`random` (drawn from `seed`), or the RRIP family with 2-bit RRPVs: `srrip`, `brrip`, "
                                 "`drrip` (set dueling between them) and `ship` (SHiP: signatures ") +
                         (level == "l1d"  ? "from the access's PC)"
                          : level == "l2" ? "from the access's PC at a private L2, from the line's 16 KiB region at a "
                                            "shared one)"
                                          : "from the line's 16 KiB region: the shared L3 sees no PC)") +
                         ". See \"Replacement policies\" in README.md."));
  if (level != "l1d")
    p.push_back(choice(key("inclusion"), "nine", "inclusion policy", "inclusion",
                       level == "l2"
                           ? "Inclusion policy of a shared L2 (l2.shared: true) towards the private L1Ds above it: "
                             "`nine` (non-inclusive non-exclusive: fills and evicts without regard to them), "
                             "`inclusive` (holds every line they hold; its eviction back-invalidates their copies, "
                             "counted in l2.back_invalidations; each takes the lookups of the copies above) or "
                             "`exclusive` (the L1Ds' victim cache, as an exclusive L3 under private caches is: "
                             "lines read from below go into the L1D only, the L1Ds' clean victims and the fabric's "
                             "writebacks move in, a hit moves the line up and out of the L2, a dirty one is copied "
                             "up and kept; counted in l2.victim_fills, l2.moved_up, l2.copied_up_dirty; the L3 "
                             "below it must then be nine or inclusive of the levels above). A private L2 always "
                             "keeps its L1D a subset of it (it is inclusive whatever this says; the key is unused "
                             "then: the private L2 is the core's coherence point; coherence/inclusion.hpp)."
                           : "Inclusion policy of the L3 towards the levels above it: `nine` (non-inclusive "
                             "non-exclusive: fills and evicts without regard to them), `inclusive` (holds every "
                             "line held above; its eviction back-invalidates the shared L2's copy and every "
                             "core's private ones, counted in l3.back_invalidations; each takes the lookups of the "
                             "copies above, and the victim's writeback waits for it) or `exclusive` (a victim "
                             "cache of the level above: lines read from memory go into the level above only, its "
                             "victims, clean or dirty, move down into the L3, an L3 hit moves the line up and out "
                             "of the L3. Above it a shared L2, or the private caches (the Zen/Skylake-SP style "
                             "victim L3: their clean victims and the fabric's writebacks move in, a hit moves up "
                             "even a line other cores share; a dirty one is copied up and kept); "
                             "counted in l3.victim_fills and l3.moved_up; not below an exclusive shared L2, which is already the "
                             "L1Ds' victim cache: nine or inclusive there)."));
  // A shared L2 sits behind the fabric with MSHRs (l2.mshrs, below) and no banks; the
  // L3 has both.
  if (level == "l3") {
    p.push_back(param(key("banks"), ParamType::Int, "8", "banks",
                      "Banks of the L3, line-interleaved (line address mod banks); a power of two. "
                      "Each takes one access (a read, a writeback, a miss's lookup) every "
                      "l3.bank_cycles, as a pipelined LLC slice does; an access to a busy bank waits. "
                      "8: one slice per core of an 8-core part.",
                      {"power of two, 1..1024", [](const ParamValue& v) {
                         bool ok = v.integer >= 1 && v.integer <= 1024 && (v.integer & (v.integer - 1)) == 0;
                         return ok ? std::string() : "must be a power of two, 1..1024, got " + v.text;
                       }}));
    p.push_back(param(key("bank_cycles"), ParamType::Int, "2", "uncore cycles",
                      "How long one access holds its bank: a slice's pipeline takes a new access "
                      "this often (2: a 64-byte line over a 32-byte-per-cycle data array), not once "
                      "per l3.latency.",
                      int_range(1, 1024)));
    p.push_back(param(key("mshrs"), ParamType::Int, "64", "misses",
                      "Miss status holding registers of the L3: misses to memory outstanding at once; a "
                      "read of a line whose miss is outstanding merges into its MSHR, a miss that finds "
                      "them all in use waits for one (64: ChampSim's LLC).",
                      int_range(1, 4096)));
  }
  if (level != "l3")
    p.push_back(param(key("mshrs"), ParamType::Int, "8", "misses",
                      level == "l1d" ? "Miss status holding registers: misses to distinct lines in flight at once."
                                     : "Miss status holding registers of the L2: misses to distinct lines in flight "
                                       "at once, each core's when private, the one L2's (all cores together) when "
                                       "shared. At a shared L2, as at the L3 (l3.mshrs), a read of a line whose miss "
                                       "is outstanding merges into its MSHR and a miss that finds them all in use "
                                       "waits for one; counted in l2.mshr_*.",
                      int_range(1, 4096)));
  {
    // Prefetchers (coherence/prefetcher.hpp): the names are the registered plug-ins.
    ParamSpec pf = param(key("prefetcher"), ParamType::Choice, "none", "",
                         level == "l1d"
                             ? "Prefetchers of each core's L1D, one name or a list combined ([next_line, stream]): "
                               "they watch the L1D's demand accesses and fetch lines into it (above a private L2, "
                               "through it). `none`: no prefetching."
                         : level == "l2"
                             ? "Prefetchers of the L2, one name or a list. A private L2's (each core's) watch the "
                               "demand accesses that reach the L2 and fetch lines into it. A shared L2's (each "
                               "node's) work as the L3's: they watch the demand line reads that reach it (misses "
                               "and hits; not writebacks) and read lines from the level below into it, each taking "
                               "an L2 MSHR (l2.mshrs) only while another stays free for demand; the shared L2 sees "
                               "no PC, so ip_stride is refused there, and an exclusive shared L2 (l2.inclusion: "
                               "exclusive) takes no prefetcher."
                             : "Prefetchers of the shared L3 (each node's), one name or a list: they watch the demand "
                               "line reads that reach the L3 (misses and hits; not writebacks) and read lines from "
                               "memory into it, each taking an L3 MSHR only while another stays free for demand. "
                               "The L3 sees no PC, so ip_stride is refused here; an exclusive L3 (l3.inclusion: "
                               "exclusive) takes no prefetcher.");
    pf.choices = [] {
      std::vector<std::string> v = plugin_names("prefetcher");
      v.insert(v.begin(), "none");
      return v;
    };
    pf.choice_noun = "prefetcher";
    pf.list = true;
    p.push_back(pf);
    p.push_back(param(key("prefetch_degree"), ParamType::Int, "1", "lines",
                      "Lines each prefetcher of the level proposes per trigger (next_line, stream, ip_stride; "
                      "best_offset always proposes one).",
                      int_range(1, 32)));
    p.push_back(param(key("prefetch_distance"), ParamType::Int, "4", "lines",
                      "How far ahead of the triggering access the stream prefetcher's first proposal lies.",
                      int_range(1, 63)));
  }
  if (level == "l1d")
    p.push_back(param(key("ports"), ParamType::Int, "2", "accesses per cycle",
                      "Accesses the L1D accepts per cycle (loads, store-buffer drains, atomics).", int_range(1, 64)));
  if (level == "l1d") {
    // Write-back (the default) or write-through above a private L2, with a write-combining
    // buffer (coherence/private_cache.*, "Write-through L1D" in docs/architecture.md).
    p.push_back(param(key("write_back"), ParamType::Bool, "true", "",
                      "true: the L1D holds dirty lines and writes them back to the L2 on eviction. false: a "
                      "write-through L1D: every store also sends its data to the private L2 (through the "
                      "write-combining buffer, l1d.wc_entries), the L1D never holds dirty data and its evictions are "
                      "silent; the L2 stays the coherence point (needs a private L2: l2.shared: false)."));
    p.push_back(param(key("write_allocate"), ParamType::Bool, "true", "",
                      "true: a store that misses the L1D fetches its line into the L1D. false (no-write-allocate, "
                      "write-through L1D only: l1d.write_back: false): the store's line is made writable at the "
                      "private L2 and the store writes through to it without filling the L1D; a load still fills."));
    p.push_back(param(key("wc_entries"), ParamType::Int, "0", "lines",
                      "Write-through L1D only (l1d.write_back: false): entries of the write-combining buffer, one "
                      "line each. A store to a line already in the buffer merges into its entry; the oldest entry "
                      "drains to the L2 when a new line finds the buffer full, and an entry drains when the L2 "
                      "must hand on, downgrade or evict its line, when no store has written it for "
                      "l1d.wc_drain_cycles, and at the end of the run. 0 = no buffer: each store writes through "
                      "alone.",
                      int_range(0, 64)));
    p.push_back(param(key("wc_drain_cycles"), ParamType::Int, "1024", "core cycles",
                      "Write-through L1D with a write-combining buffer only: an entry no store has written for this "
                      "many cycles drains to the L2 on its own (wc_drains.idle), as the Alpha 21264/EV67 closes its "
                      "I/O write buffer's merge window after 1024 cycles without a store. 0 = never: entries drain "
                      "only on demand (the buffer full, a hand-on of the line, the end of the run).",
                      int_range(0, 1 << 24)));
    p.push_back(param(key("write_buffer"), ParamType::Int, "4", "stores",
                      "Write-through L1D without a write-combining buffer (l1d.wc_entries: 0): entries of its "
                      "write buffer, a FIFO of one store each on its way to the L2 (4: the MIPS R2000/R3000 "
                      "and DECstation write buffers). A store that finds every entry in use waits in the store "
                      "buffer until the oldest has reached the L2.",
                      int_range(1, 64)));
    p.push_back(param(key("write_path_width"), ParamType::Int, "32", "bytes per cycle",
                      "Write-through L1D only: bytes per core cycle the path from the L1D to the private L2 "
                      "carries. A write-through message of B bytes (one store, or a drained write-combining "
                      "entry) holds it max(l2.write_cycles, ceil(B / this)) cycles; messages go one after "
                      "another.",
                      int_range(1, 4096)));
  } else {
    if (level == "l2")
      p.push_back(param(key("write_cycles"), ParamType::Int, "2", "core cycles",
                        "Private L2 below a write-through L1D only (l1d.write_back: false): cycles the L2 takes to "
                        "accept one write-through message (a write of its data array; 2: an L2 data RAM that "
                        "takes an access every other cycle). Each message holds the L1D-to-L2 path "
                        "max(this, ceil(bytes / l1d.write_path_width)) cycles.",
                        int_range(1, 1024)));
    p.push_back(param(key("write_back"), ParamType::Bool, "true", "",
                      "Write back dirty lines on eviction (true) or write every store through to "
                      "the next level (false). A private L2 must be write-back."));
    p.push_back(param(key("write_allocate"), ParamType::Bool, "true", "",
                      "On a write miss, allocate the line (true) or pass the write to the next "
                      "level (false). A private L2 must allocate."));
  }
  if (!d.shared) return;
  if (level == "l3") {
    p.push_back(param(
        key("shared"), ParamType::Bool, d.shared, "",
        "The " + upper + " is one cache shared by all cores; only true is valid.",
        {"true", [](const ParamValue& v) { return v.flag ? std::string() : std::string("l3 is always shared"); }}));
  } else {
    p.push_back(param(key("shared"), ParamType::Bool, d.shared, "",
                      "One cache shared by all cores (true) or one private cache per core (false)."));
  }
}

std::vector<ParamSpec> declare_params() {
  std::vector<ParamSpec> p;
  p.push_back(param("cores", ParamType::Int, "4", "cores",
                    "Number of cores, all identical; each runs one thread of the trace.", int_range(1, 256)));
  p.push_back(choice("isa", "x86", "ISA", "isa",
                     "Instruction set the trace's atomics and fences are lowered to; it decides "
                     "which reorderings the core allows."));
  p.push_back(param("lse", ParamType::Bool, "false", "",
                    "AArch64 only: use the ARMv8.1 LSE atomics (ldadd, swp, cas, ...) instead of "
                    "ldxr/stxr retry loops."));
  p.push_back(param("seed", ParamType::Int, "0", "",
                    "Seed of every random choice. The same config, trace and seed give "
                    "byte-identical results.",
                    int_at_least(0)));
  p.push_back(param("check", ParamType::Bool, "false", "",
                    "Run the coherence checker: assert the single-writer/multiple-reader and "
                    "data-value invariants on every access (slower)."));
  p.push_back(param("advice", ParamType::Bool, "true", "",
                    "Name the lines that bounce between cores: false sharing, true sharing and "
                    "contended locks, with their symbols, trace lines and the cycles their "
                    "coherence misses cost (the summary's `sharing` lines, `sharing.*` and "
                    "`_advice` in --stats; docs/advice.md)."));
  p.push_back(param("max_cycles", ParamType::Int, "0", "core cycles",
                    "Stop the simulation after this many core cycles; 0 = unlimited.", int_at_least(0)));
  p.push_back(param("watchdog", ParamType::Int, "1000000", "core cycles",
                    "Stop with a dump of every pending transaction when no core retires an "
                    "operation (or computes) for this many cycles: a deadlock or livelock. 0 = off.",
                    int_range(0, 1000000000)));
  p.push_back(param("trace", ParamType::String, "", "path",
                    "Trace to run, relative to the config file's folder; `--trace` overrides it. "
                    "Empty: the command line must give one."));

  p.push_back(param("core.frequency", ParamType::Frequency, "3GHz", "", "Core clock.", frequency_range()));
  p.push_back(param("core.store_buffer", ParamType::Int, "16", "entries",
                    "Store buffer entries; a store stalls issue while the buffer is full. 0 = no store "
                    "buffer: a store issues once the older loads have their values, and no later load or "
                    "store issues until it is written in the L1D (no store-to-load forwarding, so no "
                    "store->load or store->store reordering on any ISA; with `core.load_queue: 1` the L1D "
                    "sees every access in program order).",
                    int_range(0, 4096)));
  p.push_back(param("core.load_queue", ParamType::Int, "8", "loads",
                    "Loads in flight at once; a load stalls issue while the queue is full.", int_range(1, 4096)));
  p.push_back(param("core.start_jitter", ParamType::Int, "0", "core cycles",
                    "Each core starts its thread after a random delay of 0 to this many cycles, "
                    "drawn from `seed`: different seeds give different interleavings (litmus runs).",
                    int_range(0, 1000000)));
  p.push_back(param("core.load_jitter", ParamType::Int, "0", "core cycles",
                    "Timing variation: each load waits a random 0 to this many cycles after it "
                    "issues before it may access the cache and bind, drawn from `seed` per load "
                    "(the ISA's ordering rules still apply). `cohsim litmus` sets it per run; 0 = off.",
                    int_range(0, 100000)));
  p.push_back(param("core.drain_jitter", ParamType::Int, "0", "core cycles",
                    "Timing variation: each store waits a random 0 to this many cycles in the store "
                    "buffer before it may start draining, drawn from `seed` per store (the drain "
                    "order and fences are unchanged). `cohsim litmus` sets it per run; 0 = off.",
                    int_range(0, 100000)));

  declare_cache_level(p, "l1d", {"32KiB", "8", "4cycles", nullptr});
  // The L1 instruction cache (coherence/private_cache.*, "The instruction cache" in
  // docs/architecture.md): size 0 = not modelled (ifetches are only counted).
  p.push_back(param("l1i.size", ParamType::Size, "0B", "",
                    "Capacity of each core's L1 instruction cache, fed by the trace's ifetch operations (text "
                    "`ifetch`, din label 2, lackey's I lines). 0 = no L1I: ifetches are counted, not simulated. "
                    "Needs a private L2 (l2.shared: false), which it shares with the L1D: an L1I miss reads "
                    "the L2 (a GetS through the protocol when the L2 misses too). The line size is "
                    "l1d.line_size. Instruction lines are read-only: a store to a line the core's L1I holds, "
                    "or a fetch of a line the core has written, stops the run (self-modifying code is not "
                    "modelled).",
                    size_range(0, kGiB)));
  p.push_back(param("l1i.assoc", ParamType::Int, "8", "ways",
                    "Associativity of the L1I. The number of sets, size / (assoc × l1d.line_size), must be a "
                    "power of two.",
                    int_range(1, 1 << 20)));
  p.push_back(param("l1i.latency", ParamType::Latency, "4cycles", "",
                    "Hit latency of the L1I, paid only on a miss (added to the L2's): a hit's latency is "
                    "hidden by the fetch pipeline. Cycles count core.frequency.",
                    latency_range(10000, 10 * kUs, "10us")));
  p.push_back(choice("l1i.replacement", "lru", "replacement policy", "replacement",
                     "Replacement policy of the L1I (the choices of l1d.replacement; `ship` sees no PC here "
                     "and uses the line's region)."));
  declare_cache_level(p, "l2", {"256KiB", "8", "12cycles", "false"});
  declare_cache_level(p, "l3", {"8MiB", "16", "40cycles", "true"});

  p.push_back(choice("coherence.protocol", "msi", "protocol", "coherence.protocol",
                     "Coherence protocol of the private caches."));
  p.push_back(choice("coherence.fabric", "bus", "fabric", "coherence.fabric",
                     "What carries coherence traffic: bus = a snooping bus (every protocol); directory = "
                     "a full-map directory at the shared last level, reached over a point-to-point "
                     "network (msi, mesi, moesi)."));

  p.push_back(param("directory.latency", ParamType::Latency, "10cycles", "",
                    "Time from a message's arrival at the directory to the messages it sends (the "
                    "directory starts one message per uncore cycle). Cycles count the uncore clock.",
                    latency_range(10000, 10 * kUs, "10us")));
  p.push_back(param("directory.entries", ParamType::String, "unlimited", "entries per directory",
                    "Capacity of each directory home: unlimited = a full map (an entry for every line a cache "
                    "holds); a number = a sparse directory of that many entries (directory.assoc ways per set): "
                    "when a new line finds its set full, the least recently requested line is recalled from "
                    "the caches (its sharers invalidated, its owner's data written back) and counted in "
                    "directory.recalls. Needs coherence.fabric: directory and msi, mesi or moesi.",
                    {"unlimited or 1..16777216", [](const ParamValue& v) -> std::string {
                       if (v.text == "unlimited") return "";
                       std::int64_t n = 0;
                       try {
                         n = parse_integer(v.text);
                       } catch (const std::exception&) {
                         return "must be unlimited or a number of entries (1..16777216), got '" + v.text + "'";
                       }
                       return n >= 1 && n <= 16777216 ? ""
                                                      : "must be unlimited or 1..16777216, got " + v.text;
                     }}));
  p.push_back(param("directory.assoc", ParamType::Int, "8", "ways",
                    "Ways per set of a sparse directory (directory.entries a number); 0 = fully associative "
                    "(one set). directory.entries / directory.assoc must be a power of two.",
                    int_range(0, 1024)));
  p.push_back(param("network.link_latency", ParamType::Latency, "4cycles", "",
                    "Latency of one network link (a crossbar route is one link). Cycles count the "
                    "uncore clock.",
                    latency_range(10000, 10 * kUs, "10us")));
  p.push_back(param("network.link_width", ParamType::Size, "16B", "bytes per uncore cycle",
                    "Bytes a link moves per cycle: a control message is 8 bytes, a data message 8 "
                    "plus the line.",
                    size_power_of_two(1, 1024)));
  p.push_back(param("network.buffer_entries", ParamType::String, "unlimited", "messages per buffer",
                    "Entries of every network buffer, per virtual network, at each link's far end (a router's "
                    "input port; on the last link, the destination's input buffer), one message each. "
                    "unlimited = unbounded buffers (no back-pressure). A number N = credit-based flow "
                    "control: a message starts on a link only when the next buffer of its virtual network "
                    "has a free entry (a credit), which returns upstream one link latency after the message "
                    "leaves; a message a controller's table stalls keeps its entry until it is taken. Needs "
                    "coherence.fabric: directory.",
                    {"unlimited or 1..1024", [](const ParamValue& v) -> std::string {
                       if (v.text == "unlimited") return "";
                       std::int64_t n = 0;
                       try {
                         n = parse_integer(v.text);
                       } catch (const std::exception&) {
                         return "must be unlimited or a number of entries (1..1024), got '" + v.text + "'";
                       }
                       return n >= 1 && n <= 1024 ? "" : "must be unlimited or 1..1024, got " + v.text;
                     }}));
  p.push_back(param("network.injection_entries", ParamType::String, "4", "messages per queue",
                    "Entries of each endpoint's injection queue per virtual network, with finite "
                    "network.buffer_entries (ignored with unlimited buffers): the messages a controller "
                    "has sent that wait to start on its port into the router. A controller takes an "
                    "incoming message or issues a miss only when the queues it would send on have room; "
                    "else the message stays in its input buffer (keeping its credit) or the core stalls "
                    "as on a full MSHR file. unlimited = controllers never wait to send (back-pressure "
                    "stops at the network interface). 4 = one packet per virtual channel of a "
                    "four-channel network interface.",
                    {"unlimited or 1..1024", [](const ParamValue& v) -> std::string {
                       if (v.text == "unlimited") return "";
                       std::int64_t n = 0;
                       try {
                         n = parse_integer(v.text);
                       } catch (const std::exception&) {
                         return "must be unlimited or a number of entries (1..1024), got '" + v.text + "'";
                       }
                       return n >= 1 && n <= 1024 ? "" : "must be unlimited or 1..1024, got " + v.text;
                     }}));
  p.push_back(param("network.virtual_networks", ParamType::Int, "3", "virtual networks",
                    "3 = requests, forwards and responses in separate buffers (deadlock-free with the "
                    "Primer's protocols); 1 = every message class in one set of buffers and one "
                    "point-to-point order, a teaching option: with finite network.buffer_entries a "
                    "buffer full of stalled requests or forwards holds up the responses they wait for, "
                    "and the run deadlocks (the watchdog names the cycle). With unlimited buffers 1 only "
                    "merges the order. Needs coherence.fabric: directory.",
                    {"1 or 3", [](const ParamValue& v) -> std::string {
                       return v.integer == 1 || v.integer == 3 ? "" : "must be 1 or 3, got " + v.text;
                     }}));
  p.push_back(param("network.jitter", ParamType::Int, "0", "uncore cycles",
                    "Random extra delay per message, drawn from `seed`: up to jitter/8 cycles, one "
                    "message in 16 up to jitter (never overtaking an earlier message between the "
                    "same two endpoints on the same virtual network). The random tester sets it "
                    "to shake out races; 0 for timing studies.",
                    int_range(0, 100000)));

  p.push_back(param("network.put_delay", ParamType::Int, "0", "uncore cycles",
                    "A slow writeback path on the directory's network: each Put (PutS, PutM, PutE, "
                    "PutO) of the core network.put_delay_core names, or of every core, reaches the "
                    "home this many cycles late (the messages behind it between the same two "
                    "endpoints wait too); so a Put reaches the home after requests that took its "
                    "line. `cohsim stress` varies it on a sparse directory; 0 = off.",
                    int_range(0, 100000)));
  p.push_back(param("network.put_delay_core", ParamType::Int, "-1", "",
                    "The core whose Puts network.put_delay slows (0 .. cores-1), or -1: every core's.",
                    int_range(-1, 255)));
  p.push_back(param("network.owner_data_delay", ParamType::Int, "0", "uncore cycles",
                    "An old owner's copy of a line to the home (the data a Fwd-GetS makes it send "
                    "to memory) reaches the home this many cycles late, so the home waits that much "
                    "longer in S_D (a sparse directory: in I_D once the sharers have left). 0 = off.",
                    int_range(0, 100000)));

  p.push_back(param("numa.nodes", ParamType::Int, "1", "nodes",
                    "NUMA nodes (sockets). Each has its share of the cores (see numa.cores), a slice "
                    "of the L3 (l3.size is one slice), "
                    "a directory that is home to the lines it owns, and its own memory. More than one "
                    "needs coherence.fabric: directory.",
                    int_range(1, 64)));
  p.push_back(choice("numa.cores", "block", "core placement", "numa.cores",
                     "Which node each core is on: block = consecutive blocks (core i on node "
                     "i * nodes / cores); spread = round robin (core i on node i mod nodes), as a "
                     "scheduler that spreads threads over the sockets."));
  p.push_back(choice("numa.topology", "fully_connected", "topology", "numa.topology",
                     "How the nodes are linked: fully_connected (one hop between any two), crossbar "
                     "(one hop through a central switch), ring (the shorter way round), mesh (2D, XY "
                     "routing)."));
  p.push_back(param("numa.mesh_columns", ParamType::Int, "0", "nodes",
                    "Nodes per row of a mesh (0: the smallest square that holds them); it must divide "
                    "numa.nodes.",
                    int_range(0, 64)));
  p.push_back(param("numa.hop_latency", ParamType::Latency, "20cycles", "",
                    "Latency of one link between nodes. Cycles count the uncore clock.",
                    latency_range(10000, 10 * kUs, "10us")));
  p.push_back(param("numa.link_width", ParamType::Size, "32B", "bytes per uncore cycle",
                    "Bytes a link between nodes moves per cycle.", size_power_of_two(1, 1024)));
  p.push_back(choice("numa.home", "interleave", "home placement", "numa.home",
                     "Which node is a line's home: interleave = physical addresses dealt out over "
                     "the nodes in numa.interleave blocks; page = the node whose memory holds the "
                     "line's physical page, placed by vm.placement (needs vm.enabled)."));
  p.push_back(param("numa.interleave", ParamType::Size, "4KiB", "bytes", "The block size of numa.home: interleave.",
                    size_power_of_two(1, std::uint64_t(1) << 30)));

  p.push_back(param("uncore.frequency", ParamType::Frequency, "2GHz", "", "Clock of the bus and the shared caches.",
                    frequency_range()));

  p.push_back(param("bus.width", ParamType::Size, "32B", "bytes per bus cycle",
                    "Bytes the bus moves per cycle in the data phase.", size_power_of_two(1, 1024)));
  p.push_back(choice("bus.transactions", "split", "bus transactions", "bus.transactions",
                     "split = the address bus orders one request every bus.address_cycles and the "
                     "data travels separately on a data bus of bus.width bytes a cycle; many "
                     "transactions are outstanding and memory serves them concurrently (the "
                     "Primer, section 7.5). atomic = the bus is held from a request's address phase "
                     "until its data arrives (the Primer's baseline, section 7.2: for a first "
                     "lecture on MSI)."));
  p.push_back(param("bus.address_cycles", ParamType::Int, "1", "uncore cycles",
                    "Cycles of one address phase (arbitration, address, snoop): the bus orders at "
                    "most one request per this many cycles.",
                    int_range(1, 64)));
  p.push_back(param("bus.response_jitter", ParamType::Int, "0", "uncore cycles",
                    "Timing variation on the split bus (bus.transactions: split): each data response "
                    "(from memory or a cache) may go on the data bus a random 0 to this many cycles "
                    "after its data is ready, drawn from `seed` per response, so responses for "
                    "different lines overtake one another (those for one line keep their request "
                    "order). `cohsim stress` varies it; 0 = off.",
                    int_range(0, 100000)));
  p.push_back(param("bus.request_jitter", ParamType::Int, "0", "uncore cycles",
                    "Timing variation on the split bus (bus.transactions: split): each request "
                    "(GetS, GetM, PutM, update) reaches the address bus's arbiter a random 0 to this "
                    "many cycles after its cache makes it, drawn from `seed` per request, never "
                    "before the same cache's earlier requests; so a writeback can be ordered after "
                    "the data of a request that took its line. `cohsim stress` varies it; 0 = off.",
                    int_range(0, 100000)));
  p.push_back(param("bus.writeback_delay", ParamType::Int, "0", "uncore cycles",
                    "A slow writeback path on the split bus (bus.transactions: split): each PutM "
                    "(MOESI's writeback from O too, and a clean victim for an exclusive L3) reaches the "
                    "address bus's arbiter this many cycles after its cache makes it, while the cache's later requests go ahead of it (the "
                    "writeback buffer drains on its own path); so a writeback is ordered after "
                    "requests that took its line, and after their data. Only the core "
                    "bus.writeback_delay_core names, or every core. `cohsim stress` varies it; 0 = off.",
                    int_range(0, 100000)));
  p.push_back(param("bus.writeback_delay_core", ParamType::Int, "-1", "",
                    "The core whose writebacks bus.writeback_delay slows (0 .. cores-1), or -1: every core's.",
                    int_range(-1, 255)));
  p.push_back(choice("bus.arbitration", "round_robin", "arbitration policy", "bus.arbitration",
                     "Who gets the bus next: round_robin over the requesters, or fifo (oldest "
                     "request first)."));

  p.push_back(choice("memory.model", "fixed", "memory model", "memory.model",
                     "fixed = a fixed latency and a bandwidth limit (memory.latency, memory.bandwidth); "
                     "dram = DRAM channels, banks and timing with a scheduling controller (the dram "
                     "section)."));
  p.push_back(param("memory.latency", ParamType::Latency, "60ns", "",
                    "memory.model fixed: latency of a memory access, from request to data. Cycles "
                    "count the uncore clock.",
                    latency_range(1000000, kMs, "1ms")));
  p.push_back(param("memory.bandwidth", ParamType::Bandwidth, "25.6GB/s", "",
                    "memory.model fixed: peak bandwidth; requests beyond it queue.", bandwidth_range()));

  p.push_back(choice("dram.preset", "DDR4-3200", "DRAM preset", "dram.preset",
                     "JEDEC speed bin and device the organisation and timing start from; every field "
                     "below can override it (docs/dram.md lists the values and their sources)."));
  p.push_back(param("dram.channels", ParamType::Int, "1", "channels",
                    "Independent channels, each with its own controller queues and data bus; a power "
                    "of two.",
                    {"power of two, 1..64", [](const ParamValue& v) {
                       bool ok = v.integer >= 1 && v.integer <= 64 && (v.integer & (v.integer - 1)) == 0;
                       return ok ? std::string() : "must be a power of two, 1..64, got " + v.text;
                     }}));
  p.push_back(param("dram.tCK", ParamType::Latency, "0ns", "",
                    "Clock period (the data rate is two transfers per clock); 0ns = the preset's.",
                    {"a time, 0ns..100ns; 0ns = preset", [](const ParamValue& v) {
                       if (v.latency.in_cycles) return std::string("give a time such as 0.625ns, not cycles");
                       return v.latency.value <= 100 * kNs ? std::string() : "must be 0ns..100ns, got " + v.text;
                     }}));
  // The organisation and timing fields, from the DRAM model's one list of them.
  for (const PluginInfo& f : plugin_infos("dram.field"))
    p.push_back(param("dram." + f.name, ParamType::Int, "0", f.unit,
                      std::string(1, char(std::toupper(static_cast<unsigned char>(f.description[0])))) +
                          f.description.substr(1) + "; 0 = the preset's.",
                      int_range(0, 1000000)));
  p.push_back(choice("dram.mapping", "ro_ra_ba_co_bg_ch", "address mapping", "dram.mapping",
                     "How a line address splits into row, rank, bank, column, bank group and channel, "
                     "most significant first; _xor hashes the bank bits with the row (docs/dram.md)."));
  p.push_back(choice("dram.page_policy", "open", "page policy", "dram.page_policy",
                     "open: a row stays open until another row of its bank is needed; closed: every "
                     "access auto-precharges; adaptive: an access auto-precharges unless a queued "
                     "request wants the same row."));
  p.push_back(choice("dram.scheduler", "frfcfs", "scheduler", "dram.scheduler",
                     "fcfs: the oldest request whose next command is ready, requests to one bank in "
                     "order; frfcfs: ready row hits first, then the oldest ready request."));
  p.push_back(param("dram.frontend_latency", ParamType::Latency, "0ns", "",
                    "Static pipeline latency of the controller's front end (gem5's "
                    "static_frontend_latency, 10ns there): added to every request before it "
                    "reaches the controller's queues. 0 = none (the DRAM timing alone). Cycles count "
                    "the uncore clock.",
                    latency_range(10000, 10 * kUs, "10us", true)));
  p.push_back(param("dram.backend_latency", ParamType::Latency, "0ns", "",
                    "Static pipeline latency of the controller's back end and PHY (gem5's "
                    "static_backend_latency, 10ns there): added to every read's data after the "
                    "DRAM's burst ends. 0 = none. Cycles count the uncore clock.",
                    latency_range(10000, 10 * kUs, "10us", true)));
  p.push_back(param("dram.read_queue", ParamType::Int, "32", "entries",
                    "Read queue of each channel's controller; requests beyond it wait.", int_range(1, 4096)));
  p.push_back(param("dram.write_queue", ParamType::Int, "32", "entries",
                    "Write queue of each channel's controller (writes are posted).", int_range(1, 4096)));
  p.push_back(param("dram.write_high", ParamType::Int, "24", "entries",
                    "Write-drain high watermark: at this many queued writes the controller serves "
                    "writes instead of reads (also whenever no read waits).",
                    int_range(1, 4096)));
  p.push_back(param("dram.write_low", ParamType::Int, "8", "entries",
                    "Write-drain low watermark: draining stops at this many queued writes.", int_range(0, 4095)));
  p.push_back(param("dram.refresh", ParamType::Bool, "true", "",
                    "Refresh every rank once per tREFI (all-bank REF, the rank blocked for tRFC)."));
  p.push_back(param("dram.read_forwarding", ParamType::Bool, "true", "",
                    "A read of a line with a queued write is answered from the write queue one DRAM "
                    "clock after it enters, with no DRAM access (as real controllers, gem5 and "
                    "DRAMsim3 do); false: it waits for its own RD."));
  p.push_back(param("dram.read_merging", ParamType::Bool, "true", "",
                    "A read of a line with a queued read (and no queued write) takes that read's "
                    "burst; false: each read has its own RD. Behind caches whose MSHRs merge misses "
                    "it rarely applies."));
  p.push_back(param("dram.write_merging", ParamType::Bool, "true", "",
                    "A write of a line with a queued write replaces that write's data (write "
                    "combining in the write queue); false: every write has its own WR."));

  // Virtual memory (cpu/mmu/). Off by default: addresses are then physical.
  p.push_back(param("vm.enabled", ParamType::Bool, "false", "",
                    "Translate the trace's addresses as virtual addresses: TLBs, page tables in "
                    "simulated memory, a walker whose PTE loads go through the caches, page faults. "
                    "false: trace addresses are physical and the dtlb, stlb and other vm keys are unused."));
  p.push_back(choice("vm.format", "auto", "page-table format", "vm.format",
                     "Page-table format: auto = the ISA's usual one (x86: x86-4level, arm: arm-4k, "
                     "riscv: sv39); x86-4level/x86-5level need isa x86, arm-4k isa arm, sv39/sv48 isa riscv."));
  p.push_back(choice("vm.thp", "never", "THP policy", "vm.thp",
                     "Transparent huge pages: always = map every aligned 2 MiB block that lies inside one "
                     "region (or outside all regions) with a 2 MiB page; never = 4 KiB pages unless a "
                     "region says otherwise."));
  p.push_back(param("vm.regions", ParamType::String, "", "",
                    "Regions of the address space with their permissions and page size, comma-separated "
                    "START+SIZE:PERM[:PAGE], e.g. `0x100000+64KiB:ro, 0x40000000+1GiB:rw:1GiB`; PERM rw, ro "
                    "or none, PAGE 4KiB, 2MiB or 1GiB (START and SIZE multiples of it). An access a region "
                    "does not allow stops the run naming the trace line. Addresses outside every region "
                    "are rw.",
                    {"START+SIZE:PERM[:PAGE], ...", nullptr}));  // checked by the rule in cpu/mmu/address_space.cpp
  p.push_back(param("vm.fault_latency", ParamType::Latency, "1us", "",
                    "Time the OS takes to handle a page fault (allocate and clear a frame) before the "
                    "faulting core writes the new entries. Cycles count core.frequency.",
                    latency_range(10000000, 10 * kMs, "10ms", true)));
  p.push_back(param("vm.pwc_entries", ParamType::Int, "32", "entries",
                    "Page-walk cache: non-leaf entries kept per core (fully associative, LRU) so a walk "
                    "can skip the upper levels; 0 = none.",
                    int_range(0, 4096)));
  p.push_back(choice("vm.placement", "first_touch", "placement policy", "vm.placement",
                     "Which memory node a new frame goes to: first_touch (the faulting core's node), "
                     "interleave (page number mod nodes) or bind (vm.bind_node); the nodes are the "
                     "NUMA nodes (numa.nodes)."));
  p.push_back(param("vm.bind_node", ParamType::Int, "0", "node", "The node of vm.placement: bind.", int_range(0, 63)));
  p.push_back(param("vm.memory_size", ParamType::Size, "16GiB", "",
                    "Physical memory, from address 0, that frames for pages and page tables come from.",
                    {"multiple of 1GiB, 1GiB..1TiB", [](const ParamValue& v) {
                       const std::uint64_t g = std::uint64_t(1) << 30;
                       return v.bytes % g == 0 && v.bytes >= g && v.bytes <= (g << 10)
                                  ? std::string()
                                  : "must be a multiple of 1GiB from 1GiB to 1TiB, got " + v.text;
                     }}));

  auto tlb = [&](const std::string& level, const char* entries, const char* assoc, const char* latency,
                 const std::string& what, const std::string& latency_text) {
    p.push_back(param(level + ".entries", ParamType::Int, entries, "entries",
                      what + " entries (4 KiB, 2 MiB and 1 GiB translations share them).", int_range(1, 1 << 20)));
    p.push_back(param(level + ".assoc", ParamType::Int, assoc, "ways",
                      "Associativity; entries / assoc (the number of sets) must be a power of two. LRU.",
                      int_range(1, 1 << 20)));
    p.push_back(param(level + ".latency", ParamType::Latency, latency, "", latency_text,
                      latency_range(1000, kUs, "1us", true)));
  };
  tlb("dtlb", "64", "4", "0cycles", "Each core's L1 data TLB:",
      "Cycles a dTLB hit adds before the access starts; 0 = looked up in parallel with the L1D's "
      "set index (a virtually indexed, physically tagged L1D). Cycles count core.frequency.");
  tlb("stlb", "1536", "12", "7cycles", "Each core's second-level TLB:",
      "Added to a dTLB miss that hits (or misses) in the STLB. Cycles count core.frequency.");
  return p;
}

}  // namespace

const std::vector<SectionSpec>& config_sections() {
  static const std::vector<SectionSpec> s = {
      {"", "System-wide settings.", false, true},
      {"core", "Each core (all cores are identical).", false, true},
      {"l1d", "Private level-1 data cache, one per core. It cannot be null: every core needs one.", false, true},
      {"l1i",
       "Private level-1 instruction cache, one per core, above a private L2 (l1i.size: 0, the default: not "
       "modelled).",
       false, true},
      {"l2",
       "Level-2 cache, private to each core or shared by all. `l2: null` removes the level; a "
       "mapping gets the defaults for the keys it omits.",
       true, true},
      {"l3",
       "Level-3 cache, always shared by all cores. `l3: null` removes the level; a mapping gets "
       "the defaults for the keys it omits.",
       true, true},
      {"coherence", "How the private caches are kept coherent.", false, true},
      {"uncore", "The clock domain outside the cores.", false, true},
      {"bus", "The snooping bus (coherence.fabric: bus).", false, true},
      {"directory", "The directory at the shared last level (coherence.fabric: directory).", false, true},
      {"network", "The crossbar network between the caches and the directory (coherence.fabric: directory).", false,
       true},
      {"numa", "NUMA nodes and the links between them (coherence.fabric: directory).", false, true},
      {"memory", "Main memory: a fixed-latency, bandwidth-limited model or DRAM (memory.model).", false, true},
      {"dram",
       "DRAM below the caches when memory.model is dram: a preset's organisation and timing, each "
       "field overridable, and the controller (docs/dram.md).",
       false, true},
      {"vm",
       "Virtual memory (`vm.enabled: true`): page tables in the ISA's format, a page-fault handler "
       "allocating frames on first touch, regions with permissions.",
       false, true},
      {"dtlb", "Each core's L1 data TLB (used when vm.enabled).", false, true},
      {"stlb", "Each core's second-level TLB (used when vm.enabled). `stlb: null` removes it: a dTLB miss walks.", true,
       true},
  };
  return s;
}

const std::vector<ParamSpec>& config_params() {
  static const std::vector<ParamSpec> p = declare_params();
  return p;
}

}  // namespace cohsim
