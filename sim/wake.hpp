// Timed wake-ups of the components' SC_METHODs, counted.
#pragma once
#include <systemc>

#include "sim/types.hpp"

namespace cohsim {

// Bumped by every wake-up a component schedules. A core that runs several of its
// cycles in one activation asks SystemC for the next pending activity again only
// when this has changed: nothing else can bring that activity closer.
inline std::uint64_t wake_epoch = 0;

// Notify `ev` at tick `at` (now, if `at` has passed).
inline void wake_at(sc_core::sc_event& ev, Tick at, Tick now) {
  ++wake_epoch;
  ev.notify(sc_core::sc_time::from_value(at > now ? at - now : 0));
}

}  // namespace cohsim
