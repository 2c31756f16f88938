#include "sim/base/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cohsim {

namespace {

std::vector<const StatDecl*>& decl_list() {
  static std::vector<const StatDecl*> v;
  return v;
}

// `*` matches any run of characters (the part holds no dot).
bool glob(const char* p, const char* pe, const char* s, const char* se) {
  while (p != pe) {
    if (*p == '*') {
      for (const char* t = se; t >= s; --t)
        if (glob(p + 1, pe, t, se)) return true;
      return false;
    }
    if (s == se || *p != *s) return false;
    ++p, ++s;
  }
  return s == se;
}

// The plain patterns a pattern stands for: each bracketed part present or absent, each
// alternative of a braced list.
void expand(const std::string& pattern, std::vector<std::string>& out) {
  if (const std::size_t brace = pattern.find('{'); brace != std::string::npos) {
    const std::size_t close = pattern.find('}', brace);
    const std::string head = pattern.substr(0, brace), tail = pattern.substr(close + 1);
    std::size_t b = brace + 1;
    for (;;) {
      const std::size_t e = std::min(pattern.find(',', b), close);
      expand(head + pattern.substr(b, e - b) + tail, out);
      if (e == close) return;
      b = e + 1;
    }
  }
  const std::size_t open = pattern.find('[');
  if (open == std::string::npos) {
    out.push_back(pattern);
    return;
  }
  const std::size_t close = pattern.find(']', open);
  const std::string head = pattern.substr(0, open), tail = pattern.substr(close + 1);
  expand(head + tail, out);
  expand(head + pattern.substr(open + 1, close - open - 1) + tail, out);
}

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t b = 0;
  for (;;) {
    const std::size_t e = s.find('.', b);
    parts.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) return parts;
    b = e + 1;
  }
}

// The source path from the project's root ("coherence/private_cache.cpp").
std::string source_path(const char* file) {
  std::string f = file;
  std::size_t best = std::string::npos;
  for (const char* root : {"/sim/", "/coherence/", "/cpu/", "/python/", "/tests/"}) {
    const std::size_t at = f.rfind(root);
    if (at != std::string::npos && (best == std::string::npos || at > best)) best = at;
  }
  return best == std::string::npos ? f : f.substr(best + 1);
}

std::vector<const StatDecl*> by_file() {
  std::vector<const StatDecl*> v = decl_list();
  std::stable_sort(v.begin(), v.end(),
                   [](const StatDecl* a, const StatDecl* b) { return source_path(a->file) < source_path(b->file); });
  return v;
}

}  // namespace

const StatDecl& declare_stat(const StatDecl& d) {
  decl_list().push_back(&d);
  return d;
}

std::vector<const StatDecl*> stat_declarations() { return by_file(); }

const std::vector<std::pair<std::string, std::string>>& stat_units() {
  static const std::vector<std::pair<std::string, std::string>> units = {
      {"count", "events counted (an integer)"},
      {"cycles", "clock cycles of the domain in the clock column (core, uncore or DRAM)"},
      {"ns", "nanoseconds of simulated time"},
      {"ps", "picoseconds of simulated time"},
      {"fs", "femtoseconds of simulated time (SystemC's resolution)"},
      {"bytes", "bytes"},
      {"GBps", "10^9 bytes per second of simulated time"},
      {"ratio", "a fraction between 0 and 1"},
      {"per_1000_ops", "events per 1000 trace operations"},
      {"per_1000_instructions", "events per 1000 instructions retired (core*.instructions, as the lowering counts them)"},
      {"instructions_per_cycle", "instructions retired per core clock cycle"},
      {"cycles_per_instruction", "core clock cycles per instruction retired"},
      {"lines", "cache lines (time-weighted mean over the run)"},
      {"value", "a 64-bit value held by the simulated program"},
      {"flag", "0 or 1"},
      {"entries", "entries of a structure: a sparse directory's (its peak: the most in use at once), a network buffer's (a peak, or a time-weighted mean)"},
  };
  return units;
}

bool stat_pattern_matches(const std::string& pattern, const std::string& name) {
  std::vector<std::string> plain;
  expand(pattern, plain);
  const std::vector<std::string> n = split_dots(name);
  for (const std::string& p : plain) {
    const std::vector<std::string> parts = split_dots(p);
    if (parts.size() != n.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; ok && i < parts.size(); ++i)
      ok = glob(parts[i].data(), parts[i].data() + parts[i].size(), n[i].data(), n[i].data() + n[i].size());
    if (ok) return true;
  }
  return false;
}

