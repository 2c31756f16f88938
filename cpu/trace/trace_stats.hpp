// `cohsim trace stats FILE`: what a trace contains (operations by thread, kind and
// ordering) and how much memory it touches, as a table or as JSON for scripts.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/trace/trace.hpp"

namespace cohsim {

struct TraceStats {
  std::string path;
  std::string format;  // "text", "binary", "din"
  unsigned threads = 0;
  unsigned line_size = 64;
  unsigned page_size = 4096;
  std::uint64_t ops = 0;
  std::vector<std::uint64_t> ops_per_thread;
  std::vector<std::uint64_t> lines_per_thread;  // distinct data lines each thread touches
  std::array<std::uint64_t, kNumOpKinds> by_kind{};
  // Orderings of the memory operations and fences (compute and ifetch excluded);
  // by_ordering[Plain] counts the non-atomic loads and stores.
  std::array<std::uint64_t, kNumOrderings> by_ordering{};
  std::uint64_t compute_cycles = 0;
  std::uint64_t lines = 0;         // distinct data lines (loads, stores, read-modify-writes)
  std::uint64_t pages = 0;         // distinct data pages
  std::uint64_t shared_lines = 0;  // data lines touched by two threads or more
  std::uint64_t code_lines = 0;    // distinct lines of instruction fetches (din traces)

  std::string to_json() const;
};

// Streams every thread of `trace` once.
TraceStats compute_trace_stats(const Trace& trace, unsigned line_size = 64, unsigned page_size = 4096);

// A human-readable table.
std::string format_trace_stats(const TraceStats& s);

inline std::string to_json(const TraceStats& s) { return s.to_json(); }

}  // namespace cohsim
