// Statistics. Components keep plain integer counters as members (the hot path only
// increments them) and register them here once, under hierarchical names
// ("core0.l1d.load_hits"). Derived figures (hit rates, AMAT, ...) are computed at
// the end from the counters. Output: JSON for scripts, a table for people.
//
// Every statistic is declared once, beside the code that registers it, with its unit,
// its clock domain when it counts cycles, and a one-line description; registration
// takes the declaration, so a statistic cannot exist without one:
//
//   COHSIM_STAT(kL1Hits, "core*.l*.hits", "count", "", "accesses that found their line");
//   ...
//   s.counter(kL1Hits, p + ".hits", &hits_);
//
// A pattern names a family of statistics: its dot-separated parts match the name's
// parts one for one, `*` inside a part matches any characters but a dot, `{a,b}` either
// alternative, and a part in
// brackets (`[node*.]memory.reads`) may be absent. docs/stats.md, `cohsim stats docs`,
// `--stats-schema` and Python's Result.describe() come from the declarations.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
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

// A statistic's declaration (COHSIM_STAT). `unit` is one of stat_units(); `clock` is
// "core", "uncore" or "dram" exactly when the unit is "cycles" (or a histogram of
// cycles), else "".
struct StatDecl {
  const char* pattern;
  const char* unit;
  const char* clock;
  const char* description;
  const char* file;  // where it is declared (the docs and the messages name it)
};

// Adds a declaration to the list of every declaration (static initialisation).
const StatDecl& declare_stat(const StatDecl& d);
// Every declaration, in pattern order.
std::vector<const StatDecl*> stat_declarations();
// The units a declaration may use, with what they mean.
const std::vector<std::pair<std::string, std::string>>& stat_units();
// True when `name` is one of the names `pattern` describes.
bool stat_pattern_matches(const std::string& pattern, const std::string& name);
// The declaration whose pattern matches `name` (the most literal one when several do); nullptr if none.
const StatDecl* find_stat_declaration(const std::string& name);
// docs/stats.md: every declaration as a markdown table, grouped by file.
std::string stats_reference_markdown();
// Every declaration as JSON: {"pattern": {"unit", "clock", "description"}, ...}.
std::string stats_schema_json();

#define COHSIM_STAT_CAT2(a, b) a##b
#define COHSIM_STAT_CAT(a, b) COHSIM_STAT_CAT2(a, b)
#define COHSIM_STAT(var, pattern, unit, clock, description)                                          \
  static const ::cohsim::StatDecl COHSIM_STAT_CAT(var, _decl_){pattern, unit, clock, description, __FILE__}; \
  [[maybe_unused]] static const ::cohsim::StatDecl& var = ::cohsim::declare_stat(COHSIM_STAT_CAT(var, _decl_))

class Stats {
 public:
  // Registration only appends (a system registers hundreds of names, and a litmus run
  // reads five of them); the sorted maps are built on the first query that needs them.
  // A name registered again replaces the earlier one.
  // Each takes the statistic's declaration (COHSIM_STAT).
  void counter(const StatDecl& d, const std::string& name, const std::uint64_t* value) {
    new_counters_.push_back({name, value, &d});
  }
  // A derived figure that returns NaN (or a real set to NaN) is absent from values() and
  // the JSON: it has no meaning in this run (AMAT without a load), which 0.0 would hide.
  void derived(const StatDecl& d, const std::string& name, std::function<double()> f) {
    new_derived_.push_back({name, std::move(f), &d});
  }
  void histogram(const StatDecl& d, const std::string& name, const Histogram* h) {
    hists_[name] = h;
    decls_[name] = &d;
  }
  // A value fixed at the end of the run (final register values, cycles, ...).
  void set(const StatDecl& d, const std::string& name, std::uint64_t v) {
    fixed_[name] = v;
    decls_[name] = &d;
  }
  void set_real(const StatDecl& d, const std::string& name, double v) {
    real_[name] = v;
    decls_[name] = &d;
  }
  // Registration without a declaration does not compile; this says what to write.
  template <class... A>
  void counter(const std::string&, A&&...) {
    static_assert(sizeof...(A) == 0 && false,
                  "declare the statistic beside its registration: COHSIM_STAT(kStatName, \"pattern.with_*\", "
                  "\"count\", \"\", \"one-line description\"); then s.counter(kStatName, name, &value) (docs/stats.md)");
  }
  template <class... A>
  void derived(const std::string&, A&&...) {
    static_assert(sizeof...(A) == 0 && false,
                  "declare the statistic beside its registration: COHSIM_STAT(kStatName, \"pattern.with_*\", "
                  "\"count\", \"\", \"one-line description\"); then s.derived(kStatName, name, f) (docs/stats.md)");
  }
  // The declaration a statistic was registered with; nullptr for an unknown name.
  const StatDecl* declaration(const std::string& name) const;
  // Every registered name with its declaration (histograms included).
  std::map<std::string, const StatDecl*> declarations() const;

  // Every statistic, flattened: counters, fixed values and derived figures.
  std::map<std::string, double> values() const;
  std::uint64_t get(const std::string& name) const;  // counter or fixed value; 0 if absent (no sorting)
  bool has(const std::string& name) const;
  // The registered counters whose names contain `part` (a live view, for components
  // that watch other components' counters while the run goes: the stress tester).
  std::vector<std::pair<std::string, const std::uint64_t*>> counters_containing(const std::string& part) const;
  // Sorted keys, deterministic formatting. With `schema`, a last member "_meta" gives each
  // statistic's declaration: {"NAME": {"pattern", "unit", "clock", "description"}}.
  std::string to_json(bool schema = false) const;
  // The same as a JSON object (nlohmann-json, members in that order), to which a caller
  // adds "_provenance" before writing it with dump_stats_json().
  nlohmann::ordered_json to_json_object(bool schema = false) const;
  const std::map<std::string, const Histogram*>& histograms() const { return hists_; }
  // The region of interest's end: from now on every counter, derived figure and
  // histogram reports the value it has at this call (set() and set_real() still write).
  void freeze();
  bool frozen() const { return frozen_; }

 private:
  void sort() const;  // moves the new registrations into the maps

  struct NewCounter {
    std::string name;
    const std::uint64_t* value;
    const StatDecl* decl;
  };
  struct NewDerived {
    std::string name;
    std::function<double()> f;
    const StatDecl* decl;
  };
  mutable std::vector<NewCounter> new_counters_;
  mutable std::vector<NewDerived> new_derived_;
  mutable std::map<std::string, const StatDecl*> decls_;
  mutable std::map<std::string, const std::uint64_t*> counters_;
  std::map<std::string, std::uint64_t> fixed_;
  std::map<std::string, double> real_;
  mutable std::map<std::string, std::function<double()>> derived_;
  std::map<std::string, const Histogram*> hists_;
  // freeze(): the counters' and histograms' values (map nodes: their addresses are stable).
  std::map<std::string, std::uint64_t> frozen_counts_;
  std::map<std::string, Histogram> frozen_hists_;
  bool frozen_ = false;
};

// The statistics JSON's text: one member per line (indent 2), histograms and
// "_provenance" nested, a final newline. Counts are integers, other figures reals.
std::string dump_stats_json(const nlohmann::ordered_json& j);

std::string json_escape(const std::string& s);
std::string format_double(double v);  // shortest round-trippable, no locale

}  // namespace cohsim
