#include "sim/cli/dram_command.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/config/config.hpp"
#include "sim/memory/dram/dram_config.hpp"
#include "sim/memory/dram/dram_stats.hpp"
#include "sim/memory/dram/dram_stream.hpp"

namespace po = boost::program_options;

namespace cohsim {

// Statistics of `cohsim dram` (docs/stats.md), beside the controller's own.
COHSIM_STAT(kStatRequests, "memory.requests", "count", "", "`cohsim dram`: requests in the stream");
COHSIM_STAT(kStatReads, "memory.reads", "count", "", "`cohsim dram`: reads in the stream");
COHSIM_STAT(kStatWrites, "memory.writes", "count", "", "`cohsim dram`: writes in the stream");
COHSIM_STAT(kStatCycles, "memory.dram_cycles", "cycles", "dram", "`cohsim dram`: DRAM cycles from the first request's arrival to the end of the last");
COHSIM_STAT(kStatTime, "memory.time_ns", "ns", "", "`cohsim dram`: the same span in nanoseconds");

namespace {

const char* kSynopsis =
    "cohsim dram CONFIG [--pattern seq|random|mix | --file FILE] [--requests N] [--writes P] [--gap CYCLES]\n"
    "                   [--seed S] [--set KEY=VALUE]... [--json]";

}  // namespace

int run_dram_command(const std::vector<std::string>& args) {
  CommandLine cl(kSynopsis,
                 "Runs a DRAM-only request stream through the config's dram section (memory.model is not\n"
                 "needed) and prints row hits, latency, bandwidth and the host speed in requests/s.");
  cl.options()("pattern,p", po::value<std::string>()->default_value("seq"),
               "generated stream: seq (consecutive lines), random (uniform over the capacity), mix (half "
               "sequential, half random)")(
      "file,f", po::value<std::string>(),
      "requests from a file instead: `R|W ADDRESS [CYCLE]` or `ADDRESS READ|WRITE CYCLE` per line")(
      "requests,n", count_value(1000000), "generated requests")(
      "writes,w", po::value<double>(), "share of writes in a generated stream (default 0, mix 0.3)")(
      "gap,g", count_value(0), "generated: request i arrives at cycle i x GAP; 0 = whenever the controller has room")(
      "seed", count_value(1), "seed of the generated stream");
  cl.add_set("dram.preset=DDR5-4800");
  cl.add_json("print every statistic as JSON");
  cl.positional("config");
  if (!cl.parse(args)) return 0;
  // Request i arrives at cycle i x GAP: the last one's cycle must fit in 64 bits (and
  // leave room for the controller's own timing on top).
  const std::uint64_t requests = cl.count("requests", 1);
  const std::uint64_t gap = cl.count("gap");
  const std::uint64_t kMaxCycle = std::uint64_t(1) << 62;
  if (gap && requests - 1 > kMaxCycle / gap)
    throw UsageError("--gap " + std::to_string(gap) + " with --requests " + std::to_string(requests) +
                     ": the last request would arrive after cycle 2^62; give a smaller gap or fewer requests");
  Config cfg = cl.config();
  DramControllerParams p = dram_params(cfg);
  DramController ctl(p);

  const std::string pattern = cl.str("pattern");
  std::unique_ptr<DramRequestSource> src;
  std::string what;
  if (cl.has("file")) {
    src = file_stream(cl.str("file"), p.timing.burst_bytes());
    what = cl.str("file");
  } else {
    if (pattern != "seq" && pattern != "random" && pattern != "mix")
      throw UserError("--pattern " + pattern + ": valid patterns are seq, random, mix");
    double writes = cl.has("writes") ? cl.vm()["writes"].as<double>() : pattern == "mix" ? 0.3 : 0.0;
    if (!(writes >= 0 && writes <= 1)) throw UserError("--writes must be between 0 and 1");
    src = generated_stream(pattern, requests, dram_capacity_lines(p), writes, gap, cl.count("seed"));
    what = pattern + " stream";
  }
  const std::uint64_t window = std::uint64_t(p.read_queue + p.write_queue) * p.channels;
  const auto start = std::chrono::steady_clock::now();
  const DramStreamResult r = run_dram_stream(ctl, *src, window);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::uint64_t elapsed = r.end_cycle - r.first_cycle;
  Stats stats;
  register_dram_stats(stats, "memory", ctl, &elapsed);
  stats.set(kStatRequests, "memory.requests", r.requests);
  stats.set(kStatReads, "memory.reads", r.reads);
  stats.set(kStatWrites, "memory.writes", r.writes);
  stats.set(kStatCycles, "memory.dram_cycles", elapsed);
  stats.set_real(kStatTime, "memory.time_ns", double(elapsed) * p.timing.tCK_ps / 1000.0);
  if (cl.json()) {
    std::cout << stats.to_json() << "\n";
  } else {
    const auto v = stats.values();
    auto get = [&](const std::string& k) { return v.at("memory." + k); };
    std::printf("cohsim dram: %s, %u channel(s) x %u rank(s), %s page, %s, mapping %s\n", p.timing.name.c_str(),
                p.channels, p.timing.ranks, cfg.choice("dram.page_policy").c_str(),
                cfg.choice("dram.scheduler").c_str(), p.mapping.c_str());
    std::printf("%s: %llu requests (%llu reads, %llu writes) in %llu DRAM cycles (%.1f us)\n", what.c_str(),
                (unsigned long long)r.requests, (unsigned long long)r.reads, (unsigned long long)r.writes,
                (unsigned long long)elapsed, get("time_ns") / 1000.0);
    const double all = get("row_hits") + get("row_misses") + get("row_conflicts");
    auto pct = [&](double x) { return all > 0 ? 100.0 * x / all : 0.0; };
    std::printf("rows: %.0f hits (%.1f%%), %.0f misses (%.1f%%), %.0f conflicts (%.1f%%)\n", get("row_hits"),
                pct(get("row_hits")), get("row_misses"), pct(get("row_misses")), get("row_conflicts"),
                pct(get("row_conflicts")));
    std::printf("bandwidth: %.2f GB/s of a %.2f GB/s peak (%.1f%%)\n", get("bandwidth_GBps"), get("peak_GBps"),
                100.0 * get("bandwidth_utilization"));
    std::printf("read latency: mean %.1f ns, p50 %.1f, p95 %.1f, p99 %.1f, max %.1f\n", get("read_latency_ns"),
                get("read_latency_p50_ns"), get("read_latency_p95_ns"), get("read_latency_p99_ns"),
                get("read_latency_max_ns"));
    std::printf("refresh: %.0f REFs, %.1f ns of rank stalls; %.0f write drains\n", get("refreshes"),
                get("refresh_stall_ns"), get("write_drains"));
    std::printf("queued lines: %.0f reads answered from the write queue, %.0f reads merged, %.0f writes merged\n",
                get("forwarded_reads"), get("merged_reads"), get("merged_writes"));
  }
  std::fprintf(stderr, "host: %.3f s, %.2f million requests per second\n", wall,
               wall > 0 ? double(r.requests) / wall / 1e6 : 0.0);
  return 0;
}

COHSIM_REGISTER(command_registry, "dram", "a DRAM-only request stream",
                Command{{{"dram CONFIG",
                          "a DRAM-only request stream through the config's DRAM: row hits, latency, bandwidth"}},
                        run_dram_command},
                7);

}  // namespace cohsim
