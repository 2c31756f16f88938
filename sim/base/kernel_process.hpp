// cohsim's kernel (sim/base/wake.hpp) inside SystemC: one SC_METHOD runs the
// components' processes, temporally decoupled the way TLM-2.0's loosely timed models
// are (tlm_utils::tlm_quantumkeeper). SystemC stays the simulation's kernel: the
// design is elaborated as SystemC modules, `System::run` advances time with sc_start,
// and sc_time_stamp() is the simulated time whenever SystemC runs anything else.
//
// In each activation, at SystemC's present time T (which is then also cohsim's kernel
// time), the method runs cohsim's kernel up to the earlier of the end of the present
// sc_start slice and SystemC's next other activity (sc_time_to_pending_activity: a
// process of another model, a notification of its own), and, if that left time
// before the slice's end, wakes itself there. Within that stretch the components'
// processes run on cohsim's kernel, exactly in SystemC's order (tests/unit/kernel_test.cpp
// compares the two), without paying a SystemC timestep each; another SystemC process
// in the design sees the components' time equal to its own.
#pragma once
#include <systemc>

#include "sim/base/types.hpp"

namespace cohsim {

class KernelProcess final : public sc_core::sc_module {
 public:
  explicit KernelProcess(sc_core::sc_module_name name);
  // sc_start for `duration` ticks, cohsim's kernel running inside it (then both
  // kernels' times are the slice's end, unless cohsim's kernel stopped).
  void run(Tick duration);

 private:
  void step();
  sc_core::sc_event wake_;
  Tick end_ = 0;  // the present sc_start slice's end
};

}  // namespace cohsim
