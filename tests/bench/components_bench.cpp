// Microbenchmarks of the per-access hot paths, without the SystemC kernel:
//   build/tests/components_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "coherence/cache_array.hpp"
#include "coherence/replacement.hpp"
#include "cpu/mmu/tlb.hpp"
#include "cpu/races/race_finder.hpp"
#include "cpu/trace/trace.hpp"
#include "cpu/trace/trace_convert.hpp"

using namespace cohsim;

static void BM_CacheArrayLookupHit(benchmark::State& state) {
  CacheArray a({32768, 8, 64}, "lru", 1);
  std::vector<std::uint8_t> line(64, 0);
  for (LineAddr l = 0; l < 512; ++l) a.fill(l, a.choose_way(l), 1, line.data());
  LineAddr l = 0;
  for (auto _ : state) {
    int w = a.find(l);
    a.touch(l, unsigned(w));
    benchmark::DoNotOptimize(w);
    l = (l + 7) & 511;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheArrayLookupHit);

static void BM_ReplacementVictim(benchmark::State& state, const char* policy) {
  auto p = make_replacement(policy, ReplacementParams{64, 16, 6, 1});
  unsigned s = 0;
  for (auto _ : state) {
    unsigned v = p->victim(s);
    p->fill(s, v, LineAddr(s), 0x400000 + s * 4);
    benchmark::DoNotOptimize(v);
    s = (s + 1) & 63;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ReplacementVictim, lru, "lru");
BENCHMARK_CAPTURE(BM_ReplacementVictim, plru, "plru");
BENCHMARK_CAPTURE(BM_ReplacementVictim, random, "random");
BENCHMARK_CAPTURE(BM_ReplacementVictim, srrip, "srrip");
BENCHMARK_CAPTURE(BM_ReplacementVictim, brrip, "brrip");
BENCHMARK_CAPTURE(BM_ReplacementVictim, drrip, "drrip");
BENCHMARK_CAPTURE(BM_ReplacementVictim, ship, "ship");

// A dTLB lookup (64 entries, 4 ways, LRU), the per-access cost of virtual memory:
// hits over 48 pages, a different page each time; the same with a 2 MiB entry
// present too (a second probe); a stream, 56 bytes at a time (the page of the previous
// lookup 72 times in 73); misses.
static void BM_TlbLookup(benchmark::State& state, int kind) {
  Tlb tlb(64, 4);
  const unsigned pages = kind == 2 ? 4096 : 48;
  for (Addr p = 0; p < 48; ++p) tlb.insert(0x10000000 + p * 4096, TlbEntry{p * 4096, 12, true});
  if (kind == 1) tlb.insert(0x7fe00000, TlbEntry{0x200000, 21, true});
  Addr i = 0;
  std::uint64_t hits = 0;
  for (auto _ : state) {
    const Addr va = kind == 3 ? 0x10000000 + (i * 8) % (48 * 4096) : 0x10000000 + (i % pages) * 4096 + (i * 8 & 0xff8);
    const TlbEntry* e = tlb.lookup(va);
    hits += e != nullptr;
    benchmark::DoNotOptimize(e);
    i += 7;
  }
  state.counters["hit_rate"] = double(hits) / double(state.iterations());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_TlbLookup, hit_4KiB, 0);
BENCHMARK_CAPTURE(BM_TlbLookup, hit_4KiB_and_2MiB_in_use, 1);
BENCHMARK_CAPTURE(BM_TlbLookup, hit_stream, 3);
BENCHMARK_CAPTURE(BM_TlbLookup, miss, 2);

// Reading a 1-million-op trace, text and binary.
static const std::string& trace_file(bool binary) {
  static std::string text, bin;
  if (text.empty()) {
    text = "/tmp/cohsim_components_bench.trace";
    bin = "/tmp/cohsim_components_bench.bin";
    std::ofstream f(text);
    f << "thread 0\n";
    for (int i = 0; i < 1000000; ++i)
      f << (i % 4 == 3 ? "store " : "load ") << 0x100000 + (i * 8) % 65536 << (i % 4 == 3 ? " 7\n" : " -> r0\n");
    f.close();
    convert_trace(text, bin);
  }
  return binary ? bin : text;
}

static void BM_TraceRead(benchmark::State& state, bool binary) {
  const std::string& path = trace_file(binary);
  std::uint64_t ops = 0;
  for (auto _ : state) {
    auto t = Trace::open(path);
    auto s = t->stream(0);
    Op op;
    while (s->next(op)) ++ops;
  }
  state.SetItemsProcessed(std::int64_t(ops));
}
BENCHMARK_CAPTURE(BM_TraceRead, text, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TraceRead, binary, true)->Unit(benchmark::kMillisecond);

// The race finder on a race-free stream: 4 threads, private data, a Release/Acquire
// flag and a SeqCst counter (the events the simulator's observer would send).
static void BM_RaceFinder(benchmark::State& state) {
  constexpr int kThreads = 4;
  std::uint64_t events = 0;
  for (auto _ : state) {
    RaceFinder f(kThreads);
    for (int i = 0; i < 50000; ++i)
      for (int t = 0; t < kThreads; ++t) {
        AccessEvent e{};
        e.thread = t, e.line = std::uint32_t(i + 1), e.size = 8, e.wrote = true, e.order = Ordering::Plain;
        switch (i % 5) {
          case 0: e.kind = AccessEvent::Store, e.addr = 0x100000 + Addr(t) * 0x100000 + Addr(i % 4096) * 8; break;
          case 1: e.kind = AccessEvent::Load, e.addr = 0x100000 + Addr(t) * 0x100000 + Addr(i % 4096) * 8; break;
          case 2: e.kind = AccessEvent::Rmw, e.addr = 0x10000, e.order = Ordering::SeqCst; break;
          case 3: e.kind = AccessEvent::Store, e.addr = 0x10040 + Addr(t) * 8, e.order = Ordering::Release; break;
          default:
            e.kind = AccessEvent::Load, e.addr = 0x10040 + Addr((t + 1) % kThreads) * 8, e.order = Ordering::Acquire;
        }
        f.on_access(e);
        ++events;
      }
    benchmark::DoNotOptimize(f.races().size());
  }
  state.SetItemsProcessed(std::int64_t(events));
}
BENCHMARK(BM_RaceFinder)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
