// Timed wake-ups of the components' SC_METHODs, counted.
#pragma once
#include <systemc>

#include "sim/base/types.hpp"

namespace cohsim {

// SystemC's present tick: sc_time_stamp().value(), inlined (the components ask for
// it at every activation and every wake-up they schedule).
inline Tick sim_now() { return sc_core::sc_get_curr_simcontext()->time_stamp().value(); }

// Bumped by every wake-up a component schedules. A core that runs several of its
// cycles in one activation asks SystemC for the next pending activity again only
// when this has changed: nothing else can bring that activity closer.
inline std::uint64_t wake_epoch = 0;

// No component runs ahead of this tick: the end of the current sc_start slice.
inline Tick run_limit = ~Tick(0);

// Whether a component may do at once, inside its present activation, what it would
// otherwise do at tick `at`: nothing else has anything to do before then, so nothing
// can observe or change what it touches. `horizon` and `epoch` cache SystemC's answer
// (start them at 0 and wake_epoch - 1) until another wake-up is scheduled.
inline bool may_run_ahead(Tick at, Tick now, Tick& horizon, std::uint64_t& epoch) {
  if (epoch != wake_epoch) {
    epoch = wake_epoch;
    horizon = now + sc_core::sc_time_to_pending_activity().value();
  }
  return at < horizon && at <= run_limit;
}

// Notify `ev` at tick `at` (now, if `at` has passed).
inline void wake_at(sc_core::sc_event& ev, Tick at, Tick now) {
  ++wake_epoch;
  ev.notify(sc_core::sc_time::from_value(at > now ? at - now : 0));
}

}  // namespace cohsim
