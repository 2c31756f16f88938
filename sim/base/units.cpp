#include "sim/base/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "sim/base/error.hpp"

namespace cohsim {

namespace {

struct Unit {
  const char* name;
  double scale;
};

// A number as written ("1_000", "25.6", "-3") followed by a unit ("GB/s", "", "KiB").
struct Quantity {
  std::string written;  // the number as the user wrote it, for suggestions
  std::string number;   // the same without `_` separators, for strtod
  bool negative = false;
  bool fraction = false;
  std::string unit;
};

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Digits with `_` separators between them; advances `i`, appends the digits to `out`.
bool scan_digits(const std::string& t, std::size_t& i, std::string& out) {
  if (i >= t.size() || !is_digit(t[i])) return false;
  while (i < t.size() && (is_digit(t[i]) || (t[i] == '_' && i + 1 < t.size() && is_digit(t[i + 1])))) {
    if (t[i] != '_') out += t[i];
    ++i;
  }
  return true;
}

bool split_quantity(const std::string& text, Quantity& q) {
  std::string t = trim(text);
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    q.negative = t[i] == '-';
    if (q.negative) q.number += '-';
    ++i;
  }
  if (!scan_digits(t, i, q.number)) return false;
  if (i < t.size() && t[i] == '.') {
    ++i;
    q.number += '.';
    q.fraction = true;
    if (!scan_digits(t, i, q.number)) return false;
  }
  q.written = t.substr(0, i);
  while (i < t.size() && t[i] == ' ') ++i;
  q.unit = t.substr(i);
  return true;
}

bool iequal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

const Unit* find_unit(const std::vector<Unit>& units, const std::string& name) {
  for (const auto& u : units)
    if (name == u.name) return &u;
  return nullptr;
}

// The valid unit the user most likely meant: same letters in another case, or the
// nearest by edit distance; "" when nothing is close.
std::string suggest_unit(const std::vector<Unit>& units, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& u : units) {
    if (iequal(name, u.name)) return u.name;
    if (*u.name) names.push_back(u.name);
  }
  return nearest(name, names);
}

[[noreturn]] void bad(const char* what, const std::string& text, const std::string& why) {
  throw UserError(std::string("bad ") + what + " '" + text + "': " + why);
}

// The unit of `q`, or a UserError that suggests the nearest valid one.
const Unit& unit_of(const char* what, const std::string& text, const Quantity& q, const std::vector<Unit>& units,
                    const std::string& forms) {
  if (const Unit* u = find_unit(units, q.unit)) return *u;
  if (q.unit.empty()) bad(what, text, "a unit is missing; " + forms);
  std::string s = suggest_unit(units, q.unit);
  if (!s.empty()) bad(what, text, "unknown unit '" + q.unit + "' — did you mean " + q.written + s + "?");
  bad(what, text, "unknown unit '" + q.unit + "'; " + forms);
}

// `value` written in `scale` units with the fewest decimals that read back exactly
// as `value` (the parsers compute strtod(number) * scale).
std::string shortest(double value, double scale) {
  char buf[64];
  for (int decimals = 0; decimals <= 17; ++decimals) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value / scale);
    if (std::strtod(buf, nullptr) * scale == value) return buf;
  }
  return buf;
}

// The largest unit not above `value`, and `value` written in it.
std::string format_in(double value, const std::vector<Unit>& units_largest_first) {
  for (const auto& u : units_largest_first)
    if (std::fabs(value) >= u.scale) return shortest(value, u.scale) + u.name;
  const Unit& smallest = units_largest_first.back();
  return shortest(value, smallest.scale) + smallest.name;
}

const std::vector<Unit>& size_units() {
  static const std::vector<Unit> u = {{"", 1},
                                      {"B", 1},
                                      {"KiB", 1024.0},
                                      {"MiB", 1024.0 * 1024},
                                      {"GiB", 1024.0 * 1024 * 1024},
                                      {"TiB", 1024.0 * 1024 * 1024 * 1024}};
  return u;
}

