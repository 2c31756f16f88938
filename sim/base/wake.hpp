// Timed wake-ups of the components' SC_METHODs, counted.
#pragma once
#include <algorithm>
#include <systemc>

#include "sim/base/types.hpp"

namespace cohsim {

// SystemC's present tick: sc_time_stamp().value(), inlined (the components ask for
// it at every activation and every wake-up they schedule).
inline Tick sim_now() { return sc_core::sc_get_curr_simcontext()->time_stamp().value(); }

// Bumped by every wake-up a component schedules. A component that runs several of
// its steps in one activation asks SystemC for the next pending activity once; after
// that, wake-ups scheduled since can only bring it closer, to the earliest of them
// (wake_low), and a wake-up that replaces a later one of the same event moves that
// activity to its own tick: the reading stays exact without asking again.
inline std::uint64_t wake_epoch = 0;
// The earliest tick asked for (the present for one already due) by the wake-ups
// scheduled since the latest horizon reading, taken at epoch wake_low_epoch.
inline Tick wake_low = ~Tick(0);
inline std::uint64_t wake_low_epoch = ~std::uint64_t(0);
// The `epoch` of a component that has not read the horizon in this activation.
constexpr std::uint64_t kNoHorizon = ~std::uint64_t(0);

// No component runs ahead of this tick: the end of the current sc_start slice.
inline Tick run_limit = ~Tick(0);

// Whether a component may do at once, inside its present activation, what it would
// otherwise do at tick `at`: nothing else has anything to do before then, so nothing
// can observe or change what it touches. `horizon` and `epoch` keep the reading of
// SystemC's next pending activity (start them at 0 and kNoHorizon); it is brought up
// to date from wake_low while this component's reading is the latest one taken, and
// read from SystemC again otherwise.
inline bool may_run_ahead(Tick at, Tick now, Tick& horizon, std::uint64_t& epoch) {
  if (epoch != wake_epoch) {
    if (epoch != kNoHorizon && epoch == wake_low_epoch) horizon = std::min(horizon, wake_low);
    else horizon = now + sc_core::sc_time_to_pending_activity().value();
    epoch = wake_low_epoch = wake_epoch;
    wake_low = ~Tick(0);
  }
  return at < horizon && at <= run_limit;
}

// Notify `ev` at tick `at` (now, if `at` has passed).
inline void wake_at(sc_core::sc_event& ev, Tick at, Tick now) {
  ++wake_epoch;
  wake_low = std::min(wake_low, at > now ? at : now);
  ev.notify(sc_core::sc_time::from_value(at > now ? at - now : 0));
}

}  // namespace cohsim
