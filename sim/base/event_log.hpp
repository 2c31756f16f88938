// The coherence event log (`--events FILE.jsonl`): one JSON line per state change of
// a line in a cache controller. Off unless a file is given; the check is one branch.
#pragma once
#include <cstdio>
#include <string>

#include "sim/base/types.hpp"

namespace cohsim {

class EventLog {
 public:
  EventLog() = default;
  ~EventLog();
  void open(const std::string& path);  // throws UserError if it cannot be written
  bool enabled() const { return file_ != nullptr; }
  // cycle: in the component's own clock; time in ns for cross-domain ordering.
  void transition(Tick t, std::uint64_t cycle, const std::string& component, Addr line_addr, const char* from,
                  const char* to, const char* cause);

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace cohsim
