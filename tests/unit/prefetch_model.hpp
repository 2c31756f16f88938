// A cache of unbounded size with instant fills around one level's prefetchers, for the
// prefetchers' plain-class tests: demand misses, prefetches issued and prefetched lines
// a demand access used, counted as a student would by hand.
#pragma once
#include <memory>
#include <set>
#include <string>

#include "coherence/prefetcher.hpp"

namespace cohsim::test {

struct PrefetchModel {
  std::vector<std::unique_ptr<Prefetcher>> pf;
  std::set<LineAddr> present, unused;
  unsigned misses = 0, issued = 0, useful = 0;
  std::vector<LineAddr> proposed;  // every proposal, in order

  explicit PrefetchModel(const std::string& names, unsigned degree = 1, unsigned distance = 1) {
    PrefetcherParams p;
    p.degree = degree;
    p.distance = distance;
    pf = make_prefetchers(names, p);
  }
  void access(LineAddr line, std::uint64_t pc = 0) {
    PrefetchTrigger k = PrefetchTrigger::Hit;
    if (!present.count(line)) {
      ++misses;
      k = PrefetchTrigger::Miss;
      present.insert(line);
      for (auto& p : pf) p->on_fill(line, false);
    } else if (unused.erase(line)) {
      ++useful;
      k = PrefetchTrigger::PrefetchedHit;
    }
    PrefetchCandidates c;
    for (auto& p : pf) p->on_access(line, pc, k, c);
    for (unsigned i = 0; i < c.n; ++i) {
      proposed.push_back(c.line[i]);
      if (present.count(c.line[i])) continue;  // the controller drops it
      ++issued;
      present.insert(c.line[i]);
      unused.insert(c.line[i]);
      for (auto& p : pf) p->on_fill(c.line[i], true);
    }
  }
};

}  // namespace cohsim::test
