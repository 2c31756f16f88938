// Basic scalar types shared by every component.
#pragma once
#include <cstdint>

namespace cohsim {

using Addr = std::uint64_t;      // a byte address
using LineAddr = std::uint64_t;  // a byte address shifted right by log2(line size)
using Tick = std::uint64_t;      // simulated time in femtoseconds (the SystemC resolution)
using Cycles = std::uint64_t;    // a count of cycles of some clock domain

constexpr Tick kTicksPerNs = 1'000'000;

}  // namespace cohsim
