// Values with units, as a user writes them in YAML or on the command line: sizes
// (`32KiB`), frequencies (`3GHz`), latencies (`14ns` or `40cycles`), bandwidths
// (`25.6GB/s`), integers (`1_000`) and booleans. Each parser throws a UserError whose
// message quotes the bad text and lists the valid forms; the caller prefixes the
// file, line and key. Each format_* writes the canonical text, which parses back to
// exactly the same value (`config show` and the round trip of a config rely on it).
#pragma once
#include <cstdint>
#include <string>

#include "sim/base/types.hpp"

namespace cohsim {

// A latency is a time or a number of cycles of the clock of the component it
// belongs to; the component resolves it with its own clock period.
struct Latency {
  bool in_cycles = false;
  double value = 0;  // cycles when in_cycles, else femtoseconds
  Tick to_ticks(Tick clock_period) const;
  bool operator==(const Latency& o) const { return in_cycles == o.in_cycles && value == o.value; }
  bool operator!=(const Latency& o) const { return !(*this == o); }
};

// `64`, `64B`, `32KiB`, `1MiB`, `2GiB`, `1TiB`, `1.5MiB` → bytes. `KB`, `MB`, `GB` are
// rejected as ambiguous (use KiB, MiB, GiB).
std::uint64_t parse_size(const std::string& text);

// `3GHz`, `2.4GHz`, `800MHz`, `100kHz`, `1Hz` → hertz (> 0).
double parse_frequency(const std::string& text);

// The period of a clock of `hz` hertz, in femtoseconds, rounded to nearest.
Tick period_ticks(double hz);

// `14ns`, `500ps`, `1.5us`, `2ms`, `40cycles`, `1cycle` (cycles are whole numbers).
Latency parse_latency(const std::string& text);

// `25.6GB/s`, `800MB/s`, `19.2GiB/s`, `100kB/s`, `64B/s` → bytes per second (> 0).
// Decimal units are powers of 1000 here (the bandwidth convention), binary units
// powers of 1024.
double parse_bandwidth(const std::string& text);

// `16`, `-3`, `1_000_000` → a 64-bit signed integer.
std::int64_t parse_integer(const std::string& text);

// `true` or `false`.
bool parse_bool(const std::string& text);

std::string format_size(std::uint64_t bytes);      // 32768 → "32KiB", 100 → "100B"
std::string format_frequency(double hz);           // 3e9 → "3GHz"
std::string format_latency(const Latency& l);      // "4cycles", "1cycle", "60ns", "500ps"
std::string format_bandwidth(double bytes_per_s);  // 25.6e9 → "25.6GB/s"

}  // namespace cohsim
