#include "sim/base/stats.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace cohsim {

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
  for (auto& [k, p] : new_counters_) counters_[k] = p;
  for (auto& [k, f] : new_derived_) derived_[k] = std::move(f);
  new_counters_.clear();
  new_derived_.clear();
}

std::map<std::string, double> Stats::values() const {
  sort();
  std::map<std::string, double> v;
  for (auto& [k, p] : counters_) v[k] = double(*p);
  for (auto& [k, x] : fixed_) v[k] = double(x);
  for (auto& [k, x] : real_) v[k] = x;
  for (auto& [k, f] : derived_) v[k] = f();
  return v;
}

std::uint64_t Stats::get(const std::string& name) const {
  for (auto it = new_counters_.rbegin(); it != new_counters_.rend(); ++it)
    if (it->first == name) return *it->second;
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

std::string Stats::to_json() const {
  std::ostringstream o;
  o << "{\n";
  bool first = true;
  for (auto& [k, v] : values()) {
    o << (first ? "" : ",\n") << "  \"" << json_escape(k) << "\": ";
    // counters and fixed values are integers; print them exactly
    if (counters_.count(k)) o << *counters_.at(k);
    else if (fixed_.count(k)) o << fixed_.at(k);
    else o << format_double(v);
    first = false;
  }
  for (auto& [k, h] : hists_) {
    o << (first ? "" : ",\n") << "  \"" << json_escape(k) << "\": {\"count\": " << h->count
      << ", \"mean\": " << format_double(h->mean()) << ", \"max\": " << h->max << ", \"buckets\": {";
    bool f2 = true;
    for (std::size_t b = 0; b < h->buckets.size(); ++b) {
      if (!h->buckets[b]) continue;
      std::uint64_t lo = b == 0 ? 0 : (std::uint64_t(1) << b), hi = b == 0 ? 1 : (std::uint64_t(2) << b) - 1;
      o << (f2 ? "" : ", ") << "\"" << lo << "-" << hi << "\": " << h->buckets[b];
      f2 = false;
    }
    o << "}}";
    first = false;
  }
  o << "\n}\n";
  return o.str();
}

}  // namespace cohsim
