// A multiprogrammed mix: several single-threaded traces (any format), trace i running
// as thread i (on core i). Each is its own program: with virtual memory the system
// gives each its own page tables (sim/system/system.cpp), so equal virtual addresses
// in two traces are different memory; without it the mix places trace i's addresses
// at i * 2^48 (kMixSpaceShift) so they touch disjoint physical ranges (each trace's
// addresses must then lie below 2^48, as x86-64 and AArch64 user addresses do).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "cpu/trace/trace.hpp"

namespace cohsim {

constexpr unsigned kMixSpaceShift = 48;

// Opens each path (Trace::open with `opts`) and checks that each has one thread;
// UserError naming the file otherwise. `separate`: add i << kMixSpaceShift to trace
// i's addresses (no virtual memory).
std::unique_ptr<Trace> open_mix_trace(const std::vector<std::string>& paths, const TraceOptions& opts,
                                      bool separate);

}  // namespace cohsim
