// Statistics. Components keep plain integer counters as members (the hot path only
// increments them) and register them here once, under hierarchical names
// ("core0.l1d.load_hits"). Derived figures (hit rates, AMAT, ...) are computed at
// the end from the counters. Output: JSON for scripts, a table for people.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace cohsim {

// A histogram with power-of-two buckets: [0,1], [2,3], [4,7], [8,15], ...
struct Histogram {
  std::vector<std::uint64_t> buckets = std::vector<std::uint64_t>(24, 0);
  std::uint64_t count = 0, sum = 0, max = 0;
  void add(std::uint64_t v) {
    const unsigned log2 = v > 1 ? 63u - unsigned(__builtin_clzll(v)) : 0u;  // [2^b, 2^(b+1)) is bucket b
    const unsigned last = unsigned(buckets.size()) - 1;
    ++buckets[log2 < last ? log2 : last];
    ++count;
    sum += v;
    if (v > max) max = v;
  }
  double mean() const { return count ? double(sum) / double(count) : 0.0; }
  std::uint64_t percentile(double p) const;  // upper bound of the bucket holding it
};

class Stats {
 public:
  // Registration only appends (a system registers hundreds of names, and a litmus run
  // reads five of them); the sorted maps are built on the first query that needs them.
  // A name registered again replaces the earlier one.
  void counter(const std::string& name, const std::uint64_t* value) { new_counters_.emplace_back(name, value); }
  void derived(const std::string& name, std::function<double()> f) { new_derived_.emplace_back(name, std::move(f)); }
  void histogram(const std::string& name, const Histogram* h) { hists_[name] = h; }
  // A value fixed at the end of the run (final register values, cycles, ...).
  void set(const std::string& name, std::uint64_t v) { fixed_[name] = v; }
  void set_real(const std::string& name, double v) { real_[name] = v; }

  // Every statistic, flattened: counters, fixed values and derived figures.
  std::map<std::string, double> values() const;
  std::uint64_t get(const std::string& name) const;  // counter or fixed value; 0 if absent (no sorting)
  bool has(const std::string& name) const;
  // The registered counters whose names contain `part` (a live view, for components
  // that watch other components' counters while the run goes: the stress tester).
  std::vector<std::pair<std::string, const std::uint64_t*>> counters_containing(const std::string& part) const;
  std::string to_json() const;  // sorted keys, deterministic formatting
  const std::map<std::string, const Histogram*>& histograms() const { return hists_; }

 private:
  void sort() const;  // moves the new registrations into the maps

  mutable std::vector<std::pair<std::string, const std::uint64_t*>> new_counters_;
  mutable std::vector<std::pair<std::string, std::function<double()>>> new_derived_;
  mutable std::map<std::string, const std::uint64_t*> counters_;
  std::map<std::string, std::uint64_t> fixed_;
  std::map<std::string, double> real_;
  mutable std::map<std::string, std::function<double()>> derived_;
  std::map<std::string, const Histogram*> hists_;
};

std::string json_escape(const std::string& s);
std::string format_double(double v);  // shortest round-trippable, no locale

}  // namespace cohsim
