#include "sim/base/kernel_process.hpp"

#include "sim/base/error.hpp"
#include "sim/base/wake.hpp"

namespace cohsim {

KernelProcess::KernelProcess(sc_core::sc_module_name name) : sc_module(name) {
  SC_HAS_PROCESS(KernelProcess);
  SC_METHOD(step);
  sensitive << wake_;
  dont_initialize();  // run() wakes it at each slice's start
}

void KernelProcess::run(Tick duration) {
  const Tick now = sc_core::sc_time_stamp().value();
  if (now != sim_now()) throw SimError("kernel: SystemC's time and cohsim's kernel's differ");
  end_ = now + duration;
  wake_.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start(sc_core::sc_time::from_value(duration));
}

void KernelProcess::step() {
  const Tick now = sc_core::sc_time_stamp().value();
  if (sim_kernel.stopped() || now >= end_) {
    if (now == end_ && !sim_kernel.stopped()) sim_kernel.run(0);  // a zero-length slice: one evaluation
    return;
  }
  // SystemC's next other activity: 0 while another process is runnable now.
  const Tick other = sc_core::sc_time_to_pending_activity().value();
  const Tick horizon = other < end_ - now ? now + other : end_;
  sim_kernel.run(horizon - now);
  if (horizon < end_ && !sim_kernel.stopped()) wake_.notify(sc_core::sc_time::from_value(horizon - now));
}

}  // namespace cohsim