const StatDecl* find_stat_declaration(const std::string& name) {
  const StatDecl* best = nullptr;
  std::size_t best_literal = 0;
  for (const StatDecl* d : decl_list()) {
    if (!stat_pattern_matches(d->pattern, name)) continue;
    const std::size_t literal = std::strlen(d->pattern) - std::size_t(std::count(d->pattern, d->pattern + std::strlen(d->pattern), '*'));
    if (!best || literal > best_literal) best = d, best_literal = literal;
  }
  return best;
}

std::string stats_reference_markdown() {
  std::ostringstream o;
  o << "# Statistics reference\n\n"
       "Generated by `cohsim stats docs` from the declarations beside the code that counts\n"
       "(`COHSIM_STAT` in each file below); do not edit by hand. A test fails when this file\n"
       "is stale: regenerate it with `build/cohsim stats docs > docs/stats.md`.\n\n"
       "A pattern's dot-separated parts match a name's parts one for one; `*` matches\n"
       "any characters within a part (`core*` is `core0`, `core1`, ...; `l*` is `l1d`, `l1i` or\n"
       "`l2`), `{a,b}` is either, and a bracketed part may be absent (`[node*.]memory.reads` is\n"
       "`memory.reads` or `node1.memory.reads`). `cohsim run --stats-schema` adds the\n"
       "declarations to the statistics JSON (`\"_meta\"`); in Python,\n"
       "`result.describe(\"core0.l1d.hits\")`.\n\n"
       "In the JSON, counts are integers and other figures reals. `\"_advice\"` (with\n"
       "`advice: true`, the default) is not a statistic but the sharing advisor's report: the\n"
       "costliest lines with coherence misses, named (docs/advice.md), and the resources more\n"
       "than 90% busy. The last member,\n"
       "`\"_provenance\"`, is not a statistic but what produced the file (version, commit, seed,\n"
       "configuration, trace path, size and hash, host time: README \"Statistics\"). Statistics\n"
       "every N core cycles: `cohsim run --stats-interval N` (JSON lines).\n\n"
       "Warm-up and region of interest (`cohsim run --warmup N`, trace markers `roi begin` /\n"
       "`roi end`; README \"Warm-up and region of interest\"): every statistic below is then\n"
       "of the measured window, from the last reset to the first `roi end` or the end of the\n"
       "run (`window.start_cycle`, `window.end_cycle`): counts since the reset, and cycles,\n"
       "time, rates, means and utilisations over the window. Cache and TLB contents, DRAM\n"
       "rows and the page table (`vm.*`) are not reset.\n\n"
       "Units:\n\n";
  for (auto& [u, what] : stat_units()) o << "- `" << u << "`: " << what << "\n";
  o << "\nClock domains (for cycles): `core` is the core clock (`core.frequency`), `uncore` the\n"
       "caches' and fabric's clock (`uncore.frequency`), `dram` the DRAM command clock (tCK).\n";
  std::string file;
  for (const StatDecl* d : by_file()) {
    const std::string f = source_path(d->file);
    if (f != file) {
      file = f;
      o << "\n## `" << f << "`\n\n| statistic | unit | clock | description |\n| --- | --- | --- | --- |\n";
    }
    o << "| `" << d->pattern << "` | " << d->unit << " | " << d->clock << " | " << d->description << " |\n";
  }
  return o.str();
}

std::string stats_schema_json() {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const StatDecl* d : by_file())
    j[d->pattern] = {{"unit", d->unit}, {"clock", d->clock}, {"description", d->description},
                     {"file", source_path(d->file)}};
  return j.dump(1);
}

std::uint64_t Histogram::percentile(double p) const {
  if (count == 0) return 0;
  std::uint64_t target = std::uint64_t(std::ceil(p * double(count)));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    seen += buckets[b];
    if (seen >= target) return b == 0 ? 1 : (std::uint64_t(2) << b) - 1;
  }
  return max;
}

void Stats::sort() const {
  for (auto& c : new_counters_) counters_[c.name] = c.value, decls_[c.name] = c.decl;
  for (auto& d : new_derived_) derived_[d.name] = std::move(d.f), decls_[d.name] = d.decl;
  new_counters_.clear();
  new_derived_.clear();
}

const StatDecl* Stats::declaration(const std::string& name) const {
  sort();
  auto it = decls_.find(name);
  return it == decls_.end() ? nullptr : it->second;
}

std::map<std::string, const StatDecl*> Stats::declarations() const {
  sort();
  return decls_;
}

