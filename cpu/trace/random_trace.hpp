// A random trace for the stress tester (`cohsim stress`): every thread issues
// random loads, stores, read-modify-writes and fences on a few contended lines,
// with random gaps, generated on the fly (bounded memory for any length).
#pragma once
#include <memory>

#include "cpu/trace/trace.hpp"

namespace cohsim {

struct RandomTraceParams {
  unsigned threads = 2;
  std::uint64_t ops_per_thread = 1000;
  unsigned lines = 8;  // distinct lines the threads fight over
  unsigned line_size = 64;
  std::uint64_t seed = 0;
  Addr base = 0x100000;
};

std::unique_ptr<Trace> make_random_trace(const RandomTraceParams& p);

}  // namespace cohsim
