// Hardware prefetchers: plain classes with one small hook, tested without SystemC.
// A prefetcher watches the demand accesses of one cache level (`on_access`) and
// proposes lines to fetch; the cache controller (private_cache.cpp) drops a proposal
// whose line is present or already in flight, or when no MSHR is free, and sends the
// rest through the protocol as Prefetch requests. A new prefetcher is one file in
// coherence/prefetch/ that registers itself with COHSIM_REGISTER(prefetcher_registry,
// ...); the configuration's `l1d.prefetcher` / `l2.prefetcher` / `l3.prefetcher` lists
// take their names from that registry (the L3's controller is shared_cache.cpp: it
// reads a proposal from memory into a free MSHR, keeping one for demand).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/base/registry.hpp"
#include "sim/base/types.hpp"

namespace cohsim {

// How the demand access that trains a prefetcher fared at its level: a miss, a hit,
// or the first demand hit on a line a prefetch brought (a "prefetched hit": the
// trigger Best-Offset and the next-line prefetcher learn from, like a miss).
enum class PrefetchTrigger : std::uint8_t { Miss, Hit, PrefetchedHit };

// The lines one access proposes, without allocating: at most kMax, the rest dropped.
struct PrefetchCandidates {
  static constexpr unsigned kMax = 32;
  LineAddr line[kMax];
  unsigned n = 0;
  void add(LineAddr l) {
    if (n < kMax) line[n++] = l;
  }
};

// What every prefetcher of a level is built with (the level's declared keys).
struct PrefetcherParams {
  unsigned line_shift = 6;  // log2 of the line size
  unsigned degree = 1;      // lines proposed per trigger
  unsigned distance = 1;    // how many lines ahead of the trigger the first proposal is (stream)
  std::uint64_t seed = 0;
};

// Prefetchers never cross a 4 KiB page: the next page of a virtual address need not be
// the next physical page, and a cache sees physical addresses.
constexpr unsigned kPrefetchPageBytes = 4096;
inline LineAddr prefetch_page_of(LineAddr line, unsigned line_shift) { return line >> (12 - line_shift); }
inline bool same_prefetch_page(LineAddr a, LineAddr b, unsigned line_shift) {
  return prefetch_page_of(a, line_shift) == prefetch_page_of(b, line_shift);
}

// The program counter of a memory access, as the prefetchers see it: the op's PC
// when the trace carries one (`pc=` in text traces, the importers: L1Port::access_pc()),
// else the trace line (or binary record index) of the memory operation: in a
// hand-written trace every operation is its own static instruction, and a loop written
// out as a trace repeats it on other lines, so use a trace generated from a loop body
// or one that carries PCs (see "Prefetchers" in docs/architecture.md).
inline std::uint64_t access_pc(std::uint64_t pc, std::uint32_t trace_line) { return pc ? pc : trace_line; }

class Prefetcher {
 public:
  virtual ~Prefetcher() = default;
  // A demand access to `line` by the instruction at `pc`; appends proposals to `out`.
  virtual void on_access(LineAddr line, std::uint64_t pc, PrefetchTrigger trigger, PrefetchCandidates& out) = 0;
  // A line was filled at this level; `prefetched`: by one of this level's prefetches.
  virtual void on_fill(LineAddr line, bool prefetched) {
    (void)line;
    (void)prefetched;
  }
};

using PrefetcherFactory = std::function<std::unique_ptr<Prefetcher>(const PrefetcherParams&)>;
Registry<PrefetcherFactory>& prefetcher_registry();  // kind "prefetcher"

// The prefetchers named in a level's `prefetcher` key ("none", "next_line",
// "next_line,stream"), in order: the names a list value holds, without "none".
std::vector<std::string> prefetcher_list(const std::string& value);
std::vector<std::unique_ptr<Prefetcher>> make_prefetchers(const std::string& value, const PrefetcherParams& p);

}  // namespace cohsim