void Stats::freeze() {
  sort();
  for (auto& [k, p] : counters_) {
    std::uint64_t& v = frozen_counts_[k];
    v = *p;
    p = &v;
  }
  for (auto& [k, f] : derived_) {
    const double v = f();
    f = [v] { return v; };
  }
  for (auto& [k, h] : hists_) {
    Histogram& copy = frozen_hists_[k];
    copy = *h;
    h = &copy;
  }
  frozen_ = true;
}

std::map<std::string, double> Stats::values() const {
  sort();
  std::map<std::string, double> v;
  for (auto& [k, p] : counters_) v[k] = double(*p);
  for (auto& [k, x] : fixed_) v[k] = double(x);
  for (auto& [k, x] : real_)
    if (!std::isnan(x)) v[k] = x;
  for (auto& [k, f] : derived_)
    if (const double x = f(); !std::isnan(x)) v[k] = x;  // NaN: not defined in this run, absent
  return v;
}

std::uint64_t Stats::get(const std::string& name) const {
  for (auto it = new_counters_.rbegin(); it != new_counters_.rend(); ++it)
    if (it->name == name) return *it->value;
  if (auto it = counters_.find(name); it != counters_.end()) return *it->second;
  if (auto it = fixed_.find(name); it != fixed_.end()) return it->second;
  return 0;
}

std::vector<std::pair<std::string, const std::uint64_t*>> Stats::counters_containing(const std::string& part) const {
  sort();
  std::vector<std::pair<std::string, const std::uint64_t*>> out;
  for (const auto& [k, v] : counters_)
    if (k.find(part) != std::string::npos) out.emplace_back(k, v);
  return out;
}

bool Stats::has(const std::string& name) const {
  sort();
  return counters_.count(name) || fixed_.count(name) || real_.count(name) || derived_.count(name);
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += c;
    else if (c == '\n') o += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else o += c;
  }
  return o;
}

std::string format_double(double v) {
  if (std::isnan(v) || std::isinf(v)) return "null";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

namespace {

// A real figure as the statistics JSON carries it: six significant digits (what the
// summary and the references have always shown) unless whole (then exact), written by
// nlohmann-json as a real ("3.0", never "3"); NaN and infinity, which JSON cannot hold,
// as null.
nlohmann::ordered_json real_value(double v) {
  if (std::isnan(v) || std::isinf(v)) return nullptr;
  if (v == std::floor(v) && std::fabs(v) < 1e15) return v;  // whole: exact ("1201728.0")
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return std::strtod(buf, nullptr);
}

// A derived figure declared as a count (unit count, bytes, value or flag) is written as an
// integer when it is one (memory.row_hits: 0, not 0.0).
bool integral_unit(const std::map<std::string, const StatDecl*>& decls, const std::string& name) {
  auto it = decls.find(name);
  if (it == decls.end() || !it->second) return false;
  const std::string u = it->second->unit;
  return u == "count" || u == "bytes" || u == "value" || u == "flag";
}

}  // namespace

nlohmann::ordered_json Stats::to_json_object(bool schema) const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (auto& [k, v] : values()) {
    // counters and fixed values are integers (unsigned, exact); the rest are reals
    if (auto c = counters_.find(k); c != counters_.end()) j[k] = *c->second;
    else if (auto f = fixed_.find(k); f != fixed_.end()) j[k] = f->second;
    else if (integral_unit(decls_, k) && v == std::floor(v) && v >= 0 && v < 1.8e19) j[k] = std::uint64_t(v);
    else j[k] = real_value(v);
  }
  for (auto& [k, h] : hists_) {
    nlohmann::ordered_json buckets = nlohmann::ordered_json::object();
    for (std::size_t b = 0; b < h->buckets.size(); ++b) {
      if (!h->buckets[b]) continue;
      const std::uint64_t lo = b == 0 ? 0 : (std::uint64_t(1) << b), hi = b == 0 ? 1 : (std::uint64_t(2) << b) - 1;
      buckets[std::to_string(lo) + "-" + std::to_string(hi)] = h->buckets[b];
    }
    j[k] = {{"count", h->count}, {"mean", real_value(h->mean())}, {"max", h->max}, {"buckets", std::move(buckets)}};
  }
  if (schema) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (auto& [k, d] : declarations())
      meta[k] = {{"pattern", d->pattern}, {"unit", d->unit}, {"clock", d->clock}, {"description", d->description}};
    j["_meta"] = std::move(meta);
  }
  return j;
}

std::string Stats::to_json(bool schema) const { return dump_stats_json(to_json_object(schema)); }

std::string dump_stats_json(const nlohmann::ordered_json& j) { return j.dump(2) + "\n"; }

}  // namespace cohsim