const std::vector<Unit>& frequency_units() {
  static const std::vector<Unit> u = {{"GHz", 1e9}, {"MHz", 1e6}, {"kHz", 1e3}, {"Hz", 1}};
  return u;
}

// In femtoseconds.
const std::vector<Unit>& time_units() {
  static const std::vector<Unit> u = {{"s", 1e15}, {"ms", 1e12}, {"us", 1e9}, {"ns", 1e6}, {"ps", 1e3}, {"fs", 1}};
  return u;
}

const std::vector<Unit>& decimal_bandwidth_units() {
  static const std::vector<Unit> u = {{"TB/s", 1e12}, {"GB/s", 1e9}, {"MB/s", 1e6}, {"kB/s", 1e3}, {"B/s", 1}};
  return u;
}

const std::vector<Unit>& binary_bandwidth_units() {
  static const std::vector<Unit> u = {{"TiB/s", 1024.0 * 1024 * 1024 * 1024},
                                      {"GiB/s", 1024.0 * 1024 * 1024},
                                      {"MiB/s", 1024.0 * 1024},
                                      {"KiB/s", 1024.0},
                                      {"B/s", 1}};
  return u;
}

}  // namespace

Tick Latency::to_ticks(Tick clock_period) const {
  double fs = in_cycles ? value * static_cast<double>(clock_period) : value;
  return static_cast<Tick>(std::llround(fs));
}

std::uint64_t parse_size(const std::string& text) {
  const std::string forms =
      "valid forms are a whole number of bytes with an optional unit B, KiB, MiB, GiB or TiB "
      "(e.g. 64, 64B, 32KiB, 1MiB)";
  Quantity q;
  if (!split_quantity(text, q)) bad("size", text, forms);
  // Decimal-looking units are ambiguous (1000 or 1024?): ask for the binary one.
  static const std::vector<std::pair<std::vector<std::string>, std::string>> ambiguous = {
      {{"K", "k", "KB", "kB", "kb", "Kb"}, "KiB (1024 bytes)"},
      {{"M", "m", "MB", "mB", "mb", "Mb"}, "MiB (1024 KiB)"},
      {{"G", "g", "GB", "gB", "gb", "Gb"}, "GiB (1024 MiB)"},
      {{"T", "t", "TB", "tB", "tb", "Tb"}, "TiB (1024 GiB)"}};
  for (const auto& [spellings, binary] : ambiguous)
    for (const auto& s : spellings)
      if (q.unit == s) bad("size", text, "use " + binary + " — did you mean " + q.written + binary.substr(0, 3) + "?");
  const Unit& unit = unit_of("size", text, q, size_units(), forms);
  if (q.negative) bad("size", text, "a size cannot be negative");
  const auto scale = static_cast<std::uint64_t>(unit.scale);
  if (q.fraction) {
    double bytes = std::strtod(q.number.c_str(), nullptr) * unit.scale;
    if (bytes != std::floor(bytes)) bad("size", text, "not a whole number of bytes");
    if (bytes >= 9.0e15) bad("size", text, "too large");
    return static_cast<std::uint64_t>(bytes);
  }
  std::uint64_t n = 0;
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  for (char c : q.number) {
    auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (max - d) / 10) bad("size", text, "too large");
    n = n * 10 + d;
  }
  if (scale != 0 && n > max / scale) bad("size", text, "too large");
  return n * scale;
}

double parse_frequency(const std::string& text) {
  const std::string forms = "valid forms are a number with Hz, kHz, MHz or GHz (e.g. 3GHz, 2.4GHz, 800MHz)";
  Quantity q;
  if (!split_quantity(text, q)) bad("frequency", text, forms);
  const Unit& unit = unit_of("frequency", text, q, frequency_units(), forms);
  double hz = std::strtod(q.number.c_str(), nullptr) * unit.scale;
  if (!(hz > 0) || !std::isfinite(hz)) bad("frequency", text, "a frequency must be greater than zero");
  return hz;
}

Tick period_ticks(double hz) { return static_cast<Tick>(std::llround(1e15 / hz)); }

