// Exceptions thrown inside a SystemC process (a trace error found mid-run, a broken
// invariant) would reach the kernel, which wraps them in its own report. Processes
// instead hand them here, the kernel is stopped, and System::run rethrows the
// original exception, so the user sees our message and the right exit status.
#pragma once
#include <exception>

#include "sim/base/wake.hpp"

namespace cohsim {

inline std::exception_ptr& captured_exception() {
  static std::exception_ptr e;
  return e;
}

// Call from a catch block inside a SystemC process.
inline void capture_exception_and_stop() {
  if (!captured_exception()) captured_exception() = std::current_exception();
  sim_kernel.stop();
}

inline void rethrow_captured_exception() {
  if (auto e = captured_exception()) {
    captured_exception() = nullptr;
    std::rethrow_exception(e);
  }
}

// Runs a process body, capturing what it throws.
template <typename F>
void guarded(F&& body) {
  try {
    body();
  } catch (...) {
    capture_exception_and_stop();
  }
}

}  // namespace cohsim
