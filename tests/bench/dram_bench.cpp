// The DRAM controller engine alone, without SystemC: requests per host second for a
// saturating stream of each pattern on one DDR4-3200 channel (open page, FR-FCFS,
// refresh on), and for the same stream with FCFS.
//   build/tests/dram_bench
#include <benchmark/benchmark.h>

#include "sim/memory/dram/dram_controller.hpp"
#include "sim/memory/dram/dram_stream.hpp"

using namespace cohsim;

static void BM_DramStream(benchmark::State& state, const char* pattern, DramScheduler sched, double writes) {
  DramControllerParams p;
  p.timing = *find_dram_preset("DDR4-3200");
  p.scheduler = sched;
  const std::uint64_t n = std::uint64_t(state.range(0));
  double share = 0;
  for (auto _ : state) {
    DramController c(p);
    auto src = generated_stream(pattern, n, dram_capacity_lines(p), writes, 0, 1);
    const DramStreamResult r = run_dram_stream(c, *src, p.read_queue + p.write_queue);
    share = double(c.channels()[0].data_cycles()) / double(r.end_cycle - r.first_cycle);
    benchmark::DoNotOptimize(r.end_cycle);
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(n));
  state.counters["data_bus_busy"] = share;  // the modelled channel's share of its peak
}
BENCHMARK_CAPTURE(BM_DramStream, seq, "seq", DramScheduler::FrFcfs, 0.0)->Arg(200000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramStream, random, "random", DramScheduler::FrFcfs, 0.0)
    ->Arg(200000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramStream, mix, "mix", DramScheduler::FrFcfs, 0.3)->Arg(200000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DramStream, mix_fcfs, "mix", DramScheduler::Fcfs, 0.3)->Arg(200000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