Latency parse_latency(const std::string& text) {
  const std::string forms =
      "valid forms are a time with ps, ns, us or ms (e.g. 14ns, 500ps, 1.5us) or a whole number of "
      "cycles of the component's clock (e.g. 40cycles, 1cycle)";
  Quantity q;
  if (!split_quantity(text, q)) bad("latency", text, forms);
  std::vector<Unit> units = time_units();
  units.push_back({"µs", 1e9});
  units.push_back({"cycles", 0});
  units.push_back({"cycle", 0});
  const Unit& unit = unit_of("latency", text, q, units, forms);
  if (q.negative) bad("latency", text, "a latency cannot be negative");
  double number = std::strtod(q.number.c_str(), nullptr);
  Latency l;
  if (unit.scale == 0) {
    if (number != std::floor(number)) bad("latency", text, "cycles must be a whole number");
    l.in_cycles = true;
    l.value = number;
  } else {
    l.value = number * unit.scale;
  }
  if (!std::isfinite(l.value)) bad("latency", text, "too large");
  return l;
}

double parse_bandwidth(const std::string& text) {
  const std::string forms =
      "valid forms are bytes per second with B/s, kB/s, MB/s, GB/s, TB/s (powers of 1000) or KiB/s, "
      "MiB/s, GiB/s, TiB/s (powers of 1024), e.g. 25.6GB/s, 19.2GiB/s, 800MB/s";
  Quantity q;
  if (!split_quantity(text, q)) bad("bandwidth", text, forms);
  const std::string& u = q.unit;
  bool bits = u.find("bps") != std::string::npos || u.find("bit") != std::string::npos ||
              (u.size() >= 3 && u.compare(u.size() - 3, 3, "b/s") == 0);
  if (bits) bad("bandwidth", text, "give bytes per second (B/s), not bits; " + forms);
  std::vector<Unit> units = decimal_bandwidth_units();
  units.push_back({"KB/s", 1e3});
  for (const auto& b : binary_bandwidth_units()) units.push_back(b);
  const Unit& unit = unit_of("bandwidth", text, q, units, forms);
  double bps = std::strtod(q.number.c_str(), nullptr) * unit.scale;
  if (!(bps > 0) || !std::isfinite(bps)) bad("bandwidth", text, "a bandwidth must be greater than zero");
  return bps;
}

std::int64_t parse_integer(const std::string& text) {
  const std::string forms = "expected a whole number such as 16, -3 or 1_000_000";
  Quantity q;
  if (!split_quantity(text, q) || q.fraction || !q.unit.empty()) bad("integer", text, forms);
  std::uint64_t n = 0;
  const std::uint64_t limit =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (q.negative ? 1 : 0);
  for (char c : q.number) {
    if (c == '-') continue;
    auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (limit - d) / 10) bad("integer", text, "out of the 64-bit range");
    n = n * 10 + d;
  }
  if (q.negative) return n == 0 ? 0 : -static_cast<std::int64_t>(n - 1) - 1;
  return static_cast<std::int64_t>(n);
}

bool parse_bool(const std::string& text) {
  std::string t = trim(text);
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  bad("boolean", text, "expected true or false");
}

std::string format_size(std::uint64_t bytes) {
  static const std::vector<std::pair<const char*, int>> units = {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}};
  if (bytes != 0)
    for (const auto& [name, shift] : units)
      if (bytes % (std::uint64_t{1} << shift) == 0) return std::to_string(bytes >> shift) + name;
  return std::to_string(bytes) + "B";
}

std::string format_frequency(double hz) { return format_in(hz, frequency_units()); }

std::string format_latency(const Latency& l) {
  if (l.in_cycles) return shortest(l.value, 1) + (l.value == 1 ? "cycle" : "cycles");
  if (l.value == 0) return "0ns";
  return format_in(l.value, time_units());
}

std::string format_bandwidth(double bytes_per_s) {
  std::string decimal = format_in(bytes_per_s, decimal_bandwidth_units());
  std::string binary = format_in(bytes_per_s, binary_bandwidth_units());
  return binary.size() < decimal.size() ? binary : decimal;
}

}  // namespace cohsim
