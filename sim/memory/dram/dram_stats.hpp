// The statistics of a DRAM controller, registered under a prefix ("memory"): totals,
// per channel and per bank. Every figure comes from the engine's counters; rates are
// over `*elapsed_cycles` DRAM cycles, which the owner keeps up to date.
#pragma once
#include <cstdint>
#include <string>

#include "sim/memory/dram/dram_controller.hpp"
#include "sim/base/stats.hpp"

namespace cohsim {

// `start`: the first cycle of the measured window (null: cycle 0); `elapsed` counts from it.
void register_dram_stats(Stats& s, const std::string& prefix, const DramController& c,
                         const std::uint64_t* elapsed_cycles, const std::uint64_t* start = nullptr);

}  // namespace cohsim
