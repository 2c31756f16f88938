#include "sim/cli/dram_command.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sim/config/config.hpp"
#include "sim/memory/dram/dram_config.hpp"
#include "sim/memory/dram/dram_stats.hpp"
#include "sim/memory/dram/dram_stream.hpp"
#include "sim/base/error.hpp"

namespace po = boost::program_options;

namespace cohsim {

namespace {

const char* kSynopsis =
    "cohsim dram CONFIG [--pattern seq|random|mix | --file FILE] [--requests N] [--writes P] [--gap CYCLES]\n"
    "                   [--seed S] [--set KEY=VALUE]... [--json]";

}  // namespace

int run_dram_command(const std::vector<std::string>& args) {
  po::options_description d("options");
  d.add_options()("help,h", "explain the options")(
      "pattern,p", po::value<std::string>()->default_value("seq"),
      "generated stream: seq (consecutive lines), random (uniform over the capacity), mix (half sequential, half "
      "random)")("file,f", po::value<std::string>(),
                 "requests from a file instead: `R|W ADDRESS [CYCLE]` or `ADDRESS READ|WRITE CYCLE` per line")(
      "requests,n", po::value<unsigned long long>()->default_value(1000000), "generated requests")(
      "writes,w", po::value<double>(), "share of writes in a generated stream (default 0, mix 0.3)")(
      "gap,g", po::value<unsigned long long>()->default_value(0),
      "generated: request i arrives at cycle i x GAP; 0 = whenever the controller has room")(
      "seed", po::value<unsigned long long>()->default_value(1), "seed of the generated stream")(
      "set,s", po::value<std::vector<std::string>>()->composing(), "override a key: --set dram.preset=DDR5-4800")(
      "json", "print every statistic as JSON");
  po::options_description all;
  all.add(d);
  all.add_options()("config", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: " << kSynopsis << "\n\n"
              << "Runs a DRAM-only request stream through the config's dram section (memory.model is not\n"
                 "needed) and prints row hits, latency, bandwidth and the host speed in requests/s.\n\n"
              << d << "\n";
    return 0;
  }
  po::notify(vm);
  if (!vm.count("config")) throw po::error(std::string("missing CONFIG\nusage: ") + kSynopsis);
  Config cfg = Config::load(vm["config"].as<std::string>());
  if (vm.count("set"))
    for (auto& s : vm["set"].as<std::vector<std::string>>()) cfg.set_assignment(s);
  DramControllerParams p = dram_params(cfg);
  DramController ctl(p);

  const std::string pattern = vm["pattern"].as<std::string>();
  std::unique_ptr<DramRequestSource> src;
  std::string what;
  if (vm.count("file")) {
    src = file_stream(vm["file"].as<std::string>(), p.timing.burst_bytes());
    what = vm["file"].as<std::string>();
  } else {
    if (pattern != "seq" && pattern != "random" && pattern != "mix")
      throw UserError("--pattern " + pattern + ": valid patterns are seq, random, mix");
    double writes = vm.count("writes") ? vm["writes"].as<double>() : pattern == "mix" ? 0.3 : 0.0;
    if (!(writes >= 0 && writes <= 1)) throw UserError("--writes must be between 0 and 1");
    src = generated_stream(pattern, vm["requests"].as<unsigned long long>(), dram_capacity_lines(p), writes,
                           vm["gap"].as<unsigned long long>(), vm["seed"].as<unsigned long long>());
    what = pattern + " stream";
  }
  const std::uint64_t window = std::uint64_t(p.read_queue + p.write_queue) * p.channels;
  const auto start = std::chrono::steady_clock::now();
  const DramStreamResult r = run_dram_stream(ctl, *src, window);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::uint64_t elapsed = r.end_cycle - r.first_cycle;
  Stats stats;
  register_dram_stats(stats, "memory", ctl, &elapsed);
  stats.set("memory.requests", r.requests);
  stats.set("memory.reads", r.reads);
  stats.set("memory.writes", r.writes);
  stats.set("memory.cycles", elapsed);
  stats.set_real("memory.time_ns", double(elapsed) * p.timing.tCK_ps / 1000.0);
  if (vm.count("json")) {
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
  }
  std::fprintf(stderr, "host: %.3f s, %.2f million requests per second\n", wall,
               wall > 0 ? double(r.requests) / wall / 1e6 : 0.0);
  return 0;
}

}  // namespace cohsim
